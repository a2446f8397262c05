/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * rules.c - the rules.* methods (staff only): the rule set in use
 * (rules.get), checking one (rules.validate), storing one for every daemon
 * (rules.set, rules.rollback) and installing it here once Redis has it,
 * the stored history (rules.history), and how the rules judge one posting
 * for one profile (rules.explain). Where rule sets come from and how they
 * are installed is daemon/ruleset.h's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/methods/methods.h"
#include "daemon/req.h"
#include "daemon/ruleset.h"
#include "daemon/server.h"
#include "daemon/store.h"
#include "proto/codec.h"
#include "proto/params.h"
#include "proto/rpc.h"

static json_t *
doc_json(const char *doc, size_t len)
{
	json_t *o = json_loadb(doc, len, 0, NULL);

	return o != NULL ? o : json_object();
}

void
m_rules_get(struct req *r, json_t *params)
{
	static const char *const keys[] = { NULL };
	struct perr pe;

	if (pv_object(params, "", keys, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	req_result(r, json_pack("{s:o, s:I}", "rules",
	    doc_json(server.rules_doc, strlen(server.rules_doc)), "version",
	    (json_int_t)rules_version(server.rules)));
}

void
m_rules_validate(struct req *r, json_t *params)
{
	static const char *const keys[] = { "rules", NULL };
	struct rules *compiled;
	struct perr pe;
	char msg[512];
	json_t *data, *doc;

	if (pv_object(params, "", keys, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	if ((doc = json_object_get(params, "rules")) == NULL) {
		pv_fail(&pe, "", "rules", "is required");
		req_error_params(r, &pe);
		return;
	}
	if ((compiled = ruleset_compile(doc, msg, sizeof(msg), &data)) != NULL) {
		rules_free(compiled);
		req_result(r, json_pack("{s:b, s:[]}", "ok", 1, "errors"));
		return;
	}
	if (data != NULL)
		json_object_set_new(data, "message", json_string(msg));
	req_result(r, json_pack("{s:b, s:[o*]}", "ok", 0, "errors", data));
}

struct set_ctx {
	struct rules	*compiled;
	char		*doc;
	int64_t		 restored;	/* rollback: the version restored */
};

static void
set_ctx_free(void *p)
{
	struct set_ctx *sc = p;

	rules_free(sc->compiled);
	free(sc->doc);
	free(sc);
}

static void
set_done(const struct store_res *res, void *arg)
{
	struct req *r = arg;
	struct set_ctx *sc = r->ctx;
	int64_t in_use = rules_version(server.rules);
	char msg[512];
	json_t *out;
	int rc;

	if (res->status != STORE_OK) {
		req_error_store(r, res, "rule set version");
		return;
	}
	rc = ruleset_install(sc->compiled, sc->doc, res->version);
	sc->compiled = NULL;
	if (rc != 0) {
		/*
		 * Stored, and so what every daemon follows, but not in use
		 * here: postings that came in since the try can make the
		 * install run out of time. Say both, never a plain {version}.
		 */
		snprintf(msg, sizeof(msg), "stored as version %lld, but not "
		    "installed on this daemon, which keeps version %lld: %s",
		    (long long)res->version, (long long)in_use, rc == -2 ?
		    "evaluating its patterns on the open postings took longer "
		    "than regex_install_ms" : "out of memory");
		out = json_pack("{s:b, s:I, s:I}", "applied", 1, "version",
		    (json_int_t)res->version, "in_use", (json_int_t)in_use);
		if (out != NULL && rc == -2) {
			json_object_set_new(out, "field", json_string("rules"));
			json_object_set_new(out, "reason",
			    json_string("too costly on the postings"));
		}
		req_error(r, rc == -2 ? RPC_RULE_ERROR : RPC_INTERNAL_ERROR,
		    msg, out);
		return;
	}
	out = json_pack("{s:I}", "version", (json_int_t)res->version);
	if (out != NULL && sc->restored > 0)
		json_object_set_new(out, "restored",
		    json_integer(sc->restored));
	req_result(r, out);
}

/* Validates doc for rules.set / rules.rollback; answers -32006 if bad. */
static struct set_ctx *
prepare_set(struct req *r, json_t *doc)
{
	struct set_ctx *sc;
	char msg[512];
	json_t *data;

	if ((sc = calloc(1, sizeof(*sc))) == NULL) {
		req_reply(r, NULL);
		return NULL;
	}
	r->ctx = sc;
	r->ctx_free = set_ctx_free;
	if ((sc->compiled = ruleset_compile(doc, msg, sizeof(msg), &data)) ==
	    NULL) {
		req_error(r, RPC_RULE_ERROR, msg, data);
		return NULL;
	}
	/* What the probes did not catch, the postings themselves may. */
	if (matcher_try_rules(server.matcher, sc->compiled) == -1) {
		snprintf(msg, sizeof(msg), "invalid rule set: too costly: "
		    "evaluating its patterns on the %zu open postings takes "
		    "longer than regex_install_ms (%u ms)",
		    matcher_njobs(server.matcher),
		    server.cfg.regex.install_ms);
		req_error(r, RPC_RULE_ERROR, msg, json_pack("{s:s, s:s}",
		    "field", "rules", "reason", "too costly on the postings"));
		return NULL;
	}
	if ((sc->doc = json_dumps(doc, JSON_COMPACT)) == NULL) {
		req_reply(r, NULL);
		return NULL;
	}
	return sc;
}

void
m_rules_set(struct req *r, json_t *params)
{
	static const char *const keys[] = { "rules", "expected_version", NULL };
	struct set_ctx *sc;
	struct perr pe;
	int64_t expected = -1;
	json_t *doc;

	if (pv_object(params, "", keys, &pe) == -1 ||
	    pv_int(params, "", "expected_version", true, 0, VERSION_MAX,
	    &expected, NULL, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	if ((doc = json_object_get(params, "rules")) == NULL) {
		pv_fail(&pe, "", "rules", "is required");
		req_error_params(r, &pe);
		return;
	}
	if ((sc = prepare_set(r, doc)) != NULL)
		store_rules_set(server.store, sc->doc, expected, set_done, r);
}

static json_t *
history_entry(const struct store_rec *rec)
{
	return json_pack("{s:I, s:I, s:o}", "version", (json_int_t)rec->version,
	    "updated_at", (json_int_t)rec->updated_at, "rules",
	    doc_json(rec->doc, rec->doclen));
}

static void
history_done(const struct store_res *res, void *arg)
{
	struct req *r = arg;
	json_t *list;

	if (res->status != STORE_OK) {
		req_error_store(r, res, "rule set version");
		return;
	}
	if ((list = json_array()) == NULL) {
		req_reply(r, NULL);
		return;
	}
	for (size_t i = 0; i < res->nrecs; i++)
		json_array_append_new(list, history_entry(&res->recs[i]));
	req_result(r, json_pack("{s:o, s:I}", "versions", list, "current",
	    (json_int_t)rules_version(server.rules)));
}

void
m_rules_history(struct req *r, json_t *params)
{
	static const char *const keys[] = { "limit", NULL };
	struct perr pe;
	int64_t limit = 20;

	if (pv_object(params, "", keys, &pe) == -1 ||
	    pv_int(params, "", "limit", false, 1, STORE_HISTORY_MAX, &limit,
	    NULL, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	store_rules_history(server.store, (size_t)limit, 0, history_done, r);
}

struct rollback_ctx {
	int64_t		 version, expected;
};

static void
rollback_found(const struct store_res *res, void *arg)
{
	struct req *r = arg;
	struct rollback_ctx rc = *(struct rollback_ctx *)r->ctx;
	struct set_ctx *sc;
	json_t *doc;

	if (res->status == STORE_OK && res->nrecs == 0) {
		req_error(r, RPC_NOT_FOUND, "no such rule set version in the "
		    "history", NULL);
		return;
	}
	if (res->status != STORE_OK) {
		req_error_store(r, res, "rule set version");
		return;
	}
	free(r->ctx);
	r->ctx = NULL;
	r->ctx_free = NULL;
	doc = json_loadb(res->recs[0].doc, res->recs[0].doclen, 0, NULL);
	if (doc == NULL) {
		req_error(r, RPC_RULE_ERROR, "the stored version is not JSON",
		    NULL);
		return;
	}
	sc = prepare_set(r, doc);
	json_decref(doc);
	if (sc == NULL)
		return;
	sc->restored = rc.version;
	store_rules_set(server.store, sc->doc, rc.expected, set_done, r);
}

void
m_rules_rollback(struct req *r, json_t *params)
{
	static const char *const keys[] = { "version", "expected_version",
	    NULL };
	struct rollback_ctx *rc;
	struct perr pe;

	if ((rc = calloc(1, sizeof(*rc))) == NULL) {
		req_reply(r, NULL);
		return;
	}
	rc->expected = -1;
	r->ctx = rc;
	r->ctx_free = free;
	if (pv_object(params, "", keys, &pe) == -1 ||
	    pv_int(params, "", "version", true, 1, VERSION_MAX, &rc->version,
	    NULL, &pe) == -1 ||
	    pv_int(params, "", "expected_version", false, 0, VERSION_MAX,
	    &rc->expected, NULL, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	store_rules_history(server.store, 1, rc->version, rollback_found, r);
}

void
m_rules_explain(struct req *r, json_t *params)
{
	static const char *const keys[] = { "profile", "job_id",
	    "employer_id", "filters", NULL };
	const struct mfair *mf;
	struct match_params mp;
	struct match_query q;
	struct match_explain *x;
	const char *id = NULL, *emp = NULL;
	struct perr pe;
	json_t *mparams, *out;

	if (pv_object(params, "", keys, &pe) == -1 ||
	    pv_id(params, "", "job_id", true, true, &id, &pe) == -1 ||
	    pv_id(params, "", "employer_id", true, false, &emp, &pe) == -1) {
		req_error_params(r, &pe);
		return;
	}
	/* The profile and filters, checked exactly as match checks them. */
	mparams = json_pack("{s:O?, s:O?}", "profile",
	    json_object_get(params, "profile"), "filters",
	    json_object_get(params, "filters"));
	codec_match_init(&mp);
	if (mparams == NULL ||
	    codec_match_decode(mparams, &server.towns, &mp, &pe) == -1) {
		json_decref(mparams);
		codec_match_clear(&mp);
		if (mparams == NULL)
			req_reply(r, NULL);
		else
			req_error_params(r, &pe);
		return;
	}
	json_decref(mparams);
	if (fair_of_match(r, &mp, &mf) == -1) {
		codec_match_clear(&mp);
		return;
	}
	memset(&q, 0, sizeof(q));
	q.profile = &mp.profile;
	q.filters = &mp.filters;
	q.limit = 1;
	q.now = (int64_t)time(NULL);
	q.regex_budget = server.cfg.regex.budget;
	if ((x = malloc(sizeof(*x))) == NULL) {
		codec_match_clear(&mp);
		req_reply(r, NULL);
		return;
	}
	matcher_explain(server.matcher, &q, emp, id, x);
	codec_match_clear(&mp);
	if (x->job == NULL) {
		free(x);
		req_error(r, RPC_NOT_FOUND, "no such open job", NULL);
		return;
	}
	out = codec_explain(x, &server.towns, server.rules);
	free(x);
	req_result(r, out);
}
