/*
 * report.c: `memlog report`: the phases of a recording's curve, what the
 * logs said in each, and which phase to look at first, as text or as CSV.
 * The logs are read exactly as replay reads them (one timestamp
 * recogniser), and every log text printed goes through logtext, so nothing
 * from a log reaches the terminal as a control sequence.
 */
#include "report.h"
#include "report_impl.h"

#include <csv.h>
#include <getopt.h>
#include <langinfo.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/holders.h"
#include "analysis/phases.h"
#include "base/mtime.h"
#include "base/units.h"
#include "cli.h"
#include "model/logbook.h"
#include "model/markers.h"
#include "recording/logtime.h"
#include "recording/recfiles.h"
#include "recording/reclogs.h"
#include "recording/recload.h"
#include "view/logtext.h"

#define REPORT_MAX_PHASES 256
#define REPORT_TEXT_COLS 60   /* a quoted log line, when stdout is no terminal */
#define REPORT_NAME_COLS 50
/* The phase table's columns before the quotes, and what goes round two
 * quotes ("..." ... "..." (N lines)): on a terminal the quotes share the
 * rest of its width, each at least REPORT_TEXT_MIN columns. */
#define REPORT_TABLE_COLS 88
#define REPORT_QUOTE_FRAME 20
#define REPORT_TEXT_MIN 24
#define REPORT_TEXT_MAX 400

/* The columns of a quoted log line: the terminal's share when stdout is
 * one, else REPORT_TEXT_COLS. */
static int report_text_cols(void)
{
	static int cols;
	struct winsize ws;
	if (cols)
		return cols;
	cols = REPORT_TEXT_COLS;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
		int share = ((int)ws.ws_col - REPORT_TABLE_COLS - REPORT_QUOTE_FRAME) / 2;
		cols = share < REPORT_TEXT_MIN ? REPORT_TEXT_MIN : share > REPORT_TEXT_MAX ? REPORT_TEXT_MAX : share;
	}
	return cols;
}

/* Local "HH:MM:SS" (with the date when long is true) of wall_ns; "-" when unknown. */
void report_clock(int64_t wall_ns, bool with_date, char *buf, size_t n)
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
	char *name;          /* the phase's name: its first marker, else its first line less its time */
	size_t lines;
	char markers[256];
} phase_words;

/* The wall time of a phase boundary: the time column of its own row (the
 * clock the log lines were stamped by), else derived from elapsed time. */
static int64_t report_wall_at(const recload *d, size_t row, int64_t wall0, int64_t t_ns)
{
	if (row < d->n && d->wall_ns[row] > 0)
		return d->wall_ns[row];
	return wall0 + t_ns;
}

/* Where a log line's text starts after a timestamp at its head (and the
 * spaces, brackets and commas after it); 0 when it has none there. */
static size_t report_after_time(const char *text, size_t len)
{
	logtime_opts o = { .default_year = 2000 };
	int64_t wall;
	size_t end = 0, cut = len < 64 ? len : 64;
	/* Only a stamp within the head (a "[" or "<14>" may come first). */
	if (!logtime_parse(text, cut, &o, &wall, &end) || end > cut)
		return 0;
	while (end < len && (text[end] == ' ' || text[end] == ']' || text[end] == ',' || text[end] == ':' ||
	                     text[end] == '|' || text[end] == '\t'))
		end++;
	return end < len ? end : 0;
}

/* A log line as the report quotes it: without the timestamp at its head
 * (the phase's times are in the table), safe, in at most maxw columns; a
 * longer one is cut at a word (within its last third) with "…" ("..." in
 * ASCII), never inside a character. Malloc'ed; NULL when out of memory. */
