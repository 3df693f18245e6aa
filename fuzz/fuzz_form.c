/*
 * libFuzzer harness for the parsers of what a browser sends (src/http/form.c):
 * query strings and urlencoded bodies, the Cookie header, percent-decoding.
 * The first byte picks the parser, the rest is its input, copied into a
 * buffer of exactly its size so that ASan sees any read past the end.
 * Beyond "no crash", each parser's promises are checked:
 *  - urlencoded: names non-empty, value_len == strlen(value), every name
 *    and value valid text (utf8_valid_text with newlines), at most 256
 *    fields, and re-encoding what was parsed parses back to the same fields;
 *  - cookies: names non-empty without '=' or ';', values without ';',
 *    both printable ASCII, value_len == strlen(value);
 *  - percent-decoding: output never longer than the input, NUL-terminated,
 *    identical to the input when there is nothing to decode, and encoding
 *    the output then decoding it gives it back.
 *   sh fuzz/run.sh builds it; see there for the flags.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/pool.h"
#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                    \
	do {                           \
		if (!(cond))           \
			__builtin_trap(); \
	} while (0)

static const char HEX[] = "0123456789ABCDEF";

/* Percent-encode every byte that is not unreserved. */
static void encode(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			CHECK(buf_putc(b, (char)c) == 0);
		} else {
			char e[3] = {'%', HEX[c >> 4], HEX[c & 15]};
			CHECK(buf_append(b, e, 3) == 0);
		}
	}
}

static void fuzz_urlencoded(const char *s, size_t n)
{
	struct pool *pool = pool_new();
	CHECK(pool);
	struct http_params p = {0};
	if (http_parse_urlencoded(pool, s, n, &p) == 0) {
		CHECK(p.n <= 256);
		size_t amps = 0;
		for (size_t i = 0; i < n; i++)
			amps += s[i] == '&';
		CHECK(p.n <= amps + 1);
		struct buf again = BUF_INIT;
		for (size_t i = 0; i < p.n; i++) {
			const struct http_param *f = &p.items[i];
			size_t nlen = strlen(f->name);
			CHECK(nlen > 0);
			CHECK(strlen(f->value) == f->value_len);
			CHECK(utf8_valid_text(f->name, nlen, 1));
			CHECK(utf8_valid_text(f->value, f->value_len, 1));
			if (i)
				CHECK(buf_putc(&again, '&') == 0);
			encode(&again, f->name, nlen);
			CHECK(buf_putc(&again, '=') == 0);
			encode(&again, f->value, f->value_len);
		}
		struct http_params q = {0};
		CHECK(http_parse_urlencoded(pool, buf_cstr(&again), again.len, &q) == 0);
		CHECK(q.n == p.n);
		for (size_t i = 0; i < p.n; i++) {
			CHECK(strcmp(q.items[i].name, p.items[i].name) == 0);
			CHECK(q.items[i].value_len == p.items[i].value_len);
			CHECK(memcmp(q.items[i].value, p.items[i].value, p.items[i].value_len) == 0);
		}
		/* params_get finds the first field of a name. */
		if (p.n)
			CHECK(params_get(&p, p.items[0].name) == p.items[0].value);
		buf_free(&again);
	}
	pool_free(pool);
}

static int printable(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return 0;
	return 1;
}

static void fuzz_cookies(const char *s, size_t n)
{
	struct pool *pool = pool_new();
	CHECK(pool);
	struct http_params p = {0};
	if (http_parse_cookies(pool, s, n, &p) == 0) {
		size_t semis = 0;
		for (size_t i = 0; i < n; i++)
			semis += s[i] == ';';
		CHECK(p.n <= semis + 1 && p.n <= 256);
		for (size_t i = 0; i < p.n; i++) {
			const struct http_param *c = &p.items[i];
			size_t nlen = strlen(c->name);
			CHECK(nlen > 0 && printable(c->name, nlen));
			CHECK(!strchr(c->name, '=') && !strchr(c->name, ';'));
			CHECK(strlen(c->value) == c->value_len);
			CHECK(printable(c->value, c->value_len) && !strchr(c->value, ';'));
		}
	}
	pool_free(pool);
}

static void fuzz_percent(const char *s, size_t n, int plus)
{
	char *out = malloc(n + 1);
	CHECK(out);
	size_t olen = (size_t)-1;
	if (http_percent_decode(s, n, plus, out, &olen) == 0) {
		CHECK(olen <= n && out[olen] == '\0');
		if (!memchr(s, '%', n) && !(plus && memchr(s, '+', n)))
			CHECK(olen == n && memcmp(out, s, n) == 0);
		struct buf enc = BUF_INIT;
		encode(&enc, out, olen);
		char *back = malloc(enc.len + 1);
		size_t blen = 0;
		CHECK(back);
		CHECK(http_percent_decode(enc.data ? enc.data : "", enc.len, plus, back, &blen) == 0);
		CHECK(blen == olen && memcmp(back, out, olen) == 0);
		free(back);
		buf_free(&enc);
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 65536)
		return -1;
	unsigned sel = data[0];
	size_t n = size - 1;
	char *s = malloc(n ? n : 1); /* exactly the input: no NUL after it */
	if (!s)
		return 0;
	memcpy(s, data + 1, n);
	switch (sel % 4) {
	case 0:
		fuzz_urlencoded(s, n);
		break;
	case 1:
		fuzz_cookies(s, n);
		break;
	case 2:
		fuzz_percent(s, n, 0);
		break;
	default:
		fuzz_percent(s, n, 1);
		break;
	}
	free(s);
	return 0;
}
