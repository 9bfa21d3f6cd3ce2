/* test_logtime.c: the log timestamp recogniser: every format with and
 * without zones, fractions, the prefix rule, calendar edge cases,
 * rejections, TZ-derived offsets, --log-tz values, and a million lines. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "recording/logtime.h"

#define NS_PER_S INT64_C(1000000000)

/* Options of a log written in UTC in 2026. */
static const logtime_opts utc2026 = {.default_utc_offset_s = 0, .default_year = 2026};

/* The expected value, computed with glibc's timegm so that the test does not
 * share the recogniser's calendar arithmetic. */
static int64_t utc_ns(int year, int month, int day, int hour, int minute, int second, int64_t frac_ns)
{
	struct tm tm = {0};
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = minute;
	tm.tm_sec = second;
	return (int64_t)timegm(&tm) * NS_PER_S + frac_ns;
}

/* Asserts that line is recognised with o as want_ns, ending at want_end
 * (or anywhere when want_end is SIZE_MAX). */
static void expect_with(const logtime_opts *o, const char *line, int64_t want_ns, size_t want_end)
{
	int64_t ns = -1;
	size_t end = SIZE_MAX;
	if (!logtime_parse(line, strlen(line), o, &ns, &end))
		fail_msg("not recognised: \"%s\"", line);
	if (ns != want_ns)
		fail_msg("\"%s\": got %lld ns, want %lld (off by %lld ns)", line, (long long)ns,
		         (long long)want_ns, (long long)(ns - want_ns));
	if (want_end != SIZE_MAX && end != want_end)
		fail_msg("\"%s\": end_off %zu, want %zu", line, end, want_end);
}

/* Asserts recognition with the UTC 2026 options. */
static void expect(const char *line, int64_t want_ns, size_t want_end)
{
	expect_with(&utc2026, line, want_ns, want_end);
}

/* Asserts that line is not recognised with o. */
static void reject_with(const logtime_opts *o, const char *line)
{
	int64_t ns = 0;
	size_t end = 0;
	if (logtime_parse(line, strlen(line), o, &ns, &end))
		fail_msg("recognised, should not be: \"%s\" (%lld ns, end %zu)", line, (long long)ns, end);
}

/* Asserts that line is not recognised with the UTC 2026 options. */
static void reject(const char *line)
{
	reject_with(&utc2026, line);
}

static void test_iso_zones(void **state)
{
	(void)state;
	int64_t t = utc_ns(2026, 11, 24, 10, 0, 1, 0);
	expect("2026-11-24T10:00:01Z start", t, 20);
	expect("2026-11-24T10:00:01z", t, 20);
	expect("2026-11-24 10:00:01Z", t, 20);
	expect("2026-11-24t10:00:01Z", t, 20);
	expect("2026-11-24T12:00:01+02:00 x", t, 25);
	expect("2026-11-24T12:00:01+0200", t, 24);
	expect("2026-11-24T12:00:01+02", t, 22);
	expect("2026-11-24T04:30:01-05:30", t, 25);
	expect("2026-11-24T10:00:01-00:00", t, 25);
	expect("2026-11-24 11:00:01 +0100 msg", t, 25);
	expect("2026-11-24 11:00:01 +01:00", t, 26);
	expect("2026-11-24 10:00:01 UTC", t, 23);
	expect("2026-11-24 10:00:01 GMT: x", t, 23);
	/* No zone: the default offset, here one hour east. */
	logtime_opts cet = utc2026;
	cet.default_utc_offset_s = 3600;
	expect_with(&cet, "2026-11-24T11:00:01 started", t, 19);
	expect_with(&cet, "2026-11-24 11:00:01", t, 19);
	cet.default_utc_offset_s = -8 * 3600;
	expect_with(&cet, "2026-11-24T02:00:01", t, 19);
	/* An explicit zone wins over the default. */
	expect_with(&cet, "2026-11-24T10:00:01Z", t, 20);
	/* A word after a space is message text, not a zone. */
	expect("2026-11-24 10:00:01 Zookeeper", t, 19);
	expect("2026-11-24 10:00:01 +12 items", t, 19);
	expect("2026-11-24T10:00:01-worker", t, 19);
}

