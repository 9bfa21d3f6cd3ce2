/* chart.h: the memory-over-time chart as a pure function of its inputs. */
#ifndef MEMLOG_CHART_H
#define MEMLOG_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "view/canvas.h"

/* Columns taken by the y axis labels, left of the plot. */
#define CHART_YAXIS_W 9

/* The most series beyond the second a chart draws. */
#define CHART_MAX_EXTRA 14

/* The smallest rectangle chart_draw draws a chart into (a plot of 10 columns
 * and 3 rows over the x axis); anything smaller gets a one-line notice. */
#define CHART_MIN_W (CHART_YAXIS_W + 10)
#define CHART_MIN_H 4

typedef struct chart_marker {
	int64_t t_ns;      /* elapsed time of the marker */
	const char *label; /* any text (from a recording too): drawn through logtext */
} chart_marker;

typedef struct chart_input {
	int64_t t0_ns, t1_ns;      /* the visible window of elapsed time, t0 < t1 */
	size_t nslices;            /* = chart_slices(w, utf8) for the w passed to chart_draw */
	const int64_t *min, *max;  /* main series per slice of [t0, t1); SAMPLE_NONE (-1) = no data */
	const int64_t *min2, *max2;/* second series drawn as a line, or NULL */
	const char *name, *name2;  /* legend, e.g. "rss", "sys_used" (name2 NULL when none); any text */
	/* More series drawn as lines (the third recording on, of a job across
	 * hosts), each in the next of four colours; in ASCII each its digit or
	 * letter ('3' for the third, ... 'g' for the sixteenth). */
	const int64_t *const *xmin, *const *xmax;
	const char *const *xnames;
	int nextra;
	const chart_marker *markers;
	size_t nmarkers;
	int64_t cursor_ns;         /* elapsed time of the cursor, or -1 for none */
	bool utf8;                 /* braille dots (2x4 per cell) and box lines; else ASCII */
	bool wall_clock;           /* x labels as wall-clock time instead of elapsed */
	int64_t wall_at_zero_ns;   /* wall time (ns since the epoch) at elapsed 0 */
	int32_t utc_offset_s;      /* added to wall time for the labels (local time) */
	int64_t limit;             /* bytes: the memory limit, a dashed row labelled at the right
	                            * (the axis reaches it when it is within twice the
	                            * window's top); <= 0 for none */
} chart_input;

/* How many time slices chart_draw wants for a chart w cells wide: one per
 * dot column of the plot (two per cell with braille, one in ASCII). */
size_t chart_slices(int w, bool utf8);

/* Draws the chart into the w x h rectangle at x, y of cv: y axis with IEC
 * units and nice ticks (0 at the bottom, the top scaled to the largest value
 * of either series in the window), the filled area of the main series with
 * each column covering its slice's min..max, the second series as a line,
 * markers as vertical lines with their labels, the cursor, and an x axis
 * with time labels on the bottom row. Below a minimum size it draws nothing
 * but a short notice. Pure: same inputs, same cells. */
void chart_draw(canvas *cv, int x, int y, int w, int h, const chart_input *in);

/* Memory does not vanish between two samples: a slice (of n, min/max as
 * chart_input has them) that holds no sample takes the level of the last
 * slice before it that does. Only gaps between samples are filled, not the
 * slices after the newest. */
void chart_hold(int64_t *min, int64_t *max, size_t n);

/* The y value at the top of the axis chosen for a largest value of peak
 * bytes (a "nice" number in IEC terms, >= peak); exposed so the ui can tell
 * when the scale changes. */
int64_t chart_nice_top(int64_t peak);

#endif
