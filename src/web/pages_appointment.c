/* Appointments: the agenda (day and week, printable), the form, outcomes;
 * the reception's reminders page (letters to print, calls to make, failed
 * messages); the structure's reminder settings; the workers' calendar feed. */
#include "web/web.h"
#include "core/clock.h"
#include "core/gsm.h"
#include "domain/appointment.h"
#include "domain/reminder.h"
#include "domain/user.h"
#include "gateway/gateway.h"
#include "view/pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void on_field_error(void *arg, const char *field, const char *msg)
{
	web_field_error(arg, field, msg);
}

static const char *DAYS_FR[] = {"jeudi", "vendredi", "samedi", "dimanche", "lundi", "mardi", "mercredi"};

/* Local day number (days since 1970 in Paris time) of t. */
static int64_t local_day(int64_t t)
{
	return (t + clock_paris_offset(t)) / 86400;
}

static const char *hm(struct web *w, int64_t t)
{
	int64_t local = t + clock_paris_offset(t);
	int minutes = (int)(local % 86400 / 60);
	const char *s = pool_printf(w->req->pool, "%02d:%02d", minutes / 60, minutes % 60);
	return s ? s : "";
}

static const char *day_label(struct web *w, int64_t day)
{
	int y, m, d;
	civil_from_days(day, &y, &m, &d);
	const char *s = pool_printf(w->req->pool, "%s %02d/%02d/%04d", DAYS_FR[((day % 7) + 7) % 7], d, m, y);
	return s ? s : "";
}

static const char *iso_day(struct web *w, int64_t day)
{
	int y, m, d;
	civil_from_days(day, &y, &m, &d);
	const char *s = pool_printf(w->req->pool, "%04d-%02d-%02d", y, m, d);
	return s ? s : "";
}

static void set_appointment(struct web *w, struct tpl_ctx *c, const struct appointment *a,
			    const struct label_list *kinds)
{
	tpl_set_int(c, "id", a->id);
	tpl_set(c, "kind", label_of(kinds, a->kind));
	tpl_set(c, "place", choice_label(appointment_places, a->place));
	tpl_set(c, "place_detail", a->place_detail);
	tpl_set(c, "site", a->site);
	tpl_set(c, "worker", a->worker);
	tpl_set(c, "day", day_label(w, local_day(a->starts_at)));
	tpl_set(c, "start", hm(w, a->starts_at));
	tpl_set(c, "end", hm(w, a->ends_at));
	tpl_set_bool(c, "cancelled", strcmp(a->status, "annule") == 0);
	tpl_set_bool(c, "past", a->starts_at <= clock_now());
	for (int i = 0; i < a->npersons; i++) {
		struct tpl_ctx *p = tpl_list_add(c, "persons");
		tpl_set_int(p, "person_id", a->persons[i].id);
		tpl_set(p, "name", a->persons[i].name);
		tpl_set(p, "outcome", a->persons[i].outcome[0] ? choice_label(appointment_outcomes, a->persons[i].outcome)
							       : NULL);
	}
}

/* ---- the agenda ---------------------------------------------------------------- */

struct agenda {
	struct web *w;
	struct label_list kinds;
	int64_t first_day;
	struct tpl_ctx *days[7];
	int ndays;
};

static void agenda_add(void *arg, const struct appointment *a)
{
	struct agenda *g = arg;
	int64_t k = local_day(a->starts_at) - g->first_day;
	if (k < 0 || k >= g->ndays)
		return;
	set_appointment(g->w, tpl_list_add(g->days[k], "appointments"), a, &g->kinds);
	tpl_set_bool(g->days[k], "has_appointments", 1); /* an empty day has no table */
}

static void add_worker_choice(void *arg, const struct user *u)
{
	struct web *w = arg;
	if (!user_can_follow(u, w->actor.structure_id))
		return;
	struct tpl_ctx *c = tpl_list_add(w->tpl, "workers");
	tpl_set_int(c, "id", u->id);
	tpl_set(c, "name", u->display_name);
	const char *sel = tpl_get(w->tpl, "worker_selected");
	tpl_set_bool(c, "selected", sel && strtoll(sel, NULL, 10) == u->id);
}

