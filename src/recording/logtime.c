/* logtime.c: recognising the timestamp near the start of an application log
 * line. The built-in formats are matched by hand, dispatched on the first
 * byte of each candidate position, because a replay places a million lines
 * and sscanf/strptime per line would dominate; strptime is used only for a
 * user-given --log-format. The calendar arithmetic is local so the result
 * never depends on TZ unless the caller asks for it (offset_from_tz). */
#include "recording/logtime.h"

#include "base/mtime.h"

#include <string.h>
#include <strings.h>
#include <time.h>

#define S_PER_DAY INT64_C(86400)
/* Whole seconds whose nanosecond value (plus a fraction) still fits int64. */
#define MAX_S (INT64_MAX / NS_PER_S - 1)
#define MIN_S (-MAX_S)
#define YEAR_MIN 1900
#define YEAR_MAX 2262
/* The smallest plausible epoch time: 2001-01-01T00:00:00Z. */
#define EPOCH_MIN_S INT64_C(978307200)
/* How much of a line strptime sees; a timestamp is far shorter. */
#define FORMAT_WINDOW 256

/* The pieces of a recognised timestamp, before conversion. */
typedef struct logtime_fields {
	int year, month, day, hour, minute, second;
	int32_t frac_ns;
	bool has_zone;
	int32_t zone_s; /* seconds east of UTC, when has_zone */
} logtime_fields;

/* Whether c is an ASCII decimal digit (locale-independent, unlike isdigit). */
static inline bool logtime_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Whether c is an ASCII letter or digit. */
static inline bool logtime_is_alnum(char c)
{
	return logtime_is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Reads exactly n digits at *pos into *out and advances past them. */
static bool logtime_num(const char *s, size_t len, size_t *pos, int n, int *out)
{
	if (len - *pos < (size_t)n)
		return false;
	int v = 0;
	for (int i = 0; i < n; i++) {
		char c = s[*pos + (size_t)i];
		if (!logtime_is_digit(c))
			return false;
		v = v * 10 + (c - '0');
	}
	*pos += (size_t)n;
	*out = v;
	return true;
}

/* Consumes the byte c at *pos. */
static bool logtime_lit(const char *s, size_t len, size_t *pos, char c)
{
	if (*pos >= len || s[*pos] != c)
		return false;
	(*pos)++;
	return true;
}

/* Whether a timestamp may end at pos: a letter or digit right after it
 * means we matched the front of some longer token. */
static bool logtime_at_boundary(const char *s, size_t len, size_t pos)
{
	return pos >= len || !logtime_is_alnum(s[pos]);
}

/* Month number (1-12) of an English three-letter abbreviation at s, or 0. */
static int logtime_month(const char *s, size_t len, size_t pos)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	if (len - pos < 3)
		return 0;
	for (int m = 0; m < 12; m++)
		if (memcmp(s + pos, names + 3 * m, 3) == 0)
			return m + 1;
	return 0;
}

/* Reads an optional fraction of a second: a '.' (or ',' when comma is
 * allowed, as Python's logging writes it) and at least one digit; digits
 * past the ninth are consumed but do not count. */
static void logtime_fraction(const char *s, size_t len, size_t *pos, bool comma, int32_t *frac_ns)
{
	size_t q = *pos;
	*frac_ns = 0;
	if (q + 1 >= len || !(s[q] == '.' || (comma && s[q] == ',')) || !logtime_is_digit(s[q + 1]))
		return;
	q++;
	int32_t v = 0;
	int n = 0;
	for (; q < len && logtime_is_digit(s[q]); q++) {
		if (n < 9) {
			v = v * 10 + (s[q] - '0');
			n++;
		}
	}
	for (; n < 9; n++)
		v *= 10;
	*frac_ns = v;
	*pos = q;
}

