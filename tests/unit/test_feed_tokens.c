/* test_feed_tokens.c: where tokens come from, how a bad one is reported (never by value), and
 * which URLs the feed accepts. */
#define _GNU_SOURCE /* strcasestr */
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

#include "feed.h"
#include "ingest.h"
#include "model_impl.h"
#include "notice.h"
#include "redact.h"
#include "settings.h"

#define TOK1 "ABCDEFAB-CDEF-ABCD-EFAB-CDEFABCD0001"
#define TOK2 "ABCDEFAB-CDEF-ABCD-EFAB-CDEFABCD0002"
#define TOK3 "abcdefab-cdef-abcd-efab-cdefabcd0003"
#define BAD  "ABCDEFAB-CDEF-ABCD-EFAB-NOTAGUIDXXX"

static char dir[64];

/* A fresh settings with no token source, and no CTIBOARD_TOKEN. */
static void blank(struct settings *s)
{
	memset(s, 0, sizeof *s);
	unsetenv("CTIBOARD_TOKEN");
}

/* Write a token file with the given mode; returns its path (static buffer per slot). */
static const char *token_file(int slot, const char *text, mode_t mode)
{
	static char paths[4][128];
	snprintf(paths[slot], sizeof paths[slot], "%s/tokens%d", dir, slot);
	FILE *fp = fopen(paths[slot], "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	assert_int_equal(chmod(paths[slot], mode), 0);
	return paths[slot];
}

static void add_file(struct settings *s, const char *path)
{
	snprintf(s->token_files[s->ntoken_files++], SETTINGS_PATH_MAX, "%s", path);
}

/* Run feed_load_tokens with stderr captured into *out (malloc'd). */
static int load_capture(const struct settings *s, char tokens[][TOKEN_SIZE], int max, char *err,
                        size_t errsize, char **out)
{
	char path[128];
	snprintf(path, sizeof path, "%s/stderr", dir);
	fflush(stderr);
	int saved = dup(2);
	FILE *cap = fopen(path, "w+");
	assert_non_null(cap);
	dup2(fileno(cap), 2);
	int n = feed_load_tokens(s, tokens, max, err, errsize);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	fseek(cap, 0, SEEK_END);
	long len = ftell(cap);
	rewind(cap);
	*out = calloc(1, (size_t)len + 1);
	assert_int_equal(fread(*out, 1, (size_t)len, cap), (size_t)len);
	fclose(cap);
	return n;
}

static void test_env_list(void **state)
{
	(void)state;
	struct settings s;
	blank(&s);
	setenv("CTIBOARD_TOKEN", " " TOK1 " ,," TOK3 "," TOK1 ",", 1);
	char tokens[8][TOKEN_SIZE], err[256];
	assert_int_equal(feed_load_tokens(&s, tokens, 8, err, sizeof err), 2);
	assert_string_equal(tokens[0], TOK1);
	assert_string_equal(tokens[1], TOK3);
	unsetenv("CTIBOARD_TOKEN");
}

static void test_env_bad_item_named_not_shown(void **state)
{
	(void)state;
	struct settings s;
	blank(&s);
	setenv("CTIBOARD_TOKEN", TOK1 "," BAD, 1);
	char tokens[8][TOKEN_SIZE], err[256];
	assert_int_equal(feed_load_tokens(&s, tokens, 8, err, sizeof err), -1);
	assert_non_null(strstr(err, "CTIBOARD_TOKEN, item 2"));
	assert_non_null(strstr(err, "XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX"));
	assert_null(strstr(err, BAD));
	assert_null(strstr(err, "NOTAGUID"));
	unsetenv("CTIBOARD_TOKEN");
}

static void test_file_comments_blank_crlf(void **state)
{
	(void)state;
	struct settings s;
	blank(&s);
	add_file(&s, token_file(0, "# OVH tokens\n\n" TOK1 "\r\n  " TOK2 "  # line token\n", 0600));
	char tokens[8][TOKEN_SIZE], err[256], *out;
	assert_int_equal(load_capture(&s, tokens, 8, err, sizeof err, &out), 2);
	assert_string_equal(tokens[0], TOK1);
	assert_string_equal(tokens[1], TOK2);
	assert_string_equal(out, ""); /* 0600: no warning */
	free(out);
}

static void test_file_bad_line_named_not_shown(void **state)
{
	(void)state;
	struct settings s;
	blank(&s);
	const char *path = token_file(0, "# first\n" TOK1 "\n" BAD "\n", 0600);
	add_file(&s, path);
	char tokens[8][TOKEN_SIZE], err[512], want[256];
	assert_int_equal(feed_load_tokens(&s, tokens, 8, err, sizeof err), -1);
	snprintf(want, sizeof want,
	         "token file %s, line 3: not an OVH token (expected "
	         "XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX)",
	         path);
	assert_string_equal(err, want);
	assert_null(strstr(err, "NOTAGUID"));
}

static void test_file_readable_by_others_warns(void **state)
{
	(void)state;
	struct settings s;
	blank(&s);
	const char *path = token_file(0, TOK1 "\n", 0644);
	add_file(&s, path);
	char tokens[8][TOKEN_SIZE], err[256], *out;
	assert_int_equal(load_capture(&s, tokens, 8, err, sizeof err, &out), 1);
	assert_non_null(strstr(out, "warning"));
	assert_non_null(strstr(out, path));
	assert_null(strstr(out, TOK1));
	free(out);
	/* kept to be shown again inside the program */
	size_t n;
	const char(*kept)[NOTICE_MAX] = notices_kept(&n);
	assert_true(n >= 1);
	assert_non_null(strstr(kept[n - 1], path));
	assert_non_null(strstr(kept[n - 1], "readable by other users"));

	blank(&s);
	add_file(&s, token_file(1, TOK2 "\n", 0640)); /* group only */
	assert_int_equal(load_capture(&s, tokens, 8, err, sizeof err, &out), 1);
	assert_non_null(strstr(out, "warning"));
	free(out);
}

static void test_file_missing(void **state)
{
	(void)state;
	struct settings s;
	blank(&s);
	add_file(&s, "/nonexistent/ctiboard-tokens");
	char tokens[8][TOKEN_SIZE], err[256];
	assert_int_equal(feed_load_tokens(&s, tokens, 8, err, sizeof err), -1);
	assert_non_null(strstr(err, "/nonexistent/ctiboard-tokens"));
}

static void test_all_sources_and_config(void **state)
{
	(void)state;
	struct settings s;
	blank(&s);
	setenv("CTIBOARD_TOKEN", TOK1, 1);
	add_file(&s, token_file(0, TOK2 "\n", 0600));
	snprintf(s.tokens[s.ntokens++], TOKEN_SIZE, "%s", TOK3);
	char tokens[8][TOKEN_SIZE], err[256];
	assert_int_equal(feed_load_tokens(&s, tokens, 8, err, sizeof err), 3);
	assert_string_equal(tokens[2], TOK3);

	snprintf(s.tokens[s.ntokens++], TOKEN_SIZE, "%s", "not-a-token");
	assert_int_equal(feed_load_tokens(&s, tokens, 8, err, sizeof err), -1);
	assert_non_null(strstr(err, "configuration, token 2"));
	assert_null(strstr(err, "not-a-token"));
	unsetenv("CTIBOARD_TOKEN");
}

static void test_too_many(void **state)
{
	(void)state;
	struct settings s;
	blank(&s);
	add_file(&s, token_file(0, TOK1 "\n" TOK2 "\n" TOK3 "\n", 0600));
	char tokens[2][TOKEN_SIZE], err[256];
	assert_int_equal(feed_load_tokens(&s, tokens, 2, err, sizeof err), -1);
	assert_non_null(strstr(err, "line 3"));
	assert_non_null(strstr(err, "too many"));
}

static void test_tokens_registered_for_redaction(void **state)
{
	(void)state;
	struct settings s;
	blank(&s);
	add_file(&s, token_file(0, TOK2 "\n", 0600));
	char tokens[8][TOKEN_SIZE], err[256];
	assert_int_equal(feed_load_tokens(&s, tokens, 8, err, sizeof err), 1);
	char text[] = "GET /?token=" TOK2 "&session=x";
	assert_true(redact_text(text, strlen(text)));
	assert_null(strstr(text, TOK2));
	assert_non_null(strstr(text, "0002&session=x"));
}

/* A lower-case copy of a token (in an event's Body, say) is redacted too. */
static void test_redaction_ignores_case(void **state)
{
	(void)state;
	redact_register(TOK1);
	char text[] =
	    "Body: abcdefab-cdef-abcd-efab-cdefabcd0001 and AbCdEfAb-CdEf-AbCd-EfAb-CdEfAbCd0001";
	assert_true(redact_text(text, strlen(text)));
	assert_null(strcasestr(text, "abcdefab-cdef"));
	assert_non_null(strstr(text, "****0001 and "));
}

/* What the screen shows went through the same redaction: a token inside an event's
 * description, caller or kind (in any case, even cut by the field's length) never reaches the
 * model, from which the UI draws. */
static void test_event_fields_are_redacted(void **state)
{
	(void)state;
	redact_register(TOK1);
	struct settings s;
	settings_defaults(&s);
	static struct model m;
	assert_true(model_init(&m, &s));
	char body[2048], pad[80];
	memset(pad, 'x', 70);
	pad[70] = '\0';
	snprintf(
	    body, sizeof body,
	    "{\"Event\":\"start_ringing %s\",\"Service\":\"sip\",\"Ressource\":\"0033972101010\","
	    "\"Timestamp\":1764151200000000000,\"Data\":{\"CallId\":\"c1\",\"Calling\":"
	    "\"%s\",\"Called\":\"0033972101010\"},\"Details\":{\"Description\":\"%s "
	    "abcdefab-cdef-abcd-efab-cdefabcd0001\"}}",
	    TOK1, "abcdefab-cdef-abcd-efab-cdefabcd0001", pad);
	struct ingest_result r;
	ingest_body(&m, NULL, body, strlen(body), INT64_C(1764151200000000000), &r);
	assert_int_equal(r.malformed, 0);
	const struct line *l = state_find_line(&m.st, "0033972101010");
	assert_non_null(l);
	assert_null(strcasestr(l->description, "abcdefab"));
	assert_null(strcasestr(l->description, "cdef-abcd"));
	assert_int_equal(m.st.log_count, 1);
	assert_null(strcasestr(m.st.log[0].kind_name, "ABCDEFAB"));
	assert_null(strcasestr(m.st.log[0].detail, "abcdefab"));
	model_done(&m);
}

/* A token file with comments only is an error that says so. */
static void test_empty_token_file_says_so(void **state)
{
	(void)state;
	struct settings s;
	blank(&s);
	const char *path = token_file(0, "# tokens go here\n\n", 0600);
	add_file(&s, path);
	char tokens[8][TOKEN_SIZE], err[256];
	assert_int_equal(feed_load_tokens(&s, tokens, 8, err, sizeof err), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "holds no token"));
}

