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
/* The same with a site ($9, 0 for none). */
static const char T_ENTRY_SITE[] =
	"INSERT INTO journal_entries(structure_id, person_id, author_id, at, medium, kind, themes, duration_min, "
	"created_at, site_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9)";
static const char T_SITE[] = "INSERT INTO sites(structure_id, name) VALUES ($1, $2)";
static const char T_SITES_OF_A[] = "SELECT id FROM sites WHERE structure_id = 1 ORDER BY id";

/* A row's figure for the period (or the previous one); 0 when absent. */
static int64_t row_n(const struct report_table *t, const char *key, int prev)
{
	for (int i = 0; i < t->nrows; i++)
		if (!strcmp(t->rows[i].key, key))
			return prev ? t->rows[i].prev : t->rows[i].n;
	return 0;
}

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

/* Every period and scope, both ways: the structure, each worker, and each
 * site of structure 1 (its aggregates under author_id = -site_id). */
static int agree(struct db *db, const char *when)
{
	enum { SITES = 4 };
	int64_t sites[SITES] = {0};
	struct db_stmt *st = db_query(db, T_SITES_OF_A, "");
	for (int i = 0; st && i < SITES && db_step(st) == 1; i++)
		sites[i] = db_col_int(st, 0);
	db_done(st);
	static const char *const periods[][2] = {
		{"2025-01-01", "2025-12-31"}, /* a calendar year, after a leap year (counted people) */
		{"2026-01-01", "2026-12-31"}, /* one whose previous year is counted too */
		{"2025-03-15", "2025-11-02"}, /* edges inside months */
		{"2025-02-01", "2025-02-28"}, /* one month */
		{"2025-03-30", "2025-03-30"}, /* one day: summer time starts */
		{"2025-10-26", "2025-10-26"}, /* one day: summer time ends */
		{"2024-11-20", "2026-02-10"}, /* across three years */
		{"2024-12-01", "2025-05-31"}, /* whole months across two years */
	};
	static const int64_t workers[] = {0, 1, 2, 3, -1, -2, -3, -4}; /* < 0: the n-th site */
	int ok = 1;
	for (size_t p = 0; p < sizeof periods / sizeof periods[0]; p++)
		for (size_t w = 0; w < sizeof workers / sizeof workers[0]; w++) {
			int64_t site = workers[w] < 0 ? sites[-workers[w] - 1] : 0;
			if (workers[w] < 0 && !site)
				continue;
			struct report_scope scope = {1, workers[w] > 0 ? workers[w] : 0, site};
			struct activity_report *a = malloc(sizeof *a), *b = malloc(sizeof *b);
			struct buf err = BUF_INIT;
			char what[160];
			snprintf(what, sizeof what, "%s, %s to %s, worker %lld, site %lld", when, periods[p][0],
				 periods[p][1], (long long)scope.worker_id, (long long)site);
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

/* The household's composition follows its members (migration 015), and a
 * calendar year's « composition du foyer » table moves with it. */
TEST(report_household_composition)
{
	char path[64];
	struct db *db = unit_scratch_db(path, sizeof path);
	CHECK(db != NULL);
	if (!db)
		return;
	static const char ADD[] = "INSERT INTO household_members(structure_id, person_id, first_names, last_name, relation, "
				  "created_at) VALUES (1, $1, 'X', 'Y', $2, 0)";
	static const char IS[] = "SELECT count(*) FROM persons WHERE id = $1 AND household = $2";
	CHECK(db_exec(db, T_STRUCTURE, "s", "A") == 0 && db_exec(db, T_USER, "is", (int64_t)1, "w1") == 0);
	for (int p = 1; p <= 2; p++)
		CHECK(db_exec(db, T_PERSON, "issssi", (int64_t)1, p == 1 ? "1" : "2", "Mme", "1980-05-05", "Lyon",
			      (int64_t)0) == 0);
	CHECK(db_exec(db, T_ENTRY, "iiiisssi", (int64_t)1, (int64_t)1, (int64_t)1, paris(2025, 6, 1, 10, 0), "telephone",
		      "entretien", "", (int64_t)10) == 0);
	struct step {
		const char *sql, *types, *rel;
		int64_t id;
		const char *want, *label;
	} steps[] = {
		{NULL, "", NULL, 0, "", "Personne seule ou foyer non renseigné"},
		{ADD, "is", "enfant", 0, "monoparentale", "Famille monoparentale"},
		{ADD, "is", "conjoint", 0, "couple_enfants", "Couple avec enfants"},
		{"DELETE FROM household_members WHERE relation = 'enfant'", "", NULL, 0, "couple", "Couple sans enfant"},
		{"UPDATE household_members SET relation = 'parent'", "", NULL, 0, "autre",
		 "Autre composition (parents, fratrie…)"},
		/* Moved to the other file, as a merge does: person 1 is alone again. */
		{"UPDATE household_members SET person_id = 2", "", NULL, 0, "", "Personne seule ou foyer non renseigné"},
	};
	struct activity_report *r = malloc(sizeof *r);
	struct buf err = BUF_INIT;
	struct report_scope all = {1, 0, 0};
	for (size_t i = 0; r && i < sizeof steps / sizeof steps[0]; i++) {
		if (steps[i].sql == ADD)
			CHECK(db_exec(db, ADD, "is", (int64_t)1, steps[i].rel) == 0);
		else if (steps[i].sql)
			CHECK(db_exec(db, steps[i].sql, "") == 0);
		int64_t n = 0;
		CHECK(db_get_int(db, IS, &n, "is", (int64_t)1, steps[i].want) == 1 && n == 1);
		CHECK(report_compute(db, &all, "2025-01-01", "2025-12-31", REPORT_AGGREGATES, r, &err) == 0);
		const struct report_table *t = &r->tables[RT_HOUSEHOLD];
		CHECK(row_n(t, steps[i].label, 0) == 1 && r->people == 1);
	}
	int64_t n = 0;
	CHECK(db_get_int(db, IS, &n, "is", (int64_t)2, "autre") == 1 && n == 1);
	if (r) {
		CHECK(report_compute(db, &all, "2025-01-01", "2025-12-31", REPORT_RECOUNT, r, &err) == 0);
		CHECK(row_n(&r->tables[RT_HOUSEHOLD], "Personne seule ou foyer non renseigné", 0) == 1);
	}
	free(r);
	buf_free(&err);
	unit_drop_db(db, path);
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
	/* Sites 1 and 2 of structure A, 3 of structure B. */
	CHECK(db_exec(db, T_SITE, "is", (int64_t)1, "Centre") == 0 && db_exec(db, T_SITE, "is", (int64_t)1, "Annexe") == 0 &&
	      db_exec(db, T_SITE, "is", (int64_t)2, "Ailleurs") == 0);
	/* Person 1: three entries in March (two the same day, one at 00:30 on
	 * the day summer time starts), one in April; person 2: one at 23:30 on
	 * 31 March, 21:30 UTC, still March in Paris. */
	CHECK(db_exec(db, T_ENTRY_SITE, "iiiisssiI", (int64_t)1, (int64_t)1, (int64_t)1, paris(2025, 3, 10, 9, 0),
		      "telephone", "entretien", "numerique,sante", (int64_t)30, (int64_t)1) == 0);
	CHECK(db_exec(db, T_ENTRY, "iiiisssi", (int64_t)1, (int64_t)1, (int64_t)2, paris(2025, 3, 10, 15, 0),
		      "telephone", "accueil", "", (int64_t)10) == 0);
	CHECK(db_exec(db, T_ENTRY_SITE, "iiiisssiI", (int64_t)1, (int64_t)1, (int64_t)1, paris(2025, 3, 30, 0, 30),
		      "courriel", "entretien", "numerique", (int64_t)5, (int64_t)1) == 0);
	CHECK(db_exec(db, T_ENTRY, "iiiisssi", (int64_t)1, (int64_t)1, (int64_t)1, paris(2025, 4, 2, 10, 0),
		      "telephone", "entretien", "", (int64_t)20) == 0);
	CHECK(db_exec(db, T_ENTRY_SITE, "iiiisssiI", (int64_t)1, (int64_t)2, (int64_t)2, paris(2025, 3, 31, 23, 30),
		      "telephone", "demarche", "logement", (int64_t)45, (int64_t)2) == 0);
	/* Another structure's entry never counts. */
	CHECK(db_exec(db, T_ENTRY, "iiiisssi", (int64_t)2, (int64_t)3, (int64_t)3, paris(2025, 3, 12, 10, 0),
		      "telephone", "entretien", "", (int64_t)60) == 0);
	struct report_scope all = {1, 0, 0}, w2 = {1, 2, 0};
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
	/* A site's figures: only the entries written there. Centre had person
	 * 1 twice in March (35 minutes), Annexe person 2 once; in April,
	 * nothing at either (the entry of 2 April has no site). */
	struct report_scope centre = {1, 0, 1}, annexe = {1, 0, 2};
	CHECK(r && report_compute(db, &centre, "01/03/2025", "31/03/2025", REPORT_AGGREGATES, r, &err) == 0);
	if (r) {
		CHECK(r->people == 1 && r->new_people == 1 && r->entries == 2 && r->minutes == 35);
		CHECK(!strcmp(r->site, "Centre") && r->whose && r->tables[RT_THEME].nrows == 2);
		CHECK(row_n(&r->tables[RT_THEME], "numerique", 0) == 2 && row_n(&r->tables[RT_MEDIUM], "courriel", 0) == 1);
	}
	CHECK(r && report_compute(db, &annexe, "01/03/2025", "31/03/2025", REPORT_RECOUNT, r, &err) == 0);
	if (r)
		CHECK(r->people == 1 && r->new_people == 0 && r->entries == 1 && r->minutes == 45);
	CHECK(r && report_compute(db, &centre, "01/04/2025", "30/04/2025", REPORT_AGGREGATES, r, &err) == 0);
	if (r)
		CHECK(r->people == 0 && r->entries == 0 && r->people_prev == 1 && r->entries_prev == 2);
	/* Another structure's site, or a site and a worker together: refused. */
	struct report_scope elsewhere = {1, 0, 3}, both = {1, 2, 1};
	buf_reset(&err);
	CHECK(r && report_compute(db, &elsewhere, "01/03/2025", "31/03/2025", REPORT_AGGREGATES, r, &err) < 0);
	CHECK(strstr(buf_cstr(&err), "n'existe pas") != NULL);
	buf_reset(&err);
	CHECK(r && report_compute(db, &both, "01/03/2025", "31/03/2025", REPORT_RECOUNT, r, &err) < 0);
	CHECK(strstr(buf_cstr(&err), "pas les deux") != NULL);
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
	/* The previous period: the previous year, month or quarter for whole
	 * months (2024 has 366 days), the same number of days otherwise. */
	static const char *const prev[][4] = {
		{"2025-01-01", "2025-12-31", "2024-01-01", "2024-12-31"},
		{"2025-03-01", "2025-03-31", "2025-02-01", "2025-02-28"},
		{"2025-01-01", "2025-03-31", "2024-10-01", "2024-12-31"},
		{"2025-03-15", "2025-03-24", "2025-03-05", "2025-03-14"},
	};
	for (size_t i = 0; r && i < sizeof prev / sizeof prev[0]; i++) {
		CHECK(report_compute(db, &all, prev[i][0], prev[i][1], REPORT_AGGREGATES, r, &err) == 0);
		CHECK(!strcmp(r->prev_from, prev[i][2]) && !strcmp(r->prev_to, prev[i][3]));
	}
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
	/* Worker 3 belongs to structure B; B's people and entries must never
	 * show. Sites 1 and 2 are A's, 3 is B's; an entry has a site or not. */
	CHECK(db_exec(db, T_SITE, "is", (int64_t)1, "Centre") == 0 && db_exec(db, T_SITE, "is", (int64_t)1, "Annexe") == 0 &&
	      db_exec(db, T_SITE, "is", (int64_t)2, "Ailleurs") == 0);
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
			int64_t site = s == 2 ? 3 * pick(2) : pick(3); /* 0: none */
			CHECK(db_exec(db, T_ENTRY_SITE, "iiiisssiI", s, p, s == 2 ? (int64_t)3 : 1 + pick(2), at,
				      media[pick(4)], kinds[pick(5)], themes[pick(6)], pick(90), site) == 0);
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
		} else if (op < 85) {
			/* Another site of structure A, or none; with its day sometimes. */
			int64_t site = pick(3);
			if (pick(2))
				CHECK(db_exec(db, "UPDATE journal_entries SET site_id = $2 WHERE id = $1 AND structure_id = 1",
					      "iI", id, site) == 0);
			else
				CHECK(db_exec(db, "UPDATE journal_entries SET site_id = $2, at = $3 "
						  "WHERE id = $1 AND structure_id = 1",
					      "iIi", id, site, at) == 0);
		} else if (op < 86) {
			CHECK(db_exec(db, "UPDATE journal_entries SET summary = 'texte' WHERE id = $1", "i", id) == 0);
		} else if (op < 91) {
			/* A file corrected: the person tables of every year they were seen move. */
			char birth[16];
			snprintf(birth, sizeof birth, "%d-1%d-0%d", 1930 + (int)pick(90), (int)pick(3), 1 + (int)pick(9));
			CHECK(db_exec(db, "UPDATE persons SET birth_date = $2, civilite = $3, commune_name = $4 WHERE id = $1",
				      "isss", 1 + pick(PERSONS), pick(4) ? birth : "", civ[pick(3)], communes[pick(4)]) == 0);
		} else if (op < 94) {
			/* A household member recorded or removed: the composition moves. */
			static const char *const relations[] = {"conjoint", "enfant", "parent", "autre"};
			int64_t p = 1 + pick(PERSONS);
			if (pick(3))
				CHECK(db_exec(db, "INSERT INTO household_members(structure_id, person_id, first_names, last_name, "
						  "relation, created_at) VALUES ($1, $2, 'X', 'Y', $3, 0)",
					      "iis", p % 10 == 0 ? (int64_t)2 : 1, p, relations[pick(4)]) == 0);
			else
				CHECK(db_exec(db, "DELETE FROM household_members WHERE id = (SELECT min(id) FROM household_members "
						  "WHERE person_id = $1)", "i", p) == 0);
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
		"SELECT count(*) FROM report_year_people WHERE people <> 0", /* rows may stay, at 0 */
	};
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		int64_t n = -1;
		CHECK(db_get_int(db, tables[i], &n, "") == 1 && n == 0);
	}
	unit_drop_db(db, path);
}

