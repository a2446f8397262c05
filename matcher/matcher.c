/*
 * matcher.c - the mirror of open postings, and the match itself.
 *
 * Postings sit in one array of pointers (order irrelevant, removal swaps
 * with the last) and in a map from "employer:id". Skills are interned: the
 * canonical form of each skill (after the rule set's synonyms) gets a small
 * integer, so coverage is a comparison of integers. The rule set's
 * conditions on a posting are evaluated when the posting enters the mirror
 * (or the rules or its employer change) and kept as bits; a match evaluates
 * the seeker's conditions once, then scans the postings with the cheap
 * bitmask filters first, the distance next and the rules last, scores the
 * survivors into a buffer the matcher reuses, and sorts them.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "matcher/matcher.h"
#include "matcher/strmap.h"

#define CANON_MAX	512
#define SUBJECT_ITEMS	(2 * SKILLS_MAX)

struct matcher {
	const struct towns	*towns;
	struct rules		*rules;
	struct mjob		**jobs;
	size_t			 njobs, capjobs;
	struct strmap		 bykey;		/* "employer:id" -> mjob */
	struct strmap		 employers;	/* id -> memployer */
	struct strmap		 skills;	/* canonical -> id + 1 */
	char			**terms;	/* id -> canonical */
	uint32_t		 nskill_terms, capterms;
	struct match_hit	*hits;		/* reused between matches */
	size_t			 caphits;
	const char		*scratch[SUBJECT_ITEMS];	/* subjects */
};

static const char *filter_names[FC_COUNT] = {
	"open", "disability", "grade", "needs", "distance", "employment_types",
	"employer_types", "min_salary",
};

