/* logtext.c: turns untrusted log bytes into canvas cells that are always safe
 * to send to a terminal, and searches log lines.
 *
 * The bytes are decoded as UTF-8 by hand (strict: overlong forms, surrogates
 * and code points above U+10FFFF are invalid; every invalid byte becomes one
 * U+FFFD), so the result never depends on the C library's idea of the locale's
 * multibyte encoding. Each decoded character becomes one "glyph":
 *   - printable, wcwidth 1 or 2: the character itself;
 *   - TAB: spaces to the next multiple of 8 columns from the start of the line;
 *   - C0 controls and DEL: "^@" .. "^_", "^?" in CANVAS_ESCAPE;
 *   - C1 controls (U+0080..U+009F): "<9b>" in CANVAS_ESCAPE;
 *   - zero-width, non-printable or invisible formatting characters (combining
 *     marks, ZWJ, U+200B, the bidi controls such as U+202E): "<U+202E>" in
 *     CANVAS_ESCAPE. Passing them through would be legal, but a terminal
 *     combines, reorders or hides them in ways that differ between terminals,
 *     and a lone combining mark or an RTL override could make a log line look
 *     like something it is not; a visible escape is simpler and safe;
 *   - invalid UTF-8: U+FFFD in CANVAS_ESCAPE.
 * In ASCII mode only 0x20..0x7e are themselves; every other character (and
 * every invalid byte) is '?' in CANVAS_ESCAPE, controls still become escapes.
 *
 * Every glyph is at least one column wide and consumes at most four bytes, so
 * logtext_draw, which stops once its columns are filled, reads at most
 * 4 * (skip + maxw) bytes however long the line: a 1 MB line costs what a
 * short one does. logtext_width must see every byte and is O(len). */
#include "view/logtext.h"

#include "base/utf8.h"

#include <stdlib.h>
#include <string.h>

#include <wchar.h>
#include <wctype.h>

#define LOGTEXT_TAB_COLS 8

enum logtext_kind {
	LOGTEXT_CHAR,   /* one character, 1 or 2 columns */
	LOGTEXT_TAB,    /* spaces */
	LOGTEXT_ESCAPE, /* a visible escape: narrow ASCII characters */
};

/* One display unit made of one decoded character (or invalid byte). */
typedef struct logtext_glyph {
	enum logtext_kind kind;
	int width;      /* columns, always >= 1 */
	uint32_t ch;    /* LOGTEXT_CHAR: the code point to draw */
	bool subst;     /* LOGTEXT_CHAR: a stand-in (U+FFFD or '?'), drawn as an escape */
	char esc[12];   /* LOGTEXT_ESCAPE: the text, width characters */
} logtext_glyph;

/* Whether cp is an invisible formatting character that must be escaped even
 * where the locale's wcwidth calls it printable (terminals disagree on them). */
static bool logtext_invisible(uint32_t cp)
{
	return cp == 0x00ad || cp == 0x061c || (cp >= 0x180b && cp <= 0x180f) ||
	       (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb);
}

/* Fills g with a visible escape of text (short ASCII). */
static void logtext_set_escape(logtext_glyph *g, const char *text)
{
	int n = 0;
	while (text[n] != '\0' && n < (int)sizeof g->esc - 1) {
		g->esc[n] = text[n];
		n++;
	}
	g->esc[n] = '\0';
	g->kind = LOGTEXT_ESCAPE;
	g->width = n;
}

/* Fills g with "<U+XXXX>" for cp. */
static void logtext_set_uplus(logtext_glyph *g, uint32_t cp)
{
	static const char hex[] = "0123456789ABCDEF";
	char buf[12];
	int digits = cp > 0xfffff ? 6 : cp > 0xffff ? 5 : 4;
	int n = 0;
	buf[n++] = '<';
	buf[n++] = 'U';
	buf[n++] = '+';
	for (int i = digits - 1; i >= 0; i--)
		buf[n++] = hex[(cp >> (4 * i)) & 0xf];
	buf[n++] = '>';
	buf[n] = '\0';
	logtext_set_escape(g, buf);
}

/* Fills g with a stand-in character for something that cannot be shown. */
static void logtext_set_subst(logtext_glyph *g, uint32_t ch)
{
	g->kind = LOGTEXT_CHAR;
	g->width = 1;
	g->ch = ch;
	g->subst = true;
}

/* Reads the glyph at *pos (which is < len) for a line at a column whose
 * remainder by the tab width is tabcol, and advances *pos past its bytes. */
