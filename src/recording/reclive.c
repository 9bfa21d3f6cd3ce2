/* reclive.c: the state of a running recording, its files and a client's
 * side of its socket (see reclive.h). */
#include "recording/reclive.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "base/grow.h"
#include "base/mtime.h"
#include "recording/recfiles.h"

int reclive_dir(char *out, size_t n, bool create, char *err, size_t errlen)
{
	const char *env = getenv(RECLIVE_DIR_ENV);
	if (env && *env)
		snprintf(out, n, "%s", env);
	else
		snprintf(out, n, "/tmp/memlog-%lu", (unsigned long)geteuid());
	if (create && mkdir(out, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot make the run directory %s: %s", out, strerror(errno));
		return -1;
	}
	struct stat st;
	if (lstat(out, &st) < 0) {
		snprintf(err, errlen, "the run directory %s: %s", out, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077)) {
		snprintf(err, errlen, "the run directory %s is %s; expected a directory of user %lu's that only it "
		         "may enter (mode 0700)", out, !S_ISDIR(st.st_mode) ? "not a directory" :
		         st.st_uid != geteuid() ? "another user's" : "open to other users",
		         (unsigned long)geteuid());
		errno = EPERM;
		return -1;
	}
	return 0;
}

/* Copies s into a value: a newline or a tab would end it, a space. */
static void reclive_value(char *buf, size_t n, size_t *used, const char *key, const char *s)
{
	if (*used >= n)
		return;
	int k = snprintf(buf + *used, n - *used, "%s ", key);
	if (k < 0 || (size_t)k >= n - *used) {
		*used = n;
		return;
	}
	*used += (size_t)k;
	for (; *s && *used + 2 < n; s++)
		buf[(*used)++] = *s == '\n' || *s == '\r' ? ' ' : *s;
	buf[(*used)++] = '\n';
	buf[*used] = '\0';
}

size_t reclive_format(const reclive_info *in, char *buf, size_t n)
{
	char num[32], iso[MTIME_ISO_LEN + 1];
	size_t used = 0;
	buf[0] = '\0';
	snprintf(num, sizeof num, "%ld", in->pid);
	reclive_value(buf, n, &used, "pid", num);
	mtime_format_iso(in->started_ns, iso);
	reclive_value(buf, n, &used, "started", iso);
	snprintf(num, sizeof num, "%lld", (long long)in->interval_ns);
	reclive_value(buf, n, &used, "interval_ns", num);
	reclive_value(buf, n, &used, "id", in->id);
	reclive_value(buf, n, &used, "csv", in->csv);
	reclive_value(buf, n, &used, "log", in->log);
	reclive_value(buf, n, &used, "socket", in->sock);
	if (in->mark[0])
		reclive_value(buf, n, &used, "mark", in->mark);
	reclive_value(buf, n, &used, "target", in->target);
	return used < n ? used : n - 1;
}

int reclive_parse(const char *text, size_t len, reclive_info *out)
{
	memset(out, 0, sizeof *out);
	const char *p = text, *end = text + len;
	while (p < end && *p != '\n') {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		const char *sp = memchr(p, ' ', (size_t)(eol - p));
		if (sp) {
			size_t klen = (size_t)(sp - p), vlen = (size_t)(eol - sp - 1);
			char v[PATH_MAX];
			snprintf(v, sizeof v, "%.*s", (int)vlen, sp + 1);
			/* As reclive_format writes it: a CR is a space. */
			for (char *c = v; (c = strchr(c, '\r')); c++)
				*c = ' ';
#define KEY(k) (klen == sizeof k - 1 && memcmp(p, k, klen) == 0)
			if (KEY("pid"))
				out->pid = strtol(v, NULL, 10);
			else if (KEY("started"))
				mtime_parse_iso(v, strlen(v), &out->started_ns);
			else if (KEY("interval_ns"))
				out->interval_ns = strtoll(v, NULL, 10);
			else if (KEY("id"))
				snprintf(out->id, sizeof out->id, "%.63s", v);
			else if (KEY("csv"))
				snprintf(out->csv, sizeof out->csv, "%s", v);
			else if (KEY("log"))
				snprintf(out->log, sizeof out->log, "%s", v);
			else if (KEY("socket"))
				snprintf(out->sock, sizeof out->sock, "%s", v);
			else if (KEY("mark"))
				snprintf(out->mark, sizeof out->mark, "%s", v);
			else if (KEY("target"))
				snprintf(out->target, sizeof out->target, "%.1199s", v);
#undef KEY
		}
		p = nl ? nl + 1 : end;
	}
	return out->pid > 0 && out->csv[0] && out->sock[0] ? 0 : -1;
}

int reclive_write(const char *path, const reclive_info *in, char *err, size_t errlen)
{
	char tmp[PATH_MAX + 16], text[8192];
	snprintf(tmp, sizeof tmp, "%s.new", path);
	size_t len = reclive_format(in, text, sizeof text);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST) {
		/* Left by a crash: ours to replace, never to write through. */
		unlink(tmp);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	}
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	ssize_t w = write(fd, text, len);
	int e = errno;
	close(fd);
	if (w != (ssize_t)len || rename(tmp, path) < 0) {
		if (w == (ssize_t)len)
			e = errno;
		unlink(tmp);
		snprintf(err, errlen, "%s: %s", path, w != (ssize_t)len && w >= 0 ? "short write" : strerror(e));
		return -1;
	}
	return 0;
}

