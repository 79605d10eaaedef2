/* livecalls.c: the Live calls view: the calls of one queue now, as the OVH API lists them
 * (read while the view is open), for a supervisor to listen to, whisper into or hang up. */
#include <stdio.h>
#include <string.h>

#include "console.h"
#include "draw.h"
#include "labels.h"
#include "text.h"

/* The calls of the copy, when they are the watched queue's. */
static const struct api_live_calls *calls_of(const struct console *c)
{
	const struct api_live_calls *l = &c->st.api.live;
	return strcmp(l->service, c->live_queue) == 0 ? l : NULL;
}

void live_move(struct console *c, int delta)
{
	int sel = c->live_sel + delta;
	if (sel >= c->live_n)
		sel = c->live_n - 1;
	c->live_sel = sel < 0 ? 0 : sel;
}

bool live_open(struct console *c, const char *queue)
{
	if (!queue || !queue[0])
		return false;
	if (strcmp(c->live_queue, queue) != 0)
		c->live_sel = c->live_top = 0;
	text_copy(c->live_queue, sizeof c->live_queue, queue);
	c->live_back = c->view;
	c->view = VIEW_LIVE;
	return true;
}

const struct api_live_call *live_selected(const struct console *c)
{
	const struct api_live_calls *l = calls_of(c);
	if (!l || c->live_sel < 0 || (size_t)c->live_sel >= l->n)
		return NULL;
	return &l->calls[c->live_sel];
}

/* "12:34" since t_s, "-" when unknown. */
static char *since(const struct console *c, char *dst, size_t n, int64_t t_s)
{
	int64_t now_s = c->now_ns / NS_PER_S;
	return fmt_duration(dst, n, t_s > 0 && now_s >= t_s ? now_s - t_s : -1);
}

/* Why there is no call to show, or NULL when there are calls. */
static const char *empty_reason(const struct console *c, const struct api_live_calls *l)
{
	const struct api_status *a = &c->st.api;
	if (a->simulated)
		return "  the demo has no live calls: they come from the OVH API";
	if (a->health == API_OFF)
		return "  live calls come from the OVH API: set it up with ctiboard api login";
	if (!l)
		return "  reading the live calls from the OVH API...";
	if (l->failed)
		return "  the OVH API did not list them (see the header); trying again";
	return l->n ? NULL : "  no call in this queue now";
}

void live_draw(struct console *c, int y, int h)
{
	const struct api_live_calls *l = calls_of(c);
	char line[4 * TEXT_MAX], title[256], name[TEXT_MAX], num[48], clock[16];
	char caller[64], agent[64], queue[64], dur[16];
	const struct queue *q = lookup_queue(c, c->live_queue);
	if (q)
		queue_name(c, q, name, sizeof name);
	else
		text_copy(name, sizeof name, "");
	phone_display(num, sizeof num, c->live_queue);
	c->live_n = l ? (int)l->n : 0;
	live_move(c, 0);
	if (l && l->read_ns)
		fmt_clock(clock, sizeof clock, l->read_ns);
	snprintf(title, sizeof title, " Live calls of %s%s%s%s: %d%s%s  (Esc: back)", name,
	         name[0] ? " (" : "", num, name[0] ? ")" : "", c->live_n,
	         l && l->read_ns ? ", read at " : "", l && l->read_ns ? clock : "");
	draw_text(y, 0, c->cols, title, ROLE_PANEL_TITLE_FOCUS, ALIGN_LEFT);
	snprintf(line, sizeof line, "  %-22s %-8s %8s  %-18s %s", "Caller", "State", "For", "Agent",
	         "Queue");
	draw_text(y + 1, 0, c->cols, line, ROLE_COLUMN_HEAD, ALIGN_LEFT);
	int body = h - 3;
	/* the last line: the last action's answer, else whom listening calls */
	if (c->action_note[0]) {
		draw_text(y + h - 1, 0, c->cols, c->action_note,
		          c->action_note_bad ? ROLE_WARN : ROLE_DIM, ALIGN_LEFT);
	} else if (c->s->supervisor_number[0]) {
		phone_display(num, sizeof num, c->s->supervisor_number);
		snprintf(line, sizeof line,
		         " L listen, W whisper (OVH calls you on %s), H hang up;"
		         " each asks to confirm",
		         num);
		draw_text(y + h - 1, 0, c->cols, line, ROLE_DIM, ALIGN_LEFT);
	} else {
		draw_text(y + h - 1, 0, c->cols,
		          " supervisor_number is not set: L listen and W whisper need it; "
		          "H hang up does not",
		          ROLE_DIM, ALIGN_LEFT);
	}
	const char *why = empty_reason(c, l);
	if (why) {
		draw_text(y + 2, 0, c->cols, why, ROLE_DIM, ALIGN_LEFT);
		return;
	}
	if (c->live_sel < c->live_top)
		c->live_top = c->live_sel;
	if (body > 0 && c->live_sel >= c->live_top + body)
		c->live_top = c->live_sel - body + 1;
	for (int i = c->live_top; i < c->live_n && i - c->live_top < body; i++) {
		const struct api_live_call *k = &l->calls[i];
		char who[2 * TEXT_MAX], number[TEXT_MAX];
		if (k->caller[0] >= '0' && k->caller[0] <= '9')
			party_display(c, k->caller, number, sizeof number);
		else
			text_copy(number, sizeof number, k->caller);
		/* the name OVH gives first, then the number (or the names file's name) */
		if (k->caller_name[0] && strcmp(k->caller_name, number) != 0)
			snprintf(who, sizeof who, "%s %s", k->caller_name, number);
		else
			text_copy(who, sizeof who, number);
		const char *state = !k->answered ? "waiting" : k->on_hold ? "on hold" : "talking";
		snprintf(line, sizeof line, "  %s %-8s %8s  %s %s",
		         fmt_cols(caller, sizeof caller, who, 22), state,
		         since(c, dur, sizeof dur, k->answered ? k->answered_s : k->begin_s),
		         fmt_cols(agent, sizeof agent, k->agent[0] ? k->agent : "-", 18),
		         fmt_cols(queue, sizeof queue, k->queue, 30));
		draw_text(y + 2 + i - c->live_top, 0, c->cols, line,
		          i == c->live_sel ? ROLE_SELECTED
		          : !k->answered   ? ROLE_RINGING
		                           : ROLE_IN_CALL,
		          ALIGN_LEFT);
	}
}
