/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * skills.c - skills.suggest: the skills that open postings list, as a
 * person types one at a kiosk, from the mirror's interned skills
 * (matcher/terms.h) with the open postings that list each.
 */
#include "daemon/methods/methods.h"
#include "daemon/req.h"
#include "daemon/server.h"
#include "proto/codec.h"
#include "proto/params.h"

#define SUGGEST_LIMIT_MAX	50
#define SUGGEST_LIMIT_DEF	10

void
m_skills_suggest(struct req *r, json_t *params)
{
	static const char *const keys[] = { "text", "limit", NULL };
	struct term_count v[SUGGEST_LIMIT_MAX];
	json_t *t = json_object_get(params, "text");
	const char *text = "";
	int64_t limit = SUGGEST_LIMIT_DEF;
	struct perr pe;
	size_t n;

	/* "" asks for the most listed skills */
	if (pv_object(params, "", keys, &pe) == -1 ||
	    ((!json_is_string(t) || json_string_length(t) > 0) &&
	    pv_str(params, "", "text", true, SKILL_MAX, &text, &pe) == -1) ||
	    pv_int(params, "", "limit", false, 1, SUGGEST_LIMIT_MAX, &limit,
	    NULL, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	n = matcher_suggest_skills(server.matcher, text, v, (size_t)limit);
	req_result(r, codec_skills(v, n));
}
