/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * test_quota.c - matcher/quota.h: every worked example of docs/quota.md
 * with its numbers, the edges of each rule, invalid figures, the rules'
 * own checks and the date and decimal parsers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "matcher/quota.h"

#define NONE	(-1)		/* a figure not given */

/*
 * An employer as the codec leaves it: only what quota.c reads. Agencies
 * and institutions are county-level units whose establishment is their
 * headcount (an institution of kind "other"), as docs/quota.md's
 * examples say; test_roster.c tells establishment and headcount apart.
 */
static struct employer
emp(int type, int64_t staff, int64_t dis, int64_t severe, int64_t salary)
{
	struct employer e;

	employer_init(&e);
	if (type == ET_AGENCY || type == ET_INSTITUTION) {
		e.level = QL_COUNTY;
		e.establishment = staff;
		if (type == ET_INSTITUTION)
			e.institution_kind = QK_OTHER;
	}
	e.type = type;
	e.headcount = staff;
	e.disabled_employees = dis;
	e.severe_disabled_employees = severe;
	e.avg_annual_salary = salary;
	return e;
}

static int64_t
day(int y, int m, int d)
{
	int64_t n;

	assert_int_equal(date_day(y, m, d, &n), 0);
	return n;
}

/* The rules of docs/quota.md's examples: the defaults, with a local
 * average salary of 60,000 yuan (so a cap of 120,000). */
static struct quota_rules
doc_rules(void)
{
	struct quota_rules r;

	quota_rules_defaults(&r);
	r.local_avg_salary = 60000;
	return r;
}

static struct quota_result
compute(const struct quota_rules *r, struct employer e, int64_t on,
    int64_t late)
{
	struct quota_result res;
	char err[256] = "";

	if (quota_compute(r, &e, NULL, NULL, on, late, &res, err,
	    sizeof(err)) != 0)
		fail_msg("quota_compute: %s", err);
	return res;
}

/* Persons derived from exact millionths: equal to the decimal's double. */
#define assert_persons(a, b)	assert_true(fabs((a) - (b)) < 1e-12)

/* e's result on day on, late days late, is want in every field. */
static void
expect(struct employer e, int64_t on, int64_t late,
    const struct quota_result *want)
{
	struct quota_rules r = doc_rules();
	struct quota_result q = compute(&r, e, on, late);

	assert_persons(q.required, want->required);
	assert_int_equal(q.actual, want->actual);
	assert_persons(q.shortfall, want->shortfall);
	assert_persons(q.ratio_actual, want->ratio_actual);
	assert_int_equal(q.below_quota, want->below_quota);
	assert_int_equal(q.one_rule_applies, want->one_rule_applies);
	assert_int_equal(q.one_rule_met, want->one_rule_met);
	assert_int_equal(q.exempt, want->exempt);
	assert_int_equal(q.salary_base, want->salary_base);
	assert_int_equal(q.salary_capped, want->salary_capped);
	assert_int_equal(q.fund_fen, want->fund_fen);
	assert_int_equal(q.pay_fraction, want->pay_fraction);
	assert_int_equal(q.due_fen, want->due_fen);
	assert_int_equal(q.late_days, late);
	assert_int_equal(q.late_fee_fen, want->late_fee_fen);
}

/* The worked examples of docs/quota.md, in its order. */
static void
test_doc_agency_120(void **state)
{
	(void)state;
	expect(emp(ET_AGENCY, 120, 1, 0, 80000), day(2026, 6, 30), 0,
	    &(struct quota_result){ .required = 1.8, .actual = 1,
	    .shortfall = 0.8, .ratio_actual = 1.0 / 120, .below_quota = true,
	    .one_rule_applies = true, .one_rule_met = true,
	    .salary_base = 80000, .fund_fen = 6400000,
	    .pay_fraction = 900000, .due_fen = 5760000 });
}

