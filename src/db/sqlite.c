/* The SQLite backend of db.h. */
#include "db/db.h"
#include "core/embedded.h"
#include "core/log.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { STMT_CACHE = 512 };

enum { PARAMS_MAX = 40 };

struct db_stmt {
	struct db *db;
	sqlite3_stmt *st;
	const char *sql;
	/* SQLite's index of each $N, found once at prepare time: looking the
	 * name up on every bind cost a sixth of a bulk import. */
	unsigned char param[PARAMS_MAX + 1];
};

struct db {
	sqlite3 *h;
	int last_error;
	int tx_depth;      /* nested db_begin calls: only the outermost commits */
	int tx_failed;     /* an inner rollback happened: the outer commit must fail */
	int stale;         /* found read-only: reopened before the next use (the medium may be writable again) */
	struct db_stmt cache[STMT_CACHE];
};

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
	if ((rc & 0xff) == SQLITE_READONLY || sqlite3_db_readonly(db->h, "main") == 1)
		db->stale = 1;
	return db->last_error;
}

void db_global_init(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

struct db *db_open(const char *url, int flags, struct buf *err)
{
	if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0) {
		buf_appendf(err, "le support PostgreSQL n'est pas encore disponible dans cette version (%s)", "postgres://");
		return NULL;
	}
	if (!(flags & DB_OPEN_CREATE) && access(url, F_OK) != 0) {
		buf_appendf(err, "base de données introuvable : %s (créez-la avec « lien init »)", url);
		return NULL;
	}
	if (!(flags & DB_OPEN_READONLY) && access(url, F_OK) == 0 && access(url, W_OK) != 0) {
		buf_appendf(err, "la base de données %s n'est pas accessible en écriture", url);
		return NULL;
	}
	struct db *db = calloc(1, sizeof *db);
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
		db_close(db);
		return NULL;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, 5000);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	/* Reading the schema tells a corrupt or foreign file at once. */
	rc = sqlite3_exec(db->h, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		buf_appendf(err, "%s n'est pas une base Lien lisible : %s", url, sqlite3_errmsg(db->h));
		db_close(db);
		return NULL;
	}
	for (size_t i = 0; i < sizeof PRAGMAS / sizeof PRAGMAS[0]; i++) {
		if ((flags & DB_OPEN_READONLY) && i == 0)
			continue;
		rc = sqlite3_exec(db->h, PRAGMAS[i], NULL, NULL, NULL);
		if (rc != SQLITE_OK) {
			buf_appendf(err, "impossible de configurer la base %s : %s", url, sqlite3_errmsg(db->h));
			db_close(db);
			return NULL;
		}
	}
	return db;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	for (int i = 0; i < STMT_CACHE; i++)
		if (db->cache[i].st)
			sqlite3_finalize(db->cache[i].st);
	sqlite3_close(db->h);
	free(db);
}

static struct db_stmt *stmt_get(struct db *db, const char *sql)
{
	size_t h = ((uintptr_t)sql >> 3) % STMT_CACHE;
	for (size_t k = 0; k < STMT_CACHE; k++) {
		struct db_stmt *s = &db->cache[(h + k) % STMT_CACHE];
		if (s->sql == sql) {
			sqlite3_reset(s->st);
			sqlite3_clear_bindings(s->st);
			return s;
		}
		if (!s->sql) {
			int rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, NULL);
			if (rc != SQLITE_OK) {
				log_error("SQL prepare failed: %s", sqlite3_errmsg(db->h));
				fail(db, rc);
				s->st = NULL;
				return NULL;
			}
			s->sql = sql;
			s->db = db;
			memset(s->param, 0, sizeof s->param);
			for (int i = 1; i <= sqlite3_bind_parameter_count(s->st); i++) {
				const char *name = sqlite3_bind_parameter_name(s->st, i);
				long n = name && name[0] == '$' ? strtol(name + 1, NULL, 10) : 0;
				if (n > 0 && n <= PARAMS_MAX && i <= 255)
					s->param[n] = (unsigned char)i;
			}
			return s;
		}
	}
	log_error("statement cache full");
	return NULL;
}

static int param_index(struct db_stmt *s, int idx)
{
	if (idx > 0 && idx <= PARAMS_MAX)
		return s->param[idx];
	char name[16];
	snprintf(name, sizeof name, "$%d", idx);
	return sqlite3_bind_parameter_index(s->st, name);
}

