/* fuzz_kmsg.c: libFuzzer target for the kernel log's OOM lines. Each input
 * is read as a message, whole and cut at every length up to 64 bytes, and
 * the results checked: a kill has a pid, its texts are printable ASCII
 * within their arrays, its sizes are whole KiB or unknown, the answer does
 * not change when read again; "a\0b" is also tried as a cgroup directory
 * and a cgroup name, which must not read out of bounds. Any broken
 * invariant aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record/kmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_fail(const char *what, const uint8_t *data, size_t len)
{
	fprintf(stderr, "fuzz_kmsg: %s on \"%.*s\"\n", what, (int)(len > 200 ? 200 : len), (const char *)data);
	abort();
}

/* A text of one of the kill's arrays: ends inside it, printable ASCII before. */
static bool fuzz_clean(const char *s, size_t cap)
{
	const char *nul = memchr(s, '\0', cap);
	if (!nul)
		return false;
	for (const char *c = s; c < nul; c++)
		if (*c < 0x20 || *c >= 0x7f)
			return false;
	return true;
}

static void fuzz_check(const uint8_t *data, size_t len)
{
	char *copy = malloc(len ? len : 1); /* exactly len: ASan sees a read past it */
	if (!copy)
		abort();
	memcpy(copy, data, len);
	kmsg_kill k, again;
	enum kmsg_line kind = kmsg_parse(copy, len, &k);
	if (kmsg_parse(copy, len, &again) != kind || memcmp(&k, &again, sizeof k) != 0)
		fuzz_fail("not deterministic", data, len);
	if (kind == KMSG_OTHER && k.pid != 0)
		fuzz_fail("a pid without a kill", data, len);
	if (kind != KMSG_OTHER) {
		if (k.pid <= 0)
			fuzz_fail("a kill without a pid", data, len);
		if (!fuzz_clean(k.name, sizeof k.name) || !fuzz_clean(k.oom_memcg, sizeof k.oom_memcg) ||
		    !fuzz_clean(k.task_memcg, sizeof k.task_memcg))
			fuzz_fail("a text not clean", data, len);
		int64_t sizes[] = { k.anon_bytes, k.file_bytes, k.shmem_bytes };
		for (int i = 0; i < 3; i++)
			if (sizes[i] < -1 || (sizes[i] >= 0 && sizes[i] % 1024 != 0))
				fuzz_fail("a size neither whole KiB nor unknown", data, len);
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_check(data, size);
	for (size_t cut = 0; cut < size && cut < 64; cut++)
		fuzz_check(data, cut);
	const uint8_t *nul = memchr(data, '\0', size);
	if (nul && memchr(nul + 1, '\0', size - (size_t)(nul + 1 - data))) {
		const char *dir = (const char *)data, *memcg = (const char *)nul + 1;
		bool in = kmsg_cgroup_within(dir, memcg);
		/* A cgroup is within a directory ending with its whole name (as
		 * the kernel writes one: no empty part, no '/' at its end). */
		size_t dl = strlen(dir), ml = strlen(memcg);
		bool named = ml >= 2 && memcg[0] == '/' && memcg[ml - 1] != '/' && !strstr(memcg, "//");
		if (named && dl >= ml && memcmp(dir + dl - ml, memcg, ml) == 0 && !in)
			fuzz_fail("a directory ending with the cgroup's name is not within", data, size);
		if (in && (memcg[0] != '/' || ml < 2))
			fuzz_fail("a cgroup not named from the root is within", data, size);
	}
	return 0;
}
