/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * report.c - jobmatch report: the plan's report for a year (--year), the
 * plan's period (--plan) or any period (--from, --to), an employer's own
 * figures (--employer) and a job fair's (--fair), as CSV rows
 * (section,key,value) or one JSON document.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "tools/jobmatch.h"
#include "tools/report_rows.h"

#define JOB_PAGE	100	/* job.list's largest page */

const char usage_report[] =
"usage: jobmatch [OPTIONS] report --year Y [--to DATE] [--date DATE]\n"
"           [--format csv|json] [-o FILE]\n"
"       jobmatch [OPTIONS] report --plan [--date DATE] [--format csv|json]\n"
"           [-o FILE]\n"
"       jobmatch [OPTIONS] report --from DATE --to DATE [--date DATE]\n"
"           [--format csv|json] [-o FILE]\n"
"       jobmatch [OPTIONS] report --employer ID [--date DATE]\n"
"           [--format csv|json] [-o FILE]\n"
"       jobmatch [OPTIONS] report --fair ID [--format csv|json] [-o FILE]\n"
"Writes a report as CSV rows (section,key,value; the default) or one JSON\n"
"document, to standard output or FILE.\n"
"  --year Y      the county plan's annual report (a staff token): stats.plan\n"
"                from 1 January to 31 December (or to DATE, of that year)\n"
"                with its splits by form and year, the employers below the\n"
"                quota on that last day and those whose declared number\n"
"                exceeds their roster, the year's placements by town, and\n"
"                the persons due a follow-up visit and those within the\n"
"                subsidy's window on that day (or on --date), by seeker id\n"
"  --plan        the same for the plan's period (the daemon's plan_from to\n"
"                plan_to, which its targets are for)\n"
"  --from DATE --to DATE  the same for any period\n"
"  --employer ID an employer's own figures for its report (its own token, or\n"
"                staff's): where it stands against the quota on DATE\n"
"                (default today) with its fund, and its postings open now\n"
"                with their openings\n"
"  --fair ID     a job fair's figures (staff): fair.stats\n";

/* Writes the report (text, len) to stdout, or to the file -o names,
 * once it is whole: a failed call leaves no half a report behind. */
static void
write_out(const char *out, const char *text, size_t len)
{
	FILE *f = stdout;

	if (out != NULL && (f = fopen(out, "w")) == NULL)
		die("report: %s: %s", out, strerror(errno));
	fwrite(text, 1, len, f);
	if (f != stdout ? fclose(f) != 0 : fflush(f) != 0 || ferror(f))
		die("report: %s: %s", out != NULL ? out : "standard output",
		    strerror(errno));
}

static void
write_json(FILE *f, json_t *doc)
{
	char *s = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(12));

	fprintf(f, "%s\n", s != NULL ? s : "null");
	free(s);
}

/*
 * A follow-up list (followup.due's "due" or subsidy.window's "seekers",
 * every page) on date, without the seekers' names: a report goes to the
 * county by seeker id only. Returns {date, KEYDAYS, total, LIST}.
 */
static json_t *
followup_list(const char *method, const char *date, const char *list,
    const char *days)
{
	json_t *p, *first, *all, *e, *doc;
	size_t i;

	p = json_pack("{s:s, s:i}", "date", date, "limit", 1);
	first = call(method, p);
	json_decref(p);
	p = json_pack("{s:s}", "date", date);
	all = call_all(method, p, list);
	json_decref(p);
	json_array_foreach(all, i, e)
		json_object_del(e, "name");
	doc = json_pack("{s:O, s:O, s:I, s:O}", "date",
	    json_object_get(first, "date"), days, json_object_get(first, days),
	    "total", (json_int_t)json_array_size(all), list, all);
	if (doc == NULL)
		die("out of memory");
	json_decref(first);
	json_decref(all);
	return doc;
}

/* A follow-up list as CSV: SECTION,date / SECTION,DAYS / SECTION,total,
 * then SECTION.persons,SEEKER_ID,V: one row a person, V its member vkey. */
