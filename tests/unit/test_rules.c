/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * test_rules.c - the staff's rule set: decoding rules
 * (proto/codec_rules.c), compiling and probing their patterns
 * (matcher/rules.c), evaluating them in a match and explaining them
 * (matcher/score.c, matcher/match.c), and the effect of each rule of the
 * shipped data/rules.default.json.
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
#include "proto/codec.h"
#include "fixture.h"

static const char towns_tsv[] =
    "code\tname\tkind\tpinyin\tlat\tlon\tsource\n"
    "500231000000\t垫江县\tcounty\tDianjiang\t30.3336\t107.3455\tx\n"
    "500231001000\t桂溪街道\tsubdistrict\tGuixi\t30.3336\t107.3455\tx\n"
    "500231101000\t新民镇\ttown\tXinmin\t30.3976\t107.3895\tx\n"
    "500231102000\t沙坪镇\ttown\tShaping\t30.25\t107.4\tx\n"
    "500231202000\t沙河乡\ttownship\tShahe\t30.2\t107.25\tx\n";

/* The seeker stands at the centre of Guixi, a subdistrict (not rural). */
#define HOME_LAT	30.3336
#define HOME_LON	107.3455
#define GUIXI		"500231001000"
#define XINMIN		"500231101000"	/* a town, about 8.3 km away */
#define SHAPING		"500231102000"	/* a town, about 10.7 km away */
#define SHAHE		"500231202000"	/* a township, about 17 km away */
#define T_XINMIN	1		/* index in the parsed towns */

#define NOW		1700000000LL
#define BIT(i)		(1ULL << (i))

/* ---- helpers ------------------------------------------------------------- */

static const struct cond_spec *
cond_of(const struct rule_spec *r, const char *field)
{
	int f = rules_field_lookup(field);

	assert_true(f >= 0);
	for (size_t i = 0; i < r->nconds; i++)
		if (r->conds[i].field == f)
			return &r->conds[i];
	fail_msg("rule %s has no condition on %s", r->name, field);
	return NULL;
}

/* Compiles the rule-set document s with lim (defaults when NULL). */
static struct rules *
compile_lim(const char *s, const struct regex_limits *lim)
{
	struct regex_limits def;
	struct rules_spec spec;
	struct rules_error err;
	struct rules *r = NULL;
	struct perr e;

	if (lim == NULL) {
		regex_limits_defaults(&def);
		lim = &def;
	}
	if (fixture_decode(s, &spec, &e) == -1)
		fail_msg("refused: %s: %s", e.field, e.reason);
	if (rules_compile(&r, &spec, lim, &err) == -1)
		fail_msg("rules_compile: %s %s %ld: %s", err.rule, err.field,
		    err.offset, err.reason);
	assert_null(spec.rules);
	assert_int_equal(spec.nrules, 0);
	assert_int_equal(spec.nsyn, 0);
	return r;
}

static struct rules *
compile(const char *s)
{
	return compile_lim(s, NULL);
}

/* A spec of one rule "r" with one text condition. */
static void
text_spec(struct rules_spec *spec, const char *field, const char *pattern)
{
	rules_spec_defaults(spec);
	spec->rules = calloc(1, sizeof(*spec->rules));
	assert_non_null(spec->rules);
	spec->nrules = 1;
	spec->rules[0].name = strdup("r");
	spec->rules[0].conds = calloc(1, sizeof(*spec->rules[0].conds));
	assert_non_null(spec->rules[0].conds);
	spec->rules[0].nconds = 1;
	spec->rules[0].conds[0].field = rules_field_lookup(field);
	assert_true(spec->rules[0].conds[0].field >= 0);
	spec->rules[0].conds[0].pattern = strdup(pattern);
}

/*
 * Compiles one job.title pattern with lim (defaults when NULL). On success
 * returns 0 and the rule set in *out (when given, else it is freed); on
 * failure checks that the spec is untouched and returns -1 with err.
 */
static int
try_pattern(const char *pattern, const struct regex_limits *lim,
    struct rules **out, struct rules_error *err)
{
	struct regex_limits def;
	struct rules_spec spec;
	struct rules *r = NULL;
	const char *held;
	int rc;

	if (lim == NULL) {
		regex_limits_defaults(&def);
		lim = &def;
	}
	text_spec(&spec, "job.title", pattern);
	held = spec.rules[0].conds[0].pattern;
	rc = rules_compile(&r, &spec, lim, err);
	if (rc == -1) {
		assert_null(r);
		assert_int_equal(spec.nrules, 1);
		assert_ptr_equal(spec.rules[0].conds[0].pattern, held);
		assert_string_equal(held, pattern);
		assert_string_equal(spec.rules[0].name, "r");
		rules_spec_clear(&spec);
		return -1;
	}
	assert_int_equal(rc, 0);
	assert_null(spec.rules);
	if (out != NULL)
		*out = r;
	else
		rules_free(r);
	return 0;
}

static void
pattern_ok(const char *pattern)
{
	struct rules_error err;

	if (try_pattern(pattern, NULL, NULL, &err) != 0)
		fail_msg("%s refused: %s %ld: %s", pattern, err.field,
		    err.offset, err.reason);
}

/* The pattern must be refused as a verb or callout at offset. */
static void
verb_refused(const char *pattern, long offset)
{
	struct rules_error err;

	if (try_pattern(pattern, NULL, NULL, &err) != -1)
		fail_msg("%s accepted, expected a refused verb", pattern);
	assert_string_equal(err.rule, "rules[0] (r)");
	assert_string_equal(err.field, "when.job.title");
	if (err.offset != offset)
		fail_msg("%s: offset %ld, expected %ld", pattern, err.offset,
		    offset);
	assert_memory_equal(err.reason, "(* verbs and (?C callouts", 25);
}

static void
costly_refused(const char *pattern)
{
	struct rules_error err;

	if (try_pattern(pattern, NULL, NULL, &err) != -1)
		fail_msg("%s accepted, expected too costly", pattern);
	assert_string_equal(err.rule, "rules[0] (r)");
	assert_string_equal(err.field, "when.job.title");
	assert_int_equal(err.offset, -1);
	assert_memory_equal(err.reason, "too costly: ", 12);
}

/* A subject function that gives every field the one text. */
static void
text_subject(int field, const void *obj, struct rule_subject *s)
{
	(void)field;
	s->text = obj;
	s->present = true;
}

/* Whether r's rule 0 holds for a posting of this title. */
static bool
title_matches(struct rules *r, const char *title)
{
	uint64_t bits[RULE_WORDS];

	rules_eval_job(r, text_subject, title, bits);
	return bits[0] & 1;
}

/* ---- the matcher fixture ------------------------------------------------- */

struct fx {
	struct towns		 towns;
	struct rules		*rules;
	struct matcher		*m;
	struct profile		 p;
	struct filters		 f;
	uint32_t		 budget;
	struct match_result	 res;
	struct match_explain	 ex;
};

static int
setup(void **state)
{
	struct fx *x = calloc(1, sizeof(*x));

	if (x == NULL)
		return -1;
	x->rules = compile("{}");
	if (fixture_mirror(&x->towns, towns_tsv, x->rules, &x->m) == -1)
		return -1;
	fixture_employer(x->m, "e1", "民营一厂", ET_PRIVATE);
	fixture_employer(x->m, "gov", "县人社局", ET_AGENCY);
	fixture_employer(x->m, "inst", "县人民医院", ET_INSTITUTION);
	fixture_employer(x->m, "soe", "县供电公司", ET_SOE);
	fixture_employer(x->m, "comm", "桂溪社区服务站", ET_COMMUNITY);
	fixture_employer(x->m, "shw", "阳光工坊", ET_SHELTERED_WORKSHOP);
	profile_init(&x->p);
	x->p.disability = DIS_PHYSICAL;
	x->p.grade = 3;
	x->p.lat = HOME_LAT;
	x->p.lon = HOME_LON;
	x->budget = 1000;
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

/* Makes r the matcher's rule set, in place of the last one. */
static void
use_rules(struct fx *x, struct rules *r)
{
	assert_int_equal(matcher_set_rules(x->m, r), 0);
	assert_ptr_equal(matcher_rules(x->m), r);
	rules_free(x->rules);
	x->rules = r;
}

static void
use(struct fx *x, const char *doc)
{
	use_rules(x, compile(doc));
}

/*
 * Puts a posting: a plain full-time post of employer e1 at the seeker's
 * place, open to any disability, overridden by the members of the JSON
 * object text over (' for "; fixture_put).
 */
static void
put(struct fx *x, const char *over)
{
	fixture_put(x->m, &x->towns, HOME_LAT, HOME_LON, fixture_json(over),
	    over);
}

static struct match_query
query(struct fx *x)
{
	struct match_query q = { &x->p, &x->f, 100, 0, NOW, x->budget };

	return q;
}

/* Runs the match; returns the ids of the hits, comma-separated. */
static const char *
run(struct fx *x)
{
	static char ids[1024];
	struct match_query q = query(x);

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
		assert_true(h->part[COMP_POLICY] ==
		    round(h->comp[COMP_POLICY] * 1e6) / 1e6);
	}
	return ids;
}

/* The hit of job id in the last result, which must be there. */
static const struct match_hit *
hit(struct fx *x, const char *id)
{
	return fixture_hit(&x->res, id);
}

/* Runs and returns the rules fired for job id (which must match). */
static uint64_t
fired(struct fx *x, const char *id)
{
	const struct match_hit *h;

	run(x);
	h = hit(x, id);
	assert_int_equal(h->fired[1], 0);
	return h->fired[0];
}

/* The policy part of job id's score in the last result. */
static double
policy(struct fx *x, const char *id)
{
	return hit(x, id)->part[COMP_POLICY];
}

/* The rules whose conditions on posting employer/id hold. */
static uint64_t
job_bits(struct fx *x, const char *employer, const char *id)
{
	const struct mjob *mj = matcher_job(x->m, employer, id);

	assert_non_null(mj);
	assert_int_equal(mj->rule_bits[1], 0);
	return mj->rule_bits[0];
}

/* Explains posting e1/id into x->ex. */
static const struct match_explain *
explain(struct fx *x, const char *id)
{
	struct match_query q = query(x);

	matcher_explain(x->m, &q, "e1", id, &x->ex);
	assert_non_null(x->ex.job);
	return &x->ex;
}

/* Explanation x of rule i: verdict v and failed field (NULL: none). */
static void
verdict(const struct match_explain *ex, int i, int v, const char *failed)
{
	if (ex->verdict[i] != v)
		fail_msg("rule %d: verdict %d, expected %d", i, ex->verdict[i],
		    v);
	if (failed == NULL)
		assert_null(ex->failed[i]);
	else {
		assert_non_null(ex->failed[i]);
		assert_string_equal(ex->failed[i], failed);
	}
}

static const struct rules_stats *
stats(struct fx *x)
{
	return rules_stats_of(x->rules);
}

/* ---- decoding ------------------------------------------------------------ */

