/* procset.h: the processes of a recording over time, from its per-process
 * rows (REC.procs.csv, or the sampler's as they are written): what the
 * process pane, the report and plot --by-process ask of them. Live and
 * replay fill it alike; it is thread-safe.
 *
 * Each process's figure here is its own share of the memory, "held": its
 * PSS where that was read, and between PSS reads that PSS moved by the
 * change of its rss since (a page a process touches after a fork is its
 * own). Once a later PSS is read, the rows since the read before it that
 * lie nearer that later read's rss follow the later read instead (a fork
 * shares a parent's pages without moving its rss); before any PSS read,
 * its anonymous and shared memory pages (its file pages are mostly
 * libraries it shares), its rss where even those are unknown. Summed over a tree whose
 * workers share a data set copy-on-write, held stays near mem where rss
 * counts the set once per worker. */
#ifndef MEMLOG_PROCSET_H
#define MEMLOG_PROCSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "model/procrow.h"

typedef struct procset procset;

/* max_points: points kept per process (beyond, every two neighbours become
 * their larger one); max_procs: processes kept (beyond, the exited one of
 * the smallest peak is forgotten). 0 for either: no bound. */
procset *procset_new(size_t max_points, size_t max_procs);
void procset_free(procset *ps);

/* Takes one row (rows in time order). Returns 0, or -1 when out of memory
 * (the row is lost, the set stays whole). */
int procset_add(procset *ps, const procrow *row);

/* Processes known (kept). */
size_t procset_count(procset *ps);

/* A process as the pane and the report see it at a time. */
typedef struct procset_item {
	size_t id;          /* stable while the process is kept */
	pid_t pid, ppid;
	char name[PROCROW_NAME_MAX];
	char cmd[PROCROW_CMD_MAX + 1];
	int64_t start_ns;   /* its first row */
	int64_t end_ns;     /* its exit row, or -1 */
	int64_t held;       /* at the time asked */
	int64_t rss;
	int64_t peak;       /* largest held up to the time asked */
	int64_t before;     /* held at the earlier time asked, -1 when it was not running then */
} procset_item;

/* The processes running at t_ns (started at or before it, not exited), with
 * their figures at t_ns and at since_ns (<= t_ns), sorted by held, largest
 * first. Fills up to max and returns how many there are (may exceed max). */
size_t procset_at(procset *ps, int64_t t_ns, int64_t since_ns, procset_item *out, size_t max);

/* The processes that ran at some time in [t0_ns, t1_ns], with held at t1_ns
 * (or at their exit, when they exited in it), before at t0_ns (-1 when they
 * started after it), peak their largest held within it; sorted by growth
 * (held - before, or held when new), largest first. As procset_at for max. */
size_t procset_during(procset *ps, int64_t t0_ns, int64_t t1_ns, procset_item *out, size_t max);

/* A point of one process's curve. */
typedef struct procset_point {
	int64_t t_ns;
	int64_t held;
	int64_t rss;
} procset_point;

/* The points of process id in [t0_ns, t1_ns] plus the one before t0_ns (the
 * value at the window's start), up to max; returns how many there are, and
 * in *end_ns (may be NULL) when it exited (-1: it runs, or is unknown). */
size_t procset_curve(procset *ps, size_t id, int64_t t0_ns, int64_t t1_ns, procset_point *out, size_t max,
                     int64_t *end_ns);

#endif
