/* lien: one binary, one table of subcommands. */
#include "cmd/cmd.h"
#include "core/crypto.h"
#include "core/log.h"
#include "domain/document.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef LIEN_VERSION
#define LIEN_VERSION "0.1.0"
#endif

enum {
	CMD_DB = 1,       /* opens --db and checks its schema version */
	CMD_CREATE = 2,   /* may create the database file */
	CMD_KEY = 4,      /* loads the key file (encryption, audit seal) */
	CMD_NO_MIGRATE_CHECK = 8, /* an older schema is fine (migrate, init) */
};

static int cmd_version(struct cmd_ctx *c);
static int cmd_help(struct cmd_ctx *c);

static const struct command {
	const char *name;
	int (*fn)(struct cmd_ctx *c);
	int flags;
	const char *usage;
} commands[] = {
	{"serve", cmd_serve, CMD_DB | CMD_KEY | CMD_NO_MIGRATE_CHECK,
	 "serve [--db PATH] [--listen ADDR:PORT] [--tls-cert F --tls-key F] [--behind-proxy] [--threads N]"},
	{"init", cmd_init, CMD_DB | CMD_CREATE | CMD_NO_MIGRATE_CHECK, "init [--db PATH]"},
	{"migrate", cmd_migrate, CMD_DB | CMD_NO_MIGRATE_CHECK, "migrate [--db PATH]"},
	{"migrate-db", cmd_migrate_db, 0, "migrate-db --from BASE.db --to postgres://… [--key CLÉ]"},
	{"structure", cmd_structure, CMD_DB | CMD_KEY, "structure add NOM | structure list | structure set S [--phone T] [--address A] [--hours H]"},
	{"user", cmd_user, CMD_DB | CMD_KEY,
	 "user add --structure S --login L --name N --role R [--password P] | user list [--structure S] | "
	 "user disable LOGIN | user enable LOGIN | user reset-password LOGIN [--password P]"},
	{"demo", cmd_demo, CMD_DB | CMD_KEY, "demo [--db PATH]"},
	{"audit", cmd_audit, CMD_DB | CMD_KEY, "audit verify [--db PATH]"},
	{"import", cmd_import, CMD_DB | CMD_KEY,
	 "import persons FICHIER.csv --structure S [--map \"En-tête=champ,…\"] [--info-date JJ/MM/AAAA] [--dry-run] [--skip-bad] | "
	 "import services FICHIER.json|FICHIER.csv [--source NOM] [--attribution TEXTE] [--licence L] [--url URL] [--dry-run]"},
	{"export", cmd_export, CMD_DB | CMD_KEY, "export services --structure S"},
	{"report", cmd_report, CMD_DB | CMD_KEY,
	 "report activity --structure S --from JJ/MM/AAAA --to JJ/MM/AAAA [--format text|csv] [--mask N]"},
	{"backup", cmd_backup, CMD_DB | CMD_KEY, "backup --to FICHIER [--db CHEMIN] [--key CLÉ] [--documents DOSSIER]"},
	{"restore", cmd_restore, CMD_KEY, "restore --from FICHIER --to NOUVELLE_BASE --key CLÉ [--documents NOUVEAU_DOSSIER]"},
	{"hours", cmd_hours, 0, "hours 'VALEUR' [--from 'AAAA-MM-JJ HH:MM' --to 'AAAA-MM-JJ HH:MM'] [--json] | hours --batch"},
	{"retention", cmd_retention, CMD_DB | CMD_KEY, "retention [--dry-run] [--archive-after-days N] [--anonymise-after-days N]"},
	{"message", cmd_message, 0,
	 "message sms --to NUMÉRO --text TEXTE | message email --to ADRESSE --subject OBJET --text TEXTE "
	 "[--html HTML] [--ics FICHIER] " GATEWAY_USAGE},
	{"version", cmd_version, 0, "version"},
	{"help", cmd_help, 0, "help"},
};

/* lien init --db var/lien.db on a fresh checkout: var/ may not exist yet. */
static void make_parent_dir(const char *path)
{
	char dir[4096];
	if (cstr_copy(dir, sizeof dir, path) < 0)
		return;
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	mkdir(dir, 0750);
}

static void usage(FILE *f)
{
	fprintf(f, "Lien %s — dossier social, journal, démarches, orientation.\n\n"
		   "usage : lien COMMANDE [options]\n\n", LIEN_VERSION);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  lien %s\n", commands[i].usage);
	fprintf(f, "\nToute commande qui ouvre la base accepte --db CHEMIN (défaut : var/lien.db),\n"
		   "--key CHEMIN (défaut : le fichier .key à côté de la base)\n"
		   "et --documents DOSSIER (défaut : le dossier documents à côté de la base).\n");
}

static int cmd_version(struct cmd_ctx *c)
{
	(void)c;
	printf("lien %s (schéma %d)\n", LIEN_VERSION, db_schema_latest());
	return 0;
}

static int cmd_help(struct cmd_ctx *c)
{
	(void)c;
	usage(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const struct command *cmd = NULL;
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			cmd = &commands[i];
	if (!cmd) {
		fprintf(stderr, "lien: commande inconnue : %s\n\n", argv[1]);
		usage(stderr);
		return 2;
	}
	struct cmd_ctx c = {.argc = argc - 2, .argv = argv + 2};
	c.db_url = opt_value(&c, "--db");
	c.key_path = opt_value(&c, "--key");
	if (!c.db_url)
		c.db_url = "var/lien.db";
	/* Global, so that retention run from the command line removes the
	 * files of the documents it erases where the server keeps them. */
	c.documents = opt_value(&c, "--documents");
	/* By default beside the database file, or beside the key file for a
	 * PostgreSQL database (several servers share it: see README). */
	if (document_set_dir(c.documents, db_url_is_postgres(c.db_url) ? c.key_path : c.db_url) < 0)
		return cmd_fail("chemin du dossier des documents trop long");
	if (crypto_init() < 0)
		return cmd_fail("libsodium n'a pas pu être initialisée");
	db_global_init();

	/* Said before connecting: a server's database has no file beside it
	 * where the key could be found. */
	if ((cmd->flags & (CMD_KEY | CMD_CREATE)) && db_url_is_postgres(c.db_url) && !c.key_path)
		return cmd_fail("avec une base PostgreSQL, indiquez le fichier de clé : --key CHEMIN");
	if ((cmd->flags & CMD_CREATE) && !db_url_is_postgres(c.db_url))
		make_parent_dir(c.db_url);
	if (cmd->flags & CMD_DB) {
		struct buf err = BUF_INIT;
		c.db = db_open(c.db_url, (cmd->flags & CMD_CREATE) ? DB_OPEN_CREATE : 0, &err);
		if (!c.db) {
			int rc = cmd_fail("%s", buf_cstr(&err));
			buf_free(&err);
			return rc;
		}
		int v = db_schema_version(c.db), latest = db_schema_latest();
		if (v > latest) {
			db_close(c.db);
			return cmd_fail("la base %s est au schéma %d, plus récent que ce programme (%d) : "
					"installez une version plus récente de Lien", c.db_url, v, latest);
		}
		if (v < latest && !(cmd->flags & CMD_NO_MIGRATE_CHECK)) {
			db_close(c.db);
			return cmd_fail("la base %s est au schéma %d ; lancez d'abord « lien migrate --db %s »",
					c.db_url, v, c.db_url);
		}
	}
	if ((cmd->flags & CMD_KEY) && cmd_load_key(&c, 0) < 0) {
		db_close(c.db);
		return 1;
	}
	int rc = cmd->fn(&c);
	db_close(c.db);
	return rc;
}
