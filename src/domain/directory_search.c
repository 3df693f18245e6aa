#include "domain/directory_search.h"
#include "core/clock.h"
#include "core/hours.h"
#include "core/text.h"
#include "core/u64set.h"
#include "db/queries.h"
#include "domain/audit.h"
#include "domain/commune.h"
#include "domain/directory.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct dir_access_need dir_access_needs[] = {
	{DA_PMR, "pmr", "Personnes à mobilité réduite"},
	{DA_SURDITE, "surdite", "Personnes sourdes ou malentendantes"},
	{DA_VISUEL, "visuel", "Personnes aveugles ou malvoyantes"},
	{DA_LANGUES, "langues", "Langues étrangères"},
	{DA_ILLETTRISME, "illettrisme", "Illettrisme"},
	{DA_MENTAL, "mental", "Handicap mental"},
	{0, NULL, NULL},
};

/* What a lieu says it takes care of (lmn prise en charge spécifique,
 * folded), per need. */
static const char *const ACCESS_WORDS[][2] = {
	{"moteur", NULL}, {"surdite", NULL}, {"visuel", NULL}, {"langue", NULL}, {"illettrisme", NULL}, {"mentaux", "mental"},
};

/* ---- words ------------------------------------------------------------------ */

static int stop_word(const char *w, size_t n)
{
	static const char *const STOP[] = {"au", "aux", "avec", "ce", "ces", "dans", "de", "des", "du", "en", "et",
					   "la", "le", "les", "ma", "mes", "mon", "ou", "par", "pour", "sa", "ses",
					   "son", "sur", "un", "une"};
	for (size_t i = 0; i < sizeof STOP / sizeof STOP[0]; i++)
		if (strlen(STOP[i]) == n && memcmp(STOP[i], w, n) == 0)
			return 1;
	return 0;
}

/* The search form of a folded word: plural and feminine endings cut, so
 * that the word, used as a prefix, finds the other forms. */
static size_t word_stem(const char *w, size_t n)
{
	if (n > 4 && memcmp(w + n - 3, "aux", 3) == 0)
		n -= 2; /* sociaux → socia (social, sociale) */
	else if (n > 3 && (w[n - 1] == 's' || w[n - 1] == 'x'))
		n--;
	if (n > 4 && w[n - 1] == 'e')
		n--; /* demarche → demarch */
	if (n > 4 && w[n - 2] == 'i' && (w[n - 1] == 'f' || w[n - 1] == 'v'))
		n--; /* administratif, administrativ(es) → administrati */
	else if (n > 4 && memcmp(w + n - 3, "eus", 3) == 0)
		n--; /* heureus(e) → heureu (heureux) */
	else if (n > 4 && w[n - 2] == 'a' && w[n - 1] == 'l')
		n--; /* social → socia (sociaux, sociale) */
	return n;
}

int directory_search_words(const char *typed, char words[][64], int max)
{
	struct buf f = BUF_INIT;
	if (!typed || text_fold(typed, &f) < 0) {
		buf_free(&f);
		return 0;
	}
	int count = 0;
	for (const char *p = buf_cstr(&f); *p && count < max;) {
		size_t n = strcspn(p, " ");
		if (n >= 2 && !stop_word(p, n)) {
			size_t k = word_stem(p, n);
			if (k > 63) {
				k = 63;
				while (k > 0 && ((unsigned char)p[k] & 0xC0) == 0x80)
					k--; /* not in the middle of a letter of another script */
			}
			memcpy(words[count], p, k);
			words[count][k] = '\0';
			int dup = 0;
			for (int i = 0; i < count; i++)
				dup |= strcmp(words[i], words[count]) == 0;
			count += !dup;
		}
		p += n + (p[n] == ' ');
	}
	buf_free(&f);
	return count;
}

