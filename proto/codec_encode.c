/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * codec_encode.c - the domain records to JSON: a posting, an employer and
 * a registered seeker as stored, a match's results and an explanation as
 * answered, and the vocabulary (see codec.h). The records from JSON are
 * codec.c, which this file asks only for the service record's names.
 */
#include <stdio.h>
#include <string.h>

#include "matcher/date.h"
#include "matcher/quota.h"
#include "proto/apply.h"
#include "proto/codec.h"

/* An array of the identifiers whose bits are set in mask. */
static json_t *
mask_array(enum vocab_kind kind, uint32_t mask)
{
	json_t *a = json_array();
	size_t n;

	(void)vocab_entries(kind, &n);
	for (size_t i = 0; a != NULL && i < n; i++)
		if (mask & 1u << i)	/* the ids are ASCII constants */
			json_array_append_new(a,
			    json_string_nocheck(vocab_id(kind, (int)i)));
	return a;
}

static json_t *
strv_array(char **v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *
salary_json(bool has, int64_t min, int64_t max)
{
	if (!has)
		return json_null();
	return json_pack("{s:I, s:I}", "min", (json_int_t)min, "max",
	    (json_int_t)max);
}

json_t *
codec_job_encode(const struct job *j, const struct towns *towns)
{
	json_t *o = json_object(), *g;

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "id", json_string(j->id));
	json_object_set_new(o, "employer_id", json_string(j->employer_id));
	json_object_set_new(o, "title", json_string(j->title));
	if (j->description != NULL)
		json_object_set_new(o, "description",
		    json_string(j->description));
	json_object_set_new(o, "skills", strv_array(j->skills, j->nskills));
	if (j->dis_any)
		json_object_set_new(o, "accessible_for",
		    json_pack("[s]", "any"));
	else
		json_object_set_new(o, "accessible_for",
		    mask_array(VOCAB_DISABILITY, j->dis_mask));
	if (j->grades_mask != 0 && (g = json_array()) != NULL) {
		for (int i = GRADE_MIN; i <= GRADE_MAX; i++)
			if (j->grades_mask & 1u << i)
				json_array_append_new(g, json_integer(i));
		json_object_set_new(o, "grades", g);
	}
	json_object_set_new(o, "accommodations",
	    mask_array(VOCAB_ACCOMMODATION, j->accom_mask));
	json_object_set_new(o, "employment_type",
	    json_string(vocab_id(VOCAB_EMPLOYMENT, j->employment)));
	if (j->has_location)
		json_object_set_new(o, "location", json_pack("{s:f, s:f}",
		    "lat", j->lat, "lon", j->lon));
	if (j->town >= 0)
		json_object_set_new(o, "town",
		    json_string(towns->v[j->town].code));
	if (j->remote)
		json_object_set_new(o, "remote", json_true());
	if (j->has_salary)
		json_object_set_new(o, "salary",
		    salary_json(true, j->salary_min, j->salary_max));
	json_object_set_new(o, "openings", json_integer(j->openings));
	if (j->expires_at != 0)
		json_object_set_new(o, "expires_at",
		    json_integer(j->expires_at));
	if (j->apply != NULL && apply_into(o, j->apply) == -1) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *
codec_employer_encode(const struct employer *emp, const struct towns *towns)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "id", emp->id,
	    "name", emp->name, "type", vocab_id(VOCAB_EMPLOYER, emp->type),
	    "town", towns->v[emp->town].code);

	if (o == NULL)
		return NULL;
	if (emp->headcount >= 0)
		json_object_set_new(o, "headcount",
		    json_integer(emp->headcount));
	if (emp->disabled_employees >= 0)
		json_object_set_new(o, "disabled_employees",
		    json_integer(emp->disabled_employees));
	if (emp->severe_disabled_employees >= 0)
		json_object_set_new(o, "severe_disabled_employees",
		    json_integer(emp->severe_disabled_employees));
	if (emp->avg_annual_salary >= 0)
		json_object_set_new(o, "avg_annual_salary",
		    json_integer(emp->avg_annual_salary));
	if (emp->establishment >= 0)
		json_object_set_new(o, "establishment",
		    json_integer(emp->establishment));
	if (emp->level >= 0)
		json_object_set_new(o, "level",
		    json_string(quota_level_name(emp->level)));
	if (emp->institution_kind >= 0)
		json_object_set_new(o, "institution_kind",
		    json_string(quota_kind_name(emp->institution_kind)));
	if (emp->pool[0] != '\0')
		json_object_set_new(o, "pool", json_string(emp->pool));
	if (emp->contact != NULL) {
		json_t *c = json_loads(emp->contact, 0, NULL);

		if (c == NULL) {
			json_decref(o);
			return NULL;
		}
		json_object_set_new(o, "contact", c);
	}
	return o;
}

