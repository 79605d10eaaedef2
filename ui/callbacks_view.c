/* callbacks_view.c: the Callbacks view: who is waiting for a call back, open ones first and
 * oldest first, with their age; Enter shows the history of the selected caller.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "console.h"
#include "draw.h"
#include "labels.h"
#include "names.h"
#include "text.h"
#include "textbuf.h"
#include "theme.h"

size_t callbacks_open_shown(const struct model_state *st)
{
	return st->callbacks.nopen - st->callbacks.nopen_short;
}

/* The caller of an entry for display: the names file, the caller-id name, else the number. */
static const char *caller_text(const struct console *c, const struct callback *e, char *dst,
                               size_t size)
{
	const char *n = names_lookup(c->names, e->caller);
	if (n && *n)
		snprintf(dst, size, "%s", n);
	else if (e->display[0] && strspn(e->display, "0123456789 +.-()") != strlen(e->display))
		snprintf(dst, size, "%s", e->display);
	else
		phone_display(dst, size, e->caller);
	return dst;
}

/* "HH:MM" of a time, local. */
static char *hhmm(char *dst, size_t size, int64_t t_s)
{
	time_t t = (time_t)t_s;
	struct tm tm;
	if (!localtime_r(&t, &tm) || strftime(dst, size, "%H:%M", &tm) == 0)
		snprintf(dst, size, "?");
	return dst;
}

/* What happened to an entry, in words. */
static void status_text(const struct console *c, const struct callback *e, char *dst, size_t size)
{
	char who[TEXT_MAX], at[16];
	if (e->status == CB_OPEN) {
		if (e->attempts)
			snprintf(dst, size, "open, %u attempt%s", e->attempts,
			         e->attempts > 1 ? "s" : "");
		else
			snprintf(dst, size, "open");
		return;
	}
	party_display(c, e->closed_by, who, sizeof who);
	hhmm(at, sizeof at, e->closed_at_s);
	/* the time first: a narrow screen cuts the name, not when */
	if (e->status == CB_CALLED_BACK)
		snprintf(dst, size, "%s called back by %s", at, who);
	else
		snprintf(dst, size, "%s called in, answered by %s", at, who);
}

/* Does the filter keep this entry? Caller name or number, queue, status or outcome words. */
static bool entry_matches(const struct console *c, const struct callback *e)
{
	char name[TEXT_MAX], queue[TEXT_MAX], status[2 * TEXT_MAX];
	if (!c->filter[0])
		return true;
	caller_text(c, e, name, sizeof name);
	party_display(c, e->queue, queue, sizeof queue);
	status_text(c, e, status, sizeof status);
	return filter_match(c->filter, name, e->caller) || filter_match(c->filter, queue, NULL) ||
	       filter_match(c->filter, status, NULL) ||
	       filter_match(c->filter, cb_outcome_label(e->outcome), NULL);
}

/* The entries shown, in order: positions into st.callbacks.entries. */
static size_t shown_entries(const struct console *c, size_t *order)
{
	size_t n = callbacks_order(&c->st.callbacks, c->cb_short, order), kept = 0;
	for (size_t i = 0; i < n; i++)
		if (entry_matches(c, &c->st.callbacks.entries[order[i]]))
			order[kept++] = order[i];
	return kept;
}

/* STATUS_MIN: room for "09:50 called in, an…": whether a caller was called back or called in
 * shows at 80 columns, where the time they left (their age says it too) is dropped for it */
enum { CB_COLS = 8, NAME_MAX_COLS = 22, QUEUE_MIN = 6, STATUS_MIN = 20 };
enum cb_col {
	COL_AGE,
	COL_CALLER,
	COL_QUEUE,
	COL_LEFT,
	COL_WAITED,
	COL_OUTCOME,
	COL_TRIES,
	COL_STATUS
};

static const char *const cb_head[CB_COLS] = {"Age",    "Caller",  "Queue", "Left",
                                             "Waited", "Outcome", "Tries", "Status"};

/* One entry's cells as text. */
struct cb_cells {
	char age[24], caller[TEXT_MAX], queue[TEXT_MAX], left[16], waited[24], tries[16];
	char status[2 * TEXT_MAX + 32];
	const char *cell[CB_COLS];
	bool caller_is_number; /* a number is never cut */
};

