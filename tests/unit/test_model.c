/* The model fed with event sequences: lines, calls, queues, statistics, bounds, days. */
#include <stdlib.h>
#include <time.h>

#include "stats.h"
#include "testlib.h"

#define CALLER   "0611111111"
#define CALLER_N "0033611111111"

static int setup(void **state)
{
	struct model *m = calloc(1, sizeof *m);
	model_setup(m);
	*state = m;
	return 0;
}

static int teardown(void **state)
{
	model_done(*state);
	free(*state);
	return 0;
}

static const struct line *the_line(struct model *m)
{
	const struct line *l = state_find_line(&m->st, LINE);
	assert_non_null(l);
	return l;
}

static const struct queue *the_queue(struct model *m)
{
	const struct queue *q = state_find_queue(&m->st, QUEUE);
	assert_non_null(q);
	return q;
}

static struct queue_stats stats_at(struct model *m, int s)
{
	struct queue_stats qs;
	queue_stats(the_queue(m), &m->set, T0 + s, &qs);
	return qs;
}

/* ---- lines ---- */

static void test_answered_inbound_call(void **state)
{
	struct model *m = *state;
	line_ev(m, "start_ringing", 0, "c1", CALLER, LINE);
	assert_int_equal(line_state(the_line(m)), LINE_RINGING);
	assert_int_equal(m->st.calls[0].state, CALL_RINGING);
	assert_true(m->st.calls[0].inbound);
	assert_string_equal(m->st.calls[0].calling, CALLER_N);
	line_ev(m, "end_ringing", 4, "c1", CALLER, LINE);
	line_ev(m, "start_calling", 4, "c1", CALLER, LINE);
	assert_int_equal(line_state(the_line(m)), LINE_IN_CALL);
	assert_true(m->st.calls[0].since_ns == (T0 + 4) * NS_PER_S);
	line_ev(m, "end_calling", 184, "c1", CALLER, LINE);
	const struct line *l = the_line(m);
	assert_int_equal(line_state(l), LINE_IDLE);
	assert_int_equal(m->st.ncalls, 0);
	assert_int_equal(l->today.calls_in, 1);
	assert_int_equal(l->today.answered, 1);
	assert_int_equal(l->today.missed, 0);
	assert_int_equal(l->today.talk_s, 180);
	assert_string_equal(l->description, "Accueil");
}

static void test_missed_call_after_ringing_ends(void **state)
{
	struct model *m = *state;
	line_ev(m, "start_ringing", 0, "c1", CALLER, LINE);
	line_ev(m, "end_ringing", 20, "c1", CALLER, LINE);
	assert_int_equal(the_line(m)->today.missed, 0); /* a pick-up may still follow */
	model_tick(m, (T0 + 20 + m->set.missed_grace_s + 1) * NS_PER_S);
	assert_int_equal(the_line(m)->today.missed, 1);
	assert_int_equal(m->st.ncalls, 0);
	/* a pick-up arriving after all corrects the count instead of making a new call */
	line_ev(m, "start_calling", 60, "c1", CALLER, LINE);
	assert_int_equal(the_line(m)->today.missed, 0);
	assert_int_equal(the_line(m)->today.answered, 1);
	assert_int_equal(the_line(m)->today.calls_in, 1);
	assert_int_equal(m->st.ncalls, 0);
}

static void test_ended_ringing_then_hang_up_is_missed(void **state)
{
	struct model *m = *state;
	line_ev(m, "start_ringing", 0, "c1", CALLER, LINE);
	line_ev(m, "end_ringing", 10, "c1", CALLER, LINE);
	line_ev(m, "end_calling", 11, "c1", CALLER, LINE);
	assert_int_equal(the_line(m)->today.missed, 1);
	assert_int_equal(the_line(m)->today.talk_s, 0);
}

