/*
 * report_compare.c: `memlog report BEFORE.csv AFTER.csv`: two runs of a job
 * side by side, phase by phase. Phases are paired by their names (their
 * first marker or log line, digits aside) in the order both runs have them
 * (the longest such sequence), the phases between two pairs by order; with
 * no name in common, all by order, and the report says so.
 */
#include "report_impl.h"

#include <stdlib.h>
#include <string.h>

#include "base/units.h"

/* One row of the comparison: a phase of each run, or of one only (-1). */
struct cmp_row {
	long a, b;
	bool by_name;
};

/* Pairs of phases named alike, as the longest common sequence of names:
 * pair_a[i] is the phase of b paired with phase i of a, or -1. Returns how
 * many pairs, or -1 when out of memory. */
static long cmp_by_name(char *const *na, long nA, char *const *nb, long nB, long *pair_a)
{
	for (long i = 0; i < nA; i++)
		pair_a[i] = -1;
	long *len = calloc((size_t)(nA + 1) * (size_t)(nB + 1), sizeof *len);
	if (!len)
		return -1;
#define L(i, j) len[(size_t)(i) * (size_t)(nB + 1) + (size_t)(j)]
	for (long i = nA - 1; i >= 0; i--)
		for (long j = nB - 1; j >= 0; j--) {
			bool same = na[i] && nb[j] && phases_same_step(na[i], strlen(na[i]), nb[j], strlen(nb[j]));
			long best = L(i + 1, j) > L(i, j + 1) ? L(i + 1, j) : L(i, j + 1);
			L(i, j) = same && L(i + 1, j + 1) + 1 > best ? L(i + 1, j + 1) + 1 : best;
		}
	long pairs = 0;
	for (long i = 0, j = 0; i < nA && j < nB;) {
		bool same = na[i] && nb[j] && phases_same_step(na[i], strlen(na[i]), nb[j], strlen(nb[j]));
		if (same && L(i, j) == L(i + 1, j + 1) + 1) {
			pair_a[i++] = j++;
			pairs++;
		} else if (L(i + 1, j) >= L(i, j + 1)) {
			i++;
		} else {
			j++;
		}
	}
#undef L
	free(len);
	return pairs;
}

/* The rows: the named pairs, the phases between two of them paired by
 * order, the rest of one run only. rows has room for nA + nB. */
static size_t cmp_rows(const long *pair_a, long nA, long nB, struct cmp_row *rows)
{
	size_t n = 0;
	long i = 0, j = 0;
	while (i < nA || j < nB) {
		/* The next named pair at or after (i, j), or the ends. */
		long ni = i;
		while (ni < nA && pair_a[ni] < 0)
			ni++;
		long nj = ni < nA ? pair_a[ni] : nB;
		while (i < ni && j < nj)
			rows[n++] = (struct cmp_row){ i++, j++, false };
		while (i < ni)
			rows[n++] = (struct cmp_row){ i++, -1, false };
		while (j < nj)
			rows[n++] = (struct cmp_row){ -1, j++, false };
		if (ni < nA) {
			rows[n++] = (struct cmp_row){ ni, nj, true };
			i = ni + 1;
			j = nj + 1;
		}
	}
	return n;
}

/* "+1.50 MiB" / "-3.0 GiB" of a signed byte count. */
static void cmp_signed(int64_t v, char *buf, size_t n)
{
	buf[0] = v < 0 ? '-' : '+';
	units_bytes(v < 0 ? -v : v, buf + 1, n - 1);
}

/* "(-50%)" of a change against a base, "" when the base is about 0. */
static void cmp_percent(int64_t delta, int64_t base, char *buf, size_t n)
{
	if (llabs(base) < 1024)
		buf[0] = '\0';
	else
		snprintf(buf, n, "(%+.0f%%)", 100.0 * (double)delta / (double)llabs(base));
}

/* One run's line above the table. */
static void cmp_print_run(const char *label, const report_rec *r)
{
	char pk[32], at[32], span[32];
	units_bytes(r->f.peak, pk, sizeof pk);
	units_elapsed_compact(r->f.peak_t, at, sizeof at);
	units_elapsed(r->d.t_ns[r->d.n - 1] - r->d.t_ns[0], span, sizeof span);
	printf("%-10s %s: peak %s %s at %s, %s, %ld phases\n", label, r->path, sample_col_names[r->f.col], pk, at, span,
	       r->f.np);
}

/* A phase's size: a rise's or a growth's highest sample less its first
 * (what it took at most: the buffers a load frees before it ends aside),
 * else the samples' change. */
static int64_t cmp_size(const report_rec *r, long i)
{
	const phase *p = &r->f.ph[i];
	const int64_t *v = r->d.v[r->f.col];
	if ((p->kind == PHASE_RISE || p->kind == PHASE_GROWTH) && v[p->first] >= 0)
		return p->vmax - v[p->first];
	return r->f.change[i];
}

