/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * codec_fair.c - see codec_fair.h.
 */
#include <stdlib.h>
#include <string.h>

#include "matcher/date.h"
#include "proto/codec_fair.h"

void
fair_init(struct fair *f)
{
	memset(f, 0, sizeof(*f));
	f->end_date = -1;
	f->town = -1;
}

void
fair_clear(struct fair *f)
{
	free(f->name);
	free(f->venue);
	free(f->exhibitors);
	fair_init(f);
}

int64_t
fair_last_day(const struct fair *f)
{
	return f->end_date >= 0 ? f->end_date : f->date;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int
codec_booth_cmp(const char *a, const char *b)
{
	const char *x = a, *y = b;

	while (*x != '\0' && *y != '\0') {
		if (is_digit(*x) && is_digit(*y)) {
			const char *xs, *ys;
			size_t xn, yn;
			int c;

			while (*x == '0' && is_digit(x[1]))
				x++;
			while (*y == '0' && is_digit(y[1]))
				y++;
			for (xs = x; is_digit(*x); x++)
				;
			for (ys = y; is_digit(*y); y++)
				;
			xn = (size_t)(x - xs);
			yn = (size_t)(y - ys);
			if (xn != yn)
				return xn < yn ? -1 : 1;
			if ((c = memcmp(xs, ys, xn)) != 0)
				return c;
			continue;
		}
		if (*x != *y)
			return (unsigned char)*x < (unsigned char)*y ? -1 : 1;
		x++;
		y++;
	}
	if (*x != *y)
		return *x == '\0' ? -1 : 1;
	return strcmp(a, b);
}

static int
exhibitor_cmp(const void *a, const void *b)
{
	return codec_booth_cmp(((const struct exhibitor *)a)->booth,
	    ((const struct exhibitor *)b)->booth);
}

/* An exhibitor's index as sent, kept beside it while checking. */
struct sent {
	const char	*key;
	size_t		 index;
};

static int
sent_cmp(const void *a, const void *b)
{
	const struct sent *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c != 0)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

/*
 * The first key sent twice among v[0..n) (sorted here): fails on the later
 * of the two, path[i].key. 0 when all differ.
 */
static int
distinct(struct sent *v, size_t n, const char *path, const char *key,
    const char *what, struct perr *e)
{
	char sub[PATH_MAX_LEN];
	size_t worst = n;

	qsort(v, n, sizeof(*v), sent_cmp);
	for (size_t i = 1; i < n; i++)
		if (strcmp(v[i].key, v[i - 1].key) == 0 && v[i].index < worst)
			worst = v[i].index;
	if (worst == n)
		return 0;
	snprintf(sub, sizeof(sub), "%s[%zu]", path, worst);
	return pv_fail(e, sub, key, "%s", what);
}

static int
decode_exhibitors(json_t *obj, const char *path, struct fair *f,
    struct perr *e)
{
	static const char *const keys[] = { "employer_id", "booth", NULL };
	char sub[PATH_MAX_LEN], item[PATH_MAX_LEN + 24];
	json_t *v = json_object_get(obj, "exhibitors"), *x;
	struct sent *ids = NULL, *booths = NULL;
	size_t n, i;
	int rc = -1;

	pv_join(sub, path, "exhibitors");
	if (v == NULL || json_is_null(v))
		return pv_fail(e, path, "exhibitors", "is required (an array, "
		    "which may be empty)");
	if (!json_is_array(v))
		return pv_fail(e, path, "exhibitors", "must be an array");
	if ((n = json_array_size(v)) > FAIR_EXHIBITORS_MAX)
		return pv_fail(e, path, "exhibitors", "more than %d exhibitors",
		    FAIR_EXHIBITORS_MAX);
	if (n == 0)
		return 0;
	if ((f->exhibitors = calloc(n, sizeof(*f->exhibitors))) == NULL ||
	    (ids = calloc(n, sizeof(*ids))) == NULL ||
	    (booths = calloc(n, sizeof(*booths))) == NULL) {
		pv_fail(e, path, "exhibitors", "out of memory");
		goto out;
	}
	json_array_foreach(v, i, x) {
		struct exhibitor *ex = &f->exhibitors[i];
		const char *emp = NULL, *booth = NULL;

		snprintf(item, sizeof(item), "%s[%zu]", sub, i);
		if (pv_object(x, item, keys, e) == -1 ||
		    pv_id(x, item, "employer_id", true, false, &emp, e) == -1 ||
		    pv_str(x, item, "booth", true, BOOTH_MAX, &booth, e) == -1)
			goto out;
		for (const char *c = booth; *c != '\0'; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f) {
				pv_fail(e, item, "booth",
				    "must not hold control characters");
				goto out;
			}
		memcpy(ex->employer_id, emp, strlen(emp) + 1);
		memcpy(ex->booth, booth, strlen(booth) + 1);
		ex->index = (uint32_t)i;
		ids[i].key = ex->employer_id;
		ids[i].index = booths[i].index = i;
		booths[i].key = ex->booth;
	}
	if (distinct(ids, n, sub, "employer_id", "the same employer twice",
	    e) == -1 || distinct(booths, n, sub, "booth", "the same booth "
	    "twice", e) == -1)
		goto out;
	f->nexhibitors = n;
	qsort(f->exhibitors, n, sizeof(*f->exhibitors), exhibitor_cmp);
	rc = 0;
out:
	free(ids);
	free(booths);
	return rc;
}

int
codec_fair_decode(json_t *obj, const char *path, const struct towns *towns,
    struct fair *f, struct perr *e)
{
	static const char *const keys[] = { "id", "name", "date", "end_date",
	    "venue", "town", "location", "exhibitors", NULL };
	static const char *const lkeys[] = { "lat", "lon", NULL };
	char sub[PATH_MAX_LEN];
	const char *id = NULL, *name = NULL, *venue = NULL;
	json_t *loc;

	if (pv_object(obj, path, keys, e) == -1 ||
	    pv_id(obj, path, "id", true, false, &id, e) == -1 ||
	    pv_str(obj, path, "name", true, FAIR_NAME_MAX, &name, e) == -1 ||
	    pv_date(obj, path, "date", true, &f->date, e) == -1 ||
	    pv_date(obj, path, "end_date", false, &f->end_date, e) == -1 ||
	    pv_str(obj, path, "venue", true, FAIR_VENUE_MAX, &venue, e) == -1)
		return -1;
	if (f->end_date >= 0 && f->end_date < f->date)
		return pv_fail(e, path, "end_date", "must not be before date");
	if (f->end_date > f->date + FAIR_DAYS_MAX)
		return pv_fail(e, path, "end_date", "at most %d days after "
		    "date", FAIR_DAYS_MAX);
	if (json_object_get(obj, "town") == NULL ||
	    json_is_null(json_object_get(obj, "town")))
		return pv_fail(e, path, "town", "is required");
	if (pv_town(obj, path, "town", towns, &f->town, e) == -1)
		return -1;
	if ((loc = json_object_get(obj, "location")) != NULL &&
	    !json_is_null(loc)) {
		pv_join(sub, path, "location");
		if (pv_object(loc, sub, lkeys, e) == -1 ||
		    pv_num(loc, sub, "lat", true, -90, 90, &f->lat, NULL,
		    e) == -1 ||
		    pv_num(loc, sub, "lon", true, -180, 180, &f->lon, NULL,
		    e) == -1)
			return -1;
		f->has_location = true;
	}
	if (decode_exhibitors(obj, path, f, e) == -1)
		return -1;
	memcpy(f->id, id, strlen(id) + 1);
	if ((f->name = strdup(name)) == NULL ||
	    (f->venue = strdup(venue)) == NULL)
		return pv_fail(e, path, "name", "out of memory");
	return 0;
}

int
codec_fair_load(const char *buf, size_t len, const struct towns *towns,
    struct fair *f, struct perr *e)
{
	json_t *o = json_loadb(buf, len, 0, NULL);
	int rc;

	if (o == NULL)
		return pv_fail(e, "", "(JSON)", "not JSON");
	rc = codec_fair_decode(o, "fair", towns, f, e);
	json_decref(o);
	return rc;
}

json_t *
codec_fair_encode(const struct fair *f, const struct towns *towns)
{
	char date[DATE_LEN + 1], end[DATE_LEN + 1];
	json_t *o, *ex;

	date_format(f->date, date);
	if ((ex = json_array()) == NULL)
		return NULL;
	for (size_t i = 0; i < f->nexhibitors; i++)
		if (json_array_append_new(ex, json_pack("{s:s, s:s}",
		    "employer_id", f->exhibitors[i].employer_id, "booth",
		    f->exhibitors[i].booth)) == -1) {
			json_decref(ex);
			return NULL;
		}
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "id", f->id, "name",
	    f->name, "date", date, "venue", f->venue, "town",
	    towns->v[f->town].code, "exhibitors", ex);
	if (o == NULL)
		return NULL;
	if (f->end_date >= 0) {
		date_format(f->end_date, end);
		json_object_set_new(o, "end_date", json_string(end));
	}
	if (f->has_location)
		json_object_set_new(o, "location", json_pack("{s:f, s:f}",
		    "lat", f->lat, "lon", f->lon));
	return o;
}
