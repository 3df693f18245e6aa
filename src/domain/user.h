/*
 * Structures and the workers' accounts. Every change is audited. A
 * responsable manages the accounts of their own structure only; the
 * administrateur (command line) manages all.
 */
#ifndef LIEN_DOMAIN_USER_H
#define LIEN_DOMAIN_USER_H

#include "core/buf.h"
#include "db/db.h"
#include "domain/domain.h"

struct user {
	int64_t id;
	int64_t structure_id;
	char login[64];
	char display_name[128];
	char email[128];
	enum role role;
	char password_hash[128];
	int must_change_password;
	int totp_enabled;
	int64_t totp_last_step;
	int disabled;
	int64_t last_login_at;
	char structure_name[128];
	int acts_under_mandate;
	unsigned char totp_box[128]; /* encrypted secret, as stored */
	size_t totp_box_len;
};

/* Fills u from a row whose first columns are USER_COLS (db/queries.c). */
void user_from_row(struct db_stmt *st, int first_col, struct user *u);

int structure_add(struct db *db, const struct actor *by, const char *name, int64_t *id, struct buf *err);
/* Calls fn for each structure (id, name, number of users). */
int structure_list(struct db *db, void (*fn)(void *arg, int64_t id, const char *name, int64_t users), void *arg);
int structure_find(struct db *db, const char *name_or_id, int64_t *id);

/* How people reach the structure (printed on the papers they keep). */
struct structure_contact {
	char name[128], phone[40], address[300], hours[300];
};
int structure_contact_get(struct db *db, int64_t id, struct structure_contact *c);
/* Validates (phone digits, lengths) and saves; audited. 0 or -1 with err. */
int structure_contact_set(struct db *db, const struct actor *by, int64_t id, const struct structure_contact *c,
			  struct buf *err);

struct user_new {
	int64_t structure_id;     /* 0 for an administrateur */
	const char *login;
	const char *display_name;
	const char *email;        /* optional */
	enum role role;
	const char *password;
	int must_change_password; /* set when someone else chose it */
	int acts_under_mandate;   /* will act in a person's place: second factor required */
};

/* Validates (login 3–60 chars of [a-z0-9._-], name, role, password policy)
 * and creates. 0, or -1 with a French message in err and, when field is
 * not NULL, the form field at fault: "identifiant", "nom", "courriel",
 * "role" or "mot_de_passe" (NULL for a database error). */
int user_add(struct db *db, const struct actor *by, const struct user_new *nu, int64_t *id, struct buf *err,
	     const char **field);
/* 1 found, 0 not found, <0 error. */
int user_get(struct db *db, int64_t id, struct user *u);
int user_get_by_login(struct db *db, const char *login, struct user *u);
/* Users of a structure (0: all), sorted by name. */
int user_list(struct db *db, int64_t structure_id, void (*fn)(void *arg, const struct user *u), void *arg);
/* by may only act on users of its own structure, unless it is the CLI. */
int user_set_disabled(struct db *db, const struct actor *by, int64_t id, int disabled, struct buf *err);
/* Sets a password chosen by someone else: the user must change it at next login; their sessions end. */
int user_reset_password(struct db *db, const struct actor *by, int64_t id, const char *password, struct buf *err);
/* The user changes their own password (old one checked); other sessions
 * end. On error, field is "actuel" or "nouveau" (as user_add). */
int user_change_password(struct db *db, const struct actor *by, int64_t session_id, const char *old_pw,
			 const char *new_pw, struct buf *err, const char **field);
/* Whether this account may follow people of the structure: be a referent,
 * receive follow-up tasks (an active social worker or head of service). */
int user_can_follow(const struct user *u, int64_t structure_id);
/* Whether this account must use a second factor. */
int user_requires_totp(const struct user *u);

#endif
