#include "domain/diagnostic.h"
#include "core/clock.h"
#include "db/queries.h"
#include "domain/audit.h"

#include <stdio.h>
#include <string.h>

/* French typography: a no-break space before « : ; ? ! » and inside « ». */
#define NB "\u00a0"

const struct choice diagnostic_scale[] = {
	{"1", "Je ne sais pas faire"},
	{"2", "Je fais avec de l'aide"},
	{"3", "Je fais sans aide, mais c'est difficile"},
	{"4", "Je fais sans aide, facilement"},
	{NULL, NULL}};

const struct choice diagnostic_paths[] = {
	{"mandat", "Faire à sa place, avec un mandat"},
	{"accompagner", "Faire avec la personne"},
	{"apprendre", "Apprendre dans un lieu de médiation numérique"},
	{NULL, NULL}};

/* For the questions with several answers, "aucun" is the last choice and
 * each other choice is one bit, in order (DIAG_EQ_*, DIAG_NET_*). */
static const struct choice equipment_choices[] = {
	{"smartphone", "Un smartphone (téléphone à écran tactile)"},
	{"ordinateur", "Un ordinateur"},
	{"tablette", "Une tablette"},
	{"aucun", "Aucun appareil"},
	{NULL, NULL}};

static const struct choice shared_choices[] = {
	{"0", "Non, ils sont à moi"},
	{"1", "Oui, je les partage"},
	{NULL, NULL}};

static const struct choice internet_choices[] = {
	{"domicile", "À la maison (box internet)"},
	{"mobile", "Sur mon téléphone (forfait avec internet)"},
	{"lieu_public", "Dans un lieu public (mairie, médiathèque, France services…)"},
	{"aucun", "Nulle part"},
	{NULL, NULL}};

static const struct choice yes_no[] = {
	{"1", "Oui"},
	{"0", "Non, ou je ne sais pas"},
	{NULL, NULL}};

const struct diagnostic_question diagnostic_questions[DQ_COUNT] = {
	[DQ_EQUIPMENT] = {"equipment", "Appareils", "Quels appareils avez-vous" NB "?",
			  "Cochez tout ce que vous avez.", 1, equipment_choices},
	[DQ_SHARED] = {"equipment_shared", "Appareils partagés", "Partagez-vous ces appareils avec d'autres personnes" NB "?",
		       "Sans appareil, ne répondez pas.", 0, shared_choices},
	[DQ_INTERNET] = {"internet", "Accès à internet", "Où avez-vous internet" NB "?",
			 "Cochez tout ce qui est vrai.", 1, internet_choices},
	[DQ_EMAIL] = {"email_usable", "Adresse courriel",
		      "Avez-vous une adresse courriel (e-mail) que vous savez ouvrir" NB "?", NULL, 0, yes_no},
	[DQ_IDENTITY] = {"identity_usable", "Connexion aux sites publics",
			 "Pouvez-vous vous connecter aux sites publics (CAF, impôts, Ameli…)" NB "?",
			 "Avec FranceConnect, ou avec un identifiant et un mot de passe à vous.", 0, yes_no},
	[DQ_SKILL_DEVICE] = {"skill_device", "Utiliser un appareil", "Utiliser un appareil",
			     "Allumer, toucher l'écran, écrire un texte, ouvrir une application.", 0, diagnostic_scale},
	[DQ_SKILL_FIND] = {"skill_find", "Trouver une information", "Trouver une information",
			   "Chercher sur internet une adresse, un horaire, un numéro de téléphone.", 0, diagnostic_scale},
	[DQ_SKILL_COMMUNICATE] = {"skill_communicate", "Communiquer", "Communiquer",
				  "Envoyer un message, un courriel ou une photo" NB "; faire un appel en vidéo.", 0,
				  diagnostic_scale},
	[DQ_SKILL_PROCEDURE] = {"skill_procedure", "Faire une démarche en ligne", "Faire une démarche en ligne",
				"Remplir un formulaire, envoyer un papier, prendre un rendez-vous.", 0, diagnostic_scale},
	[DQ_SKILL_SCAMS] = {"skill_scams", "Se protéger des arnaques", "Se protéger des arnaques",
			    "Reconnaître un faux message, un faux site, une fausse demande d'argent.", 0,
			    diagnostic_scale},
	[DQ_SKILL_ACCOUNTS] = {"skill_accounts", "Gérer ses comptes et mots de passe",
			       "Gérer ses comptes et mots de passe",
			       "Créer un compte, retrouver un mot de passe oublié, le garder secret.", 0,
			       diagnostic_scale},
};

