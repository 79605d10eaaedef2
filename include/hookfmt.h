/* hookfmt.h: what the integration hooks send, made from a set of named fields: a URL template
 * filled with URL-encoded values, a JSON body, a program's argument vector and environment.
 * Pure functions, no network: hooks.c sends what these build.
 *
 * Templates and commands are checked once, when the configuration is read; a placeholder is
 * a known field name in braces ("{caller}"). In a command a placeholder is only ever a whole
 * argument, so a value is one argument whatever it holds, and no shell ever reads it.
 */
#ifndef CTIBOARD_HOOKFMT_H
#define CTIBOARD_HOOKFMT_H

#include <stdbool.h>
#include <stddef.h>

#define HOOK_FIELDS_MAX 10
#define HOOK_VALUE_MAX  256
#define HOOK_ARGS_MAX   32

/* The fields of one notification. Names are static strings ("caller"); values are text, and
 * those marked numeric go into JSON as numbers (null when empty). */
struct hook_fields {
	int n;
	const char *name[HOOK_FIELDS_MAX];
	bool numeric[HOOK_FIELDS_MAX];
	char value[HOOK_FIELDS_MAX][HOOK_VALUE_MAX];
};

/* Set (or add) a field. */
void hook_field_set(struct hook_fields *f, const char *name, const char *value, bool numeric);
/* The value of a field, or NULL. */
const char *hook_field_get(const struct hook_fields *f, const char *name);

/* Check that every {placeholder} of a URL template is one of names (n of them), and that the
 * URL is http or https with a host. err names the problem. */
bool hook_url_check(const char *tmpl, const char *const *names, int n, char *err, size_t errsize);

/* The template with each {name} replaced by the field's URL-encoded value (malloc'd; NULL on
 * allocation failure). */
char *hook_url_expand(const char *tmpl, const struct hook_fields *f);

/* "scheme://host[:port]" of a URL, for messages: never its path, query or user, which may hold
 * a secret (a chat webhook's key, a CRM password). */
void hook_url_origin(const char *url, char *dst, size_t dstsize);

/* A command split once into arguments: white space separates them, '...' and "..." quote. */
struct hook_argv {
	int argc;
	char *argv[HOOK_ARGS_MAX + 1]; /* malloc'd strings, NULL-terminated */
};

/* Split cmd; every '{' must open a whole-argument placeholder among names. */
bool hook_argv_parse(const char *cmd, const char *const *names, int n, struct hook_argv *out,
                     char *err, size_t errsize);
void hook_argv_free(struct hook_argv *a);

/* The argument vector with placeholders replaced by values (malloc'd array and strings, free
 * with hook_strv_free). NULL on allocation failure. */
char **hook_argv_expand(const struct hook_argv *a, const struct hook_fields *f);

/* The environment for a command: env without any CTIBOARD_* variable (CTIBOARD_TOKEN is a
 * secret), plus CTIBOARD_<NAME>=value for each field. NULL on allocation failure. */
char **hook_envp(const struct hook_fields *f, char *const *env);
void hook_strv_free(char **v);

/* The fields as one JSON object, or {"text": text} when text is not NULL (free with
 * cJSON_free); NULL on allocation failure. */
char *hook_json(const struct hook_fields *f, const char *text);

#endif
