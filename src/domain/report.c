#include "domain/report.h"
#include "core/clock.h"
#include "db/queries.h"
#include "domain/aid.h"
#include "domain/appointment.h"
#include "domain/diagnostic.h"
#include "domain/journal.h"
#include "domain/orientation.h"
#include "domain/procedure.h"
#include "core/csv.h"
#include "view/pdf.h"
#include "view/xlsx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NB "\u00a0" /* the space before : ; in French */

/* Adds n to the row with this key (creating it; the last row collects
 * the rest when the table is full). Returns the row's index: rows do not
 * move until the tables are sorted at the end. */
static int bump(struct report_table *t, const char *key, const char *label, int prev, int64_t n)
{
	int i;
	for (i = 0; i < t->nrows; i++)
		if (strcmp(t->rows[i].key, key) == 0)
			break;
	if (i == t->nrows) {
		if (t->nrows == REPORT_MAX_ROWS) {
			i = REPORT_MAX_ROWS - 1;
			cstr_copy(t->rows[i].key, sizeof t->rows[i].key, "autres");
			cstr_copy(t->rows[i].label, sizeof t->rows[i].label, "Autres");
		} else {
			t->nrows++;
			cstr_copy(t->rows[i].key, sizeof t->rows[i].key, key);
			cstr_copy(t->rows[i].label, sizeof t->rows[i].label, label);
		}
	}
	if (prev)
		t->rows[i].prev += n;
	else
		t->rows[i].n += n;
	return i;
}

/* The row of each key already met: a year's report bumps the person
 * tables for 100,000 people per period, and comparing each one's commune
 * with every row is what would cost. A key not remembered (the cache is
 * full) goes through bump(). */
enum { ROW_CACHE = 512 };
struct row_cache {
	struct {
		char key[80];
		int row;          /* -1: free */
	} slots[ROW_CACHE];
};

static void row_cache_init(struct row_cache *c)
{
	for (int i = 0; i < ROW_CACHE; i++)
		c->slots[i].row = -1;
}

static void bump_cached(struct row_cache *c, struct report_table *t, const char *key, const char *label, int prev)
{
	uint32_t h = 2166136261u;
	for (const char *k = key; *k; k++)
		h = (h ^ (unsigned char)*k) * 16777619u;
	for (int probe = 0; probe < 8; probe++) {
		int i = (int)((h + (uint32_t)probe) % ROW_CACHE);
		if (c->slots[i].row < 0) {
			c->slots[i].row = bump(t, key, label, prev, 1);
			cstr_copy(c->slots[i].key, sizeof c->slots[i].key, key);
			return;
		}
		if (strcmp(c->slots[i].key, key) == 0) {
			*(prev ? &t->rows[c->slots[i].row].prev : &t->rows[c->slots[i].row].n) += 1;
			return;
		}
	}
	bump(t, key, label, prev, 1);
}

static const char *sex_label(const char *civilite)
{
	return !strcmp(civilite, "Mme") ? "Femmes" : !strcmp(civilite, "M.") ? "Hommes" : "Non précisé";
}

static const char *commune_label(const char *name)
{
	return name[0] ? name : "Non renseignée";
}

/* persons.household, kept from the household members (migration 015). */
static const char *household_label(const char *key)
{
	static const char *const labels[][2] = {
		{"couple", "Couple sans enfant"},
		{"couple_enfants", "Couple avec enfants"},
		{"monoparentale", "Famille monoparentale"},
		{"autre", "Autre composition (parents, fratrie…)"},
	};
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (!strcmp(key, labels[i][0]))
			return labels[i][1];
	return "Personne seule ou foyer non renseigné";
}

/* Age band on a civil date (ay, am, ad) of someone born y-m-d (y < 0: unknown). */
static const char *age_band(int y, int m, int d, int ay, int am, int ad)
{
	if (y < 0)
		return "Non renseigné";
	int age = ay - y - (am < m || (am == m && ad < d));
	if (age < 18)
		return "Moins de 18 ans";
	if (age < 26)
		return "18 à 25 ans";
	if (age < 40)
		return "26 à 39 ans";
	if (age < 60)
		return "40 à 59 ans";
	if (age < 75)
		return "60 à 74 ans";
	return "75 ans et plus";
}

/* The people seen in a period, one bit per person id: ids are dense (one
 * sequence for every structure), 100,000 of them take 12 KiB, and testing
 * a bit is cheaper than hashing when a year's report tests every person
 * twice. */
struct idset {
	uint64_t *bits;
	size_t words, n;
};

static int idset_add(struct idset *s, int64_t id)
{
	if (id < 0)
		return -1;
	size_t w = (size_t)id / 64;
	if (w >= s->words) {
		size_t words = s->words ? s->words : 1024;
		while (words <= w)
			words *= 2;
		uint64_t *bits = realloc(s->bits, words * sizeof *bits);
		if (!bits)
			return -1;
		memset(bits + s->words, 0, (words - s->words) * sizeof *bits);
		s->bits = bits;
		s->words = words;
	}
	uint64_t bit = 1ULL << ((uint64_t)id % 64);
	s->n += !(s->bits[w] & bit);
	s->bits[w] |= bit;
	return 0;
}

static int idset_has(const struct idset *s, int64_t id)
{
	return id >= 0 && (size_t)id / 64 < s->words && (s->bits[(size_t)id / 64] >> ((uint64_t)id % 64) & 1);
}

/* One period of the report, as Paris days and as Unix times (end
 * exclusive), with the people seen in it. */
struct period {
	int64_t day_from, day_to;
	int64_t t_from, t_to;
	int prev;                 /* which column of the rows it fills */
	int year;                 /* a whole calendar year whose people are counted (migration 015), or 0 */
	struct idset seen;        /* the people seen, when year is 0 */
};

