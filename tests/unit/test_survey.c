#include "unit.h"
#include "core/crypto.h"
#include "db/db.h"
#include "domain/survey.h"

#include <stdint.h>

TEST(survey_periods)
{
	char p[SURVEY_PERIOD_LEN], d[11], label[96];
	CHECK(survey_period_of("2026-01-01", p) == 0);
	CHECK_STR(p, "2026-T1");
	CHECK(survey_period_of("2026-03-31", p) == 0);
	CHECK_STR(p, "2026-T1");
	CHECK(survey_period_of("2026-04-01", p) == 0);
	CHECK_STR(p, "2026-T2");
	CHECK(survey_period_of("31/12/2026", p) == 0);
	CHECK_STR(p, "2026-T4");
	CHECK(survey_period_of("2026-02-30", p) == -1 && p[0] == '\0');
	CHECK(survey_period_of("", p) == -1);

	CHECK(survey_period_previous("2026-T1", p) == 0);
	CHECK_STR(p, "2025-T4");
	CHECK(survey_period_previous("2026-T3", p) == 0);
	CHECK_STR(p, "2026-T2");
	/* Anything but "YYYY-Tn" with n in 1..4 is refused. */
	static const char *const bad[] = {"2026-T0", "2026-T5", "2026T1", "2026-t1", "26-T1", "2026-T1 ", "abcd-T1", ""};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK(survey_period_previous(bad[i], p) == -1);
		CHECK(survey_period_next_start(bad[i], d) == -1);
	}

	CHECK(survey_period_next_start("2026-T1", d) == 0);
	CHECK_STR(d, "2026-04-01");
	CHECK(survey_period_next_start("2026-T3", d) == 0);
	CHECK_STR(d, "2026-10-01");
	CHECK(survey_period_next_start("2026-T4", d) == 0);
	CHECK_STR(d, "2027-01-01");

	survey_period_label("2026-T1", label, sizeof label);
	CHECK_STR(label, "1er trimestre 2026 (janvier à mars)");
	survey_period_label("2025-T4", label, sizeof label);
	CHECK_STR(label, "4e trimestre 2025 (octobre à décembre)");
	survey_period_label("2025-T9", label, sizeof label);
	CHECK_STR(label, "");
}

TEST(survey_percent_rounds_half_up)
{
	CHECK(survey_percent(0, 0) == 0);
	CHECK(survey_percent(1, 3) == 33);
	CHECK(survey_percent(2, 3) == 67);
	CHECK(survey_percent(1, 8) == 13);   /* 12.5 */
	CHECK(survey_percent(5, 5) == 100);
}

struct errors {
	int n;
	char fields[SURVEY_QUESTIONS * 2][32];
};

static void collect(void *arg, const char *field, const char *msg)
{
	struct errors *e = arg;
	(void)msg;
	if (e->n < (int)(sizeof e->fields / sizeof e->fields[0]))
		snprintf(e->fields[e->n], sizeof e->fields[0], "%s", field);
	e->n++;
}

TEST(survey_parse_each_question_once)
{
	int v[SURVEY_QUESTIONS];
	struct errors e = {0};
	struct survey_input ok = {{"1", "4", "0", "2", "3"}};
	CHECK(survey_parse(&ok, v, collect, &e) == 0 && e.n == 0);
	CHECK(v[0] == 1 && v[1] == 4 && v[2] == 0 && v[3] == 2 && v[4] == 3);
	/* Missing, out of the scale, not a single digit: one error each, named by the question. */
	struct survey_input bad = {{"", "5", "01", NULL, "-1"}};
	CHECK(survey_parse(&bad, v, collect, &e) == -1);
	CHECK(e.n == 5);
	for (int q = 0; q < SURVEY_QUESTIONS && q < e.n; q++)
		CHECK_STR(e.fields[q], survey_questions[q].name);
}

