#include "domain/reminder.h"
#include "core/clock.h"
#include "core/gsm.h"
#include "core/text.h"
#include "db/queries.h"
#include "domain/appointment.h"
#include "domain/audit.h"
#include "domain/user.h"
#include "gateway/gateway.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct choice reminder_channels[] = {
	{"sms", "SMS"},
	{"email", "Courriel"},
	{"courrier", "Lettre"},
	{"telephone", "Appel téléphonique"},
	{NULL, NULL}};

/* Bracketed parts are optional: dropped when a value inside is empty, and,
 * for an SMS that does not fit in one segment, from the last one back. */
const char reminder_default_sms[] =
	"{structure} : rendez-vous le {date} à {heure} avec {avec}[, {lieu}].[ Apportez : {apporter}.]"
	" Empêché ? Appelez le {telephone}.";
const char reminder_default_email[] =
	"Bonjour {prenom},\n\nNous vous rappelons votre rendez-vous le {date} à {heure} avec {avec}[, {lieu}].\n"
	"[\nÀ apporter : {apporter}\n]\nSi vous ne pouvez pas venir, prévenez-nous au {telephone}.\n\n{structure}";
const char reminder_default_letter[] =
	"Bonjour {prenom},\n\nNous vous attendons le {date} à {heure} pour un rendez-vous avec {avec}[, {lieu}].\n"
	"[\nPensez à apporter : {apporter}\n]\nSi vous ne pouvez pas venir, appelez-nous au {telephone} : nous "
	"trouverons un autre moment.\n\nÀ bientôt.";

int reminder_settings_get(struct db *db, int64_t structure_id, struct reminder_settings *out)
{
	memset(out, 0, sizeof *out);
	cstr_copy(out->delays, sizeof out->delays, "48,24");
	cstr_copy(out->fallback, sizeof out->fallback, "sms,email,courrier,telephone");
	struct db_stmt *st = db_query(db, SQL_REMINDER_SETTINGS_GET, "i", structure_id);
	if (!st)
		return DB_ERR;
	int rc = db_step(st);
	if (rc == 1) {
		cstr_copy(out->delays, sizeof out->delays, db_col_text(st, 0));
		cstr_copy(out->fallback, sizeof out->fallback, db_col_text(st, 1));
		cstr_copy(out->sms_template, sizeof out->sms_template, db_col_text(st, 2));
		cstr_copy(out->email_template, sizeof out->email_template, db_col_text(st, 3));
		cstr_copy(out->letter_template, sizeof out->letter_template, db_col_text(st, 4));
	}
	db_done(st);
	if (!out->sms_template[0])
		cstr_copy(out->sms_template, sizeof out->sms_template, reminder_default_sms);
	if (!out->email_template[0])
		cstr_copy(out->email_template, sizeof out->email_template, reminder_default_email);
	if (!out->letter_template[0])
		cstr_copy(out->letter_template, sizeof out->letter_template, reminder_default_letter);
	return rc < 0 ? rc : 0;
}

static int channel_known(const char *v, size_t n)
{
	for (const struct choice *c = reminder_channels; c->value; c++)
		if (strlen(c->value) == n && strncmp(c->value, v, n) == 0)
			return 1;
	return 0;
}

