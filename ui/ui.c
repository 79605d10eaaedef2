/* ui.c: the console's loop. The UI thread sleeps in poll() on the keyboard, the model's wake fd
 * and a one-second tick; it copies the model (never drawing under the lock), draws everything
 * into curses' buffer and lets doupdate() send only what changed.
 */
#include <errno.h>
#include <langinfo.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include <curses.h>

#include "actions.h"
#include "console.h"
#include "draw.h"
#include "journal.h"
#include "theme.h"
#include "ui.h"
#include "wake.h"
#include "wallboard.h"

/* At most this many frames a second when events trickle in, */
#define FRAME_MIN_NS (NS_PER_S / 25)
/* and this long between two copies of the model when they pour in (a replay, a burst): each
 * copy holds the lock that the writers wait for. */
#define FRAME_BUSY_NS (NS_PER_S / 10)
/* More changes of the model than this between two frames is a pour. */
#define BUSY_CHANGES 8

static bool curses_on;

/* Give the terminal back (atexit: a path that exits without returning through ui_run). */
static void restore_terminal(void)
{
	if (curses_on && !isendwin())
		endwin();
	curses_on = false;
}

/* Set the terminal up; false if there is none usable. */
static bool screen_open(struct console *c)
{
	static bool registered;

	if (!newterm(NULL, stdout, stdin))
		return false;
	curses_on = true;
	if (!registered) {
		atexit(restore_terminal);
		registered = true;
	}
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	leaveok(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	theme_init(c->s->color);
	c->utf8 = locale_is_utf8();
	c->ascii_lines = c->s->ascii || !c->utf8;
	draw_setup(c->utf8, c->ascii_lines);
	if (c->s->mouse && c->s->kiosk == 0)
		mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED |
		              BUTTON5_PRESSED,
		          NULL);
	return true;
}

/* Turn the wallboard's page when its time has come. */
static void wall_rotate(struct console *c)
{
	int64_t wall = wall_now_ns();

	if (c->s->rotate_s <= 0 || c->wall_pages <= 1) {
		c->wall_next_ns = 0;
		return;
	}
	if (c->wall_next_ns == 0) {
		c->wall_next_ns = wall + (int64_t)c->s->rotate_s * NS_PER_S;
	} else if (wall >= c->wall_next_ns) {
		c->wall_page = (c->wall_page + 1) % c->wall_pages;
		c->wall_next_ns = wall + (int64_t)c->s->rotate_s * NS_PER_S;
	}
}

/* The line above the footer, when something must be said there. */
static void banner_draw(struct console *c, int y)
{
	if (c->paused)
		draw_text(y, 0, c->cols,
		          " PAUSED: the display is frozen, the data keeps flowing. p resumes.",
		          ROLE_BANNER, ALIGN_LEFT);
}

/* Draw one frame into curses' buffer and send the difference to the terminal. */
static void note_critical(const struct alert *a, enum alert_change change, void *ctx)
{
	bool *ring = ctx;
	if (change != ALERT_CLEARED && a->level == ALERT_CRIT)
		*ring = true;
}

/* Ring the bell when an alert of any kind (queue, line, feed) turns critical, in any view. */
static void bell_on_critical(struct console *c)
{
	bool ring = false;
	alerts_diff(&c->rung, &c->st.alerts, note_critical, &ring);
	if (ring && c->s->bell)
		beep();
	alerts_copy(&c->rung, &c->st.alerts);
}

