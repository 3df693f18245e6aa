/*
 * The PostgreSQL backend of db.h (libpq), for deployments that outgrow one
 * machine: several `lien serve` processes on one database.
 *
 * Statements are prepared once per connection, named after their slot in
 * the cache. Parameters go as text (blobs in binary) and the server infers
 * their types from the query; results come as text, whole (PQexecPrepared),
 * so that a caller may run another query while it walks the rows, as it
 * does on SQLite.
 *
 * Write transactions are serialised across every server by one advisory
 * lock taken at BEGIN: the same guarantee as SQLite's single writer, on
 * which the audit chain, the file counters and the outbox's claims rely.
 * Reads never wait for it.
 */
#include "db/backend.h"
#include "core/log.h"

#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { STMT_CACHE = 512, PARAMS_MAX = 100 };

/* Type oids (pg_type.h is a server header). */
enum { OID_BOOL = 16, OID_BYTEA = 17, OID_FLOAT4 = 700, OID_FLOAT8 = 701, OID_NUMERIC = 1700 };

/* The key of the advisory lock that serialises write transactions. */
#define WRITE_LOCK "SELECT pg_advisory_xact_lock(7616110)"

struct pg_stmt {
	struct db_stmt base;
	const char *text;        /* the SQL sent: the PostgreSQL variant, or sql */
	int nparams;             /* the highest $N in text */
	int noop;                /* a statement with nothing to do here (an FTS5 table's upkeep) */
	int returning_id;        /* " RETURNING id" was added, for db_last_id */
	char *values[PARAMS_MAX];
	int lengths[PARAMS_MAX];
	int formats[PARAMS_MAX];
	PGresult *res;
	int row, rows;
	unsigned char *blob;     /* the last bytea read, decoded */
	size_t blob_len;
};

struct pg_db {
	struct db base;
	PGconn *conn;
	int64_t last_id;
	int changes;
	char error[512];
	struct pg_stmt cache[STMT_CACHE];
};

#define PG(db) ((struct pg_db *)(db))
#define ST(s) ((struct pg_stmt *)(s))

/* SQLSTATE classes to db.h's errors: what the layers above can act on. */
static int map_sqlstate(const char *state)
{
	if (!state)
		return DB_BUSY; /* no answer: the server went away */
	if (strncmp(state, "23", 2) == 0)
		return DB_CONSTRAINT;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0 ||
	    strcmp(state, "57014") == 0 || strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0 ||
	    strcmp(state, "53300") == 0)
		return DB_BUSY;
	if (strcmp(state, "53100") == 0 || strcmp(state, "25006") == 0)
		return DB_FULL;
	return DB_ERR;
}

static int fail_result(struct db *db, PGresult *res)
{
	struct pg_db *p = PG(db);
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(p->conn);
	snprintf(p->error, sizeof p->error, "%s", msg && *msg ? msg : "erreur PostgreSQL");
	size_t n = strlen(p->error);
	while (n && (p->error[n - 1] == '\n' || p->error[n - 1] == ' '))
		p->error[--n] = '\0';
	int code = map_sqlstate(res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL);
	/* A lost connection is opened again before the next request. */
	if (PQstatus(p->conn) != CONNECTION_OK)
		db->stale = 1;
	return db_fail(db, code);
}

static void pg_close(struct db *db);
static int reconnect(struct pg_db *p);

static struct db *pg_open(const char *url, int flags, struct buf *err)
{
	struct pg_db *p = calloc(1, sizeof *p);
	if (!p) {
		buf_puts(err, "mémoire insuffisante");
		return NULL;
	}
	/* A request never waits more than this on the database: a lock held
	 * too long or a runaway query fails with a 503, not a hung thread. */
	static const char *const keys[] = {"dbname", "options", "connect_timeout", "application_name", NULL};
	const char *values[] = {url, "-c statement_timeout=30000 -c lock_timeout=10000", "5", "lien", NULL};
	p->conn = PQconnectdbParams(keys, values, 1);
	if (!p->conn || PQstatus(p->conn) != CONNECTION_OK) {
		const char *m = p->conn ? PQerrorMessage(p->conn) : "mémoire insuffisante";
		size_t n = strcspn(m, "\n");
		buf_appendf(err, "impossible de se connecter à la base PostgreSQL : %.*s", (int)n, m);
		pg_close(&p->base);
		return NULL;
	}
	PGresult *r = PQexec(p->conn, "SET client_min_messages = warning");
	PQclear(r);
	/* Prefix searches (a name's first letters) compare bytes, as SQLite
	 * does: a database sorted by a language's rules would miss matches. */
	r = PQexec(p->conn, "SELECT datcollate FROM pg_database WHERE datname = current_database()");
	const char *coll = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : "";
	int binary = strcmp(coll, "C") == 0 || strcmp(coll, "POSIX") == 0 || strncmp(coll, "C.", 2) == 0;
	if (!binary)
		buf_appendf(err, "la base PostgreSQL est triée selon « %s » : créez-la avec l'ordre binaire "
				 "(createdb --template=template0 --locale=C.UTF-8 NOM)", coll);
	PQclear(r);
	if (!binary) {
		pg_close(&p->base);
		return NULL;
	}
	if (flags & DB_OPEN_READONLY) {
		r = PQexec(p->conn, "SET default_transaction_read_only = on");
		PQclear(r);
	}
	return &p->base;
}

