/* mtime.h: clocks and the ISO 8601 time format of recordings and logs. */
#ifndef MEMLOG_MTIME_H
#define MEMLOG_MTIME_H

#include <stddef.h>
#include <stdint.h>

/* Length of "2026-11-24T10:00:00.123Z" without the NUL. */
#define MTIME_ISO_LEN 24

int64_t mtime_mono_ns(void); /* CLOCK_MONOTONIC in ns */
int64_t mtime_wall_ns(void); /* CLOCK_REALTIME in ns since the epoch */

/* Writes wall_ns as UTC "YYYY-mm-ddTHH:MM:SS.mmmZ" plus a NUL into buf,
 * which must hold MTIME_ISO_LEN + 1 bytes. */
void mtime_format_iso(int64_t wall_ns, char *buf);

/* Parses exactly the format above (len bytes of s). Returns 0 and sets
 * *wall_ns, or -1 when s is not in that format. */
int mtime_parse_iso(const char *s, size_t len, int64_t *wall_ns);

#endif
