#include "core/clock.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static _Atomic int64_t fixed_now;

int64_t clock_now(void)
{
	int64_t f = atomic_load(&fixed_now);
	return f ? f : (int64_t)time(NULL);
}

void clock_set_fixed(int64_t t)
{
	atomic_store(&fixed_now, t);
}

int64_t clock_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Howard Hinnant's algorithms: exact for any date, no time-zone database. */
int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

static void split(int64_t t, int *y, int *mo, int *d, int *h, int *mi, int *s)
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t rem = t - days * 86400;
	civil_from_days(days, y, mo, d);
	*h = (int)(rem / 3600);
	*mi = (int)(rem % 3600 / 60);
	*s = (int)(rem % 60);
}

void clock_format_iso(int64_t t, char *out, size_t n)
{
	int y, mo, d, h, mi, s;
	split(t, &y, &mo, &d, &h, &mi, &s);
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, s);
}

/* EU rule: summer time from the last Sunday of March 01:00 UTC to the last
 * Sunday of October 01:00 UTC. */
static int64_t last_sunday_utc1(int y, int m)
{
	int64_t last = days_from_civil(y, m, 31);
	int64_t wd = (last + 4) % 7; /* 1970-01-01 was a Thursday; 0 = Sunday */
	if (wd < 0)
		wd += 7;
	return (last - wd) * 86400 + 3600;
}

int clock_paris_offset(int64_t t)
{
	int y, mo, d, h, mi, s;
	split(t, &y, &mo, &d, &h, &mi, &s);
	return (t >= last_sunday_utc1(y, 3) && t < last_sunday_utc1(y, 10)) ? 7200 : 3600;
}

void clock_format_fr(int64_t t, char *out, size_t n)
{
	int y, mo, d, h, mi, s;
	split(t + clock_paris_offset(t), &y, &mo, &d, &h, &mi, &s);
	snprintf(out, n, "%02d/%02d/%04d à %02dh%02d", d, mo, y, h, mi);
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int date_parse(const char *s, int *y, int *m, int *d)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	size_t n = strlen(s);
	if (n != 10)
		return -1;
	if (s[4] == '-' && s[7] == '-') {
		if (digits(s, 4, y) || digits(s + 5, 2, m) || digits(s + 8, 2, d))
			return -1;
	} else if (s[2] == '/' && s[5] == '/') {
		if (digits(s, 2, d) || digits(s + 3, 2, m) || digits(s + 6, 4, y))
			return -1;
	} else {
		return -1;
	}
	if (*y < 1800 || *y > 9999 || *m < 1 || *m > 12 || *d < 1)
		return -1;
	int max = mdays[*m - 1] + (*m == 2 && is_leap(*y));
	return *d <= max ? 0 : -1;
}

/* "YYYY-MM-DD" (years 0–9999) without printf: the home page formats a few
 * dates per request and snprintf's machinery cost more than the rest. */
static void format_iso_date(int y, int m, int d, char out[11])
{
	out[0] = (char)('0' + y / 1000 % 10);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

int64_t date_today_days(void)
{
	int64_t now = clock_now();
	return (now + clock_paris_offset(now)) / 86400;
}

void date_today(char out[11])
{
	int64_t now = clock_now();
	int y, m, d;
	civil_from_days((now + clock_paris_offset(now)) / 86400, &y, &m, &d);
	format_iso_date(y, m, d, out);
}

int date_normalise(const char *s, char out[11])
{
	int y, m, d;
	out[0] = '\0';
	if (!s[0])
		return 0;
	if (date_parse(s, &y, &m, &d) < 0)
		return -1;
	format_iso_date(y, m, d, out);
	return 0;
}

int date_add(const char *iso, int months, int days, char out[11])
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;
	if (date_parse(iso, &y, &m, &d) < 0)
		return -1;
	int mi = y * 12 + (m - 1) + months;
	y = mi / 12;
	m = mi % 12 + 1;
	int max = mdays[m - 1] + (m == 2 && is_leap(y));
	if (d > max)
		d = max;
	civil_from_days(days_from_civil(y, m, d) + days, &y, &m, &d);
	if (y < 0 || y > 9999)
		return -1;
	format_iso_date(y, m, d, out);
	return 0;
}

void date_fr(const char *iso, char *out, size_t n)
{
	if (n >= 11 && strlen(iso) == 10 && iso[4] == '-' && iso[7] == '-') {
		char fr[11] = {iso[8], iso[9], '/', iso[5], iso[6], '/', iso[0], iso[1], iso[2], iso[3], '\0'};
		memcpy(out, fr, sizeof fr);
	} else
		snprintf(out, n, "%s", iso);
}
