/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * check.c - see check.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "matcher/matcher.h"
#include "proto/codec.h"
#include "proto/rpc.h"
#include "tools/bench/check.h"
#include "tools/bench/reqs.h"

#define SCORE_EPS	1e-6

struct check {
	const struct gen	*g;
	struct rules		*rules;
	struct matcher		*m;
	int64_t			 version;
	uint32_t		 budget;	/* regex_budget, the default */
	uint64_t		 cand_differ;
};

/* A line through the daemon's parser: the root (owned) and its params. */
static json_t *
parse_line(const char *line, size_t len, json_t **params, char *err,
    size_t errlen)
{
	json_t *root = NULL;

	if (rpc_parse(line, len, &root, err, errlen) != 0)
		return NULL;
	if ((*params = json_object_get(root, "params")) == NULL) {
		snprintf(err, errlen, "no params");
		json_decref(root);
		return NULL;
	}
	return root;
}

/* The daemon's rule set, compiled as daemon/ruleset.c does. */
static struct rules *
compile_rules(json_t *doc, char *err, size_t errlen)
{
	struct regex_limits lim;
	struct rules *r;
	char why[256];

	regex_limits_defaults(&lim);
	if ((r = codec_rules_build(doc, &lim, why, sizeof(why))) == NULL)
		snprintf(err, errlen, "the daemon's rule set is refused: %s",
		    why);
	return r;
}

