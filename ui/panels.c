/* panels.c: the four live panels of the console (Queues, Ringing, Active calls, Lines): their
 * rows built from a copied state, filtered and sorted, and laid out to the terminal's size.
 */
#define _GNU_SOURCE /* qsort_r */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "chart.h"
#include "collate.h"
#include "columns.h"
#include "console.h"
#include "draw.h"
#include "labels.h"
#include "names.h"
#include "text.h"
#include "theme.h"

/* ---- the panels' columns and sort orders ---- */

#define CELL_MAX   160 /* bytes of one cell's text */
#define SPARK_COLS 6   /* 10 minutes a glyph */

enum {
	QC_MARK,
	QC_NAME,
	QC_NUMBER,
	QC_WAITING,
	QC_LONGEST,
	QC_OFFERED,
	QC_ANSWERED,
	QC_ABANDONED,
	QC_TIMED_OUT,
	QC_RATE,
	QC_SL,
	QC_ASA,
	QC_TALK,
	QC_FREE,
	QC_AGENTS,
	QC_BREAK,
	QC_OUT,
	QC_SPARK,
	QC_N
};
static const struct column queue_cols[QC_N] = {
    [QC_MARK] = {"", 1, 0, 0, false},
    [QC_NAME] = {NULL, 12, 1, 0, false},
    [QC_NUMBER] = {"Number", 17, 0, 5, false},
    [QC_WAITING] = {"Waiting", 7, 0, 0, true},
    [QC_LONGEST] = {"Longest", 7, 0, 0, true},
    [QC_OFFERED] = {"Offered", 7, 0, 3, true},
    [QC_ANSWERED] = {"Answered", 8, 0, 1, true},
    [QC_ABANDONED] = {"Abandon", 7, 0, 1, true},
    [QC_TIMED_OUT] = {"Timed out", 9, 0, 2, true},
    [QC_RATE] = {"Ab.rate", 7, 0, 2, true},
    [QC_SL] = {"SL", 4, 0, 0, true},
    [QC_ASA] = {"Avg wait", 8, 0, 3, true}, /* before Timed out and the sparkline go */
    [QC_TALK] = {"Avg talk", 8, 0, 4, true},
    [QC_FREE] = {"Free", 4, 0, 1, true}, /* agents by status: the OVH API's, or the demo's */
    [QC_AGENTS] = {"On call", 7, 0, 1, true},
    [QC_BREAK] = {"Break", 5, 0, 2, true},
    [QC_OUT] = {"Out", 3, 0, 3, true},
    [QC_SPARK] = {"1 hour", SPARK_COLS, 0, 2, false},
};

enum { RC_MARK, RC_LINE, RC_QUEUE, RC_CALLER, RC_FOR, RC_N };
static const struct column ring_cols[RC_N] = {
    [RC_MARK] = {"", 1, 0, 0, false},       [RC_LINE] = {NULL, 14, 2, 0, false},
    [RC_QUEUE] = {"Queue", 8, 1, 1, false}, [RC_CALLER] = {"Caller", 14, 2, 0, false},
    [RC_FOR] = {"Ringing", 7, 0, 0, true},
};

enum { AC_MARK, AC_LINE, AC_DIR, AC_OTHER, AC_STATE, AC_DURATION, AC_N };
static const struct column active_cols[AC_N] = {
    [AC_MARK] = {"", 1, 0, 0, false},       [AC_LINE] = {NULL, 14, 2, 0, false},
    [AC_DIR] = {"Dir", 3, 0, 0, false},     [AC_OTHER] = {"Other party", 14, 2, 0, false},
    [AC_STATE] = {"State", 7, 0, 1, false}, [AC_DURATION] = {"Duration", 8, 0, 0, true},
};

enum {
	LC_MARK,
	LC_NAME,
	LC_NUMBER,
	LC_STATE,
	LC_REG,
	LC_CALLS,
	LC_IN,
	LC_OUT,
	LC_MISSED,
	LC_TALK,
	LC_N
};
static const struct column line_cols[LC_N] = {
    [LC_MARK] = {"", 1, 0, 0, false},
    [LC_NAME] = {NULL, 12, 1, 0, false},
    [LC_NUMBER] = {"Number", 17, 0, 1, false},
    [LC_STATE] = {"State", 7, 0, 0, false},
    [LC_REG] = {"Registered", 10, 0, 2, false},
    [LC_CALLS] = {"Calls", 5, 0, 0, true},
    [LC_IN] = {"In", 4, 0, 4, true},
    [LC_OUT] = {"Out", 4, 0, 4, true},
    [LC_MISSED] = {"Missed", 6, 0, 3, true},
    [LC_TALK] = {"Talk", 8, 0, 5, true},
};