/* ---- a worker's report: every section counts the worker's own work ---- */

static const char T_PROC[] =
	"INSERT INTO procedures(structure_id, person_id, organism, domain, subject, status, how, opened_on, "
	"created_by, created_at, updated_at) VALUES ($1, $2, $3, 'social_sante', 's', 'en_cours', $4, $5, $6, 0, 0)";
static const char T_MANDATE[] =
	"INSERT INTO mandates(structure_id, person_id, domains, duration, starts_on, ends_on, consent_on, revoked_at, "
	"created_by, created_at) VALUES ($1, $2, 'social_sante', '1a', $3, $4, $3, $5, $6, $7)";
static const char T_ACT[] = "INSERT INTO mandate_acts(structure_id, person_id, mandate_id, user_id, at, what) "
			    "VALUES ($1, $2, $3, $4, $5, 'acte')";
static const char T_AID[] =
	"INSERT INTO aid_requests(structure_id, person_id, kind, amount_asked, amount_granted, status, created_by, "
	"created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)";
static const char T_APPT[] =
	"INSERT INTO appointments(id, structure_id, worker_id, kind, place, starts_at, ends_at, status, created_by, "
	"created_at, updated_at) VALUES ($1, $2, $3, 'entretien', 'site', $4, $4 + 1800, $5, $6, 0, 0)";
