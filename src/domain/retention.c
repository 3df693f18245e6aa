#include "domain/retention.h"
#include "core/clock.h"
#include "core/log.h"
#include "db/queries.h"
#include "domain/audit.h"
#include "domain/document.h"

#include <stdlib.h>
#include <string.h>

struct retention_policy retention_policy = {
	.archive_after_days = 730,
	.anonymise_after_days = 1095,
};

static const struct actor SYSTEM = {.ip = "retention"};

/* The person's documents go too; their files are named in files, to be
 * removed once the caller has committed. */
static int anonymise(struct db *db, int64_t id, int64_t now, struct buf *files)
{
	if (document_delete_all_for_person(db, id, files) < 0)
		return -1;
	if (db_exec(db, SQL_PERSON_ANONYMISE, "ii", id, now) < 0 || db_exec(db, SQL_TASKS_ANONYMISE, "ii", id, now) < 0)
		return -1;
	/* Everything else that belongs to the file, by person id. */
	static const char *const by_person[] = {
		SQL_ENTRIES_ANONYMISE,    SQL_HOUSEHOLD_ANONYMISE, SQL_PERSON_NAMES_DELETE,
		SQL_PROCEDURES_ANONYMISE, SQL_CHECKLIST_ANONYMISE, SQL_MANDATES_ANONYMISE,
		SQL_REVOCATIONS_ANONYMISE, SQL_ACTS_ANONYMISE,     SQL_AIDS_ANONYMISE,
		SQL_DIAGNOSTICS_ANONYMISE, SQL_ORIENTATIONS_ANONYMISE, SQL_ORIENTATION_EVENTS_ANONYMISE,
	};
	for (size_t i = 0; i < sizeof by_person / sizeof by_person[0]; i++)
		if (db_exec(db, by_person[i], "i", id) < 0)
			return -1;
	return 0;
}

struct target {
	int64_t id, structure_id;
	char file_number[24];
};

/* Collects first, then writes: a statement is not stepped while others write. */
static int collect(struct db *db, const char *sql, int64_t archive_before, int64_t anonymise_before,
		   struct target **out, int *n)
{
	struct db_stmt *st = db_query(db, sql, "ii", archive_before, anonymise_before);
	if (!st)
		return -1;
	int cap = 0, rc;
	*out = NULL;
	*n = 0;
	while ((rc = db_step(st)) == 1) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			struct target *t = realloc(*out, (size_t)cap * sizeof **out);
			if (!t) {
				rc = -1;
				break;
			}
			*out = t;
		}
		struct target *t = &(*out)[(*n)++];
		t->id = db_col_int(st, 0);
		t->structure_id = db_col_int(st, 1);
		cstr_copy(t->file_number, sizeof t->file_number, db_col_text(st, 2));
	}
	db_done(st);
	return rc < 0 ? -1 : 0;
}

static int apply(struct db *db, const char *sql, const char *action, int64_t archive_before, int64_t anonymise_before,
		 int64_t now, int dry_run, retention_report_fn fn, void *arg)
{
	struct target *t;
	int n;
	if (collect(db, sql, archive_before, anonymise_before, &t, &n) < 0)
		return -1;
	int done = 0;
	for (int i = 0; i < n; i++) {
		if (fn)
			fn(arg, action, t[i].id, t[i].file_number);
		if (dry_run) {
			done++;
			continue;
		}
		struct actor who = SYSTEM;
		who.structure_id = t[i].structure_id;
		struct buf files = BUF_INIT;
		int rc = db_begin(db);
		if (rc == 0)
			rc = strcmp(action, "archive") == 0 ? db_exec(db, SQL_PERSON_ARCHIVE, "ii", t[i].id, now)
							    : anonymise(db, t[i].id, now, &files);
		if (rc == 0)
			rc = audit_log(db, &who, strcmp(action, "archive") == 0 ? "retention.archive" : "retention.anonymise",
				       "person", t[i].id, t[i].file_number);
		if (rc == 0)
			rc = db_commit(db);
		else
			db_rollback(db);
		if (rc == 0)
			document_unlink_files(&files);
		buf_free(&files);
		if (rc < 0) {
			free(t);
			return -1;
		}
		done++;
	}
	free(t);
	return done;
}

int retention_run(struct db *db, int64_t now, int dry_run, retention_report_fn fn, void *arg)
{
	int64_t archive_before = now - (int64_t)retention_policy.archive_after_days * 86400;
	int64_t anonymise_before = archive_before - (int64_t)retention_policy.anonymise_after_days * 86400;
	int a = apply(db, SQL_RETENTION_TO_ANONYMISE, "anonymise", archive_before, anonymise_before, now, dry_run, fn, arg);
	if (a < 0)
		return -1;
	int b = apply(db, SQL_RETENTION_TO_ARCHIVE, "archive", archive_before, anonymise_before, now, dry_run, fn, arg);
	if (b < 0)
		return -1;
	return a + b;
}

int retention_run_daily(struct db *db, int64_t now)
{
	if (db_exec(db, SQL_JOB_CLAIM, "sii", "retention", now, now - 86400 + 60) < 0)
		return -1;
	if (db_changes(db) == 0)
		return 0; /* another server (or an earlier run) did it today */
	int n = retention_run(db, now, 0, NULL, NULL);
	if (n > 0)
		log_info("retention: %d file(s) archived or anonymised", n);
	document_sweep(db, 3600);
	return n;
}

int person_anonymise(struct db *db, const struct actor *by, int64_t person_id)
{
	struct buf files = BUF_INIT;
	if (db_begin(db) < 0)
		return -1;
	if (anonymise(db, person_id, clock_now(), &files) < 0 ||
	    audit_log(db, by, "person.erase", "person", person_id, NULL) < 0 || db_commit(db) < 0) {
		db_rollback(db);
		buf_free(&files);
		return -1;
	}
	document_unlink_files(&files);
	buf_free(&files);
	return 0;
}
