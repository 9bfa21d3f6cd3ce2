/* holders.h: the processes that hold memory, grouped as a person names
 * them: processes of the same command line are one group ("4 x python3
 * worker.py"), so a pool of workers reads as one line with its total. */
#ifndef MEMLOG_HOLDERS_H
#define MEMLOG_HOLDERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/procset.h"

typedef struct holders_group {
	const procset_item *first; /* the group's largest process (its name, command, pid) */
	size_t count;              /* processes in the group */
	size_t fresh;              /* of them, started within the time asked (before is -1) */
	int64_t bytes;             /* the sum of what was asked: held, or growth */
} holders_group;

enum holders_what {
	HOLDERS_HELD,   /* each process's held */
	HOLDERS_GROWTH  /* held - before (held when it started within the time asked) */
};

/* Groups the n items by command (the name where there is no command) and
 * returns up to max groups in out, largest bytes first (ties: the order of
 * the items); with HOLDERS_GROWTH only groups that grew. Returns the number
 * of groups filled. */
size_t holders_group_by_cmd(const procset_item *items, size_t n, enum holders_what what, holders_group *out,
                            size_t max);

/* A command line as a person reads it in a narrow column: the program by
 * its name, without the directories before it ("/usr/bin/python3 -u x.py"
 * is "python3 -u x.py"); the arguments as they are. Into out (n bytes). */
void holders_short_cmd(const char *cmd, char *out, size_t n);

/* A group's share over time, for plot --by-process. */
typedef struct holders_layer {
	char cmd[PROCROW_CMD_MAX + 1]; /* the group's command line (or name); "" for the rest */
	pid_t pid;                     /* by process: its pid */
	size_t count;                  /* processes seen in it */
	int64_t *v;                    /* held summed at each time asked (malloc'ed) */
	int64_t peak;
} holders_layer;

/* The groups (by command, or each process alone with by_pid) of the
 * processes running at each of the n times t, their held summed at each: the max - 1 of the largest peak, and one more
 * holding the sum of all the rest when there are more. Returns how many
 * layers were filled (free their v with holders_layers_free), or -1 when
 * out of memory. */
int holders_layers(procset *ps, const int64_t *t, size_t n, bool by_pid, holders_layer *out, int max);
void holders_layers_free(holders_layer *layers, int n);

#endif
