/*
 * Shared by directory.c and directory_import.c only: hashing, indexing
 * (themes link table, full-text rows) and list walking.
 */
#ifndef LIEN_DOMAIN_DIRECTORY_INT_H
#define LIEN_DOMAIN_DIRECTORY_INT_H

#include "domain/directory.h"

/* Walks '|'-joined values: for (const char *p = list; dir_list_next(&p, &s, &n);). */
int dir_list_next(const char **p, const char **item, size_t *n);

/* FNV-1a over fields [first, end) of r (absent and "" differ). Never 0. */
int64_t dir_record_hash(const struct dir_record *r, int first, int end);

/* Bitmask of the categories of '|'-joined sub-thématiques. */
int64_t dir_theme_cats(const char *thematiques);

/* The point of a service: its own coordinates, else its structure's
 * (lat/lon given as text, NULL when absent). 1 when there is one. */
int dir_service_point(const char *lat, const char *lon, const char *structure_lat, const char *structure_lon,
		      double *out_lat, double *out_lon);

/* The themes link rows of a service: on an update (replace), the old ones
 * go first (national: old_thematiques, the ones stored before; local: all
 * rows of the service). local: dir_local_* tables, owner the structure
 * that keeps it. 0 or <0. */
int dir_themes_write(struct db *db, int local, int64_t owner, int64_t service_id, const char *thematiques,
		     const char *old_thematiques, int replace);

/* The full-text row of a service is built from its row (external content):
 * remove it while the row still holds the old values, add it once the row
 * holds the new ones. 0 or <0. */
int dir_fts_delete(struct db *db, int local, int64_t service_id);
int dir_fts_add(struct db *db, int local, int64_t service_id);

/* A structure's new name into its services (structure_nom) and their
 * full text (national: dir_structures.id; local: dir_local_structures.id).
 * Services from id `unindexed` on have no full-text row yet (an import
 * indexes those it creates at its end): INT64_MAX when all have one. */
int dir_rename_structure(struct db *db, int local, int64_t structure_row, const char *nom, int64_t unindexed);

#endif
