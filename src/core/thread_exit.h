/*
 * Work to do when a thread exits: the per-thread caches of memory (pool
 * chunks, SQLite blocks, page buffers) give back what they hold.
 */
#ifndef LIEN_CORE_THREAD_EXIT_H
#define LIEN_CORE_THREAD_EXIT_H

/* Calls fn(arg) when the calling thread exits (not for the main thread,
 * whose memory goes with the process). 0, or -1 if it cannot be arranged
 * (the caller then keeps nothing for this thread). */
int thread_at_exit(void (*fn)(void *arg), void *arg);

/* The state of a per-thread cache: THREAD_NEW until its first use, then
 * THREAD_KEEPS while it may keep memory; THREAD_GONE once its release
 * function has run (the thread exits) or could not be arranged, after
 * which memory is freed at once. */
enum thread_cache_state { THREAD_NEW, THREAD_KEEPS, THREAD_GONE };

/* Whether the calling thread's cache may keep memory; the first time,
 * arranges release(arg) at the thread's exit (release sets the state to
 * THREAD_GONE). */
static inline int thread_keeps(enum thread_cache_state *state, void (*release)(void *arg), void *arg)
{
	if (*state == THREAD_NEW)
		*state = thread_at_exit(release, arg) == 0 ? THREAD_KEEPS : THREAD_GONE;
	return *state == THREAD_KEEPS;
}

#endif
