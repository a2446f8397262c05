/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * match.c - the indexed match (matcher_match): the cells of the grid
 * within the seeker's radius, nearest first, then the seeker's type's
 * list of each, read with the cheap filters first (grade, needs, open,
 * expiry: all in an entry's hot part), the distance next and the rules
 * last; candidates ranked into a top-K heap, scored only when a bound
 * shows they can reach it. The same answer as the brute-force scan of
 * score.c, which the tests hold it to.
 *
 * The hot path: everything a list's loop calls is here, static, so that
 * the compiler inlines it; only scoring a posting that can reach the top
 * (score_hit) and the distance and rules' functions are calls.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "matcher/internal.h"

#define EARTH_R		GEO_EARTH_R_KM

/*
 * What one indexed match knows besides struct prepared: the query's place
 * as a unit vector, its distance bounds as chord lengths, the rules that
 * can matter for this seeker, the seeker's skills as bits, and the top-K
 * heap (worst at its root).
 */
struct scan {
	struct matcher		*m;
	const struct match_query *q;
	const struct prepared	*pr;
	double			 qx, qy, qz;		/* the seeker's place */
	double			 maxkm;
	double			 in2, out2;		/* chord^2 bounds */
	double			 inside2;	/* in2 50 m short of the radius */
	uint32_t		 gbit, needs;
	int			 dtype;		/* the seeker's disability */
	/* skilltab[n][have]: the skills part of a posting with n inline
	 * ids, have of them the seeker's (n = 0: coverage 1) */
	double			 skilltab[ENT_SKILLS + 1][ENT_SKILLS + 1];
	/* hcap[n]: the best of row n, all the seeker's skills among the n */
	double			 hcap[ENT_SKILLS + 1];
	uint64_t		 wantsig;	/* as grid_ent.skillsig */
	const uint64_t		*want;		/* m->want, m->wantwords */
	size_t			 wantwords;
	const struct rules_spec	*rs;
	const struct grid_cell	**cells;	/* to visit, in order */
	size_t			 ncells, capcells;
	double			 maxboost;	/* the listed boosts > 0, rounded */
	double			 dbest;		/* the best distance part */
	double			 dcell;		/* the same within this cell */
	size_t			 filt[RULES_MAX], nfilt;	/* excl./req. */
	size_t			 boost[RULES_MAX], nboost;
	bool			 any_pair;	/* a listed rule tests distance */
	bool			 wide;		/* a listed rule is past 63 */
	/* Without either: the listed rules as masks of rules 0-63. */
	bool			 simple;
	uint64_t		 excl0, req0, boost0;
	bool			 plain;		/* no employment, employer,
						   employers or salary
						   filter */
	bool			 aggregate;	/* clean entries need no reading */
	int			 grade;
	struct match_hit	*top;
	size_t			 k, ntop;
	size_t			 candidates;
};

/* Whether a is worse than b (the heap's order: worst at the root). */
static bool
worse(const struct match_hit *a, const struct match_hit *b)
{
	return matcher_hit_cmp(a, b) > 0;
}

static void
heap_push(struct scan *s, const struct match_hit *h)
{
	struct match_hit *t = s->top;
	size_t i;

	if (s->ntop < s->k) {
		i = s->ntop++;
		while (i > 0 && worse(h, &t[(i - 1) / 2])) {
			t[i] = t[(i - 1) / 2];
			i = (i - 1) / 2;
		}
		t[i] = *h;
		return;
	}
	if (!worse(&t[0], h))
		return;			/* no better than the worst kept */
	i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= s->ntop)
			break;
		if (c + 1 < s->ntop && worse(&t[c + 1], &t[c]))
			c++;
		if (!worse(&t[c], h))
			break;
		t[i] = t[c];
		i = c;
	}
	t[i] = *h;
}

static inline bool
want_has(const struct scan *s, uint32_t id)
{
	return id / 64 < s->wantwords && (s->want[id / 64] >> (id % 64)) & 1;
}

/* The skills part of a score (weighted and rounded as score_hit does), from
 * the entry's inline ids through a table, else from the posting. */
