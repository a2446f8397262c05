/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * jsonld.c - see jsonld.h. The mapping (docs/protocol.md, "JSON-LD"):
 *
 *   title, description      the posting's, then the accommodations it
 *                           offers and the disability types it welcomes
 *   datePosted, validThrough as given (apply_by's end, else expires_at)
 *   employmentType          FULL_TIME, PART_TIME, INTERN, else OTHER
 *   hiringOrganization      Organization: the employer's name and id
 *   jobLocation             Place: PostalAddress (town, region, CN), geo
 *   baseSalary              MonetaryAmount, CNY a MONTH
 *   totalJobPositions       openings
 *   skills, identifier      as posted; EMP:ID
 *   applicationContact      ContactPoint (PostalAddress when it has an
 *                           address) of the effective contact, with
 *                           how_to_apply as its description
 *   physicalRequirement,    in words: the physical and the sensory
 *   sensoryRequirement      disability types it is open to and the
 *                           accommodations of each kind it offers
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matcher/vocab.h"
#include "proto/jsonld.h"

/* Which side an accommodation or a disability type is on. */
enum side { SIDE_NONE, SIDE_PHYSICAL, SIDE_SENSORY };

static enum side
accom_side(const char *id)
{
	static const char *const physical[] = { "step_free_access",
	    "elevator", "accessible_toilet", "accessible_parking",
	    "adjustable_workstation", "accessible_transport", NULL };
	static const char *const sensory[] = { "screen_reader",
	    "screen_magnifier", "braille", "large_print", "sign_language",
	    "captioning", "hearing_loop", "visual_alerts",
	    "written_instructions", "service_animal", NULL };

	for (size_t i = 0; physical[i] != NULL; i++)
		if (strcmp(physical[i], id) == 0)
			return SIDE_PHYSICAL;
	for (size_t i = 0; sensory[i] != NULL; i++)
		if (strcmp(sensory[i], id) == 0)
			return SIDE_SENSORY;
	return SIDE_NONE;
}

static enum side
dis_side(const char *id)
{
	if (strcmp(id, "visual") == 0 || strcmp(id, "hearing") == 0 ||
	    strcmp(id, "speech") == 0)
		return SIDE_SENSORY;
	if (strcmp(id, "physical") == 0 || strcmp(id, "multiple") == 0)
		return SIDE_PHYSICAL;
	return SIDE_NONE;
}

/* The label of vocabulary id s, or s. */
static const char *
label(enum vocab_kind kind, const char *s)
{
	size_t n;
	const struct vocab_entry *v = vocab_entries(kind, &n);
	int i = vocab_lookup(kind, s);

	return i >= 0 && (size_t)i < n ? v[i].label : s;
}

/* A growing text. */
struct text {
	char	*s;
	size_t	 len, cap;
	bool	 oom;
};

static void
add(struct text *t, const char *s)
{
	size_t n = strlen(s);
	char *p;

	if (t->oom)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = (t->len + n + 1) * 2;
		if ((p = realloc(t->s, cap)) == NULL) {
			t->oom = true;
			return;
		}
		t->s = p;
		t->cap = cap;
	}
	memcpy(t->s + t->len, s, n + 1);
	t->len += n;
}

/*
 * Appends "lead" and the labels of the items of arr (vocabulary kind)
 * on side (SIDE_NONE: every one), joined by "、" and ended by "。";
 * nothing when none is on it.
 */
static void
add_list(struct text *t, const char *lead, json_t *arr, enum vocab_kind kind,
    bool all, enum side side)
{
	size_t i, n = 0;
	json_t *v;

	json_array_foreach(arr, i, v) {
		const char *id = json_string_value(v);

		if (id == NULL || (!all && (kind == VOCAB_DISABILITY ?
		    dis_side(id) : accom_side(id)) != side))
			continue;
		add(t, n++ == 0 ? lead : "、");
		add(t, label(kind, id));
	}
	if (n > 0)
		add(t, "。");
}

