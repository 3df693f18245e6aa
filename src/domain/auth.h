/*
 * Logging in: passwords with throttling, sessions, the second factor.
 *
 * Throttling (per account name and per client address): the first
 * failures cost nothing; then each attempt must wait a delay that doubles;
 * attempts made while waiting are refused and counted; at the lockout
 * threshold the key is blocked for lockout_s. The messages never say
 * whether an account exists.
 */
#ifndef LIEN_DOMAIN_AUTH_H
#define LIEN_DOMAIN_AUTH_H

#include "core/buf.h"
#include "db/db.h"
#include "domain/domain.h"
#include "domain/user.h"

struct auth_policy {
	int free_failures;      /* per account, before delays start (5) */
	int lockout_failures;   /* per account (10) */
	int ip_free_failures;   /* per address (20) */
	int ip_lockout_failures;/* per address (100) */
	int delay_base_s;       /* first delay (1 s), doubling, capped at 60 s */
	int lockout_s;          /* 900 s */
	int idle_timeout_s;     /* 1800 s */
	int absolute_timeout_s; /* 12 h */
};

extern struct auth_policy auth_policy;

enum login_result {
	LOGIN_OK,
	LOGIN_BAD,          /* wrong login or password, or disabled account */
	LOGIN_THROTTLED,    /* wait *wait_s */
	LOGIN_LOCKED,       /* blocked for *wait_s */
	LOGIN_ERROR,
};

/* Checks a password. On LOGIN_OK, u is the user. Audits every outcome. */
enum login_result auth_login(struct db *db, const char *login, const char *password, const char *ip,
			     struct user *u, int *wait_s);

enum session_stage {
	SESSION_SECOND_FACTOR = 1, /* password checked; code pending */
	SESSION_COMPLETE = 2,
};

struct session {
	int64_t id;
	char csrf[48];
	int stage;
	int64_t created_at, last_seen;
	struct user user;
};

enum session_state {
	SESSION_NONE,      /* no or unknown token */
	SESSION_EXPIRED,   /* idle or absolute timeout passed (deleted) */
	SESSION_VALID,
	SESSION_UNAVAILABLE, /* the database could not be read: say so, do not log out */
};

/* New session: a fresh 256-bit token (returned, only its hash is stored). */
int session_create(struct db *db, const struct user *u, int stage, const char *ip, char token[48], struct session *s);
/* Looks up a token and enforces timeouts and disabled accounts. */
enum session_state session_lookup(struct db *db, const char *token, struct session *s);
int session_delete(struct db *db, int64_t id);

/* Second factor. The secret is stored encrypted with the key file. */
/* Starts (or restarts) enrolment: a new secret, not yet active; fills the
 * otpauth URI to show as a QR code and the secret in base32 for manual entry. */
int totp_enrol_begin(struct db *db, const struct actor *by, struct user *u, struct buf *uri, char *secret_b32, size_t n);
/* Confirms enrolment with a first code: activates and returns 10 recovery codes (shown once). */
int totp_enrol_confirm(struct db *db, const struct actor *by, struct user *u, const char *code,
		       char codes[][16], int ncodes, struct buf *err);
/* Checks a code (or a recovery code, which is then used up). 1 ok, 0 refused,
 * -1 refused without checking because of too many failures. Audited. */
int totp_check(struct db *db, const struct actor *by, struct user *u, const char *code);
/* Remaining unused recovery codes. */
int64_t totp_recovery_left(struct db *db, int64_t user_id);

#endif
