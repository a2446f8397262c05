/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * test_matcher.c - matcher/: the postings mirror, the hard filters, the
 * score and its order, the rule set, and the small libraries under them
 * (strmap, utf8_count, geo_distance_km).
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
#include "matcher/strmap.h"
#include "proto/codec.h"
#include "fixture.h"

static const char towns_tsv[] =
    "code\tname\tkind\tpinyin\tlat\tlon\tsource\n"
    "500231000000\t垫江县\tcounty\tDianjiang\t30.3336\t107.3455\tx\n"
    "500231001000\t桂溪街道\tsubdistrict\tGuixi\t30.3336\t107.3455\tx\n"
    "500231101000\t新民镇\ttown\tXinmin\t30.3976\t107.3895\tx\n"
    "500231102000\t沙坪镇\ttown\tShaping\t30.25\t107.4\tx\n";

/* The seeker stands at the centre of Guixi, a subdistrict (not rural). */
#define HOME_LAT	30.3336
#define HOME_LON	107.3455
#define GUIXI		"500231001000"
#define XINMIN		"500231101000"	/* a town, about 8.3 km away */
#define SHAPING		"500231102000"	/* a town, about 10.7 km away */

#define NOW		1700000000LL

/* The defaults, with room for the tests' longer patterns and matches. */
static struct regex_limits
test_limits(void)
{
	struct regex_limits lim;

	regex_limits_defaults(&lim);
	lim.match_limit = 100000;
	lim.max_pattern_len = 4096;
	lim.max_subject_len = 256;
	return lim;
}

#define BUDGET		1000

struct fx {
	struct towns	 towns;
	struct rules	*rules;
	struct matcher	*m;
	struct profile	 p;
	struct filters	 f;
	struct match_result res;
};

/*
 * The plan's priorities, formerly fixed in C, as rules. A rule's conditions
 * all hold together, so a priority with alternatives on two fields (a
 * sheltered post or a sheltered workshop; massage in the title or in the
 * skills) takes one rule per alternative.
 */
enum {
	R_PUBLIC_WELFARE, R_GRADUATE, R_SHELTERED_POST_IM, R_SHELTERED_SHOP_IM,
	R_SHELTERED_POST_PHYS, R_SHELTERED_SHOP_PHYS, R_MASSAGE_TITLE,
	R_MASSAGE_SKILL, R_RURAL, R_COUNT
};

static const char policy_rules[] =
    "["
    "{\"name\":\"public_welfare_first\",\"when\":{"
    "\"seeker.flags\":[\"zero_employment_household\",\"low_income\"],"
    "\"job.employment_type\":[\"public_welfare\"]},\"then\":{\"boost\":0.2}},"
    "{\"name\":\"graduates_to_public_sector\",\"when\":{"
    "\"seeker.flags\":[\"graduate\"],"
    "\"job.employer_type\":[\"agency\",\"institution\",\"soe\"]},"
    "\"then\":{\"boost\":0.2}},"
    "{\"name\":\"sheltered_post_intellectual_mental\",\"when\":{"
    "\"seeker.disability.type\":[\"intellectual\",\"mental\"],"
    "\"job.employment_type\":[\"sheltered\"]},\"then\":{\"boost\":0.2}},"
    "{\"name\":\"sheltered_workshop_intellectual_mental\",\"when\":{"
    "\"seeker.disability.type\":[\"intellectual\",\"mental\"],"
    "\"job.employer_type\":[\"sheltered_workshop\"]},"
    "\"then\":{\"boost\":0.2}},"
    "{\"name\":\"sheltered_post_severe_physical\",\"when\":{"
    "\"seeker.disability.type\":[\"physical\"],"
    "\"seeker.disability.grade\":{\"max\":2},"
    "\"job.employment_type\":[\"sheltered\"]},\"then\":{\"boost\":0.2}},"
    "{\"name\":\"sheltered_workshop_severe_physical\",\"when\":{"
    "\"seeker.disability.type\":[\"physical\"],"
    "\"seeker.disability.grade\":{\"max\":2},"
    "\"job.employer_type\":[\"sheltered_workshop\"]},"
    "\"then\":{\"boost\":0.2}},"
    "{\"name\":\"massage_title_for_visual\",\"when\":{"
    "\"seeker.disability.type\":[\"visual\"],"
    "\"job.title\":\"按摩|推拿\"},\"then\":{\"boost\":0.2}},"
    "{\"name\":\"massage_skill_for_visual\",\"when\":{"
    "\"seeker.disability.type\":[\"visual\"],"
    "\"job.skills\":\"^massage$\"},\"then\":{\"boost\":0.2}},"
    "{\"name\":\"rural_employment_base\",\"when\":{"
    "\"seeker.flags\":[\"rural\"],"
    "\"job.town_kind\":[\"town\",\"township\"]},\"then\":{\"boost\":0.1}}"
    "]";

/* Compiles a rule set of the policy rules and the synonyms given as the
 * JSON text of an array (NULL for none). */
static struct rules *
make_rules(const char *syn)
{
	char doc[8192];
	struct rules_spec spec;
	struct rules_error err;
	struct regex_limits lim = test_limits();
	struct rules *r = NULL;
	struct perr e;
	json_error_t je;
	json_t *o;

	snprintf(doc, sizeof(doc), "{\"synonyms\":%s,\"rules\":%s}",
	    syn != NULL ? syn : "[]", policy_rules);
	if ((o = json_loads(doc, 0, &je)) == NULL)
		fail_msg("bad rules JSON: %s", je.text);
	rules_spec_defaults(&spec);
	if (codec_rules_decode(o, &spec, &e) == -1)
		fail_msg("rules refused: %s: %s", e.field, e.reason);
	json_decref(o);
	assert_int_equal(spec.nrules, R_COUNT);
	if (rules_compile(&r, &spec, &lim, &err) == -1)
		fail_msg("rules_compile: %s %s %ld: %s", err.rule, err.field,
		    err.offset, err.reason);
	assert_int_equal(spec.nsyn, 0);
	assert_int_equal(spec.nrules, 0);
	return r;
}

static const char massage_syn[] =
    "[{\"term\":\"massage\",\"pattern\":\"按摩|推拿|massage\"}]";

static int
setup(void **state)
{
	struct fx *x = calloc(1, sizeof(*x));

	if (x == NULL)
		return -1;
	x->rules = make_rules(massage_syn);
	if (fixture_mirror(&x->towns, towns_tsv, x->rules, &x->m) == -1)
		return -1;
	fixture_employer(x->m, "e1", "民营一厂", ET_PRIVATE);
	fixture_employer(x->m, "gov", "县人社局", ET_AGENCY);
	fixture_employer(x->m, "inst", "县人民医院", ET_INSTITUTION);
	fixture_employer(x->m, "soe", "县供电公司", ET_SOE);
	fixture_employer(x->m, "shw", "阳光工坊", ET_SHELTERED_WORKSHOP);
	profile_init(&x->p);
	x->p.disability = DIS_PHYSICAL;
	x->p.grade = 3;
	x->p.lat = HOME_LAT;
	x->p.lon = HOME_LON;
	*state = x;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *x = *state;

	fixture_mirror_free(&x->towns, x->m);
	rules_free(x->rules);
	free(x);
	return 0;
}

