/* redact.c: keep the token out of everything the program writes. */
#include "redact.h"

#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <strings.h>

#include "text.h"

#define SECRETS_MAX 32 /* event tokens, and the OVH API's secrets */

/* Registered by any thread (the OVH API's secrets come after the replay of the journal began),
 * read by every thread that writes: a secret is in place before the count that shows it. */
static char secrets[SECRETS_MAX][64];
static atomic_size_t nsecrets;
static pthread_mutex_t registering = PTHREAD_MUTEX_INITIALIZER;

void redact_label(char *dst, size_t dstsize, const char *token)
{
	size_t n = strlen(token);
	text_join(dst, dstsize, "...", n >= 4 ? token + n - 4 : "");
}

void redact_register(const char *secret)
{
	size_t n = strlen(secret);
	if (n < 8 || n >= sizeof secrets[0])
		return;
	pthread_mutex_lock(&registering);
	size_t have = atomic_load(&nsecrets);
	bool known = false;
	for (size_t i = 0; i < have && !known; i++)
		known = strcmp(secrets[i], secret) == 0;
	if (!known && have < SECRETS_MAX) {
		memcpy(secrets[have], secret, n + 1);
		atomic_store(&nsecrets, have + 1);
	}
	pthread_mutex_unlock(&registering);
}

/* The first place at or after p where secret (n bytes) is, in any case; NULL if none. */
static char *find_secret(char *p, const char *end, const char *secret, size_t n)
{
	const char first[2] = {(char)tolower((unsigned char)secret[0]),
	                       (char)toupper((unsigned char)secret[0])};
	for (; (size_t)(end - p) >= n; p++) {
		char *a = memchr(p, first[0], (size_t)(end - p) - n + 1);
		char *b =
		    first[1] != first[0] ? memchr(p, first[1], (size_t)(end - p) - n + 1) : NULL;
		char *at = a && (!b || a < b) ? a : b;
		if (!at)
			return NULL;
		if (strncasecmp(at, secret, n) == 0)
			return at;
		p = at;
	}
	return NULL;
}

bool redact_text(char *buf, size_t len)
{
	bool changed = false;
	size_t have = atomic_load(&nsecrets);
	for (size_t i = 0; i < have; i++) {
		size_t n = strlen(secrets[i]);
		char *p = buf, *end = buf + len;
		while ((p = find_secret(p, end, secrets[i], n))) {
			memset(p, '*', n - 4); /* keep the last 4 characters */
			p += n;
			changed = true;
		}
	}
	return changed;
}

bool redact_any(void)
{
	return atomic_load(&nsecrets) > 0;
}

void secret_wipe(void *p, size_t n)
{
	explicit_bzero(p, n); /* a memset the compiler may not drop; word at a time */
}

bool token_is_guid(const char *s)
{
	static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
	if (strlen(s) != sizeof shape - 1)
		return false;
	for (size_t i = 0; shape[i]; i++) {
		char c = s[i];
		if (shape[i] == '-') {
			if (c != '-')
				return false;
		} else if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') ||
		             (c >= 'a' && c <= 'f'))) {
			return false;
		}
	}
	return true;
}
