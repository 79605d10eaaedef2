/* views.c: the header and footer bars, and the text views: detail of a line or a queue, and
 * help (generated from the action table and the statistics' definitions); the event log is in
 * eventlog.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "actions.h"
#include "chart.h"
#include "console.h"
#include "draw.h"
#include "eventlog.h"
#include "labels.h"
#include "names.h"
#include "startup.h"
#include "text.h"
#include "textbuf.h"
#include "theme.h"

/* ---- header ---- */

struct segment {
	char text[192];        /* room for a label, a reason of TEXT_MAX and the retry delay */
	char reason[TEXT_MAX]; /* a feed's error: cut to the room left, after text */
	char tail[48];         /* after the reason: ", retry in 4 s" */
	char brief[64];        /* the short form a narrow bar shows; "" when none */
	enum role role;
	int prio;     /* 0 always shown; the highest goes first when the bar is too narrow */
	int reason_w; /* columns given to the reason */
	bool use_brief;
};

/* The columns a reason keeps at least before the short form is used instead. */
enum { REASON_MIN = 12 };

/* The state of one feed in words, and its role: the feed's alert (alerts.h) sets the colour
 * and a feed in alert says for how long it has been silent, or why it never connected. Its
 * brief form ("not connected: DNS", "stale 42 s", "token rejected") is what a narrow bar
 * keeps. */
static void feed_segment(const struct console *c, const struct feed_status *f, bool label,
                         struct segment *sg)
{
	int64_t wall = wall_now_ns();
	int64_t last = feed_last_news_ns(f);
	int64_t silent = last ? (wall - last) / NS_PER_S : 0;
	int64_t retry =
	    f->retry_at_ns > wall ? (f->retry_at_ns - wall + NS_PER_S - 1) / NS_PER_S : 0;
	enum alert_level alert = alerts_level(&c->st.alerts, ALERT_SCOPE_FEED, f->label);
	enum role alert_role = alert == ALERT_CRIT   ? ROLE_STALE
	                       : alert == ALERT_WARN ? ROLE_WARN
	                                             : ROLE_HEADER;
	char ago[32], prefix[24] = "", kind[24] = "";
	bool why = !last && f->last_error[0];

	memset(sg, 0, sizeof *sg);
	if (label)
		snprintf(prefix, sizeof prefix, "%s ", f->label);
	if (why) {
		feed_error_kind(kind, sizeof kind, f->last_error);
		text_copy(sg->reason, sizeof sg->reason, f->last_error);
		snprintf(sg->brief, sizeof sg->brief, "%snot connected: %s", prefix, kind);
	}
	fmt_ago(ago, sizeof ago, wall, f->last_event_ns);
	sg->prio = 0;
	switch (f->state) {
	case FEED_CONNECTING:
		snprintf(sg->text, sizeof sg->text, "%s%s", prefix,
		         why ? "not connected: " : "connecting");
		sg->role = alert_role;
		break;
	case FEED_BACKOFF:
		if (why) {
			snprintf(sg->text, sizeof sg->text, "%snot connected: ", prefix);
			snprintf(sg->tail, sizeof sg->tail, ", retry in %d s", (int)retry);
		} else if (alert != ALERT_NONE && last) {
			snprintf(sg->text, sizeof sg->text, "%sstale %d s, reconnecting in %d s",
			         prefix, (int)silent, (int)retry);
			snprintf(sg->brief, sizeof sg->brief, "%sstale %d s", prefix, (int)silent);
		} else {
			snprintf(sg->text, sizeof sg->text, "%sreconnecting in %d s", prefix,
			         (int)retry);
		}
		sg->role = alert != ALERT_NONE ? alert_role : ROLE_WARN;
		break;
	case FEED_AUTH_FAILED:
		sg->reason[0] = '\0';
		snprintf(sg->text, sizeof sg->text, "%sTOKEN REJECTED, retry in %d s", prefix,
		         (int)retry);
		snprintf(sg->brief, sizeof sg->brief, "%stoken rejected", prefix);
		sg->role = ROLE_STALE;
		break;
	case FEED_STALE:
		snprintf(sg->text, sizeof sg->text, "%sSTALE for %d s, last event %s", prefix,
		         (int)silent, ago);
		snprintf(sg->brief, sizeof sg->brief, "%sstale %d s", prefix, (int)silent);
		sg->role = ROLE_STALE;
		break;
	case FEED_LIVE:
	default:
		if (alert != ALERT_NONE && last) {
			snprintf(sg->text, sizeof sg->text, "%sSTALE for %d s, last event %s",
			         prefix, (int)silent, ago);
			snprintf(sg->brief, sizeof sg->brief, "%sstale %d s", prefix, (int)silent);
			sg->role = alert_role;
		} else {
			snprintf(sg->text, sizeof sg->text, "%slive, last event %s", prefix, ago);
			snprintf(sg->brief, sizeof sg->brief, "%slive", prefix);
			sg->role = ROLE_HEADER;
		}
		break;
	}
	if (f->state != FEED_CONNECTING && f->state != FEED_BACKOFF)
		sg->reason[0] = '\0';
	if (!why && f->state == FEED_BACKOFF && !sg->brief[0])
		snprintf(sg->brief, sizeof sg->brief, "%sreconnecting", prefix);
}

