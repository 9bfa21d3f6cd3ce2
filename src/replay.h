/* replay.h: `memlog replay`: a recording and its logs, back in the view. */
#ifndef MEMLOG_REPLAY_H
#define MEMLOG_REPLAY_H

/* The `memlog replay` command: argv[0] is "replay". Returns the exit status. */
int replay_main(int argc, char **argv);

#endif
