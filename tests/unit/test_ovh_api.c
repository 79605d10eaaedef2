/* The OVH API client's pure parts: the signature (OVH's own test vectors), the request
 * budget, endpoints, the credentials' files and the consumer key written back. */
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

#include "api_budget.h"
#include "ovh_api.h"
#include "ovh_conf.h"
#include "redact.h"

#define AS  "9ufkBmLaTQ9nz5yMUlg79taH0GNnzDjk"
#define CK  "5mBuy6SUQcRw2ZUxg0cG68BoDKpED4KY"
#define TS  "1457018875"
#define EU  "https://eu.api.ovh.com/1.0"
#define BAP EU "/telephony/ovhtel-12345678-1"

static void check_signature(const char *method, const char *url, const char *body,
                            const char *expected)
{
	char sig[OVH_SIGNATURE_LEN + 1];
	ovh_signature(sig, AS, CK, method, url, body, TS);
	assert_string_equal(sig, expected);
}

/* The vectors of python-ovh's and php-ovh's test suites. */
static void test_signature_matches_the_sdk_vectors(void **state)
{
	(void)state;
	check_signature("GET", EU "/auth", "", "$1$e9556054b6309771395efa467c22e627407461ad");
	check_signature("GET", EU "/auth", NULL, "$1$e9556054b6309771395efa467c22e627407461ad");
	check_signature("POST", EU "/auth", "{\"a\":\"b\",\"c\":\"d\"}",
	                "$1$ec2fb5c7a81f64723c77d2e5b609ae6f58a84fc1");
	check_signature("PUT", EU "/auth", "{\"a\":\"b\",\"c\":\"d\"}",
	                "$1$8a75a9e7c8e7296c9dbeda6a2a735eb6bd58ec4b");
	check_signature("DELETE", EU "/auth", "", "$1$a1eecd00b3b02b6cf5708b84b9ff42059a950d85");
	check_signature("GET", EU "/call", "", "$1$7f2db49253edfc41891023fcd1a54cf61db05fbb");
	check_signature("GET", "https://eu.api.ovh.com/v1/call", "",
	                "$1$e6e7906d385eb28adcbfbe6b66c1528a42d741ad");
	check_signature("GET", "https://eu.api.ovh.com/v2/call", "",
	                "$1$bb63b132a6f84ad5433d0c534d48d3f7c3804285");
}

/* The reference's vectors for the dashboard's own calls. */
static void test_signature_of_the_dashboard_calls(void **state)
{
	(void)state;
	check_signature("GET", BAP "/ovhPabx/0033123456789/hunting/agent/42/liveStatus", "",
	                "$1$64b48443a5fe849213692172ec4497ce1b976686");
	check_signature("GET", BAP "/task?action=whisper&status=todo", "",
	                "$1$fc878a7fb9b0b32877840e6aff91be78dc367bad");
	check_signature(
	    "POST", BAP "/ovhPabx/0033123456789/hunting/queue/7/liveCalls/1234/whisper",
	    "{\"number\":\"0033612345678\",\"whisperingMode\":\"Whisper to agent only\"}",
	    "$1$cbae104e183cd81b71ecd6de5ed722d9f06730ce");
	check_signature("PUT", BAP "/ovhPabx/0033123456789/hunting/agent/42",
	                "{\"status\":\"onBreak\",\"breakStatus\":3}",
	                "$1$466226a3c71d743aa81df1450c3bfb5dc676e3eb");
	check_signature("POST", BAP "/ovhPabx/0033123456789/hunting/queue/7/liveCalls/1234/hangup",
	                NULL, "$1$fa899c97a200bdb10195050f69e320396cf88b54");
}

/* Greedy requests for ten simulated minutes: no 60 s window ever holds more than the
 * budget, the start is a small burst, and the rest is spread evenly. */
static void test_budget_caps_every_minute_and_spreads(void **state)
{
	(void)state;
	const int per_min = 50;
	struct api_budget b;
	int64_t now = 1000;
	api_budget_init(&b, per_min, now);
	int64_t sent[2000];
	int n = 0;
	while (now < 600 * INT64_C(1000000000) && n < 2000) {
		int64_t wait = api_budget_wait_ns(&b, now);
		if (wait) {
			now += wait;
			continue;
		}
		api_budget_take(&b, now);
		sent[n++] = now;
	}
	/* every window [t, t + 60 s] starting at a request */
	for (int i = 0; i < n; i++) {
		int in = 0;
		for (int j = i; j < n && sent[j] <= sent[i] + 60 * INT64_C(1000000000); j++)
			in++;
		assert_true(in <= per_min);
	}
	/* ten minutes of a budget of 50 is about 500 requests, not much less */
	assert_true(n >= 490);
	/* a burst of a tenth of the budget at once, then spread: no 10 s window holds more
	 * than the burst and 10 s of the pace */
	assert_int_equal(sent[4], sent[0]);
	assert_true(sent[5] > sent[0]);
	for (int i = 0; i < n; i++) {
		int in = 0;
		for (int j = i; j < n && sent[j] <= sent[i] + 10 * INT64_C(1000000000); j++)
			in++;
		assert_true(in <= 5 + 50 / 6 + 1);
	}
}

