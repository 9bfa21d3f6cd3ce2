/* test_units.c: numbers for people: the compact IEC labels of the chart axis. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "base/units.h"

#define KiB INT64_C(1024)
#define MiB (KiB * 1024)
#define GiB (MiB * 1024)

/* Asserts the compact label of bytes. */
static void check_compact(int64_t bytes, const char *want)
{
	char buf[32];
	units_bytes_compact(bytes, buf, sizeof buf);
	if (strcmp(buf, want) != 0)
		fail_msg("units_bytes_compact(%lld) = \"%s\", want \"%s\"", (long long)bytes, buf, want);
}

static void test_compact_round_values(void **state)
{
	(void)state;
	check_compact(0, "0 B");
	check_compact(1, "1 B");
	check_compact(1023, "1023 B");
	check_compact(KiB, "1 KiB");
	check_compact(256 * MiB, "256 MiB");
	check_compact(768 * MiB, "768 MiB");
	check_compact(GiB, "1 GiB");
	check_compact(GiB + 512 * MiB, "1.5 GiB");
	check_compact(GiB + 256 * MiB, "1.25 GiB");
	check_compact(5 * GiB, "5 GiB");
	check_compact(1024 * GiB, "1 TiB");
	check_compact(INT64_C(1) << 60, "1 EiB");
}

static void test_compact_rounding(void **state)
{
	(void)state;
	/* Two decimals at most, rounded half up, trailing zeros dropped. */
	check_compact(1536, "1.5 KiB");
	check_compact(1100, "1.07 KiB");
	check_compact(1029, "1 KiB");       /* 1.0049 */
	check_compact(1030, "1.01 KiB");    /* 1.0059 */
	check_compact(MiB - 1, "1 MiB");     /* 1023.999 KiB carries into the next unit */
	check_compact(2 * KiB - 1, "2 KiB");
	check_compact(INT64_MAX, "8 EiB");
	check_compact(-512 * MiB, "-512 MiB");
	check_compact(-GiB - 512 * MiB, "-1.5 GiB");
	check_compact(INT64_MIN, "-8 EiB");
}

static void test_compact_truncates_safely(void **state)
{
	(void)state;
	char buf[4] = "xxx";
	units_bytes_compact(768 * MiB, buf, sizeof buf);
	assert_string_equal(buf, "768");
	units_bytes_compact(768 * MiB, buf, 1);
	assert_string_equal(buf, "");
}

/* Sizes as typed: powers of 1024 whatever the spelling; bad ones refused. */
static void test_parse_bytes(void **state)
{
	(void)state;
	struct { const char *text; int64_t want; } good[] = {
		{ "65536", 65536 }, { "512K", 512 << 10 }, { "200M", 200 << 20 }, { "200MiB", 200 << 20 },
		{ "200MB", 200 << 20 }, { "4G", INT64_C(4) << 30 }, { "1.5G", INT64_C(3) << 29 },
		{ "1T", INT64_C(1) << 40 }, { "64B", 64 }, { "2k", 2048 },
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		int64_t v = -1;
		assert_int_equal(units_parse_bytes(good[i].text, &v), 0);
		assert_int_equal(v, good[i].want);
	}
	const char *bad[] = { "", "M", "12x", "1.2.3", "-5M", "0", "4GiBs", "1 G", "9999999999T" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t v = 7;
		if (units_parse_bytes(bad[i], &v) != -1)
			fail_msg("'%s' was taken as %lld", bad[i], (long long)v);
		assert_int_equal(v, 7);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compact_round_values),
		cmocka_unit_test(test_compact_rounding),
		cmocka_unit_test(test_compact_truncates_safely),
		cmocka_unit_test(test_parse_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
