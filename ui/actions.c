/* actions.c: what each key does, and the table that binds keys to actions. */
#include "actions.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "console.h"
#include "settings.h"

/* The scroller of the current text view, or NULL on the main screen. */
static struct scroller *current_scroller(struct console *c)
{
	switch (c->view) {
	case VIEW_LOG: return &c->log;
	case VIEW_DETAIL: return &c->detail;
	case VIEW_HELP: return &c->help;
	case VIEW_CALLBACKS: return c->cb_history ? &c->cb_hist : NULL;
	default: return NULL;
	}
}

/* Move the selection of the focused panel, or scroll the text view, by delta rows. */
static void move_by(struct console *c, int delta)
{
	struct scroller *sc = current_scroller(c);

	if (sc) {
		scroller_move(sc, delta);
	} else if (c->view == VIEW_CALLBACKS) {
		long sel = (long)c->cb_sel + delta;
		c->cb_sel = sel < 0         ? 0
		            : sel > 1000000 ? 1000000
		                            : (int)sel; /* clamped when drawn */
		c->cb_key[0] = '\0';
	} else if (c->view == VIEW_AGENTS) {
		agents_move(c, delta);
	} else if (c->view == VIEW_MAIN)
		panel_move(&c->panels[c->focus], delta);
}

/* Rows in a page of the current list. */
static int page_rows(struct console *c)
{
	struct scroller *sc = current_scroller(c);
	int h = sc                          ? sc->height
	        : c->view == VIEW_CALLBACKS ? c->cb_rows
	        : c->view == VIEW_AGENTS    ? c->rows - 4
	                                    : c->panels[c->focus].h - 1;

	return h > 1 ? h - 1 : 1;
}

static void act_up(struct console *c)
{
	move_by(c, -1);
}

static void act_down(struct console *c)
{
	move_by(c, 1);
}

static void act_page_up(struct console *c)
{
	move_by(c, -page_rows(c));
}

static void act_page_down(struct console *c)
{
	move_by(c, page_rows(c));
}

static void act_home(struct console *c)
{
	move_by(c, -1000000);
}

static void act_end(struct console *c)
{
	move_by(c, 1000000);
}

static void act_next_panel(struct console *c)
{
	c->focus = (enum panel_id)((c->focus + 1) % PANEL_COUNT);
}

static void act_prev_panel(struct console *c)
{
	c->focus = (enum panel_id)((c->focus + PANEL_COUNT - 1) % PANEL_COUNT);
}

static void act_detail(struct console *c)
{
	struct panel *p = &c->panels[c->focus];
	const struct row *r;

	if (c->view == VIEW_CALLBACKS) {
		c->cb_history = true;
		c->cb_hist.top = 0;
		return;
	}
	if (c->view == VIEW_AGENTS) {
		if (!agents_open(c)) {
			snprintf(c->status, sizeof c->status, "no agent selected");
			return;
		}
		c->detail_agent = true;
		c->view = VIEW_DETAIL;
		return;
	}
	c->detail_agent = false;
	if (p->sel < 0 || p->sel >= p->nrows) {
		snprintf(c->status, sizeof c->status, "nothing selected");
		return;
	}
	r = &p->rows[p->sel];
	if (r->q) {
		c->detail_queue = true;
		snprintf(c->detail_number, sizeof c->detail_number, "%s", r->q->number);
	} else if (r->l) {
		c->detail_queue = false;
		snprintf(c->detail_number, sizeof c->detail_number, "%s", r->l->number);
	} else {
		return;
	}
	c->detail.top = 0;
	c->view = VIEW_DETAIL;
}

static void act_back(struct console *c)
{
	switch (c->view) {
	case VIEW_MAIN: c->filter[0] = '\0'; break;
	case VIEW_HELP: c->view = c->back; break;
	case VIEW_LOG: c->view = VIEW_MAIN; break;
	case VIEW_DETAIL: c->view = c->detail_agent ? VIEW_AGENTS : VIEW_MAIN; break;
	case VIEW_AGENTS: c->view = VIEW_MAIN; break;
	case VIEW_CALLBACKS:
		if (c->cb_history)
			c->cb_history = false;
		else if (c->filter[0])
			c->filter[0] = '\0';
		else
			c->view = VIEW_MAIN;
		break;
	case VIEW_WALL: break;
	}
}

static void act_filter(struct console *c)
{
	c->filter_edit = true;
}

