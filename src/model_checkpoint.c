/* model_checkpoint.c: the model to bytes and back (model_checkpoint.h). Plain structures are
 * written as they are in memory: a checkpoint is read only by the build that wrote it (the
 * layout fingerprint says so), and its pointers are set again on reading. */
#include "model_checkpoint.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "model_impl.h"
#include "model_index.h"

uint64_t model_layout_fingerprint(void)
{
	const uint64_t parts[] = {
	    sizeof(struct line),
	    sizeof(struct call),
	    sizeof(struct queue),
	    sizeof(struct member),
	    sizeof(struct agent),
	    sizeof(struct log_entry),
	    sizeof(struct counters),
	    sizeof(struct callback),
	    sizeof(struct feed_stats),
	    sizeof(struct interval_counts),
	    sizeof(struct wait_history),
	    sizeof(struct ended_ring),
	    sizeof(struct watch),
	    sizeof(struct ended_entry),
	    sizeof(struct hashmap_slot),
	    sizeof(struct queue_recent),
	    sizeof(struct cb_step),
	    sizeof(void *),
	    LOG_MAX,
	    DEDUP_GENERATION,
	    ENDED_MAX,
	    ENDED_CALLERS,
	    RATE_WINDOW_S,
	    EV_KIND_COUNT,
	    offsetof(struct queue, members),
	    offsetof(struct queue, day),
	    offsetof(struct call, line),
	    offsetof(struct line, today),
	};
	uint64_t h = hashmap_hash(0, parts, sizeof parts);
	return hashmap_hash(h, CTIBOARD_VERSION, sizeof CTIBOARD_VERSION);
}

/* ---- writing ---- */

static void put(struct jsonbuf *out, const void *data, size_t len)
{
	if (len)
		jsonbuf_put(out, data, len);
}

static void put_u64(struct jsonbuf *out, uint64_t v)
{
	put(out, &v, sizeof v);
}

/* A counted array: its count, then its elements. */
static void put_array(struct jsonbuf *out, const void *items, size_t n, size_t elem)
{
	put_u64(out, n);
	put(out, items, n * elem);
}

static void put_map(struct jsonbuf *out, const struct hashmap *map)
{
	put_u64(out, map->count);
	put_array(out, map->slots, map->slots ? map->cap : 0, sizeof *map->slots);
}

static void put_log(struct jsonbuf *out, const struct model_state *st, bool events_only)
{
	size_t kept = 0;
	for (size_t i = 0; i < st->log_count; i++) {
		const struct log_entry *e = &st->log[(st->log_head + i) % LOG_MAX];
		kept += !events_only || strcmp(e->kind_name, "ctiboard") != 0;
	}
	put_u64(out, kept);
	for (size_t i = 0; i < st->log_count; i++) {
		const struct log_entry *e = &st->log[(st->log_head + i) % LOG_MAX];
		if (!events_only || strcmp(e->kind_name, "ctiboard") != 0)
			put(out, e, sizeof *e);
	}
}

static void put_queue(struct jsonbuf *out, const struct queue *q, const struct queue_index *qx)
{
	put(out, q, sizeof *q);
	put_array(out, q->members, q->nmembers, sizeof *q->members);
	put_array(out, q->agents, q->nagents, sizeof *q->agents);
	put_array(out, q->day.slots, q->day.slots ? q->day.nslots : 0, sizeof *q->day.slots);
	put_map(out, &qx->members);
	put_map(out, &qx->agents);
	put_array(out, qx->agent_watched, q->nagents, sizeof *qx->agent_watched);
}

static void put_generation(struct jsonbuf *out, const uint64_t *gen)
{
	put_array(out, gen, gen ? 2 * DEDUP_GENERATION : 0, sizeof *gen);
}

static void put_ended_set(struct jsonbuf *out, const struct ended_set *e)
{
	put_u64(out, e->cap);
	put_u64(out, e->next);
	put_u64(out, e->count);
	put_array(out, e->ring, e->ring ? e->cap : 0, sizeof *e->ring);
	put_map(out, &e->map);
}

