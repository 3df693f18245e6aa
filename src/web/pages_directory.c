/* The services directory: the search, a service's page, the structure's
 * own partners (heads of service), and orientations from a person's file
 * with their printed slip. */
#include "web/web.h"
#include "core/clock.h"
#include "core/hours.h"
#include "domain/commune.h"
#include "domain/directory.h"
#include "domain/directory_search.h"
#include "domain/orientation.h"
#include "domain/user.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void on_field_error(void *arg, const char *field, const char *msg)
{
	web_field_error(arg, field, msg);
}

static const char *q_param(struct web *w, const char *name)
{
	const char *v = req_query(w->req, name);
	return v ? v : "";
}

/* A positive id from the query, or 0. */
static int64_t q_id(struct web *w, const char *name)
{
	int64_t v;
	return str_to_i64(str_from(q_param(w, name)), 1, INT64_MAX, &v) < 0 ? 0 : v;
}

/* before + id + after, in the request pool: "/orientations/12/fiche". */
static const char *path_id(struct web *w, const char *before, long long id, const char *after)
{
	const char *s = pool_printf(w->req->pool, "%s%lld%s", before, id, after);
	return s ? s : "";
}

/* "a|b" of a vocabulary as "Label A, Label B". */
static const char *labels_of(struct web *w, enum dir_vocab v, const char *list)
{
	if (!list || !list[0])
		return NULL;
	struct buf b = BUF_INIT;
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, "|");
		char one[160];
		if (str_copy(one, sizeof one, (struct str){p, n}) == 0) {
			const char *l = directory_term_label(v, one);
			buf_appendf(&b, "%s%s", b.len ? ", " : "", l ? l : one);
		}
		p += n + (p[n] == '|');
	}
	const char *r = pool_strdup(w->req->pool, buf_cstr(&b));
	buf_free(&b);
	return r;
}

/* The categories of '|'-joined sub-thématiques, each once, as a list of tags. */
static void category_tags(struct tpl_ctx *c, const char *thematiques)
{
	char seen[16][64];
	int n = 0;
	for (const char *p = thematiques ? thematiques : ""; *p;) {
		size_t len = strcspn(p, "|");
		const char *dash = strstr(p, "--");
		char cat[64];
		if (dash && dash < p + len && str_copy(cat, sizeof cat, (struct str){p, (size_t)(dash - p)}) == 0) {
			int dup = 0;
			for (int i = 0; i < n; i++)
				dup |= strcmp(seen[i], cat) == 0;
			const char *l = directory_term_label(DV_THEME_CATEGORY, cat);
			if (!dup && l && n < 16) {
				cstr_copy(seen[n++], sizeof seen[0], cat);
				tpl_set(tpl_list_add(c, "categories"), "label", l);
			}
		}
		p += len + (p[len] == '|');
	}
}

static const char *joined(struct web *w, const char *a, const char *sep, const char *b);

/* ---- opening hours in words ----------------------------------------------------- */

static int64_t local_now(void)
{
	return hours_local_from_unix(clock_now());
}

/* Sets "hours_now" (« Ouvert maintenant, ferme à 17 h ») or, for a value
 * that cannot be read, "hours_raw" with "hours_error"; nothing when absent. */
static void hours_now_values(struct tpl_ctx *c, struct hours *h, const char *value, int64_t now)
{
	if (!value || !value[0])
		return;
	if (hours_parse(h, value, strlen(value)) < 0) {
		tpl_set(c, "hours_raw", value);
		tpl_set(c, "hours_error", hours_error(h));
		return;
	}
	struct buf b = BUF_INIT;
	if (hours_describe_now(h, now, &b) == 0)
		tpl_set(c, "hours_now", buf_cstr(&b));
	buf_free(&b);
}

/* One item of `key` per line of the week's description. */
static int week_lines(struct tpl_ctx *c, const char *key, const struct hours *h, int64_t day)
{
	struct buf b = BUF_INIT;
	int n = 0;
	if (hours_describe_week(h, day, &b) == 0) {
		for (const char *p = buf_cstr(&b); *p;) {
			size_t len = strcspn(p, "\n");
			if (len) {
				tpl_setn(tpl_list_add(c, key), "line", p, len);
				n++;
			}
			p += len + (p[len] == '\n');
		}
	}
	buf_free(&b);
	if (n) {
		char has[40];
		snprintf(has, sizeof has, "has_%s", key);
		tpl_set_bool(c, has, 1);
	}
	return n;
}

/* "Semaine du lundi 23 novembre" for the week holding local minute t. */
static const char *week_label(struct web *w, int64_t t)
{
	static const char *const MONTHS[] = {"janvier", "février", "mars",      "avril",   "mai",      "juin",
					     "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};
	int64_t day = (t - ((t % 1440) + 1440) % 1440) / 1440;
	int64_t monday = day - ((day + 3) % 7 + 7) % 7; /* 1970-01-01 was a Thursday */
	int y, m, d;
	civil_from_days(monday, &y, &m, &d);
	const char *s = pool_printf(w->req->pool, "Semaine du lundi %d %s", d, MONTHS[m - 1]);
	return s ? s : "";
}

/* Both weeks' descriptions, the second only when it differs (alternate
 * weeks, holidays). */
static void hours_week_values(struct web *w, struct tpl_ctx *c, const char *value)
{
	if (!value || !value[0]) {
		tpl_set_bool(c, "hours_unknown", 1);
		return;
	}
	struct hours *h = pool_alloc_raw(w->req->pool, sizeof *h);
	if (!h)
		return;
	int64_t now = local_now();
	hours_now_values(c, h, value, now);
	if (!h->valid)
		return;
	/* On a Saturday or a Sunday, the week to come is the one that matters. */
	int64_t day = (now - ((now % 1440) + 1440) % 1440) / 1440;
	int weekday = (int)(((day + 3) % 7 + 7) % 7);
	int64_t first = weekday >= 5 ? now + (7 - weekday) * 1440 : now;
	struct buf a = BUF_INIT, b = BUF_INIT;
	hours_describe_week(h, first, &a);
	hours_describe_week(h, first + 7 * 1440, &b);
	int differ = strcmp(buf_cstr(&a), buf_cstr(&b)) != 0;
	buf_free(&a);
	buf_free(&b);
	week_lines(c, "week", h, first);
	if (differ) {
		tpl_set_bool(c, "weeks_differ", 1);
		week_lines(c, "next_week", h, first + 7 * 1440);
		tpl_set(c, "week_label", week_label(w, first));
		tpl_set(c, "next_week_label", week_label(w, first + 7 * 1440));
	}
}

/* ---- the search page ------------------------------------------------------------------ */

static const int RADII[] = {2, 5, 10, 20, 50, 100};

static void theme_options(struct web *w, const char *selected)
{
	size_t ncat, nsub;
	const struct dir_term *cats = directory_vocab(DV_THEME_CATEGORY, &ncat);
	const struct dir_term *subs = directory_vocab(DV_THEME, &nsub);
	for (size_t i = 0; i < ncat; i++) {
		struct tpl_ctx *g = tpl_list_add(w->tpl, "theme_groups");
		tpl_set(g, "label", cats[i].label);
		tpl_set(g, "value", cats[i].value);
		tpl_set_bool(g, "selected", strcmp(selected, cats[i].value) == 0);
		for (size_t k = 0; k < nsub; k++) {
			if (strcmp(subs[k].parent, cats[i].value) != 0)
				continue;
			struct tpl_ctx *o = tpl_list_add(g, "subs");
			tpl_set(o, "value", subs[k].value);
			tpl_set(o, "label", subs[k].label);
			tpl_set_bool(o, "selected", strcmp(selected, subs[k].value) == 0);
		}
	}
}

static void vocab_options(struct web *w, const char *key, enum dir_vocab v, const char *selected)
{
	size_t n;
	const struct dir_term *t = directory_vocab(v, &n);
	for (size_t i = 0; i < n; i++) {
		struct tpl_ctx *o = tpl_list_add(w->tpl, key);
		tpl_set(o, "value", t[i].value);
		tpl_set(o, "label", t[i].label);
		tpl_set_bool(o, "selected", strcmp(selected, t[i].value) == 0);
	}
}

/* The current query string without `page`, for the pagination links. */
static const char *query_without_page(struct web *w)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < w->req->query.n; i++) {
		const struct http_param *p = &w->req->query.items[i];
		if (strcmp(p->name, "page") == 0)
			continue;
		buf_putc(&b, b.len ? '&' : '?');
		for (int part = 0; part < 2; part++) {
			const char *s = part ? p->value : p->name;
			if (part)
				buf_putc(&b, '=');
			for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
				if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
				    strchr("-_.~", *c))
					buf_putc(&b, (char)*c);
				else
					buf_appendf(&b, "%%%02X", *c);
			}
		}
	}
	const char *r = pool_printf(w->req->pool, "/annuaire%s%s", buf_cstr(&b), b.len ? "&" : "?");
	buf_free(&b);
	return r ? r : "/annuaire?";
}

