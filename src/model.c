/* model.c: the state of lines, calls and queues, kept by applying events. */
#include "model_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "array.h"
#include "ended.h"
#include "hashmap.h"
#include "model_index.h"
#include "text.h"
#include "wake.h"

/* ---- small helpers ---- */

/* Everything changed (a new day, a reset): a reader copies the whole state at its next view. */
static void changed_all(struct model *m)
{
	m->changed_lines.n = m->changed_queues.n = 0;
	m->changed_lines.base_gen = m->changed_queues.base_gen = m->generation + 1;
}

void model_mark_all_changed(struct model *m)
{
	changed_all(m);
}

/* The line or queue at pos changed: it is copied again by the next view of each reader. A long
 * log starts again, and a reader that had not caught up copies everything once. */
static void log_change(struct model *m, struct change_log *log, size_t pos, size_t count)
{
	uint64_t gen = m->generation + 1; /* published by the next model_unlock() */
	if (log->n && log->items[log->n - 1].pos == pos && log->items[log->n - 1].gen == gen)
		return;
	size_t limit = count / 4 > 4096 ? count / 4 : 4096;
	if (log->n >= limit ||
	    !array_grow((void **)&log->items, &log->cap, log->n + 1, sizeof *log->items)) {
		log->n = 0;
		log->base_gen = gen;
		return;
	}
	log->items[log->n++] = (struct change){(uint32_t)pos, gen};
}

static void line_changed(struct model *m, const struct line *l)
{
	log_change(m, &m->changed_lines, (size_t)(l - m->st.lines), m->st.nlines);
}

static void queue_changed(struct model *m, size_t pos)
{
	log_change(m, &m->changed_queues, pos, m->st.nqueues);
	alerts_memo_touch(m->memo, pos); /* judged again at the next evaluation */
}

