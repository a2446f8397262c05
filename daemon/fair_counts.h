/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * fair_counts.h - a job fair's counters (fair.stats: searches by type and
 * hour, results shown, QR codes), added up in this daemon's memory and
 * sent to Redis at most once a second: one HINCRBY for each fair and
 * counter that changed, however many kiosks search meanwhile. A search
 * thus costs Redis nothing of its own, and what a flood of searches can
 * send it is bounded by the counters there are, not by the rate. What is
 * not sent yet is lost if the daemon dies or Redis is down when it is
 * sent (the counts can be short; they are never made up).
 */
#ifndef JM_FAIR_COUNTS_H
#define JM_FAIR_COUNTS_H

#include <stdint.h>

/* Adds by to counter field of fair's statistics (sent within a second). */
void	fair_counts_add(const char *fair, const char *field, int64_t by);
/* Sends what was added and not sent yet, now (before fair.stats reads
 * the counters, so that this daemon's own are in its answer; and when
 * the daemon stops). */
void	fair_counts_flush(void);
/* Frees what is left (after the last flush). */
void	fair_counts_free(void);

#endif
