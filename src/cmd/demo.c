/* lien demo: a demonstration structure with one account per role. The
 * passwords are printed: demo data is for trying Lien, never for real files. */
#include "cmd/cmd.h"
#include "core/clock.h"
#include "db/queries.h"
#include "domain/aid.h"
#include "domain/journal.h"
#include "domain/procedure.h"
#include "domain/person.h"
#include "domain/user.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct actor CLI = {.ip = "cli"};

static const struct {
	const char *login, *name, *role, *password;
	int mandate;
} DEMO_USERS[] = {
	{"accueil.demo", "Nadia Benali", "accueil", "Tournesol-Bleu-2026", 0},
	{"travailleur.demo", "Élodie Marchand-Lefèvre", "travailleur_social", "Lavande-Verte-2026", 0},
	{"mediateur.demo", "Karim Ould-Ahmed", "travailleur_social", "Cerisier-Rose-2026", 1},
	{"responsable.demo", "Françoise Le Gall", "responsable", "Peuplier-Gris-2026", 0},
};
static const char DEMO_STRUCTURE[] = "CCAS de Villeneuve-d'Ascq (démonstration)";

/* A small deterministic generator: the same demo data on every machine. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

#define PICK(a) (a[rnd(sizeof a / sizeof a[0])])

static const char *const FIRST_F[] = {
	"Marie", "Léa", "Chloé", "Inès", "Manon", "Fatoumata", "Aïcha", "Nathalie", "Sylvie", "Françoise",
	"Hélène", "Zoé", "Maëlle", "Océane", "Yasmine", "Nadia", "Véronique", "Sandrine", "Émilie", "Anne-Sophie",
	"Mireille", "Josiane", "Khadija", "Leïla", "Gwenaëlle", "Bérénice", "Ophélie", "Noémie", "Ana", "Irène"};
static const char *const FIRST_M[] = {
	"Jean", "Pierre", "Mohamed", "Karim", "Théo", "Lucas", "Noé", "Mamadou", "Jean-Pierre", "François",
	"Jérôme", "Stéphane", "Loïc", "Gaël", "Youssef", "Abdoulaye", "René", "André", "Joël", "Benoît",
	"Cédric", "Hervé", "Raphaël", "Mathéo", "Aurélien", "Bruno", "Dylan", "Kévin", "Éric", "Gérard"};
static const char *const LAST[] = {
	"Martin", "Bernard", "Dubois", "Lefèvre", "Lefebvre", "Leroy", "Moreau", "Fournier", "Girard", "Bonnet",
	"Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller", "Faure", "André", "Mercier", "Blanc",
	"Guérin", "Boyer", "Garnier", "Chevalier", "François", "Legrand", "Gauthier", "Perrin", "Robin", "Clément",
	"Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson", "Marchand", "Duval", "Denis",
	"Le Gall", "Le Goff", "N'Diaye", "Diallo", "Traoré", "Benali", "Haddad", "Nguyen", "Da Silva", "Ferreira",
	"Dos Santos", "Kowalski", "Öztürk", "Saïdi", "Brahimi", "Mendès", "Lefèvre-Dumas", "Pétain-Roux", "D'Almeida",
	"Vandenbroucke", "Deschamps", "Delattre", "Dhainaut", "Wattel", "Lemaître", "Carpentier", "Noël", "Bouchez"};
static const struct {
	const char *name, *postal;
} COMMUNES[] = {
	{"Villeneuve-d'Ascq", "59650"}, {"Villeneuve-d'Ascq", "59491"}, {"Lille", "59000"},
	{"Roubaix", "59100"}, {"Tourcoing", "59200"}, {"Lezennes", "59260"}, {"Capinghem", "59160"},
	{"Mons-en-Barœul", "59370"}, {"Croix", "59170"}, {"Wasquehal", "59290"}, {"Hem", "59510"},
};
static const char *const STREETS[] = {
	"rue de la Paix", "avenue du Général-de-Gaulle", "rue Jean-Jaurès", "boulevard Victor-Hugo",
	"résidence Les Tilleuls, bâtiment B", "rue des Écoles", "chemin du Moulin", "allée des Peupliers",
	"rue Pasteur", "place de l'Église"};
static const char *const SUMMARIES[] = {
	"Point sur le dossier CAF : pièces manquantes identifiées.",
	"Accompagnement à la création de l'espace France Travail ; identifiants notés par la personne sur son carnet.",
	"Demande d'aide alimentaire : orientation vers l'épicerie solidaire.",
	"Échange sur la dette de loyer ; plan d'apurement à proposer au bailleur.",
	"Aide à la déclaration de revenus en ligne, la personne a validé elle-même.",
	"Renouvellement de la complémentaire santé solidaire à préparer.",
	"Appel pour confirmer le rendez-vous avec la mission locale.",
	"Visite à domicile : logement humide, signalement à faire au bailleur.",
	"La personne souhaite apprendre à utiliser sa messagerie : atelier numérique proposé.",
	"Dossier de surendettement : liste des créanciers établie ensemble."};
static const char *const FOR_PERSON[] = {
	"Nous avons vérifié votre dossier CAF. Il manque votre avis d'imposition.",
	"Nous avons créé ensemble votre espace France Travail. Gardez votre carnet avec vos codes chez vous.",
	"Vous pouvez aller à l'épicerie solidaire le mardi et le jeudi matin.",
	"Nous allons écrire à votre bailleur pour proposer un échéancier.",
	"Votre déclaration de revenus est faite. Vous recevrez un avis à la fin de l'été.",
	"", "", ""};
static const char *const DOCUMENTS[] = {
	"Avis d'imposition 2025", "Trois dernières quittances de loyer", "Pièce d'identité et RIB",
	"Attestation CAF", "", "", ""};
static const char *const TASKS[] = {
	"Rappeler la CAF", "Envoyer le courrier au bailleur", "Vérifier la réponse de la MDPH",
	"Relancer France Travail", "Préparer le dossier FSL", "Prendre rendez-vous avec l'assistante sociale de secteur"};

static const struct {
	const char *organism, *domain, *subject, *checklist;
} PROCEDURES[] = {
	{"caf", "social_sante", "Demande de RSA", "Pièce d'identité\nRIB\nAvis d'imposition"},
	{"caf", "logement", "Aide au logement (APL)", "Bail\nRIB\nDernière quittance de loyer"},
	{"cpam", "social_sante", "Complémentaire santé solidaire", "Avis d'imposition\nAttestation de droits"},
	{"france_travail", "travail", "Inscription à France Travail", "CV\nPièce d'identité"},
	{"ants", "papiers", "Renouvellement de la carte d'identité", "Photo d'identité\nJustificatif de domicile\nAncienne carte"},
	{"impots", "argent", "Déclaration de revenus", ""},
	{"mdph", "social_sante", "Demande d'AAH à la MDPH", "Certificat médical\nPièce d'identité"},
	{"energie", "logement", "Échéancier pour une facture d'électricité", "Dernière facture"},
	{"prefecture", "etrangers", "Renouvellement du titre de séjour", "Passeport\nPhotos d'identité\nJustificatif de domicile"},
};

static void demo_invalid(void *arg, const char *field, const char *msg)
{
	(void)arg;
	fprintf(stderr, "lien: donnée de démonstration invalide (%s) : %s\n", field, msg);
}

struct demo_worker {
	int64_t id;
	enum role role;
};

static int generate(struct cmd_ctx *c, int64_t sid, int persons, int events)
{
	struct demo_worker workers[16];
	int nworkers = 0;
	static const char *const logins[] = {"travailleur.demo", "mediateur.demo", "responsable.demo"};
	for (size_t i = 0; i < sizeof logins / sizeof logins[0]; i++) {
		struct user u;
		if (user_get_by_login(c->db, logins[i], &u) == 1)
			workers[nworkers++] = (struct demo_worker){u.id, u.role};
	}
	if (!nworkers)
		return cmd_fail("aucun compte de démonstration");
	int64_t *ids = calloc((size_t)persons + 1, sizeof *ids);
	if (!ids)
		return cmd_fail("mémoire insuffisante");
	int64_t now = clock_now();
	int rc = 0;
	struct buf err = BUF_INIT;
	if (db_begin(c->db) < 0) {
		free(ids);
		return cmd_fail("%s", db_errmsg(c->db));
	}
	for (int i = 0; i < persons && rc == 0; i++) {
		struct demo_worker w = workers[rnd((uint32_t)nworkers)];
		struct actor by = {.user_id = w.id, .structure_id = sid, .role = w.role, .ip = "demo"};
		struct person p;
		memset(&p, 0, sizeof p);
		int female = rnd(2);
		cstr_copy(p.v[PF_CIVILITE], PERSON_VALUE_MAX, female ? "Mme" : "M.");
		cstr_copy(p.v[PF_BIRTH_NAME], PERSON_VALUE_MAX, PICK(LAST));
		if (female && rnd(4) == 0)
			cstr_copy(p.v[PF_USAGE_NAME], PERSON_VALUE_MAX, PICK(LAST));
		if (rnd(5) == 0)
			snprintf(p.v[PF_FIRST_NAMES], PERSON_VALUE_MAX, "%s %s", female ? PICK(FIRST_F) : PICK(FIRST_M),
				 female ? PICK(FIRST_F) : PICK(FIRST_M));
		else
			cstr_copy(p.v[PF_FIRST_NAMES], PERSON_VALUE_MAX, female ? PICK(FIRST_F) : PICK(FIRST_M));
		int y, m, d;
		civil_from_days(days_from_civil(1940, 1, 1) + rnd(66 * 365), &y, &m, &d);
		snprintf(p.v[PF_BIRTH_DATE], PERSON_VALUE_MAX, "%04d-%02d-%02d", y, m, d);
		int commune = (int)rnd(sizeof COMMUNES / sizeof COMMUNES[0]);
		snprintf(p.v[PF_ADDRESS], PERSON_VALUE_MAX, "%u %s", 1 + rnd(120), PICK(STREETS));
		cstr_copy(p.v[PF_POSTAL_CODE], PERSON_VALUE_MAX, COMMUNES[commune].postal);
		cstr_copy(p.v[PF_COMMUNE_NAME], PERSON_VALUE_MAX, COMMUNES[commune].name);
		int has_phone = rnd(10) < 8;
		if (has_phone)
			snprintf(p.v[PF_PHONE], PERSON_VALUE_MAX, "0%u %02u %02u %02u %02u", 6 + rnd(2), rnd(100), rnd(100),
				 rnd(100), rnd(100));
		int has_email = rnd(10) < 4;
		if (has_email)
			snprintf(p.v[PF_EMAIL], PERSON_VALUE_MAX, "personne%d@exemple.fr", i + 1);
		static const char *const channels[] = {"en_personne", "courrier", "telephone", "sms", "email"};
		const char *ch = channels[rnd(5)];
		if ((!has_phone && (!strcmp(ch, "sms") || !strcmp(ch, "telephone"))) || (!has_email && !strcmp(ch, "email")))
			ch = "courrier";
		cstr_copy(p.v[PF_PREFERRED_CHANNEL], PERSON_VALUE_MAX, ch);
		cstr_copy(p.v[PF_NO_PHONE], PERSON_VALUE_MAX, has_phone ? "0" : "1");
		cstr_copy(p.v[PF_NO_EMAIL], PERSON_VALUE_MAX, has_email ? "0" : "1");
		cstr_copy(p.v[PF_INTERPRETER], PERSON_VALUE_MAX, rnd(20) == 0 ? "1" : "0");
		cstr_copy(p.v[PF_PROTECTION], PERSON_VALUE_MAX, rnd(12) == 0 ? "curatelle" : "aucune");
		static const char *const housing[] = {"locataire_social", "locataire_prive", "heberge_tiers",
						      "hebergement_urgence", "proprietaire", "sans_domicile"};
		cstr_copy(p.v[PF_HOUSING], PERSON_VALUE_MAX, housing[rnd(6)]);
		civil_from_days(now / 86400 - 30 - rnd(700), &y, &m, &d);
		snprintf(p.v[PF_INFO_DATE], PERSON_VALUE_MAX, "%04d-%02d-%02d", y, m, d);
		cstr_copy(p.v[PF_INFO_METHOD], PERSON_VALUE_MAX, "oral_notice");
		cstr_copy(p.v[PF_RESTRICTED], PERSON_VALUE_MAX, "0");
		/* Demo data passes the same checks as typed data (and gets its INSEE code). */
		if (person_validate(&p, NULL, demo_invalid, &p) < 0 || person_create(c->db, &by, &p, &err) < 0) {
			rc = cmd_fail("personne %d : %s", i + 1, buf_cstr(&err));
			break;
		}
		ids[i] = p.id;
		if (rnd(10) < 4) {
			struct household_member hm;
			memset(&hm, 0, sizeof hm);
			cstr_copy(hm.first_names, sizeof hm.first_names, rnd(2) ? PICK(FIRST_F) : PICK(FIRST_M));
			cstr_copy(hm.last_name, sizeof hm.last_name, p.v[PF_BIRTH_NAME]);
			cstr_copy(hm.relation, sizeof hm.relation, rnd(2) ? "enfant" : "conjoint");
			household_add(c->db, &by, p.id, &hm, &err);
		}
		if (i % 1000 == 999 && (db_commit(c->db) < 0 || db_begin(c->db) < 0))
			rc = cmd_fail("%s", db_errmsg(c->db));
	}
	/* Démarches, mandates and aid for the first files (not for the
	 * benchmarks' hundred thousand), with the history: --events 0 gives
	 * files with no history at all. */
	for (int i = 0; i < persons && i < 200 && events > 0 && rc == 0; i++) {
		struct demo_worker w = workers[rnd((uint32_t)nworkers)];
		struct actor by = {.user_id = w.id, .structure_id = sid, .role = w.role, .ip = "demo", .second_factor = 1};
		char today[11], opened[11], due[11];
		date_today(today);
		date_add(today, 0, -(int)rnd(120), opened);
		date_add(today, 0, (int)rnd(40), due);
		uint32_t what = rnd(6);
		if (what <= 2) {
			int k = (int)rnd(sizeof PROCEDURES / sizeof PROCEDURES[0]);
			static const char *const statuses[] = {"a_faire", "en_cours", "deposee", "en_attente", "accordee"};
			const char *way = "avec";
			if (what == 2) {
				/* In the person's place: under a mandate signed on paper. */
				struct person p;
				if (person_get(c->db, &by, ids[i], &p, NULL) != 1)
					continue;
				struct mandate_input mi = {PROCEDURES[k].domain, "1a", today, today,
							   strcmp(p.v[PF_PROTECTION], "aucune") ? "Accord écrit du curateur" : ""};
				if (mandate_create(c->db, &by, &p, &mi, demo_invalid, NULL) < 0) {
					rc = cmd_fail("mandat de démonstration refusé");
					break;
				}
				way = "a_la_place";
			}
			struct procedure_input pi = {PROCEDURES[k].organism, PROCEDURES[k].domain, PROCEDURES[k].subject,
						     statuses[rnd(5)], way, opened, "", rnd(2) ? due : "", "", "",
						     PROCEDURES[k].checklist};
			if (what == 2)
				pi.opened_on = today;
			if (procedure_create(c->db, &by, ids[i], &pi, demo_invalid, NULL) < 0) {
				rc = cmd_fail("démarche de démonstration refusée");
				break;
			}
		} else if (what == 3) {
			static const char *const kinds[] = {"energie", "alimentation", "logement", "transport"};
			char asked[16];
			snprintf(asked, sizeof asked, "%u", 50 + 10 * rnd(40));
			int granted = i % 2; /* rnd(2) right after rnd(40) is not independent enough */
			struct aid_input ai = {kinds[rnd(4)], "Demande présentée en commission", asked, granted ? asked : "",
					       granted ? "accordee" : "instruction", "", granted ? today : "",
					       granted ? "fournisseur" : "", ""};
			if (aid_create(c->db, &by, ids[i], &ai, demo_invalid, NULL) < 0) {
				rc = cmd_fail("demande d'aide de démonstration refusée");
				break;
			}
		}
	}
	for (int i = 0; i < events && rc == 0 && persons > 0; i++) {
		struct demo_worker w = workers[rnd((uint32_t)nworkers)];
		struct actor by = {.user_id = w.id, .structure_id = sid, .role = w.role, .ip = "demo"};
		/* Working hours on one of the last 365 days (not today: never in the future). */
		int y, m, d;
		civil_from_days((now + clock_paris_offset(now)) / 86400 - 1 - rnd(365), &y, &m, &d);
		char when[20];
		snprintf(when, sizeof when, "%04d-%02d-%02dT%02u:%02u", y, m, d, 8 + rnd(10), 5 * rnd(12));
		char duration[8], due[16] = "";
		snprintf(duration, sizeof duration, "%u", 5 + 5 * rnd(12));
		int task = rnd(8) == 0;
		if (task) {
			civil_from_days((now + 86400 * (int64_t)rnd(30)) / 86400 - 10, &y, &m, &d);
			snprintf(due, sizeof due, "%04d-%02d-%02d", y, m, d);
		}
		static const char *const media[] = {"visite_planifiee", "visite_spontanee", "telephone", "visite_domicile", "courriel"};
		static const char *const kinds[] = {"entretien", "demarche", "accompagnement_numerique", "orientation", "accueil"};
		struct entry_input in = {
			.when = when,
			.medium = media[rnd(5)],
			.kind = kinds[rnd(5)],
			.themes = journal_themes[rnd(16)].value,
			.duration = duration,
			.workers = "",
			.summary = PICK(SUMMARIES),
			.for_person = PICK(FOR_PERSON),
			.documents = PICK(DOCUMENTS),
			.private_note = rnd(10) == 0 ? "Personne très inquiète, à rappeler avec tact." : "",
			.task_text = task ? PICK(TASKS) : "",
			.task_due = due,
		};
		if (journal_add(c->db, &by, ids[rnd((uint32_t)persons)], &in, NULL, NULL) < 0) {
			rc = cmd_fail("entrée %d refusée", i + 1);
			break;
		}
		if (i % 2000 == 1999 && (db_commit(c->db) < 0 || db_begin(c->db) < 0))
			rc = cmd_fail("%s", db_errmsg(c->db));
		if (i % 100000 == 99999)
			fprintf(stderr, "%d entrées…\n", i + 1);
	}
	if (rc == 0 && db_commit(c->db) < 0)
		rc = cmd_fail("%s", db_errmsg(c->db));
	if (rc)
		db_rollback(c->db);
	buf_free(&err);
	free(ids);
	return rc;
}

