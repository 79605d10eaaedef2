/* ticker.c: expiry, day rollover and the journal's lost lines, once a second. The journal
 * writes and flushes on its own thread: the ticker never waits on the disk. */
#include "ticker.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "journal.h"
#include "model.h"
#include "text.h"
#include "thread.h"

struct ticker {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
	struct model *model;
	struct journal *journal;
};

static void *ticker_main(void *arg)
{
	struct ticker *t = arg;
	pthread_mutex_lock(&t->lock);
	while (!t->stop) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&t->cond, &t->lock, &until);
		if (t->stop)
			break;
		pthread_mutex_unlock(&t->lock);
		uint64_t lost = t->journal ? journal_lost(t->journal) : 0;
		char raw[NOTICE_TEXT_MAX] = "", problem[sizeof raw];
		if (t->journal)
			journal_problem(t->journal, raw, sizeof raw);
		text_sanitize(problem, sizeof problem, raw, strlen(raw));
		model_lock(t->model);
		model_set_journal_problem(t->model, problem);
		model_tick_now(t->model, wall_now_ns(), mono_now_ns());
		model_set_journal_lost(t->model, lost);
		model_unlock(t->model);
		pthread_mutex_lock(&t->lock);
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

struct ticker *ticker_start(struct model *m, struct journal *j)
{
	struct ticker *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->model = m;
	t->journal = j;
	pthread_mutex_init(&t->lock, NULL);
	cond_init_monotonic(&t->cond);
	if (thread_start(&t->thread, ticker_main, t) != 0) {
		pthread_cond_destroy(&t->cond);
		pthread_mutex_destroy(&t->lock);
		free(t);
		return NULL;
	}
	return t;
}

void ticker_stop(struct ticker *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->lock);
	t->stop = true;
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
	pthread_cond_destroy(&t->cond);
	pthread_mutex_destroy(&t->lock);
	free(t);
}
