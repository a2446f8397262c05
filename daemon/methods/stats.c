/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * stats.c - stats: the daemon's mirror, store link, rule set and
 * counters (metrics.h), for staff.
 */
#include "daemon/methods/methods.h"
#include "daemon/metrics.h"
#include "daemon/req.h"
#include "daemon/server.h"
#include "daemon/store.h"
#include "proto/params.h"

/* ---- stats ------------------------------------------------------------ */

/* Redis and the change stream, as the stats method shows them. */
static json_t *
store_json(void)
{
	struct store_info si;

	store_info(server.store, &si);
	return json_pack("{s:b, s:b, s:b, s:b, s:s, s:s, s:I, s:I, s:I, s:I, "
	    "s:I, s:s?}",
	    "connected", si.connected,
	    "loaded", si.loaded,
	    "following", si.following,
	    "emptied", si.emptied,
	    "run_id", si.run_id,
	    "stream_id", si.stream_id,
	    "stream_lag", (json_int_t)si.stream_lag,
	    "changes", (json_int_t)si.changes,
	    "loads", (json_int_t)si.loads,
	    "loaded_at", (json_int_t)si.loaded_at,
	    "pending", (json_int_t)si.pending,
	    "link_error", si.trouble_text[0] != '\0' ? si.trouble_text :
	    NULL);
}

void
m_stats(struct req *r, json_t *params)
{
	static const char *const keys[] = { NULL };
	const struct rules_stats *rs = rules_stats_of(server.rules);
	struct perr pe;
	json_t *res;

	if (pv_object(params, "", keys, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	res = json_pack("{s:I, s:{s:I, s:b}, s:{s:b, s:b}, "
	    "s:{s:I, s:I, s:{s:I, s:I, s:I}}}",
	    "connections", (json_int_t)server.nconns,
	    "mirror", "postings", (json_int_t)matcher_njobs(server.matcher),
	    "reloading", server.loading != NULL,
	    "store", "connected", store_connected(server.store),
	    "loaded", store_loaded(server.store),
	    "rules", "version", (json_int_t)rules_version(server.rules),
	    "count", (json_int_t)rules_spec_of(server.rules)->nrules,
	    "regex", "runs", (json_int_t)(rs->matches +
	    server.regex_past.matches),
	    "limit_hits", (json_int_t)(rs->limit_hits +
	    server.regex_past.limit_hits),
	    "budget_spent", (json_int_t)(rs->budget_out +
	    server.regex_past.budget_out));
	if (res != NULL)
		json_object_set_new(res, "store", store_json());
	metrics_stats(res);
	req_result(r, res);
}

