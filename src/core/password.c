#include "core/password.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

/*
 * Lowercase, without accents, spaces, hyphens, dots or underscores: the form
 * password_policy_check() compares against.  Each entry is either a whole
 * password people pick, or a word they dress up with digits and symbols
 * ("Marseille13!"), which is matched once those are stripped from both ends.
 * French first (keyboard rows, words of affection, first names, cities,
 * seasons, months, days, words of the trade), then international.
 */
static const char *const common_passwords[] = {
	/* French passwords and words */
	"motdepasse", "motdepass", "mdp", "azerty", "azertyuiop", "azertyuiopqsdf",
	"azertyqwerty", "aqwzsx", "wxcvbn", "qsdfghjklm", "qsdfgh", "bonjour", "bonsoir",
	"coucou", "salut", "bienvenue", "jetaime", "jetadore", "amour", "monamour",
	"mamour", "chouchou", "doudou", "loulou", "nounours", "bisous", "cheri", "cherie",
	"bebe", "maman", "papa", "famille", "soleil", "chocolat", "vacances", "printemps",
	"ete", "automne", "hiver", "princesse", "poussin", "chaton", "chien", "chat",
	"lapin", "papillon", "dauphin", "licorne", "nutella", "pomme", "fraise", "banane",
	"orange", "freebox", "livebox", "france", "liberte", "egalite", "fraternite",
	"marseille", "paris", "lyon", "toulouse", "bordeaux", "nantes", "lille", "nice",
	"strasbourg", "montpellier", "rennes", "reims", "toulon", "grenoble", "dijon",
	"angers", "nimes", "brest", "limoges", "amiens", "perpignan", "metz", "besancon",
	"orleans", "rouen", "caen", "nancy", "bretagne", "normandie", "olympique",
	"allezlom", "psg", "football", "rugby", "janvier", "fevrier", "mars", "avril",
	"mai", "juin", "juillet", "aout", "septembre", "octobre", "novembre", "decembre",
	"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
	"camille", "nicolas", "julien", "thomas", "marie", "sophie", "alexandre",
	"antoine", "julie", "pierre", "isabelle", "nathalie", "sandrine", "celine",
	"stephanie", "laurent", "philippe", "olivier", "frederic", "christophe",
	"sebastien", "caroline", "aurelie", "emilie", "manon", "lucas", "hugo", "lea",
	"chloe", "emma", "louis", "gabriel", "jade", "louise", "raphael", "arthur",
	"kevin", "merde", "ordinateur", "administrateur", "utilisateur", "accueil",
	"mairie", "ccas", "social", "travailsocial", "assistante", "assistantesociale",
	"educateur", "educatrice", "secretaire", "directeur", "directrice", "solidarite",
	"entraide", "lien", "changemoi",
	/* International */
	"password", "passw0rd", "password1234", "qwerty", "qwertyuiop", "qwertz",
	"qwerty123", "123456", "1234567", "12345678", "123456789", "1234567890",
	"12345678910", "123456789012", "1234567890ab", "0123456789", "987654321",
	"0987654321", "111111", "000000", "123123", "654321", "121212", "112233",
	"123321", "abc123", "abcdef", "abcdefgh", "abcdefghijkl", "abcd1234", "a1b2c3d4",
	"1q2w3e4r", "1q2w3e4r5t", "1q2w3e4r5t6y", "1qaz2wsx", "1qaz2wsx3edc", "qazwsx",
	"zaq12wsx", "q1w2e3r4", "q1w2e3r4t5y6", "asdfgh", "asdfghjkl", "zxcvbnm",
	"iloveyou", "letmein", "welcome", "admin", "administrator", "root", "master",
	"login", "access", "secret", "superman", "batman", "spiderman", "dragon",
	"monkey", "shadow", "sunshine", "princess", "baseball", "soccer", "hockey",
	"michael", "jordan", "charlie", "freedom", "whatever", "trustno1", "starwars",
	"pokemon", "naruto", "hello", "hellokitty", "computer", "internet", "changeme",
	"default", "guest", "test", "testtest", "test1234", "liverpool", "chelsea",
	"arsenal", "matrix", "summer", "winter", "flower", "lovely", "loveme", "google",
	"facebook", "samsung", "apple", "iphone", "microsoft", "windows",
};

enum {
	KIND_LOWER = 1,
	KIND_UPPER = 2,
	KIND_DIGIT = 4,
	KIND_OTHER = 8,
};

/* U+00C0..U+00FF without accents; NULL for × and ÷. */
static const char *const latin1_fold[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", "th", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", "th", "y",
};

