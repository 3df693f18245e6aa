/* Logging in and out, and the second factor. */
#include "web/web.h"
#include "core/crypto.h"
#include "core/totp.h"
#include "domain/audit.h"

#include <stdio.h>
#include <string.h>

static const char SESSION_COOKIE[] = "lien_session";

/* The login form is protected against login CSRF by a double-submit
 * token: a random cookie that the form must repeat. */
static void ensure_pre_token(struct web *w)
{
	const char *pre = req_cookie(w->req, "lien_pre");
	char tok[TOKEN_LEN + 1];
	if (!pre || strlen(pre) != TOKEN_LEN) {
		token_new(tok);
		resp_cookie(w->req, w->resp, "lien_pre", tok, -1);
		pre = tok;
	}
	tpl_set(w->tpl, "csrf", pre);
}

void page_login(struct web *w)
{
	if (w->has_session && w->sess.stage == SESSION_COMPLETE && w->req->method == HTTP_GET) {
		web_redirect(w, "/", NULL);
		return;
	}
	if (!tpl_get(w->tpl, "suite"))
		tpl_set(w->tpl, "suite", web_safe_return(req_query(w->req, "suite")));
	ensure_pre_token(w);
	web_render(w, "login", "Connexion");
	/* layout_values put the session's token: the form needs the pre-login one. */
}

/* After a session was lost during a POST, the typed values come back as
 * keep_NAME fields: offer them again in a form with the new token. */
static int resume_kept_form(struct web *w, const char *suite)
{
	int any = 0;
	for (size_t i = 0; i < w->req->form.n; i++) {
		const struct http_param *p = &w->req->form.items[i];
		if (strncmp(p->name, "keep_", 5) != 0)
			continue;
		struct tpl_ctx *k = tpl_list_add(w->tpl, "kept");
		tpl_set(k, "name", p->name + 5);
		tpl_set(k, "value", p->value);
		any = 1;
	}
	if (!any)
		return 0;
	tpl_set(w->tpl, "suite", suite);
	web_render(w, "resume", "Reprendre votre saisie");
	return 1;
}

static void start_session(struct web *w, const struct user *u, int stage)
{
	char token[48];
	if (w->has_session)
		session_delete(w->db, w->sess.id);
	if (session_create(w->db, u, stage, w->req->ip, token, &w->sess) < 0) {
		web_error(w, 503, NULL);
		return;
	}
	w->has_session = 1;
	cstr_copy(w->token, sizeof w->token, token);
	w->actor.user_id = u->id;
	w->actor.structure_id = u->structure_id;
	w->actor.role = u->role;
	resp_cookie(w->req, w->resp, SESSION_COOKIE, token, -1);
}

void page_login_post(struct web *w)
{
	const char *login = web_form(w, "identifiant");
	const char *password = web_form(w, "mot_de_passe");
	const char *suite = web_safe_return(req_form(w->req, "suite"));
	struct user u;
	int wait = 0;
	enum login_result r = auth_login(w->db, login, password, w->req->ip, &u, &wait);
	if (r != LOGIN_OK) {
		char msg[200];
		switch (r) {
		case LOGIN_THROTTLED:
			w->resp->status = 429;
			snprintf(msg, sizeof msg, "Trop de tentatives. Attendez %d seconde%s avant de réessayer.",
				 wait, wait > 1 ? "s" : "");
			break;
		case LOGIN_LOCKED:
			w->resp->status = 429;
			snprintf(msg, sizeof msg, "Trop de tentatives : la connexion est bloquée pendant %d minutes. "
						  "Votre responsable peut vous aider si vous avez oublié votre mot de passe.",
				 (wait + 59) / 60);
			break;
		case LOGIN_ERROR:
			web_error(w, 503, NULL);
			return;
		default:
			w->resp->status = 401;
			snprintf(msg, sizeof msg, "Identifiant ou mot de passe incorrect.");
		}
		tpl_set(w->tpl, "login_error", msg);
		tpl_set(w->tpl, "identifiant", login);
		tpl_set(w->tpl, "suite", suite);
		/* Keep what a lost session carried, for the next try. */
		for (size_t i = 0; i < w->req->form.n; i++) {
			const struct http_param *p = &w->req->form.items[i];
			if (strncmp(p->name, "keep_", 5) == 0) {
				struct tpl_ctx *k = tpl_list_add(w->tpl, "kept");
				tpl_set(k, "name", p->name + 5);
				tpl_set(k, "value", p->value);
			}
		}
		page_login(w);
		return;
	}
	if (u.totp_enabled) {
		start_session(w, &u, SESSION_SECOND_FACTOR);
		web_redirect(w, web_with_return(w, "/connexion/code", suite), NULL);
		return;
	}
	if (user_requires_totp(&u)) {
		start_session(w, &u, SESSION_SECOND_FACTOR);
		web_redirect(w, "/compte/double-authentification", NULL);
		return;
	}
	start_session(w, &u, SESSION_COMPLETE);
	audit_log(w->db, &w->actor, "login.ok", "user", u.id, NULL);
	if (resume_kept_form(w, suite))
		return;
	web_redirect(w, suite, NULL);
}

