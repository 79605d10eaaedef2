/* The model's indexes at scale: calls, callers and agents found among many, while they come
 * and go in any order; missed calls and expiry found without looking at everything. */
#include <stdlib.h>

#include "testlib.h"

#define NLINES 1500
#define PER    3

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

static void number_of(char *buf, size_t size, int i)
{
	snprintf(buf, size, "00339721%05d", i);
}

/* An event of kind on line number i at T0 + s for call id. */
static void ev_on(struct model *m, int i, const char *kind, int s, const char *id)
{
	char number[32], body[1024];
	number_of(number, sizeof number, i);
	snprintf(body, sizeof body,
	         "{\"Event\":\"%s\",\"Service\":\"sip\",\"Ressource\":\"%s\",\"Timestamp\":"
	         "%lld000000000,\"Data\":{\"CallId\":\"%s\",\"Calling\":\"0611111111\","
	         "\"Called\":\"%s\",\"Ts\":\"%lld.000\"}}",
	         kind, number, (long long)(T0 + s), id, number, (long long)(T0 + s));
	struct ingest_result r;
	ingest_body(m, NULL, body, strlen(body), (T0 + s) * NS_PER_S, &r);
}

static const struct line *line_no(struct model *m, int i)
{
	char number[32];
	number_of(number, sizeof number, i);
	const struct line *l = state_find_line(&m->st, number);
	assert_non_null(l);
	return l;
}

/* A permutation of 0..n-1, the same every run. */
static int *shuffled(int n, unsigned seed)
{
	int *p = malloc((size_t)n * sizeof *p);
	assert_non_null(p);
	for (int i = 0; i < n; i++)
		p[i] = i;
	srand(seed);
	for (int i = n - 1; i > 0; i--) {
		int j = rand() % (i + 1), t = p[i];
		p[i] = p[j], p[j] = t;
	}
	return p;
}

static void test_calls_found_among_many(void **state)
{
	struct model *m = *state;
	char id[32];
	for (int i = 0; i < NLINES; i++)
		for (int k = 0; k < PER; k++) {
			snprintf(id, sizeof id, "call-%d", k); /* the same ids on every line */
			ev_on(m, i, "start_ringing", 0, id);
		}
	assert_int_equal(m->st.ncalls, NLINES * PER);
	assert_int_equal(m->st.nlines, NLINES);
	/* answer every call in a scrambled order, then hang up two of each line's three */
	int *order = shuffled(NLINES * PER, 1);
	for (int n = 0; n < NLINES * PER; n++) {
		snprintf(id, sizeof id, "call-%d", order[n] % PER);
		ev_on(m, order[n] / PER, "start_calling", 1, id);
	}
	for (int n = 0; n < NLINES * PER; n++) {
		if (order[n] % PER == 2)
			continue;
		snprintf(id, sizeof id, "call-%d", order[n] % PER);
		ev_on(m, order[n] / PER, "end_calling", 2 + n % 5, id);
	}
	free(order);
	assert_int_equal(m->st.ncalls, NLINES);
	assert_int_equal(m->st.counters.dropped, 0);
	for (int i = 0; i < NLINES; i++) {
		const struct line *l = line_no(m, i);
		assert_int_equal(l->ncalls, 1);
		assert_int_equal(l->nactive, 1);
		assert_int_equal(l->today.answered, PER);
		assert_int_equal(l->today.calls_in, PER);
	}
	/* every call left is found again where the swaps moved it */
	for (int i = 0; i < NLINES; i += 7)
		ev_on(m, i, "start_hold", 10, "call-2");
	for (size_t c = 0; c < m->st.ncalls; c++) {
		int line = atoi(m->st.lines[m->st.calls[c].line].number + 8);
		assert_string_equal(m->st.calls[c].id, "call-2");
		assert_int_equal(m->st.calls[c].state, line % 7 == 0 ? CALL_HELD : CALL_ACTIVE);
	}
	/* a late event about an ended call brings nothing back */
	ev_on(m, 3, "start_ringing", 11, "call-0");
	assert_int_equal(line_no(m, 3)->ncalls, 1);
	assert_int_equal(m->st.ncalls, NLINES);
}