static void test_none_is_zero(void **state)
{
	(void)state;
	struct settings s;
	blank(&s);
	char tokens[8][TOKEN_SIZE], err[256];
	assert_int_equal(feed_load_tokens(&s, tokens, 8, err, sizeof err), 0);
}

static void test_urls(void **state)
{
	(void)state;
	static const char *good[] = {
	    "https://events.voip.ovh.net/", "https://events.voip.ovh.net/?x=1",
	    "http://127.0.0.1:8080/",       "http://127.4.5.6/",
	    "http://localhost:9000/",       "http://[::1]:9000/",
	    "HTTPS://EVENTS.VOIP.OVH.NET/",
	};
	static const char *bad[] = {
	    "http://events.voip.ovh.net/",
	    "http://128.0.0.1/",
	    "http://127.0.0.1.example.com/",
	    "http://10.0.0.1/",
	    "http://[::2]/",
	    "ftp://127.0.0.1/",
	    "file:///etc/passwd",
	    "not a url",
	    "",
	};
	char err[256];
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		err[0] = '\0';
		if (!feed_check_url(good[i], err, sizeof err))
			fail_msg("refused %s: %s", good[i], err);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		if (feed_check_url(bad[i], err, sizeof err))
			fail_msg("accepted %s", bad[i]);
		assert_true(err[0] != '\0');
	}
	assert_false(feed_check_url("http://example.com/?token=" TOK1, err, sizeof err));
	assert_null(strstr(err, TOK1));
	assert_non_null(strstr(err, "https"));
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/ctiboard-test-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_env_list),
	    cmocka_unit_test(test_env_bad_item_named_not_shown),
	    cmocka_unit_test(test_file_comments_blank_crlf),
	    cmocka_unit_test(test_file_bad_line_named_not_shown),
	    cmocka_unit_test(test_file_readable_by_others_warns),
	    cmocka_unit_test(test_file_missing),
	    cmocka_unit_test(test_all_sources_and_config),
	    cmocka_unit_test(test_too_many),
	    cmocka_unit_test(test_tokens_registered_for_redaction),
	    cmocka_unit_test(test_none_is_zero),
	    cmocka_unit_test(test_redaction_ignores_case),
	    cmocka_unit_test(test_event_fields_are_redacted),
	    cmocka_unit_test(test_empty_token_file_says_so),
	    cmocka_unit_test(test_urls),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
