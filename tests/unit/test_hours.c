#include "unit.h"
#include "core/clock.h"
#include "core/hours.h"

#include <stdlib.h>

static struct hours H; /* a few KB: not on the stack of every test */

static int64_t at(const char *s)
{
	int64_t t = 0;
	if (hours_local_parse(s, &t) < 0)
		abort();
	return t;
}

/* The open intervals of value over [from, to) as "MM-DD HH:MM>MM-DD HH:MM"
 * joined by spaces; "?" after an unknown one, then the comment in braces.
 * "INVALID" if the value does not parse. */
static const char *spans(const char *value, const char *from, const char *to)
{
	static char out[4096];
	size_t n = 0;
	out[0] = '\0';
	if (hours_parse(&H, value, strlen(value)) < 0)
		return "INVALID";
	int64_t cursor = at(from);
	struct hours_interval iv;
	while (hours_next_interval(&H, &cursor, at(to), &iv) && n < sizeof out - 200) {
		char a[17], b[17];
		hours_local_format(iv.from, a);
		hours_local_format(iv.to, b);
		n += (size_t)snprintf(out + n, sizeof out - n, "%s%s>%s%s", n ? " " : "", a + 5, b + 5,
				      iv.unknown ? "?" : "");
		if (iv.comment.len)
			n += (size_t)snprintf(out + n, sizeof out - n, "{%.*s}", (int)iv.comment.len, iv.comment.ptr);
	}
	return out;
}

static const char *week(const char *value, const char *day)
{
	static struct buf b = BUF_INIT;
	buf_reset(&b);
	if (hours_parse(&H, value, strlen(value)) < 0)
		return "INVALID";
	hours_describe_week(&H, at(day), &b);
	return buf_cstr(&b);
}

static const char *now(const char *value, const char *when)
{
	static struct buf b = BUF_INIT;
	buf_reset(&b);
	if (hours_parse(&H, value, strlen(value)) < 0)
		return "INVALID";
	hours_describe_now(&H, at(when), &b);
	return buf_cstr(&b);
}

static int holiday(int y, int m, int d, const char *name)
{
	const char *got = hours_holiday(y, m, d);
	return got && strcmp(got, name) == 0;
}

TEST(hours_easter_and_holidays)
{
	int m, d;
	static const int easter[][3] = {
		{1818, 3, 22}, {2000, 4, 23}, {2019, 4, 21}, {2024, 3, 31}, {2025, 4, 20},
		{2026, 4, 5}, {2027, 3, 28}, {2038, 4, 25}, {2285, 3, 22},
	};
	for (size_t i = 0; i < sizeof easter / sizeof easter[0]; i++) {
		hours_easter(easter[i][0], &m, &d);
		CHECK(m == easter[i][1] && d == easter[i][2]);
	}
	/* 2024: Easter Monday 1 April, Ascension 9 May, Whit Monday 20 May. */
	CHECK(holiday(2024, 1, 1, "jour de l'An"));
	CHECK(holiday(2024, 4, 1, "lundi de Pâques"));
	CHECK(holiday(2024, 5, 1, "fête du Travail"));
	CHECK(holiday(2024, 5, 8, "victoire 1945"));
	CHECK(holiday(2024, 5, 9, "Ascension"));
	CHECK(holiday(2024, 5, 20, "lundi de Pentecôte"));
	CHECK(holiday(2024, 7, 14, "fête nationale"));
	CHECK(holiday(2024, 8, 15, "Assomption"));
	CHECK(holiday(2024, 11, 1, "Toussaint"));
	CHECK(holiday(2024, 11, 11, "armistice 1918"));
	CHECK(holiday(2024, 12, 25, "Noël"));
	/* Not public holidays outside Alsace-Moselle, or Sundays anyway. */
	CHECK(!hours_holiday(2024, 3, 29)); /* Good Friday */
	CHECK(!hours_holiday(2024, 3, 31)); /* Easter Sunday */
	CHECK(!hours_holiday(2024, 12, 26));
	CHECK(!hours_holiday(2024, 4, 2));
	/* 2025 and 2026. */
	CHECK(holiday(2025, 4, 21, "lundi de Pâques"));
	CHECK(holiday(2025, 5, 29, "Ascension"));
	CHECK(holiday(2025, 6, 9, "lundi de Pentecôte"));
	CHECK(holiday(2026, 4, 6, "lundi de Pâques"));
	CHECK(holiday(2026, 5, 14, "Ascension"));
	CHECK(holiday(2026, 5, 25, "lundi de Pentecôte"));
	CHECK(!hours_holiday(2026, 4, 5));
	/* Eleven a year, fewer when Ascension falls on 1 or 8 May (2008). */
	CHECK(holiday(2008, 5, 1, "fête du Travail"));
	for (int y = 1990; y <= 2100; y++) {
		int count = 0;
		for (int64_t z = days_from_civil(y, 1, 1); z < days_from_civil(y + 1, 1, 1); z++) {
			int yy, mm, dd;
			civil_from_days(z, &yy, &mm, &dd);
			count += hours_holiday(yy, mm, dd) != NULL;
		}
		hours_easter(y, &m, &d);
		int64_t ascension = days_from_civil(y, m, d) + 39;
		int clash = ascension == days_from_civil(y, 5, 1) || ascension == days_from_civil(y, 5, 8);
		CHECK(count == 11 - clash);
	}
}

