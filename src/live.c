/* live.c: `memlog mark`, and picking and listing this user's running
 * recordings for it and for `memlog attach`. */
#include "live.h"

#include <getopt.h>
#include <langinfo.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/mtime.h"
#include "cli.h"
#include "model/markers.h"
#include "view/logtext.h"

void live_safe(FILE *f, const char *text, int maxw)
{
	bool utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	char *safe = logtext_plain(text, strlen(text), maxw, utf8);
	fputs(safe ? safe : "?", f);
	free(safe);
}

void live_print(FILE *f, const reclive_info *list, size_t n, bool numbered)
{
	fprintf(f, "%s%-8s  %-19s  %s\n", numbered ? "     " : "", "PID", "SINCE", "RECORDING (WHAT)");
	for (size_t i = 0; i < n; i++) {
		char since[32] = "?";
		time_t t = (time_t)(list[i].started_ns / NS_PER_S);
		struct tm tm;
		if (localtime_r(&t, &tm))
			strftime(since, sizeof since, "%Y-%m-%d %H:%M:%S", &tm);
		if (numbered)
			fprintf(f, "%3zu) ", i + 1);
		fprintf(f, "%-8ld  %-19s  ", list[i].pid, since);
		live_safe(f, list[i].csv, 400);
		fputs(" (", f);
		live_safe(f, list[i].target, 200);
		fputs(")\n", f);
	}
}

/* Asks on the terminal which of the n recordings; its index, or -1. */
static long live_ask(const char *cmd, const reclive_info *list, size_t n)
{
	char line[64];
	fprintf(stderr, "%zu recordings of yours are running:\n", n);
	live_print(stderr, list, n, true);
	for (;;) {
		fprintf(stderr, "memlog %s: which one? [1-%zu, Enter for none] ", cmd, n);
		if (!fgets(line, sizeof line, stdin) || line[0] == '\n')
			return -1;
		char *end;
		long k = strtol(line, &end, 10);
		if ((*end == '\n' || *end == '\0') && k >= 1 && (size_t)k <= n)
			return k - 1;
		fprintf(stderr, "memlog %s: '%.*s' is not one of them; expected a number from 1 to %zu\n", cmd,
		        (int)strcspn(line, "\n"), line, n);
	}
}

int live_pick(const char *cmd, const char *arg, reclive_info *out)
{
	char err[1200];
	if (arg)
		goto find;
	reclive_info *list;
	size_t n;
	if (reclive_list(&list, &n, err, sizeof err) < 0) {
		fprintf(stderr, "memlog: %s: %s\n", cmd, err);
		return 1;
	}
	if (n <= 1) {
		free(list);
		goto find;
	}
	int rc = 2;
	if (isatty(STDIN_FILENO) && isatty(STDERR_FILENO)) {
		long k = live_ask(cmd, list, n);
		if (k >= 0) {
			*out = list[k];
			rc = 0;
		} else {
			rc = 1;
		}
	} else {
		fprintf(stderr, "memlog: %s: %zu recordings of yours are running; name one by its CSV or memlog's "
		        "pid:\n", cmd, n);
		live_print(stderr, list, n, false);
	}
	free(list);
	return rc;
find:
	if (reclive_find(arg, out, err, sizeof err) < 0) {
		fprintf(stderr, "memlog: %s: %s\n", cmd, err);
		return 1;
	}
	return 0;
}

static const char mark_usage[] =
	"usage: memlog mark [-l LABEL] [REC.csv | PID]\n"
	"\n"
	"Drop a marker into a running recording from any shell: memlog takes a\n"
	"sample at once, labelled, into the CSV, as the key m does in the view.\n"
	"The recording is named by its CSV or by memlog's pid; without either,\n"
	"it is the only recording of yours that runs (with several, they are\n"
	"listed, and a terminal is asked which). A recording that has ended, or\n"
	"one of another user's, is an error.\n"
	"\n"
	"  -l, --label LABEL     the marker's label: its first line, cut at 120\n"
	"                        bytes (default: the next number, M1, M2, ...)\n"
	"  -q, --quiet           say nothing when it worked\n"
	"  -h, --help            this help\n"
	"\n"
	"The job itself marks by writing a line to the path in $MEMLOG_MARK:\n"
	"  echo \"epoch 3\" > \"$MEMLOG_MARK\"\n"
	"Exits 0 when the marker was taken, 1 when it could not be, 2 for a\n"
	"command-line mistake.\n";

int mark_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "label", required_argument, NULL, 'l' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *label = "";
	bool quiet = false;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":l:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'l': label = optarg; break;
		case 'q': quiet = true; break;
		case 'h': fputs(mark_usage, stdout); return 0;
		default: return cli_option_error("mark", c, argv);
		}
	}
	if (argc - optind > 1) {
		fprintf(stderr, "memlog: mark: expected at most one recording (REC.csv or memlog's pid), got %d\n"
		        "Try 'memlog mark --help'.\n", argc - optind);
		return 2;
	}
	reclive_info in;
	int rc = live_pick("mark", optind < argc ? argv[optind] : NULL, &in);
	if (rc)
		return rc;
	char err[1200], reply[RECLIVE_LINE_MAX], request[MARKERS_LABEL_MAX + 8], clean[MARKERS_LABEL_MAX + 1];
	markers_label(label, strlen(label), clean);
	snprintf(request, sizeof request, "mark%s%s", clean[0] ? " " : "", clean);
	int fd = reclive_connect(in.sock, err, sizeof err);
	if (fd < 0 || reclive_ask(fd, request, reply, sizeof reply, err, sizeof err) < 0) {
		fputs("memlog: mark: ", stderr);
		live_safe(stderr, in.csv, 400);
		fprintf(stderr, ": %s\n", err);
		if (fd >= 0)
			close(fd);
		return 1;
	}
	close(fd);
	if (!quiet) {
		char *got = strlen(reply) > 3 ? reply + 3 : reply + strlen(reply);
		got[strcspn(got, "\n")] = '\0';
		fputs("memlog: marker ", stderr);
		live_safe(stderr, got, 120);
		fputs(" in ", stderr);
		live_safe(stderr, in.csv, 400);
		fputs("\n", stderr);
	}
	return 0;
}
