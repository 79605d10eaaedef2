/* The configuration file and --set: defaults, values, errors that name file, line and key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "settings.h"

static char path[64];

static const char *write_config(const char *text)
{
	snprintf(path, sizeof path, "/tmp/ctiboard-test-config-%d", (int)getpid());
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, 0600);
	return path;
}

static void test_defaults_follow_the_definitions(void **state)
{
	(void)state;
	struct settings s;
	settings_defaults(&s);
	assert_int_equal(s.sl_target_s, 20);
	assert_int_equal(s.sl_formula, SL_PENALISE_ABANDONS);
	assert_int_equal(s.short_abandon_s, 5);
	assert_int_equal(s.expiry_s, 4 * 3600);
	assert_int_equal(s.shift_start_min, 0);
	assert_string_equal(s.url, "https://events.voip.ovh.net/");
	assert_true(s.journal);
	assert_true(s.color);
	assert_int_equal(s.backoff_base_ms, 1000);
	assert_int_equal(s.backoff_cap_ms, 60000);
}

static void test_a_file_sets_values(void **state)
{
	(void)state;
	struct settings s;
	char err[256];
	settings_defaults(&s);
	write_config("# supervisor settings\n"
	             "sl_target_s = 30\n"
	             "  sl_formula=answered_only  \n"
	             "\n"
	             "shift_start = 06:30\n"
	             "names_file = \"/etc/ctiboard/names.csv\"\n"
	             "color = no\n"
	             "token = abcdefab-cdef-abcd-efab-cdefabcdefab\n"
	             "kiosk = locked\n");
	assert_true(settings_load(&s, path, true, err, sizeof err));
	assert_int_equal(s.sl_target_s, 30);
	assert_int_equal(s.sl_formula, SL_ANSWERED_ONLY);
	assert_int_equal(s.shift_start_min, 6 * 60 + 30);
	assert_string_equal(s.names_file, "/etc/ctiboard/names.csv");
	assert_false(s.color);
	assert_int_equal(s.ntokens, 1);
	assert_int_equal(s.kiosk, 2);
	unlink(path);
}

static void test_errors_name_file_line_and_key_and_apply_nothing(void **state)
{
	(void)state;
	struct settings s;
	char err[512], want[600];
	static const struct {
		const char *text, *message;
	} cases[] = {
	    {"sl_target_s = 30\ncolour = yes\n", ":2: unknown key 'colour'"},
	    {"sl_target_s = 30\n\nsl_target_s = soon\n",
	     ":3: sl_target_s: expected a whole number from 1 to 3600"},
	    {"sl_target_s = 30\nshift_start = 25:00\n", ":2: shift_start: expected HH:MM"},
	    {"sl_target_s = 30\njust words\n", ":2: expected key = value"},
	    {"sl_target_s = 30\nbell = maybe\n", ":2: bell: expected true or false"},
	    {"sl_target_s = 30\nsupervisor_number = call me\n",
	     ":2: supervisor_number: expected a phone number: digits, a leading + at most "
	     "(+33612345678, 0033612345678, 0612345678)"},
	    {"sl_target_s = 30\nsupervisor_number = 12\n",
	     ":2: supervisor_number: expected a phone number: digits, a leading + at most "
	     "(+33612345678, 0033612345678, 0612345678)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		settings_defaults(&s);
		write_config(cases[i].text);
		assert_false(settings_load(&s, path, true, err, sizeof err));
		snprintf(want, sizeof want, "%s%s", path, cases[i].message);
		assert_string_equal(err, want);
		assert_int_equal(s.sl_target_s, 20); /* nothing of a bad file is applied */
	}
	unlink(path);
}

static void test_a_bad_token_is_named_but_never_shown(void **state)
{
	(void)state;
	struct settings s;
	char err[512];
	settings_defaults(&s);
	write_config("token = SECRET-not-a-guid-123\n");
	assert_false(settings_load(&s, path, true, err, sizeof err));
	assert_non_null(strstr(err, ":1: token: not an OVH token"));
	assert_null(strstr(err, "SECRET"));
	unlink(path);
}

static void test_missing_file_is_fine_unless_named(void **state)
{
	(void)state;
	struct settings s;
	char err[512];
	settings_defaults(&s);
	assert_true(settings_load(&s, "/nonexistent/ctiboard.conf", false, err, sizeof err));
	assert_false(settings_load(&s, "/nonexistent/ctiboard.conf", true, err, sizeof err));
	assert_non_null(strstr(err, "/nonexistent/ctiboard.conf"));
}

static void test_set_checks_ranges(void **state)
{
	(void)state;
	struct settings s;
	char err[256];
	settings_defaults(&s);
	assert_string_equal(s.supervisor_number, ""); /* unset by default */
	assert_true(settings_set(&s, "supervisor_number", "+33 6 99 88 77 66", err, sizeof err));
	assert_string_equal(s.supervisor_number, "0033699887766"); /* the form OVH uses */
	assert_true(settings_set(&s, "supervisor_number", "0699887766", err, sizeof err));
	assert_string_equal(s.supervisor_number, "0033699887766");
	assert_false(settings_set(&s, "supervisor_number", "06-99", err, sizeof err));
	assert_true(settings_set(&s, "hold_s", "2", err, sizeof err));
	assert_int_equal(s.hold_s, 2);
	assert_false(settings_set(&s, "hold_s", "0", err, sizeof err));
	assert_false(settings_set(&s, "hold_s", "2x", err, sizeof err));
	assert_false(settings_set(&s, "nope", "1", err, sizeof err));
	assert_string_equal(err, "unknown key 'nope'");
	assert_true(settings_set(&s, "protocol", "v2", err, sizeof err));
	assert_true(s.protocol_v2);
}

