#include "unit.h"
#include "core/clock.h"
#include "domain/diagnostic.h"

#include <stdlib.h>
#include <unistd.h>

/* Every prerequisite met: a smartphone, internet at home, e-mail and an
 * identity usable. The skills are given by each test. */
static struct diagnostic answers(int s0, int s1, int s2, int s3, int s4, int s5)
{
	struct diagnostic d;
	memset(&d, 0, sizeof d);
	d.equipment = DIAG_EQ_SMARTPHONE;
	d.internet = DIAG_NET_HOME;
	d.email_usable = d.identity_usable = 1;
	int s[DIAG_SKILLS] = {s0, s1, s2, s3, s4, s5};
	memcpy(d.skills, s, sizeof s);
	return d;
}

static int level_of(int s0, int s1, int s2, int s3, int s4, int s5)
{
	struct diagnostic d = answers(s0, s1, s2, s3, s4, s5);
	return diagnostic_level(&d);
}

TEST(diagnostic_level_skill_sums)
{
	/* The mean of the skills, rounded, a half down: by the sum,
	 * 6–9 → 1, 10–15 → 2, 16–21 → 3, 22–24 → 4. */
	CHECK(level_of(1, 1, 1, 1, 1, 1) == 1);   /* 6 */
	CHECK(level_of(2, 2, 2, 1, 1, 1) == 1);   /* 9: mean 1.5 */
	CHECK(level_of(2, 2, 2, 2, 1, 1) == 2);   /* 10 */
	CHECK(level_of(3, 3, 3, 2, 2, 2) == 2);   /* 15: mean 2.5 */
	CHECK(level_of(3, 3, 3, 3, 2, 2) == 3);   /* 16 */
	CHECK(level_of(4, 4, 4, 3, 3, 3) == 3);   /* 21: mean 3.5 */
	CHECK(level_of(4, 4, 4, 4, 3, 3) == 4);   /* 22 */
	CHECK(level_of(4, 4, 4, 4, 4, 4) == 4);   /* 24 */
	/* The order of the skills does not matter. */
	CHECK(level_of(1, 1, 1, 2, 2, 2) == 1);
	CHECK(level_of(1, 1, 2, 2, 2, 2) == 2);
}

TEST(diagnostic_level_caps)
{
	/* "Autonome" needs every skill done without help (3 or 4). */
	CHECK(level_of(4, 4, 4, 4, 4, 2) == 3);   /* 22, one skill with help */
	CHECK(level_of(4, 4, 4, 4, 4, 1) == 3);   /* 21 anyway */
	CHECK(level_of(4, 4, 4, 4, 3, 3) == 4);

	struct diagnostic d = answers(4, 4, 4, 4, 4, 4);
	d.email_usable = 0;
	CHECK(diagnostic_level(&d) == 3);
	d = answers(4, 4, 4, 4, 4, 4);
	d.identity_usable = 0;
	CHECK(diagnostic_level(&d) == 3);

	/* No device, or no internet: at most 2. */
	d = answers(4, 4, 4, 4, 4, 4);
	d.equipment = 0;
	CHECK(diagnostic_level(&d) == 2);
	d = answers(4, 4, 4, 4, 4, 4);
	d.internet = 0;
	CHECK(diagnostic_level(&d) == 2);
	/* Neither: at most 1. */
	d.equipment = 0;
	CHECK(diagnostic_level(&d) == 1);
	/* A cap never raises a level. */
	d = answers(1, 1, 1, 1, 1, 1);
	d.equipment = 0;
	CHECK(diagnostic_level(&d) == 1);
	d = answers(2, 2, 2, 2, 2, 2);
	d.internet = 0;
	CHECK(diagnostic_level(&d) == 2);
	/* Internet only in a public place, a tablet only, a shared device:
	 * still access and a device. */
	d = answers(4, 4, 4, 4, 4, 4);
	d.internet = DIAG_NET_PUBLIC;
	d.equipment = DIAG_EQ_TABLET;
	d.equipment_shared = 1;
	CHECK(diagnostic_level(&d) == 4);
	/* Several prerequisites missing: the lowest cap wins. */
	d = answers(4, 4, 4, 4, 4, 4);
	d.equipment = d.internet = 0;
	d.email_usable = d.identity_usable = 0;
	CHECK(diagnostic_level(&d) == 1);
}

