/* fuzz_replay.c: libFuzzer target on the journal reader.
 *
 * journal_replay() reads a path, so each input is written to one temporary file (opened once,
 * truncated and rewritten for every input) and replayed at full speed into a fresh model: line
 * splitting, the "Received" pre-pass, blank and over-long lines, and every body shape the
 * journal may hold on a disk that was filled by something else.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input_file.h"
#include "journal.h"
#include "model_impl.h" /* a tool of the core: it sets the model up itself */
#include "settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = input_file_write("fuzz_replay", data, size);
	if (!path)
		abort();
	struct settings s;
	struct model m;
	settings_defaults(&s);
	s.max_lines = s.max_queues = s.max_calls = s.max_members = s.max_agents = 8;
	if (!model_init(&m, &s))
		return 0;
	m.st.clock.replay = true;
	m.st.clock.speed = 0;
	struct replay_result res;
	char err[256];
	if (!journal_replay(&m, path, 0, NULL, false, &res, err, sizeof err))
		abort(); /* the file exists and is readable: the reader must not refuse it */
	model_done(&m);
	return 0;
}
