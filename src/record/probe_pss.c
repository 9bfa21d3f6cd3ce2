/* probe_pss.c: the probe's PSS reads (smaps_rollup: milliseconds on a big
 * process, so paced), and mem: from the job cgroup's memory.stat each
 * sample, else the tree's PSS sum. */
#include "record/probe_impl.h"

#include "record/cgroups.h"
#include "record/kvscan.h"

static const kvscan_key probe_pss_keys[] = { KVSCAN_KEY("Pss"), KVSCAN_KEY("Rss") };

/* memory.stat keys for mem and cache: anonymous, mapped file, file, shmem
 * pages; v1 uses the hierarchical totals (the job's cgroup may have children). */
static const kvscan_key probe_once_v2_keys[] = {
	KVSCAN_KEY("anon"), KVSCAN_KEY("file_mapped"), KVSCAN_KEY("file"), KVSCAN_KEY("shmem"),
};
static const kvscan_key probe_once_v1_keys[] = {
	KVSCAN_KEY("total_rss"), KVSCAN_KEY("total_mapped_file"), KVSCAN_KEY("total_cache"), KVSCAN_KEY("total_shmem"),
};

/* One process's Pss into *out; false when it cannot be read. Its row's
 * rss becomes the Rss of the same read: the pair is one moment (statm was
 * read earlier in the sample, and a process touching memory, a worker just
 * forked, moves between the two), so what rss moves later is what its
 * share moved since. */
static bool probe_read_one_pss(probe *p, struct probe_proc *pr, int64_t *out)
{
	ssize_t n = probe_file_read(p, pr->pid, "smaps_rollup", &pr->smaps);
	const char *at[2];
	int64_t kb, rss_kb;
	if (n <= 0)
		return false;
	kvscan_keys(p->buf, (size_t)n, probe_pss_keys, 2, at);
	if (!kvscan_num(at[0], p->buf + n, &kb) || kb > PROBE_KB_MAX)
		return false;
	*out = kb * 1024;
	pr->pv[PROCROW_PSS] = *out;
	if (kvscan_num(at[1], p->buf + n, &rss_kb) && rss_kb <= PROBE_KB_MAX)
		pr->pv[PROCROW_RSS] = rss_kb * 1024;
	pr->pss_read = true;
	return true;
}

/* per_process: the PSS of the processes new since the last PSS pass, read
 * at once, so that a forked worker's own share is known from its first
 * samples, not from the next pass (until then its anonymous pages would
 * count the data set it shares). At most PROBE_FRESH_PSS a sample. */
void probe_read_fresh_pss(probe *p)
{
	int budget = PROBE_FRESH_PSS;
	for (size_t i = 0; i < p->nprocs && budget > 0; i++) {
		struct probe_proc *pr = &p->procs[i];
		int64_t pss;
		if (!pr->counted || pr->pss_read || pr->pv[PROCROW_PSS] >= 0)
			continue;
		/* Unreadable (another user's): tried once, left empty. */
		if (!probe_read_one_pss(p, pr, &pss))
			pr->pss_read = true;
		budget--;
		p->pss_forked = true;
	}
}

/* Sums Pss over the processes counted in this sample into *out; returns
 * false when none of them could be read, and sets *all to whether every
 * one of them was. */
bool probe_read_pss(probe *p, int64_t *out, bool *all)
{
	int64_t sum = 0;
	size_t live = 0, read = 0;
	for (size_t i = 0; i < p->nprocs; i++) {
		struct probe_proc *pr = &p->procs[i];
		if (!pr->counted)
			continue;
		live++;
		int64_t pss;
		if (!probe_read_one_pss(p, pr, &pss))
			continue;
		sum += pss;
		read++;
	}
	*out = sum;
	*all = read == live;
	return read > 0 || live == 0;
}

/* per_process: whether a counted process has never had its PSS read. */
static bool probe_has_unread(const probe *p)
{
	for (size_t i = 0; p->per_process && i < p->nprocs; i++)
		if (p->procs[i].counted && !p->procs[i].pss_read)
			return true;
	return false;
}

/* mem and cache from a memory.stat (the job cgroup's, or watch --cgroup's):
 * every page once. Returns false when there is no such file. */
static bool probe_read_once_stat(probe *p, sample *out)
{
	bool cg = p->kind == PROBE_KIND_CGROUP;
	int fd = cg ? p->cg_stat_fd : p->job_stat_fd;
	if (fd < 0)
		return false;
	ssize_t n = probe_pread(p, fd);
	if (n > 0) {
		bool v1 = cg ? p->cg_v1 : p->job_v == 1;
		const char *at[4], *end = p->buf + n;
		int64_t k[4], mem, cache;
		kvscan_keys(p->buf, (size_t)n, v1 ? probe_once_v1_keys : probe_once_v2_keys, 4, at);
		for (int i = 0; i < 4; i++)
			if (!kvscan_num(at[i], end, &k[i]))
				k[i] = -1;
		cgroups_once(k[0], k[1], k[2], k[3], &mem, &cache);
		if (mem >= 0)
			out->v[SAMPLE_MEM] = mem;
		if (cache >= 0)
			out->v[SAMPLE_CACHE] = cache;
	}
	return true;
}

/* mem and cache: from a memory.stat each sample, else mem is the PSS sum of
 * the tree. The PSS of each process (per_process), and the sum where it is
 * mem, are read at a paced rate, or with --pss at its own. */
void probe_read_mem(probe *p, int64_t now_ns, sample *out)
{
	bool from_stat = probe_read_once_stat(p, out);
	bool sum_is_mem = !from_stat && p->kind == PROBE_KIND_TREE;
	/* No process left: the tree holds nothing, whatever a cgroup still has
	 * charged (a file page the job brought in that another process maps)
	 * and whenever the paced PSS sum was read last. */
	if (out->v[SAMPLE_PROCS] == 0)
		out->v[SAMPLE_MEM] = 0;
	if (!sum_is_mem && !(p->per_process && p->smaps))
		return;
	if (out->v[SAMPLE_PSS] >= 0) {
		if (sum_is_mem)
			out->v[SAMPLE_MEM] = out->v[SAMPLE_PSS];
		return;
	}
	int64_t wait = p->mem_cost_ns * PROBE_MEM_SHARE;
	/* A process not read yet, or read alone since the last pass (a fork:
	 * its parent's and its siblings' shares changed too), is worth a
	 * pass as soon as the share of the time allows. */
	if (wait < PROBE_MEM_PSS_NS && !probe_has_unread(p) && !p->pss_forked)
		wait = PROBE_MEM_PSS_NS;
	int64_t fork_wait = p->mem_cost_ns * PROBE_FORK_SHARE;
	if (fork_wait < PROBE_MEM_PSS_NS)
		fork_wait = PROBE_MEM_PSS_NS;
	if (p->pss_forked && wait > fork_wait)
		wait = fork_wait;
	if (p->mem_done && now_ns - p->mem_ns < wait)
		return;
	int64_t t0 = mtime_mono_ns(), pss;
	bool all, fresh = probe_has_unread(p);
	/* A process whose PSS may not be read (another user's) leaves mem
	 * empty: a sum without it would be too small, not a measurement. */
	if (probe_read_pss(p, &pss, &all) && all && sum_is_mem)
		out->v[SAMPLE_MEM] = pss;
	p->mem_cost_ns = mtime_mono_ns() - t0;
	/* A pass that read a new process first (a fork just now: its memory
	 * and its parent's shares still move) is followed by one more soon. */
	p->pss_forked = fresh;
	p->mem_done = true;
	p->mem_ns = now_ns;
}
