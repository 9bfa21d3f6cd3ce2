/* cgroups.h: where a process's memory cgroup is, v1 or v2, and its
 * counters read once each: what the probe, watch --cgroup and the job's own
 * cgroup share. */
#ifndef MEMLOG_CGROUPS_H
#define MEMLOG_CGROUPS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The directory of pid's memory cgroup (from PROC/PID/cgroup: the v1 memory
 * hierarchy when the process has one, else the v2 unified one) into dir.
 * Returns 1 (v1) or 2 (v2), or -1 when there is none (e.g. the v2 root). */
int cgroups_memory_dir(const char *proc_root, const char *sys_root, pid_t pid, char *dir, size_t n);

/* Reads the small file at path into buf (n bytes, NUL-terminated); the
 * length, or -1 when it cannot be read or is empty. */
ssize_t cgroups_read_file(const char *path, char *buf, size_t n);

/* The version of the memory cgroup at dir: 1, 2, or -1 when it is none. */
int cgroups_version(const char *dir);

/* The memory limit that binds the cgroup at dir (v 1 or 2): the lowest of
 * v1 memory.limit_in_bytes, v2 memory.max and memory.high, of dir and of
 * each cgroup above it that has them (a container's limit is often set on
 * a parent). -1 when none is set (v1's "unlimited" huge value, v2 "max"),
 * or nothing could be read. */
int64_t cgroups_limit(const char *dir, int v);

/* The once-counted figures of a memory cgroup from its memory.stat (-1:
 * missing): the resident memory of its processes with every page counted
 * once, anonymous plus mapped file pages (v1 total_rss + total_mapped_file,
 * v2 anon + file_mapped), and its page cache of files not mapped (file less
 * mapped and shmem pages). -1 each when what it needs is missing. */
void cgroups_once(int64_t anon, int64_t mapped, int64_t file, int64_t shmem, int64_t *mem, int64_t *cache);

#endif
