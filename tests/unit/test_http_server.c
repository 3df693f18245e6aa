/* http/server.c: how connections are spread over the worker threads. */
#include "unit.h"
#include "http/http.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

enum { CONNS = 16, MAX_THREADS = 4 };

static pthread_mutex_t seen_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_t seen[MAX_THREADS];
static int served[MAX_THREADS];

/* Answers with nothing but notes which worker thread it ran on; /lent
 * holds its worker for a while first, uncounted. */
static void note_thread(struct request *req, struct response *resp)
{
	resp->content_type = "text/plain";
	buf_puts(&resp->body, "ok");
	if (strcmp(req->path, "/lent") == 0) {
		usleep(300 * 1000);
		return;
	}
	pthread_t self = pthread_self();
	pthread_mutex_lock(&seen_mu);
	for (int i = 0; i < MAX_THREADS; i++) {
		if (served[i] == 0)
			seen[i] = self;
		if (pthread_equal(seen[i], self)) {
			served[i]++;
			break;
		}
	}
	pthread_mutex_unlock(&seen_mu);
}

static int send_get(int fd, const char *path)
{
	char req[128];
	int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: t\r\n\r\n", path);
	return write(fd, req, (size_t)n) == n;
}

/* One GET / on fd; 1 when a 200 came back. */
static int get_once(int fd)
{
	if (!send_get(fd, "/"))
		return 0;
	char resp[4096];
	ssize_t n = read(fd, resp, sizeof resp - 1);
	if (n <= 0)
		return 0;
	resp[n] = '\0';
	return strncmp(resp, "HTTP/1.1 200", 12) == 0;
}

/* Connections opened one after the other, all kept open, must be shared
 * between the two workers even while one of them is busy: left to
 * whichever worker reaches accept() first, they all went to the idle one
 * and stayed there (keep-alive), and under load one core did the work of
 * two. */
TEST(http_connections_spread_over_workers)
{
	struct http_config cfg = {
		.listen_addr = "127.0.0.1",
		.threads = 2,
		.max_connections = 64,
		.max_per_ip = 64,
		.timeout_s = 10,
		.request_timeout_s = 10,
		.max_header_bytes = 32 * 1024,
		.max_body_bytes = 4096,
		.max_upload_bytes = 4096,
	};
	struct buf err = BUF_INIT;
	struct http_server *s = http_start(&cfg, note_thread, &err);
	CHECK(s != NULL);
	if (!s) {
		fprintf(stderr, "    %s\n", buf_cstr(&err));
		buf_free(&err);
		return;
	}
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)http_bound_port(s))};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	/* The client sockets are made first: made in turn with the connections,
	 * in this one process, they would leave the server every other number. */
	int fds[CONNS], ok = 0;
	for (int i = 0; i < CONNS; i++)
		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
	int slow = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(slow >= 0 && connect(slow, (struct sockaddr *)&a, sizeof a) == 0 && send_get(slow, "/lent"));
	usleep(50 * 1000); /* its worker is now in the handler */
	for (int i = 0; i < CONNS; i++)
		if (fds[i] >= 0 && connect(fds[i], (struct sockaddr *)&a, sizeof a) == 0)
			ok += get_once(fds[i]);
	CHECK(ok == CONNS);
	for (int i = 0; i < CONNS; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	close(slow);
	http_stop(s);
	/* Sockets go to the worker of their number modulo two; a number taken
	 * in between by something else may shift one. */
	CHECK(served[0] + served[1] == CONNS);
	CHECK(served[0] >= CONNS / 2 - 2 && served[1] >= CONNS / 2 - 2);
	buf_free(&err);
}

/* A port already listened on is refused with a clear reason. */
TEST(http_port_taken_is_refused)
{
	struct http_config cfg = {.listen_addr = "127.0.0.1", .threads = 1, .max_connections = 4, .max_per_ip = 4,
				  .timeout_s = 5, .request_timeout_s = 5, .max_header_bytes = 16 * 1024};
	struct buf err = BUF_INIT;
	struct http_server *first = http_start(&cfg, note_thread, &err);
	CHECK(first != NULL);
	if (!first)
		return;
	cfg.port = http_bound_port(first);
	CHECK(cfg.port != 0);
	struct http_server *second = http_start(&cfg, note_thread, &err);
	CHECK(second == NULL);
	CHECK(strstr(buf_cstr(&err), "port déjà utilisé") != NULL);
	if (second)
		http_stop(second);
	http_stop(first);
	buf_free(&err);
}
