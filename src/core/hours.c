/*
 * Opening hours: lexer, parser, evaluator and French descriptions for the
 * OpenStreetMap opening_hours syntax. See hours.h for what is supported.
 *
 * Evaluation follows the reference implementation's documented behaviour,
 * reimplemented here from the specification:
 *  - For one day, the rules whose date selectors match it are collected in
 *    order. A normal (";") rule that opens (or is unknown), and has date
 *    selectors, discards the rules collected before it: "Mo-Fr 9-17; We
 *    10-12" means 10-12 on Wednesdays. A closing rule does not discard, so
 *    "Mo-Fr 09:00-18:00; We 12:00-14:00 off" only closes the lunch hour.
 *    A time-only rule also replaces a time-only rule just before it.
 *  - A time span past midnight ("Fr 19:00-11:00") adds a second, implicit
 *    rule for the next day, matched with the date selectors one day back,
 *    that never discards anything.
 *  - At a given minute the last collected rule whose times contain it
 *    decides; a "||" fallback rule decides only where nothing is open.
 *  - A comment without a modifier makes its rule "unknown".
 */
#include "core/hours.h"
#include "core/clock.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { RULE_NORMAL, RULE_ADDITIONAL, RULE_FALLBACK };
enum { ITEM_WEEKDAY, ITEM_DATE, ITEM_WEEK, ITEM_YEAR };
enum { HOL_PH = 1, HOL_SH = 2 };

#define DAY 1440                        /* minutes */
#define CUTS_MAX (3 * HOURS_MAX_SPANS + 2) /* segment boundaries in one day */
#define YEAR_MIN 1900
#define YEAR_MAX 9999

/* ---- calendar ---- */

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return mdays[m - 1] + (m == 2 && (y == 0 || is_leap(y))); /* y 0: any year */
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* 0 = Monday; 1970-01-01 (day 0) was a Thursday. */
static int weekday_of(int64_t z)
{
	int64_t w = (z + 3) % 7;
	return (int)(w < 0 ? w + 7 : w);
}

/* ISO 8601 week number: the week holding the year's first Thursday is 1. */
static int iso_week(int64_t z)
{
	int64_t thursday = z - weekday_of(z) + 3;
	int y, m, d;
	civil_from_days(thursday, &y, &m, &d);
	return (int)((thursday - days_from_civil(y, 1, 1)) / 7 + 1);
}

void hours_easter(int y, int *m, int *d)
{
	/* Anonymous Gregorian computus (Meeus/Jones/Butcher). */
	if (y < 1)
		y = 1;
	int a = y % 19, b = y / 100, c = y % 100;
	int e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
	int h = (19 * a + b - b / 4 - g + 15) % 30;
	int l = (32 + 2 * e + 2 * (c / 4) - h - c % 4) % 7;
	int k = (a + 11 * h + 22 * l) / 451;
	*m = (h + l - 7 * k + 114) / 31;
	*d = (h + l - 7 * k + 114) % 31 + 1;
}

const char *hours_holiday(int y, int m, int d)
{
	static const struct {
		int m, d;
		const char *name;
	} fixed[] = {
		{1, 1, "jour de l'An"}, {5, 1, "fête du Travail"}, {5, 8, "victoire 1945"},
		{7, 14, "fête nationale"}, {8, 15, "Assomption"}, {11, 1, "Toussaint"},
		{11, 11, "armistice 1918"}, {12, 25, "Noël"},
	};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		if (fixed[i].m == m && fixed[i].d == d)
			return fixed[i].name;
	if (m < 3 || m > 6 || y < 1583)
		return NULL; /* Easter-based holidays fall between March 23 and June 14 */
	int em, ed;
	hours_easter(y, &em, &ed);
	switch (days_from_civil(y, m, d) - days_from_civil(y, em, ed)) {
	case 1: return "lundi de Pâques";
	case 39: return "Ascension";
	case 50: return "lundi de Pentecôte";
	default: return NULL;
	}
}

/* What the selectors look at, for one civil day. */
struct day {
	int64_t z;
	int y, m, d, wd, week;
	int nth, nth_last; /* Mo[2] is nth 2; the last Monday is nth_last 1 */
	int holiday;
};

static void day_info(int64_t z, int want_holiday, struct day *dy)
{
	dy->z = z;
	civil_from_days(z, &dy->y, &dy->m, &dy->d);
	dy->wd = weekday_of(z);
	dy->week = iso_week(z);
	dy->nth = (dy->d - 1) / 7 + 1;
	dy->nth_last = (month_days(dy->y, dy->m) - dy->d) / 7 + 1;
	dy->holiday = want_holiday && hours_holiday(dy->y, dy->m, dy->d) != NULL;
}

/* ---- lexer ---- */

enum { T_END, T_NUM, T_WORD, T_COMMENT, T_PUNCT };

struct tok {
	uint8_t type;
	char c;       /* T_PUNCT: one of : - + , ; / [ ] and '|' for "||" */
	uint16_t at, len;
	int32_t num;  /* T_NUM */
};

struct parser {
	struct hours *h;
	int ntok, i;
	int rule_at; /* where the rule being parsed starts, for messages */
	struct tok tok[HOURS_MAX_LEN + 1];
};

static int fail(struct parser *p, int at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct parser *p, int at, const char *fmt, ...)
{
	if (p->h->error[0])
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->h->error, sizeof p->h->error, fmt, ap);
	va_end(ap);
	p->h->error_at = at;
	return -1;
}

static void warn(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct parser *p, const char *fmt, ...)
{
	struct hours *h = p->h;
	if (h->nwarnings < HOURS_MAX_WARNINGS) {
		char *w = h->warnings[h->nwarnings];
		va_list ap;
		va_start(ap, fmt);
		int len = vsnprintf(w, sizeof h->warnings[0], fmt, ap);
		va_end(ap);
		/* A warning is one line of valid text: the value's own words may
		 * be separated by line breaks, and a message cut to fit may end
		 * inside a letter. */
		size_t n = strlen(w);
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)w[i] < 0x20 || w[i] == 0x7f)
				w[i] = ' ';
		if (len >= (int)sizeof h->warnings[0]) {
			while (n > 0 && ((unsigned char)w[n - 1] & 0xC0) == 0x80)
				n--;
			if (n > 0 && (unsigned char)w[n - 1] >= 0xC0)
				n--;
			w[n] = '\0';
		}
	}
	h->nwarnings++;
}

