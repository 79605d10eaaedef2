/* cmd_token.c: ctiboard token list|create|revoke: the event tokens of a billing account, or
 * of one of its services, through the OVH API; new tokens go into the token file (0600).
 *
 * A token is printed as its last four characters only; the token file is the only place its
 * whole value is written.
 */
#include <cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli_api.h"
#include "commands.h"
#include "feed.h"
#include "redact.h"
#include "secret_file.h"
#include "text.h"

static const char token_usage[] =
    "Usage: ctiboard token list|create|revoke [OPTION]...\n"
    "The event tokens of an OVH billing account, through the OVH API (see 'ctiboard api\n"
    "login'). A token is shown by its last four characters only.\n"
    "\n"
    "  list      the tokens of the billing account and of its services\n"
    "  create    create a token and append it to the token file (mode 600)\n"
    "  revoke    revoke the billing account's token, or with --service NAME that\n"
    "            service's token (each has one: the one 'list' shows), and take it out\n"
    "            of the token file\n"
    "\n"
    "  --billing-account NAME   the billing account (default: the only one the key sees)\n"
    "  --service NAME           a token for one service (line or queue) of the account\n"
    "  --expiration E           create: unlimited (default), 30d, 1d, 1h or 5m\n"
    "  --token-file FILE        default: token_file of the configuration, else\n"
    "                           $XDG_CONFIG_HOME/ctiboard/tokens\n"
    "  --config FILE, --set KEY=VALUE\n";

struct token_job {
	struct ovh_api *api;
	char billing[128];
	const char *service; /* NULL: the billing account's own token */
	const char *expiration;
	char token_file[SETTINGS_PATH_MAX];
};

/* The expiration names OVH takes (telephony.TokenExpirationEnum), with short forms. */
static const char *expiration_value(const char *e)
{
	static const char *const names[][4] = {
	    {"unlimited", "unlimited", "unlimited", "unlimited"},
	    {"30 days", "30d", "30days", "30 days"},
	    {"1 day", "1d", "1day", "1 day"},
	    {"1 hour", "1h", "1hour", "1 hour"},
	    {"5 minutes", "5m", "5min", "5minutes"},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		for (size_t j = 1; j < 4; j++)
			if (strcmp(e, names[i][j]) == 0)
				return names[i][0];
	return NULL;
}

/* The billing account: the one given, or the only one the key sees. */
static bool find_billing_account(struct token_job *j, const char *given)
{
	if (given) {
		if (!ovh_path_segment_ok(given)) {
			fprintf(stderr,
			        "ctiboard: --billing-account: not a billing account name\n");
			return false;
		}
		text_copy(j->billing, sizeof j->billing, given);
		return true;
	}
	struct ovh_reply r;
	bool ok = false;
	if (!ovh_api_call(j->api, "GET", "/telephony", NULL, &r)) {
		cli_api_error("listing the billing accounts", &r);
	} else if (!cJSON_IsArray(r.json) || cJSON_GetArraySize(r.json) == 0) {
		fprintf(stderr, "ctiboard: these credentials see no telephony billing account\n");
	} else if (cJSON_GetArraySize(r.json) > 1) {
		fprintf(stderr,
		        "ctiboard: these credentials see %d billing accounts; choose one "
		        "with --billing-account:",
		        cJSON_GetArraySize(r.json));
		const cJSON *it;
		cJSON_ArrayForEach(it, r.json)
		{
			char name[128];
			if (cJSON_IsString(it)) {
				text_sanitize(name, sizeof name, it->valuestring,
				              strlen(it->valuestring));
				fprintf(stderr, " %s", name);
			}
		}
		fprintf(stderr, "\n");
	} else {
		const cJSON *only = cJSON_GetArrayItem(r.json, 0);
		if (cJSON_IsString(only) && ovh_path_segment_ok(only->valuestring)) {
			text_copy(j->billing, sizeof j->billing, only->valuestring);
			ok = true;
		} else {
			fprintf(stderr, "ctiboard: the billing account's name is not usable\n");
		}
	}
	ovh_reply_clear(&r);
	return ok;
}

static void token_path(const struct token_job *j, const char *service, char *dst, size_t n)
{
	if (service)
		snprintf(dst, n, "/telephony/%s/service/%s/eventToken", j->billing, service);
	else
		snprintf(dst, n, "/telephony/%s/eventToken", j->billing);
}

/* GET the token of a level: 1 found (tok filled), 0 none (404), -1 error (printed). */
static int get_token(struct token_job *j, const char *service, char *tok, size_t toksize)
{
	char path[512];
	struct ovh_reply r;
	token_path(j, service, path, sizeof path);
	int res = -1;
	if (ovh_api_call(j->api, "GET", path, NULL, &r)) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(r.json, "token");
		if (cJSON_IsString(t) && token_is_guid(t->valuestring)) {
			text_copy(tok, toksize, t->valuestring);
			redact_register(tok);
			res = 1;
		} else {
			fprintf(stderr, "ctiboard: %s: the answer holds no token\n", path);
		}
	} else if (r.outcome == OVH_HTTP_ERROR && r.http == 404) {
		res = 0;
	} else {
		cli_api_error(path, &r);
	}
	ovh_reply_clear(&r);
	return res;
}

