/* event.h: one OVH telephony event, parsed, bounded and sanitised.
 *
 * A struct event owns no pointers: every field is a fixed-size, NUL-terminated, sanitised
 * string or a number, so events can be copied, queued and compared freely.
 */
#ifndef CTIBOARD_EVENT_H
#define CTIBOARD_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#define NUM_MAX  32 /* a phone number, canonical form (see phone_normalize) */
#define ID_MAX   96 /* a CallId or a QueueMemberUUID */
#define TEXT_MAX 96 /* free text: descriptions, caller names (bytes, UTF-8) */
#define KIND_MAX 40 /* an event kind as received */

enum event_kind {
	EV_UNKNOWN = 0,
	/* line events */
	EV_START_RINGING,
	EV_START_CALLING,
	EV_END_RINGING,
	EV_END_CALLING,
	EV_REGISTERED,
	EV_START_HOLD,
	EV_END_HOLD,
	/* queue events */
	EV_MEMBER_QUEUE_START,
	EV_MEMBERS_COUNT,
	EV_AGENT_OFFERING,
	EV_BRIDGE_AGENT_START,
	EV_BRIDGE_AGENT_FAIL,
	EV_BRIDGE_AGENT_END,
	EV_MEMBER_QUEUE_END,
	EV_MEMBER_QUEUE_RESUME,
	EV_AGENT_STATUS_CHANGE,
	EV_AGENT_STATE_CHANGE,
	EV_KIND_COUNT
};

enum queue_cause { CAUSE_NONE = 0, CAUSE_TERMINATED, CAUSE_CANCEL };

struct event {
	enum event_kind kind;
	char kind_name[KIND_MAX]; /* as received, sanitised: shown for unknown kinds */
	bool is_queue;            /* Service "queues" */
	char resource[NUM_MAX];   /* the line or the queue number, canonical */
	int64_t timestamp_ns;     /* Timestamp; 0 when absent */
	int64_t received_ns;      /* when this program received it (journal "Received") */

	/* Details */
	char description[TEXT_MAX];
	char type[24];
	int simultaneous; /* -1 when absent */

	/* line Data */
	char call_id[ID_MAX];
	char calling[NUM_MAX];
	char called[NUM_MAX];
	char dialed[NUM_MAX];
	int64_t ts_ns; /* Data.Ts (number or string); 0 when absent */

	/* queue Data */
	char member_uuid[ID_MAX];
	char member_number[NUM_MAX]; /* QueueMemberCIDNumber, else Calling */
	char member_name[TEXT_MAX];  /* QueueMemberCIDName */
	char agent[NUM_MAX];         /* Agent, else the number inside QueueAgent */
	char hangup_cause[32];       /* QueueHangupCause */
	char cancel_reason[32];      /* QueueCancelReason */
	char status[32];             /* agent status or state, for agent-*-change */
	enum queue_cause cause;      /* QueueCause */
	int count;                   /* Count; -1 when absent */
	int64_t joined_s, answered_s, called_s, leaving_s, terminated_s; /* 0 when absent */
};

/* Kind from its wire name ("start_ringing", "members-count", ...); EV_UNKNOWN if not known. */
enum event_kind event_kind_from_name(const char *name);

/* Stable wire name of a known kind ("start_ringing"); "unknown" for EV_UNKNOWN. */
const char *event_kind_name(enum event_kind kind);

/* Is this a queue event kind (Service "queues")? */
bool event_is_queue_kind(enum event_kind k);

/* The time an event happened, in ns: Timestamp, else Data.Ts, else the receive time. */
int64_t event_time_ns(const struct event *ev);

#endif
