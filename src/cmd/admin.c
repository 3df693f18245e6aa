/* Administration commands: init, migrate, structure, user, audit. */
#include "cmd/cmd.h"
#include "db/copy.h"
#include "core/clock.h"
#include "domain/audit.h"
#include "domain/procedure.h"
#include "domain/retention.h"
#include "domain/user.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static const struct actor CLI = {.ip = "cli"};

int cmd_init(struct cmd_ctx *c)
{
	if (opt_done(c, "init [--db PATH]") < 0)
		return 2;
	struct buf err = BUF_INIT;
	int n = db_migrate(c->db, &err);
	if (n < 0) {
		int rc = cmd_fail("%s", buf_cstr(&err));
		buf_free(&err);
		return rc;
	}
	if (cmd_load_key(c, 1) < 0)
		return 1;
	printf("Base %s prête (schéma %d, %d migration%s appliquée%s), clé %s.\n", c->db_url,
	       db_schema_version(c->db), n, n > 1 ? "s" : "", n > 1 ? "s" : "", c->key_path);
	return 0;
}

static void copied(const char *table, int64_t rows, const char checksum[65], void *arg)
{
	(void)arg;
	printf("  %-32s %10lld lignes  sha256 %.16s…\n", table, (long long)rows, checksum);
}

int cmd_migrate_db(struct cmd_ctx *c)
{
	static const char usage[] = "migrate-db --from BASE.db --to postgres://… [--key CLÉ]";
	const char *from = opt_value(c, "--from"), *to = opt_value(c, "--to");
	if (opt_done(c, usage) < 0 || !from || !to)
		return cmd_usage(usage);
	printf("Copie de %s vers %s :\n", from, to);
	struct buf err = BUF_INIT;
	if (db_copy_to_postgres(from, to, copied, NULL, &err) < 0) {
		int rc = cmd_fail("%s", buf_cstr(&err));
		buf_free(&err);
		return rc;
	}
	printf("Copie terminée et vérifiée (nombre de lignes et empreinte de chaque table).\n"
	       "La clé reste la même : lancez « lien serve --db %s --key %s ».\n", to,
	       c->key_path ? c->key_path : "CHEMIN_DE_LA_CLÉ");
	return 0;
}

int cmd_migrate(struct cmd_ctx *c)
{
	if (opt_done(c, "migrate [--db PATH]") < 0)
		return 2;
	struct buf err = BUF_INIT;
	int n = db_migrate(c->db, &err);
	if (n < 0) {
		int rc = cmd_fail("%s", buf_cstr(&err));
		buf_free(&err);
		return rc;
	}
	printf("%d migration%s appliquée%s ; schéma %d.\n", n, n > 1 ? "s" : "", n > 1 ? "s" : "",
	       db_schema_version(c->db));
	return 0;
}

static void print_structure(void *arg, int64_t id, const char *name, int64_t users)
{
	(void)arg;
	printf("%lld\t%s\t%lld utilisateur%s\n", (long long)id, name, (long long)users, users > 1 ? "s" : "");
}

int cmd_structure(struct cmd_ctx *c)
{
	static const char usage[] = "structure add NOM | structure list | structure set S [--phone T] [--address A] [--hours H]";
	const char *phone = opt_value(c, "--phone"), *address = opt_value(c, "--address"), *hours = opt_value(c, "--hours");
	if (opt_done(c, usage) < 0)
		return 2;
	if (c->argc == 2 && strcmp(c->argv[0], "set") == 0) {
		int64_t id;
		struct structure_contact sc;
		struct buf err = BUF_INIT;
		if (structure_find(c->db, c->argv[1], &id) != 1 || structure_contact_get(c->db, id, &sc) != 1)
			return cmd_fail("structure inconnue : %s", c->argv[1]);
		if (phone)
			cstr_copy(sc.phone, sizeof sc.phone, phone);
		if (address)
			cstr_copy(sc.address, sizeof sc.address, address);
		if (hours)
			cstr_copy(sc.hours, sizeof sc.hours, hours);
		if (structure_contact_set(c->db, &CLI, id, &sc, &err) < 0) {
			int rc = cmd_fail("%s", buf_cstr(&err));
			buf_free(&err);
			return rc;
		}
		printf("Coordonnées de %s enregistrées.\n", sc.name);
		return 0;
	}
	if (c->argc == 2 && strcmp(c->argv[0], "add") == 0) {
		struct buf err = BUF_INIT;
		int64_t id;
		if (structure_add(c->db, &CLI, c->argv[1], &id, &err) < 0) {
			int rc = cmd_fail("%s", buf_cstr(&err));
			buf_free(&err);
			return rc;
		}
		printf("Structure %lld créée : %s\n", (long long)id, c->argv[1]);
		return 0;
	}
	if (c->argc == 1 && strcmp(c->argv[0], "list") == 0)
		return structure_list(c->db, print_structure, NULL) < 0 ? cmd_fail("%s", db_errmsg(c->db)) : 0;
	return cmd_usage(usage);
}

