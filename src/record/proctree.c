/* proctree.c: owns the scan of /proc that finds a process's descendants, and
 * the reading of a cgroup's member list. Both run a few times a second, never
 * per sample, so they may allocate; the per-sample reads live in probe.c. */
#include "record/proctree.h"

#include "base/grow.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One process seen by the scan: its pid and its parent's. */
struct proctree_link {
	pid_t pid;
	pid_t ppid;
};

/* Parses a decimal pid from a NUL-terminated directory name; returns 0 when
 * the name is not all digits (so ".", "self", "sys" are skipped). */
static pid_t proctree_name_pid(const char *name)
{
	long v = 0;
	if (!*name)
		return 0;
	for (const char *c = name; *c; c++) {
		if (*c < '0' || *c > '9')
			return 0;
		v = v * 10 + (*c - '0');
		if (v > INT32_MAX)
			return 0;
	}
	return (pid_t)v;
}

/* Extracts the ppid from the text of /proc/PID/stat. The command name sits in
 * parentheses and may itself contain spaces and ')', so the fields after it
 * are found from the last ')'. Returns -1 when the text is malformed. */
static pid_t proctree_stat_ppid(const char *buf, size_t len)
{
	const char *close = memrchr(buf, ')', len);
	if (!close)
		return -1;
	const char *c = close + 1;
	const char *end = buf + len;
	/* " S ppid": skip the space, the one-letter state and the next space. */
	while (c < end && *c == ' ')
		c++;
	if (c >= end)
		return -1;
	c++;
	while (c < end && *c == ' ')
		c++;
	if (c >= end || *c < '0' || *c > '9')
		return -1;
	long v = 0;
	while (c < end && *c >= '0' && *c <= '9') {
		v = v * 10 + (*c - '0');
		if (v > INT32_MAX)
			return -1;
		c++;
	}
	return (pid_t)v;
}

/* Reads the ppid of the process whose directory is name under dirfd; returns
 * -1 when it vanished or its stat cannot be parsed. */
static pid_t proctree_read_ppid(int dirfd, const char *name)
{
	char path[64];
	/* Enough for "pid (comm) S ppid": comm is at most 64 bytes. */
	char buf[512];
	snprintf(path, sizeof path, "%s/stat", name);
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf);
	close(fd);
	if (n <= 0)
		return -1;
	return proctree_stat_ppid(buf, (size_t)n);
}

/* Orders links by parent, so a process's children form one contiguous run. */
static int proctree_cmp_ppid(const void *a, const void *b)
{
	const struct proctree_link *x = a, *y = b;
	return (x->ppid > y->ppid) - (x->ppid < y->ppid);
}

/* Orders pids ascending. */
static int proctree_cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return (x > y) - (x < y);
}

/* Returns the index of the first link whose ppid is >= ppid (links sorted by ppid). */
static size_t proctree_lower_bound(const struct proctree_link *links, size_t n, pid_t ppid)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (links[mid].ppid < ppid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Every this many scans the cache is dropped, so a reused pid is seen. */
#define PROCTREE_FULL_SCAN_EVERY 8

/* Whether pid is in the sorted cache of processes outside the tree. */
static bool proctree_known_outside(const proctree_cache *c, pid_t pid)
{
	size_t lo = 0, hi = c ? c->n : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->outside[mid] < pid)
			lo = mid + 1;
		else if (c->outside[mid] > pid)
			hi = mid;
		else
			return true;
	}
	return false;
}

long proctree_descendants(const char *proc_root, pid_t root, pid_t **pids, size_t *cap)
{
	return proctree_descendants_cached(proc_root, root, NULL, pids, cap);
}

void proctree_cache_free(proctree_cache *cache)
{
	free(cache->outside);
	memset(cache, 0, sizeof *cache);
}