/* queue.<number>.<key>: in the file and with --set, the number in any form; other queues
 * keep the general values. */
static void test_per_queue_values(void **state)
{
	(void)state;
	struct settings s;
	struct queue_rules r;
	char err[256];
	settings_defaults(&s);
	write_config("queue.0033972200000.sl_target_s = 30\n"
	             "queue.+33 9 72 20 00 00.alert_waiting_warn = 2\n"
	             "alert_waiting_crit = 8\n");
	assert_true(settings_load(&s, path, true, err, sizeof err));
	assert_true(settings_set(&s, "queue.0033972200001.alert_nobody_min", "5", err, sizeof err));
	settings_queue_rules(&s, "0033972200000", &r);
	assert_int_equal(r.sl_target_s, 30);
	assert_int_equal(r.alert_waiting_warn, 2);
	assert_int_equal(r.alert_waiting_crit, 8);
	assert_int_equal(r.alert_nobody_min, 15);
	settings_queue_rules(&s, "0033972200001", &r);
	assert_int_equal(r.sl_target_s, 20);
	assert_int_equal(r.alert_waiting_warn, 5);
	assert_int_equal(r.alert_nobody_min, 5);
	assert_int_equal(s.sl_target_s, 20); /* the general value is untouched */
	/* set again: replaced, not added */
	assert_true(settings_set(&s, "queue.0033972200000.sl_target_s", "40", err, sizeof err));
	settings_queue_rules(&s, "0033972200000", &r);
	assert_int_equal(r.sl_target_s, 40);
	assert_int_equal(s.nqueue_settings, 3);

	/* a value out of range, a key that is not per queue, no number: named */
	assert_false(settings_set(&s, "queue.0033972200000.sl_target_s", "0", err, sizeof err));
	assert_non_null(strstr(err, "sl_target_s: expected a whole number from 1 to 3600"));
	assert_false(settings_set(&s, "queue.0033972200000.url", "x", err, sizeof err));
	assert_non_null(strstr(err, "'url' cannot be set for one queue"));
	assert_false(settings_set(&s, "queue.sl_target_s", "30", err, sizeof err));
	assert_non_null(strstr(err, "expected queue.<number>.<key>"));
	/* a queue's name is not its number: it would match no queue, silently */
	assert_false(settings_set(&s, "queue.Support.sl_target_s", "30", err, sizeof err));
	assert_non_null(strstr(err, "'Support' is not a queue's number"));
	assert_true(settings_set(&s, "queue.+33 9 72 20 00 00.sl_target_s", "30", err, sizeof err));
}

/* A warning worse than its critical level is refused, in general and for one queue. */
static void test_inverted_thresholds_are_refused(void **state)
{
	(void)state;
	struct settings s;
	char err[256];
	settings_defaults(&s);
	write_config("alert_waiting_warn = 12\nalert_waiting_crit = 10\n");
	assert_false(settings_load(&s, path, true, err, sizeof err));
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "alert_waiting_warn = 12 is above alert_waiting_crit = 10"));
	assert_int_equal(s.alert_waiting_warn, 5); /* nothing applied */
	write_config("alert_sl_warn = 50\n");
	assert_false(settings_load(&s, path, true, err, sizeof err));
	assert_non_null(strstr(err, "alert_sl_warn = 50 is below alert_sl_crit = 60"));
	write_config("queue.0033972200000.alert_wait_crit_s = 30\n");
	assert_false(settings_load(&s, path, true, err, sizeof err));
	assert_non_null(strstr(
	    err, "queue.0033972200000.alert_wait_warn_s = 60 is above alert_wait_crit_s = 30"));
	/* a threshold at 0 is off: no order to keep */
	write_config("alert_waiting_crit = 0\nalert_sl_crit = 0\n");
	assert_true(settings_load(&s, path, true, err, sizeof err));
	/* --set is checked the same way once all are applied */
	assert_true(settings_set(&s, "alert_ring_warn_s", "50", err, sizeof err));
	assert_false(settings_check(&s, err, sizeof err));
	assert_non_null(strstr(err, "alert_ring_warn_s = 50 is above alert_ring_crit_s = 40"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults_follow_the_definitions),
	    cmocka_unit_test(test_a_file_sets_values),
	    cmocka_unit_test(test_errors_name_file_line_and_key_and_apply_nothing),
	    cmocka_unit_test(test_a_bad_token_is_named_but_never_shown),
	    cmocka_unit_test(test_missing_file_is_fine_unless_named),
	    cmocka_unit_test(test_set_checks_ranges),
	    cmocka_unit_test(test_per_queue_values),
	    cmocka_unit_test(test_inverted_thresholds_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
