/* proctree.h: finding the descendants of a process by scanning /proc. */
#ifndef MEMLOG_PROCTREE_H
#define MEMLOG_PROCTREE_H

#include <stddef.h>
#include <sys/types.h>

/* Scans proc_root/PID/stat for every numeric PID and stores in *pids (grown
 * with realloc, *cap updated) every descendant of root, not root itself, in
 * ascending order.
 * Processes that vanish during the scan are skipped. Returns the count, or -1
 * when proc_root cannot be read. */
long proctree_descendants(const char *proc_root, pid_t root, pid_t **pids, size_t *cap);

/* What a scan learnt that the next can skip: the processes that are not in
 * the tree. A process outside the tree never joins it (a new child of a
 * member gets a new pid; orphans are only ever reparented to an ancestor),
 * so their stat files need not be read again, except that a pid can be
 * reused: the cache is dropped every few scans to catch that. */
typedef struct proctree_cache {
	pid_t *outside;   /* sorted */
	size_t n, cap;
	unsigned scans;   /* since the last full scan */
} proctree_cache;

/* As proctree_descendants, reading only the stat files of processes the
 * cache does not know to be outside the tree, and updating the cache. */
long proctree_descendants_cached(const char *proc_root, pid_t root, proctree_cache *cache,
                                 pid_t **pids, size_t *cap);

void proctree_cache_free(proctree_cache *cache);

/* Reads the pids listed in a cgroup.procs file into *pids as above.
 * Returns the count, or -1 when the file cannot be read. */
long proctree_cgroup_procs(const char *procs_path, pid_t **pids, size_t *cap);

#endif
