/* jobcg.h: a memory cgroup of the job's own, for `memlog run`: every page
 * the job's processes touch is charged to it once however many of them map
 * it, a child that lives 50 ms is in it from its first page, and its
 * memory.stat gives the tree's memory with every page counted once at the
 * sample rate. Made beside nothing: under memlog's own memory cgroup (so
 * the limits above it still hold), v1 or v2; removed when the job is gone. */
#ifndef MEMLOG_JOBCG_H
#define MEMLOG_JOBCG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct jobcg jobcg;

/* Makes the cgroup. NULL with why filled (a sentence: what could not be
 * done and what memlog does instead) when it cannot: no memory cgroup, no
 * permission, a v2 parent that cannot have children with memory. */
jobcg *jobcg_create(const char *proc_root, const char *sys_root, char *why, size_t n);

/* Sets the cgroup's memory limit to bytes (v1 memory.limit_in_bytes, v2
 * memory.max): the job is then OOM-killed past it, as in a container with
 * that limit. Returns 0, or -1 with why filled. */
int jobcg_set_limit(jobcg *j, int64_t bytes, char *why, size_t n);

/* How many of its processes the OOM killer has killed (v1 memory.oom_control,
 * v2 memory.events: oom_kill), and the most memory it ever held (v1
 * memory.max_usage_in_bytes, v2 memory.peak); -1 each where unknown. */
int64_t jobcg_oom_kills(const jobcg *j);
int64_t jobcg_peak(const jobcg *j);

/* Its directory. */
const char *jobcg_dir(const jobcg *j);

/* An fd of its cgroup.procs, open for writing: the command writes "0" to it
 * before exec (record/child.h), so it and every descendant are in the
 * cgroup from the start. */
int jobcg_join_fd(const jobcg *j);

/* Whether process pid is in the cgroup (the command joined it). */
bool jobcg_has(const jobcg *j, pid_t pid);

/* Removes the cgroup (it must be empty: the job is gone; a cgroup that
 * still has processes stays, and the .log says so) and frees j.
 * Returns 0, or -1 with why filled. */
int jobcg_remove(jobcg *j, char *why, size_t n);

#endif
