/* chart.c: the memory chart drawn into a rectangle of a canvas, as a pure
 * function of its inputs: y axis with IEC ticks, the filled area of the main
 * series (braille 2x4 dots a cell, or ASCII), a second series as a line,
 * marker lines with labels, the cursor, and the x axis with time labels.
 *
 * Layout of the w x h rectangle: columns 0..7 hold the y labels, column 8 the
 * y axis, columns 9.. the plot; rows 0..h-2 the plot, row h-1 the x axis.
 * The y axis runs from 0 at the top edge of the x axis row to the nice top
 * at the top edge of row 0; a tick label sits on the row whose top edge is
 * nearest its value.
 *
 * Rules that are a matter of choice:
 * - Each dot column shows the area from 0 to its slice's min and the band
 *   from min to max; a band only one level tall (a dot, or half an ASCII
 *   cell) is drawn as area, so a gentle ramp does not light up as peaks.
 * - Colour is per cell. A cell holding any dot of the second series is
 *   CANVAS_LINE2; else one holding any dot of a min..max band is CANVAS_PEAK;
 *   else CANVAS_AREA. So a spike keeps its colour even when zoomed out.
 * - Any value above 0 shows at least one dot, so a small process is never
 *   an empty chart.
 * - ASCII: one slice a cell column, two levels a cell: '#' area, '.' area
 *   reaching only the lower half of the cell, ':' the min..max band, '*' the
 *   second series, '|' markers and cursor.
 * - Marker lines stand behind the data: below the top row they take only
 *   blank cells, so a spike a marker was dropped on stays visible.
 * - Marker labels sit on the top row, right of their line when they fit
 *   there, else left of it when they fit there (a marker just dropped at the
 *   right edge in follow mode), else cut short on the roomier side. They
 *   never cross a marker line or another label (one blank cell apart). They
 *   are laid out from the last marker in the array back, so when room is
 *   short the newest marker wins it.
 * - The legend goes top left, or top right when marker lines or labels are
 *   at the top left, or is left out when both are taken (markers first).
 * - The cursor keeps the dots under it and shows reversed; blank cells on its
 *   column get a line.
 * - x labels sit right of their tick; a label that would not fit whole, or
 *   would touch the previous one, is left out (its tick stays). */
#include "view/chart.h"

#include "base/mtime.h"

#include <stdio.h>
#include <string.h>

#include "base/units.h"
#include "view/logtext.h"

#define NS_PER_MS INT64_C(1000000)
#define NS_PER_MIN (60 * NS_PER_S)
#define NS_PER_H (60 * NS_PER_MIN)
#define NS_PER_DAY (24 * NS_PER_H)

#define LABEL_W (CHART_YAXIS_W - 1) /* y labels; the axis line is the column after */
#define PLOT_X CHART_YAXIS_W        /* first plot column within the rectangle */

/* The glyphs of one rendering (UTF-8 box drawing or plain ASCII). */
typedef struct glyphs {
	uint32_t vline, ytick, corner, hline, xtick, marker, cursor, key_area, key_line2;
} glyphs;

static const glyphs glyphs_utf8 = {
	.vline = 0x2502, .ytick = 0x2524, .corner = 0x2514, .hline = 0x2500, .xtick = 0x2534,
	.marker = 0x2502, .cursor = 0x2502, .key_area = 0x28FF, .key_line2 = 0x2812,
};

static const glyphs glyphs_ascii = {
	.vline = '|', .ytick = '+', .corner = '+', .hline = '-', .xtick = '+',
	.marker = '|', .cursor = '|', .key_area = '#', .key_line2 = '*',
};

/* Everything derived from the inputs and the rectangle that the parts share. */
typedef struct layout {
	canvas *cv;
	int x, y, w, h;     /* the rectangle; every write is clipped to it */
	const chart_input *in;
	const glyphs *g;
	int pw, ph;         /* plot size in cells */
	int ncols;          /* dot columns of the plot (2 a cell in braille) */
	int64_t t0, span;   /* the window, span > 0 */
	int64_t top;        /* value at the top of the y axis */
	int64_t ystep;      /* between y ticks */
	int yticks;         /* intervals between 0 and top */
} layout;

/* floor(a * b / c) for a, b >= 0 and c > 0, without overflowing on the way. */
static int64_t muldiv(int64_t a, int64_t b, int64_t c)
{
#ifdef __SIZEOF_INT128__
	unsigned __int128 q = (unsigned __int128)a * (uint64_t)b / (uint64_t)c;
	return q > INT64_MAX ? INT64_MAX : (int64_t)q;
#else
	if (b == 0 || a <= INT64_MAX / b)
		return a * b / c;
	long double q = (long double)a * b / c;
	return q >= (long double)INT64_MAX ? INT64_MAX : (int64_t)q;
#endif
}

