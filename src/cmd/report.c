/* lien report activity: the activity report from the command line. */
#include "cmd/cmd.h"
#include "core/clock.h"
#include "domain/audit.h"
#include "domain/export.h"
#include "domain/report.h"
#include "domain/user.h"
#include "view/pdf.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char USAGE[] =
	"report persons --structure S --from JJ/MM/AAAA --to JJ/MM/AAAA --columns age,sexe,... "
	"[--format csv|csv-windows|xlsx] [--mask N]\n"
	"       lien report activity --structure S --from JJ/MM/AAAA --to JJ/MM/AAAA [--format text|csv|csv-windows|xlsx|pdf] "
	"[--mask N] [--worker LOGIN | --site ID] [--recount] [--timing]";

/* The funders' export: one line per person under a pseudonym. */
static int report_persons(struct cmd_ctx *c, int64_t sid, const char *from, const char *to, const char *format,
			  const char *columns, int64_t threshold)
{
	if (!columns) {
		fprintf(stderr, "lien: --columns attend une liste parmi :");
		for (const struct choice *k = export_columns; k->value; k++)
			fprintf(stderr, " %s", k->value);
		fprintf(stderr, "\n");
		return 2;
	}
	enum export_format f = !format || strcmp(format, "csv") == 0 ? EXPORT_CSV
			       : strcmp(format, "csv-windows") == 0   ? EXPORT_CSV_CP1252
			       : strcmp(format, "xlsx") == 0          ? EXPORT_XLSX
								      : (enum export_format)-1;
	if ((int)f < 0)
		return cmd_fail("format inconnu : %s (csv, csv-windows ou xlsx)", format);
	struct buf out = BUF_INIT, err = BUF_INIT;
	int n = export_persons(c->db, sid, from, to, columns, (int)threshold, f, &out, &err);
	if (n < 0) {
		int rc = cmd_fail("%s", buf_cstr(&err));
		buf_free(&out);
		buf_free(&err);
		return rc;
	}
	struct actor cli = {.structure_id = sid, .ip = "cli"};
	audit_log(c->db, &cli, "report.export_persons", "report", n, columns);
	fwrite(out.data, 1, out.len, stdout);
	buf_free(&out);
	buf_free(&err);
	return 0;
}

