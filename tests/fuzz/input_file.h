/* input_file.h: for fuzz targets whose code under test reads a path: each input is written
 * to one temporary file of the process (opened once, rewritten per input, removed at exit). */
#ifndef CTIBOARD_FUZZ_INPUT_FILE_H
#define CTIBOARD_FUZZ_INPUT_FILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char input_path[64];
static int input_fd = -1;

static void input_file_remove(void)
{
	if (input_fd >= 0)
		unlink(input_path);
}

/* Write data to the temporary file named after prefix; its path, or NULL on failure. */
static const char *input_file_write(const char *prefix, const uint8_t *data, size_t size)
{
	if (input_fd < 0) {
		const char *dir = getenv("TMPDIR");
		snprintf(input_path, sizeof input_path, "%s/%s.XXXXXX",
		         dir && strlen(dir) < 40 ? dir : "/tmp", prefix);
		input_fd = mkstemp(input_path);
		if (input_fd < 0)
			return NULL;
		atexit(input_file_remove);
	}
	if (ftruncate(input_fd, 0) != 0 || pwrite(input_fd, data, size, 0) != (ssize_t)size)
		return NULL;
	return input_path;
}

#endif
