/* Parsing bodies: every shape, every kind, big integers, bad input. */
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_bigint.h"
#include "testlib.h"

#define MAX_SEEN 16

struct seen {
	struct event ev[MAX_SEEN];
	int n;
};

static void keep(const struct event *ev, void *ctx)
{
	struct seen *s = ctx;
	if (s->n < MAX_SEEN)
		s->ev[s->n++] = *ev;
}

static struct ingest_result parse(const char *body, struct seen *s)
{
	struct ingest_result r;
	memset(s, 0, sizeof *s);
	ingest_parse(body, strlen(body), 42, keep, s, &r);
	return r;
}

/* The protocol page's sample of a line ringing. */
static const char ringing[] =
    "{\"Session\":\"k3j4\",\"Message\":\"\",\"Events\":[{\"Event\":\"start_ringing\",\"Token\":"
    "\"ABCDEFAB-CDEF-ABCD-EFAB-CDEFABCDEFAB\",\"Service\":\"sip\",\"Ressource\":"
    "\"0033972101010\",\"Timestamp\":1764151200123456789,\"Date\":\"2025-11-26T11:00:00.123456 "
    "(CET)\",\"Data\":{\"Billing\":\"0033972101010\",\"Body\":\"SIP/2.0 180 Ringing\",\"CallId\":"
    "\"a84c1e-77-sip4.ovh.fr\",\"Called\":\"0033972101010\",\"Calling\":\"0033612121212\",\"Cseq\":"
    "\"102 INVITE\",\"Dialed\":\"0033972101010\",\"Event\":\"start_ringing\",\"Protocol\":\"sip\","
    "\"RelevantInfo\":\"\",\"Ts\":\"1764151200.123\",\"TsGet\":1764151200125000000},\"Details\":"
    "{\"Description\":\"Accueil\",\"Id\":\"3001\",\"IdBillingAccount\":\"77\",\"SimultaneousLine\":"
    "\"2\",\"Type\":\"sipCirpack\"}}]}";

static void test_v1_envelope_gives_session_and_exact_timestamp(void **state)
{
	(void)state;
	struct seen s;
	struct ingest_result r = parse(ringing, &s);
	assert_true(r.parsed);
	assert_true(r.has_session);
	assert_string_equal(r.session, "k3j4");
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ev[0].kind, EV_START_RINGING);
	assert_true(s.ev[0].timestamp_ns == INT64_C(1764151200123456789));
	assert_true(s.ev[0].ts_ns == INT64_C(1764151200123000000));
	assert_string_equal(s.ev[0].resource, "0033972101010");
	assert_string_equal(s.ev[0].call_id, "a84c1e-77-sip4.ovh.fr");
	assert_string_equal(s.ev[0].calling, "0033612121212");
	assert_string_equal(s.ev[0].description, "Accueil");
	assert_int_equal(s.ev[0].simultaneous, 2);
	assert_false(s.ev[0].is_queue);
}

static void test_bare_event_and_v2_array_are_accepted(void **state)
{
	(void)state;
	struct seen s;
	struct ingest_result r = parse("{\"Event\":\"registered\",\"Ressource\":\"0033972101010\","
	                               "\"Timestamp\":1764151200000000001,\"Data\":{}}",
	                               &s);
	assert_true(r.parsed);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ev[0].kind, EV_REGISTERED);
	assert_true(s.ev[0].timestamp_ns == INT64_C(1764151200000000001));

	r = parse(
	    "[{\"event\":\"start_calling\",\"ressource\":\"0033972101010\",\"service\":\"sip\","
	    "\"timestamp\":1764151200000000002,\"data\":{\"callid\":\"c1\",\"calling\":"
	    "\"0611111111\",\"called\":\"0033972101010\"}},"
	    "{\"event\":\"members-count\",\"ressource\":\"0033972200000\",\"service\":"
	    "\"queues\",\"data\":{\"Count\":\"3\"}}]",
	    &s);
	assert_true(r.parsed);
	assert_int_equal(r.malformed, 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.ev[0].kind, EV_START_CALLING);
	assert_string_equal(s.ev[0].calling, "0033611111111");
	assert_int_equal(s.ev[1].kind, EV_MEMBERS_COUNT);
	assert_int_equal(s.ev[1].count, 3);
}

