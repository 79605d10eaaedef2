/* columns.h: a table's columns placed in the width it has, the least important dropped first. */
#ifndef CTIBOARD_UI_COLUMNS_H
#define CTIBOARD_UI_COLUMNS_H

#include <stdbool.h>

struct column {
	const char *head; /* NULL: the panel's title goes there */
	int width;        /* fixed width, or the minimum of a flexible column */
	int flex;         /* share of the spare width; 0: fixed */
	int prio;         /* 0 always shown; higher numbers are dropped first when narrow */
	bool right;
};

#define MAX_COLS 20

struct layout {
	int n;
	int x[MAX_COLS], w[MAX_COLS]; /* w 0: column hidden */
};

/* Place the columns in width w: drop the least important until the rest fits, then share the
 * spare columns among the flexible ones. Columns are separated by one space. */
void layout_columns(const struct column *cols, int n, int width, struct layout *lo);

/* The same, with the columns marked in hidden (NULL: none) left out whatever the width. */
void layout_columns_except(const struct column *cols, int n, int width, const bool *hidden,
                           struct layout *lo);

#endif
