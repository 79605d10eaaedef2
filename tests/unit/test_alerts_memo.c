/* test_alerts_memo.c: the alerts judged incrementally (only the queues that changed, or that
 * time can change) are exactly the alerts of a full judgement, on random traffic over many
 * queues: two models fed the same events, one judging every queue each time. */
#include <stdlib.h>

#include "testlib.h"

#define QUEUES 60
#define STEPS  6000

struct pair {
	struct model inc, full;
};

/* A small deterministic generator, so that a failure can be replayed. */
static uint64_t rng_state = 88172645463325252ULL;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static int pick(int n)
{
	return (int)(rnd() % (uint64_t)n);
}

/* Thresholds low enough that alerts rise and clear all the time. */
static void busy_settings(struct settings *s)
{
	settings_defaults(s);
	s->alert_waiting_warn = 2, s->alert_waiting_crit = 4;
	s->alert_wait_warn_s = 40, s->alert_wait_crit_s = 90;
	s->alert_sl_warn = 80, s->alert_sl_crit = 50;
	s->alert_nobody_min = 2;
	s->sl_target_s = 20;
	s->alert_ring_warn_s = 15, s->alert_ring_crit_s = 45;
	s->expiry_s = 300; /* callers left behind expire: their queue falls quiet */
}

/* Two models on the same settings, one judging every queue each time; "now" follows the
 * events. */
static void pair_init(struct pair *p)
{
	struct settings s;
	busy_settings(&s);
	assert_true(model_init(&p->inc, &s));
	assert_true(model_init(&p->full, &s));
	p->full.alerts_full = true;
	p->inc.st.clock.replay = p->full.st.clock.replay = true;
}

static void feed(struct pair *p, const char *body, int64_t at_s)
{
	struct ingest_result r;
	ingest_body(&p->inc, NULL, body, strlen(body), at_s * NS_PER_S, &r);
	ingest_body(&p->full, NULL, body, strlen(body), at_s * NS_PER_S, &r);
}

/* A queue event of caller `member` of queue q at t; extra is more Data pairs or "". */
static void queue_event(struct pair *p, const char *kind, int q, int member, int64_t t,
                        const char *extra)
{
	char body[2048];
	snprintf(
	    body, sizeof body,
	    "{\"Event\":\"%s\",\"Service\":\"queues\",\"Ressource\":\"00339722%05d\","
	    "\"Timestamp\":%lld000000000,\"Data\":{\"QueueMemberUUID\":\"m%d-%d\","
	    "\"QueueMemberCIDNumber\":\"06%08d\",\"Agent\":\"003397210000%d\",\"Ts\":\"%lld\"%s},"
	    "\"Details\":{\"Description\":\"Queue %d\",\"Type\":\"easyHunting\"}}",
	    kind, q, (long long)t, q, member, member, member % 3, (long long)t, extra, q);
	feed(p, body, t);
}

static void assert_same_alerts(const struct alert_list *a, const struct alert_list *b, int step)
{
	if (a->count != b->count)
		fail_msg("step %d: %zu alerts judged incrementally, %zu by a full judgement", step,
		         a->count, b->count);
	for (size_t i = 0; i < a->count; i++) {
		const struct alert *x = &a->items[i], *y = &b->items[i];
		if (x->scope != y->scope || strcmp(x->id, y->id) != 0 || x->rule != y->rule ||
		    x->level != y->level || x->value != y->value || x->since_s != y->since_s ||
		    strcmp(x->text, y->text) != 0)
			fail_msg("step %d, alert %zu: \"%s\" (level %d) against \"%s\" (level %d)",
			         step, i, x->text, (int)x->level, y->text, (int)y->level);
	}
}

/* Both models judged now. */
static void judge_both(struct pair *p)
{
	model_lock(&p->inc), p->inc.alerts_due = true, model_unlock(&p->inc);
	model_lock(&p->full), p->full.alerts_due = true, model_unlock(&p->full);
}

/* Callers joining, answered, abandoning, timed out, counts, time passing in steps of up to
 * 40 s, now and then a reset of the day; both models judged at each unlock. */
