/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * score.c - what every match computes: the seeker prepared once (its
 * skills canonical and interned, its rule bits, its radius), the hard
 * filters, the rules applied to one posting, its score, and the order of
 * an answer's hits; and the two answers that walk no index: the
 * brute-force scan (matcher_match_scan), the reference the indexed match
 * (match.c) is held to, and matcher_explain.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "matcher/internal.h"

static const char *filter_names[FC_COUNT] = {
	"open", "disability", "grade", "needs", "distance", "employment_types",
	"employer_types", "min_salary",
};

const char *
matcher_filter_name(int check)
{
	return filter_names[check];
}

int
matcher_hit_cmp(const void *a, const void *b)
{
	const struct match_hit *x = a, *y = b;
	int c;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->distance_km != y->distance_km)
		return x->distance_km < y->distance_km ? -1 : 1;
	if ((c = strcmp(x->job->id, y->job->id)) != 0)
		return c;
	return strcmp(x->job->emp->id, y->job->emp->id);
}

void
score_prepare(struct matcher *m, const struct match_query *q,
    struct prepared *pr)
{
	const struct profile *p = q->profile;
	uint32_t budget = q->regex_budget;

	/* The seeker's patterns (synonyms, conditions) get a request's time. */
	rules_deadline(m->rules, rules_limits(m->rules)->time_us);

	pr->view.m = m;
	pr->view.p = p;
	pr->view.town = towns_pick(m->towns, p->town, p->lat, p->lon);
	pr->view.nskills = 0;
	pr->nwant = 0;
	for (size_t i = 0; i < p->nskills && i < SKILLS_MAX; i++) {
		/* A skill some posting has too is in the rule set's cache of
		 * canonical forms (read only: nothing of the seeker is kept);
		 * else the synonyms run, paid from the request's budget. */
		int64_t id = terms_cached(&m->terms, p->skills[i]);
		const char *c;

		if (id != TERMS_UNKNOWN)
			c = id >= 0 ? terms_text(&m->terms, (uint32_t)id) : "";
		else {
			c = rules_canon_skill_budget(m->rules, p->skills[i],
			    pr->canon[i], CANON_MAX, &budget);
			id = terms_find(&m->terms, c);
		}

		pr->view.skills[pr->view.nskills++] = p->skills[i];
		pr->view.skills[pr->view.nskills++] = c;
		if (id >= 0)
			pr->want[pr->nwant++] = (uint32_t)id;
	}
	rules_eval_seeker(m->rules, subject_seeker, &pr->view, pr->seeker_bits,
	    &budget);
	rules_deadline(m->rules, 0);
	pr->maxkm = p->max_distance_km > 0 ? p->max_distance_km :
	    rules_spec_of(m->rules)->max_km;
	if (q->filters->has_employers)
		(void)employers_mark(m, q->filters->employers,
		    q->filters->nemployers);
}

void
matcher_hit_detail(const struct matcher *m, const struct match_query *q,
    const struct match_hit *h, struct match_detail *out)
{
	const struct prepared *pr = m->pr;
	const struct mjob *mj = h->job;

	memset(out, 0, sizeof(*out));
	out->needs_met = q->profile->needs_mask & mj->accom_mask;
	if (pr == NULL)
		return;
	/* view.skills: each skill as given, then its canonical form */
	for (size_t i = 1; i < pr->view.nskills; i += 2) {
		const char *c = pr->view.skills[i];
		bool seen = false;

		for (size_t k = 1; k < i && !seen; k += 2)
			seen = strcmp(pr->view.skills[k], c) == 0;
		if (c[0] != '\0' && !seen)
			out->wanted++;
	}
	for (size_t b = 0; b < pr->nwant; b++) {
		bool seen = false, has = false;

		for (size_t k = 0; k < b && !seen; k++)
			seen = pr->want[k] == pr->want[b];
		for (size_t a = 0; a < mj->nskill_ids && !has; a++)
			has = mj->skill_ids[a] == pr->want[b];
		if (!seen && has && out->nmatched < SKILLS_MAX)
			out->matched[out->nmatched++] = terms_text(&m->terms,
			    pr->want[b]);
	}
}

