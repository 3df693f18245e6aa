#include "domain/appointment.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/text.h"
#include "db/queries.h"
#include "domain/audit.h"
#include "domain/person.h"
#include "domain/reminder.h"
#include "domain/user.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct choice appointment_default_kinds[] = {
	{"entretien", "Entretien"},
	{"permanence", "Permanence"},
	{"atelier", "Atelier collectif"},
	{"visite_domicile", "Visite à domicile"},
	{NULL, NULL}};

const struct choice appointment_places[] = {
	{"site", "Dans nos locaux"},
	{"domicile", "Au domicile de la personne"},
	{"partenaire", "Chez un partenaire"},
	{"telephone", "Par téléphone"},
	{"visio", "En visioconférence"},
	{NULL, NULL}};

const struct choice appointment_outcomes[] = {
	{"honore", "Venu"},
	{"excuse", "Excusé"},
	{"manque", "Absent sans prévenir"},
	{NULL, NULL}};

int appointment_kinds_load(struct db *db, int64_t structure_id, struct label_list *out)
{
	return labels_load(db, structure_id, appointment_default_kinds, SQL_APPT_KINDS_OF_STRUCTURE, out);
}

int appointment_kind_add(struct db *db, const struct actor *by, const char *label, struct buf *err)
{
	struct label_list l;
	if (appointment_kinds_load(db, by->structure_id, &l) < 0) {
		buf_appendf(err, "Erreur de la base de données : %s", db_errmsg(db));
		return -1;
	}
	return label_add(db, by, &l, SQL_APPT_KIND_ADD, "appointment_kind.add", label, err);
}

int time_of_day_parse(const char *s)
{
	int h = 0, m = 0, i = 0, digits = 0;
	while (s[i] >= '0' && s[i] <= '9' && digits < 2) {
		h = h * 10 + (s[i++] - '0');
		digits++;
	}
	if (!digits)
		return -1;
	if (s[i] == ':' || s[i] == 'h' || s[i] == 'H') {
		i++;
		if (!s[i] && s[i - 1] != ':')
			return h <= 23 ? h * 60 : -1; /* "14h" */
		if (!(s[i] >= '0' && s[i] <= '9' && s[i + 1] >= '0' && s[i + 1] <= '9'))
			return -1;
		m = (s[i] - '0') * 10 + (s[i + 1] - '0');
		i += 2;
	} else {
		return -1;
	}
	if (s[i] || h > 23 || m > 59)
		return -1;
	return h * 60 + m;
}

int64_t local_to_unix(int y, int m, int d, int minutes)
{
	int64_t local = days_from_civil(y, m, d) * 86400 + (int64_t)minutes * 60;
	/* The offset of the instant itself, found from a first guess. */
	int64_t guess = local - 3600;
	return local - clock_paris_offset(local - clock_paris_offset(guess));
}

#define FIELD_ERROR(f, msg)                \
	do {                               \
		on_error(arg, (f), (msg)); \
		bad = 1;                   \
	} while (0)

