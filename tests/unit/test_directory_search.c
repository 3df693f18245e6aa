#include "unit.h"
#include "core/clock.h"
#include "core/hours.h"
#include "core/pool.h"
#include "db/db.h"
#include "domain/commune.h"
#include "domain/directory.h"
#include "domain/directory_search.h"
#include "domain/orientation.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* ---- words, cells, distances ---------------------------------------------- */

TEST(directory_search_words)
{
	char w[DIR_MAX_WORDS][64];
	int n = directory_search_words("Démarches administratives de la CAF", w, DIR_MAX_WORDS);
	CHECK(n == 3);
	CHECK_STR(w[0], "demarch");
	CHECK_STR(w[1], "administrati");
	CHECK_STR(w[2], "caf");
	n = directory_search_words("  l'aide   SOCIAUX, d'urgence pour les jeunes ", w, DIR_MAX_WORDS);
	CHECK(n == 4);
	CHECK_STR(w[0], "aide");
	CHECK_STR(w[1], "socia");
	CHECK_STR(w[2], "urgenc");
	CHECK_STR(w[3], "jeun");
	CHECK(directory_search_words("de la le", w, DIR_MAX_WORDS) == 0);
	CHECK(directory_search_words(NULL, w, DIR_MAX_WORDS) == 0);
	CHECK(directory_search_words("aide aide aides", w, DIR_MAX_WORDS) == 1);
	CHECK(directory_search_words("un deux trois quatre cinq six sept huit neuf dix", w, DIR_MAX_WORDS) == DIR_MAX_WORDS - 1 ||
	      directory_search_words("un deux trois quatre cinq six sept huit neuf dix", w, DIR_MAX_WORDS) == DIR_MAX_WORDS);
}

TEST(directory_search_text_forms)
{
	char w[DIR_MAX_WORDS][64];
	const char *text = "Accompagnement aux démarches administratives (CAF, CPAM)";
	int n = directory_search_words("démarche", w, DIR_MAX_WORDS);
	CHECK(directory_text_matches(text, w, n));
	n = directory_search_words("DEMARCHES", w, DIR_MAX_WORDS);
	CHECK(directory_text_matches(text, w, n));
	n = directory_search_words("administratif cpam", w, DIR_MAX_WORDS);
	CHECK(directory_text_matches(text, w, n));
	/* A word matches the start of a word only, and every word must match. */
	n = directory_search_words("marche", w, DIR_MAX_WORDS);
	CHECK(!directory_text_matches(text, w, n));
	n = directory_search_words("démarche logement", w, DIR_MAX_WORDS);
	CHECK(!directory_text_matches(text, w, n));
	n = directory_search_words("social", w, DIR_MAX_WORDS);
	CHECK(directory_text_matches("Travailleurs sociaux", w, n));
}

TEST(directory_search_cells_and_distance)
{
	/* Roubaix → Lille, about 11 km; Paris → Lyon, about 392 km. */
	double d = directory_distance_km(50.6942, 3.1746, 50.6292, 3.0573);
	CHECK(d > 10 && d < 12);
	d = directory_distance_km(48.8566, 2.3522, 45.7640, 4.8357);
	CHECK(d > 385 && d < 400);
	CHECK(directory_distance_km(50.0, 3.0, 50.0, 3.0) == 0.0);
	/* The cells of a 10 km circle hold the centre's cell and every cell of
	 * a point within 10 km. */
	int64_t cells[512];
	int n = directory_geo_cells(50.6942, 3.1746, 10, cells, 512);
	CHECK(n > 4 && n < 64);
	int64_t want[] = {directory_geo_cell(50.6942, 3.1746), directory_geo_cell(50.7239, 3.1612),
			  directory_geo_cell(50.6942 + 0.089, 3.1746), directory_geo_cell(50.6942, 3.1746 - 0.14)};
	for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
		int in = 0;
		for (int i = 0; i < n; i++)
			in |= cells[i] == want[k];
		CHECK(in);
	}
	/* Row by row, columns in order: the search reads one range per row. */
	int runs = 1;
	for (int i = 1; i < n; i++)
		runs += cells[i] != cells[i - 1] + 1;
	CHECK(runs >= 2 && runs <= 4);
	CHECK(directory_geo_cells(50.6942, 3.1746, 100, cells, 16) < 0);
}

