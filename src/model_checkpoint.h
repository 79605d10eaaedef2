/* model_checkpoint.h: the model to bytes and back, for the checkpoint (checkpoint.h): every
 * array of the state that the events built, and the private indexes that decide how later
 * events are taken (maps, ended rings, duplicate filter, due-time heap), as they are in memory,
 * so that the events after a checkpoint give exactly what they give after a full replay. */
#ifndef CTIBOARD_MODEL_CHECKPOINT_H
#define CTIBOARD_MODEL_CHECKPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jsonbuf.h"

struct model;

/* A number that changes when the layout of what model_encode() writes changes (sizes of the
 * structures, their bounds, the program's version): a checkpoint of another build is refused. */
uint64_t model_layout_fingerprint(void);

/* Append the model's event-built state to out (lock held). With events_only, the event log
 * keeps the events' lines alone (not the program's own notices, which belong to one run). */
void model_encode(const struct model *m, bool events_only, struct jsonbuf *out);

/* Fill m, fresh from model_init() and used by no other thread, from what model_encode() wrote.
 * False when the bytes do not hold a whole, coherent model (m is then to be model_done()). */
bool model_decode(struct model *m, const unsigned char *data, size_t len);

/* The live model m takes the event-built state of loaded, a model that checkpoint_read()
 * filled; what belongs to this run (feeds, API, hooks, notices, start-up progress, alerts,
 * source) stays m's, and the lines m had in its event log are kept after loaded's; the bytes
 * the checkpoint covers leave the start-up replay's total. loaded keeps m's former state: free
 * it. Takes m's lock. */
void model_adopt(struct model *m, struct model *loaded, uint64_t covered_bytes);

#endif
