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

/* The year, month and day of day (of the years 1970 to 9999). */
void	date_civil(int64_t day, int *y, int *m, int *d);

/*
 * The day months months after day: the same day of the month, or the
 * month's last day when it is shorter (2024-01-31 + 1 month is
 * 2024-02-29). 0, or -1 when it falls after 9999-12-31.
 */
int	date_add_months(int64_t day, int64_t months, int64_t *out);

#endif
