/* The alert engine: rules, levels, hysteresis, since, the hook, the copy with the view. */
#include <stdlib.h>

#include "alerts.h"
#include "clock.h"
#include "testlib.h"

#define CALLER "0611111111"

static int setup(void **state)
{
	struct model *m = calloc(1, sizeof *m);
	model_setup(m);
	/* a frozen replay clock: "now" is the time of the newest event */
	m->st.clock.replay = true;
	m->st.clock.speed = 0;
	*state = m;
	return 0;
}

static int teardown(void **state)
{
	model_done(*state);
	free(*state);
	return 0;
}

/* Evaluate at T0 + s and return the list. */
static const struct alert_list *eval_at(struct model *m, int s)
{
	alerts_evaluate(&m->st.alerts, &m->st, &m->set, (T0 + s) * NS_PER_S, NULL, NULL);
	return &m->st.alerts;
}

static const struct alert *find(const struct alert_list *l, enum alert_scope scope,
                                enum alert_rule rule)
{
	for (size_t i = 0; i < l->count; i++)
		if (l->items[i].scope == scope && l->items[i].rule == rule)
			return &l->items[i];
	return NULL;
}

/* The alert of that scope and rule; an empty one (level none) when there is none. */
static const struct alert *get(const struct alert_list *l, enum alert_scope scope,
                               enum alert_rule rule)
{
	static const struct alert none;
	const struct alert *a = find(l, scope, rule);
	return a ? a : &none;
}

static void join(struct model *m, const char *uuid, int s)
{
	char t[256];
	queue_ev(m, "member-queue-start", s, uuid, times(t, sizeof t, s, 0, 0, 0));
}

static void cancel(struct model *m, const char *uuid, int joined, int s)
{
	char t[256], extra[512];
	snprintf(extra, sizeof extra, ",\"QueueCause\":\"Cancel\"%s",
	         times(t, sizeof t, joined, 0, s, 0));
	queue_ev(m, "member-queue-end", s, uuid, extra);
}

/* Waiting callers: warning at the threshold, held a little below it, cleared further down. */
static void test_waiting_raises_and_clears_with_a_margin(void **state)
{
	struct model *m = *state;
	static const char *const ids[] = {"a", "b", "c", "d", "e"};
	m->set.alert_wait_warn_s = m->set.alert_wait_crit_s = 0;
	m->set.alert_sl_warn = m->set.alert_sl_crit = 0;
	for (int i = 0; i < 4; i++)
		join(m, ids[i], i);
	assert_null(find(eval_at(m, 5), ALERT_SCOPE_QUEUE, ALERT_RULE_WAITING));
	join(m, ids[4], 5);
	const struct alert *a = get(eval_at(m, 6), ALERT_SCOPE_QUEUE, ALERT_RULE_WAITING);
	assert_int_not_equal(a->level, ALERT_NONE);
	assert_int_equal(a->level, ALERT_WARN);
	assert_int_equal(a->value, 5);
	assert_string_equal(a->id, QUEUE);
	assert_int_equal(a->since_s, T0 + 5); /* raised when the batch was applied */
	/* the "All queues" total is judged by the same rules */
	assert_non_null(find(&m->st.alerts, ALERT_SCOPE_TOTAL, ALERT_RULE_WAITING));

	cancel(m, "e", 5, 7); /* 4 waiting: within the margin, still in alert */
	a = get(eval_at(m, 8), ALERT_SCOPE_QUEUE, ALERT_RULE_WAITING);
	assert_int_not_equal(a->level, ALERT_NONE);
	assert_int_equal(a->value, 4);
	assert_int_equal(a->since_s, T0 + 5); /* since does not move while it holds */
	join(m, "e2", 9);                     /* back to 5: the same alert, not a new one */
	a = get(eval_at(m, 10), ALERT_SCOPE_QUEUE, ALERT_RULE_WAITING);
	assert_int_equal(a->since_s, T0 + 5);
	cancel(m, "e2", 9, 11);
	cancel(m, "d", 3, 11); /* 3 waiting: past the margin */
	assert_null(find(eval_at(m, 12), ALERT_SCOPE_QUEUE, ALERT_RULE_WAITING));
	assert_null(find(&m->st.alerts, ALERT_SCOPE_TOTAL, ALERT_RULE_WAITING));
}

