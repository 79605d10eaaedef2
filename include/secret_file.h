/* secret_file.h: writing files that hold secrets (ovh.conf, the token file): mode 0600, their
 * directories created 0700, replaced atomically or appended in one write. */
#ifndef CTIBOARD_SECRET_FILE_H
#define CTIBOARD_SECRET_FILE_H

#include <stdbool.h>
#include <stddef.h>

/* Create the directories above path (mkdir -p, mode 0700 for those it creates). */
bool secret_file_make_parents(const char *path, char *err, size_t errsize);

/* Replace path by len bytes of text: a temporary file of mode 0600 beside it, then rename. */
bool secret_file_replace(const char *path, const char *text, size_t len, char *err, size_t errsize);

/* Append len bytes to path, creating it (0600) if need be; an existing file is made 0600. */
bool secret_file_append(const char *path, const char *text, size_t len, char *err, size_t errsize);

/* Read a whole (small) file into a malloc'd NUL-terminated buffer; NULL with errno set. A
 * missing file gives NULL with errno ENOENT. */
char *secret_file_read(const char *path, size_t *len);

/* Wipe and free what secret_file_read gave. */
void secret_file_free(char *text, size_t len);

#endif
