/* child.h: starting the command of `memlog run`, its stdout on a pseudo-terminal or a pipe. */
#ifndef MEMLOG_CHILD_H
#define MEMLOG_CHILD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct child {
	pid_t pid;    /* also its process group and session */
	int out_fd;   /* non-blocking master side of the pty that is its stdout, or read end of its pipe */
	int err_fd;   /* non-blocking read end of the pipe that is its stderr */
} child;

/* Starts argv[0] (searched in PATH) in a session of its own, stdin from
 * /dev/null unless keep_stdin, stdout on a pty when pty (so it line-buffers
 * and lines are stamped as printed; a program that asks isatty(1) is told
 * yes) or else on a pipe, stderr on a pipe. Returns 0 once the program is
 * running. When it cannot be executed returns -1 with *exec_errno set and
 * err saying why (like a shell: "foo: command not found"); other failures
 * return -1 with *exec_errno 0. join_fd >= 0: a cgroup.procs open for
 * writing that the command joins ("0") before it runs (record/jobcg.h). */
int child_spawn(char *const argv[], bool keep_stdin, bool pty, int join_fd, child *out, int *exec_errno,
                char *err, size_t errlen);

/* Raises memlog's own limit of open files to the hard one (a probe keeps
 * four per process: a tree of 1,000 needs more than the usual 1,024); the
 * command started afterwards gets the limit as it was. */
void child_raise_nofile(void);

/* The exit status a shell would give for a wait status: the code, or 128+N
 * for death by signal N. */
int child_exit_code(int wait_status);

/* Describes a wait status: "exited with status 3", "killed by signal 9 (Killed)". */
void child_describe(int wait_status, char *buf, size_t buflen);

#endif
