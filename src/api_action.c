/* api_action.c: the supervisor's actions in words, in JSON and in the journal. */
#include "api_action.h"

#include <cJSON.h>
#include <stdio.h>
#include <string.h>

#include "bytescan.h"
#include "text.h"

#define JOURNAL_KEY "\"ctiboard\":\"action\""

static const char *const statuses[ACTION_KIND_COUNT] = {"available", "onBreak", "loggedOut"};

const char *api_action_status(enum api_action_kind k)
{
	return k >= 0 && k < ACTION_KIND_COUNT ? statuses[k] : "available";
}

void api_action_body(const struct api_action *a, char *dst, size_t dstsize)
{
	if (a->kind == ACTION_BREAK)
		snprintf(dst, dstsize, "{\"status\":\"onBreak\",\"breakStatus\":%lld}",
		         (long long)a->break_id);
	else
		snprintf(dst, dstsize, "{\"status\":\"%s\"}", api_action_status(a->kind));
}

void api_action_describe(const struct api_action *a, char *dst, size_t dstsize)
{
	char number[64];
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
	bool ok = cJSON_AddStringToObject(o, "ctiboard", "action") &&
	          cJSON_AddStringToObject(o, "who", r->act.who) &&
	          cJSON_AddStringToObject(o, "what", what) &&
	          cJSON_AddStringToObject(o, "status", api_action_status(r->act.kind)) &&
	          cJSON_AddNumberToObject(o, "agentId", (double)r->act.agent_id) &&
	          cJSON_AddStringToObject(o, "agent", r->act.agent_number) &&
	          cJSON_AddStringToObject(o, "service", r->act.service) &&
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
