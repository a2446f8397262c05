/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * interests.c - a consented contact: interest.record (kiosk, staff), a
 * person's request to be contacted about a posting; interest.list (staff;
 * an employer: those in its own postings that the person agreed to share
 * with it), interest.update (staff: the follow-up) and interest.delete
 * (staff), through the store.
 *
 * An interest is personal data: it lives in Redis only (never in the
 * mirror or the change stream), nothing here logs it, and no error names
 * a value it was given. One older than interest_retention_days is never
 * answered, and the sweep (interest_sweep.c) erases it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/interest_sweep.h"
#include "daemon/plan.h"
#include "daemon/methods/methods.h"
#include "daemon/req.h"
#include "daemon/server.h"
#include "daemon/store.h"
#include "matcher/date.h"
#include "proto/interest.h"
#include "proto/params.h"
#include "proto/rpc.h"

#define ILIST_LIMIT_MAX		100	/* rows of a page (A_BULK bounds
					   its answer) */
#define ILIST_LIMIT_DEF		50

/* ---- interest.record ----------------------------------------------------- */

static void
record_done(const struct store_res *res, void *arg)
{
	struct req *r = arg;

	switch (res->status) {
	case STORE_OK:
		req_result(r, json_pack("{s:s, s:I}", "id", res->id != NULL ?
		    res->id : "", "created_at", (json_int_t)res->version));
		return;
	case STORE_NOT_FOUND:
		if (res->version == 2)
			req_error(r, RPC_NOT_FOUND, "fair not found",
			    json_pack("{s:s}", "field", "fair"));
		else
			req_error(r, RPC_NOT_FOUND, "the posting is not open",
			    json_pack("{s:s}", "field", "job"));
		return;
	case STORE_FULL:
		req_error(r, RPC_BUSY, "no room for another interest: "
		    "interest_max_records are stored",
		    json_pack("{s:I}", "interest_max_records",
		    (json_int_t)res->version));
		return;
	default:
		req_error_store(r, res, "interest");
	}
}

/* interest.record {job: {id, employer_id}, fair?, person: {name, phone},
 * consent: {contact: true, share_with_employer}, needs?} (kiosk, staff). */
