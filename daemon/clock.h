/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * clock.h - the daemon's one clock: monotonic, in microseconds. Latencies,
 * timeouts, rates, request time and the rules' pattern time all read it.
 * And the local calendar (the daemon's time zone, as plan_today's): where
 * a day ends, and a time written as ISO 8601 with its offset.
 */
#ifndef JM_CLOCK_H
#define JM_CLOCK_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static inline int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The unix time of the local midnight that ends the date y-m-d (the
 * start of the next day), or 0 when there is none. */
static inline int64_t
local_day_end(int y, int m, int d)
{
	struct tm tm;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d + 1;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	return t == (time_t)-1 ? 0 : (int64_t)t;
}

/* t as local ISO 8601 with the offset: 2026-06-30T23:59:59+08:00. */
#define LOCAL_ISO_LEN	25
static inline void
local_iso(int64_t t, char out[LOCAL_ISO_LEN + 1])
{
	time_t tt = (time_t)t;
	struct tm tm;
	char z[8] = "+0000";

	localtime_r(&tt, &tm);
	strftime(z, sizeof(z), "%z", &tm);
	snprintf(out, LOCAL_ISO_LEN + 1, "%04d-%02d-%02dT%02d:%02d:%02d"
	    "%.3s:%.2s", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	    tm.tm_hour, tm.tm_min, tm.tm_sec, z, z + 3);
}

#endif