static const char *km_text(struct web *w, double km)
{
	char s[32];
	snprintf(s, sizeof s, km < 10 ? "%.1f" : "%.0f", km);
	for (char *p = s; *p; p++)
		if (*p == '.')
			*p = ',';
	const char *r = pool_printf(w->req->pool, "%s km", s);
	return r ? r : "";
}

/* A commune typed in the search form: "59100", "Roubaix" or both. */
static const struct commune *typed_commune(struct db *db, const char *typed, int *several)
{
	const struct commune *c = NULL;
	char postal[6] = "";
	while (*typed == ' ')
		typed++;
	const char *name = typed;
	if (strspn(typed, "0123456789") == 5) {
		memcpy(postal, typed, 5);
		name = typed + 5;
		while (*name == ' ')
			name++;
	}
	int rc = commune_resolve(postal[0] ? postal : NULL, name[0] ? name : NULL, &c);
	if (rc == 2 && postal[0] && !name[0]) {
		/* A postal code shared by neighbouring communes: the first one the
		 * directory can place will do. */
		const struct commune *all[32];
		int n = commune_by_postal(postal, all, 32);
		double lat, lon;
		for (int i = 0; i < n; i++)
			if (directory_commune_point(db, all[i]->insee, &lat, &lon) == 1)
				return all[i];
		if (n > 0)
			return all[0];
	}
	*several = rc == 2;
	return rc == 1 ? c : NULL;
}

struct search_page {
	struct web *w;
	struct person person;
	int has_person;
	int can_orient;
	const char *theme;
};

static void add_result(struct search_page *sp, const struct dir_hit *h, struct hours *hours, int64_t now)
{
	struct web *w = sp->w;
	struct tpl_ctx *c = tpl_list_add(w->tpl, "results");
	tpl_set(c, "href", path_id(w, h->local ? "/annuaire/locaux/" : "/annuaire/services/", h->id, ""));
	tpl_set(c, "title", h->structure_nom ? h->structure_nom : h->nom);
	tpl_set(c, "service", h->structure_nom ? h->nom : NULL);
	tpl_set_bool(c, "local", h->local);
	const char *addr = pool_printf(w->req->pool, "%s%s%s%s%s", h->adresse ? h->adresse : "",
				       h->adresse && (h->code_postal || h->commune) ? ", " : "",
				       h->code_postal ? h->code_postal : "", h->code_postal && h->commune ? " " : "",
				       h->commune ? h->commune : "");
	tpl_set(c, "address", addr && addr[0] ? addr : NULL);
	if (h->km >= 0)
		tpl_set(c, "distance", km_text(w, h->km));
	tpl_set_bool(c, "same_commune", h->km < 0 && h->near == 1);
	tpl_set_bool(c, "same_departement", h->km < 0 && h->near == 2);
	tpl_set_bool(c, "unlocated", h->km < 0 && h->near && !h->located);
	const char *phone = h->telephone ? pool_printf(w->req->pool, "Téléphone : %s", h->telephone) : NULL;
	const char *free = h->frais && strcmp(h->frais, "gratuit") == 0 ? "Gratuit" : NULL;
	tpl_set(c, "details", joined(w, joined(w, phone, " – ", free), " – ", labels_of(w, DV_MODE_ACCUEIL, h->modes_accueil)));
	category_tags(c, h->thematiques);
	hours_now_values(c, hours, h->horaires, now);
	if (h->eligible >= 0) {
		tpl_set_bool(c, "eligible", h->eligible == 1);
		tpl_set_bool(c, "not_eligible", h->eligible == 0);
	}
	if (sp->can_orient) {
		const char *href = pool_printf(w->req->pool, "/personnes/%lld/orientations/nouvelle?%s=%lld%s%s",
					       (long long)sp->person.id, h->local ? "local" : "service", (long long)h->id,
					       sp->theme[0] ? "&theme=" : "", sp->theme);
		tpl_set(c, "orient_href", href);
	}
}

