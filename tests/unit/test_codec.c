/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * test_codec.c - proto/codec.h and proto/params.h: decoding and validating
 * postings, employers, match params and rule sets, the vocabulary answer,
 * and the gazetteer they look towns up in.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/codec.h"
#include "fixture.h"

/* A county line (skipped) and three townships, one of them rural. */
static const char towns_tsv[] =
    "code\tname\tkind\tpinyin\tlat\tlon\tsource\n"
    "500231000000\t垫江县\tcounty\tDianjiang\t30.3336\t107.3455\tx\n"
    "500231001000\t桂溪街道\tsubdistrict\tGuixi\t30.3336\t107.3455\tx\n"
    "500231101000\t新民镇\ttown\tXinmin\t30.3976\t107.3895\tx\n"
    "500231102000\t沙坪镇\ttown\tShaping\t30.25\t107.4\tx\n";

#define T_GUIXI		0
#define T_XINMIN	1
#define T_SHAPING	2

static struct towns towns;

static int
setup(void **state)
{
	char err[200];

	(void)state;
	if (towns_parse(&towns, towns_tsv, sizeof(towns_tsv) - 1, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "towns_parse: %s\n", err);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	towns_free(&towns);
	return 0;
}

static json_t *
load(const char *s)
{
	json_error_t je;
	json_t *v = json_loads(s, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
	    &je);

	if (v == NULL)
		fail_msg("bad test JSON %s: %s", s, je.text);
	return v;
}

/* s repeated n times, in a new string. */
static char *
repeat(const char *s, size_t n)
{
	size_t l = strlen(s);
	char *b = malloc(l * n + 1);

	assert_non_null(b);
	for (size_t i = 0; i < n; i++)
		memcpy(b + i * l, s, l);
	b[l * n] = '\0';
	return b;
}

/* ---- postings ---------------------------------------------------------- */

static const char full_job[] =
    "{\"id\":\"post:2024.01-a_B\",\"employer_id\":\"dj-hrss\","
    "\"title\":\"盲人按摩师\",\"description\":\"医疗按摩，需持证\","
    "\"skills\":[\"按摩\",\"Excel\"],"
    "\"accessible_for\":[\"visual\",\"hearing\"],\"grades\":[1,3],"
    "\"accommodations\":[\"screen_reader\",\"braille\"],"
    "\"employment_type\":\"public_welfare\","
    "\"location\":{\"lat\":30.4,\"lon\":107.39},\"town\":\"500231101000\","
    "\"remote\":true,\"salary\":{\"min\":3000,\"max\":5000},"
    "\"openings\":3,\"expires_at\":1900000000}";

/* The full job with key replaced by the JSON text val (removed if NULL). */
static json_t *
job_with(const char *key, const char *val)
{
	json_t *o = load(full_job);

	if (val == NULL)
		json_object_del(o, key);
	else
		json_object_set_new(o, key, load(val));
	return o;
}

/* Decodes obj (stolen) as "job"; returns the decoder's result. */
static int
decode_job(json_t *obj, struct job *j, struct perr *e)
{
	int rc;

	job_init(j);
	memset(e, 0, sizeof(*e));
	rc = codec_job_decode(obj, "job", &towns, j, e);
	json_decref(obj);
	return rc;
}

/* obj (stolen) must be refused, naming field. */
static void
job_refused(json_t *obj, const char *field)
{
	struct job j;
	struct perr e;

	if (decode_job(obj, &j, &e) != -1)
		fail_msg("accepted, expected an error on %s", field);
	assert_string_equal(e.field, field);
	assert_true(e.reason[0] != '\0');
	job_clear(&j);
}

/* obj (stolen) must be accepted. */
static void
job_accepted(json_t *obj)
{
	struct job j;
	struct perr e;

	if (decode_job(obj, &j, &e) != 0)
		fail_msg("refused: %s: %s", e.field, e.reason);
	job_clear(&j);
}

static void
test_job_full(void **state)
{
	struct job j;
	struct perr e;

	(void)state;
	assert_int_equal(decode_job(load(full_job), &j, &e), 0);
	assert_string_equal(j.id, "post:2024.01-a_B");
	assert_string_equal(j.employer_id, "dj-hrss");
	assert_string_equal(j.title, "盲人按摩师");
	assert_string_equal(j.description, "医疗按摩，需持证");
	assert_int_equal(j.nskills, 2);
	assert_string_equal(j.skills[0], "按摩");
	assert_string_equal(j.skills[1], "Excel");
	assert_int_equal(j.dis_mask, 1u << DIS_VISUAL | 1u << DIS_HEARING);
	assert_false(j.dis_any);
	assert_int_equal(j.grades_mask, 1u << 1 | 1u << 3);
	assert_int_equal(j.accom_mask, 1u << 5 | 1u << 7);
	assert_int_equal(j.employment, EMP_PUBLIC_WELFARE);
	assert_true(j.has_location);
	assert_true(j.lat == 30.4);
	assert_true(j.lon == 107.39);
	assert_int_equal(j.town, T_XINMIN);
	assert_true(j.remote);
	assert_true(j.has_salary);
	assert_int_equal(j.salary_min, 3000);
	assert_int_equal(j.salary_max, 5000);
	assert_int_equal(j.openings, 3);
	assert_int_equal(j.expires_at, 1900000000);
	assert_int_equal(j.status, JOB_OPEN);
	job_clear(&j);
}

static void
test_job_minimal(void **state)
{
	struct job j;
	struct perr e;

	(void)state;
	assert_int_equal(decode_job(load("{\"id\":\"1\",\"employer_id\":\"e\","
	    "\"title\":\"保洁员\",\"accessible_for\":[\"any\"],"
	    "\"employment_type\":\"full_time\",\"town\":\"500231102000\"}"),
	    &j, &e), 0);
	assert_true(j.dis_any);
	assert_int_equal(j.dis_mask, 0);
	assert_int_equal(j.grades_mask, 0);
	assert_int_equal(j.accom_mask, 0);
	assert_null(j.description);
	assert_null(j.skills);
	assert_int_equal(j.nskills, 0);
	assert_false(j.has_location);
	assert_int_equal(j.town, T_SHAPING);
	assert_false(j.remote);
	assert_false(j.has_salary);
	assert_int_equal(j.openings, 1);
	assert_int_equal(j.expires_at, 0);
	job_clear(&j);
}

static void
test_job_required(void **state)
{
	(void)state;
	job_refused(job_with("id", NULL), "job.id");
	job_refused(job_with("employer_id", NULL), "job.employer_id");
	job_refused(job_with("title", NULL), "job.title");
	job_refused(job_with("accessible_for", NULL), "job.accessible_for");
	job_refused(job_with("employment_type", NULL), "job.employment_type");
	/* null counts as absent. */
	job_refused(job_with("title", "null"), "job.title");
	job_refused(job_with("accessible_for", "null"), "job.accessible_for");
	/* Neither location nor town. */
	json_t *o = job_with("town", NULL);
	json_object_del(o, "location");
	job_refused(o, "job.location");
	o = job_with("town", "null");
	json_object_set_new(o, "location", json_null());
	job_refused(o, "job.location");
	/* Either one alone is enough. */
	job_accepted(job_with("town", NULL));
	job_accepted(job_with("location", NULL));
	/* Optional fields may be left out. */
	o = load(full_job);
	json_object_del(o, "description");
	json_object_del(o, "skills");
	json_object_del(o, "grades");
	json_object_del(o, "accommodations");
	json_object_del(o, "remote");
	json_object_del(o, "salary");
	json_object_del(o, "openings");
	json_object_del(o, "expires_at");
	job_accepted(o);
}

static void
test_job_types(void **state)
{
	(void)state;
	job_refused(load("[]"), "job");
	job_refused(load("\"job\""), "job");
	job_refused(job_with("id", "5"), "job.id");
	job_refused(job_with("employer_id", "[\"e\"]"), "job.employer_id");
	job_refused(job_with("title", "5"), "job.title");
	job_refused(job_with("title", "\"\""), "job.title");
	job_refused(job_with("description", "[]"), "job.description");
	job_refused(job_with("skills", "\"按摩\""), "job.skills");
	job_refused(job_with("skills", "[\"a\",1]"), "job.skills[1]");
	job_refused(job_with("accessible_for", "\"visual\""),
	    "job.accessible_for");
	job_refused(job_with("accessible_for", "[]"), "job.accessible_for");
	job_refused(job_with("accessible_for", "[1]"), "job.accessible_for[0]");
	job_refused(job_with("grades", "2"), "job.grades");
	job_refused(job_with("grades", "[\"2\"]"), "job.grades[0]");
	job_refused(job_with("grades", "[2.0]"), "job.grades[0]");
	job_refused(job_with("accommodations", "{}"), "job.accommodations");
	job_refused(job_with("accommodations", "[true]"),
	    "job.accommodations[0]");
	job_refused(job_with("employment_type", "1"), "job.employment_type");
	job_refused(job_with("employment_type", "\"boss\""),
	    "job.employment_type");
	job_refused(job_with("location", "[30.4,107.39]"), "job.location");
	job_refused(job_with("location", "{\"lat\":\"30\",\"lon\":107}"),
	    "job.location.lat");
	job_refused(job_with("location", "{\"lat\":30}"), "job.location.lon");
	job_refused(job_with("location", "{\"lat\":90.5,\"lon\":107}"),
	    "job.location.lat");
	/* Redis GEO sets stop at 85.05112878 degrees: postings too. */
	job_refused(job_with("location", "{\"lat\":85.06,\"lon\":107}"),
	    "job.location.lat");
	job_refused(job_with("location", "{\"lat\":-85.06,\"lon\":107}"),
	    "job.location.lat");
	job_refused(job_with("location", "{\"lat\":30,\"lon\":-180.1}"),
	    "job.location.lon");
	job_refused(job_with("location", "{\"lat\":30,\"lon\":107,\"alt\":1}"),
	    "job.location.alt");
	job_refused(job_with("town", "500231101000"), "job.town");
	job_refused(job_with("remote", "\"yes\""), "job.remote");
	job_refused(job_with("remote", "1"), "job.remote");
	job_refused(job_with("salary", "3000"), "job.salary");
	job_refused(job_with("salary", "{\"min\":1.5,\"max\":2}"),
	    "job.salary.min");
	job_refused(job_with("salary", "{\"min\":-1,\"max\":2}"),
	    "job.salary.min");
	job_refused(job_with("salary", "{\"min\":1}"), "job.salary.max");
	job_refused(job_with("salary", "{\"min\":1,\"max\":2,\"cur\":\"CNY\"}"),
	    "job.salary.cur");
	job_refused(job_with("openings", "\"3\""), "job.openings");
	job_refused(job_with("openings", "2.0"), "job.openings");
	job_refused(job_with("expires_at", "-1"), "job.expires_at");
	job_refused(job_with("expires_at", "4102444801"), "job.expires_at");
	/* "never expires" is said by leaving expires_at out, not by 0; a
	 * time before 2000 is a mistake (a duration in seconds, say) */
	job_refused(job_with("expires_at", "0"), "job.expires_at");
	job_refused(job_with("expires_at", "2592000"), "job.expires_at");
	job_refused(job_with("expires_at", "946684799"), "job.expires_at");
	job_accepted(job_with("expires_at", "946684800"));
	job_accepted(job_with("expires_at", "4102444800"));
}

static void
test_job_lengths(void **state)
{
	char *s, *q;
	json_t *o;

	(void)state;
	/* 200 Chinese characters are 600 bytes and fit; 201 do not. */
	s = repeat("残", 200);
	assert_int_equal(strlen(s), 600);
	o = job_with("title", NULL);
	json_object_set_new(o, "title", json_string(s));
	job_accepted(o);
	free(s);
	s = repeat("残", 201);
	o = job_with("title", NULL);
	json_object_set_new(o, "title", json_string(s));
	job_refused(o, "job.title");
	free(s);

	/* description: 8000 characters. */
	s = repeat("a", 8000);
	o = job_with("description", NULL);
	json_object_set_new(o, "description", json_string(s));
	job_accepted(o);
	free(s);
	s = repeat("a", 8001);
	o = job_with("description", NULL);
	json_object_set_new(o, "description", json_string(s));
	job_refused(o, "job.description");
	free(s);

	/* ids: 64 bytes. */
	s = repeat("a", 64);
	o = job_with("id", NULL);
	json_object_set_new(o, "id", json_string(s));
	json_object_set_new(o, "employer_id", json_string(s));
	job_accepted(o);
	free(s);
	s = repeat("a", 65);
	o = job_with("id", NULL);
	json_object_set_new(o, "id", json_string(s));
	job_refused(o, "job.id");
	o = job_with("employer_id", NULL);
	json_object_set_new(o, "employer_id", json_string(s));
	job_refused(o, "job.employer_id");
	free(s);

	/* skills: 50 of at most 64 characters. */
	o = job_with("skills", "[]");
	for (int i = 0; i < 50; i++)
		json_array_append_new(json_object_get(o, "skills"),
		    json_string("推拿"));
	q = json_dumps(o, 0);
	job_accepted(o);
	o = load(q);
	json_array_append_new(json_object_get(o, "skills"), json_string("x"));
	job_refused(o, "job.skills");
	free(q);
	s = repeat("技", 64);
	o = job_with("skills", "[\"a\"]");
	json_array_append_new(json_object_get(o, "skills"), json_string(s));
	job_accepted(o);
	free(s);
	s = repeat("技", 65);
	o = job_with("skills", "[\"a\"]");
	json_array_append_new(json_object_get(o, "skills"), json_string(s));
	job_refused(o, "job.skills[1]");
	free(s);
}

static void
test_job_id_charset(void **state)
{
	struct job j;
	struct perr e;

	(void)state;
	assert_int_equal(decode_job(job_with("id", "\"A-z_0.9:x\""), &j, &e),
	    0);
	assert_string_equal(j.id, "A-z_0.9:x");
	job_clear(&j);
	job_refused(job_with("employer_id", "\"dj:hrss\""), "job.employer_id");
	job_refused(job_with("id", "\"a b\""), "job.id");
	job_refused(job_with("id", "\"a/b\""), "job.id");
	job_refused(job_with("id", "\"岗位1\""), "job.id");
	job_refused(job_with("employer_id", "\"dj\\u00e9\""),
	    "job.employer_id");
	job_refused(job_with("id", "\"\""), "job.id");
}

static void
test_pv_text(void **state)
{
	static const char *bad[] = {
		"\xff", "\x80", "ab\xc3", "\xc0\x80", "\xe0\x80\x80",
		"\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe6\xae",
		"\xe6\xae\x8b\xe6",
	};
	struct perr e;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		memset(&e, 0, sizeof(e));
		assert_int_equal(pv_text(bad[i], strlen(bad[i]), 100, "job",
		    "title", &e), -1);
		assert_string_equal(e.field, "job.title");
		assert_string_equal(e.reason, "is not valid UTF-8 text");
	}
	/* A NUL byte inside is refused too. */
	assert_int_equal(pv_text("a\0b", 3, 100, "job", "title", &e), -1);
	assert_string_equal(e.reason, "is not valid UTF-8 text");

	/* "残疾😀": 3 characters. */
	assert_int_equal(pv_text("残疾\xf0\x9f\x98\x80", 10, 3, "p", "k", &e),
	    0);
	assert_int_equal(pv_text("残疾\xf0\x9f\x98\x80", 10, 2, "p", "k", &e),
	    -1);
	assert_string_equal(e.field, "p.k");
	assert_string_equal(e.reason, "longer than 2 characters");
	assert_int_equal(pv_text("", 0, 0, "", "k", &e), 0);
	assert_int_equal(pv_text("x", 1, 0, "", "k", &e), -1);
	assert_string_equal(e.field, "k");
}

