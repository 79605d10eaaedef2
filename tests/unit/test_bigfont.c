/* test_bigfont.c: the wallboard's glyph font and layout arithmetic, without curses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bigfont.h"
#include "wblayout.h"

static void test_digits_3x5(void **state)
{
	(void)state;
	struct bigfont f = bigfont_size(0);
	char row[64];
	assert_int_equal(f.base_w, 3);
	assert_int_equal(bigfont_height(&f), 5);
	/* "10" row by row: a 1 with a foot, an open 0 */
	const char *want[5] = {".#. ###", "##. #.#", ".#. #.#", ".#. #.#", "### ###"};
	for (int y = 0; y < 5; y++) {
		bigfont_row(&f, "10", y, '#', '.', row, sizeof row);
		char expect[16];
		strcpy(expect, want[y]);
		expect[3] = '.'; /* the gap between glyphs is off */
		assert_string_equal(row, expect);
	}
}

static void test_every_digit_differs(void **state)
{
	(void)state;
	for (int i = 0; i < bigfont_sizes(); i++) {
		struct bigfont f = bigfont_size(i);
		char a[10][512];
		for (int d = 0; d < 10; d++) {
			char s[2] = {(char)('0' + d), 0};
			a[d][0] = 0;
			for (int y = 0; y < bigfont_height(&f); y++) {
				char row[64];
				bigfont_row(&f, s, y, '#', '.', row, sizeof row);
				strcat(a[d], row);
			}
			/* every digit sets some pixels and leaves some off */
			assert_non_null(strchr(a[d], '#'));
			assert_non_null(strchr(a[d], '.'));
		}
		for (int d = 0; d < 10; d++)
			for (int e = d + 1; e < 10; e++)
				assert_string_not_equal(a[d], a[e]);
	}
}

static void test_scaling(void **state)
{
	(void)state;
	struct bigfont f = {5, 7, 3, 2};
	assert_int_equal(bigfont_height(&f), 14);
	assert_int_equal(bigfont_glyph_width(&f, '8'), 15);
	assert_int_equal(bigfont_glyph_width(&f, ':'), 3);
	/* each base pixel becomes a 3 x 2 block */
	struct bigfont one = {5, 7, 1, 1};
	for (int y = 0; y < 14; y++)
		for (int x = 0; x < 15; x++)
			assert_int_equal(bigfont_pixel(&f, '4', x, y),
			                 bigfont_pixel(&one, '4', x / 3, y / 2));
	assert_false(bigfont_pixel(&f, '4', 15, 0));
	assert_false(bigfont_pixel(&f, '4', 0, 14));
}

static void test_widths(void **state)
{
	(void)state;
	struct bigfont f = bigfont_size(0);
	assert_int_equal(bigfont_width(&f, "8"), 3);
	assert_int_equal(bigfont_width(&f, "88:88"), 3 * 4 + 1 + 4);
	assert_int_equal(bigfont_width(&f, "100%"), 4 * 3 + 3);
	assert_int_equal(bigfont_width(&f, "12a"), -1);
	assert_true(bigfont_has('%'));
	assert_false(bigfont_has('x'));
	char row[8];
	/* a small buffer is never overrun */
	assert_int_equal(bigfont_row(&f, "8888", 0, '#', '.', row, sizeof row), 7);
	assert_int_equal(strlen(row), 7);
}

static void test_sizes_grow(void **state)
{
	(void)state;
	for (int i = 1; i < bigfont_sizes(); i++) {
		struct bigfont a = bigfont_size(i - 1), b = bigfont_size(i);
		assert_true(bigfont_width(&b, "88") * bigfont_height(&b) >
		            bigfont_width(&a, "88") * bigfont_height(&a));
	}
}

