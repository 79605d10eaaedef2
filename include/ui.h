/* ui.h: the terminal. Only the UI thread (the main thread) calls curses, and only in ui/. */
#ifndef CTIBOARD_UI_H
#define CTIBOARD_UI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

struct journal;
struct model;
struct names;
struct settings;

/* Run the user interface until the user quits or *stop becomes non-zero (set by a signal
 * handler; the wake fd of the model is signalled then too). A reset of today's counters is
 * written to journal j (may be NULL). Restores the terminal before returning. Returns 0, or
 * non-zero if the terminal could not be set up. */
int ui_run(struct model *m, struct journal *j, const struct names *names, const struct settings *s,
           volatile sig_atomic_t *stop);

/* Can the screen be drawn here? False with one line in err naming the problem and a fix:
 * standard output not a terminal, TERM unset or dumb, or a type this machine's terminfo does
 * not know (kitty, alacritty, foot over SSH). */
bool ui_check_terminal(char *err, size_t errsize);

#endif
