/* ovh_conf.c: OVH API credentials from the environment and the ovh.conf INI files. */
#include "ovh_conf.h"

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
#include "secret_file.h"
#include "text.h"

static const struct {
	const char *name, *url;
} endpoints[] = {
    {"ovh-eu", "https://eu.api.ovh.com/1.0"},
    {"ovh-ca", "https://ca.api.ovh.com/1.0"},
    {"ovh-us", "https://api.us.ovhcloud.com/1.0"},
    {"kimsufi-eu", "https://eu.api.kimsufi.com/1.0"},
    {"kimsufi-ca", "https://ca.api.kimsufi.com/1.0"},
    {"soyoustart-eu", "https://eu.api.soyoustart.com/1.0"},
    {"soyoustart-ca", "https://ca.api.soyoustart.com/1.0"},
};

#define NENDPOINTS (sizeof endpoints / sizeof endpoints[0])

bool ovh_endpoint_url(const char *endpoint, char *url, size_t urlsize, char *err, size_t errsize)
{
	for (size_t i = 0; i < NENDPOINTS; i++)
		if (strcmp(endpoint, endpoints[i].name) == 0)
			return snprintf(url, urlsize, "%s", endpoints[i].url) < (int)urlsize;
	if (!strstr(endpoint, "://")) {
		snprintf(err, errsize,
		         "OVH endpoint '%.64s': unknown name (expected ovh-eu, ovh-ca, ovh-us, "
		         "kimsufi-eu, kimsufi-ca, soyoustart-eu, soyoustart-ca or a URL)",
		         endpoint);
		return false;
	}
	bool ok = false;
	char *scheme = NULL, *host = NULL;
	CURLU *u = curl_url();
	if (u && curl_url_set(u, CURLUPART_URL, endpoint, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		if (strcasecmp(scheme, "https") == 0 ||
		    (strcasecmp(scheme, "http") == 0 && host_is_loopback(host)))
			ok = true;
		else
			snprintf(err, errsize,
			         "OVH endpoint %.200s: use https (plain http only to a loopback "
			         "host, for tests)",
			         endpoint);
	} else {
		snprintf(err, errsize, "OVH endpoint: not a valid URL (expected https://HOST/1.0)");
	}
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	if (!ok)
		return false;
	if (snprintf(url, urlsize, "%s", endpoint) >= (int)urlsize) {
		snprintf(err, errsize, "OVH endpoint: URL too long");
		return false;
	}
	size_t n = strlen(url);
	while (n > 0 && url[n - 1] == '/')
		url[--n] = '\0';
	return true;
}

void ovh_conf_default_path(char *dst, size_t dstsize)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	if (xdg && *xdg == '/')
		snprintf(dst, dstsize, "%s/ctiboard/ovh.conf", xdg);
	else
		snprintf(dst, dstsize, "%s/.config/ctiboard/ovh.conf", home ? home : ".");
}

/* The keys of one file: "endpoint" of [default], and the section of each endpoint. */
struct ini_value {
	char section[OVH_URL_MAX];
	char key[64];
	char value[OVH_URL_MAX];
};

struct ini_file {
	char path[SETTINGS_PATH_MAX];
	struct ini_value *values;
	int n;
	bool has_secret;
};

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

static bool is_secret_key(const char *key)
{
	return strcmp(key, "application_secret") == 0 || strcmp(key, "consumer_key") == 0;
}

/* Parse an INI file; false with err "FILE:LINE: what" on a malformed line. */
static bool ini_parse(struct ini_file *f, const char *text, char *err, size_t errsize)
{
	char section[OVH_URL_MAX] = "";
	int lineno = 0;
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[OVH_URL_MAX + 128];
		lineno++;
		if (len >= sizeof line) {
			snprintf(err, errsize, "%s:%d: line too long", f->path, lineno);
			return false;
		}
		memcpy(line, p, len);
		line[len] = '\0';
		p += len + (nl ? 1 : 0);
		char *t = trim(line);
		if (!*t || *t == '#' || *t == ';')
			continue;
		if (*t == '[') {
			char *close = strchr(t, ']');
			if (!close || close[1] != '\0' || close == t + 1) {
				snprintf(err, errsize, "%s:%d: expected [section]", f->path,
				         lineno);
				return false;
			}
			*close = '\0';
			snprintf(section, sizeof section, "%s", trim(t + 1));
			continue;
		}
		char *eq = strchr(t, '=');
		if (!eq) {
			snprintf(err, errsize, "%s:%d: expected key = value", f->path, lineno);
			return false;
		}
		*eq = '\0';
		char *key = trim(t), *value = trim(eq + 1);
		if (!*section) {
			snprintf(err, errsize, "%s:%d: %.60s: a key before any [section]", f->path,
			         lineno, key);
			return false;
		}
		if (strlen(key) >= sizeof f->values[0].key || strlen(value) >= OVH_KEY_MAX) {
			snprintf(err, errsize, "%s:%d: %.60s: too long", f->path, lineno, key);
			return false;
		}
		struct ini_value *grown = realloc(f->values, (size_t)(f->n + 1) * sizeof *grown);
		if (!grown) {
			snprintf(err, errsize, "%s: out of memory", f->path);
			return false;
		}
		f->values = grown;
		struct ini_value *v = &f->values[f->n++];
		snprintf(v->section, sizeof v->section, "%s", section);
		snprintf(v->key, sizeof v->key, "%s", key);
		snprintf(v->value, sizeof v->value, "%s", value);
		if (is_secret_key(key) && *value) {
			redact_register(v->value);
			f->has_secret = true;
		}
		secret_wipe(line, sizeof line);
	}
	return true;
}