/* Sets a cell given in rectangle coordinates; ignored outside the rectangle. */
static void put(const layout *L, int cx, int cy, uint32_t ch, uint8_t color, uint8_t attr)
{
	if (cx < 0 || cy < 0 || cx >= L->w || cy >= L->h)
		return;
	canvas_put(L->cv, L->x + cx, L->y + cy, ch, color, attr);
}

/* Writes text in rectangle coordinates, at most maxw columns and never past
 * the rectangle's right edge; returns the columns used. */
static int text(const layout *L, int cx, int cy, int maxw, const char *s, uint8_t color, uint8_t attr)
{
	if (cx < 0 || cy < 0 || cx >= L->w || cy >= L->h)
		return 0;
	if (maxw > L->w - cx)
		maxw = L->w - cx;
	return canvas_text(L->cv, L->x + cx, L->y + cy, maxw, s, color, attr);
}

/* As text, for text that is not memlog's own (marker labels from a
 * recording, file names in the legend): through logtext's sanitiser. */
static int untrusted(const layout *L, int cx, int cy, int maxw, const char *s, uint8_t color, uint8_t attr)
{
	if (cx < 0 || cy < 0 || cx >= L->w || cy >= L->h || maxw <= 0)
		return 0;
	if (maxw > L->w - cx)
		maxw = L->w - cx;
	return logtext_draw(L->cv, L->x + cx, L->y + cy, maxw, 0, s, strlen(s), L->in->utf8, color, attr);
}

/* The columns untrusted would take for s with no limit. */
static int untrusted_width(const layout *L, const char *s)
{
	return (int)logtext_width(s, strlen(s), L->in->utf8);
}

/* The cell at rectangle coordinates, or NULL when it is off the canvas. */
static const canvas_cell *cell_at(const layout *L, int cx, int cy)
{
	return canvas_at(L->cv, L->x + cx, L->y + cy);
}

/* Finds the y scale for a peak: a step from 1, 2, 5, 10, 20, 50, 100, 200,
 * 256, 512 times an IEC unit, the smallest that covers the peak in at most
 * four intervals. Successive steps grow by at most 2.5x, so the top is
 * always below 1.7x the peak and there are 3 to 5 ticks once peak > 4 B. */
static void nice_scale(int64_t peak, int64_t *step, int *n)
{
	static const int64_t mults[] = { 1, 2, 5, 10, 20, 50, 100, 200, 256, 512 };
	if (peak <= 0) {
		/* Nothing measured: an honest small axis, 0 B to 1 KiB. */
		*step = 256;
		*n = 4;
		return;
	}
	for (int u = 0; u <= 6; u++) {
		for (size_t i = 0; i < sizeof mults / sizeof mults[0]; i++) {
			if (mults[i] > INT64_MAX >> (10 * u))
				break;
			int64_t s = mults[i] << (10 * u);
			int64_t k = peak / s + (peak % s != 0);
			if (k <= 4 && k <= INT64_MAX / s) {
				*step = s;
				*n = (int)k;
				return;
			}
		}
	}
	/* Beyond 6 EiB, more than any machine has: the top saturates there. */
	*step = INT64_C(1) << 61;
	*n = 3;
}

int64_t chart_nice_top(int64_t peak)
{
	int64_t step;
	int n;
	nice_scale(peak, &step, &n);
	return step * n;
}

size_t chart_slices(int w, bool utf8)
{
	if (w <= CHART_YAXIS_W)
		return 0;
	return (size_t)(w - CHART_YAXIS_W) * (utf8 ? 2 : 1);
}

/* Reads slice i of a min/max pair into lo..hi; false when it holds no data.
 * Tolerates one side missing or the two swapped. */
static bool slice_get(const int64_t *mn, const int64_t *mx, size_t i, int64_t *lo, int64_t *hi)
{
	if (mn == NULL || mx == NULL)
		return false;
	int64_t a = mn[i], b = mx[i];
	if (a < 0 && b < 0)
		return false;
	if (a < 0)
		a = b;
	if (b < 0)
		b = a;
	*lo = a < b ? a : b;
	*hi = a < b ? b : a;
	return true;
}

/* Reads the min..max shown by dot column c of series mn/mx; false when
 * there is no data. Slices normally match the columns one to one; any other
 * count is stretched or squeezed, a column then taking the min and max of
 * all the slices it covers so that squeezing loses no spike. */
