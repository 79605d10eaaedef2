/* test_journal.c: the journal writer (redaction, day files, crash tolerance, big numbers) and
 * its replay (round trip into a fresh model, malformed lines, stop).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>
#include <cmocka.h>
#include <pthread.h>

#include "api_action.h"
#include "ingest.h"
#include "journal.h"
#include "json_bigint.h"
#include "model_impl.h"
#include "redact.h"
#include "settings.h"

#define TOKEN    "ABCDEFAB-CDEF-ABCD-EFAB-CDEFABCD7Q9Z"
#define TOKEN_V2 "0f0f0f0f-1111-2222-3333-44445555W8X1"
/* 2025-11-26T10:00:00Z */
#define T0_S INT64_C(1764151200)
#define NS   INT64_C(1000000000)

static char dir[] = "/tmp/ctiboard-journal-XXXXXX";

/* A line event of kind on line 0033972101010 for call id at t seconds after T0. */
static char *line_event(char *buf, size_t size, const char *kind, const char *id, int t)
{
	snprintf(buf, size,
	         "{\"Event\":\"%s\",\"Token\":\"" TOKEN "\",\"Service\":\"sip\","
	         "\"Ressource\":\"0033972101010\",\"Timestamp\":%lld123456789,"
	         "\"Data\":{\"CallId\":\"%s\",\"Calling\":\"0033612121212\","
	         "\"Called\":\"0033972101010\",\"Dialed\":\"0033972101010\","
	         "\"Ts\":\"%lld.123\",\"TsGet\":%lld125000000},"
	         "\"Details\":{\"Description\":\"Accueil\",\"Type\":\"sipCirpack\","
	         "\"SimultaneousLine\":\"2\"}}",
	         kind, (long long)(T0_S + t), id, (long long)(T0_S + t), (long long)(T0_S + t));
	return buf;
}

/* Read a whole file (NUL-terminated); NULL if it does not exist. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n - 1 == 0)
			buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

/* Remove every file in a directory, then the directory. */
static void remove_tree(const char *d)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", d);
}

/* A fresh empty subdirectory of the test directory. */
static void fresh_dir(char *dst, size_t size, const char *name)
{
	snprintf(dst, size, "%s/%s", dir, name);
	remove_tree(dst);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1); /* Paris rules, with no tzdata needed */
	tzset();
	umask(022);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	remove_tree(dir);
	return 0;
}

static void test_default_dir(void **state)
{
	(void)state;
	char buf[1024];
	char *old_state = getenv("XDG_STATE_HOME") ? strdup(getenv("XDG_STATE_HOME")) : NULL;
	char *old_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	setenv("XDG_STATE_HOME", "/srv/state", 1);
	journal_default_dir(buf, sizeof(buf));
	assert_string_equal(buf, "/srv/state/ctiboard");
	unsetenv("XDG_STATE_HOME");
	setenv("HOME", "/home/sup", 1);
	journal_default_dir(buf, sizeof(buf));
	assert_string_equal(buf, "/home/sup/.local/state/ctiboard");
	setenv("XDG_STATE_HOME", "relative/ignored", 1); /* the XDG rule: only absolute paths */
	journal_default_dir(buf, sizeof(buf));
	assert_string_equal(buf, "/home/sup/.local/state/ctiboard");
	if (old_state)
		setenv("XDG_STATE_HOME", old_state, 1);
	else
		unsetenv("XDG_STATE_HOME");
	if (old_home)
		setenv("HOME", old_home, 1);
	free(old_state);
	free(old_home);
}

static void test_path_is_local_day(void **state)
{
	(void)state;
	char p[256];
	/* 2025-11-26T23:30:00Z is already the 27th in Paris (CET, UTC+1) */
	journal_path_for(p, sizeof(p), "/j", INT64_C(1764199800));
	assert_string_equal(p, "/j/2025-11-27.jsonl");
	journal_path_for(p, sizeof(p), "/j", INT64_C(1764197999)); /* 23:59:59 local */
	assert_string_equal(p, "/j/2025-11-26.jsonl");
}

static void test_token_redacted(void **state)
{
	(void)state;
	char d[256], err[256], ev[2048], path[512];
	fresh_dir(d, sizeof(d), "redact");
	struct journal *j = journal_open(d, err, sizeof(err));
	assert_non_null(j);
	line_event(ev, sizeof(ev), "start_ringing", "call-1", 0);
	assert_true(journal_append(j, ev, strlen(ev), T0_S * NS));
	/* V2: lower-case keys; and a hostile event that repeats its Token key */
	const char *v2 = "{\"event\":\"registered\",\"token\":\"" TOKEN_V2 "\",\"service\":\"sip\","
	                 "\"ressource\":\"0033972101010\",\"timestamp\":1764151200999999999}";
	assert_true(journal_append(j, v2, strlen(v2), T0_S * NS + 1));
	const char *twice = "{\"Event\":\"registered\",\"Token\":\"x\",\"Token\":\"" TOKEN "\"}";
	assert_true(journal_append(j, twice, strlen(twice), T0_S * NS + 2));
	journal_close(j);

	journal_path_for(path, sizeof(path), d, T0_S);
	char *text = slurp(path, NULL);
	assert_non_null(text);
	assert_null(strstr(text, TOKEN));
	assert_null(strstr(text, TOKEN_V2));
	assert_null(strstr(text, "ABCDEFAB"));
	assert_null(strstr(text, "0f0f0f0f"));
	assert_non_null(strstr(text, "\"Token\":\"...7Q9Z\""));
	assert_non_null(strstr(text, "\"token\":\"...W8X1\""));
	free(text);
}