/* The OVH API's own state (roster.h), apart from the feeds: a failure there never stops the
 * events, so it is a warning, not a stale feed. */
static void api_segment(const struct api_status *a, struct segment *sg)
{
	char cut[TEXT_MAX];
	text_fit(cut, sizeof cut, a->last_error, 32);
	sg->prio = 2;
	sg->role = ROLE_WARN;
	switch (a->health) {
	case API_OK:
		snprintf(sg->text, sizeof sg->text, "API ok, %zu agents", a->nagents);
		sg->role = ROLE_HEADER;
		break;
	case API_STARTING:
		snprintf(sg->text, sizeof sg->text, "API: reading the roster");
		sg->role = ROLE_HEADER;
		break;
	case API_RATE_LIMITED: snprintf(sg->text, sizeof sg->text, "API: rate limited"); break;
	case API_AUTH_FAILED: text_join(sg->text, sizeof sg->text, "API refused: ", cut); break;
	case API_ERROR:
	case API_OFF:
	default: text_join(sg->text, sizeof sg->text, "API error: ", cut); break;
	}
}

/* A latency for the header: "450 ms" under a second, "2.8 s" above. */
static void fmt_ms(char *dst, size_t dstsize, int64_t ms)
{
	if (ms < 1000)
		snprintf(dst, dstsize, "%lld ms", (long long)ms);
	else
		snprintf(dst, dstsize, "%lld.%lld s", (long long)(ms / 1000),
		         (long long)(ms % 1000 / 100));
}

/* "latency 120 ms, p95 2.8 s": the feed latency's median and 95th percentile. */
static void fmt_latency(char *dst, size_t dstsize, int64_t p50_ms, int64_t p95_ms)
{
	char p50[24], p95[24];
	fmt_ms(p50, sizeof p50, p50_ms);
	fmt_ms(p95, sizeof p95, p95_ms);
	snprintf(dst, dstsize, "latency %s, p95 %s", p50, p95);
}

/* Columns a segment takes in the bar, its separator included. */
static int segment_width(const struct segment *sg)
{
	if (sg->use_brief)
		return text_width(sg->brief) + 3;
	return text_width(sg->text) + sg->reason_w + text_width(sg->tail) + 3;
}

static int shown_width(const struct segment *seg, const bool *shown, int n, int fixed)
{
	int used = fixed;
	for (int i = 0; i < n; i++)
		if (shown[i])
			used += segment_width(&seg[i]);
	return used;
}

/* Fit the bar in cols (fixed: the columns of the margins and the clock): drop the least
 * important segments; if those that always stay still do not fit, use their short forms and
 * take back the dropped ones that now fit, most important first; then give the room left to
 * the feeds' reasons. Returns the columns used. */
static int header_layout(struct segment *seg, int n, bool *shown, int cols, int fixed)
{
	int used;

	for (int i = 0; i < n; i++) {
		int w = text_width(seg[i].reason);
		shown[i] = true;
		seg[i].use_brief = false;
		seg[i].reason_w = w < REASON_MIN ? w : REASON_MIN;
	}
	for (;;) {
		int worst = -1;
		used = shown_width(seg, shown, n, fixed);
		for (int i = 0; i < n; i++)
			if (shown[i] && seg[i].prio > 0 &&
			    (worst < 0 || seg[i].prio > seg[worst].prio))
				worst = i;
		if (used <= cols || worst < 0)
			break;
		shown[worst] = false;
	}
	if (used > cols) {
		for (int i = 0; i < n; i++)
			seg[i].use_brief = seg[i].brief[0] != '\0';
		for (int prio = 1; prio <= 9; prio++)
			for (int i = 0; i < n; i++)
				if (!shown[i] && seg[i].prio == prio &&
				    shown_width(seg, shown, n, fixed) + segment_width(&seg[i]) <=
				        cols)
					shown[i] = true;
		used = shown_width(seg, shown, n, fixed);
	}
	for (int i = 0; i < n && used < cols; i++) {
		int more = text_width(seg[i].reason) - seg[i].reason_w;
		if (!shown[i] || seg[i].use_brief || more <= 0)
			continue;
		if (more > cols - used)
			more = cols - used;
		seg[i].reason_w += more;
		used += more;
	}
	return used;
}

