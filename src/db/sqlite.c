/* The SQLite backend of db.h: the embedded default. */
#include "db/backend.h"
#include "db/sqlite_mem.h"
#include "core/log.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { STMT_CACHE = 512, BUSY_TIMEOUT_MS = 5000 };

enum { PARAMS_MAX = 40 };

struct sq_stmt {
	struct db_stmt base;
	sqlite3_stmt *st;
	/* SQLite's index of each $N, found once at prepare time: looking the
	 * name up on every bind cost a sixth of a bulk import. */
	unsigned char param[PARAMS_MAX + 1];
};

struct sq_db {
	struct db base;
	sqlite3 *h;
	int writer;        /* holds the process's writer mutex (sq_begin) */
	struct sq_stmt cache[STMT_CACHE];
};

#define SQ(db) ((struct sq_db *)(db))
#define ST(s) ((struct sq_stmt *)(s))

static const char *const PRAGMAS[] = {
	"PRAGMA journal_mode=WAL",
	"PRAGMA foreign_keys=ON",
	/* Social records must survive a power cut: FULL even in WAL mode. */
	"PRAGMA synchronous=FULL",
	"PRAGMA trusted_schema=OFF",
	/* Deleted personal data is overwritten, not left in free pages. */
	"PRAGMA secure_delete=ON",
	"PRAGMA cache_size=-16000",
	"PRAGMA temp_store=MEMORY",
	/* The log file is reused from its start after a checkpoint (rewriting
	 * is cheaper than appending); beyond 64 MB it is cut back then. */
	"PRAGMA journal_size_limit=67108864",
};

static int map_error(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return DB_BUSY;
	case SQLITE_CONSTRAINT:
		return DB_CONSTRAINT;
	case SQLITE_FULL:
	case SQLITE_READONLY:
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		return DB_FULL;
	default:
		return DB_ERR;
	}
}

static int fail(struct db *db, int rc)
{
	db->last_error = map_error(rc);
	/* A connection that found its file read-only stays so: open it again
	 * next time, so that the server recovers when the medium is writable. */
	if ((rc & 0xff) == SQLITE_READONLY || sqlite3_db_readonly(SQ(db)->h, "main") == 1)
		db->stale = 1;
	return db->last_error;
}

void db_global_init(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite_mem_install();
}

static void sq_close(struct db *db);
static void writer_release(struct db *db);

