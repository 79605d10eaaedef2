/* draw.h: the few primitives every part of the console draws with: text fitted to a width
 * (UTF-8 aware, ASCII on a non-UTF-8 locale), rules, and the formatting of times and rates.
 * Only ui/ includes this.
 */
#ifndef CTIBOARD_UI_DRAW_H
#define CTIBOARD_UI_DRAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "theme.h"

enum align { ALIGN_LEFT, ALIGN_RIGHT };

/* Choose the glyphs: utf8 is the locale, ascii forces ASCII lines. */
void draw_setup(bool utf8, bool ascii);

/* Print s at (y, x) in exactly w columns (cut on a character boundary, padded with spaces),
 * with the attribute of role r. Returns the columns of text printed (before padding). */
int draw_text(int y, int x, int w, const char *s, enum role r, enum align a);

/* Print s at (y, x) in at most w columns without padding. Returns the columns used. */
int draw_str(int y, int x, int w, const char *s, enum role r);

/* Fill h rows at (y, x) with the vertical rule glyph. */
void draw_vrule(int y, int x, int h, enum role r);

/* Fill a row with spaces in role r. */
void draw_fill(int y, int x, int w, enum role r);

/* "1:05", "12:34", "1:02:03"; "-" when s < 0. */
char *fmt_duration(char *dst, size_t dstsize, int64_t s);

/* "now", "42 s ago", "3 min ago", "2 h ago", "3 d ago"; "never" when when_ns is 0. */
char *fmt_ago(char *dst, size_t dstsize, int64_t now_ns, int64_t when_ns);

/* "87%" from per-mille; "-" when pm < 0. */
char *fmt_pm(char *dst, size_t dstsize, int pm);

/* Local wall time "HH:MM:SS" of ns. */
char *fmt_clock(char *dst, size_t dstsize, int64_t ns);

/* s cut or padded to exactly cols columns (on a character boundary). Returns dst. */
char *fmt_cols(char *dst, size_t dstsize, const char *s, int cols);

/* s whole when it fits in cols columns, else cut to cols - 1 with an ellipsis ("~" on a
 * terminal that is not UTF-8) so a cut never passes for the whole text. Returns dst. */
char *fmt_cut(char *dst, size_t dstsize, const char *s, int cols);

/* Does the locale's character set say UTF-8? The console and the wallboard ask this alone. */
bool locale_is_utf8(void);

#endif