/* Marks in *mask the words that start a word of text. fold is scratch. */
static void words_mark(const char *text, char words[][64], int nwords, unsigned *mask, struct buf *fold)
{
	if (!text || !*text)
		return;
	buf_reset(fold);
	if (text_fold(text, fold) < 0)
		return;
	unsigned all = (1u << nwords) - 1;
	for (const char *p = buf_cstr(fold); *p && *mask != all;) {
		size_t n = strcspn(p, " ");
		for (int i = 0; i < nwords; i++) {
			size_t k = strlen(words[i]);
			if (!(*mask & (1u << i)) && k <= n && memcmp(p, words[i], k) == 0)
				*mask |= 1u << i;
		}
		p += n + (p[n] == ' ');
	}
}

int directory_text_matches(const char *text, char words[][64], int nwords)
{
	struct buf fold = BUF_INIT;
	unsigned mask = 0;
	words_mark(text, words, nwords, &mask, &fold);
	buf_free(&fold);
	return mask == (1u << nwords) - 1;
}

/* The FTS5 query of the words: each one quoted, as a prefix; names_only
 * restricts it to the service's and its structure's names. */
/* The words for SQL_SRCH_FTS_*: letters and digits (folded), one space
 * between them. */
static void fts_words(char words[][64], int nwords, struct buf *out)
{
	for (int i = 0; i < nwords; i++) {
		if (i)
			buf_putc(out, ' ');
		buf_puts(out, words[i]);
	}
}

/* ---- lists and hours -------------------------------------------------------- */

/* Whether '|'-joined list holds value. */
static int list_has(const char *list, const char *value)
{
	size_t n = strlen(value);
	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, "|");
		if (len == n && memcmp(p, value, n) == 0)
			return 1;
		p += len + (p[len] == '|');
	}
	return 0;
}

/* Open-hours verdicts of one search, by value: many services share theirs. */
enum { HOURS_CACHE = 128 };
struct hours_cache {
	struct {
		uint64_t hash;
		const char *text;
		int open;
	} slot[HOURS_CACHE];
};

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h | 1;
}

/* Open at minute at (open_day: at some time of that day). */
static int hours_open(const struct hours *h, int64_t at, int open_day)
{
	if (!h->valid)
		return 0;
	if (!open_day) {
		struct hours_status st;
		hours_status_at(h, at, at + 1, &st, NULL);
		return st.state == HOURS_OPEN;
	}
	int64_t day = at - ((at % 1440) + 1440) % 1440, cursor = day;
	struct hours_interval iv;
	while (hours_next_interval(h, &cursor, day + 1440, &iv))
		if (!iv.unknown)
			return 1;
	return 0;
}

/* ---- the search ------------------------------------------------------------- */

struct cand {
	int64_t id;
	double km;
	int rank;         /* words: 0 all in the names, 1 elsewhere too */
	const char *name; /* sort key when sorting by name */
	int local, near, eligible, located;
	int seq;
};

enum order { ORDER_DISTANCE, ORDER_AREA, ORDER_RELEVANCE, ORDER_NAME };

struct search {
	struct db *db;
	const struct actor *by;
	const struct dir_query *q;
	struct pool *pool;
	char words[DIR_MAX_WORDS][64];
	int nwords;
	int theme_cat;        /* bit of a category, or -1 */
	int64_t cat_mask;     /* the category bit of the theme (a sub-thème's too), 0 for any */
	const char *theme_sub;/* a sub-thématique, or NULL */
	char dep[4];          /* the place's département */
	enum order order;
	struct hours *hours;
	struct hours_cache *cache;
	struct u64set seen;
	struct cand *c;
	int n, cap;
	struct buf fold;
};

enum {
	C_ID, C_LAT, C_LON, C_CATS, C_THEMES, C_FRAIS, C_PUBLICS, C_MODES, C_HOURS, C_ZONE, C_CARE, C_ACCESS,
	C_INSEE, C_NOM, C_STRUCTURE, C_DESCRIPTION, C_COMMUNE
};

static const char *col(struct db_stmt *st, int i)
{
	return db_col_text(st, i);
}