static void
test_decode_kinds(void **state)
{
	struct rules_spec spec;
	struct perr e;
	const struct rule_spec *r;
	const struct cond_spec *c;

	(void)state;
	assert_int_equal(fixture_decode("{'rules':["
	    "{'name':'kinds','description':'每种条件','when':{"
	    "'job.title':'电话|热线',"
	    "'seeker.flags':['graduate','rural'],"
	    "'job.town_kind':['town','township'],"
	    "'job.remote':[true],"
	    "'seeker.disability.grade':{'min':1,'max':2},"
	    "'distance_km':{'max':12.5},"
	    "'job.salary.min':{'min':3000}},"
	    "'then':{'boost':0.35}},"
	    "{'name':'ex-2.b','when':{'job.remote':[false,true],"
	    "'seeker.town_kind':['county']},'then':'exclude'},"
	    "{'name':'req','when':null,'then':'require'},"
	    "{'name':'neg','when':{},'then':{'boost':-10}}]}", &spec, &e), 0);
	assert_int_equal(spec.nrules, 4);

	r = &spec.rules[0];
	assert_string_equal(r->name, "kinds");
	assert_int_equal(r->action, RULE_BOOST);
	assert_true(r->boost == 0.35);
	assert_int_equal(r->nconds, 7);
	/* In the document's order. */
	assert_int_equal(r->conds[0].field, rules_field_lookup("job.title"));
	assert_int_equal(r->conds[6].field,
	    rules_field_lookup("job.salary.min"));
	c = cond_of(r, "job.title");
	assert_string_equal(c->pattern, "电话|热线");
	assert_int_equal(c->mask, 0);
	c = cond_of(r, "seeker.flags");
	assert_null(c->pattern);
	assert_int_equal(c->mask, 1u << FLAG_GRADUATE | 1u << FLAG_RURAL);
	c = cond_of(r, "job.town_kind");
	assert_int_equal(c->mask, 1u << rules_value_lookup(FV_TOWN_KIND,
	    "town") | 1u << rules_value_lookup(FV_TOWN_KIND, "township"));
	assert_int_equal(c->mask, 1u << 2 | 1u << 3);
	c = cond_of(r, "job.remote");
	assert_int_equal(c->mask, 1u << 1);
	c = cond_of(r, "seeker.disability.grade");
	assert_true(c->has_min && c->has_max);
	assert_true(c->min == 1 && c->max == 2);
	assert_null(c->pattern);
	c = cond_of(r, "distance_km");
	assert_false(c->has_min);
	assert_true(c->has_max);
	assert_true(c->max == 12.5);
	c = cond_of(r, "job.salary.min");
	assert_true(c->has_min);
	assert_false(c->has_max);
	assert_true(c->min == 3000);

	r = &spec.rules[1];
	assert_string_equal(r->name, "ex-2.b");
	assert_int_equal(r->action, RULE_EXCLUDE);
	assert_int_equal(r->nconds, 2);
	assert_int_equal(cond_of(r, "job.remote")->mask, 3);
	assert_int_equal(cond_of(r, "seeker.town_kind")->mask, 1);

	r = &spec.rules[2];
	assert_int_equal(r->action, RULE_REQUIRE);
	assert_int_equal(r->nconds, 0);
	assert_null(r->conds);
	r = &spec.rules[3];
	assert_int_equal(r->action, RULE_BOOST);
	assert_true(r->boost == -10);
	assert_int_equal(r->nconds, 0);
	rules_spec_clear(&spec);

	/* Every field of the table can be named, and only those. */
	assert_int_equal(rules_field_lookup("seeker.disability.type"), 0);
	assert_int_equal(rules_field_lookup("job.titel"), -1);
	assert_int_equal(rules_field_lookup("distance"), -1);
	assert_int_equal(rule_fields[rules_field_lookup("distance_km")].side,
	    SIDE_PAIR);
	assert_int_equal(rules_value_lookup(FV_BOOL, "false"), 0);
	assert_int_equal(rules_value_lookup(FV_BOOL, "true"), 1);
	assert_int_equal(rules_value_lookup(FV_TOWN_KIND, "county"), 0);
	assert_int_equal(rules_value_lookup(FV_TOWN_KIND, "city"), -1);
}

/* A document of one rule with this "when" (' for "). */
#define WHEN(w)	"{'rules':[{'name':'a','when':{" w "},'then':'exclude'}]}"

static void
test_decode_errors(void **state)
{
	(void)state;
	fixture_refused("{'rules':[{'name':'a','then':'exclude'},"
	    "{'name':'b','when':{'job.titel':'x'},'then':'exclude'}]}",
	    "rules[1].when.job.titel", "unknown field");
	/* then */
	fixture_refused("{'rules':[{'name':'a','when':{}}]}", "rules[0].then",
	    "is required");
	fixture_refused("{'rules':[{'name':'a','then':'boost'}]}",
	    "rules[0].then",
	    "must be \"exclude\", \"require\" or {\"boost\": x}");
	fixture_refused("{'rules':[{'name':'a','then':null}]}", "rules[0].then",
	    NULL);
	fixture_refused("{'rules':[{'name':'a','then':['exclude']}]}",
	    "rules[0].then", NULL);
	fixture_refused("{'rules':[{'name':'a','then':{}}]}",
	    "rules[0].then.boost", "is required");
	fixture_refused("{'rules':[{'name':'a','then':{'boost':'0.2'}}]}",
	    "rules[0].then.boost", "must be a number");
	fixture_refused("{'rules':[{'name':'a','then':{'boost':10.5}}]}",
	    "rules[0].then.boost", "must be from -10 to 10");
	fixture_refused("{'rules':[{'name':'a','then':{'boost':0.1,'cap':1}}]}",
	    "rules[0].then.cap", "unknown field");
	/* numbers */
	fixture_refused("{'rules':[{'name':'a','then':'exclude'},"
	    "{'name':'b','then':'exclude'},"
	    "{'name':'c','when':{'seeker.disability.grade':"
	    "{'min':3,'max':2}},'then':'exclude'}]}",
	    "rules[2].when.seeker.disability.grade.min",
	    "must not exceed max");
	fixture_refused(WHEN("'seeker.disability.grade':2"),
	    "rules[0].when.seeker.disability.grade", "must be an object");
	fixture_refused(WHEN("'seeker.disability.grade':{}"),
	    "rules[0].when.seeker.disability.grade",
	    "needs min, max or both");
	fixture_refused(WHEN("'seeker.disability.grade':{'min':'1'}"),
	    "rules[0].when.seeker.disability.grade.min", "must be a number");
	fixture_refused(WHEN("'seeker.disability.grade':{'avg':1}"),
	    "rules[0].when.seeker.disability.grade.avg", "unknown field");
	fixture_refused(WHEN("'distance_km':{'max':1e13}"),
	    "rules[0].when.distance_km.max", NULL);
	/* texts */
	fixture_refused(WHEN("'job.title':['电话']"), "rules[0].when.job.title",
	    "must be a PCRE2 pattern (a string)");
	fixture_refused(WHEN("'job.title':5"), "rules[0].when.job.title", NULL);
	fixture_refused(WHEN("'job.skills':''"), "rules[0].when.job.skills",
	    "must not be empty");
	/* enumerations */
	fixture_refused(WHEN("'seeker.disability.type':'visual'"),
	    "rules[0].when.seeker.disability.type",
	    "must be an array of 1 to 32 allowed values");
	fixture_refused(WHEN("'seeker.disability.type':[]"),
	    "rules[0].when.seeker.disability.type", NULL);
	fixture_refused(WHEN("'seeker.disability.type':[3]"),
	    "rules[0].when.seeker.disability.type[0]", "must be a string");
	fixture_refused(WHEN("'seeker.flags':['graduate','poor']"),
	    "rules[0].when.seeker.flags[1]",
	    "not an allowed value of seeker.flags");
	fixture_refused(WHEN("'job.remote':['true']"),
	    "rules[0].when.job.remote[0]", "must be true or false");
	fixture_refused(WHEN("'job.town_kind':['town','city']"),
	    "rules[0].when.job.town_kind[1]", NULL);
	fixture_refused(WHEN("'job.employer_type':['government']"),
	    "rules[0].when.job.employer_type[0]", NULL);
	fixture_refused(WHEN("'seeker.needs':['ramp']"),
	    "rules[0].when.seeker.needs[0]", NULL);
	/* names */
	fixture_refused("{'rules':[{'then':'exclude'}]}", "rules[0].name",
	    "is required");
	fixture_refused("{'rules':[{'name':'public welfare',"
	    "'then':'exclude'}]}", "rules[0].name",
	    "may only hold A-Z a-z 0-9 . _ -");
	fixture_refused("{'rules':[{'name':'公益优先','then':'exclude'}]}",
	    "rules[0].name", NULL);
	fixture_refused("{'rules':[{'name':'a:b','then':'exclude'}]}",
	    "rules[0].name", NULL);
	fixture_refused("{'rules':[{'name':7,'then':'exclude'}]}",
	    "rules[0].name", "must be a string");
	fixture_refused("{'rules':[{'name':'','then':'exclude'}]}",
	    "rules[0].name", NULL);
	/* the rule itself */
	fixture_refused("{'rules':['a']}", "rules[0]", "must be an object");
	fixture_refused("{'rules':[{'name':'a','then':'exclude',"
	    "'priority':1}]}", "rules[0].priority", "unknown field");
	fixture_refused("{'rules':[{'name':'a','when':['x'],"
	    "'then':'exclude'}]}", "rules[0].when", "must be an object");
	fixture_refused("{'rules':[{'name':'a','description':5,"
	    "'then':'exclude'}]}", "rules[0].description", "must be a string");
	fixture_refused("{'rules':{}}", "rules", NULL);
	/* The policy weight is gone: boosts are the rules' own. */
	fixture_refused("{'weights':{'skills':0.5,'policy':0.2}}",
	    "weights.policy", "unknown field");
}

static void
test_decode_limits(void **state)
{
	char buf[16384], name[80];
	struct rules_spec spec;
	struct perr e;
	size_t o;

	(void)state;
	/* 32 allowed values pass, 33 do not. */
	o = (size_t)snprintf(buf, sizeof(buf), "{'rules':[{'name':'a',"
	    "'then':'exclude','when':{'seeker.disability.type':[");
	for (int i = 0; i < 33; i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s'visual'",
		    i ? "," : "");
	snprintf(buf + o, sizeof(buf) - o, "]}}]}");
	fixture_refused(buf, "rules[0].when.seeker.disability.type", NULL);

	/* 16 conditions pass, 17 do not. */
	for (int n = 16; n <= 17; n++) {
		o = (size_t)snprintf(buf, sizeof(buf), "{'rules':[{'name':'a',"
		    "'then':'exclude','when':{");
		for (int i = 0; i < n; i++) {
			const struct rule_field *f = &rule_fields[i];
			o += (size_t)snprintf(buf + o, sizeof(buf) - o,
			    "%s'%s':%s", i ? "," : "", f->name,
			    f->kind == FK_TEXT ? "'x'" : f->kind == FK_NUMBER ?
			    "{'min':0}" : f->values == FV_BOOL ? "[true]" :
			    f->values == FV_TOWN_KIND ? "['town']" :
			    f->values == VOCAB_DISABILITY ? "['visual']" :
			    f->values == VOCAB_FLAG ? "['rural']" :
			    f->values == VOCAB_AVOID ? "['voice_phone']" :
			    f->values == VOCAB_ACCOMMODATION ? "['braille']" :
			    f->values == VOCAB_EMPLOYMENT ? "['sheltered']" :
			    "['soe']");
		}
		snprintf(buf + o, sizeof(buf) - o, "}}]}");
		if (n == 16) {
			assert_int_equal(fixture_decode(buf, &spec, &e), 0);
			assert_int_equal(spec.rules[0].nconds, 16);
			rules_spec_clear(&spec);
		} else
			fixture_refused(buf, "rules[0].when",
			    "more than 16 conditions");
	}

	/* 128 rules pass the decoder, 129 do not. */
	for (int n = 128; n <= 129; n++) {
		o = (size_t)snprintf(buf, sizeof(buf), "{'rules':[");
		for (int i = 0; i < n; i++)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o,
			    "%s{'name':'r%d','then':{'boost':0.1}}",
			    i ? "," : "", i);
		snprintf(buf + o, sizeof(buf) - o, "]}");
		if (n == 128) {
			assert_int_equal(fixture_decode(buf, &spec, &e), 0);
			assert_int_equal(spec.nrules, 128);
			assert_string_equal(spec.rules[127].name, "r127");
			rules_spec_clear(&spec);
		} else
			fixture_refused(buf, "rules",
			    "must be an array of at most 128 rules");
	}

	/* Names: 64 characters pass, 65 do not. */
	memset(name, 'n', 64);
	name[64] = '\0';
	snprintf(buf, sizeof(buf), "{'rules':[{'name':'%s','then':'exclude'}]}",
	    name);
	assert_int_equal(fixture_decode(buf, &spec, &e), 0);
	assert_int_equal(strlen(spec.rules[0].name), 64);
	rules_spec_clear(&spec);
	strcat(name, "n");
	snprintf(buf, sizeof(buf), "{'rules':[{'name':'%s','then':'exclude'}]}",
	    name);
	fixture_refused(buf, "rules[0].name", NULL);
}

/* ---- compiling ----------------------------------------------------------- */

