/*
 * Types shared by the domain modules: roles and the actor (who acts, from
 * which structure and address). Every domain function that reads or
 * changes data takes the actor: isolation and audit hang on it.
 */
#ifndef LIEN_DOMAIN_H
#define LIEN_DOMAIN_H

#include <stdint.h>

enum role {
	ROLE_NONE = 0,
	ROLE_ACCUEIL = 1,
	ROLE_TRAVAILLEUR_SOCIAL = 2,
	ROLE_RESPONSABLE = 4,
	ROLE_ADMINISTRATEUR = 8,
};
#define ROLES_STRUCTURE (ROLE_ACCUEIL | ROLE_TRAVAILLEUR_SOCIAL | ROLE_RESPONSABLE)
#define ROLES_ALL (ROLES_STRUCTURE | ROLE_ADMINISTRATEUR)

/* Database name ("travailleur_social") and French label ("Travailleur social"). */
const char *role_name(enum role r);
const char *role_label(enum role r);
/* 0 and the role, or -1 for an unknown name. */
int role_parse(const char *name, enum role *out);
/* Roles that must use a second factor. */
int role_requires_totp(enum role r);

struct actor {
	int64_t user_id;       /* 0: the command line or the system itself */
	int64_t structure_id;  /* 0: no structure (administrateur, system) */
	enum role role;
	const char *ip;        /* "cli" for commands */
	int second_factor;     /* logged in with a second factor (mandates need it) */
};

/* The secret key (from the key file, never in the database) used to encrypt
 * second-factor secrets and private notes at rest. Set once at start-up. */
void domain_set_key(const unsigned char key[32]);
const unsigned char *domain_key(void);

#endif
