#include "domain/journal.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "db/queries.h"
#include "domain/audit.h"
#include "domain/labels.h"
#include "core/text.h"
#include "domain/user.h"

#include <stdio.h>
#include <string.h>

const struct choice journal_media[] = {
	{"visite_planifiee", "Rendez-vous sur place"},
	{"visite_spontanee", "Visite sans rendez-vous"},
	{"telephone", "Téléphone"},
	{"visite_domicile", "Visite à domicile"},
	{"courrier", "Courrier"},
	{"courriel", "Courriel"},
	{"visio", "Visioconférence"},
	{"tiers", "Par un tiers"},
	{NULL, NULL}};

const struct choice journal_kinds[] = {
	{"accueil", "Accueil"},
	{"entretien", "Entretien"},
	{"demarche", "Démarche"},
	{"orientation", "Orientation"},
	{"accompagnement_numerique", "Accompagnement numérique"},
	{"reunion_partenaire", "Réunion avec un partenaire"},
	{"tache_administrative", "Tâche administrative"},
	{NULL, NULL}};

const struct choice journal_themes[] = {
	{"choisir-un-metier", "Choisir un métier"},
	{"creer-une-entreprise", "Créer une entreprise"},
	{"difficultes-administratives-ou-juridiques", "Difficultés administratives ou juridiques"},
	{"difficultes-financieres", "Difficultés financières"},
	{"equipement-et-alimentation", "Équipement et alimentation"},
	{"famille", "Famille"},
	{"lecture-ecriture-calcul", "Lecture, écriture et calcul"},
	{"logement-hebergement", "Logement et hébergement"},
	{"mobilite", "Mobilité"},
	{"numerique", "Numérique"},
	{"preparer-sa-candidature", "Préparer sa candidature"},
	{"remobilisation", "Remobilisation"},
	{"sante", "Santé"},
	{"se-former", "Se former"},
	{"souvrir-a-linternational", "S'ouvrir à l'international"},
	{"trouver-un-emploi", "Trouver un emploi"},
	{NULL, NULL}};

int themes_load(struct db *db, int64_t structure_id, struct theme_list *out)
{
	out->n = 0;
	for (const struct choice *c = journal_themes; c->value && out->n < THEMES_MAX; c++) {
		struct theme *t = &out->items[out->n++];
		cstr_copy(t->value, sizeof t->value, c->value);
		cstr_copy(t->label, sizeof t->label, c->label);
		t->active = t->is_default = 1;
	}
	struct db_stmt *st = db_query(db, SQL_THEMES_OF_STRUCTURE, "i", structure_id);
	if (!st)
		return DB_ERR;
	int rc;
	while ((rc = db_step(st)) == 1) {
		struct theme *t = NULL;
		for (int i = 0; i < out->n && !t; i++)
			if (strcmp(out->items[i].value, db_col_text(st, 0)) == 0)
				t = &out->items[i];
		if (!t && out->n < THEMES_MAX) {
			t = &out->items[out->n++];
			memset(t, 0, sizeof *t);
			cstr_copy(t->value, sizeof t->value, db_col_text(st, 0));
			cstr_copy(t->label, sizeof t->label, db_col_text(st, 1));
		}
		if (t)
			t->active = (int)db_col_int(st, 2);
	}
	db_done(st);
	return rc;
}

const char *theme_label(const struct theme_list *l, const char *value)
{
	for (int i = 0; i < l->n; i++)
		if (strcmp(l->items[i].value, value) == 0)
			return l->items[i].label;
	return value;
}

