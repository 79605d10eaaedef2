/* hookfmt.c: URL templates, JSON bodies, argument vectors and environments for the hooks. */
#include "hookfmt.h"

#include <cJSON.h>
#include <ctype.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

void hook_field_set(struct hook_fields *f, const char *name, const char *value, bool numeric)
{
	int i = 0;
	while (i < f->n && strcmp(f->name[i], name) != 0)
		i++;
	if (i == f->n) {
		if (f->n == HOOK_FIELDS_MAX)
			return;
		f->n++;
	}
	f->name[i] = name;
	f->numeric[i] = numeric;
	text_copy(f->value[i], sizeof f->value[i], value ? value : "");
}

const char *hook_field_get(const struct hook_fields *f, const char *name)
{
	for (int i = 0; i < f->n; i++)
		if (strcmp(f->name[i], name) == 0)
			return f->value[i];
	return NULL;
}

/* The placeholder starting at p ('{'): its name's length when it is "{name}" with a name of
 * lower-case letters and underscores, else 0. */
static size_t placeholder_len(const char *p)
{
	size_t i = 1;
	while (p[i] == '_' || (p[i] >= 'a' && p[i] <= 'z'))
		i++;
	return p[i] == '}' && i > 1 ? i - 1 : 0;
}

static bool name_known(const char *name, size_t len, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
			return true;
	return false;
}

/* Check every brace of s; what names the thing checked ("URL", "argument 2"). */
static bool placeholders_check(const char *s, const char *const *names, int n, const char *what,
                               char *err, size_t errsize)
{
	for (const char *p = strchr(s, '{'); p; p = strchr(p + 1, '{')) {
		size_t len = placeholder_len(p);
		if (!len) {
			snprintf(err, errsize, "%s: '{' that does not open a {placeholder}", what);
			return false;
		}
		if (!name_known(p + 1, len, names, n)) {
			snprintf(err, errsize, "%s: unknown placeholder {%.*s}", what, (int)len,
			         p + 1);
			return false;
		}
	}
	if (strchr(s, '}') && !strchr(s, '{')) {
		snprintf(err, errsize, "%s: '}' with no placeholder", what);
		return false;
	}
	return true;
}

bool hook_url_check(const char *tmpl, const char *const *names, int n, char *err, size_t errsize)
{
	if (strncmp(tmpl, "https://", 8) != 0 && strncmp(tmpl, "http://", 7) != 0) {
		snprintf(err, errsize, "expected an http:// or https:// URL");
		return false;
	}
	const char *host = strstr(tmpl, "//") + 2;
	if (*host == '\0' || *host == '/' || *host == '{') {
		snprintf(err, errsize, "the URL has no host");
		return false;
	}
	return placeholders_check(tmpl, names, n, "URL", err, errsize);
}

char *hook_url_expand(const char *tmpl, const struct hook_fields *f)
{
	size_t cap = strlen(tmpl) + 1, len = 0;
	char *out = malloc(cap);
	if (!out)
		return NULL;
	for (const char *p = tmpl; *p;) {
		const char *piece = p;
		size_t n = 1, name_len = *p == '{' ? placeholder_len(p) : 0;
		char *escaped = NULL;
		if (name_len) {
			char name[64];
			snprintf(name, sizeof name, "%.*s", (int)name_len, p + 1);
			const char *v = hook_field_get(f, name);
			escaped = curl_easy_escape(NULL, v ? v : "", 0);
			if (!escaped) {
				free(out);
				return NULL;
			}
			piece = escaped;
			n = strlen(escaped);
			p += name_len + 2;
		} else {
			p++;
		}
		if (len + n + 1 > cap) {
			cap = (len + n + 1) * 2;
			char *grown = realloc(out, cap);
			if (!grown) {
				curl_free(escaped);
				free(out);
				return NULL;
			}
			out = grown;
		}
		memcpy(out + len, piece, n);
		len += n;
		curl_free(escaped);
	}
	out[len] = '\0';
	return out;
}

void hook_url_origin(const char *url, char *dst, size_t dstsize)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL;
	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		curl_url_get(u, CURLUPART_PORT, &port, 0);
		snprintf(dst, dstsize, "%s://%s%s%s", scheme, host, port ? ":" : "",
		         port ? port : "");
	} else {
		snprintf(dst, dstsize, "(bad URL)");
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
}

