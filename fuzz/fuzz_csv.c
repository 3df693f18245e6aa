/* libFuzzer harness: the spreadsheet reader (src/core/csv.c) and the
 * Windows-1252 conversion, as the person import uses them. */
#include "core/csv.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf utf8 = BUF_INIT, err = BUF_INIT;
	const char *text = (const char *)data;
	size_t len = size;
	size_t bom = csv_skip_bom(text, len);
	text += bom;
	len -= bom;
	if (text_to_utf8(text, len, &utf8) == 1) {
		/* The conversion always gives valid UTF-8 (control characters of
		 * the input aside, which are blanked for this check). */
		struct buf copy = BUF_INIT;
		buf_append(&copy, utf8.data, utf8.len);
		for (size_t i = 0; i < copy.len; i++)
			if ((unsigned char)copy.data[i] < 0x20 || copy.data[i] == 0x7f)
				copy.data[i] = ' ';
		if (!utf8_valid_text(copy.data, copy.len, 0))
			__builtin_trap();
		buf_free(&copy);
		text = utf8.data;
		len = utf8.len;
	}
	struct csv_reader r;
	csv_init(&r, text, len, csv_guess_separator(text, len));
	int rc, guard = 0;
	while ((rc = csv_next(&r, &err)) != 0 && guard++ < 100000) {
		buf_reset(&err);
		for (int i = 0; rc == 1 && i < r.nfields; i++)
			(void)strlen(csv_field(&r, i));
	}
	csv_free(&r);
	buf_free(&utf8);
	buf_free(&err);
	return 0;
}
