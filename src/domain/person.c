#include "domain/person.h"
#include "core/clock.h"
#include "core/text.h"
#include "db/queries.h"
#include "domain/audit.h"
#include "domain/commune.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct choice CIVILITES[] = {
	{"", "Non précisée"}, {"Mme", "Madame"}, {"M.", "Monsieur"}, {NULL, NULL}};
static const struct choice CHANNELS[] = {
	{"en_personne", "En personne"}, {"courrier", "Courrier postal"}, {"telephone", "Téléphone"},
	{"sms", "SMS"}, {"email", "Courriel"}, {NULL, NULL}};
static const struct choice HOUSING[] = {
	{"", "Non renseigné"},
	{"locataire_social", "Locataire du parc social"},
	{"locataire_prive", "Locataire du parc privé"},
	{"proprietaire", "Propriétaire"},
	{"heberge_tiers", "Hébergé par un tiers"},
	{"hebergement_urgence", "Hébergement d'urgence ou d'insertion"},
	{"foyer_residence", "Foyer ou résidence sociale"},
	{"habitat_precaire", "Habitat précaire (caravane, squat…)"},
	{"sans_domicile", "Sans domicile"},
	{"autre", "Autre"},
	{NULL, NULL}};
static const struct choice PROTECTION[] = {
	{"aucune", "Aucune"},
	{"sauvegarde", "Sauvegarde de justice"},
	{"curatelle", "Curatelle simple"},
	{"curatelle_renforcee", "Curatelle renforcée"},
	{"tutelle", "Tutelle"},
	{"habilitation_familiale", "Habilitation familiale"},
	{"masp", "MASP (accompagnement social personnalisé)"},
	{"maj", "MAJ (accompagnement judiciaire)"},
	{NULL, NULL}};
static const struct choice INFO_METHODS[] = {
	{"oral_notice", "Oralement, avec la notice d'information imprimée remise en main propre"},
	{"paper", "Par écrit (notice envoyée ou remise sur papier)"},
	{NULL, NULL}};

const struct choice household_relations[] = {
	{"conjoint", "Conjoint ou conjointe"}, {"enfant", "Enfant"}, {"parent", "Parent"},
	{"frere_soeur", "Frère ou sœur"}, {"autre_famille", "Autre membre de la famille"},
	{"autre", "Autre personne du foyer"}, {NULL, NULL}};

const char *const field_part_labels[] = {"Identité", "Contact", "Situation", "Information de la personne"};

/* In the order of enum person_field and of PERSON_FIELD_COLS (queries.c). */
const struct person_field_def person_fields[PF_COUNT] = {
	[PF_CIVILITE] = {"civilite", "Civilité", FK_CHOICE, PART_IDENTITY, 8, 0, CIVILITES, NULL},
	[PF_BIRTH_NAME] = {"birth_name", "Nom de naissance", FK_TEXT, PART_IDENTITY, 120, 1, NULL, NULL},
	[PF_USAGE_NAME] = {"usage_name", "Nom d'usage", FK_TEXT, PART_IDENTITY, 120, 0, NULL,
			   "Nom d'épouse ou d'époux, s'il est utilisé."},
	[PF_FIRST_NAMES] = {"first_names", "Prénoms", FK_TEXT, PART_IDENTITY, 160, 1, NULL, NULL},
	[PF_BIRTH_DATE] = {"birth_date", "Date de naissance", FK_DATE, PART_IDENTITY, 10, 0, NULL,
			   "Sous la forme JJ/MM/AAAA, par exemple 14/07/1985."},
	[PF_BIRTH_PLACE] = {"birth_place", "Lieu de naissance", FK_TEXT, PART_IDENTITY, 120, 0, NULL, NULL},
	[PF_NATIONALITY] = {"nationality", "Nationalité (facultative)", FK_TEXT, PART_IDENTITY, 80, 0, NULL, NULL},
	[PF_ADDRESS] = {"address", "Adresse", FK_LONGTEXT, PART_CONTACT, 300, 0, NULL, NULL},
	[PF_POSTAL_CODE] = {"postal_code", "Code postal", FK_POSTAL, PART_CONTACT, 5, 0, NULL, NULL},
	[PF_COMMUNE_NAME] = {"commune_name", "Commune", FK_TEXT, PART_CONTACT, 120, 0, NULL, NULL},
	[PF_PHONE] = {"phone", "Téléphone", FK_PHONE, PART_CONTACT, 32, 0, NULL, NULL},
	[PF_PHONE2] = {"phone2", "Autre téléphone", FK_PHONE, PART_CONTACT, 32, 0, NULL, NULL},
	[PF_EMAIL] = {"email", "Courriel", FK_EMAIL, PART_CONTACT, 120, 0, NULL, NULL},
	[PF_PREFERRED_CHANNEL] = {"preferred_channel", "Moyen de contact préféré", FK_CHOICE, PART_CONTACT, 16, 1,
				  CHANNELS, "Les rappels et courriers passeront par ce moyen."},
	[PF_NO_PHONE] = {"no_phone", "N'a pas de téléphone", FK_FLAG, PART_CONTACT, 1, 0, NULL, NULL},
	[PF_NO_EMAIL] = {"no_email", "N'a pas d'adresse électronique", FK_FLAG, PART_CONTACT, 1, 0, NULL, NULL},
	[PF_LANGUAGES] = {"languages", "Langues parlées", FK_TEXT, PART_CONTACT, 120, 0, NULL, NULL},
	[PF_INTERPRETER] = {"interpreter", "A besoin d'un interprète", FK_FLAG, PART_CONTACT, 1, 0, NULL, NULL},
	[PF_HOUSING] = {"housing", "Logement", FK_CHOICE, PART_SITUATION, 32, 0, HOUSING, NULL},
	[PF_RESOURCES] = {"resources", "Ressources (nature)", FK_TEXT, PART_SITUATION, 200, 0, NULL,
			  "Par exemple : salaire, RSA, AAH, allocations familiales, retraite."},
	[PF_PROTECTION] = {"protection", "Mesure de protection", FK_CHOICE, PART_SITUATION, 32, 1, PROTECTION, NULL},
	[PF_PROTECTOR_CONTACT] = {"protector_contact", "Mandataire ou tuteur (nom et contact)", FK_TEXT,
				  PART_SITUATION, 200, 0, NULL, NULL},
	[PF_CAF_NUMBER] = {"caf_number", "Numéro d'allocataire CAF ou MSA", FK_TEXT, PART_SITUATION, 20, 0, NULL, NULL},
	[PF_NIR] = {"nir", "Numéro de sécurité sociale", FK_NIR, PART_SITUATION, 21, 0, NULL,
		    "15 chiffres, clé comprise. Il est masqué à l'affichage."},
	[PF_INFO_DATE] = {"info_date", "Date d'information de la personne", FK_DATE, PART_INFO, 10, 1, NULL,
			  "Le jour où la personne a été informée du traitement de ses données."},
	[PF_INFO_METHOD] = {"info_method", "Manière dont elle a été informée", FK_CHOICE, PART_INFO, 16, 1, INFO_METHODS, NULL},
	[PF_RESTRICTED] = {"restricted", "Dossier réservé aux référents (et aux responsables)", FK_FLAG, PART_INFO, 1, 0,
			   NULL, NULL},
};

