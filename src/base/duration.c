/* duration.c: lengths of time as people type them ("100ms", "0.5s", "1h") and
 * back. Parsing is exact integer arithmetic, never floating point, so "0.1s"
 * is 100000000 ns and not one nanosecond less. */
#include "base/duration.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define DURATION_EXPECTED \
	"expected a number with a unit, e.g. 100ms, 0.5s, 2s (units: ns, us, ms, s, m, h)"

/* A unit: its name and its length written as pow10_exp zeros after factor ns. */
struct duration_unit {
	const char *name;
	int pow10_exp;
	int64_t factor;
	int64_t ns;
};

/* Largest first: duration_format prefers the larger unit on a tie. */
static const struct duration_unit duration_units[] = {
	{"h", 11, 36, INT64_C(3600000000000)},
	{"m", 10, 6, INT64_C(60000000000)},
	{"s", 9, 1, INT64_C(1000000000)},
	{"ms", 6, 1, INT64_C(1000000)},
	{"us", 3, 1, INT64_C(1000)},
	{"\xc2\xb5s", 3, 1, INT64_C(1000)}, /* "µs", accepted when parsing only */
	{"ns", 0, 1, INT64_C(1)},
};
#define DURATION_NUNITS (sizeof duration_units / sizeof duration_units[0])

/* 10^e for 0 <= e <= 18. */
static int64_t duration_pow10(int e)
{
	int64_t v = 1;
	while (e-- > 0)
		v *= 10;
	return v;
}

/* Copies text into out for quoting in a message: at most 40 bytes, control
 * characters replaced, so a stray escape sequence never reaches the terminal. */