static void entry_cells(const struct console *c, const struct callback *e, struct cb_cells *k)
{
	int64_t now_s = c->now_ns / NS_PER_S;
	fmt_duration(k->age, sizeof k->age, now_s > e->left_at_s ? now_s - e->left_at_s : 0);
	caller_text(c, e, k->caller, sizeof k->caller);
	char num[48];
	phone_display(num, sizeof num, e->caller);
	k->caller_is_number = strcmp(num, k->caller) == 0;
	party_display(c, e->queue, k->queue, sizeof k->queue);
	hhmm(k->left, sizeof k->left, e->left_at_s);
	fmt_duration(k->waited, sizeof k->waited, e->wait_s);
	snprintf(k->tries, sizeof k->tries, "%u", e->tries);
	status_text(c, e, k->status, sizeof k->status);
	const char *cell[CB_COLS] = {k->age,   k->caller, k->queue,
	                             k->left,  k->waited, cb_outcome_label(e->outcome),
	                             k->tries, k->status};
	memcpy(k->cell, cell, sizeof cell);
}

/* Column widths (0: hidden) for a width: each column as wide as its longest value (a number
 * whole, a name up to NAME_MAX_COLS), the queue narrowed and the status given the rest; the
 * times of the first try dropped only when even that leaves the status too little room. */
static void layout(const struct console *c, const size_t *order, size_t n, int w,
                   int widths[CB_COLS])
{
	for (int i = 0; i < CB_COLS; i++)
		widths[i] = text_width(cb_head[i]);
	for (size_t r = 0; r < n; r++) {
		struct cb_cells k;
		entry_cells(c, &c->st.callbacks.entries[order[r]], &k);
		for (int i = 0; i < COL_STATUS; i++) {
			int cw = text_width(k.cell[i]);
			if (i == COL_CALLER && !k.caller_is_number && cw > NAME_MAX_COLS)
				cw = NAME_MAX_COLS;
			if (cw > widths[i])
				widths[i] = cw;
		}
	}
	int queue = widths[COL_QUEUE];
	for (int drop = 0; drop < 3; drop++) {
		if (drop == 1)
			widths[COL_LEFT] = 0;
		if (drop == 2)
			widths[COL_WAITED] = 0;
		int fixed = 2;
		for (int i = 0; i < COL_STATUS; i++)
			if (i != COL_QUEUE && widths[i])
				fixed += widths[i] + 1;
		int rest = w - fixed; /* the queue, a space, the status */
		widths[COL_QUEUE] = rest - 1 - STATUS_MIN < queue ? rest - 1 - STATUS_MIN : queue;
		if (widths[COL_QUEUE] < QUEUE_MIN)
			widths[COL_QUEUE] = QUEUE_MIN;
		widths[COL_STATUS] = rest - widths[COL_QUEUE] - 1;
		if (widths[COL_STATUS] >= STATUS_MIN)
			break;
	}
	if (widths[COL_STATUS] < 0)
		widths[COL_STATUS] = 0;
}

/* One row of the list at y, in w columns; cells already as text, cut with a visible mark. */
static void draw_row(int y, int w, const int widths[CB_COLS], const char *const cell[CB_COLS],
                     enum role role)
{
	int x = 2;
	static const bool right[CB_COLS] = {true, false, false, false, true, false, true, false};
	draw_fill(y, 0, w, role);
	for (int i = 0; i < CB_COLS; i++) {
		char cut[2 * TEXT_MAX + 32];
		if (!widths[i] || x >= w)
			continue;
		int cw = widths[i] < w - x ? widths[i] : w - x;
		draw_text(y, x, cw, fmt_cut(cut, sizeof cut, cell[i], cw), role,
		          right[i] ? ALIGN_RIGHT : ALIGN_LEFT);
		x += widths[i] + 1;
	}
}