static bool column_range(const layout *L, const int64_t *mn, const int64_t *mx, int c,
                         int64_t *lo, int64_t *hi)
{
	size_t n = L->in->nslices;
	if (n == 0)
		return false;
	if (n == (size_t)L->ncols)
		return slice_get(mn, mx, (size_t)c, lo, hi);
	size_t i0 = (size_t)muldiv(c, (int64_t)n, L->ncols);
	size_t i1 = (size_t)muldiv(c + 1, (int64_t)n, L->ncols);
	if (i1 <= i0)
		i1 = i0 + 1;
	bool any = false;
	for (size_t i = i0; i < i1 && i < n; i++) {
		int64_t a, b;
		if (!slice_get(mn, mx, i, &a, &b))
			continue;
		*lo = any && *lo < a ? *lo : a;
		*hi = any && *hi > b ? *hi : b;
		any = true;
	}
	return any;
}

/* Dots of a column of `levels` dots filled by value v: rounded, at least one
 * for any v > 0, at most all of them. */
static int levels_for(const layout *L, int64_t v, int levels)
{
	if (v <= 0)
		return 0;
	int64_t k = muldiv(v, 2 * (int64_t)levels, L->top);
	int64_t d = (k + 1) / 2;
	if (d < 1)
		d = 1;
	return d > levels ? levels : (int)d;
}

/* Per dot column: the area top, the band top, and the second series' span,
 * all in dot levels counted from the bottom (level 0 is the lowest dot). */
typedef struct column {
	int area, band;        /* levels [0, area) are area, [area, band) band */
	bool has2;
	int lo2, hi2;          /* levels lo2..hi2 are the line of the second series */
} column;

/* The state that joins the second series' line from one column to the next. */
typedef struct line_state {
	bool valid;
	int lo, hi;
} line_state;

/* Computes dot column c with `levels` dots for the area and `levels2` for
 * the line, joining the line vertically to the previous column's. */
static column column_get(const layout *L, int c, int levels, int levels2, line_state *prev)
{
	column col = { 0, 0, false, 0, 0 };
	int64_t lo, hi;
	if (column_range(L, L->in->min, L->in->max, c, &lo, &hi)) {
		col.area = levels_for(L, lo, levels);
		col.band = levels_for(L, hi, levels);
		/* A one-level spread is rounding or a gentle slope, not a spike:
		 * drawn as area, so ramps do not light up as peaks. */
		if (col.band - col.area < 2)
			col.area = col.band;
	}
	if (column_range(L, L->in->min2, L->in->max2, c, &lo, &hi)) {
		int a = levels_for(L, lo, levels2) - 1, b = levels_for(L, hi, levels2) - 1;
		col.lo2 = a < 0 ? 0 : a;
		col.hi2 = b < 0 ? 0 : b;
		col.has2 = true;
		int own_lo = col.lo2, own_hi = col.hi2;
		/* A jump between columns gets a vertical stroke so the line reads as one. */
		if (prev->valid && prev->lo > col.hi2 + 1)
			col.hi2 = prev->lo - 1;
		if (prev->valid && prev->hi < col.lo2 - 1)
			col.lo2 = prev->hi + 1;
		*prev = (line_state){ true, own_lo, own_hi };
	} else {
		prev->valid = false;
	}
	return col;
}

/* Braille bits of the dots at levels [lo, hi) of side s of a cell whose
 * lowest dot is at level base: a range of a column, in constant time. */
static unsigned braille_range(int s, int base, int lo, int hi)
{
	/* Bits of the lowest k dots of each side (dot rows from the bottom up). */
	static const uint8_t lowest[2][5] = { { 0x00, 0x40, 0x44, 0x46, 0x47 },
		                              { 0x00, 0x80, 0xA0, 0xB0, 0xB8 } };
	lo -= base;
	hi -= base;
	lo = lo < 0 ? 0 : lo > 4 ? 4 : lo;
	hi = hi < 0 ? 0 : hi > 4 ? 4 : hi;
	return hi > lo ? (unsigned)(lowest[s][hi] & ~lowest[s][lo]) : 0;
}

/* Fills the plot with braille: 2 dot columns and 4 dot rows a cell. */
static void plot_braille(const layout *L)
{
	int levels = 4 * L->ph;
	line_state prev = { false, 0, 0 };
	for (int cx = 0; cx < L->pw; cx++) {
		column col[2];
		col[0] = column_get(L, 2 * cx, levels, levels, &prev);
		col[1] = column_get(L, 2 * cx + 1, levels, levels, &prev);
		/* Rows above the highest lit dot of the cell column stay blank. */
		int lit = 0;
		for (int s = 0; s < 2; s++) {
			lit = col[s].band > lit ? col[s].band : lit;
			lit = col[s].has2 && col[s].hi2 + 1 > lit ? col[s].hi2 + 1 : lit;
		}
		for (int r = lit > 0 ? L->ph - 1 - (lit - 1) / 4 : L->ph; r < L->ph; r++) {
			int base = (L->ph - 1 - r) * 4;
			unsigned bits = 0, band = 0, line = 0;
			for (int s = 0; s < 2; s++) {
				bits |= braille_range(s, base, 0, col[s].band);
				band |= braille_range(s, base, col[s].area, col[s].band);
				if (col[s].has2)
					line |= braille_range(s, base, col[s].lo2, col[s].hi2 + 1);
			}
			bits |= line;
			if (bits == 0)
				continue;
			uint8_t color = line ? CANVAS_LINE2 : band ? CANVAS_PEAK : CANVAS_AREA;
			put(L, PLOT_X + cx, r, 0x2800 + bits, color, 0);
		}
	}
}

