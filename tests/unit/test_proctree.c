/* test_proctree.c: descendants found from fixture /proc trees (committed, and
 * generated in a temp dir for deep and wide ones), and cgroup.procs parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "record/proctree.h"

/* Returns the fixture root: $MEMLOG_FIXTURES, else tests/fixtures (tests run from the repo root). */
static const char *fixtures(void)
{
	const char *f = getenv("MEMLOG_FIXTURES");
	return f && *f ? f : "tests/fixtures";
}

/* Writes fixtures()/probe/tree1/SUB into buf. */
static void fixture_path(char *buf, size_t len, const char *sub)
{
	snprintf(buf, len, "%s/probe/tree1/%s", fixtures(), sub);
}

/* Asserts that got[0..n) equals want[0..wn). */
static void assert_pids(const pid_t *got, long n, const pid_t *want, long wn)
{
	assert_int_equal(n, wn);
	for (long i = 0; i < wn; i++)
		assert_int_equal(got[i], want[i]);
}

/* Writes text to dir/pid/stat, creating the directory. */
static void write_stat(const char *dir, pid_t pid, const char *comm, pid_t ppid)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%d", dir, (int)pid);
	assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
	snprintf(path, sizeof path, "%s/%d/stat", dir, (int)pid);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%d (%s) S %d %d %d 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0\n",
		(int)pid, comm, (int)ppid, (int)pid, (int)pid);
	fclose(f);
}

/* Removes a generated temp tree. */
static void remove_tree(const char *dir)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* The committed tree: levels, zombies and weird command names. */
static void test_descendants_fixture(void **state)
{
	(void)state;
	char proc[512];
	fixture_path(proc, sizeof proc, "proc");
	pid_t *pids = NULL;
	size_t cap = 0;

	static const pid_t of100[] = { 101, 102, 103, 104 };
	long n = proctree_descendants(proc, 100, &pids, &cap);
	assert_pids(pids, n, of100, 4);
	assert_true(cap >= 4);

	static const pid_t of1[] = { 100, 101, 102, 103, 104, 200, 201, 300 };
	n = proctree_descendants(proc, 1, &pids, &cap);
	assert_pids(pids, n, of1, 8);

	static const pid_t of200[] = { 201 };
	n = proctree_descendants(proc, 200, &pids, &cap);
	assert_pids(pids, n, of200, 1);

	/* A leaf and a pid that does not exist have no descendants. */
	assert_int_equal(proctree_descendants(proc, 104, &pids, &cap), 0);
	assert_int_equal(proctree_descendants(proc, 999, &pids, &cap), 0);
	free(pids);
}

/* Command names with spaces and parentheses do not confuse the ppid parse. */
static void test_descendants_comm_parens(void **state)
{
	(void)state;
	char proc[512];
	fixture_path(proc, sizeof proc, "proc");
	pid_t *pids = NULL;
	size_t cap = 0;

	/* 101 is "(sd-pam) x)", its child 102 is "my worker". */
	static const pid_t of101[] = { 102, 104 };
	long n = proctree_descendants(proc, 101, &pids, &cap);
	assert_pids(pids, n, of101, 2);

	/* 200 is "x) S 100 (y": cut at the first ')', its ppid would read as 100. */
	n = proctree_descendants(proc, 100, &pids, &cap);
	for (long i = 0; i < n; i++) {
		assert_int_not_equal(pids[i], 200);
		assert_int_not_equal(pids[i], 201);
	}
	free(pids);
}

/* A deep chain, a cycle away from the root, and a cycle through the root. */
static void test_descendants_deep_chain(void **state)
{
	(void)state;
	char dir[] = "/tmp/memlog-proctree-XXXXXX";
	assert_non_null(mkdtemp(dir));
	enum { DEPTH = 600 };
	for (pid_t pid = 2; pid < 2 + DEPTH; pid++)
		write_stat(dir, pid, "link) (x", pid - 1);
	write_stat(dir, 5000, "a", 5001);
	write_stat(dir, 5001, "b", 5000);
	write_stat(dir, 6000, "r", 6002);
	write_stat(dir, 6001, "s", 6000);
	write_stat(dir, 6002, "t", 6001);

	pid_t *pids = NULL;
	size_t cap = 0;
	long n = proctree_descendants(dir, 2, &pids, &cap);
	assert_int_equal(n, DEPTH - 1);
	for (long i = 0; i < n; i++)
		assert_int_equal(pids[i], 3 + i);

	n = proctree_descendants(dir, 2 + DEPTH - 2, &pids, &cap);
	assert_int_equal(n, 1);
	assert_int_equal(pids[0], 2 + DEPTH - 1);

	static const pid_t of6000[] = { 6001, 6002 };
	n = proctree_descendants(dir, 6000, &pids, &cap);
	assert_pids(pids, n, of6000, 2);

	static const pid_t of5000[] = { 5001 };
	n = proctree_descendants(dir, 5000, &pids, &cap);
	assert_pids(pids, n, of5000, 1);

	free(pids);
	remove_tree(dir);
}

