/* secret_file.c: files that hold secrets are written 0600, atomically or in one append. */
#include "secret_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "redact.h"
#include "settings.h"

bool secret_file_make_parents(const char *path, char *err, size_t errsize)
{
	char dir[SETTINGS_PATH_MAX];
	if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir) {
		snprintf(err, errsize, "%s: name too long", path);
		return false;
	}
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return true;
	*slash = '\0';
	for (char *p = dir + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			snprintf(err, errsize, "cannot create %s: %s", dir, strerror(errno));
			return false;
		}
		*p = c;
		if (c == '\0')
			break;
	}
	return true;
}

bool secret_file_replace(const char *path, const char *text, size_t len, char *err, size_t errsize)
{
	char tmp[SETTINGS_PATH_MAX + 32];
	if (!secret_file_make_parents(path, err, errsize))
		return false;
	snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		snprintf(err, errsize, "cannot write %s: %s", tmp, strerror(errno));
		return false;
	}
	if (fchmod(fd, 0600) != 0) { /* an older file of that name may have had another mode */
		snprintf(err, errsize, "cannot write %s: %s", path, strerror(errno));
		close(fd);
		unlink(tmp);
		return false;
	}
	return replace_with_temp(fd, tmp, path, text, len, err, errsize);
}

bool secret_file_append(const char *path, const char *text, size_t len, char *err, size_t errsize)
{
	if (!secret_file_make_parents(path, err, errsize))
		return false;
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errsize, "cannot write %s: %s", path, strerror(errno));
		return false;
	}
	bool ok = fchmod(fd, 0600) == 0 && write_all(fd, text, len) && fsync(fd) == 0;
	int saved = errno;
	if (close(fd) != 0 && ok) {
		ok = false;
		saved = errno;
	}
	if (!ok)
		snprintf(err, errsize, "cannot write %s: %s", path, strerror(saved));
	return ok;
}

char *secret_file_read(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "r");
	if (!fp)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		size_t got = fread(buf + n, 1, cap - 1 - n, fp);
		n += got;
		if (n < cap - 1)
			break;
		char *bigger = cap < (1u << 20) ? malloc(cap * 2) : NULL;
		if (bigger)
			memcpy(bigger, buf, n);
		secret_wipe(buf, cap);
		free(buf);
		buf = bigger;
		cap *= 2;
		if (!buf)
			errno = EFBIG;
	}
	if (buf && ferror(fp)) {
		secret_wipe(buf, cap);
		free(buf);
		buf = NULL;
		errno = EIO;
	}
	fclose(fp);
	if (buf) {
		buf[n] = '\0';
		*len = n;
	}
	return buf;
}

void secret_file_free(char *text, size_t len)
{
	if (!text)
		return;
	secret_wipe(text, len);
	free(text);
}
