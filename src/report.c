/* report.c: a range of days through the model, read day by day, printed as tables and charts. */
#include "report.h"

#define _GNU_SOURCE /* getline */
#include <cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent_status.h"
#include "callbacks.h"
#include "chart.h"
#include "clock.h"
#include "collate.h"
#include "journal.h"
#include "json_arena.h"
#include "model.h"
#include "series.h"
#include "settings.h"
#include "stats.h"
#include "table.h"
#include "text.h"

/* ---- what each day leaves ---- */

struct day_queue {
	char day[11];
	char number[NUM_MAX];
	char name[TEXT_MAX];
	int64_t day_s;
	struct day_series series;
};

struct day_line {
	char day[11];
	char number[NUM_MAX];
	char name[TEXT_MAX];
	struct line_today today;
};

struct day_agent {
	char day[11];
	char number[NUM_MAX];
	char name[TEXT_MAX];
	uint32_t taken, offers_not_taken;
	int64_t talk_s;
	char queues[CELL_TEXT_MAX]; /* the queue numbers, space-separated */
	bool have_status;           /* the OVH API's statuses cover some of this day */
	int64_t break_s, logged_in_s;
};

struct gather {
	const struct report_request *rq;
	struct day_queue *queues;
	size_t nqueues, cap_queues;
	struct day_line *lines;
	size_t nlines, cap_lines;
	struct day_agent *agents;
	size_t nagents, cap_agents;
	char first_day[11], last_day[11]; /* of the days taken */
	bool failed;                      /* out of memory */
};

/* Room for one more element in a growing array; false when out of memory. */
static bool room(void **v, size_t n, size_t *cap, size_t elem)
{
	if (n < *cap)
		return true;
	size_t c = *cap ? *cap * 2 : 32;
	void *p = realloc(*v, c * elem);
	if (!p)
		return false;
	*v = p;
	*cap = c;
	return true;
}

/* The local date a day is known by: the date at its middle, so that a shift starting late
 * the evening before carries the date of the day it mostly covers. */
static void day_label(char dst[11], int64_t day_s)
{
	time_t t = (time_t)(day_s + 12 * 3600);
	struct tm tm;
	if (!localtime_r(&t, &tm) || strftime(dst, 11, "%Y-%m-%d", &tm) == 0)
		text_copy(dst, 11, "?");
}

static bool in_range(const struct report_request *rq, const char *day)
{
	return (!rq->from[0] || strcmp(day, rq->from) >= 0) &&
	       (!rq->to[0] || strcmp(day, rq->to) <= 0);
}

static bool line_active(const struct line_today *t)
{
	return t->calls_in || t->calls_out || t->answered || t->missed || t->talk_s;
}

static struct day_agent *agent_row(struct gather *g, const char *day, const char *number)
{
	for (size_t i = g->nagents; i-- > 0 && strcmp(g->agents[i].day, day) == 0;)
		if (strcmp(g->agents[i].number, number) == 0)
			return &g->agents[i];
	if (!room((void **)&g->agents, g->nagents, &g->cap_agents, sizeof *g->agents))
		return NULL;
	struct day_agent *a = &g->agents[g->nagents];
	memset(a, 0, sizeof *a);
	g->nagents++;
	text_copy(a->day, sizeof a->day, day);
	text_copy(a->number, sizeof a->number, number);
	return a;
}

/* Callers still waiting when the day (or the input) ended: each one's wait up to then counts
 * in the longest wait of their interval, as the console's worst wait counts it. */
static void add_still_waiting(struct day_series *ds, const struct queue *q,
                              const struct model_state *st, int interval_min)
{
	int64_t end_s = st->clock.event_ns / NS_PER_S;
	for (size_t i = 0; i < q->nmembers; i++) {
		const struct member *mb = &q->members[i];
		if (mb->state == MEMBER_WITH_AGENT || mb->joined_s <= 0 || mb->joined_s > end_s)
			continue;
		struct interval_counts *c =
		    series_slot(ds, interval_min, st->day_start_s, mb->joined_s);
		if (c && end_s - mb->joined_s > c->worst_wait_s)
			c->worst_wait_s = end_s - mb->joined_s;
	}
}