/*
 * Puts a posting: a plain full-time post of employer e1 at the seeker's
 * place, open to any disability, overridden by the members of the JSON
 * object text over (fixture_put).
 */
static void
put(struct fx *x, const char *over)
{
	json_t *v;
	json_error_t je;

	if ((v = json_loads(over, 0, &je)) == NULL)
		fail_msg("bad test JSON %s: %s", over, je.text);
	fixture_put(x->m, &x->towns, HOME_LAT, HOME_LON, v, over);
}

/* Runs the match and returns the ids of the hits, comma-separated, in a
 * static buffer. */
static const char *
run(struct fx *x, size_t limit, size_t offset)
{
	static char ids[1024];
	struct match_query q = { &x->p, &x->f, limit, offset, NOW,
	    BUDGET };

	assert_int_equal(matcher_match(x->m, &q, &x->res), 0);
	ids[0] = '\0';
	for (size_t i = 0; i < x->res.n; i++) {
		const struct match_hit *h = &x->res.hits[i];
		size_t l = strlen(ids);
		snprintf(ids + l, sizeof(ids) - l, "%s%s", i ? "," : "",
		    h->job->id);
		/* Every hit's parts add up to its score, exactly. */
		assert_true(h->part[COMP_SKILLS] + h->part[COMP_DISTANCE] +
		    h->part[COMP_POLICY] == h->score);
	}
	return ids;
}

static const char *
run_all(struct fx *x)
{
	return run(x, 100, 0);
}

/* The hit of job id in the last result, which must be there. */
static const struct match_hit *
hit(struct fx *x, const char *id)
{
	return fixture_hit(&x->res, id);
}

/* ---- hard filters -------------------------------------------------------- */

static void
test_empty(void **state)
{
	struct fx *x = *state;

	assert_int_equal(matcher_njobs(x->m), 0);
	assert_string_equal(run_all(x), "");
	assert_int_equal(x->res.candidates, 0);
	assert_int_equal(x->res.n, 0);
}

static void
test_filter_disability(void **state)
{
	struct fx *x = *state;

	put(x, "{\"id\":\"vis\",\"accessible_for\":[\"visual\"]}");
	put(x, "{\"id\":\"hear\",\"accessible_for\":[\"hearing\",\"speech\"]}");
	put(x, "{\"id\":\"any\",\"accessible_for\":[\"any\"]}");
	assert_int_equal(matcher_njobs(x->m), 3);
	x->p.disability = DIS_VISUAL;
	assert_string_equal(run_all(x), "any,vis");
	assert_int_equal(x->res.candidates, 2);
	x->p.disability = DIS_SPEECH;
	assert_string_equal(run_all(x), "any,hear");
	x->p.disability = DIS_MULTIPLE;
	assert_string_equal(run_all(x), "any");
}

static void
test_filter_grade(void **state)
{
	struct fx *x = *state;

	put(x, "{\"id\":\"g12\",\"grades\":[1,2]}");
	put(x, "{\"id\":\"g34\",\"grades\":[3,4]}");
	put(x, "{\"id\":\"all\"}");
	x->p.grade = 2;
	assert_string_equal(run_all(x), "all,g12");
	x->p.grade = 4;
	assert_string_equal(run_all(x), "all,g34");
	x->p.grade = 1;
	assert_string_equal(run_all(x), "all,g12");
}

static void
test_filter_needs(void **state)
{
	struct fx *x = *state;

	put(x, "{\"id\":\"both\",\"accommodations\":[\"elevator\",\"braille\","
	    "\"quiet_space\"]}");
	put(x, "{\"id\":\"lift\",\"accommodations\":[\"elevator\"]}");
	put(x, "{\"id\":\"none\"}");
	assert_string_equal(run_all(x), "both,lift,none");
	x->p.needs_mask = 1u << vocab_lookup(VOCAB_ACCOMMODATION, "elevator");
	assert_string_equal(run_all(x), "both,lift");
	x->p.needs_mask |= 1u << vocab_lookup(VOCAB_ACCOMMODATION, "braille");
	assert_string_equal(run_all(x), "both");
	x->p.needs_mask |= 1u << vocab_lookup(VOCAB_ACCOMMODATION,
	    "sign_language");
	assert_string_equal(run_all(x), "");
}

static void
test_filter_distance(void **state)
{
	struct fx *x = *state;

	put(x, "{\"id\":\"here\"}");
	put(x, "{\"id\":\"xinmin\",\"town\":\"" XINMIN "\"}");
	put(x, "{\"id\":\"remote\",\"town\":\"" XINMIN "\",\"remote\":true}");
	x->p.max_distance_km = 5;
	assert_string_equal(run_all(x), "here,remote");
	assert_true(hit(x, "remote")->distance_km > 8.2);
	x->p.max_distance_km = 8.2;
	assert_string_equal(run_all(x), "here,remote");
	x->p.max_distance_km = 8.3;
	assert_string_equal(run_all(x), "here,remote,xinmin");
}

static void
test_filter_default_max_km(void **state)
{
	struct fx *x = *state;

	/* 0.18 degrees of latitude are 20 km, 0.36 are 40 km. */
	put(x, "{\"id\":\"km20\",\"location\":{\"lat\":30.5136,"
	    "\"lon\":107.3455}}");
	put(x, "{\"id\":\"km40\",\"location\":{\"lat\":30.6936,"
	    "\"lon\":107.3455}}");
	assert_true(rules_spec_of(x->rules)->max_km == 30);
	x->p.max_distance_km = 0;
	assert_string_equal(run_all(x), "km20");
	x->p.max_distance_km = 50;
	assert_string_equal(run_all(x), "km20,km40");
	x->p.max_distance_km = 10;
	assert_string_equal(run_all(x), "");
}

static void
test_filter_expired(void **state)
{
	struct fx *x = *state;

	put(x, "{\"id\":\"never\"}");
	put(x, "{\"id\":\"now\",\"expires_at\":1700000000}");
	put(x, "{\"id\":\"past\",\"expires_at\":1699990000}");
	put(x, "{\"id\":\"soon\",\"expires_at\":1700000001}");
	assert_string_equal(run_all(x), "never,soon");
}

