/* agent_status.c: agents' status changes in the journal, written and read back. */
#define _GNU_SOURCE /* memmem */
#include "agent_status.h"

#include <cJSON.h>
#include <string.h>

#include "text.h"

#define JOURNAL_KEY "\"ctiboard\":\"agent_status\""

char *agent_status_journal_line(const struct api_agent *ag, int64_t now_s)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	int64_t t = ag->status_since_s > 0 ? ag->status_since_s : now_s;
	bool ok = cJSON_AddStringToObject(o, "ctiboard", "agent_status") &&
	          cJSON_AddStringToObject(o, "queue", ag->service) &&
	          cJSON_AddStringToObject(o, "agent", ag->number) &&
	          cJSON_AddStringToObject(o, "name", ag->name) &&
	          cJSON_AddNumberToObject(o, "agentId", (double)ag->agent_id) &&
	          cJSON_AddStringToObject(o, "status", ag->status) &&
	          cJSON_AddStringToObject(o, "reason", ag->break_reason) &&
	          cJSON_AddNumberToObject(o, "t", (double)t);
	char *line = ok ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	return line;
}

bool agent_status_is_journal_line(const char *line, size_t len)
{
	return memmem(line, len, JOURNAL_KEY, sizeof JOURNAL_KEY - 1) != NULL;
}

static void text_of(char *dst, size_t n, const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	dst[0] = '\0';
	if (cJSON_IsString(v) && v->valuestring)
		text_sanitize(dst, n, v->valuestring, strlen(v->valuestring));
}

bool agent_status_parse(const char *line, size_t len, struct agent_status_line *out)
{
	memset(out, 0, sizeof *out);
	if (!agent_status_is_journal_line(line, len))
		return false;
	cJSON *o = cJSON_ParseWithLength(line, len);
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "t");
	bool ok = cJSON_IsObject(o) && cJSON_IsNumber(t) && t->valuedouble > 0;
	if (ok) {
		out->t_s = (int64_t)t->valuedouble;
		const cJSON *rx = cJSON_GetObjectItemCaseSensitive(o, "Received");
		if (cJSON_IsNumber(rx) && rx->valuedouble > 0)
			out->seen_s = (int64_t)(rx->valuedouble / 1e9);
		text_of(out->queue, sizeof out->queue, o, "queue");
		text_of(out->agent, sizeof out->agent, o, "agent");
		text_of(out->name, sizeof out->name, o, "name");
		text_of(out->status, sizeof out->status, o, "status");
		text_of(out->reason, sizeof out->reason, o, "reason");
		ok = out->agent[0] && out->status[0];
	}
	cJSON_Delete(o);
	return ok;
}
