/* holders.c: grouping processes by their command (holders.h). */
#include "analysis/holders.h"

#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

void holders_short_cmd(const char *cmd, char *out, size_t n)
{
	const char *end = strchr(cmd, ' ');
	if (!end)
		end = cmd + strlen(cmd);
	const char *prog = cmd;
	for (const char *c = cmd; c < end; c++)
		if (*c == '/' && c + 1 < end)
			prog = c + 1;
	snprintf(out, n, "%s", prog);
}

static const char *holders_key(const procset_item *it)
{
	return it->cmd[0] ? it->cmd : it->name;
}

static int64_t holders_bytes(const procset_item *it, enum holders_what what)
{
	if (what == HOLDERS_HELD || it->before < 0)
		return it->held;
	return it->held - it->before;
}

size_t holders_group_by_cmd(const procset_item *items, size_t n, enum holders_what what, holders_group *out,
                            size_t max)
{
	if (max == 0)
		return 0;
	holders_group *all = calloc(n + 1, sizeof *all);
	if (!all)
		return 0;
	size_t ng = 0;
	for (size_t i = 0; i < n; i++) {
		const procset_item *it = &items[i];
		size_t g = 0;
		while (g < ng && strcmp(holders_key(all[g].first), holders_key(it)) != 0)
			g++;
		if (g == ng) {
			all[ng].first = it;
			ng++;
		} else if (it->held > all[g].first->held) {
			all[g].first = it;
		}
		all[g].count++;
		all[g].fresh += it->before < 0;
		all[g].bytes += holders_bytes(it, what);
	}
	/* A stable selection: few groups are ever shown. */
	size_t filled = 0;
	bool *used = calloc(ng + 1, sizeof *used);
	while (used && filled < max) {
		size_t best = ng;
		for (size_t g = 0; g < ng; g++)
			if (!used[g] && (best == ng || all[g].bytes > all[best].bytes))
				best = g;
		if (best == ng || (what == HOLDERS_GROWTH && all[best].bytes <= 0))
			break;
		used[best] = true;
		out[filled++] = all[best];
	}
	free(used);
	free(all);
	return filled;
}

/* The most distinct commands told apart over time; later ones join the rest. */
#define HOLDERS_MAX_GROUPS 1024
/* Processes asked of the set at one time. */
#define HOLDERS_MAX_ITEMS 4096

struct holders_acc {
	holders_layer l;
	size_t *ids;
	size_t nids, ids_cap;
};

/* Counts process id in the group once. */
static void holders_count(struct holders_acc *a, size_t id)
{
	for (size_t i = 0; i < a->nids; i++)
		if (a->ids[i] == id)
			return;
	if (a->nids == a->ids_cap) {
		size_t cap = a->ids_cap ? a->ids_cap * 2 : 8;
		size_t *ids = realloc(a->ids, cap * sizeof *ids);
		if (!ids)
			return;
		a->ids = ids;
		a->ids_cap = cap;
	}
	a->ids[a->nids++] = id;
	a->l.count++;
}

void holders_layers_free(holders_layer *layers, int n)
{
	for (int i = 0; i < n; i++) {
		free(layers[i].v);
		layers[i].v = NULL;
	}
}

/* Sums group g into the rest layer r (which keeps its own count). */
static void holders_fold(holders_layer *r, const holders_layer *g, size_t n)
{
	for (size_t i = 0; i < n; i++)
		r->v[i] += g->v[i];
	r->count += g->count;
}

int holders_layers(procset *ps, const int64_t *t, size_t n, bool by_pid, holders_layer *out, int max)
{
	struct holders_acc *acc = calloc(HOLDERS_MAX_GROUPS + 1, sizeof *acc);
	procset_item *items = calloc(HOLDERS_MAX_ITEMS, sizeof *items);
	size_t ng = 0;
	int filled = -1;
	if (!acc || !items || max < 1)
		goto out;
	/* The last slot is the overflow: every command past the first 1,024. */
	for (size_t i = 0; i < n; i++) {
		size_t k = procset_at(ps, t[i], t[i], items, HOLDERS_MAX_ITEMS);
		for (size_t j = 0; j < k && j < HOLDERS_MAX_ITEMS; j++) {
			const char *key = holders_key(&items[j]);
			size_t g = 0;
			while (g < ng && (by_pid ? acc[g].ids[0] != items[j].id : strcmp(acc[g].l.cmd, key) != 0))
				g++;
			if (g == ng && ng < HOLDERS_MAX_GROUPS) {
				snprintf(acc[g].l.cmd, sizeof acc[g].l.cmd, "%s", key);
				acc[g].l.pid = items[j].pid;
				ng++;
			} else if (g == ng) {
				g = HOLDERS_MAX_GROUPS;
			}
			if (!acc[g].l.v && !(acc[g].l.v = calloc(n + 1, sizeof *acc[g].l.v)))
				goto out;
			acc[g].l.v[i] += items[j].held;
			holders_count(&acc[g], items[j].id);
			if (by_pid && acc[g].nids == 0)
				goto out; /* its id could not be kept: it would be told apart from no one */
		}
	}
	for (size_t g = 0; g <= HOLDERS_MAX_GROUPS; g++)
		for (size_t i = 0; acc[g].l.v && i < n; i++)
			if (acc[g].l.v[i] > acc[g].l.peak)
				acc[g].l.peak = acc[g].l.v[i];
	/* The largest peaks, in order; the rest folded into one more layer. */
	bool more = ng > (size_t)max || acc[HOLDERS_MAX_GROUPS].l.v;
	int keep = more ? max - 1 : (int)ng;
	filled = 0;
	while (filled < keep) {
		size_t best = ng;
		for (size_t g = 0; g < ng; g++)
			if (acc[g].l.v && (best == ng || acc[g].l.peak > acc[best].l.peak))
				best = g;
		if (best == ng)
			break;
		out[filled++] = acc[best].l;
		acc[best].l.v = NULL;
	}
	if (more) {
		holders_layer *r = &out[filled];
		memset(r, 0, sizeof *r);
		r->v = calloc(n + 1, sizeof *r->v);
		if (!r->v) {
			holders_layers_free(out, filled);
			filled = -1;
			goto out;
		}
		for (size_t g = 0; g <= HOLDERS_MAX_GROUPS; g++)
			if (acc[g].l.v)
				holders_fold(r, &acc[g].l, n);
		for (size_t i = 0; i < n; i++)
			if (r->v[i] > r->peak)
				r->peak = r->v[i];
		filled++;
	}
out:
	for (size_t g = 0; acc && g <= HOLDERS_MAX_GROUPS; g++) {
		free(acc[g].l.v);
		free(acc[g].ids);
	}
	free(acc);
	free(items);
	return filled;
}
