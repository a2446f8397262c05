/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * quota.h - where an employer stands against the disability employment
 * quota, and an estimate of the employment security fund it owes
 * (docs/quota.md has the formula, the constants and worked examples).
 *
 * Pure: no clock, no I/O. The caller gives the date the computation is
 * for, as a day number in the county's local time.
 *
 * Fractions (the quota ratio, the tiers, the late fee rate) are held in
 * millionths (ppm) and money in whole yuan or fen, so that every amount
 * is computed exactly and rounded once, half up, to the fen.
 */
#ifndef JM_QUOTA_H
#define JM_QUOTA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "matcher/date.h"
#include "matcher/model.h"

#define QUOTA_PPM		1000000	/* 1 in millionths */
#define QUOTA_TIERS_MAX		4
#define QUOTA_LATE_DAYS_MAX	36525	/* a hundred years */

/* Reduced payment: an employer whose ratio is at least min_ratio pays
 * pay of the fund (both in millionths). */
struct quota_tier {
	uint32_t	 min_ratio;
	uint32_t	 pay;
};

/* The constants of the computation (the quota_* configuration keys). */
struct quota_rules {
	uint32_t	 ratio;			/* ppm of headcount; 15000 */
	int64_t		 local_avg_salary;	/* yuan a year; 0 = no cap */
	int64_t		 salary_cap_multiple;	/* of local_avg_salary */
	int64_t		 exempt_headcount;	/* enterprises up to this */
	uint32_t	 exempt_types;		/* 1 << enum employer_type */
	int64_t		 reduction_until;	/* last day of the tiers */
	struct quota_tier tiers[QUOTA_TIERS_MAX];	/* min_ratio falling */
	size_t		 ntiers;		/* 0: no reductions */
	uint32_t	 late_fee_rate;		/* ppm of the amount, a day */
	int64_t		 agency_min_staff;	/* the "at least one" rule */
	int64_t		 institution_min_staff;
};

/* Where an employer stands on one day. Persons are real numbers. */
struct quota_result {
	double		 required;	/* headcount × ratio */
	int64_t		 actual;	/* disabled + severe: grade 1-2
					 * employees count twice */
	double		 shortfall;	/* max(0, required − actual) */
	double		 ratio_actual;	/* actual / headcount; 0 when no
					 * staff */
	bool		 below_quota;	/* actual < required, exactly */

	bool		 one_rule_applies; /* an agency or institution at
					 * or above its threshold */
	bool		 one_rule_met;	/* at least one disabled employee
					 * (said whether or not it applies) */

	bool		 exempt;	/* a small enterprise: no fund */
	int64_t		 salary_base;	/* yuan: avg_annual_salary, capped;
					 * 0 when it is not given */
	bool		 salary_capped;	/* the cap was lower than the
					 * employer's average */
	int64_t		 fund_fen;	/* shortfall × salary_base, before
					 * any reduction */
	uint32_t	 pay_fraction;	/* ppm of fund_fen to pay; 1000000
					 * when no tier applies */
	int64_t		 due_fen;	/* fund × pay_fraction, rounded
					 * once from the exact fund */
	int64_t		 late_days;	/* as given */
	int64_t		 late_fee_fen;	/* due_fen × rate × late_days */
};

/* Fills r with the defaults of docs/quota.md. */
void	quota_rules_defaults(struct quota_rules *r);

/*
 * Checks what each field alone cannot: the tiers fall strictly and each
 * lies below the quota ratio. Returns 0, or -1 with the reason in why.
 */
int	quota_rules_check(const struct quota_rules *r, char *why,
	    size_t whylen);

/*
 * Computes where e stands on day (days since 1970-01-01, local time),
 * with its fund late_days days overdue (0 = not late). Returns 0 with res
 * filled, or -1 with a message naming the offending field in err when
 * e's figures are missing or inconsistent: no headcount, no
 * disabled_employees, severe_disabled_employees above disabled_employees
 * (a missing severe count is taken as 0), disabled_employees above
 * headcount, a negative or out-of-range figure, or no avg_annual_salary
 * when a fund is owed.
 */
int	quota_compute(const struct quota_rules *r, const struct employer *e,
	    int64_t day, int64_t late_days, struct quota_result *res,
	    char *err, size_t errlen);

/* Parses a decimal such as "0.015", "1" or ".5" (at most six decimals, no
 * sign, no exponent) into millionths no greater than max; 0 or -1. */
int	quota_parse_ppm(const char *s, uint32_t max, uint32_t *ppm);

#endif
