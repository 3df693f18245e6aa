#include "unit.h"
#include "core/text.h"

static void fold_is(int *unit_failed, const char *in, const char *want)
{
	struct buf b = BUF_INIT;
	CHECK(text_fold(in, &b) == 0);
	CHECK_STR(buf_cstr(&b), want);
	buf_free(&b);
}

TEST(text_fold_names)
{
	fold_is(unit_failed, "Lefèvre-D'Arc  Élise", "lefevre d arc elise");
	fold_is(unit_failed, "  ŒUVRE Ça ", "oeuvre ca");
	fold_is(unit_failed, "Søren Łukasz Straße", "soren lukasz strasse");
	fold_is(unit_failed, "N’Diaye", "n diaye");
	fold_is(unit_failed, "MÜLLER", "muller");
	fold_is(unit_failed, "", "");
	fold_is(unit_failed, "---", "");
	fold_is(unit_failed, "Ἀλέξανδρος", "Ἀλέξανδρος"); /* other scripts kept */
}

TEST(text_phone_digits)
{
	char d[32];
	phone_digits("+33 6 12 34 56 78", d, sizeof d);
	CHECK_STR(d, "0612345678");
	phone_digits("06.12.34.56.78", d, sizeof d);
	CHECK_STR(d, "0612345678");
	phone_digits("+33 (0)6 12 34 56 78", d, sizeof d);
	CHECK_STR(d, "0612345678");
	phone_digits("", d, sizeof d);
	CHECK_STR(d, "");
}

TEST(text_upper_accents)
{
	char out[64];
	text_upper("Lefèvre-d'Œuf çà", out, sizeof out);
	CHECK_STR(out, "LEFÈVRE-D'Œ" "UF ÇÀ");
	text_upper("abc", out, 3);
	CHECK_STR(out, "AB");
	text_upper("éé", out, 4); /* no half character at the cut */
	CHECK_STR(out, "É");
}
