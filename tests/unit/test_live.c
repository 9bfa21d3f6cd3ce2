/* test_live.c: a running recording's doors: labels as every source makes
 * them, the state file (its words, its mode, links refused), the run
 * directory, and the control socket and marks FIFO served in this process
 * (requests, answers, viewers told of the end, another user refused by
 * the file's owner). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mtime.h"
#include "model/markers.h"
#include "record/control.h"
#include "recording/reclive.h"

static void test_labels(void **state)
{
	(void)state;
	char out[MARKERS_LABEL_MAX + 1];
	assert_int_equal(markers_label("epoch 3\nrest", 12, out), 7);
	assert_string_equal(out, "epoch 3");
	markers_label("dos\r\n", 5, out);
	assert_string_equal(out, "dos");
	markers_label("a,\"b\"\x1b[31m", 10, out);
	assert_string_equal(out, "a,\"b\"\x1b[31m"); /* kept: the CSV quotes it, displays escape it */
	char longer[300];
	memset(longer, 'x', sizeof longer);
	memcpy(longer + 118, "\xc3\xa9", 2); /* é across the cut at 120 */
	markers_label(longer, sizeof longer, out);
	assert_int_equal(strlen(out), 120);
	memcpy(longer + 119, "\xc3\xa9", 2); /* é would end past 120: cut before it */
	markers_label(longer, sizeof longer, out);
	assert_int_equal(strlen(out), 119);
	markers_item list[] = { { 0, "M2" }, { 0, "M10" }, { 0, "M9x" }, { 0, "epoch" }, { 0, "M0" } };
	assert_int_equal(markers_next_number(list, 5), 11);
	assert_int_equal(markers_next_number(NULL, 0), 1);
}

static char dir[64];

static void setup_dir(void)
{
	snprintf(dir, sizeof dir, "/tmp/memlog-live.XXXXXX");
	assert_non_null(mkdtemp(dir));
}

static void test_state_file(void **state)
{
	(void)state;
	char path[128], err[512], target[128];
	setup_dir();
	reclive_info in = { .pid = 42, .started_ns = INT64_C(1796180000123000000), .interval_ns = 100000000 };
	snprintf(in.id, sizeof in.id, "42-1");
	snprintf(in.csv, sizeof in.csv, "%s/r.csv", dir);
	snprintf(in.log, sizeof in.log, "%s/r.log", dir);
	snprintf(in.sock, sizeof in.sock, "%s/42-1.sock", dir);
	snprintf(in.target, sizeof in.target, "run: python3 train.py\n--evil");
	snprintf(path, sizeof path, "%s/r.live", dir);
	/* A link planted where the state goes is replaced, not written through. */
	snprintf(target, sizeof target, "%s/victim", dir);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(reclive_write(path, &in, err, sizeof err), 0);
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(access(target, F_OK), -1);
	reclive_info back;
	assert_int_equal(reclive_read(path, &back, err, sizeof err), 0);
	assert_int_equal(back.pid, 42);
	assert_true(back.started_ns == in.started_ns);
	assert_true(back.interval_ns == 100000000);
	assert_string_equal(back.csv, in.csv);
	assert_string_equal(back.sock, in.sock);
	assert_string_equal(back.target, "run: python3 train.py --evil"); /* one line */
	assert_string_equal(back.mark, "");
	/* A link is not read; neither is what lacks a pid, a CSV or a socket. */
	char link[128];
	snprintf(link, sizeof link, "%s/link.live", dir);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(reclive_read(link, &back, err, sizeof err), -1);
	assert_int_equal(errno, EPERM);
	assert_non_null(strstr(err, "a symbolic link"));
	assert_int_equal(reclive_parse("pid 3\ncsv /x\n", 13, &back), -1);
	assert_int_equal(reclive_parse("pid 3\ncsv /x\nsocket /s\n\nignored after\n", 36, &back), 0);
	/* Another user's file is refused, named. */
	assert_int_equal(chown(path, 65534, 65534), 0);
	assert_int_equal(reclive_read(path, &back, err, sizeof err), -1);
	assert_int_equal(errno, EPERM);
	assert_non_null(strstr(err, "belongs to user 65534"));
	unlink(link);
	unlink(path);
	rmdir(dir);
}

