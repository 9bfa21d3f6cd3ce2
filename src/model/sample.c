/* sample.c: the names of a sample's columns, and an empty sample. */
#include "model/sample.h"

const char *const sample_col_names[SAMPLE_NCOLS] = {
	"rss", "anon", "file", "shmem", "swap", "pss", "procs", "sys_used", "sys_avail", "cgroup",
};

void sample_clear(sample *s)
{
	s->elapsed_ns = 0;
	s->wall_ns = 0;
	for (int i = 0; i < SAMPLE_NCOLS; i++)
		s->v[i] = SAMPLE_NONE;
}
