#include "view/xlsx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

struct xlsx {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *title, *header, *cell, *number;
	lxw_row_t row;
	double widths[16];
	char path[64];
};

struct xlsx *xlsx_open(const char *sheet_name, struct buf *err)
{
	struct xlsx *x = calloc(1, sizeof *x);
	if (!x) {
		buf_puts(err, "mémoire insuffisante");
		return NULL;
	}
	/* A private name: the file holds figures of the structure. */
	snprintf(x->path, sizeof x->path, "/tmp/lien-xlsx-XXXXXX");
	int fd = mkstemp(x->path);
	if (fd < 0) {
		buf_appendf(err, "fichier temporaire impossible : %s", strerror(errno));
		free(x);
		return NULL;
	}
	close(fd);
	lxw_workbook_options opt = {.constant_memory = LXW_FALSE, .tmpdir = NULL, .use_zip64 = LXW_FALSE};
	x->wb = workbook_new_opt(x->path, &opt);
	x->ws = x->wb ? workbook_add_worksheet(x->wb, sheet_name) : NULL;
	if (!x->ws) {
		buf_puts(err, "classeur impossible à créer");
		if (x->wb)
			workbook_close(x->wb);
		unlink(x->path);
		free(x);
		return NULL;
	}
	x->title = workbook_add_format(x->wb);
	format_set_bold(x->title);
	format_set_font_size(x->title, 14);
	x->header = workbook_add_format(x->wb);
	format_set_bold(x->header);
	format_set_bg_color(x->header, 0xD9D9D9);
	format_set_border(x->header, LXW_BORDER_THIN);
	format_set_text_wrap(x->header);
	x->cell = workbook_add_format(x->wb);
	format_set_border(x->cell, LXW_BORDER_THIN);
	x->number = workbook_add_format(x->wb);
	format_set_border(x->number, LXW_BORDER_THIN);
	format_set_num_format(x->number, "# ##0");
	return x;
}

static void widen(struct xlsx *x, int col, const char *text)
{
	if (col >= 16)
		return;
	double w = (double)strlen(text) * 0.9 + 2;
	if (w > 60)
		w = 60;
	if (w > x->widths[col]) {
		x->widths[col] = w;
		worksheet_set_column(x->ws, (lxw_col_t)col, (lxw_col_t)col, w, NULL);
	}
}

void xlsx_title(struct xlsx *x, const char *text)
{
	worksheet_write_string(x->ws, x->row++, 0, text, x->title);
}

void xlsx_note(struct xlsx *x, const char *text)
{
	worksheet_write_string(x->ws, x->row++, 0, text, NULL);
}

void xlsx_header(struct xlsx *x, const char *const *cells, int n)
{
	for (int i = 0; i < n; i++) {
		worksheet_write_string(x->ws, x->row, (lxw_col_t)i, cells[i], x->header);
		widen(x, i, cells[i]);
	}
	x->row++;
}

static int whole_number(const char *s, double *out)
{
	char *end;
	if (!*s || strlen(s) > 15)
		return 0;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (*end || errno)
		return 0;
	*out = (double)v;
	return 1;
}

void xlsx_row(struct xlsx *x, const char *const *cells, int n)
{
	for (int i = 0; i < n; i++) {
		double v;
		if (i > 0 && whole_number(cells[i], &v))
			worksheet_write_number(x->ws, x->row, (lxw_col_t)i, v, x->number);
		else
			worksheet_write_string(x->ws, x->row, (lxw_col_t)i, cells[i], x->cell);
		widen(x, i, cells[i]);
	}
	x->row++;
}

void xlsx_blank(struct xlsx *x)
{
	x->row++;
}

int xlsx_close(struct xlsx *x, struct buf *out, struct buf *err)
{
	int rc = -1;
	lxw_error e = workbook_close(x->wb);
	if (e != LXW_NO_ERROR) {
		buf_appendf(err, "classeur impossible à écrire : %s", lxw_strerror(e));
	} else {
		FILE *f = fopen(x->path, "rb");
		char chunk[65536];
		size_t n;
		rc = f ? 0 : -1;
		while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
			if (buf_append(out, chunk, n) < 0)
				rc = -1;
		if (f)
			fclose(f);
		if (rc < 0)
			buf_puts(err, "classeur illisible");
	}
	unlink(x->path);
	free(x);
	return rc;
}
