/* checkpoint.h: the model saved in the journal directory, so that a restart replays only the
 * journal written since.
 *
 * <journal dir>/checkpoint.bin, mode 0600, replaced atomically (a temporary file, fsync,
 * rename). It holds a header (magic, format version, a fingerprint of this build's layout, the
 * settings that shape the figures, the first day file its model was replayed from and the day
 * file and byte offset it covers), the model (model_checkpoint.h) and a SHA-256 of all that.
 * A checkpoint that is missing, of another format, build or settings, cut short or changed is
 * refused: the caller replays the whole journal, as without one. Deleting the file is always
 * safe.
 */
#ifndef CTIBOARD_CHECKPOINT_H
#define CTIBOARD_CHECKPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jsonbuf.h"

struct model;
struct settings;

#define CHECKPOINT_FILE     "checkpoint.bin"
#define CHECKPOINT_NAME_MAX 32 /* a day file's name: "YYYY-MM-DD.jsonl" */

/* What part of the journal a checkpoint's model was replayed from. */
struct checkpoint_pos {
	char origin[CHECKPOINT_NAME_MAX]; /* the first day file of the replay */
	char file[CHECKPOINT_NAME_MAX];   /* the day file replayed up to offset */
	uint64_t offset;                  /* bytes of file replayed */
	unsigned char mark[32];           /* checkpoint_mark() of file at offset */
};

/* A SHA-256 of the last 4 KB before offset in the journal file at path, that tells whether the
 * file a checkpoint covers is still the one it was made from; false if it cannot be read. */
bool checkpoint_mark(const char *path, uint64_t offset, unsigned char mark[32]);

/* Encode the model m (lock held) with pos into out, header and checksum included; with
 * events_only the event log keeps the events alone (not this run's notices). */
void checkpoint_encode(const struct model *m, const struct checkpoint_pos *pos, bool events_only,
                       struct jsonbuf *out);

/* Write what checkpoint_encode() made to dir's checkpoint; false and err on failure. */
bool checkpoint_write(const char *dir, const struct jsonbuf *encoded, char *err, size_t errsize);

enum checkpoint_read_result {
	CHECKPOINT_LOADED,
	CHECKPOINT_MISSING, /* no checkpoint file: nothing to say */
	CHECKPOINT_REFUSED  /* why says why, in a few words */
};

/* Read dir's checkpoint into m, fresh from model_init() with this run's settings and used by no
 * other thread, and its position into *pos. On refusal m is to be model_done(). */
enum checkpoint_read_result checkpoint_read(struct model *m, const char *dir,
                                            struct checkpoint_pos *pos, char *why, size_t whysize);

/* The path of dir's checkpoint. */
void checkpoint_path(char *dst, size_t size, const char *dir);

#endif
