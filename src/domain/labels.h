/*
 * Lists a structure extends: a default list (organisms of démarches, kinds
 * of appointments) plus the structure's own entries, stored by value.
 */
#ifndef LIEN_DOMAIN_LABELS_H
#define LIEN_DOMAIN_LABELS_H

#include "core/buf.h"
#include "db/db.h"
#include "domain/domain.h"
#include "domain/person.h"

enum { LABELS_MAX = 96 };

struct label_list {
	struct {
		char value[64], label[120];
	} items[LABELS_MAX];
	int n;
};

/* The defaults, then the rows of sql ("SELECT value, label … WHERE
 * structure_id = $1"). 0 or <0. */
int labels_load(struct db *db, int64_t structure_id, const struct choice *defaults, const char *sql,
		struct label_list *out);
/* The label of a value, or the value itself when unknown (compare the
 * pointers to test membership). */
const char *label_of(const struct label_list *l, const char *value);
/* The value made from a new label: "local-" and its folded words. */
void label_value_from(const char *label, char *out, size_t n);
/* Adds a label to the structure's list (sql_add: $1 structure, $2 value,
 * $3 label; an upsert), audited as action. 0, or -1 with a message. */
int label_add(struct db *db, const struct actor *by, const struct label_list *current, const char *sql_add,
	      const char *action, const char *label, struct buf *err);

#endif