static void
test_compile_bad_pattern(void **state)
{
	struct regex_limits lim;
	struct rules_spec spec;
	struct rules_error err;
	struct rules *r = NULL;
	struct perr e;
	char *held;

	(void)state;
	regex_limits_defaults(&lim);
	assert_int_equal(fixture_decode("{'rules':["
	    "{'name':'ok','when':{'job.title':'文员'},'then':'exclude'},"
	    "{'name':'phone','when':{'seeker.disability.type':['hearing'],"
	    "'job.title':'(电话|热线'},'then':'exclude'}]}", &spec, &e), 0);
	held = spec.rules[1].conds[1].pattern;
	assert_int_equal(rules_compile(&r, &spec, &lim, &err), -1);
	assert_null(r);
	assert_string_equal(err.rule, "rules[1] (phone)");
	assert_string_equal(err.field, "when.job.title");
	assert_int_equal(err.offset, 14);	/* bytes: the end */
	assert_string_equal(err.reason, "missing closing parenthesis");
	/* On failure the spec is untouched ... */
	assert_int_equal(spec.nrules, 2);
	assert_string_equal(spec.rules[0].name, "ok");
	assert_string_equal(spec.rules[1].name, "phone");
	assert_int_equal(spec.rules[1].nconds, 2);
	assert_ptr_equal(spec.rules[1].conds[1].pattern, held);
	assert_string_equal(held, "(电话|热线");
	/* ... so it can be mended and compiled. */
	free(spec.rules[1].conds[1].pattern);
	spec.rules[1].conds[1].pattern = strdup("(电话|热线)");
	assert_int_equal(rules_compile(&r, &spec, &lim, &err), 0);
	assert_int_equal(spec.nrules, 0);
	assert_null(spec.rules);
	assert_int_equal(rules_spec_of(r)->nrules, 2);
	assert_string_equal(rules_spec_of(r)->rules[1].conds[1].pattern,
	    "(电话|热线)");
	assert_int_equal(rules_version(r), 0);
	rules_set_version(r, 12);
	assert_int_equal(rules_version(r), 12);
	rules_free(r);

	/* A seeker's field, another error. */
	assert_int_equal(fixture_decode("{'rules':[{'name':'s','when':{"
	    "'seeker.skills':'a{2,1}'},'then':{'boost':1}}]}", &spec, &e), 0);
	assert_int_equal(rules_compile(&r, &spec, &lim, &err), -1);
	assert_string_equal(err.rule, "rules[0] (s)");
	assert_string_equal(err.field, "when.seeker.skills");
	assert_int_equal(err.offset, 5);
	assert_string_equal(err.reason,
	    "numbers out of order in {} quantifier");
	assert_int_equal(spec.nrules, 1);
	rules_spec_clear(&spec);

	/* A synonym's pattern is named by its term. */
	assert_int_equal(fixture_decode("{'synonyms':[{'term':'massage',"
	    "'pattern':'按摩|推拿'},{'term':'typing','pattern':'打字['}],'rules':["
	    "{'name':'x','when':{'job.title':'('},'then':'exclude'}]}", &spec,
	    &e), 0);
	assert_int_equal(rules_compile(&r, &spec, &lim, &err), -1);
	assert_string_equal(err.rule, "synonyms[1] (typing)");
	assert_string_equal(err.field, "pattern");
	assert_int_equal(err.offset, 7);
	assert_string_equal(err.reason,
	    "missing terminating ] for character class");
	assert_int_equal(spec.nsyn, 2);
	assert_string_equal(spec.syn[1].pattern, "打字[");
	rules_spec_clear(&spec);
}

static void
test_compile_verbs(void **state)
{
	struct rules *r;
	struct rules_error err;

	(void)state;
	verb_refused("(*NO_JIT)abc", 0);
	verb_refused("(*LIMIT_MATCH=1)a", 0);
	verb_refused("a(*SKIP)b", 1);
	verb_refused("(?C1)a", 0);
	verb_refused("文员(?C\"x\")", 6);
	/* No way around it through PCRE2's quoting, classes or comments. */
	verb_refused("[^][](*SKIP)", 5);
	verb_refused("[^]](*SKIP)", 4);
	verb_refused("\\Q[\\E(*SKIP)", 5);
	verb_refused("(?#[)(*SKIP)", 5);
	verb_refused("[[:alpha:][](*SKIP)", 12);
	verb_refused("\\c[](*SKIP)", 4);
	verb_refused("[\\Q\\E][](*SKIP)]", 8);
	verb_refused("[\\E][](*SKIP)", 6);
	verb_refused("(?x)#[\n(*SKIP)", 7);
	/* Literal parentheses and stars are fine ... */
	pattern_ok("\\(\\*");
	pattern_ok("[(*]");
	pattern_ok("[](*]");
	pattern_ok("[^](*]");
	pattern_ok("[\\Q\\E](*]");
	pattern_ok("[[:alpha:](*]");
	pattern_ok("[a\\](*]");
	pattern_ok("\\Q(*\\E");
	pattern_ok("(?#(*)abc");
	/* ... and mean what they say. */
	assert_int_equal(try_pattern("\\(\\*", NULL, &r, &err), 0);
	assert_true(title_matches(r, "急招(*)"));
	assert_false(title_matches(r, "急招()"));
	rules_free(r);
	assert_int_equal(try_pattern("^[(*]+$", NULL, &r, &err), 0);
	assert_true(title_matches(r, "(**("));
	assert_false(title_matches(r, "(a"));
	rules_free(r);
	assert_int_equal(try_pattern("\\Q(*\\E", NULL, &r, &err), 0);
	assert_true(title_matches(r, "a(*b"));
	assert_false(title_matches(r, "a(b"));
	rules_free(r);
}

static void
test_compile_costly(void **state)
{
	struct regex_limits lim;
	struct rules_spec spec;
	struct rules_error err;
	struct rules *r = NULL;
	struct perr e;

	(void)state;
	costly_refused("(a+)+$");
	costly_refused("(\\w+\\s?)*$");
	costly_refused("(a|aa)+$");
	costly_refused("([a-z]+)*[0-9]");
	costly_refused("(\\d+)*$");
	costly_refused("(中+)+$");
	costly_refused("^(\\d+)*x$");
	costly_refused("^(a?){25}a{25}$");
	/*
	 * Under the limit at every start position, yet 4096 ways at each:
	 * tens of milliseconds on "aaa...a!" without ever failing. The probe's
	 * tighter limit refuses it.
	 */
	costly_refused("(?:a|a){1,12}!!");
	costly_refused("(?:x|x){1,11}y");
	/* Ordinary patterns pass. */
	pattern_ok("(?i)电话|话务|热线|接线员|telephone|hotline|call ?cent(er|re)");
	pattern_ok("(零工|灵活就业|兼职){1,3}");
	pattern_ok("电话|话务|热线|接线|telephone|hotline|call ?cent(er|re)");
	pattern_ok("^(文员|文秘|档案|clerk)$");
	pattern_ok("\\d{3,}");
	pattern_ok("\\bhotline\\b");
	pattern_ok("^massage$");
	pattern_ok("(?i)^(js|javascript|typescript|前端)$");
	pattern_ok("^[0-9]+(\\.[0-9]+)*$");
	pattern_ok("仓库.*管理");

	/* The same for a synonym. */
	regex_limits_defaults(&lim);
	assert_int_equal(fixture_decode("{'synonyms':[{'term':'x','pattern':"
	    "'(x+)+y$'}]}", &spec, &e), 0);
	assert_int_equal(rules_compile(&r, &spec, &lim, &err), -1);
	assert_string_equal(err.rule, "synonyms[0] (x)");
	assert_string_equal(err.field, "pattern");
	assert_int_equal(err.offset, -1);
	assert_memory_equal(err.reason, "too costly: ", 12);
	rules_spec_clear(&spec);

	/* Probes count no limit hit against the rule set. */
	assert_int_equal(try_pattern("仓库|分拣", NULL, &r, &err), 0);
	assert_int_equal(rules_stats_of(r)->limit_hits, 0);
	assert_int_equal(rules_stats_of(r)->matches, 0);
	rules_free(r);
}

static void
test_compile_limits(void **state)
{
	struct regex_limits lim;
	struct rules_error err;

	(void)state;
	regex_limits_defaults(&lim);
	lim.max_parens = 4;
	assert_int_equal(try_pattern("((((a))))", &lim, NULL, &err), 0);
	assert_int_equal(try_pattern("(((((a)))))", &lim, NULL, &err), -1);
	assert_string_equal(err.field, "when.job.title");
	assert_int_equal(err.offset, 5);
	assert_string_equal(err.reason, "parentheses are too deeply nested");

	regex_limits_defaults(&lim);
	lim.max_pattern_len = 16;
	assert_int_equal(try_pattern("0123456789abcdef", &lim, NULL, &err), 0);
	assert_int_equal(try_pattern("0123456789abcdefg", &lim, NULL, &err),
	    -1);
	assert_string_equal(err.rule, "rules[0] (r)");
	assert_string_equal(err.field, "when.job.title");
	assert_int_equal(err.offset, 0);
	assert_string_equal(err.reason,
	    "pattern string is longer than the limit set by the application");
	/* Bytes, not characters: five Chinese characters are 15. */
	assert_int_equal(try_pattern("电话热线客", &lim, NULL, &err), 0);
	assert_int_equal(try_pattern("电话热线客服", &lim, NULL, &err), -1);
}

static void
test_compile_duplicates(void **state)
{
	struct regex_limits lim;
	struct rules_spec spec;
	struct rules_error err;
	struct rules *r = NULL;
	struct perr e;

	(void)state;
	regex_limits_defaults(&lim);
	assert_int_equal(fixture_decode("{'rules':["
	    "{'name':'a','when':{'job.title':'x'},'then':'exclude'},"
	    "{'name':'b','then':{'boost':0.1}},"
	    "{'name':'a','when':{'job.title':'y'},'then':{'boost':0.2}}]}",
	    &spec, &e), 0);
	assert_int_equal(rules_compile(&r, &spec, &lim, &err), -1);
	assert_null(r);
	assert_string_equal(err.rule, "rules[2] (a)");
	assert_string_equal(err.field, "name");
	assert_int_equal(err.offset, -1);
	assert_string_equal(err.reason, "two rules have this name");
	assert_int_equal(spec.nrules, 3);
	assert_string_equal(spec.rules[2].conds[0].pattern, "y");
	/* Renamed, it compiles. */
	spec.rules[2].name[0] = 'c';
	assert_int_equal(rules_compile(&r, &spec, &lim, &err), 0);
	assert_string_equal(rules_spec_of(r)->rules[2].name, "c");
	rules_free(r);
}

/* A spec of n rules without conditions, each a boost of 0.01. */
static void
many_spec(struct rules_spec *spec, size_t n)
{
	char name[16];

	rules_spec_defaults(spec);
	spec->rules = calloc(n, sizeof(*spec->rules));
	assert_non_null(spec->rules);
	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "r%zu", i);
		spec->rules[i].name = strdup(name);
		spec->rules[i].action = RULE_BOOST;
		spec->rules[i].boost = 0.01;
	}
	spec->nrules = n;
}

static void
test_compile_too_many(void **state)
{
	struct fx *x = *state;
	struct regex_limits lim;
	struct rules_spec spec;
	struct rules_error err;
	struct rules *r = NULL;

	regex_limits_defaults(&lim);
	many_spec(&spec, RULES_MAX + 1);
	assert_int_equal(rules_compile(&r, &spec, &lim, &err), -1);
	assert_null(r);
	assert_string_equal(err.rule, "");
	assert_string_equal(err.field, "rules");
	assert_int_equal(err.offset, -1);
	assert_string_equal(err.reason, "more than 128 rules");
	assert_int_equal(spec.nrules, 129);
	assert_string_equal(spec.rules[128].name, "r128");
	rules_spec_clear(&spec);

	/* 128 fit, and every one of them fires (both words of bits). */
	many_spec(&spec, RULES_MAX);
	assert_int_equal(rules_compile(&r, &spec, &lim, &err), 0);
	use_rules(x, r);
	put(x, "{'id':'j'}");
	assert_string_equal(run(x), "j");
	assert_true(hit(x, "j")->fired[0] == UINT64_MAX);
	assert_true(hit(x, "j")->fired[1] == UINT64_MAX);
	/* Boosts are summed, never capped. */
	assert_true(policy(x, "j") == 1.28);
	assert_true(hit(x, "j")->score == 0.5 + 0.3 + 1.28);
	assert_true(matcher_job(x->m, "e1", "j")->rule_bits[1] == UINT64_MAX);
}

/* ---- evaluation ---------------------------------------------------------- */

static void
test_eval_boost(void **state)
{
	struct fx *x = *state;

	use(x, "{'rules':["
	    "{'name':'warehouse_grad','when':{'seeker.flags':['graduate'],"
	    "'job.title':'仓库|分拣'},'then':{'boost':0.25}},"
	    "{'name':'internship_last','when':{"
	    "'job.employment_type':['internship']},'then':{'boost':-0.15}}]}");
	put(x, "{'id':'wh','title':'仓库管理员'}");
	put(x, "{'id':'sort','title':'快递分拣员'}");
	put(x, "{'id':'clerk'}");
	put(x, "{'id':'in','employment_type':'internship'}");
	assert_int_equal(job_bits(x, "e1", "wh"), BIT(0));
	assert_int_equal(job_bits(x, "e1", "sort"), BIT(0));
	assert_int_equal(job_bits(x, "e1", "clerk"), 0);
	assert_int_equal(job_bits(x, "e1", "in"), BIT(1));

	/* Not a graduate: no boost but the one for every seeker. */
	assert_string_equal(run(x), "clerk,sort,wh,in");
	assert_int_equal(fired(x, "wh"), 0);
	assert_true(policy(x, "wh") == 0);
	assert_true(hit(x, "wh")->score == 0.5 + 0.3);
	assert_int_equal(fired(x, "in"), BIT(1));
	assert_true(policy(x, "in") == -0.15);
	assert_true(hit(x, "in")->comp[COMP_POLICY] == -0.15);

	x->p.flags_mask = 1u << FLAG_GRADUATE;
	assert_string_equal(run(x), "sort,wh,clerk,in");
	assert_int_equal(fired(x, "wh"), BIT(0));
	assert_int_equal(fired(x, "sort"), BIT(0));
	assert_int_equal(fired(x, "clerk"), 0);
	assert_true(policy(x, "wh") == 0.25);
	assert_true(hit(x, "wh")->comp[COMP_POLICY] == 0.25);
	assert_true(hit(x, "wh")->score == 0.5 + 0.3 + 0.25);
	assert_int_equal(x->res.candidates, 4);
}

