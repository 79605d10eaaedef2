/* sim_agents.h: the demo's agents, given to the model as the OVH API's would be (api_state.h),
 * so that the Agents view, the counts and the no-agent alert are alive without credentials. */
#ifndef CTIBOARD_SIM_AGENTS_H
#define CTIBOARD_SIM_AGENTS_H

#include <stdbool.h>
#include <stdint.h>

struct model;
struct journal;

struct sim_agent_info {
	int64_t id;
	const char *number, *name;
	const char *services; /* its queues' numbers, comma-separated */
	const char *queues;   /* its queues' names, comma-separated */
	const char *status;   /* waiting, receiving, inAQueueCall, onBreak, loggedOut */
	const char *break_reason;
	int64_t since_s;
	uint32_t taken;
	int64_t talk_s;
};

/* Replace the model's agents by these n (takes the model's lock). */
void sim_agents_publish(struct model *m, const struct sim_agent_info *a, int n);

/* Journal agent a's status as the OVH API's changes are journalled (agent_status.h), received
 * at now_ns, so that a report of the demo's journal has its breaks and logged-in time. */
bool sim_agents_journal(struct journal *j, const struct sim_agent_info *a, int64_t now_ns);

#endif