static void test_outbound_call_without_ringing(void **state)
{
	struct model *m = *state;
	line_ev(m, "start_calling", 0, "c1", LINE, "0144556677");
	assert_int_equal(m->st.ncalls, 1);
	assert_false(m->st.calls[0].inbound);
	assert_int_equal(m->st.calls[0].state, CALL_ACTIVE);
	line_ev(m, "end_calling", 300, "c1", LINE, "0144556677");
	const struct line *l = the_line(m);
	assert_int_equal(l->today.calls_out, 1);
	assert_int_equal(l->today.calls_in, 0);
	assert_int_equal(l->today.answered, 0);
	assert_int_equal(l->today.talk_s, 300);
}

static void test_end_with_no_start_is_tolerated_and_no_ghost_follows(void **state)
{
	struct model *m = *state;
	struct ingest_result r = line_ev(m, "end_calling", 0, "c9", CALLER, LINE);
	assert_int_equal(r.malformed, 0);
	assert_int_equal(m->st.ncalls, 0);
	/* the start arriving late must not leave a call that never ends */
	line_ev(m, "start_calling", -5, "c9", CALLER, LINE);
	assert_int_equal(m->st.ncalls, 0);
}

static void test_hold_and_registered(void **state)
{
	struct model *m = *state;
	line_ev(m, "registered", 0, "", LINE, LINE);
	assert_true(the_line(m)->registered_ns == T0 * NS_PER_S);
	assert_int_equal(m->st.counters.registered, 1);
	assert_int_equal(m->st.ncalls, 0);
	line_ev(m, "start_calling", 1, "c1", CALLER, LINE);
	line_ev(m, "start_hold", 2, "c1", CALLER, LINE);
	assert_int_equal(m->st.calls[0].state, CALL_HELD);
	assert_int_equal(line_state(the_line(m)), LINE_IN_CALL);
	line_ev(m, "end_hold", 3, "c1", CALLER, LINE);
	assert_int_equal(m->st.calls[0].state, CALL_ACTIVE);
}

static void test_duplicates_are_counted_and_ignored(void **state)
{
	struct model *m = *state;
	line_ev(m, "start_ringing", 0, "c1", CALLER, LINE);
	struct ingest_result r = line_ev(m, "start_ringing", 0, "c1", CALLER, LINE);
	assert_int_equal(r.duplicates, 1);
	line_ev(m, "start_calling", 1, "c1", CALLER, LINE);
	line_ev(m, "end_calling", 61, "c1", CALLER, LINE);
	r = line_ev(m, "end_calling", 61, "c1", CALLER, LINE);
	assert_int_equal(r.duplicates, 1);
	assert_int_equal(m->st.counters.duplicates, 2);
	assert_int_equal(the_line(m)->today.calls_in, 1);
	assert_int_equal(the_line(m)->today.talk_s, 60);
}

static void test_calls_with_no_news_expire(void **state)
{
	struct model *m = *state;
	line_ev(m, "start_calling", 0, "ghost", CALLER, LINE);
	model_tick(m, (T0 + m->set.expiry_s - 1) * NS_PER_S);
	assert_int_equal(m->st.ncalls, 1);
	model_tick(m, (T0 + m->set.expiry_s + 1) * NS_PER_S);
	assert_int_equal(m->st.ncalls, 0);
	assert_int_equal(m->st.counters.expired, 1);
	assert_int_equal(line_state(the_line(m)), LINE_IDLE);
}

static void test_bounds_keep_a_hostile_feed_small(void **state)
{
	struct model *m = *state;
	char body[512], line[32];
	m->set.max_lines = 3;
	m->set.max_calls = 5;
	for (int i = 0; i < 10; i++) {
		struct ingest_result r;
		snprintf(line, sizeof line, "00339721000%02d", i);
		snprintf(body, sizeof body,
		         "{\"Event\":\"start_ringing\",\"Ressource\":\"%s\",\"Timestamp\":%d,"
		         "\"Data\":{\"CallId\":\"c%d\",\"Calling\":\"0611\"}}",
		         i < 3 ? line : "0033972100000", i + 1, i);
		ingest_body(m, NULL, body, strlen(body), 0, &r);
	}
	assert_int_equal(m->st.nlines, 3);
	assert_int_equal(m->st.ncalls, 5);
	assert_int_equal(m->st.counters.dropped, 5);
}

