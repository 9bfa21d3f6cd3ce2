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

/* Parses a non-negative integer field; empty means not measured. Returns 0,
 * -1 when it is not a number, -2 when it does not fit in int64. */
int reccsv_parse_count(const char *f, size_t len, int64_t *v)
{
	if (len == 0) {
		*v = SAMPLE_NONE;
		return 0;
	}
	uint64_t acc = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned)(unsigned char)f[i] - '0';
		if (d > 9)
			return -1;
		acc = acc * 10 + d;
	}
	/* 18 digits cannot overflow; only longer numbers need the slow check. */
	if (len > 18) {
		size_t i = 0;
		while (i < len && f[i] == '0')
			i++;
		if (len - i > 19 || (len - i == 19 && memcmp(f + i, "9223372036854775807", 19) > 0))
			return -2;
	}
	*v = (int64_t)acc;
	return 0;
}

/* Parses non-negative decimal seconds ("12.345678") to ns exactly; digits
 * past the ninth decimal are below a nanosecond and dropped. 0 or -1. */
int reccsv_parse_seconds(const char *f, size_t len, int64_t *ns)
{
	size_t i = 0;
	int64_t whole = 0, frac = 0;
	int frac_digits = 0;
	if (len == 0)
		return -1;
	for (; i < len && f[i] >= '0' && f[i] <= '9'; i++) {
		whole = whole * 10 + (f[i] - '0');
		if (whole >= INT64_MAX / NS_PER_S)
			return -1; /* whole * 1e9 plus a fraction would not fit */
	}
	size_t int_digits = i;
	if (i < len && f[i] == '.') {
		i++;
		for (; i < len && f[i] >= '0' && f[i] <= '9'; i++) {
			if (frac_digits < 9) {
				frac = frac * 10 + (f[i] - '0');
				frac_digits++;
			}
		}
		if (int_digits == 0 && i == int_digits + 1)
			return -1; /* "." alone */
	} else if (int_digits == 0) {
		return -1;
	}
	if (i != len)
		return -1;
	for (; frac_digits < 9; frac_digits++)
		frac *= 10;
	*ns = whole * NS_PER_S + frac;
	return 0;
}
