/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * test_tables.c - the mirror's tables against a client who fills them.
 * Keys chosen to collide under the tables' old unkeyed hashes (strings
 * under FNV-1a, grid cells under murmur3's finaliser) spread under the
 * keyed one; and a mirror churned by one posting re-posted at many places,
 * or with new skills each time, holds what is open, not what ever was
 * (matcher_stats).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "matcher/grid.h"
#include "matcher/matcher.h"
#include "matcher/siphash.h"
#include "matcher/strmap.h"
#include "proto/codec.h"
#include "fixture.h"

static const char towns_tsv[] =
    "code\tname\tkind\tpinyin\tlat\tlon\tsource\n"
    "500231001000\t桂溪街道\tsubdistrict\tGuixi\t30.3336\t107.3455\tx\n"
    "500231101000\t新民镇\ttown\tXinmin\t30.3976\t107.3895\tx\n";

#define LAT0	30.3336
#define LON0	107.3455
#define NOW	1700000000LL

/* A synonym and a rule on the skills, so that both see the churn. */
static const char rules_a[] =
    "{\"synonyms\":[{\"term\":\"massage\",\"pattern\":\"按摩|推拿\"}],"
    "\"rules\":[{\"name\":\"m\",\"when\":{\"job.skills\":\"^massage$\"},"
    "\"then\":{\"boost\":0.1}}]}";
static const char rules_b[] =
    "{\"synonyms\":[{\"term\":\"cleaning\",\"pattern\":\"保洁|清洁\"}],"
    "\"rules\":[]}";

static const char *const common[] = { "客服", "按摩", "推拿", "保洁",
	"清洁", "包装", "电工", "会计" };
#define NCOMMON	(sizeof(common) / sizeof(*common))

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

