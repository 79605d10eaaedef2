/* fuzz_config.c: libFuzzer target on the two files a user writes by hand.
 *
 * The first byte of the input chooses the parser (even: the configuration file through
 * settings_load(), odd: the names CSV through names_load()); the rest is written to a temporary
 * file and loaded. A names file that loads is then looked up with numbers taken from its own
 * text. Either parser may refuse a file, but a refusal must say why.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "names.h"
#include "settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];
static int fd = -1;

/* Remove the temporary file of this process at exit. */
static void remove_file(void)
{
	if (fd >= 0)
		unlink(path);
}

static int open_file(void)
{
	const char *dir = getenv("TMPDIR");
	snprintf(path, sizeof path, "%s/fuzz_config.XXXXXX",
	         dir && strlen(dir) < 40 ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd >= 0)
		atexit(remove_file);
	return fd;
}

/* Look up and display a few numbers cut from the input itself. */
static void look_up(const struct names *n, const uint8_t *data, size_t size)
{
	char number[40], shown[128];
	for (size_t at = 0; at < size; at += 7) {
		size_t len = size - at < sizeof number - 1 ? size - at : sizeof number - 1;
		memcpy(number, data + at, len);
		number[len] = '\0';
		char *nl = strpbrk(number, ",\n");
		if (nl)
			*nl = '\0';
		(void)names_lookup(n, number);
		names_display(n, number, shown, sizeof shown);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (fd < 0 && open_file() < 0)
		abort();
	const uint8_t which = data[0];
	data++;
	size--;
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	char err[512];
	err[0] = '\0';
	if (which & 1) {
		struct names *n = names_load(path, err, sizeof err);
		if (n) {
			look_up(n, data, size);
			names_free(n);
		} else if (!err[0]) {
			abort(); /* a refusal must say why */
		}
	} else {
		struct settings s;
		settings_defaults(&s);
		if (!settings_load(&s, path, true, err, sizeof err) && !err[0])
			abort(); /* a refusal must say why */
	}
	return 0;
}
