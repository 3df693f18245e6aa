/*
 * Orientations: from a person's file, a service of the directory is
 * proposed, with the reason, what is passed on to the partner (only with
 * the person's consent) and what the person needs to go there (the
 * printed slip). The loop is closed by the worker from a call, a letter or
 * the partner's answer: proposée → transmise → contactée par le partenaire
 * → réalisée, or abandonnée / refusée. Each status is dated and signed in
 * the orientation's history and audited on the person's file.
 *
 * When an orientation is "transmise", a follow-up task is added for its
 * worker, due reminder_days later ("no news yet?"); it is ticked off by
 * itself when news comes (contactée, réalisée, abandonnée, refusée).
 */
#ifndef LIEN_DOMAIN_ORIENTATION_H
#define LIEN_DOMAIN_ORIENTATION_H

#include "db/db.h"
#include "domain/domain.h"
#include "domain/person.h"

extern const struct choice orientation_statuses[];
/* How the news came: "telephone", "courrier", "partenaire", "personne", "autre". */
extern const struct choice orientation_channels[];

enum { ORIENT_TEXT_MAX = 2000, ORIENT_SLIP_MAX = 1000 };

/* As typed in the form; service_id or local_service_id names the service. */
struct orientation_input {
	int64_t service_id, local_service_id;
	const char *theme;          /* a data·inclusion category of the service, "" for the first one */
	const char *reason, *shared;
	int consent;                /* the person agreed to the sharing */
	const char *how_to_go, *to_bring, *to_say;
	const char *status;         /* "proposee" or "transmise" */
	const char *reminder_days;  /* "" for the structure's default */
};

struct orientation {
	int64_t id, person_id, service_id, local_service_id, status_at, task_id, version;
	int64_t created_by, created_at, updated_at;
	int consent, reminder_days;
	char service_name[320], partner_name[320], theme[80], partner_type[80], status[16];
	char reason[ORIENT_TEXT_MAX * 2 + 1], shared[ORIENT_TEXT_MAX * 2 + 1];
	char how_to_go[ORIENT_SLIP_MAX * 2 + 1], to_bring[ORIENT_SLIP_MAX * 2 + 1], to_say[ORIENT_SLIP_MAX * 2 + 1];
	char creator[120];
};

struct orientation_event {
	const char *status, *channel, *note, *by;
	int64_t at;
};

/* Proposes a service to a person of the actor's structure (a worker or a
 * head of service): checks the fields, copies the service's name, partner
 * and category, writes the orientation, its first history row, the audit
 * row "orientation.add" and, when transmise, the follow-up task, in one
 * transaction. Returns the id, or -1 after on_error for each bad field. */
int64_t orientation_create(struct db *db, const struct actor *by, int64_t person_id, const struct orientation_input *in,
			   void (*on_error)(void *arg, const char *field, const char *msg), void *arg);

/* Records news: the new status (may be the same, with a note), how it came
 * and a note, against the version the form was loaded from. Adds the
 * follow-up task on "transmise", ticks it off on news; audited as
 * "orientation.status". 0 done, 1 changed meanwhile (nothing written), -1
 * refused (on_error called). */
int orientation_set_status(struct db *db, const struct actor *by, int64_t id, int64_t version, const char *status,
			   const char *channel, const char *note,
			   void (*on_error)(void *arg, const char *field, const char *msg), void *arg);

/* An orientation of the actor's structure: 1, 0 not found, <0 error. */
int orientation_get(struct db *db, const struct actor *by, int64_t id, struct orientation *out);
/* A person's orientations, newest first. 0 or <0. */
int orientation_list(struct db *db, const struct actor *by, int64_t person_id,
		     void (*fn)(void *arg, const struct orientation *o), void *arg);
/* Its history, oldest first. 0 or <0. */
int orientation_history(struct db *db, const struct actor *by, int64_t id,
			void (*fn)(void *arg, const struct orientation_event *e), void *arg);

/* Figures for the reports: orientations proposed between two Unix times
 * (by one worker, or by anyone when worker_id is 0), one call per
 * (category, partner type, current status) with its count. 0 or <0. */
int orientation_stats(struct db *db, int64_t structure_id, int64_t worker_id, int64_t t_from, int64_t t_to,
		      void (*fn)(void *arg, const char *theme, const char *partner_type, const char *status, int64_t n),
		      void *arg);

/* French labels for the figures: a category, a partner type (réseau
 * porteur or typologie code), a status. Never NULL. */
const char *orientation_theme_label(const char *theme);
const char *orientation_partner_label(const char *partner_type);

#endif
