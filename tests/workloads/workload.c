/*
 * workload.c: programs with known memory behaviour for memlog's tests and
 * demo. Each prints what it does, line by line, so a recording's log can be
 * lined up with its curve.
 *
 *   workload hold SIZE SECONDS      allocate and touch SIZE (e.g. 200M), hold, exit
 *   workload exit CODE              exit with CODE at once
 *   workload signal SIG             kill itself with signal SIG after 0.2 s
 *   workload orphan SIZE SECONDS    fork a child that forks a grandchild and
 *                                   exits; the orphaned grandchild holds SIZE
 *   workload demo [SCALE]           the story: a fast rise while loading the
 *                                   data set, slow growth while processing,
 *                                   a drop at exit (SCALE shortens it, default 1)
 *   workload lines N PERIOD         print N lines, one every PERIOD seconds
 *   workload cow SHARED OWN N SECONDS
 *                                   load SHARED, fork N workers that read it
 *                                   (copy on write: never copied) and each
 *                                   touch OWN of their own, hold, exit
 *   workload pool SIZE,SIZE,... SECONDS
 *                                   fork a worker per SIZE that touches that
 *                                   much of its own ("worker I pid P holds
 *                                   BYTES"), hold, exit
 *   workload spawn N SECONDS        fork N children that touch 1 MiB each
 *                                   and sleep ("spawned N" once all exist)
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Parses "200M", "1G", "512K", "1000" into bytes. */
static size_t parse_size(const char *s)
{
	char *end;
	double v = strtod(s, &end);
	switch (*end) {
	case 'K': case 'k': v *= 1024; break;
	case 'M': case 'm': v *= 1024 * 1024; break;
	case 'G': case 'g': v *= 1024.0 * 1024 * 1024; break;
	default: break;
	}
	return (size_t)v;
}

/* Sleeps for seconds (fractions allowed), resuming after signals. */
static void pause_s(double seconds)
{
	struct timespec ts = { .tv_sec = (time_t)seconds, .tv_nsec = (long)((seconds - (double)(time_t)seconds) * 1e9) };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Allocates n bytes and touches every page so they count in RSS. */
static char *touch(size_t n)
{
	char *p = malloc(n ? n : 1);
	if (!p) {
		fprintf(stderr, "workload: out of memory for %zu bytes\n", n);
		exit(1);
	}
	for (size_t i = 0; i < n; i += 4096)
		p[i] = (char)(i >> 12 | 1);
	return p;
}

static int cmd_hold(size_t bytes, double seconds)
{
	char *p = touch(bytes);
	printf("allocated %zu bytes\n", bytes);
	fflush(stdout);
	pause_s(seconds);
	printf("releasing\n");
	free(p);
	return 0;
}

static int cmd_orphan(size_t bytes, double seconds)
{
	printf("parent %d starting\n", (int)getpid());
	pid_t child = fork();
	if (child == 0) {
		pid_t grandchild = fork();
		if (grandchild == 0) {
			char *p = touch(bytes);
			pause_s(0.3); /* let the parents leave first */
			printf("grandchild %d orphaned, ppid now %d, holding %zu bytes\n", (int)getpid(), (int)getppid(), bytes);
			fflush(stdout);
			pause_s(seconds);
			printf("grandchild done\n");
			free(p);
			_exit(0);
		}
		_exit(0);
	}
	waitpid(child, NULL, 0);
	printf("parent exiting, grandchild left behind\n");
	return 0;
}

static int cmd_demo(double scale)
{
	enum { MiB = 1024 * 1024 };
	char *blocks[64];
	int nblocks = 0;
	printf("job starting\n");
	fflush(stdout);
	pause_s(1.0 * scale);
	printf("loading the data set...\n");
	for (int i = 0; i < 8; i++) {
		blocks[nblocks++] = touch(48 * MiB);
		pause_s(0.05 * scale);
	}
	printf("data set loaded: 384 MiB in memory\n");
	for (int batch = 1; batch <= 20; batch++) {
		blocks[nblocks++] = touch(5 * MiB);
		printf("processing batch %d/20\n", batch);
		fflush(stdout);
		pause_s(1.0 * scale);
	}
	printf("writing results\n");
	fflush(stdout);
	pause_s(1.0 * scale);
	for (int i = 0; i < nblocks; i++)
		free(blocks[i]);
	printf("done\n");
	return 0;
}

/* Forked workers sharing the parent's data set, as a data loader's do. */
static int cmd_cow(size_t shared, size_t own, int n, double seconds)
{
	volatile char *data = touch(shared);
	printf("data set loaded\n");
	fflush(stdout);
	pid_t kids[64];
	int nkids = 0;
	for (int w = 0; w < n && w < 64; w++) {
		pid_t pid = fork();
		if (pid == 0) {
			long sum = 0;
			for (size_t i = 0; i < shared; i += 4096)
				sum += data[i];
			char *mine = touch(own);
			printf("worker %d ready (%ld)\n", w, sum > 0 ? 1L : 0L);
			fflush(stdout);
			pause_s(seconds);
			free(mine);
			_exit(0);
		}
		if (pid > 0)
			kids[nkids++] = pid;
	}
	for (int i = 0; i < nkids; i++)
		while (waitpid(kids[i], NULL, 0) < 0 && errno == EINTR)
			;
	printf("workers done\n");
	return 0;
}

/* Waits for the n children in kids. */
static void wait_all(const pid_t *kids, int n)
{
	for (int i = 0; i < n; i++)
		while (waitpid(kids[i], NULL, 0) < 0 && errno == EINTR)
			;
}

/* A pool of workers of different sizes, each holding its own. */
static int cmd_pool(const char *sizes, double seconds)
{
	pid_t kids[64];
	int n = 0;
	char *list = strdup(sizes), *save = NULL;
	for (char *tok = strtok_r(list, ",", &save); tok && n < 64; tok = strtok_r(NULL, ",", &save)) {
		size_t size = parse_size(tok);
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			char *mine = touch(size);
			printf("worker %d pid %d holds %zu\n", n, (int)getpid(), size);
			fflush(stdout);
			pause_s(seconds);
			free(mine);
			_exit(0);
		}
		if (pid > 0)
			kids[n++] = pid;
	}
	free(list);
	wait_all(kids, n);
	printf("pool done\n");
	return 0;
}

