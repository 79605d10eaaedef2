/* helper.c: a helper thread that runs the jobs it is given, one at a time. */
#include "helper.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "json_arena.h"
#include "thread.h"

struct helper {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond; /* a job given, a job done, or quit */
	void (*fn)(void *job);
	void *job; /* given and not done yet */
	bool quit;
};

static void *helper_main(void *arg)
{
	struct helper *h = arg;
	pthread_mutex_lock(&h->lock);
	for (;;) {
		while (!h->job && !h->quit)
			pthread_cond_wait(&h->cond, &h->lock);
		if (!h->job)
			break;
		void *job = h->job;
		void (*fn)(void *) = h->fn;
		pthread_mutex_unlock(&h->lock);
		fn(job);
		pthread_mutex_lock(&h->lock);
		h->job = NULL;
		pthread_cond_broadcast(&h->cond);
	}
	pthread_mutex_unlock(&h->lock);
	json_arena_release(); /* a job may have parsed in this thread's arena */
	return NULL;
}

struct helper *helper_start(void)
{
	struct helper *h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	if (pthread_mutex_init(&h->lock, NULL) != 0) {
		free(h);
		return NULL;
	}
	if (pthread_cond_init(&h->cond, NULL) != 0) {
		pthread_mutex_destroy(&h->lock);
		free(h);
		return NULL;
	}
	if (thread_start(&h->thread, helper_main, h) != 0) {
		pthread_cond_destroy(&h->cond);
		pthread_mutex_destroy(&h->lock);
		free(h);
		return NULL;
	}
	return h;
}

void helper_give(struct helper *h, void (*fn)(void *job), void *job)
{
	if (!h) {
		fn(job);
		return;
	}
	pthread_mutex_lock(&h->lock);
	h->fn = fn;
	h->job = job;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
}

void helper_wait(struct helper *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->lock);
	while (h->job)
		pthread_cond_wait(&h->cond, &h->lock);
	pthread_mutex_unlock(&h->lock);
}

void helper_stop(struct helper *h)
{
	if (!h)
		return;
	helper_wait(h);
	pthread_mutex_lock(&h->lock);
	h->quit = true;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
	pthread_join(h->thread, NULL);
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->lock);
	free(h);
}
