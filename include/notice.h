/* notice.h: warnings said before the screen opens (a token file others can read, a journal
 * that could not be replayed or written). Each is printed on stderr at once and kept, so that
 * the program can show it again once the model exists: in the header and the event log. */
#ifndef CTIBOARD_NOTICE_H
#define CTIBOARD_NOTICE_H

#include <stddef.h>

#define NOTICES_MAX 8
#define NOTICE_MAX  256

/* Print "ctiboard: warning: ..." on stderr and keep the text (the first NOTICES_MAX). */
__attribute__((format(printf, 1, 2))) void notice_warn(const char *fmt, ...);

/* The kept warnings, oldest first; their number in *n. */
const char (*notices_kept(size_t *n))[NOTICE_MAX];

/* Forget the kept warnings (tests). */
void notices_clear(void);

#endif
