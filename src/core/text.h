/* Text helpers for names and identifiers typed by people. */
#ifndef LIEN_CORE_TEXT_H
#define LIEN_CORE_TEXT_H

#include "core/buf.h"

/* Folds for matching: lowercase, accents removed (é→e, ç→c, œ→oe, ß→ss,
 * ø→o, ł→l…), hyphens, apostrophes and other punctuation become one space,
 * spaces collapsed and trimmed. "Lefèvre-D'Arc  Élise" → "lefevre d arc elise".
 * Characters outside Latin scripts are kept as they are. 0 or -1 (cap). */
int text_fold(const char *in, struct buf *out);

/* Keeps the digits of a phone number, turning +33 into 0: "+33 6 12 34 56 78"
 * → "0612345678". Returns the number of digits written (out has room for n). */
size_t phone_digits(const char *in, char *out, size_t n);

/* Trims spaces at both ends into a pool-free copy in out (size n). */
void text_trim(const char *in, char *out, size_t n);

/* Uppercase for family names: ASCII and the accented letters of French
 * (Latin-1: é→É, ç→Ç, œ→Œ…); other bytes unchanged. */
void text_upper(const char *in, char *out, size_t n);

/* "a b" into out (size n), cut at a character boundary when too long: a
 * person's name from its two fields, without printf (lists of tasks and
 * reminders build one per row). */
void text_join_name(const char *a, const char *b, char *out, size_t n);

#endif
