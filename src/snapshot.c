/* snapshot.c: the model as a JSON document (schema in the README, "Snapshot format"), written
 * atomically, and the thread that keeps the file up to date.
 */
#include "snapshot.h"

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "model.h"
#include "redact.h"
#include "settings.h"
#include "stats.h"
#include "text.h"
#include "thread.h"

#define SNAPSHOT_VERSION  1
#define SNAPSHOT_PATH_MAX 4096
#define HEARTBEAT_NS      (10 * NS_PER_S) /* rewritten at least this often, so "now" stays fresh */

/* Building the document: every adder notes an allocation failure in *ok. */
struct doc {
	bool ok;
};

static cJSON *add_obj(struct doc *d, cJSON *parent, const char *key, cJSON *item)
{
	if (!item) {
		d->ok = false;
		return NULL;
	}
	if (!parent)
		return item;
	bool added =
	    key ? cJSON_AddItemToObject(parent, key, item) : cJSON_AddItemToArray(parent, item);
	if (!added) {
		cJSON_Delete(item);
		d->ok = false;
		return NULL;
	}
	return item;
}

static void add_int(struct doc *d, cJSON *o, const char *key, int64_t v)
{
	add_obj(d, o, key, cJSON_CreateNumber((double)v));
}

static void add_str(struct doc *d, cJSON *o, const char *key, const char *s)
{
	add_obj(d, o, key, cJSON_CreateString(s ? s : ""));
}

static void add_bool(struct doc *d, cJSON *o, const char *key, bool b)
{
	add_obj(d, o, key, cJSON_CreateBool(b));
}

static void add_null(struct doc *d, cJSON *o, const char *key)
{
	add_obj(d, o, key, cJSON_CreateNull());
}

/* An int, or null when v < 0 (the "no data" of stats.h). */
static void add_int_or_null(struct doc *d, cJSON *o, const char *key, int64_t v)
{
	if (v < 0)
		add_null(d, o, key);
	else
		add_int(d, o, key, v);
}

/* A per-mille rate as a fraction written from integers ("0.870"): no floating point, so no
 * locale can turn the point into a comma. null when pm < 0. */
static void add_rate(struct doc *d, cJSON *o, const char *key, int pm)
{
	if (pm < 0) {
		add_null(d, o, key);
		return;
	}
	char buf[16];
	snprintf(buf, sizeof(buf), "%d.%03d", pm / 1000, pm % 1000);
	add_obj(d, o, key, cJSON_CreateRaw(buf));
}

static int64_t floor_s(int64_t ns)
{
	return ns >= 0 ? ns / NS_PER_S : -((-ns + NS_PER_S - 1) / NS_PER_S);
}

/* Whole seconds from then to now, counted on the seconds shown (so that since + duration is
 * now), never negative. */
static int64_t seconds_between(int64_t then_ns, int64_t now_ns)
{
	int64_t d = floor_s(now_ns) - floor_s(then_ns);
	return d > 0 ? d : 0;
}

/* An age in seconds; null when then_ns is 0 (never). */
static void add_age(struct doc *d, cJSON *o, const char *key, int64_t now_ns, int64_t then_ns)
{
	if (then_ns <= 0)
		add_null(d, o, key);
	else
		add_int(d, o, key, seconds_between(then_ns, now_ns));
}

/* Local time as ISO 8601 with its offset: "2025-11-26T11:00:00+01:00". */
static void iso_local(char *dst, size_t dstsize, int64_t t_s)
{
	time_t t = (time_t)t_s;
	struct tm tm;
	char zone[8];
	if (!localtime_r(&t, &tm) || strftime(dst, dstsize, "%Y-%m-%dT%H:%M:%S", &tm) == 0 ||
	    strftime(zone, sizeof(zone), "%z", &tm) != 5) {
		snprintf(dst, dstsize, "%s", "");
		return;
	}
	size_t n = strlen(dst);
	snprintf(dst + n, dstsize - n, "%.3s:%.2s", zone, zone + 3);
}

