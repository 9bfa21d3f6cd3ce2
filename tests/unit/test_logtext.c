/* test_logtext.c: log text made safe for the terminal: exact cells for known
 * inputs, horizontal scrolling, widths, search, and the safety property (only
 * printable characters ever reach the canvas) over hostile fixture files and
 * random bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>

#include "view/canvas.h"
#include "view/logtext.h"

/* U+FFFD in UTF-8. */
#define R "\xef\xbf\xbd"

/* The colour log text is drawn in, so that it differs from blank cells. */
#define TEXT_COLOR CANVAS_DIM
#define TEXT_ATTR CANVAS_BOLD

/* The sentinel that cells not drawn must keep. */
#define SENTINEL '#'

/* Returns the fixture root: $MEMLOG_FIXTURES, else tests/fixtures (tests run from the repo root). */
static const char *fixtures(void)
{
	const char *f = getenv("MEMLOG_FIXTURES");
	return f && *f ? f : "tests/fixtures";
}

/* Reads a whole file into a malloc'd buffer; *len gets its size. */
static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		print_error("cannot open %s\n", path);
	assert_non_null(f);
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	fclose(f);
	*len = n;
	return buf;
}

/* Appends the UTF-8 encoding of cp to out. */
static size_t put_utf8(char *out, uint32_t cp)
{
	unsigned char *o = (unsigned char *)out;
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Resets cells x0..x1-1 of row y to the sentinel. */
static void reset_row(canvas *cv, int y, int x0, int x1)
{
	canvas_fill(cv, x0, y, x1 - x0, 1, SENTINEL, CANVAS_WARN, 0);
}

/* The cells x..x+n-1 of row y as UTF-8 (right halves of wide characters
 * left out), and in mask one letter a cell: 'e' escape colour, 'n' text
 * colour, '?' anything else. */
static void row_text(const canvas *cv, int y, int x, int n, char *text, char *mask)
{
	size_t t = 0;
	for (int i = 0; i < n; i++) {
		const canvas_cell *c = canvas_at(cv, x + i, y);
		assert_non_null(c);
		if (c->ch != 0)
			t += put_utf8(text + t, c->ch);
		mask[i] = c->color == CANVAS_ESCAPE ? 'e' : c->color == TEXT_COLOR ? 'n' : '?';
	}
	text[t] = '\0';
	mask[n] = '\0';
}

/* Draws text with maxw and skip at x 2 of a fresh row and asserts the drawn
 * cells read want (and, when given, the colour mask), that want_cols columns
 * were used, and that no cell outside them changed. */
static void expect_full(const char *text, size_t len, int maxw, int skip, bool utf8,
                        const char *want, const char *want_mask, int want_cols)
{
	canvas *cv = canvas_new(200, 3);
	assert_non_null(cv);
	reset_row(cv, 1, 0, cv->w);
	int cols = logtext_draw(cv, 2, 1, maxw, skip, text, len, utf8, TEXT_COLOR, TEXT_ATTR);
	char got[1024], mask[256];
	row_text(cv, 1, 2, cols, got, mask);
	if (cols != want_cols || strcmp(got, want) != 0 || (want_mask && strcmp(mask, want_mask) != 0))
		print_error("draw(maxw %d, skip %d, %s): got %d cols \"%s\" [%s], want %d \"%s\" [%s]\n",
		            maxw, skip, utf8 ? "utf8" : "ascii", cols, got, mask, want_cols, want,
		            want_mask ? want_mask : "-");
	assert_int_equal(cols, want_cols);
	assert_string_equal(got, want);
	if (want_mask)
		assert_string_equal(mask, want_mask);
	for (int i = 0; i < cv->w; i++) {
		const canvas_cell *c = canvas_at(cv, i, 1);
		if (i >= 2 && i < 2 + cols) {
			assert_int_equal(c->attr, TEXT_ATTR);
			continue;
		}
		assert_int_equal(c->ch, SENTINEL);
		assert_int_equal(c->color, CANVAS_WARN);
	}
	for (int i = 0; i < cv->w; i++) {
		assert_int_equal(canvas_at(cv, i, 0)->ch, ' ');
		assert_int_equal(canvas_at(cv, i, 2)->ch, ' ');
	}
	canvas_free(cv);
}

/* expect_full for a NUL-terminated input drawn whole (maxw 150, no skip). */
static void expect(const char *text, bool utf8, const char *want, const char *want_mask, int want_cols)
{
	expect_full(text, strlen(text), 150, 0, utf8, want, want_mask, want_cols);
}

static void test_plain_text(void **state)
{
	(void)state;
	expect("hello, world", true, "hello, world", "nnnnnnnnnnnn", 12);
	expect("hello, world", false, "hello, world", "nnnnnnnnnnnn", 12);
	expect("", true, "", "", 0);
	expect_full(NULL, 0, 10, 0, true, "", "", 0);
	assert_int_equal(logtext_width("hello", 5, true), 5);
	assert_int_equal(logtext_width(NULL, 0, true), 0);
}

static void test_escape_sequences(void **state)
{
	(void)state;
	expect("\x1b[31mERROR\x1b[0m", true, "^[[31mERROR^[[0m", "eennnnnnnnneennn", 16);
	expect("\x1b]0;title\x07 x", true, "^[]0;title^G x", "eennnnnnnneenn", 14);
	expect("\x1b]2;t\x1b\\", true, "^[]2;t^[\\", "eennnneen", 9);
	expect("\x1b[2J\x1b[10;20H", true, "^[[2J^[[10;20H", "eennneennnnnnn", 14);
	expect("\x1b" "c", true, "^[c", "een", 3);
	expect("\x1bP+q\x1b\\", true, "^[P+q^[\\", "eennneen", 8);
	expect("\x1b", false, "^[", "ee", 2);
	expect("\x1b[1m", false, "^[[1m", "eennn", 5);
}

static void test_controls(void **state)
{
	(void)state;
	expect_full("a\0b", 3, 80, 0, true, "a^@b", "neen", 4);
	expect_full("\0\0", 2, 80, 0, false, "^@^@", "eeee", 4);
	expect("\x07\x08\r\x7f\x1f\x01", true, "^G^H^M^?^_^A", "eeeeeeeeeeee", 12);
	expect("x\r", true, "x^M", "nee", 3);
	expect("\x7f", false, "^?", "ee", 2);
	expect("\n\x0b\x0c", true, "^J^K^L", "eeeeee", 6);
}

static void test_c1_controls(void **state)
{
	(void)state;
	/* Encoded as UTF-8 they are characters, shown as their code. */
	expect("\xc2\x9b" "31m", true, "<9b>31m", "eeeennn", 7);
	expect("\xc2\x80\xc2\x85\xc2\x9f", true, "<80><85><9f>", "eeeeeeeeeeee", 12);
	expect("\xc2\x9b", false, "<9b>", "eeee", 4);
	/* As raw bytes they are invalid UTF-8. */
	expect("\x9b" "31m", true, R "31m", "ennn", 4);
	expect("\x9b\x9d", false, "??", "ee", 2);
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	expect("\xc0\xaf", true, R R, "ee", 2);                       /* overlong '/' */
	expect("\xc1\xbf", true, R R, "ee", 2);                       /* overlong */
	expect("\xe0\x80\xaf", true, R R R, "eee", 3);                /* overlong 3 */
	expect("\xe0\x9f\xbf", true, R R R, "eee", 3);                /* overlong U+07FF */
	expect("\xf0\x8f\xbf\xbf", true, R R R R, "eeee", 4);         /* overlong U+FFFF */
	expect("\xed\xa0\x80", true, R R R, "eee", 3);                /* surrogate D800 */
	expect("\xed\xbf\xbf", true, R R R, "eee", 3);                /* surrogate DFFF */
	expect("\xf4\x90\x80\x80", true, R R R R, "eeee", 4);         /* U+110000 */
	expect("\xf5\x80\x80\x80", true, R R R R, "eeee", 4);
	expect("\xf8\x88\x80\x80\x80", true, R R R R R, "eeeee", 5);  /* 5-byte form */
	expect("\xfe\xff", true, R R, "ee", 2);
	expect("\x80\xbf", true, R R, "ee", 2);                       /* lone continuations */
	expect("a\xe2\x82", true, "a" R R, "nee", 3);                 /* truncated at the end */
	expect("\xe2\x82" "A", true, R R "A", "een", 3);              /* truncated mid-line */
	expect("\xf0\x9f\x98" "b", true, R R R "b", "eeen", 4);
	expect("\xc3", true, R, "e", 1);
	expect("\xe2\x82" "A", false, "??A", "een", 3);
	/* The edges of the valid ranges decode. */
	expect("\xc2\xa0", true, "\xc2\xa0", "n", 1);                 /* U+00A0 */
	/* ASCII mode shows each valid character as one '?', whatever wcwidth says. */
	expect("\xed\x9f\xbf", false, "?", "e", 1);                     /* U+D7FF */
	expect("\xe0\xa0\x80", false, "?", "e", 1);                     /* U+0800 */
	expect("\xf0\x90\x80\x80", false, "?", "e", 1);                 /* U+10000 */
	expect("\xf4\x8f\xbf\xbf", false, "?", "e", 1);                 /* U+10FFFF */
	expect("\xdf\xbf", false, "?", "e", 1);                         /* U+07FF */
	expect("\xee\x80\x80", true, "\xee\x80\x80", "n", 1);         /* U+E000 */
	expect("\xef\xbf\xbd", true, R, "n", 1);                      /* a real U+FFFD */
	expect("\xf4\x8f\xbf\xbf", true, "<U+10FFFF>", "eeeeeeeeee", 10);
	expect("\xef\xbf\xbf", true, "<U+FFFF>", "eeeeeeee", 8);
}

static void test_tabs(void **state)
{
	(void)state;
	expect("a\tb", true, "a       b", "nnnnnnnnn", 9);
	expect("\t", true, "        ", "nnnnnnnn", 8);
	expect("12345678\tx", true, "12345678        x", NULL, 17);
	expect("1234567\tx", true, "1234567 x", NULL, 9);
	expect("\x1b\tx", true, "^[      x", "eennnnnnn", 9);
	expect("a\tb", false, "a       b", NULL, 9);
	/* Tab stops count from the start of the line, not from the first column shown. */
	expect_full("abc\tX", 5, 20, 2, true, "c     X", NULL, 7);
	expect_full("abc\tX", 5, 20, 5, true, "   X", NULL, 4);
	expect_full("abc\tX", 5, 4, 1, true, "bc  ", NULL, 4);
	assert_int_equal(logtext_width("a\tb\t", 4, true), 16);
	assert_int_equal(logtext_width("\t\t", 2, false), 16);
}

static void test_wide_chars(void **state)
{
	(void)state;
	const char *cjk = "中文字"; /* three wide characters */
	expect(cjk, true, "中文字", "nnnnnn", 6);
	expect(cjk, false, "???", "eee", 3);
	/* Never split by the right edge: the half that fits is blank. */
	expect_full(cjk, strlen(cjk), 5, 0, true, "中文 ", "nnnnn", 5);
	expect_full(cjk, strlen(cjk), 1, 0, true, " ", "n", 1);
	expect_full(cjk, strlen(cjk), 4, 0, true, "中文", "nnnn", 4);
	/* Nor by skip. */
	expect_full(cjk, strlen(cjk), 10, 1, true, " 文字", "nnnnn", 5);
	expect_full(cjk, strlen(cjk), 10, 2, true, "文字", "nnnn", 4);
	expect_full(cjk, strlen(cjk), 2, 3, true, "  ", "nn", 2);
	expect_full(cjk, strlen(cjk), 3, 1, true, " 文", "nnn", 3);
	expect("x\xf0\x9f\x98\x80y", true, "x\xf0\x9f\x98\x80y", "nnnn", 4); /* U+1F600 */
	expect("\xe3\x80\x80", true, "\xe3\x80\x80", "nn", 2);               /* U+3000 */
	assert_int_equal(logtext_width(cjk, strlen(cjk), true), 6);
	assert_int_equal(logtext_width(cjk, strlen(cjk), false), 3);

	/* The right half of a wide character is a 0 cell in the same colour. */
	canvas *cv = canvas_new(10, 1);
	assert_non_null(cv);
	assert_int_equal(logtext_draw(cv, 0, 0, 10, 0, "中", 3, true, TEXT_COLOR, 0), 2);
	assert_int_equal(canvas_at(cv, 0, 0)->ch, 0x4e2d);
	assert_int_equal(canvas_at(cv, 1, 0)->ch, 0);
	assert_int_equal(canvas_at(cv, 1, 0)->color, TEXT_COLOR);
	assert_int_equal(canvas_at(cv, 2, 0)->ch, ' ');
	canvas_free(cv);
}

static void test_zero_width(void **state)
{
	(void)state;
	expect("e\xcc\x81", true, "e<U+0301>", "neeeeeeee", 9);                /* combining acute */
	expect("a\xe2\x80\x8d" "b", true, "a<U+200D>b", "neeeeeeeen", 10);      /* ZWJ */
	expect("\xe2\x80\x8b", true, "<U+200B>", "eeeeeeee", 8);
	expect("\xe2\x80\xae" "abc", true, "<U+202E>abc", "eeeeeeeennn", 11);  /* RTL override */
	expect("\xe2\x81\xa6\xe2\x81\xa9", true, "<U+2066><U+2069>", NULL, 16);
	expect("\xef\xbb\xbf", true, "<U+FEFF>", NULL, 8);                      /* BOM */
	expect("\xc2\xad", true, "<U+00AD>", NULL, 8);                          /* soft hyphen */
	expect("\xd8\x9c", true, "<U+061C>", NULL, 8);                          /* arabic letter mark */
	expect("\xe2\x80\xa8", true, "<U+2028>", NULL, 8);                      /* line separator */
	expect("\xf3\xa0\x80\x81", true, "<U+E0001>", NULL, 9);                 /* language tag */
	expect("\xef\xb8\x8f", true, "<U+FE0F>", NULL, 8);                      /* variation selector */
	expect("e\xcc\x81", false, "e?", "ne", 2);
	expect("\xe2\x80\xae", false, "?", "e", 1);
	assert_int_equal(logtext_width("e\xcc\x81", 3, true), 9);
}

static void test_ascii_mode(void **state)
{
	(void)state;
	expect("h\xc3\xa9llo", false, "h?llo", "nennn", 5);
	expect("h\xc3\xa9llo", true, "h\xc3\xa9llo", "nnnnn", 5);
	expect("\xf0\x9f\x98\x80!", false, "?!", "en", 2);
	expect("\xff\xfe", false, "??", "ee", 2);
	expect(" ~", false, " ~", "nn", 2);
	expect("\x1b[0m\xe4\xb8\xad\t|", false, "^[[0m?  |", "eennnennn", 9);
	assert_int_equal(logtext_width("\xe4\xb8\xad\xe6\x96\x87", 6, false), 2);
	assert_int_equal(logtext_width("\xc2\x9b", 2, false), 4);
}

static void test_skip_and_clip(void **state)
{
	(void)state;
	const char *s = "\x1b[1mbold";
	expect_full(s, strlen(s), 80, 1, true, "[[1mbold", "ennnnnnn", 8);
	expect_full(s, strlen(s), 80, 2, true, "[1mbold", "nnnnnnn", 7);
	expect_full(s, strlen(s), 3, 0, true, "^[[", "een", 3);
	expect_full(s, strlen(s), 1, 1, true, "[", "e", 1);
	expect_full(s, strlen(s), 80, 9, true, "", "", 0);
	expect_full(s, strlen(s), 80, 1000, true, "", "", 0);
	expect_full(s, strlen(s), 80, -5, true, "^[[1mbold", NULL, 9);
	expect_full(s, strlen(s), 0, 0, true, "", "", 0);
	expect_full(s, strlen(s), -3, 0, true, "", "", 0);
	/* An escape cut by skip shows its visible part. */
	expect_full("\xe2\x80\xae", 3, 80, 3, true, "202E>", "eeeee", 5);
	expect_full("a\xe2\x80\xae", 4, 4, 0, true, "a<U+", "neee", 4);

	/* Clipped to the canvas: at the right edge, and nothing outside it. */
	canvas *cv = canvas_new(6, 2);
	assert_non_null(cv);
	assert_int_equal(logtext_draw(cv, 2, 0, 80, 0, "abcdefgh", 8, true, TEXT_COLOR, 0), 4);
	assert_int_equal(canvas_at(cv, 5, 0)->ch, 'd');
	assert_int_equal(logtext_draw(cv, 4, 1, 80, 0, "\xe4\xb8\xad\xe4\xb8\xad", 6, true, TEXT_COLOR, 0), 2);
	assert_int_equal(canvas_at(cv, 4, 1)->ch, 0x4e2d);
	assert_int_equal(logtext_draw(cv, 5, 1, 80, 0, "\xe4\xb8\xad", 3, true, TEXT_COLOR, 0), 1);
	assert_int_equal(canvas_at(cv, 5, 1)->ch, ' ');
	assert_int_equal(logtext_draw(cv, 6, 0, 80, 0, "abc", 3, true, TEXT_COLOR, 0), 0);
	assert_int_equal(logtext_draw(cv, 0, 2, 80, 0, "abc", 3, true, TEXT_COLOR, 0), 0);
	assert_int_equal(logtext_draw(cv, 0, -1, 80, 0, "abc", 3, true, TEXT_COLOR, 0), 0);
	assert_int_equal(logtext_draw(NULL, 0, 0, 80, 0, "abc", 3, true, TEXT_COLOR, 0), 0);
	canvas_free(cv);
}

static void test_width(void **state)
{
	(void)state;
	assert_int_equal(logtext_width("\x1b[31m", 5, true), 6);
	assert_int_equal(logtext_width("\0", 1, true), 2);
	assert_int_equal(logtext_width("\xc2\x9b", 2, true), 4);
	assert_int_equal(logtext_width("\x9b", 1, true), 1);
	assert_int_equal(logtext_width("\xe2\x80\xae", 3, true), 8);
	assert_int_equal(logtext_width("\xf0\x9f\x98\x80", 4, true), 2);
	assert_int_equal(logtext_width("\xf0\x9f\x98\x80", 4, false), 1);
	assert_int_equal(logtext_width("ab\tc", 4, true), 9);
	/* Stops at len, even inside a character. */
	assert_int_equal(logtext_width("\xf0\x9f\x98\x80", 3, true), 3);
	assert_int_equal(logtext_width("abc", 2, true), 2);
}

static void test_find(void **state)
{
	(void)state;
	const char *s = "2026 ERROR: Disk Full; error again";
	size_t n = strlen(s);
	assert_int_equal(logtext_find(s, n, "error"), 5);
	assert_int_equal(logtext_find(s, n, "ERROR"), 5);
	assert_int_equal(logtext_find(s, n, "disk full"), 12);
	assert_int_equal(logtext_find(s, n, "again"), 29);
	assert_int_equal(logtext_find(s, n, "gain!"), -1);
	assert_int_equal(logtext_find(s, n, "missing"), -1);
	assert_int_equal(logtext_find(s, n, ""), 0);
	assert_int_equal(logtext_find(s, n, NULL), 0);
	assert_int_equal(logtext_find(s, 9, "error"), -1);  /* only within len */
	assert_int_equal(logtext_find(s, 10, "error"), 5);
	assert_int_equal(logtext_find("", 0, "a"), -1);
	assert_int_equal(logtext_find(NULL, 0, "a"), -1);
	assert_int_equal(logtext_find("aaab", 4, "AAB"), 1);
	/* Bytes after a NUL are still searched; non-ASCII matches only exactly. */
	assert_int_equal(logtext_find("a\0bC", 4, "bc"), 2);
	assert_int_equal(logtext_find("x\xc3\xa9y", 4, "\xc3\xa9"), 1);
	assert_int_equal(logtext_find("x\xc3\xa9y", 4, "\xc3\x89"), -1);
	/* Case folding is ASCII only: '@' and '`' are not letters. */
	assert_int_equal(logtext_find("@[", 2, "`["), -1);
	assert_int_equal(logtext_find("X[", 2, "x{"), -1);
	assert_int_equal(logtext_find("az", 2, "AZ"), 0);
	assert_int_equal(logtext_find("\x1b[31m", 5, "[31M"), 1);
}

/* Whether cell ch may be sent to a terminal as a character of its own. */
static bool safe_char(uint32_t ch)
{
	if (ch < 0x20 || ch == 0x7f || (ch >= 0x80 && ch <= 0x9f))
		return false;
	if ((ch >= 0xd800 && ch <= 0xdfff) || ch > 0x10ffff)
		return false;
	return iswprint((wint_t)ch) && wcwidth((wchar_t)ch) >= 1;
}

/* Prints the input of a failed property check. */
static void report_input(const char *text, size_t len, int maxw, int skip, bool utf8, const char *why,
                         int cell)
{
	print_error("%s at cell %d (maxw %d skip %d %s), input (%zu bytes):", why, cell, maxw, skip,
	            utf8 ? "utf8" : "ascii", len);
	for (size_t i = 0; i < len && i < 200; i++)
		print_error(" %02x", (unsigned char)text[i]);
	print_error("\n");
}

/* Asserts the safety and consistency properties of one draw of text at
 * x 1 of row y: every cell is a printable character or the right half of a
 * wide one, the columns used match logtext_width, nothing outside them
 * changed. Returns the columns used. */
static int check_draw(canvas *cv, int y, int maxw, int skip, const char *text, size_t len, bool utf8,
                      size_t width)
{
	const int x0 = 1;
	int clip = maxw < cv->w - x0 ? maxw : cv->w - x0;
	reset_row(cv, y, 0, clip + 2 < cv->w ? clip + 2 : cv->w);
	int cols = logtext_draw(cv, x0, y, maxw, skip, text, len, utf8, TEXT_COLOR, TEXT_ATTR);

	size_t want = width > (size_t)skip ? width - (size_t)skip : 0;
	if (want > (size_t)(clip > 0 ? clip : 0))
		want = (size_t)(clip > 0 ? clip : 0);
	if ((size_t)cols != want) {
		report_input(text, len, maxw, skip, utf8, "wrong column count", cols);
		fail();
	}
	for (int i = -x0; i < cols + 1 && x0 + i < cv->w; i++) {
		const canvas_cell *c = canvas_at(cv, x0 + i, y);
		if (i < 0 || i >= cols) {
			if (c->ch != SENTINEL || c->color != CANVAS_WARN) {
				report_input(text, len, maxw, skip, utf8, "cell outside the text changed", i);
				fail();
			}
			continue;
		}
		if (c->attr != TEXT_ATTR || (c->color != TEXT_COLOR && c->color != CANVAS_ESCAPE)) {
			report_input(text, len, maxw, skip, utf8, "wrong colour or attribute", i);
			fail();
		}
		if (c->ch == 0) {
			const canvas_cell *left = i > 0 ? canvas_at(cv, x0 + i - 1, y) : NULL;
			if (!utf8 || left == NULL || left->ch == 0 || wcwidth((wchar_t)left->ch) != 2) {
				report_input(text, len, maxw, skip, utf8, "orphan right half", i);
				fail();
			}
			continue;
		}
		if (!safe_char(c->ch) || (!utf8 && c->ch > 0x7e)) {
			report_input(text, len, maxw, skip, utf8, "unsafe character", i);
			fail();
		}
		if (wcwidth((wchar_t)c->ch) == 2) {
			const canvas_cell *right = i + 1 < cols ? canvas_at(cv, x0 + i + 1, y) : NULL;
			if (right == NULL || right->ch != 0) {
				report_input(text, len, maxw, skip, utf8, "wide character without its right half", i);
				fail();
			}
		}
	}
	return cols;
}

/* Asserts that a scrolled, narrow draw (row 1) shows the same cells as the
 * whole line drawn unscrolled (row 0), except for wide characters cut by an
 * edge, which must be blank. */
static void check_slice(const canvas *cv, int skip, int cols, const char *text, size_t len, bool utf8)
{
	for (int i = 0; i < cols; i++) {
		const canvas_cell *part = canvas_at(cv, 1 + i, 1);
		const canvas_cell *whole = canvas_at(cv, 1 + skip + i, 0);
		if (part->ch == whole->ch && part->color == whole->color)
			continue;
		bool cut_left = i == 0 && whole->ch == 0;
		bool cut_right = i == cols - 1 && whole->ch != 0 && wcwidth((wchar_t)whole->ch) == 2;
		if (part->ch == ' ' && (cut_left || cut_right))
			continue;
		report_input(text, len, cols, skip, utf8, "scrolled view differs from the whole line", i);
		fail();
	}
}

/* Runs the property checks on one line in both modes at many widths and skips. */
static void check_line(canvas *cv, const char *text, size_t len, const int *maxws, int nmaxw,
                       const int *skips, int nskip)
{
	for (int m = 0; m < 2; m++) {
		bool utf8 = m == 0;
		size_t width = logtext_width(text, len, utf8);
		bool whole = width + 2 <= (size_t)cv->w;
		if (whole)
			check_draw(cv, 0, cv->w, 0, text, len, utf8, width);
		for (int a = 0; a < nmaxw; a++) {
			for (int b = 0; b < nskip; b++) {
				int cols = check_draw(cv, 1, maxws[a], skips[b], text, len, utf8, width);
				if (whole)
					check_slice(cv, skips[b], cols, text, len, utf8);
			}
		}
	}
}

/* Runs check_line on every line of buf. Returns the longest line's length. */
static size_t check_lines(canvas *cv, const char *buf, size_t len, const int *maxws, int nmaxw,
                          const int *skips, int nskip)
{
	size_t longest = 0;
	size_t start = 0;
	while (start <= len) {
		const char *nl = memchr(buf + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - buf) : len;
		check_line(cv, buf + start, end - start, maxws, nmaxw, skips, nskip);
		if (end - start > longest)
			longest = end - start;
		start = end + 1;
	}
	return longest;
}

/* Splits buf into lines; fills lines[] (pointers into buf) and lens[]; returns the count. */
static int split_lines(char *buf, size_t len, char **lines, size_t *lens, int max)
{
	int n = 0;
	size_t start = 0;
	while (start <= len && n < max) {
		char *nl = memchr(buf + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - buf) : len;
		lines[n] = buf + start;
		lens[n] = end - start;
		n++;
		start = end + 1;
	}
	return n;
}

static void test_hostile_fixture(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof path, "%s/logtext/hostile.log", fixtures());
	size_t len;
	char *buf = read_all(path, &len);
	char *lines[64];
	size_t lens[64];
	int n = split_lines(buf, len, lines, lens, 64);
	assert_int_equal(n, 23);

	/* What a few of its lines look like, exactly. */
	expect_full(lines[1], lens[1], 100, 0, true, "^[[31mERROR^[[0m disk ^[[1;33mfull^[[m", NULL, 38);
	expect_full(lines[2], lens[2], 100, 0, true, "^[]0;pwned title^G after osc", NULL, 28);
	expect_full(lines[7], lens[7], 100, 0, true, R "31m raw c1 csi " R "0;t^G", NULL, 22);
	expect_full(lines[8], lens[8], 100, 0, true, "<9b>31m utf8 c1 <85>nel", NULL, 23);
	expect_full(lines[9], lens[9], 100, 0, true, "bell^G^G back^H^H^HXYZ", NULL, 22);
	expect_full(lines[10], lens[10], 100, 0, true, "progress 10%^Mprogress 100%", NULL, 27);
	expect_full(lines[11], lens[11], 100, 0, true,
	            "overlong " R R " " R R R " surrogate " R R R " big " R R R R " five " R R R R R
	            " trunc " R R " end", NULL, 62);
	expect_full(lines[12], lens[12], 100, 0, true, "nul^@in^@the^@middle", NULL, 20);
	expect_full(lines[13], lens[13], 100, 0, true, "中文字符 日本語 한국어", NULL, 22);
	expect_full(lines[16], lens[16], 100, 0, true, "invoice_<U+202E>fdp.exe isolate <U+2066>x<U+2069>",
	            NULL, 49);
	expect_full(lines[18], lens[18], 100, 0, true, "col1    col2            col4", NULL, 28);
	expect_full(lines[20], lens[20], 10, 3005, true, "^[[31myyyy", "eennnnnnnn", 10);
	expect_full(lines[22], lens[22], 100, 0, true, "partial " R R, NULL, 10);
	expect_full(lines[22], lens[22], 100, 0, false, "partial ??", NULL, 10);

	canvas *cv = canvas_new(4200, 2);
	assert_non_null(cv);
	static const int maxws[] = { 1, 2, 3, 5, 8, 17, 40, 80, 133 };
	static const int skips[] = { 0, 1, 2, 3, 4, 7, 9, 16, 31, 100, 3000, 5000 };
	check_lines(cv, buf, len, maxws, 9, skips, 12);
	canvas_free(cv);
	free(buf);
}

