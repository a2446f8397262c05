/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * plan.c - see plan.h.
 *
 * Employers' figures come from the mirror (matcher_employer), as matches
 * do: an employer.put answered by this daemon is in it before the answer
 * leaves, one made through another daemon a stream read later.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/plan.h"
#include "daemon/seekers.h"
#include "daemon/server.h"
#include "matcher/towns.h"

int64_t
plan_today(char date[DATE_LEN + 1])
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

struct pools_ctx {
	struct plan_pools	*pp;
	size_t			 cap;
	int64_t			 day;
	bool			 oom;
};

static int
pool_cmp(const void *a, const void *b)
{
	return strcmp(((const struct plan_pool *)a)->id,
	    ((const struct plan_pool *)b)->id);
}

static void
pools_add(const struct memployer *me, void *arg)
{
	struct pools_ctx *c = arg;
	struct employer e;

	if (me->pool[0] == '\0' || c->oom)
		return;
	if (c->pp->n == c->cap) {
		size_t ncap = c->cap ? 2 * c->cap : 16;
		struct plan_pool *nv = realloc(c->pp->v, ncap * sizeof(*nv));
		if (nv == NULL) {
			c->oom = true;
			return;
		}
		c->pp->v = nv;
		c->cap = ncap;
	}
	matcher_employer_record(me, &e);
	c->pp->v[c->pp->n++] = (struct plan_pool){ me->pool, { 1,
	    quota_persons(&server.cfg.quota, &e, me->roster, c->day) } };
}

int
plan_pools_make(int64_t day, struct plan_pools *pp)
{
	struct pools_ctx c = { pp, 0, day, false };
	size_t n = 0;

	pp->v = NULL;
	pp->n = 0;
	matcher_each_employer(server.matcher, pools_add, &c);
	if (c.oom) {
		plan_pools_free(pp);
		return -1;
	}
	if (pp->n == 0)
		return 0;
	/* one row a pool: its units and persons summed */
	qsort(pp->v, pp->n, sizeof(*pp->v), pool_cmp);
	for (size_t i = 0; i < pp->n; i++) {
		if (n > 0 && strcmp(pp->v[n - 1].id, pp->v[i].id) == 0) {
			pp->v[n - 1].sums.units += pp->v[i].sums.units;
			pp->v[n - 1].sums.disabled += pp->v[i].sums.disabled;
		} else
			pp->v[n++] = pp->v[i];
	}
	pp->n = n;
	return 0;
}

void
plan_pools_free(struct plan_pools *pp)
{
	free(pp->v);
	pp->v = NULL;
	pp->n = 0;
}

int
plan_quota(const struct memployer *me, const struct plan_pools *pools,
    int64_t day, int64_t late, struct quota_result *q, char why[PLAN_WHY_MAX])
{
	const struct plan_pool *pool = NULL;
	struct plan_pool key = { me->pool, { 0, 0 } };
	struct employer e;

	if (me->pool[0] != '\0' && pools != NULL && pools->n > 0)
		pool = bsearch(&key, pools->v, pools->n, sizeof(*pools->v),
		    pool_cmp);
	matcher_employer_record(me, &e);
	return quota_compute(&server.cfg.quota, &e, me->roster,
	    pool != NULL ? &pool->sums : NULL, day, late, q, why,
	    PLAN_WHY_MAX);
}

/* ---- placements --------------------------------------------------------- */

static const char *
code_or_null(int town)
{
	return town >= 0 ? server.towns.v[town].code : NULL;
}

json_t *
plan_placement_doc(const char *seeker_id, const struct seeker *s,
    const char *employer_id, const char *job_id, const struct job *job,
    int64_t day)
{
	const struct memployer *me = matcher_employer(server.matcher,
	    employer_id);
	char date[DATE_LEN + 1];

	date_format(day, date);
	return json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s, "
	    "s:i, s:s, s:b}",
	    "seeker_id", seeker_id, "employer_id", employer_id,
	    "job_id", job_id, "date", date,
	    "town", code_or_null(seekers_town(s)),
	    "job_town", code_or_null(towns_pick(&server.towns, job->town,
	    job->lat, job->lon)),
	    "employer_type", me != NULL && me->type >= 0 ?
	    vocab_id(VOCAB_EMPLOYER, me->type) : NULL,
	    "disability_type", vocab_id(VOCAB_DISABILITY,
	    s->profile.disability),
	    "grade", s->profile.grade,
	    "employment_type", vocab_id(VOCAB_EMPLOYMENT, job->employment),
	    "graduate", (int)((s->profile.flags_mask >> FLAG_GRADUATE) & 1));
}

