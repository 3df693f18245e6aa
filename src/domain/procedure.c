#include "domain/procedure.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/pool.h"
#include "core/text.h"
#include "db/queries.h"
#include "domain/audit.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The ten domains of the French "mandat" practice (service-public.fr themes). */
const struct choice procedure_domains[] = {
	{"papiers", "Papiers et citoyenneté"},
	{"famille", "Famille et scolarité"},
	{"social_sante", "Social et santé"},
	{"travail", "Travail et formation"},
	{"logement", "Logement"},
	{"transports", "Transports"},
	{"argent", "Argent, impôts et consommation"},
	{"justice", "Justice"},
	{"etrangers", "Étrangers et Europe"},
	{"loisirs", "Loisirs"},
	{NULL, NULL}};

const struct choice procedure_statuses[] = {
	{"a_faire", "À faire"},
	{"en_cours", "En cours"},
	{"deposee", "Déposée"},
	{"en_attente", "En attente de réponse"},
	{"accordee", "Accordée"},
	{"refusee", "Refusée"},
	{"abandonnee", "Abandonnée"},
	{NULL, NULL}};

const struct choice procedure_ways[] = {
	{"seul", "Par la personne seule"},
	{"avec", "Avec la personne (elle est au clavier)"},
	{"a_la_place", "À la place de la personne (sous mandat)"},
	{NULL, NULL}};

const struct choice default_organisms[] = {
	{"caf", "CAF"},
	{"cpam", "CPAM / Ameli"},
	{"france_travail", "France Travail"},
	{"msa", "MSA"},
	{"ants", "ANTS"},
	{"impots", "impots.gouv"},
	{"mdph", "MDPH"},
	{"bailleur", "Bailleur"},
	{"energie", "Fournisseur d'énergie"},
	{"banque", "Banque"},
	{"prefecture", "Préfecture"},
	{"carsat", "Retraite (Carsat, CNAV)"},
	{"mairie", "Mairie"},
	{"autre", "Autre organisme"},
	{NULL, NULL}};

const struct choice mandate_durations[] = {
	{"1j", "1 jour"},
	{"1m", "1 mois"},
	{"6m", "6 mois"},
	{"1a", "1 an"},
	{NULL, NULL}};

int procedure_status_closed(const char *s)
{
	return strcmp(s, "accordee") == 0 || strcmp(s, "refusee") == 0 || strcmp(s, "abandonnee") == 0;
}

/* ---- organisms ---------------------------------------------------------- */

int organisms_load(struct db *db, int64_t structure_id, struct label_list *out)
{
	return labels_load(db, structure_id, default_organisms, SQL_ORGANISMS_OF_STRUCTURE, out);
}

int organism_add(struct db *db, const struct actor *by, const char *label, struct buf *err)
{
	struct label_list l;
	if (organisms_load(db, by->structure_id, &l) < 0) {
		buf_appendf(err, "Erreur de la base de données : %s", db_errmsg(db));
		return -1;
	}
	return label_add(db, by, &l, SQL_ORGANISM_ADD, "organism.add", label, err);
}

/* ---- mandates ----------------------------------------------------------- */

static int list_has(const char *csv, const char *value)
{
	size_t n = strlen(value);
	for (const char *p = csv; *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && strncmp(p, value, n) == 0)
			return 1;
		if (!end)
			break;
		p = end + 1;
	}
	return 0;
}

const char *mandate_state(const struct mandate *m, const char *today)
{
	if (m->revoked_at || !m->domains[0])
		return "revoque";
	if (strcmp(today, m->ends_on) > 0)
		return "expire";
	if (strcmp(today, m->starts_on) < 0)
		return "a_venir";
	return "actif";
}

int mandate_covers(const struct mandate *m, const char *domain, const char *today)
{
	return strcmp(mandate_state(m, today), "actif") == 0 && list_has(m->domains, domain);
}

static void read_mandate(struct db_stmt *st, struct mandate *m)
{
	memset(m, 0, sizeof *m);
	m->id = db_col_int(st, 0);
	m->person_id = db_col_int(st, 1);
	m->created_by = db_col_int(st, 2);
	m->created_at = db_col_int(st, 3);
	m->revoked_at = db_col_int(st, 4);
	cstr_copy(m->domains, sizeof m->domains, db_col_text(st, 5));
	cstr_copy(m->duration, sizeof m->duration, db_col_text(st, 6));
	cstr_copy(m->starts_on, sizeof m->starts_on, db_col_text(st, 7));
	cstr_copy(m->ends_on, sizeof m->ends_on, db_col_text(st, 8));
	cstr_copy(m->consent_on, sizeof m->consent_on, db_col_text(st, 9));
	cstr_copy(m->protector_agreement, sizeof m->protector_agreement, db_col_text(st, 10));
	cstr_copy(m->creator, sizeof m->creator, db_col_text(st, 11));
}

