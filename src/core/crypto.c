#include "core/crypto.h"
#include "core/fdio.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

_Static_assert(PASSWORD_HASH_LEN == crypto_pwhash_argon2id_STRBYTES, "hash size");
_Static_assert(SECRETBOX_KEYLEN == crypto_secretbox_KEYBYTES, "key size");
_Static_assert(SECRETBOX_OVERHEAD == crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES,
	       "secretbox overhead");
_Static_assert(TOKEN_LEN + 1 == sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
	       "token length");

/* Set once at start-up (tests, demo data); read by password_hash(). */
static int fast_kdf;

int crypto_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

void crypto_random(void *out, size_t n)
{
	randombytes_buf(out, n);
}

void token_new(char out[TOKEN_LEN + 1])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, TOKEN_LEN + 1, raw, sizeof raw,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

void token_hash(const char *token, size_t len, char out[TOKEN_HASH_LEN + 1])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)token, len, NULL, 0);
	sodium_bin2hex(out, TOKEN_HASH_LEN + 1, h, sizeof h);
}

void sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(out, 65, h, sizeof h);
}

void hmac_sha256_hex(const unsigned char key[32], const void *data, size_t len, char out[65])
{
	unsigned char h[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, key, 32);
	crypto_auth_hmacsha256_update(&st, data, len);
	crypto_auth_hmacsha256_final(&st, h);
	sodium_bin2hex(out, 65, h, sizeof h);
}

int ct_equal(const void *a, const void *b, size_t n)
{
	return sodium_memcmp(a, b, n) == 0;
}

static unsigned long long kdf_opslimit(void)
{
	return fast_kdf ? crypto_pwhash_argon2id_OPSLIMIT_MIN
			: crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE;
}

static size_t kdf_memlimit(void)
{
	return fast_kdf ? crypto_pwhash_argon2id_MEMLIMIT_MIN
			: crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE;
}

void crypto_set_fast_kdf(int fast)
{
	fast_kdf = fast != 0;
}