void
plan_employment_key(int form, int64_t day, const char *employer_id,
    const char *job_id, char key[PLAN_EMPLOYMENT_KEY_MAX])
{
	char date[DATE_LEN + 1];

	date_format(day, date);
	snprintf(key, PLAN_EMPLOYMENT_KEY_MAX, "%s:%s:%s:%s",
	    vocab_id(VOCAB_EMPLOYMENT_FORM, form), date,
	    employer_id != NULL ? employer_id : "",
	    job_id != NULL ? job_id : "");
}

json_t *
plan_employment_doc(const char *seeker_id, int form, const char *employer_id,
    const char *job_id, int64_t day, const char *note, int graduate)
{
	char date[DATE_LEN + 1];
	json_t *o;

	date_format(day, date);
	o = json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?}",
	    "seeker_id", seeker_id,
	    "form", vocab_id(VOCAB_EMPLOYMENT_FORM, form), "date", date,
	    "employer_id", employer_id, "job_id", job_id, "note", note);
	if (o != NULL && graduate >= 0)
		json_object_set_new(o, "graduate", json_boolean(graduate));
	return o;
}

/* The index in kind of doc's member key, or -1. */
static int
member_of(json_t *doc, const char *key, enum vocab_kind kind)
{
	const char *s = json_string_value(json_object_get(doc, key));

	return s != NULL ? vocab_lookup(kind, s) : -1;
}

void
plan_count_placement(struct plan_placements *pp, json_t *doc)
{
	int i;

	pp->placed++;
	if (json_is_true(json_object_get(doc, "graduate")))
		pp->placed_grad++;
	if ((i = member_of(doc, "disability_type", VOCAB_DISABILITY)) >= 0)
		pp->by_dis[i]++;
	if ((i = member_of(doc, "employment_type", VOCAB_EMPLOYMENT)) >= 0)
		pp->by_emp[i]++;
	if ((i = member_of(doc, "employer_type", VOCAB_EMPLOYER)) >= 0)
		pp->by_et[i]++;
}

/* ---- persons newly employed -------------------------------------------- */

int
plan_year(int64_t day)
{
	char date[DATE_LEN + 1];

	date_format(day, date);
	return atoi(date);
}

void
plan_persons_init(struct plan_persons *pp, int64_t from, int64_t to)
{
	memset(pp, 0, sizeof(*pp));
	strmap_init(&pp->seen);
	pp->from = from;
	pp->to = to;
	pp->year0 = plan_year(from);
	pp->nyears = plan_year(to) - pp->year0 + 1;
}

void
plan_persons_free(struct plan_persons *pp)
{
	strmap_free(&pp->seen);
}

int
plan_count_employment(struct plan_persons *pp, json_t *doc)
{
	static char counted;
	const char *sid = json_string_value(json_object_get(doc,
	    "seeker_id"));
	const char *anon = json_string_value(json_object_get(doc, "person"));
	const char *date = json_string_value(json_object_get(doc, "date"));
	char key[ID_MAX + 3];
	int64_t day;
	int form, y;

	if ((sid == NULL && anon == NULL) || date == NULL ||
	    date_parse(date, &day) == -1 || day < pp->from || day > pp->to ||
	    (form = member_of(doc, "form", VOCAB_EMPLOYMENT_FORM)) < 0)
		return 0;
	/* a registered seeker's id, or a deleted one's number: apart */
	snprintf(key, sizeof(key), "%c:%s", sid != NULL ? 's' : 'd',
	    sid != NULL ? sid : anon);
	if (strmap_get(&pp->seen, key) != NULL)
		return 0;
	if (strmap_put(&pp->seen, key, &counted) == -1)
		return -1;
	y = plan_year(day) - pp->year0;
	pp->persons++;
	pp->graduates += json_is_true(json_object_get(doc, "graduate"));
	pp->by_form[form]++;
	if (y >= 0 && y < pp->nyears && y < PLAN_YEARS_MAX) {
		pp->year_persons[y]++;
		pp->year_by_form[y][form]++;
	}
	return 0;
}

/* ---- the mirrors' tallies ---------------------------------------------- */

