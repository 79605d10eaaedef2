/* lookup.c: lines and queues of the console's copy of the state found by number, through an
 * index that follows the copy. Lines and queues keep their positions in the model (they are
 * appended), so each new copy only adds the ones that arrived since; when the model gave an
 * idle line's place to a new one (counters.evicted moved), the lines are indexed again.
 */
#include <string.h>

#include "console.h"

/* Index positions [*done, n) of an array of numbered items; rebuild if the array shrank. */
static void index_add(struct hashmap *map, size_t *done, const void *items, size_t n, size_t stride,
                      size_t number_offset)
{
	if (n < *done) {
		hashmap_clear(map);
		*done = 0;
	}
	if (!hashmap_reserve(map, n)) {
		hashmap_clear(map); /* out of memory: lookups scan instead */
		*done = 0;
		return;
	}
	for (size_t i = *done; i < n; i++) {
		const char *number = (const char *)items + i * stride + number_offset;
		hashmap_insert(map, hashmap_hash_str(number), (uint32_t)i);
	}
	*done = n;
}

void lookup_update(struct console *c)
{
	if (c->st.counters.evicted != c->line_ix_evicted) {
		c->line_ix_evicted = c->st.counters.evicted;
		hashmap_clear(&c->line_ix);
		c->line_ix_n = 0;
	}
	index_add(&c->line_ix, &c->line_ix_n, c->st.lines, c->st.nlines, sizeof *c->st.lines,
	          offsetof(struct line, number));
	index_add(&c->queue_ix, &c->queue_ix_n, c->st.queues, c->st.nqueues, sizeof *c->st.queues,
	          offsetof(struct queue, number));
}

void lookup_free(struct console *c)
{
	hashmap_free(&c->line_ix);
	hashmap_free(&c->queue_ix);
	c->line_ix_n = c->queue_ix_n = 0;
}

const struct line *lookup_line(const struct console *c, const char *number)
{
	uint32_t pos;

	if (c->line_ix_n != c->st.nlines)
		return state_find_line(&c->st, number);
	for (struct hashmap_probe p = hashmap_probe(&c->line_ix, hashmap_hash_str(number));
	     hashmap_probe_next(&p, &pos);)
		if (pos < c->st.nlines && strcmp(c->st.lines[pos].number, number) == 0)
			return &c->st.lines[pos];
	return NULL;
}

const struct queue *lookup_queue(const struct console *c, const char *number)
{
	uint32_t pos;

	if (c->queue_ix_n != c->st.nqueues)
		return state_find_queue(&c->st, number);
	for (struct hashmap_probe p = hashmap_probe(&c->queue_ix, hashmap_hash_str(number));
	     hashmap_probe_next(&p, &pos);)
		if (pos < c->st.nqueues && strcmp(c->st.queues[pos].number, number) == 0)
			return &c->st.queues[pos];
	return NULL;
}
