/* The activity report page: figures from the journal, tables and charts
 * (inline SVG, no script, readable in black and white), CSV download. */
#include "web/web.h"
#include "core/clock.h"
#include "domain/audit.h"
#include "domain/export.h"
#include "domain/report.h"
#include "domain/user.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MASK_THRESHOLD = 5 };

/* Horizontal bars, one per row: the period in black, the previous period
 * hatched grey beneath, each labelled with its figure. The table that
 * follows carries the same figures for screen readers (the SVG is
 * aria-hidden). */
static void bar_chart(struct buf *svg, const struct report_table *t)
{
	int64_t max = 1;
	for (int i = 0; i < t->nrows; i++) {
		if (t->rows[i].n > max)
			max = t->rows[i].n;
		if (t->rows[i].prev > max)
			max = t->rows[i].prev;
	}
	const int row_h = 34, label_w = 230, bar_w = 360;
	int h = t->nrows * row_h + 10;
	buf_appendf(svg, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" width=\"100%%\" aria-hidden=\"true\" "
			 "focusable=\"false\" xmlns=\"http://www.w3.org/2000/svg\">",
		    label_w + bar_w + 70, h);
	for (int i = 0; i < t->nrows; i++) {
		const struct report_row *r = &t->rows[i];
		int y = 5 + i * row_h;
		int w1 = (int)(r->n * bar_w / max), w2 = (int)(r->prev * bar_w / max);
		buf_appendf(svg, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"13\">", label_w - 8, y + 16);
		buf_append_html(svg, r->label, strlen(r->label));
		buf_appendf(svg, "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"14\" fill=\"#1b1b1b\"/>"
				 "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"8\" fill=\"#ffffff\" stroke=\"#555\" "
				 "stroke-dasharray=\"3 2\"/>"
				 "<text x=\"%d\" y=\"%d\" font-size=\"12\">%lld</text>",
			    label_w, y + 4, w1 > 0 ? w1 : 1, label_w, y + 20, w2 > 0 ? w2 : 1, label_w + w1 + 6, y + 15,
			    (long long)r->n);
	}
	buf_puts(svg, "</svg>");
}

static const char *evolution(int64_t n, int64_t prev, char *out, size_t size)
{
	if (prev == 0)
		snprintf(out, size, n ? "nouveau" : "—");
	else
		snprintf(out, size, "%+.0f %%", 100.0 * (double)(n - prev) / (double)prev);
	return out;
}

static void default_period(char from[32], char to[32])
{
	/* The previous calendar month: what funders and boards usually ask for. */
	int y, m, d;
	int64_t today = (clock_now() + clock_paris_offset(clock_now())) / 86400;
	civil_from_days(today, &y, &m, &d);
	int py = m == 1 ? y - 1 : y, pm = m == 1 ? 12 : m - 1;
	snprintf(from, 32, "%04d-%02d-01", py, pm);
	civil_from_days(days_from_civil(y, m, 1) - 1, &y, &m, &d);
	snprintf(to, 32, "%04d-%02d-%02d", y, m, d);
}

/* The report as a file: CSV (UTF-8, or Windows-1252 for old spreadsheets),
 * XLSX or PDF. 0 when the response is ready, -1 for an unknown format. */
