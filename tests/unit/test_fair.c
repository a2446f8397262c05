/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * test_fair.c - a job fair's record (proto/codec_fair.c): booths in
 * natural order, the checks of fair.put with the exhibitor each error
 * names (its place as sent), and the stored form read back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/codec_fair.h"

static const char towns_tsv[] =
    "code\tname\tkind\tpinyin\tlat\tlon\tsource\n"
    "500231001000\t桂溪街道\tsubdistrict\tGuixi\t30.3336\t107.3455\tx\n";

static struct towns towns;

static int
setup(void **state)
{
	char err[200];

	(void)state;
	return towns_parse(&towns, towns_tsv, sizeof(towns_tsv) - 1, err,
	    sizeof(err));
}

static int
teardown(void **state)
{
	(void)state;
	towns_free(&towns);
	return 0;
}

/* Decodes a fair from text; 0 or -1 with e. */
static int
decode(const char *text, struct fair *f, struct perr *e)
{
	json_t *o = json_loads(text, 0, NULL);
	int rc;

	assert_non_null(o);
	fair_init(f);
	rc = codec_fair_decode(o, "fair", &towns, f, e);
	json_decref(o);
	return rc;
}

#define HEAD "{\"id\":\"f1\",\"name\":\"招聘会\",\"date\":\"2026-05-17\"," \
	"\"venue\":\"体育馆\",\"town\":\"500231001000\","

static void
test_booth_order(void **state)
{
	static const char *const sorted[] = { "A", "A1", "A01b", "A02", "A2",
	    "A10", "A10a", "B", "B1", "b1", "展位3", NULL };

	(void)state;
	for (size_t i = 0; sorted[i] != NULL; i++)
		for (size_t k = 0; sorted[k] != NULL; k++) {
			int c = codec_booth_cmp(sorted[i], sorted[k]);
			if (i < k)
				assert_true(c < 0);
			else if (i > k)
				assert_true(c > 0);
			else
				assert_int_equal(c, 0);
		}
}

static void
test_decode_sorts_and_round_trips(void **state)
{
	struct fair f, g;
	struct perr e;
	json_t *o;
	char *s;

	(void)state;
	assert_int_equal(decode(HEAD "\"end_date\":\"2026-05-18\","
	    "\"exhibitors\":[{\"employer_id\":\"e1\",\"booth\":\"A10\"},"
	    "{\"employer_id\":\"e2\",\"booth\":\"A2\"},"
	    "{\"employer_id\":\"e3\",\"booth\":\"A9\"}]}", &f, &e), 0);
	assert_int_equal(f.nexhibitors, 3);
	assert_string_equal(f.exhibitors[0].booth, "A2");
	assert_int_equal(f.exhibitors[0].index, 1);
	assert_string_equal(f.exhibitors[2].employer_id, "e1");
	assert_int_equal(fair_last_day(&f), f.date + 1);
	o = codec_fair_encode(&f, &towns);
	assert_non_null(o);
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	fair_init(&g);
	assert_int_equal(codec_fair_load(s, strlen(s), &towns, &g, &e), 0);
	assert_int_equal(g.end_date, f.end_date);
	assert_string_equal(g.exhibitors[1].booth, "A9");
	free(s);
	fair_clear(&f);
	fair_clear(&g);
}

static void
test_errors_name_the_field(void **state)
{
	static const struct {
		const char	*text, *field;
	} cases[] = {
		{ HEAD "\"exhibitors\":[{\"employer_id\":\"e1\",\"booth\":\"B\"},"
		    "{\"employer_id\":\"e2\",\"booth\":\"A\"},"
		    "{\"employer_id\":\"e1\",\"booth\":\"C\"}]}",
		    "fair.exhibitors[2].employer_id" },
		{ HEAD "\"exhibitors\":[{\"employer_id\":\"e1\",\"booth\":\"B\"},"
		    "{\"employer_id\":\"e2\",\"booth\":\"B\"}]}",
		    "fair.exhibitors[1].booth" },
		{ HEAD "\"exhibitors\":[{\"employer_id\":\"e1\","
		    "\"booth\":\"A\\u0007\"}]}", "fair.exhibitors[0].booth" },
		{ HEAD "\"exhibitors\":[{\"employer_id\":\"e:1\","
		    "\"booth\":\"A\"}]}", "fair.exhibitors[0].employer_id" },
		{ HEAD "\"exhibitors\":[7]}", "fair.exhibitors[0]" },
		{ HEAD "\"exhibitors\":{}}", "fair.exhibitors" },
		{ HEAD "\"end_date\":\"2026-06-18\",\"exhibitors\":[]}",
		    "fair.end_date" },
		{ HEAD "\"end_date\":\"2026-05-16\",\"exhibitors\":[]}",
		    "fair.end_date" },
		{ HEAD "\"location\":{\"lat\":1},\"exhibitors\":[]}",
		    "fair.location.lon" },
		{ "{\"id\":\"f1\",\"name\":\"n\",\"date\":\"2026-05-17\","
		    "\"venue\":\"v\",\"exhibitors\":[]}", "fair.town" },
		{ HEAD "\"x\":1,\"exhibitors\":[]}", "fair.x" },
	};
	struct fair f;
	struct perr e;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		memset(&e, 0, sizeof(e));
		assert_int_equal(decode(cases[i].text, &f, &e), -1);
		if (strcmp(e.field, cases[i].field) != 0)
			fail_msg("case %zu: %s (%s), wanted %s", i, e.field,
			    e.reason, cases[i].field);
		fair_clear(&f);
	}
	/* 31 days is the longest fair; no exhibitors is a fair too */
	assert_int_equal(decode(HEAD "\"end_date\":\"2026-06-17\","
	    "\"exhibitors\":[]}", &f, &e), 0);
	assert_int_equal(f.nexhibitors, 0);
	fair_clear(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_booth_order),
		cmocka_unit_test(test_decode_sorts_and_round_trips),
		cmocka_unit_test(test_errors_name_the_field),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
