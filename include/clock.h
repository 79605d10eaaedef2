/* clock.h: the two clocks of the program. The wall clock dates events and "now" on screen; the
 * monotonic clock paces every schedule (polls, retries, flushes, replays), immune to clock
 * changes. */
#ifndef CTIBOARD_CLOCK_H
#define CTIBOARD_CLOCK_H

#include <stdint.h>

#define NS_PER_S INT64_C(1000000000)

/* Wall clock in ns. */
int64_t wall_now_ns(void);

/* Monotonic clock in ns. */
int64_t mono_now_ns(void);

#endif