static char *report_quote(const char *text, size_t len, int maxw, bool utf8)
{
	size_t skip = report_after_time(text, len);
	text += skip;
	len -= skip;
	if ((int)logtext_width(text, len, utf8) <= maxw)
		return logtext_plain(text, len, maxw, utf8);
	const char *ell = utf8 ? "…" : "...";
	int ell_w = utf8 ? 1 : 3;
	char *cut = logtext_plain(text, len, maxw - ell_w, utf8);
	if (!cut)
		return NULL;
	size_t n = strlen(cut);
	char *space = strrchr(cut, ' ');
	if (space && (size_t)(space - cut) * 3 >= n * 2)
		n = (size_t)(space - cut);
	while (n > 0 && cut[n - 1] == ' ')
		n--;
	char *out = malloc(n + strlen(ell) + 1);
	if (out) {
		memcpy(out, cut, n);
		strcpy(out + n, ell);
	}
	free(cut);
	return out;
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
			if (!w->first) {
				w->first = report_quote(e.text, e.len, report_text_cols(), utf8);
				w->name = report_quote(e.text, e.len, REPORT_NAME_COLS, utf8);
			}
			last_seq = s;
		}
		/* Only the last line's text is needed: made once, at the end. */
		if (w->lines > 1 && logbook_get(lb, last_seq, &e) == 0)
			w->last = report_quote(e.text, e.len, report_text_cols(), utf8);
	}
	size_t nm, used = 0, more = 0;
	markers_item *list = markers_copy_all(m, &nm);
	for (size_t i = 0; i < nm; i++) {
		if (list[i].t_ns < t0 || (last_phase ? list[i].t_ns > t1 : list[i].t_ns >= t1))
			continue;
		char *safe = logtext_plain(list[i].label, strlen(list[i].label), 30, utf8);
		if (safe && used == 0) {
			free(w->name);
			w->name = strdup(safe);
		}
		/* Whole labels while they fit (a few columns kept for the count). */
		if (safe && used + strlen(safe) + 2 < sizeof w->markers - 16)
			used += (size_t)snprintf(w->markers + used, sizeof w->markers - used, "%s%s", used ? ", " : "", safe);
		else if (safe)
			more++;
		free(safe);
	}
	if (more)
		snprintf(w->markers + used, sizeof w->markers - used, "%s%zu more", used ? " and " : "", more);
	markers_release(list, nm);
	free(list);
}

static void report_words_free(phase_words *w)
{
	free(w->name);
	free(w->first);
	free(w->last);
}

/* Writes one CSV field through libcsv (quoting always right). */
void report_csv_field(FILE *f, const char *s, bool first)
{
	if (!first)
		fputc(',', f);
	csv_fwrite(f, s, strlen(s));
}

static const char report_usage[] =
	"usage: memlog report [OPTIONS] REC.csv\n"
	"       memlog report [OPTIONS] BEFORE.csv AFTER.csv\n"
	"       memlog report [OPTIONS] REC.csv REC.csv REC.csv ... (up to 16)\n"
	"\n"
	"The phases of a recording's memory curve (rise, growth, plateau, drop,\n"
	"decline), what the logs and markers said in each, and which phase to look\n"
	"at first: the one that holds most of the peak (a phase's share is what it\n"
	"acquired that is still held at the peak, the first time the curve comes\n"
	"within 1% of its highest: the shares add up to at most the peak; a rise\n"
	"given back before it holds none). Log lines and markers are where steps\n"
	"start (a line that repeats one of the four before it, digits aside, is\n"
	"progress, not a step): a boundary near one moves onto it, a step whose\n"
	"curve goes one way with turns against it is one phase, and a phase is\n"
	"named by its first marker or log line. Each phase that moves says what\n"
	"kind of memory moved (anonymous, file-backed, shared memory, swap; the\n"
	"summed kinds shared out over the change). With REC.procs.csv beside it,\n"
	"who holds the peak (processes of one command line grouped, each by its own\n"
	"share: PSS where read) and who appeared or grew in each phase.\n"
	"\n"
	"With two recordings, the runs side by side: phases paired by their names\n"
	"(the longest sequence both runs share; those between two pairs by order;\n"
	"with no name in common all by order, said so), each pair's size (what a\n"
	"rise or a growth took at most, else the change) and duration before,\n"
	"after and the change, the peak's change, and the phase whose take (what\n"
	"it rose by; a drop takes none) changed most.\n"
	"\n"
	"With three to 16 recordings (one a host or rank of one job; or two with\n"
	"--align wall), one row a recording: where it was made (the .log's host),\n"
	"its peak and when, the phase to look at first; then the outlier, the one\n"
	"whose peak is furthest from the median of the others' (named when 25% or\n"
	"more off it).\n"
	"\n"
	"  -l, --log FILE        an application log to line up (repeatable), as in replay;\n"
	"                        one recording only (of two, each brings its own .log)\n"
	"      --log-tz TZ       zone of log times that carry none (default: local)\n"
	"      --log-format FMT  a strptime(3) format for any other timestamp\n"
	"      --series NAME     a column: mem, rss, pss, anon, file, shmem, swap, cgroup,\n"
	"                        cache, sys_used or sys_avail (default: the first\n"
	"                        measured of mem, pss, rss, cgroup, sys_used)\n"
	"      --align HOW       start: times from each recording's start (the default\n"
	"                        for two); wall: by the wall clock, times from the\n"
	"                        first recording's start (the default for three or more)\n"
	"      --csv             the phase table (or the comparison) as CSV, for scripts\n"
	"      --lenient         skip bad rows instead of stopping\n"
	"  -h, --help            this help\n";

