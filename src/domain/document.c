#include "domain/document.h"
#include "core/fdio.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/log.h"
#include "db/queries.h"
#include "domain/audit.h"
#include "domain/person.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NBSP "\xc2\xa0"

size_t document_max_size = 10 * 1024 * 1024;
static char doc_dir[4096] = "var/documents";

/* ---- types and names ---- */

static const struct {
	enum doc_type type;
	const char *mime, *label, *ext, *ext2;
} TYPES[] = {
	{DOC_PDF, "application/pdf", "PDF", ".pdf", NULL},
	{DOC_JPEG, "image/jpeg", "JPEG", ".jpg", ".jpeg"},
	{DOC_PNG, "image/png", "PNG", ".png", NULL},
};
enum { NTYPES = sizeof TYPES / sizeof TYPES[0] };

enum doc_type document_sniff(const void *data, size_t len)
{
	static const unsigned char PDF[] = {'%', 'P', 'D', 'F', '-'};
	static const unsigned char JPEG[] = {0xff, 0xd8, 0xff};
	static const unsigned char PNG[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	if (!data)
		return DOC_NONE;
	if (len >= sizeof PDF && memcmp(data, PDF, sizeof PDF) == 0)
		return DOC_PDF;
	if (len >= sizeof JPEG && memcmp(data, JPEG, sizeof JPEG) == 0)
		return DOC_JPEG;
	if (len >= sizeof PNG && memcmp(data, PNG, sizeof PNG) == 0)
		return DOC_PNG;
	return DOC_NONE;
}

const char *document_mime(enum doc_type t)
{
	for (int i = 0; i < NTYPES; i++)
		if (TYPES[i].type == t)
			return TYPES[i].mime;
	return NULL;
}

const char *document_type_label(const char *mime)
{
	for (int i = 0; i < NTYPES; i++)
		if (mime && strcmp(TYPES[i].mime, mime) == 0)
			return TYPES[i].label;
	return "";
}

/* The code point at s[0..n), its length in *len; 0 with *len 1 for a byte
 * that does not start valid UTF-8 (it is dropped). */
static unsigned utf8_decode(const unsigned char *s, size_t n, size_t *len)
{
	unsigned c = s[0], cp;
	size_t k;
	*len = 1;
	if (c < 0x80)
		return c;
	if (c >= 0xc2 && c <= 0xdf) {
		k = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		k = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		k = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (k > n)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*len = k;
	return cp;
}

/* Characters a name may not hold: controls, and the invisible marks that
 * reorder text ("facture\u202Efdp.exe" shows as "facture exe.pdf"). */
static int name_char_ok(unsigned cp)
{
	return cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp < 0xa0) && cp != 0x200e && cp != 0x200f &&
	       !(cp >= 0x202a && cp <= 0x202e) && !(cp >= 0x2066 && cp <= 0x2069) && cp != 0xfeff;
}

static size_t utf8_encode(unsigned cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static int ascii_lower(unsigned cp)
{
	return cp >= 'A' && cp <= 'Z' ? (int)(cp + 32) : (int)cp;
}

/* Whether cps[from..to) spells ext (".pdf"), ASCII case ignored. */
static int cps_are(const unsigned *cps, size_t from, size_t to, const char *ext)
{
	if (!ext || to - from != strlen(ext))
		return 0;
	for (size_t i = from; i < to; i++)
		if (ascii_lower(cps[i]) != ext[i - from])
			return 0;
	return 1;
}

static int trim_char(unsigned cp)
{
	return cp == ' ' || cp == '.' || cp == 0xa0;
}

void document_clean_name(const char *name, enum doc_type t, char *out, size_t n)
{
	enum { MAX_CPS = 1024 };
	unsigned cps[MAX_CPS];
	size_t ncp = 0;
	if (!n)
		return;
	if (!name)
		name = "";
	/* The last path component: some browsers send "C:\Users\…\scan.pdf". */
	const char *base = name;
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	const unsigned char *s = (const unsigned char *)base;
	size_t left = strlen(base);
	while (left && ncp < MAX_CPS) {
		size_t len;
		unsigned cp = utf8_decode(s, left, &len);
		if (name_char_ok(cp))
			cps[ncp++] = cp;
		s += len;
		left -= len;
	}
	size_t from = 0;
	while (from < ncp && trim_char(cps[from]))
		from++;
	while (ncp > from && trim_char(cps[ncp - 1]))
		ncp--;

	/* Keep the extension when it says the real type, else add the right one. */
	const char *ext = "";
	size_t stem_end = ncp;
	for (int i = 0; i < NTYPES; i++) {
		if (TYPES[i].type != t)
			continue;
		ext = TYPES[i].ext;
		size_t dot = ncp;
		while (dot > from && cps[dot - 1] != '.')
			dot--;
		if (dot > from && (cps_are(cps, dot - 1, ncp, TYPES[i].ext) || cps_are(cps, dot - 1, ncp, TYPES[i].ext2))) {
			stem_end = dot - 1;
			ext = NULL; /* the name's own, kept as typed */
		}
	}
	size_t ext_len = ext ? strlen(ext) : ncp - stem_end;
	while (stem_end > from && trim_char(cps[stem_end - 1]))
		stem_end--;
	if (stem_end - from > DOC_NAME_MAX - ext_len)
		stem_end = from + DOC_NAME_MAX - ext_len;
	while (stem_end > from && trim_char(cps[stem_end - 1]))
		stem_end--;

	size_t w = 0;
	char u[4];
	const char *fallback = "document";
	if (stem_end == from)
		for (const char *f = fallback; *f && w + 1 < n; f++)
			out[w++] = *f;
	for (size_t i = from; i < stem_end; i++) {
		size_t k = utf8_encode(cps[i], u);
		if (w + k >= n)
			break;
		memcpy(out + w, u, k);
		w += k;
	}
	if (ext) {
		for (const char *e = ext; *e && w + 1 < n; e++)
			out[w++] = *e;
	} else {
		/* The name's own extension, after a stem maybe cut short. */
		size_t dot = ncp - ext_len;
		for (size_t i = dot; i < ncp; i++) {
			size_t k = utf8_encode(cps[i], u);
			if (w + k >= n)
				break;
			memcpy(out + w, u, k);
			w += k;
		}
	}
	out[w] = '\0';
}

void document_size_fr(int64_t bytes, char *out, size_t n)
{
	if (bytes < 0)
		bytes = 0;
	if (bytes < 1024) {
		snprintf(out, n, "%lld" NBSP "%s", (long long)bytes, bytes < 2 ? "octet" : "octets");
		return;
	}
	int64_t ko = (bytes + 512) / 1024;
	if (ko < 1024) {
		snprintf(out, n, "%lld" NBSP "Ko", (long long)ko);
		return;
	}
	int64_t tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024);
	if (tenths % 10)
		snprintf(out, n, "%lld,%lld" NBSP "Mo", (long long)(tenths / 10), (long long)(tenths % 10));
	else
		snprintf(out, n, "%lld" NBSP "Mo", (long long)(tenths / 10));
}

/* ---- storage ---- */

int document_set_dir(const char *dir, const char *db_url)
{
	if (dir)
		return cstr_copy(doc_dir, sizeof doc_dir, dir);
	const char *slash = db_url ? strrchr(db_url, '/') : NULL;
	if (!slash)
		return cstr_copy(doc_dir, sizeof doc_dir, "documents");
	int r = snprintf(doc_dir, sizeof doc_dir, "%.*s/documents", (int)(slash - db_url), db_url);
	return r < 0 || (size_t)r >= sizeof doc_dir ? -1 : 0;
}

const char *document_dir(void)
{
	return doc_dir;
}

static const char MAGIC[8] = {'L', 'I', 'E', 'N', 'D', 'O', 'C', '1'};
enum { CHUNK = 64 * 1024 };
#define ABYTES crypto_secretstream_xchacha20poly1305_ABYTES
#define HBYTES crypto_secretstream_xchacha20poly1305_HEADERBYTES

/* Only names made by token_new(): nothing read from the database or the
 * directory can point elsewhere. */
static int storage_name_ok(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= '0' && s[n] <= '9') ||
		      s[n] == '-' || s[n] == '_'))
			return 0;
	return n == TOKEN_LEN;
}