static int is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static int lex(struct parser *p)
{
	const char *s = p->h->text;
	int n = (int)p->h->len, i = 0;
	p->ntok = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		struct tok *t = &p->tok[p->ntok];
		t->at = (uint16_t)i;
		t->num = 0;
		t->c = 0;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			i++;
			continue;
		}
		if (c >= '0' && c <= '9') {
			int j = i, v = 0;
			while (j < n && s[j] >= '0' && s[j] <= '9') {
				if (j - i >= 6)
					return fail(p, i, "nombre trop long");
				v = v * 10 + (s[j] - '0');
				j++;
			}
			t->type = T_NUM;
			t->num = v;
			t->len = (uint16_t)(j - i);
			i = j;
		} else if (is_alpha(c)) {
			int j = i;
			while (j < n && is_alpha((unsigned char)s[j]))
				j++;
			t->type = T_WORD;
			t->len = (uint16_t)(j - i);
			i = j;
		} else if (c == '"') {
			int j = i + 1;
			while (j < n && s[j] != '"')
				j++;
			if (j >= n)
				return fail(p, i, "commentaire sans guillemet fermant");
			t->type = T_COMMENT;
			t->len = (uint16_t)(j + 1 - i);
			i = j + 1;
		} else if (c == '|') {
			if (i + 1 >= n || s[i + 1] != '|')
				return fail(p, i, "« | » seul : le séparateur de repli s'écrit « || »");
			t->type = T_PUNCT;
			t->c = '|';
			t->len = 2;
			i += 2;
		} else if (c && strchr(":-+,;/[]", c)) {
			t->type = T_PUNCT;
			t->c = (char)c;
			t->len = 1;
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			return fail(p, i, "caractère de contrôle inattendu");
		} else {
			return fail(p, i, "caractère inattendu « %c »", c);
		}
		p->ntok++;
	}
	p->tok[p->ntok] = (struct tok){.type = T_END, .at = (uint16_t)n};
	return 0;
}

/* ---- parser ---- */

static const struct tok *peek(const struct parser *p, int k)
{
	int i = p->i + k;
	return &p->tok[i < p->ntok ? i : p->ntok];
}

static int is_punct(const struct tok *t, char c)
{
	return t->type == T_PUNCT && t->c == c;
}

static int word_is(const struct parser *p, const struct tok *t, const char *w)
{
	return t->type == T_WORD && t->len == strlen(w) && memcmp(p->h->text + t->at, w, t->len) == 0;
}

static int word_index(const struct parser *p, const struct tok *t, const char *const *words, int n)
{
	for (int i = 0; i < n; i++)
		if (word_is(p, t, words[i]))
			return i;
	return -1;
}

static const char *const WEEKDAYS[] = {"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"};
static const char *const MONTHS[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static int weekday_tok(const struct parser *p, const struct tok *t)
{
	return word_index(p, t, WEEKDAYS, 7);
}

static int month_tok(const struct parser *p, const struct tok *t)
{
	int m = word_index(p, t, MONTHS, 12);
	return m < 0 ? 0 : m + 1;
}

static int is_year(const struct tok *t)
{
	return t->type == T_NUM && t->len == 4;
}

/* A number that starts a time: "9:00", "09:00", "9-12" (hours only). */
static int is_time_start(const struct parser *p)
{
	const struct tok *t = peek(p, 0);
	return t->type == T_NUM && t->len <= 2;
}

/* Case-insensitive ASCII comparison of a token with w. */
static int word_ieq(const struct parser *p, const struct tok *t, const char *w)
{
	if (t->type != T_WORD || t->len != strlen(w))
		return 0;
	for (size_t i = 0; i < t->len; i++) {
		char a = p->h->text[t->at + i], b = w[i];
		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (char)(b - 'A' + 'a');
		if (a != b)
			return 0;
	}
	return 1;
}

/* The error for a token that cannot come where it is, with a hint when the
 * token is a common mistake. */
static int fail_unexpected(struct parser *p, const struct tok *t)
{
	const char *s = p->h->text + t->at;
	int n = t->len > 40 ? 40 : t->len;
	const struct tok *prev = t > p->tok ? t - 1 : NULL;
	if (t->type == T_END)
		return fail(p, t->at, "la valeur s'arrête trop tôt");
	if (t->type == T_COMMENT)
		return fail(p, t->at, "commentaire inattendu : il se place à la fin d'une règle");
	if (t->type == T_NUM)
		return fail(p, t->at, "nombre inattendu « %.*s »%s", n, s,
			    prev && (prev->type == T_NUM || is_punct(prev, '-')) ?
			    " (les plages horaires se séparent par des virgules)" : "");
	if (t->type == T_PUNCT)
		return fail(p, t->at, "« %.*s » inattendu", n, s);
	static const struct {
		const char *word, *hint;
	} hints[] = {
		{"lundi", "Mo"}, {"mardi", "Tu"}, {"mercredi", "We"}, {"jeudi", "Th"},
		{"vendredi", "Fr"}, {"samedi", "Sa"}, {"dimanche", "Su"},
		{"ferme", "off"}, {"fermé", "off"}, {"fermée", "off"}, {"ouvert", "open"},
		{"et", ","}, {"à", "-"}, {"au", "-"},
	};
	for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++)
		if (word_ieq(p, t, hints[i].word))
			return fail(p, t->at, "« %.*s » : écrire « %s » (syntaxe OpenStreetMap)", n, s, hints[i].hint);
	static const char *const keywords[] = {
		"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
		"Aug", "Sep", "Oct", "Nov", "Dec", "PH", "SH", "off", "closed", "open", "unknown", "week",
	};
	for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
		if (word_is(p, t, keywords[i]))
			return fail(p, t->at, "« %.*s » inattendu à cet endroit", n, s);
		if (word_ieq(p, t, keywords[i]))
			return fail(p, t->at, "« %.*s » : écrire « %s » (majuscules et minuscules comptent)", n, s,
				    keywords[i]);
	}
	static const char *const solar[] = {"sunrise", "sunset", "dawn", "dusk"};
	for (size_t i = 0; i < 4; i++)
		if (word_ieq(p, t, solar[i]))
			return fail(p, t->at, "« %.*s » : les heures solaires ne sont pas prises en charge", n, s);
	if (word_ieq(p, t, "easter"))
		return fail(p, t->at, "« easter » : les dates calculées depuis Pâques ne sont pas prises en charge");
	if (word_ieq(p, t, "day") || word_ieq(p, t, "days"))
		return fail(p, t->at, "les décalages en jours (« +1 day ») ne sont pas pris en charge");
	if (word_ieq(p, t, "h") || ((s[0] == 'h' || s[0] == 'H') && prev && prev->type == T_NUM))
		return fail(p, t->at, "« h » dans une heure : écrire par exemple « 14:00 »");
	return fail(p, t->at, "mot inconnu « %.*s »", n, s);
}

static int add_item(struct parser *p, struct hours_rule *r, struct hours_item it)
{
	struct hours *h = p->h;
	if (h->nitems >= HOURS_MAX_ITEMS)
		return fail(p, peek(p, 0)->at, "valeur trop complexe (plus de %d sélecteurs)", HOURS_MAX_ITEMS);
	h->items[h->nitems++] = it;
	r->nitems++;
	r->has_date = 1;
	return 0;
}