void header_draw(struct console *c)
{
	struct segment seg[FEEDS_MAX + 12];
	bool shown[FEEDS_MAX + 12];
	int n = 0, used, x, notice = -1;
	char clock[16];

	memset(seg, 0, sizeof seg);
	draw_fill(0, 0, c->cols, ROLE_HEADER);
	snprintf(seg[n].text, sizeof seg[n].text, "ctiboard");
	seg[n].role = ROLE_HEADER;
	seg[n++].prio = 0;
	if (c->paused) {
		snprintf(seg[n].text, sizeof seg[n].text, "PAUSED");
		seg[n].role = ROLE_BANNER;
		seg[n++].prio = 0;
	}
	snprintf(seg[n].text, sizeof seg[n].text, "%s", c->st.source[0] ? c->st.source : "live");
	seg[n].role = ROLE_HEADER;
	seg[n++].prio = 4;
	for (size_t i = 0; i < c->st.nfeeds; i++)
		feed_segment(c, &c->st.feeds[i], true, &seg[n++]);
	if (c->st.api.health != API_OFF)
		api_segment(&c->st.api, &seg[n++]);
	if (c->st.startup.active) { /* the figures are not complete until it is done */
		char progress[sizeof seg[n].text - 24];
		startup_describe(progress, sizeof progress, &c->st.startup, mono_now_ns());
		text_join(seg[n].text, sizeof seg[n].text, "LOADING THE JOURNAL: ", progress);
		seg[n].role = ROLE_BANNER;
		seg[n++].prio = 0;
	}
	snprintf(seg[n].text, sizeof seg[n].text, "%d.%d ev/s", (int)(c->st.events_per_s_x10 / 10),
	         (int)(c->st.events_per_s_x10 % 10));
	seg[n].role = ROLE_HEADER;
	seg[n++].prio = 3;
	int64_t p50 = feed_latency_ms(&c->st.fstats, wall_now_ns(), 0.5);
	if (p50 >= 0) {
		fmt_latency(seg[n].text, sizeof seg[n].text, p50,
		            feed_latency_ms(&c->st.fstats, wall_now_ns(), 0.95));
		seg[n].role = ROLE_HEADER;
		seg[n++].prio = 5;
	}
	uint64_t hook_failed = c->st.hooks.failed[HOOK_RING] + c->st.hooks.failed[HOOK_ALERT];
	if (hook_failed) {
		snprintf(seg[n].text, sizeof seg[n].text, "HOOKS: %llu failed",
		         (unsigned long long)hook_failed);
		seg[n].role = ROLE_WARN;
		seg[n++].prio = 1;
	}
	if (c->st.counters.journal_lost || c->st.journal_error[0]) {
		uint64_t lost = c->st.counters.journal_lost;
		if (lost) /* why: in the event log */
			snprintf(seg[n].text, sizeof seg[n].text,
			         "JOURNAL: %llu line%s not written", (unsigned long long)lost,
			         lost > 1 ? "s" : "");
		else
			snprintf(seg[n].text, sizeof seg[n].text, "NO JOURNAL");
		seg[n].role = ROLE_WARN;
		seg[n++].prio = 1;
	}
	size_t to_call = callbacks_open_shown(&c->st);
	if (to_call) { /* nobody to call back: nothing to say */
		snprintf(seg[n].text, sizeof seg[n].text, "%zu to call back", to_call);
		seg[n].role = ROLE_WARN;
		seg[n++].prio = 2;
	}
	if (c->st.notice[0]) { /* the first to go, then cut to the room left; whole in the log */
		notice = n;
		text_join(seg[n].text, sizeof seg[n].text, "WARNING: ", c->st.notice);
		seg[n].role = ROLE_WARN;
		seg[n++].prio = 9;
	}
	if (c->st.alerts.count) {
		snprintf(seg[n].text, sizeof seg[n].text, "%zu alert%s", c->st.alerts.count,
		         c->st.alerts.count > 1 ? "s" : "");
		seg[n].role = alerts_worst(&c->st.alerts) == ALERT_CRIT ? ROLE_CRIT : ROLE_WARN;
	} else {
		snprintf(seg[n].text, sizeof seg[n].text, "no alert");
		seg[n].role = ROLE_HEADER;
	}
	seg[n++].prio = 0; /* the alert count always stays */

	fmt_clock(clock, sizeof clock, c->now_ns);
	used = header_layout(seg, n, shown, c->cols, 1 + (int)strlen(clock) + 1);
	if (notice >= 0 && !shown[notice] && c->cols - used >= 3 + 20) {
		char cut[sizeof seg[notice].text];
		fmt_cut(cut, sizeof cut, seg[notice].text, c->cols - used - 3);
		memcpy(seg[notice].text, cut, sizeof cut);
		shown[notice] = true;
	}
	x = 1;
	for (int i = 0; i < n && x < c->cols; i++) {
		char text[sizeof seg[i].text + sizeof seg[i].reason + sizeof seg[i].tail];
		char reason[sizeof seg[i].reason];

		if (!shown[i])
			continue;
		if (x > 1) {
			draw_str(0, x, c->cols - x, c->ascii_lines ? "|" : "\u00b7", ROLE_HEADER);
			x += 2;
		}
		if (seg[i].use_brief)
			text_copy(text, sizeof text, seg[i].brief);
		else
			snprintf(text, sizeof text, "%s%s%s", seg[i].text,
			         fmt_cut(reason, sizeof reason, seg[i].reason, seg[i].reason_w),
			         seg[i].tail);
		x += draw_str(0, x, c->cols - x, text, seg[i].role) + 1;
	}
	x = c->cols - (int)strlen(clock) - 1;
	if (x > 0)
		draw_str(0, x, (int)strlen(clock), clock, ROLE_HEADER);
}