static double
skills_part(const struct scan *s, const struct grid_ent *e,
    const struct grid_cold *x)
{
	const struct mjob *mj = x->mj;
	size_t have = 0, n;

	if (e->nskill != ENT_MANY) {
		if ((x->skillsig & s->wantsig) != 0)
			for (size_t i = 0; i < e->nskill; i++)
				have += want_has(s, x->skill[i]);
		return s->skilltab[e->nskill][have];
	}
	if ((n = mj->nskill_ids) == 0)
		return s->skilltab[0][0];
	for (size_t i = 0; i < n; i++)
		have += want_has(s, mj->skill_ids[i]);
	return round6(s->rs->w_skills *
	    ((double)have / (double)n));
}

static bool
rule_bit(const struct grid_ent *e, const struct grid_cold *x, size_t i)
{
	return i < 64 ? (e->rule_bits0 >> i) & 1 : bit(x->mj->rule_bits, i);
}

/* The filters an entry answers alone: grade, needs, open, expiry. */
static inline bool
ent_fits(const struct scan *s, const struct grid_ent *e)
{
	return (e->grades_mask == 0 || (e->grades_mask & s->gbit)) &&
	    (s->needs & e->accom_mask) == s->needs &&
	    (e->flags & ENT_OPEN) &&
	    (e->expires_at == 0 || (int64_t)e->expires_at > s->q->now);
}

/* The squared chord from the seeker to the entry's place. */
static inline double
ent_chord2(const struct scan *s, const struct grid_ent *e)
{
	double dx = e->ux - s->qx, dy = e->uy - s->qy, dz = e->uz - s->qz;

	return dx * dx + dy * dy + dz * dz;
}

/* For an entry within the outer chord bound: near the edge (past the inner
 * one) the exact distance, as the scan computes it, decides; *d is then
 * that distance, else left as it was. Only then is the cold part x read. */
static inline bool
beyond_edge(const struct scan *s, const struct grid_cold *x, double chord2,
    double *d)
{
	const struct profile *p = s->pr->view.p;
	const struct mjob *mj;

	if (chord2 < s->in2)
		return false;
	mj = x->mj;
	*d = geo_distance_km(p->lat, p->lon, mj->lat, mj->lon);
	return *d > s->maxkm;
}

/* The best skills part entry e could have before its ids are read: all
 * the seeker's skills among its own (a posting with more ids than fit
 * inline: every skill). */
static inline double
skills_cap(const struct scan *s, const struct grid_ent *e)
{
	return e->nskill == ENT_MANY ? s->skilltab[0][0] : s->hcap[e->nskill];
}

/*
 * A candidate, with its boosts summed and the rules they fired: scored
 * unless a bound shows it cannot reach the top. The bounds, cheapest
 * first, with the distance part at the cell's best (s->dcell): every
 * skill it could share with the seeker, then the ones it does share; then
 * the distance part at the chord's distance, which bounds the arc from
 * below to within a metre of float rounding. d is the exact distance when
 * known, else negative; so is chord2 when not computed.
 */
static void
rank(struct scan *s, const struct grid_ent *e, const struct grid_cold *x,
    double chord2, double d, double boost, const uint64_t fired[RULE_WORDS])
{
	const struct mjob *mj = x->mj;
	const struct profile *p = s->pr->view.p;
	struct match_hit h;
	double rb, base, dlow, root;

	if (s->ntop == s->k) {
		root = s->top[0].score;
		rb = boost != 0 ? round6(boost) : 0;
		if (skills_cap(s, e) + rb + s->dcell + 1e-9 < root)
			return;
		base = skills_part(s, e, x) + rb;
		if (base + s->dcell + 1e-9 < root)
			return;
		if (!(e->flags & ENT_REMOTE)) {
			if (d >= 0)
				dlow = d;
			else {
				if (chord2 < 0)
					chord2 = ent_chord2(s, e);
				dlow = sqrt(chord2) * EARTH_R - 0.001;
				if (dlow < 0)
					dlow = 0;
			}
			if (base + round6(s->rs->w_distance *
			    rules_distance_score(s->m->rules, dlow)) + 1e-9 <
			    root)
				return;
		}
	}
	if (d < 0)
		d = geo_distance_km(p->lat, p->lon, mj->lat, mj->lon);
	score_hit(s->m, s->pr, mj, d, boost, &h);
	memcpy(h.fired, fired, sizeof(h.fired));
	heap_push(s, &h);
}

/* A candidate of a simple match (rules as masks): its boosts from the
 * mask, then rank, after rank's first bound inline (it turns most entries
 * away, and the call costs more than it). */
