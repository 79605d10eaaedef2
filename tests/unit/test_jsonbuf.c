/* test_jsonbuf.c: the journal's JSON printer against cJSON's own, and the per-thread arena that
 * holds ingest's parse trees.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <cmocka.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ingest.h"
#include "json_arena.h"
#include "jsonbuf.h"
#include "model_impl.h"
#include "settings.h"

/* Documents that reach every branch of the printer: each kind of value, empty and nested
 * containers, every escape, bytes above 0x7F, runs longer than a word, numbers of each of
 * cJSON's formats. */
static const char *const documents[] = {
    "{}",
    "[]",
    "null",
    "true",
    "\"\"",
    "{\"a\":{},\"b\":[],\"c\":[{}],\"d\":[[[]]]}",
    "{\"s\":\"plain ascii text that is longer than eight bytes\",\"t\":true,\"f\":false,"
    "\"n\":null}",
    "[\"quote \\\" backslash \\\\ slash / end\",\"\\b\\f\\n\\r\\t\",\"\\u0001\\u001f\\u007f\"]",
    "{\"\\u0000key\":1,\"k\\u0000\":2}",
    "[\"caf\\u00e9 \xe2\x82\xac \xf0\x9f\x93\x9e\",\"\xc3\xa9t\xc3\xa9\"]",
    "{\"12345678\\\"\":\"abcdefgh\\\\ijklmnop\\nqrstuvwx\\u0002\"}",
    "[0,-0,1,-1,2147483647,-2147483648,2147483648,-2147483649,1e300,-1e-300]",
    "[0.1,1.5,3.14159265358979,1764151200.123,123456789012345678,1e21,2.5e-7]",
    "{\"Event\":\"start_ringing\",\"Data\":{\"Calling\":\"0033612121212\",\"Ts\":1.5,"
    "\"List\":[1,\"two\",{\"three\":[3]}]},\"Details\":{\"Description\":\"Accueil\"}}",
};

/* What jsonbuf_value prints of text's tree, NUL-terminated (to free). */
static char *print_ours(const cJSON *doc)
{
	struct jsonbuf b = {0};
	assert_true(jsonbuf_value(&b, doc));
	assert_false(b.failed);
	return b.data;
}

/* jsonbuf and cJSON print doc the same; doc is freed. */
static void assert_prints_as_cjson(cJSON *doc)
{
	assert_non_null(doc);
	char *theirs = cJSON_PrintUnformatted(doc), *ours = print_ours(doc);
	assert_string_equal(ours, theirs);
	free(theirs);
	free(ours);
	cJSON_Delete(doc);
}

static void test_prints_as_cjson_does(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof documents / sizeof documents[0]; i++)
		assert_prints_as_cjson(cJSON_Parse(documents[i]));
}

static void test_built_trees_print_as_cjson_does(void **state)
{
	(void)state;
	/* what a parse never gives: control bytes in keys and values, a raw value, NaN */
	cJSON *doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "tab\there", "bell\a esc\x1b del\x7f");
	cJSON_AddRawToObject(doc, "raw", "{\"as\":\"is\"}");
	cJSON_AddNumberToObject(doc, "nan", 0.0 / 0.0);
	cJSON_AddItemToObject(doc, "empty", cJSON_CreateString(""));
	assert_prints_as_cjson(doc);
}

static void test_nesting_as_deep_as_cjson_parses(void **state)
{
	(void)state;
	enum { DEEP = CJSON_NESTING_LIMIT }; /* arrays in arrays, the deepest cJSON parses */
	static char text[2 * DEEP + 8];
	memset(text, '[', DEEP);
	text[DEEP] = '1';
	memset(text + DEEP + 1, ']', DEEP);
	text[2 * DEEP + 1] = '\0';
	cJSON *doc = cJSON_Parse(text);
	assert_non_null(doc);
	char *ours = print_ours(doc);
	assert_string_equal(ours, text);
	free(ours);
	/* one level more than any parse gives: refused, not a stack overflow */
	cJSON *outer = cJSON_CreateArray();
	cJSON_AddItemToArray(outer, doc);
	struct jsonbuf b = {0};
	assert_false(jsonbuf_value(&b, outer));
	jsonbuf_free(&b);
	cJSON_Delete(outer);
}