static void test_generated_fixture(void **state)
{
	(void)state;
	char dir[] = "/tmp/test_logtext.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char cmd[1024], path[600];
	snprintf(path, sizeof path, "%s/hostile.log", dir);
	/* The generator lives beside the fixtures: tests/gen_hostile_log.py. */
	snprintf(cmd, sizeof cmd, "python3 '%s/../gen_hostile_log.py' --seed 20261124 --lines 400 --out '%s'",
	         fixtures(), path);
	assert_int_equal(system(cmd), 0);
	size_t len;
	char *buf = read_all(path, &len);
	unlink(path);
	rmdir(dir);
	assert_true(len > (1u << 20));
	assert_non_null(memchr(buf, 0x1b, len));

	canvas *cv = canvas_new(1500, 2);
	assert_non_null(cv);
	static const int maxws[] = { 1, 3, 7, 80, 200 };
	static const int skips[] = { 0, 1, 5, 77, 500000 };
	size_t longest = check_lines(cv, buf, len, maxws, 5, skips, 5);
	assert_true(longest >= (1u << 20) - 64);
	canvas_free(cv);
	free(buf);
}

/* A seeded xorshift64* generator, so a failure can be reproduced. */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * UINT64_C(2685821657736338717);
}

/* Fills buf with up to cap random bytes biased towards the hard cases; returns the length. */
static size_t random_line(uint64_t *rng, char *buf, size_t cap)
{
	static const char *const pieces[] = {
		"\x1b", "\x1b[", "\x1b]0;", "\x07", "\t", "\r", "\x7f", "\xc2\x9b", "\x9b", "\xe4\xb8\xad",
		"\xf0\x9f\x98\x80", "\xcc\x81", "\xe2\x80\x8d", "\xe2\x80\xae", "\xe2\x81\xa6", "\xef\xbb\xbf",
		"\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82", "\xf0\x9f", "\xef\xbf\xbd",
		"\xf4\x8f\xbf\xbf", "\xef\xbf\xbe", "\xc2\xad", "\xe2\x80\xa8", "\xea\xb0\x80", "\xe1\x85\xa0",
	};
	size_t target = rng_next(rng) % (cap - 4);
	size_t n = 0;
	while (n < target) {
		uint64_t r = rng_next(rng);
		switch (r % 5) {
		case 0: /* any byte */
			buf[n++] = (char)(r >> 8);
			break;
		case 1: /* printable ASCII */
			buf[n++] = (char)(0x20 + (r >> 8) % 95);
			break;
		case 2: { /* a known hard piece */
			const char *p = pieces[(r >> 8) % (sizeof pieces / sizeof pieces[0])];
			size_t pl = strlen(p);
			if (n + pl > cap)
				return n;
			memcpy(buf + n, p, pl);
			n += pl;
			break;
		}
		case 3: { /* any code point, surrogates included, possibly truncated */
			char tmp[4];
			uint32_t cp = (uint32_t)((r >> 8) % 0x110000);
			size_t pl = put_utf8(tmp, cp);
			if ((r >> 40) % 8 == 0)
				pl = (r >> 44) % pl;
			if (n + pl > cap)
				return n;
			memcpy(buf + n, tmp, pl);
			n += pl;
			break;
		}
		default: /* a control byte */
			buf[n++] = (char)((r >> 8) % 0x20);
			break;
		}
	}
	return n;
}

