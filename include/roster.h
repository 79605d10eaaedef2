/* roster.h: the OVH API thread. It reads the roster (billing accounts, lines, easyHunting and
 * ovhPabx queues, agents, break reasons) at start and every api_roster_s, and the agents' live
 * status and the queues' live statistics every api_status_s, within the request budget. What
 * it learns goes into the model (lines and queues known before any event, st.api for the
 * rest). It has its own connection: an API failure shows in st.api.health and never touches
 * the event feed.
 */
#ifndef CTIBOARD_ROSTER_H
#define CTIBOARD_ROSTER_H

#include <stddef.h>

struct journal;
struct model;
struct settings;
struct ovh_credentials;
struct roster;

/* Start the thread (curl_global_init must have been called); the credentials are copied and
 * wiped by roster_stop. Each change of an agent's live status is journalled in j (NULL: not
 * journalled) as one agent_status line (api_action.h). While the console watches a queue's
 * live calls (model_watch_live_calls) they are read at once and every api_status_s. NULL and
 * err on failure. */
struct roster *roster_start(struct model *m, struct journal *j, const struct settings *s,
                            const struct ovh_credentials *c, char *err, size_t errsize);

/* Stop (at once, even in a wait), join and free. NULL is accepted. */
void roster_stop(struct roster *r);

#endif
