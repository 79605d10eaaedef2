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

#endif