static inline void
rank_masked(struct scan *s, const struct grid_ent *e,
    const struct grid_cold *x, double chord2, double d)
{
	uint64_t fired[RULE_WORDS] = { 0 };
	double boost = 0;

	fired[0] = e->rule_bits0 & s->boost0;
	for (uint64_t f0 = fired[0]; f0 != 0; f0 &= f0 - 1)
		boost += s->rs->rules[__builtin_ctzll(f0)].boost;
	if (s->ntop == s->k && skills_cap(s, e) + (boost != 0 ?
	    round6(boost) : 0) + s->dcell + 1e-9 < s->top[0].score)
		return;
	rank(s, e, x, chord2, d, boost, fired);
}

/*
 * An entry that passed the cheap filters (consider_list) of a match that
 * is not simple and plain: the request's filters, the exact distance near
 * the radius, the rules that can exclude, then rank. Mirrors hard_filters,
 * apply_rules and score_hit, which the scan runs (score.c).
 */
static void
consider(struct scan *s, const struct grid_ent *e, const struct grid_cold *x,
    double chord2, bool count_only)
{
	const struct filters *f = s->q->filters;
	const struct rules *r = s->m->rules;
	const struct rules_spec *rs = s->rs;
	const struct profile *p = s->pr->view.p;
	const struct mjob *mj = x->mj;
	double d = -1, boost = 0;
	uint64_t fired[RULE_WORDS];

	if (!s->plain && (!employment_ok(f, mj) || !employer_ok(f, mj) ||
	    !salary_ok(f, mj)))
		return;
	if (!(e->flags & ENT_REMOTE) && beyond_edge(s, x, chord2, &d))
		return;
	if (s->simple) {
		uint64_t b = e->rule_bits0;
		if ((b & s->excl0) != 0 || (b & s->req0) != s->req0)
			return;
		s->candidates++;
		if (!count_only)
			rank_masked(s, e, x, chord2, d);
		return;
	}
	memset(fired, 0, sizeof(fired));
	if (s->any_pair && d < 0)
		d = geo_distance_km(p->lat, p->lon, mj->lat, mj->lon);
	for (size_t k = 0; k < s->nfilt; k++) {
		size_t i = s->filt[k];
		bool job = rule_bit(e, x, i) && rules_eval_pair(r, i, d);
		if (rs->rules[i].action == RULE_EXCLUDE ? job : !job)
			return;
	}
	s->candidates++;
	if (count_only)
		return;
	for (size_t k = 0; k < s->nboost; k++) {
		size_t i = s->boost[k];
		if (rule_bit(e, x, i) && rules_eval_pair(r, i, d)) {
			boost += rs->rules[i].boost;
			fired[i / 64] |= 1ULL << (i % 64);
		}
	}
	rank(s, e, x, chord2, d, boost, fired);
}

/*
 * Whether entry i of list l is a candidate of a simple and plain match
 * (the filters an entry answers alone, the chord, the rules' masks, the
 * exact distance near the radius); *chord2 and *d (-1 unless computed)
 * for ranking it.
 */
static inline bool
masked_candidate(const struct scan *s, const struct grid_list *l,
    uint32_t i, double *chord2, double *d)
{
	const struct grid_ent *e = &l->v[i];

	*d = -1;
	return ent_fits(s, e) && (*chord2 = ent_chord2(s, e)) <= s->out2 &&
	    (e->rule_bits0 & s->excl0) == 0 &&
	    (e->rule_bits0 & s->req0) == s->req0 &&
	    !beyond_edge(s, &l->c[i], *chord2, d);
}

/*
 * A list none of whose postings can reach the top, with no request filter
 * and no rule that needs more than masks: only count its candidates, in
 * one tight loop (consider_list's checks, then the exact distance near the
 * radius, then the rules' masks).
 */
static void
count_list(struct scan *s, const struct grid_list *l, uint32_t from)
{
	size_t n = 0;

	for (uint32_t i = from; i < l->n; i++) {
		double chord2, d;

		/* 256 bytes ahead, as when an entry was 64 bytes */
		__builtin_prefetch(&l->v[i] + 8);
		n += masked_candidate(s, l, i, &chord2, &d);
	}
	s->candidates += n;
}

/* Whether every point of cell c is within the radius, by 50 m at least
 * (so that no exact distance could disagree): its farthest corner, by the
 * chord to it (s->inside2: see matcher_match). */
