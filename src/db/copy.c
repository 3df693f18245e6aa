/*
 * lien migrate-db: SQLite file → empty PostgreSQL database.
 *
 * The only SQL here built at run time: a generic copy names tables and
 * columns read from the source's own schema (quoted), never values. Rows go
 * through PostgreSQL's COPY in its text format; each table is then read
 * back from both sides in primary-key order and rendered the same way, so
 * that equal checksums mean equal rows.
 */
#include "db/copy.h"
#include "db/backend.h"
#include "core/log.h"

#include <libpq-fe.h>
#include <math.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { COLS_MAX = 128 };

struct table {
	char name[64];
	int ncols;
	char cols[COLS_MAX][64];
	int real[COLS_MAX];      /* a floating-point column: rendered with %.17g on both sides */
	char order[2048];        /* the ORDER BY list */
};

/* COPY's text format: backslash escapes, \N for NULL. */
static int put_text(struct buf *b, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *e = NULL;
		switch (s[i]) {
		case '\\': e = "\\\\"; break;
		case '\b': e = "\\b"; break;
		case '\f': e = "\\f"; break;
		case '\n': e = "\\n"; break;
		case '\r': e = "\\r"; break;
		case '\t': e = "\\t"; break;
		case '\v': e = "\\v"; break;
		default: break;
		}
		if (e ? buf_puts(b, e) < 0 : buf_putc(b, (char)s[i]) < 0)
			return -1;
	}
	return 0;
}

static int put_real(struct buf *b, double v)
{
	if (isnan(v))
		return buf_puts(b, "NaN");
	if (isinf(v))
		return buf_puts(b, v > 0 ? "Infinity" : "-Infinity");
	return buf_appendf(b, "%.17g", v);
}

