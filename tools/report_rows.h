/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * report_rows.h - the CSV rows of jobmatch report (section,key,value),
 * from the daemon's JSON. Pure: jansson and the stream it is given.
 */
#ifndef JM_REPORT_ROWS_H
#define JM_REPORT_ROWS_H

#include <stdio.h>

#include <jansson.h>

/* One row per scalar member of object v: section (the dotted path to its
 * object; "report" at the top when section is ""), key, value. */
void	report_rows(FILE *f, const char *section, json_t *v);

/*
 * fair.stats's result as rows: fair,KEY,V for the fair; searches,total;
 * searches.by_disability_type,TYPE,N; for each hour H,
 * searches.by_hour.H,total,N and searches.by_hour.H.by_disability_type,
 * TYPE,N; report,results_shown and report,qr_codes; interests,KEY,N.
 * After the header line.
 */
void	report_fair_csv(FILE *f, json_t *stats);

/*
 * An employer's own report, {employer, date, quota, postings: {open,
 * openings, jobs: [{id, title, openings}]}} (report.c makes it), as rows:
 * report,employer and report,date; quota[.SUB],KEY,V as employer.quota
 * answers; postings,open and postings,openings; postings.ID,title and
 * postings.ID,openings for each. After the header line.
 */
void	report_employer_csv(FILE *f, json_t *doc);

#endif
