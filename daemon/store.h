/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * store.h - Redis, the system of record, spoken to asynchronously (hiredis on
 * the daemon's libevent loop). The only module that knows hiredis; the
 * store_*.c files implement it (store_types.h says which does what).
 *
 * Every call answers through its callback exactly once, and never from
 * inside the call itself: with STORE_DOWN when the command could not be
 * sent (Redis not connected, the link being torn down, no memory), from
 * the event loop at its next turn, in the order such answers became owed;
 * or with the outcome; or with STORE_UNKNOWN when Redis did not confirm
 * within redis_timeout_ms or the link dropped after the command was sent.
 * A callback may therefore issue the next command of a queue or a loop
 * without the stack growing with the queue. When the reply to a write
 * answered STORE_UNKNOWN comes after all, the mirror is loaded again
 * (through the hooks), since it may no longer be what Redis holds.
 * Writes are single Lua scripts: the record, its index entries and its
 * change-stream entry are applied together or not at all.
 *
 * Keys (prefix p, default "jm:"):
 *   p job:EMP:ID       hash: doc, version, posted_at, updated_at, status,
 *                      town, dis (space-separated types), reason
 *   p jobs:geo         GEO set of open postings, member "EMP:ID"
 *   p jobs:dis:TYPE    set of open postings open to TYPE ("any" too)
 *   p jobs:open        set of open postings
 *   p jobs:emp:EMP     sorted set (score 0) of the employer's posting ids
 *   p jobs:all         sorted set (score 0) of every "EMP:ID"
 *   p employer:ID      hash: doc, version, created_at, updated_at
 *   p employers        sorted set (score 0) of employer ids
 *   p seeker:ID        hash: doc, version, created_at, updated_at (personal
 *                      data: never in the change stream, never logged)
 *   p seekers          sorted set (score 0) of seeker ids
 *   p fair:ID          hash: doc, version, created_at, updated_at
 *   p fairs            sorted set (score 0) of fair ids
 *   p roster:EMP       hash: doc ({employer_id, entries}), version,
 *                      created_at, updated_at: the employer's roster of
 *                      disabled employees (personal data: the change
 *                      stream names the employer only, never logged)
 *   p rosters          sorted set (score 0) of employers with a roster
 *   p fair:ID:stats    hash of counters (fair.stats; HINCRBY, not in the
 *                      change stream): aggregates, never a profile
 *   p rules            hash: doc, version, updated_at (the active rule set)
 *   p rules:history    hash: version -> doc, the last rules_history ones
 *   p rules:history:at hash: version -> unix time it was stored
 *   p changes          stream, one entry per write, MAXLEN ~ stream_maxlen
 *   p interest:ID      hash: doc, status, note, title, created_at,
 *                      updated_at, emp, job, fair, share, followed, hired
 *                      (personal data: never in the change stream)
 *   p interests        sorted set of interest ids by time (the score:
 *                      store_limits.h); p interests:job:EMP:ID,
 *                      p interests:emp:EMP, p interests:fair:FAIR the same
 *                      by posting, by employer, by fair
 *   p interests:next   string: the last interest id handed out
 *   p placement:ID     hash: doc, recorded_at (a hire); p placements the
 *                      sorted set of their ids (score day * 2^31 + id),
 *                      p placements:seeker:SID hash: hire -> id,
 *                      p placements:next the last id
 *   p employment:ID    hash: doc, recorded_at (employment of any form);
 *                      p employments, p employments:seeker:SID (key ->
 *                      id), p employments:next as for placements
 *   p followup:ID      hash: doc, recorded_at (a follow-up visit);
 *                      p followups, p followups:seeker:SID,
 *                      p followups:next the same (both personal data: the
 *                      change stream has their ids only)
 *   p persons:deleted:next string: the last anonymous person number given
 *                      a deleted seeker's employment records
 *
 * The change stream is how daemons sharing one Redis see each other's
 * writes. Each daemon reads it on a second connection of its own (a short
 * script that reads the stream's counters and the next entries together,
 * then a blocking XREAD that waits for more) and hands every entry to the
 * change hook, in order. Loading the mirror starts by reading the stream's
 * position, so the entries that follow are exactly the writes the load may
 * have missed; load_begin is called when that position arrives, so every
 * reply that reaches the new mirror (the load's reads, this daemon's
 * writes, the reads of changed records) is of a command Redis ran after
 * it, in the order Redis ran them. When the entries after the daemon's
 * position are gone
 * (trimmed while it was stalled or cut off, or the stream itself is gone or
 * started again), it loads the mirror again instead.
 */
#ifndef JM_STORE_H
#define JM_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "daemon/config.h"
#include "daemon/store_limits.h"

enum store_status {
	STORE_OK,
	STORE_DOWN,		/* not connected: nothing was sent */
	STORE_UNKNOWN,		/* sent, not confirmed (timeout, link lost) */
	STORE_FAILED,		/* Redis refused it: nothing was applied */
	STORE_NOT_FOUND,	/* the record does not exist */
	STORE_CONFLICT,		/* expected_version differs */
	STORE_NO_EMPLOYER,	/* job for an unregistered employer (a
				   fair's exhibitor: res.version is its
				   place in the list given) */
	STORE_FULL,		/* a configured bound is reached */
};

/* One counter of a hash of counters (a fair's statistics). */
struct store_count {
	const char	*name;
	int64_t		 value;
};

/* One record read from Redis. Strings are valid during the callback. */
struct store_rec {
	const char	*doc;
	size_t		 doclen;
	int64_t		 version, posted_at, updated_at;
	bool		 closed;
};

struct store_res {
	enum store_status	 status;
	const char		*error;		/* Redis's words, STORE_FAILED */
	int64_t			 version;	/* written, or current */
	bool			 created;
	struct store_rec	*recs;		/* reads */
	size_t			 nrecs;
	const char		*next_cursor;	/* job list; NULL at the end */
	const char		*id;		/* a placement's; or NULL */
	const struct store_interest *interests;	/* an interest list */
	size_t			 ninterests;
	const struct store_count *counts;	/* a hash of counters */
	size_t			 ncounts;
};

/* One interest read from Redis. Strings valid during the callback. */
struct store_interest {
	const char	*id;
	const char	*doc;		/* interest_doc's */
	size_t		 doclen;
	const char	*status;
	const char	*note;		/* "" when none */
	size_t		 notelen;
	const char	*title;		/* the posting's when recorded */
	size_t		 titlelen;
	int64_t		 created_at, updated_at;
};

/* res and everything it points to are valid during the call only. */
typedef void store_cb(const struct store_res *res, void *arg);

/* One entry of the change stream. Strings valid during the call only. */
enum store_change_op {
	CHANGE_OTHER,		/* an operation this version does not know */
	CHANGE_JOB_POST,
	CHANGE_JOB_CLOSE,
	CHANGE_EMPLOYER,
	CHANGE_SEEKER_PUT,
	CHANGE_SEEKER_DELETE,
	CHANGE_RULES,
	CHANGE_FAIR,
	CHANGE_ROSTER,		/* employer.roster.put: employer_id = id */
};

struct store_change {
	enum store_change_op	 op;
	const char		*employer_id;	/* "" when none */
	const char		*id;		/* "" when none */
	int64_t			 version;	/* 0 when none */
};

struct store_hooks {
	/* A load starts: what follows until load_end is a fresh copy. */
	void	(*load_begin)(void *arg);
	void	(*load_employer)(const struct store_rec *rec, void *arg);
	/* After the employers, before the postings. */
	void	(*load_seeker)(const struct store_rec *rec, void *arg);
	/* After the seekers, before the postings. */
	void	(*load_fair)(const struct store_rec *rec, void *arg);
	/* After the fairs, before the postings. */
	void	(*load_roster)(const struct store_rec *rec, void *arg);
	void	(*load_job)(const struct store_rec *rec, void *arg);
	/* complete is false when the link dropped before the end. */
	void	(*load_end)(bool complete, void *arg);
	void	(*down)(void *arg);		/* once, when a link drops */
	/* An entry of the change stream, in stream order. */
	void	(*change)(const struct store_change *ch, void *arg);
	void	*arg;
};

struct job_write {
	const char	*employer_id, *id;
	const char	*doc;			/* the posting's JSON */
	const char	*dis;			/* "visual hearing" or "any" */
	const char	*town;			/* effective town code, or "" */
	double		 lat, lon;
	int64_t		 expected_version;	/* -1: none */
};

struct job_list_query {
	const char	*employer_id;		/* NULL: all employers */
	const char	*town;			/* NULL: any */
	const char	*status;		/* "open", "closed" or NULL */
	const char	*cursor;		/* NULL: from the start */
	size_t		 limit;
};

struct store;

struct store	*store_new(struct event_base *base, const struct config *cfg,
		    const struct store_hooks *hooks);
/* Connects (and keeps reconnecting with backoff until store_free). */
void		 store_start(struct store *st);
/* Answers every command still owed first (STORE_UNKNOWN for those sent,
 * STORE_DOWN for the others and for what their callbacks issue). */
void		 store_free(struct store *st);
bool		 store_connected(const struct store *st);
bool		 store_loaded(const struct store *st);
/* Loads the mirror again (now, after the load under way, or when the link
 * is back), logging why. */
void		 store_reload(struct store *st, const char *why);
/* Stopping: stops following the change stream and loading the mirror
 * again; commands still work. */
void		 store_quiesce(struct store *st);
/* Commands whose callback has not been called yet (sent, or owed
 * STORE_DOWN from the loop), and look-ups of Redis's host name still
 * under way (store_quiesce cancels them: they end at the loop's next
 * turn). */
size_t		 store_pending(const struct store *st);
/* SIGHUP: the credentials may have changed. A link waiting to reconnect
 * tries again now, from the shortest backoff; links up stay up. */
void		 store_retry(struct store *st);

/* Why the last link to Redis failed, for /healthz and stats. */
enum store_trouble {
	STORE_TROUBLE_NONE,		/* it is up, or none ended yet */
	STORE_TROUBLE_UNREACHABLE,	/* refused, lost, or silent */
	STORE_TROUBLE_UNRESOLVED,	/* its host name was not found */
	STORE_TROUBLE_AUTH,		/* Redis refused authentication */
	STORE_TROUBLE_SENTINEL,		/* no sentinel named the primary */
	STORE_TROUBLE_NOT_PRIMARY,	/* the one they named is not one */
};

struct store_info {
	bool		 connected, loaded;
	bool		 following;	/* the change stream's link is up */
	bool		 emptied;	/* found empty where there was data */
	const char	*run_id;	/* of the Redis server; "" unknown */
	const char	*stream_id;	/* last change applied; "0-0" */
	uint64_t	 stream_lag;	/* entries behind, at the last read */
	uint64_t	 changes;	/* entries read since start */
	uint64_t	 loads;		/* complete loads of the mirror */
	int64_t		 loaded_at;	/* unix time of the last one, or 0 */
	size_t		 pending;	/* see store_pending */
	enum store_trouble trouble;
	const char	*trouble_text;	/* why, "" for none; never holds
					   the password */
	bool		 sentinels;	/* configured */
	bool		 sentinel_subscribed;	/* +switch-master followed */
	uint64_t	 sentinel_moves;	/* the links moved by them */
};
void		 store_info(const struct store *st, struct store_info *out);

/* The active rule set: recs[0] = {doc, version, updated_at}, or
 * STORE_NOT_FOUND when none was ever stored. */
void	store_rules_get(struct store *st, store_cb *cb, void *arg);
/* Stores doc as the next version when expected_version (-1: any) is the
 * current one: res.version; STORE_CONFLICT with the current one. */
void	store_rules_set(struct store *st, const char *doc,
	    int64_t expected_version, store_cb *cb, void *arg);
/* Stored versions newest first: recs[i] = {doc, version, updated_at}, of
 * the limit newest (at most STORE_HISTORY_MAX: the script reads no more),
 * or of version only alone when only > 0 (one read, whatever its size). */
void	store_rules_history(struct store *st, size_t limit, int64_t only,
	    store_cb *cb, void *arg);

void	store_put_employer(struct store *st, const char *id, const char *doc,
	    store_cb *cb, void *arg);
void	store_get_employer(struct store *st, const char *id, store_cb *cb,
	    void *arg);
void	store_put_job(struct store *st, const struct job_write *w,
	    store_cb *cb, void *arg);
/* job.post's dry run: the checks store_put_job makes (employer
 * registered: else STORE_NO_EMPLOYER; expected_version, -1 for none: else
 * STORE_CONFLICT), writing nothing; res.version is the posting's version
 * now (0: none), res.created whether a write would create it. */
void	store_check_job(struct store *st, const char *employer_id,
	    const char *id, int64_t expected_version, store_cb *cb, void *arg);
void	store_close_job(struct store *st, const char *employer_id,
	    const char *id, const char *reason, store_cb *cb, void *arg);
void	store_get_job(struct store *st, const char *employer_id,
	    const char *id, store_cb *cb, void *arg);
void	store_list_jobs(struct store *st, const struct job_list_query *q,
	    store_cb *cb, void *arg);

/*
 * Registered seekers. put is an upsert (res.version, res.created); get
 * answers recs[0] = {doc, version, posted_at = created_at, updated_at};
 * delete removes the record and its index entry (STORE_NOT_FOUND when there
 * is none). The change stream records only the operation and the id.
 */
void	store_put_seeker(struct store *st, const char *id, const char *doc,
	    store_cb *cb, void *arg);
void	store_get_seeker(struct store *st, const char *id, store_cb *cb,
	    void *arg);
void	store_delete_seeker(struct store *st, const char *id, store_cb *cb,
	    void *arg);

/*
 * Employment records and follow-ups (script_record): kind "employment" or
 * "followup", of seeker_id, key the same record recorded again (its
 * links' key), employer_id and job_id ("" none: employments only), doc
 * the record's JSON object without its id, on day. STORE_OK with res.id
 * and res.created (false: the key was recorded before, nothing written);
 * STORE_NOT_FOUND with res.version 2 (no seeker) or 1 (no posting);
 * STORE_NO_EMPLOYER. list answers the records of kind ("placement",
 * "employment", "followup") within [from, to] by day, at most limit (and
 * STORE_PLACEMENTS_MAX), res.recs and res.next_cursor (the last score
 * given) when there may be more.
 */
struct record_write {
	const char	*kind;			/* "employment", "followup" */
	const char	*seeker_id, *key;
	const char	*employer_id, *job_id;	/* "" none */
	const char	*doc;
	int64_t		 day;
};

void	store_record(struct store *st, const struct record_write *w,
	    store_cb *cb, void *arg);
void	store_list_records(struct store *st, const char *kind, int64_t from,
	    int64_t to, const char *cursor, size_t limit, store_cb *cb,
	    void *arg);

/*
 * Placements (hires). record writes the placement, the posting (its new
 * document, or closed as filled when job_doc is NULL) and the seeker (its
 * new document) in one script, the posting against the version and the
 * seeker against the document they were read at: STORE_OK with res.id the
 * placement's id, res.version the posting's new version and res.created,
 * or res.created false when the hire (seeker, date, employer, posting) was
 * already recorded (nothing changed); STORE_NOT_FOUND with res.version 1
 * (no posting) or 2 (no seeker); STORE_CONFLICT when the posting is closed
 * or either moved on.
 * list answers the placements whose day is within [from, to], in day
 * order, after cursor (NULL: from the start), at most limit: recs[] =
 * {doc, 0, recorded_at, recorded_at}, next_cursor NULL at the end.
 */
struct placement_write {
	const char	*hire;			/* "date:employer:job" */
	const char	*seeker_id, *employer_id, *job_id;
	int64_t		 job_version;
	const char	*job_doc;		/* NULL: close the posting */
	const char	*seeker_doc_read;	/* as stored */
	const char	*seeker_doc;		/* as it will be */
	const char	*doc;			/* the placement's JSON object,
						   without its id */
	const char	*employment_key;	/* of its employment record */
	const char	*employment_doc;	/* the same, without its id */
	int64_t		 day;
};

/* Placement ids run from 1 to STORE_PLACEMENT_ID_MAX, so that a score,
 * day * 2^31 + id, is below 2^53 and exact in a script (days run to
 * 9999-12-31, below 2^22): record fails (STORE_FAILED, nothing written)
 * when they are used up. They are listed by store_list_records
 * ("placement"). */
void	store_record_placement(struct store *st,
	    const struct placement_write *w, store_cb *cb, void *arg);


/*
 * Interests (a person's consented request to be contacted about a
 * posting): personal data, in Redis only, never in the change stream.
 * record checks that the posting is open and not expired and that the
 * fair (when given) exists, and that fewer than max interests are stored:
 * STORE_OK with res.id and res.version its created_at; STORE_NOT_FOUND
 * with res.version 1 (posting) or 2 (fair); STORE_FULL with res.version
 * max. With a fair, its counter of interests (p fair:ID:stats) goes up.
 */
struct interest_write {
	const char	*employer_id, *job_id;
	const char	*fair;			/* "" for none */
	const char	*doc;			/* interest_doc's, as text */
	bool		 share;			/* with the employer */
	int64_t		 now;
	const char	*today;			/* local date: past apply_by */
	size_t		 max;			/* interest_max_records */
};
void	store_record_interest(struct store *st,
	    const struct interest_write *w, store_cb *cb, void *arg);

/*
 * A page of interests: of the index p index (interests,
 * interests:job:EMP:ID, interests:emp:EMP or interests:fair:FAIR), scores
 * from lo to hi (store_limits.h), after the score cursor (NULL: from lo),
 * those of fair and status ("" any) and, when shared, shared with the
 * employer; at most limit of them, and at most STORE_INTERESTS_SCAN
 * examined: res.interests, and res.next_cursor (the last score examined)
 * when there may be more.
 */
struct interest_query {
	const char	*index;
	int64_t		 lo, hi;
	const char	*cursor;
	const char	*fair, *status;
	bool		 shared;
	size_t		 limit;
};
void	store_list_interests(struct store *st, const struct interest_query *q,
	    store_cb *cb, void *arg);

/*
 * The follow-up of interest id: its status (and note, unless NULL), at
 * now; one created before cutoff (past retention) is not found. The first
 * move from "new" counts one followed_up, the first to "hired" one hired,
 * in its fair's counters. STORE_OK with res.version the time, or
 * STORE_NOT_FOUND.
 */
void	store_update_interest(struct store *st, const char *id,
	    const char *status, const char *note, int64_t now, int64_t cutoff,
	    store_cb *cb, void *arg);
/* Erases interest id, its hash and index entries: STORE_OK or
 * STORE_NOT_FOUND. */
void	store_delete_interest(struct store *st, const char *id, store_cb *cb,
	    void *arg);
/* Erases at most STORE_INTEREST_SWEEP of the interests created before
 * cutoff (unix time), oldest first: STORE_OK with res.version how many. */
void	store_sweep_interests(struct store *st, int64_t cutoff, store_cb *cb,
	    void *arg);

/*
 * Job fairs. put writes doc as fair id's next version when
 * expected_version (-1: any) is the current one (STORE_CONFLICT with the
 * current one), every employer of emps (space-separated ids) being
 * registered (STORE_NO_EMPLOYER, res.version the place in emps of the
 * first that is not); get answers recs[0] = {doc, version, posted_at =
 * created_at, updated_at}.
 */
void	store_put_fair(struct store *st, const char *id, const char *doc,
	    const char *emps, int64_t expected_version, store_cb *cb,
	    void *arg);
void	store_get_fair(struct store *st, const char *id, store_cb *cb,
	    void *arg);
/*
 * Employers' rosters. put writes doc as employer id's roster's next
 * version when expected_version (-1: any) is the current one (0: none
 * yet; STORE_CONFLICT with the current one), the employer being
 * registered (STORE_NO_EMPLOYER); get answers recs[0] = {doc, version,
 * posted_at = created_at, updated_at}, STORE_NOT_FOUND without a roster.
 */
void	store_put_roster(struct store *st, const char *id, const char *doc,
	    int64_t expected_version, store_cb *cb, void *arg);
void	store_get_roster(struct store *st, const char *id, store_cb *cb,
	    void *arg);
/*
 * Adds by[i] to counter names[i] of fair id's hash of counters, for i
 * below n: HINCRBYs sent without waiting for, or telling anyone of, their
 * outcome. While Redis is down or refuses them the counts are lost (a
 * refusal is logged), and never hold up the caller.
 */
void	store_fair_count(struct store *st, const char *id,
	    const char *const *names, const int64_t *by, size_t n);
/* Fair id's counters: res.counts (none when it has none). */
void	store_fair_stats(struct store *st, const char *id, store_cb *cb,
	    void *arg);

#endif