/* Each theme of a comma-separated list counts n mentions. */
static void bump_themes(struct report_table *t, const char *list, const struct theme_list *names, int prev, int64_t n)
{
	char values[800];
	cstr_copy(values, sizeof values, list);
	for (char *v = values; *v;) {
		char *comma = strchr(v, ',');
		if (comma)
			*comma = '\0';
		bump(t, v, theme_label(names, v), prev, n);
		if (!comma)
			break;
		v = comma + 1;
	}
}

static void add_entries(struct activity_report *r, const struct period *p, const char *kind, const char *medium,
			int64_t entries, int64_t minutes)
{
	*(p->prev ? &r->entries_prev : &r->entries) += entries;
	*(p->prev ? &r->minutes_prev : &r->minutes) += minutes;
	bump(&r->tables[RT_KIND], kind, choice_label(journal_kinds, kind), p->prev, entries);
	bump(&r->tables[RT_MEDIUM], medium, choice_label(journal_media, medium), p->prev, entries);
}

/* The aggregates' author_id of a scope (migration 018): 0 for the
 * structure, the worker's id, or -site_id for a site. */
static int64_t agg_key(const struct report_scope *s)
{
	return s->worker_id ? s->worker_id : -s->site_id;
}

/* The recount: one indexed range scan of the period's raw entries. Kept as
 * the reference the aggregates are checked against (REPORT_RECOUNT). */
static int recount_entries(struct db *db, const struct report_scope *s, struct period *p, struct activity_report *r,
			   const struct theme_list *theme_names)
{
	struct db_stmt *st =
		db_query(db, SQL_REPORT_ENTRIES, "iiiii", s->structure_id, p->t_from, p->t_to, s->worker_id, s->site_id);
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == 1) {
		add_entries(r, p, db_col_text(st, 1), db_col_text(st, 2), 1, db_col_int(st, 4));
		bump_themes(&r->tables[RT_THEME], db_col_text(st, 3), theme_names, p->prev, 1);
		if (idset_add(&p->seen, db_col_int(st, 0)) < 0) {
			rc = -1;
			break;
		}
	}
	db_done(st);
	return rc;
}

/* Adds the first column of every row to the set, and finishes the statement. */
static int collect_ids(struct db_stmt *st, struct idset *seen)
{
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == 1)
		if (idset_add(seen, db_col_int(st, 0)) < 0) {
			rc = -1;
			break;
		}
	db_done(st);
	return rc;
}

/* The people seen in the whole months of one year (bit m-1 for month m):
 * the month's rows for one or two months, else one row per person and year. */
static int people_of_months(struct db *db, const struct report_scope *s, int year, int mask, struct idset *seen)
{
	if (__builtin_popcount((unsigned)mask) > 2)
		return collect_ids(db_query(db, SQL_REPORT_AGG_PERSON_YEAR, "iiii", s->structure_id, agg_key(s),
					    (int64_t)year, (int64_t)mask),
				   seen);
	for (int m = 0; m < 12; m++)
		if (mask & (1 << m) && collect_ids(db_query(db, SQL_REPORT_AGG_PERSON_MONTH, "iii", s->structure_id,
							     agg_key(s), (int64_t)year * 12 + m),
						    seen) < 0)
			return -1;
	return 0;
}

/* The person figures of a whole calendar year, counted on write: a few
 * hundred rows (birth years, civilités, communes) instead of one per
 * person seen. The age on 31 December is the year minus the birth year. */
static int year_people(struct db *db, const struct report_scope *s, const struct period *p, struct activity_report *r)
{
	struct db_stmt *st = db_query(db, SQL_REPORT_AGG_YEAR_PEOPLE, "iii", s->structure_id, agg_key(s),
				      (int64_t)p->year);
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == 1) {
		const char *dim = db_col_text(st, 0), *value = db_col_text(st, 1);
		int64_t n = db_col_int(st, 2);
		if (n <= 0)
			continue; /* a count that fell back to 0 */
		if (!strcmp(dim, "sex")) {
			const char *sex = sex_label(value);
			bump(&r->tables[RT_SEX], sex, sex, p->prev, n);
			*(p->prev ? &r->people_prev : &r->people) += n; /* everyone has one civilité */
		} else if (!strcmp(dim, "commune")) {
			const char *commune = commune_label(value);
			bump(&r->tables[RT_COMMUNE], commune, commune, p->prev, n);
		} else if (!strcmp(dim, "household")) {
			const char *household = household_label(value);
			bump(&r->tables[RT_HOUSEHOLD], household, household, p->prev, n);
		} else if (!strcmp(dim, "age")) {
			int born = -1;
			if (strlen(value) == 4 && strspn(value, "0123456789") == 4)
				born = (int)strtol(value, NULL, 10);
			const char *band = age_band(born >= 1800 ? born : -1, 1, 1, p->year, 12, 31);
			bump(&r->tables[RT_AGE], band, band, p->prev, n);
		} else if (!strcmp(dim, "new")) {
			*(p->prev ? &r->new_people_prev : &r->new_people) += n;
		}
	}
	db_done(st);
	return rc;
}

/* The same figures from the aggregates: the period's day rows (a few per
 * day), and the people seen, read by whole months and years where the
 * period covers them and by day only in the months it covers in part. The
 * cost follows the number of days and of people, not of entries. */