static int64_t cmp_dur(const report_rec *r, long i)
{
	return r->f.ph[i].t1_ns - r->f.ph[i].t0_ns;
}

/* The comparison as CSV, one row a row of the text. */
static void cmp_print_csv(const report_rec *A, const report_rec *B, char *const *na, char *const *nb,
                          const struct cmp_row *rows, size_t nrows)
{
	puts("before_phase,after_phase,matched_by,name,before_kind,after_kind,before_size_bytes,"
	     "after_size_bytes,change_bytes,before_duration_s,after_duration_s,duration_change_s");
	for (size_t k = 0; k < nrows; k++) {
		long a = rows[k].a, b = rows[k].b;
		if (a >= 0)
			printf("%ld,", a + 1);
		else
			printf(",");
		if (b >= 0)
			printf("%ld,", b + 1);
		else
			printf(",");
		printf("%s", rows[k].by_name ? "name" : a >= 0 && b >= 0 ? "order" : "none");
		const char *name = a >= 0 && na[a] ? na[a] : b >= 0 && nb[b] ? nb[b] : "";
		report_csv_field(stdout, name, false);
		printf(",%s,%s,", a >= 0 ? phase_kind_name(A->f.ph[a].kind) : "",
		       b >= 0 ? phase_kind_name(B->f.ph[b].kind) : "");
		if (a >= 0)
			printf("%lld", (long long)cmp_size(A, a));
		printf(",");
		if (b >= 0)
			printf("%lld", (long long)cmp_size(B, b));
		printf(",");
		if (a >= 0 && b >= 0)
			printf("%lld", (long long)(cmp_size(B, b) - cmp_size(A, a)));
		printf(",");
		if (a >= 0)
			printf("%.3f", (double)cmp_dur(A, a) / 1e9);
		printf(",");
		if (b >= 0)
			printf("%.3f", (double)cmp_dur(B, b) / 1e9);
		printf(",");
		if (a >= 0 && b >= 0)
			printf("%.3f", (double)(cmp_dur(B, b) - cmp_dur(A, a)) / 1e9);
		putchar('\n');
	}
}

/* The comparison as a person reads it. */
static void cmp_print_text(const report_rec *A, const report_rec *B, char *const *na, char *const *nb,
                           const struct cmp_row *rows, size_t nrows, long named, bool by_order)
{
	char d[32], pa[32], pb[32], pc[24];
	cmp_print_run("before", A);
	cmp_print_run("after", B);
	cmp_signed(B->f.peak - A->f.peak, d, sizeof d);
	cmp_percent(B->f.peak - A->f.peak, A->f.peak, pc, sizeof pc);
	units_bytes(A->f.peak, pa, sizeof pa);
	units_bytes(B->f.peak, pb, sizeof pb);
	printf("peak       %s %s: %s before, %s after\n", d, pc, pa, pb);
	if (by_order)
		printf("phases     no phase in common by its log lines or markers: paired by order\n");
	else
		printf("phases     %ld paired by their log lines or markers, the rest by order between them\n", named);
	printf("\nsize: what a rise or a growth took at most (its highest less its start), else the samples' change; "
	       "the last columns: after less before\n");
	printf("\n%6s %5s  %-7s  %14s %12s  %14s %12s  %18s  %13s  %s\n", "before", "after", "kind", "before: size",
	       "duration", "after: size", "duration", "change", "duration", "phase");
	long most = -1;
	int64_t most_by = 0;
	for (size_t k = 0; k < nrows; k++) {
		long a = rows[k].a, b = rows[k].b;
		char ca[32] = "-", cb[32] = "-", da[32] = "-", db[32] = "-", cd[48] = "", dd[32] = "";
		if (a >= 0) {
			cmp_signed(cmp_size(A, a), ca, sizeof ca);
			units_elapsed(cmp_dur(A, a), da, sizeof da);
		}
		if (b >= 0) {
			cmp_signed(cmp_size(B, b), cb, sizeof cb);
			units_elapsed(cmp_dur(B, b), db, sizeof db);
		}
		if (a >= 0 && b >= 0) {
			int64_t delta = cmp_size(B, b) - cmp_size(A, a), dt = cmp_dur(B, b) - cmp_dur(A, a);
			char p[24];
			cmp_signed(delta, cd, sizeof cd);
			cmp_percent(delta, cmp_size(A, a), p, sizeof p);
			if (p[0])
				snprintf(cd + strlen(cd), sizeof cd - strlen(cd), " %s", p);
			dd[0] = dt < 0 ? '-' : '+';
			units_elapsed(llabs(dt), dd + 1, sizeof dd - 1);
			/* Changed most: of the memory the phases took (a drop's
			 * size counts as none: a load that frees its buffers inside
			 * the step in one run and after it in the other must not
			 * outweigh the load). */
			int64_t ta = cmp_size(A, a) > 0 ? cmp_size(A, a) : 0, tb = cmp_size(B, b) > 0 ? cmp_size(B, b) : 0;
			if (most < 0 || llabs(tb - ta) > most_by) {
				most = (long)k;
				most_by = llabs(tb - ta);
			}
		} else {
			snprintf(cd, sizeof cd, "%s", a >= 0 ? "(before only)" : "(after only)");
		}
		const char *kind = a >= 0 ? phase_kind_name(A->f.ph[a].kind) : phase_kind_name(B->f.ph[b].kind);
		const char *name = a >= 0 && na[a] ? na[a] : b >= 0 && nb[b] ? nb[b] : NULL;
		char ia[24] = "-", ib[24] = "-";
		if (a >= 0)
			snprintf(ia, sizeof ia, "%ld", a + 1);
		if (b >= 0)
			snprintf(ib, sizeof ib, "%ld", b + 1);
		printf("%6s %5s  %-7s  %14s %12s  %14s %12s  %18s  %13s  ", ia, ib, kind, ca, da, cb, db, cd, dd);
		if (name)
			printf("\"%s\"\n", name);
		else
			printf("(no log lines)\n");
	}
	if (most >= 0 && most_by > 0) {
		long a = rows[most].a, b = rows[most].b;
		const char *name = na[a] ? na[a] : nb[b];
		char ca[32], cb[32], p[24];
		cmp_signed(cmp_size(A, a), ca, sizeof ca);
		cmp_signed(cmp_size(B, b), cb, sizeof cb);
		cmp_signed(cmp_size(B, b) - cmp_size(A, a), d, sizeof d);
		cmp_percent(cmp_size(B, b) - cmp_size(A, a), cmp_size(A, a), p, sizeof p);
		printf("\nChanged most: ");
		if (name)
			printf("\"%s\" ", name);
		printf("(phase %ld before, %ld after, %s): %s before, %s after, %s%s%s.\n", a + 1, b + 1,
		       phase_kind_name(A->f.ph[a].kind), ca, cb, d, p[0] ? " " : "", p);
	} else {
		printf("\nNo paired phase took more or less memory.\n");
	}
}

