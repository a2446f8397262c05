/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * codec_roster.c - see codec_roster.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matcher/date.h"
#include "proto/codec_roster.h"

/* A required boolean member. */
static int
need_bool(json_t *x, const char *path, const char *key, bool *out,
    struct perr *e)
{
	if (json_object_get(x, key) == NULL)
		return pv_fail(e, path, key, "is required (true or false)");
	return pv_bool(x, path, key, out, e);
}

static int
decode_entry(json_t *x, const char *path, int this_year,
    struct quota_entry *q, struct perr *e)
{
	static const char *const keys[] = { "seeker_id", "certificate",
	    "grade", "birth_year", "sex", "on_establishment",
	    "contract_start", "contract_months", "monthly_wage",
	    "insurance_paid", NULL };
	const char *sid = NULL, *cert = NULL, *sex = NULL;
	int64_t grade = 0, by = 0;

	memset(q, 0, sizeof(*q));
	q->sex = -1;
	q->contract_start = q->contract_months = -1;
	if (pv_object(x, path, keys, e) == -1 ||
	    pv_id(x, path, "seeker_id", false, false, &sid, e) == -1 ||
	    pv_str(x, path, "certificate", true, 16, &cert, e) == -1)
		return -1;
	if ((q->certificate = quota_cert_lookup(cert)) < 0)
		return pv_fail(e, path, "certificate",
		    "expected disability or veteran");
	if (pv_int(x, path, "grade", true, 1,
	    q->certificate == QC_DISABILITY ? 4 : 8, &grade, NULL, e) == -1 ||
	    pv_int(x, path, "birth_year", false, ROSTER_BIRTH_YEAR_MIN,
	    this_year, &by, NULL, e) == -1 ||
	    pv_str(x, path, "sex", false, 16, &sex, e) == -1)
		return -1;
	if (sex != NULL && (q->sex = quota_sex_lookup(sex)) < 0)
		return pv_fail(e, path, "sex", "expected male or female");
	if (need_bool(x, path, "on_establishment", &q->on_establishment,
	    e) == -1 ||
	    pv_date(x, path, "contract_start", false, &q->contract_start,
	    e) == -1 ||
	    pv_int(x, path, "contract_months", false, 1, QUOTA_MONTHS_MAX,
	    &q->contract_months, NULL, e) == -1 ||
	    pv_int(x, path, "monthly_wage", true, 0, MONEY_MAX,
	    &q->monthly_wage, NULL, e) == -1 ||
	    need_bool(x, path, "insurance_paid", &q->insurance_paid, e) == -1)
		return -1;
	if (q->contract_months >= 0 && q->contract_start < 0)
		return pv_fail(e, path, "contract_months",
		    "requires contract_start");
	if (sid != NULL)
		memcpy(q->seeker_id, sid, strlen(sid) + 1);
	q->grade = (int)grade;
	q->birth_year = (int)by;
	return 0;
}

struct sid_at {
	const char	*id;
	size_t		 index;
};

