/* canvas.c: the off-screen grid of cells that the chart and panes draw into:
 * clipped writes, trusted UTF-8 text, and the text dump that tests compare.
 * Wide characters take two cells, the right one holding ch 0; writes that
 * split such a pair blank the orphaned half so the grid never lies about
 * what the terminal will show. */
#include "view/canvas.h"

#include "base/utf8.h"

#include <stdlib.h>
#include <string.h>


/* Sets every cell of the array to a blank. */
static void cells_blank(canvas_cell *cells, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cells[i] = (canvas_cell){ .ch = ' ', .color = CANVAS_DEFAULT, .attr = 0 };
}

/* Cell count of a w x h grid, or SIZE_MAX when it cannot be allocated. */
static size_t cells_count(int w, int h)
{
	if (w <= 0 || h <= 0)
		return 0;
	if ((size_t)w > SIZE_MAX / sizeof(canvas_cell) / (size_t)h)
		return SIZE_MAX;
	return (size_t)w * (size_t)h;
}

/* Allocates blank cells for w x h (never NULL on success, even for 0 cells). */
static canvas_cell *cells_new(int w, int h)
{
	size_t n = cells_count(w, h);
	if (n == SIZE_MAX)
		return NULL;
	canvas_cell *cells = malloc((n ? n : 1) * sizeof *cells);
	if (cells != NULL)
		cells_blank(cells, n);
	return cells;
}

canvas *canvas_new(int w, int h)
{
	canvas *c = malloc(sizeof *c);
	if (c == NULL)
		return NULL;
	c->w = w > 0 && h > 0 ? w : 0;
	c->h = w > 0 && h > 0 ? h : 0;
	c->cells = cells_new(c->w, c->h);
	if (c->cells == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

/* Frees the canvas and its cells (NULL is fine). */
void canvas_free(canvas *c)
{
	if (c == NULL)
		return;
	free(c->cells);
	free(c);
}

int canvas_resize(canvas *c, int w, int h)
{
	if (w <= 0 || h <= 0)
		w = h = 0;
	/* A fresh array rather than realloc: on failure the old canvas stays whole. */
	canvas_cell *cells = cells_new(w, h);
	if (cells == NULL)
		return -1;
	free(c->cells);
	c->cells = cells;
	c->w = w;
	c->h = h;
	return 0;
}

void canvas_clear(canvas *c)
{
	cells_blank(c->cells, cells_count(c->w, c->h));
}

/* The cell at x, y for writing; the caller has checked the bounds. */
static canvas_cell *cell_mut(canvas *c, int x, int y)
{
	return &c->cells[(size_t)y * (size_t)c->w + (size_t)x];
}

/* Writes one cell with no bounds check, blanking the other half of any wide
 * character it would split. A ch of 0 marks the right half of a wide one. */
static void cell_set(canvas *c, int x, int y, uint32_t ch, uint8_t color, uint8_t attr)
{
	canvas_cell *cell = cell_mut(c, x, y);
	if (ch != 0 && cell->ch == 0 && x > 0)
		cell_mut(c, x - 1, y)->ch = ' ';
	if (x + 1 < c->w && cell_mut(c, x + 1, y)->ch == 0 && cell->ch != 0)
		cell_mut(c, x + 1, y)->ch = ' ';
	*cell = (canvas_cell){ .ch = ch, .color = color, .attr = attr };
}

void canvas_fill(canvas *c, int x, int y, int w, int h, uint32_t ch, uint8_t color, uint8_t attr)
{
	int x0 = x < 0 ? 0 : x, y0 = y < 0 ? 0 : y;
	/* 64-bit ends: x + w may overflow an int for absurd arguments. */
	int64_t x1 = (int64_t)x + w, y1 = (int64_t)y + h;
	if (x1 > c->w)
		x1 = c->w;
	if (y1 > c->h)
		y1 = c->h;
	for (int yy = y0; yy < y1; yy++)
		for (int xx = x0; xx < x1; xx++)
			cell_set(c, xx, yy, ch, color, attr);
}

void canvas_put(canvas *c, int x, int y, uint32_t ch, uint8_t color, uint8_t attr)
{
	if (x < 0 || y < 0 || x >= c->w || y >= c->h)
		return;
	cell_set(c, x, y, ch, color, attr);
}

const canvas_cell *canvas_at(const canvas *c, int x, int y)
{
	if (c == NULL || x < 0 || y < 0 || x >= c->w || y >= c->h)
		return NULL;
	return &c->cells[(size_t)y * (size_t)c->w + (size_t)x];
}

/* Decodes the character at s (NUL-terminated) into *cp; returns the bytes
 * used. What is not UTF-8 is U+FFFD for one byte, so decoding moves on. */
static size_t canvas_decode(const unsigned char *s, uint32_t *cp)
{
	size_t adv;
	int32_t c = utf8_decode(s, 4, &adv);
	*cp = c < 0 ? UTF8_REPLACEMENT : (uint32_t)c;
	return adv;
}

/* Whether a code point takes two columns: the East Asian Wide and Fullwidth
 * blocks people are likely to type in a marker label (CJK, Hangul, fullwidth
 * forms, emoji); everything else is taken as one column. */
static bool cp_is_wide(uint32_t cp)
{
	return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
	       (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
	       (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
	       (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	       (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
	       (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
	       (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

int canvas_text(canvas *c, int x, int y, int maxw, const char *utf8, uint8_t color, uint8_t attr)
{
	const unsigned char *s = (const unsigned char *)utf8;
	int used = 0;
	if (s == NULL || y < 0 || y >= c->h)
		return 0;
	while (*s != '\0' && used < maxw) {
		uint32_t cp;
		s += canvas_decode(s, &cp);
		/* Even trusted text must not smuggle a control byte to the terminal. */
		if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
			cp = '?';
		int cw = cp_is_wide(cp) ? 2 : 1;
		if (used + cw > maxw)
			break;
		int cx = x + used;
		if (cx >= c->w)
			break;
		if (cw == 2 && cx + 1 >= c->w)
			break; /* half a wide character cannot be shown */
		if (cw == 2 && cx < 0) {
			canvas_put(c, cx + 1, y, ' ', color, attr);
		} else if (cx >= 0) {
			cell_set(c, cx, y, cp, color, attr);
			if (cw == 2)
				cell_set(c, cx + 1, y, 0, color, attr);
		}
		used += cw;
	}
	return used;
}

int canvas_text_width(const char *utf8)
{
	const unsigned char *s = (const unsigned char *)utf8;
	int w = 0;
	if (s == NULL)
		return 0;
	while (*s != '\0') {
		uint32_t cp;
		s += canvas_decode(s, &cp);
		w += cp_is_wide(cp) ? 2 : 1;
	}
	return w;
}

char *canvas_dump(const canvas *c)
{
	size_t n = cells_count(c->w, c->h);
	/* At most 4 bytes a cell, plus a newline a row and the NUL. */
	char *out = malloc(n * 4 + (size_t)c->h + 1);
	if (out == NULL)
		return NULL;
	char *p = out;
	for (int y = 0; y < c->h; y++) {
		for (int x = 0; x < c->w; x++) {
			uint32_t ch = c->cells[(size_t)y * (size_t)c->w + (size_t)x].ch;
			if (ch != 0)
				p += utf8_encode(ch, p);
		}
		*p++ = '\n';
	}
	*p = '\0';
	return out;
}