static void
test_doc_institution_70(void **state)
{
	(void)state;
	expect(emp(ET_INSTITUTION, 70, 0, 0, 90000), day(2026, 6, 30), 0,
	    &(struct quota_result){ .required = 1.05, .shortfall = 1.05,
	    .below_quota = true, .one_rule_applies = true,
	    .salary_base = 90000, .fund_fen = 9450000,
	    .pay_fraction = 900000, .due_fen = 8505000 });
}

static void
test_doc_private_25_exempt(void **state)
{
	(void)state;
	expect(emp(ET_PRIVATE, 25, 0, 0, 50000), day(2026, 6, 30), 10,
	    &(struct quota_result){ .required = 0.375, .shortfall = 0.375,
	    .below_quota = true, .exempt = true, .salary_base = 50000,
	    .pay_fraction = QUOTA_PPM });
}

static void
test_doc_private_400_capped(void **state)
{
	(void)state;
	/* Exactly 1 %: the half tier. */
	expect(emp(ET_PRIVATE, 400, 3, 1, 150000), day(2026, 6, 30), 0,
	    &(struct quota_result){ .required = 6, .actual = 4,
	    .shortfall = 2, .ratio_actual = 0.01, .below_quota = true,
	    .one_rule_met = true, .salary_base = 120000,
	    .salary_capped = true, .fund_fen = 24000000,
	    .pay_fraction = 500000, .due_fen = 12000000 });
}

static void
test_doc_soe_late_after_reductions(void **state)
{
	(void)state;
	expect(emp(ET_SOE, 250, 2, 0, 72345), day(2028, 3, 1), 40,
	    &(struct quota_result){ .required = 3.75, .actual = 2,
	    .shortfall = 1.75, .ratio_actual = 0.008, .below_quota = true,
	    .one_rule_met = true, .salary_base = 72345,
	    .fund_fen = 12660375, .pay_fraction = QUOTA_PPM,
	    .due_fen = 12660375, .late_fee_fen = 2532075 });
	/* The last day of the reductions: 90 %, 113,943.375 half up. */
	expect(emp(ET_SOE, 250, 2, 0, 72345), day(2027, 12, 31), 0,
	    &(struct quota_result){ .required = 3.75, .actual = 2,
	    .shortfall = 1.75, .ratio_actual = 0.008, .below_quota = true,
	    .one_rule_met = true, .salary_base = 72345,
	    .fund_fen = 12660375, .pay_fraction = 900000,
	    .due_fen = 11394338 });
}

static void
test_doc_community_rounding(void **state)
{
	(void)state;
	/* due 5,235,763.5 fen half up; fee 78,536.46 fen down. */
	expect(emp(ET_COMMUNITY, 130, 1, 0, 61237), day(2026, 6, 30), 3,
	    &(struct quota_result){ .required = 1.95, .actual = 1,
	    .shortfall = 0.95, .ratio_actual = 1.0 / 130,
	    .below_quota = true, .one_rule_met = true,
	    .salary_base = 61237, .fund_fen = 5817515,
	    .pay_fraction = 900000, .due_fen = 5235764,
	    .late_fee_fen = 78536 });
	/* The amount due is rounded from the exact fund (900.015 yuan, so
	 * 810.0135), not from the rounded one (900.02 × 0.9 = 810.018). */
	expect(emp(ET_AGENCY, 1, 0, 0, 60001), day(2026, 6, 30), 0,
	    &(struct quota_result){ .required = 0.015, .shortfall = 0.015,
	    .below_quota = true, .salary_base = 60001, .fund_fen = 90002,
	    .pay_fraction = 900000, .due_fen = 81001 });
}

