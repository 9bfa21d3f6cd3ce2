/*
 * svgplot.c: a recording as a static SVG picture, for a bug report or a pull
 * request: the filled curve (each pixel column covers the min..max of its
 * samples, so no spike is lost), IEC axes, markers, the phases shaded and
 * numbered, and a second recording as a line. Every text that comes from a
 * recording goes through logtext's sanitiser and is escaped for XML.
 */
#include "view/svgplot.h"

#include "base/mtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/units.h"
#include "view/chart.h"
#include "view/logtext.h"

/* The longest text drawn, in columns (a title, a label). */
#define SVG_TEXT_MAX_COLS 400
/* The layers' legend: its first row's baseline and the rows' spacing. */
#define SVG_LEGEND_Y 42
#define SVG_LEGEND_ROW 15

/* Writes s as XML character data: markup escaped, forbidden bytes replaced. */
static void svg_text(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default:
			/* C0 controls other than tab are not allowed in XML 1.0. */
			if (*p < 0x20 && *p != '\t')
				fputc('?', f);
			else
				fputc(*p, f);
		}
	}
}

/* Writes text from a recording or a job (a label, a command line, a file
 * name) through the one sanitiser every output uses (logtext: invalid UTF-8
 * as U+FFFD, control and bidi or zero-width characters as visible escapes
 * like "<U+202E>"), then escaped for XML. */
static void svg_text_utf8(FILE *f, const char *s)
{
	char *clean = logtext_plain(s, strlen(s), SVG_TEXT_MAX_COLS, true);
	if (!clean)
		return;
	svg_text(f, clean);
	free(clean);
}

/* A nice step for the time axis: about 6 labels across the span. */
static int64_t svg_time_step(int64_t span_ns)
{
	static const int64_t steps_s[] = { 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200,
	                                   10800, 21600, 43200, 86400 };
	for (size_t i = 0; i < sizeof steps_s / sizeof steps_s[0]; i++)
		if (span_ns / (steps_s[i] * NS_PER_S) <= 6)
			return steps_s[i] * NS_PER_S;
	return (span_ns / 6 / (86400 * NS_PER_S) + 1) * 86400 * NS_PER_S;
}

/* One colour a recording: the first two as ever (blue filled, red), then
 * the rest of a palette told apart on white. */
static const char *const svg_colors[SVGPLOT_MAX_SERIES] = {
	"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
	"#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd",
};
static const char *const svg_layer_colors[SVGPLOT_MAX_LAYERS] = {
	"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#bab0ac",
};

/* Per-pixel-column max and min of one series over [0, t_end). */
static void svg_columns(const svgplot_series *s, int64_t t_end, int w, int64_t *mn, int64_t *mx)
{
	for (int i = 0; i < w; i++)
		mn[i] = mx[i] = -1;
	for (size_t k = 0; k < s->n; k++) {
		if (s->v[k] < 0)
			continue;
		int i = (int)((double)s->t_ns[k] / (double)t_end * w);
		if (i < 0)
			i = 0;
		if (i >= w)
			i = w - 1;
		if (mx[i] < 0 || s->v[k] > mx[i])
			mx[i] = s->v[k];
		if (mn[i] < 0 || s->v[k] < mn[i])
			mn[i] = s->v[k];
	}
	/* Columns between samples hold the level before them. */
	chart_hold(mn, mx, (size_t)w);
}

/* Where things go in the picture. */
typedef struct svg_frame {
	int W, H;           /* the picture */
	int left, top;      /* the plot's corner */
	int pw, ph;         /* the plot's size */
	int64_t t_end;      /* elapsed time at the right edge */
	int64_t ytop;       /* bytes at the top */
	const char *x_label;/* the time axis's name, or NULL */
} svg_frame;

/* The x of elapsed time t. */
static double svg_x(const svg_frame *g, int64_t t)
{
	return g->left + (double)t / (double)g->t_end * g->pw;
}

/* The y of v bytes. */
static double svg_y(const svg_frame *g, int64_t v)
{
	return g->top + g->ph - (double)v / (double)g->ytop * g->ph;
}

/* The width of text of n characters at font-size 11 (sans-serif: about
 * 0.6 em a character), with 2 px each side. */
#define SVG_LABEL_W(n) ((double)(n) * 6.6 + 4)

/* Phases: shaded bands with their numbers and kinds, each label only
 * where its band has room for it (so labels never run together); the
 * band's title names it all the same. */
