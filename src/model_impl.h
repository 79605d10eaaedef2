/* model_impl.h: the inside of struct model, for the model's own files (model.c,
 * model_status.c) and the unit tests that look inside it. Everyone else goes through the
 * writers and readers of model.h. A writer that changes st sets dirty before model_unlock().
 */
#ifndef CTIBOARD_MODEL_IMPL_H
#define CTIBOARD_MODEL_IMPL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "api_action.h"
#include "clock.h"
#include "model.h"
#include "settings.h"

struct model_index; /* private: number -> position maps, duplicate filter */

/* Positions of lines or queues changed, with the generation that publishes each change, so that
 * model_view() copies only what changed since the reader's generation. */
struct change_log {
	struct change {
		uint32_t pos;
		uint64_t gen;
	} * items;
	size_t n, cap;
	uint64_t base_gen; /* a reader whose view is older than this copies everything */
};

struct model {
	pthread_mutex_t lock;
	uint64_t generation;
	bool dirty;
	struct model_state st;
	struct settings set;
	struct model_index *index;
	bool alerts_due;         /* time moved (a tick): evaluate the alerts at unlock */
	struct alert_memo *memo; /* what the alerts judge again (alerts.h) */
	struct change_log changed_lines, changed_queues;
	bool alerts_full;          /* judge every queue each time (the tests' reference) */
	alert_hook_fn *alert_hook; /* told of each alert raised, changed or cleared; may be NULL */
	bool alerts_off;           /* no alert list kept (a report reads the day, not the alerts) */
	bool resets_ignored;       /* a journalled `r` is not applied (a report reads whole days) */
	void *alert_hook_ctx;
	int wake_fd;              /* written to when the generation moves; -1 none */
	atomic_bool wake_pending; /* wake_fd written and not yet drained: no need to write again */
	struct wall_guard guard;  /* the live clock that moves "today" (clock.h) */
	/* called (lock held) when "today" is about to move on, before its counters are reset:
	 * the report reads each day there; NULL in the live program */
	model_day_end_fn *day_end;
	void *day_end_ctx;
	/* a supervisor's action asked by the UI, waiting for the roster thread (api_action.h) */
	struct api_action action;
	bool action_pending;
	/* the queue (service number) whose live calls the console shows; "" none */
	char live_calls_wanted[NUM_MAX];
	bool measure_latency; /* count the feed latency of the events applied (live runs) */
	/* told of each event that changed the model (model_set_observer) */
	model_observer_fn *observer;
	void *observer_ctx;
};

/* Set up an empty model in place (model_new() allocates one). Returns false when out of memory. */
bool model_init(struct model *m, const struct settings *s);
void model_done(struct model *m);

#endif