static void test_missing_or_null_events_is_an_empty_batch(void **state)
{
	(void)state;
	struct seen s;
	struct ingest_result r = parse("{\"Session\":\"a\",\"Message\":\"\"}", &s);
	assert_true(r.parsed);
	assert_int_equal(r.events, 0);
	assert_int_equal(r.malformed, 0);
	assert_string_equal(r.session, "a");
	r = parse("{\"Session\":\"b\",\"Events\":null}", &s);
	assert_true(r.parsed);
	assert_int_equal(r.events, 0);
	r = parse("{\"Session\":\"b\",\"Events\":[]}", &s);
	assert_true(r.parsed);
	assert_int_equal(r.events, 0);
}

static void test_bodies_that_are_not_events_are_malformed(void **state)
{
	(void)state;
	struct seen s;
	static const char *const bad[] = {
	    "<html><body>502 Bad Gateway</body></html>",
	    "",
	    "{\"Session\":\"x\",\"Events\":[{\"Event\":\"start_ringing\"", /* truncated */
	    "42",
	    "{\"hello\":\"world\"}",
	    "{\"Session\":\"x\",\"Events\":\"nope\"}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct ingest_result r = parse(bad[i], &s);
		assert_false(r.parsed);
		assert_int_equal(r.malformed, 1);
		assert_int_equal(s.n, 0);
		assert_true(r.error[0] != '\0');
	}
}

static void test_every_kind_and_spelling_is_known(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		enum event_kind kind;
	} kinds[] = {
	    {"start_ringing", EV_START_RINGING},
	    {"start_calling", EV_START_CALLING},
	    {"end_ringing", EV_END_RINGING},
	    {"end_calling", EV_END_CALLING},
	    {"registered", EV_REGISTERED},
	    {"start_hold", EV_START_HOLD},
	    {"end_hold", EV_END_HOLD},
	    {"member-queue-start", EV_MEMBER_QUEUE_START},
	    {"members-count", EV_MEMBERS_COUNT},
	    {"member-count", EV_MEMBERS_COUNT},
	    {"agent-offering", EV_AGENT_OFFERING},
	    {"bridge-agent-start", EV_BRIDGE_AGENT_START},
	    {"bridge-agent-fail", EV_BRIDGE_AGENT_FAIL},
	    {"bridge-agent-failed", EV_BRIDGE_AGENT_FAIL},
	    {"bridge-agent-end", EV_BRIDGE_AGENT_END},
	    {"member-queue-end", EV_MEMBER_QUEUE_END},
	    {"member-queue-resume", EV_MEMBER_QUEUE_RESUME},
	    {"agent-status-change", EV_AGENT_STATUS_CHANGE},
	    {"agent-state-change", EV_AGENT_STATE_CHANGE},
	    {"agent-max-no-answer", EV_UNKNOWN},
	    {"", EV_UNKNOWN},
	};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		assert_int_equal(event_kind_from_name(kinds[i].name), kinds[i].kind);
}

static void test_wrong_types_and_missing_keys_are_malformed_alone(void **state)
{
	(void)state;
	struct model m;
	model_setup(&m);
	const char *body =
	    "{\"Session\":\"s\",\"Events\":["
	    "{\"Event\":\"start_ringing\",\"Ressource\":\"0033972101010\",\"Timestamp\":1,"
	    "\"Data\":\"oops\"},"
	    "{\"Event\":\"start_ringing\",\"Ressource\":\"0033972101010\",\"Timestamp\":2,"
	    "\"Data\":{\"CallId\":\"c1\",\"Calling\":\"0611111111\"}},"
	    "{\"Event\":\"start_ringing\",\"Ressource\":\"0033972101010\",\"Timestamp\":3,"
	    "\"Data\":{\"Calling\":\"0611111111\"}},"
	    "{\"Event\":\"member-queue-start\",\"Ressource\":\"0033972200000\",\"Timestamp\":4,"
	    "\"Data\":{\"Count\":\"1\"}},"
	    "{\"Event\":\"members-count\",\"Ressource\":\"0033972200000\",\"Timestamp\":5,"
	    "\"Data\":{\"Count\":{}}},"
	    "{\"Ressource\":\"0033972200000\"},"
	    "{\"Event\":\"start_ringing\",\"Timestamp\":6,\"Data\":{\"CallId\":\"c2\"}},"
	    "{\"Event\":\"start_ringing\",\"Ressource\":\"0033972101010\",\"Timestamp\":\"soon\","
	    "\"Data\":{\"CallId\":\"c3\"}}"
	    "]}";
	struct ingest_result r;
	ingest_body(&m, NULL, body, strlen(body), 0, &r);
	assert_true(r.parsed);
	assert_int_equal(r.events, 8);
	assert_int_equal(r.malformed, 7);
	assert_int_equal(r.applied, 1);
	assert_int_equal(m.st.counters.malformed, 7);
	assert_int_equal(m.st.ncalls, 1);
	assert_string_equal(m.st.calls[0].id, "c1");
	assert_int_equal(m.st.nqueues, 0); /* nothing of a malformed event is applied */
	model_done(&m);
}