/* The model's day is over (or the input is): keep what the report needs of it. */
static void take_day(void *ctx, const struct model_state *st)
{
	struct gather *g = ctx;
	char day[11];
	if (!st->day_start_s)
		return;
	day_label(day, st->day_start_s);
	if (!in_range(g->rq, day))
		return;
	if (!g->first_day[0] || strcmp(day, g->first_day) < 0)
		text_copy(g->first_day, sizeof g->first_day, day);
	if (strcmp(day, g->last_day) > 0)
		text_copy(g->last_day, sizeof g->last_day, day);
	for (size_t i = 0; i < st->nqueues; i++) {
		const struct queue *q = &st->queues[i];
		if (q->day.slots && q->today.offered) {
			if (!room((void **)&g->queues, g->nqueues, &g->cap_queues,
			          sizeof *g->queues)) {
				g->failed = true;
				return;
			}
			struct day_queue *d = &g->queues[g->nqueues];
			memset(d, 0, sizeof *d);
			if (!series_copy(&d->series, &q->day)) {
				g->failed = true;
				return;
			}
			g->nqueues++;
			add_still_waiting(&d->series, q, st, g->rq->set.interval_min);
			text_copy(d->day, sizeof d->day, day);
			text_copy(d->number, sizeof d->number, q->number);
			text_copy(d->name, sizeof d->name, q->description);
			d->day_s = st->day_start_s;
		}
		for (size_t k = 0; k < q->nagents; k++) {
			const struct agent *ag = &q->agents[k];
			if (!ag->taken_today && !ag->offers_not_taken_today && !ag->talk_today_s)
				continue;
			struct day_agent *a = agent_row(g, day, ag->number);
			if (!a) {
				g->failed = true;
				return;
			}
			a->taken += ag->taken_today;
			a->offers_not_taken += ag->offers_not_taken_today;
			a->talk_s += ag->talk_today_s;
			if (!a->name[0]) {
				const struct line *l = state_find_line(st, ag->number);
				if (l)
					text_copy(a->name, sizeof a->name, l->description);
			}
			size_t len = strlen(a->queues);
			if (len + 1 + strlen(q->number) < sizeof a->queues)
				text_join(a->queues + len, sizeof a->queues - len, len ? " " : "",
				          q->number);
		}
	}
	for (size_t i = 0; i < st->nlines; i++) {
		const struct line *l = &st->lines[i];
		if (!line_active(&l->today))
			continue;
		if (!room((void **)&g->lines, g->nlines, &g->cap_lines, sizeof *g->lines)) {
			g->failed = true;
			return;
		}
		struct day_line *d = &g->lines[g->nlines++];
		text_copy(d->day, sizeof d->day, day);
		text_copy(d->number, sizeof d->number, l->number);
		text_copy(d->name, sizeof d->name, l->description);
		d->today = l->today;
	}
}

/* ---- the agents' statuses (OVH API, agent_status.h): time on break and logged in ---- */

/* A status line, with what its file covers: its day, up to its last line. A status holds from
 * when it began or its file's day began, whichever is later: a new day's file journals every
 * agent's status again, begun the day before, and that day is its own file's to count. */
struct status_entry {
	struct agent_status_line a;
	int64_t start_s; /* max(its t, the start of its file's day) */
	int64_t file_end_s;
	size_t order; /* its place in the input */
};

struct statuses {
	struct status_entry *v;
	size_t n, cap;
};

/* Every agent_status line of the file (other lines are the replay's); the file covers the
 * times from file_start_s (its day's start) to file_end_s (its last line). */
static void read_statuses(const char *path, int64_t file_start_s, int64_t file_end_s,
                          struct statuses *st, FILE *err)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	if (!f)
		return; /* the replay said why */
	while ((got = getline(&line, &cap, f)) >= 0) {
		if (!agent_status_is_journal_line(line, (size_t)got))
			continue;
		if (!room((void **)&st->v, st->n, &st->cap, sizeof *st->v)) {
			fputs("ctiboard report: out of memory\n", err);
			break;
		}
		struct status_entry *e = &st->v[st->n];
		if (agent_status_parse(line, (size_t)got, &e->a)) {
			e->start_s = e->a.t_s > file_start_s ? e->a.t_s : file_start_s;
			e->file_end_s = file_end_s;
			e->order = st->n++;
		}
	}
	free(line);
	fclose(f);
}