int reminder_settings_set(struct db *db, const struct actor *by, const struct reminder_settings *s, struct buf *err)
{
	/* Delays: 1 to 4 numbers of hours, between 1 and 720 (30 days). */
	int count = 0;
	for (const char *p = s->delays; *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		int64_t h;
		if (str_to_i64((struct str){p, len}, 1, 720, &h) < 0 || ++count > 4) {
			buf_puts(err, "Délais : de 1 à 4 nombres d'heures avant le rendez-vous, séparés par des virgules "
				      "(par exemple 48,24).");
			return -1;
		}
		p = end ? end + 1 : p + len;
	}
	if (!count) {
		buf_puts(err, "Indiquez au moins un délai de rappel.");
		return -1;
	}
	for (const char *p = s->fallback; *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (!channel_known(p, len)) {
			buf_puts(err, "Ordre des moyens : sms, email, courrier, telephone.");
			return -1;
		}
		p = end ? end + 1 : p + len;
	}
	const char *tpls[] = {s->sms_template, s->email_template, s->letter_template};
	for (int i = 0; i < 3; i++) {
		size_t n = strlen(tpls[i]);
		if (!utf8_valid_text(tpls[i], n, 1) || utf8_length(tpls[i], n) > 900 || !strstr(tpls[i], "{date}") ||
		    !strstr(tpls[i], "{heure}")) {
			buf_puts(err, "Chaque modèle fait au plus 900 caractères et contient {date} et {heure}.");
			return -1;
		}
	}
	if (db_begin(db) < 0 ||
	    db_exec(db, SQL_REMINDER_SETTINGS_SET, "isssss", by->structure_id, s->delays, s->fallback, s->sms_template,
		    s->email_template, s->letter_template) < 0 ||
	    audit_log(db, by, "reminders.settings", "structure", by->structure_id, s->delays) < 0 || db_commit(db) < 0) {
		db_rollback(db);
		buf_appendf(err, "Erreur de la base de données : %s", db_errmsg(db));
		return -1;
	}
	return 0;
}

/* The postal address on an envelope: name, street, postal code and town. */
static int postal_address(const struct person *p, char *out, size_t n)
{
	if (!p->v[PF_ADDRESS][0] || !p->v[PF_POSTAL_CODE][0] || !p->v[PF_COMMUNE_NAME][0])
		return 0;
	/* As La Poste wants it: "Mme Manon DENIS", then the town in capitals. */
	char family[PERSON_VALUE_MAX], town[200];
	text_upper(p->v[PF_USAGE_NAME][0] ? p->v[PF_USAGE_NAME] : p->v[PF_BIRTH_NAME], family, sizeof family);
	text_upper(p->v[PF_COMMUNE_NAME], town, sizeof town);
	snprintf(out, n, "%s%s%s %s\n%s\n%s %s", p->v[PF_CIVILITE], p->v[PF_CIVILITE][0] ? " " : "",
		 p->v[PF_FIRST_NAMES], family, p->v[PF_ADDRESS], p->v[PF_POSTAL_CODE], town);
	return 1;
}

static int reachable(const struct person *p, const char *ch, size_t len, char *recipient, size_t n)
{
	/* A channel whose gateway is not configured reaches nobody. */
	if (len == 3 && strncmp(ch, "sms", 3) == 0) {
		char e164[16];
		if (!gateway_config.sms_url[0])
			return 0;
		const char *phones[] = {p->v[PF_PHONE], p->v[PF_PHONE2]};
		for (int i = 0; i < 2; i++)
			if (phone_mobile_fr(phones[i], e164) == 1) {
				cstr_copy(recipient, n, e164);
				return 1;
			}
		return 0;
	}
	if (len == 5 && strncmp(ch, "email", 5) == 0) {
		if (!p->v[PF_EMAIL][0] || !gateway_config.smtp_url[0])
			return 0;
		cstr_copy(recipient, n, p->v[PF_EMAIL]);
		return 1;
	}
	if (len == 8 && strncmp(ch, "courrier", 8) == 0)
		return postal_address(p, recipient, n);
	if (len == 9 && strncmp(ch, "telephone", 9) == 0) {
		const char *phone = p->v[PF_PHONE][0] ? p->v[PF_PHONE] : p->v[PF_PHONE2];
		if (!phone[0])
			return 0;
		cstr_copy(recipient, n, phone);
		return 1;
	}
	return 0;
}

const char *reminder_channel(const struct person *p, const char *fallback, char *recipient, size_t n)
{
	recipient[0] = '\0';
	const char *pref = p->v[PF_PREFERRED_CHANNEL];
	for (const struct choice *c = reminder_channels; c->value; c++)
		if (strcmp(c->value, pref) == 0 && reachable(p, pref, strlen(pref), recipient, n))
			return c->value;
	for (const char *f = fallback; *f;) {
		const char *end = strchr(f, ',');
		size_t len = end ? (size_t)(end - f) : strlen(f);
		if (reachable(p, f, len, recipient, n))
			for (const struct choice *c = reminder_channels; c->value; c++)
				if (strlen(c->value) == len && strncmp(c->value, f, len) == 0)
					return c->value;
		f = end ? end + 1 : f + len;
	}
	recipient[0] = '\0';
	return "";
}

