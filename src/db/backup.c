#include "db/backup.h"
#include "core/fdio.h"
#include "db/db.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define SS_ABYTES crypto_secretstream_xchacha20poly1305_ABYTES
#define SS_HBYTES crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define TAG_FINAL crypto_secretstream_xchacha20poly1305_TAG_FINAL

static const char MAGIC[6] = {'L', 'I', 'E', 'N', 'B', 'K'};
static const unsigned char MAGIC_V2[8] = {'L', 'I', 'E', 'N', 'B', 'K', '0', '2'};
enum {
	CHUNK = 64 * 1024,
	CHECKED = 8 + SS_HBYTES + 8,  /* magic, stream header, file size: what the check covers */
	CHECK_BYTES = 16,
	HEAD_V2 = CHECKED + CHECK_BYTES,
	NAME_MAX_LEN = 255,
};

static void put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* Tells a wrong key before any chunk is tried: a subkey, so the stream key
 * itself never keys anything else. */
static void key_check(const unsigned char head[CHECKED], const unsigned char key[32], unsigned char out[CHECK_BYTES])
{
	unsigned char sub[32];
	crypto_kdf_derive_from_key(sub, sizeof sub, 1, "LienSauv", key);
	crypto_generichash(out, CHECK_BYTES, head, CHECKED, sub, sizeof sub);
	sodium_memzero(sub, sizeof sub);
}

/* A document's name as the documents folder holds it: one component that
 * cannot lead out of the folder (no "/", no ".."), not hidden (nor one of
 * the folder's temporary ".tmp-" files), no control characters. */
static int name_ok(const char *s, size_t n)
{
	if (n == 0 || n > NAME_MAX_LEN || s[0] == '.' || memmem(s, n, "..", 2))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '/' || (unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

/* A name from a file, printable in a message. */
static const char *shown(const char *s, size_t n, char *out, size_t size)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k + 1 < size; i++)
		out[k++] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	out[k] = '\0';
	return out;
}

/* ---- the SQLite part ---------------------------------------------------- */

/* The online copy: pages are copied in steps, so writers are held only
 * briefly; a step that meets a lock is retried. */