static void stmt_clear(struct pg_stmt *s)
{
	for (int i = 0; i < s->nparams; i++) {
		free(s->values[i]);
		s->values[i] = NULL;
		s->lengths[i] = 0;
		s->formats[i] = 0;
	}
	PQclear(s->res);
	s->res = NULL;
	s->row = s->rows = 0;
	PQfreemem(s->blob);
	s->blob = NULL;
}

static void pg_close(struct db *db)
{
	struct pg_db *p = PG(db);
	for (int i = 0; i < STMT_CACHE; i++)
		if (p->cache[i].base.sql)
			stmt_clear(&p->cache[i]);
	PQfinish(p->conn);
	free(p);
}

static const char *variant(const char *sql)
{
	for (const struct db_variant *v = db_pg_variants; v->sqlite; v++)
		if (v->sqlite == sql)
			return v->pg;
	return sql;
}

static int highest_param(const char *sql)
{
	int max = 0;
	for (const char *c = sql; *c; c++)
		if (*c == '$' && c[1] >= '0' && c[1] <= '9') {
			int n = (int)strtol(c + 1, NULL, 10);
			if (n > max)
				max = n;
		}
	return max;
}

/* SQLite gives the id of the row an INSERT created (last_insert_rowid);
 * here an INSERT into a table keyed by an identity "id" returns it. */
static int wants_returning_id(struct pg_db *p, const char *text)
{
	if (strncmp(text, "INSERT INTO ", 12) != 0 || strstr(text, "RETURNING"))
		return 0;
	const char *t = text + 12;
	size_t n = strcspn(t, " (");
	if (n == 0 || n > 60)
		return 0;
	char table[64];
	memcpy(table, t, n);
	table[n] = '\0';
	const char *params[] = {table};
	PGresult *r = PQexecParams(p->conn,
				   "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
				   "AND table_name = $1 AND column_name = 'id' AND is_identity = 'YES'",
				   1, NULL, params, NULL, NULL, 0);
	int yes = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
	PQclear(r);
	return yes;
}

static struct db_stmt *pg_prepare(struct db *db, const char *sql)
{
	struct pg_db *p = PG(db);
	size_t h = ((uintptr_t)sql >> 3) % STMT_CACHE;
	for (size_t k = 0; k < STMT_CACHE; k++) {
		size_t slot = (h + k) % STMT_CACHE;
		struct pg_stmt *s = &p->cache[slot];
		if (s->base.sql == sql) {
			stmt_clear(s);
			return &s->base;
		}
		if (s->base.sql)
			continue;
		const char *text = variant(sql);
		struct buf full = BUF_INIT;
		int returning = text[0] && wants_returning_id(p, text);
		buf_puts(&full, text);
		if (returning)
			buf_puts(&full, " RETURNING id");
		int nparams = highest_param(text);
		if (nparams > PARAMS_MAX) {
			log_error("SQL with more than %d parameters", PARAMS_MAX);
			buf_free(&full);
			db_fail(db, DB_ERR);
			return NULL;
		}
		if (text[0]) {
			char name[24];
			snprintf(name, sizeof name, "s%zu", slot);
			PGresult *r = PQprepare(p->conn, name, buf_cstr(&full), nparams, NULL);
			if (PQresultStatus(r) != PGRES_COMMAND_OK) {
				fail_result(db, r);
				log_error("SQL prepare failed: %s (%s)", p->error, buf_cstr(&full));
				PQclear(r);
				buf_free(&full);
				return NULL;
			}
			PQclear(r);
		}
		buf_free(&full);
		s->base.sql = sql;
		s->base.db = db;
		s->text = text;
		s->noop = !text[0];
		s->returning_id = returning;
		s->nparams = nparams;
		return &s->base;
	}
	log_error("statement cache full");
	db_fail(db, DB_ERR);
	return NULL;
}

static int set_param(struct db_stmt *st, int idx, const void *v, size_t len, int format)
{
	struct pg_stmt *s = ST(st);
	if (idx < 1 || idx > s->nparams)
		return 0; /* a parameter this statement does not use */
	free(s->values[idx - 1]);
	s->values[idx - 1] = NULL;
	s->lengths[idx - 1] = 0;
	s->formats[idx - 1] = format;
	if (!v)
		return 0;
	char *copy = malloc(len + 1);
	if (!copy)
		return db_fail(st->db, DB_ERR);
	memcpy(copy, v, len);
	copy[len] = '\0';
	s->values[idx - 1] = copy;
	s->lengths[idx - 1] = (int)len;
	return 0;
}