/* N, N-M, N-M/S, N+ in [lo, hi], for years and weeks. */
static int parse_range(struct parser *p, struct hours_rule *r, int kind, int lo, int hi, const char *what)
{
	const struct tok *t = peek(p, 0);
	if (t->type != T_NUM || t->num < lo || t->num > hi)
		return t->type == T_NUM ? fail(p, t->at, "%s impossible : %d (de %d à %d)", what, t->num, lo, hi)
					: fail_unexpected(p, t);
	struct hours_item it = {.kind = (uint8_t)kind, .a = (int16_t)t->num, .b = (int16_t)t->num, .step = 1};
	p->i++;
	if (is_punct(peek(p, 0), '-') && peek(p, 1)->type == T_NUM) {
		t = peek(p, 1);
		if (t->num < lo || t->num > hi)
			return fail(p, t->at, "%s impossible : %d (de %d à %d)", what, t->num, lo, hi);
		if (kind == ITEM_YEAR && t->num < it.a)
			return fail(p, t->at, "plage d'années à l'envers");
		it.b = (int16_t)t->num;
		p->i += 2;
		if (is_punct(peek(p, 0), '/')) {
			t = peek(p, 1);
			if (t->type != T_NUM || t->num < 1 || t->num > hi)
				return t->type == T_NUM ? fail(p, t->at, "pas impossible : %d", t->num)
							: fail_unexpected(p, t);
			if (it.a > it.b)
				return fail(p, t->at, "pas impossible sur une plage qui passe la fin de l'année");
			it.step = (int16_t)t->num;
			p->i += 2;
		}
	} else if (kind == ITEM_YEAR && is_punct(peek(p, 0), '+')) {
		it.b = hi;
		p->i++;
	}
	return add_item(p, r, it);
}

static int parse_years(struct parser *p, struct hours_rule *r)
{
	for (;;) {
		if (parse_range(p, r, ITEM_YEAR, YEAR_MIN, YEAR_MAX, "année") < 0)
			return -1;
		r->has_year = 1;
		if (!(is_punct(peek(p, 0), ',') && is_year(peek(p, 1)) && !month_tok(p, peek(p, 2))))
			return 0;
		p->i++;
	}
}

static int parse_weeks(struct parser *p, struct hours_rule *r)
{
	p->i++; /* "week" */
	for (;;) {
		if (parse_range(p, r, ITEM_WEEK, 1, 53, "semaine") < 0)
			return -1;
		r->has_week = 1;
		if (!(is_punct(peek(p, 0), ',') && peek(p, 1)->type == T_NUM && !is_punct(peek(p, 2), ':')))
			return 0;
		p->i++;
	}
}

/* A day of the month after a month name: a number that is not an hour.
 * "Sep 30: 10:00" is a day and the colon that ends the dates; "Sep 10:00"
 * is an hour. */
static int is_monthday(const struct parser *p, int k)
{
	const struct tok *t = peek(p, k);
	if (t->type != T_NUM || t->len > 2)
		return 0;
	return !(is_punct(peek(p, k + 1), ':') && peek(p, k + 2)->type == T_NUM && !is_punct(peek(p, k + 3), ':'));
}

static int parse_day_of(struct parser *p, int y, int m, int *d)
{
	const struct tok *t = peek(p, 0);
	if (t->num < 1 || t->num > month_days(y, m))
		return fail(p, t->at, "jour impossible : %s %d", MONTHS[m - 1], t->num);
	*d = t->num;
	p->i++;
	return 0;
}

/* [YYYY] Mon [DD] [- [YYYY] Mon [DD] | - DD], or a list of them. */
static int parse_monthdays(struct parser *p, struct hours_rule *r)
{
	for (;;) {
		int y1 = 0, y2 = 0, m1, m2, d1 = 0, d2 = 0;
		if (is_year(peek(p, 0))) {
			if (peek(p, 0)->num < YEAR_MIN)
				return fail(p, peek(p, 0)->at, "année impossible : %d", peek(p, 0)->num);
			y1 = peek(p, 0)->num;
			p->i++;
		}
		m1 = month_tok(p, peek(p, 0));
		if (!m1)
			return fail_unexpected(p, peek(p, 0));
		p->i++;
		if (is_monthday(p, 0) && parse_day_of(p, y1, m1, &d1) < 0)
			return -1;
		m2 = m1;
		if (is_punct(peek(p, 0), '-')) {
			int k = 1;
			if (is_year(peek(p, 1)) && month_tok(p, peek(p, 2)))
				k = 2;
			if (month_tok(p, peek(p, k))) {
				p->i++;
				if (k == 2) {
					y2 = peek(p, 0)->num;
					if (y2 < YEAR_MIN)
						return fail(p, peek(p, 0)->at, "année impossible : %d", y2);
					p->i++;
				}
				m2 = month_tok(p, peek(p, 0));
				p->i++;
				if (is_monthday(p, 0) && parse_day_of(p, y2 ? y2 : y1, m2, &d2) < 0)
					return -1;
			} else if (d1 && is_monthday(p, 1)) {
				p->i++;
				if (parse_day_of(p, y1, m1, &d2) < 0)
					return -1;
			} else {
				return fail_unexpected(p, peek(p, 1));
			}
		} else {
			d2 = d1;
		}
		if (is_punct(peek(p, 0), '+'))
			return fail(p, peek(p, 0)->at, "les dates ouvertes (« Jan 01+ ») ne sont pas prises en charge");
		if (y2 && !y1)
			return fail(p, peek(p, 0)->at, "plage de dates : l'année de fin demande une année de début");
		if (y1 && !y2)
			y2 = (m2 * 32 + (d2 ? d2 : 31) < m1 * 32 + (d1 ? d1 : 1)) ? y1 + 1 : y1;
		if (!d1)
			d1 = 1;
		if (!d2)
			d2 = month_days(y2, m2);
		if (y1 && (y2 * 512 + m2 * 32 + d2 < y1 * 512 + m1 * 32 + d1))
			return fail(p, peek(p, 0)->at, "plage de dates à l'envers");
		struct hours_item it = {.kind = ITEM_DATE, .a = (int16_t)y1, .b = (int16_t)y2,
					.m1 = (uint8_t)m1, .d1 = (uint8_t)d1, .m2 = (uint8_t)m2, .d2 = (uint8_t)d2};
		if (add_item(p, r, it) < 0)
			return -1;
		r->has_md = 1;
		const struct tok *n1 = peek(p, 1);
		if (!(is_punct(peek(p, 0), ',') && (month_tok(p, n1) || (is_year(n1) && month_tok(p, peek(p, 2))))))
			return 0;
		p->i++;
	}
}

