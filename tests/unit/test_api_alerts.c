/* The OVH API's agents in the alert engine: callers waiting and no agent available. */
#include <stdlib.h>

#include "alerts.h"
#include "api_state.h"
#include "clock.h"
#include "testlib.h"
#include "text.h"

static void add_agent(struct model *m, int64_t id, const char *status)
{
	struct api_agent *a = &m->st.api.agents[m->st.api.nagents++];
	memset(a, 0, sizeof *a);
	a->agent_id = id;
	snprintf(a->number, sizeof a->number, "00339721010%02d", (int)id);
	text_copy(a->service, sizeof a->service, QUEUE);
	text_copy(a->status, sizeof a->status, status);
	a->have_status = true;
}

/* The no-agent alert at T0 + s; one of level none when there is none. */
static const struct alert *no_agent(struct model *m, int s)
{
	static const struct alert none;
	alerts_evaluate(&m->st.alerts, &m->st, &m->set, (T0 + s) * NS_PER_S, NULL, NULL);
	for (size_t i = 0; i < m->st.alerts.count; i++)
		if (m->st.alerts.items[i].rule == ALERT_RULE_NO_AGENT)
			return &m->st.alerts.items[i];
	return &none;
}

static void test_waiting_with_no_agent_available(void **state)
{
	(void)state;
	static struct model model;
	struct model *m = &model;
	model_setup(m);
	m->st.clock.replay = true;
	m->st.clock.speed = 0;
	char t[256];
	queue_ev(m, "member-queue-start", 0, "u1", times(t, sizeof t, 1, 0, 0, 0));

	/* without the API's statuses the rule says nothing */
	assert_int_equal(no_agent(m, 2)->level, ALERT_NONE);

	/* one on break, one logged out: nobody can take the call */
	add_agent(m, 1, "onBreak");
	add_agent(m, 2, "loggedOut");
	const struct alert *a = no_agent(m, 2);
	assert_int_equal(a->level, ALERT_CRIT);
	assert_int_equal(a->scope, ALERT_SCOPE_QUEUE);
	assert_string_equal(a->id, QUEUE);
	assert_non_null(
	    strstr(a->text, "no agent available (0 on a call, 1 on break, 1 logged out)"));
	assert_string_equal(alert_rule_name(ALERT_RULE_NO_AGENT), "no_agent");

	/* one on a call: a warning, the call will be taken when it ends */
	text_copy(m->st.api.agents[1].status, sizeof m->st.api.agents[1].status, "inAQueueCall");
	a = no_agent(m, 3);
	assert_int_equal(a->level, ALERT_WARN);

	/* one available: no alert */
	text_copy(m->st.api.agents[0].status, sizeof m->st.api.agents[0].status, "waiting");
	assert_int_equal(no_agent(m, 4)->level, ALERT_NONE);

	/* nobody waiting: no alert whatever the agents */
	text_copy(m->st.api.agents[0].status, sizeof m->st.api.agents[0].status, "onBreak");
	queue_ev(m, "member-queue-end", 5, "u1", times(t, sizeof t, 1, 0, 5, 0));
	assert_int_equal(no_agent(m, 6)->level, ALERT_NONE);
	model_done(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_waiting_with_no_agent_available),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
