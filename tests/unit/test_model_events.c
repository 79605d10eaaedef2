/* Events the other suites leave out: agents' status and state, an answer known only from
 * member-queue-end, the duplicate filter's generations, and a paced replay. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "journal.h"
#include "testlib.h"

#define JOINED   1
#define ANSWERED 21
#define LEFT     31

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

static const struct agent *the_agent(const struct model *m)
{
	const struct queue *q = state_find_queue(&m->st, QUEUE);
	assert_non_null(q);
	for (size_t i = 0; i < q->nagents; i++)
		if (strcmp(q->agents[i].number, AGENT) == 0)
			return &q->agents[i];
	fail_msg("agent %s not in queue %s", AGENT, QUEUE);
	abort(); /* not reached: fail_msg ends the test */
}

static void test_agent_status_and_state_events_set_the_status(void **state)
{
	struct model *m = *state;
	struct ingest_result r =
	    queue_ev(m, "agent-status-change", 5, "", ",\"QueueAgentStatus\":\"available\"");
	assert_int_equal(r.applied, 1);
	assert_string_equal(the_agent(m)->status, "available");

	r = queue_ev(m, "agent-state-change", 6, "", ",\"QueueAgentState\":\"on-break\"");
	assert_int_equal(r.applied, 1);
	assert_string_equal(the_agent(m)->status, "on-break");

	/* an event without a status keeps the last one known, and neither makes a caller */
	queue_ev(m, "agent-status-change", 7, "", "");
	assert_string_equal(the_agent(m)->status, "on-break");
	const struct queue *q = state_find_queue(&m->st, QUEUE);
	assert_int_equal(q->nmembers, 0);
	assert_int_equal(q->today.offered, 0);
}

static void test_answer_known_only_from_member_queue_end(void **state)
{
	struct model *m = *state;
	char t[256], extra[512];
	queue_ev(m, "member-queue-start", JOINED, "u1", times(t, sizeof t, JOINED, 0, 0, 0));
	/* no agent-offering nor bridge-agent-start: the end alone says who answered and when */
	snprintf(extra, sizeof extra, ",\"QueueCause\":\"Terminated\"%s",
	         times(t, sizeof t, JOINED, ANSWERED, LEFT, 0));
	struct ingest_result r = queue_ev(m, "member-queue-end", LEFT, "u1", extra);
	assert_int_equal(r.applied, 1);

	const struct queue *q = state_find_queue(&m->st, QUEUE);
	assert_non_null(q);
	assert_int_equal(q->today.offered, 1);
	assert_int_equal(q->today.answered, 1);
	assert_int_equal(q->today.abandoned + q->today.short_abandoned + q->today.timed_out, 0);
	assert_int_equal(q->today.wait_total_s, ANSWERED - JOINED);
	assert_int_equal(q->nmembers, 0);
	assert_int_equal(the_agent(m)->taken_today, 1);
}

/* A registered event of the line, told apart from the others by its CallId. */
static struct ingest_result numbered(struct model *m, const char *prefix, int i)
{
	char id[32];
	snprintf(id, sizeof id, "%s%d", prefix, i);
	return line_ev(m, "registered", 0, id, LINE, LINE);
}

static void test_duplicate_filter_forgets_after_two_generations(void **state)
{
	struct model *m = *state;
	assert_int_equal(numbered(m, "first", 0).applied, 1);
	/* a whole generation later the event is in the older generation, still known */
	for (int i = 0; i < DEDUP_GENERATION; i++)
		assert_int_equal(numbered(m, "a", i).applied, 1);
	struct ingest_result r = numbered(m, "first", 0);
	assert_int_equal(r.duplicates, 1);
	assert_int_equal(r.applied, 0);
	/* two more generations: the one that held it is gone, so it counts again */
	for (int i = 0; i < 2 * DEDUP_GENERATION; i++)
		assert_int_equal(numbered(m, "b", i).applied, 1);
	r = numbered(m, "first", 0);
	assert_int_equal(r.duplicates, 0);
	assert_int_equal(r.applied, 1);
	assert_int_equal(m->st.counters.duplicates, 1);
}

/* ---- replay at a speed above 0 ---- */

#define HOUR_S 3600

/* A journal of two events an hour apart: the line registers, then a call rings. */
static void write_two_events(char *path, size_t size)
{
	snprintf(path, size, "/tmp/ctiboard-test-replay-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	assert_non_null(f);
	const char *kinds[2] = {"registered", "start_ringing"};
	for (int i = 0; i < 2; i++)
		fprintf(
		    f,
		    "{\"Event\":\"%s\",\"Service\":\"sip\",\"Ressource\":\"%s\","
		    "\"Timestamp\":%lld000000000,\"Data\":{\"CallId\":\"c1\",\"Calling\":\"%s\","
		    "\"Called\":\"%s\"}}\n",
		    kinds[i], LINE, (long long)(T0 + i * HOUR_S), "0611111111", LINE);
	assert_int_equal(fclose(f), 0);
}

struct replay_run {
	struct model *m;
	const char *path;
	double speed;
	atomic_bool stop;
	bool ok;
	struct replay_result res;
};

static void *replay_main(void *arg)
{
	struct replay_run *run = arg;
	char err[256];
	run->ok = journal_replay(run->m, run->path, run->speed, &run->stop, false, &run->res, err,
	                         sizeof err);
	return NULL;
}

static uint64_t applied_events(struct model *m)
{
	model_lock(m);
	uint64_t n = m->st.counters.events;
	model_unlock(m);
	return n;
}

static void test_replay_paced_by_event_times(void **state)
{
	struct model *m = *state;
	char path[64];
	write_two_events(path, sizeof path);

	/* at speed 1 the second event is an hour away: the replay applies the first, then waits
	 * for it, and a stop ends the wait without applying it */
	struct replay_run run = {.m = m, .path = path, .speed = 1.0};
	atomic_init(&run.stop, false);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, replay_main, &run), 0);
	for (int i = 0; i < 2000 && applied_events(m) < 1; i++) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	assert_int_equal(applied_events(m), 1);
	atomic_store(&run.stop, true);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_true(run.ok);
	assert_int_equal(applied_events(m), 1);
	assert_int_equal(m->st.ncalls, 0);

	/* fast enough that the hour takes a few microseconds: everything is applied */
	struct model fresh;
	memset(&fresh, 0, sizeof fresh);
	model_setup(&fresh);
	struct replay_run fast = {.m = &fresh, .path = path, .speed = 1e9};
	atomic_init(&fast.stop, false);
	assert_int_equal(pthread_create(&th, NULL, replay_main, &fast), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_true(fast.ok);
	assert_int_equal(fast.res.lines, 2);
	assert_int_equal(applied_events(&fresh), 2);
	assert_int_equal(fresh.st.ncalls, 1);
	model_done(&fresh);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_agent_status_and_state_events_set_the_status,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_answer_known_only_from_member_queue_end, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_duplicate_filter_forgets_after_two_generations,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_replay_paced_by_event_times, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