int mandate_get(struct db *db, const struct actor *by, int64_t id, struct mandate *out)
{
	struct db_stmt *st = db_query(db, SQL_MANDATE_GET, "ii", id, by->structure_id);
	if (!st)
		return DB_ERR;
	int rc = db_step(st);
	if (rc == 1)
		read_mandate(st, out);
	db_done(st);
	return rc;
}

int mandate_list(struct db *db, const struct actor *by, int64_t person_id,
		 void (*fn)(void *arg, const struct mandate *m), void *arg)
{
	struct db_stmt *st = db_query(db, SQL_MANDATE_FOR_PERSON, "ii", person_id, by->structure_id);
	if (!st)
		return DB_ERR;
	int rc;
	struct mandate m;
	while ((rc = db_step(st)) == 1) {
		read_mandate(st, &m);
		fn(arg, &m);
	}
	db_done(st);
	return rc;
}

struct covering {
	const char *domain, *today;
	struct mandate *out;
	int found;
};

static void take_covering(void *arg, const struct mandate *m)
{
	struct covering *c = arg;
	if (!c->found && mandate_covers(m, c->domain, c->today)) {
		*c->out = *m;
		c->found = 1;
	}
}

int mandate_find_covering(struct db *db, const struct actor *by, int64_t person_id, const char *domain,
			  struct mandate *out)
{
	char today[11];
	date_today(today);
	struct covering c = {domain, today, out, 0};
	int rc = mandate_list(db, by, person_id, take_covering, &c);
	return rc < 0 ? rc : c.found;
}

static void ignore_error(void *arg, const char *field, const char *msg)
{
	(void)arg;
	(void)field;
	(void)msg;
}

/* Validates a comma-separated list of domains; writes it back in the
 * canonical order. Returns the number of domains, -1 for an unknown one. */
static int domains_normalise(const char *in, char *out, size_t n)
{
	int count = 0;
	size_t used = 0;
	out[0] = '\0';
	/* Every value given must be known. */
	for (const char *p = in; *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		int known = len == 0;
		for (const struct choice *c = procedure_domains; c->value && !known; c++)
			known = strlen(c->value) == len && strncmp(c->value, p, len) == 0;
		if (!known)
			return -1;
		if (!end)
			break;
		p = end + 1;
	}
	for (const struct choice *c = procedure_domains; c->value; c++) {
		if (!list_has(in, c->value))
			continue;
		int w = snprintf(out + used, n - used, "%s%s", count ? "," : "", c->value);
		if (w < 0 || (size_t)w >= n - used)
			return -1;
		used += (size_t)w;
		count++;
	}
	return count;
}

#define FIELD_ERROR(f, m)                \
	do {                             \
		on_error(arg, (f), (m)); \
		bad = 1;                 \
	} while (0)