static int pg_bind_text(struct db_stmt *st, int idx, const char *v, size_t len)
{
	/* PostgreSQL refuses a NUL inside text: stop there, as C would. */
	const char *nul = memchr(v, '\0', len);
	return set_param(st, idx, v, nul ? (size_t)(nul - v) : len, 0);
}

static int pg_bind_int(struct db_stmt *st, int idx, int64_t v)
{
	char n[24];
	int len = snprintf(n, sizeof n, "%lld", (long long)v);
	return set_param(st, idx, n, (size_t)len, 0);
}

static int pg_bind_blob(struct db_stmt *st, int idx, const void *v, size_t n)
{
	return set_param(st, idx, v ? v : "", n, 1);
}

static int pg_bind_null(struct db_stmt *st, int idx)
{
	return set_param(st, idx, NULL, 0, 0);
}

static int execute(struct pg_stmt *s)
{
	struct pg_db *p = PG(s->base.db);
	char name[24];
	snprintf(name, sizeof name, "s%td", s - p->cache);
	s->res = PQexecPrepared(p->conn, name, s->nparams, (const char *const *)s->values, s->lengths, s->formats, 0);
	ExecStatusType st = PQresultStatus(s->res);
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		int rc = fail_result(&p->base, s->res);
		PQclear(s->res);
		s->res = NULL;
		return rc;
	}
	/* As sqlite3_changes(): rows written by the last INSERT, UPDATE or
	 * DELETE, not rows read. */
	if (strncmp(PQcmdStatus(s->res), "SELECT", 6) != 0) {
		const char *n = PQcmdTuples(s->res);
		p->changes = n && *n ? (int)strtol(n, NULL, 10) : 0;
	}
	s->rows = PQntuples(s->res);
	s->row = -1;
	if (s->returning_id) {
		/* The caller expects no row: keep the last id and show none. */
		if (s->rows > 0)
			p->last_id = strtoll(PQgetvalue(s->res, s->rows - 1, 0), NULL, 10);
		s->rows = 0;
	}
	return 0;
}

static int pg_step(struct db_stmt *st)
{
	struct pg_stmt *s = ST(st);
	if (s->noop)
		return 0;
	if (!s->res) {
		int rc = execute(s);
		if (rc < 0)
			return rc;
	}
	PQfreemem(s->blob);
	s->blob = NULL;
	if (s->row + 1 >= s->rows)
		return 0;
	s->row++;
	return 1;
}

static int64_t pg_col_int(struct db_stmt *st, int col)
{
	struct pg_stmt *s = ST(st);
	if (PQgetisnull(s->res, s->row, col))
		return 0;
	const char *v = PQgetvalue(s->res, s->row, col);
	switch (PQftype(s->res, col)) {
	case OID_BOOL:
		return v[0] == 't';
	case OID_FLOAT4:
	case OID_FLOAT8:
	case OID_NUMERIC:
		return (int64_t)strtod(v, NULL);
	default:
		return strtoll(v, NULL, 10);
	}
}

static const char *pg_col_text(struct db_stmt *st, int col)
{
	struct pg_stmt *s = ST(st);
	return PQgetvalue(s->res, s->row, col); /* "" for NULL */
}

static const void *pg_col_blob(struct db_stmt *st, int col)
{
	struct pg_stmt *s = ST(st);
	if (PQgetisnull(s->res, s->row, col))
		return NULL;
	if (PQftype(s->res, col) != OID_BYTEA) {
		s->blob_len = (size_t)PQgetlength(s->res, s->row, col);
		return PQgetvalue(s->res, s->row, col);
	}
	PQfreemem(s->blob);
	s->blob = PQunescapeBytea((const unsigned char *)PQgetvalue(s->res, s->row, col), &s->blob_len);
	return s->blob;
}

static size_t pg_col_len(struct db_stmt *st, int col)
{
	struct pg_stmt *s = ST(st);
	if (PQgetisnull(s->res, s->row, col))
		return 0;
	if (PQftype(s->res, col) == OID_BYTEA) {
		/* Text form "\x0a1b…": two digits a byte. */
		int n = PQgetlength(s->res, s->row, col);
		return n >= 2 ? (size_t)(n - 2) / 2 : 0;
	}
	return (size_t)PQgetlength(s->res, s->row, col);
}

static int pg_col_null(struct db_stmt *st, int col)
{
	struct pg_stmt *s = ST(st);
	return PQgetisnull(s->res, s->row, col);
}