/* ---- queues ---- */

static void test_queue_call_answered(void **state)
{
	struct model *m = *state;
	char t[256];
	queue_ev(m, "member-queue-start", 0, "m1", times(t, sizeof t, 0, 0, 0, 0));
	queue_ev(m, "members-count", 0, "", ",\"Count\":\"1\"");
	struct queue_stats qs = stats_at(m, 7);
	assert_int_equal(qs.waiting, 1);
	assert_int_equal(qs.longest_wait_s, 7);
	queue_ev(m, "agent-offering", 2, "m1", "");
	assert_int_equal(the_queue(m)->members[0].state, MEMBER_OFFERED);
	queue_ev(m, "bridge-agent-start", 10, "m1", times(t, sizeof t, 1, 10, 0, 0));
	queue_ev(m, "members-count", 10, "", ",\"Count\":\"0\"");
	const struct queue *q = the_queue(m);
	assert_int_equal(q->members[0].state, MEMBER_WITH_AGENT);
	assert_int_equal(q->agents[0].on_call, true);
	assert_string_equal(q->agents[0].number, AGENT);
	queue_ev(m, "bridge-agent-end", 310, "m1", times(t, sizeof t, 1, 10, 0, 310));
	queue_ev(m, "member-queue-end", 310, "m1",
	         ",\"QueueCause\":\"Terminated\",\"QueueMemberJoinedTime\":\"1764151201\"");
	q = the_queue(m);
	assert_int_equal(q->nmembers, 0);
	assert_false(q->agents[0].on_call);
	assert_int_equal(q->agents[0].taken_today, 1);
	qs = stats_at(m, 400);
	assert_int_equal(qs.offered, 1);
	assert_int_equal(qs.answered, 1);
	assert_int_equal(qs.waiting, 0);
	assert_int_equal(qs.avg_wait_s, 9);
	assert_int_equal(qs.avg_talk_s, 300);
	assert_int_equal(qs.service_level_pm, 1000);
	assert_int_equal(qs.abandon_rate_pm, 0);
	assert_string_equal(q->description, "Support");
}

static void test_abandoned_short_abandon_and_timed_out(void **state)
{
	struct model *m = *state;
	char t[256], extra[300];
	queue_ev(m, "member-queue-start", 0, "a", times(t, sizeof t, 1, 0, 0, 0));
	queue_ev(
	    m, "member-queue-end", 31, "a",
	    strcat(strcpy(extra, ",\"QueueCause\":\"Cancel\""), times(t, sizeof t, 1, 0, 31, 0)));
	queue_ev(m, "member-queue-start", 40, "s", times(t, sizeof t, 40, 0, 0, 0));
	queue_ev(
	    m, "member-queue-end", 43, "s",
	    strcat(strcpy(extra, ",\"QueueCause\":\"Cancel\""), times(t, sizeof t, 40, 0, 43, 0)));
	queue_ev(m, "member-queue-start", 50, "t", times(t, sizeof t, 50, 0, 0, 0));
	queue_ev(
	    m, "member-queue-end", 350, "t",
	    strcat(strcpy(extra, ",\"QueueCause\":\"Cancel\",\"QueueCancelReason\":\"TIMEOUT\""),
	           times(t, sizeof t, 50, 0, 350, 0)));
	struct queue_stats qs = stats_at(m, 400);
	assert_int_equal(qs.offered, 3);
	assert_int_equal(qs.abandoned, 1);
	assert_int_equal(qs.short_abandoned, 1);
	assert_int_equal(qs.timed_out, 1);
	assert_int_equal(qs.answered, 0);
	assert_int_equal(qs.abandon_rate_pm, 1000);
	assert_int_equal(qs.service_level_pm, 0);
	assert_int_equal(qs.avg_wait_s, -1);
	assert_int_equal(qs.worst_wait_s, 300);
	assert_int_equal(the_queue(m)->nmembers, 0);
}