void page_directory(struct web *w)
{
	struct search_page *sp = pool_alloc(w->req->pool, sizeof *sp);
	struct dir_query *q = pool_alloc(w->req->pool, sizeof *q);
	struct dir_results *res = pool_alloc(w->req->pool, sizeof *res);
	if (!sp || !q || !res) {
		web_error(w, 500, NULL);
		return;
	}
	sp->w = w;
	int64_t person_id = q_id(w, "personne");
	if (person_id) {
		/* The file is read (its name and commune are shown): audited. */
		int rc = person_get(w->db, &w->actor, person_id, &sp->person, "directory.search");
		if (rc < 0) {
			web_error(w, 503, NULL);
			return;
		}
		sp->has_person = rc == 1;
	}
	if (sp->has_person) {
		char name[300];
		person_display_name(&sp->person, name, sizeof name);
		tpl_set(w->tpl, "person_name", name);
		tpl_set_int(w->tpl, "person_id", sp->person.id);
		tpl_set(w->tpl, "person_commune", sp->person.v[PF_COMMUNE_NAME][0] ? sp->person.v[PF_COMMUNE_NAME] : NULL);
		sp->can_orient = person_can_follow(&w->actor) && strcmp(sp->person.status, "active") == 0;
		if (sp->person.commune_insee[0]) {
			q->person_insee = sp->person.commune_insee;
			tpl_set_bool(w->tpl, "person_has_commune", 1);
		}
	}
	/* What to look for. */
	sp->theme = q_param(w, "theme");
	q->theme = sp->theme;
	if (directory_term_index(DV_THEME_CATEGORY, sp->theme) < 0 && directory_term_index(DV_THEME, sp->theme) < 0)
		sp->theme = ""; /* only known values travel in links */
	q->text = q_param(w, "q");
	q->public_value = q_param(w, "public");
	q->mode = q_param(w, "mode");
	if (q->mode[0] && strcmp(q->mode, "en-presentiel") != 0 && strcmp(q->mode, "a-distance") != 0)
		q->mode = "";
	q->free_only = strcmp(q_param(w, "gratuit"), "1") == 0;
	q->eligible_only = q->person_insee && strcmp(q_param(w, "eligible"), "1") == 0;
	for (size_t i = 0; i < w->req->query.n; i++)
		if (strcmp(w->req->query.items[i].name, "acces") == 0)
			for (int k = 0; dir_access_needs[k].bit; k++)
				if (strcmp(w->req->query.items[i].value, dir_access_needs[k].value) == 0)
					q->access |= dir_access_needs[k].bit;
	/* When it must be open. */
	const char *open = q_param(w, "ouvert");
	q->at = local_now();
	if (strcmp(open, "maintenant") == 0) {
		q->open_now = 1;
	} else if (strcmp(open, "jour") == 0) {
		char iso[11];
		const char *day = q_param(w, "jour"), *time = q_param(w, "heure");
		int64_t at;
		char stamp[24];
		if (date_normalise(day, iso) < 0 || !iso[0]) {
			web_field_error(w, "jour", "Indiquez le jour au format JJ/MM/AAAA.");
			open = "";
		} else if (time[0]) {
			snprintf(stamp, sizeof stamp, "%s %.5s", iso, time);
			if (strlen(time) != 5 || hours_local_parse(stamp, &at) < 0) {
				web_field_error(w, "heure", "Indiquez l'heure au format HH:MM, par exemple 14:30.");
				open = "";
			} else {
				q->open_now = 1;
				q->at = at;
			}
		} else {
			snprintf(stamp, sizeof stamp, "%s 00:00", iso);
			hours_local_parse(stamp, &at);
			q->open_day = 1;
			q->at = at;
		}
	}
	/* Around where. */
	int has_lieu = req_query(w->req, "lieu") != NULL;
	const char *lieu = q_param(w, "lieu");
	struct dir_place structure_place;
	int has_structure_place = directory_place_structure(w->db, w->actor.structure_id, &structure_place) == 1;
	int64_t around = q_id(w, "autour");
	if (!has_lieu)
		lieu = around ? "service" : sp->has_person && sp->person.commune_insee[0] ? "personne"
					  : has_structure_place			       ? "structure"
										       : "";
	int64_t radius = 10;
	if (q_param(w, "rayon")[0] && str_to_i64(str_from(q_param(w, "rayon")), 1, DIR_MAX_KM, &radius) < 0)
		radius = 10;
	q->radius_km = (double)radius;
	const char *place_label = NULL;
	if (strcmp(lieu, "structure") == 0 && has_structure_place) {
		q->place = structure_place;
		place_label = "l'adresse de la structure";
	} else if (strcmp(lieu, "personne") == 0 && sp->has_person && sp->person.commune_insee[0]) {
		if (directory_place_commune(w->db, sp->person.commune_insee, &q->place) < 0) {
			web_error(w, 503, NULL);
			return;
		}
		place_label = sp->person.v[PF_COMMUNE_NAME];
	} else if (strcmp(lieu, "commune") == 0) {
		const char *typed = q_param(w, "commune");
		int several = 0;
		const struct commune *c = typed[0] ? typed_commune(w->db, typed, &several) : NULL;
		if (!c)
			web_field_error(w, "commune", !typed[0] ? "Écrivez une commune ou un code postal."
						: several ? "Plusieurs communes portent ce nom : ajoutez le code postal."
							  : "Commune inconnue : vérifiez son nom ou son code postal.");
		else if (directory_place_commune(w->db, c->insee, &q->place) < 0) {
			web_error(w, 503, NULL);
			return;
		} else
			place_label = c->name;
	} else if (strcmp(lieu, "service") == 0 && around) {
		struct dir_service_view v;
		if (directory_service_get(w->db, around, w->req->pool, &v) == 1) {
			q->place.has_point = !isnan(v.geo_lat) && !isnan(v.geo_lon);
			q->place.lat = v.geo_lat;
			q->place.lon = v.geo_lon;
			const char *insee = v.service.v[DSF_CODE_INSEE] ? v.service.v[DSF_CODE_INSEE] : v.structure.v[DTF_CODE_INSEE];
			if (insee)
				cstr_copy(q->place.insee, sizeof q->place.insee, insee);
			place_label = v.structure.v[DTF_NOM];
			tpl_set_int(w->tpl, "around", around);
			tpl_set(w->tpl, "around_name", place_label);
		}
	} else {
		lieu = "";
	}
	int64_t page = 1;
	if (q_param(w, "page")[0] && str_to_i64(str_from(q_param(w, "page")), 1, 100000, &page) < 0)
		page = 1;
	q->page = (int)page;

	/* The form, as typed. */
	theme_options(w, sp->theme);
	vocab_options(w, "publics", DV_PUBLIC, q->public_value);
	tpl_set(w->tpl, "q", q->text);
	tpl_set(w->tpl, "commune", q_param(w, "commune"));
	tpl_set(w->tpl, "jour", q_param(w, "jour"));
	tpl_set(w->tpl, "heure", q_param(w, "heure"));
	tpl_set_bool(w->tpl, "gratuit", q->free_only);
	tpl_set_bool(w->tpl, "eligible_only", q->eligible_only);
	tpl_set_bool(w->tpl, "mode_presentiel", strcmp(q->mode, "en-presentiel") == 0);
	tpl_set_bool(w->tpl, "mode_distance", strcmp(q->mode, "a-distance") == 0);
	tpl_set_bool(w->tpl, "open_any", strcmp(open, "maintenant") != 0 && strcmp(open, "jour") != 0);
	tpl_set_bool(w->tpl, "open_now", strcmp(open, "maintenant") == 0);
	tpl_set_bool(w->tpl, "open_day", strcmp(open, "jour") == 0);
	tpl_set_bool(w->tpl, "has_structure_place", has_structure_place);
	static const char *const LIEUX[] = {"", "structure", "personne", "commune", "service"};
	for (size_t i = 0; i < sizeof LIEUX / sizeof LIEUX[0]; i++) {
		char key[32];
		snprintf(key, sizeof key, "lieu_%s", LIEUX[i][0] ? LIEUX[i] : "partout");
		tpl_set_bool(w->tpl, key, strcmp(lieu, LIEUX[i]) == 0);
	}
	for (size_t i = 0; i < sizeof RADII / sizeof RADII[0]; i++) {
		struct tpl_ctx *o = tpl_list_add(w->tpl, "radii");
		tpl_set_int(o, "value", RADII[i]);
		tpl_set_bool(o, "selected", RADII[i] == radius);
	}
	for (int k = 0; dir_access_needs[k].bit; k++) {
		struct tpl_ctx *o = tpl_list_add(w->tpl, "access");
		tpl_set(o, "value", dir_access_needs[k].value);
		tpl_set(o, "label", dir_access_needs[k].label);
		tpl_set_bool(o, "checked", (q->access & dir_access_needs[k].bit) != 0);
	}

	/* The results. */
	if (directory_search(w->db, &w->actor, q, w->req->pool, res) < 0) {
		web_error(w, 503, NULL);
		return;
	}
	tpl_set_bool(w->tpl, "no_criteria", res->no_criteria);
	tpl_set_bool(w->tpl, "searched", !res->no_criteria);
	tpl_set_int(w->tpl, "total", res->total);
	tpl_set_bool(w->tpl, "total_plural", res->total > 1);
	tpl_set_bool(w->tpl, "capped", res->capped);
	tpl_set(w->tpl, "place_label", q->place.has_point || q->place.insee[0] ? place_label : NULL);
	tpl_set_bool(w->tpl, "place_no_point", !q->place.has_point && q->place.insee[0]);
	if (q->place.has_point)
		tpl_set_int(w->tpl, "radius", radius);
	struct hours *hours = pool_alloc_raw(w->req->pool, sizeof *hours);
	if (!hours) {
		web_error(w, 500, NULL);
		return;
	}
	int64_t now = local_now();
	for (int i = 0; i < res->n; i++)
		add_result(sp, &res->hits[i], hours, now);
	if (res->pages > 1) {
		const char *base = query_without_page(w);
		tpl_set_int(w->tpl, "page", res->page);
		tpl_set_int(w->tpl, "pages", res->pages);
		if (res->page > 1)
			tpl_set(w->tpl, "prev_href", pool_printf(w->req->pool, "%spage=%d", base, res->page - 1));
		if (res->page < res->pages)
			tpl_set(w->tpl, "next_href", pool_printf(w->req->pool, "%spage=%d", base, res->page + 1));
	}
	tpl_set_bool(w->tpl, "is_head", w->actor.role == ROLE_RESPONSABLE);
	if (w->resp->status == 422)
		w->resp->status = 200; /* a criterion was left out, the page still answers */
	web_render(w, "directory", "Annuaire des services");
}

/* ---- a service's page ----------------------------------------------------------------- */

static void fact(struct web *w, const char *label, const char *value)
{
	if (!value || !value[0])
		return;
	struct tpl_ctx *c = tpl_list_add(w->tpl, "facts");
	tpl_set(c, "label", label);
	tpl_set(c, "value", value);
}

static void fact_link(struct web *w, const char *label, const char *url)
{
	if (!url || !url[0])
		return;
	struct tpl_ctx *c = tpl_list_add(w->tpl, "facts");
	tpl_set(c, "label", label);
	tpl_set(c, "value", url);
	tpl_set(c, "href", url);
}

/* zone_eligibilite in words: communes by name, départements, EPCI, France. */
static const char *zone_words(struct web *w, const char *zone)
{
	if (!zone || !zone[0])
		return NULL;
	struct buf b = BUF_INIT;
	for (const char *p = zone; *p;) {
		size_t n = strcspn(p, "|");
		char code[16];
		if (str_copy(code, sizeof code, (struct str){p, n}) == 0 && n) {
			const struct commune *c = n == 5 ? commune_by_insee(code) : NULL;
			if (b.len)
				buf_puts(&b, ", ");
			if (strcmp(code, "france") == 0 || strcmp(code, "99100") == 0)
				buf_puts(&b, "toute la France");
			else if (c)
				buf_appendf(&b, "%s (%s)", c->name, code);
			else if (n == 2 || n == 3)
				buf_appendf(&b, "département %s", code);
			else if (n == 9)
				buf_appendf(&b, "intercommunalité n° %s", code);
			else
				buf_puts(&b, code);
		}
		p += n + (p[n] == '|');
	}
	const char *r = pool_strdup(w->req->pool, buf_cstr(&b));
	buf_free(&b);
	return r;
}

static const char *pipes_as_commas(struct web *w, const char *list)
{
	if (!list)
		return NULL;
	char *s = pool_strdup(w->req->pool, list);
	struct buf b = BUF_INIT;
	for (const char *p = s ? s : ""; *p; p++)
		if (*p == '|')
			buf_puts(&b, ", ");
		else
			buf_putc(&b, *p);
	const char *r = pool_strdup(w->req->pool, buf_cstr(&b));
	buf_free(&b);
	return r;
}

