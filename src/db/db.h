/*
 * One database interface for the layers above, whatever the backend.
 * SQLite is the embedded default; a PostgreSQL backend (libpq) implements
 * the same functions for large deployments.
 *
 * SQL is constant text with numbered parameters $1, $2… (valid in both
 * dialects) and is never built with printf. Statements are prepared once
 * per connection and cached by the address of their SQL constant, so pass
 * the constants of db/queries.h, not a copy.
 *
 * Binding types for db_query/db_exec, one letter per parameter:
 *   i  int64_t          d  int
 *   I  int64_t, where 0 binds SQL NULL (optional references)
 *   s  const char *     (NULL binds SQL NULL)
 *   t  const char *, size_t   text with a length
 *   b  const void *, size_t   blob
 */
#ifndef LIEN_DB_H
#define LIEN_DB_H

#include "core/buf.h"

#include <stddef.h>
#include <stdint.h>

struct db;
struct db_stmt;

enum db_dialect {
	DB_SQLITE,
	DB_POSTGRES,
};

enum {
	DB_OPEN_CREATE = 1,   /* create the file if absent (lien init) */
	DB_OPEN_READONLY = 2,
};

enum {
	DB_ERR = -1,
	DB_BUSY = -2,         /* locked too long: retry later (503) */
	DB_CONSTRAINT = -3,   /* unique / foreign key refused */
	DB_FULL = -4,         /* disk full or read-only medium */
};

/* Process-wide settings, before any database is opened (no allocation
 * statistics: their global mutex would serialise the server's threads). */
void db_global_init(void);

/* Opens a database named by a path (SQLite) or a postgres:// URL. A SQLite
 * connection is configured (WAL, foreign keys, synchronous FULL, defensive
 * mode); a PostgreSQL one gets a statement timeout. NULL with a one-line
 * French message in err on failure. */
struct db *db_open(const char *url, int flags, struct buf *err);
void db_close(struct db *db);
/* 1 for a postgres:// or postgresql:// URL. */
int db_url_is_postgres(const char *url);
enum db_dialect db_dialect(struct db *db);

/* Current schema version, and the newest this binary knows. */
int db_schema_version(struct db *db);
int db_schema_latest(void);
/* Applies pending migrations in one transaction each. Refuses a database
 * newer than the binary. Returns the number applied, or -1 with err. */
int db_migrate(struct db *db, struct buf *err);

/* Prepares (or reuses) and binds; returns the statement ready to step, or
 * NULL on error (see db_errmsg). Call db_done when finished with it. */
struct db_stmt *db_query(struct db *db, const char *sql, const char *types, ...);
/* For statements whose parameters are bound in a loop: prepare (cached),
 * then bind by position (1-based), then step. */
struct db_stmt *db_prepare(struct db *db, const char *sql);
int db_bind_text(struct db_stmt *st, int idx, const char *v);
int db_bind_int(struct db_stmt *st, int idx, int64_t v);
int db_bind_blob(struct db_stmt *st, int idx, const void *v, size_t n);
/* 1 row available, 0 done, or a negative DB_* error. */
int db_step(struct db_stmt *st);
int64_t db_col_int(struct db_stmt *st, int col);
const char *db_col_text(struct db_stmt *st, int col);   /* "" for NULL; valid until next step */
const void *db_col_blob(struct db_stmt *st, int col);
size_t db_col_len(struct db_stmt *st, int col);
int db_col_null(struct db_stmt *st, int col);
void db_done(struct db_stmt *st);

/* Runs a statement to completion: 0 or a negative DB_* error. */
int db_exec(struct db *db, const char *sql, const char *types, ...);
/* Runs a statement expected to return one integer (COUNT, id…): 1 found, 0 none, <0 error. */
int db_get_int(struct db *db, const char *sql, int64_t *out, const char *types, ...);
int64_t db_last_id(struct db *db);
int db_changes(struct db *db);
const char *db_errmsg(struct db *db);
/* Error code of the last failed call on this connection. */
int db_last_error(struct db *db);
/* Forgets the last error (at the start of each request on a reused connection). */
void db_clear_error(struct db *db);

/* Write transactions (BEGIN IMMEDIATE on SQLite: the write lock is taken
 * at once, so two writers never deadlock on an upgrade). They nest: a
 * domain function that opens its own transaction can run inside a larger
 * one (an import, demo data); only the outermost commit writes, and a
 * rollback at any level makes the whole transaction fail. */
int db_begin(struct db *db);
int db_commit(struct db *db);
void db_rollback(struct db *db);
/* 1 inside an explicit transaction. */
int db_in_tx(struct db *db);

/* A read snapshot around the reads of a request: its queries see one state
 * of the database and, on SQLite, take the WAL read lock (a shared-memory
 * mutex that the server threads contend for) once instead of once per query.
 * The first write — db_begin, or stepping a statement that writes — ends it
 * first, so a page that reads then writes needs no care. A no-op inside a
 * write transaction, and on PostgreSQL, where each query stays its own
 * snapshot (a BEGIN and a COMMIT would cost two round trips). */
void db_read_begin(struct db *db);
void db_read_end(struct db *db);

/* Integrity check of the whole file: 0 when "ok". */
int db_integrity_check(struct db *db, struct buf *err);

/* Moves the write-ahead log into the database file (a "checkpoint").
 * The server's connections never do it while answering a request: the
 * housekeeping thread calls this every few seconds instead. */
int db_checkpoint(struct db *db);

/* One connection per server thread, opened on first use with this URL. */
void db_thread_set_url(const char *url);
struct db *db_thread(void);
void db_thread_close(void);

#endif
