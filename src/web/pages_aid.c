/* Financial aid requests: the file section, the form, the decision letter. */
#include "web/web.h"
#include "core/clock.h"
#include "domain/aid.h"
#include "domain/user.h"

#include <stdio.h>
#include <string.h>

static void on_field_error(void *arg, const char *field, const char *msg)
{
	web_field_error(arg, field, msg);
}

static const char *money(struct web *w, int64_t cents)
{
	char out[48];
	money_format(cents, out, sizeof out);
	const char *s = pool_printf(w->req->pool, "%s", out);
	return s ? s : "";
}

/* Amounts as typed back in a form: "45,50" or "150". */
static const char *money_input(struct web *w, int64_t cents)
{
	const char *s = cents % 100 ? pool_printf(w->req->pool, "%lld,%02lld", (long long)(cents / 100), (long long)(cents % 100))
				    : pool_printf(w->req->pool, "%lld", (long long)(cents / 100));
	return s ? s : "";
}

static void set_aid(struct web *w, struct tpl_ctx *c, const struct aid *a)
{
	tpl_set_int(c, "id", a->id);
	tpl_set(c, "kind", choice_label(aid_kinds, a->kind));
	tpl_set(c, "status", choice_label(aid_statuses, a->status));
	tpl_set(c, "amount_asked", money(w, a->amount_asked));
	tpl_set(c, "amount_granted", a->amount_granted ? money(w, a->amount_granted) : NULL);
	tpl_set(c, "payment", a->payment[0] ? choice_label(aid_payments, a->payment) : NULL);
	tpl_set(c, "purpose", a->purpose);
	tpl_set(c, "refusal_reason", a->refusal_reason);
	tpl_set(c, "commission_on", a->commission_on[0] ? web_date_fr(w, a->commission_on) : NULL);
	tpl_set(c, "decision_on", a->decision_on[0] ? web_date_fr(w, a->decision_on) : NULL);
	char when[64];
	clock_format_fr(a->created_at, when, sizeof when);
	when[10] = '\0';
	tpl_set(c, "asked_on", when);
	tpl_set_bool(c, "granted", strcmp(a->status, "accordee") == 0);
	tpl_set_bool(c, "refused", strcmp(a->status, "refusee") == 0);
	tpl_set_bool(c, "postponed", strcmp(a->status, "ajournee") == 0);
	tpl_set_bool(c, "decided", a->decision_on[0] != '\0');
}

static void section_aid(void *arg, const struct aid *a)
{
	struct web *w = arg;
	set_aid(w, tpl_list_add(w->tpl, "aids"), a);
}

void aids_section(struct web *w, int64_t person_id)
{
	aid_list(w->db, &w->actor, person_id, section_aid, w);
}

static int load_owner(struct web *w, int64_t person_id, struct person *p, const char *action)
{
	int rc = person_get(w->db, &w->actor, person_id, p, action);
	if (rc <= 0) {
		web_error(w, rc < 0 ? 503 : 404, rc < 0 ? NULL : "Ce dossier n'existe pas ou ne vous est pas accessible.");
		return -1;
	}
	if (!action && strcmp(p->status, "active") != 0) {
		web_error(w, 403, "Ce dossier est archivé : il ne peut plus être modifié.");
		return -1;
	}
	char name[300];
	person_display_name(p, name, sizeof name);
	tpl_set(w->tpl, "person_name", name);
	tpl_set_int(w->tpl, "person_id", p->id);
	tpl_set(w->tpl, "file_number", p->file_number);
	return 0;
}

enum { AF_KIND, AF_PURPOSE, AF_ASKED, AF_STATUS, AF_COMMISSION, AF_DECISION, AF_GRANTED, AF_PAYMENT, AF_REASON, AF_N };

static void aid_fields(struct web *w, const struct aid_input *in)
{
	static const struct form_field f[AF_N] = {
		{"kind", "Nature de l'aide", FF_SELECT, aid_kinds, NULL, 1},
		{"purpose", "Objet de la demande", FF_LONG, NULL, "Par exemple : facture d'électricité de janvier, impayé de 320 €.", 0},
		{"amount_asked", "Montant demandé (en euros)", FF_MONEY, NULL, NULL, 1},
		{"status", "État de la demande", FF_SELECT, aid_statuses, NULL, 1},
		{"commission_on", "Date de la commission (JJ/MM/AAAA)", FF_DATE, NULL, NULL, 0},
		{"decision_on", "Date de la décision (JJ/MM/AAAA)", FF_DATE, NULL, NULL, 0},
		{"amount_granted", "Montant accordé (en euros)", FF_MONEY, NULL, "Seulement si l'aide est accordée.", 0},
		{"payment", "Mode de versement", FF_SELECT, aid_payments, "Seulement si l'aide est accordée.", 0},
		{"refusal_reason", "Motif du refus", FF_LONG, NULL, "Il figure sur le courrier de décision : écrivez-le simplement.", 0},
	};
	const char *v[AF_N] = {in->kind, in->purpose, in->amount_asked, in->status, in->commission_on, in->decision_on,
			       in->amount_granted, in->payment, in->refusal_reason};
	web_fields(w, "fields", f, AF_N, v);
}