static void
test_filter_closed(void **state)
{
	struct fx *x = *state;
	struct job j;

	put(x, "{\"id\":\"a\"}");
	put(x, "{\"id\":\"b\"}");
	assert_string_equal(run_all(x), "a,b");
	job_init(&j);
	snprintf(j.id, sizeof(j.id), "a");
	snprintf(j.employer_id, sizeof(j.employer_id), "e1");
	j.status = JOB_CLOSED;
	assert_int_equal(matcher_put_job(x->m, &j), 0);
	assert_int_equal(matcher_njobs(x->m), 1);
	assert_null(matcher_job(x->m, "e1", "a"));
	assert_non_null(matcher_job(x->m, "e1", "b"));
	assert_string_equal(run_all(x), "b");
	/* Closing what is not there is no error. */
	assert_int_equal(matcher_put_job(x->m, &j), 0);
	assert_int_equal(matcher_njobs(x->m), 1);
}

static void
test_filter_employment(void **state)
{
	struct fx *x = *state;

	put(x, "{\"id\":\"ft\"}");
	put(x, "{\"id\":\"sh\",\"employment_type\":\"sheltered\"}");
	put(x, "{\"id\":\"pt\",\"employment_type\":\"part_time\"}");
	x->f.employment_mask = 1u << EMP_SHELTERED;
	assert_string_equal(run_all(x), "sh");
	x->f.employment_mask = 1u << EMP_SHELTERED | 1u << EMP_FULL_TIME;
	assert_string_equal(run_all(x), "ft,sh");
	x->f.employment_mask = 1u << EMP_INTERNSHIP;
	assert_string_equal(run_all(x), "");
}

static void
test_filter_employer(void **state)
{
	struct fx *x = *state;
	struct employer e;

	put(x, "{\"id\":\"p\"}");
	put(x, "{\"id\":\"s\",\"employer_id\":\"soe\"}");
	put(x, "{\"id\":\"u\",\"employer_id\":\"unknown\"}");
	x->f.employer_mask = 1u << ET_SOE;
	assert_string_equal(run_all(x), "s");
	x->f.employer_mask = 1u << ET_SOE | 1u << ET_PRIVATE;
	assert_string_equal(run_all(x), "p,s");
	/* An employer of no known type never passes an employer filter... */
	assert_null(matcher_employer(x->m, "unknown")->name);
	assert_int_equal(matcher_employer(x->m, "unknown")->type, -1);
	x->f.employer_mask = (1u << ET_COUNT) - 1;
	assert_string_equal(run_all(x), "p,s");
	x->f.employer_mask = 0;
	assert_string_equal(run_all(x), "p,s,u");
	/* ... until it is registered; its postings see the change. */
	employer_init(&e);
	snprintf(e.id, sizeof(e.id), "unknown");
	e.name = strdup("新注册单位");
	e.type = ET_SOE;
	assert_int_equal(matcher_put_employer(x->m, &e), 0);
	employer_clear(&e);
	x->f.employer_mask = 1u << ET_SOE;
	assert_string_equal(run_all(x), "s,u");
	assert_string_equal(hit(x, "u")->job->emp->name, "新注册单位");
}

static void
test_filter_min_salary(void **state)
{
	struct fx *x = *state;

	put(x, "{\"id\":\"hi\",\"salary\":{\"min\":3000,\"max\":5000}}");
	put(x, "{\"id\":\"lo\",\"salary\":{\"min\":1800,\"max\":2500}}");
	put(x, "{\"id\":\"nosal\"}");
	assert_string_equal(run_all(x), "hi,lo,nosal");
	/* given, 0 too, it leaves out the postings without salary */
	x->f.has_min_salary = true;
	x->f.min_salary = 0;
	assert_string_equal(run_all(x), "hi,lo");
	x->f.min_salary = 2500;
	assert_string_equal(run_all(x), "hi,lo");
	x->f.min_salary = 3000;
	assert_string_equal(run_all(x), "hi");
	x->f.min_salary = 5000;
	assert_string_equal(run_all(x), "hi");
	x->f.min_salary = 5001;
	assert_string_equal(run_all(x), "");
	assert_int_equal(x->res.candidates, 0);
}

/* ---- score --------------------------------------------------------------- */

static void
test_score_skills(void **state)
{
	struct fx *x = *state;
	char *skills[] = { "推拿", "  EXCEL  " };
	const struct match_hit *h;

	put(x, "{\"id\":\"three\",\"skills\":[\"按摩\",\"Excel\",\"驾驶\"]}");
	put(x, "{\"id\":\"massage\",\"skills\":[\"盲人按摩\",\"massage\"]}");
	put(x, "{\"id\":\"none\"}");
	put(x, "{\"id\":\"other\",\"skills\":[\"焊工\"]}");
	x->p.skills = skills;
	x->p.nskills = 2;
	run_all(x);
	assert_int_equal(x->res.n, 4);
	/* 推拿 covers 按摩, excel covers Excel; 驾驶 is missing. */
	h = hit(x, "three");
	assert_true(h->comp[COMP_SKILLS] == 2.0 / 3);
	assert_true(h->part[COMP_SKILLS] == 0.333333);
	/* Two skills of the post that are one canonical term. */
	h = hit(x, "massage");
	assert_int_equal(h->job->nskill_ids, 1);
	assert_int_equal(h->job->nskills, 2);
	assert_true(h->comp[COMP_SKILLS] == 1.0);
	assert_true(h->part[COMP_SKILLS] == 0.5);
	/* A post that asks for no skill is fully covered. */
	assert_true(hit(x, "none")->comp[COMP_SKILLS] == 1.0);
	assert_true(hit(x, "other")->comp[COMP_SKILLS] == 0.0);
	assert_true(hit(x, "other")->part[COMP_SKILLS] == 0.0);
	assert_string_equal(run_all(x), "massage,none,three,other");

	/* No skills at all covers nothing of a post that asks for some. */
	x->p.nskills = 0;
	run_all(x);
	assert_true(hit(x, "three")->comp[COMP_SKILLS] == 0.0);
	x->p.skills = NULL;
}

static void
test_score_distance(void **state)
{
	struct fx *x = *state;
	const struct match_hit *h;
	double d;

	put(x, "{\"id\":\"here\"}");
	put(x, "{\"id\":\"xinmin\",\"town\":\"" XINMIN "\"}");
	put(x, "{\"id\":\"shaping\",\"location\":{\"lat\":30.25,"
	    "\"lon\":107.4}}");
	put(x, "{\"id\":\"remote\",\"town\":\"" SHAPING "\",\"remote\":true}");
	assert_string_equal(run_all(x), "here,remote,xinmin,shaping");

	h = hit(x, "here");
	assert_true(h->distance_km == 0);
	assert_true(h->comp[COMP_DISTANCE] == 1.0);
	assert_true(h->part[COMP_DISTANCE] == 0.3);

	d = geo_distance_km(HOME_LAT, HOME_LON, 30.3976, 107.3895);
	assert_true(d > 8.2 && d < 8.35);
	h = hit(x, "xinmin");
	assert_true(h->distance_km == round(d * 1000) / 1000);
	assert_true(h->comp[COMP_DISTANCE] ==
	    rules_distance_score(x->rules, d));
	assert_true(h->comp[COMP_DISTANCE] == exp(-d / 10));
	assert_true(h->part[COMP_DISTANCE] ==
	    round(0.3 * exp(-d / 10) * 1e6) / 1e6);

	d = geo_distance_km(HOME_LAT, HOME_LON, 30.25, 107.4);
	h = hit(x, "shaping");
	assert_true(h->comp[COMP_DISTANCE] ==
	    rules_distance_score(x->rules, d));
	assert_true(h->comp[COMP_DISTANCE] <
	    hit(x, "xinmin")->comp[COMP_DISTANCE]);

	/* Remote: any distance, and as good as next door. */
	h = hit(x, "remote");
	assert_true(h->distance_km == round(d * 1000) / 1000);
	assert_true(h->comp[COMP_DISTANCE] == 1.0);
}