static int hours_ok(struct search *s, const char *value)
{
	if (!*value)
		return 0;
	uint64_t h = fnv(value);
	unsigned i = (unsigned)(h % HOURS_CACHE);
	for (unsigned k = 0; k < 8; k++, i = (i + 1) % HOURS_CACHE) {
		if (s->cache->slot[i].hash == h && strcmp(s->cache->slot[i].text, value) == 0)
			return s->cache->slot[i].open;
		if (!s->cache->slot[i].hash)
			break;
	}
	hours_parse(s->hours, value, strlen(value));
	int open = hours_open(s->hours, s->q->at, s->q->open_day);
	if (!s->cache->slot[i].hash) {
		const char *copy = pool_strdup(s->pool, value);
		if (copy)
			s->cache->slot[i].hash = h, s->cache->slot[i].text = copy, s->cache->slot[i].open = open;
	}
	return open;
}

static int access_ok(struct search *s, struct db_stmt *st)
{
	unsigned need = s->q->access;
	if (!need)
		return 1;
	buf_reset(&s->fold);
	text_fold(col(st, C_CARE), &s->fold);
	const char *care = buf_cstr(&s->fold);
	for (int i = 0; dir_access_needs[i].bit; i++) {
		if (!(need & dir_access_needs[i].bit))
			continue;
		int ok = strstr(care, ACCESS_WORDS[i][0]) || (ACCESS_WORDS[i][1] && strstr(care, ACCESS_WORDS[i][1]));
		if (dir_access_needs[i].bit == DA_PMR && col(st, C_ACCESS)[0])
			ok = 1; /* its accessibility is described (acceslibre) */
		if (!ok)
			return 0;
	}
	return 1;
}

/* Same commune (1), same département (2), neither (0). */
static int nearness(const struct search *s, const char *insee)
{
	if (!s->q->place.insee[0] || !insee[0])
		return 0;
	if (strcmp(insee, s->q->place.insee) == 0)
		return 1;
	size_t n = strlen(s->dep);
	return n && strncmp(insee, s->dep, n) == 0 ? 2 : 0;
}

