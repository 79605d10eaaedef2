/* The callers to call back: entries opened by unanswered queue exits, closed by the rules. */
#include <stdlib.h>

#include "callbacks.h"
#include "testlib.h"

#define CALLER  "0033611111111" /* canonical form of 06 11 11 11 11 */
#define OTHER   "0033622222222"
#define AGENT_L "0033972101012" /* an agent's line */
#define OTHER_Q "0033972300000"

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

/* A queue event of queue at T0 + s about member uuid calling from number. */
static void qev(struct model *m, const char *queue, const char *kind, int s, const char *uuid,
                const char *number, const char *extra)
{
	char body[2048];
	struct ingest_result r;
	snprintf(body, sizeof body,
	         "{\"Event\":\"%s\",\"Service\":\"queues\",\"Ressource\":\"%s\","
	         "\"Timestamp\":%lld000000000,\"Data\":{\"QueueMemberUUID\":\"%s\","
	         "\"QueueMemberCIDNumber\":\"%s\",\"QueueMemberCIDName\":\"Jean Petit\","
	         "\"Agent\":\"%s\",\"Ts\":\"%lld\"%s},"
	         "\"Details\":{\"Description\":\"Support\",\"Type\":\"easyHunting\"}}",
	         kind, queue, (long long)(T0 + s), uuid, number, AGENT, (long long)(T0 + s), extra);
	ingest_body(m, NULL, body, strlen(body), (T0 + s) * NS_PER_S, &r);
	assert_int_equal(r.malformed, 0);
}

/* A line event of line at T0 + s. */
static void lev(struct model *m, const char *line, const char *kind, int s, const char *call,
                const char *calling, const char *called)
{
	char body[1024];
	struct ingest_result r;
	snprintf(body, sizeof body,
	         "{\"Event\":\"%s\",\"Service\":\"sip\",\"Ressource\":\"%s\","
	         "\"Timestamp\":%lld000000000,\"Data\":{\"CallId\":\"%s\",\"Calling\":\"%s\","
	         "\"Called\":\"%s\",\"Ts\":\"%lld.000\"}}",
	         kind, line, (long long)(T0 + s), call, calling, called, (long long)(T0 + s));
	ingest_body(m, NULL, body, strlen(body), (T0 + s) * NS_PER_S, &r);
	assert_int_equal(r.malformed, 0);
}

/* The caller joins queue at `joined` and leaves unanswered at `left` (cancel reason may be
 * ""). */
static void leaves(struct model *m, const char *queue, const char *uuid, const char *number,
                   int joined, int left, const char *reason)
{
	char extra[256];
	qev(m, queue, "member-queue-start", joined, uuid, number, "");
	snprintf(extra, sizeof extra,
	         ",\"QueueCause\":\"Cancel\",\"QueueCancelReason\":\"%s\","
	         "\"QueueMemberJoinedTime\":\"%lld\",\"QueueMemberLeavingTime\":\"%lld\"",
	         reason, (long long)(T0 + joined), (long long)(T0 + left));
	qev(m, queue, "member-queue-end", left, uuid, number, extra);
}

/* An outgoing call from line to number at s, answered after 5 s if answered. */
static void calls_out(struct model *m, const char *line, const char *call, const char *number,
                      int s, bool answered)
{
	lev(m, line, "start_ringing", s, call, line, number);
	if (answered) {
		lev(m, line, "start_calling", s + 5, call, line, number);
		lev(m, line, "end_calling", s + 65, call, line, number);
	} else {
		lev(m, line, "end_calling", s + 30, call, line, number);
	}
}

static const struct callback *only_entry(struct model *m)
{
	assert_int_equal(m->st.callbacks.n, 1);
	return &m->st.callbacks.entries[0];
}

