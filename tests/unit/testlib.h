/* testlib.h: building OVH events for the core's unit tests. */
#ifndef CTIBOARD_TESTLIB_H
#define CTIBOARD_TESTLIB_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ingest.h"
#include "model_impl.h"
#include "settings.h"

#define T0    INT64_C(1764151200) /* 2025-11-26 10:00:00 UTC */
#define LINE  "0033972101010"
#define QUEUE "0033972200000"
#define AGENT "0033972101011"

/* A line event at T0 + s seconds, applied to m. */
static inline struct ingest_result line_ev(struct model *m, const char *kind, int s,
                                           const char *call, const char *calling,
                                           const char *called)
{
	char body[1024];
	struct ingest_result r;
	snprintf(
	    body, sizeof body,
	    "{\"Session\":\"s\",\"Events\":[{\"Event\":\"%s\",\"Token\":\"x\",\"Service\":\"sip\","
	    "\"Ressource\":\"%s\",\"Timestamp\":%lld000000000,\"Data\":{\"CallId\":\"%s\","
	    "\"Calling\":\"%s\",\"Called\":\"%s\",\"Ts\":\"%lld.000\"},"
	    "\"Details\":{\"Description\":\"Accueil\",\"Type\":\"sipCirpack\"}}]}",
	    kind, LINE, (long long)(T0 + s), call, calling, called, (long long)(T0 + s));
	ingest_body(m, NULL, body, strlen(body), (T0 + s) * NS_PER_S, &r);
	return r;
}

/* A queue event at T0 + s for member uuid; extra is more "Key":"value" pairs of Data
 * (with a leading comma) or "". */
static inline struct ingest_result queue_ev(struct model *m, const char *kind, int s,
                                            const char *uuid, const char *extra)
{
	char body[2048];
	struct ingest_result r;
	snprintf(body, sizeof body,
	         "{\"Event\":\"%s\",\"Service\":\"queues\",\"Ressource\":\"%s\","
	         "\"Timestamp\":%lld000000000,\"Data\":{\"QueueMemberUUID\":\"%s\","
	         "\"QueueMemberCIDNumber\":\"0611111111\",\"Agent\":\"%s\",\"Ts\":\"%lld\"%s},"
	         "\"Details\":{\"Description\":\"Support\",\"Type\":\"easyHunting\"}}",
	         kind, QUEUE, (long long)(T0 + s), uuid, AGENT, (long long)(T0 + s), extra);
	ingest_body(m, NULL, body, strlen(body), (T0 + s) * NS_PER_S, &r);
	return r;
}

/* Data pairs for the times of a queue event, relative to T0 (0 leaves a time out). */
static inline const char *times(char *buf, size_t size, int joined, int answered, int left,
                                int terminated)
{
	int n = 0;
	buf[0] = '\0';
	if (joined)
		n += snprintf(buf + n, size - (size_t)n, ",\"QueueMemberJoinedTime\":\"%lld\"",
		              (long long)(T0 + joined));
	if (answered)
		n += snprintf(buf + n, size - (size_t)n, ",\"QueueAgentAnsweredTime\":\"%lld\"",
		              (long long)(T0 + answered));
	if (left)
		n += snprintf(buf + n, size - (size_t)n, ",\"QueueMemberLeavingTime\":\"%lld\"",
		              (long long)(T0 + left));
	if (terminated)
		snprintf(buf + n, size - (size_t)n, ",\"QueueBridgeTerminatedTime\":\"%lld\"",
		         (long long)(T0 + terminated));
	return buf;
}

static inline void model_setup(struct model *m)
{
	struct settings s;
	settings_defaults(&s);
	assert_true(model_init(m, &s));
}

#endif