static int refuse(struct buf *msg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int refuse(struct buf *msg, const char *fmt, ...)
{
	if (msg) {
		va_list ap;
		va_start(ap, fmt);
		buf_vappendf(msg, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Next code point of valid UTF-8 (checked by utf8_valid_text). */
static uint32_t utf8_next(const unsigned char *s, size_t *i)
{
	uint32_t c = s[*i];
	if (c < 0x80) {
		(*i)++;
		return c;
	}
	size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
	uint32_t cp = c & (0x7f >> len);
	for (size_t k = 1; k < len; k++)
		cp = (cp << 6) | (s[*i + k] & 0x3f);
	*i += len;
	return cp;
}

/* A space is allowed but counts as no kind: "que des minuscules et des
 * caractères spéciaux" would puzzle someone who typed only words. */
static int char_kind(uint32_t cp)
{
	if (cp == ' ')
		return 0;
	if (cp >= 'a' && cp <= 'z')
		return KIND_LOWER;
	if (cp >= 'A' && cp <= 'Z')
		return KIND_UPPER;
	if (cp >= '0' && cp <= '9')
		return KIND_DIGIT;
	if ((cp >= 0xc0 && cp <= 0xde && cp != 0xd7) || cp == 0x152 || cp == 0x178)
		return KIND_UPPER;
	if ((cp >= 0xdf && cp <= 0xff && cp != 0xf7) || cp == 0x153)
		return KIND_LOWER;
	return KIND_OTHER;
}

static int is_separator(char c)
{
	return c == ' ' || c == '-' || c == '.' || c == '_';
}

/*
 * Writes s lowercased, without accents on Latin letters and without
 * separators, NUL-terminated; other bytes are copied (s need not be valid
 * UTF-8).  The result is never longer than s.  Returns -1 if it does not fit.
 */
static int fold(const char *s, size_t n, char *out, size_t outsize)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *rep = NULL;
		char one[2] = {(char)c, '\0'};
		if (c == 0xc3 && i + 1 < n && (s[i + 1] & 0xc0) == 0x80 &&
		    latin1_fold[(unsigned char)s[i + 1] & 0x3f]) {
			rep = latin1_fold[(unsigned char)s[++i] & 0x3f];
		} else if (c == 0xc5 && i + 1 < n &&
			   ((unsigned char)s[i + 1] == 0x92 || (unsigned char)s[i + 1] == 0x93)) {
			rep = "oe";
			i++;
		} else if (c == 0xc5 && i + 1 < n && (unsigned char)s[i + 1] == 0xb8) {
			rep = "y";
			i++;
		} else if (is_separator((char)c)) {
			continue;
		} else {
			if (c >= 'A' && c <= 'Z')
				one[0] = (char)(c - 'A' + 'a');
			rep = one;
		}
		size_t len = strlen(rep);
		if (o + len >= outsize)
			return -1;
		memcpy(out + o, rep, len);
		o += len;
	}
	if (o >= outsize)
		return -1;
	out[o] = '\0';
	return 0;
}

static int ascii_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Removes everything but ASCII letters from both ends, in place. */
static void strip_ends(char *s)
{
	size_t n = strlen(s), start = 0;
	while (n > 0 && !ascii_letter(s[n - 1]))
		n--;
	while (start < n && !ascii_letter(s[start]))
		start++;
	memmove(s, s + start, n - start);
	s[n - start] = '\0';
}

/* Undoes the usual substitutions of letters by digits and symbols. */
static void unleet(char *s)
{
	static const char pairs[] = "@a4a3e1i!i0o$s5s7t"; /* substitute, letter */
	for (; *s; s++)
		for (size_t i = 0; pairs[i]; i += 2)
			if (*s == pairs[i]) {
				*s = pairs[i + 1];
				break;
			}
}

/* Words so tied to passwords that no password should contain them. */
static const char *const never_inside[] = {
	"motdepasse", "password", "azerty", "qwerty", "123456",
};

static int in_common_list(const char *s)
{
	for (size_t i = 0; i < sizeof common_passwords / sizeof *common_passwords; i++)
		if (strcmp(s, common_passwords[i]) == 0)
			return 1;
	for (size_t i = 0; i < sizeof never_inside / sizeof *never_inside; i++)
		if (strstr(s, never_inside[i]))
			return 1;
	return 0;
}

/* The folded password, its core without digits and symbols at both ends,
 * each also with substitutions undone: "P@ssw0rd2024!" and "hell0" match. */
static int is_common(const char *folded)
{
	char core[PASSWORD_MAX_BYTES + 1], plain[PASSWORD_MAX_BYTES + 1];
	cstr_copy(core, sizeof core, folded);
	strip_ends(core);
	cstr_copy(plain, sizeof plain, core);
	unleet(plain);
	if (in_common_list(folded) || in_common_list(core) || in_common_list(plain))
		return 1;
	cstr_copy(plain, sizeof plain, folded);
	unleet(plain);
	strip_ends(plain);
	return in_common_list(plain);
}

static size_t count_code_points(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* 1 if needle (folded here) of at least min_chars characters occurs in one
 * of the folded forms of the password. */
static int occurs(const char *needle, size_t n, size_t min_chars, const char *hay,
		  const char *hay_unleet)
{
	char f[PASSWORD_MAX_BYTES + 1];
	if (n >= sizeof f || fold(needle, n, f, sizeof f) < 0 || count_code_points(f) < min_chars)
		return 0;
	return strstr(hay, f) != NULL || strstr(hay_unleet, f) != NULL;
}

static int ascii_alnum(char c)
{
	return ascii_letter(c) || (c >= '0' && c <= '9');
}

/* The whole name, or any of its words of 4 characters or more. */
static int contains_name(const char *name, const char *hay, const char *hay_unleet)
{
	if (!name)
		return 0;
	if (occurs(name, strlen(name), 3, hay, hay_unleet))
		return 1;
	for (const char *p = name; *p;) {
		if ((unsigned char)*p < 0x80 && !ascii_alnum(*p)) {
			p++;
			continue;
		}
		const char *start = p;
		while (*p && ((unsigned char)*p >= 0x80 || ascii_alnum(*p)))
			p++;
		if (occurs(start, (size_t)(p - start), 4, hay, hay_unleet))
			return 1;
	}
	return 0;
}

static const char *kind_name(int kind)
{
	switch (kind) {
	case KIND_LOWER: return "des minuscules";
	case KIND_UPPER: return "des majuscules";
	case KIND_DIGIT: return "des chiffres";
	default: return "des caractères spéciaux";
	}
}

static int refuse_kinds(struct buf *msg, int kinds)
{
	const char *present[4];
	int n = 0;
	for (int k = KIND_LOWER; k <= KIND_OTHER; k <<= 1)
		if (kinds & k)
			present[n++] = kind_name(k);
	/* With 12 characters or more, one or two kinds are present. */
	return refuse(msg, "Le mot de passe doit mélanger au moins 3 types de caractères parmi "
		      "minuscules, majuscules, chiffres et caractères spéciaux (il ne contient "
		      "que %s%s%s), ou être une phrase d’au moins %d mots et %d caractères.",
		      present[0], n > 1 ? " et " : "", n > 1 ? present[1] : "",
		      PASSPHRASE_MIN_WORDS, PASSPHRASE_MIN_CHARS);
}

struct shape {
	size_t chars;    /* code points */
	size_t words;    /* runs between spaces and hyphens */
	size_t distinct; /* different code points */
	int kinds;       /* KIND_* bits */
};

static void measure(const char *pw, size_t n, struct shape *sh)
{
	uint32_t seen[PASSWORD_MAX_BYTES];
	int in_word = 0;
	memset(sh, 0, sizeof *sh);
	for (size_t i = 0; i < n;) {
		uint32_t cp = utf8_next((const unsigned char *)pw, &i);
		int sep = cp == ' ' || cp == '-';
		sh->kinds |= char_kind(cp);
		sh->words += !sep && !in_word;
		in_word = !sep;
		size_t k = 0;
		while (k < sh->chars && seen[k] != cp)
			k++;
		sh->distinct += k == sh->chars;
		seen[sh->chars++] = cp;
	}
}

int password_policy_check(const char *pw, const char *login, const char *structure_name,
			  struct buf *msg)
{
	char folded[PASSWORD_MAX_BYTES + 1], unleeted[PASSWORD_MAX_BYTES + 1];
	struct shape sh;

	if (!pw)
		pw = "";
	size_t n = strlen(pw);
	if (n > PASSWORD_MAX_BYTES)
		return refuse(msg, "Le mot de passe est trop long : %d octets au maximum (une "
			      "lettre accentuée en compte deux).", PASSWORD_MAX_BYTES);
	if (!utf8_valid_text(pw, n, 0))
		return refuse(msg, "Le mot de passe contient un caractère non autorisé.");

	/* First, so that "azerty" is not told to grow into "Azerty123456!". */
	if (fold(pw, n, folded, sizeof folded) < 0) /* cannot happen: folding never grows */
		return refuse(msg, "Le mot de passe contient un caractère non autorisé.");
	if (is_common(folded))
		return refuse(msg, "Ce mot de passe est trop courant, il serait vite deviné : "
			      "choisissez-en un autre.");

	measure(pw, n, &sh);
	int passphrase = sh.chars >= PASSPHRASE_MIN_CHARS && sh.words >= PASSPHRASE_MIN_WORDS;
	if (!passphrase && sh.chars == 0)
		return refuse(msg, "Le mot de passe doit contenir au moins %d caractères.",
			      PASSWORD_MIN_CHARS);
	if (!passphrase && sh.chars < PASSWORD_MIN_CHARS)
		return refuse(msg, "Le mot de passe doit contenir au moins %d caractères (il en "
			      "contient %zu), ou être une phrase d’au moins %d mots et %d caractères.",
			      PASSWORD_MIN_CHARS, sh.chars, PASSPHRASE_MIN_WORDS, PASSPHRASE_MIN_CHARS);
	if (!passphrase && __builtin_popcount((unsigned)sh.kinds) < 3)
		return refuse_kinds(msg, sh.kinds);
	if (sh.distinct < 5)
		return refuse(msg, "Le mot de passe répète trop les mêmes caractères : il doit en "
			      "compter au moins 5 différents.");

	cstr_copy(unleeted, sizeof unleeted, folded);
	unleet(unleeted);
	if (contains_name(login, folded, unleeted))
		return refuse(msg, "Le mot de passe ne doit pas contenir l’identifiant du compte.");
	if (contains_name(structure_name, folded, unleeted))
		return refuse(msg, "Le mot de passe ne doit pas contenir le nom de la structure.");
	return 0;
}
