#include "domain/domain.h"

#include <string.h>

static const struct {
	enum role role;
	const char *name, *label;
} ROLES[] = {
	{ROLE_ACCUEIL, "accueil", "Accueil"},
	{ROLE_TRAVAILLEUR_SOCIAL, "travailleur_social", "Travailleur social"},
	{ROLE_RESPONSABLE, "responsable", "Responsable"},
	{ROLE_ADMINISTRATEUR, "administrateur", "Administrateur"},
};

const char *role_name(enum role r)
{
	for (size_t i = 0; i < sizeof ROLES / sizeof ROLES[0]; i++)
		if (ROLES[i].role == r)
			return ROLES[i].name;
	return "";
}

const char *role_label(enum role r)
{
	for (size_t i = 0; i < sizeof ROLES / sizeof ROLES[0]; i++)
		if (ROLES[i].role == r)
			return ROLES[i].label;
	return "";
}

int role_parse(const char *name, enum role *out)
{
	for (size_t i = 0; name && i < sizeof ROLES / sizeof ROLES[0]; i++)
		if (strcmp(ROLES[i].name, name) == 0) {
			*out = ROLES[i].role;
			return 0;
		}
	return -1;
}

int role_requires_totp(enum role r)
{
	return r == ROLE_RESPONSABLE || r == ROLE_ADMINISTRATEUR;
}

static unsigned char secret_key[32];

void domain_set_key(const unsigned char key[32])
{
	memcpy(secret_key, key, sizeof secret_key);
}

const unsigned char *domain_key(void)
{
	return secret_key;
}
