/*
 * Subcommands of the lien binary. main.c holds the table; flags there say
 * what each needs (a database, the key file), and main opens them once so
 * commands only do their own work.
 */
#ifndef LIEN_CMD_H
#define LIEN_CMD_H

#include "db/db.h"

struct cmd_ctx {
	int argc;             /* arguments after the command name, global options removed */
	char **argv;
	const char *db_url;   /* --db, default var/lien.db */
	const char *key_path; /* --key, default: beside the database, .key */
	const char *documents;/* --documents as given, NULL when absent (document_dir() has the default) */
	struct db *db;        /* opened when the command has CMD_DB */
};

/* Takes "--name VALUE" out of the arguments; returns the value or NULL.
 * Exits with usage (2) if the option is given without a value. */
const char *opt_value(struct cmd_ctx *c, const char *name);
/* Takes a flag "--name" out of the arguments; 1 if it was there. */
int opt_flag(struct cmd_ctx *c, const char *name);
/* After taking every option: refuses anything left that starts with "--". */
int opt_done(struct cmd_ctx *c, const char *usage);
/* Prints "lien: MESSAGE" on stderr and returns 1 (the exit status). */
int cmd_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cmd_usage(const char *usage);
/* Loads (or with create, creates) the key file for the database. */
int cmd_load_key(struct cmd_ctx *c, int create);

int cmd_serve(struct cmd_ctx *c);
int cmd_init(struct cmd_ctx *c);
int cmd_migrate(struct cmd_ctx *c);
int cmd_migrate_db(struct cmd_ctx *c); /* SQLite → PostgreSQL */
int cmd_structure(struct cmd_ctx *c);
int cmd_user(struct cmd_ctx *c);
int cmd_demo(struct cmd_ctx *c);
int cmd_audit(struct cmd_ctx *c);
int cmd_retention(struct cmd_ctx *c);
int cmd_import(struct cmd_ctx *c);
int cmd_import_services(struct cmd_ctx *c); /* lien import services (cmd/directory.c) */
int cmd_export(struct cmd_ctx *c);
int cmd_report(struct cmd_ctx *c);
int cmd_backup(struct cmd_ctx *c);
int cmd_restore(struct cmd_ctx *c);
int cmd_message(struct cmd_ctx *c);
int cmd_hours(struct cmd_ctx *c);
/* --archive-after-days and --anonymise-after-days, shared by serve and retention. */
int cmd_retention_policy_options(struct cmd_ctx *c);
/* The SMS and e-mail gateways' options, shared by serve and message, into
 * gateway_config (passwords may come from LIEN_SMS_PASSWORD and
 * LIEN_SMTP_PASSWORD instead, out of the process list). --public-url sets
 * the delivery reports' callback and derives the key that signs them from
 * the key file (loaded if it is not yet). Initialises libcurl. 0, or -1
 * after printing the reason. */
int gateway_options(struct cmd_ctx *c);
#define GATEWAY_USAGE                                                                            \
	"[--sms-url URL --sms-user U --sms-password P] [--sms-from NOM] [--public-url URL] "     \
	"[--smtp-url URL --smtp-from \"Nom <adresse>\"] [--smtp-user U --smtp-password P] "      \
	"[--gateway-timeout S]"

#endif