static int copy_database(const char *from, const char *to, struct buf *err)
{
	sqlite3 *src = NULL, *dst = NULL;
	int rc = sqlite3_open_v2(from, &src, SQLITE_OPEN_READONLY, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_open_v2(to, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_busy_timeout(src, 5000);
		sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
		if (!b) {
			rc = sqlite3_errcode(dst);
		} else {
			do {
				rc = sqlite3_backup_step(b, 256);
				if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
					sqlite3_sleep(20);
			} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
			sqlite3_backup_finish(b);
			rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
		}
	}
	if (rc != SQLITE_OK)
		buf_appendf(err, "copie de la base impossible : %s", sqlite3_errstr(rc));
	/* The copy is a plain file: no WAL beside it. */
	if (rc == SQLITE_OK && sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK)
		rc = SQLITE_ERROR;
	sqlite3_close(src);
	sqlite3_close(dst);
	return rc == SQLITE_OK ? 0 : -1;
}

static const char SQL_HAS_DOCUMENTS[] = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'documents'";
static const char SQL_DOCUMENT_FILES[] = "SELECT storage FROM documents ORDER BY id";
static const char SQL_PG_TABLES[] = "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()";

/* Everything a backup needs from SQLite: a consistent copy of the database
 * at db_path into the file copy, and the names of the document files that
 * copy refers to (appended to names, each followed by a NUL). Taken from
 * the copy, so the list matches it exactly. A PostgreSQL database would
 * give a pg_dump file and the same list here. */
static int snapshot_sqlite(const char *db_path, const char *copy, struct buf *names, struct buf *err)
{
	if (copy_database(db_path, copy, err) < 0)
		return -1;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_open_v2(copy, &db, SQLITE_OPEN_READONLY, NULL), has = 0;
	if (rc == SQLITE_OK && (rc = sqlite3_prepare_v2(db, SQL_HAS_DOCUMENTS, -1, &st, NULL)) == SQLITE_OK) {
		has = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
		sqlite3_finalize(st);
		st = NULL;
	}
	/* A database from before the documents: nothing to list. */
	if (rc == SQLITE_OK && has && (rc = sqlite3_prepare_v2(db, SQL_DOCUMENT_FILES, -1, &st, NULL)) == SQLITE_OK) {
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *name = (const char *)sqlite3_column_text(st, 0);
			if (name && buf_append(names, name, strlen(name) + 1) < 0) {
				rc = SQLITE_NOMEM;
				break;
			}
		}
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	if (rc != SQLITE_OK)
		buf_appendf(err, "liste des documents de la copie illisible : %s", sqlite3_errstr(rc));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

/* Runs a PostgreSQL client program (pg_dump, pg_restore) and waits for
 * it; its own messages go to stderr. 0 when it exits 0. */
static int run_tool(const char *const argv[], struct buf *err)
{
	/* posix_spawnp's prototype is older than const: copy the pointers. */
	char *v[16] = {0};
	for (int i = 0; i < 15 && argv[i]; i++)
		memcpy(&v[i], &argv[i], sizeof v[i]);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], NULL, NULL, v, environ);
	if (rc != 0) {
		buf_appendf(err, "impossible de lancer %s : %s (paquet postgresql-client)", argv[0], strerror(rc));
		return -1;
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	buf_appendf(err, "%s a échoué (voir son message ci-dessus)", argv[0]);
	return -1;
}

/* The same for PostgreSQL: pg_dump's archive (custom format: one
 * consistent snapshot, taken while the servers keep serving), then the
 * document files the database names. */
static int snapshot_postgres(const char *url, const char *copy, struct buf *names, struct buf *err)
{
	char file_arg[4200], db_arg[4200];
	snprintf(file_arg, sizeof file_arg, "--file=%s", copy);
	snprintf(db_arg, sizeof db_arg, "--dbname=%s", url);
	const char *argv[] = {"pg_dump", "--format=custom", "--no-owner", "--no-privileges", file_arg, db_arg, NULL};
	if (run_tool(argv, err) < 0)
		return -1;
	struct db *db = db_open(url, DB_OPEN_READONLY, err);
	if (!db)
		return -1;
	struct db_stmt *st = db_query(db, SQL_DOCUMENT_FILES, "");
	int rc = st ? 0 : -1;
	while (rc == 0 && (rc = db_step(st)) == 1)
		if (buf_append(names, db_col_text(st, 0), strlen(db_col_text(st, 0)) + 1) < 0)
			rc = -1;
	if (rc < 0)
		buf_appendf(err, "liste des documents illisible : %s", db_errmsg(db));
	db_done(st);
	db_close(db);
	return rc < 0 ? -1 : 0;
}

/* ---- writing ------------------------------------------------------------- */

struct sealer {
	int fd;
	const char *path;
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char plain[CHUNK], cipher[CHUNK + SS_ABYTES];
	size_t n;            /* plaintext waiting in plain */
	uint64_t written;    /* bytes in the file */
	struct buf *err;
};

static int seal_push(struct sealer *s, unsigned char tag)
{
	unsigned long long clen;
	crypto_secretstream_xchacha20poly1305_push(&s->st, s->cipher, &clen, s->plain, s->n, MAGIC_V2, sizeof MAGIC_V2,
						   tag);
	if (fd_write_all(s->fd, s->cipher, (size_t)clen) < 0) {
		buf_appendf(s->err, "écriture de %s impossible : %s", s->path, strerror(errno));
		return -1;
	}
	s->written += clen;
	s->n = 0;
	return 0;
}

/* Every chunk but the last holds exactly CHUNK bytes: a full one goes out
 * only when more comes. */
static int seal_put(struct sealer *s, const void *data, size_t len)
{
	const unsigned char *p = data;
	while (len) {
		if (s->n == CHUNK && seal_push(s, 0) < 0)
			return -1;
		size_t k = CHUNK - s->n < len ? CHUNK - s->n : len;
		memcpy(s->plain + s->n, p, k);
		s->n += k;
		p += k;
		len -= k;
	}
	return 0;
}

/* Exactly size bytes of fd (what names it in messages). */
static int seal_fd(struct sealer *s, int fd, uint64_t size, const char *what)
{
	while (size) {
		if (s->n == CHUNK && seal_push(s, 0) < 0)
			return -1;
		size_t want = CHUNK - s->n;
		if (want > size)
			want = (size_t)size;
		ssize_t r = read(fd, s->plain + s->n, want);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			buf_appendf(s->err, "lecture de %s impossible : %s", what, strerror(errno));
			return -1;
		}
		if (r == 0) {
			buf_appendf(s->err, "%s a raccourci pendant la sauvegarde", what);
			return -1;
		}
		s->n += (size_t)r;
		size -= (uint64_t)r;
	}
	return 0;
}

