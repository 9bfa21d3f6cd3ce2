/* plot.c: `memlog plot`: a recording (and another beside it) drawn as an
 * SVG: the curve, IEC axes, markers, the phases shaded and numbered. */
#include "plot.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/holders.h"
#include "analysis/phases.h"
#include "base/outfile.h"
#include "base/units.h"
#include "cli.h"
#include "model/markers.h"
#include "recording/recfiles.h"
#include "recording/reclogs.h"
#include "recording/recload.h"
#include "view/svgplot.h"

#define PLOT_MAX_PHASES 256

static const char plot_usage[] =
	"usage: memlog plot [OPTIONS] REC.csv [OTHER.csv]\n"
	"       memlog plot [OPTIONS] REC.csv REC.csv REC.csv ... (up to 16)\n"
	"\n"
	"Draw a recording as an SVG picture (the curve, IEC axes, markers, the\n"
	"phases shaded and numbered, on the steps of its .log as report cuts\n"
	"them, the memory limit recorded as a dashed red line); with OTHER.csv (an AFTER to REC.csv's BEFORE), the second\n"
	"recording as a line aligned at elapsed 0, and the peak's change in the\n"
	"title. With three to 16 (one a host or rank of one job; or two with\n"
	"--align wall), each a line of its colour named by its host (the .log's)\n"
	"and file, lined up by the wall clock, the highest peak in the title.\n"
	"\n"
	"  -o, --output FILE     the SVG to write (default REC.svg)\n"
	"      --width PX        width in pixels (default 1000)\n"
	"      --height PX       height in pixels (default 480)\n"
	"      --series NAME     the column to draw, as in report (default: mem where\n"
	"                        measured)\n"
	"      --by-process      the processes' shares stacked under the curve, from\n"
	"                        REC.procs.csv: the 7 of the largest peaks, the\n"
	"                        rest as one more\n"
	"      --align HOW       start: each from its own start (the default for two);\n"
	"                        wall: by the wall clock (the default for three or more)\n"
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

/* What `memlog plot` was asked for. */
typedef struct plot_job {
	const char *out_path, *series_name;
	const char *paths[SVGPLOT_MAX_SERIES];
	int nfiles;
	int align;           /* --align: -1 as the number says, 0 start, 1 wall */
	int width, height;
	bool lenient;
	bool by_process;
} plot_job;

/* Reads the options into j; returns -1 to go on, or the exit status. */
static int plot_options(int argc, char **argv, plot_job *j)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "width", required_argument, NULL, 'W' },
		{ "height", required_argument, NULL, 'H' },
		{ "series", required_argument, NULL, 's' },
		{ "lenient", no_argument, NULL, 'L' },
		{ "by-process", no_argument, NULL, 'P' },
		{ "align", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': j->out_path = optarg; break;
		case 'W': if (plot_pixels("--width", optarg, &j->width) < 0) return 2; break;
		case 'H': if (plot_pixels("--height", optarg, &j->height) < 0) return 2; break;
		case 's': j->series_name = optarg; break;
		case 'L': j->lenient = true; break;
		case 'P': j->by_process = true; break;
		case 'A':
			if (cli_align(optarg, &j->align) < 0)
				return 2;
			break;
		case 'h': fputs(plot_usage, stdout); return 0;
		default:
			return cli_option_error("plot", c, argv);
		}
	}
	j->nfiles = argc - optind;
	if (j->nfiles < 1 || j->nfiles > SVGPLOT_MAX_SERIES) {
		fprintf(stderr, "memlog: plot: expected one recording (REC.csv), two to compare, or up to %d of one job; "
		        "got %d\nTry 'memlog plot --help'.\n", SVGPLOT_MAX_SERIES, j->nfiles);
		return 2;
	}
	if (j->by_process && j->nfiles > 1) {
		fprintf(stderr, "memlog: plot: --by-process draws one recording's processes; got %d recordings\n", j->nfiles);
		return 2;
	}
	for (int i = 0; i < j->nfiles; i++)
		j->paths[i] = argv[optind + i];
	return -1;
}

