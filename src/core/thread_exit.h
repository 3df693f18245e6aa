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

#endif
