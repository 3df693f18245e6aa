/* Placeholder: being written. */
#include "web/web.h"
void page_aid_new(struct web *w) { web_error(w, 404, NULL); }
void page_aid_create(struct web *w) { web_error(w, 404, NULL); }
void page_aid(struct web *w) { web_error(w, 404, NULL); }
void page_aid_update(struct web *w) { web_error(w, 404, NULL); }
void page_aid_letter(struct web *w) { web_error(w, 404, NULL); }
void aids_section(struct web *w, int64_t person_id) { (void)w; (void)person_id; }