long proctree_descendants_cached(const char *proc_root, pid_t root, proctree_cache *cache,
                                 pid_t **pids, size_t *cap)
{
	DIR *dir = opendir(proc_root);
	if (!dir)
		return -1;
	int dfd = dirfd(dir);
	struct proctree_link *links = NULL;
	size_t nlinks = 0, linkcap = 0;
	long result = -1;
	struct dirent *de;
	pid_t *seen = NULL; /* every pid listed, for the next cache */
	size_t nseen = 0, seencap = 0;
	if (cache && ++cache->scans >= PROCTREE_FULL_SCAN_EVERY) {
		cache->scans = 0;
		cache->n = 0;
	}
	while ((de = readdir(dir)) != NULL) {
		pid_t pid = proctree_name_pid(de->d_name);
		if (pid <= 0)
			continue;
		if (cache) {
			if (!GROW(seen, &seencap, nseen + 1))
				goto out;
			seen[nseen++] = pid;
		}
		if (proctree_known_outside(cache, pid))
			continue;
		pid_t ppid = proctree_read_ppid(dfd, de->d_name);
		if (ppid < 0)
			continue;
		if (nlinks == linkcap) {
			size_t ncap = linkcap ? linkcap * 2 : 256;
			struct proctree_link *nl = realloc(links, ncap * sizeof *nl);
			if (!nl)
				goto out;
			links = nl;
			linkcap = ncap;
		}
		links[nlinks].pid = pid;
		links[nlinks].ppid = ppid;
		nlinks++;
	}
	if (nlinks)
		qsort(links, nlinks, sizeof *links, proctree_cmp_ppid);

	/* Breadth-first from root, using the output array as the queue. Each pid
	 * has one parent, so every link is reached at most once, except root
	 * itself when a (malformed) tree loops back to it: that is skipped. */
	if (!GROW(*pids, cap, 16))
		goto out;
	size_t count = 0, head = 0;
	pid_t parent = root;
	for (;;) {
		for (size_t i = proctree_lower_bound(links, nlinks, parent);
		     i < nlinks && links[i].ppid == parent; i++) {
			if (links[i].pid == root)
				continue;
			if (!GROW(*pids, cap, count + 1))
				goto out;
			(*pids)[count++] = links[i].pid;
		}
		if (head == count)
			break;
		parent = (*pids)[head++];
	}
	if (count)
		qsort(*pids, count, sizeof **pids, proctree_cmp_pid);
	result = (long)count;
	if (cache) {
		/* Everything listed that is not in the tree is outside it. */
		if (nseen)
			qsort(seen, nseen, sizeof *seen, proctree_cmp_pid);
		size_t k = 0;
		for (size_t i = 0, j = 0; i < nseen; i++) {
			while (j < count && (*pids)[j] < seen[i])
				j++;
			if (!(j < count && (*pids)[j] == seen[i]))
				seen[k++] = seen[i];
		}
		free(cache->outside);
		cache->outside = seen;
		cache->n = k;
		cache->cap = seencap;
		seen = NULL;
	}
out:
	free(seen);
	free(links);
	closedir(dir);
	return result;
}

/* Appends v to *pids when it is a plausible pid; returns -1 when out of memory. */
static int proctree_push(pid_t **pids, size_t *cap, size_t *count, long v)
{
	if (v <= 0 || v > INT32_MAX)
		return 0;
	if (!GROW(*pids, cap, *count + 1))
		return -1;
	(*pids)[(*count)++] = (pid_t)v;
	return 0;
}

long proctree_cgroup_procs(const char *procs_path, pid_t **pids, size_t *cap)
{
	int fd = open(procs_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	char buf[4096];
	size_t count = 0;
	long v = 0;
	bool in_num = false;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		for (ssize_t i = 0; i < n; i++) {
			char c = buf[i];
			if (c >= '0' && c <= '9') {
				if (v <= INT32_MAX)
					v = v * 10 + (c - '0');
				in_num = true;
			} else {
				if (in_num && proctree_push(pids, cap, &count, v) < 0)
					goto fail;
				in_num = false;
				v = 0;
			}
		}
	}
	/* The last number may lack its newline. */
	if (in_num && proctree_push(pids, cap, &count, v) < 0)
		goto fail;
	close(fd);
	if (count == 0)
		return 0;
	/* v1 lists are neither sorted nor free of duplicates. */
	qsort(*pids, count, sizeof **pids, proctree_cmp_pid);
	size_t w = 1;
	for (size_t r = 1; r < count; r++)
		if ((*pids)[r] != (*pids)[w - 1])
			(*pids)[w++] = (*pids)[r];
	return (long)w;
fail:
	close(fd);
	return -1;
}
