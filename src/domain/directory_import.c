/*
 * lien import services: national files into the directory.
 *
 * JSON is read one record at a time: the top-level array (or the arrays
 * under "structures" and "services") is walked here, and each element
 * is parsed by cJSON on its own (cJSON_ParseWithLengthOpts tells where it
 * ended), so a national file never becomes one tree in memory. cJSON
 * rather than jansson: it parses the national file about 3.5 times
 * faster, which is most of the import's budget.
 * A lieu de médiation numérique is checked against its own schema (1.x,
 * or 0.1 whose values are first translated with data/lmn-0.1-to-1.csv),
 * then mapped to one data·inclusion structure and one service as
 * data·inclusion maps it (data/lmn-to-di-v1.csv), and both are checked
 * against data·inclusion's rules like any other record.
 */
#include "core/csv.h"
#include "core/embedded.h"
#include "core/log.h"
#include "core/clock.h"
#include "core/u64set.h"
#include "db/queries.h"
#include "domain/directory.h"
#include "domain/directory_int.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- reference tables of the lieux schema ------------------------------ */

/* Rows of up to 4 strings, sorted by their first two for lookups. */
struct table {
	const char *(*rows)[4];
	size_t n;
};

static struct table lmn_vocab;  /* "1.0:services", value */
static struct table lmn_map;    /* lmn_field, lmn_value, di_field, di_value */
static struct table lmn_old;    /* field 0.1, value 0.1, field 1.x, value 1.x */
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static int cmp_row(const void *a, const void *b)
{
	const char *const *x = a, *const *y = b;
	int c = strcmp(x[0], y[0]);
	return c ? c : strcmp(x[1], y[1]);
}

static char *keep(const char *s)
{
	char *d = strdup(s);
	if (!d)
		abort();
	return d;
}

/* Loads an embedded CSV; with prefix_cols = 2 the first two columns are
 * joined "a:b" into the first key (the vocabulary's version and field). */
static void table_load(struct table *t, const char *name, int joined_key)
{
	const struct embedded_file *f = embedded_find(name);
	if (!f) {
		log_error("%s is not embedded", name);
		return;
	}
	struct csv_reader r;
	struct buf err = BUF_INIT;
	size_t cap = 0;
	csv_init(&r, (const char *)f->data, f->size, ',');
	csv_next(&r, &err);
	while (csv_next(&r, &err) == 1) {
		if (t->n == cap) {
			cap = cap ? cap * 2 : 64;
			t->rows = realloc(t->rows, cap * sizeof *t->rows);
			if (!t->rows)
				abort();
		}
		const char **row = t->rows[t->n];
		if (joined_key) {
			char key[160];
			snprintf(key, sizeof key, "%s:%s", csv_field(&r, 0), csv_field(&r, 1));
			row[0] = keep(key);
			row[1] = keep(csv_field(&r, 2));
			row[2] = row[3] = "";
		} else {
			/* The mapping's rules on whole fields ("*", "(constant)") are
			 * in the code below; only value-to-value rows are kept. */
			if (strcmp(csv_field(&r, 1), "*") == 0 || csv_field(&r, 0)[0] == '(')
				continue;
			for (int i = 0; i < 4; i++)
				row[i] = keep(csv_field(&r, i));
		}
		t->n++;
	}
	csv_free(&r);
	buf_free(&err);
	qsort(t->rows, t->n, sizeof *t->rows, cmp_row);
}

static void tables_load(void)
{
	table_load(&lmn_vocab, "data/lmn-vocabulaires.csv", 1);
	table_load(&lmn_map, "data/lmn-to-di-v1.csv", 0);
	table_load(&lmn_old, "data/lmn-0.1-to-1.csv", 0);
}

/* The rows whose first two columns are (a, b): *first and the count. */
static size_t table_find(const struct table *t, const char *a, const char *b, size_t *first)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(t->rows[mid][0], a);
		if (!c)
			c = strcmp(t->rows[mid][1], b);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t n = 0;
	while (lo + n < t->n && strcmp(t->rows[lo + n][0], a) == 0 && strcmp(t->rows[lo + n][1], b) == 0)
		n++;
	*first = lo;
	return n;
}

/* ---- a lieu de médiation numérique -------------------------------------- */

enum lmn_field {
	LF_ID, LF_PIVOT, LF_NOM, LF_COMMUNE, LF_CODE_POSTAL, LF_CODE_INSEE, LF_ADRESSE, LF_COMPLEMENT_ADRESSE,
	LF_LATITUDE, LF_LONGITUDE, LF_TYPOLOGIE, LF_TELEPHONE, LF_COURRIELS, LF_SITE_WEB, LF_HORAIRES,
	LF_PRESENTATION_RESUME, LF_PRESENTATION_DETAIL, LF_SOURCE, LF_ITINERANCE, LF_STRUCTURE_PARENTE, LF_DATE_MAJ,
	LF_SERVICES, LF_PUBLICS_SPECIFIQUEMENT_ADRESSES, LF_PRISE_EN_CHARGE_SPECIFIQUE, LF_FRAIS_A_CHARGE,
	LF_DISPOSITIFS, LF_FORMATIONS_LABELS, LF_AUTRES_FORMATIONS_LABELS, LF_MODALITES_ACCES,
	LF_MODALITES_ACCOMPAGNEMENT, LF_FICHE_ACCES_LIBRE, LF_PRISE_RDV,
	/* 0.1 only */
	LF_CLE_BAN, LF_PUBLICS_ACCUEILLIS, LF_CONDITIONS_ACCES, LF_LABELS_NATIONAUX,
	LF_COUNT
};

/* Column names, with the 0.1 spellings and those of the Cartographie's JSON. */
static const struct {
	const char *name;
	enum lmn_field field;
} LMN_NAMES[] = {
	{"id", LF_ID}, {"pivot", LF_PIVOT}, {"nom", LF_NOM}, {"commune", LF_COMMUNE}, {"code_postal", LF_CODE_POSTAL},
	{"code_insee", LF_CODE_INSEE}, {"adresse", LF_ADRESSE}, {"complement_adresse", LF_COMPLEMENT_ADRESSE},
	{"latitude", LF_LATITUDE}, {"longitude", LF_LONGITUDE}, {"typologie", LF_TYPOLOGIE},
	{"telephone", LF_TELEPHONE}, {"courriels", LF_COURRIELS}, {"courriel", LF_COURRIELS},
	{"site_web", LF_SITE_WEB}, {"horaires", LF_HORAIRES}, {"presentation_resume", LF_PRESENTATION_RESUME},
	{"presentation_detail", LF_PRESENTATION_DETAIL}, {"source", LF_SOURCE}, {"itinerance", LF_ITINERANCE},
	{"structure_parente", LF_STRUCTURE_PARENTE}, {"date_maj", LF_DATE_MAJ}, {"services", LF_SERVICES},
	{"publics_specifiquement_adresses", LF_PUBLICS_SPECIFIQUEMENT_ADRESSES},
	{"prise_en_charge_specifique", LF_PRISE_EN_CHARGE_SPECIFIQUE}, {"frais_a_charge", LF_FRAIS_A_CHARGE},
	{"dispositif_programmes_nationaux", LF_DISPOSITIFS}, {"formations_labels", LF_FORMATIONS_LABELS},
	{"autres_formations_labels", LF_AUTRES_FORMATIONS_LABELS}, {"labels_autres", LF_AUTRES_FORMATIONS_LABELS},
	{"modalites_acces", LF_MODALITES_ACCES}, {"modalites_accompagnement", LF_MODALITES_ACCOMPAGNEMENT},
	{"fiche_acces_libre", LF_FICHE_ACCES_LIBRE}, {"accessibilite", LF_FICHE_ACCES_LIBRE},
	{"prise_rdv", LF_PRISE_RDV}, {"cle_ban", LF_CLE_BAN}, {"publics_accueillis", LF_PUBLICS_ACCUEILLIS},
	{"conditions_acces", LF_CONDITIONS_ACCES}, {"labels_nationaux", LF_LABELS_NATIONAUX},
};

static const char *const LF_NAME[LF_COUNT] = {
	"id", "pivot", "nom", "commune", "code_postal", "code_insee", "adresse", "complement_adresse", "latitude",
	"longitude", "typologie", "telephone", "courriels", "site_web", "horaires", "presentation_resume",
	"presentation_detail", "source", "itinerance", "structure_parente", "date_maj", "services",
	"publics_specifiquement_adresses", "prise_en_charge_specifique", "frais_a_charge",
	"dispositif_programmes_nationaux", "formations_labels", "autres_formations_labels", "modalites_acces",
	"modalites_accompagnement", "fiche_acces_libre", "prise_rdv", "cle_ban", "publics_accueillis",
	"conditions_acces", "labels_nationaux",
};

static int lmn_field_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof LMN_NAMES / sizeof LMN_NAMES[0]; i++)
		if (strcmp(LMN_NAMES[i].name, name) == 0)
			return (int)LMN_NAMES[i].field;
	return -1;
}

struct lieu {
	const char *v[LF_COUNT];
	int v01;  /* schema 0.1: ';' between values, old lists */
};

/* ---- the import in progress ------------------------------------------- */

struct source_slot {
	char *name;
	int64_t id;          /* 0 until the first record is written */
	int fresh;           /* created by this import: nothing of it to look up */
	int touched;
};

