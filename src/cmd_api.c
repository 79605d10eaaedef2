/* cmd_api.c: ctiboard api login: a consumer key with the least rights the dashboard needs.
 *
 * POST /auth/credential (unsigned) asks for the key with its access rules and gives back a
 * validation address; the user opens it and grants the access; GET /auth/currentCredential
 * (signed with the new key) tells when that is done; the key then goes into the ovh.conf in
 * use, mode 0600. The key itself is never printed (its last four characters at most).
 */
#include <cJSON.h>
#include <curl/curl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_api.h"
#include "clock.h"
#include "commands.h"
#include "redact.h"
#include "text.h"

static const char api_usage[] =
    "Usage: ctiboard api login [--actions] [--wait SECONDS] [--config FILE] [--set KEY=VALUE]\n"
    "Ask OVH for a consumer key for this program, print the address where you grant it,\n"
    "wait until you have, and store the key in the ovh.conf in use (mode 600).\n"
    "\n"
    "The application key and secret come from OVH_APPLICATION_KEY and OVH_APPLICATION_SECRET\n"
    "or ovh.conf ($XDG_CONFIG_HOME/ctiboard/ovh.conf, ~/.ovh.conf, /etc/ovh.conf), the\n"
    "endpoint from OVH_ENDPOINT or [default] endpoint (ovh-eu by default).\n"
    "\n"
    "Rights asked: GET on /telephony and below, POST and DELETE on event tokens, and\n"
    "GET /auth/currentCredential. With --actions also the supervisor actions: PUT on hunting\n"
    "agents (set an agent's status), POST eavesdrop, whisper and hangup on live calls.\n"
    "\n"
    "  --actions          also ask for the supervisor actions' rights\n"
    "  --wait SECONDS     give up waiting after this long (default 600)\n";

/* The access rules: read-only telephony and event tokens, the actions only if asked. */
static char *access_rules_body(bool actions)
{
	static const char *const rules[][2] = {
	    {"GET", "/telephony"},
	    {"GET", "/telephony/*"},
	    {"POST", "/telephony/*/eventToken"},
	    {"DELETE", "/telephony/*/eventToken"},
	    {"GET", "/auth/currentCredential"},
	};
	static const char *const action_rules[][2] = {
	    {"PUT", "/telephony/*/hunting/agent/*"},
	    {"POST", "/telephony/*/hunting/queue/*/liveCalls/*/eavesdrop"},
	    {"POST", "/telephony/*/hunting/queue/*/liveCalls/*/whisper"},
	    {"POST", "/telephony/*/hunting/queue/*/liveCalls/*/hangup"},
	};
	cJSON *root = cJSON_CreateObject();
	cJSON *list = cJSON_AddArrayToObject(root, "accessRules");
	for (size_t i = 0; list && i < sizeof rules / sizeof rules[0]; i++) {
		cJSON *r = cJSON_CreateObject();
		cJSON_AddStringToObject(r, "method", rules[i][0]);
		cJSON_AddStringToObject(r, "path", rules[i][1]);
		cJSON_AddItemToArray(list, r);
	}
	for (size_t i = 0; list && actions && i < sizeof action_rules / sizeof action_rules[0];
	     i++) {
		cJSON *r = cJSON_CreateObject();
		cJSON_AddStringToObject(r, "method", action_rules[i][0]);
		cJSON_AddStringToObject(r, "path", action_rules[i][1]);
		cJSON_AddItemToArray(list, r);
	}
	char *body = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return body;
}

/* A string field of an answer, sanitised; "" when absent. */
static void answer_string(char *dst, size_t dstsize, const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	dst[0] = '\0';
	if (cJSON_IsString(v) && v->valuestring)
		text_sanitize(dst, dstsize, v->valuestring, strlen(v->valuestring));
}

enum wait_result { WAIT_VALIDATED, WAIT_PENDING, WAIT_FAILED };

/* One look at the new key: validated, still pending, or refused (printed). */
static enum wait_result check_validation(struct ovh_api *a)
{
	struct ovh_reply r;
	enum wait_result res = WAIT_FAILED;
	if (ovh_api_call(a, "GET", "/auth/currentCredential", NULL, &r)) {
		char status[32];
		answer_string(status, sizeof status, r.json, "status");
		if (strcmp(status, "validated") == 0)
			res = WAIT_VALIDATED;
		else if (strcmp(status, "pendingValidation") == 0)
			res = WAIT_PENDING;
		else
			fprintf(stderr, "ctiboard: the consumer key was not granted (%s)\n",
			        status[0] ? status : "no status");
	} else if (r.outcome == OVH_HTTP_ERROR && r.http == 403 &&
	           strcmp(r.error_code, "INVALID_CREDENTIAL") == 0) {
		res = WAIT_PENDING; /* OVH's answer to a key not validated yet */
	} else {
		cli_api_error("waiting for the validation", &r);
	}
	ovh_reply_clear(&r);
	return res;
}