static void test_random_property(void **state)
{
	(void)state;
	uint64_t rng = UINT64_C(0x9e3779b97f4a7c15);
	canvas *cv = canvas_new(1200, 2);
	assert_non_null(cv);
	static const int maxws[] = { 1, 2, 3, 5, 8, 13, 80 };
	static const int skips[] = { 0, 1, 2, 3, 7, 8, 9, 30 };
	char buf[72];
	for (int iter = 0; iter < 100000; iter++) {
		size_t len = random_line(&rng, buf, sizeof buf);
		int maxw[2] = { maxws[rng_next(&rng) % 7], maxws[rng_next(&rng) % 7] };
		int skip[2] = { skips[rng_next(&rng) % 8], skips[rng_next(&rng) % 8] };
		check_line(cv, buf, len, maxw, 2, skip, 2);
	}
	canvas_free(cv);
}

/* Draws 80 columns from a 1 MB buffer of which only the first page is
 * readable: a draw that read past what it shows would crash the test. */
static void test_long_line_bounded(void **state)
{
	(void)state;
	const size_t page = (size_t)sysconf(_SC_PAGESIZE);
	const size_t total = (size_t)1 << 20;
	char *mem = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(mem != MAP_FAILED);
	assert_int_equal(mprotect(mem + page, total - page, PROT_NONE), 0);
	canvas *cv = canvas_new(80, 1);
	assert_non_null(cv);

	/* Each pattern fills the page; the views end near the end of it. */
	static const char *const units[] = {
		"a",
		"\xff",             /* invalid: one U+FFFD a byte */
		"\xf0\x9f\x98\x80", /* U+1F600, wide */
		"\xf0\x9f\x87\xa6", /* U+1F1E6: the worst case, 4 bytes a column */
		"\x1b",
		"\xe2\x80\xae",
		"\t",
	};
	for (size_t p = 0; p < sizeof units / sizeof units[0]; p++) {
		size_t ul = strlen(units[p]);
		size_t fill = page - page % ul;
		for (size_t i = 0; i < fill; i += ul)
			memcpy(mem + i, units[p], ul);
		for (int u = 0; u < 2; u++) {
			int last = (int)logtext_width(mem, fill, u == 0) - 100;
			assert_true(last > 0);
			for (int skip = 0; skip <= last; skip += last) {
				canvas_clear(cv);
				assert_int_equal(logtext_draw(cv, 0, 0, 80, skip, mem, total, u == 0, TEXT_COLOR, 0), 80);
				/* The view is the same as drawing just the readable part. */
				canvas *ref = canvas_new(80, 1);
				assert_non_null(ref);
				assert_int_equal(logtext_draw(ref, 0, 0, 80, skip, mem, fill, u == 0, TEXT_COLOR, 0), 80);
				for (int i = 0; i < 80; i++) {
					assert_int_equal(canvas_at(cv, i, 0)->ch, canvas_at(ref, i, 0)->ch);
					assert_int_equal(canvas_at(cv, i, 0)->color, canvas_at(ref, i, 0)->color);
				}
				canvas_free(ref);
			}
		}
	}
	canvas_free(cv);
	munmap(mem, total);
}