static void
test_pv_join(void **state)
{
	char out[PATH_MAX_LEN];

	(void)state;
	pv_join(out, "a", "b");
	assert_string_equal(out, "a.b");
	pv_join(out, "", "b");
	assert_string_equal(out, "b");
	pv_join(out, "a.b[2]", NULL);
	assert_string_equal(out, "a.b[2]");
}

static void
test_job_enums(void **state)
{
	struct job j;
	struct perr e;

	(void)state;
	job_refused(job_with("accommodations", "[\"braille\",\"teleporter\"]"),
	    "job.accommodations[1]");
	job_refused(job_with("accommodations", "[\"Braille\"]"),
	    "job.accommodations[0]");
	job_refused(job_with("accessible_for", "[\"visual\",\"blind\"]"),
	    "job.accessible_for[1]");
	job_refused(job_with("accessible_for", "[\"visual\",\"hearing\","
	    "\"speech\",\"physical\",\"intellectual\",\"mental\",\"multiple\","
	    "\"visual\"]"), "job.accessible_for");
	/* All 20 accommodations, in reverse order. */
	assert_int_equal(decode_job(job_with("accommodations",
	    "[\"service_animal\",\"accessible_transport\",\"remote_work\","
	    "\"flexible_hours\",\"job_coach\",\"quiet_space\","
	    "\"written_instructions\",\"visual_alerts\",\"hearing_loop\","
	    "\"captioning\",\"sign_language\",\"large_print\",\"braille\","
	    "\"screen_magnifier\",\"screen_reader\","
	    "\"adjustable_workstation\",\"accessible_parking\","
	    "\"accessible_toilet\",\"elevator\",\"step_free_access\"]"),
	    &j, &e), 0);
	assert_int_equal(j.accom_mask, (1u << ACCOM_COUNT) - 1);
	job_clear(&j);
	/* Every disability type. */
	assert_int_equal(decode_job(job_with("accessible_for",
	    "[\"multiple\",\"mental\",\"intellectual\",\"physical\","
	    "\"speech\",\"hearing\",\"visual\"]"), &j, &e), 0);
	assert_int_equal(j.dis_mask, DIS_ALL_MASK);
	assert_false(j.dis_any);
	job_clear(&j);
}

