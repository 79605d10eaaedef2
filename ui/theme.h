/* theme.h: colour roles. Every attribute the screen uses is a role looked up in one scheme
 * table with a colour column and a monochrome column (bold, reverse, underline), so the
 * program reads the same on a monochrome terminal. Only ui/ includes this.
 */
#ifndef CTIBOARD_UI_THEME_H
#define CTIBOARD_UI_THEME_H

#include <stdbool.h>

enum role {
	ROLE_DEFAULT,
	ROLE_HEADER,     /* top bar */
	ROLE_FOOTER,     /* key hints bar */
	ROLE_FOOTER_KEY, /* the key in a hint */
	ROLE_PANEL_TITLE,
	ROLE_PANEL_TITLE_FOCUS,
	ROLE_COLUMN_HEAD,
	ROLE_SELECTED, /* the selected row of the focused panel */
	ROLE_DIM,      /* secondary text, idle lines */
	ROLE_RINGING,
	ROLE_IN_CALL,
	ROLE_OK,    /* feed live, good figures */
	ROLE_WARN,  /* warning level */
	ROLE_CRIT,  /* critical level */
	ROLE_STALE, /* feed stale or token rejected */
	ROLE_TILE,  /* wallboard tile, no alert */
	ROLE_TILE_WARN,
	ROLE_TILE_CRIT,
	ROLE_BIG_DIGIT,
	ROLE_BANNER, /* paused, confirm prompts */
	ROLE_COUNT
};

/* Set up colours (when the terminal has them and color is true) after initscr(). */
void theme_init(bool color);

/* The curses attribute of a role in the scheme in use. */
int theme_attr(enum role r);

/* Are colours in use (false: monochrome scheme)? */
bool theme_has_color(void);

/* The marker character shown before a row in an alert state in monochrome ('!' warn,
 * '*' critical), or ' '. */
char theme_alert_marker(int level);

#endif
