/* reccsv_fields.h: the text form of the CSV's fields, written and read:
 * shared by the writer (reccsv_write.c) and the reader (reccsv_read.c) of
 * recordings and markers files, and by nothing else. */
#ifndef MEMLOG_RECCSV_FIELDS_H
#define MEMLOG_RECCSV_FIELDS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/mtime.h"
#include "model/sample.h"

#define NS_PER_MS INT64_C(1000000)
#define NS_PER_US INT64_C(1000)

/* The header of REC.markers.csv. */
#define RECCSV_MARKERS_HEADER "time,elapsed_s,marker\n"

/* "00" to "99": two digits per division halves the chain of dependent
 * divisions, which is most of what formatting a row costs. */
static const char reccsv_digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* Writes the decimal digits of v at p; returns the end. */
static inline char *reccsv_put_u64(char *p, uint64_t v)
{
	char tmp[20];
	size_t n = 0;
	while (v >= 100) {
		n += 2;
		memcpy(tmp + sizeof tmp - n, reccsv_digit_pairs + v % 100 * 2, 2);
		v /= 100;
	}
	if (v >= 10) {
		n += 2;
		memcpy(tmp + sizeof tmp - n, reccsv_digit_pairs + v * 2, 2);
	} else {
		tmp[sizeof tmp - ++n] = (char)('0' + v);
	}
	memcpy(p, tmp + sizeof tmp - n, n);
	return p + n;
}

/* Writes v as exactly width digits at p (leading zeros); returns the end. */
static inline char *reccsv_put_fixed(char *p, uint64_t v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

/* strerror for errno e, safe to call from the sampler thread. */
const char *reccsv_strerror(int e, char *buf, size_t buflen);

/* A field as it may be shown in an error: its first 40 bytes, control
 * bytes as '?', "..." when it is longer. */
void reccsv_show(const char *f, size_t len, char *out, size_t outlen);

/* ns as seconds with only the decimals it needs, for errors ("3.2", "4"). */
void reccsv_show_seconds(int64_t ns, char *out, size_t outlen);

/* A whole number of bytes or processes (a sample column): 0 and *v (an
 * empty field is SAMPLE_NONE), -1 when it is not a number, -2 when it does
 * not fit in int64. */
static inline int reccsv_parse_count(const char *f, size_t len, int64_t *v)
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

/* elapsed_s: seconds with up to nine decimals, to ns. 0, or -1 when it is
 * not such a number or does not fit. */
static inline int reccsv_parse_seconds(const char *f, size_t len, int64_t *ns)
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

#endif