/* By agent, then by the time the status holds from, then in the input's order. */
static int status_order(const void *pa, const void *pb)
{
	const struct status_entry *a = pa, *b = pb;
	int d = strcmp(a->a.agent, b->a.agent);
	if (d)
		return d;
	if (a->start_s != b->start_s)
		return a->start_s < b->start_s ? -1 : 1;
	return (a->order > b->order) - (a->order < b->order);
}

/* The row of the agent on the day, made (with what the status line knows) if missing. */
static struct day_agent *status_row(struct gather *g, const char *day,
                                    const struct agent_status_line *a)
{
	for (size_t i = 0; i < g->nagents; i++)
		if (strcmp(g->agents[i].day, day) == 0 &&
		    strcmp(g->agents[i].number, a->agent) == 0)
			return &g->agents[i];
	if (!room((void **)&g->agents, g->nagents, &g->cap_agents, sizeof *g->agents))
		return NULL;
	struct day_agent *r = &g->agents[g->nagents];
	memset(r, 0, sizeof *r);
	g->nagents++;
	text_copy(r->day, sizeof r->day, day);
	text_copy(r->number, sizeof r->number, a->agent);
	text_copy(r->queues, sizeof r->queues, a->queue);
	return r;
}

/* Add the time from from_s to to_s in status a to the agent's days, cut at each day's start. */
static void add_status_time(struct gather *g, const struct agent_status_line *a, int64_t from_s,
                            int64_t to_s)
{
	int shift = g->rq->set.shift_start_min;
	bool on_break = strcmp(a->status, "onBreak") == 0;
	bool logged_in = strcmp(a->status, "loggedOut") != 0;
	while (from_s < to_s && !g->failed) {
		int64_t day_s = day_start_for(from_s, shift);
		int64_t next_s = day_start_for(day_s + 36 * 3600, shift);
		int64_t end_s = next_s < to_s ? next_s : to_s;
		char day[11];
		day_label(day, day_s);
		if (in_range(g->rq, day)) {
			struct day_agent *r = status_row(g, day, a);
			if (!r) {
				g->failed = true;
				return;
			}
			r->have_status = true;
			if (!r->name[0])
				text_copy(r->name, sizeof r->name, a->name);
			r->break_s += on_break ? end_s - from_s : 0;
			r->logged_in_s += logged_in ? end_s - from_s : 0;
		}
		from_s = next_s > from_s ? next_s : to_s;
	}
}

/* Rows by day, then name, then number: the same order whatever the range read. */
static int row_order(const char *day_a, const char *name_a, const char *number_a, const char *day_b,
                     const char *name_b, const char *number_b)
{
	int d = strcmp(day_a, day_b);
	if (!d)
		d = name_collate(name_a, name_b);
	return d ? d : strcmp(number_a, number_b);
}

static int queue_row_order(const void *pa, const void *pb)
{
	const struct day_queue *a = pa, *b = pb;
	return row_order(a->day, a->name, a->number, b->day, b->name, b->number);
}

static int line_row_order(const void *pa, const void *pb)
{
	const struct day_line *a = pa, *b = pb;
	return row_order(a->day, a->name, a->number, b->day, b->name, b->number);
}

static int agent_row_order(const void *pa, const void *pb)
{
	const struct day_agent *a = pa, *b = pb;
	return row_order(a->day, a->name, a->number, b->day, b->name, b->number);
}

/* Each kind of row in its order, once everything is gathered. */
static void sort_rows(struct gather *g)
{
	if (g->nqueues) /* qsort's array may not be NULL, even empty */
		qsort(g->queues, g->nqueues, sizeof *g->queues, queue_row_order);
	if (g->nlines)
		qsort(g->lines, g->nlines, sizeof *g->lines, line_row_order);
	if (g->nagents)
		qsort(g->agents, g->nagents, sizeof *g->agents, agent_row_order);
}

/* Each status holds from its start (or its file's) until the agent's next one, and at most
 * until the last line of the file it was read from: after that the journal knows nothing (the
 * program was stopped, or that is now). The journal's own times rule, not this clock's: a demo
 * journal of a day still to come counts as well. The days counted begin with the day each agent's
 * first status line was journalled: before, the journal knows nothing of the agent. */
