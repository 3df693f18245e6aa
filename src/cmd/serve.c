/* lien serve: the web server, and its background work. */
#include "cmd/cmd.h"
#include "core/clock.h"
#include "core/log.h"
#include "db/queries.h"
#include "domain/auth.h"
#include "domain/document.h"
#include "domain/reminder.h"
#include "domain/retention.h"
#include "gateway/gateway.h"
#include "http/http.h"
#include "view/pdf.h"
#include "view/tpl.h"
#include "web/web.h"

#include <errno.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char USAGE[] =
	"serve [--db PATH] [--listen ADDR:PORT] [--tls-cert F --tls-key F] [--behind-proxy] [--threads N] "
	"[--max-body OCTETS] [--max-upload OCTETS] [--max-connections N] [--max-per-ip N] [--timeout S] [--request-timeout S] "
	"[--login-delay S] [--user NOM] [--archive-after-days N] [--anonymise-after-days N] "
	"[--documents DOSSIER] [--max-document OCTETS] [--outbox-claim S] [--senders N] " GATEWAY_USAGE;

static int parse_listen(const char *s, char *addr, size_t n, unsigned *port)
{
	const char *colon = strrchr(s, ':');
	int64_t p;
	if (!colon || (size_t)(colon - s) >= n ||
	    str_to_i64(str_from(colon + 1), 0, 65535, &p) < 0)
		return -1;
	memcpy(addr, s, (size_t)(colon - s));
	addr[colon - s] = '\0';
	*port = (unsigned)p;
	return 0;
}

static int opt_uint(struct cmd_ctx *c, const char *name, int64_t min, int64_t max, int64_t *out)
{
	const char *v = opt_value(c, name);
	if (!v)
		return 0;
	if (str_to_i64(str_from(v), min, max, out) < 0) {
		cmd_fail("valeur invalide pour %s : %s (attendu entre %lld et %lld)", name, v, (long long)min,
			 (long long)max);
		return -1;
	}
	return 1;
}

/* Background work: WAL checkpoints every 2 s; once a minute, expired
 * sessions go (idempotent, so several servers do not conflict); once a day
 * the retention job runs on one server (it claims the day in the jobs table). */
static void *housekeeping(void *arg)
{
	(void)arg;
	for (unsigned tick = 1;; tick++) {
		sleep(2);
		struct db *db = db_thread();
		if (!db)
			continue;
		/* Every 2 s: the log goes into the database file, off the requests' path. */
		db_checkpoint(db);
		if (tick % 30)
			continue;
		int64_t now = clock_now();
		db_exec(db, SQL_SESSION_PURGE, "ii", now - auth_policy.idle_timeout_s,
			now - auth_policy.absolute_timeout_s);
		retention_run_daily(db, now);
	}
	return NULL;
}

/* The reminders outbox: due SMS and e-mails go to the gateways, off the
 * requests' path; a full batch is followed at once by the next. */
static void *sender(void *arg)
{
	(void)arg;
	for (;;) {
		struct db *db = db_thread();
		int n = db ? outbox_send_due(db, clock_now()) : -1;
		if (n < 20)
			sleep(1);
	}
	return NULL;
}