static int report_download(struct web *w, const struct activity_report *r, const char *format)
{
	struct buf err = BUF_INIT;
	const char *type = NULL, *ext = NULL;
	int rc = -1;
	if (strcmp(format, "csv") == 0 || strcmp(format, "csv-windows") == 0) {
		int cp1252 = format[3] != '\0';
		type = cp1252 ? "text/csv; charset=windows-1252" : "text/csv; charset=utf-8";
		ext = "csv";
		rc = report_activity_csv(r, MASK_THRESHOLD, cp1252, &w->resp->body);
	} else if (strcmp(format, "xlsx") == 0) {
		type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
		ext = "xlsx";
		rc = report_activity_xlsx(r, MASK_THRESHOLD, &w->resp->body, &err);
	} else if (strcmp(format, "pdf") == 0) {
		type = "application/pdf";
		ext = "pdf";
		rc = report_activity_pdf(r, w->sess.user.structure_name, MASK_THRESHOLD, &w->resp->body);
	} else {
		return -1;
	}
	buf_free(&err);
	if (rc < 0) {
		buf_reset(&w->resp->body);
		web_error(w, 500, NULL);
		return 0;
	}
	w->resp->content_type = type;
	/* A site's file says so in its name too (the title inside names it). */
	resp_header(w->req, w->resp, "Content-Disposition",
		    pool_printf(w->req->pool, "attachment; filename=\"rapport-activite%s%s-%s-%s.%s\"",
				r->site[0] ? "-lieu-" : "", r->site[0] ? req_query(w->req, "lieu") : "", r->from, r->to,
				ext));
	return 0;
}

/* The report of a scope for the period asked (by default the previous
 * month), with the period in the form. 0, or -1 with the error on the
 * field. */
static int report_compute_asked(struct web *w, const struct report_scope *scope, struct activity_report *r)
{
	char dfrom[32], dto[32];
	default_period(dfrom, dto);
	const char *from = req_query(w->req, "du"), *to = req_query(w->req, "au");
	if (!from || !from[0])
		from = dfrom;
	if (!to || !to[0])
		to = dto;
	tpl_set(w->tpl, "du", from);
	tpl_set(w->tpl, "au", to);
	struct buf err = BUF_INIT;
	int rc = report_compute(w->db, scope, from, to, REPORT_AGGREGATES, r, &err);
	if (rc < 0)
		web_field_error(w, "du", buf_cstr(&err));
	buf_free(&err);
	return rc;
}

/* The figures, for templates/_report.html. */
static void report_values(struct web *w, const struct activity_report *r)
{
	char ev[32];
	tpl_set_bool(w->tpl, "done", 1);
	tpl_set(w->tpl, "from", r->from);
	tpl_set(w->tpl, "to", r->to);
	tpl_set(w->tpl, "prev_from", r->prev_from);
	tpl_set(w->tpl, "prev_to", r->prev_to);
	if (r->site[0])
		tpl_set(w->tpl, "site_name", r->site);
	if (r->whose)
		tpl_set(w->tpl, "totals_whose", r->whose);
	struct report_total totals[REPORT_TOTALS];
	int ntotals = report_totals(r, totals);
	for (int i = 0; i < ntotals; i++) {
		struct tpl_ctx *c = tpl_list_add(w->tpl, "totals");
		tpl_set(c, "label", totals[i].label);
		tpl_set_int(c, "n", totals[i].n);
		tpl_set_int(c, "prev", totals[i].prev);
		tpl_set(c, "evolution", evolution(totals[i].n, totals[i].prev, ev, sizeof ev));
	}
	if (r->entries)
		tpl_setf(w->tpl, "average", "%lld", (long long)(r->minutes / r->entries));
	for (int k = 0; k < RT_COUNT; k++) {
		const struct report_table *t = &r->tables[k];
		struct tpl_ctx *c = tpl_list_add(w->tpl, "tables");
		tpl_set(c, "title", t->title);
		tpl_set(c, "unit", t->unit);
		if (t->whose)
			tpl_set(c, "whose", t->whose);
		tpl_set_int(c, "k", k);
		struct buf svg = BUF_INIT;
		bar_chart(&svg, t);
		tpl_set_raw(c, "chart", buf_cstr(&svg)); /* built above, every label escaped */
		buf_free(&svg);
		for (int i = 0; i < t->nrows; i++) {
			struct tpl_ctx *row = tpl_list_add(c, "rows");
			tpl_set(row, "label", t->rows[i].label);
			tpl_set_int(row, "n", t->rows[i].n);
			tpl_set_int(row, "prev", t->rows[i].prev);
			tpl_set(row, "evolution", evolution(t->rows[i].n, t->rows[i].prev, ev, sizeof ev));
		}
	}
}

