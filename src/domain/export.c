#include "domain/export.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/csv.h"
#include "db/queries.h"
#include "domain/diagnostic.h"
#include "domain/journal.h"
#include "view/xlsx.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct choice export_columns[] = {
	{"age", "Tranche d'âge"},
	{"sexe", "Sexe"},
	{"commune", "Commune"},
	{"logement", "Logement"},
	{"nouveau", "Nouvelle personne sur la période"},
	{"echanges", "Nombre d'échanges"},
	{"minutes", "Temps passé (minutes)"},
	{"themes", "Thèmes abordés"},
	{"demarches", "Démarches ouvertes"},
	{"a_la_place", "dont faites à la place de la personne"},
	{"aides", "Aides accordées (euros)"},
	{"niveau", "Niveau d'autonomie numérique (dernier diagnostic)"},
	{"rdv_manques", "Rendez-vous manqués sans prévenir"},
	{NULL, NULL}};

enum { NCOLS = 13, QUASI = 4 }; /* the first QUASI columns can single someone out */

struct line {
	int64_t id, entries, minutes, procedures, in_place, aid_cents, level, missed, created_at;
	uint64_t themes; /* bit i: theme i of the structure's list */
	char age[24], sex[16], commune[120], housing[80];
};

struct lines {
	struct line *v;
	size_t n, cap;
};

static int by_id(const void *a, const void *b)
{
	const struct line *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

static struct line *find(struct lines *l, int64_t id)
{
	struct line key = {.id = id};
	return bsearch(&key, l->v, l->n, sizeof *l->v, by_id);
}

/* Runs a query whose first column is a person id and hands the rows of
 * the people in the export to fn. */
static int each(struct db *db, struct db_stmt *st, struct lines *l, void (*fn)(struct line *, struct db_stmt *))
{
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == 1) {
		struct line *p = find(l, db_col_int(st, 0));
		if (p)
			fn(p, st);
	}
	db_done(st);
	(void)db;
	return rc < 0 ? -1 : 0;
}

static void take_procedure(struct line *p, struct db_stmt *st)
{
	p->procedures += db_col_int(st, 2);
	if (strcmp(db_col_text(st, 1), "a_la_place") == 0)
		p->in_place += db_col_int(st, 2);
}

static void take_aid(struct line *p, struct db_stmt *st)
{
	p->aid_cents = db_col_int(st, 1);
}

static void take_level(struct line *p, struct db_stmt *st)
{
	p->level = db_col_int(st, 1); /* rows in date order: the last one stays */
}

static void take_missed(struct line *p, struct db_stmt *st)
{
	p->missed = db_col_int(st, 1);
}

static const char *age_band_at(const char *birth, int64_t day)
{
	int y, m, d, ty, tm, td;
	if (date_parse(birth, &y, &m, &d) < 0)
		return "Non renseigné";
	civil_from_days(day, &ty, &tm, &td);
	int age = ty - y - (tm < m || (tm == m && td < d));
	return age < 18 ? "Moins de 18 ans" : age < 26 ? "18 à 25 ans" : age < 40 ? "26 à 39 ans" :
	       age < 60 ? "40 à 59 ans" : age < 75 ? "60 à 74 ans" : "75 ans et plus";
}

struct named {
	char pseudo[16];
	size_t i;
};

static int by_pseudonym(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->pseudo, ((const struct named *)b)->pseudo);
}

/* Values shared by fewer than threshold lines become « Autre ». */
static void group_rare(struct lines *l, size_t offset, size_t size, int threshold)
{
	for (size_t i = 0; i < l->n; i++) {
		char *v = (char *)&l->v[i] + offset;
		if (strcmp(v, "Autre") == 0)
			continue;
		size_t count = 0;
		for (size_t k = 0; k < l->n; k++)
			count += strcmp((char *)&l->v[k] + offset, v) == 0;
		if (count < (size_t)threshold) {
			char was[128];
			cstr_copy(was, sizeof was, v);
			for (size_t k = 0; k < l->n; k++)
				if (strcmp((char *)&l->v[k] + offset, was) == 0)
					cstr_copy((char *)&l->v[k] + offset, size, "Autre");
		}
	}
}