/* Whether s is of working age in year t->end_year: -1 when its birth
 * year or sex is not known. */
static int
working_age(const struct plan_seekers *t, const struct seeker *s)
{
	const int *range = s->sex == SEX_MALE ? t->age_male : t->age_female;
	int age;

	if (s->birth_year <= 0 || s->sex == SEX_UNKNOWN)
		return -1;
	age = t->end_year - s->birth_year;
	return age >= range[0] && age <= range[1];
}

static void
tally_seeker(const struct seeker *s, void *arg)
{
	struct plan_seekers *t = arg;
	int64_t first = -1;
	bool all = true;
	int wa;

	t->seekers++;
	t->by_status[s->status]++;
	if ((wa = working_age(t, s)) < 0)
		t->age_unknown++;
	else if (wa == 1) {
		/* the information check: working age, not in work; the
		 * other three: those who want work */
		bool base_info = s->status != SST_EMPLOYED;
		bool base_rest = s->status == SST_SEEKING;

		t->working_age++;
		for (int i = 0; i < SVC_COUNT; i++) {
			bool base = i == SVC_INFO_CHECKED ? base_info :
			    base_rest;
			bool given = s->service[i] >= 0 &&
			    s->service[i] <= t->to;

			t->cover[i].base += base;
			t->cover[i].count += base && given;
			all &= given;
		}
		t->all4.base += base_rest;
		t->all4.count += base_rest && all;
	}
	if ((s->profile.flags_mask >> FLAG_GRADUATE) & 1) {
		t->grads++;
		t->grads_employed += s->status == SST_EMPLOYED;
		t->grads_plan += s->plan_note != NULL;
	}
	for (size_t i = 0; i < s->ntraining; i++)
		if (s->training[i].day >= t->from &&
		    s->training[i].day <= t->to &&
		    (first < 0 || s->training[i].day < first))
			first = s->training[i].day;
	if (first >= 0) {
		int y = plan_year(first) - t->year0;

		t->trained++;
		if (y >= 0 && y < t->nyears && y < PLAN_YEARS_MAX)
			t->trained_year[y]++;
	}
}

static void
tally_post(const struct mjob *mj, void *arg)
{
	struct plan_posts *t = arg;

	if (mj->expires_at != 0 && mj->expires_at <= t->now)
		return;
	t->all++;
	t->all_openings += mj->openings;
	if (mj->emp->type >= 0) {
		t->postings[mj->emp->type]++;
		t->openings[mj->emp->type] += mj->openings;
	}
}

static void
tally_employer(const struct memployer *me, void *arg)
{
	struct plan_employers *t = arg;
	struct quota_result q;
	char why[PLAN_WHY_MAX];

	t->all++;
	if (me->type >= 0)
		t->by_type[me->type]++;
	if (plan_quota(me, t->pools, t->day, 0, &q, why) == -1)
		return;
	t->known++;
	t->overstated += q.overstated;
	if (q.below_quota) {
		t->below++;
		if (me->type >= 0)
			t->below_by_type[me->type]++;
	}
	t->one_unmet += q.one_rule_applies == QA_YES && !q.one_rule_met;
}

void
plan_tally(int64_t from, int64_t to, struct plan_tally *t)
{
	struct plan_pools pools;

	memset(t, 0, sizeof(*t));
	t->seekers.from = from;
	t->seekers.to = to;
	t->seekers.year0 = plan_year(from);
	t->seekers.end_year = plan_year(to);
	t->seekers.nyears = t->seekers.end_year - t->seekers.year0 + 1;
	t->seekers.age_male[0] = server.cfg.quota.age[QS_MALE].min;
	t->seekers.age_male[1] = server.cfg.quota.age[QS_MALE].max;
	t->seekers.age_female[0] = server.cfg.quota.age[QS_FEMALE].min;
	t->seekers.age_female[1] = server.cfg.quota.age[QS_FEMALE].max;
	seekers_each(tally_seeker, &t->seekers);
	t->posts.now = (int64_t)time(NULL);
	matcher_each_job(server.matcher, tally_post, &t->posts);
	t->employers.day = to;
	/* out of memory: the pools' units are left unknown */
	if (plan_pools_make(to, &pools) == -1)
		pools.n = 0;
	t->employers.pools = &pools;
	matcher_each_employer(server.matcher, tally_employer, &t->employers);
	t->employers.pools = NULL;
	plan_pools_free(&pools);
}
