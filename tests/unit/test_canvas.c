/* test_canvas.c: the off-screen grid: clipping at every edge, trusted UTF-8
 * text (multi-byte, wide, malformed), resizing, and the text dump. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "view/canvas.h"

static char *last_dump;

/* The dump of c, valid until the next call (or dump_release). */
static const char *dump(const canvas *c)
{
	free(last_dump);
	last_dump = canvas_dump(c);
	assert_non_null(last_dump);
	return last_dump;
}

/* Frees the last dump after each test, so leak checkers stay quiet. */
static int dump_release(void **state)
{
	(void)state;
	free(last_dump);
	last_dump = NULL;
	return 0;
}

static void test_new_and_dump(void **state)
{
	(void)state;
	canvas *c = canvas_new(0, 0);
	assert_non_null(c);
	assert_string_equal(dump(c), "");
	canvas_free(c);

	c = canvas_new(-3, 5); /* a negative size is an empty canvas */
	assert_non_null(c);
	assert_int_equal(c->w, 0);
	assert_int_equal(c->h, 0);
	canvas_free(c);
	canvas_free(NULL);

	c = canvas_new(3, 2);
	assert_non_null(c);
	/* Blank, trailing spaces kept, every row ends in a newline. */
	assert_string_equal(dump(c), "   \n   \n");
	const canvas_cell *cell = canvas_at(c, 2, 1);
	assert_non_null(cell);
	assert_int_equal(cell->ch, ' ');
	assert_int_equal(cell->color, CANVAS_DEFAULT);
	assert_int_equal(cell->attr, 0);
	canvas_free(c);
}

static void test_put_clips(void **state)
{
	(void)state;
	canvas *c = canvas_new(4, 3);
	assert_non_null(c);
	canvas_put(c, 0, 0, 'a', CANVAS_AREA, 0);
	canvas_put(c, 3, 0, 'b', CANVAS_PEAK, CANVAS_BOLD);
	canvas_put(c, 0, 2, 'c', CANVAS_AXIS, 0);
	canvas_put(c, 3, 2, 'd', CANVAS_WARN, CANVAS_REVERSE);
	/* Just outside each edge, and far outside: ignored. */
	canvas_put(c, -1, 0, 'x', 0, 0);
	canvas_put(c, 4, 0, 'x', 0, 0);
	canvas_put(c, 0, -1, 'x', 0, 0);
	canvas_put(c, 0, 3, 'x', 0, 0);
	canvas_put(c, INT_MIN, INT_MAX, 'x', 0, 0);
	assert_string_equal(dump(c), "a  b\n    \nc  d\n");
	assert_int_equal(canvas_at(c, 3, 0)->color, CANVAS_PEAK);
	assert_int_equal(canvas_at(c, 3, 0)->attr, CANVAS_BOLD);
	assert_int_equal(canvas_at(c, 3, 2)->attr, CANVAS_REVERSE);
	assert_null(canvas_at(c, -1, 0));
	assert_null(canvas_at(c, 4, 0));
	assert_null(canvas_at(c, 0, 3));
	assert_null(canvas_at(NULL, 0, 0));
	canvas_free(c);
}

static void test_fill_clips(void **state)
{
	(void)state;
	canvas *c = canvas_new(5, 4);
	assert_non_null(c);
	canvas_fill(c, -2, -1, 4, 3, '#', CANVAS_AREA, 0);
	assert_string_equal(dump(c), "##   \n##   \n     \n     \n");
	canvas_fill(c, 3, 2, 100, 100, '=', CANVAS_AXIS, 0);
	assert_string_equal(dump(c), "##   \n##   \n   ==\n   ==\n");
	/* Empty, negative and absurd rectangles change nothing. */
	canvas_fill(c, 1, 1, 0, 3, '!', 0, 0);
	canvas_fill(c, 1, 1, -4, 3, '!', 0, 0);
	canvas_fill(c, INT_MAX, INT_MAX, INT_MAX, INT_MAX, '!', 0, 0);
	canvas_fill(c, 10, 0, 2, 2, '!', 0, 0);
	assert_string_equal(dump(c), "##   \n##   \n   ==\n   ==\n");
	assert_int_equal(canvas_at(c, 4, 3)->color, CANVAS_AXIS);
	canvas_clear(c);
	assert_string_equal(dump(c), "     \n     \n     \n     \n");
	assert_int_equal(canvas_at(c, 4, 3)->color, CANVAS_DEFAULT);
	canvas_free(c);
}

