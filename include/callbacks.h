/* callbacks.h: the callers to call back. Every caller who left a queue unanswered gets an entry;
 * the entry closes by itself when the caller is reached: a later answered outgoing call to the
 * number ("called back"), or the caller calling again and being answered ("called in").
 *
 * Ownership: a struct callback_list owns its entries and its private number index; a reader's
 * copy (callbacks_copy) owns its own entries and has no index. Numbers are compared in
 * canonical form (phone_normalize): "06...", "+336..." and "00336..." are one number. The list
 * holds the entries of a window (callback_window_h) measured from their last activity, across
 * midnight: it is not reset with "today".
 */
#ifndef CTIBOARD_CALLBACKS_H
#define CTIBOARD_CALLBACKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

#define CB_STEPS_MAX 12 /* history kept per entry: the first try and the latest others */

enum cb_outcome { CB_ABANDONED, CB_SHORT_ABANDONED, CB_TIMED_OUT, CB_LEFT_BY_KEY };
enum cb_status { CB_OPEN, CB_CALLED_BACK, CB_CALLED_IN };
enum cb_step_kind {
	CB_STEP_LEFT,        /* the caller left a queue unanswered (a try) */
	CB_STEP_ATTEMPT,     /* an outgoing call to the number that nobody answered */
	CB_STEP_CALLED_BACK, /* an outgoing call to the number was answered: closed */
	CB_STEP_CALLED_IN    /* the caller called again and was answered: closed */
};

/* One line of an entry's history. */
struct cb_step {
	enum cb_step_kind kind;
	enum cb_outcome outcome; /* CB_STEP_LEFT */
	int64_t at_s;
	int64_t wait_s;    /* CB_STEP_LEFT: how long the caller waited */
	char who[NUM_MAX]; /* the queue (LEFT), the line that called (ATTEMPT, CALLED_BACK), the
	                      line or agent that answered (CALLED_IN) */
};

struct callback {
	char caller[NUM_MAX];    /* canonical number */
	char display[TEXT_MAX];  /* caller name as the queue gave it, may be empty */
	char queue[NUM_MAX];     /* queue of the first try */
	int64_t left_at_s;       /* first try: when the caller left */
	int64_t wait_s;          /* first try: how long the caller waited */
	enum cb_outcome outcome; /* the first try's, unless it was a short abandon and a later
	                            try was not */
	uint32_t tries;          /* times the caller left unanswered */
	uint32_t attempts;       /* outgoing calls to the number that nobody answered */
	enum cb_status status;
	char closed_by[NUM_MAX]; /* the line (or agent) that reached the caller; "" while open */
	int64_t closed_at_s;     /* 0 while open */
	int64_t last_s;          /* last activity: the window counts from here */
	uint32_t nsteps, steps_dropped;
	struct cb_step steps[CB_STEPS_MAX];
};

struct cb_index; /* private: canonical number -> open entry */

struct callback_list {
	struct callback *entries; /* in order of creation */
	size_t n, cap;
	size_t nopen;        /* entries with status CB_OPEN */
	size_t nopen_short;  /* of which short abandons */
	struct cb_index *ix; /* NULL in a reader's copy */
};

/* Free the entries and the index; the list is empty and usable after. */
void callbacks_free(struct callback_list *l);

/* Copy src's entries into dst (a reader's copy, whose array is reused); false when out of
 * memory (dst is then empty). */
bool callbacks_copy(struct callback_list *dst, const struct callback_list *src);
/* Build the index of a list whose entries were set directly (a checkpoint read back); false
 * when out of memory. */
bool callbacks_reindex(struct callback_list *l);

/* Outcome of a caller who left a queue unanswered: QueueCancelReason TIMEOUT and
 * NO_AGENT_TIMEOUT are timed out, EXIT_WITH_KEY left by key, else an abandon, short when the
 * wait was under short_abandon_s. */
enum cb_outcome callbacks_outcome(const char *cancel_reason, int64_t wait_s, int short_abandon_s);

/* A caller left queue unanswered at left_s after waiting wait_s: opens an entry for the
 * number, or counts one more try on its open entry. Returns false when out of memory. */
bool callbacks_left(struct callback_list *l, const char *queue, const char *number,
                    const char *name, int64_t left_s, int64_t wait_s, enum cb_outcome outcome);

/* The number was reached at at_s, by an answered outgoing call from line `by` (CB_CALLED_BACK)
 * or by answering the caller's new call on line or agent `by` (CB_CALLED_IN): closes its open
 * entry. Returns true when an entry was closed. */
bool callbacks_reached(struct callback_list *l, const char *number, int64_t at_s,
                       enum cb_status how, const char *by);

/* An outgoing call from line `by` to the number ended unanswered: counted on its open entry,
 * which stays open. Returns true when an entry counted it. */
bool callbacks_attempt(struct callback_list *l, const char *number, int64_t at_s, const char *by);

/* Forget the entries whose last activity is before cutoff_s. */
void callbacks_expire(struct callback_list *l, int64_t cutoff_s);

/* The open entry of a number (any form), or NULL. Needs the index (not on a reader's copy). */
const struct callback *callbacks_find_open(const struct callback_list *l, const char *number);

/* Entries in the order of the Callbacks view: open ones first, oldest first, then closed ones,
 * most recently closed first. Short abandons only when with_short. Fills order (room for l->n)
 * with positions in l->entries; returns the count. */
size_t callbacks_order(const struct callback_list *l, bool with_short, size_t *order);

/* Open entries to call back: short abandons apart, as the header and the metrics count them. */
size_t callbacks_to_call(const struct callback_list *l);

const char *cb_outcome_name(enum cb_outcome o);  /* "abandoned", "short_abandoned", ... */
const char *cb_status_name(enum cb_status s);    /* "open", "called_back", "called_in" */
const char *cb_outcome_label(enum cb_outcome o); /* "abandoned", "short abandon", ... */
const char *cb_status_label(enum cb_status s);   /* "open", "called back", "called in" */

#endif
