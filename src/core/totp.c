#include "core/totp.h"

#include <gnutls/crypto.h>
#include <qrencode.h>
#include <sodium.h>
#include <string.h>

static const char b32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int base32_encode(const unsigned char *in, size_t n, char *out, size_t outsize)
{
	if (n > (SIZE_MAX - 8) / 8 || (n * 8 + 4) / 5 >= outsize || (n * 8 + 4) / 5 > INT32_MAX)
		return -1;
	size_t o = 0;
	unsigned acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[o++] = b32_alphabet[(acc >> bits) & 31];
		}
	}
	if (bits > 0)
		out[o++] = b32_alphabet[(acc << (5 - bits)) & 31];
	out[o] = '\0';
	return (int)o;
}

static int b32_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

int base32_decode(const char *in, size_t n, unsigned char *out, size_t outsize)
{
	size_t o = 0, chars = 0;
	unsigned acc = 0;
	int bits = 0, padding = 0;
	for (size_t i = 0; i < n; i++) {
		if (in[i] == ' ')
			continue;
		if (in[i] == '=') {
			padding = 1;
			continue;
		}
		int v = b32_value(in[i]);
		if (v < 0 || padding)
			return -1;
		chars++;
		acc = (acc << 5) | (unsigned)v;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (o >= outsize || o >= INT32_MAX)
				return -1;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	/* 1, 3 or 6 characters in a last group carry no whole byte. */
	switch (chars % 8) {
	case 1:
	case 3:
	case 6:
		return -1;
	default:
		return (int)o;
	}
}

uint32_t hotp(const unsigned char *key, size_t keylen, uint64_t counter, int digits)
{
	static const uint32_t modulus[] = {1000000, 10000000, 100000000};
	unsigned char msg[8], mac[20];
	if (digits < 6 || digits > 8)
		return UINT32_MAX;
	for (int i = 7; i >= 0; i--) {
		msg[i] = (unsigned char)(counter & 0xff);
		counter >>= 8;
	}
	if (gnutls_hmac_fast(GNUTLS_MAC_SHA1, key, keylen, msg, sizeof msg, mac) < 0)
		return UINT32_MAX;
	int off = mac[19] & 0x0f;
	uint32_t bin = ((uint32_t)(mac[off] & 0x7f) << 24) | ((uint32_t)mac[off + 1] << 16) |
		       ((uint32_t)mac[off + 2] << 8) | (uint32_t)mac[off + 3];
	sodium_memzero(mac, sizeof mac);
	return bin % modulus[digits - 6];
}

/* The code as a number, or -1 unless it is exactly TOTP_DIGITS digits
 * once spaces are removed. */
static int64_t parse_code(const char *code)
{
	int64_t v = 0;
	int digits = 0;
	for (const char *p = code; *p; p++) {
		if (*p == ' ')
			continue;
		if (*p < '0' || *p > '9' || ++digits > TOTP_DIGITS)
			return -1;
		v = v * 10 + (*p - '0');
	}
	return digits == TOTP_DIGITS ? v : -1;
}

int totp_verify(const unsigned char *key, size_t keylen, const char *code,
		int64_t now, int64_t *last_step)
{
	if (!code || !last_step || now < 0)
		return 0;
	int64_t want = parse_code(code);
	if (want < 0)
		return 0;
	int64_t step = now / TOTP_PERIOD, found = -1;
	/* Compute every candidate so the time taken does not depend on which
	 * step matched. */
	for (int64_t s = step + 1; s >= step - 1; s--) {
		uint32_t h = hotp(key, keylen, (uint64_t)s, TOTP_DIGITS);
		int ok = s >= 0 && s > *last_step && h == (uint32_t)want;
		found = ok ? s : found;
	}
	if (found < 0)
		return 0;
	*last_step = found;
	return 1;
}

static int append_percent_encoded(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int unreserved = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
				 (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
				 *p == '_' || *p == '~';
		char enc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
		if (unreserved ? buf_putc(out, (char)*p) : buf_append(out, enc, 3))
			return -1;
	}
	return 0;
}

int totp_uri(const char *account, const unsigned char *key, size_t keylen, struct buf *out)
{
	char secret[(TOTP_KEY_MAX * 8 + 4) / 5 + 1];
	size_t mark = out->len;
	if (keylen == 0 || keylen > TOTP_KEY_MAX ||
	    base32_encode(key, keylen, secret, sizeof secret) < 0)
		return -1;
	int rc = 0;
	if (buf_puts(out, "otpauth://totp/Lien:") < 0 || append_percent_encoded(out, account) < 0 ||
	    buf_appendf(out, "?secret=%s&issuer=Lien&algorithm=SHA1&digits=%d&period=%d",
			secret, TOTP_DIGITS, TOTP_PERIOD) < 0) {
		out->len = mark;
		if (out->data)
			out->data[mark] = '\0';
		rc = -1;
	}
	sodium_memzero(secret, sizeof secret);
	return rc;
}

#define QR_QUIET 4
#define QR_PX 5

/* One subpath per horizontal run of dark modules in each row. */
static int qr_append_path(struct buf *out, const QRcode *qr)
{
	for (int y = 0; y < qr->width; y++) {
		const unsigned char *row = qr->data + (size_t)y * (size_t)qr->width;
		for (int x = 0; x < qr->width;) {
			if (!(row[x] & 1)) {
				x++;
				continue;
			}
			int start = x;
			while (x < qr->width && (row[x] & 1))
				x++;
			if (buf_appendf(out, "M%d %dh%dv1h-%dz", start + QR_QUIET, y + QR_QUIET,
					x - start, x - start) < 0)
				return -1;
		}
	}
	return 0;
}

int qr_svg(const char *text, const char *aria_label, struct buf *out)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr)
		return -1;
	size_t mark = out->len;
	int n = qr->width + 2 * QR_QUIET;
	int rc = 0;
	if (buf_puts(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"") < 0 ||
	    buf_append_html(out, aria_label, strlen(aria_label)) < 0 ||
	    buf_appendf(out, "\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
			"shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" "
			"fill=\"#fff\"/><path fill=\"#000\" d=\"",
			n * QR_PX, n * QR_PX, n, n, n, n) < 0 ||
	    qr_append_path(out, qr) < 0 || buf_puts(out, "\"/></svg>") < 0) {
		out->len = mark;
		if (out->data)
			out->data[mark] = '\0';
		rc = -1;
	}
	QRcode_free(qr);
	return rc;
}

/* 31 symbols: digits 2-9 and a-z without i, l, o. */
static const char recovery_alphabet[] = "23456789abcdefghjkmnpqrstuvwxyz";

void recovery_code_new(char out[16])
{
	size_t o = 0;
	for (int i = 0; i < 10; i++) {
		if (i == 4 || i == 8)
			out[o++] = '-';
		out[o++] = recovery_alphabet[randombytes_uniform(sizeof recovery_alphabet - 1)];
	}
	out[o] = '\0';
}

int recovery_code_normalize(const char *in, char out[16])
{
	size_t o = 0;
	int n = 0;
	for (const char *p = in; *p; p++) {
		char c = *p;
		if (c == ' ' || c == '-')
			continue;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!memchr(recovery_alphabet, c, sizeof recovery_alphabet - 1) || n == 10) {
			out[0] = '\0';
			return -1;
		}
		if (n == 4 || n == 8)
			out[o++] = '-';
		out[o++] = c;
		n++;
	}
	out[o] = '\0';
	if (n != 10) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}
