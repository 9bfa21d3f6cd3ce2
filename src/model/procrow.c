/* procrow.c: the names of a process row's columns and events. */
#include "model/procrow.h"

const char *const procrow_col_names[PROCROW_NCOLS] = {
	"rss", "anon", "file", "shmem", "swap", "pss",
};

const char *const procrow_event_names[3] = { "", "start", "exit" };
