/*
 * Importing people from a spreadsheet (CSV): UTF-8 or Windows-1252, ';' or
 * ',' separators, columns recognised by their usual French headers or
 * mapped explicitly. Every line is checked before anything is written;
 * a bad line is reported with its number and reason. Nothing is written if
 * any line is bad, unless bad lines are to be skipped.
 */
#ifndef LIEN_DOMAIN_IMPORT_H
#define LIEN_DOMAIN_IMPORT_H

#include "core/buf.h"
#include "db/db.h"
#include "domain/domain.h"

/* A bigger file is refused: it should be split (and checked in parts). */
enum { IMPORT_MAX_LINES = 50000 };

struct import_options {
	const char *mapping;     /* "Header=field,Header2=field2" (field names of person.h), or NULL */
	const char *info_date;   /* when the file has no information date column */
	const char *info_method; /* idem: oral_notice or paper */
	int dry_run;
	int skip_bad;
	int allow_duplicates;    /* create even when a file with the same person exists */
};

struct import_result {
	int lines, imported, bad, duplicates;
};

/* report(arg, line, message): one call per problem (line 0: the whole file). */
typedef void (*import_report_fn)(void *arg, int line, const char *message);

/* 0 when the import went through (or would, in a dry run), -1 otherwise. */
int import_persons(struct db *db, const struct actor *by, const char *data, size_t len,
		   const struct import_options *opt, struct import_result *res, import_report_fn report, void *arg);

#endif
