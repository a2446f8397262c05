/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * jobs.c - employer.put, employer.get and the postings: job.post,
 * job.get, job.close, job.list. Written through the store; this daemon's
 * mirror takes each write once Redis has confirmed it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/methods/methods.h"
#include "daemon/mirror.h"
#include "daemon/req.h"
#include "daemon/server.h"
#include "daemon/store.h"
#include "proto/codec.h"
#include "proto/params.h"
#include "proto/rpc.h"

#define REASON_MAX	500
#define LIST_LIMIT_DEF	20
#define CURSOR_MAX	(2 * ID_MAX + 1)



/* Parses a stored document and adds the store's fields to it. */
static json_t *
stored_view(const struct store_rec *rec, bool job)
{
	json_t *o = json_loadb(rec->doc, rec->doclen, 0, NULL);

	if (o == NULL || !json_is_object(o)) {
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "version", json_integer(rec->version));
	if (job) {
		json_object_set_new(o, "posted_at",
		    json_integer(rec->posted_at));
		json_object_set_new(o, "updated_at",
		    json_integer(rec->updated_at));
		json_object_set_new(o, "status",
		    json_string(rec->closed ? "closed" : "open"));
	}
	return o;
}

/* ---- employers -------------------------------------------------------- */

static void
employer_ctx_free(void *p)
{
	employer_clear(p);
	free(p);
}

static void
employer_put_done(const struct store_res *res, void *arg)
{
	struct req *r = arg;
	struct employer *e = r->ctx;

	if (res->status != STORE_OK) {
		req_error_store(r, res, "employer");
		return;
	}
	e->version = res->version;
	mirror_put_employer(e);
	req_result(r, json_pack("{s:s, s:I, s:b}", "id", e->id, "version",
	    (json_int_t)res->version, "created", res->created));
}

/* The answer of a dry run: what would have been written, and that it
 * was not; for a posting (j), the flags it would raise. */
static void
dry_run_result(struct req *r, const char *id, const struct job *j)
{
	json_t *o = json_pack("{s:s, s:b}", "id", id, "dry_run", 1);

	if (o != NULL && j != NULL)
		json_object_set_new(o, "flags", jobs_flags_json(matcher_flags(
		    server.matcher, j->title, j->description)));
	req_result(r, o);
}

/*
 * employer.put {employer, dry_run?} (staff). A dry run checks the
 * employer as a write would and answers {id, dry_run: true}: nothing is
 * written (an employer.put has no check in the store).
 */
