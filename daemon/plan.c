/*
 * plan.c - see plan.h.
 *
 * Employers' figures come from the mirror (matcher_employer), as matches
 * do: an employer.put answered by this daemon is in it before the answer
 * leaves, one made through another daemon a stream read later.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/conn.h"
#include "daemon/methods.h"
#include "daemon/plan.h"
#include "daemon/server.h"
#include "matcher/matcher.h"
#include "matcher/quota.h"
#include "matcher/vocab.h"
#include "proto/params.h"
#include "proto/rpc.h"

#define ELIST_LIMIT_MAX		1000
#define ELIST_LIMIT_DEF		100


/* ---- dates -------------------------------------------------------------- */

/* Today in the county's local time, as a day number and as YYYY-MM-DD. */
static int64_t
today(char date[DATE_LEN + 1])
{
	time_t t = time(NULL);
	struct tm tm;
	int64_t day = 0;

	localtime_r(&t, &tm);
	snprintf(date, DATE_LEN + 1, "%04d-%02d-%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday);
	(void)date_day(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, &day);
	return day;
}

/*
 * The optional date param key (YYYY-MM-DD) into *day and date, else
 * today. Returns 0, or -1 with e filled.
 */
static int
param_date(json_t *params, const char *key, int64_t *day,
    char date[DATE_LEN + 1], struct perr *e)
{
	const char *s = NULL;

	if (pv_str(params, "", key, false, DATE_LEN, &s, e) == -1)
		return -1;
	if (s == NULL) {
		*day = today(date);
		return 0;
	}
	if (strlen(s) != DATE_LEN || date_parse(s, day) == -1)
		return pv_fail(e, "", key, "must be a date YYYY-MM-DD");
	memcpy(date, s, DATE_LEN + 1);
	return 0;
}

/* ---- the quota ---------------------------------------------------------- */

static double
yuan(int64_t fen)
{
	return (double)fen / 100.0;
}

/* A count of the record, or null when it was not given. */
static json_t *
count_json(int64_t v)
{
	return v < 0 ? json_null() : json_integer(v);
}

/* The employer's figures, as both quota methods show them. */
static json_t *
employer_head(const struct employer *e)
{
	return json_pack("{s:s, s:s, s:s?, s:s?, s:o, s:o, s:o}",
	    "id", e->id, "name", e->name,
	    "type", e->type >= 0 ? vocab_id(VOCAB_EMPLOYER, e->type) : NULL,
	    "town", e->town >= 0 ? server.towns.v[e->town].code : NULL,
	    "headcount", count_json(e->headcount),
	    "disabled_employees", count_json(e->disabled_employees),
	    "severe_disabled_employees",
	    count_json(e->severe_disabled_employees));
}

/* Where e stands (q), added to the object o of employer_head. */
static int
quota_into(json_t *o, const struct quota_result *q)
{
	json_t *fund;

	fund = json_pack("{s:b, s:I, s:b, s:f, s:f, s:f, s:I, s:f, s:f}",
	    "exempt", q->exempt,
	    "salary_base", (json_int_t)q->salary_base,
	    "salary_capped", q->salary_capped,
	    "amount", yuan(q->fund_fen),
	    "pay_fraction", (double)q->pay_fraction / QUOTA_PPM,
	    "due", yuan(q->due_fen),
	    "late_days", (json_int_t)q->late_days,
	    "late_fee", yuan(q->late_fee_fen),
	    "total", yuan(q->due_fen + q->late_fee_fen));
	if (fund == NULL)
		return -1;
	json_object_set_new(o, "required", json_real(q->required));
	json_object_set_new(o, "actual", json_integer(q->actual));
	json_object_set_new(o, "shortfall", json_real(q->shortfall));
	json_object_set_new(o, "ratio", json_real(q->ratio_actual));
	json_object_set_new(o, "below_quota", json_boolean(q->below_quota));
	json_object_set_new(o, "at_least_one", json_pack("{s:b, s:b}",
	    "applies", q->one_rule_applies, "met", q->one_rule_met));
	json_object_set_new(o, "fund", fund);
	return 0;
}

void
m_employer_quota(struct req *r, json_t *params)
{
	static const char *const keys[] = { "id", "date", "late_days", NULL };
	const struct memployer *me;
	struct quota_result q;
	struct employer e;
	struct perr pe;
	char date[DATE_LEN + 1], why[200];
	const char *id = NULL;
	int64_t day, late = 0;
	json_t *o;

	if (pv_object(params, "", keys, &pe) == -1 ||
	    pv_id(params, "", "id", true, false, &id, &pe) == -1 ||
	    param_date(params, "date", &day, date, &pe) == -1 ||
	    pv_int(params, "", "late_days", false, 0, QUOTA_LATE_DAYS_MAX,
	    &late, NULL, &pe) == -1) {
		methods_reply_perr(r, &pe);
		return;
	}
	if ((me = matcher_employer(server.matcher, id)) == NULL ||
	    me->name == NULL) {
		req_error(r, RPC_NOT_FOUND, "employer not found",
		    json_pack("{s:s}", "field", "id"));
		return;
	}
	matcher_employer_record(me, &e);
	if (quota_compute(&server.cfg.quota, &e, day, late, &q, why,
	    sizeof(why)) == -1) {
		/* the stored record lacks what the quota needs */
		req_error(r, RPC_INVALID_PARAMS, "the employer's record cannot "
		    "give a quota", json_pack("{s:s, s:s}", "field", "id",
		    "reason", why));
		return;
	}
	if ((o = employer_head(&e)) == NULL || quota_into(o, &q) == -1) {
		json_decref(o);
		req_reply(r, NULL);
		return;
	}
	json_object_set_new(o, "date", json_string(date));
	req_result(r, o);
}

/* ---- employer.list ------------------------------------------------------ */

struct erow {
	const struct memployer	*me;
	bool			 known;	/* q holds a quota */
	struct quota_result	 q;
};

struct elist {
	struct erow	*v;
	size_t		 n, cap;
	bool		 oom;
	bool		 below;		/* below the quota only */
	int		 type, town;	/* -1: any */
	int64_t		 day;
};

static void
elist_add(const struct memployer *me, void *arg)
{
	struct elist *l = arg;
	struct erow row;
	struct employer e;
	char why[200];

	if ((l->type >= 0 && me->type != l->type) ||
	    (l->town >= 0 && me->town != l->town))
		return;
	memset(&row, 0, sizeof(row));
	row.me = me;
	matcher_employer_record(me, &e);
	row.known = quota_compute(&server.cfg.quota, &e, l->day, 0, &row.q,
	    why, sizeof(why)) == 0;
	if (l->below && !(row.known && row.q.below_quota))
		return;
	if (l->n == l->cap) {
		size_t ncap = l->cap ? 2 * l->cap : 64;
		struct erow *nv = realloc(l->v, ncap * sizeof(*nv));
		if (nv == NULL) {
			l->oom = true;
			return;
		}
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n++] = row;
}

/* Largest shortfall first, then by id. */
static int
by_shortfall(const void *a, const void *b)
{
	const struct erow *x = a, *y = b;

	if (x->q.shortfall != y->q.shortfall)
		return x->q.shortfall > y->q.shortfall ? -1 : 1;
	return strcmp(x->me->id, y->me->id);
}

static int
by_id(const void *a, const void *b)
{
	return strcmp(((const struct erow *)a)->me->id,
	    ((const struct erow *)b)->me->id);
}

void
m_employer_list(struct req *r, json_t *params)
{
	static const char *const keys[] = { "below_quota", "type", "town",
	    "date", "limit", "cursor", NULL };
	struct elist l;
	struct perr pe;
	char date[DATE_LEN + 1], next[24];
	const char *type = NULL, *town = NULL;
	int64_t limit = ELIST_LIMIT_DEF;
	size_t from = 0;
	json_t *rows;

	memset(&l, 0, sizeof(l));
	l.type = l.town = -1;
	if (pv_object(params, "", keys, &pe) == -1 ||
	    pv_bool(params, "", "below_quota", &l.below, &pe) == -1 ||
	    pv_str(params, "", "type", false, 32, &type, &pe) == -1 ||
	    pv_str(params, "", "town", false, 32, &town, &pe) == -1 ||
	    param_date(params, "date", &l.day, date, &pe) == -1 ||
	    pv_int(params, "", "limit", false, 1, ELIST_LIMIT_MAX, &limit,
	    NULL, &pe) == -1 ||
	    pv_offset_cursor(params, "", "cursor", &from, &pe) == -1) {
		methods_reply_perr(r, &pe);
		return;
	}
	if (type != NULL && (l.type = vocab_lookup(VOCAB_EMPLOYER,
	    type)) < 0) {
		pv_fail(&pe, "", "type", "not an employer type");
		methods_reply_perr(r, &pe);
		return;
	}
	if (town != NULL && (l.town = towns_find(&server.towns, town)) < 0) {
		pv_fail(&pe, "", "town", "unknown town code");
		methods_reply_perr(r, &pe);
		return;
	}
	matcher_each_employer(server.matcher, elist_add, &l);
	if (l.oom || (rows = json_array()) == NULL) {
		free(l.v);
		req_reply(r, NULL);
		return;
	}
	if (l.n > 1)
		qsort(l.v, l.n, sizeof(*l.v), l.below ? by_shortfall : by_id);
	for (size_t i = from; i < l.n && i < from + (size_t)limit; i++) {
		struct employer e;
		json_t *o;

		matcher_employer_record(l.v[i].me, &e);
		if ((o = employer_head(&e)) == NULL ||
		    (l.v[i].known && quota_into(o, &l.v[i].q) == -1)) {
			json_decref(o);
			continue;
		}
		if (!l.v[i].known)
			json_object_set_new(o, "below_quota", json_null());
		json_array_append_new(rows, o);
	}
	snprintf(next, sizeof(next), "%zu", from + (size_t)limit);
	req_result(r, json_pack("{s:o, s:I, s:s, s:s?}", "employers", rows,
	    "total", (json_int_t)l.n, "date", date, "next_cursor",
	    from + (size_t)limit < l.n ? next : NULL));
	free(l.v);
}
