/* loop.c: the self-pipe and the poll around it. */
#include "base/loop.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#define LOOP_MAX_HANDLED 16
#define LOOP_MAX_FDS 63

static int loop_pipe[2] = { -1, -1 };
static int loop_sigs[LOOP_MAX_HANDLED];
static size_t loop_nsigs;

/* The handler: the signal's number into the pipe, errno kept. */
static void loop_on_signal(int sig)
{
	int saved = errno;
	unsigned char byte = (unsigned char)sig;
	ssize_t w = write(loop_pipe[1], &byte, 1);
	(void)w; /* a full pipe already holds a wake-up */
	errno = saved;
}

int loop_open(const int *sigs, size_t n)
{
	if (n > LOOP_MAX_HANDLED) {
		errno = EINVAL;
		return -1;
	}
	if (loop_pipe[0] < 0 && pipe2(loop_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = loop_on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < n; i++) {
		if (sigaction(sigs[i], &sa, NULL) < 0)
			return -1;
		loop_sigs[i] = sigs[i];
	}
	loop_nsigs = n;
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

int loop_wait(struct pollfd *fds, int nfds, int timeout_ms, int *sigs)
{
	struct pollfd all[LOOP_MAX_FDS + 1];
	if (nfds < 0 || nfds > LOOP_MAX_FDS) {
		errno = EINVAL;
		return -1;
	}
	all[0] = (struct pollfd){ .fd = loop_pipe[0], .events = POLLIN };
	for (int i = 0; i < nfds; i++)
		all[i + 1] = fds[i];
	int r = poll(all, (nfds_t)nfds + 1, timeout_ms);
	if (r < 0 && errno != EINTR)
		return -1;
	for (int i = 0; i < nfds; i++)
		fds[i].revents = r > 0 ? all[i + 1].revents : 0;
	int n = 0;
	unsigned char buf[LOOP_MAX_SIGNALS];
	ssize_t got = read(loop_pipe[0], buf, sizeof buf);
	for (ssize_t i = 0; i < got; i++)
		sigs[n++] = buf[i];
	return n;
}

void loop_close(void)
{
	for (size_t i = 0; i < loop_nsigs; i++)
		signal(loop_sigs[i], SIG_DFL);
	loop_nsigs = 0;
	if (loop_pipe[0] >= 0) {
		close(loop_pipe[0]);
		close(loop_pipe[1]);
		loop_pipe[0] = loop_pipe[1] = -1;
	}
}