/* Processes asked of the set at once, and groups of them shown. */
#define REPORT_MAX_PROCS 4096
#define REPORT_PEAK_GROUPS 5
#define REPORT_PHASE_GROUPS 3
#define REPORT_CMD_COLS 48
#define REPORT_GREW_BYTES 1400
#define REPORT_GREW_MIN_BYTES (INT64_C(1) << 20)
#define REPORT_KIND_MIN_BYTES (INT64_C(1) << 20)

/* "4 × python3 worker.py" (x without UTF-8), the command shown safely and cut. */
static void report_group_label(const holders_group *g, bool utf8, char *buf, size_t n)
{
	char cmd[PROCROW_CMD_MAX + 1];
	holders_short_cmd(g->first->cmd[0] ? g->first->cmd : g->first->name, cmd, sizeof cmd);
	char *safe = logtext_plain(cmd, strlen(cmd), REPORT_CMD_COLS, utf8);
	if (g->count > 1)
		snprintf(buf, n, "%zu %s %s", g->count, utf8 ? "\u00d7" : "x", safe ? safe : "");
	else
		snprintf(buf, n, "%s (pid %d)", safe ? safe : "", (int)g->first->pid);
	free(safe);
}

/* The processes at t1 (during: through [t0, t1]) into a new array of *n;
 * NULL without processes. */
static procset_item *report_items(const report_findings *f, int64_t t0, int64_t t1, bool during, size_t *n)
{
	procset_item *items = f->procs ? calloc(REPORT_MAX_PROCS, sizeof *items) : NULL;
	if (!items)
		return NULL;
	*n = during ? procset_during(f->procs, t0, t1, items, REPORT_MAX_PROCS)
	            : procset_at(f->procs, t1, t0, items, REPORT_MAX_PROCS);
	if (*n > REPORT_MAX_PROCS)
		*n = REPORT_MAX_PROCS;
	return items;
}

/* Who holds the peak: the largest groups of processes running then. */
static void report_print_holders(const report_findings *f, bool utf8)
{
	size_t n;
	procset_item *items = report_items(f, f->hold_t, f->hold_t, false, &n);
	if (!items)
		return;
	holders_group g[REPORT_PEAK_GROUPS];
	size_t ng = holders_group_by_cmd(items, n, HOLDERS_HELD, g, REPORT_PEAK_GROUPS);
	int64_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += items[i].held;
	for (size_t i = 0; i < ng; i++) {
		char label[400], size[32];
		report_group_label(&g[i], utf8, label, sizeof label);
		units_bytes(g[i].bytes, size, sizeof size);
		printf("%-10s %-*s %10s\n", i == 0 ? "held by" : "", REPORT_CMD_COLS + 14, label, size);
	}
	if (ng > 0) {
		char size[32];
		units_bytes(total, size, sizeof size);
		printf("%-10s (%zu process%s, %s: each its own share, PSS where read)\n", "", n, n == 1 ? "" : "es", size);
	}
	free(items);
}

/* The processes that appeared or grew in a phase ("4 × python3 worker.py
 * +1.2 GiB (new); ...") into buf: in a rise or a growth every one that
 * grew, in any other phase those that grew by 2% of the peak or more (a
 * worker replaced on a plateau; not the noise of a few pages). */
static void report_growers(const report_findings *f, const phase *p, bool utf8, char *buf, size_t n)
{
	buf[0] = '\0';
	if (!f->procs)
		return;
	bool rose = p->v1 > p->v0 && (p->kind == PHASE_RISE || p->kind == PHASE_GROWTH);
	int64_t least = rose ? 1 : f->peak / 50;
	if (least < REPORT_GREW_MIN_BYTES && !rose)
		least = REPORT_GREW_MIN_BYTES;
	size_t nitems, used = 0;
	procset_item *items = report_items(f, p->t0_ns, p->t1_ns, true, &nitems);
	if (!items)
		return;
	holders_group g[REPORT_PHASE_GROUPS];
	size_t ng = holders_group_by_cmd(items, nitems, HOLDERS_GROWTH, g, REPORT_PHASE_GROUPS);
	for (size_t i = 0; i < ng && used < n && g[i].bytes >= least; i++) {
		char label[400], size[32];
		report_group_label(&g[i], utf8, label, sizeof label);
		units_bytes(g[i].bytes, size, sizeof size);
		used += (size_t)snprintf(buf + used, n - used, "%s%s +%s%s", i == 0 ? "" : "; ", label, size,
		                         g[i].fresh == g[i].count ? " (new)" : "");
	}
	free(items);
}

/* Under a phase's row of the table: who grew in it. */
static void report_print_growers(const report_findings *f, const phase *p, bool utf8)
{
	char who[REPORT_GREW_BYTES];
	report_growers(f, p, utf8, who, sizeof who);
	if (who[0])
		printf("     grew: %s\n", who);
}

