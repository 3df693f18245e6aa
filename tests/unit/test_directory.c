#include "unit.h"
#include "core/pool.h"
#include "db/db.h"
#include "domain/commune.h"
#include "domain/directory.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

TEST(directory_vocabularies)
{
	size_t n;
	directory_vocab(DV_THEME, &n);
	CHECK(n == 69);
	directory_vocab(DV_THEME_CATEGORY, &n);
	CHECK(n == 16);
	directory_vocab(DV_PUBLIC, &n);
	CHECK(n == 14);
	directory_vocab(DV_TYPE, &n);
	CHECK(n == 6);
	directory_vocab(DV_RESEAU_PORTEUR, &n);
	CHECK(n == 108);
	directory_vocab(DV_MODE_MOBILISATION, &n);
	CHECK(n == 4);
	CHECK_STR(directory_term_label(DV_THEME_CATEGORY, "numerique"), "Numérique");
	CHECK_STR(directory_term_label(DV_PUBLIC, "tous-publics"), "Tous publics");
	CHECK(directory_term_label(DV_THEME, "numerique") == NULL);
	CHECK(directory_term_index(DV_FRAIS, "payant") >= 0 && directory_term_index(DV_FRAIS, "pass-numerique") < 0);
	const struct dir_term *t = directory_vocab(DV_THEME, &n);
	int i = directory_term_index(DV_THEME, "logement-hebergement--louer-un-logement");
	CHECK(i >= 0 && strcmp(t[i].parent, "logement-hebergement") == 0);
}

struct problems {
	char text[2000];
	int count;
};

static void collect(void *arg, const char *field, const char *msg)
{
	struct problems *p = arg;
	size_t len = strlen(p->text);
	snprintf(p->text + len, sizeof p->text - len, "%s: %s\n", field, msg);
	p->count++;
}

/* A valid service, then one field changed at a time. */
static int check_one(int field, const char *value, struct problems *p, const char **normalised)
{
	struct pool *pool = pool_new();
	struct dir_record r = {.kind = DIR_SERVICE};
	r.v[DSF_SOURCE] = "test";
	r.v[DSF_ID] = "test--1";
	r.v[DSF_STRUCTURE_ID] = "test--s1";
	r.v[DSF_NOM] = "Permanence d'accès aux droits";
	r.v[DSF_DESCRIPTION] = "Une permanence sans rendez-vous.";
	r.v[DSF_DATE_MAJ] = "2026-04-27";
	r.v[DSF_THEMATIQUES] = "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits";
	r.v[field] = value;
	memset(p, 0, sizeof *p);
	int rc = directory_validate(&r, 0, DSF_COUNT, pool, collect, p);
	static char kept[400];
	snprintf(kept, sizeof kept, "%s", r.v[field] ? r.v[field] : "(absent)");
	if (normalised)
		*normalised = kept;
	pool_free(pool);
	return rc;
}

