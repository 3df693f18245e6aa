/*
 * The services directory (annuaire): structures and services in
 * data·inclusion v1 terms, read from national files and added locally.
 *
 * ---- For the search and orientation pages: what is stored where --------
 *
 * National data (migration 010, no structure_id: shared by all structures)
 *   dir_sources      one row per source (a producer's data set): name,
 *                    attribution, licence, url, data_date (newest date_maj of
 *                    its records), imported_at (last import that changed
 *                    something). Show "Source : <attribution>, <data_date>"
 *                    next to anything taken from it (Licence Ouverte).
 *   dir_structures   data·inclusion structures (+ lmn_* fields of a lieu de
 *                    médiation numérique), UNIQUE (source_id, source_key).
 *   dir_services     data·inclusion services; structure_ref → dir_structures,
 *                    structure_nom its name (for lists, no join needed).
 *                    Columns are the data·inclusion field names; multi-valued
 *                    fields are the values joined by '|' ("a|b"), spelled as
 *                    in data·inclusion (labels: directory_term_label). A lieu
 *                    keeps its own lists in lmn_* columns (services, prise en
 *                    charge spécifique, modalités d'accompagnement…).
 *                    Rows are updated in place on re-import (same id); they
 *                    are never deleted by an import.
 * Local data (structure_id NOT NULL: the structure's own partners)
 *   dir_local_structures, dir_local_services (partner_id →
 *   dir_local_structures): the same columns from nom to date_maj, plus
 *   active (withdrawn = 0) and version (optimistic locking).
 *
 * Searching fast (100,000 services; bench/directory.sh times these):
 *   distance     geo_lat/geo_lon (the service's point, else its structure's)
 *                and geo_cell (0.1° grid, indexed): WHERE geo_cell IN (the
 *                cells of directory_geo_cells(lat, lon, km)) gives the few
 *                hundred candidates of a 10 km circle in well under 1 ms;
 *                then the exact distance with directory_distance_km.
 *   theme        dir_service_themes(theme, service_id), PRIMARY KEY (theme,
 *                service_id): one row per sub-thématique; a sub-thème or a
 *                whole category ("numerique": every "numerique--…") is one
 *                index range, theme BETWEEN lo AND hi (directory_theme_range).
 *                On candidates already read: theme_cats &
 *                (1 << directory_term_index(DV_THEME_CATEGORY, category)).
 *                Local: dir_local_service_themes(structure_id, theme, service_id).
 *   words        Around a place, match the words in C on the candidates'
 *                nom, structure_nom, description, commune and thematiques
 *                (a frequent word such as "aide" is in most services: the
 *                full-text index would list tens of thousands of them).
 *                Without a place: dir_services_fts MATCH ? (FTS5 over those
 *                five columns of dir_services, rowid = dir_services.id;
 *                accents and case ignored, "logem"* for prefixes, "nom : x"
 *                for one column, bm25() to rank; detail=column: no phrase
 *                queries); directory_fts_query() writes the query from what
 *                was typed. Local: dir_local_services_fts.
 *   open now     horaires_accueil is the raw OpenStreetMap opening_hours
 *                text (service's, else dir_structures.horaires_accueil):
 *                evaluate it with core/hours.h on the candidate rows only.
 *   eligibility  zone_eligible(zone_eligibilite, person's INSEE code)
 *                (domain/commune.h); an empty zone means no restriction.
 * Statistics are refreshed after a large import (ANALYZE), so the planner
 * starts from the grid cells rather than from a theme when both are given.
 *
 * Importing: directory_import() reads data·inclusion v1 JSON ({structures,
 * services}, or an array of either), or a lieux de médiation numérique file
 * (CSV or JSON, schema 1.x with '|' or 0.1 with ';'), checks every record,
 * reports each rejected one, and upserts by (source, id) in one transaction:
 * a row whose content did not change is not written (content_hash).
 */
#ifndef LIEN_DOMAIN_DIRECTORY_H
#define LIEN_DOMAIN_DIRECTORY_H

#include "core/buf.h"
#include "core/pool.h"
#include "db/db.h"
#include "domain/domain.h"

#include <stddef.h>
#include <stdint.h>

/* ---- vocabularies (data/di-v1-vocabulaires.csv) ---------------------- */

