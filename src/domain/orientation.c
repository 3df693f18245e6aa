#include "domain/orientation.h"
#include "core/clock.h"
#include "core/pool.h"
#include "db/queries.h"
#include "domain/audit.h"
#include "domain/directory.h"
#include "domain/directory_search.h"
#include "domain/journal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct choice orientation_statuses[] = {
	{"proposee", "Proposée"},
	{"transmise", "Transmise au partenaire"},
	{"contactee", "Contactée par le partenaire"},
	{"realisee", "Réalisée"},
	{"abandonnee", "Abandonnée"},
	{"refusee", "Refusée"},
	{NULL, NULL}};

const struct choice orientation_channels[] = {
	{"telephone", "Un appel"},
	{"courrier", "Une lettre"},
	{"partenaire", "La réponse du partenaire"},
	{"personne", "La personne nous l'a dit"},
	{"autre", "Autre"},
	{NULL, NULL}};

/* News from the partner or the person: the follow-up task is no longer needed. */
static int is_news(const char *status)
{
	return strcmp(status, "contactee") == 0 || strcmp(status, "realisee") == 0 || strcmp(status, "abandonnee") == 0 ||
	       strcmp(status, "refusee") == 0;
}

/* The first value of a '|'-joined list. */
static void first_of(const char *list, char *out, size_t n)
{
	out[0] = '\0';
	if (list)
		snprintf(out, n, "%.*s", (int)strcspn(list, "|"), list);
}

/* The follow-up task of an orientation just transmise: due reminder_days
 * from today, for the worker who recorded it. */
static int add_follow_up(struct db *db, const struct actor *by, int64_t id, int64_t person_id, const char *partner,
			 const char *service, int days)
{
	char today[11], due[11];
	date_today(today);
	if (date_add(today, 0, days, due) < 0)
		return -1;
	char text[800];
	snprintf(text, sizeof text, "Orientation vers %s (%s) : sans nouvelles ? Appeler la personne ou le partenaire.",
		 partner[0] ? partner : service, service);
	struct buf err = BUF_INIT;
	int rc = task_add(db, by, person_id, 0, text, due, by->user_id, &err);
	buf_free(&err);
	int64_t task = 0;
	if (rc < 0 || db_get_int(db, SQL_ORIENT_NEWEST_TASK, &task, "ii", by->structure_id, person_id) != 1 ||
	    db_exec(db, SQL_ORIENT_SET_TASK, "ii", id, task) < 0)
		return -1;
	return 0;
}

static int add_event(struct db *db, const struct actor *by, int64_t id, const char *status, const char *channel,
		     const char *note)
{
	return db_exec(db, SQL_ORIENT_EVENT_ADD, "iisssIi", by->structure_id, id, status, channel, note, by->user_id,
		       clock_now());
}

/* The person, if the actor may follow them and the file is open. */
static int person_open(struct db *db, const struct actor *by, int64_t person_id,
		       void (*on_error)(void *arg, const char *field, const char *msg), void *arg)
{
	struct person *p = malloc(sizeof *p);
	int rc = p ? person_get(db, by, person_id, p, NULL) : -1;
	int active = rc == 1 && strcmp(p->status, "active") == 0;
	free(p);
	if (rc != 1 || !person_can_follow(by)) {
		on_error(arg, "", "Ce dossier n'existe pas ou ne vous est pas accessible.");
		return -1;
	}
	if (!active) {
		on_error(arg, "", "Ce dossier est archivé : il ne peut plus être modifié.");
		return -1;
	}
	return 0;
}

#define FIELD_ERROR(f, m)                \
	do {                             \
		on_error(arg, (f), (m)); \
		bad = 1;                 \
	} while (0)