/* Fills the plot with ASCII: one slice a cell, two area levels a cell. */
static void plot_ascii(const layout *L)
{
	line_state prev = { false, 0, 0 };
	for (int cx = 0; cx < L->pw; cx++) {
		column col = column_get(L, cx, 2 * L->ph, L->ph, &prev);
		for (int r = 0; r < L->ph; r++) {
			int row_lv = L->ph - 1 - r, lo = 2 * row_lv, hi = lo + 1;
			if (col.has2 && row_lv >= col.lo2 && row_lv <= col.hi2)
				put(L, PLOT_X + cx, r, '*', CANVAS_LINE2, 0);
			else if (hi < col.area)
				put(L, PLOT_X + cx, r, '#', CANVAS_AREA, 0);
			else if (col.band > col.area && col.band > lo)
				put(L, PLOT_X + cx, r, ':', CANVAS_PEAK, 0);
			else if (lo < col.area)
				put(L, PLOT_X + cx, r, '.', CANVAS_AREA, 0);
		}
	}
}

/* The colour and the ASCII mark of extra series k (the third recording is 0). */
static uint8_t extra_color(int k)
{
	static const uint8_t colors[] = { CANVAS_LINE3, CANVAS_LINE4, CANVAS_LINE5, CANVAS_LINE6 };
	return colors[k % 4];
}

static uint32_t extra_mark(int k)
{
	return (uint32_t)"3456789abcdefg"[k % CHART_MAX_EXTRA];
}

/* The extra series as lines over what is drawn: in braille their dots join
 * a cell's (the cell takes the last line's colour); in ASCII each its mark. */
static void plot_extras(const layout *L)
{
	const chart_input *in = L->in;
	int levels = in->utf8 ? 4 * L->ph : L->ph;
	for (int k = 0; k < in->nextra && k < CHART_MAX_EXTRA; k++) {
		line_state prev = { false, 0, 0 };
		for (int c = 0; c < L->ncols; c++) {
			int64_t lo, hi;
			if (!column_range(L, in->xmin[k], in->xmax[k], c, &lo, &hi)) {
				prev.valid = false;
				continue;
			}
			int a = levels_for(L, lo, levels) - 1, b = levels_for(L, hi, levels) - 1;
			a = a < 0 ? 0 : a;
			b = b < 0 ? 0 : b;
			int own_a = a, own_b = b;
			if (prev.valid && prev.lo > b + 1)
				b = prev.lo - 1;
			if (prev.valid && prev.hi < a - 1)
				a = prev.hi + 1;
			prev = (line_state){ true, own_a, own_b };
			if (!in->utf8) {
				for (int lv = a; lv <= b; lv++)
					put(L, PLOT_X + c, L->ph - 1 - lv, extra_mark(k), extra_color(k), 0);
				continue;
			}
			int cx = c / 2, s = c % 2;
			for (int r = L->ph - 1 - b / 4; r <= L->ph - 1 - a / 4; r++) {
				int base = (L->ph - 1 - r) * 4;
				unsigned bits = braille_range(s, base, a, b + 1);
				if (!bits)
					continue;
				const canvas_cell *cell = canvas_at(L->cv, L->x + PLOT_X + cx, L->y + r);
				if (cell && cell->ch >= 0x2800 && cell->ch <= 0x28ff)
					bits |= cell->ch - 0x2800;
				put(L, PLOT_X + cx, r, 0x2800 + bits, extra_color(k), 0);
			}
		}
	}
}

/* Draws the y axis line, its ticks and their IEC labels, and the corner. */
static void draw_yaxis(const layout *L)
{
	for (int r = 0; r < L->ph; r++)
		put(L, LABEL_W, r, L->g->vline, CANVAS_AXIS, 0);
	put(L, LABEL_W, L->ph, L->g->corner, CANVAS_AXIS, 0);
	/* With fewer rows than intervals, every other tick keeps labels apart. */
	int stride = (L->yticks > L->ph && L->yticks % 2 == 0) ? 2 : 1;
	int last_row = -1;
	for (int k = 0; k <= L->yticks; k += stride) {
		int row = L->ph - (2 * k * L->ph + L->yticks) / (2 * L->yticks);
		if (row == last_row)
			continue;
		last_row = row;
		char label[32];
		units_bytes_compact(L->ystep * k, label, sizeof label);
		int len = (int)strlen(label);
		text(L, len < LABEL_W ? LABEL_W - len : 0, row, LABEL_W, label, CANVAS_AXIS, 0);
		if (row < L->ph)
			put(L, LABEL_W, row, L->g->ytick, CANVAS_AXIS, 0);
	}
}

