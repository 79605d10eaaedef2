/* checkpoint.c: the checkpoint file (checkpoint.h): header, checksum, atomic write, and the
 * reasons a checkpoint is refused. */
#include "checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "hashmap.h"
#include "model.h"
#include "model_checkpoint.h"
#include "model_impl.h"
#include "settings.h"
#include "text.h"

#define MAGIC          "CTBCKPT"           /* with its NUL: 8 bytes */
#define FORMAT_VERSION 1                   /* of the header and of model_encode()'s layout */
#define SHA_LEN        32                  /* SHA-256 */
#define SIZE_MAX_READ  (UINT64_C(1) << 31) /* a checkpoint larger than this is not ours */
#define PATH_LEN       (SETTINGS_PATH_MAX + sizeof CHECKPOINT_FILE + 16)

struct header {
	char magic[8];
	uint32_t version, reserved;
	uint64_t fingerprint;   /* model_layout_fingerprint() */
	uint64_t settings_hash; /* settings_hash() */
	char origin[CHECKPOINT_NAME_MAX];
	char file[CHECKPOINT_NAME_MAX];
	uint64_t offset;
	unsigned char mark[SHA_LEN];
	uint64_t payload_len; /* model_encode()'s bytes that follow */
};

/* A hash of the settings that shape what the events make of the model: a checkpoint made
 * under others is refused. */
static uint64_t settings_hash(const struct settings *s)
{
	const int64_t v[] = {s->sl_target_s,       s->sl_formula,     s->short_abandon_s,
	                     s->shift_start_min,   s->expiry_s,       s->missed_grace_s,
	                     s->callback_window_h, s->interval_min,   s->max_lines,
	                     s->max_queues,        s->max_calls,      s->max_members,
	                     s->max_agents,        s->nqueue_settings};
	uint64_t h = hashmap_hash(0, v, sizeof v);
	for (int i = 0; i < s->nqueue_settings && i < QUEUE_SETTINGS_MAX; i++) {
		const struct queue_setting *q = &s->queue_settings[i];
		int64_t kv[2] = {q->key, q->value};
		h = hashmap_hash(h, q->number, strnlen(q->number, sizeof q->number));
		h = hashmap_hash(h, kv, sizeof kv);
	}
	return h;
}

static void sha256(const void *data, size_t len, unsigned char out[SHA_LEN])
{
	unsigned int n = 0;
	if (!EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) || n != SHA_LEN)
		memset(out, 0, SHA_LEN);
}

bool checkpoint_mark(const char *path, uint64_t offset, unsigned char mark[32])
{
	char tail[4096];
	size_t want = offset < sizeof tail ? (size_t)offset : sizeof tail;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t got = pread(fd, tail, want, (off_t)(offset - want));
	close(fd);
	if (got != (ssize_t)want)
		return false;
	sha256(tail, want, mark);
	return true;
}

void checkpoint_path(char *dst, size_t size, const char *dir)
{
	snprintf(dst, size, "%s/%s", dir, CHECKPOINT_FILE);
}

void checkpoint_encode(const struct model *m, const struct checkpoint_pos *pos, bool events_only,
                       struct jsonbuf *out)
{
	struct header h;
	memset(&h, 0, sizeof h);
	memcpy(h.magic, MAGIC, sizeof h.magic);
	h.version = FORMAT_VERSION;
	h.fingerprint = model_layout_fingerprint();
	h.settings_hash = settings_hash(&m->set);
	text_copy(h.origin, sizeof h.origin, pos->origin);
	text_copy(h.file, sizeof h.file, pos->file);
	h.offset = pos->offset;
	memcpy(h.mark, pos->mark, sizeof h.mark);
	out->len = 0;
	jsonbuf_put(out, (const char *)&h, sizeof h);
	model_encode(m, events_only, out);
	if (out->failed || out->len < sizeof h)
		return;
	((struct header *)(void *)out->data)->payload_len = out->len - sizeof h;
	unsigned char sum[SHA_LEN];
	sha256(out->data, out->len, sum);
	jsonbuf_put(out, (const char *)sum, sizeof sum);
}

