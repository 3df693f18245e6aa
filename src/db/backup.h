/*
 * Backups: an online, consistent copy of the database (SQLite's backup API,
 * while the server keeps serving), encrypted and authenticated with the key
 * file (libsodium secretstream), so a stolen backup reveals nothing and a
 * damaged one is refused rather than restored half.
 */
#ifndef LIEN_DB_BACKUP_H
#define LIEN_DB_BACKUP_H

#include "core/buf.h"

/* Copies the database at db_path into an encrypted file at out_path
 * (created; refuses to overwrite). 0 or -1 with a French message. */
int backup_create(const char *db_path, const unsigned char key[32], const char *out_path, struct buf *err);
/* Decrypts a backup into a new database file at db_path (refuses an
 * existing file), checking every chunk and the end mark, then runs
 * PRAGMA integrity_check on the result. 0 or -1 with a message; on error
 * nothing is left at db_path. */
int backup_restore(const char *in_path, const unsigned char key[32], const char *db_path, struct buf *err);

#endif
