/* procid.c: a process's command line (procid.h). */
#include "record/procid.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

void procid_cmdline(const char *proc_root, pid_t pid, char *out, size_t n)
{
	char path[4096];
	ssize_t got = -1;
	if (n == 0)
		return;
	snprintf(path, sizeof path, "%s/%d/cmdline", proc_root, (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		do
			got = read(fd, out, n - 1);
		while (got < 0 && errno == EINTR);
		close(fd);
	}
	if (got < 0)
		got = 0;
	while (got > 0 && out[got - 1] == 0)
		got--;
	for (ssize_t i = 0; i < got; i++)
		if (out[i] == 0)
			out[i] = ' ';
	out[got] = 0;
}
