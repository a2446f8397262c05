/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * job_flags.c - a posting's flags (the rule set's flags its title or
 * description raise: a discriminatory demand of applicants, with the
 * reason) as job.get, job.list and job.post give them to staff and to the
 * posting's own employer; never to a kiosk. The mirror evaluates them when
 * a posting enters it and when the rule set changes; a posting it does
 * not hold as this version (closed, or not reached it yet) is evaluated
 * here, under the same rule set and time bound.
 */
#include <string.h>

#include "daemon/methods/methods.h"
#include "daemon/req.h"
#include "daemon/server.h"

bool
jobs_sees_flags(const struct req *r)
{
	return r->role == ROLE_STAFF || r->role == ROLE_EMPLOYER;
}

uint32_t
jobs_flag_bits(const char *employer_id, const char *id, int64_t version,
    json_t *doc)
{
	const struct mjob *mj = employer_id != NULL && id != NULL ?
	    matcher_job(server.matcher, employer_id, id) : NULL;

	if (mj != NULL && mj->version == version)
		return mj->flag_bits;
	return matcher_flags(server.matcher,
	    json_string_value(json_object_get(doc, "title")),
	    json_string_value(json_object_get(doc, "description")));
}

json_t *
jobs_flags_json(uint32_t bits)
{
	const struct rules_spec *rs =
	    rules_spec_of(matcher_rules(server.matcher));
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < rs->nflags; i++)
		if (bits & 1u << i)
			json_array_append_new(a, json_pack(
			    "{s:s, s:{s:s, s:s}}", "name", rs->flags[i].name,
			    "reason", "zh", rs->flags[i].reason_zh,
			    "en", rs->flags[i].reason_en));
	return a;
}

void
jobs_add_flags(json_t *o, const char *employer_id, const char *id,
    int64_t version)
{
	if (o != NULL)
		json_object_set_new(o, "flags", jobs_flags_json(jobs_flag_bits(
		    employer_id, id, version, o)));
}
