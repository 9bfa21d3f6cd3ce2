/* test_mtime.c: the clocks and the ISO 8601 format of recordings. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <time.h>

#include "base/mtime.h"

#define NS_PER_S INT64_C(1000000000)
#define NS_PER_MS INT64_C(1000000)

/* Formats wall_ns and asserts the text. */
static void format_is(int64_t wall_ns, const char *want)
{
	char buf[MTIME_ISO_LEN + 1];
	memset(buf, 'x', sizeof buf);
	mtime_format_iso(wall_ns, buf);
	assert_string_equal(buf, want);
	assert_int_equal(strlen(buf), MTIME_ISO_LEN);
}

/* Parses text, asserting success, and returns the ns. */
static int64_t parse_ok(const char *text)
{
	int64_t ns = -1;
	assert_int_equal(mtime_parse_iso(text, strlen(text), &ns), 0);
	return ns;
}

/* Asserts that text is rejected. */
static void parse_bad(const char *text)
{
	int64_t ns = 42;
	if (mtime_parse_iso(text, strlen(text), &ns) != -1)
		print_error("mtime_parse_iso accepted \"%s\"\n", text);
	assert_int_equal(mtime_parse_iso(text, strlen(text), &ns), -1);
	assert_int_equal(ns, 42);
}

static void test_format_known(void **state)
{
	(void)state;
	format_is(0, "1970-01-01T00:00:00.000Z");
	format_is(INT64_C(1709210096) * NS_PER_S + 789 * NS_PER_MS + 999999, "2024-02-29T12:34:56.789Z");
	format_is(INT64_C(951782400) * NS_PER_S, "2000-02-29T00:00:00.000Z");
	format_is(INT64_C(4107542400) * NS_PER_S, "2100-03-01T00:00:00.000Z");
	format_is(INT64_C(1798761599) * NS_PER_S + 999 * NS_PER_MS, "2026-12-31T23:59:59.999Z");
	/* Before the epoch: milliseconds count forwards from the earlier second. */
	format_is(-NS_PER_MS, "1969-12-31T23:59:59.999Z");
	format_is(-1, "1969-12-31T23:59:59.999Z");
	format_is(INT64_MIN, "1677-09-21T00:12:43.145Z");
	format_is(INT64_MAX, "2262-04-11T23:47:16.854Z");
}

static void test_format_matches_gmtime(void **state)
{
	(void)state;
	/* Independent check against the C library over 1900-2200, a step that
	 * walks through every month and many leap years. */
	for (int64_t sec = INT64_C(-2208988800); sec < INT64_C(7258118400); sec += 86400 * 7 + 3601) {
		time_t t = (time_t)sec;
		struct tm tm;
		char want[32], got[MTIME_ISO_LEN + 1];
		gmtime_r(&t, &tm);
		strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%S.250Z", &tm);
		mtime_format_iso(sec * NS_PER_S + 250 * NS_PER_MS, got);
		assert_string_equal(got, want);
	}
}

static void test_parse_known(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("1970-01-01T00:00:00.000Z"), 0);
	assert_int_equal(parse_ok("2024-02-29T12:34:56.789Z"), INT64_C(1709210096789000000));
	assert_int_equal(parse_ok("1969-12-31T23:59:59.999Z"), -NS_PER_MS);
	assert_int_equal(parse_ok("2000-02-29T00:00:00.000Z"), INT64_C(951782400) * NS_PER_S);
	/* Only len bytes are read: what follows does not matter. */
	int64_t ns;
	assert_int_equal(mtime_parse_iso("2024-02-29T12:34:56.789Zjunk", MTIME_ISO_LEN, &ns), 0);
	assert_int_equal(ns, INT64_C(1709210096789000000));
}

static void test_round_trip(void **state)
{
	(void)state;
	for (int64_t ms = INT64_C(-5000000000000); ms < INT64_C(9000000000000); ms += INT64_C(12345678901)) {
		char buf[MTIME_ISO_LEN + 1];
		mtime_format_iso(ms * NS_PER_MS, buf);
		assert_int_equal(parse_ok(buf), ms * NS_PER_MS);
	}
}

static void test_parse_rejects(void **state)
{
	(void)state;
	parse_bad("");
	parse_bad("2024-02-29T12:34:56Z");          /* no milliseconds */
	parse_bad("2024-02-29T12:34:56.7890Z");     /* too long */
	parse_bad("2024-02-29 12:34:56.789Z");      /* space for T */
	parse_bad("2024-02-29T12:34:56.789z");
	parse_bad("2024-02-29T12:34:56.789+");
	parse_bad("2024/02/29T12:34:56.789Z");
	parse_bad("2024-02-29T12-34-56.789Z");
	parse_bad("2024-02-29T12:34:56,789Z");
	parse_bad("2023-02-29T00:00:00.000Z");      /* not a leap year */
	parse_bad("2100-02-29T00:00:00.000Z");      /* centuries are not, unless /400 */
	parse_bad("2024-02-30T00:00:00.000Z");
	parse_bad("2024-04-31T00:00:00.000Z");
	parse_bad("2024-13-01T00:00:00.000Z");
	parse_bad("2024-00-01T00:00:00.000Z");
	parse_bad("2024-01-00T00:00:00.000Z");
	parse_bad("2024-01-01T24:00:00.000Z");
	parse_bad("2024-01-01T00:60:00.000Z");
	parse_bad("2024-01-01T00:00:60.000Z");
	parse_bad("2024-01-01T0a:00:00.000Z");
	parse_bad("-024-01-01T00:00:00.000Z");
	parse_bad("2024-01-01T00:00:00.-00Z");
	parse_bad("9999-12-31T23:59:59.999Z");      /* beyond int64 ns */
	parse_bad("1600-01-01T00:00:00.000Z");
}

static void test_clocks(void **state)
{
	(void)state;
	int64_t a = mtime_mono_ns();
	int64_t b = mtime_mono_ns();
	assert_true(a > 0);
	assert_true(b >= a);
	/* CLOCK_REALTIME agrees with time() to within a second or two. */
	int64_t wall = mtime_wall_ns();
	int64_t now = (int64_t)time(NULL);
	assert_true(wall / NS_PER_S >= now - 2 && wall / NS_PER_S <= now + 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_known),
		cmocka_unit_test(test_format_matches_gmtime),
		cmocka_unit_test(test_parse_known),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_clocks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
