/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * fairs.c - job fairs: fair.put through the store, fair.get and fair.list
 * from the fairs' mirror (fairs.h) and the postings' mirror, fair.stats
 * from the fair's counters in Redis; and what a match under a fair needs:
 * the fair it applies (filters.fair or the kiosk token's) and its counts.
 *
 * The counters (p fair:ID:stats) hold aggregates only: how many searches,
 * by disability type and by hour, how many results and QR codes. They are
 * added up in memory and sent at most once a second (fair_counts.h): a
 * match never waits for them or fails with them, and costs Redis nothing
 * of its own; while Redis is down a fair's counts fall short of what
 * happened.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/fair_counts.h"
#include "daemon/fairs.h"
#include "daemon/methods/methods.h"
#include "daemon/req.h"
#include "daemon/server.h"
#include "daemon/store.h"
#include "matcher/date.h"
#include "proto/codec.h"
#include "proto/codec_fair.h"
#include "proto/params.h"
#include "proto/rpc.h"

#define FAIR_LIST_LIMIT_DEF	20
#define FAIR_LIST_LIMIT_MAX	100
#define HOUR_LEN		13		/* YYYY-MM-DDTHH */

/* ---- fair.put --------------------------------------------------------- */

static void
fair_ctx_free(void *p)
{
	fair_clear(p);
	free(p);
}

static void
fair_put_done(const struct store_res *res, void *arg)
{
	struct req *r = arg;
	struct fair *f = r->ctx;
	char field[PATH_MAX_LEN] = "";

	if (res->status == STORE_NO_EMPLOYER) {
		size_t i = res->version >= 0 &&
		    (size_t)res->version < f->nexhibitors ?
		    (size_t)res->version : 0;
		snprintf(field, sizeof(field),
		    "fair.exhibitors[%u].employer_id",
		    f->nexhibitors > 0 ? f->exhibitors[i].index : 0);
	}
	if (res->status != STORE_OK) {
		req_error_store_in(r, res, "fair", field);
		return;
	}
	f->version = res->version;
	fairs_put(f);
	req_result(r, json_pack("{s:s, s:I, s:b}", "id", f->id, "version",
	    (json_int_t)res->version, "created", res->created));
}

void
m_fair_put(struct req *r, json_t *params)
{
	static const char *const keys[] = { "fair", "expected_version", NULL };
	int64_t expected = -1;
	struct fair *f;
	struct perr pe;
	json_t *doc;
	char *s, *emps;
	size_t len = 1;

	if (pv_object(params, "", keys, &pe) == -1 ||
	    pv_int(params, "", "expected_version", false, 0, VERSION_MAX,
	    &expected, NULL, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	if (json_object_get(params, "fair") == NULL) {
		pv_fail(&pe, "", "fair", "is required");
		req_error_params(r, &pe);
		return;
	}
	if ((f = malloc(sizeof(*f))) == NULL) {
		req_reply(r, NULL);
		return;
	}
	fair_init(f);
	r->ctx = f;
	r->ctx_free = fair_ctx_free;
	if (codec_fair_decode(json_object_get(params, "fair"), "fair",
	    &server.towns, f, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	for (size_t i = 0; i < f->nexhibitors; i++)
		len += strlen(f->exhibitors[i].employer_id) + 1;
	if ((emps = malloc(len)) == NULL) {
		req_reply(r, NULL);
		return;
	}
	emps[0] = '\0';
	for (size_t i = 0, o = 0; i < f->nexhibitors; i++)
		o += (size_t)snprintf(emps + o, len - o, "%s%s", i > 0 ? " " :
		    "", f->exhibitors[i].employer_id);
	doc = codec_fair_encode(f, &server.towns);
	s = doc != NULL ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (s == NULL) {
		free(emps);
		req_reply(r, NULL);
		return;
	}
	store_put_fair(server.store, f->id, s, emps, expected, fair_put_done,
	    r);
	free(s);
	free(emps);
}

/* ---- fair.get, fair.list ---------------------------------------------- */

/* The fair's own fields and its version; exhibitors are the caller's. */
static json_t *
fair_head(const struct fair *f)
{
	json_t *o = codec_fair_encode(f, &server.towns);

	if (o != NULL)
		json_object_set_new(o, "version", json_integer(f->version));
	return o;
}

/* The fair named by params' id, or NULL after answering r. */
static const struct mfair *
fair_param(struct req *r, json_t *params)
{
	static const char *const keys[] = { "id", NULL };
	const struct mfair *mf;
	const char *id = NULL;
	struct perr pe;

	if (pv_object(params, "", keys, &pe) == -1 ||
	    pv_id(params, "", "id", true, false, &id, &pe) == -1) {
		req_error_params(r, &pe);
		return NULL;
	}
	if ((mf = fairs_find(id)) == NULL)
		req_error(r, RPC_NOT_FOUND, "fair not found",
		    json_pack("{s:s}", "field", "id"));
	return mf;
}

void
m_fair_get(struct req *r, json_t *params)
{
	const struct mfair *mf;
	const struct fair *f;
	size_t *open = NULL;
	json_t *o, *ex;

	if ((mf = fair_param(r, params)) == NULL)
		return;
	f = &mf->fair;
	if ((f->nexhibitors > 0 &&
	    (open = calloc(f->nexhibitors, sizeof(*open))) == NULL) ||
	    (o = fair_head(f)) == NULL) {
		free(open);
		req_reply(r, NULL);
		return;
	}
	matcher_count_jobs(server.matcher, mf->employers, f->nexhibitors,
	    (int64_t)time(NULL), open);
	ex = json_object_get(o, "exhibitors");
	for (size_t i = 0; i < f->nexhibitors; i++) {
		const struct memployer *me = matcher_employer(server.matcher,
		    f->exhibitors[i].employer_id);
		json_t *x = json_array_get(ex, i);

		json_object_set_new(x, "employer_name", me != NULL &&
		    me->name != NULL ? json_string(me->name) : json_null());
		json_object_set_new(x, "open_jobs",
		    json_integer((json_int_t)open[i]));
	}
	free(open);
	req_result(r, o);
}

struct flist {
	const struct mfair	**v;
	size_t			 n, cap;
	int64_t			 from, to;
	bool			 oom;
};

static void
flist_add(const struct mfair *mf, void *arg)
{
	struct flist *l = arg;

	if (l->oom || mf->fair.date > l->to || fair_last_day(&mf->fair) <
	    l->from)
		return;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		const struct mfair **nv = realloc(l->v, cap * sizeof(*nv));
		if (nv == NULL) {
			l->oom = true;
			return;
		}
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = mf;
}

/* By date, then id. */
static int
by_date(const void *a, const void *b)
{
	const struct fair *x = &(*(const struct mfair *const *)a)->fair;
	const struct fair *y = &(*(const struct mfair *const *)b)->fair;

	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return strcmp(x->id, y->id);
}

void
m_fair_list(struct req *r, json_t *params)
{
	static const char *const keys[] = { "from", "to", "cursor", "limit",
	    NULL };
	struct flist l;
	struct perr pe;
	int64_t limit = FAIR_LIST_LIMIT_DEF;
	size_t from = 0;
	char next[24];
	json_t *rows;

	memset(&l, 0, sizeof(l));
	l.from = 0;
	l.to = INT64_MAX;
	if (pv_object(params, "", keys, &pe) == -1 ||
	    pv_period(params, &l.from, &l.to, &pe) == -1 ||
	    pv_int(params, "", "limit", false, 1, FAIR_LIST_LIMIT_MAX, &limit,
	    NULL, &pe) == -1 ||
	    pv_offset_cursor(params, "", "cursor", &from, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	fairs_each(flist_add, &l);
	if (l.oom || (rows = json_array()) == NULL) {
		free(l.v);
		req_reply(r, NULL);
		return;
	}
	if (l.n > 1)
		qsort(l.v, l.n, sizeof(*l.v), by_date);
	for (size_t i = from; i < l.n && i < from + (size_t)limit; i++) {
		json_t *o = fair_head(&l.v[i]->fair);

		if (o == NULL)
			continue;
		/* The floor list is fair.get's: a listing says how many. */
		json_object_set_new(o, "exhibitors",
		    json_integer((json_int_t)l.v[i]->fair.nexhibitors));
		json_array_append_new(rows, o);
	}
	snprintf(next, sizeof(next), "%zu", from + (size_t)limit);
	req_result(r, json_pack("{s:o, s:s?}", "fairs", rows, "next_cursor",
	    from + (size_t)limit < l.n ? next : NULL));
	free(l.v);
}

/* ---- fair.stats ------------------------------------------------------- */

struct hour {
	char		 h[HOUR_LEN + 1];
	int64_t		 total;
	int64_t		 by[DIS_COUNT];
};

struct stats_ctx {
	char		 id[ID_MAX + 1];
};

static int
hour_cmp(const void *a, const void *b)
{
	return strcmp(((const struct hour *)a)->h, ((const struct hour *)b)->h);
}

/* Whether s is an hour as the counters name it, YYYY-MM-DDTHH. */
static bool
is_hour(const char *s, size_t len)
{
	static const char shape[] = "dddd-dd-ddTdd";

	if (len != HOUR_LEN)
		return false;
	for (size_t i = 0; i < HOUR_LEN; i++)
		if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') :
		    s[i] != shape[i])
			return false;
	return true;
}

/* The hour h among v[0..*n), added when new; NULL out of memory. */
static struct hour *
hour_of(struct hour **v, size_t *n, size_t *cap, const char *h)
{
	for (size_t i = 0; i < *n; i++)
		if (memcmp((*v)[i].h, h, HOUR_LEN) == 0)
			return &(*v)[i];
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 32;
		struct hour *nv = realloc(*v, c * sizeof(*nv));
		if (nv == NULL)
			return NULL;
		*v = nv;
		*cap = c;
	}
	memset(&(*v)[*n], 0, sizeof(**v));
	memcpy((*v)[*n].h, h, HOUR_LEN);
	return &(*v)[(*n)++];
}

static json_t *
by_type(const int64_t *by)
{
	json_t *o = json_object();

	for (int t = 0; o != NULL && t < DIS_COUNT; t++)
		json_object_set_new(o, vocab_id(VOCAB_DISABILITY, t),
		    json_integer(by[t]));
	return o;
}

static void
fair_stats_done(const struct store_res *res, void *arg)
{
	struct req *r = arg;
	struct stats_ctx *sc = r->ctx;
	const struct mfair *mf = fairs_find(sc->id);
	int64_t searches = 0, results = 0, qr = 0, interests = 0,
	    followed = 0, hired = 0, by[DIS_COUNT];
	struct hour *hv = NULL;
	size_t nh = 0, caph = 0;
	char date[DATE_LEN + 1], end[DATE_LEN + 1];
	json_t *hours, *o;

	if (res->status != STORE_OK) {
		req_error_store(r, res, "fair");
		return;
	}
	if (mf == NULL) {
		req_error(r, RPC_NOT_FOUND, "fair not found",
		    json_pack("{s:s}", "field", "id"));
		return;
	}
	memset(by, 0, sizeof(by));
	for (size_t i = 0; i < res->ncounts; i++) {
		const char *k = res->counts[i].name;
		int64_t v = res->counts[i].value;
		size_t len = strlen(k);
		int t = -1;

		if (strcmp(k, "searches") == 0)
			searches = v;
		else if (strcmp(k, "results") == 0)
			results = v;
		else if (strcmp(k, "qr") == 0)
			qr = v;
		else if (strcmp(k, "interests") == 0)
			interests = v;
		else if (strcmp(k, "followed_up") == 0)
			followed = v;
		else if (strcmp(k, "hired") == 0)
			hired = v;
		else if (strncmp(k, "s:", 2) == 0 &&
		    (t = vocab_lookup(VOCAB_DISABILITY, k + 2)) >= 0)
			by[t] = v;
		else if (strncmp(k, "h:", 2) == 0 && len >= 2 + HOUR_LEN &&
		    is_hour(k + 2, HOUR_LEN)) {
			struct hour *h;
			const char *rest = k + 2 + HOUR_LEN;

			if (rest[0] != '\0' && (rest[0] != ':' ||
			    (t = vocab_lookup(VOCAB_DISABILITY, rest + 1)) < 0))
				continue;
			if ((h = hour_of(&hv, &nh, &caph, k + 2)) == NULL) {
				free(hv);
				req_reply(r, NULL);
				return;
			}
			if (rest[0] == '\0')
				h->total = v;
			else if (t >= 0)
				h->by[t] = v;
		}
	}
	if (nh > 1)
		qsort(hv, nh, sizeof(*hv), hour_cmp);
	hours = json_array();
	for (size_t i = 0; hours != NULL && i < nh; i++)
		json_array_append_new(hours, json_pack("{s:s, s:I, s:o}",
		    "hour", hv[i].h, "total", (json_int_t)hv[i].total,
		    "by_disability_type", by_type(hv[i].by)));
	free(hv);
	date_format(mf->fair.date, date);
	date_format(fair_last_day(&mf->fair), end);
	o = json_pack("{s:{s:s, s:s, s:s, s:s}, s:{s:I, s:o, s:o*}, s:I, "
	    "s:I, s:{s:I, s:I, s:I}}",
	    "fair", "id", mf->fair.id, "name", mf->fair.name, "date", date,
	    "end_date", end,
	    "searches", "total", (json_int_t)searches, "by_disability_type",
	    by_type(by), "by_hour", hours,
	    "results_shown", (json_int_t)results, "qr_codes", (json_int_t)qr,
	    "interests", "recorded", (json_int_t)interests, "followed_up",
	    (json_int_t)followed, "hired", (json_int_t)hired);
	req_result(r, o);
}

void
m_fair_stats(struct req *r, json_t *params)
{
	const struct mfair *mf;
	struct stats_ctx *sc;

	if ((mf = fair_param(r, params)) == NULL)
		return;
	if ((sc = malloc(sizeof(*sc))) == NULL) {
		req_reply(r, NULL);
		return;
	}
	memcpy(sc->id, mf->fair.id, sizeof(sc->id));
	r->ctx = sc;
	r->ctx_free = free;
	/* this daemon's counts not sent yet go first, on the same link: the
	 * read that follows sees them */
	fair_counts_flush();
	store_fair_stats(server.store, sc->id, fair_stats_done, r);
}

/* ---- a match under a fair --------------------------------------------- */

int
fair_of_match(struct req *r, struct match_params *mp,
    const struct mfair **out)
{
	const char *id = mp->fair_id[0] != '\0' ? mp->fair_id : r->fair_id;
	const struct mfair *mf;

	*out = NULL;
	if (r->fair_id[0] != '\0' && mp->fair_id[0] != '\0' &&
	    strcmp(r->fair_id, mp->fair_id) != 0) {
		req_unauthorized(r, "this kiosk's token is bound to another "
		    "fair");
		return -1;
	}
	if (id[0] == '\0')
		return 0;
	if ((mf = fairs_find(id)) == NULL) {
		req_error(r, RPC_NOT_FOUND, "fair not found",
		    json_pack("{s:s}", "field", "filters.fair"));
		return -1;
	}
	mp->filters.has_employers = true;
	mp->filters.employers = (const char *const *)mf->employers;
	mp->filters.nemployers = mf->fair.nexhibitors;
	*out = mf;
	return 0;
}

void
fair_count_match(const struct req *r, const struct mfair *mf,
    const struct profile *p, bool first_page, size_t shown)
{
	char hour[HOUR_LEN + 1], field[2 + HOUR_LEN + 1 + 32];
	const char *type = vocab_id(VOCAB_DISABILITY, p->disability);

	if (r->role != ROLE_KIOSK || mf == NULL)
		return;
	if (first_page && type != NULL) {
		time_t t = time(NULL);
		struct tm tm;

		localtime_r(&t, &tm);
		snprintf(hour, sizeof(hour), "%04d-%02d-%02dT%02d",
		    (tm.tm_year + 1900) % 10000, tm.tm_mon + 1, tm.tm_mday,
		    tm.tm_hour);
		fair_counts_add(mf->fair.id, "searches", 1);
		snprintf(field, sizeof(field), "s:%s", type);
		fair_counts_add(mf->fair.id, field, 1);
		snprintf(field, sizeof(field), "h:%s", hour);
		fair_counts_add(mf->fair.id, field, 1);
		snprintf(field, sizeof(field), "h:%s:%s", hour, type);
		fair_counts_add(mf->fair.id, field, 1);
	}
	if (shown > 0)
		fair_counts_add(mf->fair.id, "results", (int64_t)shown);
}
