/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * matcher.c - the mirror of open postings, and the match itself.
 *
 * Postings sit in one array of pointers (order irrelevant, removal swaps
 * with the last) and in a map from "employer:id". Skills are interned
 * (terms.h): the canonical form of each skill (after the rule set's
 * synonyms) gets a small integer, so coverage is a comparison of integers.
 * The rule set's conditions on a posting are evaluated when the posting
 * enters the mirror (or the rules or its employer change) and kept as
 * bits; a match evaluates the seeker's conditions once, then scans the
 * postings with the cheap bitmask filters first, the distance next and the
 * rules last, scores the survivors into a buffer the matcher reuses, and
 * sorts them. Whatever a posting brought (its cell, its lists' room, its
 * skills) goes when it leaves.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "matcher/grid.h"
#include "matcher/matcher.h"
#include "matcher/strmap.h"
#include "matcher/terms.h"

#define SUBJECT_ITEMS	(2 * SKILLS_MAX)

struct matcher {
	const struct towns	*towns;
	struct rules		*rules;
	struct mjob		**jobs;
	size_t			 njobs, capjobs;
	struct strmap		 bykey;		/* "employer:id" -> mjob */
	struct strmap		 employers;	/* id -> memployer */
	struct terms		 terms;		/* the postings' skills */
	struct match_hit	*hits;		/* reused between matches */
	size_t			 caphits;
	struct grid		 grid;		/* the index (grid.h) */
	uint64_t		 excl_any0;	/* see ent_clean */
	uint64_t		*want;		/* a match's skill ids, as bits */
	size_t			 wantwords;
	const struct grid_cell	**cells;	/* a match's cells to visit */
	size_t			 capcells;
	struct prepared		*pr;		/* a match's, reused */
	const char		*scratch[SUBJECT_ITEMS];	/* subjects */
};

static uint64_t	excl_any(const struct rules *r);

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
	terms_init(&m->terms);
	grid_init(&m->grid);
	m->excl_any0 = excl_any(rules);
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
	terms_free(&m->terms);
	free(m->hits);
	grid_free(&m->grid);
	free(m->want);
	free(m->cells);
	free(m->pr);
	free(m);
}

struct rules *
matcher_rules(struct matcher *m)
{
	return m->rules;
}

/* Derives the canonical, distinct skill ids of mj, which holds none,
 * taking references on them (terms.h). */
static int
derive_skills(struct matcher *m, struct mjob *mj)
{
	return terms_take(&m->terms, m->rules, mj->skills, mj->nskills,
	    &mj->skill_ids, &mj->nskill_ids);
}

