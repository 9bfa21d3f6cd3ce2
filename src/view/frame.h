/* frame.h: one snapshot of the recording for one frame of the view, taken
 * before drawing so that no lock is held while the view draws, and the
 * series is locked once a frame, not once a figure. */
#ifndef MEMLOG_FRAME_H
#define MEMLOG_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/phases.h"
#include "model/logbook.h"
#include "model/markers.h"
#include "model/procset.h"
#include "model/sample.h"
#include "model/series.h"

/* The most phases a frame shows (it takes every marker). */
#define FRAME_MAX_PHASES 64
/* The most processes a frame lists (the largest first). */
#define FRAME_MAX_PROCS 64

/* What the view wants in a frame, decided from the series' heads. */
typedef struct frame_plan {
	int64_t t0_ns, t1_ns; /* the window of elapsed time drawn */
	size_t nslices;       /* slices of it (one per dot column) */
	int col;              /* the series shown */
	int col2;             /* a second column of the same recording drawn as a line, or -1 */
	bool other;           /* the second recording's col drawn as a line */
	int64_t at_ns;        /* the readout: values at or before this time (-1: none) */
	int64_t reach_ns;     /* ... within this much */
	bool phases;          /* the phases of col over the whole recording */
	bool procs;           /* the processes at at_ns (the newest sample when at_ns is -1) */
	size_t proc_id;       /* a process whose curve (held) is drawn as the line, or 0 */
} frame_plan;

/* The most recordings beyond the second a frame windows (chart.h's
 * CHART_MAX_EXTRA). */
#define FRAME_MAX_EXTRA 14

/* Fills the plan from the heads (other is NULL with one recording). */
typedef void (*frame_planner)(void *ctx, const series_head *main, const series_head *other, frame_plan *plan);

/* Where frames are taken from. */
typedef struct frame_source {
	series *ser;     /* the recording */
	series *other;   /* a second one, overlaid (replay of two), or NULL */
	markers *marks;
	logbook *lb;
	procset *procs;  /* the recording per process, or NULL */
	series *const *extra; /* with other: more, each a line (a job across hosts) */
	int nextra;           /* ... how many (at most FRAME_MAX_EXTRA) */
} frame_source;

typedef struct frame {
	int64_t now_ns;          /* monotonic: when the view's messages expire */
	frame_plan plan;         /* what it was taken for */
	series_head main;
	series_head other;       /* has_other: the second recording's head */
	bool has_other;
	/* plan.nslices slices of [t0, t1): col, and col2 or the other recording's
	 * col (min2 NULL when neither); a gap narrower than the interval holds
	 * the level before it (chart_hold). */
	int64_t *min, *max, *min2, *max2;
	int64_t *xmin[FRAME_MAX_EXTRA], *xmax[FRAME_MAX_EXTRA]; /* plan.other: the extra recordings' col */
	int nextra;
	size_t xcap;             /* room in each of xmin, xmax */
	int64_t at[SAMPLE_NCOLS]; /* the readout: largest value of each column in (at - reach, at] */
	markers_item *marks;     /* every one, in the order they were taken */
	size_t nmarks;
	size_t marks_cap;        /* room in marks */
	markers *marks_src;      /* whose they are */
	logbook *lb;             /* read through logbook_get; owned by the main thread */
	const phase *phases;     /* of plan.col over the whole recording (plan.phases) */
	long nphases;
	bool child_running;      /* run mode, and the command still runs */
	bool has_procs;          /* the source has a recording per process */
	procset_item *procs;     /* plan.procs: the processes at procs_at_ns, largest held first */
	size_t nprocs;           /* ... listed (at most FRAME_MAX_PROCS) */
	size_t nprocs_all;       /* ... running then */
	int64_t procs_at_ns;     /* the time they are listed at */
	int64_t procs_since_ns;  /* their "before": the start of the phase at procs_at_ns (or 0) */
	bool proc_line;          /* min2/max2 hold plan.proc_id's curve */
	int32_t utc_offset_s;    /* local time labels: seconds east of UTC */

	/* kept between frames */
	size_t cap;
	phase phase_buf[FRAME_MAX_PHASES];
	long phase_n;
	size_t phase_count;      /* series_count they were found for */
	int phase_col;
	int64_t phase_at_ns, phase_cost_ns;
} frame;

/* An empty frame; NULL when out of memory. */
frame *frame_new(void);
void frame_free(frame *f);

/* Takes the next frame at now_ns: the heads, the windows and the readout the
 * planner asks for (the series locked once), the markers, and, when planned,
 * the phases of the shown column on every sample the series holds, the same
 * samples `memlog report` reads (found again when the recording grew, at most
 * once a second or so, and never more than a twentieth of the time).
 * Returns 0, or -1 when out of memory (the frame then shows no curve). */
int frame_take(frame *f, const frame_source *src, int64_t now_ns, frame_planner plan, void *ctx);

#endif