static void
test_exactly_at_quota(void **state)
{
	struct quota_rules r = doc_rules();
	struct quota_result q;
	int64_t d = day(2026, 6, 30);

	(void)state;
	q = compute(&r, emp(ET_PRIVATE, 200, 3, 0, 80000), d, 5);
	assert_persons(q.required, 3.0);
	assert_persons(q.shortfall, 0.0);
	assert_false(q.below_quota);
	assert_int_equal(q.fund_fen, 0);
	assert_int_equal(q.due_fen, 0);
	assert_int_equal(q.late_fee_fen, 0);
	assert_int_equal(q.pay_fraction, QUOTA_PPM);

	/* One fewer: below, by a whole person. */
	q = compute(&r, emp(ET_PRIVATE, 200, 2, 0, 80000), d, 0);
	assert_true(q.below_quota);
	assert_int_equal(q.fund_fen, 8000000);
	assert_int_equal(q.due_fen, 4000000);		/* 1 %: half */

	/* A severe employee meets a 1.5 requirement alone. */
	q = compute(&r, emp(ET_AGENCY, 100, 1, 1, 80000), d, 0);
	assert_int_equal(q.actual, 2);
	assert_false(q.below_quota);
	assert_int_equal(q.fund_fen, 0);
}

static void
test_exactly_one_percent(void **state)
{
	struct quota_rules r = doc_rules();
	struct quota_result q;
	int64_t d = day(2026, 6, 30);

	(void)state;
	/* 100 staff, 1 disabled: 1 % exactly, the half-pay tier. */
	q = compute(&r, emp(ET_PRIVATE, 100, 1, 0, 80000), d, 0);
	assert_persons(q.shortfall, 0.5);
	assert_int_equal(q.fund_fen, 4000000);
	assert_int_equal(q.pay_fraction, 500000);
	assert_int_equal(q.due_fen, 2000000);

	/* 101 staff, 1 disabled: just below 1 %, the 90 % tier. */
	q = compute(&r, emp(ET_PRIVATE, 101, 1, 0, 80000), d, 0);
	assert_persons(q.shortfall, 0.515);
	assert_int_equal(q.fund_fen, 4120000);
	assert_int_equal(q.pay_fraction, 900000);
	assert_int_equal(q.due_fen, 3708000);

	/* 400 staff, 3 disabled (none severe): 0.75 %. */
	q = compute(&r, emp(ET_PRIVATE, 400, 3, 0, 100000), d, 0);
	assert_persons(q.shortfall, 3.0);
	assert_int_equal(q.pay_fraction, 900000);
	assert_int_equal(q.due_fen, 27000000);
}

static void
test_exempt_headcount(void **state)
{
	struct quota_rules r = doc_rules();
	struct quota_result q;
	int64_t d = day(2026, 6, 30);

	(void)state;
	q = compute(&r, emp(ET_PRIVATE, 30, 0, 0, 50000), d, 0);
	assert_true(q.exempt);
	assert_int_equal(q.due_fen, 0);
	q = compute(&r, emp(ET_PRIVATE, 31, 0, 0, 50000), d, 0);
	assert_false(q.exempt);
	assert_persons(q.shortfall, 0.465);
	assert_int_equal(q.fund_fen, 2325000);
	assert_int_equal(q.due_fen, 2092500);
	q = compute(&r, emp(ET_SOE, 30, 0, 0, 50000), d, 0);
	assert_true(q.exempt);
	q = compute(&r, emp(ET_SHELTERED_WORKSHOP, 30, 0, 0, 50000), d, 0);
	assert_true(q.exempt);
	/* Not enterprises: no exemption however small. */
	q = compute(&r, emp(ET_COMMUNITY, 30, 0, 0, 50000), d, 0);
	assert_false(q.exempt);
	assert_int_equal(q.fund_fen, 2250000);
	q = compute(&r, emp(ET_AGENCY, 10, 0, 0, 50000), d, 0);
	assert_false(q.exempt);
	q = compute(&r, emp(ET_SOCIAL_ORG, 10, 0, 0, 50000), d, 0);
	assert_false(q.exempt);

	/* The list and the headcount are configurable. */
	r.exempt_types = 0;
	q = compute(&r, emp(ET_PRIVATE, 30, 0, 0, 50000), d, 0);
	assert_false(q.exempt);
	r.exempt_types = 1u << ET_COMMUNITY;
	r.exempt_headcount = 50;
	q = compute(&r, emp(ET_COMMUNITY, 50, 0, 0, 50000), d, 0);
	assert_true(q.exempt);
}

