/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * test_flags.c - a rule set's flags (postings that make a discriminatory
 * demand of applicants): decoding them (proto/codec_rules.c), compiling
 * and probing their patterns like rules' (matcher/rules.c), finding them
 * in a title or anywhere in a long description (rules_flag_text), the
 * mirror's flags of a posting when it enters and when the rules change
 * (matcher/postings.c), and the shipped flags of data/rules.default.json.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matcher/matcher.h"
#include "proto/codec.h"
#include "fixture.h"

static const char towns_tsv[] =
    "code\tname\tkind\tpinyin\tlat\tlon\tsource\n"
    "500231001000\t桂溪街道\tsubdistrict\tGuixi\t30.3336\t107.3455\tx\n";

/* A flag's members besides its name and pattern. */
#define REASON	"'reason':{'zh':'理由','en':'why'}"

/* s decodes and must fail to compile in rule (the "flags[i] (name)"
 * slot) and field, for a reason holding why. */
static void
not_compiled(const char *s, const char *rule, const char *field,
    const char *why)
{
	struct regex_limits lim;
	struct rules_spec spec;
	struct rules_error err;
	struct rules *r = NULL;
	struct perr e;

	assert_int_equal(fixture_decode(s, &spec, &e), 0);
	regex_limits_defaults(&lim);
	if (rules_compile(&r, &spec, &lim, &err) != -1)
		fail_msg("compiled %s", s);
	assert_string_equal(err.rule, rule);
	assert_string_equal(err.field, field);
	if (strstr(err.reason, why) == NULL)
		fail_msg("reason \"%s\" lacks \"%s\"", err.reason, why);
	/* refused whole: spec is left to the caller to free */
	assert_null(r);
	rules_spec_clear(&spec);
}

static void
test_decode(void **state)
{
	struct rules_spec spec;
	struct perr e;

	(void)state;
	assert_int_equal(fixture_decode("{'flags':[{'name':'health','pattern':"
	    "'身体健康|身心健康','reason':{'zh':'不得歧视残疾人',"
	    "'en':'no discrimination'}},{'name':'looks','pattern':'五官端正',"
	    REASON "}]}", &spec, &e), 0);
	assert_int_equal(spec.nflags, 2);
	assert_string_equal(spec.flags[0].name, "health");
	assert_string_equal(spec.flags[0].pattern, "身体健康|身心健康");
	assert_string_equal(spec.flags[0].reason_zh, "不得歧视残疾人");
	assert_string_equal(spec.flags[0].reason_en, "no discrimination");
	assert_string_equal(spec.flags[1].name, "looks");
	rules_spec_clear(&spec);
	assert_int_equal(spec.nflags, 0);
	/* none, or an empty list: no flags */
	assert_int_equal(fixture_decode("{'flags':[]}", &spec, &e), 0);
	assert_int_equal(spec.nflags, 0);
	rules_spec_clear(&spec);
	assert_int_equal(fixture_decode("{'flags':null}", &spec, &e), 0);
	rules_spec_clear(&spec);
}