static int path_of(char *out, size_t n, const char *prefix, const char *storage)
{
	if (!storage_name_ok(storage))
		return -1;
	int r = snprintf(out, n, "%s/%s%s", doc_dir, prefix, storage);
	return r < 0 || (size_t)r >= n ? -1 : 0;
}

/* Its own key, derived from the key file's: documents never share the
 * key of the private notes. */
static void document_key(unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES])
{
	crypto_kdf_derive_from_key(key, crypto_secretstream_xchacha20poly1305_KEYBYTES, 1, "lien-doc", domain_key());
}

/* Up to n bytes; fewer only at the end of the file. -1 on error. */
static ssize_t read_full(int fd, void *p, size_t n)
{
	char *c = p;
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, c + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

static void sync_dir(void)
{
	int fd = open(doc_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

static void unlink_storage(const char *storage)
{
	char path[4200];
	if (path_of(path, sizeof path, "", storage) < 0) {
		log_error("document: refusing to remove a file named %.60s", storage);
		return;
	}
	if (unlink(path) < 0 && errno != ENOENT)
		log_warn("document: %s not removed: %s", path, strerror(errno));
}

/* Encrypts data into <dir>/<storage>. Written under a temporary name,
 * synced, then renamed: a crash never leaves a half file under a real
 * name. Each chunk is bound to the name, so a file moved under another
 * document's name does not open. */
static int store(const char *storage, const void *data, size_t len)
{
	char tmp[4200], final[4200];
	if (path_of(tmp, sizeof tmp, ".tmp-", storage) < 0 || path_of(final, sizeof final, "", storage) < 0)
		return -1;
	if (mkdir(doc_dir, 0700) < 0 && errno != EEXIST) {
		log_error("document: cannot create %s: %s", doc_dir, strerror(errno));
		return -1;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		log_error("document: cannot create %s: %s", tmp, strerror(errno));
		return -1;
	}
	unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES], header[HBYTES];
	crypto_secretstream_xchacha20poly1305_state st;
	document_key(key);
	crypto_secretstream_xchacha20poly1305_init_push(&st, header, key);
	sodium_memzero(key, sizeof key);
	unsigned char *cipher = malloc(CHUNK + ABYTES);
	int ok = cipher && fd_write_all(fd, MAGIC, sizeof MAGIC) == 0 && fd_write_all(fd, header, sizeof header) == 0;
	const unsigned char *p = data;
	size_t off = 0;
	while (ok) {
		size_t n = len - off < CHUNK ? len - off : CHUNK;
		int last = off + n == len;
		unsigned long long clen;
		crypto_secretstream_xchacha20poly1305_push(&st, cipher, &clen, p + off, n, (const unsigned char *)storage,
							   strlen(storage),
							   last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
		ok = fd_write_all(fd, cipher, (size_t)clen) == 0;
		off += n;
		if (last)
			break;
	}
	sodium_memzero(&st, sizeof st);
	free(cipher);
	if (ok && fsync(fd) != 0)
		ok = 0;
	if (close(fd) != 0)
		ok = 0;
	if (ok && rename(tmp, final) != 0)
		ok = 0;
	if (!ok) {
		log_error("document: cannot write %s: %s", final, strerror(errno));
		unlink(tmp);
		return -1;
	}
	sync_dir();
	return 0;
}

int document_read(const struct document *d, struct buf *out)
{
	char path[4200];
	if (path_of(path, sizeof path, "", d->storage) < 0)
		return -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		log_error("document %lld: cannot open %s: %s", (long long)d->id, path, strerror(errno));
		return -1;
	}
	size_t start = out->len;
	unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES], header[HBYTES];
	char magic[sizeof MAGIC];
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char *cipher = malloc(CHUNK + ABYTES), *plain = malloc(CHUNK);
	int ok = cipher && plain && d->size >= 0 && buf_reserve(out, (size_t)d->size) == 0 &&
		 read_full(fd, magic, sizeof magic) == (ssize_t)sizeof magic && memcmp(magic, MAGIC, sizeof MAGIC) == 0 &&
		 read_full(fd, header, sizeof header) == (ssize_t)sizeof header;
	if (ok) {
		document_key(key);
		ok = crypto_secretstream_xchacha20poly1305_init_pull(&st, header, key) == 0;
		sodium_memzero(key, sizeof key);
	}
	int final = 0;
	while (ok && !final) {
		ssize_t n = read_full(fd, cipher, CHUNK + ABYTES);
		unsigned long long plen = 0;
		unsigned char tag = 0;
		ok = n >= (ssize_t)ABYTES &&
		     crypto_secretstream_xchacha20poly1305_pull(&st, plain, &plen, &tag, cipher, (unsigned long long)n,
								(const unsigned char *)d->storage, strlen(d->storage)) == 0 &&
		     buf_append(out, plain, (size_t)plen) == 0;
		final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
	}
	/* Nothing after the final chunk, and the size recorded. */
	if (ok)
		ok = read_full(fd, cipher, 1) == 0 && out->len - start == (size_t)d->size;
	close(fd);
	sodium_memzero(&st, sizeof st);
	if (plain)
		sodium_memzero(plain, CHUNK);
	free(cipher);
	free(plain);
	if (!ok) {
		log_error("document %lld: %s is unreadable (missing, altered, or another key)", (long long)d->id, path);
		if (out->data) {
			sodium_memzero(out->data + start, out->len - start);
			out->len = start;
			out->data[start] = '\0';
		}
		return -1;
	}
	return 0;
}

/* ---- rows ---- */

static void from_row(struct db_stmt *st, struct document *d)
{
	memset(d, 0, sizeof *d);
	d->id = db_col_int(st, 0);
	d->structure_id = db_col_int(st, 1);
	d->person_id = db_col_int(st, 2);
	cstr_copy(d->object_type, sizeof d->object_type, db_col_text(st, 3));
	d->object_id = db_col_int(st, 4);
	cstr_copy(d->name, sizeof d->name, db_col_text(st, 5));
	cstr_copy(d->mime, sizeof d->mime, db_col_text(st, 6));
	d->size = db_col_int(st, 7);
	cstr_copy(d->storage, sizeof d->storage, db_col_text(st, 8));
	d->uploaded_by = db_col_int(st, 9);
	d->created_at = db_col_int(st, 10);
	cstr_copy(d->uploader, sizeof d->uploader, db_col_text(st, 11));
}

/* 1 when the object is the person's, within the actor's structure. */
static int object_of_person(struct db *db, const struct actor *by, int64_t person_id, const char *type, int64_t id)
{
	const char *sql;
	if (strcmp(type, "person") == 0)
		return id == person_id;
	if (strcmp(type, "procedure") == 0)
		sql = SQL_DOCUMENT_PROCEDURE_OF;
	else if (strcmp(type, "mandate") == 0)
		sql = SQL_DOCUMENT_MANDATE_OF;
	else if (strcmp(type, "aid") == 0)
		sql = SQL_DOCUMENT_AID_OF;
	else
		return 0;
	int64_t n = 0;
	int rc = db_get_int(db, sql, &n, "iii", id, person_id, by->structure_id);
	return rc < 0 ? rc : n > 0;
}

static void audit_detail(char *out, size_t n, int64_t id, const char *name)
{
	snprintf(out, n, "%lld %s", (long long)id, name);
}

int64_t document_add(struct db *db, const struct actor *by, int64_t person_id, const char *object_type,
		     int64_t object_id, const char *filename, const void *data, size_t len, struct buf *err)
{
	static const char UNAVAILABLE[] = "La base de données est momentanément indisponible : rien n'a été enregistré. Réessayez.";
	if (!person_can_follow(by))
		return DOC_ERR_NOT_FOUND;
	struct person p;
	int rc = person_get(db, by, person_id, &p, NULL);
	if (rc == 1)
		rc = object_of_person(db, by, person_id, object_type ? object_type : "", object_id);
	if (rc < 0) {
		buf_puts(err, UNAVAILABLE);
		return DOC_ERR_SERVER;
	}
	if (rc == 0)
		return DOC_ERR_NOT_FOUND;
	if (strcmp(p.status, "active") != 0) {
		buf_puts(err, "Ce dossier est archivé : on ne peut plus y ajouter de document.");
		return DOC_ERR_INPUT;
	}
	if (len == 0) {
		buf_puts(err, "Le fichier est vide.");
		return DOC_ERR_INPUT;
	}
	if (len > document_max_size) {
		char max[32];
		document_size_fr((int64_t)document_max_size, max, sizeof max);
		buf_appendf(err, "Le fichier dépasse %s.", max);
		return DOC_ERR_INPUT;
	}
	enum doc_type t = document_sniff(data, len);
	if (t == DOC_NONE) {
		buf_puts(err, "Ce fichier n'est ni un PDF ni une image JPEG ou PNG : il n'a pas été enregistré.");
		return DOC_ERR_INPUT;
	}
	char name[DOC_NAME_MAX * 4 + 1], storage[TOKEN_LEN + 1];
	document_clean_name(filename, t, name, sizeof name);
	token_new(storage);
	if (store(storage, data, len) < 0) {
		buf_puts(err, "Le document n'a pas pu être écrit sur le disque : rien n'a été enregistré. "
			      "Réessayez, et prévenez l'administrateur si cela se reproduit.");
		return DOC_ERR_SERVER;
	}
	int64_t id = -1;
	char detail[DOC_NAME_MAX * 4 + 32];
	if (db_begin(db) < 0)
		goto fail;
	if (db_exec(db, SQL_DOCUMENT_ADD, "iisissisii", by->structure_id, person_id, object_type, object_id, name,
		    document_mime(t), (int64_t)len, storage, by->user_id, clock_now()) < 0)
		goto rollback;
	id = db_last_id(db);
	audit_detail(detail, sizeof detail, id, name);
	if (audit_log(db, by, "document.add", "person", person_id, detail) < 0 || db_commit(db) < 0)
		goto rollback;
	return id;
rollback:
	db_rollback(db);
fail:
	unlink_storage(storage);
	buf_puts(err, UNAVAILABLE);
	return DOC_ERR_SERVER;
}

int document_get(struct db *db, const struct actor *by, int64_t id, struct document *d)
{
	memset(d, 0, sizeof *d);
	if (!person_can_follow(by) || !by->structure_id)
		return 0;
	struct db_stmt *st = db_query(db, SQL_DOCUMENT_GET, "ii", id, by->structure_id);
	if (!st)
		return DB_ERR;
	int rc = db_step(st);
	if (rc == 1)
		from_row(st, d);
	db_done(st);
	if (rc != 1)
		return rc;
	/* The file's own rule: isolation, restricted files, anonymised files. */
	struct person p;
	rc = person_get(db, by, d->person_id, &p, NULL);
	if (rc == 1)
		d->archived = strcmp(p.status, "active") != 0;
	return rc;
}

int document_delete(struct db *db, const struct actor *by, const struct document *d, struct buf *err)
{
	if (d->archived) {
		buf_puts(err, "Ce dossier est archivé : ses documents ne peuvent plus être supprimés.");
		return DOC_ERR_INPUT;
	}
	char detail[DOC_NAME_MAX * 4 + 32];
	audit_detail(detail, sizeof detail, d->id, d->name);
	if (db_begin(db) < 0 || db_exec(db, SQL_DOCUMENT_DELETE, "ii", d->id, by->structure_id) < 0 ||
	    audit_log(db, by, "document.delete", "person", d->person_id, detail) < 0 || db_commit(db) < 0) {
		db_rollback(db);
		buf_puts(err, "La base de données est momentanément indisponible : le document n'a pas été supprimé. Réessayez.");
		return DOC_ERR_SERVER;
	}
	/* After the commit: a failure here leaves an orphan for document_sweep,
	 * never a row without its file. */
	unlink_storage(d->storage);
	return 0;
}

int document_list(struct db *db, const struct actor *by, int64_t person_id, const char *object_type,
		  int64_t object_id, void (*fn)(void *arg, const struct document *d), void *arg)
{
	if (!person_can_follow(by))
		return 0;
	struct db_stmt *st = strcmp(object_type, "person") == 0
				     ? db_query(db, SQL_DOCUMENT_FOR_PERSON, "ii", person_id, by->structure_id)
				     : db_query(db, SQL_DOCUMENT_FOR_OBJECT, "iisi", person_id, by->structure_id,
						object_type, object_id);
	if (!st)
		return DB_ERR;
	int rc, n = 0;
	struct document d;
	while ((rc = db_step(st)) == 1) {
		from_row(st, &d);
		fn(arg, &d);
		n++;
	}
	db_done(st);
	return rc < 0 ? rc : n;
}

int document_delete_all_for_person(struct db *db, int64_t person_id, struct buf *files)
{
	size_t start = files->len;
	struct db_stmt *st = db_query(db, SQL_DOCUMENT_STORAGE_OF_PERSON, "i", person_id);
	if (!st)
		return DB_ERR;
	int rc;
	while ((rc = db_step(st)) == 1) {
		const char *s = db_col_text(st, 0);
		if (buf_append(files, s, strlen(s) + 1) < 0) {
			rc = DB_ERR;
			break;
		}
	}
	db_done(st);
	if (rc == 0)
		rc = db_exec(db, SQL_DOCUMENT_DELETE_PERSON, "i", person_id);
	if (rc < 0 && files->data) {
		files->len = start;
		files->data[start] = '\0';
	}
	return rc;
}

void document_unlink_files(const struct buf *files)
{
	for (size_t i = 0; i < files->len; i += strlen(files->data + i) + 1)
		unlink_storage(files->data + i);
}

int document_sweep(struct db *db, int64_t max_age)
{
	DIR *dir = opendir(doc_dir);
	if (!dir)
		return errno == ENOENT ? 0 : -1;
	int removed = 0;
	time_t now = time(NULL);
	struct dirent *e;
	while ((e = readdir(dir)) != NULL) {
		const char *token = e->d_name;
		int tmp = strncmp(token, ".tmp-", 5) == 0;
		if (tmp)
			token += 5;
		struct stat sb;
		if (!storage_name_ok(token) || fstatat(dirfd(dir), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(sb.st_mode) || now - sb.st_mtime < max_age)
			continue;
		int64_t used = 1;
		/* A database error keeps the file: only a certain orphan goes. */
		if (!tmp && (db_get_int(db, SQL_DOCUMENT_STORAGE_USED, &used, "s", token) < 0 || used))
			continue;
		if (unlinkat(dirfd(dir), e->d_name, 0) == 0)
			removed++;
	}
	closedir(dir);
	if (removed)
		log_info("documents: %d orphan file(s) removed", removed);
	return removed;
}
