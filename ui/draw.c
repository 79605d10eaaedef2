/* draw.c: text fitted to columns, rules, and the formatting of times and rates. */
#include "draw.h"

#include <curses.h>
#include <langinfo.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "text.h"

static bool utf8_text = true;
static const char *vglyph = "|";
static const char *cut_mark = "\u2026"; /* the end of a text cut short */

void draw_setup(bool utf8, bool ascii)
{
	utf8_text = utf8;
	vglyph = (utf8 && !ascii) ? "\u2502" : "|";
	cut_mark = (utf8 && !ascii) ? "\u2026" : "~";
}

bool locale_is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

/* Fit s into w columns of fitted (folded to ASCII first when the locale is not UTF-8), and set
 * the role's attributes; returns the columns used. */
static int fit_for_screen(char *fitted, size_t size, const char *s, int w, enum role r)
{
	char folded[512];

	if (!utf8_text) {
		ascii_fold(folded, sizeof folded, s);
		s = folded;
	}
	attrset(theme_attr(r));
	return text_fit(fitted, size, s, w);
}

int draw_str(int y, int x, int w, const char *s, enum role r)
{
	char fitted[512];
	int cols;

	if (w <= 0)
		return 0;
	cols = fit_for_screen(fitted, sizeof fitted, s, w, r);
	mvaddstr(y, x, fitted);
	return cols;
}

int draw_text(int y, int x, int w, const char *s, enum role r, enum align a)
{
	char fitted[512];
	int cols;

	if (w <= 0)
		return 0;
	cols = fit_for_screen(fitted, sizeof fitted, s, w, r);
	move(y, x);
	if (a == ALIGN_RIGHT)
		for (int i = cols; i < w; i++)
			addch(' ');
	addstr(fitted);
	if (a == ALIGN_LEFT)
		for (int i = cols; i < w; i++)
			addch(' ');
	return cols;
}

void draw_vrule(int y, int x, int h, enum role r)
{
	attrset(theme_attr(r));
	for (int i = 0; i < h; i++)
		mvaddstr(y + i, x, vglyph);
}

void draw_fill(int y, int x, int w, enum role r)
{
	attrset(theme_attr(r));
	move(y, x);
	for (int i = 0; i < w; i++)
		addch(' ');
}

char *fmt_duration(char *dst, size_t dstsize, int64_t s)
{
	if (s < 0)
		snprintf(dst, dstsize, "-");
	else if (s < 3600)
		snprintf(dst, dstsize, "%d:%02d", (int)(s / 60), (int)(s % 60));
	else
		snprintf(dst, dstsize, "%d:%02d:%02d", (int)(s / 3600), (int)(s / 60 % 60),
		         (int)(s % 60));
	return dst;
}

char *fmt_ago(char *dst, size_t dstsize, int64_t now_ns, int64_t when_ns)
{
	int64_t s;

	if (when_ns == 0) {
		snprintf(dst, dstsize, "never");
		return dst;
	}
	s = (now_ns - when_ns) / 1000000000;
	if (s < 1)
		snprintf(dst, dstsize, "now");
	else if (s < 60)
		snprintf(dst, dstsize, "%d s ago", (int)s);
	else if (s < 3600)
		snprintf(dst, dstsize, "%d min ago", (int)(s / 60));
	else if (s < 86400)
		snprintf(dst, dstsize, "%d h ago", (int)(s / 3600));
	else
		snprintf(dst, dstsize, "%d d ago", (int)(s / 86400));
	return dst;
}

char *fmt_pm(char *dst, size_t dstsize, int pm)
{
	if (pm < 0)
		snprintf(dst, dstsize, "-");
	else
		snprintf(dst, dstsize, "%d%%", (pm + 5) / 10);
	return dst;
}

char *fmt_clock(char *dst, size_t dstsize, int64_t ns)
{
	time_t t = (time_t)(ns / 1000000000);
	struct tm tm;

	if (ns <= 0 || !localtime_r(&t, &tm)) {
		snprintf(dst, dstsize, "--:--:--");
		return dst;
	}
	strftime(dst, dstsize, "%H:%M:%S", &tm);
	return dst;
}

char *fmt_cols(char *dst, size_t dstsize, const char *s, int cols)
{
	int used = text_fit(dst, dstsize, s, cols);
	size_t n = strlen(dst);

	for (; used < cols && n + 1 < dstsize; used++)
		dst[n++] = ' ';
	dst[n] = '\0';
	return dst;
}

char *fmt_cut(char *dst, size_t dstsize, const char *s, int cols)
{
	const char *mark = cut_mark;

	if (cols <= 0) {
		if (dstsize)
			dst[0] = '\0';
		return dst;
	}
	if (text_width(s) <= cols) {
		text_fit(dst, dstsize, s, cols);
		return dst;
	}
	text_fit(dst, dstsize, s, cols - 1);
	size_t n = strlen(dst), m = strlen(mark);
	if (n + m < dstsize)
		memcpy(dst + n, mark, m + 1);
	return dst;
}