static void test_run_dir(void **state)
{
	(void)state;
	char run[128], out[256], err[512];
	setup_dir();
	snprintf(run, sizeof run, "%s/run", dir);
	setenv(RECLIVE_DIR_ENV, run, 1);
	assert_int_equal(reclive_dir(out, sizeof out, false, err, sizeof err), -1); /* not there, not made */
	assert_int_equal(reclive_dir(out, sizeof out, true, err, sizeof err), 0);
	assert_string_equal(out, run);
	struct stat st;
	assert_int_equal(stat(run, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	/* Open to others: refused, with why. */
	assert_int_equal(chmod(run, 0755), 0);
	assert_int_equal(reclive_dir(out, sizeof out, true, err, sizeof err), -1);
	assert_non_null(strstr(err, "open to other users"));
	rmdir(run);
	/* A link in its place: refused. */
	assert_int_equal(symlink("/tmp", run), 0);
	assert_int_equal(reclive_dir(out, sizeof out, true, err, sizeof err), -1);
	assert_non_null(strstr(err, "not a directory"));
	unlink(run);
	rmdir(dir);
	unsetenv(RECLIVE_DIR_ENV);
}

/* What the control's hook was asked. */
typedef struct asked {
	char labels[8][MARKERS_LABEL_MAX + 1];
	char from[8][32];
	int n;
	bool closed;
} asked;

static bool hook(void *ctx, const char *label, const char *from, char *given)
{
	asked *a = ctx;
	if (a->closed)
		return false;
	snprintf(a->labels[a->n], sizeof a->labels[0], "%s", label);
	snprintf(a->from[a->n], sizeof a->from[0], "%s", from);
	snprintf(given, MARKERS_LABEL_MAX + 1, "%s", label[0] ? label : "M1");
	a->n++;
	return true;
}

/* Serves the control until the hook has been asked n times (bounded). */
static void serve_until(control *c, asked *a, int n)
{
	for (int k = 0; k < 500 && a->n < n; k++) {
		struct pollfd p[2 + CONTROL_MAX_CLIENTS];
		int np = control_pollfds(c, p, 2 + CONTROL_MAX_CLIENTS);
		if (poll(p, (nfds_t)np, 20) > 0)
			control_serve(c, p, np);
	}
}

/* A client's request answered by the control served here. */
typedef struct exchange {
	control *c;
	int fd;
	const char *request;
	char reply[RECLIVE_LINE_MAX];
} exchange;

static void ask(exchange *x)
{
	char line[256];
	int n = snprintf(line, sizeof line, "%s\n", x->request);
	assert_int_equal(send(x->fd, line, (size_t)n, MSG_NOSIGNAL), n);
	size_t got = 0;
	for (int k = 0; k < 500 && !memmem(x->reply, got, "\n\n", 2); k++) {
		struct pollfd p[2 + CONTROL_MAX_CLIENTS];
		int np = control_pollfds(x->c, p, 2 + CONTROL_MAX_CLIENTS);
		if (poll(p, (nfds_t)np, 20) > 0)
			control_serve(x->c, p, np);
		ssize_t r = recv(x->fd, x->reply + got, sizeof x->reply - 1 - got, MSG_DONTWAIT);
		if (r > 0)
			got += (size_t)r;
	}
	x->reply[got] = '\0';
}

static void test_control(void **state)
{
	(void)state;
	char run[128], err[512];
	setup_dir();
	snprintf(run, sizeof run, "%s/run", dir);
	setenv(RECLIVE_DIR_ENV, run, 1);
	asked a = { 0 };
	reclive_info in = { .pid = getpid(), .started_ns = mtime_wall_ns(), .interval_ns = 50000000 };
	snprintf(in.csv, sizeof in.csv, "%s/rec.csv", dir);
	snprintf(in.log, sizeof in.log, "%s/rec.log", dir);
	snprintf(in.target, sizeof in.target, "run: job");
	close(open(in.csv, O_WRONLY | O_CREAT, 0600));
	control_hooks hooks = { .ctx = &a, .mark = hook };
	control *c = control_open(&in, true, &hooks, err, sizeof err);
	assert_non_null(c);
	assert_string_equal(control_fifo(c), in.mark);
	/* Found by its CSV, by memlog's pid, and as the only one. */
	reclive_info found;
	assert_int_equal(reclive_find(in.csv, &found, err, sizeof err), 0);
	assert_string_equal(found.sock, in.sock);
	char pid[16];
	snprintf(pid, sizeof pid, "%d", (int)getpid());
	assert_int_equal(reclive_find(pid, &found, err, sizeof err), 0);
	assert_int_equal(reclive_find(NULL, &found, err, sizeof err), 0);
	assert_int_equal(reclive_find("999999999", &found, err, sizeof err), -1);
	assert_non_null(strstr(err, "no recording of yours is running in memlog pid 999999999"));

	exchange x = { .c = c, .fd = reclive_connect(in.sock, err, sizeof err) };
	assert_true(x.fd >= 0);
	x.request = "info";
	ask(&x);
	assert_int_equal(strncmp(x.reply, "ok\n", 3), 0);
	assert_non_null(strstr(x.reply, "\ntarget run: job\n"));
	x.request = "mark epoch 3";
	ask(&x);
	assert_string_equal(x.reply, "ok epoch 3\n\n");
	x.request = "mark";
	ask(&x);
	assert_string_equal(x.reply, "ok M1\n\n");
	x.request = "frobnicate";
	ask(&x);
	assert_int_equal(strncmp(x.reply, "error unknown request \"frobnicate\"", 34), 0);
	assert_int_equal(a.n, 2);
	assert_string_equal(a.labels[0], "epoch 3");
	assert_string_equal(a.from[0], "memlog mark");
	assert_string_equal(a.labels[1], "");

	/* The FIFO: a line a marker; the last one counts without its newline. */
	int w = open(in.mark, O_WRONLY | O_NONBLOCK);
	assert_true(w >= 0);
	assert_int_equal(write(w, "one\ntwo\nthree", 13), 13);
	close(w);
	serve_until(c, &a, 5);
	assert_int_equal(a.n, 5);
	assert_string_equal(a.labels[2], "one");
	assert_string_equal(a.labels[4], "three");
	assert_string_equal(a.from[4], "$MEMLOG_MARK");
	/* Opened again after its writer left: a second writer is read too. */
	w = open(in.mark, O_WRONLY | O_NONBLOCK);
	assert_true(w >= 0);
	assert_int_equal(write(w, "four\n", 5), 5);
	serve_until(c, &a, 6);
	close(w);
	assert_string_equal(a.labels[5], "four");

	/* A viewer is counted, marks as one, and is told of the end. */
	x.request = "attach";
	ask(&x);
	assert_int_equal(strncmp(x.reply, "ok\n", 3), 0);
	assert_int_equal(control_viewers(c), 1);
	x.request = "mark M7";
	ask(&x);
	assert_string_equal(a.from[6], "an attached view");
	/* A detach: the state says the new pid. */
	control_moved(c, 4242);
	reclive_info moved;
	char beside[160];
	snprintf(beside, sizeof beside, "%s/rec.live", dir);
	assert_int_equal(reclive_read(beside, &moved, err, sizeof err), 0);
	assert_int_equal(moved.pid, 4242);
	control_close(c, "the command ended");
	char end[256];
	ssize_t r = recv(x.fd, end, sizeof end - 1, 0);
	assert_true(r > 0);
	end[r] = '\0';
	assert_string_equal(end, "ended the command ended\n\n");
	assert_int_equal(recv(x.fd, end, sizeof end, 0), 0);
	close(x.fd);
	/* Nothing is left: not beside the CSV, not in the run directory. */
	assert_int_equal(access(beside, F_OK), -1);
	assert_int_equal(access(in.sock, F_OK), -1);
	assert_int_equal(access(in.mark, F_OK), -1);
	assert_int_equal(reclive_find(NULL, &found, err, sizeof err), -1);
	assert_string_equal(err, "no recording of yours is running");
	assert_int_equal(rmdir(run), 0);
	unlink(in.csv);
	rmdir(dir);
	unsetenv(RECLIVE_DIR_ENV);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_state_file),
		cmocka_unit_test(test_run_dir),
		cmocka_unit_test(test_control),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