TEST(directory_search_eligibility_rules)
{
	CHECK(zone_eligible(NULL, "59512") == 1);
	CHECK(zone_eligible("", "59512") == 1);
	CHECK(zone_eligible("59", "59512") == 1);
	CHECK(zone_eligible("62", "59512") == 0);
	CHECK(zone_eligible("59599|59512", "59512") == 1);
	CHECK(zone_eligible("france", "62498") == 1);
}

/* ---- searches on a scratch database ----------------------------------------- */

static void ignore(void *arg, const char *record, const char *reason)
{
	(void)arg;
	fprintf(stderr, "    import: %s: %s\n", record ? record : "(fichier)", reason);
}

static void quiet(void *arg, const char *field, const char *msg)
{
	(void)arg;
	fprintf(stderr, "    %s: %s\n", field, msg);
}

/* Structures and services around Roubaix and Lens. The same id for a
 * structure and its service; no coordinates for Wattrelos and Liévin. */
static const struct place {
	const char *id, *nom, *insee, *cp, *commune, *lat, *lon, *themes, *hours, *frais, *publics, *modes, *zone;
} PLACES[] = {
	{"roubaix", "Espace numérique de Roubaix", "59512", "59100", "Roubaix", "50.6942", "3.1746",
	 "\"numerique--acceder-a-une-connexion-internet\"", "Mo-Fr 09:00-12:00", "\"gratuit\"", "\"tous-publics\"",
	 "\"en-presentiel\"", "\"59\""},
	{"tourcoing", "Permanence démarches administratives", "59599", "59200", "Tourcoing", "50.7239", "3.1612",
	 "\"difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives\", "
	 "\"numerique--acceder-a-des-services-en-ligne\"",
	 "Tu 14:00-17:00", "\"payant\"", "\"jeunes\"", "\"a-distance\"", "\"59599\""},
	{"lille", "Atelier informatique de Lille", "59350", "59000", "Lille", "50.6292", "3.0573",
	 "\"numerique--maitriser-les-fondamentaux-du-numerique\"", "Mo-Sa 08:00-18:00", "null", "\"seniors\"",
	 "\"en-presentiel\"", "\"france\""},
	{"wattrelos", "Épicerie solidaire de Wattrelos", "59650", "59150", "Wattrelos", NULL, NULL,
	 "\"equipement-et-alimentation--alimentation\"", "tous les jours sauf lundi", "\"gratuit\"", "\"familles\"",
	 "\"en-presentiel\"", "\"59\""},
	{"lens", "Point numérique de Lens", "62498", "62300", "Lens", "50.4322", "2.8333",
	 "\"numerique--acquerir-un-equipement\"", "Mo-Fr 09:00-17:00", "\"gratuit\"", "\"tous-publics\"",
	 "\"en-presentiel\"", "\"62\""},
	{"lievin", "Médiathèque numérique de Liévin", "62510", "62800", "Liévin", NULL, NULL,
	 "\"numerique--maitriser-les-fondamentaux-du-numerique\"", NULL, "\"gratuit\"", "\"tous-publics\"",
	 "\"en-presentiel\"", "\"62\""},
};
enum { P_ROUBAIX, P_TOURCOING, P_LILLE, P_WATTRELOS, P_LENS, P_LIEVIN, NPLACES };
enum { EXTRA = 25 }; /* more workshops in Roubaix, for the pages */

