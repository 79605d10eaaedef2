/* fileio.c: whole writes and directory syncs, shared by the journal and the snapshot. */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

bool write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		buf += w;
		len -= (size_t)w;
	}
	return true;
}

void sync_parent_dir(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else if (slash == path)
		snprintf(dir, sizeof dir, "/");
	else if (snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path) >= (int)sizeof dir)
		return;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

bool commit_temp(int fd, const char *tmp, const char *path, bool written, int error, char *err,
                 size_t errsize)
{
	bool ok = written;
	int saved = error;
	if (ok && fsync(fd) != 0) {
		ok = false;
		saved = errno;
	}
	if (close(fd) != 0 && ok) {
		ok = false;
		saved = errno;
	}
	if (ok && rename(tmp, path) != 0) {
		ok = false;
		saved = errno;
	}
	if (!ok) {
		unlink(tmp);
		snprintf(err, errsize, "cannot write %s: %s", path,
		         saved ? strerror(saved) : "out of memory");
		return false;
	}
	sync_parent_dir(path);
	return true;
}

bool replace_with_temp(int fd, const char *tmp, const char *path, const char *data, size_t len,
                       char *err, size_t errsize)
{
	bool written = write_all(fd, data, len);
	return commit_temp(fd, tmp, path, written, written ? 0 : errno, err, errsize);
}
