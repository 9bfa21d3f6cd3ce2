/*
 * kmsg.c: the OOM killer's lines in the kernel log. /dev/kmsg gives one
 * record a read ("prio,seq,usec,flags;text\n" and " KEY=value" lines after
 * it); opened non-blocking, a read with nothing new fails with EAGAIN and
 * one whose records were overwritten meanwhile with EPIPE (the next read
 * goes on from the oldest kept). A fixture file gives many lines a read:
 * both are cut into lines here. The kernel escapes unprintable bytes as
 * \xNN; the texts kept are cleaned once more all the same.
 */
#include "record/kmsg.h"

#include "base/units.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KMSG_BUF 16384  /* more than a record (the kernel's are under 8 KiB with their keys) */
#define KMSG_QUEUE 8    /* kills kept for the main thread; older ones are dropped */

struct kmsg_reader {
	int fd;
	char buf[KMSG_BUF];
	size_t used;        /* bytes of an unfinished line at buf's start */
	kmsg_kill ctx;      /* the last "oom-kill:" line, waiting for its kill */
	bool have_ctx;
	pthread_mutex_t lock;
	kmsg_kill queue[KMSG_QUEUE];
	size_t nqueue;
};

/* The last occurrence of needle in [from, end), or NULL. */
static const char *kmsg_last(const char *from, const char *end, const char *needle)
{
	size_t n = strlen(needle);
	if ((size_t)(end - from) < n)
		return NULL;
	for (const char *c = end - n;; c--) {
		if (memcmp(c, needle, n) == 0)
			return c;
		if (c == from)
			return NULL;
	}
}

/* Copies [s, e) into dst (cap bytes), cut to fit, every byte that is not
 * printable ASCII made '?'. */