static void
test_reduction_end(void **state)
{
	struct quota_rules r = doc_rules();
	struct quota_result q;
	struct employer e = emp(ET_PRIVATE, 120, 1, 0, 80000);

	(void)state;
	q = compute(&r, e, day(2027, 12, 31), 0);
	assert_int_equal(q.pay_fraction, 900000);
	assert_int_equal(q.due_fen, 5760000);
	q = compute(&r, e, day(2028, 1, 1), 0);
	assert_int_equal(q.pay_fraction, QUOTA_PPM);
	assert_int_equal(q.fund_fen, 6400000);
	assert_int_equal(q.due_fen, 6400000);

	/* No tiers: never reduced. */
	r.ntiers = 0;
	q = compute(&r, e, day(2026, 6, 30), 0);
	assert_int_equal(q.due_fen, 6400000);

	/* A later end date keeps them. */
	r = doc_rules();
	assert_int_equal(date_parse("2030-06-30", &r.reduction_until), 0);
	q = compute(&r, e, day(2028, 1, 1), 0);
	assert_int_equal(q.due_fen, 5760000);
}

static void
test_one_rule_thresholds(void **state)
{
	struct quota_rules r = doc_rules();
	struct quota_result q;
	int64_t d = day(2026, 6, 30);

	(void)state;
	q = compute(&r, emp(ET_AGENCY, 49, 0, 0, 1), d, 0);
	assert_false(q.one_rule_applies);
	assert_false(q.one_rule_met);
	q = compute(&r, emp(ET_AGENCY, 50, 0, 0, 1), d, 0);
	assert_true(q.one_rule_applies);
	assert_false(q.one_rule_met);
	q = compute(&r, emp(ET_AGENCY, 50, 1, 0, 1), d, 0);
	assert_true(q.one_rule_applies);
	assert_true(q.one_rule_met);
	q = compute(&r, emp(ET_INSTITUTION, 66, 0, 0, 1), d, 0);
	assert_false(q.one_rule_applies);
	q = compute(&r, emp(ET_INSTITUTION, 67, 0, 0, 1), d, 0);
	assert_true(q.one_rule_applies);
	assert_false(q.one_rule_met);
	/* An agency's threshold is not an institution's, nor an SOE's. */
	q = compute(&r, emp(ET_INSTITUTION, 50, 0, 0, 1), d, 0);
	assert_false(q.one_rule_applies);
	q = compute(&r, emp(ET_SOE, 1000, 0, 0, 1), d, 0);
	assert_false(q.one_rule_applies);

	r.agency_min_staff = 20;
	r.institution_min_staff = 100;
	q = compute(&r, emp(ET_AGENCY, 20, 0, 0, 1), d, 0);
	assert_true(q.one_rule_applies);
	q = compute(&r, emp(ET_INSTITUTION, 99, 0, 0, 1), d, 0);
	assert_false(q.one_rule_applies);
}