static void apply_statuses(struct gather *g, struct statuses *st)
{
	if (st->n == 0)
		return;
	qsort(st->v, st->n, sizeof *st->v, status_order);
	int shift = g->rq->set.shift_start_min;
	size_t first = 0;
	for (size_t i = 0; i < st->n; i++) {
		const struct agent_status_line *a = &st->v[i].a;
		if (i > 0 && strcmp(a->agent, st->v[i - 1].a.agent) != 0)
			first = i;
		/* the agent's first day in the journal */
		const struct agent_status_line *a0 = &st->v[first].a;
		int64_t seen = a0->seen_s ? a0->seen_s : a0->t_s;
		for (size_t k = first; k < st->n && strcmp(st->v[k].a.agent, a->agent) == 0; k++)
			if (st->v[k].a.seen_s && st->v[k].a.seen_s < seen)
				seen = st->v[k].a.seen_s;
		int64_t start_s = day_start_for(seen, shift);
		bool last = i + 1 == st->n || strcmp(st->v[i + 1].a.agent, a->agent) != 0;
		int64_t from_s = st->v[i].start_s > start_s ? st->v[i].start_s : start_s;
		int64_t to_s = st->v[i].file_end_s;
		if (!last && st->v[i + 1].start_s < to_s)
			to_s = st->v[i + 1].start_s;
		add_status_time(g, a, from_s, to_s);
	}
}

static void gather_free(struct gather *g)
{
	for (size_t i = 0; i < g->nqueues; i++)
		series_free(&g->queues[i].series);
	free(g->queues);
	free(g->lines);
	free(g->agents);
}

/* ---- tables ---- */

static const struct column queue_cols[] = {
    {"day", "Day", COL_TEXT},
    {"queue", "Queue", COL_TEXT},
    {"name", "Name", COL_TEXT},
    {"offered", "Offered", COL_COUNT},
    {"answered", "Answered", COL_COUNT},
    {"abandoned", "Abandoned", COL_COUNT},
    {"short_abandoned", "Short", COL_COUNT},
    {"timed_out", "Timed out", COL_COUNT},
    {"left_by_key", "By key", COL_COUNT},
    {"other", "Other", COL_COUNT},
    {"abandon_rate", "Aband.", COL_RATE},
    {"service_level", "SL", COL_RATE},
    {"sl_target_s", "SL target", COL_SECONDS},
    {"avg_wait_s", "Avg wait", COL_SECONDS},
    {"avg_talk_s", "Avg talk", COL_SECONDS},
    {"longest_wait_s", "Longest", COL_SECONDS},
};

/* One row of queue figures from summed counts, with their service-level target (-1: the
 * queues summed have different ones). */
static void queue_row(struct table *t, const struct settings *s, const char *day,
                      const char *number, const char *name, const struct interval_counts *c,
                      int target_s)
{
	struct cell *r = table_row(t);
	if (!r)
		return;
	struct queue_stats qs;
	series_stats(c, s, &qs);
	cell_text(&r[0], day);
	cell_text(&r[1], number);
	cell_text(&r[2], name);
	cell_int(&r[3], c->offered);
	cell_int(&r[4], c->answered);
	cell_int(&r[5], c->abandoned);
	cell_int(&r[6], c->short_abandoned);
	cell_int(&r[7], c->timed_out);
	cell_int(&r[8], c->left_by_key);
	cell_int(&r[9], qs.other);
	cell_int_or_null(&r[10], qs.abandon_rate_pm);
	cell_int_or_null(&r[11], qs.service_level_pm);
	cell_int_or_null(&r[12], target_s);
	cell_int_or_null(&r[13], qs.avg_wait_s);
	cell_int_or_null(&r[14], qs.avg_talk_s);
	cell_int(&r[15], c->worst_wait_s);
}

static void add_counts(struct interval_counts *sum, const struct interval_counts *c)
{
	sum->offered += c->offered;
	sum->answered += c->answered;
	sum->answered_in_sl += c->answered_in_sl;
	sum->abandoned += c->abandoned;
	sum->short_abandoned += c->short_abandoned;
	sum->timed_out += c->timed_out;
	sum->left_by_key += c->left_by_key;
	sum->talks += c->talks;
	sum->wait_total_s += c->wait_total_s;
	sum->talk_total_s += c->talk_total_s;
	if (c->worst_wait_s > sum->worst_wait_s)
		sum->worst_wait_s = c->worst_wait_s;
}

/* Counts summed over queues, and the service-level target they share (-1: not one). */
struct total {
	struct interval_counts c;
	int target_s;
	bool any;
};

static void total_add(struct total *t, const struct interval_counts *c, int target_s)
{
	add_counts(&t->c, c);
	t->target_s = !t->any || t->target_s == target_s ? target_s : -1;
	t->any = true;
}

