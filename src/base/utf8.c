/* utf8.c: strict UTF-8 (RFC 3629), the one decoder and encoder memlog has. */
#include "base/utf8.h"

int32_t utf8_decode(const unsigned char *s, size_t len, size_t *adv)
{
	unsigned char b = s[0];
	int need;
	uint32_t cp;
	/* The valid range of the second byte depends on the first: this is what
	 * rejects overlongs (E0, F0), surrogates (ED) and > U+10FFFF (F4). */
	unsigned char lo = 0x80, hi = 0xbf;

	*adv = 1;
	if (b < 0x80)
		return b;
	if (b >= 0xc2 && b <= 0xdf) {
		need = 1;
		cp = b & 0x1f;
	} else if (b >= 0xe0 && b <= 0xef) {
		need = 2;
		cp = b & 0x0f;
		if (b == 0xe0)
			lo = 0xa0;
		else if (b == 0xed)
			hi = 0x9f;
	} else if (b >= 0xf0 && b <= 0xf4) {
		need = 3;
		cp = b & 0x07;
		if (b == 0xf0)
			lo = 0x90;
		else if (b == 0xf4)
			hi = 0x8f;
	} else {
		return -1;
	}
	if ((size_t)need >= len)
		return -1;
	for (int i = 1; i <= need; i++) {
		unsigned char c = s[i];
		if (c < lo || c > hi)
			return -1;
		lo = 0x80;
		hi = 0xbf;
		cp = (cp << 6) | (c & 0x3f);
	}
	*adv = (size_t)need + 1;
	return (int32_t)cp;
}

size_t utf8_encode(uint32_t cp, char out[4])
{
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = UTF8_REPLACEMENT;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}
