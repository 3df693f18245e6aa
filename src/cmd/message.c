/* lien message: an administrator's check of the SMS and e-mail settings,
 * and the gateway options it shares with serve. */
#include "cmd/cmd.h"
#include "core/crypto.h"
#include "core/gsm.h"
#include "domain/domain.h"
#include "gateway/gateway.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
	"message sms --to NUMÉRO --text TEXTE | message email --to ADRESSE --subject OBJET --text TEXTE "
	"[--html HTML] [--ics FICHIER] " GATEWAY_USAGE;

/* Where Kannel calls back with delivery reports, under --public-url. */
static const char DLR_PATH[] = "/passerelle/sms/accuse";

/* The URL the server is reached at from the SMS gateway: http(s), no
 * query, fragment or percent sign (Kannel substitutes %-escapes in a
 * dlr-url), no trailing slash. */
static int public_url_valid(const char *u)
{
	if (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0)
		return 0;
	for (const unsigned char *p = (const unsigned char *)u; *p; p++)
		if (*p <= 0x20 || *p >= 0x7F || strchr("%?#\"<>\\", *p))
			return 0;
	return 1;
}

/* The key that signs delivery reports: derived from the key file's key, so
 * that the key itself never leaves the process and a report's signature
 * is worth nothing for anything else. */
static int dlr_secret_set(struct cmd_ctx *c)
{
	static const unsigned char zero[32];
	if (!memcmp(domain_key(), zero, sizeof zero) && cmd_load_key(c, 0) < 0)
		return -1;
	static const char LABEL[] = "lien/passerelle/sms/accuse";
	hmac_sha256_hex(domain_key(), LABEL, sizeof LABEL - 1, gateway_config.dlr_secret);
	return 0;
}

int gateway_options(struct cmd_ctx *c)
{
	struct gateway_config *g = &gateway_config;
	const struct {
		const char *opt, *env;
		char *dst;
		size_t n;
	} opts[] = {
		{"--sms-url", NULL, g->sms_url, sizeof g->sms_url},
		{"--sms-user", NULL, g->sms_user, sizeof g->sms_user},
		{"--sms-password", "LIEN_SMS_PASSWORD", g->sms_password, sizeof g->sms_password},
		{"--sms-from", NULL, g->sms_from, sizeof g->sms_from},
		{"--smtp-url", NULL, g->smtp_url, sizeof g->smtp_url},
		{"--smtp-from", NULL, g->smtp_from, sizeof g->smtp_from},
		{"--smtp-user", NULL, g->smtp_user, sizeof g->smtp_user},
		{"--smtp-password", "LIEN_SMTP_PASSWORD", g->smtp_password, sizeof g->smtp_password},
	};
	for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
		const char *v = opt_value(c, opts[i].opt);
		if (!v && opts[i].env)
			v = getenv(opts[i].env);
		if (v && cstr_copy(opts[i].dst, opts[i].n, v) < 0) {
			cmd_fail("valeur trop longue pour %s (%zu caractères au plus)", opts[i].opt, opts[i].n - 1);
			return -1;
		}
	}
	const char *timeout = opt_value(c, "--gateway-timeout");
	int64_t t;
	if (timeout) {
		if (str_to_i64(str_from(timeout), 1, 300, &t) < 0) {
			cmd_fail("--gateway-timeout attend un nombre de secondes entre 1 et 300");
			return -1;
		}
		g->timeout_s = (long)t;
	}
	if (g->sms_url[0] && strncmp(g->sms_url, "http://", 7) != 0 && strncmp(g->sms_url, "https://", 8) != 0) {
		cmd_fail("--sms-url attend une adresse http:// ou https://, par exemple "
			 "http://127.0.0.1:13013/cgi-bin/sendsms");
		return -1;
	}
	if (g->smtp_url[0] && strncmp(g->smtp_url, "smtp://", 7) != 0 && strncmp(g->smtp_url, "smtps://", 8) != 0) {
		cmd_fail("--smtp-url attend une adresse smtp:// ou smtps://, par exemple smtp://127.0.0.1:25");
		return -1;
	}
	if (g->smtp_url[0] && !strchr(g->smtp_from, '@')) {
		cmd_fail("--smtp-from est nécessaire avec --smtp-url, par exemple « CCAS de Lille <rappels@ccas-lille.fr> »");
		return -1;
	}
	const char *pub = opt_value(c, "--public-url");
	if (pub) {
		size_t n = strlen(pub);
		while (n && pub[n - 1] == '/')
			n--;
		if (!public_url_valid(pub) || n + sizeof DLR_PATH > sizeof g->dlr_url) {
			cmd_fail("--public-url attend l'adresse http(s):// du serveur, sans « ? », « # » ni « %% » : %s", pub);
			return -1;
		}
		snprintf(g->dlr_url, sizeof g->dlr_url, "%.*s%s", (int)n, pub, DLR_PATH);
		if (dlr_secret_set(c) < 0)
			return -1;
	}
	if (gateway_init() < 0) {
		cmd_fail("libcurl n'a pas pu être initialisée");
		return -1;
	}
	return 0;
}

