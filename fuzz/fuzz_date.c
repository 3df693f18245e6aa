/*
 * libFuzzer harness for small parsers of user input, each checked against
 * an independent reference written here (differential fuzzing):
 *  - date_parse (src/core/clock.c): "YYYY-MM-DD" or "DD/MM/YYYY". A date is
 *    accepted exactly when the reference accepts it (years 1800-9999, a day
 *    that exists, decided by round-tripping through days_from_civil and
 *    civil_from_days); an accepted date round-trips through those two, and
 *    formatted back in either form it parses to the same date; the next
 *    day is one day later.
 *  - utf8_valid_text (src/core/buf.c) against a plain RFC 3629 decoder that
 *    refuses C0 controls (except tab, and CR/LF when allowed), DEL and C1.
 *  - str_to_i64 (src/core/buf.c) against a reference parser of -?[0-9]+
 *    with overflow checks, within bounds taken from the input.
 * The first byte picks the function; the rest is its input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                    \
	do {                           \
		if (!(cond))           \
			__builtin_trap(); \
	} while (0)

/* ---- dates ---- */

static int ref_digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

/* 1 and the date when s is a valid date by a definition independent of
 * date_parse's month table. */
static int ref_date(const char *s, int *y, int *m, int *d)
{
	if (strlen(s) != 10)
		return 0;
	if (s[4] == '-' && s[7] == '-') {
		if (!ref_digits(s, 4, y) || !ref_digits(s + 5, 2, m) || !ref_digits(s + 8, 2, d))
			return 0;
	} else if (s[2] == '/' && s[5] == '/') {
		if (!ref_digits(s, 2, d) || !ref_digits(s + 3, 2, m) || !ref_digits(s + 6, 4, y))
			return 0;
	} else {
		return 0;
	}
	if (*y < 1800 || *y > 9999 || *m < 1 || *m > 12 || *d < 1 || *d > 31)
		return 0;
	int y2, m2, d2;
	civil_from_days(days_from_civil(*y, *m, *d), &y2, &m2, &d2);
	return y2 == *y && m2 == *m && d2 == *d; /* 31/04 would come back as 01/05 */
}

static void fuzz_date(const char *s)
{
	int y = -1, m = -1, d = -1, ry = -1, rm = -1, rd = -1;
	int ok = date_parse(s, &y, &m, &d) == 0;
	int ref = ref_date(s, &ry, &rm, &rd);
	CHECK(ok == ref);
	if (!ok)
		return;
	CHECK(y == ry && m == rm && d == rd);
	int64_t z = days_from_civil(y, m, d);
	int y2, m2, d2;
	civil_from_days(z, &y2, &m2, &d2);
	CHECK(y2 == y && m2 == m && d2 == d);
	char iso[32], fr[32];
	snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
	snprintf(fr, sizeof fr, "%02d/%02d/%04d", d, m, y);
	CHECK(date_parse(iso, &y2, &m2, &d2) == 0 && y2 == y && m2 == m && d2 == d);
	CHECK(date_parse(fr, &y2, &m2, &d2) == 0 && y2 == y && m2 == m && d2 == d);
	CHECK(strcmp(s, iso) == 0 || strcmp(s, fr) == 0); /* exactly one spelling */
	/* The next day: the following date, or the first of the next month/year. */
	civil_from_days(z + 1, &y2, &m2, &d2);
	if (d2 == d + 1)
		CHECK(y2 == y && m2 == m);
	else
		CHECK(d2 == 1 && ((m2 == m + 1 && y2 == y) || (m == 12 && m2 == 1 && y2 == y + 1)));
	/* 1970-01-01 was day 0, a Thursday: the weekday cycle holds. */
	CHECK(days_from_civil(1970, 1, 1) == 0);
}

/* ---- UTF-8 text ---- */

static int ref_utf8_text(const unsigned char *p, size_t n, int nl)
{
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		size_t len;
		unsigned c = p[i];
		if (c < 0x80) {
			cp = c;
			len = 1;
		} else {
			if ((c & 0xe0) == 0xc0) {
				len = 2;
				cp = c & 0x1f;
			} else if ((c & 0xf0) == 0xe0) {
				len = 3;
				cp = c & 0x0f;
			} else if ((c & 0xf8) == 0xf0) {
				len = 4;
				cp = c & 0x07;
			} else {
				return 0;
			}
			if (n - i < len)
				return 0;
			for (size_t k = 1; k < len; k++) {
				if ((p[i + k] & 0xc0) != 0x80)
					return 0;
				cp = cp << 6 | (p[i + k] & 0x3f);
			}
			static const uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
			if (cp < min_for_len[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
				return 0; /* overlong, beyond Unicode, surrogate */
		}
		int control = cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f);
		if (control && !(cp == '\t' || (nl && (cp == '\n' || cp == '\r'))))
			return 0;
		i += len;
	}
	return 1;
}

static void fuzz_utf8(const char *s, size_t n)
{
	for (int nl = 0; nl <= 1; nl++)
		CHECK(utf8_valid_text(s, n, nl) == ref_utf8_text((const unsigned char *)s, n, nl));
	/* Valid text stays valid when split at a character boundary. */
	if (utf8_valid_text(s, n, 1)) {
		size_t half = n / 2;
		while (half > 0 && ((unsigned char)s[half] & 0xc0) == 0x80)
			half--;
		CHECK(utf8_valid_text(s, half, 1) && utf8_valid_text(s + half, n - half, 1));
	}
}

/* ---- integers ---- */

static int ref_i64(const char *s, size_t n, int64_t min, int64_t max, int64_t *out)
{
	if (n == 0 || n >= 32)
		return 0;
	size_t i = 0;
	int neg = 0;
	if (s[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i == n)
		return 0;
	/* Accumulate as a negative number: INT64_MIN has no positive twin. */
	int64_t v = 0;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		int dgt = s[i] - '0';
		if (v < (INT64_MIN + dgt) / 10)
			return 0;
		v = v * 10 - dgt;
	}
	if (!neg) {
		if (v == INT64_MIN)
			return 0;
		v = -v;
	}
	if (v < min || v > max)
		return 0;
	*out = v;
	return 1;
}

static void fuzz_i64(const uint8_t *data, size_t size)
{
	static const int64_t bounds[][2] = {
		{INT64_MIN, INT64_MAX}, {0, 65535}, {1, 64}, {-1, 1},
		{0, INT64_MAX}, {INT64_MIN, 0}, {1024, 1 << 30}, {5, 4},
	};
	if (size < 1)
		return;
	const int64_t *b = bounds[data[0] % 8];
	const char *s = (const char *)data + 1;
	size_t n = size - 1;
	int64_t got = 0x5a5a, want = 0;
	int ok = str_to_i64((struct str){s, n}, b[0], b[1], &got) == 0;
	CHECK(ok == ref_i64(s, n, b[0], b[1], &want));
	if (ok)
		CHECK(got == want && got >= b[0] && got <= b[1]);
	else
		CHECK(got == 0x5a5a); /* untouched on failure */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 4096)
		return -1;
	size_t n = size - 1;
	char *s = malloc(n + 1);
	if (!s)
		return 0;
	memcpy(s, data + 1, n);
	s[n] = '\0';
	switch (data[0] % 3) {
	case 0:
		fuzz_date(s); /* a C string: stops at the first NUL, as a form value would */
		break;
	case 1:
		fuzz_utf8(s, n);
		break;
	default:
		fuzz_i64(data + 1, n);
		break;
	}
	free(s);
	return 0;
}
