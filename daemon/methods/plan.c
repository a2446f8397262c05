/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * plan.c - the county plan's methods (staff only): where employers stand
 * against the disability employment quota (employer.quota,
 * employer.list) and the plan's progress (stats.plan: docs/plan.md), from
 * the figures of daemon/plan.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/methods/methods.h"
#include "daemon/plan.h"
#include "daemon/req.h"
#include "daemon/server.h"
#include "daemon/store.h"
#include "matcher/date.h"
#include "matcher/matcher.h"
#include "matcher/quota.h"
#include "matcher/vocab.h"
#include "proto/codec.h"
#include "proto/params.h"
#include "proto/rpc.h"

#define ELIST_LIMIT_MAX		1000
#define ELIST_LIMIT_DEF		100
#define PLAN_CHUNK		1000	/* placements read at a time */

/* ---- dates -------------------------------------------------------------- */

/*
 * The optional date param key (YYYY-MM-DD) into *day and date, else
 * today. Returns 0, or -1 with e filled.
 */
static int
param_date(json_t *params, const char *key, int64_t *day,
    char date[DATE_LEN + 1], struct perr *e)
{
	*day = -1;
	if (pv_date(params, "", key, false, day, e) == -1)
		return -1;
	if (*day < 0)
		*day = plan_today(date);
	else
		date_format(*day, date);
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
	return json_pack("{s:s, s:s, s:s?, s:s?, s:o, s:o, s:o, s:o, s:s?, "
	    "s:s?, s:s?}",
	    "id", e->id, "name", e->name,
	    "type", e->type >= 0 ? vocab_id(VOCAB_EMPLOYER, e->type) : NULL,
	    "town", e->town >= 0 ? server.towns.v[e->town].code : NULL,
	    "headcount", count_json(e->headcount),
	    "disabled_employees", count_json(e->disabled_employees),
	    "severe_disabled_employees",
	    count_json(e->severe_disabled_employees),
	    "establishment", count_json(e->establishment),
	    "level", quota_level_name(e->level),
	    "institution_kind", quota_kind_name(e->institution_kind),
	    "pool", e->pool[0] != '\0' ? e->pool : NULL);
}

/* The roster's count; with ro, each entry that does not count on day and
 * why. */
static json_t *
roster_json(const struct quota_result *q, const struct quota_roster *ro,
    int64_t day)
{
	json_t *o, *nc;

	o = json_pack("{s:I, s:I, s:I}", "entries",
	    (json_int_t)q->roster.entries, "counted",
	    (json_int_t)q->roster.counted, "weighted",
	    (json_int_t)q->roster.weighted);
	if (o == NULL || ro == NULL)
		return o;
	if ((nc = json_array()) == NULL) {
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "not_counted", nc);
	for (size_t i = 0; i < ro->n; i++) {
		uint32_t m = quota_entry_reasons(&server.cfg.quota, &ro->v[i],
		    day);
		json_t *why;

		if (m == 0)
			continue;
		if ((why = json_array()) == NULL) {
			json_decref(o);
			return NULL;
		}
		for (int k = 0; k < QR_COUNT; k++)
			if (m & 1u << k)
				json_array_append_new(why,
				    json_string(quota_reason_name(k)));
		json_array_append_new(nc, json_pack("{s:I, s:o}", "index",
		    (json_int_t)i, "reasons", why));
	}
	return o;
}

/* "at least one": applies (or null, with the reason), met, its basis. */
static json_t *
one_rule_json(const struct employer *e, const struct quota_result *q,
    const struct plan_pools *pools)
{
	json_t *o;

	o = json_pack("{s:o, s:b, s:s}", "applies",
	    q->one_rule_applies == QA_UNKNOWN ? json_null() :
	    json_boolean(q->one_rule_applies == QA_YES),
	    "met", q->one_rule_met,
	    "basis", q->one_rule_pooled ? "pool" : "own");
	if (o != NULL && q->one_rule_reason != NULL)
		json_object_set_new(o, "reason",
		    json_string(q->one_rule_reason));
	if (o == NULL || !q->one_rule_pooled || e->pool[0] == '\0')
		return o;
	for (size_t i = 0; pools != NULL && i < pools->n; i++)
		if (strcmp(pools->v[i].id, e->pool) == 0) {
			json_object_set_new(o, "pool", json_pack("{s:s, s:I, "
			    "s:I}", "id", e->pool, "units",
			    (json_int_t)pools->v[i].sums.units, "disabled",
			    (json_int_t)pools->v[i].sums.disabled));
			break;
		}
	return o;
}

