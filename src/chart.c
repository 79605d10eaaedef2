/* chart.c: a day's intervals as a stacked bar chart with a service-level marker; sparklines. */
#include "chart.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stats.h"
#include "text.h"

struct glyphs {
	const char *answered, *unanswered, *other, *sl, *vbar;
};

static const struct glyphs unicode_glyphs = {"█", "▒", "░", "◆", "│"};
static const struct glyphs ascii_glyphs = {"#", "x", ".", "*", "|"};

static void put(struct chart_cell *grid, int w, int h, int y, int x, const char *g,
                enum chart_role role)
{
	if (y < 0 || y >= h || x < 0 || x >= w)
		return;
	struct chart_cell *c = &grid[y * w + x];
	text_copy(c->g, sizeof c->g, g);
	c->role = (unsigned char)role;
}

/* ASCII text from column x of row y; returns the column after it. */
static int put_text(struct chart_cell *grid, int w, int h, int y, int x, const char *s,
                    enum chart_role role)
{
	for (; *s && x < w; s++, x++) {
		char g[2] = {*s, '\0'};
		put(grid, w, h, y, x, g, role);
	}
	return x;
}

/* Rows of the plot for value v on a scale of max over rows: at least one for any caller. */
static int rows_for(uint32_t v, uint32_t max, int rows)
{
	if (!v || !max)
		return 0;
	int r = (int)(((uint64_t)v * (uint64_t)rows + max / 2) / max);
	return r < 1 ? 1 : r;
}

/* Is there room for a label of len columns at x of row y, a blank before it? */
static bool label_room(const struct chart_cell *grid, int w, int y, int x, int len)
{
	for (int i = x - 1; i < x + len; i++)
		if (i >= 0 && (i >= w || grid[y * w + i].role != CHART_BLANK))
			return false;
	return true;
}

