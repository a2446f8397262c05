/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * rules.c - compiling, probing and evaluating a rule set.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matcher/model.h"
#include "matcher/rules.h"
#include "matcher/vocab.h"

const struct rule_field rule_fields[] = {
	{ "seeker.disability.type", SIDE_SEEKER, FK_ENUM, VOCAB_DISABILITY },
	{ "seeker.disability.grade", SIDE_SEEKER, FK_NUMBER, -1 },
	{ "seeker.skills", SIDE_SEEKER, FK_TEXT, -1 },
	{ "seeker.flags", SIDE_SEEKER, FK_ENUM, VOCAB_FLAG },
	{ "seeker.needs", SIDE_SEEKER, FK_ENUM, VOCAB_ACCOMMODATION },
	{ "seeker.avoid", SIDE_SEEKER, FK_ENUM, VOCAB_AVOID },
	{ "seeker.town", SIDE_SEEKER, FK_TEXT, -1 },
	{ "seeker.town_kind", SIDE_SEEKER, FK_ENUM, FV_TOWN_KIND },
	{ "job.title", SIDE_JOB, FK_TEXT, -1 },
	{ "job.description", SIDE_JOB, FK_TEXT, -1 },
	{ "job.skills", SIDE_JOB, FK_TEXT, -1 },
	{ "job.employment_type", SIDE_JOB, FK_ENUM, VOCAB_EMPLOYMENT },
	{ "job.employer_type", SIDE_JOB, FK_ENUM, VOCAB_EMPLOYER },
	{ "job.employer_id", SIDE_JOB, FK_TEXT, -1 },
	{ "job.employer_name", SIDE_JOB, FK_TEXT, -1 },
	{ "job.accessible_for", SIDE_JOB, FK_ENUM, VOCAB_DISABILITY },
	{ "job.accommodations", SIDE_JOB, FK_ENUM, VOCAB_ACCOMMODATION },
	{ "job.town", SIDE_JOB, FK_TEXT, -1 },
	{ "job.town_kind", SIDE_JOB, FK_ENUM, FV_TOWN_KIND },
	{ "job.remote", SIDE_JOB, FK_ENUM, FV_BOOL },
	{ "job.salary.min", SIDE_JOB, FK_NUMBER, -1 },
	{ "job.salary.max", SIDE_JOB, FK_NUMBER, -1 },
	{ "job.openings", SIDE_JOB, FK_NUMBER, -1 },
	{ "distance_km", SIDE_PAIR, FK_NUMBER, -1 },
	{ NULL, 0, 0, 0 }
};

static const char *const town_kinds[] = { "county", "subdistrict", "town",
	"township", NULL };
static const char *const bools[] = { "false", "true", NULL };

struct cond {
	int		 field;
	pcre2_code	*re;
	uint32_t	 mask;
	bool		 has_min, has_max;
	double		 min, max;
};

struct rule {
	struct cond	*conds;
	size_t		 nconds;
	uint8_t		 sides;		/* 1 << enum field_side */
};

struct rules {
	struct rules_spec	 spec;
	int64_t			 version;
	pcre2_code		**syn;		/* one per synonym */
	struct rule		*rules;		/* one per rule spec */
	pcre2_code		**flag;		/* one per flag */
	pcre2_match_data	*md;
	pcre2_match_context	*mctx;
	pcre2_match_context	*probe_ctx;	/* probe_limit() */
	pcre2_jit_stack		*jit;
	uint32_t		 max_subject;
	struct rules_stats	 stats;
	struct regex_limits	 lim;
	uint64_t		(*clock_us)(void);
	uint64_t		 deadline;	/* clock_us() time; 0: none */
	bool			 expired;
	uint32_t		 ticks;		/* callouts since a look */
};

int
rules_field_lookup(const char *name)
{
	for (int i = 0; rule_fields[i].name != NULL; i++)
		if (strcmp(rule_fields[i].name, name) == 0)
			return i;
	return -1;
}

