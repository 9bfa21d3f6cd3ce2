/* logtime.h: recognising the timestamp at the start of a log line, so any
 * application's log can be lined up against a recording. */
#ifndef MEMLOG_LOGTIME_H
#define MEMLOG_LOGTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How far into a line a timestamp may start (a level, a bracket, a pid). */
#define LOGTIME_PREFIX_MAX 40

typedef struct logtime_opts {
	/* Seconds east of UTC for timestamps that carry no zone (local time by
	 * default: the caller fills this from the recording's time and TZ, or
	 * from --log-tz). */
	int32_t default_utc_offset_s;
	bool offset_from_tz;     /* true: ignore default_utc_offset_s, use the
	                          * local zone of TZ at that date (DST-correct) */
	/* Year for formats without one (syslog, glog): the recording's year. */
	int default_year;
	/* A strptime(3) format tried first (--log-format), or NULL. */
	const char *format;
} logtime_opts;

/* Looks for a timestamp at the start of text (len bytes, no newline), or
 * after a short prefix (up to ~40 bytes of a level, a bracket, a pid, spaces)
 * and recognises, in this order: the format option; ISO 8601 with 'T' or a
 * space, fractions with '.' or ',', 'Z' or +HH:MM / +HHMM / +HH or no zone;
 * syslog "Nov 24 10:00:01" (day may be " 4"); Apache/nginx
 * "[24/Nov/2026:10:00:01 +0000]"; Go "2026/11/24 10:00:01[.frac]"; glog
 * "I1124 10:00:01.234567"; epoch seconds with fractions "1764000000.123"
 * (also in brackets; only 9-10 integer digits, 2001..2262, the end of int64
 * nanoseconds). Validates ranges (month, day of month with leap years,
 * 24:00:00 as the end of the day, leap second 60 taken as 59.999). Returns
 * true and sets *wall_ns (ns since the epoch, UTC) when one is found;
 * *end_off (may be NULL) gets the byte offset just past it.
 *
 * Details: the time must start at most LOGTIME_PREFIX_MAX bytes into the
 * line, at a byte not preceded by a letter or digit, nor by . , : - / + after
 * a digit (inside a number); the earliest such start wins, all starts being
 * tried with the format before any with the built-in formats. opts may be
 * NULL (UTC, no default year). Years outside
 * 1900..2262 are refused. Formats without a year (syslog, glog) take
 * default_year (a value outside that range refuses them), so Feb 29 in a
 * non-leap default_year is not recognised; syslog may be followed by a year
 * (" 2026", as ctime and Apache's error log write it), which then wins.
 * 24:00:00 is accepted in ISO 8601 only. With offset_from_tz the zone comes
 * from localtime_r; call tzset() after changing TZ. With format, a fraction
 * ('.' or ',') right after a format ending in %S or %T is read too, and the
 * zone is the parsed one only if the format contains %z. */
bool logtime_parse(const char *text, size_t len, const logtime_opts *opts, int64_t *wall_ns,
                   size_t *end_off);

/* Parses a --log-tz value: "UTC", "Z", "+02:00", "-0530", "+2"; returns 0 and
 * sets *offset_s, or -1. */
int logtime_parse_tz(const char *text, int32_t *offset_s);

#endif