static void test_iso_fractions(void **state)
{
	(void)state;
	static const char *const digits[] = {"1", "12", "123", "1234", "12345", "123456", "1234567",
	                                     "12345678", "123456789"};
	static const int64_t want[] = {100000000, 120000000, 123000000, 123400000, 123450000,
	                               123456000, 123456700, 123456780, 123456789};
	int64_t t = utc_ns(2026, 11, 24, 10, 0, 1, 0);
	for (size_t i = 0; i < 9; i++) {
		char line[96];
		snprintf(line, sizeof line, "2026-11-24T10:00:01.%sZ rest", digits[i]);
		expect(line, t + want[i], 21 + i + 1);
		snprintf(line, sizeof line, "2026-11-24 10:00:01,%s - root - INFO - x", digits[i]);
		expect(line, t + want[i], 21 + i);
		snprintf(line, sizeof line, "2026-11-24 12:00:01.%s+02:00", digits[i]);
		expect(line, t + want[i], 21 + i + 6);
	}
	/* Digits past the ninth are read but cannot be represented. */
	expect("2026-11-24T10:00:01.123456789987Z", t + 123456789, 33);
	/* A separator without digits is not a fraction. */
	expect("2026-11-24 10:00:01, next", t, 19);
	expect("2026-11-24 10:00:01. Done", t, 19);
}

static void test_syslog(void **state)
{
	(void)state;
	expect("Nov 24 10:00:01 host sshd[12]: ok", utc_ns(2026, 11, 24, 10, 0, 1, 0), 15);
	expect("Nov  4 10:00:01 host kernel: x", utc_ns(2026, 11, 4, 10, 0, 1, 0), 15);
	expect("Nov 4 10:00:01 host", utc_ns(2026, 11, 4, 10, 0, 1, 0), 14);
	expect("Nov 04 10:00:01 host", utc_ns(2026, 11, 4, 10, 0, 1, 0), 15);
	expect("Jan 31 23:59:59 h", utc_ns(2026, 1, 31, 23, 59, 59, 0), 15);
	expect("Dec  1 00:00:00 h", utc_ns(2026, 12, 1, 0, 0, 0, 0), 15);
	expect("<13>Nov 24 10:00:01 host app: x", utc_ns(2026, 11, 24, 10, 0, 1, 0), 19);
	expect("Nov 24 10:00:01.250 host", utc_ns(2026, 11, 24, 10, 0, 1, 250000000), 19);
	/* The year comes from the options; the local offset applies. */
	logtime_opts o = {.default_utc_offset_s = -3600, .default_year = 2024};
	expect_with(&o, "Feb 29 10:00:01 h", utc_ns(2024, 2, 29, 11, 0, 1, 0), 15);
	/* ctime and Apache's error log carry the year after the time. */
	expect("Mon Nov 24 10:00:01 2025", utc_ns(2025, 11, 24, 10, 0, 1, 0), 24);
	expect("[Tue Nov 24 10:00:01.123456 2025] [core:error] [pid 1] x",
	       utc_ns(2025, 11, 24, 10, 0, 1, 123456000), 32);
	/* A number that is not a year after the time stays message text. */
	expect("Nov 24 10:00:01 12345 bytes", utc_ns(2026, 11, 24, 10, 0, 1, 0), 15);
	reject("Nov 24 10:00 host");
	reject("Nov 32 10:00:01 host");
	reject("Nov   4 10:00:01 host");
	reject("nov 24 10:00:01 host");
	reject("Noc 24 10:00:01 host");
	/* Without a usable default year there is nothing to place it in. */
	logtime_opts no_year = {.default_year = 0};
	reject_with(&no_year, "Nov 24 10:00:01 host");
}

