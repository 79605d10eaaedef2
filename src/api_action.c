/* api_action.c: the supervisor's actions in words, in JSON and in the journal. */
#include "api_action.h"

#include <cJSON.h>
#include <stdio.h>
#include <string.h>

#include "bytescan.h"
#include "text.h"

#define JOURNAL_KEY "\"ctiboard\":\"action\""

static const char *const statuses[ACTION_KIND_COUNT] = {"available", "onBreak", "loggedOut"};
static const char *const kind_names[ACTION_KIND_COUNT] = {"available", "break",   "logout",
                                                          "listen",    "whisper", "hangup"};
static const char *const verbs[ACTION_KIND_COUNT] = {"",           "",         "",
                                                     "/eavesdrop", "/whisper", "/hangup"};

static bool kind_ok(enum api_action_kind k)
{
	return k >= 0 && k < ACTION_KIND_COUNT;
}

const char *api_action_status(enum api_action_kind k)
{
	return kind_ok(k) ? statuses[k] : NULL;
}

const char *api_action_kind_name(enum api_action_kind k)
{
	return kind_ok(k) ? kind_names[k] : "?";
}

bool api_action_on_call(enum api_action_kind k)
{
	return k == ACTION_LISTEN || k == ACTION_WHISPER || k == ACTION_HANGUP;
}

const char *api_action_method(enum api_action_kind k)
{
	return api_action_on_call(k) ? "POST" : "PUT";
}

const char *api_action_verb(enum api_action_kind k)
{
	return kind_ok(k) ? verbs[k] : "";
}

void api_action_body(const struct api_action *a, char *dst, size_t dstsize)
{
	switch (a->kind) {
	case ACTION_BREAK:
		snprintf(dst, dstsize, "{\"status\":\"onBreak\",\"breakStatus\":%lld}",
		         (long long)a->break_id);
		break;
	case ACTION_LISTEN: snprintf(dst, dstsize, "{\"number\":\"%s\"}", a->supervisor); break;
	case ACTION_WHISPER:
		snprintf(dst, dstsize,
		         "{\"number\":\"%s\",\"whisperingMode\":\"Whisper to agent only\"}",
		         a->supervisor);
		break;
	case ACTION_HANGUP: snprintf(dst, dstsize, "%s", ""); break;
	default: snprintf(dst, dstsize, "{\"status\":\"%s\"}", api_action_status(a->kind)); break;
	}
}

/* The caller of a live call for people: "+33 6 12 34 56 78", or the API's text. */
static void caller_words(const struct api_action *a, char *dst, size_t dstsize)
{
	if (a->caller[0] >= '0' && a->caller[0] <= '9')
		phone_display(dst, dstsize, a->caller);
	else
		snprintf(dst, dstsize, "%.40s", a->caller[0] ? a->caller : "a caller");
}

/* "listen to +33 6 12 34 56 78 with Alice on +33 6 99 88 77 66", short enough for 80
 * columns. */
static void describe_call(const struct api_action *a, char *dst, size_t dstsize)
{
	char caller[64], number[64];
	caller_words(a, caller, sizeof caller);
	phone_display(number, sizeof number, a->supervisor);
	bool agent = a->call_agent[0] != '\0';
	switch (a->kind) {
	case ACTION_LISTEN:
		snprintf(dst, dstsize, "listen to %s%s%.40s on %s", caller, agent ? " with " : "",
		         a->call_agent, number);
		break;
	case ACTION_WHISPER:
		if (agent)
			snprintf(dst, dstsize, "whisper to %.40s, with %s, from %s", a->call_agent,
			         caller, number);
		else
			snprintf(dst, dstsize, "whisper into the call of %s from %s", caller,
			         number);
		break;
	default:
		snprintf(dst, dstsize, "hang up %s%s%.40s", caller, agent ? " with " : "",
		         a->call_agent);
		break;
	}
}

void api_action_describe(const struct api_action *a, char *dst, size_t dstsize)
{
	char number[64];
	if (api_action_on_call(a->kind)) {
		describe_call(a, dst, dstsize);
		return;
	}
	phone_display(number, sizeof number, a->agent_number);
	const char *name = a->agent_name[0] ? a->agent_name : number;
	switch (a->kind) {
	case ACTION_BREAK:
		snprintf(dst, dstsize, "set %.64s (%s) on break (%.64s)", name, number,
		         a->break_name[0] ? a->break_name : "no reason");
		break;
	case ACTION_LOGOUT: snprintf(dst, dstsize, "log %.64s (%s) out", name, number); break;
	default: snprintf(dst, dstsize, "set %.64s (%s) available", name, number); break;
	}
}

void api_action_refusal(long http, const char *method, const char *path, const char *reply,
                        char *dst, size_t dstsize)
{
	if (http == 403)
		snprintf(dst, dstsize,
		         "HTTP 403, run ctiboard api login --actions: the key lacks the right "
		         "%s %.80s (%.100s)",
		         method, path, reply);
	else
		snprintf(dst, dstsize, "failed: %.200s", reply);
}

char *api_action_journal_line(const struct api_action_result *r)
{
	char what[2 * TEXT_MAX];
	int64_t at_s = r->at_ns / 1000000000;
	api_action_describe(&r->act, what, sizeof what);
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	const struct api_action *a = &r->act;
	bool ok = cJSON_AddStringToObject(o, "ctiboard", "action") &&
	          cJSON_AddStringToObject(o, "who", a->who) &&
	          cJSON_AddStringToObject(o, "what", what) &&
	          cJSON_AddStringToObject(o, "kind", api_action_kind_name(a->kind));
	if (ok && api_action_on_call(a->kind))
		ok = cJSON_AddNumberToObject(o, "queueId", (double)a->queue_id) &&
		     cJSON_AddNumberToObject(o, "callId", (double)a->call_id) &&
		     cJSON_AddStringToObject(o, "caller", a->caller) &&
		     cJSON_AddStringToObject(o, "agent", a->call_agent) &&
		     (a->kind == ACTION_HANGUP ||
		      cJSON_AddStringToObject(o, "number", a->supervisor));
	else if (ok)
		ok = cJSON_AddStringToObject(o, "status", api_action_status(a->kind)) &&
		     cJSON_AddNumberToObject(o, "agentId", (double)a->agent_id) &&
		     cJSON_AddStringToObject(o, "agent", a->agent_number);
	ok = ok && cJSON_AddStringToObject(o, "service", r->act.service) &&
	     cJSON_AddNumberToObject(o, "at", (double)at_s) &&
	     cJSON_AddBoolToObject(o, "ok", r->ok) &&
	     cJSON_AddNumberToObject(o, "http", (double)r->http) &&
	     cJSON_AddStringToObject(o, "answer", r->answer);
	if (ok && r->act.kind == ACTION_BREAK)
		ok = cJSON_AddNumberToObject(o, "breakStatus", (double)r->act.break_id) &&
		     cJSON_AddStringToObject(o, "breakReason", r->act.break_name);
	char *line = ok ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	return line;
}

bool api_action_is_journal_line(const char *line, size_t len)
{
	return bytes_find(line, len, JOURNAL_KEY, sizeof JOURNAL_KEY - 1, 4) != NULL; /* its 'b' */
}