static int aggregate_entries(struct db *db, const struct report_scope *s, struct period *p, struct activity_report *r,
			     const struct theme_list *theme_names)
{
	struct db_stmt *st = db_query(db, SQL_REPORT_AGG_DAYS, "iiii", s->structure_id, agg_key(s), p->day_from,
				      p->day_to);
	int rc = st ? 1 : -1;
	while (st && (rc = db_step(st)) == 1)
		add_entries(r, p, db_col_text(st, 0), db_col_text(st, 1), db_col_int(st, 2), db_col_int(st, 3));
	db_done(st);
	st = rc < 0 ? NULL
		    : db_query(db, SQL_REPORT_AGG_THEMES, "iiii", s->structure_id, agg_key(s), p->day_from, p->day_to);
	rc = st ? 1 : -1;
	while (st && (rc = db_step(st)) == 1)
		bump_themes(&r->tables[RT_THEME], db_col_text(st, 0), theme_names, p->prev, db_col_int(st, 1));
	db_done(st);
	if (rc >= 0 && p->year)
		return year_people(db, s, p, r);
	int year = 0, mask = 0;
	for (int64_t day = p->day_from; rc >= 0 && day <= p->day_to;) {
		int y, m, d;
		civil_from_days(day, &y, &m, &d);
		int64_t first = day - (d - 1), last = days_from_civil(m == 12 ? y + 1 : y, m % 12 + 1, 1) - 1;
		int64_t end = last < p->day_to ? last : p->day_to;
		if (day == first && end == last) {
			if (mask && y != year) {
				rc = people_of_months(db, s, year, mask, &p->seen);
				mask = 0;
			}
			year = y;
			mask |= 1 << (m - 1);
		} else {
			rc = collect_ids(db_query(db, SQL_REPORT_AGG_PERSON_DAYS, "iiii", s->structure_id, agg_key(s), day,
						  end),
					 &p->seen);
		}
		day = end + 1;
	}
	if (rc >= 0 && mask)
		rc = people_of_months(db, s, year, mask, &p->seen);
	return rc;
}

/* Person figures, once per person seen in each period: one pass over the
 * structure's persons serves both periods. */
static int count_people(struct db *db, int64_t structure_id, struct period periods[2], struct activity_report *r)
{
	if (!periods[0].seen.n && !periods[1].seen.n)
		return 0;
	struct row_cache *cache = malloc(4 * sizeof *cache);
	struct db_stmt *st = cache ? db_query(db, SQL_REPORT_PERSONS, "i", structure_id) : NULL;
	if (!st) {
		free(cache);
		return -1;
	}
	for (int i = 0; i < 4; i++)
		row_cache_init(&cache[i]);
	int at[2][3]; /* the day each period's ages are computed on: its last */
	for (int k = 0; k < 2; k++)
		civil_from_days(periods[k].t_to / 86400, &at[k][0], &at[k][1], &at[k][2]);
	int rc;
	while ((rc = db_step(st)) == 1) {
		int64_t id = db_col_int(st, 0);
		int in[2] = {idset_has(&periods[0].seen, id), idset_has(&periods[1].seen, id)};
		if (!in[0] && !in[1])
			continue;
		int y, m, d;
		if (date_parse(db_col_text(st, 1), &y, &m, &d) < 0)
			y = -1;
		const char *sex = sex_label(db_col_text(st, 2));
		const char *commune = commune_label(db_col_text(st, 3));
		const char *household = household_label(db_col_text(st, 5));
		int64_t created = db_col_int(st, 4);
		for (int k = 0; k < 2; k++) {
			const struct period *p = &periods[k];
			if (!in[k])
				continue;
			*(p->prev ? &r->people_prev : &r->people) += 1;
			if (created >= p->t_from && created < p->t_to)
				*(p->prev ? &r->new_people_prev : &r->new_people) += 1;
			const char *band = age_band(y, m, d, at[k][0], at[k][1], at[k][2]);
			bump_cached(&cache[0], &r->tables[RT_AGE], band, band, p->prev);
			bump_cached(&cache[1], &r->tables[RT_SEX], sex, sex, p->prev);
			bump_cached(&cache[2], &r->tables[RT_COMMUNE], commune, commune, p->prev);
			bump_cached(&cache[3], &r->tables[RT_HOUSEHOLD], household, household, p->prev);
		}
	}
	db_done(st);
	free(cache);
	return rc;
}

/* Orientations proposed in the period: by need, by partner type, and
 * where they stand now. */
struct orient_bump {
	struct activity_report *r;
	int prev;
};

static void bump_orientation(void *arg, const char *theme, const char *partner_type, const char *status, int64_t n)
{
	struct orient_bump *b = arg;
	bump(&b->r->tables[RT_ORIENT_THEME], theme, orientation_theme_label(theme), b->prev, n);
	bump(&b->r->tables[RT_ORIENT_PARTNER], partner_type, orientation_partner_label(partner_type), b->prev, n);
	bump(&b->r->tables[RT_ORIENT_OUTCOME], status, choice_label(orientation_statuses, status), b->prev, n);
}

/* The figures of démarches, mandates and aid requests for one period:
 * small tables, so GROUP BY queries rather than a scan. For a worker, each
 * query keeps the rows of their own work (see report_whose): the structure
 * index still narrows to the period, the worker is one more filter. */
