/* test_names.c: the names file: parsing, lookups, display, and errors with line numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "names.h"

static char dir[] = "/tmp/ctiboard-names-XXXXXX";
static char path[256];

/* Write text to the test file. */
static void put_file(const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Load text as a names file; the error is in err when NULL is returned. */
static struct names *load_text(const char *text, char *err, size_t errsize)
{
	put_file(text);
	err[0] = '\0';
	return names_load(path, err, errsize);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/names.csv", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	rmdir(dir);
	return 0;
}

static void test_parses_all_forms(void **state)
{
	(void)state;
	char err[256];
	struct names *n = load_text("\xEF\xBB\xBFnumber,name\n"
	                            "# the reception desk\n"
	                            "\n"
	                            "0033972101010,Accueil\n"
	                            "+33 9 72 10 10 11 , \"Doe, Jane\"\r\n"
	                            "06 12 12 12 12,\"Say \"\"hi\"\"\"\n"
	                            "   # indented comment\n"
	                            "0033972101012,Old name\n"
	                            "0033972101012,New name\n"
	                            "0033972101013,Zoë Ünicode\n",
	                            err, sizeof(err));
	assert_non_null(n);
	assert_string_equal(names_lookup(n, "0033972101010"), "Accueil");
	assert_string_equal(names_lookup(n, "0033972101011"), "Doe, Jane");
	assert_string_equal(names_lookup(n, "0033612121212"), "Say \"hi\"");
	assert_string_equal(names_lookup(n, "0033972101012"), "New name");
	assert_string_equal(names_lookup(n, "0033972101013"), "Zoë Ünicode");
	assert_null(names_lookup(n, "0033972101099"));
	assert_null(names_lookup(n, "number"));
	names_free(n);
}

static void test_display(void **state)
{
	(void)state;
	char err[256], buf[64];
	struct names *n = load_text("0033972101010,Accueil\n", err, sizeof(err));
	assert_non_null(n);
	assert_string_equal(names_display(n, "0033972101010", buf, sizeof(buf)), "Accueil");
	assert_string_equal(names_display(n, "0033972101011", buf, sizeof(buf)),
	                    "+33 9 72 10 10 11");
	assert_string_equal(names_display(NULL, "0033972101010", buf, sizeof(buf)),
	                    "+33 9 72 10 10 10");
	assert_null(names_lookup(NULL, "0033972101010"));
	names_free(n);
}

static void test_hostile_name_sanitised(void **state)
{
	(void)state;
	char err[256];
	struct names *n = load_text("0033972101010,Evil\x1b[2Jname\x07\n", err, sizeof(err));
	assert_non_null(n);
	const char *name = names_lookup(n, "0033972101010");
	assert_non_null(name);
	assert_null(strchr(name, '\x1b'));
	assert_null(strchr(name, '\x07'));
	assert_non_null(strstr(name, "Evil"));
	names_free(n);
}

/* The error for text names "FILE:LINE: " with the expected line and mentions what. */
static void expect_error(const char *text, int line, const char *what)
{
	char err[256], prefix[300];
	struct names *n = load_text(text, err, sizeof(err));
	assert_null(n);
	snprintf(prefix, sizeof(prefix), "%s:%d: ", path, line);
	if (strncmp(err, prefix, strlen(prefix)) != 0)
		fail_msg("error \"%s\" does not start with \"%s\"", err, prefix);
	if (!strstr(err, what))
		fail_msg("error \"%s\" does not say \"%s\"", err, what);
}

static void test_errors_name_their_line(void **state)
{
	(void)state;
	expect_error("# names\n0033972101010,A\n0033972101011\n", 3, "number,name");
	expect_error("0033972101010,\"Doe, Jane\n", 1, "unterminated quote");
	expect_error("\n\n0033972101010,\"Doe\" Jane\n", 3, "after a closing quote");
	expect_error("0033972101010,Doe, Jane\n", 1, "more than two fields");
	expect_error("0033972101010,A\nreception,B\n", 2, "not a phone number");
	expect_error("0033972101010,A\n0033972101011,   \n", 2, "missing name");
	expect_error(",A\n", 1, "missing number");
	/* a header is only accepted as the first line */
	expect_error("0033972101010,A\nnumber,name\n", 2, "not a phone number");
}

static void test_missing_file(void **state)
{
	(void)state;
	char err[256] = "";
	char missing[300];
	snprintf(missing, sizeof(missing), "%s/nope.csv", dir);
	assert_null(names_load(missing, err, sizeof(err)));
	assert_non_null(strstr(err, "nope.csv"));
}

static void test_empty_file(void **state)
{
	(void)state;
	char err[256];
	struct names *n = load_text("# nothing yet\n", err, sizeof(err));
	assert_non_null(n);
	assert_null(names_lookup(n, "0033972101010"));
	names_free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parses_all_forms),
	    cmocka_unit_test(test_display),
	    cmocka_unit_test(test_hostile_name_sanitised),
	    cmocka_unit_test(test_errors_name_their_line),
	    cmocka_unit_test(test_missing_file),
	    cmocka_unit_test(test_empty_file),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