static void
test_job_any(void **state)
{
	struct job j;
	struct perr e;

	(void)state;
	assert_int_equal(decode_job(job_with("accessible_for", "[\"any\"]"),
	    &j, &e), 0);
	assert_true(j.dis_any);
	assert_int_equal(j.dis_mask, 0);
	job_clear(&j);
	job_refused(job_with("accessible_for", "[\"any\",\"visual\"]"),
	    "job.accessible_for[0]");
	job_refused(job_with("accessible_for", "[\"visual\",\"any\"]"),
	    "job.accessible_for[1]");
	job_refused(job_with("accessible_for", "[\"any\",\"any\"]"),
	    "job.accessible_for[0]");
}

static void
test_job_grades(void **state)
{
	struct job j;
	struct perr e;

	(void)state;
	job_refused(job_with("grades", "[0]"), "job.grades[0]");
	job_refused(job_with("grades", "[1,5]"), "job.grades[1]");
	job_refused(job_with("grades", "[-1]"), "job.grades[0]");
	job_refused(job_with("grades", "[]"), "job.grades");
	job_refused(job_with("grades", "[1,2,3,4,1]"), "job.grades");
	assert_int_equal(decode_job(job_with("grades", "[4,1,2,3]"), &j, &e),
	    0);
	assert_int_equal(j.grades_mask, 0x1e);
	job_clear(&j);
	assert_int_equal(decode_job(job_with("grades", "null"), &j, &e), 0);
	assert_int_equal(j.grades_mask, 0);
	job_clear(&j);
}

static void
test_job_salary_openings(void **state)
{
	struct job j;
	struct perr e;

	(void)state;
	job_refused(job_with("salary", "{\"min\":5001,\"max\":5000}"),
	    "job.salary.min");
	assert_int_equal(decode_job(job_with("salary",
	    "{\"min\":4000,\"max\":4000}"), &j, &e), 0);
	assert_int_equal(j.salary_min, 4000);
	assert_int_equal(j.salary_max, 4000);
	job_clear(&j);
	job_refused(job_with("openings", "0"), "job.openings");
	job_refused(job_with("openings", "10001"), "job.openings");
	assert_int_equal(decode_job(job_with("openings", "10000"), &j, &e), 0);
	assert_int_equal(j.openings, 10000);
	job_clear(&j);
	assert_int_equal(decode_job(job_with("openings", "1"), &j, &e), 0);
	assert_int_equal(j.openings, 1);
	job_clear(&j);
}

static void
test_job_unknown_field(void **state)
{
	(void)state;
	job_refused(job_with("foo", "1"), "job.foo");
	job_refused(job_with("Title", "\"x\""), "job.Title");
	job_refused(job_with("version", "3"), "job.version");
}

static void
test_job_town(void **state)
{
	struct job j;
	struct perr e;

	(void)state;
	job_refused(job_with("town", "\"500231999000\""), "job.town");
	job_refused(job_with("town", "\"500231000000\""), "job.town");
	job_refused(job_with("town", "\"\""), "job.town");
	json_t *o = job_with("town", "\"500231001000\"");
	json_object_del(o, "location");
	assert_int_equal(decode_job(o, &j, &e), 0);
	assert_int_equal(j.town, T_GUIXI);
	assert_false(j.has_location);
	job_clear(&j);
}

static void
assert_jobs_equal(const struct job *a, const struct job *b)
{
	assert_string_equal(a->id, b->id);
	assert_string_equal(a->employer_id, b->employer_id);
	assert_string_equal(a->title, b->title);
	if (a->description == NULL)
		assert_null(b->description);
	else
		assert_string_equal(a->description, b->description);
	assert_int_equal(a->nskills, b->nskills);
	for (size_t i = 0; i < a->nskills; i++)
		assert_string_equal(a->skills[i], b->skills[i]);
	assert_int_equal(a->dis_mask, b->dis_mask);
	assert_int_equal(a->dis_any, b->dis_any);
	assert_int_equal(a->grades_mask, b->grades_mask);
	assert_int_equal(a->accom_mask, b->accom_mask);
	assert_int_equal(a->employment, b->employment);
	assert_int_equal(a->has_location, b->has_location);
	assert_true(a->lat == b->lat);
	assert_true(a->lon == b->lon);
	assert_int_equal(a->town, b->town);
	assert_int_equal(a->remote, b->remote);
	assert_int_equal(a->has_salary, b->has_salary);
	assert_int_equal(a->salary_min, b->salary_min);
	assert_int_equal(a->salary_max, b->salary_max);
	assert_int_equal(a->openings, b->openings);
	assert_int_equal(a->expires_at, b->expires_at);
}

/* Decodes text, encodes it, decodes the encoding; both must be equal. */
static void
round_trip(const char *text)
{
	struct job a, b;
	struct perr e;
	json_t *enc;

	if (decode_job(load(text), &a, &e) != 0)
		fail_msg("refused: %s: %s", e.field, e.reason);
	enc = codec_job_encode(&a, &towns);
	assert_non_null(enc);
	/* Through text as well, as the store keeps it. */
	char *s = json_dumps(enc, JSON_COMPACT);
	json_decref(enc);
	assert_non_null(s);
	if (decode_job(load(s), &b, &e) != 0)
		fail_msg("encoding refused: %s: %s (%s)", e.field, e.reason, s);
	assert_jobs_equal(&a, &b);
	free(s);
	job_clear(&a);
	job_clear(&b);
}

static void
test_job_round_trip(void **state)
{
	struct job j;
	struct perr e;
	json_t *enc;

	(void)state;
	round_trip(full_job);
	round_trip("{\"id\":\"1\",\"employer_id\":\"e\",\"title\":\"保洁员\","
	    "\"accessible_for\":[\"any\"],\"employment_type\":\"sheltered\","
	    "\"location\":{\"lat\":30.123456789,\"lon\":107.987654321}}");
	round_trip("{\"id\":\"2\",\"employer_id\":\"e\",\"title\":\"t\","
	    "\"accessible_for\":[\"mental\"],\"employment_type\":\"flexible\","
	    "\"town\":\"500231001000\",\"skills\":[],\"accommodations\":[]}");

	/* The encoding itself: identifiers in vocabulary order. */
	assert_int_equal(decode_job(load(full_job), &j, &e), 0);
	enc = codec_job_encode(&j, &towns);
	char *s = json_dumps(json_object_get(enc, "accessible_for"), 0);
	assert_string_equal(s, "[\"visual\", \"hearing\"]");
	free(s);
	s = json_dumps(json_object_get(enc, "grades"), 0);
	assert_string_equal(s, "[1, 3]");
	free(s);
	s = json_dumps(json_object_get(enc, "accommodations"), 0);
	assert_string_equal(s, "[\"screen_reader\", \"braille\"]");
	free(s);
	assert_string_equal(json_string_value(json_object_get(enc, "town")),
	    "500231101000");
	assert_null(json_object_get(enc, "version"));
	json_decref(enc);
	job_clear(&j);
}

/* ---- employers ---------------------------------------------------------- */

static const char full_employer[] =
    "{\"id\":\"dj-hrss\",\"name\":\"垫江县人力资源和社会保障局\","
    "\"type\":\"agency\",\"town\":\"500231001000\",\"headcount\":126,"
    "\"disabled_employees\":3,\"severe_disabled_employees\":1,"
    "\"avg_annual_salary\":98000}";

static json_t *
employer_with(const char *key, const char *val)
{
	json_t *o = load(full_employer);

	if (val == NULL)
		json_object_del(o, key);
	else
		json_object_set_new(o, key, load(val));
	return o;
}

static int
decode_employer(json_t *obj, struct employer *emp, struct perr *e)
{
	int rc;

	employer_init(emp);
	memset(e, 0, sizeof(*e));
	rc = codec_employer_decode(obj, "employer", &towns, emp, e);
	json_decref(obj);
	return rc;
}

static void
employer_refused(json_t *obj, const char *field)
{
	struct employer emp;
	struct perr e;

	if (decode_employer(obj, &emp, &e) != -1)
		fail_msg("accepted, expected an error on %s", field);
	assert_string_equal(e.field, field);
	employer_clear(&emp);
}

