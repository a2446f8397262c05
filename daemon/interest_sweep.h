/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * interest_sweep.h - interests past their retention (the configuration's
 * interest_retention_days) erased from Redis by a periodic sweep on the
 * loop, every interest_sweep_s: at most INTEREST_SWEEP_CALLS script calls
 * a run, each erasing at most STORE_INTEREST_SWEEP of the oldest, so that
 * a run never holds Redis long, however many expired meanwhile; a run
 * that stops at its bound with more left says so and the next comes a
 * second later. Every
 * daemon sweeps; erasing what another erased already is a no-op.
 */
#ifndef JM_INTEREST_SWEEP_H
#define JM_INTEREST_SWEEP_H

#include <stdint.h>

/* Script calls one run makes at most. */
#define INTEREST_SWEEP_CALLS	20

/* The unix time before which an interest created is past retention (now:
 * the unix time). */
int64_t	interest_cutoff(int64_t now);

/* Starts sweeping: the first run interest_sweep_s from now. */
void	interest_sweep_start(void);
/* Stops (the daemon is stopping): no more runs, nor calls of the one
 * under way; frees the timer. */
void	interest_sweep_stop(void);

#endif