static bool
cell_inside(const struct scan *s, const struct grid_cell *c)
{
	for (int k = 0; k < 4; k++) {
		double dx = c->corner[k][0] - s->qx, dy = c->corner[k][1] - s->qy;
		double dz = c->corner[k][2] - s->qz;
		if (dx * dx + dy * dy + dz * dz > s->inside2)
			return false;
	}
	return true;
}

/*
 * The best distance part any posting of cell c could have: the one at the
 * cell's nearest point. The nearest point of a small latitude-longitude
 * box is taken where the seeker's coordinates clamp into it, less 50 m for
 * the curvature.
 */
static double
cell_dbest(const struct scan *s, const struct grid_cell *c)
{
	const struct profile *p = s->pr->view.p;
	double lat = fmin(fmax(p->lat, c->cy * GRID_DEG), (c->cy + 1) *
	    GRID_DEG), lon = fmin(fmax(p->lon, c->cx * GRID_DEG), (c->cx + 1) *
	    GRID_DEG);
	double d = geo_distance_km(p->lat, p->lon, lat, lon) - 0.05;

	return round6(s->rs->w_distance *
	    rules_distance_score(s->m->rules, d > 0 ? d : 0));
}

/*
 * The entries [from, n) of list l of a simple and plain match (no request
 * filter, rules as masks), in one loop: consider_list's checks, the
 * masks, the exact distance near the radius; each candidate is counted
 * and ranked.
 */
static void
rank_list(struct scan *s, const struct grid_list *l, uint32_t from)
{
	for (uint32_t i = from; i < l->n; i++) {
		double chord2, d;

		__builtin_prefetch(&l->v[i] + 8);
		if (!masked_candidate(s, l, i, &chord2, &d))
			continue;
		s->candidates++;
		rank_masked(s, &l->v[i], &l->c[i], chord2, d);
	}
}

/* The clean entries of a list wholly inside the radius, already counted
 * (an aggregate match): those open to the seeker's grade are ranked. */
static void
rank_clean(struct scan *s, const struct grid_list *l)
{
	for (uint32_t i = 0; i < l->nclean; i++) {
		const struct grid_ent *e = &l->v[i];

		__builtin_prefetch(e + 8);
		if (e->grades_mask == 0 || (e->grades_mask & s->gbit))
			rank_masked(s, e, &l->c[i], -1, -1);
	}
}

/*
 * The seeker's type's list of cell c. A cell whose best possible score
 * (every skill, every boost that can fire, the distance part at its
 * nearest point) cannot reach the top only counts its candidates. In a
 * simple and plain match, the clean entries of a cell wholly inside the
 * radius are counted from the list's counters (an aggregate match); the
 * rest go through tight loops. Otherwise, the filters an entry answers
 * alone and the chord against the radius, then consider.
 */
static void
consider_list(struct scan *s, const struct grid_cell *c, bool remote)
{
	const struct grid_list *l = &c->l[s->dtype];
	bool count_only = false;

	if (l->n == 0)
		return;
	s->dcell = remote ? s->dbest : cell_dbest(s, c);
	if (!remote && s->ntop == s->k)
		count_only = s->skilltab[0][0] + s->dcell + s->maxboost +
		    1e-9 < s->top[0].score;
	if (s->simple && s->plain && !remote) {
		uint32_t from = 0;
		if (s->aggregate && cell_inside(s, c)) {
			/* the clean entries are candidates if their grade
			 * fits; only the others are read to count */
			s->candidates += l->ngrade[s->grade];
			if (!count_only)
				rank_clean(s, l);
			from = l->nclean;
		}
		if (count_only)
			count_list(s, l, from);
		else
			rank_list(s, l, from);
		return;
	}

	for (uint32_t i = 0; i < l->n; i++) {
		const struct grid_ent *e = &l->v[i];
		double chord2;

		__builtin_prefetch(e + 8);
		if (!ent_fits(s, e) ||
		    ((chord2 = ent_chord2(s, e)) > s->out2 && !remote))
			continue;
		consider(s, e, &l->c[i], chord2, count_only);
	}
}

static void
consider_cell(const struct grid_cell *c, void *arg)
{
	consider_list(arg, c, false);
}

/* Appends c to the cells to visit (NULL: none there). */
static void
visit(struct scan *s, const struct grid_cell *c)
{
	if (c != NULL && c->l[s->dtype].n > 0 && s->ncells < s->capcells)
		s->cells[s->ncells++] = c;
}

static void
collect_all(const struct grid_cell *c, void *arg)
{
	visit(arg, c);
}

