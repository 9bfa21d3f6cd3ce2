/* infile.c: what a file to read is, and whether it can be a log. */
#include "base/infile.h"

#include <stdio.h>
#include <sys/stat.h>

const char *infile_kind(mode_t mode)
{
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "a device";
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a regular file";
}

int infile_check_log(const char *opt, const char *path, char *err, size_t errlen)
{
	struct stat st;
	if (stat(path, &st) != 0 || S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode))
		return 0;
	snprintf(err, errlen, "%s %s: %s, not a log file; expected a regular file or a FIFO",
	         opt, path, infile_kind(st.st_mode));
	return -1;
}
