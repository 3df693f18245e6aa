/* The worker's own account, and the accounts of a structure (responsable). */
#include "web/web.h"
#include "domain/appointment.h"
#include "domain/procedure.h"
#include "core/clock.h"
#include "domain/audit.h"
#include "domain/journal.h"
#include "domain/user.h"

#include <stdio.h>
#include <string.h>

void page_account(struct web *w)
{
	const struct user *u = &w->sess.user;
	tpl_set(w->tpl, "login", u->login);
	tpl_set(w->tpl, "email", u->email);
	tpl_set_bool(w->tpl, "totp_enabled", u->totp_enabled);
	tpl_set_bool(w->tpl, "totp_required", user_requires_totp(u));
	tpl_set_bool(w->tpl, "must_change", u->must_change_password);
	if (u->last_login_at) {
		char when[64];
		clock_format_fr(u->last_login_at, when, sizeof when);
		tpl_set(w->tpl, "last_login", when);
	}
	if (u->role & (ROLE_TRAVAILLEUR_SOCIAL | ROLE_RESPONSABLE)) {
		char detail[16];
		tpl_set_bool(w->tpl, "has_agenda", 1);
		int has_feed = calendar_feed_get(w->db, u->id, detail) == 1;
		tpl_set_bool(w->tpl, "has_feed", has_feed);
		static const struct choice details[] = {
			{"initiales", "Initiales de la personne et nature du rendez-vous (conseillé)"},
			{"nature", "Nature du rendez-vous seulement"},
			{"nom", "Nom complet de la personne"},
			{NULL, NULL}};
		for (const struct choice *c = details; c->value; c++) {
			struct tpl_ctx *o = tpl_list_add(w->tpl, "feed_details");
			tpl_set(o, "value", c->value);
			tpl_set(o, "label", c->label);
			tpl_set_bool(o, "checked", strcmp(c->value, has_feed ? detail : "initiales") == 0);
		}
	}
	web_render(w, "account", "Mon compte");
}

void page_account_password(struct web *w)
{
	const char *old_pw = web_form(w, "actuel");
	const char *new_pw = web_form(w, "nouveau");
	const char *confirm = web_form(w, "confirmation");
	if (strcmp(new_pw, confirm) != 0) {
		web_field_error(w, "confirmation", "La confirmation ne correspond pas au nouveau mot de passe.");
		page_account(w);
		return;
	}
	struct buf err = BUF_INIT;
	const char *field = NULL;
	if (user_change_password(w->db, &w->actor, w->sess.id, old_pw, new_pw, &err, &field) < 0) {
		web_field_error(w, field ? field : "nouveau", buf_cstr(&err));
		buf_free(&err);
		page_account(w);
		return;
	}
	buf_free(&err);
	web_redirect(w, "/compte", "Votre mot de passe a été changé. Vos autres sessions ont été fermées.");
}

static void add_user_row(void *arg, const struct user *u)
{
	struct web *w = arg;
	struct tpl_ctx *r = tpl_list_add(w->tpl, "users");
	tpl_set_int(r, "id", u->id);
	tpl_set(r, "login", u->login);
	tpl_set(r, "name", u->display_name);
	tpl_set(r, "role", role_label(u->role));
	tpl_set_bool(r, "disabled", u->disabled);
	tpl_set_bool(r, "totp", u->totp_enabled);
	tpl_set_bool(r, "self", u->id == w->actor.user_id);
	if (u->last_login_at) {
		char when[64];
		clock_format_fr(u->last_login_at, when, sizeof when);
		tpl_set(r, "last_login", when);
	}
}

void page_users(struct web *w)
{
	if (user_list(w->db, w->actor.structure_id, add_user_row, w) < 0) {
		web_error(w, 503, NULL);
		return;
	}
	web_render(w, "users", "Utilisateurs de la structure");
}

static void role_choices(struct web *w, const char *selected)
{
	static const enum role choices[] = {ROLE_ACCUEIL, ROLE_TRAVAILLEUR_SOCIAL, ROLE_RESPONSABLE};
	for (size_t i = 0; i < sizeof choices / sizeof choices[0]; i++) {
		struct tpl_ctx *c = tpl_list_add(w->tpl, "roles");
		tpl_set(c, "value", role_name(choices[i]));
		tpl_set(c, "label", role_label(choices[i]));
		tpl_set_bool(c, "selected", selected && strcmp(selected, role_name(choices[i])) == 0);
	}
}

