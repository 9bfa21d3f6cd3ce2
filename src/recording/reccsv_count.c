/* reccsv_count.c: the rows of a recording, counted fast to size buffers
 * before a read (reccsv.h). */
#include "recording/reccsv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Read size for counting newlines: big, since memchr outruns the copy. */
#define RECCSV_COUNT_CHUNK_BYTES ((size_t)1 << 20)

/* Counts newlines with memchr over big reads, minus the header; see reccsv.h. */
long reccsv_count_rows(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat st;
	size_t chunk = RECCSV_COUNT_CHUNK_BYTES;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size < chunk)
		chunk = (size_t)st.st_size + 1; /* +1: the read that finds the end */
	char *buf = malloc(chunk);
	if (buf == NULL) {
		close(fd);
		return -1;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	long lines = 0;
	char last = '\n';
	for (;;) {
		ssize_t n = read(fd, buf, chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			lines = -1;
			break;
		}
		if (n == 0)
			break;
		const char *p = buf, *end = buf + n;
		while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			lines++;
			p++;
		}
		last = buf[n - 1];
	}
	free(buf);
	close(fd);
	if (lines < 0)
		return -1;
	if (last != '\n')
		lines++; /* a last line without its newline */
	return lines > 0 ? lines - 1 : 0;
}

