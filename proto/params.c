/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * params.c - see params.h.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matcher/date.h"
#include "matcher/model.h"
#include "matcher/towns.h"
#include "proto/params.h"

void
pv_join(char *out, const char *path, const char *key)
{
	if (key == NULL)
		snprintf(out, PATH_MAX_LEN, "%s", path);
	else if (path[0] == '\0')
		snprintf(out, PATH_MAX_LEN, "%s", key);
	else
		snprintf(out, PATH_MAX_LEN, "%s.%s", path, key);
}

int
pv_fail(struct perr *e, const char *path, const char *key, const char *fmt,
    ...)
{
	va_list ap;

	pv_join(e->field, path, key);
	va_start(ap, fmt);
	vsnprintf(e->reason, sizeof(e->reason), fmt, ap);
	va_end(ap);
	return -1;
}

int
pv_object(json_t *obj, const char *path, const char *const allowed[],
    struct perr *e)
{
	const char *key;
	json_t *v;

	if (!json_is_object(obj))
		return pv_fail(e, path, NULL, "must be an object");
	json_object_foreach(obj, key, v) {
		bool ok = false;
		for (size_t i = 0; allowed[i] != NULL && !ok; i++)
			ok = strcmp(key, allowed[i]) == 0;
		if (!ok)
			return pv_fail(e, path, key, "unknown field");
	}
	return 0;
}

/* The value of key, or NULL when absent or null. Fails if required. */
static int
get(json_t *obj, const char *path, const char *key, bool required,
    json_t **v, struct perr *e)
{
	*v = json_object_get(obj, key);
	if (*v != NULL && json_is_null(*v))
		*v = NULL;
	if (*v == NULL && required)
		return pv_fail(e, path, key, "is required");
	return 0;
}

int
pv_text(const char *s, size_t len, size_t maxchars, const char *path,
    const char *key, struct perr *e)
{
	long n = utf8_count(s, len);

	if (n < 0)
		return pv_fail(e, path, key, "is not valid UTF-8 text");
	if ((size_t)n > maxchars)
		return pv_fail(e, path, key, "longer than %zu characters",
		    maxchars);
	return 0;
}

int
pv_str(json_t *obj, const char *path, const char *key, bool required,
    size_t maxchars, const char **out, struct perr *e)
{
	json_t *v;

	if (get(obj, path, key, required, &v, e) == -1)
		return -1;
	if (v == NULL)
		return 0;
	if (!json_is_string(v))
		return pv_fail(e, path, key, "must be a string");
	if (pv_text(json_string_value(v), json_string_length(v), maxchars,
	    path, key, e) == -1)
		return -1;
	if (required && json_string_length(v) == 0)
		return pv_fail(e, path, key, "must not be empty");
	*out = json_string_value(v);
	return 0;
}

int
pv_id(json_t *obj, const char *path, const char *key, bool required,
    bool colon, const char **out, struct perr *e)
{
	const char *s = NULL;

	if (pv_str(obj, path, key, required, ID_MAX, &s, e) == -1)
		return -1;
	if (s == NULL)
		return 0;
	if (s[0] == '\0' || strlen(s) > ID_MAX)
		return pv_fail(e, path, key, "must be 1 to %d characters",
		    ID_MAX);
	if (!pv_id_chars(s, strlen(s), colon))
		return pv_fail(e, path, key, "may only hold "
		    "A-Z a-z 0-9 . _ -%s", colon ? " :" : "");
	*out = s;
	return 0;
}

bool
pv_id_chars(const char *s, size_t len, bool colon)
{
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '-' || (colon && c == ':')))
			return false;
	}
	return true;
}

int
pv_int(json_t *obj, const char *path, const char *key, bool required,
    int64_t min, int64_t max, int64_t *out, bool *present, struct perr *e)
{
	json_t *v;
	json_int_t i;

	if (present != NULL)
		*present = false;
	if (get(obj, path, key, required, &v, e) == -1)
		return -1;
	if (v == NULL)
		return 0;
	if (!json_is_integer(v))
		return pv_fail(e, path, key, "must be an integer");
	i = json_integer_value(v);
	if (i < min || i > max)
		return pv_fail(e, path, key, "must be from %lld to %lld",
		    (long long)min, (long long)max);
	*out = i;
	if (present != NULL)
		*present = true;
	return 0;
}

int
pv_num(json_t *obj, const char *path, const char *key, bool required,
    double min, double max, double *out, bool *present, struct perr *e)
{
	json_t *v;
	double d;

	if (present != NULL)
		*present = false;
	if (get(obj, path, key, required, &v, e) == -1)
		return -1;
	if (v == NULL)
		return 0;
	if (!json_is_number(v))
		return pv_fail(e, path, key, "must be a number");
	d = json_number_value(v);
	if (!isfinite(d) || d < min || d > max)
		return pv_fail(e, path, key, "must be from %g to %g", min, max);
	*out = d;
	if (present != NULL)
		*present = true;
	return 0;
}

int
pv_bool(json_t *obj, const char *path, const char *key, bool *out,
    struct perr *e)
{
	json_t *v;

	if (get(obj, path, key, false, &v, e) == -1)
		return -1;
	if (v == NULL)
		return 0;
	if (!json_is_boolean(v))
		return pv_fail(e, path, key, "must be true or false");
	*out = json_is_true(v);
	return 0;
}

int
pv_date(json_t *obj, const char *path, const char *key, bool required,
    int64_t *day, struct perr *e)
{
	const char *s = NULL;

	if (pv_str(obj, path, key, required, DATE_LEN, &s, e) == -1)
		return -1;
	if (s != NULL && date_parse(s, day) == -1)
		return pv_fail(e, path, key, "must be a date YYYY-MM-DD");
	return 0;
}