static int report_procedures(struct db *db, const struct report_scope *s, const char *from, const char *to,
			     int64_t t_from, int64_t t_to, int prev, struct activity_report *r)
{
	int64_t structure_id = s->structure_id, worker = s->worker_id;
	struct label_list *orgs = malloc(sizeof *orgs);
	if (!orgs || organisms_load(db, structure_id, orgs) < 0) {
		free(orgs);
		return -1;
	}
	int64_t total = 0, in_place = 0, mandates = 0, acts = 0, aids = 0, granted = 0;
	struct db_stmt *st = db_query(db, SQL_REPORT_PROCEDURES, "issi", structure_id, from, to, worker);
	int rc = st ? 1 : -1;
	while (st && (rc = db_step(st)) == 1) {
		const char *way = db_col_text(st, 0), *org = db_col_text(st, 1);
		int64_t n = db_col_int(st, 2);
		total += n;
		if (strcmp(way, "a_la_place") == 0)
			in_place += n;
		bump(&r->tables[RT_PROC_WAY], way, choice_label(procedure_ways, way), prev, n);
		bump(&r->tables[RT_PROC_ORGANISM], org, label_of(orgs, org), prev, n);
	}
	db_done(st);
	free(orgs);
	if (rc >= 0)
		rc = db_get_int(db, SQL_REPORT_MANDATES, &mandates, "issiii", structure_id, from, to, t_from, t_to,
				worker);
	if (rc >= 0)
		rc = db_get_int(db, SQL_REPORT_ACTS, &acts, "issiii", structure_id, from, to, t_from, t_to, worker);
	st = rc >= 0 ? db_query(db, SQL_REPORT_AIDS, "issiii", structure_id, from, to, t_from, t_to, worker) : NULL;
	if (rc >= 0 && !st)
		rc = -1;
	while (st && (rc = db_step(st)) == 1) {
		const char *kind = db_col_text(st, 0), *status = db_col_text(st, 1);
		int64_t n = db_col_int(st, 2);
		aids += n;
		granted += db_col_int(st, 4);
		bump(&r->tables[RT_AID_KIND], kind, choice_label(aid_kinds, kind), prev, n);
		bump(&r->tables[RT_AID_DECISION], status, choice_label(aid_statuses, status), prev, n);
		if (db_col_int(st, 4) > 0) /* in cents: made euros once every row is summed */
			bump(&r->tables[RT_AID_AMOUNT], kind, choice_label(aid_kinds, kind), prev, db_col_int(st, 4));
	}
	db_done(st);
	if (rc < 0)
		return -1;
	/* Autonomy: the latest level of each person diagnosed in the period,
	 * and who rose since their first diagnostic. */
	struct diagnostic_stats ds;
	struct buf err = BUF_INIT;
	rc = diagnostic_stats(db, structure_id, worker, from, to, &ds, &err);
	buf_free(&err);
	if (rc < 0)
		return -1;
	for (int level = 1; level <= 4; level++)
		if (ds.by_level[level]) {
			char key[2] = {(char)('0' + level), '\0'};
			bump(&r->tables[RT_AUTONOMY], key, diagnostic_level_label(level), prev, ds.by_level[level]);
		}
	struct orient_bump ob = {r, prev};
	if (orientation_stats(db, structure_id, worker, t_from, t_to, bump_orientation, &ob) < 0)
		return -1;
	*(prev ? &r->diagnosed_prev : &r->diagnosed) = ds.people;
	*(prev ? &r->progressed_prev : &r->progressed) = ds.rose;
	*(prev ? &r->procedures_prev : &r->procedures) = total;
	*(prev ? &r->in_place_prev : &r->in_place) = in_place;
	*(prev ? &r->mandates_prev : &r->mandates) = mandates;
	*(prev ? &r->acts_prev : &r->acts) = acts;
	*(prev ? &r->aids_prev : &r->aids) = aids;
	*(prev ? &r->aid_granted_prev : &r->aid_granted) = granted;
	return 0;
}

/* Appointments held in the period: each person expected counts once,
 * with what happened. They record their site, so a site's report has
 * them too. */
static int report_appointments(struct db *db, const struct report_scope *s, const char *from, const char *to,
			       int64_t t_from, int64_t t_to, int prev, struct activity_report *r)
{
	int64_t expected = 0, missed = 0;
	struct db_stmt *st = db_query(db, SQL_REPORT_APPOINTMENTS, "issiiii", s->structure_id, from, to, t_from, t_to,
				      s->worker_id, s->site_id);
	int rc = st ? 1 : -1;
	while (st && (rc = db_step(st)) == 1) {
		const char *outcome = db_col_text(st, 0);
		int64_t n = db_col_int(st, 1);
		expected += n;
		if (strcmp(outcome, "manque") == 0)
			missed += n;
		bump(&r->tables[RT_APPOINTMENTS], outcome[0] ? outcome : "inconnu",
		     outcome[0] ? choice_label(appointment_outcomes, outcome) : "Non renseigné", prev, n);
	}
	db_done(st);
	*(prev ? &r->expected_prev : &r->expected) = expected;
	*(prev ? &r->missed_prev : &r->missed) = missed;
	return rc < 0 ? -1 : 0;
}

/* 1 when the day after `day` is the first of a month. */
static int ends_a_month(int64_t day)
{
	int y, m, d;
	civil_from_days(day + 1, &y, &m, &d);
	return d == 1;
}

/* The year when the days are exactly one calendar year, else 0. */
static int whole_year(int64_t day_from, int64_t day_to)
{
	int y1, m1, d1, y2, m2, d2;
	civil_from_days(day_from, &y1, &m1, &d1);
	civil_from_days(day_to, &y2, &m2, &d2);
	return y1 == y2 && m1 == 1 && d1 == 1 && m2 == 12 && d2 == 31 ? y1 : 0;
}

/* A worker's report counts their own work only, so that, people apart,
 * the workers' figures add up to the structure's (each row has one author):
 * - people seen, entries, time, kinds, media, themes: the journal entries
 *   the worker wrote (author_id);
 * - démarches opened in the period: those the worker created (created_by);
 * - mandates in force: those the worker recorded (created_by); acts under
 *   mandate: those the worker did (user_id);
 * - aid requests made in the period: those the worker created;
 * - digital autonomy: the people whose latest diagnostic, done in the
 *   period, the worker did (the progress compares it with the person's
 *   first, whoever did that one);
 * - appointments: those held by the worker (worker_id), whoever booked
 *   them;
 * - orientations proposed in the period: those the worker created.
 * The same definitions, for the reader, under each table.
 *
 * A site's report counts what records a site: the entries written there
 * and the appointments held there. The other sections stay empty, and say
 * why, rather than show the structure's figures under the site's name. */
