/* test_collate.c: names sorted as a reader expects, accents and case folded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "collate.h"

static int by_name(const void *a, const void *b)
{
	return name_collate(*(const char *const *)a, *(const char *const *)b);
}

static void test_accents_and_case_do_not_move_a_name(void **state)
{
	(void)state;
	const char *names[] = {"Lucas Simon",   "Zoé Fontaine", "Léa Martin", "Élodie Durand",
	                       "louis Lefèvre", "Agnès Faure",  "Eric Blanc"};
	const char *want[] = {"Agnès Faure",   "Élodie Durand", "Eric Blanc",  "Léa Martin",
	                      "louis Lefèvre", "Lucas Simon",   "Zoé Fontaine"};
	qsort(names, sizeof names / sizeof names[0], sizeof names[0], by_name);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		assert_string_equal(names[i], want[i]);
	/* what cannot be folded comes after every letter, in code point order */
	assert_true(name_collate("Zoé", "東京") < 0);
	assert_true(name_collate("東京", "\xF0\x9F\x93\x9E Standard") < 0);
	assert_true(name_collate("Lucas", "Łukasz") < 0);
	/* names equal once folded still have one order, and a name equals only itself */
	assert_true(name_collate("Lea", "Léa") != 0);
	assert_true((name_collate("Lea", "Léa") < 0) == (name_collate("Léa", "Lea") > 0));
	assert_int_equal(name_collate("Léa", "Léa"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accents_and_case_do_not_move_a_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
