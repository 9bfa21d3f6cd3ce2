/* test_duration.c: parsing and formatting of durations such as "100ms". */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "base/duration.h"

/* Parses text, asserting success, and returns the ns. */
static int64_t parse_ok(const char *text)
{
	char err[256] = "";
	int64_t ns = -12345;
	int rc = duration_parse(text, &ns, err, sizeof err);
	if (rc != 0)
		print_error("duration_parse(\"%s\") failed: %s\n", text, err);
	assert_int_equal(rc, 0);
	return ns;
}

/* Parses text, asserting failure with an error containing want, and that *ns is untouched. */
static void parse_bad(const char *text, const char *want)
{
	char err[256] = "";
	int64_t ns = -12345;
	int rc = duration_parse(text, &ns, err, sizeof err);
	if (rc == 0 || strstr(err, want) == NULL)
		print_error("duration_parse(\"%s\") -> rc %d ns %lld err \"%s\", wanted \"%s\"\n",
		            text, rc, (long long)ns, err, want);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, want));
	assert_int_equal(ns, -12345);
}

static void test_parse_units(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("5ms"), INT64_C(5000000));
	assert_int_equal(parse_ok("0.5s"), INT64_C(500000000));
	assert_int_equal(parse_ok("2s"), INT64_C(2000000000));
	assert_int_equal(parse_ok("100ms"), INT64_C(100000000));
	assert_int_equal(parse_ok("1us"), INT64_C(1000));
	assert_int_equal(parse_ok("250ns"), INT64_C(250));
	assert_int_equal(parse_ok("1.5m"), INT64_C(90000000000));
	assert_int_equal(parse_ok("1h"), INT64_C(3600000000000));
	assert_int_equal(parse_ok("2"), INT64_C(2000000000));
	assert_int_equal(parse_ok(".25s"), INT64_C(250000000));
	assert_int_equal(parse_ok("007ms"), INT64_C(7000000));
	assert_int_equal(parse_ok("3\xc2\xb5s"), INT64_C(3000)); /* "3µs" */
}

static void test_parse_exact(void **state)
{
	(void)state;
	/* Values that binary floating point cannot hold must still come out exact. */
	assert_int_equal(parse_ok("0.1s"), INT64_C(100000000));
	assert_int_equal(parse_ok("0.3s"), INT64_C(300000000));
	assert_int_equal(parse_ok("1.000000001s"), INT64_C(1000000001));
	assert_int_equal(parse_ok("0.000001ms"), INT64_C(1));
	assert_int_equal(parse_ok("0.001ms"), INT64_C(1000));
	assert_int_equal(parse_ok("0.125h"), INT64_C(450000000000));
	assert_int_equal(parse_ok("0.01m"), INT64_C(600000000));
	assert_int_equal(parse_ok("1.50000000000000000000s"), INT64_C(1500000000));
	assert_int_equal(parse_ok("9223372036854775807ns"), INT64_MAX);
	assert_int_equal(parse_ok("2562047h"), INT64_C(2562047) * INT64_C(3600000000000));
}

static void test_parse_rejects(void **state)
{
	(void)state;
	parse_bad("", "empty duration");
	parse_bad("0", "is zero");
	parse_bad("0ms", "is zero");
	parse_bad("0.000s", "is zero");
	parse_bad("-5ms", "is negative");
	parse_bad("abc", "'abc' is not a duration; expected a number with a unit, e.g. 100ms, 0.5s, 2s "
	                 "(units: ns, us, ms, s, m, h)");
	parse_bad("5 ms", "has a space");
	parse_bad("5xs", "unknown unit 'xs'");
	parse_bad("5MS", "unknown unit 'MS'");
	parse_bad("1e3", "is not a duration");
	parse_bad("nan", "is not a duration");
	parse_bad("inf", "is not a duration");
	parse_bad("+5ms", "is not a duration");
	parse_bad(" 5ms", "is not a duration");
	parse_bad("5ms ", "is not a duration");
	parse_bad("5.ms", "is not a duration");
	parse_bad(".", "is not a duration");
	parse_bad("ms", "is not a duration");
	parse_bad("1.2.3s", "is not a duration");
	parse_bad("0.5ns", "finer than a nanosecond");
	parse_bad("1.0000000001s", "finer than a nanosecond");
	parse_bad("0.00000000000001h", "finer than a nanosecond");
	parse_bad("9223372036854775808ns", "too long");
	parse_bad("2562048h", "too long");
	parse_bad("99999999999999999999999s", "too long");
}

static void test_parse_error_quotes_garbage_safely(void **state)
{
	(void)state;
	char err[256];
	int64_t ns;
	assert_int_equal(duration_parse("\x1b[31m", &ns, err, sizeof err), -1);
	assert_null(strchr(err, '\x1b'));
	/* A tiny buffer truncates the message instead of overflowing. */
	char small[8];
	memset(small, 'x', sizeof small);
	assert_int_equal(duration_parse("abc", &ns, small, sizeof small), -1);
	assert_int_equal(strlen(small), sizeof small - 1);
}

/* Formats ns and asserts the text. */
static void format_is(int64_t ns, const char *want)
{
	char buf[64];
	duration_format(ns, buf, sizeof buf);
	if (strcmp(buf, want) != 0)
		print_error("duration_format(%lld) = \"%s\", wanted \"%s\"\n", (long long)ns, buf, want);
	assert_string_equal(buf, want);
}

static void test_format(void **state)
{
	(void)state;
	format_is(INT64_C(100000000), "100ms");
	format_is(INT64_C(1500000000), "1.5s");
	format_is(INT64_C(3600000000000), "1h");
	format_is(INT64_C(7200000000000), "2h");
	format_is(INT64_C(250000), "250us");
	format_is(INT64_C(250), "250ns");
	format_is(INT64_C(1), "1ns");
	format_is(INT64_C(2000000000), "2s");
	format_is(INT64_C(90000000000), "90s");
	format_is(INT64_C(5400000000000), "90m");
	format_is(INT64_C(61000000000), "61s");
	format_is(INT64_C(1234567891), "1.234567891s");
	format_is(INT64_C(5000000), "5ms");
	format_is(INT64_C(1001), "1001ns");
	format_is(INT64_C(1500), "1.5us");
	format_is(0, "0s");
	format_is(INT64_C(-5000000), "-5ms");
}

static void test_format_small_buffer(void **state)
{
	(void)state;
	char buf[4];
	duration_format(INT64_C(100000000), buf, sizeof buf);
	assert_string_equal(buf, "100");
}

static void test_round_trip(void **state)
{
	(void)state;
	/* Every formatted value parses back to itself, across all scales. */
	int64_t v = 1;
	for (int i = 0; i < 2000; i++) {
		char buf[64];
		duration_format(v, buf, sizeof buf);
		assert_int_equal(parse_ok(buf), v);
		v = v * 3 + i % 7 + 1;
		if (v <= 0 || v > INT64_MAX / 4)
			v = i + 2;
	}
	char buf[64];
	duration_format(INT64_MAX, buf, sizeof buf);
	assert_int_equal(parse_ok(buf), INT64_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_units),
		cmocka_unit_test(test_parse_exact),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_parse_error_quotes_garbage_safely),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_small_buffer),
		cmocka_unit_test(test_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