int theme_set(struct db *db, const struct actor *by, const char *value, const char *label, int active, struct buf *err)
{
	struct theme_list l;
	if (themes_load(db, by->structure_id, &l) < 0) {
		buf_appendf(err, "Erreur de la base de données : %s", db_errmsg(db));
		return -1;
	}
	char made[64];
	if (!value) {
		/* A new theme: its value is made from its label. */
		size_t n = label ? strlen(label) : 0;
		if (n < 2 || n > 100 || !utf8_valid_text(label, n, 0)) {
			buf_puts(err, "Le nom du thème doit faire entre 2 et 100 caractères.");
			return -1;
		}
		if (l.n >= THEMES_MAX) {
			buf_puts(err, "Le nombre de thèmes est limité à 64.");
			return -1;
		}
		label_value_from(label, made, sizeof made);
		value = made;
	} else {
		label = theme_label(&l, value);
		if (label == value) {
			buf_puts(err, "Thème inconnu.");
			return -1;
		}
	}
	if (db_begin(db) < 0 || db_exec(db, SQL_THEME_SET, "issd", by->structure_id, value, label, active ? 1 : 0) < 0 ||
	    audit_log(db, by, active ? "theme.on" : "theme.off", "structure", by->structure_id, value) < 0 ||
	    db_commit(db) < 0) {
		db_rollback(db);
		buf_appendf(err, "Erreur de la base de données : %s", db_errmsg(db));
		return -1;
	}
	return 0;
}

/* "2026-11-28T14:30" in Paris time -> Unix time. */
static int parse_local_datetime(const char *s, int64_t *out)
{
	char date[11];
	int64_t h, mi;
	if (strlen(s) != 16 || s[10] != 'T' || s[13] != ':')
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	int y, m, d;
	if (date_parse(date, &y, &m, &d) < 0 || str_to_i64((struct str){s + 11, 2}, 0, 23, &h) < 0 ||
	    str_to_i64((struct str){s + 14, 2}, 0, 59, &mi) < 0)
		return -1;
	int64_t local = days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60;
	*out = local - clock_paris_offset(local - 3600);
	return 0;
}

static void ignore_error(void *arg, const char *field, const char *msg)
{
	(void)arg;
	(void)field;
	(void)msg;
}

