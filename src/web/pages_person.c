/* The person's file: search, creation with duplicate warning, the file
 * page, editing with conflict detection, the NIR, household and referents. */
#include "web/web.h"
#include "domain/procedure.h"
#include "core/clock.h"
#include "core/text.h"
#include "domain/audit.h"
#include "domain/appointment.h"
#include "domain/journal.h"
#include "domain/person.h"
#include "domain/retention.h"
#include "domain/user.h"
#include "view/pdf.h"

#include <stdio.h>
#include <string.h>

enum { MAX_HITS = 50 };

/* After a successful change: back to the file (at a section), with a message. */
static void to_file(struct web *w, int64_t id, const char *anchor, const char *flash)
{
	char *loc = pool_printf(w->req->pool, "/personnes/%lld%s", (long long)id, anchor ? anchor : "");
	web_redirect(w, loc ? loc : "/personnes", flash);
}

static void on_field_error(void *arg, const char *field, const char *msg)
{
	web_field_error(arg, field, msg);
}

static void add_hits(struct web *w, const char *list, const struct person_hit *hits, int n)
{
	for (int i = 0; i < n; i++) {
		struct tpl_ctx *h = tpl_list_add(w->tpl, list);
		char birth[16];
		date_fr(hits[i].birth_date, birth, sizeof birth);
		tpl_set_int(h, "id", hits[i].id);
		tpl_set(h, "file_number", hits[i].file_number);
		tpl_set(h, "name", hits[i].name);
		tpl_set(h, "birth_date", birth);
		tpl_set(h, "commune", hits[i].commune);
		tpl_set(h, "phone", hits[i].phone);
		tpl_set_bool(h, "archived", strcmp(hits[i].status, "archived") == 0);
		tpl_set_bool(h, "masked", hits[i].masked);
	}
}

void page_persons(struct web *w)
{
	const char *q = req_query(w->req, "q");
	tpl_set(w->tpl, "q", q);
	if (q && q[0]) {
		struct person_hit hits[MAX_HITS];
		int n = person_search(w->db, &w->actor, q, hits, MAX_HITS);
		if (n < 0) {
			web_error(w, 503, NULL);
			return;
		}
		add_hits(w, "hits", hits, n);
		tpl_set_bool(w->tpl, "searched", 1);
		tpl_set_int(w->tpl, "count", n);
		tpl_set_bool(w->tpl, "plural", n > 1);
		tpl_set_bool(w->tpl, "more", n == MAX_HITS);
		audit_log(w->db, &w->actor, "person.search", "search", 0, NULL);
	}
	web_render(w, "persons", q && q[0] ? "Résultats de recherche" : "Rechercher une personne");
}

/* The form: one list of parts, each with its fields, built from the
 * field table so that adding a field needs no template change. */
static void form_fields(struct web *w, const struct person *p, int with_situation)
{
	for (int part = PART_IDENTITY; part <= PART_INFO; part++) {
		if (part == PART_SITUATION && !with_situation)
			continue;
		struct tpl_ctx *pc = tpl_list_add(w->tpl, "parts");
		tpl_set(pc, "legend", field_part_labels[part]);
		for (int f = 0; f < PF_COUNT; f++) {
			const struct person_field_def *d = &person_fields[f];
			if ((int)d->part != part)
				continue;
			struct tpl_ctx *fc = tpl_list_add(pc, "fields");
			char errkey[80];
			snprintf(errkey, sizeof errkey, "%s_error", d->name);
			const char *err = tpl_get(w->tpl, errkey);
			tpl_set(fc, "name", d->name);
			tpl_set(fc, "label", d->label);
			tpl_set(fc, "hint", d->hint);
			tpl_set(fc, "error", err);
			tpl_set_bool(fc, "required", d->required && d->kind != FK_FLAG);
			const char *v = p->v[f];
			char shown[PERSON_VALUE_MAX];
			if (d->kind == FK_DATE) {
				date_fr(v, shown, sizeof shown);
				v = shown;
			} else if (d->kind == FK_NIR && v[0] && !tpl_get(w->tpl, errkey)) {
				/* Never in clear in a form: unmasking is a separate, audited act. */
				nir_masked(v, shown, sizeof shown);
				v = shown;
			}
			switch (d->kind) {
			case FK_CHOICE:
				tpl_set_bool(fc, "is_select", 1);
				for (const struct choice *c = d->choices; c->value; c++) {
					struct tpl_ctx *o = tpl_list_add(fc, "options");
					tpl_set(o, "value", c->value);
					tpl_set(o, "label", c->label);
					tpl_set_bool(o, "selected", strcmp(c->value, v) == 0);
				}
				break;
			case FK_FLAG:
				tpl_set_bool(fc, "is_flag", 1);
				tpl_set_bool(fc, "checked", v[0] == '1');
				break;
			case FK_LONGTEXT:
				tpl_set_bool(fc, "is_long", 1);
				tpl_set(fc, "value", v);
				break;
			default:
				tpl_set_bool(fc, "is_input", 1);
				tpl_set(fc, "value", v);
				tpl_set(fc, "type", d->kind == FK_EMAIL ? "email" : d->kind == FK_PHONE ? "tel" : "text");
				tpl_set(fc, "inputmode", d->kind == FK_POSTAL ? "numeric" : NULL);
				tpl_set(fc, "autocomplete", "off");
			}
		}
	}
}

