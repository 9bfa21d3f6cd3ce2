/* mtime.h: clocks and the ISO 8601 time format of recordings and logs. */
#ifndef MEMLOG_MTIME_H
#define MEMLOG_MTIME_H

#include <stddef.h>
#include <stdint.h>

/* Nanoseconds in a second: every time in memlog is an int64_t of ns. */
#define NS_PER_S INT64_C(1000000000)

/* Length of "2026-11-24T10:00:00.123Z" without the NUL. */
#define MTIME_ISO_LEN 24

/* The wall times a recording, its .log and the logs lined up with it may
 * have: 1970 to 2199 (2200-01-01 excluded). Within them, and with elapsed
 * times of at most MTIME_ELAPSED_MAX_NS (50 years), any sum or difference
 * of a wall time and an elapsed time fits in 64 bits. */
#define MTIME_WALL_MAX_NS (INT64_C(7258118400) * NS_PER_S)
#define MTIME_ELAPSED_MAX_NS (INT64_C(50) * 366 * 86400 * NS_PER_S)

/* Whether wall_ns is in the range above. */
static inline int mtime_wall_ok(int64_t wall_ns)
{
	return wall_ns >= 0 && wall_ns < MTIME_WALL_MAX_NS;
}

int64_t mtime_mono_ns(void); /* CLOCK_MONOTONIC in ns */
int64_t mtime_wall_ns(void); /* CLOCK_REALTIME in ns since the epoch */

/* Writes wall_ns as UTC "YYYY-mm-ddTHH:MM:SS.mmmZ" plus a NUL into buf,
 * which must hold MTIME_ISO_LEN + 1 bytes. */
void mtime_format_iso(int64_t wall_ns, char *buf);

/* Parses exactly the format above (len bytes of s). Returns 0 and sets
 * *wall_ns, or -1 when s is not in that format. */
int mtime_parse_iso(const char *s, size_t len, int64_t *wall_ns);

/* The calendar (proleptic Gregorian, any year): */

/* a / b rounded towards minus infinity (b > 0), so times before 1970 work. */
int64_t mtime_floor_div(int64_t a, int64_t b);

/* Days in month (1-12) of year. */
int mtime_month_days(int64_t year, int month);

/* Days since 1970-01-01 of a date (month 1-12, day 1-31, valid). */
int64_t mtime_days_from_civil(int64_t year, int month, int day);

/* The date of a count of days since 1970-01-01. */
void mtime_civil_from_days(int64_t days, int64_t *year, int *month, int *day);

#endif