static void kmsg_copy(char *dst, size_t cap, const char *s, const char *e)
{
	size_t n = 0;
	for (; s < e && n + 1 < cap; s++)
		dst[n++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
	dst[n] = '\0';
}

/* The decimal at s (bounded by end) into *out; false without a digit or past int64. */
static bool kmsg_num(const char *s, const char *end, int64_t *out)
{
	int64_t v = 0;
	const char *c = s;
	for (; c < end && *c >= '0' && *c <= '9'; c++) {
		if (v > (INT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (*c - '0');
	}
	*out = v;
	return c > s;
}

/* "key:NkB" after the name: N KiB in bytes, -1 when absent. */
static int64_t kmsg_kb(const char *from, const char *end, const char *key)
{
	size_t n = strlen(key);
	const char *at = memmem(from, (size_t)(end - from), key, n);
	int64_t v;
	if (!at || !kmsg_num(at + n, end, &v) || v > INT64_MAX / 1024)
		return -1;
	return v * 1024;
}

/* "...Killed process PID (NAME) total-vm:NkB, anon-rss:NkB, file-rss:NkB, shmem-rss:NkB, ..." */
static enum kmsg_line kmsg_parse_killed(const char *text, const char *end, const char *at, kmsg_kill *k)
{
	static const char key[] = "Killed process ";
	const char *c = at + sizeof key - 1;
	int64_t pid;
	if (!kmsg_num(c, end, &pid) || pid <= 0 || pid > INT32_MAX)
		return KMSG_OTHER;
	while (c < end && *c >= '0' && *c <= '9')
		c++;
	if (end - c < 2 || c[0] != ' ' || c[1] != '(')
		return KMSG_OTHER;
	const char *name = c + 2;
	/* A name may hold ") ": it ends before " total-vm:" where that follows. */
	const char *close = memmem(name, (size_t)(end - name), ") total-vm:", 11);
	if (!close)
		close = kmsg_last(name, end, ")");
	if (!close)
		return KMSG_OTHER;
	k->pid = (pid_t)pid;
	kmsg_copy(k->name, sizeof k->name, name, close);
	k->anon_bytes = kmsg_kb(close, end, "anon-rss:");
	k->file_bytes = kmsg_kb(close, end, "file-rss:");
	k->shmem_bytes = kmsg_kb(close, end, "shmem-rss:");
	k->memcg = memmem(text, (size_t)(at - text), "Memory cgroup out of memory", 27) != NULL;
	return KMSG_KILLED;
}

/* "oom-kill:constraint=C,...,oom_memcg=/A,task_memcg=/A/B,task=NAME,pid=N,uid=U":
 * a cgroup's name may hold commas, so the fields are found from the end. */
static enum kmsg_line kmsg_parse_context(const char *text, const char *end, kmsg_kill *k)
{
	const char *pid_at = kmsg_last(text, end, ",pid=");
	const char *task_at = pid_at ? kmsg_last(text, pid_at, ",task=") : NULL;
	const char *tmc_at = task_at ? kmsg_last(text, task_at, ",task_memcg=") : NULL;
	int64_t pid;
	if (!tmc_at || !kmsg_num(pid_at + 5, end, &pid) || pid <= 0 || pid > INT32_MAX)
		return KMSG_OTHER;
	k->pid = (pid_t)pid;
	kmsg_copy(k->name, sizeof k->name, task_at + 6, pid_at);
	kmsg_copy(k->task_memcg, sizeof k->task_memcg, tmc_at + 12, task_at);
	const char *omc_at = memmem(text, (size_t)(tmc_at - text), ",oom_memcg=", 11);
	if (omc_at)
		kmsg_copy(k->oom_memcg, sizeof k->oom_memcg, omc_at + 11, tmc_at);
	k->memcg = memmem(text, (size_t)(tmc_at - text), "constraint=CONSTRAINT_MEMCG", 27) != NULL;
	return KMSG_CONTEXT;
}

enum kmsg_line kmsg_parse(const char *text, size_t len, kmsg_kill *k)
{
	memset(k, 0, sizeof *k);
	k->anon_bytes = k->file_bytes = k->shmem_bytes = -1;
	const char *end = text + len;
	const char *c = text;
	while (c < end && *c == ' ')
		c++;
	if (end - c > 9 && memcmp(c, "oom-kill:", 9) == 0)
		return kmsg_parse_context(c + 9, end, k);
	const char *at = memmem(text, len, "Killed process ", 15);
	enum kmsg_line kind = at ? kmsg_parse_killed(text, end, at, k) : KMSG_OTHER;
	if (kind == KMSG_OTHER)
		memset(k, 0, sizeof *k);
	return kind;
}

bool kmsg_cgroup_within(const char *dir, const char *memcg)
{
	size_t dl = strlen(dir), ml = strlen(memcg);
	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	if (ml < 2 || memcg[0] != '/')
		return false;
	for (size_t i = 1; i <= ml; i++)
		if ((i == ml || memcg[i] == '/') && i <= dl && memcmp(dir + dl - i, memcg, i) == 0)
			return true;
	return false;
}

void kmsg_describe(const kmsg_kill *k, char *buf, size_t n)
{
	char held[160] = "", a[32], f[32], m[32], whose[300];
	if (k->anon_bytes >= 0 && k->file_bytes >= 0 && k->shmem_bytes >= 0) {
		units_bytes(k->anon_bytes, a, sizeof a);
		units_bytes(k->file_bytes, f, sizeof f);
		units_bytes(k->shmem_bytes, m, sizeof m);
		snprintf(held, sizeof held, " holding %s anonymous, %s file-backed, %s shmem", a, f, m);
	}
	if (k->memcg && k->oom_memcg[0])
		snprintf(whose, sizeof whose, "cgroup %s at its limit", k->oom_memcg);
	else
		snprintf(whose, sizeof whose, "%s", k->memcg ? "its cgroup at its limit" : "the machine out of memory");
	snprintf(buf, n, "the OOM killer killed %s (pid %d)%s; %s", k->name, (int)k->pid, held, whose);
}

kmsg_reader *kmsg_open(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || lseek(fd, 0, SEEK_END) < 0) {
		snprintf(err, errlen, "cannot read the kernel log %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	kmsg_reader *r = calloc(1, sizeof *r);
	if (!r) {
		snprintf(err, errlen, "out of memory");
		close(fd);
		return NULL;
	}
	r->fd = fd;
	pthread_mutex_init(&r->lock, NULL);
	return r;
}

/* One line: a record's text (after its header) or, when it has none, the
 * line itself; continuation lines (" KEY=value") are skipped. A kill is
 * written to *out (with its context line's cgroups); true when it was. */
static bool kmsg_line_read(kmsg_reader *r, const char *s, const char *e, kmsg_kill *out)
{
	if (s == e || *s == ' ')
		return false;
	const char *semi = memchr(s, ';', (size_t)(e - s) < 64 ? (size_t)(e - s) : 64);
	const char *text = s;
	if (semi && s[0] >= '0' && s[0] <= '9') {
		text = semi + 1;
		for (const char *c = s; c < semi; c++)
			if (!((*c >= '0' && *c <= '9') || *c == ',' || (*c >= 'a' && *c <= 'z') || *c == '-'))
				text = s;
	}
	kmsg_kill k;
	switch (kmsg_parse(text, (size_t)(e - text), &k)) {
	case KMSG_CONTEXT:
		r->ctx = k;
		r->have_ctx = true;
		return false;
	case KMSG_KILLED:
		if (r->have_ctx && r->ctx.pid == k.pid) {
			memcpy(k.oom_memcg, r->ctx.oom_memcg, sizeof k.oom_memcg);
			memcpy(k.task_memcg, r->ctx.task_memcg, sizeof k.task_memcg);
			k.memcg = k.memcg || r->ctx.memcg;
		}
		r->have_ctx = false;
		*out = k;
		return true;
	case KMSG_OTHER:
		return false;
	}
	return false;
}

size_t kmsg_read(kmsg_reader *r, kmsg_kill *out, size_t max)
{
	size_t nout = 0;
	while (nout < max) {
		/* The whole lines in the buffer first: a full out leaves the rest for the next call. */
		char *nl;
		while (nout < max && (nl = memchr(r->buf, '\n', r->used)) != NULL) {
			if (kmsg_line_read(r, r->buf, nl, &out[nout]))
				nout++;
			size_t rest = r->used - (size_t)(nl + 1 - r->buf);
			memmove(r->buf, nl + 1, rest);
			r->used = rest;
		}
		if (nout == max)
			break;
		/* A line longer than the buffer is no record: dropped. */
		if (r->used == sizeof r->buf)
			r->used = 0;
		ssize_t n = read(r->fd, r->buf + r->used, sizeof r->buf - r->used);
		if (n < 0 && (errno == EINTR || errno == EPIPE))
			continue;
		if (n <= 0)
			break;
		r->used += (size_t)n;
	}
	return nout;
}

void kmsg_keep(kmsg_reader *r, const kmsg_kill *k)
{
	pthread_mutex_lock(&r->lock);
	if (r->nqueue == KMSG_QUEUE) {
		memmove(&r->queue[0], &r->queue[1], (KMSG_QUEUE - 1) * sizeof r->queue[0]);
		r->nqueue--;
	}
	r->queue[r->nqueue++] = *k;
	pthread_mutex_unlock(&r->lock);
}

bool kmsg_take(kmsg_reader *r, kmsg_kill *out)
{
	pthread_mutex_lock(&r->lock);
	bool any = r->nqueue > 0;
	if (any) {
		*out = r->queue[0];
		memmove(&r->queue[0], &r->queue[1], (r->nqueue - 1) * sizeof r->queue[0]);
		r->nqueue--;
	}
	pthread_mutex_unlock(&r->lock);
	return any;
}

void kmsg_close(kmsg_reader *r)
{
	if (!r)
		return;
	close(r->fd);
	pthread_mutex_destroy(&r->lock);
	free(r);
}
