/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * date.c - see date.h.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "matcher/date.h"

static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
    30, 31 };

static bool
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 by the civil-calendar algorithm of H. Hinnant. */
int
date_day(int y, int m, int d, int64_t *day)
{
	int64_t yy, era, yoe, doy, doe;

	if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1] + (m == 2 && leap(y)))
		return -1;
	yy = m <= 2 ? y - 1 : y;
	era = yy / 400;
	yoe = yy - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	*day = era * 146097 + doe - 719468;
	return 0;
}

/* n decimal digits of s as a number; -1 when one is not a digit. */
static int
digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
date_parse(const char *s, int64_t *day)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	return date_day(digits(s, 4), digits(s + 5, 2), digits(s + 8, 2),
	    day);
}

/* The inverse of date_day, by the same algorithm. */
void
date_civil(int64_t day, int *yp, int *mp_, int *dp)
{
	int64_t z = day + 719468, era, doe, yoe, y, doy, mp, d, m;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	*yp = (int)(y + (m <= 2));
	*mp_ = (int)m;
	*dp = (int)d;
}

int
date_add_months(int64_t day, int64_t months, int64_t *out)
{
	int y, m, d, last;
	int64_t n;

	if (months < 0 || months > 12 * 10000)
		return -1;
	date_civil(day, &y, &m, &d);
	n = (int64_t)y * 12 + (m - 1) + months;
	if (n / 12 > 9999)
		return -1;
	y = (int)(n / 12);
	m = (int)(n % 12) + 1;
	last = mdays[m - 1] + (m == 2 && leap(y));
	return date_day(y, m, d < last ? d : last, out);
}

void
date_format(int64_t day, char out[DATE_LEN + 1])
{
	int y, m, d;

	date_civil(day, &y, &m, &d);
	snprintf(out, DATE_LEN + 1, "%04d-%02d-%02d", y, m, d);
}