static void
test_employer_valid(void **state)
{
	struct employer emp, again;
	struct perr e;
	json_t *enc;

	(void)state;
	assert_int_equal(decode_employer(load(full_employer), &emp, &e), 0);
	assert_string_equal(emp.id, "dj-hrss");
	assert_string_equal(emp.name, "垫江县人力资源和社会保障局");
	assert_int_equal(emp.type, ET_AGENCY);
	assert_int_equal(emp.town, T_GUIXI);
	assert_int_equal(emp.headcount, 126);
	assert_int_equal(emp.disabled_employees, 3);
	assert_int_equal(emp.severe_disabled_employees, 1);
	assert_int_equal(emp.avg_annual_salary, 98000);

	enc = codec_employer_encode(&emp, &towns);
	assert_int_equal(decode_employer(enc, &again, &e), 0);
	assert_string_equal(again.id, emp.id);
	assert_string_equal(again.name, emp.name);
	assert_int_equal(again.type, emp.type);
	assert_int_equal(again.town, emp.town);
	assert_int_equal(again.headcount, emp.headcount);
	assert_int_equal(again.disabled_employees, emp.disabled_employees);
	assert_int_equal(again.severe_disabled_employees,
	    emp.severe_disabled_employees);
	assert_int_equal(again.avg_annual_salary, emp.avg_annual_salary);
	employer_clear(&again);
	employer_clear(&emp);

	/* Counts are optional and stay -1 when absent. */
	assert_int_equal(decode_employer(load("{\"id\":\"w1\","
	    "\"name\":\"阳光工坊\",\"type\":\"sheltered_workshop\","
	    "\"town\":\"500231102000\"}"), &emp, &e), 0);
	assert_int_equal(emp.type, ET_SHELTERED_WORKSHOP);
	assert_int_equal(emp.town, T_SHAPING);
	assert_int_equal(emp.headcount, -1);
	assert_int_equal(emp.disabled_employees, -1);
	assert_int_equal(emp.severe_disabled_employees, -1);
	assert_int_equal(emp.avg_annual_salary, -1);
	employer_clear(&emp);

	/* Equal counts are fine. */
	assert_int_equal(decode_employer(employer_with("disabled_employees",
	    "126"), &emp, &e), 0);
	employer_clear(&emp);
}

static void
test_employer_counts(void **state)
{
	(void)state;
	employer_refused(employer_with("disabled_employees", "127"),
	    "employer.disabled_employees");
	employer_refused(employer_with("severe_disabled_employees", "4"),
	    "employer.severe_disabled_employees");
	/* Severely disabled employees are some of the disabled employees. */
	employer_refused(employer_with("disabled_employees", NULL),
	    "employer.severe_disabled_employees");
	employer_refused(employer_with("headcount", "-1"),
	    "employer.headcount");
	employer_refused(employer_with("headcount", "1.5"),
	    "employer.headcount");
	employer_refused(employer_with("avg_annual_salary", "\"9\""),
	    "employer.avg_annual_salary");
}

static void
test_employer_bad(void **state)
{
	(void)state;
	employer_refused(employer_with("type", "\"bank\""), "employer.type");
	employer_refused(employer_with("type", "3"), "employer.type");
	employer_refused(employer_with("type", NULL), "employer.type");
	employer_refused(employer_with("name", NULL), "employer.name");
	employer_refused(employer_with("name", "[]"), "employer.name");
	employer_refused(employer_with("id", "\"dj:hrss\""), "employer.id");
	employer_refused(employer_with("town", NULL), "employer.town");
	employer_refused(employer_with("town", "null"), "employer.town");
	employer_refused(employer_with("town", "\"1\""), "employer.town");
	employer_refused(employer_with("town", "5"), "employer.town");
	employer_refused(employer_with("quota", "1"), "employer.quota");
	employer_refused(load("[]"), "employer");
}

/* ---- match params ------------------------------------------------------- */

static int
decode_match(const char *text, struct match_params *mp, struct perr *e)
{
	json_t *o = load(text);
	int rc;

	codec_match_init(mp);
	memset(e, 0, sizeof(*e));
	rc = codec_match_decode(o, &towns, mp, e);
	json_decref(o);
	return rc;
}

static void
match_refused(const char *text, const char *field)
{
	struct match_params mp;
	struct perr e;

	if (decode_match(text, &mp, &e) != -1)
		fail_msg("accepted, expected an error on %s", field);
	assert_string_equal(e.field, field);
	codec_match_clear(&mp);
}

#define PROF	"\"profile\":{\"disability\":{\"type\":\"visual\"," \
		"\"grade\":2},\"town\":\"500231101000\"}"

static void
test_match_valid(void **state)
{
	struct match_params mp;
	struct perr e;

	(void)state;
	assert_int_equal(decode_match("{\"profile\":{\"disability\":"
	    "{\"type\":\"physical\",\"grade\":1},"
	    "\"skills\":[\"推拿\",\"打字\"],"
	    "\"location\":{\"lat\":30.3,\"lon\":107.3},"
	    "\"max_distance_km\":12.5,"
	    "\"needs\":[\"elevator\",\"quiet_space\"],"
	    "\"flags\":[\"graduate\",\"rural\"],"
	    "\"avoid\":[\"voice_phone\"]},\"limit\":20,\"offset\":40,"
	    "\"explain\":true,\"filters\":{\"employment_types\":"
	    "[\"sheltered\",\"internship\"],\"employer_types\":[\"soe\"],"
	    "\"min_salary\":2500}}", &mp, &e), 0);
	assert_int_equal(mp.profile.disability, DIS_PHYSICAL);
	assert_int_equal(mp.profile.grade, 1);
	assert_int_equal(mp.profile.nskills, 2);
	assert_string_equal(mp.profile.skills[0], "推拿");
	assert_string_equal(mp.profile.skills[1], "打字");
	assert_true(mp.profile.lat == 30.3);
	assert_true(mp.profile.lon == 107.3);
	assert_true(mp.profile.max_distance_km == 12.5);
	assert_int_equal(mp.profile.needs_mask, 1u << 1 | 1u << 14);
	assert_int_equal(mp.profile.flags_mask,
	    1u << FLAG_GRADUATE | 1u << FLAG_RURAL);
	assert_int_equal(mp.profile.avoid_mask, 1u << AVOID_VOICE_PHONE);
	assert_int_equal(mp.limit, 20);
	assert_int_equal(mp.offset, 40);
	assert_true(mp.explain);
	assert_int_equal(mp.filters.employment_mask,
	    1u << EMP_SHELTERED | 1u << EMP_INTERNSHIP);
	assert_int_equal(mp.filters.employer_mask, 1u << ET_SOE);
	assert_int_equal(mp.filters.min_salary, 2500);
	assert_true(mp.filters.has_min_salary);
	codec_match_clear(&mp);

	/* Defaults; a town stands for its centre. */
	assert_int_equal(decode_match("{" PROF "}", &mp, &e), 0);
	assert_int_equal(mp.profile.disability, DIS_VISUAL);
	assert_int_equal(mp.profile.grade, 2);
	assert_true(mp.profile.lat == 30.3976);
	assert_true(mp.profile.lon == 107.3895);
	assert_true(mp.profile.max_distance_km == 0);
	assert_int_equal(mp.profile.nskills, 0);
	assert_int_equal(mp.limit, MATCH_LIMIT_DEFAULT);
	assert_int_equal(mp.offset, 0);
	assert_false(mp.explain);
	assert_int_equal(mp.filters.employment_mask, 0);
	assert_int_equal(mp.filters.employer_mask, 0);
	assert_int_equal(mp.filters.min_salary, 0);
	assert_false(mp.filters.has_min_salary);
	codec_match_clear(&mp);
}

static void
test_match_profile(void **state)
{
	(void)state;
	match_refused("{}", "profile");
	match_refused("{\"profile\":null}", "profile");
	match_refused("{\"profile\":[]}", "profile");
	match_refused("{\"profile\":{\"town\":\"500231101000\"}}",
	    "profile.disability");
	match_refused("{\"profile\":{\"disability\":\"visual\","
	    "\"town\":\"500231101000\"}}", "profile.disability");
	match_refused("{\"profile\":{\"disability\":{\"grade\":2},"
	    "\"town\":\"500231101000\"}}", "profile.disability.type");
	match_refused("{\"profile\":{\"disability\":{\"type\":\"blind\","
	    "\"grade\":2},\"town\":\"500231101000\"}}",
	    "profile.disability.type");
	match_refused("{\"profile\":{\"disability\":{\"type\":\"visual\"},"
	    "\"town\":\"500231101000\"}}", "profile.disability.grade");
	match_refused("{\"profile\":{\"disability\":{\"type\":\"visual\","
	    "\"grade\":5},\"town\":\"500231101000\"}}",
	    "profile.disability.grade");
	match_refused("{\"profile\":{\"disability\":{\"type\":\"visual\","
	    "\"grade\":0},\"town\":\"500231101000\"}}",
	    "profile.disability.grade");
	match_refused("{\"profile\":{\"disability\":{\"type\":\"visual\","
	    "\"grade\":\"2\"},\"town\":\"500231101000\"}}",
	    "profile.disability.grade");
	match_refused("{\"profile\":{\"disability\":{\"type\":\"visual\","
	    "\"grade\":2,\"since\":2001},\"town\":\"500231101000\"}}",
	    "profile.disability.since");
	match_refused("{\"profile\":{\"disability\":{\"type\":\"visual\","
	    "\"grade\":2}}}", "profile.location");
	match_refused("{\"profile\":{\"disability\":{\"type\":\"visual\","
	    "\"grade\":2},\"town\":\"nowhere\"}}", "profile.town");
	match_refused("{\"profile\":{\"disability\":{\"type\":\"visual\","
	    "\"grade\":2},\"location\":{\"lat\":30}}}", "profile.location.lon");
	match_refused("{\"profile\":{\"disability\":{\"type\":\"visual\","
	    "\"grade\":2},\"town\":\"500231101000\",\"name\":\"x\"}}",
	    "profile.name");
	match_refused("{\"profile\":{\"disability\":{\"type\":\"visual\","
	    "\"grade\":2},\"town\":\"500231101000\",\"skills\":[1]}}",
	    "profile.skills[0]");
	match_refused("{\"profile\":{\"disability\":{\"type\":\"visual\","
	    "\"grade\":2},\"town\":\"500231101000\",\"needs\":[\"elevator\","
	    "\"lift\"]}}", "profile.needs[1]");
	match_refused("{\"profile\":{\"disability\":{\"type\":\"visual\","
	    "\"grade\":2},\"town\":\"500231101000\",\"flags\":[\"poor\"]}}",
	    "profile.flags[0]");
	/* avoid is a choice of its own vocabulary, not an accommodation */
	match_refused("{\"profile\":{\"disability\":{\"type\":\"hearing\","
	    "\"grade\":4},\"town\":\"500231101000\",\"avoid\":["
	    "\"captioning\"]}}", "profile.avoid[0]");
	match_refused("{\"profile\":{\"disability\":{\"type\":\"hearing\","
	    "\"grade\":4},\"town\":\"500231101000\",\"avoid\":\"voice_phone\"}}",
	    "profile.avoid");
}

