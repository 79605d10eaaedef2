/* checkpointer.c: the checkpoint brought up to the journal's end while the program runs. The
 * checkpoint must be what a replay of the journal makes, not the live model (whose clock and
 * ticks are the wall's): it is loaded into a model of its own, the lines written since are
 * replayed into it, and it is saved again. */
#include "checkpointer.h"

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checkpoint.h"
#include "clock.h"
#include "journal.h"
#include "jsonbuf.h"
#include "model.h"
#include "settings.h"
#include "startup.h"
#include "text.h"
#include "thread.h"

#define DAY_FILES_MAX 64

struct checkpointer {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	atomic_bool stop;
	char dir[SETTINGS_PATH_MAX];
	struct settings set;
	int period_s;
	struct model *model; /* the live model: told of a problem */
	bool report;
};

/* Is name a day file of the journal ("YYYY-MM-DD.jsonl")? */
static bool day_file(const char *name)
{
	static const char shape[] = "dddd-dd-dd.jsonl";
	if (strlen(name) != sizeof shape - 1)
		return false;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? name[i] < '0' || name[i] > '9' : name[i] != shape[i])
			return false;
	return true;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The day files of dir from `from` on, in order (their names sort by date). */
static int day_files_from(const char *dir, const char *from, char names[][CHECKPOINT_NAME_MAX],
                          int max)
{
	DIR *d = opendir(dir);
	int n = 0;
	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d)) && n < max;)
		if (day_file(e->d_name) && strcmp(e->d_name, from) >= 0)
			text_copy(names[n++], CHECKPOINT_NAME_MAX, e->d_name);
	closedir(d);
	qsort(names, (size_t)n, sizeof names[0], by_name);
	return n;
}

/* dir/name into path; false when it does not fit. */
static bool join_path(char *path, size_t size, const char *dir, const char *name)
{
	int n = snprintf(path, size, "%s/%s", dir, name);
	return n >= 0 && (size_t)n < size;
}

bool checkpoint_refresh(const char *dir, const struct settings *s, const atomic_bool *stop,
                        char *err, size_t errsize)
{
	char names[DAY_FILES_MAX][CHECKPOINT_NAME_MAX], path[SETTINGS_PATH_MAX + 64], why[256];
	struct checkpoint_pos pos;
	unsigned char mark[sizeof pos.mark];
	struct model *m = model_new(s);
	bool saved = false;
	err[0] = '\0';
	if (!m) {
		snprintf(err, errsize, "checkpoint: out of memory");
		return false;
	}
	if (checkpoint_read(m, dir, &pos, why, sizeof why) != CHECKPOINT_LOADED)
		goto done; /* nothing to bring up: the start-up replay writes the first one */
	if (!join_path(path, sizeof path, dir, pos.file) ||
	    !checkpoint_mark(path, pos.offset, mark) || memcmp(mark, pos.mark, sizeof mark) != 0)
		goto done; /* the journal is not what it covered: the next start replays it all */
	model_startup_begin(m, 0); /* judged as the start-up replay is: no alert */
	struct checkpoint_pos end = pos;
	int n = day_files_from(dir, pos.file, names, DAY_FILES_MAX);
	for (int i = 0; i < n; i++) {
		struct replay_result res;
		char rerr[512] = "a journal path too long";
		uint64_t from = strcmp(names[i], pos.file) == 0 ? pos.offset : 0;
		if (!join_path(path, sizeof path, dir, names[i]) ||
		    !journal_replay_from(m, path, from, true, stop, false, &res, rerr,
		                         sizeof rerr)) {
			snprintf(err, errsize, "checkpoint: %s", rerr);
			goto done;
		}
		if (stop && atomic_load(stop))
			goto done;
		text_copy(end.file, sizeof end.file, names[i]);
		end.offset = res.end_offset;
	}
	if (strcmp(end.file, pos.file) == 0 && end.offset == pos.offset) {
		saved = true; /* nothing new: the checkpoint is up to date */
		goto done;
	}
	if (!join_path(path, sizeof path, dir, end.file) ||
	    !checkpoint_mark(path, end.offset, end.mark)) {
		snprintf(err, errsize, "checkpoint: cannot read %s", path);
		goto done;
	}
	struct jsonbuf buf = {0};
	model_lock(m);
	checkpoint_encode(m, &end, true, &buf);
	model_unlock(m);
	saved = checkpoint_write(dir, &buf, err, errsize);
	jsonbuf_free(&buf);
done:
	model_free(m);
	return saved;
}

/* A problem said where this run says things: the event log, and stderr without a screen. */
static void say(const struct checkpointer *c, const char *err)
{
	if (!err[0])
		return;
	if (c->report)
		fprintf(stderr, "ctiboard: warning: %s\n", err);
	model_lock(c->model);
	model_notice(c->model, err, true);
	model_unlock(c->model);
}

static void *checkpointer_main(void *arg)
{
	struct checkpointer *c = arg;
	char err[SETTINGS_PATH_MAX + 256];
	startup_wait(c->model, &c->stop); /* its end writes the checkpoint brought up here */
	pthread_mutex_lock(&c->lock);
	while (!atomic_load(&c->stop)) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += c->period_s > 0 ? c->period_s : 86400;
		pthread_cond_timedwait(&c->cond, &c->lock, &until);
		if (atomic_load(&c->stop) || c->period_s <= 0)
			continue;
		pthread_mutex_unlock(&c->lock);
		if (!checkpoint_refresh(c->dir, &c->set, &c->stop, err, sizeof err))
			say(c, err);
		pthread_mutex_lock(&c->lock);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

struct checkpointer *checkpointer_start(const char *dir, const struct settings *s, int period_s,
                                        struct model *m, bool report)
{
	struct checkpointer *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	text_copy(c->dir, sizeof c->dir, dir);
	c->set = *s;
	c->period_s = period_s;
	c->model = m;
	c->report = report;
	atomic_init(&c->stop, false);
	if (pthread_mutex_init(&c->lock, NULL) != 0 || cond_init_monotonic(&c->cond) != 0) {
		free(c);
		return NULL;
	}
	if (thread_start(&c->thread, checkpointer_main, c) != 0) {
		pthread_cond_destroy(&c->cond);
		pthread_mutex_destroy(&c->lock);
		free(c);
		return NULL;
	}
	return c;
}

void checkpointer_stop(struct checkpointer *c)
{
	char err[SETTINGS_PATH_MAX + 256];
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	atomic_store(&c->stop, true);
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->thread, NULL);
	/* the journal is closed: every line is in, and the next start replays nothing */
	if (!checkpoint_refresh(c->dir, &c->set, NULL, err, sizeof err))
		say(c, err);
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lock);
	free(c);
}
