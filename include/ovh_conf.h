/* ovh_conf.h: the OVH API credentials, found where OVH's own tools look for them.
 *
 * The environment (OVH_ENDPOINT, OVH_APPLICATION_KEY, OVH_APPLICATION_SECRET,
 * OVH_CONSUMER_KEY) overrides the ovh.conf INI files, looked up in this order:
 * $XDG_CONFIG_HOME/ctiboard/ovh.conf, ~/.ovh.conf, /etc/ovh.conf. A key is taken from the first
 * file that has it. The files hold "[default] endpoint = ovh-eu" and one section per endpoint:
 * "[ovh-eu] application_key = ...". The application secret and the consumer key are secrets:
 * they are registered with redact.h as soon as they are read and never printed.
 */
#ifndef CTIBOARD_OVH_CONF_H
#define CTIBOARD_OVH_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "settings.h"

#define OVH_KEY_MAX 128
#define OVH_URL_MAX 512

struct ovh_credentials {
	char endpoint[OVH_URL_MAX]; /* as configured (a name or a URL): the ovh.conf section */
	char base_url[OVH_URL_MAX]; /* e.g. https://eu.api.ovh.com/1.0, no trailing '/' */
	char application_key[OVH_KEY_MAX];
	char application_secret[OVH_KEY_MAX];
	char consumer_key[OVH_KEY_MAX];
	/* the ovh.conf in use: the file that gave the application key, else the first found,
	 * else the per-user default (which may not exist yet) */
	char conf_path[SETTINGS_PATH_MAX];
	bool conf_exists;
	bool consumer_key_from_env;
};

/* The base URL of an endpoint: a known name (ovh-eu, ovh-ca, ovh-us, kimsufi-eu, kimsufi-ca,
 * soyoustart-eu, soyoustart-ca) or a URL, https, or plain http to a loopback host only. */
bool ovh_endpoint_url(const char *endpoint, char *url, size_t urlsize, char *err, size_t errsize);

/* Read the environment and the ovh.conf files. Missing keys are not an error (see
 * ovh_credentials_complete); a malformed file or endpoint is, with err naming file and line.
 * Files that others can read and that hold a secret get a warning on stderr. */
bool ovh_credentials_load(struct ovh_credentials *c, char *err, size_t errsize);

/* An application key and secret are there (enough to ask for a consumer key). */
bool ovh_credentials_have_application(const struct ovh_credentials *c);

/* Application key, secret and consumer key are all there (enough to sign requests). */
bool ovh_credentials_complete(const struct ovh_credentials *c);

/* Forget the secrets. */
void ovh_credentials_wipe(struct ovh_credentials *c);

/* The per-user ovh.conf: $XDG_CONFIG_HOME/ctiboard/ovh.conf or ~/.config/ctiboard/ovh.conf. */
void ovh_conf_default_path(char *dst, size_t dstsize);

/* Set "consumer_key = ck" in [section] of the INI file at path, keeping every other line; the
 * file (and its directory) is created if need be, and left with mode 0600. The file is
 * replaced atomically. */
bool ovh_conf_store_consumer_key(const char *path, const char *section, const char *ck, char *err,
                                 size_t errsize);

#endif
