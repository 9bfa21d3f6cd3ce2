/* golden.h: golden files for the unit tests of pure drawing (chart, view):
 * a canvas is compared with NAME.txt (canvas_dump, what a person sees) and
 * NAME.colors (one letter a cell for its colour, upper case when an
 * attribute is set) in tests/fixtures/GOLDEN_DIR/ ($MEMLOG_FIXTURES for
 * another root; the tests run from the top of the tree). GENERATE=1
 * rewrites the files instead of comparing: look at them before committing.
 * Define GOLDEN_DIR, then include this after cmocka.h and canvas.h. */
#ifndef MEMLOG_TEST_GOLDEN_H
#define MEMLOG_TEST_GOLDEN_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Path of a golden file ($MEMLOG_FIXTURES, default tests/fixtures, run from the repo root). */
static const char *fixture(const char *name)
{
	static char path[4096];
	const char *dir = getenv("MEMLOG_FIXTURES");
	snprintf(path, sizeof path, "%s/%s/%s", dir != NULL && *dir ? dir : "tests/fixtures", GOLDEN_DIR, name);
	return path;
}

/* The whole of a file, or NULL when it cannot be read. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	size_t got;
	while (buf != NULL && (got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += got;
		if (cap - len - 1 == 0)
			buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	if (buf != NULL)
		buf[len] = '\0';
	return buf;
}

/* One letter for a cell's colour, upper case when it has an attribute. */
static char color_letter(const canvas_cell *cell)
{
	static const char letters[CANVAS_NCOLORS] = {
		[CANVAS_DEFAULT] = '.', [CANVAS_AREA] = 'a', [CANVAS_PEAK] = 'p',
		[CANVAS_LINE2] = 'l', [CANVAS_AXIS] = 'x', [CANVAS_MARKER] = 'm',
		[CANVAS_CURSOR] = 'c', [CANVAS_HEADER] = 'h', [CANVAS_DIM] = 'd',
		[CANVAS_ESCAPE] = 'e', [CANVAS_MATCH] = 's', [CANVAS_WARN] = 'w',
	};
	if (cell->color == CANVAS_DEFAULT && cell->ch == ' ' && cell->attr == 0)
		return ' ';
	char c = cell->color < CANVAS_NCOLORS ? letters[cell->color] : '?';
	return cell->attr != 0 && c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* The colour map of a canvas: one letter a cell, one line a row. */
static char *color_dump(const canvas *cv)
{
	char *out = malloc((size_t)cv->w * (size_t)cv->h + (size_t)cv->h + 1);
	assert_non_null(out);
	char *p = out;
	for (int y = 0; y < cv->h; y++) {
		for (int x = 0; x < cv->w; x++)
			*p++ = color_letter(canvas_at(cv, x, y));
		*p++ = '\n';
	}
	*p = '\0';
	return out;
}

/* Compares text with golden file name, or rewrites it under GENERATE=1. */
static void golden_text(const char *name, const char *got)
{
	const char *path = fixture(name);
	const char *gen = getenv("GENERATE");
	if (gen != NULL && strcmp(gen, "1") == 0) {
		FILE *f = fopen(path, "wb");
		if (f == NULL)
			fail_msg("cannot write %s: %s", path, strerror(errno));
		fputs(got, f);
		assert_int_equal(fclose(f), 0);
		return;
	}
	char *want = slurp(path);
	if (want == NULL)
		fail_msg("missing golden file %s (run with GENERATE=1 to create it)", path);
	if (strcmp(want, got) != 0) {
		print_message("# golden %s differs; got:\n%s", path, got);
		free(want);
		fail_msg("output differs from %s", path);
	}
	free(want);
}

/* Compares a canvas with NAME.txt (its dump) and NAME.colors (its colours). */
static void golden_canvas(const char *name, const canvas *cv)
{
	char file[256];
	char *dump = canvas_dump(cv), *colors = color_dump(cv);
	assert_non_null(dump);
	snprintf(file, sizeof file, "%s.txt", name);
	golden_text(file, dump);
	snprintf(file, sizeof file, "%s.colors", name);
	golden_text(file, colors);
	free(dump);
	free(colors);
}

#endif