/* ---- footer ---- */

enum { HINT_RANK_MAX = 32 };

/* Columns one key hint takes: "F1 Help " */
static int hint_width(const struct action *a)
{
	return (int)strlen(a->hint_key) + (int)strlen(a->hint) + 2;
}

/* The key hints of this view in the table's order, those of the best rank first when they do
 * not all fit in right columns (help and quit before the rest). */
static void footer_hints(struct console *c, int ctx, int right)
{
	const struct action *t = actions_table();
	bool shown[ACT_COUNT] = {false};
	int used = 0, x = 0, y = c->rows - 1;

	for (int rank = 0; rank <= HINT_RANK_MAX; rank++)
		for (int i = 0; i < ACT_COUNT; i++) {
			if (!t[i].hint_key || !(t[i].hint_ctx & ctx) || t[i].hint_rank != rank)
				continue;
			if (c->s->kiosk == 1 && t[i].id != ACT_QUIT)
				continue;
			if (used + hint_width(&t[i]) <= right) {
				shown[i] = true;
				used += hint_width(&t[i]);
			}
		}
	for (int i = 0; i < ACT_COUNT; i++) {
		int kw = (int)strlen(t[i].hint_key ? t[i].hint_key : "");
		if (!shown[i])
			continue;
		x += draw_str(y, x, kw, t[i].hint_key, ROLE_FOOTER_KEY);
		x += draw_str(y, x + 1, hint_width(&t[i]) - kw, t[i].hint, ROLE_FOOTER) + 2;
	}
}

void footer_draw(struct console *c)
{
	int y = c->rows - 1, right = c->cols, ctx = console_ctx(c);
	char buf[sizeof c->status + FILTER_MAX + 64];

	draw_fill(y, 0, c->cols, ROLE_FOOTER);
	if (c->confirm == CONFIRM_ACTION || c->confirm == CONFIRM_BREAK_REASON) {
		supervise_prompt(c, buf, sizeof buf);
		draw_text(y, 0, c->cols, buf, ROLE_BANNER, ALIGN_LEFT);
		return;
	}
	if (c->confirm != CONFIRM_NONE) {
		snprintf(buf, sizeof buf, " %s  y: yes, any other key: no",
		         c->confirm == CONFIRM_RESET
		             ? "Reset today's counters? (to 0, kept on restart)"
		             : "Quit?");
		draw_text(y, 0, c->cols, buf, ROLE_BANNER, ALIGN_LEFT);
		return;
	}
	if (c->filter_edit) {
		snprintf(buf, sizeof buf, " Filter: %s_   Enter keeps it, Esc clears it",
		         c->filter);
		draw_text(y, 0, c->cols, buf, ROLE_BANNER, ALIGN_LEFT);
		return;
	}
	if (c->s->kiosk == 2)
		return;
	if (c->status[0])
		snprintf(buf, sizeof buf, "%s ", c->status);
	else if (c->filter[0])
		snprintf(buf, sizeof buf, "filter: %s ", c->filter);
	else
		buf[0] = '\0';
	if (buf[0]) {
		int w = text_width(buf);

		if (w > c->cols / 2)
			w = c->cols / 2;
		right = c->cols - w;
		draw_text(y, right, w, buf, c->status[0] ? ROLE_FOOTER : ROLE_BANNER, ALIGN_RIGHT);
	}
	footer_hints(c, ctx, right);
}

/* ---- detail ---- */

static const char *call_state_text(enum call_state st)
{
	switch (st) {
	case CALL_RINGING: return "ringing";
	case CALL_RING_ENDED: return "not picked up";
	case CALL_HELD: return "on hold";
	default: return "talking";
	}
}

