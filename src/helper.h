/* helper.h: one job at a time on a helper thread, while the caller does other work.
 *
 * The caller gives a job, goes on, and waits for it before touching what the job touches;
 * the mutex of each hand-over orders the job's writes before the caller's reads. Without a
 * helper (NULL: none could start), a job given runs at once on the caller's thread.
 */
#ifndef CTIBOARD_HELPER_H
#define CTIBOARD_HELPER_H

struct helper;

/* A helper thread, idle; NULL when it cannot start. */
struct helper *helper_start(void);

/* Run fn(job) on the helper (at once on this thread when h is NULL). One job at a time: the
 * last one given must have been waited for. */
void helper_give(struct helper *h, void (*fn)(void *job), void *job);

/* Wait until the job given last is done (at once when none is pending or h is NULL). */
void helper_wait(struct helper *h);

/* Wait for the pending job, end the thread and free h (NULL is allowed). */
void helper_stop(struct helper *h);

#endif
