/* journal.c: the journal writer. One event per line, token redacted, receive time added, one
 * file per local day, flushed to disk at most about once a second. The reader is replay.c.
 */
#include "journal.h"

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "event_json.h"
#include "fileio.h"
#include "redact.h"

#define JOURNAL_DIR_MAX  1024
#define SYNC_INTERVAL_NS INT64_C(1000000000)
#define LINE_BUF         4096 /* a journal line printed without malloc; longer ones are */

struct journal {
	pthread_mutex_t lock;
	char dir[JOURNAL_DIR_MAX];
	int fd;            /* the open day file, -1 none */
	long day;          /* YYYYMMDD of the open file */
	bool unsynced;     /* written since the last fdatasync */
	int64_t synced_ns; /* monotonic time of the last fdatasync */
};

void journal_default_dir(char *dst, size_t dstsize)
{
	const char *state = getenv("XDG_STATE_HOME");
	if (state && state[0] == '/') {
		snprintf(dst, dstsize, "%s/ctiboard", state);
		return;
	}
	const char *home = getenv("HOME");
	if (!home || !home[0]) {
		struct passwd *pw = getpwuid(getuid());
		home = pw && pw->pw_dir ? pw->pw_dir : ".";
	}
	snprintf(dst, dstsize, "%s/.local/state/ctiboard", home);
}

/* The local calendar day of t_s, as YYYYMMDD, and its broken-down time. */
static long local_day(int64_t t_s, struct tm *tm)
{
	time_t t = (time_t)t_s;
	if (!localtime_r(&t, tm))
		memset(tm, 0, sizeof(*tm));
	return (long)(tm->tm_year + 1900) * 10000 + (tm->tm_mon + 1) * 100 + tm->tm_mday;
}

void journal_path_for(char *dst, size_t dstsize, const char *dir, int64_t t_s)
{
	struct tm tm;
	local_day(t_s, &tm);
	snprintf(dst, dstsize, "%s/%04d-%02d-%02d.jsonl", dir, tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday);
}

/* mkdir -p with mode 0700 for every directory it creates. */
static bool make_dirs(const char *dir, char *err, size_t errsize)
{
	char path[JOURNAL_DIR_MAX];
	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path)) {
		snprintf(err, errsize, "journal directory name too long");
		return false;
	}
	for (char *p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			snprintf(err, errsize, "cannot create %s: %s", path, strerror(errno));
			return false;
		}
		*p = c;
		if (c == '\0')
			break;
	}
	struct stat sb;
	if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		snprintf(err, errsize, "%s is not a directory", path);
		return false;
	}
	if (access(path, W_OK | X_OK) != 0) {
		snprintf(err, errsize, "cannot write to %s: %s", path, strerror(errno));
		return false;
	}
	return true;
}

struct journal *journal_open(const char *dir, char *err, size_t errsize)
{
	if (!dir || !dir[0]) {
		snprintf(err, errsize, "no journal directory");
		return NULL;
	}
	if (!make_dirs(dir, err, errsize))
		return NULL;
	struct journal *j = calloc(1, sizeof(*j));
	if (!j) {
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&j->lock, NULL);
	snprintf(j->dir, sizeof(j->dir), "%s", dir);
	j->fd = -1;
	j->synced_ns = mono_now_ns();
	return j;
}

/* fdatasync the open file if it was written to (lock held). */
static void sync_locked(struct journal *j)
{
	if (j->fd >= 0 && j->unsynced) {
		fdatasync(j->fd);
		j->unsynced = false;
	}
	j->synced_ns = mono_now_ns();
}

void journal_close(struct journal *j)
{
	if (!j)
		return;
	pthread_mutex_lock(&j->lock);
	sync_locked(j);
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
	pthread_mutex_unlock(&j->lock);
	pthread_mutex_destroy(&j->lock);
	free(j);
}

void journal_sync(struct journal *j, bool force)
{
	if (!j)
		return;
	pthread_mutex_lock(&j->lock);
	if (force || mono_now_ns() - j->synced_ns >= SYNC_INTERVAL_NS)
		sync_locked(j);
	pthread_mutex_unlock(&j->lock);
}

