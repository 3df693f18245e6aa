#include "domain/audit.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "db/queries.h"

#include <stdio.h>
#include <string.h>

/* The chain starts from a fixed value so that deleting the first rows is
 * detected too. */
static const char GENESIS[] = "lien-audit-genesis";

struct audit_row {
	int64_t id, at, user_id, structure_id, object_id;
	const char *action, *object_type, *ip, *detail, *prev_hash;
};

/* Fields are length-prefixed: no separator inside a field can make two
 * different rows hash alike. The hash is keyed with the key file (HMAC):
 * someone who can write to the database but has not the key cannot
 * rewrite a row and recompute the chain after it. */
static int row_hash(const struct audit_row *r, char out[65])
{
	struct buf b = BUF_INIT;
	int rc = buf_appendf(&b, "row|%lld|%lld|%lld|%lld|%lld|", (long long)r->id, (long long)r->at,
			     (long long)r->user_id, (long long)r->structure_id, (long long)r->object_id);
	const char *fields[] = {r->action, r->object_type, r->ip, r->detail, r->prev_hash};
	for (size_t i = 0; rc == 0 && i < sizeof fields / sizeof fields[0]; i++) {
		const char *f = fields[i] ? fields[i] : "";
		rc = buf_appendf(&b, "%zu:", strlen(f));
		if (rc == 0)
			rc = buf_puts(&b, f);
	}
	if (rc == 0)
		hmac_sha256_hex(domain_key(), b.data, b.len, out);
	buf_free(&b);
	return rc;
}

/* The seal on the last row: without it, deleting the newest rows would
 * leave a chain that still verifies. */
static void head_mac(int64_t last_id, const char *last_hash, char out[65])
{
	char msg[128];
	int n = snprintf(msg, sizeof msg, "head|%lld|%s", (long long)last_id, last_hash);
	hmac_sha256_hex(domain_key(), msg, (size_t)n, out);
}

int audit_log(struct db *db, const struct actor *who, const char *action,
	      const char *object_type, int64_t object_id, const char *detail)
{
	int own_tx = !db_in_tx(db);
	if (own_tx && db_begin(db) < 0)
		return db_last_error(db);
	char prev[65];
	cstr_copy(prev, sizeof prev, GENESIS);
	int64_t last_id = 0;
	struct db_stmt *st = db_query(db, SQL_AUDIT_LAST_HASH, "");
	int rc = st ? db_step(st) : DB_ERR;
	if (rc == 1) {
		last_id = db_col_int(st, 0);
		cstr_copy(prev, sizeof prev, db_col_text(st, 1));
	}
	db_done(st);
	if (rc < 0)
		goto out;
	struct audit_row r = {
		.id = last_id + 1,
		.at = clock_now(),
		.user_id = who ? who->user_id : 0,
		.structure_id = who ? who->structure_id : 0,
		.object_id = object_id,
		.action = action,
		.object_type = object_type ? object_type : "",
		.ip = who && who->ip ? who->ip : "",
		.detail = detail ? detail : "",
		.prev_hash = prev,
	};
	char hash[65];
	if (row_hash(&r, hash) < 0) {
		rc = DB_ERR;
		goto out;
	}
	rc = db_exec(db, SQL_AUDIT_ADD, "iiiississss", r.id, r.at, r.user_id, r.structure_id,
		     r.action, r.object_type, r.object_id, r.ip, r.detail, r.prev_hash, hash);
	if (rc == 0) {
		char mac[65];
		head_mac(r.id, hash, mac);
		rc = db_exec(db, SQL_AUDIT_HEAD_SET, "iss", r.id, hash, mac);
	}
out:
	if (own_tx) {
		if (rc < 0)
			db_rollback(db);
		else
			rc = db_commit(db);
	}
	return rc < 0 ? rc : 0;
}

