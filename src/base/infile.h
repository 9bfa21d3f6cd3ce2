/* infile.h: the files memlog reads beside a recording (logs to tail or to
 * line up): only what can be read to an end. */
#ifndef MEMLOG_INFILE_H
#define MEMLOG_INFILE_H

#include <stddef.h>
#include <sys/types.h>

/* Whether path can be a log to read: a regular file or a FIFO, or nothing
 * yet. Anything else (a device like /dev/zero, a directory, a socket) would
 * be read for ever or not at all: returns -1 with err saying "OPT PATH: what
 * it is; expected ...". */
int infile_check_log(const char *opt, const char *path, char *err, size_t errlen);

/* What a file of mode is, for messages: "a device", "a directory", ... */
const char *infile_kind(mode_t mode);

#endif