/* Make sure the file of the local day of received_s is the open one (lock held). */
static bool open_day_locked(struct journal *j, int64_t received_s)
{
	struct tm tm;
	long day = local_day(received_s, &tm);
	if (j->fd >= 0 && day == j->day)
		return true;
	if (j->fd >= 0) {
		sync_locked(j);
		close(j->fd);
		j->fd = -1;
	}
	char path[JOURNAL_DIR_MAX + 64];
	journal_path_for(path, sizeof(path), j->dir, received_s);
	j->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (j->fd < 0)
		return false;
	sync_parent_dir(path); /* a new day's file must survive a crash too */
	j->day = day;
	return true;
}

/* Make ev what the journal keeps (in place): every top-level "Token" (V1) or "token" (V2),
 * duplicates included, replaced by its redacted label, and one "Received" key, last. */
static bool finish_event(cJSON *ev, int64_t received_ns)
{
	for (cJSON *it = ev->child; it; it = it->next) {
		if (!it->string || strcasecmp(it->string, "token") != 0)
			continue;
		char label[16];
		redact_label(label, sizeof(label), cJSON_IsString(it) ? it->valuestring : "");
		cJSON *red = cJSON_CreateString(label);
		if (red)
			red->string = strdup(it->string); /* the key stays; freed by cJSON_Delete */
		if (!red || !red->string || !cJSON_ReplaceItemViaPointer(ev, it, red)) {
			cJSON_Delete(red);
			return false;
		}
		it = red;
	}
	while (cJSON_GetObjectItemCaseSensitive(ev, "Received"))
		cJSON_DeleteItemFromObjectCaseSensitive(ev, "Received");
	char digits[24];
	snprintf(digits, sizeof(digits), "%lld", (long long)received_ns);
	return cJSON_AddRawToObject(ev, "Received", digits) != NULL;
}

/* Compact JSON of ev and a newline into buf (size bytes) when it fits, else into a new buffer
 * (*heap set, to free). The last guard scrubs every registered secret. NULL if out of memory. */
static char *print_line(cJSON *ev, char *buf, size_t size, size_t *outlen, bool *heap)
{
	char *line = buf;
	*heap = false;
	/* cJSON wants 5 bytes more than it prints; one more is for the newline */
	if (!cJSON_PrintPreallocated(ev, buf, (int)size - 1, false)) {
		char *printed = cJSON_PrintUnformatted(ev);
		if (!printed)
			return NULL;
		line = realloc(printed, strlen(printed) + 2);
		if (!line) {
			free(printed);
			return NULL;
		}
		*heap = true;
	}
	size_t n = strlen(line);
	line[n] = '\n';
	line[n + 1] = '\0';
	redact_text(line, n + 1);
	*outlen = n + 1;
	return line;
}

/* Write one finished line to the file of the local day of received_ns. */
static bool write_line(struct journal *j, const char *line, size_t n, int64_t received_ns)
{
	int64_t received_s = received_ns / 1000000000;
	if (received_ns < 0 && received_ns % 1000000000)
		received_s--;
	pthread_mutex_lock(&j->lock);
	bool ok = open_day_locked(j, received_s) && write_all(j->fd, line, n);
	if (ok) {
		j->unsynced = true;
		if (mono_now_ns() - j->synced_ns >= SYNC_INTERVAL_NS)
			sync_locked(j);
	}
	pthread_mutex_unlock(&j->lock);
	return ok;
}

bool journal_append_event(struct journal *j, cJSON *event, int64_t received_ns)
{
	if (!j || !cJSON_IsObject(event) || !finish_event(event, received_ns))
		return false;
	char buf[LINE_BUF];
	size_t n = 0;
	bool heap;
	char *line = print_line(event, buf, sizeof(buf), &n, &heap);
	if (!line)
		return false;
	bool ok = write_line(j, line, n, received_ns);
	if (heap)
		free(line);
	return ok;
}

bool journal_append(struct journal *j, const char *event_json, size_t len, int64_t received_ns)
{
	if (!j || !event_json)
		return false;
	size_t tlen;
	char *text = json_quote_big_integers(event_json, len, &tlen);
	if (!text)
		return false;
	cJSON *ev = cJSON_ParseWithLength(text, tlen);
	free(text);
	bool ok = journal_append_event(j, ev, received_ns);
	cJSON_Delete(ev);
	return ok;
}