/* Is tok a line of the token file? */
static bool in_token_file(const char *file, const char *tok)
{
	size_t len;
	char *text = secret_file_read(file, &len);
	if (!text)
		return false;
	bool found = false;
	for (char *line = text; line && *line && !found;) {
		char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
			n--;
		while (n && (*line == ' ' || *line == '\t'))
			line++, n--;
		found = n == strlen(tok) && strncmp(line, tok, n) == 0;
		line = nl ? nl + 1 : NULL;
	}
	secret_file_free(text, len);
	return found;
}

static void print_row(const struct token_job *j, const char *level, const char *name,
                      const char *tok)
{
	char label[16] = "none";
	if (tok)
		redact_label(label, sizeof label, tok);
	if (tok && in_token_file(j->token_file, tok))
		printf("%-20s %-16s %-8s in the token file\n", name, level, label);
	else
		printf("%-20s %-16s %s\n", name, level, label);
}

static int token_list(struct token_job *j)
{
	char tok[64];
	printf("%-20s %-16s %s\n", "NAME", "LEVEL", "TOKEN");
	if (!j->service) {
		int got = get_token(j, NULL, tok, sizeof tok);
		if (got < 0)
			return 1;
		print_row(j, "billing account", j->billing, got ? tok : NULL);
	}
	struct ovh_reply r;
	char path[256];
	cJSON *services = NULL;
	if (j->service) {
		services = cJSON_CreateArray();
		cJSON_AddItemToArray(services, cJSON_CreateString(j->service));
	} else {
		snprintf(path, sizeof path, "/telephony/%s/service", j->billing);
		if (!ovh_api_call(j->api, "GET", path, NULL, &r)) {
			cli_api_error(path, &r);
			ovh_reply_clear(&r);
			return 1;
		}
		services = r.json;
		r.json = NULL;
		ovh_reply_clear(&r);
	}
	int status = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, services)
	{
		if (!cJSON_IsString(it) || !ovh_path_segment_ok(it->valuestring))
			continue;
		int got = get_token(j, it->valuestring, tok, sizeof tok);
		if (got < 0) {
			status = 1;
			break;
		}
		print_row(j, "service", it->valuestring, got ? tok : NULL);
	}
	cJSON_Delete(services);
	secret_wipe(tok, sizeof tok);
	return status;
}

static int token_create(struct token_job *j)
{
	char path[512], body[64], tok[64], label[16], err[SETTINGS_PATH_MAX + 256];
	struct ovh_reply r;
	token_path(j, j->service, path, sizeof path);
	snprintf(body, sizeof body, "{\"expiration\":\"%s\"}", j->expiration);
	if (!ovh_api_call(j->api, "POST", path, body, &r)) {
		cli_api_error("creating the token", &r);
		ovh_reply_clear(&r);
		return 1;
	}
	/* the answer is the token as a bare JSON string */
	bool ok = cJSON_IsString(r.json) && token_is_guid(r.json->valuestring);
	if (ok) {
		text_copy(tok, sizeof tok, r.json->valuestring);
		redact_register(tok);
	}
	ovh_reply_clear(&r);
	if (!ok) {
		fprintf(stderr, "ctiboard: creating the token: the answer is not a token\n");
		return 1;
	}
	char text[512], when[32];
	time_t now = time(NULL);
	struct tm tm;
	strftime(when, sizeof when, "%Y-%m-%d %H:%M", localtime_r(&now, &tm));
	int n = snprintf(text, sizeof text, "# %s%s%s, expiration %s, created %s\n%s\n", j->billing,
	                 j->service ? " service " : "", j->service ? j->service : "", j->expiration,
	                 when, tok);
	redact_label(label, sizeof label, tok);
	ok = secret_file_append(j->token_file, text, (size_t)n, err, sizeof err);
	secret_wipe(text, sizeof text);
	secret_wipe(tok, sizeof tok);
	if (!ok) {
		fprintf(stderr, "ctiboard: the token %s was created but could not be stored: %s\n",
		        label, err);
		return 1;
	}
	printf("Token %s created for %s%s%s (expiration %s), appended to %s.\n", label,
	       j->service ? "service " : "billing account ", j->service ? j->service : j->billing,
	       "", j->expiration, j->token_file);
	return 0;
}

