/*
 * cpuwrap.c: runs one command and reports what it cost, for the benchmarks.
 * wait4 gives the child's CPU time to the microsecond and its peak RSS, which
 * /usr/bin/time rounds to 10 ms; that matters when a 30 s run costs < 1 s.
 *
 *   cpuwrap OUTFILE CMD [ARG...]
 *
 * Writes one line "user_s sys_s maxrss_kb wall_s exit" to OUTFILE. SIGINT
 * and SIGTERM are passed on to CMD, so a tool that runs until stopped can be
 * stopped through the wrapper's pid.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t cpuwrap_child_pid;

/* Passes a stop signal on to the command, which decides how to end. */
static void cpuwrap_forward(int sig)
{
	if (cpuwrap_child_pid > 0)
		kill((pid_t)cpuwrap_child_pid, sig);
}

/* Seconds on the monotonic clock, for the wall time of the run. */
static double cpuwrap_now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: cpuwrap OUTFILE CMD [ARG...]\n");
		return 2;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = cpuwrap_forward;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	double t0 = cpuwrap_now_s();
	pid_t pid = fork();
	if (pid < 0) {
		perror("cpuwrap: fork");
		return 2;
	}
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execvp(argv[2], argv + 2);
		fprintf(stderr, "cpuwrap: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	cpuwrap_child_pid = pid;

	int status;
	struct rusage ru;
	pid_t w;
	do
		w = wait4(pid, &status, 0, &ru);
	while (w < 0 && errno == EINTR);
	if (w < 0) {
		perror("cpuwrap: wait4");
		return 2;
	}
	double wall_s = cpuwrap_now_s() - t0;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);

	FILE *out = fopen(argv[1], "w");
	if (!out) {
		fprintf(stderr, "cpuwrap: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	fprintf(out, "%ld.%06ld %ld.%06ld %ld %.3f %d\n",
		(long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec,
		(long)ru.ru_stime.tv_sec, (long)ru.ru_stime.tv_usec,
		ru.ru_maxrss, wall_s, code);
	fclose(out);
	return code;
}
