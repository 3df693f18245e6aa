/*
 * Growable byte buffers with a size cap, and non-owning string views.
 *
 * Invariants of struct buf:
 *  - data is NULL while cap == 0; otherwise data[len] == '\0' always, so a
 *    buffer can be handed to C string functions without copying.
 *  - len <= max when max != 0: an append that would pass the cap fails with
 *    -1 and leaves the buffer unchanged (the cap is how request bodies, form
 *    fields and generated pages are bounded).
 */
#ifndef LIEN_CORE_BUF_H
#define LIEN_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max; /* 0 = no cap */
};

/* A view into bytes owned by someone else; not NUL-terminated in general. */
struct str {
	const char *ptr;
	size_t len;
};

#define BUF_INIT {NULL, 0, 0, 0}
#define STR_LIT(s) ((struct str){(s), sizeof(s) - 1})
#define STR_NULL ((struct str){NULL, 0})

void buf_init(struct buf *b, size_t max);
void buf_free(struct buf *b);
void buf_reset(struct buf *b); /* len = 0, keeps memory */
int buf_reserve(struct buf *b, size_t extra);
int buf_append_grow(struct buf *b, const void *p, size_t n); /* buf_append's slow path */
/* memcpy for the short strings of pages (names, values): up to 16 bytes by
 * two overlapping word copies, which compile to moves, instead of a call. */
static inline void copy_short(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	if (n > 16) {
		memcpy(d, s, n);
	} else if (n >= 8) {
		uint64_t a, z;
		memcpy(&a, s, 8);
		memcpy(&z, s + n - 8, 8);
		memcpy(d, &a, 8);
		memcpy(d + n - 8, &z, 8);
	} else if (n >= 4) {
		uint32_t a, z;
		memcpy(&a, s, 4);
		memcpy(&z, s + n - 4, 4);
		memcpy(d, &a, 4);
		memcpy(d + n - 4, &z, 4);
	} else if (n) {
		d[0] = s[0];
		d[n / 2] = s[n / 2];
		d[n - 1] = s[n - 1];
	}
}

/* Pages are built from hundreds of small appends: the common case (room
 * left, under the cap) is inlined. */
static inline int buf_append(struct buf *b, const void *p, size_t n)
{
	if (n >= b->cap - b->len || (b->max && n > b->max - b->len))
		return buf_append_grow(b, p, n);
	copy_short(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_appendf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_vappendf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Detach the data (caller frees it); the buffer becomes empty. */
char *buf_detach(struct buf *b, size_t *len);
const char *buf_cstr(const struct buf *b); /* "" when empty */

/* Append s with HTML escaping of & < > " ' */
int buf_append_html(struct buf *b, const char *s, size_t n);
/* Length of the prefix of s[0..n) that HTML escaping leaves as it is. */
size_t html_special_span(const char *s, size_t n);

/* Append s as a JSON string literal, quotes included (control characters,
 * quotes, backslashes and </ escaped, so it is safe inside HTML too). */
int buf_append_json(struct buf *b, const char *s);

struct str str_from(const char *s);
int str_eq(struct str a, struct str b);
int str_eq_cstr(struct str a, const char *s);
int str_has_prefix(struct str a, const char *prefix);

/* Copy a view into a fixed array, always NUL-terminated, truncating. Returns
 * 0, or -1 if it had to truncate. */
int str_copy(char *dst, size_t dstsize, struct str s);
/* Bounded copy of a C string; returns -1 on truncation. */
int cstr_copy(char *dst, size_t dstsize, const char *src);

/* Parse a base-10 integer within [min, max], the whole view; 0 or -1. */
int str_to_i64(struct str s, int64_t min, int64_t max, int64_t *out);

/* Number of characters (code points) of valid UTF-8 text: limits shown to
 * people are in characters, not bytes. */
size_t utf8_length(const char *s, size_t n);

/* 1 if the bytes are valid UTF-8 with no control characters other than
 * tab, CR and LF (allow_newlines) — what a form field may contain. */
int utf8_valid_text(const char *s, size_t n, int allow_newlines);

/* Valid text (utf8_valid_text) of at most max characters: the length
 * limits a form states are in characters, not bytes. */
int utf8_text_fits(const char *s, size_t max, int multiline);

#endif
