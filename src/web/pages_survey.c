/* The anonymous questionnaire: the form, once a quarter, for everyone in a
 * structure; its results for the head of service, in aggregate only and
 * from five answers (domain/survey.h says how anonymity is kept). */
#include "web/web.h"
#include "domain/audit.h"
#include "domain/survey.h"

#include <string.h>

/* French typography: a no-break space before « : ; ? ! » and inside « ». */
#define NBSP "\u00a0"

static const char TITLE[] = "Questionnaire anonyme";

static void on_field_error(void *arg, const char *field, const char *msg)
{
	web_field_error(arg, field, msg);
}

/* The quarter in words, and when the next questionnaire opens. */
static void set_period(struct web *w, const char *period)
{
	char label[96], next[11];
	survey_period_label(period, label, sizeof label);
	tpl_set(w->tpl, "period_label", label);
	if (survey_period_next_start(period, next) == 0)
		tpl_set(w->tpl, "next_start", web_date_fr(w, next));
}

static void add_option(struct tpl_ctx *c, const char *name, const char *value, const char *label, int first,
		       const char *answer)
{
	struct tpl_ctx *o = tpl_list_add(c, "options");
	/* The first answer's id is the question's name: the error summary's
	 * link reaches the group. */
	if (first)
		tpl_set(o, "id", name);
	else
		tpl_setf(o, "id", "%s-%s", name, value);
	tpl_set(o, "name", name);
	tpl_set(o, "value", value);
	tpl_set(o, "label", label);
	tpl_set_bool(o, "checked", strcmp(answer, value) == 0);
}

/* One fieldset per question: the four steps of its scale, then "je ne
 * souhaite pas répondre". A form sent back keeps what was chosen. */
static void render_form(struct web *w, const struct survey_input *in)
{
	for (int q = 0; q < SURVEY_QUESTIONS; q++) {
		const struct survey_question *sq = &survey_questions[q];
		const char *answer = in->answers[q] ? in->answers[q] : "";
		struct tpl_ctx *c = tpl_list_add(w->tpl, "questions");
		const char *error = tpl_get(w->tpl, pool_printf(w->req->pool, "%s_error", sq->name));
		tpl_set(c, "name", sq->name);
		tpl_set_int(c, "number", q + 1);
		tpl_set(c, "legend", sq->legend);
		tpl_set(c, "hint", sq->hint);
		tpl_set(c, "error", error);
		const char *hint_id = sq->hint ? pool_printf(w->req->pool, "%s-aide", sq->name) : NULL;
		const char *error_id = error ? pool_printf(w->req->pool, "%s-erreur", sq->name) : NULL;
		if (hint_id || error_id)
			tpl_setf(c, "describedby", "%s%s%s", hint_id ? hint_id : "", hint_id && error_id ? " " : "",
				 error_id ? error_id : "");
		for (int i = 0; i < SURVEY_SCALE; i++) {
			char value[2] = {(char)('1' + i), '\0'};
			add_option(c, sq->name, value, sq->scale[i], i == 0, answer);
		}
		add_option(c, sq->name, "0", survey_decline_label, 0, answer);
	}
	tpl_set_bool(w->tpl, "form", 1);
	web_render(w, "survey", TITLE);
}

void page_survey(struct web *w)
{
	char period[SURVEY_PERIOD_LEN];
	survey_period_now(period);
	set_period(w, period);
	int rc = survey_answered(w->db, &w->actor, period);
	if (rc < 0) {
		web_error(w, 503, NULL);
		return;
	}
	if (rc) {
		tpl_set_bool(w->tpl, "answered", 1);
		web_render(w, "survey", TITLE);
		return;
	}
	struct survey_input in = {{NULL}};
	render_form(w, &in);
}

void page_survey_post(struct web *w)
{
	char period[SURVEY_PERIOD_LEN];
	survey_period_now(period);
	set_period(w, period);
	struct survey_input in;
	for (int q = 0; q < SURVEY_QUESTIONS; q++)
		in.answers[q] = web_form(w, survey_questions[q].name);
	switch (survey_submit(w->db, &w->actor, period, &in, on_field_error, w)) {
	case SURVEY_STORED:
		web_redirect(w, "/questionnaire", "Merci" NBSP ": vos réponses sont enregistrées, sans votre nom.");
		return;
	case SURVEY_BAD_INPUT:
		render_form(w, &in);
		return;
	case SURVEY_ALREADY:
		/* Nothing was written: the first answers stand. */
		w->resp->status = 409;
		tpl_set_bool(w->tpl, "answered", 1);
		tpl_set_bool(w->tpl, "refused", 1);
		web_render(w, "survey", TITLE);
		return;
	case SURVEY_DB_ERROR:
		break;
	}
	web_error(w, 503, NULL);
}