/* The « Lieu » select: every site of the structure, closed ones too (their
 * past entries still count); absent when the structure has none. */
struct report_site_options {
	struct web *w;
	int64_t selected;
	int found;
};

static void add_report_site(void *arg, int64_t id, const char *name)
{
	struct report_site_options *o = arg;
	tpl_set_bool(o->w->tpl, "has_report_sites", 1);
	struct tpl_ctx *c = tpl_list_add(o->w->tpl, "report_sites");
	tpl_set_int(c, "id", id);
	tpl_set(c, "name", name);
	tpl_set_bool(c, "selected", id == o->selected);
	o->found |= id == o->selected;
}

void page_report(struct web *w)
{
	struct activity_report r;
	struct report_scope scope = {w->actor.structure_id, 0, 0};
	tpl_set(w->tpl, "report_url", "/rapports/activite");
	tpl_set_bool(w->tpl, "downloads", 1);
	const char *lieu = req_query(w->req, "lieu");
	struct report_site_options sites = {w, 0, 0};
	if (lieu && lieu[0] && str_to_i64(str_from(lieu), 1, INT64_MAX, &sites.selected) < 0)
		sites.selected = -1;
	if (report_sites(w->db, w->actor.structure_id, add_report_site, &sites) < 0) {
		web_error(w, 503, NULL);
		return;
	}
	tpl_set_bool(w->tpl, "site_all", sites.selected == 0);
	if (sites.selected && !sites.found) {
		/* Another structure's site, or no site at all: nothing computed. */
		web_field_error(w, "lieu", "Ce lieu n'existe pas dans la structure.");
		web_render(w, "report", "Rapport d'activité");
		return;
	}
	scope.site_id = sites.selected;
	if (scope.site_id)
		tpl_set_int(w->tpl, "lieu", scope.site_id);
	if (report_compute_asked(w, &scope, &r) < 0) {
		web_render(w, "report", "Rapport d'activité");
		return;
	}
	const char *format = req_query(w->req, "format");
	static const char *const FORMATS[] = {"csv", "csv-windows", "xlsx", "pdf"};
	int download = 0;
	for (size_t i = 0; format && i < sizeof FORMATS / sizeof FORMATS[0]; i++)
		download |= strcmp(format, FORMATS[i]) == 0;
	/* An unknown format shows the page: a view, not an export. */
	audit_log(w->db, &w->actor, download ? "report.export" : "report.view", "report", scope.site_id, r.from);
	if (download && report_download(w, &r, format) == 0)
		return;
	report_values(w, &r);
	web_render(w, "report", "Rapport d'activité");
}

/* ---- the baromètre ------------------------------------------------------------ */

static const char *percent(struct web *w, int64_t part, int64_t whole)
{
	if (!whole)
		return "—";
	const char *s = pool_printf(w->req->pool, "%lld %%", (long long)((part * 100 + whole / 2) / whole));
	return s ? s : "";
}

static void add_barometer_worker(void *arg, const struct user *u)
{
	struct web *w = arg;
	if (!user_can_follow(u, w->actor.structure_id))
		return;
	struct tpl_ctx *c = tpl_list_add(w->tpl, "workers");
	tpl_set_int(c, "id", u->id);
	tpl_set(c, "name", u->display_name);
	const char *sel = tpl_get(w->tpl, "worker_selected");
	tpl_set_bool(c, "selected", sel && strtoll(sel, NULL, 10) == u->id);
}

/* Month by month: each share with its parts, and a chart of the time with
 * people against administrative time (the table carries the same figures). */
