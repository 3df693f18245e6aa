/*
 * lien hours: checks an opening_hours value the way the directory will read
 * it — valid or not, warnings, the week in plain French, the open intervals
 * of a window. With --json, one object in the shape of the reference
 * library's verdicts (tests/hours/oracle.js compares them); with --batch,
 * one value per line on stdin and one JSON object per line on stdout.
 */
#include "cmd/cmd.h"
#include "core/clock.h"
#include "core/hours.h"

#include <stdio.h>
#include <string.h>

static const char USAGE[] =
	"hours 'VALEUR' [--from 'AAAA-MM-JJ HH:MM' --to 'AAAA-MM-JJ HH:MM'] [--json] | hours --batch [--from … --to …]";

#define WEEK (7 * 24 * 60)

static void put_json_view(struct buf *out, struct str s)
{
	char tmp[HOURS_MAX_LEN + 1];
	str_copy(tmp, sizeof tmp, s);
	buf_append_json(out, tmp);
}

static void hours_json(const struct hours *h, int64_t from, int64_t to, struct buf *out)
{
	buf_appendf(out, "{\"valid\":%s,\"warnings\":[", h->valid ? "true" : "false");
	for (int i = 0; i < hours_warning_count(h); i++) {
		if (i)
			buf_putc(out, ',');
		buf_append_json(out, hours_warning(h, i));
	}
	buf_puts(out, "],");
	if (!h->valid) {
		buf_puts(out, "\"error\":");
		buf_append_json(out, hours_error(h));
		buf_putc(out, ',');
	}
	buf_puts(out, "\"open_intervals\":[");
	struct hours_interval iv;
	int64_t cursor = from;
	for (int n = 0; hours_next_interval(h, &cursor, to, &iv); n++) {
		char a[17], b[17];
		hours_local_format(iv.from, a);
		hours_local_format(iv.to, b);
		buf_appendf(out, "%s[\"%s\",\"%s\",%s,", n ? "," : "", a, b, iv.unknown ? "true" : "false");
		if (iv.comment.len)
			put_json_view(out, iv.comment);
		else
			buf_puts(out, "null");
		buf_putc(out, ']');
	}
	buf_puts(out, "]}\n");
}

/* The value around byte `at`, at most 40 bytes each side, and a caret
 * under `at`: where an invalid value went wrong. */
static void put_excerpt(struct buf *out, const char *text, size_t len, size_t at)
{
	size_t start = at > 40 ? at - 40 : 0, end = at + 40 < len ? at + 40 : len;
	while (start > 0 && ((unsigned char)text[start] & 0xc0) == 0x80)
		start++;
	while (end < len && ((unsigned char)text[end] & 0xc0) == 0x80)
		end--;
	const char *before = start > 0 ? "…" : "";
	size_t col = utf8_length(text + start, at - start) + (start > 0);
	buf_appendf(out, "  %s%.*s%s\n  %*s^\n", before, (int)(end - start), text + start, end < len ? "…" : "",
		    (int)col, "");
}

