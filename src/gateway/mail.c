/* E-mail through an SMTP relay: the MIME message and its submission. */
#include "core/crypto.h"
#include "gateway/gateway.h"
#include "gateway/transfer.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

static void base64(struct buf *b, const unsigned char *p, size_t n, int wrap)
{
	static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	int col = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
		char q[4] = {A[v >> 18], A[(v >> 12) & 63], i + 1 < n ? A[(v >> 6) & 63] : '=', i + 2 < n ? A[v & 63] : '='};
		buf_append(b, q, 4);
		if (wrap && (col += 4) >= 76) {
			buf_puts(b, "\r\n");
			col = 0;
		}
	}
	if (wrap && col)
		buf_puts(b, "\r\n");
}

/* Quoted-printable (RFC 2045): lines end in CRLF whatever the input used,
 * no line longer than 76, trailing blanks and a leading dot encoded (the
 * dot so that no relay's dot-stuffing can touch the text). */
static void quoted_printable(struct buf *b, const char *s)
{
	int col = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\r' && p[1] == '\n')
			continue;
		if (*p == '\n') {
			buf_puts(b, "\r\n");
			col = 0;
			continue;
		}
		int at_end = p[1] == '\0' || p[1] == '\n' || (p[1] == '\r' && p[2] == '\n');
		int literal = (*p >= 33 && *p <= 126 && *p != '=' && !(*p == '.' && col == 0)) ||
			      ((*p == ' ' || *p == '\t') && !at_end);
		int w = literal ? 1 : 3;
		if (col + w > 75) {
			buf_puts(b, "=\r\n");
			col = 0;
			if (*p == '.')
				literal = 0, w = 3;
		}
		if (literal)
			buf_putc(b, (char)*p);
		else
			buf_appendf(b, "=%02X", *p);
		col += w;
	}
	if (col)
		buf_puts(b, "\r\n");
}

/* Printable ASCII that can go into a header as it is. */
static int header_plain(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p > 0x7E)
			return 0;
	return strlen(s) < 900 && !strstr(s, "=?");
}

/* RFC 2047 encoded words, each of whole UTF-8 characters, folded onto
 * continuation lines. Control characters become spaces: nothing can start
 * a new header. */
static void encoded_words(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	/* 39 octets make a word of 64 characters: with "Subject: " before it,
	 * a line stays within the 76 that RFC 2047 allows. */
	for (int first = 1; n; first = 0) {
		size_t take = n < 39 ? n : 39;
		while (take < n && take > 1 && (p[take] & 0xC0) == 0x80) /* not inside a character */
			take--;
		unsigned char chunk[39];
		for (size_t i = 0; i < take; i++)
			chunk[i] = p[i] < 0x20 || p[i] == 0x7F ? ' ' : p[i];
		buf_puts(b, first ? "=?UTF-8?B?" : "\r\n =?UTF-8?B?");
		base64(b, chunk, take, 0);
		buf_puts(b, "?=");
		p += take;
		n -= take;
	}
}

static void header_text(struct buf *b, const char *s)
{
	if (header_plain(s))
		buf_puts(b, s);
	else
		encoded_words(b, s);
}

