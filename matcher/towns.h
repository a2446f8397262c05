/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * towns.h - the county's township-level units: code, Chinese name, kind,
 * WGS84 centre. Parsed from a tab-separated buffer (the daemon reads the
 * file); looked up by code, or by nearest centre.
 */
#ifndef JM_TOWNS_H
#define JM_TOWNS_H

#include <stdbool.h>
#include <stddef.h>

#define TOWN_CODE_MAX 16
#define TOWN_NAME_MAX 64

struct town {
	char	code[TOWN_CODE_MAX];
	char	name[TOWN_NAME_MAX];
	char	kind[16];		/* county, subdistrict, town, township */
	char	roman[TOWN_NAME_MAX];	/* its name in Latin letters (the
					   file's pinyin column), or "" */
	double	lat, lon;
	bool	rural;			/* a town or township, not the seat */
};

struct towns {
	struct town	*v;
	size_t		 n;
};

/*
 * Parses TSV text with a header line naming at least the columns code, name,
 * kind, lat, lon (in any order; others are ignored but pinyin, the name in
 * Latin letters, when there is one). The county line itself
 * (kind "county") is skipped. Returns 0, or -1 with a message in err that
 * names the line. The caller frees with towns_free().
 */
int	towns_parse(struct towns *t, const char *buf, size_t len, char *err,
	    size_t errlen);
void	towns_free(struct towns *t);

/* Index of the town with this code, or -1. */
int	towns_find(const struct towns *t, const char *code);

/* Index of the town whose centre is nearest to lat/lon, or -1 if none. */
int	towns_nearest(const struct towns *t, double lat, double lon);
/* A place's town: town when given (>= 0), else the nearest to lat/lon. */
int	towns_pick(const struct towns *t, int town, double lat, double lon);

#endif