/* Reads the declared fields from the form; a flag absent from the form is 0. */
static void person_from_form(struct web *w, struct person *p)
{
	for (int f = 0; f < PF_COUNT; f++) {
		const struct person_field_def *d = &person_fields[f];
		if (d->part == PART_SITUATION && !person_can_see_situation(&w->actor))
			continue;
		const char *v = req_form(w->req, d->name);
		if (d->kind == FK_FLAG)
			cstr_copy(p->v[f], PERSON_VALUE_MAX, v && strcmp(v, "1") == 0 ? "1" : "0");
		else if (v && cstr_copy(p->v[f], PERSON_VALUE_MAX, v) < 0)
			web_field_error(w, d->name, "Texte trop long.");
	}
}

static void render_person_form(struct web *w, const struct person *p, const char *tpl, const char *title)
{
	form_fields(w, p, person_can_see_situation(&w->actor));
	web_render(w, tpl, title);
}

void page_person_new(struct web *w)
{
	struct person p;
	person_init(&p, clock_now());
	render_person_form(w, &p, "person_new", "Nouvelle personne");
}

void page_person_create(struct web *w)
{
	struct person p;
	person_init(&p, clock_now());
	person_from_form(w, &p);
	if (person_validate(&p, &w->actor, on_field_error, w) < 0 || w->resp->status != 200) {
		render_person_form(w, &p, "person_new", "Nouvelle personne");
		return;
	}
	/* Duplicates are proposed until the worker says it is someone else. */
	if (!req_form(w->req, "autre_personne")) {
		struct person_hit hits[10];
		int n = person_duplicates(w->db, &w->actor, &p, hits, 10);
		if (n > 0) {
			add_hits(w, "duplicates", hits, n);
			tpl_set_bool(w->tpl, "has_duplicates", 1);
			w->resp->status = 409;
			render_person_form(w, &p, "person_new", "Cette personne a peut-être déjà un dossier");
			return;
		}
	}
	struct buf err = BUF_INIT;
	if (person_create(w->db, &w->actor, &p, &err) < 0) {
		web_flash(w, buf_cstr(&err));
		buf_free(&err);
		w->resp->status = 500;
		render_person_form(w, &p, "person_new", "Nouvelle personne");
		return;
	}
	buf_free(&err);
	char msg[120];
	snprintf(msg, sizeof msg, "Dossier %s créé.", p.file_number);
	to_file(w, p.id, NULL, msg);
}

/* ---- the file page ---- */

static void fact_list(struct web *w, const struct person *p, int reveal_nir)
{
	for (int part = PART_IDENTITY; part <= PART_INFO; part++) {
		if (part == PART_SITUATION && !person_can_see_situation(&w->actor))
			continue;
		struct tpl_ctx *pc = tpl_list_add(w->tpl, "fact_parts");
		tpl_set(pc, "legend", field_part_labels[part]);
		for (int f = 0; f < PF_COUNT; f++) {
			const struct person_field_def *d = &person_fields[f];
			if ((int)d->part != part || (!p->v[f][0] && d->kind != FK_FLAG))
				continue;
			if (d->kind == FK_FLAG && p->v[f][0] != '1')
				continue;
			struct tpl_ctx *fc = tpl_list_add(pc, "facts");
			char shown[PERSON_VALUE_MAX];
			const char *v = p->v[f];
			if (d->kind == FK_DATE) {
				date_fr(v, shown, sizeof shown);
				v = shown;
			} else if (d->kind == FK_CHOICE) {
				v = choice_label(d->choices, v);
			} else if (d->kind == FK_FLAG) {
				v = "oui";
			} else if (d->kind == FK_NIR && !reveal_nir) {
				nir_masked(p->v[f], shown, sizeof shown);
				v = shown;
				tpl_set_bool(fc, "nir_masked", 1);
			}
			tpl_set(fc, "label", d->label);
			tpl_set(fc, "value", v);
		}
	}
}

struct page_state {
	struct web *w;
	int count;
};

/* What the journal callbacks need: the page and the structure's themes. */
struct journal_page {
	struct web *w;
	struct theme_list themes;
};

static void add_entry(void *arg, const struct entry *e)
{
	struct journal_page *jp = arg;
	struct web *w = jp->w;
	struct tpl_ctx *c = tpl_list_add(w->tpl, "entries");
	char when[64];
	clock_format_fr(e->at, when, sizeof when);
	tpl_set_int(c, "id", e->id);
	tpl_set(c, "when", when);
	tpl_set(c, "author", e->author);
	tpl_set(c, "medium", choice_label(journal_media, e->medium));
	tpl_set(c, "kind", choice_label(journal_kinds, e->kind));
	tpl_set(c, "site", e->site);
	if (e->duration_min)
		tpl_set_int(c, "duration", e->duration_min);
	tpl_set(c, "summary", e->summary);
	tpl_set(c, "for_person", e->for_person);
	tpl_set(c, "documents", e->documents);
	tpl_set(c, "workers", e->workers);
	tpl_set(c, "private_note", e->private_note);
	/* Themes, comma-separated values, shown by label. */
	char themes[800];
	cstr_copy(themes, sizeof themes, e->themes ? e->themes : "");
	for (char *t = themes; *t;) {
		char *comma = strchr(t, ',');
		if (comma)
			*comma = '\0';
		tpl_set(tpl_list_add(c, "themes"), "label", theme_label(&jp->themes, t));
		if (!comma)
			break;
		t = comma + 1;
	}
}

