/* bigfont.c: the glyph bitmaps of the wallboard and their scaling. */
#include "bigfont.h"

#include <string.h>

/* Glyphs as rows of '#' and '.', all rows of one glyph the same width. */
struct glyph {
	char c;
	const char *rows[7];
};

static const struct glyph font3x5[] = {
    {'0', {"###", "#.#", "#.#", "#.#", "###"}}, {'1', {".#.", "##.", ".#.", ".#.", "###"}},
    {'2', {"###", "..#", "###", "#..", "###"}}, {'3', {"###", "..#", "###", "..#", "###"}},
    {'4', {"#.#", "#.#", "###", "..#", "..#"}}, {'5', {"###", "#..", "###", "..#", "###"}},
    {'6', {"###", "#..", "###", "#.#", "###"}}, {'7', {"###", "..#", "..#", "..#", "..#"}},
    {'8', {"###", "#.#", "###", "#.#", "###"}}, {'9', {"###", "#.#", "###", "..#", "###"}},
    {':', {".", "#", ".", "#", "."}},           {'%', {"#.#", "..#", ".#.", "#..", "#.#"}},
    {'-', {"...", "...", "###", "...", "..."}}, {'.', {".", ".", ".", ".", "#"}},
    {' ', {"..", "..", "..", "..", ".."}},
};

static const struct glyph font5x7[] = {
    {'0', {".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."}},
    {'1', {"..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."}},
    {'2', {".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"}},
    {'3', {"#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."}},
    {'4', {"...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."}},
    {'5', {"#####", "#....", "####.", "....#", "....#", "#...#", ".###."}},
    {'6', {"..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."}},
    {'7', {"#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."}},
    {'8', {".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."}},
    {'9', {".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."}},
    {':', {".", ".", "#", ".", "#", ".", "."}},
    {'%', {"##..#", "##.#.", "...#.", "..#..", ".#...", ".#.##", "#..##"}},
    {'-', {".....", ".....", ".....", "#####", ".....", ".....", "....."}},
    {'.', {".", ".", ".", ".", ".", ".", "#"}},
    {' ', {"...", "...", "...", "...", "...", "...", "..."}},
};

/* The sizes in increasing order; wider than tall, as terminal cells are about twice as tall
 * as they are wide. */
static const struct bigfont sizes[] = {
    {3, 5, 1, 1}, {5, 7, 1, 1}, {5, 7, 2, 1}, {5, 7, 2, 2},
    {5, 7, 3, 2}, {5, 7, 3, 3}, {5, 7, 4, 3},
};

int bigfont_sizes(void)
{
	return (int)(sizeof sizes / sizeof *sizes);
}

struct bigfont bigfont_size(int i)
{
	if (i < 0)
		i = 0;
	if (i >= bigfont_sizes())
		i = bigfont_sizes() - 1;
	return sizes[i];
}

int bigfont_height(const struct bigfont *f)
{
	return f->base_h * f->sy;
}

static const struct glyph *find(const struct bigfont *f, char c)
{
	const struct glyph *g = f->base_h == 5 ? font3x5 : font5x7;
	size_t n =
	    f->base_h == 5 ? sizeof font3x5 / sizeof *font3x5 : sizeof font5x7 / sizeof *font5x7;
	for (size_t i = 0; i < n; i++)
		if (g[i].c == c)
			return &g[i];
	return NULL;
}

bool bigfont_has(char c)
{
	struct bigfont f = sizes[0];
	return c != '\0' && find(&f, c) != NULL;
}

int bigfont_glyph_width(const struct bigfont *f, char c)
{
	const struct glyph *g = find(f, c);
	return g ? (int)strlen(g->rows[0]) * f->sx : 0;
}

int bigfont_width(const struct bigfont *f, const char *s)
{
	int w = 0;
	for (const char *p = s; *p; p++) {
		int gw = bigfont_glyph_width(f, *p);
		if (gw == 0)
			return -1;
		w += gw + (p == s ? 0 : f->sx);
	}
	return w;
}

bool bigfont_pixel(const struct bigfont *f, char c, int x, int y)
{
	const struct glyph *g = find(f, c);
	if (!g || x < 0 || y < 0 || y >= bigfont_height(f) || x >= bigfont_glyph_width(f, c))
		return false;
	return g->rows[y / f->sy][x / f->sx] == '#';
}

int bigfont_row(const struct bigfont *f, const char *s, int y, char on, char off, char *dst,
                size_t dstsize)
{
	size_t n = 0;
	if (dstsize == 0)
		return 0;
	for (const char *p = s; *p; p++) {
		if (p != s)
			for (int k = 0; k < f->sx && n + 1 < dstsize; k++)
				dst[n++] = off;
		int gw = bigfont_glyph_width(f, *p);
		for (int x = 0; x < gw && n + 1 < dstsize; x++)
			dst[n++] = bigfont_pixel(f, *p, x, y) ? on : off;
	}
	dst[n] = '\0';
	return (int)n;
}