static void render(struct console *c)
{
	int body_y = 1, body_h;

	getmaxyx(stdscr, c->rows, c->cols);
	erase();
	panels_build(c);
	if (c->view == VIEW_WALL) {
		c->wall_pages = wallboard_draw(&c->st, c->s, c->names, c->now_ns, c->wall_page);
		if (c->wall_pages < 1)
			c->wall_pages = 1;
		c->wall_page %= c->wall_pages;
		if (c->paused)
			banner_draw(c, c->rows - 1);
		if (c->confirm != CONFIRM_NONE)
			footer_draw(c);
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	if (c->rows < 6 || c->cols < 30) {
		draw_str(0, 0, c->cols, "ctiboard: terminal too small", ROLE_DEFAULT);
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	header_draw(c);
	footer_draw(c);
	body_h = c->rows - 2;
	if (c->paused) {
		body_h--;
		banner_draw(c, c->rows - 2);
	}
	switch (c->view) {
	case VIEW_LOG: log_draw(c, body_y, body_h); break;
	case VIEW_DETAIL: detail_draw(c, body_y, body_h); break;
	case VIEW_HELP: help_draw(c, body_y, body_h); break;
	case VIEW_CALLBACKS: callbacks_draw(c, body_y, body_h); break;
	case VIEW_AGENTS: agents_draw(c, body_y, body_h); break;
	case VIEW_LIVE: live_draw(c, body_y, body_h); break;
	default: panels_draw(c, body_y, body_h); break;
	}
	wnoutrefresh(stdscr);
	doupdate();
}

/* Append a character typed in the filter. */
static void filter_add(struct console *c, wint_t wc)
{
	char mb[MB_LEN_MAX + 1];
	mbstate_t ps;
	size_t n, len = strlen(c->filter);

	memset(&ps, 0, sizeof ps);
	n = wcrtomb(mb, (wchar_t)wc, &ps);
	if (n == (size_t)-1 || len + n + 1 > sizeof c->filter)
		return;
	memcpy(c->filter + len, mb, n);
	c->filter[len + n] = '\0';
}

/* Remove the last character (not byte) of the filter. */
static void filter_backspace(struct console *c)
{
	size_t len = strlen(c->filter);

	while (len > 0 && ((unsigned char)c->filter[len - 1] & 0xC0) == 0x80)
		len--;
	if (len > 0)
		len--;
	c->filter[len] = '\0';
}

/* A key while the filter is edited; false if it is not the editor's. */
static bool filter_key(struct console *c, int key, bool is_char)
{
	if (key == 27) {
		c->filter[0] = '\0';
		c->filter_edit = false;
	} else if (key == '\r' || key == '\n' || key == KEYCODE(KEY_ENTER)) {
		c->filter_edit = false;
	} else if (key == 127 || key == 8 || key == KEYCODE(KEY_BACKSPACE)) {
		filter_backspace(c);
	} else if (is_char && key >= 32) {
		filter_add(c, (wint_t)key);
	} else {
		return false;
	}
	for (int i = 0; i < PANEL_COUNT; i++)
		c->panels[i].sel_key[0] = '\0';
	return true;
}

/* A key while a yes/no question is asked. */
static void confirm_key(struct console *c, int key)
{
	enum confirm q = c->confirm;

	c->confirm = CONFIRM_NONE;
	if (q == CONFIRM_ACTION || q == CONFIRM_BREAK_REASON) {
		supervise_key(c, q, key);
		return;
	}
	if (key != 'y' && key != 'Y')
		return;
	if (q == CONFIRM_QUIT) {
		c->quit = true;
	} else if (q == CONFIRM_RESET) {
		model_lock(c->m);
		model_reset_today(c->m); /* marks the model changed */
		model_unlock(c->m);
		/* journalled: a restart replays the journal, and the reset with it */
		bool kept = journal_append_reset(c->journal, wall_now_ns());
		snprintf(c->status, sizeof c->status, "today's counters reset%s",
		         kept ? " (kept in the journal)" : "");
	}
}

/* A mouse event: the wheel scrolls, a click selects, a double click opens the detail. */
static void mouse_key(struct console *c)
{
	MEVENT ev;

	if (getmouse(&ev) != OK || c->s->kiosk)
		return;
	if (ev.bstate & BUTTON4_PRESSED) {
		for (int i = 0; i < 3; i++)
			actions_dispatch(c, KEYCODE(KEY_UP));
	} else if (ev.bstate & BUTTON5_PRESSED) {
		for (int i = 0; i < 3; i++)
			actions_dispatch(c, KEYCODE(KEY_DOWN));
	} else if (c->view == VIEW_MAIN &&
	           (ev.bstate & (BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED))) {
		if (panels_click(c, ev.y, ev.x) && (ev.bstate & BUTTON1_DOUBLE_CLICKED))
			actions_dispatch(c, '\r');
	}
}

/* Read every key waiting. Returns true if anything was read. */
static bool read_keys(struct console *c)
{
	bool any = false;
	wint_t wc;
	int r;

	while ((r = get_wch(&wc)) != ERR) {
		int key = r == KEY_CODE_YES ? KEYCODE((int)wc) : (int)wc;

		any = true;
		if (key == KEYCODE(KEY_RESIZE))
			continue;
		if (key == KEYCODE(KEY_MOUSE)) {
			mouse_key(c);
			continue;
		}
		if (c->confirm != CONFIRM_NONE) {
			confirm_key(c, key);
			continue;
		}
		if (c->filter_edit && filter_key(c, key, r == OK))
			continue;
		actions_dispatch(c, key);
		if (c->quit)
			break;
	}
	return any;
}

/* Milliseconds to sleep: to the next whole second of the wall clock (the clock and durations
 * tick then), sooner if a frame is due or a wallboard page turns. */
static int poll_timeout(const struct console *c, bool dirty, int64_t next_frame)
{
	int64_t wall = wall_now_ns();
	int64_t until = (wall / NS_PER_S + 1) * NS_PER_S;

	if (dirty && next_frame < until)
		until = next_frame;
	if (c->view == VIEW_WALL && c->wall_next_ns && c->wall_next_ns < until)
		until = c->wall_next_ns;
	if (until <= wall)
		return 0;
	return (int)((until - wall + 999999) / 1000000);
}

int ui_run(struct model *m, struct journal *j, const struct names *names, const struct settings *s,
           volatile sig_atomic_t *stop)
{
	struct console c;
	int64_t next_frame = 0; /* no frame before this wall-clock time */
	bool dirty = true;
	bool key = false; /* a key was read: its frame is not held back by the frame rate */

	memset(&c, 0, sizeof c);
	c.m = m;
	c.journal = j;
	c.names = names;
	c.s = s;
	c.stop = stop;
	c.view = s->wallboard ? VIEW_WALL : VIEW_MAIN;
	c.back = c.view;
	if (!screen_open(&c))
		return 1;

	while (!c.quit && !(stop && *stop)) {
		struct pollfd fds[2] = {{.fd = STDIN_FILENO, .events = POLLIN},
		                        {.fd = model_wake_fd(m), .events = POLLIN}};
		int64_t wall = wall_now_ns();
		int n;
		/* a key is answered at once; other changes wait for the frame rate (a frame further
		 * away than a gap: the wall clock went back) */
		if (dirty && (key || wall >= next_frame || next_frame - wall > FRAME_BUSY_NS)) {
			int64_t gap = FRAME_MIN_NS;
			if (!c.paused) {
				uint64_t before = c.seen;
				if (model_view(m, &c.st, &c.seen)) {
					lookup_update(&c);
					if (c.seen - before > BUSY_CHANGES)
						gap = FRAME_BUSY_NS;
					bell_on_critical(&c);
				}
				c.now_ns = state_now_ns(&c.st);
			}
			if (c.view == VIEW_WALL)
				wall_rotate(&c);
			render(&c);
			next_frame = wall + gap;
			dirty = false;
			key = false;
		}
		/* The model's wake fd is left out while a frame is pending: more changes would
		 * only wake the thread again before the frame is due. */
		if (dirty)
			fds[1].fd = -1;
		n = poll(fds, 2, poll_timeout(&c, dirty, next_frame));
		if (n < 0 && errno != EINTR)
			break;
		if (n == 0)
			dirty = true; /* the tick */
		if (n > 0 && model_wake_fd(m) >= 0 && (fds[1].revents & POLLIN)) {
			model_wake_drain(m);
			if (!c.paused)
				dirty = true;
		}
		/* after EINTR too: a SIGWINCH leaves KEY_RESIZE to read */
		if (read_keys(&c))
			dirty = key = true;
		supervise_watch(&c);
		uint64_t answered = c.action_seen;
		supervise_poll(&c);
		if (c.action_seen != answered)
			dirty = key = true;
	}
	supervise_poll(&c); /* an answer that came as the user quit is journalled too */
	model_watch_live_calls(m, NULL);
	restore_terminal();
	state_free(&c.st);
	alerts_free(&c.rung);
	lookup_free(&c);
	for (int i = 0; i < PANEL_COUNT; i++) {
		free(c.panels[i].rows);
		free(c.panels[i].row_of);
	}
	return 0;
}
