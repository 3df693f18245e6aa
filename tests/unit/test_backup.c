#include "unit.h"
#include "core/buf.h"
#include "db/backup.h"

#include <dirent.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* Backups written by hand, as the format in db/backup.h describes them:
 * the old version 1 must still restore, and a version 2 file that names
 * a document outside its folder must be refused (one made with the right
 * key: only someone holding it could, but a restore trusts no name). */

#define SS_ABYTES crypto_secretstream_xchacha20poly1305_ABYTES
#define SS_HBYTES crypto_secretstream_xchacha20poly1305_HEADERBYTES
enum { T_CHUNK = 64 * 1024 };

static unsigned char key[32];

static char *scratch_dir(void)
{
	static char dir[64];
	snprintf(dir, sizeof dir, "/tmp/lien-unit-backup-XXXXXX");
	return mkdtemp(dir);
}

static int make_db(const char *path)
{
	sqlite3 *db;
	int rc = sqlite3_open(path, &db);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "PRAGMA journal_mode=DELETE; CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('Villeneuve')",
				  NULL, NULL, NULL);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

static int read_file(const char *path, struct buf *out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char b[4096];
	size_t n;
	while ((n = fread(b, 1, sizeof b, f)) > 0)
		buf_append(out, b, n);
	fclose(f);
	return 0;
}

static void put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* plain encrypted in chunks of 64 KiB; version 2 with its size and check. */
static int write_backup(const char *path, int version, const struct buf *plain)
{
	unsigned char head[8 + SS_HBYTES + 8 + 16];
	memcpy(head, version == 1 ? "LIENBK01" : "LIENBK02", 8);
	crypto_secretstream_xchacha20poly1305_state st;
	crypto_secretstream_xchacha20poly1305_init_push(&st, head + 8, key);
	struct buf body = BUF_INIT;
	size_t off = 0;
	do {
		size_t n = plain->len - off < T_CHUNK ? plain->len - off : T_CHUNK;
		unsigned char c[T_CHUNK + SS_ABYTES];
		unsigned long long clen;
		int last = off + n == plain->len;
		crypto_secretstream_xchacha20poly1305_push(&st, c, &clen, (const unsigned char *)plain->data + off, n,
							   version == 1 ? NULL : head, version == 1 ? 0 : 8,
							   last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
		buf_append(&body, c, (size_t)clen);
		off += n;
		if (last)
			break;
	} while (1);
	size_t hlen = version == 1 ? 8 + SS_HBYTES : sizeof head;
	if (version != 1) {
		unsigned char sub[32];
		put_u64(head + 8 + SS_HBYTES, hlen + body.len);
		crypto_kdf_derive_from_key(sub, sizeof sub, 1, "LienSauv", key);
		crypto_generichash(head + 8 + SS_HBYTES + 8, 16, head, 8 + SS_HBYTES + 8, sub, sizeof sub);
	}
	FILE *f = fopen(path, "wb");
	int ok = f && fwrite(head, 1, hlen, f) == hlen && fwrite(body.data, 1, body.len, f) == body.len;
	if (f)
		fclose(f);
	buf_free(&body);
	return ok ? 0 : -1;
}

static void entry(struct buf *b, char type, const char *name, const struct buf *data)
{
	unsigned char n8[8];
	buf_putc(b, type);
	if (name) {
		size_t n = strlen(name);
		buf_putc(b, (char)(n & 0xff));
		buf_putc(b, (char)(n >> 8));
		buf_puts(b, name);
	}
	if (data) {
		put_u64(n8, data->len);
		buf_append(b, n8, 8);
		buf_append(b, data->data, data->len);
	}
}

/* Nothing in dir but the names given (NULL-terminated). */
static int dir_holds_only(const char *dir, const char *const *names)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *e;
	int ok = 1;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		int known = 0;
		for (const char *const *n = names; *n; n++)
			known |= !strcmp(*n, e->d_name);
		if (!known) {
			fprintf(stderr, "    left behind: %s/%s\n", dir, e->d_name);
			ok = 0;
		}
	}
	closedir(d);
	return ok;
}