int
rules_value_lookup(int values, const char *id)
{
	const char *const *t = values == FV_TOWN_KIND ? town_kinds :
	    values == FV_BOOL ? bools : NULL;

	for (int i = 0; t != NULL && t[i] != NULL; i++)
		if (strcmp(t[i], id) == 0)
			return i;
	return -1;
}

void
regex_limits_defaults(struct regex_limits *lim)
{
	lim->match_limit = 10000;
	lim->depth_limit = 1000;
	lim->heap_limit_kb = 1024;
	lim->jit_stack_kb = 256;
	lim->max_pattern_len = 1024;
	lim->max_parens = 32;
	lim->max_subject_len = 512;
	lim->budget = 1000;
	lim->time_us = 20000;
	lim->install_ms = 2000;
	lim->clock_us = NULL;
}

void
rules_spec_defaults(struct rules_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->w_skills = 0.5;
	s->w_distance = 0.3;
	s->shape = DECAY_EXP;
	s->scale_km = 10;
	s->max_km = 30;
}

void
rules_spec_clear(struct rules_spec *s)
{
	for (size_t i = 0; i < s->nsyn; i++) {
		free(s->syn[i].term);
		free(s->syn[i].pattern);
	}
	free(s->syn);
	for (size_t i = 0; i < s->nrules; i++) {
		struct rule_spec *rs = &s->rules[i];
		for (size_t k = 0; k < rs->nconds; k++)
			free(rs->conds[k].pattern);
		free(rs->conds);
		free(rs->name);
		free(rs->label_zh);
		free(rs->label_en);
	}
	free(s->rules);
	for (size_t i = 0; i < s->nflags; i++) {
		free(s->flags[i].name);
		free(s->flags[i].pattern);
		free(s->flags[i].reason_zh);
		free(s->flags[i].reason_en);
	}
	free(s->flags);
	free(s->description);
	memset(s, 0, sizeof(*s));
}

static void
free_compiled(struct rules *r, size_t nsyn, size_t nrules, size_t nflags)
{
	for (size_t i = 0; r->syn != NULL && i < nsyn; i++)
		pcre2_code_free(r->syn[i]);
	free(r->syn);
	for (size_t i = 0; r->flag != NULL && i < nflags; i++)
		pcre2_code_free(r->flag[i]);
	free(r->flag);
	for (size_t i = 0; r->rules != NULL && i < nrules; i++) {
		for (size_t k = 0; k < r->rules[i].nconds; k++)
			pcre2_code_free(r->rules[i].conds[k].re);
		free(r->rules[i].conds);
	}
	free(r->rules);
	pcre2_match_data_free(r->md);
	pcre2_match_context_free(r->mctx);
	pcre2_match_context_free(r->probe_ctx);
	pcre2_jit_stack_free(r->jit);
}

void
rules_free(struct rules *r)
{
	if (r == NULL)
		return;
	free_compiled(r, r->spec.nsyn, r->spec.nrules, r->spec.nflags);
	rules_spec_clear(&r->spec);
	free(r);
}

static void
set_err(struct rules_error *e, const char *rule, const char *field,
    long offset, const char *reason)
{
	snprintf(e->rule, sizeof(e->rule), "%s", rule);
	snprintf(e->field, sizeof(e->field), "%s", field);
	e->offset = offset;
	snprintf(e->reason, sizeof(e->reason), "%s", reason);
}

/*
 * Whether the pattern may turn on extended mode, where # starts a comment
 * and a [ in one opens no class: "(?" and option letters with an x.
 */
static bool
may_extend(const char *p)
{
	for (const char *s = strstr(p, "(?"); s != NULL;
	    s = strstr(s + 2, "(?"))
		for (const char *o = s + 2; isalpha((unsigned char)*o) ||
		    *o == '-' || *o == '^'; o++)
			if (*o == 'x')
				return true;
	return false;
}

/* The length of a POSIX name ("[:alpha:]") at p inside a class, or 0 when
 * the [ is a literal; as PCRE2's check_posix_syntax decides. */