static void test_agent_fails_then_another_answers(void **state)
{
	struct model *m = *state;
	char t[256];
	queue_ev(m, "member-queue-start", 0, "m", times(t, sizeof t, 1, 0, 0, 0));
	queue_ev(m, "agent-offering", 5, "m", "");
	queue_ev(m, "bridge-agent-failed", 20, "m", ",\"QueueHangupCause\":\"NO_ANSWER\"");
	const struct queue *q = the_queue(m);
	assert_int_equal(q->members[0].state, MEMBER_WAITING);
	assert_int_equal(q->today.agent_failures, 1);
	assert_int_equal(q->today.answered, 0);
	queue_ev(m, "agent-offering", 25, "m", "");
	queue_ev(m, "bridge-agent-start", 41, "m", times(t, sizeof t, 1, 41, 0, 0));
	struct queue_stats qs = stats_at(m, 50);
	assert_int_equal(qs.answered, 1);
	assert_int_equal(qs.avg_wait_s, 40);
	assert_int_equal(qs.service_level_pm, 0); /* 40 s > the 20 s target */
	assert_int_equal(qs.offered, 1);
}

static void test_service_level_formulas(void **state)
{
	struct model *m = *state;
	char t[256], extra[300];
	/* two answered within T, one answered late, one abandoned */
	const int answers[] = {5, 15, 60};
	for (int i = 0; i < 3; i++) {
		char id[8];
		snprintf(id, sizeof id, "m%d", i);
		queue_ev(m, "member-queue-start", i * 100, id,
		         times(t, sizeof t, i * 100 + 1, 0, 0, 0));
		queue_ev(m, "bridge-agent-start", i * 100 + answers[i], id,
		         times(t, sizeof t, i * 100 + 1, i * 100 + 1 + answers[i], 0, 0));
	}
	queue_ev(m, "member-queue-start", 500, "x", times(t, sizeof t, 500, 0, 0, 0));
	queue_ev(m, "member-queue-end", 530, "x",
	         strcat(strcpy(extra, ",\"QueueCause\":\"Cancel\""),
	                times(t, sizeof t, 500, 0, 530, 0)));
	struct queue_stats qs = stats_at(m, 600);
	assert_int_equal(qs.service_level_pm, 500); /* 2 / (3 + 1) */
	assert_int_equal(qs.abandon_rate_pm, 250);  /* 1 / (3 + 1) */
	m->set.sl_formula = SL_ANSWERED_ONLY;
	qs = stats_at(m, 600);
	assert_int_equal(qs.service_level_pm, 667); /* 2 / 3 */
	assert_int_equal(qs.avg_wait_s, (5 + 15 + 60 + 1) / 3);
}

static void test_out_of_order_queue_events_keep_counts_right(void **state)
{
	struct model *m = *state;
	char t[256];
	/* the bridge arrives before the caller's start; the end before the bridge end */
	queue_ev(m, "bridge-agent-start", 10, "m", times(t, sizeof t, 1, 10, 0, 0));
	queue_ev(m, "member-queue-start", 1, "m", times(t, sizeof t, 1, 0, 0, 0));
	queue_ev(m, "member-queue-end", 100, "m",
	         ",\"QueueCause\":\"Terminated\",\"QueueMemberJoinedTime\":\"1764151201\"");
	queue_ev(m, "bridge-agent-end", 100, "m", times(t, sizeof t, 1, 10, 0, 100));
	/* a late offering for the caller who left brings nothing back */
	queue_ev(m, "agent-offering", 9, "m", "");
	const struct queue *q = the_queue(m);
	assert_int_equal(q->nmembers, 0);
	assert_int_equal(q->today.offered, 1);
	assert_int_equal(q->today.answered, 1);
	assert_int_equal(q->today.talks, 1);
	assert_int_equal(q->today.talk_total_s, 90);
	assert_int_equal(q->today.abandoned, 0);
	assert_false(q->agents[0].on_call);
	/* an end for a caller never seen, with no times, changes no counter */
	queue_ev(m, "member-queue-end", 200, "never", ",\"QueueCause\":\"Cancel\"");
	assert_int_equal(the_queue(m)->today.abandoned, 0);
	assert_int_equal(the_queue(m)->today.offered, 1);
}

