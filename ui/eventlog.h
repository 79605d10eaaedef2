/* eventlog.h: showing the state's event log: the helpers shared by the log view, the main
 * screen's latest events and a line's detail. */
#ifndef CTIBOARD_UI_EVENTLOG_H
#define CTIBOARD_UI_EVENTLOG_H

#include <stddef.h>

struct console;
struct log_entry;
struct model_state;

/* The i-th newest entry of the state's event log (0: the newest). */
const struct log_entry *log_newest(const struct model_state *st, size_t i);

/* An entry's kind as received, else its stable name. */
const char *log_kind(const struct log_entry *e);

/* Copy text, showing every word that is a canonical number ("0033...") as a name or in the
 * international form: the screen never shows the raw form. */
void humanize(const struct console *c, char *dst, size_t dstsize, const char *text);

#endif
