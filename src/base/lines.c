/* lines.c: the line splitter. A line that arrives whole in one feed is
 * handed on from the caller's bytes, without a copy. */
#include "base/lines.h"

#include <stdlib.h>
#include <string.h>

void lines_init(lines *l, size_t max)
{
	memset(l, 0, sizeof *l);
	l->max = max ? max : 1;
}

/* Hands on one line; one ended by '\n' loses a '\r' before it. */
static void lines_emit(lines_fn fn, void *ctx, const char *s, size_t len, bool at_newline)
{
	if (at_newline && len > 0 && s[len - 1] == '\r')
		len--;
	fn(ctx, s, len);
}

/* Appends n bytes to the unfinished line; false when out of memory. */
static bool lines_hold(lines *l, const char *p, size_t n)
{
	if (l->len + n > l->cap) {
		size_t cap = l->cap ? l->cap : 256;
		while (cap < l->len + n)
			cap *= 2;
		char *grown = realloc(l->buf, cap);
		if (!grown)
			return false;
		l->buf = grown;
		l->cap = cap;
	}
	memcpy(l->buf + l->len, p, n);
	l->len += n;
	return true;
}

int lines_feed(lines *l, const char *p, size_t n, lines_fn fn, void *ctx)
{
	int rc = 0;
	while (n > 0) {
		const char *nl = memchr(p, '\n', n);
		size_t take = nl ? (size_t)(nl - p) : n;
		if (l->len + take > l->max)
			take = l->max - l->len;
		bool ends = nl && p + take == nl;
		if (l->cut && take == 0 && ends) {
			/* The newline of a line just handed on in pieces: it ends that one. */
			l->cut = false;
			p++;
			n--;
			continue;
		}
		l->cut = false;
		if (l->len == 0 && (ends || take == l->max)) {
			lines_emit(fn, ctx, p, take, ends);
			l->cut = !ends;
		} else if (!lines_hold(l, p, take)) {
			/* Out of memory: what is held and these bytes go on as lines
			 * of their own rather than be lost. */
			if (l->len)
				lines_emit(fn, ctx, l->buf, l->len, false);
			l->len = 0;
			lines_emit(fn, ctx, p, take, ends);
			rc = -1;
		} else if (ends || l->len == l->max) {
			lines_emit(fn, ctx, l->buf, l->len, ends);
			l->cut = !ends;
			l->len = 0;
		}
		p += take;
		n -= take;
		if (ends) {
			p++;
			n--;
		}
	}
	return rc;
}

bool lines_pending(const lines *l)
{
	return l->len > 0;
}

void lines_end(lines *l, lines_fn fn, void *ctx)
{
	if (l->len > 0)
		fn(ctx, l->buf, l->len);
	l->len = 0;
	l->cut = false;
}

void lines_free(lines *l)
{
	free(l->buf);
	memset(l, 0, sizeof *l);
}