static void test_apache(void **state)
{
	(void)state;
	int64_t t = utc_ns(2026, 11, 24, 10, 0, 1, 0);
	expect("[24/Nov/2026:10:00:01 +0000] \"GET /\"", t, 27);
	expect("127.0.0.1 - - [24/Nov/2026:11:00:01 +0100] \"GET / HTTP/1.1\" 200 5", t, 41);
	expect("[24/Nov/2026:02:00:01 -0800]", t, 27);
	expect("[24/Nov/2026:10:00:01]", t, 21);
	logtime_opts east = utc2026;
	east.default_utc_offset_s = 7200;
	expect_with(&east, "[24/Nov/2026:12:00:01] x", t, 21);
	expect_with(&east, "[24/Nov/2026:10:00:01 +0000]", t, 27);
	reject("[24/Nox/2026:10:00:01 +0000]");
	reject("[31/Nov/2026:10:00:01 +0000]");
	reject("[24/Nov/2026 10:00:01 +0000]");
}

static void test_go(void **state)
{
	(void)state;
	int64_t t = utc_ns(2026, 11, 24, 10, 0, 1, 0);
	expect("2026/11/24 10:00:01 listening on :8080", t, 19);
	expect("2026/11/24 10:00:01.123456 main.go:12: x", t + 123456000, 26);
	expect("2026/11/24 10:00:01 [error] 12#12: *1 open() failed", t, 19);
	logtime_opts o = utc2026;
	o.default_utc_offset_s = 3600;
	expect_with(&o, "2026/11/24 11:00:01 x", t, 19);
	reject("2026/11/24 24:00:00 x");
	reject("2026/13/24 10:00:01 x");
	reject("2026/11/24T10:00:01 x");
}

static void test_glog(void **state)
{
	(void)state;
	int64_t t = utc_ns(2026, 11, 24, 10, 0, 1, 234567000);
	expect("I1124 10:00:01.234567  1234 main.cc:12] started", t, 21);
	expect("W1124 10:00:01.234567 1 x.cc:1] w", t, 21);
	expect("E1124 10:00:01.234567 1 x.cc:1] e", t, 21);
	expect("F1124 10:00:01.234567 1 x.cc:1] f", t, 21);
	expect("I1124 10:00:01 x", utc_ns(2026, 11, 24, 10, 0, 1, 0), 14);
	expect("I20251124 10:00:01.234567 1 x.cc:1] with year", utc_ns(2025, 11, 24, 10, 0, 1, 234567000), 25);
	logtime_opts o = {.default_utc_offset_s = 19800, .default_year = 2027};
	expect_with(&o, "I0101 05:30:00.000000 1 x", utc_ns(2027, 1, 1, 0, 0, 0, 0), 21);
	reject("D1124 10:00:01.234567 1 x.cc:1] d");
	reject("I1324 10:00:01.234567 1 x.cc:1] i");
	reject("I11241 10:00:01.234567");
}

static void test_epoch(void **state)
{
	(void)state;
	int64_t t = INT64_C(1764000000) * NS_PER_S;
	expect("1764000000 start", t, 10);
	expect("1764000000.123 start", t + 123000000, 14);
	expect("1764000000.123456789", t + 123456789, 20);
	expect("[1764000000.123] x", t + 123000000, 15);
	expect("[ 1764000000.5] x", t + 500000000, 14);
	expect("1764000000,5 x", t, 10);
	expect("978307200 x", INT64_C(978307200) * NS_PER_S, 9);
	expect("9223372035 x", INT64_C(9223372035) * NS_PER_S, 10);
	reject("1764000000123 ms since the epoch");
	reject("17640000000 x");
	reject("97830719 x");
	reject("978307199 x");
	reject("650000000 x");
	reject("9999999999 x");
	reject("[ 1234.567] kernel uptime");
	reject("1764000000abc");
	reject("12345 pid");
}