int reclive_read(const char *path, reclive_info *out, char *err, size_t errlen)
{
	char text[8192];
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		int e = errno;
		snprintf(err, errlen, "%s: %s", path, e == ELOOP ? "a symbolic link; expected memlog's state file" :
		         strerror(e));
		errno = e == ELOOP ? EPERM : e;
		return -1;
	}
	struct stat st = { 0 };
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		bool foreign = S_ISREG(st.st_mode) && st.st_uid != geteuid();
		if (foreign)
			snprintf(err, errlen, "%s belongs to user %lu, not to you (user %lu): a recording of another "
			         "user's is not yours to mark or attach to", path, (unsigned long)st.st_uid,
			         (unsigned long)geteuid());
		else
			snprintf(err, errlen, "%s: not a regular file; expected memlog's state file", path);
		close(fd);
		errno = EPERM;
		return -1;
	}
	ssize_t r = read(fd, text, sizeof text - 1);
	close(fd);
	if (r < 0 || reclive_parse(text, (size_t)r, out) < 0) {
		snprintf(err, errlen, "%s: not a state file memlog wrote (no pid, CSV or socket in it)", path);
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int reclive_connect(const char *sock, char *err, size_t errlen)
{
	struct stat st;
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	if (lstat(sock, &st) < 0) {
		int e = errno;
		snprintf(err, errlen, "%s: %s", sock, strerror(e));
		errno = e;
		return -1;
	}
	if (!S_ISSOCK(st.st_mode) || st.st_uid != geteuid()) {
		snprintf(err, errlen, "%s is %s; expected a socket of yours (user %lu)", sock,
		         !S_ISSOCK(st.st_mode) ? "not a socket" : "another user's", (unsigned long)geteuid());
		errno = EPERM;
		return -1;
	}
	if (strlen(sock) >= sizeof a.sun_path) {
		snprintf(err, errlen, "%s: the path is too long for a socket", sock);
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(a.sun_path, sock, strlen(sock) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		int e = errno;
		snprintf(err, errlen, "%s: %s", sock, strerror(e));
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Waits until fd is ready for events or the deadline (monotonic ns). */
static bool reclive_wait(int fd, short events, int64_t deadline)
{
	for (;;) {
		int64_t left = deadline - mtime_mono_ns();
		if (left <= 0)
			return false;
		struct pollfd p = { .fd = fd, .events = events };
		int r = poll(&p, 1, (int)(left / 1000000) + 1);
		if (r > 0)
			return true;
		if (r < 0 && errno != EINTR)
			return false;
	}
}

int reclive_answer(int fd, char *reply, size_t n, char *err, size_t errlen)
{
	char buf[RECLIVE_LINE_MAX * 2];
	size_t used = 0;
	int64_t deadline = mtime_mono_ns() + (int64_t)RECLIVE_TIMEOUT_MS * 1000000;
	for (;;) {
		/* The block ends at an empty line. */
		char *end = used >= 2 ? memmem(buf, used, "\n\n", 2) : NULL;
		if (end) {
			size_t len = (size_t)(end + 1 - buf);
			snprintf(reply, n, "%.*s", (int)len, buf);
			if (strncmp(buf, "ok", 2) == 0 && (len == 2 || buf[2] == '\n' || buf[2] == ' '))
				return 0;
			if (strncmp(buf, "error ", 6) == 0)
				snprintf(err, errlen, "%.*s", (int)strcspn(buf + 6, "\n"), buf + 6);
			else
				snprintf(err, errlen, "an answer memlog does not give: %.60s", buf);
			return -1;
		}
		if (used == sizeof buf) {
			snprintf(err, errlen, "an answer longer than %zu bytes", sizeof buf);
			return -1;
		}
		if (!reclive_wait(fd, POLLIN, deadline)) {
			snprintf(err, errlen, "no answer within %d s (memlog stopped or stuck?)", RECLIVE_TIMEOUT_MS / 1000);
			return -1;
		}
		ssize_t r = read(fd, buf + used, sizeof buf - used);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			snprintf(err, errlen, "memlog closed the connection%s%s (the recording ended?)", r < 0 ? ": " : "",
			         r < 0 ? strerror(errno) : "");
			return -1;
		}
		used += (size_t)r;
	}
}

int reclive_ask(int fd, const char *request, char *reply, size_t n, char *err, size_t errlen)
{
	char line[RECLIVE_LINE_MAX + 2];
	int len = snprintf(line, sizeof line, "%s\n", request);
	if (len < 0 || (size_t)len >= sizeof line) {
		snprintf(err, errlen, "a request longer than %d bytes", RECLIVE_LINE_MAX);
		return -1;
	}
	int64_t deadline = mtime_mono_ns() + (int64_t)RECLIVE_TIMEOUT_MS * 1000000;
	for (int off = 0; off < len;) {
		ssize_t w = send(fd, line + off, (size_t)(len - off), MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w > 0) {
			off += (int)w;
		} else if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (!reclive_wait(fd, POLLOUT, deadline)) {
				snprintf(err, errlen, "memlog takes no requests (stopped or stuck?)");
				return -1;
			}
		} else {
			snprintf(err, errlen, "cannot send to memlog: %s", strerror(errno));
			return -1;
		}
	}
	return reclive_answer(fd, reply, n, err, errlen);
}

/* Removes path when it is there and this user's, never through a link. */
static void reclive_unlink_own(const char *path)
{
	struct stat st;
	if (path[0] && lstat(path, &st) == 0 && st.st_uid == geteuid())
		unlink(path);
}

void reclive_remove(const reclive_info *in)
{
	char dir[PATH_MAX], err[512], path[PATH_MAX + 80];
	if (in->csv[0]) {
		char *beside = recfiles_sibling(in->csv, RECFILES_LIVE);
		reclive_info there;
		if (beside && reclive_read(beside, &there, err, sizeof err) == 0 && strcmp(there.sock, in->sock) == 0)
			unlink(beside);
		free(beside);
	}
	reclive_unlink_own(in->sock);
	reclive_unlink_own(in->mark);
	if (in->id[0] && reclive_dir(dir, sizeof dir, false, err, sizeof err) == 0) {
		snprintf(path, sizeof path, "%s/%s%s", dir, in->id, RECLIVE_SUFFIX);
		reclive_unlink_own(path);
	}
}

/* Whether a recording whose state is in says it is running: its socket
 * takes a connection. A stale one is removed. */
static bool reclive_alive(const reclive_info *in)
{
	char err[512];
	int fd = reclive_connect(in->sock, err, sizeof err);
	if (fd >= 0) {
		close(fd);
		return true;
	}
	if (errno == ECONNREFUSED || errno == ENOENT)
		reclive_remove(in);
	return false;
}

static int reclive_by_start(const void *a, const void *b)
{
	const reclive_info *x = a, *y = b;
	return (x->started_ns > y->started_ns) - (x->started_ns < y->started_ns);
}

int reclive_list(reclive_info **list, size_t *n, char *err, size_t errlen)
{
	char dir[PATH_MAX], path[PATH_MAX + 300], why[512];
	*list = NULL;
	*n = 0;
	if (reclive_dir(dir, sizeof dir, false, err, errlen) < 0)
		return errno == ENOENT ? 0 : -1;
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	size_t cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name), sl = sizeof RECLIVE_SUFFIX - 1;
		if (len <= sl || strcmp(e->d_name + len - sl, RECLIVE_SUFFIX) != 0)
			continue;
		reclive_info in;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (reclive_read(path, &in, why, sizeof why) < 0 || !reclive_alive(&in))
			continue;
		if (!GROW(*list, &cap, *n + 1))
			break;
		(*list)[(*n)++] = in;
	}
	closedir(d);
	if (*n > 1)
		qsort(*list, *n, sizeof **list, reclive_by_start);
	return 0;
}