static void test_queue_callers_with_no_news_expire(void **state)
{
	struct model *m = *state;
	char t[256];
	queue_ev(m, "member-queue-start", 0, "m", times(t, sizeof t, 1, 0, 0, 0));
	model_tick(m, (T0 + m->set.expiry_s + 1) * NS_PER_S);
	assert_int_equal(the_queue(m)->nmembers, 0);
	assert_int_equal(m->st.counters.expired, 1);
}

/* ---- the day ---- */

static void test_counters_restart_at_local_midnight(void **state)
{
	struct model *m = *state;
	/* T0 is 11:00 in Paris; the next local midnight is 13 hours later */
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	line_ev(m, "start_calling", 0, "c1", CALLER, LINE);
	line_ev(m, "end_calling", 60, "c1", CALLER, LINE);
	assert_int_equal(the_line(m)->today.calls_in, 1);
	assert_true(m->st.day_start_s == T0 - 11 * 3600);
	model_tick(m, (T0 + 13 * 3600 - 1) * NS_PER_S);
	assert_int_equal(the_line(m)->today.calls_in, 1);
	model_tick(m, (T0 + 13 * 3600) * NS_PER_S);
	assert_int_equal(the_line(m)->today.calls_in, 0);
	assert_true(m->st.day_start_s == T0 + 13 * 3600);
	/* a late event from yesterday does not count in today */
	line_ev(m, "start_calling", 100, "c2", CALLER, LINE);
	assert_int_equal(the_line(m)->today.calls_in, 0);
}

/* A line event dated at T0 + dated_s but received at T0 + received_s. */
static void line_ev_dated(struct model *m, const char *kind, int64_t dated_s, int received_s,
                          const char *call)
{
	char body[1024];
	struct ingest_result r;
	snprintf(body, sizeof body,
	         "{\"Event\":\"%s\",\"Service\":\"sip\",\"Ressource\":\"%s\","
	         "\"Timestamp\":%lld000000000,\"Data\":{\"CallId\":\"%s\",\"Calling\":\"%s\","
	         "\"Called\":\"%s\",\"Ts\":\"%lld\"}}",
	         kind, LINE, (long long)(T0 + dated_s), call, CALLER, LINE,
	         (long long)(T0 + dated_s));
	ingest_body(m, NULL, body, strlen(body), (T0 + received_s) * NS_PER_S, &r);
	assert_int_equal(r.applied, 1);
}

/* One event dated a year (or a day) ahead must not move "today" nor expire calls: its time
 * is clamped to its receipt and it is counted as future; later events count as before. */
static void test_future_timestamp_cannot_move_today(void **state)
{
	struct model *m = *state;
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	line_ev(m, "start_calling", 0, "c1", CALLER, LINE);
	line_ev(m, "end_calling", 60, "c1", CALLER, LINE);
	line_ev(m, "start_ringing", 100, "c2", CALLER, LINE);
	int64_t day = m->st.day_start_s;
	line_ev_dated(m, "start_ringing", 365 * 86400, 120, "c3");
	line_ev_dated(m, "start_ringing", 86400, 121, "c4");
	assert_int_equal(m->st.counters.future, 2);
	assert_true(m->st.day_start_s == day);
	assert_int_equal(the_line(m)->today.calls_in, 4); /* c1 to c4 */
	assert_int_equal(m->st.ncalls, 3);                /* c2 did not expire */
	assert_int_equal(m->st.counters.expired, 0);
	assert_true(m->st.calls[1].start_ns == (T0 + 120) * NS_PER_S);
	line_ev(m, "start_calling", 200, "c5", CALLER, LINE);
	assert_int_equal(the_line(m)->today.calls_in, 5);
	/* a sender's clock a little ahead (within FUTURE_TOLERANCE_S) is believed */
	line_ev_dated(m, "start_ringing", 300 + 60, 300, "c6");
	assert_int_equal(m->st.counters.future, 2);
	/* and the day still rolls on this clock's midnight, not on an event's */
	model_tick(m, (T0 + 13 * 3600) * NS_PER_S);
	assert_true(m->st.day_start_s == T0 + 13 * 3600);
}

