/* lien demo: a demonstration structure with one account per role. The
 * passwords are printed: demo data is for trying Lien, never for real files. */
#include "cmd/cmd.h"
#include "domain/user.h"

#include <stdio.h>
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

int cmd_demo(struct cmd_ctx *c)
{
	if (opt_done(c, "demo [--db PATH]") < 0 || c->argc)
		return cmd_usage("demo [--db PATH]");
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
			if (user_add(c->db, &CLI, &nu, &id, &err) < 0) {
				int rc = cmd_fail("%s : %s", DEMO_USERS[i].login, buf_cstr(&err));
				buf_free(&err);
				return rc;
			}
		}
		printf("  %-20s %-24s %-20s %s\n", DEMO_USERS[i].login, DEMO_USERS[i].password, DEMO_USERS[i].role,
		       DEMO_USERS[i].name);
	}
	printf("\nLe compte responsable (et le médiateur, qui agit sous mandat) activera la double\n"
	       "authentification à sa première connexion : gardez une application TOTP à portée de main.\n");
	buf_free(&err);
	return 0;
}