/* Drops mj's references on its skills (terms.h). */
static void
release_skills(struct matcher *m, struct mjob *mj)
{
	terms_drop(&m->terms, mj->skills, mj->nskills, mj->skill_ids,
	    mj->nskill_ids);
	mj->skill_ids = NULL;
	mj->nskill_ids = 0;
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
			    terms_text(&m->terms, mj->skill_ids[i]);
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

/* ---- the index ------------------------------------------------------- */

_Static_assert(GRID_LISTS == DIS_COUNT, "a list per disability type");
_Static_assert(sizeof(((struct mjob *)0)->cell_pos) /
    sizeof(uint32_t) == DIS_COUNT, "a position per disability type");

#define ENT_OPEN	0x01		/* openings >= 1 */
#define ENT_REMOTE	0x02
#define ENT_MANY	0xff		/* nskill: more ids than fit inline */
#define EARTH_R		GEO_EARTH_R_KM

/* The entry of mj, its hot part e and cold part x: what a match filters
 * on, without a pointer chase. */
static void
fill_ent(const struct mjob *mj, struct grid_ent *e, struct grid_cold *x)
{
	double u[3];
	bool inline_ok = mj->nskill_ids <= ENT_SKILLS;

	memset(e, 0, sizeof(*e));
	memset(x, 0, sizeof(*x));
	geo_unit(mj->lat, mj->lon, u);
	e->ux = (float)u[0];
	e->uy = (float)u[1];
	e->uz = (float)u[2];
	e->accom_mask = mj->accom_mask;
	e->grades_mask = mj->grades_mask;
	e->employment = mj->employment;
	e->flags = (uint8_t)((mj->openings >= 1 ? ENT_OPEN : 0) |
	    (mj->remote ? ENT_REMOTE : 0));
	/* Unix times fit 32 bits until 2106; a later one never expires
	 * before then either, a negative one is long past (but not 0). */
	e->expires_at = mj->expires_at > (int64_t)UINT32_MAX ? UINT32_MAX :
	    mj->expires_at < 0 ? 1 : (uint32_t)mj->expires_at;
	e->rule_bits0 = mj->rule_bits[0];
	for (uint16_t i = 0; i < mj->nskill_ids; i++)
		x->skillsig |= 1ULL << (mj->skill_ids[i] % 64);
	for (uint16_t i = 0; inline_ok && i < mj->nskill_ids; i++)
		if (mj->skill_ids[i] > UINT16_MAX)
			inline_ok = false;
	if (inline_ok) {
		for (uint16_t i = 0; i < mj->nskill_ids; i++)
			x->skill[i] = (uint16_t)mj->skill_ids[i];
		e->nskill = (uint8_t)mj->nskill_ids;
	} else
		e->nskill = ENT_MANY;
	x->mj = (struct mjob *)mj;
}

static void
ent_moved(struct grid_cold *x, int t, uint32_t pos)
{
	x->mj->cell_pos[t] = pos;
}

/*
 * An entry no seeker's filters but grade and needs can leave out: open,
 * never expiring, and with no bit of an exclude rule (those of rules past
 * 63 or with a distance condition make no entry clean: see excl_any0).
 */
static bool
ent_clean(const struct matcher *m, const struct grid_ent *e)
{
	return (e->flags & ENT_OPEN) && e->expires_at == 0 &&
	    (e->rule_bits0 & m->excl_any0) == 0;
}

/* The rules an entry must not carry to be clean. */
static uint64_t
excl_any(const struct rules *r)
{
	const struct rules_spec *rs = rules_spec_of(r);
	uint64_t mask = 0;

	for (size_t i = 0; i < rs->nrules; i++) {
		if (rs->rules[i].action != RULE_EXCLUDE)
			continue;
		if (i >= 64 || rules_has_side(r, i, SIDE_PAIR))
			return UINT64_MAX;	/* then nothing is clean */
		mask |= 1ULL << i;
	}
	return mask;
}

static void
index_remove_lists(struct matcher *m, struct mjob *mj, int upto)
{
	for (int t = 0; t < upto; t++)
		if (mj->dis_mask & 1u << t)
			grid_remove(&m->grid, mj->cell, t, mj->cell_pos[t],
			    ent_moved);
}

/* Puts mj's entry in its cell's list of every type it is open to (a
 * posting open to none holds no cell, so that every cell holds entries). */
static int
index_add(struct matcher *m, struct mjob *mj)
{
	struct grid_cell *c;
	struct grid_ent e;
	struct grid_cold x;

	mj->cell = NULL;
	if ((mj->dis_mask & DIS_ALL_MASK) == 0)
		return 0;
	fill_ent(mj, &e, &x);
	c = mj->remote ? &m->grid.remote : grid_cell(&m->grid,
	    grid_row(mj->lat), grid_col(mj->lon), true);
	if (c == NULL)
		return -1;
	mj->cell = c;
	for (int t = 0; t < DIS_COUNT; t++) {
		int64_t pos;
		if (!(mj->dis_mask & 1u << t))
			continue;
		if ((pos = grid_push(&m->grid, c, t, &e, &x, ent_clean(m, &e),
		    ent_moved)) < 0) {
			index_remove_lists(m, mj, t);
			grid_release(&m->grid, c);
			mj->cell = NULL;
			return -1;
		}
		mj->cell_pos[t] = (uint32_t)pos;
	}
	return 0;
}

/* Takes mj's entries out, and its cell when that is left empty. */
static void
index_remove(struct matcher *m, struct mjob *mj)
{
	if (mj->cell == NULL)
		return;
	index_remove_lists(m, mj, DIS_COUNT);
	grid_release(&m->grid, mj->cell);
	mj->cell = NULL;
}

/* mj's skills or rule bits changed: its entries follow, in place (they
 * may turn clean or dirty; nothing is allocated). */
static void
index_refresh(struct matcher *m, struct mjob *mj)
{
	struct grid_ent e;
	struct grid_cold x;

	if (mj->cell == NULL)
		return;
	fill_ent(mj, &e, &x);
	for (int t = 0; t < DIS_COUNT; t++)
		if (mj->dis_mask & 1u << t)
			mj->cell_pos[t] = grid_set(mj->cell, t,
			    mj->cell_pos[t], &e, &x, ent_clean(m, &e),
			    ent_moved);
}

static void
eval_job_rules(struct matcher *m, struct mjob *mj)
{
	rules_eval_job(m->rules, job_subject, mj, mj->rule_bits);
	index_refresh(m, mj);
}

int
matcher_try_rules(struct matcher *m, struct rules *rules)
{
	char buf[CANON_MAX];
	uint64_t bits[RULE_WORDS];
	struct strmap seen;		/* skills tried: as derive_skills, once */
	bool late;

	strmap_init(&seen);
	rules_deadline(rules, 1000ULL * rules_limits(rules)->install_ms);
	for (size_t i = 0; i < m->njobs && !rules_deadline_passed(rules);
	    i++) {
		const struct mjob *mj = m->jobs[i];
		for (size_t k = 0; k < mj->nskills; k++) {
			if (strmap_get(&seen, mj->skills[k]) != NULL)
				continue;
			(void)rules_canon_skill(rules, mj->skills[k], buf,
			    sizeof(buf));
			(void)strmap_put(&seen, mj->skills[k], &seen);
		}
		rules_eval_job(rules, job_subject, mj, bits);
	}
	late = rules_deadline_passed(rules);
	rules_deadline(rules, 0);
	strmap_free(&seen);
	return late ? -1 : 0;
}

int
matcher_set_rules(struct matcher *m, struct rules *rules)
{
	struct rules *old = m->rules;
	uint64_t old_excl = m->excl_any0;
	struct terms saved = m->terms;
	struct held {			/* a posting's ids under old */
		uint32_t	*ids;
		uint16_t	 n;
	} *held;
	size_t done = 0;		/* postings given new ids */
	int rc = 0;

	if ((held = calloc(m->njobs + 1, sizeof(*held))) == NULL)
		return -1;
	m->rules = rules;
	m->excl_any0 = excl_any(rules);
	terms_init(&m->terms);
	rules_deadline(rules, 1000ULL * rules_limits(rules)->install_ms);
	for (size_t i = 0; i < m->njobs && rc == 0; i++) {
		struct mjob *mj = m->jobs[i];

		if (rules_deadline_passed(rules)) {
			rc = -2;
			break;
		}
		held[i].ids = mj->skill_ids;
		held[i].n = mj->nskill_ids;
		done = i + 1;
		if (derive_skills(m, mj) == -1)
			rc = -1;
		else
			eval_job_rules(m, mj);
	}
	if (rc == 0 && rules_deadline_passed(rules))
		rc = -2;
	rules_deadline(rules, 0);
	if (rc != 0) {
		/* Out of memory or of time: back to the old rules, whole;
		 * the postings touched get their old ids back. */
		terms_free(&m->terms);
		m->terms = saved;
		m->rules = old;
		m->excl_any0 = old_excl;
		for (size_t k = 0; k < done; k++) {
			struct mjob *mj = m->jobs[k];
			free(mj->skill_ids);
			mj->skill_ids = held[k].ids;
			mj->nskill_ids = held[k].n;
			eval_job_rules(m, mj);
		}
		free(held);
		return rc;
	}
	/* The old terms go whole, with the references the ids held. */
	terms_free(&saved);
	for (size_t k = 0; k < m->njobs; k++)
		free(held[k].ids);
	free(held);
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
	/* Every id reaching the mirror was checked to hold at most ID_MAX
	 * bytes; calloc ended it. */
	memcpy(e->id, id, strnlen(id, ID_MAX));
	e->type = -1;
	e->town = -1;
	e->headcount = e->disabled_employees = -1;
	e->severe_disabled_employees = e->avg_annual_salary = -1;
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
	me->town = e->town;
	me->headcount = e->headcount;
	me->disabled_employees = e->disabled_employees;
	me->severe_disabled_employees = e->severe_disabled_employees;
	me->avg_annual_salary = e->avg_annual_salary;
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

void
matcher_employer_record(const struct memployer *me, struct employer *e)
{
	employer_init(e);
	memcpy(e->id, me->id, sizeof(e->id));
	e->name = me->name;
	e->type = me->type;
	e->town = me->town;
	e->headcount = me->headcount;
	e->disabled_employees = me->disabled_employees;
	e->severe_disabled_employees = me->severe_disabled_employees;
	e->avg_annual_salary = me->avg_annual_salary;
}

struct each_employer {
	void	(*fn)(const struct memployer *, void *);
	void	 *arg;
};

static void
each_named(const char *key, void *val, void *arg)
{
	const struct memployer *me = val;
	struct each_employer *ee = arg;

	(void)key;
	if (me->name != NULL)
		ee->fn(me, ee->arg);
}

void
matcher_each_employer(const struct matcher *m,
    void (*fn)(const struct memployer *, void *), void *arg)
{
	struct each_employer ee = { fn, arg };

	strmap_each(&m->employers, each_named, &ee);
}

void
matcher_each_job(const struct matcher *m,
    void (*fn)(const struct mjob *, void *), void *arg)
{
	for (size_t i = 0; i < m->njobs; i++)
		fn(m->jobs[i], arg);
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
		mj->town = towns_pick(m->towns, j->town, j->lat, j->lon);
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

/* Frees a posting of the mirror, with its entries and its references on
 * skills (whether or not it is still in the jobs array and the map). */
static void
mjob_drop(struct matcher *m, struct mjob *mj)
{
	index_remove(m, mj);
	release_skills(m, mj);
	mjob_free(mj);
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
	if (index_add(m, mj) == -1)
		goto fail;
	make_key(key, j->employer_id, j->id);
	if ((old = strmap_get(&m->bykey, key)) != NULL) {
		mj->slot = old->slot;
		m->jobs[mj->slot] = mj;
		(void)strmap_put(&m->bykey, key, mj);	/* key exists */
		mjob_drop(m, old);
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
	mjob_drop(m, mj);
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
	mjob_drop(m, mj);
	/* Far below its size: half the array (a failure keeps it). */
	if (m->capjobs > 64 && m->njobs <= m->capjobs / 4) {
		struct mjob **nj = realloc(m->jobs,
		    m->capjobs / 2 * sizeof(*nj));
		if (nj != NULL) {
			m->jobs = nj;
			m->capjobs /= 2;
		}
	}
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

void
matcher_stats(const struct matcher *m, struct matcher_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->postings = m->njobs;
	st->posting_room = m->capjobs;
	st->key_slots = m->bykey.cap;
	st->cells = m->grid.ncells;
	st->cell_slots = m->grid.cap;
	st->entries = m->grid.nents;
	st->entry_room = m->grid.room;
	st->terms = m->terms.n;
	st->term_ids = m->terms.nids;
	st->raw_skills = m->terms.raw.n;
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
	rules_eval_seeker(m->rules, seeker_subject, &pr->view, pr->seeker_bits,
	    &budget);
	rules_deadline(m->rules, 0);
	pr->maxkm = p->max_distance_km > 0 ? p->max_distance_km :
	    rules_spec_of(m->rules)->max_km;
}

/* The matcher's struct prepared (tens of kilobytes: the seeker's canonical
 * skills), allocated at its first match and reused by every one after. */
static struct prepared *
prepared_of(struct matcher *m)
{
	if (m->pr == NULL)
		m->pr = malloc(sizeof(*m->pr));
	return m->pr;
}

/* Runs the hard filters that need no rule; fills pass[] up to the first
 * failure and returns whether all passed. */
/* The request's own filters (employment type, employer type, salary), as
 * the scan and the index both apply them. */
static inline bool
employment_ok(const struct filters *f, const struct mjob *mj)
{
	return f->employment_mask == 0 ||
	    (f->employment_mask & 1u << mj->employment);
}

static inline bool
employer_ok(const struct filters *f, const struct mjob *mj)
{
	return f->employer_mask == 0 || (mj->emp->type >= 0 &&
	    (f->employer_mask & 1u << mj->emp->type));
}

static inline bool
salary_ok(const struct filters *f, const struct mjob *mj)
{
	return !f->has_min_salary ||
	    (mj->has_salary && mj->salary_max >= f->min_salary);
}

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
	CHECK(FC_EMPLOYMENT, employment_ok(f, mj));
	CHECK(FC_EMPLOYER, employer_ok(f, mj));
	CHECK(FC_SALARY, salary_ok(f, mj));
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

/* ---- the indexed match ------------------------------------------------ */

/*
 * What one indexed match knows besides struct prepared: the query's place
 * as a unit vector, its distance bounds as chord lengths, the rules that
 * can matter for this seeker, the seeker's skills as bits, and the top-K
 * heap (worst at its root).
 */
struct scan {
	struct matcher		*m;
	const struct match_query *q;
	const struct prepared	*pr;
	double			 qx, qy, qz;		/* the seeker's place */
	double			 maxkm;
	double			 in2, out2;		/* chord^2 bounds */
	double			 inside2;	/* in2 50 m short of the radius */
	uint32_t		 gbit, needs;
	int			 dtype;		/* the seeker's disability */
	/* skilltab[n][have]: the skills part of a posting with n inline
	 * ids, have of them the seeker's (n = 0: coverage 1) */
	double			 skilltab[ENT_SKILLS + 1][ENT_SKILLS + 1];
	/* hcap[n]: the best of row n, all the seeker's skills among the n */
	double			 hcap[ENT_SKILLS + 1];
	uint64_t		 wantsig;	/* as grid_ent.skillsig */
	const uint64_t		*want;		/* m->want, m->wantwords */
	size_t			 wantwords;
	const struct rules_spec	*rs;
	const struct grid_cell	**cells;	/* to visit, in order */
	size_t			 ncells, capcells;
	double			 maxboost;	/* the listed boosts > 0, rounded */
	double			 dbest;		/* the best distance part */
	double			 dcell;		/* the same within this cell */
	size_t			 filt[RULES_MAX], nfilt;	/* excl./req. */
	size_t			 boost[RULES_MAX], nboost;
	bool			 any_pair;	/* a listed rule tests distance */
	bool			 wide;		/* a listed rule is past 63 */
	/* Without either: the listed rules as masks of rules 0-63. */
	bool			 simple;
	uint64_t		 excl0, req0, boost0;
	bool			 plain;		/* no employment, employer or
						   salary filter */
	bool			 aggregate;	/* clean entries need no reading */
	int			 grade;
	struct match_hit	*top;
	size_t			 k, ntop;
	size_t			 candidates;
};

/* Whether a is worse than b (the heap's order: worst at the root). */
static bool
worse(const struct match_hit *a, const struct match_hit *b)
{
	return matcher_hit_cmp(a, b) > 0;
}

static void
heap_push(struct scan *s, const struct match_hit *h)
{
	struct match_hit *t = s->top;
	size_t i;

	if (s->ntop < s->k) {
		i = s->ntop++;
		while (i > 0 && worse(h, &t[(i - 1) / 2])) {
			t[i] = t[(i - 1) / 2];
			i = (i - 1) / 2;
		}
		t[i] = *h;
		return;
	}
	if (!worse(&t[0], h))
		return;			/* no better than the worst kept */
	i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= s->ntop)
			break;
		if (c + 1 < s->ntop && worse(&t[c + 1], &t[c]))
			c++;
		if (!worse(&t[c], h))
			break;
		t[i] = t[c];
		i = c;
	}
	t[i] = *h;
}

static inline bool
want_has(const struct scan *s, uint32_t id)
{
	return id / 64 < s->wantwords && (s->want[id / 64] >> (id % 64)) & 1;
}

/* The skills part of a score (weighted and rounded as score() does), from
 * the entry's inline ids through a table, else from the posting. */
static double
skills_part(const struct scan *s, const struct grid_ent *e,
    const struct grid_cold *x)
{
	const struct mjob *mj = x->mj;
	size_t have = 0, n;

	if (e->nskill != ENT_MANY) {
		if ((x->skillsig & s->wantsig) != 0)
			for (size_t i = 0; i < e->nskill; i++)
				have += want_has(s, x->skill[i]);
		return s->skilltab[e->nskill][have];
	}
	if ((n = mj->nskill_ids) == 0)
		return s->skilltab[0][0];
	for (size_t i = 0; i < n; i++)
		have += want_has(s, mj->skill_ids[i]);
	return round6(s->rs->w_skills *
	    ((double)have / (double)n));
}

static bool
rule_bit(const struct grid_ent *e, const struct grid_cold *x, size_t i)
{
	return i < 64 ? (e->rule_bits0 >> i) & 1 : bit(x->mj->rule_bits, i);
}

/* The filters an entry answers alone: grade, needs, open, expiry. */
static inline bool
ent_fits(const struct scan *s, const struct grid_ent *e)
{
	return (e->grades_mask == 0 || (e->grades_mask & s->gbit)) &&
	    (s->needs & e->accom_mask) == s->needs &&
	    (e->flags & ENT_OPEN) &&
	    (e->expires_at == 0 || (int64_t)e->expires_at > s->q->now);
}

/* The squared chord from the seeker to the entry's place. */
static inline double
ent_chord2(const struct scan *s, const struct grid_ent *e)
{
	double dx = e->ux - s->qx, dy = e->uy - s->qy, dz = e->uz - s->qz;

	return dx * dx + dy * dy + dz * dz;
}

/* For an entry within the outer chord bound: near the edge (past the inner
 * one) the exact distance, as the scan computes it, decides; *d is then
 * that distance, else left as it was. Only then is the cold part x read. */
static inline bool
beyond_edge(const struct scan *s, const struct grid_cold *x, double chord2,
    double *d)
{
	const struct profile *p = s->pr->view.p;
	const struct mjob *mj;

	if (chord2 < s->in2)
		return false;
	mj = x->mj;
	*d = geo_distance_km(p->lat, p->lon, mj->lat, mj->lon);
	return *d > s->maxkm;
}

/* The best skills part entry e could have before its ids are read: all
 * the seeker's skills among its own (a posting with more ids than fit
 * inline: every skill). */
static inline double
skills_cap(const struct scan *s, const struct grid_ent *e)
{
	return e->nskill == ENT_MANY ? s->skilltab[0][0] : s->hcap[e->nskill];
}

/*
 * A candidate, with its boosts summed and the rules they fired: scored
 * unless a bound shows it cannot reach the top. The bounds, cheapest
 * first, with the distance part at the cell's best (s->dcell): every
 * skill it could share with the seeker, then the ones it does share; then
 * the distance part at the chord's distance, which bounds the arc from
 * below to within a metre of float rounding. d is the exact distance when
 * known, else negative; so is chord2 when not computed.
 */
static void
rank(struct scan *s, const struct grid_ent *e, const struct grid_cold *x,
    double chord2, double d, double boost, const uint64_t fired[RULE_WORDS])
{
	const struct mjob *mj = x->mj;
	const struct profile *p = s->pr->view.p;
	struct match_hit h;
	double rb, base, dlow, root;

	if (s->ntop == s->k) {
		root = s->top[0].score;
		rb = boost != 0 ? round6(boost) : 0;
		if (skills_cap(s, e) + rb + s->dcell + 1e-9 < root)
			return;
		base = skills_part(s, e, x) + rb;
		if (base + s->dcell + 1e-9 < root)
			return;
		if (!(e->flags & ENT_REMOTE)) {
			if (d >= 0)
				dlow = d;
			else {
				if (chord2 < 0)
					chord2 = ent_chord2(s, e);
				dlow = sqrt(chord2) * EARTH_R - 0.001;
				if (dlow < 0)
					dlow = 0;
			}
			if (base + round6(s->rs->w_distance *
			    rules_distance_score(s->m->rules, dlow)) + 1e-9 <
			    root)
				return;
		}
	}
	if (d < 0)
		d = geo_distance_km(p->lat, p->lon, mj->lat, mj->lon);
	score(s->m, s->pr, mj, d, boost, &h);
	memcpy(h.fired, fired, sizeof(h.fired));
	heap_push(s, &h);
}

/* A candidate of a simple match (rules as masks): its boosts from the
 * mask, then rank, after rank's first bound inline (it turns most entries
 * away, and the call costs more than it). */
static inline void
rank_masked(struct scan *s, const struct grid_ent *e,
    const struct grid_cold *x, double chord2, double d)
{
	uint64_t fired[RULE_WORDS] = { 0 };
	double boost = 0;

	fired[0] = e->rule_bits0 & s->boost0;
	for (uint64_t f0 = fired[0]; f0 != 0; f0 &= f0 - 1)
		boost += s->rs->rules[__builtin_ctzll(f0)].boost;
	if (s->ntop == s->k && skills_cap(s, e) + (boost != 0 ?
	    round6(boost) : 0) + s->dcell + 1e-9 < s->top[0].score)
		return;
	rank(s, e, x, chord2, d, boost, fired);
}

/*
 * An entry that passed the cheap filters (consider_list) of a match that
 * is not simple and plain: the request's filters, the exact distance near
 * the radius, the rules that can exclude, then rank. Mirrors hard_filters,
 * apply_rules and score, which the scan runs.
 */
static void
consider(struct scan *s, const struct grid_ent *e, const struct grid_cold *x,
    double chord2, bool count_only)
{
	const struct filters *f = s->q->filters;
	const struct rules *r = s->m->rules;
	const struct rules_spec *rs = s->rs;
	const struct profile *p = s->pr->view.p;
	const struct mjob *mj = x->mj;
	double d = -1, boost = 0;
	uint64_t fired[RULE_WORDS];

	if (!s->plain && (!employment_ok(f, mj) || !employer_ok(f, mj) ||
	    !salary_ok(f, mj)))
		return;
	if (!(e->flags & ENT_REMOTE) && beyond_edge(s, x, chord2, &d))
		return;
	if (s->simple) {
		uint64_t b = e->rule_bits0;
		if ((b & s->excl0) != 0 || (b & s->req0) != s->req0)
			return;
		s->candidates++;
		if (!count_only)
			rank_masked(s, e, x, chord2, d);
		return;
	}
	memset(fired, 0, sizeof(fired));
	if (s->any_pair && d < 0)
		d = geo_distance_km(p->lat, p->lon, mj->lat, mj->lon);
	for (size_t k = 0; k < s->nfilt; k++) {
		size_t i = s->filt[k];
		bool job = rule_bit(e, x, i) && rules_eval_pair(r, i, d);
		if (rs->rules[i].action == RULE_EXCLUDE ? job : !job)
			return;
	}
	s->candidates++;
	if (count_only)
		return;
	for (size_t k = 0; k < s->nboost; k++) {
		size_t i = s->boost[k];
		if (rule_bit(e, x, i) && rules_eval_pair(r, i, d)) {
			boost += rs->rules[i].boost;
			fired[i / 64] |= 1ULL << (i % 64);
		}
	}
	rank(s, e, x, chord2, d, boost, fired);
}

/*
 * Whether entry i of list l is a candidate of a simple and plain match
 * (the filters an entry answers alone, the chord, the rules' masks, the
 * exact distance near the radius); *chord2 and *d (-1 unless computed)
 * for ranking it.
 */
static inline bool
masked_candidate(const struct scan *s, const struct grid_list *l,
    uint32_t i, double *chord2, double *d)
{
	const struct grid_ent *e = &l->v[i];

	*d = -1;
	return ent_fits(s, e) && (*chord2 = ent_chord2(s, e)) <= s->out2 &&
	    (e->rule_bits0 & s->excl0) == 0 &&
	    (e->rule_bits0 & s->req0) == s->req0 &&
	    !beyond_edge(s, &l->c[i], *chord2, d);
}

/*
 * A list none of whose postings can reach the top, with no request filter
 * and no rule that needs more than masks: only count its candidates, in
 * one tight loop (consider_list's checks, then the exact distance near the
 * radius, then the rules' masks).
 */
static void
count_list(struct scan *s, const struct grid_list *l, uint32_t from)
{
	size_t n = 0;

	for (uint32_t i = from; i < l->n; i++) {
		double chord2, d;

		/* 256 bytes ahead, as when an entry was 64 bytes */
		__builtin_prefetch(&l->v[i] + 8);
		n += masked_candidate(s, l, i, &chord2, &d);
	}
	s->candidates += n;
}

/* Whether every point of cell c is within the radius, by 50 m at least
 * (so that no exact distance could disagree): its farthest corner, by the
 * chord to it (s->inside2: see matcher_match). */
static bool
cell_inside(const struct scan *s, const struct grid_cell *c)
{
	for (int k = 0; k < 4; k++) {
		double dx = c->corner[k][0] - s->qx, dy = c->corner[k][1] - s->qy;
		double dz = c->corner[k][2] - s->qz;
		if (dx * dx + dy * dy + dz * dz > s->inside2)
			return false;
	}
	return true;
}

/*
 * The best distance part any posting of cell c could have: the one at the
 * cell's nearest point. The nearest point of a small latitude-longitude
 * box is taken where the seeker's coordinates clamp into it, less 50 m for
 * the curvature.
 */
static double
cell_dbest(const struct scan *s, const struct grid_cell *c)
{
	const struct profile *p = s->pr->view.p;
	double lat = fmin(fmax(p->lat, c->cy * GRID_DEG), (c->cy + 1) *
	    GRID_DEG), lon = fmin(fmax(p->lon, c->cx * GRID_DEG), (c->cx + 1) *
	    GRID_DEG);
	double d = geo_distance_km(p->lat, p->lon, lat, lon) - 0.05;

	return round6(s->rs->w_distance *
	    rules_distance_score(s->m->rules, d > 0 ? d : 0));
}

/*
 * The entries [from, n) of list l of a simple and plain match (no request
 * filter, rules as masks), in one loop: consider_list's checks, the
 * masks, the exact distance near the radius; each candidate is counted
 * and ranked.
 */
static void
rank_list(struct scan *s, const struct grid_list *l, uint32_t from)
{
	for (uint32_t i = from; i < l->n; i++) {
		double chord2, d;

		__builtin_prefetch(&l->v[i] + 8);
		if (!masked_candidate(s, l, i, &chord2, &d))
			continue;
		s->candidates++;
		rank_masked(s, &l->v[i], &l->c[i], chord2, d);
	}
}

/* The clean entries of a list wholly inside the radius, already counted
 * (an aggregate match): those open to the seeker's grade are ranked. */
static void
rank_clean(struct scan *s, const struct grid_list *l)
{
	for (uint32_t i = 0; i < l->nclean; i++) {
		const struct grid_ent *e = &l->v[i];

		__builtin_prefetch(e + 8);
		if (e->grades_mask == 0 || (e->grades_mask & s->gbit))
			rank_masked(s, e, &l->c[i], -1, -1);
	}
}

/*
 * The seeker's type's list of cell c. A cell whose best possible score
 * (every skill, every boost that can fire, the distance part at its
 * nearest point) cannot reach the top only counts its candidates. In a
 * simple and plain match, the clean entries of a cell wholly inside the
 * radius are counted from the list's counters (an aggregate match); the
 * rest go through tight loops. Otherwise, the filters an entry answers
 * alone and the chord against the radius, then consider.
 */
static void
consider_list(struct scan *s, const struct grid_cell *c, bool remote)
{
	const struct grid_list *l = &c->l[s->dtype];
	bool count_only = false;

	if (l->n == 0)
		return;
	s->dcell = remote ? s->dbest : cell_dbest(s, c);
	if (!remote && s->ntop == s->k)
		count_only = s->skilltab[0][0] + s->dcell + s->maxboost +
		    1e-9 < s->top[0].score;
	if (s->simple && s->plain && !remote) {
		uint32_t from = 0;
		if (s->aggregate && cell_inside(s, c)) {
			/* the clean entries are candidates if their grade
			 * fits; only the others are read to count */
			s->candidates += l->ngrade[s->grade];
			if (!count_only)
				rank_clean(s, l);
			from = l->nclean;
		}
		if (count_only)
			count_list(s, l, from);
		else
			rank_list(s, l, from);
		return;
	}

	for (uint32_t i = 0; i < l->n; i++) {
		const struct grid_ent *e = &l->v[i];
		double chord2;

		__builtin_prefetch(e + 8);
		if (!ent_fits(s, e) ||
		    ((chord2 = ent_chord2(s, e)) > s->out2 && !remote))
			continue;
		consider(s, e, &l->c[i], chord2, count_only);
	}
}

static void
consider_cell(const struct grid_cell *c, void *arg)
{
	consider_list(arg, c, false);
}

/* Appends c to the cells to visit (NULL: none there). */
static void
visit(struct scan *s, const struct grid_cell *c)
{
	if (c != NULL && c->l[s->dtype].n > 0 && s->ncells < s->capcells)
		s->cells[s->ncells++] = c;
}

static void
collect_all(const struct grid_cell *c, void *arg)
{
	visit(arg, c);
}

/*
 * The cells that can hold postings within maxkm of (lat, lon), in rings
 * around the seeker's cell, nearest first: good scores early make the
 * bounds prune more of the rest. Every cell when the box is larger than
 * the index or awkward (poles, the antimeridian).
 */
static void
collect_cells(struct scan *s, double lat, double lon)
{
	struct grid *g = &s->m->grid;
	const double rad = M_PI / 180.0;
	double dlat = s->maxkm / (EARTH_R * rad) * 1.01 + GRID_DEG;
	double lat_far = fabs(lat) + dlat, dlon;
	int32_t y0, y1, x0, x1, cy, cx, rmax;

	if (lat_far >= 89.0)
		goto all;
	dlon = dlat / cos(lat_far * rad);
	if (lon - dlon < -180.0 || lon + dlon > 180.0)
		goto all;
	y0 = grid_row(lat - dlat);
	y1 = grid_row(lat + dlat);
	x0 = grid_col(lon - dlon);
	x1 = grid_col(lon + dlon);
	if ((double)(y1 - y0 + 1) * (double)(x1 - x0 + 1) >
	    (double)g->ncells)
		goto all;
	cy = grid_row(lat);
	cx = grid_col(lon);
	rmax = cy - y0;
	if (y1 - cy > rmax)
		rmax = y1 - cy;
	if (cx - x0 > rmax)
		rmax = cx - x0;
	if (x1 - cx > rmax)
		rmax = x1 - cx;
	for (int32_t r = 0; r <= rmax; r++)
		for (int32_t y = cy - r; y <= cy + r; y++) {
			/* the ring's top and bottom rows whole, else its two
			 * ends */
			int32_t step = (y == cy - r || y == cy + r) ? 1 :
			    (r > 0 ? 2 * r : 1);
			if (y < y0 || y > y1)
				continue;
			for (int32_t x = cx - r; x <= cx + r; x += step)
				if (x >= x0 && x <= x1)
					visit(s, grid_cell(g, y, x, false));
		}
	return;
all:
	grid_each(g, collect_all, s);
}

/* Visits the collected cells, the lists of the next ones on their way
 * into the cache meanwhile. */
static void
scan_cells(struct scan *s)
{
	for (size_t i = 0; i < s->ncells; i++) {
		if (i + 4 < s->ncells)
			__builtin_prefetch(&s->cells[i + 4]->l[s->dtype]);
		if (i + 2 < s->ncells) {
			const struct grid_list *l = &s->cells[i + 2]->l[s->dtype];
			__builtin_prefetch(l->v);
			__builtin_prefetch((const char *)l->v + 64);
		}
		consider_cell(s->cells[i], s);
	}
}

int
matcher_match(struct matcher *m, const struct match_query *q,
    struct match_result *out)
{
	const struct rules_spec *rs = rules_spec_of(m->rules);
	const struct profile *p = q->profile;
	struct prepared *pr;
	struct scan s;
	size_t words = ((size_t)m->terms.nids + 63) / 64;
	double a, u[3];

	memset(out, 0, sizeof(*out));
	memset(&s, 0, sizeof(s));
	s.k = q->offset + q->limit;
	if (s.k == 0)
		s.k = 1;
	if (m->caphits < s.k) {
		struct match_hit *nh = realloc(m->hits, s.k * sizeof(*nh));
		if (nh == NULL)
			return -1;
		m->hits = nh;
		m->caphits = s.k;
	}
	if (m->wantwords < words) {
		uint64_t *nw = realloc(m->want, words * sizeof(*nw));
		if (nw == NULL)
			return -1;
		memset(nw + m->wantwords, 0,
		    (words - m->wantwords) * sizeof(*nw));
		m->want = nw;
		m->wantwords = words;
	}
	if ((pr = prepared_of(m)) == NULL)
		return -1;
	prepare(m, q, pr);
	for (size_t i = 0; i < pr->nwant; i++) {
		m->want[pr->want[i] / 64] |= 1ULL << (pr->want[i] % 64);
		s.wantsig |= 1ULL << (pr->want[i] % 64);
	}

	s.m = m;
	s.q = q;
	s.pr = pr;
	s.rs = rs;
	s.want = m->want;
	s.wantwords = m->wantwords;
	s.top = m->hits;
	s.maxkm = pr->maxkm;
	geo_unit(p->lat, p->lon, u);
	s.qx = u[0];
	s.qy = u[1];
	s.qz = u[2];
	/*
	 * Inside for sure when even the longest arc a chord can stand for is
	 * within maxkm, outside for sure when the chord alone is beyond it;
	 * between the two (and a metre either way for float rounding) the
	 * exact distance decides, as in the scan.
	 */
	a = s.maxkm / EARTH_R;			/* the largest angle */
	s.out2 = (a + 0.002 / EARTH_R) * (a + 0.002 / EARTH_R);
	{
		double c_in = (a - 0.002 / EARTH_R) * (1.0 - a * a / 24.0);
		s.in2 = c_in > 0 ? c_in * c_in : 0;
		/* a cell's corners within it are within maxkm - 50 m */
		a = (s.maxkm - 0.05) / EARTH_R;
		c_in = (a - 0.002 / EARTH_R) * (1.0 - a * a / 24.0);
		s.inside2 = a > 0 && c_in > 0 ? c_in * c_in : -1;
	}
	s.dtype = p->disability;
	s.gbit = 1u << p->grade;
	s.dbest = round6(rs->w_distance * 1.0);
	s.skilltab[0][0] = round6(rs->w_skills * 1.0);
	for (size_t n = 1; n <= ENT_SKILLS; n++)
		for (size_t h = 0; h <= n; h++)
			s.skilltab[n][h] = round6(rs->w_skills *
			    ((double)h / (double)n));
	/* the ids are distinct on both sides, so at most min(n, nwant) of a
	 * posting's n are the seeker's */
	for (size_t n = 0; n <= ENT_SKILLS; n++)
		s.hcap[n] = s.skilltab[n][n < pr->nwant ? n : pr->nwant];
	s.hcap[0] = s.skilltab[0][0];
	s.needs = p->needs_mask;
	for (size_t i = 0; i < rs->nrules; i++) {
		if (!bit(pr->seeker_bits, i))
			continue;
		if (rs->rules[i].action == RULE_BOOST)
			s.boost[s.nboost++] = i;
		else
			s.filt[s.nfilt++] = i;
		s.any_pair |= rules_has_side(m->rules, i, SIDE_PAIR);
		if (i >= 64)
			s.wide = true;
		else if (rs->rules[i].action == RULE_EXCLUDE)
			s.excl0 |= 1ULL << i;
		else if (rs->rules[i].action == RULE_REQUIRE)
			s.req0 |= 1ULL << i;
		else
			s.boost0 |= 1ULL << i;
	}
	s.simple = !s.any_pair && !s.wide;
	s.plain = q->filters->employment_mask == 0 &&
	    q->filters->employer_mask == 0 && !q->filters->has_min_salary;
	s.aggregate = s.simple && s.plain && s.needs == 0 && s.req0 == 0 &&
	    (s.excl0 & ~m->excl_any0) == 0 && p->grade >= 1 && p->grade <= 4;
	s.grade = p->grade;
	for (size_t k = 0; k < s.nboost; k++)
		if (rs->rules[s.boost[k]].boost > 0)
			s.maxboost += rs->rules[s.boost[k]].boost;
	/* round6 of a sum is at most the sum rounded up */
	s.maxboost = round6(s.maxboost) + 1e-6;

	/* Room for every cell, given back when far more than that. */
	if (m->capcells < m->grid.ncells ||
	    (m->capcells > 1024 && m->capcells / 8 > m->grid.ncells)) {
		size_t ncap = m->grid.ncells > 0 ? m->grid.ncells : 1;
		const struct grid_cell **nc = realloc(m->cells,
		    ncap * sizeof(*nc));
		if (nc == NULL) {
			if (m->capcells < m->grid.ncells)
				return -1;
		} else {
			m->cells = nc;
			m->capcells = ncap;
		}
	}
	s.cells = m->cells;
	s.capcells = m->capcells;
	collect_cells(&s, p->lat, p->lon);
	scan_cells(&s);
	consider_list(&s, &m->grid.remote, true);

	for (size_t i = 0; i < pr->nwant; i++)
		m->want[pr->want[i] / 64] = 0;
	if (s.ntop > 1)
		qsort(s.top, s.ntop, sizeof(*s.top), matcher_hit_cmp);
	out->candidates = s.candidates;
	if (q->offset < s.ntop) {
		out->hits = s.top + q->offset;
		out->n = s.ntop - q->offset < q->limit ? s.ntop - q->offset :
		    q->limit;
	}
	return 0;
}

int
matcher_match_scan(struct matcher *m, const struct match_query *q,
    struct match_result *out)
{
	struct prepared *pr = prepared_of(m);
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
	    (pr = prepared_of(m)) == NULL)
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
}
