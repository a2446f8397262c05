/*
 * matcher.h - the in-memory mirror of the open postings and the match.
 *
 * The daemon feeds the mirror with every posting and employer it loads from
 * or writes to the store; a match then touches no network. A match applies
 * the hard filters (open, not expired, disability type and grade, every
 * needed accommodation, distance unless remote, the request's filters),
 * scores the survivors (skills coverage, distance decay, the plan's policy
 * priorities, each weighted by the rule set) and returns the top of them
 * ordered by score, distance and id.
 *
 * Not thread-safe: one thread owns a matcher.
 */
#ifndef JM_MATCHER_H
#define JM_MATCHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "matcher/model.h"
#include "matcher/rules.h"
#include "matcher/towns.h"

/* The plan's priorities, in the order of their bits in policy_fired. */
enum policy {
	POLICY_PUBLIC_WELFARE,	/* public-welfare posts for poor households */
	POLICY_GRADUATE,	/* graduates to agencies, institutions, SOEs */
	POLICY_SHELTERED,	/* sheltered posts for severe disabilities */
	POLICY_MASSAGE,		/* massage posts for visual disability */
	POLICY_RURAL,		/* rural seekers to rural employment bases */
	POLICY_COUNT
};
const char *matcher_policy_name(int policy);

enum component { COMP_SKILLS, COMP_DISTANCE, COMP_POLICY, COMP_COUNT };

struct memployer {
	char		 id[ID_MAX + 1];
	char		*name;		/* NULL until the employer is known */
	int		 type;		/* enum employer_type, or -1 */
};

/* A posting as the mirror keeps it. Read-only outside matcher.c. */
struct mjob {
	char		 key[2 * ID_MAX + 2];	/* "employer:id" */
	const char	*id;			/* points into key */
	struct memployer *emp;
	char		*title;
	char		**skills;		/* as posted */
	uint32_t	*skill_ids;		/* canonical, distinct */
	uint16_t	 nskills, nskill_ids;
	uint8_t		 dis_mask;		/* DIS_ALL_MASK for "any" */
	uint8_t		 grades_mask;		/* 0 = all */
	uint8_t		 employment;
	bool		 remote, massage, rural;
	bool		 has_salary;
	uint32_t	 accom_mask;
	int		 town;			/* given or nearest; -1 */
	bool		 town_given;
	double		 lat, lon;
	int64_t		 salary_min, salary_max;
	int64_t		 openings, expires_at, version;
	size_t		 slot;			/* index in the jobs array */
};

struct match_query {
	const struct profile	*profile;
	const struct filters	*filters;
	size_t			 limit, offset;
	int64_t			 now;		/* unix seconds */
};

struct match_hit {
	const struct mjob	*job;
	double			 score;		/* sum of parts */
	double			 distance_km;
	double			 comp[COMP_COUNT];	/* components in [0,1] */
	double			 part[COMP_COUNT];	/* weight x component */
	uint32_t		 policy_fired;		/* 1 << enum policy */
};

struct match_result {
	struct match_hit	*hits;		/* owned by the matcher */
	size_t			 n;
	size_t			 candidates;	/* passed the hard filters */
};

struct matcher;

/* towns and rules are borrowed and must outlive the matcher (or, for
 * rules, until matcher_set_rules replaces them). */
struct matcher	*matcher_new(const struct towns *towns, struct rules *rules);
void		 matcher_free(struct matcher *m);

/* Replaces the (borrowed) rule set and re-derives every posting's canonical
 * skills. Returns 0, or -1 when out of memory (nothing changed). */
int		 matcher_set_rules(struct matcher *m, struct rules *rules);
struct rules	*matcher_rules(struct matcher *m);

/* Adds or updates an employer's name and type. Returns 0 or -1 (memory). */
int		 matcher_put_employer(struct matcher *m,
		    const struct employer *e);
/* The mirror's copy of an employer, or NULL. */
const struct memployer *matcher_employer(const struct matcher *m,
		    const char *id);

/* Adds, replaces or (when j is closed) removes a posting. 0 or -1. */
int		 matcher_put_job(struct matcher *m, const struct job *j);
/* Removes a posting; returns 1 if it was there, 0 if not. */
int		 matcher_remove_job(struct matcher *m, const char *employer_id,
		    const char *id);
const struct mjob *matcher_job(const struct matcher *m,
		    const char *employer_id, const char *id);
size_t		 matcher_njobs(const struct matcher *m);

/*
 * Runs a query. The profile's max_distance_km of 0 means the rule set's
 * default. On success out->hits points into storage owned by the matcher,
 * valid until the next call on m. Returns 0, or -1 when out of memory.
 */
int		 matcher_match(struct matcher *m, const struct match_query *q,
		    struct match_result *out);

#endif
