/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * store_limits.h - the bounds the store's scripts keep to, whatever a
 * request asks: the callers check their params against them (store.h) and
 * the scripts are written with them (store_scripts.c).
 */
#ifndef JM_STORE_LIMITS_H
#define JM_STORE_LIMITS_H

/* Rule-set versions one history read gives at most. */
#define STORE_HISTORY_MAX	100

/* Placement ids run from 1 to STORE_PLACEMENT_ID_MAX, so that a score,
 * day * 2^31 + id, is below 2^53 and exact in a script (days run to
 * 9999-12-31, below 2^22). */
#define STORE_PLACEMENT_ID_MAX	2147483647

/* Placements one list reads at most, whatever limit it is given. */
#define STORE_PLACEMENTS_MAX	1000

/*
 * An interest's score in its indexes is created_at * 2^20 + (id mod 2^20):
 * in time order, each score its own (ids 2^20 apart are not recorded in
 * the same second), so that a listing resumes after the last score it
 * gave; below 2^53, and exact in a script, for times before 2^33 s (the
 * year 2242).
 */
#define STORE_INTEREST_SHIFT	1048576
#define STORE_INTEREST_TIME_MAX	8589934591LL

/* Interests one list examines at most, whatever limit it is given. */
#define STORE_INTERESTS_SCAN	1000
/* Interests past their retention one sweep call erases at most. */
#define STORE_INTEREST_SWEEP	500

#endif
