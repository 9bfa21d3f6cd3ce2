/* test_probe.c: samples of fixture /proc and /sys trees (committed, and copied
 * to a temp dir where a process must vanish), cgroup v1 and v2, the machine,
 * and the live /proc. Expected values are computed by hand from the fixture
 * files in tests/fixtures/probe/tree1. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "record/cgroups.h"
#include "record/probe.h"

#define KB INT64_C(1024)
#define MS INT64_C(1000000)

/* From proc/meminfo: MemTotal 16384000 kB, MemAvailable 12000000 kB. */
#define SYS_USED ((16384000 - 12000000) * KB)
#define SYS_AVAIL (12000000 * KB)

/* Returns the fixture root: $MEMLOG_FIXTURES, else tests/fixtures (tests run from the repo root). */
static const char *fixtures(void)
{
	const char *f = getenv("MEMLOG_FIXTURES");
	return f && *f ? f : "tests/fixtures";
}

/* Paths of the committed tree, filled once. */
static char fx_proc[512], fx_sys[512], fx_sys_v1[512];

/* Fills the fixture paths. */
static int setup_paths(void **state)
{
	(void)state;
	snprintf(fx_proc, sizeof fx_proc, "%s/probe/tree1/proc", fixtures());
	snprintf(fx_sys, sizeof fx_sys, "%s/probe/tree1/sys", fixtures());
	snprintf(fx_sys_v1, sizeof fx_sys_v1, "%s/probe/tree1/sys_v1", fixtures());
	return 0;
}

/* A tree config over the committed fixture. */
static probe_config tree_cfg(pid_t pid, bool include_root, bool children)
{
	probe_config c = { 0 };
	c.proc_root = fx_proc;
	c.sys_root = fx_sys;
	c.kind = PROBE_KIND_TREE;
	c.pid = pid;
	c.include_root = include_root;
	c.children = children;
	return c;
}

/* Opens a probe that must succeed. */
static probe *open_ok(const probe_config *c)
{
	char err[256] = "";
	probe *p = probe_open(c, err, sizeof err);
	if (!p)
		print_error("probe_open: %s\n", err);
	assert_non_null(p);
	return p;
}

/* Reads a sample that must succeed, returning probe_read's count. */
static int read_ok(probe *p, int64_t now_ns, sample *s)
{
	char err[256] = "";
	sample_clear(s);
	int n = probe_read(p, now_ns, s, err, sizeof err);
	if (n < 0)
		print_error("probe_read: %s\n", err);
	assert_true(n >= 0);
	return n;
}

/* Names and the cleared sample. */
static void test_names_and_clear(void **state)
{
	(void)state;
	static const char *const want[SAMPLE_NCOLS] = {
		"rss", "anon", "file", "shmem", "swap", "pss", "procs", "sys_used", "sys_avail", "cgroup", "mem", "cache",
		"limit",
	};
	for (int i = 0; i < SAMPLE_NCOLS; i++)
		assert_string_equal(sample_col_names[i], want[i]);
	sample s;
	memset(&s, 0x5a, sizeof s);
	sample_clear(&s);
	assert_int_equal(s.elapsed_ns, 0);
	assert_int_equal(s.wall_ns, 0);
	for (int i = 0; i < SAMPLE_NCOLS; i++)
		assert_int_equal(s.v[i], SAMPLE_NONE);
}

/* pid 100 and its descendants 101, 102, 103 (zombie), 104 (no Vm lines). */
static void test_tree_sums(void **state)
{
	(void)state;
	probe_config c = tree_cfg(100, true, true);
	probe *p = open_ok(&c);
	sample s;
	assert_int_equal(read_ok(p, 0, &s), 4);
	assert_int_equal(s.v[SAMPLE_RSS], (1000 + 2000 + 4000) * KB);
	assert_int_equal(s.v[SAMPLE_ANON], (600 + 1500 + 3000) * KB);
	assert_int_equal(s.v[SAMPLE_FILE], (300 + 400 + 1000) * KB);
	assert_int_equal(s.v[SAMPLE_SHMEM], (100 + 100 + 0) * KB);
	assert_int_equal(s.v[SAMPLE_SWAP], (50 + 0 + 20) * KB);
	assert_int_equal(s.v[SAMPLE_PROCS], 4);
	assert_int_equal(s.v[SAMPLE_PSS], SAMPLE_NONE);
	assert_int_equal(s.v[SAMPLE_SYS_USED], SYS_USED);
	assert_int_equal(s.v[SAMPLE_SYS_AVAIL], SYS_AVAIL);
	/* Same again from the kept fds, before and after a rescan. */
	assert_int_equal(read_ok(p, 100 * MS, &s), 4);
	assert_int_equal(s.v[SAMPLE_RSS], 7000 * KB);
	assert_int_equal(read_ok(p, 400 * MS, &s), 4);
	assert_int_equal(s.v[SAMPLE_RSS], 7000 * KB);
	probe_close(p);
}