TEST(directory_validation)
{
	struct problems p;
	const char *v;
	CHECK(check_one(DSF_TYPE, "accompagnement", &p, NULL) == 0 && p.count == 0);
	CHECK(check_one(DSF_NOM, "Ab", &p, NULL) < 0 && strstr(p.text, "nom: 2 caractères, 3 au moins"));
	CHECK(check_one(DSF_NOM, "  ", &p, NULL) < 0 && strstr(p.text, "nom: obligatoire"));
	CHECK(check_one(DSF_DESCRIPTION, NULL, &p, NULL) < 0 && strstr(p.text, "description: obligatoire"));
	CHECK(check_one(DSF_DATE_MAJ, "2025-02-30", &p, NULL) < 0 && strstr(p.text, "date_maj: date"));
	CHECK(check_one(DSF_DATE_MAJ, "27/04/2026", &p, NULL) < 0);
	CHECK(check_one(DSF_CODE_POSTAL, "5900", &p, NULL) < 0 && strstr(p.text, "code_postal"));
	CHECK(check_one(DSF_CODE_INSEE, "2A004", &p, NULL) == 0);
	CHECK(check_one(DSF_CODE_INSEE, "75-01", &p, NULL) < 0);
	CHECK(check_one(DSF_LATITUDE, "50.63", &p, NULL) == 0);
	CHECK(check_one(DSF_LATITUDE, "91", &p, NULL) < 0 && strstr(p.text, "latitude"));
	CHECK(check_one(DSF_LONGITUDE, "3,06", &p, NULL) < 0);
	CHECK(check_one(DSF_TELEPHONE, "03 20 00 00 00", &p, NULL) == 0);
	CHECK(check_one(DSF_TELEPHONE, "115", &p, NULL) == 0);
	CHECK(check_one(DSF_TELEPHONE, "appeler la mairie", &p, NULL) < 0);
	CHECK(check_one(DSF_COURRIEL, "accueil@ccas-lens.fr", &p, NULL) == 0);
	CHECK(check_one(DSF_COURRIEL, "accueil@ccas", &p, NULL) < 0);
	CHECK(check_one(DSF_COURRIEL, "a..b@ccas-lens.fr", &p, NULL) < 0);
	/* URLs: what an URI may not hold is percent-encoded, other schemes refused. */
	CHECK(check_one(DSF_LIEN_MOBILISATION, "https://exemple.fr/prendre rdv?é=1", &p, &v) == 0 &&
	      strcmp(v, "https://exemple.fr/prendre%20rdv?%C3%A9=1") == 0);
	CHECK(check_one(DSF_LIEN_MOBILISATION, "http://nom@exemple.fr", &p, NULL) == 0);
	CHECK(check_one(DSF_LIEN_MOBILISATION, "ftp://exemple.fr", &p, NULL) < 0);
	CHECK(check_one(DSF_LIEN_MOBILISATION, "www.exemple.fr", &p, NULL) < 0);
	/* Vocabularies, repeats, "tous-publics" alone. */
	CHECK(check_one(DSF_TYPE, "permanence", &p, NULL) < 0 && strstr(p.text, "« permanence » n'est pas une valeur permise"));
	CHECK(check_one(DSF_PUBLICS, "jeunes|seniors", &p, NULL) == 0);
	CHECK(check_one(DSF_PUBLICS, "jeunes|jeunes", &p, NULL) < 0 && strstr(p.text, "deux fois"));
	CHECK(check_one(DSF_PUBLICS, "tous-publics|jeunes", &p, NULL) < 0 && strstr(p.text, "tous-publics"));
	CHECK(check_one(DSF_MODES_MOBILISATION, "telephoner|se-presenter", &p, NULL) == 0);
	CHECK(check_one(DSF_ZONE_ELIGIBILITE, "59|2A|200093201|59350|france", &p, NULL) == 0);
	CHECK(check_one(DSF_ZONE_ELIGIBILITE, "5935", &p, NULL) < 0);
	CHECK(check_one(DSF_NOMBRE_SEMAINES, "0", &p, NULL) < 0);
	CHECK(check_one(DSF_NOMBRE_SEMAINES, "12", &p, NULL) == 0);
	CHECK(check_one(DSF_VOLUME_HORAIRE_HEBDOMADAIRE, "-1", &p, NULL) < 0);
	CHECK(check_one(DSF_FRAIS_PRECISIONS, "bad\001byte", &p, NULL) < 0);
	/* Text: characters, not bytes; control characters and broken UTF-8 refused. */
	CHECK(check_one(DSF_NOM, "Àé", &p, NULL) < 0 && strstr(p.text, "nom: 2 caractères, 3 au moins"));
	CHECK(check_one(DSF_NOM, "Épicerie solidaire du cœur", &p, NULL) == 0);
	CHECK(check_one(DSF_FRAIS_PRECISIONS, "abcdefghijklmnop\177", &p, NULL) < 0);
	CHECK(check_one(DSF_FRAIS_PRECISIONS, "abcdefghijklmno\303(", &p, NULL) < 0 && strstr(p.text, "caractères invalides"));
	CHECK(check_one(DSF_FRAIS_PRECISIONS, "Première ligne\r\nDeuxième ligne\tsuite", &p, NULL) == 0);
}

