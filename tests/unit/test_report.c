/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * test_report.c - tools/report_rows.h and tools/import_map.h: fair.stats
 * (its shape as the protocol fixes it) and an employer's report as CSV
 * rows; the import's cells, lists, pay and columns.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tools/import_map.h"
#include "tools/report_rows.h"

static json_t *
load(const char *text)
{
	json_error_t je;
	json_t *v = json_loads(text, 0, &je);

	if (v == NULL)
		fail_msg("bad test JSON: %s", je.text);
	return v;
}

static void
test_fair_csv(void **state)
{
	json_t *stats = load(
	    "{\"fair\": {\"id\": \"dj-2026\", \"name\": \"垫江县2026年残疾人"
	    "专场招聘会\", \"date\": \"2026-05-16\", \"end_date\": "
	    "\"2026-05-16\"},"
	    " \"searches\": {\"total\": 5, \"by_disability_type\": {"
	    "\"visual\": 2, \"hearing\": 0, \"physical\": 3},"
	    " \"by_hour\": [{\"hour\": \"2026-05-16T09\", \"total\": 4,"
	    " \"by_disability_type\": {\"visual\": 1, \"hearing\": 0,"
	    " \"physical\": 3}}, {\"hour\": \"2026-05-16T10\", \"total\": 1,"
	    " \"by_disability_type\": {\"visual\": 1, \"hearing\": 0,"
	    " \"physical\": 0}}]},"
	    " \"results_shown\": 37, \"qr_codes\": 4,"
	    " \"interests\": {\"recorded\": 3, \"followed_up\": 2,"
	    " \"hired\": 1}}");
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	(void)state;
	report_fair_csv(f, stats);
	fclose(f);
	assert_string_equal(out,
	    "fair,id,dj-2026\n"
	    "fair,name,垫江县2026年残疾人专场招聘会\n"
	    "fair,date,2026-05-16\n"
	    "fair,end_date,2026-05-16\n"
	    "searches,total,5\n"
	    "searches.by_disability_type,visual,2\n"
	    "searches.by_disability_type,hearing,0\n"
	    "searches.by_disability_type,physical,3\n"
	    "searches.by_hour.2026-05-16T09,total,4\n"
	    "searches.by_hour.2026-05-16T09.by_disability_type,visual,1\n"
	    "searches.by_hour.2026-05-16T09.by_disability_type,hearing,0\n"
	    "searches.by_hour.2026-05-16T09.by_disability_type,physical,3\n"
	    "searches.by_hour.2026-05-16T10,total,1\n"
	    "searches.by_hour.2026-05-16T10.by_disability_type,visual,1\n"
	    "searches.by_hour.2026-05-16T10.by_disability_type,hearing,0\n"
	    "searches.by_hour.2026-05-16T10.by_disability_type,physical,0\n"
	    "report,results_shown,37\n"
	    "report,qr_codes,4\n"
	    "interests,recorded,3\n"
	    "interests,followed_up,2\n"
	    "interests,hired,1\n");
	free(out);
	json_decref(stats);
}

static void
test_employer_csv(void **state)
{
	json_t *doc = load(
	    "{\"employer\": \"emp-a\", \"date\": \"2026-03-01\","
	    " \"quota\": {\"id\": \"emp-a\", \"name\": \"甲单位, 有限\","
	    " \"required\": 3.0, \"below_quota\": true,"
	    " \"fund\": {\"due\": 59000.5}},"
	    " \"postings\": {\"open\": 1, \"openings\": 3, \"jobs\": ["
	    "{\"id\": \"r-1\", \"title\": \"=客服\", \"openings\": 3}]}}");
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	(void)state;
	report_employer_csv(f, doc);
	fclose(f);
	assert_string_equal(out,
	    "report,employer,emp-a\n"
	    "report,date,2026-03-01\n"
	    "quota,id,emp-a\n"
	    "quota,name,\"甲单位, 有限\"\n"
	    "quota,required,3\n"
	    "quota,below_quota,true\n"
	    "quota.fund,due,59000.5\n"
	    "postings,open,1\n"
	    "postings,openings,3\n"
	    "postings.r-1,title,'=客服\n"
	    "postings.r-1,openings,3\n");
	free(out);
	json_decref(doc);
}

static void
test_salary(void **state)
{
	long long a, b;

	(void)state;
	assert_int_equal(imp_salary("3000-4500", &a, &b), 0);
	assert_true(a == 3000 && b == 4500);
	assert_int_equal(imp_salary(" 3000 ～ 4500 ", &a, &b), 0);
	assert_true(a == 3000 && b == 4500);
	assert_int_equal(imp_salary("3000", &a, &b), 0);
	assert_true(a == 3000 && b == 3000);
	assert_int_equal(imp_salary("3000至3500", &a, &b), 0);
	assert_true(a == 3000 && b == 3500);
	assert_int_equal(imp_salary("3k", &a, &b), -1);
	assert_int_equal(imp_salary("-", &a, &b), -1);
	assert_int_equal(imp_salary("3000-", &a, &b), -1);
	assert_int_equal(imp_salary("", &a, &b), -1);
}

static void
test_split_and_trim(void **state)
{
	json_t *a = imp_split("客服、打字，按摩,推拿;足疗； 沟通\xe3\x80\x80 "
	    "写作");
	json_t *want = load("[\"客服\", \"打字\", \"按摩\", \"推拿\", \"足疗\","
	    " \"沟通\", \"写作\"]");
	char s[] = "\xe3\x80\x80 岗位 \t\xe3\x80\x80";

	(void)state;
	assert_true(json_equal(a, want));
	json_decref(a);
	json_decref(want);
	a = imp_split(" 、,");
	assert_int_equal(json_array_size(a), 0);
	json_decref(a);
	assert_string_equal(imp_trim(s), "岗位");
}