static void add_feeds(struct doc *d, cJSON *root, const struct model_state *st)
{
	cJSON *arr = add_obj(d, root, "feeds", cJSON_CreateArray());
	if (!arr)
		return;
	int64_t wall = wall_now_ns(); /* feed times are wall-clock times */
	for (size_t i = 0; i < st->nfeeds && i < FEEDS_MAX; i++) {
		const struct feed_status *f = &st->feeds[i];
		cJSON *o = add_obj(d, arr, NULL, cJSON_CreateObject());
		if (!o)
			return;
		add_str(d, o, "token", f->label);
		add_str(d, o, "state", feed_state_name(f->state));
		add_int(d, o, "events", (int64_t)f->events);
		add_int(d, o, "errors", (int64_t)f->errors);
		add_int(d, o, "polls", (int64_t)f->polls);
		add_age(d, o, "last_event_age_s", wall, f->last_event_ns);
		add_age(d, o, "last_ok_age_s", wall, f->last_ok_ns);
		bool waiting = f->state == FEED_BACKOFF || f->state == FEED_AUTH_FAILED;
		if (waiting && f->retry_at_ns > 0) {
			int64_t left = f->retry_at_ns - wall;
			add_int(d, o, "retry_in_s",
			        left > 0 ? (left + NS_PER_S - 1) / NS_PER_S : 0);
		} else {
			add_null(d, o, "retry_in_s");
		}
		add_str(d, o, "last_error", f->last_error);
	}
}

static void add_call(struct doc *d, cJSON *arr, const struct call *c, int64_t now_ns)
{
	cJSON *o = add_obj(d, arr, NULL, cJSON_CreateObject());
	if (!o)
		return;
	add_str(d, o, "call_id", c->id);
	add_str(d, o, "state", call_state_name(c->state));
	add_str(d, o, "direction", c->inbound ? "in" : "out");
	add_str(d, o, "calling", c->calling);
	add_str(d, o, "called", c->called);
	add_int(d, o, "since", floor_s(c->since_ns));
	add_int(d, o, "duration_s", seconds_between(c->since_ns, now_ns));
}

/* The calls of each line: order[first[i] .. first[i + 1]) index st->calls for line i (a
 * counting sort, so that a state with many lines and calls renders in linear time). */
static bool calls_by_line(const struct model_state *st, size_t **first, size_t **order)
{
	*first = calloc(st->nlines + 1, sizeof(**first));
	*order = malloc((st->ncalls ? st->ncalls : 1) * sizeof(**order));
	if (!*first || !*order) {
		free(*first);
		free(*order);
		return false;
	}
	for (size_t c = 0; c < st->ncalls; c++)
		if (st->calls[c].line < st->nlines)
			(*first)[st->calls[c].line + 1]++;
	for (size_t i = 0; i < st->nlines; i++)
		(*first)[i + 1] += (*first)[i];
	size_t *fill = calloc(st->nlines + 1, sizeof(*fill));
	if (!fill) {
		free(*first);
		free(*order);
		return false;
	}
	for (size_t c = 0; c < st->ncalls; c++) {
		uint32_t l = st->calls[c].line;
		if (l < st->nlines)
			(*order)[(*first)[l] + fill[l]++] = c;
	}
	free(fill);
	return true;
}

static void add_lines(struct doc *d, cJSON *root, const struct model_state *st, int64_t now_ns)
{
	cJSON *arr = add_obj(d, root, "lines", cJSON_CreateArray());
	size_t *first, *order;
	if (!arr || !calls_by_line(st, &first, &order)) {
		d->ok = false;
		return;
	}
	for (size_t i = 0; i < st->nlines; i++) {
		const struct line *l = &st->lines[i];
		cJSON *o = add_obj(d, arr, NULL, cJSON_CreateObject());
		if (!o)
			break;
		char display[64];
		add_str(d, o, "number", l->number);
		add_str(d, o, "display", phone_display(display, sizeof(display), l->number));
		add_str(d, o, "description", l->description);
		add_str(d, o, "type", l->type);
		add_age(d, o, "registered_age_s", now_ns, l->registered_ns);
		add_str(d, o, "state", line_state_name(line_state(l)));
		cJSON *calls = add_obj(d, o, "calls", cJSON_CreateArray());
		for (size_t k = first[i]; calls && k < first[i + 1]; k++)
			add_call(d, calls, &st->calls[order[k]], now_ns);
		cJSON *t = add_obj(d, o, "today", cJSON_CreateObject());
		if (!t)
			break;
		add_int(d, t, "calls_in", l->today.calls_in);
		add_int(d, t, "calls_out", l->today.calls_out);
		add_int(d, t, "answered", l->today.answered);
		add_int(d, t, "missed", l->today.missed);
		add_int(d, t, "talk_s", l->today.talk_s);
	}
	free(first);
	free(order);
}

static void add_members(struct doc *d, cJSON *q, const struct queue *qu, int64_t now_s)
{
	cJSON *arr = add_obj(d, q, "members", cJSON_CreateArray());
	for (size_t i = 0; arr && i < qu->nmembers; i++) {
		const struct member *m = &qu->members[i];
		cJSON *o = add_obj(d, arr, NULL, cJSON_CreateObject());
		if (!o)
			return;
		add_str(d, o, "id", m->uuid);
		add_str(d, o, "caller", m->number);
		add_str(d, o, "name", m->name);
		add_str(d, o, "state", member_state_name(m->state));
		add_str(d, o, "agent", m->agent);
		add_int(d, o, "since", m->joined_s);
		int64_t until = m->answered_s > 0 ? m->answered_s : now_s;
		add_int(d, o, "wait_s", until > m->joined_s ? until - m->joined_s : 0);
	}
}

