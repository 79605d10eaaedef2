/* test_sim.c: the demo call centre through the real ingest and model: the same seed gives the
 * same day, another seed another day, every event is accepted, and the day's figures are those
 * of a believable call centre. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "model_impl.h"
#include "settings.h"
#include "sim.h"
#include "stats.h"

#define DAY_S (23 * 3600.0) /* midnight to 23:00: one local day, no roll-over */

static struct settings set;

/* Midnight of a fixed Wednesday in Paris. */
static int64_t fixed_start_ns(void)
{
	struct tm tm = {.tm_year = 2025 - 1900, .tm_mon = 10, .tm_mday = 26, .tm_isdst = -1};
	return (int64_t)mktime(&tm) * NS_PER_S;
}

/* Run the simulator unthrottled over one day into a fresh model. */
static void run_day(struct model *m, uint64_t seed)
{
	assert_true(model_init(m, &set));
	struct sim_options o = {seed, 0, fixed_start_ns(), DAY_S};
	struct sim *s = sim_start(m, NULL, &o);
	assert_non_null(s);
	while (!sim_done(s))
		usleep(1000);
	sim_stop(s);
}

static bool same_day(const struct model_state *a, const struct model_state *b)
{
	if (a->nqueues != b->nqueues || a->nlines != b->nlines)
		return false;
	if (memcmp(&a->counters, &b->counters, sizeof a->counters) != 0)
		return false;
	for (size_t i = 0; i < a->nqueues; i++)
		if (memcmp(&a->queues[i].today, &b->queues[i].today, sizeof a->queues[i].today) !=
		    0)
			return false;
	for (size_t i = 0; i < a->nlines; i++)
		if (memcmp(&a->lines[i].today, &b->lines[i].today, sizeof a->lines[i].today) != 0)
			return false;
	return a->clock.event_ns == b->clock.event_ns;
}

static void test_same_seed_same_day(void **state)
{
	(void)state;
	static struct model a, b, c;
	run_day(&a, 7);
	run_day(&b, 7);
	run_day(&c, 8);
	assert_true(same_day(&a.st, &b.st));
	assert_false(same_day(&a.st, &c.st));
	model_done(&a);
	model_done(&b);
	model_done(&c);
}

static void test_every_event_accepted(void **state)
{
	(void)state;
	static struct model m;
	run_day(&m, 3);
	const struct counters *k = &m.st.counters;
	assert_true(k->events > 5000);
	assert_int_equal(k->malformed, 0);
	assert_int_equal(k->unknown, 0);
	assert_int_equal(k->dropped, 0);
	assert_int_equal(k->duplicates, 0);
	assert_true(k->registered > 12 * 100); /* every line re-registers about every 10 min */
	/* events carry simulated times inside the day */
	assert_true(m.st.clock.event_ns >= fixed_start_ns());
	assert_true(m.st.clock.event_ns <= fixed_start_ns() + (int64_t)DAY_S * NS_PER_S);
	model_done(&m);
}

static void test_believable_day(void **state)
{
	(void)state;
	static struct model m;
	for (uint64_t seed = 1; seed <= 3; seed++) {
		run_day(&m, seed);
		const struct model_state *st = &m.st;
		int64_t now_s = st->clock.event_ns / NS_PER_S;
		assert_int_equal(st->nqueues, 3);
		assert_int_equal(st->nlines, 12);
		const char *names[] = {"Sales", "Support", "Billing"};
		uint32_t failures = 0;
		for (size_t i = 0; i < st->nqueues; i++) {
			const struct queue *q = &st->queues[i];
			bool known = false;
			for (int n = 0; n < 3; n++)
				known |= strcmp(q->description, names[n]) == 0;
			assert_true(known);
			assert_true(q->today.answered > 50);
			assert_true(q->today.talks > 50);
			failures += q->today.agent_failures;
			assert_true(q->nagents >= 3);
		}
		struct queue_stats t;
		queue_stats_total(st, &set, now_s, &t);
		print_message(
		    "seed %d: offered %u answered %u abandoned %u SL %d.%d%% abandon %d.%d%%\n",
		    (int)seed, t.offered, t.answered, t.abandoned, t.service_level_pm / 10,
		    t.service_level_pm % 10, t.abandon_rate_pm / 10, t.abandon_rate_pm % 10);
		assert_in_range(t.service_level_pm, 600, 980);
		assert_in_range(t.abandon_rate_pm, 5, 100);
		assert_in_range(t.avg_talk_s, 120, 360);
		assert_true(t.worst_wait_s >= 60); /* a wave made someone wait */
		assert_true(failures > 0);         /* agents who let an offer ring out */
		assert_true(t.short_abandoned > 0);
		uint32_t missed = 0, out = 0;
		for (size_t i = 0; i < st->nlines; i++) {
			const struct line_today *d = &st->lines[i].today;
			assert_true(d->calls_in + d->calls_out > 0);
			assert_true(st->lines[i].registered_ns > 0);
			missed += d->missed;
			out += d->calls_out;
		}
		assert_true(missed > 0);
		assert_true(out > 50);
		model_done(&m);
		memset(&m, 0, sizeof m);
	}
}

/* A paced simulator (1 simulated second per second) stops at once when asked. */
static void test_stop_while_paced(void **state)
{
	(void)state;
	static struct model m;
	assert_true(model_init(&m, &set));
	struct sim_options o = {1, 1, fixed_start_ns(), 0};
	struct sim *s = sim_start(&m, NULL, &o);
	assert_non_null(s);
	assert_false(sim_done(s));
	sim_stop(s);
	model_done(&m);
}

int main(void)
{
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	settings_defaults(&set);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_seed_same_day),
	    cmocka_unit_test(test_every_event_accepted),
	    cmocka_unit_test(test_believable_day),
	    cmocka_unit_test(test_stop_while_paced),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
