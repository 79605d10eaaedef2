/* wblayout.c: sizes and arrangement of the wallboard's tiles. */
#include "wblayout.h"

static const char *const templates[WB_FIGURES] = {"888", "88:88", "100%", "8888", "888"};

const char *wb_template(enum wb_figure fig)
{
	return fig >= 0 && fig < WB_FIGURES ? templates[fig] : "8";
}

int wb_cell_width(const struct bigfont *f, enum wb_figure fig)
{
	return bigfont_width(f, wb_template(fig));
}

void wb_cell_row(int cell_rows, int r, int *first, int *count)
{
	if (cell_rows <= 1) {
		*first = 0;
		*count = WB_FIGURES;
	} else {
		/* the live figures above, the day's counts below */
		*first = r == 0 ? 0 : 3;
		*count = r == 0 ? 3 : WB_FIGURES - 3;
	}
}

/* Columns of one row of cells, with a column between cells. */
static int cells_width(const struct bigfont *f, int first, int count)
{
	int w = 0;
	for (int i = first; i < first + count; i++)
		w += wb_cell_width(f, (enum wb_figure)i) + (i > first ? 1 : 0);
	return w;
}

int wb_tile_min_width(const struct bigfont *f, int cell_rows)
{
	int w = 0;
	for (int r = 0; r < (cell_rows <= 1 ? 1 : 2); r++) {
		int first, count;
		wb_cell_row(cell_rows, r, &first, &count);
		int rw = cells_width(f, first, count);
		if (rw > w)
			w = rw;
	}
	return w + 4; /* borders and a column of margin inside each */
}

int wb_tile_min_height(const struct bigfont *f, int cell_rows)
{
	int n = cell_rows <= 1 ? 1 : 2;
	/* top border with the title, per row of cells a label and the digits, a blank row
	 * between rows of cells, bottom border */
	return 1 + n * (1 + bigfont_height(f)) + (n - 1) + 1;
}

static int div_up(int a, int b)
{
	return (a + b - 1) / b;
}

/* Fill out for a tile of min_w x min_h; false when not even one tile fits. */
static bool arrange(int cols, int rows, int ntiles, int min_w, int min_h, struct wb_layout *out)
{
	if (min_w > cols || min_h > rows)
		return false;
	int across = cols / min_w, down = rows / min_h;
	if (across > ntiles)
		across = ntiles;
	if (down > div_up(ntiles, across))
		down = div_up(ntiles, across);
	out->grid_cols = across;
	out->grid_rows = down;
	out->per_page = across * down;
	out->pages = div_up(ntiles, out->per_page);
	out->tile_w = cols / across;
	out->tile_h = rows / down;
	return true;
}

void wb_layout(int cols, int rows, int ntiles, struct wb_layout *out)
{
	if (ntiles < 1)
		ntiles = 1;
	if (cols < 1)
		cols = 1;
	if (rows < 1)
		rows = 1;
	bool found = false;
	for (int i = bigfont_sizes() - 1; i >= 0; i--) {
		struct bigfont f = bigfont_size(i);
		for (int cr = 1; cr <= 2; cr++) {
			struct wb_layout l = {.font = i, .f = f, .cell_rows = cr};
			if (!arrange(cols, rows, ntiles, wb_tile_min_width(&f, cr),
			             wb_tile_min_height(&f, cr), &l))
				continue;
			/* sizes are tried largest first, so only fewer pages wins later */
			if (!found || l.pages < out->pages) {
				*out = l;
				found = true;
			}
		}
	}
	if (found)
		return;
	*out = (struct wb_layout){.font = -1, .f = bigfont_size(0), .cell_rows = 1};
	if (!arrange(cols, rows, ntiles, cols, WB_TEXT_TILE_H, out)) {
		out->grid_cols = out->grid_rows = out->per_page = 1;
		out->pages = ntiles;
		out->tile_w = cols;
		out->tile_h = rows;
	}
}