static const char *joined(struct web *w, const char *a, const char *sep, const char *b)
{
	if (!a || !a[0])
		return b;
	if (!b || !b[0])
		return a;
	return pool_printf(w->req->pool, "%s%s%s", a, sep, b);
}

/* The address of a service, else of its structure, on one line. */
static const char *address_of(struct web *w, const struct dir_service_view *v)
{
	const struct dir_record *s = &v->service, *t = &v->structure;
	const char *street = s->v[DSF_ADRESSE] ? s->v[DSF_ADRESSE] : t->v[DTF_ADRESSE];
	const char *more = s->v[DSF_ADRESSE] ? s->v[DSF_COMPLEMENT_ADRESSE] : t->v[DTF_COMPLEMENT_ADRESSE];
	const char *cp = s->v[DSF_CODE_POSTAL] ? s->v[DSF_CODE_POSTAL] : t->v[DTF_CODE_POSTAL];
	const char *town = s->v[DSF_COMMUNE] ? s->v[DSF_COMMUNE] : t->v[DTF_COMMUNE];
	return joined(w, joined(w, street, ", ", more), ", ", joined(w, cp, " ", town));
}

static const char *either(const char *a, const char *b)
{
	return a && a[0] ? a : b;
}

/* Every field of a service in plain French, and its hours. */
static void service_values(struct web *w, const struct dir_service_view *v)
{
	const struct dir_record *s = &v->service, *t = &v->structure;
	tpl_set(w->tpl, "name", s->v[DSF_NOM]);
	tpl_set(w->tpl, "partner", t->v[DTF_NOM]);
	tpl_set(w->tpl, "description", s->v[DSF_DESCRIPTION]);
	tpl_set(w->tpl, "structure_description", t->v[DTF_DESCRIPTION]);
	category_tags(w->tpl, s->v[DSF_THEMATIQUES]);
	fact(w, "Besoins", labels_of(w, DV_THEME, s->v[DSF_THEMATIQUES]));
	fact(w, "Pour qui", joined(w, labels_of(w, DV_PUBLIC, s->v[DSF_PUBLICS]), ". ", s->v[DSF_PUBLICS_PRECISIONS]));
	fact(w, "Type de service", labels_of(w, DV_TYPE, s->v[DSF_TYPE]));
	fact(w, "Coût", joined(w, labels_of(w, DV_FRAIS, s->v[DSF_FRAIS]), ". ", s->v[DSF_FRAIS_PRECISIONS]));
	fact(w, "Conditions d'accès", s->v[DSF_CONDITIONS_ACCES]);
	fact(w, "Accueil", labels_of(w, DV_MODE_ACCUEIL, s->v[DSF_MODES_ACCUEIL]));
	fact(w, "Adresse", address_of(w, v));
	fact(w, "Téléphone", either(s->v[DSF_TELEPHONE], t->v[DTF_TELEPHONE]));
	fact(w, "Courriel", either(s->v[DSF_COURRIEL], t->v[DTF_COURRIEL]));
	fact(w, "Personne à contacter", s->v[DSF_CONTACT_NOM_PRENOM]);
	fact_link(w, "Site web", t->v[DTF_SITE_WEB]);
	fact_link(w, "Accessibilité du lieu", t->v[DTF_ACCESSIBILITE_LIEU]);
	fact(w, "Comment y accéder", labels_of(w, DV_MODE_MOBILISATION, s->v[DSF_MODES_MOBILISATION]));
	fact(w, "Qui peut le demander", labels_of(w, DV_PERSONNE_MOBILISATRICE, s->v[DSF_MOBILISABLE_PAR]));
	fact(w, "Précisions pour y accéder", s->v[DSF_MOBILISATION_PRECISIONS]);
	fact_link(w, "Lien pour s'inscrire ou prendre contact", s->v[DSF_LIEN_MOBILISATION]);
	fact(w, "Zone où il est ouvert", zone_words(w, s->v[DSF_ZONE_ELIGIBILITE]));
	if (s->v[DSF_VOLUME_HORAIRE_HEBDOMADAIRE])
		fact(w, "Heures par semaine", s->v[DSF_VOLUME_HORAIRE_HEBDOMADAIRE]);
	if (s->v[DSF_NOMBRE_SEMAINES])
		fact(w, "Nombre de semaines", s->v[DSF_NOMBRE_SEMAINES]);
	fact(w, "Réseaux", labels_of(w, DV_RESEAU_PORTEUR, t->v[DTF_RESEAUX_PORTEURS]));
	if (!v->local) {
		fact(w, "Services du lieu", pipes_as_commas(w, s->v[DSF_LMN_SERVICES]));
		fact(w, "Publics accueillis en particulier", pipes_as_commas(w, s->v[DSF_LMN_PUBLICS_SPECIFIQUEMENT_ADRESSES]));
		fact(w, "Prise en charge spécifique", pipes_as_commas(w, s->v[DSF_LMN_PRISE_EN_CHARGE_SPECIFIQUE]));
		fact(w, "Frais à charge", pipes_as_commas(w, s->v[DSF_LMN_FRAIS_A_CHARGE]));
		fact(w, "Comment s'y rendre ou le joindre", pipes_as_commas(w, s->v[DSF_LMN_MODALITES_ACCES]));
		fact(w, "Accompagnement", pipes_as_commas(w, s->v[DSF_LMN_MODALITES_ACCOMPAGNEMENT]));
		fact(w, "Itinérance", t->v[DTF_LMN_ITINERANCE]);
		fact_link(w, "Fiche d'origine", either(s->v[DSF_LIEN_SOURCE], t->v[DTF_LIEN_SOURCE]));
	}
	hours_week_values(w, w->tpl, either(s->v[DSF_HORAIRES_ACCUEIL], t->v[DTF_HORAIRES_ACCUEIL]));
	char date[16];
	date_fr(either(s->v[DSF_DATE_MAJ], ""), date, sizeof date);
	tpl_set(w->tpl, "updated_on", date[0] ? date : NULL);
	if (!v->local) {
		tpl_set(w->tpl, "source", either(v->attribution, v->source_name));
		tpl_set(w->tpl, "licence", either(v->licence, "Licence Ouverte"));
		tpl_set_bool(w->tpl, "has_point", !isnan(v->geo_lat));
	}
	tpl_set_bool(w->tpl, "local", v->local);
}

/* The person a page is for (?personne=), when the actor may orient them. */
static void orient_context(struct web *w, int local, int64_t id)
{
	int64_t person_id = q_id(w, "personne");
	struct person *p = pool_alloc_raw(w->req->pool, sizeof *p);
	if (!person_id || !p || !person_can_follow(&w->actor) ||
	    person_get(w->db, &w->actor, person_id, p, "directory.search") != 1 || strcmp(p->status, "active") != 0)
		return;
	char name[300];
	person_display_name(p, name, sizeof name);
	tpl_set(w->tpl, "person_name", name);
	tpl_set(w->tpl, "orient_href", pool_printf(w->req->pool, "/personnes/%lld/orientations/nouvelle?%s=%lld",
						    (long long)person_id, local ? "local" : "service", (long long)id));
}

void page_directory_service(struct web *w)
{
	struct dir_service_view v;
	int rc = directory_service_get(w->db, w->id, w->req->pool, &v);
	if (rc <= 0) {
		web_error(w, rc < 0 ? 503 : 404, rc < 0 ? NULL : "Ce service n'est pas (ou plus) dans l'annuaire.");
		return;
	}
	service_values(w, &v);
	tpl_set_int(w->tpl, "id", v.id);
	tpl_set_bool(w->tpl, "can_follow", person_can_follow(&w->actor));
	orient_context(w, 0, v.id);
	web_render(w, "directory_service", either(v.service.v[DSF_NOM], "Service"));
}

void page_directory_local(struct web *w)
{
	struct dir_service_view v;
	int rc = directory_local_service_get(w->db, &w->actor, w->id, w->req->pool, &v);
	if (rc <= 0) {
		web_error(w, rc < 0 ? 503 : 404, rc < 0 ? NULL : "Ce service n'existe pas ou ne vous est pas accessible.");
		return;
	}
	service_values(w, &v);
	tpl_set_int(w->tpl, "id", v.id);
	tpl_set_int(w->tpl, "partner_id", v.structure_row);
	tpl_set_bool(w->tpl, "is_head", w->actor.role == ROLE_RESPONSABLE);
	tpl_set_bool(w->tpl, "withdrawn", directory_local_service_active(w->db, &w->actor, v.id) == 0);
	tpl_set_bool(w->tpl, "can_follow", person_can_follow(&w->actor));
	orient_context(w, 1, v.id);
	web_render(w, "directory_service", either(v.service.v[DSF_NOM], "Service"));
}