static void add_task(void *arg, const struct task *t)
{
	struct web *w = arg;
	struct tpl_ctx *c = tpl_list_add(w->tpl, "tasks");
	char due[16];
	date_fr(t->due_date, due, sizeof due);
	tpl_set_int(c, "id", t->id);
	tpl_set(c, "text", t->text);
	tpl_set(c, "due", due);
	tpl_set(c, "assignee", t->assignee);
	tpl_set_bool(c, "done", t->done_at != 0);
	tpl_set_int(c, "person_id", t->person_id);
	tpl_set(c, "person_name", t->person_name);
	if (t->due_date[0]) {
		char today[16];
		int y, m, d;
		civil_from_days((clock_now() + clock_paris_offset(clock_now())) / 86400, &y, &m, &d);
		snprintf(today, sizeof today, "%04d-%02d-%02d", y, m, d);
		int cmp = strcmp(t->due_date, today);
		tpl_set_bool(c, "overdue", !t->done_at && cmp < 0);
		tpl_set_bool(c, "today", !t->done_at && cmp == 0);
	}
}

static void add_referent(void *arg, int64_t id, const char *name)
{
	struct web *w = arg;
	struct tpl_ctx *c = tpl_list_add(w->tpl, "referents");
	tpl_set_int(c, "id", id);
	tpl_set(c, "name", name);
}

static void add_colleague(void *arg, const struct user *u)
{
	struct web *w = arg;
	if (!user_can_follow(u, w->actor.structure_id))
		return;
	struct tpl_ctx *c = tpl_list_add(w->tpl, "colleagues");
	tpl_set_int(c, "id", u->id);
	tpl_set(c, "name", u->display_name);
	tpl_set_bool(c, "me", u->id == w->actor.user_id);
}

static void choices_list(struct web *w, const char *key, const struct choice *choices, const char *selected)
{
	for (const struct choice *c = choices; c->value; c++) {
		struct tpl_ctx *o = tpl_list_add(w->tpl, key);
		tpl_set(o, "value", c->value);
		tpl_set(o, "label", c->label);
		tpl_set_bool(o, "selected", selected && strcmp(selected, c->value) == 0);
	}
}

/* The « Lieu » select of the entry form, only when the structure has
 * sites (« Sans lieu précis » first): a form sent back keeps its choice;
 * else the site of the worker's previous entry, if still open; else the
 * only site, when there is one. */
enum { ENTRY_SITES_MAX = 100 };
struct site_options {
	struct {
		int64_t id;
		const char *name;
	} items[ENTRY_SITES_MAX];
	struct web *w;
	int n;
};

static void add_entry_site(void *arg, int64_t id, const char *name, const char *address)
{
	struct site_options *o = arg;
	(void)address;
	if (o->n == ENTRY_SITES_MAX)
		return;
	o->items[o->n].id = id;
	o->items[o->n++].name = pool_printf(o->w->req->pool, "%s", name);
}

static void entry_sites(struct web *w, int64_t last_site)
{
	struct site_options *o = pool_alloc(w->req->pool, sizeof *o);
	if (!o)
		return;
	o->w = w;
	o->n = 0;
	if (sites_list(w->db, w->actor.structure_id, add_entry_site, o) < 0 || !o->n)
		return;
	int64_t selected = 0;
	const char *sent = req_form(w->req, "site");
	if (sent) {
		if (str_to_i64(str_from(sent), 0, INT64_MAX, &selected) < 0)
			selected = 0;
	} else {
		for (int i = 0; i < o->n; i++)
			if (o->items[i].id == last_site)
				selected = last_site;
		if (!selected && o->n == 1)
			selected = o->items[0].id;
	}
	tpl_set_bool(w->tpl, "has_sites", 1);
	tpl_set_bool(w->tpl, "entry_site_none", selected == 0);
	for (int i = 0; i < o->n; i++) {
		struct tpl_ctx *c = tpl_list_add(w->tpl, "entry_sites");
		tpl_set_int(c, "id", o->items[i].id);
		tpl_set(c, "name", o->items[i].name ? o->items[i].name : "");
		tpl_set_bool(c, "selected", o->items[i].id == selected);
	}
}

