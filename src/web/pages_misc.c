/* Home, health check, static files, accessibility statement. */
#include "web/web.h"
#include "core/clock.h"

#include <string.h>

void page_static(struct web *w)
{
	const char *name = w->req->path + strlen("/static/");
	if (!http_static_serve(w->req, w->resp, name))
		web_error(w, 404, NULL);
}

void page_health(struct web *w)
{
	int64_t v = db_schema_version(w->db);
	w->resp->content_type = "text/plain; charset=utf-8";
	buf_appendf(&w->resp->body, "ok schema=%lld\n", (long long)v);
}

void page_accessibility(struct web *w)
{
	web_render(w, "accessibility", "Déclaration d'accessibilité");
}

void page_home(struct web *w)
{
	char today[64];
	clock_format_fr(clock_now(), today, sizeof today);
	today[10] = '\0'; /* the date only */
	tpl_set(w->tpl, "today", today);
	tpl_set_bool(w->tpl, "is_head", w->sess.user.role == ROLE_RESPONSABLE);
	tpl_set_bool(w->tpl, "is_admin", w->sess.user.role == ROLE_ADMINISTRATEUR);
	tpl_set_bool(w->tpl, "no_totp", !w->sess.user.totp_enabled);
	web_render(w, "home", "Accueil");
}