static void detail_line(struct console *c, const struct line *l, struct tbuf *b)
{
	char num[48], name[TEXT_MAX], ago[32], party[TEXT_MAX], dur[24], when[16];
	char cell[TEXT_MAX];
	char detail[2 * TEXT_MAX];

	phone_display(num, sizeof num, l->number);
	line_name(c, l, name, sizeof name);
	tb_add(b, ROLE_PANEL_TITLE_FOCUS, " Line %s  %s", num, name);
	tb_blank(b);
	fmt_ago(ago, sizeof ago, c->now_ns, l->registered_ns);
	tb_add(b, ROLE_DEFAULT, "  State        %s", line_state_text(l));
	tb_add(b, ROLE_DEFAULT, "  Registered   %s", ago);
	tb_add(b, ROLE_DEFAULT, "  Description  %s", l->description[0] ? l->description : "-");
	tb_add(b, ROLE_DEFAULT, "  Type         %s", l->type[0] ? l->type : "-");
	if (l->simultaneous >= 0)
		tb_add(b, ROLE_DEFAULT, "  Simultaneous calls  %d", l->simultaneous);
	fmt_ago(ago, sizeof ago, c->now_ns, l->last_ns);
	tb_add(b, ROLE_DEFAULT, "  Last event   %s", ago);
	tb_blank(b);
	fmt_duration(dur, sizeof dur, l->today.talk_s);
	tb_add(b, ROLE_COLUMN_HEAD, " Today");
	tb_add(b, ROLE_DEFAULT, "  Calls in %u, out %u; answered %u, missed %u; talk time %s",
	       l->today.calls_in, l->today.calls_out, l->today.answered, l->today.missed, dur);
	tb_blank(b);
	tb_add(b, ROLE_COLUMN_HEAD, " Calls now (%d)", l->ncalls);
	for (size_t i = 0; i < c->st.ncalls; i++) {
		const struct call *k = &c->st.calls[i];
		int64_t d = k->since_ns ? (c->now_ns - k->since_ns) / NS_PER_S : 0;

		if (call_line(c, k) != l)
			continue;
		party_display(c, k->inbound ? k->calling : k->called, party, sizeof party);
		fmt_duration(dur, sizeof dur, d > 0 ? d : 0);
		/* since: where the duration counts from (the answer for a call talking) */
		fmt_clock(when, sizeof when, k->since_ns ? k->since_ns : k->start_ns);
		tb_add(b, k->state == CALL_RINGING ? ROLE_RINGING : ROLE_IN_CALL,
		       "  %-3s %s %-10s %8s  since %s", k->inbound ? "in" : "out",
		       fmt_cols(cell, sizeof cell, party, 28), call_state_text(k->state), dur,
		       when);
	}
	if (l->ncalls == 0)
		tb_add(b, ROLE_DIM, "  none");
	tb_blank(b);
	tb_add(b, ROLE_COLUMN_HEAD, " Recent events of this line (newest first)");
	int shown = 0;
	for (size_t i = 0; i < c->st.log_count; i++) {
		const struct log_entry *e = log_newest(&c->st, i);

		if (strcmp(e->resource, l->number) != 0 ||
		    (e->kind == EV_REGISTERED && !c->log_all))
			continue;
		fmt_clock(when, sizeof when, e->time_ns);
		humanize(c, detail, sizeof detail, e->detail);
		tb_add(b, ROLE_DEFAULT, "  %s  %-20s %s", when, log_kind(e), detail);
		shown++;
	}
	if (!shown)
		tb_add(b, ROLE_DIM, "  none in the log");
}

/* What the OVH API says of the queue: its agents by status, and OVH's own answered and lost
 * counts beside ctiboard's, flagged when they drift apart by more than 2 calls and 5%. */
/* One figure of a queue's detail: "  Offered              42  = 39 answered + ...", the
 * definition wrapped under itself at the width of the screen. */
__attribute__((format(printf, 6, 7))) static void figure_row(struct console *c, struct tbuf *b,
                                                             enum role r, const char *name,
                                                             const char *value, const char *fmt,
                                                             ...)
{
	char head[64], text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	snprintf(head, sizeof head, "%-16s %6s ", name, value);
	tb_wrap_as(b, r, c->cols, 27, head, text);
}