/* What phase i holds of the peak (phases_shares). */
static int64_t report_added(const report_findings *f, long i)
{
	return f->share[i];
}


/* The kinds of memory behind amount bytes from sample a to b, as
 * "210 MiB anonymous, 9.0 MiB file-backed" (largest first; kinds under 1%
 * of the amount left out) into buf; "" when the kinds were not recorded.
 * *top: the largest kind's part, *top_kind which it is. */
static void report_memory(const recload *d, size_t a, size_t b, int64_t amount, char *buf, size_t n, int64_t *top,
                          int *top_kind)
{
	const int64_t *kind[PHASES_NKINDS] = { d->v[SAMPLE_ANON], d->v[SAMPLE_FILE], d->v[SAMPLE_SHMEM],
		                               d->v[SAMPLE_SWAP] };
	int64_t part[PHASES_NKINDS];
	buf[0] = '\0';
	*top = 0;
	*top_kind = 0;
	if (a >= d->n || b >= d->n || !phases_memory(kind, a, b, amount, part))
		return;
	size_t used = 0;
	bool done[PHASES_NKINDS] = { false };
	for (int round = 0; round < PHASES_NKINDS; round++) {
		int k = -1;
		for (int j = 0; j < PHASES_NKINDS; j++)
			if (!done[j] && (k < 0 || llabs(part[j]) > llabs(part[k])))
				k = j;
		done[k] = true;
		if (round == 0) {
			*top = part[k];
			*top_kind = k;
		}
		if (llabs(part[k]) * 100 < llabs(amount) || part[k] == 0 || used >= n)
			continue;
		char size[32];
		units_bytes(llabs(part[k]), size, sizeof size);
		used += (size_t)snprintf(buf + used, n - used, "%s%s %s", used ? ", " : "", size, phases_memory_name(k));
	}
}

/* Finds the phases of column col (put on the steps the logs and markers
 * announce), the peak, and the phase to look at first. Returns 0, or -1
 * when the curve could not be segmented. */
static int report_find(const recload *d, int col, logbook *lb, report_findings *f)
{
	memset(f, 0, sizeof *f);
	f->col = col;
	f->wall0 = recload_wall0(d);
	f->ph = calloc(REPORT_MAX_PHASES, sizeof *f->ph);
	f->np = f->ph ? phases_find(d->t_ns, d->v[col], d->n, NULL, f->ph, REPORT_MAX_PHASES) : -1;
	if (f->np < 0)
		return -1;
	size_t nsteps = 0;
	size_t nm;
	markers_item *list = markers_copy_all(d->marks, &nm);
	int64_t *steps = phases_step_starts(lb, list, nm, f->wall0, &nsteps);
	markers_release(list, nm);
	free(list);
	if (!steps)
		return -1;
	f->np = phases_steps(d->t_ns, d->v[col], d->n, steps, nsteps, f->ph, f->np, REPORT_MAX_PHASES);
	free(steps);
	if (f->np < 0)
		return -1;
	f->share = calloc((size_t)f->np + 1, sizeof *f->share);
	f->change = calloc((size_t)f->np + 1, sizeof *f->change);
	if (!f->share || !f->change || phases_shares(d->v[col], d->n, f->ph, f->np, f->share, f->change) < 0)
		return -1;
	recload_peak(d, col, &f->peak, &f->peak_t);
	f->peak_row = 0;
	while (f->peak_row + 1 < d->n && d->v[col][f->peak_row] < f->peak - f->peak / 100)
		f->peak_row++;
	size_t hold = f->peak_row;
	for (size_t i = f->peak_row + 1; i < d->n; i++) {
		if (d->v[col][i] < 0)
			continue; /* not measured (a paced PSS sum) */
		if (d->v[col][i] < f->peak - f->peak / 100)
			break;
		hold = i;
	}
	f->hold_t = d->n ? d->t_ns[(f->peak_row + hold) / 2] : 0;
	f->best = -1;
	for (long i = 0; i < f->np; i++)
		if (report_added(f, i) > f->best_add) {
			f->best_add = report_added(f, i);
			f->best = i;
		}
	return 0;
}

/* The words of phase i: the log lines and markers between its ends. */
static void report_phase_words(const recload *d, const report_findings *f, logbook *lb, long i, bool utf8,
                               phase_words *w)
{
	const phase *p = &f->ph[i];
	report_words(lb, d->marks, report_wall_at(d, p->first, f->wall0, p->t0_ns),
	             report_wall_at(d, p->last, f->wall0, p->t1_ns), p->t0_ns, p->t1_ns, i == f->np - 1, utf8, w);
}