bool checkpoint_write(const char *dir, const struct jsonbuf *encoded, char *err, size_t errsize)
{
	char path[PATH_LEN], tmp[PATH_LEN + 16];
	if (encoded->failed || !encoded->len) {
		snprintf(err, errsize, "out of memory");
		return false;
	}
	checkpoint_path(path, sizeof path, dir);
	snprintf(tmp, sizeof tmp, "%s.XXXXXX", path);
	int fd = mkstemp(tmp); /* 0600 */
	if (fd < 0) {
		snprintf(err, errsize, "cannot create %s: %s", tmp, strerror(errno));
		return false;
	}
	return replace_with_temp(fd, tmp, path, encoded->data, encoded->len, err, errsize);
}

/* The whole file at path into *data (malloc'd), its size in *len; MISSING or REFUSED with why. */
static enum checkpoint_read_result read_file(const char *path, unsigned char **data, size_t *len,
                                             char *why, size_t whysize)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			return CHECKPOINT_MISSING;
		snprintf(why, whysize, "cannot open it: %s", strerror(errno));
		return CHECKPOINT_REFUSED;
	}
	struct stat sb;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (uint64_t)sb.st_size > SIZE_MAX_READ) {
		close(fd);
		snprintf(why, whysize, "not a checkpoint file");
		return CHECKPOINT_REFUSED;
	}
	*len = (size_t)sb.st_size;
	*data = malloc(*len ? *len : 1);
	size_t got = 0;
	while (*data && got < *len) {
		ssize_t n = read(fd, *data + got, *len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (!*data || got != *len) {
		snprintf(why, whysize, *data ? "cannot read it" : "out of memory");
		free(*data);
		*data = NULL;
		return CHECKPOINT_REFUSED;
	}
	return CHECKPOINT_LOADED;
}

/* Why the header refuses the file, or NULL when it is this build's, whole and unchanged. */
static const char *check_header(const struct header *h, const unsigned char *data, size_t len,
                                const struct settings *set, char *why, size_t whysize)
{
	if (memcmp(h->magic, MAGIC, sizeof h->magic) != 0)
		return "not a checkpoint file";
	if (h->version != FORMAT_VERSION) {
		snprintf(why, whysize, "format version %u, this build reads %u",
		         (unsigned)h->version, (unsigned)FORMAT_VERSION);
		return why;
	}
	if (h->fingerprint != model_layout_fingerprint())
		return "written by another build of ctiboard";
	if (h->payload_len != len - sizeof *h - SHA_LEN)
		return "cut short or grown: its size does not match its header";
	unsigned char sum[SHA_LEN];
	sha256(data, len - SHA_LEN, sum);
	if (memcmp(sum, data + len - SHA_LEN, SHA_LEN) != 0)
		return "corrupt: its checksum does not match";
	if (h->settings_hash != settings_hash(set))
		return "written with other settings";
	if (!memchr(h->origin, '\0', sizeof h->origin) || !memchr(h->file, '\0', sizeof h->file))
		return "corrupt: bad journal file names";
	return NULL;
}

enum checkpoint_read_result checkpoint_read(struct model *m, const char *dir,
                                            struct checkpoint_pos *pos, char *why, size_t whysize)
{
	char path[PATH_LEN];
	unsigned char *data = NULL;
	size_t len = 0;
	checkpoint_path(path, sizeof path, dir);
	enum checkpoint_read_result r = read_file(path, &data, &len, why, whysize);
	if (r != CHECKPOINT_LOADED)
		return r;
	struct header h = {0};
	const char *refused = "cut short: smaller than its header";
	if (len >= sizeof h + SHA_LEN) {
		memcpy(&h, data, sizeof h);
		refused = check_header(&h, data, len, &m->set, why, whysize);
	}
	if (!refused && !model_decode(m, data + sizeof h, (size_t)h.payload_len))
		refused = "corrupt: the model does not hold together";
	free(data);
	if (refused) {
		if (refused != why)
			text_copy(why, whysize, refused);
		return CHECKPOINT_REFUSED;
	}
	text_copy(pos->origin, sizeof pos->origin, h.origin);
	text_copy(pos->file, sizeof pos->file, h.file);
	pos->offset = h.offset;
	memcpy(pos->mark, h.mark, sizeof pos->mark);
	return CHECKPOINT_LOADED;
}
