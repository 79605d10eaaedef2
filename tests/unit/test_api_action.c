/* The supervisor's actions in words, bodies and journal lines; agents' status lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agent_status.h"
#include "api_action.h"

static struct api_action call_action(enum api_action_kind kind)
{
	struct api_action a = {.kind = kind, .queue_id = 7, .call_id = 1234};
	strcpy(a.service, "0033972200000");
	strcpy(a.caller, "0033612345678");
	strcpy(a.call_agent, "Alice");
	strcpy(a.who, "sup");
	if (kind != ACTION_HANGUP)
		strcpy(a.supervisor, "0033699887766");
	return a;
}

static void test_call_actions_have_the_reference_paths_and_bodies(void **state)
{
	(void)state;
	char body[256];
	struct api_action a = call_action(ACTION_LISTEN);
	api_action_body(&a, body, sizeof body);
	assert_string_equal(body, "{\"number\":\"0033699887766\"}");
	assert_string_equal(api_action_method(ACTION_LISTEN), "POST");
	assert_string_equal(api_action_verb(ACTION_LISTEN), "/eavesdrop");
	a = call_action(ACTION_WHISPER);
	api_action_body(&a, body, sizeof body);
	assert_string_equal(body, "{\"number\":\"0033699887766\",\"whisperingMode\":\"Whisper to "
	                          "agent only\"}");
	assert_string_equal(api_action_verb(ACTION_WHISPER), "/whisper");
	a = call_action(ACTION_HANGUP);
	api_action_body(&a, body, sizeof body);
	assert_string_equal(body, ""); /* no body at all */
	assert_string_equal(api_action_verb(ACTION_HANGUP), "/hangup");
	assert_true(api_action_on_call(ACTION_HANGUP));
	assert_false(api_action_on_call(ACTION_BREAK));
	assert_string_equal(api_action_method(ACTION_BREAK), "PUT");
	assert_string_equal(api_action_verb(ACTION_LOGOUT), "");
	assert_null(api_action_status(ACTION_LISTEN));
	assert_string_equal(api_action_status(ACTION_LOGOUT), "loggedOut");
}

static void test_call_actions_in_words_fit_80_columns(void **state)
{
	(void)state;
	char what[512];
	struct api_action a = call_action(ACTION_LISTEN);
	api_action_describe(&a, what, sizeof what);
	assert_string_equal(what, "listen to +33 6 12 34 56 78 with Alice on +33 6 99 88 77 66");
	a = call_action(ACTION_WHISPER);
	api_action_describe(&a, what, sizeof what);
	assert_string_equal(what,
	                    "whisper to Alice, with +33 6 12 34 56 78, from +33 6 99 88 77 66");
	assert_true(strlen(what) + 6 <= 80);
	a = call_action(ACTION_HANGUP);
	strcpy(a.caller, "anonymous");
	a.call_agent[0] = '\0';
	api_action_describe(&a, what, sizeof what);
	assert_string_equal(what, "hang up anonymous");
}

static void test_a_call_action_journal_line_says_who_what_and_the_answer(void **state)
{
	(void)state;
	struct api_action_result r = {
	    .seq = 1, .ok = true, .http = 200, .at_ns = 1764144000000000000};
	r.act = call_action(ACTION_WHISPER);
	strcpy(r.answer, "accepted (OVH task 1001, todo)");
	char *line = api_action_journal_line(&r);
	assert_non_null(line);
	assert_true(api_action_is_journal_line(line, strlen(line)));
	assert_false(agent_status_is_journal_line(line, strlen(line)));
	assert_non_null(strstr(line, "\"ctiboard\":\"action\",\"who\":\"sup\""));
	assert_non_null(strstr(line, "\"kind\":\"whisper\",\"queueId\":7,\"callId\":1234,"
	                             "\"caller\":\"0033612345678\",\"agent\":\"Alice\","
	                             "\"number\":\"0033699887766\""));
	assert_non_null(strstr(line, "\"at\":1764144000,\"ok\":true,\"http\":200"));
	assert_null(strstr(line, "\"status\"")); /* an agent's status is not a call's */
	free(line);
	r.act = call_action(ACTION_HANGUP);
	line = api_action_journal_line(&r);
	assert_non_null(strstr(line, "\"kind\":\"hangup\""));
	assert_null(strstr(line, "\"number\"")); /* hang up calls nobody */
	free(line);
}

static void test_agent_status_lines_are_written_and_read_back(void **state)
{
	(void)state;
	struct api_agent ag = {.agent_id = 42, .status_since_s = 1764140000};
	strcpy(ag.number, "0033972101011");
	strcpy(ag.name, "Alice");
	strcpy(ag.service, "0033972200000");
	strcpy(ag.status, "onBreak");
	strcpy(ag.break_reason, "Lunch");
	char *line = agent_status_journal_line(&ag, 1764144000);
	assert_non_null(line);
	assert_string_equal(line, "{\"ctiboard\":\"agent_status\",\"queue\":\"0033972200000\","
	                          "\"agent\":\"0033972101011\",\"name\":\"Alice\",\"agentId\":42,"
	                          "\"status\":\"onBreak\",\"reason\":\"Lunch\",\"t\":1764140000}");
	assert_false(api_action_is_journal_line(line, strlen(line)));
	struct agent_status_line out;
	assert_true(agent_status_parse(line, strlen(line), &out));
	assert_string_equal(out.agent, "0033972101011");
	assert_string_equal(out.queue, "0033972200000");
	assert_string_equal(out.status, "onBreak");
	assert_string_equal(out.reason, "Lunch");
	assert_int_equal(out.t_s, 1764140000);
	assert_int_equal(out.seen_s, 0);
	free(line);
	ag.status_since_s = 0; /* no lastStatusChange: when it was seen */
	line = agent_status_journal_line(&ag, 1764144000);
	assert_non_null(strstr(line, "\"t\":1764144000"));
	free(line);
	static const char journalled[] =
	    "{\"ctiboard\":\"agent_status\",\"agent\":\"0033972101011\",\"name\":\"\\u001b[2JX\","
	    "\"status\":\"waiting\",\"t\":1764140000,\"Received\":1764144000123456789}";
	assert_true(agent_status_parse(journalled, strlen(journalled), &out));
	assert_int_equal(out.seen_s, 1764144000);
	assert_null(strchr(out.name, '\x1b')); /* sanitised */
	static const char *const bad[] = {
	    "{\"ctiboard\":\"agent_status\",\"agent\":\"1\",\"status\":\"waiting\"}", /* no t */
	    "{\"ctiboard\":\"agent_status\",\"status\":\"waiting\",\"t\":5}",         /* no agent */
	    "{\"ctiboard\":\"agent_status\",\"agent\":\"1\",\"t\":5",                 /* not JSON */
	    "{\"ctiboard\":\"action\",\"agent\":\"1\",\"status\":\"waiting\",\"t\":5}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(agent_status_parse(bad[i], strlen(bad[i]), &out));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_call_actions_have_the_reference_paths_and_bodies),
	    cmocka_unit_test(test_call_actions_in_words_fit_80_columns),
	    cmocka_unit_test(test_a_call_action_journal_line_says_who_what_and_the_answer),
	    cmocka_unit_test(test_agent_status_lines_are_written_and_read_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