void page_user_new(struct web *w)
{
	role_choices(w, req_form(w->req, "role"));
	web_render(w, "user_new", "Nouvel utilisateur");
}

void page_user_create(struct web *w)
{
	struct user_new nu = {
		.structure_id = w->actor.structure_id,
		.login = web_form(w, "identifiant"),
		.display_name = web_form(w, "nom"),
		.email = web_form(w, "courriel"),
		.password = web_form(w, "mot_de_passe"),
		.must_change_password = 1,
		.acts_under_mandate = req_form(w->req, "mandat") != NULL,
	};
	struct buf err = BUF_INIT;
	int64_t id;
	const char *field = NULL;
	/* A responsable creates accounts of the structure's roles only. */
	if (role_parse(web_form(w, "role"), &nu.role) < 0 || nu.role == ROLE_ADMINISTRATEUR) {
		web_field_error(w, "role", "Choisissez un rôle.");
	} else if (user_add(w->db, &w->actor, &nu, &id, &err, &field) < 0) {
		web_field_error(w, field ? field : "identifiant", buf_cstr(&err));
	} else {
		buf_free(&err);
		char msg[200];
		snprintf(msg, sizeof msg, "Le compte « %s » a été créé. Transmettez le mot de passe provisoire en main propre : "
					  "il devra être changé à la première connexion.", nu.login);
		web_redirect(w, "/utilisateurs", msg);
		return;
	}
	buf_free(&err);
	tpl_set(w->tpl, "identifiant", nu.login);
	tpl_set(w->tpl, "nom", nu.display_name);
	tpl_set(w->tpl, "courriel", nu.email);
	tpl_set_bool(w->tpl, "mandat", nu.acts_under_mandate);
	page_user_new(w);
}

static void set_disabled(struct web *w, int disabled)
{
	struct buf err = BUF_INIT;
	if (user_set_disabled(w->db, &w->actor, w->id, disabled, &err) < 0) {
		web_error(w, strstr(buf_cstr(&err), "introuvable") ? 404 : 400, buf_cstr(&err));
		buf_free(&err);
		return;
	}
	buf_free(&err);
	web_redirect(w, "/utilisateurs", disabled ? "Le compte a été désactivé et ses sessions fermées."
						   : "Le compte a été réactivé.");
}

void page_user_disable(struct web *w)
{
	set_disabled(w, 1);
}

void page_user_enable(struct web *w)
{
	set_disabled(w, 0);
}

void page_user_reset(struct web *w)
{
	struct buf err = BUF_INIT;
	if (user_reset_password(w->db, &w->actor, w->id, web_form(w, "mot_de_passe"), &err) < 0) {
		int notfound = strstr(buf_cstr(&err), "introuvable") != NULL;
		if (notfound) {
			web_error(w, 404, buf_cstr(&err));
		} else {
			tpl_set(w->tpl, "flash", buf_cstr(&err));
			w->resp->status = 422;
			page_users(w);
		}
		buf_free(&err);
		return;
	}
	buf_free(&err);
	web_redirect(w, "/utilisateurs", "Le mot de passe a été réinitialisé : la personne devra le changer à sa prochaine connexion.");
}

static void add_audit_row(void *arg, const struct audit_entry *e)
{
	struct web *w = arg;
	struct tpl_ctx *r = tpl_list_add(w->tpl, "rows");
	char when[64];
	clock_format_fr(e->at, when, sizeof when);
	tpl_set(r, "when", when);
	tpl_set(r, "who", e->who[0] ? e->who : "—");
	tpl_set(r, "action", e->action);
	tpl_set(r, "ip", e->ip);
	tpl_set(r, "detail", e->detail);
}

void page_audit(struct web *w)
{
	if (audit_recent(w->db, w->actor.structure_id, 200, add_audit_row, w) < 0) {
		web_error(w, 503, NULL);
		return;
	}
	web_render(w, "audit", "Journal d'audit");
}

