/*
 * Documents attached to a person's file, or to one of its démarches,
 * mandates or aid requests: PDF, JPEG or PNG, the type read from the
 * content, never from the name.
 *
 * The content lives outside the database, in one file per document under
 * a random name, encrypted with a key derived from the key file (not the
 * key of the private notes) and bound to that name. Only metadata is in
 * the documents table. Access follows the owning file (person_get):
 * structure isolation and restricted files. Adding, reading and deleting
 * are audited on the person ("document.add", "document.read",
 * "document.delete"), so the file's consultation history shows them.
 */
#ifndef LIEN_DOMAIN_DOCUMENT_H
#define LIEN_DOMAIN_DOCUMENT_H

#include "core/buf.h"
#include "db/db.h"
#include "domain/domain.h"

#include <stddef.h>
#include <stdint.h>

enum doc_type { DOC_NONE, DOC_PDF, DOC_JPEG, DOC_PNG };

/* The type from the first bytes: "%PDF-", FF D8 FF, or the PNG signature.
 * Anything else (executables, scripts, archives, text) is DOC_NONE. */
enum doc_type document_sniff(const void *data, size_t len);
/* "application/pdf", "image/jpeg", "image/png"; NULL for DOC_NONE. */
const char *document_mime(enum doc_type t);
/* "PDF", "JPEG", "PNG" for people; "" for DOC_NONE. */
const char *document_type_label(const char *mime);

enum { DOC_NAME_MAX = 120 }; /* characters */

/* The name kept for a document, from the name the browser sent: the last
 * path component only, no control or bidirectional-override characters,
 * no leading or trailing dots and spaces, accents kept, at most
 * DOC_NAME_MAX characters, and an extension that says the real type
 * ("scan.exe" holding a PDF becomes "scan.exe.pdf"). out needs
 * DOC_NAME_MAX * 4 + 1 bytes; "document.pdf" and the like when nothing
 * is left of the name. */
void document_clean_name(const char *name, enum doc_type t, char *out, size_t n);

/* "512 octets", "12 Ko", "1,5 Mo" (French, no-break space before the unit). */
void document_size_fr(int64_t bytes, char *out, size_t n);

/* The largest document accepted, in bytes (10 MiB; lien serve
 * --max-document). Set at start-up, before threads. */
extern size_t document_max_size;

/* Where the files go: dir, or when dir is NULL "documents" beside the
 * database file named by db_url. Only remembered here; the directory is
 * created (0700) by the first upload. Set at start-up, before threads.
 * 0, or -1 when the path is too long. */
int document_set_dir(const char *dir, const char *db_url);
const char *document_dir(void);

struct document {
	int64_t id, structure_id, person_id, object_id, size, uploaded_by, created_at;
	char object_type[16];
	char name[DOC_NAME_MAX * 4 + 1];
	char mime[32];
	char storage[48];
	char uploader[120];
	int archived;            /* the owning file is archived: read-only */
};

/* Errors of document_add and document_delete, besides a French message in
 * err when there is one. */
enum {
	DOC_ERR_INPUT = -1,      /* refused: type, size, archived file (err says why) */
	DOC_ERR_NOT_FOUND = -2,  /* no such file or object for this actor: a 404 */
	DOC_ERR_SERVER = -3,     /* disk or database: nothing was kept (err says so) */
};

/* Attaches data (len bytes, the name as sent) to an object of an active
 * file the actor may see (not inside a transaction: it commits its own): object_type "person" (object_id the person), "procedure",
 * "mandate" or "aid" (which must belong to that person and structure).
 * Checks size and type, writes the encrypted file (temporary name, fsync,
 * rename), then the row and its audit row in one transaction; the file is
 * removed if the database refuses. Returns the new id, or a DOC_ERR_*. */
int64_t document_add(struct db *db, const struct actor *by, int64_t person_id, const char *object_type,
		     int64_t object_id, const char *filename, const void *data, size_t len, struct buf *err);

/* Loads a document of the actor's structure whose file the actor may see.
 * 1 found, 0 not found or not allowed, <0 database error. */
int document_get(struct db *db, const struct actor *by, int64_t id, struct document *d);

/* Decrypts the content into out (appended; out's cap must allow d->size).
 * 0, or -1 when the file is missing, altered, truncated, or not the size
 * recorded (nothing is appended then). Does not audit: the caller does. */
int document_read(const struct document *d, struct buf *out);

/* Deletes the row with its audit row in one transaction, then the file.
 * 0, DOC_ERR_INPUT (archived file) or DOC_ERR_SERVER. */
int document_delete(struct db *db, const struct actor *by, const struct document *d, struct buf *err);

/* The documents of a person (object_type "person": all of the file's
 * documents, whatever they are attached to) or of one object, newest
 * first, for a file the caller has opened with person_get. Nothing for
 * reception. Returns the count or <0. */
int document_list(struct db *db, const struct actor *by, int64_t person_id, const char *object_type,
		  int64_t object_id, void (*fn)(void *arg, const struct document *d), void *arg);

/* Anonymisation and erasure: deletes the rows of all of a person's
 * documents inside the caller's transaction and appends their file names
 * to files (NUL-separated). Once the caller has committed, it removes them
 * with document_unlink_files(); after a rollback it just frees files.
 * 0 or <0. */
int document_delete_all_for_person(struct db *db, int64_t person_id, struct buf *files);
void document_unlink_files(const struct buf *files);

/* Removes stored files older than max_age seconds (by the system clock:
 * they are file times) that no row names, left by a crash between writing
 * a file and committing its row, or between deleting a row and its file.
 * Only names this module makes are touched, whatever else the directory
 * holds. Returns the number removed, or -1. */
int document_sweep(struct db *db, int64_t max_age);

#endif
