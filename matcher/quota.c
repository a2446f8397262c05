/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * quota.c - see quota.h and docs/quota.md.
 *
 * Every quantity is an integer: persons in millionths, money in yuan or
 * fen. A product such as shortfall × salary × pay fraction reaches about
 * 10^27 at the protocol's largest figures, so it is formed in 128 bits
 * and divided, rounding half up, only once.
 */
#include <stdio.h>
#include <string.h>

#include "matcher/quota.h"

#ifndef __SIZEOF_INT128__
#error "quota.c needs a compiler with unsigned __int128"
#endif
typedef unsigned __int128 u128;

/* n / d rounded half up; d is even. */
static u128
div_round(u128 n, u128 d)
{
	return (n + d / 2) / d;
}

/* Writes ppm as a decimal ("0.015", "1"). */
static void
fmt_ppm(char *buf, size_t len, uint32_t ppm)
{
	int n;

	n = snprintf(buf, len, "%u.%06u", ppm / QUOTA_PPM, ppm % QUOTA_PPM);
	if (n <= 0 || (size_t)n >= len)
		return;
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
}

void
quota_rules_defaults(struct quota_rules *r)
{
	memset(r, 0, sizeof(*r));
	r->ratio = 15000;
	r->local_avg_salary = 0;
	r->salary_cap_multiple = 2;
	r->exempt_headcount = 30;
	r->exempt_types = 1u << ET_SOE | 1u << ET_PRIVATE |
	    1u << ET_SHELTERED_WORKSHOP;
	(void)date_day(2027, 12, 31, &r->reduction_until);
	r->tiers[0] = (struct quota_tier){ 10000, 500000 };
	r->tiers[1] = (struct quota_tier){ 0, 900000 };
	r->ntiers = 2;
	r->late_fee_rate = 5000;
	r->agency_min_staff = 50;
	r->institution_min_staff = 67;
}

int
quota_rules_check(const struct quota_rules *r, char *why, size_t whylen)
{
	char a[32], b[32];

	if (r->ratio == 0 || r->ratio > QUOTA_PPM) {
		snprintf(why, whylen, "quota_ratio: expected above 0, at most 1");
		return -1;
	}
	if (r->ntiers > QUOTA_TIERS_MAX) {
		snprintf(why, whylen, "quota_reduction_tiers: at most %d tiers",
		    QUOTA_TIERS_MAX);
		return -1;
	}
	for (size_t i = 0; i < r->ntiers; i++) {
		const struct quota_tier *t = &r->tiers[i];

		fmt_ppm(a, sizeof(a), t->min_ratio);
		fmt_ppm(b, sizeof(b), r->ratio);
		if (t->min_ratio >= r->ratio) {
			snprintf(why, whylen, "quota_reduction_tiers: minimum "
			    "ratio %s is not below quota_ratio %s, so the tier "
			    "would never apply", a, b);
			return -1;
		}
		if (t->pay > QUOTA_PPM) {
			snprintf(why, whylen, "quota_reduction_tiers: a pay "
			    "fraction above 1");
			return -1;
		}
		if (i > 0 && t->min_ratio >= r->tiers[i - 1].min_ratio) {
			fmt_ppm(b, sizeof(b), r->tiers[i - 1].min_ratio);
			snprintf(why, whylen, "quota_reduction_tiers: the "
			    "minimum ratios must fall from one tier to the "
			    "next, highest first (%s follows %s)", a, b);
			return -1;
		}
	}
	if (r->late_fee_rate > QUOTA_PPM || r->local_avg_salary < 0 ||
	    r->local_avg_salary > MONEY_MAX || r->salary_cap_multiple < 1 ||
	    r->exempt_headcount < 0 || r->agency_min_staff < 0 ||
	    r->institution_min_staff < 0 ||
	    (r->exempt_types & ~((1u << ET_COUNT) - 1)) != 0) {
		snprintf(why, whylen, "quota rules out of range");
		return -1;
	}
	return 0;
}

/*
 * One of e's figures into *out: -1 means not given, which is an error
 * unless may_miss (then it counts as 0).
 */
static int
figure(int64_t v, const char *name, int64_t max, bool may_miss,
    int64_t *out, char *err, size_t errlen)
{
	if (v == -1 && may_miss)
		v = 0;
	if (v == -1)
		snprintf(err, errlen, "%s is not given", name);
	else if (v < 0)
		snprintf(err, errlen, "%s is negative", name);
	else if (v > max)
		snprintf(err, errlen, "%s exceeds %lld", name, (long long)max);
	else {
		*out = v;
		return 0;
	}
	return -1;
}

