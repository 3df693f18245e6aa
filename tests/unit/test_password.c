#include "unit.h"
#include "core/password.h"

/* 1 if the policy accepts pw; on refusal the message must be a sentence. */
static int accepts(const char *pw, const char *login, const char *structure, struct buf *msg)
{
	buf_reset(msg);
	int rc = password_policy_check(pw, login, structure, msg);
	if (rc == 0)
		return msg->len == 0;
	return rc == -1 && msg->len > 20 && msg->data[msg->len - 1] == '.' &&
	       utf8_valid_text(msg->data, msg->len, 0) ? 0 : -1;
}

static int refused_with(const char *pw, const char *login, const char *structure,
			struct buf *msg, const char *fragment)
{
	return accepts(pw, login, structure, msg) == 0 && strstr(buf_cstr(msg), fragment) != NULL;
}

TEST(password_accepts_good_ones)
{
	struct buf m = BUF_INIT;
	static const char *const good[] = {
		"Tg7#kLp2qWz9",               /* 12, four kinds */
		"tg7#klp2qwz9",               /* lower, digits, specials */
		"TG7KLP2QWZ9x",               /* upper, digits, lower */
		"Élévation-2024",             /* from the brief */
		"Éléphants-24",               /* 12 code points, 14 bytes */
		"le chat dort sur le radiateur",  /* passphrase: lowercase only */
		"cheval-agrafe-batterie-correcte",
		"Brume Lavande 7 Ormeaux",
	};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		int ok = accepts(good[i], "mdupont", "CCAS de Villeurbanne", &m);
		if (ok != 1)
			fprintf(stderr, "    refused \"%s\": %s\n", good[i], buf_cstr(&m));
		CHECK(ok == 1);
	}
	CHECK(accepts("Tg7#kLp2qWz9", NULL, NULL, &m) == 1);
	CHECK(password_policy_check("Tg7#kLp2qWz9", NULL, NULL, NULL) == 0);
	buf_free(&m);
}

TEST(password_length_in_code_points)
{
	struct buf m = BUF_INIT;
	CHECK(refused_with("Tg7#kLp2qWz", NULL, NULL, &m, "au moins 12 caractères (il en contient 11)"));
	/* 11 code points but 13 bytes: still too short. */
	CHECK(refused_with("Éléphant-24", NULL, NULL, &m, "(il en contient 11)"));
	CHECK(refused_with("", NULL, NULL, &m, "au moins 12 caractères"));
	CHECK(refused_with(NULL, NULL, NULL, &m, "au moins 12 caractères"));
	/* Passphrase too short: 4 words, 19 characters. */
	CHECK(refused_with("chat dort sur tapis", NULL, NULL, &m, "phrase d’au moins 4 mots"));
	/* 20 characters but 3 words, one kind. */
	/* 20 characters or more but fewer than 4 words; spaces are no kind. */
	CHECK(refused_with("chatdort surletapis x", NULL, NULL, &m, "que des minuscules)"));
	CHECK(refused_with("chatdort-surletapis-x", NULL, NULL, &m, "que des minuscules et des "
			   "caractères spéciaux"));
	buf_free(&m);
}

TEST(password_kinds)
{
	struct buf m = BUF_INIT;
	CHECK(refused_with("tgzklpxqwzvb", NULL, NULL, &m, "(il ne contient que des minuscules)"));
	CHECK(refused_with("tg7klp2qwz9x", NULL, NULL, &m,
			   "que des minuscules et des chiffres"));
	CHECK(refused_with("TG7KLP2QWZ9X", NULL, NULL, &m,
			   "que des majuscules et des chiffres"));
	CHECK(refused_with("ÉLÉPHANTSÀÇÈ", NULL, NULL, &m, "que des majuscules)"));
	CHECK(refused_with("éléphantsàçè", NULL, NULL, &m, "que des minuscules)"));
	CHECK(strstr(buf_cstr(&m), "Le mot de passe doit mélanger") == buf_cstr(&m));
	CHECK(accepts("Éléphantsàçè", NULL, NULL, &m) == 0); /* letters only */
	CHECK(accepts("Éléphantsàç7", NULL, NULL, &m) == 1);
	CHECK(refused_with("tg7 klp2 qwz9", NULL, NULL, &m, "que des minuscules et des chiffres"));
	CHECK(accepts("Tg7 kLp2 qwz9", NULL, NULL, &m) == 1);
	buf_free(&m);
}