static void report_site_whose(struct activity_report *r)
{
	static const char NO_SITE[] = "Ces chiffres ne sont pas rattachés à un lieu" NB ": voir le rapport de la "
				      "structure.";
	static const char ENTRIES[] = "Échanges notés dans le journal avec ce lieu.";
	static const char PEOPLE[] = "Personnes concernées par au moins un échange noté avec ce lieu.";
	for (int t = 0; t < RT_COUNT; t++)
		r->tables[t].whose = NO_SITE;
	r->tables[RT_KIND].whose = r->tables[RT_MEDIUM].whose = ENTRIES;
	r->tables[RT_THEME].whose = "Thèmes des échanges notés dans le journal avec ce lieu.";
	r->tables[RT_AGE].whose = r->tables[RT_SEX].whose = r->tables[RT_COMMUNE].whose = PEOPLE;
	r->tables[RT_HOUSEHOLD].whose = PEOPLE;
	r->tables[RT_APPOINTMENTS].whose = "Rendez-vous fixés dans ce lieu.";
	r->whose = "Chiffres du lieu" NB ": échanges notés dans le journal avec ce lieu" NB "; rendez-vous fixés "
		   "dans ce lieu. Les démarches, mandats, actes, aides, diagnostics et orientations ne sont pas "
		   "rattachés à un lieu" NB ": voir le rapport de la structure.";
}

static void report_whose(struct activity_report *r)
{
	static const char *const whose[RT_COUNT] = {
		[RT_KIND] = "Échanges que le professionnel a notés dans le journal.",
		[RT_MEDIUM] = "Échanges que le professionnel a notés dans le journal.",
		[RT_THEME] = "Thèmes des échanges que le professionnel a notés dans le journal.",
		[RT_AGE] = "Personnes concernées par au moins un échange que le professionnel a noté.",
		[RT_SEX] = "Personnes concernées par au moins un échange que le professionnel a noté.",
		[RT_COMMUNE] = "Personnes concernées par au moins un échange que le professionnel a noté.",
		[RT_HOUSEHOLD] = "Personnes concernées par au moins un échange que le professionnel a noté.",
		[RT_PROC_WAY] = "Démarches ouvertes dans la période que le professionnel a enregistrées.",
		[RT_PROC_ORGANISM] = "Démarches ouvertes dans la période que le professionnel a enregistrées.",
		[RT_AID_KIND] = "Demandes d'aide que le professionnel a enregistrées dans la période.",
		[RT_AID_DECISION] = "Demandes d'aide que le professionnel a enregistrées dans la période.",
		[RT_AID_AMOUNT] = "Demandes d'aide que le professionnel a enregistrées dans la période.",
		[RT_AUTONOMY] = "Personnes dont le dernier diagnostic, fait dans la période, "
				"l'a été par le professionnel.",
		[RT_APPOINTMENTS] = "Rendez-vous de l'agenda du professionnel, même pris par un collègue.",
		[RT_ORIENT_THEME] = "Orientations que le professionnel a proposées dans la période.",
		[RT_ORIENT_PARTNER] = "Orientations que le professionnel a proposées dans la période.",
		[RT_ORIENT_OUTCOME] = "Orientations que le professionnel a proposées dans la période.",
	};
	for (int t = 0; t < RT_COUNT; t++)
		r->tables[t].whose = whose[t];
	r->whose = "Chiffres du travail du professionnel" NB ": échanges qu'il a notés" NB "; démarches, mandats "
		   "et demandes d'aide qu'il a enregistrés" NB "; actes qu'il a faits sous mandat" NB "; personnes "
		   "dont il a fait le dernier diagnostic" NB "; rendez-vous de son agenda.";
}

static int cmp_rows(const void *a, const void *b)
{
	const struct report_row *x = a, *y = b;
	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	if (x->prev != y->prev)
		return x->prev < y->prev ? 1 : -1;
	return strcmp(x->label, y->label);
}

/* Local midnight (Paris) of a civil date, as Unix time. */
static int64_t local_midnight(int64_t day)
{
	int64_t t = day * 86400;
	return t - clock_paris_offset(t);
}

