/* report.h: `memlog report`: where the memory went, phase by phase. */
#ifndef MEMLOG_REPORT_H
#define MEMLOG_REPORT_H

/* The `memlog report` command: argv[0] is "report". Returns the exit status. */
int report_main(int argc, char **argv);

#endif