void person_init(struct person *p, int64_t now)
{
	memset(p, 0, sizeof *p);
	static const struct {
		enum person_field f;
		const char *v;
	} defaults[] = {
		{PF_PREFERRED_CHANNEL, "en_personne"}, {PF_PROTECTION, "aucune"}, {PF_INFO_METHOD, "oral_notice"},
		{PF_NO_PHONE, "0"}, {PF_NO_EMAIL, "0"}, {PF_INTERPRETER, "0"}, {PF_RESTRICTED, "0"},
	};
	for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
		cstr_copy(p->v[defaults[i].f], PERSON_VALUE_MAX, defaults[i].v);
	int y, m, d;
	civil_from_days((now + clock_paris_offset(now)) / 86400, &y, &m, &d);
	snprintf(p->v[PF_INFO_DATE], PERSON_VALUE_MAX, "%04d-%02d-%02d", y, m, d);
}

int choice_known(const struct choice *choices, const char *value)
{
	for (; choices->value; choices++)
		if (strcmp(choices->value, value) == 0)
			return 1;
	return 0;
}

const char *choice_label(const struct choice *choices, const char *value)
{
	for (const struct choice *c = choices; c && c->value; c++)
		if (strcmp(c->value, value) == 0)
			return c->label;
	return value;
}

void person_display_name(const struct person *p, char *out, size_t n)
{
	/* The family name in capitals, as on official papers. */
	char upper[PERSON_VALUE_MAX];
	text_upper(p->v[PF_BIRTH_NAME], upper, sizeof upper);
	if (p->v[PF_USAGE_NAME][0])
		snprintf(out, n, "%s%s%s (née ou né %s) %s", p->v[PF_CIVILITE], p->v[PF_CIVILITE][0] ? " " : "",
			 p->v[PF_USAGE_NAME], upper, p->v[PF_FIRST_NAMES]);
	else
		snprintf(out, n, "%s%s%s %s", p->v[PF_CIVILITE], p->v[PF_CIVILITE][0] ? " " : "", upper,
			 p->v[PF_FIRST_NAMES]);
}

/* ---- validation ------------------------------------------------------- */

static void nir_compact(const char *in, char *out, size_t n)
{
	size_t o = 0;
	for (; *in && o + 1 < n; in++)
		if (*in != ' ' && *in != '.' && *in != '-')
			out[o++] = (char)toupper((unsigned char)*in);
	out[o] = '\0';
}

int nir_valid(const char *nir)
{
	char c[24];
	nir_compact(nir, c, sizeof c);
	if (strlen(c) != 15)
		return 0;
	if (!strchr("123478", c[0]))
		return 0;
	char digits[16];
	memcpy(digits, c, 13);
	digits[13] = '\0';
	/* Corsica: departments 2A and 2B count as 19 and 18 in the key. */
	if (c[5] == '2' && (c[6] == 'A' || c[6] == 'B')) {
		digits[5] = '1';
		digits[6] = c[6] == 'A' ? '9' : '8';
	}
	for (int i = 0; i < 13; i++)
		if (!isdigit((unsigned char)digits[i]))
			return 0;
	if (!isdigit((unsigned char)c[13]) || !isdigit((unsigned char)c[14]))
		return 0;
	unsigned long long num = strtoull(digits, NULL, 10);
	int key = (c[13] - '0') * 10 + (c[14] - '0');
	return key == (int)(97 - num % 97);
}