/* Shared by the file page and the entry form shown again with errors. */
static void render_file(struct web *w, const struct person *p, int reveal_nir)
{
	char name[300];
	person_display_name(p, name, sizeof name);
	tpl_set_int(w->tpl, "person_id", p->id);
	tpl_set(w->tpl, "person_name", name);
	tpl_set(w->tpl, "file_number", p->file_number);
	tpl_set_bool(w->tpl, "archived", strcmp(p->status, "archived") == 0);
	tpl_set_bool(w->tpl, "restricted", p->v[PF_RESTRICTED][0] == '1');
	tpl_set_bool(w->tpl, "can_follow", person_can_follow(&w->actor));
	tpl_set_bool(w->tpl, "is_head", w->actor.role == ROLE_RESPONSABLE);
	tpl_set_bool(w->tpl, "has_nir", p->v[PF_NIR][0] && !reveal_nir && person_can_see_situation(&w->actor));
	fact_list(w, p, reveal_nir);

	struct household_member members[30];
	int n = household_list(w->db, p->id, members, 30);
	for (int i = 0; i < n; i++) {
		struct tpl_ctx *c = tpl_list_add(w->tpl, "household");
		char birth[16];
		date_fr(members[i].birth_date, birth, sizeof birth);
		tpl_set(c, "name", members[i].first_names);
		tpl_set(c, "last_name", members[i].last_name);
		tpl_set(c, "birth_date", birth);
		tpl_set(c, "relation", choice_label(household_relations, members[i].relation));
	}
	choices_list(w, "relations", household_relations, NULL);
	person_referents(w->db, p->id, add_referent, w);
	user_list(w->db, w->actor.structure_id, add_colleague, w);
	appointments_section(w, p->id);
	if (person_can_follow(&w->actor)) {
		task_list_person(w->db, &w->actor, p->id, add_task, w);
		procedures_section(w, p->id);
		aids_section(w, p->id);
		diagnostics_section(w, p->id);
		orientations_section(w, p->id);
		documents_section(w, p->id, "person", p->id);
	}
	struct journal_page *jp = pool_alloc(w->req->pool, sizeof *jp);
	if (!jp) {
		web_error(w, 500, NULL);
		return;
	}
	jp->w = w;
	themes_load(w->db, w->actor.structure_id, &jp->themes);
	journal_list(w->db, &w->actor, p->id, 50, add_entry, jp);

	/* The quick entry form: now, me, the medium and site I used last. */
	char medium[40];
	int64_t last_site = 0;
	const char *m = req_form(w->req, "medium");
	journal_last_medium(w->db, w->actor.user_id, medium, sizeof medium, &last_site);
	if (!m)
		m = medium;
	entry_sites(w, last_site);
	const char *kind = req_form(w->req, "kind");
	choices_list(w, "media", journal_media, m);
	if (person_can_follow(&w->actor)) {
		choices_list(w, "kinds", journal_kinds, kind ? kind : "entretien");
	} else {
		/* Reception notes a passage at the desk, nothing else. */
		struct tpl_ctx *o = tpl_list_add(w->tpl, "kinds");
		tpl_set(o, "value", "accueil");
		tpl_set(o, "label", choice_label(journal_kinds, "accueil"));
		tpl_set_bool(o, "selected", 1);
	}
	for (int i = 0; i < jp->themes.n; i++) {
		const struct theme *t = &jp->themes.items[i];
		if (!t->active)
			continue;
		struct tpl_ctx *o = tpl_list_add(w->tpl, "theme_choices");
		tpl_set(o, "value", t->value);
		tpl_set(o, "label", t->label);
		tpl_set_bool(o, "checked", req_form(w->req, pool_printf(w->req->pool, "theme_%s", t->value)) != NULL);
	}
	web_render(w, "person", name);
}

