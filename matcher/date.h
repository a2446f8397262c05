/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * date.h - calendar dates as day numbers (days since 1970-01-01): what the
 * plan's records carry (services, training, placements, the quota's
 * dates), written YYYY-MM-DD on the wire. Pure: no clock.
 */
#ifndef JM_DATE_H
#define JM_DATE_H

#include <stdint.h>

#define DATE_LEN	10		/* YYYY-MM-DD */

/* The day number of y-m-d (proleptic Gregorian), or -1 when there is no
 * such date in the years 1970 to 9999. */
int	date_day(int y, int m, int d, int64_t *day);

/* Parses "YYYY-MM-DD" into a day number; 0 or -1. */
int	date_parse(const char *s, int64_t *day);

/* Writes day (of the years 1970 to 9999) as YYYY-MM-DD. */
void	date_format(int64_t day, char out[DATE_LEN + 1]);

#endif
