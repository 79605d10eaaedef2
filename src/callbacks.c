/* callbacks.c: the callers to call back, opened by unanswered queue exits, closed on contact. */
#include "callbacks.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

/* canonical number -> position + 1 of its open entry (open addressing; 0 empty, tombstones
 * are not needed: the index is rebuilt when an entry closes or the list is compacted) */
struct cb_index {
	uint32_t *slots;
	size_t cap; /* a power of two, or 0 */
};

static uint64_t hash_number(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static void index_put(struct cb_index *ix, const char *number, uint32_t pos)
{
	size_t i = hash_number(number) & (ix->cap - 1);
	while (ix->slots[i])
		i = (i + 1) & (ix->cap - 1);
	ix->slots[i] = pos + 1;
}

/* Slot of number's open entry, or of the empty slot where it would go. */
static size_t index_slot(const struct callback_list *l, const char *number)
{
	const struct cb_index *ix = l->ix;
	size_t i = hash_number(number) & (ix->cap - 1);
	while (ix->slots[i] && strcmp(l->entries[ix->slots[i] - 1].caller, number) != 0)
		i = (i + 1) & (ix->cap - 1);
	return i;
}

/* Rebuild the index from the open entries, with room for one more (load at most a half). */
static bool index_rebuild(struct callback_list *l, size_t want_open)
{
	if (!l->ix && !(l->ix = calloc(1, sizeof *l->ix)))
		return false;
	size_t cap = l->ix->cap ? l->ix->cap : 64;
	while (want_open * 2 > cap)
		cap *= 2;
	if (cap != l->ix->cap) {
		uint32_t *slots = calloc(cap, sizeof *slots);
		if (!slots)
			return false;
		free(l->ix->slots);
		l->ix->slots = slots;
		l->ix->cap = cap;
	} else {
		memset(l->ix->slots, 0, cap * sizeof *l->ix->slots);
	}
	for (size_t i = 0; i < l->n; i++)
		if (l->entries[i].status == CB_OPEN)
			index_put(l->ix, l->entries[i].caller, (uint32_t)i);
	return true;
}

static struct callback *open_entry(const struct callback_list *l, const char *canonical)
{
	if (!l->ix || !l->ix->cap)
		return NULL;
	uint32_t v = l->ix->slots[index_slot(l, canonical)];
	return v ? &l->entries[v - 1] : NULL;
}

void callbacks_free(struct callback_list *l)
{
	free(l->entries);
	if (l->ix)
		free(l->ix->slots);
	free(l->ix);
	memset(l, 0, sizeof *l);
}

bool callbacks_copy(struct callback_list *dst, const struct callback_list *src)
{
	if (dst->cap < src->n) {
		struct callback *e = realloc(dst->entries, src->n * sizeof *e);
		if (!e) {
			dst->n = dst->nopen = dst->nopen_short = 0;
			return false;
		}
		dst->entries = e;
		dst->cap = src->n;
	}
	if (src->n)
		memcpy(dst->entries, src->entries, src->n * sizeof *src->entries);
	dst->n = src->n;
	dst->nopen = src->nopen;
	dst->nopen_short = src->nopen_short;
	return true;
}

bool callbacks_reindex(struct callback_list *l)
{
	return index_rebuild(l, l->nopen);
}

enum cb_outcome callbacks_outcome(const char *cancel_reason, int64_t wait_s, int short_abandon_s)
{
	if (strcmp(cancel_reason, "TIMEOUT") == 0 || strcmp(cancel_reason, "NO_AGENT_TIMEOUT") == 0)
		return CB_TIMED_OUT;
	if (strcmp(cancel_reason, "EXIT_WITH_KEY") == 0)
		return CB_LEFT_BY_KEY;
	return wait_s < short_abandon_s ? CB_SHORT_ABANDONED : CB_ABANDONED;
}

/* Append a step to an entry's history; when full, the first try stays and the oldest of the
 * others goes. */
static struct cb_step *add_step(struct callback *e, enum cb_step_kind kind, int64_t at_s,
                                const char *who)
{
	if (e->nsteps == CB_STEPS_MAX) {
		memmove(&e->steps[1], &e->steps[2], (CB_STEPS_MAX - 2) * sizeof e->steps[0]);
		e->nsteps--;
		e->steps_dropped++;
	}
	struct cb_step *s = &e->steps[e->nsteps++];
	memset(s, 0, sizeof *s);
	s->kind = kind;
	s->at_s = at_s;
	text_copy(s->who, sizeof s->who, who);
	if (at_s > e->last_s)
		e->last_s = at_s;
	return s;
}

bool callbacks_left(struct callback_list *l, const char *queue, const char *number,
                    const char *name, int64_t left_s, int64_t wait_s, enum cb_outcome outcome)
{
	char canonical[NUM_MAX];
	phone_normalize(canonical, sizeof canonical, number);
	if (!canonical[0])
		return true; /* an anonymous caller cannot be called back */
	struct callback *e = open_entry(l, canonical);
	if (!e) {
		if (l->n == l->cap || !l->entries) {
			size_t cap = l->cap ? l->cap * 2 : 64;
			struct callback *p = realloc(l->entries, cap * sizeof *p);
			if (!p)
				return false;
			l->entries = p;
			l->cap = cap;
		}
		if (!l->ix || (l->nopen + 1) * 2 > l->ix->cap) {
			if (!index_rebuild(l, l->nopen + 1))
				return false;
		}
		e = &l->entries[l->n];
		memset(e, 0, sizeof *e);
		text_copy(e->caller, sizeof e->caller, canonical);
		text_copy(e->queue, sizeof e->queue, queue);
		e->left_at_s = left_s;
		e->wait_s = wait_s;
		e->outcome = outcome;
		e->status = CB_OPEN;
		l->ix->slots[index_slot(l, canonical)] = (uint32_t)l->n + 1;
		l->n++;
		l->nopen++;
		l->nopen_short += outcome == CB_SHORT_ABANDONED;
	} else if (e->outcome == CB_SHORT_ABANDONED && outcome != CB_SHORT_ABANDONED) {
		e->outcome = outcome; /* no longer a caller who only hung up at once */
		l->nopen_short--;
	}
	if (name && name[0])
		text_copy(e->display, sizeof e->display, name);
	e->tries++;
	struct cb_step *s = add_step(e, CB_STEP_LEFT, left_s, queue);
	s->outcome = outcome;
	s->wait_s = wait_s;
	return true;
}

bool callbacks_reached(struct callback_list *l, const char *number, int64_t at_s,
                       enum cb_status how, const char *by)
{
	char canonical[NUM_MAX];
	phone_normalize(canonical, sizeof canonical, number);
	struct callback *e = open_entry(l, canonical);
	if (!e || how == CB_OPEN || at_s < e->left_at_s)
		return false;
	e->status = how;
	text_copy(e->closed_by, sizeof e->closed_by, by);
	e->closed_at_s = at_s;
	add_step(e, how == CB_CALLED_BACK ? CB_STEP_CALLED_BACK : CB_STEP_CALLED_IN, at_s, by);
	l->nopen--;
	l->nopen_short -= e->outcome == CB_SHORT_ABANDONED;
	index_rebuild(l, l->nopen); /* same capacity: cannot fail */
	return true;
}

bool callbacks_attempt(struct callback_list *l, const char *number, int64_t at_s, const char *by)
{
	char canonical[NUM_MAX];
	phone_normalize(canonical, sizeof canonical, number);
	struct callback *e = open_entry(l, canonical);
	if (!e || at_s < e->left_at_s)
		return false;
	e->attempts++;
	add_step(e, CB_STEP_ATTEMPT, at_s, by);
	return true;
}

void callbacks_expire(struct callback_list *l, int64_t cutoff_s)
{
	size_t kept = 0;
	for (size_t i = 0; i < l->n; i++) {
		const struct callback *e = &l->entries[i];
		if (e->last_s < cutoff_s) {
			if (e->status == CB_OPEN) {
				l->nopen--;
				l->nopen_short -= e->outcome == CB_SHORT_ABANDONED;
			}
			continue;
		}
		if (kept != i)
			l->entries[kept] = *e;
		kept++;
	}
	if (kept == l->n)
		return;
	l->n = kept;
	if (l->ix)
		index_rebuild(l, l->nopen);
}

const struct callback *callbacks_find_open(const struct callback_list *l, const char *number)
{
	char canonical[NUM_MAX];
	phone_normalize(canonical, sizeof canonical, number);
	return open_entry(l, canonical);
}

/* qsort has no context argument in C11: the entries being sorted, per thread (the UI and the
 * snapshot writer each sort their own copy) */
static _Thread_local const struct callback *sort_base;

/* Open first, oldest first; then closed, latest closed first; ties by position. */
static int view_cmp(const void *a, const void *b)
{
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
	const struct callback *x = &sort_base[ia], *y = &sort_base[ib];
	bool ox = x->status == CB_OPEN, oy = y->status == CB_OPEN;
	if (ox != oy)
		return ox ? -1 : 1;
	if (ox && x->left_at_s != y->left_at_s)
		return x->left_at_s < y->left_at_s ? -1 : 1;
	if (!ox && x->closed_at_s != y->closed_at_s)
		return x->closed_at_s > y->closed_at_s ? -1 : 1;
	return ia < ib ? -1 : ia > ib;
}

size_t callbacks_order(const struct callback_list *l, bool with_short, size_t *order)
{
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++)
		if (with_short || l->entries[i].outcome != CB_SHORT_ABANDONED)
			order[n++] = i;
	sort_base = l->entries;
	qsort(order, n, sizeof *order, view_cmp);
	return n;
}

const char *cb_outcome_name(enum cb_outcome o)
{
	static const char *const names[] = {"abandoned", "short_abandoned", "timed_out",
	                                    "left_by_key"};
	return names[o];
}

const char *cb_outcome_label(enum cb_outcome o)
{
	static const char *const names[] = {"abandoned", "short abandon", "timed out",
	                                    "left by key"};
	return names[o];
}

const char *cb_status_name(enum cb_status s)
{
	static const char *const names[] = {"open", "called_back", "called_in"};
	return names[s];
}

const char *cb_status_label(enum cb_status s)
{
	static const char *const names[] = {"open", "called back", "called in"};
	return names[s];
}

size_t callbacks_to_call(const struct callback_list *l)
{
	return l->nopen - l->nopen_short;
}
