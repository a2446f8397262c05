/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * matcher.h - the in-memory mirror of the open postings and the match.
 *
 * The daemon feeds the mirror with every posting and employer it loads from
 * or writes to the store; a match then touches no network. A match applies
 * the hard filters (open, not expired, disability type and grade, every
 * needed accommodation, distance unless remote, the request's filters, the
 * rule set's exclude and require rules), scores the survivors (weighted
 * skills coverage and distance decay, plus the boosts of the rules that
 * fire, the plan's priorities among them) and returns the top of them
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
#include "matcher/quota.h"
#include "matcher/rules.h"
#include "matcher/terms.h"
#include "matcher/towns.h"

/* Parts of a score: two weighted components and the rules' boosts. */
enum component { COMP_SKILLS, COMP_DISTANCE, COMP_POLICY, COMP_COUNT };

struct memployer {
	char		 id[ID_MAX + 1];
	char		*name;		/* NULL until the employer is known */
	int		 type;		/* enum employer_type, or -1 */
	struct matcher	*matcher;	/* the mirror it belongs to */
	/* the rest of its record, for the quota (-1: not given) */
	int		 town;
	int64_t		 headcount;
	int64_t		 disabled_employees;
	int64_t		 severe_disabled_employees;
	int64_t		 avg_annual_salary;
	int64_t		 establishment;
	int		 level, institution_kind;
	char		 pool[ID_MAX + 1];
	struct quota_roster *roster;	/* its roster (quota.h), owned; NULL
					   when it keeps none */
	char		*contact;	/* its default contact's JSON text */
	uint64_t	 mark;		/* a match's employers filter: in it
					   when equal to its matcher's mark */
	size_t		 slot;		/* matcher_count_jobs's */
};

/* A posting as the mirror keeps it (postings.c, and index.c for its
 * entries). Read-only outside them. */
struct mjob {
	char		 key[2 * ID_MAX + 2];	/* "employer:id" */
	const char	*id;			/* points into key */
	struct memployer *emp;
	char		*title;
	char		*description;		/* may be NULL */
	char		*apply;			/* how to apply: struct job's
						   apply, or NULL */
	char		**skills;		/* as posted */
	uint32_t	*skill_ids;		/* canonical, distinct */
	uint16_t	 nskills, nskill_ids;
	uint8_t		 dis_mask;		/* DIS_ALL_MASK for "any" */
	uint8_t		 grades_mask;		/* 0 = all */
	uint8_t		 employment;
	bool		 remote;
	uint32_t	 accom_mask;
	int		 town;			/* given or nearest; -1 */
	bool		 has_salary;
	bool		 town_given;
	bool		 apply_limited;		/* expires_at is its apply_by's
						   end (struct job's
						   apply_until) */
	double		 lat, lon;
	int64_t		 salary_min, salary_max;
	int64_t		 version;
	int64_t		 expires_at;		/* or apply_until, when
						   earlier; 0 = never */
	size_t		 slot;			/* index in the jobs array */
	struct grid_cell *cell;			/* its entries in the index */
	uint32_t	 cell_pos[7];		/* per disability type */
	int32_t		 openings;		/* 1..OPENINGS_MAX (in what
						   cell_pos leaves before
						   rule_bits) */
	uint64_t	 rule_bits[RULE_WORDS];	/* rules whose conditions on
						   the posting hold */
};

struct match_query {
	const struct profile	*profile;
	const struct filters	*filters;
	size_t			 limit, offset;
	int64_t			 now;		/* unix seconds */
	uint32_t		 regex_budget;	/* pattern matches allowed */
};

struct match_hit {
	const struct mjob	*job;
	double			 score;		/* sum of parts */
	double			 distance_km;
	double			 comp[COMP_COUNT];	/* components; boosts */
	double			 part[COMP_COUNT];	/* weight x component */
	uint64_t		 fired[RULE_WORDS];	/* boost rules fired */
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
 * skills and rule bits, within the rule set's install_ms. Returns 0; -1 when
 * out of memory, -2 when it ran out of time: then nothing changed, and m
 * still uses the rule set it had, which must outlive it. So it cannot
 * undo a successful call: one that puts the previous rule set back can
 * fail as well, and leave m on the one it was to replace. */
int		 matcher_set_rules(struct matcher *m, struct rules *rules);
struct rules	*matcher_rules(struct matcher *m);
/* Evaluates rules on every posting without installing them: 0 when it fits
 * in the rule set's install_ms, -1 when it does not. */
int		 matcher_try_rules(struct matcher *m, struct rules *rules);

/* Adds or updates an employer's name and type. Returns 0 or -1 (memory). */
int		 matcher_put_employer(struct matcher *m,
		    const struct employer *e);
/* Sets employer id's roster to a copy of ro (an employer not yet known
 * gets a slot, as a posting's does). Returns 0 or -1 (memory). */
int		 matcher_put_roster(struct matcher *m, const char *id,
		    const struct quota_roster *ro);
/* The mirror's copy of an employer, or NULL. */
const struct memployer *matcher_employer(const struct matcher *m,
		    const char *id);
/* The record of a known employer, its name borrowed from me. */
void		 matcher_employer_record(const struct memployer *me,
		    struct employer *e);
/* Calls fn for every known employer (one with a record), in no order. */
void		 matcher_each_employer(const struct matcher *m,
		    void (*fn)(const struct memployer *me, void *arg),
		    void *arg);
/* Calls fn for every posting of the mirror (every one is open), in no
 * order. */
void		 matcher_each_job(const struct matcher *m,
		    void (*fn)(const struct mjob *mj, void *arg), void *arg);

/* Adds, replaces or (when j is closed) removes a posting. 0 or -1. */
int		 matcher_put_job(struct matcher *m, const struct job *j);
/* Removes the postings whose apply_by has passed at now (their
 * apply_until is at most now); returns how many. */
size_t		 matcher_drop_applied(struct matcher *m, int64_t now);
/* Removes a posting; returns 1 if it was there, 0 if not. */
int		 matcher_remove_job(struct matcher *m, const char *employer_id,
		    const char *id);
const struct mjob *matcher_job(const struct matcher *m,
		    const char *employer_id, const char *id);
size_t		 matcher_njobs(const struct matcher *m);
/* Counts the postings each employer ids[i] (distinct ids) has that a
 * match could give at now (unix seconds), into counts[i]. One pass over
 * the postings. */
void		 matcher_count_jobs(struct matcher *m, const char *const *ids,
		    size_t n, int64_t now, size_t *counts);

/* What the mirror holds and the room it keeps for it: each figure follows
 * the postings open now, not the history (docs/design.md, "The mirror"). */
struct matcher_stats {
	size_t	postings, posting_room;	/* the array of postings */
	size_t	key_slots;		/* the map of EMP:ID keys */
	size_t	cells, cell_slots;	/* grid cells, the table of them */
	size_t	entries, entry_room;	/* index entries, over every list */
	size_t	terms, term_ids;	/* interned skills, ids handed out */
	size_t	raw_skills;		/* skills as posted, cached */
};
void		 matcher_stats(const struct matcher *m,
		    struct matcher_stats *st);
/* Employers the mirror knows by name (registered ones). O(employers). */
size_t		 matcher_nemployers(const struct matcher *m);

/*
 * Runs a query. The profile's max_distance_km of 0 means the rule set's
 * default. On success out->hits points into storage owned by the matcher,
 * valid until the next call on m. Returns 0, or -1 when out of memory.
 */
int		 matcher_match(struct matcher *m, const struct match_query *q,
		    struct match_result *out);
/*
 * The same answer by brute force: every posting of the mirror filtered,
 * scored and sorted, with no index and no pruning. The reference the tests
 * and jobmatch-bench --check hold matcher_match to; same contract.
 */
int		 matcher_match_scan(struct matcher *m,
		    const struct match_query *q, struct match_result *out);
/* The order of an answer's hits (qsort): score, distance, job id, then
 * employer id. */
int		 matcher_hit_cmp(const void *a, const void *b);

/* The skills of open postings that contain text (terms.h's
 * terms_suggest): at most max into out, the most listed first. The terms
 * are borrowed from m, valid until it changes. */
size_t		 matcher_suggest_skills(const struct matcher *m,
		    const char *text, struct term_count *out, size_t max);

/* What explain tells a person of one hit of the last match. */
struct match_detail {
	const char	*matched[SKILLS_MAX];	/* the seeker's skills the
						   posting lists, canonical,
						   in the seeker's order */
	size_t		 nmatched;
	size_t		 wanted;		/* distinct canonical skills
						   the seeker gave */
	uint32_t	 needs_met;		/* the seeker's needs the
						   posting offers */
};
/* Fills out for h, a hit of the last matcher_match of q on m; the names
 * are borrowed from m until its next call. */
void		 matcher_hit_detail(const struct matcher *m,
		    const struct match_query *q, const struct match_hit *h,
		    struct match_detail *out);

/* Why one posting scored as it did, or was left out. */
enum filter_check { FC_OPEN, FC_DISABILITY, FC_GRADE, FC_NEEDS, FC_DISTANCE,
	FC_EMPLOYMENT, FC_EMPLOYER, FC_SALARY, FC_COUNT };
enum rule_verdict {
	RV_FIRED,		/* boost added, or the posting excluded */
	RV_SEEKER,		/* a condition on the seeker failed */
	RV_JOB,			/* a condition on the posting failed */
	RV_PAIR,		/* the distance condition failed */
	RV_REQUIRE_MET,		/* require: the posting meets it */
	RV_NOT_EVALUATED	/* an earlier filter left the posting out */
};
struct match_explain {
	const struct mjob	*job;		/* NULL: no such open posting */
	bool			 pass[FC_COUNT];
	uint32_t		 missing_needs;	/* accommodations not offered */
	int			 excluded_by;	/* rule index, or -1 */
	bool			 matched;	/* would be in the results */
	struct match_hit	 hit;		/* the score, when matched */
	int			 verdict[RULES_MAX];
	const char		*failed[RULES_MAX];	/* condition's field */
};
const char	*matcher_filter_name(int check);

/* Explains how posting employer_id/id fares for q's seeker. */
void		 matcher_explain(struct matcher *m, const struct match_query *q,
		    const char *employer_id, const char *id,
		    struct match_explain *out);

#endif
