/* api_state.h: what the OVH API says about the call centre, beside what the events say: the
 * agents with their live status, OVH's own counts per queue, and the health of the API
 * client. Written by the roster thread (roster.h) under the model's lock, read by the UI and
 * the snapshot like the rest of the model. Fixed-size, so a view copies it as it is.
 */
#ifndef CTIBOARD_API_STATE_H
#define CTIBOARD_API_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api_action.h"
#include "event.h"

#define API_AGENTS_MAX  256
#define API_QUEUES_MAX  64
#define API_REASONS_MAX 32
#define API_LIVE_MAX    32 /* live calls kept of the queue watched */

enum api_health {
	API_OFF,          /* no credentials, or --no-api */
	API_STARTING,     /* reading the roster for the first time */
	API_OK,           /* the last request succeeded */
	API_ERROR,        /* the last request failed (network, 5xx, ...): retrying */
	API_RATE_LIMITED, /* OVH answered 429 */
	API_AUTH_FAILED   /* 401/403: the key lacks a right or is not valid */
};

struct api_agent {
	int64_t agent_id;
	char number[NUM_MAX];      /* canonical phone number */
	char name[TEXT_MAX];       /* the agent's description */
	char service[2 * NUM_MAX]; /* its easyHunting or ovhPabx service (the demo: its queues,
	                            * comma-separated) */
	char status[16];           /* live: waiting, receiving, inAQueueCall, onBreak, loggedOut */
	int64_t status_since_s;    /* lastStatusChange; 0 unknown */
	char break_reason[TEXT_MAX]; /* the custom status's name, when on break */
	uint32_t taken_today;        /* answeredCalls */
	int64_t talk_s;              /* totalCallDuration */
	char queues[TEXT_MAX];       /* its queues' names, comma-separated */
	bool have_status;
};

/* OVH's counts of one queue (liveStatistics), since lastReset. */
struct api_queue {
	int64_t queue_id;
	char service[NUM_MAX]; /* the model's queue number */
	char name[TEXT_MAX];
	uint32_t answered, lost, total;
	int64_t last_reset_s;
	bool have_stats;
};

/* A custom status (break reason) of a hunting service. */
struct api_break_reason {
	char service[2 * NUM_MAX]; /* as api_agent.service */
	int64_t id;
	char name[TEXT_MAX];
};

/* A call of a queue now (liveCalls/{id}), not ended. Strings as the API gives them, sanitised. */
struct api_live_call {
	int64_t queue_id, id;
	char queue[TEXT_MAX]; /* the API queue's name */
	bool answered;        /* state Answered (else Waiting) */
	bool on_hold;
	char caller[NUM_MAX]; /* callerIdNumber, canonical when a number */
	char caller_name[TEXT_MAX];
	char agent[TEXT_MAX];        /* name or number of the agent on the call */
	int64_t begin_s, answered_s; /* 0 unknown */
};

/* The live calls of the queues of one service, read while a supervisor watches them. */
struct api_live_calls {
	char service[NUM_MAX]; /* the model's queue number; "" none read */
	size_t n;
	struct api_live_call calls[API_LIVE_MAX];
	int64_t read_ns; /* wall clock of the last complete read; 0 never */
	bool failed;     /* the last read failed (see last_error) */
};

struct api_status {
	enum api_health health;
	char last_error[TEXT_MAX]; /* sanitised, secrets redacted */
	uint64_t requests;
	int64_t last_ok_ns;  /* wall clock of the last successful request; 0 never */
	int64_t roster_ns;   /* wall clock of the last complete roster; 0 never */
	int64_t statuses_ns; /* wall clock of the last complete round of statuses; 0 never */
	size_t nagents;
	struct api_agent agents[API_AGENTS_MAX];
	size_t nqueues;
	struct api_queue queues[API_QUEUES_MAX];
	bool simulated; /* the demo's agents, not the OVH API's */
	size_t nreasons;
	struct api_break_reason reasons[API_REASONS_MAX];
	struct api_action_result last_action; /* the answer to the last supervisor's action */
	struct api_live_calls live;           /* the queue's live calls the console watches */
};

/* "off", "starting", "ok", "error", "rate_limited", "auth_failed" */
const char *api_health_name(enum api_health h);

/* Agents available (waiting), on a call (receiving or inAQueueCall), on break, logged out. */
struct api_agent_counts {
	int available, on_call, on_break, logged_out;
};

/* The counts of the agents of the service (the model's queue number) whose queues list names
 * queue_name, or of all its agents when queue_name is NULL. */
void api_count_agents(const struct api_status *a, const char *service, const char *queue_name,
                      struct api_agent_counts *out);

#endif