int cmd_demo(struct cmd_ctx *c)
{
	static const char usage[] = "demo [--db PATH] [--persons N] [--events M]";
	int64_t persons = 40, events = 300;
	const char *np = opt_value(c, "--persons"), *ne = opt_value(c, "--events");
	if ((np && str_to_i64(str_from(np), 0, 10000000, &persons) < 0) ||
	    (ne && str_to_i64(str_from(ne), 0, 100000000, &events) < 0))
		return cmd_fail("--persons et --events attendent un nombre");
	if (opt_done(c, usage) < 0 || c->argc)
		return cmd_usage(usage);
	struct buf err = BUF_INIT;
	int64_t sid;
	int found = structure_find(c->db, DEMO_STRUCTURE, &sid);
	if (found < 0)
		return cmd_fail("%s", db_errmsg(c->db));
	if (found == 0 && structure_add(c->db, &CLI, DEMO_STRUCTURE, &sid, &err) < 0) {
		int rc = cmd_fail("%s", buf_cstr(&err));
		buf_free(&err);
		return rc;
	}
	if (found == 0) {
		struct structure_contact sc = {.phone = "03 20 00 00 00"};
		cstr_copy(sc.name, sizeof sc.name, DEMO_STRUCTURE);
		cstr_copy(sc.address, sizeof sc.address, "Hôtel de ville, place Salvador-Allende, 59650 Villeneuve-d'Ascq");
		cstr_copy(sc.hours, sizeof sc.hours, "Du lundi au vendredi, de 9 h à 12 h et de 14 h à 17 h ; sans rendez-vous le mardi matin");
		structure_contact_set(c->db, &CLI, sid, &sc, &err);
	}
	printf("Structure de démonstration : %s\n\n", DEMO_STRUCTURE);
	printf("  %-20s %-24s %-20s %s\n", "identifiant", "mot de passe", "rôle", "nom");
	for (size_t i = 0; i < sizeof DEMO_USERS / sizeof DEMO_USERS[0]; i++) {
		struct user u;
		if (user_get_by_login(c->db, DEMO_USERS[i].login, &u) == 0) {
			struct user_new nu = {
				.structure_id = sid,
				.login = DEMO_USERS[i].login,
				.display_name = DEMO_USERS[i].name,
				.password = DEMO_USERS[i].password,
				.acts_under_mandate = DEMO_USERS[i].mandate,
			};
			role_parse(DEMO_USERS[i].role, &nu.role);
			int64_t id;
			buf_reset(&err);
			if (user_add(c->db, &CLI, &nu, &id, &err, NULL) < 0) {
				int rc = cmd_fail("%s : %s", DEMO_USERS[i].login, buf_cstr(&err));
				buf_free(&err);
				return rc;
			}
		}
		printf("  %-20s %-24s %-20s %s\n", DEMO_USERS[i].login, DEMO_USERS[i].password, DEMO_USERS[i].role,
		       DEMO_USERS[i].name);
	}
	/* People and a year of journal only once: demo is idempotent. */
	int64_t have = 0;
	db_get_int(c->db, SQL_PERSON_COUNT, &have, "i", sid);
	if (have == 0 && (persons || events)) {
		int rc = generate(c, sid, (int)persons, (int)events);
		if (rc)
			return rc;
		printf("\n%lld personnes et %lld échanges de démonstration créés.\n", (long long)persons, (long long)events);
	}
	printf("\nLe compte responsable (et le médiateur, qui agit sous mandat) activera la double\n"
	       "authentification à sa première connexion : gardez une application TOTP à portée de main.\n");
	buf_free(&err);
	return 0;
}