/* A queue event of kind for caller u (agent a) at T0 + s. */
static void caller_ev(struct model *m, const char *kind, int s, int u, int a, const char *extra)
{
	char body[2048];
	snprintf(body, sizeof body,
	         "{\"Event\":\"%s\",\"Service\":\"queues\",\"Ressource\":\"%s\",\"Timestamp\":"
	         "%lld000000000,\"Data\":{\"QueueMemberUUID\":\"uuid-%d\",\"Agent\":"
	         "\"003397210%04d\",\"Ts\":\"%lld\"%s}}",
	         kind, QUEUE, (long long)(T0 + s), u, a, (long long)(T0 + s), extra);
	struct ingest_result r;
	ingest_body(m, NULL, body, strlen(body), (T0 + s) * NS_PER_S, &r);
}

static void test_callers_and_agents_found_among_many(void **state)
{
	struct model *m = *state;
	enum { CALLERS = 3000, AGENTS = 200 };
	for (int u = 0; u < CALLERS; u++)
		caller_ev(m, "member-queue-start", 0, u, u % AGENTS, "");
	const struct queue *q = state_find_queue(&m->st, QUEUE);
	assert_non_null(q);
	assert_int_equal(q->nmembers, CALLERS);
	int *order = shuffled(CALLERS, 2);
	for (int n = 0; n < CALLERS; n++)
		caller_ev(m, "bridge-agent-start", 5, order[n], order[n] % AGENTS, "");
	assert_int_equal(q->nagents, AGENTS);
	char extra[64];
	snprintf(extra, sizeof extra, ",\"QueueMemberCancelReason\":\"\"");
	for (int n = 0; n < CALLERS; n += 2)
		caller_ev(m, "member-queue-end", 60, order[n], order[n] % AGENTS, extra);
	free(order);
	assert_int_equal(q->nmembers, CALLERS / 2);
	assert_int_equal(q->today.offered, CALLERS);
	assert_int_equal(q->today.answered, CALLERS);
	uint32_t taken = 0;
	for (size_t a = 0; a < q->nagents; a++) {
		assert_int_equal(q->agents[a].taken_today, CALLERS / AGENTS);
		taken += q->agents[a].taken_today;
	}
	assert_int_equal(taken, CALLERS);
	/* each caller left is still found: a second answer counts nothing */
	for (size_t i = 0; i < q->nmembers; i++)
		assert_int_equal(q->members[i].state, MEMBER_WITH_AGENT);
	int remaining = atoi(q->members[0].uuid + 5);
	caller_ev(m, "bridge-agent-start", 70, remaining, remaining % AGENTS, "");
	assert_int_equal(q->today.answered, CALLERS);
	assert_int_equal(q->nmembers, CALLERS / 2);
}

/* Missed calls are counted once their grace period is over, each at its own second, however
 * many calls are in progress and in whatever order their ringing ended. */
static void test_missed_after_grace_among_many(void **state)
{
	struct model *m = *state;
	int grace = m->set.missed_grace_s;
	enum { N = 400 };
	for (int i = 0; i < N; i++)
		ev_on(m, i, "start_ringing", 0, "x");
	int *order = shuffled(N, 3);
	for (int n = 0; n < N; n++)
		ev_on(m, order[n], "end_ringing", 1 + order[n] / 100, "x"); /* seconds 1 to 4 */
	free(order);
	ev_on(m, 5, "start_calling", 2, "x"); /* answered within its grace: not missed */
	uint32_t missed_at[6] = {0};
	for (int s = 1; s <= 5; s++) {
		model_tick(m, (T0 + s + grace) * NS_PER_S);
		uint32_t missed = 0;
		for (size_t i = 0; i < m->st.nlines; i++)
			missed += m->st.lines[i].today.missed;
		missed_at[s] = missed;
	}
	/* ringing ended at second k is missed when now - k > grace */
	assert_int_equal(missed_at[1], 0);
	assert_int_equal(missed_at[2], 99); /* line 5 was answered */
	assert_int_equal(missed_at[3], 199);
	assert_int_equal(missed_at[4], 299);
	assert_int_equal(missed_at[5], 399);
	assert_int_equal(m->st.ncalls, 1);
}

