/* The model on event shapes of real OVH traffic (see protocol.md 5.1): late events, ring-all
 * offers, answers known only from the end, event names in any case, equal timestamps. */
#include <stdlib.h>

#include "stats.h"
#include "testlib.h"

#define AGENT_B "0033972101012"

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

/* A queue event at T0 + s about caller uuid offered to (or taken by) agent; extra is more Data
 * pairs with a leading comma, or "". */
static struct ingest_result qev(struct model *m, const char *kind, int s, const char *uuid,
                                const char *agent, const char *extra)
{
	char body[2048];
	struct ingest_result r;
	snprintf(body, sizeof body,
	         "{\"Event\":\"%s\",\"Service\":\"queues\",\"Ressource\":\"%s\","
	         "\"Timestamp\":%lld000000000,\"Data\":{\"QueueMemberUUID\":\"%s\","
	         "\"QueueMemberCIDNumber\":\"0611111111\",\"Agent\":\"%s\",\"Ts\":\"%lld\"%s},"
	         "\"Details\":{\"Description\":\"Support\",\"Type\":\"easyHunting\"}}",
	         kind, QUEUE, (long long)(T0 + s), uuid, agent, (long long)(T0 + s), extra);
	ingest_body(m, NULL, body, strlen(body), (T0 + s) * NS_PER_S, &r);
	return r;
}

static const struct queue *the_queue(struct model *m)
{
	const struct queue *q = state_find_queue(&m->st, QUEUE);
	assert_non_null(q);
	return q;
}

static const struct agent *agent_of(struct model *m, const char *number)
{
	const struct queue *q = the_queue(m);
	for (size_t i = 0; i < q->nagents; i++)
		if (strcmp(q->agents[i].number, number) == 0)
			return &q->agents[i];
	static const struct agent none;
	fail_msg("agent %s not seen", number);
	return &none;
}

/* A caller who waited from s to s + 30 and was removed by the queue (NO_AGENT_TIMEOUT). */
static void timed_out_caller(struct model *m, const char *uuid, int s)
{
	char t[256], extra[512];
	qev(m, "member-queue-start", s, uuid, "", times(t, sizeof t, s, 0, 0, 0));
	snprintf(extra, sizeof extra,
	         ",\"QueueCause\":\"Cancel\",\"QueueCancelReason\":\"NO_AGENT_TIMEOUT\"%s",
	         times(t, sizeof t, s, 0, s + 30, 0));
	qev(m, "member-queue-end", s + 30, uuid, "", extra);
}

/* A late bridge-agent-fail about a caller who left ten callers ago does not bring them back. */
static void test_late_event_about_an_old_caller_changes_nothing(void **state)
{
	struct model *m = *state;
	char id[16];
	for (int i = 0; i < 10; i++) {
		snprintf(id, sizeof id, "c%d", i);
		timed_out_caller(m, id, i * 40);
	}
	qev(m, "bridge-agent-fail", 500, "c0", AGENT, ",\"QueueHangupCause\":\"NO_ANSWER\"");
	const struct queue *q = the_queue(m);
	assert_int_equal(q->today.offered, 10);
	assert_int_equal(q->today.timed_out, 10);
	assert_int_equal(q->nmembers, 0);
	assert_int_equal(q->today.agent_failures, 0);
}

/* Even with the caller's joined time in it, the late event finds the caller in the ended set
 * (a ring of 8 forgot them after 8 more callers). */
static void test_late_event_with_joined_time_is_still_late(void **state)
{
	struct model *m = *state;
	char id[16], t[256], extra[512];
	for (int i = 0; i < 20; i++) {
		snprintf(id, sizeof id, "c%d", i);
		timed_out_caller(m, id, i * 40);
	}
	snprintf(extra, sizeof extra, ",\"QueueHangupCause\":\"NO_ANSWER\"%s",
	         times(t, sizeof t, 1, 0, 0, 0));
	qev(m, "bridge-agent-fail", 900, "c0", AGENT, extra);
	const struct queue *q = the_queue(m);
	assert_int_equal(q->today.offered, 20);
	assert_int_equal(q->nmembers, 0);
}

/* An event about a caller never seen, with no joined time, creates no caller. */
static void test_no_phantom_callers(void **state)
{
	struct model *m = *state;
	char t[256];
	qev(m, "agent-offering", 0, "ghost", AGENT, "");
	qev(m, "bridge-agent-fail", 1, "ghost", AGENT, ",\"QueueHangupCause\":\"NO_ANSWER\"");
	const struct queue *q = the_queue(m);
	assert_int_equal(q->nmembers, 0);
	assert_int_equal(q->today.offered, 0);
	/* one that carries a recent joined time is a caller met mid-way (a restart) */
	qev(m, "agent-offering", 10, "mid", AGENT, times(t, sizeof t, 2, 0, 0, 0));
	assert_int_equal(q->nmembers, 1);
	assert_int_equal(q->today.offered, 1);
	/* a joined time older than the expiry window is not */
	char old[128];
	snprintf(old, sizeof old, ",\"QueueMemberJoinedTime\":\"%lld\"",
	         (long long)(T0 - m->set.expiry_s - 100));
	qev(m, "agent-offering", 20, "old", AGENT, old);
	assert_int_equal(q->nmembers, 1);
}

