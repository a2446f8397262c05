/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * plan.h - the county plan's figures, from the daemon's mirrors: where an
 * employer stands against the disability employment quota (the formula is
 * matcher/quota.c's, docs/quota.md), what a placement records and how the
 * placements of a period are counted, and the tallies of seekers, postings
 * and employers that stats.plan reports. The methods that show them
 * (employer.quota, employer.list, placement.*, stats.plan) are in
 * methods/.
 */
#ifndef JM_PLAN_H
#define JM_PLAN_H

#include <stdint.h>

#include <jansson.h>

#include "matcher/date.h"
#include "matcher/matcher.h"
#include "matcher/model.h"
#include "matcher/quota.h"
#include "matcher/strmap.h"
#include "matcher/vocab.h"

#define PLAN_WHY_MAX	200	/* a quota refused, in words */

/* Today in the county's local time, as a day number and as YYYY-MM-DD. */
int64_t	plan_today(char date[DATE_LEN + 1]);

/* The township pools of the mirror's employers on a day: each pool's
 * units and their countable persons, by pool id (borrowed from the
 * mirror: valid until control returns to the event loop). */
struct plan_pool {
	const char		*id;
	struct quota_pool	 sums;
};
struct plan_pools {
	struct plan_pool	*v;		/* by id */
	size_t			 n;
};

/* Adds up the pools on day: 0, or -1 when out of memory. */
int	plan_pools_make(int64_t day, struct plan_pools *pp);
void	plan_pools_free(struct plan_pools *pp);

/*
 * Where the mirror's employer me stands on day, late days late, from its
 * roster when it keeps one, its pool's sums from pools: 0 with q filled,
 * or -1 with the reason in why (its record lacks a figure).
 */
int	plan_quota(const struct memployer *me, const struct plan_pools *pools,
	    int64_t day, int64_t late, struct quota_result *q,
	    char why[PLAN_WHY_MAX]);

/*
 * What the plan counts of a hire of the seeker s (id seeker_id, as read
 * before it is marked employed) by posting job_id (job, as read) of
 * employer_id on day, kept with it: no name, no skills, no needs. The
 * store adds its id. NULL when out of memory.
 */
json_t	*plan_placement_doc(const char *seeker_id, const struct seeker *s,
	    const char *employer_id, const char *job_id,
	    const struct job *job, int64_t day);

/* "FORM:DATE:EMPLOYER:POSTING" (employer and posting "" when none): the
 * key of an employment record, the same for the same record sent again,
 * whether by employment.record or placement.record. */
#define PLAN_EMPLOYMENT_KEY_MAX	(16 + DATE_LEN + 2 * (ID_MAX + 1) + 2)
void	plan_employment_key(int form, int64_t day, const char *employer_id,
	    const char *job_id, char key[PLAN_EMPLOYMENT_KEY_MAX]);

/*
 * An employment record of seeker_id in form (enum employment_form) from
 * day, with employer_id and job_id when not NULL, the note when not
 * NULL, and graduate when it is not -1 (else the store adds the seeker's
 * flag as it reads it). The store adds its id. NULL when out of memory.
 */
json_t	*plan_employment_doc(const char *seeker_id, int form,
	    const char *employer_id, const char *job_id, int64_t day,
	    const char *note, int graduate);

/* The placements of a period, counted one stored document at a time. */
struct plan_placements {
	int64_t		 placed, placed_grad;
	int64_t		 by_dis[DIS_COUNT], by_emp[EMP_COUNT], by_et[ET_COUNT];
};

void	plan_count_placement(struct plan_placements *pp, json_t *doc);

/* The most calendar years of a period whose figures stats.plan splits
 * by year (by_year has one entry a year; beyond, it is null): a
 * representational bound. */
#define PLAN_YEARS_MAX	100

/* The year of a day number. */
int	plan_year(int64_t day);

/*
 * New employment as persons: each person (a registered seeker's id, or
 * the anonymous number a deleted seeker's records were given) with a
 * record in the period counts once, under the form and the year of
 * their first record in it. Records must come in day order (then id), as
 * the store lists them. seen holds the persons counted (its values are
 * not the caller's).
 */
struct plan_persons {
	int64_t		 from, to;
	int		 year0, nyears;
	int64_t		 persons, graduates, by_form[FORM_COUNT];
	int64_t		 year_persons[PLAN_YEARS_MAX];
	int64_t		 year_by_form[PLAN_YEARS_MAX][FORM_COUNT];
	struct strmap	 seen;
};

void	plan_persons_init(struct plan_persons *pp, int64_t from, int64_t to);
void	plan_persons_free(struct plan_persons *pp);
/* One stored employment record; -1 when out of memory. */
int	plan_count_employment(struct plan_persons *pp, json_t *doc);

/* One of the four services' coverage over its own base. */
struct plan_cover {
	int64_t		 base, count;
};

/*
 * Registered seekers: the four services by the period's end, each over
 * its base (working age in the year of the period's end: the information
 * check over those not employed, the other three and all four over those
 * seeking; seekers without birth_year or sex are counted apart, in no
 * base), graduates, persons trained in the period by the year of their
 * first course in it.
 */
struct plan_seekers {
	int64_t		 from, to;
	int		 year0, nyears, end_year;
	int		 age_male[2], age_female[2];
	int64_t		 seekers, age_unknown, working_age;
	struct plan_cover cover[SVC_COUNT], all4;
	int64_t		 by_status[SST_COUNT];
	int64_t		 grads, grads_employed, grads_plan;
	int64_t		 trained, trained_year[PLAN_YEARS_MAX];
};

/* Open postings (not expired) and their openings by employer type. */
struct plan_posts {
	int64_t		 now;
	int64_t		 postings[ET_COUNT], openings[ET_COUNT];
	int64_t		 all, all_openings;
};

/* Employers on the period's last day: below the quota, "at least one",
 * overstated declarations. */
struct plan_employers {
	int64_t		 day;
	const struct plan_pools *pools;
	int64_t		 all, known, below, one_unmet, overstated;
	int64_t		 by_type[ET_COUNT], below_by_type[ET_COUNT];
};

struct plan_tally {
	struct plan_seekers	 seekers;
	struct plan_posts	 posts;
	struct plan_employers	 employers;
};

/* The mirrors' figures for the period from .. to (day numbers), the
 * postings as they are now. */
void	plan_tally(int64_t from, int64_t to, struct plan_tally *t);

#endif
