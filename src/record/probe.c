/* probe.c: owns the reading of one memory sample of a target: the process set
 * (kept-open /proc/PID/statm fds re-read with pread, status once a second
 * or when statm's size moved), the machine from
 * /proc/meminfo and the cgroup counters (v1 and v2); PSS from smaps_rollup
 * (paced, it is expensive) and mem are in probe_pss.c. The process set
 * itself is refreshed from proctree at most every scan interval, since
 * scanning /proc costs far more than a sample.
 *
 * Choices worth knowing:
 * - A process whose status read fails or returns nothing (ESRCH, vanished)
 *   has its fds closed and is left out until a rescan lists its pid again.
 * - Zombies (State Z or X) are read but not counted in procs; kernel threads
 *   (no VmRSS line) count as processes of 0 bytes.
 * - With children false only pid itself is counted, whatever include_root says.
 * - The cgroup column of a tree probe is the job's own cgroup when there is
 *   one (run), else the cgroup of cfg->pid, resolved once at open.
 * - When the process runs out of fds, further processes are opened, read and
 *   closed on every sample instead of kept open: slower, but still counted.
 * - New descendants are found every sample from the children lists of the
 *   members' threads (/proc/PID/task/TID/children, a kept-open fd re-read with
 *   pread): a compiler or a pipeline stage that lives 50 ms is in the curve
 *   from the sample after it started, and an orphan reparented to the root
 *   (memlog, the subreaper) is in its list at once. The full /proc scan is then
 *   only a safety net, once a second. Where the kernel has no children lists
 *   (CONFIG_PROC_CHILDREN off, or a fixture tree), the scan every 250 ms and
 *   the extra scans when a process leaves do the finding, as before.
 */
#include "record/probe.h"
#include "record/probe_impl.h"
#include "record/cgroups.h"
#include "record/kvscan.h"
#include "record/procid.h"
#include "record/proctree.h"

#include "base/grow.h"
#include "base/mtime.h"
#include "model/procrow.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


static const kvscan_key probe_status_keys[] = {
	KVSCAN_KEY("State"), KVSCAN_KEY("VmRSS"), KVSCAN_KEY("RssAnon"),
	KVSCAN_KEY("RssFile"), KVSCAN_KEY("RssShmem"), KVSCAN_KEY("VmSwap"), KVSCAN_KEY("Threads"),
	KVSCAN_KEY("Name"), KVSCAN_KEY("PPid"),
};
/* ST_THREADS on are not memory sums: the thread count tells when a
 * process's threads changed; name and parent are for per_process. */
enum { ST_STATE, ST_RSS, ST_ANON, ST_FILE, ST_SHMEM, ST_SWAP, ST_THREADS, ST_NAME, ST_PPID, ST_NKEYS };

static const kvscan_key probe_meminfo_keys[] = {
	KVSCAN_KEY("MemTotal"), KVSCAN_KEY("MemAvailable"),
};


/* memory.stat keys for anon, file, shmem, swap; v1 uses the cgroup's own
 * counters, not the hierarchical total_* ones. */
static const kvscan_key probe_stat_v2_keys[] = {
	KVSCAN_KEY("anon"), KVSCAN_KEY("file"), KVSCAN_KEY("shmem"), KVSCAN_KEY("swap"),
};
static const kvscan_key probe_stat_v1_keys[] = {
	KVSCAN_KEY("rss"), KVSCAN_KEY("cache"), KVSCAN_KEY("shmem"), KVSCAN_KEY("swap"),
};

/* Writes a formatted sentence into err when there is room for one. */
__attribute__((format(printf, 3, 4)))
static void probe_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Re-reads an open file from its start into p->buf; returns the byte count
 * (0 at a vanished process) or -1 with errno set. */
ssize_t probe_pread(probe *p, int fd)
{
	ssize_t n;
	do
		n = pread(fd, p->buf, sizeof p->buf, 0);
	while (n < 0 && errno == EINTR);
	return n;
}

/* Reads a file holding one number (memory.current and the like) into *out. */
static bool probe_read_single(probe *p, int fd, int64_t *out)
{
	if (fd < 0)
		return false;
	ssize_t n = probe_pread(p, fd);
	if (n <= 0)
		return false;
	return kvscan_num(p->buf, p->buf + n, out);
}