void model_encode(const struct model *m, bool events_only, struct jsonbuf *out)
{
	const struct model_state *st = &m->st;
	const struct model_index *ix = m->index;
	put_array(out, st->lines, st->nlines, sizeof *st->lines);
	put_array(out, ix->line_ended, st->nlines, sizeof *ix->line_ended);
	put_array(out, st->calls, st->ncalls, sizeof *st->calls);
	put_u64(out, st->nqueues);
	for (size_t i = 0; i < st->nqueues; i++)
		put_queue(out, &st->queues[i], &ix->queue_ix[i]);
	put(out, &st->counters, sizeof st->counters);
	put_log(out, st, events_only);
	put(out, &st->day_start_s, sizeof st->day_start_s);
	put(out, &st->events_per_s_x10, sizeof st->events_per_s_x10);
	put(out, &st->clock.event_ns, sizeof st->clock.event_ns);
	put(out, &st->clock.wall_ns, sizeof st->clock.wall_ns);
	put_u64(out, st->callbacks.nopen);
	put_u64(out, st->callbacks.nopen_short);
	put_array(out, st->callbacks.entries, st->callbacks.n, sizeof *st->callbacks.entries);
	put(out, &st->fstats, sizeof st->fstats);

	put_map(out, &ix->lines);
	put_map(out, &ix->queues);
	put_map(out, &ix->calls);
	put_u64(out, ix->dedup.count);
	put_generation(out, ix->dedup.gen[0]);
	put_generation(out, ix->dedup.gen[1]);
	put_ended_set(out, &ix->ended_callers);
	put_array(out, ix->watch, ix->nwatch, sizeof *ix->watch);
	put_u64(out, ix->watch_lost);
	put(out, &ix->next_day_start_s, sizeof ix->next_day_start_s);
	put(out, &ix->last_tick_s, sizeof ix->last_tick_s);
	put(out, &ix->callbacks_expired_s, sizeof ix->callbacks_expired_s);
	put(out, &ix->waiting_minute, sizeof ix->waiting_minute);
	put(out, ix->rate_second, sizeof ix->rate_second);
	put(out, ix->rate_count, sizeof ix->rate_count);
}

/* ---- reading ---- */

struct reader {
	const unsigned char *data;
	size_t len, at;
	bool failed;
};

static bool get(struct reader *r, void *dst, size_t len)
{
	if (r->failed || len > r->len - r->at) {
		r->failed = true;
		return false;
	}
	if (len)
		memcpy(dst, r->data + r->at, len);
	r->at += len;
	return true;
}

static uint64_t get_u64(struct reader *r)
{
	uint64_t v = 0;
	get(r, &v, sizeof v);
	return v;
}

/* A counted array into a new allocation of at least min_cap elements (zeroed beyond the count);
 * its count in *n. NULL with *n 0 for an empty one when min_cap is 0. At most max elements. */
static void *get_array(struct reader *r, size_t *n, size_t elem, size_t min_cap, size_t max)
{
	uint64_t count = get_u64(r);
	*n = 0;
	if (r->failed || count > max || count > (r->len - r->at) / elem) {
		r->failed = true;
		return NULL;
	}
	size_t cap = count > min_cap ? (size_t)count : min_cap;
	if (cap == 0)
		return NULL;
	void *items = calloc(cap, elem);
	if (!items) {
		r->failed = true;
		return NULL;
	}
	get(r, items, (size_t)count * elem);
	*n = (size_t)count;
	return items;
}

static void get_map(struct reader *r, struct hashmap *map)
{
	size_t cap;
	uint64_t count = get_u64(r);
	hashmap_free(map);
	map->slots = get_array(r, &cap, sizeof *map->slots, 0, SIZE_MAX / 2);
	map->cap = cap;
	map->count = (size_t)count;
	if (cap & (cap - 1) || count > cap) /* a power of two, or 0, and never overfull */
		r->failed = true;
}

static void get_queue(struct reader *r, struct queue *q, struct queue_index *qx)
{
	size_t n;
	get(r, q, sizeof *q);
	q->members = NULL, q->agents = NULL, q->day.slots = NULL;
	q->members = get_array(r, &q->nmembers, sizeof *q->members, 0, SIZE_MAX / 2);
	q->cap_members = q->nmembers;
	q->agents = get_array(r, &q->nagents, sizeof *q->agents, 0, SIZE_MAX / 2);
	q->cap_agents = q->nagents;
	q->day.slots = get_array(r, &n, sizeof *q->day.slots, 0, UINT32_MAX);
	if (q->day.slots ? n != q->day.nslots : n != 0)
		r->failed = true;
	get_map(r, &qx->members);
	get_map(r, &qx->agents);
	qx->agent_watched = get_array(r, &n, sizeof *qx->agent_watched, q->nagents, SIZE_MAX / 2);
	qx->cap_agent_watched = q->nagents;
	if (n != q->nagents)
		r->failed = true;
}

