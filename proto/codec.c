/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * codec.c - see codec.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matcher/date.h"
#include "proto/codec.h"

/* Reads {lat, lon}; |lat| is bounded by maxlat (Redis's GEO sets index
 * latitudes up to 85.05112878 degrees only). */
static int
decode_location(json_t *obj, const char *path, const char *key,
    double maxlat, double *lat, double *lon, bool *present, struct perr *e)
{
	static const char *const keys[] = { "lat", "lon", NULL };
	char sub[PATH_MAX_LEN];
	json_t *v = json_object_get(obj, key);

	*present = false;
	if (v == NULL || json_is_null(v))
		return 0;
	pv_join(sub, path, key);
	if (pv_object(v, sub, keys, e) == -1 ||
	    pv_num(v, sub, "lat", true, -maxlat, maxlat, lat, NULL, e) == -1 ||
	    pv_num(v, sub, "lon", true, -180, 180, lon, NULL, e) == -1)
		return -1;
	*present = true;
	return 0;
}

static int
decode_accessible_for(json_t *obj, const char *path, struct job *j,
    struct perr *e)
{
	char sub[PATH_MAX_LEN], idx[PATH_MAX_LEN + 24];
	json_t *v = json_object_get(obj, "accessible_for"), *item;
	size_t i;

	if (v == NULL || json_is_null(v))
		return pv_fail(e, path, "accessible_for", "is required");
	if (!json_is_array(v) || json_array_size(v) == 0)
		return pv_fail(e, path, "accessible_for",
		    "must be a non-empty array");
	if (json_array_size(v) > DIS_COUNT)
		return pv_fail(e, path, "accessible_for", "more than %d items",
		    DIS_COUNT);
	pv_join(sub, path, "accessible_for");
	json_array_foreach(v, i, item) {
		int k;
		snprintf(idx, sizeof(idx), "%s[%zu]", sub, i);
		if (!json_is_string(item))
			return pv_fail(e, idx, NULL, "must be a string");
		if (strcmp(json_string_value(item), "any") == 0) {
			if (json_array_size(v) != 1)
				return pv_fail(e, idx, NULL,
				    "\"any\" must stand alone");
			j->dis_any = true;
			continue;
		}
		if ((k = vocab_lookup(VOCAB_DISABILITY,
		    json_string_value(item))) < 0)
			return pv_fail(e, idx, NULL, "not a disability type");
		j->dis_mask |= (uint8_t)(1u << k);
	}
	return 0;
}

static int
decode_grades(json_t *obj, const char *path, uint8_t *mask, struct perr *e)
{
	char sub[PATH_MAX_LEN], idx[PATH_MAX_LEN + 24];
	json_t *v = json_object_get(obj, "grades"), *item;
	size_t i;

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_array(v) || json_array_size(v) == 0 ||
	    json_array_size(v) > GRADE_MAX)
		return pv_fail(e, path, "grades",
		    "must be an array of 1 to %d grades", GRADE_MAX);
	pv_join(sub, path, "grades");
	json_array_foreach(v, i, item) {
		json_int_t g;
		snprintf(idx, sizeof(idx), "%s[%zu]", sub, i);
		if (!json_is_integer(item) ||
		    (g = json_integer_value(item)) < GRADE_MIN || g > GRADE_MAX)
			return pv_fail(e, idx, NULL,
			    "must be an integer from 1 to 4");
		*mask |= (uint8_t)(1u << g);
	}
	return 0;
}

static int
decode_salary(json_t *obj, const char *path, struct job *j, struct perr *e)
{
	static const char *const keys[] = { "min", "max", NULL };
	char sub[PATH_MAX_LEN];
	json_t *v = json_object_get(obj, "salary");

	if (v == NULL || json_is_null(v))
		return 0;
	pv_join(sub, path, "salary");
	if (pv_object(v, sub, keys, e) == -1 ||
	    pv_int(v, sub, "min", true, 0, MONEY_MAX, &j->salary_min, NULL,
	    e) == -1 ||
	    pv_int(v, sub, "max", true, 0, MONEY_MAX, &j->salary_max, NULL,
	    e) == -1)
		return -1;
	if (j->salary_min > j->salary_max)
		return pv_fail(e, sub, "min", "must not exceed max");
	j->has_salary = true;
	return 0;
}