static int seal_entry(struct sealer *s, char type, const char *name, uint64_t size)
{
	unsigned char h[1 + 2 + NAME_MAX_LEN + 8];
	size_t n = 0;
	h[n++] = (unsigned char)type;
	if (name) {
		size_t len = strlen(name);
		h[n++] = (unsigned char)(len & 0xff);
		h[n++] = (unsigned char)(len >> 8);
		memcpy(h + n, name, len);
		n += len;
	}
	if (type != 'E') {
		put_u64(h + n, size);
		n += 8;
	}
	return seal_put(s, h, n);
}

/* The documents the copy names, from the folder: one deleted since the
 * copy was taken is skipped with a note (its row is gone too by now). */
static int seal_documents(struct sealer *s, const char *docs_dir, const struct buf *names, struct backup_stats *stats,
			  struct buf *notes)
{
	if (!names->len)
		return 0;
	int dir = open(docs_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0) {
		buf_appendf(s->err, "dossier des documents %s illisible : %s (option --documents ?)", docs_dir,
			    strerror(errno));
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < names->len; i += strlen(names->data + i) + 1) {
		const char *name = names->data + i;
		char what[NAME_MAX_LEN + 40], safe[NAME_MAX_LEN + 1];
		if (!name_ok(name, strlen(name))) {
			buf_appendf(notes, "document au nom invalide « %s » : ignoré\n", shown(name, strlen(name), safe, sizeof safe));
			stats->skipped++;
			continue;
		}
		int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT) {
			buf_appendf(notes, "document %s supprimé pendant la sauvegarde : ignoré\n", name);
			stats->skipped++;
			continue;
		}
		struct stat sb;
		snprintf(what, sizeof what, "document %s", name);
		if (fd < 0 || fstat(fd, &sb) < 0) {
			buf_appendf(s->err, "%s illisible : %s", what, strerror(errno));
			if (fd >= 0)
				close(fd);
			rc = -1;
			break;
		}
		if (!S_ISREG(sb.st_mode)) {
			buf_appendf(s->err, "%s illisible : ce n'est pas un fichier", what);
			close(fd);
			rc = -1;
			break;
		}
		rc = seal_entry(s, 'F', name, (uint64_t)sb.st_size) < 0 || seal_fd(s, fd, (uint64_t)sb.st_size, what) < 0 ? -1 : 0;
		close(fd);
		if (rc == 0)
			stats->documents++;
	}
	close(dir);
	return rc;
}

