#include "domain/import.h"
#include "core/clock.h"
#include "core/csv.h"
#include "core/text.h"
#include "core/u64set.h"
#include "domain/person.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Usual headers of spreadsheets kept by structures, folded (text_fold). */
static const struct {
	const char *header;
	enum person_field field;
} ALIASES[] = {
	{"civilite", PF_CIVILITE}, {"nom", PF_BIRTH_NAME}, {"nom de naissance", PF_BIRTH_NAME},
	{"nom de famille", PF_BIRTH_NAME}, {"nom d usage", PF_USAGE_NAME}, {"nom marital", PF_USAGE_NAME},
	{"prenom", PF_FIRST_NAMES}, {"prenoms", PF_FIRST_NAMES}, {"date de naissance", PF_BIRTH_DATE},
	{"naissance", PF_BIRTH_DATE}, {"ne le", PF_BIRTH_DATE}, {"lieu de naissance", PF_BIRTH_PLACE},
	{"nationalite", PF_NATIONALITY}, {"adresse", PF_ADDRESS}, {"code postal", PF_POSTAL_CODE},
	{"cp", PF_POSTAL_CODE}, {"commune", PF_COMMUNE_NAME}, {"ville", PF_COMMUNE_NAME},
	{"telephone", PF_PHONE}, {"tel", PF_PHONE}, {"portable", PF_PHONE}, {"telephone 2", PF_PHONE2},
	{"email", PF_EMAIL}, {"e mail", PF_EMAIL}, {"courriel", PF_EMAIL}, {"mail", PF_EMAIL},
	{"langues", PF_LANGUAGES}, {"numero caf", PF_CAF_NUMBER}, {"n caf", PF_CAF_NUMBER},
	{"caf", PF_CAF_NUMBER}, {"nir", PF_NIR}, {"numero de securite sociale", PF_NIR},
	{"date d information", PF_INFO_DATE}, {"informe le", PF_INFO_DATE},
};

/* Spreadsheet values for civilité, as people type them. */
static const char *civilite_value(const char *v)
{
	struct buf f = BUF_INIT;
	text_fold(v, &f);
	const char *r = v;
	const char *s = buf_cstr(&f);
	if (!strcmp(s, "mme") || !strcmp(s, "madame") || !strcmp(s, "f"))
		r = "Mme";
	else if (!strcmp(s, "m") || !strcmp(s, "monsieur") || !strcmp(s, "mr") || !strcmp(s, "h"))
		r = "M.";
	else if (!s[0])
		r = "";
	buf_free(&f);
	return r;
}

static int field_by_name(const char *name)
{
	for (int f = 0; f < PF_COUNT; f++)
		if (strcmp(person_fields[f].name, name) == 0)
			return f;
	return -1;
}

/* From --map "Header=field,...": the field for a header, or -1. */
static int mapped_field(const char *mapping, const char *header, int *found)
{
	*found = 0;
	if (!mapping)
		return -1;
	const char *p = mapping;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		const char *eq = memchr(p, '=', n);
		if (eq && (size_t)(eq - p) == strlen(header) && strncmp(p, header, (size_t)(eq - p)) == 0) {
			char name[64];
			str_copy(name, sizeof name, (struct str){eq + 1, n - (size_t)(eq - p) - 1});
			*found = 1;
			return field_by_name(name);
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return -1;
}

struct line_errors {
	import_report_fn report;
	void *arg;
	int line;
	int count;
};

static void line_error(void *arg, const char *field, const char *msg)
{
	struct line_errors *le = arg;
	char text[400];
	int f = field_by_name(field);
	snprintf(text, sizeof text, "%s : %s", f >= 0 ? person_fields[f].label : field, msg);
	le->report(le->arg, le->line, text);
	le->count++;
}

/* People already met in the file are kept as hashes of their birth date and
 * folded names (core/u64set.h): a duplicate inside the file is found in
 * constant time. */
static uint64_t person_key(const struct person *p)
{
	struct buf k = BUF_INIT;
	buf_appendf(&k, "%s|", p->v[PF_BIRTH_DATE]);
	text_fold(p->v[PF_BIRTH_NAME], &k);
	buf_putc(&k, '|');
	text_fold(p->v[PF_FIRST_NAMES], &k);
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < k.len; i++) {
		h ^= (unsigned char)k.data[i];
		h *= 1099511628211ULL;
	}
	buf_free(&k);
	return h ? h : 1;
}