static json_t *
date_json(int64_t day)
{
	char buf[DATE_LEN + 1];

	date_format(day, buf);
	return json_string(buf);
}

/* The service record of s, added to o. */
static int
seeker_record_into(json_t *o, const struct seeker *s)
{
	json_t *svc = json_object(), *tr = json_array();

	if (svc == NULL || tr == NULL) {
		json_decref(svc);
		json_decref(tr);
		return -1;
	}
	json_object_set_new(o, "status",
	    json_string(codec_status_name(s->status)));
	for (int i = 0; i < SVC_COUNT; i++)
		if (s->service[i] >= 0)
			json_object_set_new(svc, codec_service_name(i),
			    date_json(s->service[i]));
	json_object_set_new(o, "services", svc);
	if (s->plan_note != NULL)
		json_object_set_new(o, "plan_note", json_string(s->plan_note));
	for (size_t i = 0; i < s->ntraining; i++)
		json_array_append_new(tr, json_pack("{s:s, s:o}", "course",
		    s->training[i].course, "date",
		    date_json(s->training[i].day)));
	json_object_set_new(o, "training", tr);
	if (s->employed_since >= 0)
		json_object_set_new(o, "employed_since",
		    date_json(s->employed_since));
	if (s->birth_year > 0)
		json_object_set_new(o, "birth_year",
		    json_integer(s->birth_year));
	if (s->sex != SEX_UNKNOWN)
		json_object_set_new(o, "sex", json_string(s->sex == SEX_MALE ?
		    "male" : "female"));
	return 0;
}

json_t *
codec_seeker_encode(const struct seeker *s, const struct towns *towns)
{
	const struct profile *p = &s->profile;
	json_t *o;

	if ((o = json_pack("{s:s}", "id", s->id)) == NULL)
		return NULL;
	if (s->name != NULL)
		json_object_set_new(o, "name", json_string(s->name));
	json_object_set_new(o, "disability", json_pack("{s:s, s:i}", "type",
	    vocab_id(VOCAB_DISABILITY, p->disability), "grade", p->grade));
	json_object_set_new(o, "skills", strv_array(p->skills, p->nskills));
	/* decode_profile puts a profile given by town alone at the town's
	 * centre: a location there would say nothing more. */
	if (p->town < 0 || p->lat != towns->v[p->town].lat ||
	    p->lon != towns->v[p->town].lon)
		json_object_set_new(o, "location", json_pack("{s:f, s:f}",
		    "lat", p->lat, "lon", p->lon));
	if (p->town >= 0)
		json_object_set_new(o, "town",
		    json_string(towns->v[p->town].code));
	if (p->max_distance_km > 0)
		json_object_set_new(o, "max_distance_km",
		    json_real(p->max_distance_km));
	json_object_set_new(o, "needs",
	    mask_array(VOCAB_ACCOMMODATION, p->needs_mask));
	json_object_set_new(o, "flags", mask_array(VOCAB_FLAG, p->flags_mask));
	return seeker_record_into(o, s) == -1 ? (json_decref(o), NULL) : o;
}

/* Sets key (a literal) of o to the text s, NULL as null. The text was
 * checked when it entered the mirror (or is the daemon's own), so it is
 * not checked again: a match builds ten of these objects for each
 * answer. */
static void
set_text(json_t *o, const char *key, const char *s)
{
	json_object_set_new_nocheck(o, key, s != NULL ?
	    json_string_nocheck(s) : json_null());
}

/* How to apply, on a result's job: the effective contact, apply_by and
 * how_to_apply, each when there is one. */
static void
hit_apply(json_t *o, const struct mjob *mj)
{
	json_t *a = mj->apply != NULL ? json_loads(mj->apply, 0, NULL) : NULL;
	json_t *c = apply_contact_merge(mj->emp->contact,
	    json_object_get(a, "contact"));

	if (c != NULL)
		json_object_set_new_nocheck(o, "contact", c);
	if (json_object_get(a, "apply_by") != NULL)
		json_object_set_nocheck(o, "apply_by",
		    json_object_get(a, "apply_by"));
	if (json_object_get(a, "how_to_apply") != NULL)
		json_object_set_nocheck(o, "how_to_apply",
		    json_object_get(a, "how_to_apply"));
	json_decref(a);
}