_Static_assert(QC_N <= MAX_COLS && RC_N <= MAX_COLS && AC_N <= MAX_COLS && LC_N <= MAX_COLS,
               "a panel has more columns than struct layout holds");

struct sort_order {
	const char *name;
	int column; /* the column whose head is marked */
};

static const struct sort_order queue_sorts[] = {
    {"name", QC_NAME},        {"waiting", QC_WAITING},   {"longest wait", QC_LONGEST},
    {"service level", QC_SL}, {"abandon rate", QC_RATE},
};
static const struct sort_order ring_sorts[] = {{"ringing time", RC_FOR}, {"line", RC_LINE}};
static const struct sort_order active_sorts[] = {{"duration", AC_DURATION}, {"line", AC_LINE}};
static const struct sort_order line_sorts[] = {
    {"name", LC_NAME},
    {"number", LC_NUMBER},
    {"state", LC_STATE},
    {"calls today", LC_CALLS},
};

#define NSORTS(a) ((int)(sizeof(a) / sizeof((a)[0])))

struct panel_def {
	const char *name;
	const struct column *cols;
	int ncols;
	const struct sort_order *sorts;
	int nsorts;
	const char *empty; /* shown when there are no rows */
};

static const struct panel_def defs[PANEL_COUNT] = {
    [PANEL_QUEUES] = {"Queues", queue_cols, QC_N, queue_sorts, NSORTS(queue_sorts),
                      "no queue seen yet"},
    [PANEL_RINGING] = {"Ringing", ring_cols, RC_N, ring_sorts, NSORTS(ring_sorts),
                       "nothing ringing"},
    [PANEL_ACTIVE] = {"Active calls", active_cols, AC_N, active_sorts, NSORTS(active_sorts),
                      "no call in progress"},
    [PANEL_LINES] = {"Lines", line_cols, LC_N, line_sorts, NSORTS(line_sorts), "no line seen yet"},
};

const char *panel_name(enum panel_id p)
{
	return defs[p].name;
}

const char *panel_sort_name(enum panel_id p, int sort)
{
	return defs[p].sorts[sort % defs[p].nsorts].name;
}

int panel_sort_count(enum panel_id p)
{
	return defs[p].nsorts;
}

/* ---- rows ---- */

/* Append a copy of r to the panel's rows (dropped if memory runs out: the frame is partial). */
static void row_push(struct panel *p, const struct row *r)
{
	if (p->nrows == p->cap) {
		int cap = p->cap ? p->cap * 2 : 32;
		struct row *rows = realloc(p->rows, (size_t)cap * sizeof *rows);

		if (!rows)
			return;
		p->rows = rows;
		p->cap = cap;
	}
	p->rows[p->nrows++] = *r;
}

static int64_t seconds_since(const struct console *c, int64_t ns)
{
	int64_t d = (c->now_ns - ns) / NS_PER_S;

	return ns && d > 0 ? d : 0;
}

/* The party at the other end of a call on a line. */
static const char *other_party(const struct call *call)
{
	return call->inbound ? call->calling : call->called;
}

static void build_queues(struct console *c, struct panel *p)
{
	int64_t now_s = c->now_ns / NS_PER_S;

	for (size_t i = 0; i < c->st.nqueues; i++) {
		const struct queue *q = &c->st.queues[i];
		struct row r = {.q = q};

		queue_name(c, q, r.name, sizeof r.name);
		p->total++;
		if (!filter_match(c->filter, r.name, q->number))
			continue;
		queue_stats(q, c->s, now_s, &r.qs);
		r.alert = alerts_level(&c->st.alerts, ALERT_SCOPE_QUEUE, q->number);
		snprintf(r.key, sizeof r.key, "q:%s", q->number);
		row_push(p, &r);
	}
}

/* The queue caller offered to the phone of line l, if one is (the queue rings that phone). */
static const struct member *offer_to(const struct console *c, const struct line *l,
                                     const struct queue **queue)
{
	for (size_t i = 0; i < c->st.nqueues; i++) {
		const struct queue *q = &c->st.queues[i];

		for (size_t k = 0; k < q->nmembers; k++)
			if (q->members[k].state == MEMBER_OFFERED &&
			    strcmp(q->members[k].agent, l->number) == 0) {
				*queue = q;
				return &q->members[k];
			}
	}
	return NULL;
}

