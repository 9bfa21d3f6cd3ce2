/* test_logindex.c: the cursor-to-log lookup: the line shown at a moment. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>

#include "view/logindex.h"

/* The position a brute-force scan gives: the newest-placed line whose time is
 * at or before t, where among equal times the one added last wins. */
static long brute_at(const logindex *ix, int64_t t)
{
	long best = -1;
	for (size_t i = ix->start; i < ix->n; i++)
		if (ix->items[i].wall_ns <= t)
			best = (long)i;
	return best;
}

/* No lines: nothing is at any time. */
static void test_empty(void **state)
{
	(void)state;
	logindex ix = { 0 };
	assert_int_equal(logindex_at(&ix, 0), -1);
	assert_int_equal(logindex_at(&ix, INT64_MAX), -1);
	assert_int_equal(logindex_count(&ix), 0);
	logindex_trim(&ix, 100);
	logindex_free(&ix);
}

/* Lines in time order: exact times, between, before the first, after the last. */
static void test_in_order(void **state)
{
	(void)state;
	logindex ix = { 0 };
	for (uint64_t s = 0; s < 10; s++)
		assert_int_equal(logindex_add(&ix, s, (int64_t)s * 100), 0);
	assert_int_equal(logindex_at(&ix, -1), -1);
	assert_int_equal(logindex_at(&ix, 0), 0);
	assert_int_equal(logindex_at(&ix, 99), 0);
	assert_int_equal(logindex_at(&ix, 100), 1);
	assert_int_equal(logindex_at(&ix, 550), 5);
	assert_int_equal(logindex_at(&ix, 900), 9);
	assert_int_equal(logindex_at(&ix, 1 << 30), 9);
	assert_int_equal(ix.items[logindex_at(&ix, 550)].seq, 5);
	logindex_free(&ix);
}

/* An older line (another file's, memlog's own) goes where its time says;
 * among equal times the one that came later is shown. */
static void test_out_of_order_and_ties(void **state)
{
	(void)state;
	logindex ix = { 0 };
	logindex_add(&ix, 0, 0);     /* memlog started */
	logindex_add(&ix, 1, 3000);  /* memlog command exited */
	logindex_add(&ix, 2, 1000);  /* app log lines, read after the .log */
	logindex_add(&ix, 3, 2000);
	logindex_add(&ix, 4, 2000);  /* a continuation line: same time */
	assert_int_equal(logindex_count(&ix), 5);
	int64_t want_t[] = { 0, 1000, 2000, 2000, 3000 };
	uint64_t want_seq[] = { 0, 2, 3, 4, 1 };
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(ix.items[i].wall_ns, want_t[i]);
		assert_int_equal(ix.items[i].seq, want_seq[i]);
	}
	assert_int_equal(ix.items[logindex_at(&ix, 2500)].seq, 4);
	assert_int_equal(ix.items[logindex_at(&ix, 2000)].seq, 4);
	assert_int_equal(ix.items[logindex_at(&ix, 1999)].seq, 2);
	assert_int_equal(ix.items[logindex_at(&ix, 3000)].seq, 1);
	logindex_free(&ix);
}

/* Lines the logbook dropped are forgotten, wherever they sit. */
static void test_trim(void **state)
{
	(void)state;
	logindex ix = { 0 };
	logindex_add(&ix, 0, 500);
	logindex_add(&ix, 1, 100);
	logindex_add(&ix, 2, 200);
	logindex_add(&ix, 3, 600);
	logindex_trim(&ix, 1); /* seq 0 (time 500) is gone */
	assert_int_equal(logindex_count(&ix), 3);
	assert_int_equal(ix.items[logindex_at(&ix, 550)].seq, 2);
	logindex_trim(&ix, 1); /* nothing more to drop */
	assert_int_equal(logindex_count(&ix), 3);
	logindex_trim(&ix, 3);
	assert_int_equal(logindex_count(&ix), 1);
	assert_int_equal(logindex_at(&ix, 599), -1);
	assert_int_equal(ix.items[logindex_at(&ix, 600)].seq, 3);
	logindex_free(&ix);
}

/* Many lines, mostly in order with some late ones, dropped from the front
 * as a live logbook does: every lookup matches a brute-force scan. */
static void test_against_brute_force(void **state)
{
	(void)state;
	logindex ix = { 0 };
	srand(42);
	int64_t t = 0;
	uint64_t seq = 0;
	for (int round = 0; round < 20; round++) {
		for (int i = 0; i < 700; i++) {
			t += rand() % 50;
			/* One line in ten is late by up to 2000 (another source). */
			int64_t when = rand() % 10 == 0 ? t - rand() % 2000 : t;
			assert_int_equal(logindex_add(&ix, seq++, when), 0);
		}
		/* Keep the last 3000 lines, as a bounded logbook would. */
		if (seq > 3000)
			logindex_trim(&ix, seq - 3000);
		assert_true(logindex_count(&ix) <= 3000);
		for (size_t i = ix.start; i + 1 < ix.n; i++)
			assert_true(ix.items[i].wall_ns <= ix.items[i + 1].wall_ns);
		for (int q = 0; q < 300; q++) {
			int64_t at = rand() % (t + 1000) - 500;
			assert_int_equal(logindex_at(&ix, at), brute_at(&ix, at));
		}
	}
	logindex_free(&ix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_out_of_order_and_ties),
		cmocka_unit_test(test_trim),
		cmocka_unit_test(test_against_brute_force),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