TEST(backup_restores_version_1)
{
	CHECK(sodium_init() >= 0);
	randombytes_buf(key, sizeof key);
	char *dir = scratch_dir(), path[128], bak[128], out[128], docs[128];
	CHECK(dir != NULL);
	if (!dir)
		return;
	snprintf(path, sizeof path, "%s/src.db", dir);
	snprintf(bak, sizeof bak, "%s/v1.lienbak", dir);
	snprintf(out, sizeof out, "%s/r.db", dir);
	snprintf(docs, sizeof docs, "%s/documents", dir);
	struct buf db = BUF_INIT, back = BUF_INIT, err = BUF_INIT;
	CHECK(make_db(path) == 0 && read_file(path, &db) == 0);
	CHECK(write_backup(bak, 1, &db) == 0);
	struct backup_stats stats;
	CHECK(backup_restore(bak, key, out, docs, &stats, &err) == 0);
	CHECK(stats.version == 1 && stats.documents == 0);
	CHECK(read_file(out, &back) == 0 && back.len == db.len && memcmp(back.data, db.data, db.len) == 0);
	/* No documents in it: no folder made. */
	CHECK(access(docs, F_OK) != 0);
	/* Version 1 cannot tell a wrong key from damage: it says both. */
	unlink(out);
	buf_reset(&err);
	key[0] ^= 1;
	CHECK(backup_restore(bak, key, out, docs, &stats, &err) < 0 && strstr(buf_cstr(&err), "clé différente"));
	key[0] ^= 1;
	const char *const left[] = {"src.db", "v1.lienbak", NULL};
	CHECK(dir_holds_only(dir, left));
	unlink(path);
	unlink(bak);
	rmdir(dir);
	buf_free(&db);
	buf_free(&back);
	buf_free(&err);
}

TEST(backup_refuses_names_out_of_the_folder)
{
	CHECK(sodium_init() >= 0);
	randombytes_buf(key, sizeof key);
	char *dir = scratch_dir(), path[128], bak[128], out[128], docs[128];
	CHECK(dir != NULL);
	if (!dir)
		return;
	snprintf(path, sizeof path, "%s/src.db", dir);
	snprintf(bak, sizeof bak, "%s/b.lienbak", dir);
	snprintf(out, sizeof out, "%s/r.db", dir);
	snprintf(docs, sizeof docs, "%s/documents", dir);
	struct buf db = BUF_INIT, doc = BUF_INIT, err = BUF_INIT;
	CHECK(make_db(path) == 0 && read_file(path, &db) == 0);
	buf_puts(&doc, "contenu chiffré");
	static const char *const BAD[] = {"../evil", "..", "/etc/evil", "a/b", ".cache", "x..y", "tab\tname", ""};
	for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
		struct buf plain = BUF_INIT;
		entry(&plain, 'B', NULL, &db);
		entry(&plain, 'F', "premier", &doc);
		entry(&plain, 'F', BAD[i], &doc);
		entry(&plain, 'E', NULL, NULL);
		CHECK(write_backup(bak, 2, &plain) == 0);
		buf_reset(&err);
		struct backup_stats stats;
		CHECK(backup_restore(bak, key, out, docs, &stats, &err) < 0);
		if (!strstr(buf_cstr(&err), "nom de document interdit")) {
			fprintf(stderr, "    %s: %s\n", BAD[i], buf_cstr(&err));
			CHECK(!"refused for its name");
		}
		/* Nothing left: no database, no folder, no temporary, nothing above. */
		const char *const left[] = {"src.db", "b.lienbak", NULL};
		CHECK(dir_holds_only(dir, left));
		CHECK(access("/tmp/evil", F_OK) != 0);
		unlink(bak);
		buf_free(&plain);
	}
	/* The same file with good names restores, into an empty folder too. */
	struct buf plain = BUF_INIT;
	entry(&plain, 'B', NULL, &db);
	entry(&plain, 'F', "premier", &doc);
	entry(&plain, 'E', NULL, NULL);
	CHECK(write_backup(bak, 2, &plain) == 0);
	CHECK(mkdir(docs, 0700) == 0);
	struct backup_stats stats;
	buf_reset(&err);
	CHECK(backup_restore(bak, key, out, docs, &stats, &err) == 0 && stats.documents == 1 && stats.version == 2);
	const char *const restored[] = {"premier", NULL};
	CHECK(dir_holds_only(docs, restored));
	/* Data after the end mark: refused. */
	entry(&plain, 'F', "second", &doc);
	unlink(bak);
	CHECK(write_backup(bak, 2, &plain) == 0);
	char out2[128], docs2[128];
	snprintf(out2, sizeof out2, "%s/r2.db", dir);
	snprintf(docs2, sizeof docs2, "%s/docs2", dir);
	buf_reset(&err);
	CHECK(backup_restore(bak, key, out2, docs2, &stats, &err) < 0 && strstr(buf_cstr(&err), "suivent la marque de fin"));
	CHECK(access(out2, F_OK) != 0 && access(docs2, F_OK) != 0);
	char doc_path[160];
	snprintf(doc_path, sizeof doc_path, "%s/premier", docs);
	unlink(doc_path);
	rmdir(docs);
	unlink(out);
	unlink(bak);
	unlink(path);
	CHECK(rmdir(dir) == 0);
	buf_free(&plain);
	buf_free(&db);
	buf_free(&doc);
	buf_free(&err);
}