static void test_unknown_kinds_are_kept_and_counted(void **state)
{
	(void)state;
	struct model m;
	model_setup(&m);
	const char *body = "{\"Event\":\"agent-max-no-answer\",\"Service\":\"queues\","
	                   "\"Ressource\":\"0033972200000\",\"Timestamp\":1764151200000000000,"
	                   "\"Data\":{\"Agent\":\"0033972101011\"}}";
	struct ingest_result r;
	ingest_body(&m, NULL, body, strlen(body), 0, &r);
	assert_int_equal(r.malformed, 0);
	assert_int_equal(r.unknown, 1);
	assert_int_equal(m.st.counters.unknown, 1);
	assert_int_equal(m.st.log_count, 1);
	assert_string_equal(m.st.log[0].kind_name, "agent-max-no-answer");
	model_done(&m);
}

static void test_ts_as_number_or_string_is_the_same(void **state)
{
	(void)state;
	struct seen a, b;
	parse("{\"Event\":\"start_calling\",\"Ressource\":\"1\",\"Data\":{\"CallId\":\"c\","
	      "\"Ts\":1564687684.230}}",
	      &a);
	parse("{\"Event\":\"start_calling\",\"Ressource\":\"1\",\"Data\":{\"CallId\":\"c\","
	      "\"Ts\":\"1564687684.230\"}}",
	      &b);
	assert_int_equal(a.n, 1);
	assert_int_equal(b.n, 1);
	assert_true(a.ev[0].ts_ns == INT64_C(1564687684230000000));
	assert_true(a.ev[0].ts_ns == b.ev[0].ts_ns);
	assert_true(event_time_ns(&a.ev[0]) == INT64_C(1564687684230000000));
}

static void test_parsing_is_the_same_with_a_decimal_comma_locale(void **state)
{
	(void)state;
	struct seen s;
	const char *fr = setlocale(LC_NUMERIC, "fr_FR.UTF-8");
	if (getenv("CTIBOARD_TEST_LOCALE"))
		assert_non_null(fr);
	parse("{\"Event\":\"start_calling\",\"Ressource\":\"1\",\"Data\":{\"CallId\":\"c\","
	      "\"Ts\":1564687684.230}}",
	      &s);
	assert_int_equal(s.n, 1);
	assert_true(s.ev[0].ts_ns == INT64_C(1564687684230000000));
	parse(ringing, &s);
	assert_true(s.ev[0].ts_ns == INT64_C(1764151200123000000));
	setlocale(LC_NUMERIC, "C");
}