/* Opens proc_root/pid/name read-only, close-on-exec. */
static int probe_open_pidfile(const probe *p, pid_t pid, const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%d/%s", p->proc_root, (int)pid, name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* Opens a per-process file to be kept; falls back to per-read opening when
 * the process is out of fds. Returns false when the file cannot be opened. */
static bool probe_file_open(const probe *p, pid_t pid, const char *name, struct probe_file *f)
{
	f->per_read = false;
	f->fd = probe_open_pidfile(p, pid, name);
	if (f->fd >= 0)
		return true;
	if (errno == EMFILE || errno == ENFILE) {
		f->per_read = true;
		return true;
	}
	return false;
}

/* Closes a per-process file. */
static void probe_file_close(struct probe_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	f->per_read = false;
}

/* Reads a per-process file into p->buf; returns the byte count, 0 when the
 * process vanished, -1 on error or when the file is not available. */
ssize_t probe_file_read(probe *p, pid_t pid, const char *name, struct probe_file *f)
{
	if (f->fd >= 0)
		return probe_pread(p, f->fd);
	if (!f->per_read)
		return -1;
	int fd = probe_open_pidfile(p, pid, name);
	if (fd < 0)
		return -1;
	ssize_t n = probe_pread(p, fd);
	close(fd);
	return n;
}

/* The name under proc_root/PID of a thread's children list. */
static void probe_kids_name(pid_t tid, char *buf, size_t len)
{
	snprintf(buf, len, "task/%d/children", (int)tid);
}

/* Opens the main thread's children list of pid (the rest come with the
 * first thread count); leaves k unusable when there is none. */
static void probe_kids_open(const probe *p, pid_t pid, struct probe_kids *k)
{
	char name[48];
	memset(k, 0, sizeof *k);
	k->main.fd = -1;
	if (!p->kids_ok)
		return;
	probe_kids_name(pid, name, sizeof name);
	probe_file_open(p, pid, name, &k->main);
}

/* Closes a children list and forgets its threads. */
static void probe_kids_close(struct probe_kids *k)
{
	probe_file_close(&k->main);
	free(k->tids);
	k->tids = NULL;
	k->ntids = k->tids_cap = 0;
	k->threads = 0;
}

/* Opens the files of one process of the set; marks it gone when it has no status. */
static void probe_proc_open(probe *p, struct probe_proc *pr)
{
	pr->gone = false;
	pr->counted = false;
	pr->zombie = false;
	pr->fresh = false;
	pr->threads = 1;
	pr->serial = ++p->serials;
	pr->ppid = 0;
	pr->name[0] = 0;
	pr->cmd = NULL;
	pr->pss_read = false;
	pr->smaps.fd = -1;
	pr->smaps.per_read = false;
	pr->statm.fd = -1;
	pr->statm.per_read = false;
	pr->status_done = false;
	probe_kids_open(p, pr->pid, &pr->kids);
	if (!probe_file_open(p, pr->pid, "status", &pr->status)) {
		probe_kids_close(&pr->kids);
		pr->gone = true;
		return;
	}
	if (!probe_file_open(p, pr->pid, "statm", &pr->statm))
		pr->statm.fd = -1;
	/* A child we may not read (setuid) still counts, just without PSS. */
	if (p->smaps)
		probe_file_open(p, pr->pid, "smaps_rollup", &pr->smaps);
}

/* Closes the files of one process and marks it gone. */
static void probe_proc_close(struct probe_proc *pr)
{
	probe_file_close(&pr->status);
	probe_file_close(&pr->statm);
	probe_file_close(&pr->smaps);
	probe_kids_close(&pr->kids);
	free(pr->cmd);
	pr->cmd = NULL;
	pr->gone = true;
}

/* Builds the sorted pid list of the target into p->scan; returns its length,
 * or -1 when the list could not be built this time. */
static long probe_list_pids(probe *p)
{
	if (p->kind == PROBE_KIND_CGROUP) {
		long n = proctree_cgroup_procs(p->cgroup_procs_path, &p->scan, &p->scan_cap);
		/* A cgroup that is gone has no processes left. */
		return n < 0 ? 0 : n;
	}
	long n = 0;
	if (p->children) {
		n = proctree_descendants_cached(p->proc_root, p->pid, &p->tree_cache, &p->scan, &p->scan_cap);
		if (n < 0)
			return -1;
	}
	if (p->include_root || !p->children) {
		void *arr = p->scan;
		if (!grow_array(&arr, &p->scan_cap, (size_t)n + 1, sizeof *p->scan))
			return -1;
		p->scan = arr;
		/* Descendants never include root, so insert it in order. */
		long at = 0;
		while (at < n && p->scan[at] < p->pid)
			at++;
		memmove(p->scan + at + 1, p->scan + at, (size_t)(n - at) * sizeof *p->scan);
		p->scan[at] = p->pid;
		n++;
	}
	return n;
}

/* Merges the sorted pid list (n long) into the process set: keeps the fds
 * of processes listed, opens new ones (and ones that vanished but are listed
 * again: a reused pid) marked fresh, and, when drop_unlisted, closes those
 * not listed. Leaves the set as it was when out of memory. */
static void probe_merge(probe *p, const pid_t *list, size_t n, bool drop_unlisted)
{
	void *arr = p->next;
	if (!grow_array(&arr, &p->next_cap, p->nprocs + n + 1, sizeof *p->next))
		return;
	p->next = arr;
	size_t i = 0, j = 0, w = 0;
	while (i < p->nprocs || j < n) {
		if (j == n || (i < p->nprocs && p->procs[i].pid < list[j])) {
			if (drop_unlisted) {
				probe_left(p, p->procs[i].pid);
				probe_proc_close(&p->procs[i++]);
			}
			else
				p->next[w++] = p->procs[i++];
			continue;
		}
		struct probe_proc *pr = &p->next[w++];
		if (i < p->nprocs && p->procs[i].pid == list[j]) {
			*pr = p->procs[i++];
			if (pr->gone) {
				probe_proc_open(p, pr);
				pr->fresh = true;
			}
		} else {
			pr->pid = list[j];
			probe_proc_open(p, pr);
			pr->fresh = true;
		}
		j++;
	}
	struct probe_proc *t = p->procs;
	size_t tcap = p->procs_cap;
	p->procs = p->next;
	p->procs_cap = p->next_cap;
	p->nprocs = w;
	p->next = t;
	p->next_cap = tcap;
}

/* Refreshes the process set from a full listing of the target. */
static void probe_rescan(probe *p)
{
	long n = probe_list_pids(p);
	if (n >= 0)
		probe_merge(p, p->scan, (size_t)n, true);
}

/* Whether pid is in the process set (sorted by pid). */
static bool probe_has_pid(const probe *p, pid_t pid)
{
	size_t lo = 0, hi = p->nprocs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->procs[mid].pid < pid)
			lo = mid + 1;
		else if (p->procs[mid].pid > pid)
			hi = mid;
		else
			return !p->procs[mid].gone;
	}
	return false;
}