static int parse_wide(struct parser *p, struct hours_rule *r)
{
	int any = 0;
	if (is_year(peek(p, 0)) && !month_tok(p, peek(p, 1))) {
		if (parse_years(p, r) < 0)
			return -1;
		any = 1;
	}
	if (month_tok(p, peek(p, 0)) || (is_year(peek(p, 0)) && month_tok(p, peek(p, 1)))) {
		if (parse_monthdays(p, r) < 0)
			return -1;
		any = 1;
	}
	if (word_is(p, peek(p, 0), "week")) {
		if (parse_weeks(p, r) < 0)
			return -1;
		any = 1;
	}
	if (any && is_punct(peek(p, 0), ':'))
		p->i++;
	return 0;
}

/* [1,3], [-1], [1-2]: bits 0-4 for 1..5, bits 5-9 for -1..-5. */
static int parse_nth(struct parser *p, uint16_t *mask)
{
	p->i++; /* '[' */
	for (;;) {
		int neg = 0;
		if (is_punct(peek(p, 0), '-')) {
			neg = 1;
			p->i++;
		}
		const struct tok *t = peek(p, 0);
		if (t->type != T_NUM)
			return fail_unexpected(p, t);
		if (t->num < 1 || t->num > 5)
			return fail(p, t->at, "rang impossible : %d (de 1 à 5 dans le mois)", t->num);
		int a = t->num, b = a;
		p->i++;
		if (!neg && is_punct(peek(p, 0), '-') && peek(p, 1)->type == T_NUM) {
			t = peek(p, 1);
			if (t->num < a || t->num > 5)
				return fail(p, t->at, "plage de rangs impossible");
			b = t->num;
			p->i += 2;
		}
		for (int k = a; k <= b; k++)
			*mask |= (uint16_t)(1u << (k - 1 + (neg ? 5 : 0)));
		if (is_punct(peek(p, 0), ']')) {
			p->i++;
			return 0;
		}
		if (!is_punct(peek(p, 0), ','))
			return fail_unexpected(p, peek(p, 0));
		p->i++;
	}
}

static int holiday_word(const struct parser *p, const struct tok *t)
{
	return word_is(p, t, "PH") ? HOL_PH : word_is(p, t, "SH") ? HOL_SH : 0;
}

/* Weekdays and holidays: "Mo-Fr", "Mo,We", "Mo[1]", "PH", "Su,PH", "SH Mo-Fr". */
static int parse_weekdays(struct parser *p, struct hours_rule *r)
{
	int chained = 0;
	for (;;) {
		const struct tok *t = peek(p, 0);
		int hol = holiday_word(p, t), wd = weekday_tok(p, t);
		if (hol) {
			if (hol == HOL_SH && !(r->holidays & HOL_SH))
				warn(p, "« SH » (vacances scolaires) n'est pas pris en charge : leurs dates changent chaque "
					"année selon la zone ; cette partie de la règle ne s'applique jamais ici");
			r->holidays |= (uint8_t)hol;
			if (hol == HOL_PH)
				p->h->uses_holidays = 1;
			r->has_date = 1;
			p->i++;
		} else if (wd >= 0) {
			struct hours_item it = {.kind = ITEM_WEEKDAY, .a = (int16_t)wd, .b = (int16_t)wd};
			p->i++;
			if (is_punct(peek(p, 0), '[')) {
				if (parse_nth(p, &it.nth) < 0)
					return -1;
			} else if (is_punct(peek(p, 0), '-') && weekday_tok(p, peek(p, 1)) >= 0) {
				it.b = (int16_t)weekday_tok(p, peek(p, 1));
				p->i += 2;
			}
			if (add_item(p, r, it) < 0)
				return -1;
			r->has_weekday = 1;
		} else {
			return 0;
		}
		const struct tok *n1 = peek(p, 1);
		if (is_punct(peek(p, 0), ',') && (holiday_word(p, n1) || weekday_tok(p, n1) >= 0)) {
			p->i++;
		} else if (!chained && r->holidays && !r->has_weekday && weekday_tok(p, peek(p, 0)) >= 0) {
			r->holiday_and_weekday = 1; /* "SH Mo-Fr": during the holidays, on those days */
			chained = 1;
		} else {
			return 0;
		}
	}
}

/* HH:MM or HH (hours only, with a warning later). max_hour 24 or 48. */
static int parse_time(struct parser *p, int max_hour, int *minutes, int *hour_only)
{
	const struct tok *t = peek(p, 0);
	if (t->type != T_NUM || t->len > 2)
		return fail_unexpected(p, t);
	if (peek(p, 1)->type == T_WORD)
		return fail_unexpected(p, peek(p, 1)); /* 14h00 */
	int hh = t->num, mm = 0;
	*hour_only = 1;
	if (is_punct(peek(p, 1), ':')) {
		const struct tok *u = peek(p, 2);
		if (u->type != T_NUM || u->len != 2)
			return u->type == T_NUM ? fail(p, u->at, "les minutes s'écrivent avec deux chiffres")
						: fail_unexpected(p, u);
		mm = u->num;
		if (mm > 59)
			return fail(p, u->at, "minutes impossibles : %d", mm);
		*hour_only = 0;
		p->i += 2;
	}
	if (hh > max_hour || (hh == max_hour && mm > 0))
		return fail(p, t->at, "heure impossible : %d:%02d", hh, mm);
	p->i++;
	*minutes = hh * 60 + mm;
	return 0;
}

static int add_span(struct parser *p, struct hours_rule *r, int from, int to, int open_end)
{
	struct hours *h = p->h;
	if (h->nspans >= HOURS_MAX_SPANS)
		return fail(p, peek(p, 0)->at, "valeur trop complexe (plus de %d plages horaires)", HOURS_MAX_SPANS);
	h->spans[h->nspans++] = (struct hours_span){(int16_t)from, (int16_t)to, (uint8_t)open_end};
	r->nspans++;
	if (to > DAY)
		r->wraps = 1;
	return 0;
}

static int parse_times(struct parser *p, struct hours_rule *r)
{
	if (!is_time_start(p))
		return 0;
	for (;;) {
		int at = peek(p, 0)->at, from, to, only_from, only_to = 0, open_end = 0;
		if (parse_time(p, 24, &from, &only_from) < 0)
			return -1;
		if (is_punct(peek(p, 0), '+')) {
			p->i++;
			to = DAY;
			open_end = 1;
		} else if (is_punct(peek(p, 0), '-')) {
			p->i++;
			if (parse_time(p, 48, &to, &only_to) < 0)
				return -1;
			if (to <= from)
				to += DAY; /* past midnight: 22:00-02:00 */
			if (to > 2 * DAY)
				return fail(p, at, "plage horaire de plus de 24 heures au-delà de minuit");
			if (is_punct(peek(p, 0), '+')) {
				p->i++;
				open_end = 2;
			}
		} else {
			return fail(p, peek(p, 0)->at, "heure seule : il manque la fin de la plage (par exemple "
							"« %d:%02d-%d:%02d »)", from / 60, from % 60, (from / 60 + 1) % 24,
				    from % 60);
		}
		if (is_punct(peek(p, 0), '/'))
			return fail(p, peek(p, 0)->at, "les horaires répétés (« /01:30 ») ne sont pas pris en charge");
		if (is_punct(peek(p, 0), '-'))
			return fail(p, peek(p, 0)->at, "« - » inattendu : une plage horaire n'a qu'un début et une fin");
		if (only_from || only_to) {
			char fix[48];
			if (open_end == 1)
				snprintf(fix, sizeof fix, "%02d:%02d+", from / 60, from % 60);
			else
				snprintf(fix, sizeof fix, "%02d:%02d-%02d:%02d", from / 60, from % 60,
					 (to > DAY ? to - DAY : to) / 60, to % 60);
			warn(p, "heures sans les minutes : écrire « %s »", fix);
		}
		if (open_end == 2) {
			/* 10:00-14:00+: open until 14:00, then maybe open until midnight. */
			if (add_span(p, r, from, to, 0) < 0 || (to < DAY && add_span(p, r, to, DAY, 1) < 0))
				return -1;
		} else if (add_span(p, r, from, to, open_end) < 0) {
			return -1;
		}
		if (!(is_punct(peek(p, 0), ',') && peek(p, 1)->type == T_NUM && peek(p, 1)->len <= 2))
			return 0;
		p->i++;
	}
}