static size_t
posix_len(const char *p)
{
	char t = p[1];

	if (t != ':' && t != '.' && t != '=')
		return 0;
	for (size_t j = 2; p[j] != '\0' && p[j + 1] != '\0'; j++) {
		if (p[j] == '\\' && (p[j + 1] == ']' || p[j + 1] == '\\'))
			j++;
		else if ((p[j] == '[' && p[j + 1] == t) || p[j] == ']')
			return 0;
		else if (p[j] == t && p[j + 1] == ']')
			return j + 2;
	}
	return 0;
}

/* Skips what may precede a class's first character (\E, \Q\E, one ^); a ]
 * first is a literal. Returns the index after them. */
static size_t
class_start(const char *p, size_t i)
{
	bool neg = false;

	for (;;) {
		if (p[i] == '\\' && p[i + 1] == 'E')
			i += 2;
		else if (strncmp(p + i, "\\Q\\E", 4) == 0)
			i += 4;
		else if (p[i] == '^' && !neg) {
			neg = true;
			i++;
		} else
			break;
	}
	return p[i] == ']' ? i + 1 : i;
}

/*
 * Refuses "(*" outside a character class and not escaped: start-of-pattern
 * settings such as (*NO_JIT) or (*LIMIT_MATCH=...) and backtracking verbs
 * are not for staff rules; nor are callouts. Classes are told as PCRE2 tells
 * them (escapes, \Q...\E, \cX, []...] and [^]...], POSIX names, (?#...)
 * comments); in a pattern that may turn on extended mode no [ is taken for
 * a class. Returns the offset of the first, or -1.
 */
static long
find_verb(const char *p)
{
	bool cls = false, classes = !may_extend(p);
	const char *e;
	size_t n;

	for (size_t i = 0; p[i] != '\0'; i++) {
		if (p[i] == '\\') {
			if (classes && p[i + 1] == 'Q') {
				/* Quoted up to \E: nothing in it is syntax. */
				if ((e = strstr(p + i + 2, "\\E")) == NULL)
					break;
				i = (size_t)(e - p) + 1;
				continue;
			}
			if (classes && p[i + 1] == 'c' && p[i + 2] != '\0')
				i++;		/* \cX: X is any character */
			if (p[i + 1] == '\0')
				break;
			i++;
			continue;
		}
		if (cls) {
			if (p[i] == '[' && (n = posix_len(p + i)) > 0)
				i += n - 1;
			else if (p[i] == ']')
				cls = false;
			continue;
		}
		if (p[i] == '[' && classes) {
			cls = true;
			i = class_start(p, i + 1) - 1;
		} else if (p[i] == '(' && p[i + 1] == '?' && p[i + 2] == '#' &&
		    classes) {
			if ((e = strchr(p + i, ')')) == NULL)
				break;
			i = (size_t)(e - p);
		} else if (p[i] == '(' && p[i + 1] == '*')
			return (long)i;
		else if (p[i] == '(' && p[i + 1] == '?' && p[i + 2] == 'C')
			return (long)i;		/* callouts */
	}
	return -1;
}

/* Appends the UTF-8 character at p (of n bytes) up to len bytes. */
static size_t
fill(char *buf, size_t len, const char *c, size_t n, const char *tail)
{
	size_t o = 0, tl = strlen(tail);

	while (o + n + tl <= len) {
		memcpy(buf + o, c, n);
		o += n;
	}
	memcpy(buf + o, tail, tl);
	return o + tl;
}

/* Length of the UTF-8 character starting with byte c. */
static size_t
u8len(unsigned char c)
{
	return c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ?
	    3 : 4;
}

static bool
limit_error(int rc)
{
	return rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
	    rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT ||
	    rc == PCRE2_ERROR_CALLOUT;
}

/*
 * Called by PCRE2 at every item of every pattern (PCRE2_AUTO_CALLOUT):
 * every 64th call looks at the clock, and past the deadline abandons the
 * match. This bounds the time of a run that no step limit can (PCRE2's
 * limit restarts at every start position).
 */