/* include_root false leaves pid out; children false counts pid alone. */
static void test_tree_flags(void **state)
{
	(void)state;
	sample s;
	probe_config c = tree_cfg(100, false, true);
	probe *p = open_ok(&c);
	assert_int_equal(read_ok(p, 0, &s), 3);
	assert_int_equal(s.v[SAMPLE_RSS], (2000 + 4000) * KB);
	assert_int_equal(s.v[SAMPLE_SWAP], 20 * KB);
	assert_int_equal(s.v[SAMPLE_PROCS], 3);
	probe_close(p);

	c = tree_cfg(100, true, false);
	p = open_ok(&c);
	assert_int_equal(read_ok(p, 0, &s), 1);
	assert_int_equal(s.v[SAMPLE_RSS], 1000 * KB);
	assert_int_equal(s.v[SAMPLE_ANON], 600 * KB);
	assert_int_equal(s.v[SAMPLE_PROCS], 1);
	probe_close(p);

	/* A leaf with include_root false has nothing to count: the caller's "tree gone". */
	c = tree_cfg(201, false, true);
	p = open_ok(&c);
	assert_int_equal(read_ok(p, 0, &s), 0);
	assert_int_equal(s.v[SAMPLE_RSS], 0);
	assert_int_equal(s.v[SAMPLE_PROCS], 0);
	probe_close(p);
}

/* PSS at the first sample, then at most once per pss interval. */
static void test_pss_paced(void **state)
{
	(void)state;
	probe_config c = tree_cfg(100, true, true);
	c.pss = true;
	probe *p = open_ok(&c);
	sample s;
	const int64_t pss = (800 + 1200 + 3500) * KB; /* 103 and 104 have none */
	static const int64_t at_ms[] = { 0, 500, 1000, 1600, 2000 };
	static const bool has[] = { true, false, true, false, true };
	for (size_t i = 0; i < sizeof at_ms / sizeof at_ms[0]; i++) {
		read_ok(p, at_ms[i] * MS, &s);
		assert_int_equal(s.v[SAMPLE_PSS], has[i] ? pss : SAMPLE_NONE);
		assert_int_equal(s.v[SAMPLE_RSS], 7000 * KB);
	}
	probe_close(p);

	/* A custom interval. */
	c.pss_interval_ns = 300 * MS;
	p = open_ok(&c);
	read_ok(p, 0, &s);
	assert_int_equal(s.v[SAMPLE_PSS], pss);
	read_ok(p, 200 * MS, &s);
	assert_int_equal(s.v[SAMPLE_PSS], SAMPLE_NONE);
	read_ok(p, 300 * MS, &s);
	assert_int_equal(s.v[SAMPLE_PSS], pss);
	probe_close(p);
}