/* GET /agenda?jour=JJ/MM/AAAA&vue=semaine|jour&pro=ID: a worker sees their
 * own agenda by default; reception sees everyone's. */
void page_agenda(struct web *w)
{
	struct agenda *g = pool_alloc(w->req->pool, sizeof *g);
	if (!g) {
		web_error(w, 500, NULL);
		return;
	}
	g->w = w;
	appointment_kinds_load(w->db, w->actor.structure_id, &g->kinds);
	const char *typed = req_query(w->req, "jour");
	int y, m, d;
	int64_t day = local_day(clock_now());
	if (typed && typed[0]) {
		if (date_parse(typed, &y, &m, &d) < 0) {
			web_error(w, 400, "Date impossible : JJ/MM/AAAA.");
			return;
		}
		day = days_from_civil(y, m, d);
	}
	const char *view = req_query(w->req, "vue");
	int week = !view || strcmp(view, "jour") != 0;
	/* Weeks start on Monday (day 0 was a Thursday). */
	g->first_day = week ? day - (((day + 3) % 7) + 7) % 7 : day;
	g->ndays = week ? 7 : 1;
	int64_t worker = 0;
	const char *pro = req_query(w->req, "pro");
	if (pro && str_to_i64(str_from(pro), 0, INT64_MAX, &worker) < 0)
		worker = 0;
	if (!pro && w->actor.role != ROLE_ACCUEIL)
		worker = w->actor.user_id;
	tpl_set_int(w->tpl, "worker_selected", worker);
	for (int i = 0; i < g->ndays; i++) {
		g->days[i] = tpl_list_add(w->tpl, "days");
		tpl_set(g->days[i], "label", day_label(w, g->first_day + i));
		tpl_set(g->days[i], "iso", iso_day(w, g->first_day + i));
	}
	civil_from_days(g->first_day, &y, &m, &d);
	int64_t from = local_to_unix(y, m, d, 0);
	civil_from_days(g->first_day + g->ndays, &y, &m, &d);
	int64_t to = local_to_unix(y, m, d, 0);
	if (appointment_list(w->db, &w->actor, worker, from, to, agenda_add, g) < 0) {
		web_error(w, 503, NULL);
		return;
	}
	user_list(w->db, w->actor.structure_id, add_worker_choice, w);
	tpl_set_bool(w->tpl, "week", week);
	tpl_set(w->tpl, "title_range",
		week ? pool_printf(w->req->pool, "Semaine du %s", day_label(w, g->first_day)) : day_label(w, day));
	tpl_set(w->tpl, "prev", iso_day(w, g->first_day - (week ? 7 : 1)));
	tpl_set(w->tpl, "next", iso_day(w, g->first_day + (week ? 7 : 1)));
	/* As the field's label says: JJ/MM/AAAA. */
	tpl_set(w->tpl, "shown", web_date_fr(w, iso_day(w, day)));
	web_render(w, "agenda", "Agenda");
}

/* ---- the form ------------------------------------------------------------------- */

enum { AF_WORKER, AF_KIND, AF_DATE, AF_TIME, AF_DURATION, AF_PLACE, AF_SITE, AF_DETAIL, AF_BRING, AF_NOTES, AF_N };

struct appt_form {
	const char *worker, *kind, *date, *time, *duration, *place, *site, *detail, *bring, *notes;
	const char *others; /* file numbers of the other participants */
};

static const struct choice *pool_choices(struct web *w, const struct label_list *l)
{
	struct choice *c = pool_alloc(w->req->pool, (size_t)(l->n + 1) * sizeof *c);
	if (!c)
		return NULL;
	for (int i = 0; i < l->n; i++) {
		c[i].value = pool_printf(w->req->pool, "%s", l->items[i].value);
		c[i].label = pool_printf(w->req->pool, "%s", l->items[i].label);
	}
	return c;
}

struct choice_builder {
	struct web *w;
	struct choice *items;
	int n, max;
};

static void worker_choice(void *arg, const struct user *u)
{
	struct choice_builder *b = arg;
	if (b->n < b->max && user_can_follow(u, b->w->actor.structure_id)) {
		b->items[b->n].value = pool_printf(b->w->req->pool, "%lld", (long long)u->id);
		b->items[b->n].label = pool_printf(b->w->req->pool, "%s", u->display_name);
		b->n++;
	}
}

