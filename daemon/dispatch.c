/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * dispatch.c - see dispatch.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/audit.h"
#include "daemon/auth.h"
#include "daemon/clock.h"
#include "daemon/caller.h"
#include "daemon/conn.h"
#include "daemon/dispatch.h"
#include "daemon/log.h"
#include "daemon/methods/methods.h"
#include "daemon/metrics.h"
#include "daemon/req.h"
#include "daemon/server.h"
#include "daemon/store.h"
#include "proto/codec.h"
#include "proto/params.h"
#include "proto/rpc.h"

#define ROLES_ANY	(ROLE_BIT(ROLE_ANON) | ROLE_BIT(ROLE_KIOSK) | \
			 ROLE_BIT(ROLE_EMPLOYER) | ROLE_BIT(ROLE_STAFF))
#define ROLES_USERS	(ROLE_BIT(ROLE_KIOSK) | ROLE_BIT(ROLE_EMPLOYER) | \
			 ROLE_BIT(ROLE_STAFF))
#define ROLES_READ	ROLES_USERS
#define ROLES_WRITE	(ROLE_BIT(ROLE_EMPLOYER) | ROLE_BIT(ROLE_STAFF))
#define ROLES_MATCH	(ROLE_BIT(ROLE_KIOSK) | ROLE_BIT(ROLE_STAFF))
#define ROLES_STAFF	ROLE_BIT(ROLE_STAFF)
/* staff, and an employer for its own record (the method checks) */
#define ROLES_OWN	(ROLE_BIT(ROLE_EMPLOYER) | ROLE_BIT(ROLE_STAFF))

#define TOKEN_MAX	DISPATCH_TOKEN_MAX

/*
 * How a method answers, for back-pressure (a caller's may_start): from memory,
 * or through the store with an answer of at most so many bytes, reserved
 * while its store request is in flight.
 */
enum answer {
	A_MEMORY,	/* no store request */
	A_SMALL,	/* a write's {id, version, ...}, stats.plan, an error */
	A_RECORD,	/* one stored record (its fields' limits bound it) */
	A_PAGE,		/* a job.list page (job_list_bytes) */
	A_BULK,		/* placement.list's 1000 rows; rules.history's 100
			   rule sets of the shipped one's size (larger ones
			   can go past it); interest.list's 100 */
	A_RECORDS,	/* a page of employment records or follow-ups: up
			   to STORE_PLACEMENTS_MAX, each with a note of up
			   to PLAN_NOTE_MAX characters */
	A_ROSTER	/* an employer's roster: up to roster_max_entries */
};

#define RESERVE_SMALL	(4 * 1024)
#define RESERVE_RECORD	(96 * 1024)
#define RESERVE_BULK	(512 * 1024)
#define RESERVE_ROW	128		/* job.list: a posting's fields */
/* a record of a list: its fields and a note of PLAN_NOTE_MAX characters
 * of up to 4 bytes each */
#define RESERVE_NOTED	(4 * PLAN_NOTE_MAX + 512)
#define RESERVE_ENTRY	384		/* a roster entry, with its seeker id */

/*
 * A method that answers from the daemon's mirror (or, for
 * placement.record, writes what it read there) is refused until the mirror
 * has been loaded from Redis once: before that, an empty answer would be a
 * lie ("no posting fits" while the postings are still being read).
 */
#define M_MIRROR	0x1

struct method {
	const char	*name;
	unsigned	 roles;
	method_fn	*fn;
	enum answer	 answer;
	unsigned	 flags;		/* M_* */
};

static method_fn m_hello, m_ping, m_vocab;

/*
 * The method table. Its order is the order of the methods' metrics
 * buckets (metrics_new) and of the list hello answers: a new method goes
 * at the end.
 */
