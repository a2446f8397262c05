/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * test_roster.c - who counts toward an employer's quota (matcher/quota.h):
 * each rule of a roster entry at its edges (财税〔2015〕72号 第七条), the
 * weights, a quota computed from a roster against a declaration
 * (docs/quota.md's example 7, by hand), the reduced-payment tiers' first
 * day, the "at least one" rule (establishment, schools, pools), a roster's
 * JSON (proto/codec_roster.h) and the month arithmetic of contracts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "matcher/date.h"
#include "matcher/quota.h"
#include "proto/codec_roster.h"

#define BIT(r)	(1u << (r))

static int64_t
day(int y, int m, int d)
{
	int64_t n;

	assert_int_equal(date_day(y, m, d, &n), 0);
	return n;
}

/* A disability grade 3 entry that counts on 2024-06-30: a 12-month
 * contract from 2024-01-01 at the minimum wage, insured, no birth year. */
static struct quota_entry
base(void)
{
	struct quota_entry x;

	memset(&x, 0, sizeof(x));
	x.certificate = QC_DISABILITY;
	x.grade = 3;
	x.sex = -1;
	x.contract_start = day(2024, 1, 1);
	x.contract_months = 12;
	x.monthly_wage = 2100;
	x.insurance_paid = true;
	return x;
}

static uint32_t
reasons(struct quota_entry x, int64_t on)
{
	struct quota_rules r;

	quota_rules_defaults(&r);
	return quota_entry_reasons(&r, &x, on);
}

static void
test_contract(void **state)
{
	struct quota_entry x = base();
	int64_t on = day(2024, 6, 30);

	(void)state;
	assert_int_equal(reasons(x, on), 0);
	/* 11 months is under a year; 12 is a year (含1年) */
	x.contract_months = 11;
	assert_int_equal(reasons(x, on), BIT(QR_CONTRACT_SHORT));
	x.contract_months = 12;
	/* started after the date; on its first day it runs */
	x.contract_start = day(2024, 7, 1);
	assert_int_equal(reasons(x, on), BIT(QR_NOT_STARTED));
	assert_int_equal(reasons(x, day(2024, 7, 1)), 0);
	/* 2024-01-01 for 12 months runs through 2024-12-31 */
	x = base();
	assert_int_equal(reasons(x, day(2024, 12, 31)), 0);
	assert_int_equal(reasons(x, day(2025, 1, 1)),
	    BIT(QR_CONTRACT_ENDED));
	/* no length: open-ended (无固定期限), running from its start */
	x.contract_months = -1;
	assert_int_equal(reasons(x, day(2040, 1, 1)), 0);
	assert_int_equal(reasons(x, day(2023, 12, 31)),
	    BIT(QR_NOT_STARTED));
	/* on the establishment, no contract is needed */
	x.contract_start = -1;
	assert_int_equal(reasons(x, on), BIT(QR_NO_CONTRACT));
	x.on_establishment = true;
	assert_int_equal(reasons(x, on), 0);
	/* a short contract beside the establishment does not matter */
	x.contract_start = day(2024, 1, 1);
	x.contract_months = 3;
	assert_int_equal(reasons(x, on), 0);
}

static void
test_wage_insurance(void **state)
{
	struct quota_entry x = base();
	int64_t on = day(2024, 6, 30);
	struct quota_rules r;

	(void)state;
	x.monthly_wage = 2099;		/* one yuan under */
	assert_int_equal(reasons(x, on), BIT(QR_WAGE));
	x.monthly_wage = 2100;
	x.insurance_paid = false;
	assert_int_equal(reasons(x, on), BIT(QR_INSURANCE));
	/* every reason at once */
	x.monthly_wage = 0;
	x.contract_months = 6;
	x.birth_year = 1950;
	assert_int_equal(reasons(x, on), BIT(QR_CONTRACT_SHORT) |
	    BIT(QR_WAGE) | BIT(QR_INSURANCE) | BIT(QR_AGE));
	/* the county's own minimum */
	quota_rules_defaults(&r);
	r.min_wage = 1900;
	x = base();
	x.monthly_wage = 1900;
	assert_int_equal(quota_entry_reasons(&r, &x, on), 0);
}

static void
test_age(void **state)
{
	struct quota_entry x = base();
	int64_t on = day(2024, 6, 30);
	struct quota_rules r;

	(void)state;
	/* men 16-59 in the year: born 1965 is 59 in 2024, 1964 is 60 */
	x.sex = QS_MALE;
	x.birth_year = 1965;
	assert_int_equal(reasons(x, on), 0);
	x.birth_year = 1964;
	assert_int_equal(reasons(x, on), BIT(QR_AGE));
	x.birth_year = 2008;		/* 16 */
	assert_int_equal(reasons(x, on), 0);
	x.birth_year = 2009;		/* 15 */
	assert_int_equal(reasons(x, on), BIT(QR_AGE));
	/* women 16-54: born 1970 is 54, 1969 is 55 */
	x.sex = QS_FEMALE;
	x.birth_year = 1970;
	assert_int_equal(reasons(x, on), 0);
	x.birth_year = 1969;
	assert_int_equal(reasons(x, on), BIT(QR_AGE));
	/* the sex not given: the wider range, 16-59 */
	x.sex = -1;
	assert_int_equal(reasons(x, on), 0);
	x.birth_year = 1965;
	assert_int_equal(reasons(x, on), 0);
	x.birth_year = 1964;
	assert_int_equal(reasons(x, on), BIT(QR_AGE));
	x.birth_year = 2009;
	assert_int_equal(reasons(x, on), BIT(QR_AGE));
	/* no birth year: the age is not checked */
	x.birth_year = 0;
	assert_int_equal(reasons(x, on), 0);
	/* configured ranges */
	quota_rules_defaults(&r);
	r.age[QS_FEMALE].max = 57;
	x.sex = QS_FEMALE;
	x.birth_year = 1967;
	assert_int_equal(quota_entry_reasons(&r, &x, on), 0);
	x.sex = -1;			/* wider: 16-59 still */
	x.birth_year = 1964;
	assert_int_equal(quota_entry_reasons(&r, &x, on), BIT(QR_AGE));
}

static void
test_weights(void **state)
{
	struct quota_entry x = base();

	(void)state;
	for (int g = 1; g <= 4; g++) {
		x.grade = g;
		assert_int_equal(quota_entry_weight(&x), g <= 2 ? 2 : 1);
	}
	x.certificate = QC_VETERAN;
	for (int g = 1; g <= 8; g++) {
		x.grade = g;
		assert_int_equal(quota_entry_weight(&x), g <= 3 ? 2 : 1);
	}
}

/* docs/quota.md, example 7: the roster of a private enterprise of 300
 * on 2024-06-30. */
static struct quota_entry ex7[4];

static struct quota_roster
ex7_roster(void)
{
	struct quota_entry *x = ex7;

	for (int i = 0; i < 4; i++)
		x[i] = base();
	/* A: grade 2, 36 months from 2023-03-01, 2,500: counts 2 */
	x[0].grade = 2;
	x[0].contract_start = day(2023, 3, 1);
	x[0].contract_months = 36;
	x[0].monthly_wage = 2500;
	/* B: veteran grade 4, open-ended from 2020-05-01, 3,000: counts 1 */
	x[1].certificate = QC_VETERAN;
	x[1].grade = 4;
	x[1].contract_start = day(2020, 5, 1);
	x[1].contract_months = -1;
	x[1].monthly_wage = 3000;
	x[1].birth_year = 1980;
	x[1].sex = QS_MALE;
	/* C: grade 3, 11 months from 2024-01-01, 2,300: too short */
	x[2].contract_months = 11;
	x[2].monthly_wage = 2300;
	/* D: grade 4, 24 months from 2022-07-01, 2,099: under the wage */
	x[3].grade = 4;
	x[3].contract_start = day(2022, 7, 1);
	x[3].contract_months = 24;
	x[3].monthly_wage = 2099;
	return (struct quota_roster){ ex7, 4, 1 };
}

static struct employer
ex7_employer(void)
{
	struct employer e;

	employer_init(&e);
	e.type = ET_PRIVATE;
	e.headcount = 300;
	e.disabled_employees = 4;
	e.severe_disabled_employees = 1;
	e.avg_annual_salary = 80000;
	return e;
}

static void
test_example_7(void **state)
{
	struct quota_roster ro = ex7_roster();
	struct employer e = ex7_employer();
	struct quota_rules r;
	struct quota_result q;
	char err[200];

	(void)state;
	quota_rules_defaults(&r);
	r.local_avg_salary = 60000;
	assert_int_equal(quota_entry_reasons(&r, &ex7[2], day(2024, 6, 30)),
	    BIT(QR_CONTRACT_SHORT));
	assert_int_equal(quota_entry_reasons(&r, &ex7[3], day(2024, 6, 30)),
	    BIT(QR_WAGE));
	assert_int_equal(quota_compute(&r, &e, &ro, NULL, day(2024, 6, 30), 0,
	    &q, err, sizeof(err)), 0);
	assert_true(q.has_roster);
	assert_int_equal(q.roster.entries, 4);
	assert_int_equal(q.roster.counted, 2);
	assert_int_equal(q.roster.weighted, 3);
	assert_int_equal(q.declared, 5);
	assert_true(q.overstated);
	assert_int_equal(q.actual, 3);
	assert_true(fabs(q.required - 4.5) < 1e-12);
	assert_true(fabs(q.shortfall - 1.5) < 1e-12);
	assert_true(q.below_quota);
	assert_int_equal(q.fund_fen, 12000000);
	assert_int_equal(q.pay_fraction, 500000);	/* 3/300 = 1 % */
	assert_int_equal(q.due_fen, 6000000);
	/* declared alone, the same employer is not below: 5 ≥ 4.5 */
	assert_int_equal(quota_compute(&r, &e, NULL, NULL, day(2024, 6, 30),
	    0, &q, err, sizeof(err)), 0);
	assert_false(q.below_quota);
	assert_false(q.overstated);
	assert_int_equal(q.declared, 5);
	/* On 2024-07-01 D's contract has ended as well (still one reason
	 * more) and nothing else changes. */
	assert_int_equal(quota_entry_reasons(&r, &ex7[3], day(2024, 7, 1)),
	    BIT(QR_WAGE) | BIT(QR_CONTRACT_ENDED));
	/* A declaration equal to the roster's weight is not overstated. */
	e.disabled_employees = 2;
	e.severe_disabled_employees = 1;
	assert_int_equal(quota_compute(&r, &e, &ro, NULL, day(2024, 6, 30), 0,
	    &q, err, sizeof(err)), 0);
	assert_false(q.overstated);
	/* Without a declaration, the roster alone. */
	e.disabled_employees = e.severe_disabled_employees = -1;
	assert_int_equal(quota_compute(&r, &e, &ro, NULL, day(2024, 6, 30), 0,
	    &q, err, sizeof(err)), 0);
	assert_int_equal(q.declared, -1);
	assert_false(q.overstated);
	assert_int_equal(q.actual, 3);
	/* and without either, the quota cannot be given */
	assert_int_equal(quota_compute(&r, &e, NULL, NULL, day(2024, 6, 30),
	    0, &q, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "disabled_employees"));
	/* a roster counting more persons than the headcount */
	e.headcount = 1;
	assert_int_equal(quota_compute(&r, &e, &ro, NULL, day(2024, 6, 30), 0,
	    &q, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "headcount"));
	/* an empty roster: no one counts */
	e = ex7_employer();
	ro.n = 0;
	assert_int_equal(quota_compute(&r, &e, &ro, NULL, day(2024, 6, 30), 0,
	    &q, err, sizeof(err)), 0);
	assert_int_equal(q.actual, 0);
	assert_true(q.overstated);
}

static void
test_tier_dates(void **state)
{
	struct employer e = ex7_employer();
	struct quota_rules r;
	struct quota_result q;
	char err[200];

	(void)state;
	quota_rules_defaults(&r);
	/* 300 staff, 2 declared (0.67 %): the 90 % tier, from 2020-01-01 */
	e.disabled_employees = 2;
	e.severe_disabled_employees = 0;
	assert_int_equal(quota_compute(&r, &e, NULL, NULL, day(2019, 12, 31),
	    0, &q, err, sizeof(err)), 0);
	assert_int_equal(q.pay_fraction, QUOTA_PPM);
	assert_int_equal(q.due_fen, q.fund_fen);	/* 2.5 × 80,000 */
	assert_int_equal(q.fund_fen, 20000000);
	assert_int_equal(quota_compute(&r, &e, NULL, NULL, day(2020, 1, 1),
	    0, &q, err, sizeof(err)), 0);
	assert_int_equal(q.pay_fraction, 900000);
	assert_int_equal(q.due_fen, 18000000);
	/* a later start */
	assert_int_equal(date_parse("2023-01-01", &r.reduction_from), 0);
	assert_int_equal(quota_compute(&r, &e, NULL, NULL, day(2022, 12, 31),
	    0, &q, err, sizeof(err)), 0);
	assert_int_equal(q.pay_fraction, QUOTA_PPM);
	/* a start after the end is refused */
	assert_int_equal(date_parse("2028-01-01", &r.reduction_from), 0);
	assert_int_equal(quota_rules_check(&r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "quota_reduction_from"));
}

/* "at least one" of e on 2024-06-30 with its declared figures. */
static struct quota_result
one(struct employer e, const struct quota_pool *pool)
{
	struct quota_rules r;
	struct quota_result q;
	char err[200];

	quota_rules_defaults(&r);
	if (quota_compute(&r, &e, NULL, pool, day(2024, 6, 30), 0, &q, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	return q;
}

static struct employer
unit(int type, int level, int64_t establishment, int kind, int64_t dis)
{
	struct employer e;

	employer_init(&e);
	e.type = type;
	e.level = level;
	e.establishment = establishment;
	e.institution_kind = kind;
	e.headcount = 200;		/* not what the rule reads */
	e.disabled_employees = dis;
	e.avg_annual_salary = 60000;
	return e;
}

static void
test_at_least_one(void **state)
{
	struct quota_result q;
	struct employer e;

	(void)state;
	/* a county agency: established posts 49 / 50, headcount 200 */
	q = one(unit(ET_AGENCY, QL_COUNTY, 49, -1, 0), NULL);
	assert_int_equal(q.one_rule_applies, QA_NO);
	q = one(unit(ET_AGENCY, QL_COUNTY, 50, -1, 0), NULL);
	assert_int_equal(q.one_rule_applies, QA_YES);
	assert_false(q.one_rule_met);
	assert_false(q.one_rule_pooled);
	q = one(unit(ET_AGENCY, QL_COUNTY, 50, -1, 1), NULL);
	assert_true(q.one_rule_met);
	/* a county institution: 66 / 67, hospitals included */
	q = one(unit(ET_INSTITUTION, QL_COUNTY, 66, QK_HOSPITAL, 0), NULL);
	assert_int_equal(q.one_rule_applies, QA_NO);
	q = one(unit(ET_INSTITUTION, QL_COUNTY, 67, QK_HOSPITAL, 0), NULL);
	assert_int_equal(q.one_rule_applies, QA_YES);
	assert_false(q.one_rule_met);
	/* schools and kindergartens excluded, however large */
	q = one(unit(ET_INSTITUTION, QL_COUNTY, 500, QK_PRIMARY_SCHOOL, 0),
	    NULL);
	assert_int_equal(q.one_rule_applies, QA_NO);
	assert_non_null(strstr(q.one_rule_reason, "schools"));
	q = one(unit(ET_INSTITUTION, QL_COUNTY, 500, QK_SECONDARY_SCHOOL, 0),
	    NULL);
	assert_int_equal(q.one_rule_applies, QA_NO);
	q = one(unit(ET_INSTITUTION, QL_COUNTY, 500, QK_KINDERGARTEN, 0),
	    NULL);
	assert_int_equal(q.one_rule_applies, QA_NO);
	/* what is not given leaves it unknown, with the reason */
	q = one(unit(ET_AGENCY, QL_COUNTY, -1, -1, 0), NULL);
	assert_int_equal(q.one_rule_applies, QA_UNKNOWN);
	assert_non_null(strstr(q.one_rule_reason, "establishment"));
	q = one(unit(ET_AGENCY, -1, 80, -1, 0), NULL);
	assert_int_equal(q.one_rule_applies, QA_UNKNOWN);
	assert_non_null(strstr(q.one_rule_reason, "level"));
	q = one(unit(ET_INSTITUTION, QL_COUNTY, 67, -1, 0), NULL);
	assert_int_equal(q.one_rule_applies, QA_UNKNOWN);
	assert_non_null(strstr(q.one_rule_reason, "institution_kind"));
	/* below the threshold, the kind does not matter */
	q = one(unit(ET_INSTITUTION, QL_COUNTY, 66, -1, 0), NULL);
	assert_int_equal(q.one_rule_applies, QA_NO);
	/* not an agency or institution */
	q = one(unit(ET_SOE, QL_COUNTY, 1000, -1, 0), NULL);
	assert_int_equal(q.one_rule_applies, QA_NO);
	/* a township unit: its pool, met by one unit of it */
	e = unit(ET_AGENCY, QL_TOWNSHIP, 20, -1, 0);
	memcpy(e.pool, "town-a", 7);
	q = one(e, &(struct quota_pool){ 3, 1 });
	assert_int_equal(q.one_rule_applies, QA_YES);
	assert_true(q.one_rule_pooled);
	assert_true(q.one_rule_met);
	assert_int_equal(q.persons, 0);
	q = one(e, &(struct quota_pool){ 3, 0 });
	assert_false(q.one_rule_met);
	/* a school in a township's pool is pooled like the rest */
	e.type = ET_INSTITUTION;
	e.institution_kind = QK_PRIMARY_SCHOOL;
	q = one(e, &(struct quota_pool){ 3, 1 });
	assert_int_equal(q.one_rule_applies, QA_YES);
	/* a township unit without a pool */
	e.pool[0] = '\0';
	q = one(e, NULL);
	assert_int_equal(q.one_rule_applies, QA_UNKNOWN);
	assert_non_null(strstr(q.one_rule_reason, "pool"));
}

static void
test_persons_from_roster(void **state)
{
	struct quota_roster ro = ex7_roster();
	struct employer e = ex7_employer();
	struct quota_rules r;
	struct quota_result q;
	char err[200];

	(void)state;
	quota_rules_defaults(&r);
	/* the roster's counted persons, not weighted, nor declared */
	assert_int_equal(quota_persons(&r, &e, &ro, day(2024, 6, 30)), 2);
	assert_int_equal(quota_persons(&r, &e, NULL, day(2024, 6, 30)), 4);
	e.disabled_employees = -1;
	assert_int_equal(quota_persons(&r, &e, NULL, day(2024, 6, 30)), 0);
	/* a county agency of 60 posts whose declaration says 4 and whose
	 * roster counts none: not met */
	e = unit(ET_AGENCY, QL_COUNTY, 60, -1, 4);
	ro.n = 2;
	ex7[0].insurance_paid = ex7[1].insurance_paid = false;
	assert_int_equal(quota_compute(&r, &e, &ro, NULL, day(2024, 6, 30), 0,
	    &q, err, sizeof(err)), 0);
	assert_int_equal(q.one_rule_applies, QA_YES);
	assert_false(q.one_rule_met);
}

static void
test_months(void **state)
{
	int64_t d;

	(void)state;
	assert_int_equal(date_add_months(day(2024, 1, 31), 1, &d), 0);
	assert_int_equal(d, day(2024, 2, 29));
	assert_int_equal(date_add_months(day(2023, 1, 31), 1, &d), 0);
	assert_int_equal(d, day(2023, 2, 28));
	assert_int_equal(date_add_months(day(2024, 3, 15), 12, &d), 0);
	assert_int_equal(d, day(2025, 3, 15));
	assert_int_equal(date_add_months(day(2024, 11, 30), 3, &d), 0);
	assert_int_equal(d, day(2025, 2, 28));
	assert_int_equal(date_add_months(day(9999, 6, 1), 7, &d), -1);
}

/* The codec refuses text and names the field. */
static void
refuses(const char *text, const char *field)
{
	json_t *o = json_loads(text, 0, NULL);
	struct quota_roster ro;
	struct perr pe;

	assert_non_null(o);
	assert_int_equal(codec_roster_decode(o, "", "entries", 3, 2024, &ro,
	    &pe), -1);
	if (strcmp(pe.field, field) != 0)
		fail_msg("%s: field %s, not %s", text, pe.field, field);
	json_decref(o);
}

#define OK_ENTRY "\"certificate\": \"disability\", \"grade\": 3, " \
	"\"on_establishment\": true, \"monthly_wage\": 2100, " \
	"\"insurance_paid\": true"

static void
test_codec(void **state)
{
	json_t *o, *back;
	struct quota_roster ro;
	struct perr pe;
	char id[ID_MAX + 1];
	char *s;

	(void)state;
	o = json_loads("{\"entries\": [{" OK_ENTRY ", \"seeker_id\": \"s1\", "
	    "\"birth_year\": 1980, \"sex\": \"female\"}, {\"certificate\": "
	    "\"veteran\", \"grade\": 8, \"on_establishment\": false, "
	    "\"contract_start\": \"2024-01-01\", \"contract_months\": 12, "
	    "\"monthly_wage\": 0, \"insurance_paid\": false}]}", 0, NULL);
	assert_int_equal(codec_roster_decode(o, "", "entries", 3, 2024, &ro,
	    &pe), 0);
	assert_int_equal(ro.n, 2);
	assert_string_equal(ro.v[0].seeker_id, "s1");
	assert_int_equal(ro.v[0].sex, QS_FEMALE);
	assert_int_equal(ro.v[1].certificate, QC_VETERAN);
	assert_int_equal(ro.v[1].contract_months, 12);
	/* stored and read back, as sent */
	back = codec_roster_doc("emp-1", &ro);
	s = json_dumps(back, JSON_COMPACT);
	free(ro.v);
	assert_int_equal(codec_roster_load(s, strlen(s), id, &ro, &pe), 0);
	assert_string_equal(id, "emp-1");
	assert_int_equal(ro.n, 2);
	assert_true(json_equal(json_object_get(back, "entries"),
	    json_object_get(o, "entries")));
	free(ro.v);
	free(s);
	json_decref(back);
	json_decref(o);

	refuses("{}", "entries");
	refuses("{\"entries\": {}}", "entries");
	refuses("{\"entries\": [{}, {}, {}, {}]}", "entries");
	refuses("{\"entries\": [{" OK_ENTRY ", \"x\": 1}]}", "entries[0].x");
	refuses("{\"entries\": [{\"grade\": 3}]}", "entries[0].certificate");
	refuses("{\"entries\": [{\"certificate\": \"army\"}]}",
	    "entries[0].certificate");
	refuses("{\"entries\": [{\"certificate\": \"disability\", "
	    "\"grade\": 5}]}", "entries[0].grade");
	refuses("{\"entries\": [{\"certificate\": \"veteran\", "
	    "\"grade\": 9}]}", "entries[0].grade");
	refuses("{\"entries\": [{" OK_ENTRY ", \"birth_year\": 2025}]}",
	    "entries[0].birth_year");
	refuses("{\"entries\": [{" OK_ENTRY ", \"birth_year\": 1899}]}",
	    "entries[0].birth_year");
	refuses("{\"entries\": [{" OK_ENTRY ", \"sex\": \"m\"}]}",
	    "entries[0].sex");
	refuses("{\"entries\": [{\"certificate\": \"disability\", "
	    "\"grade\": 3, \"monthly_wage\": 1, \"insurance_paid\": true}]}",
	    "entries[0].on_establishment");
	refuses("{\"entries\": [{" OK_ENTRY ", \"contract_months\": 12}]}",
	    "entries[0].contract_months");
	refuses("{\"entries\": [{" OK_ENTRY ", \"contract_start\": "
	    "\"2024-02-30\"}]}", "entries[0].contract_start");
	refuses("{\"entries\": [{" OK_ENTRY ", \"contract_start\": "
	    "\"2024-01-01\", \"contract_months\": 0}]}",
	    "entries[0].contract_months");
	refuses("{\"entries\": [{\"certificate\": \"disability\", "
	    "\"grade\": 3, \"on_establishment\": true, \"monthly_wage\": -1, "
	    "\"insurance_paid\": true}]}", "entries[0].monthly_wage");
	refuses("{\"entries\": [{\"certificate\": \"disability\", "
	    "\"grade\": 3, \"on_establishment\": true, \"monthly_wage\": 1}]}",
	    "entries[0].insurance_paid");
	refuses("{\"entries\": [{" OK_ENTRY ", \"seeker_id\": \"a b\"}]}",
	    "entries[0].seeker_id");
	refuses("{\"entries\": [{" OK_ENTRY ", \"seeker_id\": \"s1\"}, {"
	    OK_ENTRY "}, {" OK_ENTRY ", \"seeker_id\": \"s1\"}]}",
	    "entries[2].seeker_id");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contract),
		cmocka_unit_test(test_wage_insurance),
		cmocka_unit_test(test_age),
		cmocka_unit_test(test_weights),
		cmocka_unit_test(test_example_7),
		cmocka_unit_test(test_tier_dates),
		cmocka_unit_test(test_at_least_one),
		cmocka_unit_test(test_persons_from_roster),
		cmocka_unit_test(test_months),
		cmocka_unit_test(test_codec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