int64_t orientation_create(struct db *db, const struct actor *by, int64_t person_id, const struct orientation_input *in,
			   void (*on_error)(void *arg, const char *field, const char *msg), void *arg)
{
	if (person_open(db, by, person_id, on_error, arg) < 0)
		return -1;
	struct pool *pool = pool_new();
	struct dir_service_view *v = pool ? pool_alloc(pool, sizeof *v) : NULL;
	if (!v) {
		pool_free(pool);
		on_error(arg, "", "Mémoire insuffisante : réessayez.");
		return -1;
	}
	int bad = 0, found;
	if (in->local_service_id)
		found = directory_local_service_get(db, by, in->local_service_id, pool, v);
	else
		found = in->service_id ? directory_service_get(db, in->service_id, pool, v) : 0;
	if (found != 1)
		FIELD_ERROR("service", "Choisissez un service dans l'annuaire.");
	if (!utf8_text_fits(in->reason, ORIENT_TEXT_MAX, 1) || strlen(in->reason) < 3)
		FIELD_ERROR("reason", "Écrivez pourquoi vous proposez ce service (2 000 caractères au plus).");
	if (!utf8_text_fits(in->shared, ORIENT_TEXT_MAX, 1))
		FIELD_ERROR("shared", "2 000 caractères au plus.");
	else if (in->shared[0] && !in->consent)
		FIELD_ERROR("consent", "Rien n'est transmis au partenaire sans l'accord de la personne : cochez son accord, "
				       "ou videz le champ « Ce qui est transmis ».");
	if (!utf8_text_fits(in->how_to_go, ORIENT_SLIP_MAX, 1))
		FIELD_ERROR("how_to_go", "1 000 caractères au plus.");
	if (!utf8_text_fits(in->to_bring, ORIENT_SLIP_MAX, 1))
		FIELD_ERROR("to_bring", "1 000 caractères au plus.");
	if (!utf8_text_fits(in->to_say, ORIENT_SLIP_MAX, 1))
		FIELD_ERROR("to_say", "1 000 caractères au plus.");
	if (strcmp(in->status, "proposee") != 0 && strcmp(in->status, "transmise") != 0)
		FIELD_ERROR("status", "Choisissez : proposée à la personne, ou déjà transmise au partenaire.");
	int64_t days = 0;
	struct directory_settings set;
	if (in->reminder_days[0]) {
		if (str_to_i64(str_from(in->reminder_days), 1, 365, &days) < 0)
			FIELD_ERROR("reminder_days", "Un nombre de jours entre 1 et 365.");
	} else if (directory_settings_get(db, by->structure_id, &set) == 0) {
		days = set.reminder_days;
	} else {
		days = 15;
	}
	char theme[80] = "", partner_type[80] = "";
	const char *thematiques = found == 1 ? v->service.v[DSF_THEMATIQUES] : NULL;
	if (in->theme[0]) {
		if (directory_term_index(DV_THEME_CATEGORY, in->theme) < 0)
			FIELD_ERROR("theme", "Choisissez le besoin parmi la liste.");
		else
			cstr_copy(theme, sizeof theme, in->theme);
	} else if (thematiques) {
		first_of(thematiques, theme, sizeof theme);
		char *dash = strstr(theme, "--");
		if (dash)
			*dash = '\0';
	}
	if (bad) {
		pool_free(pool);
		return -1;
	}
	first_of(v->structure.v[DTF_RESEAUX_PORTEURS], partner_type, sizeof partner_type);
	if (!partner_type[0] && !v->local)
		cstr_copy(partner_type, sizeof partner_type, v->structure.v[DTF_LMN_TYPOLOGIE] ? v->structure.v[DTF_LMN_TYPOLOGIE] : "");
	const char *service = v->service.v[DSF_NOM] ? v->service.v[DSF_NOM] : "";
	const char *partner = v->structure.v[DTF_NOM] ? v->structure.v[DTF_NOM] : "";
	int64_t now = clock_now(), id = -1;
	if (db_begin(db) < 0)
		goto fail;
	if (db_exec(db, SQL_ORIENT_ADD, "iiIIssssssissssiii", by->structure_id, person_id,
		    v->local ? (int64_t)0 : v->id, v->local ? v->id : (int64_t)0, service, partner, theme, partner_type,
		    in->reason, in->shared[0] ? in->shared : "", (int64_t)(in->shared[0] && in->consent), in->how_to_go,
		    in->to_bring, in->to_say, in->status, now, days, by->user_id) < 0)
		goto fail;
	id = db_last_id(db);
	char detail[80];
	snprintf(detail, sizeof detail, "orientation %lld : %s", (long long)id, in->status);
	if (add_event(db, by, id, in->status, "", "") < 0 ||
	    audit_log(db, by, "orientation.add", "person", person_id, detail) < 0 ||
	    (strcmp(in->status, "transmise") == 0 && add_follow_up(db, by, id, person_id, partner, service, (int)days) < 0) ||
	    db_commit(db) < 0)
		goto fail;
	pool_free(pool);
	return id;
fail:
	db_rollback(db);
	pool_free(pool);
	on_error(arg, "", "Erreur de la base de données : l'orientation n'a pas été enregistrée.");
	return -1;
}

