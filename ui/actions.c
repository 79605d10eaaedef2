/* actions.c: what each key does, and the table that binds keys to actions. */
#include "actions.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "console.h"
#include "settings.h"
#include "textbuf.h"

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
	} else if (c->view == VIEW_LIVE) {
		live_move(c, delta);
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
	        : c->view == VIEW_LIVE      ? c->rows - 5
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
	case VIEW_LIVE: c->view = c->live_back; break;
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

/* The live calls of the queue selected in the Queues panel, or of the queue in detail. */
static void act_live(struct console *c)
{
	const struct panel *p = &c->panels[PANEL_QUEUES];
	const char *queue = NULL;
	if (c->view == VIEW_LIVE) {
		c->view = c->live_back;
		return;
	}
	if (c->view == VIEW_DETAIL && c->detail_queue && !c->detail_agent)
		queue = c->detail_number;
	else if (c->view == VIEW_MAIN && c->focus == PANEL_QUEUES && p->sel >= 0 &&
	         p->sel < p->nrows && p->rows[p->sel].q)
		queue = p->rows[p->sel].q->number;
	if (!live_open(c, queue))
		snprintf(c->status, sizeof c->status, "live calls: select a queue first");
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

static void act_available(struct console *c)
{
	supervise_ask(c, ACTION_AVAILABLE);
}

static void act_break(struct console *c)
{
	supervise_ask(c, ACTION_BREAK);
}

static void act_logout(struct console *c)
{
	supervise_ask(c, ACTION_LOGOUT);
}

static void act_listen(struct console *c)
{
	supervise_ask(c, ACTION_LISTEN);
}

static void act_whisper(struct console *c)
{
	supervise_ask(c, ACTION_WHISPER);
}

static void act_hangup(struct console *c)
{
	supervise_ask(c, ACTION_HANGUP);
}

#define K(k) KEYCODE(k)

static const struct action table[ACT_COUNT] = {
    [ACT_UP] = {.id = ACT_UP,
                .keys = {K(KEY_UP), 'k'},
                .key_names = "Up k",
                .ctx = CTX_MAIN | CTX_TEXT | CTX_LISTS,
                .fn = act_up,
                .help = "move up one row"},
    [ACT_DOWN] = {.id = ACT_DOWN,
                  .keys = {K(KEY_DOWN), 'j'},
                  .key_names = "Down j",
                  .ctx = CTX_MAIN | CTX_TEXT | CTX_LISTS,
                  .fn = act_down,
                  .help = "move down one row"},
    [ACT_PAGE_UP] = {.id = ACT_PAGE_UP,
                     .keys = {K(KEY_PPAGE)},
                     .key_names = "PgUp",
                     .ctx = CTX_MAIN | CTX_TEXT | CTX_LISTS,
                     .fn = act_page_up,
                     .help = "move up one page"},
    [ACT_PAGE_DOWN] = {.id = ACT_PAGE_DOWN,
                       .keys = {K(KEY_NPAGE)},
                       .key_names = "PgDn",
                       .ctx = CTX_MAIN | CTX_TEXT | CTX_LISTS,
                       .fn = act_page_down,
                       .help = "move down one page"},
    [ACT_HOME] = {.id = ACT_HOME,
                  .keys = {K(KEY_HOME), 'g'},
                  .key_names = "Home g",
                  .ctx = CTX_MAIN | CTX_TEXT | CTX_LISTS,
                  .fn = act_home,
                  .help = "go to the first row"},
    [ACT_END] = {.id = ACT_END,
                 .keys = {K(KEY_END), 'G'},
                 .key_names = "End G",
                 .ctx = CTX_MAIN | CTX_TEXT | CTX_LISTS,
                 .fn = act_end,
                 .help = "go to the last row"},
    [ACT_NEXT_PANEL] = {.id = ACT_NEXT_PANEL,
                        .keys = {'\t'},
                        .key_names = "Tab",
                        .hint_key = "Tab",
                        .hint = "Panel",
                        .ctx = CTX_MAIN,
                        .hint_ctx = CTX_MAIN,
                        .hint_rank = 4,
                        .fn = act_next_panel,
                        .help = "focus the next panel"},
    [ACT_PREV_PANEL] = {.id = ACT_PREV_PANEL,
                        .keys = {K(KEY_BTAB)},
                        .key_names = "Shift-Tab",
                        .ctx = CTX_MAIN,
                        .fn = act_prev_panel,
                        .help = "focus the previous panel"},
    [ACT_DETAIL] = {.id = ACT_DETAIL,
                    .keys = {'\n', '\r', K(KEY_ENTER)},
                    .key_names = "Enter",
                    .hint_key = "Enter",
                    .hint = "Detail",
                    .ctx = CTX_MAIN | CTX_CALLBACKS | CTX_AGENTS,
                    .hint_ctx = CTX_MAIN | CTX_CALLBACKS | CTX_AGENTS,
                    .hint_rank = 3,
                    .fn = act_detail,
                    .help = "detail of the selected line, queue or agent"},
    [ACT_BACK] = {.id = ACT_BACK,
                  .keys = {27, K(KEY_BACKSPACE), 127, 8},
                  .key_names = "Esc Backspace",
                  .hint_key = "Esc",
                  .hint = "Back",
                  .ctx = CTX_MAIN | CTX_TEXT | CTX_LISTS,
                  .hint_ctx = CTX_TEXT | CTX_LISTS,
                  .hint_rank = 3,
                  .fn = act_back,
                  .help = "back to the panels; clear the filter"},
    [ACT_FILTER] = {.id = ACT_FILTER,
                    .keys = {'/'},
                    .key_names = "/",
                    .hint_key = "/",
                    .hint = "Filter",
                    .ctx = CTX_MAIN | CTX_CALLBACKS | CTX_AGENTS,
                    .hint_ctx = CTX_MAIN | CTX_CALLBACKS | CTX_AGENTS,
                    .hint_rank = 7,
                    .fn = act_filter,
                    .help = "filter by number or name as you type (Enter keeps it, Esc clears it)"},
    [ACT_SORT] = {.id = ACT_SORT,
                  .keys = {'s'},
                  .key_names = "s",
                  .hint_key = "s",
                  .hint = "Sort",
                  .ctx = CTX_MAIN | CTX_AGENTS,
                  .hint_ctx = CTX_MAIN | CTX_AGENTS,
                  .hint_rank = 10,
                  .fn = act_sort,
                  .help = "cycle the sort order of the focused panel or of the agents"},
    [ACT_LOG] = {.id = ACT_LOG,
                 .keys = {'e'},
                 .key_names = "e",
                 .hint_key = "e",
                 .hint = "Events",
                 .ctx = CTX_MAIN | CTX_LOG | CTX_DETAIL,
                 .hint_ctx = CTX_MAIN | CTX_LOG,
                 .hint_rank = 8,
                 .fn = act_log,
                 .help = "show or leave the event log"},
    [ACT_LOG_ALL] = {.id = ACT_LOG_ALL,
                     .keys = {'a'},
                     .key_names = "a",
                     .hint_key = "a",
                     .hint = "Registered",
                     .ctx = CTX_LOG,
                     .hint_ctx = CTX_LOG,
                     .hint_rank = 6,
                     .fn = act_log_all,
                     .help = "in the event log: show or hide registered events"},
    [ACT_WALL] = {.id = ACT_WALL,
                  .keys = {'w'},
                  .key_names = "w",
                  .hint_key = "w",
                  .hint = "Wall",
                  .ctx = CTX_MAIN | CTX_WALL,
                  .hint_ctx = CTX_MAIN | CTX_WALL,
                  .hint_rank = 9,
                  .fn = act_wall,
                  .help = "wallboard: big figures per queue for a TV"},
    [ACT_PAUSE] = {.id = ACT_PAUSE,
                   .keys = {'p'},
                   .key_names = "p",
                   .hint_key = "p",
                   .hint = "Pause",
                   .ctx = CTX_ALL,
                   .hint_ctx = CTX_MAIN | CTX_WALL,
                   .hint_rank = 11,
                   .fn = act_pause,
                   .help = "pause the display (data keeps flowing); p again resumes"},
    [ACT_RESET] = {.id = ACT_RESET,
                   .keys = {'r'},
                   .key_names = "r",
                   .hint_key = "r",
                   .hint = "Reset",
                   .ctx = CTX_MAIN | CTX_DETAIL,
                   .hint_ctx = CTX_MAIN,
                   .hint_rank = 12,
                   .fn = act_reset,
                   .help = "reset today's counters (asks to confirm; a restart keeps it)"},
    [ACT_HELP] = {.id = ACT_HELP,
                  .keys = {'?', K(KEY_F(1))},
                  .key_names = "? F1",
                  .hint_key = "?",
                  .hint = "Help",
                  .ctx = CTX_ALL,
                  .hint_ctx = CTX_ALL,
                  .hint_rank = 1,
                  .fn = act_help,
                  .help = "this help, with the definitions of the figures"},
    [ACT_CALLBACKS] =
        {.id = ACT_CALLBACKS,
         .keys = {'c'},
         .key_names = "c",
         .hint_key = "c",
         .hint = "Callbacks",
         .ctx =
             CTX_MAIN | CTX_CALLBACKS | CTX_LOG | CTX_DETAIL,
         .hint_ctx = CTX_MAIN | CTX_CALLBACKS,
         .hint_rank = 5,
         .fn = act_callbacks,
         .help = "callers to call back, open ones oldest first; Enter: a caller's history"},
    [ACT_CB_SHORT] = {.id = ACT_CB_SHORT,
                      .keys = {'a'},
                      .key_names = "a",
                      .hint_key = "a",
                      .hint = "Short",
                      .ctx = CTX_CALLBACKS,
                      .hint_ctx = CTX_CALLBACKS,
                      .hint_rank = 6,
                      .fn = act_cb_short,
                      .help = "in Callbacks: list or hide the short abandons"},
    [ACT_QUIT] = {.id = ACT_QUIT,
                  .keys = {'q', K(KEY_F(10))},
                  .key_names = "q F10",
                  .hint_key = "q",
                  .hint = "Quit",
                  .ctx = CTX_ALL,
                  .hint_ctx = CTX_ALL,
                  .hint_rank = 2,
                  .fn = act_quit,
                  .help = "quit"},
    [ACT_AGENTS] = {.id = ACT_AGENTS,
                    .keys = {'a'},
                    .key_names = "a",
                    .hint_key = "a",
                    .hint = "Agents",
                    .ctx = CTX_MAIN | CTX_AGENTS | CTX_DETAIL,
                    .hint_ctx = CTX_MAIN | CTX_AGENTS,
                    .hint_rank = 6,
                    .fn = act_agents,
                    .help = "the agents: status, since, break reason, calls, talk time, queues"},
    [ACT_AGENT_AVAILABLE] = {.id = ACT_AGENT_AVAILABLE,
                             .keys = {'A'},
                             .key_names = "A",
                             .ctx = CTX_AGENTS,
                             .fn = act_available,
                             .help = "in Agents, --allow-actions: set the agent available "
                                     "(OVH API, asks to confirm)"},
    [ACT_AGENT_BREAK] = {.id = ACT_AGENT_BREAK,
                         .keys = {'B'},
                         .key_names = "B",
                         .ctx = CTX_AGENTS,
                         .fn = act_break,
                         .help = "in Agents, --allow-actions: put the agent on break, "
                                 "choosing the reason (asks to confirm)"},
    [ACT_AGENT_LOGOUT] = {.id = ACT_AGENT_LOGOUT,
                          .keys = {'L'},
                          .key_names = "L",
                          .ctx = CTX_AGENTS,
                          .fn = act_logout,
                          .help = "in Agents, --allow-actions: log the agent out "
                                  "(asks to confirm)"},
    [ACT_LIVE] = {.id = ACT_LIVE,
                  .keys = {'l'},
                  .key_names = "l",
                  .hint_key = "l",
                  .hint = "Live calls",
                  .ctx = CTX_MAIN | CTX_DETAIL | CTX_LIVE,
                  .hint_ctx = CTX_MAIN,
                  .hint_rank = 13,
                  .fn = act_live,
                  .help = "the live calls of the selected queue (Queues panel or queue "
                          "detail), read from the OVH API while shown"},
    [ACT_CALL_LISTEN] = {.id = ACT_CALL_LISTEN,
                         .keys = {'L'},
                         .key_names = "L",
                         .hint_key = "L",
                         .hint = "Listen",
                         .ctx = CTX_LIVE,
                         .hint_ctx = CTX_LIVE,
                         .hint_rank = 4,
                         .fn = act_listen,
                         .help = "in Live calls, --allow-actions: listen to the answered call "
                                 "on supervisor_number (asks to confirm)"},
    [ACT_CALL_WHISPER] = {.id = ACT_CALL_WHISPER,
                          .keys = {'W'},
                          .key_names = "W",
                          .hint_key = "W",
                          .hint = "Whisper",
                          .ctx = CTX_LIVE,
                          .hint_ctx = CTX_LIVE,
                          .hint_rank = 5,
                          .fn = act_whisper,
                          .help = "in Live calls, --allow-actions: whisper to the call's agent "
                                  "from supervisor_number (asks to confirm)"},
    [ACT_CALL_HANGUP] = {.id = ACT_CALL_HANGUP,
                         .keys = {'H'},
                         .key_names = "H",
                         .hint_key = "H",
                         .hint = "Hang up",
                         .ctx = CTX_LIVE,
                         .hint_ctx = CTX_LIVE,
                         .hint_rank = 6,
                         .fn = act_hangup,
                         .help = "in Live calls, --allow-actions: hang up the answered call "
                                 "(asks to confirm)"},
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
	case VIEW_LIVE: return CTX_LIVE;
	default: return CTX_MAIN;
	}
}

bool actions_dispatch(struct console *c, int key)
{
	const struct action *a = action_for_key(key, console_ctx(c));

	if (!a && key == '/' && c->s->kiosk == 0) /* say it, rather than let the next keys act */
		snprintf(c->status, sizeof c->status,
		         "no filter here: / filters the panels, Callbacks and Agents");
	if (!a || c->s->kiosk == 2)
		return false;
	if (c->s->kiosk == 1 && a->id != ACT_QUIT)
		return false;
	c->status[0] = '\0';
	a->fn(c);
	return true;
}
