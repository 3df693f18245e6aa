/*
 * Searching the services directory: the national services and the
 * structure's own (local) ones together, by need, words, public, cost,
 * accessibility, mode, opening hours and place, with the distance.
 *
 * How a search runs (directory.h says what is stored where):
 *   1. One source gives the candidates, the narrowest available: the grid
 *      cells around the place (one index range per row of cells, the
 *      category bit tested in the index), else the full-text index (the
 *      services named after the words first, then the others), else the
 *      theme range, else the communes of the place's département. At most
 *      DIR_MAX_CANDIDATES national rows are read; more sets `capped` (the
 *      page says "refine"). Local services (a few hundred at most) are all
 *      read.
 *   2. Every other criterion is checked in C on those rows: exact distance,
 *      theme bits, words (the same rules as the full-text query), publics,
 *      cost, accessibility, mode, opening hours (parsed once per distinct
 *      value), eligibility.
 *   3. Sorted (distance; else the words found in the names first, then
 *      the structure's own services, then by name; else by name) and
 *      cut into pages of DIR_PAGE_SIZE; only the page's rows are read in
 *      full.
 * Services with no coordinates are never lost: around a place they come
 * after the located ones, those of the same commune first, then those of
 * the same département.
 *
 * Words: accents and case are ignored; each word matches the start of a
 * word of the service (name, structure, description, commune, themes), in
 * a French-tolerant form: "démarches" → "demarch", "social" and
 * "sociaux" → "socia", "administratif" → "administrati",
 * so "démarche" finds "démarches administratives". Short link words
 * ("de", "la", "pour"…) are dropped.
 */
#ifndef LIEN_DOMAIN_DIRECTORY_SEARCH_H
#define LIEN_DOMAIN_DIRECTORY_SEARCH_H

#include "core/buf.h"
#include "core/pool.h"
#include "db/db.h"
#include "domain/domain.h"

#include <stdint.h>

enum {
	DIR_PAGE_SIZE = 20,
	DIR_MAX_CANDIDATES = 2000,
	DIR_MAX_KM = 100,
	DIR_MAX_WORDS = 8,
};

/* Accessibility needs (bits of dir_query.access), matched on what a lieu
 * says it takes care of ("Surdité"…) and, for reduced mobility, on an
 * accessibility record (acceslibre) or "Handicaps moteurs". */
enum {
	DA_PMR = 1,
	DA_SURDITE = 2,
	DA_VISUEL = 4,
	DA_LANGUES = 8,
	DA_ILLETTRISME = 16,
	DA_MENTAL = 32,
};
struct dir_access_need {
	unsigned bit;
	const char *value, *label;
};
/* The needs in form order, ended by a zero bit. */
extern const struct dir_access_need dir_access_needs[];

/* Where distances are measured from. */
struct dir_place {
	int has_point;
	double lat, lon;
	char insee[6];            /* its commune ("" unknown): services with no point are placed by it */
};

struct dir_query {
	const char *theme;        /* a category ("numerique") or a sub-thématique; NULL or "": any */
	const char *text;         /* words as typed */
	const char *public_value; /* a data·inclusion public; "tous-publics" services match too */
	const char *mode;         /* "en-presentiel" or "a-distance" */
	int free_only;
	unsigned access;          /* DA_* bits: all required */
	int open_now;             /* open at minute `at` */
	int open_day;             /* open at some time on the day of `at` */
	int64_t at;               /* local minute (core/hours.h) */
	struct dir_place place;   /* neither point nor commune: anywhere */
	double radius_km;         /* around a point: 1..DIR_MAX_KM */
	const char *person_insee; /* compute eligibility for a person living there; NULL: don't */
	int eligible_only;        /* with person_insee: hide services the person is not eligible to */
	int page;                 /* from 1 */
};

