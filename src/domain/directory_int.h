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

/* Writes the themes link rows and the full-text row of a service, first
 * removing the old ones when replace. local: dir_local_* tables (owner is
 * the structure that keeps it). 0 or <0. */
int dir_index_service(struct db *db, int local, int64_t owner, int64_t service_id, const char *nom,
		      const char *description, const char *commune, const char *code_postal, const char *thematiques,
		      const char *structure_nom, int replace);

/* Re-indexes the full text of every service of a structure whose name
 * changed (national: dir_structures.id; local: dir_local_structures.id). */
int dir_reindex_structure(struct db *db, int local, int64_t owner, int64_t structure_row, const char *structure_nom);

#endif
