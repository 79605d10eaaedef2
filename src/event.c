/* event.c: one JSON event object (V1 capitalised or V2 lower-case keys) into a struct event. */
#include "event_json.h"

#include <stdio.h>
#include <string.h>

#include "text.h"

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
	for (int k = 1; k < EV_KIND_COUNT; k++)
		if (strcmp(name, kind_names[k]) == 0)
			return (enum event_kind)k;
	/* the other spellings seen in the wild */
	if (strcmp(name, "member-count") == 0)
		return EV_MEMBERS_COUNT;
	if (strcmp(name, "bridge-agent-failed") == 0)
		return EV_BRIDGE_AGENT_FAIL;
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

/* Reading fields: each reader leaves a reason in err and returns false on a wrong type. */
struct reader {
	char *err;
	size_t errsize;
};

static bool fail(struct reader *r, const char *key, const char *what)
{
	snprintf(r->err, r->errsize, "%s: %s", key, what);
	return false;
}

/* A string field; numbers are accepted as their integer digits. Missing gives "". */
static bool read_text(struct reader *r, const cJSON *obj, const char *key, char *dst, size_t size)
{
	const cJSON *it = obj ? cJSON_GetObjectItem(obj, key) : NULL;
	dst[0] = '\0';
	if (!it || cJSON_IsNull(it))
		return true;
	if (cJSON_IsString(it)) {
		text_sanitize(dst, size, it->valuestring, strlen(it->valuestring));
		return true;
	}
	if (cJSON_IsNumber(it) && it->valuedouble >= 0 && it->valuedouble < 9e15) {
		snprintf(dst, size, "%lld", (long long)it->valuedouble);
		return true;
	}
	return fail(r, key, "expected a string");
}

/* A phone number field, in canonical form. */
static bool read_number(struct reader *r, const cJSON *obj, const char *key, char *dst, size_t size)
{
	char raw[NUM_MAX * 2];
	if (!read_text(r, obj, key, raw, sizeof raw))
		return false;
	phone_normalize(dst, size, raw);
	return true;
}

/* An integer: a JSON number, or a string of digits (big integers arrive as strings, see
 * ingest.c). Missing gives *out = missing. */
static bool read_int(struct reader *r, const cJSON *obj, const char *key, int64_t missing,
                     int64_t *out)
{
	const cJSON *it = obj ? cJSON_GetObjectItem(obj, key) : NULL;
	*out = missing;
	if (!it || cJSON_IsNull(it))
		return true;
	if (cJSON_IsNumber(it)) {
		if (it->valuedouble < 0 || it->valuedouble > 9.2e18)
			return fail(r, key, "out of range");
		*out = (int64_t)it->valuedouble;
		return true;
	}
	if (cJSON_IsString(it)) {
		if (it->valuestring[0] == '\0')
			return true; /* an empty time is an absent time */
		if (parse_int64_digits(it->valuestring, out))
			return true;
		return fail(r, key, "expected an integer");
	}
	return fail(r, key, "expected an integer");
}

/* Seconds with an optional fraction, as a number or a string, into ns. */
static bool read_seconds(struct reader *r, const cJSON *obj, const char *key, int64_t *out_ns)
{
	const cJSON *it = obj ? cJSON_GetObjectItem(obj, key) : NULL;
	*out_ns = 0;
	if (!it || cJSON_IsNull(it))
		return true;
	if (cJSON_IsNumber(it)) {
		if (it->valuedouble < 0 || it->valuedouble > 9.2e9)
			return fail(r, key, "out of range");
		/* Ts has millisecond precision: round there so binary fractions do not show */
		*out_ns = (int64_t)(it->valuedouble * 1000.0 + 0.5) * 1000000;
		return true;
	}
	if (cJSON_IsString(it)) {
		if (it->valuestring[0] == '\0' || parse_seconds_ns(it->valuestring, out_ns))
			return true;
		return fail(r, key, "expected seconds");
	}
	return fail(r, key, "expected seconds");
}

/* The agent number: Agent, else the number inside QueueAgent ("agent_0033..._12"). */
static bool read_agent(struct reader *r, const cJSON *data, char *dst, size_t size)
{
	char raw[ID_MAX];
	if (!read_number(r, data, "Agent", dst, size))
		return false;
	if (dst[0])
		return true;
	if (!read_text(r, data, "QueueAgent", raw, sizeof raw))
		return false;
	char *p = raw;
	if (strncmp(p, "agent_", 6) == 0)
		p += 6;
	char *end = strchr(p, '_');
	if (end)
		*end = '\0';
	phone_normalize(dst, size, p);
	return true;
}

static bool read_line_data(struct reader *r, const cJSON *data, struct event *ev)
{
	if (!read_text(r, data, "CallId", ev->call_id, sizeof ev->call_id) ||
	    !read_number(r, data, "Calling", ev->calling, sizeof ev->calling) ||
	    !read_number(r, data, "Called", ev->called, sizeof ev->called) ||
	    !read_number(r, data, "Dialed", ev->dialed, sizeof ev->dialed))
		return false;
	if (ev->kind != EV_REGISTERED && ev->kind != EV_UNKNOWN && ev->call_id[0] == '\0')
		return fail(r, "CallId", "missing");
	return true;
}