/* Loads the recordings and picks the column (the second takes the first's).
 * Returns the column, or -1 having said why. */
static int plot_load(const plot_job *j, recload *d)
{
	char err[1024];
	int col = -1;
	for (int i = 0; i < j->nfiles; i++) {
		if (recload_read(j->paths[i], j->lenient, &d[i], err, sizeof err) < 0) {
			fprintf(stderr, "memlog: %s\n", err);
			return -1;
		}
		recload_notes(j->paths[i], &d[i].info);
		int ci = recload_pick(&d[i], j->series_name ? j->series_name : (i ? sample_col_names[col] : NULL));
		if (ci < 0) {
			fprintf(stderr, "memlog: %s: %s\n", j->paths[i], "that series was not measured in this recording");
			return -1;
		}
		if (i == 0)
			col = ci;
	}
	return col;
}

/* Times the layers of --by-process are taken at. */
#define PLOT_LAYER_TIMES 600

/* plot --by-process: the layers of the processes' shares, named "pid N: cmd",
 * into in (names in names, times and values the caller frees with
 * holders_layers_free and free(*times)). Returns 0, or -1 having said why. */
static int plot_layers(const plot_job *j, const recload *d, svgplot_input *in, holders_layer *layers,
                       char names[][PROCROW_CMD_MAX + 32], int64_t **times)
{
	char err[1024];
	procset *ps = NULL;
	if (recload_procs(j->paths[0], j->lenient, &ps, err, sizeof err) < 0) {
		fprintf(stderr, "memlog: --by-process: %s\n", err);
		return -1;
	}
	if (!ps) {
		fprintf(stderr, "memlog: --by-process: %s has no .procs.csv beside it (the machine was recorded, or an "
		        "older memlog did); expected the recording per process that run and watch --pid make\n",
		        j->paths[0]);
		return -1;
	}
	int64_t end = d->n ? d->t_ns[d->n - 1] : 0;
	*times = malloc(PLOT_LAYER_TIMES * sizeof **times);
	int nl = *times ? 0 : -1;
	for (size_t i = 0; *times && i < PLOT_LAYER_TIMES; i++)
		(*times)[i] = end * (int64_t)i / (PLOT_LAYER_TIMES - 1);
	if (nl == 0)
		nl = holders_layers(ps, *times, PLOT_LAYER_TIMES, true, layers, SVGPLOT_MAX_LAYERS);
	procset_free(ps);
	if (nl < 0) {
		fprintf(stderr, "memlog: --by-process: out of memory\n");
		return -1;
	}
	for (int l = 0; l < nl; l++) {
		if (!layers[l].cmd[0])
			snprintf(names[l], sizeof names[l], "%zu other processes", layers[l].count);
		else {
			char cmd[PROCROW_CMD_MAX + 1];
			holders_short_cmd(layers[l].cmd, cmd, sizeof cmd);
			snprintf(names[l], sizeof names[l], "pid %d: %.200s", (int)layers[l].pid, cmd);
		}
		in->layers[l] = (svgplot_series){ .name = names[l], .n = PLOT_LAYER_TIMES, .t_ns = *times, .v = layers[l].v };
	}
	in->nlayers = nl;
	return 0;
}

/* Writes the picture of in to path, never through a link. Returns 0, or -1
 * having said why. */