/* The longest wait goes from warning to critical at once, and the text says why. */
static void test_longest_wait_levels(void **state)
{
	struct model *m = *state;
	m->set.alert_waiting_warn = m->set.alert_waiting_crit = 0;
	join(m, "a", 0);
	assert_null(find(eval_at(m, 59), ALERT_SCOPE_QUEUE, ALERT_RULE_LONGEST_WAIT));
	const struct alert *a = get(eval_at(m, 60), ALERT_SCOPE_QUEUE, ALERT_RULE_LONGEST_WAIT);
	assert_int_not_equal(a->level, ALERT_NONE);
	assert_int_equal(a->level, ALERT_WARN);
	a = get(eval_at(m, 120), ALERT_SCOPE_QUEUE, ALERT_RULE_LONGEST_WAIT);
	assert_int_equal(a->level, ALERT_CRIT);
	assert_int_equal(a->since_s, T0 + 60);
	assert_non_null(strstr(a->text, "120 s"));
	assert_int_equal(alerts_level(&m->st.alerts, ALERT_SCOPE_QUEUE, QUEUE), ALERT_CRIT);
	assert_int_equal(alerts_level(&m->st.alerts, ALERT_SCOPE_QUEUE, "0099"), ALERT_NONE);
	assert_int_equal(alerts_worst(&m->st.alerts), ALERT_CRIT);
}

/* Service level: bad when low; clears only back above the threshold by the margin. */
static void test_service_level_low_with_margin(void **state)
{
	struct model *m = *state;
	char t[256], extra[512];
	m->set.alert_sl_warn = 80;
	m->set.alert_sl_crit = 0;
	m->set.alert_waiting_warn = m->set.alert_wait_warn_s = 0;
	m->set.alert_waiting_crit = m->set.alert_wait_crit_s = 0;
	for (int i = 0; i < 10; i++) {
		char id[8];
		snprintf(id, sizeof id, "m%d", i);
		join(m, id, i * 100);
		if (i < 7) {
			queue_ev(m, "bridge-agent-start", i * 100 + 5, id,
			         times(t, sizeof t, i * 100, i * 100 + 5, 0, 0));
		} else {
			snprintf(extra, sizeof extra, ",\"QueueCause\":\"Cancel\"%s",
			         times(t, sizeof t, i * 100, 0, i * 100 + 30, 0));
			queue_ev(m, "member-queue-end", i * 100 + 30, id, extra);
		}
	}
	/* 7 in time / (7 + 3) = 70% */
	const struct alert *a = get(eval_at(m, 1000), ALERT_SCOPE_QUEUE, ALERT_RULE_SERVICE_LEVEL);
	assert_int_not_equal(a->level, ALERT_NONE);
	assert_int_equal(a->level, ALERT_WARN);
	assert_int_equal(a->value, 70);
	/* 7 more answered in time: 14 / 17 = 82%, above 80 but within the 4-point margin */
	for (int i = 10; i < 17; i++) {
		char id[8];
		snprintf(id, sizeof id, "m%d", i);
		join(m, id, i * 100);
		queue_ev(m, "bridge-agent-start", i * 100 + 5, id,
		         times(t, sizeof t, i * 100, i * 100 + 5, 0, 0));
	}
	a = get(eval_at(m, 2000), ALERT_SCOPE_QUEUE, ALERT_RULE_SERVICE_LEVEL);
	assert_int_not_equal(a->level, ALERT_NONE);
	assert_int_equal(a->value, 82);
	for (int i = 17; i < 30; i++) {
		char id[8];
		snprintf(id, sizeof id, "m%d", i);
		join(m, id, i * 100);
		queue_ev(m, "bridge-agent-start", i * 100 + 5, id,
		         times(t, sizeof t, i * 100, i * 100 + 5, 0, 0));
	}
	/* 27 / 30 = 90%: cleared */
	assert_null(find(eval_at(m, 3100), ALERT_SCOPE_QUEUE, ALERT_RULE_SERVICE_LEVEL));
}

/* An incoming call ringing too long is a line alert; an outgoing call ringing at the far end
 * is not. */
static void test_ringing_incoming_only(void **state)
{
	struct model *m = *state;
	line_ev(m, "start_ringing", 0, "out", LINE, CALLER); /* outgoing: the line calls */
	assert_null(find(eval_at(m, 60), ALERT_SCOPE_LINE, ALERT_RULE_RINGING));
	line_ev(m, "start_ringing", 0, "in", CALLER, LINE);
	assert_null(find(eval_at(m, 19), ALERT_SCOPE_LINE, ALERT_RULE_RINGING));
	const struct alert *a = get(eval_at(m, 20), ALERT_SCOPE_LINE, ALERT_RULE_RINGING);
	assert_int_not_equal(a->level, ALERT_NONE);
	assert_int_equal(a->level, ALERT_WARN);
	assert_string_equal(a->id, LINE);
	assert_int_equal(eval_at(m, 45)->count, 1); /* one alert per ringing phone */
	assert_int_equal(m->st.alerts.items[0].level, ALERT_CRIT);
}