TEST(hours_basic_week)
{
	CHECK_STR(spans("Mo-Fr 09:00-12:00,14:00-17:00", "2024-03-29 00:00", "2024-04-02 00:00"),
		  "03-29 09:00>03-29 12:00 03-29 14:00>03-29 17:00 04-01 09:00>04-01 12:00 04-01 14:00>04-01 17:00");
	CHECK_STR(spans("Tu,Th 09:00-12:00", "2024-03-25 00:00", "2024-03-31 00:00"),
		  "03-26 09:00>03-26 12:00 03-28 09:00>03-28 12:00");
	CHECK_STR(spans("Sa-Mo 10:00-11:00", "2024-03-25 00:00", "2024-04-01 00:00"),
		  "03-25 10:00>03-25 11:00 03-30 10:00>03-30 11:00 03-31 10:00>03-31 11:00");
	/* Touching and overlapping spans merge; the window cuts. */
	CHECK_STR(spans("Tu-Sa 10:00-13:00,13:00-18:00", "2024-03-26 11:00", "2024-03-26 16:00"),
		  "03-26 11:00>03-26 16:00");
	CHECK_STR(spans("Tu 09:00-22:00,09:00-11:30", "2024-03-26 00:00", "2024-03-27 00:00"), "03-26 09:00>03-26 22:00");
	/* Times only: every day. Spaces inside a time are tolerated. */
	CHECK_STR(spans("08:00-09:00", "2024-03-30 00:00", "2024-04-01 00:00"),
		  "03-30 08:00>03-30 09:00 03-31 08:00>03-31 09:00");
	CHECK_STR(spans("Mo-Fr 09:00-17 :00", "2024-03-25 00:00", "2024-03-26 00:00"), "03-25 09:00>03-25 17:00");
	CHECK_STR(spans("Mo 9:00-16:00", "2024-03-25 00:00", "2024-03-26 00:00"), "03-25 09:00>03-25 16:00");
}

TEST(hours_overrides)
{
	/* A later rule replaces the earlier ones on its days. */
	CHECK_STR(spans("Mo-Fr 09:00-17:00; We 10:00-12:00", "2024-03-26 00:00", "2024-03-28 00:00"),
		  "03-26 09:00>03-26 17:00 03-27 10:00>03-27 12:00");
	CHECK_STR(spans("Mo-Fr 08:30-12:00,13:30-17:00; We off", "2024-03-26 00:00", "2024-03-29 00:00"),
		  "03-26 08:30>03-26 12:00 03-26 13:30>03-26 17:00 03-28 08:30>03-28 12:00 03-28 13:30>03-28 17:00");
	/* A closing rule with times only closes those times. */
	CHECK_STR(spans("Mo-Fr 09:00-18:00; We 12:00-14:00 off", "2024-03-27 00:00", "2024-03-28 00:00"),
		  "03-27 09:00>03-27 12:00 03-27 14:00>03-27 18:00");
	/* An additional rule adds. */
	CHECK_STR(spans("Mo-Fr 09:00-12:00, We 14:00-16:00", "2024-03-27 00:00", "2024-03-28 00:00"),
		  "03-27 09:00>03-27 12:00 03-27 14:00>03-27 16:00");
	/* A time-only rule replaces the time-only rule before it. */
	CHECK_STR(spans("10:00-12:00; 14:00-16:00", "2024-03-27 00:00", "2024-03-28 00:00"), "03-27 14:00>03-27 16:00");
	/* Fallback: only where nothing is open. */
	CHECK_STR(spans("Mo-Fr 09:00-17:00 || \"sur rendez-vous\"", "2024-03-29 08:00", "2024-03-30 02:00"),
		  "03-29 08:00>03-29 09:00?{sur rendez-vous} 03-29 09:00>03-29 17:00 "
		  "03-29 17:00>03-30 02:00?{sur rendez-vous}");
	/* "Mo closed, Tu closed": closed, with a warning per additional rule. */
	CHECK_STR(spans("Mo closed, Tu closed, We closed", "2024-03-25 00:00", "2024-04-01 00:00"), "");
	CHECK(hours_warning_count(&H) == 2);
	CHECK(strstr(hours_warning(&H, 0), "Tu closed") != NULL);
}

