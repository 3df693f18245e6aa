#include "unit.h"
#include "core/crypto.h"
#include "core/totp.h"

#include <qrencode.h>
#include <stdlib.h>

static const unsigned char rfc_key[] = "12345678901234567890";
#define RFC_KEYLEN 20

TEST(totp_rfc4226_hotp)
{
	static const uint32_t expect[10] = {755224, 287082, 359152, 969429, 338314,
					    254676, 287922, 162583, 399871, 520489};
	for (uint64_t c = 0; c < 10; c++)
		CHECK(hotp(rfc_key, RFC_KEYLEN, c, 6) == expect[c]);
	CHECK(hotp(rfc_key, RFC_KEYLEN, 0, 5) == UINT32_MAX);
	CHECK(hotp(rfc_key, RFC_KEYLEN, 0, 9) == UINT32_MAX);
}

TEST(totp_rfc6238_sha1)
{
	static const struct {
		int64_t t;
		const char *code;
	} v[] = {
		{59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
		{1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
	};
	for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
		char got[16];
		uint32_t h = hotp(rfc_key, RFC_KEYLEN, (uint64_t)(v[i].t / 30), 8);
		snprintf(got, sizeof got, "%08u", (unsigned)h);
		CHECK_STR(got, v[i].code);
	}
}

/* The 6-digit code of a time step, as a person would type it. */
static void code_at(int64_t step, char out[8])
{
	snprintf(out, 8, "%06u", (unsigned)hotp(rfc_key, RFC_KEYLEN, (uint64_t)step, 6));
}

TEST(totp_verify_window)
{
	const int64_t now = 1111111111, step = now / 30;
	char code[8];
	for (int d = -1; d <= 1; d++) {
		int64_t last = 0;
		code_at(step + d, code);
		CHECK(totp_verify(rfc_key, RFC_KEYLEN, code, now, &last) == 1);
		CHECK(last == step + d);
	}
	for (int d = -2; d <= 2; d += 4) {
		int64_t last = 0;
		code_at(step + d, code);
		CHECK(totp_verify(rfc_key, RFC_KEYLEN, code, now, &last) == 0);
		CHECK(last == 0);
	}
	/* Window edges follow the 30-second boundaries. */
	int64_t last = 0;
	code_at(step + 1, code);
	CHECK(totp_verify(rfc_key, RFC_KEYLEN, code, step * 30, &last) == 1);
	last = 0;
	CHECK(totp_verify(rfc_key, RFC_KEYLEN, code, step * 30 - 1, &last) == 0);
}

TEST(totp_verify_replay)
{
	const int64_t now = 1234567890, step = now / 30;
	char code[8];
	int64_t last = 0;
	code_at(step, code);
	CHECK(totp_verify(rfc_key, RFC_KEYLEN, code, now, &last) == 1);
	CHECK(last == step);
	CHECK(totp_verify(rfc_key, RFC_KEYLEN, code, now, &last) == 0);      /* same code */
	CHECK(totp_verify(rfc_key, RFC_KEYLEN, code, now + 20, &last) == 0); /* still in window */
	code_at(step - 1, code);
	CHECK(totp_verify(rfc_key, RFC_KEYLEN, code, now, &last) == 0);      /* older step */
	code_at(step + 1, code);
	CHECK(totp_verify(rfc_key, RFC_KEYLEN, code, now + 30, &last) == 1); /* next one */
	CHECK(last == step + 1);
}

TEST(totp_verify_input)
{
	const int64_t now = 2000000000, step = now / 30;
	char code[8], spaced[16];
	int64_t last = 0;
	code_at(step, code);
	snprintf(spaced, sizeof spaced, " %.3s %.3s ", code, code + 3);
	CHECK(totp_verify(rfc_key, RFC_KEYLEN, spaced, now, &last) == 1);

	static const char *const bad[] = {"", "12345", "1234567", "12345a", "12-456",
					  "１２３４５６", "+12345", "0x1234"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		last = 0;
		CHECK(totp_verify(rfc_key, RFC_KEYLEN, bad[i], now, &last) == 0);
	}
	/* A real code with one more digit or a letter is still refused. */
	last = 0;
	code_at(step, code);
	snprintf(spaced, sizeof spaced, "%s0", code);
	CHECK(totp_verify(rfc_key, RFC_KEYLEN, spaced, now, &last) == 0);
	snprintf(spaced, sizeof spaced, "%sx", code);
	CHECK(totp_verify(rfc_key, RFC_KEYLEN, spaced, now, &last) == 0);
	CHECK(totp_verify(rfc_key, RFC_KEYLEN, NULL, now, &last) == 0);
	CHECK(totp_verify(rfc_key, RFC_KEYLEN, code, now, NULL) == 0);
	CHECK(totp_verify(rfc_key, RFC_KEYLEN, code, -5, &last) == 0);
	CHECK(last == 0);
}

TEST(totp_base32_rfc4648)
{
	static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *const enc[] = {"", "MY", "MZXQ", "MZXW6", "MZXW6YQ", "MZXW6YTB",
					  "MZXW6YTBOI"};
	static const char *const padded[] = {"", "MY======", "MZXQ====", "MZXW6===",
					     "MZXW6YQ=", "MZXW6YTB", "MZXW6YTBOI======"};
	for (size_t i = 0; i < 7; i++) {
		char out[32];
		unsigned char dec[32];
		size_t n = strlen(plain[i]);
		CHECK(base32_encode((const unsigned char *)plain[i], n, out, sizeof out) ==
		      (int)strlen(enc[i]));
		CHECK_STR(out, enc[i]);
		CHECK(base32_decode(enc[i], strlen(enc[i]), dec, sizeof dec) == (int)n);
		CHECK(memcmp(dec, plain[i], n) == 0);
		CHECK(base32_decode(padded[i], strlen(padded[i]), dec, sizeof dec) == (int)n);
		CHECK(memcmp(dec, plain[i], n) == 0);
	}
}

TEST(totp_base32_round_trip_and_errors)
{
	unsigned char key[37], back[37];
	char enc[80];
	CHECK(crypto_init() == 0);
	crypto_random(key, sizeof key);
	for (size_t n = 0; n <= sizeof key; n++) {
		int len = base32_encode(key, n, enc, sizeof enc);
		CHECK(len == (int)((n * 8 + 4) / 5));
		CHECK(base32_decode(enc, (size_t)len, back, sizeof back) == (int)n);
		CHECK(memcmp(key, back, n) == 0);
	}
	const char *typed = "mzxw 6ytb oi";
	CHECK(base32_decode(typed, strlen(typed), back, sizeof back) == 6);
	CHECK(memcmp(back, "foobar", 6) == 0);
	CHECK(base32_decode("MZXW1", 5, back, sizeof back) == -1);   /* 1 is not base32 */
	CHECK(base32_decode("MZXW6!", 6, back, sizeof back) == -1);
	CHECK(base32_decode("MZ=XW", 5, back, sizeof back) == -1);   /* data after padding */
	CHECK(base32_decode("MZX", 3, back, sizeof back) == -1);     /* impossible length */
	CHECK(base32_decode("MZXW6YTBOI", 10, back, 5) == -1);       /* out too small */
	CHECK(base32_encode((const unsigned char *)"foobar", 6, enc, 10) == -1);
	CHECK(base32_encode((const unsigned char *)"foobar", 6, enc, 11) == 10);
}

TEST(totp_uri)
{
	struct buf b = BUF_INIT;
	CHECK(totp_uri("marie.dupont@ccas-lyon.fr", rfc_key, RFC_KEYLEN, &b) == 0);
	CHECK_STR(buf_cstr(&b), "otpauth://totp/Lien:marie.dupont%40ccas-lyon.fr?secret="
				"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Lien&algorithm=SHA1"
				"&digits=6&period=30");
	buf_reset(&b);
	CHECK(totp_uri("Élodie N'Diaye & co", rfc_key, 10, &b) == 0);
	CHECK_STR(buf_cstr(&b), "otpauth://totp/Lien:%C3%89lodie%20N%27Diaye%20%26%20co?secret="
				"GEZDGNBVGY3TQOJQ&issuer=Lien&algorithm=SHA1&digits=6&period=30");
	buf_reset(&b);
	CHECK(totp_uri("x", rfc_key, 0, &b) == -1 && b.len == 0);
	buf_free(&b);
	buf_init(&b, 40);
	CHECK(totp_uri("x", rfc_key, RFC_KEYLEN, &b) == -1 && b.len == 0);
	buf_free(&b);
}

/* Paints the "M x yhNv1h-Nz" runs of the path back into a grid. */
static int svg_to_grid(const char *svg, unsigned char *grid, int n)
{
	const char *d = strstr(svg, " d=\"");
	if (!d)
		return -1;
	d += 4;
	while (*d == 'M') {
		char *end;
		long x = strtol(d + 1, &end, 10);
		long y = strtol(end + 1, &end, 10);
		if (*end != 'h')
			return -1;
		long len = strtol(end + 1, &end, 10);
		if (strncmp(end, "v1h-", 4) != 0)
			return -1;
		if (strtol(end + 4, &end, 10) != len || *end != 'z')
			return -1;
		if (x < 0 || y < 0 || len < 1 || x + len > n || y >= n)
			return -1;
		for (long i = 0; i < len; i++)
			grid[y * n + x + i] = 1;
		d = end + 1;
	}
	return *d == '"' ? 0 : -1;
}

TEST(totp_qr_svg)
{
	struct buf b = BUF_INIT;
	const char *text = "otpauth://totp/Lien:marie?secret=GEZDGNBVGY3TQOJQ&issuer=Lien";
	CHECK(qr_svg(text, "QR code \"Lien\" <2FA> & co", &b) == 0);
	const char *svg = buf_cstr(&b);
	CHECK(strncmp(svg, "<svg", 4) == 0);
	CHECK(strstr(svg, "role=\"img\"") != NULL);
	CHECK(strstr(svg, "aria-label=\"QR code &quot;Lien&quot; &lt;2FA&gt; &amp; co\"") != NULL);
	CHECK(strstr(svg, "</svg>") != NULL);
	const char *p = strstr(svg, "<path");
	CHECK(p && !strstr(p + 1, "<path"));

	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	CHECK(qr != NULL);
	if (qr) {
		int n = qr->width + 8;
		char want[64];
		snprintf(want, sizeof want, "viewBox=\"0 0 %d %d\"", n, n);
		CHECK(strstr(svg, want) != NULL);
		snprintf(want, sizeof want, "width=\"%d\" height=\"%d\"", n * 5, n * 5);
		CHECK(strstr(svg, want) != NULL);
		unsigned char *grid = calloc((size_t)(n * n), 1);
		CHECK(grid && svg_to_grid(svg, grid, n) == 0);
		int same = grid != NULL;
		for (int y = 0; grid && y < n; y++)
			for (int x = 0; x < n; x++) {
				int in = x >= 4 && y >= 4 && x < n - 4 && y < n - 4;
				int dark = in && (qr->data[(y - 4) * qr->width + (x - 4)] & 1);
				same &= grid[y * n + x] == dark;
			}
		CHECK(same);
		free(grid);
		QRcode_free(qr);
	}

	/* Too long for any QR code: refused, buffer unchanged. */
	size_t big = 8000;
	char *huge = malloc(big + 1);
	CHECK(huge != NULL);
	if (huge) {
		memset(huge, 'x', big);
		huge[big] = '\0';
		size_t before = b.len;
		CHECK(qr_svg(huge, "x", &b) == -1);
		CHECK(b.len == before);
		free(huge);
	}
	buf_free(&b);
}

TEST(totp_recovery_codes)
{
	char codes[RECOVERY_CODE_COUNT][16], norm[16];
	CHECK(crypto_init() == 0);
	for (int i = 0; i < RECOVERY_CODE_COUNT; i++) {
		recovery_code_new(codes[i]);
		CHECK(strlen(codes[i]) == RECOVERY_CODE_LEN);
		CHECK(codes[i][4] == '-' && codes[i][9] == '-');
		for (int k = 0; k < RECOVERY_CODE_LEN; k++) {
			char c = codes[i][k];
			if (k == 4 || k == 9)
				continue;
			CHECK(((c >= '2' && c <= '9') || (c >= 'a' && c <= 'z')) &&
			      !strchr("oli01", c));
		}
		for (int j = 0; j < i; j++)
			CHECK(strcmp(codes[i], codes[j]) != 0);
		CHECK(recovery_code_normalize(codes[i], norm) == 0);
		CHECK_STR(norm, codes[i]);
	}
	CHECK(recovery_code_normalize(" ABCD efgh - 23 ", norm) == 0);
	CHECK_STR(norm, "abcd-efgh-23");
	CHECK(recovery_code_normalize("abcd-efgh-2", norm) == -1);    /* short */
	CHECK(recovery_code_normalize("abcd-efgh-234", norm) == -1);  /* long */
	CHECK(recovery_code_normalize("abcd-efgh-0o", norm) == -1);   /* not in alphabet */
	CHECK(recovery_code_normalize("abcd_efgh_23", norm) == -1);
}