static void add_agents(struct doc *d, cJSON *q, const struct queue *qu)
{
	cJSON *arr = add_obj(d, q, "agents", cJSON_CreateArray());
	for (size_t i = 0; arr && i < qu->nagents; i++) {
		const struct agent *a = &qu->agents[i];
		cJSON *o = add_obj(d, arr, NULL, cJSON_CreateObject());
		if (!o)
			return;
		add_str(d, o, "number", a->number);
		add_bool(d, o, "on_call", a->on_call);
		add_int(d, o, "taken_today", a->taken_today);
		add_str(d, o, "status", a->status);
	}
}

static void add_queues(struct doc *d, cJSON *root, const struct model_state *st,
                       const struct settings *s, int64_t now_s)
{
	cJSON *arr = add_obj(d, root, "queues", cJSON_CreateArray());
	if (!arr)
		return;
	for (size_t i = 0; i < st->nqueues; i++) {
		const struct queue *qu = &st->queues[i];
		struct queue_stats qs;
		queue_stats(qu, s, now_s, &qs);
		cJSON *o = add_obj(d, arr, NULL, cJSON_CreateObject());
		if (!o)
			return;
		char display[64];
		add_str(d, o, "number", qu->number);
		add_str(d, o, "display", phone_display(display, sizeof(display), qu->number));
		add_str(d, o, "description", qu->description);
		add_int(d, o, "waiting", qs.waiting);
		add_int(d, o, "longest_wait_s", qs.longest_wait_s);
		add_members(d, o, qu, now_s);
		add_agents(d, o, qu);
		cJSON *t = add_obj(d, o, "today", cJSON_CreateObject());
		if (!t)
			return;
		add_int(d, t, "offered", qs.offered);
		add_int(d, t, "answered", qs.answered);
		add_int(d, t, "abandoned", qs.abandoned);
		add_int(d, t, "short_abandoned", qs.short_abandoned);
		add_int(d, t, "timed_out", qs.timed_out);
		add_rate(d, t, "abandon_rate", qs.abandon_rate_pm);
		add_rate(d, t, "service_level", qs.service_level_pm);
		add_int(d, t, "service_level_target_s", s->sl_target_s);
		add_int_or_null(d, t, "avg_wait_s", qs.avg_wait_s);
		add_int_or_null(d, t, "avg_talk_s", qs.avg_talk_s);
		add_int(d, t, "worst_wait_s", qs.worst_wait_s);
		add_int(d, t, "agents_on_call", qs.agents_on_call);
	}
}

static void add_counters(struct doc *d, cJSON *root, const struct counters *c)
{
	cJSON *o = add_obj(d, root, "counters", cJSON_CreateObject());
	if (!o)
		return;
	add_int(d, o, "events", (int64_t)c->events);
	add_int(d, o, "malformed", (int64_t)c->malformed);
	add_int(d, o, "duplicates", (int64_t)c->duplicates);
	add_int(d, o, "unknown", (int64_t)c->unknown);
	add_int(d, o, "expired", (int64_t)c->expired);
	add_int(d, o, "dropped", (int64_t)c->dropped);
	add_int(d, o, "registered", (int64_t)c->registered);
}

char *snapshot_json(const struct model_state *st, const struct settings *s)
{
	struct doc d = {.ok = true};
	cJSON *root = cJSON_CreateObject();
	if (!root)
		return NULL;
	int64_t now_ns = state_now_ns(st);
	int64_t now_s = floor_s(now_ns);
	char iso[40];
	iso_local(iso, sizeof(iso), now_s);
	add_int(&d, root, "version", SNAPSHOT_VERSION);
	add_int(&d, root, "now", now_s);
	add_str(&d, root, "now_iso", iso);
	add_str(&d, root, "source", st->source);
	add_int(&d, root, "day_start", st->day_start_s);
	add_feeds(&d, root, st);
	add_lines(&d, root, st, now_ns);
	add_queues(&d, root, st, s, now_s);
	add_counters(&d, root, &st->counters);
	char *text = d.ok ? cJSON_Print(root) : NULL;
	cJSON_Delete(root);
	if (text)
		redact_text(text, strlen(text)); /* last guard: no token leaves the program */
	return text;
}

