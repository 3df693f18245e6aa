/*
 * Reminders of appointments, on the channel each person chose, through a
 * durable outbox (table outbox):
 *  - scheduling writes one row per reminder in the appointment's own
 *    transaction; moving the appointment rewrites the pending rows,
 *    cancelling withdraws them;
 *  - SMS and e-mail rows are sent by the background sender (outbox_claim,
 *    outbox_done): a row is claimed before it is handed to the gateway, so
 *    that two servers or a restart never send it twice; a claim that
 *    expired without an answer is settled by the gateway's delivery report
 *    or, failing that, retried;
 *  - letters and calls are lists for reception, marked done by hand.
 */
#ifndef LIEN_DOMAIN_REMINDER_H
#define LIEN_DOMAIN_REMINDER_H

#include "core/buf.h"
#include "db/db.h"
#include "domain/domain.h"
#include "domain/person.h"

extern const struct choice reminder_channels[]; /* sms, email, courrier, telephone */

enum { TEMPLATE_MAX = 1000 };

struct reminder_settings {
	char delays[64];     /* hours before, e.g. "48,24" */
	char fallback[64];   /* e.g. "sms,email,courrier,telephone" */
	char sms_template[TEMPLATE_MAX], email_template[TEMPLATE_MAX], letter_template[TEMPLATE_MAX];
};

extern const char reminder_default_sms[], reminder_default_email[], reminder_default_letter[];

int reminder_settings_get(struct db *db, int64_t structure_id, struct reminder_settings *out);
int reminder_settings_set(struct db *db, const struct actor *by, const struct reminder_settings *s, struct buf *err);

/* The channel that reaches the person: the preferred one when its data
 * is there (a mobile for SMS, an address for e-mail or a letter, a number
 * for a call), else the first possible in the fallback order. Writes the
 * recipient (E.164 number, e-mail address, postal address). "" if none. */
const char *reminder_channel(const struct person *p, const char *fallback, char *recipient, size_t n);

/* The values a template's {placeholders} take. */
struct reminder_values {
	const char *first_name, *name, *date, *time, *with, *place, *to_bring, *phone, *structure;
};
/* Fills a template: {prenom} {nom} {date} {heure} {avec} {lieu}
 * {apporter} {telephone} {structure}. For SMS the text is folded to the
 * GSM alphabet and, when longer than one segment, optional parts (what to
 * bring, then the place) are dropped before anything else: a word is
 * never cut. Returns the number of SMS segments (0 for other channels). */
int reminder_render(const char *tpl, const struct reminder_values *v, int sms, struct buf *out);

/* Inside the caller's transaction. */
int reminders_schedule(struct db *db, int64_t structure_id, int64_t appointment_id);
int reminders_withdraw(struct db *db, int64_t appointment_id);

/* ---- the outbox ---- */

struct outbox_row {
	int64_t id, structure_id, appointment_id, person_id, due_at, attempts, sent_at;
	char channel[16], status[16];
	char recipient[400], subject[300];
	char body[2400];
	char last_error[300];
	char person_name[200];
};

enum { OUTBOX_MAX_ATTEMPTS = 6 };
/* How long a claim lasts, and how long a delivery report then has to
 * settle an unanswered one before it is sent again (120 s; tests shorten it). */
extern int outbox_claim_seconds;

/* Claims up to max due SMS and e-mail rows (status 'sending' until the
 * claim expires); returns how many were put in rows. Rows whose claim
 * expired are taken again only after outbox_claim_seconds more, the time
 * a delivery report needs to settle them. */
int outbox_claim(struct db *db, int64_t now, struct outbox_row *rows, int max);
/* Records the gateway's answer: ok, a temporary error (retried with
 * back-off until OUTBOX_MAX_ATTEMPTS, then 'failed') or a permanent one. */
int outbox_done(struct db *db, const struct outbox_row *r, int result, const char *error, int64_t now);
/* Claims the due SMS and e-mails and hands them to the gateways (the
 * background sender calls it). Returns how many were handled, or -1. */
int outbox_send_due(struct db *db, int64_t now);
/* A delivery report for a row (from Kannel's callback). */
int outbox_delivery(struct db *db, int64_t id, int delivered, int64_t now);

/* Letters and calls to do today (due), or the failed messages, for the
 * structure's reception. */
int outbox_list(struct db *db, const struct actor *by, const char *channel, const char *status, int64_t until,
		void (*fn)(void *arg, const struct outbox_row *r), void *arg);
int outbox_list_for_appointment(struct db *db, const struct actor *by, int64_t appointment_id,
				void (*fn)(void *arg, const struct outbox_row *r), void *arg);
int outbox_get(struct db *db, const struct actor *by, int64_t id, struct outbox_row *out);
/* A letter posted or a call made. */
int outbox_mark_done(struct db *db, const struct actor *by, int64_t id, struct buf *err);
/* Counts by status for the structure (the reception's overview). */
int outbox_counts(struct db *db, const struct actor *by, int64_t *pending, int64_t *failed, int64_t *letters,
		  int64_t *calls);

#endif