static int queue_target(const struct settings *s, const char *number)
{
	struct queue_rules r;
	settings_queue_rules(s, number, &r);
	return r.sl_target_s;
}

/* Has a queue of the report a service-level target of its own? */
static bool own_targets(const struct gather *g, const struct settings *s)
{
	for (size_t i = 0; i < g->nqueues; i++)
		if (queue_target(s, g->queues[i].number) != s->sl_target_s)
			return true;
	return false;
}

/* Per queue per day, a total per day, and a total of the range when it spans days. */
static void build_queues(struct table *t, const struct gather *g, const struct settings *s)
{
	struct total all = {0}, day_sum = {0};
	size_t days = 0;
	for (size_t i = 0; i < g->nqueues; i++) {
		const struct day_queue *d = &g->queues[i];
		struct interval_counts c;
		int target_s = queue_target(s, d->number);
		series_sum(&d->series, 0, d->series.nslots, &c);
		queue_row(t, s, d->day, d->number, d->name, &c, target_s);
		total_add(&day_sum, &c, target_s);
		total_add(&all, &c, target_s);
		if (i + 1 == g->nqueues || strcmp(g->queues[i + 1].day, d->day) != 0) {
			queue_row(t, s, d->day, "total", "All queues", &day_sum.c,
			          day_sum.target_s);
			memset(&day_sum, 0, sizeof day_sum);
			days++;
		}
	}
	if (days > 1) {
		char range[32];
		snprintf(range, sizeof range, "%s/%s", g->queues[0].day,
		         g->queues[g->nqueues - 1].day);
		queue_row(t, s, range, "total", "All queues", &all.c, all.target_s);
	}
}

static const struct column interval_cols[] = {
    {"day", "Day", COL_TEXT},
    {"queue", "Queue", COL_TEXT},
    {"name", "Name", COL_TEXT},
    {"start", "From", COL_TEXT},
    {"end", "To", COL_TEXT},
    {"offered", "Offered", COL_COUNT},
    {"answered", "Answered", COL_COUNT},
    {"abandoned", "Abandoned", COL_COUNT},
    {"service_level", "SL", COL_RATE},
    {"longest_wait_s", "Longest", COL_SECONDS},
};

static void hhmm(char dst[8], int64_t t_s)
{
	time_t t = (time_t)t_s;
	struct tm tm;
	if (!localtime_r(&t, &tm) || strftime(dst, 8, "%H:%M", &tm) == 0)
		text_copy(dst, 8, "?");
}

/* Every interval from the first to the last with callers, per queue per day. */
static void build_intervals(struct table *t, const struct gather *g, const struct settings *s)
{
	for (size_t i = 0; i < g->nqueues; i++) {
		const struct day_queue *d = &g->queues[i];
		const struct day_series *ds = &d->series;
		uint32_t first = UINT32_MAX, last = 0;
		for (uint32_t k = 0; k < ds->nslots; k++)
			if (ds->slots[k].offered) {
				if (first == UINT32_MAX)
					first = k;
				last = k;
			}
		for (uint32_t k = first; first != UINT32_MAX && k <= last; k++) {
			const struct interval_counts *c = &ds->slots[k];
			struct cell *r = table_row(t);
			if (!r)
				return;
			struct queue_stats qs;
			series_stats(c, s, &qs);
			char from[8], to[8];
			hhmm(from, d->day_s + (int64_t)k * ds->interval_s);
			hhmm(to, d->day_s + (int64_t)(k + 1) * ds->interval_s);
			if (strcmp(to, "00:00") == 0) /* the day's end, not its start */
				text_copy(to, sizeof to, "24:00");
			cell_text(&r[0], d->day);
			cell_text(&r[1], d->number);
			cell_text(&r[2], d->name);
			cell_text(&r[3], from);
			cell_text(&r[4], to);
			cell_int(&r[5], c->offered);
			cell_int(&r[6], c->answered);
			cell_int(&r[7], c->abandoned);
			cell_int_or_null(&r[8], qs.service_level_pm);
			if (c->offered) /* else empty: nobody waited */
				cell_int(&r[9], c->worst_wait_s);
		}
	}
}