TEST(hours_public_holidays)
{
	/* Easter Monday 2024 is 1 April: open without PH, closed with PH off. */
	CHECK_STR(spans("Mo 09:00-12:00", "2024-04-01 00:00", "2024-04-02 00:00"), "04-01 09:00>04-01 12:00");
	CHECK_STR(spans("Mo 09:00-12:00; PH off", "2024-04-01 00:00", "2024-04-02 00:00"), "");
	CHECK_STR(spans("Mo-Fr 09:00-12:00; PH off", "2024-05-06 00:00", "2024-05-11 00:00"),
		  "05-06 09:00>05-06 12:00 05-07 09:00>05-07 12:00 05-10 09:00>05-10 12:00"); /* 8 and 9 May */
	CHECK_STR(spans("PH 10:00-12:00", "2025-06-01 00:00", "2025-07-01 00:00"), "06-09 10:00>06-09 12:00");
	CHECK_STR(spans("Su,PH 10:00-11:00", "2026-04-04 00:00", "2026-04-08 00:00"),
		  "04-05 10:00>04-05 11:00 04-06 10:00>04-06 11:00");
	CHECK_STR(spans("Mo-Fr 08:00-18:00; PH off; Dec 24 08:00-12:00", "2024-12-24 00:00", "2024-12-27 00:00"),
		  "12-24 08:00>12-24 12:00 12-26 08:00>12-26 18:00");
	/* SH cannot be computed: it parses, warns, and never matches. */
	CHECK_STR(spans("Mo-Fr 09:00-12:00; SH off", "2024-03-25 00:00", "2024-03-26 00:00"), "03-25 09:00>03-25 12:00");
	CHECK(hours_warning_count(&H) == 1 && strstr(hours_warning(&H, 0), "SH") != NULL);
	CHECK_STR(spans("SH Mo 09:00-12:00", "2024-03-25 00:00", "2024-03-26 00:00"), "");
}

TEST(hours_week_numbers)
{
	/* ISO weeks: 25 March 2024 starts week 13. */
	CHECK_STR(spans("week 1-53/2 Tu 09:00-12:30,13:30-15:30; PH off", "2024-03-25 00:00", "2024-04-10 00:00"),
		  "03-26 09:00>03-26 12:30 03-26 13:30>03-26 15:30 04-09 09:00>04-09 12:30 04-09 13:30>04-09 15:30");
	CHECK_STR(spans("week 2-52/2 Tu 13:30-16:30; PH off", "2024-03-25 00:00", "2024-04-10 00:00"),
		  "04-02 13:30>04-02 16:30");
	CHECK_STR(spans("week 13,15 Mo 10:00-11:00", "2024-03-25 00:00", "2024-04-16 00:00"),
		  "03-25 10:00>03-25 11:00 04-08 10:00>04-08 11:00");
	/* 2020 had 53 weeks; 1 January 2021 is still in week 53. */
	CHECK_STR(spans("week 53 10:00-11:00", "2020-12-27 00:00", "2021-01-05 00:00"),
		  "12-28 10:00>12-28 11:00 12-29 10:00>12-29 11:00 12-30 10:00>12-30 11:00 "
		  "12-31 10:00>12-31 11:00 01-01 10:00>01-01 11:00 01-02 10:00>01-02 11:00 01-03 10:00>01-03 11:00");
	CHECK_STR(spans("week 52-02 Fr 10:00-11:00", "2024-12-01 00:00", "2025-01-31 00:00"),
		  "12-27 10:00>12-27 11:00 01-03 10:00>01-03 11:00 01-10 10:00>01-10 11:00");
	CHECK_STR(spans("week 54 Mo 10:00-11:00", "2024-03-25 00:00", "2024-03-26 00:00"), "INVALID");
	CHECK_STR(spans("week 1-53/0 Mo 10:00-11:00", "2024-03-25 00:00", "2024-03-26 00:00"), "INVALID");
}