static void
test_decode_errors(void **state)
{
	char buf[8192];
	size_t o;

	(void)state;
	fixture_refused("{'flags':{}}", "flags", NULL);
	fixture_refused("{'flags':[1]}", "flags[0]", NULL);
	fixture_refused("{'flags':[{'pattern':'x'," REASON "}]}",
	    "flags[0].name", NULL);
	fixture_refused("{'flags':[{'name':'a b','pattern':'x'," REASON "}]}",
	    "flags[0].name", NULL);
	fixture_refused("{'flags':[{'name':'a'," REASON "}]}",
	    "flags[0].pattern", NULL);
	fixture_refused("{'flags':[{'name':'a','pattern':''," REASON "}]}",
	    "flags[0].pattern", "must not be empty");
	fixture_refused("{'flags':[{'name':'a','pattern':1," REASON "}]}",
	    "flags[0].pattern", NULL);
	fixture_refused("{'flags':[{'name':'a','pattern':'x'}]}",
	    "flags[0].reason", "is required");
	fixture_refused("{'flags':[{'name':'a','pattern':'x','reason':'why'}]}",
	    "flags[0].reason", NULL);
	fixture_refused("{'flags':[{'name':'a','pattern':'x','reason':{'zh':"
	    "'理由'}}]}", "flags[0].reason.en", NULL);
	fixture_refused("{'flags':[{'name':'a','pattern':'x','reason':{'zh':'',"
	    "'en':'why'}}]}", "flags[0].reason.zh", "must not be empty");
	fixture_refused("{'flags':[{'name':'a','pattern':'x','reason':{'zh':"
	    "'理由','en':'why','fr':'pourquoi'}}]}", "flags[0].reason.fr", NULL);
	fixture_refused("{'flags':[{'name':'a','pattern':'x','then':'exclude',"
	    REASON "}]}", "flags[0].then", NULL);
	/* the second flag's error names it */
	fixture_refused("{'flags':[{'name':'a','pattern':'x'," REASON "},"
	    "{'name':'b','pattern':'y'}]}", "flags[1].reason", NULL);
	/* a reason of 500 characters passes, 501 do not */
	for (int n = 500; n <= 501; n++) {
		struct rules_spec spec;
		struct perr e;

		o = (size_t)snprintf(buf, sizeof(buf), "{'flags':[{'name':"
		    "'a','pattern':'x','reason':{'zh':'理由','en':'");
		for (int i = 0; i < n; i++)
			buf[o++] = 'w';
		snprintf(buf + o, sizeof(buf) - o, "'}}]}");
		if (n == 500) {
			assert_int_equal(fixture_decode(buf, &spec, &e), 0);
			rules_spec_clear(&spec);
		} else
			fixture_refused(buf, "flags[0].reason.en", NULL);
	}
	/* 32 flags pass, 33 do not */
	for (int n = 32; n <= 33; n++) {
		struct rules_spec spec;
		struct perr e;

		o = (size_t)snprintf(buf, sizeof(buf), "{'flags':[");
		for (int i = 0; i < n; i++)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o,
			    "%s{'name':'f%d','pattern':'p%d'," REASON "}",
			    i ? "," : "", i, i);
		snprintf(buf + o, sizeof(buf) - o, "]}");
		if (n == 32) {
			assert_int_equal(fixture_decode(buf, &spec, &e), 0);
			assert_int_equal(spec.nflags, 32);
			rules_spec_clear(&spec);
		} else
			fixture_refused(buf, "flags", NULL);
	}
}

/* Patterns are held to the rules' limits, and a name is used once. */
static void
test_compile_errors(void **state)
{
	struct rules *r;

	(void)state;
	not_compiled("{'flags':[{'name':'a','pattern':'(身体'," REASON "}]}",
	    "flags[0] (a)", "pattern", "missing closing parenthesis");
	not_compiled("{'flags':[{'name':'a','pattern':'x'," REASON "},"
	    "{'name':'b','pattern':'(*LIMIT_MATCH=10)y'," REASON "}]}",
	    "flags[1] (b)", "pattern", "not allowed");
	not_compiled("{'flags':[{'name':'a','pattern':'(?C1)x'," REASON "}]}",
	    "flags[0] (a)", "pattern", "not allowed");
	not_compiled("{'flags':[{'name':'a','pattern':'(a+)+$'," REASON "}]}",
	    "flags[0] (a)", "pattern", "too costly");
	not_compiled("{'flags':[{'name':'a','pattern':'x'," REASON "},"
	    "{'name':'a','pattern':'y'," REASON "}]}", "flags[1] (a)",
	    "name", "two flags have this name");
	/* a flag may share a rule's name: they are apart */
	r = fixture_rules("{\"rules\":[{\"name\":\"a\",\"then\":"
	    "\"exclude\"}],\"flags\":[{\"name\":\"a\",\"pattern\":\"x\","
	    "\"reason\":{\"zh\":\"z\",\"en\":\"e\"}}]}", NULL);
	assert_int_equal(rules_spec_of(r)->nflags, 1);
	rules_free(r);
}

