/*
 * The messaging gateways: SMS through Kannel's HTTP sendsms interface,
 * e-mail through an SMTP relay, both with libcurl's easy interface.
 *
 * This layer sits below domain/: it knows numbers, addresses and texts,
 * not persons or appointments. Every call is synchronous, bounded by
 * gateway_config.timeout_s, and safe from several threads at once (one
 * curl handle per call, no shared state but the configuration, which is
 * written once at start-up). An unreachable gateway costs at most the
 * timeout; nothing here ever retries: the caller's outbox does, according
 * to the result:
 *   GW_OK         the gateway took the message;
 *   GW_RETRY      temporary: connection refused, timeout, 5xx, queue full;
 *   GW_PERMANENT  this message will never go as it is: invalid number or
 *                 address, refused by the gateway (4xx), or the channel is
 *                 not configured.
 * err (may be NULL) gets one French sentence for the people who read the
 * outbox's failures; it never contains the gateway's password.
 */
#ifndef LIEN_GATEWAY_GATEWAY_H
#define LIEN_GATEWAY_GATEWAY_H

#include <stdint.h>

#include "core/buf.h"

struct gateway_config {
	char sms_url[256];      /* "http://127.0.0.1:13013/cgi-bin/sendsms", "" = SMS disabled */
	char sms_user[64], sms_password[64], sms_from[32];
	char dlr_url[256];      /* base URL Kannel calls back, e.g. "http://127.0.0.1:8080/passerelle/sms/accuse"; "" = none */
	char dlr_secret[65];    /* hex key to sign callback ids (HMAC), set by serve */
	char smtp_url[256];     /* "smtp://127.0.0.1:2525", "" = e-mail disabled */
	char smtp_from[128];    /* "Lien <rappels@exemple.fr>" */
	char smtp_user[64], smtp_password[64];
	long timeout_s;         /* per request, default 10 (0 means 10) */
};
extern struct gateway_config gateway_config; /* set once at start-up by cmd/ */

enum gw_result { GW_OK = 0, GW_RETRY = -1, GW_PERMANENT = -2 };

/* libcurl's global initialisation: once at start-up, before any thread
 * (gateway_options() in cmd/ calls it). 0, or -1. */
int gateway_init(void);
/* At exit, so that leak checkers see only Lien's own memory. */
void gateway_shutdown(void);

/*
 * Hands one SMS to Kannel: GET sms_url with username, password, from (when
 * set), to, text (UTF-8, charset=UTF-8; coding=0 when sms_segments() finds
 * it all in the GSM alphabet, else coding=2 for UCS-2). When dlr_url and
 * dlr_secret are set and outbox_id >= 0, asks for delivery reports:
 * dlr-mask=31 and dlr-url = dlr_url?id=<outbox_id>&type=%d&sig=<HMAC of
 * the id> (Kannel puts the report's type in place of %d: 1 delivered,
 * 2 failed, 4 buffered, 8 accepted by the SMSC, 16 rejected by the SMSC).
 * to_e164 is "+" and 8 to 15 digits (phone_mobile_fr() gives it). Kannel
 * splits a text longer than one message itself (its sendsms-user needs
 * max-messages large enough and concatenation = true).
 * GW_OK when Kannel answered 2xx ("0: Accepted for delivery", "3: Queued
 * for later delivery"); GW_RETRY on connection errors, timeouts, 408, 429,
 * 5xx (503 "queue full"); GW_PERMANENT on other 4xx (bad number,
 * authentication), an invalid number or text, or SMS not configured.
 */
int sms_send(const char *to_e164, const char *text, int64_t outbox_id, struct buf *err);

/* Checks a delivery-report callback's id and sig (the query parameters
 * sms_send put in dlr-url): 1 and *outbox_id when the signature is right,
 * 0 otherwise (also when no dlr_secret is set). */
int sms_dlr_check(const char *id, const char *sig, int64_t *outbox_id);

/*
 * Sends one e-mail through smtp_url (smtp:// with STARTTLS when offered and
 * required when credentials go to another host than this one; smtps:// for
 * TLS from the start). The message: multipart/mixed { multipart/alternative
 * { text/plain; text/html }, text/calendar; method=PUBLISH attachment named
 * rendez-vous.ics } when ics != NULL; without ics the alternative alone;
 * without html the text alone. Subject RFC 2047-encoded when not plain
 * ASCII, bodies UTF-8 quoted-printable, the calendar base64, Message-ID
 * "<outbox-ID@lien>" (a random one when outbox_id <= 0), Date, and
 * Auto-Submitted: auto-generated so that autoresponders keep quiet; CRLF
 * lines throughout. text, html and ics are UTF-8 with \n or \r\n lines.
 * Returns a gw_result like sms_send: an SMTP 4xx is temporary, a 5xx
 * (unknown recipient, refused sender) permanent.
 */
int mail_send(const char *to, const char *subject, const char *text, const char *html, const char *ics,
	      int64_t outbox_id, struct buf *err);

/* The message mail_send would send, without the network (for tests). */
int mail_build(struct buf *out, const char *to, const char *subject, const char *text, const char *html,
	       const char *ics, int64_t outbox_id);

#endif