bool snapshot_write(const struct model_state *st, const struct settings *s, const char *path,
                    char *err, size_t errsize)
{
	static unsigned counter; /* distinct temporary names across threads of one process */
	char *text = snapshot_json(st, s);
	if (!text) {
		snprintf(err, errsize, "snapshot: out of memory");
		return false;
	}
	size_t len = strlen(text);
	char tmp[SNAPSHOT_PATH_MAX + 64];
	int fd = -1;
	for (int tries = 0; fd < 0 && tries < 100; tries++) {
		unsigned k = __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
		if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld.%u", path, (long)getpid(), k) >=
		    (int)sizeof(tmp)) {
			errno = ENAMETOOLONG;
			break;
		}
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		snprintf(err, errsize, "cannot create a temporary file beside %s: %s", path,
		         strerror(errno));
		free(text);
		return false;
	}
	bool ok = write_all(fd, text, len) && write_all(fd, "\n", 1) && fsync(fd) == 0;
	int saved = errno;
	if (close(fd) != 0 && ok) {
		ok = false;
		saved = errno;
	}
	if (ok && rename(tmp, path) != 0) {
		ok = false;
		saved = errno;
	}
	free(text);
	if (!ok) {
		unlink(tmp);
		snprintf(err, errsize, "cannot write %s: %s", path, strerror(saved));
		return false;
	}
	sync_parent_dir(path);
	return true;
}

struct snapshot_writer {
	struct model *m;
	struct settings set; /* copied at start: the settings do not change while running */
	char path[SNAPSHOT_PATH_MAX];
	int interval_ms;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
	struct model_state view; /* only the writer thread touches it until stop */
	uint64_t seen;
	int64_t written_ns; /* monotonic time of the last write */
	bool failed;        /* the last write failed */
	char error[256];    /* and why: reported at stop if the final write fails too */
};

/* Take a fresh copy of the model if it moved, and write it when it did or when the last
 * write is older than the heartbeat (or always when force). */
static void writer_step(struct snapshot_writer *w, bool force)
{
	bool moved = model_view(w->m, &w->view, &w->seen);
	int64_t now = mono_now_ns();
	if (!force && !moved && now - w->written_ns < HEARTBEAT_NS)
		return;
	char err[256];
	w->failed = !snapshot_write(&w->view, &w->set, w->path, err, sizeof(err));
	if (w->failed)
		snprintf(w->error, sizeof(w->error), "%s", err);
	else
		w->written_ns = now;
}

static void *writer_main(void *arg)
{
	struct snapshot_writer *w = arg;
	pthread_mutex_lock(&w->lock);
	while (!w->stop) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		int64_t ns = until.tv_nsec + (int64_t)w->interval_ms * 1000000;
		until.tv_sec += (time_t)(ns / NS_PER_S);
		until.tv_nsec = (long)(ns % NS_PER_S);
		while (!w->stop && pthread_cond_timedwait(&w->cond, &w->lock, &until) == 0)
			;
		if (w->stop)
			break;
		pthread_mutex_unlock(&w->lock);
		writer_step(w, false);
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct snapshot_writer *snapshot_writer_start(struct model *m, const char *path, int interval_ms,
                                              char *err, size_t errsize)
{
	if (!path || !path[0] || strlen(path) >= SNAPSHOT_PATH_MAX) {
		snprintf(err, errsize, "snapshot: bad file name");
		return NULL;
	}
	struct snapshot_writer *w = calloc(1, sizeof(*w));
	if (!w) {
		snprintf(err, errsize, "snapshot: out of memory");
		return NULL;
	}
	w->m = m;
	snprintf(w->path, sizeof(w->path), "%s", path);
	w->interval_ms = interval_ms > 0 ? interval_ms : 250;
	w->seen = UINT64_MAX; /* the first view always copies */
	model_lock(m);
	w->set = m->set;
	model_unlock(m);
	/* A first write now, so that a path that cannot be written is an error at start. */
	model_view(m, &w->view, &w->seen);
	if (!snapshot_write(&w->view, &w->set, w->path, err, errsize)) {
		state_free(&w->view);
		free(w);
		return NULL;
	}
	w->written_ns = mono_now_ns();
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&w->lock, NULL);
	int rc = thread_start(&w->thread, writer_main, w);
	if (rc != 0) {
		snprintf(err, errsize, "snapshot: cannot start a thread: %s", strerror(rc));
		pthread_cond_destroy(&w->cond);
		pthread_mutex_destroy(&w->lock);
		state_free(&w->view);
		free(w);
		return NULL;
	}
	return w;
}

void snapshot_writer_stop(struct snapshot_writer *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	writer_step(w, true);
	if (w->failed)
		fprintf(stderr, "ctiboard: snapshot: %s\n", w->error);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	state_free(&w->view);
	free(w);
}