static void site_choice(void *arg, int64_t id, const char *name, const char *address)
{
	struct choice_builder *b = arg;
	(void)address;
	if (b->n < b->max) {
		b->items[b->n].value = pool_printf(b->w->req->pool, "%lld", (long long)id);
		b->items[b->n].label = pool_printf(b->w->req->pool, "%s", name);
		b->n++;
	}
}

static void appointment_fields(struct web *w, const struct appt_form *f)
{
	struct label_list kinds;
	appointment_kinds_load(w->db, w->actor.structure_id, &kinds);
	struct choice_builder workers = {w, pool_alloc(w->req->pool, 201 * sizeof(struct choice)), 0, 200};
	struct choice_builder sites = {w, pool_alloc(w->req->pool, 51 * sizeof(struct choice)), 0, 50};
	if (workers.items)
		user_list(w->db, w->actor.structure_id, worker_choice, &workers);
	if (sites.items)
		sites_list(w->db, w->actor.structure_id, site_choice, &sites);
	const struct form_field fields[AF_N] = {
		{"worker", "Avec", FF_SELECT, workers.items, NULL, 1},
		{"kind", "Nature", FF_SELECT, pool_choices(w, &kinds), NULL, 1},
		{"date", "Date (JJ/MM/AAAA)", FF_DATE, NULL, NULL, 1},
		{"time", "Heure (par exemple 14:30)", FF_TEXT, NULL, NULL, 1},
		{"duration", "Durée en minutes", FF_TEXT, NULL, NULL, 1},
		{"place", "Lieu", FF_RADIO, appointment_places, NULL, 1},
		{"site", "Site (pour un rendez-vous dans nos locaux)", FF_SELECT, sites.items, NULL, 0},
		{"place_detail", "Adresse du partenaire ou lien de la visioconférence", FF_TEXT, NULL, NULL, 0},
		{"to_bring", "À apporter", FF_LONG, NULL, "Figure dans le rappel envoyé à la personne.", 0},
		{"notes", "Notes pour le professionnel", FF_LONG, NULL, "Jamais envoyées à la personne.", 0},
	};
	const char *v[AF_N] = {f->worker, f->kind, f->date, f->time, f->duration, f->place, f->site, f->detail,
			       f->bring, f->notes};
	web_fields(w, "fields", fields, AF_N, v);
	tpl_set(w->tpl, "others", f->others);
}

static void form_from_request(struct web *w, struct appt_form *f)
{
	*f = (struct appt_form){web_form(w, "worker"), web_form(w, "kind"), web_form(w, "date"),
				web_form(w, "time"), web_form(w, "duration"), web_form(w, "place"),
				web_form(w, "site"), web_form(w, "place_detail"), web_form(w, "to_bring"),
				web_form(w, "notes"), web_form(w, "others")};
}

/* The participants: the checked persons of the form ("person" fields) and
 * other file numbers typed. 0, or -1 after a field error. */
static int participants(struct web *w, int64_t *ids, int *n)
{
	*n = 0;
	for (size_t i = 0; i < w->req->form.n && *n < APPT_PERSONS_MAX; i++) {
		const struct http_param *p = &w->req->form.items[i];
		if (strcmp(p->name, "person") == 0 && str_to_i64(str_from(p->value), 1, INT64_MAX, &ids[*n]) == 0)
			(*n)++;
	}
	const char *others = web_form(w, "others");
	for (const char *s = others; *s;) {
		while (*s == ' ' || *s == ',' || *s == ';' || *s == '\n' || *s == '\r')
			s++;
		size_t len = strcspn(s, " ,;\r\n");
		if (!len)
			break;
		char number[32];
		if (len >= sizeof number) {
			web_field_error(w, "others", "Numéro de dossier inconnu.");
			return -1;
		}
		memcpy(number, s, len);
		number[len] = '\0';
		int64_t id;
		if (person_id_by_number(w->db, &w->actor, number, &id) != 1) {
			web_field_error(w, "others", pool_printf(w->req->pool, "Aucun dossier ne porte le numéro %s.", number));
			return -1;
		}
		if (*n < APPT_PERSONS_MAX)
			ids[(*n)++] = id;
		s += len;
	}
	return 0;
}

