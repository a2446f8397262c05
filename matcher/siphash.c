/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * siphash.c - see siphash.h. SipHash-c-d with c = 1 compression round a
 * block and d = 3 finalisation rounds, as Redis and Rust's HashMap use for
 * their tables: the 2-4 variant is the conservative choice for a MAC, 1-3
 * is enough to keep a table's keys from being chosen to collide.
 */
#include <string.h>

#include "matcher/siphash.h"

/*
 * The process's key: set once at start, before the first table is filled
 * (see siphash.h); the one piece of state matcher/ keeps outside the
 * objects it is given, so that every table of the process gets it without
 * each caller passing it along.
 */
static struct sipkey process_key = {
	0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL
};

#define ROTL(x, b)	(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND do {							\
	v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);	\
	v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;				\
	v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;				\
	v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);	\
} while (0)
#define SIPINIT(k)							\
	uint64_t v0 = 0x736f6d6570736575ULL ^ (k)->k0;			\
	uint64_t v1 = 0x646f72616e646f6dULL ^ (k)->k1;			\
	uint64_t v2 = 0x6c7967656e657261ULL ^ (k)->k0;			\
	uint64_t v3 = 0x7465646279746573ULL ^ (k)->k1
#define SIPBLOCK(m) do {						\
	v3 ^= (m);							\
	SIPROUND;							\
	v0 ^= (m);							\
} while (0)

static uint64_t
le64(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	    (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 |
	    (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
	    (uint64_t)p[7] << 56;
}

uint64_t
siphash(const struct sipkey *k, const void *p, size_t n)
{
	const unsigned char *in = p, *end = in + (n & ~(size_t)7);
	uint64_t b = (uint64_t)n << 56;
	SIPINIT(k);

	for (; in != end; in += 8) {
		uint64_t m = le64(in);
		SIPBLOCK(m);
	}
	for (size_t i = 0; i < (n & 7); i++)
		b |= (uint64_t)in[i] << (8 * i);
	SIPBLOCK(b);
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t
siphash_u64(const struct sipkey *k, uint64_t v)
{
	const uint64_t b = (uint64_t)8 << 56;
	SIPINIT(k);

	SIPBLOCK(v);
	SIPBLOCK(b);
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

void
siphash_set_key(const unsigned char key[SIPHASH_KEY_LEN])
{
	process_key.k0 = le64(key);
	process_key.k1 = le64(key + 8);
}

struct sipkey
siphash_key(void)
{
	return process_key;
}
