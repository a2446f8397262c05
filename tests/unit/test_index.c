/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * test_index.c - matcher_match (the indexed match: grid cells, entry
 * filters, chord bounds, rule lists, score bound, top-K heap) against
 * matcher_match_scan (every posting, filtered, scored and sorted) on
 * seeded random mirrors and queries: the same hits, in the same order, with
 * the same scores and the same candidate count, through inserts, updates,
 * removals, employer changes and a new rule set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matcher/matcher.h"
#include "matcher/vocab.h"
#include "proto/codec.h"
#include "fixture.h"

static const char towns_tsv[] =
    "code\tname\tkind\tpinyin\tlat\tlon\tsource\n"
    "500231001000\t桂溪街道\tsubdistrict\tGuixi\t30.3336\t107.3455\tx\n"
    "500231101000\t新民镇\ttown\tXinmin\t30.3976\t107.3895\tx\n"
    "500231102000\t沙坪镇\ttown\tShaping\t30.25\t107.4\tx\n"
    "500231103000\t周嘉镇\ttownship\tZhoujia\t30.45\t107.22\tx\n";

#define NOW	1700000000LL

/* Every kind of rule: boosts on both sides, exclude, require, distance. */
static const char rules_a[] =
    "{\"weights\":{\"skills\":0.6,\"distance\":0.4},"
    "\"distance\":{\"shape\":\"exp\",\"scale_km\":8,\"max_km\":25},"
    "\"synonyms\":[{\"term\":\"massage\",\"pattern\":\"按摩|推拿\"}],"
    "\"rules\":["
    "{\"name\":\"welfare\",\"when\":{\"seeker.flags\":[\"low_income\"],"
    "\"job.employment_type\":[\"public_welfare\"]},\"then\":{\"boost\":0.2}},"
    "{\"name\":\"near\",\"when\":{\"seeker.disability.grade\":{\"max\":2},"
    "\"distance_km\":{\"max\":4}},\"then\":{\"boost\":0.15}},"
    "{\"name\":\"no_interns\",\"when\":{\"seeker.flags\":[\"graduate\"],"
    "\"job.employment_type\":[\"internship\"]},\"then\":\"exclude\"},"
    "{\"name\":\"far_excluded\",\"when\":{\"seeker.flags\":[\"rural\"],"
    "\"distance_km\":{\"min\":15}},\"then\":\"exclude\"},"
    "{\"name\":\"visual_needs_massage\",\"when\":{"
    "\"seeker.disability.type\":[\"visual\"],\"job.skills\":\"^massage$\"},"
    "\"then\":\"require\"},"
    "{\"name\":\"sheltered\",\"when\":{\"seeker.disability.type\":"
    "[\"intellectual\"],\"job.employer_type\":[\"sheltered_workshop\"]},"
    "\"then\":{\"boost\":0.3}},"
    "{\"name\":\"title\",\"when\":{\"job.title\":\"客服\"},"
    "\"then\":{\"boost\":0.05}}"
    "]}";

/* Rules that are all masks (no distance condition, all among the first
 * 64): the entries with no exclude bit are clean, so that lists wholly
 * inside a radius are counted from their counters and the rest read by
 * the tight loops. */
static const char rules_c[] =
    "{\"weights\":{\"skills\":0.5,\"distance\":0.3},"
    "\"distance\":{\"shape\":\"exp\",\"scale_km\":10,\"max_km\":30},"
    "\"rules\":["
    "{\"name\":\"welfare\",\"when\":{\"seeker.flags\":[\"low_income\"],"
    "\"job.employment_type\":[\"public_welfare\"]},\"then\":{\"boost\":0.2}},"
    "{\"name\":\"no_interns\",\"when\":{\"seeker.flags\":[\"graduate\"],"
    "\"job.employment_type\":[\"internship\"]},\"then\":\"exclude\"},"
    "{\"name\":\"visual_needs_massage\",\"when\":{"
    "\"seeker.disability.type\":[\"visual\"],\"job.skills\":\"^massage$\"},"
    "\"then\":\"require\"},"
    "{\"name\":\"sheltered\",\"when\":{\"seeker.disability.type\":"
    "[\"intellectual\"],\"job.employer_type\":[\"sheltered_workshop\"]},"
    "\"then\":{\"boost\":0.1}},"
    "{\"name\":\"title\",\"when\":{\"job.title\":\"客服\"},"
    "\"then\":{\"boost\":0.05}}"
    "]}";

