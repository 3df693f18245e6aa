#include "core/gsm.h"

#include <stdint.h>
#include <string.h>

/* One code point from s (NUL-terminated); returns the bytes it took, 0 at
 * the end, -1 for an invalid sequence (overlong, surrogate, truncated). */
static int utf8_next(const unsigned char *s, uint32_t *cp)
{
	if (!s[0])
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	int n;
	uint32_t c, min;
	if ((s[0] & 0xE0) == 0xC0)
		n = 2, c = s[0] & 0x1F, min = 0x80;
	else if ((s[0] & 0xF0) == 0xE0)
		n = 3, c = s[0] & 0x0F, min = 0x800;
	else if ((s[0] & 0xF8) == 0xF0)
		n = 4, c = s[0] & 0x07, min = 0x10000;
	else
		return -1;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return -1;
		c = c << 6 | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return -1;
	*cp = c;
	return n;
}

static void put_utf8(struct buf *out, uint32_t c)
{
	char b[4];
	size_t n;
	if (c < 0x80)
		b[0] = (char)c, n = 1;
	else if (c < 0x800)
		b[0] = (char)(0xC0 | c >> 6), b[1] = (char)(0x80 | (c & 0x3F)), n = 2;
	else if (c < 0x10000)
		b[0] = (char)(0xE0 | c >> 12), b[1] = (char)(0x80 | ((c >> 6) & 0x3F)),
		b[2] = (char)(0x80 | (c & 0x3F)), n = 3;
	else
		b[0] = (char)(0xF0 | c >> 18), b[1] = (char)(0x80 | ((c >> 12) & 0x3F)),
		b[2] = (char)(0x80 | ((c >> 6) & 0x3F)), b[3] = (char)(0x80 | (c & 0x3F)), n = 4;
	buf_append(out, b, n);
}

/* The non-ASCII characters of the GSM 03.38 default alphabet. */
static const uint16_t GSM_BASIC[] = {
	0xA1, 0xA3, 0xA4, 0xA5, 0xA7, 0xBF, 0xC4, 0xC5, 0xC6, 0xC7, 0xC9, 0xD1, 0xD6, 0xD8, 0xDC, 0xDF,
	0xE0, 0xE4, 0xE5, 0xE6, 0xE8, 0xE9, 0xEC, 0xF1, 0xF2, 0xF6, 0xF8, 0xF9, 0xFC,
	0x393, 0x394, 0x398, 0x39B, 0x39E, 0x3A0, 0x3A3, 0x3A6, 0x3A8, 0x3A9,
};

/* Septets a character takes in GSM-7: 1 (default alphabet), 2 (extension
 * table, behind an escape), 0 (not encodable). */
static int gsm_width(uint32_t c)
{
	if (c == '\n' || c == '\r')
		return 1;
	if (c == '\f' || c == 0x20AC)
		return 2;
	if (c >= 0x20 && c < 0x7F) {
		if (strchr("^{}\\[]~|", (int)c))
			return 2;
		return c == '`' ? 0 : 1;
	}
	for (size_t i = 0; i < sizeof GSM_BASIC / sizeof GSM_BASIC[0]; i++)
		if (GSM_BASIC[i] == c)
			return 1;
	return 0;
}

