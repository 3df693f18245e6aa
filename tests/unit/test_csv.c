#include "unit.h"
#include "core/csv.h"

TEST(csv_quotes_and_lines)
{
	const char *data = "nom;prénom;note\r\n\"Dupont\";\"Jean \"\"Jeannot\"\"\";\"ligne 1\nligne 2\"\nMartin;Zoé;\n";
	struct csv_reader r;
	struct buf err = BUF_INIT;
	csv_init(&r, data, strlen(data), ';');
	CHECK(csv_next(&r, &err) == 1 && r.nfields == 3 && r.record_line == 1);
	CHECK_STR(csv_field(&r, 1), "prénom");
	CHECK(csv_next(&r, &err) == 1 && r.record_line == 2);
	CHECK_STR(csv_field(&r, 1), "Jean \"Jeannot\"");
	CHECK_STR(csv_field(&r, 2), "ligne 1\nligne 2");
	CHECK(csv_next(&r, &err) == 1 && r.record_line == 4);
	CHECK_STR(csv_field(&r, 0), "Martin");
	CHECK_STR(csv_field(&r, 2), "");
	CHECK_STR(csv_field(&r, 7), "");
	CHECK(csv_next(&r, &err) == 0);
	csv_free(&r);
	buf_free(&err);
}

TEST(csv_malformed_lines_resync)
{
	const char *data = "a,b\n\"x\"y,z\nok,1\n\"open,2\n";
	struct csv_reader r;
	struct buf err = BUF_INIT;
	csv_init(&r, data, strlen(data), ',');
	CHECK(csv_next(&r, &err) == 1);
	CHECK(csv_next(&r, &err) == -1 && strstr(buf_cstr(&err), "après un guillemet"));
	buf_reset(&err);
	CHECK(csv_next(&r, &err) == 1 && r.record_line == 3);
	CHECK_STR(csv_field(&r, 0), "ok");
	CHECK(csv_next(&r, &err) == -1 && strstr(buf_cstr(&err), "jamais fermé"));
	csv_free(&r);
	buf_free(&err);
}

TEST(csv_separator_and_encoding)
{
	CHECK(csv_guess_separator("nom;prénom;\"a,b\"\n", 18) == ';');
	CHECK(csv_guess_separator("nom,prénom,x\n", 13) == ',');
	struct buf out = BUF_INIT;
	CHECK(text_to_utf8("Zo\xe9 \x80", 5, &out) == 1);
	CHECK_STR(buf_cstr(&out), "Zoé €");
	buf_reset(&out);
	CHECK(text_to_utf8("Zoé", strlen("Zoé"), &out) == 0);
	CHECK(csv_skip_bom("\xef\xbb\xbfnom", 6) == 3);
	buf_free(&out);
}

/* Found by fuzz/fuzz_csv.c: a quote after the 128th field read past the
 * offsets array. */
TEST(csv_too_many_fields)
{
	struct buf line = BUF_INIT, err = BUF_INIT;
	for (int i = 0; i < 200; i++)
		buf_puts(&line, "a;");
	buf_puts(&line, "\"x\"\nok;1\n");
	struct csv_reader r;
	csv_init(&r, line.data, line.len, ';');
	CHECK(csv_next(&r, &err) == -1 && strstr(buf_cstr(&err), "128 colonnes"));
	buf_reset(&err);
	CHECK(csv_next(&r, &err) == 1 && r.nfields == 2 && r.record_line == 2);
	csv_free(&r);
	buf_reset(&line);
	for (int i = 0; i < 128; i++)
		buf_puts(&line, "b;");
	buf_puts(&line, "\"q\"");
	csv_init(&r, line.data, line.len, ';');
	CHECK(csv_next(&r, &err) == -1);
	csv_free(&r);
	buf_free(&line);
	buf_free(&err);
}
