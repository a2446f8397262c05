/*
 * test_tables.c - the mirror's tables against a client who fills them.
 * Keys chosen to collide under the tables' old unkeyed hashes (strings
 * under FNV-1a, grid cells under murmur3's finaliser) spread under the
 * keyed one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matcher/grid.h"
#include "matcher/siphash.h"
#include "matcher/strmap.h"

/* ---- keyed hashes ------------------------------------------------------ */

/* SipHash-1-3 against the reference implementation (the key all zero). */
static void
test_siphash(void **state)
{
	const struct sipkey zero = { 0, 0 };
	const unsigned char b[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct sipkey k = siphash_key();

	(void)state;
	assert_true(siphash(&zero, "", 0) == 0xd1fba762150c532cULL);
	assert_true(siphash(&zero, "siphash", 7) == 0x8264ceeccb16bcbeULL);
	assert_true(siphash(&zero, "digest-sip_hash", 15) ==
	    0xce31007e34130c0aULL);
	assert_true(siphash_u64(&k, 0x0807060504030201ULL) ==
	    siphash(&k, b, 8));
}

/* A map keeps the key it was made with; another key spreads otherwise. */
static void
test_strmap_keyed(void **state)
{
	const unsigned char k1[SIPHASH_KEY_LEN] = "0123456789abcdef";
	const unsigned char k2[SIPHASH_KEY_LEN] = "fedcba9876543210";
	struct sipkey before = siphash_key();
	unsigned char kb[SIPHASH_KEY_LEN];
	struct strmap a, b;
	char key[16];

	(void)state;
	strmap_init(&a);
	strmap_init(&b);
	siphash_set_key(k1);
	assert_int_equal(strmap_put(&a, "k", &a), 0);
	siphash_set_key(k2);
	assert_int_equal(strmap_put(&b, "k", &b), 0);
	for (int i = 0; i < 1000; i++) {	/* a grows under k2 set */
		snprintf(key, sizeof(key), "k%d", i);
		assert_int_equal(strmap_put(&a, key, &a), 0);
	}
	assert_ptr_equal(strmap_get(&a, "k"), &a);
	assert_ptr_equal(strmap_get(&b, "k"), &b);
	assert_true(a.key.k0 != b.key.k0 && a.key.k1 != b.key.k1);
	assert_true(siphash(&a.key, "k", 1) != siphash(&b.key, "k", 1));
	strmap_free(&a);
	strmap_free(&b);
	for (int i = 0; i < 8; i++) {
		kb[i] = (unsigned char)(before.k0 >> (8 * i));
		kb[8 + i] = (unsigned char)(before.k1 >> (8 * i));
	}
	siphash_set_key(kb);
}

/* FNV-1a, the maps' old hash. */
#define FNV_BASIS	1469598103934665603ULL
#define LOW24		0xffffffULL

static uint64_t
fnv1a(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/*
 * Two different blocks of 4 letters that take FNV-1a from state h to
 * states with the same low 24 bits, found by a birthday search (the low
 * 24 bits of the state depend on its low 24 bits alone). Returns the
 * state after a.
 */
static uint64_t
fnv_pair(uint64_t h, char a[4], char b[4])
{
	enum { SLOTS = 1 << 17 };
	struct seen {
		uint32_t	 low, blk;
		int		 used;
	} *t = calloc(SLOTS, sizeof(*t));
	uint64_t out = 0;

	assert_non_null(t);
	for (uint32_t blk = 0; blk < 26 * 26 * 26 * 26; blk++) {
		char s[4];
		uint32_t v = blk, low, i;
		for (int k = 0; k < 4; k++, v /= 26)
			s[k] = (char)('a' + v % 26);
		low = (uint32_t)(fnv1a(h, s, 4) & LOW24);
		for (i = low & (SLOTS - 1); t[i].used && t[i].low != low;
		    i = (i + 1) & (SLOTS - 1))
			;
		if (!t[i].used) {
			t[i].used = 1;
			t[i].low = low;
			t[i].blk = blk;
			continue;
		}
		memcpy(b, s, 4);
		for (int k = 0, w = (int)t[i].blk; k < 4; k++, w /= 26)
			a[k] = (char)('a' + w % 26);
		out = fnv1a(h, a, 4);
		break;
	}
	free(t);
	assert_true(memcmp(a, b, 4) != 0);
	return out;
}

#define FLOOD_BLOCKS	16		/* 2^16 strings of 64 letters */
#define FLOOD_N		(1u << FLOOD_BLOCKS)

/* FLOOD_N distinct strings of 64 letters whose FNV-1a hashes share their
 * low 24 bits: at each of 16 places, one block of a colliding pair. */
static char (*flood_strings(void))[4 * FLOOD_BLOCKS + 1]
{
	char a[FLOOD_BLOCKS][4], b[FLOOD_BLOCKS][4];
	char (*v)[4 * FLOOD_BLOCKS + 1] = calloc(FLOOD_N, sizeof(*v));
	uint64_t h = FNV_BASIS, low;

	assert_non_null(v);
	for (int k = 0; k < FLOOD_BLOCKS; k++)
		h = fnv_pair(h, a[k], b[k]);
	for (uint32_t i = 0; i < FLOOD_N; i++)
		for (int k = 0; k < FLOOD_BLOCKS; k++)
			memcpy(v[i] + 4 * k, (i >> k & 1) ? b[k] : a[k], 4);
	/* they do collide under the old hash */
	low = fnv1a(FNV_BASIS, v[0], 4 * FLOOD_BLOCKS) & LOW24;
	for (uint32_t i = 0; i < FLOOD_N; i++)
		assert_true((fnv1a(FNV_BASIS, v[i], 4 * FLOOD_BLOCKS) &
		    LOW24) == low);
	return v;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * 65,536 skills chosen to share the low 24 bits of FNV-1a: under the old
 * hash every one had the same home slot, and each put probed past all
 * the others; under the keyed hash they spread.
 */
static void
test_strmap_flood(void **state)
{
	char (*v)[4 * FLOOD_BLOCKS + 1] = flood_strings();
	uint32_t *low = calloc(FLOOD_N, sizeof(*low));
	size_t longest = 0, distinct = 0, n = 0;
	struct strmap m;

	(void)state;
	assert_non_null(low);
	strmap_init(&m);
	for (uint32_t i = 0; i < FLOOD_N; i++)
		assert_int_equal(strmap_put(&m, v[i], v[i]), 0);
	assert_int_equal(m.n, FLOOD_N);
	for (size_t i = 0; i < m.cap; i++) {
		size_t home, d;
		if (m.slots[i].key == NULL)
			continue;
		home = m.slots[i].hash & (m.cap - 1);
		d = (i - home) & (m.cap - 1);
		longest = d > longest ? d : longest;
		low[n++] = (uint32_t)(m.slots[i].hash & LOW24);
	}
	qsort(low, n, sizeof(*low), cmp_u32);
	for (size_t i = 0; i < n; i++)
		distinct += i == 0 || low[i] != low[i - 1];
	print_message("flood: %zu keys, %zu distinct low 24 bits of hash, "
	    "longest probe %zu slots\n", n, distinct, longest);
	/* about 65,400 expected at random (birthdays), 1 under FNV-1a */
	assert_true(distinct > 60000);
	assert_true(longest < 1000);
	for (uint32_t i = 0; i < FLOOD_N; i++)
		assert_ptr_equal(strmap_get(&m, v[i]), v[i]);
	strmap_free(&m);
	free(low);
	free(v);
}

/* murmur3's finaliser, the cells' old hash: a bijection, so a client can
 * choose cells by the slot they take. */
static uint64_t
fmix64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

/*
 * 4,096 cells on land and sea anywhere (rows and columns of real
 * coordinates) chosen so that the old hash's low 12 bits are 0: in a
 * table of 8,192 slots they had two home slots and made one cluster that
 * every lookup nearby walked. Under the keyed hash the longest run of
 * occupied slots stays short.
 */
static void
test_grid_flood(void **state)
{
	enum { N = 4096 };
	struct grid g;
	size_t found = 0, run = 0, longest = 0;

	(void)state;
	grid_init(&g);
	for (int32_t cy = -4000; cy < 4000 && found < N; cy++)
		for (int32_t cx = -9000; cx < 9000 && found < N; cx++) {
			uint64_t k = (uint64_t)(uint32_t)cy << 32 |
			    (uint32_t)cx;
			if ((fmix64(k) & 0xfff) != 0)
				continue;
			assert_non_null(grid_cell(&g, cy, cx, true));
			found++;
		}
	assert_int_equal(g.ncells, N);
	/* twice round, for a run across the end of the table */
	for (size_t i = 0; i < 2 * g.cap; i++) {
		run = g.slot[i & (g.cap - 1)] != NULL ? run + 1 : 0;
		longest = run > longest ? run : longest;
	}
	print_message("grid flood: %zu cells in %zu slots, longest run %zu\n",
	    g.ncells, g.cap, longest);
	assert_true(longest < 256);
	grid_free(&g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_siphash),
		cmocka_unit_test(test_strmap_keyed),
		cmocka_unit_test(test_strmap_flood),
		cmocka_unit_test(test_grid_flood),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
