/* ended.h: the keys of things that ended (queue callers), remembered for a time window and up
 * to a count, so that a late event about one of them does not bring it back.
 *
 * A ring of (key, time) in the order they ended, indexed by a hashmap: adding and looking up
 * cost the same with 10 or 10,000 remembered. When the ring is full the oldest is forgotten.
 * Not thread-safe: the model's lock covers it.
 */
#ifndef CTIBOARD_ENDED_H
#define CTIBOARD_ENDED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hashmap.h"

struct ended_entry {
	uint64_t key;
	int64_t t_ns; /* when it ended */
};

struct ended_set {
	struct ended_entry *ring; /* allocated at the first add */
	size_t cap, next, count;
	struct hashmap map; /* key -> position in ring */
};

/* An empty set that will remember up to cap keys. */
void ended_set_init(struct ended_set *e, size_t cap);
void ended_set_free(struct ended_set *e);

/* Remember that key ended at t_ns. On allocation failure nothing is remembered. */
void ended_set_add(struct ended_set *e, uint64_t key, int64_t t_ns);

/* Did key end no more than window_ns before now_ns (and is it still remembered)? */
bool ended_set_has(const struct ended_set *e, uint64_t key, int64_t now_ns, int64_t window_ns);

#endif
