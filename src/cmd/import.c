/* lien import persons FILE.csv (and the table of import subcommands) */
#include "cmd/cmd.h"
#include "domain/import.h"
#include "domain/user.h"

#include <stdio.h>
#include <string.h>

static const char USAGE[] =
	"import persons FICHIER.csv --structure S [--map \"En-tête=champ,…\"] [--info-date JJ/MM/AAAA] "
	"[--info-method oral_notice|paper] [--dry-run] [--skip-bad] [--allow-duplicates]";

enum { IMPORT_MAX_BYTES = 64 << 20 };

static void print_problem(void *arg, int line, const char *message)
{
	(void)arg;
	if (line)
		fprintf(stderr, "ligne %d : %s\n", line, message);
	else
		fprintf(stderr, "%s\n", message);
}

static int import_persons_cmd(struct cmd_ctx *c)
{
	struct import_options opt = {0};
	const char *structure = opt_value(c, "--structure");
	opt.mapping = opt_value(c, "--map");
	opt.info_date = opt_value(c, "--info-date");
	opt.info_method = opt_value(c, "--info-method");
	opt.dry_run = opt_flag(c, "--dry-run");
	opt.skip_bad = opt_flag(c, "--skip-bad");
	opt.allow_duplicates = opt_flag(c, "--allow-duplicates");
	if (opt_done(c, USAGE) < 0 || c->argc != 2 || strcmp(c->argv[0], "persons") != 0 || !structure)
		return cmd_usage(USAGE);
	int64_t sid;
	if (structure_find(c->db, structure, &sid) != 1)
		return cmd_fail("structure inconnue : %s", structure);
	FILE *f = fopen(c->argv[1], "rb");
	if (!f)
		return cmd_fail("impossible de lire %s", c->argv[1]);
	struct buf data;
	buf_init(&data, IMPORT_MAX_BYTES);
	char tmp[65536];
	size_t n;
	int too_big = 0;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		if (buf_append(&data, tmp, n) < 0) {
			too_big = 1;
			break;
		}
	fclose(f);
	if (too_big) {
		buf_free(&data);
		return cmd_fail("%s dépasse %d Mo : découpez-le", c->argv[1], IMPORT_MAX_BYTES >> 20);
	}
	struct actor by = {.structure_id = sid, .role = ROLE_RESPONSABLE, .ip = "cli"};
	struct import_result res;
	int rc = import_persons(c->db, &by, buf_cstr(&data), data.len, &opt, &res, print_problem, NULL);
	buf_free(&data);
	if (rc < 0 && !opt.info_date && res.lines == 0)
		fprintf(stderr, "(en ligne de commande : --info-date JJ/MM/AAAA)\n");
	if (rc < 0) {
		fprintf(stderr, "lien: import refusé : %d ligne%s sur %d en erreur%s ; rien n'a été écrit.\n", res.bad,
			res.bad > 1 ? "s" : "", res.lines, res.duplicates ? " (dont doublons)" : "");
		return 1;
	}
	if (opt.dry_run)
		printf("Vérification terminée : %d ligne%s importable%s, %d ignorée%s. Rien n'a été écrit (--dry-run).\n",
		       res.imported, res.imported > 1 ? "s" : "", res.imported > 1 ? "s" : "", res.bad, res.bad > 1 ? "s" : "");
	else
		printf("%d personne%s importée%s, %d ligne%s ignorée%s.\n", res.imported, res.imported > 1 ? "s" : "",
		       res.imported > 1 ? "s" : "", res.bad, res.bad > 1 ? "s" : "", res.bad > 1 ? "s" : "");
	return 0;
}

/* lien import WHAT …: one entry per kind of file. */
static const struct {
	const char *what;
	int (*fn)(struct cmd_ctx *c);
} IMPORTS[] = {
	{"persons", import_persons_cmd},
	{"services", cmd_import_services},
};

int cmd_import(struct cmd_ctx *c)
{
	for (size_t i = 0; c->argc > 0 && i < sizeof IMPORTS / sizeof IMPORTS[0]; i++)
		if (strcmp(c->argv[0], IMPORTS[i].what) == 0)
			return IMPORTS[i].fn(c);
	return cmd_usage(USAGE);
}
