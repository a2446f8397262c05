/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * roster.c - an employer's roster of disabled employees (staff only):
 * employer.roster.put through the store, employer.roster.get from Redis.
 * What counts of it toward the quota is matcher/quota.c's (docs/quota.md);
 * the mirror keeps each employer's roster for employer.quota.
 *
 * A roster is personal data (certificates, grades, wages, birth years):
 * its change-stream entry names the employer alone, its audit line the
 * method, the employer and the outcome, and nothing here logs an entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/methods/methods.h"
#include "daemon/mirror.h"
#include "daemon/plan.h"
#include "daemon/req.h"
#include "daemon/server.h"
#include "daemon/store.h"
#include "matcher/date.h"
#include "matcher/matcher.h"
#include "proto/codec_roster.h"
#include "proto/params.h"
#include "proto/rpc.h"

struct roster_put {
	char			 id[ID_MAX + 1];
	struct quota_roster	 ro;
};

static void
roster_put_free(void *p)
{
	struct roster_put *rp = p;

	free(rp->ro.v);
	free(rp);
}

static void
roster_put_done(const struct store_res *res, void *arg)
{
	struct req *r = arg;
	struct roster_put *rp = r->ctx;

	if (res->status != STORE_OK) {
		req_error_store_in(r, res, "roster", "employer_id");
		return;
	}
	rp->ro.version = res->version;
	mirror_put_roster(rp->id, &rp->ro);
	req_result(r, json_pack("{s:s, s:I, s:b}", "employer_id", rp->id,
	    "version", (json_int_t)res->version, "created", res->created));
}

/*
 * employer.roster.put {employer_id, entries, expected_version?} (staff):
 * the roster replaced whole.
 */
void
m_employer_roster_put(struct req *r, json_t *params)
{
	static const char *const keys[] = { "employer_id", "entries",
	    "expected_version", NULL };
	struct roster_put *rp;
	int64_t expected = -1;
	const char *id = NULL;
	char date[DATE_LEN + 1];
	struct perr pe;
	json_t *doc;
	char *s;
	int y, m, d;

	if (pv_object(params, "", keys, &pe) == -1 ||
	    pv_id(params, "", "employer_id", true, false, &id, &pe) == -1 ||
	    pv_int(params, "", "expected_version", false, 0, VERSION_MAX,
	    &expected, NULL, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	if ((rp = calloc(1, sizeof(*rp))) == NULL) {
		req_reply(r, NULL);
		return;
	}
	r->ctx = rp;
	r->ctx_free = roster_put_free;
	memcpy(rp->id, id, strlen(id) + 1);
	date_civil(plan_today(date), &y, &m, &d);
	if (codec_roster_decode(params, "", "entries",
	    (size_t)server.cfg.roster_max_entries, y, &rp->ro, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	doc = codec_roster_doc(rp->id, &rp->ro);
	s = doc != NULL ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (s == NULL) {
		req_reply(r, NULL);
		return;
	}
	store_put_roster(server.store, rp->id, s, expected, roster_put_done, r);
	free(s);
}

static void
roster_get_done(const struct store_res *res, void *arg)
{
	struct req *r = arg;
	const char *id = r->ctx;
	struct quota_roster ro;
	char emp[ID_MAX + 1];
	struct perr pe;
	json_t *entries;

	if (res->status == STORE_NOT_FOUND ||
	    (res->status == STORE_OK && res->nrecs == 0)) {
		const struct memployer *me = matcher_employer(server.matcher,
		    id);

		if (me == NULL || me->name == NULL) {
			req_error(r, RPC_NOT_FOUND, "employer not found",
			    json_pack("{s:s}", "field", "employer_id"));
			return;
		}
		/* a registered employer that keeps no roster */
		req_result(r, json_pack("{s:s, s:[], s:i}", "employer_id", id,
		    "entries", "version", 0));
		return;
	}
	if (res->status != STORE_OK) {
		req_error_store(r, res, "roster");
		return;
	}
	if (codec_roster_load(res->recs[0].doc, res->recs[0].doclen, emp, &ro,
	    &pe) == -1) {
		req_error(r, RPC_INTERNAL_ERROR, "the stored roster does not "
		    "validate", json_pack("{s:s}", "field", pe.field));
		return;
	}
	entries = codec_roster_encode(&ro);
	free(ro.v);
	if (entries == NULL) {
		req_reply(r, NULL);
		return;
	}
	req_result(r, json_pack("{s:s, s:o, s:I, s:I}", "employer_id", id,
	    "entries", entries, "version", (json_int_t)res->recs[0].version,
	    "updated_at", (json_int_t)res->recs[0].updated_at));
}

/* employer.roster.get {employer_id} (staff): the roster as stored. */
void
m_employer_roster_get(struct req *r, json_t *params)
{
	static const char *const keys[] = { "employer_id", NULL };
	const char *id = NULL;
	struct perr pe;

	if (pv_object(params, "", keys, &pe) == -1 ||
	    pv_id(params, "", "employer_id", true, false, &id, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	if ((r->ctx = strdup(id)) == NULL) {
		req_reply(r, NULL);
		return;
	}
	r->ctx_free = free;
	store_get_roster(server.store, id, roster_get_done, r);
}