static const char *placeholder(const struct reminder_values *v, const char *name, size_t n)
{
	static const struct {
		const char *name;
		size_t offset;
	} names[] = {
		{"prenom", offsetof(struct reminder_values, first_name)},
		{"nom", offsetof(struct reminder_values, name)},
		{"date", offsetof(struct reminder_values, date)},
		{"heure", offsetof(struct reminder_values, time)},
		{"avec", offsetof(struct reminder_values, with)},
		{"lieu", offsetof(struct reminder_values, place)},
		{"apporter", offsetof(struct reminder_values, to_bring)},
		{"telephone", offsetof(struct reminder_values, phone)},
		{"structure", offsetof(struct reminder_values, structure)},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i].name) == n && strncmp(names[i].name, name, n) == 0) {
			const char *s = *(const char *const *)((const char *)v + names[i].offset);
			return s ? s : "";
		}
	return NULL;
}

/* Expands the template, leaving out optional part k when (drop >> k) & 1
 * or when one of its values is empty. Returns the number of optional parts. */
static int expand(const char *tpl, const struct reminder_values *v, unsigned drop, struct buf *out)
{
	int part = -1;
	size_t part_start = 0;
	int part_empty = 0;
	for (const char *p = tpl; *p; p++) {
		if (*p == '[' && part < 31) {
			part++;
			part_start = out->len;
			part_empty = (drop >> part) & 1;
			continue;
		}
		if (*p == ']' && part >= 0) {
			if (part_empty)
				out->len = part_start;
			part_start = (size_t)-1;
			continue;
		}
		if (*p == '{') {
			const char *end = strchr(p, '}');
			const char *val = end ? placeholder(v, p + 1, (size_t)(end - p - 1)) : NULL;
			if (val) {
				if (!val[0] && part_start != (size_t)-1 && part >= 0)
					part_empty = 1;
				buf_puts(out, val);
				p = end;
				continue;
			}
		}
		buf_putc(out, *p);
	}
	if (out->data)
		out->data[out->len] = '\0';
	return part + 1;
}

int reminder_render(const char *tpl, const struct reminder_values *v, int sms, struct buf *out)
{
	struct buf raw = BUF_INIT;
	int parts = expand(tpl, v, 0, &raw);
	if (!sms) {
		buf_append(out, raw.data ? raw.data : "", raw.len);
		buf_free(&raw);
		return 0;
	}
	struct buf folded = BUF_INIT;
	sms_fold(buf_cstr(&raw), &folded);
	int gsm7, segments = sms_segments(buf_cstr(&folded), &gsm7);
	/* Too long for one SMS: leave out optional parts, the last first. */
	for (int k = parts - 1; k >= 0 && segments > 1; k--) {
		unsigned drop = 0;
		for (int j = k; j < parts; j++)
			drop |= 1u << j;
		buf_reset(&raw);
		expand(tpl, v, drop, &raw);
		buf_reset(&folded);
		sms_fold(buf_cstr(&raw), &folded);
		segments = sms_segments(buf_cstr(&folded), &gsm7);
	}
	buf_append(out, folded.data ? folded.data : "", folded.len);
	buf_free(&raw);
	buf_free(&folded);
	return segments;
}

/* ---- scheduling ---------------------------------------------------------------- */