/* Copies a validated string into a fixed buffer or a new allocation. */
static int
dup_into(char **dst, const char *s, const char *path, const char *key,
    struct perr *e)
{
	if (s == NULL)
		return 0;
	if ((*dst = strdup(s)) == NULL)
		return pv_fail(e, path, key, "out of memory");
	return 0;
}

int
codec_job_decode(json_t *obj, const char *path, const struct towns *towns,
    struct job *j, struct perr *e)
{
	static const char *const keys[] = { "id", "employer_id", "title",
	    "description", "skills", "accessible_for", "grades",
	    "accommodations", "employment_type", "location", "town", "remote",
	    "salary", "openings", "expires_at", NULL };
	const char *id = NULL, *emp = NULL, *title = NULL, *desc = NULL;
	const char *etype = NULL;

	if (pv_object(obj, path, keys, e) == -1 ||
	    pv_id(obj, path, "id", true, true, &id, e) == -1 ||
	    pv_id(obj, path, "employer_id", true, false, &emp, e) == -1 ||
	    pv_str(obj, path, "title", true, TITLE_MAX, &title, e) == -1 ||
	    pv_str(obj, path, "description", false, DESC_MAX, &desc,
	    e) == -1 ||
	    pv_str_list(obj, path, "skills", SKILLS_MAX, SKILL_MAX,
	    &j->skills, &j->nskills, e) == -1 ||
	    decode_accessible_for(obj, path, j, e) == -1 ||
	    decode_grades(obj, path, &j->grades_mask, e) == -1 ||
	    pv_enum_list(obj, path, "accommodations", false,
	    VOCAB_ACCOMMODATION, ACCOM_COUNT, &j->accom_mask, NULL, e) == -1 ||
	    pv_str(obj, path, "employment_type", true, 32, &etype, e) == -1)
		return -1;
	if ((j->employment = vocab_lookup(VOCAB_EMPLOYMENT, etype)) < 0)
		return pv_fail(e, path, "employment_type",
		    "not an employment type");
	if (decode_location(obj, path, "location", GEO_LAT_MAX, &j->lat,
	    &j->lon, &j->has_location, e) == -1 ||
	    pv_town(obj, path, "town", towns, &j->town, e) == -1)
		return -1;
	if (!j->has_location && j->town < 0)
		return pv_fail(e, path, "location",
		    "location or town is required");
	if (pv_bool(obj, path, "remote", &j->remote, e) == -1 ||
	    decode_salary(obj, path, j, e) == -1 ||
	    pv_int(obj, path, "openings", false, 1, OPENINGS_MAX, &j->openings,
	    NULL, e) == -1 ||
	    pv_int(obj, path, "expires_at", false, TIME_MIN, TIME_MAX,
	    &j->expires_at, NULL, e) == -1)
		return -1;
	memcpy(j->id, id, strlen(id) + 1);
	memcpy(j->employer_id, emp, strlen(emp) + 1);
	if (dup_into(&j->title, title, path, "title", e) == -1 ||
	    dup_into(&j->description, desc, path, "description", e) == -1)
		return -1;
	return 0;
}

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
	return o;
}