static int bind_all(struct db_stmt *s, const char *types, va_list ap)
{
	int n = (int)strlen(types);
	for (int i = 0; i < n; i++) {
		int idx = param_index(s, i + 1);
		int rc = SQLITE_OK;
		switch (types[i]) {
		case 'i': {
			int64_t v = va_arg(ap, int64_t);
			if (idx)
				rc = sqlite3_bind_int64(s->st, idx, v);
			break;
		}
		case 'I': {
			int64_t v = va_arg(ap, int64_t);
			if (idx)
				rc = v ? sqlite3_bind_int64(s->st, idx, v) : sqlite3_bind_null(s->st, idx);
			break;
		}
		case 'd': {
			int v = va_arg(ap, int);
			if (idx)
				rc = sqlite3_bind_int64(s->st, idx, v);
			break;
		}
		case 's': {
			const char *v = va_arg(ap, const char *);
			if (idx)
				rc = v ? sqlite3_bind_text(s->st, idx, v, -1, SQLITE_TRANSIENT)
				       : sqlite3_bind_null(s->st, idx);
			break;
		}
		case 't': {
			const char *v = va_arg(ap, const char *);
			size_t len = va_arg(ap, size_t);
			if (idx)
				rc = sqlite3_bind_text(s->st, idx, v ? v : "", (int)len, SQLITE_TRANSIENT);
			break;
		}
		case 'b': {
			const void *v = va_arg(ap, const void *);
			size_t len = va_arg(ap, size_t);
			if (idx)
				rc = v ? sqlite3_bind_blob(s->st, idx, v, (int)len, SQLITE_TRANSIENT)
				       : sqlite3_bind_null(s->st, idx);
			break;
		}
		default:
			log_error("bad bind type '%c'", types[i]);
			return -1;
		}
		if (rc != SQLITE_OK)
			return -1;
	}
	return 0;
}

