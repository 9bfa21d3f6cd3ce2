/* phases_share.c: what each phase holds of the peak, from the samples
 * (phases.h). A phase's share is what was acquired in it and is still held
 * at the peak: with m(k) the lowest sample from k to the peak, a phase from
 * sample a to sample b holds m(b) - m(a) of it (b and a taken no later than
 * the peak). A rise given back before the peak holds nothing; the shares of
 * all phases add up to the peak less the lowest level before it. */
#include "analysis/phases.h"

#include <stdlib.h>

int phases_shares(const int64_t *v, size_t n, const phase *ph, long np, int64_t *share, int64_t *change)
{
	size_t peak = n;
	for (size_t i = 0; i < n; i++)
		if (v[i] >= 0 && (peak == n || v[i] > v[peak]))
			peak = i;
	for (long i = 0; i < np; i++) {
		share[i] = 0;
		if (change)
			change[i] = ph[i].last < n && ph[i].first < n && v[ph[i].last] >= 0 && v[ph[i].first] >= 0
			                    ? v[ph[i].last] - v[ph[i].first]
			                    : ph[i].v1 - ph[i].v0;
	}
	if (peak == n)
		return 0;
	/* m[k] for k <= peak: the lowest measured sample in [k, peak]. */
	int64_t *m = malloc((peak + 1) * sizeof *m);
	if (!m)
		return -1;
	m[peak] = v[peak];
	for (size_t k = peak; k-- > 0;)
		m[k] = v[k] >= 0 && v[k] < m[k + 1] ? v[k] : m[k + 1];
	for (long i = 0; i < np; i++) {
		if (ph[i].first >= peak)
			continue;
		size_t b = ph[i].last < peak ? ph[i].last : peak;
		share[i] = m[b] - m[ph[i].first];
	}
	free(m);
	return 0;
}