/* Puts record i, as the daemon decodes its request line. */
static int
put_record(struct check *ck, bool job, size_t i, char *err, size_t errlen)
{
	const struct gen *g = ck->g;
	json_t *params = job ? reqs_job_params(g, i) :
	    reqs_employer_params(g, i), *root, *p;
	size_t len;
	char *line = reqs_line(1, job ? "job.post" : "employer.put", params,
	    &len);
	struct perr pe;
	int rc = -1;

	if (line == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if ((root = parse_line(line, len - 1, &p, err, errlen)) == NULL) {
		free(line);
		return -1;
	}
	if (job) {
		struct job j;
		job_init(&j);
		if (codec_job_decode(json_object_get(p, "job"), "job",
		    g->towns, &j, &pe) == -1)
			snprintf(err, errlen, "posting %s: %s: %s",
			    g->jobs[i].id, pe.field, pe.reason);
		else {
			/* What the store keeps beside the document. */
			j.version = 1;
			j.status = JOB_OPEN;
			if ((rc = matcher_put_job(ck->m, &j)) == -1)
				snprintf(err, errlen, "out of memory");
		}
		job_clear(&j);
	} else {
		struct employer e;
		employer_init(&e);
		if (codec_employer_decode(json_object_get(p, "employer"),
		    "employer", g->towns, &e, &pe) == -1)
			snprintf(err, errlen, "employer %s: %s: %s",
			    g->employers[i].id, pe.field, pe.reason);
		else {
			e.version = 1;
			if ((rc = matcher_put_employer(ck->m, &e)) == -1)
				snprintf(err, errlen, "out of memory");
		}
		employer_clear(&e);
	}
	json_decref(root);
	free(line);
	return rc;
}

struct check *
check_new(const struct gen *g, json_t *rules_result, char *err,
    size_t errlen)
{
	struct regex_limits lim;
	struct check *ck;
	json_t *doc = json_object_get(rules_result, "rules");

	if (!json_is_object(doc)) {
		snprintf(err, errlen, "rules.get answered no rule set");
		return NULL;
	}
	if ((ck = calloc(1, sizeof(*ck))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	regex_limits_defaults(&lim);
	ck->g = g;
	ck->budget = lim.budget;
	ck->version = json_integer_value(json_object_get(rules_result,
	    "version"));
	if ((ck->rules = compile_rules(doc, err, errlen)) == NULL)
		goto fail;
	rules_set_version(ck->rules, ck->version);
	if ((ck->m = matcher_new(g->towns, ck->rules)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < g->nemployers; i++)
		if (put_record(ck, false, i, err, errlen) == -1)
			goto fail;
	for (size_t i = 0; i < g->njobs; i++)
		if (put_record(ck, true, i, err, errlen) == -1)
			goto fail;
	return ck;
fail:
	check_free(ck);
	return NULL;
}

void
check_free(struct check *ck)
{
	if (ck == NULL)
		return;
	if (ck->m != NULL)
		matcher_free(ck->m);
	rules_free(ck->rules);
	free(ck);
}

uint64_t
check_candidates_differ(const struct check *ck)
{
	return ck->cand_differ;
}

static const char *
str_of(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "?";
}

/* Compares the daemon's result object with the reference's hits. */
static int
compare(struct check *ck, json_t *result, const struct match_result *ref,
    char *diff, size_t difflen)
{
	json_t *results = json_object_get(result, "results"), *hit;
	json_int_t rv = json_integer_value(json_object_get(result,
	    "rules_version"));
	size_t n = json_array_size(results);

	if (!json_is_array(results)) {
		snprintf(diff, difflen, "the answer has no results");
		return -1;
	}
	if (json_integer_value(json_object_get(result, "candidates")) !=
	    (json_int_t)ref->candidates)
		ck->cand_differ++;
	for (size_t k = 0; k < n || k < ref->n; k++) {
		const struct match_hit *h = k < ref->n ? &ref->hits[k] : NULL;
		json_t *job;
		double score;

		if (k >= n) {
			snprintf(diff, difflen, "rank %zu: the daemon has "
			    "none, "
			    "the reference %s/%s %.6f (daemon %zu results, "
			    "reference %zu)", k + 1, h->job->emp->id,
			    h->job->id, h->score, n, ref->n);
			return 1;
		}
		hit = json_array_get(results, k);
		job = json_object_get(hit, "job");
		score = json_number_value(json_object_get(hit, "score"));
		if (h == NULL) {
			snprintf(diff, difflen, "rank %zu: the daemon has "
			    "%s/%s %.6f, the reference none (daemon %zu "
			    "results, reference %zu)", k + 1,
			    str_of(job, "employer_id"), str_of(job, "id"),
			    score, n, ref->n);
			return 1;
		}
		if (strcmp(str_of(job, "id"), h->job->id) != 0 ||
		    strcmp(str_of(job, "employer_id"), h->job->emp->id) != 0 ||
		    !(fabs(score - h->score) <= SCORE_EPS)) {
			snprintf(diff, difflen, "rank %zu: the daemon has "
			    "%s/%s %.6f at %.3f km, the reference %s/%s %.6f "
			    "at %.3f km%s", k + 1, str_of(job, "employer_id"),
			    str_of(job, "id"), score,
			    json_number_value(json_object_get(hit,
			    "distance_km")), h->job->emp->id, h->job->id,
			    h->score, h->distance_km, rv != ck->version ?
			    " (the daemon's rule set changed since rules.get)" :
			    "");
			return 1;
		}
	}
	return 0;
}

int
check_answer(struct check *ck, const char *req, size_t reqlen,
    const char *ans, size_t anslen, char *diff, size_t difflen)
{
	struct match_params mp;
	struct match_query q;
	struct match_result ref;
	json_t *rroot, *aroot = NULL, *params, *result;
	struct perr pe;
	char err[256];
	int rc;

	if ((rroot = parse_line(req, reqlen, &params, err, sizeof(err))) ==
	    NULL) {
		snprintf(diff, difflen, "the request does not parse: %s", err);
		return -1;
	}
	codec_match_init(&mp);
	if (codec_match_decode(params, ck->g->towns, &mp, &pe) == -1) {
		snprintf(diff, difflen, "the request does not decode: %s: %s",
		    pe.field, pe.reason);
		rc = -1;
		goto done;
	}
	if (rpc_parse(ans, anslen, &aroot, err, sizeof(err)) != 0) {
		snprintf(diff, difflen, "the answer does not parse: %s", err);
		rc = -1;
		goto done;
	}
	if ((result = json_object_get(aroot, "result")) == NULL) {
		json_t *e = json_object_get(aroot, "error");
		snprintf(diff, difflen, "the daemon answered an error: %d %s",
		    (int)json_integer_value(json_object_get(e, "code")),
		    str_of(e, "message"));
		rc = 1;
		goto done;
	}
	q.profile = &mp.profile;
	q.filters = &mp.filters;
	q.limit = mp.limit;
	q.offset = mp.offset;
	q.now = (int64_t)time(NULL);	/* generated postings never expire */
	q.regex_budget = ck->budget;
	if (matcher_match_scan(ck->m, &q, &ref) == -1) {
		snprintf(diff, difflen, "the reference ran out of memory");
		rc = -1;
		goto done;
	}
	rc = compare(ck, result, &ref, diff, difflen);
done:
	codec_match_clear(&mp);
	json_decref(aroot);
	json_decref(rroot);
	return rc;
}
