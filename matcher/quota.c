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
#include <stdlib.h>
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

/* ---- names ------------------------------------------------------------ */

static const char *const level_names[QL_COUNT] = { "county", "township" };
static const char *const kind_names[QK_COUNT] = { "primary_school",
	"secondary_school", "kindergarten", "hospital", "other" };
static const char *const cert_names[QC_COUNT] = { "disability", "veteran" };
static const char *const sex_names[QS_COUNT] = { "male", "female" };
static const char *const reason_names[QR_COUNT] = { "no_contract",
	"contract_under_12_months", "contract_not_started", "contract_ended",
	"wage_below_minimum", "insurance_unpaid", "outside_working_age" };

static const char *
name_of(const char *const *v, int n, int i)
{
	return i >= 0 && i < n ? v[i] : NULL;
}

static int
lookup(const char *const *v, int n, const char *s)
{
	for (int i = 0; s != NULL && i < n; i++)
		if (strcmp(v[i], s) == 0)
			return i;
	return -1;
}

const char *
quota_level_name(int i)
{
	return name_of(level_names, QL_COUNT, i);
}

int
quota_level_lookup(const char *s)
{
	return lookup(level_names, QL_COUNT, s);
}

const char *
quota_kind_name(int i)
{
	return name_of(kind_names, QK_COUNT, i);
}

int
quota_kind_lookup(const char *s)
{
	return lookup(kind_names, QK_COUNT, s);
}

const char *
quota_cert_name(int i)
{
	return name_of(cert_names, QC_COUNT, i);
}

int
quota_cert_lookup(const char *s)
{
	return lookup(cert_names, QC_COUNT, s);
}

const char *
quota_sex_name(int i)
{
	return name_of(sex_names, QS_COUNT, i);
}

int
quota_sex_lookup(const char *s)
{
	return lookup(sex_names, QS_COUNT, s);
}

const char *
quota_reason_name(int i)
{
	return name_of(reason_names, QR_COUNT, i);
}

/* ---- the roster -------------------------------------------------------- */

struct quota_roster *
quota_roster_dup(const struct quota_roster *r)
{
	struct quota_roster *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	d->version = r->version;
	if (r->n > 0) {
		if ((d->v = malloc(r->n * sizeof(*d->v))) == NULL) {
			free(d);
			return NULL;
		}
		memcpy(d->v, r->v, r->n * sizeof(*d->v));
	}
	d->n = r->n;
	return d;
}

void
quota_roster_free(struct quota_roster *r)
{
	if (r == NULL)
		return;
	free(r->v);
	free(r);
}

uint32_t
quota_entry_reasons(const struct quota_rules *r, const struct quota_entry *x,
    int64_t day)
{
	uint32_t m = 0;
	int64_t end;

	if (!x->on_establishment) {
		if (x->contract_start < 0)
			m |= 1u << QR_NO_CONTRACT;
		else {
			/* no length: an open-ended contract (无固定期限) */
			if (x->contract_months >= 0 && x->contract_months < 12)
				m |= 1u << QR_CONTRACT_SHORT;
			if (x->contract_start > day)
				m |= 1u << QR_NOT_STARTED;
			else if (x->contract_months >= 0 &&
			    date_add_months(x->contract_start,
			    x->contract_months, &end) == 0 && day >= end)
				m |= 1u << QR_CONTRACT_ENDED;
		}
	}
	if (x->monthly_wage < r->min_wage)
		m |= 1u << QR_WAGE;
	if (!x->insurance_paid)
		m |= 1u << QR_INSURANCE;
	if (x->birth_year > 0) {
		int y, mo, d, age, lo, hi;

		date_civil(day, &y, &mo, &d);
		age = y - x->birth_year;
		if (x->sex >= 0 && x->sex < QS_COUNT) {
			lo = r->age[x->sex].min;
			hi = r->age[x->sex].max;
		} else {
			/* the sex unknown: the wider of the two ranges */
			lo = r->age[QS_MALE].min < r->age[QS_FEMALE].min ?
			    r->age[QS_MALE].min : r->age[QS_FEMALE].min;
			hi = r->age[QS_MALE].max > r->age[QS_FEMALE].max ?
			    r->age[QS_MALE].max : r->age[QS_FEMALE].max;
		}
		if (age < lo || age > hi)
			m |= 1u << QR_AGE;
	}
	return m;
}

int
quota_entry_weight(const struct quota_entry *x)
{
	if (x->certificate == QC_DISABILITY)
		return x->grade >= 1 && x->grade <= 2 ? 2 : 1;
	return x->grade >= 1 && x->grade <= 3 ? 2 : 1;
}

void
quota_roster_count(const struct quota_rules *r, const struct quota_roster *ro,
    int64_t day, struct quota_roster_count *out)
{
	memset(out, 0, sizeof(*out));
	out->entries = (int64_t)ro->n;
	for (size_t i = 0; i < ro->n; i++)
		if (quota_entry_reasons(r, &ro->v[i], day) == 0) {
			out->counted++;
			out->weighted += quota_entry_weight(&ro->v[i]);
		}
}

int64_t
quota_persons(const struct quota_rules *r, const struct employer *e,
    const struct quota_roster *ro, int64_t day)
{
	struct quota_roster_count c;

	if (ro == NULL)
		return e->disabled_employees > 0 ? e->disabled_employees : 0;
	quota_roster_count(r, ro, day, &c);
	return c.counted;
}

