/* reccsv_fields.c: reading the fields of the CSV back, and showing them in
 * errors; numbers are converted without allocating or floating point. */
#include "recording/reccsv_fields.h"

#include <stdio.h>

#include "base/mtime.h"
#include "model/sample.h"

/* strerror for errno e, safe to call from the sampler thread. */
const char *reccsv_strerror(int e, char *buf, size_t buflen)
{
	return strerror_r(e, buf, buflen);
}

/* Copies at most 40 bytes of a field into out for a message, control
 * characters replaced so that garbage in a file cannot reach the terminal. */
void reccsv_show(const char *f, size_t len, char *out, size_t outlen)
{
	size_t n = 0;
	for (size_t i = 0; i < len && i < 40 && n + 4 < outlen; i++) {
		unsigned char c = (unsigned char)f[i];
		out[n++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (len > 40 && n + 4 < outlen) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
}

/* Formats ns as seconds with only the decimals it needs ("3.2", "4"). */
void reccsv_show_seconds(int64_t ns, char *out, size_t outlen)
{
	char frac[10];
	int64_t whole = ns / NS_PER_S, rem = ns % NS_PER_S;
	if (rem < 0) {
		whole--;
		rem += NS_PER_S;
	}
	reccsv_put_fixed(frac, (uint64_t)rem, 9);
	int n = 9;
	while (n > 0 && frac[n - 1] == '0')
		n--;
	frac[n] = '\0';
	snprintf(out, outlen, "%lld%s%s", (long long)whole, n ? "." : "", frac);
}