static int
guard(pcre2_callout_block *cb, void *arg)
{
	struct rules *r = arg;

	(void)cb;
	if (r->deadline == 0 || (++r->ticks & 63) != 0)
		return 0;
	if (r->clock_us() < r->deadline)
		return 0;
	r->expired = true;
	return PCRE2_ERROR_CALLOUT;
}

void
rules_deadline(struct rules *r, uint64_t budget_us)
{
	r->expired = false;
	r->ticks = 0;
	r->deadline = r->clock_us != NULL && budget_us > 0 ?
	    r->clock_us() + budget_us : 0;
}

bool
rules_deadline_passed(const struct rules *r)
{
	return r->expired;
}

const struct regex_limits *
rules_limits(const struct rules *r)
{
	return &r->lim;
}

/*
 * The match limit of the probes: four steps per byte of the longest
 * subject, which a pattern that works in linear time needs at most, but
 * never more than the real limit. PCRE2 applies its limit afresh at every
 * start position, so a pattern that stays just under the real one at each
 * of them ((?:a|a){1,12}!! on "aaa...a!": 4096 ways at each) would run for
 * tens of milliseconds without ever failing; on a probe it fails.
 */
static uint32_t
probe_limit(const struct regex_limits *lim)
{
	uint64_t l = 4ULL * lim->max_subject_len;

	if (l < 100)
		l = 100;
	return l < lim->match_limit ? (uint32_t)l : lim->match_limit;
}

/*
 * Runs the compiled pattern over hostile subjects of the longest length a
 * match will ever see: each literal character of the pattern repeated, with
 * and without a character that cannot continue it, pairs of them, and a few
 * generic fillers. Returns false when any probe hits a limit.
 *
 * The probe's match limit is tighter than the real one (see probe_limit).
 */
static bool
probe(struct rules *r, const pcre2_code *re, const char *pat)
{
	static const char *const generic[] = { "a", "0", " ", "中", "ab" };
	const char *chars[10];
	size_t nchars = 0, len = r->max_subject;
	char *buf = malloc(len + 8);
	bool ok = true;

	if (buf == NULL || r->expired) {
		free(buf);
		return false;
	}
	for (const char *p = pat; *p != '\0' && nchars < 8;) {
		size_t n = u8len((unsigned char)*p);
		if ((n > 1 || isalnum((unsigned char)*p)) &&
		    (p == pat || p[-1] != '\\'))
			chars[nchars++] = p;
		p += n;		/* the pattern is valid UTF-8: it compiled */
	}
	for (size_t i = 0; ok && i < nchars + 5; i++) {
		const char *c = i < nchars ? chars[i] : generic[i - nchars];
		size_t n = i < nchars ? u8len((unsigned char)*c) : strlen(c);
		/* The run alone, then ended by each other literal character
		 * and a character that cannot continue ("000x!"). */
		for (size_t t = 0; ok && t < 3 + nchars; t++) {
			const char *d = t < 3 ? NULL : chars[t - 3];
			size_t dn = d != NULL ? u8len((unsigned char)*d) : 0, sl;
			char tail[8];
			int rc;

			if (d == NULL)
				snprintf(tail, sizeof(tail), "%s", t == 0 ? "" :
				    t == 1 ? "!" : "\n");
			else if (dn == n && memcmp(d, c, n) == 0)
				continue;
			else
				snprintf(tail, sizeof(tail), "%.*s!", (int)dn, d);
			sl = fill(buf, len, c, n, tail);
			rc = pcre2_match(re, (PCRE2_SPTR)buf, sl, 0, 0, r->md,
			    r->probe_ctx);
			ok = !limit_error(rc);
		}
	}
	free(buf);
	return ok;
}

/* Compiles one pattern; fills err (naming rule and field) on failure. */
static pcre2_code *
compile_one(struct rules *r, const char *pat, uint32_t extra,
    pcre2_compile_context *cctx, const char *rule, const char *field,
    struct rules_error *err)
{
	pcre2_code *re;
	char msg[160];
	PCRE2_SIZE eoff;
	long voff;
	int ec;

