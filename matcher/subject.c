/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * subject.c - a posting and a seeker as the rules see them: the values of
 * the fields a rule's conditions name (rules.h), read from the mirror's
 * record of a posting (with its employer and town) and from a seeker's
 * profile (with its canonical skills). The mirror evaluates a posting's
 * conditions when the posting enters it; a match, a seeker's once.
 */
#include <string.h>

#include "matcher/internal.h"

/* The values of a posting's fields, for the rules. */
void
subject_job(int field, const void *obj, struct rule_subject *s)
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

/* The values of a seeker's fields, for the rules. */
void
subject_seeker(int field, const void *obj, struct rule_subject *s)
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
	else if (strcmp(f, "seeker.avoid") == 0)
		s->bits = p->avoid_mask;
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
