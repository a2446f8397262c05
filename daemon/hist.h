/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * hist.h - a fixed log-linear histogram of durations in microseconds.
 *
 * Buckets follow HdrHistogram's layout: values below HIST_SUB are counted
 * exactly, and every power of two above is cut into HIST_SUB equal
 * sub-buckets, so a bucket is at most 1/HIST_SUB (6.25 %) as wide as the
 * values it holds. Values from 0 to 2^HIST_TOP_BITS - 1 us (about 134 s)
 * have a bucket of their own; larger ones are counted in the last bucket.
 * The storage is a fixed array: adding a value allocates nothing and costs
 * a count-leading-zeros and two increments.
 *
 * Pure: no clock, no I/O, no allocation. The daemon's metrics keep one per
 * method (see metrics.h).
 */
#ifndef JM_HIST_H
#define JM_HIST_H

#include <stddef.h>
#include <stdint.h>

#define HIST_SUB_BITS	4
#define HIST_SUB	(1u << HIST_SUB_BITS)		/* 16 */
#define HIST_TOP_BITS	27				/* 2^27 us = 134 s */
#define HIST_BUCKETS	((HIST_TOP_BITS - HIST_SUB_BITS + 1) * HIST_SUB)

struct hist {
	uint64_t	 count;
	uint64_t	 sum_us;
	uint64_t	 b[HIST_BUCKETS];
};

/* Counts one value (us). */
void		 hist_add(struct hist *h, uint64_t us);
/* The bucket value us falls in. */
size_t		 hist_index(uint64_t us);
/* The bucket's exclusive upper bound: every value counted in bucket i is
 * below it (for the last bucket, every value below 2^HIST_TOP_BITS). */
uint64_t	 hist_upper(size_t i);
/* The upper bound (hist_upper) of the bucket that holds the value of rank
 * ceil(count * permille / 1000), i.e. the permille-th quantile rounded up to
 * its bucket's bound; 0 when h is empty. permille is 1 to 1000. */
uint64_t	 hist_quantile(const struct hist *h, unsigned permille);
/* How many values are known to be below le_us: the counts of every bucket
 * whose upper bound is at most le_us. Exact when le_us is a bucket bound
 * (see hist_upper), which Prometheus's "le" buckets should be. */
uint64_t	 hist_count_below(const struct hist *h, uint64_t le_us);
/* Adds every count of src into dst. */
void		 hist_merge(struct hist *dst, const struct hist *src);

#endif
