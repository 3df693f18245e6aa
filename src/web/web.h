/*
 * The web layer: one table of routes (routes.c), whose dispatcher enforces
 * authentication, second factor, roles and CSRF from each route's flags
 * before the handler runs; handlers read declared fields, call the domain
 * and render templates.
 */
#ifndef LIEN_WEB_H
#define LIEN_WEB_H

#include "db/db.h"
#include "domain/auth.h"
#include "domain/domain.h"
#include "domain/person.h"
#include "http/http.h"
#include "view/tpl.h"

struct web {
	struct request *req;
	struct response *resp;
	struct db *db;
	struct session sess;      /* valid when has_session */
	int has_session;
	char token[48];           /* the session cookie value */
	struct actor actor;       /* who acts (user, structure, role, ip) */
	int64_t id;               /* the {id} of the path, when the route has one */
	int64_t id2;              /* a second {id} */
	struct tpl_ctx *tpl;      /* the page's values; freed after rendering */
};

enum route_flags {
	R_PUBLIC = 1 << 0,        /* no session needed */
	R_PENDING = 1 << 1,       /* reachable between password and second factor */
	R_NO_CSRF_SESSION = 1 << 2, /* POST checked against the pre-login cookie instead */
	R_ANY_PASSWORD = 1 << 3,  /* reachable while a password change is required */
	R_UPLOAD = 1 << 4,        /* takes a file: body up to --max-upload, not --max-body */
};

struct route {
	int methods;              /* HTTP_GET | HTTP_POST */
	const char *pattern;      /* "/utilisateurs/{id}/desactiver"; a final * matches any rest */
	void (*handler)(struct web *w);
	int flags;
	int roles;                /* roles allowed (0 for public routes) */
};

extern const struct route web_routes[];
extern const size_t web_nroutes;

/* The entry point given to the HTTP layer. */
void web_handle(struct request *req, struct response *resp);
/* Whether a route takes a file upload (http_config.accepts_upload). */
int web_accepts_upload(int method, const char *path);
/* Matches a method and path against the table (also used by the
 * authorization-matrix test). Returns the route or NULL; *status is 404 or 405. */
const struct route *web_route_match(int method, const char *path, int64_t *id, int64_t *id2, int *status);

/* ---- rendering (render.c) ---- */
/* Renders templates/<name>.html inside the layout, with the common values
 * (user, navigation, CSRF token). The status stays as set. */
void web_render(struct web *w, const char *tpl_name, const char *title);
/* A French error page for 400, 403, 404, 405, 413, 429, 500 or 503. */
void web_error(struct web *w, int status, const char *detail);
/* Field error helper: sets "<field>_error" and a summary item. */
void web_field_error(struct web *w, const char *field, const char *message);
void web_flash(struct web *w, const char *message);
/* Redirects after a successful POST, with a message shown on the next page. */
void web_redirect(struct web *w, const char *location, const char *flash);
/* Form value or "" (never NULL). */
const char *web_form(struct web *w, const char *name);
/* "/connexion?suite=PATH" and the like: the path percent-encoded, in the pool. */
const char *web_with_return(struct web *w, const char *base, const char *path);
/* "/" unless s is a local path (no scheme, no "//"): no open redirects. */
const char *web_safe_return(const char *s);

/* A form described once: the _fields partial renders each field with its
 * label, hint, typed value and error (set by web_field_error). */
enum form_kind { FF_TEXT, FF_DATE, FF_LONG, FF_SELECT, FF_RADIO, FF_CHECKS, FF_MONEY };
struct form_field {
	const char *name, *label;
	enum form_kind kind;
	const struct choice *choices; /* FF_SELECT, FF_RADIO, FF_CHECKS */
	const char *hint;
	int required;
};
/* Adds the fields to the list `key`; values[i] is field i's current value
 * (FF_CHECKS: comma-separated), NULL for "". */
void web_fields(struct web *w, const char *key, const struct form_field *f, size_t n, const char *const *values);
/* All values of a repeated form field (checkboxes) joined with commas, in
 * the request pool. */
const char *web_form_joined(struct web *w, const char *name);
/* "YYYY-MM-DD" as "JJ/MM/AAAA", in the request pool. */
const char *web_date_fr(struct web *w, const char *iso);

