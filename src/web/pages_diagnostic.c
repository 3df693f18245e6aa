/* The digital diagnostic: the form done with the person, the result
 * printed for them, and the history on the person's file. */
#include "web/web.h"
#include "core/clock.h"
#include "domain/diagnostic.h"
#include "domain/person.h"
#include "domain/user.h"

#include <string.h>

/* Where to learn: the services directory filtered on the "numerique"
 * theme, once the directory exists (its route is looked up, so the link
 * appears with it). Until then the page tells the person to ask. */
static const char DIRECTORY_PATH[] = "/annuaire";
static const char DIRECTORY_NUMERIQUE[] = "/annuaire?theme=numerique";

static const char *directory_url(void)
{
	int64_t a, b;
	int status;
	return web_route_match(HTTP_GET, DIRECTORY_PATH, &a, &b, &status) ? DIRECTORY_NUMERIQUE : NULL;
}

static void on_field_error(void *arg, const char *field, const char *msg)
{
	web_field_error(arg, field, msg);
}

/* The person the diagnostic is about, if the actor may see the file. */
static int load_person(struct web *w, int64_t id, struct person *p, const char *audit_action)
{
	int rc = person_get(w->db, &w->actor, id, p, audit_action);
	if (rc < 0) {
		web_error(w, 503, NULL);
		return -1;
	}
	if (rc == 0) {
		web_error(w, 404, "Ce dossier n'existe pas ou ne vous est pas accessible.");
		return -1;
	}
	return 0;
}

/* Only an active file gets a new diagnostic. */
static int load_active_person(struct web *w, struct person *p)
{
	if (load_person(w, w->id, p, NULL) < 0)
		return -1;
	if (strcmp(p->status, "active") != 0) {
		web_error(w, 403, "Ce dossier est archivé.");
		return -1;
	}
	return 0;
}

/* Whether value is one of the comma-separated values of list. */
static int in_list(const char *list, const char *value)
{
	size_t n = strlen(value);
	for (const char *s = list; *s;) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		if (len == n && memcmp(s, value, n) == 0)
			return 1;
		s += len + (comma ? 1 : 0);
	}
	return 0;
}

/* One fieldset per question, built from the question table. The first
 * answer's id is the question's name, so that the error summary's link
 * reaches the group. */
static void add_question(struct web *w, struct tpl_ctx *part, enum diagnostic_question_id q, const char *answer)
{
	const struct diagnostic_question *dq = &diagnostic_questions[q];
	struct tpl_ctx *c = tpl_list_add(part, "questions");
	const char *error = tpl_get(w->tpl, pool_printf(w->req->pool, "%s_error", dq->name));
	tpl_set(c, "name", dq->name);
	tpl_set(c, "legend", dq->legend);
	tpl_set(c, "hint", dq->hint);
	tpl_set(c, "error", error);
	tpl_set(c, "type", dq->several ? "checkbox" : "radio");
	tpl_set_bool(c, "scale", dq->choices == diagnostic_scale);
	const char *hint_id = dq->hint ? pool_printf(w->req->pool, "%s-aide", dq->name) : NULL;
	const char *error_id = error ? pool_printf(w->req->pool, "%s-erreur", dq->name) : NULL;
	if (hint_id || error_id)
		tpl_setf(c, "describedby", "%s%s%s", hint_id ? hint_id : "", hint_id && error_id ? " " : "",
			 error_id ? error_id : "");
	for (int i = 0; dq->choices[i].value; i++) {
		struct tpl_ctx *o = tpl_list_add(c, "options");
		const char *value = dq->choices[i].value;
		if (i == 0)
			tpl_set(o, "id", dq->name);
		else
			tpl_setf(o, "id", "%s-%s", dq->name, value);
		tpl_set(o, "value", value);
		tpl_set(o, "label", dq->choices[i].label);
		tpl_set_bool(o, "checked", dq->several ? in_list(answer, value) : strcmp(answer, value) == 0);
	}
}

static void set_last(void *arg, const struct diagnostic *d)
{
	struct web *w = arg;
	char date[16];
	date_fr(d->done_on, date, sizeof date);
	tpl_set(w->tpl, "diag_last_date", date);
	tpl_set(w->tpl, "diag_last_label", diagnostic_level_label(d->level));
	tpl_set_int(w->tpl, "diag_last_level", d->level);
}