TEST(diagnostic_paths_and_labels)
{
	CHECK_STR(diagnostic_path_for(1), "mandat");
	CHECK_STR(diagnostic_path_for(2), "accompagner");
	CHECK_STR(diagnostic_path_for(3), "apprendre");
	CHECK_STR(diagnostic_path_for(4), "apprendre");
	CHECK_STR(diagnostic_level_label(1), "Éloigné du numérique");
	CHECK_STR(diagnostic_level_label(2), "Débutant");
	CHECK_STR(diagnostic_level_label(3), "Presque autonome");
	CHECK_STR(diagnostic_level_label(4), "Autonome");
	CHECK_STR(diagnostic_level_label(0), "");
	CHECK_STR(diagnostic_level_label(5), "");
	/* Every stored path has a label. */
	for (int l = 1; l <= 4; l++)
		CHECK(strcmp(choice_label(diagnostic_paths, diagnostic_path_for(l)), diagnostic_path_for(l)) != 0);
}

TEST(diagnostic_bits_text)
{
	char s[64];
	diagnostic_bits_text(DQ_EQUIPMENT, 0, s, sizeof s);
	CHECK_STR(s, "aucun");
	diagnostic_bits_text(DQ_EQUIPMENT, DIAG_EQ_SMARTPHONE | DIAG_EQ_TABLET, s, sizeof s);
	CHECK_STR(s, "smartphone,tablette");
	diagnostic_bits_text(DQ_INTERNET, DIAG_NET_HOME | DIAG_NET_MOBILE | DIAG_NET_PUBLIC, s, sizeof s);
	CHECK_STR(s, "domicile,mobile,lieu_public");
	diagnostic_bits_text(DQ_INTERNET, 0, s, sizeof s);
	CHECK_STR(s, "aucun");
}

/* ---- validation ---- */

struct errors {
	char fields[400];
	int n;
	char last[300];
};

static void collect(void *arg, const char *field, const char *msg)
{
	struct errors *e = arg;
	size_t len = strlen(e->fields);
	snprintf(e->fields + len, sizeof e->fields - len, "%s%s", len ? " " : "", field);
	snprintf(e->last, sizeof e->last, "%s", msg);
	e->n++;
}

/* A complete, valid form. */
static struct diagnostic_input valid_input(void)
{
	struct diagnostic_input in = {.done_on = "", .comment = ""};
	in.answers[DQ_EQUIPMENT] = "smartphone,ordinateur";
	in.answers[DQ_SHARED] = "1";
	in.answers[DQ_INTERNET] = "mobile";
	in.answers[DQ_EMAIL] = "1";
	in.answers[DQ_IDENTITY] = "0";
	static const char *const skills[] = {"3", "3", "4", "2", "3", "3"};
	for (int i = 0; i < DIAG_SKILLS; i++)
		in.answers[DQ_SKILL_DEVICE + i] = skills[i];
	return in;
}

static struct errors parse(const struct diagnostic_input *in, struct diagnostic *d, int *rc)
{
	struct errors e;
	memset(&e, 0, sizeof e);
	*rc = diagnostic_parse(in, d, collect, &e);
	return e;
}

TEST(diagnostic_parse_valid)
{
	clock_set_fixed(1767182400); /* 2025-12-31 12:00 UTC */
	struct diagnostic_input in = valid_input();
	struct diagnostic d;
	int rc;
	struct errors e = parse(&in, &d, &rc);
	CHECK(rc == 0 && e.n == 0);
	CHECK_STR(d.done_on, "2025-12-31");
	CHECK(d.equipment == (DIAG_EQ_SMARTPHONE | DIAG_EQ_COMPUTER) && d.equipment_shared == 1);
	CHECK(d.internet == DIAG_NET_MOBILE && d.email_usable == 1 && d.identity_usable == 0);
	CHECK(d.skills[0] == 3 && d.skills[2] == 4 && d.skills[3] == 2);
	CHECK(d.level == 3 && strcmp(d.path, "apprendre") == 0);   /* 18 */
	/* A date as typed in France; no device: sharing is not asked. */
	in.done_on = "05/03/2024";
	in.answers[DQ_EQUIPMENT] = "aucun";
	in.answers[DQ_SHARED] = "";
	in.comment = "Vient avec sa fille.";
	e = parse(&in, &d, &rc);
	CHECK(rc == 0 && e.n == 0);
	CHECK_STR(d.done_on, "2024-03-05");
	CHECK(d.equipment == 0 && d.equipment_shared == 0 && d.level == 2);
	CHECK_STR(d.comment, "Vient avec sa fille.");
	/* An answer about sharing without a device is not kept. */
	in.answers[DQ_SHARED] = "1";
	e = parse(&in, &d, &rc);
	CHECK(rc == 0 && d.equipment_shared == 0);
	clock_set_fixed(0);
}

