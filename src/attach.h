/* attach.h: `memlog attach`, the live view of a recording that runs
 * without one. */
#ifndef MEMLOG_ATTACH_H
#define MEMLOG_ATTACH_H

/* memlog attach [--list] [REC.csv | PID]; returns the exit status. */
int attach_main(int argc, char **argv);

#endif