/* The plot cell column of elapsed time t, or -1 outside [t0, t1). */
static int time_col(const layout *L, int64_t t)
{
	int64_t d;
	if (t < L->t0 || __builtin_sub_overflow(t, L->t0, &d) || d >= L->span)
		return -1;
	int64_t dc = muldiv(d, L->ncols, L->span);
	return (int)(L->in->utf8 ? dc / 2 : dc);
}

/* Decimals a time label needs so that ticks `step` apart read differently. */
static int step_decimals(int64_t step)
{
	if (step % NS_PER_S == 0)
		return 0;
	if (step % (100 * NS_PER_MS) == 0)
		return 1;
	if (step % (10 * NS_PER_MS) == 0)
		return 2;
	return 3;
}


/* Wall-clock time of elapsed t as "HH:MM:SS" (with decimals for sub-second
 * steps), or the date ("Nov 26") when ticks are days apart. */
static void label_wall(const layout *L, int64_t t, int64_t step, char *buf, size_t n)
{
	int64_t local;
	if (__builtin_add_overflow(L->in->wall_at_zero_ns, t, &local) ||
	    __builtin_add_overflow(local, (int64_t)L->in->utc_offset_s * NS_PER_S, &local)) {
		snprintf(buf, n, "?");
		return;
	}
	int64_t secs = mtime_floor_div(local, NS_PER_S);
	int64_t frac = local - secs * NS_PER_S;
	int64_t day = mtime_floor_div(secs, 86400), sod = secs - day * 86400;
	if (step >= NS_PER_DAY) {
		/* Not "11-26": in ASCII the axis line itself is made of '-'. */
		static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
			                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
		int month, mday;
		int64_t year;
		mtime_civil_from_days(day, &year, &month, &mday);
		snprintf(buf, n, "%s %d", months[month - 1], mday);
		return;
	}
	snprintf(buf, n, "%02d:%02d:%02d", (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60));
	units_fraction(buf, n, frac, step_decimals(step));
}

/* The label of the tick at elapsed t. */
static void time_label(const layout *L, int64_t t, int64_t step, char *buf, size_t n)
{
	if (L->in->wall_clock)
		label_wall(L, t, step, buf, n);
	else
		units_elapsed_label(t, step_decimals(step), buf, n);
}

/* What tick times are multiples of: elapsed 0, or local midnight of the epoch
 * for wall-clock labels (so ticks land on :00 and :30 of the clock). */
static int64_t tick_origin(const layout *L)
{
	int64_t origin;
	if (!L->in->wall_clock ||
	    __builtin_add_overflow(L->in->wall_at_zero_ns, (int64_t)L->in->utc_offset_s * NS_PER_S, &origin))
		return 0;
	return origin;
}

/* The first tick time >= t0 for ticks `step` apart. */
static int64_t first_tick(const layout *L, int64_t step)
{
	int64_t origin = tick_origin(L);
	/* Work modulo step so that huge wall-clock offsets cannot overflow. */
	int64_t phase = (L->t0 % step + origin % step) % step;
	if (phase < 0)
		phase += step;
	if (phase == 0)
		return L->t0;
	return L->t0 > INT64_MAX - (step - phase) ? INT64_MAX : L->t0 + (step - phase);
}

/* Tick steps people count in: 1-2-5 below a minute's fractions, then the
 * clock's own divisions (15 s, 30 s, 15 min, 3 h, 6 h, 12 h), then days. */
static const int64_t time_steps[] = {
	1 * NS_PER_MS, 2 * NS_PER_MS, 5 * NS_PER_MS, 10 * NS_PER_MS, 20 * NS_PER_MS,
	50 * NS_PER_MS, 100 * NS_PER_MS, 200 * NS_PER_MS, 500 * NS_PER_MS,
	1 * NS_PER_S, 2 * NS_PER_S, 5 * NS_PER_S, 10 * NS_PER_S, 15 * NS_PER_S, 30 * NS_PER_S,
	1 * NS_PER_MIN, 2 * NS_PER_MIN, 5 * NS_PER_MIN, 10 * NS_PER_MIN, 15 * NS_PER_MIN,
	30 * NS_PER_MIN, 1 * NS_PER_H, 2 * NS_PER_H, 3 * NS_PER_H, 6 * NS_PER_H, 12 * NS_PER_H,
	1 * NS_PER_DAY, 2 * NS_PER_DAY, 7 * NS_PER_DAY, 14 * NS_PER_DAY, 30 * NS_PER_DAY,
	90 * NS_PER_DAY, 365 * NS_PER_DAY,
};

