/*
 * What a database backend gives db.c (private to src/db/). db.c holds what
 * both backends share — argument binding, nested transactions, migrations,
 * one connection per thread — and calls the backend through these functions
 * for the rest.
 */
#ifndef LIEN_DB_BACKEND_H
#define LIEN_DB_BACKEND_H

#include "db/db.h"

#include <stdarg.h>

/* The first member of every backend's connection and statement. */
struct db {
	const struct db_ops *ops;
	int last_error;
	int tx_depth;      /* nested db_begin calls: only the outermost commits */
	int tx_failed;     /* an inner rollback happened: the outer commit must fail */
	int reading;       /* inside db_read_begin: a read snapshot, no write allowed */
	int stale;         /* unusable (read-only medium, lost server): reopened before the next use */
};

struct db_stmt {
	struct db *db;
	const char *sql;   /* the constant this statement was prepared from: the cache key */
};

struct db_ops {
	enum db_dialect dialect;
	struct db *(*open)(const char *url, int flags, struct buf *err);
	void (*close)(struct db *db);
	/* Prepared once per connection, cached by the address of sql; the
	 * statement comes back reset with no parameter bound. */
	struct db_stmt *(*prepare)(struct db *db, const char *sql);
	/* idx is the N of $N; a parameter the statement does not use is ignored.
	 * Text of len bytes (not NUL-terminated); v NULL binds SQL NULL. */
	int (*bind_text)(struct db_stmt *st, int idx, const char *v, size_t len);
	int (*bind_int)(struct db_stmt *st, int idx, int64_t v);
	int (*bind_blob)(struct db_stmt *st, int idx, const void *v, size_t n);
	int (*bind_null)(struct db_stmt *st, int idx);
	int (*step)(struct db_stmt *st);
	int64_t (*col_int)(struct db_stmt *st, int col);
	const char *(*col_text)(struct db_stmt *st, int col);
	const void *(*col_blob)(struct db_stmt *st, int col);
	size_t (*col_len)(struct db_stmt *st, int col);
	int (*col_null)(struct db_stmt *st, int col);
	void (*reset)(struct db_stmt *st);
	int64_t (*last_id)(struct db *db);
	int (*changes)(struct db *db);
	const char *(*errmsg)(struct db *db);
	/* Runs SQL text without parameters (several statements): BEGIN,
	 * COMMIT, a migration. 0 or a negative DB_* error, message in err. */
	int (*exec_script)(struct db *db, const char *sql, struct buf *err);
	/* Starts the outermost write transaction; end (may be NULL) is called
	 * once it is over, committed or rolled back. */
	int (*begin)(struct db *db);
	void (*end)(struct db *db);
	/* 1 when the connection is inside a transaction it did not end. */
	int (*in_tx)(struct db *db);
	/* A read-only snapshot around several queries; NULL when the backend
	 * has none (each query is then its own snapshot). writes says whether a
	 * statement would write (needed only with read_begin). */
	int (*read_begin)(struct db *db);
	void (*read_end)(struct db *db);
	int (*writes)(struct db_stmt *st);
	int (*integrity_check)(struct db *db, struct buf *err);
	int (*checkpoint)(struct db *db);
	/* 0 when there is no schema_version table yet. */
	int (*schema_version)(struct db *db);
	/* 0 when the connection is known dead (the server closed it while it
	 * was idle); may be NULL. */
	int (*alive)(struct db *db);
	/* Called once on a connection that a server thread keeps. */
	void (*thread_setup)(struct db *db);
};

extern const struct db_ops db_sqlite_ops;
extern const struct db_ops db_pg_ops;

/* A migration's text with its placeholders expanded for the dialect
 * (dialect.c). 0, or -1 out of memory. */
int db_migration_text(const char *text, enum db_dialect dialect, struct buf *out);

/* Queries whose PostgreSQL text differs from the SQLite one, kept beside
 * each other in queries.c; the table ends with a NULL sqlite. */
struct db_variant {
	const char *sqlite, *pg;
};
extern const struct db_variant db_pg_variants[];

/* The handles under a connection, for db/copy.c (NULL for another backend). */
struct sqlite3;
struct pg_conn;
struct sqlite3 *db_sqlite_handle(struct db *db);
struct pg_conn *db_pg_conn(struct db *db);

/* Records a failure on the connection and returns it. */
static inline int db_fail(struct db *db, int code)
{
	db->last_error = code;
	return code;
}

#endif