int report_compute(struct db *db, const struct report_scope *scope, const char *from, const char *to,
		   enum report_method how, struct activity_report *r, struct buf *err)
{
	int64_t structure_id = scope->structure_id;
	memset(r, 0, sizeof *r);
	int y1, m1, d1, y2, m2, d2;
	if (!from || date_parse(from, &y1, &m1, &d1) < 0 || !to || date_parse(to, &y2, &m2, &d2) < 0) {
		buf_puts(err, "Période invalide : indiquez deux dates au format JJ/MM/AAAA.");
		return -1;
	}
	int64_t day_from = days_from_civil(y1, m1, d1), day_to = days_from_civil(y2, m2, d2);
	if (day_to < day_from) {
		buf_puts(err, "La fin de la période précède son début.");
		return -1;
	}
	if (day_to - day_from > 3 * 366) {
		buf_puts(err, "La période est limitée à trois ans.");
		return -1;
	}
	/* The previous period: as many whole months before when the period is
	 * whole months (2025 for 2026, the previous quarter, February for
	 * March), else as many days before. */
	int64_t prev_from = day_from - (day_to - day_from + 1);
	if (d1 == 1 && ends_a_month(day_to)) {
		int months = (y2 - y1) * 12 + (m2 - m1) + 1;
		int mi = y1 * 12 + (m1 - 1) - months;
		prev_from = days_from_civil(mi / 12, mi % 12 + 1, 1);
	}
	snprintf(r->from, sizeof r->from, "%04d-%02d-%02d", y1, m1, d1);
	snprintf(r->to, sizeof r->to, "%04d-%02d-%02d", y2, m2, d2);
	int y, m, d;
	civil_from_days(prev_from, &y, &m, &d);
	snprintf(r->prev_from, sizeof r->prev_from, "%04d-%02d-%02d", y, m, d);
	civil_from_days(day_from - 1, &y, &m, &d);
	snprintf(r->prev_to, sizeof r->prev_to, "%04d-%02d-%02d", y, m, d);
	static const char *const titles[RT_COUNT][2] = {
		{"Échanges par nature", "échanges"}, {"Échanges par moyen", "échanges"},
		{"Échanges par thème", "mentions"},  {"Personnes par âge", "personnes"},
		{"Personnes par sexe", "personnes"}, {"Personnes par commune", "personnes"},
		{"Personnes par composition du foyer", "personnes"},
		{"Démarches ouvertes, selon qui les fait", "démarches"},
		{"Démarches ouvertes par organisme", "démarches"},
		{"Demandes d'aide financière par nature", "demandes"},
		{"Demandes d'aide financière par décision", "demandes"},
		{"Aides accordées par nature", "euros"},
		{"Personnes par niveau d'autonomie numérique (dernier diagnostic)", "personnes"},
		{"Rendez-vous passés : présence des personnes attendues", "personnes attendues"},
		{"Orientations proposées, par besoin", "orientations"},
		{"Orientations proposées, par type de partenaire", "orientations"},
		{"Orientations proposées : où elles en sont", "orientations"},
	};
	for (int t = 0; t < RT_COUNT; t++) {
		r->tables[t].title = titles[t][0];
		r->tables[t].unit = titles[t][1];
	}
	if (scope->worker_id && scope->site_id) {
		buf_puts(err, "Choisissez un lieu ou un professionnel, pas les deux.");
		return -1;
	}
	if (scope->site_id) {
		int found = report_site_name(db, structure_id, scope->site_id, r->site, sizeof r->site);
		if (found <= 0) {
			if (found < 0)
				buf_appendf(err, "Erreur de la base de données : %s", db_errmsg(db));
			else
				buf_puts(err, "Ce lieu n'existe pas dans la structure.");
			return -1;
		}
		report_site_whose(r);
	}
	if (scope->worker_id)
		report_whose(r);
	struct period periods[2] = {
		{day_from, day_to, local_midnight(day_from), local_midnight(day_to + 1), 0, 0, {0}},
		{prev_from, day_from - 1, local_midnight(prev_from), local_midnight(day_from), 1, 0, {0}},
	};
	for (int k = 0; k < 2 && how == REPORT_AGGREGATES; k++)
		periods[k].year = whole_year(periods[k].day_from, periods[k].day_to);
	struct theme_list *themes = malloc(sizeof *themes);
	int rc = themes ? themes_load(db, structure_id, themes) : -1;
	for (int k = 0; k < 2 && rc >= 0; k++)
		rc = how == REPORT_RECOUNT ? recount_entries(db, scope, &periods[k], r, themes)
					   : aggregate_entries(db, scope, &periods[k], r, themes);
	free(themes);
	if (rc >= 0)
		rc = count_people(db, structure_id, periods, r);
	free(periods[0].seen.bits);
	free(periods[1].seen.bits);
	/* A site: no démarches, mandates, aid, diagnostics or orientations (see
	 * report_site_whose). */
	if (rc >= 0 && !scope->site_id)
		rc = report_procedures(db, scope, r->from, r->to, local_midnight(day_from), local_midnight(day_to + 1), 0, r);
	if (rc >= 0 && !scope->site_id)
		rc = report_procedures(db, scope, r->prev_from, r->prev_to, local_midnight(prev_from),
				       local_midnight(day_from), 1, r);
	if (rc >= 0)
		rc = report_appointments(db, scope, r->from, r->to, local_midnight(day_from), local_midnight(day_to + 1),
					 0, r);
	if (rc >= 0)
		rc = report_appointments(db, scope, r->prev_from, r->prev_to, local_midnight(prev_from),
					 local_midnight(day_from), 1, r);
	if (rc < 0) {
		buf_appendf(err, "Erreur de la base de données : %s", db_errmsg(db));
		return -1;
	}
	for (int i = 0; i < r->tables[RT_AID_AMOUNT].nrows; i++) {
		struct report_row *row = &r->tables[RT_AID_AMOUNT].rows[i];
		row->n /= 100; /* whole euros, as the total */
		row->prev /= 100;
	}
	for (int t = 0; t < RT_COUNT; t++)
		qsort(r->tables[t].rows, (size_t)r->tables[t].nrows, sizeof r->tables[t].rows[0], cmp_rows);
	return 0;
}

int report_site_name(struct db *db, int64_t structure_id, int64_t site_id, char *name, size_t size)
{
	struct db_stmt *st = db_query(db, SQL_REPORT_SITE_NAME, "ii", site_id, structure_id);
	int rc = st ? db_step(st) : DB_ERR;
	if (rc == 1)
		cstr_copy(name, size, db_col_text(st, 0));
	db_done(st);
	return rc;
}

int report_sites(struct db *db, int64_t structure_id, void (*fn)(void *arg, int64_t id, const char *name), void *arg)
{
	struct db_stmt *st = db_query(db, SQL_REPORT_SITES, "i", structure_id);
	if (!st)
		return DB_ERR;
	int rc;
	while ((rc = db_step(st)) == 1)
		fn(arg, db_col_int(st, 0), db_col_text(st, 1));
	db_done(st);
	return rc < 0 ? rc : 0;
}

