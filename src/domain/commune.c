#include "domain/commune.h"
#include "core/buf.h"
#include "core/csv.h"
#include "core/embedded.h"
#include "core/log.h"
#include "core/text.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct postal_entry {
	char code[6];
	int commune;
};

static struct commune *communes;
static size_t ncommunes;
static struct postal_entry *postal;
static size_t npostal;
static struct buf names; /* every name and folded name, NUL-separated */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int cmp_postal(const void *a, const void *b)
{
	const struct postal_entry *x = a, *y = b;
	int c = strcmp(x->code, y->code);
	return c ? c : x->commune - y->commune;
}

static int cmp_insee(const void *a, const void *b)
{
	return strcmp(((const struct commune *)a)->insee, ((const struct commune *)b)->insee);
}

static void load(void)
{
	const struct embedded_file *f = embedded_find("data/communes.csv");
	if (!f) {
		log_error("data/communes.csv is not embedded");
		return;
	}
	size_t cap = 40000, pcap = 45000;
	communes = calloc(cap, sizeof *communes);
	postal = calloc(pcap, sizeof *postal);
	buf_init(&names, 0);
	size_t *name_off = calloc(cap, sizeof *name_off), *fold_off = calloc(cap, sizeof *fold_off);
	if (!communes || !postal || !name_off || !fold_off)
		goto out;
	struct csv_reader r;
	struct buf err = BUF_INIT;
	csv_init(&r, (const char *)f->data, f->size, ',');
	csv_next(&r, &err); /* header */
	while (csv_next(&r, &err) == 1 && ncommunes < cap) {
		struct commune *c = &communes[ncommunes];
		cstr_copy(c->insee, sizeof c->insee, csv_field(&r, 0));
		cstr_copy(c->departement, sizeof c->departement, csv_field(&r, 2));
		cstr_copy(c->region, sizeof c->region, csv_field(&r, 4));
		cstr_copy(c->epci, sizeof c->epci, csv_field(&r, 5));
		cstr_copy(c->parent, sizeof c->parent, csv_field(&r, 6));
		name_off[ncommunes] = names.len;
		buf_append(&names, csv_field(&r, 1), strlen(csv_field(&r, 1)) + 1);
		fold_off[ncommunes] = names.len;
		text_fold(csv_field(&r, 1), &names);
		buf_putc(&names, '\0');
		/* Postal codes: "59650|59491". */
		const char *codes = csv_field(&r, 3);
		while (*codes && npostal < pcap) {
			size_t n = strcspn(codes, "|");
			if (n == 5) {
				memcpy(postal[npostal].code, codes, 5);
				postal[npostal].commune = (int)ncommunes;
				npostal++;
			}
			codes += n + (codes[n] == '|');
		}
		ncommunes++;
	}
	csv_free(&r);
	buf_free(&err);
	/* Pointers only once the names buffer stops moving. */
	for (size_t i = 0; i < ncommunes; i++) {
		communes[i].name = names.data + name_off[i];
		communes[i].folded = names.data + fold_off[i];
	}
	/* Sort by INSEE code, keeping the postal index pointing right. */
	int *order = malloc(ncommunes * sizeof *order);
	struct commune *sorted = malloc(ncommunes * sizeof *sorted);
	if (order && sorted) {
		memcpy(sorted, communes, ncommunes * sizeof *sorted);
		qsort(sorted, ncommunes, sizeof *sorted, cmp_insee);
		/* Map old index -> new index through the INSEE code. */
		for (size_t i = 0; i < ncommunes; i++) {
			struct commune *pos = bsearch(&communes[i], sorted, ncommunes, sizeof *sorted, cmp_insee);
			order[i] = (int)(pos - sorted);
		}
		for (size_t i = 0; i < npostal; i++)
			postal[i].commune = order[postal[i].commune];
		free(communes);
		communes = sorted;
		sorted = NULL;
	}
	free(order);
	free(sorted);
	qsort(postal, npostal, sizeof *postal, cmp_postal);
out:
	free(name_off);
	free(fold_off);
}

