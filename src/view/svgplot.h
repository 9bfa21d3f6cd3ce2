/* svgplot.h: a recording drawn as a static SVG picture. */
#ifndef MEMLOG_SVGPLOT_H
#define MEMLOG_SVGPLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "analysis/phases.h"
#include "model/markers.h"

typedef struct svgplot_series {
	const char *name;      /* legend text (from the recording: escaped on output) */
	size_t n;
	const int64_t *t_ns;   /* elapsed times */
	const int64_t *v;      /* bytes; negative = not measured */
} svgplot_series;

/* The most recordings a picture draws (a job across hosts). */
#define SVGPLOT_MAX_SERIES 16

/* The most layers a picture stacks (plot --by-process). */
#define SVGPLOT_MAX_LAYERS 8

typedef struct svgplot_input {
	const char *title;             /* escaped on output */
	svgplot_series series[SVGPLOT_MAX_SERIES]; /* one or two: the first filled, the second a
	                               * line; three or more: every one a line of its colour,
	                               * the legend in rows under the title */
	int nseries;
	const char *x_label;           /* the time axis's name (NULL: "elapsed time") */
	const markers_item *marks;
	size_t nmarks;
	const phase *phases;           /* of the first series */
	size_t nphases;
	int width, height;             /* pixels */
	/* plot --by-process: areas stacked from the bottom, in this order (the
	 * processes' shares over time); the first series is then drawn as a
	 * line over them. */
	svgplot_series layers[SVGPLOT_MAX_LAYERS];
	int nlayers;
	/* The memory limit recorded over time (the recording's limit column;
	 * v NULL or negative where none): a dashed red line, labelled, when it
	 * lies within twice the curve's top; above that, only its label. */
	svgplot_series limit;
} svgplot_input;

/* Writes the picture to f. Returns 0, or -1 on a write error or out of memory. */
int svgplot_write(FILE *f, const svgplot_input *in);

#endif