static void input_from_form(struct web *w, const struct appt_form *f, const int64_t *ids, int n,
			    struct appointment_input *in)
{
	int64_t worker = 0, site = 0;
	str_to_i64(str_from(f->worker), 1, INT64_MAX, &worker);
	if (f->site[0])
		str_to_i64(str_from(f->site), 1, INT64_MAX, &site);
	*in = (struct appointment_input){worker, site, f->kind, f->place, f->detail, f->date, f->time, f->duration,
					 f->bring, f->notes, ids, n};
}

static void render_new(struct web *w, const struct appt_form *f, const int64_t *ids, int n)
{
	for (int i = 0; i < n; i++) {
		struct person p;
		if (person_get(w->db, &w->actor, ids[i], &p, NULL) != 1)
			continue;
		char name[300];
		person_display_name(&p, name, sizeof name);
		struct tpl_ctx *c = tpl_list_add(w->tpl, "participants");
		tpl_set_int(c, "id", p.id);
		tpl_set(c, "name", name);
	}
	appointment_fields(w, f);
	web_render(w, "appointment_new", "Nouveau rendez-vous");
}

void page_appointment_new(struct web *w)
{
	int64_t person = 0;
	const char *q = req_query(w->req, "personne");
	int64_t ids[1];
	int n = 0;
	if (q && str_to_i64(str_from(q), 1, INT64_MAX, &person) == 0)
		ids[n++] = person;
	char worker[24] = "";
	if (w->actor.role != ROLE_ACCUEIL)
		snprintf(worker, sizeof worker, "%lld", (long long)w->actor.user_id);
	char today[11];
	date_today(today);
	struct appt_form f = {worker, "entretien", web_date_fr(w, today), "", "45", "site", "", "", "", "", ""};
	render_new(w, &f, ids, n);
}

void page_appointment_create(struct web *w)
{
	struct appt_form f;
	form_from_request(w, &f);
	int64_t ids[APPT_PERSONS_MAX];
	int n;
	if (participants(w, ids, &n) < 0) {
		render_new(w, &f, ids, n);
		return;
	}
	struct appointment_input in;
	input_from_form(w, &f, ids, n, &in);
	int64_t id = appointment_create(w->db, &w->actor, &in, on_field_error, w);
	if (id < 0) {
		if (w->resp->status == 200)
			w->resp->status = 422;
		render_new(w, &f, ids, n);
		return;
	}
	web_redirect(w, pool_printf(w->req->pool, "/rendez-vous/%lld", (long long)id),
		     "Rendez-vous enregistré. Les rappels partiront selon le moyen choisi par chaque personne.");
}

static void add_reminder(void *arg, const struct outbox_row *r)
{
	struct web *w = arg;
	struct tpl_ctx *c = tpl_list_add(w->tpl, "reminders");
	tpl_set_bool(w->tpl, "has_reminders", 1);
	char when[64];
	clock_format_fr(r->due_at, when, sizeof when);
	tpl_set(c, "when", when);
	tpl_set(c, "channel", choice_label(reminder_channels, r->channel));
	tpl_set(c, "person", r->person_name);
	static const char *const STATUS[][2] = {{"pending", "prévu"},   {"sending", "en cours d'envoi"},
						{"sent", "envoyé"},     {"delivered", "reçu"},
						{"failed", "échec"},    {"cancelled", "annulé"},
						{"done", "fait"}};
	for (size_t i = 0; i < sizeof STATUS / sizeof STATUS[0]; i++)
		if (strcmp(STATUS[i][0], r->status) == 0)
			tpl_set(c, "status", STATUS[i][1]);
	tpl_set(c, "error", r->last_error[0] ? r->last_error : NULL);
}

static int load_appointment(struct web *w, struct appointment *a)
{
	int rc = appointment_get(w->db, &w->actor, w->id, a);
	if (rc <= 0) {
		web_error(w, rc < 0 ? 503 : 404, rc < 0 ? NULL : "Ce rendez-vous n'existe pas ou ne vous est pas accessible.");
		return -1;
	}
	return 0;
}

