/* The gateways' configuration and what both of them do with libcurl. */
#include "gateway/gateway.h"
#include "gateway/transfer.h"

#include <stdarg.h>

struct gateway_config gateway_config = {.timeout_s = 10};

int gateway_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void gateway_shutdown(void)
{
	curl_global_cleanup();
}

int gw_fail(struct buf *err, int result, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		buf_vappendf(err, fmt, ap);
		va_end(ap);
	}
	return result;
}

static long timeout(void)
{
	return gateway_config.timeout_s > 0 ? gateway_config.timeout_s : 10;
}

CURL *gw_curl_new(const char *protocols, char errbuf[CURL_ERROR_SIZE])
{
	CURL *h = curl_easy_init();
	if (!h)
		return NULL;
	errbuf[0] = '\0';
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout());
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, timeout());
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, protocols);
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, protocols);
	return h;
}

int gw_curl_failure(CURLcode rc, const char *errbuf, const char *who, struct buf *err)
{
	const char *detail = errbuf && errbuf[0] ? errbuf : curl_easy_strerror(rc);
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		return gw_fail(err, GW_RETRY, "%s injoignable : connexion impossible (%s)", who, detail);
	case CURLE_OPERATION_TIMEDOUT:
		return gw_fail(err, GW_RETRY, "%s : pas de réponse en %ld s", who, timeout());
	case CURLE_COULDNT_RESOLVE_HOST:
		return gw_fail(err, GW_RETRY, "%s : nom d'hôte introuvable (%s)", who, detail);
	case CURLE_URL_MALFORMAT:
	case CURLE_UNSUPPORTED_PROTOCOL:
		return gw_fail(err, GW_PERMANENT, "%s : adresse invalide dans la configuration (%s)", who, detail);
	case CURLE_LOGIN_DENIED:
		return gw_fail(err, GW_PERMANENT, "%s : identifiant ou mot de passe refusé", who);
	case CURLE_PEER_FAILED_VERIFICATION:
		return gw_fail(err, GW_PERMANENT, "%s : certificat TLS non reconnu (%s)", who, detail);
	case CURLE_USE_SSL_FAILED:
		return gw_fail(err, GW_PERMANENT, "%s : le chiffrement TLS (STARTTLS) n'est pas proposé", who);
	case CURLE_OUT_OF_MEMORY:
		return gw_fail(err, GW_RETRY, "%s : mémoire insuffisante", who);
	default:
		return gw_fail(err, GW_RETRY, "%s : erreur de communication (%s)", who, detail);
	}
}
