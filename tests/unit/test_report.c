#include "unit.h"
#include "core/clock.h"
#include "domain/person.h"
#include "domain/report.h"
#include "domain/retention.h"

#include <stdlib.h>
#include <unistd.h>

/* ---- the activity report: aggregates kept by triggers against a recount ---- */

static const char T_STRUCTURE[] = "INSERT INTO structures(name, created_at) VALUES ($1, 0)";
static const char T_USER[] =
	"INSERT INTO users(structure_id, login, display_name, role, password_hash, created_at, updated_at) "
	"VALUES ($1, $2, 'U', 'travailleur_social', 'x', 0, 0)";
static const char T_PERSON[] =
	"INSERT INTO persons(structure_id, file_number, civilite, birth_name, first_names, birth_date, commune_name, "
	"info_date, info_method, search_name, last_contact_at, created_at, updated_at) "
	"VALUES ($1, $2, $3, 'N', 'P', $4, $5, '2024-01-01', 'paper', 'n p', 0, $6, 0)";
static const char T_ENTRY[] =
	"INSERT INTO journal_entries(structure_id, person_id, author_id, at, medium, kind, themes, duration_min, "
	"created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0)";

/* Unix time of a Paris wall-clock time. */
static int64_t paris(int y, int m, int d, int h, int mi)
{
	int64_t t = days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60;
	return t - clock_paris_offset(t - 3600);
}

static int same_report(const struct activity_report *a, const struct activity_report *b, const char *what)
{
	const int64_t *x = &a->people, *y = &b->people;
	/* The figures are consecutive int64_t from people to missed_prev. */
	size_t n = (size_t)(&a->missed_prev - &a->people) + 1;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i]) {
			fprintf(stderr, "    %s: figure %zu: %lld (aggregates) != %lld (recount)\n", what, i,
				(long long)x[i], (long long)y[i]);
			return 0;
		}
	for (int t = 0; t < RT_COUNT; t++) {
		const struct report_table *p = &a->tables[t], *q = &b->tables[t];
		int ok = p->nrows == q->nrows;
		for (int i = 0; ok && i < p->nrows; i++)
			ok = !strcmp(p->rows[i].key, q->rows[i].key) && p->rows[i].n == q->rows[i].n &&
			     p->rows[i].prev == q->rows[i].prev;
		if (!ok) {
			fprintf(stderr, "    %s: table « %s » differs\n", what, p->title);
			return 0;
		}
	}
	return 1;
}

/* Every period and scope, both ways. */
static int agree(struct db *db, const char *when)
{
	static const char *const periods[][2] = {
		{"2025-01-01", "2025-12-31"}, /* a calendar year */
		{"2025-03-15", "2025-11-02"}, /* edges inside months */
		{"2025-02-01", "2025-02-28"}, /* one month */
		{"2025-03-30", "2025-03-30"}, /* one day: summer time starts */
		{"2025-10-26", "2025-10-26"}, /* one day: summer time ends */
		{"2024-11-20", "2026-02-10"}, /* across three years */
		{"2024-12-01", "2025-05-31"}, /* whole months across two years */
	};
	static const int64_t workers[] = {0, 1, 2, 3};
	int ok = 1;
	for (size_t p = 0; p < sizeof periods / sizeof periods[0]; p++)
		for (size_t w = 0; w < sizeof workers / sizeof workers[0]; w++) {
			struct report_scope scope = {1, workers[w]};
			struct activity_report *a = malloc(sizeof *a), *b = malloc(sizeof *b);
			struct buf err = BUF_INIT;
			char what[160];
			snprintf(what, sizeof what, "%s, %s to %s, worker %lld", when, periods[p][0], periods[p][1],
				 (long long)workers[w]);
			if (!a || !b ||
			    report_compute(db, &scope, periods[p][0], periods[p][1], REPORT_AGGREGATES, a, &err) < 0 ||
			    report_compute(db, &scope, periods[p][0], periods[p][1], REPORT_RECOUNT, b, &err) < 0) {
				fprintf(stderr, "    %s: %s\n", what, buf_cstr(&err));
				ok = 0;
			} else if (!same_report(a, b, what)) {
				ok = 0;
			}
			buf_free(&err);
			free(a);
			free(b);
		}
	return ok;
}

/* A small generator of our own: the same sequence on every machine. */
static uint64_t seed = 0x2545f4914f6cdd1dULL;
static int64_t pick(int64_t n)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (int64_t)(seed % (uint64_t)n);
}