/*
 * The level rule. Every boundary is checked by tests/unit/test_diagnostic.c.
 *
 * 1. The skills give the base: the mean of the six answers (1 to 4),
 *    rounded, a half rounded down (the cautious side), that is by the sum:
 *        6–9 → 1,  10–15 → 2,  16–21 → 3,  22–24 → 4.
 * 2. Prerequisites cap it, since skills cannot be used without the means:
 *    - no device and no internet access anywhere: at most 1;
 *    - no device, or no internet access: at most 2 (the person depends on
 *      someone else's device or connection);
 *    - no usable e-mail address, no identity for public services, or any
 *      skill answered 1 or 2 ("je ne sais pas faire", "avec de l'aide"):
 *      at most 3 — "autonome" means doing every step alone.
 *
 * The path follows the level (diagnostic_path_for): 1 → "mandat" (urgent
 * procedures done in the person's place while they learn), 2 →
 * "accompagner" (done together, the person doing a little more each time),
 * 3 → "apprendre" (orientation to a digital-mediation place for what is
 * still hard), 4 → "apprendre" too: nothing is needed, and the same
 * orientation is offered to go further.
 */
int diagnostic_level(const struct diagnostic *d)
{
	int sum = 0, needs_help = 0;
	for (int i = 0; i < DIAG_SKILLS; i++) {
		sum += d->skills[i];
		needs_help |= d->skills[i] <= 2;
	}
	int level = (sum + 2) / 6;
	if (level < 1)
		level = 1;
	if (level > 4)
		level = 4;
	int cap = 4;
	if (!d->equipment && !d->internet)
		cap = 1;
	else if (!d->equipment || !d->internet)
		cap = 2;
	else if (!d->email_usable || !d->identity_usable || needs_help)
		cap = 3;
	return level < cap ? level : cap;
}

const char *diagnostic_path_for(int level)
{
	return level <= 1 ? "mandat" : level == 2 ? "accompagner" : "apprendre";
}

const char *diagnostic_level_label(int level)
{
	static const char *const labels[] = {"", "Éloigné du numérique", "Débutant", "Presque autonome", "Autonome"};
	return level >= 1 && level <= 4 ? labels[level] : "";
}

/* The index of a value in a choice list, or -1. */
static int choice_index(const struct choice *c, const char *v, size_t n)
{
	for (int i = 0; c[i].value; i++)
		if (strlen(c[i].value) == n && memcmp(c[i].value, v, n) == 0)
			return i;
	return -1;
}

static int choice_count(const struct choice *c)
{
	int n = 0;
	while (c[n].value)
		n++;
	return n;
}

void diagnostic_bits_text(enum diagnostic_question_id q, unsigned bits, char *out, size_t n)
{
	const struct choice *c = diagnostic_questions[q].choices;
	int last = choice_count(c) - 1;
	struct buf b = BUF_INIT;
	for (int i = 0; i < last; i++)
		if (bits & (1u << i))
			buf_appendf(&b, "%s%s", b.len ? "," : "", c[i].value);
	cstr_copy(out, n, bits ? buf_cstr(&b) : c[last].value);
	buf_free(&b);
}