/* 2000 processes in a pseudo-random tree; checked against an ancestor walk. */
static void test_descendants_wide(void **state)
{
	(void)state;
	char dir[] = "/tmp/memlog-proctree-XXXXXX";
	assert_non_null(mkdtemp(dir));
	enum { N = 2000, BASE = 1000 };
	static pid_t parent[N];
	unsigned seed = 12345;
	for (int i = 0; i < N; i++) {
		seed = seed * 1103515245u + 12345u;
		/* Each process's parent comes earlier, so the tree has no cycle; index 0 is init-like. */
		parent[i] = i == 0 ? 0 : (pid_t)(BASE + (int)((seed >> 8) % (unsigned)i));
		write_stat(dir, BASE + i, "w", parent[i]);
	}
	pid_t root = BASE + 7;
	long want = 0;
	for (int i = 0; i < N; i++) {
		pid_t a = parent[i];
		while (a != 0 && a != root)
			a = parent[a - BASE];
		if (a == root)
			want++;
	}
	pid_t *pids = NULL;
	size_t cap = 0;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	long n = proctree_descendants(dir, root, &pids, &cap);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	print_message("# scan of %d processes: %.2f ms\n", N,
		      (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	assert_true(want > 10);
	assert_int_equal(n, want);
	for (long i = 0; i < n; i++) {
		if (i > 0)
			assert_true(pids[i - 1] < pids[i]);
		pid_t a = parent[pids[i] - BASE];
		while (a != 0 && a != root)
			a = parent[a - BASE];
		assert_int_equal(a, root);
	}
	/* The whole tree hangs from index 0. */
	assert_int_equal(proctree_descendants(dir, BASE, &pids, &cap), N - 1);
	free(pids);
	remove_tree(dir);
}

/* A proc root that cannot be read is an error, not an empty tree. */
static void test_descendants_missing_root(void **state)
{
	(void)state;
	pid_t *pids = NULL;
	size_t cap = 0;
	assert_int_equal(proctree_descendants("/nonexistent/memlog/proc", 1, &pids, &cap), -1);
	free(pids);
}

/* cgroup.procs: unsorted with duplicates, no final newline, empty, missing. */
static void test_cgroup_procs(void **state)
{
	(void)state;
	char path[512];
	pid_t *pids = NULL;
	size_t cap = 0;

	fixture_path(path, sizeof path, "sys/fs/cgroup/job.slice/cgroup.procs");
	static const pid_t job[] = { 100, 101, 102, 999 };
	long n = proctree_cgroup_procs(path, &pids, &cap);
	assert_pids(pids, n, job, 4);

	fixture_path(path, sizeof path, "sys_v1/fs/cgroup/memory/user/job/cgroup.procs");
	static const pid_t v1job[] = { 200, 201 };
	n = proctree_cgroup_procs(path, &pids, &cap);
	assert_pids(pids, n, v1job, 2);

	fixture_path(path, sizeof path, "sys_v1/fs/cgroup/memory/user/noswap/cgroup.procs");
	assert_int_equal(proctree_cgroup_procs(path, &pids, &cap), 0);

	char tmpl[] = "/tmp/memlog-procs-XXXXXX";
	int fd = mkstemp(tmpl);
	assert_true(fd >= 0);
	static const char text[] = "42\n7\n65536\n7\n123456";
	assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
	close(fd);
	static const pid_t tmp[] = { 7, 42, 65536, 123456 };
	n = proctree_cgroup_procs(tmpl, &pids, &cap);
	assert_pids(pids, n, tmp, 4);
	unlink(tmpl);

	assert_int_equal(proctree_cgroup_procs("/nonexistent/memlog/cgroup.procs", &pids, &cap), -1);
	free(pids);
}

/* The live /proc: our own process is a descendant of our parent. */
static void test_descendants_real_proc(void **state)
{
	(void)state;
	pid_t *pids = NULL;
	size_t cap = 0;
	long n = proctree_descendants("/proc", getppid(), &pids, &cap);
	assert_true(n >= 1);
	int found = 0;
	for (long i = 0; i < n; i++)
		found += pids[i] == getpid();
	assert_int_equal(found, 1);
	free(pids);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_descendants_fixture),
		cmocka_unit_test(test_descendants_comm_parens),
		cmocka_unit_test(test_descendants_deep_chain),
		cmocka_unit_test(test_descendants_wide),
		cmocka_unit_test(test_descendants_missing_root),
		cmocka_unit_test(test_cgroup_procs),
		cmocka_unit_test(test_descendants_real_proc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
