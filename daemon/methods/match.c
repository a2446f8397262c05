/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * match.c - match: the open postings that fit a profile (given, or a
 * registered seeker's), from the mirror, best first.
 */
#include <time.h>

#include "daemon/clock.h"
#include "daemon/methods/methods.h"
#include "daemon/req.h"
#include "daemon/seekers.h"
#include "daemon/server.h"
#include "proto/codec.h"
#include "proto/params.h"
#include "proto/rpc.h"

/* ---- match ------------------------------------------------------------ */

void
m_match(struct req *r, json_t *params)
{
	const struct seeker *sk = NULL;
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
	for (size_t i = 0; i < res.n; i++)
		json_array_append_new(results,
		    codec_hit(&res.hits[i], &server.towns, server.rules,
		    mp.explain));
	codec_match_clear(&mp);
	req_result(r, json_pack("{s:o, s:I, s:I, s:I}", "results", results,
	    "candidates", (json_int_t)res.candidates, "rules_version",
	    (json_int_t)rules_version(server.rules), "took_us",
	    (json_int_t)(mono_us() - t0)));
}

