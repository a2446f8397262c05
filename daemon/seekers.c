/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * seekers.c - see seekers.h.
 *
 * The mirror is a map from id to a decoded seeker, each map owning its own
 * copies, so that the current mirror and one being loaded never share a
 * record. job.candidates asks the matcher to explain the one posting for
 * every seeker in turn: the same hard filters, rules and scoring as a match
 * of that seeker, so a seeker is a candidate for a posting exactly when the
 * posting is among the seeker's matches, with the same score.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/log.h"
#include "daemon/req.h"
#include "daemon/seekers.h"
#include "daemon/server.h"
#include "matcher/strmap.h"
#include "proto/codec.h"
#include "proto/params.h"
#include "proto/rpc.h"

#define CANDIDATES_LIMIT_MAX	100
#define CANDIDATES_LIMIT_DEF	10

struct seekers {
	struct strmap	 byid;		/* id -> struct seeker, owned */
};

/* ---- the mirror ------------------------------------------------------- */

static struct seekers *
seekers_new(void)
{
	struct seekers *ss = malloc(sizeof(*ss));

	if (ss != NULL)
		strmap_init(&ss->byid);
	return ss;
}

static void
seeker_free(struct seeker *s)
{
	if (s == NULL)
		return;
	seeker_clear(s);
	free(s);
}

static void
free_entry(const char *key, void *val, void *arg)
{
	(void)key;
	(void)arg;
	seeker_free(val);
}

void
seekers_free(struct seekers *ss)
{
	if (ss == NULL)
		return;
	strmap_each(&ss->byid, free_entry, NULL);
	strmap_free(&ss->byid);
	free(ss);
}

/* A deep copy of s (the caller owns it), or NULL when out of memory. */
static struct seeker *
seeker_dup(const struct seeker *s)
{
	struct seeker *d = malloc(sizeof(*d));
	size_t n = s->profile.nskills;

	if (d == NULL)
		return NULL;
	*d = *s;
	d->name = d->plan_note = NULL;
	d->profile.skills = NULL;
	d->profile.nskills = 0;
	d->training = NULL;
	d->ntraining = 0;
	if ((s->name != NULL && (d->name = strdup(s->name)) == NULL) ||
	    (s->plan_note != NULL &&
	    (d->plan_note = strdup(s->plan_note)) == NULL))
		goto fail;
	if (s->ntraining > 0) {
		if ((d->training = calloc(s->ntraining,
		    sizeof(*d->training))) == NULL)
			goto fail;
		for (; d->ntraining < s->ntraining; d->ntraining++) {
			struct training *t = &d->training[d->ntraining];
			t->day = s->training[d->ntraining].day;
			if ((t->course = strdup(
			    s->training[d->ntraining].course)) == NULL)
				goto fail;
		}
	}
	if (n > 0) {
		if ((d->profile.skills = calloc(n, sizeof(char *))) == NULL)
			goto fail;
		for (; d->profile.nskills < n; d->profile.nskills++)
			if ((d->profile.skills[d->profile.nskills] =
			    strdup(s->profile.skills[d->profile.nskills])) ==
			    NULL)
				goto fail;
	}
	return d;
fail:
	seeker_free(d);
	return NULL;
}

/* Puts a copy of s into ss (NULL: no such mirror). 0, or -1 (memory). */
static int
mirror_put(struct seekers *ss, const struct seeker *s)
{
	struct seeker *d, *old;

	if (ss == NULL)
		return 0;
	if ((d = seeker_dup(s)) == NULL)
		return -1;
	old = strmap_get(&ss->byid, s->id);
	if (strmap_put(&ss->byid, s->id, d) == -1) {
		seeker_free(d);
		return -1;
	}
	seeker_free(old);
	return 0;
}

static void
mirror_remove(struct seekers *ss, const char *id)
{
	if (ss != NULL)
		seeker_free(strmap_del(&ss->byid, id));
}