/* ---- the structure's partners (heads of service) ----------------------------------------- */

struct partners_page {
	struct web *w;
	struct {
		int64_t id;
		struct tpl_ctx *c;
	} items[512];
	int n;
};

static void add_partner(void *arg, const struct dir_partner_row *r)
{
	struct partners_page *pp = arg;
	struct tpl_ctx *c = tpl_list_add(pp->w->tpl, "partners");
	tpl_set_int(c, "id", r->id);
	tpl_set(c, "name", r->nom);
	tpl_set(c, "commune", r->commune[0] ? r->commune : NULL);
	tpl_set_bool(c, "withdrawn", !r->active);
	if (pp->n < (int)(sizeof pp->items / sizeof pp->items[0]))
		pp->items[pp->n].id = r->id, pp->items[pp->n++].c = c;
}

static void add_local(void *arg, const struct dir_local_row *r)
{
	struct partners_page *pp = arg;
	for (int i = 0; i < pp->n; i++) {
		if (pp->items[i].id != r->partner_id)
			continue;
		struct tpl_ctx *c = tpl_list_add(pp->items[i].c, "services");
		tpl_set_int(c, "id", r->id);
		tpl_set(c, "name", r->nom);
		tpl_set_bool(c, "withdrawn", !r->active);
		return;
	}
}

static void settings_values(struct web *w)
{
	struct directory_settings set;
	if (directory_settings_get(w->db, w->actor.structure_id, &set) < 0)
		return;
	const struct commune *c = set.commune_insee[0] ? commune_by_insee(set.commune_insee) : NULL;
	if (!tpl_get(w->tpl, "set_commune"))
		tpl_set(w->tpl, "set_commune", c ? pool_printf(w->req->pool, "%s (%s)", c->name, c->insee) : "");
	if (set.has_point && !tpl_get(w->tpl, "set_latitude")) {
		tpl_setf(w->tpl, "set_latitude", "%.6f", set.lat);
		tpl_setf(w->tpl, "set_longitude", "%.6f", set.lon);
	}
	if (!tpl_get(w->tpl, "set_reminder_days"))
		tpl_set_int(w->tpl, "set_reminder_days", set.reminder_days);
	double lat, lon;
	if (c && !set.has_point && directory_commune_point(w->db, c->insee, &lat, &lon) == 0)
		tpl_set_bool(w->tpl, "no_point_known", 1);
}

static void render_partners(struct web *w)
{
	struct partners_page *pp = pool_alloc(w->req->pool, sizeof *pp);
	if (!pp) {
		web_error(w, 500, NULL);
		return;
	}
	pp->w = w;
	if (directory_partners_list(w->db, &w->actor, add_partner, pp) < 0 ||
	    directory_local_services_list(w->db, &w->actor, add_local, pp) < 0) {
		web_error(w, 503, NULL);
		return;
	}
	settings_values(w);
	web_render(w, "directory_partners", "Partenaires et réglages de l'annuaire");
}

void page_directory_partners(struct web *w)
{
	render_partners(w);
}

void page_directory_settings(struct web *w)
{
	/* "Roubaix (59512)" as shown back is accepted: the code in brackets wins. */
	const char *commune = web_form(w, "commune");
	const char *open = strrchr(commune, '(');
	char code[8];
	if (open && strlen(open) == 7 && open[6] == ')' && str_copy(code, sizeof code, (struct str){open + 1, 5}) == 0 &&
	    commune_by_insee(code))
		commune = pool_strdup(w->req->pool, code);
	if (directory_settings_save(w->db, &w->actor, commune, web_form(w, "latitude"), web_form(w, "longitude"),
				    web_form(w, "reminder_days"), on_field_error, w) == 0) {
		web_redirect(w, "/annuaire/partenaires", "Réglages de l'annuaire enregistrés.");
		return;
	}
	tpl_set(w->tpl, "set_commune", web_form(w, "commune"));
	tpl_set(w->tpl, "set_latitude", web_form(w, "latitude"));
	tpl_set(w->tpl, "set_longitude", web_form(w, "longitude"));
	tpl_set(w->tpl, "set_reminder_days", web_form(w, "reminder_days"));
	render_partners(w);
}

/* ---- the form of a partner or a local service, from the field table ---------------------- */

static const struct choice *vocab_choices(struct web *w, enum dir_vocab v, int qualified)
{
	size_t n;
	const struct dir_term *t = directory_vocab(v, &n);
	struct choice *c = pool_alloc(w->req->pool, (n + 1) * sizeof *c);
	if (!c)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		c[i].value = t[i].value;
		const char *cat = qualified && t[i].parent[0] ? directory_term_label(DV_THEME_CATEGORY, t[i].parent) : NULL;
		c[i].label = cat ? pool_printf(w->req->pool, "%s : %s", cat, t[i].label) : t[i].label;
	}
	return c;
}

static const char *capitalised(struct web *w, const char *s)
{
	char *c = pool_strdup(w->req->pool, s);
	if (c && c[0] >= 'a' && c[0] <= 'z')
		c[0] = (char)(c[0] - 'a' + 'A');
	return c ? c : s;
}

static const char *field_hint(const struct dir_field *f)
{
	if (strcmp(f->name, "horaires_accueil") == 0)
		return "Au format OpenStreetMap, par exemple : Mo-Fr 09:00-12:00,14:00-17:00; PH off";
	if (strcmp(f->name, "zone_eligibilite") == 0)
		return "Codes séparés par des espaces : une commune (59350), un département (59), une région (R32) "
		       "ou france.";
	if (f->kind == DK_LATITUDE || f->kind == DK_LONGITUDE)
		return "Nombre avec un point, par exemple 50.6942 : les distances de la recherche en dépendent.";
	if (f->kind == DK_DATE)
		return "JJ/MM/AAAA ; aujourd'hui si vide.";
	return NULL;
}

/* Renders fields [first, end) of a record as form fields. */
static void record_fields(struct web *w, const struct dir_record *r, int first, int end)
{
	int count;
	const struct dir_field *fields = directory_fields(r->kind, &count);
	int n = end - first;
	struct form_field *ff = pool_alloc(w->req->pool, (size_t)n * sizeof *ff);
	const char **values = pool_alloc(w->req->pool, (size_t)n * sizeof *values);
	if (!ff || !values)
		return;
	for (int i = 0; i < n; i++) {
		const struct dir_field *f = &fields[first + i];
		struct form_field *o = &ff[i];
		o->name = f->name;
		o->label = capitalised(w, f->label);
		o->required = (f->flags & DF_REQUIRED) && f->kind != DK_DATE;
		o->hint = field_hint(f);
		const char *v = r->v[first + i];
		switch (f->kind) {
		case DK_ENUM:
			o->kind = FF_SELECT;
			o->choices = vocab_choices(w, (enum dir_vocab)f->vocab, 0);
			break;
		case DK_LIST:
			o->kind = FF_CHECKS;
			o->choices = vocab_choices(w, (enum dir_vocab)f->vocab, f->vocab == DV_THEME);
			break;
		case DK_DATE:
			o->kind = FF_DATE;
			break;
		case DK_TEXT:
			o->kind = f->max == 0 || f->max > 500 ? FF_LONG : FF_TEXT;
			break;
		default:
			o->kind = FF_TEXT;
		}
		if (v && (f->kind == DK_LIST || f->kind == DK_ZONE)) {
			/* Lists are '|'-joined; the form's checkboxes come back comma-joined. */
			char *c = pool_strdup(w->req->pool, v);
			for (char *p = c; p && *p; p++)
				if (*p == '|')
					*p = f->kind == DK_ZONE ? ' ' : ',';
			v = c;
		}
		values[i] = v;
	}
	web_fields(w, "fields", ff, (size_t)n, values);
}

/* Fields [first, end) as typed in the form. */
static void record_from_form(struct web *w, struct dir_record *r, int first, int end)
{
	int count;
	const struct dir_field *fields = directory_fields(r->kind, &count);
	for (int i = first; i < end; i++) {
		const struct dir_field *f = &fields[i];
		const char *v;
		if (f->kind == DK_LIST) {
			char *c = pool_strdup(w->req->pool, web_form_joined(w, f->name));
			for (char *p = c; p && *p; p++)
				if (*p == ',')
					*p = '|';
			v = c;
		} else if (f->kind == DK_ZONE) {
			/* Codes separated by spaces, commas or semicolons. */
			struct buf b = BUF_INIT;
			for (const char *p = web_form(w, f->name); *p;) {
				size_t n = strcspn(p, " ,;|\t\r\n");
				if (n)
					buf_appendf(&b, "%s%.*s", b.len ? "|" : "", (int)n, p);
				p += n;
				p += strspn(p, " ,;|\t\r\n");
			}
			v = pool_strdup(w->req->pool, buf_cstr(&b));
			buf_free(&b);
		} else {
			v = web_form(w, f->name);
		}
		r->v[i] = v && v[0] ? v : NULL;
	}
}