static const struct column line_cols[] = {
    {"day", "Day", COL_TEXT},        {"line", "Line", COL_TEXT},
    {"name", "Name", COL_TEXT},      {"calls_in", "In", COL_COUNT},
    {"calls_out", "Out", COL_COUNT}, {"answered", "Answered", COL_COUNT},
    {"missed", "Missed", COL_COUNT}, {"talk_s", "Talk", COL_SECONDS},
};

static void build_lines(struct table *t, const struct gather *g)
{
	for (size_t i = 0; i < g->nlines; i++) {
		const struct day_line *d = &g->lines[i];
		struct cell *r = table_row(t);
		if (!r)
			return;
		cell_text(&r[0], d->day);
		cell_text(&r[1], d->number);
		cell_text(&r[2], d->name);
		cell_int(&r[3], d->today.calls_in);
		cell_int(&r[4], d->today.calls_out);
		cell_int(&r[5], d->today.answered);
		cell_int(&r[6], d->today.missed);
		cell_int(&r[7], d->today.talk_s);
	}
}

static const struct column agent_cols[] = {
    {"day", "Day", COL_TEXT},
    {"agent", "Agent", COL_TEXT},
    {"name", "Name", COL_TEXT},
    {"calls_taken", "Taken", COL_COUNT},
    {"talk_s", "Talk", COL_SECONDS},
    {"avg_talk_s", "Avg talk", COL_SECONDS},
    {"offers_not_taken", "Not taken", COL_COUNT},
    {"queues", "Queues", COL_TEXT},
    {"queue_names", "Queue names", COL_TEXT},
    {"break_s", "Break", COL_SECONDS},
    {"logged_in_s", "Logged in", COL_SECONDS},
};

/* The names of the space-separated queue numbers of an agent's day, comma-separated (a queue
 * without a name by its number). */
static void queue_names(const struct gather *g, const char *day, const char *numbers, char *dst,
                        size_t size)
{
	size_t n = 0;
	dst[0] = '\0';
	while (*numbers && n + 1 < size) {
		size_t len = strcspn(numbers, " ");
		const char *name = NULL;
		for (size_t i = 0; i < g->nqueues && !name; i++)
			if (strcmp(g->queues[i].day, day) == 0 &&
			    strncmp(g->queues[i].number, numbers, len) == 0 &&
			    g->queues[i].number[len] == '\0' && g->queues[i].name[0])
				name = g->queues[i].name;
		int w =
		    name ? snprintf(dst + n, size - n, "%s%s", n ? ", " : "", name)
		         : snprintf(dst + n, size - n, "%s%.*s", n ? ", " : "", (int)len, numbers);
		n = w > 0 && (size_t)w < size - n ? n + (size_t)w : size - 1;
		numbers += len;
		numbers += strspn(numbers, " ");
	}
}

static void build_agents(struct table *t, const struct gather *g)
{
	for (size_t i = 0; i < g->nagents; i++) {
		const struct day_agent *a = &g->agents[i];
		struct cell *r = table_row(t);
		if (!r)
			return;
		cell_text(&r[0], a->day);
		cell_text(&r[1], a->number);
		cell_text(&r[2], a->name);
		cell_int(&r[3], a->taken);
		cell_int(&r[4], a->talk_s);
		if (a->taken)
			cell_int(&r[5], (a->talk_s + a->taken / 2) / a->taken);
		cell_int(&r[6], a->offers_not_taken);
		cell_text(&r[7], a->queues);
		char names[CELL_TEXT_MAX];
		queue_names(g, a->day, a->queues, names, sizeof names);
		cell_text(&r[8], names);
		if (a->have_status) { /* else empty: the OVH API's statuses say nothing of it */
			cell_int(&r[9], a->break_s);
			cell_int(&r[10], a->logged_in_s);
		}
	}
}

static const struct column callback_cols[] = {
    {"caller", "Caller", COL_TEXT},      {"display", "Name", COL_TEXT},
    {"queue", "Queue", COL_TEXT},        {"queue_name", "Queue name", COL_TEXT},
    {"left_at", "Left at", COL_TEXT},    {"wait_s", "Waited", COL_SECONDS},
    {"outcome", "Outcome", COL_TEXT},    {"tries", "Tries", COL_COUNT},
    {"attempts", "Attempts", COL_COUNT}, {"status", "Status", COL_TEXT},
    {"closed_by", "By", COL_TEXT},       {"closed_by_name", "By name", COL_TEXT},
    {"closed_at", "At", COL_TEXT},
};

