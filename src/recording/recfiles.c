/* recfiles.c: the names of a recording's files, and its .log: the line
 * format written and read, the writer (cut back to its last whole line when
 * the disk fills), and the first note of what was recorded. */
#include "recording/recfiles.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/lines.h"
#include "base/mtime.h"

/* The first lines of a .log looked at for its first note. */
#define RECFILES_NOTE_LINES 50
#define RECFILES_NOTE_BYTES 65536
#define RECFILES_STARTED "started: "
#define RECFILES_WATCHING "watching "

char *recfiles_sibling(const char *csv_path, const char *suffix)
{
	size_t n = strlen(csv_path), k = strlen(suffix);
	char *p = malloc(n + k + 1);
	if (!p)
		return NULL;
	memcpy(p, csv_path, n + 1);
	if (n > 4 && strcmp(p + n - 4, ".csv") == 0)
		n -= 4;
	memcpy(p + n, suffix, k + 1);
	return p;
}

bool recfiles_log_parse(const char *line, size_t len, int64_t *wall_ns, const char **src, size_t *src_len,
                        const char **text, size_t *text_len)
{
	if (len < MTIME_ISO_LEN + 2 || line[MTIME_ISO_LEN] != ' ' ||
	    mtime_parse_iso(line, MTIME_ISO_LEN, wall_ns) < 0 || !mtime_wall_ok(*wall_ns))
		return false;
	const char *p = line + MTIME_ISO_LEN + 1, *end = line + len;
	const char *sp = memchr(p, ' ', (size_t)(end - p));
	*src = p;
	*src_len = sp ? (size_t)(sp - p) : (size_t)(end - p);
	*text = sp ? sp + 1 : end;
	*text_len = (size_t)(end - *text);
	return *src_len > 0 && *src_len < 200;
}

size_t recfiles_log_format(char *buf, size_t n, int64_t wall_ns, const char *source, const char *text,
                           size_t len)
{
	char iso[MTIME_ISO_LEN + 1];
	mtime_format_iso(wall_ns, iso);
	int w = snprintf(buf, n, "%s %s %.*s\n", iso, source, (int)(len < 65536 ? len : 65536), text);
	if (w < 0 || n < 2)
		return 0;
	if ((size_t)w >= n) {
		/* Cut: still one whole line. */
		buf[n - 2] = '\n';
		buf[n - 1] = '\0';
		return n - 1;
	}
	return (size_t)w;
}

struct recfiles_log {
	FILE *file;
	char *path;
	bool failed;
};

recfiles_log *recfiles_log_create(const char *path, enum outfile_mode mode, char *err, size_t errlen)
{
	recfiles_log *l = calloc(1, sizeof *l);
	if (!l || !(l->path = strdup(path))) {
		free(l);
		snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	int fd = outfile_open(path, mode, err, errlen);
	l->file = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!l->file) {
		int e = errno;
		if (fd >= 0) {
			snprintf(err, errlen, "%s: cannot create: %s", path, strerror(e));
			close(fd);
		}
		free(l->path);
		free(l);
		errno = e;
		return NULL;
	}
	return l;
}

void recfiles_log_write(void *log, int64_t wall_ns, const char *source, const char *text, size_t len)
{
	recfiles_log *l = log;
	char iso[MTIME_ISO_LEN + 1];
	if (!l || l->failed)
		return;
	mtime_format_iso(wall_ns, iso);
	fputs(iso, l->file);
	fputc(' ', l->file);
	fputs(source, l->file);
	fputc(' ', l->file);
	fwrite(text, 1, len, l->file);
	fputc('\n', l->file);
}

/* Cuts the file back to its last whole line, so that a write cut short (a
 * full disk) leaves no half line at its end. */
static void recfiles_cut_to_line(int fd)
{
	char buf[4096];
	struct stat st;
	if (fstat(fd, &st) != 0 || st.st_size == 0)
		return;
	off_t end = st.st_size;
	while (end > 0) {
		off_t from = end > (off_t)sizeof buf ? end - (off_t)sizeof buf : 0;
		ssize_t n = pread(fd, buf, (size_t)(end - from), from);
		if (n <= 0)
			return;
		const char *nl = memrchr(buf, '\n', (size_t)n);
		if (nl) {
			off_t keep = from + (nl - buf) + 1;
			if (keep < st.st_size && ftruncate(fd, keep) != 0)
				return;
			return;
		}
		end = from;
	}
	if (ftruncate(fd, 0) != 0)
		return;
}

int recfiles_log_flush(recfiles_log *l, char *err, size_t errlen)
{
	if (!l || l->failed)
		return 0;
	if (fflush(l->file) != 0 || ferror(l->file)) {
		snprintf(err, errlen, "%s: cannot write: %s", l->path, strerror(errno));
		l->failed = true;
		/* What stdio still holds would be written by fclose, cut. */
		__fpurge(l->file);
		recfiles_cut_to_line(fileno(l->file));
		return -1;
	}
	return 0;
}

bool recfiles_log_failed(const recfiles_log *l)
{
	return l && l->failed;
}

void recfiles_log_close(recfiles_log *l)
{
	if (!l)
		return;
	fclose(l->file);
	free(l->path);
	free(l);
}

