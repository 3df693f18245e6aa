#include "unit.h"
#include "core/clock.h"

TEST(clock_civil_round_trip)
{
	int y, m, d;
	CHECK(days_from_civil(1970, 1, 1) == 0);
	CHECK(days_from_civil(2000, 3, 1) == 11017);
	civil_from_days(20000, &y, &m, &d);
	CHECK(y == 2024 && m == 10 && d == 4);
	for (int64_t z = -800000; z < 800000; z += 997) {
		civil_from_days(z, &y, &m, &d);
		CHECK(days_from_civil(y, m, d) == z);
	}
}

TEST(clock_date_parse)
{
	int y, m, d;
	CHECK(date_parse("2024-02-29", &y, &m, &d) == 0 && y == 2024 && m == 2 && d == 29);
	CHECK(date_parse("2023-02-29", &y, &m, &d) == -1);
	CHECK(date_parse("1900-02-29", &y, &m, &d) == -1);
	CHECK(date_parse("2000-02-29", &y, &m, &d) == 0);
	CHECK(date_parse("31/12/1999", &y, &m, &d) == 0 && y == 1999 && m == 12 && d == 31);
	CHECK(date_parse("2024-04-31", &y, &m, &d) == -1);
	CHECK(date_parse("2024-13-01", &y, &m, &d) == -1);
	CHECK(date_parse("2024-1-01", &y, &m, &d) == -1);
	CHECK(date_parse("", &y, &m, &d) == -1);
	CHECK(date_parse("abcd-ef-gh", &y, &m, &d) == -1);
}

TEST(clock_paris_time)
{
	char s[64];
	/* 2026-07-14T10:00:00Z is 12h00 in Paris (summer time). */
	int64_t t = days_from_civil(2026, 7, 14) * 86400 + 10 * 3600;
	clock_format_fr(t, s, sizeof s);
	CHECK_STR(s, "14/07/2026 à 12h00");
	/* 2026-12-25T10:00:00Z is 11h00 (winter). */
	t = days_from_civil(2026, 12, 25) * 86400 + 10 * 3600;
	clock_format_fr(t, s, sizeof s);
	CHECK_STR(s, "25/12/2026 à 11h00");
	/* Change on 2026-03-29 at 01:00 UTC. */
	t = days_from_civil(2026, 3, 29) * 86400 + 3600;
	CHECK(clock_paris_offset(t - 1) == 3600);
	CHECK(clock_paris_offset(t) == 7200);
	clock_format_iso(0, s, sizeof s);
	CHECK_STR(s, "1970-01-01T00:00:00Z");
}