static void test_long_line_width(void **state)
{
	(void)state;
	/* 1 MB of "ab" ESC NUL TAB: widths 1, 1, 2, 2, then a tab to the next stop. */
	const size_t units = (1u << 20) / 5;
	char *line = malloc(units * 5);
	assert_non_null(line);
	for (size_t i = 0; i < units; i++)
		memcpy(line + 5 * i, "ab\x1b\0\t", 5);
	assert_int_equal(logtext_width(line, units * 5, true), units * 8);
	assert_int_equal(logtext_width(line, units * 5, false), units * 8);
	expect_full(line, units * 5, 20, 0, true, "ab^[^@  ab^[^@  ab^[", "nneeeennnneeeennnnee", 20);
	expect_full(line, units * 5, 12, (int)(units * 8 - 10), true, "  ab^[^@  ", NULL, 10);
	free(line);
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_text),
		cmocka_unit_test(test_escape_sequences),
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_c1_controls),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_tabs),
		cmocka_unit_test(test_wide_chars),
		cmocka_unit_test(test_zero_width),
		cmocka_unit_test(test_ascii_mode),
		cmocka_unit_test(test_skip_and_clip),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_hostile_fixture),
		cmocka_unit_test(test_generated_fixture),
		cmocka_unit_test(test_random_property),
		cmocka_unit_test(test_long_line_bounded),
		cmocka_unit_test(test_long_line_width),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
