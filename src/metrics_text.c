/* metrics_text.c: the model's figures in Prometheus' text exposition format. No floating
 * point: ratios and seconds are printed from integers, so no locale can change a digit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_state.h"
#include "array.h"
#include "callbacks.h"
#include "clock.h"
#include "jsonbuf.h"
#include "metrics.h"
#include "model.h"
#include "names.h"
#include "stats.h"
#include "text.h"

static void put(struct jsonbuf *b, const char *s)
{
	jsonbuf_put(b, s, strlen(s));
}

/* The # HELP and # TYPE lines of a metric family. */
static void family(struct jsonbuf *b, const char *name, const char *type, const char *help)
{
	put(b, "# HELP ");
	put(b, name);
	put(b, " ");
	put(b, help);
	put(b, "\n# TYPE ");
	put(b, name);
	put(b, " ");
	put(b, type);
	put(b, "\n");
}

/* A label value, escaped: backslash, double quote and line feed. */
static void label_value(struct jsonbuf *b, const char *v)
{
	for (const char *p = v; *p; p++) {
		if (*p == '\\')
			put(b, "\\\\");
		else if (*p == '"')
			put(b, "\\\"");
		else if (*p == '\n')
			put(b, "\\n");
		else
			jsonbuf_put(b, p, 1);
	}
}

/* name{k1="v1",k2="v2"} : labels are pairs of key and value, NULL-terminated. */
static void sample_start(struct jsonbuf *b, const char *name, const char *const *labels)
{
	put(b, name);
	if (labels && labels[0]) {
		put(b, "{");
		for (int i = 0; labels[i]; i += 2) {
			if (i)
				put(b, ",");
			put(b, labels[i]);
			put(b, "=\"");
			label_value(b, labels[i + 1]);
			put(b, "\"");
		}
		put(b, "}");
	}
	put(b, " ");
}

static void sample_int(struct jsonbuf *b, const char *name, const char *const *labels, int64_t v)
{
	sample_start(b, name, labels);
	jsonbuf_int(b, v);
	put(b, "\n");
}

/* v / div with its decimals (div a power of ten: 1000 for per-mille, 1e9 for ns). */
static void sample_fixed(struct jsonbuf *b, const char *name, const char *const *labels, int64_t v,
                         int64_t div, int digits)
{
	char frac[24];
	sample_start(b, name, labels);
	if (v < 0) {
		put(b, "-");
		v = -v;
	}
	jsonbuf_int(b, v / div);
	snprintf(frac, sizeof frac, ".%0*lld", digits, (long long)(v % div));
	put(b, frac);
	put(b, "\n");
}

/* The name of a queue or line: its description, else the names file's, else empty. */
static const char *name_of(const char *description, const struct names *names, const char *number)
{
	if (description[0])
		return description;
	const char *n = names_lookup(names, number);
	return n ? n : "";
}

/* Agents of a queue by status. Where the OVH API (or the demo) gives their live statuses, the
 * counts every view shows (api_count_agents): available, on_call, on_break, logged_out. Else
 * from the events: on a call, else the last status the queue gave (the first
 * METRICS_STATUSES - 1 distinct ones; the rest are "other"), else unknown. */
static void count_agents(struct metrics_queue *mq, const struct queue *q,
                         const struct api_status *api)
{
	struct api_agent_counts n;
	api_count_agents(api, q->number, NULL, &n);
	if (n.available + n.on_call + n.on_break + n.logged_out > 0) {
		const char *names[] = {"available", "on_call", "on_break", "logged_out"};
		const int counts[] = {n.available, n.on_call, n.on_break, n.logged_out};
		for (int i = 0; i < 4; i++) {
			text_copy(mq->status[i], sizeof mq->status[i], names[i]);
			mq->agents[i] = counts[i];
		}
		mq->nstatus = 4;
		return;
	}
	mq->nstatus = 0;
	for (size_t a = 0; a < q->nagents; a++) {
		const struct agent *ag = &q->agents[a];
		const char *st = ag->on_call ? "on_call" : ag->status[0] ? ag->status : "unknown";
		int i = 0;
		while (i < mq->nstatus && strcmp(mq->status[i], st) != 0)
			i++;
		if (i == mq->nstatus && i == METRICS_STATUSES - 1) {
			st = "other";
			i = 0;
			while (i < mq->nstatus && strcmp(mq->status[i], st) != 0)
				i++;
		}
		if (i == mq->nstatus) {
			text_copy(mq->status[i], sizeof mq->status[i], st);
			mq->agents[i] = 0;
			mq->nstatus++;
		}
		mq->agents[i]++;
	}
}