static int import_places(struct db *db)
{
	struct buf s = BUF_INIT, v = BUF_INIT;
	for (int i = 0; i < NPLACES + EXTRA; i++) {
		const struct place *p = &PLACES[i < NPLACES ? i : P_ROUBAIX];
		char id[32];
		snprintf(id, sizeof id, i < NPLACES ? "%s" : "%s-%d", p->id, i);
		buf_appendf(&s, "%s{\"source\": \"test\", \"id\": \"%s\", \"nom\": \"%s%s\", \"date_maj\": \"2026-03-01\", "
				"\"code_insee\": \"%s\", \"code_postal\": \"%s\", \"commune\": \"%s\", \"adresse\": \"1 place de la Mairie\", "
				"\"latitude\": %s, \"longitude\": %s}",
			    i ? ",\n" : "", id, i < NPLACES ? "" : "Atelier du quartier ", i < NPLACES ? p->nom : id, p->insee,
			    p->cp, p->commune, p->lat ? p->lat : "null", p->lon ? p->lon : "null");
		buf_appendf(&v, "%s{\"source\": \"test\", \"id\": \"%s\", \"structure_id\": \"%s\", \"nom\": \"%s\", "
				"\"description\": \"Un service de test à %s.\", \"date_maj\": \"2026-03-01\", \"thematiques\": [%s], "
				"\"horaires_accueil\": %s%s%s, \"frais\": %s, \"publics\": [%s], \"modes_accueil\": [%s], "
				"\"zone_eligibilite\": [%s], \"code_insee\": \"%s\"}",
			    i ? ",\n" : "", id, id, i < NPLACES ? p->nom : "Atelier numérique", p->commune, p->themes,
			    p->hours ? "\"" : "", p->hours ? p->hours : "null", p->hours ? "\"" : "", p->frais, p->publics,
			    p->modes, p->zone, p->insee);
	}
	struct buf doc = BUF_INIT;
	buf_appendf(&doc, "{\"structures\": [%s],\n\"services\": [%s]}", buf_cstr(&s), buf_cstr(&v));
	struct directory_import_options opt = {.file_name = "test.json", .attribution = "Test"};
	struct directory_import_result res;
	int rc = directory_import(db, doc.data, doc.len, &opt, &res, ignore, NULL);
	if (rc == 0 && (res.rejected || res.services_created != NPLACES + EXTRA))
		rc = -1;
	buf_free(&s);
	buf_free(&v);
	buf_free(&doc);
	return rc;
}

static int64_t id_of(struct db *db, const char *key)
{
	int64_t id = 0;
	db_get_int(db, "SELECT id FROM dir_services WHERE source_key = $1", &id, "s", key);
	return id;
}

/* The ids of a search's hits, in order, as "roubaix,tourcoing" (national
 * services by key, local ones as "local"). */
static const char *order_of(struct db *db, const struct dir_results *r, char *out, size_t n)
{
	out[0] = '\0';
	for (int i = 0; i < r->n; i++) {
		const char *name = "local";
		for (int k = 0; k < NPLACES && !r->hits[i].local; k++)
			if (id_of(db, PLACES[k].id) == r->hits[i].id)
				name = PLACES[k].id;
		if (!r->hits[i].local && strcmp(name, "local") == 0)
			name = "extra";
		size_t len = strlen(out);
		snprintf(out + len, n - len, "%s%s", len ? "," : "", name);
	}
	return out;
}

static int search(struct db *db, const struct actor *by, const struct dir_query *q, struct pool *pool,
		  struct dir_results *r)
{
	return directory_search(db, by, q, pool, r);
}

/* A Paris civil time as Unix time (CET in winter: UTC+1). */
static int64_t paris_winter(int y, int m, int d, int hh, int mm)
{
	return days_from_civil(y, m, d) * 86400 + (hh - 1) * 3600 + mm * 60;
}