int orientation_set_status(struct db *db, const struct actor *by, int64_t id, int64_t version, const char *status,
			   const char *channel, const char *note,
			   void (*on_error)(void *arg, const char *field, const char *msg), void *arg)
{
	struct orientation *cur = malloc(sizeof *cur);
	if (!cur) {
		on_error(arg, "", "Mémoire insuffisante : réessayez.");
		return -1;
	}
	int rc = orientation_get(db, by, id, cur);
	if (rc != 1) {
		free(cur);
		on_error(arg, "", "Cette orientation n'existe pas ou ne vous est pas accessible.");
		return -1;
	}
	int bad = person_open(db, by, cur->person_id, on_error, arg) < 0;
	if (!bad) {
		if (!choice_known(orientation_statuses, status))
			FIELD_ERROR("status", "Choisissez où en est l'orientation.");
		if (channel[0] && !choice_known(orientation_channels, channel))
			FIELD_ERROR("channel", "Choisissez comment vous l'avez su.");
		if (!utf8_text_fits(note, ORIENT_TEXT_MAX, 1))
			FIELD_ERROR("note", "2 000 caractères au plus.");
		else if (choice_known(orientation_statuses, status) && strcmp(status, cur->status) == 0 && !note[0])
			FIELD_ERROR("note", "Le statut ne change pas : écrivez ce qui s'est passé.");
	}
	if (bad) {
		free(cur);
		return -1;
	}
	int64_t now = clock_now();
	if (db_begin(db) < 0)
		goto fail;
	if (db_exec(db, SQL_ORIENT_SET_STATUS, "iiisi", id, by->structure_id, version, status, now) < 0)
		goto fail;
	if (db_changes(db) == 0) {
		db_rollback(db);
		free(cur);
		return 1;
	}
	char detail[80];
	snprintf(detail, sizeof detail, "orientation %lld : %s", (long long)id, status);
	if (add_event(db, by, id, status, channel, note) < 0 ||
	    audit_log(db, by, "orientation.status", "person", cur->person_id, detail) < 0)
		goto fail;
	if (strcmp(status, "transmise") == 0 && !cur->task_id &&
	    add_follow_up(db, by, id, cur->person_id, cur->partner_name, cur->service_name, cur->reminder_days) < 0)
		goto fail;
	if (is_news(status) && cur->task_id) {
		int64_t open = 0, pid;
		if (db_get_int(db, SQL_ORIENT_TASK_OPEN, &open, "i", cur->task_id) < 0 ||
		    (open && task_set_done(db, by, cur->task_id, 1, &pid) < 0))
			goto fail;
	}
	if (db_commit(db) < 0)
		goto fail;
	free(cur);
	return 0;
fail:
	db_rollback(db);
	free(cur);
	on_error(arg, "", "Erreur de la base de données : rien n'a été enregistré.");
	return -1;
}