static void
test_match_distance(void **state)
{
	struct match_params mp;
	struct perr e;

	(void)state;
	match_refused("{\"profile\":{\"disability\":{\"type\":\"visual\","
	    "\"grade\":2},\"town\":\"500231101000\",\"max_distance_km\":0}}",
	    "profile.max_distance_km");
	match_refused("{\"profile\":{\"disability\":{\"type\":\"visual\","
	    "\"grade\":2},\"town\":\"500231101000\",\"max_distance_km\":-5}}",
	    "profile.max_distance_km");
	match_refused("{\"profile\":{\"disability\":{\"type\":\"visual\","
	    "\"grade\":2},\"town\":\"500231101000\","
	    "\"max_distance_km\":\"5\"}}", "profile.max_distance_km");
	assert_int_equal(decode_match("{\"profile\":{\"disability\":"
	    "{\"type\":\"visual\",\"grade\":2},\"town\":\"500231101000\","
	    "\"max_distance_km\":0.5}}", &mp, &e), 0);
	assert_true(mp.profile.max_distance_km == 0.5);
	codec_match_clear(&mp);
}

static void
test_match_paging(void **state)
{
	struct match_params mp;
	struct perr e;

	(void)state;
	match_refused("{" PROF ",\"limit\":0}", "limit");
	match_refused("{" PROF ",\"limit\":101}", "limit");
	match_refused("{" PROF ",\"limit\":\"10\"}", "limit");
	match_refused("{" PROF ",\"offset\":-1}", "offset");
	match_refused("{" PROF ",\"offset\":10001}", "offset");
	match_refused("{" PROF ",\"explain\":1}", "explain");
	assert_int_equal(decode_match("{" PROF ",\"limit\":100,\"offset\":"
	    "10000}", &mp, &e), 0);
	assert_int_equal(mp.limit, 100);
	assert_int_equal(mp.offset, 10000);
	codec_match_clear(&mp);
	assert_int_equal(decode_match("{" PROF ",\"limit\":1,\"offset\":3}",
	    &mp, &e), 0);
	assert_int_equal(mp.limit, 1);
	assert_int_equal(mp.offset, 3);
	codec_match_clear(&mp);
}

static void
test_match_unknown_param(void **state)
{
	(void)state;
	match_refused("{" PROF ",\"foo\":1}", "foo");
	/* Documented as not served yet: an unknown param. */
	match_refused("{" PROF ",\"seeker_id\":\"s1\"}", "seeker_id");
	match_refused("{" PROF ",\"Limit\":1}", "Limit");
	match_refused("[]", "");
}

static void
test_match_filters(void **state)
{
	struct match_params mp;
	struct perr e;

	(void)state;
	match_refused("{" PROF ",\"filters\":[]}", "filters");
	match_refused("{" PROF ",\"filters\":{\"employment_types\":"
	    "[\"boss\"]}}", "filters.employment_types[0]");
	match_refused("{" PROF ",\"filters\":{\"employment_types\":"
	    "\"full_time\"}}", "filters.employment_types");
	match_refused("{" PROF ",\"filters\":{\"employer_types\":"
	    "[\"private\",\"ngo\"]}}", "filters.employer_types[1]");
	match_refused("{" PROF ",\"filters\":{\"min_salary\":-1}}",
	    "filters.min_salary");
	match_refused("{" PROF ",\"filters\":{\"min_salary\":2000.5}}",
	    "filters.min_salary");
	match_refused("{" PROF ",\"filters\":{\"max_salary\":1}}",
	    "filters.max_salary");
	assert_int_equal(decode_match("{" PROF ",\"filters\":{\"min_salary\":"
	    "3000,\"employment_types\":[\"full_time\"]}}", &mp, &e), 0);
	assert_int_equal(mp.filters.min_salary, 3000);
	assert_int_equal(mp.filters.employment_mask, 1u << EMP_FULL_TIME);
	codec_match_clear(&mp);
	/* 0 is a filter too: it leaves out postings without salary */
	assert_int_equal(decode_match("{" PROF ",\"filters\":{\"min_salary\":"
	    "0}}", &mp, &e), 0);
	assert_int_equal(mp.filters.min_salary, 0);
	assert_true(mp.filters.has_min_salary);
	codec_match_clear(&mp);
	assert_int_equal(decode_match("{" PROF ",\"filters\":null}", &mp, &e),
	    0);
	assert_int_equal(mp.filters.employment_mask, 0);
	codec_match_clear(&mp);
}

/* ---- rule sets ---------------------------------------------------------- */

static void
test_rules_valid(void **state)
{
	struct rules_spec spec;
	struct perr e;

	(void)state;
	/* The document's own version is read and ignored. */
	assert_int_equal(fixture_decode("{\"version\":3,\"description\":\"测试\","
	    "\"weights\":{\"skills\":0.6,\"distance\":0.25},"
	    "\"distance\":{\"shape\":\"gauss\",\"scale_km\":8,\"max_km\":40},"
	    "\"synonyms\":[{\"term\":\"massage\",\"pattern\":\"按摩|推拿\"},"
	    "{\"term\":\"typing\",\"pattern\":\"打字|录入\"}]}", &spec, &e), 0);
	assert_string_equal(spec.description, "测试");
	assert_true(spec.w_skills == 0.6);
	assert_true(spec.w_distance == 0.25);
	assert_int_equal(spec.shape, DECAY_GAUSS);
	assert_true(spec.scale_km == 8);
	assert_true(spec.max_km == 40);
	assert_int_equal(spec.nsyn, 2);
	assert_string_equal(spec.syn[0].term, "massage");
	assert_string_equal(spec.syn[0].pattern, "按摩|推拿");
	assert_string_equal(spec.syn[1].term, "typing");
	assert_string_equal(spec.syn[1].pattern, "打字|录入");
	rules_spec_clear(&spec);

	/* Absent parts keep the defaults. */
	assert_int_equal(fixture_decode("{\"distance\":{\"shape\":\"linear\"}}",
	    &spec, &e), 0);
	assert_int_equal(spec.shape, DECAY_LINEAR);
	assert_true(spec.w_skills == 0.5);
	assert_true(spec.w_distance == 0.3);
	assert_null(spec.description);
	assert_true(spec.scale_km == 10);
	assert_true(spec.max_km == 30);
	assert_int_equal(spec.nsyn, 0);
	assert_null(spec.syn);
	assert_int_equal(spec.nrules, 0);
	assert_null(spec.rules);
	rules_spec_clear(&spec);

	/* An empty list of rules is no rule. */
	assert_int_equal(fixture_decode("{\"rules\":[]}", &spec, &e), 0);
	assert_int_equal(spec.nrules, 0);
	assert_null(spec.rules);
	rules_spec_clear(&spec);
}