static void test_registered_secret_scrubbed_anywhere(void **state)
{
	(void)state;
	char d[256], err[256], path[512];
	fresh_dir(d, sizeof(d), "scrub");
	redact_register(TOKEN);
	struct journal *j = journal_open(d, err, sizeof(err));
	assert_non_null(j);
	/* The token echoed where no key says so: only the last guard can catch it. */
	const char *ev = "{\"Event\":\"start_ringing\",\"Data\":{\"Body\":\"token=" TOKEN "\"}}";
	assert_true(journal_append(j, ev, strlen(ev), T0_S * NS));
	journal_close(j);
	journal_path_for(path, sizeof(path), d, T0_S);
	char *text = slurp(path, NULL);
	assert_non_null(text);
	assert_null(strstr(text, TOKEN));
	assert_non_null(strstr(text, "7Q9Z"));
	free(text);
}

static void test_big_integers_keep_their_digits(void **state)
{
	(void)state;
	char d[256], err[256], ev[2048], path[512];
	fresh_dir(d, sizeof(d), "digits");
	struct journal *j = journal_open(d, err, sizeof(err));
	assert_non_null(j);
	line_event(ev, sizeof(ev), "start_calling", "call-9", 7);
	/* a body that came through ingest's pre-pass has the big numbers as strings already */
	const char *pre = "{\"Event\":\"registered\",\"Timestamp\":\"1764151200987654321\","
	                  "\"Count\":3,\"Ts\":1764151200.5}";
	assert_true(journal_append(j, ev, strlen(ev), INT64_C(1764151207999999999)));
	assert_true(journal_append(j, pre, strlen(pre), INT64_C(1764151208000000001)));
	journal_close(j);
	journal_path_for(path, sizeof(path), d, T0_S);
	char *text = slurp(path, NULL);
	assert_non_null(text);
	assert_non_null(strstr(text, "1764151207123456789"));
	assert_non_null(strstr(text, "1764151207125000000"));
	assert_non_null(strstr(text, "\"Received\":1764151207999999999"));
	assert_non_null(strstr(text, "\"Timestamp\":\"1764151200987654321\""));
	assert_non_null(strstr(text, "\"Received\":1764151208000000001"));
	assert_non_null(strstr(text, "\"Count\":3"));
	assert_non_null(strstr(text, "\"Ts\":1764151200.5"));
	free(text);
}

static void test_not_an_object_is_refused(void **state)
{
	(void)state;
	char d[256], err[256], path[512];
	fresh_dir(d, sizeof(d), "refuse");
	struct journal *j = journal_open(d, err, sizeof(err));
	assert_non_null(j);
	assert_false(journal_append(j, "not json", 8, T0_S * NS));
	assert_false(journal_append(j, "[1,2]", 5, T0_S * NS));
	journal_close(j);
	journal_path_for(path, sizeof(path), d, T0_S);
	char *text = slurp(path, NULL);
	assert_true(text == NULL || text[0] == '\0');
	free(text);
}