int
quota_compute(const struct quota_rules *r, const struct employer *e,
    int64_t day, int64_t late_days, struct quota_result *res, char *err,
    size_t errlen)
{
	int64_t staff, dis, severe, need, have, gap;
	u128 fund, late;

	memset(res, 0, sizeof(*res));
	if (e->type < 0 || e->type >= ET_COUNT) {
		snprintf(err, errlen, "type is not an employer type");
		return -1;
	}
	if (figure(e->headcount, "headcount", COUNT_MAX, false, &staff, err,
	    errlen) == -1 ||
	    figure(e->disabled_employees, "disabled_employees", COUNT_MAX,
	    false, &dis, err, errlen) == -1 ||
	    figure(e->severe_disabled_employees, "severe_disabled_employees",
	    COUNT_MAX, true, &severe, err, errlen) == -1)
		return -1;
	if (dis > staff) {
		snprintf(err, errlen, "disabled_employees exceeds headcount");
		return -1;
	}
	if (severe > dis) {
		snprintf(err, errlen, "severe_disabled_employees exceeds "
		    "disabled_employees (it counts the grade 1-2 among them)");
		return -1;
	}
	if (late_days < 0 || late_days > QUOTA_LATE_DAYS_MAX) {
		snprintf(err, errlen, "days late: expected 0 to %d",
		    QUOTA_LATE_DAYS_MAX);
		return -1;
	}

	/* Persons in millionths: exact, at most 10^13. */
	need = staff * (int64_t)r->ratio;
	res->actual = dis + severe;
	have = res->actual * QUOTA_PPM;
	gap = need > have ? need - have : 0;
	res->required = (double)need / QUOTA_PPM;
	res->shortfall = (double)gap / QUOTA_PPM;
	res->ratio_actual = staff > 0 ? (double)res->actual / (double)staff :
	    0.0;
	res->below_quota = have < need;

	res->one_rule_met = dis >= 1;
	res->one_rule_applies =
	    (e->type == ET_AGENCY && staff >= r->agency_min_staff) ||
	    (e->type == ET_INSTITUTION && staff >= r->institution_min_staff);

	res->exempt = (r->exempt_types & 1u << e->type) != 0 &&
	    staff <= r->exempt_headcount;
	if (e->avg_annual_salary != -1) {
		if (figure(e->avg_annual_salary, "avg_annual_salary", MONEY_MAX,
		    false, &res->salary_base, err, errlen) == -1)
			return -1;
		if (r->local_avg_salary > 0 && res->salary_base >
		    r->local_avg_salary * r->salary_cap_multiple) {
			res->salary_base = r->local_avg_salary *
			    r->salary_cap_multiple;
			res->salary_capped = true;
		}
	}

	res->pay_fraction = QUOTA_PPM;
	res->late_days = late_days;
	if (res->exempt || gap == 0)
		return 0;
	if (e->avg_annual_salary == -1) {
		snprintf(err, errlen, "avg_annual_salary is not given, and "
		    "the employer is below the quota: the fund cannot be "
		    "estimated");
		return -1;
	}
	if (day <= r->reduction_until) {
		for (size_t i = 0; i < r->ntiers; i++)
			if (have >= (int64_t)r->tiers[i].min_ratio * staff) {
				res->pay_fraction = r->tiers[i].pay;
				break;
			}
	}

	/* fund in millionths of a yuan: 10^13 × 10^8 at the most. */
	fund = (u128)gap * (u128)res->salary_base;
	res->fund_fen = (int64_t)div_round(fund * 100, QUOTA_PPM);
	res->due_fen = (int64_t)div_round(fund * 100 * res->pay_fraction,
	    (u128)QUOTA_PPM * QUOTA_PPM);
	late = div_round((u128)res->due_fen * (u128)late_days *
	    r->late_fee_rate, QUOTA_PPM);
	if (late > (u128)INT64_MAX) {
		snprintf(err, errlen, "the late fee is too large to compute");
		return -1;
	}
	res->late_fee_fen = (int64_t)late;
	return 0;
}

int
quota_parse_ppm(const char *s, uint32_t max, uint32_t *ppm)
{
	uint64_t whole = 0, frac = 0;
	int nwhole = 0, nfrac = 0;

	for (; *s >= '0' && *s <= '9'; s++, nwhole++) {
		whole = whole * 10 + (uint64_t)(*s - '0');
		if (whole > UINT32_MAX / QUOTA_PPM)
			return -1;
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, nfrac++) {
			if (nfrac == 6)
				return -1;
			frac = frac * 10 + (uint64_t)(*s - '0');
		}
	}
	if (*s != '\0' || nwhole + nfrac == 0)
		return -1;
	for (int i = nfrac; i < 6; i++)
		frac *= 10;
	whole = whole * QUOTA_PPM + frac;
	if (whole > max)
		return -1;
	*ppm = (uint32_t)whole;
	return 0;
}
