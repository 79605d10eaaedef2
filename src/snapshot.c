/* snapshot.c: the model as a JSON document (schema in the README, "Snapshot format"), written
 * atomically, and the thread that keeps the file up to date.
 */
#include "snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "hashmap.h"
#include "jsonbuf.h"
#include "model.h"
#include "redact.h"
#include "settings.h"
#include "stats.h"
#include "text.h"
#include "thread.h"

#define SNAPSHOT_VERSION  1
#define SNAPSHOT_PATH_MAX 4096
#define HEARTBEAT_NS      (10 * NS_PER_S) /* rewritten at least this often, so "now" stays fresh */
/* A document larger than this is rewritten at most once a second. */
#define LARGE_BYTES  (1024 * 1024)
#define LARGE_GAP_NS NS_PER_S

/* The document is printed as it is walked, in the layout of cJSON_Print (objects one member a
 * line indented by tabs, "key":<tab>value, arrays inline with ", "), without building a tree:
 * a tree of 5,000 lines cost ten times the text. Written to a file, the text goes out in
 * chunks of CHUNK bytes; in memory (snapshot_json) the buffer grows. */
#define NEST_MAX 8
#define CHUNK    (64 * 1024)
/* Bytes held back at each flush so that a secret (shorter than 64 bytes, redact.c) cut by a
 * chunk's end is redacted whole in the next one: redacting chunk by chunk then scrubs what
 * redacting the whole text would. */
#define HOLD_BACK 4096

struct doc {
	struct jsonbuf text;    /* the text printed and not yet written */
	int fd;                 /* the file written, or -1: the text stays in text */
	bool ok;                /* false after an allocation or write failure */
	int error;              /* errno of a write failure, 0 for an allocation failure */
	int level;              /* containers open: the indentation of their members */
	bool obj[NEST_MAX];     /* container at each level is an object (else an array) */
	bool started[NEST_MAX]; /* and holds a member already */
	uint64_t hash;          /* of the text written to fd so far */
	size_t written;         /* bytes written to fd so far */
};

/* Redact what is in the buffer and write all but the last keep bytes, which move to the
 * front. */
static void flush(struct doc *d, size_t keep)
{
	struct jsonbuf *t = &d->text;
	if (!d->ok || t->len <= keep)
		return;
	redact_text(t->data, t->len); /* last guard: no token leaves the program */
	size_t n = t->len - keep;
	d->hash = hashmap_hash(d->hash, t->data, n);
	d->written += n;
	if (!write_all(d->fd, t->data, n)) {
		d->ok = false;
		d->error = errno;
		return;
	}
	memmove(t->data, t->data + n, keep);
	t->len = keep;
	t->data[t->len] = '\0';
}

/* Room for more bytes and a NUL: flush to the file first, grow the buffer if that is not
 * enough. */
static bool reserve(struct doc *d, size_t more)
{
	if (d->ok && d->text.cap - d->text.len <= more && d->fd >= 0)
		flush(d, HOLD_BACK);
	if (d->ok && !jsonbuf_reserve(&d->text, more))
		d->ok = false;
	return d->ok;
}

static void put(struct doc *d, const char *s, size_t n)
{
	if (reserve(d, n))
		jsonbuf_put(&d->text, s, n);
}

static void put_tabs(struct doc *d, int n)
{
	if (n <= 0 || !reserve(d, (size_t)n))
		return;
	memset(d->text.data + d->text.len, '\t', (size_t)n);
	d->text.len += (size_t)n;
	d->text.data[d->text.len] = '\0';
}

/* A JSON string, escaped as cJSON escapes it (jsonbuf.h). */
static void put_string(struct doc *d, const char *s)
{
	if (reserve(d, 6 * strlen(s) + 2))
		jsonbuf_string(&d->text, s);
}

