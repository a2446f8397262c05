/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * seekers.c - the methods of registered seekers (staff only): seeker.put,
 * seeker.get and seeker.delete through the store, seeker.list from the
 * seekers' mirror (daemon/seekers.h).
 *
 * A seeker's record is personal data: nothing here logs it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/methods/methods.h"
#include "daemon/plan.h"
#include "daemon/req.h"
#include "daemon/seekers.h"
#include "daemon/server.h"
#include "daemon/store.h"
#include "proto/codec.h"
#include "proto/params.h"

static void
seeker_ctx_free(void *p)
{
	seeker_clear(p);
	free(p);
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
	if (s->birth_year > 0) {
		char today[DATE_LEN + 1];

		(void)plan_today(today);
		if (s->birth_year > atoi(today)) {
			pv_fail(&pe, "seeker", "birth_year", "is after this "
			    "year");
			req_error_params(r, &pe);
			return;
		}
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
	seekers_remove(id);
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

/* ---- seeker.list -------------------------------------------------------- */

#define SLIST_LIMIT_MAX		1000
#define SLIST_LIMIT_DEF		100

struct slist {
	int			 town, dtype, status;	/* -1: any */
	int			 graduate, trained;	/* -1: any, else 0/1 */
	unsigned		 has, missing;		/* 1 << enum service */
};

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

/* Whether s passes seeker.list's filters l. */
static bool
slist_keep(const struct seeker *s, void *arg)
{
	const struct slist *l = arg;

	return !((l->town >= 0 && seekers_town(s) != l->town) ||
	    (l->dtype >= 0 && s->profile.disability != l->dtype) ||
	    (l->status >= 0 && s->status != l->status) ||
	    (l->graduate >= 0 && ((s->profile.flags_mask >> FLAG_GRADUATE) &
	    1) != (unsigned)l->graduate) ||
	    (l->trained >= 0 && (s->ntraining > 0) != (l->trained == 1)) ||
	    !services_fit(s, l->has, l->missing));
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
	size_t from = 0, n = 0;
	const struct seeker **v = NULL;
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
	if (seekers_sorted(slist_keep, &l, &v, &n) == -1 ||
	    (rows = json_array()) == NULL) {
		free(v);
		req_reply(r, NULL);
		return;
	}
	for (size_t i = from; i < n && i < from + (size_t)limit; i++) {
		json_t *o = codec_seeker_encode(v[i], &server.towns);
		if (o == NULL)
			continue;
		json_object_set_new(o, "version", json_integer(v[i]->version));
		json_array_append_new(rows, o);
	}
	snprintf(next, sizeof(next), "%zu", from + (size_t)limit);
	req_result(r, json_pack("{s:o, s:I, s:s?}", "seekers", rows, "total",
	    (json_int_t)n, "next_cursor",
	    from + (size_t)limit < n ? next : NULL));
	free(v);
}