static uint64_t hash_bytes(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

static uint64_t hash_str(const char *s)
{
	return hash_bytes(0xcbf29ce484222325ULL, s, strlen(s));
}

/* Note time t_s at the head of a queue_recent list (newest first). */
static void recent_push(int64_t *list, int64_t t_s)
{
	memmove(list + 1, list, (QUEUE_RECENT_MAX - 1) * sizeof *list);
	list[0] = t_s;
}

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* Seconds from from_s to to_s (both in seconds), never negative. */
static int64_t seconds_between(int64_t from_s, int64_t to_s)
{
	return to_s > from_s ? to_s - from_s : 0;
}

/* ---- indexes ---- */

typedef const char *key_of_fn(const void *array, uint32_t pos);

static const char *line_key(const void *array, uint32_t pos)
{
	return ((const struct line *)array)[pos].number;
}

static const char *queue_key(const void *array, uint32_t pos)
{
	return ((const struct queue *)array)[pos].number;
}

static const char *member_key(const void *array, uint32_t pos)
{
	return ((const struct member *)array)[pos].uuid;
}

static const char *agent_key(const void *array, uint32_t pos)
{
	return ((const struct agent *)array)[pos].number;
}

/* Position of key in array via map, or -1. */
static long map_find(const struct hashmap *map, const void *array, key_of_fn *key_of,
                     const char *key)
{
	uint32_t pos;
	for (struct hashmap_probe p = hashmap_probe(map, hashmap_hash_str(key));
	     hashmap_probe_next(&p, &pos);)
		if (strcmp(key_of(array, pos), key) == 0)
			return (long)pos;
	return -1;
}

/* The hash a call is indexed by: its call id on its line. */
static uint64_t call_hash(uint32_t line, const char *id)
{
	return hashmap_hash(hashmap_hash_str(id), &line, sizeof line);
}

/* The item at pos of an indexed array leaves and the last one takes its place: tell the map.
 * The caller moves the element itself. */
static void map_swap_remove(struct hashmap *map, uint64_t leaving_hash, uint64_t last_hash,
                            size_t pos, size_t last)
{
	hashmap_remove(map, leaving_hash, (uint32_t)pos);
	if (pos != last)
		hashmap_move(map, last_hash, (uint32_t)last, (uint32_t)pos);
}

/* ---- duplicate filter ---- */

static bool dedup_contains(const uint64_t *gen, uint64_t fp)
{
	if (!gen)
		return false;
	for (size_t i = fp & (2 * DEDUP_GENERATION - 1);;
	     i = (i + 1) & (2 * DEDUP_GENERATION - 1)) {
		if (gen[i] == 0)
			return false;
		if (gen[i] == fp)
			return true;
	}
}

/* Remember fp; true if it was seen already. */
static bool dedup_seen(struct dedup *d, uint64_t fp)
{
	if (dedup_contains(d->gen[0], fp) || dedup_contains(d->gen[1], fp))
		return true;
	if (!d->gen[0] || d->count == DEDUP_GENERATION) {
		uint64_t *fresh = d->gen[1];
		if (fresh)
			memset(fresh, 0, 2 * DEDUP_GENERATION * sizeof *fresh);
		else if (!(fresh = calloc(2 * DEDUP_GENERATION, sizeof *fresh)))
			return false;
		d->gen[1] = d->gen[0];
		d->gen[0] = fresh;
		d->count = 0;
	}
	size_t i = fp & (2 * DEDUP_GENERATION - 1);
	while (d->gen[0][i])
		i = (i + 1) & (2 * DEDUP_GENERATION - 1);
	d->gen[0][i] = fp;
	d->count++;
	return false;
}

/* Fingerprint of what makes an event the same event: kind, number, call or caller, agent,
 * count, time. Equal times happen for different events (offers of one caller to two agents,
 * two counts): a duplicate is the same event, not the same time. */
static uint64_t event_fingerprint(const struct event *ev)
{
	const char *kind = ev->kind == EV_UNKNOWN ? ev->kind_name : event_kind_name(ev->kind);
	uint64_t h = hash_bytes(0xcbf29ce484222325ULL, kind, strlen(kind) + 1);
	h = hash_bytes(h, ev->resource, strlen(ev->resource) + 1);
	h = hash_bytes(h, ev->call_id, strlen(ev->call_id) + 1);
	h = hash_bytes(h, ev->member_uuid, strlen(ev->member_uuid) + 1);
	h = hash_bytes(h, ev->agent, strlen(ev->agent) + 1);
	h = hash_bytes(h, &ev->count, sizeof ev->count);
	int64_t t = ev->timestamp_ns ? ev->timestamp_ns : ev->ts_ns;
	h = hash_bytes(h, &t, sizeof t);
	return h ? h : 1;
}

/* ---- ended rings ---- */

static void ended_add(struct ended_ring *r, uint64_t key, bool missed)
{
	r->keys[r->next] = key;
	r->missed[r->next] = missed;
	r->next = (r->next + 1) % ENDED_MAX;
}

static int ended_find(const struct ended_ring *r, uint64_t key)
{
	for (int i = 0; i < ENDED_MAX; i++)
		if (r->keys[i] == key)
			return i;
	return -1;
}

/* ---- life cycle ---- */

bool model_init(struct model *m, const struct settings *s)
{
	memset(m, 0, sizeof *m);
	m->set = *s;
	m->wake_fd = -1;
	m->generation = 1; /* readers start at 0: their first view always copies */
	m->index = calloc(1, sizeof *m->index);
	m->memo = alerts_memo_new();
	if (!m->index || !m->memo || pthread_mutex_init(&m->lock, NULL) != 0) {
		free(m->index);
		alerts_memo_free(m->memo);
		return false;
	}
	ended_set_init(&m->index->ended_callers, ENDED_CALLERS);
	text_copy(m->st.source, sizeof m->st.source, "live");
	return true;
}

static void queue_free_arrays(struct queue *q)
{
	free(q->members);
	free(q->agents);
	series_free(&q->day);
	q->members = NULL, q->agents = NULL;
	q->nmembers = q->cap_members = q->nagents = q->cap_agents = 0;
}

void state_free(struct model_state *st)
{
	for (size_t i = 0; i < st->cap_queues && st->queues; i++)
		queue_free_arrays(&st->queues[i]);
	free(st->queues);
	free(st->lines);
	free(st->calls);
	alerts_free(&st->alerts);
	callbacks_free(&st->callbacks);
	st->queues = NULL, st->lines = NULL, st->calls = NULL;
	st->nqueues = st->cap_queues = st->nlines = st->cap_lines = st->ncalls = st->cap_calls = 0;
}

void model_done(struct model *m)
{
	if (m->index) {
		struct model_index *ix = m->index;
		hashmap_free(&ix->lines);
		hashmap_free(&ix->queues);
		hashmap_free(&ix->calls);
		for (size_t i = 0; i < m->st.cap_queues && ix->queue_ix; i++) {
			hashmap_free(&ix->queue_ix[i].members);
			hashmap_free(&ix->queue_ix[i].agents);
			free(ix->queue_ix[i].agent_watched);
		}
		free(ix->queue_ix);
		free(ix->line_ended);
		ended_set_free(&ix->ended_callers);
		free(ix->watch);
		free(m->index->dedup.gen[0]);
		free(m->index->dedup.gen[1]);
		free(m->index);
	}
	free(m->changed_lines.items);
	free(m->changed_queues.items);
	alerts_memo_free(m->memo);
	state_free(&m->st);
	pthread_mutex_destroy(&m->lock);
	memset(m, 0, sizeof *m);
	m->wake_fd = -1;
}

void model_lock(struct model *m)
{
	pthread_mutex_lock(&m->lock);
}

void model_unlock(struct model *m)
{
	/* Live, every change is judged at once (a batch is one long-poll answer). A replay or a
	 * simulation judges once per second of its clock (model_tick sets alerts_due), as the
	 * ticker does live: at full speed a judgement per event would cost more than the event. */
	bool judge = m->alerts_due || (m->dirty && !m->st.clock.replay);
	if (!m->alerts_off && judge) {
		m->alerts_due = false;
		if (alerts_evaluate_memo(&m->st.alerts, m->alerts_full ? NULL : m->memo, &m->st,
		                         &m->set, state_now_ns(&m->st), m->alert_hook,
		                         m->alert_hook_ctx))
			m->dirty = true;
	}
	bool changed = m->dirty;
	if (changed) {
		m->generation++;
		m->dirty = false;
	}
	pthread_mutex_unlock(&m->lock);
	/* one write wakes the reader however many changes come before it looks: a fast replay
	 * would otherwise cost a write, a poll and a read per event */
	if (changed && !atomic_exchange(&m->wake_pending, true))
		wake_signal(m->wake_fd);
}

void model_wake_drain(struct model *m)
{
	wake_drain(m->wake_fd);
	atomic_store(&m->wake_pending, false);
}

/* ---- today ---- */

int64_t day_start_for(int64_t t_s, int shift_start_min)
{
	time_t t = (time_t)t_s;
	struct tm tm;
	localtime_r(&t, &tm);
	tm.tm_hour = 0;
	tm.tm_min = shift_start_min;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	time_t start = mktime(&tm);
	if (start > t) { /* before today's shift start: the shift began yesterday */
		localtime_r(&t, &tm);
		tm.tm_mday -= 1;
		tm.tm_hour = 0;
		tm.tm_min = shift_start_min;
		tm.tm_sec = 0;
		tm.tm_isdst = -1;
		start = mktime(&tm);
	}
	return (int64_t)start;
}

/* Start of the day after the one starting at day_s. */
static int64_t next_day_start(int64_t day_s, int shift_start_min)
{
	/* a day is 23 to 25 hours long: 26 h after the start is always within the next day */
	return day_start_for(day_s + 26 * 3600, shift_start_min);
}

void model_reset_today(struct model *m)
{
	struct model_state *st = &m->st;
	for (size_t i = 0; i < st->nlines; i++)
		memset(&st->lines[i].today, 0, sizeof st->lines[i].today);
	for (size_t i = 0; i < st->nqueues; i++) {
		struct queue *q = &st->queues[i];
		memset(&q->today, 0, sizeof q->today);
		series_reset(&q->day);
		for (size_t a = 0; a < q->nagents; a++) {
			q->agents[a].taken_today = q->agents[a].offers_not_taken_today = 0;
			q->agents[a].talk_today_s = 0;
		}
	}
	alerts_memo_all(m->memo);
	changed_all(m);
	m->dirty = true;
}

/* Move "today" forward if t_s is past its end; returns false if t_s is before today. */
static bool roll_day(struct model *m, int64_t t_s)
{
	struct model_index *ix = m->index;
	if (t_s < m->st.day_start_s)
		return false;
	if (m->st.day_start_s != 0 && t_s < ix->next_day_start_s)
		return true;
	int64_t start = day_start_for(t_s, m->set.shift_start_min);
	if (m->st.day_start_s != 0) {
		if (m->day_end)
			m->day_end(m->day_end_ctx, &m->st);
		model_reset_today(m);
	}
	m->st.day_start_s = start;
	ix->next_day_start_s = next_day_start(start, m->set.shift_start_min);
	m->dirty = true;
	return true;
}

/* ---- lines and queues: arrays indexed by number ---- */

/* Append a zeroed element for number to an array of the state that has a number map and a
 * parallel array of side data (lines, queues). Returns its position, or -1 at the bound max
 * or when memory runs out (then nothing changed). */
static long indexed_add(void **array, size_t *n, size_t *cap, size_t elem, size_t max, void **side,
                        size_t side_elem, struct hashmap *map, const char *number)
{
	if (*n >= max || !hashmap_reserve(map, *n + 1))
		return -1;
	size_t old_cap = *cap;
	if (!array_grow(array, cap, *n + 1, elem))
		return -1;
	if (*cap != old_cap) {
		void *e = realloc(*side, *cap * side_elem);
		if (!e) {
			*cap = old_cap; /* the side data must cover the capacity: claim no more */
			return -1;
		}
		*side = e;
		/* unused slots stay zeroed, so that state_free() may walk the whole capacity */
		memset((char *)*array + old_cap * elem, 0, (*cap - old_cap) * elem);
		memset((char *)*side + old_cap * side_elem, 0, (*cap - old_cap) * side_elem);
	}
	size_t pos = (*n)++;
	memset((char *)*array + pos * elem, 0, elem);
	memset((char *)*side + pos * side_elem, 0, side_elem);
	hashmap_insert(map, hashmap_hash_str(number), (uint32_t)pos); /* room reserved above */
	return (long)pos;
}

/* ---- watches: what may end for lack of news, in a min-heap on when ---- */

static void watch_swap(struct watch *a, struct watch *b)
{
	struct watch t = *a;
	*a = *b;
	*b = t;
}

static void watch_push(struct model *m, enum watch_kind kind, int64_t due_ns, uint64_t hash,
                       uint32_t queue)
{
	struct model_index *ix = m->index;
	if (!array_grow((void **)&ix->watch, &ix->cap_watch, ix->nwatch + 1, sizeof *ix->watch)) {
		ix->watch_lost = true;
		return;
	}
	size_t i = ix->nwatch++;
	ix->watch[i] = (struct watch){due_ns, hash, queue, kind};
	while (i > 0 && ix->watch[(i - 1) / 2].due_ns > ix->watch[i].due_ns) {
		watch_swap(&ix->watch[(i - 1) / 2], &ix->watch[i]);
		i = (i - 1) / 2;
	}
}

static struct watch watch_pop(struct model_index *ix)
{
	struct watch top = ix->watch[0];
	ix->watch[0] = ix->watch[--ix->nwatch];
	for (size_t i = 0;;) {
		size_t least = i, l = 2 * i + 1, r = l + 1;
		if (l < ix->nwatch && ix->watch[l].due_ns < ix->watch[least].due_ns)
			least = l;
		if (r < ix->nwatch && ix->watch[r].due_ns < ix->watch[least].due_ns)
			least = r;
		if (least == i)
			break;
		watch_swap(&ix->watch[i], &ix->watch[least]);
		i = least;
	}
	return top;
}

static int64_t expiry_of(const struct model *m, int64_t last_ns)
{
	return last_ns + (int64_t)m->set.expiry_s * NS_PER_S;
}

/* ---- lines and calls ---- */

/* The line of an event, created if new, with the details the event carries. NULL at a bound. */
/* At the bound: give the slot of the idle line heard of least recently (no call in progress
 * refers to it) to number. Returns its position, or -1 if every line is busy. Looks at every
 * line: only a new line at the bound pays for it. */
static long line_evict(struct model *m, const char *number)
{
	struct model_state *st = &m->st;
	struct model_index *ix = m->index;
	long best = -1;
	for (size_t i = 0; i < st->nlines; i++)
		if (st->lines[i].ncalls == 0 &&
		    (best < 0 || st->lines[i].last_ns < st->lines[best].last_ns))
			best = (long)i;
	if (best < 0)
		return -1;
	/* one entry out, one in: the map does not grow, the insert cannot fail */
	hashmap_remove(&ix->lines, hashmap_hash_str(st->lines[best].number), (uint32_t)best);
	hashmap_insert(&ix->lines, hashmap_hash_str(number), (uint32_t)best);
	memset(&st->lines[best], 0, sizeof st->lines[best]);
	memset(&ix->line_ended[best], 0, sizeof ix->line_ended[best]);
	st->counters.evicted++;
	return best;
}

static struct line *line_get(struct model *m, const struct event *ev)
{
	struct model_state *st = &m->st;
	struct model_index *ix = m->index;
	long pos = map_find(&ix->lines, st->lines, line_key, ev->resource);
	if (pos < 0) {
		pos =
		    indexed_add((void **)&st->lines, &st->nlines, &st->cap_lines, sizeof *st->lines,
		                (size_t)m->set.max_lines, (void **)&ix->line_ended,
		                sizeof *ix->line_ended, &ix->lines, ev->resource);
		if (pos < 0 && st->nlines >= (size_t)m->set.max_lines)
			pos = line_evict(m, ev->resource);
		if (pos < 0)
			return NULL;
		text_copy(st->lines[pos].number, sizeof st->lines[pos].number, ev->resource);
		st->lines[pos].simultaneous = -1;
	}
	struct line *l = &st->lines[pos];
	line_changed(m, l);
	if (ev->description[0])
		text_copy(l->description, sizeof l->description, ev->description);
	if (ev->type[0])
		text_copy(l->type, sizeof l->type, ev->type);
	if (ev->simultaneous >= 0)
		l->simultaneous = ev->simultaneous;
	return l;
}

static struct call *call_find(struct model *m, uint32_t line, const char *id)
{
	struct model_state *st = &m->st;
	uint32_t pos;
	for (struct hashmap_probe p = hashmap_probe(&m->index->calls, call_hash(line, id));
	     hashmap_probe_next(&p, &pos);)
		if (st->calls[pos].line == line && strcmp(st->calls[pos].id, id) == 0)
			return &st->calls[pos];
	return NULL;
}

static void call_set_state(struct line *l, struct call *c, enum call_state s, int64_t t)
{
	bool was_ringing = c->state == CALL_RINGING, was_active = c->answered;
	c->state = s;
	c->since_ns = t;
	l->nringing += (s == CALL_RINGING) - was_ringing;
	bool active = s == CALL_ACTIVE || s == CALL_HELD;
	if (active && !was_active) {
		c->answered = true;
		c->answer_ns = t;
		l->nactive++;
	}
}

/* A new call on line l; counts it in or out. NULL when a bound is reached. */
static struct call *call_new(struct model *m, struct line *l, const struct event *ev, int64_t t,
                             bool counting)
{
	struct model_state *st = &m->st;
	uint32_t line = (uint32_t)(l - st->lines);
	if (st->ncalls >= (size_t)m->set.max_calls ||
	    !array_grow((void **)&st->calls, &st->cap_calls, st->ncalls + 1, sizeof *st->calls) ||
	    !hashmap_insert(&m->index->calls, call_hash(line, ev->call_id), (uint32_t)st->ncalls))
		return NULL;
	struct call *c = &st->calls[st->ncalls++];
	memset(c, 0, sizeof *c);
	text_copy(c->id, sizeof c->id, ev->call_id);
	c->line = line;
	text_copy(c->calling, sizeof c->calling, ev->calling);
	text_copy(c->called, sizeof c->called, ev->called);
	c->inbound = strcmp(ev->calling, l->number) != 0;
	c->start_ns = c->since_ns = c->last_ns = t;
	c->state = CALL_RING_ENDED; /* set properly by the caller through call_set_state */
	l->ncalls++;
	watch_push(m, WATCH_CALL, expiry_of(m, t), call_hash(line, c->id), 0);
	if (counting) {
		if (c->inbound)
			l->today.calls_in++;
		else
			l->today.calls_out++;
	}
	return c;
}

/* Remove a call; remember how it ended so that late events about it change nothing. */
static void call_end(struct model *m, struct line *l, struct call *c, bool missed)
{
	struct model_state *st = &m->st;
	ended_add(&m->index->line_ended[c->line], hash_str(c->id), missed);
	l->ncalls--;
	l->nringing -= c->state == CALL_RINGING;
	l->nactive -= c->answered;
	size_t pos = (size_t)(c - st->calls), last = --st->ncalls;
	const struct call *moved = &st->calls[last];
	map_swap_remove(&m->index->calls, call_hash(c->line, c->id),
	                call_hash(moved->line, moved->id), pos, last);
	*c = *moved;
}

/* Finish a call at time t: talk time, or a missed call. */
static void call_finish(struct model *m, struct line *l, struct call *c, int64_t t, bool counting)
{
	bool missed = !c->answered && c->inbound;
	if (!c->answered && !c->inbound)
		callbacks_attempt(&m->st.callbacks, c->called, t / NS_PER_S, l->number);
	if (counting) {
		if (c->answered)
			l->today.talk_s += seconds_between(c->answer_ns / NS_PER_S, t / NS_PER_S);
		else if (missed)
			l->today.missed++;
	}
	call_end(m, l, c, missed);
}

/* A call was answered: the caller to call back it reaches, if any, is off the list. A call in
 * to a queue's own number is not an answer by anyone: the queue's events tell what follows. */
static void note_reached(struct model *m, const struct line *l, const struct call *c, int64_t t)
{
	struct callback_list *cb = &m->st.callbacks;
	if (!c->inbound)
		callbacks_reached(cb, c->called, t / NS_PER_S, CB_CALLED_BACK, l->number);
	else if (map_find(&m->index->queues, m->st.queues, queue_key, l->number) < 0)
		callbacks_reached(cb, c->calling, t / NS_PER_S, CB_CALLED_IN, l->number);
}

static enum apply_result apply_line(struct model *m, const struct event *ev, int64_t t,
                                    bool counting)
{
	struct line *l = line_get(m, ev);
	if (!l)
		return APPLY_DROPPED;
	uint32_t pos = (uint32_t)(l - m->st.lines);
	l->last_ns = max64(l->last_ns, t);
	if (ev->kind == EV_REGISTERED) {
		l->registered_ns = max64(l->registered_ns, t);
		m->st.counters.registered++;
		return APPLY_OK;
	}
	if (ev->kind == EV_UNKNOWN)
		return APPLY_UNKNOWN;

	struct call *c = call_find(m, pos, ev->call_id);
	struct ended_ring *ended = &m->index->line_ended[pos];
	if (!c) {
		int e = ended_find(ended, hash_str(ev->call_id));
		if (e >= 0) {
			/* a late pick-up of a call already counted as missed: it was answered */
			if (ev->kind == EV_START_CALLING && ended->missed[e] && counting) {
				ended->missed[e] = false;
				if (l->today.missed > 0)
					l->today.missed--;
				l->today.answered++;
			}
			return APPLY_IGNORED;
		}
		if (ev->kind != EV_START_RINGING && ev->kind != EV_START_CALLING) {
			/* an end with no start: nothing to end, but do not let a late start in */
			ended_add(ended, hash_str(ev->call_id), false);
			return APPLY_IGNORED;
		}
		c = call_new(m, l, ev, t, counting);
		if (!c)
			return APPLY_DROPPED;
		call_set_state(l, c, CALL_RINGING, t);
	}
	c->last_ns = max64(c->last_ns, t);
	switch (ev->kind) {
	case EV_START_RINGING: break; /* already ringing, or a late ringing of a call in progress */
	case EV_START_CALLING:
		if (!c->answered && c->inbound && counting)
			l->today.answered++;
		if (!c->answered)
			note_reached(m, l, c, t);
		if (c->state != CALL_ACTIVE && c->state != CALL_HELD)
			call_set_state(l, c, CALL_ACTIVE, t);
		break;
	case EV_END_RINGING:
		if (c->state == CALL_RINGING) {
			call_set_state(l, c, CALL_RING_ENDED, t);
			watch_push(m, WATCH_CALL_GRACE,
			           t + (int64_t)m->set.missed_grace_s * NS_PER_S,
			           call_hash(pos, c->id), 0);
		}
		break;
	case EV_START_HOLD:
		if (c->answered)
			call_set_state(l, c, CALL_HELD, t);
		break;
	case EV_END_HOLD:
		if (c->state == CALL_HELD)
			call_set_state(l, c, CALL_ACTIVE, t);
		break;
	case EV_END_CALLING: call_finish(m, l, c, t, counting); break;
	default: break;
	}
	return APPLY_OK;
}

/* ---- queues, callers, agents ---- */

/* The queue of an event, created if new, with the details the event carries. NULL at a bound. */
static struct queue *queue_get(struct model *m, const struct event *ev)
{
	struct model_state *st = &m->st;
	struct model_index *ix = m->index;
	long pos = map_find(&ix->queues, st->queues, queue_key, ev->resource);
	if (pos < 0) {
		pos = indexed_add((void **)&st->queues, &st->nqueues, &st->cap_queues,
		                  sizeof *st->queues, (size_t)m->set.max_queues,
		                  (void **)&ix->queue_ix, sizeof *ix->queue_ix, &ix->queues,
		                  ev->resource);
		if (pos < 0)
			return NULL;
		text_copy(st->queues[pos].number, sizeof st->queues[pos].number, ev->resource);
		st->queues[pos].count = -1;
	}
	struct queue *q = &st->queues[pos];
	queue_changed(m, (size_t)pos);
	if (ev->description[0])
		text_copy(q->description, sizeof q->description, ev->description);
	if (ev->type[0])
		text_copy(q->type, sizeof q->type, ev->type);
	return q;
}

static struct queue_index *queue_ix(struct model *m, const struct queue *q)
{
	return &m->index->queue_ix[q - m->st.queues];
}

static struct member *member_find(struct model *m, struct queue *q, const char *uuid)
{
	long pos = map_find(&queue_ix(m, q)->members, q->members, member_key, uuid);
	return pos < 0 ? NULL : &q->members[pos];
}

/* The interval of today in which a caller who joined at joined_s counts; NULL when out of
 * memory. */
static struct interval_counts *interval_of(struct model *m, struct queue *q, int64_t joined_s)
{
	return series_slot(&q->day, m->set.interval_min, m->st.day_start_s, joined_s);
}

/* The caller of an event, created if new (and counted as offered). NULL at a bound. */
static struct member *member_get(struct model *m, struct queue *q, const struct event *ev,
                                 int64_t t, bool counting)
{
	struct member *mb = member_find(m, q, ev->member_uuid);
	bool created = !mb;
	if (!mb) {
		if (q->nmembers >= (size_t)m->set.max_members ||
		    !array_grow((void **)&q->members, &q->cap_members, q->nmembers + 1,
		                sizeof *mb) ||
		    !hashmap_insert(&queue_ix(m, q)->members, hashmap_hash_str(ev->member_uuid),
		                    (uint32_t)q->nmembers))
			return NULL;
		mb = &q->members[q->nmembers++];
		memset(mb, 0, sizeof *mb);
		text_copy(mb->uuid, sizeof mb->uuid, ev->member_uuid);
		mb->state = MEMBER_WAITING;
		mb->joined_s = t / NS_PER_S;
		watch_push(m, WATCH_MEMBER, expiry_of(m, t), hashmap_hash_str(mb->uuid),
		           (uint32_t)(q - m->st.queues));
		if (counting)
			q->today.offered++;
	}
	if (ev->joined_s > 0)
		mb->joined_s = ev->joined_s;
	if (created)
		recent_push(q->recent.joined_s, mb->joined_s);
	if (ev->member_number[0])
		text_copy(mb->number, sizeof mb->number, ev->member_number);
	if (ev->member_name[0])
		text_copy(mb->name, sizeof mb->name, ev->member_name);
	mb->last_ns = max64(mb->last_ns, t);
	struct interval_counts *slot = created && counting ? interval_of(m, q, mb->joined_s) : NULL;
	if (slot)
		slot->offered++;
	return mb;
}

/* The key of a caller of a queue among the ended callers. */
static uint64_t caller_key(const struct queue *q, const char *uuid)
{
	return hashmap_hash(hashmap_hash_str(q->number), uuid, strlen(uuid));
}

/* Remove a caller; remember them for the expiry window so that late events change nothing. */
static void member_remove(struct model *m, struct queue *q, struct member *mb)
{
	struct queue_index *qx = queue_ix(m, q);
	ended_set_add(&m->index->ended_callers, caller_key(q, mb->uuid), mb->last_ns);
	size_t pos = (size_t)(mb - q->members), last = --q->nmembers;
	map_swap_remove(&qx->members, hashmap_hash_str(mb->uuid),
	                hashmap_hash_str(q->members[last].uuid), pos, last);
	*mb = q->members[last];
}

/* An agent went on a call: watch it, unless a watch is pending already. */
static void agent_watch(struct model *m, struct queue *q, struct agent *a)
{
	bool *watched = &queue_ix(m, q)->agent_watched[a - q->agents];
	if (*watched)
		return;
	*watched = true;
	watch_push(m, WATCH_AGENT, expiry_of(m, a->last_ns), hashmap_hash_str(a->number),
	           (uint32_t)(q - m->st.queues));
}

static struct agent *agent_get(struct model *m, struct queue *q, const char *number, int64_t t)
{
	if (!number[0])
		return NULL;
	struct hashmap *map = &queue_ix(m, q)->agents;
	long pos = map_find(map, q->agents, agent_key, number);
	if (pos >= 0) {
		q->agents[pos].last_ns = max64(q->agents[pos].last_ns, t);
		return &q->agents[pos];
	}
	struct queue_index *qx = queue_ix(m, q);
	size_t had = qx->cap_agent_watched;
	if (q->nagents >= (size_t)m->set.max_agents ||
	    !array_grow((void **)&q->agents, &q->cap_agents, q->nagents + 1, sizeof *q->agents) ||
	    !array_grow((void **)&qx->agent_watched, &qx->cap_agent_watched, q->nagents + 1,
	                sizeof *qx->agent_watched) ||
	    !hashmap_insert(map, hashmap_hash_str(number), (uint32_t)q->nagents)) {
		m->st.counters.dropped++; /* the event counts, the agent is not kept */
		return NULL;
	}
	memset(qx->agent_watched + had, 0, qx->cap_agent_watched - had);
	struct agent *a = &q->agents[q->nagents++];
	memset(a, 0, sizeof *a);
	text_copy(a->number, sizeof a->number, number);
	a->last_ns = t;
	return a;
}

/* The rules of a queue (its own values over the general settings). */
static struct queue_rules rules_of(const struct model *m, const struct queue *q)
{
	struct queue_rules r;
	settings_queue_rules(&m->set, q->number, &r);
	return r;
}

/* Count an answer: wait from join to answer, service level. */
static void count_answer(struct model *m, struct queue *q, struct member *mb, int64_t answered_s)
{
	int64_t wait = seconds_between(mb->joined_s, answered_s);
	int target = rules_of(m, q).sl_target_s;
	q->today.answered++;
	q->today.wait_total_s += wait;
	if (wait <= target)
		q->today.answered_in_sl++;
	q->today.worst_wait_s = max64(q->today.worst_wait_s, wait);
	struct interval_counts *slot = interval_of(m, q, mb->joined_s);
	if (slot)
		series_answered(slot, wait, target);
}

/* The time of an answer, for the rules on the last minutes (counted today or not). */
static void note_answer(struct queue *q, int64_t answered_s)
{
	q->recent.answered_s = max64(q->recent.answered_s, answered_s);
}

/* Count a finished agent call of a caller who joined at joined_s. */
static void count_talk(struct model *m, struct queue *q, struct agent *a, int64_t joined_s,
                       int64_t talk_s)
{
	q->today.talks++;
	q->today.talk_total_s += talk_s;
	if (a)
		a->talk_today_s += talk_s;
	struct interval_counts *slot = interval_of(m, q, joined_s);
	if (slot) {
		slot->talks++;
		slot->talk_total_s += talk_s;
	}
}

/* Count a caller who left before an answer. */
static void count_unanswered(struct model *m, struct queue *q, const struct event *ev,
                             int64_t joined_s, int64_t left_s)
{
	int64_t wait = seconds_between(joined_s, left_s);
	enum cb_outcome outcome =
	    callbacks_outcome(ev->cancel_reason, wait, rules_of(m, q).short_abandon_s);
	q->today.worst_wait_s = max64(q->today.worst_wait_s, wait);
	switch (outcome) {
	case CB_TIMED_OUT: q->today.timed_out++; break;
	case CB_LEFT_BY_KEY: q->today.left_by_key++; break;
	case CB_SHORT_ABANDONED: q->today.short_abandoned++; break;
	case CB_ABANDONED: q->today.abandoned++; break;
	}
	struct interval_counts *slot = interval_of(m, q, joined_s);
	if (slot)
		series_left(slot, wait, outcome);
}

/* A caller left before an answer: one to call back. */
static void note_left(struct model *m, const struct queue *q, const struct member *mb,
                      const struct event *ev, int64_t left_s)
{
	int64_t wait = seconds_between(mb->joined_s, left_s);
	callbacks_left(&m->st.callbacks, q->number, mb->number, mb->name, left_s, wait,
	               callbacks_outcome(ev->cancel_reason, wait, rules_of(m, q).short_abandon_s));
}

/* Did an offered agent refuse the call? Not when the agent lost a ring-all race (LOSE_RACE) or
 * the offer was withdrawn (ORIGINATOR_CANCEL: another agent answered, or the caller left). */
static bool agent_refused(const char *hangup_cause)
{
	return strcasecmp(hangup_cause, "LOSE_RACE") != 0 &&
	       strcasecmp(hangup_cause, "ORIGINATOR_CANCEL") != 0;
}

static enum apply_result apply_queue(struct model *m, const struct event *ev, int64_t t,
                                     bool counting)
{
	struct queue *q = queue_get(m, ev);
	if (!q)
		return APPLY_DROPPED;
	q->last_ns = max64(q->last_ns, t);
	if (ev->count >= 0)
		q->count = ev->count;
	if (ev->kind == EV_UNKNOWN)
		return APPLY_UNKNOWN;
	if (ev->kind == EV_MEMBERS_COUNT)
		return APPLY_OK;
	if (ev->kind == EV_AGENT_STATUS_CHANGE || ev->kind == EV_AGENT_STATE_CHANGE) {
		struct agent *a = agent_get(m, q, ev->agent, t);
		if (a && ev->status[0])
			text_copy(a->status, sizeof a->status, ev->status);
		return APPLY_OK;
	}

	int64_t t_s = t / NS_PER_S;
	struct ended_set *ended = &m->index->ended_callers;
	int64_t window_ns = (int64_t)m->set.expiry_s * NS_PER_S;
	struct member *mb = member_find(m, q, ev->member_uuid);
	struct agent *a = agent_get(m, q, ev->agent, t);
	/* A caller is created by member-queue-start, or by a later event that carries a joined
	 * time inside the expiry window; never by a late event about a caller who has left. */
	bool joined_recently =
	    ev->joined_s > 0 && ev->joined_s <= t_s + 60 && t_s - ev->joined_s <= m->set.expiry_s;
	if (!mb && (ended_set_has(ended, caller_key(q, ev->member_uuid), t, window_ns) ||
	            (ev->kind != EV_MEMBER_QUEUE_START && !joined_recently))) {
		/* a late event about a caller who has left, or about one never seen: only the
		 * agent side may still count */
		if (ev->kind == EV_BRIDGE_AGENT_END && a) {
			a->on_call = false;
			if (counting && ev->answered_s && ev->terminated_s)
				count_talk(m, q, a, ev->joined_s ? ev->joined_s : ev->answered_s,
				           seconds_between(ev->answered_s, ev->terminated_s));
		}
		return APPLY_IGNORED;
	}
	mb = member_get(m, q, ev, t, counting);
	if (!mb)
		return APPLY_DROPPED;

	switch (ev->kind) {
	case EV_MEMBER_QUEUE_START:
	case EV_MEMBER_QUEUE_RESUME: break;
	case EV_AGENT_OFFERING:
		if (mb->state == MEMBER_WAITING) {
			mb->state = MEMBER_OFFERED;
			text_copy(mb->agent, sizeof mb->agent, ev->agent);
		}
		break;
	case EV_BRIDGE_AGENT_START:
		if (!mb->answered_s) {
			mb->answered_s = ev->answered_s ? ev->answered_s : t_s;
			note_answer(q, mb->answered_s);
			callbacks_reached(&m->st.callbacks, mb->number, mb->answered_s,
			                  CB_CALLED_IN, ev->agent);
			if (counting) {
				count_answer(m, q, mb, mb->answered_s);
				if (a)
					a->taken_today++;
			}
		}
		mb->state = MEMBER_WITH_AGENT;
		text_copy(mb->agent, sizeof mb->agent, ev->agent);
		if (a) {
			a->on_call = true;
			a->since_s = mb->answered_s;
			agent_watch(m, q, a);
		}
		break;
	case EV_BRIDGE_AGENT_FAIL:
		if (counting && agent_refused(ev->hangup_cause))
			q->today.agent_failures++;
		/* a ring-all loser did not refuse anything: another agent took the caller */
		if (counting && a && agent_refused(ev->hangup_cause))
			a->offers_not_taken_today++;
		if (mb->state == MEMBER_OFFERED &&
		    (!ev->agent[0] || strcmp(mb->agent, ev->agent) == 0)) {
			mb->state = MEMBER_WAITING;
			mb->agent[0] = '\0';
		}
		break;
	case EV_BRIDGE_AGENT_END:
		if (a)
			a->on_call = false;
		if (counting) {
			int64_t answered = ev->answered_s ? ev->answered_s : mb->answered_s;
			int64_t ended_s = ev->terminated_s ? ev->terminated_s : t_s;
			count_talk(m, q, a, mb->joined_s,
			           answered ? seconds_between(answered, ended_s) : 0);
		}
		break;
	case EV_MEMBER_QUEUE_END:
		if (!mb->answered_s && ev->cause == CAUSE_TERMINATED && ev->answered_s) {
			/* answered, but the bridge event never came */
			mb->answered_s = ev->answered_s;
			note_answer(q, mb->answered_s);
			callbacks_reached(&m->st.callbacks, mb->number, ev->answered_s,
			                  CB_CALLED_IN, ev->agent);
			if (counting) {
				count_answer(m, q, mb, ev->answered_s);
				if (a)
					a->taken_today++;
			}
		} else if (!mb->answered_s) {
			int64_t left_s = ev->leaving_s ? ev->leaving_s : t_s;
			if (counting)
				count_unanswered(m, q, ev, mb->joined_s, left_s);
			if (callbacks_outcome(ev->cancel_reason, 0, 0) == CB_TIMED_OUT)
				recent_push(q->recent.timed_out_s, left_s);
			note_left(m, q, mb, ev, left_s);
		}
		member_remove(m, q, mb);
		break;
	default: break;
	}
	return APPLY_OK;
}

/* Record the callers waiting in q at now_s for its sparkline (as stats.h counts them). */
static void note_waiting(struct queue *q, int64_t now_s)
{
	int waiting = 0;
	for (size_t i = 0; i < q->nmembers; i++)
		waiting += q->members[i].state != MEMBER_WITH_AGENT;
	wait_history_note(&q->waiting_h, now_s, q->count >= 0 ? q->count : waiting);
}

/* ---- applying ---- */

/* What a caller's exit was, in words, from member-queue-end. */
static const char *exit_words(const struct event *ev)
{
	if (ev->cause == CAUSE_TERMINATED)
		return "served";
	switch (callbacks_outcome(ev->cancel_reason, 0, 0)) {
	case CB_TIMED_OUT: return "timed out";
	case CB_LEFT_BY_KEY: return "left by key";
	default: return ev->cause == CAUSE_CANCEL ? "abandoned" : "left";
	}
}

/* The next entry of the event log's ring (the oldest is given up when it is full). */
static struct log_entry *log_append(struct model_state *st)
{
	size_t at = (st->log_head + st->log_count) % LOG_MAX;
	if (st->log_count == LOG_MAX)
		st->log_head = (st->log_head + 1) % LOG_MAX;
	else
		st->log_count++;
	return &st->log[at];
}

/* One line of the event log. caller: the queue caller's number or name when the event does
 * not carry it (member-queue-end often carries only the caller's id). */
static void log_event(struct model_state *st, const struct event *ev, int64_t t, const char *caller)
{
	struct log_entry *e = log_append(st);
	e->time_ns = t;
	e->kind = ev->kind;
	text_copy(e->kind_name, sizeof e->kind_name, ev->kind_name);
	text_copy(e->resource, sizeof e->resource, ev->resource);
	/* the other party: for an outgoing call the number called, not the line itself */
	const char *detail = ev->is_queue                             ? ev->member_number
	                     : strcmp(ev->calling, ev->resource) == 0 ? ev->called
	                                                              : ev->calling;
	char both[TEXT_MAX];
	if (ev->kind == EV_MEMBER_QUEUE_END) {
		const char *who = ev->member_number[0] ? ev->member_number
		                  : ev->member_name[0] ? ev->member_name
		                                       : caller;
		snprintf(both, sizeof both, "%.*s%s%s", NUM_MAX, who, who[0] ? " " : "",
		         exit_words(ev));
		detail = both;
	} else if (ev->kind == EV_BRIDGE_AGENT_FAIL)
		detail = ev->hangup_cause;
	else if (ev->kind == EV_MEMBERS_COUNT || ev->kind == EV_REGISTERED)
		detail = "";
	text_copy(e->detail, sizeof e->detail, detail);
}

void model_log_note(struct model *m, int64_t t, const char *kind_name, const char *resource,
                    const char *detail)
{
	struct log_entry *e = log_append(&m->st);
	e->time_ns = t;
	e->kind = EV_UNKNOWN;
	text_copy(e->kind_name, sizeof e->kind_name, kind_name);
	text_copy(e->resource, sizeof e->resource, resource);
	text_copy(e->detail, sizeof e->detail, detail);
	m->dirty = true;
}

/* The event rate over the window of seconds that ends at now_s: it decays to 0 when events
 * stop, since the ticks call this too. Returns true if it changed. */
static bool rate_update(struct model *m, int64_t now_s)
{
	const struct model_index *ix = m->index;
	uint64_t sum = 0;
	for (size_t i = 0; i < RATE_WINDOW_S; i++)
		if (ix->rate_second[i] <= now_s && now_s - ix->rate_second[i] < RATE_WINDOW_S)
			sum += ix->rate_count[i];
	int64_t rate = (int64_t)sum * 10 / RATE_WINDOW_S;
	bool changed = rate != m->st.events_per_s_x10;
	m->st.events_per_s_x10 = rate;
	return changed;
}

void model_notice(struct model *m, const char *text, bool warning)
{
	struct model_state *st = &m->st;
	struct log_entry *e = log_append(st);
	memset(e, 0, sizeof *e);
	e->time_ns = wall_now_ns();
	e->kind = EV_UNKNOWN;
	text_copy(e->kind_name, sizeof e->kind_name, "ctiboard");
	text_sanitize(e->detail, sizeof e->detail, text, strlen(text));
	if (warning)
		text_sanitize(st->notice, sizeof st->notice, text, strlen(text));
	m->dirty = true;
}

/* Count the event in the rate window of its second. */
static void count_rate(struct model *m, int64_t t_s)
{
	struct model_index *ix = m->index;
	size_t slot = (size_t)(t_s % RATE_WINDOW_S);
	if (ix->rate_second[slot] != t_s) {
		ix->rate_second[slot] = t_s;
		ix->rate_count[slot] = 0;
	}
	ix->rate_count[slot]++;
	rate_update(m, t_s);
}

enum apply_result model_apply(struct model *m, const struct event *ev)
{
	struct model_state *st = &m->st;
	if ((ev->timestamp_ns || ev->ts_ns) &&
	    dedup_seen(&m->index->dedup, event_fingerprint(ev))) {
		st->counters.duplicates++;
		m->dirty = true;
		return APPLY_DUPLICATE;
	}
	int64_t t = event_time_ns(ev);
	/* a sender's clock cannot move "today" or the expiry clock ahead of this one's: an event
	 * dated well after its receipt takes the receipt's time, and the day rolls on receipt */
	if (ev->received_ns > 0 && t > ev->received_ns + FUTURE_TOLERANCE_S * NS_PER_S) {
		st->counters.future++;
		t = ev->received_ns;
	}
	int64_t day_t = ev->received_ns > 0 && ev->received_ns < t ? ev->received_ns : t;
	if (!st->clock.replay) { /* nor an unconfirmed step of this machine's clock */
		int64_t trusted = wall_guard_now(&m->guard, wall_now_ns(), mono_now_ns());
		if (day_t > trusted)
			day_t = trusted;
	}
	bool counting = roll_day(m, day_t / NS_PER_S);
	char caller[NUM_MAX] = ""; /* for the log: the end removes the caller */
	if (ev->kind == EV_MEMBER_QUEUE_END) {
		long pos = map_find(&m->index->queues, st->queues, queue_key, ev->resource);
		const struct member *mb =
		    pos >= 0 ? member_find(m, &st->queues[pos], ev->member_uuid) : NULL;
		if (mb)
			text_copy(caller, sizeof caller, mb->number[0] ? mb->number : mb->name);
	}
	enum apply_result r =
	    ev->is_queue ? apply_queue(m, ev, t, counting) : apply_line(m, ev, t, counting);
	m->dirty = true;
	if (ev->is_queue && r != APPLY_DROPPED) {
		long pos = map_find(&m->index->queues, st->queues, queue_key, ev->resource);
		if (pos >= 0)
			note_waiting(&st->queues[pos], t / NS_PER_S);
	}
	if (r == APPLY_DROPPED) {
		st->counters.dropped++;
		return r;
	}
	st->counters.events++;
	if (r == APPLY_UNKNOWN)
		st->counters.unknown++;
	feed_stats_note(&st->fstats, ev, m->measure_latency);
	if (m->observer && r == APPLY_OK)
		m->observer(m->observer_ctx, st, ev, &st->hooks);
	log_event(st, ev, t, caller);
	if (t > st->clock.event_ns) {
		st->clock.event_ns = t;
		st->clock.wall_ns = wall_now_ns();
	}
	count_rate(m, t / NS_PER_S);
	if (day_t / NS_PER_S > m->index->last_tick_s) {
		/* tick on event time too (never past its receipt), so that a replay expires what
		 * it should as it goes, the same way at any speed */
		m->index->last_tick_s = day_t / NS_PER_S;
		model_tick(m, day_t);
	}
	return r;
}

/* A call's watch is due: expire it, count it missed, or watch it again. Returns true if the
 * calls changed (the probe must stop). */
static bool tick_call(struct model *m, const struct watch *w, struct call *c, int64_t now_ns)
{
	struct model_state *st = &m->st;
	struct line *l = &st->lines[c->line];
	line_changed(m, l);
	if (now_ns - c->last_ns > (int64_t)m->set.expiry_s * NS_PER_S) {
		st->counters.expired++;
		call_end(m, l, c, false);
	} else if (c->state == CALL_RING_ENDED &&
	           now_ns - c->since_ns > (int64_t)m->set.missed_grace_s * NS_PER_S) {
		call_finish(m, l, c, now_ns, c->since_ns / NS_PER_S >= st->day_start_s);
	} else {
		if (w->kind == WATCH_CALL) /* news came since: due later */
			watch_push(m, WATCH_CALL, expiry_of(m, c->last_ns), w->hash, 0);
		return false;
	}
	m->dirty = true;
	return true;
}

static void tick_member(struct model *m, const struct watch *w, int64_t now_ns)
{
	struct queue *q = &m->st.queues[w->queue];
	uint32_t pos;
	for (struct hashmap_probe p = hashmap_probe(&queue_ix(m, q)->members, w->hash);
	     hashmap_probe_next(&p, &pos);) {
		struct member *mb = &q->members[pos];
		if (now_ns - mb->last_ns > (int64_t)m->set.expiry_s * NS_PER_S) {
			m->st.counters.expired++;
			member_remove(m, q, mb);
			queue_changed(m, w->queue);
			m->dirty = true;
			return; /* the map changed: the probe is over */
		}
		watch_push(m, WATCH_MEMBER, expiry_of(m, mb->last_ns), w->hash, w->queue);
	}
}

static void tick_agent(struct model *m, const struct watch *w, int64_t now_ns)
{
	struct queue *q = &m->st.queues[w->queue];
	struct queue_index *qx = queue_ix(m, q);
	uint32_t pos;
	for (struct hashmap_probe p = hashmap_probe(&qx->agents, w->hash);
	     hashmap_probe_next(&p, &pos);) {
		struct agent *a = &q->agents[pos];
		if (!qx->agent_watched[pos])
			continue;
		if (a->on_call && now_ns - a->last_ns <= (int64_t)m->set.expiry_s * NS_PER_S) {
			watch_push(m, WATCH_AGENT, expiry_of(m, a->last_ns), w->hash, w->queue);
			continue;
		}
		qx->agent_watched[pos] = false;
		if (a->on_call) {
			a->on_call = false;
			queue_changed(m, w->queue);
			m->dirty = true;
		}
	}
}

/* End what is due, in the order it fell due. */
static void tick_watches(struct model *m, int64_t now_ns)
{
	struct model_index *ix = m->index;
	while (ix->nwatch && ix->watch[0].due_ns < now_ns) {
		struct watch w = watch_pop(ix);
		uint32_t pos;
		switch (w.kind) {
		case WATCH_CALL:
		case WATCH_CALL_GRACE:
			for (struct hashmap_probe p = hashmap_probe(&ix->calls, w.hash);
			     hashmap_probe_next(&p, &pos);)
				if (tick_call(m, &w, &m->st.calls[pos], now_ns))
					break; /* the map changed: the probe is over */
			break;
		case WATCH_MEMBER: tick_member(m, &w, now_ns); break;
		case WATCH_AGENT: tick_agent(m, &w, now_ns); break;
		}
	}
}

/* Drop the callers to call back that left the window; looked at once a minute. */
static void expire_callbacks(struct model *m, int64_t now_s)
{
	if (now_s - m->index->callbacks_expired_s < 60)
		return;
	m->index->callbacks_expired_s = now_s;
	size_t before = m->st.callbacks.n;
	callbacks_expire(&m->st.callbacks, now_s - (int64_t)m->set.callback_window_h * 3600);
	if (m->st.callbacks.n != before)
		m->dirty = true;
}

/* When a watch was lost: look at everything, as the watches would have, and watch it all
 * again. */
static void tick_sweep(struct model *m, int64_t now_ns)
{
	struct model_state *st = &m->st;
	struct model_index *ix = m->index;
	int64_t expiry = (int64_t)m->set.expiry_s * NS_PER_S;
	int64_t grace = (int64_t)m->set.missed_grace_s * NS_PER_S;
	ix->watch_lost = false;
	ix->nwatch = 0;
	alerts_memo_all(m->memo);
	changed_all(m);
	for (size_t i = 0; i < st->ncalls;) {
		struct call *c = &st->calls[i];
		struct line *l = &st->lines[c->line];
		if (now_ns - c->last_ns > expiry) {
			st->counters.expired++;
			call_end(m, l, c, false);
			m->dirty = true;
		} else if (c->state == CALL_RING_ENDED && now_ns - c->since_ns > grace) {
			call_finish(m, l, c, now_ns, c->since_ns / NS_PER_S >= st->day_start_s);
			m->dirty = true;
		} else {
			uint64_t h = call_hash(c->line, c->id);
			watch_push(m, WATCH_CALL, expiry_of(m, c->last_ns), h, 0);
			if (c->state == CALL_RING_ENDED)
				watch_push(m, WATCH_CALL_GRACE, c->since_ns + grace, h, 0);
			i++;
		}
	}
	for (size_t qi = 0; qi < st->nqueues; qi++) {
		struct queue *q = &st->queues[qi];
		struct queue_index *qx = &ix->queue_ix[qi];
		for (size_t i = 0; i < q->nmembers;) {
			if (now_ns - q->members[i].last_ns > expiry) {
				st->counters.expired++;
				member_remove(m, q, &q->members[i]);
				m->dirty = true;
			} else {
				watch_push(m, WATCH_MEMBER, expiry_of(m, q->members[i].last_ns),
				           hashmap_hash_str(q->members[i].uuid), (uint32_t)qi);
				i++;
			}
		}
		for (size_t i = 0; i < q->nagents; i++) {
			struct agent *a = &q->agents[i];
			qx->agent_watched[i] = false;
			if (a->on_call && now_ns - a->last_ns > expiry) {
				a->on_call = false;
				m->dirty = true;
			} else if (a->on_call) {
				agent_watch(m, q, a);
			}
		}
	}
}

void model_tick_live(struct model *m, int64_t wall_ns, int64_t mono_ns)
{
	int64_t now = wall_guard_now(&m->guard, wall_ns, mono_ns);
	char text[160];
	if (m->guard.adopted_step_ns) {
		snprintf(text, sizeof text, "the wall clock stepped by %+lld s (held for %lld s)",
		         (long long)(m->guard.adopted_step_ns / NS_PER_S),
		         (long long)(WALL_STEP_CONFIRM_NS / NS_PER_S));
		model_notice(m, text, false);
		m->guard.adopted_step_ns = 0;
	}
	int64_t now_s = now / NS_PER_S;
	if (m->st.day_start_s != 0 && now_s < m->st.day_start_s) {
		/* the clock went back before today began: today is the day of now again, with the
		 * counters counted since, rather than figures frozen until a restart */
		int64_t start = day_start_for(now_s, m->set.shift_start_min);
		m->st.day_start_s = start;
		m->index->next_day_start_s = next_day_start(start, m->set.shift_start_min);
		m->index->last_tick_s = now_s;
		model_notice(m,
		             "the wall clock went back before the start of today: the day "
		             "goes back with it, its counters kept",
		             true);
		m->dirty = true;
	}
	model_tick(m, now);
}

void model_tick(struct model *m, int64_t now_ns)
{
	roll_day(m, now_ns / NS_PER_S);
	m->alerts_due = true; /* time moved: waits and rings grow */
	if (rate_update(m, now_ns / NS_PER_S))
		m->dirty = true;
	expire_callbacks(m, now_ns / NS_PER_S);
	if (now_ns / NS_PER_S / 60 != m->index->waiting_minute) {
		/* a new minute of the sparklines, for queues that had no event in it */
		m->index->waiting_minute = now_ns / NS_PER_S / 60;
		for (size_t i = 0; i < m->st.nqueues; i++) {
			note_waiting(&m->st.queues[i], now_ns / NS_PER_S);
			log_change(m, &m->changed_queues, i, m->st.nqueues);
		}
		if (m->st.nqueues)
			m->dirty = true; /* the sparklines move on, events or not */
	}
	if (m->index->watch_lost)
		tick_sweep(m, now_ns);
	else
		tick_watches(m, now_ns);
}

int64_t state_now_ns(const struct model_state *st)
{
	if (!st->clock.replay || st->clock.wall_ns == 0) /* live, or no event replayed yet */
		return wall_now_ns();
	int64_t since = wall_now_ns() - st->clock.wall_ns;
	return st->clock.event_ns + (int64_t)((double)since * st->clock.speed);
}

/* ---- readers ---- */

/* Copy src's queues into dst, reusing dst's member and agent arrays. */
/* Deep copy of one queue into d, reusing d's arrays. */
static bool copy_queue(struct queue *d, const struct queue *s)
{
	struct member *members = d->members;
	struct agent *agents = d->agents;
	struct day_series day = d->day;
	size_t cap_members = d->cap_members, cap_agents = d->cap_agents;
	*d = *s;
	d->members = members, d->cap_members = cap_members;
	d->agents = agents, d->cap_agents = cap_agents;
	d->day = day;
	if (!series_copy(&d->day, &s->day) ||
	    !array_grow((void **)&d->members, &d->cap_members, s->nmembers, sizeof *s->members) ||
	    !array_grow((void **)&d->agents, &d->cap_agents, s->nagents, sizeof *s->agents)) {
		d->nmembers = d->nagents = 0;
		return false;
	}
	if (s->nmembers)
		memcpy(d->members, s->members, s->nmembers * sizeof *s->members);
	if (s->nagents)
		memcpy(d->agents, s->agents, s->nagents * sizeof *s->agents);
	return true;
}

/* The first entry of a log published after generation seen. */
static size_t first_after(const struct change_log *log, uint64_t seen)
{
	size_t lo = 0, hi = log->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (log->items[mid].gen <= seen)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The queues into dst, which held had of them as of generation seen: those the log says changed
 * since and the new ones, or all of them (full). */
static bool copy_queues(struct model_state *dst, const struct model_state *src, size_t had,
                        const struct change_log *log, uint64_t seen, bool full)
{
	size_t cap_was = dst->cap_queues;
	if (!array_grow((void **)&dst->queues, &dst->cap_queues, src->nqueues, sizeof *dst->queues))
		return false;
	if (dst->cap_queues > cap_was)
		memset(dst->queues + cap_was, 0, (dst->cap_queues - cap_was) * sizeof *dst->queues);
	size_t from = full ? 0 : had;
	for (size_t i = from; i < src->nqueues; i++)
		if (!copy_queue(&dst->queues[i], &src->queues[i]))
			return false;
	for (size_t k = full ? log->n : first_after(log, seen); k < log->n; k++) {
		uint32_t p = log->items[k].pos;
		if (p < from && !copy_queue(&dst->queues[p], &src->queues[p]))
			return false;
	}
	return true;
}

/* The lines into dst, as copy_queues() does for the queues. */
static bool copy_lines(struct model_state *dst, const struct model_state *src, size_t had,
                       const struct change_log *log, uint64_t seen, bool full)
{
	if (!array_grow((void **)&dst->lines, &dst->cap_lines, src->nlines, sizeof *src->lines))
		return false;
	size_t from = full ? 0 : had;
	if (src->nlines > from)
		memcpy(dst->lines + from, src->lines + from,
		       (src->nlines - from) * sizeof *src->lines);
	for (size_t k = full ? log->n : first_after(log, seen); k < log->n; k++) {
		uint32_t p = log->items[k].pos;
		if (p < from)
			dst->lines[p] = src->lines[p];
	}
	return true;
}

bool model_view(struct model *m, struct model_state *dst, uint64_t *seen)
{
	model_lock(m);
	if (m->generation == *seen) {
		model_unlock(m);
		return false;
	}
	const struct model_state *src = &m->st;
	/* a reader a generation behind copies what changed since; one that never looked, or fell
	 * behind a log that started again, copies everything */
	bool full_lines = *seen == 0 || *seen > m->generation || *seen < m->changed_lines.base_gen;
	bool full_queues =
	    *seen == 0 || *seen > m->generation || *seen < m->changed_queues.base_gen;
	size_t had_lines = dst->nlines, had_queues = dst->nqueues;
	struct line *lines = dst->lines;
	struct call *calls = dst->calls;
	struct queue *queues = dst->queues;
	struct alert_list alerts = dst->alerts;
	struct callback_list callbacks = dst->callbacks;
	size_t cap_lines = dst->cap_lines, cap_calls = dst->cap_calls, cap_queues = dst->cap_queues;
	*dst = *src;
	dst->lines = lines, dst->cap_lines = cap_lines;
	dst->calls = calls, dst->cap_calls = cap_calls;
	dst->queues = queues, dst->cap_queues = cap_queues;
	dst->alerts = alerts;
	dst->callbacks = callbacks;
	bool ok =
	    copy_lines(dst, src, had_lines, &m->changed_lines, *seen, full_lines) &&
	    alerts_copy(&dst->alerts, &src->alerts) &&
	    array_grow((void **)&dst->calls, &dst->cap_calls, src->ncalls, sizeof *src->calls) &&
	    copy_queues(dst, src, had_queues, &m->changed_queues, *seen, full_queues) &&
	    callbacks_copy(&dst->callbacks, &src->callbacks);
	if (ok) {
		if (src->ncalls)
			memcpy(dst->calls, src->calls, src->ncalls * sizeof *src->calls);
		*seen = m->generation;
	} else {
		dst->nlines = dst->ncalls = dst->nqueues = dst->callbacks.n = 0;
		dst->alerts.count = 0;
	}
	model_unlock(m);
	return ok;
}

/* ---- the roster from the OVH API ---- */

/* An event that only names a resource, for line_get() and queue_get(). */
static void roster_event(struct event *ev, const char *number, const char *description)
{
	memset(ev, 0, sizeof *ev);
	text_copy(ev->resource, sizeof ev->resource, number);
	text_copy(ev->description, sizeof ev->description, description);
	ev->simultaneous = -1;
}

bool model_roster_line(struct model *m, const char *number, const char *description)
{
	struct event ev;
	roster_event(&ev, number, description);
	bool ok = line_get(m, &ev) != NULL;
	m->dirty = true;
	return ok;
}

bool model_roster_queue(struct model *m, const char *number, const char *description)
{
	struct event ev;
	roster_event(&ev, number, description);
	bool ok = queue_get(m, &ev) != NULL;
	m->dirty = true;
	return ok;
}

bool model_roster_agent(struct model *m, const char *queue, const char *agent)
{
	struct event ev;
	roster_event(&ev, queue, "");
	struct queue *q = queue_get(m, &ev);
	bool ok = q && agent_get(m, q, agent, 0) != NULL;
	m->dirty = true;
	return ok;
}

/* ---- derived ---- */

enum line_state line_state(const struct line *l)
{
	return l->nringing > 0 ? LINE_RINGING : l->nactive > 0 ? LINE_IN_CALL : LINE_IDLE;
}

const char *line_state_name(enum line_state s)
{
	static const char *const names[] = {"idle", "ringing", "in_call"};
	return names[s];
}

const char *call_state_name(enum call_state s)
{
	static const char *const names[] = {"ringing", "ring_ended", "in_call", "held"};
	return names[s];
}

const char *member_state_name(enum member_state s)
{
	static const char *const names[] = {"waiting", "offered", "with_agent"};
	return names[s];
}

const char *feed_state_name(enum feed_state s)
{
	static const char *const names[] = {"connecting", "live", "backoff", "auth_failed",
	                                    "stale"};
	return names[s];
}

const struct line *state_find_line(const struct model_state *st, const char *number)
{
	for (size_t i = 0; i < st->nlines; i++)
		if (strcmp(st->lines[i].number, number) == 0)
			return &st->lines[i];
	return NULL;
}

const struct queue *state_find_queue(const struct model_state *st, const char *number)
{
	for (size_t i = 0; i < st->nqueues; i++)
		if (strcmp(st->queues[i].number, number) == 0)
			return &st->queues[i];
	return NULL;
}
