/* kvscan.h: the "Key: value" lines of /proc and cgroup files (status,
 * smaps_rollup, meminfo, memory.stat), found in one pass. */
#ifndef MEMLOG_KVSCAN_H
#define MEMLOG_KVSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A key looked for at the start of a line. */
typedef struct kvscan_key {
	const char *name;
	size_t len;
} kvscan_key;

#define KVSCAN_KEY(s) { s, sizeof(s) - 1 }

/* Finds each key at the start of a line followed by ':' or a blank, and points
 * at[i] just past the separator and the blanks after it (NULL when absent).
 * Stops as soon as every key is found, so later lines cost nothing. */
void kvscan_keys(const char *buf, size_t len, const kvscan_key *keys, size_t nkeys, const char **at);

/* Parses the unsigned decimal at s (bounded by end) into *out; returns false
 * when s is NULL or holds no digit. */
bool kvscan_num(const char *s, const char *end, int64_t *out);

/* The length of the value at s, up to the end of its line (0 for NULL). */
size_t kvscan_len(const char *s, const char *end);

#endif