enum dir_vocab {
	DV_THEME_CATEGORY,        /* 16 categories: "numerique" */
	DV_THEME,                 /* 69 sub-thématiques: "numerique--acquerir-un-equipement" */
	DV_TYPE,
	DV_PUBLIC,
	DV_FRAIS,
	DV_MODE_ACCUEIL,
	DV_MODE_MOBILISATION,
	DV_PERSONNE_MOBILISATRICE,
	DV_RESEAU_PORTEUR,
	DV_COUNT
};

struct dir_term {
	const char *value;  /* data·inclusion spelling */
	const char *label;  /* French */
	const char *parent; /* DV_THEME: its category; "" otherwise */
};

/* The terms of a vocabulary in the order of the file; *n gets their count.
 * Loaded once, on first use; never freed. */
const struct dir_term *directory_vocab(enum dir_vocab v, size_t *n);
/* Position of a value in its vocabulary (the bit of theme_cats for
 * categories), or -1 when it is not one of its values. */
int directory_term_index(enum dir_vocab v, const char *value);
/* French label of a value, or NULL. */
const char *directory_term_label(enum dir_vocab v, const char *value);

/* ---- records ----------------------------------------------------------- */

/* Fields of a structure and of a service, in the order of the columns of
 * dir_structures / dir_services. The first ones identify the record in its
 * source; local tables start at DTF_NOM / DSF_NOM. lmn_* are the fields of
 * a lieu de médiation numérique that data·inclusion has no place for. */
enum dir_structure_field {
	DTF_SOURCE, DTF_ID,
	DTF_NOM, DTF_DESCRIPTION, DTF_SIRET, DTF_ADRESSE, DTF_COMPLEMENT_ADRESSE, DTF_COMMUNE,
	DTF_CODE_POSTAL, DTF_CODE_INSEE, DTF_LONGITUDE, DTF_LATITUDE, DTF_TELEPHONE, DTF_COURRIEL,
	DTF_SITE_WEB, DTF_LIEN_SOURCE, DTF_HORAIRES_ACCUEIL, DTF_ACCESSIBILITE_LIEU,
	DTF_RESEAUX_PORTEURS, DTF_DATE_MAJ,
	DTF_LMN_PIVOT, DTF_LMN_TYPOLOGIE, DTF_LMN_STRUCTURE_PARENTE, DTF_LMN_ITINERANCE,
	DTF_LMN_DISPOSITIFS, DTF_LMN_FORMATIONS_LABELS, DTF_LMN_AUTRES_FORMATIONS_LABELS,
	DTF_COUNT,
	DTF_LOCAL_FIRST = DTF_NOM,
	DTF_LOCAL_END = DTF_LMN_PIVOT,
};

enum dir_service_field {
	DSF_SOURCE, DSF_ID, DSF_STRUCTURE_ID,
	DSF_NOM, DSF_DESCRIPTION, DSF_TYPE, DSF_THEMATIQUES, DSF_FRAIS, DSF_FRAIS_PRECISIONS,
	DSF_PUBLICS, DSF_PUBLICS_PRECISIONS, DSF_CONDITIONS_ACCES, DSF_ADRESSE,
	DSF_COMPLEMENT_ADRESSE, DSF_COMMUNE, DSF_CODE_POSTAL, DSF_CODE_INSEE, DSF_LONGITUDE,
	DSF_LATITUDE, DSF_TELEPHONE, DSF_COURRIEL, DSF_CONTACT_NOM_PRENOM, DSF_MODES_ACCUEIL,
	DSF_ZONE_ELIGIBILITE, DSF_LIEN_MOBILISATION, DSF_LIEN_SOURCE, DSF_MODES_MOBILISATION,
	DSF_MOBILISABLE_PAR, DSF_MOBILISATION_PRECISIONS, DSF_VOLUME_HORAIRE_HEBDOMADAIRE,
	DSF_NOMBRE_SEMAINES, DSF_HORAIRES_ACCUEIL, DSF_DATE_MAJ,
	DSF_LMN_SERVICES, DSF_LMN_PUBLICS_SPECIFIQUEMENT_ADRESSES, DSF_LMN_PRISE_EN_CHARGE_SPECIFIQUE,
	DSF_LMN_FRAIS_A_CHARGE, DSF_LMN_MODALITES_ACCES, DSF_LMN_MODALITES_ACCOMPAGNEMENT,
	DSF_COUNT,
	DSF_LOCAL_FIRST = DSF_NOM,
	DSF_LOCAL_END = DSF_LMN_SERVICES,
};