/*
 * The cells that can hold postings within maxkm of (lat, lon), in rings
 * around the seeker's cell, nearest first: good scores early make the
 * bounds prune more of the rest. Every cell when the box is larger than
 * the index or awkward (poles, the antimeridian).
 */
static void
collect_cells(struct scan *s, double lat, double lon)
{
	struct grid *g = &s->m->grid;
	const double rad = M_PI / 180.0;
	double dlat = s->maxkm / (EARTH_R * rad) * 1.01 + GRID_DEG;
	double lat_far = fabs(lat) + dlat, dlon;
	int32_t y0, y1, x0, x1, cy, cx, rmax;

	if (lat_far >= 89.0)
		goto all;
	dlon = dlat / cos(lat_far * rad);
	if (lon - dlon < -180.0 || lon + dlon > 180.0)
		goto all;
	y0 = grid_row(lat - dlat);
	y1 = grid_row(lat + dlat);
	x0 = grid_col(lon - dlon);
	x1 = grid_col(lon + dlon);
	if ((double)(y1 - y0 + 1) * (double)(x1 - x0 + 1) >
	    (double)g->ncells)
		goto all;
	cy = grid_row(lat);
	cx = grid_col(lon);
	rmax = cy - y0;
	if (y1 - cy > rmax)
		rmax = y1 - cy;
	if (cx - x0 > rmax)
		rmax = cx - x0;
	if (x1 - cx > rmax)
		rmax = x1 - cx;
	for (int32_t r = 0; r <= rmax; r++)
		for (int32_t y = cy - r; y <= cy + r; y++) {
			/* the ring's top and bottom rows whole, else its two
			 * ends */
			int32_t step = (y == cy - r || y == cy + r) ? 1 :
			    (r > 0 ? 2 * r : 1);
			if (y < y0 || y > y1)
				continue;
			for (int32_t x = cx - r; x <= cx + r; x += step)
				if (x >= x0 && x <= x1)
					visit(s, grid_cell(g, y, x, false));
		}
	return;
all:
	grid_each(g, collect_all, s);
}

/* Visits the collected cells, the lists of the next ones on their way
 * into the cache meanwhile. */
static void
scan_cells(struct scan *s)
{
	for (size_t i = 0; i < s->ncells; i++) {
		if (i + 4 < s->ncells)
			__builtin_prefetch(&s->cells[i + 4]->l[s->dtype]);
		if (i + 2 < s->ncells) {
			const struct grid_list *l = &s->cells[i + 2]->l[s->dtype];
			__builtin_prefetch(l->v);
			__builtin_prefetch((const char *)l->v + 64);
		}
		consider_cell(s->cells[i], s);
	}
}

int
matcher_match(struct matcher *m, const struct match_query *q,
    struct match_result *out)
{
	const struct rules_spec *rs = rules_spec_of(m->rules);
	const struct profile *p = q->profile;
	struct prepared *pr;
	struct scan s;
	size_t words = ((size_t)m->terms.nids + 63) / 64;
	double a, u[3];

	memset(out, 0, sizeof(*out));
	memset(&s, 0, sizeof(s));
	s.k = q->offset + q->limit;
	if (s.k == 0)
		s.k = 1;
	if (m->caphits < s.k) {
		struct match_hit *nh = realloc(m->hits, s.k * sizeof(*nh));
		if (nh == NULL)
			return -1;
		m->hits = nh;
		m->caphits = s.k;
	}
	if (m->wantwords < words) {
		uint64_t *nw = realloc(m->want, words * sizeof(*nw));
		if (nw == NULL)
			return -1;
		memset(nw + m->wantwords, 0,
		    (words - m->wantwords) * sizeof(*nw));
		m->want = nw;
		m->wantwords = words;
	}
	if ((pr = score_prepared(m)) == NULL)
		return -1;
	score_prepare(m, q, pr);
	for (size_t i = 0; i < pr->nwant; i++) {
		m->want[pr->want[i] / 64] |= 1ULL << (pr->want[i] % 64);
		s.wantsig |= 1ULL << (pr->want[i] % 64);
	}