TEST(hours_months_and_dates)
{
	const char *v = "Mo-Fr 08:00-18:00 open; Aug closed; Dec 25-Jan 1 closed";
	CHECK_STR(spans(v, "2024-07-31 00:00", "2024-08-02 00:00"), "07-31 08:00>07-31 18:00");
	CHECK_STR(spans(v, "2024-12-24 00:00", "2025-01-03 00:00"), "12-24 08:00>12-24 18:00 01-02 08:00>01-02 18:00");
	CHECK_STR(spans("Jan-Mar Mo 10:00-12:00", "2024-03-25 00:00", "2024-04-09 00:00"), "03-25 10:00>03-25 12:00");
	CHECK_STR(spans("Dec 24-26 10:00-12:00", "2024-12-23 00:00", "2024-12-28 00:00"),
		  "12-24 10:00>12-24 12:00 12-25 10:00>12-25 12:00 12-26 10:00>12-26 12:00");
	CHECK_STR(spans("Apr 01-Sep 30: Sa 10:00-12:00", "2024-03-29 00:00", "2024-04-07 00:00"), "04-06 10:00>04-06 12:00");
	CHECK_STR(spans("Feb 29 10:00-11:00", "2023-02-28 00:00", "2024-03-02 00:00"), "02-29 10:00>02-29 11:00");
	/* Years, alone or on dates. */
	CHECK_STR(spans("2025 Mo 10:00-11:00", "2024-12-29 00:00", "2025-01-07 00:00"), "01-06 10:00>01-06 11:00");
	CHECK_STR(spans("2024 Dec 30-2025 Jan 01 10:00-11:00", "2024-12-29 00:00", "2025-01-03 00:00"),
		  "12-30 10:00>12-30 11:00 12-31 10:00>12-31 11:00 01-01 10:00>01-01 11:00");
	CHECK_STR(spans("2023 Dec 30-2024 Jan 01 10:00-11:00", "2024-12-29 00:00", "2025-01-03 00:00"), "");
	CHECK_STR(spans("Feb 30 10:00-11:00", "2024-03-25 00:00", "2024-03-26 00:00"), "INVALID");
	/* Nth weekday of the month. */
	CHECK_STR(spans("Mo[1] 09:00-12:00", "2024-03-25 00:00", "2024-04-08 00:00"), "04-01 09:00>04-01 12:00");
	CHECK_STR(spans("We[-1] 14:00-17:00", "2024-03-25 00:00", "2024-04-08 00:00"), "03-27 14:00>03-27 17:00");
	CHECK_STR(spans("Fr[2,4] 10:00-11:00", "2024-04-01 00:00", "2024-05-01 00:00"),
		  "04-12 10:00>04-12 11:00 04-26 10:00>04-26 11:00");
	CHECK_STR(spans("Tu[1-2] 10:00-11:00", "2024-04-01 00:00", "2024-05-01 00:00"),
		  "04-02 10:00>04-02 11:00 04-09 10:00>04-09 11:00");
}

