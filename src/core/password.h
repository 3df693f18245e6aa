/*
 * Password policy for workers' accounts, after the CNIL recommendation of
 * 2022 (délibération n° 2022-100), with logins throttled elsewhere.
 */
#ifndef LIEN_CORE_PASSWORD_H
#define LIEN_CORE_PASSWORD_H

#include "core/buf.h"

#define PASSWORD_MIN_CHARS 12      /* code points */
#define PASSPHRASE_MIN_CHARS 20    /* code points */
#define PASSPHRASE_MIN_WORDS 4     /* separated by spaces or hyphens */
#define PASSWORD_MAX_BYTES 128

/*
 * Returns 0 if pw is acceptable.  Otherwise returns -1 and appends to msg
 * (if not NULL) one French sentence for the person choosing it, saying what
 * to change, e.g. "Le mot de passe doit contenir au moins 12 caractères
 * (il en contient 9), ou être une phrase d’au moins 4 mots et 20 caractères."
 *
 * Acceptable means valid UTF-8 without control characters, at most 128
 * bytes, and either
 *  - at least 12 characters (code points) of at least 3 of the 4 kinds:
 *    lowercase, uppercase (accented Latin letters count as letters), digits,
 *    other characters except the space; or
 *  - a passphrase: at least 20 characters and 4 words separated by spaces
 *    or hyphens;
 * and in both cases: at least 5 different characters; not, once lowercased
 * with accents, spaces, hyphens, dots and underscores removed, a common
 * password or a common word with digits or symbols around it (also after
 * undoing "p@ssw0rd" substitutions), nor containing "motdepasse",
 * "password", "azerty", "qwerty" or "123456"; not containing the login or the
 * structure name, nor any word of 4 characters or more from them (login and
 * structure_name may be NULL).
 */
int password_policy_check(const char *pw, const char *login, const char *structure_name,
			  struct buf *msg);

#endif
