/* SMS through Kannel's sendsms interface, delivery reports signed. */
#include "core/crypto.h"
#include "core/gsm.h"
#include "gateway/gateway.h"
#include "gateway/transfer.h"

#include <inttypes.h>
#include <string.h>

/* What Kannel answers is one short line; more is not read. */
enum { REPLY_MAX = 1024, TEXT_MAX = 4096 };

static void url_param(struct buf *b, const char *name, const char *value)
{
	static const char HEX[] = "0123456789ABCDEF";
	buf_appendf(b, "%s%s=", b->data && strchr(b->data, '?') ? "&" : "?", name);
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p)) {
			buf_putc(b, (char)*p);
		} else {
			char esc[3] = {'%', HEX[*p >> 4], HEX[*p & 15]};
			buf_append(b, esc, 3);
		}
	}
}

/* The signature of a delivery report's id: HMAC-SHA-256 keyed with the
 * secret serve derived from the key file. -1 when there is no secret. */
static int dlr_sign(int64_t id, char sig[65])
{
	unsigned char key[32];
	const char *hex = gateway_config.dlr_secret;
	if (strlen(hex) != 64 || hex_decode(hex, 64, key, sizeof key) != 32)
		return -1;
	char msg[40];
	int n = snprintf(msg, sizeof msg, "sms-dlr:%" PRId64, id);
	hmac_sha256_hex(key, msg, (size_t)n, sig);
	memset(key, 0, sizeof key);
	return 0;
}

int sms_dlr_check(const char *id, const char *sig, int64_t *outbox_id)
{
	int64_t v;
	char want[65];
	if (!id || !sig || strlen(sig) != 64 || str_to_i64(str_from(id), 0, INT64_MAX, &v) < 0 ||
	    dlr_sign(v, want) < 0)
		return 0;
	if (!ct_equal(want, sig, 64))
		return 0;
	*outbox_id = v;
	return 1;
}

static size_t keep_reply(char *data, size_t size, size_t n, void *closure)
{
	struct buf *b = closure;
	size_t len = size * n;
	if (b->len < REPLY_MAX)
		buf_append(b, data, len < REPLY_MAX - b->len ? len : REPLY_MAX - b->len);
	return len;
}

static int e164_valid(const char *s)
{
	size_t n = 0;
	if (*s++ != '+')
		return 0;
	for (; *s; s++, n++)
		if (*s < '0' || *s > '9')
			return 0;
	return n >= 8 && n <= 15;
}

/* Kannel's answer as one line for people: "Authorization failed for sendsms". */
static const char *reply_line(struct buf *reply)
{
	for (size_t i = 0; i < reply->len; i++)
		if (reply->data[i] == '\r' || reply->data[i] == '\n' || (unsigned char)reply->data[i] < 0x20) {
			reply->len = i;
			reply->data[i] = '\0';
			break;
		}
	return reply->len ? reply->data : "sans message";
}

int sms_send(const char *to_e164, const char *text, int64_t outbox_id, struct buf *err)
{
	const struct gateway_config *g = &gateway_config;
	if (!g->sms_url[0])
		return gw_fail(err, GW_PERMANENT, "l'envoi de SMS n'est pas configuré (--sms-url)");
	if (!to_e164 || !e164_valid(to_e164))
		return gw_fail(err, GW_PERMANENT, "numéro de téléphone invalide pour un SMS : %s",
			       to_e164 ? to_e164 : "(aucun)");
	int gsm7;
	if (!text || !text[0] || strlen(text) > TEXT_MAX || sms_segments(text, &gsm7) < 0)
		return gw_fail(err, GW_PERMANENT, "texte du SMS vide, trop long ou mal encodé");

	struct buf url = BUF_INIT, reply = BUF_INIT;
	buf_puts(&url, g->sms_url);
	url_param(&url, "username", g->sms_user);
	url_param(&url, "password", g->sms_password);
	if (g->sms_from[0])
		url_param(&url, "from", g->sms_from);
	url_param(&url, "to", to_e164);
	url_param(&url, "text", text);
	url_param(&url, "charset", "UTF-8");
	url_param(&url, "coding", gsm7 ? "0" : "2");
	char sig[65];
	if (g->dlr_url[0] && outbox_id >= 0 && dlr_sign(outbox_id, sig) == 0) {
		struct buf dlr = BUF_INIT;
		buf_appendf(&dlr, "%s%cid=%" PRId64 "&type=%%d&sig=%s", g->dlr_url, strchr(g->dlr_url, '?') ? '&' : '?',
			    outbox_id, sig);
		url_param(&url, "dlr-mask", "31");
		url_param(&url, "dlr-url", buf_cstr(&dlr));
		buf_free(&dlr);
	}
	int result;
	char errbuf[CURL_ERROR_SIZE];
	CURL *h = url.data ? gw_curl_new("http,https", errbuf) : NULL;
	if (!h) {
		result = gw_fail(err, GW_RETRY, "passerelle SMS : mémoire insuffisante");
		goto out;
	}
	curl_easy_setopt(h, CURLOPT_URL, url.data);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep_reply);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &reply);
	CURLcode rc = curl_easy_perform(h);
	long status = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(h);
	if (rc != CURLE_OK)
		result = gw_curl_failure(rc, errbuf, "passerelle SMS", err);
	else if (status >= 200 && status < 300)
		result = GW_OK;
	else if (status == 408 || status == 429 || status >= 500)
		result = gw_fail(err, GW_RETRY, "la passerelle SMS refuse pour l'instant (%ld : %s)", status,
				 reply_line(&reply));
	else
		result = gw_fail(err, GW_PERMANENT, "la passerelle SMS a refusé le message (%ld : %s)", status,
				 reply_line(&reply));
out:
	/* The URL holds the password. */
	if (url.data)
		memset(url.data, 0, url.len);
	buf_free(&url);
	buf_free(&reply);
	return result;
}
