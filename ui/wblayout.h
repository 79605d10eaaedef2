/* wblayout.h: the arithmetic of the wallboard's layout: how big the digits can be, how tiles
 * are arranged and how many pages they need, for a screen of a given size. Pure functions, no
 * curses, unit-tested alone. Only ui/ includes this.
 *
 * A tile shows five figures, each a label over big digits. Its cells are sized for the widest
 * text the figure may show (wb_template), so tiles do not jump as the numbers change.
 */
#ifndef CTIBOARD_UI_WBLAYOUT_H
#define CTIBOARD_UI_WBLAYOUT_H

#include "bigfont.h"

enum wb_figure { WB_WAITING, WB_LONGEST, WB_SL, WB_ANSWERED, WB_ABANDONED, WB_FIGURES };

struct wb_layout {
	int font; /* size index into bigfont; -1: text only (screen too small) */
	struct bigfont f;
	int cell_rows;            /* 1: five figures side by side; 2: three above two */
	int grid_cols, grid_rows; /* tiles across and down on a page */
	int per_page, pages;
	int tile_w, tile_h; /* the space given to each tile (stretched to the screen) */
};

/* The widest text of a figure: "888", "88:88", "100%", "8888", "888". */
const char *wb_template(enum wb_figure fig);

/* Columns of a figure's cell in font f. */
int wb_cell_width(const struct bigfont *f, enum wb_figure fig);

/* Smallest tile that holds the five figures in font f with cell_rows rows of cells (borders,
 * title on the top border, a label row above each row of digits). */
int wb_tile_min_width(const struct bigfont *f, int cell_rows);
int wb_tile_min_height(const struct bigfont *f, int cell_rows);

/* Rows of a tile in the text-only layout. */
#define WB_TEXT_TILE_H 2

/* Choose the layout of ntiles tiles in a cols x rows area: the fewest pages, then the largest
 * digits, then tiles of one row of cells. Always succeeds (text only as a last resort). */
void wb_layout(int cols, int rows, int ntiles, struct wb_layout *out);

/* First figure and count of figures in cell row r (0 or 1) of a tile with cell_rows rows. */
void wb_cell_row(int cell_rows, int r, int *first, int *count);

#endif