/* Does the phone of this number ring with an incoming call the model knows of? */
static bool phone_rings_in(const struct console *c, const char *number)
{
	const struct line *l = lookup_line(c, number);

	if (!l || !l->nringing)
		return false;
	for (size_t i = 0; i < c->st.ncalls; i++) {
		const struct call *call = &c->st.calls[i];

		if (&c->st.lines[call->line] == l && call->state == CALL_RINGING && call->inbound)
			return true;
	}
	return false;
}

/* The rows of the calls that are ringing (ringing true) or answered (talking or on hold): named
 * by their line, matched on the line or the other party, aged from the start of their state. */
static void build_call_rows(struct console *c, struct panel *p, bool ringing)
{
	char party[TEXT_MAX];

	for (size_t i = 0; i < c->st.ncalls; i++) {
		const struct call *call = &c->st.calls[i];
		const struct line *l = call_line(c, call);
		bool answered = call->state == CALL_ACTIVE || call->state == CALL_HELD;
		struct row r = {.l = l, .c = call};

		if (!l || (ringing ? call->state != CALL_RINGING : !answered))
			continue;
		p->total++;
		line_name(c, l, r.name, sizeof r.name);
		party_display(c, other_party(call), party, sizeof party);
		if (!filter_match(c->filter, r.name, l->number) &&
		    !filter_match(c->filter, party, other_party(call)))
			continue;
		r.age_s = seconds_since(c, call->since_ns);
		r.alert = ringing && call->inbound
		              ? alerts_level(&c->st.alerts, ALERT_SCOPE_LINE, l->number)
		              : ALERT_NONE;
		/* a queue's offer ringing this phone: the same row, with the queue's name */
		if (ringing && call->inbound)
			r.mb = offer_to(c, l, &r.q);
		snprintf(r.key, sizeof r.key, "c:%s:%s", l->number, call->id);
		row_push(p, &r);
	}
}

/* Ringing: one row per ringing phone. The lines' ringing calls, then the queue callers
 * offered to an agent whose phone is not among them. */
static void build_ringing(struct console *c, struct panel *p)
{
	char party[TEXT_MAX];

	build_call_rows(c, p, true);
	for (size_t i = 0; i < c->st.nqueues; i++) {
		const struct queue *q = &c->st.queues[i];

		for (size_t k = 0; k < q->nmembers; k++) {
			const struct member *mb = &q->members[k];
			struct row r = {.q = q, .mb = mb};

			if (mb->state != MEMBER_OFFERED || phone_rings_in(c, mb->agent))
				continue;
			p->total++;
			party_display(c, mb->agent, r.name, sizeof r.name);
			party_display(c, mb->number, party, sizeof party);
			if (!filter_match(c->filter, r.name, mb->agent) &&
			    !filter_match(c->filter, party, mb->number) &&
			    !filter_match(c->filter, mb->name, NULL))
				continue;
			r.age_s = seconds_since(c, mb->last_ns);
			r.alert = alerts_level(&c->st.alerts, ALERT_SCOPE_LINE, mb->agent);
			snprintf(r.key, sizeof r.key, "m:%s", mb->uuid);
			row_push(p, &r);
		}
	}
}

static void build_active(struct console *c, struct panel *p)
{
	build_call_rows(c, p, false);
}

/* Age the rows of the Lines panel whose line rings, by its longest-ringing call: one pass over
 * the calls, whatever the number of lines. */
static void age_ringing_lines(struct console *c, struct panel *p)
{
	for (int pass = 0; pass < 2; pass++) {
		for (size_t k = 0; k < c->st.ncalls; k++) {
			const struct call *call = &c->st.calls[k];
			struct row *r;

			if (call->state != CALL_RINGING || call->line >= p->cap_row_of ||
			    p->row_of[call->line] < 0)
				continue;
			r = &p->rows[p->row_of[call->line]];
			if (pass == 0) {
				r->age_s = 0;
			} else {
				int64_t a = seconds_since(c, call->since_ns);

				if (a > r->age_s)
					r->age_s = a;
			}
		}
	}
}

