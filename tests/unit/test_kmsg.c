/* test_kmsg.c: the OOM killer's lines of the kernel log, as Linux 6.x writes
 * them, and the reader on a file standing in for /dev/kmsg. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record/kmsg.h"

#define KILLED_MEMCG "Memory cgroup out of memory: Killed process 29248 (workload) total-vm:616880kB, " \
	"anon-rss:305664kB, file-rss:1092kB, shmem-rss:0kB, UID:0 pgtables:652kB oom_score_adj:0"
#define CONTEXT_MEMCG "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0," \
	"oom_memcg=/box-1,task_memcg=/box-1/memlog-job-7,task=workload,pid=29248,uid=0"

static enum kmsg_line parse(const char *text, kmsg_kill *k)
{
	return kmsg_parse(text, strlen(text), k);
}

/* A cgroup's kill: who, what it held of each kind, in bytes. */
static void test_killed_memcg(void **state)
{
	(void)state;
	kmsg_kill k;
	assert_int_equal(parse(KILLED_MEMCG, &k), KMSG_KILLED);
	assert_int_equal(k.pid, 29248);
	assert_string_equal(k.name, "workload");
	assert_int_equal(k.anon_bytes, INT64_C(305664) * 1024);
	assert_int_equal(k.file_bytes, INT64_C(1092) * 1024);
	assert_int_equal(k.shmem_bytes, 0);
	assert_true(k.memcg);
	assert_string_equal(k.oom_memcg, "");
}

/* The machine's: not a cgroup's; older kernels' lines without a prefix or
 * with the kinds unknown still name the victim. */
static void test_killed_global(void **state)
{
	(void)state;
	kmsg_kill k;
	assert_int_equal(parse("Out of memory: Killed process 812 (python3) total-vm:9000kB, anon-rss:8000kB, "
	                       "file-rss:4kB, shmem-rss:8kB, UID:1000 pgtables:40kB oom_score_adj:0", &k),
	                 KMSG_KILLED);
	assert_int_equal(k.pid, 812);
	assert_string_equal(k.name, "python3");
	assert_false(k.memcg);
	assert_int_equal(k.shmem_bytes, 8192);
	assert_int_equal(parse("Killed process 5 (init)", &k), KMSG_KILLED);
	assert_int_equal(k.pid, 5);
	assert_string_equal(k.name, "init");
	assert_int_equal(k.anon_bytes, -1);
	assert_int_equal(k.file_bytes, -1);
}

/* A name may hold ") " and anything the kernel escapes; control bytes never
 * pass. */
static void test_killed_names(void **state)
{
	(void)state;
	kmsg_kill k;
	assert_int_equal(parse("Out of memory: Killed process 9 (a) b (c) total-vm:1kB, anon-rss:2kB", &k), KMSG_KILLED);
	assert_string_equal(k.name, "a) b (c");
	assert_int_equal(k.anon_bytes, 2048);
	assert_int_equal(parse("Killed process 9 (\x1b[31mred\xe2\x80\xae) total-vm:1kB", &k), KMSG_KILLED);
	assert_string_equal(k.name, "?[31mred???");
	assert_int_equal(parse("Killed process 9 (x\\x0a) total-vm:1kB", &k), KMSG_KILLED);
	assert_string_equal(k.name, "x\\x0a");
}

/* Lines that only look like a kill are none. */
static void test_not_kills(void **state)
{
	(void)state;
	kmsg_kill k;
	static const char *const lines[] = {
		"", "Killed process", "Killed process x (a)", "Killed process 12", "Killed process 12 (open",
		"Killed process 0 (zero)", "Killed process 99999999999 (big)", "Killed process 12(a)",
		"oom_reaper: reaped process 29248 (workload), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
		"workload invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
		"oom-kill:constraint=CONSTRAINT_NONE,task=x", "oom-kill:task_memcg=/,task=x,pid=",
		"memory: usage 65536kB, limit 65536kB, failcnt 21",
	};
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		if (parse(lines[i], &k) != KMSG_OTHER)
			print_error("\"%s\" read as a kill line\n", lines[i]);
		assert_int_equal(parse(lines[i], &k), KMSG_OTHER);
		assert_int_equal(k.pid, 0);
	}
}

/* The context line: whose limit it was and where the victim lived, a
 * cgroup's name with commas in it too. */
static void test_context(void **state)
{
	(void)state;
	kmsg_kill k;
	assert_int_equal(parse(CONTEXT_MEMCG, &k), KMSG_CONTEXT);
	assert_int_equal(k.pid, 29248);
	assert_string_equal(k.name, "workload");
	assert_string_equal(k.oom_memcg, "/box-1");
	assert_string_equal(k.task_memcg, "/box-1/memlog-job-7");
	assert_true(k.memcg);
	assert_int_equal(parse("oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,"
	                       "global_oom,task_memcg=/a,b/c,task=x,y,pid=77,uid=0", &k), KMSG_CONTEXT);
	assert_int_equal(k.pid, 77);
	assert_string_equal(k.task_memcg, "/a,b/c");
	assert_string_equal(k.name, "x,y");
	assert_string_equal(k.oom_memcg, "");
	assert_false(k.memcg);
}

