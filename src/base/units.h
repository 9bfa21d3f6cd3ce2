/* units.h: numbers for people: bytes in IEC units, seconds as durations. */
#ifndef MEMLOG_UNITS_H
#define MEMLOG_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* "0 B", "512 B", "1.5 KiB", "12.3 MiB", "2.00 GiB": three significant digits. */
void units_bytes(int64_t bytes, char *buf, size_t buflen);

/* "0 B", "768 MiB", "1.5 GiB", "1.25 GiB": the largest IEC unit the value
 * reaches, at most two decimals, trailing zeros dropped; for axis labels,
 * where round numbers must read as round. */
void units_bytes_compact(int64_t bytes, char *buf, size_t buflen);

/* "0.25 s", "12.3 s", "4 min 05 s", "2 h 03 min" for an elapsed time in ns. */
void units_elapsed(int64_t ns, char *buf, size_t buflen);

/* Compact elapsed time for tight places: "12.3s", "3m05s", "2h03m". */
void units_elapsed_compact(int64_t ns, char *buf, size_t buflen);

/* An axis label: "0s", "30s", "1m30s", "1h05m", "2d03h", "1.5s", from the
 * largest non-zero unit down to the smallest non-zero one, each after the
 * first in two digits, seconds with up to decimals (0-9) digits. */
void units_elapsed_label(int64_t ns, int decimals, char *buf, size_t buflen);

/* Appends ".ddd" to buf for the sub-second part frac_ns with decimals
 * digits, trailing zeros dropped (nothing when they all are). */
void units_fraction(char *buf, size_t buflen, int64_t frac_ns, int decimals);

/* A size a person types: a number (a decimal point allowed) and an
 * optional unit, K M G T (or KiB MiB GiB TiB, KB MB GB TB: all powers of
 * 1024, as memory is sized), B or none for bytes: "200M", "1.5G", "4GiB",
 * "65536". Returns 0 with *bytes, or -1 when the text is not such a size
 * (or is 0, or over 2^62). */
int units_parse_bytes(const char *text, int64_t *bytes);

#endif
