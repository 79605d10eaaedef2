/* test_hookfmt.c: URL templates, argument vectors, environments and bodies of the hooks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <cmocka.h>

#include "hookfmt.h"

static const char *const names[] = {"caller", "caller_name", "line", "since"};
#define NNAMES 4

static struct hook_fields fields(void)
{
	struct hook_fields f = {0};
	hook_field_set(&f, "caller", "0033612345678", false);
	hook_field_set(&f, "caller_name", "A&B =\"c\" #d/e?f %g +h", false);
	hook_field_set(&f, "line", "", false);
	hook_field_set(&f, "since", "1764151200", true);
	return f;
}

static void test_url_template_values_are_url_encoded(void **state)
{
	(void)state;
	struct hook_fields f = fields();
	char *url =
	    hook_url_expand("https://crm.example/s?p={caller}&n={caller_name}&l={line}", &f);
	assert_string_equal(url, "https://crm.example/s?p=0033612345678"
	                         "&n=A%26B%20%3D%22c%22%20%23d%2Fe%3Ff%20%25g%20%2Bh&l=");
	free(url);
}

static void test_url_templates_are_checked(void **state)
{
	(void)state;
	char err[128];
	assert_true(hook_url_check("https://crm/{caller}", names, NNAMES, err, sizeof err));
	assert_true(hook_url_check("http://127.0.0.1:8/x", names, NNAMES, err, sizeof err));
	assert_false(hook_url_check("ftp://crm/{caller}", names, NNAMES, err, sizeof err));
	assert_false(hook_url_check("https:///x", names, NNAMES, err, sizeof err));
	assert_false(hook_url_check("https://crm/{phone}", names, NNAMES, err, sizeof err));
	assert_non_null(strstr(err, "{phone}"));
	assert_false(hook_url_check("https://crm/{caller", names, NNAMES, err, sizeof err));
	assert_false(hook_url_check("https://crm/x}", names, NNAMES, err, sizeof err));
}

static void test_origin_hides_user_path_and_query(void **state)
{
	(void)state;
	char o[128];
	hook_url_origin("https://user:pw@hooks.example:8443/services/T0/B0/KEY?k=v#f", o, sizeof o);
	assert_string_equal(o, "https://hooks.example:8443");
	hook_url_origin("http://crm.example/a?b", o, sizeof o);
	assert_string_equal(o, "http://crm.example");
}

static void test_commands_split_once_with_placeholders_as_whole_arguments(void **state)
{
	(void)state;
	char err[256];
	struct hook_argv a;
	assert_true(hook_argv_parse("/bin/prog --n {caller_name} 'two words' \"{x\"'y}' {line}",
	                            names, NNAMES, &a, err, sizeof err) == false);
	assert_true(hook_argv_parse("/bin/prog --n {caller_name}  'two words' \"a b\" {line}",
	                            names, NNAMES, &a, err, sizeof err));
	assert_int_equal(a.argc, 6);
	struct hook_fields f = fields();
	char **v = hook_argv_expand(&a, &f);
	assert_string_equal(v[0], "/bin/prog");
	assert_string_equal(v[1], "--n");
	assert_string_equal(v[2], "A&B =\"c\" #d/e?f %g +h"); /* one argument, as it is */
	assert_string_equal(v[3], "two words");
	assert_string_equal(v[4], "a b");
	assert_string_equal(v[5], "");
	assert_null(v[6]);
	hook_strv_free(v);
	hook_argv_free(&a);

	assert_false(hook_argv_parse("/bin/prog --n={caller}", names, NNAMES, &a, err, sizeof err));
	assert_non_null(strstr(err, "whole argument"));
	assert_false(hook_argv_parse("{caller} x", names, NNAMES, &a, err, sizeof err));
	assert_false(hook_argv_parse("/bin/prog 'open", names, NNAMES, &a, err, sizeof err));
	assert_false(hook_argv_parse("   ", names, NNAMES, &a, err, sizeof err));
	assert_false(hook_argv_parse("/bin/prog {nope}", names, NNAMES, &a, err, sizeof err));
}

static void test_environment_drops_ctiboard_variables_and_adds_the_fields(void **state)
{
	(void)state;
	char e0[] = "PATH=/usr/bin", e1[] = "CTIBOARD_TOKEN=ABCDEFAB-CDEF-ABCD-EFAB-CDEFABCDEFAB",
	     e2[] = "HOME=/root", e3[] = "CTIBOARD_CALLER=forged";
	char *env[] = {e0, e1, e2, e3, NULL};
	struct hook_fields f = fields();
	char **e = hook_envp(&f, env);
	int n = 0;
	bool path = false, home = false;
	for (char **p = e; *p; p++, n++) {
		assert_null(strstr(*p, "ABCDEFAB"));
		assert_null(strstr(*p, "forged"));
		path |= strcmp(*p, "PATH=/usr/bin") == 0;
		home |= strcmp(*p, "HOME=/root") == 0;
	}
	assert_true(path && home);
	assert_int_equal(n, 2 + 4);
	assert_string_equal(e[2], "CTIBOARD_CALLER=0033612345678");
	assert_string_equal(e[3], "CTIBOARD_CALLER_NAME=A&B =\"c\" #d/e?f %g +h");
	assert_string_equal(e[5], "CTIBOARD_SINCE=1764151200");
	hook_strv_free(e);
}

static void test_json_bodies(void **state)
{
	(void)state;
	struct hook_fields f = fields();
	char *s = hook_json(&f, NULL);
	cJSON *o = cJSON_Parse(s);
	assert_string_equal(cJSON_GetObjectItem(o, "caller_name")->valuestring,
	                    "A&B =\"c\" #d/e?f %g +h");
	assert_true(cJSON_IsNumber(cJSON_GetObjectItem(o, "since")));
	assert_int_equal((int64_t)cJSON_GetObjectItem(o, "since")->valuedouble, 1764151200);
	cJSON_Delete(o);
	cJSON_free(s);
	hook_field_set(&f, "since", "", true);
	s = hook_json(&f, NULL);
	o = cJSON_Parse(s);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "since")));
	cJSON_Delete(o);
	cJSON_free(s);
	s = hook_json(&f, "CRIT \"x\"\n");
	assert_string_equal(s, "{\"text\":\"CRIT \\\"x\\\"\\n\"}");
	cJSON_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_url_template_values_are_url_encoded),
	    cmocka_unit_test(test_url_templates_are_checked),
	    cmocka_unit_test(test_origin_hides_user_path_and_query),
	    cmocka_unit_test(test_commands_split_once_with_placeholders_as_whole_arguments),
	    cmocka_unit_test(test_environment_drops_ctiboard_variables_and_adds_the_fields),
	    cmocka_unit_test(test_json_bodies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
