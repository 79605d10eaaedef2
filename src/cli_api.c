/* cli_api.c: settings, client and error messages shared by the API subcommands. */
#include "cli_api.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redact.h"

void cli_load_settings(struct settings *s, const char *config)
{
	char path[SETTINGS_PATH_MAX], err[SETTINGS_PATH_MAX + 256];
	const char *file = config;
	settings_defaults(s);
	if (!file) {
		settings_default_path(path, sizeof path);
		file = path;
	}
	if (!settings_load(s, file, config != NULL, err, sizeof err)) {
		fprintf(stderr, "ctiboard: %s\n", err);
		exit(1);
	}
}

void cli_set(struct settings *s, const char *key_value)
{
	char key[128], err[SETTINGS_PATH_MAX + 256];
	const char *eq = strchr(key_value, '=');
	if (!eq || (size_t)(eq - key_value) >= sizeof key)
		cli_usage_error(NULL, "--set: expected KEY=VALUE");
	memcpy(key, key_value, (size_t)(eq - key_value));
	key[eq - key_value] = '\0';
	if (strcmp(key, "token") == 0)
		cli_usage_error(NULL, "--set token: tokens are never given on the command line");
	if (!settings_set(s, key, eq + 1, err, sizeof err))
		cli_usage_error(NULL, "%s", err);
}

struct ovh_api *cli_open_api(const struct settings *s, struct ovh_credentials *c,
                             bool need_consumer_key)
{
	char err[SETTINGS_PATH_MAX + 256];
	if (!ovh_credentials_load(c, err, sizeof err)) {
		fprintf(stderr, "ctiboard: %s\n", err);
		return NULL;
	}
	if (!ovh_credentials_have_application(c)) {
		fprintf(stderr,
		        "ctiboard: no OVH application key and secret: create an application "
		        "(https://eu.api.ovh.com/createApp/ in Europe), then put them in %s as\n"
		        "  [%s]\n  application_key = ...\n  application_secret = ...\n"
		        "(mode 600), or in OVH_APPLICATION_KEY and OVH_APPLICATION_SECRET\n",
		        c->conf_path, c->endpoint);
		ovh_credentials_wipe(c);
		return NULL;
	}
	if (need_consumer_key && !c->consumer_key[0]) {
		fprintf(stderr, "ctiboard: no OVH consumer key: run 'ctiboard api login' first\n");
		ovh_credentials_wipe(c);
		return NULL;
	}
	struct ovh_api_options o;
	ovh_api_options_defaults(&o);
	o.max_per_min = s->api_max_per_min;
	o.timeout_s = s->api_timeout_s;
	o.connect_timeout_s = s->connect_timeout_s;
	o.backoff_base_ms = s->backoff_base_ms;
	o.backoff_cap_ms = s->backoff_cap_ms;
	struct ovh_api *a = ovh_api_open(c, &o, err, sizeof err);
	if (!a)
		fprintf(stderr, "ctiboard: %s\n", err);
	return a;
}

void cli_api_error(const char *what, const struct ovh_reply *r)
{
	char line[512];
	ovh_reply_describe(r, line, sizeof line);
	redact_text(line, strlen(line));
	fprintf(stderr, "ctiboard: %s: %s\n", what, line);
	if (r->outcome != OVH_HTTP_ERROR)
		return;
	if (strcmp(r->error_code, "NOT_GRANTED_CALL") == 0 ||
	    (r->http == 403 && !r->error_code[0] && strstr(r->message, "not granted")))
		fprintf(stderr, "ctiboard: the consumer key does not carry this right: run "
		                "'ctiboard api login' again (with --actions for supervisor "
		                "actions)\n");
	else if (strcmp(r->error_code, "INVALID_CREDENTIAL") == 0 ||
	         strcmp(r->error_code, "NOT_CREDENTIAL") == 0)
		fprintf(stderr,
		        "ctiboard: the consumer key is not valid (expired, revoked or never "
		        "validated): run 'ctiboard api login'\n");
	else if (strcmp(r->error_code, "INVALID_KEY") == 0 ||
	         strstr(r->message, "Invalid application key"))
		fprintf(stderr, "ctiboard: the application key is unknown to this endpoint: check "
		                "the endpoint and OVH_APPLICATION_KEY or ovh.conf\n");
}

void cli_usage_error(const char *command, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "ctiboard: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\nTry 'ctiboard %s--help'.\n", command ? command : "");
	va_end(ap);
	exit(2);
}
