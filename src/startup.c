/* startup.c: the start-up replay of a live run, on its own thread while the screen is up. */
#include "startup.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "checkpoint.h"
#include "clock.h"
#include "journal.h"
#include "model.h"
#include "model_checkpoint.h"
#include "settings.h"
#include "text.h"
#include "thread.h"

#define FILES_MAX     64 /* day files replayed: the callback window is at most weeks */
#define LOG_EVERY_NS  NS_PER_S
#define WAIT_SLICE_NS (10 * 1000000L)

struct startup {
	pthread_t thread;
	struct model *model;
	bool report;
	atomic_bool stop;
	startup_done_fn *done;
	void *done_ctx;
	char dir[SETTINGS_PATH_MAX];
	char files[FILES_MAX][SETTINGS_PATH_MAX + 32];
	int nfiles;
};

/* A warning of the replay: in the model's header and log; on stderr too when no screen. */
__attribute__((format(printf, 2, 3))) static void warn(struct startup *s, const char *fmt, ...)
{
	char text[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (s->report)
		fprintf(stderr, "ctiboard: warning: %s\n", text);
	model_lock(s->model);
	model_notice(s->model, text, true);
	model_unlock(s->model);
}

/* The journal files that keep what the model keeps across a restart: the current day's
 * counters (from the file where the day began, after yesterday's when a shift starts before
 * midnight), the calls and callers still open (from as far back as expiry_s) and the callers
 * to call back (every day file of their window). Those that exist, oldest first; the sum of
 * their sizes is returned. */
static uint64_t list_files(struct startup *s, const char *dir, int64_t now_s)
{
	const struct settings *set = model_settings(s->model);
	char path[sizeof s->files[0]];
	int64_t from = now_s - (int64_t)set->callback_window_h * 3600;
	int64_t day = day_start_for(now_s, set->shift_start_min);
	uint64_t total = 0;
	if (day < from)
		from = day;
	/* a call or a caller still open may have begun up to expiry_s ago, before midnight or
	 * the shift start: its start is in an earlier file */
	if (now_s - set->expiry_s < from)
		from = now_s - set->expiry_s;
	/* one file per local day, from the day of `from` to today */
	for (int64_t t = day_start_for(from, 0); t <= now_s && s->nfiles < FILES_MAX;
	     t = day_start_for(t + 26 * 3600, 0)) {
		struct stat sb;
		journal_path_for(path, sizeof path, dir, t);
		if (s->nfiles > 0 && strcmp(path, s->files[s->nfiles - 1]) == 0)
			continue;
		if (stat(path, &sb) != 0 || access(path, R_OK) != 0)
			continue;
		total += sb.st_size > 0 ? (uint64_t)sb.st_size : 0;
		text_copy(s->files[s->nfiles++], sizeof s->files[0], path);
	}
	return total;
}

/* Replay one journal file from offset, with a warning for what could not be read; the offset
 * where the lines read end, or -1 when the file could not be read. */
static int64_t replay_file(struct startup *s, const char *path, uint64_t offset)
{
	char err[512];
	struct replay_result res;
	if (!journal_replay_from(s->model, path, offset, false, &s->stop, false, &res, err,
	                         sizeof err)) {
		warn(s, "%s", err);
		return -1;
	}
	if (res.malformed_lines)
		warn(s, "%s: %llu bad lines skipped (first: %s)", path,
		     (unsigned long long)res.malformed_lines, res.first_error);
	return (int64_t)res.end_offset;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* Why the checkpoint at pos does not fit the files to replay now (NULL when it does); the
 * position of its file among them in *at. */
static const char *misfit(const struct startup *s, const struct checkpoint_pos *pos, int *at,
                          char *why, size_t whysize)
{
	if (s->nfiles == 0 || strcmp(pos->origin, base_name(s->files[0])) != 0) {
		snprintf(why, whysize, "old: its replay began at %.40s, this one begins at %.40s",
		         pos->origin, s->nfiles ? base_name(s->files[0]) : "no file");
		return why;
	}
	for (*at = 0; *at < s->nfiles && strcmp(base_name(s->files[*at]), pos->file) != 0;)
		(*at)++;
	unsigned char mark[sizeof pos->mark];
	if (*at == s->nfiles || !checkpoint_mark(s->files[*at], pos->offset, mark) ||
	    memcmp(mark, pos->mark, sizeof mark) != 0) {
		snprintf(why, whysize, "made from another journal: %s is not as it covered it",
		         pos->file);
		return why;
	}
	return NULL;
}

/* Load the checkpoint into the model when it fits the files to replay; the file to go on
 * from in *first, at *offset. A checkpoint refused is said (a missing one is not). */
static bool restore(struct startup *s, int *first, uint64_t *offset)
{
	struct model *m = s->model;
	struct model *loaded = model_new(model_settings(m));
	char why[256], path[SETTINGS_PATH_MAX + 32];
	const char *refused = NULL;
	struct checkpoint_pos pos;
	if (!loaded)
		return false;
	enum checkpoint_read_result r = checkpoint_read(loaded, s->dir, &pos, why, sizeof why);
	if (r == CHECKPOINT_REFUSED)
		refused = why;
	else if (r == CHECKPOINT_LOADED)
		refused = misfit(s, &pos, first, why, sizeof why);
	if (r == CHECKPOINT_LOADED && !refused) {
		uint64_t covered = pos.offset;
		struct stat sb;
		for (int i = 0; i < *first; i++)
			if (stat(s->files[i], &sb) == 0 && sb.st_size > 0)
				covered += (uint64_t)sb.st_size;
		model_adopt(m, loaded, covered);
		*offset = pos.offset;
	}
	model_free(loaded);
	if (refused) {
		checkpoint_path(path, sizeof path, s->dir);
		char text[SETTINGS_PATH_MAX + 512];
		snprintf(text, sizeof text,
		         "checkpoint %s not used (%s): replaying the whole journal", path, refused);
		if (s->report)
			fprintf(stderr, "ctiboard: %s\n", text);
		model_lock(m);
		model_notice(m, text, false);
		model_unlock(m);
	}
	return r == CHECKPOINT_LOADED && !refused;
}

/* Bring the model to the end of the files to replay: from the checkpoint when it fits, else
 * from the first. True with the position reached in *end when every file was read. */
static bool replay_window(struct startup *s, bool from_checkpoint_only, struct checkpoint_pos *end)
{
	int first = 0;
	uint64_t offset = 0;
	bool ok = s->nfiles > 0;
	if (!restore(s, &first, &offset) && from_checkpoint_only)
		return false;
	memset(end, 0, sizeof *end);
	for (int i = first; i < s->nfiles && !atomic_load(&s->stop); i++) {
		int64_t at = replay_file(s, s->files[i], i == first ? offset : 0);
		ok = ok && at >= 0;
		text_copy(end->file, sizeof end->file, base_name(s->files[i]));
		end->offset = at > 0 ? (uint64_t)at : 0;
	}
	if (!ok || atomic_load(&s->stop))
		return false;
	text_copy(end->origin, sizeof end->origin, base_name(s->files[0]));
	return checkpoint_mark(s->files[s->nfiles - 1], end->offset, end->mark);
}

/* Write the model's checkpoint at end (lock taken here); a failure is a warning. */
static void save(struct startup *s, const struct checkpoint_pos *end)
{
	struct jsonbuf buf = {0};
	char err[SETTINGS_PATH_MAX + 256];
	model_lock(s->model);
	checkpoint_encode(s->model, end, true, &buf);
	model_unlock(s->model);
	if (!checkpoint_write(s->dir, &buf, err, sizeof err))
		warn(s, "%s", err);
	jsonbuf_free(&buf);
}

static void *startup_main(void *arg)
{
	struct startup *s = arg;
	struct model *m = s->model;
	struct checkpoint_pos end;
	/* the model as the journal made it, before this run's clock judges it: the checkpoint */
	if (replay_window(s, false, &end))
		save(s, &end);
	model_startup_end(m, wall_now_ns() / NS_PER_S * NS_PER_S, s->done, s->done_ctx);
	return NULL;
}

struct startup *startup_start(struct model *m, const char *dir, bool report, startup_done_fn *done,
                              void *ctx)
{
	struct startup *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->model = m;
	s->report = report;
	s->done = done;
	s->done_ctx = ctx;
	text_copy(s->dir, sizeof s->dir, dir);
	atomic_init(&s->stop, false);
	uint64_t total = list_files(s, dir, wall_now_ns() / NS_PER_S);
	model_startup_begin(m, total);
	if (thread_start(&s->thread, startup_main, s) != 0) {
		model_startup_end(m, wall_now_ns() / NS_PER_S * NS_PER_S, NULL, NULL);
		free(s);
		return NULL;
	}
	return s;
}

void startup_stop(struct startup *s)
{
	if (!s)
		return;
	atomic_store(&s->stop, true);
	pthread_join(s->thread, NULL);
	free(s);
}

void startup_wait(struct model *m, const atomic_bool *stop)
{
	for (;;) {
		if (!model_startup(m).active || atomic_load(stop))
			return;
		struct timespec slice = {0, WAIT_SLICE_NS};
		nanosleep(&slice, NULL);
	}
}

/* Seconds left at the pace so far, or -1 when unknown yet. */
static int64_t seconds_left(const struct startup_progress *p, int64_t mono_ns)
{
	int64_t spent = mono_ns - p->started_mono_ns;
	if (p->bytes_done == 0 || spent <= 0 || p->bytes_done >= p->bytes_total)
		return p->bytes_done >= p->bytes_total && p->bytes_total ? 0 : -1;
	double left = (double)spent * (double)(p->bytes_total - p->bytes_done) /
	              (double)p->bytes_done / (double)NS_PER_S;
	return (int64_t)(left + 0.999);
}

void startup_describe(char *dst, size_t size, const struct startup_progress *p, int64_t mono_ns)
{
	unsigned pct = p->bytes_total ? (unsigned)(p->bytes_done * 100 / p->bytes_total) : 100;
	int64_t left = seconds_left(p, mono_ns);
	char eta[32] = "";
	if (left >= 0)
		snprintf(eta, sizeof eta, ", %llds left", (long long)left);
	snprintf(dst, size, "%u%%, %llu events%s", pct > 100 ? 100 : pct,
	         (unsigned long long)p->events, eta);
}

void startup_log_poll(struct startup_log *log, const struct startup_progress *p, int64_t mono_ns,
                      FILE *out)
{
	char text[128];
	if (!p->started_mono_ns || log->finished)
		return;
	if (!p->active) {
		int64_t spent = p->ended_mono_ns - p->started_mono_ns;
		if (log->said || spent > LOG_EVERY_NS)
			fprintf(out, "ctiboard: journal replayed: %llu events in %.1f s\n",
			        (unsigned long long)p->events, (double)spent / (double)NS_PER_S);
		log->finished = true;
		return;
	}
	if (!log->next_ns)
		log->next_ns = p->started_mono_ns + LOG_EVERY_NS;
	if (mono_ns < log->next_ns)
		return;
	startup_describe(text, sizeof text, p, mono_ns);
	fprintf(out, "ctiboard: replaying the journal: %s\n", text);
	log->said = true;
	log->next_ns = mono_ns + LOG_EVERY_NS;
}