/* The kinds of memory of a change, four CSV fields (empty when not recorded). */
static void report_print_csv_kinds(const recload *d, size_t a, size_t b, int64_t amount)
{
	const int64_t *kind[PHASES_NKINDS] = { d->v[SAMPLE_ANON], d->v[SAMPLE_FILE], d->v[SAMPLE_SHMEM],
		                               d->v[SAMPLE_SWAP] };
	int64_t part[PHASES_NKINDS];
	bool known = phases_memory(kind, a, b, amount, part);
	for (int k = 0; k < PHASES_NKINDS; k++)
		if (known)
			printf(",%lld", (long long)part[k]);
		else
			printf(",");
}

/* The phase table as CSV, for scripts. */
static void report_print_csv(const recload *d, const report_findings *f, logbook *lb)
{
	puts("phase,start_s,end_s,start_time,end_time,duration_s,change_bytes,share_of_peak,kind,log_lines,first_line,last_line,markers,grew,"
	     "name,anon_bytes,file_bytes,shmem_bytes,swap_bytes");
	for (long i = 0; i < f->np; i++) {
		const phase *p = &f->ph[i];
		phase_words w;
		char a[64], b[64];
		report_phase_words(d, f, lb, i, true, &w);
		report_clock(f->wall0 + p->t0_ns, true, a, sizeof a);
		report_clock(f->wall0 + p->t1_ns, true, b, sizeof b);
		/* Numbers as they are; text through libcsv, so quoting is right. */
		printf("%ld,%.3f,%.3f,", i + 1, (double)p->t0_ns / 1e9, (double)p->t1_ns / 1e9);
		report_csv_field(stdout, f->wall0 ? a : "", true);
		report_csv_field(stdout, f->wall0 ? b : "", false);
		int64_t add = report_added(f, i);
		printf(",%.3f,%lld,%.3f,%s,%zu", (double)(p->t1_ns - p->t0_ns) / 1e9, (long long)f->change[i],
		       f->peak > 0 && add > 0 ? (double)add / (double)f->peak : 0.0, phase_kind_name(p->kind), w.lines);
		report_csv_field(stdout, w.first ? w.first : "", false);
		report_csv_field(stdout, w.last ? w.last : (w.first ? w.first : ""), false);
		report_csv_field(stdout, w.markers, false);
		char who[REPORT_GREW_BYTES];
		report_growers(f, p, true, who, sizeof who);
		report_csv_field(stdout, who, false);
		report_csv_field(stdout, w.name ? w.name : "", false);
		report_print_csv_kinds(d, p->first, p->last, f->change[i]);
		putchar('\n');
		report_words_free(&w);
	}
}

/* The headroom: how close the cgroup's peak (the shown series' where the
 * cgroup column is not there) came to the limit recorded on it. Nothing
 * when no limit was recorded: never a made-up one. */
/* Whether the .log names a kill by the OOM killer (memlog's own notes). */
static bool report_oom_noted(logbook *lb)
{
	uint64_t first = 0, end = 0;
	if (lb)
		logbook_range(lb, &first, &end);
	for (uint64_t s = first; s < end; s++) {
		logbook_entry e;
		if (logbook_get(lb, s, &e) == 0 && e.source == 0 && memmem(e.text, e.len, "OOM killer", 10) &&
		    !memmem(e.text, e.len, "runs under a memory limit", 25))
			return true;
	}
	return false;
}

static void report_print_limit(const recload *d, const report_findings *f, logbook *lb)
{
	const int64_t *lim = d->v[SAMPLE_LIMIT];
	int64_t peak, peak_t, lowest = -1, at_peak = -1;
	int col = SAMPLE_CGROUP;
	recload_peak(d, col, &peak, &peak_t);
	if (peak < 0) {
		col = f->col;
		recload_peak(d, col, &peak, &peak_t);
	}
	for (size_t i = 0; lim && i < d->n; i++) {
		if (lim[i] > 0 && (lowest < 0 || lim[i] < lowest))
			lowest = lim[i];
		if (d->t_ns[i] <= peak_t && lim[i] > 0)
			at_peak = lim[i];
	}
	if (lowest < 0)
		return;
	char l[32], pk[32], at[32], clock[16];
	units_bytes(at_peak > 0 ? at_peak : lowest, l, sizeof l);
	if (peak < 0) {
		printf("limit      %s on the cgroup\n", l);
		return;
	}
	units_bytes(peak, pk, sizeof pk);
	units_elapsed_compact(peak_t, at, sizeof at);
	report_clock(f->wall0 ? f->wall0 + peak_t : 0, false, clock, sizeof clock);
	double pct = 100.0 * (double)peak / (double)(at_peak > 0 ? at_peak : lowest);
	printf("limit      %s on the cgroup: its peak (%s %s at %s, %s) is %.0f%% of it", l, sample_col_names[col], pk,
	       at, clock, pct);
	/* A job that fills its memory faster than the samples come is killed
	 * at the limit with a highest sample well below it. */
	if (pct < 95 && report_oom_noted(lb))
		printf(", but it reached the limit between two samples: the OOM killer fired (below)");
	if (at_peak > 0 && lowest < at_peak) {
		units_bytes(lowest, l, sizeof l);
		printf("; lowered to %s later", l);
	}
	putchar('\n');
}

