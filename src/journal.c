/* journal.c: the journal writer. One event per line, token redacted, receive time added, one
 * file per local day. The appending thread prints lines into a buffer; a writer thread of the
 * journal does the write() and the fdatasync(), so a slow disk holds up the feed only once
 * HELD_WAIT_MAX bytes wait behind a write. A buffer goes to the writer at once, or, while events
 * pour in, when it holds HELD_MAX bytes or WRITE_INTERVAL_NS after the last one went. The
 * reader is replay.c.
 */
#include "journal.h"

#include <cJSON.h>
#include <dirent.h>
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
#include "fileio.h"
#include "json_bigint.h"
#include "jsonbuf.h"
#include "redact.h"
#include "text.h"
#include "thread.h"

#define JOURNAL_DIR_MAX   1024
#define SYNC_INTERVAL_NS  INT64_C(1000000000)
#define WRITE_INTERVAL_NS (50 * INT64_C(1000000))
#define HELD_MAX          (64 * 1024)   /* held bytes that are written without waiting */
#define HELD_WAIT_MAX     (1024 * 1024) /* held bytes behind a write that make appenders wait */
#define HELD_KEEP_MAX     (1024 * 1024) /* a buffer grown larger is given back once written */

struct journal {
	pthread_mutex_t lock;
	pthread_cond_t work; /* to the writer: a buffer to write, a sync asked, or stop */
	pthread_cond_t idle; /* from the writer: what it was given is done */
	pthread_t writer;
	char dir[JOURNAL_DIR_MAX];

	/* the appenders' side (lock held) */
	struct jsonbuf held;            /* lines printed and not yet handed to the writer */
	int64_t held_day_s;             /* a second of the local day of the held lines */
	int64_t day_start_s, day_end_s; /* the seconds of that day, [start, end) */
	int64_t handed_ns;              /* monotonic time of the last hand-over */

	/* between the two (lock held) */
	struct jsonbuf out; /* being written: the writer's alone while busy */
	int64_t out_day_s;  /* a second of the local day of its lines */
	bool busy, stop;
	uint64_t syncs_asked, syncs_done; /* fdatasync asked for, and done after the last ask */
	uint64_t lost;                    /* lines a failed open or write dropped */
	char problem[256];                /* why the last write failed; "" once one succeeds */
	int keep_days;                    /* day files older than this are deleted; 0 keep all */

	/* the writer's alone */
	int fd;            /* the open day file, -1 none */
	long fd_day;       /* YYYYMMDD of the open file */
	bool unsynced;     /* written since the last fdatasync */
	long pruned_day;   /* YYYYMMDD of the last retention pass; 0 none */
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

/* The first second of the local day of tm and of the day after (23, 24 or 25 hours later);
 * an empty range if mktime fails, so that every line looks the day up again. */
static void day_bounds(const struct tm *tm, int64_t *start_s, int64_t *end_s)
{
	struct tm a = {
	    .tm_year = tm->tm_year, .tm_mon = tm->tm_mon, .tm_mday = tm->tm_mday, .tm_isdst = -1};
	struct tm b = a;
	b.tm_mday++;
	time_t ta = mktime(&a), tb = mktime(&b);
	*start_s = (int64_t)ta;
	*end_s = ta == (time_t)-1 || tb == (time_t)-1 ? *start_s : (int64_t)tb;
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

/* fdatasync the open file if it was written to (writer). */
static void sync_file(struct journal *j)
{
	if (j->fd >= 0 && j->unsynced)
		fdatasync(j->fd);
	j->unsynced = false;
	j->synced_ns = mono_now_ns();
}

/* A last line cut short (a crash inside write(), a full disk) is ended, so that the next line
 * is not glued to it: the replay then skips the torn line alone. */
static bool end_torn_line(int fd)
{
	struct stat sb;
	char last;
	if (fstat(fd, &sb) != 0 || sb.st_size == 0)
		return true;
	if (pread(fd, &last, 1, sb.st_size - 1) != 1)
		return false;
	return last == '\n' || write_all(fd, "\n", 1);
}

/* YYYYMMDD of a day file's name "YYYY-MM-DD.jsonl"; 0 for any other name. */
static long day_of_name(const char *name)
{
	static const char shape[] = "dddd-dd-dd.jsonl";
	long day = 0;
	for (size_t i = 0; i < sizeof shape; i++) {
		char c = name[i];
		if (shape[i] == 'd') {
			if (c < '0' || c > '9')
				return 0;
			day = day * 10 + (c - '0');
		} else if (c != shape[i]) { /* the NUL of both ends the name */
			return 0;
		}
	}
	return day;
}

void journal_prune(const char *dir, int64_t now_s, int keep_days)
{
	if (keep_days <= 0)
		return;
	struct tm tm;
	time_t t = (time_t)now_s;
	if (!localtime_r(&t, &tm))
		return;
	tm.tm_mday -= keep_days - 1; /* today and the keep_days - 1 days before it stay */
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	time_t oldest = mktime(&tm);
	struct tm o;
	if (oldest == (time_t)-1 || !localtime_r(&oldest, &o))
		return;
	long cutoff = (long)(o.tm_year + 1900) * 10000 + (o.tm_mon + 1) * 100 + o.tm_mday;
	DIR *d = opendir(dir);
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));) {
		long day = day_of_name(e->d_name);
		if (day && day < cutoff)
			unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
}

