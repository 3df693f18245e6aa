#include "domain/directory.h"
#include "core/clock.h"
#include "core/csv.h"
#include "core/embedded.h"
#include "core/log.h"
#include "core/text.h"
#include "db/queries.h"
#include "domain/audit.h"
#include "domain/commune.h"
#include "domain/directory_int.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- vocabularies ---------------------------------------------------- */

static const char *const VOCAB_NAMES[DV_COUNT] = {
	[DV_THEME_CATEGORY] = "thematique-categorie",
	[DV_THEME] = "thematique",
	[DV_TYPE] = "type",
	[DV_PUBLIC] = "public",
	[DV_FRAIS] = "frais",
	[DV_MODE_ACCUEIL] = "mode-accueil",
	[DV_MODE_MOBILISATION] = "mode-mobilisation",
	[DV_PERSONNE_MOBILISATRICE] = "personne-mobilisatrice",
	[DV_RESEAU_PORTEUR] = "reseau-porteur",
};

struct term_key {
	const char *value;
	int index;
};

static struct {
	struct dir_term *terms;
	struct term_key *sorted;
	size_t n;
} vocabs[DV_COUNT];
static pthread_once_t vocab_once = PTHREAD_ONCE_INIT;

static int cmp_term_key(const void *a, const void *b)
{
	return strcmp(((const struct term_key *)a)->value, ((const struct term_key *)b)->value);
}

static char *dup_or_die(const char *s)
{
	char *d = strdup(s);
	if (!d) {
		log_error("out of memory loading the directory vocabularies");
		abort();
	}
	return d;
}

static void vocab_load(void)
{
	const struct embedded_file *f = embedded_find("data/di-v1-vocabulaires.csv");
	if (!f) {
		log_error("data/di-v1-vocabulaires.csv is not embedded");
		return;
	}
	struct csv_reader r;
	struct buf err = BUF_INIT;
	csv_init(&r, (const char *)f->data, f->size, ',');
	csv_next(&r, &err); /* header */
	size_t cap[DV_COUNT] = {0};
	while (csv_next(&r, &err) == 1) {
		int v = -1;
		for (int i = 0; i < DV_COUNT; i++)
			if (strcmp(csv_field(&r, 0), VOCAB_NAMES[i]) == 0)
				v = i;
		if (v < 0)
			continue;
		if (vocabs[v].n == cap[v]) {
			cap[v] = cap[v] ? cap[v] * 2 : 16;
			vocabs[v].terms = realloc(vocabs[v].terms, cap[v] * sizeof *vocabs[v].terms);
			if (!vocabs[v].terms)
				abort();
		}
		struct dir_term *t = &vocabs[v].terms[vocabs[v].n++];
		t->value = dup_or_die(csv_field(&r, 1));
		t->label = dup_or_die(csv_field(&r, 2));
		t->parent = dup_or_die(csv_field(&r, 3));
	}
	csv_free(&r);
	buf_free(&err);
	for (int v = 0; v < DV_COUNT; v++) {
		vocabs[v].sorted = calloc(vocabs[v].n + 1, sizeof *vocabs[v].sorted);
		if (!vocabs[v].sorted)
			abort();
		for (size_t i = 0; i < vocabs[v].n; i++)
			vocabs[v].sorted[i] = (struct term_key){vocabs[v].terms[i].value, (int)i};
		qsort(vocabs[v].sorted, vocabs[v].n, sizeof *vocabs[v].sorted, cmp_term_key);
	}
}

const struct dir_term *directory_vocab(enum dir_vocab v, size_t *n)
{
	pthread_once(&vocab_once, vocab_load);
	*n = vocabs[v].n;
	return vocabs[v].terms;
}

int directory_term_index(enum dir_vocab v, const char *value)
{
	pthread_once(&vocab_once, vocab_load);
	if (!value || (unsigned)v >= DV_COUNT || !vocabs[v].n)
		return -1;
	struct term_key key = {value, 0};
	const struct term_key *k = bsearch(&key, vocabs[v].sorted, vocabs[v].n, sizeof key, cmp_term_key);
	return k ? k->index : -1;
}

const char *directory_term_label(enum dir_vocab v, const char *value)
{
	int i = directory_term_index(v, value);
	return i < 0 ? NULL : vocabs[v].terms[i].label;
}

/* ---- fields ------------------------------------------------------------ */

enum { TEXT_MAX = 10000 };

#define T(name, label, req, min, max) {name, label, DK_TEXT, -1, req, min, max}
#define K(name, label, kind) {name, label, kind, -1, 0, 0, 0}
#define L(name, label) {name, label, DK_LMN, -1, DF_LMN, 0, TEXT_MAX}

const struct dir_field dir_structure_fields[DTF_COUNT] = {
	[DTF_SOURCE] = T("source", "source", DF_REQUIRED, 1, 200),
	[DTF_ID] = T("id", "identifiant", DF_REQUIRED, 1, 200),
	[DTF_NOM] = T("nom", "nom", DF_REQUIRED, 3, 150),
	[DTF_DESCRIPTION] = T("description", "description", 0, 5, TEXT_MAX),
	[DTF_SIRET] = K("siret", "SIRET", DK_SIRET),
	[DTF_ADRESSE] = T("adresse", "adresse", 0, 0, 500),
	[DTF_COMPLEMENT_ADRESSE] = T("complement_adresse", "complément d'adresse", 0, 0, 500),
	[DTF_COMMUNE] = T("commune", "commune", 0, 0, 200),
	[DTF_CODE_POSTAL] = K("code_postal", "code postal", DK_POSTAL),
	[DTF_CODE_INSEE] = K("code_insee", "code INSEE", DK_INSEE),
	[DTF_LONGITUDE] = K("longitude", "longitude", DK_LONGITUDE),
	[DTF_LATITUDE] = K("latitude", "latitude", DK_LATITUDE),
	[DTF_TELEPHONE] = K("telephone", "téléphone", DK_PHONE),
	[DTF_COURRIEL] = K("courriel", "courriel", DK_EMAIL),
	[DTF_SITE_WEB] = K("site_web", "site web", DK_URL),
	[DTF_LIEN_SOURCE] = K("lien_source", "lien vers la source", DK_URL),
	[DTF_HORAIRES_ACCUEIL] = T("horaires_accueil", "horaires d'accueil", 0, 0, 2000),
	[DTF_ACCESSIBILITE_LIEU] = K("accessibilite_lieu", "accessibilité du lieu", DK_URL),
	[DTF_RESEAUX_PORTEURS] = {"reseaux_porteurs", "réseaux porteurs", DK_LIST, DV_RESEAU_PORTEUR, 0, 0, 0},
	[DTF_DATE_MAJ] = {"date_maj", "date de mise à jour", DK_DATE, -1, DF_REQUIRED, 0, 0},
	[DTF_LMN_PIVOT] = L("pivot", "pivot (SIRET, RNA ou RIDET)"),
	[DTF_LMN_TYPOLOGIE] = L("typologie", "typologie"),
	[DTF_LMN_STRUCTURE_PARENTE] = L("structure_parente", "structure parente"),
	[DTF_LMN_ITINERANCE] = L("itinerance", "itinérance"),
	[DTF_LMN_DISPOSITIFS] = L("dispositif_programmes_nationaux", "dispositifs et programmes nationaux"),
	[DTF_LMN_FORMATIONS_LABELS] = L("formations_labels", "formations et labels"),
	[DTF_LMN_AUTRES_FORMATIONS_LABELS] = L("autres_formations_labels", "autres formations et labels"),
};

