/* agent_status.h: an agent's live status as the OVH API thread saw it change, one journal line
 * each: {"ctiboard":"agent_status","queue":"0033...","agent":"0033...","name":"Alice",
 * "agentId":42,"status":"onBreak","reason":"Lunch","t":1764144000} (t: when the status began,
 * the API's lastStatusChange, else when it was seen). A replay of the live program skips them
 * (the API, not the journal, says the status now); `ctiboard report --by agent` reads them for
 * the time on break and logged in. No secret is ever in them.
 */
#ifndef CTIBOARD_AGENT_STATUS_H
#define CTIBOARD_AGENT_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api_state.h"

struct agent_status_line {
	char queue[2 * NUM_MAX]; /* the agent's service (the model's queue number) */
	char agent[NUM_MAX];     /* canonical number */
	char name[TEXT_MAX];
	char status[16]; /* waiting, receiving, inAQueueCall, onBreak, loggedOut */
	char reason[TEXT_MAX];
	int64_t t_s;
	int64_t seen_s; /* the line's "Received" (when it was journalled); 0 absent */
};

/* The journal line of ag's status (one JSON object, no newline), or NULL (to free); now_s is
 * its time when the API gave no lastStatusChange. */
char *agent_status_journal_line(const struct api_agent *ag, int64_t now_s);

/* Is this journal line an agent's status (agent_status_journal_line)? */
bool agent_status_is_journal_line(const char *line, size_t len);

/* Read such a line (sanitised strings); false when it is not one or lacks agent, status or t. */
bool agent_status_parse(const char *line, size_t len, struct agent_status_line *out);

#endif