enum { DIR_MAX_FIELDS = 40 };

enum dir_kind {
	DK_TEXT,       /* free text */
	DK_DATE,       /* YYYY-MM-DD */
	DK_INSEE,      /* 5 letters or digits (2A004) */
	DK_POSTAL,     /* 5 digits */
	DK_SIRET,      /* 14 digits */
	DK_LATITUDE,   /* number, -90..90 */
	DK_LONGITUDE,  /* number, -180..180 */
	DK_PHONE,      /* digits, spaces, + . - ( ) / */
	DK_EMAIL,      /* as JSON Schema's "email" format */
	DK_URL,        /* http(s) URL; other bytes percent-encoded */
	DK_COUNT_MIN1, /* integer >= 1 */
	DK_NUMBER_MIN0,/* number >= 0 */
	DK_ENUM,       /* one value of a vocabulary */
	DK_LIST,       /* values of a vocabulary, '|'-joined, no repeats */
	DK_ZONE,       /* zone_eligibilite codes, '|'-joined */
	DK_LMN,        /* a lieu's own field, kept as given */
};

enum {
	DF_REQUIRED = 1,
	DF_MIN_ONE = 2,   /* a list given must hold at least one value */
	DF_LMN = 4,       /* not a data·inclusion field: never exported */
};

struct dir_field {
	const char *name;  /* data·inclusion JSON key (column name, except source/id) */
	const char *label; /* French, in messages */
	enum dir_kind kind;
	int vocab;         /* enum dir_vocab for DK_ENUM and DK_LIST, else -1 */
	int flags;
	int min, max;      /* characters, for text; 0 = no limit */
};

enum dir_record_kind { DIR_STRUCTURE, DIR_SERVICE };

extern const struct dir_field dir_structure_fields[DTF_COUNT];
extern const struct dir_field dir_service_fields[DSF_COUNT];

/* A structure or a service: v[field] is the value as text (lists joined by
 * '|', numbers in C notation), NULL when absent. The strings belong to
 * whoever filled the record (a pool in the import). */
struct dir_record {
	enum dir_record_kind kind;
	const char *v[DIR_MAX_FIELDS];
};

const struct dir_field *directory_fields(enum dir_record_kind kind, int *count);

/* Checks r against the data·inclusion v1 rules (required fields, lengths,
 * vocabularies, formats of codes, dates, coordinates, phone, e-mail, URL,
 * "tous-publics" alone), normalising in place with copies from pool
 * (trimmed; "" becomes absent; URLs percent-encoded). Fields from first to
 * end - 1 are checked (the local forms have no source or id). Returns 0, or
 * -1 after on_error(arg, field label, message) for each problem. */
int directory_validate(struct dir_record *r, int first, int end, struct pool *pool,
		       void (*on_error)(void *arg, const char *field, const char *msg), void *arg);

/* ---- importing national files ------------------------------------------ */

enum dir_shape {
	DIR_SHAPE_UNKNOWN,
	DIR_SHAPE_DI_V1,        /* data·inclusion v1 JSON */
	DIR_SHAPE_LMN_CSV,      /* lieux de médiation numérique CSV */
	DIR_SHAPE_LMN_JSON,     /* lieux de médiation numérique JSON (an array of lieux) */
};

struct directory_import_options {
	const char *source;      /* source name for every record; NULL: each record's
				    own "source" (for a lieu without one: file_name) */
	const char *attribution; /* stored with the source; NULL keeps what it has */
	const char *licence;
	const char *url;
	const char *file_name;   /* shown in dir_sources.file_name */
	int dry_run;             /* everything is checked and counted, nothing kept */
};

struct directory_import_result {
	enum dir_shape shape;
	int lmn_v01, lmn_v1;     /* lieux read in each version of their schema */
	int records;             /* structures, services or lieux read */
	int rejected;
	int warnings;            /* values left out or kept despite a rule (reported) */
	int structures_created, structures_updated, structures_unchanged;
	int services_created, services_updated, services_unchanged;
	int sources_created;
};

