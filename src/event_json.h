/* event_json.h: the JSON side of events, for the core only (src/ and its tests). */
#ifndef CTIBOARD_EVENT_JSON_H
#define CTIBOARD_EVENT_JSON_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

/* Fill ev from one event object. A key of the wrong type or a missing key that the kind needs
 * makes it malformed: false, with the reason ("Data: expected an object") in err. */
bool event_from_json(const cJSON *obj, int64_t received_ns, struct event *ev, char *err,
                     size_t errsize);

#endif