int64_t journal_add(struct db *db, const struct actor *by, int64_t person_id, const struct entry_input *in,
		    void (*on_error)(void *arg, const char *field, const char *msg), void *arg)
{
	int bad = 0;
	if (!on_error)
		on_error = ignore_error;
	int64_t at = clock_now(), duration = 0;
	int follow = person_can_follow(by);
#define FIELD_ERROR(f, m)               \
	do {                            \
		on_error(arg, (f), (m)); \
		bad = 1;                \
	} while (0)
	if (in->when[0] && parse_local_datetime(in->when, &at) < 0)
		FIELD_ERROR("when", "Date et heure impossibles.");
	else if (at > clock_now() + 300)
		FIELD_ERROR("when", "Cette date est dans le futur : un entretien se note une fois qu'il a eu lieu.");
	if (!choice_known(journal_media, in->medium))
		FIELD_ERROR("medium", "Choisissez le moyen de l'échange.");
	if (!choice_known(journal_kinds, in->kind))
		FIELD_ERROR("kind", "Choisissez la nature de l'échange.");
	else if (!follow && strcmp(in->kind, "accueil") != 0)
		FIELD_ERROR("kind", "L'accueil ne peut noter qu'un passage à l'accueil.");
	if (in->duration[0] && str_to_i64(str_from(in->duration), 0, 24 * 60, &duration) < 0)
		FIELD_ERROR("duration", "Durée en minutes, entre 0 et 1440.");
	/* Themes: each must be one the structure uses. */
	struct theme_list tl;
	if (themes_load(db, by->structure_id, &tl) < 0)
		tl.n = 0;
	char themes[800];
	if (cstr_copy(themes, sizeof themes, in->themes) < 0) {
		FIELD_ERROR("themes", "Trop de thèmes.");
	} else {
		for (char *t = themes; *t;) {
			char *comma = strchr(t, ',');
			if (comma)
				*comma = '\0';
			int known = 0;
			for (int i = 0; i < tl.n && !known; i++)
				known = tl.items[i].active && strcmp(tl.items[i].value, t) == 0;
			if (!known) {
				FIELD_ERROR("themes", "Thème inconnu.");
				break;
			}
			if (!comma)
				break;
			*comma = ',';
			t = comma + 1;
		}
	}
	if (!utf8_text_fits(in->summary, SUMMARY_MAX, 1) || !utf8_text_fits(in->for_person, SUMMARY_MAX, 1) ||
	    !utf8_text_fits(in->documents, 4000, 1) || !utf8_text_fits(in->workers, 400, 0))
		FIELD_ERROR("summary", "Texte trop long (20 000 caractères au plus) ou contenant des caractères non autorisés.");
	if (!utf8_text_fits(in->private_note, NOTE_MAX, 1))
		FIELD_ERROR("private_note", "La note privée est limitée à 20 000 caractères.");
	if (!follow && (in->private_note[0] || in->for_person[0] || in->documents[0]))
		FIELD_ERROR("summary", "L'accueil note seulement le motif du passage.");
	/* A site of another structure, or closed, is refused: the report by
	 * site must only count the structure's own places. */
	int64_t site = 0;
	if (in->site_id && (in->site_id < 0 ||
			    db_get_int(db, SQL_SITE_OF_STRUCTURE, &site, "ii", in->site_id, by->structure_id) != 1))
		FIELD_ERROR("site", "Choisissez un lieu de la structure, ou « Sans lieu précis ».");
	if (in->task_text[0] || in->task_due[0]) {
		int y, m, d;
		if (!in->task_text[0] || !utf8_text_fits(in->task_text, 500, 0))
			FIELD_ERROR("task_text", "Décrivez la tâche en une ligne (500 caractères au plus).");
		if (in->task_due[0] && date_parse(in->task_due, &y, &m, &d) < 0)
			FIELD_ERROR("task_due", "Échéance impossible : JJ/MM/AAAA.");
	}
	if (bad)
		return -1;
#undef FIELD_ERROR

	struct buf box = BUF_INIT;
	if (in->private_note[0] && secretbox_seal(domain_key(), in->private_note, strlen(in->private_note), &box) < 0) {
		on_error(arg, "private_note", "Chiffrement impossible.");
		return -1;
	}
	int64_t now = clock_now(), id = -1;
	if (db_begin(db) < 0)
		goto out;
	if (db_exec(db, SQL_ENTRY_ADD, "iiiisssdssssbiI",
		    by->structure_id, person_id, by->user_id, at, in->medium, in->kind, themes, (int)duration,
		    in->workers, in->summary, in->for_person, in->documents, box.len ? box.data : NULL, box.len,
		    now, site) < 0)
		goto fail;
	id = db_last_id(db);
	if (person_touch_contact(db, person_id, at) < 0 ||
	    audit_log(db, by, "journal.add", "person", person_id, in->kind) < 0)
		goto fail;
	if (in->task_text[0]) {
		struct buf err = BUF_INIT;
		int rc = task_add(db, by, person_id, id, in->task_text, in->task_due,
				  in->task_assignee ? in->task_assignee : by->user_id, &err);
		if (rc < 0)
			on_error(arg, "task_assignee", buf_cstr(&err));
		buf_free(&err);
		if (rc < 0)
			goto fail;
	}
	if (db_commit(db) < 0)
		goto fail;
	goto out;
fail:
	db_rollback(db);
	id = -1;
out:
	if (box.data)
		memset(box.data, 0, box.len);
	buf_free(&box);
	if (id < 0 && !bad)
		on_error(arg, "summary", "L'entrée n'a pas pu être enregistrée ; rien n'a été écrit. Réessayez.");
	return id;
}