static void detail_queue_api(struct console *c, const struct queue *q, const struct queue_stats *qs,
                             struct tbuf *b)
{
	struct api_agent_counts n;
	api_count_agents(&c->st.api, q->number, NULL, &n);
	if (n.available + n.on_call + n.on_break + n.logged_out > 0) {
		char text[160];
		snprintf(text, sizeof text,
		         "%d available, %d on a call (any queue's), %d on break, %d logged out",
		         n.available, n.on_call, n.on_break, n.logged_out);
		tb_wrap_as(b, n.available ? ROLE_DEFAULT : ROLE_WARN, c->cols, 19,
		           c->st.api.simulated ? "Agents (demo)" : "Agents (OVH)", text);
	}
	uint32_t answered = 0, lost = 0;
	int64_t reset = 0;
	bool have = false;
	for (size_t i = 0; i < c->st.api.nqueues; i++) {
		const struct api_queue *aq = &c->st.api.queues[i];
		if (!aq->have_stats || strcmp(aq->service, q->number) != 0)
			continue;
		answered += aq->answered;
		lost += aq->lost;
		if (aq->last_reset_s > reset)
			reset = aq->last_reset_s;
		have = true;
	}
	if (!have)
		return;
	uint32_t ours_lost = qs->abandoned + qs->short_abandoned + qs->timed_out;
	int64_t da = (int64_t)answered - qs->answered, dl = (int64_t)lost - ours_lost;
	int64_t tol_a = answered / 20 > 2 ? answered / 20 : 2,
	        tol_l = lost / 20 > 2 ? lost / 20 : 2;
	bool drift = da > tol_a || -da > tol_a || dl > tol_l || -dl > tol_l;
	char since[16];
	fmt_clock(since, sizeof since, reset * NS_PER_S);
	char text[256];
	snprintf(text, sizeof text,
	         "%u answered, %u lost since %s; ctiboard %u answered, %u lost%s", answered, lost,
	         since, qs->answered, ours_lost, drift ? "  DRIFT" : "");
	tb_wrap_as(b, drift ? ROLE_WARN : ROLE_DEFAULT, c->cols, 19, "OVH's counts", text);
}

/* The queue's day per interval as a bar chart, as wide as the terminal. */
static void detail_chart(struct console *c, const struct queue *q, struct tbuf *b)
{
	int w = c->cols - 3, h = c->rows >= 40 ? 14 : 10;
	struct chart_cell *grid;

	if (w > 200)
		w = 200;
	if (w < CHART_MIN_W || !(grid = malloc((size_t)w * (size_t)h * sizeof *grid)))
		return;
	tb_add(b, ROLE_COLUMN_HEAD,
	       " Today per %d min: callers offered, answered, unanswered; "
	       "service level",
	       c->s->interval_min);
	if (chart_layout(&q->day, c->st.day_start_s, c->s, !c->utf8 || c->ascii_lines, w, h, grid))
		tb_chart(b, grid, w, h);
	else
		tb_add(b, ROLE_DIM, "  no caller yet today");
	tb_blank(b);
	free(grid);
}