const struct dir_field dir_service_fields[DSF_COUNT] = {
	[DSF_SOURCE] = T("source", "source", DF_REQUIRED, 1, 200),
	[DSF_ID] = T("id", "identifiant", DF_REQUIRED, 1, 200),
	[DSF_STRUCTURE_ID] = T("structure_id", "structure", DF_REQUIRED, 1, 200),
	[DSF_NOM] = T("nom", "nom", DF_REQUIRED, 3, 150),
	[DSF_DESCRIPTION] = T("description", "description", DF_REQUIRED, 5, TEXT_MAX),
	[DSF_TYPE] = {"type", "type", DK_ENUM, DV_TYPE, 0, 0, 0},
	[DSF_THEMATIQUES] = {"thematiques", "thématiques", DK_LIST, DV_THEME, 0, 0, 0},
	[DSF_FRAIS] = {"frais", "frais", DK_ENUM, DV_FRAIS, 0, 0, 0},
	[DSF_FRAIS_PRECISIONS] = T("frais_precisions", "précisions sur les frais", 0, 0, TEXT_MAX),
	[DSF_PUBLICS] = {"publics", "publics", DK_LIST, DV_PUBLIC, DF_MIN_ONE, 0, 0},
	[DSF_PUBLICS_PRECISIONS] = T("publics_precisions", "précisions sur les publics", 0, 0, TEXT_MAX),
	[DSF_CONDITIONS_ACCES] = T("conditions_acces", "conditions d'accès", 0, 0, TEXT_MAX),
	[DSF_ADRESSE] = T("adresse", "adresse", 0, 0, 500),
	[DSF_COMPLEMENT_ADRESSE] = T("complement_adresse", "complément d'adresse", 0, 0, 500),
	[DSF_COMMUNE] = T("commune", "commune", 0, 0, 200),
	[DSF_CODE_POSTAL] = K("code_postal", "code postal", DK_POSTAL),
	[DSF_CODE_INSEE] = K("code_insee", "code INSEE", DK_INSEE),
	[DSF_LONGITUDE] = K("longitude", "longitude", DK_LONGITUDE),
	[DSF_LATITUDE] = K("latitude", "latitude", DK_LATITUDE),
	[DSF_TELEPHONE] = K("telephone", "téléphone", DK_PHONE),
	[DSF_COURRIEL] = K("courriel", "courriel", DK_EMAIL),
	[DSF_CONTACT_NOM_PRENOM] = T("contact_nom_prenom", "contact", 0, 0, 200),
	[DSF_MODES_ACCUEIL] = {"modes_accueil", "modes d'accueil", DK_LIST, DV_MODE_ACCUEIL, 0, 0, 0},
	[DSF_ZONE_ELIGIBILITE] = {"zone_eligibilite", "zone d'éligibilité", DK_ZONE, -1, DF_MIN_ONE, 0, 0},
	[DSF_LIEN_MOBILISATION] = K("lien_mobilisation", "lien de mobilisation", DK_URL),
	[DSF_LIEN_SOURCE] = K("lien_source", "lien vers la source", DK_URL),
	[DSF_MODES_MOBILISATION] = {"modes_mobilisation", "modes de mobilisation", DK_LIST, DV_MODE_MOBILISATION,
				    DF_MIN_ONE, 0, 0},
	[DSF_MOBILISABLE_PAR] = {"mobilisable_par", "mobilisable par", DK_LIST, DV_PERSONNE_MOBILISATRICE, DF_MIN_ONE,
				 0, 0},
	[DSF_MOBILISATION_PRECISIONS] = T("mobilisation_precisions", "précisions sur la mobilisation", 0, 0, TEXT_MAX),
	[DSF_VOLUME_HORAIRE_HEBDOMADAIRE] = K("volume_horaire_hebdomadaire", "heures par semaine", DK_NUMBER_MIN0),
	[DSF_NOMBRE_SEMAINES] = K("nombre_semaines", "nombre de semaines", DK_COUNT_MIN1),
	[DSF_HORAIRES_ACCUEIL] = T("horaires_accueil", "horaires d'accueil", 0, 0, 2000),
	[DSF_DATE_MAJ] = {"date_maj", "date de mise à jour", DK_DATE, -1, DF_REQUIRED, 0, 0},
	[DSF_LMN_SERVICES] = L("services", "services"),
	[DSF_LMN_PUBLICS_SPECIFIQUEMENT_ADRESSES] = L("publics_specifiquement_adresses", "publics spécifiquement adressés"),
	[DSF_LMN_PRISE_EN_CHARGE_SPECIFIQUE] = L("prise_en_charge_specifique", "prise en charge spécifique"),
	[DSF_LMN_FRAIS_A_CHARGE] = L("frais_a_charge", "frais à charge"),
	[DSF_LMN_MODALITES_ACCES] = L("modalites_acces", "modalités d'accès"),
	[DSF_LMN_MODALITES_ACCOMPAGNEMENT] = L("modalites_accompagnement", "modalités d'accompagnement"),
};

#undef T
#undef K
#undef L

const struct dir_field *directory_fields(enum dir_record_kind kind, int *count)
{
	*count = kind == DIR_STRUCTURE ? DTF_COUNT : DSF_COUNT;
	return kind == DIR_STRUCTURE ? dir_structure_fields : dir_service_fields;
}