/* Faithful replacements inside the alphabet ("" = dropped). */
static const struct {
	uint16_t from;
	const char *to;
} FOLD[] = {
	{'\t', " "}, {'`', "'"}, {0xA0, " "}, {0xAB, "\""}, {0xAD, ""}, {0xB4, "'"}, {0xBA, "o"}, {0xBB, "\""},
	{0xC0, "A"}, {0xC1, "A"}, {0xC2, "A"}, {0xC3, "A"}, {0xC8, "E"}, {0xCA, "E"}, {0xCB, "E"},
	{0xCC, "I"}, {0xCD, "I"}, {0xCE, "I"}, {0xCF, "I"}, {0xD2, "O"}, {0xD3, "O"}, {0xD4, "O"},
	{0xD5, "O"}, {0xD9, "U"}, {0xDA, "U"}, {0xDB, "U"}, {0xDD, "Y"},
	{0xE1, "a"}, {0xE2, "a"}, {0xE3, "a"}, {0xE7, "c"}, {0xEA, "e"}, {0xEB, "e"}, {0xED, "i"},
	{0xEE, "i"}, {0xEF, "i"}, {0xF3, "o"}, {0xF4, "o"}, {0xF5, "o"}, {0xFA, "u"}, {0xFB, "u"},
	{0xFD, "y"}, {0xFF, "y"}, {0x152, "OE"}, {0x153, "oe"}, {0x178, "Y"}, {0x2BC, "'"},
	{0x2002, " "}, {0x2003, " "}, {0x2004, " "}, {0x2005, " "}, {0x2006, " "}, {0x2007, " "},
	{0x2008, " "}, {0x2009, " "}, {0x200A, " "}, {0x200B, ""}, {0x200C, ""}, {0x200D, ""},
	{0x2010, "-"}, {0x2011, "-"}, {0x2012, "-"}, {0x2013, "-"}, {0x2014, "-"}, {0x2018, "'"},
	{0x2019, "'"}, {0x201A, "'"}, {0x201C, "\""}, {0x201D, "\""}, {0x201E, "\""}, {0x2022, "-"},
	{0x2026, "..."}, {0x202F, " "}, {0x2032, "'"}, {0x2033, "\""}, {0x2060, ""}, {0x2212, "-"},
	{0xFEFF, ""},
};

/* A Latin letter and a combining accent that make a letter of the
 * alphabet (text typed on some systems comes decomposed). */
static uint32_t compose(uint32_t base, uint32_t mark)
{
	static const struct {
		uint16_t mark;
		char base;
		uint16_t to;
	} T[] = {
		{0x300, 'a', 0xE0}, {0x300, 'e', 0xE8}, {0x300, 'i', 0xEC}, {0x300, 'o', 0xF2}, {0x300, 'u', 0xF9},
		{0x301, 'e', 0xE9}, {0x301, 'E', 0xC9}, {0x303, 'n', 0xF1}, {0x303, 'N', 0xD1},
		{0x308, 'a', 0xE4}, {0x308, 'o', 0xF6}, {0x308, 'u', 0xFC}, {0x308, 'A', 0xC4},
		{0x308, 'O', 0xD6}, {0x308, 'U', 0xDC}, {0x30A, 'a', 0xE5}, {0x30A, 'A', 0xC5},
		{0x327, 'C', 0xC7},
	};
	for (size_t i = 0; i < sizeof T / sizeof T[0]; i++)
		if (T[i].mark == mark && (uint32_t)(unsigned char)T[i].base == base)
			return T[i].to;
	return 0;
}

