/* fuzz_logtime.c: libFuzzer target for the log timestamp recogniser. Each
 * input is tried as a log line under several option sets (built-in formats
 * only, another default year and offset, the TZ zone, a --log-format, and a
 * format built from the input itself), and the results are checked: the end
 * offset lies inside the line, the time lies in the supported years, the
 * answer does not change when the line is cut just after the timestamp, and
 * a found time written back as ISO 8601 reads back as the same millisecond.
 * Also feeds the input to logtime_parse_tz. Any broken invariant aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "recording/logtime.h"
#include "base/mtime.h"

#define NS_PER_S INT64_C(1000000000)
#define NS_PER_MS INT64_C(1000000)
/* 1900-01-01T00:00:00Z: the recogniser's first year, minus a day of offsets. */
#define LOW_NS ((INT64_C(-2208988800) - 86400) * NS_PER_S)
#define FIRST_1900_NS (INT64_C(-2208988800) * NS_PER_S)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stops the fuzzer with a message naming the broken invariant. */
static void fuzz_fail(const char *what, const char *line, size_t len)
{
	fprintf(stderr, "fuzz_logtime: %s on \"%.*s\"\n", what, (int)(len > 200 ? 200 : len), line);
	abort();
}

/* A copy of len bytes in a block of exactly that size, so that ASan sees
 * any read past len (the caller's buffer might be longer). */
static char *fuzz_exact_copy(const char *src, size_t len)
{
	char *p = malloc(len ? len : 1);
	if (p == NULL)
		abort();
	memcpy(p, src, len);
	return p;
}

/* Runs logtime_parse on line with o and checks every invariant; with
 * builtin the stronger ones that strptime formats cannot promise. */
static void fuzz_check(const char *line, size_t len, const logtime_opts *o, bool builtin)
{
	int64_t ns = 0;
	size_t end = SIZE_MAX;
	bool found = logtime_parse(line, len, o, &ns, &end);
	int64_t ns2 = 0;
	size_t end2 = SIZE_MAX;
	if (logtime_parse(line, len, o, &ns2, &end2) != found || (found && (ns2 != ns || end2 != end)))
		fuzz_fail("not deterministic", line, len);
	if (!found)
		return;
	if (end == 0 || end > len)
		fuzz_fail("end_off outside the line", line, len);
	if (ns < LOW_NS)
		fuzz_fail("time before 1900", line, len);
	if (!builtin)
		return;

	/* The text after the timestamp cannot change what was found. */
	char *cut = fuzz_exact_copy(line, end);
	int64_t ns3 = 0;
	size_t end3 = SIZE_MAX;
	if (!logtime_parse(cut, end, o, &ns3, &end3) || ns3 != ns || end3 != end)
		fuzz_fail("cutting the line after the timestamp changed the result", line, len);
	free(cut);

	/* Round trip through the recording's own ISO 8601 form. */
	if (ns >= FIRST_1900_NS) {
		char iso[MTIME_ISO_LEN + 1];
		mtime_format_iso(ns, iso);
		int64_t back = 0;
		size_t back_end = 0;
		static const logtime_opts utc = {.default_year = 2026};
		int64_t ms_floor = ns - ((ns % NS_PER_MS) + NS_PER_MS) % NS_PER_MS;
		if (!logtime_parse(iso, MTIME_ISO_LEN, &utc, &back, &back_end) || back != ms_floor
		    || back_end != MTIME_ISO_LEN)
			fuzz_fail("ISO 8601 round trip differs", line, len);
	}
}

/* Conversions and literals a format made from fuzz input is built from. */
static const char *const fuzz_tokens[] = {
	"%Y", "%m", "%d", "%H", "%M", "%S", "%z", "%b", "%e", "%T", "%y", "%j", "%p", "%I", "%F", "%D",
	"%R", "%a", "%s", "%n", "%%", " ", "-", "/", ":", ".", ",", "[", "]", "T", "Z", "+",
};

/* Builds a strptime format from recipe bytes, one token per byte. */
static void fuzz_make_format(const uint8_t *recipe, size_t n, char *format, size_t cap)
{
	size_t used = 0;
	format[0] = '\0';
	for (size_t i = 0; i < n && i < 24; i++) {
		const char *tok = fuzz_tokens[recipe[i] % (sizeof fuzz_tokens / sizeof fuzz_tokens[0])];
		size_t tl = strlen(tok);
		if (used + tl + 1 > cap)
			break;
		memcpy(format + used, tok, tl + 1);
		used += tl;
	}
}

/* Zones are given as POSIX rules so that no tzdata is needed. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
	tzset();
	return 0;
}

/* One input: the line under every option set, then as a --log-tz value. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line = (const char *)data;
	static const logtime_opts utc = {.default_utc_offset_s = 0, .default_year = 2026};
	static const logtime_opts india_leap = {.default_utc_offset_s = 19800, .default_year = 2024};
	static const logtime_opts from_tz = {.offset_from_tz = true, .default_year = 2026};
	static const logtime_opts far_west = {.default_utc_offset_s = -86399, .default_year = 1900};
	static const logtime_opts dmy = {.default_utc_offset_s = 3600, .default_year = 2026,
	                                 .format = "%d.%m.%Y %H:%M:%S"};
	static const logtime_opts zoned = {.default_year = 2026, .format = "%Y-%m-%d %H:%M:%S %z"};
	fuzz_check(line, size, &utc, true);
	fuzz_check(line, size, &india_leap, true);
	fuzz_check(line, size, &from_tz, true);
	fuzz_check(line, size, &far_west, true);
	fuzz_check(line, size, &dmy, false);
	fuzz_check(line, size, &zoned, false);

	/* "recipe\nline": a format made from the recipe, tried on the line. */
	const uint8_t *nl = memchr(data, '\n', size);
	if (nl != NULL) {
		char format[128];
		fuzz_make_format(data, (size_t)(nl - data), format, sizeof format);
		logtime_opts own = {.default_utc_offset_s = -3600, .default_year = 2026, .format = format};
		size_t rest = size - (size_t)(nl - data) - 1;
		char *text = fuzz_exact_copy((const char *)nl + 1, rest);
		fuzz_check(text, rest, &own, false);
		free(text);
	}

	if (size < 64) {
		char tz[64];
		memcpy(tz, data, size);
		tz[size] = '\0';
		int32_t off = 0;
		if (logtime_parse_tz(tz, &off) == 0 && (off <= -86400 || off >= 86400 || off % 60 != 0))
			fuzz_fail("logtime_parse_tz offset out of range", tz, size);
	}
	return 0;
}
