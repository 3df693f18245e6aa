/* Démarches, mandates and acts under mandate: forms, file sections and the
 * papers the person signs or keeps. The rules live in domain/procedure.c. */
#include "web/web.h"
#include "core/clock.h"
#include "domain/procedure.h"
#include "domain/user.h"

#include <stdio.h>
#include <string.h>

static void on_field_error(void *arg, const char *field, const char *msg)
{
	web_field_error(arg, field, msg);
}

/* "/demarches/12" and the like, in the request pool. */
static const char *path_of(struct web *w, const char *base, int64_t id, const char *anchor)
{
	const char *s = pool_printf(w->req->pool, "%s/%lld%s", base, (long long)id, anchor);
	return s ? s : "/";
}

/* The owning file, checked for the actor (isolation, restricted files) and
 * audited with action. 0, or -1 after an error page. */
static int load_owner(struct web *w, int64_t person_id, struct person *p, const char *action)
{
	int rc = person_get(w->db, &w->actor, person_id, p, action);
	if (rc <= 0) {
		web_error(w, rc < 0 ? 503 : 404, rc < 0 ? NULL : "Ce dossier n'existe pas ou ne vous est pas accessible.");
		return -1;
	}
	char name[300];
	person_display_name(p, name, sizeof name);
	tpl_set(w->tpl, "person_name", name);
	tpl_set_int(w->tpl, "person_id", p->id);
	tpl_set(w->tpl, "file_number", p->file_number);
	return 0;
}

static int person_active(struct web *w, const struct person *p)
{
	if (strcmp(p->status, "active") == 0)
		return 1;
	web_error(w, 403, "Ce dossier est archivé : il ne peut plus être modifié.");
	return 0;
}

static const char *domains_label(struct web *w, const char *csv)
{
	struct buf b = BUF_INIT;
	for (const struct choice *c = procedure_domains; c->value; c++) {
		size_t n = strlen(c->value);
		for (const char *p = csv; *p;) {
			const char *end = strchr(p, ',');
			size_t len = end ? (size_t)(end - p) : strlen(p);
			if (len == n && strncmp(p, c->value, n) == 0)
				buf_appendf(&b, "%s%s", b.len ? " ; " : "", c->label);
			if (!end)
				break;
			p = end + 1;
		}
	}
	const char *s = pool_printf(w->req->pool, "%s", buf_cstr(&b));
	buf_free(&b);
	return s ? s : "";
}

static const char *const STATE_LABELS[][2] = {
	{"actif", "En vigueur"}, {"expire", "Expiré"}, {"revoque", "Révoqué"}, {"a_venir", "À venir"}};

static const char *state_label(const char *state)
{
	for (size_t i = 0; i < sizeof STATE_LABELS / sizeof STATE_LABELS[0]; i++)
		if (strcmp(STATE_LABELS[i][0], state) == 0)
			return STATE_LABELS[i][1];
	return state;
}

/* ---- the file page's section ------------------------------------------- */

struct section {
	struct web *w;
	struct label_list orgs;
	char today[11];
};

static void set_procedure(struct web *w, struct tpl_ctx *c, const struct label_list *orgs, const struct procedure *p)
{
	tpl_set_int(c, "id", p->id);
	tpl_set(c, "subject", p->subject);
	tpl_set(c, "organism", label_of(orgs, p->organism));
	tpl_set(c, "domain", choice_label(procedure_domains, p->domain));
	tpl_set(c, "status", choice_label(procedure_statuses, p->status));
	tpl_set(c, "way", choice_label(procedure_ways, p->way));
	tpl_set_bool(c, "in_place", strcmp(p->way, "a_la_place") == 0);
	tpl_set_bool(c, "closed", procedure_status_closed(p->status));
	tpl_set(c, "opened_on", web_date_fr(w, p->opened_on));
	tpl_set(c, "answer_due_on", p->answer_due_on[0] ? web_date_fr(w, p->answer_due_on) : NULL);
	tpl_set(c, "renewal_on", p->renewal_on[0] ? web_date_fr(w, p->renewal_on) : NULL);
}

static void section_procedure(void *arg, const struct procedure *p)
{
	struct section *s = arg;
	set_procedure(s->w, tpl_list_add(s->w->tpl, "procedures"), &s->orgs, p);
}