static const char *ini_get(const struct ini_file *f, const char *section, const char *key)
{
	for (int i = f->n - 1; i >= 0; i--)
		if (strcmp(f->values[i].section, section) == 0 &&
		    strcmp(f->values[i].key, key) == 0)
			return f->values[i].value;
	return NULL;
}

static void ini_free(struct ini_file *f)
{
	if (f->values) {
		secret_wipe(f->values, (size_t)f->n * sizeof *f->values);
		free(f->values);
	}
	f->values = NULL;
	f->n = 0;
}

/* Read one ovh.conf if it exists: 1 read, 0 missing, -1 error. */
static int ini_load(struct ini_file *f, const char *path, char *err, size_t errsize)
{
	size_t len = 0;
	text_copy(f->path, sizeof f->path, path);
	char *text = secret_file_read(path, &len);
	if (!text) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	bool ok = ini_parse(f, text, err, errsize);
	secret_file_free(text, len);
	if (!ok)
		return -1;
	struct stat st;
	if (f->has_secret && stat(path, &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH)))
		notice_warn("%s holds OVH secrets and is readable by other users (chmod 600 %s)",
		            path, path);
	return 1;
}

/* Take a key from the environment if set there, else from the first file that has it. */
static bool pick(char *dst, size_t dstsize, const char *env, struct ini_file *files, int nfiles,
                 const char *section, const char *key, int *from_file)
{
	const char *v = getenv(env);
	if (v && *v) {
		if (strlen(v) >= dstsize)
			return false;
		snprintf(dst, dstsize, "%s", v);
		if (is_secret_key(key))
			redact_register(dst);
		return true;
	}
	for (int i = 0; i < nfiles; i++) {
		const char *fv = ini_get(&files[i], section, key);
		if (fv && *fv) {
			text_copy(dst, dstsize, fv);
			if (from_file)
				*from_file = i;
			return true;
		}
	}
	return true;
}

bool ovh_credentials_load(struct ovh_credentials *c, char *err, size_t errsize)
{
	memset(c, 0, sizeof *c);
	char paths[3][SETTINGS_PATH_MAX];
	const char *home = getenv("HOME");
	ovh_conf_default_path(paths[0], sizeof paths[0]);
	snprintf(paths[1], sizeof paths[1], "%s/.ovh.conf", home && *home ? home : ".");
	snprintf(paths[2], sizeof paths[2], "/etc/ovh.conf");

	struct ini_file files[3];
	memset(files, 0, sizeof files);
	int nfiles = 0, first_found = -1;
	bool ok = true;
	for (int i = 0; i < 3 && ok; i++) {
		int r = ini_load(&files[nfiles], paths[i], err, errsize);
		if (r < 0)
			ok = false;
		else if (r > 0) {
			if (first_found < 0)
				first_found = nfiles;
			nfiles++;
		}
	}
	if (ok) {
		int ak_file = -1;
		const char *env = getenv("OVH_ENDPOINT");
		const char *endpoint = env && *env ? env : NULL;
		for (int i = 0; i < nfiles && !endpoint; i++)
			endpoint = ini_get(&files[i], "default", "endpoint");
		snprintf(c->endpoint, sizeof c->endpoint, "%s", endpoint ? endpoint : "ovh-eu");
		ok = ovh_endpoint_url(c->endpoint, c->base_url, sizeof c->base_url, err, errsize);
		if (ok &&
		    !(pick(c->application_key, sizeof c->application_key, "OVH_APPLICATION_KEY",
		           files, nfiles, c->endpoint, "application_key", &ak_file) &&
		      pick(c->application_secret, sizeof c->application_secret,
		           "OVH_APPLICATION_SECRET", files, nfiles, c->endpoint,
		           "application_secret", NULL) &&
		      pick(c->consumer_key, sizeof c->consumer_key, "OVH_CONSUMER_KEY", files,
		           nfiles, c->endpoint, "consumer_key", NULL))) {
			snprintf(err, errsize, "OVH credentials in the environment: too long");
			ok = false;
		}
		const char *ck_env = getenv("OVH_CONSUMER_KEY");
		c->consumer_key_from_env = ck_env && *ck_env;
		int used = ak_file >= 0 ? ak_file : first_found;
		if (used >= 0) {
			snprintf(c->conf_path, sizeof c->conf_path, "%s", files[used].path);
			c->conf_exists = true;
		} else {
			snprintf(c->conf_path, sizeof c->conf_path, "%s", paths[0]);
		}
	}
	for (int i = 0; i < 3; i++)
		ini_free(&files[i]);
	if (!ok)
		ovh_credentials_wipe(c);
	return ok;
}

