/* Private to gateway/: what sms.c and mail.c share about libcurl. */
#ifndef LIEN_GATEWAY_TRANSFER_H
#define LIEN_GATEWAY_TRANSFER_H

#include <curl/curl.h>

#include "core/buf.h"

/* An easy handle with the configuration's timeout, no signals (the caller
 * is a background thread), the given protocols only, and errbuf for
 * libcurl's own detail. NULL if out of memory. */
CURL *gw_curl_new(const char *protocols, char errbuf[CURL_ERROR_SIZE]);

/* Turns a failed transfer into a gw_result and a French reason in err,
 * naming the gateway (who: "passerelle SMS", "serveur SMTP"). */
int gw_curl_failure(CURLcode rc, const char *errbuf, const char *who, struct buf *err);

/* Appends a formatted reason to err when err is not NULL; returns result. */
int gw_fail(struct buf *err, int result, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