/* A rejected token is critical; a silent feed warns then turns critical; a feed that never
 * connected is an alert after the warning time and says why. */
static void test_feed_health(void **state)
{
	struct model *m = *state;
	int64_t wall = wall_now_ns();
	m->st.nfeeds = 3;
	snprintf(m->st.feeds[0].label, sizeof m->st.feeds[0].label, "...AAAA");
	m->st.feeds[0].state = FEED_AUTH_FAILED;
	snprintf(m->st.feeds[1].label, sizeof m->st.feeds[1].label, "...BBBB");
	m->st.feeds[1].state = FEED_BACKOFF;
	m->st.feeds[1].last_ok_ns = wall - 130 * NS_PER_S;
	snprintf(m->st.feeds[2].label, sizeof m->st.feeds[2].label, "...CCCC");
	m->st.feeds[2].state = FEED_BACKOFF;
	m->st.feeds[2].started_ns = wall - 125 * NS_PER_S;
	snprintf(m->st.feeds[2].last_error, sizeof m->st.feeds[2].last_error,
	         "Could not resolve host");
	const struct alert_list *l = eval_at(m, 0);
	assert_int_equal(alerts_level(l, ALERT_SCOPE_FEED, "...AAAA"), ALERT_CRIT);
	const struct alert *a = get(l, ALERT_SCOPE_FEED, ALERT_RULE_FEED_STALE);
	assert_int_not_equal(a->level, ALERT_NONE);
	assert_string_equal(a->id, "...BBBB");
	assert_int_equal(a->level, ALERT_WARN);
	assert_true(a->value >= 130);
	a = get(l, ALERT_SCOPE_FEED, ALERT_RULE_FEED_DOWN);
	assert_int_not_equal(a->level, ALERT_NONE);
	assert_string_equal(a->id, "...CCCC");
	assert_non_null(strstr(a->text, "resolve host"));
	m->st.feeds[1].last_ok_ns = wall - 400 * NS_PER_S;
	a = get(eval_at(m, 0), ALERT_SCOPE_FEED, ALERT_RULE_FEED_STALE);
	assert_int_equal(a->level, ALERT_CRIT);
	m->st.feeds[2].started_ns = wall - 5 * NS_PER_S; /* just started: not yet an alert */
	assert_null(find(eval_at(m, 0), ALERT_SCOPE_FEED, ALERT_RULE_FEED_DOWN));
}

struct changes {
	int raised, changed, cleared;
};

static void count_change(const struct alert *a, enum alert_change change, void *ctx)
{
	struct changes *c = ctx;
	(void)a;
	if (change == ALERT_RAISED)
		c->raised++;
	else if (change == ALERT_CHANGED)
		c->changed++;
	else
		c->cleared++;
}

/* The hook hears each raise, level change and clear once; the diff of two copies agrees. */
static void test_hook_and_diff(void **state)
{
	struct model *m = *state;
	struct changes hook = {0}, diff = {0};
	struct alert_list before = {0};
	m->set.alert_waiting_warn = m->set.alert_waiting_crit = 0;
	m->set.alert_sl_warn = m->set.alert_sl_crit = 0;
	m->set.alert_nobody_min = 0;
	m->alert_hook = count_change;
	m->alert_hook_ctx = &hook;
	join(m, "a", 0); /* evaluated at unlock, on the frozen clock: T0 */
	assert_true(alerts_copy(&before, &m->st.alerts));
	m->st.clock.event_ns = (T0 + 60) * NS_PER_S; /* the clock moves, a tick comes */
	model_lock(m);
	model_tick(m, (T0 + 60) * NS_PER_S);
	model_unlock(m);
	assert_int_equal(hook.raised, 2); /* the queue and the total */
	alerts_diff(&before, &m->st.alerts, count_change, &diff);
	assert_int_equal(diff.raised, 2);
	alerts_copy(&before, &m->st.alerts);
	m->st.clock.event_ns = (T0 + 120) * NS_PER_S;
	model_lock(m);
	model_tick(m, (T0 + 120) * NS_PER_S);
	model_unlock(m);
	assert_int_equal(hook.changed, 2);
	cancel(m, "a", 0, 121);
	assert_int_equal(hook.cleared, 2);
	assert_int_equal(m->st.alerts.count, 0);
	alerts_diff(&before, &m->st.alerts, count_change, &diff);
	assert_int_equal(diff.cleared, 2);
	alerts_free(&before);
}

