/* probe_impl.h: the probe's insides, shared by probe.c (the process set,
 * the sums, the cgroup counters) and probe_pss.c (PSS, and mem from PSS or
 * the job's cgroup); nothing else includes it. */
#ifndef MEMLOG_PROBE_IMPL_H
#define MEMLOG_PROBE_IMPL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/mtime.h"
#include "model/procrow.h"
#include "record/probe.h"
#include "record/proctree.h"

#define PROBE_DEFAULT_PSS_NS NS_PER_S
#define PROBE_DEFAULT_SCAN_NS INT64_C(250000000)
/* mem from the PSS sum: at most five times a second, and never more than
 * 1/PROBE_MEM_SHARE of the time (smaps_rollup costs milliseconds on a big
 * process). */
#define PROBE_MEM_PSS_NS (NS_PER_S / 5)
#define PROBE_MEM_SHARE 100
/* ... and after a fork, which changes the parent's and its siblings' shares,
 * one pass within max(PROBE_MEM_PSS_NS, its cost x PROBE_FORK_SHARE): a
 * data set shared by workers forked a few samples apart is otherwise read
 * with a stale parent until the 1% budget allows (seconds, on big ones). */
#define PROBE_FORK_SHARE 10
/* New processes whose PSS is read at once in one sample, at most. */
#define PROBE_FRESH_PSS 64
/* The full scan's interval when the children lists find new processes. */
#define PROBE_KIDS_SCAN_NS NS_PER_S
/* Rounds of the children walk in one sample: a chain of new processes
 * deeper than this is found over the next samples. */
#define PROBE_KIDS_ROUNDS 16
/* Extra rescans a second, at most, when processes leave (their orphans
 * move to a new parent and must be found again). */
#define PROBE_EXTRA_SCANS_PER_S 20
/* The largest kB figure taken from /proc: a sum of 4096 of them still fits
 * in 64 bits as bytes (a larger one is garbage, not memory). */
#define PROBE_KB_MAX (INT64_MAX / 1024 / 4096)
/* status, smaps_rollup, meminfo and memory.stat all fit well within this. */
#define PROBE_BUF_BYTES 8192
/* Pids that left the set lately, for probe_is_target (a kill is logged as
 * its victim dies, and read at the sample after). */
#define PROBE_LEFT_MAX 256
/* How often the cgroup of a followed pid is looked up again. */
#define PROBE_CGROUP_CHECK_NS NS_PER_S
/* A process's status is read again after this long (else its statm only,
 * which costs a fraction: status formats ~50 lines, cpusets, signal masks). */
#define PROBE_STATUS_NS (NS_PER_S)

/* A per-process file: kept open, or (when fds ran out) reopened per read. */
struct probe_file {
	int fd;
	bool per_read;
};

/* Where a process's children are listed: one file per thread (a child
 * belongs to the thread that forked it). The main thread's is kept open; the
 * others are opened per read, listed again when the thread count changes. */
struct probe_kids {
	struct probe_file main; /* task/PID/children */
	pid_t *tids;            /* threads other than the main one */
	size_t ntids, tids_cap;
	long threads;           /* the thread count tids was listed for; 0: not yet */
};

/* One process of the target set. */
struct probe_proc {
	pid_t pid;
	bool gone;    /* vanished: fds closed until a rescan lists the pid again */
	bool counted; /* counted in the current sample (alive, not a zombie) */
	bool zombie;  /* seen as a zombie already (its orphans were looked for) */
	bool fresh;   /* joined in this sample's children walk: its own children are next */
	long threads; /* Threads: of its last status read */
	uint32_t serial; /* the probe's count of processes opened when it was */
	pid_t ppid;      /* per_process only, as the fields below */
	char name[PROCROW_NAME_MAX];
	char *cmd;       /* read when it starts and when its name changes (an exec) */
	int64_t pv[PROCROW_NCOLS];
	bool pss_read;   /* per_process: its PSS was read once (a new one's is read at once) */
	struct probe_file status;
	struct probe_file statm; /* fd -1: status every sample (no statm, e.g. a fixture tree) */
	bool status_done;        /* status read once: the fields below are set */
	int64_t status_ns;       /* when status was read last */
	int64_t statm_size;      /* statm's size (pages) then: it changes at an exec, an mmap */
	bool kthread;            /* status has no VmRSS: a kernel thread, 0 bytes */
	int64_t shmem, swap;     /* bytes, from that status read */
	struct probe_file smaps;
	struct probe_kids kids;
};