void
m_employer_put(struct req *r, json_t *params)
{
	static const char *const keys[] = { "employer", "dry_run", NULL };
	struct employer *e;
	struct perr pe;
	json_t *doc;
	char *s;
	bool dry = false;

	if (pv_object(params, "", keys, &pe) == -1 ||
	    pv_bool(params, "", "dry_run", &dry, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	if (json_object_get(params, "employer") == NULL) {
		pv_fail(&pe, "", "employer", "is required");
		req_error_params(r, &pe);
		return;
	}
	if ((e = malloc(sizeof(*e))) == NULL) {
		req_reply(r, NULL);
		return;
	}
	employer_init(e);
	r->ctx = e;
	r->ctx_free = employer_ctx_free;
	if (codec_employer_decode(json_object_get(params, "employer"),
	    "employer", &server.towns, e, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	doc = codec_employer_encode(e, &server.towns);
	s = doc != NULL ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (s == NULL) {
		req_reply(r, NULL);
		return;
	}
	if (dry) {
		free(s);
		dry_run_result(r, e->id, NULL);
		return;
	}
	store_put_employer(server.store, e->id, s, employer_put_done, r);
	free(s);
}

static void
get_done(const struct store_res *res, void *arg, bool job, const char *what)
{
	struct req *r = arg;

	if (res->status != STORE_OK) {
		req_error_store(r, res, what);
		return;
	}
	req_result(r, stored_view(&res->recs[0], job));
}

static void
employer_get_done(const struct store_res *res, void *arg)
{
	get_done(res, arg, false, "employer");
}

void
m_employer_get(struct req *r, json_t *params)
{
	static const char *const keys[] = { "id", NULL };
	const char *id = NULL;
	struct perr pe;

	if (pv_object(params, "", keys, &pe) == -1 ||
	    pv_id(params, "", "id", true, false, &id, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	store_get_employer(server.store, id, employer_get_done, r);
}

/* ---- jobs ------------------------------------------------------------- */

static void
job_ctx_free(void *p)
{
	job_clear(p);
	free(p);
}

static void
job_post_done(const struct store_res *res, void *arg)
{
	struct req *r = arg;
	struct job *j = r->ctx;
	const struct mjob *mj;

	if (res->status != STORE_OK) {
		req_error_store(r, res, "job");
		return;
	}
	j->version = res->version;
	j->status = JOB_OPEN;
	mirror_put_job(j);
	/* the mirror evaluated its flags as it took it (else: now) */
	mj = matcher_job(server.matcher, j->employer_id, j->id);
	req_result(r, json_pack("{s:s, s:I, s:b, s:o}", "id", j->id, "version",
	    (json_int_t)res->version, "created", res->created, "flags",
	    jobs_flags_json(mj != NULL && mj->version == j->version ?
	    mj->flag_bits : matcher_flags(server.matcher, j->title,
	    j->description))));
}

/* A dry run's answer from the store's checks: the errors a write would
 * have had, or {id, dry_run: true}. */
static void
job_check_done(const struct store_res *res, void *arg)
{
	struct req *r = arg;
	struct job *j = r->ctx;

	if (res->status == STORE_UNKNOWN) {
		/* nothing was to be written: it was not */
		req_error(r, RPC_STORE_UNAVAILABLE,
		    "store did not answer in time", json_pack("{s:b}",
		    "applied", 0));
		return;
	}
	if (res->status != STORE_OK) {
		req_error_store(r, res, "job");
		return;
	}
	dry_run_result(r, j->id, j);
}

/*
 * job.post {job, expected_version?, dry_run?} (employer: its own; staff).
 * A dry run makes every check a write makes, the store's too (the
 * employer registered, expected_version), and writes nothing.
 */
void
m_job_post(struct req *r, json_t *params)
{
	static const char *const keys[] = { "job", "expected_version",
	    "dry_run", NULL };
	struct job_write w;
	struct job *j;
	struct perr pe;
	json_t *doc;
	char dis[128] = "", *s;
	int town;
	bool dry = false;

	if (pv_object(params, "", keys, &pe) == -1 ||
	    pv_bool(params, "", "dry_run", &dry, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	memset(&w, 0, sizeof(w));
	w.expected_version = -1;
	if (pv_int(params, "", "expected_version", false, 0, VERSION_MAX,
	    &w.expected_version, NULL, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	if (json_object_get(params, "job") == NULL) {
		pv_fail(&pe, "", "job", "is required");
		req_error_params(r, &pe);
		return;
	}
	if ((j = malloc(sizeof(*j))) == NULL) {
		req_reply(r, NULL);
		return;
	}
	job_init(j);
	r->ctx = j;
	r->ctx_free = job_ctx_free;
	if (codec_job_decode(json_object_get(params, "job"), "job",
	    &server.towns, j, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	if (!jobs_own_employer(r, j->employer_id)) {
		req_unauthorized(r,
		    "an employer may only post its own jobs");
		return;
	}
	if (dry) {
		/* the document encodes (as a write's would) */
		doc = codec_job_encode(j, &server.towns);
		if (doc == NULL) {
			req_reply(r, NULL);
			return;
		}
		json_decref(doc);
		store_check_job(server.store, j->employer_id, j->id,
		    w.expected_version, job_check_done, r);
		return;
	}

	if (j->dis_any)
		strcpy(dis, "any");
	for (int i = 0; i < DIS_COUNT; i++)
		if (j->dis_mask & 1u << i) {
			if (dis[0] != '\0')
				strcat(dis, " ");
			strcat(dis, vocab_id(VOCAB_DISABILITY, i));
		}
	if (j->has_location) {
		w.lat = j->lat;
		w.lon = j->lon;
		town = towns_pick(&server.towns, j->town, j->lat, j->lon);
	} else {
		town = j->town;
		w.lat = server.towns.v[town].lat;
		w.lon = server.towns.v[town].lon;
	}
	doc = codec_job_encode(j, &server.towns);
	s = doc != NULL ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (s == NULL) {
		req_reply(r, NULL);
		return;
	}
	w.employer_id = j->employer_id;
	w.id = j->id;
	w.doc = s;
	w.dis = dis;
	w.town = town >= 0 ? server.towns.v[town].code : "";
	store_put_job(server.store, &w, job_post_done, r);
	free(s);
}

struct close_ctx {
	char	employer_id[ID_MAX + 1];
	char	id[ID_MAX + 1];
};

static void
job_close_done(const struct store_res *res, void *arg)
{
	struct req *r = arg;
	struct close_ctx *cc = r->ctx;

	if (res->status != STORE_OK) {
		req_error_store(r, res, "job");
		return;
	}
	mirror_remove_job(cc->employer_id, cc->id);
	req_result(r, json_pack("{s:s, s:s, s:I}", "id", cc->id, "status",
	    "closed", "version", (json_int_t)res->version));
}

void
m_job_close(struct req *r, json_t *params)
{
	static const char *const keys[] = { "id", "employer_id", "reason",
	    NULL };
	const char *emp = NULL, *id = NULL, *reason = "";
	struct close_ctx *cc;
	struct perr pe;

	if (jobs_key(r, params, keys, &emp, &id) == -1)
		return;
	if (pv_str(params, "", "reason", false, REASON_MAX, &reason, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	if ((cc = malloc(sizeof(*cc))) == NULL) {
		req_reply(r, NULL);
		return;
	}
	strcpy(cc->employer_id, emp);
	strcpy(cc->id, id);
	r->ctx = cc;
	r->ctx_free = free;
	store_close_job(server.store, emp, id, reason, job_close_done, r);
}

/* job.list's r->ctx, borrowed: the format jsonld, or flagged postings
 * only. */
static int jsonld, flagged_only;

static void
job_list_done(const struct store_res *res, void *arg)
{
	struct req *r = arg;
	json_t *jobs;

	if (res->status != STORE_OK) {
		req_error_store(r, res, "job");
		return;
	}
	if (r->ctx == &jsonld) {
		req_result(r, jobs_jsonld_page(res));
		return;
	}
	if ((jobs = json_array()) == NULL) {
		req_reply(r, NULL);
		return;
	}
	for (size_t i = 0; i < res->nrecs; i++) {
		json_t *o = stored_view(&res->recs[i], true);
		json_t *fl;

		if (o == NULL)
			continue;
		if (jobs_sees_flags(r)) {
			fl = jobs_flags_json(jobs_flag_bits(json_string_value(
			    json_object_get(o, "employer_id")),
			    json_string_value(json_object_get(o, "id")),
			    res->recs[i].version, o));
			if (r->ctx == &flagged_only && json_array_size(fl) == 0) {
				json_decref(fl);
				json_decref(o);
				continue;
			}
			json_object_set_new(o, "flags", fl);
		}
		json_array_append_new(jobs, o);
	}
	req_result(r, json_pack("{s:o, s:s?}", "jobs", jobs, "next_cursor",
	    res->next_cursor));
}

void
m_job_list(struct req *r, json_t *params)
{
	static const char *const keys[] = { "employer_id", "town", "status",
	    "flagged", "cursor", "limit", "format", NULL };
	struct job_list_query q;
	struct perr pe;
	int64_t limit = LIST_LIMIT_DEF;
	bool ld = false, flagged = false;

	memset(&q, 0, sizeof(q));
	if (pv_object(params, "", keys, &pe) == -1 ||
	    pv_id(params, "", "employer_id", false, false, &q.employer_id,
	    &pe) == -1 ||
	    pv_str(params, "", "town", false, TOWN_CODE_MAX, &q.town, &pe) == -1 ||
	    pv_str(params, "", "status", false, 16, &q.status, &pe) == -1 ||
	    pv_str(params, "", "cursor", false, CURSOR_MAX, &q.cursor,
	    &pe) == -1 ||
	    pv_int(params, "", "limit", false, 1, JOB_LIST_LIMIT_MAX, &limit, NULL,
	    &pe) == -1 || jobs_format(params, &ld, &pe) == -1 ||
	    pv_bool(params, "", "flagged", &flagged, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	if (flagged && r->role != ROLE_STAFF) {
		req_unauthorized(r, "only staff list the flagged postings");
		return;
	}
	if (flagged && ld) {
		pv_fail(&pe, "", "flagged", "lists postings as stored, with "
		    "their flags: not with format jsonld");
		req_error_params(r, &pe);
		return;
	}
	if (q.town != NULL && towns_find(&server.towns, q.town) < 0) {
		pv_fail(&pe, "", "town", "unknown town code");
		req_error_params(r, &pe);
		return;
	}
	if (q.status != NULL && strcmp(q.status, "open") != 0 &&
	    strcmp(q.status, "closed") != 0) {
		pv_fail(&pe, "", "status", "must be open or closed");
		req_error_params(r, &pe);
		return;
	}
	if (q.cursor != NULL) {
		for (const char *p = q.cursor; *p != '\0'; p++)
			if (!((*p >= 'a' && *p <= 'z') ||
			    (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || *p == '.' ||
			    *p == '_' || *p == '-' || *p == ':')) {
				pv_fail(&pe, "", "cursor", "not a cursor of "
				    "this method");
				req_error_params(r, &pe);
				return;
			}
		if (q.cursor[0] == '\0')
			q.cursor = NULL;
	}
	if (r->role == ROLE_EMPLOYER) {
		if (q.employer_id == NULL)
			q.employer_id = r->employer_id;
		else if (!jobs_own_employer(r, q.employer_id)) {
			req_unauthorized(r,
			    "an employer may only list its own jobs");
			return;
		}
	}
	if (ld) {
		/* the employers' names and contacts come from the mirror */
		if (!server.mirror_loaded) {
			req_error(r, RPC_STORE_UNAVAILABLE, "not ready: "
			    "loading the mirror from Redis; retry later",
			    json_pack("{s:s, s:b}", "reason", "loading",
			    "applied", 0));
			return;
		}
		r->ctx = &jsonld;
	} else if (flagged)
		r->ctx = &flagged_only;
	q.limit = (size_t)limit;
	store_list_jobs(server.store, &q, job_list_done, r);
}