/* Reads "HH:MM:SS" and an optional fraction. */
static bool logtime_clock(const char *s, size_t len, size_t *pos, bool comma, logtime_fields *f)
{
	if (!logtime_num(s, len, pos, 2, &f->hour) || !logtime_lit(s, len, pos, ':')
	    || !logtime_num(s, len, pos, 2, &f->minute) || !logtime_lit(s, len, pos, ':')
	    || !logtime_num(s, len, pos, 2, &f->second))
		return false;
	logtime_fraction(s, len, pos, comma, &f->frac_ns);
	return true;
}

/* Reads "HH:MM", "HHMM" or "HH" after a sign at *pos into seconds; with
 * need_minutes the bare "HH" is refused. Fails without moving on anything
 * else, including a digit right after (an offset is never longer). */
static bool logtime_offset(const char *s, size_t len, size_t *pos, bool need_minutes, int32_t *zone_s)
{
	size_t q = *pos;
	if (q >= len || (s[q] != '+' && s[q] != '-'))
		return false;
	int sign = s[q] == '-' ? -1 : 1;
	int hh, mm = 0;
	q++;
	if (!logtime_num(s, len, &q, 2, &hh))
		return false;
	if (q < len && s[q] == ':') {
		q++;
		if (!logtime_num(s, len, &q, 2, &mm))
			return false;
	} else if (q < len && logtime_is_digit(s[q])) {
		if (!logtime_num(s, len, &q, 2, &mm))
			return false;
	} else if (need_minutes) {
		return false;
	}
	if (q < len && logtime_is_digit(s[q]))
		return false;
	if (hh > 23 || mm > 59)
		return false;
	*zone_s = sign * (hh * 3600 + mm * 60);
	*pos = q;
	return true;
}

/* Reads an optional zone after one space: "+HHMM" / "+HH:MM", or "UTC" /
 * "GMT" as a word. Anything else is left for the message. */
static void logtime_spaced_zone(const char *s, size_t len, size_t *pos, logtime_fields *f)
{
	size_t q = *pos;
	if (q >= len || s[q] != ' ')
		return;
	q++;
	int32_t zone_s;
	if (logtime_offset(s, len, &q, true, &zone_s) && logtime_at_boundary(s, len, q)) {
		f->has_zone = true;
		f->zone_s = zone_s;
		*pos = q;
		return;
	}
	if (len - q >= 3 && (memcmp(s + q, "UTC", 3) == 0 || memcmp(s + q, "GMT", 3) == 0)
	    && logtime_at_boundary(s, len, q + 3)) {
		f->has_zone = true;
		f->zone_s = 0;
		*pos = q + 3;
	}
}

/* Reads the zone of an ISO 8601 or Go time: 'Z', an attached offset, or a
 * spaced one. Fails on an attached offset that is malformed ("+123"). */
static bool logtime_zone(const char *s, size_t len, size_t *pos, logtime_fields *f)
{
	size_t q = *pos;
	if (q >= len)
		return true;
	if (s[q] == 'Z' || s[q] == 'z') {
		f->has_zone = true;
		f->zone_s = 0;
		*pos = q + 1;
		return true;
	}
	if (s[q] == '+' || s[q] == '-') {
		/* A sign without two digits is not a zone ("10:00:01-worker"). */
		if (q + 2 >= len || !logtime_is_digit(s[q + 1]) || !logtime_is_digit(s[q + 2]))
			return true;
		if (!logtime_offset(s, len, pos, false, &f->zone_s))
			return false;
		f->has_zone = true;
		return true;
	}
	logtime_spaced_zone(s, len, pos, f);
	return true;
}

/* The local zone's offset (seconds east of UTC) in effect at a local time
 * given as seconds since the epoch as if it were UTC. Finding the UTC
 * instant needs the offset and vice versa, so one correction step is made;
 * in a skipped hour the offset from before the change is used. One result
 * per minute is cached per thread: log lines come in time order, and
 * localtime_r takes a lock. The cache notices tzset() of another zone by
 * the names and offset it publishes; tzset() itself is the caller's (glibc
 * reads TZ on first use), so threads parsing logs never write its globals. */
