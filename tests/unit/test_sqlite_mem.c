/* db/sqlite_mem.c: SQLite's allocations through a per-thread cache. main.c
 * installs it before any test, as lien does. */
#include "unit.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>

TEST(sqlite_mem_sizes_rounded_to_classes)
{
	void *a = sqlite3_malloc(1), *b = sqlite3_malloc(100), *c = sqlite3_malloc(2048);
	void *d = sqlite3_malloc(2049), *e = sqlite3_malloc(100000);
	CHECK(a && b && c && d && e);
	CHECK(sqlite3_msize(a) == 64);
	CHECK(sqlite3_msize(b) == 128);
	CHECK(sqlite3_msize(c) == 2048);
	CHECK(sqlite3_msize(d) == 2056); /* beyond the classes: rounded to 8 */
	CHECK(sqlite3_msize(e) == 100000);
	CHECK(((uintptr_t)a & 7) == 0 && ((uintptr_t)d & 7) == 0);
	memset(b, 'x', 128); /* the whole class is usable */
	sqlite3_free(a);
	sqlite3_free(b);
	sqlite3_free(c);
	sqlite3_free(d);
	sqlite3_free(e);
}

TEST(sqlite_mem_freed_block_reused_by_its_thread)
{
	void *a = sqlite3_malloc(200);
	sqlite3_free(a);
	void *b = sqlite3_malloc(180); /* same class (256): the block just freed */
	CHECK(b == a);
	void *c = sqlite3_malloc(40); /* another class: another block */
	CHECK(c != a);
	sqlite3_free(b);
	sqlite3_free(c);
}

TEST(sqlite_mem_realloc_keeps_content)
{
	char *p = sqlite3_malloc(50);
	CHECK(p != NULL);
	for (int i = 0; i < 50; i++)
		p[i] = (char)i;
	char *q = sqlite3_realloc(p, 60); /* same class: same block */
	CHECK(q == p);
	char *r = sqlite3_realloc(q, 1000); /* class 1024 */
	CHECK(r != NULL && sqlite3_msize(r) == 1024);
	char *s = sqlite3_realloc(r, 50000); /* beyond the classes */
	CHECK(s != NULL && sqlite3_msize(s) == 50000);
	char *t = sqlite3_realloc(s, 90000); /* large to large */
	CHECK(t != NULL && sqlite3_msize(t) == 90000);
	int same = 1;
	for (int i = 0; i < 50; i++)
		same &= t[i] == (char)i;
	CHECK(same);
	char *u = sqlite3_realloc(t, 10); /* back to the smallest class */
	CHECK(u != NULL && sqlite3_msize(u) == 64 && u[9] == 9);
	sqlite3_free(u);
}

/* A block allocated by one thread and freed by another joins the second
 * one's cache; a thread's cache is emptied when it exits (ASan's leak
 * check at the end of the run would report what is left). */
static void *free_in_thread(void *arg)
{
	sqlite3_free(arg);
	void *mine = sqlite3_malloc(300);
	sqlite3_free(mine);
	return mine;
}

TEST(sqlite_mem_threads)
{
	void *a = sqlite3_malloc(300);
	CHECK(a != NULL);
	pthread_t th;
	void *seen = NULL;
	CHECK(pthread_create(&th, NULL, free_in_thread, a) == 0);
	pthread_join(th, &seen);
	CHECK(seen == a); /* the other thread reused the block it had just been given */
}
