/* model_index.h: the model's private indexes (number -> position maps, ended rings, duplicate
 * filter, due-time heap), seen by model.c and the checkpoint's encoder (model_checkpoint.c). */
#ifndef CTIBOARD_MODEL_INDEX_H
#define CTIBOARD_MODEL_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ended.h"
#include "hashmap.h"
#include "model.h"

#define ENDED_MAX     8    /* recently ended calls remembered per line */
#define ENDED_CALLERS 8192 /* ended queue callers remembered (within the expiry window) */
#define RATE_WINDOW_S 10

/* Keys of calls or callers that ended, so that a late event does not bring them back. */
struct ended_ring {
	uint64_t keys[ENDED_MAX];
	bool missed[ENDED_MAX]; /* for calls: counted as missed (a late pick-up corrects it) */
	unsigned next;
};

/* Fingerprints of recent events, in two generations (the older is dropped when the newer
 * fills), so memory is bounded and no deletion is needed. */
struct dedup {
	uint64_t *gen[2];
	size_t count; /* in gen[0] */
};

/* What a queue's callers and agents are found by, parallel to st.queues. */
struct queue_index {
	struct hashmap members; /* uuid -> position in queue.members */
	struct hashmap agents;  /* number -> position in queue.agents */
	bool *agent_watched;    /* parallel to queue.agents: on call, with a watch pending */
	size_t cap_agent_watched;
};

/* Something that may end at due_ns for lack of news (or, for a call whose ringing ended, be
 * counted as missed): found again through its index by hash (and queue). */
enum watch_kind { WATCH_CALL_GRACE, WATCH_CALL, WATCH_MEMBER, WATCH_AGENT };

struct watch {
	int64_t due_ns;
	uint64_t hash;
	uint32_t queue; /* for callers and agents */
	enum watch_kind kind;
};

struct model_index {
	struct hashmap lines, queues;  /* number -> position */
	struct hashmap calls;          /* (line, call id) -> position in st.calls */
	struct ended_ring *line_ended; /* parallel to st.lines */
	struct queue_index *queue_ix;  /* parallel to st.queues */
	struct dedup dedup;
	struct ended_set ended_callers; /* queue callers who left, by caller_key() */
	struct watch *watch;            /* a min-heap on due_ns */
	size_t nwatch, cap_watch;
	bool watch_lost; /* a watch could not be kept (memory): sweep everything, watch again */
	int64_t next_day_start_s;
	int64_t last_tick_s;         /* event time of the last tick done by model_apply */
	int64_t callbacks_expired_s; /* time of the last look for callbacks out of the window */
	int64_t waiting_minute;      /* minute of the last sparkline sample of every queue */
	int64_t rate_second[RATE_WINDOW_S];
	uint32_t rate_count[RATE_WINDOW_S];
};

#endif