static void test_modes(void **state)
{
	(void)state;
	char d[256], err[256], ev[2048], path[512];
	fresh_dir(d, sizeof(d), "modes/deeper/journal");
	struct journal *j = journal_open(d, err, sizeof(err));
	assert_non_null(j);
	line_event(ev, sizeof(ev), "start_ringing", "call-1", 0);
	assert_true(journal_append(j, ev, strlen(ev), T0_S * NS));
	journal_close(j);
	struct stat sb;
	assert_int_equal(stat(d, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	journal_path_for(path, sizeof(path), d, T0_S);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);

	/* a plain file where the directory should be */
	snprintf(path, sizeof(path), "%s/modes/file", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	err[0] = '\0';
	struct journal *jf = journal_open(path, err, sizeof(err));
	assert_non_null(jf); /* not fatal: the program runs on without a journal */
	assert_true(journal_problem(jf, err, sizeof(err)));
	assert_non_null(strstr(err, "not a directory"));
	assert_true(journal_append(jf, ev, strlen(ev), T0_S * NS));
	journal_sync(jf, true);
	assert_int_equal(journal_lost(jf), 1);
	assert_int_equal(journal_close(jf), 1);
}

/* A directory that cannot be written at first: lines are counted lost and the reason given;
 * once it can be written, the next line goes in and the problem is gone. */
static void test_unwritable_dir_is_retried(void **state)
{
	(void)state;
	char d[256], err[256], ev[2048], path[512];
	fresh_dir(d, sizeof(d), "retry");
	assert_int_equal(mkdir(d, 0700), 0);
	snprintf(path, sizeof(path), "%s/journal", d);
	FILE *blocker = fopen(path, "w"); /* a file where the directory should be (root or not) */
	assert_non_null(blocker);
	fclose(blocker);
	struct journal *j = journal_open(path, err, sizeof(err));
	assert_non_null(j);
	assert_true(journal_problem(j, err, sizeof(err)));
	line_event(ev, sizeof(ev), "start_ringing", "call-1", 0);
	assert_true(journal_append(j, ev, strlen(ev), T0_S * NS));
	journal_sync(j, true);
	assert_int_equal(journal_lost(j), 1);
	assert_int_equal(unlink(path), 0); /* the administrator fixes it */
	assert_true(journal_append(j, ev, strlen(ev), T0_S * NS + 1));
	journal_sync(j, true);
	assert_false(journal_problem(j, err, sizeof(err)));
	assert_int_equal(journal_close(j), 1);
	char file[600];
	journal_path_for(file, sizeof(file), path, T0_S);
	size_t len = 0;
	char *text = slurp(file, &len);
	assert_non_null(text);
	assert_int_equal(len, strlen(text));
	assert_non_null(strchr(text, '\n'));
	assert_true(strchr(text, '\n') == text + len - 1); /* one line */
	free(text);
}

/* A last line cut short by a crash is ended before the next line is written after it. */
static void test_torn_last_line_is_repaired(void **state)
{
	(void)state;
	char d[256], err[256], ev[2048], file[600];
	fresh_dir(d, sizeof(d), "torn");
	assert_int_equal(mkdir(d, 0700), 0);
	journal_path_for(file, sizeof(file), d, T0_S);
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fputs("{\"Event\":\"registered\",\"Received\":1}\n{\"Event\":\"start_rin", f);
	fclose(f);
	struct journal *j = journal_open(d, err, sizeof(err));
	assert_non_null(j);
	line_event(ev, sizeof(ev), "start_ringing", "call-1", 0);
	assert_true(journal_append(j, ev, strlen(ev), T0_S * NS));
	assert_int_equal(journal_close(j), 0);
	size_t len = 0;
	char *text = slurp(file, &len);
	assert_non_null(text);
	char *third = strstr(text, "\"start_rin\n");
	assert_non_null(third); /* the torn line ends where it was cut */
	assert_true(strncmp(third + 11, "{\"", 2) == 0);
	free(text);
}

/* Retention: files of days older than keep_days go, today's and the recent ones stay, other
 * files are never touched. */
static void test_retention_deletes_old_day_files(void **state)
{
	(void)state;
	char d[256], err[256], p[600];
	fresh_dir(d, sizeof(d), "keep");
	assert_int_equal(mkdir(d, 0700), 0);
	const char *names[] = {"2025-10-01.jsonl", "2025-10-27.jsonl", "2025-10-28.jsonl",
	                       "2025-11-26.jsonl", "notes.txt",        "2025-10-01.jsonl.bak"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(p, sizeof(p), "%s/%s", d, names[i]);
		FILE *f = fopen(p, "w");
		assert_non_null(f);
		fclose(f);
	}
	journal_prune(d, T0_S, 30); /* 2025-11-26: 30 days back to 2025-10-28 */
	const bool kept[] = {false, false, true, true, true, true};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(p, sizeof(p), "%s/%s", d, names[i]);
		assert_int_equal(access(p, F_OK) == 0, kept[i]);
	}
	journal_prune(d, T0_S, 0); /* 0 keeps everything */
	snprintf(p, sizeof(p), "%s/2025-10-28.jsonl", d);
	assert_int_equal(access(p, F_OK), 0);
	(void)err;
}

/* Lines received at before_ns, after_ns and 3 s later go to the files of their local days,
 * before_day and after_day (YYYY-MM-DD). */
static void assert_day_split(const char *name, int64_t before_ns, int64_t after_ns,
                             const char *before_day, const char *after_day)
{
	char d[256], err[256], ev[2048], pa[512], pb[512], want[32];
	fresh_dir(d, sizeof(d), name);
	struct journal *j = journal_open(d, err, sizeof(err));
	assert_non_null(j);
	line_event(ev, sizeof(ev), "start_ringing", name, 0);
	assert_true(journal_append(j, ev, strlen(ev), before_ns));
	line_event(ev, sizeof(ev), "end_ringing", name, 1);
	assert_true(journal_append(j, ev, strlen(ev), after_ns));
	line_event(ev, sizeof(ev), "registered", name, 2);
	assert_true(journal_append(j, ev, strlen(ev), after_ns + 3 * NS));
	journal_close(j);
	journal_path_for(pa, sizeof(pa), d, before_ns / NS);
	journal_path_for(pb, sizeof(pb), d, after_ns / NS);
	snprintf(want, sizeof(want), "%s.jsonl", before_day);
	assert_non_null(strstr(pa, want));
	snprintf(want, sizeof(want), "%s.jsonl", after_day);
	assert_non_null(strstr(pb, want));
	char *a = slurp(pa, NULL), *b = slurp(pb, NULL);
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(strstr(a, "start_ringing"));
	assert_null(strstr(a, "end_ringing"));
	assert_non_null(strstr(b, "end_ringing"));
	assert_non_null(strstr(b, "registered"));
	assert_null(strstr(b, "start_ringing"));
	free(a);
	free(b);
}

static void test_day_files_follow_received_time(void **state)
{
	(void)state;
	int64_t midnight = INT64_C(1764198000); /* 2025-11-27 00:00:00 in Paris */
	assert_day_split("days", (midnight - 1) * NS + NS / 2, midnight * NS + NS / 2, "2025-11-26",
	                 "2025-11-27");
}

static void test_day_files_follow_a_short_day(void **state)
{
	(void)state;
	/* 2026-03-29 in Paris has 23 hours: 00:30 on the 30th is less than 24 h after the 29th
	 * began, and still goes to the 30th's file */
	int64_t late = INT64_C(1774819800); /* 2026-03-29 23:30 CEST */
	int64_t next = INT64_C(1774823400); /* 2026-03-30 00:30 CEST */
	assert_day_split("dst", late * NS, next * NS, "2026-03-29", "2026-03-30");
}

/* Every line of text is a complete JSON object; returns the number of lines. */
static int complete_lines(const char *text, size_t len)
{
	int n = 0;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		assert_non_null(nl); /* no partial last line */
		cJSON *o = cJSON_ParseWithLength(p, (size_t)(nl - p));
		assert_non_null(o);
		assert_true(cJSON_IsObject(o));
		assert_non_null(cJSON_GetObjectItemCaseSensitive(o, "Received"));
		cJSON_Delete(o);
		n++;
		p = nl + 1;
	}
	return n;
}

/* An event parsed as ingest parses it (big integers as strings); NULL if not JSON. */
static cJSON *parse_as_ingest(const char *text)
{
	size_t n;
	char *q = json_quote_big_integers(text, strlen(text), &n);
	assert_non_null(q);
	cJSON *o = cJSON_ParseWithLength(q, n);
	free(q);
	return o;
}

