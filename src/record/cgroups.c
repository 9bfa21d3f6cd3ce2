/* cgroups.c: a process's memory cgroup, and the once-counted figures of a
 * memory.stat. */
#include "record/cgroups.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Whether a file is in dir. */
static bool cgroups_has(const char *dir, const char *name)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

int cgroups_version(const char *dir)
{
	if (cgroups_has(dir, "memory.current"))
		return 2;
	if (cgroups_has(dir, "memory.usage_in_bytes"))
		return 1;
	return -1;
}

/* Whether the comma-separated controller list (len bytes at s) names memory. */
static bool cgroups_has_memory_ctl(const char *s, size_t len)
{
	const char *end = s + len;
	while (s < end) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		const char *tok_end = comma ? comma : end;
		if (tok_end - s == 6 && memcmp(s, "memory", 6) == 0)
			return true;
		s = tok_end + 1;
	}
	return false;
}

ssize_t cgroups_read_file(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || n == 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	ssize_t len = read(fd, buf, n - 1);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = '\0';
	return len;
}

int cgroups_memory_dir(const char *proc_root, const char *sys_root, pid_t pid, char *dir, size_t n)
{
	char path[512], buf[8192];
	snprintf(path, sizeof path, "%s/%d/cgroup", proc_root, (int)pid);
	ssize_t len = cgroups_read_file(path, buf, sizeof buf);
	if (len < 0)
		return -1;
	char v2_path[1024] = "";
	bool have_v2 = false;
	const char *c = buf, *end = buf + len;
	while (c < end) {
		const char *eol = memchr(c, '\n', (size_t)(end - c));
		if (!eol)
			eol = end;
		/* "hierarchy-id:controllers:path" */
		const char *c1 = memchr(c, ':', (size_t)(eol - c));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(eol - c1 - 1)) : NULL;
		if (c2) {
			const char *p = c2 + 1;
			int plen = (int)(eol - p);
			if (c1 - c == 1 && *c == '0' && c2 == c1 + 1 && (size_t)plen < sizeof v2_path) {
				memcpy(v2_path, p, (size_t)plen);
				v2_path[plen] = '\0';
				have_v2 = true;
			} else if (cgroups_has_memory_ctl(c1 + 1, (size_t)(c2 - c1 - 1))) {
				snprintf(dir, n, "%s/fs/cgroup/memory%.*s", sys_root, plen, p);
				if (cgroups_version(dir) == 1)
					return 1;
			}
		}
		c = eol + 1;
	}
	if (!have_v2)
		return -1;
	/* cgroup.controllers at the top marks a unified (pure v2) mount. */
	snprintf(dir, n, "%s/fs/cgroup", sys_root);
	if (!cgroups_has(dir, "cgroup.controllers"))
		return -1;
	snprintf(dir, n, "%s/fs/cgroup%s", sys_root, v2_path);
	return cgroups_version(dir) == 2 ? 2 : -1;
}

void cgroups_once(int64_t anon, int64_t mapped, int64_t file, int64_t shmem, int64_t *mem, int64_t *cache)
{
	*mem = anon >= 0 && mapped >= 0 ? anon + mapped : -1;
	*cache = -1;
	if (file >= 0 && mapped >= 0) {
		int64_t c = file - mapped - (shmem > 0 ? shmem : 0);
		*cache = c > 0 ? c : 0;
	}
}

/* One limit file's value into *lowest when it is set and lower; false when
 * the file is not there. */
static bool cgroups_limit_file(const char *dir, const char *name, int64_t *lowest)
{
	char path[4400], buf[64];
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
		return false;
	if (cgroups_read_file(path, buf, sizeof buf) < 0)
		return false;
	char *end;
	errno = 0;
	long long v = strtoll(buf, &end, 10);
	/* "max", or v1's page-rounded LLONG_MAX: no limit. */
	if (end != buf && errno == 0 && v > 0 && v < (INT64_C(1) << 62) && (*lowest < 0 || v < *lowest))
		*lowest = v;
	return true;
}

int64_t cgroups_limit(const char *dir, int v)
{
	char at[4200];
	if (!dir || (size_t)snprintf(at, sizeof at, "%s", dir) >= sizeof at)
		return -1;
	int64_t lowest = -1;
	for (;;) {
		bool here;
		if (v == 1) {
			here = cgroups_limit_file(at, "memory.limit_in_bytes", &lowest);
		} else {
			/* Both are read: the lower binds. */
			bool max = cgroups_limit_file(at, "memory.max", &lowest);
			bool high = cgroups_limit_file(at, "memory.high", &lowest);
			here = max || high;
		}
		/* Up to the hierarchy's root, which has no limit files. */
		char *slash = strrchr(at, '/');
		if (!here || !slash || slash == at)
			break;
		*slash = '\0';
	}
	return lowest;
}