static void set_mandate(struct web *w, struct tpl_ctx *c, const struct mandate *m, const char *today)
{
	const char *state = mandate_state(m, today);
	tpl_set_int(c, "id", m->id);
	tpl_set(c, "domains", domains_label(w, m->domains));
	tpl_set(c, "starts_on", web_date_fr(w, m->starts_on));
	tpl_set(c, "ends_on", web_date_fr(w, m->ends_on));
	tpl_set(c, "state", state_label(state));
	tpl_set_bool(c, "active", strcmp(state, "actif") == 0);
}

static void section_mandate(void *arg, const struct mandate *m)
{
	struct section *s = arg;
	set_mandate(s->w, tpl_list_add(s->w->tpl, "mandates"), m, s->today);
}

void procedures_section(struct web *w, int64_t person_id)
{
	struct section *s = pool_alloc(w->req->pool, sizeof *s);
	if (!s)
		return;
	s->w = w;
	date_today(s->today);
	organisms_load(w->db, w->actor.structure_id, &s->orgs);
	procedure_list(w->db, &w->actor, person_id, 0, section_procedure, s);
	mandate_list(w->db, &w->actor, person_id, section_mandate, s);
}

/* ---- démarches ------------------------------------------------------------ */

/* Organisms are a per-structure list: they are copied into the pool so the
 * form's choices outlive the loading function. */
static const struct choice *organism_choices(struct web *w)
{
	struct label_list l;
	organisms_load(w->db, w->actor.structure_id, &l);
	struct choice *c = pool_alloc(w->req->pool, (size_t)(l.n + 1) * sizeof *c);
	if (!c)
		return NULL;
	for (int i = 0; i < l.n; i++) {
		c[i].value = pool_printf(w->req->pool, "%s", l.items[i].value);
		c[i].label = pool_printf(w->req->pool, "%s", l.items[i].label);
	}
	return c;
}

enum { PF_ORG, PF_DOMAIN, PF_SUBJECT, PF_STATUS, PF_WAY, PF_OPENED, PF_SUBMITTED, PF_ANSWER, PF_RENEWAL, PF_CHECKLIST,
       PF_NOTES, PF_N };

static void procedure_fields(struct web *w, const struct procedure_input *in, int with_checklist)
{
	const struct form_field f[PF_N] = {
		{"organism", "Organisme", FF_SELECT, organism_choices(w), NULL, 1},
		{"domain", "Domaine", FF_SELECT, procedure_domains, NULL, 1},
		{"subject", "Objet de la démarche", FF_TEXT, NULL, "Par exemple : renouvellement de la complémentaire santé solidaire.", 1},
		{"status", "État", FF_SELECT, procedure_statuses, NULL, 1},
		{"way", "Qui fait la démarche", FF_RADIO, procedure_ways,
		 "À la place de la personne : seulement sous un mandat en vigueur qui couvre ce domaine.", 1},
		{"opened_on", "Ouverte le (JJ/MM/AAAA)", FF_DATE, NULL, "Vide : aujourd'hui.", 0},
		{"submitted_on", "Déposée le (JJ/MM/AAAA)", FF_DATE, NULL, NULL, 0},
		{"answer_due_on", "Réponse attendue pour le (JJ/MM/AAAA)", FF_DATE, NULL, "Un rappel s'affiche sur votre page d'accueil quinze jours avant.", 0},
		{"renewal_on", "À renouveler le (JJ/MM/AAAA)", FF_DATE, NULL, "Par exemple le renouvellement annuel d'un droit : un rappel s'affiche quinze jours avant.", 0},
		{"checklist", "Documents à fournir (un par ligne)", FF_LONG, NULL, "Ils apparaissent sur la synthèse remise à la personne : « ce que vous devez apporter ».", 0},
		{"notes", "Notes", FF_LONG, NULL,
		 "N'écrivez jamais ici les mots de passe ou codes secrets de la personne : Lien ne les conserve pas. "
		 "Aidez-la à les noter sur un papier qu'elle garde, ou à utiliser FranceConnect.", 0},
	};
	const char *v[PF_N] = {in->organism, in->domain, in->subject, in->status, in->way, in->opened_on, in->submitted_on,
			       in->answer_due_on, in->renewal_on, in->checklist, in->notes};
	if (with_checklist) {
		web_fields(w, "fields", f, PF_N, v);
	} else {
		/* After creation the checklist is kept as a list of its own. */
		web_fields(w, "fields", f, PF_CHECKLIST, v);
		web_fields(w, "fields", f + PF_NOTES, 1, v + PF_NOTES);
	}
}

