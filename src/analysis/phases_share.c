/* phases_share.c: what each phase holds of the peak, from the samples
 * (phases.h). A phase's share is what was acquired in it and is still held
 * at the peak: with m(k) the lowest sample from k to the peak, a phase from
 * sample a to sample b holds m(b) - m(a) of it (b and a taken no later than
 * the peak, the first sample within 1% of the highest). A rise given back before the peak holds nothing; the shares of
 * all phases add up to the peak less the lowest level before it. */
#include "analysis/phases.h"

#include <stdbool.h>
#include <stdlib.h>

#define PHASES_PEAK_CLOSE 100 /* within top / this of the top is the peak */

int phases_shares(const int64_t *v, size_t n, const phase *ph, long np, int64_t *share, int64_t *change)
{
	int64_t top = -1;
	for (size_t i = 0; i < n; i++)
		top = v[i] > top ? v[i] : top;
	/* The peak: the first time the curve comes within 1% of its top. */
	size_t peak = n;
	for (size_t i = 0; i < n && peak == n; i++)
		if (v[i] >= 0 && v[i] >= top - top / PHASES_PEAK_CLOSE)
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

const char *phases_memory_name(int kind)
{
	static const char *const names[PHASES_NKINDS] = { "anonymous", "file-backed", "shared memory", "swap" };
	return kind >= 0 && kind < PHASES_NKINDS ? names[kind] : "?";
}

bool phases_memory(const int64_t *const kind[PHASES_NKINDS], size_t a, size_t b, int64_t amount,
                   int64_t out[PHASES_NKINDS])
{
	double moved[PHASES_NKINDS], total = 0;
	int dir = amount > 0 ? 1 : amount < 0 ? -1 : 0;
	for (int k = 0; k < PHASES_NKINDS; k++) {
		out[k] = 0;
		moved[k] = 0;
		if (!kind[k] || kind[k][a] < 0 || kind[k][b] < 0)
			continue;
		double d = (double)(kind[k][b] - kind[k][a]) * dir;
		if (d > 0) {
			moved[k] = d;
			total += d;
		}
	}
	if (dir == 0 || total <= 0)
		return false;
	/* Apportioned, the rounding left to the largest, so the parts add up. */
	int64_t given = 0;
	int largest = 0;
	for (int k = 0; k < PHASES_NKINDS; k++) {
		out[k] = (int64_t)((double)amount * moved[k] / total);
		given += out[k];
		if (moved[k] > moved[largest])
			largest = k;
	}
	out[largest] += amount - given;
	return true;
}
