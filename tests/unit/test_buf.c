#include "unit.h"
#include "core/buf.h"

#include <stdlib.h>

TEST(buf_append_and_cap)
{
	struct buf b;
	buf_init(&b, 10);
	CHECK(buf_puts(&b, "hello") == 0);
	CHECK(buf_appendf(&b, "%d", 12345) == 0);
	CHECK_STR(buf_cstr(&b), "hello12345");
	CHECK(buf_putc(&b, 'x') == -1); /* would pass the cap */
	CHECK(b.len == 10);
	buf_free(&b);
}

TEST(buf_appendf_long)
{
	struct buf b = BUF_INIT;
	char big[1000];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	CHECK(buf_appendf(&b, "<%s>", big) == 0);
	CHECK(b.len == 1001);
	CHECK(b.data[1000] == '>');
	buf_free(&b);
}

TEST(buf_html_escape)
{
	struct buf b = BUF_INIT;
	const char *s = "<script>alert('x') & \"y\"</script>";
	buf_append_html(&b, s, strlen(s));
	CHECK_STR(buf_cstr(&b), "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
	buf_free(&b);
}

/* The escaping compares 16 bytes at a time: every special character at
 * every position of strings up to 3 blocks long, and bytes above 0x7f,
 * checked against a byte-by-byte reference. */
static void html_reference(const char *s, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': buf_puts(out, "&amp;"); break;
		case '<': buf_puts(out, "&lt;"); break;
		case '>': buf_puts(out, "&gt;"); break;
		case '"': buf_puts(out, "&quot;"); break;
		case '\'': buf_puts(out, "&#39;"); break;
		default: buf_putc(out, s[i]);
		}
	}
}

TEST(buf_html_escape_every_position)
{
	static const char specials[] = "&<>\"'";
	char s[50];
	int bad = 0;
	for (size_t n = 0; n <= 48; n++) {
		for (size_t pos = 0; pos <= n; pos++) {
			for (size_t k = 0; k < sizeof specials; k++) { /* k == 5: no special at all */
				for (size_t i = 0; i < n; i++)
					s[i] = (char)(i % 3 == 0 ? 'a' + i % 26 : i % 3 == 1 ? 0xc3 : 0xa9); /* é */
				if (pos < n && k < 5)
					s[pos] = specials[k];
				if (n > 20 && k < 5)
					s[n - 1] = specials[(k + 1) % 5];
				struct buf got = BUF_INIT, want = BUF_INIT;
				CHECK(buf_append_html(&got, s, n) == 0);
				html_reference(s, n, &want);
				size_t first = 0;
				while (first < n && !memchr(specials, s[first], 5))
					first++;
				if (html_special_span(s, n) != first)
					bad++;
				if (got.len != want.len || memcmp(buf_cstr(&got), buf_cstr(&want), want.len) != 0)
					bad++;
				buf_free(&got);
				buf_free(&want);
			}
		}
	}
	CHECK(bad == 0);
}

TEST(str_to_i64_bounds)
{
	int64_t v = 0;
	CHECK(str_to_i64(STR_LIT("42"), 0, 100, &v) == 0 && v == 42);
	CHECK(str_to_i64(STR_LIT("-3"), -5, 5, &v) == 0 && v == -3);
	CHECK(str_to_i64(STR_LIT("101"), 0, 100, &v) == -1);
	CHECK(str_to_i64(STR_LIT("4x"), 0, 100, &v) == -1);
	CHECK(str_to_i64(STR_LIT(""), 0, 100, &v) == -1);
	CHECK(str_to_i64(STR_LIT(" 4"), 0, 100, &v) == -1);
	CHECK(str_to_i64(STR_LIT("99999999999999999999"), 0, INT64_MAX, &v) == -1);
}

TEST(utf8_validation)
{
	CHECK(utf8_valid_text("Élodie Ñandú", strlen("Élodie Ñandú"), 0));
	CHECK(!utf8_valid_text("\xc3\x28", 2, 0));       /* bad continuation */
	CHECK(!utf8_valid_text("\xc0\xaf", 2, 0));       /* overlong */
	CHECK(!utf8_valid_text("\xed\xa0\x80", 3, 0));   /* surrogate */
	CHECK(!utf8_valid_text("a\x01" "b", 3, 0));      /* control char */
	CHECK(!utf8_valid_text("a\nb", 3, 0));
	CHECK(utf8_valid_text("a\r\nb", 4, 1));
}

TEST(buf_json_escape)
{
	struct buf b = BUF_INIT;
	buf_append_json(&b, "a\"b\\c\n</script>\x01é");
	CHECK_STR(buf_cstr(&b), "\"a\\\"b\\\\c\\n\\u003c/script\\u003e\\u0001é\"");
	buf_free(&b);
}

#include "core/u64set.h"

TEST(u64set_add_has_grow)
{
	struct u64set s = {0};
	for (uint64_t k = 1; k <= 5000; k++)
		CHECK(u64set_add(&s, k * 7) == 1);
	CHECK(u64set_add(&s, 14) == 0);
	CHECK(s.n == 5000);
	CHECK(u64set_has(&s, 7 * 4999) && !u64set_has(&s, 8) && !u64set_has(&s, 7 * 5001));
	u64set_free(&s);
	CHECK(!u64set_has(&s, 7));
}

TEST(buf_copy_short_every_length)
{
	/* The overlapping word copies must write exactly n bytes, for every n. */
	char src[48], dst[64], ref[64];
	for (int i = 0; i < 48; i++)
		src[i] = (char)('a' + i % 26);
	int ok = 1;
	for (size_t n = 0; n <= 40; n++) {
		memset(dst, '#', sizeof dst);
		memset(ref, '#', sizeof ref);
		copy_short(dst + 3, src + 1, n);
		memcpy(ref + 3, src + 1, n);
		ok &= memcmp(dst, ref, sizeof dst) == 0;
	}
	CHECK(ok);
}
