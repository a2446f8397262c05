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