/*
 * Where e stands (q), added to the object o of employer_head; the roster's
 * entries that do not count on day are listed when ro is given.
 */
static int
quota_into(json_t *o, const struct employer *e, const struct quota_result *q,
    const struct plan_pools *pools, const struct quota_roster *ro,
    int64_t day)
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
	json_object_set_new(o, "at_least_one", one_rule_json(e, q, pools));
	json_object_set_new(o, "basis", json_string(q->has_roster ?
	    "roster" : "declared"));
	if (q->has_roster)
		json_object_set_new(o, "roster", roster_json(q, ro, day));
	json_object_set_new(o, "overstated", json_boolean(q->overstated));
	json_object_set_new(o, "fund", fund);
	return 0;
}

/*
 * employer.quota {id, date?, late_days?} (staff; an employer for its own
 * id, which id defaults to): from the mirror.
 */
void
m_employer_quota(struct req *r, json_t *params)
{
	static const char *const keys[] = { "id", "date", "late_days", NULL };
	const struct memployer *me;
	struct plan_pools pools;
	struct quota_result q;
	struct employer e;
	struct perr pe;
	char date[DATE_LEN + 1], why[PLAN_WHY_MAX];
	const char *id = NULL;
	int64_t day, late = 0;
	bool own = r->role == ROLE_EMPLOYER;
	json_t *o;

	if (pv_object(params, "", keys, &pe) == -1 ||
	    pv_id(params, "", "id", !own, false, &id, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	if (own && id != NULL && strcmp(id, r->employer_id) != 0) {
		req_unauthorized(r, "an employer may only read its own quota");
		return;
	}
	if (own)
		id = r->employer_id;
	if (param_date(params, "date", &day, date, &pe) == -1 ||
	    pv_int(params, "", "late_days", false, 0, QUOTA_LATE_DAYS_MAX,
	    &late, NULL, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	if ((me = matcher_employer(server.matcher, id)) == NULL ||
	    me->name == NULL) {
		req_error(r, RPC_NOT_FOUND, "employer not found",
		    json_pack("{s:s}", "field", "id"));
		return;
	}
	if (plan_pools_make(day, &pools) == -1) {
		req_reply(r, NULL);
		return;
	}
	if (plan_quota(me, &pools, day, late, &q, why) == -1) {
		/* the stored record lacks what the quota needs */
		plan_pools_free(&pools);
		req_error(r, RPC_INVALID_PARAMS, "the employer's record cannot "
		    "give a quota", json_pack("{s:s, s:s}", "field", "id",
		    "reason", why));
		return;
	}
	matcher_employer_record(me, &e);
	if ((o = employer_head(&e)) == NULL ||
	    quota_into(o, &e, &q, &pools, me->roster, day) == -1) {
		plan_pools_free(&pools);
		json_decref(o);
		req_reply(r, NULL);
		return;
	}
	plan_pools_free(&pools);
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
	bool		 overstated;	/* overstated declarations only */
	struct plan_pools pools;
	int		 type, town;	/* -1: any */
	int64_t		 day;
};

static void
elist_add(const struct memployer *me, void *arg)
{
	struct elist *l = arg;
	struct erow row;
	char why[PLAN_WHY_MAX];

	if ((l->type >= 0 && me->type != l->type) ||
	    (l->town >= 0 && me->town != l->town))
		return;
	memset(&row, 0, sizeof(row));
	row.me = me;
	row.known = plan_quota(me, &l->pools, l->day, 0, &row.q, why) == 0;
	if (l->below && !(row.known && row.q.below_quota))
		return;
	if (l->overstated && !(row.known && row.q.overstated))
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

/* employer.list {below_quota?, overstated?, type?, town?, date?, limit?,
 * cursor?} (staff): from the mirror, paged by position. */
void
m_employer_list(struct req *r, json_t *params)
{
	static const char *const keys[] = { "below_quota", "overstated",
	    "type", "town", "date", "limit", "cursor", NULL };
	struct elist l;
	struct perr pe;
	char date[DATE_LEN + 1], next[24];
	int64_t limit = ELIST_LIMIT_DEF;
	size_t from = 0;
	json_t *rows;

	memset(&l, 0, sizeof(l));
	l.type = l.town = -1;
	if (pv_object(params, "", keys, &pe) == -1 ||
	    pv_bool(params, "", "below_quota", &l.below, &pe) == -1 ||
	    pv_bool(params, "", "overstated", &l.overstated, &pe) == -1 ||
	    pv_enum(params, "", "type", VOCAB_EMPLOYER, &l.type, &pe) == -1 ||
	    pv_town(params, "", "town", &server.towns, &l.town, &pe) == -1 ||
	    param_date(params, "date", &l.day, date, &pe) == -1 ||
	    pv_int(params, "", "limit", false, 1, ELIST_LIMIT_MAX, &limit,
	    NULL, &pe) == -1 ||
	    pv_offset_cursor(params, "", "cursor", &from, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	if (plan_pools_make(l.day, &l.pools) == -1) {
		req_reply(r, NULL);
		return;
	}
	matcher_each_employer(server.matcher, elist_add, &l);
	if (l.oom || (rows = json_array()) == NULL) {
		plan_pools_free(&l.pools);
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
		/* a roster's count without its entries: a page may hold a
		 * thousand employers */
		if ((o = employer_head(&e)) == NULL ||
		    (l.v[i].known && quota_into(o, &e, &l.v[i].q, &l.pools,
		    NULL, l.day) == -1)) {
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
	plan_pools_free(&l.pools);
	free(l.v);
}

/* ---- stats.plan ----------------------------------------------------------- */

struct plan_ctx {
	struct record_scan	 sc;		/* first: r->ctx */
	int64_t			 from, to;
	char			 cursor[32];	/* the last placement's score */
	struct plan_persons	 persons;	/* employment records */
	struct plan_placements	 placements;	/* in the period */
};

static void
plan_ctx_free(void *p)
{
	struct plan_ctx *pc = p;

	plan_persons_free(&pc->persons);
	free(pc);
}

/* An object of n counters named by vocabulary kind. */
static json_t *
counts_json(enum vocab_kind kind, const int64_t *v, int n)
{
	json_t *o = json_object();

	for (int i = 0; o != NULL && i < n; i++)
		json_object_set_new(o, vocab_id(kind, i), json_integer(v[i]));
	return o;
}

static double
share(int64_t part, int64_t whole)
{
	return whole > 0 ? (double)part / (double)whole : 0;
}

static json_t *
cover_json(const struct plan_cover *c)
{
	return json_pack("{s:I, s:I, s:f}", "base", (json_int_t)c->base,
	    "count", (json_int_t)c->count, "coverage", share(c->count,
	    c->base));
}

/* Day numbers of year y of the period, cut at its ends. */
static void
year_span(const struct plan_ctx *pc, int y, char from[DATE_LEN + 1],
    char to[DATE_LEN + 1])
{
	int64_t a, b;

	(void)date_day(y, 1, 1, &a);
	(void)date_day(y, 12, 31, &b);
	date_format(a > pc->from ? a : pc->from, from);
	date_format(b < pc->to ? b : pc->to, to);
}

/* employment: persons newly employed, by form and by year. */
static json_t *
employment_json(const struct plan_ctx *pc)
{
	const struct plan_targets *tg = &server.cfg.plan;
	const struct plan_persons *pp = &pc->persons;
	const struct plan_placements *hp = &pc->placements;
	json_t *years = pp->nyears <= PLAN_YEARS_MAX ? json_array() :
	    json_null();
	char from[DATE_LEN + 1], to[DATE_LEN + 1];

	for (int i = 0; json_is_array(years) && i < pp->nyears; i++) {
		year_span(pc, pp->year0 + i, from, to);
		json_array_append_new(years, json_pack("{s:i, s:s, s:s, s:I, "
		    "s:o}", "year", pp->year0 + i, "from", from, "to", to,
		    "persons", (json_int_t)pp->year_persons[i], "by_form",
		    counts_json(VOCAB_EMPLOYMENT_FORM, pp->year_by_form[i],
		    FORM_COUNT)));
	}
	return json_pack("{s:I, s:I, s:f, s:b, s:I, s:o, s:o, s:I, s:I, "
	    "s:o, s:o, s:o}",
	    "persons", (json_int_t)pp->persons,
	    "target", (json_int_t)tg->jobs,
	    "progress", share(pp->persons, tg->jobs),
	    "met", pp->persons >= tg->jobs,
	    "graduates", (json_int_t)pp->graduates,
	    "by_form", counts_json(VOCAB_EMPLOYMENT_FORM, pp->by_form,
	    FORM_COUNT),
	    "by_year", years,
	    "hires", (json_int_t)hp->placed,
	    "hires_graduates", (json_int_t)hp->placed_grad,
	    "hires_by_disability_type", counts_json(VOCAB_DISABILITY,
	    hp->by_dis, DIS_COUNT),
	    "hires_by_employment_type", counts_json(VOCAB_EMPLOYMENT,
	    hp->by_emp, EMP_COUNT),
	    "hires_by_employer_type", counts_json(VOCAB_EMPLOYER, hp->by_et,
	    ET_COUNT));
}

/* training: persons trained, by the year of their first course. */
static json_t *
training_json(const struct plan_ctx *pc, const struct plan_seekers *st)
{
	const struct plan_targets *tg = &server.cfg.plan;
	json_t *years = st->nyears <= PLAN_YEARS_MAX ? json_array() :
	    json_null();
	char from[DATE_LEN + 1], to[DATE_LEN + 1];

	for (int i = 0; json_is_array(years) && i < st->nyears; i++) {
		year_span(pc, st->year0 + i, from, to);
		json_array_append_new(years, json_pack("{s:i, s:s, s:s, s:I}",
		    "year", st->year0 + i, "from", from, "to", to, "trained",
		    (json_int_t)st->trained_year[i]));
	}
	return json_pack("{s:I, s:I, s:f, s:b, s:o}",
	    "trained", (json_int_t)st->trained,
	    "target", (json_int_t)tg->trained,
	    "progress", share(st->trained, tg->trained),
	    "met", st->trained >= tg->trained, "by_year", years);
}

/* services: the four ones, each over its own base. */
static json_t *
services_json(const struct plan_seekers *st)
{
	json_t *svc = json_pack("{s:I, s:I, s:I, s:i, s:o}",
	    "seekers", (json_int_t)st->seekers,
	    "working_age", (json_int_t)st->working_age,
	    "age_unknown", (json_int_t)st->age_unknown,
	    "age_year", st->end_year,
	    "all_four", cover_json(&st->all4));

	for (int i = 0; svc != NULL && i < SVC_COUNT; i++)
		json_object_set_new(svc, codec_service_name(i),
		    cover_json(&st->cover[i]));
	return svc;
}

/* The answer, once every record of the period is counted. */
static json_t *
plan_json(const struct plan_ctx *pc)
{
	const struct plan_targets *tg = &server.cfg.plan;
	struct plan_tally t;
	const struct plan_seekers *st = &t.seekers;
	const struct plan_posts *pt = &t.posts;
	const struct plan_employers *et = &t.employers;
	json_t *posts, *emps;
	char from[DATE_LEN + 1], to[DATE_LEN + 1];
	char pfrom[DATE_LEN + 1], pto[DATE_LEN + 1];
	double grad_rate, target_rate = (double)tg->graduate_rate / QUOTA_PPM;

	plan_tally(pc->from, pc->to, &t);
	posts = json_pack("{s:I, s:I, s:{}}", "postings", (json_int_t)pt->all,
	    "openings", (json_int_t)pt->all_openings, "by_employer_type");
	for (int i = 0; posts != NULL && i < ET_COUNT; i++)
		json_object_set_new(json_object_get(posts, "by_employer_type"),
		    vocab_id(VOCAB_EMPLOYER, i), json_pack("{s:I, s:I}",
		    "postings", (json_int_t)pt->postings[i], "openings",
		    (json_int_t)pt->openings[i]));
	emps = json_pack("{s:I, s:I, s:I, s:I, s:I, s:{}}", "registered",
	    (json_int_t)et->all, "with_figures", (json_int_t)et->known,
	    "below_quota", (json_int_t)et->below, "at_least_one_unmet",
	    (json_int_t)et->one_unmet, "overstated",
	    (json_int_t)et->overstated, "by_type");
	for (int i = 0; emps != NULL && i < ET_COUNT; i++)
		json_object_set_new(json_object_get(emps, "by_type"),
		    vocab_id(VOCAB_EMPLOYER, i), json_pack("{s:I, s:I}",
		    "employers", (json_int_t)et->by_type[i], "below_quota",
		    (json_int_t)et->below_by_type[i]));
	if (posts == NULL || emps == NULL) {
		json_decref(posts);
		json_decref(emps);
		return NULL;
	}
	date_format(pc->from, from);
	date_format(pc->to, to);
	date_format(tg->from, pfrom);
	date_format(tg->to, pto);
	grad_rate = share(st->grads_employed, st->grads);
	return json_pack("{s:s, s:s, s:{s:s, s:s}, s:o, "
	    "s:{s:I, s:I, s:I, s:f, s:f, s:b}, "
	    "s:o, "
	    "s:{s:I, s:I, s:I}, "
	    "s:o, s:o, s:o}",
	    "from", from, "to", to,
	    "period", "from", pfrom, "to", pto,
	    "employment", employment_json(pc),
	    "graduates",
	    "registered", (json_int_t)st->grads,
	    "employed", (json_int_t)st->grads_employed,
	    "with_plan", (json_int_t)st->grads_plan,
	    "rate", grad_rate,
	    "target_rate", target_rate,
	    "met", st->grads > 0 && st->grads_employed * QUOTA_PPM >=
	    (int64_t)tg->graduate_rate * st->grads,
	    "training", training_json(pc, st),
	    "seekers",
	    "seeking", (json_int_t)st->by_status[SST_SEEKING],
	    "employed", (json_int_t)st->by_status[SST_EMPLOYED],
	    "not_seeking", (json_int_t)st->by_status[SST_NOT_SEEKING],
	    "services", services_json(st), "posts", posts, "employers", emps);
}

static void
plan_chunk(const struct store_res *res, void *arg)
{
	struct req *r = arg;
	struct plan_ctx *pc = r->ctx;

	if (res->status != STORE_OK) {
		req_error_store(r, res, "placement");
		return;
	}
	for (size_t i = 0; i < res->nrecs; i++) {
		json_t *o = json_loadb(res->recs[i].doc, res->recs[i].doclen,
		    0, NULL);
		if (o != NULL && json_is_object(o))
			plan_count_placement(&pc->placements, o);
		json_decref(o);
	}
	if (res->next_cursor != NULL) {
		snprintf(pc->cursor, sizeof(pc->cursor), "%s",
		    res->next_cursor);
		store_list_records(server.store, "placement", pc->from, pc->to,
		    pc->cursor, PLAN_CHUNK, plan_chunk, r);
		return;
	}
	req_result(r, plan_json(pc));
}

static int
plan_employment(json_t *doc, struct record_scan *sc)
{
	return plan_count_employment(&((struct plan_ctx *)sc)->persons, doc);
}

/* Every employment record of the period counted: the placements next. */
static void
plan_employed(struct req *r)
{
	struct plan_ctx *pc = r->ctx;

	store_list_records(server.store, "placement", pc->from, pc->to, NULL,
	    PLAN_CHUNK, plan_chunk, r);
}

/* stats.plan {from?, to?} (staff): by default the plan's period
 * (plan_from, plan_to). The employment records, then the placements of
 * the period, read from Redis a chunk at a time, then the mirrors'
 * counts. */
void
m_stats_plan(struct req *r, json_t *params)
{
	static const char *const keys[] = { "from", "to", NULL };
	struct plan_ctx *pc;
	struct perr pe;

	if ((pc = calloc(1, sizeof(*pc))) == NULL) {
		req_reply(r, NULL);
		return;
	}
	strmap_init(&pc->persons.seen);
	r->ctx = pc;
	r->ctx_free = plan_ctx_free;
	pc->from = server.cfg.plan.from;
	pc->to = server.cfg.plan.to;
	if (pv_object(params, "", keys, &pe) == -1 ||
	    pv_period(params, &pc->from, &pc->to, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	plan_persons_init(&pc->persons, pc->from, pc->to);
	pc->sc.kind = "employment";
	pc->sc.from = pc->from;
	pc->sc.to = pc->to;
	pc->sc.each = plan_employment;
	pc->sc.done = plan_employed;
	record_scan(r, &pc->sc);
}
