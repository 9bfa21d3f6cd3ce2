/*
 * child.c: starting the command memlog runs. Its stdout is a pseudo-terminal
 * because through a pipe most programs block-buffer their output and lines
 * would arrive late, with wrong times. Whether exec worked is learnt through
 * a close-on-exec pipe, so "command not found" is reported before recording.
 */
#include "record/child.h"

#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

/* Runs in the forked child: wire up fds and exec; on failure report errno. */
/* The limit of open files memlog was started with, given back to the command. */
static struct rlimit child_nofile;
static bool child_nofile_raised;

void child_raise_nofile(void)
{
	struct rlimit lim;
	if (child_nofile_raised || getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur >= lim.rlim_max)
		return;
	child_nofile = lim;
	lim.rlim_cur = lim.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &lim) == 0)
		child_nofile_raised = true;
}

static void child_exec(char *const argv[], bool keep_stdin, int join_fd, int slave, int err_w, int report_w)
{
	sigset_t none;
	int e;

	/* Into the job's cgroup before anything else, so every page and every
	 * descendant is charged there (the parent checks that it worked). */
	if (join_fd >= 0) {
		ssize_t w = write(join_fd, "0\n", 2);
		(void)w;
		close(join_fd);
	}
	if (child_nofile_raised)
		setrlimit(RLIMIT_NOFILE, &child_nofile);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	/* A session of its own so signals can go to the whole group; the pty is
	 * deliberately not made its controlling terminal, or the command's exit
	 * would send SIGHUP to every process it leaves behind. */
	setsid();
	if (!keep_stdin) {
		int null_fd = open("/dev/null", O_RDONLY);
		if (null_fd >= 0 && null_fd != 0) {
			dup2(null_fd, 0);
			close(null_fd);
		}
	}
	dup2(slave, 1);
	dup2(err_w, 2);
	if (slave > 2)
		close(slave);
	if (err_w > 2)
		close(err_w);
	execvp(argv[0], argv);
	e = errno;
	while (write(report_w, &e, sizeof e) < 0 && errno == EINTR)
		;
	_exit(e == ENOENT ? 127 : 126);
}

int child_spawn(char *const argv[], bool keep_stdin, bool pty, int join_fd, child *out, int *exec_errno,
                char *err, size_t errlen)
{
	int master = -1, slave = -1, errpipe[2] = { -1, -1 }, report[2] = { -1, -1 };
	struct termios tio;
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };

	*exec_errno = 0;
	if (pty) {
		ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws);
		if (openpty(&master, &slave, NULL, NULL, &ws) < 0) {
			snprintf(err, errlen, "cannot open a pseudo-terminal: %s", strerror(errno));
			return -1;
		}
		/* Raw output: no "\n" to "\r\n", no echo, bytes as the program wrote them. */
		if (tcgetattr(slave, &tio) == 0) {
			cfmakeraw(&tio);
			tcsetattr(slave, TCSANOW, &tio);
		}
	} else {
		/* A pipe, as a shell's `| memlog` would give: the bytes pass unchanged. */
		int outpipe[2];
		if (pipe2(outpipe, O_CLOEXEC) < 0) {
			snprintf(err, errlen, "cannot create a pipe: %s", strerror(errno));
			return -1;
		}
		master = outpipe[0];
		slave = outpipe[1];
	}
	if (pipe2(errpipe, O_CLOEXEC) < 0 || pipe2(report, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "cannot create a pipe: %s", strerror(errno));
		goto fail;
	}
	fcntl(master, F_SETFD, FD_CLOEXEC);
	fcntl(slave, F_SETFD, FD_CLOEXEC);

	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "cannot fork: %s", strerror(errno));
		goto fail;
	}
	if (pid == 0) {
		close(master);
		close(errpipe[0]);
		close(report[0]);
		/* dup2 clears close-on-exec on the copies that become 1 and 2. */
		child_exec(argv, keep_stdin, join_fd, slave, errpipe[1], report[1]);
	}
	close(slave);
	close(errpipe[1]);
	close(report[1]);
	slave = errpipe[1] = report[1] = -1;

	int e = 0;
	ssize_t r;
	do
		r = read(report[0], &e, sizeof e);
	while (r < 0 && errno == EINTR);
	close(report[0]);
	report[0] = -1;
	if (r == (ssize_t)sizeof e) {
		int status;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		*exec_errno = e;
		if (e == ENOENT)
			snprintf(err, errlen, "%s: command not found", argv[0]);
		else
			snprintf(err, errlen, "%s: cannot execute: %s", argv[0], strerror(e));
		goto fail;
	}
	fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
	fcntl(errpipe[0], F_SETFL, fcntl(errpipe[0], F_GETFL) | O_NONBLOCK);
	out->pid = pid;
	out->out_fd = master;
	out->err_fd = errpipe[0];
	return 0;
fail:
	if (master >= 0)
		close(master);
	if (slave >= 0)
		close(slave);
	for (int i = 0; i < 2; i++) {
		if (errpipe[i] >= 0)
			close(errpipe[i]);
		if (report[i] >= 0)
			close(report[i]);
	}
	return -1;
}

int child_exit_code(int wait_status)
{
	if (WIFEXITED(wait_status))
		return WEXITSTATUS(wait_status);
	if (WIFSIGNALED(wait_status))
		return 128 + WTERMSIG(wait_status);
	return 1;
}

void child_describe(int wait_status, char *buf, size_t buflen)
{
	if (WIFEXITED(wait_status))
		snprintf(buf, buflen, "exited with status %d", WEXITSTATUS(wait_status));
	else if (WIFSIGNALED(wait_status))
		snprintf(buf, buflen, "killed by signal %d (%s)%s", WTERMSIG(wait_status),
		         strsignal(WTERMSIG(wait_status)), WCOREDUMP(wait_status) ? ", core dumped" : "");
	else
		snprintf(buf, buflen, "ended with wait status 0x%x", (unsigned)wait_status);
}
