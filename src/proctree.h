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

/* Reads the pids listed in a cgroup.procs file into *pids as above.
 * Returns the count, or -1 when the file cannot be read. */
long proctree_cgroup_procs(const char *procs_path, pid_t **pids, size_t *cap);

#endif
