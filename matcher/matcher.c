/*
 * matcher.c - the mirror of open postings, and the match itself.
 *
 * Postings sit in one array of pointers (order irrelevant, removal swaps
 * with the last) and in a map from "employer:id". Skills are interned: the
 * canonical form of each skill (after the rule set's synonyms) gets a small
 * integer, so coverage is a comparison of integers. A match is a scan with
 * cheap bitmask filters first and the distance last; survivors are scored
 * into a buffer the matcher reuses, then sorted.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "matcher/matcher.h"
#include "matcher/strmap.h"

#define CANON_MAX 512

struct matcher {
	const struct towns	*towns;
	struct rules		*rules;
	struct mjob		**jobs;
	size_t			 njobs, capjobs;
	struct strmap		 bykey;		/* "employer:id" -> mjob */
	struct strmap		 employers;	/* id -> memployer */
	struct strmap		 skills;	/* canonical -> id + 1 */
	uint32_t		 nskill_terms;
	struct match_hit	*hits;		/* reused between matches */
	size_t			 caphits;
};

static const char *policy_names[POLICY_COUNT] = {
	"public_welfare_first", "graduates_to_public_sector",
	"sheltered_for_severe", "massage_for_visual", "rural_employment_base",
};

const char *
matcher_policy_name(int policy)
{
	return policy_names[policy];
}

struct matcher *
matcher_new(const struct towns *towns, struct rules *rules)
{
	struct matcher *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->towns = towns;
	m->rules = rules;
	strmap_init(&m->bykey);
	strmap_init(&m->employers);
	strmap_init(&m->skills);
	return m;
}

static void
mjob_free(struct mjob *mj)
{
	if (mj == NULL)
		return;
	free(mj->title);
	strv_free(mj->skills, mj->nskills);
	free(mj->skill_ids);
	free(mj);
}

static void
free_employer(const char *key, void *val, void *arg)
{
	struct memployer *e = val;

	(void)key;
	(void)arg;
	free(e->name);
	free(e);
}

void
matcher_free(struct matcher *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->njobs; i++)
		mjob_free(m->jobs[i]);
	free(m->jobs);
	strmap_free(&m->bykey);
	strmap_each(&m->employers, free_employer, NULL);
	strmap_free(&m->employers);
	strmap_free(&m->skills);
	free(m->hits);
	free(m);
}

struct rules *
matcher_rules(struct matcher *m)
{
	return m->rules;
}

/* The id of a canonical term, interning it when add is set; -1 if absent
 * (or out of memory). */
static int64_t
skill_id(struct matcher *m, const char *canon, bool add)
{
	uintptr_t v = (uintptr_t)strmap_get(&m->skills, canon);

	if (v != 0)
		return (int64_t)(v - 1);
	if (!add)
		return -1;
	if (strmap_put(&m->skills, canon,
	    (void *)(uintptr_t)(m->nskill_terms + 1)) == -1)
		return -1;
	return m->nskill_terms++;
}

static bool
is_massage_term(const char *canon)
{
	return strcmp(canon, "massage") == 0 || strstr(canon, "按摩") != NULL ||
	    strstr(canon, "推拿") != NULL;
}

/* Derives the canonical skill ids and the massage flag of mj. */
static int
derive_skills(struct matcher *m, struct mjob *mj)
{
	char buf[CANON_MAX];
	uint32_t *ids = NULL;
	uint16_t n = 0;

	if (mj->nskills > 0 &&
	    (ids = calloc(mj->nskills, sizeof(*ids))) == NULL)
		return -1;
	mj->massage = strstr(mj->title, "按摩") != NULL ||
	    strstr(mj->title, "推拿") != NULL;
	for (size_t i = 0; i < mj->nskills; i++) {
		const char *c = rules_canon_skill(m->rules, mj->skills[i], buf,
		    sizeof(buf));
		int64_t id;
		bool dup = false;

		if (c[0] == '\0')
			continue;
		if (is_massage_term(c))
			mj->massage = true;
		if ((id = skill_id(m, c, true)) < 0) {
			free(ids);
			return -1;
		}
		for (uint16_t k = 0; k < n; k++)
			dup |= ids[k] == (uint32_t)id;
		if (!dup)
			ids[n++] = (uint32_t)id;
	}
	free(mj->skill_ids);
	mj->skill_ids = ids;
	mj->nskill_ids = n;
	return 0;
}