/* Picks the smallest tick step whose widest label fits between ticks with
 * room to spare; the largest step when none does. */
static int64_t choose_time_step(const layout *L)
{
	size_t nsteps = sizeof time_steps / sizeof time_steps[0];
	for (size_t i = 0; i < nsteps; i++) {
		int64_t step = time_steps[i];
		/* Each tick needs at least "+0s" and a gap: skip hopeless steps cheaply. */
		if (L->span / step > L->pw / 4)
			continue;
		int64_t gap = step >= L->span ? L->pw : muldiv(step, L->pw, L->span);
		int widest = 1;
		char buf[48];
		int64_t t = first_tick(L, step);
		for (; t - L->t0 < L->span; t += step) {
			time_label(L, t, step, buf, sizeof buf);
			int len = (int)strlen(buf);
			widest = len > widest ? len : widest;
			if (t > INT64_MAX - step)
				break;
		}
		/* Tick, label, and at least two cells of line before the next tick. */
		if (gap >= widest + 4)
			return step;
	}
	return time_steps[nsteps - 1];
}

/* Draws the x axis line with its ticks and time labels on the bottom row. */
static void draw_xaxis(const layout *L)
{
	int row = L->ph;
	for (int cx = 0; cx < L->pw; cx++)
		put(L, PLOT_X + cx, row, L->g->hline, CANVAS_AXIS, 0);
	int64_t step = choose_time_step(L);
	int last_used = -1; /* last plot column taken by a label and its gap */
	for (int64_t t = first_tick(L, step); t - L->t0 < L->span; t += step) {
		int c = time_col(L, t);
		if (c >= 0 && c > last_used) {
			char buf[48];
			time_label(L, t, step, buf, sizeof buf);
			int len = (int)strlen(buf);
			put(L, PLOT_X + c, row, L->g->xtick, CANVAS_AXIS, 0);
			if (c + 1 + len <= L->pw) {
				text(L, PLOT_X + c + 1, row, len, buf, CANVAS_AXIS, 0);
				last_used = c + len + 1;
			} else {
				last_used = c;
			}
		}
		if (t > INT64_MAX - step)
			break;
	}
}

/* Draws the vertical line of every marker inside the window: on the top
 * row always (the row of the labels), below it only on blank cells, so the
 * line stands behind the data and never hides a spike it was dropped on. */
static void draw_marker_lines(const layout *L)
{
	for (size_t i = 0; i < L->in->nmarkers; i++) {
		int c = time_col(L, L->in->markers[i].t_ns);
		if (c < 0)
			continue;
		for (int r = 0; r < L->ph; r++) {
			const canvas_cell *cell = cell_at(L, PLOT_X + c, r);
			if (r == 0 || cell == NULL || cell->ch == ' ')
				put(L, PLOT_X + c, r, L->g->marker, CANVAS_MARKER, 0);
		}
	}
}

/* Whether plot column c of the top row holds a marker label already. */
static bool is_label(const layout *L, int c)
{
	const canvas_cell *cell = c >= 0 && c < L->pw ? cell_at(L, PLOT_X + c, 0) : NULL;
	return cell != NULL && cell->color == CANVAS_MARKER && cell->attr == CANVAS_BOLD;
}

/* Whether plot column c of the top row is free: inside the plot, not a
 * marker line or label. */
static bool label_free(const layout *L, int c)
{
	if (c < 0 || c >= L->pw)
		return false;
	const canvas_cell *cell = cell_at(L, PLOT_X + c, 0);
	return cell == NULL || cell->color != CANVAS_MARKER;
}

/* Free columns for a label of `want` columns going from marker column c in
 * direction dir (+1 right, -1 left), keeping a blank cell before another
 * label. */
static int label_room(const layout *L, int c, int dir, int want)
{
	int k = 0;
	while (k < want && label_free(L, c + dir * (1 + k)))
		k++;
	if (k > 0 && is_label(L, c + dir * (1 + k)))
		k--;
	return k;
}

/* Writes the marker labels on the top row: right of the line when the label
 * fits there, else left of it when it fits there (a marker just dropped at
 * the right edge in follow mode), else cut short on the roomier side. Labels
 * never cross a marker line or another label; they are laid out from the
 * last marker in the array back, so the newest wins the room. */