static void build_lines(struct console *c, struct panel *p)
{
	for (size_t i = 0; i < c->st.nlines; i++) {
		const struct line *l = &c->st.lines[i];
		struct row r = {.l = l};

		line_name(c, l, r.name, sizeof r.name);
		p->total++;
		if (!filter_match(c->filter, r.name, l->number))
			continue;
		r.alert = alerts_level(&c->st.alerts, ALERT_SCOPE_LINE, l->number);
		snprintf(r.key, sizeof r.key, "l:%s", l->number);
		row_push(p, &r);
	}
}

/* Where each line's row is, after sorting; false if memory runs out. */
static bool map_line_rows(struct console *c, struct panel *p)
{
	if (p->cap_row_of < c->st.nlines) {
		int *row_of = realloc(p->row_of, c->st.nlines * sizeof *row_of);

		if (!row_of)
			return false;
		p->row_of = row_of;
		p->cap_row_of = c->st.nlines;
	}
	for (size_t i = 0; i < p->cap_row_of; i++)
		p->row_of[i] = -1;
	for (int k = 0; k < p->nrows; k++)
		p->row_of[p->rows[k].l - c->st.lines] = k;
	return true;
}

/* ---- sorting ---- */

/* The order rows are sorted in: a panel and the index of one of its sort orders. */
struct row_order {
	enum panel_id panel;
	int sort;
};

static int cmp_int64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

static int line_busy(const struct line *l)
{
	switch (line_state(l)) {
	case LINE_RINGING: return 2;
	case LINE_IN_CALL: return 1;
	default: return 0;
	}
}

static int cmp_rows(const void *pa, const void *pb, void *ctx)
{
	const struct row *a = pa, *b = pb;
	const struct row_order *o = ctx;
	int d = 0;

	switch (o->panel) {
	case PANEL_QUEUES:
		switch (o->sort) {
		case 1: d = -cmp_int64(a->qs.waiting, b->qs.waiting); break;
		case 2: d = -cmp_int64(a->qs.longest_wait_s, b->qs.longest_wait_s); break;
		case 3: d = cmp_int64(a->qs.service_level_pm, b->qs.service_level_pm); break;
		case 4: d = -cmp_int64(a->qs.abandon_rate_pm, b->qs.abandon_rate_pm); break;
		default: break;
		}
		break;
	case PANEL_RINGING:
	case PANEL_ACTIVE:
		if (o->sort == 0)
			d = -cmp_int64(a->age_s, b->age_s);
		break;
	case PANEL_LINES:
		switch (o->sort) {
		case 1: d = strcmp(a->l->number, b->l->number); break;
		case 2: d = -cmp_int64(line_busy(a->l), line_busy(b->l)); break;
		case 3:
			d = -cmp_int64(a->l->today.calls_in + a->l->today.calls_out,
			               b->l->today.calls_in + b->l->today.calls_out);
			break;
		default: break;
		}
		break;
	default: break;
	}
	if (d == 0)
		d = name_collate(a->name, b->name);
	if (d == 0)
		d = strcmp(a->key, b->key);
	return d;
}

/* Keep the selection on the same item when rows move, else on the same position. */
static void reselect(struct panel *p)
{
	if (p->sel_key[0]) {
		for (int i = 0; i < p->nrows; i++) {
			if (strcmp(p->rows[i].key, p->sel_key) == 0) {
				p->sel = i;
				break;
			}
		}
	}
	panel_clamp(p);
}

/* Are the panel's rows still those of the copy, filter and sort in use? */
static bool rows_current(const struct console *c, const struct panel *p, size_t count)
{
	return p->built && p->built_seen == c->seen && p->total == (int)count &&
	       p->built_sort == p->sort && strcmp(p->built_filter, c->filter) == 0;
}

/* The figures that grow with the clock, of the queues with callers in them (the copy did not
 * change): their waits. Sorted again when the order is by the longest wait. */
static void age_queue_rows(struct console *c, struct panel *p)
{
	int64_t now_s = c->now_ns / NS_PER_S;
	bool moved = false;

	for (int i = 0; i < p->nrows; i++) {
		struct row *r = &p->rows[i];

		if (r->q && r->q->nmembers) {
			queue_stats(r->q, c->s, now_s, &r->qs);
			moved = true;
		}
	}
	if (moved && p->sort == 2 && p->nrows > 1) { /* "longest wait" */
		struct row_order order = {PANEL_QUEUES, p->sort};
		qsort_r(p->rows, (size_t)p->nrows, sizeof p->rows[0], cmp_rows, &order);
		reselect(p);
	}
}