static int32_t logtime_tz_offset(int64_t local_s)
{
	static _Thread_local struct {
		bool valid;
		int64_t minute;
		const char *name0, *name1;
		long std_west_s;
		int32_t offset_s;
	} cache;
	int64_t minute = local_s >= 0 ? local_s / 60 : (local_s - 59) / 60;
	if (cache.valid && cache.minute == minute && cache.name0 == tzname[0]
	    && cache.name1 == tzname[1] && cache.std_west_s == timezone)
		return cache.offset_s;
	struct tm tm;
	time_t t = (time_t)local_s;
	long first = localtime_r(&t, &tm) ? tm.tm_gmtoff : 0;
	t = (time_t)(local_s - first);
	long second = localtime_r(&t, &tm) ? tm.tm_gmtoff : first;
	int32_t offset_s = (int32_t)second;
	cache.valid = true;
	cache.minute = minute;
	cache.name0 = tzname[0];
	cache.name1 = tzname[1];
	cache.std_west_s = timezone;
	cache.offset_s = offset_s;
	return offset_s;
}

/* Validates the fields and converts them to ns since the epoch, UTC; the
 * hour 24 is taken only when allow_24 and only as 24:00:00 exactly. */
static bool logtime_to_ns(const logtime_fields *f, const logtime_opts *o, bool allow_24, int64_t *wall_ns)
{
	if (f->year < YEAR_MIN || f->year > YEAR_MAX || f->month < 1 || f->month > 12 || f->day < 1
	    || f->day > mtime_month_days(f->year, f->month))
		return false;
	int second = f->second;
	int32_t frac_ns = f->frac_ns;
	if (f->hour == 24) {
		if (!allow_24 || f->minute != 0 || second != 0 || frac_ns != 0)
			return false;
	} else if (f->hour < 0 || f->hour > 23) {
		return false;
	}
	if (f->minute < 0 || f->minute > 59 || second < 0 || second > 60)
		return false;
	if (second == 60) {
		/* A leap second: kept inside its minute so times stay in order. */
		second = 59;
		frac_ns = (int32_t)(NS_PER_S - 1);
	}
	int64_t local_s = mtime_days_from_civil(f->year, f->month, f->day) * S_PER_DAY + f->hour * 3600
	                  + f->minute * 60 + second;
	int64_t offset_s;
	if (f->has_zone)
		offset_s = f->zone_s;
	else if (o->offset_from_tz)
		offset_s = logtime_tz_offset(local_s);
	else
		offset_s = o->default_utc_offset_s;
	int64_t utc_s = local_s - offset_s;
	if (utc_s < MIN_S || utc_s > MAX_S)
		return false;
	*wall_ns = utc_s * NS_PER_S + frac_ns;
	return true;
}

/* ISO 8601 "2026-11-24T10:00:01[.frac][zone]", 'T', 't' or ' ' between. */
static bool logtime_try_iso(const char *s, size_t len, size_t pos, const logtime_opts *o,
                            int64_t *wall_ns, size_t *end)
{
	logtime_fields f = {0};
	if (!logtime_num(s, len, &pos, 4, &f.year) || !logtime_lit(s, len, &pos, '-')
	    || !logtime_num(s, len, &pos, 2, &f.month) || !logtime_lit(s, len, &pos, '-')
	    || !logtime_num(s, len, &pos, 2, &f.day))
		return false;
	if (pos >= len || (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' '))
		return false;
	pos++;
	if (!logtime_clock(s, len, &pos, true, &f) || !logtime_zone(s, len, &pos, &f)
	    || !logtime_at_boundary(s, len, pos) || !logtime_to_ns(&f, o, true, wall_ns))
		return false;
	*end = pos;
	return true;
}