/* The trusted wall clock: a step is believed only once it held a minute. */
static void test_wall_guard_confirms_steps(void **state)
{
	(void)state;
	struct wall_guard g = {0};
	const int64_t S = NS_PER_S, M = 5000 * S, W = T0 * S;
	assert_true(wall_guard_now(&g, W, M) == W);
	assert_true(wall_guard_now(&g, W + S + S / 2, M + S) == W + S + S / 2); /* slewing */
	/* 14 h forward: the old timeline goes on, then the step is undone */
	assert_true(wall_guard_now(&g, W + 14 * 3600 * S, M + 2 * S) == W + 2 * S + S / 2);
	assert_true(wall_guard_now(&g, W + 14 * 3600 * S + 30 * S, M + 32 * S) ==
	            W + 32 * S + S / 2);
	assert_true(wall_guard_now(&g, W + 33 * S, M + 33 * S) == W + 33 * S);
	assert_int_equal(g.adopted_step_ns, 0);
	/* an hour back, held for a minute: believed */
	assert_true(wall_guard_now(&g, W - 3600 * S, M + 40 * S) == W + 40 * S);
	assert_true(wall_guard_now(&g, W - 3600 * S + 59 * S, M + 99 * S) == W + 99 * S);
	assert_true(wall_guard_now(&g, W - 3600 * S + 61 * S, M + 101 * S) ==
	            W - 3600 * S + 61 * S);
	assert_true(g.adopted_step_ns == -3640 * S); /* from where the clock was */
}

/* A live run: a wall-clock step past midnight and back leaves today alone; a step that holds
 * rolls the day; a confirmed step back before today's start takes the day back, and events
 * count again at once. */
static void test_wall_clock_steps_and_the_day(void **state)
{
	struct model *m = *state;
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	m->st.clock.replay = true; /* events: their own times only, the guard gets the samples */
	const int64_t S = NS_PER_S, M = 5000 * S;
	line_ev(m, "start_calling", 0, "c1", CALLER, LINE);
	line_ev(m, "end_calling", 60, "c1", CALLER, LINE);
	int64_t day = m->st.day_start_s; /* T0 is 11:00 in Paris, midnight 13 h later */
	model_tick_live(m, (T0 + 100) * S, M);
	model_tick_live(m, (T0 + 101 + 14 * 3600) * S, M + S); /* 01:01 tomorrow, wrongly */
	model_tick_live(m, (T0 + 130 + 14 * 3600) * S, M + 30 * S);
	assert_true(m->st.day_start_s == day);
	model_tick_live(m, (T0 + 131) * S, M + 31 * S); /* corrected */
	assert_true(m->st.day_start_s == day);
	line_ev(m, "start_calling", 140, "c2", CALLER, LINE);
	assert_int_equal(the_line(m)->today.calls_in, 2);
	assert_int_equal(m->st.ncalls, 1); /* c2 did not expire */

	/* 14 h forward for good: after a minute, tomorrow */
	model_tick_live(m, (T0 + 200 + 14 * 3600) * S, M + 100 * S);
	assert_true(m->st.day_start_s == day);
	model_tick_live(m, (T0 + 261 + 14 * 3600) * S, M + 161 * S);
	assert_true(m->st.day_start_s == day + 24 * 3600);
	assert_int_equal(the_line(m)->today.calls_in, 0);

	/* and back for good: today is today again, and counts */
	model_tick_live(m, (T0 + 300) * S, M + 200 * S);
	model_tick_live(m, (T0 + 361) * S, M + 261 * S);
	assert_true(m->st.day_start_s == day);
	assert_non_null(strstr(m->st.notice, "went back"));
	line_ev(m, "start_calling", 400, "c3", CALLER, LINE);
	assert_int_equal(the_line(m)->today.calls_in, 1);
}