/* Checks a candidate row against every criterion; keeps it when it passes. */
static int consider(struct search *s, struct db_stmt *st, int local, int text_done)
{
	const struct dir_query *q = s->q;
	struct cand c = {.id = db_col_int(st, C_ID), .km = -1, .local = local, .eligible = -1, .seq = s->n};
	if (!local) {
		if (u64set_has(&s->seen, (uint64_t)c.id))
			return 0;
		if (u64set_add(&s->seen, (uint64_t)c.id) < 0)
			return -1;
	}
	if (s->theme_cat >= 0 && !(db_col_int(st, C_CATS) & ((int64_t)1 << s->theme_cat)))
		return 0;
	if (s->theme_sub && !list_has(col(st, C_THEMES), s->theme_sub))
		return 0;
	if (q->free_only && strcmp(col(st, C_FRAIS), "gratuit") != 0)
		return 0;
	if (q->public_value && q->public_value[0] && !list_has(col(st, C_PUBLICS), q->public_value) &&
	    !list_has(col(st, C_PUBLICS), "tous-publics"))
		return 0;
	if (q->mode && q->mode[0] && !list_has(col(st, C_MODES), q->mode))
		return 0;
	int located = c.located = !db_col_null(st, C_LAT) && !db_col_null(st, C_LON);
	if (q->place.has_point && located) {
		c.km = directory_distance_km(q->place.lat, q->place.lon, strtod(col(st, C_LAT), NULL),
					     strtod(col(st, C_LON), NULL));
		if (c.km > q->radius_km)
			return 0;
	} else if (q->place.has_point || q->place.insee[0]) {
		/* No point to measure: kept when in the place's commune or département. */
		if (!(c.near = nearness(s, col(st, C_INSEE))))
			return 0;
	}
	if (!access_ok(s, st))
		return 0;
	if (s->nwords) {
		/* The names first: a service named after the words comes first. */
		unsigned mask = 0, all = (1u << s->nwords) - 1;
		static const int TEXT_COLS[] = {C_NOM, C_STRUCTURE, C_COMMUNE, C_THEMES, C_DESCRIPTION};
		for (size_t i = 0; i < sizeof TEXT_COLS / sizeof TEXT_COLS[0] && mask != all && (i < 2 || !text_done); i++) {
			words_mark(col(st, TEXT_COLS[i]), s->words, s->nwords, &mask, &s->fold);
			if (i == 1)
				c.rank = mask != all;
		}
		if (mask != all && !text_done)
			return 0;
	}
	if ((q->open_now || q->open_day) && !hours_ok(s, col(st, C_HOURS)))
		return 0;
	if (q->person_insee) {
		c.eligible = zone_eligible(col(st, C_ZONE), q->person_insee);
		if (!c.eligible && q->eligible_only)
			return 0;
	}
	if (s->order != ORDER_DISTANCE) {
		buf_reset(&s->fold);
		buf_puts(&s->fold, col(st, C_STRUCTURE));
		buf_putc(&s->fold, ' ');
		buf_puts(&s->fold, col(st, C_NOM));
		struct buf key = BUF_INIT;
		text_fold(buf_cstr(&s->fold), &key);
		c.name = pool_strdup(s->pool, buf_cstr(&key));
		buf_free(&key);
		if (!c.name)
			return -1;
	}
	if (s->n == s->cap) {
		int cap = s->cap ? s->cap * 2 : 256;
		struct cand *bigger = pool_alloc_raw(s->pool, (size_t)cap * sizeof *bigger);
		if (!bigger)
			return -1;
		if (s->n)
			memcpy(bigger, s->c, (size_t)s->n * sizeof *bigger);
		s->c = bigger;
		s->cap = cap;
	}
	s->c[s->n++] = c;
	return 1;
}