	s.m = m;
	s.q = q;
	s.pr = pr;
	s.rs = rs;
	s.want = m->want;
	s.wantwords = m->wantwords;
	s.top = m->hits;
	s.maxkm = pr->maxkm;
	geo_unit(p->lat, p->lon, u);
	s.qx = u[0];
	s.qy = u[1];
	s.qz = u[2];
	/*
	 * Inside for sure when even the longest arc a chord can stand for is
	 * within maxkm, outside for sure when the chord alone is beyond it;
	 * between the two (and a metre either way for float rounding) the
	 * exact distance decides, as in the scan.
	 */
	a = s.maxkm / EARTH_R;			/* the largest angle */
	s.out2 = (a + 0.002 / EARTH_R) * (a + 0.002 / EARTH_R);
	{
		double c_in = (a - 0.002 / EARTH_R) * (1.0 - a * a / 24.0);
		s.in2 = c_in > 0 ? c_in * c_in : 0;
		/* a cell's corners within it are within maxkm - 50 m */
		a = (s.maxkm - 0.05) / EARTH_R;
		c_in = (a - 0.002 / EARTH_R) * (1.0 - a * a / 24.0);
		s.inside2 = a > 0 && c_in > 0 ? c_in * c_in : -1;
	}
	s.dtype = p->disability;
	s.gbit = 1u << p->grade;
	s.dbest = round6(rs->w_distance * 1.0);
	s.skilltab[0][0] = round6(rs->w_skills * 1.0);
	for (size_t n = 1; n <= ENT_SKILLS; n++)
		for (size_t h = 0; h <= n; h++)
			s.skilltab[n][h] = round6(rs->w_skills *
			    ((double)h / (double)n));
	/* the ids are distinct on both sides, so at most min(n, nwant) of a
	 * posting's n are the seeker's */
	for (size_t n = 0; n <= ENT_SKILLS; n++)
		s.hcap[n] = s.skilltab[n][n < pr->nwant ? n : pr->nwant];
	s.hcap[0] = s.skilltab[0][0];
	s.needs = p->needs_mask;
	for (size_t i = 0; i < rs->nrules; i++) {
		if (!bit(pr->seeker_bits, i))
			continue;
		if (rs->rules[i].action == RULE_BOOST)
			s.boost[s.nboost++] = i;
		else
			s.filt[s.nfilt++] = i;
		s.any_pair |= rules_has_side(m->rules, i, SIDE_PAIR);
		if (i >= 64)
			s.wide = true;
		else if (rs->rules[i].action == RULE_EXCLUDE)
			s.excl0 |= 1ULL << i;
		else if (rs->rules[i].action == RULE_REQUIRE)
			s.req0 |= 1ULL << i;
		else
			s.boost0 |= 1ULL << i;
	}
	s.simple = !s.any_pair && !s.wide;
	s.plain = q->filters->employment_mask == 0 &&
	    q->filters->employer_mask == 0 && !q->filters->has_min_salary &&
	    !q->filters->has_employers;
	s.aggregate = s.simple && s.plain && s.needs == 0 && s.req0 == 0 &&
	    (s.excl0 & ~m->excl_any0) == 0 && p->grade >= 1 && p->grade <= 4;
	s.grade = p->grade;
	for (size_t k = 0; k < s.nboost; k++)
		if (rs->rules[s.boost[k]].boost > 0)
			s.maxboost += rs->rules[s.boost[k]].boost;
	/* round6 of a sum is at most the sum rounded up */
	s.maxboost = round6(s.maxboost) + 1e-6;

	/* Room for every cell, given back when far more than that. */
	if (m->capcells < m->grid.ncells ||
	    (m->capcells > 1024 && m->capcells / 8 > m->grid.ncells)) {
		size_t ncap = m->grid.ncells > 0 ? m->grid.ncells : 1;
		const struct grid_cell **nc = realloc(m->cells,
		    ncap * sizeof(*nc));
		if (nc == NULL) {
			if (m->capcells < m->grid.ncells)
				return -1;
		} else {
			m->cells = nc;
			m->capcells = ncap;
		}
	}
	s.cells = m->cells;
	s.capcells = m->capcells;
	collect_cells(&s, p->lat, p->lon);
	scan_cells(&s);
	consider_list(&s, &m->grid.remote, true);

	for (size_t i = 0; i < pr->nwant; i++)
		m->want[pr->want[i] / 64] = 0;
	if (s.ntop > 1)
		qsort(s.top, s.ntop, sizeof(*s.top), matcher_hit_cmp);
	out->candidates = s.candidates;
	if (q->offset < s.ntop) {
		out->hits = s.top + q->offset;
		out->n = s.ntop - q->offset < q->limit ? s.ntop - q->offset :
		    q->limit;
	}
	return 0;
}
