#include "core/crypto.h"
#include "gateway/gateway.h"
#include "unit.h"

static const struct gateway_config saved_config_zero;

static void config_reset(void)
{
	gateway_config = saved_config_zero;
	gateway_config.timeout_s = 5;
	cstr_copy(gateway_config.smtp_from, sizeof gateway_config.smtp_from, "CCAS de Sète <rappels@ccas-sete.fr>");
}

/* Every line ends in CRLF and none is longer than max (without the CRLF). */
static int lines_ok(const char *s, size_t max)
{
	size_t col = 0;
	for (const char *p = s; *p; p++) {
		if (*p == '\n') {
			if (p == s || p[-1] != '\r')
				return 0;
			col = 0;
		} else if (*p != '\r' && ++col > max) {
			return 0;
		}
	}
	return col == 0;
}

TEST(mail_build_mime_structure)
{
	config_reset();
	struct buf m = BUF_INIT;
	const char *text = "Bonjour Mme Lefèvre,\n\n.Un point en tête, un signe = et des espaces en fin   \n"
			   "Une ligne très longue qui dépasse largement les soixante-seize caractères d'une ligne.";
	CHECK(mail_build(&m, "elodie@exemple.fr", "Votre rendez-vous du 3 décembre 2026 à 14 h 30 — CCAS", text,
			 "<p>Bonjour</p>", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", 42) == 0);
	const char *s = buf_cstr(&m);
	CHECK(lines_ok(s, 76));
	CHECK(strstr(s, "\r\nSubject: =?UTF-8?B?"));
	CHECK(strstr(s, "From: =?UTF-8?B?Q0NBUyBkZSBTw6h0ZQ==?= <rappels@ccas-sete.fr>\r\n"));
	CHECK(strstr(s, "\r\nTo: <elodie@exemple.fr>\r\n"));
	CHECK(strstr(s, "\r\nMessage-ID: <outbox-42@lien>\r\n"));
	CHECK(strstr(s, "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="));
	CHECK(strstr(s, "Content-Type: multipart/alternative; boundary="));
	CHECK(strstr(s, "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable"));
	CHECK(strstr(s, "Content-Type: text/html; charset=UTF-8"));
	CHECK(strstr(s, "method=PUBLISH;\r\n name=\"rendez-vous.ics\""));
	CHECK(strstr(s, "Content-Disposition: attachment; filename=\"rendez-vous.ics\""));
	CHECK(strstr(s, "QkVHSU46VkNBTEVOREFSDQpFTkQ6VkNBTEVOREFSDQo=")); /* the calendar, base64 */
	/* Quoted-printable: accents, '=', a leading dot and trailing blanks
	 * encoded; soft line breaks keep lines within 76. */
	CHECK(strstr(s, "Bonjour Mme Lef=C3=A8vre,\r\n\r\n=2EUn point en t=C3=AAte, un signe =3D"));
	CHECK(strstr(s, "fin  =20\r\n"));
	CHECK(strstr(s, "=\r\n"));
	buf_free(&m);

	/* No HTML, no calendar: one text part; a plain ASCII subject as it is. */
	CHECK(mail_build(&m, "a@exemple.fr", "Rappel", "Bonjour", NULL, NULL, 0) == 0);
	s = buf_cstr(&m);
	CHECK(lines_ok(s, 76));
	CHECK(strstr(s, "\r\nSubject: Rappel\r\n"));
	CHECK(!strstr(s, "multipart"));
	CHECK(strstr(s, "\r\nMessage-ID: <test-"));
	buf_free(&m);
}

TEST(mail_build_refuses_header_injection)
{
	config_reset();
	struct buf m = BUF_INIT;
	CHECK(mail_build(&m, "a@exemple.fr\r\nBcc: b@exemple.fr", "S", "T", NULL, NULL, 1) == -1);
	CHECK(mail_build(&m, "a b@exemple.fr", "S", "T", NULL, NULL, 1) == -1);
	CHECK(mail_build(&m, "<a@exemple.fr>", "S", "T", NULL, NULL, 1) == -1);
	CHECK(mail_build(&m, "a@exemple.fr", "Objet\r\nBcc: b@exemple.fr", "T", NULL, NULL, 1) == 0);
	CHECK(!strstr(buf_cstr(&m), "\nBcc:"));
	CHECK(lines_ok(buf_cstr(&m), 998));
	buf_free(&m);
	cstr_copy(gateway_config.smtp_from, sizeof gateway_config.smtp_from, "");
	CHECK(mail_build(&m, "a@exemple.fr", "S", "T", NULL, NULL, 1) == -1);
	buf_free(&m);
}

TEST(sms_dlr_signature)
{
	config_reset();
	int64_t id = -1;
	CHECK(sms_dlr_check("42", "00", &id) == 0); /* no secret: nothing is valid */
	unsigned char key[32];
	for (int i = 0; i < 32; i++)
		key[i] = (unsigned char)(i * 7 + 1);
	hex_encode(key, 32, gateway_config.dlr_secret, sizeof gateway_config.dlr_secret);
	char sig[65];
	hmac_sha256_hex(key, "sms-dlr:42", 10, sig);
	CHECK(sms_dlr_check("42", sig, &id) == 1 && id == 42);
	id = -1;
	CHECK(sms_dlr_check("43", sig, &id) == 0 && id == -1);
	CHECK(sms_dlr_check("-42", sig, &id) == 0);
	CHECK(sms_dlr_check("42x", sig, &id) == 0);
	CHECK(sms_dlr_check(NULL, sig, &id) == 0);
	CHECK(sms_dlr_check("42", NULL, &id) == 0);
	CHECK(sms_dlr_check("42", "", &id) == 0);
	sig[0] = sig[0] == '0' ? '1' : '0';
	CHECK(sms_dlr_check("42", sig, &id) == 0);
	config_reset();
}

TEST(gateway_results_without_a_gateway)
{
	config_reset();
	struct buf err = BUF_INIT;
	CHECK(sms_send("+33612345678", "Test", 1, &err) == GW_PERMANENT);
	CHECK(strstr(buf_cstr(&err), "pas configuré"));
	buf_reset(&err);
	CHECK(mail_send("a@exemple.fr", "S", "T", NULL, NULL, 1, &err) == GW_PERMANENT);
	buf_reset(&err);
	/* Port 1 on loopback: refused at once, a temporary error. */
	cstr_copy(gateway_config.sms_url, sizeof gateway_config.sms_url, "http://127.0.0.1:1/cgi-bin/sendsms");
	cstr_copy(gateway_config.sms_password, sizeof gateway_config.sms_password, "secret-kannel");
	CHECK(sms_send("0612345678", "Test", 1, &err) == GW_PERMANENT); /* not E.164 */
	buf_reset(&err);
	CHECK(sms_send("+33612345678", "", 1, &err) == GW_PERMANENT);
	buf_reset(&err);
	CHECK(sms_send("+33612345678", "Test", 1, &err) == GW_RETRY);
	CHECK(strstr(buf_cstr(&err), "injoignable") && !strstr(buf_cstr(&err), "secret-kannel"));
	buf_reset(&err);
	cstr_copy(gateway_config.smtp_url, sizeof gateway_config.smtp_url, "smtp://127.0.0.1:1");
	CHECK(mail_send("a@exemple.fr", "S", "T", NULL, NULL, 1, &err) == GW_RETRY);
	CHECK(strstr(buf_cstr(&err), "serveur SMTP injoignable"));
	buf_reset(&err);
	CHECK(mail_send("pas une adresse", "S", "T", NULL, NULL, 1, &err) == GW_PERMANENT);
	buf_free(&err);
	config_reset();
	gateway_shutdown();
}