int64_t mandate_create(struct db *db, const struct actor *by, const struct person *p, const struct mandate_input *in,
		       field_error_fn on_error, void *arg)
{
	int bad = 0;
	if (!on_error)
		on_error = ignore_error;
	if (!by->second_factor) {
		on_error(arg, "", "Seul un professionnel connecté avec la double authentification peut créer un mandat.");
		return -1;
	}
	char domains[400], starts[11], consent[11], ends[11], today[11];
	date_today(today);
	int nd = domains_normalise(in->domains, domains, sizeof domains);
	if (nd < 0)
		FIELD_ERROR("domains", "Domaine inconnu.");
	else if (nd == 0)
		FIELD_ERROR("domains", "Cochez au moins un domaine couvert par le mandat.");
	int months = -1;
	if (strcmp(in->duration, "1j") == 0)
		months = 0;
	else if (strcmp(in->duration, "1m") == 0)
		months = 1;
	else if (strcmp(in->duration, "6m") == 0)
		months = 6;
	else if (strcmp(in->duration, "1a") == 0)
		months = 12;
	else
		FIELD_ERROR("duration", "La durée d'un mandat est d'un jour, un mois, six mois ou un an.");
	if (date_normalise(in->starts_on, starts) < 0)
		FIELD_ERROR("starts_on", "Date de début impossible : JJ/MM/AAAA.");
	else if (!starts[0])
		cstr_copy(starts, sizeof starts, today);
	else if (strcmp(starts, today) < 0)
		FIELD_ERROR("starts_on", "Un mandat ne peut pas commencer avant aujourd'hui.");
	if (date_normalise(in->consent_on, consent) < 0 || !consent[0])
		FIELD_ERROR("consent_on", "Indiquez la date à laquelle la personne a signé le mandat : JJ/MM/AAAA.");
	else if (strcmp(consent, today) > 0)
		FIELD_ERROR("consent_on", "La signature ne peut pas être datée dans le futur.");
	else if (starts[0] && strcmp(consent, starts) > 0)
		FIELD_ERROR("consent_on", "Le mandat ne peut pas commencer avant d'avoir été signé.");
	int protected_person = strcmp(p->v[PF_PROTECTION], "aucune") != 0 && p->v[PF_PROTECTION][0];
	if (!utf8_text_fits(in->protector_agreement, 250, 0))
		FIELD_ERROR("protector_agreement", "250 caractères au plus.");
	else if (protected_person && strlen(in->protector_agreement) < 3)
		FIELD_ERROR("protector_agreement",
			    "La personne a une mesure de protection : indiquez qui a donné son accord (tuteur ou curateur) et quand.");
	if (bad)
		return -1;
	/* One day covers the start day only; otherwise the day before the
	 * same date months later. */
	if (months == 0)
		cstr_copy(ends, sizeof ends, starts);
	else
		date_add(starts, months, -1, ends);
	if (db_begin(db) < 0)
		goto fail;
	if (db_exec(db, SQL_MANDATE_ADD, "iissssssii", by->structure_id, p->id, domains, in->duration, starts, ends,
		    consent, protected_person ? in->protector_agreement : "", by->user_id, clock_now()) < 0)
		goto fail;
	int64_t id = db_last_id(db);
	char detail[500];
	snprintf(detail, sizeof detail, "mandat %lld : %s du %s au %s", (long long)id, domains, starts, ends);
	if (audit_log(db, by, "mandate.add", "person", p->id, detail) < 0 || db_commit(db) < 0)
		goto fail;
	return id;
fail:
	db_rollback(db);
	on_error(arg, "", "Erreur de la base de données : le mandat n'a pas été enregistré.");
	return -1;
}

int64_t mandate_revoke(struct db *db, const struct actor *by, int64_t id, const char *domain, const char *reason,
		       struct buf *err)
{
	struct mandate m;
	char today[11];
	date_today(today);
	int rc = mandate_get(db, by, id, &m);
	if (rc <= 0) {
		buf_puts(err, rc < 0 ? "Erreur de la base de données." : "Ce mandat n'existe pas.");
		return -1;
	}
	if (!by->second_factor) {
		buf_puts(err, "Seul un professionnel connecté avec la double authentification peut révoquer un mandat.");
		return -1;
	}
	if (strcmp(mandate_state(&m, today), "revoque") == 0 || strcmp(mandate_state(&m, today), "expire") == 0) {
		buf_puts(err, "Ce mandat n'est plus en vigueur.");
		return -1;
	}
	if (!utf8_text_fits(reason, 300, 1)) {
		buf_puts(err, "Le motif fait 300 caractères au plus.");
		return -1;
	}
	char rest[400] = "";
	if (domain[0]) {
		if (!list_has(m.domains, domain)) {
			buf_puts(err, "Ce domaine n'est pas couvert par le mandat.");
			return -1;
		}
		/* The scope without the revoked domain. */
		size_t used = 0;
		for (const struct choice *c = procedure_domains; c->value; c++)
			if (list_has(m.domains, c->value) && strcmp(c->value, domain) != 0)
				used += (size_t)snprintf(rest + used, sizeof rest - used, "%s%s", used ? "," : "", c->value);
	}
	int64_t now = clock_now(), rid = -1;
	if (db_begin(db) < 0)
		goto fail;
	/* Revoking the last domain revokes the whole mandate. */
	if (domain[0] && rest[0]) {
		if (db_exec(db, SQL_MANDATE_SET_DOMAINS, "is", id, rest) < 0)
			goto fail;
	} else if (db_exec(db, SQL_MANDATE_REVOKE, "ii", id, now) < 0) {
		goto fail;
	}
	if (db_exec(db, SQL_REVOCATION_ADD, "iissii", by->structure_id, id, domain, reason, by->user_id, now) < 0)
		goto fail;
	rid = db_last_id(db);
	char detail[200];
	snprintf(detail, sizeof detail, "mandat %lld, révocation %s", (long long)id, domain[0] ? domain : "totale");
	if (audit_log(db, by, "mandate.revoke", "person", m.person_id, detail) < 0 || db_commit(db) < 0)
		goto fail;
	return rid;
fail:
	db_rollback(db);
	buf_appendf(err, "Erreur de la base de données : %s", db_errmsg(db));
	return -1;
}