static void render_appointment(struct web *w, const struct appointment *a, const struct appt_form *f)
{
	struct label_list *kinds = pool_alloc(w->req->pool, sizeof *kinds);
	if (!kinds) {
		web_error(w, 500, NULL);
		return;
	}
	appointment_kinds_load(w->db, w->actor.structure_id, kinds);
	set_appointment(w, w->tpl, a, kinds);
	tpl_set_int(w->tpl, "version", a->version);
	tpl_set(w->tpl, "to_bring", a->to_bring);
	if (w->actor.role != ROLE_ACCUEIL || a->created_by == w->actor.user_id)
		tpl_set(w->tpl, "notes", a->notes);
	for (const struct choice *c = appointment_outcomes; c->value; c++) {
		struct tpl_ctx *o = tpl_list_add(w->tpl, "outcomes");
		tpl_set(o, "value", c->value);
		tpl_set(o, "label", c->label);
	}
	outbox_list_for_appointment(w->db, &w->actor, a->id, add_reminder, w);
	appointment_fields(w, f);
	web_render(w, "appointment", "Rendez-vous");
}

static void appointment_as_form(struct web *w, const struct appointment *a, struct appt_form *f)
{
	int64_t local = a->starts_at + clock_paris_offset(a->starts_at);
	*f = (struct appt_form){pool_printf(w->req->pool, "%lld", (long long)a->worker_id),
				a->kind,
				web_date_fr(w, iso_day(w, local / 86400)),
				hm(w, a->starts_at),
				pool_printf(w->req->pool, "%lld", (long long)((a->ends_at - a->starts_at) / 60)),
				a->place,
				a->site_id ? pool_printf(w->req->pool, "%lld", (long long)a->site_id) : "",
				a->place_detail,
				a->to_bring,
				a->notes,
				""};
}

void page_appointment(struct web *w)
{
	struct appointment a;
	if (load_appointment(w, &a) < 0)
		return;
	struct appt_form f;
	appointment_as_form(w, &a, &f);
	render_appointment(w, &a, &f);
}

void page_appointment_update(struct web *w)
{
	struct appointment a;
	if (load_appointment(w, &a) < 0)
		return;
	int64_t version;
	if (str_to_i64(str_from(web_form(w, "version")), 1, INT64_MAX, &version) < 0) {
		web_error(w, 400, "Version du rendez-vous manquante.");
		return;
	}
	struct appt_form f;
	form_from_request(w, &f);
	/* The participants stay those of the appointment. */
	int64_t ids[APPT_PERSONS_MAX];
	for (int i = 0; i < a.npersons; i++)
		ids[i] = a.persons[i].id;
	struct appointment_input in;
	input_from_form(w, &f, ids, a.npersons, &in);
	int rc = appointment_update(w->db, &w->actor, a.id, version, &in, on_field_error, w);
	if (rc == 0) {
		web_redirect(w, pool_printf(w->req->pool, "/rendez-vous/%lld", (long long)a.id),
			     "Rendez-vous modifié. Les rappels suivent le nouvel horaire.");
		return;
	}
	if (rc == 1) {
		w->resp->status = 409;
		web_flash(w, strcmp(a.status, "annule") == 0
				     ? "Ce rendez-vous est annulé : il ne peut plus être modifié."
				     : "Quelqu'un a modifié ce rendez-vous pendant que vous le modifiiez. Voici la version "
				       "enregistrée : refaites vos changements si besoin.");
		appointment_as_form(w, &a, &f);
	} else if (w->resp->status == 200) {
		w->resp->status = 422;
	}
	render_appointment(w, &a, &f);
}

void page_appointment_cancel(struct web *w)
{
	struct appointment a;
	if (load_appointment(w, &a) < 0)
		return;
	struct buf err = BUF_INIT;
	if (appointment_cancel(w->db, &w->actor, a.id, &err) < 0) {
		web_redirect(w, pool_printf(w->req->pool, "/rendez-vous/%lld", (long long)a.id), buf_cstr(&err));
		buf_free(&err);
		return;
	}
	buf_free(&err);
	web_redirect(w, pool_printf(w->req->pool, "/rendez-vous/%lld", (long long)a.id),
		     "Rendez-vous annulé. Aucun rappel ne partira plus ; prévenez la personne si besoin.");
}

