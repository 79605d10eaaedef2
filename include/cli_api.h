/* cli_api.h: what the API subcommands share: their settings, a client, their messages. */
#ifndef CTIBOARD_CLI_API_H
#define CTIBOARD_CLI_API_H

#include <stdbool.h>

#include "ovh_api.h"
#include "ovh_conf.h"
#include "settings.h"

/* Settings from --config FILE (or the default file), then --set KEY=VALUE; exit 1 or 2 on
 * error like the dashboard does. */
void cli_load_settings(struct settings *s, const char *config);
void cli_set(struct settings *s, const char *key_value);

/* Credentials and a client; with need_consumer_key, a missing consumer key is an error that
 * says how to get one. Prints the problem and returns NULL on failure. */
struct ovh_api *cli_open_api(const struct settings *s, struct ovh_credentials *c,
                             bool need_consumer_key);

/* "ctiboard: WHAT: HTTP 403 NOT_GRANTED_CALL: ..." on stderr, with a hint for a missing
 * right or a refused key. */
void cli_api_error(const char *what, const struct ovh_reply *r);

/* A bad command line: the message, a hint, exit 2. */
__attribute__((format(printf, 2, 3))) _Noreturn void cli_usage_error(const char *command,
                                                                     const char *fmt, ...);

#endif
