/*
 * Financial aid requests (aides facultatives): what was asked, what the
 * commission decided, how it is paid, and the decision letter.
 * Amounts are whole cents.
 */
#ifndef LIEN_DOMAIN_AID_H
#define LIEN_DOMAIN_AID_H

#include "db/db.h"
#include "domain/domain.h"
#include "domain/person.h"

extern const struct choice aid_kinds[];
extern const struct choice aid_statuses[];
extern const struct choice aid_payments[];

struct aid {
	int64_t id, person_id, version, created_by, created_at, updated_at;
	int64_t amount_asked, amount_granted;  /* cents */
	char kind[16], status[16], payment[16];
	char purpose[1200], refusal_reason[1200];
	char commission_on[11], decision_on[11];
	char creator[120];
};

/* Form values as typed: amounts in euros ("120", "45,50"), dates JJ/MM/AAAA. */
struct aid_input {
	const char *kind, *purpose, *amount_asked, *amount_granted, *status, *commission_on, *decision_on, *payment,
		*refusal_reason;
};

/* "45,50" or "45.5" or "1 200" -> cents. 0, or -1 when not an amount
 * between 0 and 1,000,000 euros. */
int money_parse(const char *s, int64_t *cents);
/* cents -> "1 234,50 €" (non-breaking spaces). */
void money_format(int64_t cents, char *out, size_t n);

int64_t aid_create(struct db *db, const struct actor *by, int64_t person_id, const struct aid_input *in,
		   void (*on_error)(void *arg, const char *field, const char *msg), void *arg);
/* 0 done, 1 changed by someone else since version, -1 refused. */
int aid_update(struct db *db, const struct actor *by, int64_t id, int64_t version, const struct aid_input *in,
	       void (*on_error)(void *arg, const char *field, const char *msg), void *arg);
int aid_get(struct db *db, const struct actor *by, int64_t id, struct aid *out);
int aid_list(struct db *db, const struct actor *by, int64_t person_id, void (*fn)(void *arg, const struct aid *a),
	     void *arg);

#endif