static void test_log_format(void **state)
{
	(void)state;
	logtime_opts o = utc2026;
	o.format = "%d.%m.%Y %H:%M:%S";
	int64_t t = utc_ns(2026, 11, 24, 10, 0, 1, 0);
	expect_with(&o, "24.11.2026 10:00:01 x", t, 19);
	expect_with(&o, "24.11.2026 10:00:01.5 x", t + 500000000, 21);
	expect_with(&o, "24.11.2026 10:00:01,25 x", t + 250000000, 22);
	expect_with(&o, "INFO 24.11.2026 10:00:01 x", t, 24);
	o.default_utc_offset_s = 3600;
	expect_with(&o, "24.11.2026 11:00:01 x", t, 19);
	reject_with(&o, "31.11.2026 10:00:01 x");
	/* Built-in formats still apply when the format does not match. */
	expect_with(&o, "2026-11-24T10:00:01Z x", t, 20);

	/* With %z the parsed zone is used instead of the default. */
	o.format = "%Y%m%d %H%M%S %z";
	expect_with(&o, "20261124 120001 +0200 x", t, 21);
	/* Without a year in the format, the default year. */
	o.format = "%m-%d %H:%M:%S";
	o.default_utc_offset_s = 0;
	expect_with(&o, "11-24 10:00:01 x", t, 14);
	/* The format is tried first, even where a built-in format would match. */
	o.format = "%Y-%d-%m %H:%M:%S";
	expect_with(&o, "2026-11-10 10:00:01", utc_ns(2026, 10, 11, 10, 0, 1, 0), 19);
}

static void test_prefix(void **state)
{
	(void)state;
	int64_t t = utc_ns(2026, 11, 24, 10, 0, 1, 0);
	expect("INFO 2026-11-24T10:00:01Z hello", t, 25);
	expect("[2026-11-24 10:00:01] hello", t, 20);
	expect("[2026-11-24 10:00:01,000] [INFO] x", t, 24);
	expect("worker-3 | 2026-11-24T10:00:01Z x", t, 31);
	expect("  2026-11-24T10:00:01Z indented", t, 22);
	expect("pid=1234 level=info ts=2026-11-24T10:00:01Z", t, 43);

	/* The time may start at byte 40 of the line but not at byte 41. */
	char line[128];
	memset(line, '.', 40);
	strcpy(line + 40, "2026-11-24T10:00:01Z x");
	expect(line, t, 60);
	memset(line, '.', 41);
	strcpy(line + 41, "2026-11-24T10:00:01Z x");
	reject(line);

	/* A date in the message, past the prefix, is not the line's time. */
	reject("Traceback (most recent call last): File \"x.py\", line 3, at 2026-11-24T10:00:01Z");
	reject("ValueError: this message is quite long and mentions 2026-11-24 10:00:01 late");
	/* Only the first timestamp counts. */
	expect("2026-11-24T10:00:01Z resumed job from 2026-11-23T10:00:01Z", t, 20);
	/* A time glued to a word is not one ("x2026...", "id12026..."). */
	reject("x2026-11-24T10:00:01Z");
	reject("id12026-11-24T10:00:01Z");
	reject("abcNov 24 10:00:01 h");
	/* Nor is a piece of a number or of a timestamp that failed. */
	reject("2023-11-24T10:00:01.8999999910-24");
	reject("10:00:01.1764000000 x");
	reject("12,1764000000 x");
	reject("2026-1764000000 x");
	reject("24/Nov 24 10:00:01 h");
	expect("level=info,1764000000 x", INT64_C(1764000000) * NS_PER_S, 21);
	/* A candidate that fails does not stop the search for a later one. */
	expect("<13>1 2026-11-24T10:00:01.003Z host app - - x", t + 3000000, 30);
}

