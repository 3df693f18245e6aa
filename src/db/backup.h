/*
 * Backups: an online, consistent copy of the database (SQLite's backup API,
 * while the server keeps serving) followed by the documents it refers to,
 * encrypted and authenticated with the key file (libsodium secretstream),
 * so a stolen backup reveals nothing and a damaged one is refused rather
 * than restored half.
 *
 * Format, version 2 (integers little-endian):
 *   "LIENBK02"            8 bytes in clear: "LIENBK" and the version
 *   header                24 bytes: the secretstream header
 *   size                  8 bytes: the length of the whole file
 *   check                 16 bytes: BLAKE2b (crypto_generichash) of the 40
 *                         bytes above, keyed with crypto_kdf_derive_from_key
 *                         (subkey 1, context "LienSauv") of the key: tells a
 *                         wrong key, and a cut file, from a damaged one
 *   chunks                secretstream messages of 64 KiB of plaintext (the
 *                         last one shorter, tagged FINAL), each with the 8
 *                         bytes of "LIENBK02" as additional data
 * The plaintext is a sequence of entries:
 *   'B' size:8 bytes      the database (first, once)
 *   'F' n:2 name:n size:8 bytes   a document file, by its name in the
 *                         documents folder (already encrypted at rest)
 *   'E'                   the end: nothing follows it
 * Version 1 ("LIENBK01", header, chunks without additional data) held the
 * database alone; it is still restored.
 */
#ifndef LIEN_DB_BACKUP_H
#define LIEN_DB_BACKUP_H

#include "core/buf.h"

struct backup_stats {
	int documents;      /* document files written or restored */
	int skipped;        /* listed by the database but gone (deleted during the copy) */
	int version;        /* of the file restored */
};

/* Copies the database at db_path into an encrypted file at out_path
 * (created 0600; refuses to overwrite), then the files of docs_dir that
 * the copy's documents table names. A document deleted since the copy is
 * skipped with a line in notes; a missing docs_dir while documents are
 * listed is an error (wrong --documents). 0 or -1 with a French message;
 * on error nothing is left at out_path. */
int backup_create(const char *db_path, const char *docs_dir, const unsigned char key[32], const char *out_path,
		  struct backup_stats *stats, struct buf *notes, struct buf *err);

/* Decrypts a backup into a new database file at db_path and, when it
 * holds documents, a new documents folder docs_dir (refuses an existing
 * database, or a folder that is not empty), checking every chunk, every
 * name (no "/", no ".."), and the end mark, then runs PRAGMA
 * integrity_check on the database. Everything is written under temporary
 * names beside the targets and renamed at the end: 0, or -1 with a message
 * and nothing left at db_path or docs_dir. */
int backup_restore(const char *in_path, const unsigned char key[32], const char *db_path, const char *docs_dir,
		   struct backup_stats *stats, struct buf *err);

#endif
