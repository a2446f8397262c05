/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * params.h - typed, bounded access to the fields of a params object. Every
 * check names the offending field by its dotted path ("job.salary.min",
 * "profile.needs[2]") so the daemon can answer -32602 with error.data.field.
 */
#ifndef JM_PARAMS_H
#define JM_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "matcher/vocab.h"

struct towns;

#define PATH_MAX_LEN 160

/*
 * The largest integer a Lua number (a double, in Redis's scripts) holds
 * exactly, 2^53 - 1: above it n + 1 == n, so a script would compare, count
 * or loop wrongly. Every number a request gives that a script reads
 * (versions, cursors of scores) is at most this.
 */
#define INT_EXACT_MAX	9007199254740991LL
/* A version a request names (expected_version, a rule set's version). */
#define VERSION_MAX	INT_EXACT_MAX

struct perr {
	char	field[PATH_MAX_LEN];
	char	reason[200];
};

/* Sets e to field path[.key] and a printf-style reason; returns -1. */
int	pv_fail(struct perr *e, const char *path, const char *key,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Joins path and key ("a" + "b" = "a.b"; "" + "b" = "b") into out. */
void	pv_join(char *out, const char *path, const char *key);

/* obj must be an object whose keys are all in allowed (NULL-terminated). */
int	pv_object(json_t *obj, const char *path, const char *const allowed[],
	    struct perr *e);

/*
 * Field getters. Each returns 0 and sets *present (when given) to whether
 * the key was there, or -1 and fills e. A required field that is absent (or
 * null) fails; an optional one leaves *out alone.
 */
int	pv_str(json_t *obj, const char *path, const char *key, bool required,
	    size_t maxchars, const char **out, struct perr *e);
int	pv_id(json_t *obj, const char *path, const char *key, bool required,
	    bool colon, const char **out, struct perr *e);
/* Whether s[0..len) holds only the characters of an id (":" if colon). */
bool	pv_id_chars(const char *s, size_t len, bool colon);
int	pv_int(json_t *obj, const char *path, const char *key, bool required,
	    int64_t min, int64_t max, int64_t *out, bool *present,
	    struct perr *e);
int	pv_num(json_t *obj, const char *path, const char *key, bool required,
	    double min, double max, double *out, bool *present, struct perr *e);
int	pv_bool(json_t *obj, const char *path, const char *key, bool *out,
	    struct perr *e);

/* A date (YYYY-MM-DD) as a day number (matcher/date.h); *day is left
 * alone when the key is absent. */
int	pv_date(json_t *obj, const char *path, const char *key, bool required,
	    int64_t *day, struct perr *e);
/* The optional dates from and to of params (each left alone when absent),
 * from not after to ("to": "is before from"). */
int	pv_period(json_t *params, int64_t *from, int64_t *to,
	    struct perr *e);
/* A town code as its index in towns; *town is left alone when absent. */
int	pv_town(json_t *obj, const char *path, const char *key,
	    const struct towns *towns, int *town, struct perr *e);
/* One identifier of kind as its index; *out is left alone when absent. */
int	pv_enum(json_t *obj, const char *path, const char *key,
	    enum vocab_kind kind, int *out, struct perr *e);

/* The cursor of a list paged by score in Redis (placements, employment
 * records, follow-ups, interests): the decimal digits of a score up to
 * INT_EXACT_MAX (what a script holds exactly), as given; *cursor is left
 * alone when there is none. */
int	pv_score_cursor(json_t *obj, const char *path, const char *key,
	    const char **cursor, struct perr *e);
/* The cursor of a list paged by position: the decimal position of the
 * next row, at most OFFSET_CURSOR_MAX (so that position + limit cannot
 * overflow); *from is left alone when there is none. */
#define OFFSET_CURSOR_MAX	1000000000ULL
int	pv_offset_cursor(json_t *obj, const char *path, const char *key,
	    size_t *from, struct perr *e);

/* An array of at most maxn identifiers of kind, as a bitmask. */
int	pv_enum_list(json_t *obj, const char *path, const char *key,
	    bool required, enum vocab_kind kind, size_t maxn, uint32_t *mask,
	    bool *present, struct perr *e);

/* An array of at most maxn strings of at most maxchars each, copied. */
int	pv_str_list(json_t *obj, const char *path, const char *key,
	    size_t maxn, size_t maxchars, char ***out, size_t *n,
	    struct perr *e);

/* Checks that s (len bytes) is valid UTF-8 of at most maxchars. */
int	pv_text(const char *s, size_t len, size_t maxchars, const char *path,
	    const char *key, struct perr *e);

#endif
