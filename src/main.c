/* main.c: memlog's commands, dispatched by their first word. */
#include <locale.h>
#include <string.h>

#include "attach.h"
#include "cli.h"
#include "export.h"
#include "live.h"
#include "plot.h"
#include "replay.h"
#include "report.h"
#include "run.h"

int main(int argc, char **argv)
{
	/* Once, before any thread: the character set of the person's locale,
	 * for what is printed (a log line's "café" is text under UTF-8, not
	 * "<U+00E9>") and for the view. Only LC_CTYPE: numbers and times in
	 * the CSV and the report stay in the one form a program reads back. */
	setlocale(LC_CTYPE, "");
	if (argc < 2)
		cli_error("expected a command: run, watch, replay, report, plot, mark, attach or export");
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0)
		cli_usage_exit();
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0)
		cli_version_exit();
	if (strcmp(cmd, "replay") == 0)
		return replay_main(argc - 1, argv + 1);
	if (strcmp(cmd, "report") == 0)
		return report_main(argc - 1, argv + 1);
	if (strcmp(cmd, "plot") == 0)
		return plot_main(argc - 1, argv + 1);
	if (strcmp(cmd, "mark") == 0)
		return mark_main(argc - 1, argv + 1);
	if (strcmp(cmd, "attach") == 0)
		return attach_main(argc - 1, argv + 1);
	if (strcmp(cmd, "export") == 0)
		return export_main(argc - 1, argv + 1);
	if (strcmp(cmd, "run") != 0 && strcmp(cmd, "watch") != 0)
		cli_error("unknown command '%s'; expected run, watch, replay, report, plot, mark, attach or export", cmd);
	cli_options o = { .cmd = strcmp(cmd, "run") == 0 ? CLI_RUN : CLI_WATCH };
	cli_parse_record(argc - 1, argv + 1, &o);
	return run_main(&o);
}