static void test_abandon_opens_an_entry(void **state)
{
	struct model *m = *state;
	leaves(m, QUEUE, "u1", "06 11 11 11 11", 0, 40, "BREAK_OUT");
	const struct callback *e = only_entry(m);
	assert_string_equal(e->caller, CALLER);
	assert_string_equal(e->display, "Jean Petit");
	assert_string_equal(e->queue, QUEUE);
	assert_true(e->left_at_s == T0 + 40);
	assert_int_equal(e->wait_s, 40);
	assert_int_equal(e->outcome, CB_ABANDONED);
	assert_int_equal(e->tries, 1);
	assert_int_equal(e->status, CB_OPEN);
	assert_int_equal(m->st.callbacks.nopen, 1);
	assert_int_equal(e->nsteps, 1);
	assert_int_equal(e->steps[0].kind, CB_STEP_LEFT);
}

static void test_answered_caller_has_no_entry(void **state)
{
	struct model *m = *state;
	char t[256], extra[512];
	qev(m, QUEUE, "member-queue-start", 0, "u1", "0611111111", "");
	qev(m, QUEUE, "bridge-agent-start", 10, "u1", "0611111111", "");
	snprintf(extra, sizeof extra, ",\"QueueCause\":\"Terminated\"%s",
	         times(t, sizeof t, 0, 10, 0, 0));
	qev(m, QUEUE, "member-queue-end", 100, "u1", "0611111111", extra);
	assert_int_equal(m->st.callbacks.n, 0);
}

static void test_outcomes(void **state)
{
	struct model *m = *state;
	leaves(m, QUEUE, "u1", "0611111111", 0, 90, "TIMEOUT");
	leaves(m, QUEUE, "u2", "0622222222", 0, 30, "NO_AGENT_TIMEOUT");
	leaves(m, QUEUE, "u3", "0633333333", 0, 30, "EXIT_WITH_KEY");
	leaves(m, QUEUE, "u4", "0644444444", 0, 2, "BREAK_OUT");
	leaves(m, QUEUE, "u5", "0655555555", 0, 5, "");
	const struct callback *e = m->st.callbacks.entries;
	assert_int_equal(m->st.callbacks.n, 5);
	assert_int_equal(e[0].outcome, CB_TIMED_OUT);
	assert_int_equal(e[1].outcome, CB_TIMED_OUT);
	assert_int_equal(e[2].outcome, CB_LEFT_BY_KEY);
	assert_int_equal(e[3].outcome, CB_SHORT_ABANDONED); /* 2 s < short_abandon_s 5 */
	assert_int_equal(e[4].outcome, CB_ABANDONED);       /* 5 s is not under 5 */
	assert_int_equal(m->st.callbacks.nopen, 5);
	assert_int_equal(m->st.callbacks.nopen_short, 1);
	assert_string_equal(cb_outcome_name(e[2].outcome), "left_by_key");
}

static void test_answered_call_back_closes(void **state)
{
	struct model *m = *state;
	leaves(m, QUEUE, "u1", "0611111111", 0, 40, "BREAK_OUT");
	calls_out(m, AGENT_L, "c1", "+33 6 11 11 11 11", 600, true);
	const struct callback *e = only_entry(m);
	assert_int_equal(e->status, CB_CALLED_BACK);
	assert_string_equal(e->closed_by, AGENT_L);
	assert_true(e->closed_at_s == T0 + 605);
	assert_int_equal(e->attempts, 0);
	assert_int_equal(m->st.callbacks.nopen, 0);
	assert_int_equal(e->steps[e->nsteps - 1].kind, CB_STEP_CALLED_BACK);
}

static void test_unanswered_attempt_counts_and_stays_open(void **state)
{
	struct model *m = *state;
	leaves(m, QUEUE, "u1", "0611111111", 0, 40, "BREAK_OUT");
	calls_out(m, AGENT_L, "c1", "0033611111111", 600, false);
	const struct callback *e = only_entry(m);
	assert_int_equal(e->status, CB_OPEN);
	assert_int_equal(e->attempts, 1);
	assert_int_equal(e->steps[1].kind, CB_STEP_ATTEMPT);
	assert_string_equal(e->steps[1].who, AGENT_L);
	calls_out(m, LINE, "c2", "0611111111", 1200, true);
	assert_int_equal(e->status, CB_CALLED_BACK);
	assert_string_equal(e->closed_by, LINE);
	assert_int_equal(e->attempts, 1);
	assert_int_equal(e->nsteps, 3);
}

