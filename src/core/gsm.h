/*
 * Text messages (SMS) and French phone numbers.
 *
 * An SMS is sent in the GSM 03.38 7-bit default alphabet when every
 * character has a place in it (160 characters in one message, 153 per part
 * of a longer one; the extension characters € [ ] { } \ ^ ~ | take two
 * places), else in UCS-2 (70, then 67 per part), which more than halves
 * what fits. So the reminders' text is folded first: typographic characters
 * that have a faithful equivalent in the alphabet are replaced by it.
 */
#ifndef LIEN_CORE_GSM_H
#define LIEN_CORE_GSM_H

#include "core/buf.h"

enum {
	SMS_GSM7_SINGLE = 160, SMS_GSM7_PART = 153, /* septets */
	SMS_UCS2_SINGLE = 70, SMS_UCS2_PART = 67,   /* UTF-16 code units */
};

/*
 * Appends utf8 to out rewritten into characters of the GSM default
 * alphabet where a faithful equivalent exists: ê→e, â→a, î→i, ô→o, û→u,
 * ç→c, ë→e, ï→i, œ→oe, È→E…, ’ ‘ → ', “ ” « » → ", – — → -, … → ...,
 * non-breaking, narrow and thin spaces → space, tab → space, n° → no, a
 * letter followed by a combining accent → the precomposed letter when the
 * alphabet has it, else the bare letter; soft hyphens and zero-width
 * characters are dropped. Characters already in the alphabet (é è ù ì ò à
 * É Ç Ä Ö Ü ñ ß…) or in its extension table (€ [ ] { } ^ ~ \ |) are kept,
 * and so is anything with no equivalent (the message then goes as UCS-2).
 * Invalid UTF-8 bytes become '?'. out's cap applies (then out is partial).
 */
void sms_fold(const char *utf8, struct buf *out);

/*
 * Number of SMS the text takes, as a phone counts them: *gsm7 (may be
 * NULL) is set to 1 when every character is in the GSM alphabet (basic or
 * extension table), else 0 and the count is for UCS-2. An extension
 * character is never split across two parts, nor is a surrogate pair. An
 * empty text counts as one message. Returns -1 for invalid UTF-8.
 */
int sms_segments(const char *utf8, int *gsm7);

/*
 * Reads a French phone number typed in any usual form: 06 12 34 56 78,
 * 06.12.34.56.78, 06-12-34-56-78, +33 6 12 34 56 78, +33 (0)6 12…,
 * 0033 6…, 612345678 (the leading 0 lost by a spreadsheet). Spaces
 * (non-breaking too), dots, dashes, slashes and parentheses are ignored.
 * Returns
 *   1  a mobile (06, 07), written to out in E.164: "+33612345678"; the
 *      overseas departments' mobiles get their own country code
 *      (0692 → +262 692…, 0690 → +590…, 0694 → +594…, 0696 → +596…);
 *   0  a valid French number that receives no SMS: landline (01–05, 09,
 *      overseas landlines) or special-rate 08; out gets its E.164 form;
 *  -1  anything else (too short, letters, a foreign number); out is "".
 */
int phone_mobile_fr(const char *typed, char out[16]);

#endif