/* Start a value: the separator from the previous member, and in an object the indented key. */
static void begin(struct doc *d, const char *key)
{
	if (d->level == 0)
		return;
	int i = d->level - 1;
	if (d->obj[i]) {
		if (d->started[i])
			put(d, ",\n", 2);
		put_tabs(d, d->level);
		put_string(d, key ? key : "");
		put(d, ":\t", 2);
	} else if (d->started[i]) {
		put(d, ", ", 2);
	}
	d->started[i] = true;
}

static void open_container(struct doc *d, const char *key, bool obj)
{
	begin(d, key);
	if (d->level >= NEST_MAX) {
		d->ok = false;
		return;
	}
	d->obj[d->level] = obj;
	d->started[d->level] = false;
	d->level++;
	put(d, obj ? "{\n" : "[", obj ? 2 : 1);
}

static void open_obj(struct doc *d, const char *key)
{
	open_container(d, key, true);
}

static void open_arr(struct doc *d, const char *key)
{
	open_container(d, key, false);
}

static void close_container(struct doc *d)
{
	if (d->level == 0)
		return;
	d->level--;
	if (!d->obj[d->level]) {
		put(d, "]", 1);
		return;
	}
	if (d->started[d->level])
		put(d, "\n", 1);
	put_tabs(d, d->level);
	put(d, "}", 1);
}

/* A value written as it is (numbers, true, false, null). */
static void add_raw(struct doc *d, const char *key, const char *text)
{
	begin(d, key);
	put(d, text, strlen(text));
}

/* Integers in decimal: no floating point, no locale. */
static void add_int(struct doc *d, const char *key, int64_t v)
{
	begin(d, key);
	if (reserve(d, 24))
		jsonbuf_int(&d->text, v);
}

static void add_str(struct doc *d, const char *key, const char *s)
{
	begin(d, key);
	put_string(d, s ? s : "");
}

static void add_bool(struct doc *d, const char *key, bool b)
{
	add_raw(d, key, b ? "true" : "false");
}

static void add_null(struct doc *d, const char *key)
{
	add_raw(d, key, "null");
}

/* An int, or null when v < 0 (the "no data" of stats.h). */
static void add_int_or_null(struct doc *d, const char *key, int64_t v)
{
	if (v < 0)
		add_null(d, key);
	else
		add_int(d, key, v);
}

/* A per-mille rate as a fraction written from integers ("0.870"): no floating point, so no
 * locale can turn the point into a comma. null when pm < 0. */
static void add_rate(struct doc *d, const char *key, int pm)
{
	if (pm < 0) {
		add_null(d, key);
		return;
	}
	char buf[16];
	snprintf(buf, sizeof(buf), "%d.%03d", pm / 1000, pm % 1000);
	add_raw(d, key, buf);
}

static int64_t floor_s(int64_t ns)
{
	return ns >= 0 ? ns / NS_PER_S : -((-ns + NS_PER_S - 1) / NS_PER_S);
}

/* Whole seconds from then to now, counted on the seconds shown (so that since + duration is
 * now), never negative. */
static int64_t whole_seconds_between_ns(int64_t then_ns, int64_t now_ns)
{
	int64_t d = floor_s(now_ns) - floor_s(then_ns);
	return d > 0 ? d : 0;
}