void page_appointment_outcome(struct web *w)
{
	struct appointment a;
	if (load_appointment(w, &a) < 0)
		return;
	int64_t person;
	struct buf err = BUF_INIT;
	if (str_to_i64(str_from(web_form(w, "person")), 1, INT64_MAX, &person) < 0) {
		web_error(w, 400, "Personne manquante.");
		return;
	}
	int rc = appointment_set_outcome(w->db, &w->actor, a.id, person, web_form(w, "outcome"), &err);
	web_redirect(w, pool_printf(w->req->pool, "/rendez-vous/%lld", (long long)a.id),
		     rc < 0 ? buf_cstr(&err) : "Présence enregistrée.");
	buf_free(&err);
}

/* ---- the person's file section ---------------------------------------------------- */

struct person_appts {
	struct web *w;
	struct label_list kinds;
};

static void person_appt(void *arg, const struct appointment *a)
{
	struct person_appts *s = arg;
	set_appointment(s->w, tpl_list_add(s->w->tpl, "appointments"), a, &s->kinds);
}

void appointments_section(struct web *w, int64_t person_id)
{
	struct person_appts *s = pool_alloc(w->req->pool, sizeof *s);
	if (!s)
		return;
	s->w = w;
	appointment_kinds_load(w->db, w->actor.structure_id, &s->kinds);
	appointment_list_person(w->db, &w->actor, person_id, person_appt, s);
}

/* ---- reception: letters, calls, failures ---------------------------------------------- */

static void add_outbox(void *arg, const struct outbox_row *r)
{
	struct web *w = arg;
	const char *list = strcmp(r->status, "failed") == 0 ? "failed"
			   : strcmp(r->channel, "courrier") == 0 ? "letters" : "calls";
	struct tpl_ctx *c = tpl_list_add(w->tpl, list);
	tpl_set_int(c, "id", r->id);
	tpl_set_int(c, "person_id", r->person_id);
	tpl_set_int(c, "appointment_id", r->appointment_id);
	tpl_set(c, "person", r->person_name);
	tpl_set(c, "recipient", r->recipient);
	tpl_set(c, "subject", r->subject);
	tpl_set(c, "body", r->body);
	tpl_set(c, "channel", choice_label(reminder_channels, r->channel));
	tpl_set(c, "error", r->last_error);
}

void page_reminders(struct web *w)
{
	int64_t until = clock_now() + 86400;
	if (outbox_list(w->db, &w->actor, "courrier", "pending", until, add_outbox, w) < 0 ||
	    outbox_list(w->db, &w->actor, "telephone", "pending", until, add_outbox, w) < 0 ||
	    outbox_list(w->db, &w->actor, "", "failed", INT64_MAX, add_outbox, w) < 0) {
		web_error(w, 503, NULL);
		return;
	}
	web_render(w, "reminders", "Rappels à faire");
}

struct letters {
	struct web *w;
	struct pdf_letter items[200];
	int n;
	char sender[600], place_date[120];
};

static void add_letter(void *arg, const struct outbox_row *r)
{
	struct letters *l = arg;
	if (l->n >= 200)
		return;
	struct pool *pool = l->w->req->pool;
	l->items[l->n++] = (struct pdf_letter){
		.sender = l->sender,
		.recipient = pool_printf(pool, "%s", r->recipient),
		.place_date = l->place_date,
		.subject = pool_printf(pool, "Objet : %s", r->subject),
		.body = pool_printf(pool, "%s", r->body),
		.signature = NULL,
	};
}

void page_reminder_letters(struct web *w)
{
	struct letters *l = pool_alloc(w->req->pool, sizeof *l);
	if (!l) {
		web_error(w, 500, NULL);
		return;
	}
	l->w = w;
	struct structure_contact c;
	memset(&c, 0, sizeof c);
	structure_contact_get(w->db, w->actor.structure_id, &c);
	snprintf(l->sender, sizeof l->sender, "%s%s%s%s%s", w->sess.user.structure_name, c.address[0] ? "\n" : "",
		 c.address, c.phone[0] ? "\nTéléphone : " : "", c.phone);
	char today[64];
	clock_format_fr(clock_now(), today, sizeof today);
	today[10] = '\0';
	snprintf(l->place_date, sizeof l->place_date, "Le %s", today);
	if (outbox_list(w->db, &w->actor, "courrier", "pending", clock_now() + 86400, add_letter, l) < 0) {
		web_error(w, 503, NULL);
		return;
	}
	if (!l->n) {
		web_redirect(w, "/rappels", "Aucune lettre à imprimer aujourd'hui.");
		return;
	}
	if (pdf_letters(l->items, l->n, &w->resp->body) < 0) {
		buf_reset(&w->resp->body);
		web_error(w, 500, NULL);
		return;
	}
	w->resp->content_type = "application/pdf";
	resp_header(w->req, w->resp, "Content-Disposition", "inline; filename=\"lettres-de-rappel.pdf\"");
}

