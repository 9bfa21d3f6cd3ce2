/* procset.c: the processes of a recording over time (procset.h). The
 * running ones are also kept by pid, so that each row finds its process by
 * a binary search. */
#include "model/procset.h"

#include "base/grow.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ps_proc {
	size_t id;
	pid_t pid, ppid;
	char name[PROCROW_NAME_MAX];
	char *cmd;
	int64_t start_ns, end_ns;
	procset_point *pts;
	size_t npts, cap;
	int64_t peak;
	bool has_base;          /* a PSS was read: held follows it */
	int64_t pss_base, rss_base, base_ns; /* the last PSS read, the rss and time of it */
};

struct procset {
	pthread_mutex_t lock;
	size_t max_points, max_procs;
	struct ps_proc **procs; /* in the order they started */
	size_t n, cap;
	struct ps_proc **live;  /* running, by pid */
	size_t nlive, live_cap;
	size_t next_id;
	struct ps_sorted { int64_t key; struct ps_proc *p; int64_t held, rss, peak, before; } *scratch;
	size_t scratch_cap;
};

procset *procset_new(size_t max_points, size_t max_procs)
{
	procset *ps = calloc(1, sizeof *ps);
	if (!ps)
		return NULL;
	pthread_mutex_init(&ps->lock, NULL);
	ps->max_points = max_points;
	ps->max_procs = max_procs;
	return ps;
}

static void ps_proc_free(struct ps_proc *p)
{
	if (!p)
		return;
	free(p->cmd);
	free(p->pts);
	free(p);
}

void procset_free(procset *ps)
{
	if (!ps)
		return;
	for (size_t i = 0; i < ps->n; i++)
		ps_proc_free(ps->procs[i]);
	free(ps->procs);
	free(ps->live);
	free(ps->scratch);
	pthread_mutex_destroy(&ps->lock);
	free(ps);
}

