/* Importing people from a spreadsheet, from the web (heads of service). */
#include "web/web.h"
#include "domain/import.h"

#include <stdio.h>
#include <string.h>

void page_import(struct web *w)
{
	tpl_set_bool(w->tpl, "dry_run", 1);
	web_render(w, "import", "Importer des personnes depuis un tableur");
}

static void add_problem(void *arg, int line, const char *message)
{
	struct web *w = arg;
	struct tpl_ctx *c = tpl_list_add(w->tpl, "problems");
	if (line)
		tpl_set_int(c, "line", line);
	tpl_set(c, "message", message);
}

void page_import_post(struct web *w)
{
	const struct http_file *file = NULL;
	for (size_t i = 0; i < w->req->files.n; i++)
		if (strcmp(w->req->files.items[i].name, "fichier") == 0)
			file = &w->req->files.items[i];
	struct import_options opt = {
		.info_date = req_form(w->req, "info_date"),
		.info_method = req_form(w->req, "info_method"),
		.dry_run = req_form(w->req, "dry_run") != NULL,
		.skip_bad = req_form(w->req, "skip_bad") != NULL,
		.allow_duplicates = req_form(w->req, "allow_duplicates") != NULL,
	};
	if (opt.info_date && !opt.info_date[0])
		opt.info_date = NULL;
	tpl_set_bool(w->tpl, "dry_run", opt.dry_run);
	tpl_set_bool(w->tpl, "skip_bad", opt.skip_bad);
	tpl_set(w->tpl, "info_date", opt.info_date);
	if (!file || file->len == 0) {
		web_field_error(w, "fichier", "Choisissez un fichier CSV enregistré depuis votre tableur.");
		web_render(w, "import", "Importer des personnes depuis un tableur");
		return;
	}
	struct import_result res;
	int rc = import_persons(w->db, &w->actor, file->data, file->len, &opt, &res, add_problem, w);
	tpl_set(w->tpl, "filename", file->filename);
	tpl_set_bool(w->tpl, "done", 1);
	tpl_set_bool(w->tpl, "ok", rc == 0);
	tpl_set_int(w->tpl, "lines", res.lines);
	tpl_set_int(w->tpl, "bad", res.bad);
	tpl_set_int(w->tpl, "imported", res.imported);
	if (rc < 0)
		w->resp->status = 422;
	web_render(w, "import", rc == 0 && !opt.dry_run ? "Import terminé" : "Résultat de la vérification");
}