static void test_calendar_edges(void **state)
{
	(void)state;
	expect("2024-02-29T12:00:00Z", utc_ns(2024, 2, 29, 12, 0, 0, 0), 20);
	expect("2000-02-29T12:00:00Z", utc_ns(2000, 2, 29, 12, 0, 0, 0), 20);
	reject("2026-02-29T12:00:00Z");
	reject("1900-02-29T12:00:00Z");
	reject("2100-02-29T12:00:00Z");
	reject("2026-02-30T12:00:00Z");
	/* Day 31 only in months that have it. */
	expect("2026-01-31T00:00:00Z", utc_ns(2026, 1, 31, 0, 0, 0, 0), 20);
	expect("2026-12-31T23:59:59Z", utc_ns(2026, 12, 31, 23, 59, 59, 0), 20);
	reject("2026-04-31T00:00:00Z");
	reject("2026-06-31T00:00:00Z");
	reject("2026-09-31T00:00:00Z");
	reject("2026-11-31T00:00:00Z");
	/* 24:00:00 is the end of the day, in ISO 8601 only. */
	expect("2026-12-31T24:00:00Z", utc_ns(2027, 1, 1, 0, 0, 0, 0), 20);
	expect("2026-11-24 24:00:00.000 x", utc_ns(2026, 11, 25, 0, 0, 0, 0), 23);
	reject("2026-11-24T24:00:01Z");
	reject("2026-11-24T24:01:00Z");
	reject("2026-11-24T24:00:00.001Z");
	reject("2026-11-24T25:00:00Z");
	reject("Nov 24 24:00:00 h");
	/* A leap second stays inside its minute. */
	expect("2026-12-31T23:59:60Z", utc_ns(2026, 12, 31, 23, 59, 59, 999999999), 20);
	expect("2026-12-31T23:59:60.5Z", utc_ns(2026, 12, 31, 23, 59, 59, 999999999), 22);
	reject("2026-12-31T23:59:61Z");
	reject("2026-12-31T23:60:00Z");
	/* Month and day ranges. */
	reject("2026-00-10T10:00:00Z");
	reject("2026-13-10T10:00:00Z");
	reject("2026-11-00T10:00:00Z");
	/* Syslog Feb 29 depends on the default year: refused in a common year. */
	reject("Feb 29 10:00:01 h");
	logtime_opts leap = {.default_year = 2028};
	expect_with(&leap, "Feb 29 10:00:01 h", utc_ns(2028, 2, 29, 10, 0, 1, 0), 15);
	reject("I0229 10:00:01.000000 1 x");
	/* The year range: int64 ns ends in 2262; years before 1900 are not logs. */
	expect("1900-01-01T00:00:00Z", utc_ns(1900, 1, 1, 0, 0, 0, 0), 20);
	reject("1899-12-31T23:59:59Z");
	reject("2263-01-01T00:00:00Z");
	reject("2262-12-31T00:00:00Z");
	reject("0000-00-00 00:00:00");
}

static void test_garbage(void **state)
{
	(void)state;
	reject("");
	reject("hello world");
	reject("Traceback (most recent call last):");
	reject("    at com.example.Main.run(Main.java:12)");
	reject("2026-11-24");
	reject("2026-11-24 starting");
	reject("2026-11-24T10:00");
	reject("2026-11-24T10:00:0");
	reject("2026-11-24T1:00:01Z");
	reject("2026-1-24T10:00:01Z");
	reject("26-11-24T10:00:01Z");
	reject("2026-11-24T10:00:01+123");
	reject("2026-11-24T10:00:01+24:00");
	reject("2026-11-24T10:00:01+05:x");
	reject("2026-11-24T10:00:01.5abc");
	reject("2026-11-24X10:00:01Z");
	reject("Nov");
	reject("I1");
	reject("[");
	static const char binary[] = "\x00\xff\x1b[31m2026\x00-11-24T10:00:01Z\x80";
	int64_t ns;
	assert_false(logtime_parse(binary, sizeof binary - 1, &utc2026, &ns, NULL));
	/* A line cut off in the middle of a timestamp (len shorter than the text). */
	static const char cut[] = "2026-11-24T10:00:01.123Z";
	for (size_t n = 0; n < 19; n++)
		assert_false(logtime_parse(cut, n, &utc2026, &ns, NULL));
	assert_true(logtime_parse(cut, 19, &utc2026, &ns, NULL));
	assert_int_equal(ns, utc_ns(2026, 11, 24, 10, 0, 1, 0));
	assert_true(logtime_parse(cut, 21, &utc2026, &ns, NULL));
	assert_int_equal(ns, utc_ns(2026, 11, 24, 10, 0, 1, 100000000));
}

static void test_null_args(void **state)
{
	(void)state;
	int64_t ns = 0;
	/* No options: UTC, no default year, so the formats with a year still work. */
	assert_true(logtime_parse("2026-11-24 10:00:01 x", 21, NULL, &ns, NULL));
	assert_int_equal(ns, utc_ns(2026, 11, 24, 10, 0, 1, 0));
	assert_false(logtime_parse("Nov 24 10:00:01 x", 17, NULL, &ns, NULL));
	assert_false(logtime_parse(NULL, 0, &utc2026, &ns, NULL));
}

