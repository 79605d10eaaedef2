/* event_json.c: one JSON event object (V1 capitalised or V2 lower-case keys) into a struct event.
 */
#include "event_json.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bytescan.h"
#include "redact.h"
#include "text.h"

/* The keys read, per object. An object's children are walked once and matched against its
 * table ignoring ASCII case (V1 "Event", V2 "event"); the first child of a name wins, as with
 * cJSON_GetObjectItem. */
struct key {
	const char *name;
	size_t len;
};
#define KEY(s)                                                                                     \
	{                                                                                          \
		s, sizeof(s) - 1                                                                   \
	}

enum { T_EVENT, T_SERVICE, T_RESSOURCE, T_TIMESTAMP, T_RECEIVED, T_DATA, T_DETAILS, T_KEYS };
static const struct key top_keys[T_KEYS] = {
    KEY("Event"),    KEY("Service"), KEY("Ressource"), KEY("Timestamp"),
    KEY("Received"), KEY("Data"),    KEY("Details"),
};

enum { E_DESCRIPTION, E_TYPE, E_SIMULTANEOUS, E_KEYS };
static const struct key details_keys[E_KEYS] = {
    KEY("Description"),
    KEY("Type"),
    KEY("SimultaneousLine"),
};

enum {
	D_CALLID,
	D_CALLING,
	D_CALLED,
	D_DIALED,
	D_TS,
	D_UUID,
	D_CIDNUMBER,
	D_CIDNAME,
	D_AGENT,
	D_QUEUEAGENT,
	D_HANGUP,
	D_CANCEL,
	D_CAUSE,
	D_COUNT,
	D_JOINED,
	D_ANSWERED,
	D_CALLEDTIME,
	D_LEAVING,
	D_TERMINATED,
	D_STATUS,
	D_STATE,
	D_KEYS
};
static const struct key data_keys[D_KEYS] = {
    KEY("CallId"),
    KEY("Calling"),
    KEY("Called"),
    KEY("Dialed"),
    KEY("Ts"),
    KEY("QueueMemberUUID"),
    KEY("QueueMemberCIDNumber"),
    KEY("QueueMemberCIDName"),
    KEY("Agent"),
    KEY("QueueAgent"),
    KEY("QueueHangupCause"),
    KEY("QueueCancelReason"),
    KEY("QueueCause"),
    KEY("Count"),
    KEY("QueueMemberJoinedTime"),
    KEY("QueueAgentAnsweredTime"),
    KEY("QueueAgentCalledTime"),
    KEY("QueueMemberLeavingTime"),
    KEY("QueueBridgeTerminatedTime"),
    KEY("QueueAgentStatus"),
    KEY("QueueAgentState"),
};

/* The 4 bytes at p as a number (any alignment). */
static uint32_t half_at(const char *p)
{
	uint32_t h;
	memcpy(&h, p, sizeof h);
	return h;
}

/* Is a (n bytes long) the key name, ignoring ASCII case? The names of the tables are letters
 * only, and a letter's two cases differ by the 0x20 bit alone, so one OR folds both sides. */
static bool same_key(const char *a, const char *name, size_t n)
{
	const uint64_t fold = BYTES_ONES * 0x20;
	if (n < 8) { /* 4 to 7 bytes: the first 4 and the last 4, which may overlap */
		if (n < 4) {
			for (size_t i = 0; i < n; i++)
				if ((a[i] | 0x20) != (name[i] | 0x20))
					return false;
			return true;
		}
		const uint32_t fold4 = (uint32_t)fold;
		return (half_at(a) | fold4) == (half_at(name) | fold4) &&
		       (half_at(a + n - 4) | fold4) == (half_at(name + n - 4) | fold4);
	}
	for (size_t i = 0; i + 8 < n; i += 8) /* a word at a time, the last one ending at n */
		if ((word_at(a + i) | fold) != (word_at(name + i) | fold))
			return false;
	return (word_at(a + n - 8) | fold) == (word_at(name + n - 8) | fold);
}

#define KEY_LEN_MAX 31 /* longer than every name of the tables */

/* A table of keys and, for each length, the set of its keys that long (bit k for keys[k]),
 * so that a child is compared only with the names of its length. */
struct key_table {
	const struct key *keys;
	size_t nkeys;
	uint32_t by_len[KEY_LEN_MAX + 1];
};

static struct key_table top_table = {top_keys, T_KEYS, {0}};
static struct key_table details_table = {details_keys, E_KEYS, {0}};
static struct key_table data_table = {data_keys, D_KEYS, {0}};
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;
_Static_assert(T_KEYS <= 32 && E_KEYS <= 32 && D_KEYS <= 32, "a key set fits in by_len's bits");

static void index_table(struct key_table *t)
{
	for (size_t k = 0; k < t->nkeys; k++)
		t->by_len[t->keys[k].len] |= UINT32_C(1) << k;
}

