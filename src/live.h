/* live.h: `memlog mark`, and what it shares with `memlog attach`: naming
 * one of this user's running recordings, and listing them. */
#ifndef MEMLOG_LIVE_H
#define MEMLOG_LIVE_H

#include <stdio.h>

#include "recording/reclive.h"

/* The running recording arg names (a CSV, a memlog pid; NULL: the only
 * one, or, with several and a terminal, the one the person picks). 0, or
 * the exit status having said why on stderr (1 none running or not
 * reachable, 2 several without a terminal to ask). cmd names the command. */
int live_pick(const char *cmd, const char *arg, reclive_info *out);

/* The running recordings as a table: memlog's pid, since when, the CSV,
 * what is recorded (numbered when numbered, from 1). */
void live_print(FILE *f, const reclive_info *list, size_t n, bool numbered);

/* Text from a recording (a label, a command line, a path) made safe for the
 * terminal, at most maxw columns: controls and bidi characters as visible
 * escapes. */
void live_safe(FILE *f, const char *text, int maxw);

/* memlog mark [-l LABEL] [REC.csv | PID]. */
int mark_main(int argc, char **argv);

#endif
