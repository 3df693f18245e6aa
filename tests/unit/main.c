#include "unit.h"

#include <stdlib.h>

static struct unit_test *tests_head;

void unit_register(struct unit_test *t)
{
	t->next = tests_head;
	tests_head = t;
}

int main(int argc, char **argv)
{
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