void panels_build(struct console *c)
{
	static void (*const build[PANEL_COUNT])(struct console *, struct panel *) = {
	    [PANEL_QUEUES] = build_queues,
	    [PANEL_RINGING] = build_ringing,
	    [PANEL_ACTIVE] = build_active,
	    [PANEL_LINES] = build_lines,
	};
	for (int i = 0; i < PANEL_COUNT; i++) {
		struct panel *p = &c->panels[i];

		if (i == PANEL_LINES && rows_current(c, p, c->st.nlines)) {
			age_ringing_lines(c, p);
			panel_clamp(p);
			continue;
		}
		if (i == PANEL_QUEUES && rows_current(c, p, c->st.nqueues)) {
			age_queue_rows(c, p);
			panel_clamp(p);
			continue;
		}
		p->nrows = p->total = 0;
		build[i](c, p);
		struct row_order order = {(enum panel_id)i, p->sort};
		if (p->nrows > 1)
			qsort_r(p->rows, (size_t)p->nrows, sizeof p->rows[0], cmp_rows, &order);
		if (i == PANEL_LINES || i == PANEL_QUEUES) {
			p->built = i == PANEL_QUEUES || map_line_rows(c, p);
			p->built_seen = c->seen;
			p->built_sort = p->sort;
			snprintf(p->built_filter, sizeof p->built_filter, "%s", c->filter);
			if (p->built && i == PANEL_LINES)
				age_ringing_lines(c, p);
		}
		reselect(p);
	}
}

void panel_clamp(struct panel *p)
{
	if (p->sel >= p->nrows)
		p->sel = p->nrows - 1;
	if (p->sel < 0)
		p->sel = 0;
	if (p->nrows > 0)
		snprintf(p->sel_key, sizeof p->sel_key, "%s", p->rows[p->sel].key);
	else
		p->sel_key[0] = '\0';
}

void panel_move(struct panel *p, int delta)
{
	long s = (long)p->sel + delta;

	p->sel = s < 0 ? 0 : s > p->nrows - 1 ? p->nrows - 1 : (int)s;
	panel_clamp(p);
}

/* ---- cells ---- */

static enum role alert_role(enum alert_level a)
{
	return a == ALERT_CRIT ? ROLE_CRIT : a == ALERT_WARN ? ROLE_WARN : ROLE_DEFAULT;
}

static void mark_cell(char *cell, enum alert_level a)
{
	cell[0] = theme_alert_marker((int)a);
	cell[1] = '\0';
}

/* The cells of a queue row; qs apart from r so that the total row can pass its own figures. */
/* Callers waiting over the last hour, one glyph per SPARK_MINUTES / SPARK_COLS minutes (the
 * highest count of those minutes). */
static void spark_cell(const struct console *c, const struct queue *q, char *dst)
{
	int minutes[SPARK_MINUTES], v[SPARK_COLS];
	int per = SPARK_MINUTES / SPARK_COLS;

	wait_history_last(&q->waiting_h, c->now_ns / NS_PER_S, SPARK_MINUTES, minutes);
	for (int i = 0; i < SPARK_COLS; i++) {
		v[i] = 0;
		for (int k = 0; k < per; k++)
			if (minutes[i * per + k] > v[i])
				v[i] = minutes[i * per + k];
	}
	chart_sparkline(v, SPARK_COLS, !c->utf8 || c->ascii_lines, dst, CELL_MAX);
}

