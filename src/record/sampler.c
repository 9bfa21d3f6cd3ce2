/*
 * sampler.c: the one extra thread. It ticks on absolute CLOCK_MONOTONIC
 * deadlines, reads the probe, appends to the series and writes the CSV. A
 * late tick is skipped rather than caught up in a burst, and the time a
 * sample was really taken is what gets recorded. Marker requests wake it
 * through a condition variable on the monotonic clock.
 */
#include "record/sampler.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/mtime.h"

/* Marker labels waiting at most (beyond, they are counted as dropped), and
 * the most one probe reading serves: labels that wait together are rows of
 * the same sample, so a burst of markers costs one reading, not one each. */
#define SAMPLER_MAX_PENDING 65536
#define SAMPLER_BATCH 1024

struct sampler {
	sampler_config cfg;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop_requested;
	enum sampler_end end;
	char error[512];
	sampler_stats stats;
	/* marker labels waiting to be sampled: a ring, oldest at head */
	char **pending;
	size_t head, npending, cap;
	int64_t oom_first; /* the probe's OOM kill count at its first reading; -1 before one */
	int64_t oom_logged;/* kills of the target read from the kernel log */
	int64_t oom_marked;/* kills marked so far (one count may know of a kill before the other) */
	uint64_t exits_seen; /* the probe's exits when the kernel log was read last */
	int64_t kmsg_ns;     /* ... and when (monotonic) */
};

/* The process rows due at this sample, to REC.procs.csv. A failure there
 * stops those rows only: the recording itself goes on. */
static void sampler_procs(sampler *s, const sample *smp)
{
	const procrow *procs, *rows;
	char err[512];
	if (!s->cfg.procs_csv || !s->cfg.thin || s->stats.procs_failed)
		return;
	size_t n = probe_procs(s->cfg.probe, &procs);
	size_t nrows = procthin_sample(s->cfg.thin, smp->elapsed_ns, smp->wall_ns, procs, n, &rows);
	int rc = 0;
	if (nrows == (size_t)-1) {
		snprintf(err, sizeof err, "per-process rows: out of memory");
		rc = -1;
	} else if (nrows > 0) {
		rc = reccsv_write_procs(s->cfg.procs_csv, rows, nrows, err, sizeof err);
		/* Out of memory in the view's copy loses rows there, not in the file. */
		for (size_t i = 0; s->cfg.procs && i < nrows; i++)
			procset_add(s->cfg.procs, &rows[i]);
	}
	pthread_mutex_lock(&s->lock);
	if (rc < 0) {
		s->stats.procs_failed = true;
		snprintf(s->stats.procs_error, sizeof s->stats.procs_error, "%.255s", err);
	} else {
		s->stats.proc_rows += nrows;
	}
	pthread_mutex_unlock(&s->lock);
}

/* Whether the OOM killer killed since the last sample, by the cgroup's count
 * or by the kernel log (read after the probe: a victim dead by then was
 * logged before it died). The kernel log's kills of the target are kept for
 * the main thread to name. The log is read when it may hold one: a process
 * left, the count moved, the whole machine is watched, or a second passed. */
static bool sampler_oom(sampler *s, int64_t now_ns)
{
	int64_t ooms = probe_oom_kills(s->cfg.probe);
	if (ooms >= 0 && s->oom_first < 0)
		s->oom_first = ooms;
	uint64_t exits = probe_exits(s->cfg.probe);
	bool machine = probe_is_target(s->cfg.probe, -1, NULL); /* every kill is the machine's */
	bool look = s->cfg.kmsg && (exits != s->exits_seen || (ooms >= 0 && ooms - s->oom_first > s->oom_marked) ||
	                            machine || now_ns - s->kmsg_ns >= NS_PER_S);
	if (look) {
		s->exits_seen = exits;
		s->kmsg_ns = now_ns;
	}
	kmsg_kill kills[8];
	size_t n;
	while (look && (n = kmsg_read(s->cfg.kmsg, kills, 8)) > 0)
		for (size_t i = 0; i < n; i++)
			if (probe_is_target(s->cfg.probe, kills[i].pid, kills[i].task_memcg)) {
				kmsg_keep(s->cfg.kmsg, &kills[i]);
				s->oom_logged++;
			}
	int64_t known = ooms >= 0 ? ooms - s->oom_first : 0;
	if (s->oom_logged > known)
		known = s->oom_logged;
	bool fired = known > s->oom_marked;
	s->oom_marked = known;
	return fired;
}

/* Records the error of a reading or a write for the main thread. */
static void sampler_failed(sampler *s, const char *err)
{
	pthread_mutex_lock(&s->lock);
	snprintf(s->error, sizeof s->error, "%s", err);
	pthread_mutex_unlock(&s->lock);
}

/* Takes one sample now and records it as a row for each of the n labels
 * (one unlabelled row when n is 0): marker rows of one reading share its
 * time. Returns the probe's process count, or -1 on an error (left in
 * s->error). */