/* Sets TZ (NULL unsets it) and makes the C library read it. */
static void set_tz(const char *tz)
{
	if (tz != NULL)
		setenv("TZ", tz, 1);
	else
		unsetenv("TZ");
	tzset();
}

static void test_offset_from_tz(void **state)
{
	(void)state;
	char *saved = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
	logtime_opts o = {.offset_from_tz = true, .default_utc_offset_s = 12345, .default_year = 2026};
	/* POSIX rules, so the test does not need tzdata: CET/CEST. */
	set_tz("CET-1CEST,M3.5.0,M10.5.0/3");
	expect_with(&o, "2026-01-15 12:00:00 winter", utc_ns(2026, 1, 15, 11, 0, 0, 0), 19);
	expect_with(&o, "2026-07-15 12:00:00 summer", utc_ns(2026, 7, 15, 10, 0, 0, 0), 19);
	expect_with(&o, "Jul 15 12:00:00 h", utc_ns(2026, 7, 15, 10, 0, 0, 0), 15);
	/* Either side of the spring change (29 March 2026, 02:00 -> 03:00). */
	expect_with(&o, "2026-03-29 01:59:59", utc_ns(2026, 3, 29, 0, 59, 59, 0), 19);
	expect_with(&o, "2026-03-29 03:00:00", utc_ns(2026, 3, 29, 1, 0, 0, 0), 19);
	/* An explicit zone still wins. */
	expect_with(&o, "2026-07-15 12:00:00Z", utc_ns(2026, 7, 15, 12, 0, 0, 0), 20);
	/* Epoch seconds are UTC whatever the zone. */
	expect_with(&o, "1764000000 x", INT64_C(1764000000) * NS_PER_S, 10);

	/* The same local minute again after a change of zone: no stale answer. */
	set_tz("EST5EDT,M3.2.0,M11.1.0");
	expect_with(&o, "2026-07-15 12:00:00 summer", utc_ns(2026, 7, 15, 16, 0, 0, 0), 19);
	expect_with(&o, "2026-01-15 12:00:00 winter", utc_ns(2026, 1, 15, 17, 0, 0, 0), 19);
	set_tz("UTC0");
	expect_with(&o, "2026-01-15 12:00:00", utc_ns(2026, 1, 15, 12, 0, 0, 0), 19);

	/* Without offset_from_tz, TZ is ignored. */
	set_tz("EST5EDT,M3.2.0,M11.1.0");
	o.offset_from_tz = false;
	o.default_utc_offset_s = 0;
	expect_with(&o, "2026-07-15 12:00:00", utc_ns(2026, 7, 15, 12, 0, 0, 0), 19);
	set_tz(saved);
	free(saved);
}

static void test_parse_tz(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int32_t offset_s;
	} good[] = {
		{"UTC", 0}, {"utc", 0}, {"GMT", 0}, {"Z", 0}, {"z", 0}, {"+00:00", 0}, {"-00:00", 0},
		{"+02:00", 7200}, {"+0200", 7200}, {"+02", 7200}, {"+2", 7200}, {"-0530", -19800},
		{"-05:30", -19800}, {"+5:45", 20700}, {"+14", 50400}, {"-12:00", -43200}, {"+23:59", 86340},
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		int32_t off = -1;
		if (logtime_parse_tz(good[i].text, &off) != 0)
			fail_msg("logtime_parse_tz(\"%s\") failed", good[i].text);
		if (off != good[i].offset_s)
			fail_msg("logtime_parse_tz(\"%s\") = %d, want %d", good[i].text, off, good[i].offset_s);
	}
	static const char *const bad[] = {
		"", "2", "0200", "+", "-", "+024", "+02000", "+02:0", "+02:000", "+2:5", "+24", "+02:60",
		"+0260", "UTC+2", "CET", "+02:00 ", " +02:00", "+0x2", "++2", "+:30", "+123:00", "Europe/Berlin",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int32_t off = 777;
		if (logtime_parse_tz(bad[i], &off) == 0)
			fail_msg("logtime_parse_tz(\"%s\") accepted as %d", bad[i], off);
		assert_int_equal(off, 777);
	}
	int32_t off;
	assert_int_equal(logtime_parse_tz(NULL, &off), -1);
}

