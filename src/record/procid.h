/* procid.h: who a process is, beyond its pid: its command line. */
#ifndef MEMLOG_PROCID_H
#define MEMLOG_PROCID_H

#include <stddef.h>
#include <sys/types.h>

/* proc_root/PID/cmdline into out (n bytes with the NUL): the arguments
 * joined by single spaces, cut at n - 1 bytes; "" when the process has none
 * (a kernel thread, a zombie) or cannot be read. */
void procid_cmdline(const char *proc_root, pid_t pid, char *out, size_t n);

#endif