/* An age in seconds; null when then_ns is 0 (never). */
static void add_age(struct doc *d, const char *key, int64_t now_ns, int64_t then_ns)
{
	if (then_ns <= 0)
		add_null(d, key);
	else
		add_int(d, key, whole_seconds_between_ns(then_ns, now_ns));
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

static void add_feeds(struct doc *d, const struct model_state *st)
{
	open_arr(d, "feeds");
	int64_t wall = wall_now_ns(); /* feed times are wall-clock times */
	for (size_t i = 0; i < st->nfeeds && i < FEEDS_MAX; i++) {
		const struct feed_status *f = &st->feeds[i];
		open_obj(d, NULL);
		add_str(d, "token", f->label);
		add_str(d, "state", feed_state_name(f->state));
		add_int(d, "events", (int64_t)f->events);
		add_int(d, "errors", (int64_t)f->errors);
		add_int(d, "polls", (int64_t)f->polls);
		add_age(d, "last_event_age_s", wall, f->last_event_ns);
		add_age(d, "last_ok_age_s", wall, f->last_ok_ns);
		bool waiting = f->state == FEED_BACKOFF || f->state == FEED_AUTH_FAILED;
		if (waiting && f->retry_at_ns > 0) {
			int64_t left = f->retry_at_ns - wall;
			add_int(d, "retry_in_s", left > 0 ? (left + NS_PER_S - 1) / NS_PER_S : 0);
		} else {
			add_null(d, "retry_in_s");
		}
		add_str(d, "last_error", f->last_error);
		close_container(d);
	}
	close_container(d);
}

static void add_call(struct doc *d, const struct call *c, int64_t now_ns)
{
	open_obj(d, NULL);
	add_str(d, "call_id", c->id);
	add_str(d, "state", call_state_name(c->state));
	add_str(d, "direction", c->inbound ? "in" : "out");
	add_str(d, "calling", c->calling);
	add_str(d, "called", c->called);
	add_int(d, "since", floor_s(c->since_ns));
	add_int(d, "duration_s", whole_seconds_between_ns(c->since_ns, now_ns));
	close_container(d);
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

static void add_lines(struct doc *d, const struct model_state *st, int64_t now_ns)
{
	size_t *first, *order;
	if (!calls_by_line(st, &first, &order)) {
		d->ok = false;
		return;
	}
	open_arr(d, "lines");
	for (size_t i = 0; d->ok && i < st->nlines; i++) {
		const struct line *l = &st->lines[i];
		char display[64];
		open_obj(d, NULL);
		add_str(d, "number", l->number);
		add_str(d, "display", phone_display(display, sizeof(display), l->number));
		add_str(d, "description", l->description);
		add_str(d, "type", l->type);
		add_age(d, "registered_age_s", now_ns, l->registered_ns);
		add_str(d, "state", line_state_name(line_state(l)));
		open_arr(d, "calls");
		for (size_t k = first[i]; k < first[i + 1]; k++)
			add_call(d, &st->calls[order[k]], now_ns);
		close_container(d);
		open_obj(d, "today");
		add_int(d, "calls_in", l->today.calls_in);
		add_int(d, "calls_out", l->today.calls_out);
		add_int(d, "answered", l->today.answered);
		add_int(d, "missed", l->today.missed);
		add_int(d, "talk_s", l->today.talk_s);
		close_container(d);
		close_container(d);
	}
	close_container(d);
	free(first);
	free(order);
}

static void add_members(struct doc *d, const struct queue *qu, int64_t now_s)
{
	open_arr(d, "members");
	for (size_t i = 0; i < qu->nmembers; i++) {
		const struct member *m = &qu->members[i];
		open_obj(d, NULL);
		add_str(d, "id", m->uuid);
		add_str(d, "caller", m->number);
		add_str(d, "name", m->name);
		add_str(d, "state", member_state_name(m->state));
		add_str(d, "agent", m->agent);
		add_int(d, "since", m->joined_s);
		int64_t until = m->answered_s > 0 ? m->answered_s : now_s;
		add_int(d, "wait_s", until > m->joined_s ? until - m->joined_s : 0);
		close_container(d);
	}
	close_container(d);
}

static void add_agents(struct doc *d, const struct queue *qu)
{
	open_arr(d, "agents");
	for (size_t i = 0; i < qu->nagents; i++) {
		const struct agent *a = &qu->agents[i];
		open_obj(d, NULL);
		add_str(d, "number", a->number);
		add_bool(d, "on_call", a->on_call);
		add_int(d, "taken_today", a->taken_today);
		add_str(d, "status", a->status);
		close_container(d);
	}
	close_container(d);
}

static void add_queues(struct doc *d, const struct model_state *st, const struct settings *s,
                       int64_t now_s)
{
	open_arr(d, "queues");
	for (size_t i = 0; d->ok && i < st->nqueues; i++) {
		const struct queue *qu = &st->queues[i];
		struct queue_stats qs;
		struct queue_rules rules;
		queue_stats(qu, s, now_s, &qs);
		settings_queue_rules(s, qu->number, &rules);
		char display[64];
		open_obj(d, NULL);
		add_str(d, "number", qu->number);
		add_str(d, "display", phone_display(display, sizeof(display), qu->number));
		add_str(d, "description", qu->description);
		add_int(d, "waiting", qs.waiting);
		add_int(d, "longest_wait_s", qs.longest_wait_s);
		add_members(d, qu, now_s);
		add_agents(d, qu);
		open_obj(d, "today");
		add_int(d, "offered", qs.offered);
		add_int(d, "answered", qs.answered);
		add_int(d, "abandoned", qs.abandoned);
		add_int(d, "short_abandoned", qs.short_abandoned);
		add_int(d, "timed_out", qs.timed_out);
		add_int(d, "left_by_key", qs.left_by_key);
		add_rate(d, "abandon_rate", qs.abandon_rate_pm);
		add_rate(d, "service_level", qs.service_level_pm);
		add_int(d, "service_level_target_s", rules.sl_target_s);
		add_int_or_null(d, "avg_wait_s", qs.avg_wait_s);
		add_int_or_null(d, "avg_talk_s", qs.avg_talk_s);
		add_int(d, "worst_wait_s", qs.worst_wait_s);
		add_int(d, "agents_on_call", qs.agents_on_call);
		close_container(d);
		close_container(d);
	}
	close_container(d);
}

/* The OVH API's health. */
static void add_api(struct doc *d, const struct api_status *a, int64_t now_ns)
{
	open_obj(d, "api");
	add_str(d, "state", api_health_name(a->health));
	add_str(d, "last_error", a->last_error);
	add_int(d, "requests", (int64_t)a->requests);
	add_age(d, "last_ok_age_s", now_ns, a->last_ok_ns);
	add_age(d, "roster_age_s", now_ns, a->roster_ns);
	add_age(d, "statuses_age_s", now_ns, a->statuses_ns);
	open_arr(d, "queues");
	for (size_t i = 0; i < a->nqueues; i++) {
		const struct api_queue *q = &a->queues[i];
		open_obj(d, NULL);
		add_str(d, "queue", q->service);
		add_int(d, "queue_id", q->queue_id);
		add_str(d, "name", q->name);
		if (q->have_stats) {
			add_int(d, "answered", q->answered);
			add_int(d, "lost", q->lost);
			add_int(d, "total", q->total);
			add_int(d, "last_reset", q->last_reset_s);
		}
		close_container(d);
	}
	close_container(d);
	close_container(d);
}

/* Has an agent of this number been written already (from the API, or an earlier queue)? */
static bool agent_listed(const struct model_state *st, size_t queue, size_t agent,
                         const char *number)
{
	for (size_t i = 0; i < st->api.nagents; i++)
		if (strcmp(st->api.agents[i].number, number) == 0)
			return true;
	for (size_t q = 0; q <= queue && q < st->nqueues; q++)
		for (size_t k = 0; k < (q == queue ? agent : st->queues[q].nagents); k++)
			if (strcmp(st->queues[q].agents[k].number, number) == 0)
				return true;
	return false;
}

/* Every agent: those the OVH API lists (source "api"), then those only events named. */
static void add_all_agents(struct doc *d, const struct model_state *st)
{
	open_arr(d, "agents");
	for (size_t i = 0; i < st->api.nagents; i++) {
		const struct api_agent *a = &st->api.agents[i];
		open_obj(d, NULL);
		add_str(d, "number", a->number);
		add_str(d, "name", a->name);
		add_str(d, "status", a->status);
		add_int_or_null(d, "status_since", a->status_since_s > 0 ? a->status_since_s : -1);
		add_str(d, "break_reason", a->break_reason);
		add_str(d, "queues", a->queues);
		add_int(d, "taken_today", a->taken_today);
		add_int(d, "talk_s", a->talk_s);
		add_str(d, "source", st->api.simulated ? "demo" : "api");
		close_container(d);
	}
	for (size_t q = 0; q < st->nqueues; q++) {
		const struct queue *qu = &st->queues[q];
		for (size_t k = 0; k < qu->nagents; k++) {
			const struct agent *a = &qu->agents[k];
			if (agent_listed(st, q, k, a->number))
				continue;
			char queues[TEXT_MAX] = "";
			uint32_t taken = 0;
			int64_t talk = 0;
			for (size_t q2 = q; q2 < st->nqueues; q2++)
				for (size_t k2 = 0; k2 < st->queues[q2].nagents; k2++) {
					const struct agent *b = &st->queues[q2].agents[k2];
					if (strcmp(b->number, a->number) != 0)
						continue;
					const struct queue *qb = &st->queues[q2];
					const char *name =
					    qb->description[0] ? qb->description : qb->number;
					char sofar[TEXT_MAX];
					text_copy(sofar, sizeof sofar, queues);
					if (sofar[0])
						text_join(sofar, sizeof sofar, queues, ", ");
					text_join(queues, sizeof queues, sofar, name);
					taken += b->taken_today;
					talk += b->talk_today_s;
				}
			open_obj(d, NULL);
			add_str(d, "number", a->number);
			add_str(d, "name", "");
			add_str(d, "status", a->on_call ? "on_call" : a->status);
			add_int_or_null(d, "status_since", a->on_call ? a->since_s : -1);
			add_str(d, "break_reason", "");
			add_str(d, "queues", queues);
			add_int(d, "taken_today", taken);
			add_int(d, "talk_s", talk);
			add_str(d, "source", "events");
			close_container(d);
		}
	}
	close_container(d);
}

/* The callers to call back, in the order of the Callbacks view (short abandons included). */
static void add_callbacks(struct doc *d, const struct callback_list *cb)
{
	size_t *order = cb->n ? malloc(cb->n * sizeof *order) : NULL;
	size_t n = order ? callbacks_order(cb, true, order) : 0;
	if (cb->n && !order)
		d->ok = false;
	open_arr(d, "callbacks");
	for (size_t i = 0; d->ok && i < n; i++) {
		const struct callback *e = &cb->entries[order[i]];
		char display[TEXT_MAX];
		if (e->display[0])
			text_copy(display, sizeof display, e->display);
		else
			phone_display(display, sizeof display, e->caller);
		open_obj(d, NULL);
		add_str(d, "caller", e->caller);
		add_str(d, "display", display);
		add_str(d, "queue", e->queue);
		add_int(d, "left_at", e->left_at_s);
		add_int(d, "wait_s", e->wait_s);
		add_str(d, "outcome", cb_outcome_name(e->outcome));
		add_int(d, "tries", e->tries);
		add_str(d, "status", cb_status_name(e->status));
		if (e->status == CB_OPEN) {
			add_null(d, "closed_by");
			add_null(d, "closed_at");
		} else {
			add_str(d, "closed_by", e->closed_by);
			add_int(d, "closed_at", e->closed_at_s);
		}
		close_container(d);
	}
	close_container(d);
	free(order);
}

static void add_counters(struct doc *d, const struct counters *c)
{
	open_obj(d, "counters");
	add_int(d, "events", (int64_t)c->events);
	add_int(d, "malformed", (int64_t)c->malformed);
	add_int(d, "duplicates", (int64_t)c->duplicates);
	add_int(d, "unknown", (int64_t)c->unknown);
	add_int(d, "expired", (int64_t)c->expired);
	add_int(d, "dropped", (int64_t)c->dropped);
	add_int(d, "evicted", (int64_t)c->evicted);
	add_int(d, "registered", (int64_t)c->registered);
	add_int(d, "journal_lost", (int64_t)c->journal_lost);
	add_int(d, "future", (int64_t)c->future);
	close_container(d);
}

/* The feed's latency over the last minutes (wall clock: receptions are wall-clock times). */
static void add_feed_latency(struct doc *d, const struct feed_stats *fs)
{
	int64_t wall = wall_now_ns();
	open_obj(d, "feed_latency");
	add_int(d, "window_min", LATENCY_WINDOW_MIN);
	add_int_or_null(d, "median_ms", feed_latency_ms(fs, wall, 0.5));
	add_int_or_null(d, "p95_ms", feed_latency_ms(fs, wall, 0.95));
	close_container(d);
}

static void add_hooks(struct doc *d, const struct hook_status *h)
{
	static const char *const kinds[HOOK_KINDS] = {"ring", "alert"};
	open_obj(d, "hooks");
	for (int k = 0; k < HOOK_KINDS; k++) {
		open_obj(d, kinds[k]);
		add_int(d, "sent", (int64_t)h->sent[k]);
		add_int(d, "failed", (int64_t)h->failed[k]);
		add_int(d, "dropped", (int64_t)h->dropped[k]);
		close_container(d);
	}
	add_str(d, "last_error", h->last_error);
	add_age(d, "last_error_age_s", wall_now_ns(), h->last_error_ns);
	close_container(d);
}

/* The alert list (alerts.h), as everything else reads it. */
static void add_alerts(struct doc *d, const struct alert_list *l)
{
	open_arr(d, "alerts");
	for (size_t i = 0; i < l->count; i++) {
		const struct alert *a = &l->items[i];
		open_obj(d, NULL);
		add_str(d, "scope", alert_scope_name(a->scope));
		add_str(d, "id", a->id);
		add_str(d, "level", alert_level_name(a->level));
		add_str(d, "rule", alert_rule_name(a->rule));
		add_str(d, "text", a->text);
		add_int(d, "since", a->since_s);
		add_int(d, "value", a->value);
		close_container(d);
	}
	close_container(d);
}

/* Print the document into d's buffer (reused: its text is replaced), or through it into d->fd.
 * False on failure. */
static bool render(struct doc *d, const struct model_state *st, const struct settings *s)
{
	d->text.len = 0;
	d->text.failed = false;
	d->ok = jsonbuf_reserve(&d->text, CHUNK + HOLD_BACK); /* written out in chunks of CHUNK */
	d->error = 0;
	d->level = 0;
	int64_t now_ns = state_now_ns(st);
	int64_t now_s = floor_s(now_ns);
	char iso[40];
	iso_local(iso, sizeof(iso), now_s);
	open_obj(d, NULL);
	add_int(d, "version", SNAPSHOT_VERSION);
	add_int(d, "now", now_s);
	add_str(d, "now_iso", iso);
	add_str(d, "source", st->source);
	add_int(d, "day_start", st->day_start_s);
	add_str(d, "notice", st->notice);
	add_str(d, "journal_error", st->journal_error);
	open_obj(d, "startup"); /* the journal replayed at start-up (startup.h) */
	add_bool(d, "active", st->startup.active);
	add_int(d, "events", (int64_t)st->startup.events);
	if (!st->startup.active && st->startup.ended_mono_ns) /* how long the model took */
		add_int(d, "replay_ms",
		        (st->startup.ended_mono_ns - st->startup.started_mono_ns) / 1000000);
	close_container(d);
	add_alerts(d, &st->alerts);
	add_feeds(d, st);
	add_lines(d, st, now_ns);
	add_queues(d, st, s, now_s);
	add_all_agents(d, st);
	add_api(d, &st->api, now_ns);
	add_callbacks(d, &st->callbacks);
	add_counters(d, &st->counters);
	add_feed_latency(d, &st->fstats);
	add_hooks(d, &st->hooks);
	close_container(d);
	return d->ok;
}

char *snapshot_json(const struct model_state *st, const struct settings *s)
{
	struct doc d = {.fd = -1};
	if (!render(&d, st, s)) {
		jsonbuf_free(&d.text);
		return NULL;
	}
	redact_text(d.text.data, d.text.len); /* last guard: no token leaves the program */
	return d.text.data;
}

/* Write the document followed by a newline to path atomically, through d's buffer (kept
 * between calls). With same (not NULL): a document whose text hashes to *same is not put in
 * place (*same then says false); *same becomes the hash of the document put in place. */
static bool write_state(struct doc *d, const struct model_state *st, const struct settings *s,
                        const char *path, char *err, size_t errsize, uint64_t *same, bool *replaced)
{
	static unsigned counter; /* distinct temporary names across threads of one process */
	char tmp[SNAPSHOT_PATH_MAX + 64];
	int fd = -1;
	struct stat sb;
	if (lstat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) { /* made since the start */
		snprintf(err, errsize, "%s is no longer a regular file: not replaced", path);
		return false;
	}
	for (int tries = 0; fd < 0 && tries < 100; tries++) {
		unsigned k = __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
		if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld.%u", path, (long)getpid(), k) >=
		    (int)sizeof(tmp)) {
			errno = ENAMETOOLONG;
			break;
		}
		/* 0600: it holds callers' numbers, like the journal */
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		snprintf(err, errsize, "cannot create a temporary file beside %s: %s", path,
		         strerror(errno));
		return false;
	}
	d->fd = fd;
	d->hash = 0;
	d->written = 0;
	if (render(d, st, s))
		put(d, "\n", 1);
	flush(d, 0);
	d->fd = -1;
	bool ok = d->ok;
	int saved = d->error;
	if (replaced)
		*replaced = false;
	if (ok && same && *same == d->hash) { /* the same text: the file in place says it all */
		close(fd);
		unlink(tmp);
		return true;
	}
	if (!commit_temp(fd, tmp, path, ok, saved, err, errsize)) {
		if (!ok && !saved)
			snprintf(err, errsize, "snapshot: out of memory");
		return false;
	}
	if (same)
		*same = d->hash;
	if (replaced)
		*replaced = true;
	return true;
}

bool snapshot_write(const struct model_state *st, const struct settings *s, const char *path,
                    char *err, size_t errsize)
{
	struct doc d = {.fd = -1};
	bool ok = write_state(&d, st, s, path, err, errsize, NULL, NULL);
	jsonbuf_free(&d.text);
	return ok;
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
	struct doc doc;          /* the text, its buffer kept from one write to the next */
	uint64_t seen;
	bool pending;       /* the model moved since the last write */
	uint64_t hash;      /* of the document in place */
	size_t size;        /* its size */
	int64_t written_ns; /* monotonic time of the last write */
	bool failed;        /* the last write failed */
	char error[256];    /* and why: reported at stop if the final write fails too */
};

/* Write the model when it moved and its document changed (a large document at most once a
 * second), when the last write is older than the heartbeat, or always when force. The model
 * is copied only when a write may follow. */
static void writer_step(struct snapshot_writer *w, bool force)
{
	int64_t now = mono_now_ns();
	bool heartbeat = now - w->written_ns >= HEARTBEAT_NS;
	if (!force && !heartbeat && w->size > LARGE_BYTES && now - w->written_ns < LARGE_GAP_NS)
		return;
	if (model_view(w->m, &w->view, &w->seen))
		w->pending = true;
	if (!force && !heartbeat && !w->pending)
		return;
	char err[256];
	bool replaced;
	w->failed = !write_state(&w->doc, &w->view, &w->set, w->path, err, sizeof(err),
	                         force || heartbeat ? NULL : &w->hash, &replaced);
	if (w->failed) {
		snprintf(w->error, sizeof(w->error), "%s", err);
		return;
	}
	w->pending = false;
	if (replaced) {
		w->hash = w->doc.hash;
		w->size = w->doc.written;
		w->written_ns = now;
	}
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

/* The file the snapshot replaces: path, or the target of the symbolic link path is (the link
 * stays). Refused: a target that is not a regular file (a device such as /dev/null, a FIFO, a
 * directory) and a link to a missing directory. */
static bool snapshot_target(const char *path, char *dst, size_t dstsize, char *err, size_t errsize)
{
	struct stat sb;
	const char *given = path;
	if (!text_copy(dst, dstsize, path)) {
		snprintf(err, errsize, "snapshot: file name too long");
		return false;
	}
	/* each link in turn (realpath() would refuse a link to a file not made yet) */
	for (int hops = 0; lstat(dst, &sb) == 0 && S_ISLNK(sb.st_mode); hops++) {
		char target[SNAPSHOT_PATH_MAX];
		ssize_t n = readlink(dst, target, sizeof target - 1);
		if (n <= 0 || hops == 40) {
			snprintf(err, errsize,
			         "--snapshot %s: a symbolic link that cannot be followed", given);
			return false;
		}
		target[n] = '\0';
		/* a relative target is beside the link: keep the link's directory */
		const char *slash = strrchr(dst, '/');
		size_t keep = target[0] == '/' || !slash ? 0 : (size_t)(slash + 1 - dst);
		if (keep + (size_t)n >= dstsize) {
			snprintf(err, errsize, "--snapshot %s: the link's target name is too long",
			         given);
			return false;
		}
		memcpy(dst + keep, target, (size_t)n + 1);
	}
	if (stat(dst, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		snprintf(err, errsize,
		         "--snapshot %s: not a regular file (%s): the snapshot never replaces one",
		         given,
		         S_ISDIR(sb.st_mode)                          ? "a directory"
		         : S_ISFIFO(sb.st_mode)                       ? "a FIFO"
		         : S_ISCHR(sb.st_mode) || S_ISBLK(sb.st_mode) ? "a device"
		                                                      : "not a plain file");
		return false;
	}
	return true;
}

struct snapshot_writer *snapshot_writer_start(struct model *m, const char *path, int interval_ms,
                                              char *err, size_t errsize)
{
	char target[SNAPSHOT_PATH_MAX];
	if (!path || !path[0] || strlen(path) >= SNAPSHOT_PATH_MAX) {
		snprintf(err, errsize, "snapshot: bad file name");
		return NULL;
	}
	if (!snapshot_target(path, target, sizeof target, err, errsize))
		return NULL;
	path = target;
	struct snapshot_writer *w = calloc(1, sizeof(*w));
	if (!w) {
		snprintf(err, errsize, "snapshot: out of memory");
		return NULL;
	}
	w->m = m;
	w->doc.fd = -1;
	snprintf(w->path, sizeof(w->path), "%s", path);
	w->interval_ms = interval_ms > 0 ? interval_ms : 250;
	w->seen = UINT64_MAX; /* the first view always copies */
	w->set = *model_settings(m);
	/* A first write now, so that a path that cannot be written is an error at start. */
	model_view(m, &w->view, &w->seen);
	if (!write_state(&w->doc, &w->view, &w->set, w->path, err, errsize, NULL, NULL)) {
		state_free(&w->view);
		jsonbuf_free(&w->doc.text);
		free(w);
		return NULL;
	}
	w->written_ns = mono_now_ns();
	w->hash = w->doc.hash;
	w->size = w->doc.written;
	cond_init_monotonic(&w->cond);
	pthread_mutex_init(&w->lock, NULL);
	int rc = thread_start(&w->thread, writer_main, w);
	if (rc != 0) {
		snprintf(err, errsize, "snapshot: cannot start a thread: %s", strerror(rc));
		pthread_cond_destroy(&w->cond);
		pthread_mutex_destroy(&w->lock);
		state_free(&w->view);
		jsonbuf_free(&w->doc.text);
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
	jsonbuf_free(&w->doc.text);
	free(w);
}