/* What memlog's .log says of the OOM killer, a line each (at most three). */
static void report_print_oom(logbook *lb, bool utf8)
{
	uint64_t first = 0, end = 0;
	if (lb)
		logbook_range(lb, &first, &end);
	int shown = 0;
	for (uint64_t s = first; s < end && shown < 3; s++) {
		logbook_entry e;
		if (logbook_get(lb, s, &e) < 0 || e.source != 0 || !memmem(e.text, e.len, "OOM killer", 10))
			continue;
		if (memmem(e.text, e.len, "runs under a memory limit", 25))
			continue;
		char *safe = logtext_plain(e.text, e.len, 240, utf8);
		printf("oom        %s\n", safe ? safe : "");
		free(safe);
		shown++;
	}
}

/* The summary above the phase table: the recording, what it recorded, its
 * span, what the reader left out, the peak. */
static void report_print_head(const char *csv_path, const recload *d, const report_findings *f, logbook *lb,
                              const reclogs_counts *counts, bool utf8)
{
	char a[64], b[64], pk[32], span[32];
	int64_t t_first = d->t_ns[0], t_last = d->t_ns[d->n - 1];
	report_clock(f->wall0 + t_first, true, a, sizeof a);
	report_clock(f->wall0 + t_last, false, b, sizeof b);
	units_elapsed(t_last - t_first, span, sizeof span);
	printf("recording  %s%s\n", csv_path, counts->placed ? "" : "  (no log lines found)");
	char *what = recload_what(csv_path);
	if (what) {
		/* From the .log: the person's command line, shown safely. */
		char *safe = logtext_plain(what, strlen(what), 100, utf8);
		printf("target     %s\n", safe ? safe : "");
		free(safe);
		free(what);
	}
	if (f->wall0)
		printf("span       %s to %s (%s), %zu samples\n", a, b, span, d->n);
	else
		printf("span       %s, %zu samples\n", span, d->n);
	if (d->info.skipped)
		printf("skipped    %zu bad rows (--lenient)\n", d->info.skipped);
	if (d->info.truncated_last)
		printf("note       the last row was cut short (the recorder was killed?) and left out\n");
	if (counts->unplaced)
		printf("unplaced   %zu log lines before any recognisable time\n", counts->unplaced);
	if (counts->outside[0]) {
		char *safe = logtext_plain(counts->outside, strlen(counts->outside), 300, utf8);
		printf("logs       %s\n", safe ? safe : "");
		free(safe);
	}
	if (f->peak >= 0) {
		units_bytes(f->peak, pk, sizeof pk);
		units_elapsed_compact(f->peak_t, a, sizeof a);
		report_clock(f->wall0 + f->peak_t, false, b, sizeof b);
		printf("peak       %s %s at %s (%s)\n", sample_col_names[f->col], pk, a, b);
		report_print_holders(f, utf8);
	}
	report_print_limit(d, f, lb);
	report_print_oom(lb, utf8);
	if (f->np == 0)
		printf("\nThe recording is too short to segment into phases (%zu samples over %s).\n", d->n, span);
}