static const char *const DAYS[] = {"jeudi", "vendredi", "samedi", "dimanche", "lundi", "mardi", "mercredi"};
static const char *const MONTHS[] = {"janvier", "février", "mars",      "avril",   "mai",      "juin",
				     "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};

/* "mardi 2 décembre" and "14 h 30" in Paris time. */
static void when_fr(int64_t t, char *date, size_t dn, char *time, size_t tn)
{
	int64_t local = t + clock_paris_offset(t);
	int64_t day = local / 86400;
	int y, m, d;
	civil_from_days(day, &y, &m, &d);
	snprintf(date, dn, "%s %d%s %s", DAYS[((day % 7) + 7) % 7], d, d == 1 ? "er" : "", MONTHS[m - 1]);
	int minutes = (int)(local % 86400 / 60);
	if (minutes % 60)
		snprintf(time, tn, "%d h %02d", minutes / 60, minutes % 60);
	else
		snprintf(time, tn, "%d h", minutes / 60);
}

/* Where, in words; "in our premises" without a site is the structure's
 * own address. */
static void place_fr(const struct appointment *a, const char *structure_address, char *out, size_t n)
{
	if (strcmp(a->place, "site") == 0 && !a->site[0])
		snprintf(out, n, "%s", structure_address);
	else if (strcmp(a->place, "site") == 0)
		snprintf(out, n, "%s%s%s", a->site, a->site_address[0] ? ", " : "", a->site_address);
	else if (strcmp(a->place, "domicile") == 0)
		snprintf(out, n, "chez vous");
	else if (strcmp(a->place, "telephone") == 0)
		snprintf(out, n, "par téléphone : nous vous appelons");
	else if (strcmp(a->place, "visio") == 0)
		snprintf(out, n, "en visioconférence : %s", a->place_detail);
	else
		snprintf(out, n, "%s", a->place_detail);
}

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

int reminders_schedule(struct db *db, int64_t structure_id, int64_t appointment_id)
{
	/* The system reads the files it writes to (no audit of its own reads). */
	struct actor sys = {.structure_id = structure_id, .role = ROLE_RESPONSABLE, .ip = "rappels"};
	if (db_exec(db, SQL_OUTBOX_DELETE_PENDING, "i", appointment_id) < 0)
		return -1;
	struct appointment *a = malloc(sizeof *a);
	struct reminder_settings *s = malloc(sizeof *s);
	struct person *p = malloc(sizeof *p);
	int rc = a && s && p ? 0 : -1;
	if (rc == 0 && appointment_get(db, &sys, appointment_id, a) != 1)
		rc = -1;
	if (rc == 0 && reminder_settings_get(db, structure_id, s) < 0)
		rc = -1;
	int64_t now = clock_now();
	if (rc < 0 || strcmp(a->status, "prevu") != 0 || a->starts_at <= now)
		goto out;
	struct structure_contact contact;
	memset(&contact, 0, sizeof contact);
	structure_contact_get(db, structure_id, &contact);
	char date[64], time[16], place[1000];
	when_fr(a->starts_at, date, sizeof date, time, sizeof time);
	place_fr(a, contact.address, place, sizeof place);
	for (int i = 0; i < a->npersons && rc == 0; i++) {
		if (person_get(db, &sys, a->persons[i].id, p, NULL) != 1)
			continue;
		char recipient[400], first[120], name[1300];
		const char *channel = reminder_channel(p, s->fallback, recipient, sizeof recipient);
		if (!channel[0])
			continue; /* no way to reach the person: the worker sees it on the appointment */
		/* First first name; "Mme Denis" for the letter's greeting. */
		snprintf(first, sizeof first, "%.*s", (int)strcspn(p->v[PF_FIRST_NAMES], " "), p->v[PF_FIRST_NAMES]);
		snprintf(name, sizeof name, "%s%s%s", p->v[PF_CIVILITE], p->v[PF_CIVILITE][0] ? " " : "",
			 p->v[PF_USAGE_NAME][0] ? p->v[PF_USAGE_NAME] : p->v[PF_BIRTH_NAME]);
		struct reminder_values v = {first, name, date, time, a->worker, place, a->to_bring, contact.phone,
					    contact.name};
		int is_sms = strcmp(channel, "sms") == 0 || strcmp(channel, "telephone") == 0;
		const char *tpl = is_sms ? s->sms_template
				  : strcmp(channel, "email") == 0 ? s->email_template : s->letter_template;
		struct buf body = BUF_INIT;
		reminder_render(tpl, &v, is_sms, &body);
		char subject[200];
		snprintf(subject, sizeof subject, "Votre rendez-vous du %s à %s", date, time);
		/* When: SMS and e-mail at each delay still to come; a letter a
		 * week before (or now); a call the day before (or now). */
		int64_t dues[4];
		int ndue = 0;
		if (strcmp(channel, "courrier") == 0) {
			dues[ndue++] = max64(now, a->starts_at - 7 * 86400);
		} else if (strcmp(channel, "telephone") == 0) {
			dues[ndue++] = max64(now, a->starts_at - 86400);
		} else {
			for (const char *d = s->delays; *d && ndue < 4;) {
				int64_t h = strtoll(d, NULL, 10);
				if (a->starts_at - h * 3600 > now)
					dues[ndue++] = a->starts_at - h * 3600;
				const char *comma = strchr(d, ',');
				d = comma ? comma + 1 : d + strlen(d);
			}
			/* Booked at the last minute: one reminder now, if still useful. */
			if (!ndue && a->starts_at - now > 2 * 3600)
				dues[ndue++] = now;
		}
		for (int k = 0; k < ndue && rc == 0; k++)
			if (db_exec(db, SQL_OUTBOX_ADD, "iiisisssi", structure_id, a->id, p->id, channel, dues[k], recipient,
				    subject, buf_cstr(&body), now) < 0)
				rc = -1;
		buf_free(&body);
	}
out:
	free(a);
	free(s);
	free(p);
	return rc;
}

int reminders_withdraw(struct db *db, int64_t appointment_id)
{
	return db_exec(db, SQL_OUTBOX_WITHDRAW, "i", appointment_id);
}

/* ---- the outbox ------------------------------------------------------------------- */

static void read_row(struct db_stmt *st, struct outbox_row *r)
{
	memset(r, 0, sizeof *r);
	r->id = db_col_int(st, 0);
	r->structure_id = db_col_int(st, 1);
	r->appointment_id = db_col_int(st, 2);
	r->person_id = db_col_int(st, 3);
	r->due_at = db_col_int(st, 4);
	r->attempts = db_col_int(st, 5);
	r->sent_at = db_col_int(st, 6);
	cstr_copy(r->channel, sizeof r->channel, db_col_text(st, 7));
	cstr_copy(r->status, sizeof r->status, db_col_text(st, 8));
	cstr_copy(r->recipient, sizeof r->recipient, db_col_text(st, 9));
	cstr_copy(r->subject, sizeof r->subject, db_col_text(st, 10));
	cstr_copy(r->body, sizeof r->body, db_col_text(st, 11));
	cstr_copy(r->last_error, sizeof r->last_error, db_col_text(st, 12));
}

int outbox_claim_seconds = 120;

int outbox_claim(struct db *db, int64_t now, struct outbox_row *rows, int max)
{
	if (db_begin(db) < 0)
		return -1;
	struct db_stmt *st = db_query(db, SQL_OUTBOX_CLAIM, "iiii", now, now + outbox_claim_seconds, max,
					  (int64_t)outbox_claim_seconds);
	int n = 0, rc = st ? 1 : -1;
	while (st && (rc = db_step(st)) == 1 && n < max)
		read_row(st, &rows[n++]);
	db_done(st);
	if (rc < 0 || db_commit(db) < 0) {
		db_rollback(db);
		return -1;
	}
	return n;
}

int outbox_done(struct db *db, const struct outbox_row *r, int result, const char *error, int64_t now)
{
	if (result == GW_OK)
		return db_exec(db, SQL_OUTBOX_SENT, "ii", r->id, now);
	/* Back-off: 1, 2, 4, 8, 16 minutes, then failed for reception to see. */
	int final = result == GW_PERMANENT || r->attempts >= OUTBOX_MAX_ATTEMPTS;
	int64_t k = r->attempts - 1; /* the claim counted this attempt */
	int64_t next = now + 60 * ((int64_t)1 << (k < 0 ? 0 : k > 5 ? 5 : k));
	return db_exec(db, SQL_OUTBOX_RETRY, "isis", r->id, final ? "failed" : "pending", next, error ? error : "");
}

int outbox_delivery(struct db *db, int64_t id, int delivered, int64_t now)
{
	return db_exec(db, delivered ? SQL_OUTBOX_DELIVERED : SQL_OUTBOX_ACCEPTED, "ii", id, now);
}

/* Rows with the person's names in columns 13 and 14. */
static int list_rows(struct db_stmt *st, void (*fn)(void *arg, const struct outbox_row *r), void *arg)
{
	if (!st)
		return DB_ERR;
	int rc;
	struct outbox_row *r = malloc(sizeof *r);
	if (!r) {
		db_done(st);
		return DB_ERR;
	}
	while ((rc = db_step(st)) == 1) {
		read_row(st, r);
		text_join_name(db_col_text(st, 14), db_col_text(st, 13), r->person_name, sizeof r->person_name);
		fn(arg, r);
	}
	db_done(st);
	free(r);
	return rc;
}

int outbox_list(struct db *db, const struct actor *by, const char *channel, const char *status, int64_t until,
		void (*fn)(void *arg, const struct outbox_row *r), void *arg)
{
	return list_rows(db_query(db, SQL_OUTBOX_LIST, "issi", by->structure_id, channel, status, until), fn, arg);
}

int outbox_list_for_appointment(struct db *db, const struct actor *by, int64_t appointment_id,
				void (*fn)(void *arg, const struct outbox_row *r), void *arg)
{
	return list_rows(db_query(db, SQL_OUTBOX_FOR_APPOINTMENT, "ii", appointment_id, by->structure_id), fn, arg);
}

int outbox_get(struct db *db, const struct actor *by, int64_t id, struct outbox_row *out)
{
	struct db_stmt *st = db_query(db, SQL_OUTBOX_GET, "ii", id, by->structure_id);
	if (!st)
		return DB_ERR;
	int rc = db_step(st);
	if (rc == 1)
		read_row(st, out);
	db_done(st);
	return rc;
}

int outbox_mark_done(struct db *db, const struct actor *by, int64_t id, struct buf *err)
{
	struct outbox_row r;
	int rc = outbox_get(db, by, id, &r);
	if (rc <= 0) {
		buf_puts(err, "Ce rappel n'existe pas.");
		return -1;
	}
	if (strcmp(r.channel, "courrier") != 0 && strcmp(r.channel, "telephone") != 0) {
		buf_puts(err, "Seuls les lettres et les appels se marquent à la main.");
		return -1;
	}
	if (strcmp(r.status, "pending") != 0) {
		buf_puts(err, strcmp(r.status, "done") == 0 ? "C'est déjà fait." : "Ce rappel a été annulé.");
		return -1;
	}
	if (db_begin(db) < 0 || db_exec(db, SQL_OUTBOX_MARK_DONE, "iii", id, by->user_id, clock_now()) < 0 ||
	    audit_log(db, by, strcmp(r.channel, "courrier") == 0 ? "reminder.letter_posted" : "reminder.call_made",
		      "person", r.person_id, NULL) < 0 ||
	    db_commit(db) < 0) {
		db_rollback(db);
		buf_appendf(err, "Erreur de la base de données : %s", db_errmsg(db));
		return -1;
	}
	return 0;
}

int outbox_counts(struct db *db, const struct actor *by, int64_t *pending, int64_t *failed, int64_t *letters,
		  int64_t *calls)
{
	int64_t end_of_day = clock_now() + 86400;
	*pending = *failed = *letters = *calls = 0;
	struct db_stmt *st = db_query(db, SQL_OUTBOX_COUNTS, "ii", by->structure_id, end_of_day);
	if (!st)
		return DB_ERR;
	int rc;
	while ((rc = db_step(st)) == 1) {
		const char *what = db_col_text(st, 0);
		int64_t n = db_col_int(st, 1);
		if (strcmp(what, "pending") == 0)
			*pending = n;
		else if (strcmp(what, "failed") == 0)
			*failed = n;
		else if (strcmp(what, "courrier") == 0)
			*letters = n;
		else if (strcmp(what, "telephone") == 0)
			*calls = n;
	}
	db_done(st);
	return rc;
}

/* ---- sending ---------------------------------------------------------------------- */

/* The e-mail's HTML part: the same words, escaped, one paragraph per block. */
static void mail_html(const char *text, struct buf *out)
{
	buf_puts(out, "<!doctype html><html lang=\"fr\"><meta charset=\"utf-8\"><body style=\"font-family:sans-serif;"
		      "font-size:16px;line-height:1.5\"><p>");
	for (const char *p = text; *p; p++) {
		if (p[0] == '\n' && p[1] == '\n') {
			buf_puts(out, "</p><p>");
			while (p[1] == '\n')
				p++;
		} else if (*p == '\n') {
			buf_puts(out, "<br>");
		} else {
			buf_append_html(out, p, 1);
		}
	}
	buf_puts(out, "</p></body></html>");
}

/* The appointment for the person's calendar (RFC 5545). */
static void mail_ics(const struct appointment *a, const char *place, struct buf *out)
{
	int y, m, d;
	buf_puts(out, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Lien//Rappel//FR\r\nMETHOD:PUBLISH\r\n"
		      "BEGIN:VEVENT\r\n");
	buf_appendf(out, "UID:rdv-%lld@lien\r\n", (long long)a->id);
	int64_t times[] = {clock_now(), a->starts_at, a->ends_at};
	const char *names[] = {"DTSTAMP", "DTSTART", "DTEND"};
	for (int i = 0; i < 3; i++) {
		civil_from_days(times[i] / 86400, &y, &m, &d);
		int64_t s = times[i] % 86400;
		buf_appendf(out, "%s:%04d%02d%02dT%02d%02d%02dZ\r\n", names[i], y, m, d, (int)(s / 3600),
			    (int)(s / 60 % 60), (int)(s % 60));
	}
	buf_puts(out, "SUMMARY:Rendez-vous\r\nLOCATION:");
	for (const char *p = place; *p; p++) {
		if (*p == ',' || *p == ';' || *p == '\\')
			buf_putc(out, '\\');
		if (*p != '\n' && *p != '\r')
			buf_putc(out, *p);
	}
	buf_puts(out, "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
}

/* Whether the row's appointment still stands: a message is never sent for
 * a cancelled appointment. */
static int still_due(struct db *db, const struct outbox_row *r, struct appointment *a, char *place, size_t n)
{
	struct actor sys = {.structure_id = r->structure_id, .role = ROLE_RESPONSABLE, .ip = "rappels"};
	if (!r->appointment_id || appointment_get(db, &sys, r->appointment_id, a) != 1)
		return 0;
	struct structure_contact contact;
	memset(&contact, 0, sizeof contact);
	structure_contact_get(db, r->structure_id, &contact);
	place_fr(a, contact.address, place, n);
	return strcmp(a->status, "prevu") == 0;
}

int outbox_send_due(struct db *db, int64_t now)
{
	enum { BATCH = 20 };
	struct outbox_row *rows = malloc(BATCH * sizeof *rows);
	struct appointment *a = malloc(sizeof *a);
	if (!rows || !a) {
		free(rows);
		free(a);
		return -1;
	}
	int n = outbox_claim(db, now, rows, BATCH);
	for (int i = 0; i < n; i++) {
		struct outbox_row *r = &rows[i];
		char place[1000];
		struct buf err = BUF_INIT;
		int result;
		if (!still_due(db, r, a, place, sizeof place)) {
			db_exec(db, SQL_OUTBOX_CANCEL_CLAIMED, "i", r->id);
			continue;
		}
		if (strcmp(r->channel, "sms") == 0) {
			result = sms_send(r->recipient, r->body, r->id, &err);
		} else {
			struct buf html = BUF_INIT, ics = BUF_INIT;
			mail_html(r->body, &html);
			mail_ics(a, place, &ics);
			result = mail_send(r->recipient, r->subject, r->body, buf_cstr(&html), buf_cstr(&ics), r->id, &err);
			buf_free(&html);
			buf_free(&ics);
		}
		outbox_done(db, r, result, buf_cstr(&err), clock_now());
		buf_free(&err);
	}
	free(rows);
	free(a);
	return n;
}