static void read_orientation(struct db_stmt *st, struct orientation *o)
{
	memset(o, 0, sizeof *o);
	int64_t *ints[] = {&o->id, &o->person_id, &o->service_id, &o->local_service_id, &o->status_at, &o->task_id,
			   &o->version, &o->created_by, &o->created_at, &o->updated_at};
	int k = 0;
	for (; k < (int)(sizeof ints / sizeof ints[0]); k++)
		*ints[k] = db_col_int(st, k);
	o->consent = (int)db_col_int(st, k++);
	o->reminder_days = (int)db_col_int(st, k++);
	struct {
		char *dst;
		size_t n;
	} texts[] = {{o->service_name, sizeof o->service_name}, {o->partner_name, sizeof o->partner_name},
		     {o->theme, sizeof o->theme},		{o->partner_type, sizeof o->partner_type},
		     {o->status, sizeof o->status},		{o->reason, sizeof o->reason},
		     {o->shared, sizeof o->shared},		{o->how_to_go, sizeof o->how_to_go},
		     {o->to_bring, sizeof o->to_bring},		{o->to_say, sizeof o->to_say},
		     {o->creator, sizeof o->creator}};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		cstr_copy(texts[i].dst, texts[i].n, db_col_text(st, k++));
}

int orientation_get(struct db *db, const struct actor *by, int64_t id, struct orientation *out)
{
	struct db_stmt *st = db_query(db, SQL_ORIENT_GET, "ii", id, by->structure_id);
	if (!st)
		return DB_ERR;
	int rc = db_step(st);
	if (rc == 1)
		read_orientation(st, out);
	db_done(st);
	return rc;
}

int orientation_list(struct db *db, const struct actor *by, int64_t person_id,
		     void (*fn)(void *arg, const struct orientation *o), void *arg)
{
	struct orientation *o = malloc(sizeof *o);
	struct db_stmt *st = o ? db_query(db, SQL_ORIENT_FOR_PERSON, "ii", person_id, by->structure_id) : NULL;
	if (!st) {
		free(o);
		return DB_ERR;
	}
	int rc;
	while ((rc = db_step(st)) == 1) {
		read_orientation(st, o);
		fn(arg, o);
	}
	db_done(st);
	free(o);
	return rc < 0 ? rc : 0;
}

int orientation_history(struct db *db, const struct actor *by, int64_t id,
			void (*fn)(void *arg, const struct orientation_event *e), void *arg)
{
	struct db_stmt *st = db_query(db, SQL_ORIENT_EVENTS, "ii", id, by->structure_id);
	if (!st)
		return DB_ERR;
	int rc;
	while ((rc = db_step(st)) == 1) {
		struct orientation_event e = {db_col_text(st, 0), db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 4),
					      db_col_int(st, 3)};
		fn(arg, &e);
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int orientation_stats(struct db *db, int64_t structure_id, int64_t worker_id, int64_t t_from, int64_t t_to,
		      void (*fn)(void *arg, const char *theme, const char *partner_type, const char *status, int64_t n),
		      void *arg)
{
	struct db_stmt *st = db_query(db, SQL_ORIENT_STATS, "iiii", structure_id, t_from, t_to, worker_id);
	if (!st)
		return DB_ERR;
	int rc;
	while ((rc = db_step(st)) == 1)
		fn(arg, db_col_text(st, 0), db_col_text(st, 1), db_col_text(st, 2), db_col_int(st, 3));
	db_done(st);
	return rc < 0 ? rc : 0;
}

const char *orientation_theme_label(const char *theme)
{
	const char *l = theme && theme[0] ? directory_term_label(DV_THEME_CATEGORY, theme) : NULL;
	return l ? l : "Besoin non précisé";
}

const char *orientation_partner_label(const char *partner_type)
{
	if (!partner_type || !partner_type[0])
		return "Type non précisé";
	const char *l = directory_term_label(DV_RESEAU_PORTEUR, partner_type);
	return l ? l : partner_type;
}