static void procedure_from_form(struct web *w, struct procedure_input *in)
{
	in->organism = web_form(w, "organism");
	in->domain = web_form(w, "domain");
	in->subject = web_form(w, "subject");
	in->status = web_form(w, "status");
	in->way = web_form(w, "way");
	in->opened_on = web_form(w, "opened_on");
	in->submitted_on = web_form(w, "submitted_on");
	in->answer_due_on = web_form(w, "answer_due_on");
	in->renewal_on = web_form(w, "renewal_on");
	in->checklist = web_form(w, "checklist");
	in->notes = web_form(w, "notes");
}

static void render_procedure_new(struct web *w, const struct procedure_input *in)
{
	procedure_fields(w, in, 1);
	tpl_set_bool(w->tpl, "second_factor", w->actor.second_factor);
	web_render(w, "procedure_new", "Nouvelle démarche");
}

void page_procedure_new(struct web *w)
{
	struct person p;
	if (load_owner(w, w->id, &p, NULL) < 0 || !person_active(w, &p))
		return;
	struct procedure_input in = {.status = "a_faire", .way = "avec", .organism = web_form(w, "organisme")};
	render_procedure_new(w, &in);
}

void page_procedure_create(struct web *w)
{
	struct person p;
	if (load_owner(w, w->id, &p, NULL) < 0 || !person_active(w, &p))
		return;
	struct procedure_input in;
	procedure_from_form(w, &in);
	int64_t id = procedure_create(w->db, &w->actor, p.id, &in, on_field_error, w);
	if (id < 0) {
		if (w->resp->status == 200)
			w->resp->status = 422;
		/* Refused in the person's place for want of a mandate: the way to one. */
		tpl_set_bool(w->tpl, "mandate_needed", strcmp(in.way, "a_la_place") == 0 && tpl_get(w->tpl, "way_error") &&
							       w->actor.second_factor);
		render_procedure_new(w, &in);
		return;
	}
	web_redirect(w, path_of(w, "/demarches", id, ""), "Démarche enregistrée.");
}

/* The acts of a file, or of one démarche when procedure_id is set. */
struct acts {
	struct web *w;
	int64_t procedure_id;
};

static void add_act(void *arg, const struct mandate_act *a)
{
	struct acts *f = arg;
	struct web *w = f->w;
	if (f->procedure_id && a->procedure_id != f->procedure_id)
		return;
	struct tpl_ctx *c = tpl_list_add(w->tpl, "acts");
	char when[64];
	clock_format_fr(a->at, when, sizeof when);
	tpl_set(c, "when", when);
	tpl_set(c, "what", a->what);
	tpl_set(c, "worker", a->worker);
	tpl_set(c, "subject", a->subject);
	tpl_set_int(c, "mandate_id", a->mandate_id);
}

static void render_procedure(struct web *w, const struct procedure *d, const struct procedure_input *in)
{
	struct label_list *orgs = pool_alloc(w->req->pool, sizeof *orgs);
	if (!orgs) {
		web_error(w, 500, NULL);
		return;
	}
	organisms_load(w->db, w->actor.structure_id, orgs);
	set_procedure(w, w->tpl, orgs, d);
	tpl_set_int(w->tpl, "version", d->version);
	tpl_set(w->tpl, "creator", d->creator);
	tpl_set(w->tpl, "notes", d->notes);
	tpl_set(w->tpl, "submitted_on", d->submitted_on[0] ? web_date_fr(w, d->submitted_on) : NULL);
	struct checklist_item items[CHECKLIST_MAX];
	int n = checklist_list(w->db, d->id, items, CHECKLIST_MAX);
	for (int i = 0; i < n; i++) {
		struct tpl_ctx *c = tpl_list_add(w->tpl, "checklist");
		tpl_set_int(c, "id", items[i].id);
		tpl_set(c, "label", items[i].label);
		tpl_set_bool(c, "done", items[i].done);
	}
	struct acts acts = {w, d->id};
	mandate_act_list(w->db, &w->actor, d->person_id, add_act, &acts);
	struct mandate m;
	tpl_set_bool(w->tpl, "has_mandate", mandate_find_covering(w->db, &w->actor, d->person_id, d->domain, &m) == 1);
	tpl_set_bool(w->tpl, "second_factor", w->actor.second_factor);
	procedure_fields(w, in, 0);
	documents_section(w, d->person_id, "procedure", d->id);
	web_render(w, "procedure", d->subject);
}