	if ((voff = find_verb(pat)) >= 0) {
		set_err(err, rule, field, voff, "(* verbs and (?C callouts are "
		    "not allowed; write \\( for a literal parenthesis");
		return NULL;
	}
	re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_UCP | PCRE2_NEVER_BACKSLASH_C |
	    (r->clock_us != NULL ? PCRE2_AUTO_CALLOUT : 0) | extra, &ec,
	    &eoff, cctx);
	if (re == NULL) {
		pcre2_get_error_message(ec, (PCRE2_UCHAR *)msg, sizeof(msg));
		set_err(err, rule, field, (long)eoff, msg);
		return NULL;
	}
	/* JIT is an optimisation: the interpreter serves without it. */
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	if (!probe(r, re, pat)) {
		pcre2_code_free(re);
		set_err(err, rule, field, -1, r->expired ?
		    "too costly: validating the rule set takes longer than "
		    "regex_install_ms" :
		    "too costly: the pattern hits a PCRE2 limit on a probe "
		    "subject (nested or overlapping repeats such as (a+)+)");
		return NULL;
	}
	return re;
}

int
rules_compile(struct rules **out, struct rules_spec *spec,
    const struct regex_limits *lim, struct rules_error *err)
{
	pcre2_compile_context *cctx = NULL;
	struct rules *r;
	char rname[RULE_NAME_MAX + 32], fname[128];
	size_t nsyn = 0, nrules = 0, nflags = 0;

	memset(err, 0, sizeof(*err));
	err->offset = -1;
	if (spec->nrules > RULES_MAX) {
		set_err(err, "", "rules", -1, "more than 128 rules");
		return -1;
	}
	if (spec->nflags > FLAGS_MAX) {
		set_err(err, "", "flags", -1, "more than 32 flags");
		return -1;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->syn = calloc(spec->nsyn + 1, sizeof(*r->syn))) == NULL ||
	    (r->rules = calloc(spec->nrules + 1, sizeof(*r->rules))) == NULL ||
	    (r->flag = calloc(spec->nflags + 1, sizeof(*r->flag))) == NULL ||
	    (r->mctx = pcre2_match_context_create(NULL)) == NULL ||
	    (r->probe_ctx = pcre2_match_context_create(NULL)) == NULL ||
	    (r->md = pcre2_match_data_create(4, NULL)) == NULL ||
	    (cctx = pcre2_compile_context_create(NULL)) == NULL)
		goto oom;
	pcre2_set_match_limit(r->mctx, lim->match_limit);
	pcre2_set_depth_limit(r->mctx, lim->depth_limit);
	pcre2_set_heap_limit(r->mctx, lim->heap_limit_kb);
	if ((r->jit = pcre2_jit_stack_create(32 * 1024,
	    lim->jit_stack_kb * 1024 > 32 * 1024 ? lim->jit_stack_kb * 1024 :
	    32 * 1024, NULL)) != NULL)
		pcre2_jit_stack_assign(r->mctx, NULL, r->jit);
	pcre2_set_match_limit(r->probe_ctx, probe_limit(lim));
	pcre2_set_depth_limit(r->probe_ctx, lim->depth_limit);
	pcre2_set_heap_limit(r->probe_ctx, lim->heap_limit_kb);
	if (r->jit != NULL)
		pcre2_jit_stack_assign(r->probe_ctx, NULL, r->jit);
	pcre2_set_max_pattern_length(cctx, lim->max_pattern_len);
	pcre2_set_parens_nest_limit(cctx, lim->max_parens);
	r->max_subject = lim->max_subject_len;
	r->lim = *lim;
	r->clock_us = lim->clock_us;
	if (r->clock_us != NULL) {
		pcre2_set_callout(r->mctx, guard, r);
		/* Probing every pattern of a large set takes time too. */
		pcre2_set_callout(r->probe_ctx, guard, r);
	}
	rules_deadline(r, 1000ULL * lim->install_ms);

	for (; nsyn < spec->nsyn; nsyn++) {
		snprintf(rname, sizeof(rname), "synonyms[%zu] (%s)", nsyn,
		    spec->syn[nsyn].term);
		if ((r->syn[nsyn] = compile_one(r, spec->syn[nsyn].pattern,
		    PCRE2_CASELESS, cctx, rname, "pattern", err)) == NULL)
			goto fail;
	}
	for (; nrules < spec->nrules; nrules++) {
		const struct rule_spec *rs = &spec->rules[nrules];
		struct rule *ru = &r->rules[nrules];

		snprintf(rname, sizeof(rname), "rules[%zu] (%s)", nrules,
		    rs->name);
		for (size_t k = 0; k < nrules; k++)
			if (strcmp(spec->rules[k].name, rs->name) == 0) {
				set_err(err, rname, "name", -1,
				    "two rules have this name");
				goto fail_rule;
			}
		if ((ru->conds = calloc(rs->nconds + 1, sizeof(*ru->conds))) ==
		    NULL)
			goto oom_rule;
		for (size_t k = 0; k < rs->nconds; k++) {
			const struct cond_spec *cs = &rs->conds[k];
			struct cond *c = &ru->conds[k];
			c->field = cs->field;
			c->mask = cs->mask;
			c->has_min = cs->has_min;
			c->has_max = cs->has_max;
			c->min = cs->min;
			c->max = cs->max;
			ru->sides |= (uint8_t)(1u << rule_fields[cs->field].side);
			ru->nconds++;
			if (rule_fields[cs->field].kind != FK_TEXT)
				continue;
			snprintf(fname, sizeof(fname), "when.%s",
			    rule_fields[cs->field].name);
			if ((c->re = compile_one(r, cs->pattern, 0, cctx, rname,
			    fname, err)) == NULL)
				goto fail_rule;
		}
	}
	for (; nflags < spec->nflags; nflags++) {
		const struct flag_spec *fs = &spec->flags[nflags];

		snprintf(rname, sizeof(rname), "flags[%zu] (%s)", nflags,
		    fs->name);
		for (size_t k = 0; k < nflags; k++)
			if (strcmp(spec->flags[k].name, fs->name) == 0) {
				set_err(err, rname, "name", -1,
				    "two flags have this name");
				goto fail;
			}
		if ((r->flag[nflags] = compile_one(r, fs->pattern, 0, cctx,
		    rname, "pattern", err)) == NULL)
			goto fail;
	}
	pcre2_compile_context_free(cctx);
	rules_deadline(r, 0);
	r->spec = *spec;
	memset(spec, 0, sizeof(*spec));
	*out = r;
	return 0;
