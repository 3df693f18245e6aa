/*
 * libmicrohttpd glue. Each request gets a pool and a state allocated in the
 * URI-log callback (the earliest hook, where the raw URI is seen). The
 * response is queued on a later call of the access handler, never the
 * first: libmicrohttpd closes the connection after a response queued on the
 * first call, which would cost a new TCP connection per request.
 */
#include "http/http.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/thread_exit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sanitizer/asan_interface.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

/* Each open connection, for the watchdog that enforces the request
 * timeout: libmicrohttpd's own timeout is reset by every byte received, so
 * a client sending one byte a second would hold a connection for ever. */
struct conn_track {
	int fd;
	int64_t since;      /* start of the current request (or of the wait for one); atomic */
	struct conn_track *prev, *next;
	char ip[INET6_ADDRSTRLEN]; /* the peer's address, formatted once per connection */
};

/*
 * Lingering close. A body announced too large is answered at once (413)
 * while the client is still sending it; libmicrohttpd then closes the
 * socket with that data unread, the kernel resets the connection, and the
 * client may lose the answer before reading it (up to half of the 1 MB
 * posts over loopback). As nginx does, a duplicate of the socket is kept by
 * one thread that ends our side and reads and drops what still comes, until
 * the client closes, LINGER_MS pass or LINGER_BYTES were read.
 */
enum { LINGER_MAX = 32, LINGER_MS = 5000, LINGER_BYTES = 64 << 20 };

struct lingering {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	int fd[LINGER_MAX];
	int64_t until[LINGER_MAX]; /* clock_mono_us */
	int64_t left[LINGER_MAX];  /* bytes still accepted */
	int n;
	int stop;
};

struct http_server {
	struct MHD_Daemon *daemon;
	http_handler_fn handler;
	struct http_config cfg;
	char *tls_cert, *tls_key;
	pthread_mutex_t lock;
	struct conn_track *conns;
	pthread_t watchdog;
	int stopping; /* atomic: set by http_stop, read by our threads */
	struct lingering linger;
	int listen_fd;
	int wake_fd; /* eventfd: tells the accepting thread to stop */
	pthread_t acceptor;
};

static struct conn_track *track_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

static void format_peer(struct MHD_Connection *conn, char *ip, size_t size)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	const char *s = NULL;
	if (sa && sa->sa_family == AF_INET)
		s = inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, ip, (socklen_t)size);
	else if (sa && sa->sa_family == AF_INET6)
		s = inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, ip, (socklen_t)size);
	if (!s)
		cstr_copy(ip, size, "?");
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct http_server *s = cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		struct conn_track *t = calloc(1, sizeof *t);
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (!t || !ci) {
			free(t);
			*socket_context = NULL;
			return;
		}
		t->fd = ci->connect_fd;
		t->since = clock_mono_us();
		format_peer(conn, t->ip, sizeof t->ip);
		pthread_mutex_lock(&s->lock);
		t->next = s->conns;
		if (s->conns)
			s->conns->prev = t;
		s->conns = t;
		pthread_mutex_unlock(&s->lock);
		*socket_context = t;
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
		struct conn_track *t = *socket_context;
		pthread_mutex_lock(&s->lock);
		if (t->prev)
			t->prev->next = t->next;
		else
			s->conns = t->next;
		if (t->next)
			t->next->prev = t->prev;
		pthread_mutex_unlock(&s->lock);
		free(t);
		*socket_context = NULL;
	}
}

/* A new request starts being awaited when the previous one is answered.
 * An atomic store, not the list's lock: every request passes here, on
 * every server thread. */
static void track_restart(struct MHD_Connection *conn)
{
	struct conn_track *t = track_of(conn);
	if (t)
		__atomic_store_n(&t->since, clock_mono_us(), __ATOMIC_RELAXED);
}