int
matcher_set_rules(struct matcher *m, struct rules *rules)
{
	struct rules *old = m->rules;
	struct strmap oldskills = m->skills;
	uint32_t oldn = m->nskill_terms;

	m->rules = rules;
	strmap_init(&m->skills);
	m->nskill_terms = 0;
	for (size_t i = 0; i < m->njobs; i++) {
		if (derive_skills(m, m->jobs[i]) == -1) {
			/* Undo: derive again under the old rules. */
			strmap_free(&m->skills);
			m->skills = oldskills;
			m->nskill_terms = oldn;
			m->rules = old;
			for (size_t k = 0; k <= i; k++)
				(void)derive_skills(m, m->jobs[k]);
			return -1;
		}
	}
	strmap_free(&oldskills);
	return 0;
}

static struct memployer *
employer_slot(struct matcher *m, const char *id)
{
	struct memployer *e = strmap_get(&m->employers, id);

	if (e != NULL)
		return e;
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	strncpy(e->id, id, ID_MAX);
	e->type = -1;
	if (strmap_put(&m->employers, id, e) == -1) {
		free(e);
		return NULL;
	}
	return e;
}

int
matcher_put_employer(struct matcher *m, const struct employer *e)
{
	struct memployer *me = employer_slot(m, e->id);
	char *name;

	if (me == NULL || (name = strdup(e->name)) == NULL)
		return -1;
	free(me->name);
	me->name = name;
	me->type = e->type;
	return 0;
}

const struct memployer *
matcher_employer(const struct matcher *m, const char *id)
{
	return strmap_get(&m->employers, id);
}

static void
make_key(char *key, const char *employer_id, const char *id)
{
	size_t a = strnlen(employer_id, ID_MAX), b = strnlen(id, ID_MAX);

	memcpy(key, employer_id, a);
	key[a] = ':';
	memcpy(key + a + 1, id, b);
	key[a + 1 + b] = '\0';
}

/* Builds the mirror's record of j (which must be open). */
static struct mjob *
mjob_new(struct matcher *m, const struct job *j)
{
	struct mjob *mj = calloc(1, sizeof(*mj));

	if (mj == NULL)
		return NULL;
	make_key(mj->key, j->employer_id, j->id);
	mj->id = mj->key + strlen(j->employer_id) + 1;
	if ((mj->emp = employer_slot(m, j->employer_id)) == NULL ||
	    (mj->title = strdup(j->title)) == NULL)
		goto fail;
	if (j->nskills > 0) {
		if ((mj->skills = calloc(j->nskills, sizeof(char *))) == NULL)
			goto fail;
		for (size_t i = 0; i < j->nskills; i++) {
			if ((mj->skills[i] = strdup(j->skills[i])) == NULL)
				goto fail;
			mj->nskills++;
		}
	}
	mj->dis_mask = j->dis_any ? DIS_ALL_MASK : j->dis_mask;
	mj->grades_mask = j->grades_mask;
	mj->employment = (uint8_t)j->employment;
	mj->accom_mask = j->accom_mask;
	mj->remote = j->remote;
	mj->has_salary = j->has_salary;
	mj->salary_min = j->salary_min;
	mj->salary_max = j->salary_max;
	mj->openings = j->openings;
	mj->expires_at = j->expires_at;
	mj->version = j->version;
	mj->town_given = j->town >= 0;
	if (j->has_location) {
		mj->lat = j->lat;
		mj->lon = j->lon;
		mj->town = j->town >= 0 ? j->town :
		    towns_nearest(m->towns, j->lat, j->lon);
	} else {
		mj->town = j->town;
		mj->lat = m->towns->v[j->town].lat;
		mj->lon = m->towns->v[j->town].lon;
	}
	mj->rural = mj->town >= 0 && m->towns->v[mj->town].rural;
	if (derive_skills(m, mj) == -1)
		goto fail;
	return mj;
fail:
	mjob_free(mj);
	return NULL;
}

