/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * jobs_view.c - a posting as job.get answers it: as stored, with its
 * effective contact (the employer's default contact under the posting's
 * own, member by member), or as a schema.org JobPosting (format
 * "jsonld"); and a job.list page as JSON-LD. The posting is read from
 * Redis, then its employer, so that both are what Redis holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/clock.h"
#include "daemon/methods/methods.h"
#include "daemon/req.h"
#include "daemon/server.h"
#include "daemon/store.h"
#include "matcher/date.h"
#include "proto/apply.h"
#include "proto/codec.h"
#include "proto/jsonld.h"
#include "proto/params.h"

struct get_ctx {
	char	 employer_id[ID_MAX + 1];
	bool	 ld;
	json_t	*doc;			/* the posting, as stored */
	int64_t	 version, posted_at, updated_at;
	bool	 closed;
};

bool
jobs_own_employer(const struct req *r, const char *employer_id)
{
	return r->role != ROLE_EMPLOYER ||
	    strcmp(r->employer_id, employer_id) == 0;
}

int
jobs_key(struct req *r, json_t *params, const char *const keys[],
    const char **emp, const char **id)
{
	struct perr pe;

	if (pv_object(params, "", keys, &pe) == -1 ||
	    pv_id(params, "", "id", true, true, id, &pe) == -1 ||
	    pv_id(params, "", "employer_id", true, false, emp, &pe) == -1) {
		req_error_params(r, &pe);
		return -1;
	}
	if (!jobs_own_employer(r, *emp)) {
		req_unauthorized(r, "an employer may only touch its own jobs");
		return -1;
	}
	return 0;
}

static void
get_ctx_free(void *p)
{
	struct get_ctx *g = p;

	json_decref(g->doc);
	free(g);
}

int
jobs_format(json_t *params, bool *ld, struct perr *pe)
{
	const char *f = NULL;

	if (pv_str(params, "", "format", false, 16, &f, pe) == -1)
		return -1;
	if (f != NULL && strcmp(f, "json") != 0 && strcmp(f, "jsonld") != 0)
		return pv_fail(pe, "", "format", "must be json or jsonld");
	*ld = f != NULL && strcmp(f, "jsonld") == 0;
	return 0;
}

/* Where the posting stops being open to applications, as ISO 8601:
 * the end of its apply_by (local), else its expires_at; NULL: never. */
static const char *
valid_through(json_t *doc, char buf[LOCAL_ISO_LEN + 1])
{
	const char *by = json_string_value(json_object_get(doc, "apply_by"));
	json_t *exp = json_object_get(doc, "expires_at");
	int y, m, d;
	int64_t end;

	if (by != NULL && sscanf(by, "%d-%d-%d", &y, &m, &d) == 3 &&
	    (end = local_day_end(y, m, d)) > 0) {
		local_iso(end - 1, buf);
		return buf;
	}
	if (json_is_integer(exp)) {
		local_iso(json_integer_value(exp), buf);
		return buf;
	}
	return NULL;
}

json_t *
jobs_jsonld(json_t *doc, int64_t posted_at, const char *employer_name,
    const char *employer_contact, bool context)
{
	char posted[LOCAL_ISO_LEN + 1], until[LOCAL_ISO_LEN + 1];
	json_t *contact = apply_contact_merge(employer_contact,
	    json_object_get(doc, "contact")), *o;
	struct jsonld_posting in = {
		.doc = doc,
		.employer_name = employer_name,
		.contact = contact,
		.towns = &server.towns,
		.region = server.cfg.jsonld_region,
		.date_posted = posted,
		.valid_through = valid_through(doc, until),
	};

	local_iso(posted_at, posted);
	o = jsonld_posting(&in, context);
	json_decref(contact);
	return o;
}