void
m_interest_record(struct req *r, json_t *params)
{
	struct interest_rec rec;
	struct interest_write w;
	struct perr pe;
	json_t *doc;
	char *text, today[DATE_LEN + 1];

	if (interest_decode(params, &rec, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	/* a kiosk bound to a fair records at its fair, and at no other */
	if (r->fair_id[0] != '\0') {
		if (rec.fair != NULL && strcmp(rec.fair, r->fair_id) != 0) {
			req_unauthorized(r, "this kiosk's token is bound to "
			    "another fair");
			return;
		}
		rec.fair = r->fair_id;
	}
	doc = interest_doc(&rec);
	text = doc != NULL ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (text == NULL) {
		req_reply(r, NULL);
		return;
	}
	memset(&w, 0, sizeof(w));
	w.employer_id = rec.employer_id;
	w.job_id = rec.job_id;
	w.fair = rec.fair != NULL ? rec.fair : "";
	w.doc = text;
	w.share = rec.share;
	w.now = (int64_t)time(NULL);
	(void)plan_today(today);
	w.today = today;
	w.max = server.cfg.interest_max_records;
	store_record_interest(server.store, &w, record_done, r);
	free(text);
}

/* ---- interest.list ------------------------------------------------------- */

/* One stored interest as interest.list answers it; NULL when its document
 * does not decode. */
static json_t *
interest_row(const struct store_interest *x)
{
	json_t *doc, *job, *o;

	doc = json_loadb(x->doc, x->doclen, 0, NULL);
	job = json_object_get(doc, "job");
	if (!json_is_object(doc) || !json_is_object(job)) {
		json_decref(doc);
		return NULL;
	}
	o = json_pack("{s:s, s:{s:O, s:O, s:o}, s:O, s:O, s:O, s:O, s:s, "
	    "s:o, s:I, s:I}", "id", x->id,
	    "job", "id", json_object_get(job, "id"),
	    "employer_id", json_object_get(job, "employer_id"),
	    "title", json_stringn(x->title, x->titlelen),
	    "fair", json_object_get(doc, "fair"),
	    "person", json_object_get(doc, "person"),
	    "needs", json_object_get(doc, "needs"),
	    "consent", json_object_get(doc, "consent"),
	    "status", x->status,
	    "note", x->notelen > 0 ? json_stringn(x->note, x->notelen) :
	    json_null(),
	    "created_at", (json_int_t)x->created_at,
	    "updated_at", (json_int_t)x->updated_at);
	json_decref(doc);
	return o;
}

static void
list_done(const struct store_res *res, void *arg)
{
	struct req *r = arg;
	json_t *rows, *o;

	if (res->status != STORE_OK) {
		req_error_store(r, res, "interest");
		return;
	}
	if ((rows = json_array()) == NULL) {
		req_reply(r, NULL);
		return;
	}
	for (size_t i = 0; i < res->ninterests; i++)
		if ((o = interest_row(&res->interests[i])) != NULL)
			json_array_append_new(rows, o);
	req_result(r, json_pack("{s:o, s:s?}", "interests", rows,
	    "next_cursor", res->next_cursor));
}

/* The unix time of local midnight starting day (clamped to the scores'
 * range). */
static int64_t
day_start(int64_t day)
{
	char date[DATE_LEN + 1];
	struct tm tm;
	int y, m, d;
	time_t t;

	date_format(day, date);
	if (sscanf(date, "%d-%d-%d", &y, &m, &d) != 3)
		return 0;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == (time_t)-1 || t < 0)
		return 0;
	return (int64_t)t > STORE_INTEREST_TIME_MAX ?
	    STORE_INTEREST_TIME_MAX : (int64_t)t;
}

/* interest.list {fair?, job?: {id, employer_id}, from?, to?, status?,
 * cursor?, limit?} (staff; an employer: its own postings' shared ones). */
void
m_interest_list(struct req *r, json_t *params)
{
	static const char *const keys[] = { "fair", "job", "from", "to",
	    "status", "cursor", "limit", NULL };
	static const char *const job_keys[] = { "id", "employer_id", NULL };
	const char *fair = NULL, *status = NULL, *cursor = NULL;
	const char *jid = NULL, *emp = NULL;
	char index[3 * ID_MAX + 32];
	struct interest_query q;
	struct perr pe;
	json_t *job;
	int64_t from = 0, to = 0, last = 0, limit = ILIST_LIMIT_DEF, lo, hi;
	int64_t cut;

	(void)date_day(9999, 12, 31, &last);
	to = last;
	job = json_object_get(params, "job");
	if (pv_object(params, "", keys, &pe) == -1 ||
	    pv_id(params, "", "fair", false, false, &fair, &pe) == -1 ||
	    (job != NULL && !json_is_null(job) &&
	    (pv_object(job, "job", job_keys, &pe) == -1 ||
	    pv_id(job, "job", "id", true, true, &jid, &pe) == -1 ||
	    pv_id(job, "job", "employer_id", true, false, &emp, &pe) == -1)) ||
	    pv_period(params, &from, &to, &pe) == -1 ||
	    pv_str(params, "", "status", false, 16, &status, &pe) == -1 ||
	    pv_int(params, "", "limit", false, 1, ILIST_LIMIT_MAX, &limit,
	    NULL, &pe) == -1 ||
	    pv_score_cursor(params, "", "cursor", &cursor, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	if (status != NULL && interest_status_lookup(status) < 0) {
		pv_fail(&pe, "", "status", "not one of new, contacted, "
		    "interview, hired, declined");
		req_error_params(r, &pe);
		return;
	}
	if (r->role == ROLE_EMPLOYER && emp != NULL &&
	    strcmp(emp, r->employer_id) != 0) {
		req_unauthorized(r, "an employer may only read the interests "
		    "in its own postings");
		return;
	}
	if (jid != NULL)
		snprintf(index, sizeof(index), "interests:job:%s:%s", emp,
		    jid);
	else if (r->role == ROLE_EMPLOYER)
		snprintf(index, sizeof(index), "interests:emp:%s",
		    r->employer_id);
	else if (fair != NULL)
		snprintf(index, sizeof(index), "interests:fair:%s", fair);
	else
		snprintf(index, sizeof(index), "interests");
	/* never one past retention, even before the sweep erased it */
	lo = day_start(from);
	if ((cut = interest_cutoff((int64_t)time(NULL))) > lo)
		lo = cut < STORE_INTEREST_TIME_MAX ? cut :
		    STORE_INTEREST_TIME_MAX;
	hi = to >= last ? STORE_INTEREST_TIME_MAX : day_start(to + 1) - 1;
	if (hi < 0)
		hi = 0;
	memset(&q, 0, sizeof(q));
	q.index = index;
	q.lo = lo * STORE_INTEREST_SHIFT;
	q.hi = hi * STORE_INTEREST_SHIFT + (STORE_INTEREST_SHIFT - 1);
	q.cursor = cursor;
	q.fair = fair != NULL ? fair : "";
	q.status = status != NULL ? status : "";
	q.shared = r->role == ROLE_EMPLOYER;
	q.limit = (size_t)limit;
	store_list_interests(server.store, &q, list_done, r);
}

/* ---- interest.update, interest.delete ------------------------------------ */

/* The id the request named, for its answer. */
struct ictx {
	char	id[INTEREST_ID_MAX + 1];
	char	status[16];
};

static void
not_found(struct req *r)
{
	req_error(r, RPC_NOT_FOUND, "interest not found", json_pack("{s:s}",
	    "field", "id"));
}

static void
update_done(const struct store_res *res, void *arg)
{
	struct req *r = arg;
	struct ictx *c = r->ctx;

	if (res->status == STORE_NOT_FOUND)
		not_found(r);
	else if (res->status != STORE_OK)
		req_error_store(r, res, "interest");
	else
		req_result(r, json_pack("{s:s, s:s, s:I}", "id", c->id,
		    "status", c->status, "updated_at",
		    (json_int_t)res->version));
}

/* A context holding id (and status) for the answer; NULL: answered. */
static struct ictx *
ictx_new(struct req *r, const char *id, const char *status)
{
	struct ictx *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		req_reply(r, NULL);
		return NULL;
	}
	snprintf(c->id, sizeof(c->id), "%s", id);
	snprintf(c->status, sizeof(c->status), "%s", status);
	r->ctx = c;
	r->ctx_free = free;
	return c;
}

/* interest.update {id, status, note?} (staff). */
void
m_interest_update(struct req *r, json_t *params)
{
	static const char *const keys[] = { "id", "status", "note", NULL };
	const char *id = NULL, *status = NULL, *note = NULL;
	struct perr pe;
	int64_t now;
	int s;

	if (pv_object(params, "", keys, &pe) == -1 ||
	    interest_id(params, "id", &id, &pe) == -1 ||
	    pv_str(params, "", "status", true, 16, &status, &pe) == -1 ||
	    pv_str(params, "", "note", false, INTEREST_NOTE_MAX, &note,
	    &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	if ((s = interest_status_lookup(status)) < 0 || s == IST_NEW) {
		pv_fail(&pe, "", "status", "not one of contacted, interview, "
		    "hired, declined");
		req_error_params(r, &pe);
		return;
	}
	if (ictx_new(r, id, status) == NULL)
		return;
	now = (int64_t)time(NULL);
	store_update_interest(server.store, id, status, note, now,
	    interest_cutoff(now), update_done, r);
}

static void
delete_done(const struct store_res *res, void *arg)
{
	struct req *r = arg;
	struct ictx *c = r->ctx;

	if (res->status == STORE_NOT_FOUND)
		not_found(r);
	else if (res->status != STORE_OK)
		req_error_store(r, res, "interest");
	else
		req_result(r, json_pack("{s:s, s:b}", "id", c->id, "deleted",
		    1));
}

/* interest.delete {id} (staff). */
void
m_interest_delete(struct req *r, json_t *params)
{
	static const char *const keys[] = { "id", NULL };
	const char *id = NULL;
	struct perr pe;

	if (pv_object(params, "", keys, &pe) == -1 ||
	    interest_id(params, "id", &id, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	if (ictx_new(r, id, "") == NULL)
		return;
	store_delete_interest(server.store, id, delete_done, r);
}