static int drop_privileges(const char *user)
{
	if (!user)
		return 0;
	struct passwd *pw = getpwnam(user);
	if (!pw)
		return cmd_fail("utilisateur système inconnu : %s", user);
	if (setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
		return cmd_fail("impossible de prendre l'identité de %s : %s", user, strerror(errno));
	return 0;
}

int cmd_serve(struct cmd_ctx *c)
{
	struct http_config cfg = {
		.listen_addr = "127.0.0.1",
		.port = 8080,
		.threads = 2,
		.max_connections = 512,
		.max_per_ip = 64,
		.timeout_s = 30,
		.request_timeout_s = 60,
		.max_header_bytes = 32 * 1024,
		.max_body_bytes = 256 * 1024,
		.max_upload_bytes = 16 * 1024 * 1024,
		.accepts_upload = web_accepts_upload,
	};
	char addr[64] = "127.0.0.1";
	const char *listen = opt_value(c, "--listen");
	cfg.tls_cert_file = opt_value(c, "--tls-cert");
	cfg.tls_key_file = opt_value(c, "--tls-key");
	cfg.behind_proxy = opt_flag(c, "--behind-proxy");
	const char *run_as = opt_value(c, "--user");
	int64_t v = 0;
	int rc;
	if ((rc = opt_uint(c, "--threads", 1, 64, &v)) < 0)
		return 2;
	if (rc)
		cfg.threads = (unsigned)v;
	if ((rc = opt_uint(c, "--request-timeout", 1, 3600, &v)) < 0)
		return 2;
	if (rc)
		cfg.request_timeout_s = (unsigned)v;
	if ((rc = opt_uint(c, "--max-body", 1024, 1 << 30, &v)) < 0)
		return 2;
	if (rc)
		cfg.max_body_bytes = (size_t)v;
	if ((rc = opt_uint(c, "--max-upload", 1024, 1 << 30, &v)) < 0)
		return 2;
	if (rc)
		cfg.max_upload_bytes = (size_t)v;
	if ((rc = opt_uint(c, "--max-document", 1024, 1 << 30, &v)) < 0)
		return 2;
	if (rc)
		document_max_size = (size_t)v;
	if ((rc = opt_uint(c, "--max-connections", 1, 100000, &v)) < 0)
		return 2;
	if (rc)
		cfg.max_connections = (unsigned)v;
	if ((rc = opt_uint(c, "--max-per-ip", 1, 100000, &v)) < 0)
		return 2;
	if (rc)
		cfg.max_per_ip = (unsigned)v;
	if ((rc = opt_uint(c, "--timeout", 1, 3600, &v)) < 0)
		return 2;
	if (rc)
		cfg.timeout_s = (unsigned)v;
	if ((rc = opt_uint(c, "--login-delay", 0, 60, &v)) < 0)
		return 2;
	if (rc)
		auth_policy.delay_base_s = (int)v;
	if ((rc = opt_uint(c, "--outbox-claim", 1, 3600, &v)) < 0)
		return 2;
	if (rc)
		outbox_claim_seconds = (int)v;
	int64_t senders = 4;
	if ((rc = opt_uint(c, "--senders", 1, 32, &senders)) < 0)
		return 2;
	if (cmd_retention_policy_options(c))
		return 2;
	if (gateway_options(c) < 0)
		return 2;
	if (opt_done(c, USAGE) < 0 || c->argc)
		return cmd_usage(USAGE);
	if (listen && parse_listen(listen, addr, sizeof addr, &cfg.port) < 0)
		return cmd_fail("adresse d'écoute invalide : %s (attendu ADRESSE:PORT, par exemple 127.0.0.1:8080)", listen);
	cfg.listen_addr = addr;
	if (!cfg.tls_cert_file != !cfg.tls_key_file)
		return cmd_fail("--tls-cert et --tls-key vont ensemble");

	struct buf err = BUF_INIT;
	int n = db_migrate(c->db, &err);
	if (n < 0 || tpl_check_all(&err) < 0) {
		rc = cmd_fail("%s", buf_cstr(&err));
		buf_free(&err);
		return rc;
	}
	if (n > 0)
		log_info("%d migration(s) applied", n);
	/* The server threads open their own connections. */
	db_thread_set_url(c->db_url);

	/* Threads started from here inherit the mask: only sigwait below sees
	 * SIGINT and SIGTERM. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct http_server *srv = http_start(&cfg, web_handle, &err);
	if (!srv) {
		rc = cmd_fail("%s", buf_cstr(&err));
		buf_free(&err);
		return rc;
	}
	if (drop_privileges(run_as)) {
		http_stop(srv);
		return 1;
	}
	pthread_t hk;
	pthread_create(&hk, NULL, housekeeping, NULL);
	pthread_detach(hk);
	/* Several senders: each message waits on the gateway's answer, and
	 * claims keep two senders off the same row. */
	for (int64_t i = 0; i < senders; i++) {
		pthread_t snd;
		pthread_create(&snd, NULL, sender, NULL);
		pthread_detach(snd);
	}
	printf("Lien écoute sur %s://%s:%u/\n", cfg.tls_cert_file ? "https" : "http", addr, http_bound_port(srv));
	fflush(stdout);
	int sig;
	sigwait(&set, &sig);
	log_info("signal %d: stopping", sig);
	http_stop(srv);
	db_thread_close();
	pdf_shutdown();
	gateway_shutdown();
	buf_free(&err);
	return 0;
}
