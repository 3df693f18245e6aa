#include "unit.h"
#include "view/pdf.h"

#include <stdlib.h>

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
}

/* ---- letters for window envelopes ---- */

struct pdf_word {
	int page;
	double x0, y0, x1, y1; /* points from the page's top left */
	char text[128];
};

/* The words of a PDF with their boxes, as poppler's pdftotext -bbox sees
 * them: what a reader (or a sorting machine) finds where. */
static int pdf_words(const struct buf *pdf, struct pdf_word *w, int max)
{
	char path[] = "/tmp/lien-test-letters-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	FILE *f = fdopen(fd, "wb");
	fwrite(pdf->data, 1, pdf->len, f);
	fclose(f);
	char cmd[256];
	snprintf(cmd, sizeof cmd, "pdftotext -bbox %s - 2>/dev/null", path);
	FILE *p = popen(cmd, "r");
	int n = 0, page = -1;
	char line[512];
	while (p && fgets(line, sizeof line, p)) {
		if (strstr(line, "<page "))
			page++;
		struct pdf_word *x = &w[n];
		if (n < max && sscanf(line, " <word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\">%127[^<]", &x->x0,
				      &x->y0, &x->x1, &x->y1, x->text) == 5) {
			x->page = page;
			n++;
		}
	}
	int rc = p ? pclose(p) : -1;
	remove(path);
	return rc == 0 ? n : -1;
}

#define PT(mm) ((mm) * 72.0 / 25.4)

/* The words of page whose box touches what may show through the window
 * (100–200 mm across, 39–95 mm down, whatever the sheet's play), joined by
 * spaces; each must lie inside pdf_letter_window. */
static int window_words(const struct pdf_word *w, int n, int page, char *out, size_t size)
{
	const struct pdf_rect z = pdf_letter_window;
	int inside = 1;
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (w[i].page != page || w[i].x1 < PT(100) || w[i].y1 < PT(39) || w[i].y0 > PT(95))
			continue;
		if (w[i].x0 < PT(z.x) - 0.5 || w[i].x1 > PT(z.x + z.w) + 0.5 || w[i].y0 < PT(z.y) - 0.5 ||
		    w[i].y1 > PT(z.y + z.h) + 0.5)
			inside = 0;
		size_t len = strlen(out);
		snprintf(out + len, size - len, "%s%s", len ? " " : "", w[i].text);
	}
	return inside;
}

TEST(pdf_letters_window_envelope)
{
	struct buf body = BUF_INIT;
	for (int i = 0; i < 120; i++)
		buf_puts(&body, "Nous vous rappelons votre rendez-vous ; pensez à apporter vos justificatifs.\n");
	struct pdf_letter l[] = {
		{"CCAS de Villeneuve-d’Ascq\nPlace Salvador Allende\n59650 Villeneuve-d’Ascq\n03 20 43 50 50",
		 "Mme Élodie LEFÈVRE\nRésidence des Prés, bât. B\n12 rue du Général Leclerc\n59000 LILLE",
		 "Villeneuve-d’Ascq, le 28 novembre 2026", "Objet : votre rendez-vous du 3 décembre 2026",
		 "Madame,\n\nNous vous attendons le jeudi 3 décembre 2026 à 14 h 30.\n\nCordialement.",
		 "Le CCAS"},
		/* Too long for one line at 10 points, and a long body. */
		{"CCAS", "M. Jean-Baptiste DE LA FONTAINE-SAINT-ÉTIENNE DU MONT\nChez Mme Marguerite DUPONT\n"
			 "Appartement 1204, escalier C, 3e étage\nRésidence Les Jardins de la Citadelle\n"
			 "145 boulevard de la Liberté prolongé\nBP 1234\n59000 LILLE",
		 NULL, "Objet : rappel", body.data, NULL},
	};
	struct buf out = BUF_INIT;
	int pages = pdf_letters(l, 2, &out);
	CHECK(pages >= 3); /* one page, then a letter of two pages or more */
	CHECK(out.len > 1000 && memcmp(out.data, "%PDF-", 5) == 0);
	static struct pdf_word w[20000];
	int n = pdf_words(&out, w, 20000);
	CHECK(n > 100);
	char seen[2048];
	CHECK(window_words(w, n, 0, seen, sizeof seen));
	CHECK_STR(seen, "Mme Élodie LEFÈVRE Résidence des Prés, bât. B 12 rue du Général Leclerc 59000 LILLE");
	CHECK(window_words(w, n, 1, seen, sizeof seen));
	CHECK(strstr(seen, "M. Jean-Baptiste") == seen && strstr(seen, "59000 LILLE"));
	/* Nothing off the sheet, or in its margins below and to the right. */
	for (int i = 0; i < n; i++)
		if (w[i].x0 < PT(10) || w[i].x1 > 595.28 - PT(15) || w[i].y0 < PT(10) || w[i].y1 > 841.89 - PT(15)) {
			fprintf(stderr, "    word \"%s\" at %.0f,%.0f–%.0f,%.0f on page %d\n", w[i].text, w[i].x0, w[i].y0,
				w[i].x1, w[i].y1, w[i].page);
			CHECK(!"word off the page");
			break;
		}
	CHECK(pdf_letters(l, 0, &out) == -1);
	buf_free(&out);
	buf_free(&body);
	pdf_shutdown(); /* once, after the last PDF: the font caches, so that LeakSanitizer sees only ours */
}
