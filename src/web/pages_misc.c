/* Home, health check, static files, accessibility statement. */
#include "web/web.h"
#include "domain/procedure.h"
#include "core/clock.h"
#include "domain/journal.h"

#include <stdio.h>

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

struct home {
	struct web *w;
	char today[16]; /* YYYY-MM-DD in Paris, computed once for all the tasks */
	int count;
};

static void add_my_task(void *arg, const struct task *t)
{
	struct home *h = arg;
	int cmp = t->due_date[0] ? strcmp(t->due_date, h->today) : 1;
	const char *group = cmp < 0 ? "overdue" : cmp == 0 ? "due_today" : "upcoming";
	struct tpl_ctx *c = tpl_list_add(h->w->tpl, group);
	h->count++;
	if (strlen(t->due_date) == 10) {
		const char *d = t->due_date; /* YYYY-MM-DD -> DD/MM/YYYY */
		char due[11] = {d[8], d[9], '/', d[5], d[6], '/', d[0], d[1], d[2], d[3], '\0'};
		tpl_set(c, "due", due);
	}
	tpl_set_int(c, "id", t->id);
	tpl_set(c, "text", t->text);
	tpl_set_int(c, "person_id", t->person_id);
	tpl_set(c, "person_name", t->person_name);
}

static void add_recent(void *arg, const struct person_hit *h)
{
	struct web *w = arg;
	struct tpl_ctx *c = tpl_list_add(w->tpl, "recent");
	tpl_set_int(c, "id", h->id);
	tpl_set(c, "file_number", h->file_number);
	tpl_set(c, "name", h->name);
}

/* Answers awaited, renewals and mandates ending: reminders computed from
 * the démarches themselves, so nobody has to create a task for them. */
static void add_due(void *arg, const struct due_item *d)
{
	struct home *h = arg;
	struct tpl_ctx *c = tpl_list_add(h->w->tpl, "due_items");
	static const char *const what[][2] = {{"reponse", "Réponse attendue"},
					       {"renouvellement", "Renouvellement"},
					       {"mandat", "Fin du mandat"}};
	for (size_t i = 0; i < sizeof what / sizeof what[0]; i++)
		if (strcmp(d->kind, what[i][0]) == 0)
			tpl_set(c, "what", what[i][1]);
	int is_mandate = strcmp(d->kind, "mandat") == 0;
	tpl_set(c, "section", is_mandate ? "mandats" : "demarches");
	tpl_set_int(c, "id", d->id);
	tpl_set(c, "subject", is_mandate ? "mandat" : d->subject);
	tpl_set(c, "date", web_date_fr(h->w, d->date));
	tpl_set_bool(c, "late", strcmp(d->date, h->today) < 0);
	tpl_set_int(c, "person_id", d->person_id);
	tpl_set(c, "person_name", d->person_name);
}

void page_home(struct web *w)
{
	struct home h = {.w = w};
	date_today(h.today);
	if (w->sess.user.role & ROLES_STRUCTURE) {
		task_list_mine(w->db, &w->actor, add_my_task, &h);
		tpl_set_bool(w->tpl, "has_tasks", h.count > 0);
		if (w->sess.user.role & (ROLE_TRAVAILLEUR_SOCIAL | ROLE_RESPONSABLE)) {
			tpl_set_bool(w->tpl, "follows", 1);
			procedure_due(w->db, &w->actor, 15, add_due, &h);
		}
		person_recent(w->db, &w->actor, add_recent, w);
		tpl_set_bool(w->tpl, "staff", 1);
	}
	char today[11];
	date_fr(h.today, today, sizeof today);
	tpl_set(w->tpl, "today", today);
	tpl_set_bool(w->tpl, "is_head", w->sess.user.role == ROLE_RESPONSABLE);
	tpl_set_bool(w->tpl, "is_admin", w->sess.user.role == ROLE_ADMINISTRATEUR);
	tpl_set_bool(w->tpl, "no_totp", !w->sess.user.totp_enabled);
	web_render(w, "home", "Accueil");
}
