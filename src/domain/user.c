#include "domain/user.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/password.h"
#include "db/queries.h"
#include "domain/audit.h"

#include <stdio.h>
#include <string.h>

void user_from_row(struct db_stmt *st, int c, struct user *u)
{
	memset(u, 0, sizeof *u);
	u->id = db_col_int(st, c);
	u->structure_id = db_col_int(st, c + 1);
	cstr_copy(u->login, sizeof u->login, db_col_text(st, c + 2));
	cstr_copy(u->display_name, sizeof u->display_name, db_col_text(st, c + 3));
	cstr_copy(u->email, sizeof u->email, db_col_text(st, c + 4));
	role_parse(db_col_text(st, c + 5), &u->role);
	cstr_copy(u->password_hash, sizeof u->password_hash, db_col_text(st, c + 6));
	u->must_change_password = (int)db_col_int(st, c + 7);
	u->totp_enabled = (int)db_col_int(st, c + 8);
	u->totp_last_step = db_col_int(st, c + 9);
	u->disabled = (int)db_col_int(st, c + 10);
	u->last_login_at = db_col_int(st, c + 11);
	cstr_copy(u->structure_name, sizeof u->structure_name, db_col_text(st, c + 12));
	u->acts_under_mandate = (int)db_col_int(st, c + 13);
	size_t n = db_col_len(st, c + 14);
	if (n && n <= sizeof u->totp_box) {
		memcpy(u->totp_box, db_col_blob(st, c + 14), n);
		u->totp_box_len = n;
	}
}

int user_can_follow(const struct user *u, int64_t structure_id)
{
	return u->structure_id == structure_id && !u->disabled &&
	       (u->role & (ROLE_TRAVAILLEUR_SOCIAL | ROLE_RESPONSABLE));
}

int user_requires_totp(const struct user *u)
{
	return role_requires_totp(u->role) || u->acts_under_mandate;
}

static int text_ok(const char *s, size_t min, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	return n >= min && n <= max && utf8_valid_text(s, n, 0);
}

int structure_add(struct db *db, const struct actor *by, const char *name, int64_t *id, struct buf *err)
{
	if (!text_ok(name, 2, 120)) {
		buf_puts(err, "Le nom de la structure doit faire entre 2 et 120 caractères.");
		return -1;
	}
	if (db_begin(db) < 0)
		goto dberr;
	int rc = db_exec(db, SQL_STRUCTURE_ADD, "si", name, clock_now());
	if (rc == DB_CONSTRAINT) {
		db_rollback(db);
		buf_appendf(err, "Une structure nommée « %s » existe déjà.", name);
		return -1;
	}
	if (rc < 0)
		goto dberr;
	*id = db_last_id(db);
	if (audit_log(db, by, "structure.add", "structure", *id, name) < 0 || db_commit(db) < 0)
		goto dberr;
	return 0;
dberr:
	db_rollback(db);
	buf_appendf(err, "Erreur de la base de données : %s", db_errmsg(db));
	return -1;
}

int structure_list(struct db *db, void (*fn)(void *arg, int64_t id, const char *name, int64_t users), void *arg)
{
	struct db_stmt *st = db_query(db, SQL_STRUCTURE_LIST, "");
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == 1)
		fn(arg, db_col_int(st, 0), db_col_text(st, 1), db_col_int(st, 3));
	db_done(st);
	return rc;
}

int structure_find(struct db *db, const char *name_or_id, int64_t *id)
{
	if (str_to_i64(str_from(name_or_id), 1, INT64_MAX, id) == 0) {
		struct db_stmt *st = db_query(db, SQL_STRUCTURE_NAME, "i", *id);
		int rc = st ? db_step(st) : -1;
		db_done(st);
		return rc;
	}
	return db_get_int(db, SQL_STRUCTURE_BY_NAME, id, "s", name_or_id);
}

int structure_contact_get(struct db *db, int64_t id, struct structure_contact *c)
{
	memset(c, 0, sizeof *c);
	struct db_stmt *st = db_query(db, SQL_STRUCTURE_CONTACT, "i", id);
	int rc = st ? db_step(st) : DB_ERR;
	if (rc == 1) {
		cstr_copy(c->name, sizeof c->name, db_col_text(st, 0));
		cstr_copy(c->phone, sizeof c->phone, db_col_text(st, 1));
		cstr_copy(c->address, sizeof c->address, db_col_text(st, 2));
		cstr_copy(c->hours, sizeof c->hours, db_col_text(st, 3));
	}
	db_done(st);
	return rc;
}

