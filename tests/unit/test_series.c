/* The day per interval, the last hour of callers waiting, the chart and the report's tables. */
#include <stdio.h>
#include <stdlib.h>

#include "chart.h"
#include "series.h"
#include "stats.h"
#include "table.h"
#include "testlib.h"

static void test_callers_count_in_the_interval_they_joined(void **state)
{
	(void)state;
	struct day_series s = {0};
	int64_t day = 1000000;
	struct interval_counts *c = series_slot(&s, 15, day, day + 20 * 60);
	assert_ptr_equal(c, &s.slots[1]);
	c = series_slot(&s, 15, day, day - 60); /* joined yesterday */
	assert_ptr_equal(c, &s.slots[0]);
	c = series_slot(&s, 15, day, day + 30 * 3600);
	assert_ptr_equal(c, &s.slots[s.nslots - 1]);
	assert_int_equal(s.nslots, 100); /* 25 h of 15 min */
	assert_int_equal(s.interval_s, 900);
	assert_int_equal(series_slot_count(7), (25 * 60 + 6) / 7);
	series_free(&s);
}

static void test_outcomes_sum_and_figures(void **state)
{
	(void)state;
	struct day_series s = {0};
	struct interval_counts *a = series_slot(&s, 15, 0, 0), *b = series_slot(&s, 15, 0, 900);
	a->offered = 3;
	series_answered(a, 10, 20);
	series_answered(a, 40, 20);
	series_left(a, 30, CB_ABANDONED);
	b->offered = 3;
	series_left(b, 2, CB_SHORT_ABANDONED);
	series_left(b, 90, CB_TIMED_OUT);
	series_left(b, 50, CB_LEFT_BY_KEY);
	struct interval_counts sum;
	series_sum(&s, 0, s.nslots, &sum);
	assert_int_equal(sum.offered, 6);
	assert_int_equal(sum.answered, 2);
	assert_int_equal(sum.answered_in_sl, 1);
	assert_int_equal(sum.abandoned, 1);
	assert_int_equal(sum.short_abandoned, 1);
	assert_int_equal(sum.timed_out, 1);
	assert_int_equal(sum.left_by_key, 1);
	assert_int_equal(sum.worst_wait_s, 90);
	struct settings set;
	settings_defaults(&set);
	struct queue_stats qs;
	series_stats(&sum, &set, &qs);
	assert_int_equal(qs.service_level_pm, 333); /* 1 / (2 + 1): left by key is no abandon */
	assert_int_equal(qs.abandon_rate_pm, 333);
	assert_int_equal(qs.avg_wait_s, 25);
	series_sum(&s, 1, 2, &sum);
	assert_int_equal(sum.offered, 3);
	assert_int_equal(sum.answered, 0);
	series_reset(&s);
	series_sum(&s, 0, s.nslots, &sum);
	assert_int_equal(sum.offered, 0);
	series_free(&s);
}

static void test_model_keeps_the_day_per_interval(void **state)
{
	(void)state;
	struct model m;
	char t[256], extra[512];
	model_setup(&m);
	queue_ev(&m, "member-queue-start", 0, "u1", "");
	queue_ev(&m, "bridge-agent-start", 10, "u1", "");
	queue_ev(&m, "bridge-agent-end", 70, "u1", times(t, sizeof t, 0, 10, 0, 70));
	queue_ev(&m, "member-queue-start", 1000, "u2", "");
	snprintf(extra, sizeof extra,
	         ",\"QueueCause\":\"Cancel\",\"QueueCancelReason\":"
	         "\"EXIT_WITH_KEY\"%s",
	         times(t, sizeof t, 1000, 0, 1100, 0));
	queue_ev(&m, "member-queue-end", 1100, "u2", extra);
	const struct queue *q = state_find_queue(&m.st, QUEUE);
	assert_non_null(q);
	struct interval_counts c;
	/* T0 is 10:00 UTC: in any whole-hour zone it starts an interval */
	uint32_t at = (uint32_t)((T0 - m.st.day_start_s) / 900);
	series_sum(&q->day, at, at + 1, &c);
	assert_int_equal(c.offered, 1);
	assert_int_equal(c.answered, 1);
	assert_int_equal(c.talks, 1);
	assert_int_equal(c.talk_total_s, 60);
	series_sum(&q->day, at + 1, at + 2, &c);
	assert_int_equal(c.offered, 1);
	assert_int_equal(c.left_by_key, 1);
	assert_int_equal(c.abandoned, 0);
	assert_int_equal(q->agents[0].talk_today_s, 60);
	assert_int_equal(q->agents[0].taken_today, 1);
	/* the reader's copy has the intervals too */
	struct model_state copy;
	memset(&copy, 0, sizeof copy);
	uint64_t seen = 0;
	assert_true(model_view(&m, &copy, &seen));
	series_sum(&copy.queues[0].day, 0, copy.queues[0].day.nslots, &c);
	assert_int_equal(c.offered, 2);
	state_free(&copy);
	model_reset_today(&m);
	series_sum(&m.st.queues[0].day, 0, m.st.queues[0].day.nslots, &c);
	assert_int_equal(c.offered, 0);
	model_done(&m);
}

static void test_wait_history_keeps_the_peak_of_each_minute(void **state)
{
	(void)state;
	struct wait_history h;
	memset(&h, 0, sizeof h);
	int v[5];
	int64_t t = 6000000; /* a whole minute */
	wait_history_note(&h, t, 2);
	wait_history_note(&h, t + 10, 5);
	wait_history_note(&h, t + 20, 1);
	wait_history_note(&h, t + 180, 3); /* two silent minutes carry the last count */
	wait_history_last(&h, t + 180, 5, v);
	assert_int_equal(v[0], 0); /* before the first record */
	assert_int_equal(v[1], 5);
	assert_int_equal(v[2], 1);
	assert_int_equal(v[3], 1);
	assert_int_equal(v[4], 3);
	wait_history_last(&h, t + 300, 3, v); /* nothing since: as it was */
	assert_int_equal(v[2], 3);
	wait_history_last(&h, t + 3 * 3600, 2, v); /* no record for hours: no change */
	assert_int_equal(v[0], 3);
}