/* Adds the pids of one children list (in p->buf, n bytes) that are not in
 * the set to p->found. */
static void probe_kids_parse(probe *p, ssize_t n)
{
	long v = 0;
	bool in_num = false;
	for (ssize_t i = 0; i <= n; i++) {
		char c = i < n ? p->buf[i] : ' ';
		if (c >= '0' && c <= '9') {
			if (v <= INT32_MAX)
				v = v * 10 + (c - '0');
			in_num = true;
			continue;
		}
		if (in_num && v > 0 && v <= INT32_MAX && (pid_t)v != p->pid && !probe_has_pid(p, (pid_t)v)) {
			void *arr = p->found;
			if (!grow_array(&arr, &p->found_cap, p->nfound + 1, sizeof *p->found))
				return;
			p->found = arr;
			p->found[p->nfound++] = (pid_t)v;
		}
		in_num = false;
		v = 0;
	}
}

/* Lists the threads of pid other than the main one into k->tids. */
static void probe_kids_list_threads(const probe *p, pid_t pid, struct probe_kids *k, long threads)
{
	char path[4096];
	k->ntids = 0;
	k->threads = threads;
	if (threads <= 1)
		return;
	snprintf(path, sizeof path, "%s/%d/task", p->proc_root, (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		char *end;
		long tid = strtol(de->d_name, &end, 10);
		if (*end || tid <= 0 || tid > INT32_MAX || tid == pid)
			continue;
		void *arr = k->tids;
		if (!grow_array(&arr, &k->tids_cap, k->ntids + 1, sizeof *k->tids))
			break;
		k->tids = arr;
		k->tids[k->ntids++] = (pid_t)tid;
	}
	closedir(d);
}

/* Reads every thread's children list of pid into p->found (new pids only). */
static void probe_kids_read(probe *p, pid_t pid, struct probe_kids *k, long threads)
{
	char name[48];
	if (k->main.fd < 0 && !k->main.per_read)
		return;
	if (threads != k->threads)
		probe_kids_list_threads(p, pid, k, threads);
	probe_kids_name(pid, name, sizeof name);
	ssize_t n = probe_file_read(p, pid, name, &k->main);
	if (n > 0)
		probe_kids_parse(p, n);
	for (size_t t = 0; t < k->ntids; t++) {
		struct probe_file once = { .fd = -1, .per_read = true };
		probe_kids_name(k->tids[t], name, sizeof name);
		n = probe_file_read(p, pid, name, &once);
		if (n > 0)
			probe_kids_parse(p, n);
	}
}

/* Orders pids ascending. */
static int probe_cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return (x > y) - (x < y);
}

/* Finds the processes that joined the tree since the last sample from the
 * children lists of the root and the members, and adds them (and, round by
 * round, their own children) to the set. Returns how many joined. */
static size_t probe_walk_kids(probe *p)
{
	size_t joined = 0;
	for (size_t i = 0; i < p->nprocs; i++)
		p->procs[i].fresh = false;
	for (int round = 0; round < PROBE_KIDS_ROUNDS; round++) {
		p->nfound = 0;
		if (round == 0 && !p->include_root)
			probe_kids_read(p, p->pid, &p->root_kids, p->root_kids.threads);
		for (size_t i = 0; i < p->nprocs; i++) {
			struct probe_proc *pr = &p->procs[i];
			if (pr->gone || (round > 0 && !pr->fresh))
				continue;
			pr->fresh = false;
			probe_kids_read(p, pr->pid, &pr->kids, pr->threads);
		}
		if (p->nfound == 0)
			break;
		qsort(p->found, p->nfound, sizeof *p->found, probe_cmp_pid);
		size_t w = 1;
		for (size_t r = 1; r < p->nfound; r++)
			if (p->found[r] != p->found[w - 1])
				p->found[w++] = p->found[r];
		probe_merge(p, p->found, w, false);
		joined += w;
	}
	return joined;
}

/* pr->cmd anew from its cmdline. */
static void probe_read_cmd(const probe *p, struct probe_proc *pr)
{
	char cmd[PROCROW_CMD_MAX + 1];
	procid_cmdline(p->proc_root, pr->pid, cmd, sizeof cmd);
	free(pr->cmd);
	pr->cmd = strdup(cmd);
}

/* A process's name and parent from its status (name and ppid point into
 * it), and its command line when the name is new (it started or exec'd). */
static void probe_proc_identity(probe *p, struct probe_proc *pr, const char *name, const char *ppid,
                                const char *end)
{
	int64_t v;
	if (kvscan_num(ppid, end, &v) && v <= INT32_MAX)
		pr->ppid = (pid_t)v;
	size_t len = kvscan_len(name, end);
	if (len >= sizeof pr->name)
		len = sizeof pr->name - 1;
	if (pr->cmd && strlen(pr->name) == len && memcmp(pr->name, name, len) == 0)
		return;
	memcpy(pr->name, name ? name : "", len);
	pr->name[len] = 0;
	probe_read_cmd(p, pr);
}