static const char T_APPT_PERSON[] =
	"INSERT INTO appointment_persons(appointment_id, structure_id, person_id, outcome) VALUES ($1, $2, $3, $4)";
static const char T_DIAG[] =
	"INSERT INTO diagnostics(structure_id, person_id, done_on, email_usable, identity_usable, skill_device, "
	"skill_find, skill_communicate, skill_procedure, skill_scams, skill_accounts, level, path, created_by, "
	"created_at) VALUES ($1, $2, $3, 1, 1, $4, $4, $4, $4, $4, $4, $4, 'accompagner', $5, 0)";
static const char T_PARTNER[] =
	"INSERT INTO dir_local_structures(structure_id, nom, date_maj, created_at, updated_at) "
	"VALUES (1, 'Partenaire', '2025-01-01', 0, 0)";
static const char T_LOCAL_SERVICE[] =
	"INSERT INTO dir_local_services(structure_id, partner_id, nom, description, date_maj, created_at, updated_at) "
	"VALUES (1, 1, 'Service', '', '2025-01-01', 0, 0)";
static const char T_ORIENT[] =
	"INSERT INTO orientations(structure_id, person_id, local_service_id, service_name, theme, partner_type, "
	"reason, status, status_at, created_by, created_at, updated_at) "
	"VALUES ($1, $2, 1, 'Service', $3, $4, '', $5, $6, $7, $6, $6)";