/* Another rule set, for matcher_set_rules: linear decay, no rules. */
static const char rules_b[] =
    "{\"weights\":{\"skills\":0.5,\"distance\":0.5},"
    "\"distance\":{\"shape\":\"linear\",\"scale_km\":30,\"max_km\":40},"
    "\"rules\":[]}";

static const char *const skills[] = {
	"客服", "数据录入", "按摩", "推拿", "保洁", "包装", "电工", "编程",
	"会计", "设计", "手工", "种植", "养殖", "驾驶", "烹饪", "翻译",
};
#define NSKILLS	(sizeof(skills) / sizeof(*skills))

static const char *const titles[] = { "客服专员", "文员", "按摩师",
	"保洁员", "包装工", "技术员" };

struct fx {
	struct towns	 towns;
	struct rules	*ra, *rb;
	struct matcher	*m;
	uint64_t	 rng;
	size_t		 njobs;		/* ids handed out */
	double		 spread;	/* postings' square, in degrees */
	bool		 plain;		/* queries mostly without needs,
					   filters or offsets */
};

static double
unif(struct fx *x)
{
	return fixture_unif(&x->rng);
}

static size_t
pick(struct fx *x, size_t n)
{
	return (size_t)(fixture_rnd(&x->rng) % n);
}

/* Employer e<i>, named 单位<i>. */
static void
put_employer(struct fx *x, int i, int type)
{
	char id[16], name[32];

	snprintf(id, sizeof(id), "e%d", i);
	snprintf(name, sizeof(name), "单位%d", i);
	fixture_employer(x->m, id, name, type);
}

/* A random posting with id n (new or replacing), placed around the
 * county, some on the edges of the queries' radii. */
static void
put_job(struct fx *x, size_t n)
{
	struct job j;
	size_t ns = 1 + pick(x, 6);

	job_init(&j);
	snprintf(j.id, sizeof(j.id), "j%zu", n);
	snprintf(j.employer_id, sizeof(j.employer_id), "e%zu", pick(x, 12));
	j.title = strdup(titles[pick(x, sizeof(titles) / sizeof(*titles))]);
	j.skills = calloc(ns, sizeof(char *));
	for (size_t i = 0; i < ns; i++)
		j.skills[j.nskills++] = strdup(skills[pick(x, NSKILLS)]);
	if (pick(x, 10) == 0)
		j.dis_any = true;
	else
		j.dis_mask = (uint8_t)(1u << pick(x, DIS_COUNT) |
		    1u << pick(x, DIS_COUNT));
	j.grades_mask = (uint8_t)(pick(x, 3) == 0 ? 1u << (1 + pick(x, 4)) |
	    1u << (1 + pick(x, 4)) : 0);
	j.accom_mask = (uint32_t)(pick(x, 2) ? 1u << pick(x, 4) : 0);
	j.employment = (int)pick(x, EMP_COUNT);
	j.has_location = true;
	/* within spread / 2 of the centre (0.4 degrees: 0 to ~45 km) */
	j.lat = 30.3336 + (unif(x) - 0.5) * x->spread;
	j.lon = 107.3455 + (unif(x) - 0.5) * x->spread;
	j.town = -1;
	j.remote = pick(x, 25) == 0;
	if (pick(x, 3) != 0) {
		j.has_salary = true;
		j.salary_min = 2000 + (int64_t)pick(x, 3000);
		j.salary_max = j.salary_min + (int64_t)pick(x, 3000);
	}
	j.openings = pick(x, 20) == 0 ? 0 : 1 + (int64_t)pick(x, 5);
	j.expires_at = pick(x, 15) == 0 ? NOW - 10 :
	    pick(x, 5) == 0 ? NOW + 1000 : 0;
	j.version = 1;
	j.status = JOB_OPEN;
	assert_int_equal(matcher_put_job(x->m, &j), 0);
	job_clear(&j);
}