/* Writes text to dir/name. */
static void put_file(const char *dir, const char *name, const char *text)
{
	char path[700];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* mem and cache from the job's own cgroup, v1 and v2: every page once
 * (anonymous plus mapped files), the page cache apart. */
static void test_job_cgroup(void **state)
{
	(void)state;
	char dir[] = "/tmp/test_probe_job.XXXXXX";
	assert_non_null(mkdtemp(dir));
	put_file(dir, "memory.usage_in_bytes", "9000\n");
	put_file(dir, "memory.stat", "cache 1\nrss 2\ntotal_cache 700\ntotal_rss 1000\n"
	                             "total_mapped_file 200\ntotal_shmem 100\n");
	probe_config c = tree_cfg(100, true, true);
	c.job_cgroup_dir = dir;
	probe *p = open_ok(&c);
	sample s;
	read_ok(p, 0, &s);
	assert_int_equal(s.v[SAMPLE_MEM], 1200);
	assert_int_equal(s.v[SAMPLE_CACHE], 400);
	assert_int_equal(s.v[SAMPLE_RSS], 7000 * KB); /* the summed figure stays */
	probe_close(p);

	char path[700];
	snprintf(path, sizeof path, "%s/memory.usage_in_bytes", dir);
	unlink(path);
	put_file(dir, "memory.current", "9000\n");
	put_file(dir, "memory.stat", "anon 5000\nfile 2000\nfile_mapped 300\nshmem 200\n");
	p = open_ok(&c);
	read_ok(p, 0, &s);
	assert_int_equal(s.v[SAMPLE_MEM], 5300);
	assert_int_equal(s.v[SAMPLE_CACHE], 1500);
	probe_close(p);
	snprintf(path, sizeof path, "%s/memory.current", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/memory.stat", dir);
	unlink(path);
	rmdir(dir);
}

/* One sample of pid 100's tree with dir as the job's cgroup. */
static void read_with_job(const char *dir, sample *s)
{
	probe_config c = tree_cfg(100, true, true);
	c.job_cgroup_dir = dir;
	probe *p = open_ok(&c);
	read_ok(p, 0, s);
	probe_close(p);
}

/* The limit that binds a cgroup: the lowest set on it or above it (v2
 * memory.max and memory.high, v1 memory.limit_in_bytes), none for "max" or
 * v1's unlimited value; the probe records it in the limit column. */
static void test_limits(void **state)
{
	(void)state;
	char top[] = "/tmp/test_probe_limit.XXXXXX", mid[700], leaf[760];
	assert_non_null(mkdtemp(top));
	snprintf(mid, sizeof mid, "%s/box", top);
	snprintf(leaf, sizeof leaf, "%s/job", mid);
	assert_int_equal(mkdir(mid, 0700), 0);
	assert_int_equal(mkdir(leaf, 0700), 0);
	/* v2: the box (a container) has the limit; the job none of its own. */
	put_file(mid, "memory.max", "314572800\n");
	put_file(mid, "memory.high", "max\n");
	put_file(leaf, "memory.max", "max\n");
	put_file(leaf, "memory.high", "max\n");
	put_file(leaf, "memory.current", "1000\n");
	put_file(leaf, "memory.stat", "anon 500\nfile 0\nfile_mapped 0\nshmem 0\n");
	assert_int_equal(cgroups_limit(leaf, 2), 314572800);
	/* memory.high below it binds first. */
	put_file(leaf, "memory.high", "209715200\n");
	assert_int_equal(cgroups_limit(leaf, 2), 209715200);
	sample smp;
	read_with_job(leaf, &smp);
	assert_int_equal(smp.v[SAMPLE_LIMIT], 209715200);
	/* None set anywhere: none recorded, not a made-up one. */
	put_file(mid, "memory.max", "max\n");
	put_file(leaf, "memory.high", "max\n");
	assert_int_equal(cgroups_limit(leaf, 2), -1);
	read_with_job(leaf, &smp);
	assert_int_equal(smp.v[SAMPLE_LIMIT], SAMPLE_NONE);
	/* v1: the unlimited value is none; the parent's limit binds. */
	put_file(leaf, "memory.limit_in_bytes", "9223372036854771712\n");
	put_file(mid, "memory.limit_in_bytes", "9223372036854771712\n");
	assert_int_equal(cgroups_limit(leaf, 1), -1);
	put_file(mid, "memory.limit_in_bytes", "104857600\n");
	assert_int_equal(cgroups_limit(leaf, 1), 104857600);
	const char *names[] = { "memory.max", "memory.high", "memory.current", "memory.stat", "memory.limit_in_bytes" };
	for (size_t i = 0; i < 5; i++) {
		char path[900];
		snprintf(path, sizeof path, "%s/%s", leaf, names[i]);
		unlink(path);
		snprintf(path, sizeof path, "%s/%s", mid, names[i]);
		unlink(path);
	}
	assert_int_equal(rmdir(leaf), 0);
	assert_int_equal(rmdir(mid), 0);
	assert_int_equal(rmdir(top), 0);
}

/* Without a job cgroup, mem is the PSS sum, paced; empty (not a smaller
 * sum) when a counted process's PSS cannot be read. */
static void test_mem_from_pss(void **state)
{
	(void)state;
	probe_config c = tree_cfg(101, true, false);
	probe *p = open_ok(&c);
	sample s;
	read_ok(p, 0, &s);
	assert_int_equal(s.v[SAMPLE_MEM], 1200 * KB);
	assert_int_equal(s.v[SAMPLE_CACHE], SAMPLE_NONE);
	assert_int_equal(s.v[SAMPLE_PSS], SAMPLE_NONE); /* --pss was not asked for */
	read_ok(p, 150 * MS, &s);
	assert_int_equal(s.v[SAMPLE_MEM], SAMPLE_NONE); /* at most five times a second */
	read_ok(p, 200 * MS, &s);
	assert_int_equal(s.v[SAMPLE_MEM], 1200 * KB);
	probe_close(p);

	c = tree_cfg(100, true, true); /* 104 has no smaps_rollup */
	p = open_ok(&c);
	read_ok(p, 0, &s);
	assert_int_equal(s.v[SAMPLE_MEM], SAMPLE_NONE);
	probe_close(p);
}

/* Copies the committed tree into a fresh temp dir; returns its proc root in proc. */
static void copy_tree(char *dir, char *proc, size_t len)
{
	strcpy(dir, "/tmp/memlog-probe-XXXXXX");
	assert_non_null(mkdtemp(dir));
	char cmd[1400];
	snprintf(cmd, sizeof cmd, "cp -R '%s/probe/tree1/.' '%s/'", fixtures(), dir);
	assert_int_equal(system(cmd), 0);
	snprintf(proc, len, "%s/proc", dir);
}

/* Runs a shell command (printf-formatted) that must succeed. */
__attribute__((format(printf, 1, 2)))
static void sh(const char *fmt, ...)
{
	char cmd[1400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	assert_int_equal(system(cmd), 0);
}

/* A process whose status reads empty (vanished) is dropped at once, without
 * error, and stays out once a rescan no longer lists it. */
static void test_vanished(void **state)
{
	(void)state;
	char dir[64], proc[128];
	copy_tree(dir, proc, sizeof proc);
	probe_config c = tree_cfg(100, true, true);
	c.proc_root = proc;
	c.pss = true;
	probe *p = open_ok(&c);
	sample s;
	assert_int_equal(read_ok(p, 0, &s), 4);
	assert_int_equal(s.v[SAMPLE_PSS], 5500 * KB);

	/* 102 dies: the kept fd now reads 0 bytes, as on /proc. */
	sh(": > '%s/proc/102/status'", dir);
	assert_int_equal(read_ok(p, 100 * MS, &s), 3);
	assert_int_equal(s.v[SAMPLE_RSS], (1000 + 2000) * KB);
	assert_int_equal(s.v[SAMPLE_SWAP], 50 * KB);
	assert_int_equal(s.v[SAMPLE_PROCS], 3);

	/* Its directory goes away; its child 104 is orphaned out of the tree. */
	sh("rm -r '%s/proc/102'", dir);
	assert_int_equal(read_ok(p, 1000 * MS, &s), 2);
	assert_int_equal(s.v[SAMPLE_RSS], 3000 * KB);
	assert_int_equal(s.v[SAMPLE_PSS], (800 + 1200) * KB);

	/* The rest of the tree goes: 0 processes, which ends a --pid recording. */
	sh(": > '%s/proc/100/status' && : > '%s/proc/101/status'", dir, dir);
	assert_int_equal(read_ok(p, 1100 * MS, &s), 0);
	assert_int_equal(s.v[SAMPLE_RSS], 0);
	assert_int_equal(s.v[SAMPLE_PROCS], 0);
	assert_int_equal(s.v[SAMPLE_SYS_USED], SYS_USED);
	probe_close(p);
	sh("rm -rf '%s'", dir);
}

/* A new child appears at the next rescan, not before. */
static void test_new_child_on_rescan(void **state)
{
	(void)state;
	char dir[64], proc[128];
	copy_tree(dir, proc, sizeof proc);
	probe_config c = tree_cfg(200, true, true);
	c.proc_root = proc;
	probe *p = open_ok(&c);
	sample s;
	assert_int_equal(read_ok(p, 0, &s), 2);
	assert_int_equal(s.v[SAMPLE_RSS], (300 + 700) * KB);

	/* A new child of 201 (a new pid, like 300's files), seen at the next scan. */
	sh("cp -r '%s/proc/300' '%s/proc/301' && sed -i 's/^300 (v1 job) S 1 /301 (v1 job) S 201 /' '%s/proc/301/stat'",
	   dir, dir, dir);
	assert_int_equal(read_ok(p, 249 * MS, &s), 2);
	assert_int_equal(read_ok(p, 250 * MS, &s), 3);
	assert_int_equal(s.v[SAMPLE_RSS], (300 + 700 + 1500) * KB);

	/* 300 was outside the tree, so scans skip it; were its pid reused by a
	 * new child of 201, the periodic full scan (every 8th) finds it. */
	sh("sed -i 's/^300 (v1 job) S 1 /300 (v1 job) S 201 /' '%s/proc/300/stat'", dir);
	int found_at = -1;
	for (int k = 2; k <= 9 && found_at < 0; k++)
		if (read_ok(p, k * 250 * MS, &s) == 4)
			found_at = k;
	assert_true(found_at >= 2 && found_at <= 9);
	assert_int_equal(s.v[SAMPLE_RSS], (300 + 700 + 1500 + 1500) * KB);
	probe_close(p);
	sh("rm -rf '%s'", dir);
}

/* Errors at open: no such process, no smaps_rollup, unreadable status. */
static void test_open_errors(void **state)
{
	(void)state;
	char err[256];
	probe_config c = tree_cfg(999, true, true);
	assert_null(probe_open(&c, err, sizeof err));
	assert_string_equal(err, "--pid 999: no such process");

	c.pid = -3;
	assert_null(probe_open(&c, err, sizeof err));
	assert_string_equal(err, "--pid -3: no such process");

	/* 103 is a zombie, 104 a kernel thread: neither has memory to record. */
	c = tree_cfg(103, true, true);
	assert_null(probe_open(&c, err, sizeof err));
	assert_string_equal(err, "--pid 103: the process has exited (a zombie its parent has not reaped); "
	                         "expected a running process");
	c = tree_cfg(104, true, false);
	assert_null(probe_open(&c, err, sizeof err));
	assert_string_equal(err, "--pid 104: kworker/u8:1 is a kernel thread; it has no user memory to record "
	                         "(expected a user process)");

	/* 1 exists but has no smaps_rollup. */
	c = tree_cfg(1, true, true);
	c.pss = true;
	assert_null(probe_open(&c, err, sizeof err));
	char want[700];
	snprintf(want, sizeof want, "--pid 1: cannot read %s/1/smaps_rollup (needed for --pss): %s",
		 fx_proc, strerror(ENOENT));
	assert_string_equal(err, want);

	c.proc_root = "/nonexistent/memlog/proc";
	assert_null(probe_open(&c, err, sizeof err));
	assert_non_null(strstr(err, "/nonexistent/memlog/proc/meminfo"));
}

/* Runs probe_open on pid 100 of proc (with --pss) in a child process, as
 * nobody when we are root (root reads files whatever their mode), and
 * asserts that it fails with the message want. */
static void assert_open_fails_as_user(const char *proc, const char *want)
{
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		char err[512] = "";
		probe_config c = tree_cfg(100, true, true);
		c.proc_root = proc;
		c.pss = true;
		if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(10);
		probe *p = probe_open(&c, err, sizeof err);
		if (p) {
			probe_close(p);
			_exit(11);
		}
		if (strcmp(err, want) != 0) {
			fprintf(stderr, "# got:  %s\n# want: %s\n", err, want);
			_exit(12);
		}
		_exit(0);
	}
	int status;
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* Permission errors name the file and, for --pss, what to do. */
static void test_open_permission(void **state)
{
	(void)state;
	char dir[64], proc[128], want[700];
	copy_tree(dir, proc, sizeof proc);
	sh("chmod -R a+rwX '%s' && chmod 000 '%s/proc/100/smaps_rollup'", dir, dir);
	snprintf(want, sizeof want,
		 "--pid 100: permission denied reading %s/100/smaps_rollup (needed for --pss); "
		 "run memlog as the process's owner or root", proc);
	assert_open_fails_as_user(proc, want);
	sh("chmod 000 '%s/proc/100/status'", dir);
	snprintf(want, sizeof want, "--pid 100: permission denied reading %s/100/status", proc);
	assert_open_fails_as_user(proc, want);
	sh("chmod -R u+rwX '%s' && rm -rf '%s'", dir, dir);
}

/* A v2 cgroup directory: counters from the cgroup, rss/procs from its processes. */
static void test_cgroup_v2_dir(void **state)
{
	(void)state;
	char dir[600];
	snprintf(dir, sizeof dir, "%s/fs/cgroup/job.slice", fx_sys);
	probe_config c = { .proc_root = fx_proc, .sys_root = fx_sys, .kind = PROBE_KIND_CGROUP,
			   .cgroup_dir = dir };
	probe *p = open_ok(&c);
	sample s;
	/* cgroup.procs lists 102, 100, 999 (gone) and 101. */
	assert_int_equal(read_ok(p, 0, &s), 3);
	assert_int_equal(s.v[SAMPLE_PROCS], 3);
	assert_int_equal(s.v[SAMPLE_RSS], 7000 * KB);
	assert_int_equal(s.v[SAMPLE_CGROUP], 9437184);
	assert_int_equal(s.v[SAMPLE_ANON], 5222400);
	assert_int_equal(s.v[SAMPLE_FILE], 1740800);
	assert_int_equal(s.v[SAMPLE_SHMEM], 204800);
	assert_int_equal(s.v[SAMPLE_SWAP], 71680);
	assert_int_equal(s.v[SAMPLE_PSS], SAMPLE_NONE);
	assert_int_equal(s.v[SAMPLE_SYS_AVAIL], SYS_AVAIL);
	probe_close(p);
}

/* A v1 cgroup directory: the cgroup's own rss/cache/shmem/swap, not total_*. */
static void test_cgroup_v1_dir(void **state)
{
	(void)state;
	char dir[600];
	snprintf(dir, sizeof dir, "%s/fs/cgroup/memory/user/job", fx_sys_v1);
	probe_config c = { .proc_root = fx_proc, .sys_root = fx_sys_v1, .kind = PROBE_KIND_CGROUP,
			   .cgroup_dir = dir, .pss = true };
	probe *p = open_ok(&c);
	sample s;
	assert_int_equal(read_ok(p, 0, &s), 2);
	assert_int_equal(s.v[SAMPLE_PROCS], 2);
	assert_int_equal(s.v[SAMPLE_RSS], (300 + 700) * KB);
	assert_int_equal(s.v[SAMPLE_PSS], (250 + 600) * KB);
	assert_int_equal(s.v[SAMPLE_CGROUP], 8388608);
	assert_int_equal(s.v[SAMPLE_ANON], 2000000);
	assert_int_equal(s.v[SAMPLE_FILE], 1000000);
	assert_int_equal(s.v[SAMPLE_SHMEM], 300000);
	assert_int_equal(s.v[SAMPLE_SWAP], 40960);
	probe_close(p);

	/* Without swap accounting, swap is not measured; an empty cgroup counts 0. */
	snprintf(dir, sizeof dir, "%s/fs/cgroup/memory/user/noswap", fx_sys_v1);
	p = open_ok(&c);
	assert_int_equal(read_ok(p, 0, &s), 0);
	assert_int_equal(s.v[SAMPLE_PROCS], 0);
	assert_int_equal(s.v[SAMPLE_RSS], 0);
	assert_int_equal(s.v[SAMPLE_CGROUP], 1048576);
	assert_int_equal(s.v[SAMPLE_ANON], 500000);
	assert_int_equal(s.v[SAMPLE_SWAP], SAMPLE_NONE);
	probe_close(p);
}

/* A directory that is not a memory cgroup is refused with its name. */
static void test_cgroup_not_memory(void **state)
{
	(void)state;
	char err[700], want[700];
	probe_config c = { .proc_root = fx_proc, .sys_root = fx_sys, .kind = PROBE_KIND_CGROUP,
			   .cgroup_dir = fx_proc };
	assert_null(probe_open(&c, err, sizeof err));
	snprintf(want, sizeof want,
		 "--cgroup %s: not a memory cgroup (no memory.current or memory.usage_in_bytes)", fx_proc);
	assert_string_equal(err, want);
}

/* The cgroup column of a tree probe follows PROC/PID/cgroup, v1 or v2. */
static void test_tree_cgroup_column(void **state)
{
	(void)state;
	sample s;
	struct {
		pid_t pid;
		const char *sys;
		int64_t want;
	} cases[] = {
		{ 100, fx_sys, 9437184 },        /* v2 "0::/job.slice" */
		{ 300, fx_sys_v1, 8388608 },     /* v1 "4:memory:/user/job" */
		{ 300, fx_sys, SAMPLE_NONE },     /* v2 /user/job has no memory.current */
		{ 200, fx_sys, SAMPLE_NONE },     /* v2 root cgroup */
		{ 100, fx_sys_v1, SAMPLE_NONE },  /* no v1 memory line, no unified mount */
		{ 100, "/nonexistent", SAMPLE_NONE },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		probe_config c = tree_cfg(cases[i].pid, true, false);
		c.sys_root = cases[i].sys;
		probe *p = open_ok(&c);
		assert_int_equal(read_ok(p, 0, &s), 1);
		assert_int_equal(s.v[SAMPLE_CGROUP], cases[i].want);
		probe_close(p);
	}
}

/* The machine only: two columns, nothing else, and 0 processes. */
static void test_system(void **state)
{
	(void)state;
	probe_config c = { .proc_root = fx_proc, .sys_root = fx_sys, .kind = PROBE_KIND_SYSTEM };
	probe *p = open_ok(&c);
	sample s;
	assert_int_equal(read_ok(p, 0, &s), 0);
	for (int i = 0; i < SAMPLE_NCOLS; i++) {
		if (i == SAMPLE_SYS_USED)
			assert_int_equal(s.v[i], SYS_USED);
		else if (i == SAMPLE_SYS_AVAIL)
			assert_int_equal(s.v[i], SYS_AVAIL);
		else
			assert_int_equal(s.v[i], SAMPLE_NONE);
	}
	probe_close(p);
}

/* meminfo that can no longer be read is the one error worth stopping for. */
static void test_meminfo_unreadable(void **state)
{
	(void)state;
	char dir[64], proc[128], err[256] = "";
	copy_tree(dir, proc, sizeof proc);
	probe_config c = { .proc_root = proc, .kind = PROBE_KIND_SYSTEM };
	probe *p = open_ok(&c);
	sample s;
	assert_int_equal(read_ok(p, 0, &s), 0);
	sh(": > '%s/proc/meminfo'", dir);
	sample_clear(&s);
	assert_int_equal(probe_read(p, 100 * MS, &s, err, sizeof err), -1);
	assert_non_null(strstr(err, "meminfo"));
	probe_close(p);
	sh("rm -rf '%s'", dir);
}

/* The live /proc: this test process alone, then with a child that exits. */
static void test_real_proc(void **state)
{
	(void)state;
	probe_config c = { .proc_root = "/proc", .sys_root = "/sys", .kind = PROBE_KIND_TREE,
			   .pid = getpid(), .include_root = true, .children = true, .pss = true };
	probe *p = open_ok(&c);
	sample s;
	assert_int_equal(read_ok(p, 0, &s), 1);
	assert_true(s.v[SAMPLE_RSS] > 0);
	assert_true(s.v[SAMPLE_ANON] > 0);
	assert_true(s.v[SAMPLE_PSS] > 0);
	assert_int_equal(s.v[SAMPLE_PROCS], 1);
	assert_true(s.v[SAMPLE_SYS_USED] > 0);
	assert_true(s.v[SAMPLE_SYS_AVAIL] > 0);

	struct timespec t0, t1;
	enum { LOOPS = 20000 };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < LOOPS; i++)
		read_ok(p, 1, &s);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	print_message("# probe_read, 1 process: %.2f us per call\n",
		      ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / LOOPS / 1e3);
	probe_close(p);

	/* Run-mode shape: ourselves as the root, not counted; one child. */
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		pause();
		_exit(0);
	}
	c.include_root = false;
	c.pss = false;
	p = open_ok(&c);
	assert_int_equal(read_ok(p, 0, &s), 1);
	assert_true(s.v[SAMPLE_RSS] > 0);
	kill(child, SIGKILL);
	assert_int_equal(waitpid(child, NULL, 0), child);
	/* Reaped: the kept fd reads ESRCH before any rescan. */
	assert_int_equal(read_ok(p, 1, &s), 0);
	assert_int_equal(s.v[SAMPLE_RSS], 0);
	assert_int_equal(read_ok(p, 1000 * MS, &s), 0);
	probe_close(p);
}

/* Waits (bounded) until pid has at least n children of its own in /proc;
 * the state a test needs before its next read, not a fixed delay. */
static void wait_children(pid_t pid, int n)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
	for (int i = 0; i < 5000; i++) {
		FILE *f = fopen(path, "r");
		int count = 0;
		if (f) {
			size_t len = fread(buf, 1, sizeof buf - 1, f);
			buf[len] = '\0';
			fclose(f);
			for (char *c = strtok(buf, " \n"); c; c = strtok(NULL, " \n"))
				count++;
		}
		if (count >= n)
			return;
		usleep(1000);
	}
	fail_msg("pid %d never had %d children", (int)pid, n);
}

