/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * match.c - match: the open postings that fit a profile (given, or a
 * registered seeker's), best first; job.candidates: the registered
 * seekers a posting fits, best first. Both from the mirrors.
 *
 * job.candidates asks the matcher to explain the one posting for every
 * seeker in turn: the same hard filters, rules and scoring as a match of
 * that seeker, so a seeker is a candidate for a posting exactly when the
 * posting is among the seeker's matches, with the same score.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/clock.h"
#include "daemon/fairs.h"
#include "daemon/methods/methods.h"
#include "daemon/req.h"
#include "daemon/seekers.h"
#include "daemon/server.h"
#include "proto/codec.h"
#include "proto/params.h"
#include "proto/rpc.h"

#define CANDIDATES_LIMIT_MAX	100
#define CANDIDATES_LIMIT_DEF	10

/* ---- match ------------------------------------------------------------ */

/* A result's booth at the fair the match applied. */
static void
add_booth(json_t *hit, const struct mfair *mf, const struct mjob *mj)
{
	const struct exhibitor *ex = fairs_exhibitor(mf, mj->emp->id);

	if (ex != NULL)
		json_object_set_new(json_object_get(hit, "job"), "booth",
		    json_string(ex->booth));
}

void
m_match(struct req *r, json_t *params)
{
	const struct seeker *sk = NULL;
	const struct mfair *mf;
	struct match_params mp;
	struct match_query q;
	struct match_result res;
	struct perr pe;
	json_t *results, *sid;
	int64_t t0 = mono_us();

	if ((sid = json_object_get(params, "seeker_id")) != NULL &&
	    !json_is_null(sid) && r->role != ROLE_STAFF) {
		req_unauthorized(r,
		    "only staff may match a registered seeker");
		return;
	}
	codec_match_init(&mp);
	if (codec_match_decode(params, &server.towns, &mp, &pe) == -1) {
		codec_match_clear(&mp);
		req_error_params(r, &pe);
		return;
	}
	if (mp.seeker_id[0] != '\0' &&
	    (sk = seekers_find(mp.seeker_id)) == NULL) {
		codec_match_clear(&mp);
		req_error(r, RPC_NOT_FOUND, "seeker not found",
		    json_pack("{s:s}", "field", "seeker_id"));
		return;
	}
	if (fair_of_match(r, &mp, &mf) == -1) {
		codec_match_clear(&mp);
		return;
	}
	q.profile = sk != NULL ? &sk->profile : &mp.profile;
	q.filters = &mp.filters;
	q.limit = mp.limit;
	q.offset = mp.offset;
	q.now = (int64_t)time(NULL);
	q.regex_budget = server.cfg.regex.budget;
	if (matcher_match(server.matcher, &q, &res) == -1 ||
	    (results = json_array()) == NULL) {
		codec_match_clear(&mp);
		req_reply(r, NULL);
		return;
	}
	for (size_t i = 0; i < res.n; i++) {
		json_t *hit = codec_hit(&res.hits[i], &server.towns,
		    server.rules, mp.explain);
		struct match_detail d;

		if (hit != NULL && mp.explain) {
			matcher_hit_detail(server.matcher, &q, &res.hits[i], &d);
			codec_hit_detail(hit, &res.hits[i], &d, server.rules);
		}
		if (hit != NULL && mf != NULL)
			add_booth(hit, mf, res.hits[i].job);
		json_array_append_new(results, hit);
	}
	fair_count_match(r, mf, q.profile, mp.offset == 0, res.n);
	codec_match_clear(&mp);
	req_result(r, json_pack("{s:o, s:I, s:I, s:I}", "results", results,
	    "candidates", (json_int_t)res.candidates, "rules_version",
	    (json_int_t)rules_version(server.rules), "took_us",
	    (json_int_t)(mono_us() - t0)));
}

/* ---- job.candidates --------------------------------------------------- */

struct cand {
	const struct seeker	*seeker;
	double			 score, distance_km;
};

/* What a walk over the mirror carries from one seeker to the next. */
struct cand_walk {
	const char		*employer_id, *job_id;
	struct match_query	 q;
	struct match_explain	*x;
	struct cand		*v;
	size_t			 n, cap;
	bool			 failed;	/* out of memory */
};

static void
consider(const struct seeker *s, void *arg)
{
	struct cand_walk *w = arg;

	if (w->failed)
		return;
	w->q.profile = &s->profile;
	matcher_explain(server.matcher, &w->q, w->employer_id, w->job_id,
	    w->x);
	if (w->x->job == NULL) {
		w->failed = true;
		return;
	}
	if (!w->x->matched)
		return;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		struct cand *nv = realloc(w->v, cap * sizeof(*nv));
		if (nv == NULL) {
			w->failed = true;
			return;
		}
		w->v = nv;
		w->cap = cap;
	}
	w->v[w->n].seeker = s;
	w->v[w->n].score = w->x->hit.score;
	w->v[w->n].distance_km = w->x->hit.distance_km;
	w->n++;
}

/* By score (descending), distance, then id: as a match orders postings. */
static int
cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->distance_km != y->distance_km)
		return x->distance_km < y->distance_km ? -1 : 1;
	return strcmp(x->seeker->id, y->seeker->id);
}

void
m_job_candidates(struct req *r, json_t *params)
{
	static const char *const keys[] = { "job_id", "employer_id", "limit",
	    NULL };
	static const struct filters none;
	struct cand_walk w;
	struct perr pe;
	json_t *results;
	int64_t limit = CANDIDATES_LIMIT_DEF;

	memset(&w, 0, sizeof(w));
	if (pv_object(params, "", keys, &pe) == -1 ||
	    pv_id(params, "", "job_id", true, true, &w.job_id, &pe) == -1 ||
	    pv_id(params, "", "employer_id", true, false, &w.employer_id,
	    &pe) == -1 ||
	    pv_int(params, "", "limit", false, 1, CANDIDATES_LIMIT_MAX, &limit,
	    NULL, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	if (matcher_job(server.matcher, w.employer_id, w.job_id) == NULL) {
		req_error(r, RPC_NOT_FOUND, "no such open job", NULL);
		return;
	}
	if ((w.x = malloc(sizeof(*w.x))) == NULL) {
		req_reply(r, NULL);
		return;
	}
	w.q.filters = &none;
	w.q.now = (int64_t)time(NULL);
	w.q.regex_budget = server.cfg.regex.budget;
	seekers_each(consider, &w);
	free(w.x);
	if (w.failed || (results = json_array()) == NULL) {
		free(w.v);
		req_reply(r, NULL);
		return;
	}
	if (w.n > 1)
		qsort(w.v, w.n, sizeof(*w.v), cand_cmp);
	for (size_t i = 0; i < w.n && i < (size_t)limit; i++)
		json_array_append_new(results, json_pack(
		    "{s:{s:s, s:s?}, s:f, s:f}", "seeker", "id",
		    w.v[i].seeker->id, "name", w.v[i].seeker->name,
		    "score", w.v[i].score, "distance_km",
		    w.v[i].distance_km));
	req_result(r, json_pack("{s:o, s:I}", "results", results,
	    "candidates", (json_int_t)w.n));
	free(w.v);
}