static void draw_marker_labels(const layout *L)
{
	for (size_t i = L->in->nmarkers; i-- > 0;) {
		const char *label = L->in->markers[i].label;
		int c = time_col(L, L->in->markers[i].t_ns);
		if (c < 0 || label == NULL || label[0] == '\0')
			continue;
		int want = untrusted_width(L, label);
		int right = label_room(L, c, +1, want);
		int left = right < want ? label_room(L, c, -1, want) : 0;
		if (right == want || right >= left)
			untrusted(L, PLOT_X + c + 1, 0, right, label, CANVAS_MARKER, CANVAS_BOLD);
		else
			untrusted(L, PLOT_X + c - left, 0, left, label, CANVAS_MARKER, CANVAS_BOLD);
	}
}

/* Columns the legend takes: " K name  K name2 " with K the key glyphs. */
static int legend_width(const layout *L)
{
	const chart_input *in = L->in;
	int w = 0;
	if (in->name != NULL)
		w += 2 + untrusted_width(L, in->name);
	if (in->name2 != NULL && in->min2 != NULL)
		w += (w > 0 ? 2 : 0) + 2 + untrusted_width(L, in->name2);
	for (int k = 0; k < in->nextra && k < CHART_MAX_EXTRA; k++)
		if (in->xnames && in->xnames[k])
			w += (w > 0 ? 2 : 0) + 2 + untrusted_width(L, in->xnames[k]);
	return w > 0 ? w + 2 : 0;
}

/* Writes the legend in plot columns [a, b) of the top row. */
static void draw_legend(const layout *L, int a, int b)
{
	const chart_input *in = L->in;
	int c = a;
	put(L, PLOT_X + c++, 0, ' ', CANVAS_DEFAULT, 0);
	if (in->name != NULL) {
		put(L, PLOT_X + c++, 0, L->g->key_area, CANVAS_AREA, 0);
		put(L, PLOT_X + c++, 0, ' ', CANVAS_DEFAULT, 0);
		c += untrusted(L, PLOT_X + c, 0, b - c, in->name, CANVAS_AREA, 0);
	}
	if (in->name2 != NULL && in->min2 != NULL) {
		if (in->name != NULL) {
			put(L, PLOT_X + c++, 0, ' ', CANVAS_DEFAULT, 0);
			put(L, PLOT_X + c++, 0, ' ', CANVAS_DEFAULT, 0);
		}
		put(L, PLOT_X + c++, 0, L->g->key_line2, CANVAS_LINE2, 0);
		put(L, PLOT_X + c++, 0, ' ', CANVAS_DEFAULT, 0);
		c += untrusted(L, PLOT_X + c, 0, b - c, in->name2, CANVAS_LINE2, 0);
	}
	for (int k = 0; k < in->nextra && k < CHART_MAX_EXTRA && c < b; k++) {
		if (!in->xnames || !in->xnames[k])
			continue;
		put(L, PLOT_X + c++, 0, ' ', CANVAS_DEFAULT, 0);
		put(L, PLOT_X + c++, 0, ' ', CANVAS_DEFAULT, 0);
		put(L, PLOT_X + c++, 0, in->utf8 ? L->g->key_line2 : extra_mark(k), extra_color(k), 0);
		put(L, PLOT_X + c++, 0, ' ', CANVAS_DEFAULT, 0);
		c += untrusted(L, PLOT_X + c, 0, b - c, in->xnames[k], extra_color(k), 0);
	}
	put(L, PLOT_X + c, 0, ' ', CANVAS_DEFAULT, 0);
}

/* Whether plot columns [a, b) of the top row are all free. */
static bool row0_free(const layout *L, int a, int b)
{
	for (int c = a; c < b; c++)
		if (!label_free(L, c))
			return false;
	return true;
}

/* Draws the legend top left, or top right when marker lines or labels are
 * at the top left, or not at all when both are taken: the markers matter
 * more, and the header names the series too. */
static void place_legend(const layout *L)
{
	int w = legend_width(L);
	if (w == 0 || w > L->pw)
		return;
	if (row0_free(L, 0, w))
		draw_legend(L, 0, w);
	else if (row0_free(L, L->pw - w, L->pw))
		draw_legend(L, L->pw - w, L->pw);
}

/* Draws the cursor column: dots kept, shown reversed; blank cells get a line. */
static void draw_cursor(const layout *L)
{
	if (L->in->cursor_ns < 0)
		return;
	int c = time_col(L, L->in->cursor_ns);
	if (c < 0)
		return;
	for (int r = 0; r < L->ph; r++) {
		const canvas_cell *cell = cell_at(L, PLOT_X + c, r);
		uint32_t ch = cell != NULL && cell->ch != ' ' && cell->ch != 0 ? cell->ch : L->g->cursor;
		put(L, PLOT_X + c, r, ch, CANVAS_CURSOR, CANVAS_REVERSE);
	}
}

