/*
 * A memory pool (arena) per request: allocations are never freed one by
 * one; pool_free() releases everything at the end of the request.
 * Allocation failure returns NULL; callers turn it into a 500.
 */
#ifndef LIEN_CORE_POOL_H
#define LIEN_CORE_POOL_H

#include <stddef.h>

struct pool;

struct pool *pool_new(void);
void pool_free(struct pool *p);
void *pool_alloc(struct pool *p, size_t n);          /* 16-byte aligned, zeroed */
void *pool_alloc_raw(struct pool *p, size_t n);      /* the same, not zeroed (for bytes about to be copied) */
char *pool_strdup(struct pool *p, const char *s);
char *pool_strndup(struct pool *p, const char *s, size_t n);
char *pool_printf(struct pool *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