static struct rules *
flag_rules(void)
{
	return fixture_rules("{\"flags\":["
	    "{\"name\":\"health\",\"pattern\":\"身体健康\","
	    "\"reason\":{\"zh\":\"z\",\"en\":\"e\"}},"
	    "{\"name\":\"looks\",\"pattern\":\"五官端正|形象好\","
	    "\"reason\":{\"zh\":\"z\",\"en\":\"e\"}},"
	    "{\"name\":\"start\",\"pattern\":\"^急招\","
	    "\"reason\":{\"zh\":\"z\",\"en\":\"e\"}}]}", NULL);
}

/* A long text: filler of n bytes (中, three bytes each) around word at
 * byte offset at (rounded to a character). */
static char *
long_text(size_t n, size_t at, const char *word)
{
	size_t w = strlen(word), o = 0;
	char *t = malloc(n + w + 1);

	assert_non_null(t);
	while (o + 3 <= n) {
		if (o / 3 == at / 3 && w > 0) {
			memcpy(t + o, word, w);
			o += w;
			w = 0;
		}
		memcpy(t + o, "中", 3);
		o += 3;
	}
	t[o] = '\0';
	return t;
}

static void
test_flag_text(void **state)
{
	struct rules *r = flag_rules();
	char *t;

	(void)state;
	assert_int_equal(rules_flag_text(r, "文员", NULL), 0);
	assert_int_equal(rules_flag_text(r, "文员（身体健康）", NULL), 1u << 0);
	assert_int_equal(rules_flag_text(r, "文员", "要求五官端正，身体健康"),
	    1u << 0 | 1u << 1);
	assert_int_equal(rules_flag_text(r, "前台", "形象好"), 1u << 1);
	assert_int_equal(rules_flag_text(r, NULL, NULL), 0);
	assert_int_equal(rules_flag_text(r, "急招文员", NULL), 1u << 2);
	assert_int_equal(rules_flag_text(r, "文员急招", NULL), 0);
	/* The whole of a description is searched, not its first
	 * regex_max_subject (512) bytes: the demand at its end, in the
	 * middle, and across the edge of a window. */
	for (size_t at = 0; at < 8000; at += 331) {
		t = long_text(8000, at, "身体健康");
		if (rules_flag_text(r, "文员", t) != 1u << 0)
			fail_msg("not found at byte %zu of 8000", at);
		free(t);
	}
	for (size_t at = 500; at < 520; at++) {
		t = long_text(2000, at, "五官端正");
		assert_int_equal(rules_flag_text(r, "文员", t), 1u << 1);
		free(t);
	}
	/* ^ holds at the start of the text alone, not of a window */
	t = long_text(3000, 1500, "急招");
	assert_int_equal(rules_flag_text(r, "文员", t), 0);
	free(t);
	t = long_text(3000, 0, "急招");
	assert_int_equal(rules_flag_text(r, "文员", t), 1u << 2);
	free(t);
	t = long_text(3000, 0, "");
	assert_int_equal(rules_flag_text(r, "文员", t), 0);
	free(t);
	assert_int_equal(rules_stats_of(r)->limit_hits, 0);
	rules_free(r);
}

/* The mirror's flags of a posting: when it enters, and again when the
 * rules change; flagging leaves the posting in every match. */