static void
test_eval_exclude(void **state)
{
	struct fx *x = *state;
	const struct match_explain *ex;

	use(x, "{'rules':[{'name':'no_phone_for_deaf','when':{"
	    "'seeker.disability.type':['hearing','speech'],"
	    "'job.title':'电话|热线'},'then':'exclude'}]}");
	put(x, "{'id':'phone','title':'电话客服'}");
	put(x, "{'id':'hot','title':'热线接线员'}");
	put(x, "{'id':'pack','title':'包装工'}");
	x->p.disability = DIS_HEARING;
	assert_string_equal(run(x), "pack");
	assert_int_equal(x->res.candidates, 1);
	x->p.disability = DIS_SPEECH;
	assert_string_equal(run(x), "pack");
	x->p.disability = DIS_VISUAL;
	assert_string_equal(run(x), "hot,pack,phone");
	assert_int_equal(x->res.candidates, 3);
	assert_int_equal(fired(x, "phone"), 0);	/* exclusions add nothing */

	x->p.disability = DIS_HEARING;
	ex = explain(x, "phone");
	assert_false(ex->matched);
	assert_int_equal(ex->excluded_by, 0);
	verdict(ex, 0, RV_FIRED, NULL);
	ex = explain(x, "pack");
	assert_true(ex->matched);
	assert_int_equal(ex->excluded_by, -1);
	verdict(ex, 0, RV_JOB, "job.title");
	x->p.disability = DIS_VISUAL;
	ex = explain(x, "phone");
	assert_true(ex->matched);
	verdict(ex, 0, RV_SEEKER, "seeker.disability.type");
}

static void
test_eval_require(void **state)
{
	struct fx *x = *state;
	const struct match_explain *ex;

	put(x, "{'id':'city','town':'" GUIXI "'}");
	put(x, "{'id':'xin','town':'" XINMIN "'}");
	put(x, "{'id':'sha','town':'" SHAPING "'}");
	put(x, "{'id':'twp','town':'" SHAHE "'}");
	put(x, "{'id':'rem','town':'" SHAPING "','remote':true}");

	/* A rural seeker only sees posts in the towns and townships. */
	use(x, "{'rules':[{'name':'rural_stays_rural','when':{"
	    "'seeker.flags':['rural'],'job.town_kind':['town','township']},"
	    "'then':'require'}]}");
	assert_string_equal(run(x), "city,rem,xin,sha,twp");
	x->p.flags_mask = 1u << FLAG_RURAL;
	assert_string_equal(run(x), "rem,xin,sha,twp");
	assert_int_equal(fired(x, "xin"), 0);	/* requirements add nothing */
	ex = explain(x, "city");
	assert_false(ex->matched);
	assert_int_equal(ex->excluded_by, 0);
	verdict(ex, 0, RV_FIRED, "job.town_kind");
	ex = explain(x, "xin");
	assert_true(ex->matched);
	verdict(ex, 0, RV_REQUIRE_MET, NULL);
	x->p.flags_mask = 0;
	ex = explain(x, "city");
	assert_true(ex->matched);
	verdict(ex, 0, RV_SEEKER, "seeker.flags");

	/* The most severely disabled, within 9 km only, remote or not. */
	use(x, "{'rules':[{'name':'near_for_grade_1','when':{"
	    "'seeker.disability.grade':{'max':1},'distance_km':{'max':9}},"
	    "'then':'require'}]}");
	assert_string_equal(run(x), "city,rem,xin,sha,twp");
	x->p.grade = 1;
	assert_string_equal(run(x), "city,xin");
	ex = explain(x, "sha");
	assert_int_equal(ex->excluded_by, 0);
	verdict(ex, 0, RV_FIRED, "distance_km");
	ex = explain(x, "rem");
	verdict(ex, 0, RV_FIRED, "distance_km");
	ex = explain(x, "xin");
	verdict(ex, 0, RV_REQUIRE_MET, NULL);

	/* Without conditions on the seeker it binds every seeker. */
	x->p.grade = 3;
	put(x, "{'id':'s3000','salary':{'min':3000,'max':4000}}");
	put(x, "{'id':'s1500','salary':{'min':1500,'max':2500}}");
	use(x, "{'rules':[{'name':'paid','when':{'job.salary.min':"
	    "{'min':2000}},'then':'require'}]}");
	assert_string_equal(run(x), "s3000");
	x->p.disability = DIS_VISUAL;
	x->p.grade = 1;
	assert_string_equal(run(x), "s3000");
	ex = explain(x, "s1500");
	verdict(ex, 0, RV_FIRED, "job.salary.min");
	ex = explain(x, "city");	/* no salary at all */
	verdict(ex, 0, RV_FIRED, "job.salary.min");
	ex = explain(x, "s3000");
	verdict(ex, 0, RV_REQUIRE_MET, NULL);
}

static void
test_eval_distance(void **state)
{
	struct fx *x = *state;
	const struct match_explain *ex;
	char doc[256];
	double d;

	use(x, "{'rules':["
	    "{'name':'near','when':{'distance_km':{'max':9}},"
	    "'then':{'boost':0.1}},"
	    "{'name':'far','when':{'distance_km':{'min':9}},"
	    "'then':{'boost':0.05}}]}");
	put(x, "{'id':'here'}");
	put(x, "{'id':'xin','town':'" XINMIN "'}");
	put(x, "{'id':'sha','town':'" SHAPING "'}");
	put(x, "{'id':'rem','town':'" SHAPING "','remote':true}");
	/* Distance is no condition on the posting alone. */
	assert_int_equal(job_bits(x, "e1", "sha"), BIT(0) | BIT(1));
	assert_int_equal(fired(x, "here"), BIT(0));
	assert_int_equal(fired(x, "xin"), BIT(0));
	assert_int_equal(fired(x, "sha"), BIT(1));
	assert_int_equal(fired(x, "rem"), BIT(1));
	assert_true(policy(x, "xin") == 0.1);
	assert_true(policy(x, "sha") == 0.05);
	ex = explain(x, "sha");
	verdict(ex, 0, RV_PAIR, "distance_km");
	verdict(ex, 1, RV_FIRED, NULL);
	assert_true(ex->hit.part[COMP_POLICY] == 0.05);

	/* Bounds are inclusive. */
	d = geo_distance_km(HOME_LAT, HOME_LON, 30.3976, 107.3895);
	snprintf(doc, sizeof(doc), "{'rules':[{'name':'upto',"
	    "'when':{'distance_km':{'max':%.17g}},'then':{'boost':0.1}}]}", d);
	use(x, doc);
	assert_int_equal(fired(x, "xin"), BIT(0));
	assert_int_equal(fired(x, "sha"), 0);
	snprintf(doc, sizeof(doc), "{'rules':[{'name':'from',"
	    "'when':{'distance_km':{'min':%.17g}},'then':{'boost':0.1}}]}", d);
	use(x, doc);
	assert_int_equal(fired(x, "xin"), BIT(0));
	assert_int_equal(fired(x, "sha"), BIT(0));
	assert_int_equal(fired(x, "here"), 0);
}

static void
test_eval_numbers(void **state)
{
	struct fx *x = *state;
	const struct match_explain *ex;

	use(x, "{'rules':["
	    "{'name':'grade','when':{'seeker.disability.grade':"
	    "{'min':2,'max':3}},'then':{'boost':0.01}},"
	    "{'name':'low_pay','when':{'job.salary.max':{'max':4000}},"
	    "'then':{'boost':0.02}},"
	    "{'name':'many','when':{'job.openings':{'min':5}},"
	    "'then':{'boost':0.04}}]}");
	put(x, "{'id':'a','salary':{'min':2000,'max':3500},'openings':5}");
	put(x, "{'id':'b','salary':{'min':3000,'max':5000},'openings':4}");
	put(x, "{'id':'c'}");
	assert_int_equal(job_bits(x, "e1", "a"), BIT(0) | BIT(1) | BIT(2));
	assert_int_equal(job_bits(x, "e1", "b"), BIT(0));
	assert_int_equal(job_bits(x, "e1", "c"), BIT(0));
	x->p.grade = 2;
	assert_int_equal(fired(x, "a"), BIT(0) | BIT(1) | BIT(2));
	assert_true(policy(x, "a") == 0.07);
	assert_int_equal(fired(x, "b"), BIT(0));
	assert_int_equal(fired(x, "c"), BIT(0));
	ex = explain(x, "c");
	verdict(ex, 1, RV_JOB, "job.salary.max");
	verdict(ex, 2, RV_JOB, "job.openings");
	x->p.grade = 3;
	assert_int_equal(fired(x, "b"), BIT(0));
	x->p.grade = 1;
	assert_int_equal(fired(x, "a"), BIT(1) | BIT(2));
	x->p.grade = 4;
	assert_int_equal(fired(x, "a"), BIT(1) | BIT(2));
	assert_true(policy(x, "a") == 0.06);
	ex = explain(x, "a");
	verdict(ex, 0, RV_SEEKER, "seeker.disability.grade");
	verdict(ex, 1, RV_FIRED, NULL);
}

static void
test_eval_skills(void **state)
{
	struct fx *x = *state;
	char *sk[1];

	use(x, "{'synonyms':[{'term':'massage','pattern':'按摩|推拿|massage'}],"
	    "'rules':["
	    "{'name':'seeker_canon','when':{'seeker.skills':'^massage$'},"
	    "'then':{'boost':0.01}},"
	    "{'name':'seeker_raw','when':{'seeker.skills':'^推拿$'},"
	    "'then':{'boost':0.02}},"
	    "{'name':'job_canon','when':{'job.skills':'^massage$'},"
	    "'then':{'boost':0.04}},"
	    "{'name':'job_raw','when':{'job.skills':'^按摩$'},"
	    "'then':{'boost':0.08}},"
	    "{'name':'seeker_as_typed','when':{'seeker.skills':'^Massage$'},"
	    "'then':{'boost':0.16}}]}");
	put(x, "{'id':'am','skills':['按摩']}");
	put(x, "{'id':'tn','skills':['推拿']}");
	put(x, "{'id':'blind','skills':['盲人按摩']}");
	put(x, "{'id':'none'}");
	put(x, "{'id':'weld','skills':['焊工']}");
	/* A posting's skills: as posted and as canonical terms. */
	assert_int_equal(job_bits(x, "e1", "am") & (BIT(2) | BIT(3)),
	    BIT(2) | BIT(3));
	assert_int_equal(job_bits(x, "e1", "tn") & (BIT(2) | BIT(3)), BIT(2));
	assert_int_equal(job_bits(x, "e1", "blind") & (BIT(2) | BIT(3)),
	    BIT(2));
	assert_int_equal(job_bits(x, "e1", "none") & (BIT(2) | BIT(3)), 0);
	assert_int_equal(job_bits(x, "e1", "weld") & (BIT(2) | BIT(3)), 0);

	/* A seeker's, the same. */
	x->p.skills = sk;
	x->p.nskills = 1;
	sk[0] = "推拿";
	assert_int_equal(fired(x, "am"), BIT(0) | BIT(1) | BIT(2) | BIT(3));
	assert_int_equal(fired(x, "tn"), BIT(0) | BIT(1) | BIT(2));
	assert_int_equal(fired(x, "weld"), BIT(0) | BIT(1));
	assert_true(policy(x, "am") == 0.15);
	sk[0] = "Massage";
	assert_int_equal(fired(x, "weld"), BIT(0) | BIT(4));
	sk[0] = "  MASSAGE ";
	assert_int_equal(fired(x, "weld"), BIT(0));
	sk[0] = "tuina";
	assert_int_equal(fired(x, "weld"), 0);
	assert_int_equal(fired(x, "am"), BIT(2) | BIT(3));
	x->p.nskills = 0;
	assert_int_equal(fired(x, "blind"), BIT(2));
	x->p.skills = NULL;
}