TEST(password_limits_and_encoding)
{
	struct buf m = BUF_INIT;
	char long_pw[140];
	memset(long_pw, 'a', sizeof long_pw);
	memcpy(long_pw, "Xy7!Qr2#", 8);
	long_pw[128] = '\0';
	CHECK(accepts(long_pw, NULL, NULL, &m) == 1);
	long_pw[128] = 'a';
	long_pw[129] = '\0';
	CHECK(refused_with(long_pw, NULL, NULL, &m, "128 octets au maximum"));
	CHECK(refused_with("Tg7#kLp2qWz9\xff", NULL, NULL, &m, "caractère non autorisé"));
	CHECK(refused_with("Tg7#kLp2\nqWz9", NULL, NULL, &m, "caractère non autorisé"));
	CHECK(refused_with("Aaaaaaaaaaa1!", NULL, NULL, &m, "au moins 5 différents"));
	CHECK(refused_with("ab-ab-ab-ab-ab-ab-ab-ab", NULL, NULL, &m, "au moins 5 différents"));
	buf_free(&m);
}

TEST(password_common)
{
	struct buf m = BUF_INIT;
	static const char *const common[] = {
		"Azerty123456!", "Password1234", "1234567890ab", "1234567890AB",
		"Marseille2024!", "Soleil!!2024", "MOTDEPASSE-2024", "Mot de passe 2024 !",
		"P@ssw0rd2024!", "M0tDeP@sse123", "2024!Marseille", "Motdepasse#2024",
		"Bonjour123456", "Azertyuiop12", "Chocolat2024*", "Février2024!!",
		"Qwerty123456!", "Hell0Kitty2024", "L3 M0t D3 P@ss3 !", "Azerty-Ciel-Bleu-24",
	};
	for (size_t i = 0; i < sizeof common / sizeof *common; i++) {
		int ok = refused_with(common[i], NULL, NULL, &m, "trop courant");
		if (!ok)
			fprintf(stderr, "    \"%s\": %s\n", common[i], buf_cstr(&m));
		CHECK(ok);
	}
	/* A common word inside a longer password is fine. */
	CHECK(accepts("Soleil-Orageux-84", NULL, NULL, &m) == 1);
	CHECK(accepts("Marseille Ciel Bleu 13", NULL, NULL, &m) == 1);
	buf_free(&m);
}

TEST(password_login_and_structure)
{
	struct buf m = BUF_INIT;
	CHECK(refused_with("mdupont#2024X", "mdupont", NULL, &m, "identifiant"));
	CHECK(refused_with("XX-MDupont-2024", "mdupont", NULL, &m, "identifiant"));
	CHECK(refused_with("Dupont!Rivage42", "marie.dupont@ccas.fr", NULL, &m, "identifiant"));
	CHECK(refused_with("Gr4nd-Villeurbanne!", NULL, "CCAS de Villeurbanne", &m,
			   "nom de la structure"));
	CHECK(refused_with("Sète&Rivage2024", NULL, "Mairie de Sète", &m, "nom de la structure"));
	CHECK(refused_with("Mairie-de-Sete!2", NULL, "Mairie de Sète", &m, "nom de la structure"));
	/* Short words of the names are not held against the password. */
	CHECK(accepts("Tg7#kLp2deWz9", "de", "CCAS de Lyon", &m) == 1);
	CHECK(accepts("Tg7#kLp2qWz9", "jo", "Lyon", &m) == 1);
	CHECK(accepts("Rivage!Brume42", "marie.dupont@ccas.fr", "CCAS de Sète", &m) == 1);
	buf_free(&m);
}