static struct db *sq_open(const char *url, int flags, struct buf *err)
{
	if (!(flags & DB_OPEN_CREATE) && access(url, F_OK) != 0) {
		buf_appendf(err, "base de données introuvable : %s (créez-la avec « lien init »)", url);
		return NULL;
	}
	if (!(flags & DB_OPEN_READONLY) && access(url, F_OK) == 0 && access(url, W_OK) != 0) {
		buf_appendf(err, "la base de données %s n'est pas accessible en écriture", url);
		return NULL;
	}
	struct sq_db *db = calloc(1, sizeof *db);
	if (!db) {
		buf_puts(err, "mémoire insuffisante");
		return NULL;
	}
	int oflags = (flags & DB_OPEN_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if (flags & DB_OPEN_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	oflags |= SQLITE_OPEN_NOMUTEX; /* one connection per thread */
	int rc = sqlite3_open_v2(url, &db->h, oflags, NULL);
	if (rc != SQLITE_OK) {
		buf_appendf(err, "impossible d'ouvrir la base de données %s : %s", url,
			    db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
		sq_close(&db->base);
		return NULL;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, BUSY_TIMEOUT_MS);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	/* More small allocations served from the connection's own lookaside
	 * memory instead of malloc: a page runs a dozen statements, each
	 * allocating its cursors and values (default: 100 slots). Debian's
	 * library is built without lookaside (SQLITE_OMIT_LOOKASIDE): there
	 * this does nothing, and every cursor is a malloc. */
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_LOOKASIDE, NULL, 1200, 500);
	/* Reading the schema tells a corrupt or foreign file at once. */
	rc = sqlite3_exec(db->h, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		buf_appendf(err, "%s n'est pas une base Lien lisible : %s", url, sqlite3_errmsg(db->h));
		sq_close(&db->base);
		return NULL;
	}
	for (size_t i = 0; i < sizeof PRAGMAS / sizeof PRAGMAS[0]; i++) {
		if ((flags & DB_OPEN_READONLY) && i == 0)
			continue;
		rc = sqlite3_exec(db->h, PRAGMAS[i], NULL, NULL, NULL);
		if (rc != SQLITE_OK) {
			buf_appendf(err, "impossible de configurer la base %s : %s", url, sqlite3_errmsg(db->h));
			sq_close(&db->base);
			return NULL;
		}
	}
	return &db->base;
}

static void sq_close(struct db *base)
{
	struct sq_db *db = SQ(base);
	writer_release(base);
	for (int i = 0; i < STMT_CACHE; i++)
		if (db->cache[i].st)
			sqlite3_finalize(db->cache[i].st);
	sqlite3_close(db->h);
	free(db);
}

static struct db_stmt *sq_prepare(struct db *base, const char *sql)
{
	struct sq_db *db = SQ(base);
	size_t h = ((uintptr_t)sql >> 3) % STMT_CACHE;
	for (size_t k = 0; k < STMT_CACHE; k++) {
		struct sq_stmt *s = &db->cache[(h + k) % STMT_CACHE];
		if (s->base.sql == sql) {
			sqlite3_reset(s->st);
			sqlite3_clear_bindings(s->st);
			return &s->base;
		}
		if (!s->base.sql) {
			int rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, NULL);
			if (rc != SQLITE_OK) {
				log_error("SQL prepare failed: %s", sqlite3_errmsg(db->h));
				fail(base, rc);
				s->st = NULL;
				return NULL;
			}
			s->base.sql = sql;
			s->base.db = base;
			memset(s->param, 0, sizeof s->param);
			for (int i = 1; i <= sqlite3_bind_parameter_count(s->st); i++) {
				const char *name = sqlite3_bind_parameter_name(s->st, i);
				long n = name && name[0] == '$' ? strtol(name + 1, NULL, 10) : 0;
				if (n > 0 && n <= PARAMS_MAX && i <= 255)
					s->param[n] = (unsigned char)i;
			}
			return &s->base;
		}
	}
	log_error("statement cache full");
	return NULL;
}

static int param_index(struct sq_stmt *s, int idx)
{
	if (idx > 0 && idx <= PARAMS_MAX)
		return s->param[idx];
	char name[16];
	snprintf(name, sizeof name, "$%d", idx);
	return sqlite3_bind_parameter_index(s->st, name);
}

static int sq_bind_text(struct db_stmt *s, int idx, const char *v, size_t len)
{
	int i = param_index(ST(s), idx);
	if (!i)
		return 0;
	int rc = sqlite3_bind_text(ST(s)->st, i, v, (int)len, SQLITE_TRANSIENT);
	return rc == SQLITE_OK ? 0 : fail(s->db, rc);
}

static int sq_bind_int(struct db_stmt *s, int idx, int64_t v)
{
	int i = param_index(ST(s), idx);
	if (!i)
		return 0;
	int rc = sqlite3_bind_int64(ST(s)->st, i, v);
	return rc == SQLITE_OK ? 0 : fail(s->db, rc);
}

static int sq_bind_blob(struct db_stmt *s, int idx, const void *v, size_t n)
{
	int i = param_index(ST(s), idx);
	if (!i)
		return 0;
	int rc = sqlite3_bind_blob(ST(s)->st, i, v, (int)n, SQLITE_TRANSIENT);
	return rc == SQLITE_OK ? 0 : fail(s->db, rc);
}

static int sq_bind_null(struct db_stmt *s, int idx)
{
	int i = param_index(ST(s), idx);
	if (!i)
		return 0;
	int rc = sqlite3_bind_null(ST(s)->st, i);
	return rc == SQLITE_OK ? 0 : fail(s->db, rc);
}

static int sq_step(struct db_stmt *s)
{
	int rc = sqlite3_step(ST(s)->st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return fail(s->db, rc);
}

static int64_t sq_col_int(struct db_stmt *s, int col)
{
	return sqlite3_column_int64(ST(s)->st, col);
}

static const char *sq_col_text(struct db_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(ST(s)->st, col);
	return t ? (const char *)t : "";
}

static const void *sq_col_blob(struct db_stmt *s, int col)
{
	return sqlite3_column_blob(ST(s)->st, col);
}

static size_t sq_col_len(struct db_stmt *s, int col)
{
	return (size_t)sqlite3_column_bytes(ST(s)->st, col);
}

static int sq_col_null(struct db_stmt *s, int col)
{
	return sqlite3_column_type(ST(s)->st, col) == SQLITE_NULL;
}

static void sq_reset(struct db_stmt *s)
{
	sqlite3_reset(ST(s)->st);
	sqlite3_clear_bindings(ST(s)->st);
}

static int64_t sq_last_id(struct db *db)
{
	return sqlite3_last_insert_rowid(SQ(db)->h);
}

static int sq_changes(struct db *db)
{
	return sqlite3_changes(SQ(db)->h);
}

static const char *sq_errmsg(struct db *db)
{
	return sqlite3_errmsg(SQ(db)->h);
}

static int sq_exec_script(struct db *db, const char *sql, struct buf *err)
{
	char *msg = NULL;
	int rc = sqlite3_exec(SQ(db)->h, sql, NULL, NULL, &msg);
	if (rc == SQLITE_OK)
		return 0;
	buf_puts(err, msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	return fail(db, rc);
}

/* The writers of this process wait in turn, first come first served,
 * rather than in SQLite's busy handler, which sleeps and retries: under a
 * steady stream of writes a thread could lose the race for over a second
 * (BENCHMARKS.md, PostgreSQL). A plain mutex was not enough: the thread
 * that releases it takes it back before the woken one runs, and a write
 * waited up to 0.9 s behind its neighbour's. The turn is handed from one
 * writer to the next. Waiting is bounded like the busy timeout; another
 * process (the command line) still meets the busy timeout. A thread that
 * already writes to a database (a nested connection) does not wait on
 * itself. */
struct writer_turn {
	pthread_cond_t cv;
	int granted;
	struct writer_turn *next;
};
static struct {
	pthread_mutex_t mu;
	int busy;                        /* a writer holds the turn */
	struct writer_turn *head, *tail; /* waiting, oldest first */
} writers = {PTHREAD_MUTEX_INITIALIZER, 0, NULL, NULL};
static __thread int writer_held;

/* 0 once the turn is ours, -1 after the busy timeout. */
static int writer_wait(void)
{
	pthread_mutex_lock(&writers.mu);
	if (!writers.busy) {
		writers.busy = 1;
		pthread_mutex_unlock(&writers.mu);
		return 0;
	}
	struct writer_turn me = {.granted = 0, .next = NULL};
	pthread_cond_init(&me.cv, NULL);
	if (writers.tail)
		writers.tail->next = &me;
	else
		writers.head = &me;
	writers.tail = &me;
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += BUSY_TIMEOUT_MS / 1000;
	int rc = 0;
	while (!me.granted && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&me.cv, &writers.mu, &until);
	if (!me.granted) { /* timed out: leave the queue */
		struct writer_turn **p = &writers.head, *prev = NULL;
		while (*p != &me) {
			prev = *p;
			p = &(*p)->next;
		}
		*p = me.next;
		if (writers.tail == &me)
			writers.tail = prev;
	}
	pthread_mutex_unlock(&writers.mu);
	pthread_cond_destroy(&me.cv);
	return me.granted ? 0 : -1;
}

/* Hands the turn to the oldest waiter, or frees it. */
static void writer_pass(void)
{
	pthread_mutex_lock(&writers.mu);
	struct writer_turn *next = writers.head;
	if (next) {
		writers.head = next->next;
		if (!writers.head)
			writers.tail = NULL;
		next->granted = 1;
		pthread_cond_signal(&next->cv);
	} else {
		writers.busy = 0;
	}
	pthread_mutex_unlock(&writers.mu);
}

static void writer_release(struct db *db)
{
	if (SQ(db)->writer) {
		SQ(db)->writer = 0;
		if (--writer_held == 0)
			writer_pass();
	}
}

/* BEGIN IMMEDIATE: the write lock is taken at once, so two writers never
 * deadlock on an upgrade. */
static int sq_begin(struct db *db)
{
	if (!writer_held && writer_wait() < 0)
		return db_fail(db, DB_BUSY);
	writer_held++;
	SQ(db)->writer = 1;
	int rc = sqlite3_exec(SQ(db)->h, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		writer_release(db);
		return fail(db, rc);
	}
	return 0;
}

static int sq_in_tx(struct db *db)
{
	return !sqlite3_get_autocommit(SQ(db)->h);
}

/* Prepared once per connection like any query (the cache is keyed by these
 * addresses), instead of parsed by sqlite3_exec on every page. */
static const char SQL_READ_BEGIN[] = "BEGIN DEFERRED";
static const char SQL_READ_END[] = "COMMIT";

static int sq_run_cached(struct db *db, const char *sql)
{
	struct db_stmt *st = sq_prepare(db, sql);
	if (!st)
		return DB_ERR;
	int rc = sqlite3_step(ST(st)->st);
	sqlite3_reset(ST(st)->st);
	return rc == SQLITE_DONE ? 0 : fail(db, rc);
}

static int sq_read_begin(struct db *db)
{
	return sq_run_cached(db, SQL_READ_BEGIN);
}

static void sq_read_end(struct db *db)
{
	if (sq_run_cached(db, SQL_READ_END) < 0 && sq_in_tx(db))
		sqlite3_exec(SQ(db)->h, "ROLLBACK", NULL, NULL, NULL);
}

static int sq_writes(struct db_stmt *st)
{
	return !sqlite3_stmt_readonly(ST(st)->st);
}

static int sq_integrity_check(struct db *db, struct buf *err)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(SQ(db)->h, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
		return -1;
	int ok = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		if (t && strcmp(t, "ok") == 0)
			ok = 1;
		else if (t)
			buf_appendf(err, "%s\n", t);
	}
	sqlite3_finalize(st);
	return ok ? 0 : -1;
}

/* A passive checkpoint copies what the readers allow, but a writer only
 * rewinds the log once all of it has been copied and no reader still uses
 * it, which a steady stream of writes and reads never lets happen: the log
 * grew by 2 GB in 30 s of the persons benchmark. Past WAL_MAX_FRAMES (about
 * 32 MB), a restarting checkpoint holds the writers back until the log is
 * copied and no reader uses it, so that the next write starts it again
 * from the beginning. It queues for the writer mutex like them (SQLite's
 * busy handler would lose the race), then waits for the readers of older
 * pages (a page reads for milliseconds); behind a long reader (a large
 * export) it gives up after RESTART_WAIT_MS rather than stall the writers,
 * and tries again at the next call. */
enum { WAL_MAX_FRAMES = 8192, RESTART_WAIT_MS = 250 };

static int sq_checkpoint(struct db *db)
{
	int frames = 0;
	int rc = sqlite3_wal_checkpoint_v2(SQ(db)->h, NULL, SQLITE_CHECKPOINT_PASSIVE, &frames, NULL);
	if (rc == SQLITE_OK && frames > WAL_MAX_FRAMES && !writer_held) {
		if (writer_wait() < 0)
			return 0; /* writers busy for 5 s: next time */
		sqlite3_busy_timeout(SQ(db)->h, RESTART_WAIT_MS);
		rc = sqlite3_wal_checkpoint_v2(SQ(db)->h, NULL, SQLITE_CHECKPOINT_RESTART, NULL, NULL);
		sqlite3_busy_timeout(SQ(db)->h, BUSY_TIMEOUT_MS);
		writer_pass();
		if (rc == SQLITE_BUSY) /* a reader or another process held on: next time */
			rc = SQLITE_OK;
	}
	return rc == SQLITE_OK ? 0 : fail(db, rc);
}

static int sq_schema_version(struct db *db)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(SQ(db)->h, "SELECT max(version) FROM schema_version", -1, &st, NULL) != SQLITE_OK)
		return 0; /* no table yet: an empty database */
	int v = 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Checkpoints run in the background (db_checkpoint), not at the commit of
 * whichever request fills the log. */
static void sq_thread_setup(struct db *db)
{
	sqlite3_wal_autocheckpoint(SQ(db)->h, 0);
}

sqlite3 *db_sqlite_handle(struct db *db)
{
	return db->ops == &db_sqlite_ops ? SQ(db)->h : NULL;
}

const struct db_ops db_sqlite_ops = {
	.dialect = DB_SQLITE,
	.open = sq_open,
	.close = sq_close,
	.prepare = sq_prepare,
	.bind_text = sq_bind_text,
	.bind_int = sq_bind_int,
	.bind_blob = sq_bind_blob,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.col_int = sq_col_int,
	.col_text = sq_col_text,
	.col_blob = sq_col_blob,
	.col_len = sq_col_len,
	.col_null = sq_col_null,
	.reset = sq_reset,
	.last_id = sq_last_id,
	.changes = sq_changes,
	.errmsg = sq_errmsg,
	.exec_script = sq_exec_script,
	.begin = sq_begin,
	.end = writer_release,
	.in_tx = sq_in_tx,
	.read_begin = sq_read_begin,
	.read_end = sq_read_end,
	.writes = sq_writes,
	.integrity_check = sq_integrity_check,
	.checkpoint = sq_checkpoint,
	.schema_version = sq_schema_version,
	.thread_setup = sq_thread_setup,
};