static const struct method methods[] = {
	{ "hello",		ROLES_ANY,	m_hello, A_MEMORY, 0 },
	{ "ping",		ROLES_ANY,	m_ping, A_MEMORY, 0 },
	{ "vocab",		ROLES_USERS,	m_vocab, A_MEMORY, 0 },
	{ "employer.put",	ROLES_STAFF,	m_employer_put, A_SMALL, 0 },
	{ "employer.get",	ROLES_STAFF,	m_employer_get, A_RECORD, 0 },
	{ "employer.quota",	ROLES_OWN,	m_employer_quota, A_MEMORY,
	    M_MIRROR },
	{ "employer.list",	ROLES_STAFF,	m_employer_list, A_MEMORY,
	    M_MIRROR },
	{ "job.post",		ROLES_WRITE,	m_job_post, A_SMALL, 0 },
	{ "job.get",		ROLES_READ,	m_job_get, A_RECORD, 0 },
	{ "job.close",		ROLES_WRITE,	m_job_close, A_SMALL, 0 },
	{ "job.list",		ROLES_READ,	m_job_list, A_PAGE, 0 },
	{ "match",		ROLES_MATCH,	m_match, A_MEMORY, M_MIRROR },
	{ "rules.get",		ROLES_STAFF,	m_rules_get, A_MEMORY, 0 },
	{ "rules.set",		ROLES_STAFF,	m_rules_set, A_SMALL, 0 },
	{ "rules.validate",	ROLES_STAFF,	m_rules_validate, A_MEMORY, 0 },
	{ "rules.explain",	ROLES_STAFF,	m_rules_explain, A_MEMORY,
	    M_MIRROR },
	{ "rules.history",	ROLES_STAFF,	m_rules_history, A_BULK, 0 },
	{ "rules.rollback",	ROLES_STAFF,	m_rules_rollback, A_SMALL, 0 },
	{ "stats",		ROLES_STAFF,	m_stats, A_MEMORY, 0 },
	{ "seeker.put",		ROLES_STAFF,	m_seeker_put, A_SMALL, 0 },
	{ "seeker.get",		ROLES_STAFF,	m_seeker_get, A_RECORD, 0 },
	{ "seeker.delete",	ROLES_STAFF,	m_seeker_delete, A_SMALL, 0 },
	{ "seeker.list",	ROLES_STAFF,	m_seeker_list, A_MEMORY,
	    M_MIRROR },
	{ "seeker.export",	ROLES_STAFF,	m_seeker_export, A_MEMORY,
	    M_MIRROR },
	{ "placement.record",	ROLES_STAFF,	m_placement_record, A_SMALL,
	    M_MIRROR },
	{ "placement.list",	ROLES_STAFF,	m_placement_list, A_BULK, 0 },
	{ "stats.plan",		ROLES_STAFF,	m_stats_plan, A_SMALL,
	    M_MIRROR },
	{ "job.candidates",	ROLES_STAFF,	m_job_candidates, A_MEMORY,
	    M_MIRROR },
	{ "skills.suggest",	ROLES_MATCH,	m_skills_suggest, A_MEMORY,
	    M_MIRROR },
	{ "interest.record",	ROLES_MATCH,	m_interest_record, A_SMALL, 0 },
	{ "interest.list",	ROLES_WRITE,	m_interest_list, A_BULK, 0 },
	{ "interest.update",	ROLES_STAFF,	m_interest_update, A_SMALL, 0 },
	{ "interest.delete",	ROLES_STAFF,	m_interest_delete, A_SMALL, 0 },
	{ "fair.put",		ROLES_STAFF,	m_fair_put, A_SMALL, 0 },
	{ "fair.get",		ROLES_READ,	m_fair_get, A_MEMORY, M_MIRROR },
	{ "fair.list",		ROLES_READ,	m_fair_list, A_MEMORY, M_MIRROR },
	{ "fair.stats",		ROLES_STAFF,	m_fair_stats, A_BULK,
	    M_MIRROR },
	{ "employment.record",	ROLES_STAFF,	m_employment_record, A_SMALL,
	    0 },
	{ "employment.list",	ROLES_STAFF,	m_employment_list, A_RECORDS, 0 },
	{ "followup.record",	ROLES_STAFF,	m_followup_record, A_SMALL, 0 },
	{ "followup.list",	ROLES_STAFF,	m_followup_list, A_RECORDS, 0 },
	{ "followup.due",	ROLES_STAFF,	m_followup_due, A_BULK,
	    M_MIRROR },
	{ "subsidy.window",	ROLES_STAFF,	m_subsidy_window, A_BULK,
	    M_MIRROR },
	{ "employer.roster.put", ROLES_STAFF,	m_employer_roster_put, A_SMALL,
	    0 },
	{ "employer.roster.get", ROLES_STAFF,	m_employer_roster_get, A_ROSTER,
	    M_MIRROR },
};