/* Readers get the list with the state they copy, so figures and alerts agree. */
static void test_view_carries_the_list(void **state)
{
	struct model *m = *state;
	struct model_state view = {0};
	uint64_t seen = 0;
	m->set.alert_waiting_warn = 1;
	join(m, "a", 0);
	assert_true(model_view(m, &view, &seen));
	assert_int_equal(view.alerts.count, m->st.alerts.count);
	assert_true(view.alerts.count >= 2);
	assert_true(view.alerts.items != m->st.alerts.items);
	assert_int_equal(alerts_level(&view.alerts, ALERT_SCOPE_QUEUE, QUEUE), ALERT_WARN);
	state_free(&view);
	assert_null(view.alerts.items);
}

/* Five callers each removed after 30 s with NO_AGENT_TIMEOUT: nobody is answering, critical;
 * an answer clears it. */
static void test_nobody_answering(void **state)
{
	struct model *m = *state;
	char t[256], extra[512], id[8];
	for (int i = 0; i < 5; i++) {
		snprintf(id, sizeof id, "t%d", i);
		join(m, id, i * 60);
		snprintf(extra, sizeof extra,
		         ",\"QueueCause\":\"Cancel\",\"QueueCancelReason\":\"NO_AGENT_TIMEOUT\"%s",
		         times(t, sizeof t, i * 60, 0, i * 60 + 30, 0));
		queue_ev(m, "member-queue-end", i * 60 + 30, id, extra);
	}
	const struct alert *a = get(eval_at(m, 300), ALERT_SCOPE_QUEUE, ALERT_RULE_NOBODY_ANSWERING);
	assert_int_equal(a->level, ALERT_CRIT);
	assert_int_equal(a->value, 5);
	assert_non_null(strstr(a->text, "5 callers timed out in 15 min, none answered"));
	assert_int_equal(get(&m->st.alerts, ALERT_SCOPE_TOTAL, ALERT_RULE_NOBODY_ANSWERING)->level,
	                 ALERT_CRIT);
	/* the window passes: the alert goes */
	assert_null(find(eval_at(m, 270 + 15 * 60 + 1), ALERT_SCOPE_QUEUE,
	                 ALERT_RULE_NOBODY_ANSWERING));
	/* callers offered and none answered: a warning, once they had the target's time */
	join(m, "w", 2000);
	assert_null(find(eval_at(m, 2010), ALERT_SCOPE_QUEUE, ALERT_RULE_NOBODY_ANSWERING));
	a = get(eval_at(m, 2021), ALERT_SCOPE_QUEUE, ALERT_RULE_NOBODY_ANSWERING);
	assert_int_equal(a->level, ALERT_WARN);
	queue_ev(m, "bridge-agent-start", 2022, "w", times(t, sizeof t, 2000, 2022, 0, 0));
	assert_null(find(eval_at(m, 2023), ALERT_SCOPE_QUEUE, ALERT_RULE_NOBODY_ANSWERING));
}

/* A queue's own thresholds judge that queue; the others keep the general ones. */
static void test_per_queue_thresholds(void **state)
{
	struct model *m = *state;
	char err[256];
	m->set.alert_wait_warn_s = m->set.alert_wait_crit_s = 0;
	m->set.alert_sl_warn = m->set.alert_sl_crit = 0;
	assert_true(settings_set(&m->set, "queue." QUEUE ".alert_waiting_warn", "1", err, sizeof err));
	join(m, "a", 0);
	const struct alert *a = get(eval_at(m, 1), ALERT_SCOPE_QUEUE, ALERT_RULE_WAITING);
	assert_int_equal(a->level, ALERT_WARN);
	/* the total is judged by the general thresholds */
	assert_null(find(&m->st.alerts, ALERT_SCOPE_TOTAL, ALERT_RULE_WAITING));
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(alert_level_name(ALERT_CRIT), "critical");
	assert_string_equal(alert_level_name(ALERT_WARN), "warning");
	assert_string_equal(alert_scope_name(ALERT_SCOPE_TOTAL), "total");
	assert_string_equal(alert_scope_name(ALERT_SCOPE_JOURNAL), "journal");
	assert_string_equal(alert_rule_name(ALERT_RULE_NOBODY_ANSWERING), "nobody_answering");
	assert_string_equal(alert_rule_name(ALERT_RULE_JOURNAL_LOST), "journal_lost");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_waiting_raises_and_clears_with_a_margin),
	    T(test_longest_wait_levels),
	    T(test_service_level_low_with_margin),
	    T(test_ringing_incoming_only),
	    T(test_feed_health),
	    T(test_hook_and_diff),
	    T(test_view_carries_the_list),
	    T(test_nobody_answering),
	    T(test_per_queue_thresholds),
	    T(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
