/*
 * French communes (INSEE code, name, département, région, EPCI, postal
 * codes), from the official geographic code shipped in data/communes.csv
 * and embedded in the binary. Loaded once, on first use. Arrondissements
 * municipaux (Paris, Lyon, Marseille) are listed too, with their commune.
 */
#ifndef LIEN_DOMAIN_COMMUNE_H
#define LIEN_DOMAIN_COMMUNE_H

#include <stddef.h>

struct commune {
	char insee[6];
	char departement[4];
	char region[4];        /* INSEE région code ("84"; "01" Guadeloupe; "988" for a COM) */
	char epci[10];         /* SIREN of its EPCI, "" when it has none */
	char parent[6];        /* an arrondissement's commune, "" otherwise */
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

/* The départements of a région (INSEE codes), up to max; returns the count. */
int commune_region_departements(const char *region, const char **out, int max);

/*
 * Whether a person living in the commune `insee` falls in a zone written as
 * data·inclusion v1's zone_eligibilite: codes separated by '|' (or ',', ';',
 * spaces), each one of
 *   "france" or "99100"   the whole country;
 *   5 characters          a commune (an arrondissement belongs to its commune);
 *   2 or 3 characters     a département ("59", "2A", "974");
 *   9 digits              an EPCI (SIREN);
 *   "R" + région code     a région ("R84"), Lien's own notation: data·inclusion
 *                         lists the départements of a région instead;
 *   99xxx (another country) never matches.
 * An empty or NULL zone means no restriction (1). An unknown commune is
 * placed by its code alone (département = first 2 characters, 3 overseas).
 * Returns 1 eligible, 0 not.
 */
int zone_eligible(const char *zone_list, const char *insee);

#endif