/* Note why writing failed, or that it works again (writer). */
static void set_problem(struct journal *j, const char *what, const char *path, int error)
{
	char text[JOURNAL_DIR_MAX + 256] = "";
	if (what)
		snprintf(text, sizeof text, "%s %s: %s", what, path, strerror(error));
	pthread_mutex_lock(&j->lock);
	text_copy(j->problem, sizeof j->problem, text);
	pthread_mutex_unlock(&j->lock);
}

/* Make the file of the local day that contains day_s the open one (writer). The directory is
 * made again if it went away or could not be made before; a new day prunes old files. */
static bool open_day_file(struct journal *j, int64_t day_s)
{
	struct tm tm;
	long day = local_day(day_s, &tm);
	if (j->fd >= 0 && j->fd_day == day)
		return true;
	if (j->fd >= 0) {
		sync_file(j);
		close(j->fd);
		j->fd = -1;
	}
	char path[JOURNAL_DIR_MAX + 64], why[JOURNAL_DIR_MAX + 64];
	if (!make_dirs(j->dir, why, sizeof why)) {
		pthread_mutex_lock(&j->lock);
		text_copy(j->problem, sizeof j->problem, why);
		pthread_mutex_unlock(&j->lock);
		return false;
	}
	journal_path_for(path, sizeof(path), j->dir, day_s);
	/* read too: the last byte tells whether the last line is whole */
	j->fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (j->fd < 0) {
		set_problem(j, "cannot open", path, errno);
		return false;
	}
	if (!end_torn_line(j->fd)) {
		set_problem(j, "cannot repair the last line of", path, errno);
		close(j->fd);
		j->fd = -1;
		return false;
	}
	sync_parent_dir(path); /* a new day's file must survive a crash too */
	j->fd_day = day;
	int keep;
	pthread_mutex_lock(&j->lock);
	keep = j->keep_days;
	pthread_mutex_unlock(&j->lock);
	if (j->pruned_day != day) {
		journal_prune(j->dir, day_s, keep);
		j->pruned_day = day;
	}
	return true;
}

/* Count the lines of a buffer that could not be written. */
static uint64_t count_lines(const struct jsonbuf *b)
{
	uint64_t n = 0;
	for (const char *p = b->data, *end = p + b->len; (p = memchr(p, '\n', (size_t)(end - p)));
	     p++)
		n++;
	return n;
}

/* Give the held lines to the writer (lock held, writer idle). */
static void swap_held_locked(struct journal *j)
{
	struct jsonbuf spare = j->out;
	j->out = j->held;
	j->held = spare;
	j->out_day_s = j->held_day_s;
	j->busy = true;
	j->handed_ns = mono_now_ns();
}

/* Wait until the writer has something to do (lock held): lines to write, a flush to disk
 * (asked for, or a second after an unflushed write), or stop. Lines held WRITE_INTERVAL_NS
 * are taken here, so that none waits longer for an appender to hand them over. */