static void parse_modifier(struct parser *p, struct hours_rule *r)
{
	const struct tok *t = peek(p, 0);
	int explicit_state = 1;
	if (word_is(p, t, "open")) {
		r->state = HOURS_OPEN;
	} else if (word_is(p, t, "closed") || word_is(p, t, "off")) {
		r->state = HOURS_CLOSED;
		if (r->kind == RULE_ADDITIONAL)
			warn(p, "« %.*s » : règle de fermeture ajoutée après une virgule ; elle ferme bien, mais "
				"séparez-la par « ; »", (int)(t->at + t->len - p->rule_at), p->h->text + p->rule_at);
	} else if (word_is(p, t, "unknown")) {
		r->state = HOURS_UNKNOWN;
	} else {
		explicit_state = 0;
	}
	if (explicit_state)
		p->i++;
	t = peek(p, 0);
	if (t->type == T_COMMENT) {
		r->comment_at = (uint16_t)(t->at + 1);
		r->comment_len = (uint16_t)(t->len - 2);
		if (!explicit_state)
			r->state = HOURS_UNKNOWN;
		p->i++;
	} else {
		r->comment_at = 0;
		r->comment_len = 0;
	}
}

static int parse_rule(struct parser *p, int kind)
{
	struct hours *h = p->h;
	if (h->nrules >= HOURS_MAX_RULES)
		return fail(p, peek(p, 0)->at, "valeur trop complexe (plus de %d règles)", HOURS_MAX_RULES);
	struct hours_rule *r = &h->rules[h->nrules++];
	memset(r, 0, sizeof *r);
	r->kind = (uint8_t)kind;
	r->state = HOURS_OPEN;
	r->item0 = (uint16_t)h->nitems;
	r->span0 = (uint16_t)h->nspans;
	p->rule_at = peek(p, 0)->at;
	int start = p->i;
	const struct tok *t = peek(p, 0);
	if (t->type == T_NUM && t->num == 24 && t->len == 2 && is_punct(peek(p, 1), '/') && peek(p, 2)->type == T_NUM &&
	    peek(p, 2)->num == 7) {
		p->i += 3;
	} else {
		if (parse_wide(p, r) < 0 || parse_weekdays(p, r) < 0 || parse_times(p, r) < 0)
			return -1;
	}
	parse_modifier(p, r);
	if (p->i == start) {
		t = peek(p, 0);
		if (t->type == T_END || is_punct(t, ';') || is_punct(t, ',') || is_punct(t, '|'))
			return fail(p, t->at, "règle vide");
		return fail_unexpected(p, t);
	}
	r->all_day = r->nspans == 0;
	h->wraps |= r->wraps;
	return 0;
}

static int parse_value(struct parser *p)
{
	int kind = RULE_NORMAL;
	for (;;) {
		if (parse_rule(p, kind) < 0)
			return -1;
		const struct tok *t = peek(p, 0);
		if (t->type == T_END)
			return 0;
		if (is_punct(t, ';'))
			kind = RULE_NORMAL;
		else if (is_punct(t, ','))
			kind = RULE_ADDITIONAL;
		else if (is_punct(t, '|'))
			kind = RULE_FALLBACK;
		else if (t->type == T_NUM && is_punct(peek(p, 1), ':') && is_time_start(p))
			return fail(p, t->at, "plage horaire mal placée : les plages se séparent par des virgules et "
					      "viennent après les jours");
		else
			return fail_unexpected(p, t);
		p->i++;
		if (kind == RULE_NORMAL && peek(p, 0)->type == T_END) {
			warn(p, "point-virgule en trop à la fin de la valeur");
			return 0;
		}
	}
}

int hours_parse(struct hours *h, const char *value, size_t len)
{
	struct parser p; /* about 12 KB of tokens; rules, spans and items are filled as they come */
	h->valid = 0;
	h->nrules = h->nspans = h->nitems = 0;
	h->uses_holidays = h->wraps = 0;
	h->nwarnings = 0;
	h->error_at = -1;
	h->error[0] = '\0';
	h->len = len > HOURS_MAX_LEN ? HOURS_MAX_LEN : len;
	memcpy(h->text, value, h->len);
	h->text[h->len] = '\0';
	p.h = h;
	p.i = p.ntok = p.rule_at = 0;
	int rc;
	if (len > HOURS_MAX_LEN) {
		rc = fail(&p, HOURS_MAX_LEN, "valeur trop longue (plus de %d octets)", HOURS_MAX_LEN);
	} else if (!utf8_valid_text(value, len, 1)) {
		rc = fail(&p, 0, "la valeur n'est pas du texte valide (UTF-8 mal formé ou caractère de contrôle)");
	} else {
		rc = lex(&p);
		if (rc == 0 && p.ntok == 0)
			rc = fail(&p, 0, "valeur vide");
		if (rc == 0)
			rc = parse_value(&p);
	}
	if (rc < 0) {
		h->nrules = h->nspans = h->nitems = 0;
		h->nwarnings = 0;
		h->valid = 0;
		return -1;
	}
	h->valid = 1;
	return 0;
}

int hours_warning_count(const struct hours *h)
{
	return h->nwarnings < HOURS_MAX_WARNINGS ? h->nwarnings : HOURS_MAX_WARNINGS;
}

const char *hours_warning(const struct hours *h, int i)
{
	return i >= 0 && i < hours_warning_count(h) ? h->warnings[i] : "";
}

const char *hours_error(const struct hours *h)
{
	return h->valid ? "" : h->error;
}

/* ---- evaluation ---- */

static int range_match(const struct hours_item *it, int v)
{
	if (it->a <= it->b)
		return v >= it->a && v <= it->b && (v - it->a) % it->step == 0;
	return v >= it->a || v <= it->b; /* week 50-02 */
}