/* ---- the plan's priorities, as rules ------------------------------------ */

/* Runs and returns the rules fired for job id (which must match). */
static uint64_t
fired(struct fx *x, const char *id)
{
	run_all(x);
	assert_int_equal(hit(x, id)->fired[1], 0);
	return hit(x, id)->fired[0];
}

#define BIT(r)	(1ULL << (r))

/* Whether rule r's conditions on posting e1/id hold. */
static bool
job_bit(struct fx *x, const char *id, int r)
{
	return (matcher_job(x->m, "e1", id)->rule_bits[0] >> r) & 1;
}

static void
test_policy_public_welfare(void **state)
{
	struct fx *x = *state;
	const uint64_t bit = BIT(R_PUBLIC_WELFARE);

	put(x, "{\"id\":\"pw\",\"employment_type\":\"public_welfare\"}");
	put(x, "{\"id\":\"ft\"}");
	x->p.flags_mask = 1u << FLAG_LOW_INCOME;
	assert_int_equal(fired(x, "pw"), bit);
	assert_true(hit(x, "pw")->comp[COMP_POLICY] == 0.2);
	assert_true(hit(x, "pw")->part[COMP_POLICY] == 0.2);
	assert_int_equal(fired(x, "ft"), 0);
	assert_true(hit(x, "ft")->comp[COMP_POLICY] == 0.0);
	assert_true(hit(x, "ft")->part[COMP_POLICY] == 0.0);
	x->p.flags_mask = 1u << FLAG_ZERO_EMPLOYMENT;
	assert_int_equal(fired(x, "pw"), bit);
	x->p.flags_mask = 1u << FLAG_GRADUATE | 1u << FLAG_RURAL;
	assert_int_equal(fired(x, "pw"), 0);
	x->p.flags_mask = 0;
	assert_int_equal(fired(x, "pw"), 0);
	assert_true(hit(x, "pw")->part[COMP_POLICY] == 0.0);
}

static void
test_policy_graduate(void **state)
{
	struct fx *x = *state;
	const uint64_t bit = BIT(R_GRADUATE);

	put(x, "{\"id\":\"gov\",\"employer_id\":\"gov\"}");
	put(x, "{\"id\":\"inst\",\"employer_id\":\"inst\"}");
	put(x, "{\"id\":\"soe\",\"employer_id\":\"soe\"}");
	put(x, "{\"id\":\"priv\",\"employer_id\":\"e1\"}");
	put(x, "{\"id\":\"unk\",\"employer_id\":\"nobody\"}");
	x->p.flags_mask = 1u << FLAG_GRADUATE;
	assert_int_equal(fired(x, "gov"), bit);
	assert_int_equal(fired(x, "inst"), bit);
	assert_int_equal(fired(x, "soe"), bit);
	assert_int_equal(fired(x, "priv"), 0);
	assert_int_equal(fired(x, "unk"), 0);
	x->p.flags_mask = 1u << FLAG_LOW_INCOME;
	assert_int_equal(fired(x, "gov"), 0);
}

static void
test_policy_sheltered(void **state)
{
	struct fx *x = *state;

	put(x, "{\"id\":\"sh\",\"employment_type\":\"sheltered\"}");
	put(x, "{\"id\":\"ws\",\"employer_id\":\"shw\"}");
	put(x, "{\"id\":\"ft\"}");
	x->p.disability = DIS_INTELLECTUAL;
	x->p.grade = 4;
	assert_int_equal(fired(x, "sh"), BIT(R_SHELTERED_POST_IM));
	assert_int_equal(fired(x, "ws"), BIT(R_SHELTERED_SHOP_IM));
	assert_int_equal(fired(x, "ft"), 0);
	x->p.disability = DIS_MENTAL;
	assert_int_equal(fired(x, "sh"), BIT(R_SHELTERED_POST_IM));
	x->p.disability = DIS_PHYSICAL;
	x->p.grade = 2;
	assert_int_equal(fired(x, "sh"), BIT(R_SHELTERED_POST_PHYS));
	x->p.grade = 1;
	assert_int_equal(fired(x, "ws"), BIT(R_SHELTERED_SHOP_PHYS));
	assert_true(hit(x, "ws")->part[COMP_POLICY] == 0.2);
	/* Near misses: a milder physical disability, a severe other one. */
	x->p.grade = 3;
	assert_int_equal(fired(x, "sh"), 0);
	assert_int_equal(fired(x, "ws"), 0);
	x->p.disability = DIS_VISUAL;
	x->p.grade = 1;
	assert_int_equal(fired(x, "sh"), 0);
}

static void
test_policy_massage(void **state)
{
	struct fx *x = *state;

	put(x, "{\"id\":\"title\",\"title\":\"盲人按摩师\"}");
	put(x, "{\"id\":\"skill\",\"title\":\"理疗岗\","
	    "\"skills\":[\"Massage\"]}");
	put(x, "{\"id\":\"clerk\",\"title\":\"文员\",\"skills\":[\"打字\"]}");
	x->p.disability = DIS_VISUAL;
	x->p.grade = 1;
	assert_int_equal(fired(x, "title"), BIT(R_MASSAGE_TITLE));
	assert_int_equal(fired(x, "skill"), BIT(R_MASSAGE_SKILL));
	assert_int_equal(fired(x, "clerk"), 0);
	/* The posting's side is decided when it enters the mirror. */
	assert_true(job_bit(x, "title", R_MASSAGE_TITLE));
	assert_false(job_bit(x, "title", R_MASSAGE_SKILL));
	assert_true(job_bit(x, "skill", R_MASSAGE_SKILL));
	assert_false(job_bit(x, "skill", R_MASSAGE_TITLE));
	assert_false(job_bit(x, "clerk", R_MASSAGE_SKILL));
	assert_false(job_bit(x, "clerk", R_MASSAGE_TITLE));
	x->p.disability = DIS_HEARING;
	assert_int_equal(fired(x, "title"), 0);
	assert_int_equal(fired(x, "skill"), 0);
}