bool metrics_collect(struct metrics_figures *f, const struct model_state *st,
                     const struct settings *s, const struct names *names, int64_t now_ns)
{
	f->nqueues = f->nlines = 0;
	if (!array_grow((void **)&f->queues, &f->cap_queues, st->nqueues, sizeof *f->queues) ||
	    !array_grow((void **)&f->lines, &f->cap_lines, st->nlines, sizeof *f->lines))
		return false;
	for (size_t i = 0; i < st->nqueues; i++) {
		const struct queue *q = &st->queues[i];
		struct metrics_queue *mq = &f->queues[f->nqueues++];
		text_copy(mq->number, sizeof mq->number, q->number);
		text_copy(mq->name, sizeof mq->name, name_of(q->description, names, q->number));
		queue_stats(q, s, now_ns / NS_PER_S, &mq->qs);
		count_agents(mq, q, &st->api);
	}
	for (size_t i = 0; i < st->nlines; i++) {
		const struct line *l = &st->lines[i];
		struct metrics_line *ml = &f->lines[f->nlines++];
		text_copy(ml->number, sizeof ml->number, l->number);
		text_copy(ml->name, sizeof ml->name, name_of(l->description, names, l->number));
		ml->nringing = l->nringing;
		ml->nactive = l->nactive;
		ml->state = line_state(l);
	}
	f->nfeeds = st->nfeeds < FEEDS_MAX ? st->nfeeds : FEEDS_MAX;
	memcpy(f->feeds, st->feeds, f->nfeeds * sizeof *f->feeds);
	f->fstats = st->fstats;
	f->counters = st->counters;
	f->hooks = st->hooks;
	f->callbacks_open = callbacks_to_call(&st->callbacks);
	f->callbacks_open_short = st->callbacks.nopen_short;
	memset(f->alerts, 0, sizeof f->alerts);
	for (size_t i = 0; i < st->alerts.count; i++)
		if (st->alerts.items[i].level <= ALERT_CRIT)
			f->alerts[st->alerts.items[i].level]++;
	f->day_start_s = st->day_start_s;
	f->wall_ns = wall_now_ns();
	return true;
}

void metrics_figures_free(struct metrics_figures *f)
{
	free(f->queues);
	free(f->lines);
	memset(f, 0, sizeof *f);
}

static void queue_metrics(struct jsonbuf *b, const struct metrics_figures *f)
{
	static const char *const outcomes[] = {"offered", "answered", "abandoned",
	                                       "short_abandoned", "timed_out"};
	static const char *const families[][3] = {
	    {"ctiboard_queue_callers_waiting", "gauge", "Callers waiting in the queue now."},
	    {"ctiboard_queue_longest_wait_seconds", "gauge",
	     "Wait of the oldest caller not yet with an agent."},
	    {"ctiboard_queue_calls_today", "gauge",
	     "Callers of the queue since the start of today, by outcome (reset daily)."},
	    {"ctiboard_queue_service_level_ratio", "gauge",
	     "Answered within the target over the formula's denominator, today."},
	    {"ctiboard_queue_abandon_ratio", "gauge",
	     "Abandoned over answered plus abandoned, today."},
	    {"ctiboard_queue_average_wait_seconds", "gauge",
	     "Mean wait of answered callers, today."},
	    {"ctiboard_queue_average_talk_seconds", "gauge",
	     "Mean talk time of agent calls, today."},
	    {"ctiboard_queue_agents", "gauge", "Agents known to the queue, by status."},
	};
	for (size_t fam = 0; fam < sizeof families / sizeof families[0]; fam++) {
		const char *m = families[fam][0];
		family(b, m, families[fam][1], families[fam][2]);
		for (size_t i = 0; i < f->nqueues; i++) {
			const struct metrics_queue *mq = &f->queues[i];
			const struct queue_stats *qs = &mq->qs;
			const char *l[] = {"queue", mq->number, "name", mq->name, NULL, NULL, NULL};
			switch (fam) {
			case 0: sample_int(b, m, l, qs->waiting); break;
			case 1: sample_int(b, m, l, qs->longest_wait_s); break;
			case 2: {
				const uint32_t v[] = {qs->offered, qs->answered, qs->abandoned,
				                      qs->short_abandoned, qs->timed_out};
				l[4] = "outcome";
				for (size_t o = 0; o < sizeof v / sizeof v[0]; o++) {
					l[5] = outcomes[o];
					sample_int(b, m, l, v[o]);
				}
				break;
			}
			case 3:
				if (qs->service_level_pm >= 0)
					sample_fixed(b, m, l, qs->service_level_pm, 1000, 3);
				break;
			case 4:
				if (qs->abandon_rate_pm >= 0)
					sample_fixed(b, m, l, qs->abandon_rate_pm, 1000, 3);
				break;
			case 5:
				if (qs->avg_wait_s >= 0)
					sample_int(b, m, l, qs->avg_wait_s);
				break;
			case 6:
				if (qs->avg_talk_s >= 0)
					sample_int(b, m, l, qs->avg_talk_s);
				break;
			default:
				l[4] = "status";
				for (int k = 0; k < mq->nstatus; k++) {
					l[5] = mq->status[k];
					sample_int(b, m, l, mq->agents[k]);
				}
				break;
			}
		}
	}
}

