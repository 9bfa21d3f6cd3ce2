/*
 * outfile.c: owns how memlog opens the files it writes (the CSV, the .log,
 * the markers file, an SVG or a report). The name of a recording is often
 * predictable and it may sit in a shared directory such as /tmp, so a file
 * is opened with O_NOFOLLOW and checked to be a regular file before anything
 * is truncated or written: an existing file is emptied only after that check.
 */
#include "base/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int outfile_open(const char *path, enum outfile_mode mode, char *err, size_t errlen)
{
	int flags = O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;
	if (mode == OUTFILE_NEW)
		flags |= O_EXCL;
	if (mode == OUTFILE_APPEND)
		flags |= O_APPEND;
	int fd = open(path, flags, 0666);
	if (fd < 0) {
		int e = errno;
		struct stat st;
		if (e == ELOOP && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
			snprintf(err, errlen, "%s: is a symbolic link; memlog does not write through one "
			         "(expected a regular file or a new name)", path);
		else if (e == EEXIST)
			snprintf(err, errlen, "%s: already exists", path);
		else if (e == ENXIO)
			snprintf(err, errlen, "%s: not a regular file (a FIFO); expected a regular file", path);
		else
			snprintf(err, errlen, "%s: cannot create: %s", path, strerror(e));
		errno = e;
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int e = errno;
		snprintf(err, errlen, "%s: cannot check it: %s", path, strerror(e));
		close(fd);
		errno = e;
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		const char *what = "not a regular file";
		if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
			what = "a device, not a regular file";
		else if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
			what = "a FIFO or socket, not a regular file";
		snprintf(err, errlen, "%s: %s; expected a regular file (write to a file, then read it)", path, what);
		close(fd);
		errno = EINVAL;
		return -1;
	}
	/* Emptied only now that it is known to be a regular file of ours. */
	if (mode == OUTFILE_REPLACE && st.st_size > 0 && ftruncate(fd, 0) != 0) {
		int e = errno;
		snprintf(err, errlen, "%s: cannot empty it: %s", path, strerror(e));
		close(fd);
		errno = e;
		return -1;
	}
	/* Writes block as on any regular file. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}
