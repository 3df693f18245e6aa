/*
 * Retention (CNIL référentiel for social action): a file with no contact
 * for archive_after_days is archived (read-only, heads of service only);
 * an archived file is anonymised anonymise_after_days later. Anonymising
 * keeps what statistics need and removes what identifies; it is also how
 * a request for erasure is honoured.
 */
#ifndef LIEN_DOMAIN_RETENTION_H
#define LIEN_DOMAIN_RETENTION_H

#include "db/db.h"
#include "domain/domain.h"

struct retention_policy {
	int archive_after_days;    /* 730 */
	int anonymise_after_days;  /* 1095, counted after the archiving delay */
};

extern struct retention_policy retention_policy;

/* Reports each file the run acts on (or would, when dry_run). */
typedef void (*retention_report_fn)(void *arg, const char *action, int64_t person_id, const char *file_number);

/* Returns the number of files changed (or to change), or <0. */
int retention_run(struct db *db, int64_t now, int dry_run, retention_report_fn fn, void *arg);
/* Runs at most once per day across all servers sharing the database. */
int retention_run_daily(struct db *db, int64_t now);

/* Erasure on request: anonymises one file now (audited). */
int person_anonymise(struct db *db, const struct actor *by, int64_t person_id);

#endif