static void render_barometer(struct web *w, int64_t worker, const char *title)
{
	struct barometer_month *b = pool_alloc(w->req->pool, BAROMETER_MONTHS * sizeof *b);
	if (!b || report_barometer(w->db, w->actor.structure_id, worker, b) < 0) {
		web_error(w, 503, NULL);
		return;
	}
	struct buf svg = BUF_INIT;
	const int col_w = 50, h = 160;
	buf_appendf(&svg, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" width=\"100%%\" aria-hidden=\"true\" focusable=\"false\" "
			  "xmlns=\"http://www.w3.org/2000/svg\">",
		    BAROMETER_MONTHS * col_w + 10, h + 40);
	for (int k = 0; k < BAROMETER_MONTHS; k++) {
		const struct barometer_month *m = &b[k];
		int64_t total = m->minutes_people + m->minutes_admin;
		struct tpl_ctx *c = tpl_list_add(w->tpl, "months");
		tpl_set(c, "label", m->label);
		tpl_set(c, "people_share", percent(w, m->minutes_people, total));
		tpl_set(c, "admin_share", percent(w, m->minutes_admin, total));
		tpl_set_int(c, "hours", total / 60);
		int64_t procs = m->proc_alone + m->proc_with + m->proc_in_place;
		tpl_set(c, "in_place_share", percent(w, m->proc_in_place, procs));
		tpl_set(c, "with_share", percent(w, m->proc_with, procs));
		tpl_set_int(c, "procedures", procs);
		tpl_set(c, "oriented_share", percent(w, m->persons_oriented, m->persons_seen));
		tpl_set_int(c, "seen", m->persons_seen);
		tpl_set_int(c, "gains", m->autonomy_gains);
		/* The column: time with people in black at the bottom, administrative time hatched above. */
		int x = 10 + k * col_w;
		int hp = total ? (int)(m->minutes_people * h / total) : 0;
		int ha = total ? h - hp : 0;
		if (total) {
			buf_appendf(&svg, "<rect x=\"%d\" y=\"%d\" width=\"34\" height=\"%d\" fill=\"#1b1b1b\"/>", x, h - hp + 5, hp);
			buf_appendf(&svg, "<rect x=\"%d\" y=\"%d\" width=\"34\" height=\"%d\" fill=\"#fff\" stroke=\"#555\" "
					  "stroke-dasharray=\"3 2\"/>",
				    x, 5, ha);
		}
		char abbr[5];
		snprintf(abbr, sizeof abbr, "%.3s", m->label);
		buf_appendf(&svg, "<text x=\"%d\" y=\"%d\" font-size=\"12\">", x, h + 25);
		buf_append_html(&svg, abbr, strlen(abbr));
		buf_puts(&svg, "</text>");
	}
	buf_puts(&svg, "</svg>");
	tpl_set_raw(w->tpl, "chart", buf_cstr(&svg));
	buf_free(&svg);
	web_render(w, "barometer", title);
}

void page_barometer(struct web *w)
{
	int64_t worker = 0;
	const char *pro = req_query(w->req, "pro");
	if (pro && str_to_i64(str_from(pro), 0, INT64_MAX, &worker) < 0)
		worker = 0;
	struct user u;
	if (worker && (user_get(w->db, worker, &u) != 1 || u.structure_id != w->actor.structure_id)) {
		web_error(w, 404, "Ce professionnel n'existe pas dans la structure.");
		return;
	}
	tpl_set_int(w->tpl, "worker_selected", worker);
	tpl_set_bool(w->tpl, "team", 1);
	user_list(w->db, w->actor.structure_id, add_barometer_worker, w);
	audit_log(w->db, &w->actor, "report.barometer", "report", worker, NULL);
	render_barometer(w, worker, "Baromètre de l'équipe");
}

/* A worker's own figures: the same baromètre, then the activity report of
 * a period, both for their own work only (report_scope says what is theirs;
 * the page says it under each table). Their own figures: no audit row, no
 * download. */
