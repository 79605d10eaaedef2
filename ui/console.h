/* console.h: the state of the supervisor console, shared by the files of ui/ (loop, actions,
 * panels, views). Only the UI thread touches it. Only ui/ includes this.
 */
#ifndef CTIBOARD_UI_CONSOLE_H
#define CTIBOARD_UI_CONSOLE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "hashmap.h"
#include "model.h"
#include "stats.h"

struct journal;
struct names;

enum view {
	VIEW_MAIN,
	VIEW_LOG,
	VIEW_DETAIL,
	VIEW_HELP,
	VIEW_WALL,
	VIEW_CALLBACKS,
	VIEW_AGENTS,
	VIEW_LIVE
};

enum panel_id { PANEL_QUEUES, PANEL_RINGING, PANEL_ACTIVE, PANEL_LINES, PANEL_COUNT };

enum confirm { CONFIRM_NONE, CONFIRM_RESET, CONFIRM_QUIT, CONFIRM_ACTION, CONFIRM_BREAK_REASON };

#define FILTER_MAX 64
#define KEY_ID_MAX (ID_MAX + NUM_MAX + 2)

/* One selectable row of a panel: what it stands for and the figures used to sort it. */
struct row {
	const struct queue *q;
	const struct line *l;
	const struct call *c;
	const struct member *mb;
	struct queue_stats qs;
	int64_t age_s; /* ringing for, talking for */
	enum alert_level alert;
	char name[TEXT_MAX];  /* line or queue name, for sorting and filtering */
	char key[KEY_ID_MAX]; /* stable identity, to keep the selection across updates */
};

/* The rows of a panel, built from the state. The Queues, Ringing and Active panels are rebuilt
 * at each frame; the Lines panel (which may hold 100,000 rows, none of whose sort orders
 * depends on the clock) only when the copy, the filter or its sort changed, its ringing rows
 * re-aged in between. */
struct panel {
	struct row *rows;
	int nrows, cap;
	bool built;          /* rows valid for the three below */
	uint64_t built_seen; /* the copy they were built from */
	int built_sort;      /* the sort they are in */
	char built_filter[FILTER_MAX];
	int *row_of; /* Lines: row of each line of the copy, -1 filtered out */
	size_t cap_row_of;
	int total;    /* rows before the filter */
	int sel, top; /* selected row, first row shown */
	char sel_key[KEY_ID_MAX];
	int sort;       /* index into the panel's sort orders */
	int y, x, h, w; /* where it was last drawn (for the mouse) */
};

/* A scrolled text view (log, detail, help). */
struct scroller {
	int top;
	int total, height; /* of the last frame */
};

struct console {
	struct model *m;
	struct journal *journal; /* where a reset is recorded; NULL: none */
	const struct names *names;
	const struct settings *s;
	volatile sig_atomic_t *stop;

	struct model_state st; /* the copy drawn; owned here */
	uint64_t seen;
	struct hashmap line_ix, queue_ix; /* number -> position in st, see lookup.c */
	size_t line_ix_n, queue_ix_n;     /* positions indexed */
	uint64_t line_ix_evicted;         /* st.counters.evicted when the lines were indexed */
	int64_t now_ns;

	enum view view, back; /* back: the view under help / detail */
	bool quit;
	bool paused;
	enum confirm confirm;
	bool utf8;        /* the locale is UTF-8 */
	bool ascii_lines; /* draw boxes with ASCII */
	int rows, cols;

	enum panel_id focus;
	struct panel panels[PANEL_COUNT];

	char filter[FILTER_MAX];
	bool filter_edit;

	bool log_all; /* show registered events in the log */
	struct scroller log, detail, help;

	/* the Callbacks view: the list, or the history of the selected entry */
	int cb_sel, cb_top, cb_rows; /* selected row, first row shown, rows of the last frame */
	char cb_key[NUM_MAX];        /* the selected caller, to keep the selection */
	bool cb_history, cb_short;   /* history shown; short abandons listed */
	struct scroller cb_hist;