static void
followup_csv(FILE *f, const char *section, json_t *doc, const char *list,
    const char *vkey)
{
	json_t *x, *e;
	const char *k;
	char sec[128];
	size_t i;

	json_object_foreach(doc, k, x)
		if (!json_is_array(x)) {
			json_t *one = json_pack("{s:O}", k, x);

			report_rows(f, section, one);
			json_decref(one);
		}
	snprintf(sec, sizeof(sec), "%s.persons", section);
	json_array_foreach(json_object_get(doc, list), i, e) {
		const char *id = json_string_value(json_object_get(e,
		    "seeker_id"));
		json_t *one;

		if (id == NULL)
			continue;
		one = json_pack("{s:O}", id, json_object_get(e, vkey));
		report_rows(f, sec, one);
		json_decref(one);
	}
}

/*
 * The roster checks as CSV: for each employer whose declared number
 * exceeds what its roster supports (employer.list {overstated}),
 * employers_overstated.ID rows: name, type, its declaration
 * (disabled_employees, severe_disabled_employees) and what its roster
 * supports (roster_entries, roster_counted, roster_weighted).
 */
static void
overstated_csv(FILE *f, json_t *over)
{
	json_t *e;
	size_t i;

	json_array_foreach(over, i, e) {
		json_t *r = json_object_get(e, "roster");
		char sec[128];
		json_t *row = json_pack("{s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, "
		    "s:O?}", "name", json_object_get(e, "name"),
		    "type", json_object_get(e, "type"),
		    "disabled_employees", json_object_get(e,
		    "disabled_employees"),
		    "severe_disabled_employees", json_object_get(e,
		    "severe_disabled_employees"),
		    "roster_entries", json_object_get(r, "entries"),
		    "roster_counted", json_object_get(r, "counted"),
		    "roster_weighted", json_object_get(r, "weighted"));

		if (row == NULL)
			die("out of memory");
		snprintf(sec, sizeof(sec), "employers_overstated.%s",
		    json_string_value(json_object_get(e, "id")));
		report_rows(f, sec, row);
		json_decref(row);
	}
}

/*
 * The plan's report for a period: stats.plan for it (from, to; both NULL:
 * the plan's own period, which the daemon names), the employers below the
 * quota on its last day (largest shortfall first) and those whose
 * declared number exceeds what their roster supports, its placements by
 * town, and the follow-up lists on date (NULL: the period's last day):
 * the persons due a follow-up visit and the low-income persons within
 * the subsidy's window. year is the calendar year reported, or 0.
 */