static void
test_mirror(void **state)
{
	struct rules *none = fixture_rules("{}", NULL), *r = flag_rules();
	struct towns towns;
	struct matcher *m;
	struct profile p;
	struct filters f;
	struct match_query q = { &p, &f, 10, 0, 1700000000LL, 1000 };
	struct match_result res;
	const struct mjob *mj;

	(void)state;
	assert_int_equal(fixture_mirror(&towns, towns_tsv, none, &m), 0);
	fixture_employer(m, "e1", "一厂", ET_PRIVATE);
	fixture_put(m, &towns, 30.3336, 107.3455,
	    fixture_json("{'id':'a','title':'文员','description':'身体健康，五官端正'}"),
	    "a");
	fixture_put(m, &towns, 30.3336, 107.3455,
	    fixture_json("{'id':'b','title':'包装工'}"), "b");
	assert_int_equal(matcher_job(m, "e1", "a")->flag_bits, 0);
	assert_int_equal(matcher_set_rules(m, r), 0);
	assert_int_equal(matcher_job(m, "e1", "a")->flag_bits,
	    1u << 0 | 1u << 1);
	assert_int_equal(matcher_job(m, "e1", "b")->flag_bits, 0);
	/* a posting written under the rules is flagged as it enters */
	fixture_put(m, &towns, 30.3336, 107.3455,
	    fixture_json("{'id':'b','title':'包装工（形象好）'}"), "b again");
	mj = matcher_job(m, "e1", "b");
	assert_int_equal(mj->flag_bits, 1u << 1);
	assert_int_equal(matcher_flags(m, mj->title, NULL), 1u << 1);
	assert_int_equal(matcher_flags(m, "急招", "无"), 1u << 2);
	memset(&f, 0, sizeof(f));
	profile_init(&p);
	p.disability = DIS_PHYSICAL;
	p.grade = 3;
	p.lat = 30.3336;
	p.lon = 107.3455;
	assert_int_equal(matcher_match(m, &q, &res), 0);
	assert_int_equal(res.n, 2);
	/* back to no flags */
	assert_int_equal(matcher_set_rules(m, none), 0);
	assert_int_equal(matcher_job(m, "e1", "a")->flag_bits, 0);
	assert_int_equal(matcher_job(m, "e1", "b")->flag_bits, 0);
	fixture_mirror_free(&towns, m);
	rules_free(r);
	rules_free(none);
}

/* The shipped flags find the demands the issue names, and their near
 * misses pass. */
static void
test_default_flags(void **state)
{
	static const struct {
		const char	*text;
		uint32_t	 bits;	/* health, no disability, able-bodied,
					   looks */
	} cases[] = {
		{ "要求身体健康，能吃苦耐劳", 1u << 0 },
		{ "身心健康，责任心强", 1u << 0 },
		{ "身体状况良好", 1u << 0 },
		{ "五官端正，普通话标准", 1u << 3 },
		{ "五官端庄", 1u << 3 },
		{ "体貌端正", 1u << 3 },
		{ "相貌端正", 1u << 3 },
		{ "形象好气质佳", 1u << 3 },
		{ "形象气质佳", 1u << 3 },
		{ "身体无残疾", 1u << 1 },
		{ "无残疾，无传染病", 1u << 1 },
		{ "无身体缺陷", 1u << 1 },
		{ "四肢健全", 1u << 2 },
		{ "身体健全", 1u << 2 },
		{ "身体健康，五官端正，无残疾", 1u << 0 | 1u << 1 | 1u << 3 },
		/* near misses */
		{ "欢迎残疾人报名，残疾人优先", 0 },
		{ "岗位适合肢体残疾人", 0 },
		{ "负责员工健康档案管理", 0 },
		{ "产品形象设计", 0 },
	};
	struct rules *r = fixture_default_rules();
	const struct rules_spec *rs = rules_spec_of(r);

	(void)state;
	assert_int_equal(rs->nflags, 4);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t got = rules_flag_text(r, "岗位", cases[i].text);
		if (got != cases[i].bits)
			fail_msg("\"%s\": flags %#x, expected %#x",
			    cases[i].text, got, cases[i].bits);
		assert_int_equal(rules_flag_text(r, cases[i].text, NULL),
		    cases[i].bits);
	}
	rules_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_decode_errors),
		cmocka_unit_test(test_compile_errors),
		cmocka_unit_test(test_flag_text),
		cmocka_unit_test(test_mirror),
		cmocka_unit_test(test_default_flags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
