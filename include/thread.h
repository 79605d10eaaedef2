/* thread.h: starting the program's worker threads (feed, simulator, replay, ticker, snapshot,
 * journal, hooks) and the condition variables they wait on. */
#ifndef CTIBOARD_THREAD_H
#define CTIBOARD_THREAD_H

#include <pthread.h>

/* Start fn(arg) in a new thread with every signal blocked, so that signals (SIGINT, SIGTERM,
 * SIGWINCH, ...) are delivered to the main thread, which runs the user interface. Returns 0
 * or an error number, like pthread_create. */
int thread_start(pthread_t *thread, void *(*fn)(void *), void *arg);

/* Initialise cond so that its timed waits count on CLOCK_MONOTONIC (deadlines from
 * mono_now_ns(), untouched by a change of the wall clock). Returns 0 or an error number. */
int cond_init_monotonic(pthread_cond_t *cond);

#endif