static void duration_quote(const char *text, char *out, size_t outlen)
{
	size_t i = 0;
	for (; text[i] && i < 40 && i + 4 < outlen; i++) {
		unsigned char c = (unsigned char)text[i];
		out[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (text[i] && i + 4 < outlen) {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = '\0';
}

/* Parses text as a positive duration in ns; see duration.h. */
int duration_parse(const char *text, int64_t *ns, char *err, size_t errlen)
{
	char shown[48];
	if (text == NULL || *text == '\0') {
		snprintf(err, errlen, "empty duration; " DURATION_EXPECTED);
		return -1;
	}
	duration_quote(text, shown, sizeof shown);
	if (*text == '-') {
		snprintf(err, errlen, "'%s' is negative; expected a positive duration such as 100ms", shown);
		return -1;
	}

	const char *p = text;
	int64_t whole = 0;
	bool overflow = false;
	int ndigits = 0;
	for (; *p >= '0' && *p <= '9'; p++, ndigits++) {
		if (__builtin_mul_overflow(whole, 10, &whole)
		    || __builtin_add_overflow(whole, *p - '0', &whole))
			overflow = true;
	}
	/* The fraction is kept as an integer frac with frac_digits digits after
	 * the point; digits beyond 18 can only matter if they are zeros. */
	int64_t frac = 0;
	int frac_digits = 0;
	bool frac_lost = false;
	if (*p == '.') {
		p++;
		int trailing_zeros = 0;
		for (; *p >= '0' && *p <= '9'; p++, ndigits++) {
			if (*p == '0') {
				trailing_zeros++;
				continue;
			}
			/* A non-zero digit: the zeros before it are significant. */
			for (; trailing_zeros > 0; trailing_zeros--) {
				if (frac_digits < 18) {
					frac *= 10;
					frac_digits++;
				}
			}
			if (frac_digits < 18) {
				frac = frac * 10 + (*p - '0');
				frac_digits++;
			} else {
				frac_lost = true;
			}
		}
		if (p[-1] == '.') {
			ndigits = 0; /* "5." or "." is not a number */
		}
	}
	if (ndigits == 0) {
		snprintf(err, errlen, "'%s' is not a duration; " DURATION_EXPECTED, shown);
		return -1;
	}

	const struct duration_unit *unit = &duration_units[2]; /* a bare number means seconds */
	if (*p != '\0') {
		unit = NULL;
		for (size_t i = 0; i < DURATION_NUNITS; i++) {
			if (strcmp(p, duration_units[i].name) == 0)
				unit = &duration_units[i];
		}
		if (unit == NULL) {
			const char *q = p;
			while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z'))
				q++;
			if (*p == ' ' || *p == '\t')
				snprintf(err, errlen, "'%s' has a space; write the unit right after the number, e.g. 100ms", shown);
			else if (q != p && *q == '\0')
				snprintf(err, errlen, "'%s' has an unknown unit '%s'; expected one of ns, us, ms, s, m, h", shown, p);
			else
				snprintf(err, errlen, "'%s' is not a duration; " DURATION_EXPECTED, shown);
			return -1;
		}
	}

	int64_t frac_ns = 0;
	bool exact = !frac_lost;
	if (exact && frac_digits > 0) {
		int shift = frac_digits - unit->pow10_exp;
		if (shift <= 0) {
			frac_ns = frac * duration_pow10(-shift) * unit->factor;
		} else if (shift <= 2) {
			/* factor is at most 36 = 2^2 * 3^2: a fraction needing more
			 * than two extra powers of ten can never land on a whole ns. */
			int64_t num = frac * unit->factor;
			int64_t den = duration_pow10(shift);
			exact = num % den == 0;
			frac_ns = num / den;
		} else {
			exact = false;
		}
	}
	if (!exact) {
		snprintf(err, errlen, "'%s' is finer than a nanosecond; " DURATION_EXPECTED, shown);
		return -1;
	}
	int64_t total;
	if (overflow || __builtin_mul_overflow(whole, unit->ns, &total)
	    || __builtin_add_overflow(total, frac_ns, &total)) {
		snprintf(err, errlen, "'%s' is too long; the longest duration is 2562047h", shown);
		return -1;
	}
	if (total == 0) {
		snprintf(err, errlen, "'%s' is zero; expected a positive duration such as 100ms", shown);
		return -1;
	}
	*ns = total;
	return 0;
}

/* Writes mag ns in unit u into out as "<whole>[.<digits>]<unit>"; returns its
 * length, or 0 when the value has no exact short decimal form in that unit. */
static size_t duration_format_in(uint64_t mag, const struct duration_unit *u, char *out, size_t outlen)
{
	uint64_t unit_ns = (uint64_t)u->ns;
	uint64_t rem = mag % unit_ns;
	char frac[24];
	size_t nfrac = 0;
	/* Long division; rem < unit_ns <= 3.6e12 so rem * 10 cannot overflow. */
	while (rem != 0 && nfrac < 20) {
		rem *= 10;
		frac[nfrac++] = (char)('0' + rem / unit_ns);
		rem %= unit_ns;
	}
	if (rem != 0)
		return 0;
	frac[nfrac] = '\0';
	int n = snprintf(out, outlen, "%llu%s%s%s", (unsigned long long)(mag / unit_ns),
	                 nfrac ? "." : "", frac, u->name);
	return n < 0 ? 0 : (size_t)n;
}

/* Writes ns in the shortest exact form: the unit giving the fewest characters
 * among those the value is at least one of, the larger unit on a tie. */
void duration_format(int64_t ns, char *buf, size_t buflen)
{
	char best[64] = "0s";
	size_t best_len = 0;
	const char *sign = "";
	uint64_t mag = (uint64_t)ns;
	if (buflen == 0)
		return;
	if (ns < 0) {
		sign = "-";
		mag = -mag; /* well defined for INT64_MIN too, in unsigned arithmetic */
	}
	for (size_t i = 0; mag != 0 && i < DURATION_NUNITS; i++) {
		const struct duration_unit *u = &duration_units[i];
		char cand[64];
		if (u->name[0] == '\xc2' || (mag < (uint64_t)u->ns && u->ns != 1))
			continue;
		size_t len = duration_format_in(mag, u, cand, sizeof cand);
		if (len != 0 && (best_len == 0 || len < best_len)) {
			memcpy(best, cand, len + 1);
			best_len = len;
		}
	}
	snprintf(buf, buflen, "%s%s", sign, best);
}