TEST(diagnostic_parse_missing_answers)
{
	struct diagnostic_input in = {.done_on = "", .comment = ""};
	struct diagnostic d;
	int rc;
	struct errors e = parse(&in, &d, &rc);
	CHECK(rc == -1);
	/* Each unanswered question once, by its field; sharing is only asked
	 * once the devices are known. */
	CHECK_STR(e.fields, "equipment internet email_usable identity_usable skill_device skill_find "
			    "skill_communicate skill_procedure skill_scams skill_accounts");
	CHECK(e.n == 10);
	CHECK_STR(e.last, "Choisissez une réponse pour «\u00a0Gérer ses comptes et mots de passe\u00a0».");

	for (int q = 0; q < DQ_COUNT; q++) {
		in = valid_input();
		in.answers[q] = "";
		e = parse(&in, &d, &rc);
		CHECK(rc == -1 && e.n == 1);
		CHECK_STR(e.fields, diagnostic_questions[q].name);
		in.answers[q] = NULL;
		e = parse(&in, &d, &rc);
		CHECK(rc == -1 && e.n == 1);
	}
	in = valid_input();
	in.answers[DQ_EQUIPMENT] = "";
	e = parse(&in, &d, &rc);
	CHECK_STR(e.last, "Cochez au moins une réponse pour «\u00a0Appareils\u00a0», ou «\u00a0Aucun appareil\u00a0».");
}

TEST(diagnostic_parse_out_of_range)
{
	static const char *const bad[] = {"0", "5", "-1", "44", "abc", "1.5", " 3", "3 ", "+3", "03", "1,2"};
	struct diagnostic d;
	int rc;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		for (int q = DQ_SKILL_DEVICE; q < DQ_COUNT; q++) {
			struct diagnostic_input in = valid_input();
			in.answers[q] = bad[i];
			struct errors e = parse(&in, &d, &rc);
			CHECK(rc == -1 && e.n == 1);
			CHECK_STR(e.fields, diagnostic_questions[q].name);
		}
	}
	struct diagnostic_input in = valid_input();
	in.answers[DQ_SKILL_FIND] = "9";
	struct errors e = parse(&in, &d, &rc);
	CHECK_STR(e.last, "Réponse impossible pour «\u00a0Trouver une information\u00a0»\u00a0: "
			  "choisissez l'une des réponses proposées.");
	/* Yes/no questions take 1 or 0 only; sharing too. */
	static const struct {
		enum diagnostic_question_id q;
		const char *v;
	} others[] = {{DQ_EMAIL, "2"}, {DQ_EMAIL, "oui"}, {DQ_IDENTITY, "-1"}, {DQ_SHARED, "3"}, {DQ_SHARED, "x"}};
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
		in = valid_input();
		in.answers[others[i].q] = others[i].v;
		e = parse(&in, &d, &rc);
		CHECK(rc == -1 && e.n == 1);
		CHECK_STR(e.fields, diagnostic_questions[others[i].q].name);
	}
}

