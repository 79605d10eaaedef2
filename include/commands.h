/* commands.h: the subcommands that talk to the OVH API instead of showing the dashboard.
 *
 *   ctiboard api login [--actions]          ask for a consumer key, wait, store it
 *   ctiboard token list|create|revoke       the event tokens of a billing account
 *
 * Each takes the program's argc/argv from the subcommand's name on and returns the exit
 * status: 0 done, 1 failed (one line on stderr naming the problem), 2 a bad command line.
 */
#ifndef CTIBOARD_COMMANDS_H
#define CTIBOARD_COMMANDS_H

#include <stdbool.h>

int command_api(int argc, char **argv);
int command_token(int argc, char **argv);

/* Is argv[1] the name of a subcommand? */
bool command_is(const char *arg);

#endif
