/* holders.c: grouping processes by their command (holders.h). */
#include "analysis/holders.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const char *holders_key(const procset_item *it)
{
	return it->cmd[0] ? it->cmd : it->name;
}

static int64_t holders_bytes(const procset_item *it, enum holders_what what)
{
	if (what == HOLDERS_HELD || it->before < 0)
		return it->held;
	return it->held - it->before;
}

size_t holders_group_by_cmd(const procset_item *items, size_t n, enum holders_what what, holders_group *out,
                            size_t max)
{
	if (max == 0)
		return 0;
	holders_group *all = calloc(n + 1, sizeof *all);
	if (!all)
		return 0;
	size_t ng = 0;
	for (size_t i = 0; i < n; i++) {
		const procset_item *it = &items[i];
		size_t g = 0;
		while (g < ng && strcmp(holders_key(all[g].first), holders_key(it)) != 0)
			g++;
		if (g == ng) {
			all[ng].first = it;
			ng++;
		} else if (it->held > all[g].first->held) {
			all[g].first = it;
		}
		all[g].count++;
		all[g].fresh += it->before < 0;
		all[g].bytes += holders_bytes(it, what);
	}
	/* A stable selection: few groups are ever shown. */
	size_t filled = 0;
	bool *used = calloc(ng + 1, sizeof *used);
	while (used && filled < max) {
		size_t best = ng;
		for (size_t g = 0; g < ng; g++)
			if (!used[g] && (best == ng || all[g].bytes > all[best].bytes))
				best = g;
		if (best == ng || (what == HOLDERS_GROWTH && all[best].bytes <= 0))
			break;
		used[best] = true;
		out[filled++] = all[best];
	}
	free(used);
	free(all);
	return filled;
}