/* The structures written by this import, for their services: row, name
 * and point without a query. Open addressing on key_hash(). */
struct scache_entry {
	uint64_t key;
	int64_t id;
	char *nom, *lat, *lon;
};

struct scache {
	struct scache_entry *slots;
	size_t cap, n;
};

static struct scache_entry *scache_find(const struct scache *c, uint64_t key)
{
	if (!c->cap)
		return NULL;
	for (size_t i = key & (c->cap - 1);; i = (i + 1) & (c->cap - 1)) {
		if (c->slots[i].key == key)
			return &c->slots[i];
		if (!c->slots[i].key)
			return NULL;
	}
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void scache_entry_free(struct scache_entry *e)
{
	free(e->nom);
	free(e->lat);
	free(e->lon);
}

static int scache_put(struct scache *c, uint64_t key, int64_t id, const char *nom, const char *lat, const char *lon)
{
	if ((c->n + 1) * 2 > c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 1024;
		struct scache_entry *slots = calloc(cap, sizeof *slots);
		if (!slots)
			return -1;
		for (size_t i = 0; i < c->cap; i++)
			if (c->slots[i].key) {
				size_t k = c->slots[i].key & (cap - 1);
				while (slots[k].key)
					k = (k + 1) & (cap - 1);
				slots[k] = c->slots[i];
			}
		free(c->slots);
		c->slots = slots;
		c->cap = cap;
	}
	struct scache_entry *e = scache_find(c, key);
	if (e) {
		scache_entry_free(e);
	} else {
		size_t k = key & (c->cap - 1);
		while (c->slots[k].key)
			k = (k + 1) & (c->cap - 1);
		e = &c->slots[k];
		c->n++;
	}
	*e = (struct scache_entry){key, id, dup_or_null(nom), dup_or_null(lat), dup_or_null(lon)};
	return 0;
}

static void scache_free(struct scache *c)
{
	for (size_t i = 0; i < c->cap; i++)
		if (c->slots[i].key)
			scache_entry_free(&c->slots[i]);
	free(c->slots);
}

struct imp {
	struct db *db;
	const struct directory_import_options *opt;
	struct directory_import_result *res;
	directory_report_fn report;
	void *arg;
	int64_t now;
	char default_source[128];
	struct source_slot *sources;
	size_t nsources, last_source;
	struct u64set seen_structures, seen_services, rejected_structures;
	struct scache structures;
	size_t *deferred;     /* offsets of services met before their structure */
	size_t ndeferred, cap_deferred;
	int final_pass;
	int64_t fts_from;     /* first service created: themes and full text added at the end */
	int fatal;
	struct buf reason;    /* the current record's problems */
	int problems;
};

/* Problems of the current record, joined into one reason. */
static void problem(void *arg, const char *field, const char *msg)
{
	struct imp *im = arg;
	buf_appendf(&im->reason, "%s%s%s%s", im->problems ? " ; " : "", field ? field : "", field ? " : " : "", msg);
	im->problems++;
}

static void problemf(struct imp *im, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void problemf(struct imp *im, const char *field, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	problem(im, field, msg);
}

/* Which record a message is about, formatted only when there is one:
 * its id (and its kind in data·inclusion files, where a structure and its
 * service often share it), its line in a CSV file, or its rank. */
struct rec_label {
	const char *id;
	const char *kind;
	int index, line;
};

static const char *label_text(const struct rec_label *l, char *out, size_t n)
{
	char where[48] = "";
	if (l->line)
		snprintf(where, sizeof where, "ligne %d", l->line);
	else if (l->kind)
		snprintf(where, sizeof where, "%s", l->kind);
	if (l->id && l->id[0])
		snprintf(out, n, where[0] ? "%s (%s)" : "%s%s", l->id, where);
	else if (where[0] && l->line)
		snprintf(out, n, "%s", where);
	else
		snprintf(out, n, where[0] ? "n°%d (%s)" : "n°%d%s", l->index, where);
	return out;
}

static void reject(struct imp *im, const struct rec_label *label)
{
	char text[300];
	im->report(im->arg, label_text(label, text, sizeof text), buf_cstr(&im->reason));
	im->res->rejected++;
}

static void warn(struct imp *im, const struct rec_label *label, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void warn(struct imp *im, const struct rec_label *label, const char *fmt, ...)
{
	char msg[500], text[300];
	int n = snprintf(msg, sizeof msg, "avertissement : ");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
	va_end(ap);
	im->report(im->arg, label_text(label, text, sizeof text), msg);
	im->res->warnings++;
}

static void fatal(struct imp *im, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fatal(struct imp *im, const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (!im->fatal)
		im->report(im->arg, NULL, msg);
	im->fatal = 1;
}

static void db_fatal(struct imp *im)
{
	fatal(im, "erreur de la base de données : %s", db_errmsg(im->db));
}

static uint64_t key_hash(const char *source, char kind, const char *key)
{
	uint64_t h = 1469598103934665603ULL;
	for (const char *p = source; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h = (h ^ (unsigned char)kind) * 1099511628211ULL;
	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return h ? h : 1;
}

/* The slot of a source name, looked up in the database the first time. */
static struct source_slot *source_slot(struct imp *im, const char *name)
{
	if (im->nsources && strcmp(im->sources[im->last_source].name, name) == 0)
		return &im->sources[im->last_source];
	for (size_t i = 0; i < im->nsources; i++)
		if (strcmp(im->sources[i].name, name) == 0) {
			im->last_source = i;
			return &im->sources[i];
		}
	struct source_slot *grown = realloc(im->sources, (im->nsources + 1) * sizeof *grown);
	if (!grown) {
		fatal(im, "mémoire insuffisante");
		return NULL;
	}
	im->sources = grown;
	struct source_slot *s = &im->sources[im->nsources];
	memset(s, 0, sizeof *s);
	s->name = strdup(name);
	if (!s->name) {
		fatal(im, "mémoire insuffisante");
		return NULL;
	}
	if (db_get_int(im->db, SQL_DIR_SOURCE_FIND, &s->id, "s", name) < 0) {
		free(s->name);
		db_fatal(im);
		return NULL;
	}
	im->last_source = im->nsources++;
	return s;
}

static int source_create(struct imp *im, struct source_slot *s)
{
	if (s->id)
		return 0;
	const struct directory_import_options *o = im->opt;
	if (db_exec(im->db, SQL_DIR_SOURCE_ADD, "sssssssi", s->name, directory_shape_label(im->res->shape),
		    o->attribution ? o->attribution : s->name, o->licence ? o->licence : "", o->url ? o->url : "",
		    o->file_name ? o->file_name : "", "", im->now) < 0) {
		db_fatal(im);
		return -1;
	}
	s->id = db_last_id(im->db);
	s->fresh = 1;
	im->res->sources_created++;
	return 0;
}

/* At the end: the sources whose records changed get the date of their
 * newest record and the time of this import; attribution, licence and
 * URL given on the command line replace the stored ones. */
static int sources_finish(struct imp *im)
{
	const struct directory_import_options *o = im->opt;
	for (size_t i = 0; i < im->nsources; i++) {
		struct source_slot *s = &im->sources[i];
		if (!s->id)
			continue;
		struct db_stmt *st = db_query(im->db, SQL_DIR_SOURCE_GET, "i", s->id);
		if (!st || db_step(st) != 1) {
			db_done(st);
			db_fatal(im);
			return -1;
		}
		char shape[64], attribution[1000], licence[300], url[600], file_name[300], date[11];
		cstr_copy(shape, sizeof shape, db_col_text(st, 1));
		cstr_copy(attribution, sizeof attribution, o->attribution ? o->attribution : db_col_text(st, 2));
		cstr_copy(licence, sizeof licence, o->licence ? o->licence : db_col_text(st, 3));
		cstr_copy(url, sizeof url, o->url ? o->url : db_col_text(st, 4));
		cstr_copy(file_name, sizeof file_name, db_col_text(st, 5));
		cstr_copy(date, sizeof date, db_col_text(st, 6));
		int differs = strcmp(attribution, db_col_text(st, 2)) || strcmp(licence, db_col_text(st, 3)) ||
			      strcmp(url, db_col_text(st, 4));
		db_done(st);
		if (!s->touched && !differs)
			continue;
		if (s->touched) {
			/* The date of a source is that of its newest record. */
			cstr_copy(shape, sizeof shape, directory_shape_label(im->res->shape));
			if (o->file_name)
				cstr_copy(file_name, sizeof file_name, o->file_name);
			st = db_query(im->db, SQL_DIR_SOURCE_NEWEST, "i", s->id);
			if (!st || db_step(st) < 0) {
				db_done(st);
				db_fatal(im);
				return -1;
			}
			cstr_copy(date, sizeof date, db_col_text(st, 0));
			db_done(st);
		}
		if (db_exec(im->db, SQL_DIR_SOURCE_SET, "issssssi", s->id, shape, attribution, licence, url, file_name,
			    date, im->now) < 0) {
			db_fatal(im);
			return -1;
		}
	}
	return 0;
}

/* ---- writing ------------------------------------------------------------- */

enum outcome { CREATED, UPDATED, UNCHANGED };

struct structure_row {
	int64_t id;
	const char *nom, *lat, *lon;
};

/* Parameters are NULL until bound (db_prepare clears them): binding only
 * the values present halves the work on sparse records. */
static int bind_record(struct db_stmt *st, int param0, const struct dir_record *r, int n)
{
	for (int i = 0; i < n; i++)
		if (r->v[i] && db_bind_text(st, param0 + i, r->v[i]) < 0)
			return -1;
	return 0;
}

static int upsert_structure(struct imp *im, struct source_slot *src, const struct dir_record *s,
			    struct structure_row *row, struct pool *pool)
{
	int64_t hash = dir_record_hash(s, 0, DTF_COUNT), old_hash = 0;
	int found = 0;
	const char *old_nom = NULL, *old_lat = NULL, *old_lon = NULL;
	if (src->id && !src->fresh) {
		struct db_stmt *st = db_query(im->db, SQL_DIR_STRUCTURE_FIND, "is", src->id, s->v[DTF_ID]);
		if (!st)
			goto db;
		int rc = db_step(st);
		if (rc == 1) {
			found = 1;
			row->id = db_col_int(st, 0);
			old_hash = db_col_int(st, 1);
			if (old_hash != hash) {
				old_nom = pool_strdup(pool, db_col_text(st, 2));
				old_lat = pool_strdup(pool, db_col_text(st, 3));
				old_lon = pool_strdup(pool, db_col_text(st, 4));
			}
		}
		db_done(st);
		if (rc < 0)
			goto db;
	}
	row->nom = s->v[DTF_NOM];
	row->lat = s->v[DTF_LATITUDE];
	row->lon = s->v[DTF_LONGITUDE];
	if (found && old_hash == hash) {
		im->res->structures_unchanged++;
		return UNCHANGED;
	}
	if (!found && source_create(im, src) < 0)
		return -1;
	struct db_stmt *st = db_prepare(im->db, found ? SQL_DIR_STRUCTURE_UPDATE : SQL_DIR_STRUCTURE_INSERT);
	if (!st || db_bind_int(st, 1, found ? row->id : src->id) < 0 || bind_record(st, 2, s, DTF_COUNT) < 0 ||
	    db_bind_int(st, DTF_COUNT + 2, hash) < 0 || db_bind_int(st, DTF_COUNT + 3, im->now) < 0)
		goto db;
	int rc = db_step(st);
	db_done(st);
	if (rc < 0)
		goto db;
	src->touched = 1;
	if (!found) {
		row->id = db_last_id(im->db);
		im->res->structures_created++;
		return CREATED;
	}
	im->res->structures_updated++;
	/* Its services' full text carries its name. */
	if (strcmp(old_nom, s->v[DTF_NOM]) != 0 && dir_rename_structure(im->db, 0, row->id, s->v[DTF_NOM], im->fts_from ? im->fts_from : INT64_MAX) < 0)
		goto db;
	/* Services without a point of their own are placed at the structure's. */
	if (strcmp(old_lat, s->v[DTF_LATITUDE] ? s->v[DTF_LATITUDE] : "") != 0 ||
	    strcmp(old_lon, s->v[DTF_LONGITUDE] ? s->v[DTF_LONGITUDE] : "") != 0) {
		double lat, lon;
		int has = dir_service_point(NULL, NULL, s->v[DTF_LATITUDE], s->v[DTF_LONGITUDE], &lat, &lon);
		char slat[32], slon[32];
		snprintf(slat, sizeof slat, "%.7f", lat);
		snprintf(slon, sizeof slon, "%.7f", lon);
		st = db_prepare(im->db, SQL_DIR_SERVICES_REGEO);
		if (!st || db_bind_int(st, 1, row->id) < 0 || db_bind_text(st, 2, has ? slat : NULL) < 0 ||
		    db_bind_text(st, 3, has ? slon : NULL) < 0 ||
		    (has ? db_bind_int(st, 4, directory_geo_cell(lat, lon)) : db_bind_text(st, 4, NULL)) < 0)
			goto db;
		rc = db_step(st);
		db_done(st);
		if (rc < 0)
			goto db;
	}
	return UPDATED;
db:
	db_fatal(im);
	return -1;
}

static int upsert_service(struct imp *im, struct source_slot *src, const struct dir_record *v,
			  const struct structure_row *structure, struct pool *pool)
{
	int64_t hash = dir_record_hash(v, 0, DSF_COUNT), id = 0, old_hash = 0;
	int found = 0;
	const char *old_themes = NULL;
	if (src->id && !src->fresh) {
		struct db_stmt *st = db_query(im->db, SQL_DIR_SERVICE_FIND, "is", src->id, v->v[DSF_ID]);
		if (!st)
			goto db;
		int rc = db_step(st);
		if (rc == 1) {
			found = 1;
			id = db_col_int(st, 0);
			old_hash = db_col_int(st, 1);
			if (old_hash != hash)
				old_themes = pool_strdup(pool, db_col_text(st, 2));
		}
		db_done(st);
		if (rc < 0)
			goto db;
	}
	/* A service moved under another structure has another structure_id,
	 * hence another hash. */
	if (found && old_hash == hash) {
		im->res->services_unchanged++;
		return UNCHANGED;
	}
	if (!found && source_create(im, src) < 0)
		return -1;
	double lat = 0, lon = 0;
	int has = dir_service_point(v->v[DSF_LATITUDE], v->v[DSF_LONGITUDE], structure->lat, structure->lon, &lat, &lon);
	char slat[32], slon[32];
	snprintf(slat, sizeof slat, "%.7f", lat);
	snprintf(slon, sizeof slon, "%.7f", lon);
	if (found && dir_fts_delete(im->db, 0, id) < 0)
		goto db;
	struct db_stmt *st = db_prepare(im->db, found ? SQL_DIR_SERVICE_UPDATE : SQL_DIR_SERVICE_INSERT);
	int p = DSF_COUNT + 3;
	if (!st || db_bind_int(st, 1, found ? id : src->id) < 0 || db_bind_int(st, 2, structure->id) < 0 ||
	    bind_record(st, 3, v, DSF_COUNT) < 0 || db_bind_int(st, p, dir_theme_cats(v->v[DSF_THEMATIQUES])) < 0 ||
	    db_bind_text(st, p + 1, has ? slat : NULL) < 0 || db_bind_text(st, p + 2, has ? slon : NULL) < 0 ||
	    (has ? db_bind_int(st, p + 3, directory_geo_cell(lat, lon)) : db_bind_text(st, p + 3, NULL)) < 0 ||
	    db_bind_text(st, p + 4, structure->nom) < 0 || db_bind_int(st, p + 5, hash) < 0 ||
	    db_bind_int(st, p + 6, im->now) < 0)
		goto db;
	int rc = db_step(st);
	db_done(st);
	if (rc < 0)
		goto db;
	if (!found) {
		id = db_last_id(im->db);
		if (!im->fts_from)
			im->fts_from = id;
	}
	/* New services get their themes rows and full text all at once at the
	 * end (one statement each: a fraction of the cost row by row). */
	if (found && (dir_themes_write(im->db, 0, 0, id, v->v[DSF_THEMATIQUES], old_themes, 1) < 0 ||
		      dir_fts_add(im->db, 0, id) < 0))
		goto db;
	src->touched = 1;
	if (found)
		im->res->services_updated++;
	else
		im->res->services_created++;
	return found ? UPDATED : CREATED;
db:
	db_fatal(im);
	return -1;
}

/* ---- data·inclusion records ------------------------------------------------ */

/* A string as is, a number in C notation ("45.952791", "16140"). */
static const char *json_text(const cJSON *j, struct pool *pool)
{
	if (cJSON_IsString(j))
		return j->valuestring; /* lives as long as the record's tree */
	if (cJSON_IsNumber(j))
		return pool_printf(pool, "%.15g", j->valuedouble);
	return NULL;
}

/* One data·inclusion field from JSON into text (see struct dir_record). */
static void di_field(struct imp *im, const struct dir_field *f, const cJSON *j, const char **out, struct pool *pool)
{
	*out = NULL;
	if (!j || cJSON_IsNull(j))
		return;
	switch (f->kind) {
	case DK_LIST:
	case DK_ZONE: {
		if (!cJSON_IsArray(j)) {
			problem(im, f->name, "une liste est attendue");
			return;
		}
		if (!j->child) {
			if (f->flags & DF_MIN_ONE)
				problem(im, f->name, "au moins une valeur");
			return;
		}
		struct buf b = BUF_INIT;
		const cJSON *item;
		cJSON_ArrayForEach(item, j)
		{
			if (!cJSON_IsString(item) || strchr(item->valuestring, '|')) {
				problem(im, f->name, "chaque valeur doit être un texte (sans « | »)");
				buf_free(&b);
				return;
			}
			if (b.len)
				buf_putc(&b, '|');
			buf_puts(&b, item->valuestring);
		}
		*out = pool_strdup(pool, buf_cstr(&b));
		buf_free(&b);
		return;
	}
	case DK_LATITUDE:
	case DK_LONGITUDE:
	case DK_NUMBER_MIN0:
		if (!cJSON_IsNumber(j)) {
			problem(im, f->name, "un nombre est attendu");
			return;
		}
		*out = json_text(j, pool);
		return;
	case DK_COUNT_MIN1:
		if (cJSON_IsNumber(j) && j->valuedouble == floor(j->valuedouble) && fabs(j->valuedouble) < 1e15)
			*out = pool_printf(pool, "%lld", (long long)j->valuedouble);
		else
			problem(im, f->name, "un nombre entier est attendu");
		return;
	default:
		if (!cJSON_IsString(j)) {
			problem(im, f->name, "un texte est attendu");
			return;
		}
		*out = json_text(j, pool);
		return;
	}
}

/* data·inclusion field names, sorted, for one pass over a record's members. */
struct field_key {
	const char *name;
	int index;
};
static struct field_key keys[2][DIR_MAX_FIELDS];
static int nkeys[2];
static pthread_once_t keys_once = PTHREAD_ONCE_INIT;

static int cmp_field_key(const void *a, const void *b)
{
	return strcmp(((const struct field_key *)a)->name, ((const struct field_key *)b)->name);
}

static void keys_load(void)
{
	for (int k = 0; k < 2; k++) {
		int count;
		const struct dir_field *fields = directory_fields(k ? DIR_SERVICE : DIR_STRUCTURE, &count);
		for (int i = 0; i < count; i++)
			if (!(fields[i].flags & DF_LMN))
				keys[k][nkeys[k]++] = (struct field_key){fields[i].name, i};
		qsort(keys[k], (size_t)nkeys[k], sizeof keys[k][0], cmp_field_key);
	}
}

/* Every member of a record that is a data·inclusion field (the first of
 * two with the same name; unknown members are ignored, as the schema
 * allows). */
static void di_fields(struct imp *im, const cJSON *o, struct dir_record *r, struct pool *pool)
{
	pthread_once(&keys_once, keys_load);
	int k = r->kind == DIR_SERVICE, count;
	const struct dir_field *fields = directory_fields(r->kind, &count);
	unsigned char seen[DIR_MAX_FIELDS] = {0};
	const cJSON *member;
	cJSON_ArrayForEach(member, o)
	{
		struct field_key key = {member->string, 0};
		const struct field_key *f =
			member->string ? bsearch(&key, keys[k], (size_t)nkeys[k], sizeof key, cmp_field_key) : NULL;
		if (!f || seen[f->index])
			continue;
		seen[f->index] = 1;
		di_field(im, &fields[f->index], member, &r->v[f->index], pool);
	}
}

static const char *source_name_for(struct imp *im, const char *own)
{
	if (im->opt->source && im->opt->source[0])
		return im->opt->source;
	return own && own[0] ? own : im->default_source;
}

static void di_structure(struct imp *im, cJSON *o, int index)
{
	struct pool *pool = pool_new();
	if (!pool) {
		fatal(im, "mémoire insuffisante");
		return;
	}
	buf_reset(&im->reason);
	im->problems = 0;
	im->res->records++;
	struct dir_record r = {.kind = DIR_STRUCTURE};
	cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
	struct rec_label lab = {cJSON_IsString(id) ? id->valuestring : NULL, "structure", index, 0}, *label = &lab;
	if (!cJSON_IsObject(o)) {
		problem(im, NULL, "un objet JSON est attendu");
		reject(im, label);
		pool_free(pool);
		return;
	}
	di_fields(im, o, &r, pool);
	int bad = im->problems;
	directory_validate(&r, 0, DTF_COUNT, pool, problem, im);
	const char *name = source_name_for(im, r.v[DTF_SOURCE]);
	int dup = 0;
	if (!im->problems && !bad && !u64set_add(&im->seen_structures, key_hash(name, 'S', r.v[DTF_ID]))) {
		problemf(im, "id", "« %s » figure déjà plus haut dans le fichier", r.v[DTF_ID]);
		dup = 1; /* the first one stands */
	}
	if (im->problems) {
		if (r.v[DTF_ID] && !dup)
			u64set_add(&im->rejected_structures, key_hash(name, 'S', r.v[DTF_ID]));
		reject(im, label);
		pool_free(pool);
		return;
	}
	struct source_slot *src = source_slot(im, name);
	struct structure_row row;
	if (src && upsert_structure(im, src, &r, &row, pool) >= 0 &&
	    scache_put(&im->structures, key_hash(name, 'S', r.v[DTF_ID]), row.id, row.nom, row.lat, row.lon) < 0)
		fatal(im, "mémoire insuffisante");
	pool_free(pool);
}

static void di_service(struct imp *im, cJSON *o, int index, size_t offset)
{
	struct pool *pool = pool_new();
	if (!pool) {
		fatal(im, "mémoire insuffisante");
		return;
	}
	buf_reset(&im->reason);
	im->problems = 0;
	if (!im->final_pass)
		im->res->records++;
	struct dir_record r = {.kind = DIR_SERVICE};
	cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
	struct rec_label lab = {cJSON_IsString(id) ? id->valuestring : NULL, "service", index, 0}, *label = &lab;
	if (!cJSON_IsObject(o)) {
		problem(im, NULL, "un objet JSON est attendu");
		reject(im, label);
		pool_free(pool);
		return;
	}
	di_fields(im, o, &r, pool);
	int bad = im->problems;
	directory_validate(&r, 0, DSF_COUNT, pool, problem, im);
	const char *name = source_name_for(im, r.v[DSF_SOURCE]);
	if (!im->problems && !bad && !im->final_pass &&
	    !u64set_add(&im->seen_services, key_hash(name, 'V', r.v[DSF_ID])))
		problemf(im, "id", "« %s » figure déjà plus haut dans le fichier", r.v[DSF_ID]);
	if (!im->problems && u64set_has(&im->rejected_structures, key_hash(name, 'S', r.v[DSF_STRUCTURE_ID])))
		problemf(im, "structure_id", "sa structure « %s » est rejetée", r.v[DSF_STRUCTURE_ID]);
	struct source_slot *src = NULL;
	struct structure_row row = {0};
	if (!im->problems && (src = source_slot(im, name)) != NULL) {
		int found = 0;
		const struct scache_entry *cached =
			scache_find(&im->structures, key_hash(name, 'S', r.v[DSF_STRUCTURE_ID]));
		if (cached) {
			found = 1;
			row = (struct structure_row){cached->id, cached->nom, cached->lat, cached->lon};
		} else if (src->id && !src->fresh) {
			struct db_stmt *st = db_query(im->db, SQL_DIR_STRUCTURE_FIND, "is", src->id, r.v[DSF_STRUCTURE_ID]);
			int rc = st ? db_step(st) : -1;
			if (rc == 1) {
				found = 1;
				row.id = db_col_int(st, 0);
				row.nom = pool_strdup(pool, db_col_text(st, 2));
				row.lat = db_col_null(st, 3) ? NULL : pool_strdup(pool, db_col_text(st, 3));
				row.lon = db_col_null(st, 4) ? NULL : pool_strdup(pool, db_col_text(st, 4));
			}
			db_done(st);
			if (rc < 0) {
				db_fatal(im);
				pool_free(pool);
				return;
			}
		}
		if (!found && !im->final_pass) {
			/* Its structure may come later in the file. */
			if (im->ndeferred == im->cap_deferred) {
				im->cap_deferred = im->cap_deferred ? im->cap_deferred * 2 : 256;
				size_t *d = realloc(im->deferred, im->cap_deferred * sizeof *d);
				if (!d) {
					fatal(im, "mémoire insuffisante");
					pool_free(pool);
					return;
				}
				im->deferred = d;
			}
			im->deferred[im->ndeferred++] = offset;
			pool_free(pool);
			return;
		}
		if (!found)
			problemf(im, "structure_id", "structure « %s » absente (ni dans le fichier, ni déjà importée de « %s »)",
				 r.v[DSF_STRUCTURE_ID], name);
	}
	if (im->problems) {
		reject(im, label);
		pool_free(pool);
		return;
	}
	if (src)
		upsert_service(im, src, &r, &row, pool);
	pool_free(pool);
}

/* ---- lieux de médiation numérique -------------------------------------------- */

/* Values of a multi-valued cell, trimmed, empty ones skipped. */
static int split_values(const char *v, char sep, const char **out, int max, struct pool *pool)
{
	int n = 0;
	const char *p = v;
	while (p && *p && n < max) {
		const char *e = strchr(p, sep);
		size_t len = e ? (size_t)(e - p) : strlen(p);
		size_t lead = 0;
		while (lead < len && (p[lead] == ' ' || p[lead] == '\t'))
			lead++;
		while (len > lead && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r' || p[len - 1] == '\n'))
			len--;
		if (len > lead)
			out[n++] = pool_strndup(pool, p + lead, len - lead);
		p = e ? e + 1 : NULL;
	}
	return n;
}

/* A set of strings kept unique, sorted on demand, joined with a separator. */
struct strset {
	const char *v[64];
	int n;
};

static void set_add(struct strset *s, const char *v)
{
	if (!v || !v[0])
		return;
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->v[i], v) == 0)
			return;
	if (s->n < 64)
		s->v[s->n++] = v;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char *set_join(struct strset *s, int sorted, const char *sep, struct pool *pool)
{
	if (!s->n)
		return NULL;
	if (sorted)
		qsort(s->v, (size_t)s->n, sizeof s->v[0], cmp_str);
	struct buf b = BUF_INIT;
	for (int i = 0; i < s->n; i++) {
		if (i)
			buf_puts(&b, sep);
		buf_puts(&b, s->v[i]);
	}
	const char *r = pool_strdup(pool, buf_cstr(&b));
	buf_free(&b);
	return r;
}

static int in_lmn_vocab(const char *version, const char *field, const char *value)
{
	char key[160];
	size_t first, nv = strlen(version), nf = strlen(field);
	if (nv + nf + 2 > sizeof key)
		return 0;
	/* "1.0:services", built without printf: this runs for every value */
	memcpy(key, version, nv);
	key[nv] = ':';
	memcpy(key + nv + 1, field, nf + 1);
	return table_find(&lmn_vocab, key, value, &first) > 0;
}

static int lmn_phone_valid(const char *s)
{
	static const char *const PREFIXES[] = {"+33", "+590", "+594", "+262", "+596", "+269", "+687", "+689", "+508", "+681"};
	for (size_t i = 0; i < sizeof PREFIXES / sizeof PREFIXES[0]; i++) {
		size_t n = strlen(PREFIXES[i]), d = strlen(s) - n;
		if (strncmp(s, PREFIXES[i], n) == 0 && d >= 6 && d <= 9 && strspn(s + n, "0123456789") == d)
			return 1;
	}
	return 0;
}

static int lmn_insee_valid(const char *s)
{
	if (strlen(s) != 5 || strspn(s + 2, "0123456789") != 3)
		return 0;
	if (s[0] == '2')
		return s[1] == 'A' || s[1] == 'B' || (s[1] >= '1' && s[1] <= '9');
	return ((s[0] >= '0' && s[0] <= '9') && s[0] != '2') && s[1] >= '0' && s[1] <= '9';
}

static int is_number(const char *s, double lo, double hi)
{
	char *end;
	double d = strtod(s, &end);
	return end != s && !*end && d >= lo && d <= hi;
}

/* Schema rules of a lieu (1.x, or 0.1 when l->v01). */
static void lieu_check(struct imp *im, struct lieu *l, const struct rec_label *label, struct pool *pool)
{
	const char *version = l->v01 ? "0.1" : "1.0";
	char sep = l->v01 ? ';' : '|';
	static const enum lmn_field REQUIRED[] = {LF_ID, LF_PIVOT, LF_NOM, LF_COMMUNE, LF_CODE_POSTAL, LF_ADRESSE,
						  LF_DATE_MAJ};
	for (size_t i = 0; i < sizeof REQUIRED / sizeof REQUIRED[0]; i++)
		if (!l->v[REQUIRED[i]])
			problem(im, LF_NAME[REQUIRED[i]], "obligatoire");
	if (l->v01 && !l->v[LF_SERVICES])
		problem(im, "services", "obligatoire");
	const char *v;
	if ((v = l->v[LF_ID]) && strlen(v) > 200)
		problem(im, "id", "plus de 200 caractères");
	if ((v = l->v[LF_PIVOT]) && !l->v01 && (strlen(v) < 9 || strlen(v) > 14 ||
						strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") !=
							strlen(v)))
		problemf(im, "pivot", "« %s » invalide (SIRET, RNA ou RIDET : 9 à 14 lettres ou chiffres)", v);
	if ((v = l->v[LF_CODE_POSTAL]) && (strlen(v) != 5 || strspn(v, "0123456789") != 5))
		problemf(im, "code_postal", "« %s » invalide (5 chiffres)", v);
	if ((v = l->v[LF_CODE_INSEE]) && !lmn_insee_valid(v))
		problemf(im, "code_insee", "« %s » invalide", v);
	if ((v = l->v[LF_LATITUDE]) && !is_number(v, -90, 90))
		problemf(im, "latitude", "« %s » n'est pas une latitude", v);
	if ((v = l->v[LF_LONGITUDE]) && !is_number(v, -180, 180))
		problemf(im, "longitude", "« %s » n'est pas une longitude", v);
	if ((v = l->v[LF_DATE_MAJ])) {
		int y, m, d;
		if (strlen(v) != 10 || v[4] != '-' || date_parse(v, &y, &m, &d) < 0)
			problemf(im, "date_maj", "date « %s » invalide (AAAA-MM-JJ)", v);
	}
	if ((v = l->v[LF_TELEPHONE])) {
		const char *phones[16];
		int n = split_values(v, sep, phones, 16, pool);
		for (int i = 0; i < n; i++)
			if (!lmn_phone_valid(phones[i])) {
				problemf(im, "telephone", "« %s » invalide (format international : +33… sans espaces)", phones[i]);
				break;
			}
	}
	size_t max_resume = l->v01 ? 500 : 280;
	if ((v = l->v[LF_PRESENTATION_RESUME]) && utf8_length(v, strlen(v)) > max_resume)
		warn(im, label, "presentation_resume : %zu caractères, %zu au plus ; gardé comme description",
		     utf8_length(v, strlen(v)), max_resume);
	/* Controlled lists of this version of the schema. */
	static const enum lmn_field LISTS_V1[] = {LF_ITINERANCE, LF_SERVICES, LF_PUBLICS_SPECIFIQUEMENT_ADRESSES,
						  LF_PRISE_EN_CHARGE_SPECIFIQUE, LF_FRAIS_A_CHARGE, LF_DISPOSITIFS,
						  LF_FORMATIONS_LABELS, LF_MODALITES_ACCES, LF_MODALITES_ACCOMPAGNEMENT};
	static const enum lmn_field LISTS_V01[] = {LF_SERVICES, LF_PUBLICS_ACCUEILLIS, LF_CONDITIONS_ACCES,
						   LF_LABELS_NATIONAUX, LF_MODALITES_ACCOMPAGNEMENT};
	const enum lmn_field *lists = l->v01 ? LISTS_V01 : LISTS_V1;
	size_t nlists = l->v01 ? sizeof LISTS_V01 / sizeof LISTS_V01[0] : sizeof LISTS_V1 / sizeof LISTS_V1[0];
	for (size_t i = 0; i < nlists; i++) {
		const char *items[64];
		int n = split_values(l->v[lists[i]], sep, items, 64, pool);
		for (int k = 0; k < n; k++)
			if (!in_lmn_vocab(version, LF_NAME[lists[i]], items[k])) {
				problemf(im, LF_NAME[lists[i]], "« %s » n'est pas une valeur du schéma %s", items[k],
					 l->v01 ? "0.1" : "1.0");
				break;
			}
	}
}

/* 0.1 lists into their 1.x fields (data/lmn-0.1-to-1.csv); other
 * multi-valued cells get '|' between values. */
static void lieu_upgrade(struct lieu *l, struct pool *pool)
{
	static const enum lmn_field TARGETS[] = {LF_SERVICES, LF_PUBLICS_SPECIFIQUEMENT_ADRESSES,
						 LF_PRISE_EN_CHARGE_SPECIFIQUE, LF_FRAIS_A_CHARGE, LF_DISPOSITIFS,
						 LF_FORMATIONS_LABELS, LF_MODALITES_ACCOMPAGNEMENT};
	static const enum lmn_field OLD[] = {LF_SERVICES, LF_PUBLICS_ACCUEILLIS, LF_CONDITIONS_ACCES, LF_LABELS_NATIONAUX,
					     LF_MODALITES_ACCOMPAGNEMENT};
	struct strset out[sizeof TARGETS / sizeof TARGETS[0]];
	memset(out, 0, sizeof out);
	for (size_t i = 0; i < sizeof OLD / sizeof OLD[0]; i++) {
		const char *items[64];
		int n = split_values(l->v[OLD[i]], ';', items, 64, pool);
		for (int k = 0; k < n; k++) {
			size_t first, rows = table_find(&lmn_old, LF_NAME[OLD[i]], items[k], &first);
			for (size_t r = first; r < first + rows; r++)
				for (size_t t = 0; t < sizeof TARGETS / sizeof TARGETS[0]; t++)
					if (strcmp(lmn_old.rows[r][2], LF_NAME[TARGETS[t]]) == 0)
						set_add(&out[t], lmn_old.rows[r][3]);
		}
	}
	for (size_t t = 0; t < sizeof TARGETS / sizeof TARGETS[0]; t++)
		l->v[TARGETS[t]] = set_join(&out[t], 0, "|", pool);
	l->v[LF_PUBLICS_ACCUEILLIS] = l->v[LF_CONDITIONS_ACCES] = l->v[LF_LABELS_NATIONAUX] = NULL;
	static const enum lmn_field OTHERS[] = {LF_TYPOLOGIE, LF_TELEPHONE, LF_COURRIELS, LF_SITE_WEB,
						LF_AUTRES_FORMATIONS_LABELS};
	for (size_t i = 0; i < sizeof OTHERS / sizeof OTHERS[0]; i++) {
		const char *items[64];
		struct strset s = {0};
		int n = split_values(l->v[OTHERS[i]], ';', items, 64, pool);
		for (int k = 0; k < n; k++)
			set_add(&s, items[k]);
		l->v[OTHERS[i]] = set_join(&s, 0, "|", pool);
	}
	l->v01 = 0;
}

/* The data·inclusion values of a lieu's values (data/lmn-to-di-v1.csv). */
static void map_values(const struct lieu *l, enum lmn_field field, const char *di_field, struct strset *out,
		       struct strset *raw, struct pool *pool)
{
	const char *items[64];
	int n = split_values(l->v[field], '|', items, 64, pool);
	for (int k = 0; k < n; k++) {
		size_t first, rows = table_find(&lmn_map, LF_NAME[field], items[k], &first);
		for (size_t r = first; r < first + rows; r++)
			if (strcmp(lmn_map.rows[r][2], di_field) == 0)
				set_add(out, lmn_map.rows[r][3]);
		if (raw)
			set_add(raw, items[k]);
	}
}

static int has_value(const struct lieu *l, enum lmn_field field, const char *value, struct pool *pool)
{
	const char *items[64];
	int n = split_values(l->v[field], '|', items, 64, pool);
	for (int k = 0; k < n; k++)
		if (strcmp(items[k], value) == 0)
			return 1;
	return 0;
}

static void ignore_problem(void *arg, const char *field, const char *msg)
{
	(void)arg;
	(void)field;
	(void)msg;
}

/* The first of several values that data·inclusion accepts in a single
 * field; the others, and invalid ones, are reported and left out. */
static const char *first_valid(struct imp *im, const struct rec_label *label, const struct lieu *l, enum lmn_field field,
			       enum dir_kind kind, struct pool *pool)
{
	const char *items[16];
	int n = split_values(l->v[field], '|', items, 16, pool);
	for (int k = 0; k < n; k++) {
		struct dir_record probe = {.kind = DIR_STRUCTURE};
		int slot = kind == DK_EMAIL ? DTF_COURRIEL : DTF_SITE_WEB;
		const char *v = items[k];
		/* "www.example.fr": an address without its scheme. */
		if (kind == DK_URL && strncasecmp(v, "http://", 7) != 0 && strncasecmp(v, "https://", 8) != 0 &&
		    strncasecmp(v, "www.", 4) == 0)
			v = pool_printf(pool, "https://%s", v);
		probe.v[slot] = v;
		if (directory_validate(&probe, slot, slot + 1, pool, ignore_problem, NULL) == 0)
			return probe.v[slot];
		warn(im, label, "%s : « %s » n'est pas %s ; ignoré", LF_NAME[field], items[k],
		     kind == DK_EMAIL ? "une adresse électronique valide" : "une adresse web valide");
	}
	return NULL;
}

static void lieu_to_di(struct imp *im, const struct rec_label *label, const struct lieu *l, const char *producer,
		       struct dir_record *s, struct dir_record *v, struct pool *pool)
{
	memset(s, 0, sizeof *s);
	memset(v, 0, sizeof *v);
	s->kind = DIR_STRUCTURE;
	v->kind = DIR_SERVICE;
	const char *phones[4];
	int nphones = split_values(l->v[LF_TELEPHONE], '|', phones, 4, pool);
	const char *courriel = first_valid(im, label, l, LF_COURRIELS, DK_EMAIL, pool);

	s->v[DTF_SOURCE] = producer;
	s->v[DTF_ID] = l->v[LF_ID];
	s->v[DTF_NOM] = l->v[LF_NOM];
	s->v[DTF_DESCRIPTION] = l->v[LF_PRESENTATION_DETAIL] ? l->v[LF_PRESENTATION_DETAIL] : l->v[LF_PRESENTATION_RESUME];
	if (s->v[DTF_DESCRIPTION] && utf8_length(s->v[DTF_DESCRIPTION], strlen(s->v[DTF_DESCRIPTION])) < 5)
		s->v[DTF_DESCRIPTION] = NULL;
	const char *pivot = l->v[LF_PIVOT];
	if (pivot && strlen(pivot) == 14 && strspn(pivot, "0123456789") == 14 && strspn(pivot, "0") != 14)
		s->v[DTF_SIRET] = pivot;
	s->v[DTF_ADRESSE] = l->v[LF_ADRESSE];
	s->v[DTF_COMPLEMENT_ADRESSE] = l->v[LF_COMPLEMENT_ADRESSE];
	s->v[DTF_COMMUNE] = l->v[LF_COMMUNE];
	s->v[DTF_CODE_POSTAL] = l->v[LF_CODE_POSTAL];
	s->v[DTF_CODE_INSEE] = l->v[LF_CODE_INSEE];
	s->v[DTF_LATITUDE] = l->v[LF_LATITUDE];
	s->v[DTF_LONGITUDE] = l->v[LF_LONGITUDE];
	s->v[DTF_TELEPHONE] = nphones ? phones[0] : NULL;
	s->v[DTF_COURRIEL] = courriel;
	s->v[DTF_SITE_WEB] = first_valid(im, label, l, LF_SITE_WEB, DK_URL, pool);
	s->v[DTF_HORAIRES_ACCUEIL] = l->v[LF_HORAIRES];
	s->v[DTF_ACCESSIBILITE_LIEU] = first_valid(im, label, l, LF_FICHE_ACCES_LIBRE, DK_URL, pool);
	struct strset reseaux = {0};
	map_values(l, LF_DISPOSITIFS, "reseaux_porteurs", &reseaux, NULL, pool);
	s->v[DTF_RESEAUX_PORTEURS] = set_join(&reseaux, 1, "|", pool);
	s->v[DTF_DATE_MAJ] = l->v[LF_DATE_MAJ];
	s->v[DTF_LMN_PIVOT] = l->v[LF_PIVOT];
	s->v[DTF_LMN_TYPOLOGIE] = l->v[LF_TYPOLOGIE];
	s->v[DTF_LMN_STRUCTURE_PARENTE] = l->v[LF_STRUCTURE_PARENTE];
	s->v[DTF_LMN_ITINERANCE] = l->v[LF_ITINERANCE];
	s->v[DTF_LMN_DISPOSITIFS] = l->v[LF_DISPOSITIFS];
	s->v[DTF_LMN_FORMATIONS_LABELS] = l->v[LF_FORMATIONS_LABELS];
	s->v[DTF_LMN_AUTRES_FORMATIONS_LABELS] = l->v[LF_AUTRES_FORMATIONS_LABELS];

	/* One service per lieu, as data·inclusion builds it. */
	v->v[DSF_SOURCE] = producer;
	v->v[DSF_ID] = l->v[LF_ID];
	v->v[DSF_STRUCTURE_ID] = l->v[LF_ID];
	v->v[DSF_NOM] = "Service d'accompagnement au numérique";
	struct strset themes = {0}, services = {0};
	map_values(l, LF_SERVICES, "thematiques", &themes, &services, pool);
	v->v[DSF_THEMATIQUES] = set_join(&themes, 1, "|", pool);
	v->v[DSF_DESCRIPTION] = s->v[DTF_DESCRIPTION] ? s->v[DTF_DESCRIPTION] : set_join(&services, 1, ", ", pool);
	/* type: one value, aide-materielle > atelier > accompagnement */
	struct strset types = {0};
	map_values(l, LF_MODALITES_ACCOMPAGNEMENT, "type", &types, NULL, pool);
	static const char *const TYPE_ORDER[] = {"aide-materielle", "atelier", "accompagnement"};
	for (size_t i = 0; i < 3 && !v->v[DSF_TYPE]; i++)
		for (int k = 0; k < types.n; k++)
			if (strcmp(types.v[k], TYPE_ORDER[i]) == 0)
				v->v[DSF_TYPE] = TYPE_ORDER[i];
	struct strset frais = {0};
	map_values(l, LF_FRAIS_A_CHARGE, "frais", &frais, NULL, pool);
	for (int k = 0; k < frais.n; k++)
		if (!v->v[DSF_FRAIS] || strcmp(frais.v[k], "gratuit") == 0)
			v->v[DSF_FRAIS] = frais.v[k];
	struct strset publics = {0}, precisions = {0};
	map_values(l, LF_PUBLICS_SPECIFIQUEMENT_ADRESSES, "publics", &publics, &precisions, pool);
	map_values(l, LF_PRISE_EN_CHARGE_SPECIFIQUE, "publics", &publics, &precisions, pool);
	v->v[DSF_PUBLICS] = publics.n ? set_join(&publics, 1, "|", pool) : "tous-publics";
	v->v[DSF_PUBLICS_PRECISIONS] = set_join(&precisions, 1, ", ", pool);
	v->v[DSF_ADRESSE] = s->v[DTF_ADRESSE];
	v->v[DSF_COMPLEMENT_ADRESSE] = s->v[DTF_COMPLEMENT_ADRESSE];
	v->v[DSF_COMMUNE] = s->v[DTF_COMMUNE];
	v->v[DSF_CODE_POSTAL] = s->v[DTF_CODE_POSTAL];
	v->v[DSF_CODE_INSEE] = s->v[DTF_CODE_INSEE];
	v->v[DSF_LATITUDE] = s->v[DTF_LATITUDE];
	v->v[DSF_LONGITUDE] = s->v[DTF_LONGITUDE];
	v->v[DSF_TELEPHONE] = s->v[DTF_TELEPHONE];
	v->v[DSF_COURRIEL] = courriel;
	v->v[DSF_MODES_ACCUEIL] = has_value(l, LF_MODALITES_ACCOMPAGNEMENT, "À distance", pool) ? "a-distance|en-presentiel"
												: "en-presentiel";
	const char *insee = l->v[LF_CODE_INSEE];
	if (insee)
		v->v[DSF_ZONE_ELIGIBILITE] = pool_strndup(pool, insee, insee[0] == '9' && (insee[1] == '7' || insee[1] == '8') ? 3 : 2);
	struct strset modes = {0};
	if (l->v[LF_MODALITES_ACCES]) {
		map_values(l, LF_MODALITES_ACCES, "modes_mobilisation", &modes, NULL, pool);
	} else {
		/* Without modalités d'accès, data·inclusion derives them from the contacts. */
		if (v->v[DSF_TELEPHONE])
			set_add(&modes, "telephoner");
		if (courriel)
			set_add(&modes, "envoyer-un-courriel");
	}
	v->v[DSF_MODES_MOBILISATION] = set_join(&modes, 0, "|", pool);
	v->v[DSF_LIEN_MOBILISATION] = first_valid(im, label, l, LF_PRISE_RDV, DK_URL, pool);
	v->v[DSF_MOBILISABLE_PAR] = "professionnels|usagers";
	v->v[DSF_HORAIRES_ACCUEIL] = l->v[LF_HORAIRES];
	v->v[DSF_DATE_MAJ] = l->v[LF_DATE_MAJ];
	v->v[DSF_LMN_SERVICES] = l->v[LF_SERVICES];
	v->v[DSF_LMN_PUBLICS_SPECIFIQUEMENT_ADRESSES] = l->v[LF_PUBLICS_SPECIFIQUEMENT_ADRESSES];
	v->v[DSF_LMN_PRISE_EN_CHARGE_SPECIFIQUE] = l->v[LF_PRISE_EN_CHARGE_SPECIFIQUE];
	v->v[DSF_LMN_FRAIS_A_CHARGE] = l->v[LF_FRAIS_A_CHARGE];
	v->v[DSF_LMN_MODALITES_ACCES] = l->v[LF_MODALITES_ACCES];
	v->v[DSF_LMN_MODALITES_ACCOMPAGNEMENT] = l->v[LF_MODALITES_ACCOMPAGNEMENT];
}

/* A lieu read from a file: values trimmed, "" absent. */
static void lieu_import(struct imp *im, struct lieu *l, struct rec_label *label, struct pool *pool)
{
	buf_reset(&im->reason);
	im->problems = 0;
	im->res->records++;
	for (int i = 0; i < LF_COUNT; i++) {
		const char *v = l->v[i];
		if (!v)
			continue;
		size_t lead = strspn(v, " \t\r\n"), len = strlen(v + lead), n = len;
		while (n && strchr(" \t\r\n", v[lead + n - 1]))
			n--;
		l->v[i] = !n ? NULL : (lead || n < len) ? pool_strndup(pool, v + lead, n) : v;
	}
	label->id = l->v[LF_ID];
	if (l->v01)
		im->res->lmn_v01++;
	else
		im->res->lmn_v1++;
	lieu_check(im, l, label, pool);
	const char *name = source_name_for(im, l->v[LF_SOURCE]);
	if (!im->problems && !u64set_add(&im->seen_structures, key_hash(name, 'L', l->v[LF_ID])))
		problemf(im, "id", "« %s » figure déjà plus haut dans le fichier", l->v[LF_ID]);
	if (im->problems) {
		reject(im, label);
		return;
	}
	if (l->v01)
		lieu_upgrade(l, pool);
	struct dir_record s, v;
	lieu_to_di(im, label, l, l->v[LF_SOURCE] ? l->v[LF_SOURCE] : name, &s, &v, pool);
	/* What data·inclusion asks beyond the lieux schema (a name of 3 to
	 * 150 characters, a description of the service). */
	directory_validate(&s, 0, DTF_COUNT, pool, problem, im);
	directory_validate(&v, 0, DSF_COUNT, pool, problem, im);
	if (im->problems) {
		reject(im, label);
		return;
	}
	struct source_slot *src = source_slot(im, name);
	if (!src)
		return;
	struct structure_row row;
	if (upsert_structure(im, src, &s, &row, pool) < 0)
		return;
	upsert_service(im, src, &v, &row, pool);
}

/* 0.1 when it has a field or values that only 0.1 has. */
static int lieu_is_v01(const struct lieu *l)
{
	if (l->v[LF_CLE_BAN] || l->v[LF_PUBLICS_ACCUEILLIS] || l->v[LF_CONDITIONS_ACCES] || l->v[LF_LABELS_NATIONAUX])
		return 1;
	const char *s = l->v[LF_SERVICES];
	if (!s)
		return 0;
	if (strchr(s, ';') && !strchr(s, '|'))
		return 1;
	char first[200];
	str_copy(first, sizeof first, (struct str){s, strcspn(s, "|;")});
	return in_lmn_vocab("0.1", "services", first) && !in_lmn_vocab("1.0", "services", first);
}

static void lmn_json(struct imp *im, cJSON *o, int index)
{
	struct pool *pool = pool_new();
	if (!pool) {
		fatal(im, "mémoire insuffisante");
		return;
	}
	struct lieu l;
	memset(&l, 0, sizeof l);
	cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
	struct rec_label lab = {cJSON_IsString(id) ? id->valuestring : NULL, NULL, index, 0}, *label = &lab;
	if (!cJSON_IsObject(o)) {
		buf_reset(&im->reason);
		im->problems = 0;
		im->res->records++;
		problem(im, NULL, "un objet JSON est attendu");
		reject(im, label);
		pool_free(pool);
		return;
	}
	const cJSON *value;
	int bad_type = -1;
	cJSON_ArrayForEach(value, o)
	{
		int f = lmn_field_by_name(value->string);
		if (f < 0 || cJSON_IsNull(value))
			continue;
		l.v[f] = json_text(value, pool);
		if (!l.v[f])
			bad_type = f;
	}
	l.v01 = lieu_is_v01(&l);
	if (bad_type >= 0) {
		buf_reset(&im->reason);
		im->problems = 0;
		im->res->records++;
		problem(im, LF_NAME[bad_type], "un texte ou un nombre est attendu");
		reject(im, label);
	} else {
		lieu_import(im, &l, label, pool);
	}
	pool_free(pool);
}

/* ---- reading JSON one record at a time -------------------------------------- */

struct jwalk {
	const char *data;
	size_t len, pos;
};

static void skip_ws(struct jwalk *w)
{
	while (w->pos < w->len && strchr(" \t\r\n", w->data[w->pos]) && w->data[w->pos])
		w->pos++;
}

static void json_syntax(struct imp *im, const struct jwalk *w, size_t at, const char *what)
{
	int line = 1, col = 1;
	for (size_t i = 0; i < at && i < w->len; i++) {
		if (w->data[i] == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)w->data[i] & 0xC0) != 0x80) {
			col++;
		}
	}
	fatal(im, "JSON invalide ligne %d, colonne %d : %s", line, col, what);
}

static cJSON *next_value(struct imp *im, struct jwalk *w)
{
	const char *end = NULL;
	cJSON *j = cJSON_ParseWithLengthOpts(w->data + w->pos, w->len - w->pos, &end, 0);
	if (!j) {
		json_syntax(im, w, end ? (size_t)(end - w->data) : w->pos, "syntaxe incorrecte");
		return NULL;
	}
	w->pos = (size_t)(end - w->data);
	return j;
}

enum element { EL_DI_STRUCTURE, EL_DI_SERVICE, EL_LIEU };

static void element(struct imp *im, enum element kind, cJSON *j, int index, size_t offset)
{
	switch (kind) {
	case EL_DI_STRUCTURE:
		di_structure(im, j, index);
		break;
	case EL_DI_SERVICE:
		di_service(im, j, index, offset);
		break;
	case EL_LIEU:
		lmn_json(im, j, index);
		break;
	}
}

/* What an array holds, from its first object. */
static enum element classify(cJSON *first)
{
	if (cJSON_GetObjectItemCaseSensitive(first, "structure_id"))
		return EL_DI_SERVICE;
	if (cJSON_GetObjectItemCaseSensitive(first, "pivot") || cJSON_IsString(cJSON_GetObjectItemCaseSensitive(first, "services")))
		return EL_LIEU;
	return EL_DI_STRUCTURE;
}

/* Walks "[ v, v, … ]" from w->pos; kind < 0: decided by the first element. */
static int walk_array(struct imp *im, struct jwalk *w, int kind)
{
	w->pos++; /* '[' */
	skip_ws(w);
	if (w->pos < w->len && w->data[w->pos] == ']') {
		w->pos++;
		return 0;
	}
	for (int index = 1; !im->fatal; index++) {
		skip_ws(w);
		size_t offset = w->pos;
		cJSON *j = next_value(im, w);
		if (!j)
			return -1;
		if (kind < 0) {
			kind = (int)classify(j);
			im->res->shape = kind == EL_LIEU ? DIR_SHAPE_LMN_JSON : DIR_SHAPE_DI_V1;
		}
		element(im, (enum element)kind, j, index, offset);
		cJSON_Delete(j);
		skip_ws(w);
		if (w->pos < w->len && w->data[w->pos] == ',') {
			w->pos++;
			continue;
		}
		if (w->pos < w->len && w->data[w->pos] == ']') {
			w->pos++;
			return 0;
		}
		json_syntax(im, w, w->pos, "« , » ou « ] » attendu");
		return -1;
	}
	return -1;
}

/* {"structures": [...], "services": [...], …}: other members are skipped. */
static int walk_object(struct imp *im, struct jwalk *w)
{
	int arrays = 0;
	w->pos++; /* '{' */
	skip_ws(w);
	int empty = w->pos < w->len && w->data[w->pos] == '}';
	if (empty)
		w->pos++;
	while (!empty && !im->fatal) {
		skip_ws(w);
		size_t at = w->pos;
		cJSON *key = next_value(im, w);
		if (!key)
			return -1;
		if (!cJSON_IsString(key)) {
			cJSON_Delete(key);
			json_syntax(im, w, at, "nom de membre attendu");
			return -1;
		}
		int kind = strcmp(key->valuestring, "structures") == 0 ? EL_DI_STRUCTURE
			   : strcmp(key->valuestring, "services") == 0 ? EL_DI_SERVICE
									     : -1;
		cJSON_Delete(key);
		skip_ws(w);
		if (w->pos >= w->len || w->data[w->pos] != ':') {
			json_syntax(im, w, w->pos, "« : » attendu");
			return -1;
		}
		w->pos++;
		skip_ws(w);
		if (kind >= 0) {
			if (w->pos >= w->len || w->data[w->pos] != '[') {
				fatal(im, "« %s » doit être une liste", kind == EL_DI_STRUCTURE ? "structures" : "services");
				return -1;
			}
			arrays++;
			if (walk_array(im, w, kind) < 0)
				return -1;
		} else {
			cJSON *skipped = next_value(im, w);
			if (!skipped)
				return -1;
			cJSON_Delete(skipped);
		}
		skip_ws(w);
		if (w->pos < w->len && w->data[w->pos] == ',') {
			w->pos++;
			continue;
		}
		if (w->pos < w->len && w->data[w->pos] == '}') {
			w->pos++;
			break;
		}
		json_syntax(im, w, w->pos, "« , » ou « } » attendu");
		return -1;
	}
	if (!im->fatal && arrays == 0) {
		fatal(im, "format inconnu : un objet JSON sans « structures » ni « services » (data·inclusion v1)");
		return -1;
	}
	im->res->shape = DIR_SHAPE_DI_V1;
	return im->fatal ? -1 : 0;
}

static int import_json(struct imp *im, const char *data, size_t len)
{
	struct jwalk w = {data, len, 0};
	skip_ws(&w);
	int rc = data[w.pos] == '[' ? walk_array(im, &w, -1) : walk_object(im, &w);
	if (rc == 0) {
		skip_ws(&w);
		if (w.pos < w.len) {
			json_syntax(im, &w, w.pos, "texte après la fin du document");
			rc = -1;
		}
	}
	/* Services met before their structure. */
	im->final_pass = 1;
	for (size_t i = 0; rc == 0 && i < im->ndeferred && !im->fatal; i++) {
		w.pos = im->deferred[i];
		cJSON *j = next_value(im, &w);
		if (!j)
			return -1;
		di_service(im, j, 0, 0);
		cJSON_Delete(j);
	}
	return im->fatal ? -1 : rc;
}

/* ---- CSV ------------------------------------------------------------------------ */

static int import_csv(struct imp *im, const char *data, size_t len)
{
	struct buf converted = BUF_INIT, err = BUF_INIT;
	int rc = text_to_utf8(data, len, &converted);
	if (rc < 0) {
		fatal(im, "mémoire insuffisante");
		return -1;
	}
	if (rc == 1) {
		data = converted.data;
		len = converted.len;
	}
	struct csv_reader r;
	csv_init(&r, data, len, csv_guess_separator(data, len));
	int columns[CSV_MAX_FIELDS], ncols = 0, v01 = 0, has_id = 0, has_lieu = 0;
	if (csv_next(&r, &err) != 1) {
		fatal(im, "format inconnu : ni JSON, ni CSV lisible");
		goto out;
	}
	ncols = r.nfields;
	for (int i = 0; i < r.nfields; i++) {
		columns[i] = lmn_field_by_name(csv_field(&r, i));
		has_id |= columns[i] == LF_ID;
		has_lieu |= columns[i] == LF_PIVOT || columns[i] == LF_SERVICES;
		v01 |= columns[i] == LF_CLE_BAN || columns[i] == LF_PUBLICS_ACCUEILLIS || columns[i] == LF_CONDITIONS_ACCES ||
		       columns[i] == LF_LABELS_NATIONAUX;
	}
	if (!has_id || !has_lieu) {
		fatal(im, "format inconnu : ni JSON data·inclusion, ni CSV des lieux de médiation numérique "
			  "(colonnes id, pivot, nom, services… attendues)");
		goto out;
	}
	im->res->shape = DIR_SHAPE_LMN_CSV;
	while (!im->fatal) {
		buf_reset(&err);
		int got = csv_next(&r, &err);
		if (got == 0)
			break;
		if (got < 0) {
			fatal(im, "ligne %d : %s", r.record_line, buf_cstr(&err));
			break;
		}
		if (r.nfields == 1 && !csv_field(&r, 0)[0])
			continue;
		struct pool *pool = pool_new();
		if (!pool) {
			fatal(im, "mémoire insuffisante");
			break;
		}
		struct lieu l;
		memset(&l, 0, sizeof l);
		l.v01 = v01;
		for (int i = 0; i < r.nfields && i < ncols; i++)
			if (columns[i] >= 0 && csv_field(&r, i)[0])
				l.v[columns[i]] = pool_strdup(pool, csv_field(&r, i));
		struct rec_label lab = {l.v[LF_ID], NULL, 0, r.record_line}, *label = &lab;
		if (r.nfields > ncols) {
			buf_reset(&im->reason);
			im->problems = 0;
			im->res->records++;
			problemf(im, NULL, "%d champs pour %d colonnes d'en-tête", r.nfields, ncols);
			reject(im, label);
		} else {
			lieu_import(im, &l, label, pool);
		}
		pool_free(pool);
	}
out:
	csv_free(&r);
	buf_free(&err);
	buf_free(&converted);
	return im->fatal ? -1 : 0;
}

enum { ANALYZE_AFTER = 1000 };

/* ---- the whole import -------------------------------------------------------------- */

const char *directory_shape_label(enum dir_shape shape)
{
	switch (shape) {
	case DIR_SHAPE_DI_V1:
		return "data·inclusion v1 (JSON)";
	case DIR_SHAPE_LMN_CSV:
		return "lieux de médiation numérique (CSV)";
	case DIR_SHAPE_LMN_JSON:
		return "lieux de médiation numérique (JSON)";
	default:
		return "inconnu";
	}
}

int directory_import(struct db *db, const char *data, size_t len, const struct directory_import_options *opt,
		     struct directory_import_result *res, directory_report_fn report, void *arg)
{
	memset(res, 0, sizeof *res);
	pthread_once(&tables_once, tables_load);
	struct imp im = {.db = db, .opt = opt, .res = res, .report = report, .arg = arg, .now = clock_now()};
	buf_init(&im.reason, 0);
	/* A lieu without "source": the file's name without its extension. */
	const char *base = opt->file_name ? strrchr(opt->file_name, '/') : NULL;
	base = base ? base + 1 : opt->file_name ? opt->file_name : "lieux";
	str_copy(im.default_source, sizeof im.default_source, (struct str){base, strcspn(base, ".")});
	if (!im.default_source[0])
		cstr_copy(im.default_source, sizeof im.default_source, "lieux");

	size_t skip = csv_skip_bom(data, len);
	data += skip;
	len -= skip;
	size_t first = 0;
	while (first < len && strchr(" \t\r\n", data[first]) && data[first])
		first++;
	if (first == len) {
		report(arg, NULL, "fichier vide");
		buf_free(&im.reason);
		return -1;
	}
	if (db_begin(db) < 0) {
		report(arg, NULL, db_errmsg(db));
		buf_free(&im.reason);
		return -1;
	}
	int rc = (data[first] == '{' || data[first] == '[') ? import_json(&im, data, len) : import_csv(&im, data, len);
	if (rc == 0 && !im.fatal && im.fts_from &&
	    (db_exec(db, SQL_DIR_THEMES_ADD_FROM, "i", im.fts_from) < 0 || db_exec(db, SQL_DIR_FTS_ADD_FROM, "i", im.fts_from) < 0))
		db_fatal(&im);
	if (rc == 0 && !im.fatal)
		rc = sources_finish(&im);
	/* A large change of the directory: fresh statistics for the planner. */
	if (rc == 0 && !im.fatal && res->structures_created + res->structures_updated + res->services_created +
					    res->services_updated >= ANALYZE_AFTER &&
	    (db_exec(db, SQL_DIR_ANALYZE_SERVICES, "") < 0 || db_exec(db, SQL_DIR_ANALYZE_THEMES, "") < 0 ||
	     db_exec(db, SQL_DIR_ANALYZE_STRUCTURES, "") < 0)) {
		db_fatal(&im);
		rc = -1;
	}
	if (im.fatal)
		rc = -1;
	if (rc == 0 && !opt->dry_run) {
		if (db_commit(db) < 0) {
			report(arg, NULL, db_errmsg(db));
			db_rollback(db);
			rc = -1;
		}
	} else {
		db_rollback(db);
	}
	for (size_t i = 0; i < im.nsources; i++)
		free(im.sources[i].name);
	free(im.sources);
	free(im.deferred);
	u64set_free(&im.seen_structures);
	u64set_free(&im.seen_services);
	u64set_free(&im.rejected_structures);
	scache_free(&im.structures);
	buf_free(&im.reason);
	return rc;
}