static void queue_cells(const struct console *c, const struct row *r, const struct queue_stats *qs,
                        char cell[][CELL_MAX])
{
	mark_cell(cell[QC_MARK], r->alert);
	snprintf(cell[QC_NAME], CELL_MAX, "%s", r->name);
	if (r->q)
		phone_display(cell[QC_NUMBER], CELL_MAX, r->q->number);
	snprintf(cell[QC_WAITING], CELL_MAX, "%d", qs->waiting);
	fmt_duration(cell[QC_LONGEST], CELL_MAX, qs->waiting ? qs->longest_wait_s : -1);
	snprintf(cell[QC_OFFERED], CELL_MAX, "%u", qs->offered);
	snprintf(cell[QC_ANSWERED], CELL_MAX, "%u", qs->answered);
	snprintf(cell[QC_ABANDONED], CELL_MAX, "%u", qs->abandoned);
	snprintf(cell[QC_TIMED_OUT], CELL_MAX, "%u", qs->timed_out);
	fmt_pm(cell[QC_RATE], CELL_MAX, qs->abandon_rate_pm);
	fmt_pm(cell[QC_SL], CELL_MAX, qs->service_level_pm);
	fmt_duration(cell[QC_ASA], CELL_MAX, qs->avg_wait_s);
	fmt_duration(cell[QC_TALK], CELL_MAX, qs->avg_talk_s);
	struct api_agent_counts n = {0};
	if (r->q)
		api_count_agents(&c->st.api, r->q->number, NULL, &n);
	if (n.available + n.on_call + n.on_break + n.logged_out > 0) {
		snprintf(cell[QC_FREE], CELL_MAX, "%d", n.available);
		snprintf(cell[QC_AGENTS], CELL_MAX, "%d", n.on_call);
		snprintf(cell[QC_BREAK], CELL_MAX, "%d", n.on_break);
		snprintf(cell[QC_OUT], CELL_MAX, "%d", n.logged_out);
	} else { /* statuses unknown (no API): who is on a call is known from the events */
		snprintf(cell[QC_FREE], CELL_MAX, "-");
		snprintf(cell[QC_AGENTS], CELL_MAX, "%d", qs->agents_on_call);
		snprintf(cell[QC_BREAK], CELL_MAX, "-");
		snprintf(cell[QC_OUT], CELL_MAX, "-");
	}
	if (r->q)
		spark_cell(c, r->q, cell[QC_SPARK]);
}

static void ring_cells(const struct console *c, const struct row *r, char cell[][CELL_MAX])
{
	mark_cell(cell[RC_MARK], r->alert);
	snprintf(cell[RC_LINE], CELL_MAX, "%s", r->name);
	if (r->mb) {
		queue_name(c, r->q, cell[RC_QUEUE], CELL_MAX);
		member_caller(c, r->mb, cell[RC_CALLER], CELL_MAX);
	} else {
		char party[TEXT_MAX];

		/* an outgoing call rings at the far end: no queue, the number called */
		party_display(c, other_party(r->c), party, sizeof party);
		text_join(cell[RC_CALLER], CELL_MAX, r->c->inbound ? "" : "to ", party);
	}
	fmt_duration(cell[RC_FOR], CELL_MAX, r->age_s);
}

static void active_cells(const struct console *c, const struct row *r, char cell[][CELL_MAX])
{
	mark_cell(cell[AC_MARK], ALERT_NONE);
	snprintf(cell[AC_LINE], CELL_MAX, "%s", r->name);
	snprintf(cell[AC_DIR], CELL_MAX, "%s", r->c->inbound ? "in" : "out");
	party_display(c, other_party(r->c), cell[AC_OTHER], CELL_MAX);
	snprintf(cell[AC_STATE], CELL_MAX, "%s", r->c->state == CALL_HELD ? "on hold" : "talking");
	fmt_duration(cell[AC_DURATION], CELL_MAX, r->age_s);
}

static void line_cells(const struct console *c, const struct row *r, char cell[][CELL_MAX])
{
	const struct line *l = r->l;

	mark_cell(cell[LC_MARK], r->alert);
	snprintf(cell[LC_NAME], CELL_MAX, "%s", r->name);
	phone_display(cell[LC_NUMBER], CELL_MAX, l->number);
	snprintf(cell[LC_STATE], CELL_MAX, "%s", line_state_text(l));
	fmt_ago(cell[LC_REG], CELL_MAX, c->now_ns, l->registered_ns);
	snprintf(cell[LC_CALLS], CELL_MAX, "%u", l->today.calls_in + l->today.calls_out);
	snprintf(cell[LC_IN], CELL_MAX, "%u", l->today.calls_in);
	snprintf(cell[LC_OUT], CELL_MAX, "%u", l->today.calls_out);
	snprintf(cell[LC_MISSED], CELL_MAX, "%u", l->today.missed);
	fmt_duration(cell[LC_TALK], CELL_MAX, l->today.talk_s);
}

/* The role of a row's text, when it is not the selected row. */
static enum role row_role(enum panel_id id, const struct row *r)
{
	if (r->alert != ALERT_NONE)
		return alert_role(r->alert);
	switch (id) {
	case PANEL_RINGING: return ROLE_RINGING;
	case PANEL_ACTIVE: return ROLE_IN_CALL;
	case PANEL_LINES:
		switch (line_state(r->l)) {
		case LINE_RINGING: return ROLE_RINGING;
		case LINE_IN_CALL: return ROLE_IN_CALL;
		default: return ROLE_DEFAULT;
		}
	default: return ROLE_DEFAULT;
	}
}