static int sampler_take(sampler *s, char *const *labels, size_t n)
{
	sample smp;
	char err[512];
	/* Both clocks at once, before the probe: time and elapsed_s of a row
	 * then agree whatever the probe costs. */
	int64_t now_ns = mtime_mono_ns();
	int64_t wall_ns = mtime_wall_ns();
	sample_clear(&smp);
	int procs = probe_read(s->cfg.probe, now_ns, &smp, err, sizeof err);
	if (procs < 0)
		goto fail;
	/* The OOM killer fired since the last sample: this one is marked. */
	const char *oom = sampler_oom(s, now_ns) && n == 0 ? SAMPLER_OOM_LABEL : NULL;
	smp.elapsed_ns = now_ns - s->cfg.start_mono_ns;
	smp.wall_ns = wall_ns;
	sampler_procs(s, &smp);
	for (size_t i = 0; i < (n ? n : 1); i++) {
		const char *marker = n ? labels[i] : oom;
		series_append(s->cfg.series, &smp);
		if (marker && s->cfg.marks)
			markers_add(s->cfg.marks, smp.elapsed_ns, marker);
		if (reccsv_write(s->cfg.csv, &smp, marker, err, sizeof err) < 0)
			goto fail;
	}
	pthread_mutex_lock(&s->lock);
	s->stats.samples += n ? n : 1;
	s->stats.oom_kills = (uint64_t)s->oom_marked;
	pthread_mutex_unlock(&s->lock);
	return procs;
fail:
	sampler_failed(s, err);
	return -1;
}

/* Pushes REC.procs.csv's rows to the disk, as the recording's. */
static void sampler_flush_procs(sampler *s)
{
	char err[512];
	if (!s->cfg.procs_csv || s->stats.procs_failed || reccsv_flush(s->cfg.procs_csv, err, sizeof err) == 0)
		return;
	pthread_mutex_lock(&s->lock);
	s->stats.procs_failed = true;
	snprintf(s->stats.procs_error, sizeof s->stats.procs_error, "%.255s", err);
	pthread_mutex_unlock(&s->lock);
}

/* Records why the thread ended and tells the main loop. */
static void sampler_finish(sampler *s, enum sampler_end why)
{
	pthread_mutex_lock(&s->lock);
	if (s->end == SAMPLER_RUNNING)
		s->end = why;
	pthread_mutex_unlock(&s->lock);
	if (s->cfg.notify_fd >= 0 && why != SAMPLER_STOPPED) {
		char byte = 's';
		ssize_t w;
		do
			w = write(s->cfg.notify_fd, &byte, 1);
		while (w < 0 && errno == EINTR);
	}
}

/* Converts ns on CLOCK_MONOTONIC to a timespec for pthread_cond_timedwait. */
static struct timespec sampler_timespec(int64_t ns)
{
	struct timespec ts = { .tv_sec = ns / NS_PER_S, .tv_nsec = ns % NS_PER_S };
	return ts;
}