/* Runs one candidate query to the end (or the cap); 0, or <0. */
static int scan(struct search *s, struct db_stmt *st, int local, int text_done, int *rows)
{
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == 1) {
		if (rows)
			++*rows;
		if (consider(s, st, local, text_done) < 0) {
			rc = -1;
			break;
		}
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

static int cmp_cand(const void *a, const void *b, enum order order)
{
	const struct cand *x = a, *y = b;
	switch (order) {
	case ORDER_DISTANCE:
		if ((x->km < 0) != (y->km < 0))
			return x->km < 0 ? 1 : -1;
		if (x->km != y->km)
			return x->km < y->km ? -1 : 1;
		if (x->near != y->near)
			return x->near < y->near ? -1 : 1;
		break;
	case ORDER_AREA:
		if (x->near != y->near)
			return x->near < y->near ? -1 : 1;
		break;
	case ORDER_RELEVANCE:
		if (x->rank != y->rank)
			return x->rank - y->rank;
		if (x->local != y->local)
			return x->local ? -1 : 1;
		break;
	case ORDER_NAME:
		break;
	}
	if (x->name && y->name) {
		int c = strcmp(x->name, y->name);
		if (c)
			return c;
	}
	if (x->local != y->local)
		return x->local ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_arg(const void *a, const void *b, void *order)
{
	return cmp_cand(a, b, *(const enum order *)order);
}

static const char *opt_text(struct db_stmt *st, int i, struct pool *pool)
{
	return db_col_null(st, i) || !db_col_text(st, i)[0] ? NULL : pool_strdup(pool, db_col_text(st, i));
}

/* Reads the displayed fields of one hit. */
static int card(struct search *s, struct dir_hit *h)
{
	struct db_stmt *st = h->local ? db_query(s->db, SQL_SRCH_LOCAL_CARD, "ii", h->id, s->by->structure_id)
				       : db_query(s->db, SQL_SRCH_CARD, "i", h->id);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == 1) {
		const char **f[] = {&h->nom, &h->structure_nom, &h->adresse, &h->code_postal, &h->commune,
				    &h->telephone, &h->horaires, &h->frais, &h->modes_accueil, &h->thematiques};
		for (int i = 0; i < (int)(sizeof f / sizeof f[0]); i++)
			*f[i] = opt_text(st, i, s->pool);
	}
	db_done(st);
	return rc < 0 ? -1 : 0;
}

/* The département of a commune code: from the communes, else its first
 * characters (3 overseas). */
static void departement_of(const char *insee, char out[4])
{
	out[0] = '\0';
	if (!insee[0])
		return;
	const struct commune *c = commune_by_insee(insee);
	if (c) {
		cstr_copy(out, 4, c->departement);
		return;
	}
	size_t n = strncmp(insee, "97", 2) == 0 || strncmp(insee, "98", 2) == 0 ? 3 : 2;
	snprintf(out, 4, "%.*s", (int)n, insee);
}

static int national_candidates(struct search *s, int *capped)
{
	const struct dir_query *q = s->q;
	int rows = 0;
	const int limit = DIR_MAX_CANDIDATES + 1;
	char hi[8];
	snprintf(hi, sizeof hi, "%s~", s->dep);
	if (q->place.has_point) {
		enum { MAX_CELLS = 4096 };
		int64_t *cells = pool_alloc_raw(s->pool, MAX_CELLS * sizeof *cells);
		int n = cells ? directory_geo_cells(q->place.lat, q->place.lon, q->radius_km, cells, MAX_CELLS) : -1;
		if (n < 0)
			return -1;
		/* The cells come row by row, columns in order: one range per row. */
		for (int i = 0; i < n;) {
			int j = i;
			while (j + 1 < n && cells[j + 1] == cells[j] + 1)
				j++;
			if (scan(s, db_query(s->db, SQL_SRCH_CELLS, "iii", cells[i], cells[j], s->cat_mask), 0, 0, NULL) < 0)
				return -1;
			i = j + 1;
		}
		if (s->dep[0] && scan(s, db_query(s->db, SQL_SRCH_UNLOCATED, "ssi", s->dep, hi, s->cat_mask), 0, 0, NULL) < 0)
			return -1;
		return 0;
	}
	if (s->nwords) {
		/* Those named after the words, then the others, up to the cap. */
		for (int names = 1; names >= 0 && rows <= DIR_MAX_CANDIDATES; names--) {
			struct buf fq = BUF_INIT;
			fts_words(s->words, s->nwords, &fq);
			int rc = scan(s, db_query(s->db, names ? SQL_SRCH_FTS_NAMES : SQL_SRCH_FTS_ALL, "si", buf_cstr(&fq),
						  (int64_t)(limit - rows)),
				      0, 1, &rows);
			buf_free(&fq);
			if (rc < 0)
				return -1;
		}
	} else if (q->theme && q->theme[0]) {
		char lo[160], top[160];
		directory_theme_range(q->theme, lo, top, sizeof lo);
		if (scan(s, db_query(s->db, SQL_SRCH_THEME, "ssi", lo, top, (int64_t)limit), 0, 0, &rows) < 0)
			return -1;
	} else if (s->dep[0]) {
		if (scan(s, db_query(s->db, SQL_SRCH_AREA, "ssii", s->dep, hi, s->cat_mask, (int64_t)limit), 0, 0, &rows) < 0)
			return -1;
	}
	*capped = rows > DIR_MAX_CANDIDATES;
	return 0;
}

int directory_search(struct db *db, const struct actor *by, const struct dir_query *q, struct pool *pool,
		     struct dir_results *out)
{
	memset(out, 0, sizeof *out);
	struct search s = {.db = db, .by = by, .q = q, .pool = pool, .theme_cat = -1, .fold = BUF_INIT};
	s.nwords = directory_search_words(q->text, s.words, DIR_MAX_WORDS);
	int has_theme = q->theme && q->theme[0];
	if (has_theme) {
		if (strstr(q->theme, "--")) {
			if (directory_term_index(DV_THEME, q->theme) < 0)
				return 0; /* no such sub-thématique: nothing matches */
			s.theme_sub = q->theme;
		} else if ((s.theme_cat = directory_term_index(DV_THEME_CATEGORY, q->theme)) < 0 || s.theme_cat > 62) {
			return 0;
		}
	}
	if (s.theme_cat >= 0) {
		s.cat_mask = (int64_t)1 << s.theme_cat;
	} else if (s.theme_sub) {
		char cat[64];
		snprintf(cat, sizeof cat, "%.*s", (int)(strstr(s.theme_sub, "--") - s.theme_sub), s.theme_sub);
		int bit = directory_term_index(DV_THEME_CATEGORY, cat);
		s.cat_mask = bit >= 0 && bit < 63 ? (int64_t)1 << bit : 0;
	}
		departement_of(q->place.insee, s.dep);
	if (!has_theme && !s.nwords && !q->place.has_point && !s.dep[0]) {
		out->no_criteria = 1;
		out->page = 1;
		return 0;
	}
	s.order = q->place.has_point ? ORDER_DISTANCE : s.dep[0] ? ORDER_AREA : s.nwords ? ORDER_RELEVANCE : ORDER_NAME;
	if (q->open_now || q->open_day) {
		s.hours = pool_alloc_raw(pool, sizeof *s.hours);
		s.cache = pool_alloc(pool, sizeof *s.cache);
		if (!s.hours || !s.cache)
			return -1;
	}
	int rc = national_candidates(&s, &out->capped);
	if (rc == 0 && by->structure_id)
		rc = scan(&s, db_query(db, SQL_SRCH_LOCAL, "i", by->structure_id), 1, 0, NULL);
	u64set_free(&s.seen);
	buf_free(&s.fold);
	if (rc < 0)
		return -1;
	if (s.n > 1)
		qsort_r(s.c, (size_t)s.n, sizeof *s.c, cmp_arg, &s.order);
	out->total = s.n;
	out->pages = (s.n + DIR_PAGE_SIZE - 1) / DIR_PAGE_SIZE;
	out->page = q->page < 1 ? 1 : q->page > out->pages && out->pages ? out->pages : q->page;
	int first = (out->page - 1) * DIR_PAGE_SIZE;
	int n = s.n - first < DIR_PAGE_SIZE ? s.n - first : DIR_PAGE_SIZE;
	if (n <= 0)
		return 0;
	out->hits = pool_alloc(pool, (size_t)n * sizeof *out->hits);
	if (!out->hits)
		return -1;
	for (int i = 0; i < n; i++) {
		const struct cand *c = &s.c[first + i];
		struct dir_hit *h = &out->hits[i];
		*h = (struct dir_hit){.id = c->id, .local = c->local, .km = c->km, .near = c->near, .eligible = c->eligible,
				      .located = c->located};
		if (card(&s, h) < 0)
			return -1;
	}
	out->n = n;
	return 0;
}

/* ---- places ------------------------------------------------------------------ */

int directory_commune_point(struct db *db, const char *insee, double *lat, double *lon)
{
	struct db_stmt *st = db_query(db, SQL_SRCH_COMMUNE_POINT, "s", insee);
	if (!st)
		return -1;
	int rc = db_step(st);
	int found = rc == 1 && db_col_int(st, 0) > 0;
	if (found) {
		*lat = strtod(db_col_text(st, 1), NULL);
		*lon = strtod(db_col_text(st, 2), NULL);
	}
	db_done(st);
	return rc < 0 ? -1 : found;
}

int directory_place_commune(struct db *db, const char *insee, struct dir_place *out)
{
	memset(out, 0, sizeof *out);
	if (!insee || !commune_by_insee(insee))
		return 0;
	cstr_copy(out->insee, sizeof out->insee, insee);
	int rc = directory_commune_point(db, insee, &out->lat, &out->lon);
	if (rc < 0)
		return -1;
	out->has_point = rc;
	return 1;
}

/* ---- settings ------------------------------------------------------------------ */

int directory_settings_get(struct db *db, int64_t structure_id, struct directory_settings *out)
{
	memset(out, 0, sizeof *out);
	out->reminder_days = 15;
	struct db_stmt *st = db_query(db, SQL_DIR_SETTINGS_GET, "i", structure_id);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == 1) {
		cstr_copy(out->commune_insee, sizeof out->commune_insee, db_col_text(st, 0));
		out->has_point = !db_col_null(st, 1) && !db_col_null(st, 2);
		if (out->has_point) {
			out->lat = strtod(db_col_text(st, 1), NULL);
			out->lon = strtod(db_col_text(st, 2), NULL);
		}
		out->reminder_days = (int)db_col_int(st, 3);
	}
	db_done(st);
	return rc < 0 ? -1 : 0;
}