/* ---- the results ---------------------------------------------------------- */

/* One horizontal bar per answer, its length the share of the answers, each
 * labelled with its percentage; the table that follows carries the same
 * figures for screen readers (the SVG is aria-hidden). */
static void share_chart(struct buf *svg, const struct survey_question *sq, const struct survey_results *r, int q)
{
	const int row_h = 26, label_w = 240, bar_w = 340;
	const int rows = SURVEY_SCALE + 1;
	buf_appendf(svg, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" width=\"100%%\" aria-hidden=\"true\" "
			 "focusable=\"false\" xmlns=\"http://www.w3.org/2000/svg\">",
		    label_w + bar_w + 60, rows * row_h + 8);
	for (int i = 0; i < rows; i++) {
		/* The scale in order, then those who did not wish to answer. */
		int a = i < SURVEY_SCALE ? i + 1 : 0;
		const char *label = a ? sq->scale[a - 1] : survey_decline_label;
		int pct = survey_percent(r->counts[q][a], r->totals[q]);
		int y = 4 + i * row_h, wd = pct * bar_w / 100;
		buf_appendf(svg, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"13\">", label_w - 8, y + 14);
		buf_append_html(svg, label, strlen(label));
		buf_appendf(svg, "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"16\" fill=\"%s\"/>"
				 "<text x=\"%d\" y=\"%d\" font-size=\"12\">%d" NBSP "%%</text>",
			    label_w, y + 2, wd > 0 ? wd : 1, a ? "#1b1b1b" : "#777", label_w + wd + 6, y + 14, pct);
	}
	buf_puts(svg, "</svg>");
}

static void add_period(struct web *w, const char *period, int current, const struct survey_results *r)
{
	char label[96];
	survey_period_label(period, label, sizeof label);
	struct tpl_ctx *c = tpl_list_add(w->tpl, "periods");
	tpl_set(c, "label", label);
	tpl_set(c, "period", period);
	tpl_set_bool(c, "current", current);
	tpl_set_bool(c, "shown", survey_results_shown(r, -1));
	tpl_set_int(c, "answers", r->answers);
	tpl_set_int(c, "received", r->received);
	/* Answers past the last step of five wait for the next step. */
	tpl_set_bool(c, "waiting", r->received > r->answers && survey_results_shown(r, -1));
	if (!survey_results_shown(r, -1))
		return;
	for (int q = 0; q < SURVEY_QUESTIONS; q++) {
		const struct survey_question *sq = &survey_questions[q];
		if (!survey_results_shown(r, q))
			continue;
		struct tpl_ctx *qc = tpl_list_add(c, "questions");
		tpl_setf(qc, "id", "%s-%s", period, sq->name);
		tpl_set(qc, "title", sq->title);
		tpl_set(qc, "legend", sq->legend);
		tpl_set_int(qc, "total", r->totals[q]);
		struct buf svg = BUF_INIT;
		share_chart(&svg, sq, r, q);
		tpl_set_raw(qc, "chart", buf_cstr(&svg)); /* built above, every label escaped */
		buf_free(&svg);
		for (int i = 0; i <= SURVEY_SCALE; i++) {
			int a = i < SURVEY_SCALE ? i + 1 : 0;
			struct tpl_ctx *row = tpl_list_add(qc, "rows");
			tpl_set(row, "label", a ? sq->scale[a - 1] : survey_decline_label);
			tpl_set_int(row, "n", r->counts[q][a]);
			tpl_setf(row, "share", "%d" NBSP "%%", survey_percent(r->counts[q][a], r->totals[q]));
		}
	}
}

void page_survey_results(struct web *w)
{
	char current[SURVEY_PERIOD_LEN], previous[SURVEY_PERIOD_LEN];
	survey_period_now(current);
	survey_period_previous(current, previous);
	struct survey_results *r = pool_alloc(w->req->pool, 2 * sizeof *r);
	if (!r) {
		web_error(w, 500, NULL);
		return;
	}
	if (survey_results(w->db, w->actor.structure_id, current, &r[0]) < 0 ||
	    survey_results(w->db, w->actor.structure_id, previous, &r[1]) < 0) {
		web_error(w, 503, NULL);
		return;
	}
	if (audit_log(w->db, &w->actor, "survey.view", "survey", 0, current) < 0) {
		web_error(w, 503, NULL);
		return;
	}
	tpl_set_int(w->tpl, "min_answers", SURVEY_MIN_ANSWERS);
	add_period(w, current, 1, &r[0]);
	add_period(w, previous, 0, &r[1]);
	web_render(w, "survey_results", "Questionnaire anonyme" NBSP ": résultats");
}