oom_rule:
	set_err(err, "", "", -1, "out of memory");
fail_rule:
	nrules++;		/* the rule being built holds conditions */
	goto fail;
oom:
	set_err(err, "", "", -1, "out of memory");
fail:
	pcre2_compile_context_free(cctx);
	if (r != NULL) {
		free_compiled(r, nsyn, nrules, nflags);
		free(r);
	}
	return -1;
}

const struct rules_spec *
rules_spec_of(const struct rules *r)
{
	return &r->spec;
}

int64_t
rules_version(const struct rules *r)
{
	return r->version;
}

void
rules_set_version(struct rules *r, int64_t version)
{
	r->version = version;
}

/* Trims, folds inner white space and lower-cases ASCII letters. */
static void
normalise(const char *in, char *buf, size_t buflen)
{
	size_t o = 0;
	int space = 0;

	while (isspace((unsigned char)*in))
		in++;
	for (; *in != '\0' && o + 1 < buflen; in++) {
		unsigned char c = (unsigned char)*in;
		if (isspace(c)) {
			space = 1;
			continue;
		}
		if (space && o + 2 < buflen)
			buf[o++] = ' ';
		space = 0;
		buf[o++] = (char)tolower(c);
	}
	if (*in != '\0') {
		/* Truncated: never leave half a multi-byte character. */
		while (o > 0 && ((unsigned char)buf[o - 1] & 0xc0) == 0x80)
			o--;
		if (o > 0 && (unsigned char)buf[o - 1] >= 0xc0)
			o--;
	}
	buf[o] = '\0';
}

