#include "core/gsm.h"
#include "unit.h"

static int segs(const char *s, int *gsm7)
{
	return sms_segments(s, gsm7);
}

/* n copies of the UTF-8 character c. */
static const char *repeat(const char *c, int n, struct buf *b)
{
	buf_reset(b);
	for (int i = 0; i < n; i++)
		buf_puts(b, c);
	return buf_cstr(b);
}

TEST(sms_segments_gsm7_boundaries)
{
	struct buf b = BUF_INIT;
	int g = -1;
	CHECK(segs("", &g) == 1 && g == 1);
	CHECK(segs(repeat("a", 160, &b), &g) == 1 && g == 1);
	CHECK(segs(repeat("a", 161, &b), &g) == 2 && g == 1);
	CHECK(segs(repeat("a", 306, &b), &g) == 2);
	CHECK(segs(repeat("a", 307, &b), &g) == 3);
	/* é è à ù É Ç are in the default alphabet: one septet each. */
	CHECK(segs(repeat("é", 160, &b), &g) == 1 && g == 1);
	CHECK(segs(repeat("à", 161, &b), &g) == 2 && g == 1);
	/* € and [ ] take two septets. */
	CHECK(segs(repeat("€", 80, &b), &g) == 1 && g == 1);
	CHECK(segs(repeat("€", 81, &b), &g) == 2 && g == 1);
	buf_reset(&b);
	repeat("a", 159, &b);
	buf_puts(&b, "[");
	CHECK(segs(b.data, &g) == 2 && g == 1); /* 161 septets */
	/* An escape pair never straddles two parts: 152 a + € + 152 a are 306
	 * septets, 2 × 153, but the € moves to part 2, which then overflows. */
	repeat("a", 152, &b);
	buf_puts(&b, "€");
	for (int i = 0; i < 152; i++)
		buf_putc(&b, 'a');
	CHECK(segs(b.data, &g) == 3);
	buf_free(&b);
}

TEST(sms_segments_ucs2)
{
	struct buf b = BUF_INIT;
	int g = -1;
	CHECK(segs("Prochain rendez-vous : ê", &g) == 1 && g == 0);
	repeat("ê", 70, &b);
	CHECK(segs(b.data, &g) == 1 && g == 0);
	repeat("ê", 71, &b);
	CHECK(segs(b.data, &g) == 2 && g == 0);
	repeat("ê", 134, &b);
	CHECK(segs(b.data, NULL) == 2);
	repeat("ê", 135, &b);
	CHECK(segs(b.data, NULL) == 3);
	/* A character outside the BMP takes two UTF-16 units. */
	repeat("😀", 35, &b);
	CHECK(segs(b.data, &g) == 1 && g == 0);
	repeat("😀", 36, &b);
	CHECK(segs(b.data, &g) == 2);
	CHECK(segs("`", &g) == 1 && g == 0); /* backtick: not in the alphabet */
	CHECK(segs("\xC3\x28", &g) == -1 && g == 0);
	buf_free(&b);
}

static void fold_is(int *unit_failed, const char *in, const char *want)
{
	struct buf b = BUF_INIT;
	sms_fold(in, &b);
	CHECK_STR(buf_cstr(&b), want);
	buf_free(&b);
}
#define FOLD_IS(in, want) fold_is(unit_failed, in, want)

TEST(sms_fold_french)
{
	FOLD_IS("Bonjour Mme Lefèvre, votre rendez-vous : mercredi à 9 h, fenêtre ; apportez l’avis d’impôt…",
		"Bonjour Mme Lefèvre, votre rendez-vous : mercredi à 9 h, fenetre ; apportez l'avis d'impot...");
	FOLD_IS("Ça coûte 5 € — «\xC2\xA0sûr\xE2\x80\xAF» ; Noël, maïs, œuvre, Œil, Île, Ô, Â, È, ç",
		"Ça coute 5 € - \" sur \" ; Noel, mais, oeuvre, OEil, Ile, O, A, E, c");
	FOLD_IS("“guillemets” ‘simples’ – tiret", "\"guillemets\" 'simples' - tiret");
	FOLD_IS("é è ù ì ò à É Ç Ä Ö Ü ñ ß ø Å £ ¥ § ¿ ¡ Δ", "é è ù ì ò à É Ç Ä Ö Ü ñ ß ø Å £ ¥ § ¿ ¡ Δ");
	FOLD_IS("bureau n° 3, 20 °C", "bureau no 3, 20 °C");
	/* Decomposed accents (e + U+0301) become the precomposed letter, or
	 * the bare letter when the alphabet lacks it. */
	FOLD_IS("e\xCC\x81te\xCC\x81, fe\xCC\x82te, C\xCC\xA7", "été, fete, Ç");
	FOLD_IS("soft\xC2\xAD" "hyphen\xE2\x80\x8B!", "softhyphen!");
	FOLD_IS("日本 Ελλάδα", "日本 Ελλάδα"); /* no equivalent: kept */
	FOLD_IS("a\xFF" "b", "a?b");
	FOLD_IS("tab\there `x`", "tab here 'x'");
	int g;
	struct buf b = BUF_INIT;
	sms_fold("Rendez-vous le 12 décembre à 14 h 30 avec Mme Dupont, 3 rue de l’Église. Apportez votre "
		 "pièce d’identité et l’avis d’imposition — merci !", &b);
	CHECK(sms_segments(b.data, &g) == 1 && g == 1);
	buf_free(&b);
}