TEST(hours_comments_and_states)
{
	CHECK_STR(spans("Mo-Fr 10:00-20:00 \"sur rendez-vous\"; PH off", "2024-03-29 00:00", "2024-04-03 00:00"),
		  "03-29 10:00>03-29 20:00?{sur rendez-vous} 04-02 10:00>04-02 20:00?{sur rendez-vous}");
	CHECK_STR(spans("Mo 08:00-18:00 open \"Sans rendez-vous\"; PH off", "2024-03-25 00:00", "2024-04-02 00:00"),
		  "03-25 08:00>03-25 18:00{Sans rendez-vous}");
	CHECK_STR(spans("Mo 08:00-10:00 \"a\", Mo 10:00-12:00 open \"b\"", "2024-03-25 00:00", "2024-03-26 00:00"),
		  "03-25 08:00>03-25 10:00?{a} 03-25 10:00>03-25 12:00{b}");
	CHECK_STR(spans("Mo 10:00-12:00 unknown", "2024-03-25 00:00", "2024-03-26 00:00"), "03-25 10:00>03-25 12:00?");
	CHECK_STR(spans("Mo 18:00+", "2024-03-25 00:00", "2024-03-26 00:00"), "03-25 18:00>03-26 00:00?");
	CHECK_STR(spans("Mo 10:00-12:00+", "2024-03-25 00:00", "2024-03-26 00:00"),
		  "03-25 10:00>03-25 12:00 03-25 12:00>03-26 00:00?");
	/* 24/7 is one interval however long the window; off is none. */
	CHECK_STR(spans("24/7", "2024-03-25 00:00", "2024-04-08 00:00"), "03-25 00:00>04-08 00:00");
	CHECK_STR(spans("24/7; Su off", "2024-03-30 00:00", "2024-04-02 00:00"), "03-30 00:00>03-31 00:00 04-01 00:00>04-02 00:00");
	CHECK_STR(spans("off", "2024-03-25 00:00", "2024-04-08 00:00"), "");
	CHECK_STR(spans("PH off", "2024-03-25 00:00", "2024-04-08 00:00"), "");
	CHECK_STR(spans("\"fermé pour travaux\"", "2024-03-25 00:00", "2024-03-26 00:00"),
		  "03-25 00:00>03-26 00:00?{fermé pour travaux}");
}

TEST(hours_past_midnight)
{
	CHECK_STR(spans("Fr 19:00-11:00", "2024-03-25 00:00", "2024-04-08 00:00"),
		  "03-29 19:00>03-30 11:00 04-05 19:00>04-06 11:00");
	CHECK_STR(spans("22:00-02:00", "2024-03-25 00:00", "2024-03-27 00:00"),
		  "03-25 00:00>03-25 02:00 03-25 22:00>03-26 02:00 03-26 22:00>03-27 00:00");
	CHECK_STR(spans("Sa 22:00-26:00", "2024-03-30 00:00", "2024-04-01 00:00"), "03-30 22:00>03-31 02:00");
	/* The next day's own rule takes over the early hours too. */
	CHECK_STR(spans("Mo-Su 22:00-02:00; Tu 12:00-14:00", "2024-03-26 00:00", "2024-03-27 00:00"),
		  "03-26 12:00>03-26 14:00");
	/* A span of exactly a day, and one ending at 24:00. */
	CHECK_STR(spans("Mo 10:00-10:00", "2024-03-25 00:00", "2024-03-27 00:00"), "03-25 10:00>03-26 10:00");
	CHECK_STR(spans("Mo 20:00-24:00", "2024-03-25 00:00", "2024-03-27 00:00"), "03-25 20:00>03-26 00:00");
}

TEST(hours_daylight_saving)
{
	/* Local civil time: the hours are wall-clock hours on both change days. */
	CHECK_STR(spans("Su 01:00-04:00", "2024-03-31 00:00", "2024-04-01 00:00"), "03-31 01:00>03-31 04:00");
	CHECK_STR(spans("Su 01:00-04:00", "2024-10-27 00:00", "2024-10-28 00:00"), "10-27 01:00>10-27 04:00");
	CHECK_STR(spans("Sa 22:00-03:00", "2024-03-30 00:00", "2024-04-01 00:00"), "03-30 22:00>03-31 03:00");
	/* The Unix clock to local minutes: CET, then CEST from 01:00 UTC. */
	char s[17];
	int64_t t = days_from_civil(2024, 3, 31) * 86400 + 3600;
	hours_local_format(hours_local_from_unix(t - 60), s);
	CHECK_STR(s, "2024-03-31 01:59");
	hours_local_format(hours_local_from_unix(t), s);
	CHECK_STR(s, "2024-03-31 03:00");
	t = days_from_civil(2024, 10, 27) * 86400 + 3600;
	hours_local_format(hours_local_from_unix(t - 60), s);
	CHECK_STR(s, "2024-10-27 02:59");
	hours_local_format(hours_local_from_unix(t), s);
	CHECK_STR(s, "2024-10-27 02:00");
	/* Open at 10:00 Paris time in summer = 08:00 UTC. */
	CHECK(hours_parse(&H, "Mo-Fr 10:00-12:00", 17) == 0);
	struct hours_status st;
	int64_t summer = days_from_civil(2024, 7, 1) * 86400;
	hours_status_at(&H, hours_local_from_unix(summer + 8 * 3600), 0, &st, NULL);
	CHECK(st.state == HOURS_OPEN);
	hours_status_at(&H, hours_local_from_unix(summer + 7 * 3600 + 59 * 60), 0, &st, NULL);
	CHECK(st.state == HOURS_CLOSED);
}