static int form_version(struct web *w, int *version)
{
	int64_t v;
	if (str_to_i64(str_from(web_form(w, "version")), 1, INT32_MAX, &v) < 0) {
		web_error(w, 400, "Version du formulaire manquante : rechargez la page.");
		return -1;
	}
	*version = (int)v;
	return 0;
}

static void render_partner_form(struct web *w, const struct dir_record *r, int64_t id, int version)
{
	record_fields(w, r, DTF_LOCAL_FIRST, DTF_LOCAL_END);
	if (id) {
		tpl_set(w->tpl, "action", path_id(w, "/annuaire/partenaires/", id, ""));
		tpl_set_int(w->tpl, "version", version);
		tpl_set(w->tpl, "heading", "Modifier le partenaire");
	} else {
		tpl_set(w->tpl, "action", "/annuaire/partenaires");
		tpl_set(w->tpl, "heading", "Nouveau partenaire");
	}
	web_render(w, "directory_record", id ? "Modifier le partenaire" : "Nouveau partenaire");
}

void page_partner_new(struct web *w)
{
	struct dir_record r = {.kind = DIR_STRUCTURE};
	render_partner_form(w, &r, 0, 0);
}

void page_partner_create(struct web *w)
{
	struct dir_record r = {.kind = DIR_STRUCTURE};
	record_from_form(w, &r, DTF_LOCAL_FIRST, DTF_LOCAL_END);
	int64_t id = 0;
	if (directory_local_structure_save(w->db, &w->actor, &id, 0, &r, w->req->pool, on_field_error, w) == 0) {
		web_redirect(w, "/annuaire/partenaires", "Partenaire enregistré. Ajoutez-lui ses services.");
		return;
	}
	if (w->resp->status == 200)
		w->resp->status = 422;
	render_partner_form(w, &r, 0, 0);
}

static int load_partner(struct web *w, struct dir_record *r, int *version, int *active)
{
	int rc = directory_partner_get(w->db, &w->actor, w->id, w->req->pool, r, version, active);
	if (rc <= 0) {
		web_error(w, rc < 0 ? 503 : 404, rc < 0 ? NULL : "Ce partenaire n'existe pas ou ne vous est pas accessible.");
		return -1;
	}
	return 0;
}

void page_partner_edit(struct web *w)
{
	struct dir_record r;
	int version, active;
	if (load_partner(w, &r, &version, &active) < 0)
		return;
	tpl_set(w->tpl, "new_service_href", path_id(w, "/annuaire/partenaires/", w->id, "/services/nouveau"));
	render_partner_form(w, &r, w->id, version);
}

void page_partner_update(struct web *w)
{
	struct dir_record cur;
	int version, active, sent;
	if (load_partner(w, &cur, &version, &active) < 0 || form_version(w, &sent) < 0)
		return;
	struct dir_record r = {.kind = DIR_STRUCTURE};
	record_from_form(w, &r, DTF_LOCAL_FIRST, DTF_LOCAL_END);
	int64_t id = w->id;
	int rc = directory_local_structure_save(w->db, &w->actor, &id, sent, &r, w->req->pool, on_field_error, w);
	if (rc == 0) {
		web_redirect(w, "/annuaire/partenaires", "Partenaire enregistré.");
		return;
	}
	if (rc == 1) {
		w->resp->status = 409;
		web_flash(w, "Quelqu'un a modifié ce partenaire pendant que vous le modifiiez. Voici la version enregistrée : "
			     "refaites vos changements si besoin.");
		render_partner_form(w, &cur, w->id, version);
		return;
	}
	if (w->resp->status == 200)
		w->resp->status = 422;
	render_partner_form(w, &r, w->id, sent);
}

static void render_local_form(struct web *w, const struct dir_record *r, int64_t partner_id, int64_t id, int version)
{
	record_fields(w, r, DSF_LOCAL_FIRST, DSF_LOCAL_END);
	if (id) {
		tpl_set(w->tpl, "action", path_id(w, "/annuaire/locaux/", id, ""));
		tpl_set_int(w->tpl, "version", version);
		tpl_set(w->tpl, "heading", "Modifier le service");
	} else {
		tpl_set(w->tpl, "action", path_id(w, "/annuaire/partenaires/", partner_id, "/services"));
		tpl_set(w->tpl, "heading", "Nouveau service");
	}
	web_render(w, "directory_record", id ? "Modifier le service" : "Nouveau service");
}

void page_local_new(struct web *w)
{
	struct dir_record p, r = {.kind = DIR_SERVICE};
	int version, active;
	if (load_partner(w, &p, &version, &active) < 0)
		return;
	tpl_set(w->tpl, "partner", p.v[DTF_NOM]);
	render_local_form(w, &r, w->id, 0, 0);
}

void page_local_create(struct web *w)
{
	struct dir_record p, r = {.kind = DIR_SERVICE};
	int version, active;
	if (load_partner(w, &p, &version, &active) < 0)
		return;
	record_from_form(w, &r, DSF_LOCAL_FIRST, DSF_LOCAL_END);
	int64_t id = 0;
	if (directory_local_service_save(w->db, &w->actor, &id, 0, w->id, &r, w->req->pool, on_field_error, w) == 0) {
		web_redirect(w, path_id(w, "/annuaire/locaux/", id, ""), "Service enregistré : il apparaît dans les recherches.");
		return;
	}
	if (w->resp->status == 200)
		w->resp->status = 422;
	tpl_set(w->tpl, "partner", p.v[DTF_NOM]);
	render_local_form(w, &r, w->id, 0, 0);
}

static int load_local(struct web *w, struct dir_service_view *v)
{
	int rc = directory_local_service_get(w->db, &w->actor, w->id, w->req->pool, v);
	if (rc <= 0) {
		web_error(w, rc < 0 ? 503 : 404, rc < 0 ? NULL : "Ce service n'existe pas ou ne vous est pas accessible.");
		return -1;
	}
	tpl_set(w->tpl, "partner", v->structure.v[DTF_NOM]);
	return 0;
}

void page_local_edit(struct web *w)
{
	struct dir_service_view v;
	if (load_local(w, &v) < 0)
		return;
	render_local_form(w, &v.service, v.structure_row, v.id, v.version);
}

void page_local_update(struct web *w)
{
	struct dir_service_view v;
	int sent;
	if (load_local(w, &v) < 0 || form_version(w, &sent) < 0)
		return;
	struct dir_record r = {.kind = DIR_SERVICE};
	record_from_form(w, &r, DSF_LOCAL_FIRST, DSF_LOCAL_END);
	int64_t id = v.id;
	int rc = directory_local_service_save(w->db, &w->actor, &id, sent, v.structure_row, &r, w->req->pool,
					      on_field_error, w);
	if (rc == 0) {
		web_redirect(w, path_id(w, "/annuaire/locaux/", id, ""), "Service enregistré.");
		return;
	}
	if (rc == 1) {
		w->resp->status = 409;
		web_flash(w, "Quelqu'un a modifié ce service pendant que vous le modifiiez. Voici la version enregistrée : "
			     "refaites vos changements si besoin.");
		render_local_form(w, &v.service, v.structure_row, v.id, v.version);
		return;
	}
	if (w->resp->status == 200)
		w->resp->status = 422;
	render_local_form(w, &r, v.structure_row, v.id, sent);
}

void page_local_withdraw(struct web *w)
{
	struct dir_service_view v;
	if (load_local(w, &v) < 0)
		return;
	int restore = strcmp(web_form(w, "actif"), "1") == 0;
	int rc = directory_local_service_set_active(w->db, &w->actor, v.id, restore);
	if (rc < 0) {
		web_error(w, 503, NULL);
		return;
	}
	web_redirect(w, path_id(w, "/annuaire/locaux/", v.id, ""),
		     restore ? "Service remis dans l'annuaire." : "Service retiré : il n'apparaît plus dans les recherches.");
}

/* ---- orientations ------------------------------------------------------------------------- */