void page_reminder_done(struct web *w)
{
	struct buf err = BUF_INIT;
	int rc = outbox_mark_done(w->db, &w->actor, w->id, &err);
	if (rc < 0 && strcmp(buf_cstr(&err), "Ce rappel n'existe pas.") == 0) {
		buf_free(&err);
		web_error(w, 404, NULL);
		return;
	}
	web_redirect(w, "/rappels", rc < 0 ? buf_cstr(&err) : "C'est noté.");
	buf_free(&err);
}

/* ---- the structure's settings, with a preview ------------------------------------------- */

static void preview(struct web *w, const struct reminder_settings *s)
{
	struct reminder_values v = {"Manon", "Mme Denis", "mardi 2 décembre", "14 h 30", "Élodie Marchand",
				    "Hôtel de ville, place Salvador-Allende", "votre avis d'imposition",
				    "03 20 00 00 00", w->sess.user.structure_name};
	struct buf sms = BUF_INIT, email = BUF_INIT, letter = BUF_INIT;
	int segments = reminder_render(s->sms_template, &v, 1, &sms);
	reminder_render(s->email_template, &v, 0, &email);
	reminder_render(s->letter_template, &v, 0, &letter);
	int gsm7;
	sms_segments(buf_cstr(&sms), &gsm7);
	tpl_set(w->tpl, "preview_sms", buf_cstr(&sms));
	tpl_set_int(w->tpl, "preview_segments", segments);
	tpl_set_bool(w->tpl, "preview_multi", segments > 1);
	tpl_set_int(w->tpl, "preview_length", (long long)utf8_length(sms.data ? sms.data : "", sms.len));
	tpl_set_bool(w->tpl, "preview_unicode", !gsm7);
	tpl_set(w->tpl, "preview_email", buf_cstr(&email));
	tpl_set(w->tpl, "preview_letter", buf_cstr(&letter));
	buf_free(&sms);
	buf_free(&email);
	buf_free(&letter);
	tpl_set(w->tpl, "delays", s->delays);
	tpl_set(w->tpl, "fallback", s->fallback);
	tpl_set(w->tpl, "sms_template", s->sms_template);
	tpl_set(w->tpl, "email_template", s->email_template);
	tpl_set(w->tpl, "letter_template", s->letter_template);
}

void page_reminder_settings(struct web *w)
{
	struct reminder_settings *s = pool_alloc(w->req->pool, sizeof *s);
	if (!s || reminder_settings_get(w->db, w->actor.structure_id, s) < 0) {
		web_error(w, 503, NULL);
		return;
	}
	preview(w, s);
	web_render(w, "reminder_settings", "Rappels de rendez-vous");
}

/* The field an error of reminder_settings_set is about, for the summary's
 * link and the field's message: a template refused is the first one that
 * lacks {date} or {heure} or is too long. */
static const char *settings_error_field(const struct reminder_settings *s, const char *msg)
{
	if (strncmp(msg, "Ordre des moyens", strlen("Ordre des moyens")) == 0)
		return "fallback";
	if (strncmp(msg, "Chaque modèle", strlen("Chaque modèle")) == 0) {
		const char *names[] = {"sms_template", "email_template", "letter_template"};
		const char *tpls[] = {s->sms_template, s->email_template, s->letter_template};
		for (int i = 0; i < 3; i++)
			if (!strstr(tpls[i], "{date}") || !strstr(tpls[i], "{heure}") ||
			    !utf8_valid_text(tpls[i], strlen(tpls[i]), 1) || utf8_length(tpls[i], strlen(tpls[i])) > 900)
				return names[i];
	}
	return "delays";
}

