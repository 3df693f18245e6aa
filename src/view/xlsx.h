/*
 * Spreadsheets (XLSX) with libxlsxwriter: one sheet of titled tables, a
 * formatted header row each, numbers written as numbers so that a
 * spreadsheet can add them up, anything else as text. libxlsxwriter
 * writes a file: it goes to a private temporary file, read back into out.
 */
#ifndef LIEN_VIEW_XLSX_H
#define LIEN_VIEW_XLSX_H

#include "core/buf.h"

struct xlsx;

/* A workbook with one sheet named sheet_name. NULL on error (err set). */
struct xlsx *xlsx_open(const char *sheet_name, struct buf *err);
/* A title line in bold, larger type. */
void xlsx_title(struct xlsx *x, const char *text);
/* A line of plain text (a note, the period). */
void xlsx_note(struct xlsx *x, const char *text);
/* A header row: bold on grey, bordered. */
void xlsx_header(struct xlsx *x, const char *const *cells, int n);
/* A row: a cell that is a whole number is written as a number. */
void xlsx_row(struct xlsx *x, const char *const *cells, int n);
void xlsx_blank(struct xlsx *x);
/* Finishes the file into out and frees x. 0 or -1 with err. */
int xlsx_close(struct xlsx *x, struct buf *out, struct buf *err);

#endif