static void procedure_as_input(const struct procedure *d, struct procedure_input *in, struct web *w)
{
	*in = (struct procedure_input){d->organism, d->domain, d->subject, d->status, d->way,
				       web_date_fr(w, d->opened_on), web_date_fr(w, d->submitted_on),
				       web_date_fr(w, d->answer_due_on), web_date_fr(w, d->renewal_on), d->notes, ""};
}

/* The démarche of the path, with its file checked and the read audited. */
static int load_procedure(struct web *w, struct procedure *d, struct person *p, const char *action)
{
	int rc = procedure_get(w->db, &w->actor, w->id, d);
	if (rc <= 0) {
		web_error(w, rc < 0 ? 503 : 404, rc < 0 ? NULL : "Cette démarche n'existe pas ou ne vous est pas accessible.");
		return -1;
	}
	return load_owner(w, d->person_id, p, action);
}

void page_procedure(struct web *w)
{
	struct procedure d;
	struct person p;
	if (load_procedure(w, &d, &p, "procedure.read") < 0)
		return;
	struct procedure_input in;
	procedure_as_input(&d, &in, w);
	render_procedure(w, &d, &in);
}

void page_procedure_update(struct web *w)
{
	struct procedure d;
	struct person p;
	if (load_procedure(w, &d, &p, NULL) < 0 || !person_active(w, &p))
		return;
	int64_t version;
	if (str_to_i64(str_from(web_form(w, "version")), 1, INT64_MAX, &version) < 0) {
		web_error(w, 400, "Version de la démarche manquante.");
		return;
	}
	struct procedure_input in;
	procedure_from_form(w, &in);
	in.checklist = NULL;
	int rc = procedure_update(w->db, &w->actor, d.id, version, &in, on_field_error, w);
	if (rc == 0) {
		web_redirect(w, path_of(w, "/demarches", d.id, ""), "Démarche enregistrée.");
		return;
	}
	if (rc == 1) {
		w->resp->status = 409;
		web_flash(w, "Quelqu'un a modifié cette démarche pendant que vous la modifiiez. Voici la version enregistrée : "
			     "vos changements n'ont pas été enregistrés, refaites-les si besoin.");
		procedure_get(w->db, &w->actor, d.id, &d);
		procedure_as_input(&d, &in, w);
	} else if (w->resp->status == 200) {
		w->resp->status = 422;
	}
	render_procedure(w, &d, &in);
}

void page_procedure_checklist(struct web *w)
{
	struct procedure d;
	struct person p;
	if (load_procedure(w, &d, &p, NULL) < 0 || !person_active(w, &p))
		return;
	int64_t ids[CHECKLIST_MAX];
	int n = 0;
	for (size_t i = 0; i < w->req->form.n && n < CHECKLIST_MAX; i++) {
		const struct http_param *f = &w->req->form.items[i];
		if (strcmp(f->name, "piece") == 0 && str_to_i64(str_from(f->value), 1, INT64_MAX, &ids[n]) == 0)
			n++;
	}
	struct buf err = BUF_INIT;
	if (checklist_set(w->db, &w->actor, &d, ids, n, web_form(w, "nouvelle_piece"), &err) < 0) {
		web_field_error(w, "nouvelle_piece", buf_cstr(&err));
		buf_free(&err);
		struct procedure_input in;
		procedure_as_input(&d, &in, w);
		render_procedure(w, &d, &in);
		return;
	}
	buf_free(&err);
	web_redirect(w, path_of(w, "/demarches", d.id, "#pieces"), "Liste des documents enregistrée.");
}

void page_procedure_act(struct web *w)
{
	struct procedure d;
	struct person p;
	if (load_procedure(w, &d, &p, NULL) < 0 || !person_active(w, &p))
		return;
	struct buf err = BUF_INIT;
	if (mandate_act_add(w->db, &w->actor, &d, web_form(w, "what"), &err) < 0) {
		w->resp->status = 422;
		web_field_error(w, "what", buf_cstr(&err));
		buf_free(&err);
		tpl_set(w->tpl, "what", web_form(w, "what"));
		struct procedure_input in;
		procedure_as_input(&d, &in, w);
		render_procedure(w, &d, &in);
		return;
	}
	buf_free(&err);
	web_redirect(w, path_of(w, "/demarches", d.id, "#actes"), "Action enregistrée dans le registre des actes sous mandat.");
}