/* One source row as a COPY line (without its newline). */
static int source_line(sqlite3_stmt *st, const struct table *t, struct buf *b)
{
	for (int c = 0; c < t->ncols; c++) {
		if (c && buf_putc(b, '\t') < 0)
			return -1;
		int rc = 0;
		switch (sqlite3_column_type(st, c)) {
		case SQLITE_NULL:
			rc = buf_puts(b, "\\N");
			break;
		case SQLITE_INTEGER:
			if (t->real[c])
				rc = put_real(b, (double)sqlite3_column_int64(st, c));
			else
				rc = buf_appendf(b, "%lld", (long long)sqlite3_column_int64(st, c));
			break;
		case SQLITE_FLOAT:
			rc = put_real(b, sqlite3_column_double(st, c));
			break;
		case SQLITE_BLOB: {
			const unsigned char *p = sqlite3_column_blob(st, c);
			int n = sqlite3_column_bytes(st, c);
			rc = buf_puts(b, "\\\\x");
			for (int i = 0; i < n && rc == 0; i++)
				rc = buf_appendf(b, "%02x", p[i]);
			break;
		}
		default:
			rc = put_text(b, sqlite3_column_text(st, c), (size_t)sqlite3_column_bytes(st, c));
			break;
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* A target line as PostgreSQL wrote it, with floating-point fields
 * rendered as the source's are. */
static int target_line(const char *line, size_t n, const struct table *t, struct buf *b)
{
	int c = 0;
	for (size_t i = 0; i <= n; c++) {
		size_t end = i;
		while (end < n && line[end] != '\t')
			end++;
		if (c && buf_putc(b, '\t') < 0)
			return -1;
		int rc;
		if (c < t->ncols && t->real[c] && !(end - i == 2 && line[i] == '\\' && line[i + 1] == 'N')) {
			char num[64];
			snprintf(num, sizeof num, "%.*s", (int)(end - i), line + i);
			rc = put_real(b, strtod(num, NULL));
		} else {
			rc = buf_append(b, line + i, end - i);
		}
		if (rc < 0)
			return -1;
		i = end + 1;
	}
	return 0;
}

/* Names put into the SQL text come from the source's own schema; only
 * Lien's kind of names are accepted (lowercase letters, digits, '_'), so
 * that quoting them is enough. */
static int plain_name(const char *s)
{
	if (!*s || strlen(s) > 60)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

static void hex_digest(crypto_hash_sha256_state *h, char out[65])
{
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(h, d);
	sodium_bin2hex(out, 65, d, sizeof d);
}

/* The tables to copy, in creation order (referenced tables first):
 * not SQLite's own, not the full-text tables (PostgreSQL indexes the rows
 * themselves), not schema_version (the target's migrations write it). */
static int source_tables(sqlite3 *src, struct table **out, int *count, struct buf *err)
{
	sqlite3_stmt *st;
	const char *q = "SELECT name FROM sqlite_master m WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
			"AND name <> 'schema_version' AND NOT EXISTS (SELECT 1 FROM sqlite_master v WHERE "
			"v.type = 'table' AND v.sql LIKE 'CREATE VIRTUAL TABLE%' AND (m.name = v.name OR "
			"substr(m.name, 1, length(v.name) + 1) = v.name || '_')) ORDER BY rowid";
	if (sqlite3_prepare_v2(src, q, -1, &st, NULL) != SQLITE_OK) {
		buf_appendf(err, "lecture du schéma de la source impossible : %s", sqlite3_errmsg(src));
		return -1;
	}
	int n = 0, cap = 0;
	struct table *t = NULL;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			struct table *nt = realloc(t, (size_t)cap * sizeof *t);
			if (!nt) {
				free(t);
				sqlite3_finalize(st);
				buf_puts(err, "mémoire insuffisante");
				return -1;
			}
			t = nt;
		}
		memset(&t[n], 0, sizeof t[n]);
		const char *name = (const char *)sqlite3_column_text(st, 0);
		if (!plain_name(name)) {
			buf_appendf(err, "table au nom inattendu dans la source : %.60s", name);
			free(t);
			sqlite3_finalize(st);
			return -1;
		}
		snprintf(t[n].name, sizeof t[n].name, "%s", name);
		n++;
	}
	sqlite3_finalize(st);
	for (int i = 0; i < n; i++) {
		if (sqlite3_prepare_v2(src, "SELECT name, type, pk FROM pragma_table_info(?1)", -1, &st, NULL) != SQLITE_OK ||
		    sqlite3_bind_text(st, 1, t[i].name, -1, SQLITE_STATIC) != SQLITE_OK) {
			sqlite3_finalize(st);
			continue;
		}
		int pk[COLS_MAX] = {0}, npk = 0;
		while (sqlite3_step(st) == SQLITE_ROW && t[i].ncols < COLS_MAX) {
			int c = t[i].ncols++;
			const char *col = (const char *)sqlite3_column_text(st, 0);
			if (!plain_name(col)) {
				buf_appendf(err, "colonne au nom inattendu dans la table %s : %.60s", t[i].name, col);
				sqlite3_finalize(st);
				free(t);
				return -1;
			}
			snprintf(t[i].cols[c], sizeof t[i].cols[c], "%s", col);
			const char *type = (const char *)sqlite3_column_text(st, 1);
			t[i].real[c] = type && (strstr(type, "REAL") || strstr(type, "DOUBLE") || strstr(type, "FLOAT"));
			int p = sqlite3_column_int(st, 2);
			if (p > 0 && p <= COLS_MAX) {
				pk[p - 1] = c + 1;
				npk = p > npk ? p : npk;
			}
		}
		sqlite3_finalize(st);
		/* Primary-key order, or every column when there is no key. */
		struct buf o = BUF_INIT;
		for (int k = 0; k < (npk ? npk : t[i].ncols); k++)
			buf_appendf(&o, "%s\"%s\"", k ? ", " : "", t[i].cols[npk ? pk[k] - 1 : k]);
		snprintf(t[i].order, sizeof t[i].order, "%s", buf_cstr(&o));
		buf_free(&o);
	}
	*out = t;
	*count = n;
	return 0;
}

static void column_list(const struct table *t, struct buf *b)
{
	for (int c = 0; c < t->ncols; c++)
		buf_appendf(b, "%s\"%s\"", c ? ", " : "", t->cols[c]);
}

static int pg_ok(PGconn *pg, const char *sql, ExecStatusType want, struct buf *err)
{
	PGresult *r = PQexec(pg, sql);
	int ok = PQresultStatus(r) == want;
	if (!ok)
		buf_appendf(err, "%s", PQresultErrorMessage(r));
	PQclear(r);
	return ok ? 0 : -1;
}

/* The end of a COPY: its results read (the first failure kept in err
 * after what, e.g. "table persons : …"). rc, or -1 when COPY failed. */
static int copy_end(PGconn *pg, int rc, const char *what, const char *table, struct buf *err)
{
	PGresult *r;
	while ((r = PQgetResult(pg))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && rc == 0) {
			buf_appendf(err, "%s %s : %s", what, table, PQresultErrorMessage(r));
			rc = -1;
		}
		PQclear(r);
	}
	return rc;
}

/* Copies one table; its checksum as sent goes into sum. */
static int copy_table(sqlite3 *src, PGconn *pg, const struct table *t, int64_t *rows, char sum[65], struct buf *err)
{
	struct buf q = BUF_INIT, line = BUF_INIT;
	crypto_hash_sha256_state h;
	crypto_hash_sha256_init(&h);
	*rows = 0;
	int rc = 0;
	sqlite3_stmt *st = NULL;
	buf_puts(&q, "SELECT ");
	column_list(t, &q);
	buf_appendf(&q, " FROM \"%s\" ORDER BY %s", t->name, t->order);
	if (sqlite3_prepare_v2(src, buf_cstr(&q), -1, &st, NULL) != SQLITE_OK) {
		buf_appendf(err, "lecture de %s impossible : %s", t->name, sqlite3_errmsg(src));
		rc = -1;
	}
	if (rc == 0) {
		buf_reset(&q);
		buf_appendf(&q, "COPY \"%s\" (", t->name);
		column_list(t, &q);
		buf_puts(&q, ") FROM STDIN");
		rc = pg_ok(pg, buf_cstr(&q), PGRES_COPY_IN, err);
	}
	int copying = rc == 0;
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		buf_reset(&line);
		if (source_line(st, t, &line) < 0) {
			buf_puts(err, "mémoire insuffisante");
			rc = -1;
			break;
		}
		crypto_hash_sha256_update(&h, (const unsigned char *)line.data, line.len);
		crypto_hash_sha256_update(&h, (const unsigned char *)"\n", 1);
		buf_putc(&line, '\n');
		if (PQputCopyData(pg, line.data, (int)line.len) != 1) {
			buf_appendf(err, "%s", PQerrorMessage(pg));
			rc = -1;
		}
		(*rows)++;
	}
	sqlite3_finalize(st);
	if (copying) {
		if (PQputCopyEnd(pg, rc == 0 ? NULL : "copie interrompue") != 1 && rc == 0) {
			buf_appendf(err, "%s", PQerrorMessage(pg));
			rc = -1;
		}
		rc = copy_end(pg, rc, "table", t->name, err);
	}
	hex_digest(&h, sum);
	buf_free(&q);
	buf_free(&line);
	return rc;
}

