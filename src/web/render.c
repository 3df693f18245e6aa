/* Page rendering shared by every handler: layout values, errors, redirects. */
#include "web/web.h"
#include "core/clock.h"
#include "core/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The main navigation is written out in templates/_head.html, its links
 * shown by role (nav_structure, nav_head, nav_worker); this table says which
 * one is the current page: nav_<index> is set for the link whose address is
 * the path or a parent of it. */
#define NAV(href) {href, sizeof href - 1}
static const struct {
	const char *href;
	size_t len;
} NAV_HREF[] = {
	NAV("/"), NAV("/personnes"), NAV("/agenda"), NAV("/rappels"), NAV("/annuaire"),
	NAV("/rapports/activite"), NAV("/mon-activite"), NAV("/utilisateurs"), NAV("/journal"), NAV("/compte"),
};
#undef NAV

static void nav_values(struct web *w)
{
	struct tpl_ctx *t = w->tpl;
	int role = w->sess.user.role;
	tpl_set_bool(t, "has_nav", 1);
	tpl_set_bool(t, "nav_structure", (role & ROLES_STRUCTURE) != 0);
	tpl_set_bool(t, "nav_head", role == ROLE_RESPONSABLE);
	tpl_set_bool(t, "nav_worker", role == ROLE_TRAVAILLEUR_SOCIAL);
	const char *path = w->req->path;
	size_t plen = strlen(path);
	for (size_t i = 0; i < sizeof NAV_HREF / sizeof NAV_HREF[0]; i++) {
		const char *href = NAV_HREF[i].href;
		size_t len = NAV_HREF[i].len;
		/* Every page asks: the second byte settles most links without a call. */
		if (plen >= len && path[1] == href[1] && memcmp(path, href, len) == 0 &&
		    (plen == len || (len > 1 && path[len] == '/'))) {
			static const char key[][6] = {"nav_0", "nav_1", "nav_2", "nav_3", "nav_4",
						      "nav_5", "nav_6", "nav_7", "nav_8", "nav_9"};
			tpl_set_bool(t, key[i], 1);
		}
	}
}

static void layout_values(struct web *w, const char *title)
{
	struct tpl_ctx *t = w->tpl;
	/* The title says first whether the form needs correcting (RGAA 8.6). */
	if (tpl_get(t, "has_errors"))
		tpl_setf(t, "title", "Erreur – %s", title);
	else
		tpl_set(t, "title", title);
	tpl_set(t, "css_url", http_static_url("lien.css"));
	tpl_set(t, "js_url", http_static_url("lien.js"));
	tpl_set(t, "icon_url", http_static_url("lien.svg"));
	if (w->has_session) {
		tpl_set(t, "session_csrf", w->sess.csrf);
		if (!tpl_get(t, "csrf"))
			tpl_set(t, "csrf", w->sess.csrf);
		tpl_set(t, "user_name", w->sess.user.display_name);
		tpl_set(t, "role_label", role_label(w->sess.user.role));
		tpl_set(t, "structure_name", w->sess.user.structure_name);
		tpl_set_bool(t, "logged_in", 1);
		if (w->sess.stage == SESSION_COMPLETE) {
			nav_values(w);
			/* The questionnaire is open to everyone in a structure: a link in the footer of every page. */
			tpl_set_bool(t, "survey_link", (w->sess.user.role & ROLES_STRUCTURE) != 0);
		}
	}
	/* A message carried over a redirect (see web_redirect). */
	const char *flash = req_cookie(w->req, "lien_flash");
	if (flash && !tpl_get(t, "flash")) {
		char decoded[512];
		size_t n;
		if (strlen(flash) < sizeof decoded &&
		    http_percent_decode(flash, strlen(flash), 0, decoded, &n) == 0 &&
		    utf8_valid_text(decoded, n, 0))
			tpl_set(t, "flash", decoded);
		resp_cookie(w->req, w->resp, "lien_flash", "", 0);
	}
}