static struct db_stmt *vquery(struct db *db, const char *sql, const char *types, va_list ap)
{
	struct db_stmt *s = stmt_get(db, sql);
	if (!s)
		return NULL;
	if (bind_all(s, types, ap) < 0) {
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
	return stmt_get(db, sql);
}

int db_bind_text(struct db_stmt *s, int idx, const char *v)
{
	int i = param_index(s, idx);
	if (!i)
		return 0;
	int rc = v ? sqlite3_bind_text(s->st, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(s->st, i);
	return rc == SQLITE_OK ? 0 : fail(s->db, rc);
}

int db_bind_int(struct db_stmt *s, int idx, int64_t v)
{
	int i = param_index(s, idx);
	if (!i)
		return 0;
	int rc = sqlite3_bind_int64(s->st, i, v);
	return rc == SQLITE_OK ? 0 : fail(s->db, rc);
}

int db_bind_blob(struct db_stmt *s, int idx, const void *v, size_t n)
{
	int i = param_index(s, idx);
	if (!i)
		return 0;
	int rc = v ? sqlite3_bind_blob(s->st, i, v, (int)n, SQLITE_TRANSIENT) : sqlite3_bind_null(s->st, i);
	return rc == SQLITE_OK ? 0 : fail(s->db, rc);
}

int db_step(struct db_stmt *s)
{
	int rc = sqlite3_step(s->st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return fail(s->db, rc);
}

int64_t db_col_int(struct db_stmt *s, int col)
{
	return sqlite3_column_int64(s->st, col);
}

const char *db_col_text(struct db_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s->st, col);
	return t ? (const char *)t : "";
}

const void *db_col_blob(struct db_stmt *s, int col)
{
	return sqlite3_column_blob(s->st, col);
}

size_t db_col_len(struct db_stmt *s, int col)
{
	return (size_t)sqlite3_column_bytes(s->st, col);
}

int db_col_null(struct db_stmt *s, int col)
{
	return sqlite3_column_type(s->st, col) == SQLITE_NULL;
}

void db_done(struct db_stmt *s)
{
	if (s) {
		sqlite3_reset(s->st);
		sqlite3_clear_bindings(s->st);
	}
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
	return sqlite3_last_insert_rowid(db->h);
}

int db_changes(struct db *db)
{
	return sqlite3_changes(db->h);
}

const char *db_errmsg(struct db *db)
{
	/* The causes a person can act on, in words; others as SQLite says them. */
	switch (db->last_error) {
	case DB_FULL:
		return "le disque du serveur est plein ou la base de données est en lecture seule";
	case DB_BUSY:
		return "la base de données est occupée, réessayez dans un instant";
	default:
		return sqlite3_errmsg(db->h);
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

int db_begin(struct db *db)
{
	if (db->tx_depth++ > 0)
		return 0;
	db->tx_failed = 0;
	int rc = sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		db->tx_depth = 0;
		return fail(db, rc);
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
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
		/* Keep the cause the inner failure recorded (a full disk, say). */
		return db->last_error = db->last_error ? db->last_error : DB_ERR;
	}
	int rc = sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		int e = fail(db, rc);
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
		return e;
	}
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
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

int db_in_tx(struct db *db)
{
	return db->tx_depth > 0 || !sqlite3_get_autocommit(db->h);
}

int db_integrity_check(struct db *db, struct buf *err)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->h, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
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

/* ---- migrations ---------------------------------------------------- */

static const char SQL_SCHEMA_VERSION_ADD[] =
	"INSERT INTO schema_version(version, applied_at) VALUES ($1, strftime('%s','now'))";
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
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->h, "SELECT max(version) FROM schema_version", -1, &st, NULL) != SQLITE_OK)
		return 0; /* no table yet: an empty database */
	int v = 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Migrations are written once for both backends; the few words that differ
 * are placeholders: @PK@ (auto-increment key), @BLOB@, and the triggers that
 * make the record of acts under mandate append-only. */
static int expand_migration(const char *text, struct buf *out)
{
	static const struct {
		const char *from, *to;
	} words[] = {
		{"@PK@", "INTEGER PRIMARY KEY"},
		{"@BLOB@", "BLOB"},
		/* Only anonymisation (blanking the text) and merging (moving the
		 * row to the file kept) may touch a row; nothing deletes one. */
		{"@APPEND_ONLY_MANDATE_ACTS@",
		 "CREATE TRIGGER mandate_acts_no_update BEFORE UPDATE ON mandate_acts "
		 "WHEN NEW.what <> '' AND (NEW.what <> OLD.what OR NEW.at <> OLD.at OR NEW.user_id <> OLD.user_id "
		 "OR NEW.mandate_id <> OLD.mandate_id OR NEW.procedure_id IS NOT OLD.procedure_id "
		 "OR NEW.structure_id <> OLD.structure_id) "
		 "BEGIN SELECT RAISE(ABORT, 'mandate_acts is append-only'); END;\n"
		 "CREATE TRIGGER mandate_acts_no_delete BEFORE DELETE ON mandate_acts "
		 "BEGIN SELECT RAISE(ABORT, 'mandate_acts is append-only'); END;"},
	};
	const char *p = text;
	while (*p) {
		int done = 0;
		for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
			size_t n = strlen(words[i].from);
			if (strncmp(p, words[i].from, n) == 0) {
				if (buf_puts(out, words[i].to) < 0)
					return -1;
				p += n;
				done = 1;
				break;
			}
		}
		if (!done && buf_putc(out, *p++) < 0)
			return -1;
	}
	return 0;
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
		struct buf sql = BUF_INIT;
		if (expand_migration((const char *)f->data, &sql) < 0) {
			buf_free(&sql);
			buf_puts(err, "mémoire insuffisante");
			return -1;
		}
		char *msg = NULL;
		int rc = sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, &msg);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(db->h, buf_cstr(&sql), NULL, NULL, &msg);
		if (rc == SQLITE_OK) {
			sqlite3_stmt *st;
			rc = sqlite3_prepare_v2(db->h, SQL_SCHEMA_VERSION_ADD, -1, &st, NULL);
			if (rc == SQLITE_OK) {
				sqlite3_bind_int(st, 1, v);
				rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
				sqlite3_finalize(st);
			}
		}
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(db->h, "COMMIT", NULL, NULL, &msg);
		buf_free(&sql);
		if (rc != SQLITE_OK) {
			buf_appendf(err, "échec de la migration %d (%s) : %s", v, f->name, msg ? msg : sqlite3_errstr(rc));
			sqlite3_free(msg);
			db_rollback(db);
			return -1;
		}
		applied++;
	}
	return applied;
}

/* ---- one connection per thread -------------------------------------- */

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

int db_checkpoint(struct db *db)
{
	int rc = sqlite3_wal_checkpoint_v2(db->h, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	return rc == SQLITE_OK ? 0 : fail(db, rc);
}

struct db *db_thread(void)
{
	pthread_once(&thread_key_once, thread_key_make);
	struct db *db = pthread_getspecific(thread_key);
	if (db && db->stale && !db_in_tx(db)) {
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
			/* Checkpoints run in the background (db_checkpoint), not at the
			 * commit of whichever request fills the log. */
			sqlite3_wal_autocheckpoint(db->h, 0);
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
