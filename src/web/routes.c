/* The one table of routes, and the dispatcher that enforces its flags. */
#include "web/web.h"
#include "core/crypto.h"
#include "core/clock.h"
#include "core/log.h"

#include <stdio.h>

#include <string.h>

#define GET HTTP_GET
#define POST HTTP_POST
#define STAFF ROLES_STRUCTURE
#define HEAD_OF ROLE_RESPONSABLE
#define EVERYONE ROLES_ALL
#define FOLLOWS (ROLE_TRAVAILLEUR_SOCIAL | ROLE_RESPONSABLE)

const struct route web_routes[] = {
	{GET, "/static/*", page_static, R_PUBLIC, 0},
	{GET, "/sante", page_health, R_PUBLIC, 0},
	{GET, "/accessibilite", page_accessibility, R_PUBLIC, 0},
	{GET, "/connexion", page_login, R_PUBLIC, 0},
	{POST, "/connexion", page_login_post, R_PUBLIC | R_NO_CSRF_SESSION, 0},
	{GET, "/connexion/code", page_second_factor, R_PENDING, EVERYONE},
	{POST, "/connexion/code", page_second_factor_post, R_PENDING, EVERYONE},
	{GET, "/compte/double-authentification", page_totp_enrol, R_PENDING | R_ANY_PASSWORD, EVERYONE},
	{POST, "/compte/double-authentification", page_totp_enrol_post, R_PENDING | R_ANY_PASSWORD, EVERYONE},
	{POST, "/deconnexion", page_logout, R_PENDING | R_ANY_PASSWORD, EVERYONE},
	{GET, "/", page_home, 0, EVERYONE},
	{GET, "/compte", page_account, R_ANY_PASSWORD, EVERYONE},
	{POST, "/compte/mot-de-passe", page_account_password, R_ANY_PASSWORD, EVERYONE},
	{GET, "/utilisateurs", page_users, 0, HEAD_OF},
	{GET, "/utilisateurs/nouveau", page_user_new, 0, HEAD_OF},
	{POST, "/utilisateurs", page_user_create, 0, HEAD_OF},
	{POST, "/utilisateurs/{id}/desactiver", page_user_disable, 0, HEAD_OF},
	{POST, "/utilisateurs/{id}/reactiver", page_user_enable, 0, HEAD_OF},
	{POST, "/utilisateurs/{id}/mot-de-passe", page_user_reset, 0, HEAD_OF},
	{GET, "/journal", page_audit, 0, HEAD_OF},
	{GET, "/rapports/activite", page_report, 0, HEAD_OF},
	{GET, "/rapports/barometre", page_barometer, 0, HEAD_OF},
	{GET, "/rapports/export", page_report_export, 0, HEAD_OF},
	{GET, "/rapports/questionnaire", page_survey_results, 0, HEAD_OF},
	/* The anonymous questionnaire of the workers (pages_survey.c). */
	{GET, "/questionnaire", page_survey, 0, STAFF},
	{POST, "/questionnaire", page_survey_post, 0, STAFF},
	{GET, "/mon-activite", page_my_activity, 0, FOLLOWS},
	{GET, "/structure", page_structure, 0, HEAD_OF},
	{POST, "/structure", page_structure_post, 0, HEAD_OF},
	{POST, "/structure/themes", page_structure_themes, 0, HEAD_OF},
	{GET, "/personnes", page_persons, 0, STAFF},
	{GET, "/personnes/nouvelle", page_person_new, 0, STAFF},
	{GET, "/personnes/import", page_import, 0, HEAD_OF},
	{POST, "/personnes/import", page_import_post, R_UPLOAD, HEAD_OF},
	{POST, "/personnes", page_person_create, 0, STAFF},
	{GET, "/personnes/{id}", page_person, 0, STAFF},
	{POST, "/personnes/{id}", page_person_update, 0, STAFF},
	{GET, "/personnes/{id}/modifier", page_person_edit, 0, STAFF},
	{GET, "/personnes/{id}/nir", page_person_nir, 0, FOLLOWS},
	{GET, "/personnes/{id}/synthese", page_person_summary, 0, FOLLOWS},
	{GET, "/personnes/{id}/synthese.pdf", page_person_summary_pdf, 0, FOLLOWS},
	{POST, "/personnes/{id}/journal", page_entry_create, 0, STAFF},
	{POST, "/personnes/{id}/foyer", page_household_add, 0, FOLLOWS},
	{POST, "/personnes/{id}/referents", page_referent_add, 0, FOLLOWS},
	{POST, "/personnes/{id}/taches", page_task_create, 0, FOLLOWS},
	{POST, "/taches/{id}/fait", page_task_done, 0, FOLLOWS},
	{POST, "/taches/{id}/confier", page_task_reassign, 0, FOLLOWS},
	{GET, "/notice-information", page_notice, 0, STAFF},
	{GET, "/personnes/{id}/consultations", page_person_audit, 0, HEAD_OF},
	{GET, "/personnes/{id}/acces", page_person_access, 0, HEAD_OF},
	{POST, "/personnes/{id}/effacer", page_person_erase, 0, HEAD_OF},
	{POST, "/personnes/{id}/fusionner", page_person_merge, 0, FOLLOWS},
	/* Démarches, mandates and the acts done under them (pages_procedure.c). */
	{POST, "/structure/organismes", page_structure_organisms, 0, HEAD_OF},
	{POST, "/structure/rendez-vous", page_structure_appointment_kinds, 0, HEAD_OF},
	{GET, "/personnes/{id}/demarches/nouvelle", page_procedure_new, 0, FOLLOWS},
	{POST, "/personnes/{id}/demarches", page_procedure_create, 0, FOLLOWS},
	{GET, "/demarches/{id}", page_procedure, 0, FOLLOWS},
	{POST, "/demarches/{id}", page_procedure_update, 0, FOLLOWS},
	{POST, "/demarches/{id}/pieces", page_procedure_checklist, 0, FOLLOWS},
	{POST, "/demarches/{id}/actes", page_procedure_act, 0, FOLLOWS},
	{GET, "/personnes/{id}/mandats/nouveau", page_mandate_new, 0, FOLLOWS},
	{POST, "/personnes/{id}/mandats", page_mandate_create, 0, FOLLOWS},
	{GET, "/mandats/{id}", page_mandate, 0, FOLLOWS},
	{GET, "/mandats/{id}/attestation", page_mandate_attestation, 0, FOLLOWS},
	{POST, "/mandats/{id}/revoquer", page_mandate_revoke, 0, FOLLOWS},
	{GET, "/mandats/{id}/revocations/{id}", page_mandate_revocation, 0, FOLLOWS},
	{GET, "/personnes/{id}/actes-sous-mandat", page_mandate_acts, 0, FOLLOWS},
	/* Financial aid (pages_aid.c). */
	{GET, "/personnes/{id}/aides/nouvelle", page_aid_new, 0, FOLLOWS},
	{POST, "/personnes/{id}/aides", page_aid_create, 0, FOLLOWS},
	{GET, "/aides/{id}", page_aid, 0, FOLLOWS},
	{POST, "/aides/{id}", page_aid_update, 0, FOLLOWS},
	{GET, "/aides/{id}/decision", page_aid_letter, 0, FOLLOWS},
	/* Documents attached to a file (pages_document.c). */
	{POST, "/personnes/{id}/documents", page_document_upload, R_UPLOAD, FOLLOWS},
	{GET, "/documents/{id}", page_document, 0, FOLLOWS},
	{POST, "/documents/{id}/supprimer", page_document_delete, 0, FOLLOWS},
	/* The digital diagnostic (pages_diagnostic.c). */
	{GET, "/personnes/{id}/diagnostic", page_diagnostic_new, 0, FOLLOWS},
	{POST, "/personnes/{id}/diagnostic", page_diagnostic_create, 0, FOLLOWS},
	{GET, "/diagnostics/{id}", page_diagnostic, 0, FOLLOWS},
	/* Appointments and their reminders (pages_appointment.c). */
	{GET, "/agenda", page_agenda, 0, STAFF},
	{GET, "/rendez-vous/nouveau", page_appointment_new, 0, STAFF},
	{POST, "/rendez-vous", page_appointment_create, 0, STAFF},
	{GET, "/rendez-vous/{id}", page_appointment, 0, STAFF},
	{POST, "/rendez-vous/{id}", page_appointment_update, 0, STAFF},
	{POST, "/rendez-vous/{id}/annuler", page_appointment_cancel, 0, STAFF},
	{POST, "/rendez-vous/{id}/presence", page_appointment_outcome, 0, STAFF},
	{GET, "/rappels", page_reminders, 0, STAFF},
	{GET, "/rappels/lettres.pdf", page_reminder_letters, 0, STAFF},
	{POST, "/rappels/{id}/fait", page_reminder_done, 0, STAFF},
	{GET, "/structure/rappels", page_reminder_settings, 0, HEAD_OF},
	{POST, "/structure/rappels", page_reminder_settings_post, 0, HEAD_OF},
	{POST, "/compte/agenda", page_calendar_settings, 0, FOLLOWS},
	/* The services directory and orientations (pages_directory.c). */
	{GET, "/annuaire", page_directory, 0, STAFF},
	{GET, "/annuaire/services/{id}", page_directory_service, 0, STAFF},
	{GET, "/annuaire/locaux/{id}", page_directory_local, 0, STAFF},
	{GET, "/annuaire/partenaires", page_directory_partners, 0, HEAD_OF},
	{POST, "/annuaire/reglages", page_directory_settings, 0, HEAD_OF},
	{GET, "/annuaire/partenaires/nouveau", page_partner_new, 0, HEAD_OF},
	{POST, "/annuaire/partenaires", page_partner_create, 0, HEAD_OF},
	{GET, "/annuaire/partenaires/{id}", page_partner_edit, 0, HEAD_OF},
	{POST, "/annuaire/partenaires/{id}", page_partner_update, 0, HEAD_OF},
	{GET, "/annuaire/partenaires/{id}/services/nouveau", page_local_new, 0, HEAD_OF},
	{POST, "/annuaire/partenaires/{id}/services", page_local_create, 0, HEAD_OF},
	{GET, "/annuaire/locaux/{id}/modifier", page_local_edit, 0, HEAD_OF},
	{POST, "/annuaire/locaux/{id}", page_local_update, 0, HEAD_OF},
	{POST, "/annuaire/locaux/{id}/retirer", page_local_withdraw, 0, HEAD_OF},
	{GET, "/personnes/{id}/orientations/nouvelle", page_orientation_new, 0, FOLLOWS},
	{POST, "/personnes/{id}/orientations", page_orientation_create, 0, FOLLOWS},
	{GET, "/orientations/{id}", page_orientation, 0, FOLLOWS},
	{POST, "/orientations/{id}", page_orientation_update, 0, FOLLOWS},
	{GET, "/orientations/{id}/fiche", page_orientation_slip, 0, FOLLOWS},
	/* Reached without a session: the secret is in the address. */
	{GET, "/calendrier/*", page_calendar_feed, R_PUBLIC, 0},
	{GET, "/passerelle/sms/accuse", page_sms_report, R_PUBLIC, 0},
};
const size_t web_nroutes = sizeof web_routes / sizeof web_routes[0];