int revocation_get(struct db *db, const struct actor *by, int64_t mandate_id, int64_t id, struct revocation *out)
{
	struct db_stmt *st = db_query(db, SQL_REVOCATION_GET, "iii", id, mandate_id, by->structure_id);
	if (!st)
		return DB_ERR;
	int rc = db_step(st);
	if (rc == 1) {
		memset(out, 0, sizeof *out);
		out->id = db_col_int(st, 0);
		out->mandate_id = db_col_int(st, 1);
		out->at = db_col_int(st, 2);
		cstr_copy(out->domain, sizeof out->domain, db_col_text(st, 3));
		cstr_copy(out->reason, sizeof out->reason, db_col_text(st, 4));
		cstr_copy(out->by_name, sizeof out->by_name, db_col_text(st, 5));
	}
	db_done(st);
	return rc;
}

/* ---- acts under mandate -------------------------------------------------- */

/* The digest sealed in the audit chain. The person is left out: merging
 * two files moves acts to the file kept. */
static void act_digest(int64_t id, int64_t structure_id, int64_t mandate_id, int64_t procedure_id, int64_t user_id,
		       int64_t at, const char *what, char out[65])
{
	struct buf b = BUF_INIT;
	buf_appendf(&b, "%lld|%lld|%lld|%lld|%lld|%lld|", (long long)id, (long long)structure_id, (long long)mandate_id,
		    (long long)procedure_id, (long long)user_id, (long long)at);
	buf_puts(&b, what);
	sha256_hex(b.data ? b.data : "", b.len, out);
	buf_free(&b);
}

/* Inside the caller's transaction. */
static int64_t act_insert(struct db *db, const struct actor *by, const struct mandate *m, const struct procedure *p,
			  const char *what)
{
	int64_t now = clock_now();
	if (db_exec(db, SQL_ACT_ADD, "iiiiiis", by->structure_id, p->person_id, m->id, p->id, by->user_id, now, what) < 0)
		return -1;
	int64_t id = db_last_id(db);
	char digest[65], detail[120];
	act_digest(id, by->structure_id, m->id, p->id, by->user_id, now, what, digest);
	snprintf(detail, sizeof detail, "acte %lld sha256 %s", (long long)id, digest);
	if (audit_log(db, by, "mandate.act", "mandate_act", id, detail) < 0)
		return -1;
	return id;
}

/* The mandate under which the actor may act for p, or a message. */
static int may_act(struct db *db, const struct actor *by, const struct procedure *p, struct mandate *m,
		   struct buf *err)
{
	if (!by->second_factor) {
		buf_puts(err, "Pour agir à la place d'une personne, connectez-vous avec la double authentification.");
		return 0;
	}
	int rc = mandate_find_covering(db, by, p->person_id, p->domain, m);
	if (rc < 0) {
		buf_puts(err, "Erreur de la base de données.");
		return 0;
	}
	if (rc == 0) {
		buf_appendf(err, "Aucun mandat actif ne couvre le domaine « %s » : sans mandat, la démarche ne peut pas être "
				 "faite à la place de la personne. Créez un mandat signé par la personne, ou faites la "
				 "démarche avec elle.",
			    choice_label(procedure_domains, p->domain));
		return 0;
	}
	return 1;
}

int64_t mandate_act_add(struct db *db, const struct actor *by, const struct procedure *p, const char *what,
			struct buf *err)
{
	struct mandate m;
	if (strcmp(p->way, "a_la_place") != 0) {
		buf_puts(err, "Cette démarche n'est pas faite à la place de la personne.");
		return -1;
	}
	size_t n = strlen(what);
	if (n < 3 || !utf8_text_fits(what, 1000, 1)) {
		buf_puts(err, "Décrivez ce qui a été fait (de 3 à 1 000 caractères).");
		return -1;
	}
	if (!may_act(db, by, p, &m, err))
		return -1;
	if (db_begin(db) < 0)
		goto fail;
	int64_t id = act_insert(db, by, &m, p, what);
	if (id < 0 || db_commit(db) < 0)
		goto fail;
	return id;
fail:
	db_rollback(db);
	buf_appendf(err, "Erreur de la base de données : %s", db_errmsg(db));
	return -1;
}

