/* test_markon.c: --mark-on's patterns on log lines. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "record/markon.h"

/* The label of line under the one pattern pat, or NULL when it does not match. */
static const char *label_of(const char *pat, const char *line)
{
	static char label[MARKERS_LABEL_MAX + 1];
	char err[512];
	const char *one[1] = { pat };
	markon *m = markon_new(one, 1, err, sizeof err);
	if (!m)
		print_error("%s\n", err);
	assert_non_null(m);
	bool hit = markon_match(m, line, strlen(line), label);
	markon_free(m);
	return hit ? label : NULL;
}

/* The first group labels the marker; without one (or when it took no
 * text) the line does. */
static void test_labels(void **state)
{
	(void)state;
	assert_string_equal(label_of("epoch ([0-9]+)", "INFO epoch 12 begins"), "12");
	assert_string_equal(label_of("checkpoint", "saving a checkpoint"), "saving a checkpoint");
	assert_string_equal(label_of("load(ing)?", "load done"), "load done");
	assert_null(label_of("epoch ([0-9]+)", "epoch x"));
	assert_string_equal(label_of("^(step [a-z]+):", "step load: 3 files"), "step load");
}

/* Perl's \d \w \s (and their negations) are the classes they stand for;
 * inside brackets a backslash stays literal, as POSIX has it. */
static void test_perl_classes(void **state)
{
	(void)state;
	assert_string_equal(label_of("epoch (\\d+)", "epoch 42"), "42");
	assert_string_equal(label_of("(\\w+)=\\s*\\S", "rows= 5"), "rows");
	assert_null(label_of("^\\D+$", "abc1"));
	assert_string_equal(label_of("a\\.b", "x a.b y"), "x a.b y");
	assert_null(label_of("a\\.b", "axb"));
	assert_string_equal(label_of("[\\d]", "a\\b"), "a\\b");
	assert_string_equal(label_of("[]d]", "]"), "]");
}

/* Several patterns: the first that matches labels it. */
static void test_several(void **state)
{
	(void)state;
	char err[256], label[MARKERS_LABEL_MAX + 1];
	const char *pats[] = { "epoch (\\d+)", "(save)" };
	markon *m = markon_new(pats, 2, err, sizeof err);
	assert_non_null(m);
	assert_true(markon_match(m, "save epoch 3", 12, label));
	assert_string_equal(label, "3");
	assert_true(markon_match(m, "save now", 8, label));
	assert_string_equal(label, "save");
	assert_false(markon_match(m, "nothing", 7, label));
	markon_free(m);
}

/* A long label is cut, never inside a character. */
static void test_long_label(void **state)
{
	(void)state;
	char line[400];
	size_t n = 0;
	while (n + 2 < sizeof line - 1) {
		line[n++] = (char)0xc3;
		line[n++] = (char)0xa9; /* é */
	}
	line[n] = '\0';
	const char *l = label_of(".", line);
	assert_non_null(l);
	assert_true(strlen(l) <= MARKERS_LABEL_MAX);
	assert_int_equal(strlen(l) % 2, 0);
}

/* A bad pattern is named, with why and what was expected. */
static void test_bad_pattern(void **state)
{
	(void)state;
	char err[512];
	const char *one[1] = { "x(" };
	assert_null(markon_new(one, 1, err, sizeof err));
	assert_non_null(strstr(err, "--mark-on: 'x(' is not a regular expression ("));
	assert_non_null(strstr(err, "expected an extended one, as grep -E takes"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_perl_classes),
		cmocka_unit_test(test_several),
		cmocka_unit_test(test_long_label),
		cmocka_unit_test(test_bad_pattern),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