TEST(diagnostic_parse_several_answers)
{
	struct diagnostic d;
	int rc;
	static const char *const bad_equipment[] = {"telephone", "aucun,smartphone", "smartphone,aucun", "smartphone,",
						    ",tablette", "SMARTPHONE", "smartphone;tablette"};
	for (size_t i = 0; i < sizeof bad_equipment / sizeof bad_equipment[0]; i++) {
		struct diagnostic_input in = valid_input();
		in.answers[DQ_EQUIPMENT] = bad_equipment[i];
		struct errors e = parse(&in, &d, &rc);
		CHECK(rc == -1 && e.n == 1);
		CHECK_STR(e.fields, "equipment");
	}
	struct diagnostic_input in = valid_input();
	in.answers[DQ_INTERNET] = "aucun,domicile";
	struct errors e = parse(&in, &d, &rc);
	CHECK(rc == -1 && e.n == 1);
	CHECK_STR(e.fields, "internet");
	CHECK_STR(e.last, "«\u00a0Nulle part\u00a0» ne peut pas être coché avec une autre réponse.");
	/* The same box twice (a resent form) is harmless. */
	in = valid_input();
	in.answers[DQ_INTERNET] = "domicile,domicile,lieu_public";
	e = parse(&in, &d, &rc);
	CHECK(rc == 0 && d.internet == (DIAG_NET_HOME | DIAG_NET_PUBLIC));
	/* Devices but no answer about sharing. */
	in = valid_input();
	in.answers[DQ_SHARED] = "";
	e = parse(&in, &d, &rc);
	CHECK(rc == -1 && e.n == 1);
	CHECK_STR(e.fields, "equipment_shared");
	/* A bad equipment answer does not add an error about sharing. */
	in.answers[DQ_EQUIPMENT] = "frigo";
	e = parse(&in, &d, &rc);
	CHECK(rc == -1 && e.n == 1);
	CHECK_STR(e.fields, "equipment");
}

TEST(diagnostic_parse_date_and_comment)
{
	clock_set_fixed(1767182400); /* 2025-12-31 */
	struct diagnostic d;
	int rc;
	static const char *const bad[] = {"31/02/2025", "2025-13-01", "hier", "01/01/2026", "2026-01-01", "31/12/1999"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct diagnostic_input in = valid_input();
		in.done_on = bad[i];
		struct errors e = parse(&in, &d, &rc);
		CHECK(rc == -1 && e.n == 1);
		CHECK_STR(e.fields, "done_on");
	}
	struct diagnostic_input in = valid_input();
	in.done_on = "31/12/2025";
	struct errors e = parse(&in, &d, &rc);
	CHECK(rc == 0);
	in.done_on = "01/01/2000";
	e = parse(&in, &d, &rc);
	CHECK(rc == 0);

	char *long_comment = malloc(DIAG_COMMENT_MAX + 2);
	memset(long_comment, 'a', DIAG_COMMENT_MAX + 1);
	long_comment[DIAG_COMMENT_MAX + 1] = '\0';
	in.comment = long_comment;
	e = parse(&in, &d, &rc);
	CHECK(rc == -1 && e.n == 1);
	CHECK_STR(e.fields, "comment");
	long_comment[DIAG_COMMENT_MAX] = '\0';
	e = parse(&in, &d, &rc);
	CHECK(rc == 0);
	free(long_comment);
	in.comment = "bip\x07";
	e = parse(&in, &d, &rc);
	CHECK(rc == -1);
	CHECK_STR(e.fields, "comment");
	/* Every error is reported, not only the first. */
	in = valid_input();
	in.done_on = "32/01/2025";
	in.answers[DQ_SKILL_SCAMS] = "7";
	in.answers[DQ_EMAIL] = "";
	e = parse(&in, &d, &rc);
	CHECK(rc == -1 && e.n == 3);
	CHECK_STR(e.fields, "done_on email_usable skill_scams");
	clock_set_fixed(0);
}

/* ---- the figures for the activity report, on a real database ---- */

static const char T_STRUCTURE[] = "INSERT INTO structures(name, created_at) VALUES ($1, 0)";
static const char T_USER[] =
	"INSERT INTO users(structure_id, login, display_name, role, password_hash, created_at, updated_at) "
	"VALUES (1, 'u', 'U', 'travailleur_social', 'x', 0, 0)";
static const char T_PERSON[] =
	"INSERT INTO persons(structure_id, file_number, birth_name, first_names, info_date, info_method, search_name, "
	"last_contact_at, created_at, updated_at) VALUES ($1, $2, 'N', 'P', '2025-01-01', 'paper', 'n p', 0, 0, 0)";