static void
test_eval_fields(void **state)
{
	struct fx *x = *state;
	const struct match_explain *ex;
	const uint64_t all = BIT(11) - 1;

	use(x, "{'rules':["
	    "{'name':'acc','when':{'job.accessible_for':['visual']},"
	    "'then':{'boost':0.001}},"
	    "{'name':'accom','when':{'job.accommodations':['braille']},"
	    "'then':{'boost':0.001}},"
	    "{'name':'needs','when':{'seeker.needs':['elevator']},"
	    "'then':{'boost':0.001}},"
	    "{'name':'stk','when':{'seeker.town_kind':['subdistrict']},"
	    "'then':{'boost':0.001}},"
	    "{'name':'onsite','when':{'job.remote':[false]},"
	    "'then':{'boost':0.001}},"
	    "{'name':'emp_id','when':{'job.employer_id':'^gov$'},"
	    "'then':{'boost':0.001}},"
	    "{'name':'emp_name','when':{'job.employer_name':'人社'},"
	    "'then':{'boost':0.001}},"
	    "{'name':'jtown','when':{'job.town':'^500231101'},"
	    "'then':{'boost':0.001}},"
	    "{'name':'desc','when':{'job.description':'热线'},"
	    "'then':{'boost':0.001}},"
	    "{'name':'stown','when':{'seeker.town':'^500231001000$'},"
	    "'then':{'boost':0.001}},"
	    "{'name':'etype','when':{'job.employment_type':['part_time']},"
	    "'then':{'boost':0.001}}]}");
	put(x, "{'id':'p1','employer_id':'gov','accessible_for':['any'],"
	    "'accommodations':['braille','elevator'],'town':'" XINMIN "',"
	    "'description':'接听服务热线','employment_type':'part_time'}");
	put(x, "{'id':'p2','accessible_for':['hearing'],'remote':true}");
	put(x, "{'id':'p3','accessible_for':['physical','visual'],"
	    "'description':'仓库','remote':false}");
	/* Rules without conditions on the posting hold for every one. */
	assert_int_equal(job_bits(x, "gov", "p1"), all);
	assert_int_equal(job_bits(x, "e1", "p2"), BIT(2) | BIT(3) | BIT(9));
	assert_int_equal(job_bits(x, "e1", "p3"),
	    BIT(0) | BIT(2) | BIT(3) | BIT(4) | BIT(9));

	x->p.needs_mask = 1u << vocab_lookup(VOCAB_ACCOMMODATION, "elevator");
	run(x);
	assert_int_equal(hit(x, "p1")->fired[0], all);
	assert_true(policy(x, "p1") == 0.011);
	/* Living in a town, not the subdistrict. */
	x->p.town = T_XINMIN;
	run(x);
	assert_int_equal(hit(x, "p1")->fired[0], all & ~(BIT(3) | BIT(9)));
	matcher_explain(x->m, &(struct match_query){ &x->p, &x->f, 10, 0, NOW,
	    x->budget }, "gov", "p1", &x->ex);
	ex = &x->ex;
	assert_true(ex->matched);
	verdict(ex, 3, RV_SEEKER, "seeker.town_kind");
	verdict(ex, 9, RV_SEEKER, "seeker.town");
	verdict(ex, 2, RV_FIRED, NULL);
	x->p.needs_mask = 0;
	x->p.town = -1;
	ex = explain(x, "p3");
	verdict(ex, 1, RV_JOB, "job.accommodations");
	verdict(ex, 2, RV_SEEKER, "seeker.needs");
	verdict(ex, 8, RV_JOB, "job.description");
	verdict(ex, 10, RV_JOB, "job.employment_type");
	verdict(ex, 4, RV_FIRED, NULL);
}

static void
test_eval_employer_type(void **state)
{
	struct fx *x = *state;
	const struct match_explain *ex;
	struct employer e;

	use(x, "{'rules':["
	    "{'name':'state_owned','when':{'job.employer_type':['soe']},"
	    "'then':{'boost':0.3}},"
	    "{'name':'power','when':{'job.employer_name':'供电'},"
	    "'then':{'boost':0.05}}]}");
	put(x, "{'id':'j','employer_id':'newco'}");
	/* An employer not yet known has no type and no name. */
	assert_int_equal(job_bits(x, "newco", "j"), 0);
	run(x);
	assert_int_equal(hit(x, "j")->fired[0], 0);

	employer_init(&e);
	snprintf(e.id, sizeof(e.id), "newco");
	e.name = strdup("县供电公司");
	e.type = ET_SOE;
	assert_int_equal(matcher_put_employer(x->m, &e), 0);
	assert_int_equal(job_bits(x, "newco", "j"), BIT(0) | BIT(1));
	run(x);
	assert_int_equal(hit(x, "j")->fired[0], BIT(0) | BIT(1));
	assert_true(policy(x, "j") == 0.35);

	/* Its type changes: the posting's rules follow. */
	e.type = ET_PRIVATE;
	assert_int_equal(matcher_put_employer(x->m, &e), 0);
	assert_int_equal(job_bits(x, "newco", "j"), BIT(1));
	run(x);
	assert_int_equal(hit(x, "j")->fired[0], BIT(1));
	matcher_explain(x->m, &(struct match_query){ &x->p, &x->f, 10, 0, NOW,
	    x->budget }, "newco", "j", &x->ex);
	ex = &x->ex;
	verdict(ex, 0, RV_JOB, "job.employer_type");
	verdict(ex, 1, RV_FIRED, NULL);
	/* And its name. */
	free(e.name);
	e.name = strdup("县自来水公司");
	assert_int_equal(matcher_put_employer(x->m, &e), 0);
	assert_int_equal(job_bits(x, "newco", "j"), 0);
	e.type = ET_SOE;
	assert_int_equal(matcher_put_employer(x->m, &e), 0);
	assert_int_equal(job_bits(x, "newco", "j"), BIT(0));
	employer_clear(&e);
}

static void
test_eval_set_rules(void **state)
{
	struct fx *x = *state;
	struct rules *a = compile("{'rules':[{'name':'clerk','when':{"
	    "'job.title':'文员'},'then':{'boost':0.1}}]}");
	struct rules *b = compile("{'rules':[{'name':'store','when':{"
	    "'job.title':'仓库'},'then':{'boost':0.2}},{'name':'clerk',"
	    "'when':{'job.title':'文员'},'then':'exclude'}]}");

	put(x, "{'id':'c'}");
	put(x, "{'id':'w','title':'仓库员'}");
	assert_int_equal(matcher_set_rules(x->m, a), 0);
	assert_int_equal(job_bits(x, "e1", "c"), BIT(0));
	assert_int_equal(job_bits(x, "e1", "w"), 0);
	assert_string_equal(run(x), "c,w");
	assert_int_equal(hit(x, "c")->fired[0], BIT(0));

	assert_int_equal(matcher_set_rules(x->m, b), 0);
	assert_int_equal(job_bits(x, "e1", "c"), BIT(1));
	assert_int_equal(job_bits(x, "e1", "w"), BIT(0));
	assert_string_equal(run(x), "w");
	assert_int_equal(hit(x, "w")->fired[0], BIT(0));
	assert_true(policy(x, "w") == 0.2);
	/* A posting put now is evaluated under the new rules. */
	put(x, "{'id':'c2','title':'仓库文员'}");
	assert_int_equal(job_bits(x, "e1", "c2"), BIT(0) | BIT(1));
	assert_string_equal(run(x), "w");

	assert_int_equal(matcher_set_rules(x->m, a), 0);
	assert_int_equal(job_bits(x, "e1", "c"), BIT(0));
	assert_int_equal(job_bits(x, "e1", "w"), 0);
	assert_int_equal(job_bits(x, "e1", "c2"), BIT(0));
	assert_string_equal(run(x), "c,c2,w");
	assert_int_equal(matcher_set_rules(x->m, x->rules), 0);
	assert_int_equal(job_bits(x, "e1", "c"), 0);
	rules_free(a);
	rules_free(b);
}

static void
test_eval_budget(void **state)
{
	struct fx *x = *state;
	char *sk[] = { "a", "b" };
	const struct match_explain *ex;
	uint64_t out, matches;

	/* A seeker's skills are tried as typed and canonical: a, a, b, b. */
	use(x, "{'rules':["
	    "{'name':'s1','when':{'seeker.skills':'^b$'},'then':{'boost':0.1}},"
	    "{'name':'s2','when':{'seeker.skills':'^a$'},'then':{'boost':0.2}},"
	    "{'name':'j','when':{'job.title':'文员'},'then':{'boost':0.4}}]}");
	put(x, "{'id':'c'}");
	x->p.skills = sk;
	x->p.nskills = 2;
	assert_int_equal(stats(x)->budget_out, 0);

	x->budget = 4;		/* s1: 3 tries, s2: 1 */
	matches = stats(x)->matches;
	assert_int_equal(fired(x, "c"), BIT(0) | BIT(1) | BIT(2));
	assert_int_equal(stats(x)->matches - matches, 4);
	assert_int_equal(stats(x)->budget_out, 0);

	x->budget = 3;		/* nothing left for s2 */
	assert_int_equal(fired(x, "c"), BIT(0) | BIT(2));
	assert_int_equal(stats(x)->budget_out, 1);

	x->budget = 2;		/* s1 runs out on its third try */
	assert_int_equal(fired(x, "c"), BIT(2));
	assert_int_equal(stats(x)->budget_out, 3);

	/* No budget: seekers' patterns fail, postings' were paid for. */
	x->budget = 0;
	matches = stats(x)->matches;
	assert_int_equal(fired(x, "c"), BIT(2));
	assert_true(policy(x, "c") == 0.4);
	assert_int_equal(stats(x)->budget_out, 5);
	assert_int_equal(stats(x)->matches, matches);
	out = stats(x)->budget_out;
	ex = explain(x, "c");
	assert_int_equal(ex->verdict[0], RV_SEEKER);
	assert_int_equal(ex->verdict[1], RV_SEEKER);
	verdict(ex, 2, RV_FIRED, NULL);
	assert_int_equal(stats(x)->budget_out, out + 2);
	assert_int_equal(stats(x)->limit_hits, 0);
	x->p.skills = NULL;
}

/* A seeker's synonyms are pattern runs too, paid from the same budget. */
static void
test_eval_budget_synonyms(void **state)
{
	struct fx *x = *state;
	char *sk[] = { "推拿" };
	const struct match_hit *h;
	uint64_t out;

	use(x, "{'synonyms':[{'term':'massage','pattern':'按摩|推拿'}]}");
	put(x, "{'id':'m','skills':['按摩']}");
	x->p.skills = sk;
	x->p.nskills = 1;
	x->budget = 1;
	(void)run(x);
	h = hit(x, "m");
	assert_non_null(h);
	assert_true(h->comp[COMP_SKILLS] == 1.0);
	out = stats(x)->budget_out;
	x->budget = 0;		/* 推拿 stays 推拿: it covers nothing */
	(void)run(x);
	h = hit(x, "m");
	assert_non_null(h);
	assert_true(h->comp[COMP_SKILLS] == 0.0);
	assert_int_equal(stats(x)->budget_out, out + 1);
	x->p.skills = NULL;
	x->p.nskills = 0;
}

/* A clock that moves fake_step microseconds every time it is read. */
static uint64_t fake_us, fake_step = 1000;

static uint64_t
fake_clock(void)
{
	return fake_us += fake_step;
}

/*
 * The deadline stops pattern runs that no step limit stops: with a clock
 * given, the first look past it (every 64 items) abandons the run, and the
 * runs after it are not started.
 */
static void
test_deadline_request(void **state)
{
	struct fx *x = *state;
	struct regex_limits lim;
	char skill[80], *sk[] = { skill, skill, skill };
	const char *doc = "{'rules':[{'name':'long','when':"
	    "{'seeker.skills':'(?:a|b|c|d)+x'},'then':{'boost':0.5}}]}";

	memset(skill, 0, sizeof(skill));
	for (int i = 0; i < 63; i++)
		skill[i] = "abcd"[i % 4];
	skill[63] = 'x';
	put(x, "{'id':'p'}");
	x->p.skills = sk;
	x->p.nskills = 3;

	/* No clock: the rule fires. */
	use(x, doc);
	(void)run(x);
	assert_true(policy(x, "p") == 0.5);

	/* A clock, and one look's worth of time: the first run is cut. */
	regex_limits_defaults(&lim);
	lim.clock_us = fake_clock;
	lim.time_us = 1000;
	use_rules(x, compile_lim(doc, &lim));
	(void)run(x);
	assert_true(policy(x, "p") == 0.0);
	assert_true(stats(x)->limit_hits >= 1);
	assert_true(stats(x)->budget_out >= 1);

	/* Plenty of time: it fires again. */
	lim.time_us = 10000000;
	use_rules(x, compile_lim(doc, &lim));
	(void)run(x);
	assert_true(policy(x, "p") == 0.5);
	assert_int_equal(stats(x)->limit_hits, 0);
	x->p.skills = NULL;
	x->p.nskills = 0;
}

