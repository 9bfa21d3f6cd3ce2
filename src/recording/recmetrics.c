/* recmetrics.c: samples as Prometheus metrics (recmetrics.h). One writer
 * for both forms, a buffer (a scrape) or a FILE (an export); one table of
 * the gauges. */
#include "recording/recmetrics.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/mtime.h"
#include "base/utf8.h"

/* The gauges, one a sample column. */
static const struct recmetrics_gauge {
	int col;
	const char *name;
	const char *help;
} recmetrics_gauges[] = {
	{ SAMPLE_MEM, "memlog_mem_bytes", "Resident memory of the target, every page counted once." },
	{ SAMPLE_RSS, "memlog_rss_bytes", "Resident set size summed over the target's processes (a shared page once per process)." },
	{ SAMPLE_ANON, "memlog_anon_bytes", "Anonymous resident memory summed over the target's processes." },
	{ SAMPLE_FILE, "memlog_file_bytes", "File-backed resident memory summed over the target's processes." },
	{ SAMPLE_SHMEM, "memlog_shmem_bytes", "Shared-memory resident pages summed over the target's processes." },
	{ SAMPLE_SWAP, "memlog_swap_bytes", "Swap used by the target's processes." },
	{ SAMPLE_PSS, "memlog_pss_bytes", "Proportional set size summed over the target's processes." },
	{ SAMPLE_CGROUP, "memlog_cgroup_usage_bytes", "Memory charged to the target's cgroup." },
	{ SAMPLE_CACHE, "memlog_cache_bytes", "Page cache of files the target read and did not map." },
	{ SAMPLE_LIMIT, "memlog_limit_bytes", "The memory limit on the target's cgroup (the lowest of it and those above it)." },
	{ SAMPLE_SYS_USED, "memlog_machine_used_bytes", "Memory used on the machine (MemTotal - MemAvailable)." },
	{ SAMPLE_SYS_AVAIL, "memlog_machine_available_bytes", "Memory available on the machine (MemAvailable)." },
	{ SAMPLE_PROCS, "memlog_processes", "Processes in the target." },
};
#define RECMETRICS_NGAUGES (sizeof recmetrics_gauges / sizeof recmetrics_gauges[0])

/* Where text goes: a buffer (len counts what it would need) or a FILE. */
typedef struct out {
	char *buf;
	size_t cap, len;
	FILE *f;
	bool failed;
} out;

static void out_printf(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out_printf(out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (o->f) {
		if (vfprintf(o->f, fmt, ap) < 0)
			o->failed = true;
	} else {
		int k = vsnprintf(o->len < o->cap ? o->buf + o->len : NULL, o->len < o->cap ? o->cap - o->len : 0, fmt, ap);
		if (k > 0)
			o->len += (size_t)k;
	}
	va_end(ap);
}

/* A label value: valid UTF-8 (a bad byte is '?'), with \, " and newline
 * escaped, at most 200 bytes. */
static void out_label(out *o, const char *s)
{
	char v[1024];
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);
	for (size_t i = 0; i < len && n < 200;) {
		size_t adv;
		int32_t cp = utf8_decode(p + i, len - i, &adv);
		if (cp < 0) {
			v[n++] = '?';
		} else if (cp == '\\' || cp == '"') {
			v[n++] = '\\';
			v[n++] = (char)cp;
		} else if (cp == '\n') {
			v[n++] = '\\';
			v[n++] = 'n';
		} else if (cp < 0x20 || cp == 0x7f) {
			v[n++] = ' ';
		} else {
			memcpy(v + n, p + i, adv);
			n += adv;
		}
		i += adv;
	}
	v[n] = '\0';
	out_printf(o, "%s", v);
}

static void out_labels(out *o, const recmetrics_labels *l)
{
	out_printf(o, "{job=\"");
	out_label(o, l->job ? l->job : "");
	out_printf(o, "\",host=\"");
	out_label(o, l->host ? l->host : "");
	out_printf(o, "\"}");
}

/* HELP and TYPE of a family; OpenMetrics names a counter's family without
 * _total, and a unit's (bytes, seconds) by UNIT. */