TEST(report_aggregates_known_figures)
{
	char path[64];
	struct db *db = unit_scratch_db(path, sizeof path);
	CHECK(db != NULL);
	if (!db)
		return;
	CHECK(db_exec(db, T_STRUCTURE, "s", "A") == 0 && db_exec(db, T_STRUCTURE, "s", "B") == 0);
	CHECK(db_exec(db, T_USER, "is", (int64_t)1, "w1") == 0 && db_exec(db, T_USER, "is", (int64_t)1, "w2") == 0 &&
	      db_exec(db, T_USER, "is", (int64_t)2, "w3") == 0);
	int64_t new_at = paris(2025, 3, 10, 12, 0);
	CHECK(db_exec(db, T_PERSON, "issssi", (int64_t)1, "1", "Mme", "1990-05-01", "Lyon", new_at) == 0);
	CHECK(db_exec(db, T_PERSON, "issssi", (int64_t)1, "2", "M.", "2010-01-01", "", (int64_t)0) == 0);
	CHECK(db_exec(db, T_PERSON, "issssi", (int64_t)2, "3", "M.", "1950-01-01", "Nice", (int64_t)0) == 0);
	/* Person 1: three entries in March (two the same day, one at 00:30 on
	 * the day summer time starts), one in April; person 2: one at 23:30 on
	 * 31 March, 21:30 UTC, still March in Paris. */
	CHECK(db_exec(db, T_ENTRY, "iiiisssi", (int64_t)1, (int64_t)1, (int64_t)1, paris(2025, 3, 10, 9, 0),
		      "telephone", "entretien", "numerique,sante", (int64_t)30) == 0);
	CHECK(db_exec(db, T_ENTRY, "iiiisssi", (int64_t)1, (int64_t)1, (int64_t)2, paris(2025, 3, 10, 15, 0),
		      "telephone", "accueil", "", (int64_t)10) == 0);
	CHECK(db_exec(db, T_ENTRY, "iiiisssi", (int64_t)1, (int64_t)1, (int64_t)1, paris(2025, 3, 30, 0, 30),
		      "courriel", "entretien", "numerique", (int64_t)5) == 0);
	CHECK(db_exec(db, T_ENTRY, "iiiisssi", (int64_t)1, (int64_t)1, (int64_t)1, paris(2025, 4, 2, 10, 0),
		      "telephone", "entretien", "", (int64_t)20) == 0);
	CHECK(db_exec(db, T_ENTRY, "iiiisssi", (int64_t)1, (int64_t)2, (int64_t)2, paris(2025, 3, 31, 23, 30),
		      "telephone", "demarche", "logement", (int64_t)45) == 0);
	/* Another structure's entry never counts. */
	CHECK(db_exec(db, T_ENTRY, "iiiisssi", (int64_t)2, (int64_t)3, (int64_t)3, paris(2025, 3, 12, 10, 0),
		      "telephone", "entretien", "", (int64_t)60) == 0);
	struct report_scope all = {1, 0}, w2 = {1, 2};
	struct activity_report *r = malloc(sizeof *r);
	struct buf err = BUF_INIT;
	CHECK(r && report_compute(db, &all, "01/03/2025", "31/03/2025", REPORT_AGGREGATES, r, &err) == 0);
	if (r) {
		CHECK(r->people == 2 && r->new_people == 1 && r->entries == 4 && r->minutes == 90);
		CHECK(r->people_prev == 0 && r->entries_prev == 0);
		/* Themes are mentions: "numerique" twice. */
		const struct report_table *t = &r->tables[RT_THEME];
		CHECK(t->nrows == 3 && !strcmp(t->rows[0].key, "numerique") && t->rows[0].n == 2);
		CHECK(r->tables[RT_KIND].rows[0].n == 2); /* entretien */
	}
	/* One day, the day summer time starts: the entry at 00:30 Paris. */
	CHECK(r && report_compute(db, &all, "30/03/2025", "30/03/2025", REPORT_AGGREGATES, r, &err) == 0);
	if (r)
		CHECK(r->people == 1 && r->entries == 1 && r->minutes == 5);
	/* A worker's figures: worker 2 saw both people in March. */
	CHECK(r && report_compute(db, &w2, "2025-03-01", "2025-03-31", REPORT_AGGREGATES, r, &err) == 0);
	if (r)
		CHECK(r->people == 2 && r->entries == 2 && r->minutes == 55 && r->procedures == 0);
	/* April, with March as the previous period (edges inside months). */
	CHECK(r && report_compute(db, &all, "2025-04-01", "2025-04-30", REPORT_AGGREGATES, r, &err) == 0);
	if (r)
		CHECK(r->people == 1 && r->entries == 1 && r->people_prev == 2 && r->entries_prev == 4);
	CHECK(agree(db, "known data set"));
	free(r);
	buf_free(&err);
	unit_drop_db(db, path);
}