/* Draw one row of cells across w columns. */
static void draw_cells(const struct panel_def *d, const struct layout *lo, int y, int x0, int w,
                       char cell[][CELL_MAX], enum role role)
{
	draw_fill(y, x0, w, role);
	for (int i = 0; i < d->ncols; i++)
		if (lo->w[i] > 0)
			draw_text(y, x0 + lo->x[i], lo->w[i], cell[i], role,
			          d->cols[i].right ? ALIGN_RIGHT : ALIGN_LEFT);
}

/* Draw panel id in the box (y, x, h, w): a title row of column heads, then the rows. */
static void panel_draw(struct console *c, enum panel_id id, int y, int x, int h, int w)
{
	const struct panel_def *d = &defs[id];
	struct panel *p = &c->panels[id];
	bool focus = c->focus == id;
	enum role title = focus ? ROLE_PANEL_TITLE_FOCUS : ROLE_PANEL_TITLE;
	static char cell[MAX_COLS][CELL_MAX];
	struct layout lo = {0};
	int body, total_row = 0;

	p->y = y;
	p->x = x;
	p->h = h;
	p->w = w;
	if (h <= 0 || w <= 0)
		return;
	/* agents by status only where some status is known (the OVH API's or the demo's) */
	bool hidden[MAX_COLS] = {false};
	if (id == PANEL_QUEUES && !c->st.api.nagents)
		hidden[QC_FREE] = hidden[QC_BREAK] = hidden[QC_OUT] = true;
	layout_columns_except(d->cols, d->ncols, w, hidden, &lo);

	/* the title row: the panel's name and count over the first text column, heads after */
	draw_fill(y, x, w, title);
	for (int i = 0, sorted = d->sorts[p->sort].column; i < d->ncols; i++) {
		char head[CELL_MAX];

		if (lo.w[i] <= 0)
			continue;
		if (d->cols[i].head)
			snprintf(head, sizeof head, "%s", d->cols[i].head);
		else if (c->filter[0])
			snprintf(head, sizeof head, "%s %d/%d", d->name, p->nrows, p->total);
		else
			snprintf(head, sizeof head, "%s (%d)", d->name, p->nrows);
		draw_text(y, x + lo.x[i], lo.w[i], head, title,
		          d->cols[i].right ? ALIGN_RIGHT : ALIGN_LEFT);
		if (i == sorted && lo.x[i] > 0)
			draw_str(y, x + lo.x[i] - 1, 1, c->ascii_lines ? "v" : "\u25be", title);
	}

	body = h - 1;
	if (id == PANEL_QUEUES && c->st.nqueues > 1 && !c->filter[0] && body >= 2)
		total_row = 1;
	body -= total_row;
	if (p->nrows == 0 && body > 0)
		draw_text(y + 1, x + 2, w - 2,
		          c->filter[0] ? "nothing matches the filter" : d->empty, ROLE_DIM,
		          ALIGN_LEFT);
	/* keep the selection in view */
	if (p->sel < p->top)
		p->top = p->sel;
	if (body > 0 && p->sel >= p->top + body)
		p->top = p->sel - body + 1;
	if (p->top > p->nrows - body)
		p->top = p->nrows - body > 0 ? p->nrows - body : 0;
	for (int i = 0; i < body && p->top + i < p->nrows; i++) {
		const struct row *r = &p->rows[p->top + i];
		bool selected = focus && p->top + i == p->sel;
		enum role role = selected ? ROLE_SELECTED : row_role(id, r);

		memset(cell, 0, sizeof cell);
		switch (id) {
		case PANEL_QUEUES: queue_cells(c, r, &r->qs, cell); break;
		case PANEL_RINGING: ring_cells(c, r, cell); break;
		case PANEL_ACTIVE: active_cells(c, r, cell); break;
		case PANEL_LINES: line_cells(c, r, cell); break;
		default: break;
		}
		draw_cells(d, &lo, y + 1 + i, x, w, cell, role);
		if (selected && r->alert != ALERT_NONE) /* the selection keeps the alert's mark */
			draw_text(y + 1 + i, x + lo.x[0], lo.w[0], cell[0], alert_role(r->alert),
			          ALIGN_LEFT);
		if (!selected && id == PANEL_LINES && r->alert == ALERT_NONE &&
		    line_state(r->l) == LINE_IDLE && r->l->registered_ns == 0)
			draw_text(y + 1 + i, x + lo.x[LC_REG], lo.w[LC_REG], cell[LC_REG], ROLE_DIM,
			          ALIGN_LEFT);
	}
	if (total_row) {
		struct queue_stats qs;
		struct row tr = {0};

		queue_stats_total(&c->st, c->s, c->now_ns / NS_PER_S, &qs);
		tr.alert = alerts_level(&c->st.alerts, ALERT_SCOPE_TOTAL, NULL);
		snprintf(tr.name, sizeof tr.name, "All queues");
		memset(cell, 0, sizeof cell);
		queue_cells(c, &tr, &qs, cell);
		draw_cells(d, &lo, y + h - 1, x, w, cell,
		           tr.alert != ALERT_NONE ? alert_role(tr.alert) : ROLE_COLUMN_HEAD);
	}
}

