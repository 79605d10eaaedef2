/* ended.c: keys of ended callers, bounded by count and by time. */
#include "ended.h"

#include <stdlib.h>

void ended_set_init(struct ended_set *e, size_t cap)
{
	e->ring = NULL;
	e->cap = cap;
	e->next = e->count = 0;
	hashmap_init(&e->map);
}

void ended_set_free(struct ended_set *e)
{
	free(e->ring);
	hashmap_free(&e->map);
	e->ring = NULL;
	e->next = e->count = 0;
}

void ended_set_add(struct ended_set *e, uint64_t key, int64_t t_ns)
{
	if (!e->cap)
		return;
	if (!e->ring) {
		e->ring = calloc(e->cap, sizeof *e->ring);
		if (!e->ring || !hashmap_reserve(&e->map, e->cap)) {
			free(e->ring);
			e->ring = NULL;
			return;
		}
	}
	size_t pos = e->next;
	if (e->count == e->cap) /* full: the oldest goes */
		hashmap_remove(&e->map, e->ring[pos].key, (uint32_t)pos);
	else
		e->count++;
	e->ring[pos].key = key;
	e->ring[pos].t_ns = t_ns;
	if (!hashmap_insert(&e->map, key, (uint32_t)pos)) {
		e->count--; /* cannot happen after the reserve; stay consistent anyway */
		return;
	}
	e->next = (pos + 1) % e->cap;
}

bool ended_set_has(const struct ended_set *e, uint64_t key, int64_t now_ns, int64_t window_ns)
{
	uint32_t pos;
	if (!e->ring)
		return false;
	for (struct hashmap_probe p = hashmap_probe(&e->map, key); hashmap_probe_next(&p, &pos);)
		if (e->ring[pos].key == key && now_ns - e->ring[pos].t_ns <= window_ns)
			return true;
	return false;
}