/* Count the cells of a role. */
static int cells(const struct chart_cell *g, int n, enum chart_role r)
{
	int k = 0;
	for (int i = 0; i < n; i++)
		k += g[i].role == r;
	return k;
}

static void test_chart_bars_marker_and_glyph_sets(void **state)
{
	(void)state;
	enum { W = 60, H = 12 };
	struct chart_cell grid[W * H];
	struct day_series s = {0};
	struct settings set;
	settings_defaults(&set);
	int64_t day = day_start_for(T0, 0);                           /* a local midnight */
	assert_false(chart_layout(&s, day, &set, false, W, H, grid)); /* nothing offered */
	struct interval_counts *c = series_slot(&s, 15, day, day + 9 * 3600);
	c->offered = 10;
	for (int i = 0; i < 5; i++)
		series_answered(c, 5, 20);
	for (int i = 0; i < 5; i++)
		series_left(c, 60, CB_ABANDONED);
	c = series_slot(&s, 15, day, day + 9 * 3600 + 900);
	c->offered = 5;
	series_answered(c, 5, 20);
	assert_false(chart_layout(&s, day, &set, false, 10, 4, grid)); /* too small */
	assert_true(chart_layout(&s, day, &set, false, W, H, grid));
	int plot = H - 2, bar_w = 5;
	(void)bar_w;
	/* 10 offered, 5 answered, 5 unanswered; then 5 offered, 1 answered, 4 other: bars of
	 * 5 columns on a scale of 10 rows, one glyph of each in the legend */
	assert_int_equal(cells(grid, W * H, CHART_ANSWERED), 5 * 5 + 5 * 1 + 1);
	assert_int_equal(cells(grid, W * H, CHART_UNANSWERED), 5 * 5 - 1 + 1); /* a marker on it */
	assert_int_equal(cells(grid, W * H, CHART_OTHER), 5 * 4 + 1);
	/* markers at 50 % and 100 %, the legend's, and the right scale's "100%" and "0%" */
	assert_int_equal(cells(grid, W * H, CHART_SL), 2 + 1 + 4 + 2);
	assert_string_equal(grid[(plot - 1) * W + 4].g, "█");
	assert_string_equal(grid[4 * W + 6].g, "◆");
	assert_string_equal(grid[0 * W + 12].g, "◆");
	assert_int_equal(grid[plot * W + 4].g[0], '9'); /* the hour under its interval */
	assert_true(chart_layout(&s, day, &set, true, W, H, grid));
	for (int i = 0; i < W * H; i++)
		assert_true((unsigned char)grid[i].g[0] < 128 && grid[i].g[1] == '\0');
	FILE *f = tmpfile();
	chart_print(grid, W, H, f);
	rewind(f);
	char line[256];
	assert_non_null(fgets(line, sizeof line, f));
	assert_string_equal(line, " 10|xxxxx   *                100%\n");
	fclose(f);
	series_free(&s);
}

static void test_sparkline(void **state)
{
	(void)state;
	int v[] = {0, 1, 2, 4, 8};
	char out[64];
	chart_sparkline(v, 5, false, out, sizeof out);
	assert_string_equal(out, "▁▂▃▅█"); /* ceil(7 v / max) */
	chart_sparkline(v, 5, true, out, sizeof out);
	assert_string_equal(out, " .:=#");
	chart_sparkline(v, 5, false, out, 7); /* room for two glyphs */
	assert_string_equal(out, "▁▂");
}

static const struct column cols[] = {{"name", "Name", COL_TEXT},
                                     {"n", "N", COL_COUNT},
                                     {"rate", "Rate", COL_RATE},
                                     {"wait_s", "Wait", COL_SECONDS}};

static void test_table_formats(void **state)
{
	(void)state;
	struct table t;
	table_init(&t, cols, 4);
	struct cell *r = table_row(&t);
	cell_text(&r[0], "Dupont, \"Marie\"");
	cell_int(&r[1], 7);
	cell_int(&r[2], 875);
	cell_int(&r[3], 3725);
	r = table_row(&t);
	cell_text(&r[0], "x");
	cell_int_or_null(&r[2], -1);
	FILE *f = tmpfile();
	table_print_csv(&t, f);
	rewind(f);
	char buf[512];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	assert_string_equal(buf, "name,n,rate,wait_s\r\n\"Dupont, \"\"Marie\"\"\",7,0.875,3725\r\n"
	                         "x,,,\r\n");
	fclose(f);
	f = tmpfile();
	table_print_text(&t, f);
	rewind(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	assert_string_equal(buf, "Name             N   Rate     Wait\n"
	                         "Dupont, \"Marie\"  7  87.5%  1:02:05\n"
	                         "x                -      -        -\n");
	fclose(f);
	table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_callers_count_in_the_interval_they_joined),
	    cmocka_unit_test(test_outcomes_sum_and_figures),
	    cmocka_unit_test(test_model_keeps_the_day_per_interval),
	    cmocka_unit_test(test_wait_history_keeps_the_peak_of_each_minute),
	    cmocka_unit_test(test_chart_bars_marker_and_glyph_sets),
	    cmocka_unit_test(test_sparkline),
	    cmocka_unit_test(test_table_formats),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
