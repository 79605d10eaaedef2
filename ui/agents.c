/* agents.c: the Agents view: every agent the OVH API lists (with its live status) and every
 * agent only the events named, sortable and filterable, and the day of one agent. */
#define _GNU_SOURCE /* qsort_r */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collate.h"
#include "console.h"
#include "draw.h"
#include "eventlog.h"
#include "labels.h"
#include "text.h"

struct agent_row {
	char number[NUM_MAX];
	char name[TEXT_MAX];
	const char *status; /* in words */
	enum role role;
	int64_t since_s; /* 0 unknown */
	char break_reason[TEXT_MAX];
	uint32_t taken;
	int64_t talk_s;
	char queues[TEXT_MAX];
	bool from_api;
	int64_t agent_id;          /* from_api */
	char service[2 * NUM_MAX]; /* from_api */
};

static const char *const sort_names[] = {"name", "status", "time in status", "calls taken"};
#define NSORTS ((int)(sizeof sort_names / sizeof sort_names[0]))

/* OVH's live status in words, and how it is drawn. */
static const char *status_words(const char *s, enum role *r)
{
	static const struct {
		const char *api, *words;
		enum role role;
	} map[] = {
	    {"waiting", "available", ROLE_OK},           {"receiving", "ringing", ROLE_RINGING},
	    {"inAQueueCall", "on a call", ROLE_IN_CALL}, {"on_call", "on a call", ROLE_IN_CALL},
	    {"onBreak", "on break", ROLE_WARN},          {"loggedOut", "logged out", ROLE_DIM},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(s, map[i].api) == 0) {
			*r = map[i].role;
			return map[i].words;
		}
	*r = ROLE_DEFAULT;
	return s[0] ? s : "-";
}

static bool listed(const struct agent_row *rows, int n, const char *number)
{
	for (int i = 0; i < n; i++)
		if (strcmp(rows[i].number, number) == 0)
			return true;
	return false;
}

/* Every agent of the copy: the API's first, then those only events named. */
static int collect(const struct console *c, struct agent_row **out)
{
	const struct model_state *st = &c->st;
	size_t max = st->api.nagents;
	for (size_t q = 0; q < st->nqueues; q++)
		max += st->queues[q].nagents;
	struct agent_row *rows = calloc(max ? max : 1, sizeof *rows);
	int n = 0;
	if (!rows) {
		*out = NULL;
		return 0;
	}
	for (size_t i = 0; i < st->api.nagents; i++) {
		const struct api_agent *a = &st->api.agents[i];
		struct agent_row *r = &rows[n++];
		text_copy(r->number, sizeof r->number, a->number);
		if (a->name[0])
			text_copy(r->name, sizeof r->name, a->name);
		else
			party_display(c, a->number, r->name, sizeof r->name);
		r->status = status_words(a->status, &r->role);
		r->since_s = a->status_since_s;
		text_copy(r->break_reason, sizeof r->break_reason, a->break_reason);
		r->taken = a->taken_today;
		r->talk_s = a->talk_s;
		text_copy(r->queues, sizeof r->queues, a->queues);
		r->from_api = true;
		r->agent_id = a->agent_id;
		text_copy(r->service, sizeof r->service, a->service);
	}
	for (size_t q = 0; q < st->nqueues; q++) {
		const struct queue *qu = &st->queues[q];
		char qname[TEXT_MAX];
		queue_name(c, qu, qname, sizeof qname);
		for (size_t k = 0; k < qu->nagents; k++) {
			const struct agent *a = &qu->agents[k];
			struct agent_row *r = NULL;
			for (int i = 0; i < n; i++)
				if (!rows[i].from_api && strcmp(rows[i].number, a->number) == 0)
					r = &rows[i];
			if (!r && listed(rows, n, a->number))
				continue; /* the API has it */
			if (!r) {
				r = &rows[n++];
				text_copy(r->number, sizeof r->number, a->number);
				party_display(c, a->number, r->name, sizeof r->name);
				r->status =
				    status_words(a->on_call ? "on_call" : a->status, &r->role);
				r->since_s = a->on_call ? a->since_s : 0;
			} else if (a->on_call) {
				r->status = status_words("on_call", &r->role);
				r->since_s = a->since_s;
			}
			r->taken += a->taken_today;
			r->talk_s += a->talk_today_s;
			char sofar[TEXT_MAX];
			text_copy(sofar, sizeof sofar, r->queues);
			if (sofar[0])
				text_join(sofar, sizeof sofar, r->queues, ", ");
			text_join(r->queues, sizeof r->queues, sofar, qname);
		}
	}
	*out = rows;
	return n;
}