/* An event a few minutes ahead just before midnight does not end the day early. */
static void test_day_rolls_on_receipt_not_on_a_clock_ahead(void **state)
{
	struct model *m = *state;
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	int before = 13 * 3600 - 60; /* 23:59 in Paris */
	line_ev(m, "start_calling", before - 10, "c1", CALLER, LINE);
	line_ev_dated(m, "start_ringing", before + 120, before, "c2");
	assert_true(m->st.day_start_s == T0 - 11 * 3600);
	assert_int_equal(the_line(m)->today.calls_in, 2);
}

static void test_day_start_is_right_across_dst_changes(void **state)
{
	(void)state;
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	/* 2026-03-29: clocks go forward at 02:00, the day has 23 hours */
	int64_t spring_noon = INT64_C(1774782000); /* 2026-03-29 12:00 CEST (10:00 UTC) */
	int64_t spring = day_start_for(spring_noon, 0);
	assert_true(spring == INT64_C(1774738800)); /* 2026-03-29 00:00 CET = 23:00 UTC */
	assert_true(day_start_for(spring_noon + 86400, 0) - spring == 23 * 3600);
	/* 2026-10-25: clocks go back at 03:00, the day has 25 hours */
	int64_t autumn_noon = INT64_C(1792926000); /* 2026-10-25 12:00 CET (11:00 UTC) */
	int64_t autumn = day_start_for(autumn_noon, 0);
	assert_true(autumn == INT64_C(1792879200)); /* 2026-10-25 00:00 CEST = 22:00 UTC */
	assert_true(day_start_for(autumn_noon + 86400, 0) - autumn == 25 * 3600);
	/* a shift starting at 06:00: 05:00 still belongs to the previous day's shift */
	int64_t five = autumn + 6 * 3600; /* 05:00 CET, the day having 25 hours */
	assert_true(day_start_for(five, 6 * 60) == day_start_for(autumn - 3600, 6 * 60));
	assert_true(day_start_for(five + 3600, 6 * 60) == five + 3600);
}

static void test_rollover_in_the_model_across_dst(void **state)
{
	struct model *m = *state;
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	int64_t sat = INT64_C(1774720800); /* 2026-03-28 19:00 CET */
	m->set.expiry_s = 3 * 86400;
	char body[512];
	struct ingest_result r;
	snprintf(body, sizeof body,
	         "{\"Event\":\"start_calling\",\"Ressource\":\"" LINE
	         "\",\"Timestamp\":%lld000000000,"
	         "\"Data\":{\"CallId\":\"c\",\"Calling\":\"0611\"}}",
	         (long long)sat);
	ingest_body(m, NULL, body, strlen(body), 0, &r);
	assert_int_equal(the_line(m)->today.calls_in, 1);
	model_tick(m, INT64_C(1774738799) * NS_PER_S); /* 23:59:59 CET */
	assert_int_equal(the_line(m)->today.calls_in, 1);
	model_tick(m, INT64_C(1774738800) * NS_PER_S); /* Sunday 00:00 */
	assert_int_equal(the_line(m)->today.calls_in, 0);
	assert_int_equal(m->st.ncalls, 1); /* the call in progress stays */
	assert_true(m->st.day_start_s == INT64_C(1774738800));
	model_tick(m, INT64_C(1774821600) * NS_PER_S - NS_PER_S); /* Sunday 23:59:59 CEST */
	assert_true(m->st.day_start_s == INT64_C(1774738800));
	model_tick(m, INT64_C(1774821600) * NS_PER_S); /* Monday 00:00 CEST, 23 h later */
	assert_true(m->st.day_start_s == INT64_C(1774821600));
}

