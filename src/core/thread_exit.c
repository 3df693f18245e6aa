#include "core/thread_exit.h"

#include <pthread.h>

enum { HOOKS_MAX = 8 };

struct hooks {
	struct {
		void (*fn)(void *);
		void *arg;
	} at[HOOKS_MAX];
	unsigned n;
};

static __thread struct hooks hooks;
static pthread_key_t key;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int key_ok;

static void run_hooks(void *arg)
{
	struct hooks *h = arg;
	while (h->n > 0) {
		h->n--;
		h->at[h->n].fn(h->at[h->n].arg);
	}
}

static void key_create(void)
{
	key_ok = pthread_key_create(&key, run_hooks) == 0;
}

int thread_at_exit(void (*fn)(void *arg), void *arg)
{
	pthread_once(&once, key_create);
	if (!key_ok || hooks.n == HOOKS_MAX)
		return -1;
	/* The key's value must be non-NULL for the destructor to run. */
	if (hooks.n == 0 && pthread_setspecific(key, &hooks) != 0)
		return -1;
	hooks.at[hooks.n].fn = fn;
	hooks.at[hooks.n].arg = arg;
	hooks.n++;
	return 0;
}