/* Take the lines holding tok out of the token file; false on a write error (printed). */
static bool remove_from_token_file(const char *file, const char *tok, bool *removed)
{
	size_t len;
	*removed = false;
	char *text = secret_file_read(file, &len);
	if (!text)
		return true;
	char *out = malloc(len + 1);
	size_t on = 0;
	bool ok = out != NULL;
	for (char *line = text; ok && line && *line;) {
		char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) + 1 : strlen(line);
		if (strstr(line, tok) && (!nl || strstr(line, tok) < nl))
			*removed = true;
		else
			memcpy(out + on, line, n), on += n;
		line = nl ? nl + 1 : NULL;
	}
	char err[SETTINGS_PATH_MAX + 256];
	if (ok && *removed && !secret_file_replace(file, out, on, err, sizeof err)) {
		fprintf(stderr, "ctiboard: %s\n", err);
		ok = false;
	}
	secret_file_free(out, len + 1);
	secret_file_free(text, len);
	return ok;
}

static int token_revoke(struct token_job *j)
{
	char path[512], tok[64], label[16];
	int got = get_token(j, j->service, tok, sizeof tok);
	if (got <= 0) {
		if (got == 0)
			fprintf(stderr, "ctiboard: %s %s has no event token\n",
			        j->service ? "service" : "billing account",
			        j->service ? j->service : j->billing);
		return 1;
	}
	redact_label(label, sizeof label, tok);
	token_path(j, j->service, path, sizeof path);
	struct ovh_reply r;
	bool ok = ovh_api_call(j->api, "DELETE", path, NULL, &r);
	if (!ok)
		cli_api_error("revoking the token", &r);
	ovh_reply_clear(&r);
	bool removed = false;
	if (ok)
		ok = remove_from_token_file(j->token_file, tok, &removed);
	secret_wipe(tok, sizeof tok);
	if (!ok)
		return 1;
	printf("Token %s revoked%s%s.\n", label, removed ? "; removed from " : "",
	       removed ? j->token_file : "");
	return 0;
}

int command_token(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"billing-account", required_argument, NULL, 'b'},
	    {"service", required_argument, NULL, 'S'},
	    {"expiration", required_argument, NULL, 'e'},
	    {"token-file", required_argument, NULL, 't'},
	    {"config", required_argument, NULL, 'c'},
	    {"set", required_argument, NULL, 's'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *config = NULL, *billing = NULL, *token_file = NULL;
	struct token_job j = {.expiration = "unlimited"};
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
		case 'b': billing = optarg; break;
		case 'S':
			if (!ovh_path_segment_ok(optarg))
				cli_usage_error("token ", "--service: not a service name");
			j.service = optarg;
			break;
		case 'e':
			if (!(j.expiration = expiration_value(optarg)))
				cli_usage_error("token ",
				                "--expiration: expected unlimited, 30d, 1d, "
				                "1h or 5m");
			break;
		case 't': token_file = optarg; break;
		case 'c': break;
		case 's': cli_set(&s, optarg); break;
		case 'h': fputs(token_usage, stdout); return 0;
		case ':': cli_usage_error("token ", "option '%s' needs a value", argv[optind - 1]);
		default: cli_usage_error("token ", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		cli_usage_error("token ", "token: expected a command (list, create or revoke)");
	const char *cmd = argv[optind];
	if (strcmp(cmd, "list") != 0 && strcmp(cmd, "create") != 0 && strcmp(cmd, "revoke") != 0)
		cli_usage_error("token ",
		                "token: unknown command '%s' (expected list, create or "
		                "revoke)",
		                cmd);
	if (optind + 1 < argc)
		cli_usage_error("token ", "unexpected argument '%s'", argv[optind + 1]);
	if (token_file)
		text_copy(j.token_file, sizeof j.token_file, token_file);
	else if (s.ntoken_files > 0)
		text_copy(j.token_file, sizeof j.token_file, s.token_files[0]);
	else
		feed_default_token_file(j.token_file, sizeof j.token_file);

	struct ovh_credentials c;
	int status = 1;
	if ((j.api = cli_open_api(&s, &c, true)) && find_billing_account(&j, billing)) {
		if (strcmp(cmd, "list") == 0)
			status = token_list(&j);
		else if (strcmp(cmd, "create") == 0)
			status = token_create(&j);
		else
			status = token_revoke(&j);
	}
	ovh_api_close(j.api);
	ovh_credentials_wipe(&c);
	return status;
}
