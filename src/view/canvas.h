/* canvas.h: an off-screen grid of character cells that the chart and the log
 * panes draw into; the ui copies it to the terminal, tests dump it as text. */
#ifndef MEMLOG_CANVAS_H
#define MEMLOG_CANVAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a cell means; the ui maps each to a colour pair (or to nothing under NO_COLOR). */
enum canvas_color {
	CANVAS_DEFAULT,
	CANVAS_AREA,     /* the filled area of the main series */
	CANVAS_PEAK,     /* the min..max band of a column (spikes) */
	CANVAS_LINE2,    /* the overlaid second series */
	CANVAS_AXIS,     /* axes, ticks and their labels */
	CANVAS_MARKER,   /* marker lines and labels */
	CANVAS_CURSOR,   /* the time cursor */
	CANVAS_HEADER,   /* header and footer bars */
	CANVAS_DIM,      /* stamps and secondary text */
	CANVAS_ESCAPE,   /* visible escapes of control bytes from logs (^[) */
	CANVAS_MATCH,    /* search matches */
	CANVAS_WARN,     /* errors, "terminal too small" */
	CANVAS_LINE3,    /* more recordings overlaid (a job across hosts): these */
	CANVAS_LINE4,    /* four colours, in turn */
	CANVAS_LINE5,
	CANVAS_LINE6,
	CANVAS_NCOLORS
};

/* Attributes, or-ed. */
#define CANVAS_BOLD 1u
#define CANVAS_REVERSE 2u
#define CANVAS_UNDERLINE 4u

typedef struct canvas_cell {
	uint32_t ch;     /* Unicode code point; 0 = right half of a wide character */
	uint8_t color;   /* enum canvas_color */
	uint8_t attr;    /* CANVAS_BOLD | ... */
} canvas_cell;

typedef struct canvas {
	int w, h;
	canvas_cell *cells; /* h rows of w cells */
} canvas;

/* A blank canvas of w x h cells (0 x 0 allowed); NULL when out of memory. */
canvas *canvas_new(int w, int h);
void canvas_free(canvas *c);

/* Changes the size and blanks every cell; returns 0, or -1 when out of memory. */
int canvas_resize(canvas *c, int w, int h);

/* Blanks every cell (space, default colour). */
void canvas_clear(canvas *c);

/* Blanks a rectangle, clipped to the canvas. */
void canvas_fill(canvas *c, int x, int y, int w, int h, uint32_t ch, uint8_t color, uint8_t attr);

/* Sets one cell; ignored outside the canvas. */
void canvas_put(canvas *c, int x, int y, uint32_t ch, uint8_t color, uint8_t attr);

/* The cell at x, y (NULL outside). */
const canvas_cell *canvas_at(const canvas *c, int x, int y);

/* Writes trusted text (memlog's own: labels, numbers, UTF-8 or ASCII) from
 * x, y, at most maxw columns, clipped to the canvas. Returns the columns used.
 * Never use it for log lines: see logtext_draw. */
int canvas_text(canvas *c, int x, int y, int maxw, const char *utf8, uint8_t color, uint8_t attr);

/* Columns canvas_text would take for the text with no limit. */
int canvas_text_width(const char *utf8);

/* The canvas as UTF-8 text, one line a row, trailing spaces kept, each row
 * ending in '\n'; for tests and golden files. The caller frees it. */
char *canvas_dump(const canvas *c);

#endif