static bool writer_wait_locked(struct journal *j, uint64_t *asked)
{
	for (;;) {
		int64_t now = mono_now_ns(), wake = INT64_MAX;
		if (j->held.len && !j->busy) {
			if (j->held.len >= HELD_MAX || now - j->handed_ns >= WRITE_INTERVAL_NS)
				swap_held_locked(j);
			else
				wake = j->handed_ns + WRITE_INTERVAL_NS;
		}
		*asked = j->syncs_asked;
		bool sync = *asked > j->syncs_done ||
		            (j->unsynced && now - j->synced_ns >= SYNC_INTERVAL_NS);
		if (j->busy || sync || j->stop)
			return sync;
		if (j->unsynced && j->synced_ns + SYNC_INTERVAL_NS < wake)
			wake = j->synced_ns + SYNC_INTERVAL_NS;
		if (wake == INT64_MAX) {
			pthread_cond_wait(&j->work, &j->lock);
		} else {
			struct timespec until = {(time_t)(wake / NS_PER_S),
			                         (long)(wake % NS_PER_S)};
			pthread_cond_timedwait(&j->work, &j->lock, &until);
		}
	}
}

/* The writer thread: writes each buffer handed over and flushes to disk, without the lock
 * during I/O. */
static void *writer_main(void *arg)
{
	struct journal *j = arg;
	pthread_mutex_lock(&j->lock);
	for (;;) {
		uint64_t asked;
		bool sync = writer_wait_locked(j, &asked);
		bool write = j->busy;
		if (!write && !sync) /* stop, with nothing left to do */
			break;
		int64_t day_s = j->out_day_s;
		pthread_mutex_unlock(&j->lock);
		uint64_t lost = 0;
		if (write) {
			/* on failure the lines are dropped: a full disk must not grow the buffer */
			if (open_day_file(j, day_s) && write_all(j->fd, j->out.data, j->out.len)) {
				j->unsynced = true;
				set_problem(j, NULL, NULL, 0);
			} else {
				if (j->fd >= 0) {
					set_problem(j, "cannot write", j->dir, errno);
					close(j->fd); /* opened again, and repaired, next time */
					j->fd = -1;
				}
				lost = count_lines(&j->out);
			}
			j->out.len = 0;
			if (j->out.cap > HELD_KEEP_MAX)
				jsonbuf_free(&j->out);
		}
		if (sync)
			sync_file(j);
		pthread_mutex_lock(&j->lock);
		j->lost += lost;
		j->busy = false;
		if (sync)
			j->syncs_done = asked;
		pthread_cond_broadcast(&j->idle);
	}
	pthread_mutex_unlock(&j->lock);
	return NULL;
}

struct journal *journal_open(const char *dir, char *err, size_t errsize)
{
	if (!dir || !dir[0]) {
		snprintf(err, errsize, "no journal directory");
		return NULL;
	}
	char why[256];
	bool usable = make_dirs(dir, why, sizeof why);
	struct journal *j = calloc(1, sizeof(*j));
	if (!j) {
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&j->lock, NULL);
	cond_init_monotonic(&j->work);
	cond_init_monotonic(&j->idle);
	snprintf(j->dir, sizeof(j->dir), "%s", dir);
	if (!usable) /* not fatal: said, and tried again at every write */
		text_copy(j->problem, sizeof j->problem, why);
	j->fd = -1;
	j->synced_ns = mono_now_ns();
	j->handed_ns = j->synced_ns - WRITE_INTERVAL_NS; /* the first line goes out at once */
	if (thread_start(&j->writer, writer_main, j) != 0) {
		snprintf(err, errsize, "cannot start the journal writer");
		pthread_cond_destroy(&j->idle);
		pthread_cond_destroy(&j->work);
		pthread_mutex_destroy(&j->lock);
		free(j);
		return NULL;
	}
	return j;
}

/* Give the held lines to the writer, once it is done with the last ones (lock held). */
static void hand_over_locked(struct journal *j)
{
	while (j->held.len && j->busy)
		pthread_cond_wait(&j->idle, &j->lock);
	if (j->held.len) {
		swap_held_locked(j);
		pthread_cond_signal(&j->work);
	}
}

/* Hand the held lines over and wait until they are written, and flushed to disk if force
 * (lock held). */
static void drain_locked(struct journal *j, bool force)
{
	hand_over_locked(j);
	uint64_t ticket = 0;
	if (force) {
		ticket = ++j->syncs_asked;
		pthread_cond_signal(&j->work);
	}
	while (j->busy || j->syncs_done < ticket)
		pthread_cond_wait(&j->idle, &j->lock);
}

uint64_t journal_close(struct journal *j)
{
	if (!j)
		return 0;
	pthread_mutex_lock(&j->lock);
	drain_locked(j, true);
	j->stop = true;
	pthread_cond_signal(&j->work);
	pthread_mutex_unlock(&j->lock);
	pthread_join(j->writer, NULL);
	if (j->fd >= 0)
		close(j->fd);
	pthread_cond_destroy(&j->idle);
	pthread_cond_destroy(&j->work);
	pthread_mutex_destroy(&j->lock);
	jsonbuf_free(&j->held);
	jsonbuf_free(&j->out);
	uint64_t lost = j->lost;
	free(j);
	return lost;
}

