/* run.h: `memlog run` and `memlog watch`: recording a command or something
 * already running, live in the terminal or headless. */
#ifndef MEMLOG_RUN_H
#define MEMLOG_RUN_H

#include "cli.h"

/* Records what the options say until it ends; returns the exit status
 * (run: the command's own, 128+N when a signal N killed it). */
int run_main(const cli_options *o);

#endif
