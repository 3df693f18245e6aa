/* Documents attached to a file: upload, download, deletion, and the list
 * shown on the pages of a person, a démarche, a mandate or an aid request. */
#include "web/web.h"
#include "core/clock.h"
#include "domain/audit.h"
#include "domain/document.h"
#include "domain/person.h"

#include <stdio.h>
#include <string.h>

/* The objects a document may hang on, with the page that shows each. */
static const struct {
	const char *type, *page, *label, *back; /* page: the path before the id */
} OBJECTS[] = {
	{"person", "/personnes/", "Dossier", "Retour au dossier"},
	{"procedure", "/demarches/", "Démarche", "Retour à la démarche"},
	{"mandate", "/mandats/", "Mandat", "Retour au mandat"},
	{"aid", "/aides/", "Demande d'aide", "Retour à la demande d'aide"},
};
enum { NOBJECTS = sizeof OBJECTS / sizeof OBJECTS[0] };

static int object_index(const char *type)
{
	for (int i = 0; i < NOBJECTS; i++)
		if (type && strcmp(OBJECTS[i].type, type) == 0)
			return i;
	return -1;
}

/* "/demarches/12#pieces-jointes": where the list of an object is. */
static const char *object_page(struct web *w, int i, int64_t id, const char *anchor)
{
	const char *s = pool_printf(w->req->pool, "%s%lld%s", OBJECTS[i].page, (long long)id, anchor);
	return s ? s : "/personnes";
}

struct section {
	struct web *w;
	int all;   /* the person's page: every document, with what it is attached to */
	int n;
};

static void add_document(void *arg, const struct document *d)
{
	struct section *s = arg;
	struct tpl_ctx *c = tpl_list_add(s->w->tpl, "attachments");
	char size[32], when[64];
	document_size_fr(d->size, size, sizeof size);
	clock_format_fr(d->created_at, when, sizeof when);
	tpl_set_int(c, "id", d->id);
	tpl_set(c, "name", d->name);
	tpl_set(c, "type", document_type_label(d->mime));
	tpl_set(c, "size", size);
	tpl_set(c, "date", when);
	tpl_set(c, "uploader", d->uploader);
	int i = object_index(d->object_type);
	if (s->all && i > 0) {
		tpl_set(c, "attached_href", object_page(s->w, i, d->object_id, ""));
		tpl_set(c, "attached_label", OBJECTS[i].label);
	}
	s->n++;
}

void documents_section(struct web *w, int64_t person_id, const char *object_type, int64_t object_id)
{
	int i = object_index(object_type);
	struct person p;
	/* The caller has opened the file; this only learns whether it is read-only. */
	if (i < 0 || !person_can_follow(&w->actor) || person_get(w->db, &w->actor, person_id, &p, NULL) != 1)
		return;
	struct section s = {w, i == 0, 0};
	if (document_list(w->db, &w->actor, person_id, object_type, object_id, add_document, &s) < 0)
		tpl_set_bool(w->tpl, "doc_unavailable", 1);
	char max[32];
	document_size_fr((int64_t)document_max_size, max, sizeof max);
	tpl_setf(w->tpl, "doc_hint", "PDF, JPEG ou PNG, %s au plus.", max);
	tpl_set_bool(w->tpl, "doc_any", s.n > 0);
	tpl_set_bool(w->tpl, "doc_readonly", strcmp(p.status, "active") != 0);
	tpl_set_int(w->tpl, "doc_person_id", person_id);
	tpl_set(w->tpl, "doc_object", object_type);
	tpl_set_int(w->tpl, "doc_object_id", object_id);
	tpl_set(w->tpl, "doc_return", object_page(w, i, object_id, "#pieces-jointes"));
}

static const struct http_file *form_file(struct web *w, const char *name)
{
	for (size_t i = 0; i < w->req->files.n; i++)
		if (strcmp(w->req->files.items[i].name, name) == 0)
			return &w->req->files.items[i];
	return NULL;
}

/* A refused upload: the documents of the object again, with the error
 * next to the file field (the page the form came from is another
 * handler's, so the list and the form are shown on their own page). */
static void render_upload_error(struct web *w, int i, int64_t object_id, const char *message)
{
	struct person p;
	if (person_get(w->db, &w->actor, w->id, &p, NULL) == 1) {
		char name[300];
		person_display_name(&p, name, sizeof name);
		tpl_set(w->tpl, "doc_person_name", name);
		tpl_set(w->tpl, "doc_file_number", p.file_number);
	}
	web_field_error(w, "fichier", message);
	documents_section(w, w->id, OBJECTS[i].type, object_id);
	tpl_set(w->tpl, "doc_back", object_page(w, i, object_id, ""));
	tpl_set(w->tpl, "doc_back_label", OBJECTS[i].back);
	web_render(w, "documents", "Ajouter un document");
}