/* Whether the posting is open to any disability type. */
static bool
open_to_any(json_t *doc)
{
	json_t *a = json_object_get(doc, "accessible_for");

	return json_array_size(a) == 1 &&
	    json_is_string(json_array_get(a, 0)) &&
	    strcmp(json_string_value(json_array_get(a, 0)), "any") == 0;
}

/* The words of whom the posting is open to and what it offers: all of it
 * (all) or one side; NULL when that says nothing. */
static json_t *
access_words(json_t *doc, bool all, enum side side)
{
	struct text t = { NULL, 0, 0, false };
	json_t *out;

	if (open_to_any(doc)) {
		if (all)
			add(&t, "欢迎各类残疾人报名。");
	} else
		add_list(&t, "适合", json_object_get(doc, "accessible_for"),
		    VOCAB_DISABILITY, all, side);
	add_list(&t, "提供", json_object_get(doc, "accommodations"),
	    VOCAB_ACCOMMODATION, all, side);
	out = t.oom || t.len == 0 ? NULL : json_string(t.s);
	free(t.s);
	return out;
}

static json_t *
description(json_t *doc)
{
	const char *d = json_string_value(json_object_get(doc,
	    "description"));
	json_t *words = access_words(doc, true, SIDE_NONE), *out;
	struct text t = { NULL, 0, 0, false };

	add(&t, d != NULL ? d : json_string_value(json_object_get(doc,
	    "title")));
	if (words != NULL) {
		add(&t, "\n\n");
		add(&t, json_string_value(words));
	}
	json_decref(words);
	out = t.oom ? NULL : json_string(t.s);
	free(t.s);
	return out;
}

static const char *
employment_type(const char *t)
{
	if (t == NULL)
		return "OTHER";
	if (strcmp(t, "full_time") == 0)
		return "FULL_TIME";
	if (strcmp(t, "part_time") == 0)
		return "PART_TIME";
	if (strcmp(t, "internship") == 0)
		return "INTERN";
	return "OTHER";
}

/* The Place of the posting: its town (given, or nearest its location),
 * the region and the country; its coordinates. */
static json_t *
place(const struct jsonld_posting *in)
{
	json_t *doc = in->doc, *loc = json_object_get(doc, "location");
	const char *code = json_string_value(json_object_get(doc, "town"));
	int town = code != NULL ? towns_find(in->towns, code) : -1;
	double lat, lon;
	json_t *addr;

	if (json_is_object(loc)) {
		lat = json_number_value(json_object_get(loc, "lat"));
		lon = json_number_value(json_object_get(loc, "lon"));
		town = towns_pick(in->towns, town, lat, lon);
	} else if (town >= 0) {
		lat = in->towns->v[town].lat;
		lon = in->towns->v[town].lon;
	} else
		return NULL;
	addr = json_pack("{s:s, s:s}", "@type", "PostalAddress",
	    "addressCountry", "CN");
	if (addr == NULL)
		return NULL;
	if (town >= 0)
		json_object_set_new(addr, "addressLocality",
		    json_string(in->towns->v[town].name));
	if (in->region != NULL && in->region[0] != '\0')
		json_object_set_new(addr, "addressRegion",
		    json_string(in->region));
	return json_pack("{s:s, s:o, s:{s:s, s:f, s:f}}", "@type", "Place",
	    "address", addr, "geo", "@type", "GeoCoordinates", "latitude", lat,
	    "longitude", lon);
}

/* The ContactPoint of the effective contact and how_to_apply; NULL when
 * there is neither. */
