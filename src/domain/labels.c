#include "domain/labels.h"
#include "core/text.h"
#include "domain/audit.h"

#include <stdio.h>
#include <string.h>

int labels_load(struct db *db, int64_t structure_id, const struct choice *defaults, const char *sql,
		struct label_list *out)
{
	out->n = 0;
	for (const struct choice *c = defaults; c->value && out->n < LABELS_MAX; c++) {
		cstr_copy(out->items[out->n].value, sizeof out->items[0].value, c->value);
		cstr_copy(out->items[out->n].label, sizeof out->items[0].label, c->label);
		out->n++;
	}
	struct db_stmt *st = db_query(db, sql, "i", structure_id);
	if (!st)
		return DB_ERR;
	int rc;
	while ((rc = db_step(st)) == 1 && out->n < LABELS_MAX) {
		cstr_copy(out->items[out->n].value, sizeof out->items[0].value, db_col_text(st, 0));
		cstr_copy(out->items[out->n].label, sizeof out->items[0].label, db_col_text(st, 1));
		out->n++;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

const char *label_of(const struct label_list *l, const char *value)
{
	for (int i = 0; i < l->n; i++)
		if (strcmp(l->items[i].value, value) == 0)
			return l->items[i].label;
	return value;
}

void label_value_from(const char *label, char *out, size_t n)
{
	struct buf f = BUF_INIT;
	text_fold(label, &f);
	snprintf(out, n, "local-%.50s", buf_cstr(&f));
	buf_free(&f);
	for (char *c = out; *c; c++)
		if (*c == ' ')
			*c = '-';
}

int label_add(struct db *db, const struct actor *by, const struct label_list *current, const char *sql_add,
	      const char *action, const char *label, struct buf *err)
{
	size_t len = strlen(label);
	if (len < 2 || len > 400 || !utf8_valid_text(label, len, 0) || utf8_length(label, len) > 100) {
		buf_puts(err, "Le nom doit faire entre 2 et 100 caractères.");
		return -1;
	}
	if (current->n >= LABELS_MAX) {
		buf_puts(err, "La liste est complète.");
		return -1;
	}
	/* The value is made from the folded label: adding it twice changes nothing. */
	char value[64];
	label_value_from(label, value, sizeof value);
	if (db_begin(db) < 0 || db_exec(db, sql_add, "iss", by->structure_id, value, label) < 0 ||
	    audit_log(db, by, action, "structure", by->structure_id, label) < 0 || db_commit(db) < 0) {
		db_rollback(db);
		buf_appendf(err, "Erreur de la base de données : %s", db_errmsg(db));
		return -1;
	}
	return 0;
}