TEST(hours_status_and_next_change)
{
	const char *v = "Mo-Fr 09:00-12:00,14:00-17:00 open \"accueil\"";
	CHECK(hours_parse(&H, v, strlen(v)) == 0);
	struct hours_status st;
	int64_t until = 0;
	hours_status_at(&H, at("2024-03-25 10:00"), at("2025-01-01 00:00"), &st, &until);
	CHECK(st.state == HOURS_OPEN && st.comment.len == 7 && memcmp(st.comment.ptr, "accueil", 7) == 0);
	CHECK(until == at("2024-03-25 12:00"));
	hours_status_at(&H, at("2024-03-29 17:00"), at("2025-01-01 00:00"), &st, &until);
	CHECK(st.state == HOURS_CLOSED && st.comment.len == 0 && until == at("2024-04-01 09:00"));
	hours_status_at(&H, at("2024-03-29 17:00"), at("2024-03-30 00:00"), &st, &until);
	CHECK(until == at("2024-03-30 00:00")); /* capped */
	CHECK(hours_parse(&H, "24/7", 4) == 0);
	hours_status_at(&H, at("2024-03-29 17:00"), at("2025-03-29 17:00"), &st, &until);
	CHECK(st.state == HOURS_OPEN && until == at("2025-03-29 17:00"));
}

