/* bigfont.h: the wallboard's built-in glyph font: digits and the few signs a figure needs
 * (":" "%" "-" "."), as 3x5 and 5x7 bitmaps scaled by whole numbers. Pure functions, no
 * curses, so the font and its measurements are unit-tested alone. Only ui/ includes this.
 */
#ifndef CTIBOARD_UI_BIGFONT_H
#define CTIBOARD_UI_BIGFONT_H

#include <stdbool.h>
#include <stddef.h>

/* A font size: a base bitmap (3x5 or 5x7) scaled by sx columns and sy rows per pixel. */
struct bigfont {
	int base_w, base_h; /* 3x5 or 5x7 */
	int sx, sy;
};

/* Number of sizes, from the smallest (index 0) to the largest. */
int bigfont_sizes(void);

/* Size number i (0 <= i < bigfont_sizes()). */
struct bigfont bigfont_size(int i);

/* Rows one line of big text takes. */
int bigfont_height(const struct bigfont *f);

/* Does the font draw c? (digits, ':', '%', '-', '.', ' ') */
bool bigfont_has(char c);

/* Columns of one glyph (0 for a character the font lacks). */
int bigfont_glyph_width(const struct bigfont *f, char c);

/* Columns of s drawn in f, with a gap of sx columns between glyphs; -1 if a character of s is
 * not in the font. */
int bigfont_width(const struct bigfont *f, const char *s);

/* Is the pixel at column x, row y of the glyph c set (scaled coordinates)? */
bool bigfont_pixel(const struct bigfont *f, char c, int x, int y);

/* Row y of s as text: on for a set pixel, off for the rest, NUL-terminated (at most
 * dstsize - 1 columns). Returns the columns written. */
int bigfont_row(const struct bigfont *f, const char *s, int y, char on, char off, char *dst,
                size_t dstsize);

#endif