/* Rows in the order ctx points to (the console's agents_sort), then by name. */
static int compare(const void *pa, const void *pb, void *ctx)
{
	const struct agent_row *a = pa, *b = pb;
	int d = 0;
	switch (*(const int *)ctx) {
	case 1: d = strcmp(a->status, b->status); break;
	case 2: d = (a->since_s > b->since_s) - (a->since_s < b->since_s); break;
	case 3: d = (b->taken > a->taken) - (b->taken < a->taken); break;
	default: break;
	}
	return d ? d : name_collate(a->name, b->name);
}

/* The rows shown: collected, filtered, sorted. */
static int shown_rows(const struct console *c, struct agent_row **out)
{
	struct agent_row *rows;
	int n = collect(c, &rows), kept = 0;
	for (int i = 0; i < n; i++)
		if (filter_match(c->filter, rows[i].name, rows[i].number) ||
		    filter_match(c->filter, rows[i].status, NULL) ||
		    filter_match(c->filter, rows[i].break_reason, NULL) ||
		    filter_match(c->filter, rows[i].queues, NULL))
			rows[kept++] = rows[i];
	int order = c->agents_sort;
	if (kept > 1)
		qsort_r(rows, (size_t)kept, sizeof *rows, compare, &order);
	*out = rows;
	return kept;
}

const char *agents_sort_name(int sort)
{
	return sort_names[sort % NSORTS];
}

int agents_sort_count(void)
{
	return NSORTS;
}

void agents_move(struct console *c, int delta)
{
	int sel = c->agents_sel + delta;
	if (sel >= c->agents_n)
		sel = c->agents_n - 1;
	c->agents_sel = sel < 0 ? 0 : sel;
}

bool agents_open(struct console *c)
{
	struct agent_row *rows;
	int n = shown_rows(c, &rows);
	bool ok = c->agents_sel >= 0 && c->agents_sel < n;
	if (ok)
		text_copy(c->detail_number, sizeof c->detail_number, rows[c->agents_sel].number);
	free(rows);
	return ok;
}

bool agents_selected(const struct console *c, struct api_action *a)
{
	struct agent_row *rows;
	int n = shown_rows(c, &rows);
	bool ok = c->agents_sel >= 0 && c->agents_sel < n && rows[c->agents_sel].from_api;
	if (ok) {
		const struct agent_row *r = &rows[c->agents_sel];
		a->agent_id = r->agent_id;
		text_copy(a->service, sizeof a->service, r->service);
		text_copy(a->agent_number, sizeof a->agent_number, r->number);
		text_copy(a->agent_name, sizeof a->agent_name, r->name);
	}
	free(rows);
	return ok;
}

/* "12:34" since the status began, "-" when unknown. */
static char *since_text(const struct console *c, char *dst, size_t n, int64_t since_s)
{
	int64_t now_s = c->now_ns / NS_PER_S;
	return fmt_duration(dst, n, since_s > 0 && now_s >= since_s ? now_s - since_s : -1);
}

void agents_draw(struct console *c, int y, int h)
{
	struct agent_row *rows;
	int n = shown_rows(c, &rows);
	char line[4 * TEXT_MAX], title[200], since[16], talk[16], name[64], reason[64];
	c->agents_n = n;
	agents_move(c, 0);
	snprintf(title, sizeof title,
	         " Agents: %d shown, by %s%s%s  (s sorts, / filters, Enter: the agent's day)", n,
	         agents_sort_name(c->agents_sort), c->filter[0] ? ", filter " : "", c->filter);
	draw_text(y, 0, c->cols, title, ROLE_PANEL_TITLE_FOCUS, ALIGN_LEFT);
	snprintf(line, sizeof line, "  %-22s %-11s %8s  %-16s %5s %8s  %s", "Agent", "Status",
	         "Since", "Break reason", "Taken", "Talk", "Queues");
	draw_text(y + 1, 0, c->cols, line, ROLE_COLUMN_HEAD, ALIGN_LEFT);
	int body = h - 2;
	if (c->action_note[0] && body > 1) { /* the last action's answer, whole */
		body--;
		draw_text(y + h - 1, 0, c->cols, c->action_note,
		          c->action_note_bad ? ROLE_WARN : ROLE_DIM, ALIGN_LEFT);
	}
	if (c->agents_sel < c->agents_top)
		c->agents_top = c->agents_sel;
	if (body > 0 && c->agents_sel >= c->agents_top + body)
		c->agents_top = c->agents_sel - body + 1;
	if (n == 0)
		draw_text(
		    y + 2, 0, c->cols,
		    c->st.api.health == API_OFF
		        ? "  no agent known yet (agents come from the OVH API or from queue events)"
		        : "  no agent matches",
		    ROLE_DIM, ALIGN_LEFT);
	for (int i = c->agents_top; i < n && i - c->agents_top < body; i++) {
		const struct agent_row *r = &rows[i];
		snprintf(line, sizeof line, "  %s %-11s %8s  %s %5u %8s  %s",
		         fmt_cols(name, sizeof name, r->name, 22), r->status,
		         since_text(c, since, sizeof since, r->since_s),
		         fmt_cols(reason, sizeof reason, r->break_reason, 16), (unsigned)r->taken,
		         fmt_duration(talk, sizeof talk, r->talk_s), r->queues);
		draw_text(y + 2 + i - c->agents_top, 0, c->cols, line,
		          i == c->agents_sel ? ROLE_SELECTED : r->role, ALIGN_LEFT);
	}
	free(rows);
}

