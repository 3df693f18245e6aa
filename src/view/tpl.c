#include "view/tpl.h"
#include "core/pool.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/embedded.h"

#define TPL_MAX_PARTIAL_DEPTH 16
#define TPL_MAX_NESTING 32 /* sections inside one template */
#define TPL_MAX_NAME 64

/* ---- contexts ---------------------------------------------------------- */

enum tpl_kind { KIND_TEXT, KIND_RAW, KIND_LIST };

struct tpl_entry {
	char *key;             /* "key\0value\0" in one allocation */
	const char *value;     /* points into key; "" for lists */
	size_t klen;
	size_t vlen;
	enum tpl_kind kind;
	struct tpl_ctx **items; /* KIND_LIST only */
	size_t nitems;
	size_t aitems;
};

/* Everything of a context tree lives in one pool owned by the root: a page
 * sets hundreds of values, and one free at the end beats one per value. */
struct tpl_ctx {
	struct pool *pool; /* the root's */
	struct tpl_entry *ents;
	uint32_t *hashes; /* hashes[i] is the hash of ents[i].key: lookups scan it */
	uint64_t seen[4]; /* bit (hash & 255) set for every key added: most absent keys skip the scan */
	size_t n;
	size_t alloc;
	struct tpl_ctx *root; /* where allocation failures are remembered */
	int failed;
};

/* FNV-1a: keys are short, and a page does hundreds of lookups. */
static uint32_t key_hash(const char *key, size_t len)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)key[i]) * 16777619u;
	return h;
}

/* The same over a C string, its length found on the way: one pass over
 * each name a page sets. */
