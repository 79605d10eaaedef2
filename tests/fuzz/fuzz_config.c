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

#include "input_file.h"
#include "names.h"
#include "settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	const uint8_t which = data[0];
	const char *path = input_file_write("fuzz_config", data + 1, size - 1);
	if (!path)
		abort();
	char err[512];
	err[0] = '\0';
	if (which & 1) {
		struct names *n = names_load(path, err, sizeof err);
		if (n) {
			look_up(n, data + 1, size - 1);
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