TEST(directory_search_queries)
{
	char path[64], got[1200];
	struct db *db = unit_scratch_db(path, sizeof path);
	CHECK(db != NULL);
	if (!db)
		return;
	CHECK(db_exec(db, "INSERT INTO structures(name, created_at) VALUES ('CCAS de Roubaix', 0), ('Autre', 0)", "") == 0);
	CHECK(import_places(db) == 0);
	struct actor by = {.user_id = 0, .structure_id = 1, .role = ROLE_RESPONSABLE, .ip = "test"};
	struct actor other = {.user_id = 0, .structure_id = 2, .role = ROLE_RESPONSABLE, .ip = "test"};
	struct pool *pool = pool_new();
	struct dir_results r;
	struct dir_query q = {.page = 1};

	/* Nothing asked: nothing searched. */
	CHECK(search(db, &by, &q, pool, &r) == 0 && r.no_criteria && r.total == 0);

	/* By theme: a category, a sub-thématique, an unknown value. */
	q.theme = "numerique";
	CHECK(search(db, &by, &q, pool, &r) == 0 && r.total == 5 + EXTRA && r.pages == 2 && r.n == 20);
	q.page = 2;
	CHECK(search(db, &by, &q, pool, &r) == 0 && r.page == 2 && r.n == 5 + EXTRA - 20);
	q.page = 9; /* beyond the end: the last page */
	CHECK(search(db, &by, &q, pool, &r) == 0 && r.page == 2);
	q.page = 1;
	q.theme = "numerique--acceder-a-des-services-en-ligne";
	CHECK(search(db, &by, &q, pool, &r) == 0 && r.total == 1);
	CHECK_STR(order_of(db, &r, got, sizeof got), "tourcoing");
	q.theme = "inconnu";
	CHECK(search(db, &by, &q, pool, &r) == 0 && r.total == 0);

	/* By words, with and without accents, in French forms. */
	q.theme = NULL;
	const char *texts[] = {"démarche", "DEMARCHES", "demarches administratif", "Démarches Administratives"};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		q.text = texts[i];
		CHECK(search(db, &by, &q, pool, &r) == 0 && r.total == 1);
		CHECK_STR(order_of(db, &r, got, sizeof got), "tourcoing");
	}
	q.text = "médiathèque liévin";
	CHECK(search(db, &by, &q, pool, &r) == 0 && r.total == 1);
	CHECK_STR(order_of(db, &r, got, sizeof got), "lievin");
	q.text = "epicerie";
	CHECK(search(db, &by, &q, pool, &r) == 0 && r.total == 1);
	q.text = "numérique";
	q.theme = "numerique";
	CHECK(search(db, &by, &q, pool, &r) == 0 && r.total == 5 + EXTRA);

	/* Around Roubaix, 10 km: by distance, then the unlocated services of the
	 * département; Lille (11 km) and the Pas-de-Calais left out. */
	q.text = NULL;
	q.theme = NULL;
	CHECK(directory_place_commune(db, "59512", &q.place) == 1 && q.place.has_point);
	CHECK(fabs(q.place.lat - 50.6942) < 1e-6);
	q.radius_km = 10;
	CHECK(search(db, &by, &q, pool, &r) == 0 && r.total == 2 + EXTRA + 1);
	q.theme = "numerique";
	CHECK(search(db, &by, &q, pool, &r) == 0 && r.total == 2 + EXTRA);
	q.theme = NULL;
	q.radius_km = 20;
	q.page = 2;
	CHECK(search(db, &by, &q, pool, &r) == 0 && r.total == 3 + EXTRA + 1);
	CHECK(r.n == 3 + EXTRA + 1 - 20);
	/* The last ones: Tourcoing (3.5 km), Lille (11 km), then Wattrelos (no point, same département). */
	CHECK(strstr(order_of(db, &r, got, sizeof got), "tourcoing,lille,wattrelos") != NULL);
	CHECK(r.hits[r.n - 1].km < 0 && r.hits[r.n - 1].near == 2 && !r.hits[r.n - 1].located);
	CHECK(r.hits[r.n - 2].km > 10 && r.hits[r.n - 2].km < 12);
	for (int i = 1; i < r.n - 1; i++)
		CHECK(r.hits[i].km >= r.hits[i - 1].km);
	q.page = 1;
	/* Words around a place: the same matching rules as without a place. */
	q.text = "démarche";
	CHECK(search(db, &by, &q, pool, &r) == 0 && r.total == 1);
	q.text = "atelier";
	CHECK(search(db, &by, &q, pool, &r) == 0 && r.total == EXTRA + 1);

	/* A commune the directory cannot place: by commune, then département. */
	q.text = NULL;
	CHECK(directory_place_commune(db, "62510", &q.place) == 1 && !q.place.has_point);
	CHECK(search(db, &by, &q, pool, &r) == 0 && r.total == 2);
	CHECK_STR(order_of(db, &r, got, sizeof got), "lievin,lens");
	CHECK(r.hits[0].near == 1 && r.hits[1].near == 2 && r.hits[0].km < 0);
	memset(&q.place, 0, sizeof q.place);

	/* Free, public, mode. */
	q.theme = "numerique";
	q.free_only = 1;
	CHECK(search(db, &by, &q, pool, &r) == 0 && r.total == 3 + EXTRA); /* roubaix, lens, lievin */
	q.free_only = 0;
	q.public_value = "jeunes"; /* tous-publics services serve young people too */
	CHECK(search(db, &by, &q, pool, &r) == 0 && r.total == 4 + EXTRA);
	q.public_value = "seniors";
	CHECK(search(db, &by, &q, pool, &r) == 0 && r.total == 4 + EXTRA);
	q.public_value = NULL;
	q.mode = "a-distance";
	CHECK(search(db, &by, &q, pool, &r) == 0 && r.total == 1);
	q.mode = NULL;

	/* Open now, on a fixed clock: Monday 2 March 2026 at 10:00 in Paris. */
	clock_set_fixed(paris_winter(2026, 3, 2, 10, 0));
	q.at = hours_local_from_unix(clock_now());
	q.theme = NULL;
	q.text = "numérique";
	q.open_now = 1;
	CHECK(search(db, &by, &q, pool, &r) == 0 && r.total == 3 + EXTRA); /* roubaix, lille, lens */
	clock_set_fixed(paris_winter(2026, 3, 3, 15, 30)); /* Tuesday 15:30 */
	q.at = hours_local_from_unix(clock_now());
	q.text = NULL;
	q.theme = "numerique";
	CHECK(search(db, &by, &q, pool, &r) == 0 && r.total == 3); /* tourcoing, lille, lens */
	clock_set_fixed(paris_winter(2026, 3, 2, 12, 0)); /* Monday noon: Roubaix has just closed */
	q.at = hours_local_from_unix(clock_now());
	CHECK(search(db, &by, &q, pool, &r) == 0 && r.total == 2);
	/* Open some time on a day: Sunday, nothing; Saturday, Lille. */
	q.open_now = 0;
	q.open_day = 1;
	q.at = hours_local_from_unix(paris_winter(2026, 3, 8, 0, 0));
	CHECK(search(db, &by, &q, pool, &r) == 0 && r.total == 0);
	q.at = hours_local_from_unix(paris_winter(2026, 3, 7, 0, 0));
	CHECK(search(db, &by, &q, pool, &r) == 0 && r.total == 1);
	CHECK_STR(order_of(db, &r, got, sizeof got), "lille");
	q.open_day = 0;
	clock_set_fixed(0);

	/* Eligibility for a person living in Lens. */
	q.person_insee = "62498";
	q.theme = "numerique";
	q.page = 1;
	q.text = "lens roubaix lille liévin"; /* no service has all four words */
	CHECK(search(db, &by, &q, pool, &r) == 0 && r.total == 0);
	q.text = NULL;
	CHECK(search(db, &by, &q, pool, &r) == 0 && r.total == 5 + EXTRA);
	int eligible = 0, not_eligible = 0;
	for (int p = 1; p <= r.pages; p++) {
		q.page = p;
		CHECK(search(db, &by, &q, pool, &r) == 0);
		for (int i = 0; i < r.n; i++)
			r.hits[i].eligible ? eligible++ : not_eligible++;
	}
	CHECK(eligible == 3 && not_eligible == 2 + EXTRA); /* lille (france), lens and liévin (62) */
	q.page = 1;
	q.eligible_only = 1;
	CHECK(search(db, &by, &q, pool, &r) == 0 && r.total == 3);
	q.person_insee = NULL;
	q.eligible_only = 0;

	/* The structure's own services join the national ones; not another's. */
	struct dir_record partner = {.kind = DIR_STRUCTURE};
	partner.v[DTF_NOM] = "Secours populaire de Roubaix";
	partner.v[DTF_LATITUDE] = "50.6900";
	partner.v[DTF_LONGITUDE] = "3.1800";
	partner.v[DTF_CODE_INSEE] = "59512";
	int64_t pid = 0, sid = 0;
	CHECK(directory_local_structure_save(db, &by, &pid, 0, &partner, pool, quiet, NULL) == 0);
	struct dir_record s = {.kind = DIR_SERVICE};
	s.v[DSF_NOM] = "Colis et ateliers numériques";
	s.v[DSF_DESCRIPTION] = "Colis alimentaires et aide aux démarches en ligne.";
	s.v[DSF_THEMATIQUES] = "equipement-et-alimentation--alimentation|numerique--acceder-a-des-services-en-ligne";
	s.v[DSF_MODES_MOBILISATION] = "telephoner";
	s.v[DSF_MOBILISABLE_PAR] = "professionnels";
	s.v[DSF_ZONE_ELIGIBILITE] = "59512";
	s.v[DSF_HORAIRES_ACCUEIL] = "We 14:00-17:00";
	CHECK(directory_local_service_save(db, &by, &sid, 0, pid, &s, pool, quiet, NULL) == 0);
	q.theme = NULL;
	q.text = "colis en ligne";
	CHECK(search(db, &by, &q, pool, &r) == 0 && r.total == 1 && r.hits[0].local && r.hits[0].id == sid);
	CHECK_STR(r.hits[0].structure_nom, "Secours populaire de Roubaix");
	CHECK(search(db, &other, &q, pool, &r) == 0 && r.total == 0);
	q.text = "colis";
	q.theme = "numerique";
	CHECK(directory_place_commune(db, "59512", &q.place) == 1);
	q.radius_km = 2;
	CHECK(search(db, &by, &q, pool, &r) == 0 && r.total == 1 && r.hits[0].km > 0.3 && r.hits[0].km < 1);
	CHECK(directory_local_service_set_active(db, &by, sid, 0) == 0);
	CHECK(search(db, &by, &q, pool, &r) == 0 && r.total == 0);
	CHECK(directory_local_service_active(db, &by, sid) == 0);

	/* The structure's own place. */
	struct dir_place place;
	CHECK(directory_place_structure(db, 1, &place) == 0);
	CHECK(directory_settings_save(db, &by, "59100 Roubaix", "", "", "10", quiet, NULL) == 0);
	CHECK(directory_place_structure(db, 1, &place) == 1 && place.has_point && strcmp(place.insee, "59512") == 0);
	struct directory_settings set;
	CHECK(directory_settings_get(db, 1, &set) == 0 && set.reminder_days == 10);
	CHECK(directory_settings_save(db, &by, "", "50,70", "3,20", "", quiet, NULL) == 0);
	CHECK(directory_place_structure(db, 1, &place) == 1 && fabs(place.lat - 50.70) < 1e-6 && !place.insee[0]);
	pool_free(pool);
	unit_drop_db(db, path);
}