static json_t *
contact_point(const struct jsonld_posting *in)
{
	static const char *const map[][2] = { { "name", "name" },
	    { "phone", "telephone" }, { "email", "email" }, { "url", "url" } };
	json_t *c = in->contact, *o, *how;
	const char *address = json_string_value(json_object_get(c, "address"));
	const char *hours = json_string_value(json_object_get(c, "hours"));

	how = json_object_get(in->doc, "how_to_apply");
	if (json_object_size(c) == 0 && how == NULL)
		return NULL;
	if ((o = json_pack("{s:s}", "@type", address != NULL ?
	    "PostalAddress" : "ContactPoint")) == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (json_is_string(json_object_get(c, map[i][0])))
			json_object_set(o, map[i][1],
			    json_object_get(c, map[i][0]));
	if (address != NULL) {
		json_object_set_new(o, "streetAddress", json_string(address));
		if (in->region != NULL && in->region[0] != '\0')
			json_object_set_new(o, "addressRegion",
			    json_string(in->region));
		json_object_set_new(o, "addressCountry", json_string("CN"));
	}
	if (hours != NULL)
		json_object_set_new(o, "hoursAvailable", json_pack("{s:s, s:s}",
		    "@type", "OpeningHoursSpecification", "description",
		    hours));
	if (json_is_string(how))
		json_object_set(o, "description", how);
	return o;
}

json_t *
jsonld_posting(const struct jsonld_posting *in, bool context)
{
	json_t *doc = in->doc, *o, *v, *salary, *skills;
	const char *id = json_string_value(json_object_get(doc, "id"));
	const char *emp = json_string_value(json_object_get(doc,
	    "employer_id"));
	const char *title = json_string_value(json_object_get(doc, "title"));
	char ident[2 * 64 + 2];

	if (!json_is_object(doc) || id == NULL || emp == NULL || title == NULL
	    || strlen(id) > 64 || strlen(emp) > 64)
		return NULL;
	if ((o = json_object()) == NULL)
		return NULL;
	if (context)
		json_object_set_new(o, "@context", json_string(JSONLD_CONTEXT));
	json_object_set_new(o, "@type", json_string("JobPosting"));
	json_object_set_new(o, "title", json_string(title));
	json_object_set_new(o, "description", description(doc));
	json_object_set_new(o, "datePosted", json_string(in->date_posted));
	if (in->valid_through != NULL)
		json_object_set_new(o, "validThrough",
		    json_string(in->valid_through));
	json_object_set_new(o, "employmentType", json_string(employment_type(
	    json_string_value(json_object_get(doc, "employment_type")))));
	json_object_set_new(o, "hiringOrganization", json_pack(
	    "{s:s, s:s, s:s}", "@type", "Organization", "name",
	    in->employer_name != NULL ? in->employer_name : emp,
	    "identifier", emp));
	if ((v = place(in)) != NULL)
		json_object_set_new(o, "jobLocation", v);
	if (json_is_true(json_object_get(doc, "remote")))
		json_object_set_new(o, "jobLocationType",
		    json_string("TELECOMMUTE"));
	if ((salary = json_object_get(doc, "salary")) != NULL &&
	    json_is_object(salary))
		json_object_set_new(o, "baseSalary", json_pack(
		    "{s:s, s:s, s:{s:s, s:O, s:O, s:s}}", "@type",
		    "MonetaryAmount", "currency", "CNY", "value", "@type",
		    "QuantitativeValue", "minValue",
		    json_object_get(salary, "min"), "maxValue",
		    json_object_get(salary, "max"), "unitText", "MONTH"));
	if ((v = json_object_get(doc, "openings")) != NULL)
		json_object_set(o, "totalJobPositions", v);
	if ((skills = json_object_get(doc, "skills")) != NULL &&
	    json_array_size(skills) > 0)
		json_object_set(o, "skills", skills);
	snprintf(ident, sizeof(ident), "%s:%s", emp, id);
	json_object_set_new(o, "identifier", json_pack("{s:s, s:s, s:s}",
	    "@type", "PropertyValue", "propertyID", "jobmatchd", "value",
	    ident));
	if ((v = contact_point(in)) != NULL)
		json_object_set_new(o, "applicationContact", v);
	if ((v = access_words(doc, false, SIDE_PHYSICAL)) != NULL)
		json_object_set_new(o, "physicalRequirement", v);
	if ((v = access_words(doc, false, SIDE_SENSORY)) != NULL)
		json_object_set_new(o, "sensoryRequirement", v);
	if (json_object_get(o, "description") == NULL ||
	    json_object_get(o, "hiringOrganization") == NULL) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *
jsonld_graph(json_t *items)
{
	if (items == NULL)
		return NULL;
	return json_pack("{s:s, s:o}", "@context", JSONLD_CONTEXT, "@graph",
	    items);
}