static void
test_salary_cap(void **state)
{
	struct quota_rules r;
	struct quota_result q;
	int64_t d = day(2028, 1, 1);

	(void)state;
	quota_rules_defaults(&r);		/* local 0: no cap */
	q = compute(&r, emp(ET_PRIVATE, 400, 3, 1, 150000), d, 0);
	assert_int_equal(q.salary_base, 150000);
	assert_false(q.salary_capped);
	assert_int_equal(q.fund_fen, 30000000);

	r.local_avg_salary = 60000;
	q = compute(&r, emp(ET_PRIVATE, 400, 3, 1, 120000), d, 0);
	assert_int_equal(q.salary_base, 120000);	/* at the cap */
	assert_false(q.salary_capped);
	q = compute(&r, emp(ET_PRIVATE, 400, 3, 1, 120001), d, 0);
	assert_int_equal(q.salary_base, 120000);
	assert_true(q.salary_capped);
	r.salary_cap_multiple = 3;
	q = compute(&r, emp(ET_PRIVATE, 400, 3, 1, 150000), d, 0);
	assert_int_equal(q.salary_base, 150000);
	assert_false(q.salary_capped);
}

static void
test_other_rules(void **state)
{
	struct quota_rules r = doc_rules();
	struct quota_result q;
	int64_t d = day(2028, 1, 1);

	(void)state;
	r.ratio = 20000;			/* 2 % */
	q = compute(&r, emp(ET_PRIVATE, 120, 1, 0, 80000), d, 10);
	assert_persons(q.required, 2.4);
	assert_int_equal(q.fund_fen, 11200000);
	r.late_fee_rate = 1000;			/* 0.1 % a day */
	q = compute(&r, emp(ET_PRIVATE, 120, 1, 0, 80000), d, 10);
	assert_int_equal(q.late_fee_fen, 112000);

	/* Three tiers, the first that the ratio reaches applies. */
	r = doc_rules();
	r.tiers[0] = (struct quota_tier){ 12000, 250000 };
	r.tiers[1] = (struct quota_tier){ 10000, 500000 };
	r.tiers[2] = (struct quota_tier){ 0, 900000 };
	r.ntiers = 3;
	d = day(2026, 6, 30);
	q = compute(&r, emp(ET_PRIVATE, 100, 1, 0, 80000), d, 0);
	assert_int_equal(q.pay_fraction, 500000);
	q = compute(&r, emp(ET_PRIVATE, 250, 3, 0, 80000), d, 0);
	assert_int_equal(q.pay_fraction, 250000);	/* 1.2 % */
	/* Tiers that do not reach 0: below the last, the whole fund. */
	r.ntiers = 1;
	q = compute(&r, emp(ET_PRIVATE, 250, 2, 0, 80000), d, 0);
	assert_int_equal(q.pay_fraction, QUOTA_PPM);
}

static void
test_no_staff_and_no_salary(void **state)
{
	struct quota_rules r = doc_rules();
	struct quota_result q;
	int64_t d = day(2026, 6, 30);

	(void)state;
	q = compute(&r, emp(ET_AGENCY, 0, 0, NONE, NONE), d, 0);
	assert_persons(q.required, 0.0);
	assert_persons(q.ratio_actual, 0.0);
	assert_false(q.below_quota);
	assert_int_equal(q.fund_fen, 0);
	/* No salary is fine while no fund is owed, exempt or at quota. */
	q = compute(&r, emp(ET_PRIVATE, 20, 0, NONE, NONE), d, 0);
	assert_true(q.exempt);
	assert_int_equal(q.salary_base, 0);
	q = compute(&r, emp(ET_PRIVATE, 100, 2, NONE, NONE), d, 0);
	assert_false(q.below_quota);
	/* A missing severe count is none. */
	assert_int_equal(q.actual, 2);
}

/* quota_compute refuses e, and its message names field. */
static void
refused(const struct quota_rules *r, struct employer e, int64_t late,
    const char *field)
{
	struct quota_result q;
	char err[256] = "";

	assert_int_equal(quota_compute(r, &e, NULL, NULL, 0, late, &q, err,
	    sizeof(err)), -1);
	if (strstr(err, field) == NULL)
		fail_msg("'%s' does not name %s", err, field);
}

