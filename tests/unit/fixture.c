/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * fixture.c - see fixture.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/codec.h"
#include "fixture.h"

#ifndef JM_SOURCE_DIR
#error "JM_SOURCE_DIR must name the repository root"
#endif
#define DEFAULT_RULES	JM_SOURCE_DIR "/data/rules.default.json"

int
fixture_towns(struct towns *t, const char *tsv)
{
	char err[200];

	if (towns_parse(t, tsv, strlen(tsv), err, sizeof(err)) == -1) {
		fprintf(stderr, "towns_parse: %s\n", err);
		return -1;
	}
	return 0;
}

struct rules *
fixture_rules(const char *doc, const struct regex_limits *lim)
{
	struct regex_limits def;
	struct rules *r;
	json_error_t je;
	json_t *o = json_loads(doc, 0, &je);
	char err[256];

	if (o == NULL)
		fail_msg("bad rules JSON: %s", je.text);
	if (lim == NULL) {
		regex_limits_defaults(&def);
		lim = &def;
	}
	if ((r = codec_rules_build(o, lim, err, sizeof(err))) == NULL)
		fail_msg("rules refused: %s", err);
	json_decref(o);
	return r;
}

json_t *
fixture_json(const char *s)
{
	char *t = strdup(s);
	json_error_t je;
	json_t *v;

	assert_non_null(t);
	for (char *p = t; *p != '\0'; p++)
		if (*p == '\'')
			*p = '"';
	v = json_loads(t, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
	if (v == NULL)
		fail_msg("bad test JSON %s: %s", t, je.text);
	free(t);
	return v;
}

int
fixture_decode(const char *s, struct rules_spec *spec, struct perr *e)
{
	json_t *o = fixture_json(s);
	int rc;

	rules_spec_defaults(spec);
	memset(e, 0, sizeof(*e));
	rc = codec_rules_decode(o, spec, e);
	json_decref(o);
	return rc;
}

void
fixture_refused(const char *s, const char *field, const char *reason)
{
	struct rules_spec spec;
	struct perr e;

	if (fixture_decode(s, &spec, &e) != -1)
		fail_msg("accepted %s, expected an error on %s", s, field);
	if (strcmp(e.field, field) != 0)
		fail_msg("%s: error on %s (%s), expected %s", s, e.field,
		    e.reason, field);
	if (reason != NULL)
		assert_string_equal(e.reason, reason);
	assert_true(e.reason[0] != '\0');
	rules_spec_clear(&spec);
}

/* The whole of the file at path, in a new string. */
static char *
read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

struct rules *
fixture_default_rules(void)
{
	char *text = read_file(DEFAULT_RULES);
	struct regex_limits lim;
	struct rules_spec spec;
	struct rules_error err;
	struct rules *r = NULL;
	struct perr e;
	json_error_t je;
	json_t *o;

	if ((o = json_loads(text, JSON_REJECT_DUPLICATES, &je)) == NULL)
		fail_msg("%s: %s", DEFAULT_RULES, je.text);
	free(text);
	rules_spec_defaults(&spec);
	if (codec_rules_decode(o, &spec, &e) == -1)
		fail_msg("%s refused: %s: %s", DEFAULT_RULES, e.field,
		    e.reason);
	json_decref(o);
	regex_limits_defaults(&lim);
	if (rules_compile(&r, &spec, &lim, &err) == -1)
		fail_msg("%s: %s %s %ld: %s", DEFAULT_RULES, err.rule,
		    err.field, err.offset, err.reason);
	assert_int_equal(spec.nrules, 0);
	return r;
}

int
fixture_mirror(struct towns *t, const char *tsv, struct rules *rules,
    struct matcher **m)
{
	if (fixture_towns(t, tsv) == -1)
		return -1;
	return (*m = matcher_new(t, rules)) == NULL ? -1 : 0;
}

void
fixture_mirror_free(struct towns *t, struct matcher *m)
{
	matcher_free(m);
	towns_free(t);
}

void
fixture_employer(struct matcher *m, const char *id, const char *name,
    int type)
{
	struct employer e;

	employer_init(&e);
	snprintf(e.id, sizeof(e.id), "%s", id);
	e.name = strdup(name);
	e.type = type;
	e.town = 0;
	assert_int_equal(matcher_put_employer(m, &e), 0);
	employer_clear(&e);
}

void
fixture_put(struct matcher *m, const struct towns *t, double lat, double lon,
    json_t *over, const char *text)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:[s], s:s, s:{s:f, s:f}}",
	    "id", "x", "employer_id", "e1", "title", "文员",
	    "accessible_for", "any", "employment_type", "full_time",
	    "location", "lat", lat, "lon", lon);
	struct job j;
	struct perr e;

	/* A town alone stands for the town's centre. */
	if (json_object_get(over, "town") != NULL &&
	    json_object_get(over, "location") == NULL)
		json_object_del(o, "location");
	json_object_update(o, over);
	json_decref(over);
	job_init(&j);
	if (codec_job_decode(o, "job", t, &j, &e) == -1)
		fail_msg("job %s refused: %s: %s", text, e.field, e.reason);
	json_decref(o);
	assert_int_equal(matcher_put_job(m, &j), 0);
	job_clear(&j);
}

const struct match_hit *
fixture_hit(const struct match_result *res, const char *id)
{
	for (size_t i = 0; i < res->n; i++)
		if (strcmp(res->hits[i].job->id, id) == 0)
			return &res->hits[i];
	fail_msg("%s is not among the hits", id);
	return NULL;
}

uint64_t
fixture_rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

double
fixture_unif(uint64_t *s)
{
	return (double)(fixture_rnd(s) >> 11) / 9007199254740992.0;
}