static const char T_STRUCTURE[] = "INSERT INTO structures(name, created_at) VALUES ($1, 0)";
static const char T_USER[] =
	"INSERT INTO users(structure_id, login, display_name, role, password_hash, created_at, updated_at) "
	"VALUES ($1, $2, 'U', 'accueil', 'x', 0, 0)";

static int64_t count(struct db *db, const char *sql)
{
	int64_t n = -1;
	db_get_int(db, sql, &n, "");
	return n;
}

static void no_error(void *arg, const char *field, const char *msg)
{
	(void)field;
	(void)msg;
	(*(int *)arg)++;
}

TEST(survey_submit_publishes_by_steps_of_five)
{
	CHECK(crypto_init() == 0);
	char path[64];
	struct db *db = unit_scratch_db(path, sizeof path);
	CHECK(db != NULL);
	if (!db)
		return;
	CHECK(db_exec(db, T_STRUCTURE, "s", "A") == 0 && db_exec(db, T_STRUCTURE, "s", "B") == 0);
	char login[16];
	for (int i = 1; i <= 8; i++) {
		snprintf(login, sizeof login, "u%d", i);
		CHECK(db_exec(db, T_USER, "is", (int64_t)(i <= 7 ? 1 : 2), login) == 0);
	}
	const char *period = "2026-T2";
	struct survey_input in = {{"1", "2", "3", "4", "0"}};
	struct survey_results r;
	int errors = 0;
	for (int i = 1; i <= 7; i++) {
		struct actor a = {.user_id = i, .structure_id = 1, .role = ROLE_ACCUEIL, .ip = "test"};
		CHECK(survey_answered(db, &a, period) == 0);
		CHECK(survey_submit(db, &a, period, &in, no_error, &errors) == SURVEY_STORED);
		CHECK(survey_answered(db, &a, period) == 1);
		/* A second answer writes nothing. */
		CHECK(survey_submit(db, &a, period, &in, no_error, &errors) == SURVEY_ALREADY);
		CHECK(survey_results(db, 1, period, &r) == 0);
		CHECK(r.received == i);
		/* Nothing before five answers; then the counts of the fifth, until the tenth. */
		CHECK(r.answers == (i < 5 ? 0 : 5));
		CHECK(survey_results_shown(&r, -1) == (i >= 5));
	}
	CHECK(errors == 0);
	CHECK(r.counts[0][1] == 5 && r.counts[3][4] == 5 && r.counts[4][0] == 5 && r.totals[2] == 5);
	CHECK(count(db, "SELECT count(*) FROM survey_answers") == 7 * SURVEY_QUESTIONS);
	CHECK(count(db, "SELECT count(*) FROM survey_participations") == 7);
	CHECK(count(db, "SELECT count(*) FROM audit_log WHERE action = 'survey.answer'") == 7);
	/* Random ids: none small, and not in the order they were written. */
	CHECK(count(db, "SELECT count(*) FROM survey_answers WHERE id < 4294967296") == 0);
	/* Bad input: nothing written at all. */
	struct actor other = {.user_id = 8, .structure_id = 2, .role = ROLE_ACCUEIL, .ip = "test"};
	struct survey_input bad = {{"1", "", "9", "4", "0"}};
	CHECK(survey_submit(db, &other, period, &bad, no_error, &errors) == SURVEY_BAD_INPUT && errors == 2);
	CHECK(count(db, "SELECT count(*) FROM survey_participations WHERE structure_id = 2") == 0);
	CHECK(count(db, "SELECT count(*) FROM survey_answers WHERE structure_id = 2") == 0);
	/* Another structure's answer never counts for the first. */
	CHECK(survey_submit(db, &other, period, &in, no_error, &errors) == SURVEY_STORED);
	CHECK(survey_results(db, 1, period, &r) == 0 && r.received == 7);
	CHECK(survey_results(db, 2, period, &r) == 0 && r.received == 1 && !survey_results_shown(&r, -1));
	unit_drop_db(db, path);
}