static void
test_rules_bad(void **state)
{
	(void)state;
	fixture_refused("{\"weight\":{}}", "weight", NULL);
	fixture_refused("{\"rule\":[]}", "rule", NULL);
	fixture_refused("{\"rules\":{}}", "rules", NULL);
	fixture_refused("[]", "", NULL);
	fixture_refused("{\"version\":-1}", "version", NULL);
	fixture_refused("{\"version\":\"1\"}", "version", NULL);
	fixture_refused("{\"weights\":[0.5,0.3,0.2]}", "weights", NULL);
	fixture_refused("{\"weights\":{\"skills\":\"high\"}}", "weights.skills",
	    NULL);
	/* The policy weight is gone: boosts are the rules' own. */
	fixture_refused("{\"weights\":{\"policy\":-0.1}}", "weights.policy",
	    NULL);
	fixture_refused("{\"weights\":{\"policy\":0.2}}", "weights.policy",
	    NULL);
	fixture_refused("{\"weights\":{\"distance\":101}}", "weights.distance",
	    NULL);
	fixture_refused("{\"weights\":{\"salary\":1}}", "weights.salary", NULL);
	fixture_refused("{\"distance\":\"exp\"}", "distance", NULL);
	fixture_refused("{\"distance\":{\"shape\":\"cubic\"}}",
	    "distance.shape", NULL);
	fixture_refused("{\"distance\":{\"shape\":1}}", "distance.shape", NULL);
	fixture_refused("{\"distance\":{\"scale_km\":0}}", "distance.scale_km",
	    NULL);
	fixture_refused("{\"distance\":{\"max_km\":-1}}", "distance.max_km",
	    NULL);
	fixture_refused("{\"synonyms\":{}}", "synonyms", NULL);
	fixture_refused("{\"synonyms\":[\"按摩\"]}", "synonyms[0]", NULL);
	fixture_refused("{\"synonyms\":[{\"term\":\"a\",\"pattern\":\"a\"},"
	    "{\"term\":\"massage\"}]}", "synonyms[1].pattern", NULL);
	fixture_refused("{\"synonyms\":[{\"pattern\":\"a\"}]}",
	    "synonyms[0].term", NULL);
	fixture_refused("{\"synonyms\":[{\"term\":\"a\",\"pattern\":1}]}",
	    "synonyms[0].pattern", NULL);
	fixture_refused("{\"synonyms\":[{\"term\":\"a\",\"pattern\":\"a\","
	    "\"flags\":\"i\"}]}", "synonyms[0].flags", NULL);
}

/* ---- vocabulary --------------------------------------------------------- */

/* The entry at i of kind k in the vocab answer v. */
static json_t *
entry(json_t *v, const char *kind, size_t i)
{
	return json_array_get(json_object_get(v, kind), i);
}