void
seekers_put(const struct seeker *s)
{
	struct seeker *c;
	int a, b;

	/* s may share strings with the record the first put replaces (and
	 * frees): both put a copy made before */
	if ((c = seeker_dup(s)) == NULL) {
		log_warnx("seekers: out of memory adding a seeker");
		return;
	}
	a = mirror_put(server.seekers, c);
	b = mirror_put(server.seekers_loading, c);
	seeker_free(c);
	if (a == -1 || b == -1)
		log_warnx("seekers: out of memory adding a seeker");
}

struct each_seeker {
	void	(*fn)(const struct seeker *, void *);
	void	 *arg;
};

static void
each_seeker(const char *key, void *val, void *arg)
{
	struct each_seeker *es = arg;

	(void)key;
	es->fn(val, es->arg);
}

void
seekers_each(void (*fn)(const struct seeker *, void *), void *arg)
{
	struct each_seeker es = { fn, arg };

	if (server.seekers != NULL)
		strmap_each(&server.seekers->byid, each_seeker, &es);
}

const struct seeker *
seekers_find(const char *id)
{
	if (server.seekers == NULL)
		return NULL;
	return strmap_get(&server.seekers->byid, id);
}

size_t
seekers_count(const struct seekers *ss)
{
	return ss != NULL ? ss->byid.n : 0;
}

void
seekers_load_begin(void)
{
	seekers_free(server.seekers_loading);
	if ((server.seekers_loading = seekers_new()) == NULL)
		log_warnx("seekers: out of memory");
}

void
seekers_load(const struct store_rec *rec, void *arg)
{
	struct seeker s;
	struct perr pe;

	(void)arg;
	if (server.seekers_loading == NULL)
		return;
	seeker_init(&s);
	/* The field's path only: a seeker's values are never logged. */
	if (codec_seeker_load(rec->doc, rec->doclen, &server.towns, &s,
	    &pe) == -1)
		log_warnx("seekers: skipping a stored seeker that does not "
		    "validate: %s", pe.field);
	else {
		s.version = rec->version;
		/* What Redis held when it ran this read, after every reply
		 * the new mirror has had: put it as it is. */
		if (mirror_put(server.seekers_loading, &s) == -1)
			log_warnx("seekers: out of memory");
	}
	seeker_clear(&s);
}

void
seekers_load_end(bool complete)
{
	if (server.seekers_loading == NULL)
		return;
	if (!complete) {
		seekers_free(server.seekers_loading);
		server.seekers_loading = NULL;
		return;
	}
	seekers_free(server.seekers);
	server.seekers = server.seekers_loading;
	server.seekers_loading = NULL;
	log_info("seekers: %zu registered", server.seekers->byid.n);
}

void
seekers_apply(const char *id, const struct store_rec *rec)
{
	struct seeker s;
	struct perr pe;

	if (rec == NULL) {
		mirror_remove(server.seekers, id);
		mirror_remove(server.seekers_loading, id);
		return;
	}
	seeker_init(&s);
	if (codec_seeker_load(rec->doc, rec->doclen, &server.towns, &s,
	    &pe) == -1)
		log_warnx("seekers: skipping a changed seeker that does not "
		    "validate: %s", pe.field);
	else {
		s.version = rec->version;
		seekers_put(&s);
	}
	seeker_clear(&s);
}

/* ---- helpers ---------------------------------------------------------- */

static void
seeker_ctx_free(void *p)
{
	seeker_free(p);
}

/* ---- seeker.put, seeker.get, seeker.delete ---------------------------- */

static void
put_done(const struct store_res *res, void *arg)
{
	struct req *r = arg;
	struct seeker *s = r->ctx;

	if (res->status != STORE_OK) {
		req_error_store(r, res, "seeker");
		return;
	}
	s->version = res->version;
	seekers_put(s);
	req_result(r, json_pack("{s:s, s:I, s:b}", "id", s->id, "version",
	    (json_int_t)res->version, "created", res->created));
}

