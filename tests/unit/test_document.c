#include "unit.h"
#include "core/buf.h"
#include "domain/document.h"

#define NBSP "\xc2\xa0"

static enum doc_type sniff(const char *bytes, size_t n)
{
	return document_sniff(bytes, n);
}

TEST(document_sniff_accepts_pdf_jpeg_png)
{
	CHECK(sniff("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", 18) == DOC_PDF);
	CHECK(sniff("%PDF-", 5) == DOC_PDF);
	CHECK(sniff("\xff\xd8\xff\xe0\x00\x10JFIF", 10) == DOC_JPEG);
	CHECK(sniff("\xff\xd8\xff\xe1", 4) == DOC_JPEG);
	CHECK(sniff("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 16) == DOC_PNG);
	CHECK_STR(document_mime(DOC_PDF), "application/pdf");
	CHECK_STR(document_mime(DOC_JPEG), "image/jpeg");
	CHECK_STR(document_mime(DOC_PNG), "image/png");
	CHECK(document_mime(DOC_NONE) == NULL);
	CHECK_STR(document_type_label("image/png"), "PNG");
	CHECK_STR(document_type_label("text/html"), "");
}

TEST(document_sniff_refuses_everything_else)
{
	CHECK(sniff("\x7f" "ELF\x02\x01\x01", 7) == DOC_NONE);            /* Linux executable */
	CHECK(sniff("MZ\x90\x00\x03\x00", 6) == DOC_NONE);                 /* Windows executable */
	CHECK(sniff("#!/bin/sh\nrm -rf /\n", 19) == DOC_NONE);             /* script */
	CHECK(sniff("PK\x03\x04\x14\x00", 6) == DOC_NONE);                 /* zip, docx, odt */
	CHECK(sniff("<html><script>alert(1)</script>", 31) == DOC_NONE);
	CHECK(sniff("GIF89a", 6) == DOC_NONE);
	CHECK(sniff("\xca\xfe\xba\xbe", 4) == DOC_NONE);                   /* Mach-O, Java class */
	/* Signatures cut short, or not at the start. */
	CHECK(sniff("%PDF", 4) == DOC_NONE);
	CHECK(sniff("%PDF-", 4) == DOC_NONE);
	CHECK(sniff("\xff\xd8", 2) == DOC_NONE);
	CHECK(sniff("\x89PNG\r\n\x1a", 7) == DOC_NONE);
	CHECK(sniff(" %PDF-1.4", 9) == DOC_NONE);
	CHECK(sniff("", 0) == DOC_NONE);
	CHECK(document_sniff(NULL, 10) == DOC_NONE);
}

static void name_is(int *unit_failed, const char *in, enum doc_type t, const char *want)
{
	char out[DOC_NAME_MAX * 4 + 1];
	document_clean_name(in, t, out, sizeof out);
	CHECK_STR(out, want);
}

TEST(document_type_comes_from_content_not_name)
{
	/* A PDF named .exe is a PDF: accepted, and its name says so. */
	CHECK(sniff("%PDF-1.4", 8) == DOC_PDF);
	name_is(unit_failed, "scan.exe", DOC_PDF, "scan.exe.pdf");
	/* An executable named .pdf is refused whatever its name. */
	CHECK(sniff("MZ\x90\x00", 4) == DOC_NONE);
	name_is(unit_failed, "photo.png", DOC_JPEG, "photo.png.jpg");
	name_is(unit_failed, "photo.JPEG", DOC_JPEG, "photo.JPEG");
	name_is(unit_failed, "photo.jpg", DOC_JPEG, "photo.jpg");
	name_is(unit_failed, "Capture.PNG", DOC_PNG, "Capture.PNG");
}

TEST(document_clean_name)
{
	name_is(unit_failed, "Relevé de compte – mars.pdf", DOC_PDF, "Relevé de compte – mars.pdf");
	name_is(unit_failed, "C:\\Users\\Zoé\\Bureau\\Avis d'imposition.pdf", DOC_PDF, "Avis d'imposition.pdf");
	name_is(unit_failed, "../../etc/passwd", DOC_PDF, "passwd.pdf");
	name_is(unit_failed, "a/b\\c.png", DOC_PNG, "c.png");
	name_is(unit_failed, "dir/", DOC_PDF, "document.pdf");
	name_is(unit_failed, "a\x01" "b\tc\x7f" "d.pdf", DOC_PDF, "abcd.pdf");
	/* Right-to-left override: "facture\u202Efdp.exe" would show as "facture exe.pdf". */
	name_is(unit_failed, "facture\xe2\x80\xae" "fdp.exe", DOC_PDF, "facturefdp.exe.pdf");
	name_is(unit_failed, "a\xe2\x81\xa6" "b\xef\xbb\xbf" ".pdf", DOC_PDF, "ab.pdf");
	/* C1 controls and bytes that are not UTF-8 are dropped. */
	name_is(unit_failed, "a\xc2\x85" "b\xff" "c.pdf", DOC_PDF, "abc.pdf");
	name_is(unit_failed, "  .cache. ", DOC_PNG, "cache.png");
	name_is(unit_failed, "rapport . pdf", DOC_PDF, "rapport . pdf.pdf");
	name_is(unit_failed, "", DOC_PDF, "document.pdf");
	name_is(unit_failed, NULL, DOC_JPEG, "document.jpg");
	name_is(unit_failed, "   ", DOC_PNG, "document.png");
	name_is(unit_failed, "\xe2\x80\xae", DOC_PDF, "document.pdf");
	name_is(unit_failed, "Œuvre «\xc2\xa0" "copie\xc2\xa0" "» ñ 日本.pdf", DOC_PDF, "Œuvre «\xc2\xa0" "copie\xc2\xa0" "» ñ 日本.pdf");
}

TEST(document_clean_name_length)
{
	char in[1200], out[DOC_NAME_MAX * 4 + 1];
	struct buf b = BUF_INIT;
	for (int i = 0; i < 200; i++)
		buf_puts(&b, "é");
	buf_puts(&b, ".pdf");
	cstr_copy(in, sizeof in, buf_cstr(&b));
	document_clean_name(in, DOC_PDF, out, sizeof out);
	CHECK(utf8_length(out, strlen(out)) == DOC_NAME_MAX);
	CHECK(strlen(out) > 4 && strcmp(out + strlen(out) - 4, ".pdf") == 0);
	/* No extension: the added one counts too. */
	buf_reset(&b);
	for (int i = 0; i < 300; i++)
		buf_putc(&b, 'x');
	document_clean_name(buf_cstr(&b), DOC_JPEG, out, sizeof out);
	CHECK(strlen(out) == DOC_NAME_MAX);
	CHECK(strcmp(out + strlen(out) - 4, ".jpg") == 0);
	/* A name cut just before a space does not end with it. */
	buf_reset(&b);
	for (int i = 0; i < 115; i++)
		buf_putc(&b, 'y');
	buf_puts(&b, "      zzzzz");
	document_clean_name(buf_cstr(&b), DOC_PDF, out, sizeof out);
	CHECK(strlen(out) == 115 + 4);
	/* A small output buffer is filled without splitting a character. */
	char small[8];
	document_clean_name("ééééé.pdf", DOC_PDF, small, sizeof small);
	CHECK(utf8_valid_text(small, strlen(small), 0));
	CHECK(strlen(small) < sizeof small);
	buf_free(&b);
}

TEST(document_size_in_french)
{
	char s[32];
	document_size_fr(0, s, sizeof s);
	CHECK_STR(s, "0" NBSP "octet");
	document_size_fr(1, s, sizeof s);
	CHECK_STR(s, "1" NBSP "octet");
	document_size_fr(512, s, sizeof s);
	CHECK_STR(s, "512" NBSP "octets");
	document_size_fr(1024, s, sizeof s);
	CHECK_STR(s, "1" NBSP "Ko");
	document_size_fr(12 * 1024 + 100, s, sizeof s);
	CHECK_STR(s, "12" NBSP "Ko");
	document_size_fr(1024 * 1024 - 1, s, sizeof s);
	CHECK_STR(s, "1" NBSP "Mo");
	document_size_fr(1536 * 1024, s, sizeof s);
	CHECK_STR(s, "1,5" NBSP "Mo");
	document_size_fr(10 * 1024 * 1024, s, sizeof s);
	CHECK_STR(s, "10" NBSP "Mo");
}

TEST(document_dir_beside_the_database)
{
	char keep[4096];
	cstr_copy(keep, sizeof keep, document_dir());
	CHECK(document_set_dir(NULL, "var/lien.db") == 0);
	CHECK_STR(document_dir(), "var/documents");
	CHECK(document_set_dir(NULL, "/srv/lien/lien.db") == 0);
	CHECK_STR(document_dir(), "/srv/lien/documents");
	CHECK(document_set_dir(NULL, "lien.db") == 0);
	CHECK_STR(document_dir(), "documents");
	CHECK(document_set_dir("/data/pièces", "var/lien.db") == 0);
	CHECK_STR(document_dir(), "/data/pièces");
	document_set_dir(keep, NULL);
}