/* Fills p from the current record and checks it, against the files already
 * in Lien when against_db. 1 good, 0 bad (reported). */
static int check_line(struct db *db, const struct actor *by, const struct import_options *opt,
		      const struct csv_reader *r, const int *columns, int ncols, int64_t now, struct person *p,
		      struct u64set *seen, int against_db, import_report_fn report, void *arg, struct import_result *res)
{
	if (r->nfields > ncols) {
		char msg[120];
		snprintf(msg, sizeof msg, "%d champs pour %d colonnes d'en-tête", r->nfields, ncols);
		report(arg, r->record_line, msg);
		res->bad++;
		return 0;
	}
	person_init(p, now);
	if (opt->info_date)
		cstr_copy(p->v[PF_INFO_DATE], PERSON_VALUE_MAX, opt->info_date);
	if (opt->info_method)
		cstr_copy(p->v[PF_INFO_METHOD], PERSON_VALUE_MAX, opt->info_method);
	for (int i = 0; i < r->nfields; i++) {
		if (columns[i] < 0)
			continue;
		const char *v = csv_field(r, i);
		if (columns[i] == PF_CIVILITE)
			v = civilite_value(v);
		if (person_fields[columns[i]].kind == FK_FLAG)
			v = (!strcmp(v, "1") || !strcmp(v, "oui") || !strcmp(v, "Oui")) ? "1" : "0";
		if (cstr_copy(p->v[columns[i]], PERSON_VALUE_MAX, v) < 0)
			cstr_copy(p->v[columns[i]], PERSON_VALUE_MAX, "\x01"); /* fails validation: too long */
	}
	struct line_errors le = {report, arg, r->record_line, 0};
	if (person_validate(p, by, line_error, &le) < 0) {
		res->bad++;
		return 0;
	}
	/* The same person twice in the file, or already in Lien. */
	int fresh = u64set_add(seen, person_key(p));
	struct person_hit hits[3];
	int nd = fresh && against_db ? person_duplicates(db, by, p, hits, 3) : 0;
	if ((fresh == 0 || nd > 0) && !opt->allow_duplicates) {
		char msg[400];
		if (fresh == 0)
			snprintf(msg, sizeof msg, "cette personne figure déjà plus haut dans le fichier");
		else
			snprintf(msg, sizeof msg, "doublon probable du dossier %s (%s) : ligne ignorée", hits[0].file_number,
				 hits[0].name);
		report(arg, r->record_line, msg);
		res->duplicates++;
		res->bad++;
		return 0;
	}
	return 1;
}