void
m_seeker_put(struct req *r, json_t *params)
{
	static const char *const keys[] = { "seeker", NULL };
	struct seeker *s;
	struct perr pe;
	json_t *doc;
	char *text;

	if (pv_object(params, "", keys, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	if (json_object_get(params, "seeker") == NULL) {
		pv_fail(&pe, "", "seeker", "is required");
		req_error_params(r, &pe);
		return;
	}
	if ((s = malloc(sizeof(*s))) == NULL) {
		req_reply(r, NULL);
		return;
	}
	seeker_init(s);
	r->ctx = s;
	r->ctx_free = seeker_ctx_free;
	if (codec_seeker_decode(json_object_get(params, "seeker"), "seeker",
	    &server.towns, s, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	doc = codec_seeker_encode(s, &server.towns);
	text = doc != NULL ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (text == NULL) {
		req_reply(r, NULL);
		return;
	}
	store_put_seeker(server.store, s->id, text, put_done, r);
	free(text);
}

static void
get_done(const struct store_res *res, void *arg)
{
	struct req *r = arg;
	json_t *o;

	if (res->status != STORE_OK) {
		req_error_store(r, res, "seeker");
		return;
	}
	o = json_loadb(res->recs[0].doc, res->recs[0].doclen, 0, NULL);
	if (o == NULL || !json_is_object(o)) {
		json_decref(o);
		req_reply(r, NULL);
		return;
	}
	json_object_set_new(o, "version", json_integer(res->recs[0].version));
	req_result(r, o);
}

/* Reads the {id} of seeker.get and seeker.delete. */
static int
seeker_id(struct req *r, json_t *params, const char **id)
{
	static const char *const keys[] = { "id", NULL };
	struct perr pe;

	if (pv_object(params, "", keys, &pe) == -1 ||
	    pv_id(params, "", "id", true, false, id, &pe) == -1) {
		req_error_params(r, &pe);
		return -1;
	}
	return 0;
}

void
m_seeker_get(struct req *r, json_t *params)
{
	const char *id = NULL;

	if (seeker_id(r, params, &id) == 0)
		store_get_seeker(server.store, id, get_done, r);
}

static void
delete_done(const struct store_res *res, void *arg)
{
	struct req *r = arg;
	const char *id = r->ctx;

	if (res->status != STORE_OK) {
		req_error_store(r, res, "seeker");
		return;
	}
	mirror_remove(server.seekers, id);
	mirror_remove(server.seekers_loading, id);
	req_result(r, json_pack("{s:s, s:b}", "id", id, "deleted", 1));
}

void
m_seeker_delete(struct req *r, json_t *params)
{
	const char *id = NULL;

	if (seeker_id(r, params, &id) == -1)
		return;
	if ((r->ctx = strdup(id)) == NULL) {
		req_reply(r, NULL);
		return;
	}
	r->ctx_free = free;
	store_delete_seeker(server.store, id, delete_done, r);
}

/* ---- job.candidates --------------------------------------------------- */

struct cand {
	const struct seeker	*seeker;
	double			 score, distance_km;
};

/* What a walk over the mirror carries from one seeker to the next. */
struct cand_walk {
	const char		*employer_id, *job_id;
	struct match_query	 q;
	struct match_explain	*x;
	struct cand		*v;
	size_t			 n, cap;
	bool			 failed;	/* out of memory */
};

static void
consider(const char *key, void *val, void *arg)
{
	struct cand_walk *w = arg;
	const struct seeker *s = val;

	(void)key;
	if (w->failed)
		return;
	w->q.profile = &s->profile;
	matcher_explain(server.matcher, &w->q, w->employer_id, w->job_id,
	    w->x);
	if (w->x->job == NULL) {
		w->failed = true;
		return;
	}
	if (!w->x->matched)
		return;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		struct cand *nv = realloc(w->v, cap * sizeof(*nv));
		if (nv == NULL) {
			w->failed = true;
			return;
		}
		w->v = nv;
		w->cap = cap;
	}
	w->v[w->n].seeker = s;
	w->v[w->n].score = w->x->hit.score;
	w->v[w->n].distance_km = w->x->hit.distance_km;
	w->n++;
}

/* By score (descending), distance, then id: as a match orders postings. */
static int
cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->distance_km != y->distance_km)
		return x->distance_km < y->distance_km ? -1 : 1;
	return strcmp(x->seeker->id, y->seeker->id);
}

void
m_job_candidates(struct req *r, json_t *params)
{
	static const char *const keys[] = { "job_id", "employer_id", "limit",
	    NULL };
	static const struct filters none;
	struct cand_walk w;
	struct perr pe;
	json_t *results;
	int64_t limit = CANDIDATES_LIMIT_DEF;

	memset(&w, 0, sizeof(w));
	if (pv_object(params, "", keys, &pe) == -1 ||
	    pv_id(params, "", "job_id", true, true, &w.job_id, &pe) == -1 ||
	    pv_id(params, "", "employer_id", true, false, &w.employer_id,
	    &pe) == -1 ||
	    pv_int(params, "", "limit", false, 1, CANDIDATES_LIMIT_MAX, &limit,
	    NULL, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	if (matcher_job(server.matcher, w.employer_id, w.job_id) == NULL) {
		req_error(r, RPC_NOT_FOUND, "no such open job", NULL);
		return;
	}
	if ((w.x = malloc(sizeof(*w.x))) == NULL) {
		req_reply(r, NULL);
		return;
	}
	w.q.filters = &none;
	w.q.now = (int64_t)time(NULL);
	w.q.regex_budget = server.cfg.regex.budget;
	if (server.seekers != NULL)
		strmap_each(&server.seekers->byid, consider, &w);
	free(w.x);
	if (w.failed || (results = json_array()) == NULL) {
		free(w.v);
		req_reply(r, NULL);
		return;
	}
	if (w.n > 1)
		qsort(w.v, w.n, sizeof(*w.v), cand_cmp);
	for (size_t i = 0; i < w.n && i < (size_t)limit; i++)
		json_array_append_new(results, json_pack(
		    "{s:{s:s, s:s?}, s:f, s:f}", "seeker", "id",
		    w.v[i].seeker->id, "name", w.v[i].seeker->name,
		    "score", w.v[i].score, "distance_km",
		    w.v[i].distance_km));
	req_result(r, json_pack("{s:o, s:I}", "results", results,
	    "candidates", (json_int_t)w.n));
	free(w.v);
}

/* ---- seeker.list -------------------------------------------------------- */

#define SLIST_LIMIT_MAX		1000
#define SLIST_LIMIT_DEF		100

struct slist {
	const struct seeker	**v;
	size_t			 n, cap;
	bool			 oom;
	int			 town, dtype, status;	/* -1: any */
	int			 graduate, trained;	/* -1: any, else 0/1 */
	unsigned		 has, missing;		/* 1 << enum service */
};

/* The town of a seeker: the one given, else the nearest to its place. */
int
seekers_town(const struct seeker *s)
{
	const struct profile *p = &s->profile;

	return towns_pick(&server.towns, p->town, p->lat, p->lon);
}

/* Whether s's services given are all of has and none of missing. */
static bool
services_fit(const struct seeker *s, unsigned has, unsigned missing)
{
	for (int i = 0; i < SVC_COUNT; i++) {
		bool given = s->service[i] >= 0;
		if (((has >> i) & 1 && !given) || ((missing >> i) & 1 && given))
			return false;
	}
	return true;
}

static void
slist_add(const char *key, void *val, void *arg)
{
	const struct seeker *s = val;
	struct slist *l = arg;

	(void)key;
	if ((l->town >= 0 && seekers_town(s) != l->town) ||
	    (l->dtype >= 0 && s->profile.disability != l->dtype) ||
	    (l->status >= 0 && s->status != l->status) ||
	    (l->graduate >= 0 && ((s->profile.flags_mask >> FLAG_GRADUATE) &
	    1) != (unsigned)l->graduate) ||
	    (l->trained >= 0 && (s->ntraining > 0) != (l->trained == 1)) ||
	    !services_fit(s, l->has, l->missing))
		return;
	if (l->n == l->cap) {
		size_t ncap = l->cap ? 2 * l->cap : 64;
		const struct seeker **nv = realloc(l->v, ncap * sizeof(*nv));
		if (nv == NULL) {
			l->oom = true;
			return;
		}
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n++] = s;
}

static int
seeker_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct seeker *const *)a)->id,
	    (*(const struct seeker *const *)b)->id);
}