struct probe {
	enum probe_kind kind;
	pid_t pid;
	bool include_root;
	bool children;
	bool pss;
	bool smaps;      /* keep smaps_rollup open: for --pss, or for mem without a job cgroup */
	int64_t pss_interval_ns;
	int64_t scan_interval_ns;
	char *proc_root;
	char *cgroup_procs_path; /* cgroup probe: DIR/cgroup.procs */
	char *sys_root;
	bool cg_follow;          /* tree probe without a job cgroup: the cgroup column is pid's cgroup,
	                          * looked up again once a second (a job may be moved to another) */
	char cg_dir[4200];       /* ... the one cg_usage_fd is of ("" when none) */
	int cg_version;          /* of cg_dir: 1 or 2, 0 when cg_dir is "" */
	int64_t limit;           /* the limit binding cg_dir (cgroups_limit), -1 when none */
	int64_t limit_ns;        /* when it was read last, 0 before */
	int64_t cg_check_ns;
	bool cg_v1;              /* cgroup probe: the cgroup is v1 */

	int meminfo_fd;
	int loadavg_fd;  /* its last field is the newest pid: no new one, no walk */
	int64_t last_pid; /* ... as the last walk saw it; -1 before any */
	int cg_usage_fd; /* memory.current or memory.usage_in_bytes, -1 when unknown */
	int cg_stat_fd;  /* cgroup probe: memory.stat */
	int cg_swap_fd;  /* cgroup probe, v2: memory.swap.current */
	int job_stat_fd; /* tree probe: memory.stat of the job's own cgroup, or -1 */
	int job_v;       /* ... its version, 1 or 2 */
	int oom_fd;      /* the cgroup column's memory.oom_control (v1) or memory.events (v2), or -1 */
	int64_t oom_kills; /* its oom_kill as last read; -1 unknown */
	int64_t page_bytes;

	struct probe_proc *procs, *next; /* next is scratch for the rescan merge */
	size_t nprocs, procs_cap, next_cap;
	pid_t *scan;
	size_t scan_cap;

	bool scanned;
	bool kids_ok;              /* the kernel lists children: walk them every sample */
	struct probe_kids root_kids; /* the root's, when the root is not a member */
	pid_t *found;              /* scratch: new pids found by the walk */
	size_t nfound, found_cap;
	proctree_cache tree_cache; /* processes known to be outside the tree */
	bool vanished; /* a counted process left since the last scan */
	int64_t extra_window_ns; /* start of the second the extra rescans are counted in */
	int extra_scans;
	int64_t scan_ns;
	bool pss_done;
	bool pss_forked;  /* a new process was read since the last full PSS pass */
	int64_t pss_ns;
	bool mem_done;          /* mem from the PSS sum (no job cgroup): read once */
	int64_t mem_ns, mem_cost_ns;
	bool per_process;       /* keep each process's row for probe_procs */
	uint32_t serials;
	procrow *rows;
	size_t nrows, rows_cap;

	uint64_t exits;  /* reads that saw a counted process leave */
	pid_t left[PROBE_LEFT_MAX]; /* a ring of the pids dropped from the set lately */
	size_t left_next;

	char buf[PROBE_BUF_BYTES];
};

/* Notes a pid dropped from the set (record/probe_target.c). */
void probe_left(probe *p, pid_t pid);

/* Re-reads an open file from its start into p->buf; the byte count (0 at a
 * vanished process) or -1 with errno set. */
ssize_t probe_pread(probe *p, int fd);

/* Reads a per-process file into p->buf, kept open or opened for the read;
 * the byte count, 0 when the process vanished, -1 when not available. */
ssize_t probe_file_read(probe *p, pid_t pid, const char *name, struct probe_file *f);

/* Sums Pss over the processes counted in this sample into *out (each one's
 * kept in its row); false when none could be read, *all whether all were. */
bool probe_read_pss(probe *p, int64_t *out, bool *all);

/* per_process: the PSS of new processes, read at once (a few a sample). */
void probe_read_fresh_pss(probe *p);

/* mem and cache into out: from a memory.stat each sample, else mem is the
 * PSS sum of the tree at a paced rate (which also reads each process's PSS
 * for per_process). */
void probe_read_mem(probe *p, int64_t now_ns, sample *out);

#endif
