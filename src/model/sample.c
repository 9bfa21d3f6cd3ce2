/* sample.c: the names of a sample's columns, an empty sample, and which
 * column memlog shows first. */
#include "model/sample.h"

#include <stddef.h>

const char *const sample_col_names[SAMPLE_NCOLS] = {
	"rss", "anon", "file", "shmem", "swap", "pss", "procs", "sys_used", "sys_avail", "cgroup", "mem", "cache",
	"limit",
};

void sample_clear(sample *s)
{
	s->elapsed_ns = 0;
	s->wall_ns = 0;
	for (int i = 0; i < SAMPLE_NCOLS; i++)
		s->v[i] = SAMPLE_NONE;
}

int sample_default_col(const bool measured[SAMPLE_NCOLS])
{
	static const int order[] = { SAMPLE_MEM, SAMPLE_PSS, SAMPLE_RSS, SAMPLE_CGROUP, SAMPLE_SYS_USED };
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
		if (measured[order[i]])
			return order[i];
	return -1;
}