_Static_assert(sizeof(methods) / sizeof(*methods) <= METRICS_METHODS,
    "every method needs a bucket in metrics.h");

size_t
dispatch_method_names(const char **names, size_t max)
{
	size_t i;

	for (i = 0; i < max && i < sizeof(methods) / sizeof(*methods); i++)
		names[i] = methods[i].name;
	return i;
}

/* ---- hello, ping, vocab ----------------------------------------------- */

static json_t *
method_names(enum role role)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < sizeof(methods) / sizeof(*methods);
	    i++)
		if (methods[i].roles & ROLE_BIT(role))
			json_array_append_new(a, json_string(methods[i].name));
	return a;
}

/*
 * Failed hellos per address: hello_fail_limit of them within hello_pause_s
 * pause the address for hello_pause_s, during which its hellos are not
 * even checked. The table is bounded: past HELLO_TABLE_MAX addresses the
 * stale ones go, and if that is not enough, all of them.
 */
#define HELLO_TABLE_MAX 10000

struct hello_fail {
	int		 count;
	int64_t		 since;		/* first failure counted, us */
	int64_t		 until;		/* paused until, us; 0: not paused */
};

static void
free_fail(const char *key, void *val, void *arg)
{
	(void)key;
	(void)arg;
	free(val);
}

struct prune {
	const char	*keys[64];
	size_t		 n;
	int64_t		 now;
};

static void
find_stale(const char *key, void *val, void *arg)
{
	struct prune *p = arg;
	struct hello_fail *f = val;
	int64_t window = (int64_t)server.cfg.hello_pause_s * 1000000;

	if (p->n < 64 && f->until < p->now && f->since + window < p->now)
		p->keys[p->n++] = key;
}

static void
prune_fails(int64_t now)
{
	struct prune p;

	do {
		p.n = 0;
		p.now = now;
		strmap_each(&server.hello_fails, find_stale, &p);
		for (size_t i = 0; i < p.n; i++) {
			char key[64];
			snprintf(key, sizeof(key), "%s", p.keys[i]);
			free(strmap_del(&server.hello_fails, key));
		}
	} while (p.n == 64);
	if (server.hello_fails.n >= HELLO_TABLE_MAX)
		dispatch_free();
}

void
dispatch_free(void)
{
	strmap_each(&server.hello_fails, free_fail, NULL);
	strmap_free(&server.hello_fails);
}

static bool
hello_paused(const char *addr)
{
	struct hello_fail *f = strmap_get(&server.hello_fails, addr);

	return f != NULL && f->until > mono_us();
}

static void
hello_count(const char *addr, bool failed)
{
	struct hello_fail *f = strmap_get(&server.hello_fails, addr);
	int64_t now = mono_us(), window =
	    (int64_t)server.cfg.hello_pause_s * 1000000;

	if (!failed) {
		if (f != NULL)
			free(strmap_del(&server.hello_fails, addr));
		return;
	}
	if (f == NULL) {
		if (server.hello_fails.n >= HELLO_TABLE_MAX)
			prune_fails(now);
		if ((f = calloc(1, sizeof(*f))) == NULL ||
		    strmap_put(&server.hello_fails, addr, f) == -1) {
			free(f);
			return;
		}
	}
	if (f->count == 0 || f->since + window < now) {
		f->count = 0;
		f->since = now;
	}
	if (++f->count >= server.cfg.hello_fail_limit) {
		f->until = now + window;
		f->count = 0;
		log_warnx("hello: %d failures from %s: paused for %d s",
		    server.cfg.hello_fail_limit, addr, server.cfg.hello_pause_s);
	}
}

int
dispatch_authenticate(struct caller *c, const char *token, size_t len)
{
	const struct token *t;
	bool changed;

	if (hello_paused(c->addr))
		return -2;
	t = auth_find(&server.cfg, token, len);
	hello_count(c->addr, t == NULL);
	if (t == NULL)
		return -1;
	changed = t->role != c->role;
	c->role = t->role;
	memcpy(c->employer_id, t->employer_id, sizeof(c->employer_id));
	memcpy(c->fair_id, t->fair_id, sizeof(c->fair_id));
	memcpy(c->token_digest, t->digest, sizeof(c->token_digest));
	c->ops->authed(c, changed);
	return 0;
}