static int plot_write(const char *path, const svgplot_input *in)
{
	char oerr[512];
	int ofd = outfile_open(path, OUTFILE_REPLACE, oerr, sizeof oerr);
	FILE *f = ofd >= 0 ? fdopen(ofd, "w") : NULL;
	if (!f) {
		if (ofd >= 0) {
			snprintf(oerr, sizeof oerr, "%s: cannot create: %s", path, strerror(errno));
			close(ofd);
		}
		fprintf(stderr, "memlog: -o %s\n", oerr);
		return -1;
	}
	int wrc = svgplot_write(f, in);
	if (fclose(f) != 0 || wrc < 0) {
		fprintf(stderr, "memlog: -o %s: cannot write: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The phases put on the steps of the recording's own .log and markers, as
 * report puts them; the new count (np as it was when the log cannot be read). */
static long plot_steps(const char *csv_path, const recload *d, int col, const markers_item *marks, size_t nm,
                       phase *ph, long np)
{
	reclogs logs;
	memset(&logs, 0, sizeof logs);
	logs.opts.offset_from_tz = true;
	int64_t wall0 = recload_wall0(d);
	reclogs_counts counts = { 0 };
	char err[512];
	logbook *lb = reclogs_book(csv_path, &logs, wall0, &counts, err, sizeof err);
	size_t nsteps = 0;
	int64_t *steps = phases_step_starts(lb, marks, nm, wall0, &nsteps);
	long out = steps ? phases_steps(d->t_ns, d->v[col], d->n, steps, nsteps, ph, np, PLOT_MAX_PHASES) : np;
	free(steps);
	logbook_close(lb);
	return out < 0 ? np : out;
}

/* Three recordings or more (or two by the wall clock): each a line named by
 * its host and file, times from the first start when wall. Returns 0, or
 * -1 having said why. */
static int plot_hosts(const plot_job *j, const recload *d, int col, const char *out_path)
{
	static char names[SVGPLOT_MAX_SERIES][600];
	int64_t *shifted[SVGPLOT_MAX_SERIES] = { 0 };
	bool wall = j->align != 0;
	int64_t first = 0;
	for (int i = 0; wall && i < j->nfiles; i++) {
		int64_t w = recload_wall0(&d[i]);
		if (w && (!first || w < first))
			first = w;
	}
	svgplot_input in = { .nseries = j->nfiles, .width = j->width, .height = j->height,
	                     .x_label = wall ? "time since the first recording started" : "elapsed time" };
	int top = 0;
	int64_t top_peak = -1, top_t = 0;
	int rc = 0;
	for (int i = 0; i < j->nfiles; i++) {
		recfiles_recording_name(j->paths[i], names[i], sizeof names[i]);
		int64_t off = wall && first && recload_wall0(&d[i]) ? recload_wall0(&d[i]) - first : 0;
		shifted[i] = malloc((d[i].n ? d[i].n : 1) * sizeof *shifted[i]);
		if (!shifted[i]) {
			fprintf(stderr, "memlog: out of memory\n");
			rc = -1;
			goto out;
		}
		for (size_t k = 0; k < d[i].n; k++)
			shifted[i][k] = d[i].t_ns[k] + off;
		in.series[i] = (svgplot_series){ .name = names[i], .n = d[i].n, .t_ns = shifted[i], .v = d[i].v[col] };
		int64_t peak, peak_t;
		recload_peak(&d[i], col, &peak, &peak_t);
		if (peak > top_peak) {
			top_peak = peak;
			top_t = peak_t + off;
			top = i;
		}
	}
	char title[1024], pk[32], at[32];
	units_bytes(top_peak > 0 ? top_peak : 0, pk, sizeof pk);
	units_elapsed_compact(top_t, at, sizeof at);
	snprintf(title, sizeof title, "A job across %d recordings: the highest peak %s %s at %s, %.600s",
	         j->nfiles, sample_col_names[col], pk, at, names[top]);
	in.title = title;
	rc = plot_write(out_path, &in);
	if (rc == 0)
		fprintf(stderr, "memlog: wrote %s (%d recordings, %s)\n", out_path, j->nfiles,
		        wall ? "lined up by the wall clock" : "each from its start");
out:
	for (int i = 0; i < j->nfiles; i++)
		free(shifted[i]);
	return rc;
}

int plot_main(int argc, char **argv)
{
	plot_job j = { .width = 1000, .height = 480, .align = -1 };
	int rc = plot_options(argc, argv, &j);
	if (rc >= 0)
		return rc;
	rc = 1;
	static recload d[SVGPLOT_MAX_SERIES];
	memset(d, 0, sizeof d);
	char *default_out = NULL, *what = NULL;
	phase *ph = NULL;
	int col = plot_load(&j, d);
	const char *out_path = j.out_path;
	if (col < 0)
		goto out;
	if (!out_path) {
		default_out = recfiles_sibling(j.paths[0], RECFILES_SVG);
		if (!default_out)
			goto out;
		out_path = default_out;
	}
	if (j.nfiles >= 3 || (j.nfiles == 2 && j.align == 1)) {
		rc = plot_hosts(&j, d, col, out_path) == 0 ? 0 : 1;
		goto out;
	}
	ph = calloc(PLOT_MAX_PHASES, sizeof *ph);
	long np = ph ? phases_find(d[0].t_ns, d[0].v[col], d[0].n, NULL, ph, PLOT_MAX_PHASES) : -1;
	size_t nm;
	markers_item *marks = markers_copy_all(d[0].marks, &nm);
	if (np > 0)
		np = plot_steps(j.paths[0], &d[0], col, marks, nm, ph, np);
	if (np < 0)
		np = 0;
	int64_t peak, peak_t;
	recload_peak(&d[0], col, &peak, &peak_t);
	char title[1024], pk[32], at[32], name1[300], name2[300];
	what = recload_what(j.paths[0]);
	units_bytes(peak > 0 ? peak : 0, pk, sizeof pk);
	units_elapsed_compact(peak_t, at, sizeof at);
	snprintf(title, sizeof title, "%.600s: peak %s %s at %s", what ? what : j.paths[0], sample_col_names[col], pk, at);
	snprintf(name1, sizeof name1, "%s %.250s", sample_col_names[col], j.paths[0]);
	snprintf(name2, sizeof name2, "%s %.250s", sample_col_names[col], j.nfiles == 2 ? j.paths[1] : "");
	if (j.nfiles == 2) {
		/* Before and after: the peak's change in the title. */
		int64_t peak2, peak2_t;
		recload_peak(&d[1], col, &peak2, &peak2_t);
		char pk2[32], ch[32];
		units_bytes(peak2 > 0 ? peak2 : 0, pk2, sizeof pk2);
		units_bytes(llabs(peak2 - peak), ch, sizeof ch);
		size_t used = strlen(title);
		if (peak > 0 && peak2 >= 0)
			snprintf(title + used, sizeof title - used, "; after: %s (%s%s, %+.0f%%)", pk2, peak2 < peak ? "-" : "+",
			         ch, 100.0 * (double)(peak2 - peak) / (double)peak);
	}
	svgplot_input in = {
		.title = title,
		.series = { { .name = name1, .n = d[0].n, .t_ns = d[0].t_ns, .v = d[0].v[col] },
		            { .name = name2, .n = d[1].n, .t_ns = d[1].t_ns, .v = j.nfiles == 2 ? d[1].v[col] : NULL } },
		.nseries = j.nfiles,
		.marks = marks, .nmarks = nm,
		.phases = ph, .nphases = (size_t)np,
		.limit = { .name = "limit", .n = d[0].n, .t_ns = d[0].t_ns, .v = d[0].v[SAMPLE_LIMIT] },
		.width = j.width, .height = j.height,
	};
	holders_layer layers[SVGPLOT_MAX_LAYERS];
	static char names[SVGPLOT_MAX_LAYERS][PROCROW_CMD_MAX + 32];
	int64_t *times = NULL;
	if (j.by_process && plot_layers(&j, &d[0], &in, layers, names, &times) < 0) {
		markers_release(marks, nm);
		free(marks);
		goto out;
	}
	if (plot_write(out_path, &in) == 0) {
		fprintf(stderr, "memlog: wrote %s (%ld phases, %zu markers", out_path, np, nm);
		if (j.by_process)
			fprintf(stderr, ", %d layers of processes", in.nlayers);
		fprintf(stderr, ")\n");
		rc = 0;
	}
	holders_layers_free(layers, in.nlayers);
	free(times);
	markers_release(marks, nm);
	free(marks);
out:
	free(ph);
	free(what);
	free(default_out);
	for (int i = 0; i < SVGPLOT_MAX_SERIES; i++)
		recload_free(&d[i]);
	return rc;
}