static void detail_queue(struct console *c, const struct queue *q, struct tbuf *b)
{
	char num[48], name[TEXT_MAX], d1[24], d2[24], d3[24], p1[16], party[TEXT_MAX];
	char cell[TEXT_MAX];
	struct queue_stats qs;
	struct queue_rules r;
	const struct settings *s = c->s;
	enum alert_level a;

	queue_stats(q, s, c->now_ns / NS_PER_S, &qs);
	settings_queue_rules(s, q->number, &r);
	a = alerts_level(&c->st.alerts, ALERT_SCOPE_QUEUE, q->number);
	phone_display(num, sizeof num, q->number);
	queue_name(c, q, name, sizeof name);
	tb_add(b, ROLE_PANEL_TITLE_FOCUS, " Queue %s  %s%s", num, name,
	       a == ALERT_CRIT   ? "  (critical)"
	       : a == ALERT_WARN ? "  (warning)"
	                         : "");
	tb_add(b, ROLE_DEFAULT, "  Type %s", q->type[0] ? q->type : "-");
	tb_blank(b);
	tb_add(b, ROLE_COLUMN_HEAD, " Figures of today, and the numbers behind them");
	char v[24];
	snprintf(v, sizeof v, "%d", qs.waiting);
	figure_row(c, b, ROLE_DEFAULT, "Waiting now", v, "%s",
	           q->count >= 0 ? "(Count of the last count event)"
	                         : "(callers waiting in the queue)");
	fmt_duration(d1, sizeof d1, qs.waiting ? qs.longest_wait_s : -1);
	figure_row(c, b, ROLE_DEFAULT, "Longest wait", d1, "%s",
	           "(now - joined time of the oldest caller)");
	snprintf(v, sizeof v, "%u", qs.offered);
	figure_row(c, b, ROLE_DEFAULT, "Offered", v,
	           "= %u answered + %u abandoned + %u short + %u timed out + %u left by key + "
	           "%u other (waiting, or expired)",
	           qs.answered, qs.abandoned, qs.short_abandoned, qs.timed_out, qs.left_by_key,
	           qs.other);
	snprintf(v, sizeof v, "%u", qs.answered);
	figure_row(c, b, ROLE_DEFAULT, "Answered", v, "(%u within %d s)", q->today.answered_in_sl,
	           r.sl_target_s);
	snprintf(v, sizeof v, "%u", qs.abandoned);
	figure_row(c, b, ROLE_DEFAULT, "Abandoned", v,
	           "(left unanswered after %d s; %u sooner: short abandons)", r.short_abandon_s,
	           qs.short_abandoned);
	snprintf(v, sizeof v, "%u", qs.timed_out);
	figure_row(c, b, ROLE_DEFAULT, "Timed out", v, "%s",
	           "(removed by the queue: TIMEOUT, NO_AGENT_TIMEOUT)");
	snprintf(v, sizeof v, "%u", qs.left_by_key);
	figure_row(c, b, ROLE_DEFAULT, "Left by key", v, "%s",
	           "(left with the exit key: not abandons)");
	fmt_pm(p1, sizeof p1, qs.abandon_rate_pm);
	figure_row(c, b, ROLE_DEFAULT, "Abandon rate", p1,
	           "= %u abandoned / (%u answered + %u abandoned)", qs.abandoned, qs.answered,
	           qs.abandoned);
	fmt_pm(p1, sizeof p1, qs.service_level_pm);
	if (s->sl_formula == SL_ANSWERED_ONLY)
		figure_row(c, b, ROLE_DEFAULT, "Service level", p1,
		           "= %u answered within %d s / %u answered", q->today.answered_in_sl,
		           r.sl_target_s, qs.answered);
	else
		figure_row(c, b, ROLE_DEFAULT, "Service level", p1,
		           "= %u answered within %d s / (%u answered + %u abandoned)",
		           q->today.answered_in_sl, r.sl_target_s, qs.answered, qs.abandoned);
	fmt_duration(d1, sizeof d1, qs.avg_wait_s);
	fmt_duration(d2, sizeof d2, q->today.wait_total_s);
	figure_row(c, b, ROLE_DEFAULT, "Average wait", d1, "= %s total wait / %u answered", d2,
	           qs.answered);
	fmt_duration(d1, sizeof d1, qs.avg_talk_s);
	fmt_duration(d2, sizeof d2, q->today.talk_total_s);
	figure_row(c, b, ROLE_DEFAULT, "Average talk", d1,
	           "= %s total talk / %u finished agent call%s", d2, q->today.talks,
	           q->today.talks == 1 ? "" : "s");
	fmt_duration(d3, sizeof d3, qs.worst_wait_s);
	figure_row(c, b, ROLE_DEFAULT, "Worst wait", d3, "%s",
	           "(longest wait today, answered or not)");
	snprintf(v, sizeof v, "%d", qs.agents_on_call);
	figure_row(c, b, ROLE_DEFAULT, "Agents on call", v,
	           "of %d agent%s seen; %u offer%s not taken", qs.agents_known,
	           qs.agents_known == 1 ? "" : "s", q->today.agent_failures,
	           q->today.agent_failures == 1 ? "" : "s");
	detail_queue_api(c, q, &qs, b);
	tb_blank(b);
	detail_chart(c, q, b);

	tb_add(b, ROLE_COLUMN_HEAD, " Callers in the queue (%zu)", q->nmembers);
	for (size_t i = 0; i < q->nmembers; i++) {
		const struct member *mb = &q->members[i];
		int64_t end = mb->answered_s ? mb->answered_s : c->now_ns / NS_PER_S;
		char agent[TEXT_MAX] = "";

		member_caller(c, mb, party, sizeof party);
		fmt_duration(d1, sizeof d1,
		             mb->joined_s && end > mb->joined_s ? end - mb->joined_s : 0);
		if (mb->agent[0])
			party_display(c, mb->agent, agent, sizeof agent);
		tb_add(b, mb->state == MEMBER_WAITING ? ROLE_DEFAULT : ROLE_IN_CALL,
		       "  %s waited %7s  %-10s %s", fmt_cols(cell, sizeof cell, party, 28), d1,
		       mb->state == MEMBER_WITH_AGENT ? "with agent" : member_state_name(mb->state),
		       agent);
	}
	if (q->nmembers == 0)
		tb_add(b, ROLE_DIM, "  none");
	tb_blank(b);
	tb_add(b, ROLE_COLUMN_HEAD, " Agents (%zu)", q->nagents);
	for (size_t i = 0; i < q->nagents; i++) {
		const struct agent *ag = &q->agents[i];

		party_display(c, ag->number, party, sizeof party);
		fmt_duration(d1, sizeof d1,
		             ag->on_call && ag->since_s ? c->now_ns / NS_PER_S - ag->since_s : -1);
		tb_add(b, ag->on_call ? ROLE_IN_CALL : ROLE_DEFAULT,
		       "  %s %-8s %7s  %3u taken today  %s", fmt_cols(cell, sizeof cell, party, 28),
		       ag->on_call ? "on call" : "free", d1, ag->taken_today, ag->status);
	}
	if (q->nagents == 0)
		tb_add(b, ROLE_DIM, "  none seen yet");
}

