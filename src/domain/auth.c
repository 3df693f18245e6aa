#include "domain/auth.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/totp.h"
#include "db/queries.h"
#include "domain/audit.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

struct auth_policy auth_policy = {
	.free_failures = 5,
	.lockout_failures = 10,
	.ip_free_failures = 20,
	.ip_lockout_failures = 100,
	.delay_base_s = 1,
	.lockout_s = 900,
	.idle_timeout_s = 1800,
	.absolute_timeout_s = 12 * 3600,
};

/* A hash computed once, so that an unknown login costs as much as a known
 * one and response times do not tell which accounts exist. */
static char dummy_hash[PASSWORD_HASH_LEN];

struct throttle {
	int64_t failures, last_failure, locked_until;
};

static void throttle_get(struct db *db, const char *key, struct throttle *t)
{
	memset(t, 0, sizeof *t);
	struct db_stmt *st = db_query(db, SQL_THROTTLE_GET, "s", key);
	if (st && db_step(st) == 1) {
		t->failures = db_col_int(st, 0);
		t->last_failure = db_col_int(st, 1);
		t->locked_until = db_col_int(st, 2);
	}
	db_done(st);
	/* An old streak is forgotten. */
	if (t->failures && clock_now() - t->last_failure > auth_policy.lockout_s && t->locked_until < clock_now())
		memset(t, 0, sizeof *t);
}

/* Records one more failure and returns the new wait, 0 if none. */
static int64_t throttle_fail(struct db *db, const char *key, struct throttle *t, int free_n, int lock_n)
{
	int64_t now = clock_now();
	t->failures++;
	t->last_failure = now;
	if (t->failures >= lock_n) {
		t->locked_until = now + auth_policy.lockout_s;
	} else if (t->failures >= free_n) {
		int64_t d = (int64_t)auth_policy.delay_base_s << (t->failures - free_n < 6 ? t->failures - free_n : 6);
		t->locked_until = now + (d > 60 ? 60 : d);
	}
	db_exec(db, SQL_THROTTLE_SET, "siii", key, t->failures, t->last_failure, t->locked_until);
	return t->locked_until > now ? t->locked_until - now : 0;
}

static void throttle_key(char *out, size_t n, const char *prefix, const char *v)
{
	snprintf(out, n, "%s:", prefix);
	size_t len = strlen(out);
	for (size_t i = 0; v[i] && len + 1 < n; i++)
		out[len++] = (char)tolower((unsigned char)v[i]);
	out[len] = '\0';
}

enum login_result auth_login(struct db *db, const char *login, const char *password, const char *ip,
			     struct user *u, int *wait_s)
{
	struct actor sys = {.ip = ip};
	char akey[96], ikey[80];
	throttle_key(akey, sizeof akey, "login", login ? login : "");
	throttle_key(ikey, sizeof ikey, "ip", ip ? ip : "");
	*wait_s = 0;
	if (!login || !password || strlen(login) > 60 || strlen(password) > 1024)
		return LOGIN_BAD;
	if (!dummy_hash[0])
		password_hash("lien-dummy-password-for-timing", dummy_hash);

	if (db_begin(db) < 0)
		return LOGIN_ERROR;
	struct throttle ta, ti;
	throttle_get(db, akey, &ta);
	throttle_get(db, ikey, &ti);
	int64_t now = clock_now();
	int64_t wait = ta.locked_until > ti.locked_until ? ta.locked_until : ti.locked_until;
	if (wait > now) {
		/* Hammering during a delay counts: it leads to the lockout sooner. */
		int64_t wa = throttle_fail(db, akey, &ta, auth_policy.free_failures, auth_policy.lockout_failures);
		int64_t wi = throttle_fail(db, ikey, &ti, auth_policy.ip_free_failures, auth_policy.ip_lockout_failures);
		int64_t w = wa > wi ? wa : wi;
		int locked = ta.failures >= auth_policy.lockout_failures || ti.failures >= auth_policy.ip_lockout_failures;
		audit_log(db, &sys, locked ? "login.locked" : "login.throttled", "login", 0, login);
		db_commit(db);
		*wait_s = (int)w;
		return locked ? LOGIN_LOCKED : LOGIN_THROTTLED;
	}
	db_commit(db);

	/* The slow hash runs outside any transaction: it must not hold the write lock. */
	int found = user_get_by_login(db, login, u) == 1;
	int ok = password_verify(found ? u->password_hash : dummy_hash, password) && found && !u->disabled;