TEST(report_worker_scope_every_section)
{
	char path[64];
	struct db *db = unit_scratch_db(path, sizeof path);
	CHECK(db != NULL);
	if (!db)
		return;
	/* Structure 1 with workers A (1) and B (2); structure 2 with worker 3,
	 * whose rows (person 5) must never count. March 2025 is the period,
	 * February the previous one. */
	const int64_t S1 = 1, S2 = 2, A = 1, B = 2, C = 3;
	CHECK(db_exec(db, T_STRUCTURE, "s", "A") == 0 && db_exec(db, T_STRUCTURE, "s", "B") == 0);
	CHECK(db_exec(db, T_USER, "is", S1, "a") == 0 && db_exec(db, T_USER, "is", S1, "b") == 0 &&
	      db_exec(db, T_USER, "is", S2, "c") == 0);
	for (int p = 1; p <= 5; p++) {
		char number[16];
		snprintf(number, sizeof number, "%d", p);
		CHECK(db_exec(db, T_PERSON, "issssi", p == 5 ? S2 : S1, number, "Mme", "1980-01-01", "Lyon",
			      (int64_t)0) == 0);
	}
	/* Journal: A wrote about person 1, B about persons 1 and 2. */
	CHECK(db_exec(db, T_ENTRY, "iiiisssi", S1, (int64_t)1, A, paris(2025, 3, 3, 10, 0), "telephone", "entretien",
		      "", (int64_t)30) == 0);
	CHECK(db_exec(db, T_ENTRY, "iiiisssi", S1, (int64_t)1, B, paris(2025, 3, 4, 10, 0), "telephone", "accueil", "",
		      (int64_t)10) == 0);
	CHECK(db_exec(db, T_ENTRY, "iiiisssi", S1, (int64_t)2, B, paris(2025, 3, 6, 10, 0), "courriel", "entretien", "",
		      (int64_t)20) == 0);
	/* Démarches: who created them, by the day they were opened. */
	CHECK(db_exec(db, T_PROC, "iisssi", S1, (int64_t)1, "caf", "avec", "2025-03-03", A) == 0);
	CHECK(db_exec(db, T_PROC, "iisssi", S1, (int64_t)2, "caf", "a_la_place", "2025-03-10", A) == 0);
	CHECK(db_exec(db, T_PROC, "iisssi", S1, (int64_t)3, "cpam", "seul", "2025-03-20", A) == 0);
	CHECK(db_exec(db, T_PROC, "iisssi", S1, (int64_t)1, "caf", "seul", "2025-03-05", B) == 0);
	CHECK(db_exec(db, T_PROC, "iisssi", S1, (int64_t)4, "france_travail", "a_la_place", "2025-03-31", B) == 0);
	CHECK(db_exec(db, T_PROC, "iisssi", S1, (int64_t)1, "caf", "avec", "2025-02-15", A) == 0);
	CHECK(db_exec(db, T_PROC, "iisssi", S1, (int64_t)4, "caf", "avec", "2025-04-01", B) == 0);
	CHECK(db_exec(db, T_PROC, "iisssi", S2, (int64_t)5, "caf", "avec", "2025-03-03", C) == 0);
	/* Mandates, by who recorded them: 1 and 2 by A in force in March; 3 by
	 * B; 4 (B) ended and 5 (A) revoked in February. */
	int64_t jan = paris(2025, 1, 5, 10, 0), old = paris(2024, 6, 1, 10, 0);
	CHECK(db_exec(db, T_MANDATE, "iissIii", S1, (int64_t)2, "2025-01-01", "2025-12-31", (int64_t)0, A, jan) == 0);
	CHECK(db_exec(db, T_MANDATE, "iissIii", S1, (int64_t)3, "2025-03-10", "2025-09-09", (int64_t)0, A,
		      paris(2025, 3, 10, 10, 0)) == 0);
	CHECK(db_exec(db, T_MANDATE, "iissIii", S1, (int64_t)4, "2024-06-01", "2025-05-31", (int64_t)0, B, old) == 0);
	CHECK(db_exec(db, T_MANDATE, "iissIii", S1, (int64_t)1, "2024-09-01", "2025-02-10", (int64_t)0, B, old) == 0);
	CHECK(db_exec(db, T_MANDATE, "iissIii", S1, (int64_t)1, "2024-12-01", "2025-11-30",
		      paris(2025, 2, 20, 10, 0), A, old) == 0);
	CHECK(db_exec(db, T_MANDATE, "iissIii", S2, (int64_t)5, "2025-01-01", "2025-12-31", (int64_t)0, C, jan) == 0);
	/* Acts, by who did them: B acted once under A's mandate 1. */
	CHECK(db_exec(db, T_ACT, "iiiii", S1, (int64_t)2, (int64_t)1, A, paris(2025, 3, 12, 10, 0)) == 0);
	CHECK(db_exec(db, T_ACT, "iiiii", S1, (int64_t)3, (int64_t)2, A, paris(2025, 3, 15, 10, 0)) == 0);
	CHECK(db_exec(db, T_ACT, "iiiii", S1, (int64_t)2, (int64_t)1, B, paris(2025, 3, 20, 10, 0)) == 0);
	CHECK(db_exec(db, T_ACT, "iiiii", S1, (int64_t)2, (int64_t)1, A, paris(2025, 2, 10, 10, 0)) == 0);
	CHECK(db_exec(db, T_ACT, "iiiii", S2, (int64_t)5, (int64_t)6, C, paris(2025, 3, 12, 10, 0)) == 0);
	/* Aid requests, by who created them. */
	CHECK(db_exec(db, T_AID, "iisiisii", S1, (int64_t)1, "energie", (int64_t)20000, (int64_t)15000, "accordee", A,
		      paris(2025, 3, 4, 10, 0)) == 0);
	CHECK(db_exec(db, T_AID, "iisiisii", S1, (int64_t)2, "alimentation", (int64_t)5000, (int64_t)0, "refusee", A,
		      paris(2025, 3, 9, 10, 0)) == 0);
	CHECK(db_exec(db, T_AID, "iisiisii", S1, (int64_t)3, "energie", (int64_t)30000, (int64_t)25000, "accordee", B,
		      paris(2025, 3, 14, 10, 0)) == 0);
	CHECK(db_exec(db, T_AID, "iisiisii", S1, (int64_t)4, "logement", (int64_t)10000, (int64_t)0, "instruction", B,
		      paris(2025, 3, 20, 10, 0)) == 0);
	CHECK(db_exec(db, T_AID, "iisiisii", S1, (int64_t)4, "logement", (int64_t)10000, (int64_t)10000, "accordee", B,
		      paris(2025, 2, 15, 10, 0)) == 0);
	CHECK(db_exec(db, T_AID, "iisiisii", S2, (int64_t)5, "energie", (int64_t)9900, (int64_t)9900, "accordee", C,
		      paris(2025, 3, 4, 10, 0)) == 0);
	/* Appointments, by whose agenda they are in: 1 is A's though B booked
	 * it, 2 is B's though A booked it; 3 (A's) was cancelled. */
	CHECK(db_exec(db, T_APPT, "iiiisi", (int64_t)1, S1, A, paris(2025, 3, 10, 10, 0), "prevu", B) == 0);
	CHECK(db_exec(db, T_APPT, "iiiisi", (int64_t)2, S1, B, paris(2025, 3, 18, 10, 0), "prevu", A) == 0);
	CHECK(db_exec(db, T_APPT, "iiiisi", (int64_t)3, S1, A, paris(2025, 3, 19, 10, 0), "annule", A) == 0);
	CHECK(db_exec(db, T_APPT, "iiiisi", (int64_t)4, S1, A, paris(2025, 2, 12, 10, 0), "prevu", A) == 0);
	CHECK(db_exec(db, T_APPT, "iiiisi", (int64_t)5, S2, C, paris(2025, 3, 10, 10, 0), "prevu", C) == 0);
	static const struct {
		int64_t appt, person;
		const char *outcome;
	} expected[] = {{1, 1, "honore"}, {1, 2, "manque"}, {2, 3, "manque"}, {2, 4, "excuse"},
			{2, 1, "honore"}, {3, 4, "manque"}, {4, 2, "manque"}, {5, 5, "manque"}};
	for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
		CHECK(db_exec(db, T_APPT_PERSON, "iiis", expected[i].appt, expected[i].appt == 5 ? S2 : S1,
			      expected[i].person, expected[i].outcome) == 0);
	/* Diagnostics: a person counts for the worker of their latest one up
	 * to the period's end. Person 1: A then B (rose); person 2: A twice;
	 * person 3: B then A (fell); person 4: B, then A after the period. */
	static const struct {
		int64_t person;
		const char *on;
		int64_t level, by;
	} diags[] = {{1, "2025-02-10", 1, 1}, {1, "2025-03-15", 3, 2}, {2, "2025-03-05", 2, 1}, {2, "2025-03-25", 2, 1},
		     {3, "2025-03-02", 4, 2}, {3, "2025-03-28", 3, 1}, {4, "2025-03-20", 1, 2}, {4, "2025-04-05", 2, 1},
		     {5, "2025-03-20", 1, 3}};
	for (size_t i = 0; i < sizeof diags / sizeof diags[0]; i++)
		CHECK(db_exec(db, T_DIAG, "iisii", diags[i].person == 5 ? S2 : S1, diags[i].person, diags[i].on,
			      diags[i].level, diags[i].by) == 0);
	/* Orientations, by who proposed them. */
	CHECK(db_exec(db, T_PARTNER, "") == 0 && db_exec(db, T_LOCAL_SERVICE, "") == 0);
	CHECK(db_exec(db, T_ORIENT, "iisssii", S1, (int64_t)1, "numerique", "france-service", "proposee",
		      paris(2025, 3, 5, 10, 0), A) == 0);
	CHECK(db_exec(db, T_ORIENT, "iisssii", S1, (int64_t)2, "sante", "france-service", "realisee",
		      paris(2025, 3, 12, 10, 0), A) == 0);
	CHECK(db_exec(db, T_ORIENT, "iisssii", S1, (int64_t)3, "numerique", "", "transmise", paris(2025, 3, 20, 10, 0),
		      B) == 0);
	CHECK(db_exec(db, T_ORIENT, "iisssii", S1, (int64_t)1, "numerique", "", "proposee", paris(2025, 2, 10, 10, 0),
		      A) == 0);
	CHECK(db_exec(db, T_ORIENT, "iisssii", S2, (int64_t)5, "numerique", "", "proposee", paris(2025, 3, 5, 10, 0),
		      C) == 0);

	/* The known answers: [0] A, [1] B, [2] the structure. */
	static const struct {
		int64_t people, entries, minutes, procedures, in_place, mandates, acts, aids, granted;
		int64_t diagnosed, progressed, expected, missed;
		int64_t procedures_prev, mandates_prev, acts_prev, aids_prev, diagnosed_prev, expected_prev;
	} want[3] = {
		{1, 1, 30, 3, 1, 2, 2, 2, 15000, 2, 0, 2, 1, 1, 2, 1, 0, 1, 1},
		{2, 2, 30, 2, 1, 1, 1, 2, 25000, 2, 1, 3, 1, 0, 2, 0, 1, 0, 0},
		{2, 3, 60, 5, 2, 3, 3, 4, 40000, 4, 1, 5, 2, 1, 4, 1, 1, 1, 1},
	};
	static const struct {
		enum report_table_id t;
		const char *key;
		int64_t n[3];
	} rows[] = {
		{RT_PROC_WAY, "avec", {1, 0, 1}},          {RT_PROC_WAY, "seul", {1, 1, 2}},
		{RT_PROC_WAY, "a_la_place", {1, 1, 2}},    {RT_PROC_ORGANISM, "caf", {2, 1, 3}},
		{RT_PROC_ORGANISM, "cpam", {1, 0, 1}},     {RT_PROC_ORGANISM, "france_travail", {0, 1, 1}},
		{RT_AID_KIND, "energie", {1, 1, 2}},       {RT_AID_KIND, "alimentation", {1, 0, 1}},
		{RT_AID_KIND, "logement", {0, 1, 1}},      {RT_AID_DECISION, "accordee", {1, 1, 2}},
		{RT_AID_DECISION, "refusee", {1, 0, 1}},   {RT_AID_DECISION, "instruction", {0, 1, 1}},
		{RT_AUTONOMY, "1", {0, 1, 1}},             {RT_AUTONOMY, "2", {1, 0, 1}},
		{RT_AUTONOMY, "3", {1, 1, 2}},             {RT_AUTONOMY, "4", {0, 0, 0}},
		{RT_APPOINTMENTS, "honore", {1, 1, 2}},    {RT_APPOINTMENTS, "manque", {1, 1, 2}},
		{RT_APPOINTMENTS, "excuse", {0, 1, 1}},    {RT_ORIENT_THEME, "numerique", {1, 1, 2}},
		{RT_ORIENT_THEME, "sante", {1, 0, 1}},     {RT_ORIENT_PARTNER, "france-service", {2, 0, 2}},
		{RT_ORIENT_PARTNER, "", {0, 1, 1}},        {RT_ORIENT_OUTCOME, "proposee", {1, 0, 1}},
		{RT_ORIENT_OUTCOME, "realisee", {1, 0, 1}}, {RT_ORIENT_OUTCOME, "transmise", {0, 1, 1}},
	};
	const int64_t workers[3] = {A, B, 0};
	struct activity_report *r[3] = {malloc(sizeof *r[0]), malloc(sizeof *r[1]), malloc(sizeof *r[2])};
	struct buf err = BUF_INIT;
	for (int k = 0; k < 3; k++) {
		struct report_scope scope = {S1, workers[k], 0};
		CHECK(r[k] &&
		      report_compute(db, &scope, "2025-03-01", "2025-03-31", REPORT_AGGREGATES, r[k], &err) == 0);
		if (!r[k])
			continue;
		const struct activity_report *x = r[k];
		int64_t got[] = {x->people, x->entries, x->minutes, x->procedures, x->in_place, x->mandates, x->acts,
				 x->aids, x->aid_granted, x->diagnosed, x->progressed, x->expected, x->missed,
				 x->procedures_prev, x->mandates_prev, x->acts_prev, x->aids_prev, x->diagnosed_prev,
				 x->expected_prev};
		const int64_t *w = &want[k].people;
		for (size_t i = 0; i < sizeof got / sizeof got[0]; i++) {
			if (got[i] != w[i])
				fprintf(stderr, "    worker %lld: figure %zu is %lld, not %lld\n", (long long)workers[k],
					i, (long long)got[i], (long long)w[i]);
			CHECK(got[i] == w[i]);
		}
		for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
			int64_t n = row_n(&x->tables[rows[i].t], rows[i].key, 0);
			if (n != rows[i].n[k])
				fprintf(stderr, "    worker %lld: « %s » › %s is %lld, not %lld\n", (long long)workers[k],
					x->tables[rows[i].t].title, rows[i].key, (long long)n, (long long)rows[i].n[k]);
			CHECK(n == rows[i].n[k]);
		}
		/* The previous period of a few rows: A's orientation, B's aid. */
		CHECK(row_n(&x->tables[RT_ORIENT_THEME], "numerique", 1) == (k == 1 ? 0 : 1));
		CHECK(row_n(&x->tables[RT_AID_KIND], "logement", 1) == (k == 0 ? 0 : 1));
		/* Each section says whose rows it counts, for a worker only. */
		for (int t = 0; t < RT_COUNT; t++)
			CHECK(k == 2 ? x->tables[t].whose == NULL : x->tables[t].whose && x->tables[t].whose[0]);
		CHECK(k == 2 ? x->whose == NULL : x->whose != NULL);
	}
	if (r[0] && r[1] && r[2]) {
		const char *whose = r[0]->tables[RT_APPOINTMENTS].whose;
		CHECK(whose && !strcmp(whose, "Rendez-vous de l'agenda du professionnel, même pris par un collègue."));
		/* Every row has one worker: beyond the journal's people, A + B
		 * is the structure, row by row, in both periods. */
		for (int t = RT_PROC_WAY; t < RT_COUNT; t++)
			for (int i = 0; i < r[2]->tables[t].nrows; i++)
				for (int prev = 0; prev < 2; prev++) {
					const char *key = r[2]->tables[t].rows[i].key;
					CHECK(row_n(&r[0]->tables[t], key, prev) + row_n(&r[1]->tables[t], key, prev) ==
					      row_n(&r[2]->tables[t], key, prev));
				}
		const int64_t *x = &r[0]->entries, *y = &r[1]->entries, *z = &r[2]->entries;
		for (size_t i = 0; i < (size_t)(&r[0]->missed_prev - &r[0]->entries) + 1; i++)
			CHECK(x[i] + y[i] == z[i]);
	}
	/* A site's report: A's entry of 3 March and A's appointment 1 took
	 * place there; démarches, mandates, acts, aid, diagnostics and
	 * orientations record no site, so none of the structure's show. */
	CHECK(db_exec(db, T_SITE, "is", S1, "Centre") == 0 && db_exec(db, T_SITE, "is", S2, "Ailleurs") == 0);
	CHECK(db_exec(db, "UPDATE journal_entries SET site_id = 1 WHERE id = 1", "") == 0);
	CHECK(db_exec(db, "UPDATE appointments SET site_id = 1 WHERE id = 1", "") == 0);
	CHECK(db_exec(db, "UPDATE appointments SET site_id = 2 WHERE id = 5", "") == 0);
	struct report_scope centre = {S1, 0, 1};
	struct activity_report *x = malloc(sizeof *x);
	CHECK(x && report_compute(db, &centre, "2025-03-01", "2025-03-31", REPORT_AGGREGATES, x, &err) == 0);
	if (x) {
		CHECK(x->people == 1 && x->entries == 1 && x->minutes == 30);
		CHECK(x->expected == 2 && x->missed == 1 && x->expected_prev == 0);
		CHECK(row_n(&x->tables[RT_APPOINTMENTS], "honore", 0) == 1);
		CHECK(x->procedures == 0 && x->in_place == 0 && x->mandates == 0 && x->acts == 0 && x->aids == 0 &&
		      x->aid_granted == 0 && x->diagnosed == 0 && x->progressed == 0);
		CHECK(x->procedures_prev == 0 && x->mandates_prev == 0 && x->acts_prev == 0 && x->aids_prev == 0);
		for (int t = RT_PROC_WAY; t < RT_COUNT; t++) {
			CHECK(t == RT_APPOINTMENTS || x->tables[t].nrows == 0);
			/* …and each says so to the reader. */
			CHECK(x->tables[t].whose && (t == RT_APPOINTMENTS) == !strstr(x->tables[t].whose, "pas rattachés"));
		}
		CHECK(x->whose && strstr(x->whose, "rapport de la structure"));
	}
	free(x);
	/* Both ways of computing agree for a worker as for the structure. */
	CHECK(agree(db, "workers' data set"));
	for (int k = 0; k < 3; k++)
		free(r[k]);
	buf_free(&err);
	unit_drop_db(db, path);
}