static void test_number_forms_match(void **state)
{
	struct model *m = *state;
	/* the queue gives E.164, the line calls the national form, then international 00 */
	leaves(m, QUEUE, "u1", "+33611111111", 0, 40, "");
	leaves(m, QUEUE, "u2", "00336 22 22 22 22", 0, 40, "");
	calls_out(m, AGENT_L, "c1", "0611111111", 100, true);
	calls_out(m, AGENT_L, "c2", "+33622222222", 200, true);
	assert_int_equal(m->st.callbacks.entries[0].status, CB_CALLED_BACK);
	assert_int_equal(m->st.callbacks.entries[1].status, CB_CALLED_BACK);
	assert_null(callbacks_find_open(&m->st.callbacks, "06 11 11 11 11"));
}

static void test_other_number_does_not_close(void **state)
{
	struct model *m = *state;
	leaves(m, QUEUE, "u1", "0611111111", 0, 40, "");
	calls_out(m, AGENT_L, "c1", "0611111112", 100, true);
	assert_int_equal(only_entry(m)->status, CB_OPEN);
	assert_int_equal(only_entry(m)->attempts, 0);
}

static void test_call_before_leaving_does_not_close(void **state)
{
	struct model *m = *state;
	lev(m, AGENT_L, "start_ringing", 0, "c1", AGENT_L, "0611111111");
	leaves(m, QUEUE, "u1", "0611111111", 0, 40, "");
	/* the outgoing call picked up at 5 s, before the caller left at 40: not a call back */
	callbacks_reached(&m->st.callbacks, "0611111111", T0 + 5, CB_CALLED_BACK, AGENT_L);
	assert_int_equal(only_entry(m)->status, CB_OPEN);
}

static void test_calling_in_again_answered_in_a_queue_closes(void **state)
{
	struct model *m = *state;
	leaves(m, QUEUE, "u1", "0611111111", 0, 40, "");
	/* a second try on another queue, answered there by an agent */
	qev(m, OTHER_Q, "member-queue-start", 300, "u2", "+33611111111", "");
	assert_int_equal(only_entry(m)->status, CB_OPEN); /* waiting again is not an answer */
	qev(m, OTHER_Q, "bridge-agent-start", 320, "u2", "+33611111111", "");
	const struct callback *e = only_entry(m);
	assert_int_equal(e->status, CB_CALLED_IN);
	assert_string_equal(e->closed_by, AGENT);
	assert_true(e->closed_at_s == T0 + 320);
	assert_int_equal(e->tries, 1);
}

static void test_calling_in_answered_by_end_only_closes(void **state)
{
	struct model *m = *state;
	char t[256], extra[512];
	leaves(m, QUEUE, "u1", "0611111111", 0, 40, "");
	qev(m, QUEUE, "member-queue-start", 300, "u2", "0611111111", "");
	snprintf(extra, sizeof extra, ",\"QueueCause\":\"Terminated\"%s",
	         times(t, sizeof t, 300, 330, 0, 0));
	qev(m, QUEUE, "member-queue-end", 400, "u2", "0611111111", extra);
	assert_int_equal(only_entry(m)->status, CB_CALLED_IN);
	assert_true(only_entry(m)->closed_at_s == T0 + 330);
}

static void test_calling_in_again_answered_on_a_line_closes(void **state)
{
	struct model *m = *state;
	leaves(m, QUEUE, "u1", "0611111111", 0, 40, "");
	lev(m, LINE, "start_ringing", 500, "c9", "0611111111", LINE);
	assert_int_equal(only_entry(m)->status, CB_OPEN);
	lev(m, LINE, "start_calling", 510, "c9", "0611111111", LINE);
	assert_int_equal(only_entry(m)->status, CB_CALLED_IN);
	assert_string_equal(only_entry(m)->closed_by, LINE);
}

static void test_call_in_to_the_queue_number_is_not_an_answer(void **state)
{
	struct model *m = *state;
	leaves(m, QUEUE, "u1", "0611111111", 0, 40, "");
	/* the queue's own number answers the call to put it in the queue */
	lev(m, QUEUE, "start_calling", 500, "c9", "0611111111", QUEUE);
	assert_int_equal(only_entry(m)->status, CB_OPEN);
}

