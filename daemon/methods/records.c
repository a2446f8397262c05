/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * records.c - a page of a list of dated records (employment.list,
 * followup.list, placement.list): their common params (from?, to?,
 * limit?, cursor?), the filters each method adds from its own, and the
 * answer made from the store's page, {rows: [...], next_cursor}.
 *
 * A record is personal data: what the store gives is answered to the
 * caller (staff) and never logged.
 */
#include <assert.h>
#include <stdlib.h>

#include "daemon/methods/methods.h"
#include "daemon/req.h"
#include "daemon/server.h"
#include "daemon/store.h"
#include "matcher/date.h"
#include "proto/params.h"

#define RECORDS_LIMIT_DEF	100

/* What a list keeps: each given member must equal the record's. */
struct records_page {
	json_t		*params;	/* owns the filters' values */
	const char	*kind;		/* the store's */
	const char	*what;		/* a store failure's (req_error_store) */
	const char	*rows;		/* the answer's member */
	int64_t		 from, to;
	const char	*key[RECORDS_FILTERS_MAX];
	json_t		*want[RECORDS_FILTERS_MAX];
	size_t		 n;
};

static void
records_page_free(void *p)
{
	struct records_page *rp = p;

	json_decref(rp->params);
	free(rp);
}

struct records_page *
records_page_start(struct req *r, json_t *params, const char *const keys[],
    const char *kind, const char *what, const char *rows)
{
	struct records_page *rp;
	struct perr pe;

	if ((rp = calloc(1, sizeof(*rp))) == NULL) {
		req_reply(r, NULL);
		return NULL;
	}
	rp->params = json_incref(params);
	rp->kind = kind;
	rp->what = what;
	rp->rows = rows;
	r->ctx = rp;
	r->ctx_free = records_page_free;
	(void)date_day(9999, 12, 31, &rp->to);
	if (pv_object(params, "", keys, &pe) == -1 ||
	    pv_period(params, &rp->from, &rp->to, &pe) == -1) {
		req_error_params(r, &pe);
		return NULL;
	}
	return rp;
}

void
records_page_filter(struct records_page *rp, const char *key)
{
	assert(rp->n < RECORDS_FILTERS_MAX);
	if (rp->n == RECORDS_FILTERS_MAX)
		return;
	rp->key[rp->n] = key;
	rp->want[rp->n++] = json_object_get(rp->params, key);
}

/* A page of the store's list: the records the filters keep. */
static void
records_page_done(const struct store_res *res, void *arg)
{
	struct req *r = arg;
	struct records_page *rp = r->ctx;
	json_t *rows;

	if (res->status != STORE_OK) {
		req_error_store(r, res, rp->what);
		return;
	}
	if ((rows = json_array()) == NULL) {
		req_reply(r, NULL);
		return;
	}
	for (size_t i = 0; i < res->nrecs; i++) {
		json_t *o = json_loadb(res->recs[i].doc, res->recs[i].doclen,
		    0, NULL);
		bool keep = o != NULL && json_is_object(o);

		for (size_t k = 0; keep && k < rp->n; k++)
			keep = json_equal(json_object_get(o, rp->key[k]),
			    rp->want[k]);
		if (!keep) {
			json_decref(o);
			continue;
		}
		if (json_object_get(o, "seeker_id") == NULL)
			json_object_set_new(o, "seeker_id", json_null());
		json_array_append_new(rows, o);
	}
	req_result(r, json_pack("{s:o, s:s?}", rp->rows, rows,
	    "next_cursor", res->next_cursor));
}

void
records_page_read(struct req *r, struct records_page *rp)
{
	struct perr pe;
	const char *cursor = NULL;
	int64_t limit = RECORDS_LIMIT_DEF;

	if (pv_int(rp->params, "", "limit", false, 1, STORE_PLACEMENTS_MAX,
	    &limit, NULL, &pe) == -1 ||
	    pv_score_cursor(rp->params, "", "cursor", &cursor, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	store_list_records(server.store, rp->kind, rp->from, rp->to, cursor,
	    (size_t)limit, records_page_done, r);
}