static void test_refuses_what_cjson_refuses(void **state)
{
	(void)state;
	cJSON invalid = {.type = cJSON_Invalid};
	cJSON raw = {.type = cJSON_Raw, .valuestring = NULL};
	struct jsonbuf b = {0};
	assert_false(jsonbuf_value(&b, &invalid));
	assert_false(jsonbuf_value(&b, &raw));
	jsonbuf_free(&b);
}

static void test_members_and_growth(void **state)
{
	(void)state;
	struct jsonbuf b = {0};
	cJSON *s = cJSON_CreateString("v\"1");
	cJSON *n = cJSON_CreateNumber(42);
	jsonbuf_put(&b, "{", 1);
	assert_true(jsonbuf_member(&b, true, "a", s));
	assert_true(jsonbuf_member(&b, false, "b", n));
	jsonbuf_put(&b, "}", 1);
	assert_string_equal(b.data, "{\"a\":\"v\\\"1\",\"b\":42}");
	/* far past the first allocation, one escape at a time */
	b.len = 0;
	for (int i = 0; i < 10000; i++)
		jsonbuf_string(&b, "\n");
	assert_int_equal(b.len, 10000 * 4);
	assert_int_equal(strncmp(b.data, "\"\\n\"\"\\n\"", 8), 0);
	assert_int_equal(b.data[b.len], '\0');
	jsonbuf_free(&b);
	cJSON_Delete(s);
	cJSON_Delete(n);
}

static void test_escape_finds_the_byte_in_every_position(void **state)
{
	(void)state;
	/* a quote at each offset of a 20-byte run: the word-at-a-time scan must not skip it */
	for (int at = 0; at < 20; at++) {
		for (int what = 0; what < 3; what++) {
			static const char special[] = {'"', '\\', '\x01'};
			static const char *const escaped[] = {"\\\"", "\\\\", "\\u0001"};
			char in[21], out[6 * 20 + 2], expect[160];
			memset(in, 'x', 20);
			in[at] = special[what];
			in[20] = '\0';
			size_t n = json_escape(out, in, 20);
			snprintf(expect, sizeof expect, "\"%.*s%s%.*s\"", at,
			         "xxxxxxxxxxxxxxxxxxxx", escaped[what], 19 - at,
			         "xxxxxxxxxxxxxxxxxxxx");
			assert_int_equal(n, strlen(expect));
			assert_memory_equal(out, expect, n);
		}
	}
}

/* ---- the arena ---- */

static void test_arena_trees_need_no_delete(void **state)
{
	(void)state;
	json_arena_begin();
	cJSON *first = cJSON_Parse("{\"a\":[1,2,3],\"b\":\"text\"}");
	assert_non_null(first);
	assert_string_equal(cJSON_GetObjectItem(first, "b")->valuestring, "text");
	json_arena_end();
	/* the next body's tree reuses the same memory */
	json_arena_begin();
	cJSON *second = cJSON_Parse("{\"c\":true}");
	assert_ptr_equal(first, second);
	json_arena_end();
	/* outside begin/end cJSON allocates as usual, and cJSON_Delete frees */
	cJSON *heap = cJSON_Parse("{\"d\":[\"e\"]}");
	assert_non_null(heap);
	assert_ptr_not_equal(heap, first);
	cJSON_Delete(heap);
	json_arena_release();
}