static void pg_reset(struct db_stmt *st)
{
	stmt_clear(ST(st));
}

static int64_t pg_last_id(struct db *db)
{
	return PG(db)->last_id;
}

static int pg_changes(struct db *db)
{
	return PG(db)->changes;
}

static const char *pg_errmsg(struct db *db)
{
	return PG(db)->error[0] ? PG(db)->error : PQerrorMessage(PG(db)->conn);
}

static int pg_exec_script(struct db *db, const char *sql, struct buf *err)
{
	PGresult *r = PQexec(PG(db)->conn, sql);
	ExecStatusType st = PQresultStatus(r);
	int rc = 0;
	/* An empty script (a migration for SQLite only) has nothing to do. */
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
		rc = fail_result(db, r);
		buf_puts(err, PG(db)->error);
	}
	PQclear(r);
	return rc;
}

static int pg_begin(struct db *db)
{
	struct buf err = BUF_INIT;
	int rc = pg_exec_script(db, "BEGIN; " WRITE_LOCK, &err);
	/* A connection lost since its last use (the server restarted): BEGIN
	 * did nothing yet, so it is safe to open a new one and start again. */
	if (rc < 0 && PQstatus(PG(db)->conn) != CONNECTION_OK && reconnect(PG(db)) == 0) {
		db->stale = 0;
		db->last_error = 0;
		buf_reset(&err);
		rc = pg_exec_script(db, "BEGIN; " WRITE_LOCK, &err);
	}
	if (rc < 0) {
		log_error("BEGIN: %s", buf_cstr(&err));
		if (PQtransactionStatus(PG(db)->conn) == PQTRANS_INERROR)
			pg_exec_script(db, "ROLLBACK", &err);
	}
	buf_free(&err);
	return rc;
}

static int pg_in_tx(struct db *db)
{
	PGTransactionStatusType t = PQtransactionStatus(PG(db)->conn);
	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

/* PostgreSQL checks its pages itself (checksums, amcheck); here the check
 * is that the server answers and the schema is readable. */
static int pg_integrity_check(struct db *db, struct buf *err)
{
	PGresult *r = PQexec(PG(db)->conn, "SELECT count(*) FROM schema_version");
	int ok = PQresultStatus(r) == PGRES_TUPLES_OK;
	if (!ok)
		buf_appendf(err, "%s", PQresultErrorMessage(r));
	PQclear(r);
	return ok ? 0 : -1;
}

static int pg_checkpoint(struct db *db)
{
	return 0; /* the server's own job */
}

static int pg_schema_version(struct db *db)
{
	PGresult *r = PQexec(PG(db)->conn, "SELECT to_regclass('schema_version') IS NOT NULL");
	int exists = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	if (!exists)
		return 0; /* an empty database */
	r = PQexec(PG(db)->conn, "SELECT max(version) FROM schema_version");
	int v = 0;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		v = (int)strtol(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return v;
}

/* An idle connection has nothing to read: a server that shut down sent
 * it a last error and closed it. Anything readable means open a new one
 * (without a round trip to find out). */
static int pg_alive(struct db *db)
{
	PGconn *c = PG(db)->conn;
	struct pollfd p = {.fd = PQsocket(c), .events = POLLIN};
	return PQstatus(c) == CONNECTION_OK && p.fd >= 0 && poll(&p, 1, 0) == 0;
}

/* Opens the connection again, its prepared statements gone with it. */
static int reconnect(struct pg_db *p)
{
	for (int i = 0; i < STMT_CACHE; i++)
		if (p->cache[i].base.sql) {
			stmt_clear(&p->cache[i]);
			p->cache[i].base.sql = NULL;
		}
	PQreset(p->conn);
	return PQstatus(p->conn) == CONNECTION_OK ? 0 : -1;
}

PGconn *db_pg_conn(struct db *db)
{
	return db->ops == &db_pg_ops ? PG(db)->conn : NULL;
}

const struct db_ops db_pg_ops = {
	.dialect = DB_POSTGRES,
	.open = pg_open,
	.close = pg_close,
	.prepare = pg_prepare,
	.bind_text = pg_bind_text,
	.bind_int = pg_bind_int,
	.bind_blob = pg_bind_blob,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.col_int = pg_col_int,
	.col_text = pg_col_text,
	.col_blob = pg_col_blob,
	.col_len = pg_col_len,
	.col_null = pg_col_null,
	.reset = pg_reset,
	.last_id = pg_last_id,
	.changes = pg_changes,
	.errmsg = pg_errmsg,
	.exec_script = pg_exec_script,
	.begin = pg_begin,
	.in_tx = pg_in_tx,
	.integrity_check = pg_integrity_check,
	.checkpoint = pg_checkpoint,
	.schema_version = pg_schema_version,
	.alive = pg_alive,
	.thread_setup = NULL,
};
