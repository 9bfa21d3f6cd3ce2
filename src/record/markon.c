/* markon.c: log lines that become markers (--mark-on). */
#include "record/markon.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct markon {
	regex_t re[MARKON_MAX];
	int n;
};

/* The pattern with \d \w \s (\D \W \S) written as bracket classes, into
 * out (cap bytes); false when it does not fit. Inside a bracket expression
 * a backslash is literal in POSIX, so it is left alone there. */
static bool markon_translate(const char *pat, char *out, size_t cap)
{
	size_t n = 0;
	bool in_bracket = false;
	for (const char *c = pat; *c; c++) {
		const char *add = NULL;
		char one[3] = { *c, 0, 0 };
		if (!in_bracket && c[0] == '\\' && c[1]) {
			switch (c[1]) {
			case 'd': add = "[0-9]"; break;
			case 'D': add = "[^0-9]"; break;
			case 'w': add = "[[:alnum:]_]"; break;
			case 'W': add = "[^[:alnum:]_]"; break;
			case 's': add = "[[:space:]]"; break;
			case 'S': add = "[^[:space:]]"; break;
			default: one[1] = c[1]; add = one; break;
			}
			c++;
		} else {
			if (!in_bracket && *c == '[') {
				in_bracket = true;
				/* "[]...]" and "[^]...]": the first ] is a member. */
				size_t k = 1;
				if (c[k] == '^')
					k++;
				if (c[k] == ']') {
					if (n + k + 1 >= cap)
						return false;
					memcpy(out + n, c, k + 1);
					n += k + 1;
					c += k;
					continue;
				}
			} else if (in_bracket && *c == ']') {
				in_bracket = false;
			}
			add = one;
		}
		size_t len = strlen(add);
		if (n + len + 1 >= cap)
			return false;
		memcpy(out + n, add, len);
		n += len;
	}
	out[n] = '\0';
	return true;
}

markon *markon_new(const char *const *patterns, int n, char *err, size_t errlen)
{
	markon *m = calloc(1, sizeof *m);
	if (!m) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (int i = 0; i < n && i < MARKON_MAX; i++) {
		char ere[2048];
		if (!markon_translate(patterns[i], ere, sizeof ere)) {
			snprintf(err, errlen, "--mark-on: '%.100s' is too long; expected a regular expression", patterns[i]);
			markon_free(m);
			return NULL;
		}
		int rc = regcomp(&m->re[i], ere, REG_EXTENDED);
		if (rc != 0) {
			char why[200];
			regerror(rc, &m->re[i], why, sizeof why);
			snprintf(err, errlen, "--mark-on: '%.100s' is not a regular expression (%s); expected an "
			         "extended one, as grep -E takes (regex(7)), \\d \\w \\s as in Perl", patterns[i], why);
			markon_free(m);
			return NULL;
		}
		m->n = i + 1;
	}
	return m;
}

bool markon_match(const markon *m, const char *line, size_t len, char *label)
{
	if (!m || m->n == 0)
		return false;
	char *text = malloc(len + 1); /* regexec wants a string */
	if (!text)
		return false;
	memcpy(text, line, len);
	text[len] = '\0';
	bool hit = false;
	for (int i = 0; i < m->n && !hit; i++) {
		regmatch_t rm[2];
		if (regexec(&m->re[i], text, 2, rm, 0) != 0)
			continue;
		hit = true;
		if (m->re[i].re_nsub >= 1 && rm[1].rm_so >= 0 && rm[1].rm_eo > rm[1].rm_so)
			markers_label(text + rm[1].rm_so, (size_t)(rm[1].rm_eo - rm[1].rm_so), label);
		else
			markers_label(text, strlen(text), label);
	}
	free(text);
	return hit;
}

void markon_scan(const markon *m, logbook *lb, uint64_t *seq, void (*mark)(void *ctx, const char *label), void *ctx)
{
	uint64_t first, end;
	logbook_range(lb, &first, &end);
	if (*seq < first)
		*seq = first;
	for (; *seq < end; (*seq)++) {
		logbook_entry e;
		char label[MARKERS_LABEL_MAX + 1];
		if (logbook_get(lb, *seq, &e) == 0 && e.source != 0 && markon_match(m, e.text, e.len, label))
			mark(ctx, label);
	}
}

void markon_free(markon *m)
{
	if (!m)
		return;
	for (int i = 0; i < m->n; i++)
		regfree(&m->re[i]);
	free(m);
}