/* ---- the structure's contact details (printed on the people's papers) ---- */

void page_structure(struct web *w)
{
	struct structure_contact c;
	if (structure_contact_get(w->db, w->actor.structure_id, &c) != 1) {
		web_error(w, 503, NULL);
		return;
	}
	if (!tpl_get(w->tpl, "phone")) {
		tpl_set(w->tpl, "phone", c.phone);
		tpl_set(w->tpl, "address", c.address);
		tpl_set(w->tpl, "hours", c.hours);
	}
	struct theme_list *themes = pool_alloc(w->req->pool, sizeof *themes);
	if (themes && themes_load(w->db, w->actor.structure_id, themes) >= 0)
		for (int i = 0; i < themes->n; i++) {
			struct tpl_ctx *t = tpl_list_add(w->tpl, "themes");
			tpl_set(t, "value", themes->items[i].value);
			tpl_set(t, "label", themes->items[i].label);
			tpl_set_bool(t, "active", themes->items[i].active);
			tpl_set_bool(t, "own", !themes->items[i].is_default);
		}
	struct label_list *orgs = pool_alloc(w->req->pool, sizeof *orgs);
	if (orgs && organisms_load(w->db, w->actor.structure_id, orgs) >= 0)
		for (int i = 0; i < orgs->n; i++) {
			struct tpl_ctx *t = tpl_list_add(w->tpl, "organisms");
			tpl_set(t, "label", orgs->items[i].label);
		}
	struct label_list *kinds = pool_alloc(w->req->pool, sizeof *kinds);
	if (kinds && appointment_kinds_load(w->db, w->actor.structure_id, kinds) >= 0)
		for (int i = 0; i < kinds->n; i++)
			tpl_set(tpl_list_add(w->tpl, "appointment_kinds"), "label", kinds->items[i].label);
	web_render(w, "structure", "Ma structure");
}

void page_structure_appointment_kinds(struct web *w)
{
	struct buf err = BUF_INIT;
	int rc = appointment_kind_add(w->db, &w->actor, web_form(w, "label"), &err);
	web_redirect(w, "/structure#rendez-vous", rc < 0 ? buf_cstr(&err) : "Nature de rendez-vous ajoutée.");
	buf_free(&err);
}

void page_structure_post(struct web *w)
{
	struct structure_contact c;
	memset(&c, 0, sizeof c);
	struct buf err = BUF_INIT;
	if (cstr_copy(c.phone, sizeof c.phone, web_form(w, "phone")) < 0 ||
	    cstr_copy(c.address, sizeof c.address, web_form(w, "address")) < 0 ||
	    cstr_copy(c.hours, sizeof c.hours, web_form(w, "hours")) < 0) {
		buf_puts(&err, "Texte trop long.");
	} else if (structure_contact_set(w->db, &w->actor, w->actor.structure_id, &c, &err) == 0) {
		buf_free(&err);
		web_redirect(w, "/structure", "Coordonnées enregistrées : elles figureront sur les documents remis aux personnes.");
		return;
	}
	web_field_error(w, "phone", buf_cstr(&err));
	buf_free(&err);
	tpl_set(w->tpl, "phone", web_form(w, "phone"));
	tpl_set(w->tpl, "address", web_form(w, "address"));
	tpl_set(w->tpl, "hours", web_form(w, "hours"));
	page_structure(w);
}

/* Themes of the journal: switch one on or off, or add one. */
void page_structure_themes(struct web *w)
{
	struct buf err = BUF_INIT;
	const char *label = req_form(w->req, "nouveau_theme");
	int rc;
	if (label && label[0])
		rc = theme_set(w->db, &w->actor, NULL, label, 1, &err);
	else
		rc = theme_set(w->db, &w->actor, web_form(w, "theme"), NULL, strcmp(web_form(w, "actif"), "1") == 0, &err);
	if (rc < 0) {
		web_field_error(w, "nouveau_theme", buf_cstr(&err));
		buf_free(&err);
		page_structure(w);
		return;
	}
	buf_free(&err);
	web_redirect(w, "/structure#themes", "Thèmes enregistrés.");
}