static const char *
str_of(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void
test_vocab(void **state)
{
	static const char *dis[][2] = {
		{ "visual", "视力残疾" }, { "hearing", "听力残疾" },
		{ "speech", "言语残疾" }, { "physical", "肢体残疾" },
		{ "intellectual", "智力残疾" }, { "mental", "精神残疾" },
		{ "multiple", "多重残疾" },
	};
	json_t *v = codec_vocab(&towns), *g;

	(void)state;
	assert_non_null(v);
	assert_int_equal(json_object_size(v), 10);
	assert_int_equal(json_array_size(json_object_get(v,
	    "disability_types")), 7);
	for (size_t i = 0; i < 7; i++) {
		assert_string_equal(str_of(entry(v, "disability_types", i),
		    "id"), dis[i][0]);
		assert_string_equal(str_of(entry(v, "disability_types", i),
		    "label"), dis[i][1]);
	}
	assert_int_equal(json_array_size(json_object_get(v, "grades")), 4);
	for (size_t i = 0; i < 4; i++) {
		g = json_object_get(entry(v, "grades", i), "id");
		assert_true(json_is_integer(g));
		assert_int_equal(json_integer_value(g), (json_int_t)i + 1);
	}
	assert_string_equal(str_of(entry(v, "grades", 0), "label"),
	    "一级（极重度）");
	assert_string_equal(str_of(entry(v, "grades", 3), "label"),
	    "四级（轻度）");
	assert_int_equal(json_array_size(json_object_get(v, "accommodations")),
	    20);
	assert_string_equal(str_of(entry(v, "accommodations", 0), "id"),
	    "step_free_access");
	assert_string_equal(str_of(entry(v, "accommodations", 0), "label"),
	    "无障碍通道");
	assert_string_equal(str_of(entry(v, "accommodations", 19), "id"),
	    "service_animal");
	assert_int_equal(json_array_size(json_object_get(v,
	    "employment_types")), 6);
	assert_string_equal(str_of(entry(v, "employment_types", 2), "id"),
	    "public_welfare");
	assert_string_equal(str_of(entry(v, "employment_types", 2), "label"),
	    "公益性岗位");
	assert_int_equal(json_array_size(json_object_get(v, "employer_types")),
	    7);
	assert_string_equal(str_of(entry(v, "employer_types", 6), "id"),
	    "sheltered_workshop");
	assert_int_equal(json_array_size(json_object_get(v, "seeker_flags")),
	    4);
	assert_string_equal(str_of(entry(v, "seeker_flags", 1), "id"),
	    "zero_employment_household");
	assert_int_equal(json_array_size(json_object_get(v,
	    "employment_forms")), 7);
	assert_string_equal(str_of(entry(v, "employment_forms", 3), "id"),
	    "self_employed");
	assert_string_equal(str_of(entry(v, "employment_forms", 3), "label"),
	    "自主创业（含个体盲人按摩）");
	assert_int_equal(json_array_size(json_object_get(v,
	    "followup_outcomes")), 4);
	assert_string_equal(str_of(entry(v, "followup_outcomes", 3), "id"),
	    "at_risk");
	/* what a seeker may choose not to be offered */
	assert_int_equal(json_array_size(json_object_get(v, "avoid")), 1);
	assert_string_equal(str_of(entry(v, "avoid", 0), "id"),
	    "voice_phone");
	assert_string_equal(str_of(entry(v, "avoid", 0), "label"),
	    "不要需要打电话的工作");

	/* Towns: the county line is not one of them. */
	assert_int_equal(json_array_size(json_object_get(v, "towns")), 3);
	g = entry(v, "towns", 1);
	assert_int_equal(json_object_size(g), 6);
	assert_string_equal(str_of(g, "code"), "500231101000");
	assert_string_equal(str_of(g, "name"), "新民镇");
	assert_string_equal(str_of(g, "en"), "Xinmin");
	assert_string_equal(str_of(g, "kind"), "town");
	assert_true(json_real_value(json_object_get(g, "lat")) == 30.3976);
	assert_true(json_real_value(json_object_get(g, "lon")) == 107.3895);
	assert_string_equal(str_of(entry(v, "towns", 0), "kind"),
	    "subdistrict");
	json_decref(v);
}

/* ---- towns -------------------------------------------------------------- */

static void
test_towns_parse(void **state)
{
	(void)state;
	assert_int_equal(towns.n, 3);
	assert_string_equal(towns.v[0].code, "500231001000");
	assert_string_equal(towns.v[0].name, "桂溪街道");
	assert_string_equal(towns.v[0].kind, "subdistrict");
	assert_false(towns.v[0].rural);
	assert_true(towns.v[0].lat == 30.3336);
	assert_true(towns.v[0].lon == 107.3455);
	assert_string_equal(towns.v[1].name, "新民镇");
	assert_true(towns.v[1].rural);
	assert_true(towns.v[2].rural);
	assert_true(towns.v[2].lat == 30.25);
}

static void
test_towns_parse_forms(void **state)
{
	/* Columns in another order, CRLF, comments, blank lines, a township. */
	static const char tsv[] =
	    "# Dianjiang, a test extract\r\n"
	    "\r\n"
	    "lon\tlat\tkind\tname\tcode\r\n"
	    "107.3455\t30.3336\tcounty\t垫江县\t500231000000\r\n"
	    "# the townships\r\n"
	    "107.5\t30.1\ttownship\t永平乡\t500231200000\r\n"
	    "\r\n"
	    "107.3294\t30.3153\tsubdistrict\t桂阳街道\t500231002000";
	struct towns t;
	char err[200];

	(void)state;
	if (towns_parse(&t, tsv, sizeof(tsv) - 1, err, sizeof(err)) == -1)
		fail_msg("towns_parse: %s", err);
	assert_int_equal(t.n, 2);
	assert_string_equal(t.v[0].code, "500231200000");
	assert_string_equal(t.v[0].name, "永平乡");
	assert_true(t.v[0].rural);
	assert_true(t.v[0].lat == 30.1);
	assert_true(t.v[0].lon == 107.5);
	assert_string_equal(t.v[1].code, "500231002000");
	assert_false(t.v[1].rural);
	towns_free(&t);
}

static void
towns_refused(const char *tsv, const char *msg)
{
	struct towns t;
	char err[200] = "";

	assert_int_equal(towns_parse(&t, tsv, strlen(tsv), err, sizeof(err)),
	    -1);
	assert_string_equal(err, msg);
	assert_null(t.v);
	assert_int_equal(t.n, 0);
}

static void
test_towns_parse_errors(void **state)
{
	(void)state;
	towns_refused("code\tname\tkind\tlat\n1\ta\ttown\t30\n",
	    "line 1: no column 'lon' in the header");
	towns_refused("code\tname\tlat\tlon\n",
	    "line 1: no column 'kind' in the header");
	towns_refused("# towns\n\ncode\tname\tlat\tlon\n",
	    "line 3: no column 'kind' in the header");
	towns_refused("code\tname\tkind\tlat\tlon\n"
	    "1\ta\ttown\t30\t107\n"
	    "2\tb\ttown\t30\n", "line 3: 4 fields, expected at least 5");
	towns_refused("code\tname\tkind\tlat\tlon\n"
	    "1\ta\ttown\t30.5x\t107\n", "line 2: bad coordinates");
	towns_refused("code\tname\tkind\tlat\tlon\n"
	    "1\ta\ttown\t91\t107\n", "line 2: bad coordinates");
	towns_refused("code\tname\tkind\tlat\tlon\n"
	    "1\ta\ttown\t30\t\n", "line 2: bad coordinates");
	towns_refused("code\tname\tkind\tlat\tlon\n"
	    "1\ta\ttown\t30\tnan\n", "line 2: bad coordinates");
	towns_refused("code\tname\tkind\tlat\tlon\n"
	    "1\ta\ttown\t30\t107\n"
	    "2\tb\ttown\t30.1\t107.1\n"
	    "1\tc\ttown\t30.2\t107.2\n", "line 4: duplicate code 1");
	towns_refused("code\tname\tkind\tlat\tlon\n"
	    "\ta\ttown\t30\t107\n", "line 2: code, name or kind empty or "
	    "too long");
	towns_refused("code\tname\tkind\tlat\tlon\n"
	    "1\ta\tcounty\t30\t107\n", "no towns");
	towns_refused("", "no towns");
}

static void
test_towns_find_nearest(void **state)
{
	(void)state;
	assert_int_equal(towns_find(&towns, "500231001000"), T_GUIXI);
	assert_int_equal(towns_find(&towns, "500231102000"), T_SHAPING);
	assert_int_equal(towns_find(&towns, "500231000000"), -1);
	assert_int_equal(towns_find(&towns, "50023110200"), -1);
	assert_int_equal(towns_find(&towns, ""), -1);
	/* Each centre is its own nearest town. */
	for (size_t i = 0; i < towns.n; i++)
		assert_int_equal(towns_nearest(&towns, towns.v[i].lat,
		    towns.v[i].lon), (int)i);
	assert_int_equal(towns_nearest(&towns, 30.40, 107.40), T_XINMIN);
	assert_int_equal(towns_nearest(&towns, 30.20, 107.41), T_SHAPING);
	/* a town given wins over the place; none: the nearest */
	assert_int_equal(towns_pick(&towns, T_GUIXI, 30.20, 107.41), T_GUIXI);
	assert_int_equal(towns_pick(&towns, -1, 30.20, 107.41), T_SHAPING);
	assert_int_equal(towns_nearest(&towns, 30.33, 107.33), T_GUIXI);
	/* Far away, still the nearest one. */
	assert_int_equal(towns_nearest(&towns, 39.9, 116.4), T_XINMIN);

	struct towns none = { NULL, 0 };
	assert_int_equal(towns_nearest(&none, 30, 107), -1);
	assert_int_equal(towns_find(&none, "1"), -1);
}

/* ---- codec_job_scan: the load's reader of stored postings --------------- */

/*
 * The scan of text (len bytes) either gives up (1) or accepts what
 * json_loadb and codec_job_decode accept, with the same record. Returns
 * the scan's result.
 */
static int
scan_agrees(const char *text, size_t len)
{
	struct job a, b;
	struct perr e;
	json_t *o;
	int rc;

	job_init(&a);
	rc = codec_job_scan(text, len, &towns, &a);
	assert_true(rc == 0 || rc == 1);
	if (rc == 0) {
		if ((o = json_loadb(text, len, 0, NULL)) == NULL)
			fail_msg("scan accepted bad JSON: %.*s", (int)len, text);
		if (decode_job(o, &b, &e) != 0)
			fail_msg("scan accepted what the decoder refuses (%s: "
			    "%s): %.*s", e.field, e.reason, (int)len, text);
		assert_jobs_equal(&a, &b);
		/* to the bit: -0 is not 0 to the geometry */
		assert_memory_equal(&a.lat, &b.lat, sizeof(a.lat));
		assert_memory_equal(&a.lon, &b.lon, sizeof(a.lon));
		job_clear(&b);
	}
	job_clear(&a);
	return rc;
}

static int
scan_agrees_json(json_t *o)
{
	char *t = json_dumps(o, JSON_COMPACT);
	int rc;

	assert_non_null(t);
	rc = scan_agrees(t, strlen(t));
	free(t);
	json_decref(o);
	return rc;
}

/* The stored forms are read; what is not plain is left to the decoder. */
static void
test_job_scan_forms(void **state)
{
	static const char *const plain[] = {
		full_job,
		"{\"id\":\"a\",\"employer_id\":\"e\",\"title\":\"t\","
		"\"accessible_for\":[\"any\"],\"employment_type\":"
		"\"full_time\",\"town\":\"500231102000\"}",
		" { \"id\" : \"a\" , \"employer_id\":\"e\",\"title\":\"t\","
		"\"skills\":[],\"accommodations\":[],\"accessible_for\":"
		"[\"hearing\",\"hearing\"],\"employment_type\":\"part_time\","
		"\"location\":{\"lon\":-0,\"lat\":-1.5e1},\"remote\":false,"
		"\"description\":\"\",\"openings\":10000,"
		"\"expires_at\":946684800}\r\n",
	};
	static const char *const other[] = {
		"{\"id\":\"a\\u0062\",\"employer_id\":\"e\",\"title\":\"t\","
		"\"accessible_for\":[\"any\"],\"employment_type\":"
		"\"full_time\",\"town\":\"500231102000\"}",
		"{\"id\":\"a\",\"employer_id\":\"e\",\"title\":\"t\","
		"\"description\":null,\"accessible_for\":[\"any\"],"
		"\"employment_type\":\"full_time\",\"town\":\"500231102000\"}",
		"{\"id\":\"a\",\"id\":\"b\",\"employer_id\":\"e\","
		"\"title\":\"t\",\"accessible_for\":[\"any\"],"
		"\"employment_type\":\"full_time\",\"town\":\"500231102000\"}",
		"{\"id\":\"a\",\"employer_id\":\"e\",\"title\":\"t\","
		"\"accessible_for\":[\"any\"],\"employment_type\":"
		"\"full_time\",\"location\":{\"lat\":1e400,\"lon\":0}}",
		"[]", "", "{}",
	};
	struct job j;
	struct perr e;
	json_t *enc;

	(void)state;
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		assert_int_equal(scan_agrees(plain[i], strlen(plain[i])), 0);
	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		assert_int_equal(scan_agrees(other[i], strlen(other[i])), 1);
	/* what the daemon stores is read by the scan */
	assert_int_equal(decode_job(load(full_job), &j, &e), 0);
	assert_non_null(enc = codec_job_encode(&j, &towns));
	assert_int_equal(scan_agrees_json(enc), 0);
	job_clear(&j);
}

/* Field values the decoder refuses or reads in its own way. */
static void
test_job_scan_values(void **state)
{
	static const char *const keys[] = { "id", "employer_id", "title",
	    "description", "skills", "accessible_for", "grades",
	    "accommodations", "employment_type", "location", "town",
	    "remote", "salary", "openings", "expires_at", "other" };
	static const char *const vals[] = { "null", "\"\"", "\"x\"", "\"a:b\"",
	    "\"a b\"", "0", "-0", "1", "4", "5", "1.0", "1e0", "-1",
	    "10000", "10001", "946684799", "946684800", "4102444800",
	    "4102444801",
	    "123456789012345678901", "true", "false", "[]", "{}", "[1]",
	    "[0]", "[1,2,3,4]", "[1,2,3,4,4]", "[\"any\"]",
	    "[\"any\",\"visual\"]", "[\"visual\",\"visual\"]",
	    "[\"braille\"]", "[\"x\"]", "[null]", "\"full_time\"",
	    "\"500231101000\"", "\"500231000000\"",
	    "{\"lat\":30,\"lon\":107}", "{\"lat\":86,\"lon\":107}",
	    "{\"lat\":30}", "{\"lat\":30,\"lon\":181,\"x\":1}",
	    "{\"lat\":1e400,\"lon\":0}", "{\"min\":1,\"max\":2}",
	    "{\"min\":3,\"max\":2}", "{\"min\":1}",
	    "{\"min\":1,\"max\":100000001}" };

	(void)state;
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		(void)scan_agrees_json(job_with(keys[k], NULL));
		for (size_t v = 0; v < sizeof(vals) / sizeof(vals[0]); v++) {
			json_t *o, *val = json_loads(vals[v], JSON_DECODE_ANY,
			    NULL);
			if (val == NULL)	/* 1e400: jansson refuses it */
				continue;
			o = load(full_job);
			json_object_set_new(o, keys[k], val);
			(void)scan_agrees_json(o);
		}
	}
}

