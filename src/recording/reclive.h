/* reclive.h: a recording while it runs, and how it is found. memlog keeps,
 * for each recording it runs, in this user's run directory ($MEMLOG_RUN_DIR,
 * else /tmp/memlog-UID, mode 0700):
 *   ID.sock  the control socket (mark, info, attach), mode 0600;
 *   ID.mark  run: the FIFO named by $MEMLOG_MARK, a line a marker;
 *   ID.live  the state: memlog's pid, the CSV, the socket, what is recorded;
 * and the same state as REC.live beside REC.csv. All of it goes when the
 * recording ends; after a crash the socket refuses connections, and the
 * first client to find that removes what was left (stale).
 *
 * On the socket, a client sends one request a line and gets one answer a
 * block: lines ended by an empty line, the first "ok" or "error WHY".
 *   info          ok, then the state's lines
 *   mark [LABEL]  ok M3 (the label given to it: the next number when none)
 *   attach        ok, then the state's lines; the connection is a viewer's:
 *                 when the recording ends it gets "ended WHY" and the end
 * Only the recording's own user is answered (the peer's credentials). */
#ifndef MEMLOG_RECLIVE_H
#define MEMLOG_RECLIVE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RECLIVE_DIR_ENV "MEMLOG_RUN_DIR"
#define RECLIVE_MARK_ENV "MEMLOG_MARK"
#define RECLIVE_SUFFIX ".live" /* ID.live in the run directory */
/* How long a client waits for a memlog that does not answer. */
#define RECLIVE_TIMEOUT_MS 3000
/* A request line or an answer block, at most. */
#define RECLIVE_LINE_MAX 4096

typedef struct reclive_info {
	long pid;              /* memlog's (it changes at a detach) */
	int64_t started_ns;    /* wall clock */
	int64_t interval_ns;
	char id[64];           /* the name in the run directory */
	char csv[PATH_MAX];    /* absolute */
	char log[PATH_MAX];
	char sock[PATH_MAX];
	char mark[PATH_MAX];   /* the FIFO, or "" */
	char target[1200];     /* "run: python3 train.py", "pid 42 + children", ... */
} reclive_info;

/* This user's run directory into out: made (0700) when create and missing.
 * -1 with err filled when it cannot be, or is not a directory of this
 * user's that no one else may enter (a planted one is never used). */
int reclive_dir(char *out, size_t n, bool create, char *err, size_t errlen);

/* The state as lines "KEY VALUE" (no empty line); its length. */
size_t reclive_format(const reclive_info *in, char *buf, size_t n);

/* The state out of lines as reclive_format writes them (an empty line or
 * the end ends them). -1 when the pid, the CSV or the socket is missing. */
int reclive_parse(const char *text, size_t len, reclive_info *out);

/* Writes the state to path, replacing what is there by a rename (so never
 * through a link), mode 0600. -1 with err filled. */
int reclive_write(const char *path, const reclive_info *in, char *err, size_t errlen);

/* Reads a state file: a regular file of this user's, not a link. -1 with
 * err filled (errno ENOENT when there is none, EPERM when another user's). */
int reclive_read(const char *path, reclive_info *out, char *err, size_t errlen);

/* Connects to a recording's socket: a socket of this user's. The fd
 * (blocking, close-on-exec), or -1 with err filled; errno ECONNREFUSED or
 * ENOENT when nothing listens there (the recording is over: stale). */
int reclive_connect(const char *sock, char *err, size_t errlen);

/* Sends one request line (without its newline) and reads the answer block
 * into reply (its lines, the empty line not included), waiting at most
 * RECLIVE_TIMEOUT_MS. 0 when it was "ok ...", -1 with err filled otherwise
 * (the answer's "error WHY" as WHY). */
int reclive_ask(int fd, const char *request, char *reply, size_t n, char *err, size_t errlen);

/* Reads the answer block that follows on fd into reply, as reclive_ask. */
int reclive_answer(int fd, char *reply, size_t n, char *err, size_t errlen);

/* This user's running recordings, oldest first, into *list (free it); the
 * stale ones found on the way are removed. -1 with err filled. */
int reclive_list(reclive_info **list, size_t *n, char *err, size_t errlen);

/* Removes what a recording left in the run directory and beside its CSV
 * (when that still names the same socket). */
void reclive_remove(const reclive_info *in);

/* The recording an argument names: a CSV (REC.live beside it), a memlog pid,
 * or, for NULL, the only one running. -1 with err filled (the list, when
 * there are several, is in err). */
int reclive_find(const char *arg, reclive_info *out, char *err, size_t errlen);

#endif
