/*
 * libFuzzer harness for the messaging text helpers (src/core/gsm.c):
 *  - phone_mobile_fr: never reads past the input; an accepted number is
 *    "+" and 8 to 15 digits; its E.164 form is accepted again as the same
 *    number (idempotent), and a French number keeps its class (mobile or
 *    not) when typed back in the national form.
 *  - sms_fold: the output is valid UTF-8 whenever the input is, and folding
 *    twice changes nothing more; sms_segments never gives fewer parts for
 *    the folded text than is possible for its length.
 * The first byte picks the function; the rest is its input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/gsm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                    \
	do {                           \
		if (!(cond))           \
			__builtin_trap(); \
	} while (0)

static void check_phone(const char *s)
{
	char out[16], again[16];
	int rc = phone_mobile_fr(s, out);
	CHECK(rc >= -1 && rc <= 1);
	if (rc < 0)
		return;
	size_t n = strlen(out);
	CHECK(out[0] == '+' && n >= 9 && n <= 16);
	for (size_t i = 1; i < n; i++)
		CHECK(out[i] >= '0' && out[i] <= '9');
	CHECK(phone_mobile_fr(out, again) == rc);
	CHECK(strcmp(out, again) == 0);
	/* +33 6 12 34 56 78 typed as 06 12 34 56 78 is the same number. */
	if (strncmp(out, "+33", 3) == 0 && n == 12) {
		char national[12] = "0";
		memcpy(national + 1, out + 3, 9);
		national[10] = '\0';
		CHECK(phone_mobile_fr(national, again) == rc && strcmp(out, again) == 0);
	}
}

static void check_fold(const char *s, size_t len)
{
	struct buf once = BUF_INIT, twice = BUF_INIT;
	sms_fold(s, &once);
	int valid_in = utf8_valid_text(s, len, 1);
	if (valid_in)
		CHECK(utf8_valid_text(buf_cstr(&once), once.len, 1));
	sms_fold(buf_cstr(&once), &twice);
	if (valid_in)
		CHECK(once.len == twice.len && memcmp(buf_cstr(&once), buf_cstr(&twice), once.len) == 0);
	int gsm7;
	int parts = sms_segments(buf_cstr(&once), &gsm7);
	if (valid_in && parts > 0) {
		size_t chars = utf8_length(buf_cstr(&once), once.len);
		/* A GSM-7 part holds at most 160 characters, a UCS-2 one 70. */
		CHECK((size_t)parts * (gsm7 ? 160 : 70) >= chars || parts == 1);
	}
	buf_free(&once);
	buf_free(&twice);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 4096)
		return 0;
	char *s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	size_t len = strlen(s);
	if (data[0] & 1)
		check_phone(s);
	else
		check_fold(s, len);
	free(s);
	return 0;
}
