/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * report_rows.c - see report_rows.h.
 */
#include <stdio.h>
#include <string.h>

#include "tools/csv.h"
#include "tools/report_rows.h"

/* One row: section, key, the scalar x. */
static void
row(FILE *f, const char *section, const char *key, json_t *x)
{
	char num[64];

	csv_write_cell(f, section);
	fputc(',', f);
	csv_write_cell(f, key);
	fputc(',', f);
	if (json_is_string(x))
		csv_write_cell(f, json_string_value(x));
	else if (json_is_integer(x))
		fprintf(f, "%" JSON_INTEGER_FORMAT, json_integer_value(x));
	else if (json_is_real(x)) {
		/* money to the fen, shares to 12 digits */
		snprintf(num, sizeof(num), "%.12g", json_real_value(x));
		fputs(num, f);
	} else if (json_is_boolean(x))
		fputs(json_is_true(x) ? "true" : "false", f);
	fputc('\n', f);
}

void
report_rows(FILE *f, const char *section, json_t *v)
{
	const char *k;
	json_t *x;
	char path[512];

	json_object_foreach(v, k, x) {
		if (json_is_object(x)) {
			snprintf(path, sizeof(path), "%s%s%s", section,
			    section[0] ? "." : "", k);
			report_rows(f, path, x);
			continue;
		}
		if (json_is_array(x)) {
			/* a split by year: section.k.YEAR, else by place */
			size_t i;
			json_t *e;

			json_array_foreach(x, i, e) {
				json_t *y = json_object_get(e, "year");

				if (!json_is_object(e))
					continue;
				snprintf(path, sizeof(path), "%s%s%s.%lld",
				    section, section[0] ? "." : "", k,
				    json_is_integer(y) ? (long long)
				    json_integer_value(y) : (long long)i);
				report_rows(f, path, e);
			}
			continue;
		}
		row(f, section[0] != '\0' ? section : "report", k, x);
	}
}

void
report_fair_csv(FILE *f, json_t *stats)
{
	json_t *s = json_object_get(stats, "searches"), *h;
	char sec[128];
	size_t i;

	report_rows(f, "fair", json_object_get(stats, "fair"));
	row(f, "searches", "total", json_object_get(s, "total"));
	report_rows(f, "searches.by_disability_type",
	    json_object_get(s, "by_disability_type"));
	json_array_foreach(json_object_get(s, "by_hour"), i, h) {
		const char *hour = json_string_value(json_object_get(h,
		    "hour"));

		snprintf(sec, sizeof(sec), "searches.by_hour.%s",
		    hour != NULL ? hour : "?");
		row(f, sec, "total", json_object_get(h, "total"));
		snprintf(sec, sizeof(sec), "searches.by_hour.%s."
		    "by_disability_type", hour != NULL ? hour : "?");
		report_rows(f, sec, json_object_get(h, "by_disability_type"));
	}
	row(f, "report", "results_shown", json_object_get(stats,
	    "results_shown"));
	row(f, "report", "qr_codes", json_object_get(stats, "qr_codes"));
	report_rows(f, "interests", json_object_get(stats, "interests"));
}

void
report_employer_csv(FILE *f, json_t *doc)
{
	json_t *p = json_object_get(doc, "postings"), *j;
	char sec[256];
	size_t i;

	row(f, "report", "employer", json_object_get(doc, "employer"));
	row(f, "report", "date", json_object_get(doc, "date"));
	report_rows(f, "quota", json_object_get(doc, "quota"));
	row(f, "postings", "open", json_object_get(p, "open"));
	row(f, "postings", "openings", json_object_get(p, "openings"));
	json_array_foreach(json_object_get(p, "jobs"), i, j) {
		snprintf(sec, sizeof(sec), "postings.%s",
		    json_string_value(json_object_get(j, "id")));
		row(f, sec, "title", json_object_get(j, "title"));
		row(f, sec, "openings", json_object_get(j, "openings"));
	}
}