void page_document_upload(struct web *w)
{
	const char *type = web_form(w, "objet");
	const char *oid = web_form(w, "objet_id");
	int i = object_index(type[0] ? type : "person");
	int64_t object_id = w->id;
	if (i < 0 || (oid[0] && str_to_i64(str_from(oid), 1, INT64_MAX, &object_id) < 0)) {
		web_error(w, 400, "Le document doit être joint à un dossier, une démarche, un mandat ou une demande d'aide.");
		return;
	}
	const struct http_file *file = form_file(w, "fichier");
	struct buf err = BUF_INIT;
	int64_t id = document_add(w->db, &w->actor, w->id, OBJECTS[i].type, object_id, file ? file->filename : NULL,
				  file ? file->data : NULL, file ? file->len : 0, &err);
	if (id == DOC_ERR_NOT_FOUND) {
		web_error(w, 404, "Ce dossier n'existe pas ou ne vous est pas accessible.");
	} else if (id == DOC_ERR_INPUT) {
		if (file && file->len > document_max_size)
			w->resp->status = 413;
		render_upload_error(w, i, object_id, buf_cstr(&err));
	} else if (id < 0) {
		web_error(w, 500, buf_cstr(&err));
	} else {
		const char *back = req_form(w->req, "retour");
		web_redirect(w, back ? web_safe_return(back) : object_page(w, i, object_id, "#pieces-jointes"), "Document ajouté.");
	}
	buf_free(&err);
}

static int load_document(struct web *w, struct document *d)
{
	int rc = document_get(w->db, &w->actor, w->id, d);
	if (rc < 0)
		web_error(w, 503, NULL);
	else if (rc == 0)
		web_error(w, 404, "Ce document n'existe pas ou ne vous est pas accessible.");
	return rc == 1 ? 0 : -1;
}

/* attachment; filename="ASCII fallback"; filename*=UTF-8''percent-encoded
 * (RFC 6266): the name as kept, never a header break or a path. */
static const char *disposition(struct web *w, const char *name)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "attachment; filename=\"");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (*p >= 0x80) {
			if ((*p & 0xc0) == 0xc0)
				buf_putc(&b, '_');
		} else if (*p >= 0x20 && *p != 0x7f && *p != '"' && *p != '\\' && *p != '%' && *p != ';') {
			buf_putc(&b, (char)*p);
		}
	}
	buf_puts(&b, "\"; filename*=UTF-8''");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    (*p && strchr("!#$&+-.^_`|~", *p)))
			buf_putc(&b, (char)*p);
		else
			buf_appendf(&b, "%%%02X", *p);
	}
	const char *s = pool_strdup(w->req->pool, buf_cstr(&b));
	buf_free(&b);
	return s ? s : "attachment";
}

void page_document(struct web *w)
{
	struct document d;
	if (load_document(w, &d) < 0)
		return;
	/* The type recorded came from the content; anything else is not served as such. */
	const char *type = "application/octet-stream";
	for (enum doc_type t = DOC_PDF; t <= DOC_PNG; t++)
		if (strcmp(d.mime, document_mime(t)) == 0)
			type = document_mime(t);
	struct buf *body = &w->resp->body;
	buf_reset(body);
	body->max = 0;
	if (document_read(&d, body) < 0) {
		web_error(w, 500, "Le fichier de ce document est illisible ou manquant. Prévenez l'administrateur.");
		return;
	}
	char detail[DOC_NAME_MAX * 4 + 32];
	snprintf(detail, sizeof detail, "%lld %s", (long long)d.id, d.name);
	if (audit_log(w->db, &w->actor, "document.read", "person", d.person_id, detail) < 0) {
		/* No audit row, no document. */
		web_error(w, 503, NULL);
		return;
	}
	w->resp->content_type = type;
	resp_header(w->req, w->resp, "Content-Disposition", disposition(w, d.name));
}

void page_document_delete(struct web *w)
{
	struct document d;
	if (load_document(w, &d) < 0)
		return;
	struct buf err = BUF_INIT;
	int rc = document_delete(w->db, &w->actor, &d, &err);
	if (rc == DOC_ERR_INPUT) {
		web_error(w, 403, buf_cstr(&err));
	} else if (rc < 0) {
		web_error(w, 503, buf_cstr(&err));
	} else {
		const char *back = req_form(w->req, "retour");
		int i = object_index(d.object_type);
		web_redirect(w, back || i < 0 ? web_safe_return(back) : object_page(w, i, d.object_id, "#pieces-jointes"),
			     "Document supprimé.");
	}
	buf_free(&err);
}