static void act_sort(struct console *c)
{
	struct panel *p = &c->panels[c->focus];

	if (c->view == VIEW_AGENTS) {
		c->agents_sort = (c->agents_sort + 1) % agents_sort_count();
		snprintf(c->status, sizeof c->status, "Agents sorted by %s",
		         agents_sort_name(c->agents_sort));
		return;
	}
	p->sort = (p->sort + 1) % panel_sort_count(c->focus);
	snprintf(c->status, sizeof c->status, "%s sorted by %s", panel_name(c->focus),
	         panel_sort_name(c->focus, p->sort));
}

static void act_log(struct console *c)
{
	if (c->view == VIEW_LOG) {
		c->view = VIEW_MAIN;
	} else {
		c->view = VIEW_LOG;
		c->log.top = 0;
	}
}

static void act_log_all(struct console *c)
{
	c->log_all = !c->log_all;
	c->log.top = 0;
}

static void act_callbacks(struct console *c)
{
	if (c->view == VIEW_CALLBACKS) {
		c->view = VIEW_MAIN;
	} else {
		c->view = VIEW_CALLBACKS;
		c->cb_history = false;
	}
}

static void act_cb_short(struct console *c)
{
	c->cb_short = !c->cb_short;
	snprintf(c->status, sizeof c->status, "short abandons %s",
	         c->cb_short ? "listed" : "hidden");
}

static void act_agents(struct console *c)
{
	c->view = c->view == VIEW_AGENTS ? VIEW_MAIN : VIEW_AGENTS;
}

static void act_wall(struct console *c)
{
	c->view = c->view == VIEW_WALL ? VIEW_MAIN : VIEW_WALL;
	c->wall_page = 0;
	c->wall_next_ns = 0;
}

static void act_pause(struct console *c)
{
	c->paused = !c->paused;
}

static void act_reset(struct console *c)
{
	c->confirm = CONFIRM_RESET;
}

static void act_help(struct console *c)
{
	if (c->view == VIEW_HELP) {
		c->view = c->back;
	} else {
		c->back = c->view;
		c->view = VIEW_HELP;
		c->help.top = 0;
	}
}

static void act_quit(struct console *c)
{
	if (c->s->kiosk)
		c->confirm = CONFIRM_QUIT;
	else
		c->quit = true;
}

#define K(k) KEYCODE(k)

