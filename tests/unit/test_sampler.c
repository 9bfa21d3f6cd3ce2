/* test_sampler.c: the sampling thread against the real /proc, its CSV read back. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/mtime.h"
#include "record/probe.h"
#include "recording/reccsv.h"
#include "record/sampler.h"
#include "model/markers.h"
#include "model/series.h"

typedef struct rows {
	sample s[4096];
	char marker[4096][64];
	size_t n;
} rows;

/* Collects rows read back from the CSV. */
static int collect(void *ctx, const sample *s, const char *marker)
{
	rows *r = ctx;
	if (r->n < 4096) {
		r->s[r->n] = *s;
		snprintf(r->marker[r->n], sizeof r->marker[0], "%s", marker ? marker : "");
		r->n++;
	}
	return 0;
}

typedef struct rig {
	char dir[64], path[96];
	probe *pr;
	series *ser;
	reccsv_writer *csv;
	int notify[2];
	sampler_config cfg;
} rig;

/* Sets up a probe of the machine, a series, a CSV in a temp dir and a notify pipe. */
static void rig_open(rig *r, enum probe_kind kind, pid_t pid, int64_t interval_ns, int64_t duration_ns)
{
	char err[512];
	snprintf(r->dir, sizeof r->dir, "/tmp/memlog-sampler.XXXXXX");
	assert_non_null(mkdtemp(r->dir));
	snprintf(r->path, sizeof r->path, "%s/rec.csv", r->dir);
	probe_config pc = { .proc_root = "/proc", .sys_root = "/sys", .kind = kind, .pid = pid,
	                    .include_root = true, .children = true };
	r->pr = probe_open(&pc, err, sizeof err);
	assert_non_null(r->pr);
	r->ser = series_new(1024);
	assert_non_null(r->ser);
	r->csv = reccsv_create(r->path, OUTFILE_REPLACE, err, sizeof err);
	assert_non_null(r->csv);
	assert_int_equal(pipe(r->notify), 0);
	r->cfg = (sampler_config){ .interval_ns = interval_ns, .duration_ns = duration_ns,
	                           .start_mono_ns = mtime_mono_ns(), .probe = r->pr, .series = r->ser,
	                           .csv = r->csv, .notify_fd = r->notify[1],
	                           .stop_when_gone = kind == PROBE_KIND_TREE };
}

/* Closes the CSV and reads it back into out. */
static void rig_close(rig *r, rows *out)
{
	char err[512];
	reccsv_info info;
	assert_int_equal(reccsv_close(r->csv, err, sizeof err), 0);
	memset(out, 0, sizeof *out);
	assert_int_equal(reccsv_read(r->path, false, collect, out, &info, err, sizeof err), 0);
	assert_int_equal(info.rows, out->n);
	probe_close(r->pr);
	close(r->notify[0]);
	close(r->notify[1]);
	unlink(r->path);
	rmdir(r->dir);
}

/* Waits (bounded) for the sampler's notify byte. */
static int wait_notify(rig *r, int timeout_ms)
{
	struct pollfd p = { .fd = r->notify[0], .events = POLLIN };
	return poll(&p, 1, timeout_ms);
}

/* A child that lives until the test closes fds[1]. */
static pid_t fork_waiter(int fds[2])
{
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char c;
		close(fds[1]);
		ssize_t n = read(fds[0], &c, 1);
		_exit(n < 0);
	}
	close(fds[0]);
	return pid;
}