static void *watchdog(void *arg)
{
	struct http_server *s = arg;
	while (!__atomic_load_n(&s->stopping, __ATOMIC_ACQUIRE)) {
		sleep(1);
		int64_t limit = clock_mono_us() - (int64_t)s->cfg.request_timeout_s * 1000000;
		pthread_mutex_lock(&s->lock);
		for (struct conn_track *t = s->conns; t; t = t->next)
			if (__atomic_load_n(&t->since, __ATOMIC_RELAXED) < limit) {
				/* libmicrohttpd sees the socket closed and cleans up. */
				shutdown(t->fd, SHUT_RDWR);
				__atomic_store_n(&t->since, INT64_MAX, __ATOMIC_RELAXED);
			}
		pthread_mutex_unlock(&s->lock);
	}
	return NULL;
}

struct conn_state {
	struct request req;
	struct response resp;
	int started;
	int responded;
	int error_status;  /* 413 when the body passed the limit */
	int answered_early; /* before the body was read: linger on close */
};

static void *linger_loop(void *arg)
{
	struct lingering *l = arg;
	char sink[16384];
	pthread_mutex_lock(&l->mu);
	while (!l->stop) {
		if (l->n == 0) {
			pthread_cond_wait(&l->cv, &l->mu);
			continue;
		}
		struct pollfd p[LINGER_MAX];
		nfds_t n = (nfds_t)l->n;
		for (nfds_t i = 0; i < n; i++)
			p[i] = (struct pollfd){.fd = l->fd[i], .events = POLLIN};
		pthread_mutex_unlock(&l->mu);
		poll(p, n, 100);
		int64_t now = clock_mono_us();
		pthread_mutex_lock(&l->mu);
		/* Sockets added meanwhile are past n; removing i moves the last one
		 * into its place, and i is not looked at again. */
		for (nfds_t i = n; i-- > 0;) {
			int done = now > l->until[i] || l->left[i] <= 0;
			if (!done && p[i].revents) {
				ssize_t r = recv(l->fd[i], sink, sizeof sink, MSG_DONTWAIT);
				if (r > 0)
					l->left[i] -= r;
				else if (r == 0 || (errno != EAGAIN && errno != EINTR))
					done = 1;
			}
			if (done) {
				close(l->fd[i]);
				l->n--;
				l->fd[i] = l->fd[l->n];
				l->until[i] = l->until[l->n];
				l->left[i] = l->left[l->n];
			}
		}
	}
	for (int i = 0; i < l->n; i++)
		close(l->fd[i]);
	l->n = 0;
	pthread_mutex_unlock(&l->mu);
	return NULL;
}

/* Keeps the connection's socket open for linger_loop once libmicrohttpd
 * has sent the answer; without room, it closes as before. */
static void linger_add(struct http_server *s, struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (!ci)
		return;
	int fd = fcntl(ci->connect_fd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return;
	shutdown(fd, SHUT_WR); /* the answer is sent: the client reads it, then an end */
	struct lingering *l = &s->linger;
	pthread_mutex_lock(&l->mu);
	if (l->n < LINGER_MAX && !l->stop) {
		l->fd[l->n] = fd;
		l->until[l->n] = clock_mono_us() + LINGER_MS * 1000;
		l->left[l->n] = LINGER_BYTES;
		l->n++;
		fd = -1;
		pthread_cond_signal(&l->cv);
	}
	pthread_mutex_unlock(&l->mu);
	if (fd >= 0)
		close(fd);
}

static const char CSP[] =
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	(void)conn;
	(void)cls;
	struct pool *pool = pool_new();
	if (!pool)
		return NULL;
	struct conn_state *st = pool_alloc(pool, sizeof *st);
	if (!st) {
		pool_free(pool);
		return NULL;
	}
	st->req.pool = pool;
	st->req.raw_uri = pool_strdup(pool, uri ? uri : "/");
	return st;
}

/*
 * Page bodies are written into a buffer that grows by doubling (pages take
 * 32 KiB: web_render reserves 16) and that libmicrohttpd frees once the
 * page is sent. The thread that gets a 32 KiB buffer back keeps a few for
 * its next pages: malloc serves blocks of that size from its slow path,
 * merging its small free blocks first (2 k instructions a page,
 * BENCHMARKS.md, sixth session).
 */
enum { BODY_CAP = 32 << 10, BODY_KEEP = 4 };

