/*
 * CSV reading as spreadsheets write it (RFC 4180): a separator (';' from a
 * French Excel, ',' elsewhere), quoted fields with doubled quotes, line
 * breaks inside quotes, CRLF or LF. Records are returned one at a time
 * with the line number where each starts, for error messages.
 */
#ifndef LIEN_CORE_CSV_H
#define LIEN_CORE_CSV_H

#include "core/buf.h"

enum { CSV_MAX_FIELDS = 128 };

struct csv_reader {
	const char *p, *end;
	char sep;
	int line;               /* line of the next record */
	struct buf field_data;  /* the current record's fields, NUL-separated */
	size_t offsets[CSV_MAX_FIELDS + 1]; /* start of field i; [nfields] is where the next one starts */
	int nfields;
	int record_line;
};

void csv_init(struct csv_reader *r, const char *data, size_t len, char sep);
void csv_free(struct csv_reader *r);
/* Reads the next record: 1, 0 at the end, -1 on a malformed record (an
 * unclosed quote, a character after a closing quote, too many fields) with
 * the reason in err. */
int csv_next(struct csv_reader *r, struct buf *err);
const char *csv_field(const struct csv_reader *r, int i); /* "" past the end */

/* ';' or ',', whichever appears more in the first line outside quotes. */
char csv_guess_separator(const char *data, size_t len);

/* If data is not valid UTF-8, converts it from Windows-1252 into out and
 * returns 1; returns 0 when it was UTF-8 (out untouched), -1 on memory. A
 * UTF-8 byte-order mark is skipped by the caller via csv_skip_bom. */
int text_to_utf8(const char *data, size_t len, struct buf *out);
size_t csv_skip_bom(const char *data, size_t len);
/* UTF-8 text as Windows-1252 for old spreadsheets; a character that has no
 * place there becomes '?'. Returns the number of such characters, or -1. */
int utf8_to_cp1252(const char *data, size_t len, struct buf *out);

#endif