static void
test_policy_rural(void **state)
{
	struct fx *x = *state;
	const uint64_t bit = BIT(R_RURAL);

	put(x, "{\"id\":\"town\",\"town\":\"" XINMIN "\"}");
	put(x, "{\"id\":\"near\",\"location\":{\"lat\":30.26,\"lon\":107.41}}");
	put(x, "{\"id\":\"city\",\"town\":\"" GUIXI "\"}");
	put(x, "{\"id\":\"plain\"}");
	x->p.flags_mask = 1u << FLAG_RURAL;
	assert_int_equal(fired(x, "town"), bit);
	/* Rural counts half of the others. */
	assert_true(hit(x, "town")->comp[COMP_POLICY] == 0.1);
	assert_true(hit(x, "town")->part[COMP_POLICY] == 0.1);
	/* A location alone lies in its nearest town. */
	assert_int_equal(fired(x, "near"), bit);
	assert_int_equal(matcher_job(x->m, "e1", "near")->town, 2);
	assert_false(matcher_job(x->m, "e1", "near")->town_given);
	assert_int_equal(fired(x, "city"), 0);
	assert_int_equal(fired(x, "plain"), 0);
	x->p.flags_mask = 1u << FLAG_LOW_INCOME;
	assert_int_equal(fired(x, "town"), 0);
}

static void
test_policy_sum(void **state)
{
	struct fx *x = *state;
	const struct match_hit *h;

	/* Public welfare (0.2) and rural (0.1) add up: no cap any more. */
	put(x, "{\"id\":\"pw\",\"employment_type\":\"public_welfare\","
	    "\"town\":\"" XINMIN "\"}");
	x->p.flags_mask = 1u << FLAG_LOW_INCOME | 1u << FLAG_RURAL;
	assert_int_equal(fired(x, "pw"),
	    BIT(R_PUBLIC_WELFARE) | BIT(R_RURAL));
	h = hit(x, "pw");
	assert_true(h->comp[COMP_POLICY] == 0.2 + 0.1);
	assert_true(h->part[COMP_POLICY] == 0.3);
	assert_true(h->score == h->part[COMP_SKILLS] +
	    h->part[COMP_DISTANCE] + 0.3);
}

static void
test_explain_parts(void **state)
{
	struct fx *x = *state;
	char *skills[] = { "推拿" };
	const struct match_hit *h;
	json_t *o, *ex, *v;
	double d;

	put(x, "{\"id\":\"m\",\"title\":\"理疗师\",\"skills\":[\"按摩\","
	    "\"驾驶\",\"打字\"],\"town\":\"" SHAPING "\"}");
	x->p.disability = DIS_VISUAL;
	x->p.skills = skills;
	x->p.nskills = 1;
	assert_string_equal(run_all(x), "m");
	h = &x->res.hits[0];
	d = geo_distance_km(HOME_LAT, HOME_LON, 30.25, 107.4);
	assert_true(h->part[COMP_SKILLS] == 0.166667);
	assert_true(h->part[COMP_DISTANCE] ==
	    round(0.3 * exp(-d / 10) * 1e6) / 1e6);
	assert_true(h->part[COMP_POLICY] == 0.2);
	assert_true(h->score == 0.166667 + h->part[COMP_DISTANCE] + 0.2);

	/* The same in the answer of match. */
	o = codec_hit(h, &x->towns, x->rules, true);
	assert_non_null(o);
	ex = json_object_get(o, "explain");
	assert_true(json_real_value(json_object_get(ex, "skills")) +
	    json_real_value(json_object_get(ex, "distance")) +
	    json_real_value(json_object_get(ex, "policy")) ==
	    json_real_value(json_object_get(o, "score")));
	assert_true(json_real_value(json_object_get(ex, "policy")) == 0.2);
	assert_int_equal(json_array_size(json_object_get(ex, "rules")), 1);
	assert_string_equal(json_string_value(json_array_get(
	    json_object_get(ex, "rules"), 0)), "massage_skill_for_visual");
	v = json_object_get(ex, "boosts");
	assert_int_equal(json_object_size(v), 1);
	assert_true(json_real_value(json_object_get(v,
	    "massage_skill_for_visual")) == 0.2);
	assert_true(json_real_value(json_object_get(json_object_get(ex,
	    "components"), "skills")) == 1.0 / 3);
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(o, "job"), "town")), SHAPING);
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(o, "job"), "employer_name")), "民营一厂");
	json_decref(o);
	o = codec_hit(h, &x->towns, x->rules, false);
	assert_null(json_object_get(o, "explain"));
	json_decref(o);
	x->p.skills = NULL;
}

/* ---- order and slicing --------------------------------------------------- */

static void
test_order_ties(void **state)
{
	struct fx *x = *state;

	/* Exact ties go by job id, then by employer id. */
	put(x, "{\"id\":\"b\"}");
	put(x, "{\"id\":\"c\"}");
	put(x, "{\"id\":\"a\",\"employer_id\":\"soe\"}");
	put(x, "{\"id\":\"a\"}");
	assert_string_equal(run_all(x), "a,a,b,c");
	assert_string_equal(x->res.hits[0].job->emp->id, "e1");
	assert_string_equal(x->res.hits[1].job->emp->id, "soe");
	assert_true(x->res.hits[0].score == x->res.hits[3].score);
}

static void
test_order_distance(void **state)
{
	struct fx *x = *state;

	/* Remote posts score the same at any distance: nearer first. */
	put(x, "{\"id\":\"a\",\"town\":\"" SHAPING "\",\"remote\":true}");
	put(x, "{\"id\":\"b\",\"town\":\"" XINMIN "\",\"remote\":true}");
	put(x, "{\"id\":\"c\",\"remote\":true}");
	assert_string_equal(run_all(x), "c,b,a");
	assert_true(x->res.hits[0].score == x->res.hits[2].score);
	assert_true(x->res.hits[0].distance_km < x->res.hits[1].distance_km);
	assert_true(x->res.hits[1].distance_km < x->res.hits[2].distance_km);
}

static void
test_order_score(void **state)
{
	struct fx *x = *state;
	char *skills[] = { "按摩" };

	/* A better score wins over a shorter distance and an earlier id. */
	put(x, "{\"id\":\"a\",\"skills\":[\"焊工\"]}");
	put(x, "{\"id\":\"z\",\"skills\":[\"推拿\"],\"town\":\"" XINMIN "\"}");
	x->p.skills = skills;
	x->p.nskills = 1;
	assert_string_equal(run_all(x), "z,a");
	assert_true(x->res.hits[0].score > x->res.hits[1].score);
	assert_true(x->res.hits[0].distance_km > x->res.hits[1].distance_km);
	x->p.skills = NULL;
}

