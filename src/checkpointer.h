/* checkpointer.h: the checkpoint kept up with the journal while the program runs (every
 * checkpoint_s seconds and at exit), so that a restart replays only what came since. Private to
 * the core. */
#ifndef CTIBOARD_CHECKPOINTER_H
#define CTIBOARD_CHECKPOINTER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

struct model;
struct settings;
struct checkpointer;

/* Keep dir's checkpoint up with its journal on a thread of its own, every period_s seconds
 * (0: only at the end), once m's start-up replay has written it. Problems are told in m's event
 * log, and on stderr too when report is true. NULL when the thread cannot start. */
struct checkpointer *checkpointer_start(const char *dir, const struct settings *s, int period_s,
                                        struct model *m, bool report);

/* Bring the checkpoint up to the end of the journal once more (call it once the journal is
 * closed: every line is in), then stop. */
void checkpointer_stop(struct checkpointer *c);

/* Bring dir's checkpoint up to the journal's last whole line now: load it, replay what came
 * after the position it covers, save it. False (and nothing written) when there is no
 * checkpoint to bring up, it no longer fits its journal, or stop was set meanwhile. */
bool checkpoint_refresh(const char *dir, const struct settings *s, const atomic_bool *stop,
                        char *err, size_t errsize);

#endif
