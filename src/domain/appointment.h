/*
 * Appointments: who meets whom, where and when, and what happened. A
 * worker is never booked twice at the same time. Creating, moving or
 * cancelling an appointment schedules or withdraws its reminders
 * (domain/reminder.c) in the same transaction.
 */
#ifndef LIEN_DOMAIN_APPOINTMENT_H
#define LIEN_DOMAIN_APPOINTMENT_H

#include "core/buf.h"
#include "db/db.h"
#include "domain/domain.h"
#include "domain/labels.h"

extern const struct choice appointment_default_kinds[];
extern const struct choice appointment_places[];
extern const struct choice appointment_outcomes[];

int appointment_kinds_load(struct db *db, int64_t structure_id, struct label_list *out);
int appointment_kind_add(struct db *db, const struct actor *by, const char *label, struct buf *err);

enum { APPT_PERSONS_MAX = 30 };

struct appointment {
	int64_t id, worker_id, site_id, starts_at, ends_at, version, created_by;
	char kind[64], place[16], status[8];
	char place_detail[400], to_bring[800], notes[2400];
	char worker[128], site[128], site_address[400];
	int npersons;
	struct {
		int64_t id;
		char name[200];
		char initials[16];  /* "M. D.": what a calendar feed shows by default */
		char outcome[8];
	} persons[APPT_PERSONS_MAX];
};

/* As typed: date "JJ/MM/AAAA", time "14:30" or "14h30", duration in minutes. */
struct appointment_input {
	int64_t worker_id, site_id;
	const char *kind, *place, *place_detail, *date, *time, *duration, *to_bring, *notes;
	const int64_t *persons;
	int npersons;
};

typedef void (*appt_error_fn)(void *arg, const char *field, const char *msg);

int64_t appointment_create(struct db *db, const struct actor *by, const struct appointment_input *in,
			   appt_error_fn on_error, void *arg);
/* Moves or changes; reminders are scheduled again. 0, 1 when changed by
 * someone else since version, -1 refused. */
int appointment_update(struct db *db, const struct actor *by, int64_t id, int64_t version,
		       const struct appointment_input *in, appt_error_fn on_error, void *arg);
/* Cancels; pending reminders are withdrawn, nothing more is sent. */
int appointment_cancel(struct db *db, const struct actor *by, int64_t id, struct buf *err);
int appointment_set_outcome(struct db *db, const struct actor *by, int64_t id, int64_t person_id, const char *outcome,
			    struct buf *err);
/* 1 found in the actor's structure, 0, <0. */
int appointment_get(struct db *db, const struct actor *by, int64_t id, struct appointment *out);
/* Appointments of a worker (0: all the structure's) starting in [from, to). */
int appointment_list(struct db *db, const struct actor *by, int64_t worker_id, int64_t from, int64_t to,
		     void (*fn)(void *arg, const struct appointment *a), void *arg);
/* The person's appointments, latest first. */
int appointment_list_person(struct db *db, const struct actor *by, int64_t person_id,
			    void (*fn)(void *arg, const struct appointment *a), void *arg);

/* "14:30", "14h30", "14h", "9:05" -> minutes since midnight; -1 if invalid. */
int time_of_day_parse(const char *s);
/* Local civil date and minutes -> Unix time (Europe/Paris). */
int64_t local_to_unix(int y, int m, int d, int minutes);

/* Sites of a structure (id, name, address). */
int sites_list(struct db *db, int64_t structure_id, void (*fn)(void *arg, int64_t id, const char *name,
								const char *address), void *arg);

/* The private calendar feed of a worker: a new secret (returned once;
 * the previous one stops working) or revocation. */
int calendar_feed_new(struct db *db, const struct actor *by, const char *detail, char token[48]);
int calendar_feed_revoke(struct db *db, const struct actor *by);
/* Whether the user has a feed, and its level of detail. 1, 0, <0. */
int calendar_feed_get(struct db *db, int64_t user_id, char detail[16]);
/* The ICS text of the feed whose secret is token: 1 found, 0 unknown. */
int calendar_feed_ics(struct db *db, const char *token, struct buf *out);

#endif