static void line_metrics(struct jsonbuf *b, const struct metrics_figures *f)
{
	int64_t by_state[3] = {0};
	for (size_t i = 0; i < f->nlines; i++)
		by_state[f->lines[i].state]++;
	family(b, "ctiboard_lines", "gauge", "Lines by state: idle, ringing, in_call.");
	for (int s = 0; s < 3; s++) {
		const char *l[] = {"state", line_state_name((enum line_state)s), NULL};
		sample_int(b, "ctiboard_lines", l, by_state[s]);
	}
	family(b, "ctiboard_line_calls", "gauge",
	       "Calls in progress on a line, ringing or answered.");
	for (size_t i = 0; i < f->nlines; i++) {
		const struct metrics_line *ml = &f->lines[i];
		const char *l[] = {"line", ml->number, "name", ml->name, "state", "ringing", NULL};
		sample_int(b, "ctiboard_line_calls", l, ml->nringing);
		l[5] = "in_call";
		sample_int(b, "ctiboard_line_calls", l, ml->nactive);
	}
}

static void feed_metrics(struct jsonbuf *b, const struct metrics_figures *f)
{
	family(b, "ctiboard_feed_up", "gauge",
	       "1 when the feed of a token is live, 0 when connecting, backing off, rejected or "
	       "stale.");
	for (size_t i = 0; i < f->nfeeds; i++) {
		const char *l[] = {"feed", f->feeds[i].label, NULL};
		sample_int(b, "ctiboard_feed_up", l, f->feeds[i].state == FEED_LIVE);
	}
	family(b, "ctiboard_feed_last_event_age_seconds", "gauge",
	       "Time since the feed of a token last brought an event.");
	for (size_t i = 0; i < f->nfeeds; i++) {
		const struct feed_status *fd = &f->feeds[i];
		const char *l[] = {"feed", fd->label, NULL};
		if (fd->last_event_ns)
			sample_int(b, "ctiboard_feed_last_event_age_seconds", l,
			           f->wall_ns > fd->last_event_ns
			               ? (f->wall_ns - fd->last_event_ns) / NS_PER_S
			               : 0);
	}
	const struct feed_stats *fs = &f->fstats;
	family(b, "ctiboard_feed_latency_seconds", "histogram",
	       "Delay from an event's Timestamp to its reception, live feeds.");
	for (int i = 0; i < LATENCY_BUCKETS; i++) {
		char le[24];
		int ms = latency_bucket_ms[i];
		snprintf(le, sizeof le, "%d.%03d", ms / 1000, ms % 1000);
		/* as the client libraries write them: 0.05, 0.25, 1, 2.5 */
		size_t n = strlen(le);
		while (le[n - 1] == '0')
			le[--n] = '\0';
		if (le[n - 1] == '.')
			le[n - 1] = '\0';
		const char *l[] = {"le", le, NULL};
		sample_int(b, "ctiboard_feed_latency_seconds_bucket", l,
		           (int64_t)fs->latency_le[i]);
	}
	const char *inf[] = {"le", "+Inf", NULL};
	sample_int(b, "ctiboard_feed_latency_seconds_bucket", inf, (int64_t)fs->latency_count);
	sample_fixed(b, "ctiboard_feed_latency_seconds_sum", NULL, fs->latency_sum_ns, NS_PER_S, 9);
	sample_int(b, "ctiboard_feed_latency_seconds_count", NULL, (int64_t)fs->latency_count);

	family(b, "ctiboard_events_total", "counter", "Events applied to the model, by kind.");
	for (int k = 0; k < EV_KIND_COUNT; k++) {
		const char *l[] = {"kind", event_kind_name((enum event_kind)k), NULL};
		sample_int(b, "ctiboard_events_total", l, (int64_t)fs->by_kind[k]);
	}
	family(b, "ctiboard_events_rejected_total", "counter",
	       "Events not applied: malformed, duplicate, or refused by a bound.");
	const char *const reasons[] = {"malformed", "duplicate", "dropped"};
	const uint64_t counts[] = {f->counters.malformed, f->counters.duplicates,
	                           f->counters.dropped};
	for (int r = 0; r < 3; r++) {
		const char *l[] = {"reason", reasons[r], NULL};
		sample_int(b, "ctiboard_events_rejected_total", l, (int64_t)counts[r]);
	}
	family(b, "ctiboard_journal_lines_lost_total", "counter",
	       "Journal lines that could not be written.");
	sample_int(b, "ctiboard_journal_lines_lost_total", NULL, (int64_t)f->counters.journal_lost);
}

