/* test_metrics.c: the feed latency's histograms and percentiles, and the exposition text. */
#include "testlib.h"

#include "feedstats.h"
#include "jsonbuf.h"
#include "metrics.h"

#define MIN_NS (60 * NS_PER_S)

static struct event latency_event(int64_t received_ns, int64_t latency_ms)
{
	struct event ev;
	memset(&ev, 0, sizeof ev);
	ev.kind = EV_START_RINGING;
	ev.received_ns = received_ns;
	ev.timestamp_ns = received_ns - latency_ms * 1000000;
	return ev;
}

static void test_percentiles_of_the_last_minutes(void **state)
{
	(void)state;
	struct feed_stats fs = {0};
	int64_t now = T0 * NS_PER_S;
	/* 100 events at 100..10000 ms, one each: median about 5 s, p95 about 9.5 s */
	for (int i = 1; i <= 100; i++) {
		struct event ev = latency_event(now - (i % 4) * MIN_NS, i * 100);
		feed_stats_note(&fs, &ev, true);
	}
	int64_t p50 = feed_latency_ms(&fs, now, 0.5), p95 = feed_latency_ms(&fs, now, 0.95);
	assert_in_range(p50, 5000 * 88 / 100, 5000 * 112 / 100);
	assert_in_range(p95, 9500 * 88 / 100, 9500 * 112 / 100);
	assert_int_equal(fs.by_kind[EV_START_RINGING], 100);
	/* the histogram since start: cumulative, with sum and count */
	assert_int_equal(fs.latency_count, 100);
	assert_int_equal(fs.latency_le[0], 0);  /* <= 50 ms */
	assert_int_equal(fs.latency_le[4], 10); /* <= 1 s */
	assert_int_equal(fs.latency_le[7], 100);
	assert_int_equal(fs.latency_sum_ns, (int64_t)5050 * 100 * 1000000);
	/* ten minutes later the window is empty; the histogram is not */
	assert_int_equal(feed_latency_ms(&fs, now + 10 * MIN_NS, 0.5), -1);
	assert_int_equal(fs.latency_count, 100);
	/* not measured: counted by kind only */
	struct event ev = latency_event(now, 100);
	feed_stats_note(&fs, &ev, false);
	assert_int_equal(fs.latency_count, 100);
	assert_int_equal(fs.by_kind[EV_START_RINGING], 101);
	/* an event from the future counts as no delay */
	ev = latency_event(now, -5000);
	feed_stats_note(&fs, &ev, true);
	assert_int_equal(fs.latency_le[0], 1);
}

static void test_exposition_escapes_labels_and_prints_ratios_without_locale(void **state)
{
	(void)state;
	struct model m;
	model_setup(&m);
	char extra[256];
	const char *body = "{\"Event\":\"member-queue-start\",\"Service\":\"queues\","
	                   "\"Ressource\":\"" QUEUE "\",\"Timestamp\":1764151200000000000,"
	                   "\"Data\":{\"QueueMemberUUID\":\"m1\",\"Count\":\"1\"},"
	                   "\"Details\":{\"Description\":\"Sup\\\"port \\\\ A\"}}";
	struct ingest_result r;
	ingest_body(&m, NULL, body, strlen(body), T0 * NS_PER_S, &r);
	assert_int_equal(r.applied, 1);
	/* answered 9 s after joining (queue_ev names the queue "Support") */
	queue_ev(&m, "bridge-agent-start", 10, "m1", times(extra, sizeof extra, 1, 10, 0, 0));
	struct jsonbuf out = {0};
	struct metrics_figures f = {0};
	assert_true(metrics_collect(&f, &m.st, &m.set, NULL, (T0 + 20) * NS_PER_S));
	metrics_render(&out, &f);
	assert_false(out.failed);
	assert_non_null(strstr(out.data, "ctiboard_queue_calls_today{queue=\"" QUEUE
	                                 "\",name=\"Support\",outcome=\"answered\"} 1\n"));
	assert_non_null(strstr(out.data, "ctiboard_queue_service_level_ratio{queue=\"" QUEUE
	                                 "\",name=\"Support\"} 1.000\n"));
	jsonbuf_free(&out);
	model_done(&m);

	model_setup(&m);
	ingest_body(&m, NULL, body, strlen(body), T0 * NS_PER_S, &r);
	assert_true(metrics_collect(&f, &m.st, &m.set, NULL, T0 * NS_PER_S));
	metrics_render(&out, &f);
	assert_non_null(strstr(out.data, "name=\"Sup\\\"port \\\\ A\""));
	assert_non_null(strstr(out.data, "# TYPE ctiboard_feed_latency_seconds histogram\n"));
	assert_non_null(strstr(out.data, "ctiboard_feed_latency_seconds_bucket{le=\"0.05\"} 0\n"));
	assert_non_null(strstr(out.data, "ctiboard_feed_latency_seconds_bucket{le=\"+Inf\"} 0\n"));
	assert_non_null(strstr(out.data, "ctiboard_feed_latency_seconds_sum 0.000000000\n"));
	assert_non_null(strstr(out.data, "ctiboard_events_total{kind=\"member-queue-start\"} 1\n"));
	/* no data yet: no service-level sample rather than a made-up one */
	assert_null(strstr(out.data, "ctiboard_queue_service_level_ratio{"));
	jsonbuf_free(&out);
	metrics_figures_free(&f);
	model_done(&m);
}