static void test_arena_holds_a_body_larger_than_a_chunk(void **state)
{
	(void)state;
	/* 5,000 events of 200 bytes: a tree of several chunks, all dropped at the end */
	size_t cap = 5000 * 200 + 64, len = 0;
	char *body = malloc(cap);
	assert_non_null(body);
	len += (size_t)snprintf(body + len, cap - len, "[");
	for (int i = 0; i < 5000; i++)
		len += (size_t)snprintf(
		    body + len, cap - len,
		    "%s{\"Event\":\"registered\",\"Ressource\":\"00339721%05d\",\"Data\":{}}",
		    i ? "," : "", i);
	len += (size_t)snprintf(body + len, cap - len, "]");
	struct settings s;
	struct model m;
	settings_defaults(&s);
	s.max_lines = 10000;
	assert_true(model_init(&m, &s));
	struct ingest_result r;
	for (int round = 0; round < 3; round++) {
		ingest_body(&m, NULL, body, len, INT64_C(1764151200) * 1000000000, &r);
		assert_true(r.parsed);
		assert_int_equal(r.events, 5000);
		assert_int_equal(r.malformed, 0);
	}
	model_lock(&m);
	assert_int_equal(m.st.nlines, 5000);
	model_unlock(&m);
	model_done(&m);
	free(body);
	json_arena_release();
}

/* Each thread parses in its own arena while the others do: no tree is shared, none leaks. */
static void *parse_in_arena(void *arg)
{
	int *ok = arg;
	char text[64];
	for (int i = 0; i < 2000; i++) {
		snprintf(text, sizeof text, "{\"n\":%d,\"s\":\"thread\"}", i);
		json_arena_begin();
		cJSON *doc = cJSON_Parse(text);
		*ok &= doc && cJSON_GetObjectItem(doc, "n")->valueint == i;
		json_arena_end();
		cJSON *heap = cJSON_CreateString("outside"); /* malloc'd, freed as usual */
		*ok &= heap != NULL;
		cJSON_Delete(heap);
	}
	return NULL;
}

static void test_arenas_are_per_thread(void **state)
{
	(void)state;
	pthread_t th[4];
	int ok[4];
	for (int i = 0; i < 4; i++) {
		ok[i] = 1;
		assert_int_equal(pthread_create(&th[i], NULL, parse_in_arena, &ok[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_true(ok[i]);
	}
}

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

#ifdef UNDER_ASAN
/* Does AddressSanitizer stop a child process that does bad(), as it would any heap misuse? */
static bool asan_stops(void (*bad)(void))
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(null, STDERR_FILENO); /* the report is expected */
		bad();
		_exit(0);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return !WIFEXITED(status) || WEXITSTATUS(status) != 0;
}

static volatile char sink;

static void read_after_the_end(void)
{
	json_arena_begin();
	cJSON *doc = cJSON_Parse("{\"a\":\"hello\"}");
	json_arena_end();
	sink = doc->child->valuestring[0];
}

static void read_past_an_item(void)
{
	json_arena_begin();
	cJSON *doc = cJSON_Parse("[1]");
	sink = ((volatile char *)doc)[sizeof *doc + 1];
	json_arena_end();
}
#endif

static void test_sanitizer_still_sees_arena_misuse(void **state)
{
	(void)state;
#ifdef UNDER_ASAN
	/* the arena poisons what it has not handed out: a tree used after its body, or a read past
	 * an item, is an error as it would be with malloc */
	assert_true(asan_stops(read_after_the_end));
	assert_true(asan_stops(read_past_an_item));
#else
	skip(); /* meaningful under AddressSanitizer only (make check-asan) */
#endif
}

int main(void)
{
	json_arena_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_prints_as_cjson_does),
	    cmocka_unit_test(test_built_trees_print_as_cjson_does),
	    cmocka_unit_test(test_nesting_as_deep_as_cjson_parses),
	    cmocka_unit_test(test_refuses_what_cjson_refuses),
	    cmocka_unit_test(test_members_and_growth),
	    cmocka_unit_test(test_escape_finds_the_byte_in_every_position),
	    cmocka_unit_test(test_arena_trees_need_no_delete),
	    cmocka_unit_test(test_arena_holds_a_body_larger_than_a_chunk),
	    cmocka_unit_test(test_arenas_are_per_thread),
	    cmocka_unit_test(test_sanitizer_still_sees_arena_misuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