int
matcher_put_job(struct matcher *m, const struct job *j)
{
	char key[2 * ID_MAX + 2];
	struct mjob *old, *mj;

	if (j->status != JOB_OPEN) {
		(void)matcher_remove_job(m, j->employer_id, j->id);
		return 0;
	}
	if ((mj = mjob_new(m, j)) == NULL)
		return -1;
	make_key(key, j->employer_id, j->id);
	if ((old = strmap_get(&m->bykey, key)) != NULL) {
		mj->slot = old->slot;
		m->jobs[mj->slot] = mj;
		(void)strmap_put(&m->bykey, key, mj);	/* key exists */
		mjob_free(old);
		return 0;
	}
	if (m->njobs == m->capjobs) {
		size_t ncap = m->capjobs ? m->capjobs * 2 : 64;
		struct mjob **nj = realloc(m->jobs, ncap * sizeof(*nj));
		if (nj == NULL)
			goto fail;
		m->jobs = nj;
		m->capjobs = ncap;
	}
	if (strmap_put(&m->bykey, key, mj) == -1)
		goto fail;
	mj->slot = m->njobs;
	m->jobs[m->njobs++] = mj;
	return 0;
fail:
	mjob_free(mj);
	return -1;
}

int
matcher_remove_job(struct matcher *m, const char *employer_id, const char *id)
{
	char key[2 * ID_MAX + 2];
	struct mjob *mj;

	make_key(key, employer_id, id);
	if ((mj = strmap_del(&m->bykey, key)) == NULL)
		return 0;
	m->jobs[mj->slot] = m->jobs[--m->njobs];
	m->jobs[mj->slot]->slot = mj->slot;
	mjob_free(mj);
	return 1;
}

const struct mjob *
matcher_job(const struct matcher *m, const char *employer_id, const char *id)
{
	char key[2 * ID_MAX + 2];

	make_key(key, employer_id, id);
	return strmap_get(&m->bykey, key);
}

size_t
matcher_njobs(const struct matcher *m)
{
	return m->njobs;
}

/* Which of the plan's priorities apply to this seeker and post. */
static uint32_t
policy_of(const struct profile *p, const struct mjob *mj)
{
	uint32_t fired = 0, fl = p->flags_mask;
	int et = mj->emp != NULL ? mj->emp->type : -1;

	if (mj->employment == EMP_PUBLIC_WELFARE &&
	    (fl & (1u << FLAG_ZERO_EMPLOYMENT | 1u << FLAG_LOW_INCOME)))
		fired |= 1u << POLICY_PUBLIC_WELFARE;
	if ((fl & 1u << FLAG_GRADUATE) &&
	    (et == ET_AGENCY || et == ET_INSTITUTION || et == ET_SOE))
		fired |= 1u << POLICY_GRADUATE;
	if ((mj->employment == EMP_SHELTERED || et == ET_SHELTERED_WORKSHOP) &&
	    (p->disability == DIS_INTELLECTUAL || p->disability == DIS_MENTAL ||
	    (p->disability == DIS_PHYSICAL && p->grade <= 2)))
		fired |= 1u << POLICY_SHELTERED;
	if (p->disability == DIS_VISUAL && mj->massage)
		fired |= 1u << POLICY_MASSAGE;
	if ((fl & 1u << FLAG_RURAL) && mj->rural)
		fired |= 1u << POLICY_RURAL;
	return fired;
}

/*
 * The policy component: the sum of the strengths of the priorities that
 * apply, capped at 1. Living in the countryside is a weaker reason on its
 * own than the plan's targeted groups, so it counts half.
 */
static double
policy_strength(uint32_t fired)
{
	static const double strength[POLICY_COUNT] = { 1.0, 1.0, 1.0, 1.0,
	    0.5 };
	double s = 0;

	for (int i = 0; i < POLICY_COUNT; i++)
		if (fired & 1u << i)
			s += strength[i];
	return s > 1.0 ? 1.0 : s;
}