/* A rule set whose postings' patterns overrun install_ms is not installed. */
static void
test_deadline_install(void **state)
{
	struct fx *x = *state;
	struct regex_limits lim;
	struct rules *r, *before;
	char title[120];
	const char *doc = "{'rules':[{'name':'long','when':"
	    "{'job.title':'(?:a|b|c|d)+x'},'then':{'boost':0.5}}]}";

	memset(title, 0, sizeof(title));
	for (int i = 0; i < 63; i++)
		title[i] = "abcd"[i % 4];
	title[63] = 'x';
	for (int k = 0; k < 3; k++) {
		char over[200];
		snprintf(over, sizeof(over), "{'id':'t%d','title':'%s'}", k,
		    title);
		put(x, over);
	}
	before = matcher_rules(x->m);
	regex_limits_defaults(&lim);
	lim.clock_us = fake_clock;
	lim.install_ms = 1;
	/* Validating takes time too: with the clock running it is refused. */
	{
		struct rules_spec spec;
		struct rules_error err;
		struct perr e;
		struct rules *none = NULL;

		assert_int_equal(fixture_decode(doc, &spec, &e), 0);
		assert_int_equal(rules_compile(&none, &spec, &lim, &err), -1);
		assert_string_equal(err.reason, "too costly: validating the "
		    "rule set takes longer than regex_install_ms");
		rules_spec_clear(&spec);
	}
	fake_step = 0;		/* the clock stands still while compiling */
	r = compile_lim(doc, &lim);
	fake_step = 1000;
	assert_int_equal(matcher_try_rules(x->m, r), -1);
	assert_int_equal(matcher_set_rules(x->m, r), -2);
	assert_ptr_equal(matcher_rules(x->m), before);
	(void)run(x);
	assert_true(policy(x, "t0") == 0.0);
	rules_free(r);
	/* With the time it needs, both succeed and the rule fires. */
	lim.install_ms = 100000;
	r = compile_lim(doc, &lim);
	assert_int_equal(matcher_try_rules(x->m, r), 0);
	use_rules(x, r);
	(void)run(x);
	assert_true(policy(x, "t0") == 0.5);
}

static void
test_eval_subject_cap(void **state)
{
	struct fx *x = *state;
	struct regex_limits lim;
	char desc[600], over[700];
	static const char rules[] = "{'rules':["
	    "{'name':'tail','when':{'job.description':'热线'},"
	    "'then':{'boost':0.1}},"
	    "{'name':'cut','when':{'job.description':'x{30}$'},"
	    "'then':{'boost':0.2}},"
	    "{'name':'head','when':{'job.description':'^x'},"
	    "'then':{'boost':0.4}},"
	    "{'name':'hot_end','when':{'job.description':'热$'},"
	    "'then':{'boost':0.8}}]}";

	/* 30 x, then 热 (bytes 30-32) and 线 (33-35). */
	memset(desc, 'x', 30);
	strcpy(desc + 30, "热线");
	snprintf(over, sizeof(over), "{'id':'d1','description':'%s'}", desc);
	put(x, over);
	put(x, "{'id':'d2','description':'热线xxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxx'}");

	/* 32 bytes: cut before 热, never inside it. */
	regex_limits_defaults(&lim);
	lim.max_subject_len = 32;
	use_rules(x, compile_lim(rules, &lim));
	assert_int_equal(job_bits(x, "e1", "d1"), BIT(1) | BIT(2));
	assert_int_equal(job_bits(x, "e1", "d2"), BIT(0));
	/* 33 bytes: 热 is in, 线 is not. */
	lim.max_subject_len = 33;
	use_rules(x, compile_lim(rules, &lim));
	assert_int_equal(job_bits(x, "e1", "d1"), BIT(2) | BIT(3));
	lim.max_subject_len = 36;
	use_rules(x, compile_lim(rules, &lim));
	assert_int_equal(job_bits(x, "e1", "d1"), BIT(0) | BIT(2));

	/* The default, 512 bytes. */
	use(x, rules);
	memset(desc, 'x', 506);
	strcpy(desc + 506, "热线");		/* ends at byte 512 */
	snprintf(over, sizeof(over), "{'id':'d3','description':'%s'}", desc);
	put(x, over);
	memset(desc, 'x', 508);
	strcpy(desc + 508, "热线");		/* 线 crosses byte 512 */
	snprintf(over, sizeof(over), "{'id':'d4','description':'%s'}", desc);
	put(x, over);
	memset(desc, 'x', 520);
	strcpy(desc + 520, "热线");
	snprintf(over, sizeof(over), "{'id':'d5','description':'%s'}", desc);
	put(x, over);
	assert_int_equal(job_bits(x, "e1", "d3"), BIT(0) | BIT(2));
	assert_int_equal(job_bits(x, "e1", "d4"), BIT(2) | BIT(3));
	assert_int_equal(job_bits(x, "e1", "d5"), BIT(1) | BIT(2));
	assert_int_equal(stats(x)->limit_hits, 0);
}

static void
test_eval_limit_hits(void **state)
{
	struct fx *x = *state;
	char bad[80] = "", over[160], *sk[1];

	/* Passes the probes, yet backtracks without end on "abcabc...d!":
	 * a match stopped by a limit is counted and does not match. */
	use(x, "{'rules':["
	    "{'name':'job','when':{'job.description':'^(abc|ab|c|bc|a)*d$'},"
	    "'then':{'boost':0.1}},"
	    "{'name':'seeker','when':{'seeker.skills':'^(abc|ab|c|bc|a)*d$'},"
	    "'then':{'boost':0.2}}]}");
	for (int i = 0; i < 20; i++)
		strcat(bad, "abc");
	strcat(bad, "d!");
	put(x, "{'id':'good','description':'abcabcd'}");
	assert_int_equal(stats(x)->limit_hits, 0);
	snprintf(over, sizeof(over), "{'id':'bad','description':'%s'}", bad);
	put(x, over);
	assert_int_equal(stats(x)->limit_hits, 1);
	assert_int_equal(job_bits(x, "e1", "good"), BIT(0) | BIT(1));
	assert_int_equal(job_bits(x, "e1", "bad"), BIT(1));

	/* The seeker's skill, as typed and canonical: two hits. */
	x->p.skills = sk;
	x->p.nskills = 1;
	sk[0] = bad;
	assert_int_equal(fired(x, "good"), BIT(0));
	assert_int_equal(stats(x)->limit_hits, 3);
	assert_int_equal(stats(x)->budget_out, 0);
	sk[0] = "abd";
	assert_int_equal(fired(x, "good"), BIT(0) | BIT(1));
	assert_int_equal(stats(x)->limit_hits, 3);
	x->p.skills = NULL;
}

static void
test_eval_max_km(void **state)
{
	struct fx *x = *state;

	put(x, "{'id':'xin','town':'" XINMIN "'}");
	put(x, "{'id':'sha','town':'" SHAPING "'}");
	put(x, "{'id':'twp','town':'" SHAHE "'}");
	assert_string_equal(run(x), "xin,sha,twp");
	use(x, "{'distance':{'max_km':10}}");
	assert_true(rules_spec_of(x->rules)->max_km == 10);
	assert_string_equal(run(x), "xin");
	x->p.max_distance_km = 11;
	assert_string_equal(run(x), "xin,sha");
}

static void
test_synonyms(void **state)
{
	struct rules *r = compile("{'synonyms':["
	    "{'term':'Massage','pattern':'^(MASSAGE|推拿)$'},"
	    "{'term':'drone','pattern':'无人机'},"
	    "{'term':'driving','pattern':'驾驶'}]}");
	char buf[64];

	(void)state;
	/* Caseless, and the canonical term is normalised too. */
	assert_string_equal(rules_canon_skill(r, " Massage ", buf,
	    sizeof(buf)), "massage");
	assert_string_equal(rules_canon_skill(r, "推拿", buf, sizeof(buf)),
	    "massage");
	assert_string_equal(rules_canon_skill(r, "推拿师", buf, sizeof(buf)),
	    "推拿师");
	/* The first synonym that matches wins. */
	assert_string_equal(rules_canon_skill(r, "无人机驾驶", buf,
	    sizeof(buf)), "drone");
	assert_string_equal(rules_canon_skill(r, "汽车驾驶", buf, sizeof(buf)),
	    "driving");
	assert_int_equal(rules_stats_of(r)->matches, 1 + 1 + 3 + 2 + 3);
	rules_free(r);
}

/* ---- explain ------------------------------------------------------------- */

static const char explain_rules[] = "{'rules':["
    "{'name':'boost_fired','when':{'job.title':'文员'},"
    "'then':{'boost':0.1}},"
    "{'name':'seeker_fails','when':{'seeker.flags':['graduate']},"
    "'then':{'boost':0.2}},"
    "{'name':'job_fails','when':{'seeker.disability.type':['physical'],"
    "'job.employment_type':['sheltered']},'then':{'boost':0.3}},"
    "{'name':'pair_fails','when':{'distance_km':{'min':5}},"
    "'then':{'boost':0.4}},"
    "{'name':'require_met','when':{'job.remote':[false]},"
    "'then':'require'},"
    "{'name':'exclude_not','when':{'seeker.disability.type':['visual']},"
    "'then':'exclude'}]}";

static void
test_explain_verdicts(void **state)
{
	struct fx *x = *state;
	const struct match_explain *ex;
	struct match_query q;

	use(x, explain_rules);
	put(x, "{'id':'c'}");
	put(x, "{'id':'v','accessible_for':['visual'],"
	    "'employment_type':'sheltered','accommodations':['braille']}");
	ex = explain(x, "c");
	for (int i = 0; i < FC_COUNT; i++)
		assert_true(ex->pass[i]);
	assert_int_equal(ex->missing_needs, 0);
	assert_true(ex->matched);
	assert_int_equal(ex->excluded_by, -1);
	verdict(ex, 0, RV_FIRED, NULL);
	verdict(ex, 1, RV_SEEKER, "seeker.flags");
	verdict(ex, 2, RV_JOB, "job.employment_type");
	verdict(ex, 3, RV_PAIR, "distance_km");
	verdict(ex, 4, RV_REQUIRE_MET, NULL);
	verdict(ex, 5, RV_SEEKER, "seeker.disability.type");
	assert_ptr_equal(ex->hit.job, matcher_job(x->m, "e1", "c"));
	assert_int_equal(ex->hit.fired[0], BIT(0));
	assert_true(ex->hit.part[COMP_SKILLS] == 0.5);
	assert_true(ex->hit.part[COMP_DISTANCE] == 0.3);
	assert_true(ex->hit.part[COMP_POLICY] == 0.1);
	assert_true(ex->hit.score == 0.5 + 0.3 + 0.1);
	/* The same score as the match. */
	run(x);
	assert_true(hit(x, "c")->score == ex->hit.score);

	/* A hard filter first: no rule is looked at. */
	x->p.needs_mask = 1u << vocab_lookup(VOCAB_ACCOMMODATION, "elevator") |
	    1u << vocab_lookup(VOCAB_ACCOMMODATION, "braille");
	ex = explain(x, "v");
	assert_false(ex->matched);
	assert_int_equal(ex->excluded_by, -1);
	for (int i = 0; i < FC_COUNT; i++)
		assert_int_equal(ex->pass[i], i != FC_DISABILITY &&
		    i != FC_NEEDS);
	assert_int_equal(ex->missing_needs, 1u << vocab_lookup(
	    VOCAB_ACCOMMODATION, "elevator"));
	for (int i = 0; i < 6; i++)
		verdict(ex, i, RV_NOT_EVALUATED, NULL);
	x->p.needs_mask = 0;

	/* No such posting. */
	q = query(x);
	matcher_explain(x->m, &q, "e1", "nope", &x->ex);
	assert_null(x->ex.job);
	assert_false(x->ex.matched);
	assert_int_equal(x->ex.excluded_by, -1);
	assert_null(codec_explain(&x->ex, &x->towns, x->rules));

	/* The first rule to leave the posting out is named. */
	use(x, "{'rules':["
	    "{'name':'boost_fired','when':{'job.title':'文员'},"
	    "'then':{'boost':0.1}},"
	    "{'name':'exclude_fires','when':{'job.title':'文员'},"
	    "'then':'exclude'},"
	    "{'name':'require_fails','when':{'job.town_kind':['town']},"
	    "'then':'require'}]}");
	assert_string_equal(run(x), "");
	ex = explain(x, "c");
	assert_false(ex->matched);
	assert_int_equal(ex->excluded_by, 1);
	verdict(ex, 0, RV_FIRED, NULL);
	verdict(ex, 1, RV_FIRED, NULL);
	verdict(ex, 2, RV_FIRED, "job.town_kind");
	assert_true(ex->hit.score == 0);
}

static double
num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_number(v))
		fail_msg("%s is not a number", key);
	return json_number_value(v);
}

static const char *
str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		fail_msg("%s is not a string", key);
	return json_string_value(v);
}

/* Rule i of an explanation: name, action, result and why. */
static void
rule_line(json_t *o, size_t i, const char *name, const char *action,
    const char *result, const char *why)
{
	json_t *r = json_array_get(json_object_get(o, "rules"), i);

	assert_non_null(r);
	assert_string_equal(str(r, "name"), name);
	assert_string_equal(str(r, "action"), action);
	assert_string_equal(str(r, "result"), result);
	assert_string_equal(str(r, "why"), why);
	assert_int_equal(json_object_size(r),
	    strcmp(action, "boost") == 0 ? 5 : 4);
}

