/* jobcg.c: the job's own memory cgroup: made, joined, removed. */
#include "record/jobcg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "record/cgroups.h"
#include "record/kvscan.h"

struct jobcg {
	char dir[4200];
	int procs_fd;
};

jobcg *jobcg_create(const char *proc_root, const char *sys_root, char *why, size_t n)
{
	char parent[4096];
	int v = cgroups_memory_dir(proc_root, sys_root, getpid(), parent, sizeof parent);
	if (v < 0) {
		snprintf(why, n, "memlog is in no memory cgroup it can find");
		return NULL;
	}
	jobcg *j = calloc(1, sizeof *j);
	if (!j) {
		snprintf(why, n, "out of memory");
		return NULL;
	}
	j->procs_fd = -1;
	snprintf(j->dir, sizeof j->dir, "%s/memlog-job-%d", parent, (int)getpid());
	if (mkdir(j->dir, 0755) != 0) {
		snprintf(why, n, "cannot make the memory cgroup %s: %s", j->dir, strerror(errno));
		free(j);
		return NULL;
	}
	char path[4300];
	snprintf(path, sizeof path, "%s/cgroup.procs", j->dir);
	j->procs_fd = open(path, O_WRONLY | O_CLOEXEC);
	/* v2 charges memory to a child cgroup only when the parent hands the
	 * controller down: without memory.stat there is nothing to read. */
	if (j->procs_fd < 0 || cgroups_version(j->dir) != v) {
		snprintf(why, n, "the memory cgroup %s cannot take the job: %s", j->dir,
		         j->procs_fd < 0 ? strerror(errno) : "no memory controller in it");
		if (j->procs_fd >= 0)
			close(j->procs_fd);
		rmdir(j->dir);
		free(j);
		return NULL;
	}
	return j;
}

int jobcg_set_limit(jobcg *j, int64_t bytes, char *why, size_t n)
{
	char path[4300], text[32];
	int v = cgroups_version(j->dir);
	snprintf(path, sizeof path, "%s/%s", j->dir, v == 1 ? "memory.limit_in_bytes" : "memory.max");
	int len = snprintf(text, sizeof text, "%lld\n", (long long)bytes);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t w = fd >= 0 ? write(fd, text, (size_t)len) : -1;
	int e = errno;
	if (fd >= 0)
		close(fd);
	if (w != len) {
		snprintf(why, n, "cannot set %s: %s", path, strerror(w < 0 ? e : EIO));
		return -1;
	}
	return 0;
}

/* The number after key in the file name of the cgroup (key NULL: the
 * file holds one number); -1 when there is none. */
static int64_t jobcg_read_num(const jobcg *j, const char *name, const char *key)
{
	char path[4300], buf[4096];
	snprintf(path, sizeof path, "%s/%s", j->dir, name);
	ssize_t len = cgroups_read_file(path, buf, sizeof buf);
	const char *at = buf;
	int64_t v;
	if (len < 0)
		return -1;
	if (key) {
		kvscan_key k = { key, strlen(key) };
		kvscan_keys(buf, (size_t)len, &k, 1, &at);
	}
	return kvscan_num(at, buf + len, &v) ? v : -1;
}

int64_t jobcg_oom_kills(const jobcg *j)
{
	return jobcg_read_num(j, cgroups_version(j->dir) == 1 ? "memory.oom_control" : "memory.events", "oom_kill");
}

int64_t jobcg_peak(const jobcg *j)
{
	return jobcg_read_num(j, cgroups_version(j->dir) == 1 ? "memory.max_usage_in_bytes" : "memory.peak", NULL);
}

const char *jobcg_dir(const jobcg *j)
{
	return j->dir;
}

int jobcg_join_fd(const jobcg *j)
{
	return j->procs_fd;
}

bool jobcg_has(const jobcg *j, pid_t pid)
{
	char path[4300], buf[65536];
	snprintf(path, sizeof path, "%s/cgroup.procs", j->dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t len = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (len <= 0)
		return false;
	buf[len] = '\0';
	for (char *p = buf; *p; ) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p)
			break;
		if (v == (long)pid)
			return true;
		p = end;
		while (*p == '\n')
			p++;
	}
	return false;
}

int jobcg_remove(jobcg *j, char *why, size_t n)
{
	if (!j)
		return 0;
	int rc = 0;
	if (j->procs_fd >= 0)
		close(j->procs_fd);
	if (rmdir(j->dir) != 0) {
		snprintf(why, n, "the memory cgroup %s stays: %s", j->dir,
		         errno == EBUSY ? "processes of the job are still in it" : strerror(errno));
		rc = -1;
	}
	free(j);
	return rc;
}
