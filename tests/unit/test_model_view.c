/* test_model_view.c: a reader's view copies only the lines and queues that changed since its
 * last view, and is then exactly what a full copy would be: random traffic on many lines and
 * queues, resets, expiry, evictions at the bound, a reader that looks after every step and one
 * that looks now and then. */
#include <stdlib.h>

#include "testlib.h"

#define LINES  300
#define QUEUES 40
#define STEPS  5000

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static int pick(int n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (int)(rng_state % (uint64_t)n);
}

static void line_event(struct model *m, const char *kind, int line, int call, int64_t t)
{
	char body[1024];
	struct ingest_result r;
	snprintf(body, sizeof body,
	         "{\"Event\":\"%s\",\"Service\":\"sip\",\"Ressource\":\"00339721%05d\","
	         "\"Timestamp\":%lld000000000,\"Data\":{\"CallId\":\"c%d-%d\",\"Calling\":"
	         "\"06%08d\",\"Called\":\"00339721%05d\",\"Ts\":\"%lld\"},"
	         "\"Details\":{\"Description\":\"Line %d\",\"Type\":\"sipCirpack\"}}",
	         kind, line, (long long)t, line, call, call, line, (long long)t, line);
	ingest_body(m, NULL, body, strlen(body), t * NS_PER_S, &r);
}

static void queue_event(struct model *m, const char *kind, int q, int member, int64_t t)
{
	char body[1024];
	struct ingest_result r;
	snprintf(body, sizeof body,
	         "{\"Event\":\"%s\",\"Service\":\"queues\",\"Ressource\":\"00339722%05d\","
	         "\"Timestamp\":%lld000000000,\"Data\":{\"QueueMemberUUID\":\"m%d-%d\","
	         "\"QueueMemberCIDNumber\":\"06%08d\",\"Agent\":\"003397210000%d\","
	         "\"QueueMemberJoinedTime\":\"%lld\",\"QueueCause\":\"Cancel\","
	         "\"QueueMemberLeavingTime\":\"%lld\",\"Ts\":\"%lld\"},"
	         "\"Details\":{\"Description\":\"Queue %d\",\"Type\":\"easyHunting\"}}",
	         kind, q, (long long)t, q, member, member, member % 3, (long long)(t - 20),
	         (long long)t, (long long)t, q);
	ingest_body(m, NULL, body, strlen(body), t * NS_PER_S, &r);
}

/* One queue of a view against the same queue of a full copy, arrays included. */
static void assert_same_queue(const struct queue *a, const struct queue *b, int step)
{
	struct queue x = *a, y = *b;
	x.members = y.members = NULL, x.agents = y.agents = NULL;
	x.cap_members = y.cap_members = x.cap_agents = y.cap_agents = 0;
	x.day.slots = y.day.slots = NULL;
	if (memcmp(&x, &y, sizeof x) != 0 ||
	    (a->nmembers && memcmp(a->members, b->members, a->nmembers * sizeof *a->members)) ||
	    (a->nagents && memcmp(a->agents, b->agents, a->nagents * sizeof *a->agents)) ||
	    (a->day.nslots &&
	     memcmp(a->day.slots, b->day.slots, a->day.nslots * sizeof *a->day.slots)))
		fail_msg("step %d: queue %s differs from a full copy", step, a->number);
}

static void assert_same_view(const struct model_state *v, const struct model_state *full, int step)
{
	assert_int_equal(v->nlines, full->nlines);
	assert_int_equal(v->nqueues, full->nqueues);
	for (size_t i = 0; i < v->nlines; i++)
		if (memcmp(&v->lines[i], &full->lines[i], sizeof v->lines[i]) != 0)
			fail_msg("step %d: line %s differs from a full copy", step,
			         v->lines[i].number);
	for (size_t i = 0; i < v->nqueues; i++)
		assert_same_queue(&v->queues[i], &full->queues[i], step);
}

static void test_view_copies_what_changed_and_equals_a_full_copy(void **state)
{
	(void)state;
	static struct model m;
	struct settings s;
	settings_defaults(&s);
	s.max_lines = LINES - 20; /* new lines at the bound evict idle ones */
	s.expiry_s = 120;
	assert_true(model_init(&m, &s));
	m.st.clock.replay = true;
	struct model_state eager = {0}, lazy = {0};
	uint64_t eager_seen = 0, lazy_seen = 0;
	int64_t t = T0;
	int copied_lazily = 0;
	for (int step = 0; step < STEPS; step++) {
		int what = pick(100);
		int line = pick(LINES), q = pick(QUEUES), k = pick(6);
		if (what < 30)
			line_event(&m, "start_ringing", line, k, t);
		else if (what < 45)
			line_event(&m, "start_calling", line, k, t);
		else if (what < 60)
			line_event(&m, "end_calling", line, k, t);
		else if (what < 75)
			queue_event(&m, "member-queue-start", q, k, t);
		else if (what < 85)
			queue_event(&m, "member-queue-end", q, k, t);
		else if (what < 86) {
			model_lock(&m), model_reset_today(&m), model_unlock(&m);
		} else {
			t += pick(30);
			model_lock(&m), model_tick(&m, t * NS_PER_S), model_unlock(&m);
		}
		struct model_state full = {0};
		uint64_t none = 0;
		assert_true(model_view(&m, &full, &none));
		model_view(&m, &eager, &eager_seen);
		assert_same_view(&eager, &full, step);
		if (pick(10) == 0) { /* a reader that looks now and then, many changes behind */
			model_view(&m, &lazy, &lazy_seen);
			assert_same_view(&lazy, &full, step);
			copied_lazily++;
		}
		state_free(&full);
	}
	assert_true(copied_lazily > STEPS / 20);
	assert_true(m.st.counters.evicted > 0); /* the bound was reached */
	state_free(&eager);
	state_free(&lazy);
	model_done(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_view_copies_what_changed_and_equals_a_full_copy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