void web_render(struct web *w, const char *tpl_name, const char *title)
{
	layout_values(w, title);
	struct buf err = BUF_INIT;
	buf_reset(&w->resp->body);
	w->resp->body.max = 4 << 20;
	buf_reserve(&w->resp->body, 16 << 10); /* most pages fit: no copy while growing */
	if (tpl_render(tpl_name, w->tpl, &w->resp->body, &err) < 0) {
		log_error("template %s: %s", tpl_name, buf_cstr(&err));
		buf_free(&err);
		buf_reset(&w->resp->body);
		w->resp->status = 500;
		buf_puts(&w->resp->body, "<!doctype html><html lang=\"fr\"><title>Erreur interne</title>"
					 "<h1>Erreur interne</h1><p>La page n'a pas pu être affichée.</p></html>");
		return;
	}
	buf_free(&err);
}

void web_error(struct web *w, int status, const char *detail)
{
	static const struct {
		int status;
		const char *title, *text;
	} ERRORS[] = {
		{400, "Demande incorrecte", "La demande envoyée par votre navigateur est mal formée ou contient des caractères non autorisés."},
		{401, "Connexion nécessaire", "Connectez-vous pour accéder à cette page."},
		{403, "Accès refusé", "Vous n'avez pas accès à cette page."},
		{404, "Page introuvable", "Cette adresse ne correspond à aucune page de Lien. Elle a peut-être été mal recopiée."},
		{405, "Méthode non autorisée", "Cette page ne peut pas être utilisée de cette façon."},
		{409, "Pas encore possible", "Cette action n'est pas possible dans l'état actuel du dossier."},
		{413, "Envoi trop volumineux", "Les données envoyées dépassent la taille autorisée."},
		{429, "Trop de tentatives", "Trop de demandes en peu de temps. Patientez un moment puis réessayez."},
		{500, "Erreur interne", "Une erreur inattendue s'est produite. Rien n'a été enregistré ; réessayez."},
		{503, "Service momentanément indisponible", "Lien ne peut pas accéder à sa base de données pour le moment. Réessayez dans quelques instants."},
	};
	size_t i = 0;
	while (i + 1 < sizeof ERRORS / sizeof ERRORS[0] && ERRORS[i].status != status)
		i++;
	if (ERRORS[i].status != status) {
		i = 0;
		while (ERRORS[i].status != 500)
			i++;
	}
	/* A full disk or a read-only database: say what happened and that
	 * what was already saved is safe. */
	if (!detail && w->db && ERRORS[i].status >= 500 && db_last_error(w->db) == DB_FULL)
		detail = "Le serveur ne peut plus rien enregistrer : son disque est plein ou sa base de données est en "
			 "lecture seule. Rien n'a été enregistré de cette demande ; ce qui l'était avant est intact. "
			 "Prévenez l'administrateur, puis recommencez.";
	w->resp->status = ERRORS[i].status;
	tpl_set_int(w->tpl, "status", ERRORS[i].status);
	tpl_set(w->tpl, "message", ERRORS[i].text);
	tpl_set(w->tpl, "detail", detail);
	web_render(w, "error", ERRORS[i].title);
}

void web_field_error(struct web *w, const char *field, const char *message)
{
	/* A form refused because the database cannot write: say why, keep
	 * what was typed (the form is shown again) and answer 503, not 422. */
	if (w->db && db_last_error(w->db) == DB_FULL && !tpl_get(w->tpl, "disk_full")) {
		tpl_set_bool(w->tpl, "disk_full", 1);
		const char *why = pool_printf(w->req->pool, "%s Le disque du serveur est plein ou la base de données est en "
							"lecture seule : prévenez l'administrateur. Ce que vous avez saisi "
							"est conservé ci-dessous.", message);
		message = why ? why : message;
		w->resp->status = 503;
	}
	char key[80];
	snprintf(key, sizeof key, "%s_error", field);
	tpl_set(w->tpl, key, message);
	struct tpl_ctx *e = tpl_list_add(w->tpl, "errors");
	tpl_set(e, "field", field);
	tpl_set(e, "message", message);
	const char *n = tpl_get(w->tpl, "error_count");
	int count = n ? (int)strtol(n, NULL, 10) + 1 : 1;
	tpl_set_int(w->tpl, "error_count", count);
	tpl_set_bool(w->tpl, "error_plural", count > 1);
	tpl_set_bool(w->tpl, "has_errors", 1);
	if (w->resp->status == 200)
		w->resp->status = 422;
}

void web_flash(struct web *w, const char *message)
{
	tpl_set(w->tpl, "flash", message);
}

