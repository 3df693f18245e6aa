/* Placeholder: being written. */
#include "web/web.h"
void page_structure_organisms(struct web *w) { web_error(w, 404, NULL); }
void page_procedure_new(struct web *w) { web_error(w, 404, NULL); }
void page_procedure_create(struct web *w) { web_error(w, 404, NULL); }
void page_procedure(struct web *w) { web_error(w, 404, NULL); }
void page_procedure_update(struct web *w) { web_error(w, 404, NULL); }
void page_procedure_checklist(struct web *w) { web_error(w, 404, NULL); }
void page_procedure_act(struct web *w) { web_error(w, 404, NULL); }
void page_mandate_new(struct web *w) { web_error(w, 404, NULL); }
void page_mandate_create(struct web *w) { web_error(w, 404, NULL); }
void page_mandate(struct web *w) { web_error(w, 404, NULL); }
void page_mandate_attestation(struct web *w) { web_error(w, 404, NULL); }
void page_mandate_revoke(struct web *w) { web_error(w, 404, NULL); }
void page_mandate_revocation(struct web *w) { web_error(w, 404, NULL); }
void page_mandate_acts(struct web *w) { web_error(w, 404, NULL); }
void procedures_section(struct web *w, int64_t person_id) { (void)w; (void)person_id; }