struct spare_bodies {
	char *data[BODY_KEEP];
	unsigned n;
	enum thread_cache_state state;
};

static __thread struct spare_bodies bodies;

static void bodies_release(void *arg)
{
	struct spare_bodies *b = arg;
	while (b->n)
		free(b->data[--b->n]);
	b->state = THREAD_GONE;
}

/* An empty body, with a kept buffer when the thread has one. */
static void body_take(struct buf *b)
{
	buf_init(b, 0);
	if (bodies.n) {
		b->data = bodies.data[--bodies.n];
		b->cap = BODY_CAP;
		ASAN_UNPOISON_MEMORY_REGION(b->data, BODY_CAP);
		b->data[0] = '\0';
	}
}

/* libmicrohttpd's callback for a body of BODY_CAP bytes it has sent. */
static void body_release(void *data)
{
	if (bodies.n < BODY_KEEP && thread_keeps(&bodies.state, bodies_release, &bodies)) {
		bodies.data[bodies.n++] = data;
		ASAN_POISON_MEMORY_REGION(data, BODY_CAP); /* a use after sending is still caught */
		return;
	}
	free(data);
}

/* A body that was not handed to libmicrohttpd. */
static void body_drop(struct buf *b)
{
	if (b->cap == BODY_CAP) {
		body_release(b->data);
		buf_init(b, 0);
	} else {
		buf_free(b);
	}
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct conn_state *st = *req_cls;
	if (!st)
		return;
	if (st->answered_early && toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
		linger_add(cls, conn);
	track_restart(conn);
	buf_free(&st->req.body);
	body_drop(&st->resp.body);
	pool_free(st->req.pool);
	*req_cls = NULL;
}

static enum http_method parse_method(const char *m)
{
	if (strcmp(m, "GET") == 0)
		return HTTP_GET;
	if (strcmp(m, "POST") == 0)
		return HTTP_POST;
	if (strcmp(m, "HEAD") == 0)
		return HTTP_HEAD;
	return HTTP_OTHER;
}

static int is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
		return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
	}
	return 0;
}

static void set_client(struct http_server *s, struct MHD_Connection *conn, struct request *req)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	const struct conn_track *t = track_of(conn);
	char ip[INET6_ADDRSTRLEN];
	if (!t)
		format_peer(conn, ip, sizeof ip);
	req->ip = pool_strdup(req->pool, t ? t->ip : ip);
	req->secure = s->cfg.tls_cert_file != NULL;
	if (s->cfg.behind_proxy && sa && is_loopback(sa)) {
		/* The proxy appends the address it saw: the last entry is the one to trust. */
		const char *xff = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-For");
		if (xff) {
			const char *last = strrchr(xff, ',');
			last = last ? last + 1 : xff;
			while (*last == ' ')
				last++;
			unsigned char tmp[16];
			if (inet_pton(AF_INET, last, tmp) == 1 || inet_pton(AF_INET6, last, tmp) == 1)
				req->ip = pool_strdup(req->pool, last);
		}
		const char *proto = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-Proto");
		if (proto && strcasecmp(proto, "https") == 0)
			req->secure = 1;
	}
}