static void
test_invalid(void **state)
{
	struct quota_rules r = doc_rules();

	(void)state;
	refused(&r, emp(ET_AGENCY, NONE, 0, 0, 1), 0, "headcount");
	refused(&r, emp(ET_AGENCY, -5, 0, 0, 1), 0, "headcount");
	refused(&r, emp(ET_AGENCY, COUNT_MAX + 1, 0, 0, 1), 0, "headcount");
	refused(&r, emp(ET_AGENCY, 100, NONE, 0, 1), 0, "disabled_employees");
	refused(&r, emp(ET_AGENCY, 100, -2, 0, 1), 0, "disabled_employees");
	refused(&r, emp(ET_AGENCY, 100, 101, 0, 1), 0, "disabled_employees");
	refused(&r, emp(ET_AGENCY, 100, 1, 2, 1), 0,
	    "severe_disabled_employees");
	refused(&r, emp(ET_AGENCY, 100, 1, -2, 1), 0,
	    "severe_disabled_employees");
	refused(&r, emp(ET_AGENCY, 100, 0, 0, NONE), 0, "avg_annual_salary");
	refused(&r, emp(ET_AGENCY, 100, 0, 0, -7), 0, "avg_annual_salary");
	refused(&r, emp(ET_AGENCY, 100, 0, 0, MONEY_MAX + 1), 0,
	    "avg_annual_salary");
	refused(&r, emp(-1, 100, 0, 0, 1), 0, "type");
	refused(&r, emp(ET_COUNT, 100, 0, 0, 1), 0, "type");
	refused(&r, emp(ET_AGENCY, 100, 0, 0, 1), -1, "late");
	refused(&r, emp(ET_AGENCY, 100, 0, 0, 1), QUOTA_LATE_DAYS_MAX + 1,
	    "late");
}

/* The protocol's largest figures fit; a fee beyond int64 is refused. */
static void
test_largest(void **state)
{
	struct quota_rules r;
	struct quota_result q;
	struct employer e = emp(ET_AGENCY, COUNT_MAX, 0, 0, MONEY_MAX);

	(void)state;
	quota_rules_defaults(&r);
	q = compute(&r, e, day(2026, 6, 30), QUOTA_LATE_DAYS_MAX);
	assert_int_equal(q.fund_fen, 1500000000000000LL);
	assert_int_equal(q.due_fen, 1350000000000000LL);
	assert_int_equal(q.late_fee_fen, 246543750000000000LL);
	r.late_fee_rate = QUOTA_PPM;
	refused(&r, e, QUOTA_LATE_DAYS_MAX, "late fee");
}

static void
test_rules_check(void **state)
{
	struct quota_rules r;
	char why[256];

	(void)state;
	quota_rules_defaults(&r);
	assert_int_equal(quota_rules_check(&r, why, sizeof(why)), 0);
	assert_int_equal(r.reduction_until, 21183);
	r.ntiers = 0;
	assert_int_equal(quota_rules_check(&r, why, sizeof(why)), 0);

	quota_rules_defaults(&r);
	r.ratio = 10000;			/* the first tier is 1 % */
	assert_int_equal(quota_rules_check(&r, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "not below quota_ratio 0.01"));

	quota_rules_defaults(&r);
	r.tiers[1].min_ratio = 10000;
	assert_int_equal(quota_rules_check(&r, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "fall"));

	quota_rules_defaults(&r);
	r.tiers[0].pay = QUOTA_PPM + 1;
	assert_int_equal(quota_rules_check(&r, why, sizeof(why)), -1);

	quota_rules_defaults(&r);
	r.ratio = 0;
	assert_int_equal(quota_rules_check(&r, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "quota_ratio"));
}

