/* sim_agents.c: the demo's agents into the model's api_status. */
#include "sim_agents.h"

#include <string.h>

#include "model.h"
#include "text.h"

void sim_agents_publish(struct model *m, const struct sim_agent_info *a, int n)
{
	struct api_status *api = model_api_begin(m);
	api->simulated = true;
	api->nagents = 0;
	for (int i = 0; i < n && api->nagents < API_AGENTS_MAX; i++) {
		struct api_agent *g = &api->agents[api->nagents++];
		memset(g, 0, sizeof *g);
		g->agent_id = a[i].id;
		text_copy(g->number, sizeof g->number, a[i].number);
		text_copy(g->name, sizeof g->name, a[i].name);
		text_copy(g->service, sizeof g->service, a[i].services);
		text_copy(g->queues, sizeof g->queues, a[i].queues);
		text_copy(g->status, sizeof g->status, a[i].status);
		text_copy(g->break_reason, sizeof g->break_reason, a[i].break_reason);
		g->status_since_s = a[i].since_s;
		g->taken_today = a[i].taken;
		g->talk_s = a[i].talk_s;
		g->have_status = true;
	}
	model_api_end(m);
}