	bool detail_queue; /* detail of a queue (else a line) */
	bool detail_agent; /* detail of an agent (the Agents view's Enter) */
	int agents_sel, agents_top, agents_sort, agents_n; /* the Agents view */
	char detail_number[NUM_MAX];

	/* the Live calls view: the queue watched, the selection, the view it came from */
	char live_queue[NUM_MAX];
	char live_watched[NUM_MAX]; /* what the model was last told to watch */
	int live_sel, live_top, live_n;
	enum view live_back;

	struct api_action action; /* the supervisor's action being confirmed (supervise.c) */
	uint64_t action_seen;     /* st.api.last_action.seq already shown and journalled */
	char action_note[320];    /* the Agents view's last line: the last answer, or why not */
	bool action_note_bad;

	int wall_page, wall_pages;
	int64_t wall_next_ns; /* wall clock of the next page turn */

	struct alert_list rung; /* the alerts of the last view, to ring the bell on a new crit */
	char status[128];       /* a one-off message for the footer */
};

/* Panels (panels.c) */
void panels_build(struct console *c);
void panels_draw(struct console *c, int y, int h);
const char *panel_name(enum panel_id p);
const char *panel_sort_name(enum panel_id p, int sort);
int panel_sort_count(enum panel_id p);
void panel_move(struct panel *p, int delta);
void panel_clamp(struct panel *p);
/* Select the row under screen cell (y, x); returns false if none is there. */
bool panels_click(struct console *c, int y, int x);

/* The Callbacks view (callbacks_view.c) */
void callbacks_draw(struct console *c, int y, int h);
/* Open entries not short abandons: the header's count and the wallboard's. */
size_t callbacks_open_shown(const struct model_state *st);

/* The Agents view (agents.c) */
void agents_draw(struct console *c, int y, int h);
void agent_detail_draw(struct console *c, int y, int h);
void agents_move(struct console *c, int delta);
/* Take the selected agent into detail_number; false when none is selected. */
bool agents_open(struct console *c);
/* The selected agent, if the OVH API lists it, into a's agent fields. */
bool agents_selected(const struct console *c, struct api_action *a);
const char *agents_sort_name(int sort);
int agents_sort_count(void);

/* The Live calls view (livecalls.c) */
void live_draw(struct console *c, int y, int h);
void live_move(struct console *c, int delta);
/* Show the live calls of queue (the model's queue number); false when there is none. */
bool live_open(struct console *c, const char *queue);
/* The selected call of the copy, or NULL. */
const struct api_live_call *live_selected(const struct console *c);

/* The supervisor's actions (supervise.c) */
/* Ask for kind on the selected agent (Agents) or call (Live calls): a confirmation, or a
 * message why not. */
void supervise_ask(struct console *c, enum api_action_kind kind);
/* The footer's question while c->confirm is CONFIRM_ACTION or CONFIRM_BREAK_REASON. */
void supervise_prompt(const struct console *c, char *dst, size_t n);
/* The answer key to question q. */
void supervise_key(struct console *c, enum confirm q, int key);
/* Show and journal the OVH API's answer to the last action, once. */
void supervise_poll(struct console *c);
/* Tell the model which queue's live calls the console shows now (none outside the view). */
void supervise_watch(struct console *c);

/* Views (views.c) */
void header_draw(struct console *c);
void footer_draw(struct console *c);
void detail_draw(struct console *c, int y, int h);
void help_draw(struct console *c, int y, int h);

/* The event log (eventlog.c) */
void log_draw(struct console *c, int y, int h);
/* The latest events (registered left out) in the box (y, x, h, w), newest first. */
void recent_draw(struct console *c, int y, int x, int h, int w);

/* Lookups by number on the copy (lookup.c): call lookup_update() after each new copy. */
void lookup_update(struct console *c);
void lookup_free(struct console *c);
const struct line *lookup_line(const struct console *c, const char *number);
const struct queue *lookup_queue(const struct console *c, const char *number);

#endif