/* statm's first three fields (pages): size, resident, shared. */
static bool probe_parse_statm(const char *s, const char *end, int64_t v[3])
{
	for (int i = 0; i < 3; i++) {
		while (s < end && *s == ' ')
			s++;
		if (!kvscan_num(s, end, &v[i]) || v[i] > PROBE_KB_MAX)
			return false;
		while (s < end && *s >= '0' && *s <= '9')
			s++;
	}
	return true;
}

/* Reads one process's status into the sums and its row; returns 1 when
 * it counts, 0 for a zombie, -1 when it vanished (its fds are then closed). */
static int probe_read_status(probe *p, struct probe_proc *pr, int64_t sums[ST_NKEYS], int64_t now_ns)
{
	ssize_t n = probe_file_read(p, pr->pid, "status", &pr->status);
	if (n <= 0) {
		probe_proc_close(pr);
		return -1;
	}
	const char *at[ST_NKEYS];
	const char *end = p->buf + n;
	kvscan_keys(p->buf, (size_t)n, probe_status_keys, ST_NKEYS, at);
	if (!at[ST_STATE]) {
		probe_proc_close(pr);
		return -1;
	}
	if (*at[ST_STATE] == 'Z' || *at[ST_STATE] == 'X')
		return 0;
	pr->status_done = true;
	pr->status_ns = now_ns;
	pr->kthread = !at[ST_RSS];
	int64_t threads;
	if (kvscan_num(at[ST_THREADS], end, &threads))
		pr->threads = (long)threads;
	for (int k = ST_RSS; k < ST_THREADS; k++) {
		int64_t kb;
		pr->pv[k - ST_RSS] = SAMPLE_NONE;
		/* Kernel threads have no Vm/Rss lines: they hold no user memory.
		 * A value no machine has is not summed (nor overflowed). */
		if (kvscan_num(at[k], end, &kb) && kb <= PROBE_KB_MAX) {
			sums[k] += kb * 1024;
			pr->pv[k - ST_RSS] = kb * 1024;
		}
	}
	pr->pv[PROCROW_PSS] = SAMPLE_NONE;
	pr->shmem = pr->pv[PROCROW_SHMEM] > 0 ? pr->pv[PROCROW_SHMEM] : 0;
	pr->swap = pr->pv[PROCROW_SWAP];
	if (p->per_process)
		probe_proc_identity(p, pr, at[ST_NAME], at[ST_PPID], end);
	/* The size statm has now: the next samples read statm alone while it stays. */
	int64_t v[3];
	n = pr->statm.fd >= 0 ? probe_file_read(p, pr->pid, "statm", &pr->statm) : -1;
	pr->statm_size = n > 0 && probe_parse_statm(p->buf, p->buf + n, v) ? v[0] : -1;
	return 1;
}

/* Adds one process to the sums: from statm, which costs a fraction of
 * status, with status read again once a second, and at once when statm's
 * size changed (an exec, a new mapping: the name, the threads, the split
 * of file and shared memory may have too). Between status reads, rss and
 * anon are exact (statm's resident and resident - shared); shmem and swap
 * are status's last, file the rest of shared. Returns as probe_read_status. */
static int probe_read_proc(probe *p, struct probe_proc *pr, int64_t sums[ST_NKEYS], int64_t now_ns)
{
	if (pr->statm.fd < 0 || !pr->status_done || now_ns - pr->status_ns >= PROBE_STATUS_NS)
		return probe_read_status(p, pr, sums, now_ns);
	ssize_t n = probe_file_read(p, pr->pid, "statm", &pr->statm);
	int64_t v[3];
	if (n <= 0) {
		probe_proc_close(pr);
		return -1;
	}
	if (!probe_parse_statm(p->buf, p->buf + n, v))
		return probe_read_status(p, pr, sums, now_ns);
	if (v[0] == 0 && !pr->kthread)
		return probe_read_status(p, pr, sums, now_ns); /* no memory: a zombie, or exiting */
	if (v[0] != pr->statm_size)
		return probe_read_status(p, pr, sums, now_ns);
	int64_t rss = v[1] * p->page_bytes, shared = v[2] * p->page_bytes;
	int64_t shmem = pr->shmem < shared ? pr->shmem : shared;
	pr->pv[PROCROW_RSS] = rss;
	pr->pv[PROCROW_ANON] = rss - shared;
	pr->pv[PROCROW_FILE] = shared - shmem;
	pr->pv[PROCROW_SHMEM] = shmem;
	pr->pv[PROCROW_SWAP] = pr->swap;
	pr->pv[PROCROW_PSS] = SAMPLE_NONE;
	for (int k = ST_RSS; k < ST_THREADS; k++)
		if (pr->pv[k - ST_RSS] > 0)
			sums[k] += pr->pv[k - ST_RSS];
	return 1;
}