int mandate_act_list(struct db *db, const struct actor *by, int64_t person_id,
		     void (*fn)(void *arg, const struct mandate_act *a), void *arg)
{
	struct db_stmt *st = db_query(db, SQL_ACT_FOR_PERSON, "ii", person_id, by->structure_id);
	if (!st)
		return DB_ERR;
	int rc;
	while ((rc = db_step(st)) == 1) {
		struct mandate_act a = {
			.id = db_col_int(st, 0),
			.mandate_id = db_col_int(st, 1),
			.procedure_id = db_col_int(st, 2),
			.at = db_col_int(st, 3),
			.what = db_col_text(st, 4),
			.worker = db_col_text(st, 5),
			.subject = db_col_text(st, 6),
			.organism = db_col_text(st, 7),
		};
		fn(arg, &a);
	}
	db_done(st);
	return rc;
}

int mandate_acts_verify(struct db *db, struct buf *err)
{
	/* The seals, by act id (the chain itself is checked by audit_verify). */
	struct seal {
		int64_t id;
		char digest[65];
	} *seals = NULL;
	size_t nseals = 0, cap = 0;
	int bad = 0;
	struct db_stmt *st = db_query(db, SQL_ACT_SEALS, "");
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == 1) {
		if (nseals == cap) {
			cap = cap ? cap * 2 : 256;
			struct seal *n = realloc(seals, cap * sizeof *seals);
			if (!n) {
				rc = -1;
				break;
			}
			seals = n;
		}
		seals[nseals].id = db_col_int(st, 0);
		const char *d = strstr(db_col_text(st, 1), "sha256 ");
		cstr_copy(seals[nseals].digest, sizeof seals[nseals].digest, d ? d + 7 : "");
		nseals++;
	}
	db_done(st);
	if (rc < 0) {
		free(seals);
		return -1;
	}
	st = db_query(db, SQL_ACT_ALL, "");
	if (!st) {
		free(seals);
		return -1;
	}
	size_t next = 0;
	while ((rc = db_step(st)) == 1) {
		int64_t id = db_col_int(st, 0);
		const char *what = db_col_text(st, 6);
		/* Seals and acts are both in id order. */
		while (next < nseals && seals[next].id < id)
			next++;
		if (!what[0])
			continue; /* anonymised: the text was blanked on purpose */
		char digest[65];
		act_digest(id, db_col_int(st, 1), db_col_int(st, 2), db_col_int(st, 3), db_col_int(st, 4),
			   db_col_int(st, 5), what, digest);
		if (next >= nseals || seals[next].id != id) {
			buf_appendf(err, "acte sous mandat %lld : absent du journal d'audit\n", (long long)id);
			bad++;
		} else if (strcmp(seals[next].digest, digest) != 0) {
			buf_appendf(err, "acte sous mandat %lld : modifié après son enregistrement\n", (long long)id);
			bad++;
		}
	}
	db_done(st);
	free(seals);
	return rc < 0 ? -1 : bad;
}

/* ---- démarches ------------------------------------------------------------ */

static void read_procedure(struct db_stmt *st, struct procedure *p)
{
	memset(p, 0, sizeof *p);
	p->id = db_col_int(st, 0);
	p->person_id = db_col_int(st, 1);
	p->version = db_col_int(st, 2);
	p->created_by = db_col_int(st, 3);
	p->created_at = db_col_int(st, 4);
	p->updated_at = db_col_int(st, 5);
	cstr_copy(p->organism, sizeof p->organism, db_col_text(st, 6));
	cstr_copy(p->domain, sizeof p->domain, db_col_text(st, 7));
	cstr_copy(p->subject, sizeof p->subject, db_col_text(st, 8));
	cstr_copy(p->status, sizeof p->status, db_col_text(st, 9));
	cstr_copy(p->way, sizeof p->way, db_col_text(st, 10));
	cstr_copy(p->opened_on, sizeof p->opened_on, db_col_text(st, 11));
	cstr_copy(p->submitted_on, sizeof p->submitted_on, db_col_text(st, 12));
	cstr_copy(p->answer_due_on, sizeof p->answer_due_on, db_col_text(st, 13));
	cstr_copy(p->renewal_on, sizeof p->renewal_on, db_col_text(st, 14));
	cstr_copy(p->notes, sizeof p->notes, db_col_text(st, 15));
	cstr_copy(p->creator, sizeof p->creator, db_col_text(st, 16));
}

int procedure_get(struct db *db, const struct actor *by, int64_t id, struct procedure *out)
{
	struct db_stmt *st = db_query(db, SQL_PROCEDURE_GET, "ii", id, by->structure_id);
	if (!st)
		return DB_ERR;
	int rc = db_step(st);
	if (rc == 1)
		read_procedure(st, out);
	db_done(st);
	return rc;
}

