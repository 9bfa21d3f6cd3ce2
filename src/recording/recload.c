/* recload.c: a recording read whole into columns, with its markers (the
 * marker column and REC.markers.csv), for `memlog report` and `memlog plot`. */
#include "recording/recload.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "recording/recfiles.h"

typedef struct load_state {
	recload *d;
	size_t cap;
	bool oom;
} load_state;

/* One row: its times and every column, grown as needed. */
static int recload_on_row(void *ctx, const sample *s, const char *marker)
{
	load_state *ls = ctx;
	recload *d = ls->d;
	if (d->n == ls->cap) {
		size_t cap = ls->cap ? ls->cap * 2 : 4096;
		int64_t *t = realloc(d->t_ns, cap * sizeof *t);
		if (t)
			d->t_ns = t;
		int64_t *w = realloc(d->wall_ns, cap * sizeof *w);
		if (w)
			d->wall_ns = w;
		bool ok = t && w;
		for (int c = 0; c < SAMPLE_NCOLS && ok; c++) {
			int64_t *v = realloc(d->v[c], cap * sizeof *v);
			if (v)
				d->v[c] = v;
			ok = v != NULL;
		}
		if (!ok) {
			ls->oom = true;
			return 1;
		}
		ls->cap = cap;
	}
	d->t_ns[d->n] = s->elapsed_ns;
	d->wall_ns[d->n] = s->wall_ns;
	for (int c = 0; c < SAMPLE_NCOLS; c++)
		d->v[c][d->n] = s->v[c];
	if (marker && *marker)
		markers_add(d->marks, s->elapsed_ns, marker);
	d->n++;
	return 0;
}

/* Collects the markers of REC.markers.csv. */
static int recload_on_marker(void *ctx, int64_t wall_ns, int64_t elapsed_ns, const char *label)
{
	(void)wall_ns;
	markers_add(ctx, elapsed_ns, label);
	return 0;
}

int recload_read(const char *csv_path, bool lenient, recload *d, char *err, size_t errlen)
{
	load_state ls = { .d = d };
	d->marks = markers_new();
	if (!d->marks) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (reccsv_read(csv_path, lenient, recload_on_row, &ls, &d->info, err, errlen) < 0)
		return -1;
	if (ls.oom) {
		snprintf(err, errlen, "%s: out of memory after %zu rows", csv_path, d->n);
		return -1;
	}
	char *mpath = recfiles_sibling(csv_path, RECFILES_MARKERS);
	if (!mpath) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	int rc = reccsv_read_markers(mpath, recload_on_marker, d->marks, err, errlen);
	free(mpath);
	return rc;
}

void recload_free(recload *d)
{
	free(d->t_ns);
	free(d->wall_ns);
	for (int c = 0; c < SAMPLE_NCOLS; c++)
		free(d->v[c]);
	markers_free(d->marks);
	memset(d, 0, sizeof *d);
}

int recload_pick(const recload *d, const char *name)
{
	if (name) {
		for (int c = 0; c < SAMPLE_NCOLS; c++)
			if (strcmp(sample_col_names[c], name) == 0)
				return c;
		return -1;
	}
	bool measured[SAMPLE_NCOLS] = { false };
	for (int c = 0; c < SAMPLE_NCOLS; c++)
		for (size_t k = 0; k < d->n && !measured[c]; k++)
			measured[c] = d->v[c][k] >= 0;
	return sample_default_col(measured);
}

/* The command line the recording's .log says was run, or NULL. */
char *recload_what(const char *csv_path)
{
	char what[1024];
	char *path = recfiles_sibling(csv_path, RECFILES_LOG);
	bool found = path && recfiles_recorded_what(path, what, sizeof what);
	free(path);
	return found ? strdup(what) : NULL;
}

void recload_notes(const char *csv_path, const reccsv_info *info)
{
	if (info->skipped)
		fprintf(stderr, "memlog: %s: %zu bad rows were skipped (--lenient)\n", csv_path, info->skipped);
	if (info->truncated_last)
		fprintf(stderr, "memlog: %s: the last row was cut short (the recorder was killed?) and left out\n",
		        csv_path);
}

void recload_peak(const recload *d, int col, int64_t *peak, int64_t *at_ns)
{
	*peak = -1;
	*at_ns = 0;
	for (size_t i = 0; i < d->n; i++)
		if (d->v[col][i] > *peak) {
			*peak = d->v[col][i];
			*at_ns = d->t_ns[i];
		}
}

/* One process row into the set; out of memory stops the reading. */
static int recload_on_proc(void *ctx, const procrow *row)
{
	return procset_add(ctx, row) < 0;
}

int recload_procs(const char *csv_path, bool lenient, procset **out, char *err, size_t errlen)
{
	struct stat st;
	*out = NULL;
	char *path = recfiles_sibling(csv_path, RECFILES_PROCS);
	if (!path) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (stat(path, &st) != 0 && errno == ENOENT) {
		free(path);
		return 0;
	}
	procset *ps = procset_new(0, 0);
	int rc = ps ? reccsv_read_procs(path, lenient, recload_on_proc, ps, NULL, err, errlen) : -1;
	if (!ps)
		snprintf(err, errlen, "%s: out of memory", path);
	free(path);
	if (rc < 0) {
		procset_free(ps);
		return -1;
	}
	*out = ps;
	return 0;
}

int64_t recload_wall0(const recload *d)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->wall_ns[i] > 0)
			return d->wall_ns[i] - d->t_ns[i];
	return 0;
}