/* Fills sys_used and sys_avail; returns -1 when meminfo cannot be read. */
static int probe_read_meminfo(probe *p, sample *out, char *err, size_t errlen)
{
	ssize_t n = probe_pread(p, p->meminfo_fd);
	if (n <= 0) {
		probe_err(err, errlen, "reading %s/meminfo: %s", p->proc_root,
			  n < 0 ? strerror(errno) : "empty file");
		return -1;
	}
	const char *at[2];
	int64_t total_kb, avail_kb;
	kvscan_keys(p->buf, (size_t)n, probe_meminfo_keys, 2, at);
	if (kvscan_num(at[0], p->buf + n, &total_kb) &&
	    kvscan_num(at[1], p->buf + n, &avail_kb) && total_kb <= PROBE_KB_MAX &&
	    avail_kb <= total_kb) {
		out->v[SAMPLE_SYS_USED] = (total_kb - avail_kb) * 1024;
		out->v[SAMPLE_SYS_AVAIL] = avail_kb * 1024;
	}
	return 0;
}

/* Fills anon, file, shmem and swap from the cgroup's own counters. */
static void probe_read_cgroup_stat(probe *p, sample *out)
{
	int64_t v;
	if (p->cg_stat_fd >= 0) {
		ssize_t n = probe_pread(p, p->cg_stat_fd);
		if (n > 0) {
			const char *at[4];
			kvscan_keys(p->buf, (size_t)n, p->cg_v1 ? probe_stat_v1_keys : probe_stat_v2_keys,
					4, at);
			const char *end = p->buf + n;
			if (kvscan_num(at[0], end, &v))
				out->v[SAMPLE_ANON] = v;
			if (kvscan_num(at[1], end, &v))
				out->v[SAMPLE_FILE] = v;
			if (kvscan_num(at[2], end, &v))
				out->v[SAMPLE_SHMEM] = v;
			/* v1 has "swap" only with swap accounting; v2 has memory.swap.current. */
			if (p->cg_v1 && kvscan_num(at[3], end, &v))
				out->v[SAMPLE_SWAP] = v;
		}
	}
	if (!p->cg_v1 && probe_read_single(p, p->cg_swap_fd, &v))
		out->v[SAMPLE_SWAP] = v;
}

/* The rows of the processes counted in this sample, for probe_procs. */
static void probe_fill_rows(probe *p)
{
	void *arr = p->rows;
	p->nrows = 0;
	if (!grow_array(&arr, &p->rows_cap, p->nprocs + 1, sizeof *p->rows))
		return;
	p->rows = arr;
	for (size_t i = 0; i < p->nprocs; i++) {
		const struct probe_proc *pr = &p->procs[i];
		if (!pr->counted)
			continue;
		procrow *r = &p->rows[p->nrows++];
		memset(r, 0, sizeof *r);
		r->pid = pr->pid;
		r->ppid = pr->ppid;
		r->serial = pr->serial;
		r->name = pr->name;
		r->cmd = pr->cmd ? pr->cmd : "";
		memcpy(r->v, pr->pv, sizeof r->v);
	}
}

size_t probe_procs(const probe *p, const procrow **rows)
{
	*rows = p->rows;
	return p->per_process ? p->nrows : 0;
}

/* Whether one more rescan for a process that left fits in this second's
 * budget: a tree that forks and reaps all the time (a build) must not turn
 * every sample into a full /proc scan. Counts the rescan when it fits. */
static bool probe_rescan_budget(probe *p, int64_t now_ns)
{
	if (now_ns - p->extra_window_ns >= NS_PER_S) {
		p->extra_window_ns = now_ns;
		p->extra_scans = 0;
	}
	if (p->extra_scans >= PROBE_EXTRA_SCANS_PER_S)
		return false;
	p->extra_scans++;
	return true;
}

static void probe_follow_cgroup(probe *p, int64_t now_ns);

static const kvscan_key probe_oom_key[] = { KVSCAN_KEY("oom_kill") };

/* The limit on the cgroup column's cgroup, read again once a second (a
 * limit can be set or changed while the job runs). */
static void probe_read_limit(probe *p, int64_t now_ns, sample *out)
{
	if (!p->cg_version)
		return;
	if (!p->limit_ns || now_ns - p->limit_ns >= PROBE_CGROUP_CHECK_NS) {
		p->limit = cgroups_limit(p->cg_dir, p->cg_version);
		p->limit_ns = now_ns ? now_ns : 1;
	}
	if (p->limit > 0)
		out->v[SAMPLE_LIMIT] = p->limit;
}

/* The cgroup's OOM kill count. */
static void probe_read_oom(probe *p)
{
	int64_t v;
	ssize_t n = p->oom_fd >= 0 ? probe_pread(p, p->oom_fd) : -1;
	const char *at;
	if (n <= 0)
		return;
	kvscan_keys(p->buf, (size_t)n, probe_oom_key, 1, &at);
	if (kvscan_num(at, p->buf + n, &v))
		p->oom_kills = v;
}

int64_t probe_oom_kills(const probe *p)
{
	return p->oom_kills;
}

/* Whether a process may have been created since the last walk: the newest
 * pid of the machine (the last field of loadavg) moved. A tree whose
 * processes do not fork is then not walked at all (its children lists
 * would cost a read a process a sample); orphans need no walk, they are
 * members already. True when loadavg cannot be read (a fixture tree). */