static bool read_queue_data(struct reader *r, const cJSON *data, struct event *ev)
{
	char cause[16];
	int64_t count;
	if (!read_text(r, data, "QueueMemberUUID", ev->member_uuid, sizeof ev->member_uuid) ||
	    !read_number(r, data, "QueueMemberCIDNumber", ev->member_number,
	                 sizeof ev->member_number) ||
	    !read_text(r, data, "QueueMemberCIDName", ev->member_name, sizeof ev->member_name) ||
	    !read_agent(r, data, ev->agent, sizeof ev->agent) ||
	    !read_text(r, data, "QueueHangupCause", ev->hangup_cause, sizeof ev->hangup_cause) ||
	    !read_text(r, data, "QueueCancelReason", ev->cancel_reason, sizeof ev->cancel_reason) ||
	    !read_text(r, data, "QueueCause", cause, sizeof cause) ||
	    !read_int(r, data, "Count", -1, &count) ||
	    !read_int(r, data, "QueueMemberJoinedTime", 0, &ev->joined_s) ||
	    !read_int(r, data, "QueueAgentAnsweredTime", 0, &ev->answered_s) ||
	    !read_int(r, data, "QueueAgentCalledTime", 0, &ev->called_s) ||
	    !read_int(r, data, "QueueMemberLeavingTime", 0, &ev->leaving_s) ||
	    !read_int(r, data, "QueueBridgeTerminatedTime", 0, &ev->terminated_s))
		return false;
	if (ev->member_number[0] == '\0' &&
	    !read_number(r, data, "Calling", ev->member_number, sizeof ev->member_number))
		return false;
	if (count > 100000)
		return fail(r, "Count", "out of range");
	ev->count = (int)count;
	ev->cause = strcmp(cause, "Terminated") == 0 ? CAUSE_TERMINATED
	            : strcmp(cause, "Cancel") == 0   ? CAUSE_CANCEL
	                                             : CAUSE_NONE;
	if (ev->kind == EV_AGENT_STATUS_CHANGE || ev->kind == EV_AGENT_STATE_CHANGE) {
		const char *key =
		    ev->kind == EV_AGENT_STATUS_CHANGE ? "QueueAgentStatus" : "QueueAgentState";
		if (!read_text(r, data, key, ev->status, sizeof ev->status))
			return false;
	}
	switch (ev->kind) {
	case EV_MEMBER_QUEUE_START:
	case EV_AGENT_OFFERING:
	case EV_BRIDGE_AGENT_START:
	case EV_BRIDGE_AGENT_FAIL:
	case EV_BRIDGE_AGENT_END:
	case EV_MEMBER_QUEUE_END:
	case EV_MEMBER_QUEUE_RESUME:
		if (ev->member_uuid[0] == '\0')
			return fail(r, "QueueMemberUUID", "missing");
		break;
	case EV_MEMBERS_COUNT:
		if (ev->count < 0)
			return fail(r, "Count", "missing");
		break;
	default: break;
	}
	return true;
}

bool event_from_json(const cJSON *obj, int64_t received_ns, struct event *ev, char *err,
                     size_t errsize)
{
	struct reader r = {err, errsize};
	char service[16];
	int64_t simultaneous, received;
	memset(ev, 0, sizeof *ev);
	ev->simultaneous = -1;
	ev->count = -1;
	err[0] = '\0';
	if (!cJSON_IsObject(obj))
		return fail(&r, "event", "not an object");
	const cJSON *kind = cJSON_GetObjectItem(obj, "Event");
	if (!cJSON_IsString(kind) || kind->valuestring[0] == '\0')
		return fail(&r, "Event", "missing");
	text_sanitize(ev->kind_name, sizeof ev->kind_name, kind->valuestring,
	              strlen(kind->valuestring));
	ev->kind = event_kind_from_name(kind->valuestring);

	const cJSON *data = cJSON_GetObjectItem(obj, "Data");
	const cJSON *details = cJSON_GetObjectItem(obj, "Details");
	if (data && !cJSON_IsObject(data) && !cJSON_IsNull(data))
		return fail(&r, "Data", "expected an object");
	if (details && !cJSON_IsObject(details) && !cJSON_IsNull(details))
		return fail(&r, "Details", "expected an object");

	if (!read_text(&r, obj, "Service", service, sizeof service) ||
	    !read_number(&r, obj, "Ressource", ev->resource, sizeof ev->resource) ||
	    !read_int(&r, obj, "Timestamp", 0, &ev->timestamp_ns) ||
	    !read_int(&r, obj, "Received", received_ns, &received) ||
	    !read_text(&r, details, "Description", ev->description, sizeof ev->description) ||
	    !read_text(&r, details, "Type", ev->type, sizeof ev->type) ||
	    !read_int(&r, details, "SimultaneousLine", -1, &simultaneous) ||
	    !read_seconds(&r, data, "Ts", &ev->ts_ns))
		return false;
	ev->received_ns = received;
	ev->simultaneous = simultaneous > 1000 ? 1000 : (int)simultaneous;
	if (ev->resource[0] == '\0')
		return fail(&r, "Ressource", "missing");

	ev->is_queue =
	    ev->kind == EV_UNKNOWN ? strcmp(service, "queues") == 0 : event_is_queue_kind(ev->kind);
	return ev->is_queue ? read_queue_data(&r, data, ev) : read_line_data(&r, data, ev);
}
