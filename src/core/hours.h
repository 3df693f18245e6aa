/*
 * Opening hours in the OpenStreetMap opening_hours syntax, as French
 * service data writes them: "Mo-Fr 09:00-12:00,14:00-17:00; PH off".
 *
 * Supported: rules separated by ";" (a later rule replaces the earlier ones
 * on the days it names), "," (an additional rule, adds to them) and "||"
 * (a fallback, only where nothing else is open); weekday ranges and lists
 * with nth weekdays of the month (Mo[1], We[-1]); PH, the French public
 * holidays, computed from the calendar; week numbers with steps
 * (week 1-53/2); years; months and date ranges (Aug, Dec 25-Jan 01);
 * several time spans, past midnight (22:00-02:00) and open ends (18:00+);
 * the modifiers open, closed, off, unknown; comments in double quotes; 24/7.
 * Not supported (the value is then invalid, with a message saying so):
 * sunrise/sunset and other solar times, easter as a date, day offsets
 * ("PH +1 day"), point-in-time and repeating times ("10:00-16:00/01:30").
 * SH (school holidays) parses but never matches, with a warning: their
 * dates are decided each year per zone and cannot be computed.
 *
 * Everything works in French local civil time counted in minutes since
 * 1970-01-01 00:00 (a "local minute"): hours in the data are wall-clock
 * hours, so a daylight-saving change moves nothing. hours_local_now()
 * converts the Unix clock with the Europe/Paris rules.
 *
 * A parsed value is one fixed-size struct (a few kilobytes, no pointers
 * into the caller's memory, nothing allocated): it may live on the stack,
 * be copied, and be evaluated from several threads at once. Evaluation
 * allocates nothing either. Values longer than HOURS_MAX_LEN bytes, or with
 * more rules or time spans than the struct holds, are refused as invalid.
 */
#ifndef LIEN_CORE_HOURS_H
#define LIEN_CORE_HOURS_H

#include "core/buf.h"

#include <stddef.h>
#include <stdint.h>

#define HOURS_MAX_LEN 1024     /* bytes of the value */
#define HOURS_MAX_RULES 48
#define HOURS_MAX_SPANS 160    /* time spans, all rules together */
#define HOURS_MAX_ITEMS 160    /* weekday, date, week and year ranges together */
#define HOURS_MAX_WARNINGS 8   /* further warnings are counted, not kept */
#define HOURS_MSG_LEN 200

enum hours_state { HOURS_CLOSED = 0, HOURS_OPEN = 1, HOURS_UNKNOWN = 2 };

/* The parsed form; fields are private to hours.c, read them through the
 * functions below. */
struct hours_span {
	int16_t from, to; /* minutes from the day's midnight, from < to <= 2880 */
	uint8_t open_end;
};
struct hours_item {
	uint8_t kind;     /* weekday, date, week, year (hours.c) */
	uint8_t m1, d1, m2, d2;
	uint16_t nth;     /* weekdays: bits of Mo[1]..Mo[5], Mo[-1]..Mo[-5] */
	int16_t a, b, step; /* ranges of weekdays, weeks, years; years of dates */
};
struct hours_rule {
	uint8_t kind;     /* normal, additional, fallback */
	uint8_t state;    /* enum hours_state */
	uint8_t holidays; /* PH, SH bits */
	uint8_t holiday_and_weekday; /* "SH Mo-Fr": both must match */
	uint8_t has_date; /* any selector other than times */
	uint8_t has_weekday, has_week, has_year, has_md;
	uint8_t all_day;  /* no time span: the whole day */
	uint8_t wraps;    /* a span runs past midnight */
	uint16_t item0, nitems, span0, nspans;
	uint16_t comment_at, comment_len; /* in text; len 0 = no comment */
};
struct hours {
	int valid;
	char text[HOURS_MAX_LEN + 1]; /* the value as given (truncated if too long) */
	size_t len;
	int nrules, nspans, nitems;
	struct hours_rule rules[HOURS_MAX_RULES];
	struct hours_span spans[HOURS_MAX_SPANS];
	struct hours_item items[HOURS_MAX_ITEMS];
	int uses_holidays; /* PH appears somewhere */
	int wraps;         /* some time span runs past midnight */
	int nwarnings;     /* may exceed HOURS_MAX_WARNINGS */
	char warnings[HOURS_MAX_WARNINGS][HOURS_MSG_LEN];
	int error_at;      /* byte offset of the error in text, or -1 */
	char error[HOURS_MSG_LEN];
};

/* Parses value (len bytes, need not be NUL-terminated). Always fills h:
 * text keeps the raw value so that an invalid one can still be shown.
 * Returns 0 when valid (possibly with warnings), -1 when invalid: then
 * h->error holds a French message and h->error_at where it went wrong, and
 * every evaluation below sees a place that is always closed. */
int hours_parse(struct hours *h, const char *value, size_t len);

/* French messages, valid only after hours_parse. Warnings in French. */
int hours_warning_count(const struct hours *h); /* those kept */
const char *hours_warning(const struct hours *h, int i);
const char *hours_error(const struct hours *h); /* "" when valid */

/* State at one local minute. */
struct hours_status {
	enum hours_state state;
	struct str comment; /* the rule's comment (a view into h->text), or empty */
};

/* The state at local minute t, and in *until (may be NULL) the first
 * minute after t when state or comment changes, capped at limit (pass
 * t + 60 * 24 * 366 for a year ahead). */
void hours_status_at(const struct hours *h, int64_t t, int64_t limit, struct hours_status *st, int64_t *until);

/* Open (or unknown) intervals of the window [*cursor, to), in order, one per
 * call: start with *cursor = window start; returns 1 and fills iv while
 * there is one, then 0. Intervals are maximal: neighbours differ in
 * unknown or comment. An interval cut by the window ends at `to`. */
struct hours_interval {
	int64_t from, to;
	int unknown;
	struct str comment;
};
int hours_next_interval(const struct hours *h, int64_t *cursor, int64_t to, struct hours_interval *iv);

/* Plain French for people. Both append to out; 0, or -1 when out is full.
 * Nothing is appended for an invalid value: show its raw text instead.
 * "Ouvert maintenant, ferme à 17 h", "Fermé, ouvre lundi à 9 h",
 * "Fermé, ouvre demain à 8 h 30" — now is a local minute. */
int hours_describe_now(const struct hours *h, int64_t now, struct buf *out);
/* The week containing local minute `day`, one line per group of days with
 * the same hours, each ending in "\n":
 * "Du lundi au vendredi : de 9 h à 12 h et de 14 h à 17 h\n"
 * "Samedi et dimanche : fermé\n". Public holidays of that week get their
 * own line when the value mentions PH. */
int hours_describe_week(const struct hours *h, int64_t day, struct buf *out);

/* French public holidays (metropolitan, without the Alsace-Moselle extras):
 * the French name ("lundi de Pâques") of the civil date, or NULL. */
const char *hours_holiday(int y, int m, int d);
/* Easter Sunday of year y (Gregorian computus): *m and *d. */
void hours_easter(int y, int *m, int *d);

/* Local minutes: from a Unix time (Europe/Paris), from "YYYY-MM-DD HH:MM"
 * (0, or -1 if malformed or the date does not exist), and back into
 * out[17] as "YYYY-MM-DD HH:MM". */
int64_t hours_local_from_unix(int64_t t);
int hours_local_parse(const char *s, int64_t *out);
void hours_local_format(int64_t lm, char out[17]);

#endif