bool ovh_credentials_have_application(const struct ovh_credentials *c)
{
	return c->application_key[0] && c->application_secret[0];
}

bool ovh_credentials_complete(const struct ovh_credentials *c)
{
	return ovh_credentials_have_application(c) && c->consumer_key[0];
}

void ovh_credentials_wipe(struct ovh_credentials *c)
{
	secret_wipe(c->application_secret, sizeof c->application_secret);
	secret_wipe(c->consumer_key, sizeof c->consumer_key);
}

/* Append to a growing text; false when out of memory. */
static bool out_add(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t ncap = (*cap + n + 1) * 2;
		char *grown = malloc(ncap);
		if (!grown)
			return false;
		if (*buf) {
			memcpy(grown, *buf, *len);
			secret_wipe(*buf, *cap);
			free(*buf);
		}
		*buf = grown;
		*cap = ncap;
	}
	if (!*buf)
		return false;
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
	return true;
}

bool ovh_conf_store_consumer_key(const char *path, const char *section, const char *ck, char *err,
                                 size_t errsize)
{
	size_t inlen = 0;
	char *in = secret_file_read(path, &inlen);
	if (!in && errno != ENOENT) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return false;
	}
	char *out = NULL;
	size_t len = 0, cap = 0;
	char set_line[OVH_KEY_MAX + 32];
	int sl = snprintf(set_line, sizeof set_line, "consumer_key = %s\n", ck);
	bool ok = true, in_section = false, done = false;
	const char *p = in ? in : "";
	while (*p && ok) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
		char head[OVH_URL_MAX + 8];
		size_t hn = n < sizeof head - 1 ? n : sizeof head - 1;
		memcpy(head, p, hn);
		head[hn] = '\0';
		char *t = trim(head);
		size_t tn = strlen(t);
		if (tn && t[tn - 1] == '\n')
			t[--tn] = '\0';
		t = trim(t);
		bool is_header = *t == '[';
		if (is_header && in_section && !done) {
			ok = out_add(&out, &len, &cap, set_line, (size_t)sl);
			done = true;
		}
		if (is_header) {
			char *close = strchr(t, ']');
			if (close)
				*close = '\0';
			in_section = strcmp(trim(t + 1), section) == 0;
		}
		char *eq = strchr(t, '=');
		bool is_ck = false;
		if (in_section && !is_header && eq) {
			*eq = '\0';
			is_ck = strcmp(trim(t), "consumer_key") == 0;
		}
		if (is_ck && !done) {
			ok = ok && out_add(&out, &len, &cap, set_line, (size_t)sl);
			done = true;
		} else if (!is_ck) {
			ok = ok && out_add(&out, &len, &cap, p, n);
			if (ok && !nl)
				ok = out_add(&out, &len, &cap, "\n", 1);
		}
		secret_wipe(head, sizeof head);
		p += n;
	}
	if (ok && !done && in_section)
		ok = out_add(&out, &len, &cap, set_line, (size_t)sl);
	else if (ok && !done) {
		char header[OVH_URL_MAX + 8];
		int hl = snprintf(header, sizeof header, "%s[%s]\n", len ? "\n" : "", section);
		ok = out_add(&out, &len, &cap, header, (size_t)hl) &&
		     out_add(&out, &len, &cap, set_line, (size_t)sl);
	}
	secret_wipe(set_line, sizeof set_line);
	secret_file_free(in, inlen);
	if (!ok) {
		snprintf(err, errsize, "%s: out of memory", path);
		secret_file_free(out, cap);
		return false;
	}
	ok = secret_file_replace(path, out, len, err, errsize);
	secret_file_free(out, cap);
	return ok;
}