/* Go's log package (and nginx's error log): "2026/11/24 10:00:01[.frac]". */
static bool logtime_try_go(const char *s, size_t len, size_t pos, const logtime_opts *o,
                           int64_t *wall_ns, size_t *end)
{
	logtime_fields f = {0};
	if (!logtime_num(s, len, &pos, 4, &f.year) || !logtime_lit(s, len, &pos, '/')
	    || !logtime_num(s, len, &pos, 2, &f.month) || !logtime_lit(s, len, &pos, '/')
	    || !logtime_num(s, len, &pos, 2, &f.day) || !logtime_lit(s, len, &pos, ' ')
	    || !logtime_clock(s, len, &pos, false, &f) || !logtime_zone(s, len, &pos, &f)
	    || !logtime_at_boundary(s, len, pos) || !logtime_to_ns(&f, o, false, wall_ns))
		return false;
	*end = pos;
	return true;
}

/* Apache/nginx access logs: "24/Nov/2026:10:00:01 +0000" (the '[' before
 * it is just part of the prefix). */
static bool logtime_try_apache(const char *s, size_t len, size_t pos, const logtime_opts *o,
                               int64_t *wall_ns, size_t *end)
{
	logtime_fields f = {0};
	if (!logtime_num(s, len, &pos, 2, &f.day) || !logtime_lit(s, len, &pos, '/'))
		return false;
	f.month = logtime_month(s, len, pos);
	if (f.month == 0)
		return false;
	pos += 3;
	if (!logtime_lit(s, len, &pos, '/') || !logtime_num(s, len, &pos, 4, &f.year)
	    || !logtime_lit(s, len, &pos, ':') || !logtime_clock(s, len, &pos, false, &f))
		return false;
	logtime_spaced_zone(s, len, &pos, &f);
	if (!logtime_at_boundary(s, len, pos) || !logtime_to_ns(&f, o, false, wall_ns))
		return false;
	*end = pos;
	return true;
}

/* Epoch seconds "1764000000[.frac]": 9 or 10 integer digits, from 2001 on,
 * so that pids, sizes and uptimes ("[ 1234.5]") are not taken for times. */
static bool logtime_try_epoch(const char *s, size_t len, size_t pos, int64_t *wall_ns, size_t *end)
{
	int64_t v = 0;
	int n = 0;
	for (; pos < len && logtime_is_digit(s[pos]); pos++) {
		if (++n > 10)
			return false;
		v = v * 10 + (s[pos] - '0');
	}
	if (n < 9 || v < EPOCH_MIN_S || v > MAX_S)
		return false;
	int32_t frac_ns;
	logtime_fraction(s, len, &pos, false, &frac_ns);
	if (!logtime_at_boundary(s, len, pos))
		return false;
	*wall_ns = v * NS_PER_S + frac_ns;
	*end = pos;
	return true;
}

/* The formats that start with a digit, told apart by their first separator. */
static bool logtime_try_digit(const char *s, size_t len, size_t pos, const logtime_opts *o,
                              int64_t *wall_ns, size_t *end)
{
	if (pos + 4 < len && s[pos + 4] == '-')
		return logtime_try_iso(s, len, pos, o, wall_ns, end);
	if (pos + 4 < len && s[pos + 4] == '/')
		return logtime_try_go(s, len, pos, o, wall_ns, end);
	if (pos + 2 < len && s[pos + 2] == '/')
		return logtime_try_apache(s, len, pos, o, wall_ns, end);
	return logtime_try_epoch(s, len, pos, wall_ns, end);
}

/* Syslog (RFC 3164) "Nov 24 10:00:01" or "Nov  4 10:00:01", optionally
 * followed by a year as in ctime ("Mon Nov 24 10:00:01 2026"). */