static void print_user(void *arg, const struct user *u)
{
	(void)arg;
	printf("%s\t%s\t%s\t%s\t%s%s\n", u->login, u->display_name, role_name(u->role),
	       u->structure_name[0] ? u->structure_name : "-", u->disabled ? "désactivé" : "actif",
	       u->totp_enabled ? ", double authentification" : "");
}

/* A password from --password, or typed without echo when on a terminal,
 * or one line of standard input. */
static int read_password(const char *given, char *out, size_t n)
{
	if (given)
		return cstr_copy(out, n, given);
	int tty = isatty(STDIN_FILENO);
	struct termios old, quiet;
	if (tty) {
		fprintf(stderr, "Mot de passe : ");
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
	}
	char *r = fgets(out, (int)n, stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
		fputc('\n', stderr);
	}
	if (!r)
		return -1;
	out[strcspn(out, "\r\n")] = '\0';
	return 0;
}

static int find_user(struct cmd_ctx *c, const char *login, struct user *u)
{
	int rc = user_get_by_login(c->db, login, u);
	if (rc < 0)
		return cmd_fail("%s", db_errmsg(c->db));
	if (rc == 0)
		return cmd_fail("aucun compte avec l'identifiant « %s »", login);
	return 0;
}

int cmd_user(struct cmd_ctx *c)
{
	static const char usage[] =
		"user add --structure S --login L --name N --role R [--email E] [--password P] [--mandate] | "
		"user list [--structure S] | user disable LOGIN | user enable LOGIN | "
		"user reset-password LOGIN [--password P]";
	const char *structure = opt_value(c, "--structure");
	const char *login = opt_value(c, "--login");
	const char *name = opt_value(c, "--name");
	const char *role = opt_value(c, "--role");
	const char *email = opt_value(c, "--email");
	const char *password = opt_value(c, "--password");
	int mandate = opt_flag(c, "--mandate");
	if (opt_done(c, usage) < 0 || c->argc < 1)
		return cmd_usage(usage);
	const char *sub = c->argv[0];
	struct buf err = BUF_INIT;
	int rc = 0;
	int64_t sid = 0;
	if (structure && structure_find(c->db, structure, &sid) != 1)
		return cmd_fail("structure inconnue : %s", structure);

	if (strcmp(sub, "add") == 0 && c->argc == 1) {
		if (!login || !name || !role)
			return cmd_usage(usage);
		struct user_new nu = {.structure_id = sid, .login = login, .display_name = name, .email = email,
				      .acts_under_mandate = mandate};
		if (role_parse(role, &nu.role) < 0)
			return cmd_fail("rôle inconnu : %s (accueil, travailleur_social, responsable, administrateur)", role);
		char pw[256];
		if (read_password(password, pw, sizeof pw) < 0)
			return cmd_fail("aucun mot de passe lu");
		nu.password = pw;
		int64_t id;
		if (user_add(c->db, &CLI, &nu, &id, &err, NULL) < 0)
			rc = cmd_fail("%s", buf_cstr(&err));
		else
			printf("Compte %s créé (%s).\n", login, role_label(nu.role));
		memset(pw, 0, sizeof pw);
	} else if (strcmp(sub, "list") == 0 && c->argc == 1) {
		if (user_list(c->db, sid, print_user, NULL) < 0)
			rc = cmd_fail("%s", db_errmsg(c->db));
	} else if ((strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0) && c->argc == 2) {
		struct user u;
		if (find_user(c, c->argv[1], &u))
			return 1;
		int off = strcmp(sub, "disable") == 0;
		if (user_set_disabled(c->db, &CLI, u.id, off, &err) < 0)
			rc = cmd_fail("%s", buf_cstr(&err));
		else
			printf("Compte %s %s.\n", u.login, off ? "désactivé" : "réactivé");
	} else if (strcmp(sub, "reset-password") == 0 && c->argc == 2) {
		struct user u;
		if (find_user(c, c->argv[1], &u))
			return 1;
		char pw[256];
		if (read_password(password, pw, sizeof pw) < 0)
			return cmd_fail("aucun mot de passe lu");
		if (user_reset_password(c->db, &CLI, u.id, pw, &err) < 0)
			rc = cmd_fail("%s", buf_cstr(&err));
		else
			printf("Mot de passe de %s réinitialisé : à changer à la prochaine connexion.\n", u.login);
		memset(pw, 0, sizeof pw);
	} else {
		rc = cmd_usage(usage);
	}
	buf_free(&err);
	return rc;
}