static bool probe_forked(probe *p)
{
	ssize_t n = p->loadavg_fd >= 0 ? probe_pread(p, p->loadavg_fd) : -1;
	if (n <= 0)
		return true;
	const char *end = p->buf + n, *c = end;
	while (c > p->buf && (c[-1] == '\n' || c[-1] == ' '))
		c--;
	const char *num = c;
	while (num > p->buf && num[-1] != ' ')
		num--;
	int64_t last;
	if (!kvscan_num(num, c, &last))
		return true;
	bool moved = last != p->last_pid;
	p->last_pid = last;
	return moved;
}

int probe_read(probe *p, int64_t now_ns, sample *out, char *err, size_t errlen)
{
	for (int i = 0; i < SAMPLE_NCOLS; i++)
		out->v[i] = SAMPLE_NONE;
	if (probe_read_meminfo(p, out, err, errlen) < 0)
		return -1;
	if (p->kind == PROBE_KIND_SYSTEM)
		return 0;

	/* A process that left may have left orphans behind, which are now
	 * somebody else's children: look again soon rather than in a full scan
	 * interval, or the tree would seem to drop to nothing meanwhile.
	 * With children lists, the orphans are in the new parent's list (the
	 * subreaper's) and the walk finds them without a scan. */
	bool due = !p->scanned || now_ns - p->scan_ns >= p->scan_interval_ns ||
	           (!p->kids_ok && p->vanished && probe_rescan_budget(p, now_ns));
	bool walk = p->kids_ok && p->children;
	int64_t sums[ST_NKEYS];
	int counted;
	for (int pass = 0;; pass++) {
		if (due) {
			probe_rescan(p);
			if (walk && !p->include_root)
				probe_kids_list_threads(p, p->pid, &p->root_kids, 2);
			p->scanned = true;
			p->vanished = false;
			p->scan_ns = now_ns;
		}
		if (walk && pass == 0 && probe_forked(p))
			probe_walk_kids(p);
		memset(sums, 0, sizeof sums);
		counted = 0;
		bool vanished_now = false;
		for (size_t i = 0; i < p->nprocs; i++) {
			struct probe_proc *pr = &p->procs[i];
			bool was_gone = pr->gone;
			int r = was_gone ? -1 : probe_read_proc(p, pr, sums, now_ns);
			pr->counted = r > 0;
			if (pr->counted)
				counted++;
			/* Its first sample as a zombie is when its children became orphans. */
			if ((!was_gone && r < 0) || (r == 0 && !pr->zombie))
				vanished_now = true;
			pr->zombie = r == 0;
		}
		if (vanished_now) {
			p->vanished = true;
			p->exits++;
		}
		/* One more pass at once when this sample saw a process leave: its
		 * orphans moved between the walk and the reads. With children lists
		 * the reads are redone only when the walk finds someone new. */
		if (pass > 0 || !vanished_now)
			break;
		if (walk) {
			due = false;
			if (probe_walk_kids(p) == 0)
				break;
			continue;
		}
		if (due || !probe_rescan_budget(p, now_ns))
			break;
		due = true;
	}
	out->v[SAMPLE_RSS] = sums[ST_RSS];
	out->v[SAMPLE_ANON] = sums[ST_ANON];
	out->v[SAMPLE_FILE] = sums[ST_FILE];
	out->v[SAMPLE_SHMEM] = sums[ST_SHMEM];
	out->v[SAMPLE_SWAP] = sums[ST_SWAP];
	out->v[SAMPLE_PROCS] = counted;

	if (p->pss && (!p->pss_done || now_ns - p->pss_ns >= p->pss_interval_ns)) {
		int64_t pss;
		bool all;
		if (probe_read_pss(p, &pss, &all))
			out->v[SAMPLE_PSS] = pss;
		p->pss_done = true;
		p->pss_ns = now_ns;
	}

	int64_t cg;
	probe_read_oom(p);
	probe_follow_cgroup(p, now_ns);
	if (probe_read_single(p, p->cg_usage_fd, &cg))
		out->v[SAMPLE_CGROUP] = cg;
	probe_read_limit(p, now_ns, out);
	if (p->kind == PROBE_KIND_CGROUP) {
		out->v[SAMPLE_ANON] = SAMPLE_NONE;
		out->v[SAMPLE_FILE] = SAMPLE_NONE;
		out->v[SAMPLE_SHMEM] = SAMPLE_NONE;
		out->v[SAMPLE_SWAP] = SAMPLE_NONE;
		probe_read_cgroup_stat(p, out);
	}
	probe_read_mem(p, now_ns, out);
	if (p->per_process) {
		if (p->smaps)
			probe_read_fresh_pss(p);
		probe_fill_rows(p);
	}
	return counted;
}