static void other_metrics(struct jsonbuf *b, const struct metrics_figures *f)
{
	family(
	    b, "ctiboard_callbacks_open", "gauge",
	    "Callers to call back: they left a queue unanswered, not reached yet, short abandons "
	    "apart (the header's count).");
	sample_int(b, "ctiboard_callbacks_open", NULL, (int64_t)f->callbacks_open);
	family(b, "ctiboard_callbacks_open_short_abandons", "gauge",
	       "Open callbacks not counted in ctiboard_callbacks_open: every try a short abandon.");
	sample_int(b, "ctiboard_callbacks_open_short_abandons", NULL,
	           (int64_t)f->callbacks_open_short);

	family(b, "ctiboard_alerts", "gauge",
	       "Active alerts by level, from the one alert list every view reads.");
	for (int l = ALERT_WARN; l <= ALERT_CRIT; l++) {
		const char *lv[] = {"level", alert_level_name((enum alert_level)l), NULL};
		sample_int(b, "ctiboard_alerts", lv, f->alerts[l]);
	}

	static const char *const kinds[HOOK_KINDS] = {"ring", "alert"};
	family(b, "ctiboard_hook_notifications_total", "counter",
	       "Screen-pops and alert notifications, by result: sent, failed, dropped.");
	for (int k = 0; k < HOOK_KINDS; k++) {
		const char *l[] = {"hook", kinds[k], "result", "sent", NULL};
		sample_int(b, "ctiboard_hook_notifications_total", l, (int64_t)f->hooks.sent[k]);
		l[3] = "failed";
		sample_int(b, "ctiboard_hook_notifications_total", l, (int64_t)f->hooks.failed[k]);
		l[3] = "dropped";
		sample_int(b, "ctiboard_hook_notifications_total", l, (int64_t)f->hooks.dropped[k]);
	}
	family(b, "ctiboard_day_start_timestamp_seconds", "gauge",
	       "Start of \"today\" for the daily figures, Unix time.");
	sample_int(b, "ctiboard_day_start_timestamp_seconds", NULL, f->day_start_s);
	family(b, "ctiboard_build_info", "gauge", "The program's version.");
	const char *l[] = {"version", CTIBOARD_VERSION, NULL};
	sample_int(b, "ctiboard_build_info", l, 1);
}

void metrics_render(struct jsonbuf *out, const struct metrics_figures *f)
{
	out->len = 0;
	out->failed = false;
	if (out->data)
		out->data[0] = '\0';
	queue_metrics(out, f);
	line_metrics(out, f);
	feed_metrics(out, f);
	other_metrics(out, f);
}
