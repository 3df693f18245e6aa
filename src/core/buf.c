#include "core/buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

void buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

int buf_reserve(struct buf *b, size_t extra)
{
	if (extra > SIZE_MAX / 2 - b->len)
		return -1;
	size_t need = b->len + extra + 1;
	if (b->max && b->len + extra > b->max)
		return -1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	char *p = realloc(b->data, cap);
	if (!p)
		return -1;
	b->data = p;
	b->cap = cap;
	return 0;
}

int buf_append_grow(struct buf *b, const void *p, size_t n)
{
	if (buf_reserve(b, n) < 0)
		return -1;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int buf_putc(struct buf *b, char c)
{
	return buf_append(b, &c, 1);
}

int buf_vappendf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	char small[256];
	int n = vsnprintf(small, sizeof small, fmt, cp);
	va_end(cp);
	if (n < 0)
		return -1;
	if ((size_t)n < sizeof small)
		return buf_append(b, small, (size_t)n);
	if (buf_reserve(b, (size_t)n) < 0)
		return -1;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int buf_appendf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = buf_vappendf(b, fmt, ap);
	va_end(ap);
	return rc;
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p = b->data;
	if (len)
		*len = b->len;
	if (!p) {
		p = malloc(1);
		if (p)
			p[0] = '\0';
	}
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

const char *buf_cstr(const struct buf *b)
{
	return b->data ? b->data : "";
}

/* Bytes that HTML escaping replaces, and their entities. */
static const unsigned char HTML_SPECIAL[256] = {['&'] = 1, ['<'] = 2, ['>'] = 3, ['"'] = 4, ['\''] = 5};
static const char *const HTML_ENTITY[] = {"", "&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};

typedef unsigned char v16 __attribute__((vector_size(16)));
typedef uint64_t v2x64 __attribute__((vector_size(16)));

/* Index of the first byte of v that HTML escaping replaces, or 16. A lane
 * that matches is all ones: the lowest set bit tells which (little-endian
 * lane order). */
static size_t first_special(v16 v)
{
	v2x64 hit = (v2x64)((v16)(v == '&') | (v16)(v == '<') | (v16)(v == '>') | (v16)(v == '"') |
			    (v16)(v == '\''));
	if (hit[0])
		return (size_t)__builtin_ctzll(hit[0]) / 8;
	if (hit[1])
		return 8 + (size_t)__builtin_ctzll(hit[1]) / 8;
	return 16;
}

/* Index of the first byte of s[0..n) that HTML escaping replaces, or n.
 * Pages escape every value they show, and most values have nothing to
 * replace: 16 bytes are compared at a time (GCC vector extensions, SSE2 on
 * x86-64), the tail copied into zeroed lanes (a zero is never replaced). */
size_t html_special_span(const char *s, size_t n)
{
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
	size_t i = 0;
	while (i < n && !HTML_SPECIAL[(unsigned char)s[i]])
		i++;
	return i;
#else
	size_t i = 0;
	for (; i + 16 <= n; i += 16) {
		v16 v;
		memcpy(&v, s + i, sizeof v);
		size_t k = first_special(v);
		if (k < 16)
			return i + k;
	}
	if (i == n)
		return n;
	v16 tail = {0};
	copy_short(&tail, s + i, (n - i) & 15); /* n - i < 16: the mask only says so */
	size_t k = first_special(tail);
	return k < n - i ? i + k : n;
#endif
}

int buf_append_html(struct buf *b, const char *s, size_t n)
{
	for (;;) {
		size_t run = html_special_span(s, n);
		if (buf_append(b, s, run) < 0)
			return -1;
		if (run == n)
			return 0;
		if (buf_puts(b, HTML_ENTITY[HTML_SPECIAL[(unsigned char)s[run]]]) < 0)
			return -1;
		s += run + 1;
		n -= run + 1;
	}
}

int buf_append_json(struct buf *b, const char *s)
{
	if (buf_putc(b, '"') < 0)
		return -1;
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		int rc;
		switch (*p) {
		case '"': rc = buf_puts(b, "\\\""); break;
		case '\\': rc = buf_puts(b, "\\\\"); break;
		case '\n': rc = buf_puts(b, "\\n"); break;
		case '\r': rc = buf_puts(b, "\\r"); break;
		case '\t': rc = buf_puts(b, "\\t"); break;
		case '<': rc = buf_puts(b, "\\u003c"); break;
		case '>': rc = buf_puts(b, "\\u003e"); break;
		case '&': rc = buf_puts(b, "\\u0026"); break;
		default:
			rc = *p < 0x20 ? buf_appendf(b, "\\u%04x", *p) : buf_putc(b, (char)*p);
		}
		if (rc < 0)
			return -1;
	}
	return buf_putc(b, '"');
}

struct str str_from(const char *s)
{
	struct str r = {s, s ? strlen(s) : 0};
	return r;
}

int str_eq(struct str a, struct str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

int str_eq_cstr(struct str a, const char *s)
{
	return str_eq(a, str_from(s));
}

int str_has_prefix(struct str a, const char *prefix)
{
	size_t n = strlen(prefix);
	return a.len >= n && memcmp(a.ptr, prefix, n) == 0;
}

int str_copy(char *dst, size_t dstsize, struct str s)
{
	if (dstsize == 0)
		return -1;
	size_t n = s.len < dstsize - 1 ? s.len : dstsize - 1;
	if (n)
		memcpy(dst, s.ptr, n);
	dst[n] = '\0';
	return n == s.len ? 0 : -1;
}

int cstr_copy(char *dst, size_t dstsize, const char *src)
{
	return str_copy(dst, dstsize, str_from(src));
}

int str_to_i64(struct str s, int64_t min, int64_t max, int64_t *out)
{
	char tmp[32];
	if (s.len == 0 || s.len >= sizeof tmp)
		return -1;
	memcpy(tmp, s.ptr, s.len);
	tmp[s.len] = '\0';
	for (size_t i = 0; i < s.len; i++)
		if (!((tmp[i] >= '0' && tmp[i] <= '9') || (i == 0 && tmp[i] == '-')))
			return -1;
	errno = 0;
	char *end;
	long long v = strtoll(tmp, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

size_t utf8_length(const char *s, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			count++;
	return count;
}

int utf8_valid_text(const char *s, size_t n, int allow_newlines)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		unsigned c = p[i];
		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f) {
				if (!(c == '\t' || (allow_newlines && (c == '\n' || c == '\r'))))
					return 0;
			}
			i++;
			continue;
		}
		size_t len;
		unsigned cp;
		if (c >= 0xc2 && c <= 0xdf) { len = 2; cp = c & 0x1f; }
		else if (c >= 0xe0 && c <= 0xef) { len = 3; cp = c & 0x0f; }
		else if (c >= 0xf0 && c <= 0xf4) { len = 4; cp = c & 0x07; }
		else return 0;
		if (i + len > n)
			return 0;
		for (size_t k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp < 0xa0))
			return 0;
		i += len;
	}
	return 1;
}

int utf8_text_fits(const char *s, size_t max, int multiline)
{
	size_t n = strlen(s);
	return n <= 4 * max && utf8_valid_text(s, n, multiline) && utf8_length(s, n) <= max;
}