int backup_create(const char *db_path, const char *docs_dir, const unsigned char key[32], const char *out_path,
		  struct backup_stats *stats, struct buf *notes, struct buf *err)
{
	memset(stats, 0, sizeof *stats);
	stats->version = 2;
	if (access(out_path, F_OK) == 0) {
		buf_appendf(err, "%s existe déjà : une sauvegarde n'en écrase jamais une autre", out_path);
		return -1;
	}
	char tmp[4096];
	int r = snprintf(tmp, sizeof tmp, "%s.copie-XXXXXX", out_path);
	int tfd = r > 0 && (size_t)r < sizeof tmp ? mkstemp(tmp) : -1;
	if (tfd < 0) {
		buf_appendf(err, "impossible de créer un fichier temporaire à côté de %s : %s", out_path,
			    r > 0 && (size_t)r < sizeof tmp ? strerror(errno) : "chemin trop long");
		return -1;
	}
	close(tfd);
	struct buf names = BUF_INIT;
	struct sealer *s = NULL;
	int out = -1, in = -1, result = -1;
	/* The database first, then the documents it names: a document added
	 * after the copy is not in it, which is harmless. */
	int pg = db_url_is_postgres(db_path);
	if ((pg ? snapshot_postgres(db_path, tmp, &names, err) : snapshot_sqlite(db_path, tmp, &names, err)) < 0)
		goto done;
	out = open(out_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0) {
		buf_appendf(err, "impossible de créer %s : %s", out_path, strerror(errno));
		goto done;
	}
	s = calloc(1, sizeof *s);
	if (!s) {
		buf_puts(err, "mémoire insuffisante");
		goto done;
	}
	*s = (struct sealer){.fd = out, .path = out_path, .err = err};
	unsigned char head[HEAD_V2] = {0};
	memcpy(head, MAGIC_V2, sizeof MAGIC_V2);
	crypto_secretstream_xchacha20poly1305_init_push(&s->st, head + 8, key);
	/* Size and check are filled in at the end. */
	if (fd_write_all(out, head, sizeof head) < 0)
		goto write_error;
	s->written = sizeof head;
	struct stat sb;
	in = open(tmp, O_RDONLY | O_CLOEXEC);
	if (in < 0 || fstat(in, &sb) < 0) {
		buf_appendf(err, "relecture de la copie impossible : %s", strerror(errno));
		goto done;
	}
	if (seal_entry(s, pg ? 'P' : 'B', NULL, (uint64_t)sb.st_size) < 0 || seal_fd(s, in, (uint64_t)sb.st_size, "la copie de la base") < 0 ||
	    seal_documents(s, docs_dir, &names, stats, notes) < 0 || seal_entry(s, 'E', NULL, 0) < 0 ||
	    seal_push(s, TAG_FINAL) < 0)
		goto done;
	put_u64(head + 8 + SS_HBYTES, s->written);
	key_check(head, key, head + CHECKED);
	if (pwrite(out, head + 8 + SS_HBYTES, 8 + CHECK_BYTES, 8 + SS_HBYTES) != 8 + CHECK_BYTES || fsync(out) != 0)
		goto write_error;
	result = 0;
	goto done;
write_error:
	buf_appendf(err, "écriture de %s impossible : %s", out_path, strerror(errno));
done:
	if (s)
		sodium_memzero(s, sizeof *s);
	free(s);
	buf_free(&names);
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	if (result < 0 && out >= 0)
		unlink(out_path);
	unlink(tmp);
	return result;
}

#define BACKUP_OF_SQLITE                                                                      \
	"cette sauvegarde vient d'une base SQLite : restaurez-la dans un fichier (--to NOUVELLE_BASE.db), " \
	"puis copiez-la avec « lien migrate-db »"

/* 1 when the PostgreSQL database at url has no table yet (a restore
 * writes only into a new database); 0 with the reason in err. */
static int postgres_empty(const char *url, struct buf *err)
{
	struct db *db = db_open(url, 0, err);
	if (!db)
		return 0;
	int64_t n = -1;
	if (db_get_int(db, SQL_PG_TABLES, &n, "") != 1)
		buf_appendf(err, "%s", db_errmsg(db));
	else if (n > 0)
		buf_puts(err, "la base PostgreSQL cible n'est pas vide : la restauration n'écrit que dans une base neuve "
			      "(createdb --template=template0 --locale=C.UTF-8 NOM)");
	db_close(db);
	return n == 0;
}

/* ---- reading ------------------------------------------------------------- */

struct opener {
	FILE *in;
	const char *path;
	int version;
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char cipher[CHUNK + SS_ABYTES], plain[CHUNK];
	size_t len, pos;     /* the current chunk's plaintext, and what was taken of it */
	int final;
	long chunk_no;
	struct buf *err;
};

static int open_pull(struct opener *o)
{
	if (o->final) {
		buf_appendf(o->err, "sauvegarde refusée : %s s'arrête au milieu d'une entrée", o->path);
		return -1;
	}
	size_t n = fread(o->cipher, 1, sizeof o->cipher, o->in);
	if (n == 0) {
		buf_appendf(o->err, "sauvegarde refusée : %s est tronqué (la fin manque)", o->path);
		return -1;
	}
	o->chunk_no++;
	unsigned long long plen;
	unsigned char tag;
	if (crypto_secretstream_xchacha20poly1305_pull(&o->st, o->plain, &plen, &tag, o->cipher, n,
						       o->version >= 2 ? MAGIC_V2 : NULL,
						       o->version >= 2 ? sizeof MAGIC_V2 : 0) != 0) {
		/* Version 2 has checked the key already. */
		if (o->version >= 2)
			buf_appendf(o->err, "sauvegarde refusée : bloc %ld illisible (fichier abîmé)", o->chunk_no);
		else
			buf_appendf(o->err, "sauvegarde refusée : bloc %ld illisible (fichier abîmé, ou clé différente "
					    "de celle de la sauvegarde)", o->chunk_no);
		return -1;
	}
	o->len = (size_t)plen;
	o->pos = 0;
	o->final = tag == TAG_FINAL;
	return 0;
}