/* A cgroup is the directory's or below it, never a sibling or a part of a name. */
static void test_cgroup_within(void **state)
{
	(void)state;
	const char *dir = "/sys/fs/cgroup/memory/box-1/memlog-job-7";
	assert_true(kmsg_cgroup_within(dir, "/box-1/memlog-job-7"));
	assert_true(kmsg_cgroup_within("/sys/fs/cgroup/memory/box-1/memlog-job-7/", "/box-1/memlog-job-7"));
	assert_true(kmsg_cgroup_within(dir, "/box-1/memlog-job-7/worker"));
	assert_false(kmsg_cgroup_within(dir, "/box-1"));
	assert_false(kmsg_cgroup_within(dir, "/box-1/memlog-job-70"));
	assert_false(kmsg_cgroup_within(dir, "/job-7"));
	assert_false(kmsg_cgroup_within(dir, "/"));
	assert_false(kmsg_cgroup_within(dir, ""));
	assert_false(kmsg_cgroup_within(dir, "box-1/memlog-job-7"));
}

/* Appends text to the file at path. */
static void append(const char *path, const char *text)
{
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* The reader starts at the end, takes records and plain lines, joins a
 * context line to its kill even across reads, and keeps an unfinished line
 * for later. */
static void test_reader(void **state)
{
	(void)state;
	char path[] = "/tmp/memlog-kmsg.XXXXXX", err[300];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	append(path, "3,1,100,-;Out of memory: Killed process 1 (before) total-vm:1kB\n");
	kmsg_reader *r = kmsg_open(path, err, sizeof err);
	assert_non_null(r);
	kmsg_kill out[4];
	assert_int_equal(kmsg_read(r, out, 4), 0);

	append(path, "6,6550,36480486850,-;" CONTEXT_MEMCG "\n SUBSYSTEM=memory\n");
	assert_int_equal(kmsg_read(r, out, 4), 0);
	append(path, "3,6551,36480486869,-;" KILLED_MEMCG "\n"
	             "[36481.1] Out of memory: Killed process 30 (plain) total-vm:1kB, anon-rss:1kB\n"
	             "3,6560,36490000000,-;Out of memory: Killed process 31 (half");
	assert_int_equal(kmsg_read(r, out, 4), 2);
	assert_int_equal(out[0].pid, 29248);
	assert_string_equal(out[0].oom_memcg, "/box-1");
	assert_string_equal(out[0].task_memcg, "/box-1/memlog-job-7");
	assert_int_equal(out[1].pid, 30);
	assert_string_equal(out[1].task_memcg, "");
	append(path, ") total-vm:1kB\n");
	assert_int_equal(kmsg_read(r, out, 4), 1);
	assert_int_equal(out[0].pid, 31);
	assert_string_equal(out[0].name, "half");

	/* More kills than room: the rest come at the next call. */
	append(path, "3,1,1,-;Killed process 41 (a)\n3,2,2,-;Killed process 42 (b)\n3,3,3,-;Killed process 43 (c)\n");
	assert_int_equal(kmsg_read(r, out, 2), 2);
	assert_int_equal(out[1].pid, 42);
	assert_int_equal(kmsg_read(r, out, 2), 1);
	assert_int_equal(out[0].pid, 43);
	kmsg_close(r);
	unlink(path);
}

/* The queue keeps the newest few, oldest first. */
static void test_queue(void **state)
{
	(void)state;
	char path[] = "/tmp/memlog-kmsg.XXXXXX", err[300];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	kmsg_reader *r = kmsg_open(path, err, sizeof err);
	assert_non_null(r);
	kmsg_kill k = { 0 }, got;
	assert_false(kmsg_take(r, &got));
	for (int i = 1; i <= 20; i++) {
		k.pid = i;
		kmsg_keep(r, &k);
	}
	int n = 0, first = 0, last = 0;
	while (kmsg_take(r, &got)) {
		if (n++ == 0)
			first = got.pid;
		assert_true(got.pid > last);
		last = got.pid;
	}
	assert_true(n >= 4 && n < 20);
	assert_int_equal(first, 20 - n + 1);
	assert_int_equal(last, 20);
	kmsg_close(r);
	unlink(path);
}

/* A path that cannot be read is named, with why. */
static void test_open_fails(void **state)
{
	(void)state;
	char err[300] = "";
	assert_null(kmsg_open("/nonexistent/kmsg", err, sizeof err));
	assert_string_equal(err, "cannot read the kernel log /nonexistent/kmsg: No such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_killed_memcg),
		cmocka_unit_test(test_killed_global),
		cmocka_unit_test(test_killed_names),
		cmocka_unit_test(test_not_kills),
		cmocka_unit_test(test_context),
		cmocka_unit_test(test_cgroup_within),
		cmocka_unit_test(test_reader),
		cmocka_unit_test(test_queue),
		cmocka_unit_test(test_open_fails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
