/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * towns.c - the gazetteer.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matcher/towns.h"

enum { COL_CODE, COL_NAME, COL_KIND, COL_LAT, COL_LON, NCOLS };
static const char *colnames[NCOLS] = { "code", "name", "kind", "lat", "lon" };

#define MAX_FIELDS 16

/* Splits one line in place at tabs; returns the number of fields. */
static int
split_tabs(char *line, char **f)
{
	int n = 0;

	f[n++] = line;
	for (char *p = line; *p != '\0'; p++) {
		if (*p != '\t')
			continue;
		*p = '\0';
		if (n == MAX_FIELDS)
			break;
		f[n++] = p + 1;
	}
	return n;
}

static int
parse_deg(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end != '\0' || !isfinite(v) || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int
towns_parse(struct towns *t, const char *buf, size_t len, char *err,
    size_t errlen)
{
	char *copy, *line, *next, *f[MAX_FIELDS];
	int col[NCOLS], lineno = 0, nf, pinyin = -1;
	size_t cap = 0;
	bool header = false;

	memset(t, 0, sizeof(*t));
	if ((copy = malloc(len + 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(copy, buf, len);
	copy[len] = '\0';

	for (line = copy; line != NULL && *line != '\0'; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		size_t l = strlen(line);
		if (l > 0 && line[l - 1] == '\r')
			line[l - 1] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		nf = split_tabs(line, f);
		/* The header is the first line that is not blank or a comment. */
		if (!header) {
			for (int c = 0; c < NCOLS; c++) {
				col[c] = -1;
				for (int i = 0; i < nf; i++)
					if (strcmp(f[i], colnames[c]) == 0)
						col[c] = i;
				if (col[c] < 0) {
					snprintf(err, errlen, "line %d: no column "
					    "'%s' in the header", lineno,
					    colnames[c]);
					goto fail;
				}
			}
			for (int i = 0; i < nf; i++)
				if (strcmp(f[i], "pinyin") == 0)
					pinyin = i;
			header = true;
			continue;
		}
		if (t->v == NULL) {
			cap = 32;
			if ((t->v = calloc(cap, sizeof(*t->v))) == NULL)
				goto oom;
		}
		int maxc = 0;
		for (int c = 0; c < NCOLS; c++)
			if (col[c] > maxc)
				maxc = col[c];
		if (nf <= maxc) {
			snprintf(err, errlen, "line %d: %d fields, expected "
			    "at least %d", lineno, nf, maxc + 1);
			goto fail;
		}
		if (strcmp(f[col[COL_KIND]], "county") == 0)
			continue;
		if (t->n == cap) {
			struct town *nv = realloc(t->v, cap * 2 * sizeof(*nv));
			if (nv == NULL)
				goto oom;
			t->v = nv;
			cap *= 2;
		}
		struct town *tw = &t->v[t->n];
		memset(tw, 0, sizeof(*tw));
		if (strlen(f[col[COL_CODE]]) == 0 ||
		    strlen(f[col[COL_CODE]]) >= sizeof(tw->code) ||
		    strlen(f[col[COL_NAME]]) >= sizeof(tw->name) ||
		    strlen(f[col[COL_KIND]]) >= sizeof(tw->kind)) {
			snprintf(err, errlen, "line %d: code, name or kind "
			    "empty or too long", lineno);
			goto fail;
		}
		strcpy(tw->code, f[col[COL_CODE]]);
		strcpy(tw->name, f[col[COL_NAME]]);
		strcpy(tw->kind, f[col[COL_KIND]]);
		if (pinyin >= 0 && pinyin < nf) {
			if (strlen(f[pinyin]) >= sizeof(tw->roman)) {
				snprintf(err, errlen, "line %d: pinyin too "
				    "long", lineno);
				goto fail;
			}
			strcpy(tw->roman, f[pinyin]);
		}
		if (parse_deg(f[col[COL_LAT]], -90, 90, &tw->lat) == -1 ||
		    parse_deg(f[col[COL_LON]], -180, 180, &tw->lon) == -1) {
			snprintf(err, errlen, "line %d: bad coordinates",
			    lineno);
			goto fail;
		}
		if (towns_find(t, tw->code) >= 0) {
			snprintf(err, errlen, "line %d: duplicate code %s",
			    lineno, tw->code);
			goto fail;
		}
		tw->rural = strcmp(tw->kind, "town") == 0 ||
		    strcmp(tw->kind, "township") == 0;
		t->n++;
	}
	if (t->n == 0) {
		snprintf(err, errlen, "no towns");
		goto fail;
	}
	free(copy);
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	free(copy);
	towns_free(t);
	return -1;
}

void
towns_free(struct towns *t)
{
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

int
towns_find(const struct towns *t, const char *code)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i].code, code) == 0)
			return (int)i;
	return -1;
}

int
towns_nearest(const struct towns *t, double lat, double lon)
{
	double best = INFINITY, k = cos(lat * M_PI / 180.0);
	int bi = -1;

	for (size_t i = 0; i < t->n; i++) {
		double dy = t->v[i].lat - lat, dx = (t->v[i].lon - lon) * k;
		double d = dx * dx + dy * dy;
		if (d < best) {
			best = d;
			bi = (int)i;
		}
	}
	return bi;
}

int
towns_pick(const struct towns *t, int town, double lat, double lon)
{
	return town >= 0 ? town : towns_nearest(t, lat, lon);
}