void journal_set_keep_days(struct journal *j, int days)
{
	pthread_mutex_lock(&j->lock);
	j->keep_days = days;
	pthread_mutex_unlock(&j->lock);
	journal_prune(j->dir, wall_now_ns() / NS_PER_S, days);
}

bool journal_problem(struct journal *j, char *dst, size_t dstsize)
{
	pthread_mutex_lock(&j->lock);
	bool any = j->problem[0] != '\0';
	snprintf(dst, dstsize, "%s", j->problem);
	pthread_mutex_unlock(&j->lock);
	return any;
}

void journal_sync(struct journal *j, bool force)
{
	if (!j)
		return;
	pthread_mutex_lock(&j->lock);
	drain_locked(j, force);
	pthread_mutex_unlock(&j->lock);
}

uint64_t journal_lost(struct journal *j)
{
	pthread_mutex_lock(&j->lock);
	uint64_t lost = j->lost;
	pthread_mutex_unlock(&j->lock);
	return lost;
}

/* Make the day of received_s the day of the held lines: those of another day go to the writer
 * first (lock held). */
static void hold_day_locked(struct journal *j, int64_t received_s)
{
	if (received_s >= j->day_start_s && received_s < j->day_end_s)
		return;
	hand_over_locked(j);
	struct tm tm;
	local_day(received_s, &tm);
	j->held_day_s = received_s;
	day_bounds(&tm, &j->day_start_s, &j->day_end_s);
}

/* The journal line of ev into b: its members in order but "Received", every top-level "Token"
 * (V1) or "token" (V2) with its redacted label for value, then one "Received" and a newline. */
static bool print_line(struct jsonbuf *b, const cJSON *ev, int64_t received_ns)
{
	bool first = true;
	jsonbuf_put(b, "{", 1);
	for (const cJSON *it = ev->child; it; it = it->next) {
		const char *key = it->string ? it->string : "";
		if (key[0] == 'R' && strcmp(key, "Received") == 0)
			continue;
		const cJSON *value = it;
		char label[16];
		cJSON redacted = {.type = cJSON_String, .valuestring = label};
		if ((key[0] | 0x20) == 't' && strcasecmp(key, "token") == 0) {
			redact_label(label, sizeof label,
			             cJSON_IsString(it) ? it->valuestring : "");
			value = &redacted;
		}
		if (!jsonbuf_member(b, first, key, value))
			return false;
		first = false;
	}
	jsonbuf_put(b, first ? "\"Received\":" : ",\"Received\":", first ? 11 : 12);
	jsonbuf_int(b, received_ns);
	jsonbuf_put(b, "}\n", 2);
	return !b->failed;
}

bool journal_append_event(struct journal *j, const cJSON *event, int64_t received_ns)
{
	if (!j || !cJSON_IsObject(event))
		return false;
	int64_t received_s = received_ns / NS_PER_S;
	if (received_ns < 0 && received_ns % NS_PER_S)
		received_s--;
	pthread_mutex_lock(&j->lock);
	hold_day_locked(j, received_s);
	size_t start = j->held.len;
	bool ok = print_line(&j->held, event, received_ns);
	if (ok) { /* the last guard: no registered secret leaves the program */
		redact_text(j->held.data + start, j->held.len - start);
		/* at once when the writer is free and the lines are due; when the disk is that far
		 * behind, waiting for it */
		bool due = !j->busy && (j->held.len >= HELD_MAX ||
		                        mono_now_ns() - j->handed_ns >= WRITE_INTERVAL_NS);
		if (due || j->held.len >= HELD_WAIT_MAX)
			hand_over_locked(j);
		else if (start == 0) /* the first line held: the writer must set its deadline */
			pthread_cond_signal(&j->work);
	} else {
		j->held.len = start;
		j->held.failed = false;
		if (j->held.data)
			j->held.data[start] = '\0';
	}
	pthread_mutex_unlock(&j->lock);
	return ok;
}

bool journal_append_reset(struct journal *j, int64_t at_ns)
{
	return journal_append(j, JOURNAL_RESET_LINE, strlen(JOURNAL_RESET_LINE), at_ns);
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
