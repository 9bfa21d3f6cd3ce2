/*
 * report.c: `memlog report`: the phases of a recording's curve, what the
 * logs said in each, and which phase to look at first. The logs are read
 * exactly as replay reads them (one timestamp recogniser), and every log
 * text printed goes through logtext, so nothing from a log reaches the
 * terminal as a control sequence.
 */
#include "report.h"

#include "cli.h"
#include "base/mtime.h"
#include "base/outfile.h"

#include <csv.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model/logbook.h"
#include "view/logtext.h"
#include "model/markers.h"
#include "analysis/phases.h"
#include "recording/reccsv.h"
#include "recording/recfiles.h"
#include "replay.h"
#include "view/svgplot.h"
#include "base/units.h"

#define REPORT_MAX_PHASES 256
#define REPORT_TEXT_COLS 60

typedef struct load_state {
	report_data *d;
	size_t cap;
	bool oom;
} load_state;

/* One row: its times and every column, grown as needed. */
static int report_on_row(void *ctx, const sample *s, const char *marker)
{
	load_state *ls = ctx;
	report_data *d = ls->d;
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
static int report_on_marker(void *ctx, int64_t wall_ns, int64_t elapsed_ns, const char *label)
{
	(void)wall_ns;
	markers_add(ctx, elapsed_ns, label);
	return 0;
}

int report_load(const char *csv_path, bool lenient, report_data *d, char *err, size_t errlen)
{
	load_state ls = { .d = d };
	d->marks = markers_new();
	if (!d->marks) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (reccsv_read(csv_path, lenient, report_on_row, &ls, &d->info, err, errlen) < 0)
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
	int rc = reccsv_read_markers(mpath, report_on_marker, d->marks, err, errlen);
	free(mpath);
	return rc;
}

void report_data_free(report_data *d)
{
	free(d->t_ns);
	free(d->wall_ns);
	for (int c = 0; c < SAMPLE_NCOLS; c++)
		free(d->v[c]);
	markers_free(d->marks);
	memset(d, 0, sizeof *d);
}

int report_pick_series(const report_data *d, const char *name)
{
	if (name) {
		for (int c = 0; c < SAMPLE_NCOLS; c++)
			if (strcmp(sample_col_names[c], name) == 0)
				return c;
		return -1;
	}
	static const int order[] = { SAMPLE_PSS, SAMPLE_RSS, SAMPLE_CGROUP, SAMPLE_SYS_USED };
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
		for (size_t k = 0; k < d->n; k++)
			if (d->v[order[i]][k] >= 0)
				return order[i];
	return -1;
}


/* Local "HH:MM:SS" (with the date when long is true) of wall_ns; "-" when unknown. */
static void report_clock(int64_t wall_ns, bool with_date, char *buf, size_t n)
{
	if (wall_ns <= 0) {
		snprintf(buf, n, "-");
		return;
	}
	time_t t = (time_t)(wall_ns / NS_PER_S);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(buf, n, with_date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &tm);
}

/* What the logs and markers said between wall times a and b. */
typedef struct phase_words {
	char *first, *last;  /* plain, safe texts of the first and last lines */
	size_t lines;
	char markers[256];
} phase_words;

/* The wall time of a phase boundary: the time column of its own row (the
 * clock the log lines were stamped by), else derived from elapsed time. */
static int64_t report_wall_at(const report_data *d, size_t row, int64_t wall0, int64_t t_ns)
{
	if (row < d->n && d->wall_ns[row] > 0)
		return d->wall_ns[row];
	return wall0 + t_ns;
}

/* Gathers the log lines (not memlog's own events) and the markers of a phase:
 * log lines by wall time between w0 and w1, markers by elapsed time. */
static void report_words(logbook *lb, markers *m, int64_t w0, int64_t w1, int64_t t0, int64_t t1, bool last_phase,
                         bool utf8, phase_words *w)
{
	uint64_t first, end, last_seq = 0;
	logbook_entry e;
	memset(w, 0, sizeof *w);
	if (lb) {
		logbook_range(lb, &first, &end);
		for (uint64_t s = first; s < end; s++) {
			if (logbook_get(lb, s, &e) < 0 || e.source == 0)
				continue;
			if (e.wall_ns < w0 || (last_phase ? e.wall_ns > w1 + NS_PER_S : e.wall_ns >= w1))
				continue;
			w->lines++;
			if (!w->first)
				w->first = logtext_plain(e.text, e.len, REPORT_TEXT_COLS, utf8);
			last_seq = s;
		}
		/* Only the last line's text is needed: made once, at the end. */
		if (w->lines > 1 && logbook_get(lb, last_seq, &e) == 0)
			w->last = logtext_plain(e.text, e.len, REPORT_TEXT_COLS, utf8);
	}
	markers_item list[64];
	size_t nm = markers_copy(m, list, 64), used = 0;
	for (size_t i = 0; i < nm; i++) {
		if (list[i].t_ns < t0 || (last_phase ? list[i].t_ns > t1 : list[i].t_ns >= t1))
			continue;
		char *safe = logtext_plain(list[i].label, strlen(list[i].label), 30, utf8);
		if (safe && used < sizeof w->markers - 1)
			used += (size_t)snprintf(w->markers + used, sizeof w->markers - used, "%s%s", used ? ", " : "", safe);
		free(safe);
	}
	markers_release(list, nm);
}

static void report_words_free(phase_words *w)
{
	free(w->first);
	free(w->last);
}

/* Writes one CSV field through libcsv (quoting always right). */
static void report_csv_field(FILE *f, const char *s, bool first)
{
	if (!first)
		fputc(',', f);
	csv_fwrite(f, s, strlen(s));
}

static char *report_command(const char *csv_path);

static const char report_usage[] =
	"usage: memlog report [OPTIONS] REC.csv\n"
	"\n"
	"The phases of a recording's memory curve (rise, growth, plateau, drop,\n"
	"decline), what the logs and markers said in each, and which phase to look\n"
	"at first: the one that adds most to the peak.\n"
	"\n"
	"  -l, --log FILE        an application log to line up (repeatable), as in replay\n"
	"      --log-tz TZ       zone of log times that carry none (default: local)\n"
	"      --log-format FMT  a strptime(3) format for any other timestamp\n"
	"      --series NAME     rss, pss, anon, cgroup or sys_used (default: the first\n"
	"                        measured of pss, rss, cgroup, sys_used)\n"
	"      --csv             the phase table as CSV, for scripts\n"
	"      --lenient         skip bad rows instead of stopping\n"
	"  -h, --help            this help\n";

/* What the reader left out, on stderr: for output that is data (--csv, SVG). */
static void report_notes_stderr(const char *csv_path, const reccsv_info *info)
{
	if (info->skipped)
		fprintf(stderr, "memlog: %s: %zu bad rows were skipped (--lenient)\n", csv_path, info->skipped);
	if (info->truncated_last)
		fprintf(stderr, "memlog: %s: the last row was cut short (the recorder was killed?) and left out\n",
		        csv_path);
}

int report_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "log", required_argument, NULL, 'l' },
		{ "log-tz", required_argument, NULL, 'z' },
		{ "log-format", required_argument, NULL, 'F' },
		{ "series", required_argument, NULL, 's' },
		{ "csv", no_argument, NULL, 'c' },
		{ "lenient", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	replay_logs logs;
	const char *series_name = NULL;
	bool as_csv = false, lenient = false;
	char err[1024];
	int c;

	memset(&logs, 0, sizeof logs);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":l:h", longopts, NULL)) != -1) {
		int known = replay_log_option(c, optarg, &logs);
		if (known < 0)
			return 2;
		if (known)
			continue;
		switch (c) {
		case 's': series_name = optarg; break;
		case 'c': as_csv = true; break;
		case 'L': lenient = true; break;
		case 'h': fputs(report_usage, stdout); return 0;
		default:
			return cli_option_error("report", c, argv);
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "memlog: report: expected one recording (REC.csv), got %d\nTry 'memlog report --help'.\n",
		        argc - optind);
		return 2;
	}
	if (series_name && strcmp(series_name, "rss") && strcmp(series_name, "pss") && strcmp(series_name, "anon") &&
	    strcmp(series_name, "cgroup") && strcmp(series_name, "sys_used")) {
		fprintf(stderr, "memlog: --series: '%s' is not a series; expected rss, pss, anon, cgroup or sys_used\n", series_name);
		return 2;
	}
	logs.opts.offset_from_tz = !logs.tz_given;
	const char *csv_path = argv[optind];
	report_data d;
	memset(&d, 0, sizeof d);
	int rc = 1;
	logbook *lb = NULL;
	phase *ph = NULL;

	if (report_load(csv_path, lenient, &d, err, sizeof err) < 0) {
		fprintf(stderr, "memlog: %s\n", err);
		goto out;
	}
	int col = report_pick_series(&d, series_name);
	if (col < 0) {
		fprintf(stderr, "memlog: %s: %s\n", csv_path,
		        series_name ? "that series was not measured in this recording" : "no memory series was measured");
		goto out;
	}
	ph = calloc(REPORT_MAX_PHASES, sizeof *ph);
	long np = ph ? phases_find(d.t_ns, d.v[col], d.n, NULL, ph, REPORT_MAX_PHASES) : -1;
	if (np < 0) {
		fprintf(stderr, "memlog: %s: could not segment the curve (out of memory or too many phases)\n", csv_path);
		goto out;
	}

	int64_t wall0 = 0;
	for (size_t i = 0; i < d.n && !wall0; i++)
		if (d.wall_ns[i] > 0)
			wall0 = d.wall_ns[i] - d.t_ns[i];
	/* The logs, read as replay reads them. */
	char *log_path = recfiles_sibling(csv_path, RECFILES_LOG);
	if (wall0) {
		time_t t = (time_t)(wall0 / NS_PER_S);
		struct tm tm;
		localtime_r(&t, &tm);
		logs.opts.default_year = tm.tm_year + 1900;
	}
	replay_counts counts = { 0 };
	size_t cap = 16 + (log_path ? replay_count_lines(log_path) : 0);
	for (int i = 0; i < logs.n; i++)
		cap += replay_count_lines(logs.paths[i]);
	lb = logbook_open(cap);
	if (!lb)
		snprintf(err, sizeof err, "out of memory");
	if (!lb || replay_load_logs(log_path, &logs, lb, &counts, err, sizeof err) < 0) {
		fprintf(stderr, "memlog: %s\n", err);
		free(log_path);
		goto out;
	}
	bool utf8 = false;
	const char *lang = getenv("LC_ALL");
	if (!lang || !*lang)
		lang = getenv("LC_CTYPE");
	if (!lang || !*lang)
		lang = getenv("LANG");
	utf8 = lang && (strstr(lang, "UTF-8") || strstr(lang, "utf8") || strstr(lang, "UTF8"));

	/* The peak, and each phase's contribution to it: what it added on the
	 * way up to the peak. */
	int64_t peak = -1, peak_t = 0;
	for (size_t i = 0; i < d.n; i++)
		if (d.v[col][i] > peak) {
			peak = d.v[col][i];
			peak_t = d.t_ns[i];
		}
	long best = -1;
	int64_t best_add = 0;
	for (long i = 0; i < np; i++) {
		int64_t add = ph[i].t0_ns < peak_t ? ph[i].v1 - ph[i].v0 : 0;
		if (add > best_add) {
			best_add = add;
			best = i;
		}
	}

	if (as_csv) {
		report_notes_stderr(csv_path, &d.info);
		puts("phase,start_s,end_s,start_time,end_time,duration_s,change_bytes,share_of_peak,kind,log_lines,first_line,last_line,markers");
		for (long i = 0; i < np; i++) {
			phase_words w;
			char a[64], b[64];
			report_words(lb, d.marks, report_wall_at(&d, ph[i].first, wall0, ph[i].t0_ns),
			             report_wall_at(&d, ph[i].last, wall0, ph[i].t1_ns), ph[i].t0_ns, ph[i].t1_ns, i == np - 1, true, &w);
			report_clock(wall0 + ph[i].t0_ns, true, a, sizeof a);
			report_clock(wall0 + ph[i].t1_ns, true, b, sizeof b);
			/* Numbers as they are; text through libcsv, so quoting is right. */
			printf("%ld,%.3f,%.3f,", i + 1, (double)ph[i].t0_ns / 1e9, (double)ph[i].t1_ns / 1e9);
			report_csv_field(stdout, wall0 ? a : "", true);
			report_csv_field(stdout, wall0 ? b : "", false);
			int64_t add = ph[i].t0_ns < peak_t ? ph[i].v1 - ph[i].v0 : 0;
			printf(",%.3f,%lld,%.3f,%s,%zu", (double)(ph[i].t1_ns - ph[i].t0_ns) / 1e9,
			       (long long)(ph[i].v1 - ph[i].v0), peak > 0 && add > 0 ? (double)add / (double)peak : 0.0,
			       phase_kind_name(ph[i].kind), w.lines);
			report_csv_field(stdout, w.first ? w.first : "", false);
			report_csv_field(stdout, w.last ? w.last : (w.first ? w.first : ""), false);
			report_csv_field(stdout, w.markers, false);
			putchar('\n');
			report_words_free(&w);
		}
		rc = 0;
		free(log_path);
		goto out;
	}

	char a[64], b[64], pk[32], span[32];
	int64_t t_first = d.t_ns[0], t_last = d.t_ns[d.n - 1];
	report_clock(wall0 + t_first, true, a, sizeof a);
	report_clock(wall0 + t_last, false, b, sizeof b);
	units_elapsed(t_last - t_first, span, sizeof span);
	printf("recording  %s%s\n", csv_path, counts.log_lines ? "" : "  (no log lines found)");
	char *cmd = report_command(csv_path);
	if (cmd) {
		/* From the .log: the person's command line, shown safely. */
		char *safe = logtext_plain(cmd, strlen(cmd), 100, utf8);
		printf("target     %s\n", safe ? safe : "");
		free(safe);
		free(cmd);
	}
	if (wall0)
		printf("span       %s to %s (%s), %zu samples\n", a, b, span, d.n);
	else
		printf("span       %s, %zu samples\n", span, d.n);
	if (d.info.skipped)
		printf("skipped    %zu bad rows (--lenient)\n", d.info.skipped);
	if (d.info.truncated_last)
		printf("note       the last row was cut short (the recorder was killed?) and left out\n");
	if (counts.unplaced)
		printf("unplaced   %zu log lines before any recognisable time\n", counts.unplaced);
	if (peak >= 0) {
		units_bytes(peak, pk, sizeof pk);
		units_elapsed_compact(peak_t, a, sizeof a);
		report_clock(wall0 + peak_t, false, b, sizeof b);
		printf("peak       %s %s at %s (%s)\n", sample_col_names[col], pk, a, b);
	}
	if (np == 0) {
		printf("\nThe recording is too short to segment into phases (%zu samples over %s).\n", d.n, span);
		rc = 0;
		free(log_path);
		goto out;
	}
	printf("\n  #  start              end                duration      change  of peak  kind     what the logs said\n");
	for (long i = 0; i < np; i++) {
		phase_words w;
		char t0[48], t1[48], dur[32], ch[32], share[16];
		report_words(lb, d.marks, report_wall_at(&d, ph[i].first, wall0, ph[i].t0_ns),
		             report_wall_at(&d, ph[i].last, wall0, ph[i].t1_ns), ph[i].t0_ns, ph[i].t1_ns, i == np - 1, utf8, &w);
		char e0[16], e1[16], c0[16], c1[16];
		units_elapsed_compact(ph[i].t0_ns, e0, sizeof e0);
		units_elapsed_compact(ph[i].t1_ns, e1, sizeof e1);
		report_clock(report_wall_at(&d, ph[i].first, wall0, ph[i].t0_ns), false, c0, sizeof c0);
		report_clock(report_wall_at(&d, ph[i].last, wall0, ph[i].t1_ns), false, c1, sizeof c1);
		snprintf(t0, sizeof t0, "%s (%s)", e0, c0);
		snprintf(t1, sizeof t1, "%s (%s)", e1, c1);
		units_elapsed(ph[i].t1_ns - ph[i].t0_ns, dur, sizeof dur);
		int64_t delta = ph[i].v1 - ph[i].v0;
		units_bytes(delta < 0 ? -delta : delta, ch + 1, sizeof ch - 1);
		ch[0] = delta < 0 ? '-' : '+';
		int64_t add = ph[i].t0_ns < peak_t ? delta : 0;
		if (peak > 0 && add > 0)
			snprintf(share, sizeof share, "%3.0f%%", 100.0 * (double)add / (double)peak);
		else
			snprintf(share, sizeof share, "   -");
		printf("%3ld  %-17s  %-17s  %-12s %11s  %6s  %-7s  ", i + 1, t0, t1, dur, ch, share, phase_kind_name(ph[i].kind));
		if (w.lines == 0)
			printf("(no log lines)");
		else if (w.lines == 1)
			printf("\"%s\"", w.first);
		else
			printf("\"%s\" ... \"%s\" (%zu lines)", w.first, w.last, w.lines);
		if (w.markers[0])
			printf("  [markers: %s]", w.markers);
		putchar('\n');
		report_words_free(&w);
	}
	if (best >= 0) {
		char t0[32], t1[32], add[32];
		units_elapsed_compact(ph[best].t0_ns, t0, sizeof t0);
		units_elapsed_compact(ph[best].t1_ns, t1, sizeof t1);
		units_bytes(best_add, add, sizeof add);
		printf("\nLook first at phase %ld (%s, %s to %s): it adds %s, %.0f%% of the peak.\n", best + 1,
		       phase_kind_name(ph[best].kind), t0, t1, add, 100.0 * (double)best_add / (double)peak);
	} else {
		printf("\nNo phase adds to the peak: the curve starts at its highest.\n");
	}
	rc = 0;
	free(log_path);
