/* What both backends of db.h share; the rest goes through struct db_ops. */
#include "db/backend.h"
#include "core/embedded.h"
#include "core/log.h"
#include "core/text.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int db_url_is_postgres(const char *url)
{
	return strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0;
}

struct db *db_open(const char *url, int flags, struct buf *err)
{
	const struct db_ops *ops = db_url_is_postgres(url) ? &db_pg_ops : &db_sqlite_ops;
	struct db *db = ops->open(url, flags, err);
	if (db)
		db->ops = ops;
	return db;
}

void db_close(struct db *db)
{
	if (db)
		db->ops->close(db);
}

enum db_dialect db_dialect(struct db *db)
{
	return db->ops->dialect;
}

/* ---- statements ------------------------------------------------------ */

static int bind_all(struct db_stmt *s, const char *types, va_list ap)
{
	const struct db_ops *o = s->db->ops;
	for (int i = 0; types[i]; i++) {
		int idx = i + 1, rc;
		switch (types[i]) {
		case 'i':
			rc = o->bind_int(s, idx, va_arg(ap, int64_t));
			break;
		case 'I': {
			int64_t v = va_arg(ap, int64_t);
			rc = v ? o->bind_int(s, idx, v) : o->bind_null(s, idx);
			break;
		}
		case 'd':
			rc = o->bind_int(s, idx, va_arg(ap, int));
			break;
		case 's': {
			const char *v = va_arg(ap, const char *);
			rc = v ? o->bind_text(s, idx, v, strlen(v)) : o->bind_null(s, idx);
			break;
		}
		case 't': {
			const char *v = va_arg(ap, const char *);
			size_t len = va_arg(ap, size_t);
			rc = o->bind_text(s, idx, v ? v : "", v ? len : 0);
			break;
		}
		case 'b': {
			const void *v = va_arg(ap, const void *);
			size_t len = va_arg(ap, size_t);
			rc = v ? o->bind_blob(s, idx, v, len) : o->bind_null(s, idx);
			break;
		}
		default:
			log_error("bad bind type '%c'", types[i]);
			return -1;
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}

static struct db_stmt *vquery(struct db *db, const char *sql, const char *types, va_list ap)
{
	struct db_stmt *s = db->ops->prepare(db, sql);
	if (!s)
		return NULL;
	if (bind_all(s, types, ap) < 0) {
		db->ops->reset(s);
		if (!db->last_error)
			db->last_error = DB_ERR;
		return NULL;
	}
	return s;
}

struct db_stmt *db_query(struct db *db, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	struct db_stmt *s = vquery(db, sql, types, ap);
	va_end(ap);
	return s;
}

struct db_stmt *db_prepare(struct db *db, const char *sql)
{
	return db->ops->prepare(db, sql);
}

int db_bind_text(struct db_stmt *s, int idx, const char *v)
{
	return v ? s->db->ops->bind_text(s, idx, v, strlen(v)) : s->db->ops->bind_null(s, idx);
}

int db_bind_int(struct db_stmt *s, int idx, int64_t v)
{
	return s->db->ops->bind_int(s, idx, v);
}

int db_bind_blob(struct db_stmt *s, int idx, const void *v, size_t n)
{
	return v ? s->db->ops->bind_blob(s, idx, v, n) : s->db->ops->bind_null(s, idx);
}

int db_step(struct db_stmt *s)
{
	if (s->db->reading && s->db->ops->writes(s))
		db_read_end(s->db); /* written in its own transaction, not the snapshot */
	return s->db->ops->step(s);
}

int64_t db_col_int(struct db_stmt *s, int col)
{
	return s->db->ops->col_int(s, col);
}

const char *db_col_text(struct db_stmt *s, int col)
{
	return s->db->ops->col_text(s, col);
}

const void *db_col_blob(struct db_stmt *s, int col)
{
	return s->db->ops->col_blob(s, col);
}

size_t db_col_len(struct db_stmt *s, int col)
{
	return s->db->ops->col_len(s, col);
}

int db_col_null(struct db_stmt *s, int col)
{
	return s->db->ops->col_null(s, col);
}

void db_done(struct db_stmt *s)
{
	if (s)
		s->db->ops->reset(s);
}

int db_exec(struct db *db, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	struct db_stmt *s = vquery(db, sql, types, ap);
	va_end(ap);
	if (!s)
		return db->last_error ? db->last_error : DB_ERR;
	int rc;
	while ((rc = db_step(s)) == 1)
		;
	db_done(s);
	return rc;
}

int db_get_int(struct db *db, const char *sql, int64_t *out, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	struct db_stmt *s = vquery(db, sql, types, ap);
	va_end(ap);
	if (!s)
		return DB_ERR;
	int rc = db_step(s);
	if (rc == 1)
		*out = db_col_int(s, 0);
	db_done(s);
	return rc;
}

int64_t db_last_id(struct db *db)
{
	return db->ops->last_id(db);
}

int db_changes(struct db *db)
{
	return db->ops->changes(db);
}

const char *db_errmsg(struct db *db)
{
	/* The causes a person can act on, in words; others as the backend says them. */
	switch (db->last_error) {
	case DB_FULL:
		return "le disque du serveur est plein ou la base de données est en lecture seule";
	case DB_BUSY:
		return "la base de données est occupée ou injoignable, réessayez dans un instant";
	default:
		return db->ops->errmsg(db);
	}
}

int db_last_error(struct db *db)
{
	return db->last_error;
}

void db_clear_error(struct db *db)
{
	db->last_error = 0;
}

/* ---- nested transactions --------------------------------------------- */

static int script(struct db *db, const char *sql)
{
	struct buf err = BUF_INIT;
	int rc = db->ops->exec_script(db, sql, &err);
	if (rc < 0)
		log_error("%s: %s", sql, buf_cstr(&err));
	buf_free(&err);
	return rc;
}

static void tx_end(struct db *db)
{
	if (db->ops->end)
		db->ops->end(db);
}

int db_begin(struct db *db)
{
	db_read_end(db); /* a write ends the read snapshot (see db_read_begin) */
	if (db->tx_depth++ > 0)
		return 0;
	db->tx_failed = 0;
	int rc = db->ops->begin(db);
	if (rc < 0) {
		db->tx_depth = 0;
		return db_fail(db, rc);
	}
	return 0;
}

int db_commit(struct db *db)
{
	if (db->tx_depth == 0)
		return 0;
	if (--db->tx_depth > 0)
		return db->tx_failed ? DB_ERR : 0;
	if (db->tx_failed) {
		script(db, "ROLLBACK");
		tx_end(db);
		/* Keep the cause the inner failure recorded (a full disk, say). */
		return db->last_error = db->last_error ? db->last_error : DB_ERR;
	}
	int rc = script(db, "COMMIT");
	if (rc < 0) {
		int e = db_fail(db, rc);
		if (db->ops->in_tx(db))
			script(db, "ROLLBACK");
		tx_end(db);
		return e;
	}
	tx_end(db);
	return 0;
}

/* An inner rollback cannot undo only its part: it marks the whole
 * transaction failed, and the outermost level rolls everything back. */
void db_rollback(struct db *db)
{
	if (db->tx_depth > 1) {
		db->tx_depth--;
		db->tx_failed = 1;
		return;
	}
	db->tx_depth = 0;
	if (db->ops->in_tx(db))
		script(db, "ROLLBACK");
	tx_end(db);
}

void db_read_begin(struct db *db)
{
	if (db->reading || db->tx_depth > 0 || !db->ops->read_begin)
		return;
	/* On failure the queries simply run in their own snapshots. */
	if (db->ops->read_begin(db) == 0)
		db->reading = 1;
}

void db_read_end(struct db *db)
{
	if (!db->reading)
		return;
	db->reading = 0;
	db->ops->read_end(db);
}

int db_in_tx(struct db *db)
{
	return db->tx_depth > 0 || db->ops->in_tx(db);
}

int db_integrity_check(struct db *db, struct buf *err)
{
	return db->ops->integrity_check(db, err);
}

int db_checkpoint(struct db *db)
{
	return db->ops->checkpoint(db);
}

/* ---- migrations ------------------------------------------------------ */

static const char SQL_SCHEMA_VERSION_ADD[] = "INSERT INTO schema_version(version, applied_at) VALUES ($1, $2)";
static const char MIGRATION_PREFIX[] = "src/db/migrations/";

static int migration_number(const char *name)
{
	int64_t n;
	const char *base = name + sizeof MIGRATION_PREFIX - 1;
	const char *us = strchr(base, '_');
	if (!us || str_to_i64((struct str){base, (size_t)(us - base)}, 1, 9999, &n) < 0)
		return -1;
	return (int)n;
}

static const struct embedded_file *migration_find(int version)
{
	for (const struct embedded_file *f = embedded_files; f->name; f++)
		if (strncmp(f->name, MIGRATION_PREFIX, sizeof MIGRATION_PREFIX - 1) == 0 &&
		    migration_number(f->name) == version)
			return f;
	return NULL;
}

int db_schema_latest(void)
{
	int max = 0;
	for (const struct embedded_file *f = embedded_files; f->name; f++)
		if (strncmp(f->name, MIGRATION_PREFIX, sizeof MIGRATION_PREFIX - 1) == 0) {
			int n = migration_number(f->name);
			if (n > max)
				max = n;
		}
	return max;
}

int db_schema_version(struct db *db)
{
	return db->ops->schema_version(db);
}

int db_migrate(struct db *db, struct buf *err)
{
	int latest = db_schema_latest();
	int current = db_schema_version(db);
	if (current > latest) {
		buf_appendf(err, "la base de données est au schéma %d, plus récent que ce programme (%d) : "
				 "installez une version plus récente de Lien", current, latest);
		return -1;
	}
	int applied = 0;
	for (int v = current + 1; v <= latest; v++) {
		const struct embedded_file *f = migration_find(v);
		if (!f) {
			buf_appendf(err, "migration %d absente du programme", v);
			return -1;
		}
		struct buf sql = BUF_INIT, msg = BUF_INIT;
		if (db_migration_text((const char *)f->data, db_dialect(db), &sql) < 0) {
			buf_free(&sql);
			buf_puts(err, "mémoire insuffisante");
			return -1;
		}
		int rc = db_begin(db);
		if (rc == 0)
			rc = db->ops->exec_script(db, buf_cstr(&sql), &msg);
		if (rc == 0)
			rc = db_exec(db, SQL_SCHEMA_VERSION_ADD, "di", v, (int64_t)time(NULL));
		if (rc == 0)
			rc = db_commit(db);
		else
			db_rollback(db);
		buf_free(&sql);
		if (rc < 0) {
			buf_appendf(err, "échec de la migration %d (%s) : %s", v, f->name,
				    msg.len ? buf_cstr(&msg) : db->ops->errmsg(db));
			buf_free(&msg);
			return -1;
		}
		buf_free(&msg);
		applied++;
	}
	return applied;
}

/* ---- one connection per thread --------------------------------------- */

static const char *thread_url;
static pthread_key_t thread_key;
static pthread_once_t thread_key_once = PTHREAD_ONCE_INIT;

/* Runs when a server thread ends: its connection closes with it. */
static void thread_db_free(void *db)
{
	db_close(db);
}

static void thread_key_make(void)
{
	pthread_key_create(&thread_key, thread_db_free);
}

void db_thread_set_url(const char *url)
{
	thread_url = url;
	pthread_once(&thread_key_once, thread_key_make);
}

struct db *db_thread(void)
{
	pthread_once(&thread_key_once, thread_key_make);
	struct db *db = pthread_getspecific(thread_key);
	/* A connection that lost its medium or its server is opened again, so
	 * that the server recovers without a restart: a request that starts
	 * after PostgreSQL came back never meets the old, closed connection. */
	if (db && !db_in_tx(db) && (db->stale || (db->ops->alive && !db->ops->alive(db)))) {
		pthread_setspecific(thread_key, NULL);
		db_close(db);
		db = NULL;
	}
	if (!db && thread_url) {
		struct buf err = BUF_INIT;
		db = db_open(thread_url, 0, &err);
		if (!db) {
			log_error("%s", buf_cstr(&err));
		} else {
			if (db->ops->thread_setup)
				db->ops->thread_setup(db);
			pthread_setspecific(thread_key, db);
		}
		buf_free(&err);
	}
	return db;
}

void db_thread_close(void)
{
	pthread_once(&thread_key_once, thread_key_make);
	struct db *db = pthread_getspecific(thread_key);
	if (db) {
		pthread_setspecific(thread_key, NULL);
		db_close(db);
	}
}