/* A reason that no gateway gave: the message is refused before. */
__attribute__((format(printf, 2, 3))) static int gw_fail_text(struct buf *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vappendf(err, fmt, ap);
	va_end(ap);
	return GW_PERMANENT;
}

/* An attachment for the test e-mail, read whole (at most 256 Kio). */
static char *read_small_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b = BUF_INIT;
	buf_init(&b, 256 * 1024);
	char chunk[4096];
	size_t n;
	int ok = 1;
	while (ok && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		ok = buf_append(&b, chunk, n) == 0;
	ok = ok && !ferror(f);
	fclose(f);
	if (!ok || !b.data) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

static int send_sms(const char *to, const char *text, struct buf *err)
{
	char e164[16];
	int m = phone_mobile_fr(to, e164);
	if (m == 0)
		return gw_fail_text(err, "%s n'est pas un numéro de mobile : pas de SMS vers un fixe ou un numéro spécial", to);
	if (m < 0)
		return gw_fail_text(err, "numéro de téléphone invalide : %s", to);
	struct buf folded = BUF_INIT;
	sms_fold(text, &folded);
	int gsm7, n = sms_segments(buf_cstr(&folded), &gsm7);
	if (n < 0) {
		buf_free(&folded);
		return gw_fail_text(err, "le texte n'est pas de l'UTF-8 valide");
	}
	printf("SMS pour %s : %d segment%s, %s\n", e164, n, n > 1 ? "s" : "",
	       gsm7 ? "alphabet GSM 7 bits" : "UCS-2 (caractères hors de l'alphabet GSM)");
	int rc = sms_send(e164, buf_cstr(&folded), 0, err);
	buf_free(&folded);
	return rc;
}

int cmd_message(struct cmd_ctx *c)
{
	const char *to = opt_value(c, "--to"), *text = opt_value(c, "--text");
	const char *subject = opt_value(c, "--subject"), *html = opt_value(c, "--html");
	const char *ics_path = opt_value(c, "--ics");
	if (gateway_options(c) < 0)
		return 2;
	if (opt_done(c, USAGE) < 0 || c->argc != 1 || !to || !text)
		return cmd_usage(USAGE);
	int sms = strcmp(c->argv[0], "sms") == 0;
	if (!sms && (strcmp(c->argv[0], "email") != 0 || !subject))
		return cmd_usage(USAGE);
	if (sms && (subject || html || ics_path))
		return cmd_fail("--subject, --html et --ics ne valent que pour un courriel");

	struct buf err = BUF_INIT;
	char *ics = NULL;
	int rc;
	if (sms) {
		rc = send_sms(to, text, &err);
	} else if (ics_path && !(ics = read_small_file(ics_path))) {
		rc = gw_fail_text(&err, "impossible de lire %s (ou plus de 256 Kio)", ics_path);
	} else {
		rc = mail_send(to, subject, text, html, ics, 0, &err);
	}
	if (rc == GW_OK)
		printf("Message remis à la passerelle\n");
	else if (rc == GW_RETRY)
		cmd_fail("erreur temporaire (à réessayer plus tard) : %s", buf_cstr(&err));
	else
		cmd_fail("erreur définitive : %s", buf_cstr(&err));
	free(ics);
	buf_free(&err);
	gateway_shutdown();
	return rc == GW_OK ? 0 : 1;
}