static int number_in(const char *s, double lo, double hi, double *out)
{
	char buf[40];
	if (cstr_copy(buf, sizeof buf, s) < 0)
		return 0;
	for (char *p = buf; *p; p++)
		if (*p == ',')
			*p = '.'; /* "50,69" as French people write it */
	char *end;
	double d = strtod(buf, &end);
	if (end == buf || *end || !isfinite(d) || d < lo || d > hi)
		return 0;
	*out = d;
	return 1;
}

/* A commune typed as "59100", "Roubaix", "59100 Roubaix" or an INSEE code.
 * 1 and the commune, 0 unknown, 2 several. */
static int commune_typed(const char *typed, const struct commune **out)
{
	char postal[6] = "", name[200];
	while (*typed == ' ')
		typed++;
	size_t digits = strspn(typed, "0123456789");
	const char *rest = typed;
	if (digits == 5) {
		memcpy(postal, typed, 5);
		rest = typed + 5;
	}
	while (*rest == ' ')
		rest++;
	cstr_copy(name, sizeof name, rest);
	int rc = commune_resolve(postal[0] ? postal : NULL, name[0] ? name : NULL, out);
	if (rc == 0 && !name[0] && strlen(typed) == 5 && (*out = commune_by_insee(typed)))
		rc = 1;
	return rc;
}

