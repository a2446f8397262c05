/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * test_jsonld.c - proto/jsonld.h, a stored posting as a schema.org
 * JobPosting, and proto/apply.h, how to apply: the contact's members
 * checked, what is kept, and an employer's contact under a posting's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "proto/apply.h"
#include "proto/jsonld.h"
#include "fixture.h"

static const char towns_tsv[] =
    "code\tname\tkind\tpinyin\tlat\tlon\tsource\n"
    "500231001000\t桂溪街道\tsubdistrict\tGuixi\t30.3336\t107.3455\tx\n"
    "500231101000\t新民镇\ttown\tXinmin\t30.3976\t107.3895\tx\n";

static struct towns towns;

static int
setup(void **state)
{
	(void)state;
	return fixture_towns(&towns, towns_tsv);
}

static int
teardown(void **state)
{
	(void)state;
	towns_free(&towns);
	return 0;
}

static json_t *
load(const char *text)
{
	json_t *o = json_loads(text, 0, NULL);

	assert_non_null(o);
	return o;
}

static const char *
str(json_t *o, const char *path)
{
	char buf[128], *save = NULL, *k;

	strcpy(buf, path);
	for (k = strtok_r(buf, ".", &save); k != NULL && o != NULL;
	    k = strtok_r(NULL, ".", &save))
		o = json_object_get(o, k);
	return json_string_value(o);
}

static void
test_posting_full(void **state)
{
	json_t *doc = load("{\"id\":\"m-1\",\"employer_id\":\"emp-a\","
	    "\"title\":\"按摩师\",\"description\":\"保健按摩。\","
	    "\"skills\":[\"按摩\"],\"accessible_for\":[\"visual\",\"physical\","
	    "\"mental\"],\"accommodations\":[\"braille\",\"elevator\","
	    "\"job_coach\"],\"employment_type\":\"internship\","
	    "\"location\":{\"lat\":30.39,\"lon\":107.38},\"salary\":{\"min\":"
	    "3000,\"max\":4000},\"openings\":2,\"remote\":true,"
	    "\"how_to_apply\":\"电话预约\"}");
	json_t *contact = load("{\"phone\":\"023-74681234\",\"url\":"
	    "\"https://a.cn\"}");
	struct jsonld_posting in = { doc, "甲单位", contact, &towns, "重庆市",
	    "2026-12-01T09:00:00+08:00", "2027-01-31T23:59:59+08:00" };
	json_t *o = jsonld_posting(&in, true);

	(void)state;
	assert_non_null(o);
	assert_string_equal(str(o, "@context"), "https://schema.org");
	assert_string_equal(str(o, "@type"), "JobPosting");
	assert_string_equal(str(o, "title"), "按摩师");
	assert_string_equal(str(o, "description"), "保健按摩。\n\n"
	    "适合视力残疾、肢体残疾、精神残疾。提供盲文资料、无障碍电梯、就业辅导员。");
	assert_string_equal(str(o, "datePosted"), "2026-12-01T09:00:00+08:00");
	assert_string_equal(str(o, "validThrough"),
	    "2027-01-31T23:59:59+08:00");
	assert_string_equal(str(o, "employmentType"), "INTERN");
	assert_string_equal(str(o, "jobLocationType"), "TELECOMMUTE");
	assert_string_equal(str(o, "hiringOrganization.name"), "甲单位");
	assert_string_equal(str(o, "hiringOrganization.identifier"), "emp-a");
	/* the town nearest the location */
	assert_string_equal(str(o, "jobLocation.address.addressLocality"),
	    "新民镇");
	assert_string_equal(str(o, "jobLocation.address.addressRegion"),
	    "重庆市");
	assert_string_equal(str(o, "jobLocation.address.addressCountry"), "CN");
	assert_true(json_real_value(json_object_get(json_object_get(
	    json_object_get(o, "jobLocation"), "geo"), "latitude")) == 30.39);
	assert_string_equal(str(o, "baseSalary.currency"), "CNY");
	assert_string_equal(str(o, "baseSalary.value.unitText"), "MONTH");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
	    json_object_get(o, "baseSalary"), "value"), "maxValue")), 4000);
	assert_int_equal(json_integer_value(json_object_get(o,
	    "totalJobPositions")), 2);
	assert_string_equal(str(o, "identifier.value"), "emp-a:m-1");
	assert_string_equal(str(o, "applicationContact.@type"),
	    "ContactPoint");
	assert_string_equal(str(o, "applicationContact.telephone"),
	    "023-74681234");
	assert_string_equal(str(o, "applicationContact.url"), "https://a.cn");
	assert_string_equal(str(o, "applicationContact.description"),
	    "电话预约");
	assert_string_equal(str(o, "physicalRequirement"),
	    "适合肢体残疾。提供无障碍电梯。");
	assert_string_equal(str(o, "sensoryRequirement"),
	    "适合视力残疾。提供盲文资料。");
	json_decref(o);
	/* within a graph: no context of its own */
	o = jsonld_posting(&in, false);
	assert_null(json_object_get(o, "@context"));
	json_decref(o);
	json_decref(contact);
	json_decref(doc);
}