static bool logtime_try_syslog(const char *s, size_t len, size_t pos, int month, const logtime_opts *o,
                               int64_t *wall_ns, size_t *end)
{
	logtime_fields f = {0};
	f.month = month;
	f.year = o->default_year;
	pos += 3;
	if (!logtime_lit(s, len, &pos, ' '))
		return false;
	if (logtime_lit(s, len, &pos, ' ')) {
		if (!logtime_num(s, len, &pos, 1, &f.day))
			return false;
	} else if (!logtime_num(s, len, &pos, 2, &f.day) && !logtime_num(s, len, &pos, 1, &f.day)) {
		return false;
	}
	if (!logtime_lit(s, len, &pos, ' ') || !logtime_clock(s, len, &pos, false, &f)
	    || !logtime_at_boundary(s, len, pos))
		return false;
	size_t q = pos + 1;
	int year;
	if (pos < len && s[pos] == ' ' && logtime_num(s, len, &q, 4, &year) && logtime_at_boundary(s, len, q)) {
		f.year = year;
		pos = q;
	}
	if (!logtime_to_ns(&f, o, false, wall_ns))
		return false;
	*end = pos;
	return true;
}

/* glog "I1124 10:00:01.234567" (level I, W, E or F, then MMDD, or
 * YYYYMMDD as newer glog writes with log_year_in_prefix). */
static bool logtime_try_glog(const char *s, size_t len, size_t pos, const logtime_opts *o,
                             int64_t *wall_ns, size_t *end)
{
	logtime_fields f = {0};
	f.year = o->default_year;
	pos++;
	if (len - pos > 8 && s[pos + 8] == ' ' && logtime_num(s, len, &pos, 4, &f.year)) {
		/* year read; MMDD follows */
	}
	if (!logtime_num(s, len, &pos, 2, &f.month) || !logtime_num(s, len, &pos, 2, &f.day)
	    || !logtime_lit(s, len, &pos, ' ') || !logtime_clock(s, len, &pos, false, &f)
	    || !logtime_at_boundary(s, len, pos) || !logtime_to_ns(&f, o, false, wall_ns))
		return false;
	*end = pos;
	return true;
}

/* The formats that start with a capital letter: syslog's month or glog's level. */
static bool logtime_try_upper(const char *s, size_t len, size_t pos, const logtime_opts *o,
                              int64_t *wall_ns, size_t *end)
{
	int month = logtime_month(s, len, pos);
	if (month != 0)
		return logtime_try_syslog(s, len, pos, month, o, wall_ns, end);
	char c = s[pos];
	if ((c == 'I' || c == 'W' || c == 'E' || c == 'F') && pos + 1 < len && logtime_is_digit(s[pos + 1]))
		return logtime_try_glog(s, len, pos, o, wall_ns, end);
	return false;
}

/* Whether format ends in a seconds conversion, after which a fraction may follow. */
static bool logtime_format_ends_in_seconds(const char *format)
{
	size_t n = strlen(format);
	return n >= 2 && format[n - 2] == '%' && (format[n - 1] == 'S' || format[n - 1] == 'T');
}

/* Matches the user's strptime format at pos. */
static bool logtime_try_format(const char *s, size_t len, size_t pos, const logtime_opts *o,
                               int64_t *wall_ns, size_t *end)
{
	char buf[FORMAT_WINDOW + 1];
	size_t n = len - pos < FORMAT_WINDOW ? len - pos : FORMAT_WINDOW;
	memcpy(buf, s + pos, n);
	buf[n] = '\0';
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	/* strptime leaves fields the format lacks alone: these are the defaults. */
	tm.tm_year = o->default_year - 1900;
	tm.tm_mday = 1;
	const char *stop = strptime(buf, o->format, &tm);
	if (stop == NULL || stop == buf)
		return false;
	size_t q = pos + (size_t)(stop - buf);
	logtime_fields f = {0};
	f.year = tm.tm_year + 1900;
	f.month = tm.tm_mon + 1;
	f.day = tm.tm_mday;
	f.hour = tm.tm_hour;
	f.minute = tm.tm_min;
	f.second = tm.tm_sec;
	if (logtime_format_ends_in_seconds(o->format))
		logtime_fraction(s, len, &q, true, &f.frac_ns);
	if (strstr(o->format, "%z") != NULL) {
		if (tm.tm_gmtoff < -86399 || tm.tm_gmtoff > 86399)
			return false;
		f.has_zone = true;
		f.zone_s = (int32_t)tm.tm_gmtoff;
	}
	if (!logtime_to_ns(&f, o, false, wall_ns))
		return false;
	*end = q;
	return true;
}

