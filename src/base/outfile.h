/* outfile.h: opening the files memlog writes, safely. */
#ifndef MEMLOG_OUTFILE_H
#define MEMLOG_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>

enum outfile_mode {
	OUTFILE_REPLACE, /* create, or empty an existing regular file */
	OUTFILE_NEW,     /* create; fail with errno EEXIST when the name is taken */
	OUTFILE_APPEND   /* create, or append to an existing regular file */
};

/* Opens path for writing, and reading back what was written (close-on-exec, mode 0666 less the umask). The last
 * component is never followed when it is a symbolic link, and anything but a
 * regular file (a device, a FIFO, a directory) is refused, so a planted link
 * or /dev/stdout cannot redirect a recording. Returns the fd, or -1 with errno
 * set and err holding "PATH: what was wrong; what was expected". */
int outfile_open(const char *path, enum outfile_mode mode, char *err, size_t errlen);

#endif