void page_my_activity(struct web *w)
{
	struct activity_report *r = pool_alloc(w->req->pool, sizeof *r);
	struct report_scope scope = {w->actor.structure_id, w->actor.user_id, 0};
	if (!r) {
		web_error(w, 503, NULL);
		return;
	}
	tpl_set(w->tpl, "report_url", "/mon-activite");
	if (report_compute_asked(w, &scope, r) == 0)
		report_values(w, r);
	render_barometer(w, w->actor.user_id, "Mon activité");
}

/* ---- the funders' export ---------------------------------------------------------- */

static const struct choice EXPORT_FORMATS[] = {
	{"xlsx", "Tableur (XLSX)"}, {"csv", "CSV"}, {"csv-windows", "CSV pour un ancien tableur (Windows-1252)"}, {NULL, NULL}};

/* GET /rapports/export: the form; with "telecharger", the file. */
void page_report_export(struct web *w)
{
	char dfrom[32], dto[32];
	default_period(dfrom, dto);
	const char *from = req_query(w->req, "du"), *to = req_query(w->req, "au");
	const char *format = req_query(w->req, "format");
	/* The columns come as repeated "colonnes" parameters. */
	struct buf cols = BUF_INIT;
	for (size_t i = 0; i < w->req->query.n; i++)
		if (strcmp(w->req->query.items[i].name, "colonnes") == 0 && !strchr(w->req->query.items[i].value, ','))
			buf_appendf(&cols, "%s%s", cols.len ? "," : "", w->req->query.items[i].value);
	const char *columns = pool_printf(w->req->pool, "%s", buf_cstr(&cols));
	buf_free(&cols);
	if (req_query(w->req, "telecharger")) {
		enum export_format f = format && strcmp(format, "csv") == 0           ? EXPORT_CSV
				       : format && strcmp(format, "csv-windows") == 0 ? EXPORT_CSV_CP1252
										      : EXPORT_XLSX;
		struct buf err = BUF_INIT;
		int n = export_persons(w->db, w->actor.structure_id, from ? from : "", to ? to : "", columns ? columns : "",
				       MASK_THRESHOLD, f, &w->resp->body, &err);
		if (n >= 0) {
			audit_log(w->db, &w->actor, "report.export_persons", "report", n, columns);
			w->resp->content_type = f == EXPORT_XLSX ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
				: f == EXPORT_CSV ? "text/csv; charset=utf-8" : "text/csv; charset=windows-1252";
			resp_header(w->req, w->resp, "Content-Disposition",
				    pool_printf(w->req->pool, "attachment; filename=\"export-personnes.%s\"",
						f == EXPORT_XLSX ? "xlsx" : "csv"));
			buf_free(&err);
			return;
		}
		buf_reset(&w->resp->body);
		web_field_error(w, strstr(buf_cstr(&err), "olonne") ? "colonnes" : "du", buf_cstr(&err));
		buf_free(&err);
	}
	const struct form_field f[] = {
		{"du", "Du (JJ/MM/AAAA)", FF_DATE, NULL, NULL, 1},
		{"au", "Au (JJ/MM/AAAA)", FF_DATE, NULL, NULL, 1},
		{"colonnes", "Colonnes demandées par le financeur", FF_CHECKS, export_columns,
		 "Ne cochez que ce qui est demandé : chaque colonne en dit plus sur les personnes.", 1},
		{"format", "Format", FF_RADIO, EXPORT_FORMATS, NULL, 1},
	};
	const char *v[] = {from ? from : web_date_fr(w, dfrom), to ? to : web_date_fr(w, dto),
			   /* A form sent back shows what was sent, even no column at all. */
			   columns && (columns[0] || req_query(w->req, "telecharger")) ? columns : "age,sexe,commune,echanges",
			   format ? format : "xlsx"};
	web_fields(w, "fields", f, sizeof f / sizeof f[0], v);
	web_render(w, "report_export", "Export pour les financeurs");
}