int directory_settings_save(struct db *db, const struct actor *by, const char *commune, const char *lat,
			    const char *lon, const char *reminder_days,
			    void (*on_error)(void *arg, const char *field, const char *msg), void *arg)
{
	int bad = 0;
	const struct commune *c = NULL;
	if (commune && commune[0]) {
		int rc = commune_typed(commune, &c);
		if (rc == 0)
			on_error(arg, "commune", "Commune inconnue : écrivez son code postal, son nom, ou les deux."), bad = 1;
		else if (rc == 2)
			on_error(arg, "commune", "Plusieurs communes portent ce nom : ajoutez le code postal."), bad = 1;
	}
	double la = 0, lo = 0;
	int has_lat = lat && lat[0], has_lon = lon && lon[0];
	if (has_lat != has_lon) {
		on_error(arg, has_lat ? "longitude" : "latitude", "Indiquez la latitude et la longitude, ou aucune des deux.");
		bad = 1;
	} else if (has_lat) {
		if (!number_in(lat, -90, 90, &la))
			on_error(arg, "latitude", "Une latitude est un nombre entre -90 et 90, par exemple 50,6942."), bad = 1;
		if (!number_in(lon, -180, 180, &lo))
			on_error(arg, "longitude", "Une longitude est un nombre entre -180 et 180, par exemple 3,1746."), bad = 1;
	}
	int64_t days = 15;
	if (reminder_days && reminder_days[0] && str_to_i64(str_from(reminder_days), 1, 365, &days) < 0)
		on_error(arg, "reminder_days", "Un nombre de jours entre 1 et 365."), bad = 1;
	if (bad)
		return -1;
	char slat[32], slon[32];
	snprintf(slat, sizeof slat, "%.7f", la);
	snprintf(slon, sizeof slon, "%.7f", lo);
	if (db_begin(db) < 0)
		goto fail;
	if (db_exec(db, SQL_DIR_SETTINGS_SET, "isssiii", by->structure_id, c ? c->insee : "", has_lat ? slat : NULL,
		    has_lat ? slon : NULL, days, by->user_id, clock_now()) < 0 ||
	    audit_log(db, by, "directory.settings", "structure", by->structure_id, c ? c->insee : NULL) < 0 ||
	    db_commit(db) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	on_error(arg, "commune", "Enregistrement impossible : réessayez.");
	return -1;
}

int directory_place_structure(struct db *db, int64_t structure_id, struct dir_place *out)
{
	struct directory_settings set;
	memset(out, 0, sizeof *out);
	if (directory_settings_get(db, structure_id, &set) < 0)
		return -1;
	if (set.commune_insee[0] && directory_place_commune(db, set.commune_insee, out) < 0)
		return -1;
	if (set.has_point) {
		out->has_point = 1;
		out->lat = set.lat;
		out->lon = set.lon;
	}
	return out->has_point || out->insee[0];
}

/* ---- the structure's partners ---------------------------------------------------- */

int directory_partners_list(struct db *db, const struct actor *by,
			    void (*fn)(void *arg, const struct dir_partner_row *r), void *arg)
{
	struct db_stmt *st = db_query(db, SQL_DIR_PARTNERS_LIST, "i", by->structure_id);
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == 1) {
		struct dir_partner_row r = {db_col_int(st, 0), db_col_text(st, 1), db_col_text(st, 2),
					    (int)db_col_int(st, 3), (int)db_col_int(st, 4)};
		fn(arg, &r);
	}
	db_done(st);
	return rc < 0 ? -1 : 0;
}