int procedure_list(struct db *db, const struct actor *by, int64_t person_id, int open_only,
		   void (*fn)(void *arg, const struct procedure *p), void *arg)
{
	struct db_stmt *st = db_query(db, SQL_PROCEDURE_FOR_PERSON, "iid", person_id, by->structure_id, open_only);
	if (!st)
		return DB_ERR;
	int rc;
	struct procedure p;
	while ((rc = db_step(st)) == 1) {
		read_procedure(st, &p);
		fn(arg, &p);
	}
	db_done(st);
	return rc;
}

/* Checks the form into p (dates normalised). 0, or -1 after on_error. */
static int procedure_validate(struct db *db, const struct actor *by, const struct procedure_input *in,
			      struct procedure *p, field_error_fn on_error, void *arg)
{
	int bad = 0;
	struct label_list orgs;
	if (organisms_load(db, by->structure_id, &orgs) < 0) {
		on_error(arg, "", "Erreur de la base de données.");
		return -1;
	}
	if (label_of(&orgs, in->organism) == in->organism)
		FIELD_ERROR("organism", "Choisissez l'organisme.");
	if (!choice_known(procedure_domains, in->domain))
		FIELD_ERROR("domain", "Choisissez le domaine de la démarche.");
	size_t n = strlen(in->subject);
	if (n < 2 || !utf8_text_fits(in->subject, 300, 0))
		FIELD_ERROR("subject", "Indiquez l'objet de la démarche (de 2 à 300 caractères).");
	if (!choice_known(procedure_statuses, in->status))
		FIELD_ERROR("status", "Choisissez l'état de la démarche.");
	if (!choice_known(procedure_ways, in->way))
		FIELD_ERROR("way", "Indiquez qui fait la démarche.");
	if (!utf8_text_fits(in->notes, 3000, 1))
		FIELD_ERROR("notes", "3 000 caractères au plus.");
	if (in->checklist && !utf8_text_fits(in->checklist, 3000, 1))
		FIELD_ERROR("checklist", "3 000 caractères au plus.");
	static const struct {
		const char *field;
		size_t offset;
	} dates[] = {
		{"opened_on", offsetof(struct procedure, opened_on)},
		{"submitted_on", offsetof(struct procedure, submitted_on)},
		{"answer_due_on", offsetof(struct procedure, answer_due_on)},
		{"renewal_on", offsetof(struct procedure, renewal_on)},
	};
	const char *typed[] = {in->opened_on, in->submitted_on, in->answer_due_on, in->renewal_on};
	for (size_t i = 0; i < 4; i++)
		if (date_normalise(typed[i], (char *)p + dates[i].offset) < 0)
			FIELD_ERROR(dates[i].field, "Date impossible : JJ/MM/AAAA.");
	char today[11];
	date_today(today);
	if (!p->opened_on[0])
		cstr_copy(p->opened_on, sizeof p->opened_on, today);
	if (p->submitted_on[0] && strcmp(p->submitted_on, p->opened_on) < 0)
		FIELD_ERROR("submitted_on", "Le dépôt ne peut pas précéder l'ouverture de la démarche.");
	if (p->submitted_on[0] && strcmp(p->submitted_on, today) > 0)
		FIELD_ERROR("submitted_on", "La date de dépôt est dans le futur.");
	if (p->answer_due_on[0] && strcmp(p->answer_due_on, p->opened_on) < 0)
		FIELD_ERROR("answer_due_on", "La réponse attendue ne peut pas précéder l'ouverture de la démarche.");
	if (p->renewal_on[0] && strcmp(p->renewal_on, p->opened_on) <= 0)
		FIELD_ERROR("renewal_on", "Le renouvellement doit venir après l'ouverture de la démarche.");
	if (bad)
		return -1;
	cstr_copy(p->organism, sizeof p->organism, in->organism);
	cstr_copy(p->domain, sizeof p->domain, in->domain);
	cstr_copy(p->subject, sizeof p->subject, in->subject);
	cstr_copy(p->status, sizeof p->status, in->status);
	cstr_copy(p->way, sizeof p->way, in->way);
	cstr_copy(p->notes, sizeof p->notes, in->notes);
	return 0;
}