/* Exactly n bytes of plaintext, into out or (out NULL) into fd. */
static int open_get(struct opener *o, void *out, int fd, uint64_t n, const char *what)
{
	unsigned char *p = out;
	while (n) {
		if (o->pos == o->len && open_pull(o) < 0)
			return -1;
		size_t k = o->len - o->pos < n ? o->len - o->pos : (size_t)n;
		if (p) {
			memcpy(p, o->plain + o->pos, k);
			p += k;
		} else if (fd_write_all(fd, o->plain + o->pos, k) < 0) {
			buf_appendf(o->err, "écriture de %s impossible : %s", what, strerror(errno));
			return -1;
		}
		o->pos += k;
		n -= k;
	}
	return 0;
}

/* The header; o->version set and the stream opened. */
static int open_header(struct opener *o, const unsigned char key[32])
{
	unsigned char head[HEAD_V2];
	if (fread(head, 1, 8, o->in) != 8 || memcmp(head, MAGIC, sizeof MAGIC) != 0 || head[6] < '0' || head[6] > '9' ||
	    head[7] < '0' || head[7] > '9') {
		buf_appendf(o->err, "%s n'est pas une sauvegarde de Lien", o->path);
		return -1;
	}
	o->version = (head[6] - '0') * 10 + (head[7] - '0');
	if (o->version < 1 || o->version > 2) {
		buf_appendf(o->err, "%s est une sauvegarde au format %d, inconnu de cette version de Lien : "
				    "restaurez-la avec une version plus récente", o->path, o->version);
		return -1;
	}
	size_t rest = o->version == 1 ? SS_HBYTES : HEAD_V2 - 8;
	if (fread(head + 8, 1, rest, o->in) != rest) {
		buf_appendf(o->err, "%s est tronqué (en-tête incomplet)", o->path);
		return -1;
	}
	if (o->version >= 2) {
		unsigned char check[CHECK_BYTES];
		key_check(head, key, check);
		if (sodium_memcmp(check, head + CHECKED, CHECK_BYTES) != 0) {
			buf_puts(o->err, "sauvegarde refusée : clé différente de celle de la sauvegarde (ou en-tête abîmé)");
			return -1;
		}
		struct stat sb;
		uint64_t size = get_u64(head + 8 + SS_HBYTES);
		if (fstat(fileno(o->in), &sb) == 0 && (uint64_t)sb.st_size < size) {
			buf_appendf(o->err, "sauvegarde refusée : %s est tronqué (%lld octets sur %llu)", o->path,
				    (long long)sb.st_size, (unsigned long long)size);
			return -1;
		}
		if (fstat(fileno(o->in), &sb) == 0 && (uint64_t)sb.st_size > size) {
			buf_appendf(o->err, "sauvegarde refusée : des octets suivent la fin de %s", o->path);
			return -1;
		}
	}
	if (crypto_secretstream_xchacha20poly1305_init_pull(&o->st, head + 8, key) != 0) {
		buf_appendf(o->err, "%s est tronqué (en-tête incomplet)", o->path);
		return -1;
	}
	return 0;
}

/* Empty or absent: a restore never mixes its documents with others. */
static int dir_usable(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return errno == ENOENT;
	struct dirent *e;
	int empty = 1;
	while (empty && (e = readdir(d)))
		empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
	closedir(d);
	return empty;
}

/* Removes what a failed restore wrote in its temporary folder (only files
 * it made there), then the folder. */
static void remove_tree(const char *path)
{
	DIR *d = opendir(path);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
				unlinkat(dirfd(d), e->d_name, 0);
		closedir(d);
	}
	rmdir(path);
}

/* The documents of a version 2 backup, after its database, into the
 * folder tmp_dir (made on the first one; *made says so). */
