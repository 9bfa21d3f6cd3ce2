/* procthin.c: the rule of procthin.h, as a merge of the last rows kept (by
 * pid) with each sample's processes (by pid). */
#include "model/procthin.h"

#include "base/grow.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A process as its last row left it. */
struct thin_ent {
	pid_t pid, ppid;
	uint32_t serial;
	char name[PROCROW_NAME_MAX];
	char *cmd;
	int64_t v[PROCROW_NCOLS]; /* pss: the last one written, -1 before any */
	int64_t last_ns;
};

struct procthin {
	struct thin_ent *ents, *next, *gone;
	size_t n, cap, next_cap, ngone, gone_cap;
	procrow *rows;
	size_t rows_cap;
};

procthin *procthin_new(void)
{
	return calloc(1, sizeof(procthin));
}

static void thin_forget_gone(procthin *t)
{
	for (size_t i = 0; i < t->ngone; i++)
		free(t->gone[i].cmd);
	t->ngone = 0;
}

void procthin_free(procthin *t)
{
	if (!t)
		return;
	thin_forget_gone(t);
	for (size_t i = 0; i < t->n; i++)
		free(t->ents[i].cmd);
	free(t->ents);
	free(t->next);
	free(t->gone);
	free(t->rows);
	free(t);
}

static const char *thin_cmd(const struct thin_ent *e)
{
	return e->cmd ? e->cmd : "";
}

/* Whether p moved far enough from its last row e to be worth a new one. */
static bool thin_moved(const struct thin_ent *e, const procrow *p)
{
	int64_t limit = p->v[PROCROW_RSS] / PROCTHIN_SHARE;
	if (limit < PROCTHIN_MIN_BYTES)
		limit = PROCTHIN_MIN_BYTES;
	for (int k = 0; k < PROCROW_NCOLS; k++) {
		if (p->v[k] < 0)
			continue; /* not read this sample */
		if (e->v[k] < 0)
			return true; /* its first PSS */
		int64_t d = p->v[k] - e->v[k];
		if (d > limit || -d > limit)
			return true;
	}
	return strcmp(e->name, p->name) != 0 || strcmp(thin_cmd(e), p->cmd) != 0;
}

/* Makes e the process p as its row now says. */
static void thin_take(struct thin_ent *e, const procrow *p, int64_t now_ns, bool fresh)
{
	if (fresh || strcmp(thin_cmd(e), p->cmd) != 0) {
		if (!fresh)
			free(e->cmd);
		e->cmd = p->cmd[0] ? strdup(p->cmd) : NULL;
	}
	if (fresh)
		e->v[PROCROW_PSS] = -1;
	e->pid = p->pid;
	e->ppid = p->ppid;
	e->serial = p->serial;
	snprintf(e->name, sizeof e->name, "%s", p->name);
	for (int k = 0; k < PROCROW_NCOLS; k++)
		if (p->v[k] >= 0 || k != PROCROW_PSS)
			e->v[k] = p->v[k];
	e->last_ns = now_ns;
}

/* The exit row of e, which moves to the gone list (its strings live until
 * the next sample). */
static void thin_exit(procthin *t, struct thin_ent *e, procrow *row)
{
	struct thin_ent *g = &t->gone[t->ngone++];
	*g = *e;
	memset(row, 0, sizeof *row);
	row->pid = g->pid;
	row->ppid = g->ppid;
	row->serial = g->serial;
	row->name = g->name;
	row->cmd = thin_cmd(g);
	for (int k = 0; k < PROCROW_NCOLS; k++)
		row->v[k] = -1;
	row->event = PROCROW_EXIT;
}

size_t procthin_sample(procthin *t, int64_t elapsed_ns, int64_t wall_ns, const procrow *procs,
                       size_t n, const procrow **rows)
{
	thin_forget_gone(t);
	if (!GROW(t->next, &t->next_cap, n + 1) || !GROW(t->gone, &t->gone_cap, t->n + 1) ||
	    !GROW(t->rows, &t->rows_cap, t->n + n + 1))
		return (size_t)-1;

	size_t i = 0, j = 0, w = 0, nrows = 0;
	while (i < t->n || j < n) {
		struct thin_ent *e = i < t->n ? &t->ents[i] : NULL;
		const procrow *p = j < n ? &procs[j] : NULL;
		if (e && (!p || e->pid < p->pid || (e->pid == p->pid && e->serial != p->serial))) {
			thin_exit(t, e, &t->rows[nrows++]);
			i++;
			continue;
		}
		struct thin_ent *ne = &t->next[w++];
		enum procrow_event ev = PROCROW_SAME;
		bool due;
		if (e && e->pid == p->pid) {
			*ne = *e;
			i++;
			due = thin_moved(ne, p) || elapsed_ns - ne->last_ns >= PROCTHIN_QUIET_NS;
			if (due)
				thin_take(ne, p, elapsed_ns, false);
		} else {
			thin_take(ne, p, elapsed_ns, true);
			ev = PROCROW_START;
			due = true;
		}
		if (due) {
			procrow *row = &t->rows[nrows++];
			*row = *p;
			row->event = ev;
		}
		j++;
	}
	for (size_t k = 0; k < nrows; k++) {
		t->rows[k].elapsed_ns = elapsed_ns;
		t->rows[k].wall_ns = wall_ns;
	}
	struct thin_ent *tmp = t->ents;
	size_t tcap = t->cap;
	t->ents = t->next;
	t->cap = t->next_cap;
	t->n = w;
	t->next = tmp;
	t->next_cap = tcap;
	*rows = t->rows;
	return nrows;
}
