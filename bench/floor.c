/*
 * floor.c: the least a sampler of one process can cost, to judge memlog's
 * cost per sample against. It reads what memlog reads for a one-process
 * target (/proc/PID/status, /proc/meminfo and the cgroup's usage file) on
 * kept fds with pread, on the same absolute CLOCK_MONOTONIC deadlines
 * (late ticks skipped, not made up), pulls out the same numbers and writes
 * one line per sample, flushed once a second. No threads, no tree, no CSV
 * quoting: whatever memlog spends beyond this is its own overhead.
 *
 *   floor PID INTERVAL_NS SECONDS OUTFILE
 *
 * Prints "samples N ticks_missed M" to stderr at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FLOOR_BUF_BYTES 8192

/* Nanoseconds on CLOCK_MONOTONIC. */
static long long floor_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Opens the memory usage file of pid's cgroup (v1 memory controller, else v2);
 * -1 when there is none. */
static int floor_open_cgroup(int pid)
{
	char path[512], line[512];
	snprintf(path, sizeof path, "/proc/%d/cgroup", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char v1[400] = "", v2[400] = "";
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		if (strcmp(c1 + 1, "memory") == 0)
			snprintf(v1, sizeof v1, "%s", c2 + 1);
		else if (strncmp(line, "0", 1) == 0 && c1[1] == '\0')
			snprintf(v2, sizeof v2, "%s", c2 + 1);
	}
	fclose(f);
	if (v1[0])
		snprintf(path, sizeof path, "/sys/fs/cgroup/memory%s/memory.usage_in_bytes", v1);
	else
		snprintf(path, sizeof path, "/sys/fs/cgroup%s/memory.current", v2);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* Reads a whole small file from offset 0 into buf, NUL-terminated; length or -1. */
static ssize_t floor_read(int fd, char *buf)
{
	ssize_t n = pread(fd, buf, FLOOR_BUF_BYTES - 1, 0);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* Stores the number after each "Key:" found at a line start into val[i]
 * (-1 when absent); the value in kB is turned into bytes. */
static void floor_keys(const char *buf, const char *const *keys, int nkeys, long long *val)
{
	int left = nkeys;
	for (int i = 0; i < nkeys; i++)
		val[i] = -1;
	for (const char *p = buf; *p && left > 0; ) {
		for (int i = 0; i < nkeys; i++) {
			size_t len = strlen(keys[i]);
			if (val[i] < 0 && strncmp(p, keys[i], len) == 0 && p[len] == ':') {
				const char *q = p + len + 1;
				while (*q == ' ' || *q == '\t')
					q++;
				/* State is a letter; store it as its character code. */
				val[i] = (*q >= '0' && *q <= '9') ? strtoll(q, NULL, 10) * 1024 : *q;
				left--;
				break;
			}
		}
		const char *nl = strchr(p, '\n');
		if (!nl)
			break;
		p = nl + 1;
	}
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: floor PID INTERVAL_NS SECONDS OUTFILE\n");
		return 2;
	}
	int pid = atoi(argv[1]);
	long long interval_ns = atoll(argv[2]);
	long long duration_ns = (long long)(atof(argv[3]) * 1e9);
	char path[64], buf[FLOOR_BUF_BYTES];
	static const char *const status_keys[] = { "State", "VmRSS", "RssAnon", "RssFile", "RssShmem", "VmSwap" };
	static const char *const meminfo_keys[] = { "MemTotal", "MemAvailable" };
	long long st[6], mi[2];

	snprintf(path, sizeof path, "/proc/%d/status", pid);
	int status_fd = open(path, O_RDONLY | O_CLOEXEC);
	int meminfo_fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
	int cg_fd = floor_open_cgroup(pid);
	FILE *out = fopen(argv[4], "w");
	if (status_fd < 0 || meminfo_fd < 0 || !out) {
		fprintf(stderr, "floor: cannot open the files of pid %d: %s\n", pid, strerror(errno));
		return 1;
	}
	static char outbuf[1 << 16];
	setvbuf(out, outbuf, _IOFBF, sizeof outbuf);

	long long start = floor_now_ns(), deadline = start, last_flush = start;
	long long samples = 0, missed = 0;
	for (;;) {
		struct timespec ts = { .tv_sec = deadline / 1000000000LL, .tv_nsec = deadline % 1000000000LL };
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		long long now = floor_now_ns();
		if (floor_read(status_fd, buf) <= 0)
			break; /* the target is gone */
		floor_keys(buf, status_keys, 6, st);
		floor_read(meminfo_fd, buf);
		floor_keys(buf, meminfo_keys, 2, mi);
		long long cg = -1;
		if (cg_fd >= 0 && floor_read(cg_fd, buf) > 0)
			cg = strtoll(buf, NULL, 10);
		fprintf(out, "%.6f,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld\n",
			(double)(now - start) / 1e9, st[1], st[2], st[3], st[4], st[5],
			mi[0] - mi[1], mi[1], cg);
		samples++;
		long long late = now - deadline;
		missed += late / interval_ns;
		deadline += (late / interval_ns + 1) * interval_ns;
		if (now - last_flush >= 1000000000LL) {
			fflush(out);
			last_flush = now;
		}
		if (now - start >= duration_ns)
			break;
	}
	fclose(out);
	fprintf(stderr, "samples %lld ticks_missed %lld\n", samples, missed);
	return 0;
}