static void logtext_next(const unsigned char *s, size_t len, size_t *pos, unsigned tabcol,
                         bool utf8, logtext_glyph *g)
{
	size_t adv;
	int32_t cp = utf8_decode(s + *pos, len - *pos, &adv);

	*pos += adv;
	g->subst = false;
	if (cp < 0) {
		logtext_set_subst(g, utf8 ? 0xfffd : '?');
		return;
	}
	if (cp == '\t') {
		g->kind = LOGTEXT_TAB;
		g->width = (int)(LOGTEXT_TAB_COLS - tabcol);
		return;
	}
	if (cp < 0x20 || cp == 0x7f) {
		char buf[3] = { '^', cp == 0x7f ? '?' : (char)(cp + 0x40), '\0' };
		logtext_set_escape(g, buf);
		return;
	}
	if (cp < 0x7f) {
		g->kind = LOGTEXT_CHAR;
		g->width = 1;
		g->ch = (uint32_t)cp;
		return;
	}
	if (cp <= 0x9f) {
		static const char hex[] = "0123456789abcdef";
		char buf[5] = { '<', hex[cp >> 4], hex[cp & 0xf], '>', '\0' };
		logtext_set_escape(g, buf);
		return;
	}
	if (!utf8) {
		logtext_set_subst(g, '?');
		return;
	}
	int w = wcwidth((wchar_t)cp);
	if (w < 1 || w > 2 || !iswprint((wint_t)cp) || logtext_invisible((uint32_t)cp)) {
		logtext_set_uplus(g, (uint32_t)cp);
		return;
	}
	g->kind = LOGTEXT_CHAR;
	g->width = w;
	g->ch = (uint32_t)cp;
}

int logtext_draw(canvas *cv, int x, int y, int maxw, int skip, const char *text, size_t len,
                 bool utf8, uint8_t color, uint8_t attr)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t pos = 0;
	long col = 0;

	if (cv == NULL || y < 0 || y >= cv->h || x >= cv->w)
		return 0;
	if (maxw > cv->w - x)
		maxw = cv->w - x;
	if (maxw <= 0)
		return 0;
	if (skip < 0)
		skip = 0;
	if (s == NULL)
		len = 0;
	long end = (long)skip + maxw;

	/* The loop is bounded by end, not len: every glyph takes a column. */
	while (pos < len && col < end) {
		logtext_glyph g;
		logtext_next(s, len, &pos, (unsigned)(col % LOGTEXT_TAB_COLS), utf8, &g);
		long from = col < skip ? skip : col;
		long to = col + g.width < end ? col + g.width : end;
		bool whole = from == col && to == col + g.width;

		if (g.kind == LOGTEXT_CHAR && whole) {
			uint8_t c = g.subst ? CANVAS_ESCAPE : color;
			canvas_put(cv, x + (int)(col - skip), y, g.ch, c, attr);
			if (g.width == 2)
				canvas_put(cv, x + (int)(col - skip) + 1, y, 0, c, attr);
		} else if (g.kind == LOGTEXT_ESCAPE) {
			for (long c = from; c < to; c++)
				canvas_put(cv, x + (int)(c - skip), y, (unsigned char)g.esc[c - col],
				           CANVAS_ESCAPE, attr);
		} else {
			/* Tabs, and the visible half of a wide character cut by an edge. */
			for (long c = from; c < to; c++)
				canvas_put(cv, x + (int)(c - skip), y, ' ', color, attr);
		}
		col += g.width;
	}
	if (col > end)
		col = end;
	return col > skip ? (int)(col - skip) : 0;
}

size_t logtext_width(const char *text, size_t len, bool utf8)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t pos = 0;
	size_t col = 0;

	if (s == NULL)
		return 0;
	while (pos < len) {
		logtext_glyph g;
		logtext_next(s, len, &pos, (unsigned)(col % LOGTEXT_TAB_COLS), utf8, &g);
		col += (size_t)g.width;
	}
	return col;
}

/* ASCII-only lower case: bytes of other encodings are compared as they are. */
static unsigned char logtext_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

long logtext_find(const char *text, size_t len, const char *needle)
{
	const unsigned char *s = (const unsigned char *)text;
	const unsigned char *n = (const unsigned char *)needle;
	size_t nlen = 0;

	if (n != NULL)
		while (n[nlen] != '\0')
			nlen++;
	if (nlen == 0)
		return 0;
	if (s == NULL || nlen > len)
		return -1;
	unsigned char first = logtext_lower(n[0]);
	for (size_t i = 0; i + nlen <= len; i++) {
		if (logtext_lower(s[i]) != first)
			continue;
		size_t k = 1;
		while (k < nlen && logtext_lower(s[i + k]) == logtext_lower(n[k]))
			k++;
		if (k == nlen)
			return (long)i;
	}
	return -1;
}

char *logtext_plain(const char *text, size_t len, int maxw, bool utf8)
{
	/* Drawing through a one-row canvas keeps a single definition of safe. */
	canvas *cv = canvas_new(maxw > 0 ? maxw : 1, 1);
	if (!cv)
		return NULL;
	logtext_draw(cv, 0, 0, maxw, 0, text, len, utf8, CANVAS_DEFAULT, 0);
	char *out = canvas_dump(cv);
	canvas_free(cv);
	if (!out)
		return NULL;
	size_t n = strlen(out);
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' '))
		out[--n] = '\0';
	return out;
}