static int load_person(struct web *w, int64_t id, struct person *p, const char *audit_action, int for_change)
{
	int rc = person_get(w->db, &w->actor, id, p, audit_action);
	if (rc <= 0) {
		web_error(w, rc < 0 ? 503 : 404, rc < 0 ? NULL : "Ce dossier n'existe pas ou ne vous est pas accessible.");
		return -1;
	}
	if (for_change && strcmp(p->status, "active") != 0) {
		web_error(w, 403, "Ce dossier est archivé : il ne peut plus être modifié.");
		return -1;
	}
	char name[300];
	person_display_name(p, name, sizeof name);
	tpl_set(w->tpl, "person_name", name);
	tpl_set_int(w->tpl, "person_id", p->id);
	tpl_set(w->tpl, "file_number", p->file_number);
	return 0;
}

/* The service of an orientation (national or local); 1, 0 gone, <0. */
static int load_service(struct web *w, int64_t service_id, int64_t local_id, struct dir_service_view *v)
{
	if (local_id)
		return directory_local_service_get(w->db, &w->actor, local_id, w->req->pool, v);
	return directory_service_get(w->db, service_id, w->req->pool, v);
}

static void service_summary(struct web *w, const struct dir_service_view *v)
{
	tpl_set(w->tpl, "service_name", v->service.v[DSF_NOM]);
	tpl_set(w->tpl, "partner_name", v->structure.v[DTF_NOM]);
	tpl_set(w->tpl, "service_address", address_of(w, v));
	tpl_set(w->tpl, "service_phone", either(v->service.v[DSF_TELEPHONE], v->structure.v[DTF_TELEPHONE]));
	tpl_set(w->tpl, "service_href", path_id(w, v->local ? "/annuaire/locaux/" : "/annuaire/services/", v->id, ""));
	hours_week_values(w, w->tpl, either(v->service.v[DSF_HORAIRES_ACCUEIL], v->structure.v[DTF_HORAIRES_ACCUEIL]));
}

enum { OF_THEME, OF_REASON, OF_SHARED, OF_CONSENT, OF_HOW, OF_BRING, OF_SAY, OF_STATUS, OF_DAYS, OF_N };

static const struct choice CONSENT[] = {{"1", "La personne est d'accord pour que ces informations soient transmises"},
					{NULL, NULL}};
static const struct choice FIRST_STATUSES[] = {{"proposee", "Proposée à la personne (elle prendra contact)"},
					       {"transmise", "Transmise au partenaire (nous avons pris contact)"},
					       {NULL, NULL}};

static void orientation_fields(struct web *w, const struct orientation_input *in)
{
	const struct form_field f[OF_N] = {
		{"theme", "Le besoin", FF_SELECT, vocab_choices(w, DV_THEME_CATEGORY, 0), "Il sert aux chiffres du rapport d'activité.", 1},
		{"reason", "Pourquoi ce service", FF_LONG, NULL, "Avec les mots de la personne si possible.", 1},
		{"shared", "Ce qui est transmis au partenaire", FF_LONG, NULL,
		 "Seulement ce qui est utile au partenaire, et seulement avec l'accord de la personne. Laissez vide si rien "
		 "n'est transmis.", 0},
		{"consent", "Accord de la personne", FF_CHECKS, CONSENT, NULL, 0},
		{"how_to_go", "Comment s'y rendre", FF_LONG, NULL, "Imprimé sur la fiche : bus, ligne, arrêt, étage…", 0},
		{"to_bring", "Ce qu'il faut apporter", FF_LONG, NULL, "Imprimé sur la fiche : pièce d'identité, courrier reçu…", 0},
		{"to_say", "Ce qu'il faut dire en arrivant", FF_LONG, NULL, "Imprimé sur la fiche.", 0},
		{"status", "Où en est-on", FF_RADIO, FIRST_STATUSES, NULL, 1},
		{"reminder_days", "Relance sans nouvelles après (jours)", FF_TEXT, NULL,
		 "Une tâche de suivi est créée à cette échéance quand l'orientation est transmise.", 0},
	};
	const char *v[OF_N] = {in->theme, in->reason, in->shared, in->consent ? "1" : "", in->how_to_go, in->to_bring,
			       in->to_say, in->status, in->reminder_days};
	web_fields(w, "fields", f, OF_N, v);
}

/* The category of a theme given with the search ("numerique--x" → "numerique"). */
static const char *category_of(struct web *w, const char *theme)
{
	const char *dash = strstr(theme, "--");
	const char *cat = dash ? pool_strndup(w->req->pool, theme, (size_t)(dash - theme)) : theme;
	return cat && directory_term_index(DV_THEME_CATEGORY, cat) >= 0 ? cat : "";
}

static void render_orientation_new(struct web *w, const struct dir_service_view *v, const struct orientation_input *in)
{
	service_summary(w, v);
	tpl_set(w->tpl, "action", path_id(w, "/personnes/", w->id, "/orientations"));
	tpl_set(w->tpl, "service_field", v->local ? "local" : "service");
	tpl_set_int(w->tpl, "service_id", v->id);
	orientation_fields(w, in);
	web_render(w, "orientation_new", "Orienter vers un service");
}

void page_orientation_new(struct web *w)
{
	struct person p;
	if (load_person(w, w->id, &p, NULL, 1) < 0)
		return;
	int64_t service = q_id(w, "service"), local = q_id(w, "local");
	struct dir_service_view v;
	int rc = service || local ? load_service(w, local ? 0 : service, local, &v) : 0;
	if (rc < 0) {
		web_error(w, 503, NULL);
		return;
	}
	if (rc == 0) {
		web_redirect(w, path_id(w, "/annuaire?personne=", p.id, ""), "Choisissez d'abord un service dans l'annuaire.");
		return;
	}
	struct directory_settings set;
	directory_settings_get(w->db, w->actor.structure_id, &set);
	const char *theme = category_of(w, q_param(w, "theme"));
	if (!theme[0] && v.service.v[DSF_THEMATIQUES])
		theme = category_of(w, pool_strndup(w->req->pool, v.service.v[DSF_THEMATIQUES],
						    strcspn(v.service.v[DSF_THEMATIQUES], "|")));
	struct structure_contact contact;
	const char *say = "";
	if (structure_contact_get(w->db, w->actor.structure_id, &contact) >= 0)
		say = pool_printf(w->req->pool, "Bonjour, je viens de la part de %s : %s m'a conseillé de venir vous voir.",
				  contact.name[0] ? contact.name : w->sess.user.structure_name, w->sess.user.display_name);
	struct orientation_input in = {.theme = theme, .reason = "", .shared = "", .how_to_go = "", .to_bring = "",
				       .to_say = say ? say : "", .status = "proposee",
				       .reminder_days = path_id(w, "", set.reminder_days, "")};
	render_orientation_new(w, &v, &in);
}

void page_orientation_create(struct web *w)
{
	struct person p;
	if (load_person(w, w->id, &p, NULL, 1) < 0)
		return;
	struct orientation_input in = {
		.theme = web_form(w, "theme"),
		.reason = web_form(w, "reason"),
		.shared = web_form(w, "shared"),
		.consent = strcmp(web_form(w, "consent"), "1") == 0,
		.how_to_go = web_form(w, "how_to_go"),
		.to_bring = web_form(w, "to_bring"),
		.to_say = web_form(w, "to_say"),
		.status = web_form(w, "status"),
		.reminder_days = web_form(w, "reminder_days"),
	};
	int64_t sid, lid;
	if (str_to_i64(str_from(web_form(w, "service")), 1, INT64_MAX, &sid) < 0)
		sid = 0;
	if (str_to_i64(str_from(web_form(w, "local")), 1, INT64_MAX, &lid) < 0)
		lid = 0;
	in.service_id = lid ? 0 : sid;
	in.local_service_id = lid;
	int64_t id = orientation_create(w->db, &w->actor, p.id, &in, on_field_error, w);
	if (id > 0) {
		web_redirect(w, path_id(w, "/orientations/", id, ""),
			     "Orientation enregistrée. Imprimez la fiche pour la remettre à la personne.");
		return;
	}
	if (w->resp->status == 200)
		w->resp->status = 422;
	struct dir_service_view v;
	int rc = sid || lid ? load_service(w, sid, lid, &v) : 0;
	if (rc < 0) {
		web_error(w, 503, NULL);
		return;
	}
	if (rc == 0) {
		web_redirect(w, path_id(w, "/annuaire?personne=", p.id, ""), "Choisissez d'abord un service dans l'annuaire.");
		return;
	}
	render_orientation_new(w, &v, &in);
}

