/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * followups.c - after employment (staff only): follow-up visits
 * (followup.record, followup.list), the persons in work due one
 * (followup.due: monitoring against falling back into poverty) and the
 * low-income seekers whose employment subsidy's window is open on a date
 * (subsidy.window). docs/plan.md says how each is worked out.
 *
 * A follow-up is personal data: its note is never logged, and the change
 * stream learns its id only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/methods/methods.h"
#include "daemon/plan.h"
#include "daemon/req.h"
#include "daemon/seekers.h"
#include "daemon/server.h"
#include "daemon/store.h"
#include "matcher/date.h"
#include "matcher/model.h"
#include "matcher/strmap.h"
#include "matcher/vocab.h"
#include "proto/params.h"
#include "proto/rpc.h"

#define DUE_LIMIT_MAX	1000
#define DUE_LIMIT_DEF	100

/* ---- followup.record, followup.list ---------------------------------- */

static void
fu_done(const struct store_res *res, void *arg)
{
	struct req *r = arg;

	if (res->status == STORE_OK)
		req_result(r, json_pack("{s:s, s:b}", "id", res->id != NULL ?
		    res->id : "", "created", res->created));
	else if (res->status == STORE_NOT_FOUND)
		req_error(r, RPC_NOT_FOUND, "seeker not found",
		    json_pack("{s:s}", "field", "seeker_id"));
	else
		req_error_store(r, res, "record");
}

/* followup.record {seeker_id, date, outcome, note?} (staff): the same
 * seeker, date and outcome again is the same visit (created false). */
