/* units.c: formatting sizes and times the way the person reading them expects. */
#include "base/units.h"

#include "base/mtime.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

void units_bytes(int64_t bytes, char *buf, size_t buflen)
{
	static const char *const names[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)bytes;
	int u = 0;
	if (bytes < 1024 && bytes > -1024) {
		snprintf(buf, buflen, "%lld B", (long long)bytes);
		return;
	}
	while ((v >= 1024.0 || v <= -1024.0) && u < 6) {
		v /= 1024.0;
		u++;
	}
	double mag = v < 0 ? -v : v;
	/* Three significant digits, but never "1024 KiB": rounding may carry up. */
	if (mag >= 999.5 && u < 6) {
		v /= 1024.0;
		u++;
		mag = v < 0 ? -v : v;
	}
	if (mag >= 99.95)
		snprintf(buf, buflen, "%.0f %s", v, names[u]);
	else if (mag >= 9.995)
		snprintf(buf, buflen, "%.1f %s", v, names[u]);
	else
		snprintf(buf, buflen, "%.2f %s", v, names[u]);
}

void units_elapsed(int64_t ns, char *buf, size_t buflen)
{
	if (ns < 0)
		ns = 0;
	int64_t s = ns / NS_PER_S;
	if (s < 60)
		snprintf(buf, buflen, s < 10 ? "%.2f s" : "%.1f s", (double)ns / 1e9);
	else if (s < 3600)
		snprintf(buf, buflen, "%lld min %02lld s", (long long)(s / 60), (long long)(s % 60));
	else
		snprintf(buf, buflen, "%lld h %02lld min", (long long)(s / 3600), (long long)(s / 60 % 60));
}

void units_bytes_compact(int64_t bytes, char *buf, size_t buflen)
{
	static const char *const names[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	/* Unsigned magnitude: -INT64_MIN does not fit an int64_t. */
	uint64_t mag = bytes < 0 ? (uint64_t)0 - (uint64_t)bytes : (uint64_t)bytes;
	int u = 0;
	while (u < 6 && mag >> (10 * (u + 1)) != 0)
		u++;
	uint64_t unit = UINT64_C(1) << (10 * u);
	uint64_t whole = mag / unit;
	/* Hundredths, rounded half up; in EiB both sides drop 10 bits first so
	 * that rem * 100 cannot overflow (the bits dropped are far below 0.01). */
	int drop = u == 6 ? 10 : 0;
	uint64_t rem = (mag % unit) >> drop, unit_d = unit >> drop;
	uint64_t hundredths = unit == 1 ? 0 : (rem * 100 + unit_d / 2) / unit_d;
	if (hundredths == 100) {
		whole++;
		hundredths = 0;
	}
	if (whole == 1024 && u < 6) {
		whole = 1;
		u++;
	}
	const char *sign = bytes < 0 ? "-" : "";
	if (hundredths == 0)
		snprintf(buf, buflen, "%s%llu %s", sign, (unsigned long long)whole, names[u]);
	else if (hundredths % 10 == 0)
		snprintf(buf, buflen, "%s%llu.%llu %s", sign, (unsigned long long)whole,
		         (unsigned long long)(hundredths / 10), names[u]);
	else
		snprintf(buf, buflen, "%s%llu.%02llu %s", sign, (unsigned long long)whole,
		         (unsigned long long)hundredths, names[u]);
}

void units_elapsed_compact(int64_t ns, char *buf, size_t buflen)
{
	if (ns < 0)
		ns = 0;
	int64_t s = ns / NS_PER_S;
	if (s < 60)
		snprintf(buf, buflen, "%lld.%01llds", (long long)s, (long long)(ns / (NS_PER_S / 10) % 10));
	else if (s < 3600)
		snprintf(buf, buflen, "%lldm%02llds", (long long)(s / 60), (long long)(s % 60));
	else
		snprintf(buf, buflen, "%lldh%02lldm", (long long)(s / 3600), (long long)(s / 60 % 60));
}

void units_fraction(char *buf, size_t buflen, int64_t frac_ns, int decimals)
{
	int64_t scale = NS_PER_S, f;
	for (int i = 0; i < decimals && i < 9; i++)
		scale /= 10;
	f = frac_ns / scale;
	while (decimals > 0 && f % 10 == 0) {
		f /= 10;
		decimals--;
	}
	if (decimals > 0) {
		size_t len = strlen(buf);
		snprintf(buf + len, buflen - len, ".%0*lld", decimals, (long long)f);
	}
}

void units_elapsed_label(int64_t ns, int decimals, char *buf, size_t buflen)
{
	static const char unit[4] = { 'd', 'h', 'm', 's' };
	uint64_t ut = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	uint64_t s = ut / NS_PER_S;
	int64_t frac = (int64_t)(ut % NS_PER_S);
	uint64_t part[4] = { s / 86400, s / 3600 % 24, s / 60 % 60, s % 60 };
	char fr[16] = "";
	units_fraction(fr, sizeof fr, frac, decimals);
	int first = 0, last = 3;
	while (first < 3 && part[first] == 0)
		first++;
	if (part[3] == 0 && fr[0] == '\0')
		while (last > first && part[last] == 0)
			last--;
	size_t len = (size_t)snprintf(buf, buflen, "%s", ns < 0 ? "-" : "");
	for (int i = first; i <= last && len < buflen; i++)
		len += (size_t)snprintf(buf + len, buflen - len, i == first ? "%llu%s%c" : "%02llu%s%c",
		                        (unsigned long long)part[i], i == 3 ? fr : "", unit[i]);
}

int units_parse_bytes(const char *text, int64_t *bytes)
{
	static const char units[] = "KMGT";
	const char *c = text;
	double whole = 0, scale = 1;
	bool digits = false, point = false;
	for (; (*c >= '0' && *c <= '9') || (*c == '.' && !point); c++) {
		if (*c == '.') {
			point = true;
			continue;
		}
		digits = true;
		if (point)
			whole += (*c - '0') * (scale /= 10);
		else
			whole = whole * 10 + (*c - '0');
	}
	if (!digits)
		return -1;
	double mult = 1;
	const char *u = *c ? strchr(units, *c == 'k' ? 'K' : *c) : NULL;
	if (u && *c) {
		for (const char *k = units; k <= u; k++)
			mult *= 1024;
		c++;
		if (*c == 'i' && c[1] == 'B')
			c += 2;
		else if (*c == 'B')
			c++;
	} else if (*c == 'B') {
		c++;
	}
	if (*c)
		return -1;
	double v = whole * mult;
	if (v < 1 || v > (double)(INT64_C(1) << 62))
		return -1;
	*bytes = (int64_t)v;
	return 0;
}