bool chart_layout(const struct day_series *day, int64_t day_s, const struct settings *s, bool ascii,
                  int w, int h, struct chart_cell *grid)
{
	if (w < CHART_MIN_W || h < CHART_MIN_H || !day->slots || !day->interval_s)
		return false;
	uint32_t first = UINT32_MAX, last = 0;
	for (uint32_t i = 0; i < day->nslots; i++)
		if (day->slots[i].offered) {
			if (first == UINT32_MAX)
				first = i;
			last = i;
		}
	if (first == UINT32_MAX)
		return false;
	/* whole hours when intervals divide them */
	uint32_t per_hour =
	    day->interval_s <= 3600 && 3600 % day->interval_s == 0 ? 3600 / day->interval_s : 1;
	first -= first % per_hour;
	last += per_hour - 1 - last % per_hour;
	if (last >= day->nslots)
		last = day->nslots - 1;

	const struct glyphs *gl = ascii ? &ascii_glyphs : &unicode_glyphs;
	int plot_h = h - 2; /* then the hour labels, then the legend */
	uint32_t n = last - first + 1;

	/* the left scale: the most callers in a column; the right one: 0-100 % */
	int right_w = 5;
	int left_w = 4;
	int plot_w = w - left_w - right_w - 1;
	uint32_t group = (n + (uint32_t)plot_w - 1) / (uint32_t)plot_w; /* intervals a column */
	uint32_t ncols = (n + group - 1) / group;
	int col_w = (int)((uint32_t)plot_w / ncols);
	if (col_w > 6)
		col_w = 6;
	int bar_w = col_w > 1 ? col_w - 1 : 1;

	struct interval_counts *cols = calloc(ncols, sizeof *cols);
	if (!cols)
		return false;
	uint32_t max = 1;
	for (uint32_t c = 0; c < ncols; c++) {
		uint32_t from = first + c * group;
		uint32_t to = from + group < last + 1 ? from + group : last + 1;
		series_sum(day, from, to, &cols[c]);
		if (cols[c].offered > max)
			max = cols[c].offered;
	}

	for (int i = 0; i < w * h; i++) {
		text_copy(grid[i].g, sizeof grid[i].g, " ");
		grid[i].role = CHART_BLANK;
	}
	char label[32];
	snprintf(label, sizeof label, "%3u", max > 999 ? 999u : max);
	put_text(grid, w, h, 0, 0, label, CHART_AXIS);
	put_text(grid, w, h, plot_h - 1, 0, "  0", CHART_AXIS);
	for (int y = 0; y < plot_h; y++)
		put(grid, w, h, y, left_w - 1, gl->vbar, CHART_AXIS);
	int rx = left_w + (int)ncols * col_w + 1;
	put_text(grid, w, h, 0, rx, "100%", CHART_SL);
	put_text(grid, w, h, plot_h - 1, rx, "0%", CHART_SL);

	for (uint32_t c = 0; c < ncols; c++) {
		const struct interval_counts *k = &cols[c];
		uint32_t unanswered =
		    k->abandoned + k->short_abandoned + k->timed_out + k->left_by_key;
		uint32_t other = k->offered > k->answered + unanswered
		                     ? k->offered - k->answered - unanswered
		                     : 0;
		int ra = rows_for(k->answered, max, plot_h);
		int ru = rows_for(unanswered, max, plot_h);
		int ro = rows_for(other, max, plot_h);
		/* rounding must not lift a bar over the top */
		while (ra + ru + ro > plot_h) {
			if (ro)
				ro--;
			else if (ru)
				ru--;
			else
				ra--;
		}
		int x = left_w + (int)c * col_w;
		for (int b = 0; b < bar_w; b++) {
			int y = plot_h - 1;
			for (int i = 0; i < ra; i++)
				put(grid, w, h, y--, x + b, gl->answered, CHART_ANSWERED);
			for (int i = 0; i < ru; i++)
				put(grid, w, h, y--, x + b, gl->unanswered, CHART_UNANSWERED);
			for (int i = 0; i < ro; i++)
				put(grid, w, h, y--, x + b, gl->other, CHART_OTHER);
		}
		struct queue_stats qs;
		series_stats(k, s, &qs);
		if (qs.service_level_pm >= 0) {
			int y = plot_h - 1 - (qs.service_level_pm * (plot_h - 1) + 500) / 1000;
			put(grid, w, h, y, x + (bar_w - 1) / 2, gl->sl, CHART_SL);
		}
		/* the hour under the column where an hour starts */
		int64_t start = day_s + (int64_t)(first + c * group) * day->interval_s;
		time_t t = (time_t)start;
		struct tm tm;
		if (localtime_r(&t, &tm) && (tm.tm_min == 0 || c == 0)) {
			snprintf(label, sizeof label, tm.tm_min ? "%d:%02d" : "%dh", tm.tm_hour,
			         tm.tm_min);
			if (label_room(grid, w, plot_h, x, (int)strlen(label)))
				put_text(grid, w, h, plot_h, x, label, CHART_AXIS);
		}
	}
	free(cols);

	int lx = 0;
	struct {
		const char *g, *what;
		enum chart_role role;
	} legend[] = {{gl->answered, " answered  ", CHART_ANSWERED},
	              {gl->unanswered, " unanswered  ", CHART_UNANSWERED},
	              {gl->other, " other  ", CHART_OTHER},
	              {gl->sl, " service level", CHART_SL}};
	for (size_t i = 0; i < sizeof legend / sizeof legend[0]; i++) {
		put(grid, w, h, h - 1, lx++, legend[i].g, legend[i].role);
		lx = put_text(grid, w, h, h - 1, lx, legend[i].what, CHART_AXIS);
	}
	if (group > 1 || day->interval_s != 900) {
		snprintf(label, sizeof label, "  (%u min)",
		         (unsigned)(group * day->interval_s / 60));
		put_text(grid, w, h, h - 1, lx, label, CHART_AXIS);
	}
	return true;
}

void chart_print(const struct chart_cell *grid, int w, int h, void *stdio_file)
{
	FILE *f = stdio_file;
	for (int y = 0; y < h; y++) {
		int end = w;
		while (end > 0 && strcmp(grid[y * w + end - 1].g, " ") == 0)
			end--;
		for (int x = 0; x < end; x++)
			fputs(grid[y * w + x].g, f);
		fputc('\n', f);
	}
}

void chart_sparkline(const int *v, int n, bool ascii, char *dst, size_t dstsize)
{
	static const char *const blocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
	static const char levels[] = " .:-=+*#";
	int max = 1;
	size_t used = 0;
	for (int i = 0; i < n; i++)
		if (v[i] > max)
			max = v[i];
	if (dstsize)
		dst[0] = '\0';
	for (int i = 0; i < n; i++) {
		int lv = v[i] <= 0 ? 0 : (v[i] * 7 + max - 1) / max; /* 1..7 for any caller */
		if (lv > 7)
			lv = 7;
		char g[5];
		if (ascii) {
			g[0] = levels[lv];
			g[1] = '\0';
		} else {
			text_copy(g, sizeof g, blocks[lv]);
		}
		size_t len = strlen(g);
		if (used + len + 1 > dstsize)
			break;
		memcpy(dst + used, g, len + 1);
		used += len;
	}
}
