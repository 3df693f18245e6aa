/*
 * One-page documents for the person, as PDF with real text (cairo + pango):
 * a title, a few headed sections of plain text, a footer. Text is laid out
 * by pango, so accents, ligatures and line breaks are right; nothing here
 * is HTML, so there is nothing to escape but pango's own markup, which is
 * not used: every string is set as plain text.
 */
#ifndef LIEN_VIEW_PDF_H
#define LIEN_VIEW_PDF_H

#include "core/buf.h"

struct pdf_section {
	const char *heading;  /* may be NULL */
	const char *text;     /* plain text; blank lines separate paragraphs */
};

struct pdf_doc {
	const char *header_left, *header_right; /* structure, date */
	const char *title;
	const struct pdf_section *sections;
	int nsections;
	const char *footer;
};

/* Renders an A4 PDF into out. Returns the number of pages, or -1. */
int pdf_render(const struct pdf_doc *doc, struct buf *out);
/* Releases the font caches the libraries keep for the life of the process
 * (at shutdown, so that leak checkers see only Lien's own memory). */
void pdf_shutdown(void);

#endif
