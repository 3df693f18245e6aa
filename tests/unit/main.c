#include "unit.h"
#include "db/db.h"

#include <unistd.h>

#include <stdlib.h>

static struct unit_test *tests_head;

void unit_register(struct unit_test *t)
{
	t->next = tests_head;
	tests_head = t;
}

int main(int argc, char **argv)
{
	db_global_init(); /* as lien does: SQLite's allocator below (db/sqlite_mem.c) */
	/* Registration order is reversed; reverse again so files run in order. */
	struct unit_test *rev = NULL;
	while (tests_head) {
		struct unit_test *n = tests_head->next;
		tests_head->next = rev;
		rev = tests_head;
		tests_head = n;
	}
	int passed = 0, failed = 0;
	for (struct unit_test *t = rev; t; t = t->next) {
		if (argc > 1 && !strstr(t->name, argv[1]))
			continue;
		int f = 0;
		t->fn(&f);
		printf("%s unit: %s\n", f ? "FAIL" : "ok  ", t->name);
		if (f)
			failed++;
		else
			passed++;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

struct db *unit_scratch_db(char *path, size_t n)
{
	snprintf(path, n, "/tmp/lien-unit-XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	close(fd);
	unlink(path);
	struct buf err = BUF_INIT;
	struct db *db = db_open(path, DB_OPEN_CREATE, &err);
	if (db && db_migrate(db, &err) < 0) {
		db_close(db);
		db = NULL;
	}
	if (!db)
		fprintf(stderr, "    %s\n", buf_cstr(&err));
	buf_free(&err);
	return db;
}

void unit_drop_db(struct db *db, const char *path)
{
	char side[300];
	db_close(db);
	unlink(path);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
}