void agent_detail_draw(struct console *c, int y, int h)
{
	struct agent_row *rows;
	int n = collect(c, &rows), row = y;
	const struct agent_row *r = NULL;
	char buf[4 * TEXT_MAX], t1[16], t2[16], display[64];
	for (int i = 0; i < n; i++)
		if (strcmp(rows[i].number, c->detail_number) == 0)
			r = &rows[i];
	if (!r) {
		draw_text(row, 0, c->cols, "  this agent is no longer known", ROLE_DIM, ALIGN_LEFT);
		free(rows);
		return;
	}
	snprintf(buf, sizeof buf, " Agent %s  %s  (Esc: back to the agents)", r->name,
	         phone_display(display, sizeof display, r->number));
	draw_text(row++, 0, c->cols, buf, ROLE_PANEL_TITLE_FOCUS, ALIGN_LEFT);
	row++;
	snprintf(buf, sizeof buf, "  Status          %s for %s%s%s", r->status,
	         since_text(c, t1, sizeof t1, r->since_s), r->break_reason[0] ? ", " : "",
	         r->break_reason);
	draw_text(row++, 0, c->cols, buf, r->role, ALIGN_LEFT);
	snprintf(buf, sizeof buf, "  Calls taken     %u today, talk time %s", (unsigned)r->taken,
	         fmt_duration(t2, sizeof t2, r->talk_s));
	draw_text(row++, 0, c->cols, buf, ROLE_DEFAULT, ALIGN_LEFT);
	snprintf(buf, sizeof buf, "  Queues          %s", r->queues[0] ? r->queues : "-");
	draw_text(row++, 0, c->cols, buf, ROLE_DEFAULT, ALIGN_LEFT);
	snprintf(buf, sizeof buf, "  Status from     %s",
	         !r->from_api          ? "queue events only"
	         : c->st.api.simulated ? "the demo (simulated agents, not the OVH API)"
	                               : "the OVH API (live status)");
	draw_text(row++, 0, c->cols, buf, ROLE_DIM, ALIGN_LEFT);
	for (size_t q = 0; q < c->st.nqueues; q++)
		for (size_t k = 0; k < c->st.queues[q].nagents; k++) {
			const struct agent *a = &c->st.queues[q].agents[k];
			char qname[TEXT_MAX];
			if (strcmp(a->number, r->number) != 0 || row >= y + h)
				continue;
			queue_name(c, &c->st.queues[q], qname, sizeof qname);
			snprintf(buf, sizeof buf,
			         "  In %-12s  %u taken, %u not taken, talk %s (from the events)",
			         qname, (unsigned)a->taken_today,
			         (unsigned)a->offers_not_taken_today,
			         fmt_duration(t2, sizeof t2, a->talk_today_s));
			draw_text(row++, 0, c->cols, buf, ROLE_DEFAULT, ALIGN_LEFT);
		}
	row++;
	if (row < y + h)
		draw_text(row++, 0, c->cols, " Today's events", ROLE_COLUMN_HEAD, ALIGN_LEFT);
	for (size_t i = 0; i < c->st.log_count && row < y + h; i++) {
		const struct log_entry *e =
		    &c->st.log[(c->st.log_head + c->st.log_count - 1 - i) % LOG_MAX];
		if (!strstr(e->detail, r->number) && strcmp(e->resource, r->number) != 0)
			continue;
		char shown[2 * TEXT_MAX];
		fmt_clock(t1, sizeof t1, e->time_ns);
		humanize(c, shown, sizeof shown, e->detail); /* numbers as everywhere else */
		snprintf(buf, sizeof buf, "  %s  %-20s %s", t1, e->kind_name, shown);
		draw_text(row++, 0, c->cols, buf, ROLE_DIM, ALIGN_LEFT);
	}
	free(rows);
}
