/* test_backoff.c: the retry delays of a feed connection and when its failures are forgotten. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "backoff.h"

#define MS INT64_C(1000000)
#define S  (1000 * MS)

static void test_delay_is_jittered_between_the_base_and_a_doubling_ceiling(void **state)
{
	(void)state;
	const int64_t base = 50, cap = 10000;
	for (int n = 1; n <= 12; n++) {
		int64_t ceiling = base << n < cap ? base << n : cap;
		/* the extremes of the jitter, and values in between */
		assert_int_equal(backoff_delay_ms(base, cap, n, 0), base);
		assert_int_equal(backoff_delay_ms(base, cap, n, (uint64_t)(ceiling - base)),
		                 ceiling);
		for (uint64_t r = 1; r < 100000; r = r * 7 + 3) {
			int64_t d = backoff_delay_ms(base, cap, n, r);
			assert_in_range(d, base, ceiling);
		}
	}
	/* no failure yet counts as one; a huge count stays at the cap */
	assert_int_equal(backoff_delay_ms(base, cap, 0, (uint64_t)base), 2 * base);
	assert_int_equal(backoff_delay_ms(base, cap, 1000, (uint64_t)(cap - base)), cap);
	assert_int_equal(backoff_delay_ms(base, cap, 1000, (uint64_t)(cap - base + 1)), base);
}

static void test_delay_settings_out_of_range_are_floored(void **state)
{
	(void)state;
	/* a base of 0 is 1 ms; a cap below the base is the base: never a hot loop */
	assert_int_equal(backoff_delay_ms(0, 0, 5, 12345), 1);
	assert_int_equal(backoff_delay_ms(-5, 0, 5, 0), 1);
	assert_int_equal(backoff_delay_ms(500, 100, 5, 999), 500);
}

static void test_failures_are_forgotten_after_a_healthy_run(void **state)
{
	(void)state;
	struct backoff b = {0};
	for (int i = 0; i < 5; i++)
		backoff_failed(&b);
	assert_int_equal(b.failures, 5);
	/* one success is not health: the count stays until successes have lasted 30 s */
	backoff_succeeded(&b, 100 * S, 30 * S);
	assert_int_equal(b.failures, 5);
	backoff_succeeded(&b, 129 * S, 30 * S);
	assert_int_equal(b.failures, 5);
	backoff_succeeded(&b, 130 * S, 30 * S);
	assert_int_equal(b.failures, 0);
}

static void test_a_flapping_link_keeps_its_long_delays(void **state)
{
	(void)state;
	struct backoff b = {0};
	backoff_failed(&b);
	backoff_failed(&b);
	/* healthy for 20 s, then a failure: the healthy run starts again from the next success */
	backoff_succeeded(&b, 100 * S, 30 * S);
	backoff_succeeded(&b, 120 * S, 30 * S);
	backoff_failed(&b);
	assert_int_equal(b.failures, 3);
	backoff_succeeded(&b, 121 * S, 30 * S);
	backoff_succeeded(&b, 140 * S,
	                  30 * S); /* 40 s after the first success, 19 s after the last failure */
	assert_int_equal(b.failures, 3);
	backoff_succeeded(&b, 151 * S, 30 * S);
	assert_int_equal(b.failures, 0);
}

static void test_a_refused_token_ends_the_healthy_run_without_counting(void **state)
{
	(void)state;
	struct backoff b = {0};
	backoff_failed(&b);
	backoff_succeeded(&b, 100 * S, 30 * S);
	backoff_refused(&b);
	assert_int_equal(b.failures, 1);
	backoff_succeeded(&b, 125 * S, 30 * S);
	backoff_succeeded(&b, 150 * S, 30 * S); /* 25 s after the refusal */
	assert_int_equal(b.failures, 1);
	backoff_succeeded(&b, 155 * S, 30 * S);
	assert_int_equal(b.failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_delay_is_jittered_between_the_base_and_a_doubling_ceiling),
	    cmocka_unit_test(test_delay_settings_out_of_range_are_floored),
	    cmocka_unit_test(test_failures_are_forgotten_after_a_healthy_run),
	    cmocka_unit_test(test_a_flapping_link_keeps_its_long_delays),
	    cmocka_unit_test(test_a_refused_token_ends_the_healthy_run_without_counting),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