int cmd_report(struct cmd_ctx *c)
{
	const char *structure = opt_value(c, "--structure");
	const char *from = opt_value(c, "--from"), *to = opt_value(c, "--to");
	const char *format = opt_value(c, "--format");
	const char *mask = opt_value(c, "--mask");
	const char *columns = opt_value(c, "--columns");
	const char *worker = opt_value(c, "--worker");
	const char *site = opt_value(c, "--site");
	/* The raw recount instead of the aggregates, and the computation's
	 * time on stderr: what bench/report.sh compares. */
	int recount = opt_flag(c, "--recount"), timing = opt_flag(c, "--timing");
	if (opt_done(c, USAGE) < 0 || c->argc != 1 || !structure || !from || !to ||
	    (strcmp(c->argv[0], "activity") != 0 && strcmp(c->argv[0], "persons") != 0))
		return cmd_usage(USAGE);
	int persons = strcmp(c->argv[0], "persons") == 0;
	static const char *const formats[] = {"text", "csv", "csv-windows", "xlsx", "pdf"};
	int known = !format;
	for (size_t i = 0; i < sizeof formats / sizeof formats[0] && !known; i++)
		known = strcmp(format, formats[i]) == 0;
	if (!known)
		return cmd_fail("format inconnu : %s (text, csv, csv-windows, xlsx ou pdf ; le HTML et les graphiques sont "
				"sur la page Rapports)",
				format);
	int64_t sid, threshold = 5;
	if (structure_find(c->db, structure, &sid) != 1)
		return cmd_fail("structure inconnue : %s", structure);
	if (mask && str_to_i64(str_from(mask), 1, 100, &threshold) < 0)
		return cmd_fail("--mask attend un nombre entre 1 et 100");
	if (persons)
		return report_persons(c, sid, from, to, format, columns, threshold);
	struct report_scope scope = {sid, 0, 0};
	if (worker && site)
		return cmd_fail("--worker et --site ne vont pas ensemble : un rapport est celui d'un professionnel ou "
				"d'un lieu");
	/* report_compute checks that the site is one of the structure's. */
	if (site && str_to_i64(str_from(site), 1, INT64_MAX, &scope.site_id) < 0)
		return cmd_fail("--site attend le numéro d'un lieu de la structure");
	if (worker) {
		struct user u;
		if (user_get_by_login(c->db, worker, &u) != 1 || u.structure_id != sid)
			return cmd_fail("pas de compte %s dans cette structure", worker);
		scope.worker_id = u.id;
	}
	struct activity_report r;
	struct buf err = BUF_INIT, out = BUF_INIT;
	int64_t started = clock_mono_us();
	struct timespec cpu0, cpu1;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu0);
	if (report_compute(c->db, &scope, from, to, recount ? REPORT_RECOUNT : REPORT_AGGREGATES, &r, &err) < 0) {
		int rc = cmd_fail("%s", buf_cstr(&err));
		buf_free(&err);
		return rc;
	}
	if (timing) {
		/* The processor time too: on a shared machine the elapsed time
		 * also counts the other processes. */
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu1);
		double cpu = (double)(cpu1.tv_sec - cpu0.tv_sec) * 1e3 + (double)(cpu1.tv_nsec - cpu0.tv_nsec) / 1e6;
		fprintf(stderr, "calcul du rapport : %.1f ms (processeur : %.1f ms)\n",
			(double)(clock_mono_us() - started) / 1000.0, cpu);
	}
	struct actor cli = {.structure_id = sid, .ip = "cli"};
	audit_log(c->db, &cli, "report.export", "report", 0, r.from);
	int bad = 0;
	if (format && strncmp(format, "csv", 3) == 0) {
		bad = report_activity_csv(&r, (int)threshold, format[3] != '\0', &out);
	} else if (format && strcmp(format, "xlsx") == 0) {
		bad = report_activity_xlsx(&r, (int)threshold, &out, &err);
	} else if (format && strcmp(format, "pdf") == 0) {
		struct structure_contact contact;
		memset(&contact, 0, sizeof contact);
		structure_contact_get(c->db, sid, &contact);
		bad = report_activity_pdf(&r, contact.name, (int)threshold, &out);
		pdf_shutdown(); /* the font caches: leak checkers see only Lien's memory */
	} else {
		buf_appendf(&out, "Rapport d'activité%s%s du %s au %s (période précédente : du %s au %s)\n\n",
			    r.site[0] ? " – lieu : " : "", r.site, r.from, r.to, r.prev_from, r.prev_to);
		struct report_total totals[REPORT_TOTALS];
		int ntotals = report_totals(&r, totals);
		for (int i = 0; i < ntotals; i++)
			buf_appendf(&out, "  %-48s %10lld %10lld\n", totals[i].label, (long long)totals[i].n,
				    (long long)totals[i].prev);
		/* A worker's or site's report says what it counts, as the page does. */
		if (r.whose)
			buf_appendf(&out, "  (%s)\n", r.whose);
		for (int k = 0; k < RT_COUNT; k++) {
			buf_appendf(&out, "\n%s\n", r.tables[k].title);
			if (r.tables[k].whose)
				buf_appendf(&out, "  (%s)\n", r.tables[k].whose);
			for (int i = 0; i < r.tables[k].nrows; i++)
				buf_appendf(&out, "  %-40s %10lld %10lld\n", r.tables[k].rows[i].label,
					    (long long)r.tables[k].rows[i].n, (long long)r.tables[k].rows[i].prev);
		}
	}
	if (bad) {
		int rc = cmd_fail("export impossible : %s", err.len ? buf_cstr(&err) : "erreur inattendue");
		buf_free(&out);
		buf_free(&err);
		return rc;
	}
	fwrite(out.data, 1, out.len, stdout);
	buf_free(&out);
	buf_free(&err);
	return 0;
}
