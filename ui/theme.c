/* theme.c: the one scheme table of colour roles, with a colour column and a monochrome column
 * (as ncdu and htop keep theirs). NO_COLOR, --no-color or a terminal without colours select
 * the monochrome column.
 */
#include "theme.h"

#include <curses.h>
#include <stdlib.h>

struct scheme_entry {
	short fg, bg;   /* colour column: -1 is the terminal's default */
	int color_attr; /* extra attributes in colour */
	int mono_attr;  /* monochrome column */
};

static const struct scheme_entry scheme[ROLE_COUNT] = {
    [ROLE_DEFAULT] = {-1, -1, A_NORMAL, A_NORMAL},
    [ROLE_HEADER] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE},
    [ROLE_FOOTER] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE},
    [ROLE_FOOTER_KEY] = {COLOR_WHITE, COLOR_BLACK, A_BOLD, A_BOLD},
    [ROLE_PANEL_TITLE] = {COLOR_GREEN, -1, A_BOLD | A_UNDERLINE, A_UNDERLINE},
    /* not the selection's colours: a focused title must not look like a selected row; never
     * bold black, which many terminals show as dark grey */
    [ROLE_PANEL_TITLE_FOCUS] = {COLOR_BLACK, COLOR_GREEN, A_NORMAL, A_BOLD | A_UNDERLINE},
    [ROLE_COLUMN_HEAD] = {COLOR_GREEN, -1, A_BOLD, A_BOLD},
    [ROLE_SELECTED] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE},
    [ROLE_DIM] = {COLOR_BLUE, -1, A_BOLD, A_DIM},
    [ROLE_RINGING] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD},
    [ROLE_IN_CALL] = {COLOR_GREEN, -1, A_NORMAL, A_NORMAL},
    [ROLE_OK] = {COLOR_GREEN, -1, A_NORMAL, A_NORMAL},
    [ROLE_WARN] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD},
    [ROLE_CRIT] = {COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD},
    [ROLE_STALE] = {COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD},
    [ROLE_TILE] = {COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_NORMAL},
    [ROLE_TILE_WARN] = {COLOR_BLACK, COLOR_YELLOW, A_NORMAL, A_BOLD},
    [ROLE_TILE_CRIT] = {COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD},
    [ROLE_BIG_DIGIT] = {COLOR_WHITE, COLOR_BLUE, A_BOLD, A_BOLD},
    [ROLE_BANNER] = {COLOR_BLACK, COLOR_YELLOW, A_NORMAL, A_REVERSE | A_BOLD},
};

static bool use_color;

/* NO_COLOR (https://no-color.org): present and not empty disables colours. */
static bool no_color_env(void)
{
	const char *v = getenv("NO_COLOR");

	return v && *v;
}

void theme_init(bool color)
{
	use_color = false;
	if (!color || no_color_env() || !has_colors())
		return;
	if (start_color() == ERR || COLOR_PAIRS < ROLE_COUNT + 1)
		return;
	bool defaults = use_default_colors() == OK;

	for (int r = 0; r < ROLE_COUNT; r++) {
		short fg = scheme[r].fg, bg = scheme[r].bg;

		if (!defaults && fg == -1)
			fg = COLOR_WHITE;
		if (!defaults && bg == -1)
			bg = COLOR_BLACK;

		/* a role with no colours of its own keeps pair 0 */
		if (fg != -1 || bg != -1)
			init_pair((short)(r + 1), fg, bg);
	}
	use_color = true;
}

int theme_attr(enum role r)
{
	const struct scheme_entry *e;

	if (r < 0 || r >= ROLE_COUNT)
		r = ROLE_DEFAULT;
	e = &scheme[r];
	if (!use_color)
		return e->mono_attr;
	if (e->fg == -1 && e->bg == -1)
		return e->color_attr;
	return (int)COLOR_PAIR(r + 1) | e->color_attr;
}

bool theme_has_color(void)
{
	return use_color;
}

char theme_alert_marker(int level)
{
	switch (level) {
	case 1: return '!';
	case 2: return '*';
	default: return ' ';
	}
}