int cmd_audit(struct cmd_ctx *c)
{
	if (opt_done(c, "audit verify") < 0 || c->argc != 1 || strcmp(c->argv[0], "verify") != 0)
		return cmd_usage("audit verify [--db PATH]");
	struct buf err = BUF_INIT;
	int64_t rows = 0;
	if (audit_verify(c->db, &rows, &err) < 0) {
		int rc = cmd_fail("journal d'audit altéré : %s", buf_cstr(&err));
		buf_free(&err);
		return rc;
	}
	/* The acts under mandate are checked against the digests the chain seals. */
	int bad = mandate_acts_verify(c->db, &err);
	if (bad != 0) {
		int rc = bad < 0 ? cmd_fail("registre des actes sous mandat illisible : %s", db_errmsg(c->db))
				 : cmd_fail("registre des actes sous mandat altéré :\n%s", buf_cstr(&err));
		buf_free(&err);
		return rc;
	}
	buf_free(&err);
	printf("Journal d'audit intact : %lld entrée%s vérifiée%s.\n", (long long)rows, rows > 1 ? "s" : "",
	       rows > 1 ? "s" : "");
	return 0;
}

static void print_retention(void *arg, const char *action, int64_t person_id, const char *file_number)
{
	const int *dry = arg;
	printf("%s%s\tdossier %s (id %lld)\n", *dry ? "à faire : " : "", strcmp(action, "archive") == 0 ? "archivage" : "anonymisation",
	       file_number, (long long)person_id);
}

int cmd_retention_policy_options(struct cmd_ctx *c)
{
	int64_t v;
	const char *a = opt_value(c, "--archive-after-days"), *b = opt_value(c, "--anonymise-after-days");
	if (a) {
		if (str_to_i64(str_from(a), 1, 36500, &v) < 0)
			return cmd_fail("--archive-after-days attend un nombre de jours");
		retention_policy.archive_after_days = (int)v;
	}
	if (b) {
		if (str_to_i64(str_from(b), 1, 36500, &v) < 0)
			return cmd_fail("--anonymise-after-days attend un nombre de jours");
		retention_policy.anonymise_after_days = (int)v;
	}
	return 0;
}

int cmd_retention(struct cmd_ctx *c)
{
	static const char usage[] = "retention [--dry-run] [--archive-after-days N] [--anonymise-after-days N]";
	int dry = opt_flag(c, "--dry-run");
	if (cmd_retention_policy_options(c))
		return 1;
	if (opt_done(c, usage) < 0 || c->argc)
		return cmd_usage(usage);
	int n = retention_run(c->db, clock_now(), dry, print_retention, &dry);
	if (n < 0)
		return cmd_fail("%s", db_errmsg(c->db));
	printf("%d dossier%s %s.\n", n, n > 1 ? "s" : "", dry ? "à traiter (rien n'a été modifié)" : "traité(s)");
	return 0;
}
