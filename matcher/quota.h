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
#define QUOTA_MONTHS_MAX	1200	/* a contract's length: 100 years */
#define QUOTA_AGE_MAX		150	/* a working age's bounds */

/* An employer's level and, for a public institution, its kind (the "at
 * least one" rule). */
enum quota_level { QL_COUNTY, QL_TOWNSHIP, QL_COUNT };
enum quota_kind { QK_PRIMARY_SCHOOL, QK_SECONDARY_SCHOOL, QK_KINDERGARTEN,
	QK_HOSPITAL, QK_OTHER, QK_COUNT };

/* A roster entry's certificate and sex. */
enum quota_cert { QC_DISABILITY, QC_VETERAN, QC_COUNT };
enum quota_sex { QS_MALE, QS_FEMALE, QS_COUNT };

/* Why a roster entry does not count (bits of quota_entry_reasons). */
enum quota_reason {
	QR_NO_CONTRACT,		/* neither on the establishment nor a
				   contract */
	QR_CONTRACT_SHORT,	/* a contract of under 12 months */
	QR_NOT_STARTED,		/* the contract starts after the date */
	QR_CONTRACT_ENDED,	/* it ended before the date */
	QR_WAGE,		/* wage below quota_min_wage */
	QR_INSURANCE,		/* social insurance not paid */
	QR_AGE,			/* outside the working age */
	QR_COUNT
};

/* The names on the wire of the enums above ("county", "wage_below_minimum",
 * ...), and the index of a name (-1 when it is none). */
const char *quota_level_name(int i);
int	quota_level_lookup(const char *s);
const char *quota_kind_name(int i);
int	quota_kind_lookup(const char *s);
const char *quota_cert_name(int i);
int	quota_cert_lookup(const char *s);
const char *quota_sex_name(int i);
int	quota_sex_lookup(const char *s);
const char *quota_reason_name(int i);

/*
 * One disabled employee on an employer's roster (employer.roster.put).
 * Personal data: staff only, never logged.
 */
struct quota_entry {
	char		 seeker_id[ID_MAX + 1];	/* "" for an anonymous entry */
	int		 certificate;		/* enum quota_cert */
	int		 grade;			/* 1-4 disability, 1-8 veteran */
	int		 birth_year;		/* 0: not given */
	int		 sex;			/* enum quota_sex, or -1 */
	bool		 on_establishment;	/* 在编 */
	int64_t		 contract_start;	/* a day, or -1 */
	int64_t		 contract_months;	/* -1: open-ended (with a
						   start) or none */
	int64_t		 monthly_wage;		/* yuan */
	bool		 insurance_paid;
};

/* An employer's roster: n entries, and its stored version. */
struct quota_roster {
	struct quota_entry *v;
	size_t		 n;
	int64_t		 version;
};

/* A copy of r (NULL when out of memory), and its release (NULL is fine). */
struct quota_roster *quota_roster_dup(const struct quota_roster *r);
void	quota_roster_free(struct quota_roster *r);

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
	int64_t		 reduction_from;	/* first day of the tiers */
	int64_t		 reduction_until;	/* last day of the tiers */
	struct quota_tier tiers[QUOTA_TIERS_MAX];	/* min_ratio falling */
	size_t		 ntiers;		/* 0: no reductions */
	uint32_t	 late_fee_rate;		/* ppm of the amount, a day */
	int64_t		 agency_min_staff;	/* the "at least one" rule */
	int64_t		 institution_min_staff;
	int64_t		 min_wage;		/* yuan a month: a roster
						   entry's least wage */
	struct quota_age {			/* working age by sex, in */
		int	 min, max;		/* the year, inclusive */
	}		 age[QS_COUNT];
};

/* The countable number of a roster on a day. */
struct quota_roster_count {
	int64_t		 entries;	/* on the roster */
	int64_t		 counted;	/* persons who count */
	int64_t		 weighted;	/* counted, the grade 1-2 disabled and
					   grade 1-3 veterans twice */
};