static void test_text_clips(void **state)
{
	(void)state;
	canvas *c = canvas_new(6, 2);
	assert_non_null(c);
	/* Cut at the right edge; the return value counts only columns written. */
	assert_int_equal(canvas_text(c, 3, 0, 100, "abcdef", CANVAS_DIM, 0), 3);
	assert_string_equal(dump(c), "   abc\n      \n");
	assert_int_equal(canvas_at(c, 5, 0)->color, CANVAS_DIM);
	/* Cut by maxw. */
	assert_int_equal(canvas_text(c, 0, 1, 2, "xyz", 0, 0), 2);
	assert_string_equal(dump(c), "   abc\nxy    \n");
	/* Starting left of the canvas: the visible tail is drawn in place. */
	canvas_clear(c);
	assert_int_equal(canvas_text(c, -2, 0, 100, "hello", 0, 0), 5);
	assert_string_equal(dump(c), "llo   \n      \n");
	/* Rows outside, an empty string, NULL, and maxw <= 0 write nothing. */
	assert_int_equal(canvas_text(c, 0, -1, 10, "no", 0, 0), 0);
	assert_int_equal(canvas_text(c, 0, 2, 10, "no", 0, 0), 0);
	assert_int_equal(canvas_text(c, 0, 1, 10, "", 0, 0), 0);
	assert_int_equal(canvas_text(c, 0, 1, 10, NULL, 0, 0), 0);
	assert_int_equal(canvas_text(c, 0, 1, 0, "no", 0, 0), 0);
	assert_int_equal(canvas_text(c, 0, 1, -5, "no", 0, 0), 0);
	assert_string_equal(dump(c), "llo   \n      \n");
	canvas_free(c);
}

static void test_text_utf8(void **state)
{
	(void)state;
	canvas *c = canvas_new(8, 1);
	assert_non_null(c);
	/* Two-, three- and four-byte sequences, one cell each. */
	assert_int_equal(canvas_text(c, 0, 0, 8, "\xc3\xa9\xe2\x94\x82\xe2\xa3\xbf\xf0\x9d\x84\x9e", 0, 0), 4);
	assert_int_equal(canvas_at(c, 0, 0)->ch, 0xE9);
	assert_int_equal(canvas_at(c, 1, 0)->ch, 0x2502);
	assert_int_equal(canvas_at(c, 2, 0)->ch, 0x28FF);
	assert_int_equal(canvas_at(c, 3, 0)->ch, 0x1D11E);
	/* The dump encodes them back byte for byte. */
	assert_string_equal(dump(c), "\xc3\xa9\xe2\x94\x82\xe2\xa3\xbf\xf0\x9d\x84\x9e    \n");

	/* Malformed input (lone continuation, truncated sequence, overlong,
	 * surrogate) becomes U+FFFD, one per bad byte, and decoding moves on;
	 * control bytes become '?', so nothing reaches the terminal raw. */
	canvas_clear(c);
	canvas_text(c, 0, 0, 8, "\x80" "a\xe2\x94" "b\xc0\xaf\x1b\x7f", 0, 0);
	assert_int_equal(canvas_at(c, 0, 0)->ch, 0xFFFD);
	assert_int_equal(canvas_at(c, 1, 0)->ch, 'a');
	assert_int_equal(canvas_at(c, 2, 0)->ch, 0xFFFD);
	assert_int_equal(canvas_at(c, 3, 0)->ch, 0xFFFD);
	assert_int_equal(canvas_at(c, 4, 0)->ch, 'b');
	assert_int_equal(canvas_at(c, 5, 0)->ch, 0xFFFD);
	assert_int_equal(canvas_at(c, 6, 0)->ch, 0xFFFD);
	assert_int_equal(canvas_at(c, 7, 0)->ch, '?');
	canvas_clear(c);
	canvas_text(c, 0, 0, 8, "\xed\xa0\x80" "\xc2\x9b", 0, 0);
	assert_int_equal(canvas_at(c, 0, 0)->ch, 0xFFFD); /* surrogate D800: 3 bad bytes */
	assert_int_equal(canvas_at(c, 3, 0)->ch, '?');    /* C1 control U+009B (CSI) */
	canvas_free(c);
}