static int item_match(const struct hours_item *it, const struct day *dy)
{
	switch (it->kind) {
	case ITEM_WEEKDAY:
		if (!(it->a <= it->b ? dy->wd >= it->a && dy->wd <= it->b : dy->wd >= it->a || dy->wd <= it->b))
			return 0;
		return !it->nth || (it->nth >> (dy->nth - 1) & 1) || (it->nth >> (4 + dy->nth_last) & 1);
	case ITEM_WEEK:
		return range_match(it, dy->week);
	case ITEM_YEAR:
		return range_match(it, dy->y);
	case ITEM_DATE:
		if (!it->a) {
			int k = dy->m * 32 + dy->d, k1 = it->m1 * 32 + it->d1, k2 = it->m2 * 32 + it->d2;
			return k1 <= k2 ? k >= k1 && k <= k2 : k >= k1 || k <= k2; /* Dec 25-Jan 01 */
		} else {
			int64_t k = (int64_t)dy->y * 512 + dy->m * 32 + dy->d;
			return k >= (int64_t)it->a * 512 + it->m1 * 32 + it->d1 && k <= (int64_t)it->b * 512 + it->m2 * 32 + it->d2;
		}
	default:
		return 0;
	}
}

/* Whether the rule's selectors other than times match the day: each kind
 * of selector present must match (weekdays or holidays count as one). */
static int rule_matches(const struct hours *h, const struct hours_rule *r, const struct day *dy)
{
	if (!r->has_date)
		return 1;
	int wd = 0, md = 0, wk = 0, yr = 0;
	for (int i = r->item0; i < r->item0 + r->nitems; i++) {
		const struct hours_item *it = &h->items[i];
		if (item_match(it, dy)) {
			wd |= it->kind == ITEM_WEEKDAY;
			md |= it->kind == ITEM_DATE;
			wk |= it->kind == ITEM_WEEK;
			yr |= it->kind == ITEM_YEAR;
		}
	}
	if ((r->has_year && !yr) || (r->has_md && !md) || (r->has_week && !wk))
		return 0;
	int hol = (r->holidays & HOL_PH) && dy->holiday; /* SH never matches */
	if (r->holidays && r->has_weekday)
		return r->holiday_and_weekday ? hol && wd : hol || wd;
	if (r->holidays)
		return hol;
	if (r->has_weekday)
		return wd;
	return 1;
}

/* A rule that takes the day over from the rules before it. */
static int rule_resets(const struct hours *h, int i)
{
	const struct hours_rule *r = &h->rules[i];
	if (r->kind != RULE_NORMAL || r->state == HOURS_CLOSED)
		return 0;
	return r->has_date || (i > 0 && r->state == HOURS_OPEN && !h->rules[i - 1].has_date);
}

struct active {
	uint8_t rule, wrapped; /* wrapped: the after-midnight part of yesterday's rule */
};

static int day_active(const struct hours *h, int64_t z, struct active *act)
{
	struct day today, yesterday;
	day_info(z, h->uses_holidays, &today);
	if (h->wraps)
		day_info(z - 1, h->uses_holidays, &yesterday);
	int n = 0;
	for (int i = 0; i < h->nrules; i++) {
		const struct hours_rule *r = &h->rules[i];
		if (rule_matches(h, r, &today)) {
			if (rule_resets(h, i))
				n = 0;
			act[n++] = (struct active){(uint8_t)i, 0};
		}
		if (r->wraps && rule_matches(h, r, &yesterday))
			act[n++] = (struct active){(uint8_t)i, 1};
	}
	return n;
}

/* Part of a day with one state: [from, to) in minutes of the day. */
struct seg {
	int16_t from, to;
	uint8_t state;
	int8_t rule; /* the rule that decided it (for its comment), -1 for none */
};

static struct str rule_comment(const struct hours *h, int rule)
{
	if (rule < 0 || !h->rules[rule].comment_len)
		return STR_NULL;
	return (struct str){h->text + h->rules[rule].comment_at, h->rules[rule].comment_len};
}

