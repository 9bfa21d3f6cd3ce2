/* test_procs.c: the per-process recording: which rows are due (procthin),
 * REC.procs.csv written and read back, and the set of processes over time
 * (procset) that the pane and the report ask. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/holders.h"
#include "model/procset.h"
#include "model/procthin.h"
#include "recording/reccsv.h"

#define NS_PER_S INT64_C(1000000000)
#define NS_PER_MS INT64_C(1000000)
#define MiB (INT64_C(1) << 20)

static procrow proc(pid_t pid, uint32_t serial, const char *name, const char *cmd, int64_t rss)
{
	procrow r = { .pid = pid, .ppid = 1, .serial = serial, .name = name, .cmd = cmd };
	for (int k = 0; k < PROCROW_NCOLS; k++)
		r.v[k] = k == PROCROW_PSS ? -1 : 0;
	r.v[PROCROW_RSS] = rss;
	r.v[PROCROW_ANON] = rss;
	return r;
}

/* Adds row r to ps as of t_ns with event ev. */
static void add_at(procset *ps, procrow *r, int64_t t_ns, enum procrow_event ev)
{
	r->event = ev;
	r->elapsed_ns = t_ns;
	assert_int_equal(procset_add(ps, r), 0);
}

/* Start, a small change (none), a change beyond 1 MiB and 1% (a row), a
 * quiet 10 s (a row), exit (a row with empty figures). */
static void test_thin_rule(void **state)
{
	(void)state;
	procthin *t = procthin_new();
	const procrow *rows;
	procrow p[2] = { proc(10, 1, "a", "a --x", 100 * MiB), proc(11, 2, "b", "b", 2 * MiB) };
	size_t n = procthin_sample(t, 0, 1000, p, 2, &rows);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].event, PROCROW_START);
	assert_int_equal(rows[1].event, PROCROW_START);
	assert_int_equal(rows[0].elapsed_ns, 0);
	assert_int_equal(rows[0].wall_ns, 1000);
	assert_string_equal(rows[0].cmd, "a --x");

	/* +900 KiB on 100 MiB and +1 MiB on 2 MiB: a moved by less than 1% of
	 * its size, b by no more than 1 MiB. */
	p[0].v[PROCROW_RSS] += 900 << 10;
	p[1].v[PROCROW_RSS] += MiB;
	n = procthin_sample(t, 100 * NS_PER_MS, 1000, p, 2, &rows);
	assert_int_equal(n, 0);
	/* Measured from the last row, not the last sample: a's +1.8 MiB is
	 * more than 1 MiB and 1% now. */
	p[0].v[PROCROW_RSS] += 900 << 10;
	p[0].v[PROCROW_ANON] += 2 * MiB;
	n = procthin_sample(t, 200 * NS_PER_MS, 1000, p, 2, &rows);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].pid, 10);
	assert_int_equal(rows[0].event, PROCROW_SAME);
	assert_int_equal(rows[0].v[PROCROW_RSS], 100 * MiB + (1800 << 10));

	/* The first PSS read is a row; the same PSS again is not. */
	p[1].v[PROCROW_PSS] = MiB;
	n = procthin_sample(t, 300 * NS_PER_MS, 1000, p, 2, &rows);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].pid, 11);
	n = procthin_sample(t, 400 * NS_PER_MS, 1000, p, 2, &rows);
	assert_int_equal(n, 0);
	p[1].v[PROCROW_PSS] = -1;

	/* Quiet: a row each 10 s after its last (a's at 0.2 s, b's at 0.3 s). */
	n = procthin_sample(t, 10 * NS_PER_S + 199 * NS_PER_MS, 1000, p, 2, &rows);
	assert_int_equal(n, 0);
	n = procthin_sample(t, 10 * NS_PER_S + 200 * NS_PER_MS, 1000, p, 2, &rows);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].pid, 10);
	n = procthin_sample(t, 10 * NS_PER_S + 300 * NS_PER_MS, 1000, p, 2, &rows);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].pid, 11);

	/* b exits; a execs (a new name is a row). */
	procrow q = proc(10, 1, "python3", "python3 worker.py", p[0].v[PROCROW_RSS]);
	n = procthin_sample(t, 11 * NS_PER_S, 1000, &q, 1, &rows);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].pid, 10);
	assert_string_equal(rows[0].name, "python3");
	assert_int_equal(rows[1].pid, 11);
	assert_int_equal(rows[1].event, PROCROW_EXIT);
	assert_string_equal(rows[1].name, "b");
	assert_int_equal(rows[1].v[PROCROW_RSS], -1);

	/* pid 10 reused by another process: the old exits, the new starts. */
	q.serial = 7;
	n = procthin_sample(t, 12 * NS_PER_S, 1000, &q, 1, &rows);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].event, PROCROW_EXIT);
	assert_int_equal(rows[1].event, PROCROW_START);
	assert_int_equal(rows[1].serial, 7);
	procthin_free(t);
}