static int
setup_with(void **state, const char *ra, double spread, bool plain)
{
	struct fx *x = calloc(1, sizeof(*x));

	if (x == NULL)
		return -1;
	x->spread = spread;
	x->plain = plain;
	x->ra = fixture_rules(ra, NULL);
	x->rb = fixture_rules(rules_b, NULL);
	if (fixture_mirror(&x->towns, towns_tsv, x->ra, &x->m) == -1)
		return -1;
	x->rng = 20261129;
	for (int i = 0; i < 12; i++)
		put_employer(x, i, i % ET_COUNT);
	*state = x;
	return 0;
}

static int
setup(void **state)
{
	return setup_with(state, rules_a, 0.8, false);
}

/* Postings within ~4 km of the centre, mask-only rules, plain queries. */
static int
setup_dense(void **state)
{
	return setup_with(state, rules_c, 0.08, true);
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

/* A random query; some at exact distances from existing postings. */
static void
random_query(struct fx *x, struct profile *p, struct filters *f,
    struct match_query *q)
{
	static const double km[] = { 0, 3, 5, 10, 20, 40, 0.5, 300 };
	size_t ns = x->plain ? 1 + pick(x, 6) : pick(x, 4);
	bool odd = !x->plain || pick(x, 8) == 0;

	profile_init(p);
	p->disability = (int)pick(x, DIS_COUNT);
	p->grade = 1 + (int)pick(x, 4);
	p->lat = 30.3336 + (unif(x) - 0.5) * x->spread * 0.625;
	p->lon = 107.3455 + (unif(x) - 0.5) * x->spread * 0.625;
	p->town = -1;
	p->max_distance_km = km[pick(x, sizeof(km) / sizeof(*km))];
	p->needs_mask = odd && pick(x, 4) == 0 ? 1u << pick(x, 4) : 0;
	p->flags_mask = (uint32_t)pick(x, 16);
	p->skills = ns ? calloc(ns, sizeof(char *)) : NULL;
	for (size_t i = 0; i < ns; i++)
		p->skills[p->nskills++] = strdup(skills[pick(x, NSKILLS)]);
	memset(f, 0, sizeof(*f));
	if (odd && pick(x, 6) == 0)
		f->employment_mask = 1u << pick(x, EMP_COUNT);
	if (odd && pick(x, 6) == 0)
		f->employer_mask = 1u << pick(x, ET_COUNT);
	if (odd && pick(x, 6) == 0) {
		f->min_salary = pick(x, 2) == 0 ? 0 : 3000;
		f->has_min_salary = true;
	}
	memset(q, 0, sizeof(*q));
	q->profile = p;
	q->filters = f;
	q->limit = 1 + pick(x, 20);
	q->offset = odd && pick(x, 4) == 0 ? pick(x, 30) : 0;
	q->now = NOW;
	q->regex_budget = 1000;
}

/* The indexed answer equals the scan's. */
static void
same_answer(struct fx *x, const struct match_query *q, size_t qi)
{
	struct match_result a, b;
	struct match_hit *ha;
	size_t n;

	assert_int_equal(matcher_match(x->m, q, &a), 0);
	n = a.n;
	/* copy: the scan reuses the matcher's buffer */
	ha = n ? malloc(n * sizeof(*ha)) : NULL;
	if (n)
		memcpy(ha, a.hits, n * sizeof(*ha));
	assert_int_equal(matcher_match_scan(x->m, q, &b), 0);
	if (a.candidates != b.candidates || n != b.n)
		fail_msg("query %zu: index %zu candidates %zu hits, scan %zu "
		    "candidates %zu hits", qi, a.candidates, n, b.candidates,
		    b.n);
	for (size_t i = 0; i < n; i++) {
		if (ha[i].job != b.hits[i].job || ha[i].score != b.hits[i].score ||
		    ha[i].distance_km != b.hits[i].distance_km ||
		    memcmp(ha[i].fired, b.hits[i].fired,
		    sizeof(ha[i].fired)) != 0)
			fail_msg("query %zu hit %zu: index %s %.6f %.3f, scan %s "
			    "%.6f %.3f", qi, i, ha[i].job->key, ha[i].score,
			    ha[i].distance_km, b.hits[i].job->key,
			    b.hits[i].score, b.hits[i].distance_km);
	}
	free(ha);
}

static void
queries(struct fx *x, size_t n, size_t base)
{
	for (size_t i = 0; i < n; i++) {
		struct profile p;
		struct filters f;
		struct match_query q;

		random_query(x, &p, &f, &q);
		same_answer(x, &q, base + i);
		profile_clear(&p);
	}
}

static void
test_index_equals_scan(void **state)
{
	struct fx *x = *state;

	for (size_t i = 0; i < 3000; i++)
		put_job(x, x->njobs++);
	queries(x, 400, 0);
	/* updates (moving postings between cells), removals */
	for (size_t i = 0; i < 1500; i++)
		put_job(x, pick(x, x->njobs));
	for (size_t i = 0; i < 800; i++) {
		char id[32];
		snprintf(id, sizeof(id), "j%zu", pick(x, x->njobs));
		for (int e = 0; e < 12; e++) {
			char emp[16];
			snprintf(emp, sizeof(emp), "e%d", e);
			(void)matcher_remove_job(x->m, emp, id);
		}
	}
	queries(x, 400, 1000);
	/* employers change type: rule bits of their postings change */
	for (int i = 0; i < 12; i++)
		put_employer(x, i, (i * 7 + 3) % ET_COUNT);
	queries(x, 200, 2000);
	/* a new rule set: skills and rule bits derived again */
	assert_int_equal(matcher_set_rules(x->m, x->rb), 0);
	queries(x, 200, 3000);
	assert_int_equal(matcher_set_rules(x->m, x->ra), 0);
	queries(x, 200, 4000);
}

/* Postings exactly on a query's radius, and a hair inside and outside it:
 * the chord bounds must hand these to the exact distance. */
static void
test_index_radius_edge(void **state)
{
	struct fx *x = *state;
	const double lat0 = 30.3336, lon0 = 107.3455;
	struct profile p;
	struct filters f;
	struct match_query q;

	for (int k = 0; k < 360; k++) {
		struct job j;
		double b = k * M_PI / 180.0, r = 10.0 + (k % 3 - 1) * 1e-4;

		job_init(&j);
		snprintf(j.id, sizeof(j.id), "edge%d", k);
		snprintf(j.employer_id, sizeof(j.employer_id), "e0");
		j.title = strdup("文员");
		j.dis_any = true;
		j.employment = EMP_FULL_TIME;	/* the codec always sets it */
		j.has_location = true;
		j.lat = lat0 + r / 111.195 * cos(b);
		j.lon = lon0 + r / (111.195 * cos(lat0 * M_PI / 180)) * sin(b);
		j.town = -1;
		j.openings = 1;
		j.version = 1;
		j.status = JOB_OPEN;
		assert_int_equal(matcher_put_job(x->m, &j), 0);
		job_clear(&j);
	}
	profile_init(&p);
	p.disability = DIS_PHYSICAL;
	p.grade = 3;
	p.lat = lat0;
	p.lon = lon0;
	p.town = -1;
	memset(&f, 0, sizeof(f));
	memset(&q, 0, sizeof(q));
	q.profile = &p;
	q.filters = &f;
	q.limit = 100;
	q.now = NOW;
	q.regex_budget = 1000;
	/* radii equal to a posting's exact distance, and a hair either way */
	for (int k = 0; k < 360; k += 7) {
		double d = geo_distance_km(lat0, lon0,
		    lat0 + (10.0 + (k % 3 - 1) * 1e-4) / 111.195 *
		    cos(k * M_PI / 180.0),
		    lon0 + (10.0 + (k % 3 - 1) * 1e-4) / (111.195 *
		    cos(lat0 * M_PI / 180)) * sin(k * M_PI / 180.0));
		static const double eps[] = { 0, 1e-9, -1e-9, 1e-5, -1e-5,
			1e-4, -1e-4, 5e-4, -5e-4 };
		for (size_t i = 0; i < sizeof(eps) / sizeof(*eps); i++) {
			p.max_distance_km = d + eps[i];
			same_answer(x, &q, (size_t)k * 10 + i);
		}
	}
	profile_clear(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_index_equals_scan, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_index_radius_edge, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_index_equals_scan,
		    setup_dense, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