/* A map emptied gives its slots back. */
static void
test_strmap_shrinks(void **state)
{
	struct strmap m;
	char key[32];

	(void)state;
	strmap_init(&m);
	for (uintptr_t i = 0; i < 100000; i++) {
		snprintf(key, sizeof(key), "k%zu", (size_t)i);
		assert_int_equal(strmap_put(&m, key, (void *)(i + 1)), 0);
	}
	assert_true(m.cap >= 131072);
	for (uintptr_t i = 10; i < 100000; i++) {
		snprintf(key, sizeof(key), "k%zu", (size_t)i);
		assert_ptr_equal(strmap_del(&m, key), (void *)(i + 1));
	}
	assert_int_equal(m.n, 10);
	assert_true(m.cap <= 128);
	for (uintptr_t i = 0; i < 10; i++) {
		snprintf(key, sizeof(key), "k%zu", (size_t)i);
		assert_ptr_equal(strmap_get(&m, key), (void *)(i + 1));
	}
	strmap_free(&m);
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

/* ---- churn ------------------------------------------------------------- */

struct fx {
	struct towns	 towns;
	struct rules	*ra, *rb;
	struct matcher	*m;
	uint64_t	 rng;
};

/* A rule set under the default limits, with no clock. */
static struct rules *
compile(const char *doc)
{
	struct regex_limits lim;

	regex_limits_defaults(&lim);
	lim.clock_us = NULL;
	return fixture_rules(doc, &lim);
}

static int
setup(void **state)
{
	struct fx *x = calloc(1, sizeof(*x));

	if (x == NULL)
		return -1;
	x->ra = compile(rules_a);
	x->rb = compile(rules_b);
	if (fixture_mirror(&x->towns, towns_tsv, x->ra, &x->m) == -1)
		return -1;
	x->rng = 20261201;
	fixture_employer(x->m, "e1", "单位", ET_PRIVATE);
	*state = x;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *x = *state;

	fixture_mirror_free(&x->towns, x->m);
	rules_free(x->ra);
	rules_free(x->rb);
	free(x);
	return 0;
}

/* Puts posting id of e1 at (lat, lon), open to the types of dis, with the
 * nskills skills at skills. */
static void
put_at(struct fx *x, const char *id, double lat, double lon, uint8_t dis,
    const char *const *skills, size_t nskills)
{
	struct job j;

	job_init(&j);
	snprintf(j.id, sizeof(j.id), "%s", id);
	snprintf(j.employer_id, sizeof(j.employer_id), "e1");
	j.title = strdup("岗位");
	j.skills = nskills ? calloc(nskills, sizeof(char *)) : NULL;
	for (size_t i = 0; i < nskills; i++)
		j.skills[j.nskills++] = strdup(skills[i]);
	j.dis_mask = dis;
	j.employment = EMP_FULL_TIME;
	j.has_location = true;
	j.lat = lat;
	j.lon = lon;
	j.town = -1;
	j.openings = 1;
	j.version = 1;
	j.status = JOB_OPEN;
	assert_int_equal(matcher_put_job(x->m, &j), 0);
	job_clear(&j);
}

/* 300 postings around the county, with the common skills, and with one
 * of their own when own is set. */
static void
put_county_own(struct fx *x, bool own)
{
	for (int i = 0; i < 300; i++) {
		const char *sk[4];
		char id[16], mine[16];
		for (int k = 0; k < 3; k++)
			sk[k] = common[fixture_rnd(&x->rng) % NCOMMON];
		snprintf(id, sizeof(id), "c%d", i);
		snprintf(mine, sizeof(mine), "技能%d", i);
		sk[3] = mine;
		put_at(x, id, LAT0 + (fixture_unif(&x->rng) - 0.5) * 0.6,
		    LON0 + (fixture_unif(&x->rng) - 0.5) * 0.6,
		    (uint8_t)(1u << fixture_rnd(&x->rng) % DIS_COUNT |
		    1u << DIS_PHYSICAL), sk, own ? 4 : 3);
	}
}

static void
put_county(struct fx *x)
{
	put_county_own(x, false);
}

/* The seeker of the churn tests: physical, at the centre. */
static void
seeker(struct profile *p, const char **skills, size_t n, double km)
{
	profile_init(p);
	p->disability = DIS_PHYSICAL;
	p->grade = 3;
	p->lat = LAT0;
	p->lon = LON0;
	p->town = -1;
	p->max_distance_km = km;
	p->skills = (char **)skills;
	p->nskills = n;
}

/* The match of p equals the scan's, and has posting id among its hits with
 * skills component comp (or not at all, when comp < 0). */
static void
check_match(struct fx *x, struct profile *p, const char *id, double comp)
{
	struct filters f;
	struct match_query q;
	struct match_result a, b;
	size_t n;
	const struct mjob *seen[100];
	double skills[100];
	bool found = false;

	memset(&f, 0, sizeof(f));
	memset(&q, 0, sizeof(q));
	q.profile = p;
	q.filters = &f;
	q.limit = 100;
	q.now = NOW;
	q.regex_budget = 1000;
	assert_int_equal(matcher_match(x->m, &q, &a), 0);
	n = a.n;
	for (size_t i = 0; i < n; i++) {
		seen[i] = a.hits[i].job;
		skills[i] = a.hits[i].comp[COMP_SKILLS];
		if (strcmp(a.hits[i].job->id, id) == 0) {
			found = true;
			assert_true(comp >= 0 && skills[i] == comp);
		}
	}
	assert_true(found == (comp >= 0));
	assert_int_equal(matcher_match_scan(x->m, &q, &b), 0);
	assert_int_equal(a.candidates, b.candidates);
	assert_int_equal(n, b.n);
	for (size_t i = 0; i < n; i++) {
		assert_ptr_equal(seen[i], b.hits[i].job);
		assert_true(skills[i] == b.hits[i].comp[COMP_SKILLS]);
	}
}

static void
remove_all(struct fx *x)
{
	char id[16];

	for (int i = 0; i < 300; i++) {
		snprintf(id, sizeof(id), "c%d", i);
		(void)matcher_remove_job(x->m, "e1", id);
	}
	(void)matcher_remove_job(x->m, "e1", "wander");
}

/*
 * One posting re-posted at 20,000 random places: the cells it left are
 * freed, the table of cells stays the size the county needs, and a match
 * across the whole earth visits only the cells that hold postings.
 */
static void
test_churn_places(void **state)
{
	struct fx *x = *state;
	struct matcher_stats s0, s;
	const char *sk[] = { "客服" };
	struct profile p;

	put_county(x);
	put_at(x, "wander", LAT0, LON0, 1u << DIS_PHYSICAL, sk, 1);
	matcher_stats(x->m, &s0);
	for (int i = 0; i < 20000; i++)
		put_at(x, "wander", -70 + 140 * fixture_unif(&x->rng),
		    -179.9 + 359.8 * fixture_unif(&x->rng),
		    (uint8_t)(1u << fixture_rnd(&x->rng) % DIS_COUNT |
		    1u << DIS_PHYSICAL), sk, 1);
	put_at(x, "wander", LAT0 + 0.01, LON0, 1u << DIS_PHYSICAL, sk, 1);
	matcher_stats(x->m, &s);
	print_message("after 20,000 places: %zu cells in %zu slots (%zu and "
	    "%zu before), %zu entries, room for %zu\n", s.cells,
	    s.cell_slots, s0.cells, s0.cell_slots, s.entries, s.entry_room);
	assert_int_equal(s.postings, 301);
	assert_true(s.cells <= s0.cells + 1);
	assert_true(s.cell_slots <= 2 * s0.cell_slots);
	assert_int_equal(s.entries, s0.entries);
	assert_true(s.entry_room <= s0.entry_room + 2 * DIS_COUNT * 4);
	/* a kiosk's 20,000 km match: every posting, as the scan finds */
	seeker(&p, sk, 1, 20000);
	check_match(x, &p, "wander", 1.0);
	/* all gone: nothing left but the smallest tables */
	remove_all(x);
	matcher_stats(x->m, &s);
	assert_int_equal(s.postings, 0);
	assert_int_equal(s.cells, 0);
	assert_int_equal(s.entries, 0);
	assert_int_equal(s.entry_room, 0);
	assert_true(s.cell_slots <= 256);
	assert_true(s.posting_room <= 64);
	assert_true(s.key_slots <= 16);
	assert_int_equal(s.terms, 0);
	assert_int_equal(s.raw_skills, 0);
}

/*
 * A crowd in one cell, then most of it gone: the lists give back their
 * room. Postings in the same cell, open to every type.
 */
static void
test_churn_crowd(void **state)
{
	struct fx *x = *state;
	struct matcher_stats s;
	const char *sk[] = { "客服" };
	char id[16];

	for (int i = 0; i < 3000; i++) {
		snprintf(id, sizeof(id), "c%d", i);
		put_at(x, id, LAT0, LON0, DIS_ALL_MASK, sk, 1);
	}
	matcher_stats(x->m, &s);
	assert_int_equal(s.entries, 3000 * DIS_COUNT);
	assert_true(s.entry_room >= 3000 * DIS_COUNT);
	for (int i = 10; i < 3000; i++) {
		snprintf(id, sizeof(id), "c%d", i);
		assert_int_equal(matcher_remove_job(x->m, "e1", id), 1);
	}
	matcher_stats(x->m, &s);
	print_message("crowd of 3,000 down to 10: %zu entries, room for %zu, "
	    "%zu cells\n", s.entries, s.entry_room, s.cells);
	assert_int_equal(s.entries, 10 * DIS_COUNT);
	assert_true(s.entry_room <= 4 * s.entries);
	assert_int_equal(s.cells, 1);
	assert_true(s.posting_room <= 64);
}

/*
 * One posting re-posted 3,000 times with 50 new skills of 64 characters
 * each: the terms and cached skills of the versions gone are freed and
 * their ids handed out again; the skills of the postings open still
 * score as they should.
 */
static void
test_churn_skills(void **state)
{
	struct fx *x = *state;
	struct matcher_stats s0, s;
	static char fresh[50][65];
	char old[65];
	const char *sk[50], *want[1];
	struct profile p;

	put_county(x);
	for (int k = 0; k < 50; k++)
		sk[k] = fresh[k];
	matcher_stats(x->m, &s0);
	for (int i = 0; i < 3000; i++) {
		for (int k = 0; k < 50; k++)
			snprintf(fresh[k], sizeof(fresh[k]), "%07d-%02d-%053d",
			    i, k, 0);
		put_at(x, "wander", LAT0, LON0, 1u << DIS_PHYSICAL, sk, 50);
	}
	matcher_stats(x->m, &s);
	print_message("after 3,000 versions of 50 new skills: %zu terms, "
	    "%zu ids, %zu cached (%zu, %zu, %zu before)\n", s.terms,
	    s.term_ids, s.raw_skills, s0.terms, s0.term_ids,
	    s0.raw_skills);
	assert_int_equal(s.terms, s0.terms + 50);
	assert_int_equal(s.raw_skills, s0.raw_skills + 50);
	/* the old version's ids are free while the new one is taken */
	assert_true(s.term_ids <= s0.term_ids + 100);
	/* the last version's skills count; an earlier version's do not */
	want[0] = fresh[7];
	seeker(&p, want, 1, 10);
	check_match(x, &p, "wander", 0.02);
	snprintf(old, sizeof(old), "%07d-%02d-%053d", 0, 7, 0);
	want[0] = old;
	check_match(x, &p, "wander", 0.0);
	/* synonyms still meet through reused ids */
	sk[0] = "按摩";
	put_at(x, "wander", LAT0, LON0, 1u << DIS_PHYSICAL, sk, 1);
	want[0] = "推拿";
	check_match(x, &p, "wander", 1.0);
	sk[0] = fresh[0];
	remove_all(x);
	matcher_stats(x->m, &s);
	assert_int_equal(s.terms, 0);
	assert_int_equal(s.raw_skills, 0);
}

/* The terms a posting holds move to a new rule set whole, and back. */
static void
test_terms_rules_change(void **state)
{
	struct fx *x = *state;
	struct matcher_stats s0, s;
	const char *want[1] = { "清洁" };
	const char *sk[] = { "保洁", "客服" };
	struct profile p;

	put_county(x);
	put_at(x, "wander", LAT0, LON0, 1u << DIS_PHYSICAL, sk, 2);
	matcher_stats(x->m, &s0);
	/* 保洁 and 清洁 are one term under rules_b only */
	assert_int_equal(matcher_set_rules(x->m, x->rb), 0);
	matcher_stats(x->m, &s);
	assert_int_equal(s.raw_skills, s0.raw_skills);
	seeker(&p, want, 1, 10);
	check_match(x, &p, "wander", 0.5);
	assert_int_equal(matcher_set_rules(x->m, x->ra), 0);
	matcher_stats(x->m, &s);
	assert_int_equal(s.terms, s0.terms);
	assert_int_equal(s.raw_skills, s0.raw_skills);
	check_match(x, &p, "wander", 0.0);
	remove_all(x);
	matcher_stats(x->m, &s);
	assert_int_equal(s.terms, 0);
	assert_int_equal(s.raw_skills, 0);
}

static uint64_t fake_us, fake_step;

static uint64_t
fake_clock(void)
{
	return fake_us += fake_step;
}

/*
 * A rule set that runs out of time partway through the postings is not
 * installed: the postings it reached get their old ids back, and every
 * reference stays counted (all is freed when the postings go).
 */
static void
test_terms_rollback(void **state)
{
	struct fx *x = *state;
	struct matcher_stats s0, s;
	struct regex_limits lim;
	const char *sk[] = { "按摩" }, *want[1] = { "推拿" };
	struct profile p;
	struct rules *r;
	uint64_t runs;

	put_county_own(x, true);
	put_at(x, "wander", LAT0, LON0, 1u << DIS_PHYSICAL, sk, 1);
	matcher_stats(x->m, &s0);
	regex_limits_defaults(&lim);
	lim.clock_us = fake_clock;
	lim.install_ms = 1;
	fake_step = 0;		/* the clock stands still while compiling */
	r = fixture_rules(rules_b, &lim);
	fake_step = 200;
	assert_int_equal(matcher_set_rules(x->m, r), -2);
	runs = rules_stats_of(r)->matches;
	print_message("the install stopped after %llu pattern runs (of %zu "
	    "skills)\n", (unsigned long long)runs, s0.raw_skills);
	assert_true(runs > 10 && runs < s0.raw_skills);
	assert_ptr_equal(matcher_rules(x->m), x->ra);
	matcher_stats(x->m, &s);
	assert_int_equal(s.terms, s0.terms);
	assert_int_equal(s.term_ids, s0.term_ids);
	assert_int_equal(s.raw_skills, s0.raw_skills);
	seeker(&p, want, 1, 10);
	check_match(x, &p, "wander", 1.0);
	rules_free(r);
	remove_all(x);
	matcher_stats(x->m, &s);
	assert_int_equal(s.terms, 0);
	assert_int_equal(s.raw_skills, 0);
}

/* Puts posting id of e1 with an apply_by whose end is until (what the
 * daemon derives) and, when exp, an expires_at. */
static void
put_applied(struct fx *x, const char *id, int64_t until, int64_t exp)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:[s], s:s, s:s, s:s}", "id",
	    id, "employer_id", "e1", "title", "文员", "accessible_for", "any",
	    "employment_type", "full_time", "town", x->towns.v[0].code,
	    "apply_by", "2030-01-01");
	struct job j;
	struct perr e;

	if (exp > 0)
		json_object_set_new(o, "expires_at", json_integer(exp));
	job_init(&j);
	if (codec_job_decode(o, "job", &x->towns, &j, &e) == -1)
		fail_msg("%s: %s", e.field, e.reason);
	json_decref(o);
	j.apply_until = until;
	assert_int_equal(matcher_put_job(x->m, &j), 0);
	job_clear(&j);
}

