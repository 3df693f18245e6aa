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

/* ---- multipart/form-data -------------------------------------------- */

static const char *mem_find(const char *hay, size_t n, const char *needle, size_t m)
{
	if (m == 0 || n < m)
		return NULL;
	for (size_t i = 0; i + m <= n; i++)
		if (hay[i] == needle[0] && memcmp(hay + i, needle, m) == 0)
			return hay + i;
	return NULL;
}

/* The value of a parameter in a header such as
 * Content-Disposition: form-data; name="x"; filename="y.csv" */
static char *header_param(struct pool *pool, const char *h, size_t n, const char *param)
{
	size_t plen = strlen(param);
	for (size_t i = 0; i + plen + 2 <= n; i++) {
		if ((i == 0 || h[i - 1] == ' ' || h[i - 1] == ';') && strncasecmp(h + i, param, plen) == 0 &&
		    h[i + plen] == '=') {
			const char *v = h + i + plen + 1;
			size_t left = n - (size_t)(v - h);
			if (left && *v == '"') {
				const char *end = memchr(v + 1, '"', left - 1);
				return end ? pool_strndup(pool, v + 1, (size_t)(end - v - 1)) : NULL;
			}
			size_t k = 0;
			while (k < left && v[k] != ';' && v[k] != ' ')
				k++;
			return pool_strndup(pool, v, k);
		}
	}
	return NULL;
}

int http_parse_multipart(struct pool *pool, const char *content_type, const char *body, size_t n,
			 struct http_params *out, struct http_files *files)
{
	const char *b = content_type ? strcasestr(content_type, "boundary=") : NULL;
	if (!b)
		return -1;
	b += 9;
	char boundary[80] = "--";
	size_t blen = strcspn(b, "; ");
	if (*b == '"') {
		b++;
		blen = strcspn(b, "\"");
	}
	if (blen == 0 || blen > 70)
		return -1;
	memcpy(boundary + 2, b, blen);
	blen += 2;
	boundary[blen] = '\0';

	const char *p = mem_find(body, n, boundary, blen);
	if (!p)
		return -1;
	const char *end = body + n;
	for (;;) {
		p += blen;
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return 0; /* closing boundary */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return -1;
		p += 2;
		const char *hdr_end = mem_find(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (!hdr_end)
			return -1;
		const char *data = hdr_end + 4;
		/* The part ends at CRLF + boundary. */
		char delim[84];
		snprintf(delim, sizeof delim, "\r\n%s", boundary);
		const char *next = mem_find(data, (size_t)(end - data), delim, blen + 2);
		if (!next)
			return -1;
		char *name = NULL, *filename = NULL, *ctype = NULL;
		for (const char *h = p; h < hdr_end;) {
			const char *eol = mem_find(h, (size_t)(hdr_end - h) + 2, "\r\n", 2);
			size_t hl = eol ? (size_t)(eol - h) : (size_t)(hdr_end - h);
			if (hl > 20 && strncasecmp(h, "Content-Disposition:", 20) == 0) {
				name = header_param(pool, h, hl, "name");
				filename = header_param(pool, h, hl, "filename");
			} else if (hl > 13 && strncasecmp(h, "Content-Type:", 13) == 0) {
				const char *v = h + 13;
				while (*v == ' ')
					v++;
				ctype = pool_strndup(pool, v, hl - (size_t)(v - h));
			}
			h += hl + 2;
		}
		if (!name || !name[0] || !utf8_valid_text(name, strlen(name), 0) ||
		    (filename && !utf8_valid_text(filename, strlen(filename), 0)))
			return -1;
		size_t len = (size_t)(next - data);
		if (filename) {
			if (files->n >= sizeof files->items / sizeof files->items[0])
				return -1;
			files->items[files->n++] = (struct http_file){name, filename, ctype ? ctype : "", data, len};
		} else {
			char *v = pool_strndup(pool, data, len);
			if (!v || !utf8_valid_text(v, len, 1) || strlen(v) != len ||
			    params_add(pool, out, name, v, len) < 0)
				return -1;
		}
		p = next + 2; /* at the boundary */
	}
}