/*
 * Runs re on text, at most max_subject bytes of it (cut at a character
 * boundary). A match stopped by a limit counts as no match.
 */
static bool
match_text(struct rules *r, const pcre2_code *re, const char *text)
{
	size_t len = strlen(text);
	int rc;

	if (len > r->max_subject) {
		len = r->max_subject;
		while (len > 0 && ((unsigned char)text[len] & 0xc0) == 0x80)
			len--;
	}
	if (r->expired) {
		r->stats.budget_out++;
		return false;
	}
	r->stats.matches++;
	rc = pcre2_match(re, (PCRE2_SPTR)text, len, 0, 0, r->md, r->mctx);
	if (limit_error(rc))
		r->stats.limit_hits++;
	return rc >= 0;
}

const char *
rules_canon_skill_budget(struct rules *r, const char *skill, char *buf,
    size_t buflen, uint32_t *budget)
{
	normalise(skill, buf, buflen);
	for (size_t i = 0; i < r->spec.nsyn; i++) {
		if (budget != NULL) {
			if (*budget == 0) {
				r->stats.budget_out++;
				break;
			}
			(*budget)--;
		}
		if (match_text(r, r->syn[i], buf)) {
			normalise(r->spec.syn[i].term, buf, buflen);
			break;
		}
	}
	return buf;
}

const char *
rules_canon_skill(struct rules *r, const char *skill, char *buf,
    size_t buflen)
{
	return rules_canon_skill_budget(r, skill, buf, buflen, NULL);
}

double
rules_distance_score(const struct rules *r, double km)
{
	double s = r->spec.scale_km, v;

	switch (r->spec.shape) {
	case DECAY_LINEAR:
		v = 1.0 - km / s;
		break;
	case DECAY_GAUSS:
		v = exp(-(km * km) / (2 * s * s));
		break;
	default:
		v = exp(-km / s);
		break;
	}
	return v < 0 ? 0 : v > 1 ? 1 : v;
}

/* Whether condition c holds; *budget (if given) pays for pattern runs. */
static bool
cond_holds(struct rules *r, const struct cond *c, rule_subject_fn *fn,
    const void *obj, double distance_km, uint32_t *budget)
{
	struct rule_subject s;

	memset(&s, 0, sizeof(s));
	if (rule_fields[c->field].side == SIDE_PAIR) {
		s.num = distance_km;
		s.present = true;
	} else
		fn(c->field, obj, &s);
	switch (rule_fields[c->field].kind) {
	case FK_ENUM:
		return (s.bits & c->mask) != 0;
	case FK_NUMBER:
		return s.present && (!c->has_min || s.num >= c->min) &&
		    (!c->has_max || s.num <= c->max);
	default:
		break;
	}
	if (!s.present)
		return false;
	for (size_t i = 0; i < (s.list != NULL ? s.nlist : 1); i++) {
		const char *t = s.list != NULL ? s.list[i] : s.text;
		if (t == NULL)
			continue;
		if (budget != NULL) {
			if (*budget == 0) {
				r->stats.budget_out++;
				return false;
			}
			(*budget)--;
		}
		if (match_text(r, c->re, t))
			return true;
	}
	return false;
}

static void
eval_side(struct rules *r, int side, rule_subject_fn *fn, const void *obj,
    uint64_t out[RULE_WORDS], uint32_t *budget)
{
	memset(out, 0, RULE_WORDS * sizeof(*out));
	for (size_t i = 0; i < r->spec.nrules; i++) {
		const struct rule *ru = &r->rules[i];
		bool ok = true;

		for (size_t k = 0; ok && k < ru->nconds; k++)
			if (rule_fields[ru->conds[k].field].side == side)
				ok = cond_holds(r, &ru->conds[k], fn, obj, 0,
				    budget);
		if (ok)
			out[i / 64] |= 1ULL << (i % 64);
	}
}