int export_persons(struct db *db, int64_t structure_id, const char *from, const char *to, const char *columns,
		   int threshold, enum export_format format, struct buf *out, struct buf *err)
{
	int y1, m1, d1, y2, m2, d2;
	if (date_parse(from, &y1, &m1, &d1) < 0 || date_parse(to, &y2, &m2, &d2) < 0) {
		buf_puts(err, "Période invalide : indiquez deux dates au format JJ/MM/AAAA.");
		return -1;
	}
	int64_t day1 = days_from_civil(y1, m1, d1), day2 = days_from_civil(y2, m2, d2);
	if (day2 < day1 || day2 - day1 > 3 * 366) {
		buf_puts(err, "La période doit aller d'une date à une date postérieure, trois ans au plus.");
		return -1;
	}
	/* The columns asked for, in the list's order. */
	int want[NCOLS] = {0}, nwant = 0;
	for (const char *c = columns; *c;) {
		const char *end = strchr(c, ',');
		size_t len = end ? (size_t)(end - c) : strlen(c);
		int known = 0;
		for (int i = 0; i < NCOLS; i++)
			if (strlen(export_columns[i].value) == len && strncmp(export_columns[i].value, c, len) == 0) {
				nwant += !want[i];
				want[i] = known = 1;
			}
		if (!known && len) {
			buf_appendf(err, "Colonne inconnue : %.*s.", (int)len, c);
			return -1;
		}
		c = end ? end + 1 : c + len;
	}
	if (!nwant) {
		buf_puts(err, "Choisissez au moins une colonne.");
		return -1;
	}
	char iso_from[11], iso_to[11];
	snprintf(iso_from, sizeof iso_from, "%04d-%02d-%02d", y1, m1, d1);
	snprintf(iso_to, sizeof iso_to, "%04d-%02d-%02d", y2, m2, d2);
	int64_t t1 = day1 * 86400 - clock_paris_offset(day1 * 86400);
	int64_t t2 = (day2 + 1) * 86400 - clock_paris_offset((day2 + 1) * 86400);

	/* The people seen in the period, with their exchanges. */
	struct lines l = {0};
	struct db_stmt *st = db_query(db, SQL_EXPORT_ENTRIES, "iii", structure_id, t1, t2);
	int rc = st ? 1 : -1;
	while (st && (rc = db_step(st)) == 1) {
		if (l.n == l.cap) {
			size_t cap = l.cap ? l.cap * 2 : 256;
			struct line *v = realloc(l.v, cap * sizeof *v);
			if (!v) {
				rc = -1;
				break;
			}
			l.v = v;
			l.cap = cap;
		}
		struct line *p = &l.v[l.n++];
		memset(p, 0, sizeof *p);
		p->id = db_col_int(st, 0);
		p->entries = db_col_int(st, 1);
		p->minutes = db_col_int(st, 2);
	}
	db_done(st);
	qsort(l.v, l.n, sizeof *l.v, by_id);
	struct theme_list *themes = malloc(sizeof *themes);
	if (rc >= 0 && (!themes || themes_load(db, structure_id, themes) < 0))
		rc = -1;
	/* Themes: one bit per theme of the structure's list. */
	st = rc >= 0 ? db_query(db, SQL_EXPORT_THEMES, "iii", structure_id, t1, t2) : NULL;
	while (st && (rc = db_step(st)) == 1) {
		struct line *p = find(&l, db_col_int(st, 0));
		for (int i = 0; p && i < themes->n && i < 64; i++) {
			const char *hit = strstr(db_col_text(st, 1), themes->items[i].value);
			size_t n = strlen(themes->items[i].value);
			if (hit && (hit[n] == ',' || hit[n] == '\0'))
				p->themes |= 1ull << i;
		}
	}
	db_done(st);
	st = rc >= 0 ? db_query(db, SQL_EXPORT_PERSONS, "i", structure_id) : NULL;
	while (st && (rc = db_step(st)) == 1) {
		struct line *p = find(&l, db_col_int(st, 0));
		if (!p)
			continue;
		cstr_copy(p->age, sizeof p->age, age_band_at(db_col_text(st, 1), day2));
		const char *civ = db_col_text(st, 2);
		cstr_copy(p->sex, sizeof p->sex, !strcmp(civ, "Mme") ? "Femme" : !strcmp(civ, "M.") ? "Homme" : "Non précisé");
		cstr_copy(p->commune, sizeof p->commune, db_col_text(st, 3)[0] ? db_col_text(st, 3) : "Non renseignée");
		cstr_copy(p->housing, sizeof p->housing, choice_label(person_fields[PF_HOUSING].choices, db_col_text(st, 4)));
		p->created_at = db_col_int(st, 5);
	}
	db_done(st);
	if (rc >= 0)
		rc = each(db, db_query(db, SQL_EXPORT_PROCEDURES, "iiiss", structure_id, t1, t2, iso_from, iso_to), &l,
			  take_procedure);
	if (rc >= 0)
		rc = each(db, db_query(db, SQL_EXPORT_AIDS, "iii", structure_id, t1, t2), &l, take_aid);
	if (rc >= 0)
		rc = each(db, db_query(db, SQL_EXPORT_LEVELS, "iiiss", structure_id, t1, t2, iso_from, iso_to), &l,
			  take_level);
	if (rc >= 0)
		rc = each(db, db_query(db, SQL_EXPORT_MISSED, "iii", structure_id, t1, t2), &l, take_missed);
	if (rc < 0) {
		buf_appendf(err, "Erreur de la base de données : %s", db_errmsg(db));
		free(l.v);
		free(themes);
		return -1;
	}
	group_rare(&l, offsetof(struct line, age), sizeof l.v->age, threshold);
	group_rare(&l, offsetof(struct line, sex), sizeof l.v->sex, threshold);
	group_rare(&l, offsetof(struct line, commune), sizeof l.v->commune, threshold);
	group_rare(&l, offsetof(struct line, housing), sizeof l.v->housing, threshold);

	/* A key for this export only: the same person gets the same pseudonym
	 * within it and another one next time. Lines go out in pseudonym order,
	 * which says nothing of the files' order. */
	unsigned char key[32];
	randombytes_buf(key, sizeof key);
	struct named *order = malloc((l.n ? l.n : 1) * sizeof *order);
	if (!order) {
		free(l.v);
		free(themes);
		buf_puts(err, "mémoire insuffisante");
		return -1;
	}
	for (size_t i = 0; i < l.n; i++) {
		char hex[65], id[24];
		snprintf(id, sizeof id, "%lld", (long long)l.v[i].id);
		hmac_sha256_hex(key, id, strlen(id), hex);
		snprintf(order[i].pseudo, sizeof order[i].pseudo, "P-%.10s", hex);
		order[i].i = i;
	}
	sodium_memzero(key, sizeof key);
	qsort(order, l.n, sizeof *order, by_pseudonym);

	struct xlsx *x = NULL;
	struct buf csv = BUF_INIT;
	if (format == EXPORT_XLSX) {
		x = xlsx_open("Personnes", err);
		if (!x) {
			free(order);
			free(l.v);
			free(themes);
			return -1;
		}
		char note[200];
		snprintf(note, sizeof note, "Une ligne par personne vue du %s au %s, sous un pseudonyme propre à cet export.",
			 from, to);
		xlsx_title(x, "Export pour les financeurs");
		xlsx_note(x, note);
		xlsx_blank(x);
	}
	const char *cells[NCOLS + 1];
	int nc = 0;
	cells[nc++] = "Pseudonyme";
	for (int i = 0; i < NCOLS; i++)
		if (want[i])
			cells[nc++] = export_columns[i].label;
	if (x) {
		xlsx_header(x, cells, nc);
	} else {
		for (int i = 0; i < nc; i++)
			buf_appendf(&csv, "%s\"%s\"", i ? ";" : "", cells[i]);
		buf_puts(&csv, "\r\n");
	}
	for (size_t k = 0; k < l.n; k++) {
		const struct line *p = &l.v[order[k].i];
		char num[NCOLS][24];
		struct buf theme_text = BUF_INIT;
		for (int i = 0; i < themes->n && i < 64; i++)
			if (p->themes & (1ull << i))
				buf_appendf(&theme_text, "%s%s", theme_text.len ? ", " : "", themes->items[i].label);
		const int64_t values[NCOLS] = {0, 0, 0, 0, p->created_at >= t1 && p->created_at < t2, p->entries, p->minutes,
					       0, p->procedures, p->in_place, p->aid_cents / 100, p->level, p->missed};
		nc = 0;
		cells[nc++] = order[k].pseudo;
		for (int i = 0; i < NCOLS; i++) {
			if (!want[i])
				continue;
			snprintf(num[i], sizeof num[i], "%lld", (long long)values[i]);
			cells[nc++] = i == 0 ? p->age : i == 1 ? p->sex : i == 2 ? p->commune : i == 3 ? p->housing :
				      i == 4 ? (values[4] ? "oui" : "non") : i == 7 ? buf_cstr(&theme_text) :
				      i == 11 && !p->level ? "" : i == 11 ? diagnostic_level_label((int)p->level) : num[i];
		}
		if (x) {
			xlsx_row(x, cells, nc);
		} else {
			for (int i = 0; i < nc; i++) {
				buf_puts(&csv, i ? ";\"" : "\"");
				/* Protected against formulas, like every cell that leaves Lien. */
				if (strchr("=+-@\t\r", cells[i][0]) && cells[i][0])
					buf_putc(&csv, '\'');
				for (const char *c = cells[i]; *c; c++)
					*c == '"' ? buf_puts(&csv, "\"\"") : buf_putc(&csv, *c);
				buf_putc(&csv, '"');
			}
			buf_puts(&csv, "\r\n");
		}
		buf_free(&theme_text);
	}
	int lines = (int)l.n;
	free(order);
	free(l.v);
	free(themes);
	if (x)
		return xlsx_close(x, out, err) < 0 ? -1 : lines;
	int bad;
	if (format == EXPORT_CSV_CP1252)
		bad = utf8_to_cp1252(csv.data ? csv.data : "", csv.len, out) < 0;
	else
		bad = buf_puts(out, "\xef\xbb\xbf") < 0 || buf_append(out, csv.data ? csv.data : "", csv.len) < 0;
	buf_free(&csv);
	return bad ? -1 : lines;
}