/* ---- validation -------------------------------------------------------- */

int dir_list_next(const char **p, const char **item, size_t *n)
{
	if (!*p || !**p)
		return 0;
	const char *s = *p;
	size_t len = strcspn(s, "|");
	*item = s;
	*n = len;
	*p = s + len + (s[len] == '|');
	return 1;
}

static int all_digits(const char *s, size_t n)
{
	if (strlen(s) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* \w of the JSON Schema patterns (ASCII letters, digits, _). */
static int word_chars(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'))
			return 0;
	}
	return 1;
}

static int number_in(const char *s, double lo, double hi, double *out)
{
	char *end;
	double d = strtod(s, &end);
	if (end == s || *end || !isfinite(d) || d < lo || d > hi)
		return 0;
	if (out)
		*out = d;
	return 1;
}

/* JSON Schema's "email" format as ajv-formats checks it (what the export
 * must pass). */
static int email_valid(const char *s)
{
	static const char LOCAL[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-";
	const char *at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@'))
		return 0;
	/* local part: atoms separated by single dots */
	for (const char *p = s; p < at; p++) {
		if (*p == '.') {
			if (p == s || p[1] == '.' || p + 1 == at)
				return 0;
		} else if (!strchr(LOCAL, *p)) {
			return 0;
		}
	}
	/* domain: at least two labels of letters, digits and inner hyphens */
	int labels = 0;
	const char *p = at + 1;
	while (1) {
		size_t n = strcspn(p, ".");
		if (n == 0 || p[0] == '-' || p[n - 1] == '-')
			return 0;
		for (size_t i = 0; i < n; i++) {
			char c = p[i];
			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-'))
				return 0;
		}
		labels++;
		if (!p[n])
			break;
		p += n + 1;
	}
	return labels >= 2;
}

static int hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* An http(s) URL as RFC 3986 wants it: the scheme and host are checked,
 * and anything in the path, query or fragment that an URI may not contain
 * (spaces, accented letters…) is percent-encoded. NULL when it is not an
 * http(s) URL at all. */
static const char *url_normalise(const char *s, struct pool *pool)
{
	static const char OK[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/?";
	size_t scheme;
	if (strncasecmp(s, "http://", 7) == 0)
		scheme = 7;
	else if (strncasecmp(s, "https://", 8) == 0)
		scheme = 8;
	else
		return NULL;
	const char *host = s + scheme;
	size_t hn = strcspn(host, "/?#");
	/* user[:password]@ is allowed by RFC 3986 (and by the schema) */
	const char *at = memchr(host, '@', hn);
	if (at) {
		static const char USERINFO[] =
			"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:%";
		if (strspn(host, USERINFO) != (size_t)(at - host))
			return NULL;
		hn -= (size_t)(at + 1 - host);
		host = at + 1;
	}
	size_t colon = strcspn(host, ":");
	size_t name = colon < hn ? colon : hn;
	if (name == 0)
		return NULL;
	for (size_t i = 0; i < name; i++) {
		char c = host[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '.'))
			return NULL;
	}
	for (size_t i = colon + 1; colon < hn && i < hn; i++)
		if (host[i] < '0' || host[i] > '9')
			return NULL;
	struct buf b = BUF_INIT;
	buf_append(&b, s, (size_t)(host + hn - s));
	int fragment = 0;
	for (const char *p = host + hn; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c == 0x7f) {
			buf_free(&b);
			return NULL;
		}
		if (c == '#' && !fragment) {
			fragment = 1;
			buf_putc(&b, '#');
		} else if (c == '%' && hex(p[1]) && hex(p[2])) {
			buf_putc(&b, '%');
		} else if (c < 0x80 && strchr(OK, c)) {
			buf_putc(&b, (char)c);
		} else {
			buf_appendf(&b, "%%%02X", c);
		}
	}
	const char *r = pool_strdup(pool, buf_cstr(&b));
	buf_free(&b);
	return r;
}

/* Digits, spaces and the usual punctuation of phone numbers; from 3 (115)
 * to 20 digits. data·inclusion sets no format; the lieux schema's stricter
 * pattern is checked on lieux. */
static int phone_valid(const char *s)
{
	int digits = 0;
	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (!strchr(" +.-()/", *p))
			return 0;
	}
	return digits >= 3 && digits <= 20;
}

static int zone_code_valid(const char *s, size_t n)
{
	if (n == 6 && strncmp(s, "france", 6) == 0)
		return 1;
	if (n == 9) {
		for (size_t i = 0; i < n; i++)
			if (s[i] < '0' || s[i] > '9')
				return 0;
		return 1;
	}
	return (n == 5 || n == 2 || n == 3) && word_chars(s, n);
}

struct checker {
	void (*on_error)(void *arg, const char *field, const char *msg);
	void *arg;
	int errors;
};