/* Checks the form into a (times computed). 0, or -1 after on_error. */
static int validate(struct db *db, const struct actor *by, const struct appointment_input *in, struct appointment *a,
		    appt_error_fn on_error, void *arg)
{
	int bad = 0;
	struct user u;
	if (user_get(db, in->worker_id, &u) != 1 || u.structure_id != by->structure_id || u.disabled ||
	    !user_can_follow(&u, by->structure_id))
		FIELD_ERROR("worker", "Choisissez un professionnel actif de la structure.");
	struct label_list kinds;
	if (appointment_kinds_load(db, by->structure_id, &kinds) < 0 || label_of(&kinds, in->kind) == in->kind)
		FIELD_ERROR("kind", "Choisissez la nature du rendez-vous.");
	int known_place = 0;
	for (const struct choice *c = appointment_places; c->value && !known_place; c++)
		known_place = strcmp(c->value, in->place) == 0;
	if (!known_place)
		FIELD_ERROR("place", "Choisissez le lieu du rendez-vous.");
	int64_t found;
	if (in->site_id && db_get_int(db, SQL_SITE_OF_STRUCTURE, &found, "ii", in->site_id, by->structure_id) != 1)
		FIELD_ERROR("site", "Ce site n'existe pas.");
	if (!utf8_text_fits(in->place_detail, 300, 1))
		FIELD_ERROR("place_detail", "300 caractères au plus.");
	else if (known_place && (strcmp(in->place, "partenaire") == 0 || strcmp(in->place, "visio") == 0) &&
		 strlen(in->place_detail) < 3)
		FIELD_ERROR("place_detail", strcmp(in->place, "visio") == 0 ? "Indiquez le lien de la visioconférence."
									: "Indiquez l'adresse du partenaire.");
	if (!utf8_text_fits(in->to_bring, 600, 1))
		FIELD_ERROR("to_bring", "600 caractères au plus.");
	if (!utf8_text_fits(in->notes, 2000, 1))
		FIELD_ERROR("notes", "2 000 caractères au plus.");
	int y, m, d, minutes = time_of_day_parse(in->time);
	int64_t duration = 0;
	if (date_parse(in->date, &y, &m, &d) < 0)
		FIELD_ERROR("date", "Date impossible : JJ/MM/AAAA.");
	if (minutes < 0)
		FIELD_ERROR("time", "Heure impossible : par exemple 14:30 ou 9h15.");
	if (str_to_i64(str_from(in->duration), 5, 12 * 60, &duration) < 0)
		FIELD_ERROR("duration", "Durée en minutes, entre 5 et 720.");
	if (in->npersons < 1)
		FIELD_ERROR("persons", "Un rendez-vous concerne au moins une personne.");
	else if (in->npersons > APPT_PERSONS_MAX)
		FIELD_ERROR("persons", "Trente personnes au plus par rendez-vous.");
	if (bad)
		return -1;
	a->starts_at = local_to_unix(y, m, d, minutes);
	a->ends_at = a->starts_at + duration * 60;
	if (a->starts_at < clock_now() - 86400 * 365 || a->starts_at > clock_now() + 86400 * 3 * 365) {
		on_error(arg, "date", "La date doit être comprise entre l'an dernier et dans trois ans.");
		return -1;
	}
	a->worker_id = in->worker_id;
	a->site_id = in->site_id;
	cstr_copy(a->kind, sizeof a->kind, in->kind);
	cstr_copy(a->place, sizeof a->place, in->place);
	cstr_copy(a->place_detail, sizeof a->place_detail, in->place_detail);
	cstr_copy(a->to_bring, sizeof a->to_bring, in->to_bring);
	cstr_copy(a->notes, sizeof a->notes, in->notes);
	return 0;
}

/* Inside the caller's transaction: the worker is free, the people exist
 * in the structure. 0, or -1 after on_error. */
static int check_and_link(struct db *db, const struct actor *by, const struct appointment_input *in,
			  const struct appointment *a, int64_t id, appt_error_fn on_error, void *arg)
{
	int64_t overlapping = 0;
	if (db_get_int(db, SQL_APPT_CONFLICT, &overlapping, "iiii", a->worker_id, a->starts_at, a->ends_at, id) < 0)
		return -1;
	if (overlapping) {
		on_error(arg, "time", "Ce professionnel a déjà un rendez-vous à ce moment-là : choisissez une autre heure "
				      "ou un autre professionnel.");
		return -1;
	}
	if (db_exec(db, SQL_APPT_PERSONS_CLEAR, "i", id) < 0)
		return -1;
	for (int i = 0; i < in->npersons; i++) {
		struct person p;
		if (person_get(db, by, in->persons[i], &p, NULL) != 1 || strcmp(p.status, "active") != 0) {
			on_error(arg, "persons", "Une des personnes n'a pas de dossier actif dans la structure.");
			return -1;
		}
		if (db_exec(db, SQL_APPT_PERSON_ADD, "iii", id, by->structure_id, p.id) < 0)
			return -1;
	}
	return 0;
}

static void ignore_error(void *arg, const char *field, const char *msg)
{
	(void)arg;
	(void)field;
	(void)msg;
}

/* The audit rows go on each person's file. */
static int audit_persons(struct db *db, const struct actor *by, const char *action, int64_t id,
			 const struct appointment_input *in)
{
	char detail[64];
	snprintf(detail, sizeof detail, "rendez-vous %lld", (long long)id);
	for (int i = 0; i < in->npersons; i++)
		if (audit_log(db, by, action, "person", in->persons[i], detail) < 0)
			return -1;
	return 0;
}

