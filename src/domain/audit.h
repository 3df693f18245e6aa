/*
 * The audit log: who did what to which object, when and from where.
 * Append-only and hash-chained: each row's hash covers its own fields and
 * the previous row's hash, so changing or deleting any row is detected by
 * audit_verify (lien audit verify).
 */
#ifndef LIEN_DOMAIN_AUDIT_H
#define LIEN_DOMAIN_AUDIT_H

#include "core/buf.h"
#include "db/db.h"
#include "domain/domain.h"

/* Appends one row. Inside the caller's transaction if there is one (so the
 * change and its audit row commit together), else in its own. 0 or <0. */
int audit_log(struct db *db, const struct actor *who, const char *action,
	      const char *object_type, int64_t object_id, const char *detail);

/* Walks the whole chain. Returns 0 when intact (*rows = rows checked), or
 * -1 with err naming the first row where the chain breaks. */
int audit_verify(struct db *db, int64_t *rows, struct buf *err);

struct audit_entry {
	int64_t at;
	const char *who, *action, *ip, *detail;
};

/* The latest entries of a structure, newest first. */
int audit_recent(struct db *db, int64_t structure_id, int limit,
		 void (*fn)(void *arg, const struct audit_entry *e), void *arg);

/* Who read or changed one object (a person's file), newest first. */
int audit_for_object(struct db *db, int64_t structure_id, const char *object_type, int64_t object_id, int limit,
		     void (*fn)(void *arg, const struct audit_entry *e), void *arg);

#endif
