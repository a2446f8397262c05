/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * test_hist.c - daemon/hist.h: bucket layout, quantiles, cumulative counts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "daemon/hist.h"

/* A zeroed histogram on the heap (it is a few KiB). */
static struct hist *
fresh(void)
{
	struct hist *h = calloc(1, sizeof(*h));

	assert_non_null(h);
	return h;
}

/* The lower bound of bucket i: the upper bound of the one before. */
static uint64_t
lower(size_t i)
{
	return i == 0 ? 0 : hist_upper(i - 1);
}

static void
test_small_values_exact(void **state)
{
	(void)state;
	for (uint64_t v = 0; v < 2 * HIST_SUB; v++) {
		assert_int_equal(hist_index(v), v);
		assert_int_equal(hist_upper((size_t)v), v + 1);
	}
}

/* Every bucket's values map back to it, its bounds touch its
 * neighbours', and it is at most 1/HIST_SUB as wide as its values. */
static void
test_layout(void **state)
{
	(void)state;
	for (size_t i = 0; i < HIST_BUCKETS; i++) {
		uint64_t lo = lower(i), hi = hist_upper(i);

		assert_true(hi > lo);
		assert_int_equal(hist_index(lo), i);
		assert_int_equal(hist_index(hi - 1), i);
		if (i + 1 < HIST_BUCKETS)
			assert_int_equal(hist_index(hi), i + 1);
		if (lo >= HIST_SUB)
			assert_true((hi - lo) * HIST_SUB <= lo);
	}
	assert_int_equal(hist_upper(HIST_BUCKETS - 1),
	    (uint64_t)1 << HIST_TOP_BITS);
}

static void
test_powers_of_two(void **state)
{
	(void)state;
	/* 2^e opens a bucket for every e */
	for (unsigned e = 0; e < HIST_TOP_BITS; e++) {
		size_t i = hist_index((uint64_t)1 << e);
		assert_int_equal(lower(i), (uint64_t)1 << e);
	}
	/* 100 s and a bit: still a real bucket; beyond 2^27 us, the last */
	assert_true(hist_index(100000000) < HIST_BUCKETS - 1);
	assert_int_equal(hist_index((uint64_t)1 << HIST_TOP_BITS),
	    HIST_BUCKETS - 1);
	assert_int_equal(hist_index(UINT64_MAX), HIST_BUCKETS - 1);
}

/* The Prometheus "le" bounds metrics.c uses (25 us doubling) are exact
 * bucket bounds. */
static void
test_le_bounds_are_bucket_bounds(void **state)
{
	(void)state;
	for (unsigned k = 0; k < 23; k++) {
		uint64_t le = (uint64_t)25 << k;
		size_t i = hist_index(le);
		assert_int_equal(lower(i), le);
	}
}

static void
test_empty(void **state)
{
	struct hist *h = fresh();

	(void)state;
	assert_int_equal(hist_quantile(h, 500), 0);
	assert_int_equal(hist_quantile(h, 999), 0);
	assert_int_equal(hist_count_below(h, 1000000), 0);
	free(h);
}

static void
test_one_value(void **state)
{
	struct hist *h = fresh();

	(void)state;
	hist_add(h, 1000);
	assert_int_equal(h->count, 1);
	assert_int_equal(h->sum_us, 1000);
	/* 1000 lies in [992, 1024): every quantile is that bucket's bound */
	assert_int_equal(hist_quantile(h, 1), 1024);
	assert_int_equal(hist_quantile(h, 500), 1024);
	assert_int_equal(hist_quantile(h, 1000), 1024);
	assert_int_equal(hist_count_below(h, 992), 0);
	assert_int_equal(hist_count_below(h, 1024), 1);
	free(h);
}

/* 1..1000 us once each: the quantile of rank r is r, rounded up to its
 * bucket's bound, never below the true value and within 1/HIST_SUB. */