static int verify_head(struct db *db, int64_t last_id, const char *last_hash, struct buf *err)
{
	struct db_stmt *st = db_query(db, SQL_AUDIT_HEAD_GET, "");
	int rc = st ? db_step(st) : DB_ERR;
	int result = 0;
	if (rc == 0 && last_id > 0) {
		buf_puts(err, "le sceau de fin de journal a disparu");
		result = -1;
	} else if (rc == 1) {
		char mac[65];
		int64_t head_id = db_col_int(st, 0);
		head_mac(head_id, db_col_text(st, 1), mac);
		if (strcmp(mac, db_col_text(st, 2)) != 0) {
			buf_puts(err, "le sceau de fin de journal est invalide (modifié, ou autre fichier clé)");
			result = -1;
		} else if (head_id != last_id || strcmp(db_col_text(st, 1), last_hash) != 0) {
			buf_appendf(err, "les dernières lignes ont été supprimées (le journal s'arrête à la ligne %lld, "
					 "le sceau indique %lld)", (long long)last_id, (long long)head_id);
			result = -1;
		}
	} else if (rc < 0) {
		buf_appendf(err, "lecture du sceau impossible : %s", db_errmsg(db));
		result = -1;
	}
	db_done(st);
	return result;
}

int audit_verify(struct db *db, int64_t *rows, struct buf *err)
{
	char prev[65];
	cstr_copy(prev, sizeof prev, GENESIS);
	int64_t expect_id = 1, n = 0;
	struct db_stmt *st = db_query(db, SQL_AUDIT_ALL, "");
	if (!st) {
		buf_appendf(err, "lecture du journal d'audit impossible : %s", db_errmsg(db));
		return -1;
	}
	int rc, result = 0;
	while ((rc = db_step(st)) == 1) {
		struct audit_row r = {
			.id = db_col_int(st, 0),
			.at = db_col_int(st, 1),
			.user_id = db_col_int(st, 2),
			.structure_id = db_col_int(st, 3),
			.action = db_col_text(st, 4),
			.object_type = db_col_text(st, 5),
			.object_id = db_col_int(st, 6),
			.ip = db_col_text(st, 7),
			.detail = db_col_text(st, 8),
			.prev_hash = db_col_text(st, 9),
		};
		char hash[65];
		if (r.id != expect_id) {
			buf_appendf(err, "ligne %lld manquante (suppression détectée avant la ligne %lld)",
				    (long long)expect_id, (long long)r.id);
			result = -1;
			break;
		}
		if (strcmp(r.prev_hash, prev) != 0) {
			buf_appendf(err, "ligne %lld : chaînage rompu (ligne précédente modifiée ou supprimée)", (long long)r.id);
			result = -1;
			break;
		}
		row_hash(&r, hash);
		if (strcmp(hash, db_col_text(st, 10)) != 0) {
			buf_appendf(err, "ligne %lld : contenu modifié (empreinte invalide)", (long long)r.id);
			result = -1;
			break;
		}
		cstr_copy(prev, sizeof prev, hash);
		expect_id++;
		n++;
	}
	db_done(st);
	if (rc < 0 && result == 0) {
		buf_appendf(err, "lecture du journal d'audit interrompue : %s", db_errmsg(db));
		result = -1;
	}
	if (result == 0)
		result = verify_head(db, expect_id - 1, prev, err);
	*rows = n;
	return result;
}

static int list_entries(struct db_stmt *st, void (*fn)(void *arg, const struct audit_entry *e), void *arg)
{
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == 1) {
		struct audit_entry e = {
			.at = db_col_int(st, 0),
			.who = db_col_text(st, 1),
			.action = db_col_text(st, 2),
			.ip = db_col_text(st, 3),
			.detail = db_col_text(st, 4),
		};
		fn(arg, &e);
	}
	db_done(st);
	return rc;
}

int audit_recent(struct db *db, int64_t structure_id, int limit,
		 void (*fn)(void *arg, const struct audit_entry *e), void *arg)
{
	return list_entries(db_query(db, SQL_AUDIT_RECENT, "id", structure_id, limit), fn, arg);
}

int audit_for_object(struct db *db, int64_t structure_id, const char *object_type, int64_t object_id, int limit,
		     void (*fn)(void *arg, const struct audit_entry *e), void *arg)
{
	return list_entries(db_query(db, SQL_AUDIT_FOR_OBJECT, "siid", object_type, object_id, structure_id, limit), fn, arg);
}
