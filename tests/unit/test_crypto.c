#include "unit.h"
#include "core/crypto.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const unsigned char test_key[SECRETBOX_KEYLEN] = "0123456789abcdef0123456789abcde";

static int is_base64url(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return 0;
	return 1;
}

static int is_lower_hex(const char *s)
{
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

TEST(crypto_token_new)
{
	char a[TOKEN_LEN + 1], b[TOKEN_LEN + 1];
	CHECK(crypto_init() == 0);
	token_new(a);
	token_new(b);
	CHECK(strlen(a) == TOKEN_LEN && strlen(b) == TOKEN_LEN);
	CHECK(is_base64url(a) && is_base64url(b));
	CHECK(strcmp(a, b) != 0);
}

TEST(crypto_token_hash)
{
	char h1[TOKEN_HASH_LEN + 1], h2[TOKEN_HASH_LEN + 1], tok[TOKEN_LEN + 1];
	CHECK(crypto_init() == 0);
	token_hash("abc", 3, h1);
	/* BLAKE2b with a 32-byte digest, as Python's hashlib.blake2b(digest_size=32). */
	CHECK_STR(h1, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
	token_new(tok);
	token_hash(tok, strlen(tok), h1);
	token_hash(tok, strlen(tok), h2);
	CHECK(strlen(h1) == TOKEN_HASH_LEN && is_lower_hex(h1));
	CHECK_STR(h1, h2);
	tok[0] = tok[0] == 'A' ? 'B' : 'A';
	token_hash(tok, strlen(tok), h2);
	CHECK(strcmp(h1, h2) != 0);
}

TEST(crypto_sha256_and_ct_equal)
{
	char h[65];
	sha256_hex("abc", 3, h);
	CHECK_STR(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_hex("", 0, h);
	CHECK_STR(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	CHECK(ct_equal("abcd", "abcd", 4) == 1);
	CHECK(ct_equal("abcd", "abce", 4) == 0);
	CHECK(ct_equal("x", "y", 0) == 1);
}

TEST(crypto_hex)
{
	const unsigned char in[] = {0x00, 0x01, 0xab, 0xff};
	unsigned char back[4];
	char out[9];
	CHECK(hex_encode(in, 4, out, sizeof out) == 8);
	CHECK_STR(out, "0001abff");
	CHECK(hex_encode(in, 4, out, 8) == -1); /* no room for the NUL */
	CHECK(hex_decode("0001ABff", 8, back, sizeof back) == 4);
	CHECK(memcmp(back, in, 4) == 0);
	CHECK(hex_decode("0001abf", 7, back, sizeof back) == -1);    /* odd */
	CHECK(hex_decode("0001abfg", 8, back, sizeof back) == -1);   /* not hex */
	CHECK(hex_decode("00 1abff", 8, back, sizeof back) == -1);
	CHECK(hex_decode("0001abff00", 10, back, sizeof back) == -1); /* too long */
	CHECK(hex_decode("", 0, back, sizeof back) == 0);
}

TEST(crypto_secretbox_round_trip)
{
	struct buf box = BUF_INIT, box2 = BUF_INIT, plain = BUF_INIT;
	const char *msg = "Note privée : rendez-vous à la CAF mardi.";
	CHECK(crypto_init() == 0);
	CHECK(secretbox_seal(test_key, msg, strlen(msg), &box) == 0);
	CHECK(box.len == strlen(msg) + SECRETBOX_OVERHEAD);
	CHECK(secretbox_seal(test_key, msg, strlen(msg), &box2) == 0);
	CHECK(box.len == box2.len && memcmp(box.data, box2.data, box.len) != 0); /* fresh nonce */
	CHECK(memmem(box.data, box.len, "CAF", 3) == NULL);
	CHECK(secretbox_open(test_key, box.data, box.len, &plain) == 0);
	CHECK_STR(buf_cstr(&plain), msg);

	buf_reset(&plain);
	buf_reset(&box2);
	CHECK(secretbox_seal(test_key, "", 0, &box2) == 0);
	CHECK(box2.len == SECRETBOX_OVERHEAD);
	CHECK(secretbox_open(test_key, box2.data, box2.len, &plain) == 0 && plain.len == 0);
	buf_free(&box);
	buf_free(&box2);
	buf_free(&plain);
}

TEST(crypto_secretbox_refuses_forgeries)
{
	struct buf box = BUF_INIT, plain = BUF_INIT;
	unsigned char other_key[SECRETBOX_KEYLEN];
	const char *msg = "secret";
	CHECK(crypto_init() == 0);
	CHECK(secretbox_seal(test_key, msg, strlen(msg), &box) == 0);
	buf_puts(&plain, "kept");
	for (size_t i = 0; i < box.len; i++) {
		box.data[i] ^= 0x01;
		CHECK(secretbox_open(test_key, box.data, box.len, &plain) == -1);
		box.data[i] ^= 0x01;
	}
	CHECK(secretbox_open(test_key, box.data, box.len - 1, &plain) == -1);
	CHECK(secretbox_open(test_key, box.data, SECRETBOX_OVERHEAD - 1, &plain) == -1);
	CHECK(secretbox_open(test_key, box.data, 0, &plain) == -1);
	memcpy(other_key, test_key, sizeof other_key);
	other_key[31] ^= 0x80;
	CHECK(secretbox_open(other_key, box.data, box.len, &plain) == -1);
	CHECK_STR(buf_cstr(&plain), "kept"); /* unchanged by the failures */
	CHECK(secretbox_open(test_key, box.data, box.len, &plain) == 0);
	CHECK_STR(buf_cstr(&plain), "keptsecret"); /* appends */
	buf_free(&box);
	buf_free(&plain);
}

TEST(crypto_secretbox_respects_cap)
{
	struct buf box;
	buf_init(&box, 40 + 5);
	CHECK(secretbox_seal(test_key, "123456", 6, &box) == -1);
	CHECK(box.len == 0);
	CHECK(secretbox_seal(test_key, "12345", 5, &box) == 0);
	buf_free(&box);
}

TEST(crypto_password_hash)
{
	char h[PASSWORD_HASH_LEN], h2[PASSWORD_HASH_LEN];
	CHECK(crypto_init() == 0);
	crypto_set_fast_kdf(1);
	CHECK(password_hash("Chouette-Lien-2024", h) == 0);
	CHECK(strncmp(h, "$argon2id$", 10) == 0);
	CHECK(password_verify(h, "Chouette-Lien-2024") == 1);
	CHECK(password_verify(h, "chouette-Lien-2024") == 0);
	CHECK(password_verify(h, "") == 0);
	CHECK(password_verify(h, NULL) == 0);
	CHECK(password_verify(NULL, "x") == 0);
	CHECK(password_verify("", "x") == 0);
	CHECK(password_verify("$argon2id$garbage", "x") == 0);
	CHECK(password_hash("Chouette-Lien-2024", h2) == 0);
	CHECK(strcmp(h, h2) != 0); /* salted */
	CHECK(password_needs_rehash(h) == 0);
	crypto_set_fast_kdf(0);
	CHECK(password_needs_rehash(h) == 1);
	CHECK(password_verify(h, "Chouette-Lien-2024") == 1); /* costs come from the hash */
	crypto_set_fast_kdf(1);
}

/* A fresh directory under /tmp for key files; removed by rm_tmpdir. */
static void tmpdir_new(char dir[64])
{
	cstr_copy(dir, 64, "/tmp/lien-crypto-XXXXXX");
	if (!mkdtemp(dir))
		dir[0] = '\0';
}

static void write_file(const char *path, const char *content, mode_t mode)
{
	unlink(path);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd >= 0) {
		if (write(fd, content, strlen(content)) < 0)
			perror(path);
		fchmod(fd, mode);
		close(fd);
	}
}

TEST(crypto_keyfile)
{
	char dir[64], path[128], path2[128];
	unsigned char k1[SECRETBOX_KEYLEN], k2[SECRETBOX_KEYLEN];
	struct buf err = BUF_INIT;
	struct stat st;

	CHECK(crypto_init() == 0);
	tmpdir_new(dir);
	CHECK(dir[0] != '\0');
	snprintf(path, sizeof path, "%s/lien.key", dir);
	snprintf(path2, sizeof path2, "%s/other.key", dir);

	CHECK(keyfile_create(path, &err) == 0);
	CHECK(err.len == 0);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600 && st.st_size == 65);
	CHECK(keyfile_load(path, k1, &err) == 0);
	CHECK(keyfile_create(path2, &err) == 0);
	CHECK(keyfile_load(path2, k2, &err) == 0);
	CHECK(memcmp(k1, k2, sizeof k1) != 0);
	CHECK(err.len == 0);

	/* Never overwrites. */
	CHECK(keyfile_create(path, &err) == -1);
	CHECK(strstr(buf_cstr(&err), "existe déjà") != NULL);
	CHECK(keyfile_load(path, k2, &err) == 0 && memcmp(k1, k2, sizeof k1) == 0);

	/* Readable by others. */
	buf_reset(&err);
	CHECK(chmod(path, 0644) == 0);
	CHECK(keyfile_load(path, k2, &err) == -1);
	CHECK(strstr(buf_cstr(&err), "chmod 600") != NULL);
	CHECK(strstr(buf_cstr(&err), path) != NULL);
	buf_reset(&err);
	CHECK(chmod(path, 0640) == 0);
	CHECK(keyfile_load(path, k2, &err) == -1 && err.len > 0);
	CHECK(chmod(path, 0600) == 0);

	/* Malformed. */
	static const char *const bad[] = {
		"",
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeef\n", /* 63 */
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeffa\n",
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeegg\n",
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n\n",
		" 0112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		buf_reset(&err);
		write_file(path2, bad[i], 0600);
		CHECK(keyfile_load(path2, k2, &err) == -1);
		CHECK(strstr(buf_cstr(&err), "64 chiffres hexadécimaux") != NULL);
	}
	/* Without the final newline it is accepted, in either case. */
	write_file(path2, "00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff", 0600);
	CHECK(keyfile_load(path2, k2, &err) == 0 && k2[10] == 0xaa && k2[31] == 0xff);

	/* Missing file, directory. */
	buf_reset(&err);
	CHECK(keyfile_load("/nonexistent/lien.key", k2, &err) == -1 && err.len > 0);
	buf_reset(&err);
	CHECK(keyfile_load(dir, k2, &err) == -1 && err.len > 0);
	buf_reset(&err);
	CHECK(keyfile_create("/nonexistent/lien.key", &err) == -1 && err.len > 0);

	unlink(path);
	unlink(path2);
	rmdir(dir);
	buf_free(&err);
}