/* A duration stops the thread by itself; every sample is one CSV row, in order. */
static void test_duration_rows_match(void **state)
{
	(void)state;
	rig r;
	rows *got = malloc(sizeof *got);
	char err[512];
	sampler_stats st;
	rig_open(&r, PROBE_KIND_SYSTEM, 0, 2 * INT64_C(1000000), 150 * INT64_C(1000000));
	sampler *s = sampler_start(&r.cfg, err, sizeof err);
	assert_non_null(s);
	assert_int_equal(wait_notify(&r, 10000), 1);
	assert_int_equal(sampler_state(s), SAMPLER_DURATION);
	sampler_stop(s, &st);
	rig_close(&r, got);
	assert_int_equal(got->n, st.samples);
	assert_int_equal(series_count(r.ser), st.samples);
	assert_true(got->n >= 2);
	for (size_t i = 1; i < got->n; i++) {
		assert_true(got->s[i].elapsed_ns >= got->s[i - 1].elapsed_ns);
		assert_true(got->s[i].v[SAMPLE_SYS_AVAIL] > 0);
		assert_int_equal(got->s[i].v[SAMPLE_RSS], SAMPLE_NONE);
	}
	assert_true(got->s[got->n - 1].elapsed_ns >= 150 * INT64_C(1000000));
	/* Skipped, not burst: never more ticks than the time allowed. */
	int64_t span = got->s[got->n - 1].elapsed_ns;
	assert_true(st.ticks_taken + st.ticks_missed <= (uint64_t)(span / r.cfg.interval_ns) + 2);
	assert_true(st.ticks_taken >= 1);
	series_free(r.ser);
	free(got);
}

/* Markers are sampled at once, in the order asked, with their labels. */
static void test_markers_in_order(void **state)
{
	(void)state;
	rig r;
	rows *got = malloc(sizeof *got);
	char err[512];
	sampler_stats st;
	/* One tick an hour: every row but the first and last comes from a marker. */
	rig_open(&r, PROBE_KIND_SYSTEM, 0, 3600 * INT64_C(1000000000), 0);
	sampler *s = sampler_start(&r.cfg, err, sizeof err);
	assert_non_null(s);
	/* The first tick is due at once; wait for it (bounded) before marking. */
	for (int i = 0; i < 5000 && series_count(r.ser) == 0; i++)
		usleep(1000);
	assert_int_equal(series_count(r.ser), 1);
	sampler_mark(s, "first");
	sampler_mark(s, "with, comma and \"quotes\"");
	sampler_mark(s, "M3");
	sampler_stop(s, &st);
	rig_close(&r, got);
	assert_int_equal(got->n, 5);
	assert_int_equal(st.samples, 5);
	assert_string_equal(got->marker[0], "");
	assert_string_equal(got->marker[1], "first");
	assert_string_equal(got->marker[2], "with, comma and \"quotes\"");
	assert_string_equal(got->marker[3], "M3");
	assert_string_equal(got->marker[4], "");
	assert_int_equal(st.ticks_taken, 1);
	series_free(r.ser);
	free(got);
}

/* A burst of markers (3,000, once more than could wait) loses none: each is
 * its row, in order, with its label cut as markers_label does (its first
 * line). */
static void test_marker_burst(void **state)
{
	(void)state;
	rig r;
	rows *got = malloc(sizeof *got);
	char err[512], label[64];
	sampler_stats st;
	rig_open(&r, PROBE_KIND_SYSTEM, 0, 3600 * INT64_C(1000000000), 0);
	sampler *s = sampler_start(&r.cfg, err, sizeof err);
	assert_non_null(s);
	for (int i = 0; i < 5000 && series_count(r.ser) == 0; i++)
		usleep(1000);
	for (int i = 0; i < 3000; i++) {
		snprintf(label, sizeof label, "burst %d\nsecond line", i);
		sampler_mark(s, label);
	}
	sampler_stop(s, &st);
	rig_close(&r, got);
	assert_int_equal(st.marks_dropped, 0);
	assert_int_equal(got->n, 3002);
	for (int i = 0; i < 3000; i++) {
		snprintf(label, sizeof label, "burst %d", i);
		assert_string_equal(got->marker[1 + i], label);
		assert_true(got->s[1 + i].elapsed_ns >= got->s[i].elapsed_ns);
	}
	series_free(r.ser);
	free(got);
}

