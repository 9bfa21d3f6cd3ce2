/*
 * tree.c: a process tree of known size for the per-sample cost of a wide
 * target. The root forks N children that sleep; every child dies with the
 * root (PR_SET_PDEATHSIG), so killing the root cleans up the whole tree.
 *
 *   tree N SECONDS      root + N sleeping children, for SECONDS
 *
 * Prints "ready" once all N children exist.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Sleeps for whole seconds, resuming after signals that did not kill us. */
static void tree_sleep_s(long seconds)
{
	struct timespec ts = { .tv_sec = seconds, .tv_nsec = 0 };
	while (nanosleep(&ts, &ts) != 0)
		;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: tree N SECONDS\n");
		return 2;
	}
	long n = strtol(argv[1], NULL, 10);
	long secs = strtol(argv[2], NULL, 10);
	pid_t root = getpid();

	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("tree: fork");
			return 1;
		}
		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			/* The root may have died between fork and prctl. */
			if (getppid() != root)
				_exit(0);
			tree_sleep_s(secs);
			_exit(0);
		}
	}
	printf("ready\n");
	fflush(stdout);
	tree_sleep_s(secs);
	while (wait(NULL) > 0)
		;
	return 0;
}