int password_hash(const char *pw, char out[PASSWORD_HASH_LEN])
{
	if (crypto_pwhash_str_alg(out, pw, strlen(pw), kdf_opslimit(), kdf_memlimit(),
				  crypto_pwhash_ALG_ARGON2ID13) != 0) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

/* libsodium reads the hash as a C string: make sure it is one. */
static int hash_well_formed(const char *hash)
{
	return hash && strnlen(hash, PASSWORD_HASH_LEN) < PASSWORD_HASH_LEN &&
	       strncmp(hash, "$argon2id$", 10) == 0;
}

int password_verify(const char *hash, const char *pw)
{
	if (!pw || !hash_well_formed(hash))
		return 0;
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

int password_needs_rehash(const char *hash)
{
	if (!hash_well_formed(hash))
		return 1;
	return crypto_pwhash_str_needs_rehash(hash, kdf_opslimit(), kdf_memlimit()) != 0;
}

int secretbox_seal(const unsigned char key[SECRETBOX_KEYLEN], const void *msg,
		   size_t len, struct buf *out)
{
	if (len > SIZE_MAX / 2 || buf_reserve(out, len + SECRETBOX_OVERHEAD) < 0)
		return -1;
	unsigned char *nonce = (unsigned char *)out->data + out->len;
	randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES, msg, len, nonce, key);
	out->len += len + SECRETBOX_OVERHEAD;
	out->data[out->len] = '\0';
	return 0;
}

int secretbox_open(const unsigned char key[SECRETBOX_KEYLEN], const void *box,
		   size_t len, struct buf *out)
{
	const unsigned char *nonce = box;
	if (len < SECRETBOX_OVERHEAD)
		return -1;
	size_t mlen = len - SECRETBOX_OVERHEAD;
	if (buf_reserve(out, mlen) < 0)
		return -1;
	unsigned char *m = (unsigned char *)out->data + out->len;
	if (crypto_secretbox_open_easy(m, nonce + crypto_secretbox_NONCEBYTES,
				       len - crypto_secretbox_NONCEBYTES, nonce, key) != 0) {
		out->data[out->len] = '\0';
		return -1;
	}
	out->len += mlen;
	out->data[out->len] = '\0';
	return 0;
}

static void keyfile_error(struct buf *err, const char *path, const char *what)
{
	if (err)
		buf_appendf(err, "Fichier de clé %s : %s.", path, what);
}

static void keyfile_errno(struct buf *err, const char *path, const char *what, int e)
{
	if (err)
		buf_appendf(err, "Fichier de clé %s : %s (%s).", path, what, strerror(e));
}

int keyfile_create(const char *path, struct buf *err)
{
	unsigned char key[SECRETBOX_KEYLEN];
	char text[2 * SECRETBOX_KEYLEN + 2];
	int rc = -1;

	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			keyfile_error(err, path, "le fichier existe déjà, il n’a pas été remplacé");
		else
			keyfile_errno(err, path, "création impossible", errno);
		return -1;
	}
	randombytes_buf(key, sizeof key);
	hex_encode(key, sizeof key, text, sizeof text);
	text[2 * SECRETBOX_KEYLEN] = '\n';
	if (fd_write_all(fd, text, sizeof text - 1) < 0 || fsync(fd) < 0) {
		keyfile_errno(err, path, "écriture impossible", errno);
		close(fd);
		unlink(path);
		goto out;
	}
	if (close(fd) < 0) {
		keyfile_errno(err, path, "écriture impossible", errno);
		unlink(path);
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(key, sizeof key);
	sodium_memzero(text, sizeof text);
	return rc;
}

int keyfile_load(const char *path, unsigned char key[SECRETBOX_KEYLEN], struct buf *err)
{
	/* Room for one byte more than the longest valid content, to see excess. */
	char text[2 * SECRETBOX_KEYLEN + 2];
	size_t n = 0;
	int rc = -1;
	struct stat st;

	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		keyfile_errno(err, path, "lecture impossible", errno);
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		keyfile_errno(err, path, "lecture impossible", errno);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		keyfile_error(err, path, "ce n’est pas un fichier ordinaire");
		goto out;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		if (err)
			buf_appendf(err, "Fichier de clé %s : il est accessible à d’autres "
				    "utilisateurs (droits %04o) ; restreignez-le avec "
				    "« chmod 600 %s ».", path, (unsigned)(st.st_mode & 07777), path);
		goto out;
	}
	for (;;) {
		ssize_t r = read(fd, text + n, sizeof text - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			keyfile_errno(err, path, "lecture impossible", errno);
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == sizeof text)
			break;
	}
	if (n == 2 * SECRETBOX_KEYLEN + 1 && text[n - 1] == '\n')
		n--;
	if (n != 2 * SECRETBOX_KEYLEN ||
	    hex_decode(text, n, key, SECRETBOX_KEYLEN) != SECRETBOX_KEYLEN) {
		keyfile_error(err, path, "contenu invalide, il doit contenir exactement "
			      "64 chiffres hexadécimaux suivis d’un saut de ligne");
		sodium_memzero(key, SECRETBOX_KEYLEN);
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(text, sizeof text);
	close(fd);
	return rc;
}

int hex_encode(const void *in, size_t n, char *out, size_t outsize)
{
	if (n > (SIZE_MAX - 1) / 2 || outsize < 2 * n + 1 || 2 * n > INT32_MAX)
		return -1;
	sodium_bin2hex(out, outsize, in, n);
	return (int)(2 * n);
}

int hex_decode(const char *in, size_t n, void *out, size_t outsize)
{
	size_t got = 0;
	const char *end = NULL;
	if (n % 2 != 0 || n / 2 > outsize || n / 2 > INT32_MAX)
		return -1;
	if (sodium_hex2bin(out, outsize, in, n, NULL, &got, &end) != 0 ||
	    end != in + n || got != n / 2)
		return -1;
	return (int)got;
}