static void out_family(out *o, enum recmetrics_format f, const char *name, const char *type, const char *help)
{
	char fam[96];
	size_t len = strlen(name);
	bool counter = strcmp(type, "counter") == 0;
	snprintf(fam, sizeof fam, "%.*s", (int)(f == RECMETRICS_OPENMETRICS && counter ? len - 6 : len), name);
	out_printf(o, "# HELP %s %s\n# TYPE %s %s\n", fam, help, fam, type);
	if (f == RECMETRICS_OPENMETRICS) {
		const char *unit = len > 6 && strcmp(name + len - 6, "_bytes") == 0 ? "bytes"
		                 : len > 8 && strcmp(name + len - 8, "_seconds") == 0 ? "seconds" : NULL;
		if (unit)
			out_printf(o, "# UNIT %s %s\n", fam, unit);
	}
}

/* A sample line; with a timestamp when at_ns is not 0 (milliseconds in
 * the text format, seconds in OpenMetrics). */
static void out_sample(out *o, enum recmetrics_format f, const char *name, const recmetrics_labels *l,
                       const char *value, int64_t at_ns)
{
	out_printf(o, "%s", name);
	out_labels(o, l);
	out_printf(o, " %s", value);
	if (at_ns && f == RECMETRICS_OPENMETRICS)
		out_printf(o, " %lld.%03lld", (long long)(at_ns / NS_PER_S), (long long)(at_ns % NS_PER_S / 1000000));
	else if (at_ns)
		out_printf(o, " %lld", (long long)(at_ns / 1000000));
	out_printf(o, "\n");
}

enum recmetrics_format recmetrics_accept(const char *accept)
{
	if (!accept)
		return RECMETRICS_TEXT;
	const char *p = strcasestr(accept, "application/openmetrics-text");
	if (!p)
		return RECMETRICS_TEXT;
	/* Its parameters, up to the next media range: q=0 refuses it. */
	size_t span = strcspn(p, ",");
	const char *q = strstr(p, "q=");
	if (q && (size_t)(q - p) < span && strtod(q + 2, NULL) <= 0)
		return RECMETRICS_TEXT;
	return RECMETRICS_OPENMETRICS;
}

static const struct recmetrics_counter {
	const char *name;
	const char *help;
} recmetrics_counters[] = {
	{ "memlog_samples_total", "Samples memlog took (rows of the recording)." },
	{ "memlog_ticks_missed_total", "Scheduled samples skipped because the sampler was late." },
	{ "memlog_markers_total", "Markers in the recording." },
	{ "memlog_oom_kills_total", "Processes of the target the OOM killer killed." },
};

size_t recmetrics_live_format(const recmetrics_live *m, const recmetrics_labels *l, enum recmetrics_format f,
                              char *buf, size_t n)
{
	out o = { .buf = buf, .cap = n };
	char v[32];
	if (n)
		buf[0] = '\0';
	for (size_t g = 0; g < RECMETRICS_NGAUGES; g++) {
		const struct recmetrics_gauge *gg = &recmetrics_gauges[g];
		if (!m->have_sample || m->last.v[gg->col] == SAMPLE_NONE)
			continue;
		out_family(&o, f, gg->name, "gauge", gg->help);
		snprintf(v, sizeof v, "%lld", (long long)m->last.v[gg->col]);
		out_sample(&o, f, gg->name, l, v, 0);
	}
	uint64_t counts[] = { m->samples, m->ticks_missed, m->markers, m->oom_kills };
	for (size_t c = 0; c < 4; c++) {
		out_family(&o, f, recmetrics_counters[c].name, "counter", recmetrics_counters[c].help);
		snprintf(v, sizeof v, "%llu", (unsigned long long)counts[c]);
		out_sample(&o, f, recmetrics_counters[c].name, l, v, 0);
	}
	out_family(&o, f, "memlog_start_time_seconds", "gauge", "When the recording started, in seconds since the epoch.");
	snprintf(v, sizeof v, "%lld.%03lld", (long long)(m->start_wall_ns / NS_PER_S),
	         (long long)(m->start_wall_ns % NS_PER_S / 1000000));
	out_sample(&o, f, "memlog_start_time_seconds", l, v, 0);
	if (f == RECMETRICS_OPENMETRICS)
		out_printf(&o, "# EOF\n");
	return o.len;
}