static void phone_is(int *unit_failed, const char *typed, int want, const char *e164)
{
	char out[16] = "x";
	int got = phone_mobile_fr(typed, out);
	if (got != want) {
		fprintf(stderr, "    phone_mobile_fr(\"%s\") = %d, expected %d\n", typed, got, want);
		*unit_failed = 1;
	}
	CHECK_STR(out, e164);
}
#define PHONE_IS(typed, want, e164) phone_is(unit_failed, typed, want, e164)

TEST(phone_mobile_fr_forms)
{
	PHONE_IS("0612345678", 1, "+33612345678");
	PHONE_IS("06 12 34 56 78", 1, "+33612345678");
	PHONE_IS("06.12.34.56.78", 1, "+33612345678");
	PHONE_IS("06-12-34-56-78", 1, "+33612345678");
	PHONE_IS("+33 6 12 34 56 78", 1, "+33612345678");
	PHONE_IS("+33612345678", 1, "+33612345678");
	PHONE_IS("+33 (0)6 12 34 56 78", 1, "+33612345678");
	PHONE_IS("0033 6 12 34 56 78", 1, "+33612345678");
	PHONE_IS("(0033) 7 81 22 33 44", 1, "+33781223344");
	PHONE_IS("07\xC2\xA0" "81\xE2\x80\xAF" "22 33 44", 1, "+33781223344");
	PHONE_IS("612345678", 1, "+33612345678"); /* leading 0 lost by a spreadsheet */
	PHONE_IS(" 06 12 34 56 78 ", 1, "+33612345678");
	/* Overseas mobiles have their own country codes. */
	PHONE_IS("0692 12 34 56", 1, "+262692123456");
	PHONE_IS("+262 692 12 34 56", 1, "+262692123456");
	PHONE_IS("+33 692 12 34 56", 1, "+262692123456");
	PHONE_IS("0690 12 34 56", 1, "+590690123456");
	PHONE_IS("0694 12 34 56", 1, "+594694123456");
	PHONE_IS("0696 12 34 56", 1, "+596696123456");
	PHONE_IS("0639 12 34 56", 1, "+262639123456");
	/* Valid numbers that receive no SMS. */
	PHONE_IS("01 23 45 67 89", 0, "+33123456789");
	PHONE_IS("03.20.12.34.56", 0, "+33320123456");
	PHONE_IS("05 56 00 00 00", 0, "+33556000000");
	PHONE_IS("09 72 12 34 56", 0, "+33972123456");
	PHONE_IS("0800 00 00 00", 0, "+33800000000");
	PHONE_IS("+33 1 23 45 67 89", 0, "+33123456789");
	PHONE_IS("0262 12 34 56", 0, "+262262123456");
	/* Invalid. */
	PHONE_IS("", -1, "");
	PHONE_IS("06 12 34 56", -1, "");
	PHONE_IS("06 12 34 56 78 9", -1, "");
	PHONE_IS("06 12 34 56 7a", -1, "");
	PHONE_IS("00 12 34 56 78", -1, "");
	PHONE_IS("+32 470 12 34 56", -1, ""); /* Belgian: not a French number */
	PHONE_IS("+262 612 34 56 78", -1, "");
	PHONE_IS("6+33612345678", -1, "");
	PHONE_IS("++33612345678", -1, "");
	PHONE_IS("33612345678", -1, "");
}