/* Local time as "2025-11-26 09:03:10": a spreadsheet reads it as a date and time. */
static void local_time(char dst[24], int64_t t_s)
{
	time_t t = (time_t)t_s;
	struct tm tm;
	if (!localtime_r(&t, &tm) || strftime(dst, 24, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		text_copy(dst, 24, "?");
}

static void build_callbacks(struct table *t, const struct report_request *rq,
                            const struct model_state *st)
{
	const struct callback_list *cb = &st->callbacks;
	size_t *order = cb->n ? malloc(cb->n * sizeof *order) : NULL;
	size_t n = order ? callbacks_order(cb, true, order) : 0;
	if (cb->n && !order)
		t->failed = true;
	for (size_t i = 0; i < n; i++) {
		const struct callback *e = &cb->entries[order[i]];
		char day[11], when[24];
		day_label(day, e->left_at_s - 12 * 3600);
		if (!in_range(rq, day))
			continue;
		struct cell *r = table_row(t);
		if (!r)
			break;
		cell_text(&r[0], e->caller);
		if (e->display[0])
			cell_text(&r[1], e->display);
		else
			cell_text(&r[1], phone_display(when, sizeof when, e->caller));
		cell_text(&r[2], e->queue);
		const struct queue *q = state_find_queue(st, e->queue);
		cell_text(&r[3], q ? q->description : "");
		local_time(when, e->left_at_s);
		cell_text(&r[4], when);
		cell_int(&r[5], e->wait_s);
		cell_text(&r[6], cb_outcome_name(e->outcome));
		cell_int(&r[7], e->tries);
		cell_int(&r[8], e->attempts);
		cell_text(&r[9], cb_status_name(e->status));
		if (e->status != CB_OPEN) {
			cell_text(&r[10], e->closed_by);
			const struct line *l = state_find_line(st, e->closed_by);
			cell_text(&r[11], l ? l->description : "");
			local_time(when, e->closed_at_s);
			cell_text(&r[12], when);
		}
	}
	free(order);
}

/* ---- output ---- */

static const char *by_name(enum report_by by)
{
	static const char *const names[] = {"queue", "agent", "line", "interval", "callback"};
	return names[by];
}

/* The chart of each queue's day, after the interval table. */
static void print_charts(const struct gather *g, const struct report_request *rq, FILE *out)
{
	enum { W = 100, H = 14 };
	struct chart_cell *grid = malloc(W * H * sizeof *grid);
	if (!grid)
		return;
	for (size_t i = 0; i < g->nqueues; i++) {
		const struct day_queue *d = &g->queues[i];
		if (!chart_layout(&d->series, d->day_s, &rq->set, rq->ascii, W, H, grid))
			continue;
		fprintf(out, "\n%s %s%s%s, per %d min\n", d->day, d->name, d->name[0] ? " " : "",
		        d->number, rq->set.interval_min);
		chart_print(grid, W, H, out);
	}
	free(grid);
}

static bool print_table(const struct table *t, const struct report_request *rq,
                        const struct gather *g, FILE *out)
{
	/* the range asked for, else the days found in the files */
	const char *from = rq->from[0] ? rq->from : g->first_day;
	const char *to = rq->to[0] ? rq->to : g->last_day;

	if (rq->format == FORMAT_CSV)
		return table_print_csv(t, out);
	if (rq->format == FORMAT_TEXT) {
		if (from[0] && to[0])
			fprintf(out, "ctiboard report by %s, %s to %s", by_name(rq->by), from, to);
		else /* files with no day in them */
			fprintf(out, "ctiboard report by %s, no day", by_name(rq->by));
		if (rq->by == BY_QUEUE || rq->by == BY_INTERVAL) {
			if (own_targets(g, &rq->set))
				fprintf(
				    out,
				    "; service level: answered within each queue's target (%d s "
				    "unless set)",
				    rq->set.sl_target_s);
			else
				fprintf(out, "; service level: answered within %d s",
				        rq->set.sl_target_s);
			fprintf(out, " / %s",
			        rq->set.sl_formula == SL_ANSWERED_ONLY ? "answered"
			                                               : "(answered + abandoned)");
		}
		fputs("\n\n", out);
		if (t->nrows == 0)
			fputs("(nothing in this range)\n", out);
		else
			table_print_text(t, out);
		if (rq->by == BY_INTERVAL)
			print_charts(g, rq, out);
		return !ferror(out);
	}
	cJSON *doc = cJSON_CreateObject();
	bool ok =
	    doc && cJSON_AddStringToObject(doc, "report", by_name(rq->by)) &&
	    (from[0] ? cJSON_AddStringToObject(doc, "from", from)
	             : cJSON_AddNullToObject(doc, "from")) &&
	    (to[0] ? cJSON_AddStringToObject(doc, "to", to) : cJSON_AddNullToObject(doc, "to")) &&
	    cJSON_AddNumberToObject(doc, "sl_target_s", rq->set.sl_target_s) &&
	    cJSON_AddNumberToObject(doc, "interval_min", rq->set.interval_min) &&
	    table_add_json(t, doc, "rows");
	char *text = ok ? cJSON_PrintUnformatted(doc) : NULL;
	if (text) {
		fputs(text, out);
		fputc('\n', out);
	}
	cJSON_free(text);
	cJSON_Delete(doc);
	return text && !ferror(out);
}

int report_run(const struct report_request *rq, FILE *out, FILE *err)
{
	struct gather g = {.rq = rq};
	struct settings set = rq->set;
	set.callback_window_h = 24 * 400; /* every entry of the range stays */
	set.journal = false;
	struct model *m = model_new(&set);
	if (!m) {
		fputs("ctiboard report: out of memory\n", err);
		return 1;
	}
	model_set_source(m, "report", true, 0);
	model_set_report_mode(m);
	model_set_day_end(m, take_day, &g);
	size_t read = 0;
	uint64_t bad_lines = 0;
	bool untold = false; /* bad lines past those named of a file */
	struct statuses statuses = {0};
	for (size_t i = 0; i < rq->nfiles; i++) {
		struct replay_result res;
		char msg[512];
		if (!journal_replay(m, rq->files[i], 0, NULL, true, &res, msg, sizeof msg)) {
			fprintf(err, "ctiboard report: %s\n", msg);
			continue;
		}
		read++;
		bad_lines += res.malformed_lines;
		untold |= res.malformed_lines > REPLAY_BAD_LINES_TOLD;
		if (rq->by == BY_AGENT && res.agent_statuses > 0)
			read_statuses(rq->files[i], day_start_for(res.first_ns / NS_PER_S, 0),
			              res.last_ns / NS_PER_S, &statuses, err);
	}
	if (bad_lines > 0)
		fprintf(err,
		        "ctiboard report: %llu bad line%s skipped (%s); the rest is reported\n",
		        (unsigned long long)bad_lines, bad_lines > 1 ? "s" : "",
		        untold ? "the first of each file named above" : "named above");
	int status = 0;
	if (read == 0 && rq->nfiles > 0) {
		status = 1;
	} else {
		model_lock(m);
		const struct model_state *st = model_state_held(m);
		take_day(&g, st); /* the last day ends with the input */
		if (rq->by == BY_AGENT)
			apply_statuses(&g, &statuses);
		sort_rows(&g);
		struct table t;
		switch (rq->by) {
		case BY_QUEUE:
			table_init(&t, queue_cols, sizeof queue_cols / sizeof queue_cols[0]);
			build_queues(&t, &g, &rq->set);
			break;
		case BY_INTERVAL:
			table_init(&t, interval_cols,
			           sizeof interval_cols / sizeof interval_cols[0]);
			build_intervals(&t, &g, &rq->set);
			break;
		case BY_LINE:
			table_init(&t, line_cols, sizeof line_cols / sizeof line_cols[0]);
			build_lines(&t, &g);
			break;
		case BY_AGENT:
			table_init(&t, agent_cols, sizeof agent_cols / sizeof agent_cols[0]);
			build_agents(&t, &g);
			break;
		case BY_CALLBACK:
		default:
			table_init(&t, callback_cols,
			           sizeof callback_cols / sizeof callback_cols[0]);
			build_callbacks(&t, rq, st);
			break;
		}
		model_unlock(m);
		if (g.failed || t.failed) {
			fputs("ctiboard report: out of memory\n", err);
			status = 1;
		} else if (!print_table(&t, rq, &g, out) || fflush(out) != 0) {
			fputs("ctiboard report: cannot write the output\n", err);
			status = 1;
		}
		table_free(&t);
	}
	free(statuses.v);
	gather_free(&g);
	model_free(m);
	json_arena_release();
	return status;
}
