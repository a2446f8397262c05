/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * export.c - jobmatch export persons: the per-person export (seeker.export,
 * every page) as CSV, one row a registered seeker, for the office to join
 * with the national real-name employment system (docs/export.md maps each
 * column onto its fields). The daemon decides whether names and
 * certificate numbers are in it (export_personal) and logs each page as an
 * audit line; this writes the file only once every page has come, so a
 * failed export leaves no part of one behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tools/csv.h"
#include "tools/jobmatch.h"

const char usage_export[] =
"usage: jobmatch [OPTIONS] export persons [--from DATE] [--to DATE]\n"
"           [-o FILE]\n"
"Writes the per-person export (a staff token: seeker.export) as CSV, one\n"
"row a registered seeker by id, to standard output or FILE (written once\n"
"whole). Names and disability certificate numbers are filled only when the\n"
"daemon's configuration says export_personal yes; the daemon logs every\n"
"export. docs/export.md maps the columns onto the national real-name\n"
"employment system's fields.\n"
"  --from DATE, --to DATE  the period (YYYY-MM-DD; default: all): the\n"
"                employment started in it, the services given by its\n"
"                end, the courses taken in it\n";

/* The columns, in order: each a member of a seeker.export row. */
static const char *const columns[] = {
	"seeker_id", "name", "certificate_no", "disability_type",
	"disability_grade", "town", "town_name", "sex", "birth_year",
	"status", "employment_form", "employment_date", "info_checked",
	"assessed", "registered", "served", "courses", "flags", NULL
};

/* One cell of row: a string as it is, a number in decimal, courses as
 * "COURSE DATE" joined by "; ", flags by ";", null or absent empty. */
static void
cell(FILE *f, json_t *row, const char *col)
{
	json_t *v = json_object_get(row, col), *it;
	char *text = NULL, num[32];
	size_t len = 0, i;
	FILE *m;

	if (json_is_string(v))
		csv_write_cell(f, json_string_value(v));
	else if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%lld",
		    (long long)json_integer_value(v));
		csv_write_cell(f, num);
	} else if (json_is_array(v)) {
		if ((m = open_memstream(&text, &len)) == NULL)
			die("out of memory");
		json_array_foreach(v, i, it) {
			if (json_is_object(it))
				fprintf(m, "%s%s %s", i ? "; " : "",
				    json_string_value(json_object_get(it,
				    "course")), json_string_value(
				    json_object_get(it, "date")));
			else
				fprintf(m, "%s%s", i ? ";" : "",
				    json_string_value(it));
		}
		if (fclose(m) != 0)
			die("out of memory");
		csv_write_cell(f, text);
		free(text);
	}
}

static void
export_persons(const char *from, const char *to, FILE *f)
{
	json_t *p = json_object(), *rows, *row, *recs, *rec, *latest;
	size_t i;

	if (p == NULL)
		die("out of memory");
	if (from != NULL)
		json_object_set_new(p, "from", json_string(from));
	if (to != NULL)
		json_object_set_new(p, "to", json_string(to));
	rows = call_all("seeker.export", p, "rows");
	/* each person's latest employment record in the period (records come
	 * by date): its form and date; the mirror behind seeker.export
	 * holds no records */
	recs = call_all("employment.list", p, "employments");
	json_decref(p);
	if ((latest = json_object()) == NULL)
		die("out of memory");
	json_array_foreach(recs, i, rec) {
		const char *sid = json_string_value(json_object_get(rec,
		    "seeker_id"));
		if (sid != NULL)
			json_object_set(latest, sid, rec);
	}
	json_array_foreach(rows, i, row) {
		const char *sid = json_string_value(json_object_get(row,
		    "seeker_id"));
		json_t *last = sid != NULL ? json_object_get(latest, sid) :
		    NULL;
		if (last != NULL) {
			json_object_set(row, "employment_form",
			    json_object_get(last, "form"));
			json_object_set(row, "employment_date",
			    json_object_get(last, "date"));
		}
	}
	json_decref(latest);
	json_decref(recs);
	for (size_t c = 0; columns[c] != NULL; c++)
		fprintf(f, "%s%s", c ? "," : "", columns[c]);
	fputs("\r\n", f);
	json_array_foreach(rows, i, row) {
		for (size_t c = 0; columns[c] != NULL; c++) {
			if (c > 0)
				fputc(',', f);
			cell(f, row, columns[c]);
		}
		fputs("\r\n", f);
	}
	json_decref(rows);
}

int
cmd_export(int argc, char **argv)
{
	const char *from = NULL, *to = NULL, *out = NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int fd;

	if (argc < 1 || strcmp(argv[0], "persons") != 0) {
		fputs(usage_export, stderr);
		exit(2);
	}
	for (int a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--from") == 0 && a + 1 < argc)
			from = argv[++a];
		else if (strcmp(argv[a], "--to") == 0 && a + 1 < argc)
			to = argv[++a];
		else if (strcmp(argv[a], "-o") == 0 && a + 1 < argc)
			out = argv[++a];
		else {
			fputs(usage_export, stderr);
			exit(2);
		}
	}
	if ((f = open_memstream(&text, &len)) == NULL)
		die("out of memory");
	export_persons(from, to, f);
	if (fclose(f) != 0)
		die("out of memory");
	f = stdout;
	/* personal data: a new file is the owner's alone */
	if (out != NULL && ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC,
	    0600)) == -1 || (f = fdopen(fd, "w")) == NULL))
		die("export: %s: %s", out, strerror(errno));
	fwrite(text, 1, len, f);
	if (f != stdout ? fclose(f) != 0 : fflush(f) != 0 || ferror(f))
		die("export: %s: %s", out != NULL ? out : "standard output",
		    strerror(errno));
	free(text);
	return 0;
}