static void test_reset_today_keeps_calls_in_progress(void **state)
{
	struct model *m = *state;
	line_ev(m, "start_calling", 0, "c1", CALLER, LINE);
	model_reset_today(m);
	assert_int_equal(the_line(m)->today.calls_in, 0);
	assert_int_equal(m->st.ncalls, 1);
	line_ev(m, "end_calling", 30, "c1", CALLER, LINE);
	assert_int_equal(the_line(m)->today.talk_s, 30);
}

/* ---- readers ---- */

static void test_view_copies_only_when_the_generation_moves(void **state)
{
	struct model *m = *state;
	struct model_state view;
	uint64_t seen = 0;
	char t[256];
	memset(&view, 0, sizeof view);
	queue_ev(m, "member-queue-start", 0, "m1", times(t, sizeof t, 1, 0, 0, 0));
	line_ev(m, "start_ringing", 0, "c1", CALLER, LINE);
	assert_true(model_view(m, &view, &seen));
	assert_false(model_view(m, &view, &seen));
	assert_int_equal(view.nqueues, 1);
	assert_int_equal(view.queues[0].nmembers, 1);
	assert_int_equal(view.ncalls, 1);
	/* the copy owns its arrays: the model moving on does not change it */
	queue_ev(m, "member-queue-start", 1, "m2", times(t, sizeof t, 2, 0, 0, 0));
	assert_int_equal(view.queues[0].nmembers, 1);
	assert_true(view.queues[0].members != m->st.queues[0].members);
	assert_true(model_view(m, &view, &seen));
	assert_int_equal(view.queues[0].nmembers, 2);
	assert_string_equal(view.queues[0].members[1].uuid, "m2");
	state_free(&view);
}

static void test_log_keeps_the_newest_events(void **state)
{
	struct model *m = *state;
	for (int i = 0; i < LOG_MAX + 10; i++)
		line_ev(m, "registered", i, "", LINE, LINE);
	assert_int_equal(m->st.log_count, LOG_MAX);
	const struct log_entry *newest = &m->st.log[(m->st.log_head + LOG_MAX - 1) % LOG_MAX];
	assert_true(newest->time_ns == (T0 + LOG_MAX + 9) * NS_PER_S);
	assert_int_equal(newest->kind, EV_REGISTERED);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_answered_inbound_call),
	    T(test_missed_call_after_ringing_ends),
	    T(test_ended_ringing_then_hang_up_is_missed),
	    T(test_outbound_call_without_ringing),
	    T(test_end_with_no_start_is_tolerated_and_no_ghost_follows),
	    T(test_hold_and_registered),
	    T(test_duplicates_are_counted_and_ignored),
	    T(test_calls_with_no_news_expire),
	    T(test_bounds_keep_a_hostile_feed_small),
	    T(test_queue_call_answered),
	    T(test_abandoned_short_abandon_and_timed_out),
	    T(test_agent_fails_then_another_answers),
	    T(test_service_level_formulas),
	    T(test_out_of_order_queue_events_keep_counts_right),
	    T(test_queue_callers_with_no_news_expire),
	    T(test_counters_restart_at_local_midnight),
	    T(test_future_timestamp_cannot_move_today),
	    T(test_day_rolls_on_receipt_not_on_a_clock_ahead),
	    T(test_wall_guard_confirms_steps),
	    T(test_wall_clock_steps_and_the_day),
	    T(test_day_start_is_right_across_dst_changes),
	    T(test_rollover_in_the_model_across_dst),
	    T(test_reset_today_keeps_calls_in_progress),
	    T(test_view_copies_only_when_the_generation_moves),
	    T(test_log_keeps_the_newest_events),
	};
	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
