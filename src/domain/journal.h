/*
 * The journal: every interaction with a person, and the follow-up tasks.
 * An entry takes seconds to log; every later figure is computed from it.
 * Private notes are encrypted at rest with the key file and readable by
 * their author only — not even by a head of service.
 */
#ifndef LIEN_DOMAIN_JOURNAL_H
#define LIEN_DOMAIN_JOURNAL_H

#include "core/buf.h"
#include "db/db.h"
#include "domain/domain.h"
#include "domain/person.h"

extern const struct choice journal_media[];
extern const struct choice journal_kinds[];
/* The 16 data·inclusion thematic categories (schéma data·inclusion v1,
 * Licence Ouverte 2.0), the default list of themes. */
extern const struct choice journal_themes[];

/* The themes a structure uses: the defaults it keeps and its own. */
enum { THEMES_MAX = 64 };
struct theme {
	char value[64], label[120];
	int active, is_default;
};
struct theme_list {
	struct theme items[THEMES_MAX];
	int n;
};
/* All themes (active or not) of a structure, defaults first. 0 or <0. */
int themes_load(struct db *db, int64_t structure_id, struct theme_list *out);
/* The label of a theme value, or the value itself. */
const char *theme_label(const struct theme_list *l, const char *value);
/* Switches a theme on or off, or adds one (value NULL: made from the label). */
int theme_set(struct db *db, const struct actor *by, const char *value, const char *label, int active, struct buf *err);

enum { NOTE_MAX = 20000, SUMMARY_MAX = 20000 };

struct entry_input {
	const char *when;        /* "YYYY-MM-DDTHH:MM" (local time) or "" for now */
	const char *medium, *kind;
	const char *themes;      /* comma-separated values */
	const char *duration;    /* minutes */
	const char *workers;
	const char *summary, *for_person, *documents, *private_note;
	/* Where it took place: one of the structure's active sites, 0 for no
	 * site in particular, -1 for a value that is not a site (refused). */
	int64_t site_id;
	/* An optional follow-up task. */
	const char *task_text, *task_due;
	int64_t task_assignee;
};

/* Validates and writes an entry (and its task) with its audit row in one
 * transaction. Field errors go to on_error; returns the entry id, or -1. */
int64_t journal_add(struct db *db, const struct actor *by, int64_t person_id, const struct entry_input *in,
		    void (*on_error)(void *arg, const char *field, const char *msg), void *arg);

struct entry {
	int64_t id, author_id, at, duration_min;
	const char *author, *medium, *kind, *themes, *workers, *summary, *for_person, *documents;
	const char *site;         /* the site's name, "" for none */
	const char *private_note; /* decrypted, only for the author; else NULL */
	int has_private_note;
};

/* The latest entries of a file, newest first. Reception gets the date,
 * medium and kind only (no content). */
int journal_list(struct db *db, const struct actor *by, int64_t person_id, int limit,
		 void (*fn)(void *arg, const struct entry *e), void *arg);
/* The latest entry with text for the person (the synthesis). 1, 0 or <0. */
int journal_latest_for_person(struct db *db, const struct actor *by, int64_t person_id,
			      void (*fn)(void *arg, const struct entry *e), void *arg);
/* The medium and site (0: none) the worker used last: the defaults of the
 * next entry. */
void journal_last_medium(struct db *db, int64_t user_id, char *out, size_t n, int64_t *site_id);

struct task {
	int64_t id, person_id, assignee_id, done_at;
	const char *text, *due_date, *person_name, *assignee;
};
int task_add(struct db *db, const struct actor *by, int64_t person_id, int64_t entry_id, const char *text,
	     const char *due, int64_t assignee, struct buf *err);
/* Marks done (done=1) or not done; only within the actor's structure. */
int task_set_done(struct db *db, const struct actor *by, int64_t task_id, int done, int64_t *person_id);
int task_reassign(struct db *db, const struct actor *by, int64_t task_id, int64_t assignee, int64_t *person_id);
int task_list_mine(struct db *db, const struct actor *by, void (*fn)(void *arg, const struct task *t), void *arg);
int task_list_person(struct db *db, const struct actor *by, int64_t person_id,
		     void (*fn)(void *arg, const struct task *t), void *arg);

#endif