void
m_followup_record(struct req *r, json_t *params)
{
	static const char *const keys[] = { "seeker_id", "date", "outcome",
	    "note", NULL };
	const char *sid = NULL, *note = NULL;
	struct record_write w;
	struct perr pe;
	char date[DATE_LEN + 1], key[DATE_LEN + 32], *text;
	int64_t day = -1;
	int outcome = -1;

	if (pv_object(params, "", keys, &pe) == -1 ||
	    pv_id(params, "", "seeker_id", true, false, &sid, &pe) == -1 ||
	    pv_date(params, "", "date", true, &day, &pe) == -1 ||
	    pv_enum(params, "", "outcome", VOCAB_FOLLOWUP_OUTCOME, &outcome,
	    &pe) == -1 ||
	    pv_str(params, "", "note", false, PLAN_NOTE_MAX, &note,
	    &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	if (outcome < 0) {
		pv_fail(&pe, "", "outcome", "is required");
		req_error_params(r, &pe);
		return;
	}
	date_format(day, date);
	snprintf(key, sizeof(key), "%s:%s", date,
	    vocab_id(VOCAB_FOLLOWUP_OUTCOME, outcome));
	if ((text = records_dump(json_pack("{s:s, s:s, s:s, s:s?}",
	    "seeker_id", sid, "date", date, "outcome",
	    vocab_id(VOCAB_FOLLOWUP_OUTCOME, outcome), "note", note))) ==
	    NULL) {
		req_reply(r, NULL);
		return;
	}
	memset(&w, 0, sizeof(w));
	w.kind = "followup";
	w.seeker_id = sid;
	w.key = key;
	w.employer_id = w.job_id = "";
	w.doc = text;
	w.day = day;
	store_record(server.store, &w, fu_done, r);
	free(text);
}

/* followup.list {seeker_id?, from?, to?, outcome?, cursor?, limit?}
 * (staff). */
void
m_followup_list(struct req *r, json_t *params)
{
	records_list(r, params, "followup", "outcome",
	    VOCAB_FOLLOWUP_OUTCOME, "followups");
}

/* ---- followup.due, subsidy.window ------------------------------------ */

/* What the records say of one registered person. */
struct last {
	int64_t		 emp_day;	/* the latest employment, or -1 */
	int		 form;
	int64_t		 fu_day;	/* the latest follow-up, or -1 */
};

struct row {
	const struct seeker	*s;
	int64_t			 emp_day, fu_day, key_day;
	int			 form;
};

struct due_ctx {
	struct record_scan	 sc;		/* first: r->ctx */
	bool			 subsidy;	/* subsidy.window */
	int64_t			 day, window;
	int64_t			 last_day;	/* 9999-12-31 */
	char			 date[DATE_LEN + 1];
	size_t			 from;
	int64_t			 limit;
	struct strmap		 last;		/* seeker id -> struct last */
	struct row		*rows;
	size_t			 n, cap;
	bool			 oom;
};

static void
free_last(const char *key, void *val, void *arg)
{
	(void)key;
	(void)arg;
	free(val);
}

static void
due_ctx_free(void *p)
{
	struct due_ctx *dc = p;

	strmap_each(&dc->last, free_last, NULL);
	strmap_free(&dc->last);
	free(dc->rows);
	free(dc);
}

static struct last *
last_of(struct due_ctx *dc, const char *sid)
{
	struct last *l = strmap_get(&dc->last, sid);

	if (l != NULL)
		return l;
	if ((l = malloc(sizeof(*l))) == NULL)
		return NULL;
	l->emp_day = l->fu_day = -1;
	l->form = -1;
	if (strmap_put(&dc->last, sid, l) == -1) {
		free(l);
		return NULL;
	}
	return l;
}

/* A record's day, or -1. */
static int64_t
doc_day(json_t *doc)
{
	const char *d = json_string_value(json_object_get(doc, "date"));
	int64_t day;

	return d != NULL && date_parse(d, &day) == 0 ? day : -1;
}

/* Records come in day order: the last one seen is the latest. */
static int
due_each(json_t *doc, struct record_scan *sc)
{
	struct due_ctx *dc = (struct due_ctx *)sc;
	const char *sid = json_string_value(json_object_get(doc,
	    "seeker_id"));
	const char *form = json_string_value(json_object_get(doc, "form"));
	int64_t day = doc_day(doc);
	struct last *l;

	if (sid == NULL || day < 0)
		return 0;	/* a deleted seeker's */
	if ((l = last_of(dc, sid)) == NULL)
		return -1;
	if (strcmp(sc->kind, "employment") == 0) {
		l->emp_day = day;
		l->form = form != NULL ?
		    vocab_lookup(VOCAB_EMPLOYMENT_FORM, form) : -1;
	} else
		l->fu_day = day;
	return 0;
}

static void
add_row(struct due_ctx *dc, const struct row *row)
{
	if (dc->n == dc->cap) {
		size_t ncap = dc->cap ? 2 * dc->cap : 64;
		struct row *nv = realloc(dc->rows, ncap * sizeof(*nv));

		if (nv == NULL) {
			dc->oom = true;
			return;
		}
		dc->rows = nv;
		dc->cap = ncap;
	}
	dc->rows[dc->n++] = *row;
}

/*
 * followup.due: a person in work (status employed) whose latest
 * follow-up, or with none since, the start of their latest employment
 * (the record's, else employed_since), is more than the interval before
 * the day. key_day: the first day it is due.
 */
static void
due_seeker(const struct seeker *s, void *arg)
{
	struct due_ctx *dc = arg;
	struct last *l = strmap_get(&dc->last, s->id);
	struct row row;

	memset(&row, 0, sizeof(row));
	row.s = s;
	row.emp_day = l != NULL ? l->emp_day : -1;
	row.form = l != NULL ? l->form : -1;
	row.fu_day = l != NULL ? l->fu_day : -1;
	if (dc->subsidy) {
		/* the employment scanned began within the window */
		if (row.emp_day < 0 ||
		    !((s->profile.flags_mask >> FLAG_LOW_INCOME) & 1))
			return;
		row.key_day = row.emp_day + dc->window - 1;
		if (row.key_day > dc->last_day)	/* the calendar's end */
			row.key_day = dc->last_day;
		add_row(dc, &row);
		return;
	}
	if (s->status != SST_EMPLOYED)
		return;
	if (row.emp_day < 0 && s->employed_since >= 0 &&
	    s->employed_since <= dc->day)
		row.emp_day = s->employed_since;
	if (row.emp_day < 0)
		return;
	row.key_day = (row.fu_day > row.emp_day ? row.fu_day : row.emp_day) +
	    dc->window + 1;
	if (row.key_day <= dc->day)
		add_row(dc, &row);
}

static int
by_key_day(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->key_day != y->key_day)
		return x->key_day < y->key_day ? -1 : 1;
	return strcmp(x->s->id, y->s->id);
}

static json_t *
date_or_null(int64_t day)
{
	char d[DATE_LEN + 1];

	if (day < 0)
		return json_null();
	date_format(day, d);
	return json_string(d);
}

static json_t *
row_json(const struct due_ctx *dc, const struct row *row)
{
	json_t *o = json_pack("{s:s, s:s?, s:{s:o, s:s?}}",
	    "seeker_id", row->s->id, "name", row->s->name,
	    "employed", "date", date_or_null(row->emp_day),
	    "form", row->form >= 0 ?
	    vocab_id(VOCAB_EMPLOYMENT_FORM, row->form) : NULL);

	if (o == NULL)
		return NULL;
	if (dc->subsidy)
		json_object_set_new(o, "window_ends",
		    date_or_null(row->key_day));
	else {
		int64_t since = row->fu_day > row->emp_day ? row->fu_day :
		    row->emp_day;
		json_object_set_new(o, "last_followup",
		    date_or_null(row->fu_day));
		json_object_set_new(o, "days_since",
		    json_integer(dc->day - since));
		json_object_set_new(o, "due_since",
		    date_or_null(row->key_day));
	}
	return o;
}

/* Every record is read: the rows, from the mirror of seekers. */
static void
due_answer(struct req *r)
{
	struct due_ctx *dc = r->ctx;
	char next[24];
	json_t *rows;

	seekers_each(due_seeker, dc);
	if (dc->oom || (rows = json_array()) == NULL) {
		req_reply(r, NULL);
		return;
	}
	if (dc->n > 1)
		qsort(dc->rows, dc->n, sizeof(*dc->rows), by_key_day);
	for (size_t i = dc->from; i < dc->n &&
	    i < dc->from + (size_t)dc->limit; i++)
		json_array_append_new(rows, row_json(dc, &dc->rows[i]));
	snprintf(next, sizeof(next), "%zu", dc->from + (size_t)dc->limit);
	req_result(r, json_pack("{s:s, s:I, s:o, s:I, s:s?}",
	    "date", dc->date, dc->subsidy ? "window_days" : "interval_days",
	    (json_int_t)dc->window, dc->subsidy ? "seekers" : "due", rows,
	    "total", (json_int_t)dc->n, "next_cursor",
	    dc->from + (size_t)dc->limit < dc->n ? next : NULL));
}

/* Employment records read: the follow-ups next (followup.due). */
static void
due_employed(struct req *r)
{
	struct due_ctx *dc = r->ctx;

	dc->sc.kind = "followup";
	dc->sc.done = due_answer;
	record_scan(r, &dc->sc);
}

/* followup.due {date?, limit?, cursor?} and subsidy.window {date?,
 * limit?, cursor?} (staff). */
static void
due_start(struct req *r, json_t *params, bool subsidy)
{
	static const char *const keys[] = { "date", "limit", "cursor", NULL };
	struct due_ctx *dc;
	struct perr pe;
	int64_t day = -1;

	if ((dc = calloc(1, sizeof(*dc))) == NULL) {
		req_reply(r, NULL);
		return;
	}
	strmap_init(&dc->last);
	r->ctx = dc;
	r->ctx_free = due_ctx_free;
	dc->subsidy = subsidy;
	dc->limit = DUE_LIMIT_DEF;
	if (pv_object(params, "", keys, &pe) == -1 ||
	    pv_date(params, "", "date", false, &day, &pe) == -1 ||
	    pv_int(params, "", "limit", false, 1, DUE_LIMIT_MAX, &dc->limit,
	    NULL, &pe) == -1 ||
	    pv_offset_cursor(params, "", "cursor", &dc->from, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	if (day < 0)
		day = plan_today(dc->date);
	else
		date_format(day, dc->date);
	dc->day = day;
	(void)date_day(9999, 12, 31, &dc->last_day);
	dc->window = subsidy ? server.cfg.plan.subsidy_days :
	    server.cfg.plan.followup_days;
	dc->sc.kind = "employment";
	dc->sc.each = due_each;
	dc->sc.to = day;
	if (subsidy) {
		dc->sc.from = day - dc->window + 1 > 0 ?
		    day - dc->window + 1 : 0;
		dc->sc.done = due_answer;
	} else {
		dc->sc.from = 0;
		dc->sc.done = due_employed;
	}
	record_scan(r, &dc->sc);
}

void
m_followup_due(struct req *r, json_t *params)
{
	due_start(r, params, false);
}

void
m_subsidy_window(struct req *r, json_t *params)
{
	due_start(r, params, true);
}
