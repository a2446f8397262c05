/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * codec.h - JSON to and from the domain records of matcher/model.h, with the
 * validation PROTOCOL.md asks of every field. Decoders fill a record the
 * caller initialised and owns (free it with its *_clear even on error);
 * encoders return a new JSON value (NULL when out of memory).
 */
#ifndef JM_CODEC_H
#define JM_CODEC_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "matcher/matcher.h"
#include "matcher/model.h"
#include "matcher/rules.h"
#include "matcher/towns.h"
#include "proto/params.h"

#define MATCH_LIMIT_MAX		100
#define MATCH_LIMIT_DEFAULT	10
#define MATCH_OFFSET_MAX	10000
/* A posting's expires_at: no earlier than 2000-01-01, since an earlier
 * one is a mistake (a duration, or 0 for "never", which is said by leaving
 * it out), no later than 2100-01-01. */
#define TIME_MIN		946684800LL	/* 2000-01-01 */
#define TIME_MAX		4102444800LL	/* 2100-01-01 */
#define GEO_LAT_MAX		85.05112878	/* Redis GEO's limit */

/* A posting as a client sends it (path names it in errors, e.g. "job"). */
int	 codec_job_decode(json_t *obj, const char *path,
	    const struct towns *towns, struct job *j, struct perr *e);
/*
 * A stored posting's JSON text into j (initialised) without a JSON tree, for
 * loading many at start-up. Reads only the plain form (no escapes, no nulls,
 * no field twice, nothing unknown) and accepts only what codec_job_decode
 * accepts, giving the same record: returns 0 then. Returns 1 for anything
 * else, which is not an error: the caller clears j and uses json_loadb and
 * codec_job_decode, which decide and say why.
 */
int	 codec_job_scan(const char *buf, size_t len,
	    const struct towns *towns, struct job *j);
/*
 * A stored document (the JSON text the daemon wrote) into the record
 * (initialised), as codec_*_decode reads it under the path "job",
 * "employer" or "seeker"; a posting in the plain form without a JSON tree
 * (codec_job_scan). A text that is not JSON fails on the field "(JSON)".
 */
int	 codec_job_load(const char *buf, size_t len,
	    const struct towns *towns, struct job *j, struct perr *e);
int	 codec_employer_load(const char *buf, size_t len,
	    const struct towns *towns, struct employer *emp, struct perr *e);
int	 codec_seeker_load(const char *buf, size_t len,
	    const struct towns *towns, struct seeker *s, struct perr *e);
/* The posting's own fields, as stored; no version or timestamps. */
json_t	*codec_job_encode(const struct job *j, const struct towns *towns);

int	 codec_employer_decode(json_t *obj, const char *path,
	    const struct towns *towns, struct employer *emp, struct perr *e);
json_t	*codec_employer_encode(const struct employer *emp,
	    const struct towns *towns);

/* The service record's names: a seeker status, a service (-1: none),
 * and the name of each (i: its index). */
int	 codec_status_lookup(const char *s);
int	 codec_service_lookup(const char *s);
const char *codec_status_name(int i);
const char *codec_service_name(int i);

/* A registered seeker: the fields of a match's profile, plus id and name,
 * and the service record (status, services, plan_note, training,
 * employed_since). */
int	 codec_seeker_decode(json_t *obj, const char *path,
	    const struct towns *towns, struct seeker *s, struct perr *e);
/* The seeker as stored: normalised, no version. */
json_t	*codec_seeker_encode(const struct seeker *s,
	    const struct towns *towns);

struct match_params {
	struct profile	 profile;
	char		 seeker_id[ID_MAX + 1];	/* instead of the profile;
						   "" when inline */
	struct filters	 filters;
	char		 fair_id[ID_MAX + 1];	/* filters.fair; "" none */
	size_t		 limit, offset;
	bool		 explain;
};
void	 codec_match_init(struct match_params *mp);
void	 codec_match_clear(struct match_params *mp);
/* The params of the match method. */
int	 codec_match_decode(json_t *params, const struct towns *towns,
	    struct match_params *mp, struct perr *e);
/* One result of a match; explain adds the parts and the rules fired. */
json_t	*codec_hit(const struct match_hit *h, const struct towns *towns,
	    const struct rules *rules, bool explain);
/* What a match's explain adds for people (d: matcher_hit_detail of h):
 * matched_skills, wanted_skills, needs_met and the labels of the boost
 * rules that fired, into hit's "explain" object (codec_hit's, with
 * explain). */
void	 codec_hit_detail(json_t *hit, const struct match_hit *h,
	    const struct match_detail *d, const struct rules *rules);
/* The answer of skills.suggest. */
json_t	*codec_skills(const struct term_count *v, size_t n);
/* The answer of rules.explain for one posting (NULL: none such). */
json_t	*codec_explain(const struct match_explain *x,
	    const struct towns *towns, const struct rules *rules);

/* A rule set document; spec must come from rules_spec_defaults(). The
 * document's own "version", if any, is ignored: the store numbers them. */
int	 codec_rules_decode(json_t *obj, struct rules_spec *spec,
	    struct perr *e);
/* A rule set document decoded, then compiled under lim: the rule set, or
 * NULL with what is wrong (field, or rule and field) in err. */
struct rules *codec_rules_build(json_t *obj, const struct regex_limits *lim,
	    char *err, size_t errlen);

/* The answer of the vocab method. */
json_t	*codec_vocab(const struct towns *towns);

#endif
