/* test_lines.c: the one line splitter: lines across feeds, CRLF, a line
 * longer than the limit in pieces (none lost), the end of the input. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "base/lines.h"

/* The lines handed on, joined with '|'. */
typedef struct got {
	char text[4096];
	size_t n;
} got;

static void collect(void *ctx, const char *line, size_t len)
{
	got *g = ctx;
	int w = snprintf(g->text + strlen(g->text), sizeof g->text - strlen(g->text), "%s%.*s",
	                 g->n ? "|" : "", (int)len, line);
	assert_true(w >= 0);
	g->n++;
}

/* Feeds text in pieces of step bytes, then ends it. */
static void split(const char *text, size_t max, size_t step, got *g)
{
	lines l;
	lines_init(&l, max);
	memset(g, 0, sizeof *g);
	size_t n = strlen(text);
	for (size_t at = 0; at < n; at += step)
		assert_int_equal(lines_feed(&l, text + at, at + step < n ? step : n - at, collect, g), 0);
	lines_end(&l, collect, g);
	lines_free(&l);
}

static void test_whole_and_split(void **state)
{
	(void)state;
	got g;
	for (size_t step = 1; step <= 20; step++) {
		split("one\ntwo\r\nthree\n\nlast", 100, step, &g);
		assert_string_equal(g.text, "one|two|three||last");
		assert_int_equal(g.n, 5);
	}
}

/* A '\r' that ends no line stays: it is part of the text. */
static void test_lone_cr(void **state)
{
	(void)state;
	got g;
	split("a\rb\n\r\n", 100, 3, &g);
	assert_string_equal(g.text, "a\rb|");
}

/* Longer than max: pieces of max bytes, the newline ends the last piece
 * (no empty line after a piece that fills max exactly). */
static void test_long_line(void **state)
{
	(void)state;
	got g;
	for (size_t step = 1; step <= 12; step++) {
		split("abcdefghij\nxy\n", 4, step, &g);
		assert_string_equal(g.text, "abcd|efgh|ij|xy");
		split("abcdefgh\nxy\n", 4, step, &g);
		assert_string_equal(g.text, "abcd|efgh|xy");
	}
}

static void test_pending(void **state)
{
	(void)state;
	lines l;
	got g;
	memset(&g, 0, sizeof g);
	lines_init(&l, 64);
	assert_false(lines_pending(&l));
	lines_feed(&l, "ab", 2, collect, &g);
	assert_true(lines_pending(&l));
	assert_int_equal(g.n, 0);
	lines_feed(&l, "c\n", 2, collect, &g);
	assert_false(lines_pending(&l));
	assert_string_equal(g.text, "abc");
	lines_end(&l, collect, &g);
	assert_int_equal(g.n, 1);
	lines_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_and_split),
		cmocka_unit_test(test_lone_cr),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_pending),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
