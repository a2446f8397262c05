/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * codec_fair.h - a job fair's record (fair.put's fair, as stored) and its
 * JSON: the fair's name, dates, venue and town, and its exhibitors, each
 * a registered employer at a booth. Pure: whether each employer is
 * registered is for the store to check (its script), not for the codec.
 */
#ifndef JM_CODEC_FAIR_H
#define JM_CODEC_FAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "matcher/model.h"
#include "matcher/towns.h"
#include "proto/params.h"

/* Representational bounds of a fair's record (docs/protocol.md, fair.put). */
#define FAIR_NAME_MAX		100	/* characters */
#define FAIR_VENUE_MAX		200	/* characters */
#define FAIR_DAYS_MAX		31	/* end_date at most so many days on */
#define FAIR_EXHIBITORS_MAX	500
#define BOOTH_MAX		16	/* characters of a booth */
#define BOOTH_BYTES		(BOOTH_MAX * 4)	/* the same in UTF-8 */

struct exhibitor {
	char		 employer_id[ID_MAX + 1];
	char		 booth[BOOTH_BYTES + 1];
	uint32_t	 index;			/* its place as sent (an
						   error names it) */
};

struct fair {
	char		 id[ID_MAX + 1];
	char		*name;
	char		*venue;
	int64_t		 date;			/* day number */
	int64_t		 end_date;		/* day number; -1: one day */
	int		 town;			/* index in the towns */
	bool		 has_location;
	double		 lat, lon;
	struct exhibitor *exhibitors;		/* in booth order */
	size_t		 nexhibitors;
	int64_t		 version;		/* 0 until stored */
};

void	fair_init(struct fair *f);
void	fair_clear(struct fair *f);
/* The last day of f (its date when it has no end_date). */
int64_t	fair_last_day(const struct fair *f);

/*
 * Booths in natural order: runs of digits compare as numbers ("A2" before
 * "A10"), the rest byte by byte; booths equal that way (A01, A1) by their
 * bytes. <0, 0 or >0 as strcmp.
 */
int	codec_booth_cmp(const char *a, const char *b);

/*
 * A fair as a client sends it (path names it in errors, "fair"): every
 * field checked, employer ids and booths distinct; the exhibitors are put
 * in booth order (an error names an exhibitor by its index as sent).
 */
int	codec_fair_decode(json_t *obj, const char *path,
	    const struct towns *towns, struct fair *f, struct perr *e);
/* A stored document (as codec_fair_encode wrote it) into f. */
int	codec_fair_load(const char *buf, size_t len,
	    const struct towns *towns, struct fair *f, struct perr *e);
/* The fair as stored: its own fields, exhibitors in booth order; no
 * version. NULL when out of memory. */
json_t	*codec_fair_encode(const struct fair *f, const struct towns *towns);

#endif
