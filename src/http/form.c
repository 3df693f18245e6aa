/* Parsers for what a browser sends: query strings, urlencoded forms and
 * cookies. Kept free of libmicrohttpd so the fuzzer can drive them alone. */
#include "http/http.h"

#include <string.h>
#include <strings.h>

enum { MAX_PARAMS = 256 };

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int http_percent_decode(const char *s, size_t n, int plus_is_space, char *out, size_t *outlen)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '%') {
			if (i + 2 >= n)
				return -1;
			int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (c == '+' && plus_is_space) {
			out[o++] = ' ';
		} else {
			out[o++] = c;
		}
	}
	out[o] = '\0';
	*outlen = o;
	return 0;
}

static int params_add(struct pool *pool, struct http_params *p, const char *name, const char *value, size_t vlen)
{
	if (p->n == p->cap) {
		if (p->n >= MAX_PARAMS)
			return -1;
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct http_param *items = pool_alloc(pool, cap * sizeof *items);
		if (!items)
			return -1;
		if (p->n)
			memcpy(items, p->items, p->n * sizeof *items);
		p->items = items;
		p->cap = cap;
	}
	p->items[p->n].name = name;
	p->items[p->n].value = value;
	p->items[p->n].value_len = vlen;
	p->n++;
	return 0;
}

/* Decode one component into the pool, refusing what no form field may hold. */
static char *decode_part(struct pool *pool, const char *s, size_t n, int plus, size_t *outlen)
{
	char *d = pool_alloc(pool, n + 1);
	if (!d || http_percent_decode(s, n, plus, d, outlen) < 0)
		return NULL;
	/* A textarea legitimately sends newlines; no other control character. */
	if (!utf8_valid_text(d, *outlen, 1))
		return NULL;
	return d;
}

int http_parse_urlencoded(struct pool *pool, const char *s, size_t n, struct http_params *out)
{
	size_t i = 0;
	while (i < n) {
		const char *amp = memchr(s + i, '&', n - i);
		size_t end = amp ? (size_t)(amp - s) : n;
		if (end > i) {
			const char *eq = memchr(s + i, '=', end - i);
			size_t nend = eq ? (size_t)(eq - s) : end;
			size_t nlen, vlen = 0;
			char *name = decode_part(pool, s + i, nend - i, 1, &nlen);
			char *value = eq ? decode_part(pool, eq + 1, end - nend - 1, 1, &vlen)
					 : pool_strdup(pool, "");
			if (!name || !value || nlen == 0 || strlen(name) != nlen || strlen(value) != vlen)
				return -1;
			if (params_add(pool, out, name, value, vlen) < 0)
				return -1;
		}
		i = end + 1;
	}
	return 0;
}

static int cookie_chars_ok(const char *s, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if ((unsigned char)s[k] < 0x21 || (unsigned char)s[k] > 0x7e)
			return 0;
	return 1;
}

/* Pairs that are not printable tokens are skipped, not fatal: another
 * application on the same host may have set cookies we do not own. */
int http_parse_cookies(struct pool *pool, const char *s, size_t n, struct http_params *out)
{
	size_t i = 0;
	while (i < n) {
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		const char *semi = memchr(s + i, ';', n - i);
		size_t end = semi ? (size_t)(semi - s) : n;
		const char *eq = end > i ? memchr(s + i, '=', end - i) : NULL;
		if (eq) {
			size_t nlen = (size_t)(eq - (s + i));
			size_t vstart = (size_t)(eq - s) + 1;
			size_t vend = end;
			while (vend > vstart && (s[vend - 1] == ' ' || s[vend - 1] == '\t'))
				vend--;
			if (nlen > 0 && cookie_chars_ok(s + i, nlen) &&
			    cookie_chars_ok(s + vstart, vend - vstart)) {
				char *name = pool_strndup(pool, s + i, nlen);
				char *value = pool_strndup(pool, s + vstart, vend - vstart);
				if (!name || !value || params_add(pool, out, name, value, vend - vstart) < 0)
					return -1;
			}
		}
		i = end + 1;
	}
	return 0;
}

const char *params_get(const struct http_params *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->items[i].name, name) == 0)
			return p->items[i].value;
	return NULL;
}

const char *req_query(const struct request *req, const char *name)
{
	return params_get(&req->query, name);
}

const char *req_form(const struct request *req, const char *name)
{
	return params_get(&req->form, name);
}

const char *req_cookie(const struct request *req, const char *name)
{
	return params_get(&req->cookies, name);
}