static void fail_field(struct checker *c, const struct dir_field *f, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fail_field(struct checker *c, const struct dir_field *f, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	c->on_error(c->arg, f->name, msg);
	c->errors++;
}

/* A value as it may appear in a message: at most 60 characters. */
static const char *shown(const char *s, char *out, size_t n)
{
	size_t len = strlen(s), max = n - 4 < 60 ? n - 4 : 60;
	if (len <= max)
		return s;
	size_t cut = max;
	while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
		cut--;
	memcpy(out, s, cut);
	memcpy(out + cut, "…", sizeof "…");
	return out;
}

static void check_list(struct checker *c, const struct dir_field *f, const char *v)
{
	char sh[80];
	const char *p = v, *item;
	size_t n;
	int count = 0, all_public = 0;
	while (dir_list_next(&p, &item, &n)) {
		char one[256];
		count++;
		if (str_copy(one, sizeof one, (struct str){item, n}) < 0 || n == 0) {
			fail_field(c, f, "valeur vide ou trop longue");
			return;
		}
		if (f->kind == DK_ZONE) {
			if (!zone_code_valid(one, n)) {
				fail_field(c, f, "code « %s » invalide (commune, département, EPCI ou « france »)",
					   shown(one, sh, sizeof sh));
				return;
			}
		} else if (directory_term_index((enum dir_vocab)f->vocab, one) < 0) {
			fail_field(c, f, "« %s » n'est pas une valeur permise", shown(one, sh, sizeof sh));
			return;
		}
		/* uniqueItems: the same value further on */
		const char *q = p, *other;
		size_t m;
		while (dir_list_next(&q, &other, &m))
			if (m == n && memcmp(other, item, n) == 0) {
				fail_field(c, f, "« %s » figure deux fois", shown(one, sh, sizeof sh));
				return;
			}
		if (f->vocab == DV_PUBLIC && strcmp(one, "tous-publics") == 0)
			all_public = 1;
	}
	if (count == 0 && (f->flags & DF_MIN_ONE))
		fail_field(c, f, "au moins une valeur");
	if (all_public && count > 1)
		fail_field(c, f, "« tous-publics » s'emploie seul");
}

/* The number of characters of valid text (UTF-8 without control characters
 * but tabs and line breaks), or -1. Plain ASCII, most of a directory, is
 * checked eight bytes at a time; anything else one character at a time by
 * utf8_valid_text. */
static long text_chars(const char *v, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	size_t i = 0;
	long chars = 0;
	while (i < n) {
		if (i + 8 <= n) {
			uint64_t w, del;
			memcpy(&w, v + i, 8);
			del = w ^ (0x7f * ones);
			if (!(w & highs) && !((w - 0x20 * ones) & ~w & highs) && !((del - ones) & ~del & highs)) {
				i += 8;
				chars += 8;
				continue;
			}
		}
		unsigned char b = (unsigned char)v[i];
		size_t len = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
		if (i + len > n || !utf8_valid_text(v + i, len, 1))
			return -1;
		i += len;
		chars++;
	}
	return chars;
}

static void check_value(struct checker *c, const struct dir_field *f, const char **vp, struct pool *pool)
{
	const char *v = *vp;
	char sh[80];
	long chars = text_chars(v, strlen(v));
	if (chars < 0) {
		fail_field(c, f, "caractères invalides");
		return;
	}
	switch (f->kind) {
	case DK_TEXT:
	case DK_LMN: {
		size_t n = (size_t)chars;
		if (f->min && n < (size_t)f->min)
			fail_field(c, f, "%zu caractère%s, %d au moins", n, n > 1 ? "s" : "", f->min);
		else if (f->max && n > (size_t)f->max)
			fail_field(c, f, "%zu caractères, %d au plus", n, f->max);
		break;
	}
	case DK_DATE: {
		int y, m, d;
		if (strlen(v) != 10 || v[4] != '-' || date_parse(v, &y, &m, &d) < 0)
			fail_field(c, f, "date « %s » invalide (AAAA-MM-JJ)", shown(v, sh, sizeof sh));
		break;
	}
	case DK_INSEE:
		if (strlen(v) != 5 || !word_chars(v, 5))
			fail_field(c, f, "code INSEE « %s » invalide (5 caractères)", shown(v, sh, sizeof sh));
		break;
	case DK_POSTAL:
		if (!all_digits(v, 5))
			fail_field(c, f, "code postal « %s » invalide (5 chiffres)", shown(v, sh, sizeof sh));
		break;
	case DK_SIRET:
		if (!all_digits(v, 14))
			fail_field(c, f, "SIRET « %s » invalide (14 chiffres)", shown(v, sh, sizeof sh));
		break;
	case DK_LATITUDE:
		if (!number_in(v, -90, 90, NULL))
			fail_field(c, f, "« %s » n'est pas une latitude (nombre de -90 à 90)", shown(v, sh, sizeof sh));
		break;
	case DK_LONGITUDE:
		if (!number_in(v, -180, 180, NULL))
			fail_field(c, f, "« %s » n'est pas une longitude (nombre de -180 à 180)", shown(v, sh, sizeof sh));
		break;
	case DK_PHONE:
		if (!phone_valid(v))
			fail_field(c, f, "numéro « %s » illisible", shown(v, sh, sizeof sh));
		break;
	case DK_EMAIL:
		if (!email_valid(v))
			fail_field(c, f, "adresse « %s » invalide", shown(v, sh, sizeof sh));
		break;
	case DK_URL: {
		const char *u = strlen(v) <= 2083 ? url_normalise(v, pool) : NULL;
		if (!u || strlen(u) > 2083)
			fail_field(c, f, "« %s » n'est pas une adresse web (http:// ou https://)", shown(v, sh, sizeof sh));
		else
			*vp = u;
		break;
	}
	case DK_COUNT_MIN1: {
		int64_t n;
		if (str_to_i64(str_from(v), 1, 1000000, &n) < 0)
			fail_field(c, f, "« %s » : un nombre entier d'au moins 1 est attendu", shown(v, sh, sizeof sh));
		break;
	}
	case DK_NUMBER_MIN0:
		if (!number_in(v, 0, 1e9, NULL))
			fail_field(c, f, "« %s » : un nombre positif est attendu", shown(v, sh, sizeof sh));
		break;
	case DK_ENUM:
		if (directory_term_index((enum dir_vocab)f->vocab, v) < 0)
			fail_field(c, f, "« %s » n'est pas une valeur permise", shown(v, sh, sizeof sh));
		break;
	case DK_LIST:
	case DK_ZONE:
		check_list(c, f, v);
		break;
	}
}

int directory_validate(struct dir_record *r, int first, int end, struct pool *pool,
		       void (*on_error)(void *arg, const char *field, const char *msg), void *arg)
{
	int count;
	const struct dir_field *fields = directory_fields(r->kind, &count);
	struct checker c = {on_error, arg, 0};
	if (end > count)
		end = count;
	for (int i = first; i < end; i++) {
		const struct dir_field *f = &fields[i];
		const char *v = r->v[i];
		/* Trimmed; nothing left means absent. */
		if (v) {
			size_t lead = strspn(v, " \t\r\n"), n = strlen(v + lead);
			while (n && strchr(" \t\r\n", v[lead + n - 1]))
				n--;
			if (lead || v[lead + n])
				v = pool_strndup(pool, v + lead, n);
			if (v && !v[0])
				v = NULL;
			r->v[i] = v;
		}
		if (!v) {
			if (f->flags & DF_REQUIRED)
				fail_field(&c, f, "obligatoire");
			continue;
		}
		check_value(&c, f, &r->v[i], pool);
	}
	return c.errors ? -1 : 0;
}

/* ---- hashing, themes, points ------------------------------------------ */

int64_t dir_record_hash(const struct dir_record *r, int first, int end)
{
	uint64_t h = 1469598103934665603ULL;
	for (int i = first; i < end; i++) {
		const char *v = r->v[i];
		unsigned char mark = v ? 1 : 0;
		h = (h ^ mark) * 1099511628211ULL;
		for (const char *p = v ? v : ""; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
		h = (h ^ 0xff) * 1099511628211ULL;
	}
	int64_t s = (int64_t)(h >> 1);
	return s ? s : 1;
}

int64_t dir_theme_cats(const char *thematiques)
{
	int64_t bits = 0;
	const char *p = thematiques, *item;
	size_t n;
	while (dir_list_next(&p, &item, &n)) {
		const char *dash = strstr(item, "--");
		char cat[128];
		if (!dash || dash > item + n || str_copy(cat, sizeof cat, (struct str){item, (size_t)(dash - item)}) < 0)
			continue;
		int i = directory_term_index(DV_THEME_CATEGORY, cat);
		if (i >= 0 && i < 63)
			bits |= (int64_t)1 << i;
	}
	return bits;
}

int dir_service_point(const char *lat, const char *lon, const char *structure_lat, const char *structure_lon,
		      double *out_lat, double *out_lon)
{
	if (lat && lon && number_in(lat, -90, 90, out_lat) && number_in(lon, -180, 180, out_lon))
		return 1;
	if (structure_lat && structure_lon && structure_lat[0] && structure_lon[0] &&
	    number_in(structure_lat, -90, 90, out_lat) && number_in(structure_lon, -180, 180, out_lon))
		return 1;
	return 0;
}

int64_t directory_geo_cell(double lat, double lon)
{
	int64_t row = (int64_t)floor((lat + 90.0) * 10.0), col = (int64_t)floor((lon + 180.0) * 10.0);
	return row * 3601 + col;
}

int directory_geo_cells(double lat, double lon, double km, int64_t *out, int max)
{
	double dlat = km / 111.2;
	double c = cos(lat * M_PI / 180.0);
	double dlon = c > 0.01 ? km / (111.2 * c) : 360.0;
	int64_t r0 = (int64_t)floor((fmax(lat - dlat, -90.0) + 90.0) * 10.0);
	int64_t r1 = (int64_t)floor((fmin(lat + dlat, 90.0) + 90.0) * 10.0);
	int64_t c0 = (int64_t)floor((fmax(lon - dlon, -180.0) + 180.0) * 10.0);
	int64_t c1 = (int64_t)floor((fmin(lon + dlon, 180.0) + 180.0) * 10.0);
	if ((r1 - r0 + 1) * (c1 - c0 + 1) > max)
		return -1;
	int n = 0;
	for (int64_t r = r0; r <= r1; r++)
		for (int64_t col = c0; col <= c1; col++)
			out[n++] = r * 3601 + col;
	return n;
}

double directory_distance_km(double lat1, double lon1, double lat2, double lon2)
{
	double p1 = lat1 * M_PI / 180.0, p2 = lat2 * M_PI / 180.0;
	double dp = p2 - p1, dl = (lon2 - lon1) * M_PI / 180.0;
	double a = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2);
	return 6371.0 * 2 * atan2(sqrt(a), sqrt(1 - a));
}

void directory_theme_range(const char *value, char *lo, char *hi, size_t n)
{
	if (strstr(value, "--")) {
		cstr_copy(lo, n, value);
		cstr_copy(hi, n, value);
	} else {
		/* "numerique--" ≤ its sub-thématiques < "numerique--~" ('~' sorts
		 * after the letters, digits and hyphens of the values) */
		snprintf(lo, n, "%s--", value);
		snprintf(hi, n, "%s--~", value);
	}
}

/* One quoted word; the last one typed is a prefix. */
static void fts_word(struct buf *out, const char *w, size_t n, int prefix)
{
	buf_putc(out, '"');
	for (size_t i = 0; i < n; i++) {
		if (w[i] == '"')
			buf_putc(out, '"');
		buf_putc(out, w[i]);
	}
	buf_putc(out, '"');
	if (prefix)
		buf_putc(out, '*');
}

int directory_fts_query(const char *typed, struct buf *out)
{
	struct buf f = BUF_INIT;
	if (text_fold(typed ? typed : "", &f) < 0) {
		buf_free(&f);
		return -1;
	}
	const char *p = buf_cstr(&f);
	int words = 0;
	while (*p) {
		size_t n = strcspn(p, " ");
		if (n) {
			int last = !p[n];
			if (words++)
				buf_puts(out, " AND ");
			/* The index keeps œ and æ as written ("cœur"), what people
			 * type folds to "coeur": look for both. */
			struct buf lig = BUF_INIT;
			int ligatures = 0;
			for (size_t i = 0; i < n; i++) {
				if (i + 1 < n && (p[i] == 'o' || p[i] == 'a') && p[i + 1] == 'e') {
					buf_puts(&lig, p[i] == 'o' ? "œ" : "æ");
					ligatures++;
					i++;
				} else {
					buf_putc(&lig, p[i]);
				}
			}
			if (ligatures) {
				buf_putc(out, '(');
				fts_word(out, p, n, last);
				buf_puts(out, " OR ");
				fts_word(out, lig.data, lig.len, last);
				buf_putc(out, ')');
			} else {
				fts_word(out, p, n, last);
			}
			buf_free(&lig);
		}
		p += n + (p[n] == ' ');
	}
	buf_free(&f);
	return 0;
}

/* ---- indexing: themes link rows and full-text rows ---------------------- */

/* Adds (or deletes) the link rows of '|'-joined sub-thématiques. A
 * category is the range of its sub-thématiques (directory_theme_range). */
static int theme_rows(struct db *db, int local, int64_t owner, int64_t service_id, const char *thematiques, int add)
{
	const char *p = thematiques, *item;
	size_t n;
	while (dir_list_next(&p, &item, &n)) {
		char one[256];
		if (str_copy(one, sizeof one, (struct str){item, n}) < 0)
			continue;
		int rc;
		if (local)
			rc = add ? db_exec(db, SQL_DIR_LOCAL_THEME_ADD, "isi", owner, one, service_id) : 0;
		else
			rc = db_exec(db, add ? SQL_DIR_THEME_ADD : SQL_DIR_THEME_DELETE, "si", one, service_id);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int dir_themes_write(struct db *db, int local, int64_t owner, int64_t service_id, const char *thematiques,
		     const char *old_thematiques, int replace)
{
	if (replace) {
		int rc = local ? db_exec(db, SQL_DIR_LOCAL_THEMES_CLEAR, "ii", owner, service_id)
			       : theme_rows(db, 0, owner, service_id, old_thematiques, 0);
		if (rc < 0)
			return -1;
	}
	return theme_rows(db, local, owner, service_id, thematiques, 1);
}

int dir_fts_delete(struct db *db, int local, int64_t service_id)
{
	return db_exec(db, local ? SQL_DIR_LOCAL_FTS_DELETE : SQL_DIR_FTS_DELETE, "i", service_id) < 0 ? -1 : 0;
}

int dir_fts_add(struct db *db, int local, int64_t service_id)
{
	return db_exec(db, local ? SQL_DIR_LOCAL_FTS_ADD : SQL_DIR_FTS_ADD, "i", service_id) < 0 ? -1 : 0;
}

int dir_rename_structure(struct db *db, int local, int64_t structure_row, const char *nom, int64_t unindexed)
{
	if (db_exec(db, local ? SQL_DIR_LOCAL_FTS_DELETE_STRUCTURE : SQL_DIR_FTS_DELETE_STRUCTURE, "ii", structure_row,
		    unindexed) < 0 ||
	    db_exec(db, local ? SQL_DIR_LOCAL_RENAME_STRUCTURE : SQL_DIR_RENAME_STRUCTURE, "is", structure_row, nom) < 0 ||
	    db_exec(db, local ? SQL_DIR_LOCAL_FTS_ADD_STRUCTURE : SQL_DIR_FTS_ADD_STRUCTURE, "ii", structure_row,
		    unindexed) < 0)
		return -1;
	return 0;
}

/* ---- reading ------------------------------------------------------------ */

static void read_fields(struct db_stmt *st, int col0, struct dir_record *r, int first, int end, struct pool *pool)
{
	for (int i = first; i < end; i++)
		r->v[i] = db_col_null(st, col0 + i - first) ? NULL : pool_strdup(pool, db_col_text(st, col0 + i - first));
}

static int structure_get(struct db *db, int64_t row, struct pool *pool, struct dir_service_view *out,
			 int64_t *source_id)
{
	struct db_stmt *st = db_query(db, SQL_DIR_STRUCTURE_GET, "i", row);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == 1) {
		out->structure.kind = DIR_STRUCTURE;
		read_fields(st, 0, &out->structure, 0, DTF_COUNT, pool);
		*source_id = db_col_int(st, DTF_COUNT);
	}
	db_done(st);
	return rc;
}

int directory_service_get(struct db *db, int64_t id, struct pool *pool, struct dir_service_view *out)
{
	memset(out, 0, sizeof *out);
	struct db_stmt *st = db_query(db, SQL_DIR_SERVICE_GET, "i", id);
	if (!st)
		return -1;
	int rc = db_step(st);
	int64_t source_id = 0;
	if (rc == 1) {
		out->id = id;
		out->service.kind = DIR_SERVICE;
		read_fields(st, 0, &out->service, 0, DSF_COUNT, pool);
		out->structure_row = db_col_int(st, DSF_COUNT);
		source_id = db_col_int(st, DSF_COUNT + 1);
		out->geo_lat = db_col_null(st, DSF_COUNT + 2) ? NAN : strtod(db_col_text(st, DSF_COUNT + 2), NULL);
		out->geo_lon = db_col_null(st, DSF_COUNT + 3) ? NAN : strtod(db_col_text(st, DSF_COUNT + 3), NULL);
	}
	db_done(st);
	if (rc != 1)
		return rc;
	int64_t ignored;
	if (structure_get(db, out->structure_row, pool, out, &ignored) < 0)
		return -1;
	st = db_query(db, SQL_DIR_SOURCE_GET, "i", source_id);
	if (!st)
		return -1;
	if ((rc = db_step(st)) == 1) {
		out->source_name = pool_strdup(pool, db_col_text(st, 0));
		out->attribution = pool_strdup(pool, db_col_text(st, 2));
		out->licence = pool_strdup(pool, db_col_text(st, 3));
		out->source_date = pool_strdup(pool, db_col_text(st, 6));
	}
	db_done(st);
	return rc < 0 ? rc : 1;
}

static int local_structure_get(struct db *db, int64_t owner, int64_t id, struct pool *pool, struct dir_record *r,
			       int *version, int *active)
{
	struct db_stmt *st = db_query(db, SQL_DIR_LOCAL_STRUCTURE_GET, "ii", id, owner);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == 1) {
		memset(r, 0, sizeof *r);
		r->kind = DIR_STRUCTURE;
		read_fields(st, 0, r, DTF_LOCAL_FIRST, DTF_LOCAL_END, pool);
		int k = DTF_LOCAL_END - DTF_LOCAL_FIRST;
		if (version)
			*version = (int)db_col_int(st, k);
		if (active)
			*active = (int)db_col_int(st, k + 1);
	}
	db_done(st);
	return rc;
}

int directory_local_service_get(struct db *db, const struct actor *by, int64_t id, struct pool *pool,
				struct dir_service_view *out)
{
	memset(out, 0, sizeof *out);
	if (!by->structure_id)
		return 0;
	struct db_stmt *st = db_query(db, SQL_DIR_LOCAL_SERVICE_GET, "ii", id, by->structure_id);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == 1) {
		int k = DSF_LOCAL_END - DSF_LOCAL_FIRST;
		out->id = id;
		out->local = 1;
		out->owner = by->structure_id;
		out->service.kind = DIR_SERVICE;
		read_fields(st, 0, &out->service, DSF_LOCAL_FIRST, DSF_LOCAL_END, pool);
		out->structure_row = db_col_int(st, k);
		out->version = (int)db_col_int(st, k + 1);
		out->geo_lat = db_col_null(st, k + 3) ? NAN : strtod(db_col_text(st, k + 3), NULL);
		out->geo_lon = db_col_null(st, k + 4) ? NAN : strtod(db_col_text(st, k + 4), NULL);
	}
	db_done(st);
	if (rc != 1)
		return rc;
	rc = local_structure_get(db, by->structure_id, out->structure_row, pool, &out->structure, NULL, NULL);
	return rc < 0 ? rc : 1;
}