int recmetrics_write_file(const char *path, const recmetrics_live *m, const recmetrics_labels *l, char *err,
                          size_t errlen)
{
	char tmp[4200];
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
		snprintf(err, errlen, "--metrics-file: the path is too long");
		return -1;
	}
	size_t need = recmetrics_live_format(m, l, RECMETRICS_TEXT, NULL, 0);
	char *text = malloc(need + 1);
	if (!text) {
		snprintf(err, errlen, "--metrics-file: out of memory");
		return -1;
	}
	recmetrics_live_format(m, l, RECMETRICS_TEXT, text, need + 1);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 && errno == EEXIST) {
		/* Left by a crash (or planted): removed, never written through. */
		unlink(tmp);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	}
	ssize_t w = fd >= 0 ? write(fd, text, need) : -1;
	int e = errno;
	free(text);
	if (fd >= 0 && close(fd) != 0 && w == (ssize_t)need) {
		w = -1;
		e = errno;
	}
	if (w != (ssize_t)need || rename(tmp, path) != 0) {
		if (w == (ssize_t)need)
			e = errno;
		if (fd >= 0)
			unlink(tmp);
		snprintf(err, errlen, "--metrics-file %s: %s", fd < 0 ? tmp : path,
		         w >= 0 && w != (ssize_t)need ? "short write" : strerror(e));
		return -1;
	}
	return 0;
}

int recmetrics_export(FILE *f, const recmetrics_row *rows, size_t n, const recmetrics_labels *l)
{
	out o = { .f = f };
	char v[32];
	for (size_t g = 0; g < RECMETRICS_NGAUGES; g++) {
		const struct recmetrics_gauge *gg = &recmetrics_gauges[g];
		bool family = false;
		int64_t last_ms = -1;
		for (size_t i = 0; i < n && !o.failed; i++) {
			/* One sample a millisecond: OpenMetrics wants the times of a
			 * series to increase (two rows of one reading share theirs). */
			int64_t ms = rows[i].s.wall_ns / 1000000;
			if (rows[i].s.v[gg->col] == SAMPLE_NONE || ms <= last_ms)
				continue;
			if (!family)
				out_family(&o, RECMETRICS_OPENMETRICS, gg->name, "gauge", gg->help);
			family = true;
			last_ms = ms;
			snprintf(v, sizeof v, "%lld", (long long)rows[i].s.v[gg->col]);
			out_sample(&o, RECMETRICS_OPENMETRICS, gg->name, l, v, rows[i].s.wall_ns);
		}
	}
	for (size_t c = 0; c < 4; c++) {
		if (c == 1)
			continue; /* a recording does not say which ticks were missed */
		out_family(&o, RECMETRICS_OPENMETRICS, recmetrics_counters[c].name, "counter", recmetrics_counters[c].help);
		int64_t last_ms = -1;
		for (size_t i = 0; i < n && !o.failed; i++) {
			int64_t ms = rows[i].s.wall_ns / 1000000;
			if (ms <= last_ms)
				continue;
			last_ms = ms;
			uint64_t count = c == 0 ? i + 1 : c == 2 ? rows[i].markers : rows[i].oom_kills;
			snprintf(v, sizeof v, "%llu", (unsigned long long)count);
			out_sample(&o, RECMETRICS_OPENMETRICS, recmetrics_counters[c].name, l, v, rows[i].s.wall_ns);
		}
	}
	out_printf(&o, "# EOF\n");
	if (o.failed || fflush(f) != 0 || ferror(f)) {
		if (!errno)
			errno = EIO;
		return -1;
	}
	return 0;
}

/* The base name of path. */
static const char *recmetrics_base(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash && slash[1] ? slash + 1 : path;
}

void recmetrics_job_name(char *const *argv, long pid, const char *cgroup, char *buf, size_t n)
{
	if (argv && argv[0]) {
		const char *prog = recmetrics_base(argv[0]);
		/* An interpreter's job is its script: "python3 train.py". */
		if (argv[1] && argv[1][0] != '-')
			snprintf(buf, n, "%s %s", prog, recmetrics_base(argv[1]));
		else
			snprintf(buf, n, "%s", prog);
	} else if (pid > 0) {
		snprintf(buf, n, "pid %ld", pid);
	} else if (cgroup) {
		char copy[4096];
		snprintf(copy, sizeof copy, "%s", cgroup);
		size_t len = strlen(copy);
		while (len > 1 && copy[len - 1] == '/')
			copy[--len] = '\0';
		snprintf(buf, n, "%s", recmetrics_base(copy));
	} else {
		snprintf(buf, n, "machine");
	}
}