static void test_parsed_event_gives_the_same_line(void **state)
{
	(void)state;
	char da[256], db[256], err[256], ev[2048], pa[512], pb[512];
	static char big[9000];
	fresh_dir(da, sizeof(da), "same-text");
	fresh_dir(db, sizeof(db), "same-tree");
	/* longer than the line buffer: printed on the heap */
	snprintf(big, sizeof(big),
	         "{\"Event\":\"registered\",\"token\":\"" TOKEN "\",\"Data\":{\"Body\":\"");
	size_t n = strlen(big);
	memset(big + n, 'y', 8000);
	strcpy(big + n + 8000, "\"}}");
	const char *events[] = {
	    line_event(ev, sizeof(ev), "start_ringing", "call-1", 0),
	    "{\"event\":\"registered\",\"token\":\"" TOKEN_V2
	    "\",\"timestamp\":1764151200999999999}",
	    "{\"Event\":\"registered\",\"Token\":\"x\",\"Token\":\"" TOKEN "\",\"Token\":7}",
	    "{\"Event\":\"registered\",\"Received\":1,\"Count\":3,\"Received\":2,\"Ts\":1.5}",
	    big,
	};
	struct journal *ja = journal_open(da, err, sizeof(err));
	struct journal *jb = journal_open(db, err, sizeof(err));
	assert_non_null(ja);
	assert_non_null(jb);
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		int64_t rx = T0_S * NS + (int64_t)i;
		assert_true(journal_append(ja, events[i], strlen(events[i]), rx));
		cJSON *o = parse_as_ingest(events[i]);
		char *before = cJSON_PrintUnformatted(o);
		assert_true(journal_append_event(jb, o, rx));
		/* the tree is the caller's: the journal prints it as it should be, unchanged */
		char *after = cJSON_PrintUnformatted(o);
		assert_string_equal(before, after);
		free(before);
		free(after);
		cJSON_Delete(o);
	}
	cJSON *array = parse_as_ingest("[1,2]");
	assert_false(journal_append_event(jb, array, T0_S * NS));
	assert_false(journal_append_event(jb, NULL, T0_S * NS));
	cJSON_Delete(array);
	journal_close(ja);
	journal_close(jb);
	journal_path_for(pa, sizeof(pa), da, T0_S);
	journal_path_for(pb, sizeof(pb), db, T0_S);
	size_t la = 0, lb = 0;
	char *a = slurp(pa, &la), *b = slurp(pb, &lb);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(complete_lines(b, lb), 5);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	assert_non_null(strstr(b, "\"Token\":\"...7Q9Z\",\"Token\":"));
	assert_non_null(strstr(b, "\"token\":\"...W8X1\""));
	assert_non_null(strstr(b, "\"timestamp\":\"1764151200999999999\""));
	assert_non_null(strstr(b, "\"Count\":3,\"Ts\":1.5,\"Received\":1764151200000000003}\n"));
	assert_non_null(strstr(b, "yyyy\"},\"Received\":1764151200000000004}\n"));
	free(a);
	free(b);
}

static void test_lines_complete_while_open(void **state)
{
	(void)state;
	char d[256], err[256], ev[2048], path[512];
	fresh_dir(d, sizeof(d), "crash");
	struct journal *j = journal_open(d, err, sizeof(err));
	assert_non_null(j);
	journal_path_for(path, sizeof(path), d, T0_S);
	for (int i = 0; i < 20; i++) {
		char id[16];
		snprintf(id, sizeof(id), "c%d", i);
		line_event(ev, sizeof(ev), i % 2 ? "end_ringing" : "start_ringing", id, i);
		assert_true(journal_append(j, ev, strlen(ev), (T0_S + i) * NS));
		/* as a crash would leave it: read the file while the writer is still open; lines
		 * may still be on their way, but none is ever half written */
		size_t len = 0;
		char *text = slurp(path, &len);
		if (text) {
			assert_true(len == 0 || text[len - 1] == '\n');
			assert_true(complete_lines(text, len) <= i + 1);
		}
		free(text);
		/* and once synced, every line appended is there */
		journal_sync(j, i == 10);
		text = slurp(path, &len);
		assert_non_null(text);
		assert_int_equal(complete_lines(text, len), i + 1);
		free(text);
	}
	journal_close(j);
}

/* Wait up to 3 s for path to hold n complete lines; the lines it holds. */
static int wait_for_lines(const char *path, int n)
{
	int lines = 0;
	for (int tries = 0; tries < 3000 && lines < n; tries++) {
		size_t len;
		char *text = slurp(path, &len);
		lines = text ? complete_lines(text, len) : 0;
		free(text);
		if (lines < n)
			usleep(1000);
	}
	return lines;
}

static void test_held_lines_go_out_without_a_sync(void **state)
{
	(void)state;
	char d[256], err[256], ev[2048], path[512];
	fresh_dir(d, sizeof(d), "held");
	struct journal *j = journal_open(d, err, sizeof(err));
	assert_non_null(j);
	journal_path_for(path, sizeof(path), d, T0_S);
	/* the first line goes at once, and the writer goes back to sleep */
	line_event(ev, sizeof(ev), "start_ringing", "held", 0);
	assert_true(journal_append(j, ev, strlen(ev), T0_S * NS));
	assert_int_equal(wait_for_lines(path, 1), 1);
	/* the next ones, within 50 ms of it, are held: nobody calls journal_sync, and the
	 * journal's thread must wake up and write them out by itself */
	for (int i = 1; i < 3; i++) {
		line_event(ev, sizeof(ev), "start_ringing", "held", i);
		assert_true(journal_append(j, ev, strlen(ev), (T0_S + i) * NS));
	}
	assert_int_equal(wait_for_lines(path, 3), 3);
	journal_close(j);
}