static int
sid_cmp(const void *a, const void *b)
{
	const struct sid_at *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	if (c != 0)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* No seeker id twice: the second of a pair is named. */
static int
distinct_seekers(const struct quota_roster *ro, const char *sub,
    struct perr *e)
{
	struct sid_at *v;
	size_t n = 0, worst = SIZE_MAX;
	char item[PATH_MAX_LEN + 24];

	if (ro->n < 2)
		return 0;
	if ((v = calloc(ro->n, sizeof(*v))) == NULL)
		return pv_fail(e, sub, "", "out of memory");
	for (size_t i = 0; i < ro->n; i++)
		if (ro->v[i].seeker_id[0] != '\0')
			v[n++] = (struct sid_at){ ro->v[i].seeker_id, i };
	qsort(v, n, sizeof(*v), sid_cmp);
	for (size_t i = 1; i < n; i++)
		if (strcmp(v[i].id, v[i - 1].id) == 0 && v[i].index < worst)
			worst = v[i].index;
	free(v);
	if (worst == SIZE_MAX)
		return 0;
	snprintf(item, sizeof(item), "%s[%zu]", sub, worst);
	return pv_fail(e, item, "seeker_id", "the same seeker twice");
}

int
codec_roster_decode(json_t *obj, const char *path, const char *key,
    size_t max, int this_year, struct quota_roster *ro, struct perr *e)
{
	char sub[PATH_MAX_LEN], item[PATH_MAX_LEN + 24];
	json_t *v = json_object_get(obj, key), *x;
	size_t i, n;

	ro->v = NULL;
	ro->n = 0;
	pv_join(sub, path, key);
	if (v == NULL || json_is_null(v))
		return pv_fail(e, path, key, "is required (an array, which "
		    "may be empty)");
	if (!json_is_array(v))
		return pv_fail(e, path, key, "must be an array");
	if ((n = json_array_size(v)) > max)
		return pv_fail(e, path, key, "more than %zu entries "
		    "(roster_max_entries)", max);
	if (n == 0)
		return 0;
	if ((ro->v = calloc(n, sizeof(*ro->v))) == NULL)
		return pv_fail(e, path, key, "out of memory");
	json_array_foreach(v, i, x) {
		snprintf(item, sizeof(item), "%s[%zu]", sub, i);
		if (decode_entry(x, item, this_year, &ro->v[i], e) == -1)
			goto fail;
	}
	ro->n = n;
	if (distinct_seekers(ro, sub, e) == -1)
		goto fail;
	return 0;
fail:
	free(ro->v);
	ro->v = NULL;
	ro->n = 0;
	return -1;
}

static json_t *
entry_json(const struct quota_entry *q)
{
	char date[DATE_LEN + 1];
	json_t *o = json_pack("{s:s, s:i, s:b, s:I, s:b}",
	    "certificate", quota_cert_name(q->certificate),
	    "grade", q->grade, "on_establishment", q->on_establishment,
	    "monthly_wage", (json_int_t)q->monthly_wage,
	    "insurance_paid", q->insurance_paid);

	if (o == NULL)
		return NULL;
	if (q->seeker_id[0] != '\0')
		json_object_set_new(o, "seeker_id", json_string(q->seeker_id));
	if (q->birth_year > 0)
		json_object_set_new(o, "birth_year",
		    json_integer(q->birth_year));
	if (q->sex >= 0)
		json_object_set_new(o, "sex",
		    json_string(quota_sex_name(q->sex)));
	if (q->contract_start >= 0) {
		date_format(q->contract_start, date);
		json_object_set_new(o, "contract_start", json_string(date));
	}
	if (q->contract_months >= 0)
		json_object_set_new(o, "contract_months",
		    json_integer(q->contract_months));
	return o;
}

json_t *
codec_roster_encode(const struct quota_roster *ro)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < ro->n; i++) {
		json_t *o = entry_json(&ro->v[i]);

		if (o == NULL || json_array_append_new(a, o) == -1) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

json_t *
codec_roster_doc(const char *employer_id, const struct quota_roster *ro)
{
	json_t *a = codec_roster_encode(ro);

	if (a == NULL)
		return NULL;
	return json_pack("{s:s, s:o}", "employer_id", employer_id,
	    "entries", a);
}

int
codec_roster_load(const char *buf, size_t len, char employer_id[ID_MAX + 1],
    struct quota_roster *ro, struct perr *e)
{
	static const char *const keys[] = { "employer_id", "entries", NULL };
	json_t *o = json_loadb(buf, len, 0, NULL);
	const char *id = NULL;
	int rc = -1;

	ro->v = NULL;
	ro->n = 0;
	if (o == NULL)
		return pv_fail(e, "", "(JSON)", "not JSON");
	if (pv_object(o, "roster", keys, e) == 0 &&
	    pv_id(o, "roster", "employer_id", true, false, &id, e) == 0 &&
	    codec_roster_decode(o, "roster", "entries", SIZE_MAX, 9999, ro,
	    e) == 0) {
		memcpy(employer_id, id, strlen(id) + 1);
		rc = 0;
	}
	json_decref(o);
	return rc;
}