void web_redirect(struct web *w, const char *location, const char *flash)
{
	resp_redirect(w->req, w->resp, location);
	if (flash) {
		/* Percent-encoded so that accents survive the cookie. */
		struct buf b = BUF_INIT;
		for (const unsigned char *p = (const unsigned char *)flash; *p; p++) {
			if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
				buf_putc(&b, (char)*p);
			else
				buf_appendf(&b, "%%%02X", *p);
		}
		resp_cookie(w->req, w->resp, "lien_flash", buf_cstr(&b), 60);
		buf_free(&b);
	}
}

const char *web_form(struct web *w, const char *name)
{
	const char *v = req_form(w->req, name);
	return v ? v : "";
}

const char *web_with_return(struct web *w, const char *base, const char *path)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, base);
	buf_puts(&b, "?suite=");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("/-_.~", *p))
			buf_putc(&b, (char)*p);
		else
			buf_appendf(&b, "%%%02X", *p);
	}
	const char *r = pool_strdup(w->req->pool, buf_cstr(&b));
	buf_free(&b);
	return r ? r : base;
}

const char *web_safe_return(const char *s)
{
	if (!s || s[0] != '/' || s[1] == '/' || strchr(s, ':'))
		return "/";
	/* Browsers drop tabs and line breaks from URLs and read '\\' as '/':
	 * "/\t/evil.example" would become "//evil.example", another site. */
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			return "/";
	return s;
}

static int csv_has(const char *csv, const char *v)
{
	size_t n = strlen(v);
	for (const char *p = csv; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && strncmp(p, v, n) == 0)
			return 1;
		p = end ? end + 1 : NULL;
	}
	return 0;
}

void web_fields(struct web *w, const char *key, const struct form_field *f, size_t n, const char *const *values)
{
	for (size_t i = 0; i < n; i++) {
		struct tpl_ctx *c = tpl_list_add(w->tpl, key);
		const char *value = values[i] ? values[i] : "";
		char ekey[80];
		snprintf(ekey, sizeof ekey, "%s_error", f[i].name);
		tpl_set(c, "name", f[i].name);
		tpl_set(c, "label", f[i].label);
		tpl_set(c, "hint", f[i].hint);
		tpl_set_bool(c, "required", f[i].required);
		tpl_set(c, "value", value);
		tpl_set(c, "error", tpl_get(w->tpl, ekey));
		switch (f[i].kind) {
		case FF_TEXT:
		case FF_DATE:
		case FF_MONEY:
			tpl_set_bool(c, "is_input", 1);
			tpl_set(c, "inputmode", f[i].kind == FF_MONEY ? "decimal" : f[i].kind == FF_DATE ? "numeric" : "");
			break;
		case FF_LONG:
			tpl_set_bool(c, "is_long", 1);
			break;
		case FF_SELECT:
			tpl_set_bool(c, "is_select", 1);
			break;
		case FF_RADIO:
		case FF_CHECKS:
			tpl_set_bool(c, "is_group", 1);
			tpl_set(c, "type", f[i].kind == FF_RADIO ? "radio" : "checkbox");
			break;
		}
		for (const struct choice *o = f[i].choices; o && o->value; o++) {
			struct tpl_ctx *oc = tpl_list_add(c, "options");
			tpl_set(oc, "value", o->value);
			tpl_set(oc, "label", o->label);
			tpl_set(oc, "name", f[i].name);
			tpl_set(oc, "type", f[i].kind == FF_RADIO ? "radio" : "checkbox");
			tpl_set_bool(oc, "selected", f[i].kind == FF_CHECKS ? csv_has(value, o->value) : strcmp(value, o->value) == 0);
		}
	}
}

const char *web_form_joined(struct web *w, const char *name)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < w->req->form.n; i++) {
		const struct http_param *p = &w->req->form.items[i];
		if (strcmp(p->name, name) == 0 && !strchr(p->value, ','))
			buf_appendf(&b, "%s%s", b.len ? "," : "", p->value);
	}
	const char *out = pool_printf(w->req->pool, "%s", buf_cstr(&b));
	buf_free(&b);
	return out ? out : "";
}

const char *web_date_fr(struct web *w, const char *iso)
{
	char out[16];
	date_fr(iso, out, sizeof out);
	const char *s = pool_strdup(w->req->pool, out);
	return s ? s : "";
}