void
rules_eval_job(struct rules *r, rule_subject_fn *fn, const void *job,
    uint64_t out[RULE_WORDS])
{
	eval_side(r, SIDE_JOB, fn, job, out, NULL);
}

void
rules_eval_seeker(struct rules *r, rule_subject_fn *fn, const void *seeker,
    uint64_t out[RULE_WORDS], uint32_t *budget)
{
	eval_side(r, SIDE_SEEKER, fn, seeker, out, budget);
}

/*
 * Searches re in the whole of text, not only its first max_subject bytes:
 * window by window of max_subject bytes, each starting FLAG_OVERLAP bytes
 * before the last one ended (at character boundaries), so that a match of
 * up to FLAG_OVERLAP bytes across a window's edge is found. A window is
 * a start offset and a length in the one subject, so ^ holds at the
 * text's start alone, lookbehinds see the text before, and $ holds only
 * in the last window. Each run is bounded as match_text's.
 */
#define FLAG_OVERLAP	96
static bool
search_text(struct rules *r, const pcre2_code *re, const char *text)
{
	size_t len = strlen(text), win = r->max_subject, start = 0, end;
	size_t overlap = win / 2 < FLAG_OVERLAP ? win / 2 : FLAG_OVERLAP;
	int rc;

	if (len <= win)
		return match_text(r, re, text);
	if (utf8_count(text, len) < 0)
		return false;
	for (;;) {
		end = start + win;
		if (end > len)
			end = len;
		while (end > start && end < len &&
		    ((unsigned char)text[end] & 0xc0) == 0x80)
			end--;
		if (r->expired) {
			r->stats.budget_out++;
			return false;
		}
		r->stats.matches++;
		rc = pcre2_match(re, (PCRE2_SPTR)text, end, start,
		    PCRE2_NO_UTF_CHECK | (end < len ? PCRE2_NOTEOL : 0),
		    r->md, r->mctx);
		if (limit_error(rc))
			r->stats.limit_hits++;
		if (rc >= 0)
			return true;
		if (end >= len)
			return false;
		start = end - overlap > start ? end - overlap : end;
		while (((unsigned char)text[start] & 0xc0) == 0x80)
			start++;
	}
}

uint32_t
rules_flag_text(struct rules *r, const char *title, const char *description)
{
	uint32_t bits = 0;

	for (size_t i = 0; i < r->spec.nflags; i++)
		if ((title != NULL && search_text(r, r->flag[i], title)) ||
		    (description != NULL &&
		    search_text(r, r->flag[i], description)))
			bits |= 1u << i;
	return bits;
}

bool
rules_eval_pair(const struct rules *r, size_t i, double distance_km)
{
	const struct rule *ru = &r->rules[i];

	if (!(ru->sides & 1u << SIDE_PAIR))
		return true;
	for (size_t k = 0; k < ru->nconds; k++) {
		const struct cond *c = &ru->conds[k];
		if (rule_fields[c->field].side != SIDE_PAIR)
			continue;
		if ((c->has_min && distance_km < c->min) ||
		    (c->has_max && distance_km > c->max))
			return false;
	}
	return true;
}

bool
rules_has_side(const struct rules *r, size_t i, int side)
{
	return (r->rules[i].sides & 1u << side) != 0;
}

const char *
rules_failed_cond(struct rules *r, size_t i, int side, rule_subject_fn *fn,
    const void *obj, double distance_km)
{
	const struct rule *ru = &r->rules[i];

	for (size_t k = 0; k < ru->nconds; k++) {
		const struct cond *c = &ru->conds[k];
		if (rule_fields[c->field].side == side &&
		    !cond_holds(r, c, fn, obj, distance_km, NULL))
			return rule_fields[c->field].name;
	}
	return NULL;
}

const struct rules_stats *
rules_stats_of(const struct rules *r)
{
	return &r->stats;
}
