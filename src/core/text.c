#include "core/text.h"

#include <string.h>

/* Latin-1 Supplement and Latin Extended-A letters, U+00C0..U+017F, folded
 * to ASCII. Index = code point - 0xC0. "" means "drop". */
static const char *const FOLD_C0[] = {
	/* C0 */ "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	/* D0 */ "d", "n", "o", "o", "o", "o", "o", " ", "o", "u", "u", "u", "u", "y", "th", "ss",
	/* E0 */ "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	/* F0 */ "d", "n", "o", "o", "o", "o", "o", " ", "o", "u", "u", "u", "u", "y", "th", "y",
	/* 100 */ "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",
	/* 110 */ "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",
	/* 120 */ "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",
	/* 130 */ "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",
	/* 140 */ "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",
	/* 150 */ "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",
	/* 160 */ "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",
	/* 170 */ "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",
};

int text_fold(const char *in, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)in;
	int space = 1; /* at start: drop leading separators */
	size_t start = out->len;
	while (*p) {
		unsigned c = *p;
		const char *rep = NULL;
		char one[2] = {0, 0};
		size_t adv = 1;
		if (c < 0x80) {
			if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
				one[0] = (char)c;
			} else if (c >= 'A' && c <= 'Z') {
				one[0] = (char)(c - 'A' + 'a');
			} else {
				one[0] = ' ';
			}
			rep = one;
		} else if ((c & 0xe0) == 0xc0 && (p[1] & 0xc0) == 0x80) {
			unsigned cp = ((c & 0x1f) << 6) | (p[1] & 0x3f);
			adv = 2;
			if (cp >= 0xc0 && cp <= 0x17f)
				rep = FOLD_C0[cp - 0xc0];
			else if (cp == 0xa0)
				rep = " ";
		} else if (c == 0xe2 && p[1] == 0x80 && (p[2] == 0x99 || p[2] == 0x93 || p[2] == 0x94)) {
			rep = " "; /* ’ – — */
			adv = 3;
		}
		if (!rep) {
			/* Another script: keep the bytes of this character as they are. */
			size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
			for (size_t k = 1; k < n; k++)
				if (!p[k])
					n = k;
			if (buf_append(out, p, n) < 0)
				return -1;
			space = 0;
			p += n;
			continue;
		}
		for (const char *r = rep; *r; r++) {
			if (*r == ' ') {
				if (!space && buf_putc(out, ' ') < 0)
					return -1;
				space = 1;
			} else {
				if (buf_putc(out, *r) < 0)
					return -1;
				space = 0;
			}
		}
		p += adv;
	}
	if (out->len > start && out->data[out->len - 1] == ' ') {
		out->len--;
		out->data[out->len] = '\0';
	}
	return 0;
}

size_t phone_digits(const char *in, char *out, size_t n)
{
	size_t o = 0;
	const char *p = in;
	while (*p == ' ')
		p++;
	if (p[0] == '+' && p[1] == '3' && p[2] == '3') {
		if (o + 1 < n)
			out[o++] = '0';
		p += 3;
		while (*p == ' ')
			p++;
		if (strncmp(p, "(0)", 3) == 0)
			p += 3;
	}
	for (; *p && o + 1 < n; p++)
		if (*p >= '0' && *p <= '9')
			out[o++] = *p;
	out[o < n ? o : n - 1] = '\0';
	return o;
}

/* Copies at most room bytes of s, never ending inside a UTF-8 sequence. */
static size_t copy_whole_chars(char *out, size_t room, const char *s)
{
	size_t len = strlen(s);
	if (len > room) {
		len = room;
		while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;
	}
	memcpy(out, s, len);
	return len;
}

void text_join_name(const char *a, const char *b, char *out, size_t n)
{
	if (n == 0)
		return;
	size_t len = copy_whole_chars(out, n - 1, a);
	if (len < n - 1) {
		out[len++] = ' ';
		len += copy_whole_chars(out + len, n - 1 - len, b);
	}
	out[len] = '\0';
}

void text_trim(const char *in, char *out, size_t n)
{
	while (*in == ' ' || *in == '\t')
		in++;
	size_t len = strlen(in);
	while (len && (in[len - 1] == ' ' || in[len - 1] == '\t'))
		len--;
	str_copy(out, n, (struct str){in, len});
}

void text_upper(const char *in, char *out, size_t n)
{
	size_t o = 0;
	const unsigned char *p = (const unsigned char *)in;
	while (*p && o + 1 < n) {
		if (*p >= 'a' && *p <= 'z') {
			out[o++] = (char)(*p - 32);
			p++;
		} else if (p[0] == 0xc3 && p[1] >= 0xa0 && p[1] <= 0xbe && p[1] != 0xb7 && o + 2 < n) {
			out[o++] = (char)0xc3;
			out[o++] = (char)(p[1] - 0x20);
			p += 2;
		} else if (p[0] == 0xc5 && p[1] == 0x93 && o + 2 < n) { /* œ */
			out[o++] = (char)0xc5;
			out[o++] = (char)0x92;
			p += 2;
		} else {
			/* Copy a whole character so that a cut never splits one. */
			size_t len = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc0 ? 2 : 1;
			if (o + len >= n)
				break;
			for (size_t k = 0; k < len && p[k]; k++)
				out[o++] = (char)p[k];
			p += len;
		}
	}
	out[o] = '\0';
}