/* ---- local partners and services ---------------------------------------- */

static int local_allowed(const struct actor *by)
{
	return by->structure_id != 0 && (by->role & ROLES_STRUCTURE);
}

static void default_date(struct dir_record *r, int field, struct pool *pool)
{
	if (!r->v[field] || !r->v[field][0]) {
		char today[11];
		date_today(today);
		r->v[field] = pool_strdup(pool, today);
	} else {
		/* A date typed as JJ/MM/AAAA in a form. */
		char iso[11];
		if (date_normalise(r->v[field], iso) == 0 && iso[0])
			r->v[field] = pool_strdup(pool, iso);
	}
}

/* Parameters are NULL until bound: absent values are left alone. */
static void bind_fields(struct db_stmt *st, int param0, const struct dir_record *r, int first, int end)
{
	for (int i = first; i < end; i++)
		if (r->v[i])
			db_bind_text(st, param0 + i - first, r->v[i]);
}

int directory_local_structure_save(struct db *db, const struct actor *by, int64_t *id, int version,
				   struct dir_record *r, struct pool *pool,
				   void (*on_error)(void *arg, const char *field, const char *msg), void *arg)
{
	if (!local_allowed(by)) {
		on_error(arg, "nom", "seule une structure peut enregistrer ses partenaires");
		return -1;
	}
	r->kind = DIR_STRUCTURE;
	default_date(r, DTF_DATE_MAJ, pool);
	if (directory_validate(r, DTF_LOCAL_FIRST, DTF_LOCAL_END, pool, on_error, arg) < 0)
		return -1;
	int64_t now = clock_now();
	int k = DTF_LOCAL_END - DTF_LOCAL_FIRST, creating = *id == 0;
	if (db_begin(db) < 0)
		return -1;
	struct db_stmt *st;
	int rc = 0;
	if (creating) {
		st = db_prepare(db, SQL_DIR_LOCAL_STRUCTURE_INSERT);
		if (!st)
			goto fail;
		db_bind_int(st, 1, by->structure_id);
		bind_fields(st, 2, r, DTF_LOCAL_FIRST, DTF_LOCAL_END);
		db_bind_int(st, k + 2, by->user_id);
		db_bind_int(st, k + 3, now);
		rc = db_step(st);
		db_done(st);
		if (rc < 0)
			goto fail;
		*id = db_last_id(db);
	} else {
		st = db_prepare(db, SQL_DIR_LOCAL_STRUCTURE_UPDATE);
		if (!st)
			goto fail;
		db_bind_int(st, 1, *id);
		db_bind_int(st, 2, by->structure_id);
		db_bind_int(st, 3, version);
		bind_fields(st, 4, r, DTF_LOCAL_FIRST, DTF_LOCAL_END);
		db_bind_int(st, k + 4, by->user_id);
		db_bind_int(st, k + 5, now);
		rc = db_step(st);
		db_done(st);
		if (rc < 0)
			goto fail;
		if (db_changes(db) != 1) {
			db_rollback(db);
			return 1; /* saved by someone else meanwhile (or not ours) */
		}
		if (dir_rename_structure(db, 1, *id, r->v[DTF_NOM], INT64_MAX) < 0)
			goto fail;
	}
	if (audit_log(db, by, creating ? "directory.partner.add" : "directory.partner.update", "dir_local_structure", *id,
		      r->v[DTF_NOM]) < 0 ||
	    db_commit(db) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	on_error(arg, "nom", "enregistrement impossible, réessayez");
	return -1;
}

/* "R84" (a région, Lien's notation) becomes the région's départements:
 * data·inclusion lists départements. */
static const char *expand_regions(const char *zone, struct pool *pool)
{
	if (!zone || !strchr(zone, 'R'))
		return zone;
	struct buf out = BUF_INIT;
	const char *p = zone, *item;
	size_t n;
	while (dir_list_next(&p, &item, &n)) {
		char code[8];
		const char *deps[32];
		int nd = 0;
		if ((n == 3 || n == 4) && item[0] == 'R' && str_copy(code, sizeof code, (struct str){item + 1, n - 1}) == 0)
			nd = commune_region_departements(code, deps, 32);
		if (nd > 0) {
			for (int i = 0; i < nd; i++)
				buf_appendf(&out, "%s%s", out.len ? "|" : "", deps[i]);
		} else {
			if (out.len)
				buf_putc(&out, '|');
			buf_append(&out, item, n);
		}
	}
	const char *r = pool_strdup(pool, buf_cstr(&out));
	buf_free(&out);
	return r;
}

int directory_local_service_save(struct db *db, const struct actor *by, int64_t *id, int version,
				 int64_t partner_id, struct dir_record *r, struct pool *pool,
				 void (*on_error)(void *arg, const char *field, const char *msg), void *arg)
{
	if (!local_allowed(by)) {
		on_error(arg, "nom", "seule une structure peut enregistrer ses services");
		return -1;
	}
	struct dir_record partner;
	int active = 0;
	if (local_structure_get(db, by->structure_id, partner_id, pool, &partner, NULL, &active) != 1 || !active) {
		on_error(arg, "structure_id", "partenaire inconnu");
		return -1;
	}
	r->kind = DIR_SERVICE;
	default_date(r, DSF_DATE_MAJ, pool);
	r->v[DSF_ZONE_ELIGIBILITE] = expand_regions(r->v[DSF_ZONE_ELIGIBILITE], pool);
	if (directory_validate(r, DSF_LOCAL_FIRST, DSF_LOCAL_END, pool, on_error, arg) < 0)
		return -1;
	double lat = 0, lon = 0;
	int has_point = dir_service_point(r->v[DSF_LATITUDE], r->v[DSF_LONGITUDE], partner.v[DTF_LATITUDE],
					  partner.v[DTF_LONGITUDE], &lat, &lon);
	int64_t now = clock_now(), cats = dir_theme_cats(r->v[DSF_THEMATIQUES]);
	int k = DSF_LOCAL_END - DSF_LOCAL_FIRST;
	int creating = *id == 0;
	if (db_begin(db) < 0)
		return -1;
	if (!creating && dir_fts_delete(db, 1, *id) < 0)
		goto fail;
	struct db_stmt *st = db_prepare(db, creating ? SQL_DIR_LOCAL_SERVICE_INSERT : SQL_DIR_LOCAL_SERVICE_UPDATE);
	if (!st)
		goto fail;
	/* Insert: $1 owner, $2 partner, fields from $3; update: $1 id, $2 owner,
	 * $3 version, fields from $4. Then the derived columns and who/when. */
	int p = creating ? 3 : 4;
	db_bind_int(st, 1, creating ? by->structure_id : *id);
	db_bind_int(st, 2, creating ? partner_id : by->structure_id);
	if (!creating)
		db_bind_int(st, 3, version);
	bind_fields(st, p, r, DSF_LOCAL_FIRST, DSF_LOCAL_END);
	p += k;
	db_bind_int(st, p++, cats);
	char slat[32], slon[32];
	snprintf(slat, sizeof slat, "%.7f", lat);
	snprintf(slon, sizeof slon, "%.7f", lon);
	db_bind_text(st, p++, has_point ? slat : NULL);
	db_bind_text(st, p++, has_point ? slon : NULL);
	if (has_point)
		db_bind_int(st, p++, directory_geo_cell(lat, lon));
	else
		db_bind_text(st, p++, NULL);
	db_bind_text(st, p++, partner.v[DTF_NOM]);
	db_bind_int(st, p++, by->user_id);
	db_bind_int(st, p, now);
	int rc = db_step(st);
	db_done(st);
	if (rc < 0)
		goto fail;
	if (creating) {
		*id = db_last_id(db);
	} else if (db_changes(db) != 1) {
		db_rollback(db);
		return 1;
	}
	if (dir_themes_write(db, 1, by->structure_id, *id, r->v[DSF_THEMATIQUES], NULL, !creating) < 0 ||
	    dir_fts_add(db, 1, *id) < 0 ||
	    audit_log(db, by, creating ? "directory.service.add" : "directory.service.update", "dir_local_service", *id,
		      r->v[DSF_NOM]) < 0 ||
	    db_commit(db) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	on_error(arg, "nom", "enregistrement impossible, réessayez");
	return -1;
}

int directory_local_service_set_active(struct db *db, const struct actor *by, int64_t id, int active)
{
	if (!local_allowed(by))
		return 1;
	if (db_begin(db) < 0)
		return -1;
	if (db_exec(db, SQL_DIR_LOCAL_SERVICE_SET_ACTIVE, "iiiii", id, by->structure_id, (int64_t)(active != 0),
		    by->user_id, clock_now()) < 0) {
		db_rollback(db);
		return -1;
	}
	if (db_changes(db) != 1) {
		db_rollback(db);
		return 1;
	}
	if (audit_log(db, by, active ? "directory.service.restore" : "directory.service.withdraw", "dir_local_service", id,
		      NULL) < 0 ||
	    db_commit(db) < 0) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

/* ---- export as data·inclusion v1 ----------------------------------------- */

/* One field as JSON: lists as arrays, numbers as numbers, the rest as text. */
static cJSON *field_json(const struct dir_field *f, const char *v)
{
	if (!v)
		return cJSON_CreateNull();
	switch (f->kind) {
	case DK_LIST:
	case DK_ZONE: {
		cJSON *a = cJSON_CreateArray();
		const char *p = v, *item;
		size_t n;
		char one[256];
		while (dir_list_next(&p, &item, &n))
			if (str_copy(one, sizeof one, (struct str){item, n}) == 0)
				cJSON_AddItemToArray(a, cJSON_CreateString(one));
		return a;
	}
	case DK_LATITUDE:
	case DK_LONGITUDE:
	case DK_NUMBER_MIN0:
	case DK_COUNT_MIN1:
		return cJSON_CreateNumber(strtod(v, NULL));
	default:
		return cJSON_CreateString(v);
	}
}

static cJSON *record_json(const struct dir_record *r, int first, int end, const char *source, const char *id,
			  const char *structure_id)
{
	int count;
	const struct dir_field *fields = directory_fields(r->kind, &count);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "source", source);
	cJSON_AddStringToObject(o, "id", id);
	if (structure_id)
		cJSON_AddStringToObject(o, "structure_id", structure_id);
	for (int i = first; i < end; i++)
		if (!(fields[i].flags & DF_LMN))
			cJSON_AddItemToObject(o, fields[i].name, field_json(&fields[i], r->v[i]));
	return o;
}

int directory_export_local(struct db *db, int64_t structure_id, struct buf *out)
{
	cJSON *doc = cJSON_CreateObject();
	cJSON *structures = cJSON_AddArrayToObject(doc, "structures"), *services = cJSON_AddArrayToObject(doc, "services");
	struct pool *pool = pool_new();
	int rc = pool ? 0 : -1;
	char id[64], sid[64];
	struct db_stmt *st = rc == 0 ? db_query(db, SQL_DIR_LOCAL_STRUCTURES_EXPORT, "i", structure_id) : NULL;
	int k = DTF_LOCAL_END - DTF_LOCAL_FIRST, step;
	if (!st)
		rc = -1;
	while (rc == 0 && (step = db_step(st)) == 1) {
		struct dir_record r = {.kind = DIR_STRUCTURE};
		read_fields(st, 0, &r, DTF_LOCAL_FIRST, DTF_LOCAL_END, pool);
		snprintf(id, sizeof id, "lien--%lld-p%lld", (long long)structure_id, (long long)db_col_int(st, k + 2));
		cJSON_AddItemToArray(structures, record_json(&r, DTF_LOCAL_FIRST, DTF_LOCAL_END, "lien", id, NULL));
	}
	if (st) {
		if (step < 0)
			rc = -1;
		db_done(st);
	}
	k = DSF_LOCAL_END - DSF_LOCAL_FIRST;
	st = rc == 0 ? db_query(db, SQL_DIR_LOCAL_SERVICES_EXPORT, "i", structure_id) : NULL;
	if (rc == 0 && !st)
		rc = -1;
	while (rc == 0 && (step = db_step(st)) == 1) {
		struct dir_record r = {.kind = DIR_SERVICE};
		read_fields(st, 0, &r, DSF_LOCAL_FIRST, DSF_LOCAL_END, pool);
		snprintf(id, sizeof id, "lien--%lld-s%lld", (long long)structure_id, (long long)db_col_int(st, k + 3));
		snprintf(sid, sizeof sid, "lien--%lld-p%lld", (long long)structure_id, (long long)db_col_int(st, k));
		cJSON_AddItemToArray(services, record_json(&r, DSF_LOCAL_FIRST, DSF_LOCAL_END, "lien", id, sid));
	}
	if (st) {
		if (step < 0)
			rc = -1;
		db_done(st);
	}
	if (rc == 0) {
		char *text = cJSON_Print(doc);
		if (!text || buf_puts(out, text) < 0 || buf_putc(out, '\n') < 0)
			rc = -1;
		cJSON_free(text);
	}
	cJSON_Delete(doc);
	pool_free(pool);
	return rc;
}