static void svg_phases(FILE *f, const svg_frame *g, const svgplot_input *in)
{
	for (size_t i = 0; i < in->nphases; i++) {
		double x0 = svg_x(g, in->phases[i].t0_ns), x1 = svg_x(g, in->phases[i].t1_ns);
		const char *kind = phase_kind_name(in->phases[i].kind);
		fprintf(f, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" opacity=\"0.5\">"
		           "<title>phase %zu: %s</title></rect>\n",
		        x0, g->top, x1 - x0 > 0.5 ? x1 - x0 : 0.5, g->ph, i % 2 ? "#eeeeee" : "#e3ecf7", i + 1, kind);
		char label[48];
		snprintf(label, sizeof label, "%zu %s", i + 1, kind);
		if (x1 - x0 < SVG_LABEL_W(strlen(label)))
			snprintf(label, sizeof label, "%zu", i + 1);
		if (x1 - x0 < SVG_LABEL_W(strlen(label)))
			continue;
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"#555\" text-anchor=\"middle\">%s</text>\n",
		        (x0 + x1) / 2, g->top + 13, label);
	}
}

/* The y axis with IEC ticks (four steps from 0 to the nice top) and the
 * x axis of elapsed time. */
static void svg_axes(FILE *f, const svg_frame *g)
{
	for (int k = 0; k <= 4; k++) {
		int64_t v = g->ytop / 4 * k;
		char label[32];
		units_bytes_compact(v, label, sizeof label);
		fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#cccccc\" stroke-width=\"1\"/>\n",
		        g->left, svg_y(g, v), g->left + g->pw, svg_y(g, v));
		fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#333\">", g->left - 6, svg_y(g, v) + 4);
		svg_text(f, label);
		fprintf(f, "</text>\n");
	}
	int64_t step = svg_time_step(g->t_end);
	for (int64_t t = 0; t <= g->t_end; t += step) {
		char label[32];
		units_elapsed_label(t, 0, label, sizeof label);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\"/>\n", svg_x(g, t),
		        g->top + g->ph, svg_x(g, t), g->top + g->ph + 5);
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#333\">%s</text>\n", svg_x(g, t),
		        g->top + g->ph + 18, label);
	}
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">", g->left + g->pw / 2, g->H - 8);
	svg_text(f, g->x_label ? g->x_label : "elapsed time");
	fprintf(f, "</text>\n");
}

/* The main series as a filled area (filled), the others as lines of their
 * colours (s), from the per-column maxima mx. */
static void svg_series(FILE *f, const svg_frame *g, int s, bool filled, const int64_t *mx)
{
	if (filled) {
		fprintf(f, "<path fill=\"%s\" fill-opacity=\"0.55\" stroke=\"%s\" stroke-width=\"1\" d=\"M%d %.1f",
		        svg_colors[0], svg_colors[0], g->left, svg_y(g, 0));
		for (int i = 0; i < g->pw; i++)
			if (mx[i] >= 0)
				fprintf(f, " L%d %.1f", g->left + i, svg_y(g, mx[i]));
		int last = g->pw - 1;
		while (last > 0 && mx[last] < 0)
			last--;
		fprintf(f, " L%d %.1f Z\"/>\n", g->left + last, svg_y(g, 0));
		return;
	}
	fprintf(f, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" d=\"", svg_colors[s % SVGPLOT_MAX_SERIES]);
	bool pen = false;
	for (int i = 0; i < g->pw; i++) {
		if (mx[i] < 0) {
			pen = false;
			continue;
		}
		fprintf(f, "%s%d %.1f ", pen ? "L" : "M", g->left + i, svg_y(g, mx[i]));
		pen = true;
	}
	fprintf(f, "\"/>\n");
}

/* The layers stacked: each an area from the top of the ones under it to
 * its own top, per pixel column (its largest value there). */
static int svg_layers(FILE *f, const svg_frame *g, const svgplot_input *in, int64_t *mn, int64_t *mx)
{
	int64_t *base = calloc((size_t)g->pw, sizeof *base), *top = calloc((size_t)g->pw, sizeof *top);
	if (!base || !top) {
		free(base);
		free(top);
		return -1;
	}
	for (int l = 0; l < in->nlayers; l++) {
		svg_columns(&in->layers[l], g->t_end, g->pw, mn, mx);
		for (int i = 0; i < g->pw; i++)
			top[i] = base[i] + (mx[i] > 0 ? mx[i] : 0);
		fprintf(f, "<path fill=\"%s\" fill-opacity=\"0.8\" stroke=\"none\" d=\"M%d %.1f", svg_layer_colors[l],
		        g->left, svg_y(g, base[0]));
		for (int i = 0; i < g->pw; i++)
			fprintf(f, " L%d %.1f", g->left + i, svg_y(g, top[i]));
		for (int i = g->pw - 1; i >= 0; i--)
			fprintf(f, " L%d %.1f", g->left + i, svg_y(g, base[i]));
		fprintf(f, " Z\"><title>");
		svg_text_utf8(f, in->layers[l].name ? in->layers[l].name : "");
		fprintf(f, "</title></path>\n");
		memcpy(base, top, (size_t)g->pw * sizeof *base);
	}
	free(base);
	free(top);
	return 0;
}