int
codec_employer_decode(json_t *obj, const char *path,
    const struct towns *towns, struct employer *emp, struct perr *e)
{
	static const char *const keys[] = { "id", "name", "type", "town",
	    "headcount", "disabled_employees", "severe_disabled_employees",
	    "avg_annual_salary", NULL };
	const char *id = NULL, *name = NULL, *type = NULL;

	if (pv_object(obj, path, keys, e) == -1 ||
	    pv_id(obj, path, "id", true, false, &id, e) == -1 ||
	    pv_str(obj, path, "name", true, TITLE_MAX, &name, e) == -1 ||
	    pv_str(obj, path, "type", true, 32, &type, e) == -1)
		return -1;
	if ((emp->type = vocab_lookup(VOCAB_EMPLOYER, type)) < 0)
		return pv_fail(e, path, "type", "not an employer type");
	if (json_object_get(obj, "town") == NULL)
		return pv_fail(e, path, "town", "is required");
	if (pv_town(obj, path, "town", towns, &emp->town, e) == -1 ||
	    pv_int(obj, path, "headcount", false, 0, COUNT_MAX,
	    &emp->headcount, NULL, e) == -1 ||
	    pv_int(obj, path, "disabled_employees", false, 0, COUNT_MAX,
	    &emp->disabled_employees, NULL, e) == -1 ||
	    pv_int(obj, path, "severe_disabled_employees", false, 0, COUNT_MAX,
	    &emp->severe_disabled_employees, NULL, e) == -1 ||
	    pv_int(obj, path, "avg_annual_salary", false, 0, MONEY_MAX,
	    &emp->avg_annual_salary, NULL, e) == -1)
		return -1;
	if (emp->town < 0)
		return pv_fail(e, path, "town", "is required");
	if (emp->headcount >= 0 && emp->disabled_employees > emp->headcount)
		return pv_fail(e, path, "disabled_employees",
		    "must not exceed headcount");
	if (emp->severe_disabled_employees >= 0 &&
	    emp->disabled_employees < 0)
		return pv_fail(e, path, "severe_disabled_employees",
		    "requires disabled_employees");
	if (emp->severe_disabled_employees > emp->disabled_employees)
		return pv_fail(e, path, "severe_disabled_employees",
		    "must not exceed disabled_employees");
	memcpy(emp->id, id, strlen(id) + 1);
	return dup_into(&emp->name, name, path, "name", e);
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
	return o;
}

void
codec_match_init(struct match_params *mp)
{
	memset(mp, 0, sizeof(*mp));
	profile_init(&mp->profile);
	mp->limit = MATCH_LIMIT_DEFAULT;
}

void
codec_match_clear(struct match_params *mp)
{
	profile_clear(&mp->profile);
}

/* The members of a seeker's profile: a match's inline profile, and a
 * registered seeker besides its id and name. */
#define PROFILE_KEYS	"disability", "skills", "location", "town", \
	"max_distance_km", "needs", "flags"

/* Reads a profile whose members must all be in keys (NULL: the caller
 * checked them). */
static int
decode_profile(json_t *obj, const char *path, const char *const keys[],
    const struct towns *towns, struct profile *p, struct perr *e)
{
	static const char *const dkeys[] = { "type", "grade", NULL };
	char sub[PATH_MAX_LEN];
	const char *type = NULL;
	json_t *d;
	int64_t grade = 0;
	int town = -1;
	bool hasloc;

	if (keys != NULL && pv_object(obj, path, keys, e) == -1)
		return -1;
	if ((d = json_object_get(obj, "disability")) == NULL ||
	    json_is_null(d))
		return pv_fail(e, path, "disability", "is required");
	pv_join(sub, path, "disability");
	if (pv_object(d, sub, dkeys, e) == -1 ||
	    pv_str(d, sub, "type", true, 32, &type, e) == -1)
		return -1;
	if ((p->disability = vocab_lookup(VOCAB_DISABILITY, type)) < 0)
		return pv_fail(e, sub, "type", "not a disability type");
	if (pv_int(d, sub, "grade", true, GRADE_MIN, GRADE_MAX, &grade, NULL,
	    e) == -1)
		return -1;
	p->grade = (int)grade;
	if (pv_str_list(obj, path, "skills", SKILLS_MAX, SKILL_MAX, &p->skills,
	    &p->nskills, e) == -1 ||
	    decode_location(obj, path, "location", 90, &p->lat, &p->lon, &hasloc,
	    e) == -1 ||
	    pv_town(obj, path, "town", towns, &town, e) == -1)
		return -1;
	p->town = town;
	if (!hasloc) {
		if (town < 0)
			return pv_fail(e, path, "location",
			    "location or town is required");
		p->lat = towns->v[town].lat;
		p->lon = towns->v[town].lon;
	}
	if (pv_num(obj, path, "max_distance_km", false, 0, 20038,
	    &p->max_distance_km, NULL, e) == -1)
		return -1;
	if (json_object_get(obj, "max_distance_km") != NULL &&
	    !json_is_null(json_object_get(obj, "max_distance_km")) &&
	    p->max_distance_km <= 0)
		return pv_fail(e, path, "max_distance_km",
		    "must be greater than 0");
	return pv_enum_list(obj, path, "needs", false, VOCAB_ACCOMMODATION,
	    ACCOM_COUNT, &p->needs_mask, NULL, e) == -1 ||
	    pv_enum_list(obj, path, "flags", false, VOCAB_FLAG, FLAG_COUNT,
	    &p->flags_mask, NULL, e) == -1 ? -1 : 0;
}

