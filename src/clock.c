/* clock.c: the wall and monotonic clocks in ns, and a wall clock that steps cannot jerk. */
#include "clock.h"

#include <time.h>

int64_t wall_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

int64_t mono_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

int64_t wall_guard_now(struct wall_guard *g, int64_t wall_ns, int64_t mono_ns)
{
	int64_t offset = wall_ns - mono_ns;
	if (!g->known) {
		g->known = true;
		g->offset_ns = offset;
	}
	int64_t drift = offset - g->offset_ns;
	if (drift >= -WALL_STEP_TOLERANCE_NS && drift <= WALL_STEP_TOLERANCE_NS) {
		g->offset_ns = offset; /* slewing, or a step undone before it was believed */
		g->pending = false;
		return wall_ns;
	}
	int64_t moved = offset - g->pending_offset_ns;
	bool same_step =
	    g->pending && moved >= -WALL_STEP_TOLERANCE_NS && moved <= WALL_STEP_TOLERANCE_NS;
	if (same_step && mono_ns - g->pending_since_ns >= WALL_STEP_CONFIRM_NS) {
		g->adopted_step_ns = offset - g->offset_ns;
		g->offset_ns = offset;
		g->pending = false;
		return wall_ns;
	}
	if (!same_step) { /* a new step: wait and see */
		g->pending = true;
		g->pending_since_ns = mono_ns;
	}
	g->pending_offset_ns = offset;
	return mono_ns + g->offset_ns;
}
