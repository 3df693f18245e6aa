/* Placeholder: being written. */
#include "web/web.h"
void page_diagnostic_new(struct web *w) { web_error(w, 404, NULL); }
void page_diagnostic_create(struct web *w) { web_error(w, 404, NULL); }
void page_diagnostic(struct web *w) { web_error(w, 404, NULL); }
void diagnostics_section(struct web *w, int64_t person_id) { (void)w; (void)person_id; }