int64_t procedure_create(struct db *db, const struct actor *by, int64_t person_id, const struct procedure_input *in,
			 field_error_fn on_error, void *arg)
{
	if (!on_error)
		on_error = ignore_error;
	struct procedure p;
	memset(&p, 0, sizeof p);
	p.person_id = person_id;
	if (procedure_validate(db, by, in, &p, on_error, arg) < 0)
		return -1;
	struct mandate m;
	struct buf err = BUF_INIT;
	int in_place = strcmp(p.way, "a_la_place") == 0;
	if (in_place && !may_act(db, by, &p, &m, &err)) {
		on_error(arg, "way", buf_cstr(&err));
		buf_free(&err);
		return -1;
	}
	buf_free(&err);
	int64_t now = clock_now();
	if (db_begin(db) < 0)
		goto fail;
	if (db_exec(db, SQL_PROCEDURE_ADD, "iissssssssssii", by->structure_id, person_id, p.organism, p.domain,
		    p.subject, p.status, p.way, p.opened_on, p.submitted_on, p.answer_due_on, p.renewal_on, p.notes,
		    by->user_id, now) < 0)
		goto fail;
	p.id = db_last_id(db);
	/* The checklist: one document per line. */
	for (const char *line = in->checklist ? in->checklist : ""; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		/* Browsers send a textarea's lines ending in CR LF. */
		while (len && line[len - 1] == '\r')
			len--;
		char raw[200], item[200];
		if (len >= sizeof raw) {
			/* Cut a long line on a character boundary. */
			len = sizeof raw - 1;
			while (len && ((unsigned char)line[len] & 0xC0) == 0x80)
				len--;
		}
		snprintf(raw, sizeof raw, "%.*s", (int)len, line);
		text_trim(raw, item, sizeof item);
		if (item[0] && db_exec(db, SQL_CHECKLIST_ADD, "iis", by->structure_id, p.id, item) < 0)
			goto fail;
		if (!end)
			break;
		line = end + 1;
	}
	char detail[120];
	snprintf(detail, sizeof detail, "démarche %lld", (long long)p.id);
	if (audit_log(db, by, "procedure.add", "person", person_id, detail) < 0)
		goto fail;
	if (in_place) {
		char what[600];
		snprintf(what, sizeof what, "Ouverture de la démarche « %s » (%s)", p.subject,
			 choice_label(procedure_statuses, p.status));
		if (act_insert(db, by, &m, &p, what) < 0)
			goto fail;
	}
	if (db_commit(db) < 0)
		goto fail;
	return p.id;
fail:
	db_rollback(db);
	on_error(arg, "", "Erreur de la base de données : la démarche n'a pas été enregistrée.");
	return -1;
}

