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