static uint64_t *get_generation(struct reader *r)
{
	size_t n;
	uint64_t *gen = get_array(r, &n, sizeof *gen, 0, 2 * DEDUP_GENERATION);
	if (gen && n != 2 * DEDUP_GENERATION)
		r->failed = true;
	return gen;
}

static void get_ended_set(struct reader *r, struct ended_set *e)
{
	size_t n;
	e->cap = (size_t)get_u64(r);
	e->next = (size_t)get_u64(r);
	e->count = (size_t)get_u64(r);
	free(e->ring);
	e->ring = get_array(r, &n, sizeof *e->ring, 0, e->cap);
	if ((e->ring && n != e->cap) || e->next > e->cap || e->count > e->cap)
		r->failed = true;
	get_map(r, &e->map);
}

static void get_log(struct reader *r, struct model_state *st)
{
	uint64_t n = get_u64(r);
	if (n > LOG_MAX) {
		r->failed = true;
		return;
	}
	get(r, st->log, (size_t)n * sizeof *st->log);
	st->log_head = 0;
	st->log_count = (size_t)n;
}

/* Are the positions the maps and the calls hold inside the arrays they index? */
static bool coherent(const struct model *m)
{
	const struct model_state *st = &m->st;
	const struct model_index *ix = m->index;
	for (size_t i = 0; i < st->ncalls; i++)
		if (st->calls[i].line >= st->nlines)
			return false;
	for (size_t i = 0; i < ix->nwatch; i++)
		if ((ix->watch[i].kind == WATCH_MEMBER || ix->watch[i].kind == WATCH_AGENT) &&
		    ix->watch[i].queue >= st->nqueues)
			return false;
	const struct {
		const struct hashmap *map;
		size_t n;
	} maps[] = {{&ix->lines, st->nlines}, {&ix->queues, st->nqueues}, {&ix->calls, st->ncalls}};
	for (size_t k = 0; k < sizeof maps / sizeof maps[0]; k++)
		for (size_t i = 0; i < maps[k].map->cap; i++)
			if (maps[k].map->slots[i].value > maps[k].n)
				return false;
	for (size_t q = 0; q < st->nqueues; q++) {
		const struct queue_index *qx = &ix->queue_ix[q];
		for (size_t i = 0; i < qx->members.cap; i++)
			if (qx->members.slots[i].value > st->queues[q].nmembers)
				return false;
		for (size_t i = 0; i < qx->agents.cap; i++)
			if (qx->agents.slots[i].value > st->queues[q].nagents)
				return false;
	}
	for (size_t i = 0; i < ix->ended_callers.map.cap; i++)
		if (ix->ended_callers.map.slots[i].value > ix->ended_callers.cap)
			return false;
	return st->callbacks.nopen <= st->callbacks.n &&
	       st->callbacks.nopen_short <= st->callbacks.nopen;
}