/* ---- orientations ---------------------------------------------------------------- */

static void collect(void *arg, const char *field, const char *msg)
{
	char *out = arg;
	size_t len = strlen(out);
	snprintf(out + len, 1000 - len, "%s: %s\n", field, msg);
}

struct tally {
	int64_t numerique, transmise, contactee, partner;
};

static void tally(void *arg, const char *theme, const char *partner_type, const char *status, int64_t n)
{
	struct tally *t = arg;
	if (strcmp(theme, "numerique") == 0)
		t->numerique += n;
	if (strcmp(status, "transmise") == 0)
		t->transmise += n;
	if (strcmp(status, "contactee") == 0)
		t->contactee += n;
	if (!partner_type[0])
		t->partner += n;
}

TEST(orientation_workflow)
{
	char path[64], err[1000];
	struct db *db = unit_scratch_db(path, sizeof path);
	CHECK(db != NULL);
	if (!db)
		return;
	CHECK(db_exec(db, "INSERT INTO structures(name, created_at) VALUES ('CCAS de Roubaix', 0), ('Autre', 0)", "") == 0);
	CHECK(import_places(db) == 0);
	CHECK(db_exec(db, "INSERT INTO users(structure_id, login, display_name, role, password_hash, created_at, updated_at) "
			  "VALUES (1, 'ts', 'Théo', 'travailleur_social', 'x', 0, 0), (2, 'autre', 'Autre', 'travailleur_social', "
			  "'x', 0, 0), (1, 'acc', 'Alice', 'accueil', 'x', 0, 0)", "") == 0);
	CHECK(db_exec(db, "INSERT INTO persons(structure_id, file_number, birth_name, first_names, commune_insee, info_date, "
			  "info_method, search_name, last_contact_at, created_at, updated_at) VALUES (1, '2026-000001', 'Martin', "
			  "'Lou', '59512', '2026-01-01', 'paper', 'martin lou', 0, 0, 0)", "") == 0);
	struct actor ts = {.user_id = 1, .structure_id = 1, .role = ROLE_TRAVAILLEUR_SOCIAL, .ip = "test"};
	struct actor other = {.user_id = 2, .structure_id = 2, .role = ROLE_TRAVAILLEUR_SOCIAL, .ip = "test"};
	struct actor acc = {.user_id = 3, .structure_id = 1, .role = ROLE_ACCUEIL, .ip = "test"};
	struct orientation_input in = {.service_id = id_of(db, "roubaix"), .theme = "", .reason = "Pas d'ordinateur à la maison",
				       .shared = "", .how_to_go = "Bus 25, arrêt Mairie", .to_bring = "Pièce d'identité",
				       .to_say = "Je viens du CCAS", .status = "transmise", .reminder_days = "10"};
	clock_set_fixed(paris_winter(2026, 3, 2, 10, 0));
	/* Refused: no reason; shared without consent; reception; another structure. */
	struct orientation_input bad = in;
	bad.reason = "";
	bad.shared = "Situation de logement";
	err[0] = '\0';
	CHECK(orientation_create(db, &ts, 1, &bad, collect, err) < 0 && strstr(err, "reason:") && strstr(err, "consent:"));
	err[0] = '\0';
	CHECK(orientation_create(db, &acc, 1, &in, collect, err) < 0);
	err[0] = '\0';
	CHECK(orientation_create(db, &other, 1, &in, collect, err) < 0);
	bad = in;
	bad.service_id = 999999;
	err[0] = '\0';
	CHECK(orientation_create(db, &ts, 1, &bad, collect, err) < 0 && strstr(err, "service:"));
	/* Transmise: the follow-up task is due 10 days later. */
	err[0] = '\0';
	int64_t id = orientation_create(db, &ts, 1, &in, collect, err);
	CHECK(id > 0);
	if (err[0])
		fprintf(stderr, "    %s", err);
	struct orientation *o = malloc(sizeof *o);
	CHECK(orientation_get(db, &ts, id, o) == 1);
	CHECK_STR(o->status, "transmise");
	CHECK_STR(o->theme, "numerique");
	CHECK_STR(o->partner_name, "Espace numérique de Roubaix");
	CHECK(o->task_id > 0 && o->version == 1 && o->reminder_days == 10);
	int64_t n = 0;
	db_get_int(db, "SELECT count(*) FROM tasks WHERE id = $1 AND due_date = '2026-03-12' AND done_at IS NULL", &n, "i",
		   o->task_id);
	CHECK(n == 1);
	CHECK(orientation_get(db, &other, id, o) == 0);
	/* News from the partner: the task is ticked off; a stale form is refused. */
	err[0] = '\0';
	CHECK(orientation_set_status(db, &ts, id, 1, "contactee", "partenaire", "Rendez-vous pris", collect, err) == 0);
	CHECK(orientation_set_status(db, &ts, id, 1, "realisee", "telephone", "", collect, err) == 1);
	err[0] = '\0';
	CHECK(orientation_set_status(db, &ts, id, 2, "contactee", "", "", collect, err) < 0 && strstr(err, "note:"));
	err[0] = '\0';
	CHECK(orientation_set_status(db, &ts, id, 2, "perdue", "", "", collect, err) < 0 && strstr(err, "status:"));
	CHECK(orientation_set_status(db, &other, id, 2, "realisee", "", "", collect, err) < 0);
	db_get_int(db, "SELECT count(*) FROM tasks WHERE done_at IS NOT NULL", &n, "");
	CHECK(n == 1);
	db_get_int(db, "SELECT count(*) FROM orientation_events WHERE orientation_id = $1", &n, "i", id);
	CHECK(n == 2);
	db_get_int(db, "SELECT count(*) FROM audit_log WHERE action LIKE 'orientation.%' AND object_id = 1", &n, "");
	CHECK(n == 2);
	/* Proposée first: the task comes when it is transmise. */
	in.status = "proposee";
	in.service_id = id_of(db, "tourcoing");
	in.theme = "difficultes-administratives-ou-juridiques";
	in.shared = "Besoin d'aide pour la CAF";
	in.consent = 1;
	int64_t id2 = orientation_create(db, &ts, 1, &in, collect, err);
	CHECK(id2 > 0 && orientation_get(db, &ts, id2, o) == 1 && o->task_id == 0 && o->consent);
	CHECK(orientation_set_status(db, &ts, id2, 1, "transmise", "telephone", "", collect, err) == 0);
	CHECK(orientation_get(db, &ts, id2, o) == 1 && o->task_id > 0);
	/* The figures of the period. */
	struct tally t = {0};
	CHECK(orientation_stats(db, 1, 0, paris_winter(2026, 3, 1, 0, 0), paris_winter(2026, 4, 1, 0, 0), tally, &t) == 0);
	CHECK(t.numerique == 1 && t.contactee == 1 && t.transmise == 1 && t.partner == 2);
	memset(&t, 0, sizeof t);
	CHECK(orientation_stats(db, 2, 0, 0, INT64_MAX, tally, &t) == 0 && t.numerique == 0);
	CHECK_STR(orientation_theme_label("numerique"), "Numérique");
	CHECK_STR(orientation_partner_label("france-service"), "France Service");
	CHECK_STR(orientation_partner_label(""), "Type non précisé");
	clock_set_fixed(0);
	free(o);
	unit_drop_db(db, path);
}