	if (db_begin(db) < 0)
		return LOGIN_ERROR;
	if (ok) {
		db_exec(db, SQL_THROTTLE_CLEAR, "s", akey);
		db_exec(db, SQL_USER_SET_LOGIN_AT, "ii", u->id, now);
		struct actor who = {.user_id = u->id, .structure_id = u->structure_id, .role = u->role, .ip = ip};
		audit_log(db, &who, "login.password_ok", "user", u->id, NULL);
		return db_commit(db) < 0 ? LOGIN_ERROR : LOGIN_OK;
	}
	throttle_get(db, akey, &ta);
	throttle_get(db, ikey, &ti);
	int64_t wa = throttle_fail(db, akey, &ta, auth_policy.free_failures, auth_policy.lockout_failures);
	int64_t wi = throttle_fail(db, ikey, &ti, auth_policy.ip_free_failures, auth_policy.ip_lockout_failures);
	struct actor who = {.user_id = found ? u->id : 0, .structure_id = found ? u->structure_id : 0, .ip = ip};
	audit_log(db, &who, found && u->disabled ? "login.disabled" : "login.failed", "login", 0, login);
	if (db_commit(db) < 0)
		return LOGIN_ERROR;
	(void)wa;
	(void)wi;
	return LOGIN_BAD;
}

int session_create(struct db *db, const struct user *u, int stage, const char *ip, char token[48], struct session *s)
{
	char hash[TOKEN_HASH_LEN + 1];
	token_new(token);
	token_hash(token, strlen(token), hash);
	memset(s, 0, sizeof *s);
	token_new(s->csrf);
	s->stage = stage;
	s->created_at = s->last_seen = clock_now();
	s->user = *u;
	int rc = db_exec(db, SQL_SESSION_ADD, "siIsdis", hash, u->id, u->structure_id, s->csrf, stage,
			 s->created_at, ip ? ip : "");
	if (rc < 0)
		return rc;
	s->id = db_last_id(db);
	return 0;
}

enum session_state session_lookup(struct db *db, const char *token, struct session *s)
{
	if (!token || strlen(token) != TOKEN_LEN)
		return SESSION_NONE;
	char hash[TOKEN_HASH_LEN + 1];
	token_hash(token, TOKEN_LEN, hash);
	struct db_stmt *st = db_query(db, SQL_SESSION_LOOKUP, "s", hash);
	int rc = st ? db_step(st) : DB_ERR;
	if (rc != 1) {
		db_done(st);
		return rc < 0 ? SESSION_UNAVAILABLE : SESSION_NONE;
	}
	memset(s, 0, sizeof *s);
	s->id = db_col_int(st, 0);
	cstr_copy(s->csrf, sizeof s->csrf, db_col_text(st, 1));
	s->stage = (int)db_col_int(st, 2);
	s->created_at = db_col_int(st, 3);
	s->last_seen = db_col_int(st, 4);
	user_from_row(st, 5, &s->user);
	db_done(st);
	int64_t now = clock_now();
	if (s->user.disabled || now - s->last_seen > auth_policy.idle_timeout_s ||
	    now - s->created_at > auth_policy.absolute_timeout_s) {
		db_exec(db, SQL_SESSION_DELETE, "i", s->id);
		return SESSION_EXPIRED;
	}
	/* Writing on every request would cost a synchronous commit each time:
	 * a minute of precision is enough for a 30-minute timeout. */
	if (now - s->last_seen >= 60) {
		db_exec(db, SQL_SESSION_TOUCH, "ii", s->id, now);
		s->last_seen = now;
	}
	return SESSION_VALID;
}

int session_delete(struct db *db, int64_t id)
{
	return db_exec(db, SQL_SESSION_DELETE, "i", id);
}

/* ---- second factor --------------------------------------------------- */

enum { TOTP_SECRET_LEN = 20 };

static int secret_open(const struct user *u, unsigned char secret[TOTP_SECRET_LEN])
{
	struct buf plain = BUF_INIT;
	int rc = -1;
	if (u->totp_box_len && secretbox_open(domain_key(), u->totp_box, u->totp_box_len, &plain) == 0 &&
	    plain.len == TOTP_SECRET_LEN) {
		memcpy(secret, plain.data, TOTP_SECRET_LEN);
		rc = 0;
	}
	if (plain.data)
		memset(plain.data, 0, plain.len);
	buf_free(&plain);
	return rc;
}

int totp_enrol_begin(struct db *db, const struct actor *by, struct user *u, struct buf *uri, char *secret_b32, size_t n)
{
	unsigned char secret[TOTP_SECRET_LEN];
	/* Keep the pending secret if enrolment was already started: reloading
	 * the page must not invalidate a QR code already scanned. */
	if (u->totp_enabled || secret_open(u, secret) < 0) {
		crypto_random(secret, sizeof secret);
		struct buf box = BUF_INIT;
		if (secretbox_seal(domain_key(), secret, sizeof secret, &box) < 0)
			return -1;
		int rc = db_exec(db, SQL_USER_SET_TOTP_SECRET, "ibi", u->id, box.data, box.len, clock_now());
		if (rc == 0 && box.len <= sizeof u->totp_box) {
			memcpy(u->totp_box, box.data, box.len);
			u->totp_box_len = box.len;
			u->totp_enabled = 0;
		}
		buf_free(&box);
		if (rc < 0)
			return rc;
		audit_log(db, by, "totp.enrol_begin", "user", u->id, NULL);
	}
	base32_encode(secret, sizeof secret, secret_b32, n);
	char account[200];
	snprintf(account, sizeof account, "%s", u->login);
	int rc = totp_uri(account, secret, sizeof secret, uri);
	memset(secret, 0, sizeof secret);
	return rc;
}