/* The layers' legend, two to a row between the title and the plot. */
static void svg_layers_legend(FILE *f, const svg_frame *g, const svgplot_input *in)
{
	for (int l = 0; l < in->nlayers; l++) {
		int lx = g->left + (l % 2) * (g->pw / 2), ly = SVG_LEGEND_Y + SVG_LEGEND_ROW * (l / 2);
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>\n", lx, ly - 9,
		        svg_layer_colors[l]);
		fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#333\">", lx + 14, ly);
		svg_text_utf8(f, in->layers[l].name ? in->layers[l].name : "");
		fprintf(f, "</text>\n");
	}
	/* The total drawn over them, last. */
	int l = in->nlayers;
	int lx = g->left + (l % 2) * (g->pw / 2), ly = SVG_LEGEND_Y + SVG_LEGEND_ROW * (l / 2);
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>\n", lx, ly - 4,
	        lx + 10, ly - 4, svg_colors[1]);
	fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#333\">", lx + 14, ly);
	svg_text_utf8(f, in->nseries > 0 && in->series[0].name ? in->series[0].name : "");
	fprintf(f, "</text>\n");
}

/* The largest height of the stacked layers in any pixel column. */
static int64_t svg_layers_top(const svg_frame *g, const svgplot_input *in, int64_t *mn, int64_t *mx, int64_t *sum)
{
	int64_t top = 0;
	memset(sum, 0, (size_t)g->pw * sizeof *sum);
	for (int l = 0; l < in->nlayers; l++) {
		svg_columns(&in->layers[l], g->t_end, g->pw, mn, mx);
		for (int i = 0; i < g->pw; i++) {
			sum[i] += mx[i] > 0 ? mx[i] : 0;
			if (sum[i] > top)
				top = sum[i];
		}
	}
	return top;
}

/* Markers (dashed lines with their labels) and the legend. */
static void svg_marks_legend(FILE *f, const svg_frame *g, const svgplot_input *in)
{
	for (size_t i = 0; i < in->nmarks; i++) {
		double x = svg_x(g, in->marks[i].t_ns);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#9c27b0\" stroke-dasharray=\"4 3\"/>\n",
		        x, g->top, x, g->top + g->ph);
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" fill=\"#9c27b0\" font-size=\"11\" transform=\"rotate(-90 %.1f %d)\">",
		        x - 3, g->top + g->ph - 4, x - 3, g->top + g->ph - 4);
		svg_text_utf8(f, in->marks[i].label);
		fprintf(f, "</text>\n");
	}
	for (int s = 0; s < in->nseries && in->nlayers == 0; s++) {
		int ly = g->top - 8;
		int lx = g->left + g->pw - 260 * (in->nseries - s);
		if (in->nseries > 2) {
			/* Four a row under the title. */
			lx = g->left + (s % 4) * (g->pw / 4);
			ly = SVG_LEGEND_Y + SVG_LEGEND_ROW * (s / 4);
		}
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"8\" fill=\"%s\"/>\n", lx, ly - 8, svg_colors[s]);
		fprintf(f, "<text x=\"%d\" y=\"%d\" fill=\"#333\">", lx + 16, ly);
		svg_text_utf8(f, in->series[s].name ? in->series[s].name : "");
		fprintf(f, "</text>\n");
	}
}

/* The largest limit recorded, -1 when none. */
static int64_t svg_limit_top(const svgplot_input *in)
{
	int64_t top = -1;
	for (size_t k = 0; in->limit.v && k < in->limit.n; k++)
		if (in->limit.v[k] > top)
			top = in->limit.v[k];
	return top;
}

/* The limit as a dashed step line where it was recorded, and its label at
 * the right (alone at the top when the line would be off the chart). */
