/*
 * The digital diagnostic: a short standard assessment done with the person
 * (equipment, internet access, e-mail, an identity for public services,
 * and six skills each on a four-step scale). It gives an autonomy level
 * (1 "éloigné du numérique" to 4 "autonome") and a suggested path: have it
 * done under mandate, be accompanied, or learn. Repeated over time, it
 * shows whether the person becomes less dependent.
 *
 * The level rule is in diagnostic.c, above diagnostic_level().
 */
#ifndef LIEN_DOMAIN_DIAGNOSTIC_H
#define LIEN_DOMAIN_DIAGNOSTIC_H

#include "core/buf.h"
#include "db/db.h"
#include "domain/domain.h"
#include "domain/person.h"

/* The questions, in the order of the form. The skills are the last six, in
 * the order of the table's skill_* columns. */
enum diagnostic_question_id {
	DQ_EQUIPMENT,
	DQ_SHARED,
	DQ_INTERNET,
	DQ_EMAIL,
	DQ_IDENTITY,
	DQ_SKILL_DEVICE,
	DQ_SKILL_FIND,
	DQ_SKILL_COMMUNICATE,
	DQ_SKILL_PROCEDURE,
	DQ_SKILL_SCAMS,
	DQ_SKILL_ACCOUNTS,
	DQ_COUNT
};
enum { DIAG_SKILLS = 6, DIAG_COMMENT_MAX = 2000 /* characters */ };

struct diagnostic_question {
	const char *name;              /* form field (and column for the skills) */
	const char *title;             /* a short name, for messages and the result */
	const char *legend;            /* the question, as read to the person */
	const char *hint;              /* examples, or NULL */
	int several;                   /* checkboxes: several answers, the last choice
					  ("aucun") alone */
	const struct choice *choices;  /* NULL-terminated */
};
extern const struct diagnostic_question diagnostic_questions[DQ_COUNT];

/* The four-step scale of the skills, values "1" to "4". */
extern const struct choice diagnostic_scale[];
/* Values stored in the table; labels for the worker. */
extern const struct choice diagnostic_paths[]; /* mandat, accompagner, apprendre */

/* Equipment and internet access, as bits in the order of their choices
 * ("aucun", the last choice, is no bit: 0). */
enum { DIAG_EQ_SMARTPHONE = 1, DIAG_EQ_COMPUTER = 2, DIAG_EQ_TABLET = 4 };
enum { DIAG_NET_HOME = 1, DIAG_NET_MOBILE = 2, DIAG_NET_PUBLIC = 4 };

struct diagnostic {
	int64_t id, person_id, created_by, created_at;
	char done_on[11];          /* "YYYY-MM-DD" */
	unsigned equipment;        /* DIAG_EQ_* bits; 0: no device */
	int equipment_shared;      /* 1: shared with others (0 when no device) */
	unsigned internet;         /* DIAG_NET_* bits; 0: no access */
	int email_usable, identity_usable;
	int skills[DIAG_SKILLS];   /* 1..4, in the order DQ_SKILL_DEVICE.. */
	int level;                 /* 1..4 */
	char path[16];             /* "mandat", "accompagner" or "apprendre" */
	char comment[DIAG_COMMENT_MAX * 4 + 1];
	char creator[120];         /* display name of who did it (when read) */
};

/* Form values as sent; "" when missing. */
struct diagnostic_input {
	const char *done_on;            /* "JJ/MM/AAAA" or "AAAA-MM-JJ"; "" for today */
	const char *answers[DQ_COUNT];  /* one value, or comma-separated values for the
					   questions with several answers */
	const char *comment;
};

/* The level of a set of answers (1..4), by the rule documented in
 * diagnostic.c. Reads equipment, internet, email_usable, identity_usable
 * and skills only. */
int diagnostic_level(const struct diagnostic *d);
/* The path suggested for a level: 1 "mandat", 2 "accompagner", 3 and 4
 * "apprendre". */
const char *diagnostic_path_for(int level);
/* "Éloigné du numérique", "Débutant", "Presque autonome", "Autonome"
 * (they agree with "niveau"); "" outside 1..4. */
const char *diagnostic_level_label(int level);
/* "smartphone,ordinateur" or "aucun", from bits, for a choice list of
 * DQ_EQUIPMENT or DQ_INTERNET. */
void diagnostic_bits_text(enum diagnostic_question_id q, unsigned bits, char *out, size_t n);

/* Validates the answers and fills out (dates normalised, level and path
 * computed; ids and creator left zero). Each bad or missing answer is
 * reported once through on_error(arg, field, message), field being the
 * question's name, "done_on" or "comment". 0, or -1 when any is bad. */
int diagnostic_parse(const struct diagnostic_input *in, struct diagnostic *out,
		     void (*on_error)(void *arg, const char *field, const char *msg), void *arg);

/* Validates, computes, stores and audits ("diagnostic.add" on the person)
 * in one transaction; the person's last contact moves to now. The caller
 * has checked the actor may follow the person (person_get). Returns the
 * new id; -1 when an answer is bad (each given to on_error); -2 when the
 * database failed. Nothing is stored unless an id is returned. */
int64_t diagnostic_add(struct db *db, const struct actor *by, int64_t person_id, const struct diagnostic_input *in,
		       void (*on_error)(void *arg, const char *field, const char *msg), void *arg);

/* One diagnostic of the actor's structure: 1 found, 0 not, <0 error. The
 * caller checks access to out->person_id with person_get. */
int diagnostic_get(struct db *db, const struct actor *by, int64_t id, struct diagnostic *out);
/* The diagnostic just before d for the same person (by date, then by
 * order of entry): 1 found, 0 none, <0 error. */
int diagnostic_previous(struct db *db, const struct actor *by, const struct diagnostic *d, struct diagnostic *out);
/* A person's diagnostics, newest first, at most limit. Returns the count
 * or <0. The struct given to fn is valid during the call only. */
int diagnostic_list(struct db *db, const struct actor *by, int64_t person_id, int limit,
		    void (*fn)(void *arg, const struct diagnostic *d), void *arg);

/* For the activity report: the people of a structure whose latest
 * diagnostic up to `to` was done in the period (and, when worker_id is not
 * 0, by that worker), by that level; and how their level moved since their
 * first diagnostic. */
struct diagnostic_stats {
	int64_t by_level[5];       /* [1]..[4]; [0] unused */
	int64_t people;            /* sum of by_level */
	int64_t reassessed;        /* of them, people with two diagnostics or more */
	int64_t rose, fell;        /* latest level above / below the first one */
};
/* from, to: inclusive dates "YYYY-MM-DD" or "JJ/MM/AAAA". 0, or -1 with a
 * message in err. */
int diagnostic_stats(struct db *db, int64_t structure_id, int64_t worker_id, const char *from, const char *to,
		     struct diagnostic_stats *out, struct buf *err);


#endif
