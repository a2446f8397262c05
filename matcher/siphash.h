/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * siphash.h - SipHash-1-3 (Aumasson and Bernstein), the keyed hash of every
 * table a client can fill: the string maps (strmap.h) and the grid's cells
 * (grid.h). With an unkeyed hash, keys can be chosen that all land in one
 * slot, and each of them then costs a probe past all the others; with a
 * secret key nobody outside the process can tell which keys collide.
 *
 * The process's key is set once at start (the daemon reads it from the
 * kernel's random source); until then a fixed key is used, which is fine
 * for tools and tests and nothing else. A table takes the key in use when
 * it first allocates its slots and keeps it for its life, so setting the
 * key late cannot break a table already filled.
 */
#ifndef JM_SIPHASH_H
#define JM_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define SIPHASH_KEY_LEN	16

struct sipkey {
	uint64_t	 k0, k1;
};

/* The hash of the n bytes at p under k. */
uint64_t	siphash(const struct sipkey *k, const void *p, size_t n);
/* The hash of the 8 bytes of v (little-endian) under k: siphash of them,
 * without the loop. */
uint64_t	siphash_u64(const struct sipkey *k, uint64_t v);

/* Sets the process's key (16 bytes, little-endian k0 then k1). */
void		siphash_set_key(const unsigned char key[SIPHASH_KEY_LEN]);
/* The process's key. */
struct sipkey	siphash_key(void);

#endif