static void test_budget_of_two_still_moves(void **state)
{
	(void)state;
	struct api_budget b;
	api_budget_init(&b, 1, 0); /* raised to 2 */
	assert_int_equal(api_budget_wait_ns(&b, 0), 0);
	api_budget_take(&b, 0);
	int64_t wait = api_budget_wait_ns(&b, 0);
	assert_true(wait > 0 && wait <= 60 * INT64_C(1000000000) + 1);
	assert_int_equal(api_budget_wait_ns(&b, wait), 0);
}

static void test_endpoints_by_name_or_url(void **state)
{
	(void)state;
	char url[OVH_URL_MAX], err[256];
	assert_true(ovh_endpoint_url("ovh-eu", url, sizeof url, err, sizeof err));
	assert_string_equal(url, "https://eu.api.ovh.com/1.0");
	assert_true(ovh_endpoint_url("ovh-ca", url, sizeof url, err, sizeof err));
	assert_string_equal(url, "https://ca.api.ovh.com/1.0");
	assert_true(ovh_endpoint_url("ovh-us", url, sizeof url, err, sizeof err));
	assert_string_equal(url, "https://api.us.ovhcloud.com/1.0");
	assert_true(ovh_endpoint_url("soyoustart-ca", url, sizeof url, err, sizeof err));
	assert_string_equal(url, "https://ca.api.soyoustart.com/1.0");
	assert_true(
	    ovh_endpoint_url("https://eu.api.ovh.com/1.0/", url, sizeof url, err, sizeof err));
	assert_string_equal(url, "https://eu.api.ovh.com/1.0");
	assert_true(
	    ovh_endpoint_url("http://127.0.0.1:8080/1.0", url, sizeof url, err, sizeof err));
	assert_false(
	    ovh_endpoint_url("http://api.example.com/1.0", url, sizeof url, err, sizeof err));
	assert_non_null(strstr(err, "use https"));
	assert_false(ovh_endpoint_url("ovh-mars", url, sizeof url, err, sizeof err));
	assert_non_null(strstr(err, "unknown name"));
}

static void test_path_segments(void **state)
{
	(void)state;
	assert_true(ovh_path_segment_ok("ovhtel-12345678-1"));
	assert_true(ovh_path_segment_ok("0033123456789"));
	assert_false(ovh_path_segment_ok(".."));
	assert_false(ovh_path_segment_ok("a/b"));
	assert_false(ovh_path_segment_ok("a?b"));
	assert_false(ovh_path_segment_ok(""));
}

static char dir[128];

/* A private HOME and XDG_CONFIG_HOME, and no OVH_* variables. */
static int setup_home(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/ctiboard-test-ovh-%d", (int)getpid());
	char path[256];
	mkdir(dir, 0700);
	snprintf(path, sizeof path, "%s/xdg", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/xdg/ctiboard", dir);
	mkdir(path, 0700);
	setenv("HOME", dir, 1);
	snprintf(path, sizeof path, "%s/xdg", dir);
	setenv("XDG_CONFIG_HOME", path, 1);
	unsetenv("OVH_ENDPOINT");
	unsetenv("OVH_APPLICATION_KEY");
	unsetenv("OVH_APPLICATION_SECRET");
	unsetenv("OVH_CONSUMER_KEY");
	return 0;
}

static int teardown_home(void **state)
{
	(void)state;
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *rel, const char *text, int mode)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, (mode_t)mode);
}