/* Expiry follows each thing's last news, not when it was first noted. */
static void test_expiry_follows_the_last_news(void **state)
{
	struct model *m = *state;
	int expiry = m->set.expiry_s;
	ev_on(m, 1, "start_ringing", 0, "quiet");
	ev_on(m, 2, "start_ringing", 0, "busy");
	ev_on(m, 2, "start_calling", expiry / 2, "busy");
	caller_ev(m, "member-queue-start", 0, 1, 1, "");
	caller_ev(m, "member-queue-start", 0, 2, 2, "");
	caller_ev(m, "bridge-agent-start", expiry / 2, 2, 2, "");
	const struct queue *q = state_find_queue(&m->st, QUEUE);
	model_tick(m, (T0 + expiry) * NS_PER_S);
	assert_int_equal(m->st.ncalls, 2);
	model_tick(m, (T0 + expiry + 1) * NS_PER_S);
	assert_int_equal(m->st.ncalls, 1);
	assert_string_equal(m->st.calls[0].id, "busy");
	assert_int_equal(q->nmembers, 1);
	assert_int_equal(m->st.counters.expired, 2);
	size_t agent2 = strcmp(q->agents[0].number, "0033972100002") == 0 ? 0 : 1;
	assert_true(q->agents[agent2].on_call);
	model_tick(m, (T0 + expiry / 2 + expiry) * NS_PER_S);
	assert_int_equal(m->st.ncalls, 1);
	model_tick(m, (T0 + expiry / 2 + expiry + 1) * NS_PER_S);
	assert_int_equal(m->st.ncalls, 0);
	assert_int_equal(q->nmembers, 0);
	assert_false(q->agents[agent2].on_call);
	assert_int_equal(m->st.counters.expired, 4);
	/* something new after all that expired is watched again */
	ev_on(m, 3, "start_ringing", 2 * expiry, "late");
	model_tick(m, (T0 + 3 * expiry + 1) * NS_PER_S);
	assert_int_equal(m->st.ncalls, 0);
	assert_int_equal(m->st.counters.expired, 5);
}

static const struct line *find_line_no(struct model *m, int i)
{
	char number[32];
	number_of(number, sizeof number, i);
	return state_find_line(&m->st, number);
}

/* At the lines' bound, a new line takes the place of the idle line heard of least recently;
 * only when every line has a call in progress is it refused. */
static void test_idle_lines_evicted_before_new_lines_are_refused(void **state)
{
	struct model *m = *state;
	m->set.max_lines = 3;
	ev_on(m, 0, "start_ringing", 0, "busy-0");
	ev_on(m, 1, "registered", 5, "");
	ev_on(m, 2, "registered", 2, "");
	ev_on(m, 3, "start_ringing", 10, "new-3"); /* line 2 is the idlest */
	assert_int_equal(m->st.nlines, 3);
	assert_null(find_line_no(m, 2));
	assert_non_null(find_line_no(m, 1));
	assert_int_equal(find_line_no(m, 3)->ncalls, 1);
	assert_int_equal(find_line_no(m, 3)->today.calls_in, 1);
	assert_int_equal(m->st.counters.evicted, 1);
	assert_int_equal(m->st.counters.dropped, 0);
	/* the calls of the lines kept are found where they were */
	ev_on(m, 0, "start_calling", 11, "busy-0");
	ev_on(m, 3, "start_calling", 11, "new-3");
	assert_int_equal(find_line_no(m, 0)->nactive, 1);
	assert_int_equal(find_line_no(m, 3)->nactive, 1);
	/* a line evicted comes back as a new line, in the place of the next idlest */
	ev_on(m, 2, "registered", 12, "");
	assert_null(find_line_no(m, 1));
	assert_non_null(find_line_no(m, 2));
	assert_int_equal(m->st.counters.evicted, 2);
	/* every line busy: the new line is refused */
	ev_on(m, 2, "start_ringing", 13, "busy-2");
	ev_on(m, 4, "start_ringing", 14, "refused");
	assert_null(find_line_no(m, 4));
	assert_int_equal(m->st.counters.dropped, 1);
	assert_int_equal(m->st.counters.evicted, 2);
	assert_int_equal(m->st.ncalls, 3);
}

/* Agents beyond the bound of a queue are counted as dropped, like everything refused. */
static void test_agents_beyond_the_bound_are_dropped(void **state)
{
	struct model *m = *state;
	m->set.max_agents = 2;
	for (int a = 0; a < 3; a++)
		caller_ev(m, "member-queue-start", a, a, a, "");
	for (int a = 0; a < 3; a++)
		caller_ev(m, "bridge-agent-start", 10 + a, a, a, "");
	const struct queue *q = state_find_queue(&m->st, QUEUE);
	assert_int_equal(q->nagents, 2);
	/* each event that names the third agent: its caller's start and its answer */
	assert_int_equal(m->st.counters.dropped, 2);
	assert_int_equal(q->today.answered, 3); /* the caller's answer still counts */
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_calls_found_among_many),
	    T(test_callers_and_agents_found_among_many),
	    T(test_missed_after_grace_among_many),
	    T(test_expiry_follows_the_last_news),
	    T(test_idle_lines_evicted_before_new_lines_are_refused),
	    T(test_agents_beyond_the_bound_are_dropped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