static void test_wide_characters(void **state)
{
	(void)state;
	canvas *c = canvas_new(5, 1);
	assert_non_null(c);
	/* U+4E2D takes two cells: itself and a 0 that the dump skips. */
	assert_int_equal(canvas_text(c, 0, 0, 5, "a\xe4\xb8\xad" "b", 0, 0), 4);
	assert_int_equal(canvas_at(c, 1, 0)->ch, 0x4E2D);
	assert_int_equal(canvas_at(c, 2, 0)->ch, 0);
	assert_int_equal(canvas_at(c, 3, 0)->ch, 'b');
	assert_string_equal(dump(c), "a\xe4\xb8\xad" "b \n");
	assert_int_equal(canvas_text_width("a\xe4\xb8\xad" "b"), 4);
	assert_int_equal(canvas_text_width(NULL), 0);

	/* Writing over either half blanks the other half. */
	canvas_put(c, 2, 0, 'R', 0, 0);
	assert_int_equal(canvas_at(c, 1, 0)->ch, ' ');
	assert_string_equal(dump(c), "a Rb \n");
	canvas_text(c, 1, 0, 5, "\xe4\xb8\xad", 0, 0);
	canvas_put(c, 1, 0, 'L', 0, 0);
	assert_int_equal(canvas_at(c, 2, 0)->ch, ' ');
	assert_string_equal(dump(c), "aL b \n");

	/* A wide character that does not fit whole is not drawn in half; one
	 * cut by the left edge leaves its visible half blank. */
	canvas_clear(c);
	assert_int_equal(canvas_text(c, 3, 0, 5, "x\xe4\xb8\xad", 0, 0), 1);
	assert_string_equal(dump(c), "   x \n");
	assert_int_equal(canvas_text(c, 0, 0, 1, "\xe4\xb8\xad", 0, 0), 0);
	assert_int_equal(canvas_text(c, 4, 0, 5, "\xe4\xb8\xad", 0, 0), 0);
	assert_string_equal(dump(c), "   x \n");
	assert_int_equal(canvas_text(c, -1, 0, 5, "\xe4\xb8\xad" "y", 0, 0), 3);
	assert_string_equal(dump(c), " y x \n");
	canvas_free(c);
}

static void test_resize(void **state)
{
	(void)state;
	canvas *c = canvas_new(2, 2);
	assert_non_null(c);
	canvas_put(c, 1, 1, 'z', CANVAS_WARN, 0);
	assert_int_equal(canvas_resize(c, 4, 1), 0);
	assert_int_equal(c->w, 4);
	assert_int_equal(c->h, 1);
	assert_string_equal(dump(c), "    \n");
	canvas_put(c, 3, 0, 'q', 0, 0);
	assert_int_equal(canvas_at(c, 3, 0)->ch, 'q');
	assert_null(canvas_at(c, 0, 1));
	assert_int_equal(canvas_resize(c, 0, 7), 0);
	assert_int_equal(c->w, 0);
	assert_string_equal(dump(c), "");
	/* A size that cannot be allocated fails and leaves the canvas as it was. */
	assert_int_equal(canvas_resize(c, 3, 1), 0);
	canvas_put(c, 0, 0, 'k', 0, 0);
	assert_int_equal(canvas_resize(c, INT_MAX, INT_MAX), -1);
	assert_int_equal(c->w, 3);
	assert_int_equal(c->h, 1);
	assert_string_equal(dump(c), "k  \n");
	assert_null(canvas_new(INT_MAX, INT_MAX));
	canvas_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_and_dump),
		cmocka_unit_test(test_put_clips),
		cmocka_unit_test(test_fill_clips),
		cmocka_unit_test(test_text_clips),
		cmocka_unit_test(test_text_utf8),
		cmocka_unit_test(test_wide_characters),
		cmocka_unit_test(test_resize),
	};
	return cmocka_run_group_tests(tests, NULL, dump_release);
}