void detail_draw(struct console *c, int y, int h)
{
	struct tbuf b = {0};

	if (c->detail_agent) {
		agent_detail_draw(c, y, h);
		return;
	}
	if (c->detail_queue) {
		const struct queue *q = lookup_queue(c, c->detail_number);

		if (q)
			detail_queue(c, q, &b);
	} else {
		const struct line *l = lookup_line(c, c->detail_number);

		if (l)
			detail_line(c, l, &b);
	}
	if (b.n == 0)
		tb_add(&b, ROLE_DIM, "  this %s is no longer known",
		       c->detail_queue ? "queue" : "line");
	tb_draw(c, &b, &c->detail, y, h);
}

/* ---- help ---- */

void help_draw(struct console *c, int y, int h)
{
	struct tbuf b = {0};
	const struct action *t = actions_table();
	struct stat_definition defs[STAT_DEFINITIONS_MAX];
	size_t ndefs = stats_definitions(c->s, defs, STAT_DEFINITIONS_MAX);
	const struct settings *s = c->s;

	tb_add(&b, ROLE_PANEL_TITLE_FOCUS, " ctiboard help  (Esc or ? to go back)");
	tb_blank(&b);
	tb_add(&b, ROLE_COLUMN_HEAD, " Keys");
	for (int i = 0; i < ACT_COUNT; i++) {
		char help[1024];
		bool seen = false;
		/* a key with a meaning per view is one line: its meanings joined */
		for (int j = 0; j < i; j++)
			seen = seen || strcmp(t[j].key_names, t[i].key_names) == 0;
		if (seen)
			continue;
		text_copy(help, sizeof help, t[i].help);
		for (int j = i + 1; j < ACT_COUNT; j++)
			if (strcmp(t[j].key_names, t[i].key_names) == 0) {
				size_t n = strlen(help);
				snprintf(help + n, sizeof help - n, "; %s", t[j].help);
			}
		tb_wrap(&b, c->cols, 19, t[i].key_names, help);
	}
	if (s->mouse)
		tb_add(&b, ROLE_DEFAULT, "  %-16s %s", "mouse",
		       "click selects a row, wheel scrolls");
	tb_blank(&b);
	tb_add(&b, ROLE_COLUMN_HEAD, " Callers to call back (c; the last %d h, across midnight)",
	       s->callback_window_h);
	tb_wrap(&b, c->cols, 21, "Enters the list",
	        "a caller who left a queue unanswered: abandoned, timed out, left by key, or a "
	        "short abandon (listed with a)");
	tb_wrap(&b, c->cols, 21, "Called back",
	        "closed by a later outgoing call to the number that is answered; one nobody "
	        "answers is counted and leaves it open");
	tb_wrap(&b, c->cols, 21, "Called in",
	        "closed when the caller calls again and is answered, in any queue or on any line");
	tb_wrap(&b, c->cols, 21, "Same number", "06..., +336... and 00336... are one caller");
	tb_blank(&b);
	tb_add(&b, ROLE_COLUMN_HEAD, " Figures (today: since local midnight%s)",
	       s->shift_start_min ? " plus the shift start" : "");
	for (size_t i = 0; i < ndefs; i++)
		tb_wrap(&b, c->cols, 21, defs[i].name, defs[i].formula);
	tb_add(&b, ROLE_DEFAULT, "  %-18s %d s%s", "T (target)", s->sl_target_s,
	       s->sl_formula == SL_ANSWERED_ONLY ? ", abandons left out of the service level" : "");
	tb_blank(&b);
	tb_add(&b, ROLE_COLUMN_HEAD, " Alerts (warning / critical; 0 is off)");
	tb_add(&b, ROLE_DEFAULT, "  callers waiting      %d / %d", s->alert_waiting_warn,
	       s->alert_waiting_crit);
	tb_add(&b, ROLE_DEFAULT, "  longest wait         %d s / %d s", s->alert_wait_warn_s,
	       s->alert_wait_crit_s);
	tb_add(&b, ROLE_DEFAULT, "  service level below  %d%% / %d%%", s->alert_sl_warn,
	       s->alert_sl_crit);
	tb_add(&b, ROLE_DEFAULT, "  ringing longer than  %d s / %d s", s->alert_ring_warn_s,
	       s->alert_ring_crit_s);
	tb_add(&b, ROLE_DEFAULT, "  feed silent for      %d s / %d s", s->alert_stale_warn_s,
	       s->alert_stale_crit_s);
	tb_add(&b, ROLE_DEFAULT,
	       "  nobody answering     none answered in %d min: offered / timed out",
	       s->alert_nobody_min);
	tb_add(&b, ROLE_DEFAULT,
	       "  no agent available   callers waiting, all on a call / none logged in (OVH API)");
	tb_add(&b, ROLE_DEFAULT,
	       "  Per queue: queue.<number>.<key>. An alert clears 5%% back past it.");
	tb_add(&b, ROLE_DEFAULT, "  A row in alert starts with %c (warning) or %c (critical).",
	       theme_alert_marker(ALERT_WARN), theme_alert_marker(ALERT_CRIT));
	tb_draw(c, &b, &c->help, y, h);
}