static void
test_uniform(void **state)
{
	static const unsigned pm[] = { 1, 100, 500, 900, 990, 999, 1000 };
	struct hist *h = fresh();

	(void)state;
	for (uint64_t v = 1; v <= 1000; v++)
		hist_add(h, v);
	assert_int_equal(h->count, 1000);
	assert_int_equal(h->sum_us, 500500);
	for (size_t i = 0; i < sizeof(pm) / sizeof(*pm); i++) {
		uint64_t q = hist_quantile(h, pm[i]), truth = pm[i];
		assert_true(q > truth);
		assert_true((q - truth) * HIST_SUB <= truth + HIST_SUB);
		assert_int_equal(q, hist_upper(hist_index(truth)));
	}
	assert_int_equal(hist_quantile(h, 500), 512);	/* [496, 512) */
	assert_int_equal(hist_quantile(h, 999), 1024);	/* [992, 1024) */
	/* quantiles never go down */
	for (unsigned p = 2; p <= 1000; p++)
		assert_true(hist_quantile(h, p) >= hist_quantile(h, p - 1));
	free(h);
}

/* Ranks round up: with 3 values, p50 is the 2nd and p99.9 the 3rd. */
static void
test_rank_rounding(void **state)
{
	struct hist *h = fresh();

	(void)state;
	hist_add(h, 1);
	hist_add(h, 100);
	hist_add(h, 10000);
	assert_int_equal(hist_quantile(h, 333), 2);
	assert_int_equal(hist_quantile(h, 334), 104);	/* [100, 104) */
	assert_int_equal(hist_quantile(h, 500), 104);
	assert_int_equal(hist_quantile(h, 667), 10240);	/* [9728, 10240) */
	assert_int_equal(hist_quantile(h, 999), 10240);
	free(h);
}

/* A long tail: 999 fast, 1 slow. p99 stays fast, p99.9 too (rank 999),
 * p100 is the slow one. */
static void
test_tail(void **state)
{
	struct hist *h = fresh();

	(void)state;
	for (int i = 0; i < 999; i++)
		hist_add(h, 10);
	hist_add(h, 5000000);
	assert_int_equal(hist_quantile(h, 990), 11);
	assert_int_equal(hist_quantile(h, 999), 11);
	assert_int_equal(hist_quantile(h, 1000),
	    hist_upper(hist_index(5000000)));
	free(h);
}

static void
test_count_below_cumulative(void **state)
{
	struct hist *h = fresh();
	uint64_t prev = 0;

	(void)state;
	for (uint64_t v = 0; v < 3000000; v = v * 3 + 1)
		hist_add(h, v);
	for (unsigned k = 0; k < 23; k++) {
		uint64_t n = hist_count_below(h, (uint64_t)25 << k);
		assert_true(n >= prev);
		assert_true(n <= h->count);
		prev = n;
	}
	assert_int_equal(hist_count_below(h, UINT64_MAX), h->count);
	/* exact at a bucket bound: values below 25 are 0, 1, 4 and 13 */
	assert_int_equal(hist_count_below(h, 25), 4);
	free(h);
}

static void
test_overflow_and_merge(void **state)
{
	struct hist *a = fresh(), *b = fresh();

	(void)state;
	hist_add(a, UINT64_C(1) << 40);
	assert_int_equal(a->b[HIST_BUCKETS - 1], 1);
	assert_int_equal(hist_quantile(a, 500),
	    (uint64_t)1 << HIST_TOP_BITS);
	hist_add(b, 3);
	hist_add(b, 3);
	hist_merge(a, b);
	assert_int_equal(a->count, 3);
	assert_int_equal(a->b[3], 2);
	assert_int_equal(a->sum_us, (UINT64_C(1) << 40) + 6);
	assert_int_equal(hist_quantile(a, 500), 4);
	free(a);
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_values_exact),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_powers_of_two),
		cmocka_unit_test(test_le_bounds_are_bucket_bounds),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_one_value),
		cmocka_unit_test(test_uniform),
		cmocka_unit_test(test_rank_rounding),
		cmocka_unit_test(test_tail),
		cmocka_unit_test(test_count_below_cumulative),
		cmocka_unit_test(test_overflow_and_merge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