static const char T_DIAGNOSTIC[] =
	"INSERT INTO diagnostics(structure_id, person_id, done_on, email_usable, identity_usable, skill_device, "
	"skill_find, skill_communicate, skill_procedure, skill_scams, skill_accounts, level, path, created_by, "
	"created_at) VALUES ($1, $2, $3, 1, 1, 1, 1, 1, 1, 1, 1, $4, 'mandat', 1, 0)";

TEST(diagnostic_stats_period)
{
	char path[] = "/tmp/lien-unit-diag-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	close(fd);
	unlink(path);
	struct buf err = BUF_INIT;
	struct db *db = db_open(path, DB_OPEN_CREATE, &err);
	CHECK(db != NULL);
	if (!db) {
		fprintf(stderr, "    %s\n", buf_cstr(&err));
		buf_free(&err);
		return;
	}
	CHECK(db_migrate(db, &err) >= 0);
	CHECK(db_exec(db, T_STRUCTURE, "s", "A") == 0 && db_exec(db, T_STRUCTURE, "s", "B") == 0);
	CHECK(db_exec(db, T_USER, "") == 0);
	for (int p = 1; p <= 6; p++) {
		char number[16];
		snprintf(number, sizeof number, "%d", p);
		CHECK(db_exec(db, T_PERSON, "is", (int64_t)(p == 6 ? 2 : 1), number) == 0);
	}
	static const struct {
		int structure, person;
		const char *on;
		int level;
	} rows[] = {
		/* 1: 1 → 2 → 3, the last one in the period: rose. */
		{1, 1, "2024-11-02", 1}, {1, 1, "2025-01-10", 2}, {1, 1, "2025-02-20", 3},
		/* 2: once, in the period. */
		{1, 2, "2025-01-15", 2},
		/* 3: 3 → 2, fell; a later one after the period does not count. */
		{1, 3, "2024-06-01", 3}, {1, 3, "2025-03-31", 2}, {1, 3, "2025-05-01", 4},
		/* 4: only before the period. */
		{1, 4, "2024-12-31", 4},
		/* 5: twice the same day, same level: stable. */
		{1, 5, "2025-02-01", 2}, {1, 5, "2025-02-01", 2},
		/* 6: another structure. */
		{2, 6, "2025-02-01", 4},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		CHECK(db_exec(db, T_DIAGNOSTIC, "iisd", (int64_t)rows[i].structure, (int64_t)rows[i].person, rows[i].on,
			      rows[i].level) == 0);
	struct diagnostic_stats s;
	CHECK(diagnostic_stats(db, 1, 0, "01/01/2025", "2025-03-31", &s, &err) == 0);
	CHECK(s.people == 4);
	CHECK(s.by_level[1] == 0 && s.by_level[2] == 3 && s.by_level[3] == 1 && s.by_level[4] == 0);
	CHECK(s.reassessed == 3 && s.rose == 1 && s.fell == 1);
	/* The other structure sees only its own. */
	CHECK(diagnostic_stats(db, 2, 0, "2025-01-01", "2025-12-31", &s, &err) == 0);
	CHECK(s.people == 1 && s.by_level[4] == 1 && s.reassessed == 0 && s.rose == 0);
	/* A later period: person 3's latest is now level 4 (from 3: rose). */
	CHECK(diagnostic_stats(db, 1, 0, "2025-04-01", "2025-12-31", &s, &err) == 0);
	CHECK(s.people == 1 && s.by_level[4] == 1 && s.rose == 1 && s.fell == 0);
	buf_reset(&err);
	CHECK(diagnostic_stats(db, 1, 0, "2025-04-01", "2025-01-01", &s, &err) == -1 && err.len > 0);
	buf_reset(&err);
	CHECK(diagnostic_stats(db, 1, 0, "", "2025-01-01", &s, &err) == -1);
	CHECK(diagnostic_stats(db, 1, 0, "31/02/2025", "2025-12-01", &s, &err) == -1);
	buf_free(&err);
	db_close(db);
	unlink(path);
	char side[64];
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
}
