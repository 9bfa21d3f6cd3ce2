/* duration.h: reading and writing lengths of time such as "100ms" or "0.5s". */
#ifndef MEMLOG_DURATION_H
#define MEMLOG_DURATION_H

#include <stddef.h>
#include <stdint.h>

/* Parses a positive duration: a decimal number with a unit of ns, us, ms, s,
 * m, h (a bare number means seconds), e.g. "5ms", "0.5s", "2s", "1h".
 * Returns 0 and sets *ns, or -1 with err saying what was expected (the caller
 * prefixes the option's name). Zero, negative values and garbage are errors. */
int duration_parse(const char *text, int64_t *ns, char *err, size_t errlen);

/* Writes ns in the shortest exact form with a unit ("100ms", "1.5s", "2h"). */
void duration_format(int64_t ns, char *buf, size_t buflen);

#endif