static void
test_codec_explain(void **state)
{
	static const char *const names[FC_COUNT] = { "open", "disability",
	    "grade", "needs", "distance", "employment_types",
	    "employer_types", "min_salary" };
	struct fx *x = *state;
	json_t *o, *f, *c;

	use(x, explain_rules);
	rules_set_version(x->rules, 7);
	put(x, "{'id':'c','salary':{'min':2000,'max':3000}}");
	put(x, "{'id':'v','accessible_for':['visual']}");
	o = codec_explain(explain(x, "c"), &x->towns, x->rules);
	assert_non_null(o);
	assert_int_equal(json_object_size(o), 10);
	assert_string_equal(str(json_object_get(o, "job"), "id"), "c");
	assert_string_equal(str(json_object_get(o, "job"), "employer_name"),
	    "民营一厂");
	assert_true(json_is_true(json_object_get(o, "matched")));
	assert_true(num(o, "distance_km") == 0);
	assert_int_equal(json_integer_value(json_object_get(o,
	    "rules_version")), 7);
	assert_true(json_is_null(json_object_get(o, "excluded_by")));
	assert_int_equal(json_array_size(json_object_get(o, "missing_needs")),
	    0);
	f = json_object_get(o, "filters");
	assert_int_equal(json_array_size(f), FC_COUNT);
	for (size_t i = 0; i < FC_COUNT; i++) {
		assert_string_equal(str(json_array_get(f, i), "name"),
		    names[i]);
		assert_true(json_is_true(json_object_get(json_array_get(f, i),
		    "pass")));
	}
	assert_int_equal(json_array_size(json_object_get(o, "rules")), 6);
	rule_line(o, 0, "boost_fired", "boost", "fired",
	    "every condition holds");
	assert_true(num(json_array_get(json_object_get(o, "rules"), 0),
	    "boost") == 0.1);
	rule_line(o, 1, "seeker_fails", "boost", "skipped",
	    "the seeker's seeker.flags does not match");
	rule_line(o, 2, "job_fails", "boost", "skipped",
	    "the posting's job.employment_type does not match");
	rule_line(o, 3, "pair_fails", "boost", "skipped",
	    "distance_km is out of range");
	rule_line(o, 4, "require_met", "require", "met",
	    "the posting meets the requirement");
	rule_line(o, 5, "exclude_not", "exclude", "skipped",
	    "the seeker's seeker.disability.type does not match");
	/* The components add up to the score. */
	assert_true(num(o, "score") == 0.5 + 0.3 + 0.1);
	c = json_object_get(o, "components");
	assert_int_equal(json_object_size(c), 3);
	assert_true(num(json_object_get(c, "skills"), "value") == 1);
	assert_true(num(json_object_get(c, "skills"), "weight") == 0.5);
	assert_true(num(json_object_get(c, "skills"), "part") == 0.5);
	assert_true(num(json_object_get(c, "distance"), "value") == 1);
	assert_true(num(json_object_get(c, "distance"), "weight") == 0.3);
	assert_true(num(json_object_get(c, "distance"), "part") == 0.3);
	assert_int_equal(json_object_size(json_object_get(c, "policy")), 1);
	assert_true(num(json_object_get(c, "policy"), "part") == 0.1);
	assert_true(num(json_object_get(c, "skills"), "part") +
	    num(json_object_get(c, "distance"), "part") +
	    num(json_object_get(c, "policy"), "part") == num(o, "score"));
	json_decref(o);

	/* Left out by a hard filter: no score, no rule evaluated. */
	x->p.needs_mask = 1u << vocab_lookup(VOCAB_ACCOMMODATION, "braille");
	o = codec_explain(explain(x, "v"), &x->towns, x->rules);
	assert_true(json_is_false(json_object_get(o, "matched")));
	assert_null(json_object_get(o, "score"));
	assert_null(json_object_get(o, "components"));
	f = json_object_get(o, "filters");
	assert_true(json_is_false(json_object_get(json_array_get(f,
	    FC_DISABILITY), "pass")));
	assert_true(json_is_false(json_object_get(json_array_get(f,
	    FC_NEEDS), "pass")));
	assert_true(json_is_true(json_object_get(json_array_get(f,
	    FC_OPEN), "pass")));
	assert_string_equal(json_string_value(json_array_get(json_object_get(
	    o, "missing_needs"), 0)), "braille");
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(str(json_array_get(json_object_get(o,
		    "rules"), i), "result"), "not_evaluated");
	assert_string_equal(str(json_array_get(json_object_get(o, "rules"),
	    4), "why"), "a hard filter left the posting out first");
	json_decref(o);
	x->p.needs_mask = 0;

	/* Left out by a rule. */
	use(x, "{'rules':["
	    "{'name':'require_fails','when':{'job.town_kind':['town']},"
	    "'then':'require'},"
	    "{'name':'exclude_fires','when':{'job.title':'文员'},"
	    "'then':'exclude'}]}");
	o = codec_explain(explain(x, "c"), &x->towns, x->rules);
	assert_true(json_is_false(json_object_get(o, "matched")));
	assert_string_equal(str(o, "excluded_by"), "require_fails");
	assert_int_equal(json_integer_value(json_object_get(o,
	    "rules_version")), 0);
	assert_null(json_object_get(o, "score"));
	rule_line(o, 0, "require_fails", "require", "fired",
	    "the seeker's conditions hold and the posting's do not: the "
	    "posting is left out (job.town_kind)");
	rule_line(o, 1, "exclude_fires", "exclude", "fired",
	    "every condition holds: the posting is left out");
	json_decref(o);
}

static void
test_codec_hit(void **state)
{
	struct fx *x = *state;
	json_t *o, *ex;

	use(x, "{'rules':["
	    "{'name':'a','when':{'job.title':'文员'},'then':{'boost':0.2}},"
	    "{'name':'b','when':{'job.title':'仓库'},'then':{'boost':0.5}},"
	    "{'name':'c','then':{'boost':0.1}}]}");
	put(x, "{'id':'c'}");
	assert_string_equal(run(x), "c");
	o = codec_hit(&x->res.hits[0], &x->towns, x->rules, true);
	assert_non_null(o);
	ex = json_object_get(o, "explain");
	/* The rounded part, not the sum of the boosts (0.30000000000000004). */
	assert_true(x->res.hits[0].comp[COMP_POLICY] == 0.2 + 0.1);
	assert_true(num(ex, "policy") == 0.3);
	assert_true(num(ex, "skills") == 0.5);
	assert_true(num(ex, "distance") == 0.3);
	assert_true(num(json_object_get(ex, "components"), "skills") == 1);
	assert_true(num(json_object_get(ex, "components"), "distance") == 1);
	assert_true(num(ex, "skills") + num(ex, "distance") +
	    num(ex, "policy") == num(o, "score"));
	assert_int_equal(json_array_size(json_object_get(ex, "rules")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(
	    ex, "rules"), 0)), "a");
	assert_string_equal(json_string_value(json_array_get(json_object_get(
	    ex, "rules"), 1)), "c");
	assert_int_equal(json_object_size(json_object_get(ex, "boosts")), 2);
	assert_true(num(json_object_get(ex, "boosts"), "a") == 0.2);
	assert_true(num(json_object_get(ex, "boosts"), "c") == 0.1);
	assert_string_equal(str(json_object_get(o, "job"), "id"), "c");
	json_decref(o);
	o = codec_hit(&x->res.hits[0], &x->towns, x->rules, false);
	assert_int_equal(json_object_size(o), 3);
	assert_null(json_object_get(o, "explain"));
	assert_true(num(o, "score") == 0.5 + 0.3 + 0.3);
	json_decref(o);
}

/* ---- the shipped rule set ------------------------------------------------ */

static int
setup_default(void **state)
{
	struct fx *x;

	if (setup(state) == -1)
		return -1;
	x = *state;
	use_rules(x, fixture_default_rules());
	return 0;
}

/* The index of the default rule name; it must be at index want. */
static int
rule_at(struct fx *x, const char *name, int want)
{
	const struct rules_spec *rs = rules_spec_of(x->rules);

	assert_true((size_t)want < rs->nrules);
	assert_string_equal(rs->rules[want].name, name);
	return want;
}

static void
test_default_public_welfare_first(void **state)
{
	struct fx *x = *state;
	int r = rule_at(x, "public_welfare_first", 0);

	put(x, "{'id':'pw','employment_type':'public_welfare'}");
	put(x, "{'id':'ft'}");
	x->p.flags_mask = 1u << FLAG_LOW_INCOME;
	assert_int_equal(fired(x, "pw"), BIT(r));
	assert_true(policy(x, "pw") == 0.2);
	assert_true(hit(x, "pw")->score == 0.5 + 0.3 + 0.2);
	assert_int_equal(fired(x, "ft"), 0);
	assert_string_equal(run(x), "pw,ft");
	x->p.flags_mask = 1u << FLAG_ZERO_EMPLOYMENT;
	assert_int_equal(fired(x, "pw"), BIT(r));
	/* Near misses: other flags, no flag. */
	x->p.flags_mask = 1u << FLAG_GRADUATE | 1u << FLAG_RURAL;
	assert_int_equal(fired(x, "pw"), 0);
	assert_true(policy(x, "pw") == 0);
	x->p.flags_mask = 0;
	assert_int_equal(fired(x, "pw"), 0);
	verdict(explain(x, "pw"), r, RV_SEEKER, "seeker.flags");
}

static void
test_default_graduates_to_public_sector(void **state)
{
	struct fx *x = *state;
	int r = rule_at(x, "graduates_to_public_sector", 1);
	struct match_query q;

	put(x, "{'id':'gov','employer_id':'gov'}");
	put(x, "{'id':'inst','employer_id':'inst'}");
	put(x, "{'id':'soe','employer_id':'soe'}");
	put(x, "{'id':'priv','employer_id':'e1'}");
	put(x, "{'id':'comm','employer_id':'comm'}");
	put(x, "{'id':'shw','employer_id':'shw'}");
	x->p.flags_mask = 1u << FLAG_GRADUATE;
	assert_int_equal(fired(x, "gov"), BIT(r));
	assert_int_equal(fired(x, "inst"), BIT(r));
	assert_int_equal(fired(x, "soe"), BIT(r));
	assert_true(policy(x, "soe") == 0.2);
	assert_int_equal(fired(x, "priv"), 0);
	assert_int_equal(fired(x, "comm"), 0);
	assert_int_equal(fired(x, "shw"), 0);
	assert_string_equal(run(x), "gov,inst,soe,comm,priv,shw");
	q = query(x);
	matcher_explain(x->m, &q, "comm", "comm", &x->ex);
	verdict(&x->ex, r, RV_JOB, "job.employer_type");
	/* Near miss: not a graduate. */
	x->p.flags_mask = 1u << FLAG_LOW_INCOME;
	assert_int_equal(fired(x, "gov"), 0);
}

static void
test_default_sheltered_for_intellectual_mental(void **state)
{
	struct fx *x = *state;
	int r = rule_at(x, "sheltered_for_intellectual_mental", 2);
	int phys = rule_at(x, "sheltered_for_severe_physical", 3);

	put(x, "{'id':'sh','employment_type':'sheltered'}");
	put(x, "{'id':'ws','employer_id':'shw'}");
	put(x, "{'id':'ft'}");
	x->p.disability = DIS_INTELLECTUAL;
	x->p.grade = 4;
	assert_int_equal(fired(x, "sh"), BIT(r));
	assert_true(policy(x, "sh") == 0.2);
	assert_int_equal(fired(x, "ft"), 0);
	/* A sheltered workshop's full-time post is not a sheltered post. */
	assert_int_equal(fired(x, "ws"), 0);
	x->p.disability = DIS_MENTAL;
	assert_int_equal(fired(x, "sh"), BIT(r));
	x->p.disability = DIS_MULTIPLE;
	x->p.grade = 1;
	assert_int_equal(fired(x, "sh"), BIT(r));
	/* Near misses: a severe physical disability has its own rule; a
	 * visual one none. */
	x->p.disability = DIS_PHYSICAL;
	assert_int_equal(fired(x, "sh"), BIT(phys));
	x->p.disability = DIS_VISUAL;
	assert_int_equal(fired(x, "sh"), 0);
	verdict(explain(x, "sh"), r, RV_SEEKER, "seeker.disability.type");
}

