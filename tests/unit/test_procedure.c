#include "unit.h"
#include "core/clock.h"
#include "domain/aid.h"
#include "domain/procedure.h"

#include <string.h>

TEST(date_add_months_and_days)
{
	char out[11];
	CHECK(date_add("2026-12-01", 12, -1, out) == 0);
	CHECK_STR(out, "2027-11-30");
	CHECK(date_add("2026-01-31", 1, 0, out) == 0); /* the 31st of a shorter month: its last day */
	CHECK_STR(out, "2026-02-28");
	CHECK(date_add("2028-01-31", 1, 0, out) == 0);
	CHECK_STR(out, "2028-02-29");
	CHECK(date_add("2026-08-15", 6, -1, out) == 0);
	CHECK_STR(out, "2027-02-14");
	CHECK(date_add("2026-12-31", 0, 1, out) == 0);
	CHECK_STR(out, "2027-01-01");
	CHECK(date_add("2026-02-30", 1, 0, out) == -1);
	CHECK(date_normalise("05/03/2026", out) == 0);
	CHECK_STR(out, "2026-03-05");
	CHECK(date_normalise("", out) == 0 && out[0] == '\0');
	CHECK(date_normalise("31/04/2026", out) == -1);
}

TEST(mandate_state_and_scope)
{
	struct mandate m;
	memset(&m, 0, sizeof m);
	cstr_copy(m.domains, sizeof m.domains, "social_sante,logement");
	cstr_copy(m.starts_on, sizeof m.starts_on, "2026-11-01");
	cstr_copy(m.ends_on, sizeof m.ends_on, "2026-11-30");
	CHECK_STR(mandate_state(&m, "2026-10-31"), "a_venir");
	CHECK_STR(mandate_state(&m, "2026-11-01"), "actif");
	CHECK_STR(mandate_state(&m, "2026-11-30"), "actif"); /* the last day is covered */
	CHECK_STR(mandate_state(&m, "2026-12-01"), "expire");
	CHECK(mandate_covers(&m, "logement", "2026-11-15"));
	CHECK(mandate_covers(&m, "social_sante", "2026-11-15"));
	CHECK(!mandate_covers(&m, "social", "2026-11-15"));   /* a prefix is not a domain */
	CHECK(!mandate_covers(&m, "justice", "2026-11-15"));
	CHECK(!mandate_covers(&m, "logement", "2026-12-01"));
	m.revoked_at = 1;
	CHECK_STR(mandate_state(&m, "2026-11-15"), "revoque");
	CHECK(!mandate_covers(&m, "logement", "2026-11-15"));
	m.revoked_at = 0;
	m.domains[0] = '\0'; /* every domain revoked one by one */
	CHECK_STR(mandate_state(&m, "2026-11-15"), "revoque");
}

TEST(procedure_closed_statuses)
{
	CHECK(procedure_status_closed("accordee"));
	CHECK(procedure_status_closed("refusee"));
	CHECK(procedure_status_closed("abandonnee"));
	CHECK(!procedure_status_closed("en_attente"));
	CHECK(!procedure_status_closed("a_faire"));
	int n = 0;
	for (const struct choice *c = procedure_domains; c->value; c++)
		n++;
	CHECK(n == 10);
}

TEST(money_parse_and_format)
{
	int64_t c;
	CHECK(money_parse("150", &c) == 0 && c == 15000);
	CHECK(money_parse("45,5", &c) == 0 && c == 4550);
	CHECK(money_parse("45.05", &c) == 0 && c == 4505);
	CHECK(money_parse("1 200,00", &c) == 0 && c == 120000);
	CHECK(money_parse("1\xC2\xA0" "200", &c) == 0 && c == 120000);
	CHECK(money_parse("80 \xE2\x82\xAC", &c) == 0 && c == 8000);
	CHECK(money_parse("", &c) == -1);
	CHECK(money_parse("abc", &c) == -1);
	CHECK(money_parse("12,345", &c) == -1);
	CHECK(money_parse("12,", &c) == -1);
	CHECK(money_parse(",5", &c) == -1);
	CHECK(money_parse("-5", &c) == -1);
	CHECK(money_parse("1,2,3", &c) == -1);
	CHECK(money_parse("99999999", &c) == -1);
	char s[48];
	money_format(150050, s, sizeof s);
	CHECK_STR(s, "1\xC2\xA0" "500,50\xC2\xA0\xE2\x82\xAC");
	money_format(5, s, sizeof s);
	CHECK_STR(s, "0,05\xC2\xA0\xE2\x82\xAC");
	money_format(123456789, s, sizeof s);
	CHECK_STR(s, "1\xC2\xA0" "234\xC2\xA0" "567,89\xC2\xA0\xE2\x82\xAC");
}
