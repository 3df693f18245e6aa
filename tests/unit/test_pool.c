/* core/pool.c: per-request arenas, their chunks kept by the thread. */
#include "unit.h"
#include "core/pool.h"

#include <stdint.h>

TEST(pool_allocations_aligned_zeroed_and_kept)
{
	struct pool *p = pool_new();
	CHECK(p != NULL);
	char *a = pool_alloc(p, 3);
	char *b = pool_alloc(p, 5000);
	char *big = pool_alloc(p, 100000); /* beyond a chunk: a chunk of its own */
	char *c = pool_alloc(p, 6000);     /* a new chunk after the big one */
	CHECK(a && b && big && c);
	CHECK(((uintptr_t)a & 15) == 0 && ((uintptr_t)b & 15) == 0 && ((uintptr_t)big & 15) == 0);
	CHECK(a[0] == 0 && a[2] == 0 && big[99999] == 0 && c[5999] == 0);
	memset(a, 'a', 3);
	memset(b, 'b', 5000);
	memset(big, 'g', 100000);
	memset(c, 'c', 6000);
	CHECK(a[2] == 'a' && b[0] == 'b' && b[4999] == 'b' && big[0] == 'g' && c[0] == 'c');
	CHECK_STR(pool_strndup(p, "abcdef", 3), "abc");
	CHECK_STR(pool_printf(p, "%d-%s", 12, "x"), "12-x");
	pool_free(p);
}

TEST(pool_chunks_reused_by_the_thread)
{
	struct pool *p = pool_new();
	CHECK(p != NULL);
	pool_free(p);
	struct pool *q = pool_new(); /* the chunk just released, header at its start */
	CHECK(q == p);
	char *r = pool_alloc_raw(q, 100);
	CHECK(r != NULL);
	pool_free(q);
}
