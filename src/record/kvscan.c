/* kvscan.c: one pass over the lines of a /proc or cgroup file (kvscan.h). */
#include "record/kvscan.h"

#include <string.h>

void kvscan_keys(const char *buf, size_t len, const kvscan_key *keys, size_t nkeys, const char **at)
{
	const char *c = buf, *end = buf + len;
	size_t found = 0;
	for (size_t i = 0; i < nkeys; i++)
		at[i] = NULL;
	while (c < end && found < nkeys) {
		const char *eol = memchr(c, '\n', (size_t)(end - c));
		if (!eol)
			eol = end;
		size_t linelen = (size_t)(eol - c);
		for (size_t i = 0; i < nkeys; i++) {
			size_t kl = keys[i].len;
			if (at[i] || linelen <= kl || (c[kl] != ':' && c[kl] != ' ' && c[kl] != '\t') ||
			    memcmp(c, keys[i].name, kl) != 0)
				continue;
			const char *v = c + kl + 1;
			while (v < eol && (*v == ' ' || *v == '\t'))
				v++;
			at[i] = v;
			found++;
			break;
		}
		c = eol + 1;
	}
}

bool kvscan_num(const char *s, const char *end, int64_t *out)
{
	if (!s || s >= end || *s < '0' || *s > '9')
		return false;
	int64_t v = 0;
	while (s < end && *s >= '0' && *s <= '9') {
		if (v > (INT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (*s - '0');
		s++;
	}
	*out = v;
	return true;
}

size_t kvscan_len(const char *s, const char *end)
{
	if (!s || s >= end)
		return 0;
	const char *eol = memchr(s, '\n', (size_t)(end - s));
	return (size_t)((eol ? eol : end) - s);
}