/* A watched process that exits ends the recording with TARGET_GONE. */
static void test_target_gone(void **state)
{
	(void)state;
	rig r;
	rows *got = malloc(sizeof *got);
	char err[512];
	int fds[2];
	pid_t pid = fork_waiter(fds);
	rig_open(&r, PROBE_KIND_TREE, pid, 5 * INT64_C(1000000), 0);
	sampler *s = sampler_start(&r.cfg, err, sizeof err);
	assert_non_null(s);
	assert_int_equal(sampler_state(s), SAMPLER_RUNNING);
	close(fds[1]);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	assert_int_equal(wait_notify(&r, 10000), 1);
	assert_int_equal(sampler_state(s), SAMPLER_TARGET_GONE);
	sampler_stop(s, NULL);
	rig_close(&r, got);
	assert_true(got->n >= 1);
	assert_int_equal(got->s[got->n - 1].v[SAMPLE_PROCS], 0);
	assert_true(got->s[0].v[SAMPLE_PROCS] == 1 || got->n == 1);
	series_free(r.ser);
	free(got);
}

/* Waits (bounded, 10 s) until cond(ctx) holds, polling every ms. */
static bool wait_until(bool (*cond)(void *), void *ctx)
{
	for (int i = 0; i < 10000; i++) {
		if (cond(ctx))
			return true;
		usleep(1000);
	}
	return cond(ctx);
}

static bool sampled_none(void *ser)
{
	sample last;
	return series_last(ser, &last) == 0 && last.v[SAMPLE_PROCS] == 0;
}

static bool marked(void *marks)
{
	return markers_count(marks) > 0;
}

/* The kernel log's kills: one of the target's processes is marked (once,
 * "OOM kill") and kept for the main thread, whatever else the OOM killer
 * killed on the machine. The kill is read after its victim is gone from
 * the samples (the sampler reads the log once a sample, a victim dies at
 * once). */
static void test_kernel_log_kill(void **state)
{
	(void)state;
	rig r;
	rows *got = malloc(sizeof *got);
	char err[512], kpath[] = "/tmp/memlog-kmsg.XXXXXX", line[256];
	int fds[2], kfd = mkstemp(kpath);
	assert_true(kfd >= 0);
	pid_t pid = fork_waiter(fds), other = fork();
	assert_true(other >= 0);
	if (other == 0) {
		pause();
		_exit(0);
	}
	kmsg_reader *km = kmsg_open(kpath, err, sizeof err);
	assert_non_null(km);
	rig_open(&r, PROBE_KIND_TREE, pid, 5 * INT64_C(1000000), 0);
	r.cfg.kmsg = km;
	r.cfg.marks = markers_new();
	r.cfg.stop_when_gone = false;
	sampler *s = sampler_start(&r.cfg, err, sizeof err);
	assert_non_null(s);
	kill(other, SIGKILL);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(other, NULL, 0), other);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	assert_true(wait_until(sampled_none, r.ser));
	int len = snprintf(line, sizeof line, "3,1,1,-;Out of memory: Killed process %d (other)\n"
	                   "3,2,2,-;Out of memory: Killed process %d (waiter) total-vm:1kB, anon-rss:8kB\n",
	                   (int)other, (int)pid);
	assert_int_equal(write(kfd, line, (size_t)len), len);
	assert_true(wait_until(marked, r.cfg.marks));
	sampler_stop(s, NULL);
	kmsg_kill k;
	assert_true(kmsg_take(km, &k));
	assert_int_equal(k.pid, pid);
	assert_string_equal(k.name, "waiter");
	assert_int_equal(k.anon_bytes, 8192);
	assert_false(kmsg_take(km, &k));
	rig_close(&r, got);
	int n = 0;
	for (size_t i = 0; i < got->n; i++)
		n += strcmp(got->marker[i], SAMPLER_OOM_LABEL) == 0;
	assert_int_equal(n, 1);
	assert_int_equal(markers_count(r.cfg.marks), 1);
	markers_free(r.cfg.marks);
	kmsg_close(km);
	close(kfd);
	close(fds[1]);
	unlink(kpath);
	series_free(r.ser);
	free(got);
}

