#include "domain/aid.h"
#include "core/clock.h"
#include "db/queries.h"
#include "domain/audit.h"

#include <stdio.h>
#include <string.h>

const struct choice aid_kinds[] = {
	{"energie", "Énergie"},
	{"alimentation", "Alimentation"},
	{"logement", "Logement"},
	{"transport", "Transport"},
	{"sante", "Santé"},
	{"autre", "Autre"},
	{NULL, NULL}};

const struct choice aid_statuses[] = {
	{"instruction", "En instruction"},
	{"attente_pieces", "En attente de pièces"},
	{"accordee", "Accordée"},
	{"refusee", "Refusée"},
	{"ajournee", "Ajournée"},
	{"classee", "Classée sans suite"},
	{NULL, NULL}};

const struct choice aid_payments[] = {
	{"virement", "Virement"},
	{"cheque", "Chèque"},
	{"bons", "Bons alimentaires"},
	{"fournisseur", "Paiement direct au fournisseur"},
	{NULL, NULL}};

int money_parse(const char *s, int64_t *cents)
{
	int64_t euros = 0, frac = 0;
	int digits = 0, fdigits = -1;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == ' ' || (c == 0xC2 && (unsigned char)p[1] == 0xA0)) {
			p += c == 0xC2; /* spaces and non-breaking spaces between thousands */
			continue;
		}
		if (c == 0xE2 && (unsigned char)p[1] == 0x82 && (unsigned char)p[2] == 0xAC && !p[3])
			break; /* a final € sign */
		if ((c == ',' || c == '.') && fdigits < 0 && digits) {
			fdigits = 0;
			continue;
		}
		if (c < '0' || c > '9')
			return -1;
		if (fdigits >= 0) {
			if (++fdigits > 2)
				return -1;
			frac = frac * 10 + (c - '0');
		} else {
			if (++digits > 7)
				return -1;
			euros = euros * 10 + (c - '0');
		}
	}
	if (!digits || fdigits == 0)
		return -1;
	if (fdigits == 1)
		frac *= 10;
	*cents = euros * 100 + frac;
	return *cents <= 100000000 ? 0 : -1;
}

void money_format(int64_t cents, char *out, size_t n)
{
	char digits[24];
	snprintf(digits, sizeof digits, "%lld", (long long)(cents / 100));
	size_t len = strlen(digits), o = 0;
	for (size_t i = 0; i < len && o + 4 < n; i++) {
		if (i && (len - i) % 3 == 0) {
			out[o++] = '\xC2'; /* U+00A0 between thousands */
			out[o++] = '\xA0';
		}
		out[o++] = digits[i];
	}
	snprintf(out + o, n - o, ",%02lld\xC2\xA0\xE2\x82\xAC", (long long)(cents % 100));
}

#define FIELD_ERROR(f, m)                \
	do {                             \
		on_error(arg, (f), (m)); \
		bad = 1;                 \
	} while (0)

static int aid_validate(const struct aid_input *in, struct aid *a,
			void (*on_error)(void *arg, const char *field, const char *msg), void *arg)
{
	int bad = 0;
	if (!choice_known(aid_kinds, in->kind))
		FIELD_ERROR("kind", "Choisissez la nature de l'aide.");
	if (!utf8_text_fits(in->purpose, 1000, 1))
		FIELD_ERROR("purpose", "1 000 caractères au plus.");
	if (money_parse(in->amount_asked, &a->amount_asked) < 0 || a->amount_asked == 0)
		FIELD_ERROR("amount_asked", "Montant demandé en euros, par exemple 150 ou 45,50.");
	if (!choice_known(aid_statuses, in->status))
		FIELD_ERROR("status", "Choisissez l'état de la demande.");
	if (date_normalise(in->commission_on, a->commission_on) < 0)
		FIELD_ERROR("commission_on", "Date impossible : JJ/MM/AAAA.");
	if (date_normalise(in->decision_on, a->decision_on) < 0)
		FIELD_ERROR("decision_on", "Date impossible : JJ/MM/AAAA.");
	else if (a->decision_on[0] && a->commission_on[0] && strcmp(a->decision_on, a->commission_on) < 0)
		FIELD_ERROR("decision_on", "La décision ne peut pas précéder la commission.");
	int granted = strcmp(in->status, "accordee") == 0, refused = strcmp(in->status, "refusee") == 0;
	int decided = granted || refused || strcmp(in->status, "ajournee") == 0;
	if (decided && !a->decision_on[0] && !bad)
		FIELD_ERROR("decision_on", "Indiquez la date de la décision.");
	a->amount_granted = 0;
	if (granted) {
		if (money_parse(in->amount_granted, &a->amount_granted) < 0 || a->amount_granted == 0)
			FIELD_ERROR("amount_granted", "Indiquez le montant accordé en euros.");
		if (!choice_known(aid_payments, in->payment))
			FIELD_ERROR("payment", "Choisissez comment l'aide est versée.");
	} else if (in->amount_granted[0] && strcmp(in->amount_granted, "0") != 0) {
		FIELD_ERROR("amount_granted", "Un montant accordé n'a de sens que pour une aide accordée.");
	}
	if (!utf8_text_fits(in->refusal_reason, 1000, 1))
		FIELD_ERROR("refusal_reason", "1 000 caractères au plus.");
	else if (refused && strlen(in->refusal_reason) < 3)
		FIELD_ERROR("refusal_reason", "Indiquez le motif du refus : il figure sur le courrier de décision.");
	if (bad)
		return -1;
	cstr_copy(a->kind, sizeof a->kind, in->kind);
	cstr_copy(a->purpose, sizeof a->purpose, in->purpose);
	cstr_copy(a->status, sizeof a->status, in->status);
	cstr_copy(a->payment, sizeof a->payment, granted ? in->payment : "");
	cstr_copy(a->refusal_reason, sizeof a->refusal_reason, refused ? in->refusal_reason : "");
	return 0;
}