static void test_lines_that_cannot_be_written_are_counted(void **state)
{
	(void)state;
	char d[256], err[256], ev[2048], path[512];
	fresh_dir(d, sizeof(d), "lost");
	struct journal *j = journal_open(d, err, sizeof(err));
	assert_non_null(j);
	/* today's file is a directory: no one, root included, can open it for writing */
	journal_path_for(path, sizeof(path), d, T0_S);
	assert_int_equal(mkdir(path, 0700), 0);
	/* the first line fails at once; the next ones, held, fail without anyone syncing: the
	 * journal's thread wakes up for them though it has nothing to flush */
	for (int i = 0; i < 5; i++) {
		line_event(ev, sizeof(ev), "start_ringing", "lost", i);
		assert_true(journal_append(j, ev, strlen(ev), (T0_S + i) * NS));
		for (int tries = 0; tries < 3000 && (i == 0 || i == 4) && journal_lost(j) < 1u + i;
		     tries++)
			usleep(1000);
	}
	assert_int_equal(journal_lost(j), 5);
	journal_sync(j, true);
	assert_int_equal(journal_lost(j), 5);
	/* the next day's file can be written: only the lines that failed are counted */
	line_event(ev, sizeof(ev), "start_ringing", "next-day", 0);
	assert_true(journal_append(j, ev, strlen(ev), (T0_S + 86400) * NS));
	journal_sync(j, false);
	assert_int_equal(journal_lost(j), 5);
	journal_close(j);
}

struct appender {
	struct journal *j;
	int who;
	bool ok;
};

static void *append_many(void *arg)
{
	struct appender *a = arg;
	char ev[2048], id[32];
	a->ok = true;
	for (int i = 0; i < 200; i++) {
		snprintf(id, sizeof(id), "t%d-%d", a->who, i);
		line_event(ev, sizeof(ev), "start_ringing", id, i);
		a->ok &= journal_append(a->j, ev, strlen(ev), (T0_S + i) * NS);
	}
	return NULL;
}