/* A list of service names (at most SVC_COUNT) as a mask into *mask. */
static int
services_param(json_t *params, const char *key, unsigned *mask,
    struct perr *e)
{
	char **v = NULL;
	size_t n = 0;
	int rc = 0;

	if (pv_str_list(params, "", key, SVC_COUNT, 16, &v, &n, e) == -1)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		int k = codec_service_lookup(v[i]);
		if (k < 0)
			rc = pv_fail(e, "", key, "%s is not a service "
			    "(info_checked, assessed, registered, served)",
			    v[i]);
		else
			*mask |= 1u << k;
	}
	strv_free(v, n);
	return rc;
}

/* A boolean param as -1 (absent), 0 or 1. */
static int
tristate(json_t *params, const char *key, int *out, struct perr *e)
{
	bool b = false;

	if (json_object_get(params, key) == NULL)
		return 0;
	if (pv_bool(params, "", key, &b, e) == -1)
		return -1;
	*out = b;
	return 0;
}

void
m_seeker_list(struct req *r, json_t *params)
{
	static const char *const keys[] = { "town", "disability_type",
	    "status", "graduate", "trained", "has", "missing", "limit",
	    "cursor", NULL };
	const char *status = NULL;
	int64_t limit = SLIST_LIMIT_DEF;
	struct slist l;
	struct perr pe;
	char next[24];
	size_t from = 0;
	json_t *rows;

	memset(&l, 0, sizeof(l));
	l.town = l.dtype = l.status = l.graduate = l.trained = -1;
	if (pv_object(params, "", keys, &pe) == -1 ||
	    pv_town(params, "", "town", &server.towns, &l.town, &pe) == -1 ||
	    pv_enum(params, "", "disability_type", VOCAB_DISABILITY, &l.dtype,
	    &pe) == -1 ||
	    pv_str(params, "", "status", false, 16, &status, &pe) == -1 ||
	    tristate(params, "graduate", &l.graduate, &pe) == -1 ||
	    tristate(params, "trained", &l.trained, &pe) == -1 ||
	    services_param(params, "has", &l.has, &pe) == -1 ||
	    services_param(params, "missing", &l.missing, &pe) == -1 ||
	    pv_int(params, "", "limit", false, 1, SLIST_LIMIT_MAX, &limit,
	    NULL, &pe) == -1 ||
	    pv_offset_cursor(params, "", "cursor", &from, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	if ((status != NULL && (l.status = codec_status_lookup(status)) < 0 &&
	    pv_fail(&pe, "", "status",
	    "must be seeking, employed or not_seeking")) ||
	    ((l.has & l.missing) != 0 && pv_fail(&pe, "", "missing",
	    "names a service also in has"))) {
		req_error_params(r, &pe);
		return;
	}
	if (server.seekers != NULL)
		strmap_each(&server.seekers->byid, slist_add, &l);
	if (l.oom || (rows = json_array()) == NULL) {
		free(l.v);
		req_reply(r, NULL);
		return;
	}
	if (l.n > 1)
		qsort(l.v, l.n, sizeof(*l.v), seeker_cmp);
	for (size_t i = from; i < l.n && i < from + (size_t)limit; i++) {
		json_t *o = codec_seeker_encode(l.v[i], &server.towns);
		if (o == NULL)
			continue;
		json_object_set_new(o, "version",
		    json_integer(l.v[i]->version));
		json_array_append_new(rows, o);
	}
	snprintf(next, sizeof(next), "%zu", from + (size_t)limit);
	req_result(r, json_pack("{s:o, s:I, s:s?}", "seekers", rows, "total",
	    (json_int_t)l.n, "next_cursor",
	    from + (size_t)limit < l.n ? next : NULL));
	free(l.v);
}