/* ---- the rules --------------------------------------------------------- */

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
	(void)date_day(2020, 1, 1, &r->reduction_from);
	(void)date_day(2027, 12, 31, &r->reduction_until);
	r->tiers[0] = (struct quota_tier){ 10000, 500000 };
	r->tiers[1] = (struct quota_tier){ 0, 900000 };
	r->ntiers = 2;
	r->late_fee_rate = 5000;
	r->agency_min_staff = 50;
	r->institution_min_staff = 67;
	r->min_wage = 2100;
	r->age[QS_MALE].min = r->age[QS_FEMALE].min = 16;
	r->age[QS_MALE].max = 59;
	r->age[QS_FEMALE].max = 54;
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
	if (r->reduction_from > r->reduction_until) {
		snprintf(why, whylen, "quota_reduction_from: after "
		    "quota_reduction_until, so the tiers would never apply");
		return -1;
	}
	for (int i = 0; i < QS_COUNT; i++)
		if (r->age[i].min < 0 || r->age[i].min > r->age[i].max ||
		    r->age[i].max > QUOTA_AGE_MAX) {
			snprintf(why, whylen, "working_age_%s: expected "
			    "MIN-MAX, 0 <= MIN <= MAX <= %d", sex_names[i],
			    QUOTA_AGE_MAX);
			return -1;
		}
	if (r->min_wage < 0 || r->min_wage > MONEY_MAX ||
	    r->late_fee_rate > QUOTA_PPM || r->local_avg_salary < 0 ||
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

/*
 * The "at least one" rule (docs/quota.md): a county-level agency or
 * public institution (not a school or kindergarten) at or above its
 * threshold of established posts employs a countable disabled person
 * itself; a township-level one, across the pool its units share.
 */
static void
one_rule(const struct quota_rules *r, const struct employer *e,
    const struct quota_pool *pool, struct quota_result *res)
{
	bool agency = e->type == ET_AGENCY;
	int64_t min = agency ? r->agency_min_staff : r->institution_min_staff;

	res->one_rule_met = res->persons >= 1;
	res->one_rule_applies = QA_NO;
	if (!agency && e->type != ET_INSTITUTION) {
		res->one_rule_reason = "not an agency or public institution";
		return;
	}
	res->one_rule_applies = QA_UNKNOWN;
	if (e->level < 0) {
		res->one_rule_reason = "level is not given";
		return;
	}
	if (e->level == QL_TOWNSHIP) {
		res->one_rule_pooled = true;
		if (e->pool[0] == '\0' || pool == NULL) {
			res->one_rule_reason = "pool is not given: a "
			    "township's units place at least one across "
			    "their pool";
			return;
		}
		res->one_rule_applies = QA_YES;
		res->one_rule_met = pool->disabled >= 1;
		return;
	}
	if (!agency && (e->institution_kind == QK_PRIMARY_SCHOOL ||
	    e->institution_kind == QK_SECONDARY_SCHOOL ||
	    e->institution_kind == QK_KINDERGARTEN)) {
		res->one_rule_applies = QA_NO;
		res->one_rule_reason = "primary and secondary schools and "
		    "kindergartens are excluded";
		return;
	}
	if (e->establishment < 0) {
		res->one_rule_reason = "establishment is not given";
		return;
	}
	if (e->establishment < min) {
		res->one_rule_applies = QA_NO;
		res->one_rule_reason = agency ? "establishment below "
		    "quota_agency_min_staff" : "establishment below "
		    "quota_institution_min_staff";
		return;
	}
	if (!agency && e->institution_kind < 0) {
		res->one_rule_reason = "institution_kind is not given "
		    "(schools and kindergartens are excluded)";
		return;
	}
	res->one_rule_applies = QA_YES;
}

int
quota_compute(const struct quota_rules *r, const struct employer *e,
    const struct quota_roster *ro, const struct quota_pool *pool,
    int64_t day, int64_t late_days, struct quota_result *res, char *err,
    size_t errlen)
{
	int64_t staff, dis = 0, severe = 0, need, have, gap;
	u128 fund, late;

	memset(res, 0, sizeof(*res));
	res->declared = -1;
	if (e->type < 0 || e->type >= ET_COUNT) {
		snprintf(err, errlen, "type is not an employer type");
		return -1;
	}
	if (figure(e->headcount, "headcount", COUNT_MAX, false, &staff, err,
	    errlen) == -1)
		return -1;
	/* With a roster, the declaration is only compared with it. */
	if ((ro == NULL || e->disabled_employees != -1) &&
	    (figure(e->disabled_employees, "disabled_employees", COUNT_MAX,
	    false, &dis, err, errlen) == -1 ||
	    figure(e->severe_disabled_employees, "severe_disabled_employees",
	    COUNT_MAX, true, &severe, err, errlen) == -1))
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
	if (e->disabled_employees != -1)
		res->declared = dis + severe;
	if (ro != NULL) {
		res->has_roster = true;
		quota_roster_count(r, ro, day, &res->roster);
		if (res->roster.counted > staff) {
			snprintf(err, errlen, "the roster counts more persons "
			    "than headcount");
			return -1;
		}
		res->actual = res->roster.weighted;
		res->persons = res->roster.counted;
		res->overstated = res->declared > res->roster.weighted;
	} else {
		res->actual = dis + severe;
		res->persons = dis;
	}
	one_rule(r, e, pool, res);

	/* Persons in millionths: exact, at most 10^13. */
	need = staff * (int64_t)r->ratio;
	have = res->actual * QUOTA_PPM;
	gap = need > have ? need - have : 0;
	res->required = (double)need / QUOTA_PPM;
	res->shortfall = (double)gap / QUOTA_PPM;
	res->ratio_actual = staff > 0 ? (double)res->actual / (double)staff :
	    0.0;
	res->below_quota = have < need;

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
	if (day >= r->reduction_from && day <= r->reduction_until) {
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