static int open_documents(struct opener *o, char *tmp_dir, int *made, struct backup_stats *stats)
{
	int dir = -1, rc = -1;
	for (;;) {
		unsigned char type, len2[2], size8[8];
		char name[NAME_MAX_LEN + 1], safe[NAME_MAX_LEN + 1], what[NAME_MAX_LEN + 40];
		if (open_get(o, &type, -1, 1, NULL) < 0)
			break;
		if (type == 'E') {
			rc = 0;
			break;
		}
		if (type != 'F') {
			buf_appendf(o->err, "sauvegarde refusée : entrée inconnue dans %s (faite par une version plus "
					    "récente de Lien ?)", o->path);
			break;
		}
		if (open_get(o, len2, -1, 2, NULL) < 0)
			break;
		size_t n = (size_t)len2[0] | (size_t)len2[1] << 8;
		if (n > NAME_MAX_LEN) {
			buf_appendf(o->err, "sauvegarde refusée : nom de document de %zu octets", n);
			break;
		}
		if (open_get(o, name, -1, n, NULL) < 0 || open_get(o, size8, -1, 8, NULL) < 0)
			break;
		name[n] = '\0';
		if (!name_ok(name, n)) {
			buf_appendf(o->err, "sauvegarde refusée : nom de document interdit « %s » (ni « / », ni « .. », "
					    "ni point au début)", shown(name, n, safe, sizeof safe));
			break;
		}
		if (!*made) {
			if (!mkdtemp(tmp_dir)) {
				buf_appendf(o->err, "impossible de créer le dossier %s : %s", tmp_dir, strerror(errno));
				break;
			}
			*made = 1;
		}
		if (dir < 0 && (dir = open(tmp_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
			buf_appendf(o->err, "impossible d'ouvrir le dossier %s : %s", tmp_dir, strerror(errno));
			break;
		}
		int fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0) {
			if (errno == EEXIST)
				buf_appendf(o->err, "sauvegarde refusée : document %s en double", name);
			else
				buf_appendf(o->err, "impossible de créer le document %s : %s", name, strerror(errno));
			break;
		}
		snprintf(what, sizeof what, "document %s", name);
		int ok = open_get(o, NULL, fd, get_u64(size8), what) == 0 && fsync(fd) == 0;
		if (!ok && !o->err->len)
			buf_appendf(o->err, "écriture de %s impossible : %s", what, strerror(errno));
		close(fd);
		if (!ok)
			break;
		stats->documents++;
	}
	if (rc == 0 && dir >= 0 && fsync(dir) != 0) {
		buf_appendf(o->err, "écriture du dossier %s impossible : %s", tmp_dir, strerror(errno));
		rc = -1;
	}
	if (dir >= 0)
		close(dir);
	return rc;
}

static int integrity_ok(const char *path)
{
	sqlite3 *db = NULL;
	int ok = 0;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
		sqlite3_stmt *s;
		if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL) == SQLITE_OK) {
			ok = sqlite3_step(s) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(s, 0), "ok") == 0;
			sqlite3_finalize(s);
		}
	}
	sqlite3_close(db);
	return ok;
}