/* Whether a timestamp may start at pos: the start of the line, or after a
 * byte that is neither part of the same word nor the punctuation inside a
 * number or time ("10:00:01.1764000000" holds no epoch time). */
static bool logtime_is_start(const char *s, size_t pos)
{
	if (pos == 0)
		return true;
	char before = s[pos - 1];
	if (logtime_is_alnum(before))
		return false;
	if (pos >= 2 && logtime_is_digit(s[pos - 2]))
		return !(before == '.' || before == ',' || before == ':' || before == '-' || before == '/'
		         || before == '+');
	return true;
}

/* Finds the first timestamp starting within the prefix; see logtime.h. */
bool logtime_parse(const char *text, size_t len, const logtime_opts *opts, int64_t *wall_ns,
                   size_t *end_off)
{
	static const logtime_opts no_opts = {0};
	const logtime_opts *o = opts != NULL ? opts : &no_opts;
	size_t last = len < LOGTIME_PREFIX_MAX + 1 ? len : LOGTIME_PREFIX_MAX + 1; /* exclusive */
	size_t end = 0;
	int64_t ns = 0;
	bool found = false;
	if (text == NULL)
		return false;
	if (o->format != NULL && o->format[0] != '\0') {
		for (size_t p = 0; p < last && !found; p++)
			found = logtime_is_start(text, p) && logtime_try_format(text, len, p, o, &ns, &end);
	}
	for (size_t p = 0; p < last && !found; p++) {
		if (!logtime_is_start(text, p))
			continue;
		char c = text[p];
		if (logtime_is_digit(c))
			found = logtime_try_digit(text, len, p, o, &ns, &end);
		else if (c >= 'A' && c <= 'Z')
			found = logtime_try_upper(text, len, p, o, &ns, &end);
	}
	if (!found)
		return false;
	*wall_ns = ns;
	if (end_off != NULL)
		*end_off = end;
	return true;
}

/* Parses a --log-tz value; see logtime.h. */
int logtime_parse_tz(const char *text, int32_t *offset_s)
{
	if (text == NULL)
		return -1;
	if (strcasecmp(text, "UTC") == 0 || strcasecmp(text, "GMT") == 0 || strcasecmp(text, "Z") == 0) {
		*offset_s = 0;
		return 0;
	}
	if (text[0] != '+' && text[0] != '-')
		return -1;
	int sign = text[0] == '-' ? -1 : 1;
	const char *p = text + 1;
	int digits = 0, hh = 0, mm = 0;
	while (logtime_is_digit(p[digits]) && digits < 5)
		digits++;
	if (p[digits] == ':') {
		/* "+H:MM" or "+HH:MM" */
		if (digits < 1 || digits > 2 || !logtime_is_digit(p[digits + 1]) || !logtime_is_digit(p[digits + 2])
		    || p[digits + 3] != '\0')
			return -1;
		for (int i = 0; i < digits; i++)
			hh = hh * 10 + (p[i] - '0');
		mm = (p[digits + 1] - '0') * 10 + (p[digits + 2] - '0');
	} else if (p[digits] != '\0') {
		return -1;
	} else if (digits == 1 || digits == 2) {
		for (int i = 0; i < digits; i++)
			hh = hh * 10 + (p[i] - '0');
	} else if (digits == 4) {
		hh = (p[0] - '0') * 10 + (p[1] - '0');
		mm = (p[2] - '0') * 10 + (p[3] - '0');
	} else {
		return -1;
	}
	if (hh > 23 || mm > 59)
		return -1;
	*offset_s = sign * (hh * 3600 + mm * 60);
	return 0;
}