static void index_tables(void)
{
	index_table(&top_table);
	index_table(&details_table);
	index_table(&data_table);
}

/* found[k] = the first child of obj named t->keys[k] (any case), or NULL. obj may be NULL. */
static void find_keys(const cJSON *obj, const struct key_table *t, const cJSON **found)
{
	for (size_t k = 0; k < t->nkeys; k++)
		found[k] = NULL;
	for (const cJSON *it = obj ? obj->child : NULL; it; it = it->next) {
		if (!it->string)
			continue;
		size_t n = strlen(it->string);
		if (n > KEY_LEN_MAX)
			continue;
		for (uint32_t set = t->by_len[n]; set; set &= set - 1) {
			unsigned k = (unsigned)__builtin_ctz(set);
			if (same_key(it->string, t->keys[k].name, n)) {
				if (!found[k])
					found[k] = it;
				break;
			}
		}
	}
}

/* Reading fields: each reader gets the item found for key (NULL if missing), leaves a reason
 * in err and returns false on a wrong type. */
struct reader {
	char *err;
	size_t errsize;
};

static bool fail(struct reader *r, const char *key, const char *what)
{
	snprintf(r->err, r->errsize, "%s: %s", key, what);
	return false;
}

/* Sanitise src into dst with every registered secret (the token) redacted first: the screen
 * shows what the journal and the snapshot show. The copy redacted covers what dst can take
 * plus the length of a token, so that a token cut by dst's end is redacted too. */
static void copy_redacted(char *dst, size_t size, const char *src)
{
	char tmp[ID_MAX + TEXT_MAX + 64];
	size_t take = strnlen(src, size - 1 + 64 < sizeof tmp ? size - 1 + 64 : sizeof tmp);
	if (!redact_any()) { /* nothing to redact (a report, a replay): no copy to make */
		text_sanitize(dst, size, src, take);
		return;
	}
	memcpy(tmp, src, take);
	redact_text(tmp, take);
	text_sanitize(dst, size, tmp, take);
	secret_wipe(tmp,
	            take); /* only what was copied: this runs for every string of every event */
}

/* A string field; numbers are accepted as their integer digits. Missing gives "". */
static bool read_text(struct reader *r, const cJSON *it, const char *key, char *dst, size_t size)
{
	dst[0] = '\0';
	if (!it || cJSON_IsNull(it))
		return true;
	if (cJSON_IsString(it)) {
		copy_redacted(dst, size, it->valuestring);
		return true;
	}
	if (cJSON_IsNumber(it) && it->valuedouble >= 0 && it->valuedouble < 9e15) {
		snprintf(dst, size, "%lld", (long long)it->valuedouble);
		return true;
	}
	return fail(r, key, "expected a string");
}

/* A phone number field, in canonical form. */
static bool read_number(struct reader *r, const cJSON *it, const char *key, char *dst, size_t size)
{
	char raw[NUM_MAX * 2];
	if (!read_text(r, it, key, raw, sizeof raw))
		return false;
	phone_normalize(dst, size, raw);
	return true;
}

/* An integer: a JSON number, or a string of digits (big integers arrive as strings, see
 * ingest.c). Missing gives *out = missing. */