/* Rounds a score part to 1e-6 so that parts and sums print exactly. */
static double
round6(double v)
{
	return round(v * 1e6) / 1e6;
}

static int
hit_cmp(const void *a, const void *b)
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

int
matcher_match(struct matcher *m, const struct match_query *q,
    struct match_result *out)
{
	const struct profile *p = q->profile;
	const struct filters *f = q->filters;
	const struct rules_spec *rs = rules_spec_of(m->rules);
	double maxkm = p->max_distance_km > 0 ? p->max_distance_km : rs->max_km;
	uint32_t want[SKILLS_MAX];
	size_t nwant = 0, n = 0;
	char buf[CANON_MAX];

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < p->nskills && nwant < SKILLS_MAX; i++) {
		int64_t id = skill_id(m,
		    rules_canon_skill(m->rules, p->skills[i], buf, sizeof(buf)),
		    false);
		if (id >= 0)
			want[nwant++] = (uint32_t)id;
	}
	if (m->caphits < m->njobs) {
		struct match_hit *nh = realloc(m->hits,
		    m->njobs * sizeof(*nh));
		if (nh == NULL)
			return -1;
		m->hits = nh;
		m->caphits = m->njobs;
	}

	for (size_t i = 0; i < m->njobs; i++) {
		const struct mjob *mj = m->jobs[i];
		struct match_hit *h;
		double d, cov;

		if (!(mj->dis_mask & 1u << p->disability))
			continue;
		if (mj->grades_mask != 0 && !(mj->grades_mask & 1u << p->grade))
			continue;
		if ((p->needs_mask & mj->accom_mask) != p->needs_mask)
			continue;
		if (mj->openings < 1 ||
		    (mj->expires_at != 0 && mj->expires_at <= q->now))
			continue;
		if (f->employment_mask != 0 &&
		    !(f->employment_mask & 1u << mj->employment))
			continue;
		if (f->employer_mask != 0 && (mj->emp->type < 0 ||
		    !(f->employer_mask & 1u << mj->emp->type)))
			continue;
		if (f->min_salary > 0 &&
		    (!mj->has_salary || mj->salary_max < f->min_salary))
			continue;
		d = geo_distance_km(p->lat, p->lon, mj->lat, mj->lon);
		if (!mj->remote && d > maxkm)
			continue;

		h = &m->hits[n++];
		h->job = mj;
		h->distance_km = round(d * 1000) / 1000;
		if (mj->nskill_ids == 0)
			cov = 1.0;
		else {
			size_t have = 0;
			for (size_t a = 0; a < mj->nskill_ids; a++)
				for (size_t b = 0; b < nwant; b++)
					if (mj->skill_ids[a] == want[b]) {
						have++;
						break;
					}
			cov = (double)have / mj->nskill_ids;
		}
		h->comp[COMP_SKILLS] = cov;
		h->comp[COMP_DISTANCE] = mj->remote ? 1.0 :
		    rules_distance_score(m->rules, d);
		h->policy_fired = policy_of(p, mj);
		h->comp[COMP_POLICY] = policy_strength(h->policy_fired);
		h->part[COMP_SKILLS] = round6(rs->w_skills * h->comp[COMP_SKILLS]);
		h->part[COMP_DISTANCE] =
		    round6(rs->w_distance * h->comp[COMP_DISTANCE]);
		h->part[COMP_POLICY] = round6(rs->w_policy * h->comp[COMP_POLICY]);
		h->score = h->part[COMP_SKILLS] + h->part[COMP_DISTANCE] +
		    h->part[COMP_POLICY];
	}
	/* m->hits is still NULL while the mirror has been empty. */
	if (n > 1)
		qsort(m->hits, n, sizeof(*m->hits), hit_cmp);
	out->candidates = n;
	if (q->offset < n) {
		out->hits = m->hits + q->offset;
		out->n = n - q->offset < q->limit ? n - q->offset : q->limit;
	}
	return 0;
}