void nir_masked(const char *nir, char *out, size_t n)
{
	char c[24];
	nir_compact(nir, c, sizeof c);
	if (strlen(c) != 15) {
		snprintf(out, n, "%s", c[0] ? "(numéro masqué)" : "");
		return;
	}
	snprintf(out, n, "%c %c%c %c%c •• ••• ••• %c%c", c[0], c[1], c[2], c[3], c[4], c[13], c[14]);
}

static int choice_ok(const struct choice *choices, const char *v)
{
	for (const struct choice *c = choices; c->value; c++)
		if (strcmp(c->value, v) == 0)
			return 1;
	return 0;
}

/* The INSEE code from the postal code and commune typed; the commune's
 * official name replaces what was typed. */
static int resolve_commune(struct person *p, void (*on_error)(void *arg, const char *field, const char *msg), void *arg)
{
	p->commune_insee[0] = '\0';
	const char *postal = p->v[PF_POSTAL_CODE], *name = p->v[PF_COMMUNE_NAME];
	if (!postal[0] && !name[0])
		return 0;
	const struct commune *c = NULL;
	int n = commune_resolve(postal, name, &c);
	if (n == 1) {
		cstr_copy(p->commune_insee, sizeof p->commune_insee, c->insee);
		cstr_copy(p->v[PF_COMMUNE_NAME], PERSON_VALUE_MAX, c->name);
		return 0;
	}
	if (!postal[0] && n == 2)
		return 0; /* a name shared by several communes: kept as typed, no code */
	char msg[300];
	const struct commune *list[8];
	int k = postal[0] ? commune_by_postal(postal, list, 8) : 0;
	if (postal[0] && k == 0) {
		on_error(arg, "postal_code", "Ce code postal n'existe pas.");
		return -1;
	}
	if (n == 0 && !postal[0]) {
		on_error(arg, "commune_name", "Commune inconnue : vérifiez l'orthographe ou indiquez le code postal.");
		return -1;
	}
	size_t len = (size_t)snprintf(msg, sizeof msg, "%s code postal %s : ",
				      n == 0 ? "Cette commune ne correspond pas au" : "Précisez la commune pour le", postal);
	for (int i = 0; i < k && len < sizeof msg; i++)
		len += (size_t)snprintf(msg + len, sizeof msg - len, "%s%s", i ? ", " : "", list[i]->name);
	on_error(arg, "commune_name", msg);
	return -1;
}

int person_validate(struct person *p, const struct actor *by,
		    void (*on_error)(void *arg, const char *field, const char *msg), void *arg)
{
	int bad = 0;
	int64_t today = date_today_days();
	for (int f = 0; f < PF_COUNT; f++) {
		const struct person_field_def *d = &person_fields[f];
		/* Reception neither sees nor edits the situation: it is kept as stored. */
		if (d->part == PART_SITUATION && by && !person_can_see_situation(by))
			continue;
		char *v = p->v[f];
		char trimmed[PERSON_VALUE_MAX];
		text_trim(v, trimmed, sizeof trimmed);
		cstr_copy(v, PERSON_VALUE_MAX, trimmed);
		size_t len = strlen(v);
		const char *msg = NULL;
		char tmp[200];
		if (!utf8_valid_text(v, len, d->kind == FK_LONGTEXT)) {
			msg = "Ce champ contient des caractères non autorisés.";
		} else if (len > d->max) {
			snprintf(tmp, sizeof tmp, "%zu caractères au plus.", d->max);
			msg = tmp;
		} else if (d->required && !len && d->kind != FK_FLAG) {
			snprintf(tmp, sizeof tmp, "Renseignez : %s.", d->label);
			msg = tmp;
		} else if (len) {
			int y, m, dd;
			switch (d->kind) {
			case FK_DATE:
				if (date_parse(v, &y, &m, &dd) < 0) {
					msg = "Date impossible : écrivez-la sous la forme JJ/MM/AAAA (par exemple 05/03/1984).";
				} else if (days_from_civil(y, m, dd) > today) {
					msg = "Cette date est dans le futur.";
				} else if (y < 1900) {
					msg = "Cette date est trop ancienne.";
				} else {
					snprintf(v, PERSON_VALUE_MAX, "%04d-%02d-%02d", y, m, dd);
				}
				break;
			case FK_CHOICE:
				if (!choice_ok(d->choices, v))
					msg = "Choisissez une valeur de la liste.";
				break;
			case FK_FLAG:
				if (strcmp(v, "1") != 0 && strcmp(v, "0") != 0)
					msg = "Valeur invalide.";
				break;
			case FK_PHONE: {
				char digits[40];
				size_t n = phone_digits(v, digits, sizeof digits);
				for (const char *c = v; *c && !msg; c++)
					if (!strchr("0123456789 +.()-", *c))
						msg = "Un numéro de téléphone ne contient que des chiffres, espaces et « + ».";
				if (!msg && (n < 10 || n > 15))
					msg = "Numéro incomplet : 10 chiffres attendus, par exemple 06 12 34 56 78.";
				break;
			}
			case FK_EMAIL: {
				const char *at = strchr(v, '@');
				if (!at || at == v || !strchr(at, '.') || strchr(v, ' ') || strchr(at + 1, '@'))
					msg = "Adresse électronique invalide (exemple : prenom.nom@exemple.fr).";
				break;
			}
			case FK_NIR:
				if (!nir_valid(v))
					msg = "Numéro de sécurité sociale invalide : vérifiez les 15 chiffres (la clé ne correspond pas).";
				else
					nir_compact(v, v, PERSON_VALUE_MAX);
				break;
			case FK_POSTAL:
				if (len != 5 || strspn(v, "0123456789") != 5)
					msg = "Le code postal compte 5 chiffres.";
				break;
			case FK_TEXT:
			case FK_LONGTEXT:
				break;
			}
		}
		if (msg) {
			on_error(arg, d->name, msg);
			bad = 1;
		}
	}
	if (!bad && resolve_commune(p, on_error, arg) < 0)
		bad = 1;
	if (!bad && p->v[PF_BIRTH_DATE][0] && strcmp(p->v[PF_INFO_DATE], p->v[PF_BIRTH_DATE]) < 0) {
		on_error(arg, "info_date", "La date d'information précède la date de naissance.");
		bad = 1;
	}
	return bad ? -1 : 0;
}

