/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * rsquery.h - the shared half of jobmatch-rsbench (tools/bench/redisearch.c):
 * the generated data set and its mirror, the FT.SEARCH queries of both
 * modes and what the client does with their answers. See redisearch.c.
 */
#ifndef JM_RSQUERY_H
#define JM_RSQUERY_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hiredis/hiredis.h>

#include "matcher/matcher.h"
#include "matcher/rules.h"
#include "matcher/strmap.h"
#include "matcher/towns.h"
#include "tools/bench/gen.h"

#ifndef JM_TOWNS_DEFAULT
#define JM_TOWNS_DEFAULT	"data/towns.tsv"
#endif
#ifndef JM_RULES_DEFAULT
#define JM_RULES_DEFAULT	"data/rules.default.json"
#endif

#define INDEX		"jm"		/* the RediSearch index */
#define BATCH		1000		/* FT.ADDs in flight while loading */
#define TOP_MAX		16		/* hits kept per query for --check */
#define CANON_BUF	512		/* matcher/terms.h's CANON_MAX */
#define QUERY_BUF	4096
#define EXPIRES_NEVER	((int64_t)4102444800)	/* 2100-01-01, for expires_at 0 */
/* GEOFILTER's radius in exact mode: Redis measures on a sphere of 6,372.8
 * km (ours is 6,371.0) from 52-bit geohashes, so a posting at our limit may
 * be a little beyond Redis's; the client's scorer applies the true limit. */
#define GEO_PAD_RATIO	1.001
#define GEO_PAD_KM	0.05

enum mode { MODE_NATIVE, MODE_EXACT };

struct opts {
	const char	*host;
	int		 port;
	size_t		 n;
	uint64_t	 seed, qseed;
	enum mode	 mode;
	int		 conns;
	double		 duration, warmup;
	bool		 check, json, explain_all;
	const char	*towns_path, *rules_path;
};

/* What every thread of a run shares; read-only once the run starts, but
 * for next, measure_ns and deadline_ns. */
struct run {
	const struct opts	*o;
	struct gen		 g;
	struct towns		 towns;
	char			*rules_text;
	size_t			 rules_len;
	struct strmap		 bykey;		/* "emp:id" -> job index + 1 */
	bool			 filter_expires;	/* some posting expires */
	bool			 filter_openings;	/* some has none open */
	bool			 filter_grades;		/* some not for all */
	bool			 any_remote;
	/* Exact mode's bound: every posting's canonical skills, interned. */
	struct strmap		 canon;		/* canonical -> id + 1 */
	uint32_t		*jsk;		/* ids of posting i: jsk[off[i]
						   .. off[i + 1]), distinct */
	size_t			*jsk_off;
	pthread_barrier_t	 ready;
	_Atomic uint64_t	 next;		/* the next query's index */
	_Atomic uint64_t	 measure_ns;	/* end of the warm-up */
	_Atomic uint64_t	 deadline_ns;
};

/* A candidate of exact mode and the most it may score. */
struct cand {
	double		 ub;
	uint32_t	 job;
};

/* One query's answer, kept for --check. */
struct record {
	uint64_t	 qi;
	uint32_t	 n;
	uint32_t	 job[TOP_MAX];	/* indexes into g.jobs */
};

struct worker {
	pthread_t		 th;
	struct run		*run;
	redisContext		*c;
	struct rules		*rules;
	struct matcher		*m;	/* exact mode only */
	struct match_hit	 hits[TOP_MAX];	/* exact: the top so far */
	struct cand		*cands;	/* exact: candidates, by bound */
	uint64_t		*seen;	/* per job: the query that saw it + 1 */
	uint64_t		*lat;	/* ns per query */
	size_t			 nlat, caplat;
	struct record		*rec;
	size_t			 nrec, caprec;
	uint64_t		 errors, candidates, explained, scoring_ns;
	uint64_t		 nqueries;	/* warm-up included */
	uint64_t		 ok;		/* answered, after the warm-up */
	char			 err[256];
};

/*
 * The FT.SEARCH argument lists of a query: [0] the postings within reach
 * (GEOFILTER), [1] the remote ones anywhere (only when some posting is
 * remote). text holds the query strings.
 */
struct search {
	char		 text[2][QUERY_BUF];
	char		 lon[32], lat[32], km[32], lim[32];
	const char	*argv[2][24];
	int		 argc[2];
	int		 nq;		/* 1 when no posting is remote */
};

void	rs_die(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
uint64_t rs_now_ns(void);
/* Appends to a fixed buffer; dies when it would not fit. */
void	rs_buf_add(char *buf, size_t cap, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* The data set (gen_dataset with o's seed and size), the towns, the rule
 * set's text and the id map; rs_run_free frees them. Dies on error. */
void	rs_run_init(struct run *run, const struct opts *o);
void	rs_run_free(struct run *run);
/* A new compiled rule set (the caller's; rules_free). */
struct rules *rs_run_rules(const struct run *run);
/* A new mirror of the data set on rules (the caller's; matcher_free). */
struct matcher *rs_run_matcher(const struct run *run, struct rules *rules);
/* Fills run->canon, jsk and jsk_off (exact mode's bound). */
void	rs_run_intern(struct run *run);
/* The index in g.jobs of the document id "EMP:ID", or UINT32_MAX. */
uint32_t rs_job_index(const struct run *run, const char *key);
/* A skill's canonical form as one RediSearch token ("k" + hex). */
size_t	rs_skill_token(struct rules *r, const char *skill, char *out,
	    size_t outlen);

/* The FT.SEARCH commands of one query in run's mode. */
void	rs_build_search(struct search *s, const struct run *run,
	    struct rules *rules, const struct profile *p, size_t limit);
/* 0 when r is an FT.SEARCH answer; else -1 with w->err set. */
int	rs_reply_ok(struct worker *w, redisReply *r);
/* The client's half of a query: fills rec with its top ids (indexes into
 * g.jobs) from the nq answers; 0, or -1 with w->err set. */
int	rs_score_exact(struct worker *w, redisReply *rep[2], int nq,
	    const struct match_query *q, const uint32_t *want, size_t nwant,
	    struct record *rec);
int	rs_merge_native(struct worker *w, redisReply *rep[2], int nq,
	    size_t limit, struct record *rec);

#endif
