/*
 * The funders' export: one line per person seen in a period, under a
 * pseudonym (a keyed hash of the file with a key drawn for this export:
 * stable within the export, different in the next one, never the file
 * number), with the columns the funder asks for, chosen from a list.
 * Rare values of the columns that could single someone out (age band, sex,
 * commune, housing) are grouped under « Autre » when fewer people than the
 * masking threshold share them.
 */
#ifndef LIEN_DOMAIN_EXPORT_H
#define LIEN_DOMAIN_EXPORT_H

#include "core/buf.h"
#include "db/db.h"
#include "domain/person.h"

extern const struct choice export_columns[];

enum export_format { EXPORT_CSV, EXPORT_CSV_CP1252, EXPORT_XLSX };

/* columns: comma-separated values of export_columns (unknown ones are
 * refused). from/to: "JJ/MM/AAAA". Returns the number of lines, or -1
 * with a message. */
int export_persons(struct db *db, int64_t structure_id, const char *from, const char *to, const char *columns,
		   int mask_threshold, enum export_format format, struct buf *out, struct buf *err);

#endif
