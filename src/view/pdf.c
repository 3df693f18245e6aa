#include "view/pdf.h"

#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
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

/* Draws a block of text line by line, going on to a new page whenever the
 * next line would not fit: nothing is ever drawn off the sheet. */
static void block(struct pen *p, const char *text, const char *font, double space_before)
{
	PangoLayout *layout = pango_cairo_create_layout(p->cr);
	PangoFontDescription *fd = pango_font_description_from_string(font);
	pango_layout_set_font_description(layout, fd);
	pango_layout_set_width(layout, (int)((PAGE_W - 2 * MARGIN) * PANGO_SCALE));
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
		cairo_move_to(p->cr, MARGIN, p->y + (double)baseline / PANGO_SCALE);
		pango_cairo_show_layout_line(p->cr, pango_layout_iter_get_line_readonly(it));
		p->y += h;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	pango_font_description_free(fd);
	g_object_unref(layout);
}

void pdf_shutdown(void)
{
	pango_cairo_font_map_set_default(NULL);
	cairo_debug_reset_static_data();
	FcFini();
}

int pdf_render(const struct pdf_doc *doc, struct buf *out)
{
	struct pen p = {0};
	p.surface = cairo_pdf_surface_create_for_stream(write_buf, out, PAGE_W, PAGE_H);
	if (cairo_surface_status(p.surface) != CAIRO_STATUS_SUCCESS)
		return -1;
	p.cr = cairo_create(p.surface);
	p.pages = 1;
	p.y = MARGIN;
	cairo_set_source_rgb(p.cr, 0, 0, 0); /* black on white: prints on any printer */
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
	cairo_show_page(p.cr);
	cairo_destroy(p.cr);
	cairo_surface_finish(p.surface);
	int ok = cairo_surface_status(p.surface) == CAIRO_STATUS_SUCCESS;
	cairo_surface_destroy(p.surface);
	return ok ? p.pages : -1;
}
