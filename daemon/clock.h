/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * clock.h - the daemon's one clock: monotonic, in microseconds. Latencies,
 * timeouts, rates, request time and the rules' pattern time all read it.
 */
#ifndef JM_CLOCK_H
#define JM_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

#endif