TEST(hours_invalid_values)
{
	static const struct {
		const char *value, *error;
	} cases[] = {
		{"", "valeur vide"},
		{"   ", "valeur vide"},
		{"Mo-Th 09:00-12:00,13:00-18:00; Fr 09:00-13:00,13:00-18:00; Sa 10:00", "heure seule"},
		{"We 09:30-13:00-18:00", "« - » inattendu"},
		{"Mo-Fr 14h00-19h00;Sa 14h00-18h00", "« h » dans une heure"},
		{"lundi 09:00-12:00", "écrire « Mo »"},
		{"mo-fr 09:00-12:00", "écrire « Mo »"},
		{"Mo 25:00-26:00", "heure impossible"},
		{"Mo 10:60-11:00", "minutes impossibles"},
		{"Mo 10:0-11:00", "deux chiffres"},
		{"Mo 10:00-12:00;; Tu 10:00-12:00", "règle vide"},
		{"Mo 10:00-12:00,", "règle vide"},
		{"Mo 10:00-", "la valeur s'arrête trop tôt"},
		{"Mo sunrise-sunset", "heures solaires"},
		{"easter off", "Pâques"},
		{"PH +1 day off", "inattendu"},
		{"Mo 10:00-16:00/01:30", "répétés"},
		{"Mo \"ouvert", "guillemet"},
		{"Mo | Tu", "« || »"},
		{"Mo 10:00-12:00 13:00-17:00", "virgules"},
		{"Mo 10:00-12:00 @", "caractère inattendu"},
		{"Mo 10:00-12:00 é", "mot inconnu"},
		{"Mo[6] 10:00-12:00", "rang impossible"},
		{"Mo 1234567:00", "nombre trop long"},
		{"Mo\x01 10:00-12:00", "texte valide"},
		{"Mo \xff\xfe", "texte valide"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = hours_parse(&H, cases[i].value, strlen(cases[i].value));
		CHECK(rc == -1 && !H.valid);
		if (!strstr(hours_error(&H), cases[i].error))
			fprintf(stderr, "    %s -> %s\n", cases[i].value, hours_error(&H));
		CHECK(strstr(hours_error(&H), cases[i].error) != NULL);
		CHECK_STR(H.text, cases[i].value); /* kept as given, to show it raw */
		/* An invalid value evaluates as always closed, and describes as nothing. */
		CHECK_STR(spans(cases[i].value, "2024-03-25 00:00", "2024-04-08 00:00"), "INVALID");
	}
	CHECK(hours_parse(&H, "Mo 10:00-12:00 @", 16) == -1 && H.error_at == 15);
	/* Too long is refused before any parsing; the text is kept, truncated. */
	static char big[5000];
	for (size_t i = 0; i + 1 < sizeof big; i += 16)
		memcpy(big + i, "Mo 10:00-11:00; ", 16 < sizeof big - 1 - i ? 16 : sizeof big - 1 - i);
	CHECK(hours_parse(&H, big, strlen(big)) == -1 && strstr(hours_error(&H), "trop longue"));
	CHECK(H.len == HOURS_MAX_LEN);
	/* Too many rules for the struct: refused, not overflowed. */
	CHECK(hours_parse(&H, big, 60 * 16 - 2) == -1 && strstr(hours_error(&H), "trop complexe"));
	/* Not NUL-terminated input is read only up to len. */
	CHECK(hours_parse(&H, "Mo 10:00-12:00xyz", 14) == 0);
}

TEST(hours_warnings)
{
	const char *v = "Tu-Fr 09:00-12:00,14:00-17:00; Mo 14-17;9-12,14-17";
	CHECK(hours_parse(&H, v, strlen(v)) == 0);
	CHECK(hours_warning_count(&H) == 3);
	CHECK_STR(hours_warning(&H, 0), "heures sans les minutes : écrire « 14:00-17:00 »");
	CHECK_STR(hours_warning(&H, 1), "heures sans les minutes : écrire « 09:00-12:00 »");
	CHECK(hours_parse(&H, "Mo 10:00-12:00;", 15) == 0 && hours_warning_count(&H) == 1);
	CHECK(hours_parse(&H, "Mo-Fr 09:00-17:00", 17) == 0 && hours_warning_count(&H) == 0);
	CHECK_STR(hours_error(&H), "");
	/* More warnings than kept: counted. */
	v = "Mo 1-2,3-4,5-6,7-8,9-10,11-12,13-14,15-16,17-18,19-20";
	CHECK(hours_parse(&H, v, strlen(v)) == 0 && H.nwarnings == 10 && hours_warning_count(&H) == HOURS_MAX_WARNINGS);
}

TEST(hours_describe_week_fr)
{
	CHECK_STR(week("Mo-Fr 09:00-12:00,14:00-17:00", "2024-03-27 15:00"),
		  "Du lundi au vendredi : de 9 h à 12 h et de 14 h à 17 h\nSamedi et dimanche : fermé\n");
	CHECK_STR(week("Mo-Th 08:45-12:15,13:30-17:00; Fr 08:45-12:15", "2024-03-25 00:00"),
		  "Du lundi au jeudi : de 8 h 45 à 12 h 15 et de 13 h 30 à 17 h\n"
		  "Vendredi : de 8 h 45 à 12 h 15\nSamedi et dimanche : fermé\n");
	CHECK_STR(week("Mo,We,Fr 10:00-12:00", "2024-03-25 00:00"),
		  "Lundi, mercredi et vendredi : de 10 h à 12 h\nMardi, jeudi, samedi et dimanche : fermé\n");
	/* The public holiday of the week gets its own line when PH is used. */
	CHECK_STR(week("Mo-Fr 09:00-17:00; PH off", "2024-04-03 00:00"),
		  "Lundi 1er avril (lundi de Pâques) : fermé\nDu mardi au vendredi : de 9 h à 17 h\n"
		  "Samedi et dimanche : fermé\n");
	CHECK_STR(week("Mo-Fr 09:00-17:00", "2024-04-03 00:00"),
		  "Du lundi au vendredi : de 9 h à 17 h\nSamedi et dimanche : fermé\n");
	CHECK_STR(week("24/7", "2024-04-03 00:00"), "Tous les jours : 24 h sur 24\n");
	CHECK_STR(week("off", "2024-04-03 00:00"), "Tous les jours : fermé\n");
	CHECK_STR(week("22:00-02:00", "2024-04-03 00:00"), "Tous les jours : de 22 h à 2 h le lendemain\n");
	CHECK_STR(week("Fr 19:00-11:00", "2024-04-03 00:00"),
		  "Du lundi au jeudi, samedi et dimanche : fermé\nVendredi : de 19 h à 11 h le lendemain\n");
	CHECK_STR(week("Sa 18:00-24:00", "2024-04-03 00:00"),
		  "Du lundi au vendredi et dimanche : fermé\nSamedi : de 18 h à minuit\n");
	CHECK_STR(week("Mo-Fr 10:00-20:00 \"sur rendez-vous\"", "2024-04-03 00:00"),
		  "Du lundi au vendredi : de 10 h à 20 h (sur rendez-vous)\nSamedi et dimanche : fermé\n");
	CHECK_STR(week("Mo 10:00-12:00 unknown", "2024-04-03 00:00"),
		  "Lundi : de 10 h à 12 h (à confirmer)\nDu mardi au dimanche : fermé\n");
	/* The week depends on the week: odd ISO weeks only. */
	CHECK_STR(week("week 1-53/2 Tu 09:00-12:00", "2024-04-03 00:00"), "Tous les jours : fermé\n");
	CHECK_STR(week("week 1-53/2 Tu 09:00-12:00", "2024-03-27 00:00"),
		  "Lundi et du mercredi au dimanche : fermé\nMardi : de 9 h à 12 h\n");
	CHECK_STR(week("Mo garbage", "2024-03-27 00:00"), "INVALID");
}

TEST(hours_describe_now_fr)
{
	const char *v = "Mo-Fr 09:00-12:00,14:00-17:00";
	CHECK_STR(now(v, "2024-03-25 10:00"), "Ouvert maintenant, ferme à 12 h");
	CHECK_STR(now(v, "2024-03-25 12:00"), "Fermé, ouvre à 14 h");
	CHECK_STR(now(v, "2024-03-25 18:00"), "Fermé, ouvre demain à 9 h");
	CHECK_STR(now(v, "2024-03-29 17:00"), "Fermé, ouvre lundi à 9 h");
	CHECK_STR(now("Mo-Fr 08:30-12:00", "2024-03-31 15:00"), "Fermé, ouvre demain à 8 h 30");
	CHECK_STR(now("Mo-Fr 08:30-12:00; PH off", "2024-03-31 15:00"), "Fermé, ouvre mardi à 8 h 30");
	CHECK_STR(now("Fr 19:00-11:00", "2024-03-29 20:00"), "Ouvert maintenant, ferme demain à 11 h");
	CHECK_STR(now("Sa 18:00-24:00", "2024-03-30 20:00"), "Ouvert maintenant, ferme à minuit");
	CHECK_STR(now("24/7", "2024-03-30 20:00"), "Ouvert maintenant");
	CHECK_STR(now("off", "2024-03-30 20:00"), "Fermé");
	CHECK_STR(now("Aug Mo 10:00-12:00", "2024-03-30 20:00"), "Fermé, ouvre le lundi 5 août à 10 h");
	CHECK_STR(now("Jan Mo 10:00-12:00", "2024-03-30 20:00"), "Fermé, ouvre le lundi 6 janvier 2025 à 10 h");
	CHECK_STR(now("Mo-Fr 10:00-20:00 \"sur rendez-vous\"", "2024-03-30 20:00"),
		  "Fermé, ouverture possible lundi à 10 h (sur rendez-vous)");
	CHECK_STR(now("Mo-Fr 10:00-20:00 \"sur rendez-vous\"", "2024-03-25 11:00"),
		  "Ouverture à confirmer (sur rendez-vous), ferme à 20 h");
	CHECK_STR(now("Mo 08:00-18:00 open \"Sans rendez-vous\"", "2024-03-25 11:00"),
		  "Ouvert maintenant (Sans rendez-vous), ferme à 18 h");
	CHECK_STR(now("Mo 10:00-12:00+", "2024-03-25 11:00"), "Ouvert maintenant jusqu'à 12 h");
	CHECK_STR(now("Mo garbage", "2024-03-25 11:00"), "INVALID");
}

TEST(hours_local_time_strings)
{
	int64_t t;
	char s[17];
	CHECK(hours_local_parse("2024-03-25 09:30", &t) == 0);
	CHECK(t == days_from_civil(2024, 3, 25) * 1440 + 570);
	hours_local_format(t, s);
	CHECK_STR(s, "2024-03-25 09:30");
	CHECK(hours_local_parse("2024-03-25 24:00", &t) == 0);
	hours_local_format(t, s);
	CHECK_STR(s, "2024-03-26 00:00");
	hours_local_format(-1, s);
	CHECK_STR(s, "1969-12-31 23:59");
	CHECK(hours_local_parse("2024-02-30 10:00", &t) == -1);
	CHECK(hours_local_parse("2024-03-25 24:01", &t) == -1);
	CHECK(hours_local_parse("2024-03-25 9:30", &t) == -1);
	CHECK(hours_local_parse("25/03/2024 09:30", &t) == -1);
	CHECK(hours_local_parse("2024-03-25T09:30", &t) == -1);
	CHECK(hours_local_parse("", &t) == -1);
}
