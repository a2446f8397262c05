/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * index.c - a posting's entries in the mirror's geographic index (grid.h):
 * what an entry holds of its posting (place, grade, needs, open, expiry,
 * rule bits and skills: everything a match filters on, without a pointer
 * chase), which entries are clean, and the entries added, rewritten in
 * place and taken out as postings come, change and go. The posting (struct
 * mjob) knows its cell and its index in each list, and is told when an
 * entry moves.
 */
#include <string.h>

#include "matcher/internal.h"

_Static_assert(GRID_LISTS == DIS_COUNT, "a list per disability type");
_Static_assert(sizeof(((struct mjob *)0)->cell_pos) /
    sizeof(uint32_t) == DIS_COUNT, "a position per disability type");

/* The entry of mj, its hot part e and cold part x: what a match filters
 * on, without a pointer chase. */
static void
fill_ent(const struct mjob *mj, struct grid_ent *e, struct grid_cold *x)
{
	double u[3];
	bool inline_ok = mj->nskill_ids <= ENT_SKILLS;

	memset(e, 0, sizeof(*e));
	memset(x, 0, sizeof(*x));
	geo_unit(mj->lat, mj->lon, u);
	e->ux = (float)u[0];
	e->uy = (float)u[1];
	e->uz = (float)u[2];
	e->accom_mask = mj->accom_mask;
	e->grades_mask = mj->grades_mask;
	e->employment = mj->employment;
	e->flags = (uint8_t)((mj->openings >= 1 ? ENT_OPEN : 0) |
	    (mj->remote ? ENT_REMOTE : 0));
	/* Unix times fit 32 bits until 2106; a later one never expires
	 * before then either, a negative one is long past (but not 0). */
	e->expires_at = mj->expires_at > (int64_t)UINT32_MAX ? UINT32_MAX :
	    mj->expires_at < 0 ? 1 : (uint32_t)mj->expires_at;
	e->rule_bits0 = mj->rule_bits[0];
	for (uint16_t i = 0; i < mj->nskill_ids; i++)
		x->skillsig |= 1ULL << (mj->skill_ids[i] % 64);
	for (uint16_t i = 0; inline_ok && i < mj->nskill_ids; i++)
		if (mj->skill_ids[i] > UINT16_MAX)
			inline_ok = false;
	if (inline_ok) {
		for (uint16_t i = 0; i < mj->nskill_ids; i++)
			x->skill[i] = (uint16_t)mj->skill_ids[i];
		e->nskill = (uint8_t)mj->nskill_ids;
	} else
		e->nskill = ENT_MANY;
	x->mj = (struct mjob *)mj;
}

static void
ent_moved(struct grid_cold *x, int t, uint32_t pos)
{
	x->mj->cell_pos[t] = pos;
}

/*
 * An entry no seeker's filters but grade and needs can leave out: open,
 * never expiring, and with no bit of an exclude rule (those of rules past
 * 63 or with a distance condition make no entry clean: see excl_any0).
 */
static bool
ent_clean(const struct matcher *m, const struct grid_ent *e)
{
	return (e->flags & ENT_OPEN) && e->expires_at == 0 &&
	    (e->rule_bits0 & m->excl_any0) == 0;
}

uint64_t
index_excl_any(const struct rules *r)
{
	const struct rules_spec *rs = rules_spec_of(r);
	uint64_t mask = 0;

	for (size_t i = 0; i < rs->nrules; i++) {
		if (rs->rules[i].action != RULE_EXCLUDE)
			continue;
		if (i >= 64 || rules_has_side(r, i, SIDE_PAIR))
			return UINT64_MAX;	/* then nothing is clean */
		mask |= 1ULL << i;
	}
	return mask;
}

static void
index_remove_lists(struct matcher *m, struct mjob *mj, int upto)
{
	for (int t = 0; t < upto; t++)
		if (mj->dis_mask & 1u << t)
			grid_remove(&m->grid, mj->cell, t, mj->cell_pos[t],
			    ent_moved);
}

int
index_add(struct matcher *m, struct mjob *mj)
{
	struct grid_cell *c;
	struct grid_ent e;
	struct grid_cold x;

	mj->cell = NULL;
	if ((mj->dis_mask & DIS_ALL_MASK) == 0)
		return 0;
	fill_ent(mj, &e, &x);
	c = mj->remote ? &m->grid.remote : grid_cell(&m->grid,
	    grid_row(mj->lat), grid_col(mj->lon), true);
	if (c == NULL)
		return -1;
	mj->cell = c;
	for (int t = 0; t < DIS_COUNT; t++) {
		int64_t pos;
		if (!(mj->dis_mask & 1u << t))
			continue;
		if ((pos = grid_push(&m->grid, c, t, &e, &x, ent_clean(m, &e),
		    ent_moved)) < 0) {
			index_remove_lists(m, mj, t);
			grid_release(&m->grid, c);
			mj->cell = NULL;
			return -1;
		}
		mj->cell_pos[t] = (uint32_t)pos;
	}
	return 0;
}

void
index_remove(struct matcher *m, struct mjob *mj)
{
	if (mj->cell == NULL)
		return;
	index_remove_lists(m, mj, DIS_COUNT);
	grid_release(&m->grid, mj->cell);
	mj->cell = NULL;
}

void
index_refresh(struct matcher *m, struct mjob *mj)
{
	struct grid_ent e;
	struct grid_cold x;

	if (mj->cell == NULL)
		return;
	fill_ent(mj, &e, &x);
	for (int t = 0; t < DIS_COUNT; t++)
		if (mj->dis_mask & 1u << t)
			mj->cell_pos[t] = grid_set(mj->cell, t,
			    mj->cell_pos[t], &e, &x, ent_clean(m, &e),
			    ent_moved);
}
