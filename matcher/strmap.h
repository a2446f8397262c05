/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * strmap.h - a string-keyed hash map (open addressing, linear probing,
 * backward-shift deletion). Keys are copied and owned by the map; values are
 * the caller's. Keys are hashed with SipHash under the process's key
 * (siphash.h), so that no client can choose keys that collide. The table
 * doubles when three quarters full and halves when an eighth full (never
 * below 16 slots), so it follows what the map holds.
 *
 * A map all zero bytes is an empty map, as strmap_init makes it.
 */
#ifndef JM_STRMAP_H
#define JM_STRMAP_H

#include <stddef.h>

#include "matcher/siphash.h"

struct strmap_slot {
	char	*key;
	void	*val;
	size_t	 hash;
};

struct strmap {
	struct strmap_slot	*slots;
	size_t			 cap;	/* a power of two, or 0 */
	size_t			 n;
	struct sipkey		 key;	/* taken when slots are first made */
};

void	 strmap_init(struct strmap *m);
void	 strmap_free(struct strmap *m);	/* frees keys, not values */
void	*strmap_get(const struct strmap *m, const char *key);
/* Sets key to val; returns 0, or -1 when out of memory. */
int	 strmap_put(struct strmap *m, const char *key, void *val);
/* Removes key and returns its value, or NULL when absent. */
void	*strmap_del(struct strmap *m, const char *key);

/* Calls fn for every entry, in no particular order. fn must not change
 * the map. */
void	 strmap_each(const struct strmap *m,
	    void (*fn)(const char *key, void *val, void *arg), void *arg);

#endif
