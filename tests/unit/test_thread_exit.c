/* core/thread_exit.c: work done when a thread exits. */
#include "unit.h"
#include "core/thread_exit.h"

#include <pthread.h>

static void count(void *arg)
{
	(*(int *)arg)++;
}

static void *register_twice(void *arg)
{
	int *counters = arg;
	if (thread_at_exit(count, &counters[0]) < 0 || thread_at_exit(count, &counters[1]) < 0)
		counters[2] = 1;
	return NULL;
}

TEST(thread_exit_hooks_run_once_each)
{
	int counters[3] = {0, 0, 0};
	pthread_t th;
	CHECK(pthread_create(&th, NULL, register_twice, counters) == 0);
	pthread_join(th, NULL);
	CHECK(counters[2] == 0);
	CHECK(counters[0] == 1 && counters[1] == 1);
}