static bool
all_given(int col)
{
	(void)col;
	return true;
}

static bool
only_salary(int col)
{
	return col == imp_column(IMP_JOBS, "salary");
}

static bool
only_salary_min(int col)
{
	return col == imp_column(IMP_JOBS, "salary.min");
}

static void
test_columns_and_cells(void **state)
{
	json_t *vocab = load(
	    "{\"disability_types\": [{\"id\": \"visual\", \"label\": "
	    "\"视力残疾\"}, {\"id\": \"physical\", \"label\": \"肢体残疾\"}],"
	    " \"grades\": [{\"id\": 1, \"label\": \"一级（极重度）\"},"
	    " {\"id\": 2, \"label\": \"二级（重度）\"}],"
	    " \"employment_types\": [{\"id\": \"flexible\", \"label\":"
	    " \"灵活就业（新就业形态）\"}],"
	    " \"towns\": [{\"code\": \"500231001000\", \"name\": \"桂溪街道\","
	    " \"en\": \"Guixi\"}]}");
	json_t *names = load("{\"甲单位\": \"emp-a\", \"同名\": [\"x\", \"y\"]}");
	struct imp_ctx ctx = { vocab, names };
	json_t *o = json_object();
	char why[IMP_WHY_MAX];
	int c;

	(void)state;
	assert_int_equal(imp_column(IMP_JOBS, " *职位名称 "),
	    imp_column(IMP_JOBS, "title"));
	assert_int_equal(imp_column(IMP_JOBS, "工资待遇"), -1);
	assert_int_equal(imp_column(IMP_EMPLOYERS, "职位名称"), -1);
	assert_string_equal(imp_field(IMP_EMPLOYERS,
	    imp_column(IMP_EMPLOYERS, "单位")), "name");

	c = imp_column(IMP_JOBS, "适合残疾类别");
	assert_int_equal(imp_cell(IMP_JOBS, c, "视力、physical、肢体残疾", &ctx,
	    o, why, sizeof(why)), 0);
	assert_int_equal(imp_cell(IMP_JOBS, c, "视残", &ctx, o, why,
	    sizeof(why)), -1);
	assert_string_equal(why, "\"视残\" is not a disability type (视力残疾, "
	    "肢体残疾, or 不限)");
	c = imp_column(IMP_JOBS, "残疾等级");
	assert_int_equal(imp_cell(IMP_JOBS, c, "一级，2", &ctx, o, why,
	    sizeof(why)), 0);
	c = imp_column(IMP_JOBS, "用工形式");
	assert_int_equal(imp_cell(IMP_JOBS, c, "灵活就业", &ctx, o, why,
	    sizeof(why)), 0);
	c = imp_column(IMP_JOBS, "乡镇");
	assert_int_equal(imp_cell(IMP_JOBS, c, "guixi", &ctx, o, why,
	    sizeof(why)), 0);
	c = imp_column(IMP_JOBS, "月薪");
	assert_int_equal(imp_cell(IMP_JOBS, c, "2000-2600", &ctx, o, why,
	    sizeof(why)), 0);
	c = imp_column(IMP_JOBS, "最高月薪");
	assert_int_equal(imp_cell(IMP_JOBS, c, "2800", &ctx, o, why,
	    sizeof(why)), 0);
	c = imp_column(IMP_JOBS, "单位");
	assert_int_equal(imp_cell(IMP_JOBS, c, "甲单位", &ctx, o, why,
	    sizeof(why)), 0);
	assert_int_equal(imp_cell(IMP_JOBS, c, "同名", &ctx, o, why,
	    sizeof(why)), -1);
	assert_string_equal(why, "2 registered employers are named \"同名\": "
	    "give 单位编号");
	c = imp_column(IMP_JOBS, "报名截止");
	assert_int_equal(imp_cell(IMP_JOBS, c, "2026/5/1", &ctx, o, why,
	    sizeof(why)), 0);
	assert_int_equal(imp_cell(IMP_JOBS, c, "2026-02-30", &ctx, o, why,
	    sizeof(why)), -1);
	{
		json_t *want = load("{\"accessible_for\": [\"visual\", "
		    "\"physical\", \"physical\"], \"grades\": [1, 2],"
		    " \"employment_type\": \"flexible\", \"town\":"
		    " \"500231001000\", \"salary\": {\"min\": 2000, \"max\":"
		    " 2800}, \"employer_id\": \"emp-a\", \"apply_by\":"
		    " \"2026-05-01\"}");
		assert_true(json_equal(o, want));
		json_decref(want);
	}
	/* an error's path back to its column, of those the file has */
	assert_int_equal(imp_column_of_error(IMP_JOBS, "job.accessible_for[1]",
	    all_given), imp_column(IMP_JOBS, "适合残疾类别"));
	assert_int_equal(imp_column_of_error(IMP_JOBS, "job.salary.min",
	    only_salary), imp_column(IMP_JOBS, "月薪"));
	assert_int_equal(imp_column_of_error(IMP_JOBS, "job.salary",
	    only_salary_min), imp_column(IMP_JOBS, "最低月薪"));
	assert_int_equal(imp_column_of_error(IMP_JOBS, "job.nothing",
	    all_given), -1);
	json_decref(o);
	json_decref(vocab);
	json_decref(names);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fair_csv),
		cmocka_unit_test(test_employer_csv),
		cmocka_unit_test(test_salary),
		cmocka_unit_test(test_split_and_trim),
		cmocka_unit_test(test_columns_and_cells),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
