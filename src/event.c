/* event.c: event kinds by name, and the time an event happened. */
#include "event.h"

#include <string.h>
#include <strings.h>

static const char *const kind_names[EV_KIND_COUNT] = {
    [EV_UNKNOWN] = "unknown",
    [EV_START_RINGING] = "start_ringing",
    [EV_START_CALLING] = "start_calling",
    [EV_END_RINGING] = "end_ringing",
    [EV_END_CALLING] = "end_calling",
    [EV_REGISTERED] = "registered",
    [EV_START_HOLD] = "start_hold",
    [EV_END_HOLD] = "end_hold",
    [EV_MEMBER_QUEUE_START] = "member-queue-start",
    [EV_MEMBERS_COUNT] = "members-count",
    [EV_AGENT_OFFERING] = "agent-offering",
    [EV_BRIDGE_AGENT_START] = "bridge-agent-start",
    [EV_BRIDGE_AGENT_FAIL] = "bridge-agent-fail",
    [EV_BRIDGE_AGENT_END] = "bridge-agent-end",
    [EV_MEMBER_QUEUE_END] = "member-queue-end",
    [EV_MEMBER_QUEUE_RESUME] = "member-queue-resume",
    [EV_AGENT_STATUS_CHANGE] = "agent-status-change",
    [EV_AGENT_STATE_CHANGE] = "agent-state-change",
};

enum event_kind event_kind_from_name(const char *name)
{
	/* names are matched ignoring case, like the keys */
	char first = (char)(name[0] | 0x20); /* a name's first letter, in lower case */
	for (int k = 1; k < EV_KIND_COUNT; k++)
		if (kind_names[k][0] == first && strcasecmp(name, kind_names[k]) == 0)
			return (enum event_kind)k;
	/* the other spellings seen in the wild */
	if (strcasecmp(name, "member-count") == 0)
		return EV_MEMBERS_COUNT;
	if (strcasecmp(name, "bridge-agent-failed") == 0)
		return EV_BRIDGE_AGENT_FAIL;
	if (strcasecmp(name, "register") == 0) /* the word of OVH's own guide */
		return EV_REGISTERED;
	return EV_UNKNOWN;
}

const char *event_kind_name(enum event_kind kind)
{
	return kind > EV_UNKNOWN && kind < EV_KIND_COUNT ? kind_names[kind]
	                                                 : kind_names[EV_UNKNOWN];
}

int64_t event_time_ns(const struct event *ev)
{
	if (ev->timestamp_ns > 0)
		return ev->timestamp_ns;
	if (ev->ts_ns > 0)
		return ev->ts_ns;
	return ev->received_ns;
}

bool event_is_queue_kind(enum event_kind k)
{
	return k >= EV_MEMBER_QUEUE_START && k < EV_KIND_COUNT;
}