/* Stored text back to bits; unknown values are ignored. */
static unsigned bits_from_text(enum diagnostic_question_id q, const char *s)
{
	const struct choice *c = diagnostic_questions[q].choices;
	int last = choice_count(c) - 1;
	unsigned bits = 0;
	while (*s) {
		const char *comma = strchr(s, ',');
		size_t n = comma ? (size_t)(comma - s) : strlen(s);
		int i = choice_index(c, s, n);
		if (i >= 0 && i < last)
			bits |= 1u << i;
		s += n + (comma ? 1 : 0);
	}
	return bits;
}

/* A question with several answers: 0 and the bits, or -1 with a message. */
static int parse_several(enum diagnostic_question_id q, const char *v, unsigned *bits, char *msg, size_t n)
{
	const struct diagnostic_question *dq = &diagnostic_questions[q];
	int last = choice_count(dq->choices) - 1, none = 0;
	*bits = 0;
	if (!v[0]) {
		snprintf(msg, n, "Cochez au moins une réponse pour «" NB "%s" NB "», ou «" NB "%s" NB "».", dq->title,
			 dq->choices[last].label);
		return -1;
	}
	/* Every piece between commas must be a choice: "a," or "a,,b" are not. */
	for (;;) {
		const char *comma = strchr(v, ',');
		size_t len = comma ? (size_t)(comma - v) : strlen(v);
		int i = choice_index(dq->choices, v, len);
		if (i < 0) {
			snprintf(msg, n, "Réponse impossible pour «" NB "%s" NB "»" NB ": cochez parmi les réponses proposées.",
				 dq->title);
			return -1;
		}
		if (i == last)
			none = 1;
		else
			*bits |= 1u << i;
		if (!comma)
			break;
		v = comma + 1;
	}
	if (none && *bits) {
		snprintf(msg, n, "«" NB "%s" NB "» ne peut pas être coché avec une autre réponse.", dq->choices[last].label);
		return -1;
	}
	return 0;
}

/* A question with one answer: 0 and the value as a number, or -1. */
static int parse_one(enum diagnostic_question_id q, const char *v, int *out, char *msg, size_t n)
{
	const struct diagnostic_question *dq = &diagnostic_questions[q];
	if (!v[0]) {
		snprintf(msg, n, "Choisissez une réponse pour «" NB "%s" NB "».", dq->title);
		return -1;
	}
	int64_t x;
	if (choice_index(dq->choices, v, strlen(v)) < 0 || str_to_i64(str_from(v), 0, 4, &x) < 0) {
		snprintf(msg, n, "Réponse impossible pour «" NB "%s" NB "»" NB ": choisissez l'une des réponses proposées.",
			 dq->title);
		return -1;
	}
	*out = (int)x;
	return 0;
}