static void test_incremental_equals_full(void **state)
{
	(void)state;
	static struct pair p;
	pair_init(&p);
	int64_t t = T0;
	int joined[QUEUES][8] = {{0}}; /* 0: not in the queue; else the time it joined - T0 + 1 */
	size_t raised = 0;
	char extra[512];
	for (int step = 0; step < STEPS; step++) {
		/* traffic on a band of ten queues that moves on: the others fall quiet, with the
		 * figures of their day */
		int q = (step / 300 * 7 + pick(10)) % QUEUES;
		int k = pick(8);
		int what = pick(100);
		if (what < 30 && !joined[q][k]) {
			snprintf(extra, sizeof extra, ",\"QueueMemberJoinedTime\":\"%lld\"",
			         (long long)t);
			queue_event(&p, "member-queue-start", q, k, t, extra);
			joined[q][k] = (int)(t - T0) + 1;
		} else if (what < 55 && joined[q][k]) {
			int64_t j = T0 + joined[q][k] - 1;
			snprintf(extra, sizeof extra,
			         ",\"QueueMemberJoinedTime\":\"%lld\",\"QueueAgentAnsweredTime\":"
			         "\"%lld\"",
			         (long long)j, (long long)t);
			queue_event(&p, "bridge-agent-start", q, k, t, extra);
			snprintf(extra, sizeof extra,
			         ",\"QueueCause\":\"Success\",\"QueueMemberJoinedTime\":\"%lld\","
			         "\"QueueAgentAnsweredTime\":\"%lld\",\"QueueMemberLeavingTime\":"
			         "\"%lld\","
			         "\"QueueBridgeTerminatedTime\":\"%lld\"",
			         (long long)j, (long long)t, (long long)(t + 30),
			         (long long)(t + 30));
			queue_event(&p, "member-queue-end", q, k, t, extra);
			joined[q][k] = 0;
		} else if (what < 62 && joined[q][k]) {
			/* three agents shared by every queue: offered by two queues at once */
			snprintf(extra, sizeof extra, ",\"QueueMemberJoinedTime\":\"%lld\"",
			         (long long)(T0 + joined[q][k] - 1));
			queue_event(&p, "agent-offering", q, k, t, extra);
		} else if (what < 75 && joined[q][k]) {
			int64_t j = T0 + joined[q][k] - 1;
			snprintf(extra, sizeof extra,
			         ",\"QueueCause\":\"Cancel\",\"QueueMemberJoinedTime\":\"%lld\","
			         "\"QueueMemberLeavingTime\":\"%lld\"%s",
			         (long long)j, (long long)t,
			         pick(3) == 0 ? ",\"QueueCancelReason\":\"TIMEOUT\"" : "");
			queue_event(&p, "member-queue-end", q, k, t, extra);
			joined[q][k] = 0;
		} else if (what < 80) {
			snprintf(extra, sizeof extra, ",\"Count\":\"%d\"", pick(2));
			queue_event(&p, "members-count", q, k, t, extra);
		} else if (what < 81) {
			model_lock(&p.inc), model_reset_today(&p.inc), model_unlock(&p.inc);
			model_lock(&p.full), model_reset_today(&p.full), model_unlock(&p.full);
		} else {
			t += pick(41);
			model_lock(&p.inc), model_tick(&p.inc, t * NS_PER_S), model_unlock(&p.inc);
			model_lock(&p.full), model_tick(&p.full, t * NS_PER_S),
			    model_unlock(&p.full);
		}
		judge_both(
		    &p); /* after every step, not only when the replay clock's second moves */
		assert_same_alerts(&p.inc.st.alerts, &p.full.st.alerts, step);
		raised += p.full.st.alerts.count;
	}
	/* the traffic did what it is for: alerts were raised, on queues and on the total */
	assert_true(raised > STEPS / 4);
	model_done(&p.inc);
	model_done(&p.full);
}

/* A caller of queue q who joins at t and is answered 5 s later, or leaves after 30 s. */
static void one_caller(struct pair *p, int q, int member, int64_t t, bool answered)
{
	char extra[512];
	snprintf(extra, sizeof extra, ",\"QueueMemberJoinedTime\":\"%lld\"", (long long)t);
	queue_event(p, "member-queue-start", q, member, t, extra);
	if (answered) {
		snprintf(extra, sizeof extra,
		         ",\"QueueCause\":\"Success\",\"QueueMemberJoinedTime\":\"%lld\","
		         "\"QueueAgentAnsweredTime\":\"%lld\",\"QueueMemberLeavingTime\":\"%lld\"",
		         (long long)t, (long long)(t + 5), (long long)(t + 60));
		queue_event(p, "bridge-agent-start", q, member, t + 5, extra);
		queue_event(p, "member-queue-end", q, member, t + 60, extra);
	} else {
		snprintf(extra, sizeof extra,
		         ",\"QueueCause\":\"Cancel\",\"QueueMemberJoinedTime\":\"%lld\","
		         "\"QueueMemberLeavingTime\":\"%lld\"",
		         (long long)t, (long long)(t + 30));
		queue_event(p, "member-queue-end", q, member, t + 30, extra);
	}
}

/* A quiet queue's figures of the day are gone after a reset: the total forgets them too. */
static void test_reset_forgets_a_quiet_queue(void **state)
{
	(void)state;
	static struct pair p;
	pair_init(&p);
	for (int i = 0; i < 4; i++) /* queue 1: all answered, then quiet */
		one_caller(&p, 1, i, T0 + i * 100, true);
	/* an hour later ("now" follows the events): queue 1 is quiet, judged no more */
	queue_event(&p, "members-count", 3, 0, T0 + 3600, ",\"Count\":\"0\"");
	judge_both(&p);
	queue_event(&p, "members-count", 3, 0, T0 + 3601, ",\"Count\":\"0\"");
	judge_both(&p);
	assert_same_alerts(&p.inc.st.alerts, &p.full.st.alerts, 0);
	model_lock(&p.inc), model_reset_today(&p.inc), model_unlock(&p.inc);
	model_lock(&p.full), model_reset_today(&p.full), model_unlock(&p.full);
	one_caller(&p, 2, 10, T0 + 3700, false); /* after the reset: one abandon, in a new queue */
	judge_both(&p);
	assert_same_alerts(&p.inc.st.alerts, &p.full.st.alerts, 1);
	bool total_sl = false;
	for (size_t i = 0; i < p.full.st.alerts.count; i++)
		total_sl |= p.full.st.alerts.items[i].scope == ALERT_SCOPE_TOTAL &&
		            p.full.st.alerts.items[i].rule == ALERT_RULE_SERVICE_LEVEL;
	assert_true(total_sl); /* 0 % since the reset */
	model_done(&p.inc);
	model_done(&p.full);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_incremental_equals_full),
	    cmocka_unit_test(test_reset_forgets_a_quiet_queue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
