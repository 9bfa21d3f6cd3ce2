/*
 * guard.c: owns the process that keeps a `run` command alive when memlog
 * dies without a chance to clean up. The command's stdout is a pty and its
 * stderr a pipe whose other ends only memlog holds; when memlog is killed
 * those ends close, and the command's next write to stderr kills it with
 * SIGPIPE (the pty gives EIO). The guard holds copies of both ends. While
 * memlog lives it only waits on a socket to memlog; when the socket reaches
 * end-of-file without a goodbye, memlog is gone: the guard notes so in the
 * .log and then reads and discards the command's output until no writer is
 * left, so the command runs on as it would have.
 *
 * The guard is started by a double fork before memlog becomes a subreaper,
 * so it is init's child, outside the recorded tree, and in a session of its
 * own, so the terminal's signals (Ctrl-C, hang-up) are not for it. Its fds
 * arrive over the socket (SCM_RIGHTS) once the command is running. A
 * detached memlog inherits the socket, so the guard stays armed for it.
 */
#include "record/guard.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/mtime.h"
#include "recording/recfiles.h"

/* The byte memlog sends when it ends normally. */
#define GUARD_BYE 'q'

/* Receives the fds memlog hands over (the output's two, and the marks
 * FIFO's read end or -1); returns false when the socket closed first
 * (memlog ended before the command ran). */
static bool guard_receive(int sock, int fds[3])
{
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(3 * sizeof(int))];
	} ctl;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
	                      .msg_controllen = sizeof ctl.buf };
	ssize_t n;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	struct cmsghdr *c = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    (c->cmsg_len != CMSG_LEN(2 * sizeof(int)) && c->cmsg_len != CMSG_LEN(3 * sizeof(int))))
		return false;
	fds[2] = -1;
	memcpy(fds, CMSG_DATA(c), c->cmsg_len - CMSG_LEN(0));
	return true;
}

/* Appends memlog's note to the .log: one whole line, through no link. */
static void guard_note(const char *log_path)
{
	static const char note[] = "the recorder ended without closing the recording (killed?); "
	                           "the command runs on unrecorded, its output discarded";
	char line[512];
	size_t n = recfiles_log_format(line, sizeof line, mtime_wall_ns(), RECFILES_SOURCE_MEMLOG, note,
	                               sizeof note - 1);
	int fd = open(log_path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, line, n) < 0) {
		/* Nothing more can be done about a .log that cannot be written. */
	}
	close(fd);
}

/* Reads and drops what the command writes until nobody writes any more.
 * The marks FIFO (fds[2], when there is one) is drained too, so that a job
 * marking itself is never stopped by a FIFO nobody reads: opened again for
 * reading and writing, it has a writer for good and never ends by itself. */
static void guard_drain(int fds[3])
{
	char buf[65536];
	struct pollfd p[3] = { { .fd = fds[0], .events = POLLIN }, { .fd = fds[1], .events = POLLIN },
	                       { .fd = -1, .events = POLLIN } };
	if (fds[2] >= 0) {
		char self[64];
		snprintf(self, sizeof self, "/proc/self/fd/%d", fds[2]);
		p[2].fd = open(self, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		close(fds[2]);
	}
	int open_fds = 2;
	while (open_fds > 0) {
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		for (int i = 0; i < 3; i++) {
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			ssize_t r = read(p[i].fd, buf, sizeof buf);
			if (r > 0 || (r < 0 && (errno == EINTR || errno == EAGAIN)) || i == 2)
				continue;
			/* EOF, or EIO from a pty whose last writer closed. */
			close(p[i].fd);
			p[i].fd = -1;
			open_fds--;
		}
	}
}

/* The guard's life; never returns. */
static void guard_main(int sock, const char *log_path, const char *cgroup_dir) __attribute__((noreturn));
static void guard_main(int sock, const char *log_path, const char *cgroup_dir)
{
	int null_fd = open("/dev/null", O_RDWR);
	if (null_fd >= 0) {
		dup2(null_fd, 0);
		dup2(null_fd, 1);
		dup2(null_fd, 2);
	}
	if (sock != 3) {
		dup2(sock, 3);
		sock = 3;
	}
	close_range(4, ~0u, 0);
	prctl(PR_SET_NAME, "memlog-guard", 0, 0, 0);
	int fds[3];
	if (!guard_receive(sock, fds))
		_exit(0);
	/* The fds share their flags with memlog's copies (one open file each):
	 * they stay non-blocking, and the drain polls. */
	char byte;
	ssize_t n;
	do
		n = read(sock, &byte, 1);
	while (n < 0 && errno == EINTR);
	if (n == 1 && byte == GUARD_BYE)
		_exit(0);
	guard_note(log_path);
	guard_drain(fds);
	/* The job is gone (nobody writes its output any more): its memory
	 * cgroup goes too, as memlog would have removed it, once its last
	 * processes are reaped (for a while; a daemon it left keeps it). */
	for (int i = 0; cgroup_dir && i < 100; i++) {
		if (rmdir(cgroup_dir) == 0 || errno != EBUSY)
			break;
		struct timespec pause = { 0, 50 * 1000 * 1000 };
		nanosleep(&pause, NULL);
	}
	_exit(0);
}

int guard_start(const char *log_path, const char *cgroup_dir)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	pid_t mid = fork();
	if (mid < 0) {
		int e = errno;
		close(sv[0]);
		close(sv[1]);
		errno = e;
		return -1;
	}
	if (mid == 0) {
		close(sv[0]);
		setsid();
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		for (int sig = 1; sig < NSIG; sig++)
			signal(sig, SIG_DFL);
		signal(SIGPIPE, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		signal(SIGINT, SIG_IGN);
		/* The guard is the grandchild: its parent exits at once, so it
		 * belongs to init, not to memlog's tree. */
		pid_t g = fork();
		if (g == 0)
			guard_main(sv[1], log_path, cgroup_dir);
		_exit(g < 0 ? 1 : 0);
	}
	close(sv[1]);
	int status;
	while (waitpid(mid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		close(sv[0]);
		errno = EAGAIN;
		return -1;
	}
	return sv[0];
}

int guard_arm(int ctl, int out_fd, int err_fd, int mark_fd)
{
	char byte = 'a';
	int fds[3] = { out_fd, err_fd, mark_fd };
	size_t nfds = mark_fd >= 0 ? 3 : 2;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(3 * sizeof(int))];
	} ctlbuf;
	memset(&ctlbuf, 0, sizeof ctlbuf);
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctlbuf.buf,
	                      .msg_controllen = CMSG_SPACE(nfds * sizeof(int)) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
	memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
	ssize_t n;
	do
		n = sendmsg(ctl, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : -1;
}

void guard_release(int ctl)
{
	if (ctl < 0)
		return;
	char byte = GUARD_BYE;
	if (send(ctl, &byte, 1, MSG_NOSIGNAL) < 0) {
		/* The guard is gone already: nothing to release. */
	}
	close(ctl);
}