TEST(directory_zone_eligibility)
{
	CHECK(zone_eligible(NULL, "59350") == 1);
	CHECK(zone_eligible("", "59350") == 1);
	CHECK(zone_eligible("59", "59350") == 1);
	CHECK(zone_eligible("62", "59350") == 0);
	CHECK(zone_eligible("62|59", "59350") == 1);
	CHECK(zone_eligible("200093201", "59350") == 1);  /* Métropole européenne de Lille */
	CHECK(zone_eligible("200093201", "62041") == 0);
	CHECK(zone_eligible("R32", "62041") == 1);        /* Hauts-de-France */
	CHECK(zone_eligible("R11", "62041") == 0);
	CHECK(zone_eligible("france", "2A004") == 1);
	CHECK(zone_eligible("99100", "2A004") == 1);
	CHECK(zone_eligible("99134", "2A004") == 0);      /* another country */
	CHECK(zone_eligible("2A", "2A004") == 1);
	CHECK(zone_eligible("75056", "75112") == 1);      /* an arrondissement is in its commune */
	CHECK(zone_eligible("75112", "75056") == 0);
	CHECK(zone_eligible("988", "98818") == 1);
	CHECK(zone_eligible("974", "97411") == 1);        /* unknown to the table or not: by its code */
	CHECK(zone_eligible("59", "") == 0);
	const char *deps[16];
	CHECK(commune_region_departements("32", deps, 16) == 5);
	const struct commune *c = commune_by_insee("75112");
	CHECK(c && strcmp(c->parent, "75056") == 0 && strcmp(c->epci, "200054781") == 0 && strcmp(c->region, "11") == 0);
}

TEST(directory_search_helpers)
{
	/* Paris (Notre-Dame) to Lille (Grand-Place): about 204 km. */
	double d = directory_distance_km(48.853, 2.3499, 50.6372, 3.0633);
	CHECK(d > 200 && d < 208);
	int64_t cells[64];
	int n = directory_geo_cells(50.63, 3.06, 10, cells, 64);
	CHECK(n > 0 && n <= 20);
	int found = 0;
	for (int i = 0; i < n; i++)
		found |= cells[i] == directory_geo_cell(50.70, 3.15);
	CHECK(found);
	CHECK(directory_geo_cells(50.63, 3.06, 500, cells, 64) == -1);
	struct buf q = BUF_INIT;
	directory_fts_query("Aide  alimentaire d'urgence", &q);
	CHECK_STR(buf_cstr(&q), "\"aide\" AND \"alimentaire\" AND \"d\" AND \"urgence\"*");
	buf_reset(&q);
	directory_fts_query("Sœur coe", &q);
	CHECK_STR(buf_cstr(&q), "(\"soeur\" OR \"sœur\") AND (\"coe\"* OR \"cœ\"*)");
	buf_free(&q);
	char lo[128], hi[128];
	directory_theme_range("numerique", lo, hi, sizeof lo);
	CHECK(strcmp(lo, "numerique--") == 0 && strcmp(hi, "numerique--~") == 0);
	directory_theme_range("numerique--acquerir-un-equipement", lo, hi, sizeof lo);
	CHECK(strcmp(lo, hi) == 0);
}

/* ---- imports and local services, on a scratch database ---------------- */

static void record_problem(void *arg, const char *record, const char *reason)
{
	struct problems *p = arg;
	size_t len = strlen(p->text);
	snprintf(p->text + len, sizeof p->text - len, "%s => %s\n", record ? record : "(fichier)", reason);
	p->count++;
}

static int import_text(struct db *db, const char *text, struct directory_import_result *res, struct problems *p)
{
	struct directory_import_options opt = {.file_name = "test.json"};
	memset(p, 0, sizeof *p);
	return directory_import(db, text, strlen(text), &opt, res, record_problem, p);
}

static int64_t count(struct db *db, const char *sql)
{
	int64_t n = -1;
	db_get_int(db, sql, &n, "");
	return n;
}