static void start_request(struct http_server *s, struct conn_state *st, struct MHD_Connection *conn,
			  const char *url, const char *method)
{
	struct request *req = &st->req;
	req->conn = conn;
	req->method = parse_method(method);
	req->path = pool_strdup(req->pool, url ? url : "/");
	/* Forms are small; only a file upload to a route that takes one may be larger. */
	const char *ctype = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
	int upload = ctype && strncasecmp(ctype, "multipart/form-data", 19) == 0 && s->cfg.accepts_upload &&
		     s->cfg.accepts_upload(req->method, req->path);
	buf_init(&req->body, upload && s->cfg.max_upload_bytes ? s->cfg.max_upload_bytes : s->cfg.max_body_bytes);
	req->form_limit = s->cfg.max_body_bytes;
	body_take(&st->resp.body);
	st->resp.status = 200;
	set_client(s, conn, req);

	/* libmicrohttpd decodes the path and a %00 would cut it short: refuse it. */
	const char *q = strchr(req->raw_uri, '?');
	size_t path_len = q ? (size_t)(q - req->raw_uri) : strlen(req->raw_uri);
	for (size_t i = 0; i + 2 < path_len; i++)
		if (req->raw_uri[i] == '%' && req->raw_uri[i + 1] == '0' && req->raw_uri[i + 2] == '0')
			st->error_status = 400;
	if (q && http_parse_urlencoded(req->pool, q + 1, strlen(q + 1), &req->query) < 0)
		st->error_status = 400;
	const char *cookie = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Cookie");
	if (cookie && http_parse_cookies(req->pool, cookie, strlen(cookie), &req->cookies) < 0)
		st->error_status = 400;
	const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
	if (cl) {
		int64_t n;
		if (str_to_i64(str_from(cl), 0, INT64_MAX, &n) < 0)
			st->error_status = 400;
		else if ((uint64_t)n > req->body.max)
			st->error_status = 413;
	}
}

static void finish_request(struct conn_state *st)
{
	struct request *req = &st->req;
	if (st->error_status || req->method != HTTP_POST)
		return;
	const char *ct = req_header(req, "Content-Type");
	if (ct && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0) {
		if (http_parse_urlencoded(req->pool, buf_cstr(&req->body), req->body.len, &req->form) < 0)
			st->error_status = 400;
	} else if (ct && strncasecmp(ct, "multipart/form-data", 19) == 0) {
		if (http_parse_multipart(req->pool, ct, buf_cstr(&req->body), req->body.len, &req->form, &req->files) < 0)
			st->error_status = 400;
	}
}

static int add_header(struct MHD_Response *r, const char *name, const char *value)
{
	/* Header injection guard: no CR or LF may reach the wire. */
	if (strpbrk(name, "\r\n") || strpbrk(value, "\r\n"))
		return -1;
	return MHD_add_response_header(r, name, value) == MHD_YES ? 0 : -1;
}

