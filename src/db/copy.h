/*
 * Moving up: a whole instance copied from its SQLite file into an empty
 * PostgreSQL database (lien migrate-db), then checked table by table.
 */
#ifndef LIEN_DB_COPY_H
#define LIEN_DB_COPY_H

#include "core/buf.h"

#include <stdint.h>

/* Called once per table copied: its name, rows, and the SHA-256 of its
 * rows (the same on both sides, or the copy fails). */
typedef void (*db_copy_fn)(const char *table, int64_t rows, const char checksum[65], void *arg);

/* Copies every table of the SQLite database at from (at the binary's
 * schema version: `lien migrate` it first) into the PostgreSQL database
 * at to, which must be empty: the schema is created, the rows copied with
 * COPY, identity sequences moved past the copied ids, then each table's
 * row count and checksum are compared on both sides — all in one
 * transaction, so that a failure leaves the target as it was. The session
 * must be allowed session_replication_role (a superuser): triggers that
 * keep derived rows must not fire on copied rows. 0, or -1 with a
 * French message. */
int db_copy_to_postgres(const char *from, const char *to, db_copy_fn fn, void *arg, struct buf *err);

#endif