static void
test_slicing(void **state)
{
	struct fx *x = *state;

	put(x, "{\"id\":\"d\"}");
	put(x, "{\"id\":\"b\"}");
	put(x, "{\"id\":\"e\"}");
	put(x, "{\"id\":\"a\"}");
	put(x, "{\"id\":\"c\"}");
	put(x, "{\"id\":\"far\",\"location\":{\"lat\":31,\"lon\":107}}");
	assert_string_equal(run(x, 2, 0), "a,b");
	assert_int_equal(x->res.candidates, 5);
	assert_string_equal(run(x, 2, 2), "c,d");
	assert_int_equal(x->res.candidates, 5);
	assert_string_equal(run(x, 2, 4), "e");
	assert_int_equal(x->res.n, 1);
	assert_string_equal(run(x, 10, 5), "");
	assert_int_equal(x->res.n, 0);
	assert_int_equal(x->res.candidates, 5);
	assert_string_equal(run(x, 10, 100), "");
	assert_string_equal(run(x, 1, 3), "d");
	assert_string_equal(run(x, 100, 0), "a,b,c,d,e");
}

/* ---- the mirror ---------------------------------------------------------- */

static void
test_upsert(void **state)
{
	struct fx *x = *state;
	const struct mjob *mj;

	put(x, "{\"id\":\"a\"}");
	put(x, "{\"id\":\"b\",\"title\":\"旧岗位\",\"grades\":[1]}");
	put(x, "{\"id\":\"c\"}");
	assert_string_equal(run_all(x), "a,c");
	put(x, "{\"id\":\"b\",\"title\":\"新岗位\",\"grades\":[3],"
	    "\"skills\":[\"按摩\"]}");
	assert_int_equal(matcher_njobs(x->m), 3);
	mj = matcher_job(x->m, "e1", "b");
	assert_non_null(mj);
	assert_string_equal(mj->title, "新岗位");
	assert_string_equal(mj->key, "e1:b");
	assert_string_equal(mj->id, "b");
	assert_int_equal(mj->grades_mask, 1u << 3);
	assert_int_equal(mj->nskills, 1);
	assert_string_equal(run_all(x), "a,c,b");
	assert_int_equal(x->res.candidates, 3);
	/* Same id, another employer: another posting. */
	put(x, "{\"id\":\"b\",\"employer_id\":\"gov\"}");
	assert_int_equal(matcher_njobs(x->m), 4);
	assert_string_equal(matcher_job(x->m, "gov", "b")->title, "文员");
	assert_string_equal(matcher_job(x->m, "e1", "b")->title, "新岗位");
}

static void
test_remove(void **state)
{
	struct fx *x = *state;

	put(x, "{\"id\":\"a\"}");
	put(x, "{\"id\":\"b\"}");
	put(x, "{\"id\":\"c\"}");
	put(x, "{\"id\":\"d\"}");
	assert_int_equal(matcher_remove_job(x->m, "e1", "b"), 1);
	assert_int_equal(matcher_njobs(x->m), 3);
	assert_null(matcher_job(x->m, "e1", "b"));
	assert_string_equal(run_all(x), "a,c,d");
	assert_int_equal(matcher_remove_job(x->m, "e1", "b"), 0);
	assert_int_equal(matcher_remove_job(x->m, "gov", "a"), 0);
	/* The first, then the last, then the only one. */
	assert_int_equal(matcher_remove_job(x->m, "e1", "a"), 1);
	assert_string_equal(run_all(x), "c,d");
	put(x, "{\"id\":\"c\",\"title\":\"改\"}");
	assert_string_equal(matcher_job(x->m, "e1", "c")->title, "改");
	assert_int_equal(matcher_njobs(x->m), 2);
	assert_int_equal(matcher_remove_job(x->m, "e1", "d"), 1);
	assert_string_equal(run_all(x), "c");
	assert_int_equal(matcher_remove_job(x->m, "e1", "c"), 1);
	assert_int_equal(matcher_njobs(x->m), 0);
	assert_string_equal(run_all(x), "");
	put(x, "{\"id\":\"e\"}");
	assert_string_equal(run_all(x), "e");
}

static void
test_set_rules(void **state)
{
	struct fx *x = *state;
	static const char tuina_syn[] = "[{\"term\":\"massage\","
	    "\"pattern\":\"按摩|推拿|massage|tuina\"}]";
	struct rules *plain = make_rules(NULL), *tuina = make_rules(tuina_syn);
	char *skills[] = { "massage" };

	put(x, "{\"id\":\"a\",\"skills\":[\"推拿\"]}");
	put(x, "{\"id\":\"b\",\"title\":\"康复岗\",\"skills\":[\"tuina\"]}");
	x->p.skills = skills;
	x->p.nskills = 1;
	run_all(x);
	assert_true(hit(x, "a")->comp[COMP_SKILLS] == 1.0);
	assert_true(hit(x, "b")->comp[COMP_SKILLS] == 0.0);
	assert_true(job_bit(x, "a", R_MASSAGE_SKILL));
	assert_false(job_bit(x, "b", R_MASSAGE_SKILL));

	/* Without synonyms, 推拿 and massage are different skills. */
	assert_int_equal(matcher_set_rules(x->m, plain), 0);
	assert_ptr_equal(matcher_rules(x->m), plain);
	run_all(x);
	assert_true(hit(x, "a")->comp[COMP_SKILLS] == 0.0);
	assert_true(hit(x, "b")->comp[COMP_SKILLS] == 0.0);
	/* ... and the rules' conditions on the postings are evaluated
	 * again: 推拿 is no longer massage. */
	assert_false(job_bit(x, "a", R_MASSAGE_SKILL));
	assert_false(job_bit(x, "b", R_MASSAGE_SKILL));

	/* With tuina, b's skill is massage too: coverage and policy follow. */
	assert_int_equal(matcher_set_rules(x->m, tuina), 0);
	run_all(x);
	assert_true(hit(x, "a")->comp[COMP_SKILLS] == 1.0);
	assert_true(hit(x, "b")->comp[COMP_SKILLS] == 1.0);
	assert_true(job_bit(x, "a", R_MASSAGE_SKILL));
	assert_true(job_bit(x, "b", R_MASSAGE_SKILL));
	x->p.disability = DIS_VISUAL;
	assert_int_equal(fired(x, "b"), BIT(R_MASSAGE_SKILL));
	x->p.disability = DIS_PHYSICAL;
	/* A posting put now is derived under the new rules. */
	put(x, "{\"id\":\"c\",\"skills\":[\"TUINA\"]}");
	run_all(x);
	assert_true(hit(x, "c")->comp[COMP_SKILLS] == 1.0);

	assert_int_equal(matcher_set_rules(x->m, x->rules), 0);
	run_all(x);
	assert_true(hit(x, "a")->comp[COMP_SKILLS] == 1.0);
	assert_true(hit(x, "b")->comp[COMP_SKILLS] == 0.0);
	assert_true(hit(x, "c")->comp[COMP_SKILLS] == 0.0);
	assert_true(job_bit(x, "a", R_MASSAGE_SKILL));
	assert_false(job_bit(x, "b", R_MASSAGE_SKILL));
	assert_false(job_bit(x, "c", R_MASSAGE_SKILL));
	x->p.skills = NULL;
	rules_free(plain);
	rules_free(tuina);
}

