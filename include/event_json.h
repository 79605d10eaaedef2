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

/* Is this a queue event kind (Service "queues")? */
bool event_is_queue_kind(enum event_kind k);

/* Copy len bytes of JSON into a new NUL-terminated buffer in which every bare integer of 16
 * digits or more is turned into a string ("Timestamp":"1764151200123456789"), so that cJSON,
 * which holds numbers as doubles, keeps their digits. *outlen gets the new length. */
char *json_quote_big_integers(const char *json, size_t len, size_t *outlen);

#endif
