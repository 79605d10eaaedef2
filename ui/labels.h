/* labels.h: what the console calls lines, queues, callers and states (the names file first),
 * and the filter's test. */
#ifndef CTIBOARD_UI_LABELS_H
#define CTIBOARD_UI_LABELS_H

#include <stdbool.h>
#include <stddef.h>

struct call;
struct console;
struct line;
struct member;
struct names;
struct queue;

/* The names file's name for number, else the description when there is one, else the number
 * as "+33 9 72 ...". Returns dst. */
const char *name_or_description(const struct names *nm, const char *number, const char *description,
                                char *dst, size_t dstsize);
const char *line_name(const struct console *c, const struct line *l, char *dst, size_t dstsize);
const char *queue_name(const struct console *c, const struct queue *q, char *dst, size_t dstsize);
/* A party for display: the names file, else the description of a known line or queue, else
 * the number as "+33 9 72 ...". Returns dst. */
const char *party_display(const struct console *c, const char *number, char *dst, size_t dstsize);
/* A queue caller for display: the names file, else the caller-id name, else the number. */
const char *member_caller(const struct console *c, const struct member *mb, char *dst,
                          size_t dstsize);
/* A line's state in words: "ringing", "in call" or "idle". */
const char *line_state_text(const struct line *l);
/* The line of a call, or NULL. */
const struct line *call_line(const struct console *c, const struct call *call);
/* The kind of a feed's error, its words before the first ':' ("DNS", "refused", "TLS"), at
 * most 16 columns: what a narrow header or the wallboard's banner says. Returns dst. */
const char *feed_error_kind(char *dst, size_t dstsize, const char *error);
/* Does the filter match this text or number? An empty filter matches everything. */
bool filter_match(const char *filter, const char *text, const char *number);

#endif
