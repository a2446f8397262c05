/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * model.c - constructors and destructors of the domain records, and the few
 * pure helpers both proto/ and the matcher need.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "matcher/model.h"

void
job_init(struct job *j)
{
	memset(j, 0, sizeof(*j));
	j->town = -1;
	j->openings = 1;
	j->employment = -1;
	j->apply_by = -1;
}

void
job_clear(struct job *j)
{
	free(j->title);
	free(j->description);
	strv_free(j->skills, j->nskills);
	free(j->apply);
	job_init(j);
}

void
employer_init(struct employer *e)
{
	memset(e, 0, sizeof(*e));
	e->type = -1;
	e->town = -1;
	e->headcount = e->disabled_employees = -1;
	e->severe_disabled_employees = e->avg_annual_salary = -1;
	e->establishment = -1;
	e->level = e->institution_kind = -1;
}

void
employer_clear(struct employer *e)
{
	free(e->name);
	free(e->contact);
	employer_init(e);
}

void
profile_init(struct profile *p)
{
	memset(p, 0, sizeof(*p));
	p->disability = -1;
	p->town = -1;
}

void
profile_clear(struct profile *p)
{
	strv_free(p->skills, p->nskills);
	profile_init(p);
}

void
seeker_init(struct seeker *s)
{
	memset(s, 0, sizeof(*s));
	profile_init(&s->profile);
	s->status = SST_SEEKING;
	for (int i = 0; i < SVC_COUNT; i++)
		s->service[i] = -1;
	s->employed_since = -1;
}

void
seeker_clear(struct seeker *s)
{
	free(s->name);
	profile_clear(&s->profile);
	free(s->plan_note);
	for (size_t i = 0; i < s->ntraining; i++)
		free(s->training[i].course);
	free(s->training);
	seeker_init(s);
}

void
strv_free(char **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

long
utf8_count(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	long n = 0;

	while (p < end) {
		unsigned c = *p;
		size_t need;
		unsigned cp, min;

		if (c == 0)
			return -1;
		if (c < 0x80) {
			p++;
			n++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			need = 1; cp = c & 0x1f; min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			need = 2; cp = c & 0x0f; min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			need = 3; cp = c & 0x07; min = 0x10000;
		} else
			return -1;
		if ((size_t)(end - p) <= need)
			return -1;
		for (size_t i = 1; i <= need; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return -1;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return -1;
		p += need + 1;
		n++;
	}
	return n;
}

void
geo_unit(double lat, double lon, double u[3])
{
	const double rad = M_PI / 180.0;

	u[0] = cos(lat * rad) * cos(lon * rad);
	u[1] = cos(lat * rad) * sin(lon * rad);
	u[2] = sin(lat * rad);
}

double
geo_distance_km(double lat1, double lon1, double lat2, double lon2)
{
	const double r = GEO_EARTH_R_KM, rad = M_PI / 180.0;
	double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
	double a = sin(dlat / 2) * sin(dlat / 2) +
	    cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);

	return 2 * r * asin(fmin(1.0, sqrt(a)));
}