static const char SQL_T_MATCH[] = "SELECT count(*) FROM dir_services_fts WHERE dir_services_fts MATCH $1";

/* Services found by words typed as a person types them. */
static int64_t found(struct db *db, const char *typed)
{
	struct buf q = BUF_INIT;
	int64_t n = -1;
	directory_fts_query(typed, &q);
	db_get_int(db, SQL_T_MATCH, &n, "s", buf_cstr(&q));
	buf_free(&q);
	return n;
}

static const char SQL_T_ID[] = "SELECT id FROM dir_services WHERE source_key = 'lieu-1'";
static const char SQL_T_ID01[] = "SELECT id FROM dir_services WHERE source_key = 'v01'";

TEST(directory_import_rules)
{
	char path[64];
	struct db *db = unit_scratch_db(path, sizeof path);
	CHECK(db != NULL);
	if (!db)
		return;
	struct directory_import_result res;
	struct problems p;
	/* Malformed JSON: refused whole, line and column given, nothing written. */
	CHECK(import_text(db, "{\"structures\": [{\"source\": \"t\", \"id\": \"a\", \"nom\": \"Abc\", \"date_maj\": \"2026-01-01\"},\n"
			      "{\"source\": \"t\" \"id\": \"b\"}]}",
			  &res, &p) < 0);
	CHECK(strstr(p.text, "JSON invalide ligne 2") != NULL);
	CHECK(count(db, "SELECT count(*) FROM dir_structures") == 0);
	CHECK(import_text(db, "{\"_note\": 1}", &res, &p) < 0);
	CHECK(import_text(db, "nom;prenom\nDupont;Jean\n", &res, &p) < 0 && strstr(p.text, "format inconnu"));

	/* data·inclusion: a bad structure takes its service with it; a service
	 * may come before its structure; the rest goes in. */
	const char *di = "{\"services\": [\n"
			 " {\"source\": \"t\", \"id\": \"s1\", \"structure_id\": \"a\", \"nom\": \"Aide alimentaire\","
			 "  \"description\": \"Colis chaque semaine.\", \"date_maj\": \"2026-01-01\","
			 "  \"thematiques\": [\"equipement-et-alimentation--alimentation\"], \"zone_eligibilite\": [\"59\"]},\n"
			 " {\"source\": \"t\", \"id\": \"s2\", \"structure_id\": \"b\", \"nom\": \"Orphelin\","
			 "  \"description\": \"Sa structure est rejetée.\", \"date_maj\": \"2026-01-01\"},\n"
			 " {\"source\": \"t\", \"id\": \"s3\", \"structure_id\": \"a\", \"nom\": \"Sans date\","
			 "  \"description\": \"Pas de date de mise à jour.\", \"latitude\": \"50.6\"},\n"
			 " {\"source\": \"t\", \"id\": \"s4\", \"structure_id\": \"zz\", \"nom\": \"Sans structure\","
			 "  \"description\": \"Structure inconnue.\", \"date_maj\": \"2026-01-01\"}\n"
			 "], \"structures\": [\n"
			 " {\"source\": \"t\", \"id\": \"a\", \"nom\": \"Épicerie solidaire\", \"date_maj\": \"2026-01-01\","
			 "  \"latitude\": 50.63, \"longitude\": 3.06, \"telephone\": \"03 20 00 00 00\"},\n"
			 " {\"source\": \"t\", \"id\": \"b\", \"nom\": \"Association\", \"date_maj\": \"2026-01-01\","
			 "  \"courriel\": \"pas-une-adresse\"},\n"
			 " {\"source\": \"t\", \"id\": \"a\", \"nom\": \"Doublon\", \"date_maj\": \"2026-01-01\"}\n"
			 "]}";
	CHECK(import_text(db, di, &res, &p) == 0);
	CHECK(res.shape == DIR_SHAPE_DI_V1 && res.records == 7);
	CHECK(res.structures_created == 1 && res.services_created == 1 && res.rejected == 5);
	CHECK(strstr(p.text, "b (structure) => courriel : adresse « pas-une-adresse » invalide") != NULL);
	CHECK(strstr(p.text, "a (structure) => id : « a » figure déjà plus haut dans le fichier") != NULL);
	CHECK(strstr(p.text, "s2 (service) => structure_id : sa structure « b » est rejetée") != NULL);
	CHECK(strstr(p.text, "s3 (service) => latitude : un nombre est attendu ; date_maj : obligatoire") != NULL);
	CHECK(strstr(p.text, "s4 (service) => structure_id : structure « zz » absente") != NULL);
	/* Its point is its structure's, its theme indexed with its category. */
	CHECK(count(db, "SELECT count(*) FROM dir_services WHERE geo_cell IS NOT NULL AND abs(geo_lat - 50.63) < 1e-6") == 1);
	CHECK(count(db, "SELECT count(*) FROM dir_service_themes WHERE theme >= 'equipement-et-alimentation--' "
			"AND theme <= 'equipement-et-alimentation--~'") == 1);
	CHECK(found(db, "épicerie") == 1 && found(db, "epi") == 1 && found(db, "boulangerie") == 0);
	/* Again: nothing changes; a dry run of a change writes nothing. */
	CHECK(import_text(db, di, &res, &p) == 0 && res.structures_unchanged == 1 && res.services_unchanged == 1 &&
	      res.structures_created + res.structures_updated + res.services_created + res.services_updated == 0);
	const char *renamed = "[{\"source\": \"t\", \"id\": \"a\", \"nom\": \"Épicerie du cœur\", \"date_maj\": \"2026-02-01\","
			      " \"latitude\": 50.63, \"longitude\": 3.06}]";
	struct directory_import_options dry = {.dry_run = 1};
	memset(&p, 0, sizeof p);
	CHECK(directory_import(db, renamed, strlen(renamed), &dry, &res, record_problem, &p) == 0 &&
	      res.structures_updated == 1);
	CHECK(found(db, "coeur") == 0);
	/* For real: the service's full text follows its structure's name. */
	CHECK(import_text(db, renamed, &res, &p) == 0 && res.structures_updated == 1);
	CHECK(found(db, "coeur") == 1 && found(db, "Cœur") == 1 && found(db, "EPICERIE DU COE") == 1);
	CHECK(found(db, "solidaire") == 0 && found(db, "alimentation") == 1 && found(db, "aide alim") == 1);
	CHECK(count(db, "SELECT count(*) FROM dir_sources WHERE name = 't' AND data_date = '2026-02-01'") == 1);
	CHECK(db_exec(db, "INSERT INTO dir_services_fts(dir_services_fts) VALUES('integrity-check')", "") == 0);
	unit_drop_db(db, path);
}