static void aid_from_form(struct web *w, struct aid_input *in)
{
	*in = (struct aid_input){web_form(w, "kind"), web_form(w, "purpose"), web_form(w, "amount_asked"),
				 web_form(w, "amount_granted"), web_form(w, "status"), web_form(w, "commission_on"),
				 web_form(w, "decision_on"), web_form(w, "payment"), web_form(w, "refusal_reason")};
}

void page_aid_new(struct web *w)
{
	struct person p;
	if (load_owner(w, w->id, &p, NULL) < 0)
		return;
	struct aid_input in = {"", "", "", "", "instruction", "", "", "", ""};
	aid_fields(w, &in);
	web_render(w, "aid_new", "Nouvelle demande d'aide");
}

void page_aid_create(struct web *w)
{
	struct person p;
	if (load_owner(w, w->id, &p, NULL) < 0)
		return;
	struct aid_input in;
	aid_from_form(w, &in);
	int64_t id = aid_create(w->db, &w->actor, p.id, &in, on_field_error, w);
	if (id < 0) {
		if (w->resp->status == 200)
			w->resp->status = 422;
		aid_fields(w, &in);
		web_render(w, "aid_new", "Nouvelle demande d'aide");
		return;
	}
	const char *loc = pool_printf(w->req->pool, "/aides/%lld", (long long)id);
	web_redirect(w, loc ? loc : "/", "Demande d'aide enregistrée.");
}

static int load_aid(struct web *w, struct aid *a, struct person *p, const char *action)
{
	int rc = aid_get(w->db, &w->actor, w->id, a);
	if (rc <= 0) {
		web_error(w, rc < 0 ? 503 : 404, rc < 0 ? NULL : "Cette demande n'existe pas ou ne vous est pas accessible.");
		return -1;
	}
	if (load_owner(w, a->person_id, p, action) < 0)
		return -1;
	set_aid(w, w->tpl, a);
	tpl_set_int(w->tpl, "version", a->version);
	tpl_set(w->tpl, "creator", a->creator);
	return 0;
}

static void render_aid(struct web *w, const struct aid *a, const struct aid_input *in)
{
	aid_fields(w, in);
	documents_section(w, a->person_id, "aid", a->id);
	web_render(w, "aid", "Demande d'aide");
}

static void aid_as_input(struct web *w, const struct aid *a, struct aid_input *in)
{
	*in = (struct aid_input){a->kind, a->purpose, money_input(w, a->amount_asked),
				 a->amount_granted ? money_input(w, a->amount_granted) : "", a->status,
				 web_date_fr(w, a->commission_on), web_date_fr(w, a->decision_on), a->payment,
				 a->refusal_reason};
}

void page_aid(struct web *w)
{
	struct aid a;
	struct person p;
	if (load_aid(w, &a, &p, "aid.read") < 0)
		return;
	struct aid_input in;
	aid_as_input(w, &a, &in);
	render_aid(w, &a, &in);
}

void page_aid_update(struct web *w)
{
	struct aid a;
	struct person p;
	if (load_aid(w, &a, &p, NULL) < 0)
		return;
	int64_t version;
	if (str_to_i64(str_from(web_form(w, "version")), 1, INT64_MAX, &version) < 0) {
		web_error(w, 400, "Version de la demande manquante.");
		return;
	}
	struct aid_input in;
	aid_from_form(w, &in);
	int rc = aid_update(w->db, &w->actor, a.id, version, &in, on_field_error, w);
	if (rc == 0) {
		const char *loc = pool_printf(w->req->pool, "/aides/%lld", (long long)a.id);
		web_redirect(w, loc ? loc : "/", "Demande d'aide enregistrée.");
		return;
	}
	if (rc == 1) {
		w->resp->status = 409;
		web_flash(w, "Quelqu'un a modifié cette demande pendant que vous la modifiiez. Voici la version enregistrée : "
			     "refaites vos changements si besoin.");
		aid_get(w->db, &w->actor, a.id, &a);
		set_aid(w, w->tpl, &a);
		tpl_set_int(w->tpl, "version", a.version);
		aid_as_input(w, &a, &in);
	} else if (w->resp->status == 200) {
		w->resp->status = 422;
	}
	render_aid(w, &a, &in);
}

void page_aid_letter(struct web *w)
{
	struct aid a;
	struct person p;
	if (load_aid(w, &a, &p, "aid.print_letter") < 0)
		return;
	if (!a.decision_on[0]) {
		web_error(w, 409, "Aucune décision n'a encore été prise pour cette demande : le courrier n'existe pas encore.");
		return;
	}
	char today[11];
	date_today(today);
	tpl_set(w->tpl, "today", web_date_fr(w, today));
	tpl_set(w->tpl, "structure", w->sess.user.structure_name);
	tpl_set(w->tpl, "address_lines", p.v[PF_ADDRESS]);
	tpl_set(w->tpl, "postal_line", pool_printf(w->req->pool, "%s %s", p.v[PF_POSTAL_CODE], p.v[PF_COMMUNE_NAME]));
	struct structure_contact contact;
	if (structure_contact_get(w->db, w->actor.structure_id, &contact) == 1) {
		tpl_set(w->tpl, "phone", contact.phone);
		tpl_set(w->tpl, "address", contact.address);
		tpl_set(w->tpl, "hours", contact.hours);
	}
	web_render(w, "aid_letter", "Décision sur votre demande d'aide");
}