size_t recfiles_start_note(char *buf, size_t n, const recfiles_start *st)
{
	size_t used = 0;
	int w;
	if (st->argv) {
		w = snprintf(buf, n, RECFILES_STARTED);
		used = w > 0 ? (size_t)w : 0;
		for (char *const *a = st->argv; *a && used < n; a++) {
			w = snprintf(buf + used, n - used, "%s%s", a == st->argv ? "" : " ", *a);
			used += w > 0 ? (size_t)w : 0;
		}
		if (used < n) {
			w = snprintf(buf + used, n - used, " (pid %d)", (int)st->pid);
			used += w > 0 ? (size_t)w : 0;
		}
	} else if (st->pid) {
		w = snprintf(buf, n, RECFILES_WATCHING "pid %d%s", (int)st->pid, st->children ? " and its descendants" : "");
		used = w > 0 ? (size_t)w : 0;
	} else if (st->cgroup) {
		w = snprintf(buf, n, RECFILES_WATCHING "cgroup %s", st->cgroup);
		used = w > 0 ? (size_t)w : 0;
	} else {
		w = snprintf(buf, n, RECFILES_WATCHING "the machine");
		used = w > 0 ? (size_t)w : 0;
	}
	if (used < n) {
		w = snprintf(buf + used, n - used, ", sampling every %s into %s", st->interval, st->csv_path);
		used += w > 0 ? (size_t)w : 0;
	}
	return used < n ? used : (n ? n - 1 : 0);
}

bool recfiles_start_what(const char *text, size_t len, char *buf, size_t n)
{
	size_t ls = strlen(RECFILES_STARTED), lw = strlen(RECFILES_WATCHING);
	const char *p, *end = text + len;
	bool started = len >= ls && memcmp(text, RECFILES_STARTED, ls) == 0;
	if (started)
		p = text + ls;
	else if (len >= lw && memcmp(text, RECFILES_WATCHING, lw) == 0)
		p = text; /* "watching pid 42 and its descendants" */
	else
		return false;
	/* The command line itself may hold anything: the last " (pid " ends it. */
	const char *cut = NULL;
	const char *mark = started ? " (pid " : ", sampling";
	for (const char *q = p; (q = memmem(q, (size_t)(end - q), mark, strlen(mark))) != NULL; q++)
		cut = q;
	if (cut)
		end = cut;
	snprintf(buf, n, "%.*s", (int)(end - p), p);
	return true;
}

/* Looks for the first note in the lines of a .log (host: the host note). */
struct recfiles_finding {
	char *buf;
	size_t n;
	int lines;
	bool found;
	bool host;
};

static void recfiles_find_note(void *ctx, const char *line, size_t len)
{
	struct recfiles_finding *f = ctx;
	int64_t wall;
	const char *src, *text;
	size_t src_len, text_len, hl = strlen(RECFILES_HOST_NOTE);
	if (f->found || f->lines++ >= RECFILES_NOTE_LINES)
		return;
	if (!recfiles_log_parse(line, len, &wall, &src, &src_len, &text, &text_len))
		return;
	if (src_len != strlen(RECFILES_SOURCE_MEMLOG) || memcmp(src, RECFILES_SOURCE_MEMLOG, src_len) != 0)
		return;
	if (!f->host) {
		f->found = recfiles_start_what(text, text_len, f->buf, f->n);
	} else if (text_len > hl && memcmp(text, RECFILES_HOST_NOTE, hl) == 0) {
		snprintf(f->buf, f->n, "%.*s", (int)(text_len - hl), text + hl);
		f->found = true;
	}
}

/* The first note of the kind f asks for in the .log at log_path. */
static bool recfiles_find(const char *log_path, struct recfiles_finding *f)
{
	int fd = open(log_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return false;
	struct stat st;
	char *head = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? malloc(RECFILES_NOTE_BYTES) : NULL;
	ssize_t got = head ? pread(fd, head, RECFILES_NOTE_BYTES, 0) : -1;
	close(fd);
	if (got > 0) {
		lines l;
		lines_init(&l, RECFILES_NOTE_BYTES);
		lines_feed(&l, head, (size_t)got, recfiles_find_note, f);
		lines_free(&l);
	}
	free(head);
	return f->found;
}

bool recfiles_recorded_host(const char *log_path, char *buf, size_t n)
{
	struct recfiles_finding f = { buf, n, 0, false, true };
	return recfiles_find(log_path, &f);
}

bool recfiles_recorded_what(const char *log_path, char *buf, size_t n)
{
	struct recfiles_finding f = { buf, n, 0, false, false };
	return recfiles_find(log_path, &f);
}

void recfiles_recording_host(const char *csv_path, char *host, size_t n)
{
	char *log = recfiles_sibling(csv_path, RECFILES_LOG);
	if (!log || !recfiles_recorded_host(log, host, n))
		host[0] = '\0';
	free(log);
}

void recfiles_recording_name(const char *csv_path, char *buf, size_t n)
{
	char host[256];
	recfiles_recording_host(csv_path, host, sizeof host);
	const char *base = strrchr(csv_path, '/');
	base = base ? base + 1 : csv_path;
	if (host[0])
		snprintf(buf, n, "%s (%s)", host, base);
	else
		snprintf(buf, n, "%s", base);
}