#define MANY_LINES 1000000

/* Writes the log line i of a synthetic mixed-format log into buf, its time
 * one millisecond per line after a fixed start; returns its length. */
static size_t make_line(char *buf, size_t cap, int i)
{
	int64_t ms = i;
	int h = (int)(ms / 3600000 % 24), mi = (int)(ms / 60000 % 60), s = (int)(ms / 1000 % 60);
	int frac = (int)(ms % 1000);
	int n;
	switch (i % 6) {
	case 0:
		n = snprintf(buf, cap, "2026-11-24T%02d:%02d:%02d.%03dZ INFO step %d loss=0.25", h, mi, s, frac, i);
		break;
	case 1:
		n = snprintf(buf, cap, "2026-11-24 %02d:%02d:%02d,%03d - trainer - INFO - batch %d", h, mi, s, frac, i);
		break;
	case 2:
		n = snprintf(buf, cap, "Nov 24 %02d:%02d:%02d host app[42]: tick %d", h, mi, s, i);
		break;
	case 3:
		n = snprintf(buf, cap, "I1124 %02d:%02d:%02d.%03d000  4242 worker.cc:88] item %d", h, mi, s, frac, i);
		break;
	case 4:
		n = snprintf(buf, cap, "[%lld.%03d] event %d", 1795478400LL + ms / 1000, frac, i);
		break;
	default:
		n = snprintf(buf, cap, "worker-7 | 2026/11/24 %02d:%02d:%02d.%03d loaded shard %d", h, mi, s, frac, i);
		break;
	}
	return (size_t)n;
}

static void test_million_lines(void **state)
{
	(void)state;
	/* The lines are generated first so only recognition is timed. */
	enum { MAX_LINE = 96 };
	char *text = malloc((size_t)MANY_LINES * MAX_LINE);
	uint8_t *lens = malloc(MANY_LINES);
	assert_non_null(text);
	assert_non_null(lens);
	for (int i = 0; i < MANY_LINES; i++)
		lens[i] = (uint8_t)make_line(text + (size_t)i * MAX_LINE, MAX_LINE, i);
	int64_t *got = malloc((size_t)MANY_LINES * sizeof *got);
	assert_non_null(got);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int recognised = 0;
	for (int i = 0; i < MANY_LINES; i++)
		recognised += logtime_parse(text + (size_t)i * MAX_LINE, lens[i], &utc2026, &got[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	/* Reported, not asserted: timing depends on the machine and the build. */
	printf("# logtime: %d lines recognised in %.1f ms\n", recognised, ms);
	assert_int_equal(recognised, MANY_LINES);
	/* Line i is i ms after midnight in every format (1795478400 is
	 * 2026-11-24T00:00:00Z); syslog has whole seconds only. */
	int64_t start = utc_ns(2026, 11, 24, 0, 0, 0, 0);
	for (int i = 0; i < MANY_LINES; i++) {
		int64_t want = start + (int64_t)i * 1000000;
		if (i % 6 == 2)
			want -= (int64_t)(i % 1000) * 1000000;
		if (got[i] != want)
			fail_msg("line %d \"%.*s\": %lld, want %lld", i, (int)lens[i], text + (size_t)i * MAX_LINE,
			         (long long)got[i], (long long)want);
	}
	free(got);
	free(text);
	free(lens);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iso_zones),
		cmocka_unit_test(test_iso_fractions),
		cmocka_unit_test(test_syslog),
		cmocka_unit_test(test_apache),
		cmocka_unit_test(test_go),
		cmocka_unit_test(test_glog),
		cmocka_unit_test(test_epoch),
		cmocka_unit_test(test_log_format),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_calendar_edges),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_null_args),
		cmocka_unit_test(test_offset_from_tz),
		cmocka_unit_test(test_parse_tz),
		cmocka_unit_test(test_million_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