/* ---- rules --------------------------------------------------------------- */

static void
test_rules_compile_error(void **state)
{
	struct rules_spec spec;
	struct regex_limits lim = test_limits();
	struct rules *r = NULL;
	struct rules_error err;

	(void)state;
	rules_spec_defaults(&spec);
	spec.syn = calloc(2, sizeof(*spec.syn));
	assert_non_null(spec.syn);
	spec.syn[0].term = strdup("ok");
	spec.syn[0].pattern = strdup("a|b");
	spec.syn[1].term = strdup("broken");
	spec.syn[1].pattern = strdup("(abc");
	spec.nsyn = 2;
	assert_int_equal(rules_compile(&r, &spec, &lim, &err), -1);
	assert_null(r);
	assert_string_equal(err.rule, "synonyms[1] (broken)");
	assert_string_equal(err.field, "pattern");
	assert_int_equal(err.offset, 4);
	assert_string_equal(err.reason, "missing closing parenthesis");
	/* spec is untouched. */
	assert_int_equal(spec.nsyn, 2);
	assert_string_equal(spec.syn[1].pattern, "(abc");

	free(spec.syn[0].pattern);
	spec.syn[0].pattern = strdup("x{2,1}");
	assert_int_equal(rules_compile(&r, &spec, &lim, &err), -1);
	assert_null(r);
	assert_string_equal(err.rule, "synonyms[0] (ok)");
	assert_string_equal(err.field, "pattern");
	assert_int_equal(err.offset, 5);
	assert_int_equal(spec.nsyn, 2);
	rules_spec_clear(&spec);
}

static void
test_rules_canon(void **state)
{
	static const char syn[] = "["
	    "{\"term\":\"massage\",\"pattern\":\"按摩|推拿|massage\"},"
	    "{\"term\":\"data entry\",\"pattern\":\"^(打字|录入|data entry)$\"}]";
	struct rules *r = make_rules(syn);
	char buf[64];

	(void)state;
	assert_string_equal(rules_canon_skill(r, "  Massage\t", buf,
	    sizeof(buf)), "massage");
	assert_string_equal(rules_canon_skill(r, "盲人按摩", buf, sizeof(buf)),
	    "massage");
	assert_string_equal(rules_canon_skill(r, "Data \t  Entry", buf,
	    sizeof(buf)), "data entry");
	assert_string_equal(rules_canon_skill(r, "打字", buf, sizeof(buf)),
	    "data entry");
	/* Anchored: more than the skill is not the skill. */
	assert_string_equal(rules_canon_skill(r, "打字员", buf, sizeof(buf)),
	    "打字员");
	assert_string_equal(rules_canon_skill(r, "  Welding  ", buf,
	    sizeof(buf)), "welding");
	assert_string_equal(rules_canon_skill(r, "   ", buf, sizeof(buf)), "");
	assert_int_equal(rules_stats_of(r)->limit_hits, 0);
	assert_int_equal(rules_stats_of(r)->budget_out, 0);
	rules_free(r);
}

static void
test_rules_distance_score(void **state)
{
	struct fx *x = *state;
	struct rules_spec spec;
	struct regex_limits lim = test_limits();
	struct rules_error err;
	struct rules *r;

	assert_true(rules_distance_score(x->rules, 0) == 1.0);
	assert_true(rules_distance_score(x->rules, 10) == exp(-1.0));
	assert_true(rules_distance_score(x->rules, 25) == exp(-2.5));

	rules_spec_defaults(&spec);
	spec.shape = DECAY_LINEAR;
	spec.scale_km = 20;
	assert_int_equal(rules_compile(&r, &spec, &lim, &err), 0);
	assert_true(rules_distance_score(r, 5) == 0.75);
	assert_true(rules_distance_score(r, 20) == 0.0);
	assert_true(rules_distance_score(r, 35) == 0.0);
	rules_free(r);

	rules_spec_defaults(&spec);
	spec.shape = DECAY_GAUSS;
	spec.scale_km = 4;
	assert_int_equal(rules_compile(&r, &spec, &lim, &err), 0);
	assert_true(rules_distance_score(r, 4) == exp(-0.5));
	assert_true(rules_distance_score(r, 0) == 1.0);
	assert_true(rules_spec_of(r)->scale_km == 4);
	rules_free(r);
}

/* ---- strmap, utf8_count, geo_distance_km --------------------------------- */

#define NKEYS 5000

static void
count_each(const char *key, void *val, void *arg)
{
	size_t *sum = arg;

	assert_int_equal(strtoul(key + 1, NULL, 10) + 1, (uintptr_t)val);
	sum[0]++;
	sum[1] += (uintptr_t)val;
}

static void
test_strmap_many(void **state)
{
	struct strmap m;
	char key[32];
	size_t sum[2] = { 0, 0 }, want = 0;

	(void)state;
	strmap_init(&m);
	assert_null(strmap_get(&m, "k1"));
	assert_null(strmap_del(&m, "k1"));
	for (uintptr_t i = 0; i < NKEYS; i++) {
		snprintf(key, sizeof(key), "k%zu", (size_t)i);
		assert_int_equal(strmap_put(&m, key, (void *)(i + 1)), 0);
	}
	assert_int_equal(m.n, NKEYS);
	assert_true(m.n * 4 <= m.cap * 3);
	/* Overwriting does not add. */
	assert_int_equal(strmap_put(&m, "k7", (void *)8), 0);
	assert_int_equal(m.n, NKEYS);
	for (uintptr_t i = 0; i < NKEYS; i++) {
		snprintf(key, sizeof(key), "k%zu", (size_t)i);
		assert_ptr_equal(strmap_get(&m, key), (void *)(i + 1));
	}
	/* Delete every third key, then check every key. */
	for (uintptr_t i = 0; i < NKEYS; i += 3) {
		snprintf(key, sizeof(key), "k%zu", (size_t)i);
		assert_ptr_equal(strmap_del(&m, key), (void *)(i + 1));
		assert_null(strmap_del(&m, key));
	}
	for (uintptr_t i = 0; i < NKEYS; i++) {
		snprintf(key, sizeof(key), "k%zu", (size_t)i);
		if (i % 3 == 0)
			assert_null(strmap_get(&m, key));
		else {
			assert_ptr_equal(strmap_get(&m, key), (void *)(i + 1));
			want += i + 1;
		}
	}
	assert_int_equal(m.n, NKEYS - (NKEYS + 2) / 3);
	strmap_each(&m, count_each, sum);
	assert_int_equal(sum[0], m.n);
	assert_int_equal(sum[1], want);
	/* Put them back. */
	for (uintptr_t i = 0; i < NKEYS; i += 3) {
		snprintf(key, sizeof(key), "k%zu", (size_t)i);
		assert_int_equal(strmap_put(&m, key, (void *)(i + 1)), 0);
	}
	assert_int_equal(m.n, NKEYS);
	for (uintptr_t i = 0; i < NKEYS; i++) {
		snprintf(key, sizeof(key), "k%zu", (size_t)i);
		assert_ptr_equal(strmap_get(&m, key), (void *)(i + 1));
	}
	strmap_free(&m);
	assert_int_equal(m.n, 0);
	assert_int_equal(m.cap, 0);
}