struct dir_hit {
	int64_t id;
	int local;                /* dir_local_services.id when 1 */
	double km;                /* distance from the place; < 0 when unknown */
	int near;                 /* no distance: 1 same commune, 2 same département, 0 neither */
	int located;              /* the service has coordinates */
	int eligible;             /* 1 yes, 0 no, -1 not computed */
	/* For the page (strings in the pool; NULL when absent). */
	const char *nom, *structure_nom, *adresse, *code_postal, *commune, *telephone;
	const char *horaires, *frais, *modes_accueil, *thematiques;
};

struct dir_results {
	struct dir_hit *hits;     /* the requested page, in order */
	int n;
	int total;                /* matching services, every page */
	int page, pages;
	int capped;               /* the candidates were cut at DIR_MAX_CANDIDATES */
	int no_criteria;          /* no theme, words or place: nothing was searched */
};

/* Runs a search for the actor's structure (its local services join the
 * national ones). Strings and hits are allocated from pool. 0, or <0 on a
 * database error. */
int directory_search(struct db *db, const struct actor *by, const struct dir_query *q, struct pool *pool,
		     struct dir_results *out);

/* The words of a typed text in their search form (folded, link words
 * dropped, French endings cut), at most DIR_MAX_WORDS of 63 bytes; returns
 * the count. */
int directory_search_words(const char *typed, char words[][64], int max);
/* Whether every word starts a word of text (folded as the words are). */
int directory_text_matches(const char *text, char words[][64], int nwords);

/* ---- places ------------------------------------------------------------- */

/* A commune's point: the mean of the located services placed in it.
 * 1 found, 0 none, <0 error. */
int directory_commune_point(struct db *db, const char *insee, double *lat, double *lon);
/* A place from a commune (INSEE code): its point when the directory knows
 * one. 1 when the commune exists, 0 otherwise, <0 error. */
int directory_place_commune(struct db *db, const char *insee, struct dir_place *out);

/* ---- settings of a structure ----------------------------------------------- */

struct directory_settings {
	char commune_insee[6];    /* "" not set */
	int has_point;
	double lat, lon;
	int reminder_days;        /* default delay of the follow-up task (1..365) */
};
/* The structure's settings (defaults when never saved: no place, 15 days). 0 or <0. */
int directory_settings_get(struct db *db, int64_t structure_id, struct directory_settings *out);
/* Validates what a head of service typed (a postal code or commune name,
 * optional latitude and longitude, a delay in days) and saves it; audited.
 * 0, or -1 after on_error(arg, field, message) for each problem. */
int directory_settings_save(struct db *db, const struct actor *by, const char *commune, const char *lat,
			    const char *lon, const char *reminder_days,
			    void (*on_error)(void *arg, const char *field, const char *msg), void *arg);
/* The structure's own place: 1 when it has one, 0 not set, <0 error. */
int directory_place_structure(struct db *db, int64_t structure_id, struct dir_place *out);

/* ---- the structure's partners, for their management pages ------------------ */

struct dir_partner_row {
	int64_t id;
	const char *nom, *commune;
	int active, services;     /* services: active services */
};
struct dir_local_row {
	int64_t id, partner_id;
	const char *nom, *commune;
	int active;
};
int directory_partners_list(struct db *db, const struct actor *by,
			    void (*fn)(void *arg, const struct dir_partner_row *r), void *arg);
int directory_local_services_list(struct db *db, const struct actor *by,
				  void (*fn)(void *arg, const struct dir_local_row *r), void *arg);
/* 1 when a local service of the actor's structure is in the directory, 0
 * withdrawn or unknown, <0 error. */
int directory_local_service_active(struct db *db, const struct actor *by, int64_t id);
/* A partner of the actor's structure, for its form (fields DTF_NOM…, from
 * pool). 1 found, 0 not (or another structure's), <0 error. */
struct dir_record;
int directory_partner_get(struct db *db, const struct actor *by, int64_t id, struct pool *pool, struct dir_record *r,
			  int *version, int *active);

#endif