static void render_form(struct web *w, const struct person *p, const struct diagnostic_input *in)
{
	char name[300];
	person_display_name(p, name, sizeof name);
	tpl_set(w->tpl, "person_name", name);
	tpl_set_int(w->tpl, "person_id", p->id);
	tpl_set(w->tpl, "done_on", in->done_on);
	tpl_set(w->tpl, "comment", in->comment);
	static const struct {
		const char *heading, *intro;
		enum diagnostic_question_id first, last;
	} PARTS[] = {
		{"Équipement et accès", NULL, DQ_EQUIPMENT, DQ_IDENTITY},
		{"Ce que vous savez faire", "Pour chaque chose, choisissez la réponse qui vous ressemble le plus.",
		 DQ_SKILL_DEVICE, DQ_SKILL_ACCOUNTS},
	};
	for (size_t i = 0; i < sizeof PARTS / sizeof PARTS[0]; i++) {
		struct tpl_ctx *part = tpl_list_add(w->tpl, "diag_parts");
		tpl_set(part, "heading", PARTS[i].heading);
		tpl_set(part, "intro", PARTS[i].intro);
		for (int q = PARTS[i].first; q <= (int)PARTS[i].last; q++)
			add_question(w, part, q, in->answers[q] ? in->answers[q] : "");
	}
	/* The last result, to compare with once this one is done (not its
	 * answers: the person answers afresh). */
	diagnostic_list(w->db, &w->actor, p->id, 1, set_last, w);
	web_render(w, "diagnostic_new", "Diagnostic numérique");
}

void page_diagnostic_new(struct web *w)
{
	struct person p;
	if (load_active_person(w, &p) < 0)
		return;
	char today[11], shown[16];
	date_today(today);
	date_fr(today, shown, sizeof shown);
	struct diagnostic_input in = {.done_on = shown, .comment = ""};
	render_form(w, &p, &in);
}

/* The answers of a question with checkboxes, comma-separated, in the pool. */
static const char *form_several(struct web *w, const char *name)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < w->req->form.n; i++) {
		const struct http_param *f = &w->req->form.items[i];
		if (strcmp(f->name, name) == 0)
			buf_appendf(&b, "%s%s", b.len ? "," : "", f->value);
	}
	const char *s = pool_strdup(w->req->pool, buf_cstr(&b));
	buf_free(&b);
	return s ? s : "";
}

void page_diagnostic_create(struct web *w)
{
	struct person p;
	if (load_active_person(w, &p) < 0)
		return;
	struct diagnostic_input in = {.done_on = web_form(w, "done_on"), .comment = web_form(w, "comment")};
	for (int q = 0; q < DQ_COUNT; q++) {
		const struct diagnostic_question *dq = &diagnostic_questions[q];
		in.answers[q] = dq->several ? form_several(w, dq->name) : web_form(w, dq->name);
	}
	int64_t id = diagnostic_add(w->db, &w->actor, p.id, &in, on_field_error, w);
	if (id == -2) {
		web_error(w, 503, NULL);
		return;
	}
	if (id < 0) {
		render_form(w, &p, &in);
		return;
	}
	web_redirect(w, pool_printf(w->req->pool, "/diagnostics/%lld", (long long)id), "Diagnostic enregistré.");
}

static void add_referent(void *arg, int64_t id, const char *name)
{
	struct buf *b = arg;
	(void)id;
	buf_appendf(b, "%s%s", b->len ? "\n" : "", name);
}

/* The result, printed for the person: the level in words, what it means,
 * the next step, where to learn, the change since the previous one, and
 * whom to contact. */
