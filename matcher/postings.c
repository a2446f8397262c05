/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * postings.c - the mirror of open postings (matcher.h): postings and employers in and
 * out, the rule set installed, and the figures of what it holds. The match
 * itself is match.c (through the index) and score.c (the filters, the
 * rules and the score of one posting; the brute-force scan; explain); the
 * files share internal.h.
 *
 * Postings sit in one array of pointers (order irrelevant, removal swaps
 * with the last), in a map from "employer:id" and in the index (index.c).
 * Skills are interned (terms.h): the canonical form of each skill (after
 * the rule set's synonyms) gets a small integer, so coverage is a
 * comparison of integers. The rule set's conditions on a posting are
 * evaluated when the posting enters the mirror (or the rules or its
 * employer change) and kept as bits, in the posting and in its entries;
 * so are the rule set's flags (the demands its title or description
 * make), in the posting.
 * Whatever a posting brought (its cell, its lists' room, its skills) goes
 * when it leaves.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "matcher/internal.h"

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
	m->excl_any0 = index_excl_any(rules);
	return m;
}

static void
mjob_free(struct mjob *mj)
{
	if (mj == NULL)
		return;
	free(mj->title);
	free(mj->description);
	free(mj->apply);
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
	free(e->contact);
	quota_roster_free(e->roster);
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

/* mj's posting-side rules, and, with flags, its flags: they read the
 * title and description alone, so an employer's change leaves them. */
static void
eval_job_rules(struct matcher *m, struct mjob *mj, bool flags)
{
	rules_eval_job(m->rules, subject_job, mj, mj->rule_bits);
	if (flags)
		mj->flag_bits = rules_flag_text(m->rules, mj->title,
		    mj->description);
	index_refresh(m, mj);
}

uint32_t
matcher_flags(struct matcher *m, const char *title, const char *description)
{
	uint32_t bits;

	rules_deadline(m->rules, rules_limits(m->rules)->time_us);
	bits = rules_flag_text(m->rules, title, description);
	rules_deadline(m->rules, 0);
	return bits;
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
		rules_eval_job(rules, subject_job, mj, bits);
		(void)rules_flag_text(rules, mj->title, mj->description);
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
	m->excl_any0 = index_excl_any(rules);
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
			eval_job_rules(m, mj, true);
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
			eval_job_rules(m, mj, true);
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
	e->establishment = -1;
	e->level = e->institution_kind = -1;
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
	char *name, *contact = NULL;

	if (me == NULL || (name = strdup(e->name)) == NULL)
		return -1;
	if (e->contact != NULL && (contact = strdup(e->contact)) == NULL) {
		free(name);
		return -1;
	}
	free(me->contact);
	me->contact = contact;
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
	me->establishment = e->establishment;
	me->level = e->level;
	me->institution_kind = e->institution_kind;
	memcpy(me->pool, e->pool, sizeof(me->pool));
	/* Rules may look at the employer's name and type. */
	for (size_t i = 0; changed && i < m->njobs; i++)
		if (m->jobs[i]->emp == me)
			eval_job_rules(m, m->jobs[i], false);
	return 0;
}

int
matcher_put_roster(struct matcher *m, const char *id,
    const struct quota_roster *ro)
{
	struct memployer *me = employer_slot(m, id);
	struct quota_roster *copy;

	if (me == NULL || (copy = quota_roster_dup(ro)) == NULL)
		return -1;
	quota_roster_free(me->roster);
	me->roster = copy;
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
	e->establishment = me->establishment;
	e->level = me->level;
	e->institution_kind = me->institution_kind;
	memcpy(e->pool, me->pool, sizeof(e->pool));
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
	    (mj->description = strdup(j->description)) == NULL) ||
	    (j->apply != NULL && (mj->apply = strdup(j->apply)) == NULL))
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
	mj->openings = (int32_t)j->openings;	/* at most OPENINGS_MAX */
	mj->expires_at = j->expires_at;
	if (j->apply_until > 0 && (j->expires_at == 0 ||
	    j->apply_until < j->expires_at)) {
		mj->expires_at = j->apply_until;
		mj->apply_limited = true;
	}
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
	eval_job_rules(m, mj, true);
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

/* Takes mj, already out of the map, out of the array (the last posting
 * takes its slot) and frees it. */
static void
remove_slot(struct matcher *m, struct mjob *mj)
{
	m->jobs[mj->slot] = m->jobs[--m->njobs];
	m->jobs[mj->slot]->slot = mj->slot;
	mjob_drop(m, mj);
}

/* The array far below its size: halve it until it is not (a failure
 * keeps it). */
static void
shrink_jobs(struct matcher *m)
{
	while (m->capjobs > 64 && m->njobs <= m->capjobs / 4) {
		struct mjob **nj = realloc(m->jobs,
		    m->capjobs / 2 * sizeof(*nj));
		if (nj == NULL)
			return;
		m->jobs = nj;
		m->capjobs /= 2;
	}
}

int
matcher_remove_job(struct matcher *m, const char *employer_id, const char *id)
{
	char key[2 * ID_MAX + 2];
	struct mjob *mj;

	make_key(key, employer_id, id);
	if ((mj = strmap_del(&m->bykey, key)) == NULL)
		return 0;
	remove_slot(m, mj);
	shrink_jobs(m);
	return 1;
}

size_t
matcher_drop_applied(struct matcher *m, int64_t now)
{
	size_t n = 0, i = 0;

	while (i < m->njobs) {
		struct mjob *mj = m->jobs[i];

		if (mj->apply_limited && mj->expires_at <= now) {
			/* the last posting takes its slot: look at i again */
			(void)strmap_del(&m->bykey, mj->key);
			remove_slot(m, mj);
			n++;
		} else
			i++;
	}
	shrink_jobs(m);
	return n;
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

uint64_t
employers_mark(struct matcher *m, const char *const *ids, size_t n)
{
	uint64_t mark = ++m->mark;

	for (size_t i = 0; i < n; i++) {
		struct memployer *me = strmap_get(&m->employers, ids[i]);
		if (me != NULL)
			me->mark = mark;
	}
	return mark;
}

void
matcher_count_jobs(struct matcher *m, const char *const *ids, size_t n,
    int64_t now, size_t *counts)
{
	uint64_t mark;

	if (n == 0)
		return;
	memset(counts, 0, n * sizeof(*counts));
	/* Each employer marked with its place in ids, found once. */
	mark = ++m->mark;
	for (size_t i = 0; i < n; i++) {
		struct memployer *me = strmap_get(&m->employers, ids[i]);
		if (me != NULL) {
			me->mark = mark;
			me->slot = i;
		}
	}
	for (size_t k = 0; k < m->njobs; k++) {
		const struct mjob *mj = m->jobs[k];
		if (mj->emp->mark == mark && job_matchable(mj, now))
			counts[mj->emp->slot]++;
	}
}

size_t
matcher_suggest_skills(const struct matcher *m, const char *text,
    struct term_count *out, size_t max)
{
	return terms_suggest(&m->terms, text, out, max);
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