/* ---- storage ---------------------------------------------------------- */

static int fold_names(const struct person *p, struct buf *out)
{
	int rc = text_fold(p->v[PF_BIRTH_NAME], out);
	if (!rc && p->v[PF_USAGE_NAME][0])
		rc = buf_putc(out, ' ') || text_fold(p->v[PF_USAGE_NAME], out);
	if (!rc)
		rc = buf_putc(out, ' ') || text_fold(p->v[PF_FIRST_NAMES], out);
	return rc;
}

static int index_names(struct db *db, int64_t structure_id, int64_t person_id, const char *folded)
{
	if (db_exec(db, SQL_PERSON_NAMES_DELETE, "i", person_id) < 0)
		return -1;
	const char *s = folded;
	while (*s) {
		const char *sp = strchr(s, ' ');
		size_t n = sp ? (size_t)(sp - s) : strlen(s);
		if (n && db_exec(db, SQL_PERSON_NAME_ADD, "itI", structure_id, s, n, person_id) < 0)
			return -1;
		s += n;
		while (*s == ' ')
			s++;
	}
	return 0;
}

static int bind_fields(struct db_stmt *st, const struct person *p, int first)
{
	for (int f = 0; f < PF_COUNT; f++) {
		int rc = person_fields[f].kind == FK_FLAG ? db_bind_int(st, first + f, p->v[f][0] == '1')
							   : db_bind_text(st, first + f, p->v[f]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int run(struct db_stmt *st)
{
	int rc;
	while ((rc = db_step(st)) == 1)
		;
	db_done(st);
	return rc;
}

int person_create(struct db *db, const struct actor *by, struct person *p, struct buf *err)
{
	struct buf folded = BUF_INIT;
	char digits[40];
	if (fold_names(p, &folded) < 0) {
		buf_puts(err, "Noms trop longs.");
		return -1;
	}
	phone_digits(p->v[PF_PHONE], digits, sizeof digits);
	int64_t now = clock_now();
	int y, m, d;
	civil_from_days(now / 86400, &y, &m, &d);
	if (db_begin(db) < 0)
		goto dberr;
	int64_t seq;
	if (db_get_int(db, SQL_PERSON_NEXT_NUMBER, &seq, "id", by->structure_id, y) != 1)
		goto dberr;
	snprintf(p->file_number, sizeof p->file_number, "%04d-%06lld", y, (long long)seq);
	struct db_stmt *st = db_prepare(db, SQL_PERSON_INSERT);
	if (!st || db_bind_int(st, 1, by->structure_id) || db_bind_text(st, 2, p->file_number) ||
	    db_bind_text(st, 3, buf_cstr(&folded)) || db_bind_text(st, 4, digits) || db_bind_int(st, 5, now) ||
	    db_bind_int(st, 6, by->user_id) || bind_fields(st, p, 7) || db_bind_text(st, 34, p->commune_insee) ||
	    run(st) < 0)
		goto dberr;
	p->id = db_last_id(db);
	p->structure_id = by->structure_id;
	p->version = 1;
	cstr_copy(p->status, sizeof p->status, "active");
	if (index_names(db, by->structure_id, p->id, buf_cstr(&folded)) < 0 ||
	    (by->user_id && db_exec(db, SQL_REFERENT_ADD, "iii", by->structure_id, p->id, by->user_id) < 0) ||
	    audit_log(db, by, "person.create", "person", p->id, p->file_number) < 0 || db_commit(db) < 0)
		goto dberr;
	buf_free(&folded);
	return 0;
dberr:
	db_rollback(db);
	buf_free(&folded);
	buf_appendf(err, "Erreur de la base de données : %s", db_errmsg(db));
	return -1;
}

static int row_to_person(struct db_stmt *st, struct person *p)
{
	memset(p, 0, sizeof *p);
	p->id = db_col_int(st, 0);
	p->structure_id = db_col_int(st, 1);
	p->version = db_col_int(st, 2);
	p->last_contact_at = db_col_int(st, 3);
	p->created_at = db_col_int(st, 4);
	p->updated_at = db_col_int(st, 5);
	cstr_copy(p->file_number, sizeof p->file_number, db_col_text(st, 6));
	cstr_copy(p->status, sizeof p->status, db_col_text(st, 7));
	p->merged_into = db_col_int(st, 8);
	for (int f = 0; f < PF_COUNT; f++)
		cstr_copy(p->v[f], PERSON_VALUE_MAX, db_col_text(st, 9 + f));
	cstr_copy(p->commune_insee, sizeof p->commune_insee, db_col_text(st, 9 + PF_COUNT));
	return 1;
}

static int load(struct db *db, int64_t structure_id, int64_t id, struct person *p)
{
	struct db_stmt *st = db_query(db, SQL_PERSON_GET, "ii", id, structure_id);
	if (!st)
		return DB_ERR;
	int rc = db_step(st);
	if (rc == 1)
		row_to_person(st, p);
	db_done(st);
	return rc;
}

int person_can_see_situation(const struct actor *by)
{
	return by->role & (ROLE_TRAVAILLEUR_SOCIAL | ROLE_RESPONSABLE);
}

int person_can_follow(const struct actor *by)
{
	return person_can_see_situation(by);
}

int person_get(struct db *db, const struct actor *by, int64_t id, struct person *p, const char *audit_action)
{
	/* The administrateur sees no file content. */
	if (!by->structure_id || !(by->role & ROLES_STRUCTURE))
		return 0;
	int rc = load(db, by->structure_id, id, p);
	if (rc != 1)
		return rc;
	if (p->status[0] == 'a' && strcmp(p->status, "anonymised") == 0)
		return 0;
	if (strcmp(p->status, "archived") == 0 && by->role != ROLE_RESPONSABLE)
		return 0;
	if (p->v[PF_RESTRICTED][0] == '1' && by->role != ROLE_RESPONSABLE) {
		int64_t n = 0;
		if (db_get_int(db, SQL_REFERENT_IS, &n, "ii", id, by->user_id) < 0)
			return DB_ERR;
		if (n == 0)
			return 0;
	}
	if (!person_can_see_situation(by))
		for (int f = 0; f < PF_COUNT; f++)
			if (person_fields[f].part == PART_SITUATION)
				p->v[f][0] = '\0';
	if (audit_action && audit_log(db, by, audit_action, "person", id, NULL) < 0)
		return DB_ERR;
	return 1;
}

int person_update(struct db *db, const struct actor *by, struct person *p, struct person *cur, struct buf *err)
{
	struct buf folded = BUF_INIT;
	char digits[40];
	if (fold_names(p, &folded) < 0) {
		buf_puts(err, "Noms trop longs.");
		return -1;
	}
	phone_digits(p->v[PF_PHONE], digits, sizeof digits);
	if (db_begin(db) < 0)
		goto dberr;
	struct person before;
	if (load(db, by->structure_id, p->id, &before) != 1)
		goto dberr;
	/* Reception edits identity and contact only: keep the rest as stored. */
	if (!person_can_see_situation(by))
		for (int f = 0; f < PF_COUNT; f++)
			if (person_fields[f].part == PART_SITUATION)
				cstr_copy(p->v[f], PERSON_VALUE_MAX, before.v[f]);
	struct db_stmt *st = db_prepare(db, SQL_PERSON_UPDATE);
	if (!st || db_bind_int(st, 1, p->id) || db_bind_int(st, 2, by->structure_id) ||
	    db_bind_text(st, 3, buf_cstr(&folded)) || db_bind_text(st, 4, digits) ||
	    db_bind_int(st, 5, by->user_id) || db_bind_int(st, 6, clock_now()) || bind_fields(st, p, 7) ||
	    db_bind_int(st, 34, p->version) || db_bind_text(st, 35, p->commune_insee) || run(st) < 0)
		goto dberr;
	if (db_changes(db) == 0) {
		db_rollback(db);
		buf_free(&folded);
		*cur = before;
		return 1;
	}
	/* The audit detail names the fields changed, never their values. */
	struct buf changed = BUF_INIT;
	for (int f = 0; f < PF_COUNT; f++)
		if (strcmp(before.v[f], p->v[f]) != 0)
			buf_appendf(&changed, "%s%s", changed.len ? "," : "", person_fields[f].name);
	int rc = index_names(db, by->structure_id, p->id, buf_cstr(&folded));
	if (rc == 0)
		rc = audit_log(db, by, "person.update", "person", p->id, buf_cstr(&changed));
	buf_free(&changed);
	if (rc < 0 || db_commit(db) < 0)
		goto dberr;
	p->version++;
	buf_free(&folded);
	return 0;
dberr:
	db_rollback(db);
	buf_free(&folded);
	buf_appendf(err, "Erreur de la base de données : %s", db_errmsg(db));
	return -1;
}

/* ---- search and duplicates ---------------------------------------------- */

static void hit_from_row(struct db_stmt *st, struct person_hit *h)
{
	struct person p;
	memset(h, 0, sizeof *h);
	h->id = db_col_int(st, 0);
	cstr_copy(h->file_number, sizeof h->file_number, db_col_text(st, 1));
	cstr_copy(p.v[PF_CIVILITE], PERSON_VALUE_MAX, db_col_text(st, 2));
	cstr_copy(p.v[PF_BIRTH_NAME], PERSON_VALUE_MAX, db_col_text(st, 3));
	cstr_copy(p.v[PF_USAGE_NAME], PERSON_VALUE_MAX, db_col_text(st, 4));
	cstr_copy(p.v[PF_FIRST_NAMES], PERSON_VALUE_MAX, db_col_text(st, 5));
	person_display_name(&p, h->name, sizeof h->name);
	cstr_copy(h->birth_date, sizeof h->birth_date, db_col_text(st, 6));
	cstr_copy(h->commune, sizeof h->commune, db_col_text(st, 7));
	cstr_copy(h->phone, sizeof h->phone, db_col_text(st, 8));
	cstr_copy(h->status, sizeof h->status, db_col_text(st, 9));
	cstr_copy(h->sort_key, sizeof h->sort_key, db_col_text(st, 10));
	h->restricted = (int)db_col_int(st, 11);
}

/* A restricted file is listed (so that nobody creates a second one) but
 * shows no identity to someone who is neither its referent nor a head of
 * service. Runs after the listing statement is done. */
static void mask_restricted(struct db *db, const struct actor *by, struct person_hit *hits, int n)
{
	for (int i = 0; i < n; i++) {
		if (!hits[i].restricted || by->role == ROLE_RESPONSABLE)
			continue;
		int64_t is_referent = 0;
		db_get_int(db, SQL_REFERENT_IS, &is_referent, "ii", hits[i].id, by->user_id);
		if (is_referent)
			continue;
		hits[i].masked = 1;
		cstr_copy(hits[i].name, sizeof hits[i].name, "Dossier réservé à ses référents");
		hits[i].birth_date[0] = hits[i].commune[0] = hits[i].phone[0] = '\0';
	}
}

/* 1 if every word of the query is a prefix of some word of the folded names. */
static int words_match(const char *folded_names, const char *query_words)
{
	const char *q = query_words;
	while (*q) {
		const char *sp = strchr(q, ' ');
		size_t n = sp ? (size_t)(sp - q) : strlen(q);
		int found = 0;
		const char *s = folded_names;
		while (*s && !found) {
			if (strncmp(s, q, n) == 0)
				found = 1;
			const char *next = strchr(s, ' ');
			s = next ? next + 1 : s + strlen(s);
		}
		if (!found)
			return 0;
		q += n;
		while (*q == ' ')
			q++;
	}
	return 1;
}

static int collect(struct db *db, const struct actor *by, struct db_stmt *st, struct person_hit *hits, int max,
		   const char *words)
{
	int n = 0, rc;
	while (n < max && (rc = db_step(st)) == 1) {
		if (words && !words_match(db_col_text(st, 10), words))
			continue;
		int dup = 0;
		for (int i = 0; i < n && !dup; i++)
			dup = hits[i].id == db_col_int(st, 0);
		if (!dup)
			hit_from_row(st, &hits[n++]);
	}
	db_done(st);
	mask_restricted(db, by, hits, n);
	return n;
}

static int cmp_hit_name(const void *a, const void *b)
{
	const struct person_hit *x = a, *y = b;
	int c = strcmp(x->sort_key, y->sort_key);
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

int person_search(struct db *db, const struct actor *by, const char *query, struct person_hit *hits, int max)
{
	if (!by->structure_id)
		return 0;
	char q[200];
	text_trim(query ? query : "", q, sizeof q);
	if (!q[0])
		return 0;
	int y, m, d;
	if (date_parse(q, &y, &m, &d) == 0) {
		char iso[16];
		snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
		struct db_stmt *st = db_query(db, SQL_PERSON_SEARCH_BIRTH, "is", by->structure_id, iso);
		return st ? collect(db, by, st, hits, max, NULL) : DB_ERR;
	}
	if (strlen(q) == 11 && q[4] == '-' && strspn(q, "0123456789-") == 11) {
		struct db_stmt *st = db_query(db, SQL_PERSON_SEARCH_NUMBER, "is", by->structure_id, q);
		return st ? collect(db, by, st, hits, max, NULL) : DB_ERR;
	}
	char digits[40];
	if (strspn(q, "0123456789 +.") == strlen(q) && phone_digits(q, digits, sizeof digits) >= 4) {
		char upper[48];
		snprintf(upper, sizeof upper, "%s\x7f", digits);
		struct db_stmt *st = db_query(db, SQL_PERSON_SEARCH_PHONE, "iss", by->structure_id, digits, upper);
		return st ? collect(db, by, st, hits, max, NULL) : DB_ERR;
	}
	struct buf folded = BUF_INIT;
	if (text_fold(q, &folded) < 0 || folded.len == 0) {
		buf_free(&folded);
		return 0;
	}
	/* The two longest words narrow the index scan most. */
	struct str words[2] = {{folded.data, 0}, {"", 0}};
	for (const char *s = folded.data; *s;) {
		const char *sp = strchr(s, ' ');
		size_t n = sp ? (size_t)(sp - s) : strlen(s);
		if (n > words[0].len) {
			words[1] = words[0];
			words[0] = (struct str){s, n};
		} else if (n > words[1].len) {
			words[1] = (struct str){s, n};
		}
		s += n;
		while (*s == ' ')
			s++;
	}
	/* Every token that starts with the word sorts between the word and the
	 * word followed by the last Unicode character (U+10FFFF): an upper
	 * bound in valid UTF-8, which PostgreSQL requires of text. */
	char lo[120], hi[124], lo2[120], hi2[124];
	str_copy(lo, sizeof lo, words[0]);
	snprintf(hi, sizeof hi, "%s\xf4\x8f\xbf\xbf", lo);
	str_copy(lo2, sizeof lo2, words[1]);
	snprintf(hi2, sizeof hi2, "%s\xf4\x8f\xbf\xbf", lo2);
	/* The index gives matches in token order and the scan stops at max;
	 * the few hits kept are then sorted by name for display. */
	struct db_stmt *st = db_query(db, SQL_PERSON_SEARCH_NAME, "issss", by->structure_id, lo, hi, lo2, hi2);
	int n = st ? collect(db, by, st, hits, max, folded.data) : DB_ERR;
	buf_free(&folded);
	if (n > 1)
		qsort(hits, (size_t)n, sizeof *hits, cmp_hit_name);
	return n;
}

/* Name words of a file: family names (birth, usage) and first names. */
struct name_sets {
	struct buf family, first;
};

static int has_common_word(const char *a, const char *b)
{
	for (const char *s = a; *s;) {
		const char *sp = strchr(s, ' ');
		size_t n = sp ? (size_t)(sp - s) : strlen(s);
		for (const char *t = b; *t;) {
			const char *tp = strchr(t, ' ');
			size_t m = tp ? (size_t)(tp - t) : strlen(t);
			if (n >= 2 && n == m && strncmp(s, t, n) == 0)
				return 1;
			t += m;
			while (*t == ' ')
				t++;
		}
		s += n;
		while (*s == ' ')
			s++;
	}
	return 0;
}

int person_duplicates(struct db *db, const struct actor *by, const struct person *p, struct person_hit *hits, int max)
{
	struct buf fam = BUF_INIT, first = BUF_INIT, all = BUF_INIT;
	text_fold(p->v[PF_BIRTH_NAME], &fam);
	if (p->v[PF_USAGE_NAME][0]) {
		buf_putc(&fam, ' ');
		text_fold(p->v[PF_USAGE_NAME], &fam);
	}
	text_fold(p->v[PF_FIRST_NAMES], &first);
	buf_appendf(&all, "%s %s", buf_cstr(&fam), buf_cstr(&first));
	int n = 0;
	/* Candidates share at least one name word; then the rules below. */
	for (const char *s = all.data; s && *s && n < max;) {
		const char *sp = strchr(s, ' ');
		size_t len = sp ? (size_t)(sp - s) : strlen(s);
		if (len >= 2) {
			struct db_stmt *st = db_query(db, SQL_PERSON_BY_TOKEN, "it", by->structure_id, s, len);
			int rc;
			while (st && n < max && (rc = db_step(st)) == 1) {
				int64_t id = db_col_int(st, 0);
				int seen = id == p->id;
				for (int i = 0; i < n && !seen; i++)
					seen = hits[i].id == id;
				if (seen)
					continue;
				struct buf cfam = BUF_INIT, cfirst = BUF_INIT;
				text_fold(db_col_text(st, 3), &cfam);
				buf_putc(&cfam, ' ');
				text_fold(db_col_text(st, 4), &cfam);
				text_fold(db_col_text(st, 5), &cfirst);
				const char *cbirth = db_col_text(st, 6);
				int same_birth = p->v[PF_BIRTH_DATE][0] && strcmp(cbirth, p->v[PF_BIRTH_DATE]) == 0;
				int birth_unknown = !p->v[PF_BIRTH_DATE][0] || !cbirth[0];
				int straight = has_common_word(fam.data ? fam.data : "", buf_cstr(&cfam)) &&
					       has_common_word(buf_cstr(&first), buf_cstr(&cfirst));
				int swapped = has_common_word(fam.data ? fam.data : "", buf_cstr(&cfirst)) &&
					      has_common_word(buf_cstr(&first), buf_cstr(&cfam));
				int family_only = has_common_word(fam.data ? fam.data : "", buf_cstr(&cfam)) ||
						  has_common_word(fam.data ? fam.data : "", buf_cstr(&cfirst));
				if ((same_birth && (straight || swapped || family_only)) ||
				    (birth_unknown && (straight || swapped)))
					hit_from_row(st, &hits[n++]);
				buf_free(&cfam);
				buf_free(&cfirst);
			}
			db_done(st);
		}
		s += len;
		while (*s == ' ')
			s++;
	}
	buf_free(&fam);
	buf_free(&first);
	buf_free(&all);
	mask_restricted(db, by, hits, n);
	return n;
}

/* ---- household, referents, contacts ------------------------------------ */

int household_add(struct db *db, const struct actor *by, int64_t person_id, const struct household_member *m, struct buf *err)
{
	if (!m->first_names[0] || !m->last_name[0]) {
		buf_puts(err, "Indiquez le nom et le prénom du membre du foyer.");
		return -1;
	}
	if (!choice_ok(household_relations, m->relation)) {
		buf_puts(err, "Choisissez le lien avec la personne.");
		return -1;
	}
	if (db_begin(db) < 0 ||
	    db_exec(db, SQL_HOUSEHOLD_ADD, "iissssi", by->structure_id, person_id, m->first_names, m->last_name,
		    m->birth_date, m->relation, clock_now()) < 0 ||
	    audit_log(db, by, "person.household_add", "person", person_id, m->relation) < 0 || db_commit(db) < 0) {
		db_rollback(db);
		buf_appendf(err, "Erreur de la base de données : %s", db_errmsg(db));
		return -1;
	}
	return 0;
}

int household_list(struct db *db, int64_t person_id, struct household_member *out, int max)
{
	struct db_stmt *st = db_query(db, SQL_HOUSEHOLD_LIST, "i", person_id);
	if (!st)
		return DB_ERR;
	int n = 0;
	while (n < max && db_step(st) == 1) {
		out[n].id = db_col_int(st, 0);
		cstr_copy(out[n].first_names, sizeof out[n].first_names, db_col_text(st, 1));
		cstr_copy(out[n].last_name, sizeof out[n].last_name, db_col_text(st, 2));
		cstr_copy(out[n].birth_date, sizeof out[n].birth_date, db_col_text(st, 3));
		cstr_copy(out[n].relation, sizeof out[n].relation, db_col_text(st, 4));
		n++;
	}
	db_done(st);
	return n;
}

int person_add_referent(struct db *db, const struct actor *by, int64_t person_id, int64_t user_id)
{
	if (db_begin(db) < 0)
		return -1;
	if (db_exec(db, SQL_REFERENT_ADD, "iii", by->structure_id, person_id, user_id) < 0 ||
	    audit_log(db, by, "person.referent_add", "person", person_id, NULL) < 0 || db_commit(db) < 0) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

int person_referents(struct db *db, int64_t person_id, void (*fn)(void *arg, int64_t user_id, const char *name), void *arg)
{
	struct db_stmt *st = db_query(db, SQL_REFERENT_LIST, "i", person_id);
	if (!st)
		return DB_ERR;
	int rc;
	while ((rc = db_step(st)) == 1)
		fn(arg, db_col_int(st, 0), db_col_text(st, 1));
	db_done(st);
	return rc;
}

int person_touch_contact(struct db *db, int64_t person_id, int64_t at)
{
	return db_exec(db, SQL_PERSON_TOUCH_CONTACT, "ii", person_id, at);
}

void person_mark_recent(struct db *db, const struct actor *by, int64_t person_id)
{
	db_exec(db, SQL_RECENT_MARK, "iiii", by->user_id, by->structure_id, person_id, clock_now());
}

int person_recent(struct db *db, const struct actor *by, void (*fn)(void *arg, const struct person_hit *h), void *arg)
{
	struct db_stmt *st = db_query(db, SQL_RECENT_LIST, "ii", by->user_id, by->structure_id);
	if (!st)
		return DB_ERR;
	int rc;
	struct person_hit h;
	while ((rc = db_step(st)) == 1) {
		hit_from_row(st, &h);
		fn(arg, &h);
	}
	db_done(st);
	return rc;
}

int person_merge(struct db *db, const struct actor *by, int64_t keep_id, const char *duplicate_number, struct buf *err)
{
	int64_t dup_id;
	struct person keep, dup;
	if (person_get(db, by, keep_id, &keep, NULL) != 1) {
		buf_puts(err, "Ce dossier n'existe pas ou ne vous est pas accessible.");
		return -2;
	}
	if (person_id_by_number(db, by, duplicate_number, &dup_id) != 1 ||
	    person_get(db, by, dup_id, &dup, NULL) != 1) {
		buf_appendf(err, "Aucun dossier accessible ne porte le numéro « %s ».", duplicate_number);
		return -1;
	}
	if (dup_id == keep_id) {
		buf_puts(err, "Choisissez un autre dossier que celui-ci.");
		return -1;
	}
	if (strcmp(dup.status, "active") != 0 || strcmp(keep.status, "active") != 0) {
		buf_puts(err, "Seuls deux dossiers actifs peuvent être fusionnés.");
		return -1;
	}
	int64_t now = clock_now();
	/* Everything attached to the duplicate moves to the file kept. */
	static const char *const moves[] = {
		SQL_MERGE_ENTRIES,    SQL_MERGE_TASKS,    SQL_MERGE_HOUSEHOLD, SQL_MERGE_REFERENTS,
		SQL_MERGE_PROCEDURES, SQL_MERGE_MANDATES, SQL_MERGE_ACTS,      SQL_MERGE_AIDS,
		SQL_MERGE_DOCUMENTS,  SQL_MERGE_DIAGNOSTICS, SQL_MERGE_ORIENTATIONS,
	};
	if (db_begin(db) < 0)
		goto fail;
	for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++)
		if (db_exec(db, moves[i], "ii", keep_id, dup_id) < 0)
			goto fail;
	if (db_exec(db, SQL_MERGE_MARK, "iii", keep_id, dup_id, now) < 0 || db_changes(db) != 1 ||
	    person_touch_contact(db, keep_id, dup.last_contact_at) < 0 ||
	    db_exec(db, SQL_PERSON_NAMES_DELETE, "i", dup_id) < 0 ||
	    audit_log(db, by, "person.merge_into", "person", keep_id, dup.file_number) < 0 ||
	    audit_log(db, by, "person.merged", "person", dup_id, keep.file_number) < 0 || db_commit(db) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	buf_appendf(err, "La fusion n'a pas pu être enregistrée ; rien n'a changé. (%s)", db_errmsg(db));
	return -1;
}

int person_id_by_number(struct db *db, const struct actor *by, const char *number, int64_t *id)
{
	return db_get_int(db, SQL_PERSON_ID_BY_NUMBER, id, "is", by->structure_id, number);
}