static void
employer_read(const struct store_res *res, void *arg)
{
	struct req *r = arg;
	struct get_ctx *g = r->ctx;
	json_t *emp = NULL, *contact, *o;
	const char *name = NULL;
	char *ctext = NULL;

	if (res->status != STORE_OK && res->status != STORE_NOT_FOUND) {
		req_error_store(r, res, "employer");
		return;
	}
	if (res->status == STORE_OK && res->nrecs > 0)
		emp = json_loadb(res->recs[0].doc, res->recs[0].doclen, 0,
		    NULL);
	name = json_string_value(json_object_get(emp, "name"));
	if (json_is_object(json_object_get(emp, "contact")))
		ctext = json_dumps(json_object_get(emp, "contact"),
		    JSON_COMPACT);
	if (g->ld) {
		o = jobs_jsonld(g->doc, g->posted_at, name, ctext, true);
	} else {
		o = json_copy(g->doc);
		contact = apply_contact_merge(ctext,
		    json_object_get(g->doc, "contact"));
		if (o != NULL) {
			if (contact != NULL)
				json_object_set(o, "contact", contact);
			json_object_set_new(o, "version",
			    json_integer(g->version));
			json_object_set_new(o, "posted_at",
			    json_integer(g->posted_at));
			json_object_set_new(o, "updated_at",
			    json_integer(g->updated_at));
			json_object_set_new(o, "status",
			    json_string(g->closed ? "closed" : "open"));
			if (jobs_sees_flags(r))
				jobs_add_flags(o, g->employer_id,
				    json_string_value(json_object_get(o, "id")),
				    g->version);
		}
		json_decref(contact);
	}
	free(ctext);
	json_decref(emp);
	req_result(r, o);
}

static void
job_read(const struct store_res *res, void *arg)
{
	struct req *r = arg;
	struct get_ctx *g = r->ctx;
	const struct store_rec *rec;

	if (res->status != STORE_OK) {
		req_error_store(r, res, "job");
		return;
	}
	rec = &res->recs[0];
	g->doc = json_loadb(rec->doc, rec->doclen, 0, NULL);
	if (g->doc == NULL || !json_is_object(g->doc)) {
		req_reply(r, NULL);
		return;
	}
	g->version = rec->version;
	g->posted_at = rec->posted_at;
	g->updated_at = rec->updated_at;
	g->closed = rec->closed;
	/* the answer waits for the employer's default contact */
	store_get_employer(server.store, g->employer_id, employer_read, r);
}

void
m_job_get(struct req *r, json_t *params)
{
	static const char *const keys[] = { "id", "employer_id", "format",
	    NULL };
	const char *emp = NULL, *id = NULL;
	struct get_ctx *g;
	struct perr pe;
	bool ld = false;

	if (jobs_key(r, params, keys, &emp, &id) == -1)
		return;
	if (jobs_format(params, &ld, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	if ((g = calloc(1, sizeof(*g))) == NULL) {
		req_reply(r, NULL);
		return;
	}
	strcpy(g->employer_id, emp);
	g->ld = ld;
	r->ctx = g;
	r->ctx_free = get_ctx_free;
	store_get_job(server.store, emp, id, job_read, r);
}

/* Whether a stored posting is open to applications at now: open, not
 * expired, its apply_by not past. */
static bool
applicable(const struct store_rec *rec, json_t *doc, int64_t now)
{
	const char *by = json_string_value(json_object_get(doc, "apply_by"));
	json_t *exp = json_object_get(doc, "expires_at");
	int y, m, d;
	int64_t end;

	if (rec->closed)
		return false;
	if (json_is_integer(exp) && json_integer_value(exp) <= now)
		return false;
	return by == NULL || sscanf(by, "%d-%d-%d", &y, &m, &d) != 3 ||
	    (end = local_day_end(y, m, d)) == 0 || end > now;
}

json_t *
jobs_jsonld_page(const struct store_res *res)
{
	json_t *items = json_array(), *o;
	int64_t now = (int64_t)time(NULL);

	if (items == NULL)
		return NULL;
	for (size_t i = 0; i < res->nrecs; i++) {
		const struct store_rec *rec = &res->recs[i];
		json_t *doc = json_loadb(rec->doc, rec->doclen, 0, NULL);
		const struct memployer *me;
		const char *emp;

		if (doc == NULL || !applicable(rec, doc, now)) {
			json_decref(doc);
			continue;
		}
		emp = json_string_value(json_object_get(doc, "employer_id"));
		me = emp != NULL ? matcher_employer(server.matcher, emp) : NULL;
		o = jobs_jsonld(doc, rec->posted_at, me != NULL ? me->name :
		    NULL, me != NULL ? me->contact : NULL, false);
		if (o != NULL)
			json_array_append_new(items, o);
		json_decref(doc);
	}
	if ((o = jsonld_graph(items)) == NULL)
		return NULL;
	json_object_set_new(o, "next_cursor", res->next_cursor != NULL ?
	    json_string(res->next_cursor) : json_null());
	return o;
}