int procedure_update(struct db *db, const struct actor *by, int64_t id, int64_t version,
		     const struct procedure_input *in, field_error_fn on_error, void *arg)
{
	if (!on_error)
		on_error = ignore_error;
	struct procedure cur, p;
	int rc = procedure_get(db, by, id, &cur);
	if (rc <= 0) {
		on_error(arg, "", rc < 0 ? "Erreur de la base de données." : "Cette démarche n'existe pas.");
		return -1;
	}
	memset(&p, 0, sizeof p);
	p.id = id;
	p.person_id = cur.person_id;
	if (procedure_validate(db, by, in, &p, on_error, arg) < 0)
		return -1;
	struct mandate m;
	struct buf err = BUF_INIT;
	int in_place = strcmp(p.way, "a_la_place") == 0;
	/* Changing anything of a démarche done in the person's place is an act. */
	if (in_place && !may_act(db, by, &p, &m, &err)) {
		on_error(arg, "way", buf_cstr(&err));
		buf_free(&err);
		return -1;
	}
	buf_free(&err);
	if (db_begin(db) < 0)
		goto fail;
	if (db_exec(db, SQL_PROCEDURE_UPDATE, "iissssssssssi", id, version, p.organism, p.domain, p.subject, p.status,
		    p.way, p.opened_on, p.submitted_on, p.answer_due_on, p.renewal_on, p.notes, clock_now()) < 0)
		goto fail;
	if (db_changes(db) == 0) {
		db_rollback(db);
		return 1;
	}
	char detail[120];
	snprintf(detail, sizeof detail, "démarche %lld", (long long)id);
	if (audit_log(db, by, "procedure.update", "person", p.person_id, detail) < 0)
		goto fail;
	if (in_place) {
		char what[700];
		if (strcmp(cur.status, p.status) != 0)
			snprintf(what, sizeof what, "Démarche « %s » : %s → %s", p.subject,
				 choice_label(procedure_statuses, cur.status), choice_label(procedure_statuses, p.status));
		else
			snprintf(what, sizeof what, "Démarche « %s » mise à jour (%s)", p.subject,
				 choice_label(procedure_statuses, p.status));
		if (act_insert(db, by, &m, &p, what) < 0)
			goto fail;
	}
	if (db_commit(db) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	on_error(arg, "", "Erreur de la base de données : la démarche n'a pas été enregistrée.");
	return -1;
}

int checklist_list(struct db *db, int64_t procedure_id, struct checklist_item *out, int max)
{
	struct db_stmt *st = db_query(db, SQL_CHECKLIST_LIST, "i", procedure_id);
	if (!st)
		return DB_ERR;
	int n = 0, rc;
	while ((rc = db_step(st)) == 1 && n < max) {
		out[n].id = db_col_int(st, 0);
		cstr_copy(out[n].label, sizeof out[n].label, db_col_text(st, 1));
		out[n].done = (int)db_col_int(st, 2);
		n++;
	}
	db_done(st);
	return rc < 0 ? rc : n;
}

int checklist_set(struct db *db, const struct actor *by, const struct procedure *p, const int64_t *done_ids, int ndone,
		  const char *new_label, struct buf *err)
{
	struct checklist_item items[CHECKLIST_MAX];
	int n = checklist_list(db, p->id, items, CHECKLIST_MAX);
	if (n < 0) {
		buf_puts(err, "Erreur de la base de données.");
		return -1;
	}
	char label[200];
	text_trim(new_label, label, sizeof label);
	if (!utf8_text_fits(label, 150, 0)) {
		buf_puts(err, "Le nom du document fait 150 caractères au plus.");
		return -1;
	}
	if (label[0] && n >= CHECKLIST_MAX) {
		buf_puts(err, "La liste est limitée à 30 documents.");
		return -1;
	}
	if (db_begin(db) < 0)
		goto fail;
	for (int i = 0; i < n; i++) {
		int done = 0;
		for (int k = 0; k < ndone && !done; k++)
			done = done_ids[k] == items[i].id;
		if (done != items[i].done && db_exec(db, SQL_CHECKLIST_SET, "iid", items[i].id, p->id, done) < 0)
			goto fail;
	}
	if (label[0] && db_exec(db, SQL_CHECKLIST_ADD, "iis", by->structure_id, p->id, label) < 0)
		goto fail;
	char detail[120];
	snprintf(detail, sizeof detail, "démarche %lld, pièces", (long long)p->id);
	if (audit_log(db, by, "procedure.checklist", "person", p->person_id, detail) < 0 || db_commit(db) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	buf_appendf(err, "Erreur de la base de données : %s", db_errmsg(db));
	return -1;
}

static int due_cmp(const void *a, const void *b)
{
	const struct due_item *x = a, *y = b;
	int c = strcmp(x->date, y->date);
	if (c == 0)
		c = strcmp(x->kind, y->kind);
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

enum { DUE_MAX = 100 };

int procedure_due(struct db *db, const struct actor *by, int days, void (*fn)(void *arg, const struct due_item *d),
		  void *arg)
{
	char today[11], until[11];
	date_today(today);
	date_add(today, 0, days, until);
	struct pool *pool = pool_new();
	struct db_stmt *st = pool ? db_query(db, SQL_PROCEDURE_DUE, "iiss", by->user_id, by->structure_id, until, today)
				  : NULL;
	if (!st) {
		pool_free(pool);
		return DB_ERR;
	}
	/* The rows come arm by arm: kept, then sorted by date. */
	struct due_item *items = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = db_step(st)) == 1) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct due_item *p = pool_alloc_raw(pool, ncap * sizeof *p);
			if (!p) {
				rc = DB_ERR;
				break;
			}
			if (n)
				memcpy(p, items, n * sizeof *p);
			items = p;
			cap = ncap;
		}
		char name[300];
		text_join_name(db_col_text(st, 5), db_col_text(st, 6), name, sizeof name); /* as in the tasks */
		struct due_item *d = &items[n++];
		d->id = db_col_int(st, 0);
		d->person_id = db_col_int(st, 1);
		d->kind = pool_strdup(pool, db_col_text(st, 2));
		d->date = pool_strdup(pool, db_col_text(st, 3));
		d->subject = pool_strdup(pool, db_col_text(st, 4));
		d->person_name = pool_strdup(pool, name);
		if (!d->kind || !d->date || !d->subject || !d->person_name) {
			rc = DB_ERR;
			break;
		}
	}
	db_done(st);
	if (rc == 0) {
		if (n > 1) /* items is NULL when there are none */
			qsort(items, n, sizeof *items, due_cmp);
		for (size_t i = 0; i < n && i < DUE_MAX; i++)
			fn(arg, &items[i]);
	}
	pool_free(pool);
	return rc;
}
