/*
 * French communes (INSEE code, name, département, postal codes), from the
 * official geographic code shipped in data/communes.csv and embedded in
 * the binary. Loaded once, on first use.
 */
#ifndef LIEN_DOMAIN_COMMUNE_H
#define LIEN_DOMAIN_COMMUNE_H

#include <stddef.h>

struct commune {
	char insee[6];
	char departement[4];
	const char *name;      /* as written officially, with accents */
	const char *folded;    /* for matching what people type */
};

/* The communes served by a postal code (up to max); returns the count, 0 if
 * the code is unknown. */
int commune_by_postal(const char *postal_code, const struct commune **out, int max);
const struct commune *commune_by_insee(const char *insee);
/* Resolves what a person wrote: a postal code and/or a commune name.
 * Returns 1 and the commune when exactly one matches, 0 when none does,
 * 2 when several do (a name without postal code shared by several communes). */
int commune_resolve(const char *postal_code, const char *name, const struct commune **out);
size_t commune_count(void);

#endif