static void test_tile_sizes(void **state)
{
	(void)state;
	struct bigfont f = bigfont_size(0);
	/* five cells of 11 + 17 + 15 + 15 + 11 columns, four gaps, borders and margins */
	assert_int_equal(wb_tile_min_width(&f, 1), 69 + 4 + 4);
	assert_int_equal(wb_tile_min_height(&f, 1), 1 + 1 + 5 + 1);
	/* three above two: the upper row is the wider */
	assert_int_equal(wb_tile_min_width(&f, 2), 11 + 17 + 15 + 2 + 4);
	assert_int_equal(wb_tile_min_height(&f, 2), 1 + 2 * 6 + 1 + 1);
}

static void test_layout_80x24(void **state)
{
	(void)state;
	struct wb_layout l;
	/* 3 queues and a total below a one-row header: two tiles a page, small digits */
	wb_layout(80, 23, 4, &l);
	assert_int_equal(l.font, 0);
	assert_int_equal(l.cell_rows, 1);
	assert_int_equal(l.grid_cols, 1);
	assert_int_equal(l.per_page, 2);
	assert_int_equal(l.pages, 2);
	assert_true(l.tile_w <= 80 && l.tile_h * l.grid_rows <= 23);
	/* one queue alone gets the bigger digits */
	wb_layout(80, 23, 1, &l);
	assert_int_equal(l.pages, 1);
	assert_true(l.font >= 1);
}

static void test_layout_grows_with_screen(void **state)
{
	(void)state;
	struct wb_layout s, m, b;
	wb_layout(80, 23, 4, &s);
	wb_layout(160, 47, 4, &m);
	wb_layout(320, 89, 4, &b);
	assert_int_equal(m.pages, 1);
	assert_int_equal(b.pages, 1);
	assert_true(s.font < m.font);
	assert_true(m.font < b.font);
	/* the chosen tiles fit the screen */
	const struct wb_layout *all[] = {&s, &m, &b};
	const int cols[] = {80, 160, 320}, rows[] = {23, 47, 89};
	for (int i = 0; i < 3; i++) {
		assert_true(all[i]->grid_cols * all[i]->tile_w <= cols[i]);
		assert_true(all[i]->grid_rows * all[i]->tile_h <= rows[i]);
		assert_true(all[i]->tile_w >= wb_tile_min_width(&all[i]->f, all[i]->cell_rows));
		assert_true(all[i]->tile_h >= wb_tile_min_height(&all[i]->f, all[i]->cell_rows));
	}
}

static void test_layout_pages(void **state)
{
	(void)state;
	struct wb_layout l;
	/* many queues: the fewest pages wins over big digits */
	wb_layout(80, 23, 13, &l);
	assert_int_equal(l.font, 0);
	assert_int_equal(l.pages, (13 + l.per_page - 1) / l.per_page);
	assert_true(l.pages * l.per_page >= 13);
	assert_true((l.pages - 1) * l.per_page < 13);
}

static void test_layout_tiny(void **state)
{
	(void)state;
	struct wb_layout l;
	/* too small for digits: text tiles of two rows, one across */
	wb_layout(40, 10, 4, &l);
	assert_int_equal(l.font, -1);
	assert_int_equal(l.grid_cols, 1);
	assert_int_equal(l.per_page, 4);
	assert_int_equal(l.pages, 1);
	wb_layout(40, 3, 4, &l);
	assert_int_equal(l.per_page, 1);
	assert_int_equal(l.pages, 4);
	wb_layout(0, 0, 0, &l);
	assert_true(l.pages >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_digits_3x5),   cmocka_unit_test(test_every_digit_differs),
	    cmocka_unit_test(test_scaling),      cmocka_unit_test(test_widths),
	    cmocka_unit_test(test_sizes_grow),   cmocka_unit_test(test_tile_sizes),
	    cmocka_unit_test(test_layout_80x24), cmocka_unit_test(test_layout_grows_with_screen),
	    cmocka_unit_test(test_layout_pages), cmocka_unit_test(test_layout_tiny),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