/* Every byte of a posting's text replaced, doubled or dropped. */
static void
test_job_scan_mutations(void **state)
{
	static const char subst[] = "\"\\{}[],: 0159-.eE+atx\x01\x80\xff";
	size_t n = strlen(full_job);
	char *b = malloc(n + 2);

	(void)state;
	assert_non_null(b);
	for (size_t i = 0; i < n; i++) {
		for (size_t s = 0; s < sizeof(subst) - 1; s++) {
			memcpy(b, full_job, n);
			b[i] = subst[s];
			(void)scan_agrees(b, n);
			memcpy(b, full_job, i);
			b[i] = subst[s];
			memcpy(b + i + 1, full_job + i, n - i);
			(void)scan_agrees(b, n + 1);
		}
		memcpy(b, full_job, i);
		memcpy(b + i, full_job + i + 1, n - i - 1);
		(void)scan_agrees(b, n - 1);
		(void)scan_agrees(full_job, i);		/* cut short */
	}
	free(b);
}

/* pv_date, pv_town, pv_enum: a value, absent (left alone), or the field
 * named with its reason. */
static void
test_typed_params(void **state)
{
	struct perr e;
	int64_t day = -7;
	int town = -7, emp = -7;
	json_t *o;

	(void)state;
	o = json_loads("{\"d\":\"2024-02-29\",\"t\":\"500231101000\","
	    "\"k\":\"soe\",\"bad_d\":\"2023-02-29\",\"bad_t\":\"1\","
	    "\"bad_k\":\"bank\",\"num\":3}", 0, NULL);
	assert_int_equal(pv_date(o, "p", "d", true, &day, &e), 0);
	assert_int_equal(day, 19782);
	assert_int_equal(pv_town(o, "p", "t", &towns, &town, &e), 0);
	assert_int_equal(town, towns_find(&towns, "500231101000"));
	assert_int_equal(pv_enum(o, "p", "k", VOCAB_EMPLOYER, &emp, &e), 0);
	assert_int_equal(emp, ET_SOE);

	day = -7;
	town = emp = -7;
	assert_int_equal(pv_date(o, "p", "none", false, &day, &e), 0);
	assert_int_equal(pv_town(o, "p", "none", &towns, &town, &e), 0);
	assert_int_equal(pv_enum(o, "p", "none", VOCAB_EMPLOYER, &emp, &e), 0);
	assert_true(day == -7 && town == -7 && emp == -7);

	assert_int_equal(pv_date(o, "p", "none", true, &day, &e), -1);
	assert_string_equal(e.field, "p.none");
	assert_int_equal(pv_date(o, "p", "bad_d", false, &day, &e), -1);
	assert_string_equal(e.field, "p.bad_d");
	assert_int_equal(pv_date(o, "p", "num", false, &day, &e), -1);
	assert_int_equal(pv_town(o, "p", "bad_t", &towns, &town, &e), -1);
	assert_string_equal(e.field, "p.bad_t");
	assert_int_equal(pv_enum(o, "p", "bad_k", VOCAB_EMPLOYER, &emp, &e),
	    -1);
	assert_string_equal(e.field, "p.bad_k");
	assert_true(day == -7 && town == -7 && emp == -7);
	json_decref(o);
}

/* codec_*_load: a stored document, read as the decoders read it. */
static void
test_stored_load(void **state)
{
	static const char job[] = "{\"id\":\"j1\",\"employer_id\":\"e1\","
	    "\"title\":\"客服\",\"accessible_for\":[\"hearing\"],"
	    "\"employment_type\":\"full_time\",\"town\":\"500231101000\"}";
	/* an escape: not the plain form, read by the general decoder */
	static const char job_esc[] = "{\"id\":\"j1\",\"employer_id\":"
	    "\"e1\",\"title\":\"\\u5ba2\u670d\",\"accessible_for\":"
	    "[\"hearing\"],\"employment_type\":\"full_time\","
	    "\"town\":\"500231101000\"}";
	static const char seeker[] = "{\"id\":\"s1\",\"disability\":"
	    "{\"type\":\"visual\",\"grade\":2},\"town\":\"500231101000\","
	    "\"services\":{\"served\":\"2024-03-05\"}}";
	struct employer emp;
	struct seeker sk;
	struct perr e;
	struct job j;

	(void)state;
	job_init(&j);
	assert_int_equal(codec_job_load(job, sizeof(job) - 1, &towns, &j, &e),
	    0);
	assert_string_equal(j.title, "客服");
	job_clear(&j);
	assert_int_equal(codec_job_load(job_esc, sizeof(job_esc) - 1, &towns,
	    &j, &e), 0);
	assert_string_equal(j.title, "客服");
	job_clear(&j);
	assert_int_equal(codec_job_load("{\"id\":", 6, &towns, &j, &e), -1);
	assert_string_equal(e.field, "(JSON)");
	assert_int_equal(codec_job_load("{}", 2, &towns, &j, &e), -1);
	assert_string_equal(e.field, "job.id");
	job_clear(&j);

	seeker_init(&sk);
	assert_int_equal(codec_seeker_load(seeker, sizeof(seeker) - 1, &towns,
	    &sk, &e), 0);
	assert_int_equal(sk.service[SVC_SERVED], 19787);
	seeker_clear(&sk);
	assert_int_equal(codec_seeker_load("[", 1, &towns, &sk, &e), -1);
	assert_string_equal(e.field, "(JSON)");
	seeker_clear(&sk);

	employer_init(&emp);
	assert_int_equal(codec_employer_load("{\"id\":\"e1\"}", 11, &towns,
	    &emp, &e), -1);
	assert_string_equal(e.field, "employer.name");
	employer_clear(&emp);
}

/* codec_rules_build: a rule set, or what is wrong with its document. */
static void
test_rules_build(void **state)
{
	struct regex_limits lim;
	struct rules *r;
	char err[256];
	json_t *o;

	(void)state;
	regex_limits_defaults(&lim);
	o = json_loads("{\"weights\":{\"skills\":0.5,\"distance\":0.3},"
	    "\"rules\":[{\"name\":\"t\",\"when\":{\"job.title\":\"客服\"},"
	    "\"then\":{\"boost\":0.1}}]}", 0, NULL);
	assert_non_null(r = codec_rules_build(o, &lim, err, sizeof(err)));
	assert_int_equal(rules_spec_of(r)->nrules, 1);
	rules_free(r);
	json_decref(o);

	o = json_loads("{\"weights\":{\"skills\":\"half\"}}", 0, NULL);
	assert_null(codec_rules_build(o, &lim, err, sizeof(err)));
	assert_non_null(strstr(err, "weights.skills"));
	json_decref(o);

	o = json_loads("{\"rules\":[{\"name\":\"bad\",\"when\":"
	    "{\"job.title\":\"(\"},\"then\":\"exclude\"}]}", 0, NULL);
	assert_null(codec_rules_build(o, &lim, err, sizeof(err)));
	assert_non_null(strstr(err, "bad"));
	assert_non_null(strstr(err, "job.title"));
	json_decref(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_job_full),
		cmocka_unit_test(test_job_minimal),
		cmocka_unit_test(test_job_required),
		cmocka_unit_test(test_job_types),
		cmocka_unit_test(test_job_lengths),
		cmocka_unit_test(test_job_id_charset),
		cmocka_unit_test(test_pv_text),
		cmocka_unit_test(test_pv_join),
		cmocka_unit_test(test_job_enums),
		cmocka_unit_test(test_job_any),
		cmocka_unit_test(test_job_grades),
		cmocka_unit_test(test_job_salary_openings),
		cmocka_unit_test(test_job_unknown_field),
		cmocka_unit_test(test_job_town),
		cmocka_unit_test(test_job_round_trip),
		cmocka_unit_test(test_job_scan_forms),
		cmocka_unit_test(test_job_scan_values),
		cmocka_unit_test(test_job_scan_mutations),
		cmocka_unit_test(test_employer_valid),
		cmocka_unit_test(test_employer_counts),
		cmocka_unit_test(test_employer_bad),
		cmocka_unit_test(test_match_valid),
		cmocka_unit_test(test_match_profile),
		cmocka_unit_test(test_match_distance),
		cmocka_unit_test(test_match_paging),
		cmocka_unit_test(test_match_unknown_param),
		cmocka_unit_test(test_match_filters),
		cmocka_unit_test(test_rules_valid),
		cmocka_unit_test(test_rules_bad),
		cmocka_unit_test(test_vocab),
		cmocka_unit_test(test_towns_parse),
		cmocka_unit_test(test_towns_parse_forms),
		cmocka_unit_test(test_towns_parse_errors),
		cmocka_unit_test(test_towns_find_nearest),
		cmocka_unit_test(test_rules_build),
		cmocka_unit_test(test_stored_load),
		cmocka_unit_test(test_typed_params),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
