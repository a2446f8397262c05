/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * grid.c - see grid.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "matcher/grid.h"
#include "matcher/model.h"

#define GRID_MINCAP	256	/* slots of a table that has any */
#define LIST_MINCAP	4	/* entries of a list that has any */

/* Two hot parts to a cache line; see grid.h. */
_Static_assert(sizeof(struct grid_ent) == 32, "a hot part is 32 bytes");
_Static_assert(sizeof(struct grid_cold) == 32, "a cold part is 32 bytes");

void
grid_init(struct grid *g)
{
	memset(g, 0, sizeof(*g));
}

/* Frees l's arrays: it holds nothing. */
static void
list_free(struct grid *g, struct grid_list *l)
{
	free(l->v);
	free(l->c);
	g->room -= l->cap;
	l->v = NULL;
	l->c = NULL;
	l->cap = 0;
}

void
grid_free(struct grid *g)
{
	for (size_t i = 0; i < g->cap; i++)
		if (g->slot[i] != NULL) {
			for (int t = 0; t < GRID_LISTS; t++)
				list_free(g, &g->slot[i]->l[t]);
			free(g->slot[i]);
		}
	free(g->slot);
	for (int t = 0; t < GRID_LISTS; t++)
		list_free(g, &g->remote.l[t]);
	grid_init(g);
}

int32_t
grid_row(double lat)
{
	return (int32_t)floor(lat / GRID_DEG);
}

int32_t
grid_col(double lon)
{
	return (int32_t)floor(lon / GRID_DEG);
}

/* A cell's home slot, before masking. Keyed: the coordinates of postings
 * are the clients', and an unkeyed mix (however well it spreads) can be
 * inverted to choose cells that share a slot. */
static size_t
hash(const struct grid *g, int32_t cy, int32_t cx)
{
	return (size_t)siphash_u64(&g->key,
	    (uint64_t)(uint32_t)cy << 32 | (uint32_t)cx);
}

/* Moves the cells to a table of ncap slots (which holds them); the first
 * table takes the process's key. 0, or -1 when out of memory (then the
 * table is as it was). */
static int
resize(struct grid *g, size_t ncap)
{
	struct grid_cell **ns = calloc(ncap, sizeof(*ns));

	if (ns == NULL)
		return -1;
	if (g->cap == 0)
		g->key = siphash_key();
	for (size_t i = 0; i < g->cap; i++) {
		struct grid_cell *c = g->slot[i];
		size_t h;
		if (c == NULL)
			continue;
		for (h = hash(g, c->cy, c->cx) & (ncap - 1); ns[h] != NULL;
		    h = (h + 1) & (ncap - 1))
			;
		ns[h] = c;
	}
	free(g->slot);
	g->slot = ns;
	g->cap = ncap;
	return 0;
}

struct grid_cell *
grid_cell(struct grid *g, int32_t cy, int32_t cx, bool create)
{
	struct grid_cell *c;
	size_t h;

	if (g->ncells > 0)
		for (h = hash(g, cy, cx) & (g->cap - 1);
		    (c = g->slot[h]) != NULL; h = (h + 1) & (g->cap - 1))
			if (c->cy == cy && c->cx == cx)
				return c;
	if (!create)
		return NULL;
	/* At most half full keeps probes short. */
	if (g->cap == 0 ? resize(g, GRID_MINCAP) == -1 :
	    (g->ncells + 1) * 2 > g->cap && resize(g, g->cap * 2) == -1)
		return NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->cy = cy;
	c->cx = cx;
	for (int k = 0; k < 4; k++)
		geo_unit((cy + (k & 1)) * GRID_DEG, (cx + (k >> 1)) * GRID_DEG,
		    c->corner[k]);
	for (h = hash(g, cy, cx) & (g->cap - 1); g->slot[h] != NULL;
	    h = (h + 1) & (g->cap - 1))
		;
	g->slot[h] = c;
	g->ncells++;
	return c;
}

void
grid_release(struct grid *g, struct grid_cell *c)
{
	size_t mask = g->cap - 1, hole;

	if (c == &g->remote || g->cap == 0)
		return;
	for (int t = 0; t < GRID_LISTS; t++)
		if (c->l[t].n > 0)
			return;
	for (int t = 0; t < GRID_LISTS; t++)
		list_free(g, &c->l[t]);
	for (hole = hash(g, c->cy, c->cx) & mask; g->slot[hole] != c;
	    hole = (hole + 1) & mask)
		if (g->slot[hole] == NULL)
			return;		/* not in the table: not ours */
	free(c);
	g->slot[hole] = NULL;
	g->ncells--;
	/* Backward-shift the following cluster so probes stay unbroken. */
	for (size_t i = (hole + 1) & mask; g->slot[i] != NULL;
	    i = (i + 1) & mask) {
		size_t home = hash(g, g->slot[i]->cy, g->slot[i]->cx) & mask;
		/* Move i into the hole unless its home lies in (hole, i]. */
		if (((i - home) & mask) >= ((i - hole) & mask)) {
			g->slot[hole] = g->slot[i];
			g->slot[i] = NULL;
			hole = i;
		}
	}
	/* Mostly empty: half the slots (a failure keeps the larger). */
	if (g->cap > GRID_MINCAP && g->ncells * 8 <= g->cap)
		(void)resize(g, g->cap / 2);
}