static void test_threads_share_a_journal(void **state)
{
	(void)state;
	char d[256], err[256], path[512];
	fresh_dir(d, sizeof(d), "threads");
	struct journal *j = journal_open(d, err, sizeof(err));
	assert_non_null(j);
	pthread_t th[4];
	struct appender a[4];
	for (int i = 0; i < 4; i++) {
		a[i] = (struct appender){j, i, false};
		assert_int_equal(pthread_create(&th[i], NULL, append_many, &a[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_true(a[i].ok);
	}
	journal_close(j);
	journal_path_for(path, sizeof(path), d, T0_S);
	size_t len = 0;
	char *text = slurp(path, &len);
	assert_non_null(text);
	assert_int_equal(complete_lines(text, len), 800);
	free(text);
}

static struct model *new_model(void)
{
	struct settings s;
	settings_defaults(&s);
	struct model *m = calloc(1, sizeof(*m));
	assert_non_null(m);
	assert_true(model_init(m, &s));
	return m;
}

static void free_model(struct model *m)
{
	model_done(m);
	free(m);
}

/* A V1 envelope of two events. */
static char *envelope(char *buf, size_t size, const char *a, const char *b)
{
	snprintf(buf, size, "{\"Session\":\"s1\",\"Message\":\"\",\"Events\":[%s,%s]}", a, b);
	return buf;
}

static void ingest_text(struct model *m, struct journal *j, const char *body, int64_t rx)
{
	struct ingest_result r;
	memset(&r, 0, sizeof(r));
	ingest_body(m, j, body, strlen(body), rx, &r);
	assert_true(r.parsed);
}

/* Counters and the day's figures of two models are the same. */
static void assert_same_model(struct model *a, struct model *b)
{
	model_lock(a);
	model_lock(b);
	const struct model_state *x = &a->st, *y = &b->st;
	assert_int_equal(x->counters.events, y->counters.events);
	assert_int_equal(x->counters.malformed, y->counters.malformed);
	assert_int_equal(x->counters.duplicates, y->counters.duplicates);
	assert_int_equal(x->counters.unknown, y->counters.unknown);
	assert_int_equal(x->counters.registered, y->counters.registered);
	assert_int_equal(x->nlines, y->nlines);
	assert_int_equal(x->ncalls, y->ncalls);
	assert_int_equal(x->nqueues, y->nqueues);
	for (size_t i = 0; i < x->nlines; i++) {
		const struct line *l = state_find_line(y, x->lines[i].number);
		assert_non_null(l);
		assert_memory_equal(&x->lines[i].today, &l->today, sizeof(l->today));
	}
	for (size_t i = 0; i < x->nqueues; i++) {
		const struct queue *q = state_find_queue(y, x->queues[i].number);
		assert_non_null(q);
		assert_memory_equal(&x->queues[i].today, &q->today, sizeof(q->today));
		assert_int_equal(x->queues[i].nmembers, q->nmembers);
	}
	model_unlock(b);
	model_unlock(a);
}

/* A queue event of kind for caller uuid at t seconds after T0. */
static char *queue_event(char *buf, size_t size, const char *kind, const char *uuid, int t,
                         const char *extra)
{
	snprintf(buf, size,
	         "{\"Event\":\"%s\",\"Token\":\"" TOKEN "\",\"Service\":\"queues\","
	         "\"Ressource\":\"0033972200000\",\"Timestamp\":%lld000000000,"
	         "\"Data\":{\"Action\":\"%s\",\"QueueMemberUUID\":\"%s\","
	         "\"QueueMemberCIDNumber\":\"0655443322\",\"QueueMemberCIDName\":\"Client\","
	         "\"QueueMemberJoinedTime\":\"%lld\",\"Ts\":\"%lld\"%s},"
	         "\"Details\":{\"Description\":\"Support\",\"Type\":\"easyHunting\"}}",
	         kind, (long long)(T0_S + t), kind, uuid, (long long)T0_S, (long long)(T0_S + t),
	         extra);
	return buf;
}

static void test_round_trip(void **state)
{
	(void)state;
	char d[256], err[256], a[2048], b[2048], body[4500], path[512];
	fresh_dir(d, sizeof(d), "roundtrip");
	struct journal *j = journal_open(d, err, sizeof(err));
	assert_non_null(j);
	struct model *direct = new_model();
	int64_t rx = (T0_S + 1) * NS;

	/* an answered call and a call still ringing, sent as two envelopes */
	envelope(body, sizeof(body), line_event(a, sizeof(a), "start_ringing", "call-1", 0),
	         line_event(b, sizeof(b), "start_calling", "call-1", 5));
	ingest_text(direct, j, body, rx);
	envelope(body, sizeof(body), line_event(a, sizeof(a), "end_ringing", "call-1", 5),
	         line_event(b, sizeof(b), "end_calling", "call-1", 65));
	ingest_text(direct, j, body, rx + 65 * NS);
	ingest_text(direct, j, line_event(a, sizeof(a), "start_ringing", "call-2", 70),
	            rx + 70 * NS);
	/* the same event again (two tokens overlap): a duplicate */
	ingest_text(direct, j, line_event(a, sizeof(a), "start_ringing", "call-2", 70),
	            rx + 70 * NS);
	/* a queue caller answered, and one still waiting */
	char extra[256];
	snprintf(extra, sizeof(extra), ",\"Count\":\"1\"");
	ingest_text(direct, j, queue_event(a, sizeof(a), "member-queue-start", "m1", 0, extra), rx);
	snprintf(extra, sizeof(extra),
	         ",\"Agent\":\"0033972101011\",\"QueueAgent\":\"agent_0033972101011_12\","
	         "\"QueueAgentAnsweredTime\":\"%lld\"",
	         (long long)(T0_S + 12));
	ingest_text(direct, j, queue_event(a, sizeof(a), "bridge-agent-start", "m1", 12, extra),
	            rx + 12 * NS);
	ingest_text(direct, j, queue_event(a, sizeof(a), "member-queue-start", "m2", 30, ""),
	            rx + 30 * NS);
	journal_close(j);

	struct model *replayed = new_model();
	struct replay_result res;
	journal_path_for(path, sizeof(path), d, T0_S);
	assert_true(journal_replay(replayed, path, 0, NULL, true, &res, err, sizeof(err)));
	assert_int_equal(res.malformed_lines, 0);
	assert_int_equal(res.lines, 9);
	assert_int_equal(res.events, 9);

	model_lock(direct);
	assert_int_equal(direct->st.counters.duplicates, 1);
	assert_true(direct->st.counters.events >= 8);
	model_unlock(direct);
	assert_same_model(direct, replayed);

	/* replaying writes to no journal: the file is as it was */
	size_t before, after;
	free(slurp(path, &before));
	struct model *again = new_model();
	assert_true(journal_replay(again, path, 0, NULL, false, &res, err, sizeof(err)));
	free(slurp(path, &after));
	assert_int_equal(before, after);
	assert_same_model(direct, again);

	free_model(again);
	free_model(replayed);
	free_model(direct);
}

/* The r key's reset goes into the journal; a replay resets at the same point, so that what
 * came before is forgotten and what came after counts. */
static void test_reset_is_journalled_and_replayed(void **state)
{
	(void)state;
	char d[256], err[256], a[2048], path[512];
	fresh_dir(d, sizeof(d), "reset");
	struct journal *j = journal_open(d, err, sizeof(err));
	assert_non_null(j);
	struct model *live = new_model();
	int64_t rx = (T0_S + 1) * NS;
	ingest_text(live, j, line_event(a, sizeof(a), "start_ringing", "c1", 0), rx);
	ingest_text(live, j, line_event(a, sizeof(a), "start_calling", "c1", 5), rx + 5 * NS);
	ingest_text(live, j, line_event(a, sizeof(a), "end_calling", "c1", 65), rx + 65 * NS);
	model_lock(live);
	model_reset_today(live);
	model_unlock(live);
	assert_true(journal_append_reset(j, rx + 70 * NS));
	ingest_text(live, j, line_event(a, sizeof(a), "start_ringing", "c2", 80), rx + 80 * NS);
	journal_close(j);
	assert_false(journal_append_reset(NULL, rx));

	journal_path_for(path, sizeof(path), d, T0_S);
	char *text = slurp(path, NULL);
	assert_non_null(strstr(text, "{\"ctiboard\":\"reset_today\",\"Received\":"));
	free(text);
	struct model *restarted = new_model();
	struct replay_result res;
	assert_true(journal_replay(restarted, path, 0, NULL, true, &res, err, sizeof(err)));
	assert_int_equal(res.malformed_lines, 0);
	const struct line *l = state_find_line(&restarted->st, "0033972101010");
	assert_non_null(l);
	assert_int_equal(l->today.calls_in, 1); /* c2 only: c1 was before the reset */
	assert_int_equal(l->today.answered, 0);
	assert_int_equal(l->today.talk_s, 0);
	assert_same_model(live, restarted);
	free_model(restarted);
	free_model(live);
}

static void test_actions_are_journalled_and_counted_by_a_replay(void **state)
{
	(void)state;
	char d[256], err[256], a[2048], path[512];
	fresh_dir(d, sizeof(d), "actions");
	struct journal *j = journal_open(d, err, sizeof(err));
	assert_non_null(j);
	struct model *live = new_model();
	int64_t rx = (T0_S + 1) * NS;
	ingest_text(live, j, line_event(a, sizeof(a), "start_ringing", "c1", 0), rx);
	struct api_action_result r = {.seq = 1, .ok = false, .http = 403, .at_ns = rx + NS};
	r.act.kind = ACTION_BREAK;
	r.act.agent_id = 43;
	r.act.break_id = 3;
	snprintf(r.act.break_name, sizeof r.act.break_name, "Lunch");
	snprintf(r.act.agent_number, sizeof r.act.agent_number, "0033972101012");
	snprintf(r.act.agent_name, sizeof r.act.agent_name, "Bob");
	snprintf(r.act.who, sizeof r.act.who, "sup");
	api_action_refusal(403, "PUT", "/telephony/*/hunting/agent/*", "HTTP 403 NOT_GRANTED_CALL",
	                   r.answer, sizeof r.answer);
	char *line = api_action_journal_line(&r);
	assert_non_null(line);
	assert_true(journal_append(j, line, strlen(line), r.at_ns));
	free(line);
	ingest_text(live, j, line_event(a, sizeof(a), "start_calling", "c1", 5), rx + 5 * NS);
	journal_close(j);

	journal_path_for(path, sizeof(path), d, T0_S);
	char *text = slurp(path, NULL);
	assert_non_null(strstr(text, "\"ctiboard\":\"action\",\"who\":\"sup\",\"what\":\"set Bob"));
	assert_non_null(strstr(text, "\"http\":403"));
	assert_non_null(strstr(text, "ctiboard api login --actions"));
	assert_non_null(strstr(text, "\"breakReason\":\"Lunch\""));
	free(text);
	struct model *restarted = new_model();
	struct replay_result res;
	assert_true(journal_replay(restarted, path, 0, NULL, true, &res, err, sizeof(err)));
	assert_int_equal(res.lines, 3);
	assert_int_equal(res.actions, 1);
	assert_int_equal(res.malformed_lines, 0);
	assert_same_model(live, restarted);
	free_model(restarted);
	free_model(live);
}

static void test_action_bodies_and_words(void **state)
{
	(void)state;
	struct api_action act = {.kind = ACTION_AVAILABLE, .agent_id = 42};
	char body[128], words[512];
	snprintf(act.agent_number, sizeof act.agent_number, "0033972101011");
	snprintf(act.agent_name, sizeof act.agent_name, "Alice");
	api_action_body(&act, body, sizeof body);
	assert_string_equal(body, "{\"status\":\"available\"}");
	act.kind = ACTION_LOGOUT;
	api_action_body(&act, body, sizeof body);
	assert_string_equal(body, "{\"status\":\"loggedOut\"}");
	api_action_describe(&act, words, sizeof words);
	assert_non_null(strstr(words, "log Alice ("));
	act.kind = ACTION_BREAK;
	act.break_id = 4;
	api_action_body(&act, body, sizeof body);
	assert_string_equal(body, "{\"status\":\"onBreak\",\"breakStatus\":4}");
	api_action_refusal(403, "PUT", "/x", "NOT_GRANTED_CALL", words, sizeof words);
	assert_non_null(strstr(words, "ctiboard api login --actions"));
	assert_non_null(strstr(words, "PUT /x"));
	api_action_refusal(500, "PUT", "/x", "HTTP 500", words, sizeof words);
	assert_null(strstr(words, "login"));
	assert_true(api_action_is_journal_line("{\"ctiboard\":\"action\"}", 22));
	assert_false(api_action_is_journal_line(JOURNAL_RESET_LINE, strlen(JOURNAL_RESET_LINE)));
}

static void test_replay_reports_bad_lines(void **state)
{
	(void)state;
	char path[512], ev[2048], err[256];
	snprintf(path, sizeof(path), "%s/bad.jsonl", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", line_event(ev, sizeof(ev), "start_ringing", "c1", 0));
	fprintf(f, "this is not json\n");
	fprintf(f, "\n   \n");
	fprintf(f, "{\"Session\":\"x\",\"Events\":[%s]}\n",
	        line_event(ev, sizeof(ev), "start_calling", "c1", 3));
	fprintf(f, "{\"Event\":\"start_ringing\",\"Ressource\":\n");           /* cut short */
	fprintf(f, "%s", line_event(ev, sizeof(ev), "end_calling", "c1", 30)); /* no newline */
	fclose(f);

	/* catch what goes to stderr */
	char errpath[512];
	snprintf(errpath, sizeof(errpath), "%s/stderr.txt", dir);
	fflush(stderr);
	int saved = dup(2);
	FILE *ef = fopen(errpath, "w");
	assert_non_null(ef);
	dup2(fileno(ef), 2);
	struct model *m = new_model();
	struct replay_result res;
	bool ok = journal_replay(m, path, 0, NULL, true, &res, err, sizeof(err));
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	fclose(ef);
	assert_true(ok);

	assert_int_equal(res.lines, 5);
	assert_int_equal(res.malformed_lines, 2);
	char want[600];
	snprintf(want, sizeof(want), "%s:2: ", path);
	assert_memory_equal(res.first_error, want, strlen(want));
	char *text = slurp(errpath, NULL);
	assert_non_null(text);
	assert_non_null(strstr(text, want));
	snprintf(want, sizeof(want), "%s:6: ", path);
	assert_non_null(strstr(text, want));
	free(text);

	/* the good lines around them were applied: the call was answered and hung up */
	model_lock(m);
	assert_true(m->st.counters.events >= 3);
	const struct line *l = state_find_line(&m->st, "0033972101010");
	assert_non_null(l);
	assert_int_equal(l->today.answered, 1);
	assert_int_equal(l->ncalls, 0);
	model_unlock(m);
	free_model(m);
}

/* A replay as fast as it goes parses batches of lines on two threads: it must come to what
 * the paced replay (line by line, on one thread) comes to, over several batches, with bad
 * lines, blank lines, a reset, an action and an agent's status among them, each told with its
 * line number. */
static void test_replay_in_batches_is_the_replay_line_by_line(void **state)
{
	(void)state;
	char path[512], ev[2048], err[256];
	snprintf(path, sizeof(path), "%s/batches.jsonl", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	int lines = 0, bad_at = 0;
	for (int i = 0; i < 400; i++) {
		char id[16];
		snprintf(id, sizeof id, "c%d", i);
		fprintf(f, "%s\n", line_event(ev, sizeof(ev), "start_ringing", id, 10 * i));
		fprintf(f, "%s\n", line_event(ev, sizeof(ev), "start_calling", id, 10 * i + 1));
		fprintf(f, "%s\n", line_event(ev, sizeof(ev), "end_calling", id, 10 * i + 5));
		lines += 3;
		if (i == 85) { /* the first batch ends in the middle of these */
			fprintf(f, "\n  \n");
			lines += 2;
		} else if (i == 100) {
			fprintf(f, "not json\n");
			bad_at = ++lines;
		} else if (i == 200) {
			fprintf(f, "{\"ctiboard\":\"reset_today\",\"Received\":%lld}\n",
			        (long long)((T0_S + 10 * i + 6) * NS));
			lines++;
		} else if (i == 250) {
			fprintf(f, "{\"ctiboard\":\"action\",\"who\":\"sup\"}\n");
			lines++;
		} else if (i == 300) {
			fprintf(f, "[1]\n");
			lines++;
		} else if (i == 350) {
			fprintf(f, "{\"ctiboard\":\"agent_status\",\"t\":1}\n");
			lines++;
		}
	}
	fclose(f);

	struct model *fast = new_model(), *paced = new_model();
	struct replay_result a, b;
	assert_true(journal_replay(fast, path, 0, NULL, false, &a, err, sizeof(err)));
	assert_true(journal_replay(paced, path, 1e12, NULL, false, &b, err, sizeof(err)));
	assert_int_equal(a.lines, lines - 2);
	assert_int_equal(a.lines, b.lines);
	assert_int_equal(a.events, b.events);
	assert_int_equal(a.events, 1200 + 1); /* and the array's one element */
	assert_int_equal(a.malformed_lines, 2);
	assert_int_equal(a.malformed_lines, b.malformed_lines);
	assert_int_equal(a.actions, 1);
	assert_int_equal(a.actions, b.actions);
	assert_int_equal(a.agent_statuses, 1);
	assert_int_equal(a.agent_statuses, b.agent_statuses);
	assert_string_equal(a.first_error, b.first_error);
	char want[600];
	snprintf(want, sizeof(want), "%s:%d: ", path, bad_at);
	assert_memory_equal(a.first_error, want, strlen(want));
	assert_same_model(fast, paced);
	const struct line *l = state_find_line(&fast->st, "0033972101010");
	assert_non_null(l);
	assert_int_equal(l->today.answered, 199); /* those after the reset */
	free_model(paced);
	free_model(fast);
}

static void test_replay_missing_file_and_stop(void **state)
{
	(void)state;
	char path[512], ev[2048], err[256] = "";
	struct replay_result res;
	struct model *m = new_model();
	snprintf(path, sizeof(path), "%s/none.jsonl", dir);
	assert_false(journal_replay(m, path, 0, NULL, false, &res, err, sizeof(err)));
	assert_non_null(strstr(err, "none.jsonl"));

	/* a stop request ends the replay before the next line, even a slow one */
	snprintf(path, sizeof(path), "%s/stop.jsonl", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", line_event(ev, sizeof(ev), "start_ringing", "c1", 0));
	fprintf(f, "%s\n", line_event(ev, sizeof(ev), "end_ringing", "c1", 3600));
	fclose(f);
	atomic_bool stop = 1;
	assert_true(journal_replay(m, path, 1.0, &stop, false, &res, err, sizeof(err)));
	assert_int_equal(res.lines, 0);
	assert_true(journal_replay(m, path, 0, &stop, false, &res, err, sizeof(err)));
	assert_int_equal(res.lines, 0);
	free_model(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_default_dir),
	    cmocka_unit_test(test_path_is_local_day),
	    cmocka_unit_test(test_token_redacted),
	    cmocka_unit_test(test_registered_secret_scrubbed_anywhere),
	    cmocka_unit_test(test_big_integers_keep_their_digits),
	    cmocka_unit_test(test_held_lines_go_out_without_a_sync),
	    cmocka_unit_test(test_lines_that_cannot_be_written_are_counted),
	    cmocka_unit_test(test_not_an_object_is_refused),
	    cmocka_unit_test(test_modes),
	    cmocka_unit_test(test_day_files_follow_received_time),
	    cmocka_unit_test(test_day_files_follow_a_short_day),
	    cmocka_unit_test(test_parsed_event_gives_the_same_line),
	    cmocka_unit_test(test_lines_complete_while_open),
	    cmocka_unit_test(test_threads_share_a_journal),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_reset_is_journalled_and_replayed),
	    cmocka_unit_test(test_actions_are_journalled_and_counted_by_a_replay),
	    cmocka_unit_test(test_action_bodies_and_words),
	    cmocka_unit_test(test_replay_reports_bad_lines),
	    cmocka_unit_test(test_replay_in_batches_is_the_replay_line_by_line),
	    cmocka_unit_test(test_replay_missing_file_and_stop),
	    cmocka_unit_test(test_unwritable_dir_is_retried),
	    cmocka_unit_test(test_torn_last_line_is_repaired),
	    cmocka_unit_test(test_retention_deletes_old_day_files),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
