/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * hist.c - see hist.h.
 *
 * Bucket i < HIST_SUB holds the value i. Above, a value v with its highest
 * bit at e (e >= HIST_SUB_BITS) keeps its top HIST_SUB_BITS + 1 bits,
 * m = v >> (e - HIST_SUB_BITS), which lies in [HIST_SUB, 2 * HIST_SUB):
 * bucket (e - HIST_SUB_BITS + 1) * HIST_SUB + m - HIST_SUB holds the values
 * m << (e - HIST_SUB_BITS) up to (m + 1) << (e - HIST_SUB_BITS), excluded.
 * The indices run on without a gap from one power of two to the next.
 */
#include "daemon/hist.h"

size_t
hist_index(uint64_t us)
{
	unsigned e;

	if (us < HIST_SUB)
		return (size_t)us;
	if (us >> HIST_TOP_BITS)
		return HIST_BUCKETS - 1;
	e = 63u - (unsigned)__builtin_clzll(us);
	return (size_t)(e - HIST_SUB_BITS + 1) * HIST_SUB +
	    (size_t)(us >> (e - HIST_SUB_BITS)) - HIST_SUB;
}

uint64_t
hist_upper(size_t i)
{
	size_t e, m;

	if (i < HIST_SUB)
		return (uint64_t)i + 1;
	if (i >= HIST_BUCKETS)
		i = HIST_BUCKETS - 1;
	e = i / HIST_SUB + HIST_SUB_BITS - 1;
	m = i % HIST_SUB + HIST_SUB;
	return (uint64_t)(m + 1) << (e - HIST_SUB_BITS);
}

void
hist_add(struct hist *h, uint64_t us)
{
	h->b[hist_index(us)]++;
	h->count++;
	h->sum_us += us;
}

uint64_t
hist_quantile(const struct hist *h, unsigned permille)
{
	uint64_t rank, seen = 0;

	if (h->count == 0)
		return 0;
	if (permille > 1000)
		permille = 1000;
	/* ceil(count * permille / 1000) without overflowing for any count a
	 * process can reach, and at least 1. */
	rank = h->count / 1000 * permille +
	    (h->count % 1000 * permille + 999) / 1000;
	if (rank == 0)
		rank = 1;
	for (size_t i = 0; i < HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= rank)
			return hist_upper(i);
	}
	return hist_upper(HIST_BUCKETS - 1);
}

uint64_t
hist_count_below(const struct hist *h, uint64_t le_us)
{
	uint64_t n = 0;

	for (size_t i = 0; i < HIST_BUCKETS && hist_upper(i) <= le_us; i++)
		n += h->b[i];
	return n;
}

void
hist_merge(struct hist *dst, const struct hist *src)
{
	dst->count += src->count;
	dst->sum_us += src->sum_us;
	for (size_t i = 0; i < HIST_BUCKETS; i++)
		dst->b[i] += src->b[i];
}
