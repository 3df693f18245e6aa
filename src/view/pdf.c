#include "view/pdf.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <string.h>

/* A4 in points, with 2 cm margins. */
static const double PAGE_W = 595.28, PAGE_H = 841.89, MARGIN = 56.7;

static cairo_status_t write_buf(void *closure, const unsigned char *data, unsigned int len)
{
	return buf_append(closure, data, len) == 0 ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

struct pen {
	cairo_t *cr;
	cairo_surface_t *surface;
	double y;
	int pages;
};

static void new_page(struct pen *p)
{
	cairo_show_page(p->cr);
	p->pages++;
	p->y = MARGIN;
}

/* Draws a block of text line by line from x to the right margin, going on
 * to a new page whenever the next line would not fit: nothing is ever
 * drawn off the sheet. */
static void block_at(struct pen *p, const char *text, const char *font, double space_before, double x)
{
	PangoLayout *layout = pango_cairo_create_layout(p->cr);
	PangoFontDescription *fd = pango_font_description_from_string(font);
	pango_layout_set_font_description(layout, fd);
	pango_layout_set_width(layout, (int)((PAGE_W - MARGIN - x) * PANGO_SCALE));
	pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(layout, text, -1);
	p->y += space_before;
	PangoLayoutIter *it = pango_layout_get_iter(layout);
	do {
		PangoRectangle logical;
		pango_layout_iter_get_line_extents(it, NULL, &logical);
		double h = (double)logical.height / PANGO_SCALE;
		if (p->y + h > PAGE_H - MARGIN)
			new_page(p);
		int baseline = pango_layout_iter_get_baseline(it) - logical.y;
		cairo_move_to(p->cr, x, p->y + (double)baseline / PANGO_SCALE);
		pango_cairo_show_layout_line(p->cr, pango_layout_iter_get_line_readonly(it));
		p->y += h;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	pango_font_description_free(fd);
	g_object_unref(layout);
}

static void block(struct pen *p, const char *text, const char *font, double space_before)
{
	block_at(p, text, font, space_before, MARGIN);
}

void pdf_shutdown(void)
{
	/* Only this thread's font map: cairo_debug_reset_static_data() and
	 * FcFini() assert when another thread (the server's workers, or
	 * pango's own font-loading thread) still holds a font, which made
	 * exits crash now and then. What stays is the libraries' cache, kept
	 * for the life of the process (tests/lsan.supp). */
	pango_cairo_font_map_set_default(NULL);
}

/* A document of A4 pages written into out; 0 or -1. */
static int pen_open(struct pen *p, struct buf *out)
{
	p->surface = cairo_pdf_surface_create_for_stream(write_buf, out, PAGE_W, PAGE_H);
	if (cairo_surface_status(p->surface) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(p->surface);
		return -1;
	}
	p->cr = cairo_create(p->surface);
	p->pages = 1;
	p->y = MARGIN;
	cairo_set_source_rgb(p->cr, 0, 0, 0); /* black on white: prints on any printer */
	return 0;
}

/* Ends the last page and the document: the number of pages, or -1. */
static int pen_close(struct pen *p)
{
	cairo_show_page(p->cr);
	cairo_destroy(p->cr);
	cairo_surface_finish(p->surface);
	int ok = cairo_surface_status(p->surface) == CAIRO_STATUS_SUCCESS;
	cairo_surface_destroy(p->surface);
	return ok ? p->pages : -1;
}

int pdf_render(const struct pdf_doc *doc, struct buf *out)
{
	struct pen p = {0};
	if (pen_open(&p, out) < 0)
		return -1;
	if (doc->header_left)
		block(&p, doc->header_left, "DejaVu Sans 10", 0);
	if (doc->header_right)
		block(&p, doc->header_right, "DejaVu Sans 10", 2);
	block(&p, doc->title, "DejaVu Sans Bold 18", 24);
	for (int i = 0; i < doc->nsections; i++) {
		if (doc->sections[i].heading)
			block(&p, doc->sections[i].heading, "DejaVu Sans Bold 13", 18);
		if (doc->sections[i].text && doc->sections[i].text[0])
			block(&p, doc->sections[i].text, "DejaVu Sans 12", 6);
	}
	if (doc->footer)
		block(&p, doc->footer, "DejaVu Sans 9", 24);
	return pen_close(&p);
}

/* ---- Letters for window envelopes ---- */

#define MM(v) ((v) * 72.0 / 25.4)

const struct pdf_rect pdf_letter_window = {PDF_WINDOW_X_MM, PDF_WINDOW_Y_MM, PDF_WINDOW_W_MM, PDF_WINDOW_H_MM};

static int count_lines(const char *s)
{
	int n = 1;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static double layout_height(PangoLayout *layout)
{
	PangoRectangle logical;
	pango_layout_get_extents(layout, NULL, &logical);
	return (double)logical.height / PANGO_SCALE;
}

/* Takes out the line before the last one (keeping the postcode and city
 * of an address); 0, or -1 when there are fewer than two lines. */
static int drop_line_before_last(struct buf *t)
{
	char *last = strrchr(t->data, '\n');
	if (!last || last == t->data)
		return -1;
	char *prev = last - 1;
	while (prev > t->data && prev[-1] != '\n')
		prev--;
	memmove(prev, last + 1, (size_t)(t->data + t->len - last)); /* with the NUL */
	t->len -= (size_t)(last + 1 - prev);
	return 0;
}

/*
 * Draws text inside a fixed box of w × h points at x, y, never outside it,
 * at the largest size from size down to min_size (in points, by halves)
 * where it fits whole. Failing that, at min_size: an address keeps each
 * line on one line, ellipsised if too long, and loses lines before its
 * last (postcode and city) if there are too many; other text wraps and is
 * cut at the box's height, its last line ellipsised.
 */
static void fixed_box(cairo_t *cr, const char *text, const char *family, double size, double min_size, double x,
		      double y, double w, double h, int address)
{
	PangoLayout *layout = pango_cairo_create_layout(cr);
	/* Sizes in real points: pango-cairo's default is 96 dpi. */
	pango_cairo_context_set_resolution(pango_layout_get_context(layout), 72);
	pango_layout_context_changed(layout);
	PangoFontDescription *fd = pango_font_description_from_string(family);
	pango_layout_set_width(layout, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
	struct buf t = BUF_INIT;
	buf_puts(&t, text);
	pango_layout_set_text(layout, buf_cstr(&t), -1);
	int lines = count_lines(buf_cstr(&t));
	for (;; size -= 0.5) {
		pango_font_description_set_size(fd, (int)(size * PANGO_SCALE));
		pango_layout_set_font_description(layout, fd);
		if (layout_height(layout) <= h && (!address || pango_layout_get_line_count(layout) == lines))
			break;
		if (size - 0.5 >= min_size)
			continue;
		pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END);
		if (!address) {
			pango_layout_set_height(layout, (int)(h * PANGO_SCALE));
			break;
		}
		while (layout_height(layout) > h && t.data && drop_line_before_last(&t) == 0)
			pango_layout_set_text(layout, t.data, -1);
		break;
	}
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, layout);
	buf_free(&t);
	pango_font_description_free(fd);
	g_object_unref(layout);
}

static void letter(struct pen *p, const struct pdf_letter *l)
{
	if (l->sender)
		fixed_box(p->cr, l->sender, "DejaVu Sans", 9, 7, MARGIN, MM(15), MM(PDF_WINDOW_X_MM - 20) - MARGIN,
			  MM(PDF_WINDOW_Y_MM - 5 - 15), 0);
	fixed_box(p->cr, l->recipient ? l->recipient : "", "DejaVu Sans", 10, 7, MM(PDF_WINDOW_X_MM),
		  MM(PDF_WINDOW_Y_MM), MM(PDF_WINDOW_W_MM), MM(PDF_WINDOW_H_MM), 1);
	/* Below what can show through the window, so that the sorting
	 * machines read the city as the address's last line. */
	if (l->place_date)
		fixed_box(p->cr, l->place_date, "DejaVu Sans", 10, 8, MM(PDF_WINDOW_X_MM), MM(100),
			  PAGE_W - MARGIN - MM(PDF_WINDOW_X_MM), MM(10), 0);
	/* block() lays out at pango-cairo's 96 dpi: 8.25 there is 11 points. */
	p->y = MM(115);
	if (l->subject)
		block(p, l->subject, "DejaVu Sans Bold 8.25", 0);
	if (l->body && l->body[0])
		block(p, l->body, "DejaVu Sans 8.25", 14);
	if (l->signature && l->signature[0])
		block_at(p, l->signature, "DejaVu Sans 8.25", 24, MM(PDF_WINDOW_X_MM));
}

int pdf_letters(const struct pdf_letter *letters, int n, struct buf *out)
{
	struct pen p = {0};
	if (n < 1 || pen_open(&p, out) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (i)
			new_page(&p);
		letter(&p, &letters[i]);
	}
	return pen_close(&p);
}
