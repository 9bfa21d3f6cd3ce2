/* export.c: `memlog export --openmetrics`, a recording as OpenMetrics with
 * its timestamps, for `promtool tsdb create-blocks-from openmetrics`: a
 * recording made anywhere, in the same Grafana as the live fleet. */
#include "export.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/grow.h"
#include "base/outfile.h"
#include "cli.h"
#include "record/sampler.h"
#include "recording/reccsv.h"
#include "recording/recfiles.h"
#include "recording/recmetrics.h"

static const char export_usage[] =
	"usage: memlog export --openmetrics [OPTIONS] REC.csv\n"
	"\n"
	"Write a recording as OpenMetrics 1.0, every sample at its time, for\n"
	"Prometheus's backfill:\n"
	"  memlog export --openmetrics rec.csv -o rec.om\n"
	"  promtool tsdb create-blocks-from openmetrics rec.om data/\n"
	"The metrics are those memlog serves live (--metrics-listen): memlog_mem_bytes,\n"
	"memlog_rss_bytes, ... (a column not measured has none), memlog_samples_total,\n"
	"memlog_markers_total and memlog_oom_kills_total, labelled job and host.\n"
	"\n"
	"      --openmetrics     the format (the only one, and required)\n"
	"  -o, --output FILE     write FILE (replaced when a regular file; a link,\n"
	"                        a device or a FIFO is refused); default stdout\n"
	"      --job NAME        the job label (default: what was recorded, from the\n"
	"                        .log: \"python3 train.py\", \"pid 42\", \"machine\")\n"
	"      --host NAME       the host label (default: the .log's \"recorded on\n"
	"                        host\", else none)\n"
	"      --lenient         skip bad rows (and say how many) instead of stopping\n"
	"  -h, --help            this help\n"
	"\n"
	"Exits 0 when written, 1 when the recording cannot be read or the output\n"
	"written, 2 for a command-line mistake.\n";

/* The rows read, with the counts up to each. */
typedef struct export_rows {
	recmetrics_row *rows;
	size_t n, cap;
	uint64_t markers, ooms;
} export_rows;

static int export_on_row(void *ctx, const sample *s, const char *marker)
{
	export_rows *r = ctx;
	if (!GROW(r->rows, &r->cap, r->n + 1))
		return -1;
	if (marker && *marker) {
		r->markers++;
		r->ooms += strcmp(marker, SAMPLER_OOM_LABEL) == 0;
	}
	r->rows[r->n++] = (recmetrics_row){ .s = *s, .markers = r->markers, .oom_kills = r->ooms };
	return 0;
}

/* The job label from the .log's first note: a command's first words, or
 * what was watched. */
static void export_job(const char *log_path, char *buf, size_t n)
{
	char what[1024];
	if (!recfiles_recorded_what(log_path, what, sizeof what)) {
		snprintf(buf, n, "unknown");
		return;
	}
	if (strncmp(what, "watching ", 9) == 0) {
		snprintf(buf, n, "%.200s", strncmp(what + 9, "the machine", 11) == 0 ? "machine" : what + 9);
		return;
	}
	/* A command: its first two words' base names, as live. */
	char *argv[3] = { what, NULL, NULL };
	char *sp = strchr(what, ' ');
	if (sp) {
		*sp = '\0';
		argv[1] = sp + 1;
		char *sp2 = strchr(argv[1], ' ');
		if (sp2)
			*sp2 = '\0';
	}
	recmetrics_job_name(argv, 0, NULL, buf, n);
}

int export_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "openmetrics", no_argument, NULL, 'M' },
		{ "output", required_argument, NULL, 'o' },
		{ "job", required_argument, NULL, 'j' },
		{ "host", required_argument, NULL, 'H' },
		{ "lenient", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = NULL, *job = NULL, *host = NULL;
	bool openmetrics = false, lenient = false;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'M': openmetrics = true; break;
		case 'o': output = optarg; break;
		case 'j': job = optarg; break;
		case 'H': host = optarg; break;
		case 'L': lenient = true; break;
		case 'h': fputs(export_usage, stdout); return 0;
		default: return cli_option_error("export", c, argv);
		}
	}
	if (!openmetrics) {
		fprintf(stderr, "memlog: export: expected --openmetrics (the one format it writes)\n"
		        "Try 'memlog export --help'.\n");
		return 2;
	}
	if (argc - optind != 1) {
		fprintf(stderr, "memlog: export: expected one recording (REC.csv), got %d\nTry 'memlog export --help'.\n",
		        argc - optind);
		return 2;
	}
	const char *csv = argv[optind];
	char err[1024], jobbuf[256], hostbuf[256] = "";
	export_rows rows = { 0 };
	reccsv_info info;
	if (reccsv_read(csv, lenient, export_on_row, &rows, &info, err, sizeof err) < 0) {
		fprintf(stderr, "memlog: %s\n", rows.n == rows.cap && rows.cap ? "out of memory" : err);
		free(rows.rows);
		return 1;
	}
	char *log = recfiles_sibling(csv, RECFILES_LOG);
	if (!job && log) {
		export_job(log, jobbuf, sizeof jobbuf);
		job = jobbuf;
	}
	if (!host) {
		recfiles_recording_host(csv, hostbuf, sizeof hostbuf);
		host = hostbuf;
	}
	free(log);
	FILE *f = stdout;
	if (output) {
		int fd = outfile_open(output, OUTFILE_REPLACE, err, sizeof err);
		f = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!f) {
			fprintf(stderr, "memlog: -o %s\n", fd >= 0 ? strerror(errno) : err);
			if (fd >= 0)
				close(fd);
			free(rows.rows);
			return 1;
		}
	}
	recmetrics_labels labels = { .job = job, .host = host ? host : "" };
	int rc = recmetrics_export(f, rows.rows, rows.n, &labels);
	int e = errno;
	if (output && fclose(f) != 0 && rc == 0) {
		rc = -1;
		e = errno;
	}
	free(rows.rows);
	if (rc < 0) {
		fprintf(stderr, "memlog: export: cannot write %s: %s\n", output ? output : "the standard output", strerror(e));
		return 1;
	}
	if (info.skipped)
		fprintf(stderr, "memlog: %s: %zu bad rows were skipped (--lenient)\n", csv, info.skipped);
	return 0;
}
