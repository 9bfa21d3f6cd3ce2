/* kmsg.h: what the kernel log (/dev/kmsg) says of the OOM killer: which
 * process it killed, what that process held, and whose limit it was. The
 * reader starts at the log's end (earlier kills are not the recording's), is
 * never blocking, and keeps the kills its caller matched to the target in a
 * small locked queue, for the main thread to name in the .log. */
#ifndef MEMLOG_KMSG_H
#define MEMLOG_KMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define KMSG_PATH "/dev/kmsg"
#define KMSG_NAME_MAX 64  /* the kernel's comm is 15 bytes; escaped bytes print as \xNN */
#define KMSG_CG_MAX 256

/* One kill, from the kernel's "Killed process" line and the "oom-kill:"
 * line before it. Every text is as the kernel wrote it: untrusted. */
typedef struct kmsg_kill {
	pid_t pid;
	char name[KMSG_NAME_MAX];
	int64_t anon_bytes, file_bytes, shmem_bytes; /* its rss of each kind; -1 unknown */
	bool memcg;                   /* a cgroup's limit was reached (false: the machine's memory) */
	char oom_memcg[KMSG_CG_MAX];  /* the cgroup whose limit it was, as the kernel names it ("" unknown) */
	char task_memcg[KMSG_CG_MAX]; /* the victim's cgroup ("" unknown) */
} kmsg_kill;

enum kmsg_line {
	KMSG_OTHER,   /* not the OOM killer's */
	KMSG_KILLED,  /* "...Killed process PID (NAME) total-vm:..., anon-rss:NkB, ..." */
	KMSG_CONTEXT  /* "oom-kill:constraint=...,oom_memcg=...,task_memcg=...,task=NAME,pid=PID,..." */
};

/* Reads one message (a record's text, without the "prio,seq,time,flags;"
 * header) of len bytes into *k (cleared first). */
enum kmsg_line kmsg_parse(const char *text, size_t len, kmsg_kill *k);

/* Whether memcg (a cgroup as the kernel names it, "/a/b") is the cgroup at
 * the directory dir or one below it: dir ends with memcg or with one of its
 * leading parts ("/a"). */
bool kmsg_cgroup_within(const char *dir, const char *memcg);

/* The kill as the .log says it: "the OOM killer killed NAME (pid N)
 * holding A anonymous, F file-backed, S shmem; cgroup /X at its limit". */
void kmsg_describe(const kmsg_kill *k, char *buf, size_t n);

typedef struct kmsg_reader kmsg_reader;

/* Opens path (KMSG_PATH, or a fixture file) at its end. NULL with err naming
 * the path and why when it cannot be read (not root with dmesg_restrict, say). */
kmsg_reader *kmsg_open(const char *path, char *err, size_t errlen);

/* The kills logged since the last call, at most max into out; returns how
 * many. Each record is a line "prio,seq,time,flags;text" (lines that are not
 * records, like the "dmesg -r" of a fixture, are read whole as text). A
 * context line is kept until its kill's line comes, in this call or a later. */
size_t kmsg_read(kmsg_reader *r, kmsg_kill *out, size_t max);

/* The queue: the sampler keeps the kills of its target (the oldest are
 * dropped past a few), the main thread takes them, oldest first. */
void kmsg_keep(kmsg_reader *r, const kmsg_kill *k);
bool kmsg_take(kmsg_reader *r, kmsg_kill *out);

void kmsg_close(kmsg_reader *r);

#endif