/* Says how big the chart needs to be, in as many words as fit on one row. */
static void draw_notice(const layout *L)
{
	char msg[3][40];
	snprintf(msg[0], sizeof msg[0], "chart needs %dx%d", CHART_MIN_W, CHART_MIN_H);
	snprintf(msg[1], sizeof msg[1], "need %dx%d", CHART_MIN_W, CHART_MIN_H);
	snprintf(msg[2], sizeof msg[2], "%dx%d", CHART_MIN_W, CHART_MIN_H);
	int i = 0;
	while (i < 2 && (int)strlen(msg[i]) > L->w)
		i++;
	text(L, 0, 0, L->w, msg[i], CANVAS_WARN, 0);
}

/* The largest value of either series in the window (0 when none). */
static int64_t window_peak(const chart_input *in)
{
	int64_t peak = 0, lo, hi;
	for (size_t i = 0; i < in->nslices; i++) {
		if (slice_get(in->min, in->max, i, &lo, &hi) && hi > peak)
			peak = hi;
		if (slice_get(in->min2, in->max2, i, &lo, &hi) && hi > peak)
			peak = hi;
		for (int k = 0; k < in->nextra && k < CHART_MAX_EXTRA; k++)
			if (slice_get(in->xmin[k], in->xmax[k], i, &lo, &hi) && hi > peak)
				peak = hi;
	}
	return peak;
}

/* The limit as a dashed row on the empty cells of its level, and its label
 * at the row's right end where the cells are free. */
static void draw_limit(const layout *L)
{
	int64_t lim = L->in->limit;
	if (lim <= 0 || lim > L->top)
		return;
	int row = L->ph - (int)((2 * muldiv(lim, L->ph, L->top) + 1) / 2);
	if (row >= L->ph)
		return;
	if (row < 0)
		row = 0;
	uint32_t dash = L->in->utf8 ? 0x2504 : '-'; /* ┄ */
	for (int c = 0; c < L->pw; c++) {
		const canvas_cell *cell = cell_at(L, PLOT_X + c, row);
		if (cell && cell->ch == ' ')
			put(L, PLOT_X + c, row, dash, CANVAS_WARN, 0);
	}
	char size[32], label[48];
	units_bytes_compact(lim, size, sizeof size);
	snprintf(label, sizeof label, "limit %s", size);
	int len = (int)strlen(label), at = PLOT_X + L->pw - len;
	for (int c = at; c < PLOT_X + L->pw; c++) {
		const canvas_cell *cell = cell_at(L, c, row);
		if (c < PLOT_X || !cell || (cell->ch != ' ' && cell->ch != dash))
			return;
	}
	text(L, at, row, len, label, CANVAS_WARN, 0);
}

void chart_draw(canvas *cv, int x, int y, int w, int h, const chart_input *in)
{
	if (cv == NULL || w <= 0 || h <= 0)
		return;
	layout L = { .cv = cv, .x = x, .y = y, .w = w, .h = h, .in = in };
	/* The chart owns every cell of its rectangle, whatever was there before. */
	canvas_fill(cv, x, y, w, h, ' ', CANVAS_DEFAULT, 0);
	if (in == NULL || w < CHART_MIN_W || h < CHART_MIN_H) {
		draw_notice(&L);
		return;
	}
	L.g = in->utf8 ? &glyphs_utf8 : &glyphs_ascii;
	L.pw = w - PLOT_X;
	L.ph = h - 1;
	L.ncols = in->utf8 ? 2 * L.pw : L.pw;
	L.t0 = in->t0_ns;
	if (in->t1_ns <= in->t0_ns || __builtin_sub_overflow(in->t1_ns, in->t0_ns, &L.span))
		L.span = 1;
	int64_t peak = window_peak(in);
	/* A limit near the curve is in view: the axis reaches it. */
	if (in->limit > peak && in->limit <= 2 * peak)
		peak = in->limit;
	nice_scale(peak, &L.ystep, &L.yticks);
	L.top = L.ystep * L.yticks;

	draw_yaxis(&L);
	draw_xaxis(&L);
	if (in->utf8)
		plot_braille(&L);
	else
		plot_ascii(&L);
	plot_extras(&L);
	draw_limit(&L);
	draw_marker_lines(&L);
	draw_marker_labels(&L);
	place_legend(&L);
	draw_cursor(&L);
}

void chart_hold(int64_t *min, int64_t *max, size_t n)
{
	size_t last = n;
	while (last > 0 && max[last - 1] < 0)
		last--;
	int64_t held = -1;
	for (size_t i = 0; i < last; i++) {
		if (max[i] >= 0) {
			held = max[i];
		} else if (held >= 0) {
			min[i] = held;
			max[i] = held;
		}
	}
}