/* What the pool of a township unit holds on a day (plan.c adds it up over
 * the employers sharing the pool id). */
struct quota_pool {
	int64_t		 units;		/* employers in the pool */
	int64_t		 disabled;	/* their countable persons */
};

/* Whether the "at least one" rule applies. */
enum quota_applies { QA_NO, QA_YES, QA_UNKNOWN };

/* Where an employer stands on one day. Persons are real numbers. */
struct quota_result {
	double		 required;	/* headcount × ratio */
	int64_t		 actual;	/* disabled + severe: grade 1-2
					 * employees count twice */
	double		 shortfall;	/* max(0, required − actual) */
	double		 ratio_actual;	/* actual / headcount; 0 when no
					 * staff */
	bool		 below_quota;	/* actual < required, exactly */

	/* the basis: the roster when one is kept, else the declaration */
	bool		 has_roster;
	struct quota_roster_count roster;
	int64_t		 declared;	/* disabled + severe as declared;
					 * -1 when not declared */
	bool		 overstated;	/* declared > roster.weighted */

	/* "at least one" */
	int		 one_rule_applies; /* enum quota_applies */
	const char	*one_rule_reason; /* why not QA_YES (static text),
					 * or NULL */
	bool		 one_rule_pooled; /* basis: the pool, not the unit */
	bool		 one_rule_met;	/* the unit (or its pool) employs a
					 * countable disabled person */
	int64_t		 persons;	/* the unit's countable persons:
					 * roster.counted or declared
					 * disabled_employees */

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
 * Why roster entry x does not count on day (a mask of 1 << enum
 * quota_reason; 0: it counts), by 财税〔2015〕72号 第七条: on the
 * establishment, or a contract of 12 months or more (or open-ended)
 * running on day; a monthly wage of at least min_wage; insurance paid;
 * of working age in day's year when the birth year is given (the wider
 * of the two sexes' ranges when the sex is not).
 */
uint32_t quota_entry_reasons(const struct quota_rules *r,
	    const struct quota_entry *x, int64_t day);
/* What x counts for when it counts: 2 for a disability grade 1-2 or a
 * veteran's grade 1-3, else 1. */
int	quota_entry_weight(const struct quota_entry *x);
/* The countable number of roster ro on day. */
void	quota_roster_count(const struct quota_rules *r,
	    const struct quota_roster *ro, int64_t day,
	    struct quota_roster_count *out);

/*
 * The countable persons of unit e on day, for its pool's sum: its
 * roster's counted persons when it keeps one (ro not NULL), else its
 * declared disabled_employees (0 when not given).
 */
int64_t	quota_persons(const struct quota_rules *r, const struct employer *e,
	    const struct quota_roster *ro, int64_t day);

/*
 * Computes where e stands on day (days since 1970-01-01, local time),
 * with its fund late_days days overdue (0 = not late), from its roster ro
 * when it keeps one (NULL: from its declared figures), its pool's sums
 * pool when it is a township unit in a pool (NULL otherwise). Returns 0
 * with res filled, or -1 with a message naming the offending field in err
 * when e's figures are missing or inconsistent: no headcount, no
 * disabled_employees (without a roster), severe_disabled_employees above
 * disabled_employees (a missing severe count is taken as 0),
 * disabled_employees (or the roster's counted persons) above headcount, a
 * negative or out-of-range figure, or no avg_annual_salary when a fund is
 * owed.
 */
int	quota_compute(const struct quota_rules *r, const struct employer *e,
	    const struct quota_roster *ro, const struct quota_pool *pool,
	    int64_t day, int64_t late_days, struct quota_result *res,
	    char *err, size_t errlen);

/* Parses a decimal such as "0.015", "1" or ".5" (at most six decimals, no
 * sign, no exponent) into millionths no greater than max; 0 or -1. */
int	quota_parse_ppm(const char *s, uint32_t max, uint32_t *ppm);

#endif