/* The posting as a match result shows it. */
static json_t *
hit_job(const struct mjob *mj, const struct towns *towns)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	set_text(o, "id", mj->id);
	set_text(o, "employer_id", mj->emp->id);
	set_text(o, "employer_name", mj->emp->name);
	set_text(o, "title", mj->title);
	set_text(o, "town", mj->town >= 0 ? towns->v[mj->town].code : NULL);
	set_text(o, "employment_type", vocab_id(VOCAB_EMPLOYMENT,
	    mj->employment));
	json_object_set_new_nocheck(o, "salary", salary_json(mj->has_salary,
	    mj->salary_min, mj->salary_max));
	json_object_set_new_nocheck(o, "accommodations",
	    mask_array(VOCAB_ACCOMMODATION, mj->accom_mask));
	json_object_set_new_nocheck(o, "remote", json_boolean(mj->remote));
	if (mj->apply != NULL || mj->emp->contact != NULL)
		hit_apply(o, mj);
	return o;
}

json_t *
codec_hit(const struct match_hit *h, const struct towns *towns,
    const struct rules *rules, bool explain)
{
	const struct rules_spec *rs = rules_spec_of(rules);
	json_t *job, *o, *x, *fired, *boosts;

	if ((job = hit_job(h->job, towns)) == NULL)
		return NULL;
	if ((o = json_object()) == NULL) {
		json_decref(job);
		return NULL;
	}
	json_object_set_new_nocheck(o, "job", job);
	json_object_set_new_nocheck(o, "score", json_real(h->score));
	json_object_set_new_nocheck(o, "distance_km",
	    json_real(h->distance_km));
	if (!explain)
		return o;
	fired = json_array();
	boosts = json_object();
	for (size_t i = 0; fired != NULL && boosts != NULL && i < rs->nrules;
	    i++)
		if ((h->fired[i / 64] >> (i % 64)) & 1) {
			json_array_append_new(fired,
			    json_string(rs->rules[i].name));
			json_object_set_new(boosts, rs->rules[i].name,
			    json_real(rs->rules[i].boost));
		}
	x = json_pack("{s:f, s:f, s:f, s:o*, s:o*, s:{s:f, s:f}}",
	    "skills", h->part[COMP_SKILLS],
	    "distance", h->part[COMP_DISTANCE],
	    "policy", h->part[COMP_POLICY], "rules", fired, "boosts", boosts,
	    "components", "skills", h->comp[COMP_SKILLS],
	    "distance", h->comp[COMP_DISTANCE]);
	if (x == NULL) {
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "explain", x);
	return o;
}

void
codec_hit_detail(json_t *hit, const struct match_hit *h,
    const struct match_detail *d, const struct rules *rules)
{
	const struct rules_spec *rs = rules_spec_of(rules);
	json_t *x = json_object_get(hit, "explain"), *matched, *labels;

	if (x == NULL)
		return;
	matched = json_array();
	for (size_t i = 0; matched != NULL && i < d->nmatched; i++)
		json_array_append_new(matched, json_string(d->matched[i]));
	labels = json_array();
	for (size_t i = 0; labels != NULL && i < rs->nrules; i++)
		if (((h->fired[i / 64] >> (i % 64)) & 1) &&
		    rs->rules[i].label_zh != NULL)
			json_array_append_new(labels, json_pack(
			    "{s:s, s:s, s:s}", "rule", rs->rules[i].name,
			    "zh", rs->rules[i].label_zh,
			    "en", rs->rules[i].label_en));
	json_object_set_new(x, "matched_skills", matched);
	json_object_set_new(x, "wanted_skills",
	    json_integer((json_int_t)d->wanted));
	json_object_set_new(x, "needs_met",
	    mask_array(VOCAB_ACCOMMODATION, d->needs_met));
	json_object_set_new(x, "labels", labels);
}

json_t *
codec_skills(const struct term_count *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:I}", "skill",
		    v[i].term, "text", v[i].text != NULL ? v[i].text :
		    v[i].term, "postings", (json_int_t)v[i].postings));
	return json_pack("{s:o*}", "skills", a);
}

static const char *
action_name(int action)
{
	return action == RULE_EXCLUDE ? "exclude" :
	    action == RULE_REQUIRE ? "require" : "boost";
}