static enum MHD_Result send_response(struct http_server *s, struct MHD_Connection *conn, struct conn_state *st)
{
	struct response *resp = &st->resp;
	struct MHD_Response *r;
	if (resp->static_body) {
		r = MHD_create_response_from_buffer(resp->static_len, (void *)(uintptr_t)resp->static_body,
						    MHD_RESPMEM_PERSISTENT);
	} else {
		size_t len;
		int keep = resp->body.cap == BODY_CAP;
		char *body = buf_detach(&resp->body, &len);
		r = keep ? MHD_create_response_from_buffer_with_free_callback(len, body, body_release)
			 : MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
		if (!r)
			free(body);
	}
	if (!r)
		return MHD_NO;
	add_header(r, "Content-Type", resp->content_type ? resp->content_type : "text/html; charset=utf-8");
	/* Constants, without line breaks: added without add_header's check. */
	MHD_add_response_header(r, "Content-Security-Policy", CSP);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(r, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
	if (st->req.secure)
		MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
	if (!resp->cacheable)
		MHD_add_response_header(r, "Cache-Control", "no-store");
	for (size_t i = 0; i < resp->nheaders; i++)
		if (add_header(r, resp->headers[i].name, resp->headers[i].value) < 0)
			log_warn("refused a response header with a line break: %s", resp->headers[i].name);
	enum MHD_Result rc = MHD_queue_response(conn, (unsigned)resp->status, r);
	MHD_destroy_response(r);
	(void)s;
	return rc;
}

static enum MHD_Result respond(struct http_server *s, struct MHD_Connection *conn, struct conn_state *st)
{
	st->responded = 1;
	st->resp.status = 200;
	st->req.error_status = st->error_status;
	s->handler(&st->req, &st->resp);
	return send_response(s, conn, st);
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
				 const char *method, const char *version, const char *upload_data,
				 size_t *upload_data_size, void **req_cls)
{
	(void)version;
	struct http_server *s = cls;
	struct conn_state *st = *req_cls;
	if (!st)
		return MHD_NO;
	if (st->responded) {
		*upload_data_size = 0; /* an early error was sent: drop the rest */
		return MHD_YES;
	}
	if (!st->started) {
		st->started = 1;
		start_request(s, st, conn, url, method);
		/* A body announced too large is refused at once, not after it
		 * has been received (libmicrohttpd then closes the connection). */
		if (st->error_status == 413) {
			st->answered_early = 1;
			return respond(s, conn, st);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		/* Only a chunked body can pass the cap here (a Content-Length over
		 * it was refused above): the rest is read and dropped, then the 413
		 * is sent, since libmicrohttpd cannot answer a chunked upload early. */
		if (!st->error_status && buf_append(&st->req.body, upload_data, *upload_data_size) < 0)
			st->error_status = 413;
		*upload_data_size = 0;
		return MHD_YES;
	}
	finish_request(st);
	return respond(s, conn, st);
}

/*
 * Connections are accepted by one thread of ours, not by libmicrohttpd's
 * workers: each worker accepting for itself split them unevenly (64
 * connections measured from 31/33 to 0/64), and one thread then served most
 * clients while the other idled. MHD_add_connection gives a socket to the
 * worker of its number modulo the pool size, and the kernel hands out the
 * lowest free number, so the split stays even as connections come and go.
 */
static void *accept_loop(void *arg)
{
	struct http_server *s = arg;
	struct pollfd p[2] = {{.fd = s->listen_fd, .events = POLLIN}, {.fd = s->wake_fd, .events = POLLIN}};
	while (!__atomic_load_n(&s->stopping, __ATOMIC_ACQUIRE)) {
		struct sockaddr_storage sa;
		socklen_t len = sizeof sa;
		int fd = accept4(s->listen_fd, (struct sockaddr *)&sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			/* Refused (over a limit): libmicrohttpd closes the socket. */
			MHD_add_connection(s->daemon, fd, (struct sockaddr *)&sa, len);
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			poll(p, 2, -1); /* the next connection, or the stop */
		} else if (errno != EINTR && errno != ECONNABORTED) {
			/* Out of descriptors or memory: the listening socket stays
			 * readable, so wait (as nginx does) rather than spin. */
			log_warn("http: accept : %s", strerror(errno));
			poll(p + 1, 1, 500);
		}
	}
	return NULL;
}

/* The listening socket, non-blocking; -1 with a message in err. Not
 * SO_REUSEPORT: a second server on the same port must fail, not share it. */
static int listen_on(const struct sockaddr_in *addr, const struct http_config *cfg, struct buf *err)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(fd, (const struct sockaddr *)addr, sizeof *addr) < 0 || listen(fd, SOMAXCONN) < 0) {
		int e = errno;
		buf_appendf(err, "impossible d'écouter sur %s:%u : %s", cfg->listen_addr, cfg->port,
			    e == EADDRINUSE ? "port déjà utilisé"
			    : e == EACCES   ? "permission refusée (port réservé ?)"
					    : strerror(e));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static char *read_file(const char *path, struct buf *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		buf_appendf(err, "impossible de lire %s", path);
		return NULL;
	}
	struct buf b = BUF_INIT;
	char tmp[4096];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_append(&b, tmp, n);
	fclose(f);
	return buf_detach(&b, NULL);
}

static struct http_server *start_failed(struct http_server *s)
{
	close(s->listen_fd);
	close(s->wake_fd);
	free(s->tls_cert);
	free(s->tls_key);
	free(s);
	return NULL;
}

struct http_server *http_start(const struct http_config *cfg, http_handler_fn handler, struct buf *err)
{
	struct http_server *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->cfg = *cfg;
	if (!s->cfg.request_timeout_s)
		s->cfg.request_timeout_s = 60;
	pthread_mutex_init(&s->lock, NULL);
	s->handler = handler;