/* The thread: wait for the next deadline or a marker, sample, repeat. */
static void *sampler_main(void *arg)
{
	sampler *s = arg;
	int64_t interval = s->cfg.interval_ns;
	int64_t flush_every;
	/* Tick k is due at start + k * interval, so lateness and drift can be read off elapsed_s. */
	int64_t deadline = s->cfg.start_mono_ns;
	int64_t last_flush = deadline;
	char err[512];
	enum sampler_end why = SAMPLER_STOPPED;

	char **batch = malloc(SAMPLER_BATCH * sizeof *batch);
	if (!batch) {
		sampler_failed(s, "out of memory");
		why = SAMPLER_ERROR;
		goto end;
	}
	for (;;) {
		size_t nlabels = 0;
		bool stopping;

		pthread_mutex_lock(&s->lock);
		for (;;) {
			if (s->stop_requested || s->npending > 0)
				break;
			struct timespec ts = sampler_timespec(deadline);
			int rc = pthread_cond_timedwait(&s->wake, &s->lock, &ts);
			if (rc == ETIMEDOUT)
				break;
		}
		stopping = s->stop_requested;
		flush_every = s->cfg.flush_ns > 0 ? s->cfg.flush_ns : NS_PER_S;
		while (s->npending > 0 && nlabels < SAMPLER_BATCH) {
			batch[nlabels++] = s->pending[s->head];
			s->head = (s->head + 1) % s->cap;
			s->npending--;
		}
		pthread_mutex_unlock(&s->lock);

		int64_t now = mtime_mono_ns();
		/* A marker's sample at or past the deadline is the tick's too. */
		bool on_tick = now >= deadline;
		if (stopping && nlabels == 0)
			break;

		int n = sampler_take(s, batch, nlabels);
		for (size_t i = 0; i < nlabels; i++)
			free(batch[i]);
		if (n < 0) {
			why = SAMPLER_ERROR;
			break;
		}
		if (on_tick) {
			int64_t late = now - deadline;
			/* Ticks that passed while we were late are skipped, not made up. */
			int64_t missed = late / interval;
			pthread_mutex_lock(&s->lock);
			s->stats.ticks_taken++;
			s->stats.ticks_missed += (uint64_t)missed;
			if (late > s->stats.max_late_ns)
				s->stats.max_late_ns = late;
			pthread_mutex_unlock(&s->lock);
			deadline += (missed + 1) * interval;
		}
		if (now - last_flush >= flush_every || nlabels > 0) {
			sampler_flush_procs(s);
			if (reccsv_flush(s->cfg.csv, err, sizeof err) < 0) {
				sampler_failed(s, err);
				why = SAMPLER_ERROR;
				break;
			}
			last_flush = now;
		}
		if (s->cfg.stop_when_gone && n == 0) {
			why = SAMPLER_TARGET_GONE;
			break;
		}
		if (s->cfg.duration_ns > 0 && now - s->cfg.start_mono_ns >= s->cfg.duration_ns) {
			why = SAMPLER_DURATION;
			break;
		}
	}
	free(batch);
	if (why == SAMPLER_STOPPED) {
		/* The last sample shows the state at the end (often the drop at exit). */
		if (sampler_take(s, NULL, 0) < 0)
			why = SAMPLER_ERROR;
	}
end:
	sampler_flush_procs(s);
	if (why != SAMPLER_ERROR && reccsv_flush(s->cfg.csv, err, sizeof err) < 0) {
		sampler_failed(s, err);
		why = SAMPLER_ERROR;
	}
	pthread_mutex_lock(&s->lock);
	reccsv_writer_kept(s->cfg.csv, &s->stats.kept);
	pthread_mutex_unlock(&s->lock);
	sampler_finish(s, why);
	return NULL;
}

sampler *sampler_start(const sampler_config *cfg, char *err, size_t errlen)
{
	sampler *s = calloc(1, sizeof *s);
	pthread_condattr_t ca;
	sigset_t all, old;
	int rc;

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->cfg = *cfg;
	s->end = SAMPLER_RUNNING;
	s->oom_first = -1;
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &ca);
	pthread_condattr_destroy(&ca);

	/* The thread inherits this mask, so signals always reach the main thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&s->thread, NULL, sampler_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		snprintf(err, errlen, "cannot start the sampling thread: %s", strerror(rc));
		pthread_cond_destroy(&s->wake);
		pthread_mutex_destroy(&s->lock);
		free(s);
		return NULL;
	}
	return s;
}

void sampler_mark(sampler *s, const char *label)
{
	char clean[MARKERS_LABEL_MAX + 1];
	markers_label(label ? label : "", label ? strlen(label) : 0, clean);
	char *copy = strdup(clean);
	pthread_mutex_lock(&s->lock);
	if (s->npending == s->cap && s->cap < SAMPLER_MAX_PENDING) {
		/* Grown in place: the ring's wrapped part moves to the new room. */
		size_t cap = s->cap ? s->cap * 2 : 64;
		char **grown = realloc(s->pending, cap * sizeof *grown);
		if (grown) {
			for (size_t i = 0; i < s->head; i++)
				grown[s->cap + i] = grown[i];
			if (s->npending == 0)
				s->head = 0;
			s->pending = grown;
			s->cap = cap;
		}
	}
	if (copy && s->npending < s->cap) {
		s->pending[(s->head + s->npending) % s->cap] = copy;
		s->npending++;
		copy = NULL;
	} else {
		s->stats.marks_dropped++;
	}
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	free(copy);
}

void sampler_set_flush(sampler *s, int64_t flush_ns)
{
	pthread_mutex_lock(&s->lock);
	s->cfg.flush_ns = flush_ns;
	pthread_mutex_unlock(&s->lock);
}

enum sampler_end sampler_state(sampler *s)
{
	pthread_mutex_lock(&s->lock);
	enum sampler_end e = s->end;
	pthread_mutex_unlock(&s->lock);
	return e;
}

void sampler_error(sampler *s, char *buf, size_t buflen)
{
	pthread_mutex_lock(&s->lock);
	snprintf(buf, buflen, "%s", s->error);
	pthread_mutex_unlock(&s->lock);
}

void sampler_get_stats(sampler *s, sampler_stats *out)
{
	pthread_mutex_lock(&s->lock);
	*out = s->stats;
	pthread_mutex_unlock(&s->lock);
}

void sampler_stop(sampler *s, sampler_stats *final_stats)
{
	pthread_mutex_lock(&s->lock);
	s->stop_requested = true;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	if (final_stats)
		*final_stats = s->stats;
	for (size_t i = 0; i < s->npending; i++)
		free(s->pending[(s->head + i) % s->cap]);
	free(s->pending);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