/* A probe of run mode's shape on the live /proc (ourselves as the root, not
 * counted) with no full rescan due for an hour, read once while we have no
 * children; go is a pipe whose closing lets the test's children go. */
static probe *open_run_shape(sample *s, int go[2])
{
	probe_config c = { .proc_root = "/proc", .sys_root = "/sys", .kind = PROBE_KIND_TREE,
			   .pid = getpid(), .include_root = false, .children = true,
			   .scan_interval_ns = 3600 * INT64_C(1000000000) };
	probe *p = open_ok(&c);
	assert_int_equal(read_ok(p, 0, s), 0);
	assert_int_equal(pipe(go), 0);
	return p;
}

/* A child started after a sample is counted in the next one, with no full
 * rescan due (the interval is an hour): the children lists are read every
 * sample, so a process that lives 50 ms is not missed. */
static void test_new_child_next_sample(void **state)
{
	(void)state;
	sample s;
	int go[2];
	probe *p = open_run_shape(&s, go);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		char b;
		close(go[1]);
		/* A grandchild too: it must be found in the same sample. */
		if (fork() == 0) {
			while (read(go[0], &b, 1) < 0)
				;
			_exit(0);
		}
		while (read(go[0], &b, 1) < 0)
			;
		wait(NULL);
		_exit(0);
	}
	close(go[0]);
	wait_children(child, 1);
	assert_int_equal(read_ok(p, 1 * MS, &s), 2);
	assert_int_equal(s.v[SAMPLE_PROCS], 2);
	close(go[1]);
	assert_int_equal(waitpid(child, NULL, 0), child);
	probe_close(p);
}

