#include "core/pool.h"
#include "core/thread_exit.h"

#include <sanitizer/asan_interface.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct chunk {
	struct chunk *next;
	size_t used, size;
	_Alignas(16) unsigned char data[];
};

/* The pool's own header lives at the start of its first chunk. */
struct pool {
	struct chunk *head;
};

enum { CHUNK_SIZE = 8192 - sizeof(struct chunk), SPARE_MAX = 8 };

/*
 * Chunks of the standard size that a thread frees wait for its next
 * request instead of going back to malloc: every page takes two or three,
 * and malloc serves 8 KiB blocks from its slow path (a thousand
 * instructions each, BENCHMARKS.md, sixth session). What a thread keeps
 * is freed when it exits. Under AddressSanitizer a kept chunk's data is
 * poisoned, so that a use after pool_free is still caught.
 */
struct spare_chunks {
	struct chunk *head;
	unsigned n;
	enum thread_cache_state state;
};

static __thread struct spare_chunks spare;

static void spare_release(void *arg)
{
	struct spare_chunks *s = arg;
	while (s->head) {
		struct chunk *c = s->head;
		s->head = c->next;
		free(c);
	}
	s->n = 0;
	s->state = THREAD_GONE;
}

static struct chunk *chunk_new(size_t size)
{
	struct chunk *c;
	if (size == CHUNK_SIZE && spare.head) {
		c = spare.head;
		spare.head = c->next;
		spare.n--;
		ASAN_UNPOISON_MEMORY_REGION(c->data, CHUNK_SIZE);
	} else {
		c = malloc(sizeof *c + size);
		if (!c)
			return NULL;
	}
	c->size = size;
	c->used = 0;
	c->next = NULL;
	return c;
}

static void chunk_release(struct chunk *c)
{
	if (c->size == CHUNK_SIZE && spare.n < SPARE_MAX && thread_keeps(&spare.state, spare_release, &spare)) {
		c->next = spare.head;
		spare.head = c;
		spare.n++;
		ASAN_POISON_MEMORY_REGION(c->data, CHUNK_SIZE);
		return;
	}
	free(c);
}

enum { POOL_HEAD = (sizeof(struct pool) + 15) & ~(size_t)15 };

struct pool *pool_new(void)
{
	struct chunk *c = chunk_new(CHUNK_SIZE);
	if (!c)
		return NULL;
	struct pool *p = (struct pool *)c->data;
	c->used = POOL_HEAD;
	p->head = c;
	return p;
}

void pool_free(struct pool *p)
{
	if (!p)
		return;
	/* p lives in one of the chunks: read the list before releasing it. */
	struct chunk *c = p->head;
	while (c) {
		struct chunk *n = c->next;
		chunk_release(c);
		c = n;
	}
}

void *pool_alloc(struct pool *p, size_t n)
{
	void *r = pool_alloc_raw(p, n);
	if (r)
		memset(r, 0, n);
	return r;
}

void *pool_alloc_raw(struct pool *p, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	struct chunk *c = p->head;
	if (c->size - c->used < n) {
		c = chunk_new(n > CHUNK_SIZE ? n : CHUNK_SIZE);
		if (!c)
			return NULL;
		if (n > CHUNK_SIZE) {
			/* Keep the current chunk first: its free space stays usable. */
			c->next = p->head->next;
			p->head->next = c;
		} else {
			c->next = p->head;
			p->head = c;
		}
	}
	void *r = c->data + c->used;
	c->used += n;
	return r;
}

char *pool_strndup(struct pool *p, const char *s, size_t n)
{
	char *r = pool_alloc(p, n + 1);
	if (r && n)
		memcpy(r, s, n);
	return r;
}

char *pool_strdup(struct pool *p, const char *s)
{
	return s ? pool_strndup(p, s, strlen(s)) : NULL;
}

char *pool_printf(struct pool *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *r = pool_alloc(p, (size_t)n + 1);
	if (!r)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(r, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return r;
}
