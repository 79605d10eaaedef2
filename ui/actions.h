/* actions.h: the one table of the console's actions (as vis keeps its): each action's id, its
 * keys, the function it runs and its help text. Dispatch, the footer's key hints and the help
 * screen all read it, so they cannot drift apart. Only ui/ includes this.
 */
#ifndef CTIBOARD_UI_ACTIONS_H
#define CTIBOARD_UI_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>

struct console;

/* A key as read by get_wch(): characters as themselves, function keys (KEY_*) tagged. */
#define KEYCODE(k) (0x1000000 | (k))

/* Where an action applies. */
enum {
	CTX_MAIN = 1 << 0,
	CTX_LOG = 1 << 1,
	CTX_DETAIL = 1 << 2,
	CTX_HELP = 1 << 3,
	CTX_WALL = 1 << 4,
	CTX_CALLBACKS = 1 << 5,
	CTX_AGENTS = 1 << 6,
	CTX_LIVE = 1 << 7,
	CTX_TEXT = CTX_LOG | CTX_DETAIL | CTX_HELP,
	CTX_LISTS = CTX_CALLBACKS | CTX_AGENTS | CTX_LIVE,
	CTX_ALL = CTX_MAIN | CTX_TEXT | CTX_WALL | CTX_LISTS,
};

enum action_id { /* the order of the help screen: moving, looking, acting, leaving */
	         ACT_UP,
	         ACT_DOWN,
	         ACT_PAGE_UP,
	         ACT_PAGE_DOWN,
	         ACT_HOME,
	         ACT_END,
	         ACT_NEXT_PANEL,
	         ACT_PREV_PANEL,
	         ACT_DETAIL,
	         ACT_BACK,
	         ACT_FILTER,
	         ACT_SORT,
	         ACT_LOG,
	         ACT_CALLBACKS,
	         ACT_AGENTS, /* a: one help line with the other views' a, ACT_LOG_ALL and
	                        ACT_CB_SHORT */
	         ACT_LOG_ALL,
	         ACT_CB_SHORT,
	         ACT_WALL,
	         ACT_PAUSE,
	         ACT_RESET,
	         ACT_AGENT_AVAILABLE,
	         ACT_AGENT_BREAK,
	         ACT_AGENT_LOGOUT,
	         ACT_LIVE,
	         ACT_CALL_LISTEN,
	         ACT_CALL_WHISPER,
	         ACT_CALL_HANGUP,
	         ACT_HELP,
	         ACT_QUIT,
	         ACT_COUNT
};

#define ACTION_KEYS 4

struct action {
	enum action_id id;
	int keys[ACTION_KEYS]; /* 0 ends the list */
	const char *key_names; /* for the help screen: "Down j" */
	const char *hint_key;  /* for the footer: "F1"; NULL: not in the footer */
	const char *hint;      /* for the footer: "Help" */
	int ctx;               /* where it runs */
	int hint_ctx;          /* where the footer shows it */
	int hint_rank;         /* 1 the first kept when the footer is narrow, then 2... */
	void (*fn)(struct console *c);
	const char *help;
};

/* The table, ACT_COUNT entries in id order. */
const struct action *actions_table(void);

/* The action bound to key in context ctx, or NULL. */
const struct action *action_for_key(int key, int ctx);

/* The context of the console's current view. */
int console_ctx(const struct console *c);

/* Run the action bound to key, honouring kiosk mode. Returns true if a key did something. */
bool actions_dispatch(struct console *c, int key);

#endif