/*
 * A nearly full small table, emptied in many orders: after each deletion
 * every remaining key must still be found (backward shift across clusters
 * and across the end of the table).
 */
static void
test_strmap_delete_orders(void **state)
{
	enum { N = 12 };
	char keys[N][8];
	size_t order[N];
	unsigned seed = 12345;

	(void)state;
	for (int i = 0; i < N; i++)
		snprintf(keys[i], sizeof(keys[i]), "%c%d", 'a' + i % 5, i);
	for (int pass = 0; pass < 300; pass++) {
		struct strmap m;
		bool gone[N] = { false };

		strmap_init(&m);
		for (uintptr_t i = 0; i < N; i++)
			assert_int_equal(strmap_put(&m, keys[i],
			    (void *)(i + 1)), 0);
		assert_int_equal(m.cap, 16);
		for (size_t i = 0; i < N; i++)
			order[i] = i;
		for (size_t i = N - 1; i > 0; i--) {
			seed = seed * 1103515245u + 12345u;
			size_t k = (seed >> 16) % (i + 1), t = order[i];
			order[i] = order[k];
			order[k] = t;
		}
		for (size_t d = 0; d < N; d++) {
			size_t victim = order[d];
			assert_ptr_equal(strmap_del(&m, keys[victim]),
			    (void *)(uintptr_t)(victim + 1));
			gone[victim] = true;
			for (size_t i = 0; i < N; i++) {
				void *want = gone[i] ? NULL :
				    (void *)(uintptr_t)(i + 1);
				assert_ptr_equal(strmap_get(&m, keys[i]), want);
			}
		}
		assert_int_equal(m.n, 0);
		for (size_t i = 0; i < m.cap; i++)
			assert_null(m.slots[i].key);
		strmap_free(&m);
	}
}

static void
test_utf8_count(void **state)
{
	(void)state;
	assert_int_equal(utf8_count("", 0), 0);
	assert_int_equal(utf8_count("abc", 3), 3);
	assert_int_equal(utf8_count("残疾人", 9), 3);
	assert_int_equal(utf8_count("a\xc3\xa9\xf0\x9f\x98\x80", 7), 3);
	assert_int_equal(utf8_count("\xf4\x8f\xbf\xbf", 4), 1);	/* U+10FFFF */
	assert_int_equal(utf8_count("\xee\x80\x80", 3), 1);	/* U+E000 */
	/* Only len bytes count. */
	assert_int_equal(utf8_count("残疾人", 6), 2);
	assert_int_equal(utf8_count("残疾人", 5), -1);
	assert_int_equal(utf8_count("a\0b", 3), -1);
	assert_int_equal(utf8_count("\x80", 1), -1);
	assert_int_equal(utf8_count("\xc0\xaf", 2), -1);	/* overlong / */
	assert_int_equal(utf8_count("\xe0\x9f\xbf", 3), -1);	/* overlong */
	assert_int_equal(utf8_count("\xf0\x8f\xbf\xbf", 4), -1);
	assert_int_equal(utf8_count("\xed\xa0\x80", 3), -1);	/* surrogate */
	assert_int_equal(utf8_count("\xed\xbf\xbf", 3), -1);
	assert_int_equal(utf8_count("\xf4\x90\x80\x80", 4), -1); /* > max */
	assert_int_equal(utf8_count("\xf8\x88\x80\x80\x80", 5), -1);
	assert_int_equal(utf8_count("\xff", 1), -1);
	assert_int_equal(utf8_count("\xe6\x62\x8b", 3), -1);
}

static void
assert_near(double got, double want, double rel)
{
	if (fabs(got - want) > want * rel)
		fail_msg("%f is not within %g%% of %f", got, rel * 100, want);
}

static void
test_geo_distance(void **state)
{
	(void)state;
	assert_true(geo_distance_km(30.3336, 107.3455, 30.3336, 107.3455) ==
	    0);
	/* Beijing (Tian'anmen) to Shanghai (People's Square): 1067 km. */
	assert_near(geo_distance_km(39.9042, 116.4074, 31.2304, 121.4737),
	    1067, 0.005);
	/* London to Paris: 343.5 km. */
	assert_near(geo_distance_km(51.5074, -0.1278, 48.8566, 2.3522),
	    343.5, 0.005);
	/* A degree along a meridian; a quarter of the equator. */
	assert_near(geo_distance_km(0, 0, 1, 0), 111.195, 0.0001);
	assert_near(geo_distance_km(0, 0, 0, 90), 10007.5, 0.0001);
	/* Across the antimeridian, and symmetric. */
	assert_near(geo_distance_km(0, 179.5, 0, -179.5), 111.195, 0.0001);
	assert_true(geo_distance_km(30, 107, 31, 108) ==
	    geo_distance_km(31, 108, 30, 107));
	/* Antipodes: half the circumference. */
	assert_near(geo_distance_km(10, 20, -10, -160), 20015.1, 0.0001);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_empty),
		T(test_filter_disability),
		T(test_filter_grade),
		T(test_filter_needs),
		T(test_filter_distance),
		T(test_filter_default_max_km),
		T(test_filter_expired),
		T(test_filter_closed),
		T(test_filter_employment),
		T(test_filter_employer),
		T(test_filter_min_salary),
		T(test_score_skills),
		T(test_score_distance),
		T(test_policy_public_welfare),
		T(test_policy_graduate),
		T(test_policy_sheltered),
		T(test_policy_massage),
		T(test_policy_rural),
		T(test_policy_sum),
		T(test_explain_parts),
		T(test_order_ties),
		T(test_order_distance),
		T(test_order_score),
		T(test_slicing),
		T(test_upsert),
		T(test_remove),
		T(test_set_rules),
		cmocka_unit_test(test_rules_compile_error),
		cmocka_unit_test(test_rules_canon),
		T(test_rules_distance_score),
		cmocka_unit_test(test_strmap_many),
		cmocka_unit_test(test_strmap_delete_orders),
		cmocka_unit_test(test_utf8_count),
		cmocka_unit_test(test_geo_distance),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