static int ascii_letter(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

void sms_fold(const char *utf8, struct buf *out)
{
	const unsigned char *s = (const unsigned char *)utf8;
	uint32_t last = 0;     /* the last character written, 0 if none */
	size_t last_at = 0;    /* where it starts in out */
	for (;;) {
		uint32_t c;
		int n = utf8_next(s, &c);
		if (n == 0)
			break;
		if (n < 0) {
			n = 1;
			c = '?';
		}
		s += n;
		if (c >= 0x300 && c <= 0x36F && ascii_letter(last)) {
			uint32_t composed = compose(last, c);
			if (composed) {
				out->len = last_at;
				put_utf8(out, composed);
				last = composed;
			}
			continue; /* otherwise the accent goes: the bare letter stays */
		}
		if (c == 0xB0 && (last == 'n' || last == 'N')) /* n° → no */
			c = 'o';
		size_t at = out->len;
		const char *to = NULL;
		if (!gsm_width(c))
			for (size_t i = 0; i < sizeof FOLD / sizeof FOLD[0]; i++)
				if (FOLD[i].from == c) {
					to = FOLD[i].to;
					break;
				}
		if (to) {
			buf_puts(out, to);
			if (!*to)
				continue;
			last = (unsigned char)to[strlen(to) - 1];
			last_at = out->len - 1;
		} else {
			put_utf8(out, c);
			last = c;
			last_at = at;
		}
	}
	if (out->data)
		out->data[out->len] = '\0';
}

/* Messages needed for units of the given widths, single vs per part. */
static int count_parts(const char *utf8, int gsm7, int single, int part)
{
	const unsigned char *s = (const unsigned char *)utf8;
	int total = 0, parts = 1, cur = 0, n;
	uint32_t c;
	while ((n = utf8_next(s, &c)) > 0) {
		s += n;
		int w = gsm7 ? gsm_width(c) : (c > 0xFFFF ? 2 : 1);
		total += w;
		if (cur + w > part) {
			parts++;
			cur = 0;
		}
		cur += w;
	}
	return total <= single ? 1 : parts;
}

int sms_segments(const char *utf8, int *gsm7)
{
	const unsigned char *s = (const unsigned char *)utf8;
	int all = 1, n;
	uint32_t c;
	while ((n = utf8_next(s, &c)) > 0) {
		s += n;
		if (!gsm_width(c))
			all = 0;
	}
	if (gsm7)
		*gsm7 = n < 0 ? 0 : all;
	if (n < 0)
		return -1;
	return all ? count_parts(utf8, 1, SMS_GSM7_SINGLE, SMS_GSM7_PART)
		   : count_parts(utf8, 0, SMS_UCS2_SINGLE, SMS_UCS2_PART);
}

/* Overseas departments: the prefixes of their 9-digit national numbers,
 * which belong to their own country codes (ARCEP numbering plan). */
static const struct {
	char prefix[4];
	char cc[4];
	int mobile;
} OVERSEAS[] = {
	{"262", "262", 0}, {"263", "262", 0}, {"269", "262", 0}, {"639", "262", 1}, {"692", "262", 1},
	{"693", "262", 1}, {"590", "590", 0}, {"690", "590", 1}, {"691", "590", 1}, {"594", "594", 0},
	{"694", "594", 1}, {"596", "596", 0}, {"696", "596", 1}, {"697", "596", 1},
};

/* A separator people put in numbers: ASCII, or a non-breaking, narrow or
 * thin space (UTF-8). Returns its length in bytes, 0 if s is not one. */
static int phone_separator(const char *s)
{
	if (*s && strchr(" .-/()\t", *s))
		return 1;
	if (!strncmp(s, "\xC2\xA0", 2))
		return 2;
	if (!strncmp(s, "\xE2\x80\xAF", 3) || !strncmp(s, "\xE2\x80\x89", 3))
		return 3;
	return 0;
}

int phone_mobile_fr(const char *typed, char out[16])
{
	char d[24];
	size_t nd = 0;
	int plus = 0;
	out[0] = '\0';
	for (const char *p = typed; *p;) {
		int sep = phone_separator(p);
		if (sep) {
			p += sep;
		} else if (*p == '+' && nd == 0 && !plus) {
			plus = 1;
			p++;
		} else if (*p >= '0' && *p <= '9' && nd < sizeof d - 1) {
			d[nd++] = *p++;
		} else {
			return -1;
		}
	}
	d[nd] = '\0';

	/* The national significant number (9 digits) and the country code
	 * given, if any. */
	const char *nsn = NULL, *given_cc = NULL;
	const char *intl = plus ? d : (d[0] == '0' && d[1] == '0' ? d + 2 : NULL);
	if (intl) {
		static const char *const CC[] = {"33", "262", "590", "594", "596"};
		for (size_t i = 0; i < sizeof CC / sizeof CC[0] && !given_cc; i++)
			if (!strncmp(intl, CC[i], strlen(CC[i])))
				given_cc = CC[i];
		if (!given_cc)
			return -1;
		nsn = intl + strlen(given_cc);
		if (strlen(nsn) == 10 && nsn[0] == '0') /* +33 (0)6 … */
			nsn++;
	} else if (nd == 10 && d[0] == '0') {
		nsn = d + 1;
	} else if (nd == 9) {
		nsn = d;
	} else {
		return -1;
	}
	if (strlen(nsn) != 9 || nsn[0] == '0')
		return -1;

	const char *cc = "33";
	int mobile = nsn[0] == '6' || nsn[0] == '7';
	for (size_t i = 0; i < sizeof OVERSEAS / sizeof OVERSEAS[0]; i++)
		if (!strncmp(nsn, OVERSEAS[i].prefix, 3)) {
			cc = OVERSEAS[i].cc;
			mobile = OVERSEAS[i].mobile;
			break;
		}
	/* +33 692… is how some write a Réunion mobile; +262 612… is nothing. */
	if (given_cc && strcmp(given_cc, "33") != 0 && strcmp(given_cc, cc) != 0)
		return -1;
	out[0] = '+';
	memcpy(out + 1, cc, strlen(cc));
	memcpy(out + 1 + strlen(cc), nsn, 10); /* with its NUL */
	return mobile ? 1 : 0;
}