int diagnostic_parse(const struct diagnostic_input *in, struct diagnostic *out,
		     void (*on_error)(void *arg, const char *field, const char *msg), void *arg)
{
	memset(out, 0, sizeof *out);
	int bad = 0;
	char msg[300];
#define FIELD_ERROR(f, m)               \
	do {                            \
		on_error(arg, (f), (m)); \
		bad = 1;                \
	} while (0)

	char today[11];
	date_today(today);
	const char *done_on = in->done_on ? in->done_on : "";
	if (!done_on[0])
		cstr_copy(out->done_on, sizeof out->done_on, today);
	else if (date_normalise(done_on, out->done_on) < 0)
		FIELD_ERROR("done_on", "Date impossible" NB ": JJ/MM/AAAA.");
	else if (strcmp(out->done_on, today) > 0)
		FIELD_ERROR("done_on", "Cette date est dans le futur" NB ": le diagnostic se note une fois fait.");
	else if (strcmp(out->done_on, "2000-01-01") < 0)
		FIELD_ERROR("done_on", "Date trop ancienne" NB ": vérifiez l'année.");

	const char *a[DQ_COUNT];
	for (int q = 0; q < DQ_COUNT; q++)
		a[q] = in->answers[q] ? in->answers[q] : "";
	int equipment_ok = 0;
	if (parse_several(DQ_EQUIPMENT, a[DQ_EQUIPMENT], &out->equipment, msg, sizeof msg) < 0)
		FIELD_ERROR("equipment", msg);
	else
		equipment_ok = 1;
	/* Sharing is asked about devices the person has: without any, the
	 * answer (if given) means nothing and is not kept. */
	if (equipment_ok && out->equipment &&
	    parse_one(DQ_SHARED, a[DQ_SHARED], &out->equipment_shared, msg, sizeof msg) < 0)
		FIELD_ERROR("equipment_shared", msg);
	if (parse_several(DQ_INTERNET, a[DQ_INTERNET], &out->internet, msg, sizeof msg) < 0)
		FIELD_ERROR("internet", msg);
	if (parse_one(DQ_EMAIL, a[DQ_EMAIL], &out->email_usable, msg, sizeof msg) < 0)
		FIELD_ERROR("email_usable", msg);
	if (parse_one(DQ_IDENTITY, a[DQ_IDENTITY], &out->identity_usable, msg, sizeof msg) < 0)
		FIELD_ERROR("identity_usable", msg);
	for (int i = 0; i < DIAG_SKILLS; i++) {
		int q = DQ_SKILL_DEVICE + i;
		if (parse_one(q, a[q], &out->skills[i], msg, sizeof msg) < 0)
			FIELD_ERROR(diagnostic_questions[q].name, msg);
	}
	const char *comment = in->comment ? in->comment : "";
	if (!utf8_text_fits(comment, DIAG_COMMENT_MAX, 1) || cstr_copy(out->comment, sizeof out->comment, comment) < 0)
		FIELD_ERROR("comment", "Le commentaire est limité à 2" NB "000 caractères, sans caractères de contrôle.");
#undef FIELD_ERROR
	if (bad)
		return -1;
	out->level = diagnostic_level(out);
	cstr_copy(out->path, sizeof out->path, diagnostic_path_for(out->level));
	return 0;
}

int64_t diagnostic_add(struct db *db, const struct actor *by, int64_t person_id, const struct diagnostic_input *in,
		       void (*on_error)(void *arg, const char *field, const char *msg), void *arg)
{
	struct diagnostic d;
	if (diagnostic_parse(in, &d, on_error, arg) < 0)
		return -1;
	char equipment[64], internet[64], detail[64];
	diagnostic_bits_text(DQ_EQUIPMENT, d.equipment, equipment, sizeof equipment);
	diagnostic_bits_text(DQ_INTERNET, d.internet, internet, sizeof internet);
	/* The last contact is the day of the diagnostic (noon), never later than now. */
	int y, m, dd;
	date_parse(d.done_on, &y, &m, &dd);
	int64_t now = clock_now(), contact = days_from_civil(y, m, dd) * 86400 + 11 * 3600;
	if (contact > now)
		contact = now;
	if (db_begin(db) < 0)
		return -2;
	if (db_exec(db, SQL_DIAGNOSTIC_ADD, "iissdsdddddddddssii", by->structure_id, person_id, d.done_on, equipment,
		    d.equipment_shared, internet, d.email_usable, d.identity_usable, d.skills[0], d.skills[1],
		    d.skills[2], d.skills[3], d.skills[4], d.skills[5], d.level, d.path, d.comment, by->user_id, now) < 0)
		goto fail;
	int64_t id = db_last_id(db);
	snprintf(detail, sizeof detail, "diagnostic %lld, niveau %d", (long long)id, d.level);
	if (person_touch_contact(db, person_id, contact) < 0 ||
	    audit_log(db, by, "diagnostic.add", "person", person_id, detail) < 0 || db_commit(db) < 0)
		goto fail;
	return id;
fail:
	db_rollback(db);
	return -2;
}