/* Many small children at once, as a parallel build's. */
static int cmd_spawn(int n, double seconds)
{
	pid_t *kids = calloc((size_t)n + 1, sizeof *kids);
	int fds[2], go[2];
	if (!kids || pipe(fds) != 0 || pipe(go) != 0)
		return 1;
	int made = 0;
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			close(fds[0]);
			close(go[1]);
			char *mine = touch(1 << 20);
			/* One byte once the MiB is touched: the parent says when all
			 * are, and all start their SECONDS together when go closes. */
			char b;
			if (write(fds[1], "x", 1) != 1 || read(go[0], &b, 1) != 0)
				_exit(1);
			pause_s(seconds);
			free(mine);
			_exit(0);
		}
		if (pid > 0)
			kids[made++] = pid;
	}
	close(fds[1]);
	close(go[0]);
	char c;
	int ready = 0;
	while (ready < made && read(fds[0], &c, 1) == 1)
		ready++;
	printf("spawned %d\n", ready);
	fflush(stdout);
	close(go[1]);
	wait_all(kids, made);
	free(kids);
	printf("spawn done\n");
	return 0;
}

int main(int argc, char **argv)
{
	/* Each line when it is printed, on a pipe as on a terminal: the tests
	 * read the .log's stamps against the samples. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 4 && strcmp(argv[1], "hold") == 0)
		return cmd_hold(parse_size(argv[2]), atof(argv[3]));
	if (argc >= 3 && strcmp(argv[1], "exit") == 0)
		return atoi(argv[2]);
	if (argc >= 3 && strcmp(argv[1], "signal") == 0) {
		pause_s(0.2);
		raise(atoi(argv[2]));
		return 0;
	}
	if (argc >= 4 && strcmp(argv[1], "orphan") == 0)
		return cmd_orphan(parse_size(argv[2]), atof(argv[3]));
	if (argc >= 2 && strcmp(argv[1], "demo") == 0)
		return cmd_demo(argc >= 3 ? atof(argv[2]) : 1.0);
	if (argc >= 4 && strcmp(argv[1], "lines") == 0) {
		int n = atoi(argv[2]);
		for (int i = 1; i <= n; i++) {
			printf("line %d\n", i);
			pause_s(atof(argv[3]));
		}
		return 0;
	}
	if (argc >= 6 && strcmp(argv[1], "cow") == 0)
		return cmd_cow(parse_size(argv[2]), parse_size(argv[3]), atoi(argv[4]), atof(argv[5]));
	if (argc >= 4 && strcmp(argv[1], "pool") == 0)
		return cmd_pool(argv[2], atof(argv[3]));
	if (argc >= 4 && strcmp(argv[1], "spawn") == 0)
		return cmd_spawn(atoi(argv[2]), atof(argv[3]));
	fprintf(stderr, "usage: workload hold SIZE SECONDS | exit CODE | signal SIG | orphan SIZE SECONDS | demo [SCALE] | "
	        "lines N PERIOD | cow SHARED OWN N SECONDS | pool SIZE,... SECONDS | spawn N SECONDS\n");
	return 2;
}
