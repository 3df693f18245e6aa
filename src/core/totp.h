/*
 * Second factor: TOTP (RFC 6238) over HOTP (RFC 4226) with HMAC-SHA1, the
 * base32 alphabet of RFC 4648 used by authenticator apps, the otpauth:// URI
 * and its QR code, and single-use recovery codes.
 *
 * Secrets are raw bytes (20 is the usual size); storing them encrypted is
 * the caller's job (secretbox_seal).  Nothing here keeps state: replay
 * protection is the last accepted time step, stored with the secret.
 */
#ifndef LIEN_CORE_TOTP_H
#define LIEN_CORE_TOTP_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define TOTP_PERIOD 30
#define TOTP_DIGITS 6
#define TOTP_KEY_MAX 64 /* longest secret totp_uri() accepts */

/*
 * base32_encode() writes uppercase characters without '=' padding and a NUL;
 * returns the number of characters, or -1 if outsize is too small.
 * base32_decode() accepts lowercase, spaces anywhere and trailing '='
 * padding; returns the number of bytes written, or -1 for a character
 * outside the alphabet, a length no encoder produces, or out too small.
 */
int base32_encode(const unsigned char *in, size_t n, char *out, size_t outsize);
int base32_decode(const char *in, size_t n, unsigned char *out, size_t outsize);

/*
 * The HOTP value for a counter: an integer below 10^digits (print it with
 * "%0*u").  digits must be 6, 7 or 8; outside that range, or if HMAC fails,
 * returns UINT32_MAX, which matches no code.
 */
uint32_t hotp(const unsigned char *key, size_t keylen, uint64_t counter, int digits);

/*
 * Checks a 6-digit code typed by a person (spaces allowed, e.g. "123 456")
 * against the time steps around now (Unix seconds): step-1, step, step+1.
 * A step <= *last_step is refused, so a code is accepted once only; a new
 * secret starts with *last_step = 0.  Returns 1 and sets *last_step to the
 * matching step, or 0 (wrong, reused, malformed code; *last_step untouched).
 */
int totp_verify(const unsigned char *key, size_t keylen, const char *code,
		int64_t now, int64_t *last_step);

/*
 * Appends otpauth://totp/Lien:ACCOUNT?secret=BASE32&issuer=Lien&algorithm=SHA1
 * &digits=6&period=30 to out, ACCOUNT percent-encoded (RFC 3986 unreserved
 * characters kept).  Returns 0, or -1 (keylen 0 or > TOTP_KEY_MAX, out's cap
 * reached) with out unchanged.
 */
int totp_uri(const char *account, const unsigned char *key, size_t keylen, struct buf *out);

/*
 * Appends an inline SVG QR code of text (ECC level M, 4-module quiet zone on
 * a white background, 5 CSS px per module): <svg role="img" aria-label="..."
 * width height viewBox> holding one <path> of the dark modules.  aria_label
 * is HTML-escaped.  Returns 0, or -1 (text too long for a QR code, out of
 * memory, out's cap reached) with out unchanged.
 */
int qr_svg(const char *text, const char *aria_label, struct buf *out);

/*
 * Recovery codes, shown once and stored hashed (token_hash of the canonical
 * form).  A code is "xxxx-xxxx-xx": 10 characters drawn uniformly from 31
 * lowercase letters and digits without look-alikes (no 0, o, 1, l, i), about
 * 49 bits.  A person gets RECOVERY_CODE_COUNT of them.
 *
 * recovery_code_normalize() turns what a person typed (any case, spaces or
 * hyphens anywhere) into the canonical form; 0, or -1 if it cannot be a
 * recovery code.
 */
#define RECOVERY_CODE_COUNT 10
#define RECOVERY_CODE_LEN 12
void recovery_code_new(char out[16]);
int recovery_code_normalize(const char *in, char out[16]);

#endif