static void entry_from_row(struct db_stmt *st, const struct actor *by, struct entry *e, struct buf *note)
{
	memset(e, 0, sizeof *e);
	e->id = db_col_int(st, 0);
	e->author_id = db_col_int(st, 1);
	e->author = db_col_text(st, 2);
	e->at = db_col_int(st, 3);
	e->medium = db_col_text(st, 4);
	e->kind = db_col_text(st, 5);
	e->duration_min = db_col_int(st, 7);
	e->site = db_col_text(st, 13);
	if (person_can_follow(by)) {
		e->themes = db_col_text(st, 6);
		e->workers = db_col_text(st, 8);
		e->summary = db_col_text(st, 9);
		e->for_person = db_col_text(st, 10);
		e->documents = db_col_text(st, 11);
	} else {
		/* Reception sees that someone came, and why only for its own notes. */
		e->themes = e->workers = e->for_person = e->documents = "";
		e->summary = strcmp(e->kind, "accueil") == 0 ? db_col_text(st, 9) : "";
	}
	size_t n = db_col_len(st, 12);
	e->has_private_note = n > 0;
	if (n && e->author_id == by->user_id) {
		buf_reset(note);
		if (secretbox_open(domain_key(), db_col_blob(st, 12), n, note) == 0)
			e->private_note = buf_cstr(note);
		else
			e->private_note = "(note illisible : la clé ne correspond pas)";
	}
}

static int list_rows(struct db_stmt *st, const struct actor *by, void (*fn)(void *arg, const struct entry *e), void *arg)
{
	if (!st)
		return DB_ERR;
	struct buf note = BUF_INIT;
	int rc, n = 0;
	while ((rc = db_step(st)) == 1) {
		struct entry e;
		entry_from_row(st, by, &e, &note);
		fn(arg, &e);
		n++;
	}
	db_done(st);
	if (note.data)
		memset(note.data, 0, note.len);
	buf_free(&note);
	return rc < 0 ? rc : n;
}

int journal_list(struct db *db, const struct actor *by, int64_t person_id, int limit,
		 void (*fn)(void *arg, const struct entry *e), void *arg)
{
	return list_rows(db_query(db, SQL_ENTRY_LIST, "iid", person_id, by->structure_id, limit), by, fn, arg);
}

int journal_latest_for_person(struct db *db, const struct actor *by, int64_t person_id,
			      void (*fn)(void *arg, const struct entry *e), void *arg)
{
	return list_rows(db_query(db, SQL_ENTRY_LATEST_FOR_PERSON, "ii", person_id, by->structure_id), by, fn, arg);
}

void journal_last_medium(struct db *db, int64_t user_id, char *out, size_t n, int64_t *site_id)
{
	cstr_copy(out, n, "visite_planifiee");
	*site_id = 0;
	struct db_stmt *st = db_query(db, SQL_ENTRY_LAST_MEDIUM, "i", user_id);
	if (st && db_step(st) == 1) {
		cstr_copy(out, n, db_col_text(st, 0));
		*site_id = db_col_int(st, 1);
	}
	db_done(st);
}

/* ---- tasks ------------------------------------------------------------ */

int task_add(struct db *db, const struct actor *by, int64_t person_id, int64_t entry_id, const char *text,
	     const char *due, int64_t assignee, struct buf *err)
{
	struct user u;
	if (user_get(db, assignee, &u) != 1 || !user_can_follow(&u, by->structure_id)) {
		buf_puts(err, "Une tâche de suivi se confie à un travailleur social ou un responsable actif de la structure.");
		return -1;
	}
	char iso[16] = "";
	int y, m, d;
	if (due && due[0]) {
		if (date_parse(due, &y, &m, &d) < 0) {
			buf_puts(err, "Échéance impossible.");
			return -1;
		}
		snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
	}
	int own = !db_in_tx(db);
	if (own && db_begin(db) < 0)
		return -1;
	if (db_exec(db, SQL_TASK_ADD, "iIIssiii", by->structure_id, person_id, entry_id, text, iso, assignee,
		    by->user_id, clock_now()) < 0 ||
	    audit_log(db, by, "task.add", "person", person_id, NULL) < 0) {
		if (own)
			db_rollback(db);
		buf_appendf(err, "Erreur de la base de données : %s", db_errmsg(db));
		return -1;
	}
	return own ? db_commit(db) : 0;
}

