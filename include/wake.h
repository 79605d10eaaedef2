/* wake.h: a file descriptor that the UI thread polls, and that writers signal (eventfd). */
#ifndef CTIBOARD_WAKE_H
#define CTIBOARD_WAKE_H

#include <stdbool.h>

/* A new wake fd (non-blocking); -1 on failure. */
int wake_open(void);
/* Signal it (async-signal-safe). */
void wake_signal(int fd);
/* Consume pending signals. */
void wake_drain(int fd);
void wake_close(int fd);

#endif