/* One row of the phase table. */
static void report_print_phase(const recload *d, const report_findings *f, logbook *lb, long i, bool utf8)
{
	const phase *p = &f->ph[i];
	phase_words w;
	char t0[48], t1[48], dur[32], ch[32], share[16], e0[16], e1[16], c0[16], c1[16];
	report_phase_words(d, f, lb, i, utf8, &w);
	units_elapsed_compact(p->t0_ns, e0, sizeof e0);
	units_elapsed_compact(p->t1_ns, e1, sizeof e1);
	report_clock(report_wall_at(d, p->first, f->wall0, p->t0_ns), false, c0, sizeof c0);
	report_clock(report_wall_at(d, p->last, f->wall0, p->t1_ns), false, c1, sizeof c1);
	snprintf(t0, sizeof t0, "%s (%s)", e0, c0);
	snprintf(t1, sizeof t1, "%s (%s)", e1, c1);
	units_elapsed(p->t1_ns - p->t0_ns, dur, sizeof dur);
	int64_t delta = f->change[i];
	units_bytes(delta < 0 ? -delta : delta, ch + 1, sizeof ch - 1);
	ch[0] = delta < 0 ? '-' : '+';
	int64_t add = report_added(f, i);
	if (f->peak > 0 && add > 0)
		snprintf(share, sizeof share, "%3.0f%%", 100.0 * (double)add / (double)f->peak);
	else
		snprintf(share, sizeof share, "   -");
	printf("%3ld  %-17s  %-17s  %-12s %11s  %6s  %-7s  ", i + 1, t0, t1, dur, ch, share, phase_kind_name(p->kind));
	if (w.lines == 0)
		printf("(no log lines)");
	else if (w.lines == 1)
		printf("\"%s\"", w.first);
	else
		printf("\"%s\" ... \"%s\" (%zu lines)", w.first, w.last, w.lines);
	if (w.markers[0])
		printf("  [markers: %s]", w.markers);
	putchar('\n');
	int64_t top;
	int top_kind;
	char kinds[200];
	if (p->kind != PHASE_PLATEAU && llabs(delta) >= REPORT_KIND_MIN_BYTES && llabs(delta) * 50 >= f->peak) {
		report_memory(d, p->first, p->last, delta, kinds, sizeof kinds, &top, &top_kind);
		if (kinds[0])
			printf("     memory: %s%s\n", delta < 0 ? "freed " : "", kinds);
	}
	report_print_growers(f, p, utf8);
	report_words_free(&w);
}

/* The report as a person reads it: the summary, the phase table, the phase
 * to look at first. */
static void report_print_text(const char *csv_path, const recload *d, const report_findings *f, logbook *lb,
                              const reclogs_counts *counts, bool utf8)
{
	report_print_head(csv_path, d, f, lb, counts, utf8);
	if (f->np == 0)
		return;
	int64_t held = 0;
	for (long i = 0; i < f->np; i++)
		held += f->share[i];
	printf("\nof peak: what a phase acquired that is still held at the peak; together %.0f%% (the peak less the "
	       "lowest level before it)\n", f->peak > 0 ? 100.0 * (double)held / (double)f->peak : 0.0);
	printf("\n  #  start              end                duration      change  of peak  kind     what the logs said\n");
	for (long i = 0; i < f->np; i++)
		report_print_phase(d, f, lb, i, utf8);
	if (f->best >= 0) {
		const phase *p = &f->ph[f->best];
		char t0[32], t1[32], add[32], kinds[200];
		units_elapsed_compact(p->t0_ns, t0, sizeof t0);
		units_elapsed_compact(p->t1_ns, t1, sizeof t1);
		units_bytes(f->best_add, add, sizeof add);
		phase_words w;
		report_phase_words(d, f, lb, f->best, utf8, &w);
		printf("\nLook first at phase %ld", f->best + 1);
		if (w.name && w.name[0])
			printf(" \"%s\"", w.name);
		printf(" (%s, %s to %s): it holds %s of the peak, %.0f%%", phase_kind_name(p->kind), t0, t1, add,
		       100.0 * (double)f->best_add / (double)f->peak);
		/* The kinds over the part of the phase before the peak. */
		int64_t top;
		int top_kind;
		report_memory(d, p->first, p->last < f->peak_row ? p->last : f->peak_row, f->best_add, kinds,
		              sizeof kinds, &top, &top_kind);
		if (kinds[0] && top * 10 >= f->best_add * 9) {
			char part[32];
			units_bytes(top, part, sizeof part);
			printf(", %s of it %s", part, phases_memory_name(top_kind));
		} else if (kinds[0]) {
			printf(": %s", kinds);
		}
		printf(".\n");
		report_words_free(&w);
	} else {
		printf("\nNo phase adds to the peak: the curve starts at its highest.\n");
	}
}

