/*
 * rules.c - compiling and applying a rule set.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matcher/rules.h"

struct rules {
	struct rules_spec	 spec;
	pcre2_code		**codes;	/* one per synonym */
	pcre2_match_data	*md;
	pcre2_match_context	*mctx;
	uint32_t		 max_subject;
	uint64_t		 limit_hits;
};

void
rules_spec_defaults(struct rules_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->version = 0;
	s->w_skills = 0.5;
	s->w_distance = 0.3;
	s->w_policy = 0.2;
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
	s->syn = NULL;
	s->nsyn = 0;
}

void
rules_free(struct rules *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; r->codes != NULL && i < r->spec.nsyn; i++)
		pcre2_code_free(r->codes[i]);
	free(r->codes);
	pcre2_match_data_free(r->md);
	pcre2_match_context_free(r->mctx);
	rules_spec_clear(&r->spec);
	free(r);
}

int
rules_compile(struct rules **out, struct rules_spec *spec,
    const struct regex_limits *lim, char *err, size_t errlen)
{
	pcre2_compile_context *cctx = NULL;
	struct rules *r;
	int ec;
	PCRE2_SIZE eoff;

	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->codes = calloc(spec->nsyn + 1, sizeof(*r->codes))) == NULL ||
	    (r->mctx = pcre2_match_context_create(NULL)) == NULL ||
	    (cctx = pcre2_compile_context_create(NULL)) == NULL)
		goto oom;
	pcre2_set_match_limit(r->mctx, lim->match_limit);
	pcre2_set_depth_limit(r->mctx, lim->depth_limit);
	pcre2_set_max_pattern_length(cctx, lim->max_pattern_len);
	pcre2_set_parens_nest_limit(cctx, 64);
	r->max_subject = lim->max_subject_len;

	for (size_t i = 0; i < spec->nsyn; i++) {
		const char *pat = spec->syn[i].pattern;
		r->codes[i] = pcre2_compile((PCRE2_SPTR)pat,
		    PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP |
		    PCRE2_CASELESS | PCRE2_NEVER_BACKSLASH_C, &ec, &eoff, cctx);
		if (r->codes[i] == NULL) {
			char msg[160];
			pcre2_get_error_message(ec, (PCRE2_UCHAR *)msg,
			    sizeof(msg));
			snprintf(err, errlen, "synonyms[%zu] (%s): pattern "
			    "offset %zu: %s", i, spec->syn[i].term,
			    (size_t)eoff, msg);
			for (size_t k = 0; k < i; k++)
				pcre2_code_free(r->codes[k]);
			free(r->codes);
			r->codes = NULL;
			goto fail;
		}
		/* JIT is an optimisation: the interpreter serves without it. */
		(void)pcre2_jit_compile(r->codes[i], PCRE2_JIT_COMPLETE);
	}
	if ((r->md = pcre2_match_data_create(4, NULL)) == NULL)
		goto oom;
	pcre2_compile_context_free(cctx);
	r->spec = *spec;
	memset(spec, 0, sizeof(*spec));
	*out = r;
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	pcre2_compile_context_free(cctx);
	if (r != NULL) {
		if (r->codes != NULL)
			for (size_t i = 0; i < spec->nsyn; i++)
				pcre2_code_free(r->codes[i]);
		free(r->codes);
		pcre2_match_data_free(r->md);
		pcre2_match_context_free(r->mctx);
		free(r);
	}
	return -1;
}

const struct rules_spec *
rules_spec_of(const struct rules *r)
{
	return &r->spec;
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

const char *
rules_canon_skill(struct rules *r, const char *skill, char *buf,
    size_t buflen)
{
	size_t len;

	normalise(skill, buf, buflen);
	len = strlen(buf);
	if (len > r->max_subject)
		return buf;
	for (size_t i = 0; i < r->spec.nsyn; i++) {
		int rc = pcre2_match(r->codes[i], (PCRE2_SPTR)buf, len, 0, 0,
		    r->md, r->mctx);
		if (rc >= 0) {
			normalise(r->spec.syn[i].term, buf, buflen);
			return buf;
		}
		if (rc == PCRE2_ERROR_MATCHLIMIT ||
		    rc == PCRE2_ERROR_DEPTHLIMIT ||
		    rc == PCRE2_ERROR_HEAPLIMIT ||
		    rc == PCRE2_ERROR_JIT_STACKLIMIT)
			r->limit_hits++;
	}
	return buf;
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

uint64_t
rules_limit_hits(const struct rules *r)
{
	return r->limit_hits;
}