/* A CSV's recording, by REC.live beside it. */
static int reclive_find_csv(const char *csv, reclive_info *out, char *err, size_t errlen)
{
	char why[1024];
	struct stat st;
	if (stat(csv, &st) < 0) {
		snprintf(err, errlen, "%s: %s; expected a recording's CSV, or memlog's pid", csv, strerror(errno));
		return -1;
	}
	char *beside = recfiles_sibling(csv, RECFILES_LIVE);
	if (!beside) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	int rc = reclive_read(beside, out, why, sizeof why);
	if (rc < 0 && errno == ENOENT)
		snprintf(err, errlen, "%s: not a running recording (no %s beside it: it has ended)", csv, beside);
	else if (rc < 0)
		snprintf(err, errlen, "%s", why);
	else if (!reclive_alive(out)) {
		snprintf(err, errlen, "%s: its recording is not running any more (memlog %ld ended without cleaning "
		         "up, killed?); removed the stale %s", csv, out->pid, beside);
		rc = -1;
	}
	free(beside);
	return rc;
}

int reclive_find(const char *arg, reclive_info *out, char *err, size_t errlen)
{
	reclive_info *list;
	size_t n;
	char *end;
	long pid = arg ? strtol(arg, &end, 10) : 0;
	bool by_pid = arg && *arg && *end == '\0' && pid > 0;
	if (arg && !by_pid)
		return reclive_find_csv(arg, out, err, errlen);
	if (reclive_list(&list, &n, err, errlen) < 0)
		return -1;
	int rc = -1;
	size_t hit = n;
	for (size_t i = 0; i < n; i++)
		if (!by_pid || list[i].pid == pid)
			hit = hit == n ? i : n + 1;
	if (hit < n) {
		*out = list[hit];
		rc = 0;
	} else if (by_pid) {
		snprintf(err, errlen, "no recording of yours is running in memlog pid %ld; expected the pid of a "
		         "running memlog (memlog attach lists them)", pid);
	} else if (n == 0) {
		snprintf(err, errlen, "no recording of yours is running");
	} else {
		snprintf(err, errlen, "%zu recordings of yours are running; name one by its CSV or memlog's pid", n);
	}
	free(list);
	return rc;
}