static uint32_t key_hash_len(const char *key, size_t *len)
{
	uint32_t h = 2166136261u;
	const char *p = key;
	for (; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	*len = (size_t)(p - key);
	return h;
}

static uint64_t load8(const char *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

static uint32_t load4(const char *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

/* memcmp(a, b, n) == 0 for names, which are short: a few word
 * comparisons (the last ones may overlap) instead of a library call. */
static inline int same_name(const char *a, const char *b, size_t n)
{
	if (n >= 8) {
		for (size_t i = 0; i + 8 < n; i += 8)
			if (load8(a + i) != load8(b + i))
				return 0;
		return load8(a + n - 8) == load8(b + n - 8);
	}
	if (n >= 4)
		return load4(a) == load4(b) && load4(a + n - 4) == load4(b + n - 4);
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

static struct tpl_ctx *ctx_alloc(struct tpl_ctx *root)
{
	struct pool *pool = root ? root->pool : pool_new();
	if (!pool)
		return NULL;
	struct tpl_ctx *c = pool_alloc(pool, sizeof *c);
	if (!c) {
		if (!root)
			pool_free(pool);
		return NULL;
	}
	c->pool = pool;
	c->root = root ? root : c;
	return c;
}

struct tpl_ctx *tpl_ctx_new(void)
{
	return ctx_alloc(NULL);
}

/* The items' memory stays in the pool until the root is freed. */
static void entry_free_items(struct tpl_entry *e)
{
	e->items = NULL;
	e->nitems = e->aitems = 0;
}

void tpl_ctx_free(struct tpl_ctx *ctx)
{
	/* Only the root owns the pool; a child goes with it. */
	if (ctx && ctx->root == ctx)
		pool_free(ctx->pool);
}

static void ctx_fail(struct tpl_ctx *ctx)
{
	ctx->root->failed = 1;
}

static int ctx_may_have(const struct tpl_ctx *ctx, uint32_t hash)
{
	return (ctx->seen[(hash >> 6) & 3] >> (hash & 63)) & 1;
}

static struct tpl_entry *ctx_find(const struct tpl_ctx *ctx, const char *key, size_t klen,
				  uint32_t hash)
{
	if (!ctx_may_have(ctx, hash))
		return NULL;
	for (size_t i = 0; i < ctx->n; i++) {
		if (ctx->hashes[i] != hash)
			continue;
		struct tpl_entry *e = &ctx->ents[i];
		if (e->klen == klen && same_name(e->key, key, klen))
			return e;
	}
	return NULL;
}

/* The entry for key, appended empty if absent; NULL if out of memory. */
static inline __attribute__((always_inline)) struct tpl_entry *ctx_slot(struct tpl_ctx *ctx, const char *key,
									  size_t klen, uint32_t hash)
{
	struct tpl_entry *e = ctx_find(ctx, key, klen, hash);
	if (e)
		return e;
	if (ctx->n == ctx->alloc) {
		/* A page's root holds dozens of values, a list item a handful. */
		size_t na = ctx->alloc ? ctx->alloc * 2 : ctx->root == ctx ? 64 : 8;
		struct tpl_entry *p = pool_alloc_raw(ctx->pool, na * sizeof *p);
		uint32_t *h = pool_alloc_raw(ctx->pool, na * sizeof *h);
		if (!p || !h)
			return NULL;
		if (ctx->n) {
			memcpy(p, ctx->ents, ctx->n * sizeof *p);
			memcpy(h, ctx->hashes, ctx->n * sizeof *h);
		}
		ctx->ents = p;
		ctx->hashes = h;
		ctx->alloc = na;
	}
	ctx->hashes[ctx->n] = hash;
	ctx->seen[(hash >> 6) & 3] |= (uint64_t)1 << (hash & 63);
	e = &ctx->ents[ctx->n++];
	memset(e, 0, sizeof *e);
	e->klen = klen;
	return e;
}

static void ctx_unset(struct tpl_ctx *ctx, const char *key)
{
	size_t klen;
	uint32_t hash = key_hash_len(key, &klen);
	struct tpl_entry *e = ctx_find(ctx, key, klen, hash);
	if (!e)
		return;
	entry_free_items(e);
	size_t i = (size_t)(e - ctx->ents);
	ctx->n--;
	ctx->ents[i] = ctx->ents[ctx->n];
	ctx->hashes[i] = ctx->hashes[ctx->n];
}

static void ctx_put(struct tpl_ctx *ctx, const char *key, const char *value, size_t len,
		    enum tpl_kind kind)
{
	if (!ctx || !key)
		return;
	if (!value) {
		ctx_unset(ctx, key);
		return;
	}
	size_t klen;
	uint32_t hash = key_hash_len(key, &klen);
	if (len > SIZE_MAX - klen - 2)
		goto fail;
	char *mem = pool_alloc_raw(ctx->pool, klen + len + 2);
	if (!mem)
		goto fail;
	struct tpl_entry *e = ctx_slot(ctx, key, klen, hash);
	if (!e)
		goto fail;
	copy_short(mem, key, klen + 1);
	copy_short(mem + klen + 1, value, len);
	mem[klen + 1 + len] = '\0';
	entry_free_items(e);
	e->key = mem;
	e->value = mem + klen + 1;
	e->vlen = len;
	e->kind = kind;
	return;
fail:
	ctx_fail(ctx);
}

void tpl_setn(struct tpl_ctx *ctx, const char *key, const char *value, size_t len)
{
	ctx_put(ctx, key, value, len, KIND_TEXT);
}

void tpl_set(struct tpl_ctx *ctx, const char *key, const char *value)
{
	ctx_put(ctx, key, value, value ? strlen(value) : 0, KIND_TEXT);
}

void tpl_set_raw(struct tpl_ctx *ctx, const char *key, const char *html)
{
	ctx_put(ctx, key, html, html ? strlen(html) : 0, KIND_RAW);
}

void tpl_setf(struct tpl_ctx *ctx, const char *key, const char *fmt, ...)
{
	if (!ctx)
		return;
	char small[128];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0) {
		ctx_fail(ctx);
	} else if ((size_t)n < sizeof small) {
		tpl_setn(ctx, key, small, (size_t)n);
	} else {
		struct buf b = BUF_INIT;
		va_start(ap, fmt);
		int rc = buf_vappendf(&b, fmt, ap);
		va_end(ap);
		if (rc < 0)
			ctx_fail(ctx);
		else
			tpl_setn(ctx, key, buf_cstr(&b), b.len);
		buf_free(&b);
	}
}

/* Numbers are set on every row of every list: no printf for them, and no
 * escaping when they are shown. */
void tpl_set_int(struct tpl_ctx *ctx, const char *key, long long v)
{
	char digits[24];
	size_t i = sizeof digits;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do {
		digits[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		digits[--i] = '-';
	/* Digits need no escaping: stored as markup, rendered without the scan. */
	ctx_put(ctx, key, digits + i, sizeof digits - i, KIND_RAW);
}

void tpl_set_bool(struct tpl_ctx *ctx, const char *key, int v)
{
	tpl_set(ctx, key, v ? "1" : NULL);
}

struct tpl_ctx *tpl_list_add(struct tpl_ctx *ctx, const char *key)
{
	if (!ctx || !key)
		return NULL;
	size_t klen;
	uint32_t hash = key_hash_len(key, &klen);
	struct tpl_entry *e = ctx_find(ctx, key, klen, hash);
	char *mem = NULL;
	if (!e || e->kind != KIND_LIST) {
		mem = pool_alloc(ctx->pool, klen + 1);
		if (!mem)
			goto fail;
		memcpy(mem, key, klen + 1);
		e = ctx_slot(ctx, key, klen, hash);
		if (!e)
			goto fail;
		e->key = mem;
		e->value = mem + klen; /* "" */
		e->vlen = 0;
		e->kind = KIND_LIST;
		mem = NULL;
	}
	if (e->nitems == e->aitems) {
		size_t na = e->aitems ? e->aitems * 2 : 8;
		struct tpl_ctx **p = pool_alloc(ctx->pool, na * sizeof *p);
		if (!p)
			goto fail;
		if (e->nitems)
			memcpy(p, e->items, e->nitems * sizeof *p);
		e->items = p;
		e->aitems = na;
	}
	struct tpl_ctx *item = ctx_alloc(ctx->root);
	if (!item)
		goto fail;
	e->items[e->nitems++] = item;
	return item;
fail:
	ctx_fail(ctx);
	return NULL;
}

const char *tpl_get(const struct tpl_ctx *ctx, const char *key)
{
	if (!ctx || !key)
		return NULL;
	size_t klen;
	uint32_t hash = key_hash_len(key, &klen);
	const struct tpl_entry *e = ctx_find(ctx, key, klen, hash);
	return e && e->kind != KIND_LIST ? e->value : NULL;
}

/* ---- compiled templates ------------------------------------------------- */

enum node_type { NODE_TEXT, NODE_VAR, NODE_SECTION, NODE_INVERTED, NODE_PARTIAL };

struct tpl;

struct node {
	enum node_type type;
	unsigned line;            /* of the tag, for messages */
	const char *s;            /* text, or the name in a tag */
	size_t len;
	uint32_t hash;            /* of the name */
	unsigned hint;            /* where the name was last found in its context (see lookup) */
	size_t end;               /* sections: index of the node after the body */
	const struct tpl *partial; /* NODE_PARTIAL, resolved when parsing */
};

struct tpl {
	const char *name;  /* "login" for templates/login.html */
	const char *path;  /* "templates/login.html": used in messages */
	const struct embedded_file *file;
	struct node *nodes;
	size_t n;
	size_t alloc;
	int broken;        /* failed to parse: render nothing, report error */
	char *error;       /* the message; NULL if even that could not be allocated */
};

static const char *tpl_error(const struct tpl *t)
{
	return t->error ? t->error : "template: out of memory";
}

/* All embedded templates, sorted by name; read-only once built. */
static struct {
	pthread_once_t once;
	struct tpl *tpls;
	size_t n;
	char *names;  /* storage for every tpl.name */
	int oom;
} cache = {PTHREAD_ONCE_INIT, NULL, 0, NULL, 0};

static const struct tpl *cache_find(const char *name, size_t len)
{
	size_t lo = 0, hi = cache.n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *m = cache.tpls[mid].name;
		int c = strncmp(m, name, len);
		if (c == 0)
			c = m[len] ? 1 : 0;
		if (c == 0)
			return &cache.tpls[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int node_add(struct tpl *t, enum node_type type, unsigned line, const char *s, size_t len)
{
	if (t->n == t->alloc) {
		size_t na = t->alloc ? t->alloc * 2 : 32;
		struct node *p = realloc(t->nodes, na * sizeof *p);
		if (!p)
			return -1;
		t->nodes = p;
		t->alloc = na;
	}
	t->nodes[t->n++] = (struct node){
		.type = type, .line = line, .s = s, .len = len,
		.hash = type == NODE_TEXT ? 0 : key_hash(s, len),
	};
	return 0;
}

static unsigned count_lines(const char *s, size_t n)
{
	unsigned k = 0;
	for (const char *p = s, *e = s + n; (p = memchr(p, '\n', (size_t)(e - p))); p++)
		k++;
	return k;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int valid_name(struct str s)
{
	if (s.len == 0 || s.len > TPL_MAX_NAME)
		return 0;
	for (size_t i = 0; i < s.len; i++) {
		char c = s.ptr[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

static struct str trim(const char *p, size_t n)
{
	while (n && is_blank(*p)) {
		p++;
		n--;
	}
	while (n && is_blank(p[n - 1]))
		n--;
	return (struct str){p, n};
}

/* Shows a tag in a message without flooding it, e.g. "{{#items}}". */
#define TAG_FMT "'{{%.*s}}'"
#define TAG_ARG(p, n) (int)((n) > 40 ? 40 : (n)), (p)

/*
 * Compiles text into t->nodes: a flat array where a section node's body is
 * the nodes up to its `end`; close tags leave no node. Text nodes point into
 * text, which must outlive t.
 */
static int parse(struct tpl *t, const char *label, const char *text, size_t len, struct buf *err)
{
	size_t open_at[TPL_MAX_NESTING];
	int depth = 0;
	unsigned line = 1;
	size_t i = 0;
	struct buf msg = BUF_INIT;

	while (i < len) {
		const char *open = memmem(text + i, len - i, "{{", 2);
		size_t text_end = open ? (size_t)(open - text) : len;
		if (text_end > i) {
			if (node_add(t, NODE_TEXT, line, text + i, text_end - i) < 0)
				goto oom;
			line += count_lines(text + i, text_end - i);
		}
		if (!open)
			break;
		const char *body = open + 2;
		const char *close = memmem(body, len - (size_t)(body - text), "}}", 2);
		if (!close) {
			buf_appendf(&msg, "%s:%u: unterminated '{{'", label, line);
			goto error;
		}
		size_t blen = (size_t)(close - body);
		unsigned tag_line = line;
		line += count_lines(body, blen);
		i = (size_t)(close - text) + 2;

		char sigil = blen ? body[0] : '\0';
		if (sigil == '!')
			continue;
		enum node_type type = NODE_VAR;
		switch (sigil) {
		case '#': type = NODE_SECTION; break;
		case '^': type = NODE_INVERTED; break;
		case '>': type = NODE_PARTIAL; break;
		case '/': break;
		case '{': case '&': case '=': case '<': case '$':
			buf_appendf(&msg, "%s:%u: unsupported tag " TAG_FMT
				    " (raw HTML only comes from tpl_set_raw)",
				    label, tag_line, TAG_ARG(body, blen));
			goto error;
		default:
			sigil = '\0';
		}
		struct str name = trim(body + (sigil ? 1 : 0), blen - (sigil ? 1 : 0));
		if (!valid_name(name)) {
			buf_appendf(&msg, "%s:%u: bad tag " TAG_FMT " (names are [A-Za-z0-9_-]+)",
				    label, tag_line, TAG_ARG(body, blen));
			goto error;
		}

		if (sigil == '/') {
			if (depth == 0) {
				buf_appendf(&msg, "%s:%u: " TAG_FMT " closes no section",
					    label, tag_line, TAG_ARG(body, blen));
				goto error;
			}
			struct node *sec = &t->nodes[open_at[depth - 1]];
			if (!str_eq((struct str){sec->s, sec->len}, name)) {
				buf_appendf(&msg, "%s:%u: " TAG_FMT " does not close '%.*s' opened at line %u",
					    label, tag_line, TAG_ARG(body, blen),
					    TAG_ARG(sec->s, sec->len), sec->line);
				goto error;
			}
			sec->end = t->n;
			depth--;
			continue;
		}
		if (node_add(t, type, tag_line, name.ptr, name.len) < 0)
			goto oom;
		if (type == NODE_PARTIAL) {
			const struct tpl *p = cache_find(name.ptr, name.len);
			if (!p) {
				buf_appendf(&msg, "%s:%u: no template templates/%.*s.html for " TAG_FMT,
					    label, tag_line, TAG_ARG(name.ptr, name.len),
					    TAG_ARG(body, blen));
				goto error;
			}
			t->nodes[t->n - 1].partial = p;
		} else if (type != NODE_VAR) {
			if (depth == TPL_MAX_NESTING) {
				buf_appendf(&msg, "%s:%u: sections nested deeper than %d",
					    label, tag_line, TPL_MAX_NESTING);
				goto error;
			}
			open_at[depth++] = t->n - 1;
		}
	}
	if (depth) {
		const struct node *sec = &t->nodes[open_at[depth - 1]];
		buf_appendf(&msg, "%s:%u: section '%.*s' is never closed",
			    label, sec->line, TAG_ARG(sec->s, sec->len));
		goto error;
	}
	return 0;

oom:
	buf_reset(&msg);
	buf_appendf(&msg, "%s: out of memory", label);
error:
	if (err)
		buf_append(err, buf_cstr(&msg), msg.len);
	free(t->nodes);
	t->nodes = NULL;
	t->n = t->alloc = 0;
	t->broken = 1;
	t->error = msg.len ? buf_detach(&msg, NULL) : NULL;
	buf_free(&msg);
	return -1;
}

static int tpl_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tpl *)a)->name, ((const struct tpl *)b)->name);
}

static int is_template_file(const char *name, size_t len)
{
	static const char prefix[] = "templates/", suffix[] = ".html";
	const size_t plen = sizeof prefix - 1, slen = sizeof suffix - 1;
	return len > plen + slen && memcmp(name, prefix, plen) == 0 &&
	       memcmp(name + len - slen, suffix, slen) == 0;
}

/* Names are the file names without "templates/" and ".html". */
#define TPL_NAME_OFF (sizeof "templates/" - 1)
#define TPL_NAME_LEN(len) ((len) - TPL_NAME_OFF - (sizeof ".html" - 1))

static void cache_build(void)
{
	size_t n = 0, names_len = 0;

	for (const struct embedded_file *f = embedded_files; f->name; f++) {
		size_t len = strlen(f->name);
		if (is_template_file(f->name, len)) {
			n++;
			names_len += TPL_NAME_LEN(len) + 1;
		}
	}
	if (n == 0)
		return;
	cache.tpls = calloc(n, sizeof *cache.tpls);
	cache.names = malloc(names_len);
	if (!cache.tpls || !cache.names) {
		free(cache.tpls);
		free(cache.names);
		cache.tpls = NULL;
		cache.names = NULL;
		cache.oom = 1;
		return;
	}
	char *np = cache.names;
	for (const struct embedded_file *f = embedded_files; f->name; f++) {
		size_t len = strlen(f->name);
		if (!is_template_file(f->name, len))
			continue;
		struct tpl *t = &cache.tpls[cache.n++];
		size_t nl = TPL_NAME_LEN(len);
		memcpy(np, f->name + TPL_NAME_OFF, nl);
		np[nl] = '\0';
		t->name = np;
		t->path = f->name;
		t->file = f;
		np += nl + 1;
	}
	/* Sort first: parsing resolves partials by binary search. */
	qsort(cache.tpls, cache.n, sizeof *cache.tpls, tpl_cmp);
	for (size_t i = 0; i < cache.n; i++) {
		struct tpl *t = &cache.tpls[i];
		parse(t, t->path, (const char *)t->file->data, t->file->size, NULL);
	}
}

static int cache_ready(struct buf *err)
{
	pthread_once(&cache.once, cache_build);
	if (cache.oom) {
		if (err)
			buf_puts(err, "templates: out of memory while parsing");
		return -1;
	}
	return 0;
}

/* ---- rendering --------------------------------------------------------- */

/* The context stack, innermost first, kept on the C stack. */
struct frame {
	const struct tpl_ctx *ctx;
	const struct frame *up;
};

struct render {
	struct buf *out;
	struct buf *err;
	int depth; /* partials */
};

/* A page fills its context in the same order on every request, so a name
 * is usually at the same index as last time: try it before scanning (the
 * root context holds dozens of keys, and list items look names up there).
 * The hint is shared by the threads rendering the template: relaxed atomic
 * accesses, a stale value only costs the scan. */
static inline __attribute__((always_inline)) const struct tpl_entry *lookup(const struct frame *f,
									       struct node *nd)
{
	unsigned hint = __atomic_load_n(&nd->hint, __ATOMIC_RELAXED);
	for (; f; f = f->up) {
		const struct tpl_ctx *c = f->ctx;
		if (hint < c->n && c->hashes[hint] == nd->hash && c->ents[hint].klen == nd->len &&
		    same_name(c->ents[hint].key, nd->s, nd->len))
			return &c->ents[hint];
		const struct tpl_entry *e = ctx_find(c, nd->s, nd->len, nd->hash);
		if (e) {
			__atomic_store_n(&nd->hint, (unsigned)(e - c->ents), __ATOMIC_RELAXED);
			return e;
		}
	}
	return NULL;
}

static int truthy(const struct tpl_entry *e)
{
	if (!e)
		return 0;
	if (e->kind == KIND_LIST)
		return e->nitems > 0;
	return e->vlen > 0 && !(e->vlen == 1 && e->value[0] == '0');
}

static int render_nodes(struct render *r, const struct tpl *t, size_t i, size_t end,
			const struct frame *f);

static int render_partial(struct render *r, const struct tpl *t, const struct node *nd,
			  const struct frame *f)
{
	const struct tpl *p = nd->partial;
	if (p->broken) {
		if (r->err)
			buf_puts(r->err, tpl_error(p));
		return -1;
	}
	if (r->depth >= TPL_MAX_PARTIAL_DEPTH) {
		if (r->err)
			buf_appendf(r->err, "%s:%u: partials nested deeper than %d (recursive {{>%s}}?)",
				    t->path, nd->line, TPL_MAX_PARTIAL_DEPTH, p->name);
		return -1;
	}
	r->depth++;
	int rc = render_nodes(r, p, 0, p->n, f);
	r->depth--;
	return rc;
}

static int render_nodes(struct render *r, const struct tpl *t, size_t i, size_t end,
			const struct frame *f)
{
	while (i < end) {
		struct node *nd = &t->nodes[i];
		const struct tpl_entry *e;
		switch (nd->type) {
		case NODE_TEXT:
			if (buf_append(r->out, nd->s, nd->len) < 0)
				goto full;
			i++;
			break;
		case NODE_VAR:
			e = lookup(f, nd);
			if (e && e->kind == KIND_TEXT) {
				if (buf_append_html(r->out, e->value, e->vlen) < 0)
					goto full;
			} else if (e && e->kind == KIND_RAW) {
				if (buf_append(r->out, e->value, e->vlen) < 0)
					goto full;
			}
			i++;
			break;
		case NODE_SECTION:
			e = lookup(f, nd);
			if (e && e->kind == KIND_LIST) {
				for (size_t k = 0; k < e->nitems; k++) {
					struct frame inner = {e->items[k], f};
					if (render_nodes(r, t, i + 1, nd->end, &inner) < 0)
						return -1;
				}
			} else if (truthy(e)) {
				if (render_nodes(r, t, i + 1, nd->end, f) < 0)
					return -1;
			}
			i = nd->end;
			break;
		case NODE_INVERTED:
			if (!truthy(lookup(f, nd)) && render_nodes(r, t, i + 1, nd->end, f) < 0)
				return -1;
			i = nd->end;
			break;
		case NODE_PARTIAL:
			if (render_partial(r, t, nd, f) < 0)
				return -1;
			i++;
			break;
		}
	}
	return 0;
full:
	if (r->err) {
		if (r->out->max)
			buf_appendf(r->err, "%s: page larger than %zu bytes (or out of memory)",
				    t->path, r->out->max);
		else
			buf_appendf(r->err, "%s: out of memory", t->path);
	}
	return -1;
}

static int render_tpl(const struct tpl *t, const struct tpl_ctx *ctx, struct buf *out,
		      struct buf *err)
{
	if (!ctx || ctx->root->failed) {
		if (err)
			buf_appendf(err, "%s: out of memory while filling the context", t->path);
		return -1;
	}
	if (t->broken) {
		if (err)
			buf_puts(err, tpl_error(t));
		return -1;
	}
	size_t start = out->len;
	struct render r = {out, err, 0};
	struct frame root = {ctx, NULL};
	if (render_nodes(&r, t, 0, t->n, &root) < 0) {
		out->len = start;
		if (out->data)
			out->data[start] = '\0';
		return -1;
	}
	return 0;
}

int tpl_render(const char *name, const struct tpl_ctx *ctx, struct buf *out, struct buf *err)
{
	if (cache_ready(err) < 0)
		return -1;
	const struct tpl *t = cache_find(name, strlen(name));
	if (!t) {
		if (err)
			buf_appendf(err, "no template templates/%s.html", name);
		return -1;
	}
	return render_tpl(t, ctx, out, err);
}

int tpl_render_string(const char *name, const char *text, size_t len,
		      const struct tpl_ctx *ctx, struct buf *out, struct buf *err)
{
	if (cache_ready(err) < 0)
		return -1;
	struct tpl t = {.name = name, .path = name};
	int rc = parse(&t, name, text, len, err);
	if (rc == 0)
		rc = render_tpl(&t, ctx, out, err);
	free(t.nodes);
	free(t.error);
	return rc;
}

int tpl_check_all(struct buf *err)
{
	if (cache_ready(err) < 0)
		return -1;
	for (size_t i = 0; i < cache.n; i++) {
		if (cache.tpls[i].broken) {
			if (err)
				buf_puts(err, tpl_error(&cache.tpls[i]));
			return -1;
		}
	}
	return 0;
}
