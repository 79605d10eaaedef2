/* chart.h: the day of a queue as a bar chart, and sparklines, laid out in cells of text.
 *
 * The layout is done once here, without curses, so the console's queue detail and
 * `ctiboard report --by interval` draw the same chart. Each cell has a glyph and a role; the
 * console colours roles, the report prints the glyphs. The glyphs differ per role, so the chart
 * reads the same in monochrome; the ASCII set replaces every block and marker.
 */
#ifndef CTIBOARD_CHART_H
#define CTIBOARD_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "series.h"
#include "settings.h"

enum chart_role {
	CHART_BLANK,
	CHART_AXIS,       /* scales, hour labels, legend text */
	CHART_ANSWERED,   /* callers answered */
	CHART_UNANSWERED, /* abandoned, short abandons, timed out, left by key */
	CHART_OTHER,      /* offered and neither yet: waiting, or expired */
	CHART_SL          /* the service level marker, on its own 0-100 % scale */
};

struct chart_cell {
	char g[5]; /* one character, UTF-8 */
	unsigned char role;
};

#define CHART_MIN_W 24
#define CHART_MIN_H 6

/* Lay out the bar chart of a day's intervals (day starting at day_s) in a grid of w x h cells,
 * row-major. Intervals from the first to the last hour with callers are shown; a column stands
 * for one interval, or several when the width is short. Returns false (grid untouched) when
 * w x h is under the minimum, or when no caller was offered. */
bool chart_layout(const struct day_series *day, int64_t day_s, const struct settings *s, bool ascii,
                  int w, int h, struct chart_cell *grid);

/* The grid as lines of text (trailing spaces dropped), each ended by '\n', into f. */
void chart_print(const struct chart_cell *grid, int w, int h, void *stdio_file);

/* A sparkline of n values (scaled to their maximum, at least 1) into dst: one glyph per value,
 * "▁▂▃▄▅▆▇█" or ASCII " .:-=+*#". */
void chart_sparkline(const int *v, int n, bool ascii, char *dst, size_t dstsize);

#endif