void hook_argv_free(struct hook_argv *a)
{
	for (int i = 0; i < a->argc; i++)
		free(a->argv[i]);
	memset(a, 0, sizeof *a);
}

bool hook_argv_parse(const char *cmd, const char *const *names, int n, struct hook_argv *out,
                     char *err, size_t errsize)
{
	memset(out, 0, sizeof *out);
	size_t cap = strlen(cmd) + 1;
	const char *p = cmd;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		if (out->argc == HOOK_ARGS_MAX) {
			snprintf(err, errsize, "more than %d arguments", HOOK_ARGS_MAX);
			hook_argv_free(out);
			return false;
		}
		char *arg = malloc(cap);
		if (!arg) {
			snprintf(err, errsize, "out of memory");
			hook_argv_free(out);
			return false;
		}
		size_t len = 0;
		char quote = 0;
		for (; *p && (quote || (*p != ' ' && *p != '\t')); p++) {
			if (quote && *p == quote)
				quote = 0;
			else if (!quote && (*p == '\'' || *p == '"'))
				quote = *p;
			else
				arg[len++] = *p;
		}
		arg[len] = '\0';
		out->argv[out->argc++] = arg;
		if (quote) {
			snprintf(err, errsize, "unterminated %c quote", quote);
			hook_argv_free(out);
			return false;
		}
		char what[32];
		snprintf(what, sizeof what, "argument %d", out->argc);
		if (!placeholders_check(arg, names, n, what, err, errsize)) {
			hook_argv_free(out);
			return false;
		}
		if (strchr(arg, '{') && (arg[0] != '{' || placeholder_len(arg) + 2 != len)) {
			snprintf(err, errsize,
			         "%s: a placeholder must be a whole argument (\"%s\" mixes it with "
			         "other text)",
			         what, arg);
			hook_argv_free(out);
			return false;
		}
		if (out->argc == 1 && arg[0] == '{') {
			snprintf(err, errsize, "the program itself cannot be a placeholder");
			hook_argv_free(out);
			return false;
		}
	}
	if (out->argc == 0) {
		snprintf(err, errsize, "no program given");
		return false;
	}
	return true;
}

void hook_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

char **hook_argv_expand(const struct hook_argv *a, const struct hook_fields *f)
{
	char **v = calloc((size_t)a->argc + 1, sizeof *v);
	if (!v)
		return NULL;
	for (int i = 0; i < a->argc; i++) {
		const char *arg = a->argv[i];
		if (arg[0] == '{') {
			char name[64];
			snprintf(name, sizeof name, "%.*s", (int)placeholder_len(arg), arg + 1);
			const char *value = hook_field_get(f, name);
			arg = value ? value : "";
		}
		if (!(v[i] = strdup(arg))) {
			hook_strv_free(v);
			return NULL;
		}
	}
	return v;
}

char **hook_envp(const struct hook_fields *f, char *const *env)
{
	size_t n = 0;
	while (env && env[n])
		n++;
	char **v = calloc(n + (size_t)f->n + 1, sizeof *v);
	if (!v)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (strncmp(env[i], "CTIBOARD_", 9) == 0)
			continue;
		if (!(v[k++] = strdup(env[i]))) {
			hook_strv_free(v);
			return NULL;
		}
	}
	for (int i = 0; i < f->n; i++) {
		size_t len = 9 + strlen(f->name[i]) + 1 + strlen(f->value[i]) + 1;
		char *e = malloc(len);
		if (!e) {
			hook_strv_free(v);
			return NULL;
		}
		size_t at = (size_t)snprintf(e, len, "CTIBOARD_");
		for (const char *c = f->name[i]; *c; c++)
			e[at++] = (char)toupper((unsigned char)*c);
		snprintf(e + at, len - at, "=%s", f->value[i]);
		v[k++] = e;
	}
	return v;
}

char *hook_json(const struct hook_fields *f, const char *text)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	if (text) {
		cJSON_AddStringToObject(o, "text", text);
	} else {
		for (int i = 0; i < f->n; i++) {
			char *end;
			double d = f->numeric[i] ? strtod(f->value[i], &end) : 0;
			if (!f->numeric[i])
				cJSON_AddStringToObject(o, f->name[i], f->value[i]);
			else if (f->value[i][0] && *end == '\0')
				cJSON_AddNumberToObject(o, f->name[i], d);
			else
				cJSON_AddNullToObject(o, f->name[i]);
		}
	}
	char *s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}