static int same_state(const struct hours *h, int sa, int ra, int sb, int rb)
{
	if (sa != sb)
		return 0;
	struct str a = rule_comment(h, ra), b = rule_comment(h, rb);
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static void state_at_minute(const struct hours *h, const struct active *act, int na, int minute, struct seg *s)
{
	int state = HOURS_CLOSED, rule = -1;
	for (int k = 0; k < na; k++) {
		const struct hours_rule *r = &h->rules[act[k].rule];
		int hit = r->all_day && !act[k].wrapped, open_end = 0;
		for (int i = r->span0; !hit && i < r->span0 + r->nspans; i++) {
			const struct hours_span *sp = &h->spans[i];
			if (act[k].wrapped)
				hit = sp->to > DAY && minute < sp->to - DAY;
			else
				hit = minute >= sp->from && minute < sp->to;
			open_end = hit && sp->open_end;
		}
		if (!hit || (r->kind == RULE_FALLBACK && state != HOURS_CLOSED))
			continue;
		state = r->state;
		rule = act[k].rule;
		if (open_end && state == HOURS_OPEN)
			state = HOURS_UNKNOWN;
	}
	s->state = (uint8_t)state;
	s->rule = (int8_t)rule;
}

/* The day z cut into parts of equal state, covering [0, 1440); returns how many. */
static int day_segments(const struct hours *h, int64_t z, struct seg *out)
{
	if (!h->valid) {
		out[0] = (struct seg){0, DAY, HOURS_CLOSED, -1};
		return 1;
	}
	struct active act[2 * HOURS_MAX_RULES];
	int na = day_active(h, z, act);
	uint64_t cut[(DAY + 64) / 64] = {0};
#define SET_CUT(m) (cut[(m) / 64] |= (uint64_t)1 << ((m) % 64))
	SET_CUT(0);
	SET_CUT(DAY);
	for (int k = 0; k < na; k++) {
		const struct hours_rule *r = &h->rules[act[k].rule];
		for (int i = r->span0; i < r->span0 + r->nspans; i++) {
			const struct hours_span *sp = &h->spans[i];
			if (act[k].wrapped) {
				if (sp->to > DAY)
					SET_CUT(sp->to - DAY);
			} else {
				SET_CUT(sp->from);
				SET_CUT(sp->to < DAY ? sp->to : DAY);
			}
		}
	}
#undef SET_CUT
	int n = 0, prev = 0;
	for (int w = 0; w < (int)(sizeof cut / sizeof cut[0]); w++) {
		uint64_t bits = cut[w];
		while (bits) {
			int m = w * 64 + __builtin_ctzll(bits);
			bits &= bits - 1;
			if (m == 0)
				continue;
			struct seg s = {(int16_t)prev, (int16_t)m, 0, -1};
			state_at_minute(h, act, na, prev, &s);
			if (n > 0 && same_state(h, out[n - 1].state, out[n - 1].rule, s.state, s.rule))
				out[n - 1].to = s.to;
			else
				out[n++] = s;
			prev = m;
		}
	}
	return n;
}

#define SEGS_MAX CUTS_MAX

void hours_status_at(const struct hours *h, int64_t t, int64_t limit, struct hours_status *st, int64_t *until)
{
	struct seg segs[SEGS_MAX];
	int64_t z = floor_div(t, DAY);
	int n = day_segments(h, z, segs), k = 0, minute = (int)(t - z * DAY);
	while (k < n - 1 && segs[k].to <= minute)
		k++;
	struct seg cur = segs[k];
	st->state = (enum hours_state)cur.state;
	st->comment = rule_comment(h, cur.rule);
	if (!until)
		return;
	int64_t end = z * DAY + cur.to;
	while (end < limit && cur.to == DAY) {
		z++;
		n = day_segments(h, z, segs);
		if (!same_state(h, cur.state, cur.rule, segs[0].state, segs[0].rule))
			break;
		cur.to = segs[0].to;
		end = z * DAY + cur.to;
	}
	*until = end < limit ? end : limit;
}

int hours_next_interval(const struct hours *h, int64_t *cursor, int64_t to, struct hours_interval *iv)
{
	struct seg segs[SEGS_MAX];
	int64_t t = *cursor, start = 0, end = 0;
	struct seg cur = {0, 0, HOURS_CLOSED, -1};
	int found = 0;
	if (!h->valid || t >= to) {
		*cursor = to > t ? to : t;
		return 0;
	}
	for (int64_t z = floor_div(t, DAY); z * DAY < to; z++) {
		int n = day_segments(h, z, segs);
		for (int k = 0; k < n; k++) {
			int64_t a = z * DAY + segs[k].from, b = z * DAY + segs[k].to;
			if (b <= t)
				continue;
			if (a >= to)
				goto done;
			if (!found) {
				if (segs[k].state == HOURS_CLOSED)
					continue;
				found = 1;
				cur = segs[k];
				start = a > t ? a : t;
				end = b;
			} else if (a == end && same_state(h, cur.state, cur.rule, segs[k].state, segs[k].rule)) {
				end = b;
			} else {
				goto done;
			}
			if (end >= to)
				goto done;
		}
	}
done:
	if (!found) {
		*cursor = to;
		return 0;
	}
	iv->from = start;
	iv->to = end < to ? end : to;
	iv->unknown = cur.state == HOURS_UNKNOWN;
	iv->comment = rule_comment(h, cur.rule);
	*cursor = iv->to;
	return 1;
}

/* ---- local time ---- */

int64_t hours_local_from_unix(int64_t t)
{
	return floor_div(t + clock_paris_offset(t), 60);
}

int hours_local_parse(const char *s, int64_t *out)
{
	char date[11];
	int y, m, d;
	if (strlen(s) != 16 || s[10] != ' ' || s[13] != ':')
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (date_parse(date, &y, &m, &d) < 0 || date[4] != '-')
		return -1;
	for (int i = 11; i < 16; i++)
		if (i != 13 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int hh = (s[11] - '0') * 10 + (s[12] - '0'), mm = (s[14] - '0') * 10 + (s[15] - '0');
	if (hh > 24 || mm > 59 || (hh == 24 && mm))
		return -1;
	*out = days_from_civil(y, m, d) * DAY + hh * 60 + mm;
	return 0;
}

void hours_local_format(int64_t lm, char out[17])
{
	int64_t z = floor_div(lm, DAY);
	int y, m, d, min = (int)(lm - z * DAY);
	civil_from_days(z, &y, &m, &d);
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02d %02d:%02d", y, m, d, min / 60, min % 60);
	cstr_copy(out, 17, tmp);
}

/* ---- French ---- */

static const char *const DAY_NAMES[] = {"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"};
static const char *const MONTH_NAMES[] = {"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
					  "août", "septembre", "octobre", "novembre", "décembre"};

/* "9 h", "8 h 30"; minute 1440 is "minuit" when midnight_word. */
static int put_clock(struct buf *out, int minutes, int midnight_word)
{
	if (midnight_word && (minutes == 0 || minutes == DAY))
		return buf_puts(out, "minuit");
	minutes %= DAY;
	if (minutes % 60)
		return buf_appendf(out, "%d h %02d", minutes / 60, minutes % 60);
	return buf_appendf(out, "%d h", minutes / 60);
}

/* "1er avril", "2 avril", with the year when it is not `year`. */
static int put_date(struct buf *out, int64_t z, int year)
{
	int y, m, d;
	civil_from_days(z, &y, &m, &d);
	int rc = d == 1 ? buf_puts(out, "1er ") : buf_appendf(out, "%d ", d);
	rc |= buf_puts(out, MONTH_NAMES[m - 1]);
	if (y != year)
		rc |= buf_appendf(out, " %d", y);
	return rc;
}

/* When t happens, seen from now, the clock after `at` ("à " or ""):
 * "à 17 h", "demain à 9 h", "lundi à 9 h", "le mardi 2 avril à 9 h"; the
 * coming midnight as an end is "à minuit". */
static int put_when(struct buf *out, int64_t t, int64_t now, int end, const char *at)
{
	int64_t z = floor_div(t, DAY), znow = floor_div(now, DAY);
	int minute = (int)(t - z * DAY), rc = 0;
	if (end && minute == 0 && z == znow + 1)
		return buf_appendf(out, "%sminuit", at);
	if (z == znow + 1)
		rc |= buf_puts(out, "demain ");
	else if (z > znow && z < znow + 7)
		rc |= buf_appendf(out, "%s ", DAY_NAMES[weekday_of(z)]);
	else if (z != znow) {
		int y, m, d;
		civil_from_days(znow, &y, &m, &d);
		rc |= buf_appendf(out, "le %s ", DAY_NAMES[weekday_of(z)]);
		rc |= put_date(out, z, y);
		rc |= buf_putc(out, ' ');
	}
	rc |= buf_puts(out, at);
	return rc | put_clock(out, minute, 0);
}

static int put_comment(struct buf *out, struct str c, int unknown)
{
	if (c.len)
		return buf_appendf(out, " (%.*s)", (int)c.len, c.ptr);
	return unknown ? buf_puts(out, " (à confirmer)") : 0;
}

int hours_describe_now(const struct hours *h, int64_t now, struct buf *out)
{
	if (!h->valid)
		return 0;
	const int64_t horizon = now + (int64_t)DAY * 366;
	struct hours_status st, next;
	int64_t until;
	int rc = 0;
	hours_status_at(h, now, horizon, &st, &until);
	if (st.state == HOURS_CLOSED) {
		int64_t cursor = now;
		struct hours_interval iv;
		rc |= buf_puts(out, "Fermé");
		if (hours_next_interval(h, &cursor, horizon, &iv)) {
			rc |= buf_puts(out, iv.unknown ? ", ouverture possible " : ", ouvre ");
			rc |= put_when(out, iv.from, now, 0, "à ");
			rc |= put_comment(out, iv.comment, iv.unknown);
		}
		return rc ? -1 : 0;
	}
	if (st.state == HOURS_OPEN) {
		rc |= buf_puts(out, "Ouvert maintenant");
		rc |= put_comment(out, st.comment, 0);
	} else {
		rc |= buf_puts(out, "Ouverture à confirmer");
		rc |= put_comment(out, st.comment, 0);
	}
	if (until < horizon) {
		hours_status_at(h, until, until + 1, &next, NULL);
		if (next.state == HOURS_CLOSED) {
			rc |= buf_puts(out, ", ferme ");
			rc |= put_when(out, until, now, 1, "à ");
		} else {
			rc |= buf_puts(out, " jusqu'à ");
			rc |= put_when(out, until, now, 1, "");
		}
	}
	return rc ? -1 : 0;
}

/* Open parts of one day, as shown in the week. */
struct frag {
	int16_t from, to; /* to may pass 1440: "à 11 h le lendemain" */
	uint8_t state;
	int8_t rule;
};
#define FRAGS_MAX 24

static int day_frags(const struct hours *h, int64_t z, struct frag *f, int *truncated)
{
	struct seg segs[SEGS_MAX];
	int n = day_segments(h, z, segs), nf = 0;
	for (int k = 0; k < n; k++) {
		if (segs[k].state == HOURS_CLOSED)
			continue;
		if (nf == FRAGS_MAX) {
			*truncated = 1;
			break;
		}
		f[nf++] = (struct frag){segs[k].from, segs[k].to, segs[k].state, segs[k].rule};
	}
	return nf;
}

static int put_frags(const struct hours *h, struct buf *out, const struct frag *f, int nf, int truncated)
{
	int rc = 0;
	if (nf == 0)
		return buf_puts(out, "fermé");
	if (nf == 1 && f[0].from == 0 && f[0].to >= DAY)
		return buf_puts(out, "24 h sur 24") | put_comment(out, rule_comment(h, f[0].rule), f[0].state == HOURS_UNKNOWN);
	for (int k = 0; k < nf; k++) {
		if (k > 0)
			rc |= buf_puts(out, k == nf - 1 && !truncated ? " et " : ", ");
		rc |= buf_puts(out, "de ");
		rc |= put_clock(out, f[k].from, 1);
		rc |= buf_puts(out, " à ");
		rc |= put_clock(out, f[k].to, f[k].to == DAY);
		if (f[k].to > DAY)
			rc |= buf_puts(out, " le lendemain");
		rc |= put_comment(out, rule_comment(h, f[k].rule), f[k].state == HOURS_UNKNOWN);
	}
	if (truncated)
		rc |= buf_puts(out, "…");
	return rc;
}

/* "Du lundi au vendredi", "Lundi, mercredi et vendredi", "Tous les jours". */
static int put_days(struct buf *out, const int *in)
{
	int parts[7][2], np = 0, rc = 0;
	for (int d = 0; d < 7; d++) {
		if (!in[d])
			continue;
		int e = d;
		while (e + 1 < 7 && in[e + 1])
			e++;
		if (e - d >= 2) {
			parts[np][0] = d;
			parts[np++][1] = e;
		} else {
			for (int k = d; k <= e; k++) {
				parts[np][0] = k;
				parts[np++][1] = k;
			}
		}
		d = e;
	}
	if (np == 1 && parts[0][0] == 0 && parts[0][1] == 6)
		return buf_puts(out, "Tous les jours");
	size_t start = out->len;
	for (int k = 0; k < np; k++) {
		if (k > 0)
			rc |= buf_puts(out, k == np - 1 ? " et " : ", ");
		if (parts[k][0] == parts[k][1])
			rc |= buf_puts(out, DAY_NAMES[parts[k][0]]);
		else
			rc |= buf_appendf(out, "du %s au %s", DAY_NAMES[parts[k][0]], DAY_NAMES[parts[k][1]]);
	}
	if (!rc && out->len > start && out->data[start] >= 'a' && out->data[start] <= 'z')
		out->data[start] = (char)(out->data[start] - 'a' + 'A');
	return rc;
}

int hours_describe_week(const struct hours *h, int64_t day, struct buf *out)
{
	if (!h->valid)
		return 0;
	int64_t z0 = floor_div(day, DAY);
	z0 -= weekday_of(z0);
	/* Days -1..7 around the week, to see what runs past midnight. */
	struct frag f[9][FRAGS_MAX];
	int nf[9], trunc[9] = {0};
	for (int i = 0; i < 9; i++)
		nf[i] = day_frags(h, z0 - 1 + i, f[i], &trunc[i]);
	/* An evening running into the next morning is shown on the evening's day. */
	for (int i = 0; i < 8; i++) {
		struct frag *last = nf[i] ? &f[i][nf[i] - 1] : NULL, *first = nf[i + 1] ? &f[i + 1][0] : NULL;
		if (last && first && last->to == DAY && last->from > 0 && first->from == 0 && first->to < DAY &&
		    same_state(h, last->state, last->rule, first->state, first->rule)) {
			last->to = (int16_t)(DAY + first->to);
			memmove(&f[i + 1][0], &f[i + 1][1], sizeof f[0][0] * (size_t)(nf[i + 1] - 1));
			nf[i + 1]--;
		}
	}
	/* Each day's text; days with the same text share a line. */
	struct buf text[7];
	int rc = 0, holiday[7] = {0};
	for (int d = 0; d < 7; d++) {
		buf_init(&text[d], 4096);
		rc |= put_frags(h, &text[d], f[d + 1], nf[d + 1], trunc[d + 1]);
		int y, m, dd;
		civil_from_days(z0 + d, &y, &m, &dd);
		holiday[d] = h->uses_holidays && hours_holiday(y, m, dd) != NULL;
	}
	int done[7] = {0};
	for (int d = 0; d < 7; d++) {
		if (done[d])
			continue;
		int in[7] = {0};
		if (holiday[d]) {
			int y, m, dd;
			civil_from_days(z0 + d, &y, &m, &dd);
			rc |= buf_appendf(out, "%c%s ", DAY_NAMES[d][0] - 'a' + 'A', DAY_NAMES[d] + 1);
			rc |= put_date(out, z0 + d, y);
			rc |= buf_appendf(out, " (%s) : %s\n", hours_holiday(y, m, dd), buf_cstr(&text[d]));
			done[d] = 1;
			continue;
		}
		for (int e = d; e < 7; e++)
			if (!done[e] && !holiday[e] && strcmp(buf_cstr(&text[e]), buf_cstr(&text[d])) == 0)
				in[e] = done[e] = 1;
		rc |= put_days(out, in);
		rc |= buf_appendf(out, " : %s\n", buf_cstr(&text[d]));
	}
	for (int d = 0; d < 7; d++)
		buf_free(&text[d]);
	return rc ? -1 : 0;
}