/* A tree of 1,000 processes whose figures never move, sampled at 100 ms for
 * 60 s, gets its start rows and then one row per process every 10 s. */
static void test_thin_bounded(void **state)
{
	(void)state;
	enum { N = 1000 };
	procthin *t = procthin_new();
	procrow *p = calloc(N, sizeof *p);
	for (int i = 0; i < N; i++)
		p[i] = proc(100 + i, (uint32_t)i + 1, "w", "w", (10 + i % 7) * MiB);
	size_t total = 0;
	for (int s = 0; s <= 600; s++) {
		const procrow *rows;
		/* Jitter below the threshold changes nothing. */
		for (int i = 0; i < N; i++)
			p[i].v[PROCROW_FILE] = (s % 3) * 4096;
		size_t n = procthin_sample(t, s * 100 * NS_PER_MS, 0, p, N, &rows);
		assert_int_not_equal(n, (size_t)-1);
		total += n;
	}
	/* 601 samples: rows at 0, 10, ..., 60 s. */
	assert_int_equal(total, 7 * N);
	free(p);
	procthin_free(t);
}

/* The rows read back, their strings copied. */
struct got {
	int n;
	procrow got[3];
	char cmd[3][300], name[3][64];
};

static int keep_row(void *arg, const procrow *r)
{
	struct got *c = arg;
	if (c->n < 3) {
		c->got[c->n] = *r;
		snprintf(c->cmd[c->n], sizeof c->cmd[0], "%s", r->cmd);
		snprintf(c->name[c->n], sizeof c->name[0], "%s", r->name);
	}
	c->n++;
	return 0;
}

/* Every field written comes back, quoting and line breaks included. */
static void test_round_trip(void **state)
{
	(void)state;
	char dir[] = "/tmp/memlog-procsXXXXXX", path[300], err[512] = "";
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/r.procs.csv", dir);
	reccsv_writer *w = reccsv_create_procs(path, OUTFILE_NEW, err, sizeof err);
	assert_non_null(w);
	procrow rows[3] = {
		proc(42, 1, "python3", "python3 worker.py --name \"x, y\"", 50 * MiB),
		proc(43, 2, "sh", "sh -c 'a\nb'", 3 * MiB),
		proc(42, 1, "python3", "python3 worker.py --name \"x, y\"", -1),
	};
	rows[0].v[PROCROW_PSS] = 20 * MiB;
	rows[0].event = PROCROW_START;
	rows[2].event = PROCROW_EXIT;
	for (int k = 0; k < PROCROW_NCOLS; k++)
		rows[2].v[k] = -1;
	for (int i = 0; i < 3; i++) {
		rows[i].elapsed_ns = (i + 1) * 250 * NS_PER_MS;
		rows[i].wall_ns = INT64_C(1764583200) * NS_PER_S + rows[i].elapsed_ns;
	}
	assert_int_equal(reccsv_write_procs(w, rows, 3, err, sizeof err), 0);
	assert_int_equal(reccsv_close(w, err, sizeof err), 0);

	reccsv_info info;
	struct got c = { 0 };
	assert_int_equal(reccsv_read_procs(path, false, keep_row, &c, &info, err, sizeof err), 0);
	assert_int_equal(c.n, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(c.got[i].pid, rows[i].pid);
		assert_int_equal(c.got[i].ppid, 1);
		assert_int_equal(c.got[i].elapsed_ns, rows[i].elapsed_ns);
		assert_int_equal(c.got[i].event, rows[i].event);
		for (int k = 0; k < PROCROW_NCOLS; k++)
			assert_int_equal(c.got[i].v[k], rows[i].v[k]);
		assert_string_equal(c.name[i], rows[i].name);
	}
	assert_string_equal(c.cmd[0], "python3 worker.py --name \"x, y\"");
	/* A row is one line: a line break in a command is a space. */
	assert_string_equal(c.cmd[1], "sh -c 'a b'");
	unlink(path);
	rmdir(dir);
}

