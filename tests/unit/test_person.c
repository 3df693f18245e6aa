#include "unit.h"
#include "domain/person.h"

TEST(person_nir_key)
{
	/* Key = 97 - (13 first digits mod 97). */
	CHECK(nir_valid("1 84 05 75 056 123 68") == (97 - (1840575056123ULL % 97) == 68));
	char nir[32];
	unsigned long long base = 2950599350321ULL;
	snprintf(nir, sizeof nir, "%llu%02llu", base, 97 - base % 97);
	CHECK(nir_valid(nir));
	nir[14] = nir[14] == '9' ? '0' : (char)(nir[14] + 1);
	CHECK(!nir_valid(nir));
	CHECK(!nir_valid("123"));
	CHECK(!nir_valid("5840575056123XX"));
	/* Corsica: 2A counts as 19. 1 85 02 2A 004 123 KEY */
	unsigned long long corse = 1850219004123ULL;
	snprintf(nir, sizeof nir, "18502 2A004123%02llu", 97 - corse % 97);
	CHECK(nir_valid(nir));
	char masked[64];
	nir_masked("295059935032142", masked, sizeof masked);
	CHECK(strstr(masked, "99350321") == NULL);
	CHECK(strncmp(masked, "2 95 05", 7) == 0);
}