/* Opens dir/name for reading; returns -1 when it does not exist or is unreadable. */
static int probe_open_in(const char *dir, const char *name)
{
	char path[4096];
	int len = snprintf(path, sizeof path, "%s/%s", dir, name);
	if (len < 0 || (size_t)len >= sizeof path)
		return -1;
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* Opens the memory usage file of the cgroup that cfg->pid belongs to (v1
 * when the process has a memory hierarchy, else v2). Returns -1 when there
 * is none (e.g. the v2 root). */
static int probe_open_pid_cgroup(probe *p, const char *sys_root)
{
	char dir[4200];
	int v = cgroups_memory_dir(p->proc_root, sys_root, p->pid, dir, sizeof dir);
	if (v < 0)
		return -1;
	snprintf(p->cg_dir, sizeof p->cg_dir, "%s", dir);
	p->cg_version = v;
	return probe_open_in(dir, v == 1 ? "memory.usage_in_bytes" : "memory.current");
}


/* The followed pid's cgroup again, at most once a second: when the job was
 * moved (a container runtime, systemd-run, a hand), the cgroup column
 * follows it to its new cgroup. */
static void probe_follow_cgroup(probe *p, int64_t now_ns)
{
	if (!p->cg_follow || now_ns - p->cg_check_ns < PROBE_CGROUP_CHECK_NS)
		return;
	p->cg_check_ns = now_ns;
	char dir[4200];
	int v = cgroups_memory_dir(p->proc_root, p->sys_root, p->pid, dir, sizeof dir);
	if (v < 0 || strcmp(dir, p->cg_dir) == 0)
		return;
	int fd = probe_open_in(dir, v == 1 ? "memory.usage_in_bytes" : "memory.current");
	if (fd < 0)
		return;
	if (p->cg_usage_fd >= 0)
		close(p->cg_usage_fd);
	if (p->oom_fd >= 0)
		close(p->oom_fd);
	p->cg_usage_fd = fd;
	snprintf(p->cg_dir, sizeof p->cg_dir, "%s", dir);
	p->cg_version = v;
	p->limit_ns = 0;
}

/* Checks that the target pid can be read; fills err and returns -1 otherwise. */
static int probe_check_pid(probe *p, char *err, size_t errlen)
{
	int pid = (int)p->pid;
	if (p->pid <= 0) {
		probe_err(err, errlen, "--pid %d: no such process", pid);
		return -1;
	}
	int fd = probe_open_pidfile(p, p->pid, "status");
	if (fd < 0) {
		if (errno == ENOENT || errno == ESRCH)
			probe_err(err, errlen, "--pid %d: no such process", pid);
		else if (errno == EACCES || errno == EPERM)
			probe_err(err, errlen, "--pid %d: permission denied reading %s/%d/status",
				  pid, p->proc_root, pid);
		else
			probe_err(err, errlen, "--pid %d: cannot read %s/%d/status: %s", pid,
				  p->proc_root, pid, strerror(errno));
		return -1;
	}
	ssize_t n = probe_pread(p, fd);
	close(fd);
	if (n > 0) {
		/* Kernel threads (and zombies) have no memory lines: recording
		 * one would give a curve of 0 B that looks like a measurement. */
		static const kvscan_key keys[] = { KVSCAN_KEY("Name"), KVSCAN_KEY("State"), KVSCAN_KEY("VmRSS") };
		const char *at[3];
		kvscan_keys(p->buf, (size_t)n, keys, 3, at);
		const char *end = p->buf + n;
		int namelen = (int)kvscan_len(at[0], end);
		if (at[1] && (*at[1] == 'Z' || *at[1] == 'X')) {
			probe_err(err, errlen, "--pid %d: the process has exited (a zombie its parent has not reaped); "
				  "expected a running process", pid);
			return -1;
		}
		if (!at[2]) {
			probe_err(err, errlen, "--pid %d: %.*s is a kernel thread; %s no user memory to record "
				  "(expected a user process)", pid, namelen, at[0] ? at[0] : "",
				  p->children ? "it and its descendants have" : "it has");
			return -1;
		}
	}
	if (!p->pss)
		return 0;
	fd = probe_open_pidfile(p, p->pid, "smaps_rollup");
	if (fd < 0) {
		if (errno == EACCES || errno == EPERM)
			probe_err(err, errlen,
				  "--pid %d: permission denied reading %s/%d/smaps_rollup (needed for --pss); "
				  "run memlog as the process's owner or root", pid, p->proc_root, pid);
		else
			probe_err(err, errlen, "--pid %d: cannot read %s/%d/smaps_rollup (needed for --pss): %s",
				  pid, p->proc_root, pid, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/* Detects the cgroup version of cfg->cgroup_dir and opens its counters. */
static int probe_open_cgroup_dir(probe *p, const char *dir, char *err, size_t errlen)
{
	if (!dir || !*dir) {
		probe_err(err, errlen, "--cgroup: no directory given");
		return -1;
	}
	p->cg_usage_fd = probe_open_in(dir, "memory.current");
	if (p->cg_usage_fd < 0) {
		p->cg_usage_fd = probe_open_in(dir, "memory.usage_in_bytes");
		p->cg_v1 = true;
	}
	if (p->cg_usage_fd < 0) {
		probe_err(err, errlen,
			  "--cgroup %s: not a memory cgroup (no memory.current or memory.usage_in_bytes)", dir);
		return -1;
	}
	p->cg_stat_fd = probe_open_in(dir, "memory.stat");
	p->oom_fd = probe_open_in(dir, p->cg_v1 ? "memory.oom_control" : "memory.events");
	snprintf(p->cg_dir, sizeof p->cg_dir, "%s", dir);
	p->cg_version = p->cg_v1 ? 1 : 2;
	if (!p->cg_v1)
		p->cg_swap_fd = probe_open_in(dir, "memory.swap.current");
	size_t len = strlen(dir) + sizeof "/cgroup.procs";
	p->cgroup_procs_path = malloc(len);
	if (!p->cgroup_procs_path) {
		probe_err(err, errlen, "out of memory");
		return -1;
	}
	snprintf(p->cgroup_procs_path, len, "%s/cgroup.procs", dir);
	return 0;
}

probe *probe_open(const probe_config *cfg, char *err, size_t errlen)
{
	probe *p = calloc(1, sizeof *p);
	if (!p) {
		probe_err(err, errlen, "out of memory");
		return NULL;
	}
	p->meminfo_fd = p->cg_usage_fd = p->cg_stat_fd = p->cg_swap_fd = p->job_stat_fd = -1;
	p->oom_fd = -1;
	p->oom_kills = -1;
	p->loadavg_fd = -1;
	p->last_pid = -1;
	long page = sysconf(_SC_PAGESIZE);
	p->page_bytes = page > 0 ? page : 4096;
	p->root_kids.main.fd = -1;
	p->kind = cfg->kind;
	p->pid = cfg->pid;
	p->include_root = cfg->include_root;
	p->children = cfg->children;
	p->pss = cfg->pss && cfg->kind != PROBE_KIND_SYSTEM;
	p->per_process = cfg->per_process && cfg->kind != PROBE_KIND_SYSTEM;
	p->smaps = p->pss || p->per_process;
	p->pss_interval_ns = cfg->pss_interval_ns > 0 ? cfg->pss_interval_ns : PROBE_DEFAULT_PSS_NS;
	p->scan_interval_ns = cfg->scan_interval_ns > 0 ? cfg->scan_interval_ns : PROBE_DEFAULT_SCAN_NS;
	const char *sys_root = cfg->sys_root ? cfg->sys_root : "/sys";
	p->sys_root = strdup(sys_root);
	p->proc_root = strdup(cfg->proc_root ? cfg->proc_root : "/proc");
	if (!p->proc_root) {
		probe_err(err, errlen, "out of memory");
		goto fail;
	}

	p->meminfo_fd = probe_open_in(p->proc_root, "meminfo");
	if (p->meminfo_fd < 0) {
		probe_err(err, errlen, "cannot read %s/meminfo: %s", p->proc_root, strerror(errno));
		goto fail;
	}
	switch (p->kind) {
	case PROBE_KIND_TREE:
		if (probe_check_pid(p, err, errlen) < 0)
			goto fail;
		if (cfg->job_cgroup_dir) {
			p->job_v = cgroups_version(cfg->job_cgroup_dir);
			p->job_stat_fd = p->job_v > 0 ? probe_open_in(cfg->job_cgroup_dir, "memory.stat") : -1;
			/* The job's own cgroup is the cgroup column: not memlog's,
			 * which holds memlog and whatever else shares it. */
			if (p->job_v > 0) {
				p->cg_usage_fd = probe_open_in(cfg->job_cgroup_dir,
				                               p->job_v == 1 ? "memory.usage_in_bytes" : "memory.current");
				p->oom_fd = probe_open_in(cfg->job_cgroup_dir,
				                          p->job_v == 1 ? "memory.oom_control" : "memory.events");
				snprintf(p->cg_dir, sizeof p->cg_dir, "%s", cfg->job_cgroup_dir);
				p->cg_version = p->job_v;
			}
		}
		if (p->cg_usage_fd < 0) {
			p->cg_usage_fd = probe_open_pid_cgroup(p, sys_root);
			p->cg_follow = true;
			p->cg_check_ns = mtime_mono_ns();
		}
		p->smaps = p->pss || p->per_process || p->job_stat_fd < 0;
		if (p->children) {
			p->kids_ok = true;
			probe_kids_open(p, p->pid, &p->root_kids);
			p->kids_ok = p->root_kids.main.fd >= 0;
			if (p->kids_ok)
				p->loadavg_fd = probe_open_in(p->proc_root, "loadavg");
			if (p->include_root || !p->kids_ok)
				probe_kids_close(&p->root_kids);
			else
				probe_kids_list_threads(p, p->pid, &p->root_kids, 2);
			if (p->kids_ok && cfg->scan_interval_ns <= 0)
				p->scan_interval_ns = PROBE_KIDS_SCAN_NS;
		}
		break;
	case PROBE_KIND_CGROUP:
		if (probe_open_cgroup_dir(p, cfg->cgroup_dir, err, errlen) < 0)
			goto fail;
		break;
	case PROBE_KIND_SYSTEM:
		break;
	default:
		probe_err(err, errlen, "unknown probe kind %d", (int)p->kind);
		goto fail;
	}
	return p;
fail:
	probe_close(p);
	return NULL;
}

void probe_close(probe *p)
{
	if (!p)
		return;
	proctree_cache_free(&p->tree_cache);
	probe_kids_close(&p->root_kids);
	free(p->found);
	for (size_t i = 0; i < p->nprocs; i++)
		probe_proc_close(&p->procs[i]);
	if (p->meminfo_fd >= 0)
		close(p->meminfo_fd);
	if (p->loadavg_fd >= 0)
		close(p->loadavg_fd);
	if (p->cg_usage_fd >= 0)
		close(p->cg_usage_fd);
	if (p->cg_stat_fd >= 0)
		close(p->cg_stat_fd);
	if (p->job_stat_fd >= 0)
		close(p->job_stat_fd);
	if (p->cg_swap_fd >= 0)
		close(p->cg_swap_fd);
	free(p->procs);
	free(p->rows);
	free(p->next);
	free(p->scan);
	free(p->cgroup_procs_path);
	free(p->sys_root);
	free(p->proc_root);
	free(p);
}
