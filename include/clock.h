/* clock.h: the two clocks of the program. The wall clock dates events and "now" on screen; the
 * monotonic clock paces every schedule (polls, retries, flushes, replays), immune to clock
 * changes. */
#ifndef CTIBOARD_CLOCK_H
#define CTIBOARD_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define NS_PER_S INT64_C(1000000000)

/* Wall clock in ns. */
int64_t wall_now_ns(void);

/* Monotonic clock in ns. */
int64_t mono_now_ns(void);

/* A wall clock that a step cannot move at once. The wall clock minus the monotonic clock is
 * constant but for slow NTP slewing; when it jumps (an NTP or RTC correction, a hand-set
 * date), the new time is believed only once it has held WALL_STEP_CONFIRM_NS of monotonic
 * time, so that a step forward past midnight and back never rolls the day. The clocks are
 * given in, so that tests can step them. Zero it before use. */
#define WALL_STEP_TOLERANCE_NS (2 * NS_PER_S)
#define WALL_STEP_CONFIRM_NS   (60 * NS_PER_S)

struct wall_guard {
	bool known;
	int64_t offset_ns;         /* trusted wall minus monotonic */
	bool pending;              /* a step seen, not yet confirmed */
	int64_t pending_offset_ns; /* the offset after it */
	int64_t pending_since_ns;  /* monotonic time it was first seen */
	int64_t adopted_step_ns;   /* the last step believed (new minus old offset); the caller
	                              may read and clear it */
};

/* The trusted wall clock for this sample of both clocks. */
int64_t wall_guard_now(struct wall_guard *g, int64_t wall_ns, int64_t mono_ns);

#endif
