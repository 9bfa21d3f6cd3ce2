/* holders.h: the processes that hold memory, grouped as a person names
 * them: processes of the same command line are one group ("4 x python3
 * worker.py"), so a pool of workers reads as one line with its total. */
#ifndef MEMLOG_HOLDERS_H
#define MEMLOG_HOLDERS_H

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

#endif