/* Fills d from a row whose columns are those of DIAGNOSTIC_COLS (queries.c). */
static void from_row(struct db_stmt *st, struct diagnostic *d)
{
	memset(d, 0, sizeof *d);
	d->id = db_col_int(st, 0);
	d->person_id = db_col_int(st, 1);
	cstr_copy(d->done_on, sizeof d->done_on, db_col_text(st, 2));
	d->equipment = bits_from_text(DQ_EQUIPMENT, db_col_text(st, 3));
	d->equipment_shared = (int)db_col_int(st, 4);
	d->internet = bits_from_text(DQ_INTERNET, db_col_text(st, 5));
	d->email_usable = (int)db_col_int(st, 6);
	d->identity_usable = (int)db_col_int(st, 7);
	for (int i = 0; i < DIAG_SKILLS; i++)
		d->skills[i] = (int)db_col_int(st, 8 + i);
	d->level = (int)db_col_int(st, 14);
	cstr_copy(d->path, sizeof d->path, db_col_text(st, 15));
	cstr_copy(d->comment, sizeof d->comment, db_col_text(st, 16));
	d->created_by = db_col_int(st, 17);
	d->created_at = db_col_int(st, 18);
	cstr_copy(d->creator, sizeof d->creator, db_col_text(st, 19));
}

static int get_one(struct db_stmt *st, struct diagnostic *out)
{
	if (!st)
		return DB_ERR;
	int rc = db_step(st);
	if (rc == 1)
		from_row(st, out);
	db_done(st);
	return rc;
}

int diagnostic_get(struct db *db, const struct actor *by, int64_t id, struct diagnostic *out)
{
	if (!by->structure_id)
		return 0;
	return get_one(db_query(db, SQL_DIAGNOSTIC_GET, "ii", id, by->structure_id), out);
}

int diagnostic_previous(struct db *db, const struct actor *by, const struct diagnostic *d, struct diagnostic *out)
{
	return get_one(db_query(db, SQL_DIAGNOSTIC_PREVIOUS, "iisi", d->person_id, by->structure_id, d->done_on, d->id),
		       out);
}

int diagnostic_list(struct db *db, const struct actor *by, int64_t person_id, int limit,
		    void (*fn)(void *arg, const struct diagnostic *d), void *arg)
{
	struct db_stmt *st = db_query(db, SQL_DIAGNOSTIC_LIST, "iid", person_id, by->structure_id, limit);
	if (!st)
		return DB_ERR;
	struct diagnostic d;
	int rc, n = 0;
	while ((rc = db_step(st)) == 1) {
		from_row(st, &d);
		fn(arg, &d);
		n++;
	}
	db_done(st);
	return rc < 0 ? rc : n;
}

int diagnostic_stats(struct db *db, int64_t structure_id, int64_t worker_id, const char *from, const char *to,
		     struct diagnostic_stats *out, struct buf *err)
{
	memset(out, 0, sizeof *out);
	char f[11], t[11];
	if (date_normalise(from, f) < 0 || date_normalise(to, t) < 0 || !f[0] || !t[0] || strcmp(f, t) > 0) {
		buf_puts(err, "Période impossible" NB ": deux dates JJ/MM/AAAA, la première avant la seconde.");
		return -1;
	}
	struct db_stmt *st = db_query(db, SQL_DIAGNOSTIC_STATS, "issi", structure_id, f, t, worker_id);
	if (!st) {
		buf_appendf(err, "Erreur de la base de données" NB ": %s", db_errmsg(db));
		return -1;
	}
	int rc;
	while ((rc = db_step(st)) == 1) {
		int64_t level = db_col_int(st, 0);
		if (level < 1 || level > 4)
			continue;
		out->by_level[level] += db_col_int(st, 1);
		out->people += db_col_int(st, 1);
		out->reassessed += db_col_int(st, 2);
		out->rose += db_col_int(st, 3);
		out->fell += db_col_int(st, 4);
	}
	db_done(st);
	if (rc < 0) {
		buf_appendf(err, "Erreur de la base de données" NB ": %s", db_errmsg(db));
		return -1;
	}
	return 0;
}

