/* api_state.c: names and counts over what the OVH API said. */
#include "api_state.h"

#include <string.h>

const char *api_health_name(enum api_health h)
{
	switch (h) {
	case API_OFF: return "off";
	case API_STARTING: return "starting";
	case API_OK: return "ok";
	case API_ERROR: return "error";
	case API_RATE_LIMITED: return "rate_limited";
	case API_AUTH_FAILED: return "auth_failed";
	}
	return "?";
}

/* Is name one of the comma-separated names of list? */
static bool in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; *p;) {
		const char *comma = strstr(p, ", ");
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == n && strncmp(p, name, n) == 0)
			return true;
		p = comma ? comma + 2 : p + len;
	}
	return false;
}

void api_count_agents(const struct api_status *a, const char *service, const char *queue_name,
                      struct api_agent_counts *out)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < a->nagents; i++) {
		const struct api_agent *ag = &a->agents[i];
		if (!ag->have_status || !in_list(ag->service, service) ||
		    (queue_name && !in_list(ag->queues, queue_name)))
			continue;
		if (strcmp(ag->status, "waiting") == 0)
			out->available++;
		else if (strcmp(ag->status, "receiving") == 0 ||
		         strcmp(ag->status, "inAQueueCall") == 0)
			out->on_call++;
		else if (strcmp(ag->status, "onBreak") == 0)
			out->on_break++;
		else if (strcmp(ag->status, "loggedOut") == 0)
			out->logged_out++;
	}
}