/* Store the key in the ovh.conf in use, or in the per-user one if that cannot be written. */
static bool store_key(const struct ovh_credentials *c, const char *ck)
{
	char err[SETTINGS_PATH_MAX + 256], path[SETTINGS_PATH_MAX], label[16];
	text_copy(path, sizeof path, c->conf_path);
	if (c->conf_exists && access(path, W_OK) != 0) {
		ovh_conf_default_path(path, sizeof path);
		printf("%s cannot be written: the key goes to %s\n", c->conf_path, path);
	}
	if (!ovh_conf_store_consumer_key(path, c->endpoint, ck, err, sizeof err)) {
		fprintf(stderr, "ctiboard: %s\n", err);
		return false;
	}
	redact_label(label, sizeof label, ck);
	printf("Validated. Consumer key %s stored in %s [%s].\n", label, path, c->endpoint);
	if (c->consumer_key_from_env)
		printf("Note: OVH_CONSUMER_KEY is set in the environment and overrides it; "
		       "unset it.\n");
	return true;
}

static int api_login(struct settings *s, bool actions, int wait_s)
{
	struct ovh_credentials c;
	struct ovh_api *a = cli_open_api(s, &c, false);
	if (!a)
		return 1;
	char *body = access_rules_body(actions);
	struct ovh_reply r;
	int status = 1;
	if (!body) {
		fprintf(stderr, "ctiboard: out of memory\n");
	} else if (!ovh_api_call_unsigned(a, "POST", "/auth/credential", body, &r)) {
		cli_api_error("asking for a consumer key", &r);
		ovh_reply_clear(&r);
	} else {
		char ck[OVH_KEY_MAX], url[1024], state[32];
		answer_string(ck, sizeof ck, r.json, "consumerKey");
		answer_string(url, sizeof url, r.json, "validationUrl");
		answer_string(state, sizeof state, r.json, "state");
		ovh_reply_clear(&r);
		if (!ck[0] || !url[0]) {
			fprintf(stderr, "ctiboard: asking for a consumer key: the answer has no "
			                "consumerKey or validationUrl\n");
		} else {
			ovh_api_set_consumer_key(a, ck);
			printf(
			    "Open this address in a browser, log in to your OVH account and grant "
			    "the access:\n\n  %s\n\nWaiting for the validation (up to %d s; "
			    "Ctrl-C to give up)...\n",
			    url, wait_s);
			fflush(stdout);
			int64_t deadline = mono_now_ns() + (int64_t)wait_s * NS_PER_S;
			enum wait_result w = WAIT_PENDING;
			while (w == WAIT_PENDING && mono_now_ns() < deadline) {
				struct timespec pause = {1, 0};
				nanosleep(&pause, NULL);
				w = check_validation(a);
			}
			if (w == WAIT_PENDING)
				fprintf(stderr,
				        "ctiboard: not validated after %d s; run 'ctiboard api "
				        "login' again\n",
				        wait_s);
			if (w == WAIT_VALIDATED && store_key(&c, ck))
				status = 0;
		}
		secret_wipe(ck, sizeof ck);
	}
	if (body)
		cJSON_free(body);
	ovh_api_close(a);
	ovh_credentials_wipe(&c);
	return status;
}

int command_api(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"actions", no_argument, NULL, 'a'},      {"wait", required_argument, NULL, 'w'},
	    {"config", required_argument, NULL, 'c'}, {"set", required_argument, NULL, 's'},
	    {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
	};
	const char *config = NULL;
	bool actions = false;
	int wait_s = 600;
	/* --config first: --set applies over the file */
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config = argv[i + 1];
	struct settings s;
	cli_load_settings(&s, config);
	opterr = 0;
	optind = 1;
	int ch;
	while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (ch) {
		case 'a': actions = true; break;
		case 'w': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || end == optarg || v < 1 || v > 86400)
				cli_usage_error("api ", "--wait: expected seconds from 1 to 86400");
			wait_s = (int)v;
			break;
		}
		case 'c': break;
		case 's': cli_set(&s, optarg); break;
		case 'h': fputs(api_usage, stdout); return 0;
		case ':': cli_usage_error("api ", "option '%s' needs a value", argv[optind - 1]);
		default: cli_usage_error("api ", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		cli_usage_error("api ", "api: expected a command (login)");
	if (strcmp(argv[optind], "login") != 0)
		cli_usage_error("api ", "api: unknown command '%s' (expected login)", argv[optind]);
	if (optind + 1 < argc)
		cli_usage_error("api ", "unexpected argument '%s'", argv[optind + 1]);
	int status = api_login(&s, actions, wait_s);
	return status;
}

bool command_is(const char *arg)
{
	return strcmp(arg, "api") == 0 || strcmp(arg, "token") == 0;
}