struct prepared *
score_prepared(struct matcher *m)
{
	if (m->pr == NULL)
		m->pr = malloc(sizeof(*m->pr));
	return m->pr;
}

/* Runs the hard filters that need no rule; fills pass[] up to the first
 * failure (every one, with all) and returns whether all passed. */
static bool
hard_filters(const struct match_query *q, const struct prepared *pr,
    const struct mjob *mj, double d, bool pass[FC_COUNT], bool all)
{
	const struct profile *p = q->profile;
	const struct filters *f = q->filters;
	bool ok = true;

#define CHECK(i, cond) do {						\
	pass[i] = (cond);						\
	if (!pass[i]) {							\
		ok = false;						\
		if (!all)						\
			return false;					\
	}								\
} while (0)
	CHECK(FC_DISABILITY, mj->dis_mask & 1u << p->disability);
	CHECK(FC_GRADE, mj->grades_mask == 0 ||
	    (mj->grades_mask & 1u << p->grade));
	CHECK(FC_NEEDS, (p->needs_mask & mj->accom_mask) == p->needs_mask);
	CHECK(FC_OPEN, job_matchable(mj, q->now));
	CHECK(FC_EMPLOYMENT, employment_ok(f, mj));
	CHECK(FC_EMPLOYER, employer_ok(f, mj));
	CHECK(FC_SALARY, salary_ok(f, mj));
	CHECK(FC_DISTANCE, mj->remote || d <= pr->maxkm);
#undef CHECK
	return ok;
}

/*
 * Applies the rules to a posting that passed the hard filters: returns the
 * index of the exclude or require rule that leaves it out, or -1 with the
 * boosts summed into *boost and their rules marked in fired.
 */
static int
apply_rules(const struct rules *r, const struct prepared *pr,
    const struct mjob *mj, double d, double *boost,
    uint64_t fired[RULE_WORDS])
{
	const struct rules_spec *rs = rules_spec_of(r);

	*boost = 0;
	memset(fired, 0, RULE_WORDS * sizeof(*fired));
	for (size_t i = 0; i < rs->nrules; i++) {
		bool seeker = bit(pr->seeker_bits, i);
		bool job = bit(mj->rule_bits, i) && rules_eval_pair(r, i, d);

		switch (rs->rules[i].action) {
		case RULE_EXCLUDE:
			if (seeker && job)
				return (int)i;
			break;
		case RULE_REQUIRE:
			if (seeker && !job)
				return (int)i;
			break;
		default:
			if (seeker && job) {
				*boost += rs->rules[i].boost;
				fired[i / 64] |= 1ULL << (i % 64);
			}
			break;
		}
	}
	return -1;
}

