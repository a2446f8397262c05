/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * internal.h - what the files of the matcher share, and nothing outside
 * matcher/ includes: the mirror's fields (struct matcher), and the
 * functions one file of the matcher lends another.
 *
 *   postings.c the mirror: postings and employers in and out, the rule
 *              set installed, the figures of matcher_stats
 *   index.c    a posting's entries in the geographic index (grid.h)
 *   subject.c  a posting and a seeker as the rules see them
 *   score.c    what every match computes: the seeker prepared once, the
 *              filters, the rules and the score of one posting; the
 *              brute-force scan and explain, which walk no index
 *   match.c    the indexed match, matcher_match
 *
 * The ties run one way: match.c uses score.c; score.c uses subject.c and
 * postings.c's lookups; postings.c uses index.c and subject.c.
 */
#ifndef JM_MATCHER_INTERNAL_H
#define JM_MATCHER_INTERNAL_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "matcher/grid.h"
#include "matcher/matcher.h"
#include "matcher/strmap.h"
#include "matcher/terms.h"

#define SUBJECT_ITEMS	(2 * SKILLS_MAX)

struct matcher {
	const struct towns	*towns;
	struct rules		*rules;
	struct mjob		**jobs;
	size_t			 njobs, capjobs;
	struct strmap		 bykey;		/* "employer:id" -> mjob */
	struct strmap		 employers;	/* id -> memployer */
	struct terms		 terms;		/* the postings' skills */
	struct match_hit	*hits;		/* reused between matches */
	size_t			 caphits;
	struct grid		 grid;		/* the index (grid.h) */
	uint64_t		 excl_any0;	/* see index_excl_any */
	uint64_t		*want;		/* a match's skill ids, as bits */
	size_t			 wantwords;
	const struct grid_cell	**cells;	/* a match's cells to visit */
	size_t			 capcells;
	struct prepared		*pr;		/* a match's, reused */
	const char		*scratch[SUBJECT_ITEMS];	/* subjects */
	uint64_t		 mark;		/* the employers a match's
						   filter names carry it
						   (score_prepare) */
};

/* ---- index.c: a posting's entries in the index -------------------------- */

/* The flags of an entry (grid_ent.flags), and its nskill when the
 * posting's skill ids do not fit inline. */
#define ENT_OPEN	0x01		/* openings >= 1 */
#define ENT_REMOTE	0x02
#define ENT_MANY	0xff		/* nskill: more ids than fit inline */

/* Puts mj's entry in its cell's list of every type it is open to (a
 * posting open to none holds no cell, so that every cell holds entries).
 * 0, or -1 when out of memory (then mj holds no entry). */
int		 index_add(struct matcher *m, struct mjob *mj);
/* Takes mj's entries out, and its cell when that is left empty. */
void		 index_remove(struct matcher *m, struct mjob *mj);
/* mj's skills or rule bits changed: its entries follow, in place (they
 * may turn clean or dirty; nothing is allocated). */
void		 index_refresh(struct matcher *m, struct mjob *mj);
/* The rules an entry must not carry to be clean (struct grid_list): the
 * exclude rules of r, as a mask of rules 0-63, or every bit when one of
 * them cannot be told from the entry alone. */
uint64_t	 index_excl_any(const struct rules *r);

/* ---- subject.c: the rules' view ----------------------------------------- */

/* A seeker, as the rules see it. */
struct seeker_view {
	struct matcher		*m;
	const struct profile	*p;
	int			 town;		/* given or nearest */
	const char		*skills[SUBJECT_ITEMS];
	size_t			 nskills;
};

/* The values of a posting's fields (obj: a struct mjob of the mirror),
 * and of a seeker's (obj: a struct seeker_view), for the rules
 * (rule_subject_fn). */
void		 subject_job(int field, const void *obj,
		    struct rule_subject *s);
void		 subject_seeker(int field, const void *obj,
		    struct rule_subject *s);

/* ---- score.c: what every match computes --------------------------------- */

/* Everything a match computes once per request. */
struct prepared {
	struct seeker_view	 view;
	uint32_t		 want[SKILLS_MAX];	/* seeker's skill ids */
	size_t			 nwant;
	uint64_t		 seeker_bits[RULE_WORDS];
	double			 maxkm;
	char			 canon[SKILLS_MAX][CANON_MAX];
};

/* The matcher's struct prepared (tens of kilobytes: the seeker's canonical
 * skills), allocated at its first match and reused by every one after;
 * NULL when out of memory. */
struct prepared	*score_prepared(struct matcher *m);
/* Fills pr for q's seeker: its canonical skills, its rule bits and its
 * radius. */
void		 score_prepare(struct matcher *m, const struct match_query *q,
		    struct prepared *pr);
/* Scores a posting that passed every filter, at distance d, with the
 * boosts of the rules that fired. */
void		 score_hit(const struct matcher *m, const struct prepared *pr,
		    const struct mjob *mj, double d, double boost,
		    struct match_hit *h);

/* Rounds a score part to 1e-6 so that parts and sums print exactly. */
static inline double
round6(double v)
{
	return round(v * 1e6) / 1e6;
}

static inline bool
bit(const uint64_t *bits, size_t i)
{
	return (bits[i / 64] >> (i % 64)) & 1;
}

/* The request's own filters (employment type, employer type, salary), as
 * the scan and the index both apply them. */
static inline bool
employment_ok(const struct filters *f, const struct mjob *mj)
{
	return f->employment_mask == 0 ||
	    (f->employment_mask & 1u << mj->employment);
}

static inline bool
employer_ok(const struct filters *f, const struct mjob *mj)
{
	return (f->employer_mask == 0 || (mj->emp->type >= 0 &&
	    (f->employer_mask & 1u << mj->emp->type))) &&
	    (!f->has_employers || mj->emp->mark == mj->emp->matcher->mark);
}

/* Whether a posting of the mirror can be matched at now (unix seconds):
 * it has openings and has not expired. */
static inline bool
job_matchable(const struct mjob *mj, int64_t now)
{
	return mj->openings >= 1 && (mj->expires_at == 0 ||
	    mj->expires_at > now);
}

/* Marks the employers ids[0..n) of m with a new mark (the employers
 * filter of a match, one look-up each), which it returns. */
uint64_t	 employers_mark(struct matcher *m, const char *const *ids,
		    size_t n);

static inline bool
salary_ok(const struct filters *f, const struct mjob *mj)
{
	return !f->has_min_salary ||
	    (mj->has_salary && mj->salary_max >= f->min_salary);
}

#endif