/* The rows of one pid read back from REC.procs.csv. */
typedef struct proc_rows {
	pid_t pid;
	int n, starts, exits;
	enum procrow_event first, last;
	int64_t rss;
	char name[64];
} proc_rows;

static int collect_proc(void *ctx, const procrow *row)
{
	proc_rows *pr = ctx;
	if (row->pid != pr->pid)
		return 0;
	if (pr->n++ == 0)
		pr->first = row->event;
	pr->last = row->event;
	pr->starts += row->event == PROCROW_START;
	pr->exits += row->event == PROCROW_EXIT;
	if (row->v[PROCROW_RSS] > pr->rss)
		pr->rss = row->v[PROCROW_RSS];
	snprintf(pr->name, sizeof pr->name, "%s", row->name);
	return 0;
}

/* With per-process rows the sampler writes REC.procs.csv and fills the
 * view's procset, which another thread reads while it runs: the child has
 * a start row first and an exit row last once it is gone. */
static void test_procs_rows(void **state)
{
	(void)state;
	rig r;
	rows *got = malloc(sizeof *got);
	char err[512], ppath[128];
	int fds[2];
	pid_t pid = fork_waiter(fds);
	rig_open(&r, PROBE_KIND_TREE, pid, 5 * INT64_C(1000000), 0);
	/* The same probe, with per-process rows. */
	probe_close(r.pr);
	probe_config pc = { .proc_root = "/proc", .sys_root = "/sys", .kind = PROBE_KIND_TREE, .pid = pid,
	                    .include_root = true, .children = true, .per_process = true };
	r.pr = probe_open(&pc, err, sizeof err);
	assert_non_null(r.pr);
	snprintf(ppath, sizeof ppath, "%s/rec.procs.csv", r.dir);
	reccsv_writer *pw = reccsv_create_procs(ppath, OUTFILE_REPLACE, err, sizeof err);
	assert_non_null(pw);
	procthin *thin = procthin_new();
	procset *ps = procset_new(64, 64);
	r.cfg.probe = r.pr;
	r.cfg.procs_csv = pw;
	r.cfg.thin = thin;
	r.cfg.procs = ps;
	sampler *s = sampler_start(&r.cfg, err, sizeof err);
	assert_non_null(s);
	/* Read while the sampler writes: the child shows up (bounded wait). */
	procset_item it[4];
	size_t seen = 0;
	for (int i = 0; i < 2000 && seen == 0; i++) {
		seen = procset_at(ps, INT64_MAX / 2, 0, it, 4);
		if (!seen)
			usleep(5000);
	}
	assert_int_equal(seen, 1);
	assert_int_equal(it[0].pid, pid);
	close(fds[1]);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	assert_int_equal(wait_notify(&r, 10000), 1);
	sampler_stats st;
	sampler_stop(s, &st);
	assert_false(st.procs_failed);
	assert_true(st.proc_rows >= 2);
	assert_int_equal(reccsv_close(pw, err, sizeof err), 0);
	proc_rows pr = { .pid = pid };
	assert_int_equal(reccsv_read_procs(ppath, false, collect_proc, &pr, NULL, err, sizeof err), 0);
	assert_int_equal(pr.first, PROCROW_START);
	assert_int_equal(pr.last, PROCROW_EXIT);
	assert_int_equal(pr.starts, 1);
	assert_int_equal(pr.exits, 1);
	assert_true(pr.rss > 0);
	assert_string_equal(pr.name, "test_sampler");
	unlink(ppath);
	rig_close(&r, got);
	procthin_free(thin);
	procset_free(ps);
	series_free(r.ser);
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_rows_match),
		cmocka_unit_test(test_markers_in_order),
		cmocka_unit_test(test_marker_burst),
		cmocka_unit_test(test_target_gone),
		cmocka_unit_test(test_kernel_log_kill),
		cmocka_unit_test(test_procs_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
