/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * methods.h - the handlers of the JSON-RPC methods, one file per subject.
 * The dispatcher (dispatch.c) alone calls them, through its method table,
 * once the caller's role may call the method, its params are an object
 * and, for a method that reads the mirror, the mirror has been loaded; it
 * serves hello, ping and vocab itself. A handler checks its params with
 * proto/params.h and proto/codec.h, reads the mirrors or goes through the
 * store, and answers its request exactly once (req.h), now or from the
 * store's callback.
 */
#ifndef JM_METHODS_H
#define JM_METHODS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "matcher/vocab.h"

struct perr;
struct req;
struct store_res;

typedef void method_fn(struct req *r, json_t *params);

/* jobs.c: employers and postings, through the store. */
method_fn	m_employer_put, m_employer_get, m_job_post, m_job_get,
		m_job_close, m_job_list;
/* The most postings a job.list page gives (its answer's reservation). */
#define JOB_LIST_LIMIT_MAX	100
/* jobs_view.c: reads and checks {id, employer_id} of job.get and
 * job.close (an employer names its own): 0, or -1 answered. */
int	 jobs_key(struct req *r, json_t *params, const char *const keys[],
	    const char **emp, const char **id);
/* jobs_view.c: whether r may touch employer_id's records (an employer
 * caller only its own). */
bool	 jobs_own_employer(const struct req *r, const char *employer_id);
/* params' format: json (default) or jsonld (*ld). 0 or -1 (pe filled). */
int	 jobs_format(json_t *params, bool *ld, struct perr *pe);
/* A stored posting (doc) as a JobPosting; the employer's name and
 * default contact text may be NULL. */
json_t	*jobs_jsonld(json_t *doc, int64_t posted_at, const char *employer_name,
	    const char *employer_contact, bool context);
/* A job.list page as JSON-LD: {@context, @graph, next_cursor}, its
 * postings open to applications now; employers from the mirror. */
json_t	*jobs_jsonld_page(const struct store_res *res);

/* job_flags.c: a posting's flags, for staff and its own employer. */
/* Whether r's caller sees flags: staff, or an employer (the methods let
 * it name its own postings alone); never a kiosk. */
bool	 jobs_sees_flags(const struct req *r);
/* The flags of posting employer_id/id at version, whose stored document
 * is doc: the mirror's when it holds that version, else evaluated on
 * doc's title and description now. */
uint32_t jobs_flag_bits(const char *employer_id, const char *id,
	    int64_t version, json_t *doc);
/* bits as [{name, reason: {zh, en}}] of the rule set in use. */
json_t	*jobs_flags_json(uint32_t bits);
/* Sets o's "flags" to those of posting employer_id/id at version (o is
 * its stored document). */
void	 jobs_add_flags(json_t *o, const char *employer_id, const char *id,
	    int64_t version);

/* match.c: match and job.candidates, from the mirrors. */
method_fn	m_match, m_job_candidates;

/* seekers.c: registered seekers, through the store and their mirror. */
method_fn	m_seeker_put, m_seeker_get, m_seeker_delete, m_seeker_list;
/* export.c: seeker.export, one row a registered seeker (docs/export.md). */
method_fn	m_seeker_export;

/* rules.c: the rule set. */
method_fn	m_rules_get, m_rules_set, m_rules_validate, m_rules_explain,
		m_rules_history, m_rules_rollback;

/* stats.c: stats. */
method_fn	m_stats;

/* plan.c: the quota and the plan's progress. */
method_fn	m_employer_quota, m_employer_list, m_stats_plan;

/* roster.c: an employer's roster of disabled employees (staff). */
method_fn	m_employer_roster_put, m_employer_roster_get;

/* skills.c: skills.suggest, from the mirror. */
method_fn	m_skills_suggest;

/* fairs.c: job fairs, and a match under one. */
method_fn	m_fair_put, m_fair_get, m_fair_list, m_fair_stats;
struct match_params;
struct mfair;
struct profile;
/*
 * The fair a match of r applies: mp's filters.fair, else the fair r's
 * kiosk token is bound to; its exhibitors go into mp's filters. 0 with
 * *out NULL when none applies, or the fair; -1 after answering r: a fair
 * other than the token's (-32001), or one not registered (-32002).
 */
int	fair_of_match(struct req *r, struct match_params *mp,
	    const struct mfair **out);
/* Counts a kiosk's match under fair mf (nothing for other callers): a
 * search when first_page (its disability type, its hour), and the
 * results shown. */
void	fair_count_match(const struct req *r, const struct mfair *mf,
	    const struct profile *p, bool first_page, size_t shown);

/* employment.c: employment of every form. */
method_fn	m_employment_record, m_employment_list;
/* followups.c: follow-ups after employment, and who is due one; the
 * low-income employment subsidy's window. */
method_fn	m_followup_record, m_followup_list, m_followup_due,
		m_subsidy_window;

/* A document of ours as compact JSON (owned), or NULL; o is released. */
char	*records_dump(json_t *o);

/*
 * records.c: a page of a list of dated records of kind ("employment",
 * "followup", "placement"). records_page_start checks params' members
 * against keys (NULL-terminated) and from?, to?; then the method checks
 * its own filters, adding each one given with records_page_filter (at most
 * RECORDS_FILTERS_MAX); records_page_read checks limit?, cursor? and reads
 * the page. The answer is {rows: [the records whose filtered members equal
 * params', seeker_id null when absent], next_cursor}; a store failure is
 * answered for what (req_error_store). start answers r and gives NULL on
 * failure; r owns the page (r->ctx).
 */
#define RECORDS_FILTERS_MAX	5
struct records_page;
struct records_page *records_page_start(struct req *r, json_t *params,
	    const char *const keys[], const char *kind, const char *what,
	    const char *rows);
/* The record's member key must equal params' (given, not null). */
void	 records_page_filter(struct records_page *rp, const char *key);
void	 records_page_read(struct req *r, struct records_page *rp);

/* kind's (employment, followup) list method: from?, to?, enum_key (of
 * enum_kind), seeker_id?, limit?, cursor?; the rows in the answer's
 * member rows, with next_cursor. */
void	 records_list(struct req *r, json_t *params, const char *kind,
	    const char *enum_key, enum vocab_kind enum_kind,
	    const char *rows);

/*
 * Reads every record of kind dated from..to, in day order, calling each
 * with every document (-1 from it: out of memory, answered so), then
 * done. r->ctx must start with the struct record_scan; a store failure
 * answers r.
 */
struct record_scan {
	const char	*kind;		/* "employment", "followup" */
	int64_t		 from, to;
	char		 cursor[32];
	int		(*each)(json_t *doc, struct record_scan *sc);
	void		(*done)(struct req *r);
};
void	 record_scan(struct req *r, struct record_scan *sc);

/* placements.c: hires. */
method_fn	m_placement_record, m_placement_list;

/* interests.c: a consented contact (personal data, in Redis only). */
method_fn	m_interest_record, m_interest_list, m_interest_update,
		m_interest_delete;

#endif