static int load_person(struct web *w, struct person *p, const char *audit_action)
{
	int rc = person_get(w->db, &w->actor, w->id, p, audit_action);
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

void page_person(struct web *w)
{
	struct person p;
	/* The audit row and "recently opened" in one commit: one disk sync. */
	if (db_begin(w->db) < 0) {
		web_error(w, 503, NULL);
		return;
	}
	if (load_person(w, &p, "person.read") < 0) {
		db_rollback(w->db);
		return;
	}
	person_mark_recent(w->db, &w->actor, p.id);
	if (db_commit(w->db) < 0) {
		web_error(w, 503, NULL);
		return;
	}
	render_file(w, &p, 0);
}

void page_person_nir(struct web *w)
{
	struct person p;
	if (load_person(w, &p, "person.nir_unmask") < 0)
		return;
	tpl_set_bool(w->tpl, "nir_revealed", 1);
	render_file(w, &p, 1);
}

void page_person_edit(struct web *w)
{
	struct person p;
	if (load_person(w, &p, "person.read") < 0)
		return;
	char name[300];
	person_display_name(&p, name, sizeof name);
	tpl_set_int(w->tpl, "person_id", p.id);
	tpl_set_int(w->tpl, "version", p.version);
	tpl_set(w->tpl, "person_name", name);
	render_person_form(w, &p, "person_edit", "Modifier le dossier");
}

void page_person_update(struct web *w)
{
	struct person p, cur;
	if (load_person(w, &p, NULL) < 0)
		return;
	if (strcmp(p.status, "active") != 0) {
		web_error(w, 403, "Ce dossier est archivé : il ne peut plus être modifié.");
		return;
	}
	int64_t version;
	if (str_to_i64(str_from(web_form(w, "version")), 1, INT64_MAX, &version) < 0) {
		web_error(w, 400, "Version du dossier manquante.");
		return;
	}
	char stored_nir[PERSON_VALUE_MAX], masked[PERSON_VALUE_MAX];
	cstr_copy(stored_nir, sizeof stored_nir, p.v[PF_NIR]);
	nir_masked(stored_nir, masked, sizeof masked);
	person_from_form(w, &p);
	p.version = version;
	/* The masked number sent back unchanged means "keep the stored one". */
	if (stored_nir[0] && strcmp(p.v[PF_NIR], masked) == 0)
		cstr_copy(p.v[PF_NIR], PERSON_VALUE_MAX, stored_nir);
	char name[300];
	person_display_name(&p, name, sizeof name);
	tpl_set_int(w->tpl, "person_id", p.id);
	tpl_set(w->tpl, "person_name", name);
	if (person_validate(&p, &w->actor, on_field_error, w) < 0 || w->resp->status != 200) {
		tpl_set_int(w->tpl, "version", version);
		render_person_form(w, &p, "person_edit", "Modifier le dossier");
		return;
	}
	struct buf err = BUF_INIT;
	int rc = person_update(w->db, &w->actor, &p, &cur, &err);
	if (rc < 0) {
		web_flash(w, buf_cstr(&err));
		buf_free(&err);
		w->resp->status = 500;
		tpl_set_int(w->tpl, "version", version);
		render_person_form(w, &p, "person_edit", "Modifier le dossier");
		return;
	}
	buf_free(&err);
	if (rc == 1) {
		/* Someone saved in between: show what differs, keep what was typed,
		 * and let the worker decide field by field. */
		w->resp->status = 409;
		tpl_set_bool(w->tpl, "conflict", 1);
		tpl_set_int(w->tpl, "version", cur.version);
		for (int f = 0; f < PF_COUNT; f++) {
			if (strcmp(cur.v[f], p.v[f]) == 0)
				continue;
			if (person_fields[f].part == PART_SITUATION && !person_can_see_situation(&w->actor))
				continue;
			struct tpl_ctx *c = tpl_list_add(w->tpl, "changes");
			tpl_set(c, "label", person_fields[f].label);
			tpl_set(c, "theirs", person_fields[f].kind == FK_NIR ? "(modifié)" : cur.v[f]);
			tpl_set(c, "mine", person_fields[f].kind == FK_NIR ? "(votre saisie)" : p.v[f]);
		}
		render_person_form(w, &p, "person_edit", "Modification refusée : le dossier a changé");
		return;
	}
	to_file(w, p.id, NULL, "Dossier enregistré.");
}

void page_household_add(struct web *w)
{
	struct person p;
	if (load_person(w, &p, NULL) < 0)
		return;
	struct household_member m;
	memset(&m, 0, sizeof m);
	int y, mo, d;
	const char *birth = web_form(w, "member_birth_date");
	cstr_copy(m.first_names, sizeof m.first_names, web_form(w, "member_first_names"));
	cstr_copy(m.last_name, sizeof m.last_name, web_form(w, "member_last_name"));
	cstr_copy(m.relation, sizeof m.relation, web_form(w, "member_relation"));
	struct buf err = BUF_INIT;
	if (birth[0]) {
		if (date_parse(birth, &y, &mo, &d) < 0 || days_from_civil(y, mo, d) > date_today_days()) {
			web_field_error(w, "member_birth_date", "Date de naissance impossible : JJ/MM/AAAA.");
			render_file(w, &p, 0);
			return;
		}
		snprintf(m.birth_date, sizeof m.birth_date, "%04d-%02d-%02d", y, mo, d);
	}
	if (household_add(w->db, &w->actor, p.id, &m, &err) < 0) {
		web_field_error(w, "member_last_name", buf_cstr(&err));
		buf_free(&err);
		render_file(w, &p, 0);
		return;
	}
	buf_free(&err);
	to_file(w, p.id, "#foyer", "Membre du foyer ajouté.");
}

void page_referent_add(struct web *w)
{
	struct person p;
	int64_t uid;
	struct user u;
	if (load_person(w, &p, NULL) < 0)
		return;
	if (str_to_i64(str_from(web_form(w, "user_id")), 1, INT64_MAX, &uid) < 0 || user_get(w->db, uid, &u) != 1 ||
	    !user_can_follow(&u, w->actor.structure_id)) {
		web_error(w, 400, "Un référent est un travailleur social ou un responsable actif de la structure.");
		return;
	}
	if (person_add_referent(w->db, &w->actor, p.id, uid) < 0) {
		web_error(w, 503, NULL);
		return;
	}
	to_file(w, p.id, NULL, "Référent ajouté.");
}

void page_entry_create(struct web *w)
{
	struct person p;
	if (load_person(w, &p, NULL) < 0)
		return;
	if (strcmp(p.status, "active") != 0) {
		web_error(w, 403, "Ce dossier est archivé.");
		return;
	}
	/* Themes come as one checkbox per theme, kept in the structure's order;
	 * a box for an unknown or switched-off theme is passed on, and the
	 * domain refuses it. */
	struct buf themes = BUF_INIT;
	struct theme_list *tl = pool_alloc(w->req->pool, sizeof *tl);
	if (tl && themes_load(w->db, w->actor.structure_id, tl) >= 0)
		for (int i = 0; i < tl->n; i++)
			if (req_form(w->req, pool_printf(w->req->pool, "theme_%s", tl->items[i].value)))
				buf_appendf(&themes, "%s%s", themes.len ? "," : "", tl->items[i].value);
	for (size_t i = 0; i < w->req->form.n; i++) {
		const char *name = w->req->form.items[i].name;
		if (strncmp(name, "theme_", 6) == 0 && name[6] && (!tl || theme_label(tl, name + 6) == name + 6))
			buf_appendf(&themes, "%s%s", themes.len ? "," : "", name + 6);
	}
	int64_t assignee = 0;
	const char *a = req_form(w->req, "task_assignee");
	if (a && a[0] && str_to_i64(str_from(a), 1, INT64_MAX, &assignee) < 0)
		assignee = -1;
	/* "" is « Sans lieu précis »; anything but a number is refused by the domain. */
	int64_t site = 0;
	const char *s = web_form(w, "site");
	if (s[0] && str_to_i64(str_from(s), 1, INT64_MAX, &site) < 0)
		site = -1;
	struct entry_input in = {
		.when = web_form(w, "when"),
		.medium = web_form(w, "medium"),
		.kind = web_form(w, "kind"),
		.themes = buf_cstr(&themes),
		.duration = web_form(w, "duration"),
		.workers = web_form(w, "workers"),
		.summary = web_form(w, "summary"),
		.for_person = web_form(w, "for_person"),
		.documents = web_form(w, "documents"),
		.private_note = web_form(w, "private_note"),
		.site_id = site,
		.task_text = web_form(w, "task_text"),
		.task_due = web_form(w, "task_due"),
		.task_assignee = assignee,
	};
	int64_t id = journal_add(w->db, &w->actor, p.id, &in, on_field_error, w);
	buf_free(&themes);
	if (id < 0) {
		/* Keep what was typed: the form is shown again, open, with it. */
		tpl_set_bool(w->tpl, "entry_error", 1);
		tpl_set(w->tpl, "f_summary", in.summary);
		tpl_set(w->tpl, "f_for_person", in.for_person);
		tpl_set(w->tpl, "f_documents", in.documents);
		tpl_set(w->tpl, "f_private_note", in.private_note);
		tpl_set(w->tpl, "f_duration", in.duration);
		tpl_set(w->tpl, "f_when", in.when);
		tpl_set(w->tpl, "f_workers", in.workers);
		tpl_set(w->tpl, "f_task_text", in.task_text);
		tpl_set(w->tpl, "f_task_due", in.task_due);
		render_file(w, &p, 0);
		return;
	}
	to_file(w, p.id, "#journal", "Entrée ajoutée au journal.");
}

void page_task_create(struct web *w)
{
	struct person p;
	if (load_person(w, &p, NULL) < 0)
		return;
	int64_t assignee = w->actor.user_id;
	const char *a = req_form(w->req, "assignee");
	if (a && a[0] && str_to_i64(str_from(a), 1, INT64_MAX, &assignee) < 0)
		assignee = 0;
	struct buf err = BUF_INIT;
	const char *text = web_form(w, "text");
	if (!text[0] || strlen(text) > 500 || !utf8_valid_text(text, strlen(text), 0)) {
		web_field_error(w, "text", "Décrivez la tâche en une ligne (500 caractères au plus).");
		render_file(w, &p, 0);
		return;
	}
	if (task_add(w->db, &w->actor, p.id, 0, text, web_form(w, "due"), assignee, &err) < 0) {
		web_field_error(w, "due", buf_cstr(&err));
		buf_free(&err);
		render_file(w, &p, 0);
		return;
	}
	buf_free(&err);
	to_file(w, p.id, "#taches", "Tâche ajoutée.");
}

void page_task_done(struct web *w)
{
	int64_t person_id = 0;
	int done = strcmp(web_form(w, "fait"), "0") != 0;
	int rc = task_set_done(w->db, &w->actor, w->id, done, &person_id);
	if (rc < 0) {
		web_error(w, 503, NULL);
		return;
	}
	if (rc == 0) {
		web_error(w, 404, "Cette tâche n'existe pas.");
		return;
	}
	const char *back = web_safe_return(req_form(w->req, "retour"));
	web_redirect(w, back, done ? "Tâche terminée." : "Tâche rouverte.");
}

void page_task_reassign(struct web *w)
{
	int64_t person_id = 0, assignee;
	/* An unknown task is a 404 whatever the form says: it is checked first. */
	if (str_to_i64(str_from(web_form(w, "assignee")), 1, INT64_MAX, &assignee) < 0)
		assignee = 0;
	int rc = task_reassign(w->db, &w->actor, w->id, assignee, &person_id);
	if (rc <= 0) {
		web_error(w, rc == 0 ? 404 : 400, rc == 0 ? "Cette tâche n'existe pas." : "Choisissez un collègue actif de la structure.");
		return;
	}
	web_redirect(w, web_safe_return(req_form(w->req, "retour")), "Tâche confiée.");
}

void page_notice(struct web *w)
{
	tpl_set(w->tpl, "structure", w->sess.user.structure_name);
	web_render(w, "notice", "Notice d'information sur vos données");
}

/* What the person takes home, gathered once for the page and the PDF. */
struct synthesis {
	char name[300], today[16], entry_date[16], structure[128];
	struct structure_contact contact;
	struct buf for_person, documents, contacts, progress;
	int has_entry;
	struct db *db;
	struct label_list orgs;
};

/* "What is in progress, what you must bring": the open démarches and the
 * documents not brought yet. */
static void synthesis_procedure(void *arg, const struct procedure *p)
{
	struct synthesis *s = arg;
	buf_appendf(&s->progress, "%s– %s (%s) : %s", s->progress.len ? "\n" : "", p->subject,
		    label_of(&s->orgs, p->organism), choice_label(procedure_statuses, p->status));
	struct checklist_item items[CHECKLIST_MAX];
	int n = checklist_list(s->db, p->id, items, CHECKLIST_MAX), missing = 0;
	for (int i = 0; i < n; i++)
		if (!items[i].done)
			buf_appendf(&s->progress, "%s%s", missing++ ? ", " : ". À apporter : ", items[i].label);
	if (missing)
		buf_putc(&s->progress, '.');
}

static void synthesis_entry(void *arg, const struct entry *e)
{
	struct synthesis *s = arg;
	char when[64];
	clock_format_fr(e->at, when, sizeof when);
	str_copy(s->entry_date, sizeof s->entry_date, (struct str){when, 10});
	buf_puts(&s->for_person, e->for_person);
	buf_puts(&s->documents, e->documents);
	s->has_entry = 1;
}

static void synthesis_contact(void *arg, int64_t id, const char *name)
{
	struct synthesis *s = arg;
	(void)id;
	buf_appendf(&s->contacts, "%s%s", s->contacts.len ? "\n" : "", name);
}

static int synthesis_load(struct web *w, struct person *p, struct synthesis *s)
{
	memset(s, 0, sizeof *s);
	if (load_person(w, p, "person.print_summary") < 0)
		return -1;
	person_display_name(p, s->name, sizeof s->name);
	char today[64];
	clock_format_fr(clock_now(), today, sizeof today);
	str_copy(s->today, sizeof s->today, (struct str){today, 10});
	cstr_copy(s->structure, sizeof s->structure, w->sess.user.structure_name);
	structure_contact_get(w->db, w->actor.structure_id, &s->contact);
	s->db = w->db;
	organisms_load(w->db, w->actor.structure_id, &s->orgs);
	if (journal_latest_for_person(w->db, &w->actor, p->id, synthesis_entry, s) < 0 ||
	    person_referents(w->db, p->id, synthesis_contact, s) < 0 ||
	    procedure_list(w->db, &w->actor, p->id, 1, synthesis_procedure, s) < 0) {
		web_error(w, 503, NULL);
		return -1;
	}
	return 0;
}

static void synthesis_free(struct synthesis *s)
{
	buf_free(&s->for_person);
	buf_free(&s->documents);
	buf_free(&s->contacts);
	buf_free(&s->progress);
}

void page_person_summary(struct web *w)
{
	struct person p;
	struct synthesis s;
	if (synthesis_load(w, &p, &s) < 0)
		return;
	tpl_set(w->tpl, "person_name", s.name);
	tpl_set_int(w->tpl, "person_id", p.id);
	tpl_set(w->tpl, "today", s.today);
	tpl_set(w->tpl, "structure", s.structure);
	tpl_set_bool(w->tpl, "has_entry", s.has_entry);
	tpl_set(w->tpl, "entry_date", s.entry_date);
	tpl_set(w->tpl, "for_person", buf_cstr(&s.for_person));
	tpl_set(w->tpl, "documents", buf_cstr(&s.documents));
	tpl_set(w->tpl, "contacts", buf_cstr(&s.contacts));
	tpl_set(w->tpl, "progress", s.progress.len ? buf_cstr(&s.progress) : NULL);
	tpl_set(w->tpl, "phone", s.contact.phone);
	tpl_set(w->tpl, "address", s.contact.address);
	tpl_set(w->tpl, "hours", s.contact.hours);
	synthesis_free(&s);
	web_render(w, "synthese", "Synthèse pour la personne");
}

void page_person_summary_pdf(struct web *w)
{
	struct person p;
	struct synthesis s;
	if (synthesis_load(w, &p, &s) < 0)
		return;
	char title[400], heading[120], date[40], contact[1200];
	snprintf(title, sizeof title, "Pour %s", s.name);
	snprintf(heading, sizeof heading, "Ce que nous avons fait le %s", s.entry_date);
	snprintf(date, sizeof date, "Le %s", s.today);
	snprintf(contact, sizeof contact, "%s%s%s%s%s%s%s%s%s", buf_cstr(&s.contacts), s.contacts.len ? "\n" : "",
		 s.structure, s.contact.phone[0] ? "\nTéléphone : " : "", s.contact.phone,
		 s.contact.address[0] ? "\n" : "", s.contact.address, s.contact.hours[0] ? "\nHoraires : " : "",
		 s.contact.hours);
	struct pdf_section sections[4];
	int n = 0;
	if (s.has_entry) {
		sections[n++] = (struct pdf_section){heading, buf_cstr(&s.for_person)};
		if (s.documents.len)
			sections[n++] = (struct pdf_section){"Les papiers à apporter", buf_cstr(&s.documents)};
	} else {
		sections[n++] = (struct pdf_section){NULL, "Aucun échange n'a encore été préparé pour vous être remis."};
	}
	if (s.progress.len)
		sections[n++] = (struct pdf_section){"Vos démarches en cours", buf_cstr(&s.progress)};
	sections[n++] = (struct pdf_section){"Qui contacter", contact};
	struct pdf_doc doc = {
		.header_left = s.structure,
		.header_right = date,
		.title = title,
		.sections = sections,
		.nsections = n,
		.footer = "Vous pouvez demander à voir ou corriger les informations vous concernant : "
			  "adressez-vous à l'accueil de la structure.",
	};
	int pages = pdf_render(&doc, &w->resp->body);
	synthesis_free(&s);
	if (pages < 0) {
		buf_reset(&w->resp->body);
		web_error(w, 500, NULL);
		return;
	}
	w->resp->content_type = "application/pdf";
	resp_header(w->req, w->resp, "Content-Disposition",
		    pool_printf(w->req->pool, "inline; filename=\"synthese-%s.pdf\"", p.file_number));
}

/* ---- heads of service: who consulted, right of access, erasure ---- */

static void add_consultation(void *arg, const struct audit_entry *e)
{
	struct web *w = arg;
	struct tpl_ctx *c = tpl_list_add(w->tpl, "consultations");
	char when[64];
	clock_format_fr(e->at, when, sizeof when);
	tpl_set(c, "when", when);
	tpl_set(c, "who", e->who[0] ? e->who : "—");
	tpl_set(c, "action", e->action);
}

void page_person_audit(struct web *w)
{
	struct person p;
	if (load_person(w, &p, "person.read_audit") < 0)
		return;
	char name[300];
	person_display_name(&p, name, sizeof name);
	tpl_set(w->tpl, "person_name", name);
	tpl_set_int(w->tpl, "person_id", p.id);
	if (audit_for_object(w->db, w->actor.structure_id, "person", p.id, 200, add_consultation, w) < 0) {
		web_error(w, 503, NULL);
		return;
	}
	web_render(w, "person_audit", "Qui a consulté ce dossier");
}

struct access_json {
	struct buf *b;
	int first;
};

static void json_entry(void *arg, const struct entry *e)
{
	struct access_json *j = arg;
	char when[32];
	clock_format_iso(e->at, when, sizeof when);
	buf_puts(j->b, j->first ? "\n    {" : ",\n    {");
	j->first = 0;
	buf_puts(j->b, "\"date\": ");
	buf_append_json(j->b, when);
	const char *keys[] = {"moyen", "nature", "themes", "auteur", "compte_rendu", "pour_la_personne", "documents"};
	const char *vals[] = {choice_label(journal_media, e->medium), choice_label(journal_kinds, e->kind), e->themes,
			      e->author, e->summary, e->for_person, e->documents};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		buf_appendf(j->b, ", \"%s\": ", keys[i]);
		buf_append_json(j->b, vals[i]);
	}
	buf_appendf(j->b, ", \"duree_minutes\": %lld, \"note_privee_existante\": %s}", (long long)e->duration_min,
		    e->has_private_note ? "true" : "false");
}