void
score_hit(const struct matcher *m, const struct prepared *pr,
    const struct mjob *mj, double d, double boost, struct match_hit *h)
{
	const struct rules_spec *rs = rules_spec_of(m->rules);
	double cov;

	h->job = mj;
	h->distance_km = round(d * 1000) / 1000;
	if (mj->nskill_ids == 0)
		cov = 1.0;
	else {
		size_t have = 0;
		for (size_t a = 0; a < mj->nskill_ids; a++)
			for (size_t b = 0; b < pr->nwant; b++)
				if (mj->skill_ids[a] == pr->want[b]) {
					have++;
					break;
				}
		cov = (double)have / mj->nskill_ids;
	}
	h->comp[COMP_SKILLS] = cov;
	h->comp[COMP_DISTANCE] = mj->remote ? 1.0 :
	    rules_distance_score(m->rules, d);
	h->comp[COMP_POLICY] = boost;
	h->part[COMP_SKILLS] = round6(rs->w_skills * h->comp[COMP_SKILLS]);
	h->part[COMP_DISTANCE] = round6(rs->w_distance *
	    h->comp[COMP_DISTANCE]);
	h->part[COMP_POLICY] = round6(boost);
	h->score = h->part[COMP_SKILLS] + h->part[COMP_DISTANCE] +
	    h->part[COMP_POLICY];
}
int
matcher_match_scan(struct matcher *m, const struct match_query *q,
    struct match_result *out)
{
	struct prepared *pr = score_prepared(m);
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	if (pr == NULL)
		return -1;
	if (m->caphits < m->njobs) {
		struct match_hit *nh = realloc(m->hits,
		    m->njobs * sizeof(*nh));
		if (nh == NULL) {
			return -1;
		}
		m->hits = nh;
		m->caphits = m->njobs;
	}
	score_prepare(m, q, pr);
	for (size_t i = 0; i < m->njobs; i++) {
		const struct mjob *mj = m->jobs[i];
		bool pass[FC_COUNT];
		uint64_t fired[RULE_WORDS];
		double d, boost;

		d = geo_distance_km(q->profile->lat, q->profile->lon, mj->lat,
		    mj->lon);
		if (!hard_filters(q, pr, mj, d, pass, false) ||
		    apply_rules(m->rules, pr, mj, d, &boost, fired) >= 0)
			continue;
		score_hit(m, pr, mj, d, boost, &m->hits[n]);
		memcpy(m->hits[n].fired, fired, sizeof(fired));
		n++;
	}
	if (n > 1)
		qsort(m->hits, n, sizeof(*m->hits), matcher_hit_cmp);
	out->candidates = n;
	if (q->offset < n) {
		out->hits = m->hits + q->offset;
		out->n = n - q->offset < q->limit ? n - q->offset : q->limit;
	}
	return 0;
}

void
matcher_explain(struct matcher *m, const struct match_query *q,
    const char *employer_id, const char *id, struct match_explain *out)
{
	const struct rules_spec *rs = rules_spec_of(m->rules);
	struct prepared *pr;
	const struct mjob *mj;
	double d, boost = 0;
	uint64_t fired[RULE_WORDS];
	bool filtered;

	memset(out, 0, sizeof(*out));
	out->excluded_by = -1;
	if ((mj = matcher_job(m, employer_id, id)) == NULL ||
	    (pr = score_prepared(m)) == NULL)
		return;
	out->job = mj;
	score_prepare(m, q, pr);
	d = geo_distance_km(q->profile->lat, q->profile->lon, mj->lat, mj->lon);
	filtered = !hard_filters(q, pr, mj, d, out->pass, true);
	out->missing_needs = q->profile->needs_mask & ~mj->accom_mask;
	out->hit.distance_km = round(d * 1000) / 1000;
	if (!filtered)
		out->excluded_by = apply_rules(m->rules, pr, mj, d, &boost,
		    fired);
	for (size_t i = 0; i < rs->nrules; i++) {
		bool seeker = bit(pr->seeker_bits, i);
		bool job = bit(mj->rule_bits, i);
		bool pair = rules_eval_pair(m->rules, i, d);

		if (filtered) {
			out->verdict[i] = RV_NOT_EVALUATED;
			continue;
		}
		if (!seeker) {
			out->verdict[i] = RV_SEEKER;
			out->failed[i] = rules_failed_cond(m->rules, i,
			    SIDE_SEEKER, subject_seeker, &pr->view, d);
		} else if (!job) {
			out->verdict[i] = rs->rules[i].action == RULE_REQUIRE ?
			    RV_FIRED : RV_JOB;
			out->failed[i] = rules_failed_cond(m->rules, i,
			    SIDE_JOB, subject_job, mj, d);
		} else if (!pair) {
			out->verdict[i] = rs->rules[i].action == RULE_REQUIRE ?
			    RV_FIRED : RV_PAIR;
			out->failed[i] = "distance_km";
		} else
			out->verdict[i] = rs->rules[i].action == RULE_REQUIRE ?
			    RV_REQUIRE_MET : RV_FIRED;
	}
	if (!filtered && out->excluded_by < 0) {
		out->matched = true;
		score_hit(m, pr, mj, d, boost, &out->hit);
		memcpy(out->hit.fired, fired, sizeof(fired));
	}
}
