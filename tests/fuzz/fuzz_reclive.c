/* fuzz_reclive.c: libFuzzer target for what a running recording reads from
 * others: a state file or an info answer (reclive_parse) and a marker's
 * label (markers_label). Each input is parsed whole and cut at every length
 * up to 64 bytes; a parse that succeeds has a pid, a CSV and a socket, its
 * strings end within their arrays, and the state written back parses to the
 * same; a label ends within MARKERS_LABEL_MAX bytes, holds no newline and no
 * cut UTF-8 sequence at its end that the input did not have there. Any
 * broken invariant aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/markers.h"
#include "recording/reclive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_fail(const char *what, const uint8_t *data, size_t len)
{
	fprintf(stderr, "fuzz_reclive: %s on \"%.*s\"\n", what, (int)(len > 200 ? 200 : len), (const char *)data);
	abort();
}

static bool fuzz_ends(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

static void fuzz_check(const uint8_t *data, size_t len)
{
	char *copy = malloc(len ? len : 1); /* exactly len: ASan sees a read past it */
	if (!copy)
		abort();
	memcpy(copy, data, len);
	static reclive_info in, back;
	if (reclive_parse(copy, len, &in) == 0) {
		if (in.pid <= 0 || !in.csv[0] || !in.sock[0])
			fuzz_fail("parsed without a pid, a CSV or a socket", data, len);
		if (!fuzz_ends(in.id, sizeof in.id) || !fuzz_ends(in.csv, sizeof in.csv) ||
		    !fuzz_ends(in.sock, sizeof in.sock) || !fuzz_ends(in.target, sizeof in.target))
			fuzz_fail("a string past its array", data, len);
		static char text[16384];
		size_t n = reclive_format(&in, text, sizeof text);
		if (reclive_parse(text, n, &back) != 0 || back.pid != in.pid || strcmp(back.csv, in.csv) != 0 ||
		    strcmp(back.sock, in.sock) != 0)
			fuzz_fail("written back, it parses to something else", data, len);
	}
	char label[MARKERS_LABEL_MAX + 1];
	size_t n = markers_label(copy, len, label);
	if (n > MARKERS_LABEL_MAX || strlen(label) != n || strpbrk(label, "\r\n"))
		fuzz_fail("a label too long or with a newline", data, len);
	if (memcmp(label, copy, n) != 0)
		fuzz_fail("a label that is not the input's start", data, len);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_check(data, size);
	for (size_t cut = 0; cut < size && cut < 64; cut++)
		fuzz_check(data, cut);
	return 0;
}
