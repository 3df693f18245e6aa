#include "domain/survey.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "db/queries.h"
#include "domain/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* French typography: a no-break space before « : ; ? ! » and inside « ». */
#define NB "\u00a0"

const char survey_decline_label[] = "Je ne souhaite pas répondre";

/* The survey's own findings, asked of the team (DESIGN.md, "Why it
 * exists"). Each scale runs from the least to the most, so that answer 4
 * is always "the most" of what the question asks about. */
const struct survey_question survey_questions[SURVEY_QUESTIONS] = {
	{"contact", "Contact humain",
	 "Depuis la dématérialisation des démarches, le contact humain avec les personnes que vous accompagnez "
	 "s'est-il réduit" NB "?",
	 NULL, {"Non, pas du tout", "Un peu", "Nettement", "Fortement"}},
	{"moyens", "Moyens pour aider au numérique",
	 "Disposez-vous des moyens nécessaires pour aider les personnes en difficulté avec le numérique" NB "?",
	 "Du temps, du matériel, une formation, un lieu adapté.",
	 {"Non, pas du tout", "Plutôt non", "Plutôt oui", "Oui, tout à fait"}},
	{"orienter", "Orienter ailleurs faute de moyens",
	 "Vous arrive-t-il de devoir orienter ailleurs des personnes faute de pouvoir les aider vous-même" NB "?",
	 NULL, {"Jamais", "Parfois", "Souvent", "Très souvent"}},
	{"charge", "Charge administrative",
	 "La charge administrative vous empêche-t-elle de consacrer assez de temps aux personnes" NB "?",
	 "Comptes rendus, saisies, démarches en ligne, relances.",
	 {"Jamais", "Parfois", "Souvent", "Presque toujours"}},
	{"a_la_place", "Démarches faites à la place des personnes",
	 "Vous arrive-t-il de faire des démarches en ligne à la place des personnes, faute d'autre solution" NB "?",
	 NULL, {"Jamais", "Parfois", "Souvent", "Très souvent"}},
};

/* ---- periods: the quarter, the only time an answer carries ---- */

/* Four digits of a year in 1000..9999 (the callers check it). */
static void put_year(char *out, int year)
{
	for (int i = 3; i >= 0; i--, year /= 10)
		out[i] = (char)('0' + year % 10);
}

static void period_format(int year, int quarter, char out[SURVEY_PERIOD_LEN])
{
	put_year(out, year);
	memcpy(out + 4, "-T", 2);
	out[6] = (char)('0' + quarter);
	out[7] = '\0';
}

/* "YYYY-Tn": 0 and the year and quarter, or -1. */
static int period_parse(const char *period, int *year, int *quarter)
{
	int64_t y;
	if (!period || strlen(period) != 7 || period[4] != '-' || period[5] != 'T' || period[6] < '1' ||
	    period[6] > '4' || str_to_i64((struct str){period, 4}, 1000, 9999, &y) < 0)
		return -1;
	*year = (int)y;
	*quarter = period[6] - '0';
	return 0;
}

int survey_period_of(const char *iso_date, char out[SURVEY_PERIOD_LEN])
{
	int y, m, d;
	out[0] = '\0';
	if (!iso_date || date_parse(iso_date, &y, &m, &d) < 0 || y < 1000 || y > 9999)
		return -1;
	period_format(y, (m - 1) / 3 + 1, out);
	return 0;
}

void survey_period_now(char out[SURVEY_PERIOD_LEN])
{
	char today[11];
	date_today(today);
	survey_period_of(today, out);
}

int survey_period_previous(const char *period, char out[SURVEY_PERIOD_LEN])
{
	int y, q;
	out[0] = '\0';
	if (period_parse(period, &y, &q) < 0 || (q == 1 && y == 1000))
		return -1;
	if (q == 1)
		period_format(y - 1, 4, out);
	else
		period_format(y, q - 1, out);
	return 0;
}

void survey_period_label(const char *period, char *out, size_t n)
{
	static const char *const MONTHS[] = {"janvier à mars", "avril à juin", "juillet à septembre",
					     "octobre à décembre"};
	int y, q;
	if (period_parse(period, &y, &q) < 0) {
		cstr_copy(out, n, "");
		return;
	}
	snprintf(out, n, "%d%s trimestre %d (%s)", q, q == 1 ? "er" : "e", y, MONTHS[q - 1]);
}

