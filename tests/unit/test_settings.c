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
	assert_true(settings_set(&s, "hold_s", "2", err, sizeof err));
	assert_int_equal(s.hold_s, 2);
	assert_false(settings_set(&s, "hold_s", "0", err, sizeof err));
	assert_false(settings_set(&s, "hold_s", "2x", err, sizeof err));
	assert_false(settings_set(&s, "nope", "1", err, sizeof err));
	assert_string_equal(err, "unknown key 'nope'");
	assert_true(settings_set(&s, "protocol", "v2", err, sizeof err));
	assert_true(s.protocol_v2);
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
