/* wake.c: an eventfd that writers signal and the UI thread polls. */
#include "wake.h"

#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

int wake_open(void)
{
	return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

void wake_signal(int fd)
{
	uint64_t one = 1;
	if (fd >= 0 && write(fd, &one, sizeof one) < 0) {
		/* already signalled past the counter's limit: the reader wakes anyway */
	}
}

void wake_drain(int fd)
{
	uint64_t n;
	if (fd >= 0 && read(fd, &n, sizeof n) < 0) {
		/* nothing pending */
	}
}

void wake_close(int fd)
{
	if (fd >= 0)
		close(fd);
}