static void
test_posting_plain(void **state)
{
	json_t *doc = load("{\"id\":\"c-1\",\"employer_id\":\"emp-b\","
	    "\"title\":\"保洁员\",\"skills\":[],\"accessible_for\":[\"any\"],"
	    "\"accommodations\":[],\"employment_type\":\"public_welfare\","
	    "\"town\":\"500231001000\",\"openings\":1}");
	struct jsonld_posting in = { doc, NULL, NULL, &towns, "",
	    "2026-12-01T09:00:00+08:00", NULL };
	json_t *o = jsonld_posting(&in, true);

	(void)state;
	assert_non_null(o);
	/* no description: the title, and whom it welcomes */
	assert_string_equal(str(o, "description"), "保洁员\n\n欢迎各类残疾人报名。");
	assert_string_equal(str(o, "employmentType"), "OTHER");
	assert_string_equal(str(o, "hiringOrganization.name"), "emp-b");
	assert_string_equal(str(o, "jobLocation.address.addressLocality"),
	    "桂溪街道");
	assert_null(str(o, "jobLocation.address.addressRegion"));
	for (const char *k = "validThrough\0baseSalary\0skills\0"
	    "applicationContact\0physicalRequirement\0sensoryRequirement\0"
	    "jobLocationType\0"; *k != '\0'; k += strlen(k) + 1)
		assert_null(json_object_get(o, k));
	json_decref(o);
	/* not a posting */
	json_object_del(doc, "title");
	assert_null(jsonld_posting(&in, true));
	json_decref(doc);
	o = jsonld_graph(json_array());
	assert_string_equal(str(o, "@context"), "https://schema.org");
	assert_true(json_is_array(json_object_get(o, "@graph")));
	json_decref(o);
}

static void
test_contact_checks(void **state)
{
	(void)state;
	assert_null(apply_phone_why("023-74681234"));
	assert_null(apply_phone_why("+86 (23) 7468 1234"));
	assert_non_null(apply_phone_why("1234"));
	assert_non_null(apply_phone_why("123456789012345678901"));
	assert_non_null(apply_phone_why("023.74681234"));
	assert_null(apply_url_why("http://a.cn/x?y=1"));
	assert_non_null(apply_url_why("https:///x"));
	assert_non_null(apply_url_why("javascript:alert(1)"));
	assert_non_null(apply_url_why("https://a.cn/\x7f"));
	assert_null(apply_email_why("hr@dj.example.cn"));
	assert_non_null(apply_email_why("hr@cn"));
	assert_non_null(apply_email_why("hr@.cn"));
	assert_non_null(apply_email_why("hr@a.cn."));
	assert_non_null(apply_email_why("a@b@c.cn"));
}

static void
test_job_decode_keeps_what_was_given(void **state)
{
	json_t *j = load("{\"contact\":{\"phone\":\"023-74681234\","
	    "\"name\":null},\"apply_by\":\"2027-02-28\",\"how_to_apply\":"
	    "\"现场报名\",\"title\":\"x\"}");
	struct perr pe;
	char *out = NULL;
	int64_t day = -1;

	(void)state;
	assert_int_equal(apply_job_decode(j, "job", &out, &day, &pe), 0);
	assert_string_equal(out, "{\"contact\":{\"phone\":\"023-74681234\"},"
	    "\"apply_by\":\"2027-02-28\",\"how_to_apply\":\"现场报名\"}");
	assert_true(day > 0);
	free(out);
	json_object_set_new(j, "apply_by", json_string("2027-02-29"));
	assert_int_equal(apply_job_decode(j, "job", &out, &day, &pe), -1);
	assert_string_equal(pe.field, "job.apply_by");
	json_decref(j);
	j = load("{\"title\":\"x\"}");
	assert_int_equal(apply_job_decode(j, "job", &out, &day, &pe), 0);
	assert_null(out);
	json_decref(j);
}

static void
test_contact_merge(void **state)
{
	json_t *own = load("{\"phone\":\"1\",\"email\":\"a@b.cn\"}"), *m;

	(void)state;
	m = apply_contact_merge("{\"phone\":\"0\",\"address\":\"x\"}", own);
	assert_string_equal(str(m, "phone"), "1");
	assert_string_equal(str(m, "address"), "x");
	assert_string_equal(str(m, "email"), "a@b.cn");
	json_decref(m);
	m = apply_contact_merge(NULL, own);
	assert_int_equal(json_object_size(m), 2);
	json_decref(m);
	m = apply_contact_merge("{\"hours\":\"9-5\"}", NULL);
	assert_string_equal(str(m, "hours"), "9-5");
	json_decref(m);
	assert_null(apply_contact_merge(NULL, NULL));
	json_decref(own);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_posting_full),
		cmocka_unit_test(test_posting_plain),
		cmocka_unit_test(test_contact_checks),
		cmocka_unit_test(test_job_decode_keeps_what_was_given),
		cmocka_unit_test(test_contact_merge),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
