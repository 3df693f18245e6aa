#include "core/csv.h"

#include <string.h>

void csv_init(struct csv_reader *r, const char *data, size_t len, char sep)
{
	memset(r, 0, sizeof *r);
	r->p = data;
	r->end = data + len;
	r->sep = sep;
	r->line = 1;
	buf_init(&r->field_data, 1 << 20);
}

void csv_free(struct csv_reader *r)
{
	buf_free(&r->field_data);
}

static int end_field(struct csv_reader *r, struct buf *err)
{
	if (r->nfields >= CSV_MAX_FIELDS) {
		buf_appendf(err, "plus de %d colonnes", CSV_MAX_FIELDS);
		return -1;
	}
	if (buf_putc(&r->field_data, '\0') < 0) {
		buf_puts(err, "ligne trop longue (1 Mo au plus)");
		return -1;
	}
	r->nfields++;
	r->offsets[r->nfields] = r->field_data.len;
	return 0;
}

int csv_next(struct csv_reader *r, struct buf *err)
{
	buf_reset(&r->field_data);
	r->nfields = 0;
	r->offsets[0] = 0;
	r->record_line = r->line;
	if (r->p >= r->end)
		return 0;
	int quoted = 0, was_quoted = 0;
	while (r->p < r->end) {
		char c = *r->p++;
		if (quoted) {
			if (c == '"') {
				if (r->p < r->end && *r->p == '"') {
					r->p++;
					if (buf_putc(&r->field_data, '"') < 0)
						goto toolong;
				} else {
					quoted = 0;
				}
			} else {
				if (c == '\n')
					r->line++;
				if (buf_putc(&r->field_data, c) < 0)
					goto toolong;
			}
			continue;
		}
		if (c == '"') {
			if (was_quoted || r->field_data.len != r->offsets[r->nfields]) {
				buf_appendf(err, "guillemet inattendu dans le champ %d", r->nfields + 1);
				goto skip;
			}
			quoted = was_quoted = 1;
		} else if (c == r->sep) {
			if (end_field(r, err) < 0)
				goto skip;
			was_quoted = 0;
		} else if (c == '\r' && r->p < r->end && *r->p == '\n') {
			continue;
		} else if (c == '\n') {
			r->line++;
			return end_field(r, err) < 0 ? -1 : 1;
		} else {
			if (was_quoted) {
				buf_appendf(err, "texte après un guillemet fermant dans le champ %d", r->nfields + 1);
				goto skip;
			}
			if (buf_putc(&r->field_data, c) < 0)
				goto toolong;
		}
	}
	if (quoted) {
		buf_appendf(err, "guillemet ouvert jamais fermé (champ %d)", r->nfields + 1);
		return -1;
	}
	return end_field(r, err) < 0 ? -1 : 1;
toolong:
	buf_puts(err, "ligne trop longue (1 Mo au plus)");
skip:
	/* Resynchronise on the next line so that later records are still read. */
	while (r->p < r->end && *r->p != '\n')
		r->p++;
	if (r->p < r->end) {
		r->p++;
		r->line++;
	}
	return -1;
}

const char *csv_field(const struct csv_reader *r, int i)
{
	if (i < 0 || i >= r->nfields)
		return "";
	return r->field_data.data + r->offsets[i];
}

char csv_guess_separator(const char *data, size_t len)
{
	int semi = 0, comma = 0, quoted = 0;
	for (size_t i = 0; i < len && data[i] != '\n'; i++) {
		if (data[i] == '"')
			quoted = !quoted;
		else if (!quoted && data[i] == ';')
			semi++;
		else if (!quoted && data[i] == ',')
			comma++;
	}
	return semi >= comma && semi > 0 ? ';' : comma > 0 ? ',' : ';';
}

size_t csv_skip_bom(const char *data, size_t len)
{
	return len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
}

/* Windows-1252 bytes 0x80..0x9F; 0 marks the five undefined ones. */
static const unsigned short CP1252[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
};

int text_to_utf8(const char *data, size_t len, struct buf *out)
{
	if (utf8_valid_text(data, len, 1))
		return 0;
	/* Tabs and line breaks are allowed by utf8_valid_text; other control
	 * characters make it fail too, so check the encoding alone here. */
	const unsigned char *p = (const unsigned char *)data;
	int is_utf8 = 1;
	for (size_t i = 0; i < len && is_utf8;) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		size_t n = p[i] >= 0xf0 && p[i] <= 0xf4 ? 4 : p[i] >= 0xe0 ? 3 : p[i] >= 0xc2 && p[i] < 0xe0 ? 2 : 0;
		if (!n || i + n > len)
			is_utf8 = 0;
		for (size_t k = 1; is_utf8 && k < n; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				is_utf8 = 0;
		i += n ? n : 1;
	}
	if (is_utf8)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned cp = p[i];
		if (cp >= 0x80 && cp < 0xa0)
			cp = CP1252[cp - 0x80] ? CP1252[cp - 0x80] : 0xfffd;
		int rc;
		if (cp < 0x80)
			rc = buf_putc(out, (char)cp);
		else if (cp < 0x800)
			rc = buf_putc(out, (char)(0xc0 | (cp >> 6))) | buf_putc(out, (char)(0x80 | (cp & 0x3f)));
		else
			rc = buf_putc(out, (char)(0xe0 | (cp >> 12))) | buf_putc(out, (char)(0x80 | ((cp >> 6) & 0x3f))) |
			     buf_putc(out, (char)(0x80 | (cp & 0x3f)));
		if (rc < 0)
			return -1;
	}
	return 1;
}

int utf8_to_cp1252(const char *data, size_t len, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)data;
	int lost = 0;
	for (size_t i = 0; i < len;) {
		unsigned cp = p[i];
		size_t n = 1;
		if (cp >= 0xf0 && i + 3 < len) {
			cp = ((cp & 0x07u) << 18) | ((p[i + 1] & 0x3fu) << 12) | ((p[i + 2] & 0x3fu) << 6) | (p[i + 3] & 0x3fu);
			n = 4;
		} else if (cp >= 0xe0 && i + 2 < len) {
			cp = ((cp & 0x0fu) << 12) | ((p[i + 1] & 0x3fu) << 6) | (p[i + 2] & 0x3fu);
			n = 3;
		} else if (cp >= 0xc0 && i + 1 < len) {
			cp = ((cp & 0x1fu) << 6) | (p[i + 1] & 0x3fu);
			n = 2;
		}
		i += n;
		int byte = -1;
		if (cp < 0x80 || (cp >= 0xa0 && cp <= 0xff))
			byte = (int)cp;
		for (int k = 0; k < 32 && byte < 0; k++)
			if (CP1252[k] == cp && cp)
				byte = 0x80 + k;
		if (byte < 0) {
			byte = '?';
			lost++;
		}
		if (buf_putc(out, (char)byte) < 0)
			return -1;
	}
	return lost;
}