void page_structure_organisms(struct web *w)
{
	struct buf err = BUF_INIT;
	if (organism_add(w->db, &w->actor, web_form(w, "label"), &err) < 0) {
		web_redirect(w, "/structure#organismes", buf_cstr(&err));
		buf_free(&err);
		return;
	}
	buf_free(&err);
	web_redirect(w, "/structure#organismes", "Organisme ajouté.");
}

/* ---- mandates ------------------------------------------------------------- */

/* Mandates need a second factor: send the worker to set one up. */
static int need_second_factor(struct web *w)
{
	if (w->actor.second_factor)
		return 0;
	web_redirect(w, "/compte/double-authentification",
		     "Pour créer un mandat ou agir à la place d'une personne, activez d'abord la double authentification.");
	return 1;
}

enum { MF_DOMAINS, MF_DURATION, MF_STARTS, MF_CONSENT, MF_PROTECTOR, MF_N };

static void render_mandate_new(struct web *w, const struct person *p, const struct mandate_input *in)
{
	int is_protected = p->v[PF_PROTECTION][0] && strcmp(p->v[PF_PROTECTION], "aucune") != 0;
	const struct form_field f[MF_N] = {
		{"domains", "Domaines où la structure peut agir à la place de la personne", FF_CHECKS, procedure_domains,
		 "Ne cochez que ce dont la personne a besoin.", 1},
		{"duration", "Durée", FF_RADIO, mandate_durations, "Le mandat prend fin de lui-même au bout de cette durée.", 1},
		{"starts_on", "Début (JJ/MM/AAAA)", FF_DATE, NULL, "Vide : aujourd'hui.", 0},
		{"consent_on", "Date de signature par la personne (JJ/MM/AAAA)", FF_DATE, NULL,
		 "Le consentement est donné sur papier : imprimez l'attestation, faites-la signer, puis joignez-en le scan.", 1},
		{"protector_agreement", "Accord du tuteur ou du curateur (nom et date)", FF_TEXT, NULL,
		 "La personne a une mesure de protection : le mandat demande l'accord de la personne qui l'exerce.", 1},
	};
	const char *v[MF_N] = {in->domains, in->duration, in->starts_on, in->consent_on, in->protector_agreement};
	web_fields(w, "fields", f, is_protected ? MF_N : MF_PROTECTOR, v);
	web_render(w, "mandate_new", "Nouveau mandat");
}

void page_mandate_new(struct web *w)
{
	struct person p;
	if (load_owner(w, w->id, &p, NULL) < 0 || !person_active(w, &p) || need_second_factor(w))
		return;
	char today[11];
	date_today(today);
	struct mandate_input in = {"", "1a", "", web_date_fr(w, today), ""};
	render_mandate_new(w, &p, &in);
}

void page_mandate_create(struct web *w)
{
	struct person p;
	if (load_owner(w, w->id, &p, NULL) < 0 || !person_active(w, &p) || need_second_factor(w))
		return;
	struct mandate_input in = {web_form_joined(w, "domains"), web_form(w, "duration"), web_form(w, "starts_on"),
				   web_form(w, "consent_on"), web_form(w, "protector_agreement")};
	int64_t id = mandate_create(w->db, &w->actor, &p, &in, on_field_error, w);
	if (id < 0) {
		if (w->resp->status == 200)
			w->resp->status = 422;
		render_mandate_new(w, &p, &in);
		return;
	}
	web_redirect(w, path_of(w, "/mandats", id, ""),
		     "Mandat enregistré. Imprimez l'attestation, faites-la signer par la personne et joignez-en le scan.");
}