int backup_restore(const char *in_path, const unsigned char key[32], const char *db_path, const char *docs_dir,
		   struct backup_stats *stats, struct buf *err)
{
	memset(stats, 0, sizeof *stats);
	int pg = db_url_is_postgres(db_path);
	if (pg ? !postgres_empty(db_path, err) : access(db_path, F_OK) == 0) {
		if (!pg)
			buf_appendf(err, "%s existe déjà : la restauration n'écrase jamais une base (choisissez un autre chemin)", db_path);
		return -1;
	}
	/* The folder without its trailing slashes, for the temporary name beside it. */
	char docs[4096], tmp_db[4096 + 32], tmp_dir[4096 + 32];
	size_t dn = strlen(docs_dir);
	while (dn > 1 && docs_dir[dn - 1] == '/')
		dn--;
	if (dn >= sizeof docs || strlen(db_path) >= sizeof tmp_db - 32) {
		buf_puts(err, "chemin trop long");
		return -1;
	}
	memcpy(docs, docs_dir, dn);
	docs[dn] = '\0';
	if (pg) {
		const char *t = getenv("TMPDIR");
		snprintf(tmp_db, sizeof tmp_db, "%s/lien-restauration-XXXXXX", t && *t ? t : "/tmp");
	} else {
		snprintf(tmp_db, sizeof tmp_db, "%s.restauration-XXXXXX", db_path);
	}
	snprintf(tmp_dir, sizeof tmp_dir, "%s.restauration-XXXXXX", docs);
	FILE *in = fopen(in_path, "rb");
	if (!in) {
		buf_appendf(err, "impossible de lire %s : %s", in_path, strerror(errno));
		return -1;
	}
	int out = mkstemp(tmp_db), made_dir = 0, placed_db = 0, result = -1;
	if (out < 0) {
		buf_appendf(err, "impossible de créer un fichier à côté de %s : %s", db_path, strerror(errno));
		fclose(in);
		return -1;
	}
	struct opener *o = calloc(1, sizeof *o);
	if (!o) {
		buf_puts(err, "mémoire insuffisante");
		goto done;
	}
	*o = (struct opener){.in = in, .path = in_path, .err = err};
	if (open_header(o, key) < 0)
		goto done;
	stats->version = o->version;
	/* Checked again by the final rename, which replaces only an empty folder. */
	if (o->version >= 2 && !dir_usable(docs)) {
		buf_appendf(err, "le dossier des documents %s existe et n'est pas vide : la restauration n'écrit que dans un dossier "
				 "vide ou absent (choisissez-en un autre avec --documents)", docs);
		goto done;
	}
	if (o->version == 1 && pg) {
		buf_puts(err, BACKUP_OF_SQLITE);
		goto done;
	}
	if (o->version == 1) {
		/* The database alone, chunk after chunk up to the last. */
		do {
			if (open_pull(o) < 0)
				goto done;
			if (fd_write_all(out, o->plain, o->len) < 0) {
				buf_appendf(err, "écriture de %s impossible : %s", db_path, strerror(errno));
				goto done;
			}
		} while (!o->final);
	} else {
		unsigned char type, size8[8];
		if (open_get(o, &type, -1, 1, NULL) < 0)
			goto done;
		if (type != 'B' && type != 'P') {
			buf_appendf(err, "sauvegarde refusée : la base manque au début de %s", in_path);
			goto done;
		}
		if (pg != (type == 'P')) {
			buf_puts(err, pg ? BACKUP_OF_SQLITE
				     : "cette sauvegarde vient d'une base PostgreSQL : restaurez-la dans une base "
				       "PostgreSQL neuve (--to postgres://…)");
			goto done;
		}
		if (open_get(o, size8, -1, 8, NULL) < 0 || open_get(o, NULL, out, get_u64(size8), db_path) < 0 ||
		    open_documents(o, tmp_dir, &made_dir, stats) < 0)
			goto done;
		if (!o->final || o->pos != o->len) {
			buf_appendf(err, "sauvegarde refusée : des données suivent la marque de fin de %s", in_path);
			goto done;
		}
	}
	if (fgetc(in) != EOF) {
		buf_appendf(err, "sauvegarde refusée : des octets suivent la fin de %s", in_path);
		goto done;
	}
	if (fsync(out) != 0) {
		buf_appendf(err, "écriture de %s impossible : %s", db_path, strerror(errno));
		goto done;
	}
	close(out);
	out = -1;
	if (pg) {
		/* pg_restore in one transaction: all or nothing. */
		char db_arg[4200];
		snprintf(db_arg, sizeof db_arg, "--dbname=%s", db_path);
		const char *argv[] = {"pg_restore", "--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges",
				db_arg, tmp_db, NULL};
		if (run_tool(argv, err) < 0)
			goto done;
		if (made_dir && rename(tmp_dir, docs) < 0) {
			buf_appendf(err, "base restaurée, mais impossible de créer le dossier des documents %s : %s", docs,
				    strerror(errno));
			goto done;
		}
		made_dir = 0;
		result = 0;
		goto done;
	}
	/* A last check of the restored file itself. */
	if (!integrity_ok(tmp_db)) {
		buf_puts(err, "la base restaurée ne passe pas le contrôle d'intégrité");
		goto done;
	}
	/* Into place: the database without overwriting a file that appeared
	 * meanwhile (a link fails on an existing name), then the folder
	 * (rename replaces only an empty directory). */
	if (link(tmp_db, db_path) < 0) {
		buf_appendf(err, "impossible de créer %s : %s", db_path, strerror(errno));
		goto done;
	}
	placed_db = 1;
	if (made_dir && rename(tmp_dir, docs) < 0) {
		buf_appendf(err, "impossible de créer le dossier des documents %s : %s", docs, strerror(errno));
		goto done;
	}
	made_dir = 0;
	result = 0;
done:
	free(o);
	fclose(in);
	if (out >= 0)
		close(out);
	unlink(tmp_db);
	if (result < 0 && placed_db)
		unlink(db_path);
	if (made_dir)
		remove_tree(tmp_dir);
	return result;
}