void page_reminder_settings_post(struct web *w)
{
	struct reminder_settings *s = pool_alloc(w->req->pool, sizeof *s);
	if (!s) {
		web_error(w, 500, NULL);
		return;
	}
	cstr_copy(s->delays, sizeof s->delays, web_form(w, "delays"));
	cstr_copy(s->fallback, sizeof s->fallback, web_form(w, "fallback"));
	cstr_copy(s->sms_template, sizeof s->sms_template, web_form(w, "sms_template"));
	cstr_copy(s->email_template, sizeof s->email_template, web_form(w, "email_template"));
	cstr_copy(s->letter_template, sizeof s->letter_template, web_form(w, "letter_template"));
	/* "Aperçu" shows the texts without saving them. */
	struct buf err = BUF_INIT;
	if (req_form(w->req, "apercu") || reminder_settings_set(w->db, &w->actor, s, &err) < 0) {
		if (err.len)
			web_field_error(w, settings_error_field(s, buf_cstr(&err)), buf_cstr(&err));
		buf_free(&err);
		preview(w, s);
		web_render(w, "reminder_settings", "Rappels de rendez-vous");
		return;
	}
	buf_free(&err);
	web_redirect(w, "/structure/rappels", "Réglages des rappels enregistrés.");
}

/* ---- the calendar feed and the SMS gateway's reports ------------------------------------ */

void page_calendar_feed(struct web *w)
{
	const char *name = w->req->path + strlen("/calendrier/");
	size_t n = strlen(name);
	if (n < 5 || strcmp(name + n - 4, ".ics") != 0 || n - 4 > 64) {
		web_error(w, 404, NULL);
		return;
	}
	char token[72];
	memcpy(token, name, n - 4);
	token[n - 4] = '\0';
	int rc = calendar_feed_ics(w->db, token, &w->resp->body);
	if (rc != 1) {
		buf_reset(&w->resp->body);
		web_error(w, rc < 0 ? 503 : 404, NULL);
		return;
	}
	w->resp->content_type = "text/calendar; charset=utf-8";
}

void page_calendar_settings(struct web *w)
{
	const char *action = web_form(w, "action");
	if (strcmp(action, "supprimer") == 0) {
		if (calendar_feed_revoke(w->db, &w->actor) < 0) {
			web_error(w, 503, NULL);
			return;
		}
		web_redirect(w, "/compte#agenda", "Le lien de votre agenda ne fonctionne plus.");
		return;
	}
	char token[48];
	const char *detail = web_form(w, "detail");
	if (calendar_feed_new(w->db, &w->actor, detail[0] ? detail : "initiales", token) < 0) {
		web_error(w, 400, "Niveau de détail inconnu.");
		return;
	}
	/* The secret address is shown once, on this page, never stored in clear. */
	tpl_set(w->tpl, "feed_path", pool_printf(w->req->pool, "/calendrier/%s.ics", token));
	/* The address as the browser reached Lien (shown to its owner only). */
	const char *host = req_header(w->req, "Host");
	if (host && strlen(host) < 200 && !strpbrk(host, "\"<> "))
		tpl_set(w->tpl, "base_url", pool_printf(w->req->pool, "%s://%s", w->req->secure ? "https" : "http", host));
	web_render(w, "calendar_feed", "Mon agenda dans mon téléphone");
}

/* Kannel calls GET /passerelle/sms/accuse?id=N&type=T&sig=S. Type 1
 * (delivered) and 8 (accepted by the operator) settle a claim. */
void page_sms_report(struct web *w)
{
	const char *id = req_query(w->req, "id"), *sig = req_query(w->req, "sig"), *type = req_query(w->req, "type");
	int64_t outbox_id, t = 0;
	if (!id || !sig || !type || sms_dlr_check(id, sig, &outbox_id) != 1 ||
	    str_to_i64(str_from(type), 0, 64, &t) < 0) {
		web_error(w, 403, NULL);
		return;
	}
	/* Unrecorded, the report must come again (smsbox's http-request-retry):
	 * lost, the row would be sent a second time once its claim expired. */
	if ((t & (1 | 8)) && outbox_delivery(w->db, outbox_id, (t & 1) != 0, clock_now()) < 0) {
		web_error(w, 503, NULL);
		return;
	}
	w->resp->content_type = "text/plain; charset=utf-8";
	buf_puts(&w->resp->body, "ok\n");
}
