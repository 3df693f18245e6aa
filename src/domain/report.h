/*
 * The activity report, computed from the journal: nobody types a figure.
 * For a period and a structure: people seen (new and returning, by age
 * band, sex and commune), interactions by kind, medium and theme, time
 * spent; each figure beside the same figure for the previous period of the
 * same length.
 *
 * The journal's figures come from aggregates that triggers keep up to date
 * on every write (migration 012), summed in C: SQLite has no hash
 * aggregation, and one pass is cheaper than a GROUP BY per table.
 */
#ifndef LIEN_DOMAIN_REPORT_H
#define LIEN_DOMAIN_REPORT_H

#include "core/buf.h"
#include "db/db.h"
#include "domain/domain.h"

enum { REPORT_MAX_ROWS = 40 };

struct report_row {
	char key[80];
	char label[120];
	int64_t n, prev;
};

struct report_table {
	const char *title;
	const char *unit;         /* "personnes", "échanges" */
	const char *whose;        /* a worker's or site's report: which rows count, for the reader; else NULL */
	struct report_row rows[REPORT_MAX_ROWS];
	int nrows;
};

enum report_table_id {
	RT_KIND, RT_MEDIUM, RT_THEME, RT_AGE, RT_SEX, RT_COMMUNE, RT_HOUSEHOLD,
	RT_PROC_WAY, RT_PROC_ORGANISM, RT_AID_KIND, RT_AID_DECISION, RT_AID_AMOUNT, RT_AUTONOMY, RT_APPOINTMENTS,
	RT_ORIENT_THEME, RT_ORIENT_PARTNER, RT_ORIENT_OUTCOME,
	RT_COUNT
};

struct activity_report {
	char from[11], to[11];          /* inclusive civil dates */
	char prev_from[11], prev_to[11];
	int64_t people, people_prev;
	int64_t new_people, new_people_prev;
	int64_t entries, entries_prev;
	int64_t minutes, minutes_prev;
	/* From the démarches, mandates and aid requests (report_procedures). */
	int64_t procedures, procedures_prev, in_place, in_place_prev;
	int64_t mandates, mandates_prev, acts, acts_prev;
	int64_t aids, aids_prev, aid_granted, aid_granted_prev; /* cents */
	int64_t diagnosed, diagnosed_prev, progressed, progressed_prev;
	int64_t expected, expected_prev, missed, missed_prev; /* people expected at appointments, and no-shows */
	const char *whose;        /* a worker's or a site's report: what the totals count; else NULL */
	char site[120];           /* a site's report: its name, for titles; else "" */
	struct report_table tables[RT_COUNT];
};

/* Whose figures: a structure, or one of its workers. A worker's report
 * counts the rows of their own work in every section: the entries they
 * wrote, the démarches, mandates, aid requests and orientations they
 * created, the acts under mandate they did, the people whose latest
 * diagnostic they did, the appointments they held (report_whose in
 * report.c; each table's `whose` says it to the reader). Every row has one
 * such worker, so the workers' figures add up to the structure's, except
 * the people's (two workers may see the same person).
 *
 * A site's report counts what records a site: the journal entries written
 * there (journal_entries.site_id, migration 018) and the appointments held
 * there. The other sections (démarches, mandates, acts, aid, diagnostics,
 * orientations) record no place: they stay empty, and each says so, rather
 * than show the structure's figures under a site's name. The aggregates
 * keep a site's rows under author_id = -site_id (0: the structure, > 0: a
 * worker, < 0: a site). A worker and a site at once is refused. */
struct report_scope {
	int64_t structure_id;
	int64_t worker_id;        /* 0: the whole structure */
	int64_t site_id;          /* 0: no site in particular */
};
/* REPORT_AGGREGATES reads the tables the journal's triggers keep up to
 * date (migration 012): the cost follows the days and people of the
 * period, not its entries. REPORT_RECOUNT scans the raw entries: the
 * reference the aggregates are tested against. Same figures either way,
 * except that a table with more than REPORT_MAX_ROWS keys folds those met
 * last into « Autres », and the two ways meet themes in different orders. */
enum report_method { REPORT_AGGREGATES, REPORT_RECOUNT };
/* Computes the report of a scope between two dates (inclusive, local
 * French dates "YYYY-MM-DD" or "JJ/MM/AAAA"). 0, or -1 with a message (a
 * site of another structure, a site and a worker together, a bad period). */
int report_compute(struct db *db, const struct report_scope *scope, const char *from, const char *to,
		   enum report_method how, struct activity_report *r, struct buf *err);

/* The name of a site of the structure (open or closed) into name: 1, 0
 * when it is not one of the structure's, <0 on a database error. */
int report_site_name(struct db *db, int64_t structure_id, int64_t site_id, char *name, size_t size);
/* Each of the structure's sites (open or closed), by name: 0 or <0. */
int report_sites(struct db *db, int64_t structure_id, void (*fn)(void *arg, int64_t id, const char *name), void *arg);

/* The baromètre: the survey's findings (overload, loss of human contact,
 * doing things in people's place) as figures a team can watch, month by
 * month, for the structure or one worker. */
enum { BAROMETER_MONTHS = 12 };
struct barometer_month {
	char label[24];                         /* "novembre 2026" */
	int64_t minutes_people, minutes_admin;  /* time with people / administrative */
	int64_t persons_seen, persons_oriented;
	int64_t proc_alone, proc_with, proc_in_place;
	int64_t autonomy_gains;                 /* diagnostics finding a higher level */
};
/* The last BAROMETER_MONTHS months, the current one last. worker_id 0: all. */
int report_barometer(struct db *db, int64_t structure_id, int64_t worker_id,
		     struct barometer_month out[BAROMETER_MONTHS]);

/* The headline figures, labelled, in the order every format shows them. */
enum { REPORT_TOTALS = 17 };
struct report_total {
	const char *label;
	int64_t n, prev;
};
int report_totals(const struct activity_report *r, struct report_total out[REPORT_TOTALS]);

/* Figures that leave the structure hide small counts: 1..threshold-1
 * become "< threshold". Writes the text for n into out. */
void report_masked(int64_t n, int threshold, char *out, size_t size);

/* Exports: every figure, small counts masked (they leave the structure).
 * CSV for spreadsheets (';', UTF-8 with a BOM, or Windows-1252 when
 * cp1252), cells protected against formula injection; XLSX with formatted
 * headers and numbers as numbers; a printable PDF. 0 or -1. */
int report_activity_csv(const struct activity_report *r, int mask_threshold, int cp1252, struct buf *out);
int report_activity_xlsx(const struct activity_report *r, int mask_threshold, struct buf *out, struct buf *err);
int report_activity_pdf(const struct activity_report *r, const char *structure, int mask_threshold, struct buf *out);

#endif
