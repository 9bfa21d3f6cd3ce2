/* test_metrics.c: samples as Prometheus metrics: which format an Accept
 * header asks for, the scrape's page in both formats (names, units,
 * counters' families, label values escaped and made UTF-8, unmeasured
 * columns left out), the export (a family's samples together, at their
 * times, one a millisecond, # EOF), and the job label. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recording/recmetrics.h"

static void test_accept(void **state)
{
	(void)state;
	assert_int_equal(recmetrics_accept(NULL), RECMETRICS_TEXT);
	assert_int_equal(recmetrics_accept("text/plain;version=0.0.4"), RECMETRICS_TEXT);
	assert_int_equal(recmetrics_accept("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
	                                   "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"),
	                 RECMETRICS_OPENMETRICS);
	assert_int_equal(recmetrics_accept("application/openmetrics-text;q=0, text/plain"), RECMETRICS_TEXT);
	assert_int_equal(recmetrics_accept("text/plain;q=0.5, Application/OpenMetrics-Text"), RECMETRICS_OPENMETRICS);
}

static void test_live_page(void **state)
{
	(void)state;
	recmetrics_live m = { .have_sample = true, .samples = 12, .ticks_missed = 1, .markers = 3, .oom_kills = 0,
	                      .start_wall_ns = INT64_C(1796180000123000000) };
	sample_clear(&m.last);
	m.last.v[SAMPLE_MEM] = 1048576;
	m.last.v[SAMPLE_PROCS] = 2;
	recmetrics_labels l = { .job = "a \"quoted\\\" job\nwith a newline \xff", .host = "node1" };
	char buf[8192];
	size_t n = recmetrics_live_format(&m, &l, RECMETRICS_TEXT, buf, sizeof buf);
	assert_int_equal(n, strlen(buf));
	assert_non_null(strstr(buf, "# HELP memlog_mem_bytes "));
	assert_non_null(strstr(buf, "# TYPE memlog_mem_bytes gauge\nmemlog_mem_bytes{job=\"a \\\"quoted\\\\\\\" job\\nwith "
	                            "a newline ?\",host=\"node1\"} 1048576\n"));
	assert_non_null(strstr(buf, "\nmemlog_processes{"));
	assert_null(strstr(buf, "memlog_rss_bytes")); /* not measured: no sample, no family */
	assert_non_null(strstr(buf, "# TYPE memlog_samples_total counter\nmemlog_samples_total{"));
	assert_non_null(strstr(buf, "} 12\n"));
	assert_non_null(strstr(buf, "memlog_start_time_seconds{job="));
	assert_non_null(strstr(buf, "} 1796180000.123\n"));
	assert_null(strstr(buf, "# EOF"));
	assert_null(strstr(buf, "# UNIT"));
	/* What it needs, when the buffer is short; nothing past it written. */
	char small[16];
	assert_int_equal(recmetrics_live_format(&m, &l, RECMETRICS_TEXT, small, sizeof small), n);
	assert_int_equal(strlen(small), sizeof small - 1);
	n = recmetrics_live_format(&m, &l, RECMETRICS_OPENMETRICS, buf, sizeof buf);
	assert_non_null(strstr(buf, "# TYPE memlog_samples counter\n"));
	assert_non_null(strstr(buf, "# UNIT memlog_mem_bytes bytes\n"));
	assert_non_null(strstr(buf, "\nmemlog_samples_total{"));
	assert_string_equal(buf + n - 6, "# EOF\n");
	/* Before the first sample: the counters only. */
	m.have_sample = false;
	recmetrics_live_format(&m, &l, RECMETRICS_TEXT, buf, sizeof buf);
	assert_null(strstr(buf, "memlog_mem_bytes"));
	assert_non_null(strstr(buf, "memlog_markers_total"));
}

static void test_export(void **state)
{
	(void)state;
	recmetrics_row rows[3];
	for (int i = 0; i < 3; i++) {
		sample_clear(&rows[i].s);
		rows[i].s.v[SAMPLE_MEM] = 100 * (i + 1);
		rows[i].markers = (uint64_t)i;
		rows[i].oom_kills = 0;
	}
	rows[0].s.wall_ns = INT64_C(1796180000000000000);
	rows[1].s.wall_ns = INT64_C(1796180000000400000); /* the same millisecond: one sample */
	rows[2].s.wall_ns = INT64_C(1796180000250000000);
	recmetrics_labels l = { .job = "j", .host = "h" };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_int_equal(recmetrics_export(f, rows, 3, &l), 0);
	fclose(f);
	assert_non_null(strstr(text, "# TYPE memlog_mem_bytes gauge\n# UNIT memlog_mem_bytes bytes\n"
	                             "memlog_mem_bytes{job=\"j\",host=\"h\"} 100 1796180000.000\n"
	                             "memlog_mem_bytes{job=\"j\",host=\"h\"} 300 1796180000.250\n#"));
	assert_non_null(strstr(text, "memlog_markers_total{job=\"j\",host=\"h\"} 2 1796180000.250\n"));
	assert_non_null(strstr(text, "memlog_samples_total{job=\"j\",host=\"h\"} 3 1796180000.250\n"));
	assert_null(strstr(text, "ticks_missed")); /* a recording does not know */
	assert_string_equal(text + len - 6, "# EOF\n");
	free(text);
}

static void test_job_name(void **state)
{
	(void)state;
	char buf[64];
	char *py[] = { "/usr/bin/python3", "/home/me/train.py", "--epochs", "3", NULL };
	recmetrics_job_name(py, 0, NULL, buf, sizeof buf);
	assert_string_equal(buf, "python3 train.py");
	char *make[] = { "make", "-j2", NULL };
	recmetrics_job_name(make, 0, NULL, buf, sizeof buf);
	assert_string_equal(buf, "make");
	recmetrics_job_name(NULL, 42, NULL, buf, sizeof buf);
	assert_string_equal(buf, "pid 42");
	recmetrics_job_name(NULL, 0, "/sys/fs/cgroup/memory/myjob/", buf, sizeof buf);
	assert_string_equal(buf, "myjob");
	recmetrics_job_name(NULL, 0, NULL, buf, sizeof buf);
	assert_string_equal(buf, "machine");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accept),
		cmocka_unit_test(test_live_page),
		cmocka_unit_test(test_export),
		cmocka_unit_test(test_job_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
