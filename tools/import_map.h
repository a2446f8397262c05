/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * import_map.h - the columns of jobmatch import (docs/import.md): which
 * header names which field of a posting or an employer, and how a cell's
 * text becomes that field's JSON value. Pure: jansson only; the
 * vocabulary and the employers' names come from the caller.
 */
#ifndef JM_IMPORT_MAP_H
#define JM_IMPORT_MAP_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

enum imp_kind { IMP_JOBS, IMP_EMPLOYERS };

/* What a cell needs to become a value. */
struct imp_ctx {
	json_t	*vocab;		/* the daemon's vocab result */
	/* name -> employer id (a string), or an array of the ids of every
	 * employer of that name; NULL when names are not looked up */
	json_t	*employers;
};

#define IMP_WHY_MAX	256

/* The column a header names, for kind (its spaces and a leading or
 * trailing '*' aside), or -1. */
int	 imp_column(enum imp_kind kind, const char *header);
/* The field path of column col ("title", "salary.min", "contact.phone";
 * "employer_name" for the employer named by name). */
const char *imp_field(enum imp_kind kind, int col);
/* The column the daemon's error path (job.salary.min,
 * job.accessible_for[2]) came from, of those given(col) says the file
 * has: the field's own, else the one that holds it whole (salary for
 * salary.min), else one of its members (salary.min for salary); -1. */
int	 imp_column_of_error(enum imp_kind kind, const char *path,
	    bool (*given)(int col));

/*
 * Sets the field of column col in obj from cell (UTF-8, trimmed, not
 * empty). 0; or -1 with why (out of memory: -2).
 */
int	 imp_cell(enum imp_kind kind, int col, const char *cell,
	    const struct imp_ctx *ctx, json_t *obj, char *why, size_t whylen);

/* Exposed for the unit test: "3000-4500" or "3000" (min = max) into
 * *min, *max; 0 or -1. */
int	 imp_salary(const char *s, long long *min, long long *max);
/* Splits s at 、，,;； and white space into an array of strings (owned). */
json_t	*imp_split(const char *s);
/* Trims ASCII and ideographic spaces of s in place; returns s. */
char	*imp_trim(char *s);

#endif