TEST(directory_lieux_mapping)
{
	char path[64];
	struct db *db = unit_scratch_db(path, sizeof path);
	CHECK(db != NULL);
	if (!db)
		return;
	struct directory_import_result res;
	struct problems p;
	/* A lieu 1.x: its lists become data·inclusion's, as data·inclusion maps them. */
	const char *lieu =
		"[{\"id\": \"lieu-1\", \"pivot\": \"21590350100017\", \"nom\": \"Espace numérique\", \"commune\": \"Lille\","
		" \"code_postal\": \"59000\", \"code_insee\": \"59350\", \"adresse\": \"1 place Augustin Laurent\","
		" \"latitude\": 50.6311, \"longitude\": 3.0611, \"telephone\": \"+33320000000\","
		" \"courriels\": \"pas-une-adresse|accueil@lille.fr\", \"site_web\": \"www.lille.fr\", \"source\": \"Hub\","
		" \"date_maj\": \"2026-03-01\","
		" \"services\": \"Maîtrise des outils numériques du quotidien|Aide aux démarches administratives\","
		" \"publics_specifiquement_adresses\": \"Seniors\", \"prise_en_charge_specifique\": \"Surdité|Illettrisme\","
		" \"frais_a_charge\": \"Payant|Gratuit sous condition\", \"modalites_acces\": \"Téléphoner|Prendre un RDV en ligne\","
		" \"modalites_accompagnement\": \"Accompagnement individuel|À distance|En autonomie\","
		" \"dispositif_programmes_nationaux\": \"France Services|Certification PIX\", \"prise_rdv\": \"https://rdv.lille.fr\"},"
		" {\"id\": \"lieu-2\", \"pivot\": \"123\", \"nom\": \"X\", \"commune\": \"Lille\", \"code_postal\": \"59000\","
		"  \"adresse\": \"rue\", \"date_maj\": \"2026-03-01\", \"services\": \"Jardinage\", \"telephone\": \"0320000000\"}]";
	CHECK(import_text(db, lieu, &res, &p) == 0);
	CHECK(res.shape == DIR_SHAPE_LMN_JSON && res.lmn_v1 == 2 && res.services_created == 1 && res.rejected == 1);
	CHECK(strstr(p.text, "lieu-2 => pivot : « 123 » invalide") != NULL);
	CHECK(strstr(p.text, "telephone : « 0320000000 » invalide") != NULL);
	CHECK(strstr(p.text, "services : « Jardinage » n'est pas une valeur du schéma 1.0") != NULL);
	CHECK(strstr(p.text, "lieu-1 => avertissement : courriels : « pas-une-adresse »") != NULL);
	int64_t id = count(db, SQL_T_ID);
	struct pool *pool = pool_new();
	struct dir_service_view sv;
	CHECK(directory_service_get(db, id, pool, &sv) == 1);
	CHECK_STR(sv.service.v[DSF_THEMATIQUES],
		  "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives|"
		  "numerique--acceder-a-des-services-en-ligne|numerique--maitriser-les-fondamentaux-du-numerique");
	CHECK_STR(sv.service.v[DSF_TYPE], "aide-materielle");
	CHECK_STR(sv.service.v[DSF_MODES_ACCUEIL], "a-distance|en-presentiel");
	CHECK_STR(sv.service.v[DSF_FRAIS], "gratuit");
	CHECK_STR(sv.service.v[DSF_PUBLICS], "personnes-en-situation-de-handicap|seniors");
	CHECK_STR(sv.service.v[DSF_PUBLICS_PRECISIONS], "Illettrisme, Seniors, Surdité");
	CHECK_STR(sv.service.v[DSF_MODES_MOBILISATION], "telephoner|utiliser-lien-mobilisation");
	CHECK_STR(sv.service.v[DSF_LIEN_MOBILISATION], "https://rdv.lille.fr");
	CHECK_STR(sv.service.v[DSF_ZONE_ELIGIBILITE], "59");
	CHECK_STR(sv.service.v[DSF_COURRIEL], "accueil@lille.fr");
	CHECK_STR(sv.service.v[DSF_MOBILISABLE_PAR], "professionnels|usagers");
	CHECK_STR(sv.service.v[DSF_DESCRIPTION], "Aide aux démarches administratives, Maîtrise des outils numériques du quotidien");
	CHECK_STR(sv.structure.v[DTF_SIRET], "21590350100017");
	CHECK_STR(sv.structure.v[DTF_SITE_WEB], "https://www.lille.fr");
	CHECK_STR(sv.structure.v[DTF_RESEAUX_PORTEURS], "france-service");
	CHECK_STR(sv.structure.v[DTF_LMN_DISPOSITIFS], "France Services|Certification PIX");
	CHECK_STR(sv.source_name, "Hub");
	CHECK(fabs(sv.geo_lat - 50.6311) < 1e-6);

	/* A lieu 0.1 (';', old lists) goes through the 1.x lists first. */
	const char *v01 = "id;pivot;nom;commune;code_postal;code_insee;adresse;date_maj;services;publics_accueillis;"
			  "conditions_acces;labels_nationaux;modalites_accompagnement;source\n"
			  "v01;00000000000000;Bus France Services;Ruffec;16700;16292;Place;2023-10-03;"
			  "\"Prendre en main un ordinateur;Accéder à du matériel\";\"Jeunes (16-26 ans);Surdité\";"
			  "\"Adhésion : L'accès au lieu et/ou à ses services nécessite d'y adhérer\";\"CNFS;APTIC\";"
			  "\"A ma place : une personne habilitée fait les démarches à ma place\";Charente\n";
	CHECK(import_text(db, v01, &res, &p) == 0 && res.shape == DIR_SHAPE_LMN_CSV && res.lmn_v01 == 1 &&
	      res.services_created == 1);
	id = count(db, SQL_T_ID01);
	CHECK(directory_service_get(db, id, pool, &sv) == 1);
	CHECK_STR(sv.service.v[DSF_LMN_SERVICES], "Maîtrise des outils numériques du quotidien|Accès internet et matériel informatique");
	CHECK_STR(sv.service.v[DSF_LMN_PUBLICS_SPECIFIQUEMENT_ADRESSES], "Jeunes");
	CHECK_STR(sv.service.v[DSF_PUBLICS], "jeunes|personnes-en-situation-de-handicap");
	CHECK_STR(sv.service.v[DSF_FRAIS], "payant");
	CHECK_STR(sv.service.v[DSF_TYPE], "accompagnement");
	CHECK_STR(sv.service.v[DSF_ZONE_ELIGIBILITE], "16");
	CHECK_STR(sv.structure.v[DTF_RESEAUX_PORTEURS], "conseillers-numeriques");
	CHECK(sv.structure.v[DTF_SIRET] == NULL);
	pool_free(pool);
	unit_drop_db(db, path);
}