int64_t appointment_create(struct db *db, const struct actor *by, const struct appointment_input *in,
			   appt_error_fn on_error, void *arg)
{
	if (!on_error)
		on_error = ignore_error;
	struct appointment a;
	memset(&a, 0, sizeof a);
	if (validate(db, by, in, &a, on_error, arg) < 0)
		return -1;
	int64_t now = clock_now();
	if (db_begin(db) < 0)
		goto fail;
	if (db_exec(db, SQL_APPT_ADD, "iiIsssiissii", by->structure_id, a.worker_id, a.site_id, a.kind, a.place,
		    a.place_detail, a.starts_at, a.ends_at, a.to_bring, a.notes, by->user_id, now) < 0)
		goto fail;
	int64_t id = db_last_id(db);
	if (check_and_link(db, by, in, &a, id, on_error, arg) < 0) {
		db_rollback(db);
		return -1;
	}
	if (reminders_schedule(db, by->structure_id, id) < 0 || audit_persons(db, by, "appointment.add", id, in) < 0 ||
	    db_commit(db) < 0)
		goto fail;
	return id;
fail:
	db_rollback(db);
	on_error(arg, "", "Erreur de la base de données : le rendez-vous n'a pas été enregistré.");
	return -1;
}

int appointment_update(struct db *db, const struct actor *by, int64_t id, int64_t version,
		       const struct appointment_input *in, appt_error_fn on_error, void *arg)
{
	if (!on_error)
		on_error = ignore_error;
	struct appointment a;
	memset(&a, 0, sizeof a);
	if (validate(db, by, in, &a, on_error, arg) < 0)
		return -1;
	if (db_begin(db) < 0)
		goto fail;
	if (db_exec(db, SQL_APPT_UPDATE, "iiiIsssiissi", id, version, a.worker_id, a.site_id, a.kind, a.place,
		    a.place_detail, a.starts_at, a.ends_at, a.to_bring, a.notes, clock_now()) < 0)
		goto fail;
	if (db_changes(db) == 0) {
		db_rollback(db);
		return 1;
	}
	if (check_and_link(db, by, in, &a, id, on_error, arg) < 0) {
		db_rollback(db);
		return -1;
	}
	if (reminders_schedule(db, by->structure_id, id) < 0 || audit_persons(db, by, "appointment.update", id, in) < 0 ||
	    db_commit(db) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	on_error(arg, "", "Erreur de la base de données : le rendez-vous n'a pas été enregistré.");
	return -1;
}

int appointment_cancel(struct db *db, const struct actor *by, int64_t id, struct buf *err)
{
	struct appointment a;
	int rc = appointment_get(db, by, id, &a);
	if (rc <= 0) {
		buf_puts(err, rc < 0 ? "Erreur de la base de données." : "Ce rendez-vous n'existe pas.");
		return -1;
	}
	if (strcmp(a.status, "prevu") != 0) {
		buf_puts(err, "Ce rendez-vous est déjà annulé.");
		return -1;
	}
	if (db_begin(db) < 0 || db_exec(db, SQL_APPT_CANCEL, "ii", id, clock_now()) < 0 ||
	    reminders_withdraw(db, id) < 0)
		goto fail;
	for (int i = 0; i < a.npersons; i++)
		if (audit_log(db, by, "appointment.cancel", "person", a.persons[i].id, NULL) < 0)
			goto fail;
	if (db_commit(db) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	buf_appendf(err, "Erreur de la base de données : %s", db_errmsg(db));
	return -1;
}

int appointment_set_outcome(struct db *db, const struct actor *by, int64_t id, int64_t person_id, const char *outcome,
			    struct buf *err)
{
	struct appointment a;
	int rc = appointment_get(db, by, id, &a);
	if (rc <= 0) {
		buf_puts(err, rc < 0 ? "Erreur de la base de données." : "Ce rendez-vous n'existe pas.");
		return -1;
	}
	int known = !outcome[0];
	for (const struct choice *c = appointment_outcomes; c->value && !known; c++)
		known = strcmp(c->value, outcome) == 0;
	if (!known) {
		buf_puts(err, "Choisissez : venu, excusé ou absent sans prévenir.");
		return -1;
	}
	if (outcome[0] && a.starts_at > clock_now()) {
		buf_puts(err, "Ce rendez-vous n'a pas encore eu lieu.");
		return -1;
	}
	if (db_begin(db) < 0 || db_exec(db, SQL_APPT_OUTCOME, "iis", id, person_id, outcome) < 0)
		goto fail;
	if (db_changes(db) == 0) {
		db_rollback(db);
		buf_puts(err, "Cette personne n'est pas attendue à ce rendez-vous.");
		return -1;
	}
	if (audit_log(db, by, "appointment.outcome", "person", person_id, outcome) < 0 || db_commit(db) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	buf_appendf(err, "Erreur de la base de données : %s", db_errmsg(db));
	return -1;
}

/* The first letter (a whole UTF-8 character) of each of two words. */
static void initials_of(const char *first, const char *family, char *out, size_t n)
{
	size_t o = 0;
	const char *words[] = {first, family};
	for (int i = 0; i < 2; i++) {
		const char *w = words[i];
		if (!*w)
			continue;
		size_t len = 1;
		while (((unsigned char)w[len] & 0xC0) == 0x80)
			len++;
		if (o + len + 3 > n)
			break;
		memcpy(out + o, w, len);
		o += len;
		out[o++] = '.';
		if (i == 0 && *family)
			out[o++] = ' ';
	}
	out[o] = '\0';
}

static int read_persons(struct db *db, struct appointment *a)
{
	struct db_stmt *st = db_query(db, SQL_APPT_PERSONS, "i", a->id);
	if (!st)
		return DB_ERR;
	int rc;
	a->npersons = 0;
	while ((rc = db_step(st)) == 1 && a->npersons < APPT_PERSONS_MAX) {
		struct person p;
		memset(&p, 0, sizeof p);
		cstr_copy(p.v[PF_CIVILITE], PERSON_VALUE_MAX, db_col_text(st, 1));
		cstr_copy(p.v[PF_BIRTH_NAME], PERSON_VALUE_MAX, db_col_text(st, 2));
		cstr_copy(p.v[PF_USAGE_NAME], PERSON_VALUE_MAX, db_col_text(st, 3));
		cstr_copy(p.v[PF_FIRST_NAMES], PERSON_VALUE_MAX, db_col_text(st, 4));
		a->persons[a->npersons].id = db_col_int(st, 0);
		person_display_name(&p, a->persons[a->npersons].name, sizeof a->persons[0].name);
		initials_of(p.v[PF_FIRST_NAMES], p.v[PF_USAGE_NAME][0] ? p.v[PF_USAGE_NAME] : p.v[PF_BIRTH_NAME],
			    a->persons[a->npersons].initials, sizeof a->persons[0].initials);
		cstr_copy(a->persons[a->npersons].outcome, sizeof a->persons[0].outcome, db_col_text(st, 5));
		a->npersons++;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

static void read_appt(struct db_stmt *st, struct appointment *a)
{
	memset(a, 0, sizeof *a);
	a->id = db_col_int(st, 0);
	a->worker_id = db_col_int(st, 1);
	a->site_id = db_col_int(st, 2);
	a->starts_at = db_col_int(st, 3);
	a->ends_at = db_col_int(st, 4);
	a->version = db_col_int(st, 5);
	a->created_by = db_col_int(st, 6);
	cstr_copy(a->kind, sizeof a->kind, db_col_text(st, 7));
	cstr_copy(a->place, sizeof a->place, db_col_text(st, 8));
	cstr_copy(a->status, sizeof a->status, db_col_text(st, 9));
	cstr_copy(a->place_detail, sizeof a->place_detail, db_col_text(st, 10));
	cstr_copy(a->to_bring, sizeof a->to_bring, db_col_text(st, 11));
	cstr_copy(a->notes, sizeof a->notes, db_col_text(st, 12));
	cstr_copy(a->worker, sizeof a->worker, db_col_text(st, 13));
	cstr_copy(a->site, sizeof a->site, db_col_text(st, 14));
	cstr_copy(a->site_address, sizeof a->site_address, db_col_text(st, 15));
}

int appointment_get(struct db *db, const struct actor *by, int64_t id, struct appointment *out)
{
	struct db_stmt *st = db_query(db, SQL_APPT_GET, "ii", id, by->structure_id);
	if (!st)
		return DB_ERR;
	int rc = db_step(st);
	if (rc == 1)
		read_appt(st, out);
	db_done(st);
	if (rc == 1 && read_persons(db, out) < 0)
		return DB_ERR;
	return rc;
}

/* The ids are collected first, then each appointment is read with its
 * people: a statement is not stepped while others run on the connection. */
static int list_appts(struct db *db, const struct actor *by, struct db_stmt *st,
		      void (*fn)(void *arg, const struct appointment *a), void *arg)
{
	if (!st)
		return DB_ERR;
	enum { MAX = 500 };
	int64_t ids[MAX];
	int n = 0, rc;
	while ((rc = db_step(st)) == 1 && n < MAX)
		ids[n++] = db_col_int(st, 0);
	db_done(st);
	struct appointment *a = malloc(sizeof *a);
	if (!a)
		return DB_ERR;
	for (int i = 0; i < n && rc >= 0; i++) {
		rc = appointment_get(db, by, ids[i], a);
		if (rc == 1)
			fn(arg, a);
	}
	free(a);
	return rc < 0 ? rc : 0;
}

int appointment_list(struct db *db, const struct actor *by, int64_t worker_id, int64_t from, int64_t to,
		     void (*fn)(void *arg, const struct appointment *a), void *arg)
{
	return list_appts(db, by, db_query(db, SQL_APPT_RANGE, "iiii", by->structure_id, worker_id, from, to), fn, arg);
}

int appointment_list_person(struct db *db, const struct actor *by, int64_t person_id,
			    void (*fn)(void *arg, const struct appointment *a), void *arg)
{
	return list_appts(db, by, db_query(db, SQL_APPT_FOR_PERSON, "ii", person_id, by->structure_id), fn, arg);
}

int sites_list(struct db *db, int64_t structure_id, void (*fn)(void *arg, int64_t id, const char *name,
								const char *address), void *arg)
{
	struct db_stmt *st = db_query(db, SQL_SITES_OF_STRUCTURE, "i", structure_id);
	if (!st)
		return DB_ERR;
	int rc;
	while ((rc = db_step(st)) == 1)
		fn(arg, db_col_int(st, 0), db_col_text(st, 1), db_col_text(st, 2));
	db_done(st);
	return rc;
}

/* ---- calendar feeds ---------------------------------------------------------- */

static int detail_known(const char *d)
{
	return strcmp(d, "initiales") == 0 || strcmp(d, "nature") == 0 || strcmp(d, "nom") == 0;
}

int calendar_feed_new(struct db *db, const struct actor *by, const char *detail, char token[48])
{
	if (!detail_known(detail))
		return -1;
	char hash[TOKEN_HASH_LEN + 1];
	token_new(token);
	token_hash(token, strlen(token), hash);
	if (db_begin(db) < 0 ||
	    db_exec(db, SQL_CALENDAR_FEED_SET, "iissi", by->user_id, by->structure_id, hash, detail, clock_now()) < 0 ||
	    audit_log(db, by, "calendar_feed.new", "user", by->user_id, detail) < 0 || db_commit(db) < 0) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

int calendar_feed_revoke(struct db *db, const struct actor *by)
{
	if (db_begin(db) < 0 || db_exec(db, SQL_CALENDAR_FEED_DELETE, "i", by->user_id) < 0 ||
	    audit_log(db, by, "calendar_feed.revoke", "user", by->user_id, NULL) < 0 || db_commit(db) < 0) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

int calendar_feed_get(struct db *db, int64_t user_id, char detail[16])
{
	struct db_stmt *st = db_query(db, SQL_CALENDAR_FEED_GET, "i", user_id);
	if (!st)
		return DB_ERR;
	int rc = db_step(st);
	if (rc == 1)
		cstr_copy(detail, 16, db_col_text(st, 0));
	db_done(st);
	return rc;
}

/* RFC 5545 text: backslash, semicolon, comma and newlines escaped. */
static void ics_text(struct buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == ';' || *s == ',')
			buf_putc(out, '\\');
		if (*s == '\n') {
			buf_puts(out, "\\n");
			continue;
		}
		if (*s == '\r')
			continue;
		buf_putc(out, *s);
	}
}

static void ics_time(struct buf *out, const char *name, int64_t t)
{
	int y, m, d;
	civil_from_days(t / 86400, &y, &m, &d);
	int64_t s = t % 86400;
	buf_appendf(out, "%s:%04d%02d%02dT%02d%02d%02dZ\r\n", name, y, m, d, (int)(s / 3600), (int)(s / 60 % 60),
		    (int)(s % 60));
}

/* Lines longer than 75 octets are folded (RFC 5545 3.1), between UTF-8
 * characters. */
static void ics_fold(const struct buf *in, struct buf *out)
{
	size_t col = 0;
	for (size_t i = 0; i < in->len; i++) {
		unsigned char c = (unsigned char)in->data[i];
		if (c == '\r' || c == '\n') {
			buf_putc(out, (char)c);
			col = 0;
			continue;
		}
		if (col >= 74 && (c & 0xC0) != 0x80) {
			buf_puts(out, "\r\n ");
			col = 1;
		}
		buf_putc(out, (char)c);
		col++;
	}
}

struct feed {
	struct buf *out;
	const char *detail;
	struct label_list *kinds;
};

static void feed_event(void *arg, const struct appointment *a)
{
	struct feed *f = arg;
	struct buf *o = f->out;
	buf_puts(o, "BEGIN:VEVENT\r\n");
	buf_appendf(o, "UID:rdv-%lld@lien\r\n", (long long)a->id);
	ics_time(o, "DTSTAMP", clock_now());
	ics_time(o, "DTSTART", a->starts_at);
	ics_time(o, "DTEND", a->ends_at);
	/* Only what the worker chose leaves Lien: initials by default. */
	struct buf who = BUF_INIT;
	for (int i = 0; i < a->npersons; i++) {
		if (i)
			buf_puts(&who, ", ");
		if (strcmp(f->detail, "nom") == 0) {
			buf_puts(&who, a->persons[i].name);
		} else {
			buf_puts(&who, a->persons[i].initials);
		}
	}
	buf_puts(o, "SUMMARY:");
	struct buf summary = BUF_INIT;
	buf_appendf(&summary, "%s", label_of(f->kinds, a->kind));
	if (strcmp(f->detail, "nature") != 0 && who.len)
		buf_appendf(&summary, " – %s", buf_cstr(&who));
	ics_text(o, buf_cstr(&summary));
	buf_puts(o, "\r\n");
	if (strcmp(a->status, "annule") == 0)
		buf_puts(o, "STATUS:CANCELLED\r\n");
	if (a->site[0] && strcmp(a->place, "site") == 0) {
		buf_puts(o, "LOCATION:");
		ics_text(o, a->site);
		buf_puts(o, "\r\n");
	}
	buf_puts(o, "END:VEVENT\r\n");
	buf_free(&who);
	buf_free(&summary);
}

int calendar_feed_ics(struct db *db, const char *token, struct buf *out)
{
	char hash[TOKEN_HASH_LEN + 1];
	token_hash(token, strlen(token), hash);
	struct db_stmt *st = db_query(db, SQL_CALENDAR_FEED_BY_TOKEN, "s", hash);
	if (!st)
		return DB_ERR;
	int rc = db_step(st);
	struct actor owner = {.ip = "ics"};
	char detail[16] = "initiales";
	if (rc == 1) {
		owner.user_id = db_col_int(st, 0);
		owner.structure_id = db_col_int(st, 1);
		cstr_copy(detail, sizeof detail, db_col_text(st, 2));
	}
	db_done(st);
	if (rc != 1)
		return rc;
	struct label_list *kinds = malloc(sizeof *kinds);
	if (!kinds || appointment_kinds_load(db, owner.structure_id, kinds) < 0) {
		free(kinds);
		return DB_ERR;
	}
	struct buf body = BUF_INIT;
	buf_puts(&body, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Lien//Rendez-vous//FR\r\n"
			"CALSCALE:GREGORIAN\r\nX-WR-CALNAME:Mes rendez-vous (Lien)\r\n");
	struct feed f = {&body, detail, kinds};
	/* From a month ago to a year ahead. */
	int64_t now = clock_now();
	rc = appointment_list(db, &owner, owner.user_id, now - 31 * 86400, now + 366 * 86400, feed_event, &f);
	buf_puts(&body, "END:VCALENDAR\r\n");
	ics_fold(&body, out);
	buf_free(&body);
	free(kinds);
	return rc < 0 ? rc : 1;
}
