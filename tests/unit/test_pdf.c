#include "unit.h"
#include "view/pdf.h"

TEST(pdf_one_page_and_overflow)
{
	struct pdf_section s[] = {{"Ce que nous avons fait", "Nous avons rempli la demande d'aide au logement (APL)."},
				  {"Les papiers à apporter", "Avis d'imposition, quittances de loyer."}};
	struct pdf_doc doc = {"CCAS de Sète", "Le 28/11/2026", "Pour Mme LEFÈVRE Élodie", s, 2, "Pied de page"};
	struct buf out = BUF_INIT;
	CHECK(pdf_render(&doc, &out) == 1);
	CHECK(out.len > 1000 && memcmp(out.data, "%PDF-", 5) == 0);
	buf_free(&out);
	/* A text longer than a page goes on to a second page, never off the sheet. */
	struct buf longtext = BUF_INIT;
	for (int i = 0; i < 200; i++)
		buf_puts(&longtext, "Une ligne de texte assez longue pour occuper la largeur de la page A4.\n");
	struct pdf_section big = {"Long", longtext.data};
	doc.sections = &big;
	doc.nsections = 1;
	CHECK(pdf_render(&doc, &out) >= 2);
	buf_free(&out);
	buf_free(&longtext);
	pdf_shutdown(); /* the font caches, so that LeakSanitizer sees only ours */
}
