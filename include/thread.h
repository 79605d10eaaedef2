/* thread.h: starting the program's worker threads (feed, simulator, replay, ticker, snapshot). */
#ifndef CTIBOARD_THREAD_H
#define CTIBOARD_THREAD_H

#include <pthread.h>

/* Start fn(arg) in a new thread with every signal blocked, so that signals (SIGINT, SIGTERM,
 * SIGWINCH, ...) are delivered to the main thread, which runs the user interface. Returns 0
 * or an error number, like pthread_create. */
int thread_start(pthread_t *thread, void *(*fn)(void *), void *arg);

#endif
