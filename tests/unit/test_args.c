/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * test_args.c - the benchmarks' command-line numbers (tools/bench/args.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tools/bench/args.h"

static void
test_u64(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_int_equal(bench_arg_u64("42", 1, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(bench_arg_u64("18446744073709551615", 0, UINT64_MAX,
	    &v), 0);
	assert_true(v == UINT64_MAX);
	v = 7;
	/* a sign, a wrap, junk, out of range, nothing: refused, v kept */
	assert_int_equal(bench_arg_u64("-5", 0, UINT64_MAX, &v), -1);
	assert_int_equal(bench_arg_u64("+5", 0, 100, &v), -1);
	assert_int_equal(bench_arg_u64("18446744073709551616", 0, UINT64_MAX,
	    &v), -1);
	assert_int_equal(bench_arg_u64("12x", 0, 100, &v), -1);
	assert_int_equal(bench_arg_u64("0", 1, 100, &v), -1);
	assert_int_equal(bench_arg_u64("101", 1, 100, &v), -1);
	assert_int_equal(bench_arg_u64("", 0, 100, &v), -1);
	assert_int_equal(v, 7);
}

static void
test_secs(void **state)
{
	double d = -1;

	(void)state;
	assert_int_equal(bench_arg_secs("2.5", &d), 0);
	assert_true(d == 2.5);
	assert_int_equal(bench_arg_secs("0", &d), 0);
	d = -1;
	assert_int_equal(bench_arg_secs("abc", &d), -1);
	assert_int_equal(bench_arg_secs("-1", &d), -1);
	assert_int_equal(bench_arg_secs("nan", &d), -1);
	assert_int_equal(bench_arg_secs("1e7", &d), -1);
	assert_int_equal(bench_arg_secs("3s", &d), -1);
	assert_true(d == -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_secs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