static bool read_int(struct reader *r, const cJSON *it, const char *key, int64_t missing,
                     int64_t *out)
{
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
static bool read_seconds(struct reader *r, const cJSON *it, const char *key, int64_t *out_ns)
{
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
static bool read_agent(struct reader *r, const cJSON **d, char *dst, size_t size)
{
	char raw[ID_MAX];
	if (!read_number(r, d[D_AGENT], "Agent", dst, size))
		return false;
	if (dst[0])
		return true;
	if (!read_text(r, d[D_QUEUEAGENT], "QueueAgent", raw, sizeof raw))
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

static bool read_line_data(struct reader *r, const cJSON **d, struct event *ev)
{
	if (!read_text(r, d[D_CALLID], "CallId", ev->call_id, sizeof ev->call_id) ||
	    !read_number(r, d[D_CALLING], "Calling", ev->calling, sizeof ev->calling) ||
	    !read_number(r, d[D_CALLED], "Called", ev->called, sizeof ev->called) ||
	    !read_number(r, d[D_DIALED], "Dialed", ev->dialed, sizeof ev->dialed))
		return false;
	if (ev->kind != EV_REGISTERED && ev->kind != EV_UNKNOWN && ev->call_id[0] == '\0')
		return fail(r, "CallId", "missing");
	return true;
}

static bool read_queue_data(struct reader *r, const cJSON **d, struct event *ev)
{
	char cause[16];
	int64_t count;
	if (!read_text(r, d[D_UUID], "QueueMemberUUID", ev->member_uuid, sizeof ev->member_uuid) ||
	    !read_number(r, d[D_CIDNUMBER], "QueueMemberCIDNumber", ev->member_number,
	                 sizeof ev->member_number) ||
	    !read_text(r, d[D_CIDNAME], "QueueMemberCIDName", ev->member_name,
	               sizeof ev->member_name) ||
	    !read_agent(r, d, ev->agent, sizeof ev->agent) ||
	    !read_text(r, d[D_HANGUP], "QueueHangupCause", ev->hangup_cause,
	               sizeof ev->hangup_cause) ||
	    !read_text(r, d[D_CANCEL], "QueueCancelReason", ev->cancel_reason,
	               sizeof ev->cancel_reason) ||
	    !read_text(r, d[D_CAUSE], "QueueCause", cause, sizeof cause) ||
	    !read_int(r, d[D_COUNT], "Count", -1, &count) ||
	    !read_int(r, d[D_JOINED], "QueueMemberJoinedTime", 0, &ev->joined_s) ||
	    !read_int(r, d[D_ANSWERED], "QueueAgentAnsweredTime", 0, &ev->answered_s) ||
	    !read_int(r, d[D_CALLEDTIME], "QueueAgentCalledTime", 0, &ev->called_s) ||
	    !read_int(r, d[D_LEAVING], "QueueMemberLeavingTime", 0, &ev->leaving_s) ||
	    !read_int(r, d[D_TERMINATED], "QueueBridgeTerminatedTime", 0, &ev->terminated_s))
		return false;
	if (ev->member_number[0] == '\0' &&
	    !read_number(r, d[D_CALLING], "Calling", ev->member_number, sizeof ev->member_number))
		return false;
	if (count > 100000)
		return fail(r, "Count", "out of range");
	ev->count = (int)count;
	ev->cause = strcmp(cause, "Terminated") == 0 ? CAUSE_TERMINATED
	            : strcmp(cause, "Cancel") == 0   ? CAUSE_CANCEL
	                                             : CAUSE_NONE;
	if (ev->kind == EV_AGENT_STATUS_CHANGE &&
	    !read_text(r, d[D_STATUS], "QueueAgentStatus", ev->status, sizeof ev->status))
		return false;
	if (ev->kind == EV_AGENT_STATE_CHANGE &&
	    !read_text(r, d[D_STATE], "QueueAgentState", ev->status, sizeof ev->status))
		return false;
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
	const cJSON *t[T_KEYS] = {0}, *e[E_KEYS] = {0}, *d[D_KEYS] = {0};
	memset(ev, 0, sizeof *ev);
	ev->simultaneous = -1;
	ev->count = -1;
	err[0] = '\0';
	if (!cJSON_IsObject(obj))
		return fail(&r, "event", "not an object");
	pthread_once(&tables_once, index_tables);
	find_keys(obj, &top_table, t);
	const cJSON *kind = t[T_EVENT];
	if (!kind || !cJSON_IsString(kind) || kind->valuestring[0] == '\0')
		return fail(&r, "Event", "missing");
	copy_redacted(ev->kind_name, sizeof ev->kind_name, kind->valuestring);
	ev->kind = event_kind_from_name(kind->valuestring);

	const cJSON *data = t[T_DATA];
	const cJSON *details = t[T_DETAILS];
	if (data && !cJSON_IsObject(data) && !cJSON_IsNull(data))
		return fail(&r, "Data", "expected an object");
	if (details && !cJSON_IsObject(details) && !cJSON_IsNull(details))
		return fail(&r, "Details", "expected an object");
	find_keys(details, &details_table, e);
	find_keys(data, &data_table, d);

	if (!read_text(&r, t[T_SERVICE], "Service", service, sizeof service) ||
	    !read_number(&r, t[T_RESSOURCE], "Ressource", ev->resource, sizeof ev->resource) ||
	    !read_int(&r, t[T_TIMESTAMP], "Timestamp", 0, &ev->timestamp_ns) ||
	    !read_int(&r, t[T_RECEIVED], "Received", received_ns, &received) ||
	    !read_text(&r, e[E_DESCRIPTION], "Description", ev->description,
	               sizeof ev->description) ||
	    !read_text(&r, e[E_TYPE], "Type", ev->type, sizeof ev->type) ||
	    !read_int(&r, e[E_SIMULTANEOUS], "SimultaneousLine", -1, &simultaneous) ||
	    !read_seconds(&r, d[D_TS], "Ts", &ev->ts_ns))
		return false;
	ev->received_ns = received;
	ev->simultaneous = simultaneous > 1000 ? 1000 : (int)simultaneous;
	if (ev->resource[0] == '\0')
		return fail(&r, "Ressource", "missing");

	ev->is_queue =
	    ev->kind == EV_UNKNOWN ? strcmp(service, "queues") == 0 : event_is_queue_kind(ev->kind);
	return ev->is_queue ? read_queue_data(&r, d, ev) : read_line_data(&r, d, ev);
}
