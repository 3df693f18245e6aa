/*
 * The HTTP layer: the only code that talks to libmicrohttpd. It reads a
 * request within explicit limits, parses the query, the form body and the
 * cookies, hands a struct request to one handler (the web dispatcher), and
 * sends the struct response it fills, adding the security headers that
 * every response carries.
 */
#ifndef LIEN_HTTP_H
#define LIEN_HTTP_H

#include "core/buf.h"
#include "core/pool.h"

#include <stddef.h>
#include <stdint.h>

enum http_method {
	HTTP_GET = 1,
	HTTP_POST = 2,
	HTTP_HEAD = 4,
	HTTP_OTHER = 8,
};

/* A decoded name/value pair; both NUL-terminated, in the request pool. */
struct http_param {
	const char *name;
	const char *value;
	size_t value_len;
};

struct http_params {
	struct http_param *items;
	size_t n, cap;
};

struct http_file {
	const char *name, *filename, *content_type;
	const char *data;
	size_t len;
};
struct http_files {
	struct http_file items[8];
	size_t n;
};
struct request {
	struct pool *pool;          /* freed when the response is sent */
	enum http_method method;
	const char *path;           /* percent-decoded, without the query */
	const char *raw_uri;        /* as received */
	struct http_params query;
	struct http_params form;    /* urlencoded or multipart body fields */
	struct http_files files;    /* multipart file parts */
	struct http_params cookies;
	const char *ip;             /* client address (X-Forwarded-For from loopback when behind a proxy) */
	int secure;                 /* TLS, or HTTPS at the trusted proxy */
	struct buf body;            /* raw body, capped by the body limit */
	void *conn;                 /* libmicrohttpd connection; use req_header() */
	int error_status;           /* 400 or 413 found by this layer: the handler renders that page */
	size_t form_limit;          /* --max-body: the dispatcher holds non-upload routes to it */
	void *app;                  /* free for the dispatcher */
};

#define RESP_MAX_HEADERS 12

struct response {
	int status;
	const char *content_type;   /* default text/html; charset=utf-8 */
	struct buf body;
	int cacheable;              /* 0: Cache-Control: no-store (the default) */
	const unsigned char *static_body; /* set instead of body for embedded files */
	size_t static_len;
	size_t nheaders;
	struct {
		const char *name, *value; /* in the request pool */
	} headers[RESP_MAX_HEADERS];
};

struct http_config {
	const char *listen_addr;    /* "127.0.0.1" */
	unsigned port;
	unsigned threads;           /* thread pool size */
	unsigned max_connections;
	unsigned max_per_ip;
	unsigned timeout_s;         /* idle connection timeout */
	unsigned request_timeout_s; /* a whole request, headers and body (slow clients) */
	size_t max_header_bytes;    /* per-connection memory for headers */
	size_t max_body_bytes;      /* forms */
	size_t max_upload_bytes;    /* multipart bodies to routes that take a file */
	/* Whether a route takes a file (set by the web layer), asked before the
	 * body is read so that other routes refuse a large body at once. */
	int (*accepts_upload)(int method, const char *path);
	const char *tls_cert_file, *tls_key_file;
	int behind_proxy;           /* trust X-Forwarded-For/Proto from loopback */
};

typedef void (*http_handler_fn)(struct request *req, struct response *resp);

struct http_server;

/* Starts listening; NULL with a message in err on failure. */
struct http_server *http_start(const struct http_config *cfg, http_handler_fn handler, struct buf *err);
void http_stop(struct http_server *s);
unsigned http_bound_port(struct http_server *s);

/* Request helpers. */
const char *req_header(struct request *req, const char *name);
const char *params_get(const struct http_params *p, const char *name);
const char *req_query(const struct request *req, const char *name);
const char *req_form(const struct request *req, const char *name);
const char *req_cookie(const struct request *req, const char *name);

/* Response helpers. Values are copied into the request pool. */
void resp_header(struct request *req, struct response *resp, const char *name, const char *value);
void resp_redirect(struct request *req, struct response *resp, const char *location);
/* Set-Cookie with HttpOnly, SameSite=Lax, Path=/, Secure when the request is secure.
 * max_age < 0 means a session cookie; 0 deletes it. */
void resp_cookie(struct request *req, struct response *resp, const char *name, const char *value, int max_age);

/* Parsers, also used by the fuzz harness. They return 0, or -1 on a
 * malformed input (bad percent escape, invalid UTF-8, control characters,
 * too many fields); values are decoded into the pool. */
int http_parse_urlencoded(struct pool *pool, const char *s, size_t n, struct http_params *out);
int http_parse_cookies(struct pool *pool, const char *s, size_t n, struct http_params *out);
/* multipart/form-data (file uploads). Text parts go to out like form
 * fields; file parts are returned in files (name, filename, content type,
 * bytes pointing into body). boundary is taken from the Content-Type. */
int http_parse_multipart(struct pool *pool, const char *content_type, const char *body, size_t n,
			 struct http_params *out, struct http_files *files);
/* Decode %XX (and '+' as space when plus_is_space); -1 on a bad escape. */
int http_percent_decode(const char *s, size_t n, int plus_is_space, char *out, size_t *outlen);

/* Embedded static assets (static/NAME), served with ETag and a long cache.
 * Returns 1 when the path names an asset (response filled), else 0. */
int http_static_serve(struct request *req, struct response *resp, const char *name);
/* "/static/lien.css?v=ETAG" - a URL that changes when the file does. */
const char *http_static_url(const char *name);

#endif
