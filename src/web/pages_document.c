/* Placeholder: being written. */
#include "web/web.h"
void page_document_upload(struct web *w) { web_error(w, 404, NULL); }
void page_document(struct web *w) { web_error(w, 404, NULL); }
void page_document_delete(struct web *w) { web_error(w, 404, NULL); }
void documents_section(struct web *w, int64_t person_id, const char *object_type, int64_t object_id) { (void)w; (void)person_id; (void)object_type; (void)object_id; }