static char *read_back(const char *rel)
{
	static char buf[4096];
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_credentials_from_files_then_environment(void **state)
{
	(void)state;
	struct ovh_credentials c;
	char err[512];
	/* nothing anywhere: ovh-eu, no keys, the per-user file as the place to write */
	assert_true(ovh_credentials_load(&c, err, sizeof err));
	assert_string_equal(c.base_url, "https://eu.api.ovh.com/1.0");
	assert_false(ovh_credentials_have_application(&c));
	assert_false(c.conf_exists);
	assert_non_null(strstr(c.conf_path, "/xdg/ctiboard/ovh.conf"));

	/* ~/.ovh.conf as OVH's tools write it, and the per-user file before it */
	write_file(".ovh.conf",
	           "[default]\n; the python-ovh layout\nendpoint=ovh-ca\n\n[ovh-ca]\n"
	           "application_key=homeAK\napplication_secret=homeSecret01\nconsumer_key="
	           "homeConsumer02\n",
	           0600);
	write_file("xdg/ctiboard/ovh.conf", "[ovh-ca]\napplication_key = xdgAK\n", 0600);
	assert_true(ovh_credentials_load(&c, err, sizeof err));
	assert_string_equal(c.endpoint, "ovh-ca");
	assert_string_equal(c.base_url, "https://ca.api.ovh.com/1.0");
	assert_string_equal(c.application_key, "xdgAK");
	assert_string_equal(c.application_secret, "homeSecret01");
	assert_string_equal(c.consumer_key, "homeConsumer02");
	assert_true(ovh_credentials_complete(&c));
	assert_non_null(strstr(c.conf_path, "/xdg/ctiboard/ovh.conf"));

	/* the environment wins */
	setenv("OVH_ENDPOINT", "http://127.0.0.1:9/1.0", 1);
	setenv("OVH_APPLICATION_KEY", "envAK", 1);
	setenv("OVH_CONSUMER_KEY", "envCK", 1);
	assert_true(ovh_credentials_load(&c, err, sizeof err));
	assert_string_equal(c.base_url, "http://127.0.0.1:9/1.0");
	assert_string_equal(c.application_key, "envAK");
	assert_string_equal(c.consumer_key, "envCK");
	assert_true(c.consumer_key_from_env);
	/* the section of a URL endpoint is the URL: nothing from [ovh-ca] */
	assert_string_equal(c.application_secret, "");
	unsetenv("OVH_ENDPOINT");
	unsetenv("OVH_APPLICATION_KEY");
	unsetenv("OVH_CONSUMER_KEY");

	/* the secrets read are registered for redaction */
	char text[] = "echo homeConsumer02 and homeSecret01";
	assert_true(redact_text(text, strlen(text)));
	assert_null(strstr(text, "homeConsumer02"));
	assert_null(strstr(text, "homeSecret01"));
	ovh_credentials_wipe(&c);
	assert_string_equal(c.consumer_key, "");
}

static void test_a_bad_file_is_named_with_its_line(void **state)
{
	(void)state;
	struct ovh_credentials c;
	char err[512];
	write_file(".ovh.conf", "[ovh-eu]\napplication_key = k\nthis is not ini\n", 0600);
	assert_false(ovh_credentials_load(&c, err, sizeof err));
	assert_non_null(strstr(err, ".ovh.conf:3: expected key = value"));
	write_file(".ovh.conf", "application_key = k\n", 0600);
	assert_false(ovh_credentials_load(&c, err, sizeof err));
	assert_non_null(strstr(err, ".ovh.conf:1: application_key: a key before any [section]"));
	write_file(".ovh.conf", "[default]\nendpoint = ovh-moon\n", 0600);
	assert_false(ovh_credentials_load(&c, err, sizeof err));
	assert_non_null(strstr(err, "ovh-moon"));
	unlink(strcat(strcpy((char[256]){0}, dir), "/.ovh.conf"));
}

static void test_consumer_key_is_stored_in_its_section(void **state)
{
	(void)state;
	char err[512], path[256];
	/* an existing file: the other lines and sections stay, the old key is replaced */
	write_file("xdg/ctiboard/ovh.conf",
	           "[default]\nendpoint = ovh-eu\n\n[ovh-eu]\napplication_key = AK\n"
	           "consumer_key = OLD\napplication_secret = AS\n\n[ovh-ca]\nconsumer_key = CA\n",
	           0644);
	snprintf(path, sizeof path, "%s/xdg/ctiboard/ovh.conf", dir);
	assert_true(ovh_conf_store_consumer_key(path, "ovh-eu", "NEWKEY", err, sizeof err));
	assert_string_equal(read_back("xdg/ctiboard/ovh.conf"),
	                    "[default]\nendpoint = ovh-eu\n\n[ovh-eu]\napplication_key = AK\n"
	                    "consumer_key = NEWKEY\napplication_secret = AS\n\n[ovh-ca]\n"
	                    "consumer_key = CA\n");
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	/* a section without the key gets it; a missing section is added */
	assert_true(ovh_conf_store_consumer_key(path, "ovh-ca", "K2", err, sizeof err));
	assert_true(ovh_conf_store_consumer_key(path, "ovh-us", "K3", err, sizeof err));
	write_file("xdg/ctiboard/ovh.conf", "[ovh-eu]\napplication_key = AK\n[x]\n", 0600);
	assert_true(ovh_conf_store_consumer_key(path, "ovh-eu", "K4", err, sizeof err));
	assert_string_equal(read_back("xdg/ctiboard/ovh.conf"),
	                    "[ovh-eu]\napplication_key = AK\nconsumer_key = K4\n[x]\n");

	/* a new file, in new directories */
	snprintf(path, sizeof path, "%s/new/dir/ovh.conf", dir);
	assert_true(ovh_conf_store_consumer_key(path, "ovh-eu", "K5", err, sizeof err));
	assert_string_equal(read_back("new/dir/ovh.conf"), "[ovh-eu]\nconsumer_key = K5\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_signature_matches_the_sdk_vectors),
	    cmocka_unit_test(test_signature_of_the_dashboard_calls),
	    cmocka_unit_test(test_budget_caps_every_minute_and_spreads),
	    cmocka_unit_test(test_budget_of_two_still_moves),
	    cmocka_unit_test(test_endpoints_by_name_or_url),
	    cmocka_unit_test(test_path_segments),
	    cmocka_unit_test_setup_teardown(test_credentials_from_files_then_environment,
	                                    setup_home, teardown_home),
	    cmocka_unit_test_setup_teardown(test_a_bad_file_is_named_with_its_line, setup_home,
	                                    teardown_home),
	    cmocka_unit_test_setup_teardown(test_consumer_key_is_stored_in_its_section, setup_home,
	                                    teardown_home),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