int report_barometer(struct db *db, int64_t structure_id, int64_t worker_id,
		     struct barometer_month out[BAROMETER_MONTHS])
{
	static const char *const MONTHS[] = {"janvier", "février", "mars",      "avril",   "mai",      "juin",
					     "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};
	int64_t now = clock_now();
	int y, m, d;
	civil_from_days((now + clock_paris_offset(now)) / 86400, &y, &m, &d);
	memset(out, 0, BAROMETER_MONTHS * sizeof *out);
	for (int k = 0; k < BAROMETER_MONTHS; k++) {
		struct barometer_month *b = &out[k];
		/* The k-th month, counted back from the current one. */
		int mi = y * 12 + (m - 1) - (BAROMETER_MONTHS - 1 - k);
		int my = mi / 12, mm = mi % 12 + 1;
		int ny = (mi + 1) / 12, nm = (mi + 1) % 12 + 1;
		snprintf(b->label, sizeof b->label, "%s %d", MONTHS[mm - 1], my);
		char first[24], last[24];
		snprintf(first, sizeof first, "%04d-%02d-01", my, mm);
		int ly, lm, ld;
		civil_from_days(days_from_civil(ny, nm, 1) - 1, &ly, &lm, &ld);
		snprintf(last, sizeof last, "%04d-%02d-%02d", ly, lm, ld);
		int64_t t0 = local_midnight(days_from_civil(my, mm, 1)), t1 = local_midnight(days_from_civil(ny, nm, 1));
		struct db_stmt *st = db_query(db, SQL_BAROMETER_ENTRIES, "iiii", structure_id, worker_id, t0, t1);
		if (!st || db_step(st) < 0) {
			db_done(st);
			return -1;
		}
		b->minutes_people = db_col_int(st, 0);
		b->minutes_admin = db_col_int(st, 1);
		b->persons_seen = db_col_int(st, 2);
		b->persons_oriented = db_col_int(st, 3);
		db_done(st);
		st = db_query(db, SQL_BAROMETER_PROCEDURES, "iiss", structure_id, worker_id, first, last);
		int rc = st ? 1 : -1;
		while (st && (rc = db_step(st)) == 1) {
			const char *way = db_col_text(st, 0);
			int64_t n = db_col_int(st, 1);
			*(strcmp(way, "seul") == 0 ? &b->proc_alone : strcmp(way, "avec") == 0 ? &b->proc_with
											       : &b->proc_in_place) += n;
		}
		db_done(st);
		if (rc < 0 || db_get_int(db, SQL_BAROMETER_AUTONOMY, &b->autonomy_gains, "iiss", structure_id, worker_id,
					 first, last) < 0)
			return -1;
	}
	return 0;
}

int report_totals(const struct activity_report *r, struct report_total out[REPORT_TOTALS])
{
	const struct report_total t[] = {
		{"Personnes reçues", r->people, r->people_prev},
		{"dont nouvelles personnes", r->new_people, r->new_people_prev},
		{"dont personnes déjà suivies avant la période", r->people - r->new_people,
		 r->people_prev - r->new_people_prev},
		{"Échanges notés", r->entries, r->entries_prev},
		{"Temps passé avec ou pour les personnes (minutes)", r->minutes, r->minutes_prev},
		{"Temps moyen par échange (minutes)", r->entries ? (r->minutes + r->entries / 2) / r->entries : 0,
		 r->entries_prev ? (r->minutes_prev + r->entries_prev / 2) / r->entries_prev : 0},
		{"Démarches ouvertes", r->procedures, r->procedures_prev},
		{"dont faites à la place de la personne", r->in_place, r->in_place_prev},
		{"Mandats en vigueur", r->mandates, r->mandates_prev},
		{"Actes faits sous mandat", r->acts, r->acts_prev},
		{"Demandes d'aide financière", r->aids, r->aids_prev},
		{"Aides accordées (euros)", r->aid_granted / 100, r->aid_granted_prev / 100},
		{"Personnes ayant fait le diagnostic numérique", r->diagnosed, r->diagnosed_prev},
		{"dont le niveau a progressé depuis le premier", r->progressed, r->progressed_prev},
		{"Personnes attendues à un rendez-vous", r->expected, r->expected_prev},
		{"dont absentes sans prévenir", r->missed, r->missed_prev},
		{"Taux d'absence sans prévenir (%)", r->expected ? (r->missed * 100 + r->expected / 2) / r->expected : 0,
		 r->expected_prev ? (r->missed_prev * 100 + r->expected_prev / 2) / r->expected_prev : 0},
	};
	_Static_assert(sizeof t / sizeof t[0] == REPORT_TOTALS, "REPORT_TOTALS");
	memcpy(out, t, sizeof t);
	return REPORT_TOTALS;
}

void report_masked(int64_t n, int threshold, char *out, size_t size)
{
	if (n > 0 && n < threshold)
		snprintf(out, size, "< %d", threshold);
	else
		snprintf(out, size, "%lld", (long long)n);
}

/* A cell that a spreadsheet would read as a formula gets a leading quote. */
/* Every figure of the report in order, masked for leaving the structure:
 * the totals, then each table; the exports below differ only in form. */
struct report_sink {
	void (*table)(void *arg, const char *title, const char *unit);
	void (*row)(void *arg, const char *table, const char *label, const char *n, const char *prev);
	void *arg;
};

static void report_walk(const struct activity_report *r, int t, const struct report_sink *k)
{
	char a[32], b[32];
	struct report_total totals[REPORT_TOTALS];
	int ntotals = report_totals(r, totals);
	k->table(k->arg, "Totaux", "");
	for (int i = 0; i < ntotals; i++) {
		report_masked(totals[i].n, t, a, sizeof a);
		report_masked(totals[i].prev, t, b, sizeof b);
		k->row(k->arg, "Totaux", totals[i].label, a, b);
	}
	for (int j = 0; j < RT_COUNT; j++) {
		if (!r->tables[j].nrows)
			continue;
		k->table(k->arg, r->tables[j].title, r->tables[j].unit);
		for (int i = 0; i < r->tables[j].nrows; i++) {
			const struct report_row *row = &r->tables[j].rows[i];
			report_masked(row->n, t, a, sizeof a);
			report_masked(row->prev, t, b, sizeof b);
			k->row(k->arg, r->tables[j].title, row->label, a, b);
		}
	}
}

/* The title every format starts with: a site's report names the site, so
 * that a file passed on is never read as the structure's. */
static void report_title(const struct activity_report *r, char *out, size_t size)
{
	if (r->site[0])
		snprintf(out, size, "Rapport d'activité – lieu" NB ": %s", r->site);
	else
		snprintf(out, size, "Rapport d'activité");
}

/* ---- CSV ---- */

static int csv_cell(struct buf *out, const char *s)
{
	int rc = buf_putc(out, '"');
	if (strchr("=+-@\t\r", s[0]) && s[0])
		rc |= buf_putc(out, '\'');
	for (; *s && rc == 0; s++)
		rc = *s == '"' ? buf_puts(out, "\"\"") : buf_putc(out, *s);
	return rc | buf_putc(out, '"');
}

struct csv_out {
	struct buf *out;
	int rc;
};

static void csv_table(void *arg, const char *title, const char *unit)
{
	(void)arg;
	(void)title;
	(void)unit;
}

static void csv_row(void *arg, const char *table, const char *label, const char *n, const char *prev)
{
	struct csv_out *c = arg;
	c->rc |= csv_cell(c->out, table);
	c->rc |= buf_putc(c->out, ';');
	c->rc |= csv_cell(c->out, label);
	c->rc |= buf_appendf(c->out, ";\"%s\";\"%s\"\r\n", n, prev);
}

int report_activity_csv(const struct activity_report *r, int t, int cp1252, struct buf *out)
{
	struct buf utf8 = BUF_INIT;
	struct csv_out c = {&utf8, 0};
	char title[200];
	report_title(r, title, sizeof title);
	c.rc |= csv_cell(&utf8, title);
	c.rc |= buf_appendf(&utf8, ";\"du %s au %s\";\"période précédente : du %s au %s\"\r\n", r->from, r->to,
			    r->prev_from, r->prev_to);
	c.rc |= buf_puts(&utf8, "\"Tableau\";\"Ligne\";\"Période\";\"Période précédente\"\r\n");
	report_walk(r, t, &(struct report_sink){csv_table, csv_row, &c});
	/* UTF-8 with a byte-order mark (spreadsheets then read the accents
	 * right), or Windows-1252 for older ones. */
	if (cp1252)
		c.rc |= utf8_to_cp1252(utf8.data ? utf8.data : "", utf8.len, out) < 0;
	else
		c.rc |= buf_puts(out, "\xef\xbb\xbf") | buf_append(out, utf8.data ? utf8.data : "", utf8.len);
	buf_free(&utf8);
	return c.rc ? -1 : 0;
}

/* ---- XLSX ---- */

static void xlsx_table(void *arg, const char *title, const char *unit)
{
	struct xlsx *x = arg;
	char t[200];
	snprintf(t, sizeof t, "%s%s%s%s", title, unit[0] ? " (" : "", unit, unit[0] ? ")" : "");
	xlsx_blank(x);
	xlsx_header(x, (const char *const[]){t, "Période", "Période précédente"}, 3);
}

static void xlsx_line(void *arg, const char *table, const char *label, const char *n, const char *prev)
{
	(void)table;
	xlsx_row(arg, (const char *const[]){label, n, prev}, 3);
}

int report_activity_xlsx(const struct activity_report *r, int t, struct buf *out, struct buf *err)
{
	struct xlsx *x = xlsx_open("Rapport d'activité", err);
	if (!x)
		return -1;
	char line[200];
	report_title(r, line, sizeof line);
	xlsx_title(x, line);
	snprintf(line, sizeof line, "Du %s au %s ; période précédente du %s au %s.", r->from, r->to, r->prev_from,
		 r->prev_to);
	xlsx_note(x, line);
	snprintf(line, sizeof line, "Les effectifs de 1 à %d sont masqués (« < %d »).", t - 1, t);
	xlsx_note(x, line);
	report_walk(r, t, &(struct report_sink){xlsx_table, xlsx_line, x});
	return xlsx_close(x, out, err);
}

/* ---- PDF ---- */

struct pdf_out {
	struct pdf_section sections[RT_COUNT + 1];
	struct buf texts[RT_COUNT + 1];
	int n;
};

static void pdf_table(void *arg, const char *title, const char *unit)
{
	struct pdf_out *p = arg;
	if (p->n > RT_COUNT)
		return;
	p->sections[p->n].heading = title;
	p->n++;
	(void)unit;
}

static void pdf_line(void *arg, const char *table, const char *label, const char *n, const char *prev)
{
	struct pdf_out *p = arg;
	(void)table;
	struct buf *b = &p->texts[p->n - 1];
	buf_appendf(b, "%s%s : %s (période précédente : %s)", b->len ? "\n" : "", label, n, prev);
}

int report_activity_pdf(const struct activity_report *r, const char *structure, int t, struct buf *out)
{
	struct pdf_out *p = calloc(1, sizeof *p);
	if (!p)
		return -1;
	report_walk(r, t, &(struct report_sink){pdf_table, pdf_line, p});
	for (int i = 0; i < p->n; i++)
		p->sections[i].text = buf_cstr(&p->texts[i]);
	char title[260], period[120];
	snprintf(title, sizeof title, "Rapport d'activité du %s au %s%s%s", r->from, r->to,
		 r->site[0] ? " – lieu" NB ": " : "", r->site);
	snprintf(period, sizeof period, "Comparé à la période du %s au %s", r->prev_from, r->prev_to);
	struct pdf_doc doc = {
		.header_left = structure,
		.header_right = period,
		.title = title,
		.sections = p->sections,
		.nsections = p->n,
		.footer = "Chiffres calculés à partir du journal, des démarches, des mandats, des aides, des diagnostics "
			  "et des rendez-vous : personne ne les a saisis. Les effectifs de 1 à 4 sont masqués.",
	};
	int rc = pdf_render(&doc, out);
	for (int i = 0; i <= RT_COUNT; i++)
		buf_free(&p->texts[i]);
	free(p);
	return rc < 0 ? -1 : 0;
}
