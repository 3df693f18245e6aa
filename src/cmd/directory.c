/* lien import services FILE, lien export services --structure S */
#include "cmd/cmd.h"
#include "domain/directory.h"
#include "domain/user.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char IMPORT_USAGE[] =
	"import services FICHIER.json|FICHIER.csv [--source NOM] [--attribution TEXTE] [--licence L] [--url URL] "
	"[--dry-run]";
static const char EXPORT_USAGE[] = "export services --structure S";

static void print_record(void *arg, const char *record, const char *reason)
{
	(void)arg;
	if (record)
		fprintf(stderr, "enregistrement %s : %s\n", record, reason);
	else
		fprintf(stderr, "%s\n", reason);
}

static const char *plural(int n, const char *one, const char *many)
{
	return n > 1 ? many : one;
}

int cmd_import_services(struct cmd_ctx *c)
{
	struct directory_import_options opt = {0};
	opt.source = opt_value(c, "--source");
	opt.attribution = opt_value(c, "--attribution");
	opt.licence = opt_value(c, "--licence");
	opt.url = opt_value(c, "--url");
	opt.dry_run = opt_flag(c, "--dry-run");
	if (opt_done(c, IMPORT_USAGE) < 0 || c->argc != 2)
		return cmd_usage(IMPORT_USAGE);
	const char *path = c->argv[1];
	opt.file_name = path;
	/* Mapped, not read: a national file is large and only walked once. */
	int fd = open(path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return cmd_fail("impossible de lire %s", path);
	}
	size_t len = (size_t)st.st_size;
	const char *data = "";
	void *map = NULL;
	if (len > 0) {
		map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED) {
			close(fd);
			return cmd_fail("impossible de lire %s", path);
		}
		data = map;
	}
	close(fd);
	struct directory_import_result res;
	int rc = directory_import(c->db, data, len, &opt, &res, print_record, NULL);
	if (map)
		munmap(map, len);
	if (rc < 0) {
		fprintf(stderr, "lien: import refusé : fichier inutilisable ; rien n'a été écrit.\n");
		return 1;
	}
	printf("%s : %d enregistrement%s lu%s (%s", path, res.records, plural(res.records, "", "s"),
	       plural(res.records, "", "s"), directory_shape_label(res.shape));
	if (res.lmn_v01 || res.lmn_v1)
		printf(", schéma %s", res.lmn_v01 && res.lmn_v1 ? "0.1 et 1.x" : res.lmn_v01 ? "0.1" : "1.x");
	printf(").\n");
	printf("structures : %d créée%s, %d mise%s à jour, %d inchangée%s\n", res.structures_created,
	       plural(res.structures_created, "", "s"), res.structures_updated, plural(res.structures_updated, "", "s"),
	       res.structures_unchanged, plural(res.structures_unchanged, "", "s"));
	printf("services : %d créé%s, %d mis à jour, %d inchangé%s\n", res.services_created,
	       plural(res.services_created, "", "s"), res.services_updated, res.services_unchanged,
	       plural(res.services_unchanged, "", "s"));
	printf("rejetés : %d", res.rejected);
	if (res.warnings)
		printf(" ; avertissements : %d", res.warnings);
	printf("\n");
	if (opt.dry_run)
		printf("Vérification seulement (--dry-run) : rien n'a été écrit.\n");
	return 0;
}

int cmd_export(struct cmd_ctx *c)
{
	const char *structure = opt_value(c, "--structure");
	if (opt_done(c, EXPORT_USAGE) < 0 || c->argc != 1 || strcmp(c->argv[0], "services") != 0 || !structure)
		return cmd_usage(EXPORT_USAGE);
	int64_t sid;
	if (structure_find(c->db, structure, &sid) != 1)
		return cmd_fail("structure inconnue : %s", structure);
	struct buf out = BUF_INIT;
	if (directory_export_local(c->db, sid, &out) < 0) {
		buf_free(&out);
		return cmd_fail("export impossible : %s", db_errmsg(c->db));
	}
	fwrite(out.data, 1, out.len, stdout);
	buf_free(&out);
	return 0;
}