static void test_missed_call_in_leaves_it_open(void **state)
{
	struct model *m = *state;
	leaves(m, QUEUE, "u1", "0611111111", 0, 40, "");
	lev(m, LINE, "start_ringing", 500, "c9", "0611111111", LINE);
	lev(m, LINE, "end_calling", 530, "c9", "0611111111", LINE);
	assert_int_equal(only_entry(m)->status, CB_OPEN);
	assert_int_equal(only_entry(m)->attempts, 0); /* not a call back attempt */
}

static void test_tries_counted_on_one_entry(void **state)
{
	struct model *m = *state;
	leaves(m, QUEUE, "u1", "0611111111", 0, 2, "");       /* short */
	leaves(m, OTHER_Q, "u2", "0611111111", 100, 160, ""); /* a real abandon */
	leaves(m, QUEUE, "u3", "+33611111111", 300, 390, "TIMEOUT");
	const struct callback *e = only_entry(m);
	assert_int_equal(e->tries, 3);
	assert_true(e->left_at_s == T0 + 2); /* the first try */
	assert_string_equal(e->queue, QUEUE);
	assert_int_equal(e->outcome, CB_ABANDONED); /* no longer only a short abandon */
	assert_int_equal(m->st.callbacks.nopen_short, 0);
	assert_int_equal(e->nsteps, 3);
	assert_string_equal(e->steps[1].who, OTHER_Q);
	assert_int_equal(e->steps[2].outcome, CB_TIMED_OUT);
	assert_int_equal(e->steps[2].wait_s, 90);
	/* once reached, a new abandon opens a new entry */
	calls_out(m, AGENT_L, "c1", "0611111111", 500, true);
	leaves(m, QUEUE, "u4", "0611111111", 900, 950, "");
	assert_int_equal(m->st.callbacks.n, 2);
	assert_int_equal(m->st.callbacks.entries[1].tries, 1);
	assert_int_equal(m->st.callbacks.nopen, 1);
}

static void test_history_keeps_first_and_latest(void **state)
{
	struct model *m = *state;
	leaves(m, QUEUE, "u1", "0611111111", 0, 40, "");
	for (int i = 0; i < CB_STEPS_MAX + 3; i++) {
		char id[16];
		snprintf(id, sizeof id, "c%d", i);
		calls_out(m, AGENT_L, id, "0611111111", 100 + 100 * i, false);
	}
	const struct callback *e = only_entry(m);
	assert_int_equal(e->attempts, CB_STEPS_MAX + 3);
	assert_int_equal(e->nsteps, CB_STEPS_MAX);
	assert_int_equal(e->steps_dropped, 4);
	assert_int_equal(e->steps[0].kind, CB_STEP_LEFT);
	assert_true(e->steps[CB_STEPS_MAX - 1].at_s == T0 + 100 + 100 * (CB_STEPS_MAX + 2) + 30);
}

/* 23:50 local time on the day of T0, so that the next day starts 10 minutes later. */
static int before_midnight(void)
{
	time_t t = (time_t)T0;
	struct tm tm;
	localtime_r(&t, &tm);
	tm.tm_hour = 23, tm.tm_min = 50, tm.tm_sec = 0, tm.tm_isdst = -1;
	return (int)(mktime(&tm) - T0);
}