/* The false zero at start: the tree was empty at the first sample, then the
 * command forked a grandchild and was reaped before the next sample. The
 * orphan, reparented to us (the subreaper), is counted at once. */
static void test_orphan_next_sample(void **state)
{
	(void)state;
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
	sample s;
	int go[2];
	probe *p = open_run_shape(&s, go);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		if (fork() == 0) {
			char b;
			close(go[1]);
			while (read(go[0], &b, 1) < 0)
				;
			_exit(0);
		}
		_exit(0);
	}
	close(go[0]);
	assert_int_equal(waitpid(child, NULL, 0), child);
	/* The orphan is ours now. */
	wait_children(getpid(), 1);
	assert_int_equal(read_ok(p, 1 * MS, &s), 1);
	close(go[1]);
	assert_true(wait(NULL) > 0);
	assert_int_equal(read_ok(p, 2 * MS, &s), 0);
	probe_close(p);
	prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_and_clear),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_tree_sums),
		cmocka_unit_test(test_tree_flags),
		cmocka_unit_test(test_pss_paced),
		cmocka_unit_test(test_job_cgroup),
		cmocka_unit_test(test_mem_from_pss),
		cmocka_unit_test(test_vanished),
		cmocka_unit_test(test_new_child_on_rescan),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_open_permission),
		cmocka_unit_test(test_cgroup_v2_dir),
		cmocka_unit_test(test_cgroup_v1_dir),
		cmocka_unit_test(test_cgroup_not_memory),
		cmocka_unit_test(test_tree_cgroup_column),
		cmocka_unit_test(test_system),
		cmocka_unit_test(test_meminfo_unreadable),
		cmocka_unit_test(test_real_proc),
		cmocka_unit_test(test_new_child_next_sample),
		cmocka_unit_test(test_orphan_next_sample),
	};
	return cmocka_run_group_tests(tests, setup_paths, NULL);
}