/* report(arg, record, reason): one call per rejected record (record is its
 * id, with its line in a CSV file, or "n°N" when it has none), and with
 * record NULL for a problem with the whole file. */
typedef void (*directory_report_fn)(void *arg, const char *record, const char *reason);

/* Imports a whole file held in memory. Returns 0 when the file was read
 * (rejected records are reported and skipped, the others written), -1 when
 * it is unusable (unknown shape, malformed JSON or CSV, a database error):
 * then nothing at all was written. Everything happens in one transaction. */
int directory_import(struct db *db, const char *data, size_t len, const struct directory_import_options *opt,
		     struct directory_import_result *res, directory_report_fn report, void *arg);

const char *directory_shape_label(enum dir_shape shape);

/* ---- reading ------------------------------------------------------------ */

struct dir_service_view {
	int64_t id;                 /* dir_services.id or dir_local_services.id */
	int local;                  /* 1: a local service (dir_local_*) */
	int64_t structure_row;      /* dir_structures.id or dir_local_structures.id */
	int64_t owner;              /* local: the structure that keeps it */
	int version;                /* local: for optimistic locking */
	struct dir_record service;  /* DSF_* (local: no source, id, structure id) */
	struct dir_record structure;/* DTF_* */
	const char *source_name, *attribution, *licence, *source_date; /* national only */
	double geo_lat, geo_lon;    /* effective point; NaN when unknown */
};

/* A national service with its structure and source; strings from pool.
 * 1 found, 0 not, <0 error. */
int directory_service_get(struct db *db, int64_t id, struct pool *pool, struct dir_service_view *out);
/* A local service of the actor's structure (another structure's: 0). */
int directory_local_service_get(struct db *db, const struct actor *by, int64_t id, struct pool *pool,
				struct dir_service_view *out);

/* ---- local services ------------------------------------------------------ */

/* Creates (*id == 0) or updates a partner of the actor's structure. For an
 * update, version is the one the form was loaded from: 1 is returned on
 * a conflict (someone saved in between), nothing written. date_maj defaults
 * to today. Validated like an import (errors through on_error, -1);
 * audited. 0 on success with *id set. */
int directory_local_structure_save(struct db *db, const struct actor *by, int64_t *id, int version,
				   struct dir_record *r, struct pool *pool,
				   void (*on_error)(void *arg, const char *field, const char *msg), void *arg);
/* The same for a service of one of the structure's partners (partner_id).
 * Zones may use "R84" for a région: it is stored as its départements. */
int directory_local_service_save(struct db *db, const struct actor *by, int64_t *id, int version,
				 int64_t partner_id, struct dir_record *r, struct pool *pool,
				 void (*on_error)(void *arg, const char *field, const char *msg), void *arg);
/* Withdraws (active = 0) or restores a local service; audited. 0, 1 when not
 * the actor's, <0 error. */
int directory_local_service_set_active(struct db *db, const struct actor *by, int64_t id, int active);

/* The structure's active local services and their partners as one
 * data·inclusion v1 document {"structures": [...], "services": [...]}
 * (source "lien", ids "lien--<structure>-p<partner>" / "-s<service>"),
 * appended to out. 0 or <0. */
int directory_export_local(struct db *db, int64_t structure_id, struct buf *out);

/* ---- search helpers ------------------------------------------------------ */

/* The grid cell of a point (geo_cell). */
int64_t directory_geo_cell(double lat, double lon);
/* The cells that cover a circle of km around a point, up to max; returns
 * the count (or -1 when more than max would be needed). */
int directory_geo_cells(double lat, double lon, double km, int64_t *out, int max);
/* Great-circle distance. */
double directory_distance_km(double lat1, double lon1, double lat2, double lon2);
/* The dir_service_themes range of a sub-thématique (lo = hi = value) or of
 * a category (all its sub-thématiques): WHERE theme >= lo AND theme <= hi. */
void directory_theme_range(const char *value, char *lo, char *hi, size_t n);
/* Words typed by a person as an FTS5 query: each word folded and quoted,
 * all required, the last one as a prefix ("aide alim" → "aide" AND
 * "alim"*); a word with "oe"/"ae" also matches "œ"/"æ" as the index keeps
 * them ("coeur" → ("coeur" OR "cœur")). "" when there are no words. */
int directory_fts_query(const char *typed, struct buf *out);

#endif
