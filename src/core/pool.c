#include "core/pool.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct chunk {
	struct chunk *next;
	size_t used, size;
	_Alignas(16) unsigned char data[];
};

struct pool {
	struct chunk *head;
};

enum { CHUNK_SIZE = 8192 - sizeof(struct chunk) };

struct pool *pool_new(void)
{
	return calloc(1, sizeof(struct pool));
}

void pool_free(struct pool *p)
{
	if (!p)
		return;
	struct chunk *c = p->head;
	while (c) {
		struct chunk *n = c->next;
		free(c);
		c = n;
	}
	free(p);
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
	if (!c || c->size - c->used < n) {
		size_t size = n > CHUNK_SIZE ? n : CHUNK_SIZE;
		c = malloc(sizeof *c + size);
		if (!c)
			return NULL;
		c->size = size;
		c->used = 0;
		if (p->head && n > CHUNK_SIZE) {
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
