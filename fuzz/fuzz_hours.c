/*
 * libFuzzer harness for the opening_hours parser and evaluator
 * (src/core/hours.c). The first 3 bytes pick a window (a start day between
 * 2020 and 2031, a start minute, a length up to 40 days); the rest is the
 * value, not NUL-terminated. Checks, beyond "no crash, no leak, no UB":
 *  - parsing is deterministic and keeps the raw text; an invalid value has
 *    a message and a position inside the value, and evaluates as closed;
 *  - the open intervals of the window are inside it, in order, not
 *    overlapping, and two that touch differ in unknown or comment;
 *  - the state at each interval's start (and just before its end) is the
 *    interval's, and the state in each gap between intervals is closed;
 *  - the French descriptions are valid UTF-8 text.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/hours.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                    \
	do {                           \
		if (!(cond))           \
			__builtin_trap(); \
	} while (0)

static struct hours h1, h2;

static int same_comment(struct str a, struct str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static void check_state(int64_t t, int64_t limit, int want_state, struct str want_comment)
{
	struct hours_status st;
	int64_t until = 0;
	hours_status_at(&h1, t, limit, &st, &until);
	CHECK((int)st.state == want_state);
	if (want_state != HOURS_CLOSED)
		CHECK(same_comment(st.comment, want_comment));
	CHECK(until > t && until <= limit);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3 || size > 4096)
		return -1;
	int64_t day = days_from_civil(2020, 1, 1) + (int64_t)data[0] * 17;
	int64_t from = day * 1440 + (int64_t)data[1] * 6;
	int64_t to = from + 60 + (int64_t)data[2] * 226; /* up to about 40 days */
	const char *value = (const char *)data + 3;
	size_t n = size - 3;

	int rc = hours_parse(&h1, value, n);
	CHECK(rc == 0 || rc == -1);
	CHECK(hours_parse(&h2, value, n) == rc);
	CHECK(h1.valid == (rc == 0));
	CHECK(h1.len == (n > HOURS_MAX_LEN ? HOURS_MAX_LEN : n) && memcmp(h1.text, value, h1.len) == 0);
	CHECK(strcmp(hours_error(&h1), hours_error(&h2)) == 0);
	if (rc < 0) {
		CHECK(hours_error(&h1)[0] != '\0');
		CHECK(h1.error_at >= 0 && (size_t)h1.error_at <= HOURS_MAX_LEN);
		CHECK(h1.error_at <= (int)n);
	} else {
		CHECK(h1.nrules > 0 && h1.nrules <= HOURS_MAX_RULES);
		for (int i = 0; i < hours_warning_count(&h1); i++)
			CHECK(utf8_valid_text(hours_warning(&h1, i), strlen(hours_warning(&h1, i)), 0));
	}

	struct hours_interval iv;
	int64_t cursor = from, prev_to = from, count = 0;
	int prev_unknown = -1;
	struct str prev_comment = STR_NULL;
	while (hours_next_interval(&h1, &cursor, to, &iv)) {
		CHECK(rc == 0);
		CHECK(iv.from >= prev_to && iv.from < iv.to && iv.to <= to && cursor == iv.to);
		if (iv.from == prev_to && prev_unknown >= 0)
			CHECK(iv.unknown != prev_unknown || !same_comment(iv.comment, prev_comment));
		if (iv.from > prev_to)
			check_state(prev_to, iv.from, HOURS_CLOSED, STR_NULL);
		int state = iv.unknown ? HOURS_UNKNOWN : HOURS_OPEN;
		check_state(iv.from, iv.to, state, iv.comment);
		check_state(iv.to - 1, iv.to, state, iv.comment);
		prev_to = iv.to;
		prev_unknown = iv.unknown;
		prev_comment = iv.comment;
		CHECK(++count <= 40 * 1440);
	}
	CHECK(cursor == to);
	if (prev_to < to)
		check_state(prev_to, to, HOURS_CLOSED, STR_NULL);

	struct buf out = BUF_INIT;
	CHECK(hours_describe_now(&h1, from, &out) == 0);
	CHECK(hours_describe_week(&h1, from, &out) == 0);
	CHECK(utf8_valid_text(out.data ? out.data : "", out.len, 1));
	CHECK(rc == 0 || out.len == 0);
	buf_free(&out);
	return 0;
}