/* Bad rows are named by line and column, with what was expected. */
static void test_read_bad(void **state)
{
	(void)state;
	struct got c = { 0 };
	char dir[] = "/tmp/memlog-procsXXXXXX", path[300], err[512] = "";
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/bad.procs.csv", dir);
	struct { const char *text, *want; } cases[] = {
		{ "time,elapsed_s,pid,name\n", "header lacks rss" },
		{ "time,elapsed_s,rss\n", "header lacks pid" },
		{ "elapsed_s,pid,rss,event\n1.0,0,5,\n", ":2: column pid: '0' is not a process id" },
		{ "elapsed_s,pid,rss,event\n1.0,7,5,gone\n", ":2: column event: 'gone' is not start, exit or empty" },
		{ "elapsed_s,pid,rss,event\n1.0,,5,\n", ":2: column pid is empty, expected a process id" },
		{ "elapsed_s,pid,rss,event\n2.0,7,5,\n1.0,7,5,\n", ":3: elapsed_s 1 goes back in time" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		FILE *f = fopen(path, "w");
		fputs(cases[i].text, f);
		fclose(f);
		err[0] = 0;
		assert_int_equal(reccsv_read_procs(path, false, keep_row, &c, NULL, err, sizeof err), -1);
		if (!strstr(err, cases[i].want))
			fail_msg("case %zu: got '%s', wanted '%s'", i, err, cases[i].want);
	}
	unlink(path);
	rmdir(dir);
}

/* held: PSS where read, then moved by the rss change since; before the
 * first PSS read, that PSS moved back by the rss change (anonymous and
 * shared pages until it is read). At a time, the running processes by held; during a phase, by growth. */
static void test_procset(void **state)
{
	(void)state;
	procset *ps = procset_new(0, 0);
	procrow parent = proc(100, 1, "py", "py load.py", 500 * MiB);
	add_at(ps, &parent, 0, PROCROW_START);
	/* A worker forked at 1 s shares 400 MiB with the parent. */
	procrow w = proc(101, 2, "py", "py load.py", 400 * MiB);
	w.event = PROCROW_START;
	w.elapsed_ns = NS_PER_S;
	assert_int_equal(procset_add(ps, &w), 0);
	w.event = PROCROW_SAME;
	w.elapsed_ns = 2 * NS_PER_S;
	w.v[PROCROW_PSS] = 200 * MiB;
	assert_int_equal(procset_add(ps, &w), 0);
	/* It allocates 60 MiB of its own: held 260 MiB, though no PSS was read. */
	w.elapsed_ns = 3 * NS_PER_S;
	w.v[PROCROW_PSS] = -1;
	w.v[PROCROW_RSS] = 460 * MiB;
	assert_int_equal(procset_add(ps, &w), 0);

	procset_item it[4];
	size_t n = procset_at(ps, 3 * NS_PER_S, NS_PER_S, it, 4);
	assert_int_equal(n, 2);
	assert_int_equal(it[0].pid, 100); /* 500 MiB: no PSS read, its rss */
	assert_int_equal(it[1].pid, 101);
	assert_int_equal(it[1].held, 260 * MiB);
	assert_int_equal(it[1].rss, 460 * MiB);
	/* At 1 s, before its first PSS read: that PSS, taken back to when
	 * its rss was the same (not the 400 MiB it shares with the parent). */
	assert_int_equal(it[1].before, 200 * MiB);
	assert_int_equal(it[1].peak, 260 * MiB);
	/* Before the worker started, only the parent. */
	n = procset_at(ps, NS_PER_S / 2, 0, it, 4);
	assert_int_equal(n, 1);

	/* Between 2 s and 3 s the worker grew (+60 MiB), the parent did not. */
	n = procset_during(ps, 2 * NS_PER_S, 3 * NS_PER_S, it, 4);
	assert_int_equal(n, 2);
	assert_int_equal(it[0].pid, 101);
	assert_int_equal(it[0].held - it[0].before, 60 * MiB);

	/* The worker exits at 4 s: not running after, still there during. */
	procrow x = w;
	x.event = PROCROW_EXIT;
	x.elapsed_ns = 4 * NS_PER_S;
	assert_int_equal(procset_add(ps, &x), 0);
	n = procset_at(ps, 5 * NS_PER_S, 0, it, 4);
	assert_int_equal(n, 1);
	n = procset_during(ps, 3 * NS_PER_S, 5 * NS_PER_S, it, 4);
	assert_int_equal(n, 2);

	procset_point pts[8];
	n = procset_curve(ps, it[0].pid == 101 ? it[0].id : it[1].id, 0, 10 * NS_PER_S, pts, 8, NULL);
	assert_int_equal(n, 3);
	procset_free(ps);
}

/* The live set's bounds: points halve into their larger neighbour (the
 * peak and the last point kept), and beyond max_procs the exited process
 * of the smallest peak goes. */
static void test_procset_bounds(void **state)
{
	(void)state;
	procset *ps = procset_new(64, 8);
	procrow r = proc(5, 1, "grow", "grow", MiB);
	r.event = PROCROW_START;
	for (int i = 0; i < 10000; i++) {
		r.elapsed_ns = i * NS_PER_MS;
		r.v[PROCROW_RSS] = (i == 5000 ? 900 : 1 + i % 50) * MiB;
		r.v[PROCROW_ANON] = r.v[PROCROW_RSS];
		assert_int_equal(procset_add(ps, &r), 0);
		r.event = PROCROW_SAME;
	}
	procset_point pts[128];
	procset_item it[1];
	assert_int_equal(procset_at(ps, 10 * NS_PER_S, 0, it, 1), 1);
	size_t n = procset_curve(ps, it[0].id, 0, 10 * NS_PER_S, pts, 128, NULL);
	assert_true(n <= 64);
	assert_int_equal(it[0].peak, 900 * MiB);
	assert_int_equal(pts[n - 1].t_ns, 9999 * NS_PER_MS);
	int64_t top = 0;
	for (size_t i = 0; i < n; i++)
		top = pts[i].held > top ? pts[i].held : top;
	assert_int_equal(top, 900 * MiB);

	for (int i = 0; i < 20; i++) {
		procrow s = proc(1000 + i, 0, "short", "short", (i + 1) * MiB);
		s.event = PROCROW_START;
		s.elapsed_ns = 10 * NS_PER_S + i;
		assert_int_equal(procset_add(ps, &s), 0);
		s.event = PROCROW_EXIT;
		assert_int_equal(procset_add(ps, &s), 0);
	}
	assert_int_equal(procset_count(ps), 8);
	/* The running one stays, and the biggest of the short ones. */
	assert_int_equal(procset_during(ps, 0, 20 * NS_PER_S, it, 1), 8);
	procset_free(ps);
}

/* A pool of four workers of one command and a parent of another: grouped
 * by command they are two lines, the pool first; over time, each process
 * alone is a layer, the largest peaks first, and the rest one more. */
static void test_holders(void **state)
{
	(void)state;
	procset *ps = procset_new(0, 0);
	procrow r = proc(1, 0, "sh", "sh run.sh", 2 * MiB);
	r.event = PROCROW_START;
	assert_int_equal(procset_add(ps, &r), 0);
	for (int w = 0; w < 4; w++) {
		procrow x = proc(10 + w, 0, "python3", "python3 worker.py", (10 + 10 * w) * MiB);
		x.event = PROCROW_START;
		x.elapsed_ns = NS_PER_S;
		assert_int_equal(procset_add(ps, &x), 0);
	}
	procset_item it[8];
	size_t n = procset_at(ps, 2 * NS_PER_S, 0, it, 8);
	assert_int_equal(n, 5);
	holders_group g[4];
	size_t ng = holders_group_by_cmd(it, n, HOLDERS_HELD, g, 4);
	assert_int_equal(ng, 2);
	assert_int_equal(g[0].count, 4);
	assert_int_equal(g[0].bytes, 100 * MiB);
	assert_int_equal(g[0].first->pid, 13); /* the largest of them names the group */
	assert_string_equal(g[0].first->cmd, "python3 worker.py");
	assert_int_equal(g[1].bytes, 2 * MiB);
	/* Growth since 0 s: the workers are new (all of their held), sh did not grow. */
	n = procset_at(ps, 2 * NS_PER_S, 0, it, 8);
	ng = holders_group_by_cmd(it, n, HOLDERS_GROWTH, g, 4);
	assert_int_equal(ng, 1);
	assert_int_equal(g[0].fresh, 4);

	int64_t t[3] = { 0, NS_PER_S, 2 * NS_PER_S };
	holders_layer l[3];
	int nl = holders_layers(ps, t, 3, true, l, 3);
	assert_int_equal(nl, 3);
	assert_int_equal(l[0].pid, 13);
	assert_int_equal(l[0].v[2], 40 * MiB);
	assert_int_equal(l[1].pid, 12);
	/* The rest: pids 10, 11 and 1 (2 + 10 + 20 MiB at 2 s, sh alone at 0 s). */
	assert_string_equal(l[2].cmd, "");
	assert_int_equal(l[2].count, 3);
	assert_int_equal(l[2].v[2], 32 * MiB);
	assert_int_equal(l[2].v[0], 2 * MiB);
	holders_layers_free(l, nl);
	nl = holders_layers(ps, t, 3, false, l, 3);
	assert_int_equal(nl, 2);
	assert_int_equal(l[0].count, 4);
	holders_layers_free(l, nl);
	procset_free(ps);
}

/* A parent read at 400 MiB of its own forks a worker that shares it all:
 * its rss does not move, its PSS halves. The next read, at the same rss,
 * is as good a guess for the time between as the one before the fork, and
 * the later one is taken: held there follows it. */
static void test_procset_fork_share(void **state)
{
	(void)state;
	procset *ps = procset_new(0, 0);
	procrow parent = proc(200, 1, "py", "py load.py", 400 * MiB);
	parent.v[PROCROW_PSS] = 400 * MiB;
	add_at(ps, &parent, 0, PROCROW_START);
	/* Rows without a PSS read: the fork at 1 s, a little growth at 2 s. */
	parent.v[PROCROW_PSS] = -1;
	add_at(ps, &parent, NS_PER_S, PROCROW_SAME);
	parent.v[PROCROW_RSS] = 402 * MiB;
	add_at(ps, &parent, 2 * NS_PER_S, PROCROW_SAME);
	parent.v[PROCROW_RSS] = 420 * MiB;
	add_at(ps, &parent, 2500 * NS_PER_MS, PROCROW_SAME);
	procset_item it[2];
	assert_int_equal(procset_at(ps, NS_PER_S, 0, it, 2), 1);
	assert_int_equal(it[0].held, 400 * MiB); /* nothing better known yet */
	/* Read at 3 s: 200 MiB, at 400 MiB of rss again. */
	parent.v[PROCROW_RSS] = 400 * MiB;
	parent.v[PROCROW_PSS] = 200 * MiB;
	add_at(ps, &parent, 3 * NS_PER_S, PROCROW_SAME);
	assert_int_equal(procset_at(ps, NS_PER_S, 0, it, 2), 1);
	assert_int_equal(it[0].held, 200 * MiB);
	assert_int_equal(procset_at(ps, 2 * NS_PER_S, 0, it, 2), 1);
	assert_int_equal(it[0].held, 202 * MiB);
	/* At 420 MiB of rss, as near the one read as the other: the later. */
	assert_int_equal(procset_at(ps, 2500 * NS_PER_MS, 0, it, 2), 1);
	assert_int_equal(it[0].held, 220 * MiB);
	/* The read at 0 s stays what it was. */
	assert_int_equal(procset_at(ps, 0, 0, it, 2), 1);
	assert_int_equal(it[0].held, 400 * MiB);
	procset_free(ps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thin_rule),
		cmocka_unit_test(test_thin_bounded),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_read_bad),
		cmocka_unit_test(test_procset),
		cmocka_unit_test(test_procset_fork_share),
		cmocka_unit_test(test_procset_bounds),
		cmocka_unit_test(test_holders),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