static int code_matches(struct db *db, struct user *u, const char *code)
{
	unsigned char secret[TOTP_SECRET_LEN];
	if (secret_open(u, secret) < 0)
		return 0;
	int64_t step = u->totp_last_step;
	int ok = totp_verify(secret, sizeof secret, code, clock_now(), &step);
	memset(secret, 0, sizeof secret);
	/* The conditional update makes a replayed code fail even when two
	 * requests race with the same code. */
	if (ok && (db_exec(db, SQL_USER_SET_TOTP_STEP, "ii", u->id, step) < 0 || db_changes(db) != 1))
		ok = 0;
	if (ok)
		u->totp_last_step = step;
	return ok;
}

int totp_enrol_confirm(struct db *db, const struct actor *by, struct user *u, const char *code,
		       char codes[][16], int ncodes, struct buf *err)
{
	if (!code_matches(db, u, code)) {
		buf_puts(err, "Code incorrect. Vérifiez l'heure de votre téléphone et saisissez le code à 6 chiffres affiché.");
		audit_log(db, by, "totp.enrol_failed", "user", u->id, NULL);
		return -1;
	}
	if (db_begin(db) < 0)
		goto dberr;
	if (db_exec(db, SQL_USER_ENABLE_TOTP, "idii", u->id, 1, u->totp_last_step, clock_now()) < 0 ||
	    db_exec(db, SQL_RECOVERY_DELETE, "i", u->id) < 0)
		goto dberr;
	for (int i = 0; i < ncodes; i++) {
		char norm[16], hash[TOKEN_HASH_LEN + 1];
		recovery_code_new(codes[i]);
		recovery_code_normalize(codes[i], norm);
		token_hash(norm, strlen(norm), hash);
		if (db_exec(db, SQL_RECOVERY_ADD, "iIs", u->id, u->structure_id, hash) < 0)
			goto dberr;
	}
	if (audit_log(db, by, "totp.enabled", "user", u->id, NULL) < 0 || db_commit(db) < 0)
		goto dberr;
	u->totp_enabled = 1;
	return 0;
dberr:
	db_rollback(db);
	buf_appendf(err, "Erreur de la base de données : %s", db_errmsg(db));
	return -1;
}

int totp_check(struct db *db, const struct actor *by, struct user *u, const char *code)
{
	if (!code || !u->totp_enabled)
		return 0;
	/* Codes are short: failures are throttled like passwords, per account. */
	char key[48];
	snprintf(key, sizeof key, "totp:%lld", (long long)u->id);
	struct throttle t;
	throttle_get(db, key, &t);
	if (t.locked_until > clock_now()) {
		throttle_fail(db, key, &t, auth_policy.free_failures, auth_policy.lockout_failures);
		audit_log(db, by, "login.totp_throttled", "user", u->id, NULL);
		return -1;
	}
	if (code_matches(db, u, code)) {
		db_exec(db, SQL_THROTTLE_CLEAR, "s", key);
		audit_log(db, by, "login.totp_ok", "user", u->id, NULL);
		return 1;
	}
	char norm[16];
	if (recovery_code_normalize(code, norm) == 0) {
		char hash[TOKEN_HASH_LEN + 1];
		int64_t id;
		token_hash(norm, strlen(norm), hash);
		if (db_get_int(db, SQL_RECOVERY_FIND, &id, "is", u->id, hash) == 1 &&
		    db_exec(db, SQL_RECOVERY_USE, "ii", id, clock_now()) == 0 && db_changes(db) == 1) {
			db_exec(db, SQL_THROTTLE_CLEAR, "s", key);
			audit_log(db, by, "login.recovery_code", "user", u->id, NULL);
			return 1;
		}
	}
	throttle_fail(db, key, &t, auth_policy.free_failures, auth_policy.lockout_failures);
	audit_log(db, by, "login.totp_failed", "user", u->id, NULL);
	return 0;
}

int64_t totp_recovery_left(struct db *db, int64_t user_id)
{
	int64_t n = 0;
	db_get_int(db, SQL_RECOVERY_LEFT, &n, "i", user_id);
	return n;
}