/* Whether the locale's character set (set in main) is UTF-8. */
bool report_utf8(void)
{
	return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

/* A memory column of the recording (procs is a count, not memory). */
static bool report_series_ok(const char *name)
{
	for (int c = 0; c < SAMPLE_NCOLS; c++)
		if (c != SAMPLE_PROCS && c != SAMPLE_LIMIT && strcmp(name, sample_col_names[c]) == 0)
			return true;
	return false;
}

int report_open(const char *csv_path, reclogs *logs, const char *series_name, bool lenient, report_rec *r)
{
	char err[1024];
	memset(r, 0, sizeof *r);
	r->path = csv_path;
	if (recload_read(csv_path, lenient, &r->d, err, sizeof err) < 0) {
		fprintf(stderr, "memlog: %s\n", err);
		return 1;
	}
	int col = recload_pick(&r->d, series_name);
	if (col < 0) {
		fprintf(stderr, "memlog: %s: %s\n", csv_path,
		        series_name ? "that series was not measured in this recording" : "no memory series was measured");
		return 1;
	}
	r->lb = reclogs_book(csv_path, logs, recload_wall0(&r->d), &r->counts, err, sizeof err);
	if (!r->lb) {
		fprintf(stderr, "memlog: %s\n", err);
		return 1;
	}
	if (r->d.n > 0)
		reclogs_check_span(r->lb, logs, r->d.wall_ns[0], r->d.wall_ns[r->d.n - 1], &r->counts);
	if (report_find(&r->d, col, r->lb, &r->f) < 0) {
		fprintf(stderr, "memlog: %s: could not segment the curve (out of memory or too many phases)\n", csv_path);
		return 1;
	}
	if (recload_procs(csv_path, lenient, &r->f.procs, err, sizeof err) < 0)
		fprintf(stderr, "memlog: %s; the report goes on without the processes\n", err);
	return 0;
}

void report_close(report_rec *r)
{
	free(r->f.ph);
	free(r->f.share);
	free(r->f.change);
	procset_free(r->f.procs);
	logbook_close(r->lb);
	recload_free(&r->d);
}

char *report_phase_name(const report_rec *r, long i, bool utf8)
{
	phase_words w;
	report_phase_words(&r->d, &r->f, r->lb, i, utf8, &w);
	char *name = w.name;
	w.name = NULL;
	report_words_free(&w);
	return name;
}

int report_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "log", required_argument, NULL, 'l' },
		{ "log-tz", required_argument, NULL, 'z' },
		{ "log-format", required_argument, NULL, 'F' },
		{ "series", required_argument, NULL, 's' },
		{ "csv", no_argument, NULL, 'c' },
		{ "align", required_argument, NULL, 'A' },
		{ "lenient", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	reclogs logs;
	const char *series_name = NULL;
	bool as_csv = false, lenient = false;
	int align = -1; /* -1: as the number of recordings says; 0 start; 1 wall */
	int c;

	memset(&logs, 0, sizeof logs);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":l:h", longopts, NULL)) != -1) {
		int known = cli_log_option(c, optarg, &logs);
		if (known < 0)
			return 2;
		if (known)
			continue;
		switch (c) {
		case 's': series_name = optarg; break;
		case 'c': as_csv = true; break;
		case 'A':
			if (cli_align(optarg, &align) < 0)
				return 2;
			break;
		case 'L': lenient = true; break;
		case 'h': fputs(report_usage, stdout); return 0;
		default:
			return cli_option_error("report", c, argv);
		}
	}
	int nfiles = argc - optind;
	if (nfiles < 1 || nfiles > REPORT_MAX_RECORDINGS) {
		fprintf(stderr, "memlog: report: expected one recording (REC.csv), two to compare (BEFORE.csv "
		        "AFTER.csv), or up to %d of one job; got %d\nTry 'memlog report --help'.\n",
		        REPORT_MAX_RECORDINGS, nfiles);
		return 2;
	}
	if (series_name && !report_series_ok(series_name)) {
		fprintf(stderr, "memlog: --series: '%s' is not a series; expected mem, rss, pss, anon, file, shmem, swap, "
		        "cgroup, cache, sys_used or sys_avail\n", series_name);
		return 2;
	}
	logs.opts.offset_from_tz = !logs.tz_given;
	if (nfiles >= 3 || (nfiles == 2 && align == 1)) {
		if (logs.n > 0) {
			fprintf(stderr, "memlog: report: --log is for one recording; of several, each brings its own .log\n");
			return 2;
		}
		return report_hosts(argv + optind, nfiles, &logs, series_name, lenient, align != 0, as_csv);
	}
	if (align >= 0 && nfiles == 1) {
		fprintf(stderr, "memlog: report: --align lines up two recordings or more; got one\n");
		return 2;
	}
	if (argc - optind == 2) {
		if (logs.n > 0) {
			fprintf(stderr, "memlog: report: --log is for one recording; of two, each brings its own .log\n");
			return 2;
		}
		return report_compare(argv[optind], argv[optind + 1], &logs, series_name, lenient, as_csv);
	}
	report_rec r;
	int rc = report_open(argv[optind], &logs, series_name, lenient, &r);
	if (rc == 0) {
		if (as_csv) {
			recload_notes(r.path, &r.d.info);
			report_print_csv(&r.d, &r.f, r.lb);
		} else {
			report_print_text(r.path, &r.d, &r.f, r.lb, &r.counts, report_utf8());
		}
	}
	report_close(&r);
	return rc;
}
