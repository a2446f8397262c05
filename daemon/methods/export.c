/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * export.c - seeker.export (staff): one row a registered seeker, by id,
 * with what the office joins with the national real-name employment
 * system's records (docs/export.md): disability type and grade, town,
 * status, employment in the period, the four services given by its end,
 * the courses taken in it, the seeker's flags; the name and the
 * disability certificate's number only when the configuration says
 * export_personal yes. Read from the seekers' mirror.
 *
 * Personal data: nothing here logs a row. The audit line (audit.c) says
 * how many rows a page gave and whether they held names, never the data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/methods/methods.h"
#include "daemon/req.h"
#include "daemon/seekers.h"
#include "daemon/server.h"
#include "matcher/date.h"
#include "proto/codec.h"
#include "proto/params.h"

#define EXPORT_LIMIT_MAX	1000
#define EXPORT_LIMIT_DEF	100

/* day as YYYY-MM-DD, or null for none (-1) or one outside [from, to]. */
static json_t *
day_in(int64_t day, int64_t from, int64_t to)
{
	char buf[DATE_LEN + 1];

	if (day < 0 || day < from || day > to)
		return json_null();
	date_format(day, buf);
	return json_string(buf);
}

/*
 * The row of s for the period from-to (day numbers; -1 and INT64_MAX when
 * open). employment_form is null here: employment records are in Redis,
 * not the mirror; `jobmatch export persons` fills it from employment.list.
 */
static json_t *
row_of(const struct seeker *s, int64_t from, int64_t to, bool personal)
{
	const struct profile *p = &s->profile;
	int town = seekers_town(s);
	json_t *o, *courses = json_array(), *flags = json_array();

	if (courses == NULL || flags == NULL) {
		json_decref(courses);
		json_decref(flags);
		return NULL;
	}
	for (size_t i = 0; i < s->ntraining; i++)
		if (s->training[i].day >= from && s->training[i].day <= to)
			json_array_append_new(courses, json_pack("{s:s, s:o}",
			    "course", s->training[i].course, "date",
			    day_in(s->training[i].day, from, to)));
	for (int i = 0; i < FLAG_COUNT; i++)
		if (p->flags_mask & 1u << i)
			json_array_append_new(flags,
			    json_string(vocab_id(VOCAB_FLAG, i)));
	o = json_pack("{s:s, s:s, s:i, s:s?, s:s?, s:s?, s:o, s:s, s:n, s:o,"
	    " s:o, s:o, s:o, s:o, s:o, s:o}",
	    "seeker_id", s->id,
	    "disability_type", vocab_id(VOCAB_DISABILITY, p->disability),
	    "disability_grade", p->grade,
	    "town", town >= 0 ? server.towns.v[town].code : NULL,
	    "town_name", town >= 0 ? server.towns.v[town].name : NULL,
	    "sex", s->sex == SEX_MALE ? "male" : s->sex == SEX_FEMALE ?
	    "female" : NULL,
	    "birth_year", s->birth_year > 0 ? json_integer(s->birth_year) :
	    json_null(),
	    "status", codec_status_name(s->status),
	    "employment_form",
	    "employment_date", day_in(s->employed_since, from, to),
	    /* the services given by the period's end */
	    "info_checked", day_in(s->service[SVC_INFO_CHECKED], -1, to),
	    "assessed", day_in(s->service[SVC_ASSESSED], -1, to),
	    "registered", day_in(s->service[SVC_REGISTERED], -1, to),
	    "served", day_in(s->service[SVC_SERVED], -1, to),
	    "courses", courses, "flags", flags);
	if (o != NULL && personal) {
		json_object_set_new(o, "name", s->name != NULL ?
		    json_string(s->name) : json_null());
		json_object_set_new(o, "certificate_no",
		    s->certificate_no != NULL ?
		    json_string(s->certificate_no) : json_null());
	}
	return o;
}

/*
 * seeker.export {from?, to?, cursor?, limit?} (staff): {rows, total,
 * personal, period: {from, to}, next_cursor}. Pages are positions in the
 * list by id, as seeker.list's.
 */
void
m_seeker_export(struct req *r, json_t *params)
{
	static const char *const keys[] = { "from", "to", "cursor", "limit",
	    NULL };
	int64_t from = -1, to = -1, limit = EXPORT_LIMIT_DEF;
	bool personal = server.cfg.export_personal;
	const struct seeker **v = NULL;
	size_t n = 0;
	struct perr pe;
	char next[24];
	size_t at = 0;
	json_t *rows, *period;

	if (pv_object(params, "", keys, &pe) == -1 ||
	    pv_date(params, "", "from", false, &from, &pe) == -1 ||
	    pv_date(params, "", "to", false, &to, &pe) == -1 ||
	    pv_int(params, "", "limit", false, 1, EXPORT_LIMIT_MAX, &limit,
	    NULL, &pe) == -1 ||
	    pv_offset_cursor(params, "", "cursor", &at, &pe) == -1 ||
	    (from >= 0 && to >= 0 && from > to &&
	    pv_fail(&pe, "", "to", "is before from") == -1)) {
		req_error_params(r, &pe);
		return;
	}
	period = json_pack("{s:o, s:o}", "from", day_in(from, from, from),
	    "to", day_in(to, to, to));
	if (to < 0)
		to = INT64_MAX;
	if (seekers_sorted(NULL, NULL, &v, &n) == -1 || period == NULL ||
	    (rows = json_array()) == NULL) {
		json_decref(period);
		free(v);
		req_reply(r, NULL);
		return;
	}
	for (size_t i = at; i < n && i < at + (size_t)limit; i++) {
		json_t *o = row_of(v[i], from, to, personal);
		if (o == NULL) {
			json_decref(rows);
			json_decref(period);
			free(v);
			req_reply(r, NULL);
			return;
		}
		json_array_append_new(rows, o);
	}
	snprintf(next, sizeof(next), "%zu", at + (size_t)limit);
	req_result(r, json_pack("{s:o, s:I, s:b, s:o, s:s?}", "rows", rows,
	    "total", (json_int_t)n, "personal", personal, "period", period,
	    "next_cursor", at + (size_t)limit < n ? next : NULL));
	free(v);
}
