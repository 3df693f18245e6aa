#include "db/backup.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char MAGIC[8] = "LIENBK01";
enum { CHUNK = 64 * 1024 };

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

int backup_create(const char *db_path, const unsigned char key[32], const char *out_path, struct buf *err)
{
	if (access(out_path, F_OK) == 0) {
		buf_appendf(err, "%s existe déjà : une sauvegarde n'en écrase jamais une autre", out_path);
		return -1;
	}
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.copie-XXXXXX", out_path);
	int tfd = mkstemp(tmp);
	if (tfd < 0) {
		buf_appendf(err, "impossible de créer un fichier temporaire à côté de %s : %s", out_path, strerror(errno));
		return -1;
	}
	close(tfd);
	int out = -1, result = -1;
	FILE *in = NULL;
	if (copy_database(db_path, tmp, err) < 0)
		goto done;
	out = open(out_path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (out < 0) {
		buf_appendf(err, "impossible de créer %s : %s", out_path, strerror(errno));
		goto done;
	}
	in = fopen(tmp, "rb");
	if (!in) {
		buf_appendf(err, "relecture de la copie impossible : %s", strerror(errno));
		goto done;
	}
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	crypto_secretstream_xchacha20poly1305_init_push(&st, header, key);
	if (write(out, MAGIC, sizeof MAGIC) != (ssize_t)sizeof MAGIC || write(out, header, sizeof header) != (ssize_t)sizeof header)
		goto write_error;
	unsigned char *plain = malloc(CHUNK), *cipher = malloc(CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES);
	if (!plain || !cipher) {
		free(plain);
		free(cipher);
		buf_puts(err, "mémoire insuffisante");
		goto done;
	}
	size_t n;
	int eof;
	do {
		n = fread(plain, 1, CHUNK, in);
		eof = feof(in);
		unsigned long long clen;
		crypto_secretstream_xchacha20poly1305_push(&st, cipher, &clen, plain, n, NULL, 0,
							   eof ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
		if (write(out, cipher, (size_t)clen) != (ssize_t)clen) {
			free(plain);
			free(cipher);
			goto write_error;
		}
	} while (!eof);
	free(plain);
	free(cipher);
	if (fsync(out) != 0)
		goto write_error;
	result = 0;
	goto done;
write_error:
	buf_appendf(err, "écriture de %s impossible : %s", out_path, strerror(errno));
done:
	if (in)
		fclose(in);
	if (out >= 0)
		close(out);
	if (result < 0 && out >= 0)
		unlink(out_path);
	unlink(tmp);
	return result;
}

int backup_restore(const char *in_path, const unsigned char key[32], const char *db_path, struct buf *err)
{
	if (access(db_path, F_OK) == 0) {
		buf_appendf(err, "%s existe déjà : la restauration n'écrase jamais une base (choisissez un autre chemin)", db_path);
		return -1;
	}
	FILE *in = fopen(in_path, "rb");
	if (!in) {
		buf_appendf(err, "impossible de lire %s : %s", in_path, strerror(errno));
		return -1;
	}
	int out = open(db_path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (out < 0) {
		buf_appendf(err, "impossible de créer %s : %s", db_path, strerror(errno));
		fclose(in);
		return -1;
	}
	int result = -1;
	char magic[sizeof MAGIC];
	unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char *cipher = malloc(CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES), *plain = malloc(CHUNK);
	if (!cipher || !plain) {
		buf_puts(err, "mémoire insuffisante");
		goto done;
	}
	if (fread(magic, 1, sizeof magic, in) != sizeof magic || memcmp(magic, MAGIC, sizeof magic) != 0) {
		buf_appendf(err, "%s n'est pas une sauvegarde de Lien", in_path);
		goto done;
	}
	if (fread(header, 1, sizeof header, in) != sizeof header ||
	    crypto_secretstream_xchacha20poly1305_init_pull(&st, header, key) != 0) {
		buf_appendf(err, "%s est tronqué (en-tête incomplet)", in_path);
		goto done;
	}
	unsigned char tag = 0;
	long chunk_no = 0;
	for (;;) {
		size_t n = fread(cipher, 1, CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES, in);
		if (n == 0)
			break;
		unsigned long long plen;
		chunk_no++;
		if (crypto_secretstream_xchacha20poly1305_pull(&st, plain, &plen, &tag, cipher, n, NULL, 0) != 0) {
			buf_appendf(err, "sauvegarde refusée : bloc %ld illisible (fichier abîmé, ou clé différente de celle "
					 "de la sauvegarde)", chunk_no);
			goto done;
		}
		if (write(out, plain, (size_t)plen) != (ssize_t)plen) {
			buf_appendf(err, "écriture de %s impossible : %s", db_path, strerror(errno));
			goto done;
		}
		if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL)
			break;
	}
	if (tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
		buf_appendf(err, "sauvegarde refusée : %s est tronqué (la fin manque)", in_path);
		goto done;
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
	/* A last check of the restored file itself. */
	sqlite3 *db = NULL;
	int ok = 0;
	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
		sqlite3_stmt *s;
		if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL) == SQLITE_OK) {
			ok = sqlite3_step(s) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(s, 0), "ok") == 0;
			sqlite3_finalize(s);
		}
	}
	sqlite3_close(db);
	if (!ok) {
		buf_puts(err, "la base restaurée ne passe pas le contrôle d'intégrité");
		goto done;
	}
	result = 0;
done:
	free(cipher);
	free(plain);
	fclose(in);
	if (out >= 0)
		close(out);
	if (result < 0)
		unlink(db_path);
	return result;
}