/* Reads a table back from PostgreSQL: its rows and checksum. */
static int target_sum(PGconn *pg, const struct table *t, int64_t *rows, char sum[65], struct buf *err)
{
	struct buf q = BUF_INIT, line = BUF_INIT;
	buf_puts(&q, "COPY (SELECT ");
	column_list(t, &q);
	buf_appendf(&q, " FROM \"%s\" ORDER BY ", t->name);
	/* SQLite puts NULLs first. */
	for (const char *p = t->order; *p;) {
		size_t n = strcspn(p, ",");
		buf_appendf(&q, "%.*s NULLS FIRST", (int)n, p);
		p += n;
		if (*p) {
			buf_putc(&q, ',');
			p++;
		}
	}
	buf_puts(&q, ") TO STDOUT");
	int rc = pg_ok(pg, buf_cstr(&q), PGRES_COPY_OUT, err);
	crypto_hash_sha256_state h;
	crypto_hash_sha256_init(&h);
	*rows = 0;
	char *data;
	int n;
	while (rc == 0 && (n = PQgetCopyData(pg, &data, 0)) > 0) {
		buf_reset(&line);
		size_t len = (size_t)n;
		if (len && data[len - 1] == '\n')
			len--;
		if (target_line(data, len, t, &line) < 0)
			rc = -1;
		crypto_hash_sha256_update(&h, (const unsigned char *)line.data, line.len);
		crypto_hash_sha256_update(&h, (const unsigned char *)"\n", 1);
		PQfreemem(data);
		(*rows)++;
	}
	rc = copy_end(pg, rc, "relecture de", t->name, err);
	hex_digest(&h, sum);
	buf_free(&q);
	buf_free(&line);
	return rc;
}