void page_diagnostic(struct web *w)
{
	struct diagnostic *d = pool_alloc(w->req->pool, sizeof *d);
	struct diagnostic *prev = pool_alloc(w->req->pool, sizeof *prev);
	if (!d || !prev) {
		web_error(w, 500, NULL);
		return;
	}
	int rc = diagnostic_get(w->db, &w->actor, w->id, d);
	if (rc < 0) {
		web_error(w, 503, NULL);
		return;
	}
	if (rc == 0) {
		web_error(w, 404, "Ce diagnostic n'existe pas ou ne vous est pas accessible.");
		return;
	}
	struct person p;
	if (load_person(w, d->person_id, &p, "person.print_diagnostic") < 0)
		return;
	int has_prev = diagnostic_previous(w->db, &w->actor, d, prev);
	struct buf referents = BUF_INIT;
	struct structure_contact contact;
	if (has_prev < 0 || person_referents(w->db, p.id, add_referent, &referents) < 0 ||
	    structure_contact_get(w->db, w->actor.structure_id, &contact) < 0) {
		buf_free(&referents);
		web_error(w, 503, NULL);
		return;
	}
	struct tpl_ctx *t = w->tpl;
	char name[300], date[16], today[11], today_fr[16];
	person_display_name(&p, name, sizeof name);
	tpl_set(t, "person_name", name);
	tpl_set_int(t, "person_id", p.id);
	date_today(today);
	date_fr(today, today_fr, sizeof today_fr);
	tpl_set(t, "today", today_fr);
	date_fr(d->done_on, date, sizeof date);
	tpl_set(t, "done_on", date);
	tpl_set(t, "structure", w->sess.user.structure_name);

	tpl_set_int(t, "level", d->level);
	tpl_set(t, "level_label", diagnostic_level_label(d->level));
	for (int l = 1; l <= 4; l++) {
		struct tpl_ctx *s = tpl_list_add(t, "scale");
		tpl_set_int(s, "n", l);
		tpl_set(s, "label", diagnostic_level_label(l));
		tpl_set_bool(s, "current", l == d->level);
	}
	tpl_set_bool(t, pool_printf(w->req->pool, "level_%d", d->level), 1);
	tpl_set_bool(t, pool_printf(w->req->pool, "path_%s", d->path), 1);
	/* What the person does without help (3 and 4: "je fais sans aide",
	 * 3 still with difficulty), and what needs help (1 and 2). */
	for (int i = 0; i < DIAG_SKILLS; i++) {
		int alone = d->skills[i] >= 3;
		struct tpl_ctx *s = tpl_list_add(t, alone ? "skills_ok" : "skills_help");
		tpl_set(s, "title", diagnostic_questions[DQ_SKILL_DEVICE + i].title);
		tpl_set_bool(s, "hard", d->skills[i] == 3);
		tpl_set_bool(t, alone ? "has_skills_ok" : "has_skills_help", 1);
	}
	if (has_prev == 1) {
		date_fr(prev->done_on, date, sizeof date);
		tpl_set_bool(t, "has_previous", 1);
		tpl_set(t, "previous_date", date);
		tpl_set(t, "previous_label", diagnostic_level_label(prev->level));
		tpl_set_bool(t, "rose", d->level > prev->level);
		tpl_set_bool(t, "same", d->level == prev->level);
		tpl_set_bool(t, "fell", d->level < prev->level);
	}
	tpl_set(t, "directory_url", directory_url());
	tpl_set(t, "comment", d->comment);
	tpl_set(t, "creator", d->creator);
	tpl_set(t, "contacts", buf_cstr(&referents));
	tpl_set(t, "phone", contact.phone);
	tpl_set(t, "address", contact.address);
	tpl_set(t, "hours", contact.hours);
	buf_free(&referents);
	web_render(w, "diagnostic", "Diagnostic numérique");
}

/* ---- the section of the person's file ---- */

struct history {
	struct web *w;
	int n;
	int latest_level, first_level;
	char latest_on[11], first_on[11];
};

static void add_history(void *arg, const struct diagnostic *d)
{
	struct history *h = arg;
	struct tpl_ctx *c = tpl_list_add(h->w->tpl, "diag_history");
	char date[16];
	date_fr(d->done_on, date, sizeof date);
	tpl_set_int(c, "id", d->id);
	tpl_set(c, "date", date);
	tpl_set_int(c, "level", d->level);
	tpl_set(c, "label", diagnostic_level_label(d->level));
	tpl_set(c, "path", choice_label(diagnostic_paths, d->path));
	tpl_set(c, "creator", d->creator);
	/* Newest first: the first row is the latest, the last one the first. */
	if (h->n++ == 0) {
		h->latest_level = d->level;
		cstr_copy(h->latest_on, sizeof h->latest_on, d->done_on);
	}
	h->first_level = d->level;
	cstr_copy(h->first_on, sizeof h->first_on, d->done_on);
}

void diagnostics_section(struct web *w, int64_t person_id)
{
	struct history h = {.w = w};
	if (diagnostic_list(w->db, &w->actor, person_id, 100, add_history, &h) < 0)
		return;
	tpl_set_bool(w->tpl, "diag_has_history", h.n > 0);
	if (h.n < 2)
		return;
	char first[16];
	date_fr(h.first_on, first, sizeof first);
	tpl_set_bool(w->tpl, "diag_compared", 1);
	tpl_set(w->tpl, "diag_first_date", first);
	tpl_set(w->tpl, "diag_first_label", diagnostic_level_label(h.first_level));
	tpl_set(w->tpl, "diag_latest_label", diagnostic_level_label(h.latest_level));
	int change = h.latest_level - h.first_level;
	tpl_set_bool(w->tpl, "diag_rose", change > 0);
	tpl_set_bool(w->tpl, "diag_same", change == 0);
	tpl_set_bool(w->tpl, "diag_fell", change < 0);
	tpl_set_int(w->tpl, "diag_change", change < 0 ? -change : change);
	tpl_set_bool(w->tpl, "diag_change_plural", change > 1 || change < -1);
}
