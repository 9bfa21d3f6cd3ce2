/* probe_target.c: whose a process was, after it left: the OOM killer's
 * victim is gone by the time its kill is read from the kernel log. */
#include "record/probe_impl.h"

#include "record/kmsg.h"

void probe_left(probe *p, pid_t pid)
{
	p->left[p->left_next] = pid;
	p->left_next = (p->left_next + 1) % PROBE_LEFT_MAX;
}

uint64_t probe_exits(const probe *p)
{
	return p->exits;
}

bool probe_is_target(const probe *p, pid_t pid, const char *memcg)
{
	if (p->kind == PROBE_KIND_SYSTEM)
		return true;
	/* Its own cgroup: not one followed from the pid, which others share. */
	if (memcg && *memcg && p->cg_version && !p->cg_follow && kmsg_cgroup_within(p->cg_dir, memcg))
		return true;
	if (pid <= 0)
		return false;
	for (size_t i = 0; i < p->nprocs; i++)
		if (p->procs[i].pid == pid)
			return true;
	for (size_t i = 0; i < PROBE_LEFT_MAX; i++)
		if (p->left[i] == pid)
			return true;
	return false;
}