int
pv_town(json_t *obj, const char *path, const char *key,
    const struct towns *towns, int *town, struct perr *e)
{
	const char *code = NULL;
	int t;

	if (pv_str(obj, path, key, false, TOWN_CODE_MAX, &code, e) == -1)
		return -1;
	if (code == NULL)
		return 0;
	if ((t = towns_find(towns, code)) < 0)
		return pv_fail(e, path, key, "unknown town code");
	*town = t;
	return 0;
}

int
pv_enum(json_t *obj, const char *path, const char *key,
    enum vocab_kind kind, int *out, struct perr *e)
{
	const char *s = NULL;
	int i;

	if (pv_str(obj, path, key, false, 64, &s, e) == -1)
		return -1;
	if (s == NULL)
		return 0;
	if ((i = vocab_lookup(kind, s)) < 0)
		return pv_fail(e, path, key, "not one of the %s",
		    vocab_kind_name(kind));
	*out = i;
	return 0;
}

int
pv_score_cursor(json_t *obj, const char *path, const char *key,
    const char **cursor, struct perr *e)
{
	const char *s = NULL;

	if (pv_str(obj, path, key, false, 20, &s, e) == -1)
		return -1;
	if (s == NULL)
		return 0;
	if (s[0] == '\0' || strspn(s, "0123456789") != strlen(s) ||
	    strtoull(s, NULL, 10) > (unsigned long long)INT_EXACT_MAX)
		return pv_fail(e, path, key, "not a cursor of this method");
	*cursor = s;
	return 0;
}

int
pv_offset_cursor(json_t *obj, const char *path, const char *key,
    size_t *from, struct perr *e)
{
	const char *s = NULL;
	unsigned long long v = 0;

	if (pv_str(obj, path, key, false, 20, &s, e) == -1)
		return -1;
	if (s == NULL)
		return 0;
	for (const char *p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || v > OFFSET_CURSOR_MAX / 10)
			return pv_fail(e, path, key,
			    "not a cursor of this method");
		v = v * 10 + (unsigned)(*p - '0');
	}
	if (v > OFFSET_CURSOR_MAX)
		return pv_fail(e, path, key, "not a cursor of this method");
	if (s[0] == '\0')
		return pv_fail(e, path, key, "not a cursor of this method");
	*from = (size_t)v;
	return 0;
}

int
pv_enum_list(json_t *obj, const char *path, const char *key, bool required,
    enum vocab_kind kind, size_t maxn, uint32_t *mask, bool *present,
    struct perr *e)
{
	char sub[PATH_MAX_LEN], idx[PATH_MAX_LEN + 24];
	json_t *v, *item;
	size_t i;

	if (present != NULL)
		*present = false;
	if (get(obj, path, key, required, &v, e) == -1)
		return -1;
	if (v == NULL)
		return 0;
	if (!json_is_array(v))
		return pv_fail(e, path, key, "must be an array");
	if (json_array_size(v) > maxn)
		return pv_fail(e, path, key, "more than %zu items", maxn);
	pv_join(sub, path, key);
	*mask = 0;
	json_array_foreach(v, i, item) {
		int k;
		snprintf(idx, sizeof(idx), "%s[%zu]", sub, i);
		if (!json_is_string(item))
			return pv_fail(e, idx, NULL, "must be a string");
		if ((k = vocab_lookup(kind, json_string_value(item))) < 0)
			return pv_fail(e, idx, NULL, "not one of the %s",
			    vocab_kind_name(kind));
		*mask |= 1u << k;
	}
	if (present != NULL)
		*present = true;
	return 0;
}

int
pv_str_list(json_t *obj, const char *path, const char *key, size_t maxn,
    size_t maxchars, char ***out, size_t *n, struct perr *e)
{
	char sub[PATH_MAX_LEN], idx[PATH_MAX_LEN + 24];
	json_t *v, *item;
	char **list;
	size_t i;

	*out = NULL;
	*n = 0;
	if (get(obj, path, key, false, &v, e) == -1)
		return -1;
	if (v == NULL)
		return 0;
	if (!json_is_array(v))
		return pv_fail(e, path, key, "must be an array");
	if (json_array_size(v) > maxn)
		return pv_fail(e, path, key, "more than %zu items", maxn);
	pv_join(sub, path, key);
	json_array_foreach(v, i, item) {
		snprintf(idx, sizeof(idx), "%s[%zu]", sub, i);
		if (!json_is_string(item))
			return pv_fail(e, idx, NULL, "must be a string");
		if (pv_text(json_string_value(item), json_string_length(item),
		    maxchars, idx, NULL, e) == -1)
			return -1;
	}
	if (json_array_size(v) == 0)
		return 0;
	if ((list = calloc(json_array_size(v), sizeof(*list))) == NULL)
		return pv_fail(e, path, key, "out of memory");
	json_array_foreach(v, i, item) {
		if ((list[i] = strdup(json_string_value(item))) == NULL) {
			strv_free(list, i);
			return pv_fail(e, path, key, "out of memory");
		}
	}
	*out = list;
	*n = json_array_size(v);
	return 0;
}

int
pv_period(json_t *params, int64_t *from, int64_t *to, struct perr *e)
{
	if (pv_date(params, "", "from", false, from, e) == -1 ||
	    pv_date(params, "", "to", false, to, e) == -1)
		return -1;
	if (*from > *to)
		return pv_fail(e, "", "to", "is before from");
	return 0;
}