struct acts_page {
	struct web *w;
};

static void access_act(void *arg, const struct mandate_act *a)
{
	struct acts_page *ap = arg;
	struct tpl_ctx *c = tpl_list_add(ap->w->tpl, "acts");
	char when[64];
	clock_format_fr(a->at, when, sizeof when);
	tpl_set(c, "when", when);
	tpl_set(c, "what", a->what);
	tpl_set(c, "subject", a->subject);
}

void page_person_access(struct web *w)
{
	struct person p;
	if (load_person(w, &p, "person.access_export") < 0)
		return;
	const char *format = req_query(w->req, "format");
	if (format && strcmp(format, "json") == 0) {
		struct buf *b = &w->resp->body;
		w->resp->content_type = "application/json; charset=utf-8";
		char *disp = pool_printf(w->req->pool, "attachment; filename=\"dossier-%s.json\"", p.file_number);
		resp_header(w->req, w->resp, "Content-Disposition", disp);
		buf_puts(b, "{\n  \"dossier\": ");
		buf_append_json(b, p.file_number);
		buf_puts(b, ",\n  \"donnees\": {");
		for (int f = 0; f < PF_COUNT; f++) {
			buf_appendf(b, "%s\n    ", f ? "," : "");
			buf_append_json(b, person_fields[f].label);
			buf_puts(b, ": ");
			const char *v = p.v[f];
			if (person_fields[f].kind == FK_CHOICE)
				v = choice_label(person_fields[f].choices, v);
			buf_append_json(b, v);
		}
		buf_puts(b, "\n  },\n  \"foyer\": [");
		struct household_member m[30];
		int n = household_list(w->db, p.id, m, 30);
		for (int i = 0; i < n; i++) {
			buf_puts(b, i ? ", " : "");
			buf_puts(b, "{\"prenom\": ");
			buf_append_json(b, m[i].first_names);
			buf_puts(b, ", \"nom\": ");
			buf_append_json(b, m[i].last_name);
			buf_puts(b, ", \"lien\": ");
			buf_append_json(b, choice_label(household_relations, m[i].relation));
			buf_puts(b, "}");
		}
		buf_puts(b, "],\n  \"journal\": [");
		struct access_json j = {b, 1};
		journal_list(w->db, &w->actor, p.id, 100000, json_entry, &j);
		buf_puts(b, "\n  ]\n}\n");
		return;
	}
	char name[300], today[64];
	person_display_name(&p, name, sizeof name);
	clock_format_fr(clock_now(), today, sizeof today);
	today[10] = '\0';
	tpl_set(w->tpl, "person_name", name);
	tpl_set_int(w->tpl, "person_id", p.id);
	tpl_set(w->tpl, "file_number", p.file_number);
	tpl_set(w->tpl, "today", today);
	tpl_set(w->tpl, "structure", w->sess.user.structure_name);
	fact_list(w, &p, 1);
	struct household_member m[30];
	int n = household_list(w->db, p.id, m, 30);
	for (int i = 0; i < n; i++) {
		struct tpl_ctx *c = tpl_list_add(w->tpl, "household");
		tpl_set(c, "name", m[i].first_names);
		tpl_set(c, "last_name", m[i].last_name);
		tpl_set(c, "relation", choice_label(household_relations, m[i].relation));
	}
	struct journal_page *jp = pool_alloc(w->req->pool, sizeof *jp);
	if (!jp) {
		web_error(w, 500, NULL);
		return;
	}
	jp->w = w;
	themes_load(w->db, w->actor.structure_id, &jp->themes);
	journal_list(w->db, &w->actor, p.id, 100000, add_entry, jp);
	/* Everything else held about the person, from each module. */
	procedures_section(w, p.id);
	aids_section(w, p.id);
	diagnostics_section(w, p.id);
	appointments_section(w, p.id);
	orientations_section(w, p.id);
	documents_section(w, p.id, "person", p.id);
	struct acts_page ap = {w};
	mandate_act_list(w->db, &w->actor, p.id, access_act, &ap);
	web_render(w, "person_access", "Droit d'accès : données détenues");
}

void page_person_erase(struct web *w)
{
	struct person p;
	if (load_person(w, &p, NULL) < 0)
		return;
	if (!req_form(w->req, "confirmer")) {
		web_error(w, 400, "Cochez la case de confirmation : l'effacement est définitif.");
		return;
	}
	if (person_anonymise(w->db, &w->actor, p.id) < 0) {
		web_error(w, 503, NULL);
		return;
	}
	web_redirect(w, "/personnes", "Le dossier a été anonymisé : les données identifiantes sont effacées, les statistiques conservées.");
}

void page_person_merge(struct web *w)
{
	struct buf err = BUF_INIT;
	char number[32];
	text_trim(web_form(w, "doublon"), number, sizeof number);
	int rc = person_merge(w->db, &w->actor, w->id, number, &err);
	if (rc < 0) {
		web_error(w, rc == -2 ? 404 : 400, buf_cstr(&err));
		buf_free(&err);
		return;
	}
	buf_free(&err);
	char msg[160];
	snprintf(msg, sizeof msg, "Le dossier %s a été fusionné dans celui-ci : son historique y figure désormais.", number);
	to_file(w, w->id, NULL, msg);
}
