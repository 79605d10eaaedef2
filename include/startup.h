/* startup.h: the start-up replay of a live run. The journal files that hold today, the callers
 * to call back and the calls still open are replayed on a thread while the screen is already
 * up; the progress is in the model (st.startup) for the header, the wallboard and --headless;
 * the feed's events wait until it is done, then go in order. */
#ifndef CTIBOARD_STARTUP_H
#define CTIBOARD_STARTUP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct model;
struct startup_progress;
struct startup;

/* Called once the journal is replayed (or the replay stopped), under the model's lock, after
 * the alerts were judged once on what is still open and before the feed's events go in. */
typedef void startup_done_fn(struct model *m, void *ctx);

/* Mark the start-up replay active in m (before any other thread uses m), then start replaying
 * the journal of dir on a thread. A file that cannot be read is a warning in the model (and on
 * stderr when report: no screen). NULL when the thread cannot start (m is left inactive). */
struct startup *startup_start(struct model *m, const char *dir, bool report, startup_done_fn *done,
                              void *ctx);
/* Stop (when still replaying) and join. NULL is fine. */
void startup_stop(struct startup *s);

/* Block until the start-up replay is over or *stop is set (the feed, before applying). */
void startup_wait(struct model *m, const atomic_bool *stop);

/* "42%, 120000 events, 3s left": the replay so far into dst, for the header and the wallboard. */
void startup_describe(char *dst, size_t size, const struct startup_progress *p, int64_t mono_ns);

/* --headless: a progress line on out once a second while a start-up replay that began over a
 * second ago lasts, and a last line when such a replay ends. Call it often; *log keeps what
 * was said (zero it first). */
struct startup_log {
	bool said;       /* a progress line went out */
	bool finished;   /* the last line went out */
	int64_t next_ns; /* monotonic time of the next progress line */
};
void startup_log_poll(struct startup_log *log, const struct startup_progress *p, int64_t mono_ns,
                      FILE *out);

#endif