int directory_local_services_list(struct db *db, const struct actor *by,
				  void (*fn)(void *arg, const struct dir_local_row *r), void *arg)
{
	struct db_stmt *st = db_query(db, SQL_DIR_LOCALS_LIST, "i", by->structure_id);
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == 1) {
		struct dir_local_row r = {db_col_int(st, 0), db_col_int(st, 1), db_col_text(st, 2), db_col_text(st, 3),
					  (int)db_col_int(st, 4)};
		fn(arg, &r);
	}
	db_done(st);
	return rc < 0 ? -1 : 0;
}

int directory_partner_get(struct db *db, const struct actor *by, int64_t id, struct pool *pool, struct dir_record *r,
			  int *version, int *active)
{
	memset(r, 0, sizeof *r);
	r->kind = DIR_STRUCTURE;
	struct db_stmt *st = db_query(db, SQL_DIR_LOCAL_STRUCTURE_GET, "ii", id, by->structure_id);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == 1) {
		int k = DTF_LOCAL_END - DTF_LOCAL_FIRST;
		for (int i = DTF_LOCAL_FIRST; i < DTF_LOCAL_END; i++)
			r->v[i] = db_col_null(st, i - DTF_LOCAL_FIRST) ? NULL
								      : pool_strdup(pool, db_col_text(st, i - DTF_LOCAL_FIRST));
		*version = (int)db_col_int(st, k);
		*active = (int)db_col_int(st, k + 1);
	}
	db_done(st);
	return rc;
}

int directory_local_service_active(struct db *db, const struct actor *by, int64_t id)
{
	struct db_stmt *st = db_query(db, SQL_DIR_LOCAL_SERVICE_GET, "ii", id, by->structure_id);
	if (!st)
		return -1;
	int rc = db_step(st);
	int active = rc == 1 ? (int)db_col_int(st, DSF_LOCAL_END - DSF_LOCAL_FIRST + 2) : 0;
	db_done(st);
	return rc < 0 ? -1 : active;
}
