/*
 * The person's file (dossier unique). Fields are described once, in a
 * table (person.c): the form, the validation, the SQL binding, the conflict
 * report, the file page and the right-of-access export all walk it.
 *
 * Access rules (person_can_*): structure isolation on every query; accueil
 * sees identity and contact only; a restricted file is open to its
 * referents and to heads of service only. Every read and change is audited.
 */
#ifndef LIEN_DOMAIN_PERSON_H
#define LIEN_DOMAIN_PERSON_H

#include "core/buf.h"
#include "db/db.h"
#include "domain/domain.h"

enum person_field {
	PF_CIVILITE,
	PF_BIRTH_NAME,
	PF_USAGE_NAME,
	PF_FIRST_NAMES,
	PF_BIRTH_DATE,
	PF_BIRTH_PLACE,
	PF_NATIONALITY,
	PF_ADDRESS,
	PF_POSTAL_CODE,
	PF_COMMUNE_NAME,
	PF_PHONE,
	PF_PHONE2,
	PF_EMAIL,
	PF_PREFERRED_CHANNEL,
	PF_NO_PHONE,
	PF_NO_EMAIL,
	PF_LANGUAGES,
	PF_INTERPRETER,
	PF_HOUSING,
	PF_RESOURCES,
	PF_PROTECTION,
	PF_PROTECTOR_CONTACT,
	PF_CAF_NUMBER,
	PF_NIR,
	PF_INFO_DATE,
	PF_INFO_METHOD,
	PF_RESTRICTED,
	PF_COUNT
};

enum field_kind { FK_TEXT, FK_LONGTEXT, FK_DATE, FK_CHOICE, FK_FLAG, FK_PHONE, FK_EMAIL, FK_NIR, FK_POSTAL };

/* Which part of the file a field belongs to; accueil sees the first two. */
enum field_part { PART_IDENTITY, PART_CONTACT, PART_SITUATION, PART_INFO };

struct choice {
	const char *value, *label;
};

struct person_field_def {
	const char *name;          /* form field and column name */
	const char *label;         /* French label */
	enum field_kind kind;
	enum field_part part;
	size_t max;                /* bytes */
	int required;
	const struct choice *choices; /* FK_CHOICE: NULL-terminated */
	const char *hint;
};

extern const struct person_field_def person_fields[PF_COUNT];
extern const char *const field_part_labels[];

enum { PERSON_VALUE_MAX = 600 };

struct person {
	int64_t id, structure_id, version;
	int64_t last_contact_at, created_at, updated_at;
	char file_number[24];
	char status[16];
	int64_t merged_into;
	char commune_insee[8];      /* resolved from postal code and commune */
	char v[PF_COUNT][PERSON_VALUE_MAX];
};

/* An empty file with the defaults of a new one (informed today, orally). */
void person_init(struct person *p, int64_t now);

/* Label of a choice value, or the value itself. */
const char *choice_label(const struct choice *choices, const char *value);
/* Whether value is one of the choices. */
int choice_known(const struct choice *choices, const char *value);
/* Display name: "Mme DUPONT (née MARTIN) Marie". */
void person_display_name(const struct person *p, char *out, size_t n);

/* Validates the fields of p that the actor may edit (all when by is NULL);
 * on error, returns -1 and calls on_error(arg, field, message) for each bad
 * field. Dates are normalised to YYYY-MM-DD, the commune resolved. */
int person_validate(struct person *p, const struct actor *by,
		    void (*on_error)(void *arg, const char *field, const char *msg), void *arg);

/* NIR (numéro de sécurité sociale): 13 characters + 2-digit key, spaces
 * allowed; Corsica 2A/2B handled. 1 valid, 0 not. */
int nir_valid(const char *nir);
/* "2 84 05 ** *** *** 42": sex, year and month shown, the rest masked. */
void nir_masked(const char *nir, char *out, size_t n);

/* Creation: checks, numbers the file (YYYY-NNNNNN per structure), indexes
 * the names, adds the creator as referent, audits. */
int person_create(struct db *db, const struct actor *by, struct person *p, struct buf *err);
/* Update with optimistic locking: p->version must be the version the form
 * was loaded from. Returns 0, -1 on error, or 1 on conflict (cur is then
 * filled with the current file). */
int person_update(struct db *db, const struct actor *by, struct person *p, struct person *cur, struct buf *err);

/* Loads a file the actor may see (isolation, restriction); 1 found, 0 not
 * found or not allowed, <0 error. Audits the read when audit_action is set. */
int person_get(struct db *db, const struct actor *by, int64_t id, struct person *p, const char *audit_action);
/* 1 if the actor may see the situation part (not accueil). */
int person_can_see_situation(const struct actor *by);
/* 1 if the actor may write journal entries with content (not accueil). */
int person_can_follow(const struct actor *by);

struct person_hit {
	int64_t id;
	char file_number[24];
	char name[200];
	char birth_date[16];
	char commune[80];
	char phone[32];
	char status[16];
	char sort_key[200];   /* folded names: sorts as people expect */
	int restricted;
	int masked;           /* a restricted file the actor may not open: identity hidden */
};

/* Search by name prefix (accents and case ignored, any name, words in any
 * order), birth date (JJ/MM/AAAA or AAAA-MM-JJ), phone or file number.
 * At most max hits. Returns the count or <0. */
int person_search(struct db *db, const struct actor *by, const char *query, struct person_hit *hits, int max);

/* Files that may be the same person: same or similar names (accents, case,
 * hyphens, swapped first/last, birth or usage name) with the same birth
 * date, or the same names when a birth date is missing. */
int person_duplicates(struct db *db, const struct actor *by, const struct person *p, struct person_hit *hits, int max);

/* Household members and referents. */
struct household_member {
	int64_t id;
	char first_names[120], last_name[120], birth_date[16], relation[32];
};
extern const struct choice household_relations[];
int household_add(struct db *db, const struct actor *by, int64_t person_id, const struct household_member *m, struct buf *err);
int household_list(struct db *db, int64_t person_id, struct household_member *out, int max);

int person_add_referent(struct db *db, const struct actor *by, int64_t person_id, int64_t user_id);
int person_referents(struct db *db, int64_t person_id, void (*fn)(void *arg, int64_t user_id, const char *name), void *arg);

/* Merges a duplicate file into the one kept: the journal, tasks, household
 * and referents move over, the duplicate is archived with a pointer to the
 * file kept, and both are audited. The latest contact date is kept.
 * 0, -1 with a French message, or -2 when the kept file is not the
 * actor's to see. */
int person_merge(struct db *db, const struct actor *by, int64_t keep_id, const char *duplicate_number, struct buf *err);

/* Marks a contact (journal entry) for retention. */
/* The id of the file with this number in the actor's structure: 1, 0, <0. */
int person_id_by_number(struct db *db, const struct actor *by, const char *number, int64_t *id);
int person_touch_contact(struct db *db, int64_t person_id, int64_t at);
/* The files the actor opened last, newest first. */
int person_recent(struct db *db, const struct actor *by, void (*fn)(void *arg, const struct person_hit *h), void *arg);
/* Remembers that the actor opened the file (home page "recently"). */
void person_mark_recent(struct db *db, const struct actor *by, int64_t person_id);

#endif