int survey_period_next_start(const char *period, char out[11])
{
	int y, q;
	out[0] = '\0';
	if (period_parse(period, &y, &q) < 0 || (q == 4 && y == 9999))
		return -1;
	int month = q == 4 ? 1 : q * 3 + 1;
	put_year(out, q == 4 ? y + 1 : y);
	out[4] = '-';
	out[5] = (char)('0' + month / 10);
	out[6] = (char)('0' + month % 10);
	memcpy(out + 7, "-01", 4);
	return 0;
}

/* ---- answering ---- */

int survey_answered(struct db *db, const struct actor *by, const char *period)
{
	int64_t n = 0;
	int rc = db_get_int(db, SQL_SURVEY_PARTICIPATED, &n, "isi", by->structure_id, period, by->user_id);
	return rc < 0 ? rc : n > 0;
}

int survey_parse(const struct survey_input *in, int out[SURVEY_QUESTIONS],
		 void (*on_error)(void *arg, const char *field, const char *msg), void *arg)
{
	int bad = 0;
	char msg[400];
	for (int q = 0; q < SURVEY_QUESTIONS; q++) {
		const struct survey_question *sq = &survey_questions[q];
		const char *v = in->answers[q] ? in->answers[q] : "";
		out[q] = -1;
		if (!v[0])
			snprintf(msg, sizeof msg, "Choisissez une réponse pour «" NB "%s" NB "», ou «" NB "%s" NB "».",
				 sq->title, survey_decline_label);
		else if (strlen(v) != 1 || v[0] < '0' || v[0] > '0' + SURVEY_SCALE)
			snprintf(msg, sizeof msg,
				 "Réponse impossible pour «" NB "%s" NB "»" NB ": choisissez l'une des réponses proposées.",
				 sq->title);
		else
			out[q] = v[0] - '0';
		if (out[q] < 0) {
			on_error(arg, sq->name, msg);
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}

/* A fresh id: 63 random bits, so that the ids' order says nothing about
 * the order of the answers (and so of the people who gave them). */
static int64_t random_id(void)
{
	uint64_t v;
	do {
		crypto_random(&v, sizeof v);
		v &= (uint64_t)INT64_MAX;
	} while (v == 0);
	return (int64_t)v;
}

/* One answer under a random id; an id drawn twice (about one chance in
 * 2^63 per row) is drawn again rather than failing the questionnaire. */
static int store_answer(struct db *db, int64_t structure_id, const char *period, const char *question, int answer)
{
	for (int attempt = 0; attempt < 4; attempt++) {
		if (db_exec(db, SQL_SURVEY_ANSWER_ADD, "iissd", random_id(), structure_id, period, question, answer) < 0)
			return -1;
		if (db_changes(db) == 1)
			return 0;
	}
	return -1;
}

/*
 * The quarter's answers of the structure, deleted and written again in id
 * order by each questionnaire, inside its transaction. PostgreSQL keeps
 * with every row the id of the transaction that wrote it (the xmin system
 * column) and stores rows in the order they are written: the answers just
 * written would share their xmin with the participation row, and lie
 * together at the end of the table, giving their author away to anyone who
 * can query the database. Rewritten, all the quarter's answers carry the
 * same xmin (that of the latest questionnaire, whose author's participation
 * is no secret) and lie in the random order of their ids. On SQLite, whose
 * table is kept in id order and has no such column, nothing visible changes.
 */
struct stored_answer {
	int64_t id;
	char question[32];
	int answer;
};

static int rewrite_period(struct db *db, int64_t structure_id, const char *period)
{
	struct stored_answer *rows = NULL;
	size_t n = 0, cap = 0;
	int rc = -1, step;
	struct db_stmt *st = db_query(db, SQL_SURVEY_PERIOD_ANSWERS, "is", structure_id, period);
	if (!st)
		return -1;
	while ((step = db_step(st)) == 1) {
		if (n == cap) {
			size_t grow = cap ? cap * 2 : 64;
			struct stored_answer *grown = realloc(rows, grow * sizeof *rows);
			if (!grown) {
				step = -1;
				break;
			}
			rows = grown;
			cap = grow;
		}
		rows[n].id = db_col_int(st, 0);
		rows[n].answer = (int)db_col_int(st, 2);
		if (cstr_copy(rows[n].question, sizeof rows[n].question, db_col_text(st, 1)) < 0) {
			step = -1;
			break;
		}
		n++;
	}
	db_done(st);
	if (step != 0 || db_exec(db, SQL_SURVEY_PERIOD_DELETE, "is", structure_id, period) < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (db_exec(db, SQL_SURVEY_ANSWER_ADD, "iissd", rows[i].id, structure_id, period, rows[i].question,
			    rows[i].answer) < 0 ||
		    db_changes(db) != 1)
			goto out;
	rc = 0;
out:
	free(rows);
	return rc;
}

enum survey_submit_result survey_submit(struct db *db, const struct actor *by, const char *period,
					const struct survey_input *in,
					void (*on_error)(void *arg, const char *field, const char *msg),
					void *arg)
{
	int answers[SURVEY_QUESTIONS];
	int y, q;
	/* The routes give the questionnaire to the roles of a structure only. */
	if (!by->structure_id || !by->user_id || period_parse(period, &y, &q) < 0)
		return SURVEY_DB_ERROR;
	if (survey_parse(in, answers, on_error, arg) < 0)
		return SURVEY_BAD_INPUT;
	int64_t locked;
	if (db_begin(db) < 0)
		return SURVEY_DB_ERROR;
	if (db_get_int(db, SQL_SURVEY_LOCK, &locked, "i", by->structure_id) != 1)
		goto fail;
	/* The participation first: a second answer (two tabs, a double click)
	 * changes nothing here, and nothing else is written. */
	if (db_exec(db, SQL_SURVEY_PARTICIPATE, "isi", by->structure_id, period, by->user_id) < 0)
		goto fail;
	if (db_changes(db) == 0) {
		db_rollback(db);
		return SURVEY_ALREADY;
	}
	for (int i = 0; i < SURVEY_QUESTIONS; i++)
		if (store_answer(db, by->structure_id, period, survey_questions[i].name, answers[i]) < 0)
			goto fail;
	if (rewrite_period(db, by->structure_id, period) < 0)
		goto fail;
	int64_t received = 0;
	if (db_get_int(db, SQL_SURVEY_COUNT, &received, "iss", by->structure_id, period, survey_questions[0].name) < 0)
		goto fail;
	if (received % SURVEY_MIN_ANSWERS == 0 &&
	    (db_exec(db, SQL_SURVEY_TALLY_CLEAR, "is", by->structure_id, period) < 0 ||
	     db_exec(db, SQL_SURVEY_TALLY_PUBLISH, "is", by->structure_id, period) < 0))
		goto fail;
	if (audit_log(db, by, "survey.answer", "survey", 0, period) < 0 || db_commit(db) < 0)
		goto fail;
	return SURVEY_STORED;
fail:
	db_rollback(db);
	return SURVEY_DB_ERROR;
}

/* ---- results ---- */

int survey_results(struct db *db, int64_t structure_id, const char *period, struct survey_results *out)
{
	memset(out, 0, sizeof *out);
	struct db_stmt *st = db_query(db, SQL_SURVEY_RESULTS, "is", structure_id, period);
	if (!st)
		return DB_ERR;
	int rc;
	while ((rc = db_step(st)) == 1) {
		const char *question = db_col_text(st, 0);
		int64_t answer = db_col_int(st, 1), n = db_col_int(st, 2);
		/* A question no longer asked, or a value outside the scale, is not counted. */
		for (int q = 0; q < SURVEY_QUESTIONS; q++)
			if (strcmp(question, survey_questions[q].name) == 0 && answer >= 0 && answer <= SURVEY_SCALE) {
				out->counts[q][answer] += n;
				out->totals[q] += n;
			}
	}
	db_done(st);
	if (rc < 0)
		return rc;
	for (int q = 0; q < SURVEY_QUESTIONS; q++)
		if (out->totals[q] > out->answers)
			out->answers = out->totals[q];
	rc = db_get_int(db, SQL_SURVEY_COUNT, &out->received, "iss", structure_id, period, survey_questions[0].name);
	return rc < 0 ? rc : 0;
}

int survey_results_shown(const struct survey_results *r, int q)
{
	return (q < 0 ? r->answers : r->totals[q]) >= SURVEY_MIN_ANSWERS;
}

int survey_percent(int64_t part, int64_t whole)
{
	return whole > 0 ? (int)((part * 100 + whole / 2) / whole) : 0;
}