TEST(report_aggregates_agree_with_recount)
{
	char path[64];
	struct db *db = unit_scratch_db(path, sizeof path);
	CHECK(db != NULL);
	if (!db)
		return;
	enum { PERSONS = 40, ROUNDS = 1500 };
	static const char *const kinds[] = {"accueil", "entretien", "demarche", "orientation", "tache_administrative"};
	static const char *const media[] = {"telephone", "courriel", "visite_planifiee", "visite_domicile"};
	static const char *const themes[] = {"", "numerique", "sante", "numerique,sante", "logement,numerique",
					     "emploi"};
	static const char *const civ[] = {"Mme", "M.", ""};
	static const char *const communes[] = {"Lyon", "Villeurbanne", "", "Vénissieux"};
	CHECK(db_exec(db, T_STRUCTURE, "s", "A") == 0 && db_exec(db, T_STRUCTURE, "s", "B") == 0);
	for (int u = 1; u <= 3; u++) {
		char login[16];
		snprintf(login, sizeof login, "w%d", u);
		CHECK(db_exec(db, T_USER, "is", (int64_t)(u == 3 ? 2 : 1), login) == 0);
	}
	/* Worker 3 belongs to structure B; B's people and entries must never show. */
	int64_t t0 = paris(2024, 10, 1, 0, 0), t1 = paris(2026, 4, 1, 0, 0);
	for (int p = 1; p <= PERSONS; p++) {
		char number[16], birth[40];
		snprintf(number, sizeof number, "%d", p);
		snprintf(birth, sizeof birth, "%d-0%d-1%d", 1940 + (int)pick(80), 1 + (int)pick(9), (int)pick(9));
		CHECK(db_exec(db, T_PERSON, "issssi", (int64_t)(p % 10 == 0 ? 2 : 1), number, civ[pick(3)], birth,
			      communes[pick(4)], t0 + pick(t1 - t0)) == 0);
	}
	struct actor head = {.user_id = 1, .structure_id = 1, .role = ROLE_RESPONSABLE, .ip = "test"};
	int64_t entries = 0;
	for (int i = 0; i < ROUNDS; i++) {
		int64_t op = pick(100), id = entries ? 1 + pick(entries) : 0;
		/* Often near a Paris midnight or a change of summer time. */
		int64_t at = pick(3) ? t0 + pick(t1 - t0) : paris(2025, 3 + 7 * (int)pick(2), 25 + (int)pick(7), 0, 0) +
								   pick(4 * 3600) - 2 * 3600;
		if (op < 60 || !entries) {
			int64_t p = 1 + pick(PERSONS), s = p % 10 == 0 ? 2 : 1;
			CHECK(db_exec(db, T_ENTRY, "iiiisssi", s, p, s == 2 ? (int64_t)3 : 1 + pick(2), at,
				      media[pick(4)], kinds[pick(5)], themes[pick(6)], pick(90)) == 0);
			entries = db_last_id(db);
		} else if (op < 68) {
			CHECK(db_exec(db, "UPDATE journal_entries SET at = $2 WHERE id = $1", "ii", id, at) == 0);
		} else if (op < 74) {
			CHECK(db_exec(db, "UPDATE journal_entries SET kind = $2, medium = $3 WHERE id = $1", "iss", id,
				      kinds[pick(5)], media[pick(4)]) == 0);
		} else if (op < 79) {
			CHECK(db_exec(db, "UPDATE journal_entries SET themes = $2, duration_min = $3 WHERE id = $1", "isi",
				      id, themes[pick(6)], pick(120)) == 0);
		} else if (op < 83) {
			/* Another person and author of the same structure. */
			int64_t p = 1 + pick(PERSONS);
			if (p % 10)
				CHECK(db_exec(db, "UPDATE journal_entries SET person_id = $2, author_id = $3 "
						  "WHERE id = $1 AND structure_id = 1",
					      "iii", id, p, 1 + pick(2)) == 0);
		} else if (op < 86) {
			CHECK(db_exec(db, "UPDATE journal_entries SET summary = 'texte' WHERE id = $1", "i", id) == 0);
		} else {
			CHECK(db_exec(db, "DELETE FROM journal_entries WHERE id = $1", "i", id) == 0);
		}
		if (i == ROUNDS / 3)
			CHECK(agree(db, "after inserts, edits and deletions"));
	}
	/* A merge moves every entry of the duplicate to the file kept; an
	 * anonymisation changes the birth date (the age bands) and blanks the
	 * entries' text. */
	struct buf err = BUF_INIT;
	CHECK(person_merge(db, &head, 1, "2", &err) == 0);
	CHECK(person_merge(db, &head, 5, "7", &err) == 0);
	if (err.len)
		fprintf(stderr, "    %s\n", buf_cstr(&err));
	buf_free(&err);
	CHECK(person_anonymise(db, &head, 3) == 0);
	CHECK(person_anonymise(db, &head, 11) == 0);
	CHECK(agree(db, "after merges and anonymisations"));
	/* A time change of a whole batch, as a correction would do. */
	CHECK(db_exec(db, "UPDATE journal_entries SET at = at + 86400 * 31 WHERE id % 7 = 0", "") == 0);
	CHECK(agree(db, "after a batch update"));
	/* Nothing is left behind once every entry is gone: no zero rows. */
	CHECK(db_exec(db, "DELETE FROM journal_entries", "") == 0);
	static const char *const tables[] = {
		"SELECT count(*) FROM report_days",         "SELECT count(*) FROM report_day_themes",
		"SELECT count(*) FROM report_person_days",  "SELECT count(*) FROM report_person_months",
		"SELECT count(*) FROM report_person_years",
	};
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		int64_t n = -1;
		CHECK(db_get_int(db, tables[i], &n, "") == 1 && n == 0);
	}
	unit_drop_db(db, path);
}
