/*
 * Minimal unit-test harness. A test file writes
 *     TEST(buf_append_grows) { CHECK(x == 1); CHECK_STR(a, "b"); }
 * and is picked up by the Makefile (tests/unit/test_*.c). Each TEST registers
 * itself at start-up; main.c runs them all (or those matching argv[1]) and
 * prints "N passed, N failed".
 */
#ifndef LIEN_TESTS_UNIT_H
#define LIEN_TESTS_UNIT_H

#include <stdio.h>
#include <string.h>

struct unit_test {
	const char *name;
	void (*fn)(int *failed);
	struct unit_test *next;
};

void unit_register(struct unit_test *t);

/* A migrated SQLite database in a new temporary file (path, n bytes, gets
 * its name), or NULL with the reason on stderr; unit_drop_db closes it and
 * removes the file and its WAL. */
struct db;
struct db *unit_scratch_db(char *path, size_t n);
void unit_drop_db(struct db *db, const char *path);

#define TEST(name)                                                          \
	static void test_##name(int *unit_failed);                          \
	static struct unit_test unit_##name = {#name, test_##name, NULL};   \
	__attribute__((constructor)) static void unit_reg_##name(void)      \
	{                                                                   \
		unit_register(&unit_##name);                                \
	}                                                                   \
	static void test_##name(int *unit_failed)

#define CHECK(cond)                                                         \
	do {                                                                \
		if (!(cond)) {                                              \
			fprintf(stderr, "    %s:%d: CHECK(%s) failed\n",    \
				__FILE__, __LINE__, #cond);                 \
			*unit_failed = 1;                                   \
		}                                                           \
	} while (0)

#define CHECK_STR(a, b)                                                     \
	do {                                                                \
		const char *ua_ = (a), *ub_ = (b);                          \
		if (!ua_ || !ub_ || strcmp(ua_, ub_) != 0) {                \
			fprintf(stderr, "    %s:%d: \"%s\" != \"%s\"\n",    \
				__FILE__, __LINE__, ua_ ? ua_ : "(null)",   \
				ub_ ? ub_ : "(null)");                      \
			*unit_failed = 1;                                   \
		}                                                           \
	} while (0)

#endif