static const struct action table[ACT_COUNT] = {
    {ACT_UP,
     {K(KEY_UP), 'k'},
     "Up k",
     NULL,
     NULL,
     CTX_MAIN | CTX_TEXT | CTX_CALLBACKS | CTX_AGENTS,
     0,
     act_up,
     "move up one row"},
    {ACT_DOWN,
     {K(KEY_DOWN), 'j'},
     "Down j",
     NULL,
     NULL,
     CTX_MAIN | CTX_TEXT | CTX_CALLBACKS | CTX_AGENTS,
     0,
     act_down,
     "move down one row"},
    {ACT_PAGE_UP,
     {K(KEY_PPAGE)},
     "PgUp",
     NULL,
     NULL,
     CTX_MAIN | CTX_TEXT | CTX_CALLBACKS | CTX_AGENTS,
     0,
     act_page_up,
     "move up one page"},
    {ACT_PAGE_DOWN,
     {K(KEY_NPAGE)},
     "PgDn",
     NULL,
     NULL,
     CTX_MAIN | CTX_TEXT | CTX_CALLBACKS | CTX_AGENTS,
     0,
     act_page_down,
     "move down one page"},
    {ACT_HOME,
     {K(KEY_HOME), 'g'},
     "Home g",
     NULL,
     NULL,
     CTX_MAIN | CTX_TEXT | CTX_CALLBACKS | CTX_AGENTS,
     0,
     act_home,
     "go to the first row"},
    {ACT_END,
     {K(KEY_END), 'G'},
     "End G",
     NULL,
     NULL,
     CTX_MAIN | CTX_TEXT | CTX_CALLBACKS | CTX_AGENTS,
     0,
     act_end,
     "go to the last row"},
    {ACT_NEXT_PANEL,
     {'\t'},
     "Tab",
     "Tab",
     "Panel",
     CTX_MAIN,
     CTX_MAIN,
     act_next_panel,
     "focus the next panel"},
    {ACT_PREV_PANEL,
     {K(KEY_BTAB)},
     "Shift-Tab",
     NULL,
     NULL,
     CTX_MAIN,
     0,
     act_prev_panel,
     "focus the previous panel"},
    {ACT_DETAIL,
     {'\n', '\r', K(KEY_ENTER)},
     "Enter",
     "Enter",
     "Detail",
     CTX_MAIN | CTX_CALLBACKS | CTX_AGENTS,
     CTX_MAIN | CTX_CALLBACKS | CTX_AGENTS,
     act_detail,
     "detail of the selected line, queue or agent"},
    {ACT_BACK,
     {27, K(KEY_BACKSPACE), 127, 8},
     "Esc Backspace",
     "Esc",
     "Back",
     CTX_MAIN | CTX_TEXT | CTX_CALLBACKS | CTX_AGENTS,
     CTX_TEXT | CTX_CALLBACKS | CTX_AGENTS,
     act_back,
     "back to the panels; clear the filter"},
    {ACT_FILTER,
     {'/'},
     "/",
     "/",
     "Filter",
     CTX_MAIN | CTX_CALLBACKS | CTX_AGENTS,
     CTX_MAIN | CTX_CALLBACKS | CTX_AGENTS,
     act_filter,
     "filter by number or name as you type (Enter keeps it, Esc clears it)"},
    {ACT_SORT,
     {'s'},
     "s",
     "s",
     "Sort",
     CTX_MAIN | CTX_AGENTS,
     CTX_MAIN | CTX_AGENTS,
     act_sort,
     "cycle the sort order of the focused panel or of the agents"},
    {ACT_LOG,
     {'e'},
     "e",
     "e",
     "Events",
     CTX_MAIN | CTX_LOG | CTX_DETAIL,
     CTX_MAIN | CTX_LOG,
     act_log,
     "show or leave the event log"},
    {ACT_LOG_ALL,
     {'a'},
     "a",
     "a",
     "Registered",
     CTX_LOG,
     CTX_LOG,
     act_log_all,
     "in the event log: show or hide registered events"},
    {ACT_WALL,
     {'w'},
     "w",
     "w",
     "Wall",
     CTX_MAIN | CTX_WALL,
     CTX_MAIN | CTX_WALL,
     act_wall,
     "wallboard: big figures per queue for a TV"},
    {ACT_PAUSE,
     {'p'},
     "p",
     "p",
     "Pause",
     CTX_ALL,
     CTX_MAIN | CTX_WALL,
     act_pause,
     "pause the display (data keeps flowing); p again resumes"},
    {ACT_RESET,
     {'r'},
     "r",
     "r",
     "Reset",
     CTX_MAIN | CTX_DETAIL,
     CTX_MAIN,
     act_reset,
     "reset today's counters (asks to confirm; a restart keeps it)"},
    {ACT_HELP,
     {'?', K(KEY_F(1))},
     "? F1",
     "F1",
     "Help",
     CTX_ALL,
     CTX_ALL,
     act_help,
     "this help, with the definitions of the figures"},
    {ACT_CALLBACKS,
     {'c'},
     "c",
     "c",
     "Callbacks",
     CTX_MAIN | CTX_CALLBACKS | CTX_LOG | CTX_DETAIL,
     CTX_MAIN | CTX_CALLBACKS,
     act_callbacks,
     "callers to call back, open ones oldest first; Enter: a caller's history"},
    {ACT_CB_SHORT,
     {'a'},
     "a",
     "a",
     "Short",
     CTX_CALLBACKS,
     CTX_CALLBACKS,
     act_cb_short,
     "in Callbacks: list or hide the short abandons"},
    {ACT_QUIT, {'q', K(KEY_F(10))}, "q F10", "F10", "Quit", CTX_ALL, CTX_ALL, act_quit, "quit"},
    {ACT_AGENTS,
     {'a'},
     "a",
     "a",
     "Agents",
     CTX_MAIN | CTX_AGENTS | CTX_DETAIL,
     CTX_AGENTS,
     act_agents,
     "the agents: status, since, break reason, calls, talk time, queues"},
};

const struct action *actions_table(void)
{
	return table;
}

const struct action *action_for_key(int key, int ctx)
{
	for (int i = 0; i < ACT_COUNT; i++) {
		if (!(table[i].ctx & ctx))
			continue;
		for (int k = 0; k < ACTION_KEYS && table[i].keys[k]; k++)
			if (table[i].keys[k] == key)
				return &table[i];
	}
	return NULL;
}

int console_ctx(const struct console *c)
{
	switch (c->view) {
	case VIEW_LOG: return CTX_LOG;
	case VIEW_DETAIL: return CTX_DETAIL;
	case VIEW_HELP: return CTX_HELP;
	case VIEW_WALL: return CTX_WALL;
	case VIEW_CALLBACKS: return CTX_CALLBACKS;
	case VIEW_AGENTS: return CTX_AGENTS;
	default: return CTX_MAIN;
	}
}

bool actions_dispatch(struct console *c, int key)
{
	const struct action *a = action_for_key(key, console_ctx(c));

	if (!a || c->s->kiosk == 2)
		return false;
	if (c->s->kiosk == 1 && a->id != ACT_QUIT)
		return false;
	c->status[0] = '\0';
	a->fn(c);
	return true;
}
