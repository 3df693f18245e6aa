/* Option parsing and error reporting shared by the subcommands. */
#include "cmd/cmd.h"
#include "core/crypto.h"
#include "domain/domain.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void remove_args(struct cmd_ctx *c, int at, int n)
{
	for (int i = at; i + n < c->argc; i++)
		c->argv[i] = c->argv[i + n];
	c->argc -= n;
}

const char *opt_value(struct cmd_ctx *c, const char *name)
{
	for (int i = 0; i < c->argc; i++) {
		if (strcmp(c->argv[i], name) != 0)
			continue;
		if (i + 1 >= c->argc) {
			fprintf(stderr, "lien: l'option %s demande une valeur\n", name);
			exit(2);
		}
		const char *v = c->argv[i + 1];
		remove_args(c, i, 2);
		return v;
	}
	return NULL;
}

int opt_flag(struct cmd_ctx *c, const char *name)
{
	for (int i = 0; i < c->argc; i++)
		if (strcmp(c->argv[i], name) == 0) {
			remove_args(c, i, 1);
			return 1;
		}
	return 0;
}

int opt_done(struct cmd_ctx *c, const char *usage)
{
	for (int i = 0; i < c->argc; i++)
		if (strncmp(c->argv[i], "--", 2) == 0) {
			fprintf(stderr, "lien: option inconnue : %s\nusage : lien %s\n", c->argv[i], usage);
			return -1;
		}
	return 0;
}

int cmd_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("lien: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return 1;
}

int cmd_usage(const char *usage)
{
	fprintf(stderr, "usage : lien %s\n", usage);
	return 2;
}

/* var/lien.db -> var/lien.key */
static const char *default_key_path(const char *db_url, char *out, size_t n)
{
	const char *dot = strrchr(db_url, '.');
	const char *slash = strrchr(db_url, '/');
	size_t stem = (dot && (!slash || dot > slash)) ? (size_t)(dot - db_url) : strlen(db_url);
	snprintf(out, n, "%.*s.key", (int)stem, db_url);
	return out;
}

int cmd_load_key(struct cmd_ctx *c, int create)
{
	static char path[4096];
	if (!c->key_path && db_url_is_postgres(c->db_url)) {
		/* No file beside a server's database: the key is named. */
		cmd_fail("avec une base PostgreSQL, indiquez le fichier de clé : --key CHEMIN");
		return -1;
	}
	if (!c->key_path)
		c->key_path = default_key_path(c->db_url, path, sizeof path);
	struct buf err = BUF_INIT;
	if (create && access(c->key_path, F_OK) != 0 && keyfile_create(c->key_path, &err) < 0) {
		cmd_fail("%s", buf_cstr(&err));
		buf_free(&err);
		return -1;
	}
	unsigned char key[SECRETBOX_KEYLEN];
	if (keyfile_load(c->key_path, key, &err) < 0) {
		cmd_fail("%s", buf_cstr(&err));
		buf_free(&err);
		return -1;
	}
	domain_set_key(key);
	memset(key, 0, sizeof key);
	buf_free(&err);
	return 0;
}
