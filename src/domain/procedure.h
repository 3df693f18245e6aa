/*
 * Démarches (procedures) done by, with or for a person, and the mandates
 * that let the structure act in the person's place.
 *
 * Rules kept here, whatever the page:
 *  - a démarche "in the person's place" needs an active mandate covering its
 *    domain, and a worker logged in with a second factor;
 *  - everything done under a mandate is written to an append-only record
 *    (mandate_acts: the database refuses changes, and each row's digest is
 *    sealed in the audit chain);
 *  - there is no field for the person's passwords or secret codes.
 */
#ifndef LIEN_DOMAIN_PROCEDURE_H
#define LIEN_DOMAIN_PROCEDURE_H

#include "core/buf.h"
#include "db/db.h"
#include "domain/domain.h"
#include "domain/labels.h"
#include "domain/person.h"

/* The ten domains of a mandate and of a démarche. */
extern const struct choice procedure_domains[];
extern const struct choice procedure_statuses[];
extern const struct choice procedure_ways[];   /* seul, avec, a_la_place */
extern const struct choice default_organisms[];
extern const struct choice mandate_durations[]; /* 1j, 1m, 6m, 1a */

/* Whether a status closes the démarche (accordée, refusée, abandonnée). */
int procedure_status_closed(const char *status);

/* Organisms: the defaults and those the structure added. */
int organisms_load(struct db *db, int64_t structure_id, struct label_list *out);
int organism_add(struct db *db, const struct actor *by, const char *label, struct buf *err);

typedef void (*field_error_fn)(void *arg, const char *field, const char *msg);

enum { CHECKLIST_MAX = 30 };

struct procedure {
	int64_t id, person_id, version, created_by, created_at, updated_at;
	char organism[64], domain[32], subject[400], status[16], way[16];
	char opened_on[11], submitted_on[11], answer_due_on[11], renewal_on[11];
	char notes[4000];
	char creator[120];
};

/* Form values as typed; dates "JJ/MM/AAAA" or "". checklist: one document
 * per line (creation only). */
struct procedure_input {
	const char *organism, *domain, *subject, *status, *way;
	const char *opened_on, *submitted_on, *answer_due_on, *renewal_on, *notes, *checklist;
};

/* Creates a démarche; an act under mandate is recorded when it is done in
 * the person's place. Returns the id, or -1 (errors through on_error). */
int64_t procedure_create(struct db *db, const struct actor *by, int64_t person_id, const struct procedure_input *in,
			 field_error_fn on_error, void *arg);
/* Updates with optimistic locking. 0 done, 1 changed by someone else since
 * version, -1 refused (on_error). A change of status made in the person's
 * place is recorded as an act. */
int procedure_update(struct db *db, const struct actor *by, int64_t id, int64_t version,
		     const struct procedure_input *in, field_error_fn on_error, void *arg);
/* 1 found (same structure), 0 not found, <0 error. */
int procedure_get(struct db *db, const struct actor *by, int64_t id, struct procedure *out);
int procedure_list(struct db *db, const struct actor *by, int64_t person_id, int open_only,
		   void (*fn)(void *arg, const struct procedure *p), void *arg);

struct checklist_item {
	int64_t id;
	char label[200];
	int done;
};
int checklist_list(struct db *db, int64_t procedure_id, struct checklist_item *out, int max);
/* Marks the listed item ids done and the others not done; adds one item
 * when label is not empty. */
int checklist_set(struct db *db, const struct actor *by, const struct procedure *p, const int64_t *done_ids, int ndone,
		  const char *new_label, struct buf *err);

/* Reminders on the home page: démarches whose answer or renewal date is
 * within `days` (or past) and mandates ending within `days`. */
struct due_item {
	int64_t id, person_id;
	const char *kind;        /* "reponse", "renouvellement", "mandat" */
	const char *date, *subject, *person_name;
};
int procedure_due(struct db *db, const struct actor *by, int days, void (*fn)(void *arg, const struct due_item *d),
		  void *arg);

/* ---- mandates ---- */

struct mandate {
	int64_t id, person_id, created_by, created_at, revoked_at;
	char domains[400];          /* current scope, comma-separated */
	char duration[4];
	char starts_on[11], ends_on[11], consent_on[11];
	char protector_agreement[300];
	char creator[120];
};

struct mandate_input {
	const char *domains;        /* comma-separated values */
	const char *duration, *starts_on, *consent_on, *protector_agreement;
};

/* "actif", "expire", "revoque" or "a_venir" for today. */
const char *mandate_state(const struct mandate *m, const char *today);
int mandate_covers(const struct mandate *m, const char *domain, const char *today);

int64_t mandate_create(struct db *db, const struct actor *by, const struct person *p, const struct mandate_input *in,
		       field_error_fn on_error, void *arg);
int mandate_get(struct db *db, const struct actor *by, int64_t id, struct mandate *out);
int mandate_list(struct db *db, const struct actor *by, int64_t person_id,
		 void (*fn)(void *arg, const struct mandate *m), void *arg);
/* The active mandate covering domain for the person: 1 found, 0 none. */
int mandate_find_covering(struct db *db, const struct actor *by, int64_t person_id, const char *domain,
			  struct mandate *out);
/* Revokes a whole mandate (domain "") or one of its domains. Returns the
 * revocation id, or -1 with a message. */
int64_t mandate_revoke(struct db *db, const struct actor *by, int64_t id, const char *domain, const char *reason,
		       struct buf *err);

struct revocation {
	int64_t id, mandate_id, at;
	char domain[32], reason[400], by_name[120];
};
int revocation_get(struct db *db, const struct actor *by, int64_t mandate_id, int64_t id, struct revocation *out);

/* ---- acts under mandate ---- */

struct mandate_act {
	int64_t id, mandate_id, procedure_id, at;
	const char *what, *worker, *subject, *organism;
};
/* Records what was done in the person's place for a démarche, under the
 * mandate covering its domain. -1 with a message when refused. */
int64_t mandate_act_add(struct db *db, const struct actor *by, const struct procedure *p, const char *what,
			struct buf *err);
int mandate_act_list(struct db *db, const struct actor *by, int64_t person_id,
		     void (*fn)(void *arg, const struct mandate_act *a), void *arg);
/* Compares every act with the digest sealed in the audit chain: 0 all
 * match, else the number of acts changed or missing (details in err). */
int mandate_acts_verify(struct db *db, struct buf *err);

#endif