static const char *const status_names[SST_COUNT] = { "seeking",
	"employed", "not_seeking" };
/* NULL-terminated: also the allowed members of "services" */
static const char *const service_names[SVC_COUNT + 1] = { "info_checked",
	"assessed", "registered", "served", NULL };

static int
name_index(const char *const names[], int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

int
codec_status_lookup(const char *s)
{
	return name_index(status_names, SST_COUNT, s);
}

int
codec_service_lookup(const char *s)
{
	return name_index(service_names, SVC_COUNT, s);
}

const char *
codec_service_name(int i)
{
	return service_names[i];
}

/* The service record of a seeker: status, services, plan note, training,
 * employed_since. */
static int
decode_record(json_t *obj, const char *path, struct seeker *s,
    struct perr *e)
{
	static const char *const tkeys[] = { "course", "date", NULL };
	char sub[PATH_MAX_LEN], item[PATH_MAX_LEN + 16];
	const char *status = NULL, *note = NULL;
	json_t *svc, *tr;

	if (pv_str(obj, path, "status", false, 16, &status, e) == -1)
		return -1;
	if (status != NULL && (s->status = codec_status_lookup(status)) < 0)
		return pv_fail(e, path, "status",
		    "must be seeking, employed or not_seeking");
	if ((svc = json_object_get(obj, "services")) != NULL &&
	    !json_is_null(svc)) {
		pv_join(sub, path, "services");
		if (pv_object(svc, sub, service_names, e) == -1)
			return -1;
		for (int i = 0; i < SVC_COUNT; i++)
			if (pv_date(svc, sub, service_names[i], false,
			    &s->service[i], e) == -1)
				return -1;
	}
	if (pv_str(obj, path, "plan_note", false, PLAN_NOTE_MAX, &note,
	    e) == -1 || dup_into(&s->plan_note, note, path, "plan_note",
	    e) == -1 ||
	    pv_date(obj, path, "employed_since", false, &s->employed_since,
	    e) == -1)
		return -1;
	if ((tr = json_object_get(obj, "training")) == NULL || json_is_null(tr))
		return 0;
	pv_join(sub, path, "training");
	if (!json_is_array(tr))
		return pv_fail(e, path, "training", "must be an array");
	if (json_array_size(tr) > TRAININGS_MAX)
		return pv_fail(e, path, "training", "at most %d courses",
		    TRAININGS_MAX);
	if (json_array_size(tr) > 0 && (s->training = calloc(
	    json_array_size(tr), sizeof(*s->training))) == NULL)
		return pv_fail(e, path, "training", "out of memory");
	for (size_t i = 0; i < json_array_size(tr); i++) {
		json_t *t = json_array_get(tr, i);
		struct training *c = &s->training[i];
		const char *course = NULL;

		snprintf(item, sizeof(item), "%s[%zu]", sub, i);
		c->day = -1;
		if (!json_is_object(t))
			return pv_fail(e, item, "", "must be an object");
		if (pv_object(t, item, tkeys, e) == -1 ||
		    pv_str(t, item, "course", true, COURSE_MAX, &course,
		    e) == -1 ||
		    pv_date(t, item, "date", false, &c->day, e) == -1)
			return -1;
		if (c->day < 0)
			return pv_fail(e, item, "date", "is required");
		if ((c->course = strdup(course)) == NULL)
			return pv_fail(e, item, "course", "out of memory");
		s->ntraining++;
	}
	return 0;
}

int
codec_seeker_decode(json_t *obj, const char *path, const struct towns *towns,
    struct seeker *s, struct perr *e)
{
	static const char *const keys[] = { "id", "name", PROFILE_KEYS,
	    "status", "services", "plan_note", "training", "employed_since",
	    NULL };
	const char *id = NULL, *name = NULL;

	if (pv_object(obj, path, keys, e) == -1 ||
	    pv_id(obj, path, "id", true, false, &id, e) == -1 ||
	    pv_str(obj, path, "name", false, SEEKER_NAME_MAX, &name, e) == -1 ||
	    decode_profile(obj, path, NULL, towns, &s->profile, e) == -1 ||
	    decode_record(obj, path, s, e) == -1)
		return -1;
	memcpy(s->id, id, strlen(id) + 1);
	return dup_into(&s->name, name, path, "name", e);
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
	json_object_set_new(o, "status", json_string(status_names[s->status]));
	for (int i = 0; i < SVC_COUNT; i++)
		if (s->service[i] >= 0)
			json_object_set_new(svc, service_names[i],
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

static int
decode_filters(json_t *obj, const char *path, struct filters *f,
    struct perr *e)
{
	static const char *const keys[] = { "employment_types",
	    "employer_types", "min_salary", NULL };

	if (obj == NULL || json_is_null(obj))
		return 0;
	return pv_object(obj, path, keys, e) == -1 ||
	    pv_enum_list(obj, path, "employment_types", false,
	    VOCAB_EMPLOYMENT, EMP_COUNT, &f->employment_mask, NULL, e) == -1 ||
	    pv_enum_list(obj, path, "employer_types", false, VOCAB_EMPLOYER,
	    ET_COUNT, &f->employer_mask, NULL, e) == -1 ||
	    pv_int(obj, path, "min_salary", false, 0, MONEY_MAX,
	    &f->min_salary, &f->has_min_salary, e) == -1 ? -1 : 0;
}

int
codec_match_decode(json_t *params, const struct towns *towns,
    struct match_params *mp, struct perr *e)
{
	static const char *const keys[] = { "profile", "seeker_id", "limit",
	    "offset", "explain", "filters", NULL };
	static const char *const pkeys[] = { PROFILE_KEYS, NULL };
	int64_t limit = MATCH_LIMIT_DEFAULT, offset = 0;
	const char *sid = NULL;
	json_t *prof;

	if (pv_object(params, "", keys, e) == -1 ||
	    pv_id(params, "", "seeker_id", false, false, &sid, e) == -1)
		return -1;
	if ((prof = json_object_get(params, "profile")) != NULL &&
	    json_is_null(prof))
		prof = NULL;
	if (prof != NULL && sid != NULL)
		return pv_fail(e, "", "seeker_id",
		    "give a profile or a seeker_id, not both");
	if (prof == NULL && sid == NULL)
		return pv_fail(e, "", "profile",
		    "is required (or a seeker_id)");
	if (sid != NULL)
		memcpy(mp->seeker_id, sid, strlen(sid) + 1);
	if ((prof != NULL && decode_profile(prof, "profile", pkeys, towns,
	    &mp->profile, e) == -1) ||
	    pv_int(params, "", "limit", false, 1, MATCH_LIMIT_MAX, &limit,
	    NULL, e) == -1 ||
	    pv_int(params, "", "offset", false, 0, MATCH_OFFSET_MAX, &offset,
	    NULL, e) == -1 ||
	    pv_bool(params, "", "explain", &mp->explain, e) == -1 ||
	    decode_filters(json_object_get(params, "filters"), "filters",
	    &mp->filters, e) == -1)
		return -1;
	mp->limit = (size_t)limit;
	mp->offset = (size_t)offset;
	return 0;
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

static int
decode_synonyms(json_t *obj, struct rules_spec *spec, struct perr *e)
{
	static const char *const keys[] = { "term", "pattern", NULL };
	char idx[PATH_MAX_LEN + 24];
	json_t *v = json_object_get(obj, "synonyms"), *item;
	size_t i;

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_array(v) || json_array_size(v) > 1000)
		return pv_fail(e, "synonyms", NULL,
		    "must be an array of at most 1000 items");
	if (json_array_size(v) == 0)
		return 0;
	if ((spec->syn = calloc(json_array_size(v), sizeof(*spec->syn))) ==
	    NULL)
		return pv_fail(e, "synonyms", NULL, "out of memory");
	json_array_foreach(v, i, item) {
		const char *term = NULL, *pat = NULL;
		snprintf(idx, sizeof(idx), "synonyms[%zu]", i);
		if (pv_object(item, idx, keys, e) == -1 ||
		    pv_str(item, idx, "term", true, SKILL_MAX, &term, e) == -1 ||
		    pv_str(item, idx, "pattern", true, 4096, &pat, e) == -1)
			return -1;
		if ((spec->syn[i].term = strdup(term)) == NULL ||
		    (spec->syn[i].pattern = strdup(pat)) == NULL) {
			free(spec->syn[i].term);
			return pv_fail(e, idx, NULL, "out of memory");
		}
		spec->nsyn++;
	}
	return 0;
}

/* One condition of a rule's "when": the value's type depends on the field. */
static int
decode_cond(const char *path, const char *name, json_t *v,
    struct cond_spec *c, struct perr *e)
{
	static const char *const nkeys[] = { "min", "max", NULL };
	char sub[PATH_MAX_LEN], idx[PATH_MAX_LEN + 24];
	const struct rule_field *f;
	json_t *item;
	size_t i;
	int fi;

	if ((fi = rules_field_lookup(name)) < 0)
		return pv_fail(e, path, name, "unknown field");
	f = &rule_fields[fi];
	c->field = fi;
	pv_join(sub, path, name);
	switch (f->kind) {
	case FK_TEXT:
		if (!json_is_string(v))
			return pv_fail(e, sub, NULL, "must be a PCRE2 pattern "
			    "(a string)");
		if (pv_text(json_string_value(v), json_string_length(v), 4096,
		    sub, NULL, e) == -1)
			return -1;
		if (json_string_length(v) == 0)
			return pv_fail(e, sub, NULL, "must not be empty");
		if ((c->pattern = strdup(json_string_value(v))) == NULL)
			return pv_fail(e, sub, NULL, "out of memory");
		return 0;
	case FK_NUMBER:
		if (pv_object(v, sub, nkeys, e) == -1 ||
		    pv_num(v, sub, "min", false, -1e12, 1e12, &c->min,
		    &c->has_min, e) == -1 ||
		    pv_num(v, sub, "max", false, -1e12, 1e12, &c->max,
		    &c->has_max, e) == -1)
			return -1;
		if (!c->has_min && !c->has_max)
			return pv_fail(e, sub, NULL, "needs min, max or both");
		if (c->has_min && c->has_max && c->min > c->max)
			return pv_fail(e, sub, "min", "must not exceed max");
		return 0;
	default:
		break;
	}
	if (!json_is_array(v) || json_array_size(v) == 0 ||
	    json_array_size(v) > 32)
		return pv_fail(e, sub, NULL, "must be an array of 1 to 32 "
		    "allowed values");
	json_array_foreach(v, i, item) {
		int k;
		snprintf(idx, sizeof(idx), "%s[%zu]", sub, i);
		if (f->values == FV_BOOL) {
			if (!json_is_boolean(item))
				return pv_fail(e, idx, NULL,
				    "must be true or false");
			k = json_is_true(item) ? 1 : 0;
		} else if (!json_is_string(item))
			return pv_fail(e, idx, NULL, "must be a string");
		else if (f->values == FV_TOWN_KIND)
			k = rules_value_lookup(FV_TOWN_KIND,
			    json_string_value(item));
		else
			k = vocab_lookup((enum vocab_kind)f->values,
			    json_string_value(item));
		if (k < 0)
			return pv_fail(e, idx, NULL, "not an allowed value of "
			    "%s", name);
		c->mask |= 1u << k;
	}
	return 0;
}

static int
decode_rule(json_t *obj, const char *path, struct rule_spec *r,
    struct perr *e)
{
	static const char *const keys[] = { "name", "description", "when",
	    "then", NULL };
	static const char *const tkeys[] = { "boost", NULL };
	char sub[PATH_MAX_LEN];
	const char *name = NULL, *desc = NULL, *key;
	json_t *when, *then, *v;

	if (pv_object(obj, path, keys, e) == -1 ||
	    pv_id(obj, path, "name", true, false, &name, e) == -1 ||
	    pv_str(obj, path, "description", false, 2000, &desc, e) == -1)
		return -1;
	if ((r->name = strdup(name)) == NULL)
		return pv_fail(e, path, "name", "out of memory");
	if ((then = json_object_get(obj, "then")) == NULL)
		return pv_fail(e, path, "then", "is required");
	pv_join(sub, path, "then");
	if (json_is_string(then) &&
	    strcmp(json_string_value(then), "exclude") == 0)
		r->action = RULE_EXCLUDE;
	else if (json_is_string(then) &&
	    strcmp(json_string_value(then), "require") == 0)
		r->action = RULE_REQUIRE;
	else if (json_is_object(then)) {
		if (pv_object(then, sub, tkeys, e) == -1 ||
		    pv_num(then, sub, "boost", true, -10, 10, &r->boost, NULL,
		    e) == -1)
			return -1;
		r->action = RULE_BOOST;
	} else
		return pv_fail(e, sub, NULL, "must be \"exclude\", \"require\" "
		    "or {\"boost\": x}");
	when = json_object_get(obj, "when");
	if (when == NULL || json_is_null(when))
		return 0;
	pv_join(sub, path, "when");
	if (!json_is_object(when))
		return pv_fail(e, sub, NULL, "must be an object");
	if (json_object_size(when) > CONDS_MAX)
		return pv_fail(e, sub, NULL, "more than %d conditions",
		    CONDS_MAX);
	if (json_object_size(when) == 0)
		return 0;
	if ((r->conds = calloc(json_object_size(when), sizeof(*r->conds))) ==
	    NULL)
		return pv_fail(e, sub, NULL, "out of memory");
	json_object_foreach(when, key, v) {
		if (decode_cond(sub, key, v, &r->conds[r->nconds], e) == -1) {
			free(r->conds[r->nconds].pattern);
			return -1;
		}
		r->nconds++;
	}
	return 0;
}

static int
decode_rules(json_t *obj, struct rules_spec *spec, struct perr *e)
{
	char idx[PATH_MAX_LEN + 24];
	json_t *v = json_object_get(obj, "rules"), *item;
	size_t i;

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_array(v) || json_array_size(v) > RULES_MAX)
		return pv_fail(e, "rules", NULL,
		    "must be an array of at most %d rules", RULES_MAX);
	if (json_array_size(v) == 0)
		return 0;
	if ((spec->rules = calloc(json_array_size(v), sizeof(*spec->rules))) ==
	    NULL)
		return pv_fail(e, "rules", NULL, "out of memory");
	json_array_foreach(v, i, item) {
		snprintf(idx, sizeof(idx), "rules[%zu]", i);
		spec->nrules++;		/* so that a failure frees it */
		if (decode_rule(item, idx, &spec->rules[i], e) == -1)
			return -1;
	}
	return 0;
}

/* A stored document's JSON, or NULL with e on "(JSON)". */
static json_t *
load_doc(const char *buf, size_t len, struct perr *e)
{
	json_t *o = json_loadb(buf, len, 0, NULL);

	if (o == NULL)
		pv_fail(e, "", "(JSON)", "not JSON");
	return o;
}

int
codec_job_load(const char *buf, size_t len, const struct towns *towns,
    struct job *j, struct perr *e)
{
	json_t *o;
	int rc;

	if (codec_job_scan(buf, len, towns, j) == 0)
		return 0;
	job_clear(j);
	if ((o = load_doc(buf, len, e)) == NULL)
		return -1;
	rc = codec_job_decode(o, "job", towns, j, e);
	json_decref(o);
	return rc;
}

int
codec_employer_load(const char *buf, size_t len, const struct towns *towns,
    struct employer *emp, struct perr *e)
{
	json_t *o;
	int rc;

	if ((o = load_doc(buf, len, e)) == NULL)
		return -1;
	rc = codec_employer_decode(o, "employer", towns, emp, e);
	json_decref(o);
	return rc;
}

int
codec_seeker_load(const char *buf, size_t len, const struct towns *towns,
    struct seeker *s, struct perr *e)
{
	json_t *o;
	int rc;

	if ((o = load_doc(buf, len, e)) == NULL)
		return -1;
	rc = codec_seeker_decode(o, "seeker", towns, s, e);
	json_decref(o);
	return rc;
}

struct rules *
codec_rules_build(json_t *obj, const struct regex_limits *lim, char *err,
    size_t errlen)
{
	struct rules_spec spec;
	struct rules_error re;
	struct rules *r = NULL;
	struct perr pe;

	rules_spec_defaults(&spec);
	if (codec_rules_decode(obj, &spec, &pe) == -1)
		snprintf(err, errlen, "%s: %s", pe.field[0] ? pe.field :
		    "(document)", pe.reason);
	else if (rules_compile(&r, &spec, lim, &re) == -1)
		snprintf(err, errlen, "%s %s: %s", re.rule, re.field,
		    re.reason);
	rules_spec_clear(&spec);
	return r;
}

int
codec_rules_decode(json_t *obj, struct rules_spec *spec, struct perr *e)
{
	static const char *const keys[] = { "version", "description",
	    "weights", "distance", "synonyms", "rules", NULL };
	static const char *const wkeys[] = { "skills", "distance", NULL };
	static const char *const dkeys[] = { "shape", "scale_km", "max_km",
	    NULL };
	const char *desc = NULL, *shape = NULL;
	int64_t version = 0;
	json_t *w, *d;

	if (pv_object(obj, "", keys, e) == -1 ||
	    pv_int(obj, "", "version", false, 0, INT64_MAX, &version, NULL,
	    e) == -1 ||
	    pv_str(obj, "", "description", false, 2000, &desc, e) == -1)
		return -1;
	if (desc != NULL && (spec->description = strdup(desc)) == NULL)
		return pv_fail(e, "", "description", "out of memory");
	if ((w = json_object_get(obj, "weights")) != NULL &&
	    (pv_object(w, "weights", wkeys, e) == -1 ||
	    pv_num(w, "weights", "skills", false, 0, 100, &spec->w_skills,
	    NULL, e) == -1 ||
	    pv_num(w, "weights", "distance", false, 0, 100, &spec->w_distance,
	    NULL, e) == -1))
		return -1;
	if ((d = json_object_get(obj, "distance")) != NULL) {
		if (pv_object(d, "distance", dkeys, e) == -1 ||
		    pv_str(d, "distance", "shape", false, 16, &shape, e) == -1 ||
		    pv_num(d, "distance", "scale_km", false, 0.001, 20038,
		    &spec->scale_km, NULL, e) == -1 ||
		    pv_num(d, "distance", "max_km", false, 0.001, 20038,
		    &spec->max_km, NULL, e) == -1)
			return -1;
		if (shape != NULL) {
			if (strcmp(shape, "exp") == 0)
				spec->shape = DECAY_EXP;
			else if (strcmp(shape, "linear") == 0)
				spec->shape = DECAY_LINEAR;
			else if (strcmp(shape, "gauss") == 0)
				spec->shape = DECAY_GAUSS;
			else
				return pv_fail(e, "distance", "shape",
				    "must be exp, linear or gauss");
		}
	}
	if (decode_synonyms(obj, spec, e) == -1)
		return -1;
	return decode_rules(obj, spec, e);
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
	for (size_t i = 0; i < towns->n; i++)
		json_array_append_new(t, json_pack("{s:s, s:s, s:s, s:f, s:f}",
		    "code", towns->v[i].code, "name", towns->v[i].name,
		    "kind", towns->v[i].kind, "lat", towns->v[i].lat,
		    "lon", towns->v[i].lon));
	json_object_set_new(o, "towns", t);
	return o;
}