/* One rule's line in an explanation. */
static json_t *
explain_rule(const struct rule_spec *r, int verdict, const char *failed)
{
	static const char *const results[] = { "fired", "skipped", "skipped",
	    "skipped", "met", "not_evaluated" };
	char why[160];
	json_t *o;

	o = json_pack("{s:s, s:s, s:s}", "name", r->name, "action",
	    action_name(r->action), "result", results[verdict]);
	if (o == NULL)
		return NULL;
	if (r->action == RULE_BOOST)
		json_object_set_new(o, "boost", json_real(r->boost));
	switch (verdict) {
	case RV_FIRED:
		snprintf(why, sizeof(why), "%s",
		    r->action == RULE_BOOST ? "every condition holds" :
		    r->action == RULE_EXCLUDE ? "every condition holds: the "
		    "posting is left out" : "the seeker's conditions hold and "
		    "the posting's do not: the posting is left out");
		if (r->action == RULE_REQUIRE && failed != NULL) {
			size_t l = strlen(why);
			snprintf(why + l, sizeof(why) - l, " (%s)", failed);
		}
		break;
	case RV_SEEKER:
		snprintf(why, sizeof(why), "the seeker's %s does not match",
		    failed != NULL ? failed : "condition");
		break;
	case RV_JOB:
		snprintf(why, sizeof(why), "the posting's %s does not match",
		    failed != NULL ? failed : "condition");
		break;
	case RV_PAIR:
		snprintf(why, sizeof(why), "distance_km is out of range");
		break;
	case RV_REQUIRE_MET:
		snprintf(why, sizeof(why), "the posting meets the requirement");
		break;
	default:
		snprintf(why, sizeof(why), "a hard filter left the posting out "
		    "first");
		break;
	}
	json_object_set_new(o, "why", json_string(why));
	return o;
}

json_t *
codec_explain(const struct match_explain *x, const struct towns *towns,
    const struct rules *rules)
{
	const struct rules_spec *rs = rules_spec_of(rules);
	json_t *o, *filters, *list;

	if (x->job == NULL)
		return NULL;
	filters = json_array();
	for (int i = 0; filters != NULL && i < FC_COUNT; i++)
		json_array_append_new(filters, json_pack("{s:s, s:b}", "name",
		    matcher_filter_name(i), "pass", x->pass[i]));
	list = json_array();
	for (size_t i = 0; list != NULL && i < rs->nrules; i++)
		json_array_append_new(list, explain_rule(&rs->rules[i],
		    x->verdict[i], x->failed[i]));
	o = json_pack("{s:o, s:b, s:f, s:o, s:o, s:o, s:s?, s:I}",
	    "job", hit_job(x->job, towns), "matched", x->matched,
	    "distance_km", x->hit.distance_km,
	    "filters", filters,
	    "missing_needs", mask_array(VOCAB_ACCOMMODATION, x->missing_needs),
	    "rules", list,
	    "excluded_by", x->excluded_by >= 0 ?
	    rs->rules[x->excluded_by].name : NULL,
	    "rules_version", (json_int_t)rules_version(rules));
	if (o == NULL || !x->matched)
		return o;
	json_object_set_new(o, "score", json_real(x->hit.score));
	json_object_set_new(o, "components", json_pack(
	    "{s:{s:f, s:f, s:f}, s:{s:f, s:f, s:f}, s:{s:f}}",
	    "skills", "value", x->hit.comp[COMP_SKILLS], "weight",
	    rs->w_skills, "part", x->hit.part[COMP_SKILLS],
	    "distance", "value", x->hit.comp[COMP_DISTANCE], "weight",
	    rs->w_distance, "part", x->hit.part[COMP_DISTANCE],
	    "policy", "part", x->hit.part[COMP_POLICY]));
	return o;
}

static json_t *
vocab_kind_json(enum vocab_kind kind)
{
	const struct vocab_entry *v;
	json_t *a = json_array();
	size_t n;

	v = vocab_entries(kind, &n);
	for (size_t i = 0; a != NULL && i < n; i++) {
		json_t *id = kind == VOCAB_GRADE ?
		    json_integer((json_int_t)i + 1) : json_string(v[i].id);
		json_array_append_new(a, json_pack("{s:o, s:s}", "id", id,
		    "label", v[i].label));
	}
	return a;
}

json_t *
codec_vocab(const struct towns *towns)
{
	json_t *o = json_object(), *t = json_array();

	if (o == NULL || t == NULL) {
		json_decref(o);
		json_decref(t);
		return NULL;
	}
	for (int k = 0; k < VOCAB_NKINDS; k++)
		json_object_set_new(o, vocab_kind_name((enum vocab_kind)k),
		    vocab_kind_json((enum vocab_kind)k));
	for (size_t i = 0; i < towns->n; i++) {
		json_t *tw = json_pack("{s:s, s:s, s:s, s:f, s:f}",
		    "code", towns->v[i].code, "name", towns->v[i].name,
		    "kind", towns->v[i].kind, "lat", towns->v[i].lat,
		    "lon", towns->v[i].lon);

		if (tw != NULL && towns->v[i].roman[0] != '\0')
			json_object_set_new(tw, "en",
			    json_string(towns->v[i].roman));
		json_array_append_new(t, tw);
	}
	json_object_set_new(o, "towns", t);
	return o;
}
