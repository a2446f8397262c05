/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * grid.h - the geographic index of the mirror: the earth cut into cells of
 * GRID_DEG degrees of latitude and longitude, each holding the compact
 * records ("entries") of the open postings placed in it, one list per
 * disability type (a posting open to several types is in each of their
 * lists), and one more cell for the remote postings, which have no place
 * that matters.
 *
 * Cells are found by hashing their coordinates (open addressing, SipHash
 * under the process's key: see siphash.h), so only cells that hold
 * postings cost memory, whatever the country. The owner releases a cell
 * it emptied (grid_release), a list's arrays halve when a quarter full
 * and go when empty, and the table of cells halves when an eighth full:
 * the index follows the postings open now, not all that ever were. A cell's
 * entries are two parallel arrays, the hot parts scanned front to back by
 * a match: everything a match filters on sits in the entry, so a posting
 * that fails a filter costs no pointer chase (nor a read of its cold
 * part), and a match reads only the list of the seeker's disability type.
 * Removal swaps the last entry into the hole, in both arrays; the owner of
 * an entry (struct mjob) knows its cell and its index in each list and is
 * told when it moves.
 *
 * Pure data structure: no locking, no I/O.
 */
#ifndef JM_GRID_H
#define JM_GRID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "matcher/siphash.h"

#define GRID_DEG	0.02		/* about 2.2 km of latitude */
#define GRID_LISTS	7		/* DIS_COUNT of vocab.h */
#define ENT_SKILLS	8		/* canonical skill ids kept inline */

struct mjob;

/*
 * One open posting as a match reads it, in two parts of 32 bytes kept in
 * parallel arrays (entry i of a list is v[i] and c[i]). The hot part is
 * what every entry's scan reads: place, grade, needs, open, expiry, rule
 * bits and the skill count. The cold part is read only for an entry that
 * passes those and the skills bound from its count. The place is a unit
 * vector: the straight-line (chord) distance between two of them is a few
 * multiplications, and it bounds the great-circle distance from below
 * (arc >= chord) and, closely, from above.
 */
struct grid_ent {
	float		 ux, uy, uz;		/* cos lat cos lon, .., sin lat */
	uint32_t	 accom_mask;
	uint8_t		 grades_mask;		/* 0 = all */
	uint8_t		 employment;
	uint8_t		 nskill;		/* inline ids, or 0xff: see mj */
	uint8_t		 flags;			/* ENT_* of internal.h */
	uint32_t	 expires_at;		/* 0 = never; capped */
	uint64_t	 rule_bits0;		/* rules 0-63 on the posting */
};

struct grid_cold {
	uint64_t	 skillsig;		/* bit id % 64 of every skill */
	uint16_t	 skill[ENT_SKILLS];	/* canonical skill ids */
	struct mjob	*mj;
};

/*
 * A list keeps its "clean" entries first: open, never expiring, and with
 * no rule bit that an exclude rule could use (the owner decides which
 * entries are clean). ngrade[g] counts the clean entries open to grade g,
 * so that a match can count a list wholly inside its radius without
 * reading it, when nothing else can leave a clean entry out.
 */
struct grid_list {
	uint32_t	 n, cap;
	uint32_t	 nclean;		/* v[0, nclean) are clean */
	uint32_t	 ngrade[5];		/* clean ones open to grade g */
	struct grid_ent	*v;			/* hot parts */
	struct grid_cold *c;			/* cold parts, in step */
};

struct grid_cell {
	int32_t		 cy, cx;
	double		 corner[4][3];	/* unit vectors of its corners */
	struct grid_list l[GRID_LISTS];
};

struct grid {
	struct grid_cell	**slot;		/* open addressing, NULL empty */
	size_t			 cap, ncells;	/* cap is a power of two */
	struct sipkey		 key;		/* taken with the first slots */
	struct grid_cell	 remote;	/* remote postings */
	size_t			 nents;		/* over every list */
	size_t			 room;		/* entries the lists have room
						   for, over every list */
};

void	grid_init(struct grid *g);
void	grid_free(struct grid *g);

/* The cell of a coordinate. */
int32_t	grid_row(double lat);
int32_t	grid_col(double lon);

/* The cell (cy, cx), or NULL; with create, made when missing (NULL only
 * when out of memory). */
struct grid_cell *grid_cell(struct grid *g, int32_t cy, int32_t cx,
	    bool create);

/* Called for an entry that moved to index pos of list t (x: its cold
 * part). */
typedef void grid_moved_fn(struct grid_cold *x, int t, uint32_t pos);

/* Adds the entry (e, x) to list t of c (among the clean ones when clean);
 * returns its index, or -1 when out of memory. */
int64_t	grid_push(struct grid *g, struct grid_cell *c, int t,
	    const struct grid_ent *e, const struct grid_cold *x, bool clean,
	    grid_moved_fn *moved);
/* Removes entry i of list t of c; entries moved to fill the hole are told
 * to moved. The list's arrays shrink when far below their size. */
void	grid_remove(struct grid *g, struct grid_cell *c, int t, uint32_t i,
	    grid_moved_fn *moved);
/* Replaces entry i of list t of c with (e, x), among the clean ones when
 * clean; returns its index now (entries moved meanwhile are told to
 * moved). Allocates nothing. */
uint32_t grid_set(struct grid_cell *c, int t, uint32_t i,
	    const struct grid_ent *e, const struct grid_cold *x, bool clean,
	    grid_moved_fn *moved);
/* Frees c when it holds no entry (never the remote cell); c must not be
 * used after. */
void	grid_release(struct grid *g, struct grid_cell *c);

/* Calls fn for every cell. */
void	grid_each(const struct grid *g,
	    void (*fn)(const struct grid_cell *c, void *arg), void *arg);

#endif
