/* test_panels.c: while the copy of the model does not change the console's panels keep their
 * rows and age what the clock ages: a caller's wait grows in the Queues panel with no event. */
#include <stdlib.h>

#include "console.h"
#include "testlib.h"

/* A console over m's copy, as ui.c sets one up (no screen needed to build rows). */
static void console_over(struct console *c, struct model *m, const struct settings *s)
{
	memset(c, 0, sizeof *c);
	c->m = m;
	c->s = s;
	assert_true(model_view(m, &c->st, &c->seen));
	lookup_update(c);
	c->now_ns = state_now_ns(&c->st);
}

static const struct row *queue_row(const struct console *c, const char *number)
{
	const struct panel *p = &c->panels[PANEL_QUEUES];
	for (int i = 0; i < p->nrows; i++)
		if (strcmp(p->rows[i].q->number, number) == 0)
			return &p->rows[i];
	static const struct row none;
	fail_msg("no row for queue %s", number);
	return &none; /* not reached: fail_msg() does not return */
}

static void test_queue_rows_kept_and_their_waits_aged(void **state)
{
	(void)state;
	struct model *m = calloc(1, sizeof *m);
	struct settings s;
	char t[256];
	settings_defaults(&s);
	assert_true(model_init(m, &s));
	m->st.clock.replay = true; /* "now" is the newest event's time: the test moves it */
	queue_ev(m, "member-queue-start", 10, "m1", times(t, sizeof t, 10, 0, 0, 0));
	struct console c;
	console_over(&c, m, &s);
	c.panels[PANEL_QUEUES].sort = 2; /* longest wait */
	panels_build(&c);
	int64_t first = queue_row(&c, QUEUE)->qs.longest_wait_s;

	c.now_ns += 25 * NS_PER_S; /* the clock moves on, the copy does not */
	panels_build(&c);
	assert_int_equal(queue_row(&c, QUEUE)->qs.longest_wait_s, first + 25);
	assert_true(queue_row(&c, QUEUE)->qs.worst_wait_s >= first + 25);

	state_free(&c.st);
	lookup_free(&c);
	for (int i = 0; i < PANEL_COUNT; i++) {
		free(c.panels[i].rows);
		free(c.panels[i].row_of);
	}
	model_done(m);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_queue_rows_kept_and_their_waits_aged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