int import_persons(struct db *db, const struct actor *by, const char *data, size_t len,
		   const struct import_options *opt, struct import_result *res, import_report_fn report, void *arg)
{
	memset(res, 0, sizeof *res);
	struct buf converted = BUF_INIT, err = BUF_INIT;
	size_t skip = csv_skip_bom(data, len);
	data += skip;
	len -= skip;
	int rc = text_to_utf8(data, len, &converted);
	if (rc < 0) {
		report(arg, 0, "mémoire insuffisante");
		return -1;
	}
	if (rc == 1) {
		data = converted.data;
		len = converted.len;
	}
	struct csv_reader r;
	csv_init(&r, data, len, csv_guess_separator(data, len));
	int columns[CSV_MAX_FIELDS];
	int has_info_date = 0, has_info_method = 0, header_ok = 1;
	if (csv_next(&r, &err) != 1) {
		report(arg, 1, "ligne d'en-tête illisible ou absente");
		header_ok = 0;
	}
	for (int i = 0; header_ok && i < r.nfields; i++) {
		int found;
		int f = mapped_field(opt->mapping, csv_field(&r, i), &found);
		if (!found) {
			struct buf h = BUF_INIT;
			text_fold(csv_field(&r, i), &h);
			for (size_t k = 0; k < sizeof ALIASES / sizeof ALIASES[0] && f < 0; k++)
				if (strcmp(ALIASES[k].header, buf_cstr(&h)) == 0)
					f = (int)ALIASES[k].field;
			if (f < 0)
				f = field_by_name(csv_field(&r, i));
			buf_free(&h);
		}
		if (f < 0 && (found || csv_field(&r, i)[0])) {
			char msg[300];
			snprintf(msg, sizeof msg, "colonne « %s » non reconnue : elle est ignorée", csv_field(&r, i));
			report(arg, 0, msg);
		}
		columns[i] = f;
		has_info_date |= f == PF_INFO_DATE;
		has_info_method |= f == PF_INFO_METHOD;
	}
	int ncols = header_ok ? r.nfields : 0;
	if (header_ok && !has_info_date && !opt->info_date) {
		report(arg, 0, "la date d'information des personnes est obligatoire : ajoutez au fichier une colonne "
			       "« Date d'information », ou indiquez la date à laquelle elles ont toutes été informées");
		header_ok = 0;
	}

	/* First pass: check every line, remember which are good (and the keys
	 * of the people seen, for duplicates inside the file). The second pass
	 * reads the file again to write the good lines: memory stays small
	 * whatever the size of the file. */
	unsigned char *good = NULL;
	struct u64set seen = {0};
	int ngood = 0, nrec = 0, cap = 0;
	int64_t now = clock_now();
	size_t data_start = (size_t)(r.p - data);
	int first_line = r.line;
	struct person p;
	while (header_ok) {
		buf_reset(&err);
		int got = csv_next(&r, &err);
		if (got == 0)
			break;
		if (nrec == cap) {
			cap = cap ? cap * 2 : 1024;
			unsigned char *g = realloc(good, (size_t)cap);
			if (!g) {
				report(arg, 0, "mémoire insuffisante");
				res->bad++;
				break;
			}
			good = g;
		}
		good[nrec++] = 0;
		res->lines++;
		if (res->lines > IMPORT_MAX_LINES) {
			char msg[120];
			snprintf(msg, sizeof msg, "le fichier dépasse %d lignes : découpez-le en plusieurs imports", IMPORT_MAX_LINES);
			report(arg, 0, msg);
			res->bad++;
			break;
		}
		if (got < 0) {
			report(arg, r.record_line, buf_cstr(&err));
			res->bad++;
			continue;
		}
		if (r.nfields == 1 && !csv_field(&r, 0)[0]) {
			res->lines--; /* a blank line */
			continue;
		}
		int status = check_line(db, by, opt, &r, columns, ncols, now, &p, &seen, 1, report, arg, res);
		if (status == 1) {
			good[nrec - 1] = 1;
			ngood++;
		}
	}
	csv_free(&r);

	int ok = header_ok && res->lines <= IMPORT_MAX_LINES && (res->bad == 0 || opt->skip_bad);
	if (ok && !opt->dry_run && ngood > 0) {
		/* One transaction: all the good lines, or nothing. */
		struct u64set again = {0};
		struct import_result ignored = {0};
		csv_init(&r, data + data_start, len - data_start, r.sep);
		r.line = first_line;
		if (db_begin(db) < 0) {
			ok = 0;
		} else {
			for (int i = 0; i < nrec && ok; i++) {
				buf_reset(&err);
				if (csv_next(&r, &err) != 1 || !good[i])
					continue;
				/* Checked against the database in the first pass: the people
				 * written just before are not duplicates of each other. */
				if (check_line(db, by, opt, &r, columns, ncols, now, &p, &again, 0, report, arg, &ignored) != 1 ||
				    person_create(db, by, &p, &err) < 0) {
					report(arg, r.record_line, buf_cstr(&err));
					ok = 0;
				}
			}
			if (ok && db_commit(db) < 0) {
				report(arg, 0, db_errmsg(db));
				ok = 0;
			}
			if (!ok)
				db_rollback(db);
		}
		csv_free(&r);
		u64set_free(&again);
	}
	buf_free(&converted);
	if (ok)
		res->imported = ngood;
	u64set_free(&seen);
	free(good);
	buf_free(&err);
	return ok ? 0 : -1;
}
