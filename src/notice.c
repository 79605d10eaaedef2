/* notice.c: warnings said before the screen, kept to be shown again inside the program. */
#include "notice.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

static pthread_mutex_t notice_lock = PTHREAD_MUTEX_INITIALIZER;
static char kept[NOTICES_MAX][NOTICE_MAX];
static size_t nkept;

void notice_warn(const char *fmt, ...)
{
	char text[NOTICE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	fprintf(stderr, "ctiboard: warning: %s\n", text);
	pthread_mutex_lock(&notice_lock);
	if (nkept < NOTICES_MAX)
		snprintf(kept[nkept++], NOTICE_MAX, "%s", text);
	pthread_mutex_unlock(&notice_lock);
}

const char (*notices_kept(size_t *n))[NOTICE_MAX]
{
	pthread_mutex_lock(&notice_lock);
	*n = nkept;
	pthread_mutex_unlock(&notice_lock);
	return (const char(*)[NOTICE_MAX])kept;
}

void notices_clear(void)
{
	pthread_mutex_lock(&notice_lock);
	nkept = 0;
	pthread_mutex_unlock(&notice_lock);
}
