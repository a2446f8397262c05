/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * employment.c - employment.record and employment.list (staff only): a
 * person newly in work, in any form (employed by an employer, a
 * public-welfare post, sheltered work, self-employment, flexible work,
 * farming, a community stall), which the plan counts as persons
 * (stats.plan, docs/plan.md). Also what the follow-ups and the plan read
 * them with: the list of a period's records of one kind, and the scan of
 * them all.
 *
 * A record is personal data: its note is never logged, and the change
 * stream learns its id only (store_scripts.c, script_record).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/methods/methods.h"
#include "daemon/plan.h"
#include "daemon/req.h"
#include "daemon/server.h"
#include "daemon/store.h"
#include "matcher/model.h"
#include "matcher/vocab.h"
#include "proto/params.h"
#include "proto/rpc.h"

#define SCAN_CHUNK		1000	/* records read at a time */

/* ---- employment.record ---------------------------------------------------- */

static void
record_done(const struct store_res *res, void *arg)
{
	struct req *r = arg;

	switch (res->status) {
	case STORE_OK:
		req_result(r, json_pack("{s:s, s:b}", "id", res->id != NULL ?
		    res->id : "", "created", res->created));
		return;
	case STORE_NOT_FOUND:
		req_error(r, RPC_NOT_FOUND, res->version == 2 ?
		    "seeker not found" : "job not found", json_pack("{s:s}",
		    "field", res->version == 2 ? "seeker_id" : "job_id"));
		return;
	default:
		req_error_store_in(r, res, "record", "employer_id");
	}
}

/* employment.record {seeker_id, form, date, employer_id?, job_id?,
 * note?} (staff). */
void
m_employment_record(struct req *r, json_t *params)
{
	static const char *const keys[] = { "seeker_id", "form", "date",
	    "employer_id", "job_id", "note", NULL };
	const char *sid = NULL, *emp = NULL, *jid = NULL, *note = NULL;
	struct record_write w;
	struct perr pe;
	char key[PLAN_EMPLOYMENT_KEY_MAX], *text;
	int64_t day = -1;
	int form = -1;

	if (pv_object(params, "", keys, &pe) == -1 ||
	    pv_id(params, "", "seeker_id", true, false, &sid, &pe) == -1 ||
	    pv_enum(params, "", "form", VOCAB_EMPLOYMENT_FORM, &form,
	    &pe) == -1 ||
	    pv_date(params, "", "date", true, &day, &pe) == -1 ||
	    pv_id(params, "", "employer_id", false, false, &emp, &pe) == -1 ||
	    pv_id(params, "", "job_id", false, true, &jid, &pe) == -1 ||
	    pv_str(params, "", "note", false, PLAN_NOTE_MAX, &note,
	    &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	if (form < 0) {
		pv_fail(&pe, "", "form", "is required");
		req_error_params(r, &pe);
		return;
	}
	if (jid != NULL && emp == NULL) {
		pv_fail(&pe, "", "employer_id", "is required with job_id");
		req_error_params(r, &pe);
		return;
	}
	plan_employment_key(form, day, emp, jid, key);
	if ((text = records_dump(plan_employment_doc(sid, form, emp, jid,
	    day, note, -1))) == NULL) {
		req_reply(r, NULL);
		return;
	}
	memset(&w, 0, sizeof(w));
	w.kind = "employment";
	w.seeker_id = sid;
	w.key = key;
	w.employer_id = emp != NULL ? emp : "";
	w.job_id = jid != NULL ? jid : "";
	w.doc = text;
	w.day = day;
	store_record(server.store, &w, record_done, r);
	free(text);
}

char *
records_dump(json_t *o)
{
	char *s = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;

	json_decref(o);
	return s;
}

/* ---- listing ----------------------------------------------------------- */

void
records_list(struct req *r, json_t *params, const char *kind,
    const char *enum_key, enum vocab_kind enum_kind, const char *rows)
{
	const char *keys[] = { "from", "to", enum_key, "seeker_id", "limit",
	    "cursor", NULL };
	struct records_page *rp;
	struct perr pe;
	const char *sid = NULL;
	int e = -1;

	if ((rp = records_page_start(r, params, keys, kind, "record",
	    rows)) == NULL)
		return;
	if (pv_enum(params, "", enum_key, enum_kind, &e, &pe) == -1 ||
	    pv_id(params, "", "seeker_id", false, false, &sid, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	if (e >= 0)
		records_page_filter(rp, enum_key);
	if (sid != NULL)
		records_page_filter(rp, "seeker_id");
	records_page_read(r, rp);
}

/* employment.list {from?, to?, form?, seeker_id?, cursor?, limit?}
 * (staff). */
void
m_employment_list(struct req *r, json_t *params)
{
	records_list(r, params, "employment", "form", VOCAB_EMPLOYMENT_FORM,
	    "employments");
}

/* ---- reading them all ------------------------------------------------- */

static void
scan_chunk(const struct store_res *res, void *arg)
{
	struct req *r = arg;
	struct record_scan *sc = r->ctx;

	if (res->status != STORE_OK) {
		req_error_store(r, res, sc->kind);
		return;
	}
	for (size_t i = 0; i < res->nrecs; i++) {
		json_t *o = json_loadb(res->recs[i].doc, res->recs[i].doclen,
		    0, NULL);

		if (o != NULL && json_is_object(o) && sc->each(o, sc) == -1) {
			json_decref(o);
			req_reply(r, NULL);
			return;
		}
		json_decref(o);
	}
	if (res->next_cursor != NULL) {
		snprintf(sc->cursor, sizeof(sc->cursor), "%s",
		    res->next_cursor);
		store_list_records(server.store, sc->kind, sc->from, sc->to,
		    sc->cursor, SCAN_CHUNK, scan_chunk, r);
		return;
	}
	sc->done(r);
}

void
record_scan(struct req *r, struct record_scan *sc)
{
	sc->cursor[0] = '\0';
	store_list_records(server.store, sc->kind, sc->from, sc->to, NULL,
	    SCAN_CHUNK, scan_chunk, r);
}
