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
/*
 * Letters to post in a DL envelope (220 × 110 mm) with the window on the
 * right, the kind sold in France: a window of 100 × 45 mm, 20 mm from the
 * envelope's right edge and 15 mm from its bottom, i.e. 100 to 200 mm
 * across and 50 to 95 mm down. The A4 sheet, folded in three (panels of
 * 99 mm, the address on the top one), moves inside: up to 10 mm sideways
 * (210 in 220) and 11 mm up or down (99 in 110). What shows through the
 * window whatever the play is 100 to 190 mm from the sheet's left edge and
 * 50 to 84 mm from its top; the address block keeps 10 mm off the window's
 * left edge and 2 mm off its top and bottom: the rectangle below, in mm
 * from the sheet's top left corner, 30 mm tall for the six lines of a
 * French postal address (NF Z10-011) at 10 points, 80 mm wide for its 38
 * characters a line.
 */
#define PDF_WINDOW_X_MM 110.0
#define PDF_WINDOW_Y_MM 52.0
#define PDF_WINDOW_W_MM 80.0
#define PDF_WINDOW_H_MM 30.0

struct pdf_rect {
	double x, y, w, h;
};
extern const struct pdf_rect pdf_letter_window; /* the constants above */

struct pdf_letter {
	const char *sender;     /* structure name, address, phone: top left */
	const char *recipient;  /* name and postal address, lines separated by \n */
	const char *place_date; /* "Villeneuve-d'Ascq, le 28 novembre 2026" */
	const char *subject;    /* "Objet : votre rendez-vous du …" */
	const char *body;       /* plain text, blank lines separate paragraphs */
	const char *signature;
};

/*
 * A batch of letters as one PDF to print and post: each letter starts on a
 * new A4 page (a body too long for one page goes on to the next). The
 * recipient is drawn inside pdf_letter_window, at 10 points or smaller down
 * to 7 when a line would not fit, and never outside it (what still does not
 * fit is cut, the last line ellipsised); the sender top left, above the
 * window's band; the place and date under the window, where the sorting
 * machines do not read them as part of the address; then the subject, the
 * body and the signature. Every field but recipient may be NULL. Returns
 * the number of pages, or -1 (also for n < 1).
 */
int pdf_letters(const struct pdf_letter *letters, int n, struct buf *out);

/* Releases the font caches the libraries keep for the life of the process
 * (at shutdown, so that leak checkers see only Lien's own memory). */
void pdf_shutdown(void);

#endif
