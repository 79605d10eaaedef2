/* fileio.h: small helpers for the files the program writes (journal, snapshot). */
#ifndef CTIBOARD_FILEIO_H
#define CTIBOARD_FILEIO_H

#include <stdbool.h>
#include <stddef.h>

/* Write all len bytes of buf to fd, retrying short writes and EINTR. False on error (errno
 * tells why). A regular file opened with O_APPEND takes the buffer in one write(). */
bool write_all(int fd, const char *buf, size_t len);

/* Flush a rename or a creation to disk: fsync the directory that holds path. */
void sync_parent_dir(const char *path);

/* The end of an atomic replacement, for a writer that filled fd (the temporary file tmp)
 * itself: when written, synced, closed, renamed over path, its directory synced; when not
 * (error: its errno, 0 for out of memory), or on any failure, tmp is removed, path is as it
 * was, and err says why. */
bool commit_temp(int fd, const char *tmp, const char *path, bool written, int error, char *err,
                 size_t errsize);

/* Put data in place of path atomically: written to fd (the temporary file tmp, open for
 * writing), synced, closed, renamed over path, its directory synced. On failure the temporary
 * file is removed, path is as it was, and err says why. */
bool replace_with_temp(int fd, const char *tmp, const char *path, const char *data, size_t len,
                       char *err, size_t errsize);

#endif