/* A posting's apply_by ends it as an expiry does, the earlier of the two,
 * and matcher_drop_applied takes out those it ended, and only those. */
static void
test_apply_until(void **state)
{
	struct fx *x = *state;
	struct profile p;
	struct filters f;
	struct match_query q;
	struct match_result res;
	struct matcher_stats st;

	put_applied(x, "a-1", 2000000000, 0);		/* apply_by first */
	put_applied(x, "a-2", 2000000000, 1990000000);	/* expires first */
	put_applied(x, "a-3", 2100000000, 0);
	put_applied(x, "a-4", 0, 0);			/* no apply_by */
	assert_int_equal(matcher_job(x->m, "e1", "a-1")->expires_at,
	    2000000000);
	assert_true(matcher_job(x->m, "e1", "a-1")->apply_limited);
	assert_int_equal(matcher_job(x->m, "e1", "a-2")->expires_at,
	    1990000000);
	assert_false(matcher_job(x->m, "e1", "a-2")->apply_limited);
	assert_string_equal(matcher_job(x->m, "e1", "a-1")->apply,
	    "{\"apply_by\":\"2030-01-01\"}");
	profile_init(&p);
	p.disability = DIS_PHYSICAL;
	p.grade = 3;
	p.lat = x->towns.v[0].lat;
	p.lon = x->towns.v[0].lon;
	memset(&f, 0, sizeof(f));
	memset(&q, 0, sizeof(q));
	q.profile = &p;
	q.filters = &f;
	q.limit = 10;
	q.now = 2000000000;	/* a-1's apply_by has just ended */
	assert_int_equal(matcher_match(x->m, &q, &res), 0);
	assert_int_equal(res.n, 2);
	(void)fixture_hit(&res, "a-3");
	(void)fixture_hit(&res, "a-4");
	assert_int_equal(matcher_drop_applied(x->m, 1999999999), 0);
	assert_int_equal(matcher_drop_applied(x->m, 2000000000), 1);
	assert_null(matcher_job(x->m, "e1", "a-1"));
	assert_non_null(matcher_job(x->m, "e1", "a-2"));	/* expired */
	assert_int_equal(matcher_drop_applied(x->m, 2100000000), 1);
	assert_int_equal(matcher_njobs(x->m), 2);
	matcher_stats(x->m, &st);
	assert_int_equal(st.postings, 2);
	assert_int_equal(matcher_remove_job(x->m, "e1", "a-2"), 1);
	assert_int_equal(matcher_remove_job(x->m, "e1", "a-4"), 1);
	matcher_stats(x->m, &st);
	assert_int_equal(st.entries, 0);
	/* a midnight that ends many gives their room back, as removals do */
	for (int i = 0; i < 1000; i++) {
		char id[16];

		snprintf(id, sizeof(id), "b-%d", i);
		put_applied(x, id, 2000000000, 0);
	}
	matcher_stats(x->m, &st);
	assert_true(st.posting_room >= 1000);
	assert_int_equal(matcher_drop_applied(x->m, 2000000000), 1000);
	matcher_stats(x->m, &st);
	assert_int_equal(st.postings, 0);
	assert_true(st.posting_room <= 64);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_siphash),
		cmocka_unit_test(test_strmap_keyed),
		cmocka_unit_test(test_strmap_flood),
		cmocka_unit_test(test_strmap_shrinks),
		cmocka_unit_test(test_grid_flood),
		cmocka_unit_test_setup_teardown(test_churn_places, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_churn_crowd, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_churn_skills, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_terms_rules_change, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_apply_until, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_terms_rollback, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