void page_logout(struct web *w)
{
	audit_log(w->db, &w->actor, "logout", "user", w->actor.user_id, NULL);
	session_delete(w->db, w->sess.id);
	w->has_session = 0;
	resp_cookie(w->req, w->resp, SESSION_COOKIE, "", 0);
	web_redirect(w, "/connexion", "Vous êtes déconnecté.");
}

void page_second_factor(struct web *w)
{
	if (w->sess.stage == SESSION_COMPLETE) {
		web_redirect(w, "/", NULL);
		return;
	}
	if (!w->sess.user.totp_enabled) {
		web_redirect(w, "/compte/double-authentification", NULL);
		return;
	}
	if (!tpl_get(w->tpl, "suite"))
		tpl_set(w->tpl, "suite", web_safe_return(req_query(w->req, "suite")));
	web_render(w, "second_factor", "Code de vérification");
}

void page_second_factor_post(struct web *w)
{
	if (w->sess.stage == SESSION_COMPLETE || !w->sess.user.totp_enabled) {
		web_redirect(w, "/", NULL);
		return;
	}
	const char *suite = web_safe_return(req_form(w->req, "suite"));
	struct user u = w->sess.user;
	int ok = totp_check(w->db, &w->actor, &u, web_form(w, "code"));
	if (ok <= 0) {
		if (ok < 0)
			w->resp->status = 429;
		web_field_error(w, "code", ok < 0 ? "Trop de codes incorrects : patientez quelques minutes avant de réessayer."
						  : "Code incorrect ou déjà utilisé. Saisissez le code à 6 chiffres affiché "
						    "par votre application, ou un code de secours.");
		tpl_set(w->tpl, "suite", suite);
		page_second_factor(w);
		return;
	}
	/* A new token once the second factor is passed: a token seen before
	 * this point is worth nothing. */
	start_session(w, &u, SESSION_COMPLETE);
	audit_log(w->db, &w->actor, "login.ok", "user", u.id, NULL);
	web_redirect(w, suite, NULL);
}

void page_totp_enrol(struct web *w)
{
	struct user u = w->sess.user;
	if (u.totp_enabled && w->sess.stage != SESSION_COMPLETE) {
		web_redirect(w, "/connexion/code", NULL);
		return;
	}
	if (u.totp_enabled && !req_query(w->req, "renouveler")) {
		tpl_set_bool(w->tpl, "enabled", 1);
		tpl_set_int(w->tpl, "recovery_left", totp_recovery_left(w->db, u.id));
		web_render(w, "totp_enrol", "Double authentification");
		return;
	}
	struct buf uri = BUF_INIT, svg = BUF_INIT;
	char secret[64];
	if (totp_enrol_begin(w->db, &w->actor, &u, &uri, secret, sizeof secret) < 0 ||
	    qr_svg(buf_cstr(&uri), "Code QR à scanner avec votre application d'authentification", &svg) < 0) {
		buf_free(&uri);
		buf_free(&svg);
		web_error(w, 500, NULL);
		return;
	}
	/* Grouped by four for reading aloud or typing by hand. */
	char grouped[96];
	size_t g = 0;
	for (size_t i = 0; secret[i] && g + 2 < sizeof grouped; i++) {
		if (i && i % 4 == 0)
			grouped[g++] = ' ';
		grouped[g++] = secret[i];
	}
	grouped[g] = '\0';
	tpl_set_raw(w->tpl, "qr_svg", buf_cstr(&svg)); /* generated by qr_svg from our own data */
	tpl_set(w->tpl, "secret", grouped);
	tpl_set_bool(w->tpl, "required", user_requires_totp(&u));
	tpl_set_bool(w->tpl, "pending", w->sess.stage != SESSION_COMPLETE);
	buf_free(&uri);
	buf_free(&svg);
	web_render(w, "totp_enrol", "Double authentification");
}

void page_totp_enrol_post(struct web *w)
{
	struct user u = w->sess.user;
	if (u.totp_enabled && w->sess.stage != SESSION_COMPLETE) {
		web_redirect(w, "/connexion/code", NULL);
		return;
	}
	char codes[RECOVERY_CODE_COUNT][16];
	struct buf err = BUF_INIT;
	if (totp_enrol_confirm(w->db, &w->actor, &u, web_form(w, "code"), codes, RECOVERY_CODE_COUNT, &err) < 0) {
		web_field_error(w, "code", buf_cstr(&err));
		buf_free(&err);
		w->sess.user = u;
		page_totp_enrol(w);
		return;
	}
	buf_free(&err);
	if (w->sess.stage != SESSION_COMPLETE) {
		start_session(w, &u, SESSION_COMPLETE);
		audit_log(w->db, &w->actor, "login.ok", "user", u.id, NULL);
	}
	for (int i = 0; i < RECOVERY_CODE_COUNT; i++)
		tpl_set(tpl_list_add(w->tpl, "codes"), "code", codes[i]);
	web_render(w, "recovery_codes", "Vos codes de secours");
}
