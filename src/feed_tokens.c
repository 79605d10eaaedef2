/* feed_tokens.c: where the OVH tokens come from (environment, token files, configuration) and
 * which URLs the feed may talk to.
 *
 * A token is a secret: messages name its source and position, never its value, and every
 * token is registered with redact.h before anything else can see it.
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "feed.h"
#include "notice.h"
#include "redact.h"
#include "settings.h"

#define TOKEN_SHAPE "XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX"

struct token_list {
	char (*tokens)[TOKEN_SIZE];
	int n, max;
	char *err;
	size_t errsize;
};

/* Trim blanks (and a trailing CR or '#' comment) in place; returns the start of the text. */
static char *trim(char *s, bool comments)
{
	if (comments) {
		char *hash = strchr(s, '#');
		if (hash)
			*hash = '\0';
	}
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 &&
	       (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

/* Add one candidate token found at "where"; duplicates are kept once. */
static bool add_token(struct token_list *tl, const char *tok, const char *where)
{
	if (!token_is_guid(tok)) {
		snprintf(tl->err, tl->errsize, "%s: not an OVH token (expected " TOKEN_SHAPE ")",
		         where);
		return false;
	}
	for (int i = 0; i < tl->n; i++)
		if (strcmp(tl->tokens[i], tok) == 0)
			return true;
	if (tl->n >= tl->max) {
		snprintf(tl->err, tl->errsize, "%s: too many tokens (at most %d)", where, tl->max);
		return false;
	}
	snprintf(tl->tokens[tl->n], sizeof tl->tokens[tl->n], "%s", tok);
	redact_register(tl->tokens[tl->n]);
	tl->n++;
	return true;
}

/* CTIBOARD_TOKEN: comma-separated, blanks around items ignored, empty items skipped. */
static bool load_env(struct token_list *tl)
{
	const char *env = getenv("CTIBOARD_TOKEN");
	if (!env || !*env)
		return true;
	char *copy = strdup(env);
	if (!copy) {
		snprintf(tl->err, tl->errsize, "CTIBOARD_TOKEN: out of memory");
		return false;
	}
	bool ok = true;
	int item = 0;
	char *save = NULL;
	for (char *p = strtok_r(copy, ",", &save); p && ok; p = strtok_r(NULL, ",", &save)) {
		item++;
		char *t = trim(p, false);
		if (!*t)
			continue;
		char where[64];
		snprintf(where, sizeof where, "CTIBOARD_TOKEN, item %d", item);
		ok = add_token(tl, t, where);
	}
	secret_wipe(copy, strlen(env));
	free(copy);
	return ok;
}

/* A token file: one token a line, blank lines and '#' comments allowed. */
static bool load_file(struct token_list *tl, const char *path)
{
	FILE *fp = fopen(path, "r");
	if (!fp) {
		snprintf(tl->err, tl->errsize, "token file %s: %s", path, strerror(errno));
		return false;
	}
	struct stat st;
	if (fstat(fileno(fp), &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH)))
		notice_warn("token file readable by other users: chmod 600 %s", path);
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0, found = 0;
	bool ok = true;
	while (ok && getline(&line, &cap, fp) >= 0) {
		lineno++;
		char *t = trim(line, true);
		if (*t) {
			found++;
			char where[SETTINGS_PATH_MAX + 64];
			snprintf(where, sizeof where, "token file %s, line %d", path, lineno);
			ok = add_token(tl, t, where);
		}
		secret_wipe(line, cap);
	}
	if (ok && ferror(fp)) {
		snprintf(tl->err, tl->errsize, "token file %s: %s", path, strerror(errno));
		ok = false;
	}
	if (ok && found == 0) {
		snprintf(tl->err, tl->errsize, "token file %s holds no token (one a line, %s)",
		         path, TOKEN_SHAPE);
		ok = false;
	}
	free(line);
	fclose(fp);
	return ok;
}

int feed_load_tokens(const struct settings *s, char tokens[][TOKEN_SIZE], int max, char *err,
                     size_t errsize)
{
	struct token_list tl = {tokens, 0, max, err, errsize};
	if (errsize)
		err[0] = '\0';
	if (!load_env(&tl))
		return -1;
	for (int i = 0; i < s->ntoken_files; i++)
		if (!load_file(&tl, s->token_files[i]))
			return -1;
	for (int i = 0; i < s->ntokens; i++) {
		char where[64];
		snprintf(where, sizeof where, "configuration, token %d", i + 1);
		char copy[TOKEN_SIZE];
		snprintf(copy, sizeof copy, "%s", s->tokens[i]);
		bool ok = add_token(&tl, trim(copy, false), where);
		secret_wipe(copy, sizeof copy);
		if (!ok)
			return -1;
	}
	/* no source named at all: the file 'ctiboard token create' writes, if it is there */
	char path[SETTINGS_PATH_MAX];
	feed_default_token_file(path, sizeof path);
	if (tl.n == 0 && s->ntoken_files == 0 && access(path, F_OK) == 0 && !load_file(&tl, path))
		return -1;
	return tl.n;
}

bool host_is_loopback(const char *host)
{
	if (strcasecmp(host, "localhost") == 0 || strcasecmp(host, "localhost.") == 0)
		return true;
	if (strcmp(host, "[::1]") == 0)
		return true;
	struct in_addr a;
	if (inet_pton(AF_INET, host, &a) == 1)
		return (ntohl(a.s_addr) >> 24) == 127;
	return false;
}

bool feed_check_url(const char *url, char *err, size_t errsize)
{
	bool ok = false;
	char *scheme = NULL, *host = NULL;
	CURLU *u = curl_url();
	if (!u) {
		snprintf(err, errsize, "out of memory");
		return false;
	}
	/* The query is never echoed: someone may have put a token there. */
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		snprintf(err, errsize, "--url: not a valid URL (expected https://HOST/)");
	} else if (strcasecmp(scheme, "https") == 0) {
		ok = true;
	} else if (strcasecmp(scheme, "http") == 0) {
		ok = host_is_loopback(host);
		if (!ok)
			snprintf(err, errsize,
			         "--url http://%s/: plain http is refused except to a loopback "
			         "address (127.0.0.0/8, ::1, localhost); use https",
			         host);
	} else {
		snprintf(err, errsize, "--url: scheme %s is refused; use https", scheme);
	}
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return ok;
}

void feed_default_token_file(char *dst, size_t dstsize)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	if (xdg && xdg[0] == '/')
		snprintf(dst, dstsize, "%s/ctiboard/tokens", xdg);
	else
		snprintf(dst, dstsize, "%s/.config/ctiboard/tokens", home ? home : ".");
}
