/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * placements.c - placement.record and placement.list (staff only): hires,
 * stored with what the plan counts of them (daemon/plan.h).
 *
 * A hire is read, then written: the posting and the seeker are read from
 * Redis (not the mirror, which may lag another daemon's writes), their new
 * documents made from what was read, and one script writes them with the
 * placement, refusing if either changed in between (store.h).
 *
 * Hires of one posting through this daemon go one at a time (queue): each
 * is read after the one before it has its answer, so that they never
 * conflict with each other. Hires through other daemons still can; the
 * loser reads again and retries. When Redis is down or does not answer a
 * hire in time, the hires waiting behind it, never sent, are answered at
 * once (-32004, applied false) instead of each waiting for the same link
 * in turn.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/methods/methods.h"
#include "daemon/mirror.h"
#include "daemon/plan.h"
#include "daemon/req.h"
#include "daemon/seekers.h"
#include "daemon/server.h"
#include "daemon/store.h"
#include "matcher/date.h"
#include "matcher/strmap.h"
#include "matcher/vocab.h"
#include "proto/codec.h"
#include "proto/params.h"
#include "proto/rpc.h"

/* A hire that conflicts with one through another daemon reads again and
 * retries, this many times. */
#define PLACE_RETRIES		8

/* ---- placement.record --------------------------------------------------- */

struct place_ctx {
	char		 hire[DATE_LEN + 2 * (ID_MAX + 1) + 1];
	char		 seeker_id[ID_MAX + 1];
	char		 employer_id[ID_MAX + 1];
	char		 job_id[ID_MAX + 1];
	int64_t		 day;
	struct job	 job;		/* as read; then as written */
	int64_t		 job_version;	/* read */
	bool		 was_closed;	/* as read */
	int64_t		 openings;	/* as read */
	bool		 closing;	/* its last opening, or closed */
	struct seeker	 seeker;	/* as read; then as written */
	int		 retries;
	struct req	*req;
	char		 key[2 * ID_MAX + 2];	/* "EMP:ID" in the queue */
	char		 id[24];	/* of a hire recorded before */
	bool		 queued;	/* heads key's list in the queue */
	struct place_ctx *next;		/* the next hire of the posting */
	struct place_ctx *ready_next;	/* in ready */
};

/* "EMP:ID" -> the hire of that posting in progress, heading the list of
 * those waiting for it. */
static struct strmap	queue;
static bool		queue_ready;
/* Hires that head their posting's list and are still to be started, in
 * order; place_run starts them. */
static struct place_ctx	*ready, **ready_tail = &ready;
static bool		 running;	/* place_run is below us */

static void placement_job_read(const struct store_res *, void *);

static void
place_start(struct place_ctx *pc)
{
	store_get_job(server.store, pc->employer_id, pc->job_id,
	    placement_job_read, pc->req);
}

/*
 * Starts the hires in ready, one after the other. A hire answered while
 * another starts (should the store ever answer inside the call) only adds
 * its successor to ready, for this loop: the stack never grows with the
 * number of hires waiting.
 */
static void
place_run(void)
{
	struct place_ctx *pc;

	if (running)
		return;
	running = true;
	while ((pc = ready) != NULL) {
		if ((ready = pc->ready_next) == NULL)
			ready_tail = &ready;
		pc->ready_next = NULL;
		place_start(pc);
	}
	running = false;
}

/*
 * pc is about to be answered (which frees it) with status: the next hire
 * of its posting starts. When pc could not reach Redis (down, or no answer
 * within redis_timeout_ms), the hires waiting behind it were never sent
 * and would each wait for the same link in turn: they are answered now,
 * -32004 with applied false, and the posting's list ends.
 */
static void
place_finish(struct place_ctx *pc, enum store_status status)
{
	struct place_ctx *next = pc->next, *w;

	if (!pc->queued)
		return;
	pc->queued = false;
	pc->next = NULL;
	if (next == NULL || status == STORE_DOWN || status == STORE_UNKNOWN) {
		(void)strmap_del(&queue, pc->key);
		while ((w = next) != NULL) {	/* not queued: frees alone */
			next = w->next;
			w->next = NULL;
			req_error(w->req, RPC_STORE_UNAVAILABLE,
			    "store unavailable", json_pack("{s:b}", "applied",
			    0));
		}
		return;
	}
	next->queued = true;
	(void)strmap_put(&queue, pc->key, next);	/* replaces: no memory */
	*ready_tail = next;
	ready_tail = &next->ready_next;
	place_run();
}

static void
place_ctx_free(void *p)
{
	struct place_ctx *pc = p, *h;

	/* Answered hires have left the queue already; should one be freed
	 * without its answer, it leaves it now. */
	if (pc->queued)
		place_finish(pc, STORE_OK);
	else if (queue_ready && (h = strmap_get(&queue, pc->key)) != NULL)
		for (; h->next != NULL; h = h->next)
			if (h->next == pc) {
				h->next = pc->next;
				break;
			}
	job_clear(&pc->job);
	seeker_clear(&pc->seeker);
	free(pc);
}

/* Decodes a stored record into j or s; -1 when it does not validate. */
static int
decode_rec(const struct store_rec *rec, struct job *j, struct seeker *s)
{
	struct perr pe;

	return j != NULL ?
	    codec_job_load(rec->doc, rec->doclen, &server.towns, j, &pe) :
	    codec_seeker_load(rec->doc, rec->doclen, &server.towns, s, &pe);
}

/* A document of ours as compact JSON (owned), or NULL. */
static char *
dump(json_t *o)
{
	char *s = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;

	json_decref(o);
	return s;
}

/* The answer: the placement and the posting as it is now. */
static void
place_answer(struct req *r, const char *id, bool created, bool closed,
    int64_t openings)
{
	struct place_ctx *pc = r->ctx;

	req_result(r, json_pack("{s:s, s:b, s:{s:s, s:s, s:s, s:I}}",
	    "id", id, "created", created, "job", "id", pc->job_id,
	    "employer_id", pc->employer_id, "status", closed ? "closed" :
	    "open", "openings", (json_int_t)openings));
}

/* A hire recorded before, and the posting read again since. */
static void
placement_reread(const struct store_res *res, void *arg)
{
	struct req *r = arg;
	struct place_ctx *pc = r->ctx;

	place_finish(pc, res->status);
	if (res->status != STORE_OK ||
	    decode_rec(&res->recs[0], &pc->job, NULL) == -1) {
		req_error_store(r, res, "job");
		return;
	}
	place_answer(r, pc->id, false, res->recs[0].closed,
	    res->recs[0].closed ? 0 : pc->job.openings);
}

/* The write's answer. */
static void
placement_done(const struct store_res *res, void *arg)
{
	struct req *r = arg;
	struct place_ctx *pc = r->ctx;

	if (res->status == STORE_CONFLICT && !pc->was_closed &&
	    pc->retries++ < PLACE_RETRIES) {
		/* another daemon's write came between: read both again */
		job_clear(&pc->job);
		seeker_clear(&pc->seeker);
		place_start(pc);
		return;
	}
	if (res->status == STORE_OK && !res->created) {
		/* recorded before: the posting as it is now, read again */
		snprintf(pc->id, sizeof(pc->id), "%s", res->id != NULL ?
		    res->id : "");
		job_clear(&pc->job);
		store_get_job(server.store, pc->employer_id, pc->job_id,
		    placement_reread, r);
		return;
	}
	place_finish(pc, res->status);
	switch (res->status) {
	case STORE_OK:
		break;
	case STORE_NOT_FOUND:
		req_error(r, RPC_NOT_FOUND, res->version == 2 ?
		    "seeker not found" : "job not found", json_pack("{s:s}",
		    "field", res->version == 2 ? "seeker_id" : "job_id"));
		return;
	case STORE_CONFLICT:
		req_error(r, RPC_CONFLICT, pc->was_closed ? "the posting is "
		    "closed" : "the posting or the seeker kept changing",
		    json_pack("{s:I}", "current_version",
		    (json_int_t)res->version));
		return;
	default:
		req_error_store(r, res, "job");
		return;
	}
	/* this daemon's mirrors before the answer leaves (the change stream
	 * brings the same to every daemon) */
	if (pc->closing)
		mirror_remove_job(pc->employer_id, pc->job_id);
	else {
		pc->job.version = res->version;
		mirror_put_job(&pc->job);
	}
	seekers_put(&pc->seeker);
	place_answer(r, res->id != NULL ? res->id : "", true, pc->closing,
	    pc->closing ? 0 : pc->openings - 1);
}

/* The seeker as stored: everything is read; write the hire. */
static void
placement_seeker_read(const struct store_res *res, void *arg)
{
	struct req *r = arg;
	struct place_ctx *pc = r->ctx;
	struct placement_write w;
	char *jtext = NULL, *stext, *ptext, *etext, *read;
	char ekey[PLAN_EMPLOYMENT_KEY_MAX];

	if (res->status != STORE_OK) {
		place_finish(pc, res->status);
		if (res->status == STORE_NOT_FOUND)
			req_error(r, RPC_NOT_FOUND, "seeker not found",
			    json_pack("{s:s}", "field", "seeker_id"));
		else
			req_error_store(r, res, "seeker");
		return;
	}
	if (decode_rec(&res->recs[0], NULL, &pc->seeker) == -1) {
		place_finish(pc, STORE_OK);
		req_error(r, RPC_INTERNAL_ERROR, "the stored seeker does not "
		    "validate", NULL);
		return;
	}
	pc->seeker.version = res->recs[0].version + 1;
	if (!pc->closing && (jtext = dump(codec_job_encode(&pc->job,
	    &server.towns))) == NULL) {
		place_finish(pc, STORE_OK);
		req_reply(r, NULL);
		return;
	}
	/* the facts of the hire are the seeker's as read, before it is
	 * marked employed */
	ptext = dump(plan_placement_doc(pc->seeker_id, &pc->seeker,
	    pc->employer_id, pc->job_id, &pc->job, pc->day));
	etext = dump(plan_employment_doc(pc->seeker_id, FORM_EMPLOYER,
	    pc->employer_id, pc->job_id, pc->day, NULL,
	    (pc->seeker.profile.flags_mask >> FLAG_GRADUATE) & 1));
	pc->seeker.status = SST_EMPLOYED;
	pc->seeker.employed_since = pc->day;
	stext = dump(codec_seeker_encode(&pc->seeker, &server.towns));
	read = strndup(res->recs[0].doc, res->recs[0].doclen);
	if (stext == NULL || ptext == NULL || etext == NULL || read == NULL) {
		free(jtext);
		free(stext);
		free(ptext);
		free(etext);
		free(read);
		place_finish(pc, STORE_OK);
		req_reply(r, NULL);
		return;
	}
	memset(&w, 0, sizeof(w));
	w.hire = pc->hire;
	w.seeker_id = pc->seeker_id;
	w.employer_id = pc->employer_id;
	w.job_id = pc->job_id;
	w.job_version = pc->job_version;
	w.job_doc = jtext;
	w.seeker_doc_read = read;
	w.seeker_doc = stext;
	w.doc = ptext;
	w.employment_key = ekey;
	w.employment_doc = etext;
	w.day = pc->day;
	plan_employment_key(FORM_EMPLOYER, pc->day, pc->employer_id,
	    pc->job_id, ekey);
	store_record_placement(server.store, &w, placement_done, r);
	free(jtext);
	free(stext);
	free(ptext);
	free(etext);
	free(read);
}

/* The posting as stored: one opening fewer, or closed at its last. */
static void
placement_job_read(const struct store_res *res, void *arg)
{
	struct req *r = arg;
	struct place_ctx *pc = r->ctx;

	if (res->status != STORE_OK) {
		place_finish(pc, res->status);
		if (res->status == STORE_NOT_FOUND)
			req_error(r, RPC_NOT_FOUND, "job not found",
			    json_pack("{s:s}", "field", "job_id"));
		else
			req_error_store(r, res, "job");
		return;
	}
	if (decode_rec(&res->recs[0], &pc->job, NULL) == -1) {
		place_finish(pc, STORE_OK);
		req_error(r, RPC_INTERNAL_ERROR, "the stored posting does not "
		    "validate", NULL);
		return;
	}
	pc->job_version = res->recs[0].version;
	pc->job.status = JOB_OPEN;
	pc->job.posted_at = res->recs[0].posted_at;
	pc->was_closed = res->recs[0].closed;
	pc->openings = pc->job.openings;
	/* A closed posting goes to the script all the same: it answers a
	 * hire already recorded, else a conflict. */
	pc->closing = pc->was_closed || pc->job.openings <= 1;
	if (!pc->closing)
		pc->job.openings--;
	store_get_seeker(server.store, pc->seeker_id, placement_seeker_read,
	    r);
}

/* placement.record {seeker_id, job_id, employer_id, date} (staff). */
void
m_placement_record(struct req *r, json_t *params)
{
	static const char *const keys[] = { "seeker_id", "job_id",
	    "employer_id", "date", NULL };
	const char *sid = NULL, *jid = NULL, *emp = NULL;
	struct place_ctx *pc, *head;
	struct perr pe;
	char date[DATE_LEN + 1];
	int64_t day = 0;

	if (pv_object(params, "", keys, &pe) == -1 ||
	    pv_id(params, "", "seeker_id", true, false, &sid, &pe) == -1 ||
	    pv_id(params, "", "job_id", true, true, &jid, &pe) == -1 ||
	    pv_id(params, "", "employer_id", true, false, &emp, &pe) == -1 ||
	    pv_date(params, "", "date", true, &day, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	date_format(day, date);
	if ((pc = calloc(1, sizeof(*pc))) == NULL) {
		req_reply(r, NULL);
		return;
	}
	job_init(&pc->job);
	seeker_init(&pc->seeker);
	r->ctx = pc;
	r->ctx_free = place_ctx_free;
	/* the same hire recorded again is the same placement */
	snprintf(pc->hire, sizeof(pc->hire), "%s:%s:%s", date, emp, jid);
	snprintf(pc->seeker_id, sizeof(pc->seeker_id), "%s", sid);
	snprintf(pc->employer_id, sizeof(pc->employer_id), "%s", emp);
	snprintf(pc->job_id, sizeof(pc->job_id), "%s", jid);
	snprintf(pc->key, sizeof(pc->key), "%s:%s", emp, jid);
	pc->day = day;
	pc->req = r;
	if (!queue_ready) {
		strmap_init(&queue);
		queue_ready = true;
	}
	if ((head = strmap_get(&queue, pc->key)) != NULL) {
		/* after the hires of this posting already under way */
		while (head->next != NULL)
			head = head->next;
		head->next = pc;
		return;
	}
	/* out of memory for the queue: it goes unqueued, and retries */
	pc->queued = strmap_put(&queue, pc->key, pc) == 0;
	place_start(pc);
}

/* ---- placement.list ------------------------------------------------------ */

/* A filter of placement.list: a member of vocabulary kind (the towns when
 * kind is -1), or a boolean when bool is set. */
static int
plist_param(json_t *params, const char *key, int kind, bool boolean,
    struct records_page *rp, struct perr *e)
{
	json_t *v = json_object_get(params, key);
	bool b;
	int i;

	if (v == NULL || json_is_null(v))
		return 0;
	if ((boolean ? pv_bool(params, "", key, &b, e) : kind < 0 ?
	    pv_town(params, "", key, &server.towns, &i, e) :
	    pv_enum(params, "", key, (enum vocab_kind)kind, &i, e)) == -1)
		return -1;
	records_page_filter(rp, key);
	return 0;
}

/* placement.list {from?, to?, filters..., limit?, cursor?} (staff). */
void
m_placement_list(struct req *r, json_t *params)
{
	static const char *const keys[] = { "from", "to", "town",
	    "employer_type", "disability_type", "employment_type",
	    "graduate", "limit", "cursor", NULL };
	struct records_page *rp;
	struct perr pe;

	if ((rp = records_page_start(r, params, keys, "placement",
	    "placement", "placements")) == NULL)
		return;
	if (plist_param(params, "town", -1, false, rp, &pe) == -1 ||
	    plist_param(params, "employer_type", VOCAB_EMPLOYER, false, rp,
	    &pe) == -1 ||
	    plist_param(params, "disability_type", VOCAB_DISABILITY, false,
	    rp, &pe) == -1 ||
	    plist_param(params, "employment_type", VOCAB_EMPLOYMENT, false,
	    rp, &pe) == -1 ||
	    plist_param(params, "graduate", 0, true, rp, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	records_page_read(r, rp);
}
