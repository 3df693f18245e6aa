/* lien backup / lien restore */
#include "cmd/cmd.h"
#include "db/backup.h"
#include "domain/domain.h"

#include <stdio.h>

int cmd_backup(struct cmd_ctx *c)
{
	static const char usage[] = "backup --to FICHIER [--db CHEMIN] [--key CLÉ]";
	const char *to = opt_value(c, "--to");
	if (opt_done(c, usage) < 0 || c->argc || !to)
		return cmd_usage(usage);
	struct buf err = BUF_INIT;
	if (backup_create(c->db_url, domain_key(), to, &err) < 0) {
		int rc = cmd_fail("sauvegarde impossible : %s", buf_cstr(&err));
		buf_free(&err);
		return rc;
	}
	printf("Sauvegarde chiffrée écrite dans %s (clé : %s — conservez-la à part, sans elle la sauvegarde est illisible).\n",
	       to, c->key_path);
	return 0;
}

int cmd_restore(struct cmd_ctx *c)
{
	static const char usage[] = "restore --from FICHIER --to NOUVELLE_BASE --key CLÉ";
	const char *from = opt_value(c, "--from"), *to = opt_value(c, "--to");
	if (opt_done(c, usage) < 0 || c->argc || !from || !to)
		return cmd_usage(usage);
	struct buf err = BUF_INIT;
	if (backup_restore(from, domain_key(), to, &err) < 0) {
		int rc = cmd_fail("%s", buf_cstr(&err));
		buf_free(&err);
		return rc;
	}
	printf("Base restaurée dans %s ; vérifiez-la avec « lien audit verify --db %s --key %s ».\n", to, to, c->key_path);
	return 0;
}