static void
report_period(long year, const char *from, const char *to, const char *date,
    bool json, FILE *f)
{
	json_t *plan, *below, *over, *placed, *bytown, *due, *subsidy, *doc;
	json_t *p, *e;
	const char *pf, *pt;
	size_t i;

	p = json_object();
	if (from != NULL)
		json_object_set_new(p, "from", json_string(from));
	if (to != NULL)
		json_object_set_new(p, "to", json_string(to));
	plan = call("stats.plan", p);
	json_decref(p);
	pf = json_string_value(json_object_get(plan, "from"));
	pt = json_string_value(json_object_get(plan, "to"));
	if (pf == NULL || pt == NULL)
		die("report: stats.plan gave no period");
	if (date == NULL)
		date = pt;
	p = json_pack("{s:b, s:s}", "below_quota", 1, "date", pt);
	below = call_all("employer.list", p, "employers");
	json_decref(p);
	p = json_pack("{s:b, s:s}", "overstated", 1, "date", pt);
	over = call_all("employer.list", p, "employers");
	json_decref(p);
	p = json_pack("{s:s, s:s}", "from", pf, "to", pt);
	placed = call_all("placement.list", p, "placements");
	json_decref(p);
	due = followup_list("followup.due", date, "due", "interval_days");
	subsidy = followup_list("subsidy.window", date, "seekers",
	    "window_days");
	bytown = json_object();
	json_array_foreach(placed, i, e) {
		const char *t = json_string_value(json_object_get(e, "town"));
		json_int_t n;
		if (t == NULL)
			t = "unknown";
		n = json_integer_value(json_object_get(bytown, t));
		json_object_set_new(bytown, t, json_integer(n + 1));
	}
	if (json) {
		doc = json_pack("{s:s, s:s, s:O, s:O, s:O, s:O, s:O, s:O}",
		    "from", pf, "to", pt, "plan", plan,
		    "employers_below_quota", below, "employers_overstated",
		    over, "placements_by_town", bytown, "followup_due", due,
		    "subsidy_window", subsidy);
		if (doc == NULL)
			die("out of memory");
		if (year != 0)
			json_object_set_new(doc, "year", json_integer(year));
		write_json(f, doc);
		json_decref(doc);
	} else {
		fprintf(f, "section,key,value\n");
		if (year != 0)
			fprintf(f, "report,year,%ld\n", year);
		report_rows(f, "", plan);
		report_rows(f, "placements_by_town", bytown);
		json_array_foreach(below, i, e) {
			char sec[128];
			json_t *row = json_pack("{s:O, s:O, s:O, s:O, s:O}",
			    "name", json_object_get(e, "name"),
			    "type", json_object_get(e, "type"),
			    "shortfall", json_object_get(e, "shortfall"),
			    "required", json_object_get(e, "required"),
			    "actual", json_object_get(e, "actual"));
			json_object_set(row, "due", json_object_get(
			    json_object_get(e, "fund"), "due"));
			snprintf(sec, sizeof(sec), "employers_below_quota.%s",
			    json_string_value(json_object_get(e, "id")));
			report_rows(f, sec, row);
			json_decref(row);
		}
		overstated_csv(f, over);
		followup_csv(f, "followup_due", due, "due", "due_since");
		followup_csv(f, "subsidy_window", subsidy, "seekers",
		    "window_ends");
	}
	json_decref(plan);
	json_decref(below);
	json_decref(over);
	json_decref(placed);
	json_decref(bytown);
	json_decref(due);
	json_decref(subsidy);
}

/* Whether a posting of job.list is open now: open, not expired, its
 * apply_by (YYYY-MM-DD) not before today (local). */
static bool
open_now(json_t *j, time_t now, const char *today)
{
	json_t *exp = json_object_get(j, "expires_at");
	const char *by = json_string_value(json_object_get(j, "apply_by"));
	const char *st = json_string_value(json_object_get(j, "status"));

	if (st == NULL || strcmp(st, "open") != 0)
		return false;
	if (json_is_integer(exp) && json_integer_value(exp) <= now)
		return false;
	return by == NULL || strcmp(by, today) >= 0;
}

/*
 * An employer's own report: employer.quota on date (NULL: today), and its
 * postings open now (job.list, page by page) with their openings.
 */
static void
report_employer(const char *id, const char *date, bool json, FILE *f)
{
	json_t *p, *quota, *page, *jobs = json_array(), *doc, *j;
	time_t now = time(NULL);
	json_int_t open = 0, openings = 0;
	char *cursor = NULL;
	const char *next;
	char today[16];
	struct tm tm;
	size_t i;

	localtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	p = json_pack("{s:s}", "id", id);
	if (date != NULL)
		json_object_set_new(p, "date", json_string(date));
	quota = call("employer.quota", p);
	json_decref(p);
	for (;;) {
		p = json_pack("{s:s, s:s, s:i}", "employer_id", id, "status",
		    "open", "limit", JOB_PAGE);
		if (cursor != NULL)
			json_object_set_new(p, "cursor", json_string(cursor));
		page = call("job.list", p);
		json_decref(p);
		json_array_foreach(json_object_get(page, "jobs"), i, j) {
			json_int_t n;

			if (!open_now(j, now, today))
				continue;
			n = json_integer_value(json_object_get(j, "openings"));
			open++;
			openings += n;
			json_array_append_new(jobs, json_pack("{s:O, s:O, s:I}",
			    "id", json_object_get(j, "id"), "title",
			    json_object_get(j, "title"), "openings", n));
		}
		free(cursor);
		cursor = NULL;
		next = json_string_value(json_object_get(page, "next_cursor"));
		if (next != NULL && (cursor = strdup(next)) == NULL)
			die("out of memory");
		json_decref(page);
		if (cursor == NULL)
			break;
	}
	doc = json_pack("{s:s, s:O, s:O, s:{s:I, s:I, s:O}}", "employer", id,
	    "date", json_object_get(quota, "date"), "quota", quota,
	    "postings", "open", open, "openings", openings, "jobs", jobs);
	if (doc == NULL)
		die("out of memory");
	if (json)
		write_json(f, doc);
	else {
		fprintf(f, "section,key,value\n");
		report_employer_csv(f, doc);
	}
	json_decref(doc);
	json_decref(quota);
	json_decref(jobs);
}

