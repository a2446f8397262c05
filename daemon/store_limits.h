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

#endif