int structure_contact_set(struct db *db, const struct actor *by, int64_t id, const struct structure_contact *c,
			  struct buf *err)
{
	if (!text_ok(c->phone, 0, 30) || strspn(c->phone, "0123456789 +.") != strlen(c->phone)) {
		buf_puts(err, "Le téléphone ne contient que des chiffres, des espaces et « + ».");
		return -1;
	}
	if (!utf8_valid_text(c->address, strlen(c->address), 1) || !utf8_valid_text(c->hours, strlen(c->hours), 1)) {
		buf_puts(err, "Caractères non autorisés dans l'adresse ou les horaires.");
		return -1;
	}
	if (db_begin(db) < 0 || db_exec(db, SQL_STRUCTURE_SET_CONTACT, "isss", id, c->phone, c->address, c->hours) < 0 ||
	    audit_log(db, by, "structure.contact", "structure", id, NULL) < 0 || db_commit(db) < 0) {
		db_rollback(db);
		buf_appendf(err, "Erreur de la base de données : %s", db_errmsg(db));
		return -1;
	}
	return 0;
}

static int login_ok(const char *login)
{
	size_t n = login ? strlen(login) : 0;
	if (n < 3 || n > 60)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = login[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

static int get_one(struct db *db, const char *sql, struct user *u, const char *types, const void *key)
{
	struct db_stmt *st = types[0] == 'i' ? db_query(db, sql, "i", *(const int64_t *)key)
					     : db_query(db, sql, "s", (const char *)key);
	if (!st)
		return DB_ERR;
	int rc = db_step(st);
	if (rc == 1)
		user_from_row(st, 0, u);
	db_done(st);
	return rc;
}

int user_get(struct db *db, int64_t id, struct user *u)
{
	return get_one(db, SQL_USER_BY_ID, u, "i", &id);
}

int user_get_by_login(struct db *db, const char *login, struct user *u)
{
	return get_one(db, SQL_USER_BY_LOGIN, u, "s", login);
}

int user_add(struct db *db, const struct actor *by, const struct user_new *nu, int64_t *id, struct buf *err,
	     const char **field)
{
	const char *unused;
	if (!field)
		field = &unused;
	*field = "identifiant";
	if (!login_ok(nu->login)) {
		buf_puts(err, "L'identifiant doit faire de 3 à 60 caractères : lettres minuscules sans accent, "
			      "chiffres, point, tiret ou tiret bas.");
		return -1;
	}
	*field = "nom";
	if (!text_ok(nu->display_name, 2, 120)) {
		buf_puts(err, "Le nom affiché doit faire entre 2 et 120 caractères.");
		return -1;
	}
	*field = "courriel";
	if (nu->email && nu->email[0] && (!text_ok(nu->email, 3, 120) || !strchr(nu->email, '@'))) {
		buf_puts(err, "L'adresse électronique n'est pas valide.");
		return -1;
	}
	*field = "role";
	if (nu->role == ROLE_NONE || (nu->role == ROLE_ADMINISTRATEUR) != (nu->structure_id == 0)) {
		buf_puts(err, "Rôle invalide : un administrateur n'appartient à aucune structure, "
			      "les autres rôles appartiennent à une structure.");
		return -1;
	}
	char sname[128] = "";
	if (nu->structure_id) {
		struct db_stmt *st = db_query(db, SQL_STRUCTURE_NAME, "i", nu->structure_id);
		int rc = st ? db_step(st) : -1;
		if (rc == 1)
			cstr_copy(sname, sizeof sname, db_col_text(st, 0));
		db_done(st);
		if (rc != 1) {
			buf_puts(err, "Structure inconnue.");
			return -1;
		}
	}
	*field = "mot_de_passe";
	if (password_policy_check(nu->password, nu->login, sname, err) < 0)
		return -1;
	char hash[PASSWORD_HASH_LEN];
	if (password_hash(nu->password, hash) < 0) {
		buf_puts(err, "Impossible de chiffrer le mot de passe (mémoire insuffisante).");
		return -1;
	}
	*field = NULL;
	if (db_begin(db) < 0)
		goto dberr;
	int rc = db_exec(db, SQL_USER_ADD, "Isssssddi", nu->structure_id, nu->login, nu->display_name,
			 nu->email && nu->email[0] ? nu->email : NULL, role_name(nu->role), hash,
			 nu->must_change_password ? 1 : 0, nu->acts_under_mandate ? 1 : 0, clock_now());
	if (rc == DB_CONSTRAINT) {
		db_rollback(db);
		*field = "identifiant";
		buf_appendf(err, "L'identifiant « %s » est déjà utilisé.", nu->login);
		return -1;
	}
	if (rc < 0)
		goto dberr;
	*id = db_last_id(db);
	if (audit_log(db, by, "user.add", "user", *id, role_name(nu->role)) < 0 || db_commit(db) < 0)
		goto dberr;
	return 0;
dberr:
	db_rollback(db);
	buf_appendf(err, "Erreur de la base de données : %s", db_errmsg(db));
	return -1;
}

int user_list(struct db *db, int64_t structure_id, void (*fn)(void *arg, const struct user *u), void *arg)
{
	struct db_stmt *st = structure_id ? db_query(db, SQL_USER_LIST, "i", structure_id)
					  : db_query(db, SQL_USER_LIST_ALL, "");
	if (!st)
		return -1;
	int rc;
	struct user u;
	while ((rc = db_step(st)) == 1) {
		user_from_row(st, 0, &u);
		fn(arg, &u);
	}
	db_done(st);
	return rc;
}

/* The target must exist and, unless the command line acts, belong to the
 * actor's structure: a responsable never reaches another structure. */
static int target_get(struct db *db, const struct actor *by, int64_t id, struct user *u, struct buf *err)
{
	int rc = user_get(db, id, u);
	if (rc < 0) {
		buf_appendf(err, "Erreur de la base de données : %s", db_errmsg(db));
		return -1;
	}
	if (rc == 0 || (by->user_id && u->structure_id != by->structure_id)) {
		buf_puts(err, "Compte introuvable.");
		return -1;
	}
	return 0;
}

int user_set_disabled(struct db *db, const struct actor *by, int64_t id, int disabled, struct buf *err)
{
	struct user u;
	if (target_get(db, by, id, &u, err) < 0)
		return -1;
	if (by->user_id == id && disabled) {
		buf_puts(err, "Vous ne pouvez pas désactiver votre propre compte.");
		return -1;
	}
	if (db_begin(db) < 0 ||
	    db_exec(db, SQL_USER_SET_DISABLED, "idi", id, disabled ? 1 : 0, clock_now()) < 0 ||
	    (disabled && db_exec(db, SQL_SESSION_DELETE_USER, "i", id) < 0) ||
	    audit_log(db, by, disabled ? "user.disable" : "user.enable", "user", id, u.login) < 0 ||
	    db_commit(db) < 0) {
		db_rollback(db);
		buf_appendf(err, "Erreur de la base de données : %s", db_errmsg(db));
		return -1;
	}
	return 0;
}

static int set_password(struct db *db, const struct actor *by, const struct user *u, const char *pw,
			int must_change, int64_t keep_session, const char *action, struct buf *err)
{
	if (password_policy_check(pw, u->login, u->structure_name, err) < 0)
		return -1;
	char hash[PASSWORD_HASH_LEN];
	if (password_hash(pw, hash) < 0) {
		buf_puts(err, "Impossible de chiffrer le mot de passe.");
		return -1;
	}
	if (db_begin(db) < 0 ||
	    db_exec(db, SQL_USER_SET_PASSWORD, "isdi", u->id, hash, must_change, clock_now()) < 0 ||
	    db_exec(db, SQL_SESSION_DELETE_OTHERS, "ii", u->id, keep_session) < 0 ||
	    audit_log(db, by, action, "user", u->id, u->login) < 0 || db_commit(db) < 0) {
		db_rollback(db);
		buf_appendf(err, "Erreur de la base de données : %s", db_errmsg(db));
		return -1;
	}
	return 0;
}

int user_reset_password(struct db *db, const struct actor *by, int64_t id, const char *password, struct buf *err)
{
	struct user u;
	if (target_get(db, by, id, &u, err) < 0)
		return -1;
	return set_password(db, by, &u, password, 1, 0, "user.reset_password", err);
}

int user_change_password(struct db *db, const struct actor *by, int64_t session_id, const char *old_pw,
			 const char *new_pw, struct buf *err, const char **field)
{
	const char *unused;
	if (!field)
		field = &unused;
	*field = "actuel";
	struct user u;
	if (target_get(db, by, by->user_id, &u, err) < 0)
		return -1;
	if (!password_verify(u.password_hash, old_pw ? old_pw : "")) {
		buf_puts(err, "Le mot de passe actuel est incorrect.");
		return -1;
	}
	*field = "nouveau";
	if (old_pw && new_pw && strcmp(old_pw, new_pw) == 0) {
		buf_puts(err, "Le nouveau mot de passe doit être différent de l'actuel.");
		return -1;
	}
	return set_password(db, by, &u, new_pw ? new_pw : "", 0, session_id, "user.change_password", err);
}