static void
test_dates(void **state)
{
	int64_t d;

	(void)state;
	assert_int_equal(day(1970, 1, 1), 0);
	assert_int_equal(day(2000, 3, 1), 11017);
	assert_int_equal(day(2027, 12, 31), 21183);
	assert_int_equal(day(2028, 1, 1), 21184);
	assert_int_equal(day(2028, 2, 29), 21243);
	assert_int_equal(day(9999, 12, 31), 2932896);
	assert_int_equal(date_day(2027, 2, 29, &d), -1);
	assert_int_equal(date_day(1900, 2, 29, &d), -1);
	assert_int_equal(date_day(2027, 13, 1, &d), -1);
	assert_int_equal(date_day(2027, 4, 31, &d), -1);
	assert_int_equal(date_day(1969, 12, 31, &d), -1);

	assert_int_equal(date_parse("2027-12-31", &d), 0);
	assert_int_equal(d, 21183);
	assert_int_equal(date_parse("2027-1-31", &d), -1);
	assert_int_equal(date_parse("2027/12/31", &d), -1);
	assert_int_equal(date_parse("2027-12-3x", &d), -1);
	assert_int_equal(date_parse("2027-12-311", &d), -1);
	assert_int_equal(date_parse("", &d), -1);

	/* date_format is date_parse's inverse on every day of the range */
	{
		char buf[DATE_LEN + 1];
		int64_t back;

		date_format(21183, buf);
		assert_string_equal(buf, "2027-12-31");
		date_format(11016, buf);
		assert_string_equal(buf, "2000-02-29");
		date_format(0, buf);
		assert_string_equal(buf, "1970-01-01");
		for (int64_t n = 0; n <= 2932896; n++) {
			date_format(n, buf);
			if (date_parse(buf, &back) != 0 || back != n)
				fail_msg("day %lld: %s", (long long)n, buf);
		}
	}
}

static void
test_parse_ppm(void **state)
{
	uint32_t v;

	(void)state;
	assert_int_equal(quota_parse_ppm("0.015", QUOTA_PPM, &v), 0);
	assert_int_equal(v, 15000);
	assert_int_equal(quota_parse_ppm("1", QUOTA_PPM, &v), 0);
	assert_int_equal(v, QUOTA_PPM);
	assert_int_equal(quota_parse_ppm(".5", QUOTA_PPM, &v), 0);
	assert_int_equal(v, 500000);
	assert_int_equal(quota_parse_ppm("0", QUOTA_PPM, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(quota_parse_ppm("0.000001", QUOTA_PPM, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(quota_parse_ppm("0.0000001", QUOTA_PPM, &v), -1);
	assert_int_equal(quota_parse_ppm("1.000001", QUOTA_PPM, &v), -1);
	assert_int_equal(quota_parse_ppm("1", QUOTA_PPM - 1, &v), -1);
	assert_int_equal(quota_parse_ppm("", QUOTA_PPM, &v), -1);
	assert_int_equal(quota_parse_ppm(".", QUOTA_PPM, &v), -1);
	assert_int_equal(quota_parse_ppm("-0.1", QUOTA_PPM, &v), -1);
	assert_int_equal(quota_parse_ppm("1e-2", QUOTA_PPM, &v), -1);
	assert_int_equal(quota_parse_ppm("0.01%", QUOTA_PPM, &v), -1);
	assert_int_equal(quota_parse_ppm("99999999999", UINT32_MAX, &v), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doc_agency_120),
		cmocka_unit_test(test_doc_institution_70),
		cmocka_unit_test(test_doc_private_25_exempt),
		cmocka_unit_test(test_doc_private_400_capped),
		cmocka_unit_test(test_doc_soe_late_after_reductions),
		cmocka_unit_test(test_doc_community_rounding),
		cmocka_unit_test(test_exactly_at_quota),
		cmocka_unit_test(test_exactly_one_percent),
		cmocka_unit_test(test_exempt_headcount),
		cmocka_unit_test(test_reduction_end),
		cmocka_unit_test(test_one_rule_thresholds),
		cmocka_unit_test(test_salary_cap),
		cmocka_unit_test(test_other_rules),
		cmocka_unit_test(test_no_staff_and_no_salary),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_largest),
		cmocka_unit_test(test_rules_check),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_parse_ppm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
