/* probe.h: one sample of a target's memory (process tree, cgroup or machine). */
#ifndef MEMLOG_PROBE_H
#define MEMLOG_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "model/procrow.h"
#include "model/sample.h"

enum probe_kind {
	PROBE_KIND_TREE,   /* a process and (unless children is false) its descendants */
	PROBE_KIND_CGROUP, /* every process in a cgroup, plus the cgroup's own counters */
	PROBE_KIND_SYSTEM  /* the machine only */
};

typedef struct probe_config {
	const char *proc_root;   /* "/proc", or a fixture tree */
	const char *sys_root;    /* "/sys", or a fixture tree */
	enum probe_kind kind;
	pid_t pid;               /* PROBE_KIND_TREE: the root of the tree */
	bool include_root;       /* PROBE_KIND_TREE: count pid itself (false when pid is memlog, in run mode) */
	bool children;           /* PROBE_KIND_TREE: also count descendants (false: pid alone, include_root ignored) */
	const char *cgroup_dir;  /* PROBE_KIND_CGROUP: the cgroup's directory (v1 or v2, detected) */
	bool pss;                /* also read smaps_rollup */
	int64_t pss_interval_ns; /* at most one PSS read per this (default 1 s when 0) */
	int64_t scan_interval_ns;/* rescan descendants this often (default 250 ms when 0) */
	const char *job_cgroup_dir; /* PROBE_KIND_TREE: a memory cgroup holding the whole tree
	                          * (run makes one, record/jobcg.h), whose memory.stat gives mem and
	                          * cache every sample and whose usage is the cgroup column; NULL:
	                          * mem is the PSS sum, paced, and cgroup is pid's cgroup */
	bool per_process;        /* keep a row per process for probe_procs (not PROBE_KIND_SYSTEM);
	                          * each process's PSS is then read at the paced rate of mem's */
} probe_config;

typedef struct probe probe;

/* Opens a probe; on failure returns NULL and writes a sentence naming what was
 * wrong into err (e.g. "--pid 42: no such process"). */
probe *probe_open(const probe_config *cfg, char *err, size_t errlen);

/* Reads one sample into out->v (times are left to the caller), at time now_ns
 * (monotonic, used to pace rescans and PSS). Processes that vanish mid-read are
 * dropped from the sums. Returns the number of processes counted (0 when the
 * tree is gone; always 0 for PROBE_KIND_SYSTEM), or -1 on an error worth stopping
 * for, with err filled. */
int probe_read(probe *p, int64_t now_ns, sample *out, char *err, size_t errlen);

/* The processes counted in the last probe_read, ascending by pid, with their
 * figures (pss only when read in that sample); valid until the next read.
 * Returns their count (0 without per_process). */
size_t probe_procs(const probe *p, const procrow **rows);

/* How many processes the OOM killer has killed in the target's cgroup (the
 * job's own in run, watch --cgroup's), as of the last probe_read; -1 when
 * unknown. */
int64_t probe_oom_kills(const probe *p);

/* Whether the OOM killer's victim pid (in the cgroup memcg as the kernel
 * names it, "" when unknown) was the target's: in the process set of the last
 * read or lately dropped from it, or in the target's own cgroup (the job's in
 * run, watch --cgroup's) or one below it. Every process is the machine's. */
bool probe_is_target(const probe *p, pid_t pid, const char *memcg);

/* How many reads saw a counted process leave (an OOM kill's victim is one). */
uint64_t probe_exits(const probe *p);

void probe_close(probe *p);

#endif