/* Adds (+1) or takes (-1) a clean entry to or from the grade counts. */
static void
count_grades(struct grid_list *l, const struct grid_ent *e, int by)
{
	for (int gr = 1; gr <= 4; gr++)
		if (e->grades_mask == 0 || (e->grades_mask & 1u << gr))
			l->ngrade[gr] += (uint32_t)by;
}

/* Moves entry from to index to of l, telling moved. */
static void
move(struct grid_list *l, int t, uint32_t from, uint32_t to,
    grid_moved_fn *moved)
{
	if (from == to)
		return;
	l->v[to] = l->v[from];
	l->c[to] = l->c[from];
	moved(&l->c[to], t, to);
}

int64_t
grid_push(struct grid *g, struct grid_cell *c, int t,
    const struct grid_ent *e, const struct grid_cold *x, bool clean,
    grid_moved_fn *moved)
{
	struct grid_list *l = &c->l[t];
	uint32_t i;

	if (l->n == l->cap) {
		uint32_t ncap = l->cap ? l->cap * 2 : LIST_MINCAP;
		struct grid_ent *nv;
		struct grid_cold *nc;
		/* the first may grow alone: cap stays until both have */
		if ((nv = realloc(l->v, ncap * sizeof(*nv))) == NULL)
			return -1;
		l->v = nv;
		if ((nc = realloc(l->c, ncap * sizeof(*nc))) == NULL)
			return -1;
		l->c = nc;
		g->room += ncap - l->cap;
		l->cap = ncap;
	}
	g->nents++;
	i = l->n++;
	if (clean) {
		/* the first dirty entry goes to the end, e takes its place */
		move(l, t, l->nclean, i, moved);
		i = l->nclean++;
		count_grades(l, e, 1);
	}
	l->v[i] = *e;
	l->c[i] = *x;
	return i;
}

/* Halves l's arrays (a failure keeps the larger ones). */
static void
list_shrink(struct grid *g, struct grid_list *l)
{
	uint32_t ncap = l->cap / 2;
	struct grid_ent *nv;
	struct grid_cold *nc;

	if ((nv = realloc(l->v, ncap * sizeof(*nv))) == NULL)
		return;
	l->v = nv;
	/* if the second fails, its larger array holds ncap all the same */
	if ((nc = realloc(l->c, ncap * sizeof(*nc))) != NULL)
		l->c = nc;
	g->room -= l->cap - ncap;
	l->cap = ncap;
}

void
grid_remove(struct grid *g, struct grid_cell *c, int t, uint32_t i,
    grid_moved_fn *moved)
{
	struct grid_list *l = &c->l[t];

	g->nents--;
	if (i < l->nclean) {
		/* the last clean entry fills the hole, the last entry the
		 * clean one's */
		count_grades(l, &l->v[i], -1);
		move(l, t, l->nclean - 1, i, moved);
		i = --l->nclean;
	}
	move(l, t, l->n - 1, i, moved);
	l->n--;
	/* A quarter full: half the room, so that a list that grew for a
	 * crowd gives it back (and a push right after needs none). */
	if (l->n == 0)
		list_free(g, l);
	else if (l->cap > LIST_MINCAP && l->n <= l->cap / 4)
		list_shrink(g, l);
}

uint32_t
grid_set(struct grid_cell *c, int t, uint32_t i, const struct grid_ent *e,
    const struct grid_cold *x, bool clean, grid_moved_fn *moved)
{
	struct grid_list *l = &c->l[t];

	if (i < l->nclean) {
		count_grades(l, &l->v[i], -1);
		if (!clean) {
			/* the last clean entry fills the hole; e goes where
			 * it was, now the first dirty place */
			move(l, t, l->nclean - 1, i, moved);
			i = --l->nclean;
		}
	} else if (clean) {
		/* the first dirty entry takes i's place, e its place */
		move(l, t, l->nclean, i, moved);
		i = l->nclean++;
	}
	if (clean)
		count_grades(l, e, 1);
	l->v[i] = *e;
	l->c[i] = *x;
	return i;
}

void
grid_each(const struct grid *g,
    void (*fn)(const struct grid_cell *c, void *arg), void *arg)
{
	for (size_t i = 0; i < g->cap; i++)
		if (g->slot[i] != NULL)
			fn(g->slot[i], arg);
}
