/*
 * Thin wrappers over libsodium: random tokens, hashes, password hashing,
 * authenticated secret-key encryption and the key file that holds the key.
 *
 * crypto_init() must succeed before anything else here is called (it is
 * called once at start-up, before threads are created).  Nothing here
 * allocates except through a struct buf the caller owns.  Temporary copies
 * of secrets are wiped before returning.
 */
#ifndef LIEN_CORE_CRYPTO_H
#define LIEN_CORE_CRYPTO_H

#include <stddef.h>

#include "core/buf.h"

/* sodium_init(); 0, or -1 if no usable random source. Safe to call twice. */
int crypto_init(void);

/* n bytes from the system CSPRNG. */
void crypto_random(void *out, size_t n);

/*
 * Session tokens, CSRF tokens, calendar-feed secrets: 32 random bytes as 43
 * base64url characters (no padding) + NUL.  Only token_hash() of a token is
 * stored; the token itself goes to the browser.
 */
#define TOKEN_LEN 43
void token_new(char out[TOKEN_LEN + 1]);

/* BLAKE2b-256 of a token as 64 lowercase hex characters + NUL. */
#define TOKEN_HASH_LEN 64
void token_hash(const char *token, size_t len, char out[TOKEN_HASH_LEN + 1]);

/* SHA-256 as 64 lowercase hex characters + NUL (audit-log hash chain). */
void sha256_hex(const void *data, size_t len, char out[65]);
/* HMAC-SHA-256 of data with a 32-byte key, as 64 lowercase hex chars + NUL. */
void hmac_sha256_hex(const unsigned char key[32], const void *data, size_t len, char out[65]);

/* Constant-time comparison of n bytes; 1 if equal, 0 if not. */
int ct_equal(const void *a, const void *b, size_t n);

/*
 * Passwords: Argon2id in the libsodium "$argon2id$v=19$m=...,t=...,p=1$..."
 * string format (at most 127 characters + NUL), salt included.
 *
 * password_hash() returns 0, or -1 if memory for the KDF could not be had.
 * password_verify() returns 1 if pw matches hash, 0 otherwise (also for a
 * NULL or malformed hash).  The cost is read from the hash, so a hash made
 * with the fast setting still verifies after the setting changes.
 * password_needs_rehash() returns 1 when hash was made with other costs than
 * the current ones (e.g. demo data): rehash it after a successful login.
 *
 * crypto_set_fast_kdf(1) switches new hashes to the minimum costs, for tests
 * and demo data only; set it at start-up, before threads exist.
 */
#define PASSWORD_HASH_LEN 128
int password_hash(const char *pw, char out[PASSWORD_HASH_LEN]);
int password_verify(const char *hash, const char *pw);
int password_needs_rehash(const char *hash);
void crypto_set_fast_kdf(int fast);

/*
 * Authenticated encryption (XSalsa20-Poly1305, crypto_secretbox_easy) with a
 * fresh random nonce, for private notes at rest and TOTP secrets.
 *
 * secretbox_seal() appends nonce || mac || ciphertext (len + 40 bytes) to out.
 * secretbox_open() appends the plaintext to out (so out->data is then also
 * NUL-terminated text if the message was).  Both return 0, or -1 with out
 * unchanged: open refuses a truncated, altered or wrongly keyed box, both
 * fail when out's cap would be passed.  msg and box must not point into out.
 */
#define SECRETBOX_KEYLEN 32
#define SECRETBOX_OVERHEAD 40
int secretbox_seal(const unsigned char key[SECRETBOX_KEYLEN], const void *msg,
		   size_t len, struct buf *out);
int secretbox_open(const unsigned char key[SECRETBOX_KEYLEN], const void *box,
		   size_t len, struct buf *out);

/*
 * Key file: 32 random bytes written as 64 lowercase hex characters and a
 * newline, mode 0600.
 *
 * keyfile_create() refuses to overwrite an existing file (O_EXCL) and leaves
 * no partial file behind.  keyfile_load() refuses a file that is not a
 * regular file, that group or others may read or write, or whose content is
 * not exactly 64 hex digits (one final newline allowed).  Both return 0, or
 * -1 with a French sentence naming the file appended to err (err may be
 * NULL).  The key is wiped from key on failure.
 */
int keyfile_create(const char *path, struct buf *err);
int keyfile_load(const char *path, unsigned char key[SECRETBOX_KEYLEN],
		 struct buf *err);

/*
 * Hex (lowercase on output, either case on input), constant time.
 * hex_encode() writes 2n characters + NUL and returns 2n, or -1 if outsize
 * is too small.  hex_decode() reads exactly n characters and returns the
 * number of bytes written, or -1 if n is odd, a character is not hex, or
 * out is too small.
 */
int hex_encode(const void *in, size_t n, char *out, size_t outsize);
int hex_decode(const char *in, size_t n, void *out, size_t outsize);

#endif