/* Where pid is, or would go, in the live list. */
static size_t ps_live_find(const procset *ps, pid_t pid)
{
	size_t lo = 0, hi = ps->nlive;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ps->live[mid]->pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void ps_live_remove(procset *ps, size_t at)
{
	memmove(ps->live + at, ps->live + at + 1, (ps->nlive - at - 1) * sizeof *ps->live);
	ps->nlive--;
}

/* Forgets the exited process of the smallest peak, to stay within max_procs. */
static void ps_forget_one(procset *ps)
{
	size_t worst = ps->n;
	for (size_t i = 0; i < ps->n; i++)
		if (ps->procs[i]->end_ns >= 0 && (worst == ps->n || ps->procs[i]->peak < ps->procs[worst]->peak))
			worst = i;
	if (worst == ps->n)
		return; /* all running: they are all needed */
	ps_proc_free(ps->procs[worst]);
	memmove(ps->procs + worst, ps->procs + worst + 1, (ps->n - worst - 1) * sizeof *ps->procs);
	ps->n--;
}

/* A new process from its first row; NULL when out of memory. */
static struct ps_proc *ps_start(procset *ps, const procrow *row, size_t live_at)
{
	if (!GROW(ps->procs, &ps->cap, ps->n + 1) ||
	    !GROW(ps->live, &ps->live_cap, ps->nlive + 1))
		return NULL;
	struct ps_proc *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->cmd = strdup(row->cmd);
	if (!p->cmd) {
		free(p);
		return NULL;
	}
	if (ps->max_procs && ps->n >= ps->max_procs)
		ps_forget_one(ps);
	p->id = ++ps->next_id;
	p->pid = row->pid;
	p->start_ns = row->elapsed_ns;
	p->end_ns = -1;
	p->peak = -1;
	ps->procs[ps->n++] = p;
	memmove(ps->live + live_at + 1, ps->live + live_at, (ps->nlive - live_at) * sizeof *ps->live);
	ps->live[live_at] = p;
	ps->nlive++;
	return p;
}

/* Every two neighbours become the larger, the last point aside. */
static void ps_halve(struct ps_proc *p)
{
	size_t w = 0, last = p->npts - 1;
	for (size_t i = 0; i + 1 < last; i += 2)
		p->pts[w++] = p->pts[i].held >= p->pts[i + 1].held ? p->pts[i] : p->pts[i + 1];
	if (last % 2 == 1)
		p->pts[w++] = p->pts[last - 1];
	p->pts[w++] = p->pts[last];
	p->npts = w;
}

/* A PSS read at rss: the points since the read before it (all points, at
 * the first) that lie no farther from this rss than from that read's become this PSS
 * moved by what rss moved since. A fork shares a parent's pages without
 * moving its rss, so the read after it, at the same rss, is the better
 * guess; before the first read, anonymous and shared pages count a data
 * set shared copy-on-write in full. */
static void ps_backfill(struct ps_proc *p, int64_t pss, int64_t rss)
{
	bool changed = false;
	for (size_t i = p->npts; i-- > 0 && (!p->has_base || p->pts[i].t_ns > p->base_ns);) {
		int64_t r = p->pts[i].rss;
		if (r < 0 || (p->has_base && llabs(r - rss) > llabs(r - p->rss_base)))
			continue;
		int64_t held = pss + (r - rss);
		p->pts[i].held = held < 0 ? 0 : held > r ? r : held;
		changed = true;
	}
	if (!changed)
		return;
	p->peak = -1;
	for (size_t i = 0; i < p->npts; i++)
		if (p->pts[i].held > p->peak)
			p->peak = p->pts[i].held;
}

/* The held figure of a row (see procset.h). */
static int64_t ps_held(struct ps_proc *p, const procrow *row)
{
	int64_t rss = row->v[PROCROW_RSS], pss = row->v[PROCROW_PSS];
	if (pss >= 0 && rss >= 0) {
		ps_backfill(p, pss, rss);
		p->has_base = true;
		p->pss_base = pss;
		p->rss_base = rss;
		p->base_ns = row->elapsed_ns;
		return pss;
	}
	if (pss >= 0)
		return pss;
	if (rss < 0)
		return -1;
	if (!p->has_base) {
		/* Its anonymous and shared memory pages: the file pages of a
		 * process not yet read for PSS are mostly libraries it shares. */
		int64_t anon = row->v[PROCROW_ANON], shmem = row->v[PROCROW_SHMEM];
		return anon >= 0 ? anon + (shmem > 0 ? shmem : 0) : rss;
	}
	int64_t held = p->pss_base + (rss - p->rss_base);
	return held < 0 ? 0 : held > rss ? rss : held;
}

static int ps_point(procset *ps, struct ps_proc *p, const procrow *row)
{
	int64_t held = ps_held(p, row);
	if (held < 0)
		return 0;
	if (ps->max_points && p->npts >= ps->max_points && p->npts >= 3)
		ps_halve(p);
	if (!GROW(p->pts, &p->cap, p->npts + 1))
		return -1;
	p->pts[p->npts++] = (procset_point){ row->elapsed_ns, held, row->v[PROCROW_RSS] };
	if (held > p->peak)
		p->peak = held;
	return 0;
}

int procset_add(procset *ps, const procrow *row)
{
	int rc = 0;
	pthread_mutex_lock(&ps->lock);
	size_t at = ps_live_find(ps, row->pid);
	struct ps_proc *p = at < ps->nlive && ps->live[at]->pid == row->pid ? ps->live[at] : NULL;
	if (row->event == PROCROW_EXIT) {
		if (p) {
			p->end_ns = row->elapsed_ns;
			ps_live_remove(ps, at);
		}
		goto out;
	}
	if (p && row->event == PROCROW_START) {
		/* A new process of that pid: the old one ended unseen. */
		p->end_ns = row->elapsed_ns;
		ps_live_remove(ps, at);
		p = NULL;
	}
	if (!p) {
		p = ps_start(ps, row, at);
		if (!p) {
			rc = -1;
			goto out;
		}
	}
	p->ppid = row->ppid;
	snprintf(p->name, sizeof p->name, "%s", row->name);
	if (strcmp(p->cmd, row->cmd) != 0) {
		char *cmd = strdup(row->cmd);
		if (cmd) {
			free(p->cmd);
			p->cmd = cmd;
		}
	}
	rc = ps_point(ps, p, row);
out:
	pthread_mutex_unlock(&ps->lock);
	return rc;
}

size_t procset_count(procset *ps)
{
	pthread_mutex_lock(&ps->lock);
	size_t n = ps->n;
	pthread_mutex_unlock(&ps->lock);
	return n;
}

/* The index of the last point at or before t, or npts when none is. */
static size_t ps_point_at(const struct ps_proc *p, int64_t t)
{
	size_t lo = 0, hi = p->npts;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->pts[mid].t_ns <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == 0 ? p->npts : lo - 1;
}

/* held (and rss) at t, -1 when it had no point yet. */
static int64_t ps_value_at(const struct ps_proc *p, int64_t t, int64_t *rss)
{
	size_t i = ps_point_at(p, t);
	if (i == p->npts) {
		if (rss)
			*rss = -1;
		return -1;
	}
	if (rss)
		*rss = p->pts[i].rss;
	return p->pts[i].held;
}

/* The largest held in [t0, t1], the value at t0 included. */
static int64_t ps_peak_in(const struct ps_proc *p, int64_t t0, int64_t t1)
{
	int64_t peak = ps_value_at(p, t0, NULL);
	size_t i = ps_point_at(p, t0);
	for (i = i == p->npts ? 0 : i + 1; i < p->npts && p->pts[i].t_ns <= t1; i++)
		if (p->pts[i].held > peak)
			peak = p->pts[i].held;
	return peak;
}

static int ps_cmp_key(const void *a, const void *b)
{
	const struct ps_sorted *x = a, *y = b;
	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	return x->p->id < y->p->id ? -1 : x->p->id > y->p->id;
}

/* Sorts the n scratch entries and fills up to max items from them. */
static void ps_fill(procset *ps, size_t n, procset_item *out, size_t max)
{
	qsort(ps->scratch, n, sizeof *ps->scratch, ps_cmp_key);
	for (size_t i = 0; i < n && i < max; i++) {
		const struct ps_sorted *s = &ps->scratch[i];
		procset_item *it = &out[i];
		it->id = s->p->id;
		it->pid = s->p->pid;
		it->ppid = s->p->ppid;
		snprintf(it->name, sizeof it->name, "%s", s->p->name);
		snprintf(it->cmd, sizeof it->cmd, "%s", s->p->cmd);
		it->start_ns = s->p->start_ns;
		it->end_ns = s->p->end_ns;
		it->held = s->held;
		it->rss = s->rss;
		it->peak = s->peak;
		it->before = s->before;
	}
}

size_t procset_at(procset *ps, int64_t t_ns, int64_t since_ns, procset_item *out, size_t max)
{
	size_t n = 0;
	pthread_mutex_lock(&ps->lock);
	if (!GROW(ps->scratch, &ps->scratch_cap, ps->n + 1))
		goto out;
	for (size_t i = 0; i < ps->n; i++) {
		struct ps_proc *p = ps->procs[i];
		if (p->start_ns > t_ns || (p->end_ns >= 0 && p->end_ns <= t_ns))
			continue;
		struct ps_sorted *s = &ps->scratch[n];
		s->held = ps_value_at(p, t_ns, &s->rss);
		if (s->held < 0)
			continue;
		s->p = p;
		s->key = s->held;
		s->peak = ps_peak_in(p, p->start_ns, t_ns);
		s->before = p->start_ns <= since_ns ? ps_value_at(p, since_ns, NULL) : -1;
		n++;
	}
	ps_fill(ps, n, out, max);
out:
	pthread_mutex_unlock(&ps->lock);
	return n;
}

size_t procset_during(procset *ps, int64_t t0_ns, int64_t t1_ns, procset_item *out, size_t max)
{
	size_t n = 0;
	pthread_mutex_lock(&ps->lock);
	if (!GROW(ps->scratch, &ps->scratch_cap, ps->n + 1))
		goto out;
	for (size_t i = 0; i < ps->n; i++) {
		struct ps_proc *p = ps->procs[i];
		if (p->start_ns > t1_ns || (p->end_ns >= 0 && p->end_ns < t0_ns) || p->npts == 0)
			continue;
		struct ps_sorted *s = &ps->scratch[n];
		int64_t last = p->end_ns >= 0 && p->end_ns <= t1_ns ? p->end_ns - 1 : t1_ns;
		s->held = ps_value_at(p, last, &s->rss);
		s->before = p->start_ns <= t0_ns ? ps_value_at(p, t0_ns, NULL) : -1;
		s->peak = ps_peak_in(p, t0_ns, t1_ns);
		if (s->held < 0)
			s->held = s->peak;
		if (s->held < 0)
			continue;
		s->p = p;
		s->key = s->before >= 0 ? s->held - s->before : s->peak;
		n++;
	}
	ps_fill(ps, n, out, max);
out:
	pthread_mutex_unlock(&ps->lock);
	return n;
}

size_t procset_curve(procset *ps, size_t id, int64_t t0_ns, int64_t t1_ns, procset_point *out, size_t max,
                     int64_t *end_ns)
{
	size_t n = 0;
	if (end_ns)
		*end_ns = -1;
	pthread_mutex_lock(&ps->lock);
	for (size_t i = 0; i < ps->n; i++) {
		const struct ps_proc *p = ps->procs[i];
		if (p->id != id)
			continue;
		if (end_ns)
			*end_ns = p->end_ns;
		size_t j = ps_point_at(p, t0_ns);
		for (j = j == p->npts ? 0 : j; j < p->npts && p->pts[j].t_ns <= t1_ns; j++) {
			if (n < max)
				out[n] = p->pts[j];
			n++;
		}
		break;
	}
	pthread_mutex_unlock(&ps->lock);
	return n;
}
