/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * codec_rules.c - a rule-set document from JSON into a struct rules_spec
 * (weights, distance decay, synonyms, rules and their conditions, flags),
 * each field validated, and compiled under the regex limits (see codec.h
 * and docs/rules.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/codec.h"

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
	static const char *const keys[] = { "name", "description", "label",
	    "when", "then", NULL };
	static const char *const lkeys[] = { "zh", "en", NULL };
	static const char *const tkeys[] = { "boost", NULL };
	char sub[PATH_MAX_LEN];
	const char *name = NULL, *desc = NULL, *zh = NULL, *en = NULL, *key;
	json_t *when, *then, *label, *v;

	if (pv_object(obj, path, keys, e) == -1 ||
	    pv_id(obj, path, "name", true, false, &name, e) == -1 ||
	    pv_str(obj, path, "description", false, 2000, &desc, e) == -1)
		return -1;
	if ((r->name = strdup(name)) == NULL)
		return pv_fail(e, path, "name", "out of memory");
	if ((label = json_object_get(obj, "label")) != NULL) {
		pv_join(sub, path, "label");
		if (pv_object(label, sub, lkeys, e) == -1 ||
		    pv_str(label, sub, "zh", true, RULE_LABEL_MAX, &zh, e) ==
		    -1 ||
		    pv_str(label, sub, "en", true, RULE_LABEL_MAX, &en, e) == -1)
			return -1;
		if (zh[0] == '\0' || en[0] == '\0')
			return pv_fail(e, sub, zh[0] == '\0' ? "zh" : "en",
			    "must not be empty");
		if ((r->label_zh = strdup(zh)) == NULL ||
		    (r->label_en = strdup(en)) == NULL)
			return pv_fail(e, sub, NULL, "out of memory");
	}
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

/* flags: [{name, pattern, reason: {zh, en}}] (docs/rules.md, "Flags"). */
static int
decode_flags(json_t *obj, struct rules_spec *spec, struct perr *e)
{
	static const char *const keys[] = { "name", "pattern", "reason",
	    NULL };
	static const char *const rkeys[] = { "zh", "en", NULL };
	char idx[PATH_MAX_LEN + 24], sub[PATH_MAX_LEN];
	json_t *v = json_object_get(obj, "flags"), *item, *reason;
	size_t i;

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_array(v) || json_array_size(v) > FLAGS_MAX)
		return pv_fail(e, "flags", NULL,
		    "must be an array of at most %d flags", FLAGS_MAX);
	if (json_array_size(v) == 0)
		return 0;
	if ((spec->flags = calloc(json_array_size(v), sizeof(*spec->flags))) ==
	    NULL)
		return pv_fail(e, "flags", NULL, "out of memory");
	json_array_foreach(v, i, item) {
		struct flag_spec *f = &spec->flags[i];
		const char *name = NULL, *pat = NULL, *zh = NULL, *en = NULL;

		snprintf(idx, sizeof(idx), "flags[%zu]", i);
		spec->nflags++;		/* so that a failure frees it */
		if (pv_object(item, idx, keys, e) == -1 ||
		    pv_id(item, idx, "name", true, false, &name, e) == -1 ||
		    pv_str(item, idx, "pattern", true, 4096, &pat, e) == -1)
			return -1;
		if (pat[0] == '\0')
			return pv_fail(e, idx, "pattern", "must not be empty");
		if ((reason = json_object_get(item, "reason")) == NULL)
			return pv_fail(e, idx, "reason", "is required");
		pv_join(sub, idx, "reason");
		if (pv_object(reason, sub, rkeys, e) == -1 ||
		    pv_str(reason, sub, "zh", true, FLAG_REASON_MAX, &zh, e) ==
		    -1 ||
		    pv_str(reason, sub, "en", true, FLAG_REASON_MAX, &en,
		    e) == -1)
			return -1;
		if (zh[0] == '\0' || en[0] == '\0')
			return pv_fail(e, sub, zh[0] == '\0' ? "zh" : "en",
			    "must not be empty");
		if ((f->name = strdup(name)) == NULL ||
		    (f->pattern = strdup(pat)) == NULL ||
		    (f->reason_zh = strdup(zh)) == NULL ||
		    (f->reason_en = strdup(en)) == NULL)
			return pv_fail(e, idx, NULL, "out of memory");
	}
	return 0;
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
	    "weights", "distance", "synonyms", "rules", "flags", NULL };
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
	if (decode_synonyms(obj, spec, e) == -1 ||
	    decode_flags(obj, spec, e) == -1)
		return -1;
	return decode_rules(obj, spec, e);
}