static void hours_text(const struct hours *h, const char *value, int64_t from, int64_t to, struct buf *out)
{
	char a[17], b[17];
	buf_appendf(out, "Horaires : %s\n", value);
	if (!h->valid) {
		size_t at = h->error_at > 0 ? (size_t)h->error_at : 0;
		buf_appendf(out, "Valide : non — %s (caractère %zu)\n", hours_error(h), utf8_length(h->text, at) + 1);
		put_excerpt(out, h->text, h->len, at);
		buf_puts(out, "La valeur est gardée telle quelle et affichée comme texte brut.\n");
		return;
	}
	buf_puts(out, "Valide : oui\n");
	if (h->nwarnings == 0)
		buf_puts(out, "Avertissements : aucun\n");
	else
		buf_puts(out, "Avertissements :\n");
	for (int i = 0; i < hours_warning_count(h); i++)
		buf_appendf(out, "  - %s\n", hours_warning(h, i));
	if (h->nwarnings > hours_warning_count(h))
		buf_appendf(out, "  - et %d autres\n", h->nwarnings - hours_warning_count(h));

	int64_t day = from >= 0 ? from / 1440 : -((-from + 1439) / 1440), wd = ((day + 3) % 7 + 7) % 7; /* 0 = Monday */
	char iso[11], fr[16];
	hours_local_format((day - wd) * 1440, a);
	cstr_copy(iso, sizeof iso, a);
	date_fr(iso, fr, sizeof fr);
	buf_appendf(out, "\nSemaine du lundi %s :\n", fr);
	struct buf week = BUF_INIT;
	hours_describe_week(h, from, &week);
	for (const char *line = buf_cstr(&week); *line;) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		buf_appendf(out, "  %.*s\n", (int)n, line);
		line += n + (nl ? 1 : 0);
	}
	buf_free(&week);

	static const char *const days[] = {"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"};
	hours_local_format(from, a);
	cstr_copy(iso, sizeof iso, a);
	date_fr(iso, fr, sizeof fr);
	buf_appendf(out, "\nLe %s %s à %s : ", days[wd], fr, a + 11);
	hours_describe_now(h, from, out);
	buf_putc(out, '\n');

	hours_local_format(to, b);
	buf_appendf(out, "\nOuvertures du %s au %s :\n", a, b);
	struct hours_interval iv;
	int64_t cursor = from, n = 0;
	while (hours_next_interval(h, &cursor, to, &iv)) {
		hours_local_format(iv.from, a);
		hours_local_format(iv.to, b);
		buf_appendf(out, "  %s → %s", a, b);
		if (iv.unknown)
			buf_puts(out, "  à confirmer");
		if (iv.comment.len)
			buf_appendf(out, "  « %.*s »", (int)iv.comment.len, iv.comment.ptr);
		buf_putc(out, '\n');
		n++;
	}
	if (!n)
		buf_puts(out, "  aucune\n");
}

/* One value per line on stdin, one JSON object per line on stdout. */
static int hours_batch(int64_t from, int64_t to)
{
	static char line[HOURS_MAX_LEN + 2];
	static struct hours h;
	struct buf out = BUF_INIT;
	while (fgets(line, sizeof line, stdin)) {
		size_t n = strlen(line);
		int whole = n > 0 && line[n - 1] == '\n';
		if (!whole && !feof(stdin)) {
			/* Longer than any valid value: skip the rest, report it as too long. */
			int c;
			while ((c = getchar()) != EOF && c != '\n')
				;
			n = HOURS_MAX_LEN + 1;
		} else {
			while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
				n--;
		}
		hours_parse(&h, line, n);
		buf_reset(&out);
		hours_json(&h, from, to, &out);
		fwrite(out.data, 1, out.len, stdout);
	}
	buf_free(&out);
	return 0;
}

int cmd_hours(struct cmd_ctx *c)
{
	const char *from_s = opt_value(c, "--from"), *to_s = opt_value(c, "--to");
	int json = opt_flag(c, "--json"), batch = opt_flag(c, "--batch");
	if (opt_done(c, USAGE) < 0 || c->argc != (batch ? 0 : 1))
		return cmd_usage(USAGE);
	int64_t from, to;
	if (from_s) {
		if (hours_local_parse(from_s, &from) < 0) {
			cmd_fail("--from attend une date et une heure « AAAA-MM-JJ HH:MM » : %s", from_s);
			return 2;
		}
	} else {
		from = hours_local_from_unix(clock_now());
	}
	if (to_s) {
		if (hours_local_parse(to_s, &to) < 0) {
			cmd_fail("--to attend une date et une heure « AAAA-MM-JJ HH:MM » : %s", to_s);
			return 2;
		}
	} else {
		to = from + 2 * WEEK;
	}
	if (to <= from || to - from > 400 * 1440) {
		cmd_fail("la fenêtre --from … --to doit avancer dans le temps et durer au plus 400 jours");
		return 2;
	}
	if (batch)
		return hours_batch(from, to);

	static struct hours h;
	hours_parse(&h, c->argv[0], strlen(c->argv[0]));
	struct buf out = BUF_INIT;
	if (json)
		hours_json(&h, from, to, &out);
	else
		hours_text(&h, c->argv[0], from, to, &out);
	fwrite(out.data, 1, out.len, stdout);
	buf_free(&out);
	return h.valid ? 0 : 1;
}