const char *
matcher_filter_name(int check)
{
	return filter_names[check];
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
	free(mj->description);
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

static void
free_terms(struct matcher *m)
{
	for (uint32_t i = 0; i < m->nskill_terms; i++)
		free(m->terms[i]);
	free(m->terms);
	m->terms = NULL;
	m->nskill_terms = m->capterms = 0;
	strmap_free(&m->skills);
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
	free_terms(m);
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
	char *t;

	if (v != 0)
		return (int64_t)(v - 1);
	if (!add)
		return -1;
	if (m->nskill_terms == m->capterms) {
		uint32_t ncap = m->capterms ? m->capterms * 2 : 64;
		char **nt = realloc(m->terms, ncap * sizeof(*nt));
		if (nt == NULL)
			return -1;
		m->terms = nt;
		m->capterms = ncap;
	}
	if ((t = strdup(canon)) == NULL)
		return -1;
	if (strmap_put(&m->skills, canon,
	    (void *)(uintptr_t)(m->nskill_terms + 1)) == -1) {
		free(t);
		return -1;
	}
	m->terms[m->nskill_terms] = t;
	return m->nskill_terms++;
}

/* Derives the canonical, distinct skill ids of mj. */
static int
derive_skills(struct matcher *m, struct mjob *mj)
{
	char buf[CANON_MAX];
	uint32_t *ids = NULL;
	uint16_t n = 0;

	if (mj->nskills > 0 &&
	    (ids = calloc(mj->nskills, sizeof(*ids))) == NULL)
		return -1;
	for (size_t i = 0; i < mj->nskills; i++) {
		const char *c = rules_canon_skill(m->rules, mj->skills[i], buf,
		    sizeof(buf));
		int64_t id;
		bool dup = false;

		if (c[0] == '\0')
			continue;
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

/* The values of a posting's fields, for the rules. */
static void
job_subject(int field, const void *obj, struct rule_subject *s)
{
	const struct mjob *mj = obj;
	const struct matcher *m = mj->emp->matcher;
	const char *f = rule_fields[field].name;
	size_t n = 0;

	s->present = true;
	if (strcmp(f, "job.title") == 0)
		s->text = mj->title;
	else if (strcmp(f, "job.description") == 0) {
		s->text = mj->description;
		s->present = mj->description != NULL;
	} else if (strcmp(f, "job.skills") == 0) {
		/* Raw as posted, and canonical after the synonyms. */
		for (size_t i = 0; i < mj->nskills && n < SUBJECT_ITEMS; i++)
			((struct matcher *)m)->scratch[n++] = mj->skills[i];
		for (size_t i = 0; i < mj->nskill_ids && n < SUBJECT_ITEMS; i++)
			((struct matcher *)m)->scratch[n++] =
			    m->terms[mj->skill_ids[i]];
		s->list = m->scratch;
		s->nlist = n;
	} else if (strcmp(f, "job.employment_type") == 0)
		s->bits = 1u << mj->employment;
	else if (strcmp(f, "job.employer_type") == 0)
		s->bits = mj->emp->type >= 0 ? 1u << mj->emp->type : 0;
	else if (strcmp(f, "job.employer_id") == 0)
		s->text = mj->emp->id;
	else if (strcmp(f, "job.employer_name") == 0) {
		s->text = mj->emp->name;
		s->present = mj->emp->name != NULL;
	} else if (strcmp(f, "job.accessible_for") == 0)
		s->bits = mj->dis_mask;
	else if (strcmp(f, "job.accommodations") == 0)
		s->bits = mj->accom_mask;
	else if (strcmp(f, "job.town") == 0) {
		s->text = mj->town >= 0 ? m->towns->v[mj->town].code : NULL;
		s->present = mj->town >= 0;
	} else if (strcmp(f, "job.town_kind") == 0) {
		int k = mj->town >= 0 ? rules_value_lookup(FV_TOWN_KIND,
		    m->towns->v[mj->town].kind) : -1;
		s->bits = k >= 0 ? 1u << k : 0;
	} else if (strcmp(f, "job.remote") == 0)
		s->bits = 1u << (mj->remote ? 1 : 0);
	else if (strcmp(f, "job.salary.min") == 0) {
		s->num = (double)mj->salary_min;
		s->present = mj->has_salary;
	} else if (strcmp(f, "job.salary.max") == 0) {
		s->num = (double)mj->salary_max;
		s->present = mj->has_salary;
	} else if (strcmp(f, "job.openings") == 0)
		s->num = (double)mj->openings;
	else
		s->present = false;
}

/* A seeker, as the rules see it. */
struct seeker_view {
	struct matcher		*m;
	const struct profile	*p;
	int			 town;		/* given or nearest */
	const char		*skills[SUBJECT_ITEMS];
	size_t			 nskills;
};

static void
seeker_subject(int field, const void *obj, struct rule_subject *s)
{
	const struct seeker_view *v = obj;
	const struct profile *p = v->p;
	const char *f = rule_fields[field].name;

	s->present = true;
	if (strcmp(f, "seeker.disability.type") == 0)
		s->bits = 1u << p->disability;
	else if (strcmp(f, "seeker.disability.grade") == 0)
		s->num = p->grade;
	else if (strcmp(f, "seeker.skills") == 0) {
		s->list = v->skills;
		s->nlist = v->nskills;
	} else if (strcmp(f, "seeker.flags") == 0)
		s->bits = p->flags_mask;
	else if (strcmp(f, "seeker.needs") == 0)
		s->bits = p->needs_mask;
	else if (strcmp(f, "seeker.town") == 0) {
		s->text = v->town >= 0 ? v->m->towns->v[v->town].code : NULL;
		s->present = v->town >= 0;
	} else if (strcmp(f, "seeker.town_kind") == 0) {
		int k = v->town >= 0 ? rules_value_lookup(FV_TOWN_KIND,
		    v->m->towns->v[v->town].kind) : -1;
		s->bits = k >= 0 ? 1u << k : 0;
	} else
		s->present = false;
}

static void
eval_job_rules(struct matcher *m, struct mjob *mj)
{
	rules_eval_job(m->rules, job_subject, mj, mj->rule_bits);
}

int
matcher_try_rules(struct matcher *m, struct rules *rules)
{
	char buf[CANON_MAX];
	uint64_t bits[RULE_WORDS];
	bool late;

	rules_deadline(rules, 1000ULL * rules_limits(rules)->install_ms);
	for (size_t i = 0; i < m->njobs && !rules_deadline_passed(rules);
	    i++) {
		const struct mjob *mj = m->jobs[i];
		for (size_t k = 0; k < mj->nskills; k++)
			(void)rules_canon_skill(rules, mj->skills[k], buf,
			    sizeof(buf));
		rules_eval_job(rules, job_subject, mj, bits);
	}
	late = rules_deadline_passed(rules);
	rules_deadline(rules, 0);
	return late ? -1 : 0;
}

int
matcher_set_rules(struct matcher *m, struct rules *rules)
{
	struct rules *old = m->rules;
	struct matcher saved = *m;
	int rc = 0;

	m->rules = rules;
	strmap_init(&m->skills);
	m->terms = NULL;
	m->nskill_terms = m->capterms = 0;
	rules_deadline(rules, 1000ULL * rules_limits(rules)->install_ms);
	for (size_t i = 0; i < m->njobs && rc == 0; i++) {
		if (rules_deadline_passed(rules))
			rc = -2;
		else if (derive_skills(m, m->jobs[i]) == -1)
			rc = -1;
		else
			eval_job_rules(m, m->jobs[i]);
	}
	if (rc == 0 && rules_deadline_passed(rules))
		rc = -2;
	rules_deadline(rules, 0);
	if (rc != 0) {
		/* Out of memory or of time: back to the old rules, whole. */
		free_terms(m);
		m->skills = saved.skills;
		m->terms = saved.terms;
		m->nskill_terms = saved.nskill_terms;
		m->capterms = saved.capterms;
		m->rules = old;
		for (size_t k = 0; k < m->njobs; k++) {
			(void)derive_skills(m, m->jobs[k]);
			eval_job_rules(m, m->jobs[k]);
		}
		return rc;
	}
	strmap_free(&saved.skills);
	for (uint32_t i = 0; i < saved.nskill_terms; i++)
		free(saved.terms[i]);
	free(saved.terms);
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
	e->matcher = m;
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
	bool changed;
	char *name;

	if (me == NULL || (name = strdup(e->name)) == NULL)
		return -1;
	changed = me->name == NULL || strcmp(me->name, name) != 0 ||
	    me->type != e->type;
	free(me->name);
	me->name = name;
	me->type = e->type;
	/* Rules may look at the employer's name and type. */
	for (size_t i = 0; changed && i < m->njobs; i++)
		if (m->jobs[i]->emp == me)
			eval_job_rules(m, m->jobs[i]);
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
	    (mj->title = strdup(j->title)) == NULL ||
	    (j->description != NULL &&
	    (mj->description = strdup(j->description)) == NULL))
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
	/* One posting's patterns get a request's time. */
	rules_deadline(m->rules, rules_limits(m->rules)->time_us);
	if (derive_skills(m, mj) == -1) {
		rules_deadline(m->rules, 0);
		goto fail;
	}
	eval_job_rules(m, mj);
	rules_deadline(m->rules, 0);
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

static void
count_named(const char *key, void *val, void *arg)
{
	(void)key;
	if (((const struct memployer *)val)->name != NULL)
		(*(size_t *)arg)++;
}

size_t
matcher_nemployers(const struct matcher *m)
{
	size_t n = 0;

	strmap_each(&m->employers, count_named, &n);
	return n;
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

/* Everything a match computes once per request. */
struct prepared {
	struct seeker_view	 view;
	uint32_t		 want[SKILLS_MAX];	/* seeker's skill ids */
	size_t			 nwant;
	uint64_t		 seeker_bits[RULE_WORDS];
	double			 maxkm;
	char			 canon[SKILLS_MAX][CANON_MAX];
};

static void
prepare(struct matcher *m, const struct match_query *q, struct prepared *pr)
{
	const struct profile *p = q->profile;
	uint32_t budget = q->regex_budget;

	/* The seeker's patterns (synonyms, conditions) get a request's time. */
	rules_deadline(m->rules, rules_limits(m->rules)->time_us);

	pr->view.m = m;
	pr->view.p = p;
	pr->view.town = p->town >= 0 ? p->town :
	    towns_nearest(m->towns, p->lat, p->lon);
	pr->view.nskills = 0;
	pr->nwant = 0;
	for (size_t i = 0; i < p->nskills && i < SKILLS_MAX; i++) {
		/* The seeker's synonyms are paid from the request's budget. */
		const char *c = rules_canon_skill_budget(m->rules, p->skills[i],
		    pr->canon[i], CANON_MAX, &budget);
		int64_t id = skill_id(m, c, false);

		pr->view.skills[pr->view.nskills++] = p->skills[i];
		pr->view.skills[pr->view.nskills++] = c;
		if (id >= 0)
			pr->want[pr->nwant++] = (uint32_t)id;
	}
	rules_eval_seeker(m->rules, seeker_subject, &pr->view, pr->seeker_bits,
	    &budget);
	rules_deadline(m->rules, 0);
	pr->maxkm = p->max_distance_km > 0 ? p->max_distance_km :
	    rules_spec_of(m->rules)->max_km;
}

/* Runs the hard filters that need no rule; fills pass[] up to the first
 * failure and returns whether all passed. */
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
	CHECK(FC_OPEN, mj->openings >= 1 &&
	    (mj->expires_at == 0 || mj->expires_at > q->now));
	CHECK(FC_EMPLOYMENT, f->employment_mask == 0 ||
	    (f->employment_mask & 1u << mj->employment));
	CHECK(FC_EMPLOYER, f->employer_mask == 0 || (mj->emp->type >= 0 &&
	    (f->employer_mask & 1u << mj->emp->type)));
	CHECK(FC_SALARY, f->min_salary <= 0 ||
	    (mj->has_salary && mj->salary_max >= f->min_salary));
	CHECK(FC_DISTANCE, mj->remote || d <= pr->maxkm);
#undef CHECK
	return ok;
}

static bool
bit(const uint64_t *bits, size_t i)
{
	return (bits[i / 64] >> (i % 64)) & 1;
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

/* Scores a posting that passed every filter. */
static void
score(const struct matcher *m, const struct prepared *pr,
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
matcher_match(struct matcher *m, const struct match_query *q,
    struct match_result *out)
{
	struct prepared *pr = malloc(sizeof(*pr));
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	if (pr == NULL)
		return -1;
	if (m->caphits < m->njobs) {
		struct match_hit *nh = realloc(m->hits,
		    m->njobs * sizeof(*nh));
		if (nh == NULL) {
			free(pr);
			return -1;
		}
		m->hits = nh;
		m->caphits = m->njobs;
	}
	prepare(m, q, pr);
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
		score(m, pr, mj, d, boost, &m->hits[n]);
		memcpy(m->hits[n].fired, fired, sizeof(fired));
		n++;
	}
	free(pr);
	if (n > 1)
		qsort(m->hits, n, sizeof(*m->hits), hit_cmp);
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
	    (pr = malloc(sizeof(*pr))) == NULL)
		return;
	out->job = mj;
	prepare(m, q, pr);
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
			    SIDE_SEEKER, seeker_subject, &pr->view, d);
		} else if (!job) {
			out->verdict[i] = rs->rules[i].action == RULE_REQUIRE ?
			    RV_FIRED : RV_JOB;
			out->failed[i] = rules_failed_cond(m->rules, i,
			    SIDE_JOB, job_subject, mj, d);
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
		score(m, pr, mj, d, boost, &out->hit);
		memcpy(out->hit.fired, fired, sizeof(fired));
	}
	free(pr);
}
