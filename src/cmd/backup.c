/* lien backup / lien restore */
#include "cmd/cmd.h"
#include "db/backup.h"
#include "domain/document.h"
#include "domain/domain.h"

#include <stdio.h>
#include <string.h>

static const char *documents_word(int n)
{
	return n > 1 ? "documents" : "document";
}

int cmd_backup(struct cmd_ctx *c)
{
	static const char usage[] = "backup --to FICHIER [--db CHEMIN] [--key CLÉ] [--documents DOSSIER]";
	const char *to = opt_value(c, "--to");
	if (opt_done(c, usage) < 0 || c->argc || !to)
		return cmd_usage(usage);
	struct buf err = BUF_INIT, notes = BUF_INIT;
	struct backup_stats stats;
	int rc = backup_create(c->db_url, document_dir(), domain_key(), to, &stats, &notes, &err);
	/* One line per document skipped, before the verdict. */
	for (const char *p = buf_cstr(&notes); *p;) {
		size_t n = strcspn(p, "\n");
		fprintf(stderr, "lien: note : %.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
	if (rc < 0) {
		rc = cmd_fail("sauvegarde impossible : %s", buf_cstr(&err));
	} else {
		printf("Sauvegarde chiffrée écrite dans %s : la base et %d %s (dossier %s)", to, stats.documents,
		       documents_word(stats.documents), document_dir());
		if (stats.skipped)
			printf(", %d %s ignoré%s (voir plus haut)", stats.skipped, documents_word(stats.skipped),
			       stats.skipped > 1 ? "s" : "");
		printf(".\nClé : %s — conservez-la à part, sans elle la sauvegarde est illisible.\n", c->key_path);
	}
	buf_free(&err);
	buf_free(&notes);
	return rc;
}

int cmd_restore(struct cmd_ctx *c)
{
	static const char usage[] = "restore --from FICHIER --to NOUVELLE_BASE --key CLÉ [--documents NOUVEAU_DOSSIER]";
	const char *from = opt_value(c, "--from"), *to = opt_value(c, "--to");
	if (opt_done(c, usage) < 0 || c->argc || !from || !to)
		return cmd_usage(usage);
	/* By default the documents go beside the new database, where
	 * `lien serve --db NOUVELLE_BASE` looks for them. */
	if (document_set_dir(c->documents, db_url_is_postgres(to) ? c->key_path : to) < 0)
		return cmd_fail("chemin du dossier des documents trop long");
	struct buf err = BUF_INIT;
	struct backup_stats stats;
	if (backup_restore(from, domain_key(), to, document_dir(), &stats, &err) < 0) {
		int rc = cmd_fail("%s", buf_cstr(&err));
		buf_free(&err);
		return rc;
	}
	printf("Base restaurée dans %s", to);
	if (stats.version >= 2)
		printf(", %d %s dans %s", stats.documents, documents_word(stats.documents), document_dir());
	else
		printf(" (sauvegarde ancienne, sans les documents)");
	printf(" ; vérifiez-la avec « lien audit verify --db %s --key %s ».\n", to, c->key_path);
	return 0;
}