static void svg_limit(FILE *f, const svg_frame *g, const svgplot_input *in)
{
	int64_t top = svg_limit_top(in), last = -1;
	if (top <= 0)
		return;
	char label[48];
	units_bytes(top, label, sizeof label);
	if (top > g->ytop) {
		fprintf(f, "<text x=\"%d\" y=\"%d\" fill=\"#c0392b\" text-anchor=\"end\">limit %s (above the chart)</text>\n",
		        g->left + g->pw, g->top - 4, label);
		return;
	}
	bool open = false;
	for (size_t k = 0; k < in->limit.n; k++) {
		int64_t v = in->limit.v[k];
		double x = svg_x(g, in->limit.t_ns[k]);
		if (v <= 0) {
			if (open)
				fprintf(f, " H%.1f\"/>\n", x);
			open = false;
			last = -1;
			continue;
		}
		if (!open)
			fprintf(f, "<path fill=\"none\" stroke=\"#c0392b\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\" "
			           "d=\"M%.1f %.1f", x, svg_y(g, v));
		else if (v != last)
			fprintf(f, " H%.1f V%.1f", x, svg_y(g, v));
		open = true;
		last = v;
	}
	if (open)
		fprintf(f, " H%d\"/>\n", g->left + g->pw);
	fprintf(f, "<text x=\"%d\" y=\"%.1f\" fill=\"#c0392b\" text-anchor=\"end\">limit %s</text>\n",
	        g->left + g->pw - 4, svg_y(g, top) - 4, label);
}

int svgplot_write(FILE *f, const svgplot_input *in)
{
	/* The layers and the total, two a row; three recordings or more, four a row. */
	int legend_rows = in->nlayers ? (in->nlayers + 2) / 2 : in->nseries > 2 ? (in->nseries + 3) / 4 : 0;
	svg_frame g = { .W = in->width > 200 ? in->width : 200, .H = in->height > 150 ? in->height : 150,
	                .left = 80, .top = legend_rows ? SVG_LEGEND_Y + SVG_LEGEND_ROW * legend_rows : 50, .t_end = 1,
	                .x_label = in->x_label };
	g.pw = g.W - g.left - 20;
	g.ph = g.H - g.top - 45;
	if (g.ph < 20)
		g.ph = 20;
	int64_t vmax = 0;
	for (int s = 0; s < in->nseries; s++)
		for (size_t k = 0; k < in->series[s].n; k++) {
			if (in->series[s].t_ns[k] > g.t_end)
				g.t_end = in->series[s].t_ns[k];
			if (in->series[s].v[k] > vmax)
				vmax = in->series[s].v[k];
		}
	int64_t *mn = malloc((size_t)g.pw * sizeof *mn), *mx = malloc((size_t)g.pw * sizeof *mx);
	int64_t *sum = in->nlayers > 0 ? malloc((size_t)g.pw * sizeof *sum) : NULL;
	if (!mn || !mx || (in->nlayers > 0 && !sum)) {
		free(mn);
		free(mx);
		free(sum);
		return -1;
	}
	if (in->nlayers > 0) {
		int64_t top = svg_layers_top(&g, in, mn, mx, sum);
		if (top > vmax)
			vmax = top;
	}
	free(sum);
	/* A limit near the curve is drawn: the axis reaches it. */
	int64_t lim = svg_limit_top(in);
	if (lim > vmax && lim <= 2 * vmax)
		vmax = lim;
	g.ytop = chart_nice_top(vmax);
	if (g.ytop <= 0)
		g.ytop = 1;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	           "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n", g.W, g.H, g.W, g.H);
	fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", g.W, g.H);
	fprintf(f, "<text x=\"%d\" y=\"24\" font-size=\"15\" font-weight=\"bold\">", g.left);
	svg_text_utf8(f, in->title ? in->title : "memlog");
	fprintf(f, "</text>\n");
	svg_phases(f, &g, in);
	svg_axes(f, &g);
	if (in->nlayers > 0 && svg_layers(f, &g, in, mn, mx) < 0) {
		free(mn);
		free(mx);
		return -1;
	}
	for (int s = 0; s < in->nseries; s++) {
		svg_columns(&in->series[s], g.t_end, g.pw, mn, mx);
		/* Over the layers the total is a line. */
		svg_series(f, &g, in->nlayers > 0 ? 1 : s, s == 0 && in->nlayers == 0 && in->nseries <= 2, mx);
	}
	if (in->nlayers > 0)
		svg_layers_legend(f, &g, in);
	svg_limit(f, &g, in);
	/* Axes lines on top of the area. */
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", g.left, g.top, g.left, g.top + g.ph);
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", g.left, g.top + g.ph,
	        g.left + g.pw, g.top + g.ph);
	svg_marks_legend(f, &g, in);
	fprintf(f, "</svg>\n");
	free(mn);
	free(mx);
	return ferror(f) ? -1 : 0;
}