static void
test_default_sheltered_for_severe_physical(void **state)
{
	struct fx *x = *state;
	int r = rule_at(x, "sheltered_for_severe_physical", 3);
	int im = rule_at(x, "sheltered_for_intellectual_mental", 2);

	put(x, "{'id':'sh','employment_type':'sheltered'}");
	put(x, "{'id':'ft'}");
	x->p.disability = DIS_PHYSICAL;
	x->p.grade = 1;
	assert_int_equal(fired(x, "sh"), BIT(r));
	assert_true(policy(x, "sh") == 0.2);
	assert_int_equal(fired(x, "ft"), 0);
	x->p.grade = 2;
	assert_int_equal(fired(x, "sh"), BIT(r));
	/* Near misses: grade 3; a severe disability of another type. */
	x->p.grade = 3;
	assert_int_equal(fired(x, "sh"), 0);
	verdict(explain(x, "sh"), r, RV_SEEKER, "seeker.disability.grade");
	x->p.disability = DIS_INTELLECTUAL;
	x->p.grade = 1;
	assert_int_equal(fired(x, "sh"), BIT(im));
	x->p.disability = DIS_HEARING;
	assert_int_equal(fired(x, "sh"), 0);
}

static void
test_default_massage_for_visual(void **state)
{
	struct fx *x = *state;
	int r = rule_at(x, "massage_for_visual", 4);

	put(x, "{'id':'tuina','title':'康复岗','skills':['推拿']}");
	put(x, "{'id':'en','title':'康复岗','skills':['Massage']}");
	put(x, "{'id':'physio','title':'康复岗','skills':['理疗']}");
	put(x, "{'id':'typing','skills':['打字']}");
	put(x, "{'id':'title','title':'盲人按摩师'}");
	x->p.disability = DIS_VISUAL;
	x->p.grade = 1;
	assert_int_equal(fired(x, "tuina"), BIT(r));
	assert_int_equal(fired(x, "en"), BIT(r));
	assert_int_equal(fired(x, "physio"), BIT(r));
	assert_true(policy(x, "tuina") == 0.2);
	assert_int_equal(fired(x, "typing"), 0);
	/* The rule reads the skills, not the title. */
	assert_int_equal(fired(x, "title"), 0);
	verdict(explain(x, "title"), r, RV_JOB, "job.skills");
	/* Near miss: not visually impaired. */
	x->p.disability = DIS_HEARING;
	assert_int_equal(fired(x, "tuina"), 0);
}

static void
test_default_rural_employment_base(void **state)
{
	struct fx *x = *state;
	int r = rule_at(x, "rural_employment_base", 5);

	put(x, "{'id':'xin','town':'" XINMIN "'}");
	put(x, "{'id':'twp','town':'" SHAHE "'}");
	put(x, "{'id':'near','location':{'lat':30.26,'lon':107.41}}");
	put(x, "{'id':'city','town':'" GUIXI "'}");
	x->p.flags_mask = 1u << FLAG_RURAL;
	assert_int_equal(fired(x, "xin"), BIT(r));
	assert_true(policy(x, "xin") == 0.1);
	assert_int_equal(fired(x, "twp"), BIT(r));
	/* A location alone lies in its nearest town (Shaping). */
	assert_int_equal(fired(x, "near"), BIT(r));
	/* Near misses: the county seat's subdistrict; not rural. */
	assert_int_equal(fired(x, "city"), 0);
	verdict(explain(x, "city"), r, RV_JOB, "job.town_kind");
	x->p.flags_mask = 1u << FLAG_LOW_INCOME;
	assert_int_equal(fired(x, "xin"), 0);
}

static void
test_default_no_driving_for_visual(void **state)
{
	struct fx *x = *state;
	int r = rule_at(x, "no_driving_for_visual", 6);
	const struct match_explain *ex;

	put(x, "{'id':'drive','skills':['驾驶']}");
	put(x, "{'id':'driver','skills':['司机','打字']}");
	put(x, "{'id':'en','skills':['driving']}");
	put(x, "{'id':'drone','skills':['无人机驾驶']}");
	put(x, "{'id':'typing','skills':['打字']}");
	x->p.disability = DIS_VISUAL;
	x->p.grade = 2;
	assert_string_equal(run(x), "drone,typing");
	assert_int_equal(x->res.candidates, 2);
	ex = explain(x, "driver");
	assert_false(ex->matched);
	assert_int_equal(ex->excluded_by, r);
	verdict(ex, r, RV_FIRED, NULL);
	/* Near miss: drone piloting is the drone skill, not driving. */
	ex = explain(x, "drone");
	assert_true(ex->matched);
	verdict(ex, r, RV_JOB, "job.skills");
	/* Other seekers see every post. */
	x->p.disability = DIS_HEARING;
	assert_string_equal(run(x), "drive,driver,drone,en,typing");
	verdict(explain(x, "drive"), r, RV_SEEKER, "seeker.disability.type");
}

/* Telephone posts rank lower for hearing and speech seekers, of every
 * grade, and stay in their results: many with mild hearing loss use a
 * phone. */
static void
test_default_voice_phone_lower_for_deaf(void **state)
{
	struct fx *x = *state;
	int r = rule_at(x, "voice_phone_lower_for_deaf", 7);
	const struct match_explain *ex;

	put(x, "{'id':'hot','title':'客服热线接线员'}");
	put(x, "{'id':'tel','title':'电话预约员'}");
	put(x, "{'id':'op','title':'话务员'}");
	put(x, "{'id':'en','title':'hotline operator'}");
	put(x, "{'id':'cc','title':'call centre agent'}");
	put(x, "{'id':'pack','title':'包装工','description':'无需接听电话'}");
	put(x, "{'id':'up','title':'Hotline Operator'}");
	/* Wiring (接线工) is factory work that suits deaf workers. */
	put(x, "{'id':'wire','title':'电器接线工'}");
	for (int g = 1; g <= 4; g++) {
		x->p.disability = DIS_HEARING;
		x->p.grade = g;
		/* every post stays; the telephone ones come after the rest
		 * (all else equal: 0.5 + 0.3 = 0.8 against 0.8 - 0.3) */
		assert_string_equal(run(x), "pack,wire,cc,en,hot,op,tel,up");
		assert_int_equal(x->res.candidates, 8);
		assert_true(hit(x, "hot")->score == 0.5);
		assert_true(policy(x, "hot") == -0.3);
		assert_true(hit(x, "pack")->score == 0.8);
		assert_int_equal(fired(x, "tel"), BIT(r));
		assert_int_equal(fired(x, "wire"), 0);
	}
	ex = explain(x, "hot");
	assert_true(ex->matched);
	assert_int_equal(ex->excluded_by, -1);
	verdict(ex, r, RV_FIRED, NULL);
	assert_true(ex->hit.part[COMP_POLICY] == -0.3);
	/* Near miss: the title decides, not the description. */
	verdict(explain(x, "pack"), r, RV_JOB, "job.title");
	x->p.disability = DIS_SPEECH;
	assert_string_equal(run(x), "pack,wire,cc,en,hot,op,tel,up");
	assert_int_equal(fired(x, "op"), BIT(r));
	x->p.disability = DIS_VISUAL;
	assert_string_equal(run(x), "cc,en,hot,op,pack,tel,up,wire");
	assert_int_equal(fired(x, "hot"), 0);
	verdict(explain(x, "hot"), r, RV_SEEKER, "seeker.disability.type");
}

/* A seeker who chooses avoid voice_phone sees no telephone post, whatever
 * the disability; one who does not, sees them all. */
static void
test_default_avoid_voice_phone(void **state)
{
	struct fx *x = *state;
	int r = rule_at(x, "avoid_voice_phone", 8);
	const struct match_explain *ex;

	put(x, "{'id':'hot','title':'客服热线接线员'}");
	put(x, "{'id':'tel','title':'电话预约员'}");
	put(x, "{'id':'en','title':'Telephone survey'}");
	put(x, "{'id':'pack','title':'包装工','description':'无需接听电话'}");
	put(x, "{'id':'wire','title':'电器接线工'}");
	for (int d = 0; d < DIS_COUNT; d++) {
		x->p.disability = d;
		x->p.grade = 4;
		x->p.avoid_mask = 0;
		assert_string_equal(run(x), d == DIS_HEARING ||
		    d == DIS_SPEECH ? "pack,wire,en,hot,tel" :
		    "en,hot,pack,tel,wire");
		x->p.avoid_mask = 1u << AVOID_VOICE_PHONE;
		assert_string_equal(run(x), "pack,wire");
		assert_int_equal(x->res.candidates, 2);
	}
	ex = explain(x, "tel");
	assert_false(ex->matched);
	assert_int_equal(ex->excluded_by, r);
	verdict(ex, r, RV_FIRED, NULL);
	verdict(explain(x, "pack"), r, RV_JOB, "job.title");
	x->p.avoid_mask = 0;
	verdict(explain(x, "tel"), r, RV_SEEKER, "seeker.avoid");
}

static const struct {
	const char		*rule;
	CMUnitTestFunction	 test;
} default_tests[] = {
	{ "public_welfare_first", test_default_public_welfare_first },
	{ "graduates_to_public_sector",
	    test_default_graduates_to_public_sector },
	{ "sheltered_for_intellectual_mental",
	    test_default_sheltered_for_intellectual_mental },
	{ "sheltered_for_severe_physical",
	    test_default_sheltered_for_severe_physical },
	{ "massage_for_visual", test_default_massage_for_visual },
	{ "rural_employment_base", test_default_rural_employment_base },
	{ "no_driving_for_visual", test_default_no_driving_for_visual },
	{ "voice_phone_lower_for_deaf",
	    test_default_voice_phone_lower_for_deaf },
	{ "avoid_voice_phone", test_default_avoid_voice_phone },
};
#define NDEFAULT (sizeof(default_tests) / sizeof(default_tests[0]))

/* The shipped file has exactly the rules tested above, in this order. */
static void
test_default_file(void **state)
{
	struct fx *x = *state;
	const struct rules_spec *rs = rules_spec_of(x->rules);

	assert_int_equal(rs->nrules, NDEFAULT);
	for (size_t i = 0; i < NDEFAULT; i++)
		if (strcmp(rs->rules[i].name, default_tests[i].rule) != 0)
			fail_msg("rules[%zu] is %s, the test is for %s", i,
			    rs->rules[i].name, default_tests[i].rule);
	for (size_t i = 0; i < rs->nrules; i++)
		assert_int_equal(rs->rules[i].action, i < 6 || i == 7 ?
		    RULE_BOOST : RULE_EXCLUDE);
	assert_true(rs->rules[5].boost == 0.1);
	/* the one negative boost: a ranking, not a filter */
	assert_true(rs->rules[7].boost == -0.3);
	/* the flags, each with its reason in both languages */
	assert_int_equal(rs->nflags, 4);
	assert_string_equal(rs->flags[0].name, "health_demand");
	assert_string_equal(rs->flags[1].name, "no_disability_demand");
	assert_string_equal(rs->flags[2].name, "able_bodied_demand");
	assert_string_equal(rs->flags[3].name, "appearance_demand");
	for (size_t i = 0; i < rs->nflags; i++)
		assert_true(rs->flags[i].reason_zh[0] != '\0' &&
		    rs->flags[i].reason_en[0] != '\0');
	for (size_t i = 0; i < 5; i++)
		assert_true(rs->rules[i].boost == 0.2);
	assert_true(rs->w_skills == 0.5);
	assert_true(rs->w_distance == 0.3);
	assert_int_equal(rs->shape, DECAY_EXP);
	assert_true(rs->scale_km == 10);
	assert_true(rs->max_km == 30);
	assert_int_equal(rs->nsyn, 22);
	assert_non_null(rs->description);
	assert_int_equal(rules_stats_of(x->rules)->limit_hits, 0);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
#define D(f)	cmocka_unit_test_setup_teardown(f, setup_default, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_kinds),
		cmocka_unit_test(test_decode_errors),
		cmocka_unit_test(test_decode_limits),
		cmocka_unit_test(test_compile_bad_pattern),
		cmocka_unit_test(test_compile_verbs),
		cmocka_unit_test(test_compile_costly),
		cmocka_unit_test(test_compile_limits),
		cmocka_unit_test(test_compile_duplicates),
		T(test_compile_too_many),
		T(test_eval_boost),
		T(test_eval_exclude),
		T(test_eval_require),
		T(test_eval_distance),
		T(test_eval_numbers),
		T(test_eval_skills),
		T(test_eval_fields),
		T(test_eval_employer_type),
		T(test_eval_set_rules),
		T(test_eval_budget),
		T(test_eval_budget_synonyms),
		T(test_deadline_request),
		T(test_deadline_install),
		T(test_eval_subject_cap),
		T(test_eval_limit_hits),
		T(test_eval_max_km),
		cmocka_unit_test(test_synonyms),
		T(test_explain_verdicts),
		T(test_codec_explain),
		T(test_codec_hit),
		D(test_default_file),
		D(test_default_public_welfare_first),
		D(test_default_graduates_to_public_sector),
		D(test_default_sheltered_for_intellectual_mental),
		D(test_default_sheltered_for_severe_physical),
		D(test_default_massage_for_visual),
		D(test_default_rural_employment_base),
		D(test_default_no_driving_for_visual),
		D(test_default_voice_phone_lower_for_deaf),
		D(test_default_avoid_voice_phone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