static void draw_list(struct console *c, int y, int h, const size_t *order, size_t n)
{
	const struct callback_list *cb = &c->st.callbacks;
	int widths[CB_COLS];
	char title[160];
	size_t shorts = cb->nopen_short;
	layout(c, order, n, c->cols, widths);

	snprintf(title, sizeof title, " Callbacks: %zu to call back%s",
	         callbacks_open_shown(&c->st), c->filter[0] ? ", filtered" : "");
	if (shorts && !c->cb_short)
		snprintf(title + strlen(title), sizeof title - strlen(title),
		         " (%zu short abandon%s hidden: a lists them)", shorts,
		         shorts > 1 ? "s" : "");
	draw_text(y, 0, c->cols, title, ROLE_PANEL_TITLE_FOCUS, ALIGN_LEFT);
	draw_row(y + 1, c->cols, widths, cb_head, ROLE_COLUMN_HEAD);
	int body = h - 2;
	c->cb_rows = body;
	if (n == 0) {
		draw_text(y + 2, 2, c->cols - 2,
		          c->filter[0] ? "nothing matches the filter" : "nobody to call back",
		          ROLE_DIM, ALIGN_LEFT);
		return;
	}
	/* keep the selected caller selected as the list moves */
	if (c->cb_key[0])
		for (size_t i = 0; i < n; i++)
			if (strcmp(cb->entries[order[i]].caller, c->cb_key) == 0) {
				c->cb_sel = (int)i;
				break;
			}
	if (c->cb_sel >= (int)n)
		c->cb_sel = (int)n - 1;
	if (c->cb_sel < c->cb_top)
		c->cb_top = c->cb_sel;
	if (body > 0 && c->cb_sel >= c->cb_top + body)
		c->cb_top = c->cb_sel - body + 1;
	if (c->cb_top > (int)n - body)
		c->cb_top = (int)n - body > 0 ? (int)n - body : 0;
	text_copy(c->cb_key, sizeof c->cb_key, cb->entries[order[c->cb_sel]].caller);
	for (int i = 0; i < body && c->cb_top + i < (int)n; i++) {
		const struct callback *e = &cb->entries[order[c->cb_top + i]];
		struct cb_cells k;
		entry_cells(c, e, &k);
		bool selected = c->cb_top + i == c->cb_sel;
		enum role role = selected                           ? ROLE_SELECTED
		                 : e->status != CB_OPEN             ? ROLE_DIM
		                 : e->outcome == CB_SHORT_ABANDONED ? ROLE_DIM
		                                                    : ROLE_WARN;
		draw_row(y + 2 + i, c->cols, widths, k.cell, role);
	}
}

/* The history of the selected caller: each try, each call back. */
static void draw_history(struct console *c, int y, int h, const struct callback *e)
{
	char caller[TEXT_MAX], num[48], at[32], who[TEXT_MAX], d[24], line[3 * TEXT_MAX];
	caller_text(c, e, caller, sizeof caller);
	phone_display(num, sizeof num, e->caller);
	snprintf(line, sizeof line, " Callback history: %s%s%s  (%s)  Esc: back", caller,
	         strcmp(caller, num) ? "  " : "", strcmp(caller, num) ? num : "",
	         cb_status_label(e->status));
	draw_text(y, 0, c->cols, line, ROLE_PANEL_TITLE_FOCUS, ALIGN_LEFT);
	int row = y + 2, last = y + h;
	if (e->steps_dropped && row < last) {
		snprintf(line, sizeof line, "  (%u steps between the first and these not kept)",
		         e->steps_dropped);
		draw_text(row++, 0, c->cols, line, ROLE_DIM, ALIGN_LEFT);
	}
	int total = (int)e->nsteps;
	c->cb_hist.total = total;
	c->cb_hist.height = last - row;
	scroller_move(&c->cb_hist, 0);
	for (int i = c->cb_hist.top; i < total && row < last; i++) {
		const struct cb_step *s = &e->steps[i];
		time_t t = (time_t)s->at_s;
		struct tm tm;
		if (!localtime_r(&t, &tm) || strftime(at, sizeof at, "%Y-%m-%d %H:%M:%S", &tm) == 0)
			snprintf(at, sizeof at, "?");
		party_display(c, s->who, who, sizeof who);
		enum role role = ROLE_DEFAULT;
		switch (s->kind) {
		case CB_STEP_LEFT:
			fmt_duration(d, sizeof d, s->wait_s);
			snprintf(line, sizeof line, "  %s  left %s after waiting %s: %s", at, who,
			         d, cb_outcome_label(s->outcome));
			role = ROLE_WARN;
			break;
		case CB_STEP_ATTEMPT:
			snprintf(line, sizeof line, "  %s  called back from %s: no answer", at,
			         who);
			break;
		case CB_STEP_CALLED_BACK:
			snprintf(line, sizeof line, "  %s  called back by %s: answered", at, who);
			role = ROLE_OK;
			break;
		case CB_STEP_CALLED_IN:
		default:
			snprintf(line, sizeof line, "  %s  called in again, answered by %s", at,
			         who);
			role = ROLE_OK;
			break;
		}
		draw_text(row++, 0, c->cols, line, role, ALIGN_LEFT);
	}
}

void callbacks_draw(struct console *c, int y, int h)
{
	size_t *order = c->st.callbacks.n ? malloc(c->st.callbacks.n * sizeof *order) : NULL;
	size_t n = order ? shown_entries(c, order) : 0;
	if (c->cb_history && n > 0) {
		if (c->cb_sel >= (int)n)
			c->cb_sel = (int)n - 1;
		draw_history(c, y, h, &c->st.callbacks.entries[order[c->cb_sel]]);
	} else {
		c->cb_history = false;
		draw_list(c, y, h, order, n);
	}
	free(order);
}
