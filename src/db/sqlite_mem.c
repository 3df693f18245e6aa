/*
 * SQLite's memory: each thread keeps the small blocks SQLite frees and
 * hands them back on its next allocations, in front of malloc.
 *
 * Why: Debian builds SQLite without lookaside memory, so every statement
 * a page runs mallocs and frees each of its cursors and copied values,
 * about fifty blocks a page; glibc's malloc and free cost about 150
 * instructions a pair, a list push or pop ten (BENCHMARKS.md, sixth
 * session). A connection is used by one thread at a time, so the blocks
 * it frees are mostly the ones it allocates again on the next statement.
 *
 * Blocks carry their size in an 8-byte header (SQLite asks for 8-byte
 * alignment and for each block's size). Sizes up to 2 KiB are rounded to
 * six classes; larger ones go straight to malloc. A thread keeps at most
 * CACHE_MAX blocks per class; what it holds is freed when it exits.
 * Under AddressSanitizer a cached block is poisoned but for its link, so
 * that a use after free is still caught.
 */
#include "db/sqlite_mem.h"
#include "core/thread_exit.h"

#include <sanitizer/asan_interface.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { CLASSES = 6, SMALLEST = 64, CACHE_MAX = 64, HEAD = 8 };

struct free_block {
	struct free_block *next;
};

struct thread_cache {
	struct free_block *head[CLASSES];
	unsigned count[CLASSES];
	enum thread_cache_state state;
};

static __thread struct thread_cache cache;

/* 0 for up to 64 bytes, 1 for up to 128, ... 5 for up to 2048; CLASSES or
 * more beyond. */
static unsigned size_class(size_t n)
{
	if (n <= SMALLEST)
		return 0;
	return (unsigned)(64 - __builtin_clzll((unsigned long long)(n - 1))) - 6;
}

static size_t round8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static size_t *head_of(void *p)
{
	return (size_t *)((char *)p - HEAD);
}

static void cache_empty(void *arg)
{
	struct thread_cache *c = arg;
	for (unsigned k = 0; k < CLASSES; k++) {
		struct free_block *b = c->head[k];
		while (b) {
			struct free_block *next = b->next;
			free(head_of(b));
			b = next;
		}
		c->head[k] = NULL;
		c->count[k] = 0;
	}
	c->state = THREAD_GONE;
}

static void *mem_malloc(int n)
{
	if (n <= 0)
		return NULL;
	unsigned k = size_class((size_t)n);
	size_t size;
	if (k < CLASSES) {
		struct free_block *b = cache.head[k];
		if (b) {
			cache.head[k] = b->next;
			cache.count[k]--;
			ASAN_UNPOISON_MEMORY_REGION(b, (size_t)SMALLEST << k);
			return b;
		}
		size = (size_t)SMALLEST << k;
	} else {
		size = round8((size_t)n);
	}
	size_t *h = malloc(size + HEAD);
	if (!h)
		return NULL;
	*h = size;
	return (char *)h + HEAD;
}

static void mem_free(void *p)
{
	if (!p)
		return;
	size_t *h = head_of(p);
	unsigned k = size_class(*h);
	if (k < CLASSES && cache.count[k] < CACHE_MAX && thread_keeps(&cache.state, cache_empty, &cache)) {
		struct free_block *b = p;
		b->next = cache.head[k];
		cache.head[k] = b;
		cache.count[k]++;
		ASAN_POISON_MEMORY_REGION(b + 1, *h - sizeof *b);
		return;
	}
	free(h);
}

static int mem_size(void *p)
{
	return p ? (int)*head_of(p) : 0;
}

static void *mem_realloc(void *p, int n)
{
	if (n <= 0)
		return NULL;
	size_t old = *head_of(p);
	if ((size_t)n <= old && size_class((size_t)n) == size_class(old))
		return p;
	if (size_class(old) >= CLASSES && size_class((size_t)n) >= CLASSES) {
		size_t size = round8((size_t)n);
		size_t *h = realloc(head_of(p), size + HEAD);
		if (!h)
			return NULL;
		*h = size;
		return (char *)h + HEAD;
	}
	void *q = mem_malloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, old < (size_t)n ? old : (size_t)n);
	mem_free(p);
	return q;
}

static int mem_roundup(int n)
{
	unsigned k = size_class((size_t)n);
	return k < CLASSES ? SMALLEST << k : (int)round8((size_t)n);
}

static int mem_init(void *arg)
{
	(void)arg;
	return SQLITE_OK;
}

static void mem_shutdown(void *arg)
{
	(void)arg;
}

void sqlite_mem_install(void)
{
	static const sqlite3_mem_methods methods = {
		mem_malloc, mem_free, mem_realloc, mem_size, mem_roundup, mem_init, mem_shutdown, NULL,
	};
	sqlite3_config(SQLITE_CONFIG_MALLOC, &methods);
}