static void test_hostile_strings_are_sanitised_at_ingest(void **state)
{
	(void)state;
	struct seen s;
	parse("{\"Event\":\"member-queue-start\",\"Ressource\":\"0033972200000\",\"Data\":{"
	      "\"QueueMemberUUID\":\"u\\u001b[31m\",\"QueueMemberCIDName\":\"\\u001b]0;"
	      "x\\u0007Eve\\u009b"
	      "\\u202e\",\"QueueMemberCIDNumber\":\"06\\r\\n11\"},\"Details\":{\"Description\":"
	      "\"\\u001b[2JSupport\\u0000hidden\"}}",
	      &s);
	assert_int_equal(s.n, 1);
	assert_null(strchr(s.ev[0].member_uuid, '\x1b'));
	assert_null(strchr(s.ev[0].member_name, '\x1b'));
	assert_null(strchr(s.ev[0].member_name, '\x07'));
	assert_null(strstr(s.ev[0].member_name, "\xc2\x9b"));
	assert_null(strstr(s.ev[0].member_name, "\xe2\x80\xae"));
	assert_null(strchr(s.ev[0].member_number, '\r'));
	assert_string_equal(s.ev[0].description, " [2JSupport");
	char longname[600] = "{\"Event\":\"member-queue-start\",\"Ressource\":\"1\",\"Data\":{"
	                     "\"QueueMemberUUID\":\"u\",\"QueueMemberCIDName\":\"";
	size_t n = strlen(longname);
	memset(longname + n, 'x', 400);
	strcpy(longname + n + 400, "\"}}");
	parse(longname, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(strlen(s.ev[0].member_name), TEXT_MAX - 1);
}

static void test_big_integers_are_quoted_outside_strings_only(void **state)
{
	(void)state;
	size_t n;
	const char *in =
	    "{\"a\":1764151200123456789,\"b\":\"1764151200123456789\",\"c\":12,"
	    "\"d\":1.7641512001234568e18,\"e\":[1234567890123456],\"f\":\"x\\\"9999999999999999\"}";
	char *out = json_quote_big_integers(in, strlen(in), &n);
	assert_string_equal(out,
	                    "{\"a\":\"1764151200123456789\",\"b\":\"1764151200123456789\","
	                    "\"c\":12,\"d\":1.7641512001234568e18,\"e\":[\"1234567890123456\"],"
	                    "\"f\":\"x\\\"9999999999999999\"}");
	assert_int_equal(n, strlen(out));
	free(out);
	/* long digit runs inside a fraction or an exponent stay as they are: still valid JSON */
	in = "{\"a\":0.30000000000000004,\"b\":1e1234567890123456,\"c\":-1234567890123456}";
	out = json_quote_big_integers(in, strlen(in), &n);
	assert_string_equal(out, in);
	free(out);
	/* strings skipped a word at a time: escapes on either side of a word's end, digits in
	 * long strings, and a text cut just after a backslash */
	in = "[\"0123456\\\\\",12345678901234567,\"abcdefg\\\"1234567890123456789\","
	     "1234567890123456]";
	out = json_quote_big_integers(in, strlen(in), &n);
	assert_string_equal(
	    out, "[\"0123456\\\\\",\"12345678901234567\",\"abcdefg\\\"1234567890123456789\","
	         "\"1234567890123456\"]");
	free(out);
	in = "{\"a\":\"abcdefghijklmnop\\";
	out = json_quote_big_integers(in, strlen(in), &n);
	assert_string_equal(out, in);
	free(out);
	struct seen s;
	struct ingest_result r = parse("{\"Event\":\"start_calling\",\"Ressource\":\"1\",\"Data\":{"
	                               "\"CallId\":\"c\",\"Ts\":1564687684.2300000000000001}}",
	                               &s);
	assert_int_equal(r.malformed, 0);
	assert_int_equal(s.n, 1);
}

/* The pre-pass looks at words of digits only when the text has no backslash: it must quote
 * what the scan of every byte quotes, whatever the alignment of a run, the quotes before it,
 * the signs, points and exponents around it, or the number of big integers in a text. */
static void test_big_integers_found_by_words_as_by_bytes(void **state)
{
	(void)state;
	static const char alphabet[] = "\"01234567899999.eE-+ ,:[]{}a";
	char text[256];
	uint32_t seed = 1;
	for (int round = 0; round < 200000; round++) {
		size_t len = (size_t)(round % 200);
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			unsigned r = (seed >> 8) % 100;
			text[i] = r < 85 ? (char)('0' + (seed >> 20) % 10)
			                 : alphabet[(seed >> 16) % (sizeof alphabet - 1)];
		}
		size_t n1, n2;
		char *fast = json_quote_big_integers(text, len, &n1);
		char *bytes = json_quote_big_integers_bytewise(text, len, &n2);
		assert_int_equal(n1, n2);
		assert_memory_equal(fast, bytes, n1 + 1);
		free(fast);
		free(bytes);
	}
	/* more big integers than the word scan notes: all quoted still */
	char many[2048] = "[";
	for (int i = 0; i < 40; i++)
		strcat(many, i ? ",12345678901234567" : "12345678901234567");
	strcat(many, "]");
	size_t n;
	char *out = json_quote_big_integers(many, strlen(many), &n);
	assert_int_equal(n, strlen(many) + 80);
	assert_non_null(strstr(out, ",\"12345678901234567\"]"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_v1_envelope_gives_session_and_exact_timestamp),
	    cmocka_unit_test(test_bare_event_and_v2_array_are_accepted),
	    cmocka_unit_test(test_missing_or_null_events_is_an_empty_batch),
	    cmocka_unit_test(test_bodies_that_are_not_events_are_malformed),
	    cmocka_unit_test(test_every_kind_and_spelling_is_known),
	    cmocka_unit_test(test_wrong_types_and_missing_keys_are_malformed_alone),
	    cmocka_unit_test(test_unknown_kinds_are_kept_and_counted),
	    cmocka_unit_test(test_ts_as_number_or_string_is_the_same),
	    cmocka_unit_test(test_parsing_is_the_same_with_a_decimal_comma_locale),
	    cmocka_unit_test(test_hostile_strings_are_sanitised_at_ingest),
	    cmocka_unit_test(test_big_integers_are_quoted_outside_strings_only),
	    cmocka_unit_test(test_big_integers_found_by_words_as_by_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
