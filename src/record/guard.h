/* guard.h: what becomes of the command when memlog itself is killed. */
#ifndef MEMLOG_GUARD_H
#define MEMLOG_GUARD_H

/* memlog promises that a `run` command is not harmed by memlog's own death
 * (kill -9, the OOM killer): it runs on, unrecorded, its output going
 * nowhere, and the .log says when the recording was cut. Without a guard the
 * command would die of SIGPIPE at its next write to stderr. */

/* Starts the guard, a small process outside the recorded tree (it is not
 * memlog's child: call this before memlog becomes a subreaper). It notes in
 * log_path when it has to act, and once the command is gone removes its
 * memory cgroup cgroup_dir (NULL: none). Returns the control fd
 * (close-on-exec), or -1 with errno set. */
int guard_start(const char *log_path, const char *cgroup_dir);

/* Hands the command's output fds and the marks FIFO's read end (-1: none)
 * to the guard: it keeps copies open, unread, while memlog lives, and
 * drains all three once memlog is gone. Returns 0, or -1 with errno set. */
int guard_arm(int ctl, int out_fd, int err_fd, int mark_fd);

/* memlog ends normally (or gives up the command): the guard leaves quietly.
 * Closes ctl. */
void guard_release(int ctl);

#endif