static int load_mandate(struct web *w, struct mandate *m, struct person *p, const char *action)
{
	int rc = mandate_get(w->db, &w->actor, w->id, m);
	if (rc <= 0) {
		web_error(w, rc < 0 ? 503 : 404, rc < 0 ? NULL : "Ce mandat n'existe pas ou ne vous est pas accessible.");
		return -1;
	}
	if (load_owner(w, m->person_id, p, action) < 0)
		return -1;
	char today[11];
	date_today(today);
	set_mandate(w, w->tpl, m, today);
	tpl_set(w->tpl, "consent_on", web_date_fr(w, m->consent_on));
	tpl_set(w->tpl, "protector_agreement", m->protector_agreement);
	tpl_set(w->tpl, "creator", m->creator);
	tpl_set(w->tpl, "duration", choice_label(mandate_durations, m->duration));
	tpl_set(w->tpl, "structure", w->sess.user.structure_name);
	tpl_set(w->tpl, "today", web_date_fr(w, today));
	/* What the mandate allows, domain by domain, and what it does not. */
	struct buf out = BUF_INIT;
	for (const struct choice *c = procedure_domains; c->value; c++) {
		int in_scope = 0;
		for (const char *s = m->domains; *s && !in_scope;) {
			const char *end = strchr(s, ',');
			size_t len = end ? (size_t)(end - s) : strlen(s);
			in_scope = len == strlen(c->value) && strncmp(s, c->value, len) == 0;
			s = end ? end + 1 : s + len;
		}
		if (in_scope) {
			struct tpl_ctx *d = tpl_list_add(w->tpl, "scope");
			tpl_set(d, "value", c->value);
			tpl_set(d, "label", c->label);
		} else {
			buf_appendf(&out, "%s%s", out.len ? " ; " : "", c->label);
		}
	}
	tpl_set(w->tpl, "out_of_scope", out.len ? buf_cstr(&out) : NULL);
	buf_free(&out);
	return 0;
}

void page_mandate(struct web *w)
{
	struct mandate m;
	struct person p;
	if (load_mandate(w, &m, &p, "mandate.read") < 0)
		return;
	tpl_set_bool(w->tpl, "second_factor", w->actor.second_factor);
	documents_section(w, m.person_id, "mandate", m.id);
	web_render(w, "mandate", "Mandat");
}

void page_mandate_attestation(struct web *w)
{
	struct mandate m;
	struct person p;
	if (load_mandate(w, &m, &p, "mandate.print") < 0)
		return;
	struct structure_contact contact;
	if (structure_contact_get(w->db, w->actor.structure_id, &contact) == 1) {
		tpl_set(w->tpl, "phone", contact.phone);
		tpl_set(w->tpl, "address", contact.address);
	}
	web_render(w, "mandate_attestation", "Attestation de mandat");
}

void page_mandate_revoke(struct web *w)
{
	struct mandate m;
	struct person p;
	if (load_mandate(w, &m, &p, NULL) < 0 || need_second_factor(w))
		return;
	struct buf err = BUF_INIT;
	int64_t rid = mandate_revoke(w->db, &w->actor, m.id, web_form(w, "domain"), web_form(w, "reason"), &err);
	if (rid < 0) {
		w->resp->status = 422;
		web_field_error(w, "domain", buf_cstr(&err));
		buf_free(&err);
		documents_section(w, m.person_id, "mandate", m.id);
		tpl_set_bool(w->tpl, "second_factor", 1);
		web_render(w, "mandate", "Mandat");
		return;
	}
	buf_free(&err);
	web_redirect(w, pool_printf(w->req->pool, "/mandats/%lld/revocations/%lld", (long long)m.id, (long long)rid),
		     "Révocation enregistrée. Imprimez l'attestation de révocation et remettez-la à la personne.");
}

void page_mandate_revocation(struct web *w)
{
	struct mandate m;
	struct person p;
	struct revocation r;
	if (load_mandate(w, &m, &p, "mandate.print") < 0)
		return;
	int rc = revocation_get(w->db, &w->actor, m.id, w->id2, &r);
	if (rc <= 0) {
		web_error(w, rc < 0 ? 503 : 404, NULL);
		return;
	}
	char when[64];
	clock_format_fr(r.at, when, sizeof when);
	when[10] = '\0';
	tpl_set(w->tpl, "revoked_on", when);
	tpl_set(w->tpl, "revoked_domain", r.domain[0] ? choice_label(procedure_domains, r.domain) : NULL);
	tpl_set(w->tpl, "reason", r.reason);
	tpl_set(w->tpl, "revoked_by", r.by_name);
	web_render(w, "mandate_revocation", "Attestation de révocation de mandat");
}

void page_mandate_acts(struct web *w)
{
	struct person p;
	if (load_owner(w, w->id, &p, "mandate.print_acts") < 0)
		return;
	char today[11];
	date_today(today);
	tpl_set(w->tpl, "today", web_date_fr(w, today));
	tpl_set(w->tpl, "structure", w->sess.user.structure_name);
	struct acts acts = {w, 0};
	if (mandate_act_list(w->db, &w->actor, p.id, add_act, &acts) < 0) {
		web_error(w, 503, NULL);
		return;
	}
	web_render(w, "mandate_acts", "Ce que nous avons fait en votre nom");
}
