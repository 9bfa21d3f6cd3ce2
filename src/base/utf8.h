/* utf8.h: UTF-8 decoded and encoded by hand, strictly, so that nothing
 * depends on the C library's idea of the locale's multibyte encoding. */
#ifndef MEMLOG_UTF8_H
#define MEMLOG_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* The stand-in for what cannot be decoded or encoded. */
#define UTF8_REPLACEMENT 0xFFFDu

/* Decodes the character at s (len > 0 bytes; a NUL-terminated string may
 * pass any len >= 4: a NUL ends a sequence). Overlong forms, surrogates,
 * code points above U+10FFFF and cut sequences are invalid. Returns the
 * code point and sets *adv to its bytes, or returns -1 with *adv 1 (the
 * first byte is skipped, so decoding always moves on). */
int32_t utf8_decode(const unsigned char *s, size_t len, size_t *adv);

/* Writes the encoding of cp (U+FFFD for a surrogate or one above U+10FFFF)
 * to out; returns its bytes, 1 to 4. */
size_t utf8_encode(uint32_t cp, char out[4]);

#endif
