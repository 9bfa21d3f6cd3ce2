/* plot.h: `memlog plot`: a recording as an SVG picture. */
#ifndef MEMLOG_PLOT_H
#define MEMLOG_PLOT_H

/* The `memlog plot` command: argv[0] is "plot". Returns the exit status. */
int plot_main(int argc, char **argv);

#endif
