/* columns.c: the layout of a table's columns in the width it has. */
#include "columns.h"

#include <stddef.h>

/* Place the columns in width w: drop the least important until the rest fits, then share the
 * spare columns among the flexible ones. Columns are separated by one space. */
void layout_columns(const struct column *cols, int n, int width, struct layout *lo)
{
	layout_columns_except(cols, n, width, NULL, lo);
}

void layout_columns_except(const struct column *cols, int n, int width, const bool *hidden,
                           struct layout *lo)
{
	bool shown[MAX_COLS];
	int need, flex, spare, x = 0;

	lo->n = n;
	for (int i = 0; i < n; i++)
		shown[i] = !(hidden && hidden[i]);
	for (;;) {
		int worst = -1;

		need = -1;
		flex = 0;
		for (int i = 0; i < n; i++) {
			if (!shown[i])
				continue;
			need += cols[i].width + 1;
			flex += cols[i].flex;
			if (cols[i].prio > 0 && (worst < 0 || cols[i].prio >= cols[worst].prio))
				worst = i;
		}
		if (need <= width || worst < 0)
			break;
		shown[worst] = false;
	}
	spare = width > need ? width - need : 0;
	for (int i = 0, given = 0, fseen = 0; i < n; i++) {
		int w = 0;

		if (shown[i]) {
			w = cols[i].width;
			if (cols[i].flex) {
				int share;

				fseen += cols[i].flex;
				share = flex ? spare * fseen / flex - given : 0;
				given += share;
				w += share;
			}
		}
		if (x + w > width)
			w = width - x > 0 ? width - x : 0;
		lo->x[i] = x;
		lo->w[i] = w;
		if (shown[i])
			x += w + 1;
	}
}