/* Ring-all: the losers of the race are not refusals; a real refusal is. */
static void test_ring_all_losers_are_not_refusals(void **state)
{
	struct model *m = *state;
	char t[256];
	qev(m, "member-queue-start", 0, "m", "", times(t, sizeof t, 1, 0, 0, 0));
	qev(m, "agent-offering", 2, "m", AGENT, "");
	qev(m, "agent-offering", 2, "m", AGENT_B, "");
	qev(m, "bridge-agent-start", 8, "m", AGENT_B, times(t, sizeof t, 1, 8, 0, 0));
	qev(m, "bridge-agent-fail", 8, "m", AGENT, ",\"QueueHangupCause\":\"LOSE_RACE\"");
	qev(m, "bridge-agent-fail", 9, "m", AGENT, ",\"QueueHangupCause\":\"ORIGINATOR_CANCEL\"");
	const struct queue *q = the_queue(m);
	assert_int_equal(q->today.agent_failures, 0);
	assert_int_equal(q->members[0].state, MEMBER_WITH_AGENT);
	qev(m, "member-queue-start", 20, "n", "", times(t, sizeof t, 20, 0, 0, 0));
	qev(m, "agent-offering", 21, "n", AGENT, "");
	qev(m, "bridge-agent-fail", 41, "n", AGENT, ",\"QueueHangupCause\":\"NO_ANSWER\"");
	qev(m, "agent-offering", 42, "n", AGENT_B, "");
	qev(m, "bridge-agent-fail", 50, "n", AGENT_B, ",\"QueueHangupCause\":\"USER_BUSY\"");
	assert_int_equal(the_queue(m)->today.agent_failures, 2);
}

/* An answer known only from member-queue-end Terminated counts for the agent too. */
static void test_answer_from_the_end_counts_for_the_agent(void **state)
{
	struct model *m = *state;
	char t[256], extra[512];
	qev(m, "member-queue-start", 0, "m", "", times(t, sizeof t, 1, 0, 0, 0));
	snprintf(extra, sizeof extra, ",\"QueueCause\":\"Terminated\"%s",
	         times(t, sizeof t, 1, 11, 0, 0));
	qev(m, "member-queue-end", 200, "m", AGENT, extra);
	assert_int_equal(the_queue(m)->today.answered, 1);
	assert_int_equal(agent_of(m, AGENT)->taken_today, 1);
}

/* Event names are matched ignoring case; "register" is "registered". */
static void test_event_names_ignore_case(void **state)
{
	struct model *m = *state;
	assert_int_equal(event_kind_from_name("Member-Queue-Start"), EV_MEMBER_QUEUE_START);
	assert_int_equal(event_kind_from_name("START_RINGING"), EV_START_RINGING);
	assert_int_equal(event_kind_from_name("register"), EV_REGISTERED);
	assert_int_equal(event_kind_from_name("Register"), EV_REGISTERED);
	assert_int_equal(event_kind_from_name("Bridge-Agent-Failed"), EV_BRIDGE_AGENT_FAIL);
	line_ev(m, "register", 0, "", LINE, LINE);
	line_ev(m, "Start_Ringing", 1, "c1", "0611111111", LINE);
	assert_int_equal(m->st.counters.registered, 1);
	assert_int_equal(m->st.counters.unknown, 0);
	assert_int_equal(m->st.ncalls, 1);
	/* the same event in another case is the same event */
	struct ingest_result r = line_ev(m, "start_ringing", 1, "c1", "0611111111", LINE);
	assert_int_equal(r.duplicates, 1);
}

/* Equal Timestamps: two offers to two agents, two counts, are both kept; the same event twice
 * is one. */
static void test_duplicates_are_the_same_event_not_the_same_time(void **state)
{
	struct model *m = *state;
	char t[256];
	qev(m, "member-queue-start", 0, "m", "", times(t, sizeof t, 1, 0, 0, 0));
	struct ingest_result a = qev(m, "agent-offering", 2, "m", AGENT, "");
	struct ingest_result b = qev(m, "agent-offering", 2, "m", AGENT_B, "");
	assert_int_equal(a.duplicates + b.duplicates, 0);
	struct ingest_result c = qev(m, "members-count", 3, "", "", ",\"Count\":\"2\"");
	struct ingest_result d = qev(m, "members-count", 3, "", "", ",\"Count\":\"1\"");
	assert_int_equal(c.duplicates + d.duplicates, 0);
	assert_int_equal(the_queue(m)->count, 1);
	struct ingest_result e = qev(m, "members-count", 3, "", "", ",\"Count\":\"1\"");
	assert_int_equal(e.duplicates, 1);
}