static void set_orientation(struct web *w, struct tpl_ctx *c, const struct orientation *o)
{
	tpl_set_int(c, "id", o->id);
	tpl_set(c, "service_name", o->service_name);
	tpl_set(c, "partner_name", o->partner_name[0] ? o->partner_name : NULL);
	tpl_set(c, "status", choice_label(orientation_statuses, o->status));
	tpl_set(c, "status_value", o->status);
	tpl_set_bool(c, "closed", strcmp(o->status, "realisee") == 0 || strcmp(o->status, "abandonnee") == 0 ||
				       strcmp(o->status, "refusee") == 0);
	char when[64];
	clock_format_fr(o->created_at, when, sizeof when);
	when[10] = '\0';
	tpl_set(c, "created_on", when);
	clock_format_fr(o->status_at, when, sizeof when);
	when[10] = '\0';
	tpl_set(c, "status_on", when);
	tpl_set(c, "theme", o->theme[0] ? orientation_theme_label(o->theme) : NULL);
}

static void section_orientation(void *arg, const struct orientation *o)
{
	struct web *w = arg;
	set_orientation(w, tpl_list_add(w->tpl, "orientations"), o);
}

void orientations_section(struct web *w, int64_t person_id)
{
	orientation_list(w->db, &w->actor, person_id, section_orientation, w);
}

static void add_event(void *arg, const struct orientation_event *e)
{
	struct web *w = arg;
	struct tpl_ctx *c = tpl_list_add(w->tpl, "history");
	char when[64];
	clock_format_fr(e->at, when, sizeof when);
	tpl_set(c, "when", when);
	tpl_set(c, "status", choice_label(orientation_statuses, e->status));
	tpl_set(c, "channel", e->channel[0] ? choice_label(orientation_channels, e->channel) : NULL);
	tpl_set(c, "note", e->note[0] ? e->note : NULL);
	tpl_set(c, "by", e->by[0] ? e->by : NULL);
}

static int load_orientation(struct web *w, struct orientation *o, struct person *p, const char *action)
{
	int rc = orientation_get(w->db, &w->actor, w->id, o);
	if (rc <= 0) {
		web_error(w, rc < 0 ? 503 : 404, rc < 0 ? NULL : "Cette orientation n'existe pas ou ne vous est pas accessible.");
		return -1;
	}
	if (load_person(w, o->person_id, p, action, 0) < 0)
		return -1;
	set_orientation(w, w->tpl, o);
	return 0;
}

static void render_orientation(struct web *w, const struct orientation *o, const struct person *p, const char *status,
			       const char *channel, const char *note)
{
	tpl_set_int(w->tpl, "version", o->version);
	tpl_set(w->tpl, "reason", o->reason);
	tpl_set(w->tpl, "shared", o->shared[0] ? o->shared : NULL);
	tpl_set_bool(w->tpl, "consent", o->consent);
	tpl_set(w->tpl, "how_to_go", o->how_to_go[0] ? o->how_to_go : NULL);
	tpl_set(w->tpl, "to_bring", o->to_bring[0] ? o->to_bring : NULL);
	tpl_set(w->tpl, "to_say", o->to_say[0] ? o->to_say : NULL);
	tpl_set(w->tpl, "creator", o->creator);
	tpl_set(w->tpl, "partner_type", o->partner_type[0] ? orientation_partner_label(o->partner_type) : NULL);
	tpl_set_int(w->tpl, "reminder_days", o->reminder_days);
	tpl_set_bool(w->tpl, "has_task", o->task_id != 0);
	tpl_set_bool(w->tpl, "archived", strcmp(p->status, "active") != 0);
	tpl_set(w->tpl, "service_href", o->local_service_id ? path_id(w, "/annuaire/locaux/", o->local_service_id, "")
							    : path_id(w, "/annuaire/services/", o->service_id, ""));
	for (const struct choice *c = orientation_statuses; c->value; c++) {
		struct tpl_ctx *s = tpl_list_add(w->tpl, "statuses");
		tpl_set(s, "value", c->value);
		tpl_set(s, "label", c->label);
		tpl_set_bool(s, "selected", strcmp(c->value, status) == 0);
	}
	for (const struct choice *c = orientation_channels; c->value; c++) {
		struct tpl_ctx *s = tpl_list_add(w->tpl, "channels");
		tpl_set(s, "value", c->value);
		tpl_set(s, "label", c->label);
		tpl_set_bool(s, "checked", strcmp(c->value, channel) == 0);
	}
	tpl_set(w->tpl, "note_value", note);
	orientation_history(w->db, &w->actor, o->id, add_event, w);
	web_render(w, "orientation", "Orientation");
}

void page_orientation(struct web *w)
{
	struct orientation *o = pool_alloc_raw(w->req->pool, sizeof *o);
	struct person *p = pool_alloc_raw(w->req->pool, sizeof *p);
	if (!o || !p) {
		web_error(w, 500, NULL);
		return;
	}
	if (load_orientation(w, o, p, "orientation.read") < 0)
		return;
	render_orientation(w, o, p, o->status, "", "");
}

void page_orientation_update(struct web *w)
{
	struct orientation *o = pool_alloc_raw(w->req->pool, sizeof *o);
	struct person *p = pool_alloc_raw(w->req->pool, sizeof *p);
	if (!o || !p) {
		web_error(w, 500, NULL);
		return;
	}
	if (load_orientation(w, o, p, NULL) < 0)
		return;
	int64_t version;
	if (str_to_i64(str_from(web_form(w, "version")), 1, INT64_MAX, &version) < 0) {
		web_error(w, 400, "Version de l'orientation manquante : rechargez la page.");
		return;
	}
	const char *status = web_form(w, "status"), *channel = web_form(w, "channel"), *note = web_form(w, "note");
	int rc = orientation_set_status(w->db, &w->actor, o->id, version, status, channel, note, on_field_error, w);
	if (rc == 0) {
		web_redirect(w, path_id(w, "/orientations/", o->id, ""), "Suivi de l'orientation enregistré.");
		return;
	}
	if (rc == 1) {
		w->resp->status = 409;
		web_flash(w, "Quelqu'un a mis à jour cette orientation pendant que vous la modifiiez. Voici ce qui est "
			     "enregistré : recommencez si besoin.");
		orientation_get(w->db, &w->actor, o->id, o);
		set_orientation(w, w->tpl, o);
	} else if (w->resp->status == 200) {
		w->resp->status = 422;
	}
	render_orientation(w, o, p, status, channel, note);
}

void page_orientation_slip(struct web *w)
{
	struct orientation *o = pool_alloc_raw(w->req->pool, sizeof *o);
	struct person *p = pool_alloc_raw(w->req->pool, sizeof *p);
	if (!o || !p) {
		web_error(w, 500, NULL);
		return;
	}
	if (load_orientation(w, o, p, "orientation.print_slip") < 0)
		return;
	struct dir_service_view v;
	int rc = load_service(w, o->service_id, o->local_service_id, &v);
	if (rc < 0) {
		web_error(w, 503, NULL);
		return;
	}
	if (rc == 1) {
		service_summary(w, &v);
		tpl_set(w->tpl, "service_email", either(v.service.v[DSF_COURRIEL], v.structure.v[DTF_COURRIEL]));
		tpl_set(w->tpl, "conditions", v.service.v[DSF_CONDITIONS_ACCES]);
	} else {
		tpl_set_bool(w->tpl, "hours_unknown", 1);
	}
	/* What was recorded wins over the directory's copy. */
	tpl_set(w->tpl, "service_name", o->service_name);
	tpl_set(w->tpl, "partner_name", o->partner_name[0] ? o->partner_name : NULL);
	tpl_set(w->tpl, "reason", o->reason);
	tpl_set(w->tpl, "how_to_go", o->how_to_go[0] ? o->how_to_go : NULL);
	tpl_set(w->tpl, "to_bring", o->to_bring[0] ? o->to_bring : NULL);
	tpl_set(w->tpl, "to_say", o->to_say[0] ? o->to_say : NULL);
	tpl_set(w->tpl, "creator", o->creator);
	char today[11];
	date_today(today);
	tpl_set(w->tpl, "today", web_date_fr(w, today));
	tpl_set(w->tpl, "structure", w->sess.user.structure_name);
	struct structure_contact contact;
	if (structure_contact_get(w->db, w->actor.structure_id, &contact) >= 0) {
		tpl_set(w->tpl, "structure_phone", contact.phone[0] ? contact.phone : NULL);
		tpl_set(w->tpl, "structure_address", contact.address[0] ? contact.address : NULL);
		tpl_set(w->tpl, "structure_hours", contact.hours[0] ? contact.hours : NULL);
	}
	web_render(w, "orientation_slip", "Fiche d'orientation");
}