/* A fair's report: fair.stats. */
static void
report_fair(const char *id, bool json, FILE *f)
{
	json_t *p = json_pack("{s:s}", "id", id), *stats;

	stats = call("fair.stats", p);
	json_decref(p);
	if (json)
		write_json(f, stats);
	else {
		fprintf(f, "section,key,value\n");
		report_fair_csv(f, stats);
	}
	json_decref(stats);
}

int
cmd_report(int argc, char **argv)
{
	const char *format = "csv", *out = NULL, *until = NULL, *from = NULL;
	const char *employer = NULL, *fair = NULL, *date = NULL;
	char year_from[16], year_to[16];
	long year = 0;
	bool plan = false, json;
	int kinds;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	for (int a = 0; a < argc; a++) {
		if (strcmp(argv[a], "--year") == 0 && a + 1 < argc)
			year = num_arg("year", argv[++a]);
		else if (strcmp(argv[a], "--plan") == 0)
			plan = true;
		else if (strcmp(argv[a], "--from") == 0 && a + 1 < argc)
			from = argv[++a];
		else if (strcmp(argv[a], "--employer") == 0 && a + 1 < argc)
			employer = argv[++a];
		else if (strcmp(argv[a], "--fair") == 0 && a + 1 < argc)
			fair = argv[++a];
		else if (strcmp(argv[a], "--date") == 0 && a + 1 < argc)
			date = argv[++a];
		else if (strcmp(argv[a], "--format") == 0 && a + 1 < argc)
			format = argv[++a];
		else if (strcmp(argv[a], "-o") == 0 && a + 1 < argc)
			out = argv[++a];
		else if (strcmp(argv[a], "--to") == 0 && a + 1 < argc)
			until = argv[++a];
		else {
			fputs(usage_report, stderr);
			exit(2);
		}
	}
	kinds = (year != 0) + plan + (from != NULL) + (employer != NULL) +
	    (fair != NULL);
	if (kinds != 1)
		die("report: one of --year, --plan, --from, --employer and "
		    "--fair is required");
	if (year != 0 && (year < 1970 || year > 9999))
		die("report: --year is 1970..9999");
	if (from != NULL && until == NULL)
		die("report: --from goes with --to");
	if (until != NULL && year == 0 && from == NULL)
		die("report: --to goes with --year or --from");
	if (date != NULL && fair != NULL)
		die("report: --date goes with --employer, --year, --plan or "
		    "--from");
	if (strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
		die("report: --format is csv or json");
	json = strcmp(format, "json") == 0;
	if (year != 0) {
		snprintf(year_from, sizeof(year_from), "%04ld-01-01", year);
		snprintf(year_to, sizeof(year_to), "%04ld-12-31", year);
		if (until != NULL) {
			/* a report made before the year ends, e.g. the 15
			 * November one: the daemon checks the date */
			if (strlen(until) != 10 ||
			    strncmp(until, year_from, 5) != 0)
				die("report: --to is a date YYYY-MM-DD of the "
				    "year");
			memcpy(year_to, until, 11);
		}
	}
	if ((f = open_memstream(&text, &len)) == NULL)
		die("out of memory");
	if (year != 0)
		report_period(year, year_from, year_to, date, json, f);
	else if (plan || from != NULL)
		report_period(0, from, until, date, json, f);
	else if (employer != NULL)
		report_employer(employer, date, json, f);
	else
		report_fair(fair, json, f);
	if (fclose(f) != 0)
		die("out of memory");
	write_out(out, text, len);
	free(text);
	return 0;
}
