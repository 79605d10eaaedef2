/* snapshot.h: the whole model as JSON, for scripts, tests and monitoring.
 * The schema is documented in the README ("Snapshot format").
 */
#ifndef CTIBOARD_SNAPSHOT_H
#define CTIBOARD_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>

struct model_state;
struct settings;

/* Render the state as a JSON document (malloc'd, NUL-terminated); NULL on allocation failure. */
char *snapshot_json(const struct model_state *st, const struct settings *s);

/* Write the state to path atomically (a temporary file in the same directory, then rename). */
bool snapshot_write(const struct model_state *st, const struct settings *s, const char *path,
                    char *err, size_t errsize);

struct model;
struct snapshot_writer;

/* Start a thread that writes the snapshot to path when the model moved and its document
 * changed, at most every interval_ms (a few times a second; once a second for a document over
 * 1 MB), and every 10 s regardless. NULL and err on failure. */
struct snapshot_writer *snapshot_writer_start(struct model *m, const char *path, int interval_ms,
                                              char *err, size_t errsize);

/* Write a last snapshot of the current state, stop the thread and free it. */
void snapshot_writer_stop(struct snapshot_writer *w); /* NULL is accepted */

#endif
