/* sim_agents.c: the demo's agents into the model's api_status and the journal. */
#include "sim_agents.h"

#include <stdlib.h>
#include <string.h>

#include "agent_status.h"
#include "journal.h"
#include "model.h"
#include "text.h"

static void to_api_agent(struct api_agent *g, const struct sim_agent_info *a)
{
	memset(g, 0, sizeof *g);
	g->agent_id = a->id;
	text_copy(g->number, sizeof g->number, a->number);
	text_copy(g->name, sizeof g->name, a->name);
	text_copy(g->service, sizeof g->service, a->services);
	text_copy(g->queues, sizeof g->queues, a->queues);
	text_copy(g->status, sizeof g->status, a->status);
	text_copy(g->break_reason, sizeof g->break_reason, a->break_reason);
	g->status_since_s = a->since_s;
	g->taken_today = a->taken;
	g->talk_s = a->talk_s;
	g->have_status = true;
}

void sim_agents_publish(struct model *m, const struct sim_agent_info *a, int n)
{
	struct api_status *api = model_api_begin(m);
	api->simulated = true;
	api->nagents = 0;
	for (int i = 0; i < n && api->nagents < API_AGENTS_MAX; i++)
		to_api_agent(&api->agents[api->nagents++], &a[i]);
	model_api_end(m);
}

bool sim_agents_journal(struct journal *j, const struct sim_agent_info *a, int64_t now_ns)
{
	struct api_agent g;
	to_api_agent(&g, a);
	char *line = agent_status_journal_line(&g, now_ns / NS_PER_S);
	bool ok = line && journal_append(j, line, strlen(line), now_ns);
	free(line);
	return ok;
}