/* "Name <addr@host>" or "addr@host": the address alone, for MAIL FROM. */
static void address_of(const char *from, char *addr, size_t n, struct str *name)
{
	const char *lt = strrchr(from, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	if (lt && gt) {
		str_copy(addr, n, (struct str){lt + 1, (size_t)(gt - lt - 1)});
		const char *e = lt;
		while (e > from && e[-1] == ' ')
			e--;
		const char *st = from;
		while (st < e && *st == ' ')
			st++;
		if (e - st >= 2 && *st == '"' && e[-1] == '"')
			st++, e--;
		*name = (struct str){st, (size_t)(e - st)};
	} else {
		cstr_copy(addr, n, from);
		*name = STR_NULL;
	}
}

/* ASCII addr@domain, no spaces, brackets, quotes, commas or controls: what
 * can go into RCPT TO and a header without any quoting. */
static int address_valid(const char *a)
{
	const char *at = strchr(a, '@');
	size_t n = strlen(a);
	if (!at || at == a || !at[1] || strchr(at + 1, '@') || n > 254 || !strchr(at + 1, '.'))
		return 0;
	for (const unsigned char *p = (const unsigned char *)a; *p; p++)
		if (*p <= 0x20 || *p >= 0x7F || strchr("<>()[],;:\"\\", *p))
			return 0;
	return 1;
}

static void random_hex(char *out, size_t bytes)
{
	unsigned char r[16];
	crypto_random(r, bytes);
	hex_encode(r, bytes, out, 2 * bytes + 1);
}

static void date_header(struct buf *b)
{
	static const char DAYS[][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char MONTHS[][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	buf_appendf(b, "Date: %s, %d %s %d %02d:%02d:%02d +0000\r\n", DAYS[tm.tm_wday], tm.tm_mday, MONTHS[tm.tm_mon],
		    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void text_part(struct buf *b, const char *type, const char *body)
{
	buf_appendf(b, "Content-Type: %s; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n", type);
	quoted_printable(b, body);
}

/* The text, or the text and the HTML as alternatives. */
static void body_part(struct buf *b, const char *text, const char *html)
{
	if (!html || !html[0]) {
		text_part(b, "text/plain", text);
		return;
	}
	char boundary[40] = "=_alt_";
	random_hex(boundary + 6, 8);
	buf_appendf(b, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n--%s\r\n", boundary, boundary);
	text_part(b, "text/plain", text);
	buf_appendf(b, "--%s\r\n", boundary);
	text_part(b, "text/html", html);
	buf_appendf(b, "--%s--\r\n", boundary);
}

int mail_build(struct buf *m, const char *to, const char *subject, const char *text, const char *html,
	       const char *ics, int64_t outbox_id)
{
	char from[128];
	struct str name;
	address_of(gateway_config.smtp_from, from, sizeof from, &name);
	if (!address_valid(to) || !address_valid(from))
		return -1;
	date_header(m);
	buf_puts(m, "From: ");
	if (name.len) {
		char display[128];
		str_copy(display, sizeof display, name);
		if (header_plain(display) && !strpbrk(display, "\"\\")) {
			buf_appendf(m, "\"%s\" ", display);
		} else {
			encoded_words(m, display);
			buf_puts(m, " ");
		}
	}
	const char *line = strrchr(m->data, '\n'); /* after Date: never NULL */
	if (line && m->len - (size_t)(line - m->data) + strlen(from) + 2 > 78)
		buf_puts(m, "\r\n ");
	buf_appendf(m, "<%s>\r\nTo: <%s>\r\nSubject: ", from, to);
	header_text(m, subject ? subject : "");
	if (outbox_id > 0) {
		buf_appendf(m, "\r\nMessage-ID: <outbox-%" PRId64 "@lien>\r\n", outbox_id);
	} else {
		char id[33];
		random_hex(id, 16);
		buf_appendf(m, "\r\nMessage-ID: <test-%s@lien>\r\n", id);
	}
	buf_puts(m, "Auto-Submitted: auto-generated\r\nMIME-Version: 1.0\r\n");
	if (!ics) {
		body_part(m, text ? text : "", html);
		return 0;
	}
	char boundary[40] = "=_mix_";
	random_hex(boundary + 6, 8);
	buf_appendf(m, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n--%s\r\n", boundary, boundary);
	body_part(m, text ? text : "", html);
	buf_appendf(m, "--%s\r\n"
		       "Content-Type: text/calendar; charset=UTF-8; method=PUBLISH;\r\n name=\"rendez-vous.ics\"\r\n"
		       "Content-Disposition: attachment; filename=\"rendez-vous.ics\"\r\n"
		       "Content-Transfer-Encoding: base64\r\n\r\n",
		    boundary);
	base64(m, (const unsigned char *)ics, strlen(ics), 1);
	buf_appendf(m, "--%s--\r\n", boundary);
	return 0;
}

struct upload {
	const char *p;
	size_t left;
};

static size_t read_message(char *dst, size_t size, size_t n, void *closure)
{
	struct upload *u = closure;
	size_t len = size * n < u->left ? size * n : u->left;
	memcpy(dst, u->p, len);
	u->p += len;
	u->left -= len;
	return len;
}

static int loopback(const char *url)
{
	const char *host = strstr(url, "://");
	host = host ? host + 3 : url;
	return !strncmp(host, "127.", 4) || !strncmp(host, "localhost", 9) || !strncmp(host, "[::1]", 5);
}

int mail_send(const char *to, const char *subject, const char *text, const char *html, const char *ics,
	      int64_t outbox_id, struct buf *err)
{
	const struct gateway_config *g = &gateway_config;
	if (!g->smtp_url[0])
		return gw_fail(err, GW_PERMANENT, "l'envoi de courriels n'est pas configuré (--smtp-url)");
	if (!to || !address_valid(to))
		return gw_fail(err, GW_PERMANENT, "adresse électronique invalide : %s", to ? to : "(aucune)");
	struct buf msg = BUF_INIT;
	if (mail_build(&msg, to, subject, text, html, ics, outbox_id) < 0) {
		buf_free(&msg);
		return gw_fail(err, GW_PERMANENT, "adresse d'expédition invalide (--smtp-from) : %s", g->smtp_from);
	}
	char from[130] = "<", errbuf[CURL_ERROR_SIZE];
	struct str name;
	address_of(g->smtp_from, from + 1, sizeof from - 2, &name);
	memcpy(from + strlen(from), ">", 2);
	struct buf rcpt_addr = BUF_INIT;
	buf_appendf(&rcpt_addr, "<%s>", to);
	struct curl_slist *rcpt = curl_slist_append(NULL, rcpt_addr.data);
	CURL *h = rcpt ? gw_curl_new("smtp,smtps", errbuf) : NULL;
	int result;
	if (!h) {
		result = gw_fail(err, GW_RETRY, "serveur SMTP : mémoire insuffisante");
		goto out;
	}
	struct upload up = {msg.data, msg.len};
	curl_easy_setopt(h, CURLOPT_URL, g->smtp_url);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_message);
	curl_easy_setopt(h, CURLOPT_READDATA, &up);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg.len);
	if (g->smtp_user[0]) {
		curl_easy_setopt(h, CURLOPT_USERNAME, g->smtp_user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, g->smtp_password);
		/* A password goes in clear only to a relay on this machine. */
		curl_easy_setopt(h, CURLOPT_USE_SSL, loopback(g->smtp_url) ? (long)CURLUSESSL_TRY : (long)CURLUSESSL_ALL);
	}
	CURLcode rc = curl_easy_perform(h);
	long code = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(h);
	if (rc == CURLE_OK)
		result = GW_OK;
	else if (code >= 500 && code < 600 && rc != CURLE_LOGIN_DENIED)
		result = gw_fail(err, GW_PERMANENT, "le serveur SMTP a refusé le message (%ld : %s)", code,
				 errbuf[0] ? errbuf : curl_easy_strerror(rc));
	else if (code >= 400 && code < 500)
		result = gw_fail(err, GW_RETRY, "le serveur SMTP refuse pour l'instant (%ld : %s)", code,
				 errbuf[0] ? errbuf : curl_easy_strerror(rc));
	else
		result = gw_curl_failure(rc, errbuf, "serveur SMTP", err);
out:
	curl_slist_free_all(rcpt);
	buf_free(&rcpt_addr);
	buf_free(&msg);
	return result;
}