/* A caller leaving with the exit key is counted apart, not as an abandon; the queue's own
 * short-abandon and service-level values count its callers. */
static void test_left_by_key_and_per_queue_values(void **state)
{
	struct model *m = *state;
	char t[256], extra[512], err[256];
	assert_true(settings_set(&m->set, "queue." QUEUE ".sl_target_s", "60", err, sizeof err));
	assert_true(
	    settings_set(&m->set, "queue." QUEUE ".short_abandon_s", "20", err, sizeof err));
	qev(m, "member-queue-start", 0, "k", "", times(t, sizeof t, 1, 0, 0, 0));
	snprintf(extra, sizeof extra,
	         ",\"QueueCause\":\"Cancel\",\"QueueCancelReason\":\"EXIT_WITH_KEY\"%s",
	         times(t, sizeof t, 1, 0, 40, 0));
	qev(m, "member-queue-end", 40, "k", "", extra);
	qev(m, "member-queue-start", 50, "s", "", times(t, sizeof t, 50, 0, 0, 0));
	snprintf(extra, sizeof extra, ",\"QueueCause\":\"Cancel\"%s",
	         times(t, sizeof t, 50, 0, 65, 0)); /* 15 s: short with this queue's 20 s */
	qev(m, "member-queue-end", 65, "s", "", extra);
	qev(m, "member-queue-start", 70, "a", "", times(t, sizeof t, 70, 0, 0, 0));
	qev(m, "bridge-agent-start", 115, "a", AGENT, times(t, sizeof t, 70, 115, 0, 0));
	const struct queue_today *d = &the_queue(m)->today;
	assert_int_equal(d->left_by_key, 1);
	assert_int_equal(d->abandoned, 0);
	assert_int_equal(d->short_abandoned, 1);
	assert_int_equal(d->answered_in_sl, 1); /* 45 s, within this queue's 60 s */
}

/* The event log says who left and how; an outgoing call shows the number called. */
static void test_event_log_texts(void **state)
{
	struct model *m = *state;
	char t[256], extra[512];
	qev(m, "member-queue-start", 0, "m", "", times(t, sizeof t, 1, 0, 0, 0));
	snprintf(extra, sizeof extra,
	         ",\"QueueCause\":\"Cancel\",\"QueueCancelReason\":\"TIMEOUT\"%s",
	         times(t, sizeof t, 1, 0, 30, 0));
	/* an end that carries only the caller's id: the caller's number comes from the model */
	char body[1024];
	struct ingest_result r;
	snprintf(body, sizeof body,
	         "{\"Event\":\"member-queue-end\",\"Service\":\"queues\",\"Ressource\":\"%s\","
	         "\"Timestamp\":%lld000000000,\"Data\":{\"QueueMemberUUID\":\"m\"%s}}",
	         QUEUE, (long long)(T0 + 30), extra);
	ingest_body(m, NULL, body, strlen(body), (T0 + 30) * NS_PER_S, &r);
	const struct log_entry *e = &m->st.log[(m->st.log_head + m->st.log_count - 1) % LOG_MAX];
	assert_int_equal(e->kind, EV_MEMBER_QUEUE_END);
	assert_string_equal(e->detail, "0033611111111 timed out");
	line_ev(m, "start_ringing", 40, "out1", LINE, "0144556677");
	e = &m->st.log[(m->st.log_head + m->st.log_count - 1) % LOG_MAX];
	assert_string_equal(e->detail, "0033144556677"); /* the number called, not the line */
}

/* Events per second fall back to 0 when events stop, on the ticks alone. */
static void test_event_rate_decays(void **state)
{
	struct model *m = *state;
	for (int i = 0; i < 5; i++)
		line_ev(m, "registered", i, "", LINE, LINE);
	assert_true(m->st.events_per_s_x10 > 0);
	model_lock(m);
	model_tick(m, (T0 + 60) * NS_PER_S);
	model_unlock(m);
	assert_int_equal(m->st.events_per_s_x10, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_late_event_about_an_old_caller_changes_nothing),
	    T(test_late_event_with_joined_time_is_still_late),
	    T(test_no_phantom_callers),
	    T(test_ring_all_losers_are_not_refusals),
	    T(test_answer_from_the_end_counts_for_the_agent),
	    T(test_event_names_ignore_case),
	    T(test_duplicates_are_the_same_event_not_the_same_time),
	    T(test_left_by_key_and_per_queue_values),
	    T(test_event_log_texts),
	    T(test_event_rate_decays),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
