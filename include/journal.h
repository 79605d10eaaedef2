/* journal.h: the day's events as JSON lines, and their replay.
 *
 * One event per line, as received, with the token replaced by its redacted form and the receive
 * time added as "Received" (ns). One file per local day: <dir>/YYYY-MM-DD.jsonl. The journal's
 * own thread writes the lines: at once, or, while events pour in, by 64 KB or at most 50 ms
 * later; it flushes them to disk at most about once a second, so a crash loses at most about a
 * second of events. A slow disk holds up the thread that appends only once a megabyte of lines
 * waits for it.
 */
#ifndef CTIBOARD_JOURNAL_H
#define CTIBOARD_JOURNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct model;
struct journal;
struct cJSON;

/* Default journal directory: $XDG_STATE_HOME/ctiboard or ~/.local/state/ctiboard. */
void journal_default_dir(char *dst, size_t dstsize);

/* Path of the journal of the local day that contains t_s. */
void journal_path_for(char *dst, size_t dstsize, const char *dir, int64_t t_s);

/* Open a journal writer on dir (created if missing, mode 0700). A directory that cannot be
 * made or written is not an error: journal_problem() says why, the lines are counted as lost
 * and every later write tries again. NULL and err only without a name or without memory. */
struct journal *journal_open(const char *dir, char *err, size_t errsize);
/* Write what is held, flush, stop; returns the number of lines lost over the journal's life. */
uint64_t journal_close(struct journal *j); /* NULL is accepted: 0 */

/* Keep day files for days days (today included), deleting older ones now and at each new
 * day's first write; 0 keeps every file. */
void journal_set_keep_days(struct journal *j, int days);
/* Delete the day files of dir older than keep_days days before the day of now_s. */
void journal_prune(const char *dir, int64_t now_s, int keep_days);

/* Why the journal cannot write at the moment (true, text in dst), or false when it works. */
bool journal_problem(struct journal *j, char *dst, size_t dstsize);

/* Append one event object (its JSON text, len bytes) received at received_ns. The token is
 * redacted before anything is written. Thread-safe. Returns false when the text is not a JSON
 * object (or memory runs out); a line that the journal's thread then cannot write is counted
 * by journal_lost(). */
bool journal_append(struct journal *j, const char *event_json, size_t len, int64_t received_ns);

/* The same for an event already parsed (ingest's tree, big integers already strings), printed
 * once. The tree is not changed. Returns false when event is not an object. */
bool journal_append_event(struct journal *j, const struct cJSON *event, int64_t received_ns);

/* The line of a reset of today's counters (the r key), without its "Received". A replay of the
 * journal resets the counters at the same point, so that a restart keeps the reset. */
#define JOURNAL_RESET_LINE "{\"ctiboard\":\"reset_today\"}"

/* Journal a reset of today's counters done at at_ns. Thread-safe; false if j is NULL. */
bool journal_append_reset(struct journal *j, int64_t at_ns);

/* Write the lines appended so far, and flush them to disk if force; returns when done. */
void journal_sync(struct journal *j, bool force);

/* Lines dropped because their file could not be opened or written. */
uint64_t journal_lost(struct journal *j);

/* How a replay went. */
/* A report names on stderr this many bad lines of each file at most (the rest are counted). */
#define REPLAY_BAD_LINES_TOLD 10

struct replay_result {
	uint64_t lines, events, malformed_lines;
	uint64_t actions;        /* supervisors' actions (api_action.h): counted, not applied */
	uint64_t agent_statuses; /* agents' statuses (agent_status.h): counted, not applied */
	uint64_t end_offset;     /* where the lines read end in the file (bytes from its start) */
	int64_t first_ns;        /* the earliest time a line told ("Received", else Timestamp) */
	int64_t last_ns;         /* the latest; each 0 when no line told one */
	char first_error[256];   /* "FILE:LINE: reason" of the first bad line */
};

/* Feed a journal (or a file of V1 envelopes, one per line) through ingest_body(); a reset line
 * (journal_append_reset) resets today's counters at that point; a supervisor's action line
 * (api_action_journal_line) is counted in actions and skipped, an agent's status line
 * (agent_status.h) in agent_statuses and skipped: the API, not the journal, says an agent's
 * status now (the report reads them on its own). With
 * speed > 0 it sleeps so that events come at speed times their real pace; with 0 it goes as
 * fast as possible. stop, when not NULL, is polled to end early. A malformed line is reported
 * on stderr with its line number (when report is true) and skipped. While the model's
 * start-up replay is active (st.startup), the events and bytes read are added to its progress.
 * Returns false if the file cannot be read. */
bool journal_replay(struct model *m, const char *path, double speed, const atomic_bool *stop,
                    bool report, struct replay_result *res, char *err, size_t errsize);

/* The same at full speed from byte offset of path (the start of a line); with whole_lines, a
 * last line not ended yet (being written) is left for later, out of res->end_offset. */
bool journal_replay_from(struct model *m, const char *path, uint64_t offset, bool whole_lines,
                         const atomic_bool *stop, bool report, struct replay_result *res, char *err,
                         size_t errsize);

#endif
