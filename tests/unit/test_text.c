/* Untrusted text, phone numbers and locale-proof numbers. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text.h"

static void sanitize(char *dst, size_t size, const char *src)
{
	text_sanitize(dst, size, src, strlen(src));
}

static void test_escape_sequences_and_controls_are_neutralised(void **state)
{
	(void)state;
	char out[64];
	sanitize(out, sizeof out, "\x1b[2J\x1b]0;pwned\x07Name\r\n\t");
	assert_null(strchr(out, '\x1b'));
	assert_null(strchr(out, '\x07'));
	assert_null(strchr(out, '\r'));
	assert_string_equal(out, " [2J ]0;pwned Name   ");
	sanitize(out, sizeof out,
	         "a\xc2\x9b"
	         "31mb\x7f"); /* C1 CSI and DEL */
	assert_string_equal(out, "a 31mb ");
	sanitize(out, sizeof out, "x\xe2\x80\xaey"); /* right-to-left override */
	assert_string_equal(out, "x y");
}

static void test_invalid_utf8_is_replaced(void **state)
{
	(void)state;
	char out[64];
	sanitize(out, sizeof out,
	         "a\xff"
	         "b");
	assert_string_equal(out, "a\xef\xbf\xbd"
	                         "b");
	sanitize(out, sizeof out, "\xc0\xaf"); /* overlong '/' */
	assert_string_equal(out, "\xef\xbf\xbd\xef\xbf\xbd");
	sanitize(out, sizeof out, "\xed\xa0\x80"); /* a surrogate */
	assert_string_equal(out, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	sanitize(out, sizeof out, "caf\xc3"); /* cut in the middle of a character */
	assert_string_equal(out, "caf\xef\xbf\xbd");
	sanitize(out, sizeof out, "Zo\xc3\xab \xe6\x9d\xb1 \xf0\x9f\x93\x9e");
	assert_string_equal(out, "Zo\xc3\xab \xe6\x9d\xb1 \xf0\x9f\x93\x9e"); /* valid stays */
}

static void test_long_text_is_cut_on_a_character_boundary(void **state)
{
	(void)state;
	char out[6];
	sanitize(out, sizeof out, "\xc3\xa9\xc3\xa9\xc3\xa9"); /* 3 x e-acute, 6 bytes */
	assert_string_equal(out, "\xc3\xa9\xc3\xa9");
	char big[10000];
	memset(big, 'A', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	char small[96];
	assert_int_equal(text_sanitize(small, sizeof small, big, strlen(big)), 95);
	assert_int_equal(strlen(small), 95);
}

/* Printable ASCII of 8 bytes or more is copied whole when it fits: the same bytes as one at a
 * time, a control or a DEL anywhere (in the last word too) still neutralised, a cut still at
 * the size, and the copy still ends at a NUL within srclen. */
static void test_plain_ascii_is_copied_as_it_is(void **state)
{
	(void)state;
	char out[16];
	assert_int_equal(text_sanitize(out, sizeof out, "0033972100001", 13), 13);
	assert_string_equal(out, "0033972100001");
	assert_int_equal(text_sanitize(out, sizeof out, "abcdefghijklmno", 15),
	                 15); /* 16 with NUL */
	assert_string_equal(out, "abcdefghijklmno");
	assert_int_equal(text_sanitize(out, sizeof out, "abcdefghijklmnop", 16), 15); /* cut */
	assert_string_equal(out, "abcdefghijklmno");
	sanitize(out, sizeof out, "abcdefgh\x1b[2Jxy");
	assert_string_equal(out, "abcdefgh [2Jxy");
	sanitize(out, sizeof out, "abcdefghij\x7f");
	assert_string_equal(out, "abcdefghij ");
	assert_int_equal(text_sanitize(out, sizeof out, "abcd\0efghijk", 12), 4);
	assert_string_equal(out, "abcd");
	sanitize(out, sizeof out, "caf\xc3\xa9 au lait");
	assert_string_equal(out, "caf\xc3\xa9 au lait");
}

static void test_width_and_fit_count_columns(void **state)
{
	(void)state;
	char out[32];
	assert_non_null(setlocale(LC_CTYPE, "C.UTF-8"));
	assert_int_equal(text_width("caf\xc3\xa9"), 4);
	assert_int_equal(text_width("\xe6\x9d\xb1\xe4\xba\xac"), 4); /* two wide characters */
	assert_int_equal(text_fit(out, sizeof out, "\xe6\x9d\xb1\xe4\xba\xac", 3), 2);
	assert_string_equal(out, "\xe6\x9d\xb1");
	assert_int_equal(text_fit(out, sizeof out, "abcdef", 4), 4);
	assert_string_equal(out, "abcd");
}

static void test_phone_numbers_normalise_to_one_form(void **state)
{
	(void)state;
	char out[32];
	phone_normalize(out, sizeof out, "+33 6 12 34 56 78");
	assert_string_equal(out, "0033612345678");
	phone_normalize(out, sizeof out, "0612345678");
	assert_string_equal(out, "0033612345678");
	phone_normalize(out, sizeof out, "0033612345678");
	assert_string_equal(out, "0033612345678");
	phone_normalize(out, sizeof out, "anonymous");
	assert_string_equal(out, "anonymous");
	phone_normalize(out, sizeof out, "0033972100001"); /* digits only: as they are */
	assert_string_equal(out, "0033972100001");
	phone_normalize(out, sizeof out, "0012345678"); /* ten digits, not a national number */
	assert_string_equal(out, "0012345678");
	phone_normalize(out, 8, "0033972100001"); /* cut to the size */
	assert_string_equal(out, "0033972");
}

static void test_phone_numbers_display_in_international_form(void **state)
{
	(void)state;
	char out[32];
	assert_string_equal(phone_display(out, sizeof out, "0033972101010"), "+33 9 72 10 10 10");
	assert_string_equal(phone_display(out, sizeof out, "00441234567890"), "+441234567890");
	assert_string_equal(phone_display(out, sizeof out, "3001"), "3001");
	assert_string_equal(phone_display(out, sizeof out, "anonymous"), "anonymous");
}

static void test_integers_keep_every_digit(void **state)
{
	(void)state;
	int64_t v;
	assert_true(parse_int64_digits("1764151200123456789", &v));
	assert_true(v == INT64_C(1764151200123456789));
	assert_false(parse_int64_digits("99999999999999999999", &v));
	assert_false(parse_int64_digits("12a", &v));
	assert_false(parse_int64_digits("-1", &v));
	assert_false(parse_int64_digits("", &v));
}

static void test_seconds_parse_the_same_in_any_locale(void **state)
{
	(void)state;
	int64_t ns;
	/* a locale with a decimal comma, when the machine has one (make check builds one) */
	const char *fr = setlocale(LC_NUMERIC, "fr_FR.UTF-8");
	if (getenv("CTIBOARD_TEST_LOCALE"))
		assert_non_null(fr);
	assert_true(parse_seconds_ns("1564687684.230", &ns));
	assert_true(ns == INT64_C(1564687684230000000));
	assert_true(parse_seconds_ns("1564687684", &ns));
	assert_true(ns == INT64_C(1564687684000000000));
	assert_false(parse_seconds_ns("1564687684,230", &ns));
	assert_false(parse_seconds_ns(".5", &ns));
	/* at the edge of int64 nanoseconds: the largest that fits, then past it (no overflow) */
	assert_true(parse_seconds_ns("9223372036.854775807", &ns));
	assert_true(ns == INT64_MAX);
	assert_false(parse_seconds_ns("9223372036.854775808", &ns));
	assert_false(parse_seconds_ns("9223372036.999999999", &ns));
	assert_false(parse_seconds_ns("9223372037", &ns));
	setlocale(LC_NUMERIC, "C");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escape_sequences_and_controls_are_neutralised),
	    cmocka_unit_test(test_invalid_utf8_is_replaced),
	    cmocka_unit_test(test_long_text_is_cut_on_a_character_boundary),
	    cmocka_unit_test(test_plain_ascii_is_copied_as_it_is),
	    cmocka_unit_test(test_width_and_fit_count_columns),
	    cmocka_unit_test(test_phone_numbers_normalise_to_one_form),
	    cmocka_unit_test(test_phone_numbers_display_in_international_form),
	    cmocka_unit_test(test_integers_keep_every_digit),
	    cmocka_unit_test(test_seconds_parse_the_same_in_any_locale),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