static void
m_hello(struct req *r, json_t *params)
{
	static const char *const keys[] = { "token", NULL };
	struct caller *c = req_owner(r);
	json_t *tok, *res;
	struct perr pe;
	int rc;

	if (pv_object(params, "", keys, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	tok = json_object_get(params, "token");
	if (tok != NULL && !json_is_string(tok)) {
		pv_fail(&pe, "", "token", "must be a string");
		req_error_params(r, &pe);
		return;
	}
	if (tok != NULL && json_string_length(tok) > TOKEN_MAX) {
		pv_fail(&pe, "", "token", "longer than %d bytes", TOKEN_MAX);
		req_error_params(r, &pe);
		return;
	}
	if (c == NULL) {
		req_reply(r, NULL);
		return;
	}
	rc = tok == NULL ? 0 : dispatch_authenticate(c,
	    json_string_value(tok), json_string_length(tok));
	if (rc == -2) {
		req_error(r, RPC_BUSY, "too many failed hellos from this "
		    "address: retry later", json_pack("{s:i}", "retry_after_s",
		    server.cfg.hello_pause_s));
		return;
	}
	if (rc == -1) {
		c->hello_failures++;
		log_info("conn %llu: hello with an unknown token from %s (%d)",
		    (unsigned long long)c->id, c->peer, c->hello_failures);
		if (c->hello_failures >= server.cfg.max_hello_failures)
			c->ops->end(c);		/* after this answer */
		req_error(r, RPC_UNAUTHORIZED, "invalid token", NULL);
		return;
	}
	if (tok != NULL)
		log_info("conn %llu: %s is %s%s%s%s%s",
		    (unsigned long long)c->id, c->peer, role_name(c->role),
		    c->role == ROLE_EMPLOYER ? " " : "",
		    c->role == ROLE_EMPLOYER ? c->employer_id : "",
		    c->fair_id[0] != '\0' ? " at fair " : "", c->fair_id);
	res = json_pack("{s:s, s:s, s:i, s:s, s:o}", "server", "jobmatchd",
	    "version", JM_VERSION, "protocol", 1, "role", role_name(c->role),
	    "methods", method_names(c->role));
	if (res != NULL && c->role == ROLE_EMPLOYER)
		json_object_set_new(res, "employer_id",
		    json_string(c->employer_id));
	if (res != NULL && c->fair_id[0] != '\0')
		json_object_set_new(res, "fair", json_string(c->fair_id));
	req_result(r, res);
}

static void
m_ping(struct req *r, json_t *params)
{
	static const char *const keys[] = { NULL };
	struct perr pe;

	if (pv_object(params, "", keys, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	req_result(r, json_pack("{s:b, s:I}", "pong", 1, "time",
	    (json_int_t)time(NULL)));
}

static void
m_vocab(struct req *r, json_t *params)
{
	static const char *const keys[] = { NULL };
	struct perr pe;
	json_t *v;

	if (pv_object(params, "", keys, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	v = codec_vocab(&server.towns);
	/* How long an interest is kept: a kiosk tells the person before
	 * they consent to leave one (the configuration in use). */
	if (v != NULL)
		json_object_set_new(v, "interest_retention_days",
		    json_integer(server.cfg.interest_retention_days));
	req_result(r, v);
}

/* ---- dispatch --------------------------------------------------------- */

static const struct method *
find_method(const char *name)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(*methods); i++)
		if (strcmp(methods[i].name, name) == 0)
			return &methods[i];
	return NULL;
}

/* Requests a second that c's role may make: staff and employers (HR
 * systems loading postings) their own rates, kiosks and anonymous
 * connections max_request_rate. */
size_t
dispatch_rate_of(enum role role)
{
	switch (role) {
	case ROLE_STAFF:
		return server.cfg.staff_max_request_rate;
	case ROLE_EMPLOYER:
		return server.cfg.employer_max_request_rate;
	default:
		return server.cfg.max_request_rate;
	}
}

/*
 * A token bucket per caller (its connection's; an HTTP client's, see
 * gateway.h), refilled at its role's rate a second up to as many. A line of n requests (a batch's items and notifications
 * count) takes n tokens, or a full bucket when n is more than it holds;
 * when the bucket holds less, the line takes nothing and is refused whole.
 * Returns 0 when the line may go, else the milliseconds until the bucket
 * holds what it needs (at least 1): so a client that waits that long
 * before sending the line again is let through, and a batch is never
 * half done.
 */
int64_t
dispatch_rate_take(struct caller *c, size_t n)
{
	struct rate_bucket *b = c->bucket;
	double rate = (double)dispatch_rate_of(c->role);
	double need = (double)n < rate ? (double)n : rate;
	int64_t now = mono_us();

	if (b->at == 0)
		b->tokens = rate;
	else {
		b->tokens += (double)(now - b->at) * rate / 1e6;
		if (b->tokens > rate)
			b->tokens = rate;
	}
	b->at = now;
	if (b->tokens >= need) {
		b->tokens -= need;
		return 0;
	}
	return (int64_t)((need - b->tokens) * 1000.0 / rate) + 1;
}

/* Answers a request the rate limit refused (dispatch_rate_take). */
static void
reply_busy(struct req *r, const struct caller *c, int64_t retry_ms)
{
	req_error(r, RPC_BUSY, "request rate limit: retry later",
	    json_pack("{s:I, s:I}", "max_request_rate",
	    (json_int_t)dispatch_rate_of(c->role), "retry_after_ms",
	    (json_int_t)retry_ms));
}

/* Answers a request of a method that reads the mirror (M_MIRROR) while
 * the mirror has never been loaded. */
static void
reply_loading(struct req *r)
{
	req_error(r, RPC_STORE_UNAVAILABLE, server.store != NULL &&
	    store_connected(server.store) ?
	    "not ready: loading the mirror from Redis; retry later" :
	    "not ready: Redis not reached yet, nothing loaded; retry later",
	    json_pack("{s:s, s:b}", "reason", "loading", "applied", 0));
}

/* The bytes reserved for m's answer while its store request is in
 * flight; 0 when m answers from memory. */
static size_t
reserve_of(const struct method *m)
{
	size_t page;

	switch (m->answer) {
	case A_SMALL:
		return RESERVE_SMALL;
	case A_RECORD:
		return RESERVE_RECORD;
	case A_PAGE:
		/* the first posting of a page comes whatever its size */
		page = server.cfg.job_list_bytes > RESERVE_RECORD ?
		    server.cfg.job_list_bytes : RESERVE_RECORD;
		return page + JOB_LIST_LIMIT_MAX * RESERVE_ROW + RESERVE_SMALL;
	case A_BULK:
		return RESERVE_BULK;
	case A_RECORDS:
		return STORE_PLACEMENTS_MAX * RESERVE_NOTED + RESERVE_SMALL;
	case A_ROSTER:
		return (size_t)server.cfg.roster_max_entries * RESERVE_ENTRY +
		    RESERVE_SMALL;
	default:
		return 0;
	}
}

/* What starting the request object item would reserve (see reserve_of);
 * 0 for anything that names no method. */
static size_t
item_reserve(json_t *item)
{
	json_t *name = json_is_object(item) ? json_object_get(item, "method") :
	    NULL;
	const struct method *m = json_is_string(name) ?
	    find_method(json_string_value(name)) : NULL;

	return m != NULL ? reserve_of(m) : 0;
}

/* Serves one request object into slot s at index i; busy_ms > 0: its
 * line was refused by the rate limit (dispatch_rate_take), answer that. */
static void
dispatch_one(struct caller *c, struct slot *s, size_t i, json_t *reqobj,
    int64_t busy_ms)
{
	static json_t *empty;
	const struct method *m;
	struct rpc_req rr;
	struct req *r;
	size_t reserve;

	rpc_check(reqobj, &rr);
	if (rr.error != 0) {
		metrics_invalid(rr.error);
		slot_put(s, i, rpc_error(rr.id, rr.error, rr.message, NULL));
		return;
	}
	if ((r = req_new(s, i, rr.id, c->role, c->employer_id)) == NULL) {
		metrics_invalid(RPC_INTERNAL_ERROR);
		slot_put(s, i, rpc_error(rr.id, RPC_INTERNAL_ERROR,
		    "out of memory", NULL));
		return;
	}
	memcpy(r->fair_id, c->fair_id, sizeof(r->fair_id));
	/* Counted under its method from here on, refused or not. */
	if ((m = find_method(rr.method)) != NULL)
		r->metric = (int)(m - methods);
	if (busy_ms > 0) {
		reply_busy(r, c, busy_ms);
		return;
	}
	if (m == NULL) {
		req_error(r, RPC_METHOD_NOT_FOUND, "method not found",
		    NULL);
		return;
	}
	r->method = m->name;
	if (!(m->roles & ROLE_BIT(r->role))) {
		req_unauthorized(r, r->role == ROLE_ANON ?
		    "call hello with a token first" :
		    "this role may not call this method");
		return;
	}
	if (rr.params != NULL && !json_is_object(rr.params)) {
		req_reply(r, rpc_error_field(r->id, "params",
		    "must be an object"));
		return;
	}
	if ((m->flags & M_MIRROR) && !server.mirror_loaded) {
		reply_loading(r);
		return;
	}
	if (rr.params == NULL) {
		if (empty == NULL)
			empty = json_object();
		rr.params = empty;
	}
	if ((reserve = reserve_of(m)) > 0)
		req_reserve(r, reserve);
	log_debug("conn %llu: %s", (unsigned long long)c->id, m->name);
	r->audit = audit_begin(c->id, r->role, r->employer_id, m->name,
	    rr.params);
	m->fn(r, rr.params);
}

/*
 * Starts the requests of a line (root: a batch, or the one request), from
 * item next on, into slot s, in order, while c may start them
 * (its may_start); the rest wait, parked in c's queue (wait_root), for
 * dispatch_resume, which c's wake calls from the loop. Takes root.
 */
static void
dispatch_from(struct caller *c, struct slot *s, json_t *root, size_t next)
{
	bool batch = json_is_array(root);
	size_t n = batch ? json_array_size(root) : 1;

	for (; next < n; next++) {
		json_t *item = batch ? json_array_get(root, next) : root;

		if (c->closed) {
			slot_abandon(s, next);
			json_decref(root);
			return;
		}
		if (!c->ops->may_start(c, item_reserve(item))) {
			c->q.wait_root = root;
			c->q.wait_slot = s;
			c->q.wait_next = next;
			return;
		}
		dispatch_one(c, s, next, item, 0);
	}
	json_decref(root);
	slot_seal(s);
}

void
dispatch_resume(struct caller *c)
{
	json_t *root = c->q.wait_root;

	if (root == NULL)
		return;
	c->q.wait_root = NULL;
	dispatch_from(c, c->q.wait_slot, root, c->q.wait_next);
}

void
dispatch_line(struct caller *c, const char *line, size_t len)
{
	char err[256];
	struct slot *s;
	json_t *root;
	int64_t busy;
	size_t n;

	if (rpc_parse(line, len, &root, err, sizeof(err)) != 0) {
		if ((s = slot_new(&c->q, 1, false)) == NULL) {
			c->ops->fail(c, "out of memory");
			return;
		}
		metrics_invalid(RPC_PARSE_ERROR);
		slot_put(s, 0, rpc_error(NULL, RPC_PARSE_ERROR, err, NULL));
		slot_seal(s);
		return;
	}
	n = json_is_array(root) ? json_array_size(root) : 1;
	if (n == 0 || n > server.cfg.max_batch) {
		snprintf(err, sizeof(err), n == 0 ? "empty batch" :
		    "batch larger than %zu requests", server.cfg.max_batch);
		if ((s = slot_new(&c->q, 1, false)) == NULL) {
			json_decref(root);
			c->ops->fail(c, "out of memory");
			return;
		}
		metrics_invalid(RPC_INVALID_REQUEST);
		slot_put(s, 0, rpc_error(NULL, RPC_INVALID_REQUEST, err, NULL));
		json_decref(root);
		slot_seal(s);
		return;
	}
	if ((s = slot_new(&c->q, n, json_is_array(root))) == NULL) {
		json_decref(root);
		c->ops->fail(c, "out of memory");
		return;
	}
	if ((busy = dispatch_rate_take(c, n)) > 0) {
		/* Every request of the line answered at once, in order: the
		 * answers are small and nothing waits for Redis. */
		for (size_t i = 0; i < n; i++)
			dispatch_one(c, s, i, json_is_array(root) ?
			    json_array_get(root, i) : root, busy);
		json_decref(root);
		slot_seal(s);
		return;
	}
	dispatch_from(c, s, root, 0);
}

const struct conn_lines dispatch_lines = { dispatch_line, dispatch_resume };
