#include "unit.h"
#include "domain/commune.h"

TEST(commune_lookup)
{
	CHECK(commune_count() > 34000);
	const struct commune *list[16];
	int n = commune_by_postal("59650", list, 16);
	CHECK(n == 1 && strcmp(list[0]->name, "Villeneuve-d'Ascq") == 0 && strcmp(list[0]->insee, "59009") == 0);
	CHECK(commune_by_postal("00000", list, 16) == 0);
	const struct commune *c = commune_by_insee("59350");
	CHECK(c && strcmp(c->name, "Lille") == 0 && strcmp(c->departement, "59") == 0);
	CHECK(commune_by_insee("99999") == NULL);
	/* What people type: accents, case and hyphens do not matter. */
	CHECK(commune_resolve("59650", "villeneuve d ascq", &c) == 1 && strcmp(c->insee, "59009") == 0);
	CHECK(commune_resolve("59650", "Lille", &c) == 0);
	CHECK(commune_resolve("", "Mons-en-Barœul", &c) == 1 && strcmp(c->insee, "59410") == 0);
	/* Several communes share 59260 (Lezennes, Hellemmes is part of Lille). */
	CHECK(commune_resolve("59260", "", &c) == 2 || commune_resolve("59260", "", &c) == 1);
	CHECK(commune_resolve("", "Saint-Martin", &c) != 1);
}