/* Where the API (or the demo) gives live statuses, the metrics count them as the views do;
 * open callbacks are counted as the header counts them, short abandons apart. */
static void test_agents_and_callbacks_counted_as_the_screen_counts_them(void **state)
{
	(void)state;
	struct model m;
	model_setup(&m);
	char extra[256];
	/* an agent the events name, with no status of its own */
	queue_ev(&m, "member-queue-start", 0, "m1", "");
	queue_ev(&m, "bridge-agent-start", 10, "m1", times(extra, sizeof extra, 1, 10, 0, 0));
	queue_ev(&m, "bridge-agent-end", 20, "m1", times(extra, sizeof extra, 1, 10, 20, 0));
	assert_true(m.st.nqueues == 1 && m.st.queues[0].nagents > 0);
	static const char *const statuses[] = {"waiting", "waiting", "onBreak", "inAQueueCall"};
	for (size_t i = 0; i < 4; i++) {
		struct api_agent *a = &m.st.api.agents[m.st.api.nagents++];
		snprintf(a->number, sizeof a->number, "003310000000%zu", i);
		snprintf(a->service, sizeof a->service, "%s", QUEUE);
		snprintf(a->status, sizeof a->status, "%s", statuses[i]);
		a->have_status = true;
	}
	m.st.api.simulated = true;
	assert_true(callbacks_left(&m.st.callbacks, QUEUE, "0611111111", "", T0, 60, CB_ABANDONED));
	for (int i = 0; i < 3; i++) {
		char number[16];
		snprintf(number, sizeof number, "062222222%d", i);
		assert_true(
		    callbacks_left(&m.st.callbacks, QUEUE, number, "", T0, 2, CB_SHORT_ABANDONED));
	}
	struct jsonbuf out = {0};
	struct metrics_figures f = {0};
	assert_true(metrics_collect(&f, &m.st, &m.set, NULL, (T0 + 30) * NS_PER_S));
	metrics_render(&out, &f);
	assert_false(out.failed);
	const char *want[] = {"available\"} 2\n", "on_call\"} 1\n", "on_break\"} 1\n",
	                      "logged_out\"} 0\n"};
	for (size_t i = 0; i < 4; i++) {
		char line[256];
		snprintf(line, sizeof line,
		         "ctiboard_queue_agents{queue=\"%s\",name=\"Support\",status=\"%s", QUEUE,
		         want[i]);
		assert_non_null(strstr(out.data, line));
	}
	assert_null(strstr(out.data, "status=\"unknown\""));
	assert_non_null(strstr(out.data, "\nctiboard_callbacks_open 1\n"));
	assert_non_null(strstr(out.data, "\nctiboard_callbacks_open_short_abandons 3\n"));
	jsonbuf_free(&out);

	/* without live statuses: what the events say */
	m.st.api.nagents = 0;
	assert_true(metrics_collect(&f, &m.st, &m.set, NULL, (T0 + 30) * NS_PER_S));
	metrics_render(&out, &f);
	assert_non_null(strstr(out.data, "ctiboard_queue_agents{queue=\"" QUEUE "\""));
	assert_null(strstr(out.data, "status=\"available\""));
	jsonbuf_free(&out);
	metrics_figures_free(&f);
	model_done(&m);
}

static void test_listen_addresses(void **state)
{
	(void)state;
	char host[64], port[8], err[128];
	assert_true(
	    metrics_parse_listen("9464", host, sizeof host, port, sizeof port, err, sizeof err));
	assert_string_equal(host, "127.0.0.1");
	assert_string_equal(port, "9464");
	assert_true(
	    metrics_parse_listen(":9464", host, sizeof host, port, sizeof port, err, sizeof err));
	assert_string_equal(host, "127.0.0.1");
	assert_true(metrics_parse_listen("0.0.0.0:80", host, sizeof host, port, sizeof port, err,
	                                 sizeof err));
	assert_string_equal(host, "0.0.0.0");
	assert_true(metrics_parse_listen("[::1]:9464", host, sizeof host, port, sizeof port, err,
	                                 sizeof err));
	assert_string_equal(host, "::1");
	assert_false(metrics_parse_listen("::1:9464", host, sizeof host, port, sizeof port, err,
	                                  sizeof err));
	assert_false(
	    metrics_parse_listen("host:", host, sizeof host, port, sizeof port, err, sizeof err));
	assert_false(
	    metrics_parse_listen("70000", host, sizeof host, port, sizeof port, err, sizeof err));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_percentiles_of_the_last_minutes),
	    cmocka_unit_test(test_exposition_escapes_labels_and_prints_ratios_without_locale),
	    cmocka_unit_test(test_agents_and_callbacks_counted_as_the_screen_counts_them),
	    cmocka_unit_test(test_listen_addresses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
