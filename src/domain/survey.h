/*
 * The anonymous questionnaire of the workers (issue 7): a few questions
 * from the survey at the origin of Lien (loss of human contact, means to
 * help people in digital difficulty, sending them elsewhere, administrative
 * load, procedures done in the person's place), answered at most once a
 * quarter, read by the head of service only in aggregate and only when a
 * quarter has at least SURVEY_MIN_ANSWERS answers.
 *
 * Anonymity is in the schema (migration 016): each answer to each question
 * is a row of its own with a random id, the structure and the quarter, and
 * nothing else; who answered is in another table, which shares no key with
 * the answers and is read only to refuse a second answer.
 */
#ifndef LIEN_DOMAIN_SURVEY_H
#define LIEN_DOMAIN_SURVEY_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/domain.h"

enum {
	SURVEY_QUESTIONS = 5,
	SURVEY_SCALE = 4,          /* answers 1..4; 0 is "je ne souhaite pas répondre" */
	SURVEY_MIN_ANSWERS = 5,    /* below this, a quarter's results are not shown */
	SURVEY_PERIOD_LEN = 8,     /* "2026-T4" and its NUL */
};

struct survey_question {
	const char *name;                 /* form field and stored question code */
	const char *title;                /* a short name, for messages and the results */
	const char *legend;               /* the question as asked */
	const char *hint;                 /* or NULL */
	const char *scale[SURVEY_SCALE];  /* labels of answers 1..4, least to most */
};
extern const struct survey_question survey_questions[SURVEY_QUESTIONS];
/* The label of answer 0. */
extern const char survey_decline_label[];

/* The quarter of a civil date "YYYY-MM-DD" as "2026-T4". 0, or -1 for a
 * date that does not parse. */
int survey_period_of(const char *iso_date, char out[SURVEY_PERIOD_LEN]);
/* The quarter of today in France. */
void survey_period_now(char out[SURVEY_PERIOD_LEN]);
/* The quarter before ("2026-T1" → "2025-T4"). 0, or -1 for a malformed period. */
int survey_period_previous(const char *period, char out[SURVEY_PERIOD_LEN]);
/* "4e trimestre 2026 (octobre à décembre)"; "" for a malformed period. */
void survey_period_label(const char *period, char *out, size_t n);
/* The first day of the next quarter, "YYYY-MM-DD". 0 or -1. */
int survey_period_next_start(const char *period, char out[11]);

/* Whether the actor answered in the period: 1, 0, or <0 (database). */
int survey_answered(struct db *db, const struct actor *by, const char *period);

/* The values as sent, one per question ("" when missing). */
struct survey_input {
	const char *answers[SURVEY_QUESTIONS];
};

/* Checks every answer: out[q] in 0..4. Each missing or impossible answer is
 * reported once through on_error(arg, question name, message). 0, or -1. */
int survey_parse(const struct survey_input *in, int out[SURVEY_QUESTIONS],
		 void (*on_error)(void *arg, const char *field, const char *msg), void *arg);

enum survey_submit_result {
	SURVEY_STORED = 0,
	SURVEY_BAD_INPUT = -1,     /* each error given to on_error */
	SURVEY_DB_ERROR = -2,
	SURVEY_ALREADY = -3,       /* the actor answered in this period already */
};
/* Validates, then in one transaction records that the actor took part in
 * the period, stores each answer under a fresh random id, publishes the
 * counts when the quarter reaches a multiple of SURVEY_MIN_ANSWERS answers,
 * and audits "survey.answer" (the period only, never the answers). Nothing
 * is written unless SURVEY_STORED is returned. */
enum survey_submit_result survey_submit(struct db *db, const struct actor *by, const char *period,
					const struct survey_input *in,
					void (*on_error)(void *arg, const char *field, const char *msg),
					void *arg);

/* What may be shown of a quarter of one structure. The counts are those
 * published when the quarter reached 5, 10, 15… answers (see migration
 * 016): live counts would let whoever compares the results just before and
 * just after a colleague answered read that colleague's answers. */
struct survey_results {
	int64_t counts[SURVEY_QUESTIONS][SURVEY_SCALE + 1]; /* [q][0] declined, [q][1..4] the scale */
	int64_t totals[SURVEY_QUESTIONS];                     /* published answers to question q */
	int64_t answers;                                      /* questionnaires published: the largest total */
	int64_t received;                                     /* questionnaires answered so far */
};
/* 0, or <0 (database). Reads the answers only, never who answered. */
int survey_results(struct db *db, int64_t structure_id, const char *period, struct survey_results *out);
/* Whether question q (or, for q = -1, the quarter) may be shown: at least
 * SURVEY_MIN_ANSWERS published answers. */
int survey_results_shown(const struct survey_results *r, int q);
/* part of whole in whole per cent, rounded half up; 0 when whole is 0. */
int survey_percent(int64_t part, int64_t whole);

#endif