bool model_decode(struct model *m, const unsigned char *data, size_t len)
{
	struct reader r = {data, len, 0, false};
	struct model_state *st = &m->st;
	struct model_index *ix = m->index;
	size_t n;
	st->lines = get_array(&r, &st->nlines, sizeof *st->lines, 1, (size_t)m->set.max_lines);
	st->cap_lines = st->nlines ? st->nlines : 1;
	ix->line_ended = get_array(&r, &n, sizeof *ix->line_ended, st->cap_lines, SIZE_MAX / 2);
	if (n != st->nlines)
		r.failed = true;
	st->calls = get_array(&r, &st->ncalls, sizeof *st->calls, 0, (size_t)m->set.max_calls);
	st->cap_calls = st->ncalls;
	uint64_t nqueues = get_u64(&r);
	if (!r.failed && nqueues <= (uint64_t)m->set.max_queues) {
		size_t cap = nqueues ? (size_t)nqueues : 1;
		st->queues = calloc(cap, sizeof *st->queues);
		ix->queue_ix = calloc(cap, sizeof *ix->queue_ix);
		if (st->queues && ix->queue_ix) {
			st->cap_queues = cap;
			for (size_t i = 0; i < nqueues && !r.failed; i++, st->nqueues++)
				get_queue(&r, &st->queues[i], &ix->queue_ix[i]);
		}
	}
	if (!st->queues || !ix->queue_ix)
		r.failed = true;
	get(&r, &st->counters, sizeof st->counters);
	get_log(&r, st);
	get(&r, &st->day_start_s, sizeof st->day_start_s);
	get(&r, &st->events_per_s_x10, sizeof st->events_per_s_x10);
	get(&r, &st->clock.event_ns, sizeof st->clock.event_ns);
	get(&r, &st->clock.wall_ns, sizeof st->clock.wall_ns);
	st->callbacks.nopen = (size_t)get_u64(&r);
	st->callbacks.nopen_short = (size_t)get_u64(&r);
	st->callbacks.entries =
	    get_array(&r, &st->callbacks.n, sizeof *st->callbacks.entries, 0, SIZE_MAX / 2);
	st->callbacks.cap = st->callbacks.n;
	get(&r, &st->fstats, sizeof st->fstats);

	get_map(&r, &ix->lines);
	get_map(&r, &ix->queues);
	get_map(&r, &ix->calls);
	ix->dedup.count = (size_t)get_u64(&r);
	ix->dedup.gen[0] = get_generation(&r);
	ix->dedup.gen[1] = get_generation(&r);
	if (ix->dedup.count > DEDUP_GENERATION)
		r.failed = true;
	get_ended_set(&r, &ix->ended_callers);
	ix->watch = get_array(&r, &ix->nwatch, sizeof *ix->watch, 0, SIZE_MAX / 2);
	ix->cap_watch = ix->nwatch;
	ix->watch_lost = get_u64(&r) != 0;
	get(&r, &ix->next_day_start_s, sizeof ix->next_day_start_s);
	get(&r, &ix->last_tick_s, sizeof ix->last_tick_s);
	get(&r, &ix->callbacks_expired_s, sizeof ix->callbacks_expired_s);
	get(&r, &ix->waiting_minute, sizeof ix->waiting_minute);
	get(&r, ix->rate_second, sizeof ix->rate_second);
	get(&r, ix->rate_count, sizeof ix->rate_count);
	if (r.failed || r.at != r.len || !coherent(m))
		return false;
	return callbacks_reindex(&st->callbacks);
}

/* ---- taking a loaded state ---- */

/* Exchange n bytes between a and b. */
static void swap_bytes(void *a, void *b, size_t n)
{
	unsigned char *p = a, *q = b;
	for (size_t i = 0; i < n; i++) {
		unsigned char t = p[i];
		p[i] = q[i];
		q[i] = t;
	}
}

#define SWAP(a, b) swap_bytes(&(a), &(b), sizeof(a))
/* the same for a pointer (sizeof of a pointer to a struct reads as a mistake to the linters) */
#define SWAP_PTR(a, b)                                                                             \
	do {                                                                                       \
		void *swap_ = (a);                                                                 \
		(a) = (b);                                                                         \
		(b) = swap_;                                                                       \
	} while (0)

void model_adopt(struct model *m, struct model *loaded, uint64_t covered_bytes)
{
	model_lock(m);
	struct model_state *st = &m->st, *from = &loaded->st;
	SWAP_PTR(st->lines, from->lines);
	SWAP(st->nlines, from->nlines);
	SWAP(st->cap_lines, from->cap_lines);
	SWAP_PTR(st->calls, from->calls);
	SWAP(st->ncalls, from->ncalls);
	SWAP(st->cap_calls, from->cap_calls);
	SWAP_PTR(st->queues, from->queues);
	SWAP(st->nqueues, from->nqueues);
	SWAP(st->cap_queues, from->cap_queues);
	SWAP(st->counters, from->counters);
	SWAP(st->day_start_s, from->day_start_s);
	SWAP(st->events_per_s_x10, from->events_per_s_x10);
	SWAP(st->clock.event_ns, from->clock.event_ns);
	SWAP(st->clock.wall_ns, from->clock.wall_ns);
	SWAP(st->callbacks, from->callbacks);
	SWAP(st->fstats, from->fstats);
	SWAP_PTR(m->index, loaded->index);
	/* the log: loaded's lines, then what this run said before the state came (its notices) */
	SWAP(st->log, from->log);
	SWAP(st->log_head, from->log_head);
	SWAP(st->log_count, from->log_count);
	for (size_t i = 0; i < from->log_count; i++) {
		size_t at = (st->log_head + st->log_count) % LOG_MAX;
		if (st->log_count == LOG_MAX)
			st->log_head = (st->log_head + 1) % LOG_MAX;
		else
			st->log_count++;
		st->log[at] = from->log[(from->log_head + i) % LOG_MAX];
	}
	alerts_memo_all(m->memo); /* every queue is new to the alerts' memo */
	model_mark_all_changed(m);
	struct startup_progress *p = &st->startup;
	p->bytes_total = p->bytes_total > covered_bytes ? p->bytes_total - covered_bytes : 0;
	m->dirty = true;
	model_unlock(m);
}