/* ---- handlers ---- */
void page_home(struct web *w);
void page_health(struct web *w);
void page_static(struct web *w);
void page_accessibility(struct web *w);
void page_login(struct web *w);
void page_login_post(struct web *w);
void page_logout(struct web *w);
void page_second_factor(struct web *w);
void page_second_factor_post(struct web *w);
void page_totp_enrol(struct web *w);
void page_totp_enrol_post(struct web *w);
void page_account(struct web *w);
void page_account_password(struct web *w);
void page_users(struct web *w);
void page_user_new(struct web *w);
void page_user_create(struct web *w);
void page_user_disable(struct web *w);
void page_user_enable(struct web *w);
void page_user_reset(struct web *w);
void page_audit(struct web *w);
void page_persons(struct web *w);
void page_person_new(struct web *w);
void page_person_create(struct web *w);
void page_person(struct web *w);
void page_person_nir(struct web *w);
void page_person_edit(struct web *w);
void page_person_update(struct web *w);
void page_person_summary(struct web *w);
void page_person_summary_pdf(struct web *w);
void page_household_add(struct web *w);
void page_referent_add(struct web *w);
void page_entry_create(struct web *w);
void page_task_create(struct web *w);
void page_task_done(struct web *w);
void page_task_reassign(struct web *w);
void page_notice(struct web *w);
void page_person_audit(struct web *w);
void page_person_access(struct web *w);
void page_person_erase(struct web *w);
void page_person_merge(struct web *w);
void page_import(struct web *w);
void page_report(struct web *w);
void page_barometer(struct web *w);
void page_report_export(struct web *w);
/* pages_survey.c */
void page_survey(struct web *w);
void page_survey_post(struct web *w);
void page_survey_results(struct web *w);
void page_my_activity(struct web *w);
void page_structure(struct web *w);
void page_structure_post(struct web *w);
void page_structure_themes(struct web *w);
void page_import_post(struct web *w);
/* pages_procedure.c */
void page_structure_organisms(struct web *w);
void page_procedure_new(struct web *w);
void page_procedure_create(struct web *w);
void page_procedure(struct web *w);
void page_procedure_update(struct web *w);
void page_procedure_checklist(struct web *w);
void page_procedure_act(struct web *w);
void page_mandate_new(struct web *w);
void page_mandate_create(struct web *w);
void page_mandate(struct web *w);
void page_mandate_attestation(struct web *w);
void page_mandate_revoke(struct web *w);
void page_mandate_revocation(struct web *w);
void page_mandate_acts(struct web *w);
/* The démarches and mandates of a file, for the file page and the summary. */
void procedures_section(struct web *w, int64_t person_id);
/* pages_aid.c */
void page_aid_new(struct web *w);
void page_aid_create(struct web *w);
void page_aid(struct web *w);
void page_aid_update(struct web *w);
void page_aid_letter(struct web *w);
void aids_section(struct web *w, int64_t person_id);
/* pages_document.c */
void page_document_upload(struct web *w);
void page_document(struct web *w);
void page_document_delete(struct web *w);
/* Lists the documents attached to an object ("person", "procedure",
 * "mandate", "aid") for the _documents partial. */
void documents_section(struct web *w, int64_t person_id, const char *object_type, int64_t object_id);
/* pages_diagnostic.c */
void page_diagnostic_new(struct web *w);
void page_diagnostic_create(struct web *w);
void page_diagnostic(struct web *w);
void diagnostics_section(struct web *w, int64_t person_id);
/* pages_appointment.c */
void page_agenda(struct web *w);
void page_structure_appointment_kinds(struct web *w);
void page_appointment_new(struct web *w);
void page_appointment_create(struct web *w);
void page_appointment(struct web *w);
void page_appointment_update(struct web *w);
void page_appointment_cancel(struct web *w);
void page_appointment_outcome(struct web *w);
void page_reminders(struct web *w);
void page_reminder_letters(struct web *w);
void page_reminder_done(struct web *w);
void page_reminder_settings(struct web *w);
void page_reminder_settings_post(struct web *w);
void page_calendar_settings(struct web *w);
void page_calendar_feed(struct web *w);
void page_sms_report(struct web *w);
void appointments_section(struct web *w, int64_t person_id);
/* pages_directory.c */
void page_directory(struct web *w);
void page_directory_service(struct web *w);
void page_directory_local(struct web *w);
void page_directory_partners(struct web *w);
void page_directory_settings(struct web *w);
void page_partner_new(struct web *w);
void page_partner_create(struct web *w);
void page_partner_edit(struct web *w);
void page_partner_update(struct web *w);
void page_local_new(struct web *w);
void page_local_create(struct web *w);
void page_local_edit(struct web *w);
void page_local_update(struct web *w);
void page_local_withdraw(struct web *w);
void page_orientation_new(struct web *w);
void page_orientation_create(struct web *w);
void page_orientation(struct web *w);
void page_orientation_update(struct web *w);
void page_orientation_slip(struct web *w);
/* The orientations of a file, for the file page. */
void orientations_section(struct web *w, int64_t person_id);

#endif