/* Matches one pattern; {id} takes a positive integer. */
static int pattern_match(const char *pat, const char *path, int64_t *id, int64_t *id2)
{
	int nid = 0;
	while (*pat) {
		if (pat[0] == '*' && pat[1] == '\0')
			return *path != '\0';
		if (pat[0] == '{' && strncmp(pat, "{id}", 4) == 0) {
			const char *end = path;
			while (*end >= '0' && *end <= '9')
				end++;
			int64_t v;
			if (str_to_i64((struct str){path, (size_t)(end - path)}, 1, INT64_MAX, &v) < 0)
				return 0;
			*(nid++ == 0 ? id : id2) = v;
			path = end;
			pat += 4;
			continue;
		}
		if (*pat != *path)
			return 0;
		pat++;
		path++;
	}
	return *path == '\0';
}

const struct route *web_route_match(int method, const char *path, int64_t *id, int64_t *id2, int *status)
{
	int path_found = 0;
	if (method == HTTP_HEAD)
		method = HTTP_GET;
	for (size_t i = 0; i < web_nroutes; i++) {
		int64_t a = 0, b = 0;
		if (!pattern_match(web_routes[i].pattern, path, &a, &b))
			continue;
		path_found = 1;
		if (web_routes[i].methods & method) {
			*id = a;
			*id2 = b;
			return &web_routes[i];
		}
	}
	*status = path_found ? 405 : 404;
	return NULL;
}

