/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * gen.h - the deterministic workload of the benchmarks (issue: "Fast at
 * national scale"): a county centred on 30.33 N 107.35 E with its towns,
 * employers near towns, postings at their employer's site, and seekers'
 * queries. The same seed and sizes give the same data on every machine:
 * the generator uses its own PRNG (no rand(), no libm randomness that
 * differs between libcs beyond correctly rounded basic operations).
 *
 * Employers: near a town (within a few km), type private 58 %, institution
 * 10 %, community 10 %, state-owned 8 %, sheltered workshop 8 %, agency
 * 6 %. Postings: at their employer's site, 2-8 skills from a vocabulary of
 * ~200 terms drawn by Zipf, 1-4 accepted disability types (a sheltered
 * workshop's always include intellectual), 0-4 accommodations, lognormal
 * pay around 3,600 a month, 1-20 openings, posted within 90 days of
 * gen_now. Queries: a seeker near a town, one disability type and grade,
 * 1-6 skills (same Zipf vocabulary), max_distance_km from {3, 5, 10, 20,
 * 40} weighted 15/25/30/20/10, limit 10.
 */
#ifndef JM_GEN_H
#define JM_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "matcher/model.h"
#include "matcher/towns.h"

struct gen {
	const struct towns	*towns;
	uint64_t		 seed;
	struct employer		*employers;	/* owned */
	size_t			 nemployers;
	struct job		*jobs;		/* owned; status JOB_OPEN */
	size_t			 njobs;
	int64_t			 now;		/* the data's "today" */
};

/* The most postings a data set holds (and the least: 1). */
#define GEN_JOBS_MAX	100000000

/* The skill vocabulary (~200 terms, most frequent first). */
extern const char *const gen_skills[];
extern const size_t gen_nskills;

/* Generates njobs postings (and their employers, about one per 20
 * postings) into g. Returns 0, or -1 when out of memory. */
int	gen_dataset(struct gen *g, const struct towns *towns, uint64_t seed,
	    size_t njobs);
void	gen_free(struct gen *g);

/* Query i of the stream seeded by seed (independent of the dataset's
 * seed): fills p (profile_init'ed by the caller; free with profile_clear)
 * and *limit. */
void	gen_query(const struct gen *g, uint64_t seed, uint64_t i,
	    struct profile *p, size_t *limit);

/* gen_query without allocating (for a load generator's hot path): the
 * skills are borrowed from gen_skills through the caller's array skills,
 * which p->skills then points to. p must not be profile_clear'ed. */
void	gen_query_borrowed(const struct gen *g, uint64_t seed, uint64_t i,
	    struct profile *p, char *skills[SKILLS_MAX], size_t *limit);

#endif
