/* mtime.c: the two clocks memlog reads, and the one ISO 8601 form
 * ("2026-11-24T10:00:00.123Z") in which recordings and logs write wall time.
 * The calendar arithmetic is done here rather than with gmtime_r/timegm so
 * that it is exact for any int64 nanosecond value, takes no locks and never
 * consults the time zone. */
#include "base/mtime.h"

#include <stdbool.h>
#include <time.h>

#define NS_PER_MS INT64_C(1000000)
#define S_PER_DAY INT64_C(86400)

/* Reads clock id in nanoseconds (0 if the clock is unavailable, which Linux never does for these two). */
static int64_t mtime_read_clock(clockid_t id)
{
	struct timespec ts;
	if (clock_gettime(id, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

/* CLOCK_MONOTONIC in ns. */
int64_t mtime_mono_ns(void)
{
	return mtime_read_clock(CLOCK_MONOTONIC);
}

/* CLOCK_REALTIME in ns since the epoch. */
int64_t mtime_wall_ns(void)
{
	return mtime_read_clock(CLOCK_REALTIME);
}

int64_t mtime_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if (a % b < 0)
		q--;
	return q;
}

/* Whether year is a leap year in the proleptic Gregorian calendar. */
static bool mtime_is_leap(int64_t year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int mtime_month_days(int64_t year, int month)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (month == 2 && mtime_is_leap(year))
		return 29;
	return days[month - 1];
}

/* Counts in 400-year eras that start on 1 March, so the leap day falls at
 * the end of a (shifted) year. */
int64_t mtime_days_from_civil(int64_t year, int month, int day)
{
	int64_t y = month <= 2 ? year - 1 : year;
	int64_t era = mtime_floor_div(y, 400);
	int64_t year_of_era = y - era * 400;                          /* 0..399 */
	int64_t month_from_march = month > 2 ? month - 3 : month + 9; /* 0..11 */
	int64_t day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
	int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
	return era * 146097 + day_of_era - 719468; /* 719468: days from 0000-03-01 to 1970-01-01 */
}

/* The inverse of mtime_days_from_civil, in the same eras. */
void mtime_civil_from_days(int64_t days, int64_t *year, int *month, int *day)
{
	int64_t z = days + 719468;
	int64_t era = mtime_floor_div(z, 146097);
	int64_t day_of_era = z - era * 146097;                        /* 0..146096 */
	int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524
	                       - day_of_era / 146096) / 365;          /* 0..399 */
	int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	int64_t mp = (5 * day_of_year + 2) / 153;                     /* 0..11, from March */
	*day = (int)(day_of_year - (153 * mp + 2) / 5 + 1);
	*month = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year = year_of_era + era * 400 + (*month <= 2);
}

/* Writes v as exactly width decimal digits at p. */
static void mtime_put_digits(char *p, int64_t v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* Formats wall_ns as "YYYY-mm-ddTHH:MM:SS.mmmZ" (milliseconds truncated, not rounded). */
void mtime_format_iso(int64_t wall_ns, char *buf)
{
	int64_t secs = mtime_floor_div(wall_ns, NS_PER_S);
	int64_t sub_ns = wall_ns % NS_PER_S; /* not wall_ns - secs * 1e9: that overflows near INT64_MIN */
	if (sub_ns < 0)
		sub_ns += NS_PER_S;
	int64_t ms = sub_ns / NS_PER_MS;
	int64_t days = mtime_floor_div(secs, S_PER_DAY);
	int64_t sod = secs - days * S_PER_DAY;
	int64_t year;
	int month, day;
	mtime_civil_from_days(days, &year, &month, &day);
	/* int64 ns only spans the years 1677-2262, so four digits always suffice. */
	mtime_put_digits(buf, year, 4);
	buf[4] = '-';
	mtime_put_digits(buf + 5, month, 2);
	buf[7] = '-';
	mtime_put_digits(buf + 8, day, 2);
	buf[10] = 'T';
	mtime_put_digits(buf + 11, sod / 3600, 2);
	buf[13] = ':';
	mtime_put_digits(buf + 14, sod / 60 % 60, 2);
	buf[16] = ':';
	mtime_put_digits(buf + 17, sod % 60, 2);
	buf[19] = '.';
	mtime_put_digits(buf + 20, ms, 3);
	buf[23] = 'Z';
	buf[24] = '\0';
}

/* Reads width digits at s into *v; false if any is not a digit. */
static bool mtime_get_digits(const char *s, int width, int *v)
{
	int acc = 0;
	for (int i = 0; i < width; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		acc = acc * 10 + (s[i] - '0');
	}
	*v = acc;
	return true;
}

/* Parses exactly "YYYY-mm-ddTHH:MM:SS.mmmZ"; rejects out-of-range fields
 * (including leap seconds) and times int64 nanoseconds cannot hold. */
int mtime_parse_iso(const char *s, size_t len, int64_t *wall_ns)
{
	int year, month, day, hour, minute, second, ms;
	if (len != MTIME_ISO_LEN)
		return -1;
	if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':'
	    || s[19] != '.' || s[23] != 'Z')
		return -1;
	if (!mtime_get_digits(s, 4, &year) || !mtime_get_digits(s + 5, 2, &month)
	    || !mtime_get_digits(s + 8, 2, &day) || !mtime_get_digits(s + 11, 2, &hour)
	    || !mtime_get_digits(s + 14, 2, &minute) || !mtime_get_digits(s + 17, 2, &second)
	    || !mtime_get_digits(s + 20, 3, &ms))
		return -1;
	if (month < 1 || month > 12 || day < 1 || day > mtime_month_days(year, month)
	    || hour > 23 || minute > 59 || second > 59)
		return -1;
	int64_t days = mtime_days_from_civil(year, month, day);
	int64_t secs = days * S_PER_DAY + hour * 3600 + minute * 60 + second;
	int64_t ns;
	if (__builtin_mul_overflow(secs, NS_PER_S, &ns)
	    || __builtin_add_overflow(ns, ms * NS_PER_MS, &ns))
		return -1;
	*wall_ns = ns;
	return 0;
}