/* Rows a panel would like: its title, its rows (at least one line for "none"), a total. */
static int panel_want(const struct console *c, enum panel_id id)
{
	int n = c->panels[id].nrows;

	return 1 + (n > 0 ? n : 1) + (id == PANEL_QUEUES && c->st.nqueues > 1 && !c->filter[0]);
}

/* Share h rows among n panels: each gets its title and one row, the first panel up to what it
 * wants (within half of h), then one row at a time to whoever wants more; the last panel takes
 * what is left. */
static void share_rows(const struct console *c, const enum panel_id *ids, int n, int h, int *out)
{
	int left = h;

	for (int i = 0; i < n; i++) {
		out[i] = left >= 2 ? 2 : left;
		left -= out[i];
	}
	if (n > 1 && left > 0) {
		int want = panel_want(c, ids[0]) - out[0];
		int cap = h / 2 - out[0];
		int give = want < cap ? want : cap;

		if (give > left)
			give = left;
		if (give > 0) {
			out[0] += give;
			left -= give;
		}
	}
	while (left > 0) {
		bool any = false;

		for (int i = 0; i < n && left > 0; i++) {
			if (out[i] < panel_want(c, ids[i])) {
				out[i]++;
				left--;
				any = true;
			}
		}
		if (!any)
			break;
	}
	out[n - 1] += left;
}

/* Draw a column of panels stacked in (y, x, h, w). */
static void stack_draw(struct console *c, const enum panel_id *ids, int n, int y, int x, int h,
                       int w)
{
	int heights[PANEL_COUNT];

	share_rows(c, ids, n, h, heights);
	for (int i = 0; i < n; i++) {
		panel_draw(c, ids[i], y, x, heights[i], w);
		y += heights[i];
	}
}

void panels_draw(struct console *c, int y, int h)
{
	static const enum panel_id one[] = {PANEL_QUEUES, PANEL_RINGING, PANEL_ACTIVE, PANEL_LINES};
	static const enum panel_id left[] = {PANEL_QUEUES, PANEL_LINES};
	static const enum panel_id right[] = {PANEL_RINGING, PANEL_ACTIVE};

	for (int i = 0; i < PANEL_COUNT; i++)
		c->panels[i].h = 0;
	if (c->cols >= 140 && h >= 10) {
		int lw = (c->cols - 1) * 11 / 20;

		int rw = c->cols - lw - 1;
		int rh = panel_want(c, PANEL_RINGING) + panel_want(c, PANEL_ACTIVE);

		stack_draw(c, left, 2, y, 0, h, lw);
		draw_vrule(y, lw, h, ROLE_DIM);
		if (h - rh >= 6) {
			/* room to spare: the latest events under the calls */
			stack_draw(c, right, 2, y, lw + 1, rh, rw);
			recent_draw(c, y + rh, lw + 1, h - rh, rw);
		} else {
			stack_draw(c, right, 2, y, lw + 1, h, rw);
		}
	} else if (h >= 8) {
		stack_draw(c, one, 4, y, 0, h, c->cols);
	} else {
		/* too few rows for all: the focused panel alone */
		panel_draw(c, c->focus, y, 0, h, c->cols);
	}
}

bool panels_click(struct console *c, int y, int x)
{
	for (int i = 0; i < PANEL_COUNT; i++) {
		struct panel *p = &c->panels[i];

		if (p->h <= 0 || y < p->y || y >= p->y + p->h || x < p->x || x >= p->x + p->w)
			continue;
		c->focus = (enum panel_id)i;
		if (y > p->y && p->top + (y - p->y - 1) < p->nrows) {
			p->sel = p->top + (y - p->y - 1);
			panel_clamp(p);
			return true;
		}
		return false;
	}
	return false;
}
