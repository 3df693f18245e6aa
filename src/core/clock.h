/* Time: Unix seconds (UTC) everywhere inside Lien; French local time only
 * when shown to a person. Dates are civil dates "YYYY-MM-DD". */
#ifndef LIEN_CORE_CLOCK_H
#define LIEN_CORE_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Current time. Tests may pin it with clock_set_fixed (0 = real clock). */
int64_t clock_now(void);
void clock_set_fixed(int64_t t);
/* Monotonic microseconds, for measuring durations. */
int64_t clock_mono_us(void);

/* "2026-11-28T18:04:57Z" */
void clock_format_iso(int64_t t, char *out, size_t n);
/* Local time in France (Europe/Paris rules: CET/CEST), "28/11/2026 à 19h04". */
void clock_format_fr(int64_t t, char *out, size_t n);
/* Offset of Europe/Paris from UTC at t, in seconds (3600 or 7200). */
int clock_paris_offset(int64_t t);

/* Parse a civil date "YYYY-MM-DD" (also "DD/MM/YYYY"); checks that the
 * date exists (29 February only in leap years). Returns 0 and y/m/d, or -1. */
int date_parse(const char *s, int *y, int *m, int *d);
/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
int64_t days_from_civil(int y, int m, int d);
void civil_from_days(int64_t z, int *y, int *m, int *d);

/* Today's civil date in France, "YYYY-MM-DD", and as a day number
 * (days_from_civil): between midnight in Paris and midnight UTC the UTC
 * day is still yesterday. */
void date_today(char out[11]);
int64_t date_today_days(void);
/* A date typed in a form ("JJ/MM/AAAA" or "AAAA-MM-JJ") as "YYYY-MM-DD";
 * "" stays "". Returns 0, or -1 when the date does not exist. */
int date_normalise(const char *s, char out[11]);
/* "YYYY-MM-DD" moved by months then days (the 31st of a shorter month
 * becomes its last day). Returns 0, or -1 for an invalid date. */
int date_add(const char *iso, int months, int days, char out[11]);
/* "YYYY-MM-DD" as "JJ/MM/AAAA"; anything else is copied. */
void date_fr(const char *iso, char *out, size_t n);

#endif