out:
	free(ph);
	logbook_close(lb);
	report_data_free(&d);
	return rc;
}

/* The command line the recording's .log says was run, or NULL. */
static char *report_command(const char *csv_path)
{
	char what[1024];
	char *path = recfiles_sibling(csv_path, RECFILES_LOG);
	bool found = path && recfiles_recorded_what(path, what, sizeof what);
	free(path);
	return found ? strdup(what) : NULL;
}

static const char plot_usage[] =
	"usage: memlog plot [OPTIONS] REC.csv [OTHER.csv]\n"
	"\n"
	"Draw a recording as an SVG picture (the curve, IEC axes, markers, the\n"
	"phases shaded and numbered); with OTHER.csv, the second recording as a\n"
	"line aligned at elapsed 0.\n"
	"\n"
	"  -o, --output FILE     the SVG to write (default REC.svg)\n"
	"      --width PX        width in pixels (default 1000)\n"
	"      --height PX       height in pixels (default 480)\n"
	"      --series NAME     rss, pss, anon, cgroup or sys_used (as in report)\n"
	"      --lenient         skip bad rows instead of stopping\n"
	"  -h, --help            this help\n";

/* Parses a size in pixels for --width/--height or exits 2 naming it. */
static int plot_pixels(const char *opt, const char *text, int *out)
{
	char *end;
	long v = strtol(text, &end, 10);
	if (end == text || *end || v < 200 || v > 20000) {
		fprintf(stderr, "memlog: %s: '%s' is not a size; expected pixels from 200 to 20000\n", opt, text);
		return -1;
	}
	*out = (int)v;
	return 0;
}

