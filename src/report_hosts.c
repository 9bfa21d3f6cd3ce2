/* report_hosts.c: `memlog report` of a job across hosts: three to 16
 * recordings (or two with --align wall), one row a recording: where it was
 * made, its peak and when, the phase to look at first; then the outlier, the
 * recording whose peak is furthest from the median of the others' (named
 * when 25% or more off it). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/units.h"
#include "recording/recfiles.h"
#include "report_impl.h"
#include "view/logtext.h"

/* A recording's name, safe to print. */
static char *hosts_name(const char *csv, bool utf8)
{
	char raw[1024];
	recfiles_recording_name(csv, raw, sizeof raw);
	return logtext_plain(raw, strlen(raw), 60, utf8);
}

static int hosts_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* The median of the peaks but the i-th's (-1 when no other has one). */
static int64_t hosts_median_others(const report_rec *r, int n, int i)
{
	int64_t v[REPORT_MAX_RECORDINGS];
	int k = 0;
	for (int j = 0; j < n; j++)
		if (j != i && r[j].f.peak >= 0)
			v[k++] = r[j].f.peak;
	if (k == 0)
		return -1;
	qsort(v, (size_t)k, sizeof v[0], hosts_cmp);
	return k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
}

/* The outlier's index, or -1 when every peak is within 25% of the median of
 * the others; *ratio its peak over that median. */
static int hosts_outlier(const report_rec *r, int n, double *ratio)
{
	int worst = -1;
	double far = 0;
	for (int i = 0; i < n; i++) {
		int64_t m = hosts_median_others(r, n, i);
		if (r[i].f.peak <= 0 || m <= 0)
			continue;
		double q = (double)r[i].f.peak / (double)m;
		if (fabs(log(q)) > far) {
			far = fabs(log(q));
			worst = i;
			*ratio = q;
		}
	}
	return worst >= 0 && (*ratio >= 1.25 || *ratio <= 0.8) ? worst : -1;
}

/* What the phase to look at first is, in a few words: "2 \"loading\" (rise,
 * 1.20 GiB of the peak)"; "-" when none adds to the peak. */
static void hosts_first(const report_rec *r, bool utf8, char *buf, size_t n)
{
	const report_findings *f = &r->f;
	if (f->best < 0) {
		snprintf(buf, n, "-");
		return;
	}
	char add[32];
	units_bytes(f->best_add, add, sizeof add);
	char *name = report_phase_name(r, f->best, utf8);
	if (name && name[0])
		snprintf(buf, n, "%ld \"%.40s\" (%s, %s of the peak)", f->best + 1, name,
		         phase_kind_name(f->ph[f->best].kind), add);
	else
		snprintf(buf, n, "%ld (%s, %s of the peak)", f->best + 1, phase_kind_name(f->ph[f->best].kind), add);
	free(name);
}

int report_hosts(char *const *paths, int n, reclogs *logs, const char *series_name, bool lenient, bool wall,
                 bool as_csv)
{
	report_rec *r = calloc((size_t)n, sizeof *r);
	char (*host)[256] = calloc((size_t)n, sizeof *host);
	int rc = r && host ? 0 : 1;
	if (rc)
		fprintf(stderr, "memlog: out of memory\n");
	int opened = 0;
	for (; rc == 0 && opened < n; opened++) {
		/* Every one in the first's series, as two runs are compared. */
		const char *col = series_name ? series_name : opened ? sample_col_names[r[0].f.col] : NULL;
		rc = report_open(paths[opened], logs, col, lenient, &r[opened]);
		recfiles_recording_host(paths[opened], host[opened], sizeof host[opened]);
	}
	if (rc == 0) {
		bool utf8 = report_utf8();
		int64_t first_start = 0;
		for (int i = 0; i < n; i++)
			if (r[i].f.wall0 && (!first_start || r[i].f.wall0 < first_start))
				first_start = r[i].f.wall0;
		double ratio = 1;
		int out = hosts_outlier(r, n, &ratio);
		if (as_csv)
			printf("recording,host,peak_bytes,peak_elapsed_s,peak_after_first_start_s,peak_time,look_first,outlier\n");
		else
			printf("A job across %d recordings (%s; \"at\" from %s):\n\n  %-3s %-32s %10s %9s %10s  %s\n", n,
			       sample_col_names[r[0].f.col], wall ? "the first recording's start, by the wall clock" :
			       "each recording's own start", "#", "recording", "peak", "at", "clock", "look first at phase");
		for (int i = 0; i < n; i++) {
			const report_findings *f = &r[i].f;
			char pk[32] = "-", at[32] = "-", clock[64] = "-", first[200];
			int64_t at_ns = f->peak_t + (wall && f->wall0 && first_start ? f->wall0 - first_start : 0);
			if (f->peak >= 0) {
				units_bytes(f->peak, pk, sizeof pk);
				units_elapsed_compact(at_ns, at, sizeof at);
				report_clock(f->wall0 ? f->wall0 + f->peak_t : 0, false, clock, sizeof clock);
			}
			hosts_first(&r[i], utf8, first, sizeof first);
			if (as_csv) {
				char num[64];
				report_csv_field(stdout, paths[i], true);
				report_csv_field(stdout, host[i], false);
				snprintf(num, sizeof num, "%lld", (long long)f->peak);
				report_csv_field(stdout, num, false);
				snprintf(num, sizeof num, "%.3f", (double)f->peak_t / 1e9);
				report_csv_field(stdout, num, false);
				snprintf(num, sizeof num, "%.3f", f->wall0 && first_start ? (double)(f->wall0 - first_start + f->peak_t) / 1e9 : 0.0);
				report_csv_field(stdout, f->wall0 && first_start ? num : "", false);
				report_clock(f->wall0 ? f->wall0 + f->peak_t : 0, true, clock, sizeof clock);
				report_csv_field(stdout, clock, false);
				report_csv_field(stdout, first, false);
				report_csv_field(stdout, i == out ? "yes" : "", false);
				putchar('\n');
				continue;
			}
			char *name = hosts_name(paths[i], utf8);
			printf("  %-3d %-32s %10s %9s %10s  %s\n", i + 1, name ? name : "?", pk, at, clock, first);
			free(name);
		}
		if (!as_csv && out >= 0) {
			char pk[32], med[32];
			char *name = hosts_name(paths[out], utf8);
			units_bytes(r[out].f.peak, pk, sizeof pk);
			units_bytes(hosts_median_others(r, n, out), med, sizeof med);
			printf("\nThe outlier: %s peaks at %s, %.2f%s the median of the others (%s).\n", name ? name : "?", pk,
			       ratio, utf8 ? "×" : "x", med);
			free(name);
		} else if (!as_csv) {
			printf("\nNo outlier: every peak is within 25%% of the median of the others'.\n");
		}
	}
	for (int i = 0; i < opened && r; i++)
		report_close(&r[i]);
	free(r);
	free(host);
	return rc;
}
