/* termcheck.c: can a screen be drawn here? Asked before anything starts, so that a wrong TERM
 * is one clear line rather than a blank screen. (term.h's macros stay in this file.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curses.h>
#include <term.h>

#include "ui.h"

bool ui_check_terminal(char *err, size_t errsize)
{
	const char *term = getenv("TERM");
	int status = 0;

	if (!isatty(STDOUT_FILENO)) {
		snprintf(err, errsize,
		         "standard output is not a terminal: use --headless (with --snapshot FILE) "
		         "to run without a screen");
		return false;
	}
	if (!term || !*term) {
		snprintf(err, errsize,
		         "TERM is not set: give your terminal's type (TERM=xterm-256color), or use "
		         "--headless");
		return false;
	}
	if (strcmp(term, "dumb") == 0) {
		snprintf(
		    err, errsize,
		    "TERM=dumb cannot move the cursor to draw the dashboard: use a real terminal "
		    "type (TERM=xterm-256color), or --headless");
		return false;
	}
	if (setupterm(term, STDOUT_FILENO, &status) != OK) {
		snprintf(
		    err, errsize,
		    "unknown terminal type '%.64s' (no terminfo entry for it on this machine): "
		    "run with TERM=xterm-256color, or install its terminfo",
		    term);
		return false;
	}
	bool usable = cursor_address != NULL; /* "cup": moving the cursor anywhere */
	del_curterm(cur_term);
	if (!usable) {
		snprintf(
		    err, errsize,
		    "terminal type '%.64s' cannot move the cursor: use TERM=xterm-256color, or "
		    "--headless",
		    term);
		return false;
	}
	return true;
}