static void quiet(void *arg, const char *field, const char *msg)
{
	struct problems *p = arg;
	collect(p, field, msg);
}

TEST(directory_local_services)
{
	char path[64];
	struct db *db = unit_scratch_db(path, sizeof path);
	CHECK(db != NULL);
	if (!db)
		return;
	CHECK(db_exec(db, "INSERT INTO structures(name, created_at) VALUES ('CCAS de Lens', 0), ('Autre', 0)", "") == 0);
	struct actor by = {.user_id = 0, .structure_id = 1, .role = ROLE_RESPONSABLE, .ip = "test"};
	struct actor other = {.user_id = 0, .structure_id = 2, .role = ROLE_RESPONSABLE, .ip = "test"};
	struct pool *pool = pool_new();
	struct problems p = {0};
	struct dir_record partner = {.kind = DIR_STRUCTURE};
	partner.v[DTF_NOM] = "Secours populaire, antenne de Lens";
	partner.v[DTF_TELEPHONE] = "03 21 00 00 00";
	partner.v[DTF_ADRESSE] = "12 rue de la Gare";
	partner.v[DTF_CODE_POSTAL] = "62300";
	partner.v[DTF_COMMUNE] = "Lens";
	partner.v[DTF_LATITUDE] = "50.4322";
	partner.v[DTF_LONGITUDE] = "2.8333";
	int64_t pid = 0, sid = 0;
	CHECK(directory_local_structure_save(db, &by, &pid, 0, &partner, pool, quiet, &p) == 0 && pid > 0);
	struct dir_record s = {.kind = DIR_SERVICE};
	s.v[DSF_NOM] = "Colis alimentaires";
	s.v[DSF_DESCRIPTION] = "Sur orientation d'un travailleur social, le mardi.";
	s.v[DSF_THEMATIQUES] = "equipement-et-alimentation--alimentation";
	s.v[DSF_MODES_MOBILISATION] = "telephoner";
	s.v[DSF_MOBILISABLE_PAR] = "professionnels";
	s.v[DSF_ZONE_ELIGIBILITE] = "R32";
	s.v[DSF_HORAIRES_ACCUEIL] = "Tu 14:00-17:00";
	s.v[DSF_DATE_MAJ] = "05/03/2026";
	s.v[DSF_LIEN_MOBILISATION] = "https://exemple.fr/prendre rendez-vous?q=é";
	s.v[DSF_NOMBRE_SEMAINES] = "12";
	s.v[DSF_VOLUME_HORAIRE_HEBDOMADAIRE] = "2.5";
	s.v[DSF_PUBLICS] = "familles|personnes-en-situation-durgence";
	CHECK(directory_local_service_save(db, &by, &sid, 0, pid, &s, pool, quiet, &p) == 0 && sid > 0);
	/* Another structure neither sees it nor adds to its partners. */
	struct dir_service_view sv;
	CHECK(directory_local_service_get(db, &other, sid, pool, &sv) == 0);
	int64_t sid2 = 0;
	struct problems p2 = {0};
	CHECK(directory_local_service_save(db, &other, &sid2, 0, pid, &s, pool, quiet, &p2) < 0 &&
	      strstr(p2.text, "partenaire inconnu"));
	CHECK(directory_local_service_get(db, &by, sid, pool, &sv) == 1);
	CHECK_STR(sv.service.v[DSF_ZONE_ELIGIBILITE], "02|59|60|62|80"); /* the région's départements */
	CHECK_STR(sv.service.v[DSF_DATE_MAJ], "2026-03-05");
	CHECK(sv.version == 1 && fabs(sv.geo_lat - 50.4322) < 1e-6);
	/* Saved from a stale form: refused. */
	s.v[DSF_NOM] = "Colis alimentaires et vestiaire";
	CHECK(directory_local_service_save(db, &by, &sid, 1, pid, &s, pool, quiet, &p) == 0);
	CHECK(directory_local_service_save(db, &by, &sid, 1, pid, &s, pool, quiet, &p) == 1);
	struct problems bad = {0};
	s.v[DSF_COURRIEL] = "non";
	CHECK(directory_local_service_save(db, &by, &sid, 2, pid, &s, pool, quiet, &bad) < 0 && strstr(bad.text, "courriel"));
	s.v[DSF_COURRIEL] = NULL;
	CHECK(count(db, "SELECT count(*) FROM dir_local_services_fts WHERE dir_local_services_fts MATCH 'vestiaire'") == 1);
	partner.v[DTF_NOM] = "Secours populaire français, Lens";
	CHECK(directory_local_structure_save(db, &by, &pid, 1, &partner, pool, quiet, &p) == 0);
	CHECK(count(db, "SELECT count(*) FROM dir_local_services_fts WHERE dir_local_services_fts MATCH 'francais'") == 1);
	CHECK(db_exec(db, "INSERT INTO dir_local_services_fts(dir_local_services_fts) VALUES('integrity-check')", "") == 0);
	CHECK(count(db, "SELECT count(*) FROM audit_log WHERE action LIKE 'directory.%'") == 4);
	/* Exported as data·inclusion v1 (tests/directory/export.js validates it
	 * against the official schema when LIEN_DIRECTORY_EXPORT names a file). */
	struct buf out = BUF_INIT;
	CHECK(directory_export_local(db, 1, &out) == 0);
	cJSON *doc = cJSON_Parse(buf_cstr(&out));
	CHECK(doc && cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "structures")) == 1 &&
	      cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "services")) == 1);
	cJSON *svc = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "services"), 0);
	CHECK(svc && strcmp(cJSON_GetObjectItemCaseSensitive(svc, "structure_id")->valuestring, "lien--1-p1") == 0);
	CHECK(svc && cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(svc, "zone_eligibilite")) == 5);
	cJSON_Delete(doc);
	const char *target = getenv("LIEN_DIRECTORY_EXPORT");
	if (target) {
		FILE *f = fopen(target, "w");
		CHECK(f && fwrite(out.data, 1, out.len, f) == out.len);
		if (f)
			fclose(f);
	}
	/* Withdrawn: no longer exported. */
	CHECK(directory_local_service_set_active(db, &by, sid, 0) == 0);
	CHECK(directory_local_service_set_active(db, &other, sid, 1) == 1);
	buf_reset(&out);
	CHECK(directory_export_local(db, 1, &out) == 0 && strstr(buf_cstr(&out), "Colis") == NULL);
	buf_free(&out);
	pool_free(pool);
	unit_drop_db(db, path);
}