static int target_is_empty(PGconn *pg, struct buf *err)
{
	PGresult *r = PQexec(pg, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()");
	int ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
	int empty = ok && strcmp(PQgetvalue(r, 0, 0), "0") == 0;
	if (!ok)
		buf_appendf(err, "%s", PQresultErrorMessage(r));
	else if (!empty)
		buf_puts(err, "la base PostgreSQL cible n'est pas vide : la copie n'écrit que dans une base neuve "
			      "(createdb --template=template0 --locale=C.UTF-8 NOM)");
	PQclear(r);
	return empty ? 0 : -1;
}

/* Rows the migrations wrote (a calendar) are the source's own too: the
 * source's copy replaces them. Run with the triggers off (replica). */
static const char SQL_PG_EMPTY_TABLES[] =
	"DO $$ DECLARE r record; BEGIN FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
	"AND tablename <> 'schema_version' LOOP EXECUTE format('DELETE FROM %I', r.tablename); END LOOP; END $$";
/* Each identity key's sequence past the ids copied. */
static const char SQL_PG_MOVE_SEQUENCES[] =
	"DO $$ DECLARE r record; BEGIN FOR r IN SELECT table_name, column_name FROM information_schema.columns "
	"WHERE table_schema = current_schema() AND is_identity = 'YES' LOOP "
	"EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, %L), max(%I)) FROM %I', "
	"r.table_name, r.column_name, r.column_name, r.table_name); END LOOP; END $$";

int db_copy_to_postgres(const char *from, const char *to, db_copy_fn fn, void *arg, struct buf *err)
{
	if (!db_url_is_postgres(to)) {
		buf_appendf(err, "la cible doit être une base PostgreSQL (postgres://…), pas %s", to);
		return -1;
	}
	struct db *src = db_open(from, DB_OPEN_READONLY, err);
	if (!src)
		return -1;
	if (db_schema_version(src) != db_schema_latest()) {
		buf_appendf(err, "la base %s est au schéma %d et ce programme au %d : lancez d'abord « lien migrate --db %s »",
			    from, db_schema_version(src), db_schema_latest(), from);
		db_close(src);
		return -1;
	}
	struct db *dst = db_open(to, 0, err);
	if (!dst) {
		db_close(src);
		return -1;
	}
	sqlite3 *s = db_sqlite_handle(src);
	PGconn *pg = db_pg_conn(dst);
	struct table *tables = NULL;
	int ntables = 0, rc = target_is_empty(pg, err);
	/* One snapshot of the source, one transaction on the target. */
	if (rc == 0)
		rc = sqlite3_exec(s, "BEGIN", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
	if (rc == 0)
		rc = source_tables(s, &tables, &ntables, err);
	if (rc == 0 && db_begin(dst) < 0) {
		buf_appendf(err, "%s", db_errmsg(dst));
		rc = -1;
	}
	if (rc == 0 && db_migrate(dst, err) < 0)
		rc = -1;
	/* The copied rows come with their derived rows (aggregates): the
	 * triggers that would count them again must not fire. */
	if (rc == 0 && pg_ok(pg, "SET LOCAL session_replication_role = replica", PGRES_COMMAND_OK, err) < 0) {
		buf_puts(err, " (la copie doit se connecter à PostgreSQL en superutilisateur)");
		rc = -1;
	}
	if (rc == 0)
		rc = pg_ok(pg, SQL_PG_EMPTY_TABLES, PGRES_COMMAND_OK, err);
	for (int i = 0; rc == 0 && i < ntables; i++) {
		int64_t sent = 0, back = 0;
		char sum_sent[65], sum_back[65];
		rc = copy_table(s, pg, &tables[i], &sent, sum_sent, err);
		if (rc == 0)
			rc = target_sum(pg, &tables[i], &back, sum_back, err);
		if (rc == 0 && (sent != back || strcmp(sum_sent, sum_back) != 0)) {
			buf_appendf(err, "table %s : %lld lignes envoyées, %lld relues, empreintes %s et %s : copie annulée",
				    tables[i].name, (long long)sent, (long long)back, sum_sent, sum_back);
			rc = -1;
		}
		if (rc == 0 && fn)
			fn(tables[i].name, sent, sum_sent, arg);
	}
	if (rc == 0)
		rc = pg_ok(pg, SQL_PG_MOVE_SEQUENCES, PGRES_COMMAND_OK, err);
	if (rc == 0 && db_commit(dst) < 0) {
		buf_appendf(err, "%s", db_errmsg(dst));
		rc = -1;
	} else if (rc < 0) {
		db_rollback(dst);
	}
	sqlite3_exec(s, "COMMIT", NULL, NULL, NULL);
	free(tables);
	db_close(dst);
	db_close(src);
	return rc;
}