/* The task must belong to the actor's structure and, when it is about a
 * person, to a file the actor may open (a restricted file's tasks are its
 * referents'). Returns 1 and its person, 0 or <0. */
static int task_owned(struct db *db, const struct actor *by, int64_t task_id, int64_t *person_id)
{
	struct db_stmt *st = db_query(db, SQL_TASK_GET, "ii", task_id, by->structure_id);
	int rc = st ? db_step(st) : DB_ERR;
	if (rc == 1)
		*person_id = db_col_int(st, 1);
	db_done(st);
	if (rc == 1 && *person_id) {
		struct person p;
		rc = person_get(db, by, *person_id, &p, NULL);
	}
	return rc;
}

int task_set_done(struct db *db, const struct actor *by, int64_t task_id, int done, int64_t *person_id)
{
	if (task_owned(db, by, task_id, person_id) != 1)
		return 0;
	if (db_begin(db) < 0)
		return -1;
	int rc = done ? db_exec(db, SQL_TASK_SET_DONE, "ii", task_id, clock_now())
		      : db_exec(db, SQL_TASK_SET_DONE, "iI", task_id, (int64_t)0);
	if (rc < 0 || audit_log(db, by, done ? "task.done" : "task.undone", "person", *person_id, NULL) < 0 ||
	    db_commit(db) < 0) {
		db_rollback(db);
		return -1;
	}
	return 1;
}

int task_reassign(struct db *db, const struct actor *by, int64_t task_id, int64_t assignee, int64_t *person_id)
{
	struct user u;
	if (task_owned(db, by, task_id, person_id) != 1)
		return 0;
	if (user_get(db, assignee, &u) != 1 || !user_can_follow(&u, by->structure_id))
		return -1;
	if (db_begin(db) < 0)
		return -1;
	if (db_exec(db, SQL_TASK_REASSIGN, "ii", task_id, assignee) < 0 ||
	    audit_log(db, by, "task.reassign", "person", *person_id, NULL) < 0 || db_commit(db) < 0) {
		db_rollback(db);
		return -1;
	}
	return 1;
}

/* Rows of TASK_COLS, or of TASK_OPEN_COLS when !full (no done_at, no
 * assignee's name). */
static int list_tasks(struct db_stmt *st, int full, void (*fn)(void *arg, const struct task *t), void *arg)
{
	if (!st)
		return DB_ERR;
	int rc;
	char name[300];
	while ((rc = db_step(st)) == 1) {
		struct task t = {
			.id = db_col_int(st, 0),
			.text = db_col_text(st, 1),
			.due_date = db_col_text(st, 2),
			.person_id = db_col_int(st, 3),
			.assignee_id = db_col_int(st, 6),
			.done_at = full ? db_col_int(st, 7) : 0,
			.assignee = full ? db_col_text(st, 8) : "",
		};
		text_join_name(db_col_text(st, 4), db_col_text(st, 5), name, sizeof name);
		t.person_name = name;
		fn(arg, &t);
	}
	db_done(st);
	return rc;
}

int task_list_mine(struct db *db, const struct actor *by, void (*fn)(void *arg, const struct task *t), void *arg)
{
	return list_tasks(db_query(db, SQL_TASK_MINE, "ii", by->user_id, by->structure_id), 0, fn, arg);
}

int task_list_person(struct db *db, const struct actor *by, int64_t person_id,
		     void (*fn)(void *arg, const struct task *t), void *arg)
{
	return list_tasks(db_query(db, SQL_TASK_FOR_PERSON, "ii", person_id, by->structure_id), 1, fn, arg);
}