int report_compare(const char *before, const char *after, reclogs *logs, const char *series_name, bool lenient,
                   bool as_csv)
{
	report_rec A, B;
	int rc = report_open(before, logs, series_name, lenient, &A);
	if (rc == 0)
		rc = report_open(after, logs, series_name, lenient, &B);
	else
		memset(&B, 0, sizeof B);
	bool utf8 = report_utf8();
	long nA = A.f.np > 0 ? A.f.np : 0, nB = B.f.np > 0 ? B.f.np : 0;
	char **na = calloc((size_t)nA + 1, sizeof *na), **nb = calloc((size_t)nB + 1, sizeof *nb);
	long *pair_a = calloc((size_t)nA + 1, sizeof *pair_a);
	struct cmp_row *rows = calloc((size_t)(nA + nB) + 1, sizeof *rows);
	if (rc == 0 && (!na || !nb || !pair_a || !rows)) {
		fprintf(stderr, "memlog: report: out of memory\n");
		rc = 1;
	}
	if (rc == 0 && (nA == 0 || nB == 0)) {
		fprintf(stderr, "memlog: %s: too short to segment into phases; nothing to compare\n",
		        nA == 0 ? before : after);
		rc = 1;
	}
	if (rc == 0 && A.f.col != B.f.col)
		fprintf(stderr, "memlog: report: the runs' default series differ (%s before, %s after); "
		        "--series picks one for both\n", sample_col_names[A.f.col], sample_col_names[B.f.col]);
	if (rc == 0) {
		for (long i = 0; i < nA; i++)
			na[i] = report_phase_name(&A, i, utf8);
		for (long i = 0; i < nB; i++)
			nb[i] = report_phase_name(&B, i, utf8);
		long named = cmp_by_name(na, nA, nb, nB, pair_a);
		if (named < 0) {
			fprintf(stderr, "memlog: report: out of memory\n");
			rc = 1;
		} else {
			bool by_order = named == 0;
			size_t nrows = cmp_rows(pair_a, nA, nB, rows);
			if (as_csv) {
				recload_notes(before, &A.d.info);
				recload_notes(after, &B.d.info);
				if (by_order)
					fprintf(stderr, "memlog: report: no phase in common by its log lines or markers: paired "
					        "by order\n");
				cmp_print_csv(&A, &B, na, nb, rows, nrows);
			} else {
				cmp_print_text(&A, &B, na, nb, rows, nrows, named, by_order);
			}
		}
	}
	for (long i = 0; na && i < nA; i++)
		free(na[i]);
	for (long i = 0; nb && i < nB; i++)
		free(nb[i]);
	free(na);
	free(nb);
	free(pair_a);
	free(rows);
	report_close(&A);
	report_close(&B);
	return rc;
}