	struct sockaddr_in addr;
	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)cfg->port);
	if (inet_pton(AF_INET, cfg->listen_addr, &addr.sin_addr) != 1) {
		buf_appendf(err, "adresse d'écoute invalide : %s", cfg->listen_addr);
		free(s);
		return NULL;
	}
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_NO_LISTEN_SOCKET;
	s->listen_fd = listen_on(&addr, cfg, err);
	if (s->listen_fd < 0) {
		free(s);
		return NULL;
	}
	s->wake_fd = eventfd(0, EFD_CLOEXEC);
	if (s->wake_fd < 0) {
		buf_appendf(err, "eventfd : %s", strerror(errno));
		return start_failed(s);
	}
	if (cfg->tls_cert_file) {
		s->tls_cert = read_file(cfg->tls_cert_file, err);
		s->tls_key = s->tls_cert ? read_file(cfg->tls_key_file, err) : NULL;
		if (!s->tls_key)
			return start_failed(s);
		flags |= MHD_USE_TLS;
	}
	struct MHD_OptionItem tls_opts[] = {
		{MHD_OPTION_HTTPS_MEM_CERT, 0, s->tls_cert},
		{MHD_OPTION_HTTPS_MEM_KEY, 0, s->tls_key},
		{MHD_OPTION_END, 0, NULL},
	};
	s->daemon = MHD_start_daemon(
		flags, 0, NULL, NULL, on_access, s,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(cfg->threads ? cfg->threads : 2),
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)cfg->max_per_ip,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->timeout_s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)cfg->max_header_bytes,
		MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
		MHD_OPTION_ARRAY, cfg->tls_cert_file ? tls_opts : tls_opts + 2,
		MHD_OPTION_END);
	if (!s->daemon) {
		buf_puts(err, cfg->tls_cert_file ? "le serveur HTTP n'a pas démarré (certificat ou clé TLS invalide ?)"
						 : "le serveur HTTP n'a pas démarré");
		return start_failed(s);
	}
	pthread_create(&s->acceptor, NULL, accept_loop, s);
	pthread_create(&s->watchdog, NULL, watchdog, s);
	pthread_mutex_init(&s->linger.mu, NULL);
	pthread_cond_init(&s->linger.cv, NULL);
	pthread_create(&s->linger.thread, NULL, linger_loop, &s->linger);
	return s;
}

unsigned http_bound_port(struct http_server *s)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	return getsockname(s->listen_fd, (struct sockaddr *)&a, &len) == 0 ? ntohs(a.sin_port) : 0;
}

void http_stop(struct http_server *s)
{
	if (!s)
		return;
	__atomic_store_n(&s->stopping, 1, __ATOMIC_RELEASE);
	uint64_t one = 1;
	if (write(s->wake_fd, &one, sizeof one) < 0)
		log_warn("http: eventfd : %s", strerror(errno));
	pthread_join(s->acceptor, NULL);
	pthread_join(s->watchdog, NULL);
	MHD_stop_daemon(s->daemon);
	close(s->listen_fd);
	close(s->wake_fd);
	pthread_mutex_lock(&s->linger.mu);
	s->linger.stop = 1;
	pthread_cond_signal(&s->linger.cv);
	pthread_mutex_unlock(&s->linger.mu);
	pthread_join(s->linger.thread, NULL);
	free(s->tls_cert);
	free(s->tls_key);
	free(s);
}

const char *req_header(struct request *req, const char *name)
{
	if (!req->conn)
		return NULL;
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

void resp_header(struct request *req, struct response *resp, const char *name, const char *value)
{
	if (resp->nheaders >= RESP_MAX_HEADERS)
		return;
	resp->headers[resp->nheaders].name = pool_strdup(req->pool, name);
	resp->headers[resp->nheaders].value = pool_strdup(req->pool, value);
	resp->nheaders++;
}

void resp_redirect(struct request *req, struct response *resp, const char *location)
{
	resp->status = 303;
	resp_header(req, resp, "Location", location);
}

void resp_cookie(struct request *req, struct response *resp, const char *name, const char *value, int max_age)
{
	char *v;
	if (max_age < 0)
		v = pool_printf(req->pool, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s", name, value,
				req->secure ? "; Secure" : "");
	else
		v = pool_printf(req->pool, "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s", name, value,
				max_age, req->secure ? "; Secure" : "");
	if (v)
		resp_header(req, resp, "Set-Cookie", v);
}