static void test_across_midnight_and_window(void **state)
{
	struct model *m = *state;
	int late = before_midnight();
	leaves(m, QUEUE, "u1", "0611111111", late, late + 60, "");
	leaves(m, QUEUE, "u2", "0622222222", late, late + 90, "");
	int64_t day1 = m->st.day_start_s;
	/* after midnight: the day's counters start again, the list does not */
	calls_out(m, AGENT_L, "c1", "0611111111", late + 1200, true);
	assert_true(m->st.day_start_s > day1);
	assert_int_equal(m->st.queues[0].today.abandoned, 0);
	assert_int_equal(m->st.callbacks.n, 2);
	assert_int_equal(m->st.callbacks.entries[0].status, CB_CALLED_BACK);
	assert_int_equal(m->st.callbacks.nopen, 1);
	/* 24 h after its last activity an entry leaves the window */
	model_tick(m, (T0 + late + 90 + 24 * 3600 - 30) * NS_PER_S);
	assert_int_equal(m->st.callbacks.n, 2);
	model_tick(m, (T0 + late + 1205 + 24 * 3600 + 61) * NS_PER_S);
	assert_int_equal(m->st.callbacks.n, 0);
	assert_int_equal(m->st.callbacks.nopen, 0);
	/* and a closed number's index slot is free again */
	leaves(m, QUEUE, "u3", "0622222222", 2 * 86400, 2 * 86400 + 60, "");
	assert_int_equal(m->st.callbacks.nopen, 1);
	assert_non_null(callbacks_find_open(&m->st.callbacks, "0622222222"));
}

static void test_window_setting(void **state)
{
	struct model *m = *state;
	char err[128];
	assert_true(settings_set(&m->set, "callback_window_h", "2", err, sizeof err));
	assert_false(settings_set(&m->set, "callback_window_h", "0", err, sizeof err));
	leaves(m, QUEUE, "u1", "0611111111", 0, 60, "");
	model_tick(m, (T0 + 60 + 2 * 3600 + 61) * NS_PER_S);
	assert_int_equal(m->st.callbacks.n, 0);
}

static void test_view_copy_and_order(void **state)
{
	struct model *m = *state;
	leaves(m, QUEUE, "u1", "0611111111", 100, 140, ""); /* open */
	leaves(m, QUEUE, "u2", "0622222222", 0, 60, "");    /* open, older */
	leaves(m, QUEUE, "u3", "0633333333", 0, 1, "");     /* short, open */
	leaves(m, QUEUE, "u4", "0644444444", 0, 50, "");    /* closed at 500 */
	leaves(m, QUEUE, "u5", "0655555555", 0, 50, "");    /* closed at 700 */
	calls_out(m, AGENT_L, "c1", "0644444444", 495, true);
	calls_out(m, AGENT_L, "c2", "0655555555", 695, true);
	struct model_state copy;
	memset(&copy, 0, sizeof copy);
	uint64_t seen = 0;
	assert_true(model_view(m, &copy, &seen));
	assert_int_equal(copy.callbacks.n, 5);
	assert_int_equal(copy.callbacks.nopen, 3);
	assert_null(copy.callbacks.ix);
	size_t order[5];
	assert_int_equal(callbacks_order(&copy.callbacks, false, order), 4);
	assert_string_equal(copy.callbacks.entries[order[0]].caller, OTHER);
	assert_string_equal(copy.callbacks.entries[order[1]].caller, CALLER);
	assert_string_equal(copy.callbacks.entries[order[2]].caller, "0033655555555");
	assert_string_equal(copy.callbacks.entries[order[3]].caller, "0033644444444");
	assert_int_equal(callbacks_order(&copy.callbacks, true, order), 5);
	assert_string_equal(copy.callbacks.entries[order[0]].caller, "0033633333333");
	state_free(&copy);
}

static void test_anonymous_caller_has_no_entry(void **state)
{
	struct model *m = *state;
	leaves(m, QUEUE, "u1", "", 0, 60, "");
	assert_int_equal(m->st.callbacks.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_abandon_opens_an_entry, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_answered_caller_has_no_entry, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_outcomes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_answered_call_back_closes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unanswered_attempt_counts_and_stays_open, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_number_forms_match, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_other_number_does_not_close, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_call_before_leaving_does_not_close, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_calling_in_again_answered_in_a_queue_closes, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_calling_in_answered_by_end_only_closes, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_calling_in_again_answered_on_a_line_closes, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_call_in_to_the_queue_number_is_not_an_answer,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missed_call_in_leaves_it_open, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tries_counted_on_one_entry, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_history_keeps_first_and_latest, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_across_midnight_and_window, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_window_setting, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_view_copy_and_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_anonymous_caller_has_no_entry, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
