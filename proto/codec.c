/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * codec.c - the domain records from JSON: a posting, an employer, a
 * seeker's profile, a registered seeker and the params of a match, each
 * field validated as docs/protocol.md asks (see codec.h). A document the
 * daemon stored is read back by codec_load.c, the records to JSON are
 * codec_encode.c, rule-set documents codec_rules.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matcher/quota.h"
#include "proto/apply.h"
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
	    "salary", "openings", "expires_at", "contact", "apply_by",
	    "how_to_apply", NULL };
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
	    &j->expires_at, NULL, e) == -1 ||
	    apply_job_decode(obj, path, &j->apply, &j->apply_by, e) == -1)
		return -1;
	memcpy(j->id, id, strlen(id) + 1);
	memcpy(j->employer_id, emp, strlen(emp) + 1);
	if (dup_into(&j->title, title, path, "title", e) == -1 ||
	    dup_into(&j->description, desc, path, "description", e) == -1)
		return -1;
	return 0;
}

int
codec_employer_decode(json_t *obj, const char *path,
    const struct towns *towns, struct employer *emp, struct perr *e)
{
	static const char *const keys[] = { "id", "name", "type", "town",
	    "headcount", "disabled_employees", "severe_disabled_employees",
	    "avg_annual_salary", "establishment", "level", "institution_kind",
	    "pool", "contact", NULL };
	const char *id = NULL, *name = NULL, *type = NULL, *level = NULL,
	    *kind = NULL, *pool = NULL;

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
	    &emp->avg_annual_salary, NULL, e) == -1 ||
	    pv_int(obj, path, "establishment", false, 0, COUNT_MAX,
	    &emp->establishment, NULL, e) == -1 ||
	    pv_str(obj, path, "level", false, 32, &level, e) == -1 ||
	    pv_str(obj, path, "institution_kind", false, 32, &kind, e) == -1 ||
	    pv_id(obj, path, "pool", false, false, &pool, e) == -1)
		return -1;
	if (level != NULL && (emp->level = quota_level_lookup(level)) < 0)
		return pv_fail(e, path, "level", "expected county or township");
	if (kind != NULL && emp->type != ET_INSTITUTION)
		return pv_fail(e, path, "institution_kind",
		    "only a public institution (type institution) has one");
	if (kind != NULL &&
	    (emp->institution_kind = quota_kind_lookup(kind)) < 0)
		return pv_fail(e, path, "institution_kind", "expected "
		    "primary_school, secondary_school, kindergarten, hospital "
		    "or other");
	if (pool != NULL && emp->level != QL_TOWNSHIP)
		return pv_fail(e, path, "pool",
		    "only a township-level unit (level township) is pooled");
	if (pool != NULL)
		memcpy(emp->pool, pool, strlen(pool) + 1);
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
	if (apply_contact_decode(obj, path, &emp->contact, e) == -1)
		return -1;
	memcpy(emp->id, id, strlen(id) + 1);
	return dup_into(&emp->name, name, path, "name", e);
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
codec_status_name(int i)
{
	return status_names[i];
}

const char *
codec_service_name(int i)
{
	return service_names[i];
}

/*
 * birth_year (BIRTH_YEAR_MIN..9999 here; the daemon, which has a clock,
 * refuses a year to come) and sex, both optional.
 */
static int
decode_person(json_t *obj, const char *path, struct seeker *s,
    struct perr *e)
{
	const char *sex = NULL;
	int64_t year = 0;

	if (pv_int(obj, path, "birth_year", false, BIRTH_YEAR_MIN, 9999,
	    &year, NULL, e) == -1 ||
	    pv_str(obj, path, "sex", false, 8, &sex, e) == -1)
		return -1;
	s->birth_year = (int)year;
	if (sex == NULL)
		s->sex = SEX_UNKNOWN;
	else if (strcmp(sex, "male") == 0)
		s->sex = SEX_MALE;
	else if (strcmp(sex, "female") == 0)
		s->sex = SEX_FEMALE;
	else
		return pv_fail(e, path, "sex", "must be male or female");
	return 0;
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
	if (decode_person(obj, path, s, e) == -1)
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
	    "birth_year", "sex", NULL };
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

/* A match's filters; fair (a fair's id, "" for none) is the caller's to
 * look up. */
static int
decode_filters(json_t *obj, const char *path, struct filters *f,
    char fair[ID_MAX + 1], struct perr *e)
{
	static const char *const keys[] = { "employment_types",
	    "employer_types", "min_salary", "fair", NULL };
	const char *id = NULL;

	if (obj == NULL || json_is_null(obj))
		return 0;
	if (pv_object(obj, path, keys, e) == -1 ||
	    pv_id(obj, path, "fair", false, false, &id, e) == -1)
		return -1;
	if (id != NULL)
		memcpy(fair, id, strlen(id) + 1);
	return pv_enum_list(obj, path, "employment_types", false,
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
	    &mp->filters, mp->fair_id, e) == -1)
		return -1;
	mp->limit = (size_t)limit;
	mp->offset = (size_t)offset;
	return 0;
}