int64_t aid_create(struct db *db, const struct actor *by, int64_t person_id, const struct aid_input *in,
		   void (*on_error)(void *arg, const char *field, const char *msg), void *arg)
{
	struct aid a;
	memset(&a, 0, sizeof a);
	if (aid_validate(in, &a, on_error, arg) < 0)
		return -1;
	if (db_begin(db) < 0 ||
	    db_exec(db, SQL_AID_ADD, "iissiisssssii", by->structure_id, person_id, a.kind, a.purpose, a.amount_asked,
		    a.amount_granted, a.status, a.commission_on, a.decision_on, a.payment, a.refusal_reason, by->user_id,
		    clock_now()) < 0)
		goto fail;
	int64_t id = db_last_id(db);
	char detail[80];
	snprintf(detail, sizeof detail, "aide %lld", (long long)id);
	if (audit_log(db, by, "aid.add", "person", person_id, detail) < 0 || db_commit(db) < 0)
		goto fail;
	return id;
fail:
	db_rollback(db);
	on_error(arg, "", "Erreur de la base de données : la demande n'a pas été enregistrée.");
	return -1;
}

int aid_update(struct db *db, const struct actor *by, int64_t id, int64_t version, const struct aid_input *in,
	       void (*on_error)(void *arg, const char *field, const char *msg), void *arg)
{
	struct aid cur, a;
	int rc = aid_get(db, by, id, &cur);
	if (rc <= 0) {
		on_error(arg, "", "Cette demande n'existe pas.");
		return -1;
	}
	memset(&a, 0, sizeof a);
	if (aid_validate(in, &a, on_error, arg) < 0)
		return -1;
	if (db_begin(db) < 0 ||
	    db_exec(db, SQL_AID_UPDATE, "iissiisssssi", id, version, a.kind, a.purpose, a.amount_asked, a.amount_granted,
		    a.status, a.commission_on, a.decision_on, a.payment, a.refusal_reason, clock_now()) < 0)
		goto fail;
	if (db_changes(db) == 0) {
		db_rollback(db);
		return 1;
	}
	char detail[120];
	snprintf(detail, sizeof detail, "aide %lld : %s", (long long)id, a.status);
	if (audit_log(db, by, "aid.update", "person", cur.person_id, detail) < 0 || db_commit(db) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	on_error(arg, "", "Erreur de la base de données : la demande n'a pas été enregistrée.");
	return -1;
}

static void read_aid(struct db_stmt *st, struct aid *a)
{
	memset(a, 0, sizeof *a);
	a->id = db_col_int(st, 0);
	a->person_id = db_col_int(st, 1);
	a->version = db_col_int(st, 2);
	a->created_by = db_col_int(st, 3);
	a->created_at = db_col_int(st, 4);
	a->updated_at = db_col_int(st, 5);
	a->amount_asked = db_col_int(st, 6);
	a->amount_granted = db_col_int(st, 7);
	cstr_copy(a->kind, sizeof a->kind, db_col_text(st, 8));
	cstr_copy(a->status, sizeof a->status, db_col_text(st, 9));
	cstr_copy(a->payment, sizeof a->payment, db_col_text(st, 10));
	cstr_copy(a->purpose, sizeof a->purpose, db_col_text(st, 11));
	cstr_copy(a->refusal_reason, sizeof a->refusal_reason, db_col_text(st, 12));
	cstr_copy(a->commission_on, sizeof a->commission_on, db_col_text(st, 13));
	cstr_copy(a->decision_on, sizeof a->decision_on, db_col_text(st, 14));
	cstr_copy(a->creator, sizeof a->creator, db_col_text(st, 15));
}

int aid_get(struct db *db, const struct actor *by, int64_t id, struct aid *out)
{
	struct db_stmt *st = db_query(db, SQL_AID_GET, "ii", id, by->structure_id);
	if (!st)
		return DB_ERR;
	int rc = db_step(st);
	if (rc == 1)
		read_aid(st, out);
	db_done(st);
	return rc;
}

int aid_list(struct db *db, const struct actor *by, int64_t person_id, void (*fn)(void *arg, const struct aid *a),
	     void *arg)
{
	struct db_stmt *st = db_query(db, SQL_AID_FOR_PERSON, "ii", person_id, by->structure_id);
	if (!st)
		return DB_ERR;
	int rc;
	struct aid a;
	while ((rc = db_step(st)) == 1) {
		read_aid(st, &a);
		fn(arg, &a);
	}
	db_done(st);
	return rc;
}