int plot_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "width", required_argument, NULL, 'W' },
		{ "height", required_argument, NULL, 'H' },
		{ "series", required_argument, NULL, 's' },
		{ "lenient", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out_path = NULL, *series_name = NULL;
	int width = 1000, height = 480, c, rc = 1;
	bool lenient = false;
	char err[1024];

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': out_path = optarg; break;
		case 'W': if (plot_pixels("--width", optarg, &width) < 0) return 2; break;
		case 'H': if (plot_pixels("--height", optarg, &height) < 0) return 2; break;
		case 's': series_name = optarg; break;
		case 'L': lenient = true; break;
		case 'h': fputs(plot_usage, stdout); return 0;
		default:
			return cli_option_error("plot", c, argv);
		}
	}
	int nfiles = argc - optind;
	if (nfiles < 1 || nfiles > 2) {
		fprintf(stderr, "memlog: plot: expected one recording (REC.csv), or two to compare; got %d\n", nfiles);
		return 2;
	}
	const char *csv_path = argv[optind];
	report_data d[2];
	memset(d, 0, sizeof d);
	char *default_out = NULL, *cmd = NULL;
	phase *ph = NULL;
	FILE *f = NULL;
	int col = -1;
	for (int i = 0; i < nfiles; i++) {
		if (report_load(argv[optind + i], lenient, &d[i], err, sizeof err) < 0) {
			fprintf(stderr, "memlog: %s\n", err);
			goto out;
		}
		report_notes_stderr(argv[optind + i], &d[i].info);
		int ci = report_pick_series(&d[i], series_name ? series_name : (i ? sample_col_names[col] : NULL));
		if (ci < 0) {
			fprintf(stderr, "memlog: %s: %s\n", argv[optind + i], "that series was not measured in this recording");
			goto out;
		}
		if (i == 0)
			col = ci;
	}
	if (!out_path) {
		default_out = recfiles_sibling(csv_path, RECFILES_SVG);
		if (!default_out)
			goto out;
		out_path = default_out;
	}
	ph = calloc(REPORT_MAX_PHASES, sizeof *ph);
	long np = ph ? phases_find(d[0].t_ns, d[0].v[col], d[0].n, NULL, ph, REPORT_MAX_PHASES) : -1;
	if (np < 0)
		np = 0;

	int64_t peak = -1, peak_t = 0;
	for (size_t i = 0; i < d[0].n; i++)
		if (d[0].v[col][i] > peak) {
			peak = d[0].v[col][i];
			peak_t = d[0].t_ns[i];
		}
	char title[1024], pk[32], at[32], name1[300], name2[300];
	cmd = report_command(csv_path);
	units_bytes(peak > 0 ? peak : 0, pk, sizeof pk);
	units_elapsed_compact(peak_t, at, sizeof at);
	snprintf(title, sizeof title, "%.600s: peak %s %s at %s", cmd ? cmd : csv_path, sample_col_names[col], pk, at);
	snprintf(name1, sizeof name1, "%s %.250s", sample_col_names[col], csv_path);
	snprintf(name2, sizeof name2, "%s %.250s", sample_col_names[col], nfiles == 2 ? argv[optind + 1] : "");

	markers_item marks[256];
	size_t nm = markers_copy(d[0].marks, marks, 256);
	svgplot_input in = {
		.title = title,
		.series = { { .name = name1, .n = d[0].n, .t_ns = d[0].t_ns, .v = d[0].v[col] },
		            { .name = name2, .n = d[1].n, .t_ns = d[1].t_ns, .v = nfiles == 2 ? d[1].v[col] : NULL } },
		.nseries = nfiles,
		.marks = marks, .nmarks = nm,
		.phases = ph, .nphases = (size_t)np,
		.width = width, .height = height,
	};
	char oerr[512];
	int ofd = outfile_open(out_path, OUTFILE_REPLACE, oerr, sizeof oerr);
	f = ofd >= 0 ? fdopen(ofd, "w") : NULL;
	if (!f) {
		if (ofd >= 0) {
			snprintf(oerr, sizeof oerr, "%s: cannot create: %s", out_path, strerror(errno));
			close(ofd);
		}
		fprintf(stderr, "memlog: -o %s\n", oerr);
		markers_release(marks, nm);
		goto out;
	}
	int wrc = svgplot_write(f, &in);
	markers_release(marks, nm);
	if (fclose(f) != 0 || wrc < 0) {
		f = NULL;
		fprintf(stderr, "memlog: -o %s: cannot write: %s\n", out_path, strerror(errno));
		goto out;
	}
	f = NULL;
	fprintf(stderr, "memlog: wrote %s (%ld phases, %zu markers)\n", out_path, np, nm);
	rc = 0;
out:
	free(ph);
	free(cmd);
	free(default_out);
	report_data_free(&d[0]);
	report_data_free(&d[1]);
	return rc;
}