int web_accepts_upload(int method, const char *path)
{
	int64_t a, b;
	int status;
	const struct route *r = web_route_match(method, path, &a, &b, &status);
	return r && (r->flags & R_UPLOAD);
}

/* "app;dur=1.234" (milliseconds) into out (48 bytes or more), without
 * printf: every response carries it. */
static void format_server_timing(int64_t us, char *out, size_t size)
{
	static const char prefix[] = "app;dur=";
	char digits[24];
	size_t n = 0;
	uint64_t u = us > 0 ? (uint64_t)us : 0;
	do { /* at least four digits: 0.042 */
		digits[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u || n < 4);
	if (size < sizeof prefix + n + 1) {
		out[0] = '\0';
		return;
	}
	memcpy(out, prefix, sizeof prefix - 1);
	char *p = out + sizeof prefix - 1;
	while (n) {
		if (n == 3)
			*p++ = '.';
		*p++ = digits[--n];
	}
	*p = '\0';
}

static const char SESSION_COOKIE[] = "lien_session";

/* A POST that finds no valid session (expired during a long interview
 * note): show the login form carrying the typed fields, so that nothing
 * is lost. */
static void session_lost(struct web *w, int expired)
{
	if (w->req->method != HTTP_POST) {
		web_redirect(w, web_with_return(w, "/connexion", web_safe_return(w->req->path)), NULL);
		return;
	}
	w->resp->status = 401;
	tpl_set(w->tpl, "suite", web_safe_return(w->req->path));
	tpl_set_bool(w->tpl, "expired", expired);
	for (size_t i = 0; i < w->req->form.n; i++) {
		const struct http_param *p = &w->req->form.items[i];
		/* Secrets are never written back into a page. */
		static const char *const secret[] = {"csrf", "mot_de_passe", "actuel", "nouveau", "confirmation", "code"};
		int skip = strncmp(p->name, "keep_", 5) == 0;
		for (size_t k = 0; k < sizeof secret / sizeof secret[0] && !skip; k++)
			skip = strcmp(p->name, secret[k]) == 0;
		if (skip)
			continue;
		struct tpl_ctx *k = tpl_list_add(w->tpl, "kept");
		tpl_set(k, "name", p->name);
		tpl_set(k, "value", p->value);
	}
	page_login(w);
}

static int csrf_ok(struct web *w, const char *expected)
{
	const char *got = req_form(w->req, "csrf");
	size_t n = expected ? strlen(expected) : 0;
	return got && n >= TOKEN_LEN && strlen(got) == n && ct_equal(got, expected, n);
}

static void dispatch(struct web *w)
{
	struct request *req = w->req;
	if (req->error_status) {
		web_error(w, req->error_status, NULL);
		return;
	}
	int status = 404;
	const struct route *r = web_route_match(req->method, req->path, &w->id, &w->id2, &status);
	if (!r) {
		if (status == 405)
			resp_header(req, w->resp, "Allow", "GET, HEAD, POST");
		web_error(w, status, NULL);
		return;
	}
	/* The larger cap of uploads is for the routes that take a file. */
	if (!(r->flags & R_UPLOAD) && req->form_limit && req->body.len > req->form_limit) {
		web_error(w, 413, NULL);
		return;
	}
	if (r->flags & R_PUBLIC && r->handler == page_static) {
		r->handler(w);  /* no database, no session: the cheapest path */
		return;
	}
	w->db = db_thread();
	if (!w->db) {
		web_error(w, 503, NULL);
		return;
	}
	db_clear_error(w->db);
	/* A page read (GET, HEAD) sees one snapshot from the session check to
	 * the end, unless it writes (an audit entry, say), which ends it. */
	if (req->method != HTTP_POST)
		db_read_begin(w->db);
	/* Identify the session on every route, public ones included (the login
	 * page sends a logged-in user home). */
	const char *token = req_cookie(req, SESSION_COOKIE);
	enum session_state ss = token ? session_lookup(w->db, token, &w->sess) : SESSION_NONE;
	if (ss == SESSION_UNAVAILABLE) {
		web_error(w, 503, NULL);
		return;
	}
	if (ss == SESSION_VALID) {
		w->has_session = 1;
		cstr_copy(w->token, sizeof w->token, token);
		w->actor.user_id = w->sess.user.id;
		w->actor.structure_id = w->sess.user.structure_id;
		w->actor.role = w->sess.user.role;
		w->actor.second_factor = w->sess.user.totp_enabled && w->sess.stage == SESSION_COMPLETE;
	}
	w->actor.ip = req->ip;

	if (!(r->flags & R_PUBLIC)) {
		if (!w->has_session) {
			if (ss == SESSION_EXPIRED)
				resp_cookie(req, w->resp, SESSION_COOKIE, "", 0);
			session_lost(w, ss == SESSION_EXPIRED);
			return;
		}
		if (w->sess.stage != SESSION_COMPLETE && !(r->flags & R_PENDING)) {
			web_redirect(w, w->sess.user.totp_enabled ? "/connexion/code" : "/compte/double-authentification", NULL);
			return;
		}
		if (!(r->roles & w->sess.user.role)) {
			web_error(w, 403, "Votre rôle ne permet pas d'accéder à cette page.");
			return;
		}
		if (w->sess.user.must_change_password && w->sess.stage == SESSION_COMPLETE &&
		    !(r->flags & R_ANY_PASSWORD)) {
			web_redirect(w, "/compte", "Choisissez un nouveau mot de passe avant de continuer.");
			return;
		}
	}
	if (req->method == HTTP_POST) {
		const char *expected = (r->flags & R_NO_CSRF_SESSION) ? req_cookie(req, "lien_pre")
								       : (w->has_session ? w->sess.csrf : NULL);
		if (!csrf_ok(w, expected)) {
			web_error(w, 403, "Le formulaire a expiré ou ne vient pas de Lien. Rechargez la page et recommencez.");
			return;
		}
	}
	r->handler(w);
}

void web_handle(struct request *req, struct response *resp)
{
	struct web w;
	memset(&w, 0, sizeof w);
	w.req = req;
	w.resp = resp;
	w.tpl = tpl_ctx_new();
	if (!w.tpl) {
		resp->status = 500;
		buf_puts(&resp->body, "Erreur interne");
		return;
	}
	req->app = &w;
	int64_t start = clock_mono_us();
	dispatch(&w);
	if (w.db)
		db_read_end(w.db);
	if (w.db && db_in_tx(w.db)) {
		log_error("handler left a transaction open on %s", req->path);
		db_rollback(w.db);
	}
	tpl_ctx_free(w.tpl);
	req->app = NULL;
	/* The server-side time of each page, for benchmarks and browsers' tools. */
	char timing[48];
	format_server_timing(clock_mono_us() - start, timing, sizeof timing);
	resp_header(req, resp, "Server-Timing", timing);
}