size_t commune_count(void)
{
	pthread_once(&once, load);
	return ncommunes;
}

int commune_by_postal(const char *postal_code, const struct commune **out, int max)
{
	pthread_once(&once, load);
	if (!postal_code || strlen(postal_code) != 5 || !npostal)
		return 0;
	/* Lower bound of the code, then every entry with it. */
	size_t lo = 0, hi = npostal;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(postal[mid].code, postal_code) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	int n = 0;
	for (size_t i = lo; i < npostal && n < max && strcmp(postal[i].code, postal_code) == 0; i++)
		out[n++] = &communes[postal[i].commune];
	return n;
}

const struct commune *commune_by_insee(const char *insee)
{
	pthread_once(&once, load);
	struct commune key;
	memset(&key, 0, sizeof key);
	cstr_copy(key.insee, sizeof key.insee, insee ? insee : "");
	return communes ? bsearch(&key, communes, ncommunes, sizeof *communes, cmp_insee) : NULL;
}

int commune_resolve(const char *postal_code, const char *name, const struct commune **out)
{
	pthread_once(&once, load);
	struct buf folded = BUF_INIT;
	text_fold(name ? name : "", &folded);
	const char *want = buf_cstr(&folded);
	int found = 0;
	if (postal_code && postal_code[0]) {
		const struct commune *list[64];
		int n = commune_by_postal(postal_code, list, 64);
		for (int i = 0; i < n; i++)
			if (!want[0] || strcmp(list[i]->folded, want) == 0) {
				if (!found)
					*out = list[i];
				found++;
			}
	} else if (want[0]) {
		for (size_t i = 0; i < ncommunes && found < 2; i++)
			if (strcmp(communes[i].folded, want) == 0) {
				if (!found)
					*out = &communes[i];
				found++;
			}
	}
	buf_free(&folded);
	return found > 2 ? 2 : found;
}

int commune_region_departements(const char *region, const char **out, int max)
{
	pthread_once(&once, load);
	int n = 0;
	if (!region || !region[0])
		return 0;
	/* Communes are sorted by INSEE code, so by département: each new
	 * département of the région shows up once, in order. */
	for (size_t i = 0; i < ncommunes && n < max; i++)
		if (strcmp(communes[i].region, region) == 0 && (n == 0 || strcmp(out[n - 1], communes[i].departement) != 0))
			out[n++] = communes[i].departement;
	return n;
}

/* One code of a zone list against the person's commune. */
static int zone_code_matches(const char *code, size_t n, const char *insee, const struct commune *c)
{
	char dep[4] = "";
	if (c)
		cstr_copy(dep, sizeof dep, c->departement);
	else if (strlen(insee) == 5)
		str_copy(dep, sizeof dep, (struct str){insee, (insee[0] == '9' && (insee[1] == '7' || insee[1] == '8')) ? 3 : 2});
	if ((n == 6 && strncasecmp(code, "france", 6) == 0) || (n == 5 && strncmp(code, "99100", 5) == 0))
		return 1;
	if (n == 5)
		return strncmp(code, insee, 5) == 0 || (c && c->parent[0] && strncmp(code, c->parent, 5) == 0);
	if (n == 9)
		return c && strlen(c->epci) == 9 && strncmp(code, c->epci, 9) == 0;
	if ((n == 2 || n == 3) && code[0] != 'R')
		return strlen(dep) == n && strncmp(code, dep, n) == 0;
	if ((n == 3 || n == 4) && code[0] == 'R')
		return c && strlen(c->region) == n - 1 && strncmp(code + 1, c->region, n - 1) == 0;
	return 0;
}

int zone_eligible(const char *zone_list, const char *insee)
{
	if (!zone_list || !zone_list[0])
		return 1;
	if (!insee)
		insee = "";
	const struct commune *c = insee[0] ? commune_by_insee(insee) : NULL;
	const char *p = zone_list;
	while (*p) {
		size_t skip = strspn(p, "|,; ");
		p += skip;
		size_t n = strcspn(p, "|,; ");
		if (n && zone_code_matches(p, n, insee, c))
			return 1;
		p += n;
	}
	return 0;
}
