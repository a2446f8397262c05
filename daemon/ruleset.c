/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * ruleset.c - see ruleset.h.
 *
 * Redis holds the shared rule set (p rules, with its history). Every daemon
 * reads it again when the change stream says a new version was stored (and
 * after every load of its mirror) and installs it, so a rules.set through
 * any daemon reaches all of them as fast as the stream does. A
 * daemon stores the rules it started with (its rules_file, or without one
 * the shipped rule set compiled in, daemon/rules_default.h) as version 1
 * when Redis has no rule set yet; SIGHUP stores the rules_file again as the
 * next version when its content changed. A rule set that does not validate is never installed:
 * the one in use stays.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "daemon/log.h"
#include "daemon/mirror.h"
#include "daemon/req.h"
#include "daemon/rules_default.h"
#include "daemon/ruleset.h"
#include "daemon/server.h"
#include "daemon/store.h"
#include "proto/codec.h"
#include "proto/rpc.h"

#define FILE_MAX	(4 * 1024 * 1024)


/*
 * Decodes and compiles a rule set document. Returns the rule set, or NULL
 * with a message and the error's data ({rule?, field, offset?, reason}) in
 * *data (owned by the caller).
 */
static struct rules *
compile_doc(json_t *doc, char *msg, size_t msglen, json_t **data)
{
	struct rules_spec spec;
	struct rules_error re;
	struct rules *r = NULL;
	struct perr pe;

	*data = NULL;
	rules_spec_defaults(&spec);
	if (codec_rules_decode(doc, &spec, &pe) == -1) {
		snprintf(msg, msglen, "invalid rule set: %s: %s",
		    pe.field[0] ? pe.field : "(document)", pe.reason);
		*data = json_pack("{s:s, s:s}", "field", pe.field, "reason",
		    pe.reason);
		rules_spec_clear(&spec);
		return NULL;
	}
	if (rules_compile(&r, &spec, &server.cfg.regex, &re) == -1) {
		snprintf(msg, msglen, "invalid rule set: %s%s%s: %s", re.rule,
		    re.rule[0] ? ": " : "", re.field, re.reason);
		*data = json_pack("{s:s, s:s, s:s}", "rule", re.rule, "field",
		    re.field, "reason", re.reason);
		if (*data != NULL && re.offset >= 0)
			json_object_set_new(*data, "offset",
			    json_integer(re.offset));
		rules_spec_clear(&spec);
		return NULL;
	}
	return r;
}

static struct rules *
compile_text(const char *text, size_t len, char *msg, size_t msglen,
    json_t **data)
{
	json_error_t je;
	json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	struct rules *r;

	if (doc == NULL) {
		snprintf(msg, msglen, "line %d: %s", je.line, je.text);
		*data = NULL;
		return NULL;
	}
	r = compile_doc(doc, msg, msglen, data);
	json_decref(doc);
	return r;
}

/*
 * Reads a whole file of at most FILE_MAX bytes into a new string. Returns
 * it, or NULL with the reason in why.
 */
static char *
read_all(const char *path, size_t *len, char *why, size_t whylen)
{
	FILE *fp = fopen(path, "rb");
	struct stat st;
	bool dir = false;
	char *buf;
	long n;

	/* A directory opens, and seeks to an "end" beyond FILE_MAX. */
	if (fp != NULL && fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		dir = true;
	}
	if (fp == NULL || dir || fseek(fp, 0, SEEK_END) == -1 ||
	    (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) == -1) {
		snprintf(why, whylen, "%s", strerror(errno));
		if (fp != NULL)
			fclose(fp);
		return NULL;
	}
	if (n > FILE_MAX || (buf = malloc((size_t)n + 1)) == NULL) {
		snprintf(why, whylen, "too large (at most %d bytes)", FILE_MAX);
		fclose(fp);
		return NULL;
	}
	*len = fread(buf, 1, (size_t)n, fp);
	if (ferror(fp)) {
		snprintf(why, whylen, "%s", strerror(errno));
		free(buf);
		fclose(fp);
		return NULL;
	}
	buf[*len] = '\0';
	fclose(fp);
	return buf;
}

int
ruleset_load_file(struct rules **out, char **doc, char *err, size_t errlen)
{
	const char *path = server.cfg.rules_file;
	char msg[512];
	json_t *data;
	size_t len;
	char *text;

	if (path[0] == '\0') {		/* the shipped rules, compiled in */
		text = strdup((const char *)rules_default_json);
		len = rules_default_json_len;
	} else if ((text = read_all(path, &len, msg, sizeof(msg))) == NULL) {
		config_path_error(&server.cfg, "rules_file", path, msg, err,
		    errlen);
		return -1;
	}
	if (text == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if ((*out = compile_text(text, len, msg, sizeof(msg), &data)) ==
	    NULL) {
		if (path[0] != '\0')
			config_path_error(&server.cfg, "rules_file", path, msg,
			    err, errlen);
		else
			snprintf(err, errlen, "the built-in rule set "
			    "(data/rules.default.json): %s", msg);
		json_decref(data);
		free(text);
		return -1;
	}
	*doc = text;
	return 0;
}

/*
 * Makes r (with its document) the rule set every match uses from now, or
 * frees it. Returns 0; -1 out of memory, -2 when evaluating its patterns
 * on the mirror's postings took longer than regex_install_ms: the rules in
 * use stay, and version is not tried again.
 *
 * The mirror in use decides. A mirror being loaded that cannot take r in
 * time is dropped and loaded again (with r): it cannot keep the rules
 * about to be freed, and putting them back into the mirror in use would
 * be timed too, and could fail the same way.
 */
static int
install(struct rules *r, const char *doc, int64_t version)
{
	char *copy = strdup(doc);
	int rc = copy == NULL ? -1 : 0;

	rules_set_version(r, version);
	if (rc == 0)
		rc = matcher_set_rules(server.matcher, r);
	if (rc != 0) {
		rules_free(r);
		free(copy);
		if (rc == -2)
			server.rules_refused = version;
		log_warnx("rules: version %lld not installed: %s",
		    (long long)version, rc == -2 ? "evaluating its patterns "
		    "on the postings took longer than regex_install_ms" :
		    "out of memory");
		return rc;
	}
	if (server.loading != NULL &&
	    matcher_set_rules(server.loading, r) != 0)
		mirror_load_again("the rules could not be installed in the "
		    "mirror being loaded in time");
	/* Counters of pattern runs outlive the rule set that made them. */
	server.regex_past.matches += rules_stats_of(server.rules)->matches;
	server.regex_past.limit_hits +=
	    rules_stats_of(server.rules)->limit_hits;
	server.regex_past.budget_out +=
	    rules_stats_of(server.rules)->budget_out;
	rules_free(server.rules);
	free(server.rules_doc);
	server.rules = r;
	server.rules_doc = copy;
	server.rules_local_only = false;
	log_info("rules: version %lld in use (%zu rules)", (long long)version,
	    rules_spec_of(r)->nrules);
	return 0;
}

/* ---- following Redis ------------------------------------------------- */

static void	poll_done(void);

static void
seeded(const struct store_res *res, void *arg)
{
	char *doc = arg;
	struct rules *r;
	char msg[512];
	json_t *data;

	server.rules_polling = false;
	if (res->status == STORE_OK &&
	    (r = compile_text(doc, strlen(doc), msg, sizeof(msg), &data)) !=
	    NULL)
		(void)install(r, doc, res->version);
	else if (res->status != STORE_OK && res->status != STORE_CONFLICT)
		log_warnx("rules: cannot store the rules file in Redis");
	free(doc);
	poll_done();
}

static void
polled_apply(const struct store_res *res)
{
	const struct store_rec *rec;
	struct rules *r;
	char msg[512];
	json_t *data;

	if (res->status == STORE_NOT_FOUND) {
		/* Nothing shared yet: the rules this daemon started with
		 * (its rules_file, or the built-in ones) become version 1. */
		char *doc;
		if (server.rules_file_doc == NULL ||
		    (doc = strdup(server.rules_file_doc)) == NULL)
			return;
		server.rules_polling = true;
		store_rules_set(server.store, doc, 0, seeded, doc);
		return;
	}
	if (res->status != STORE_OK)
		return;
	rec = &res->recs[0];
	if ((rec->version == rules_version(server.rules) && !server.rules_local_only) ||
	    rec->version == server.rules_refused)
		return;
	if (server.rules_doc != NULL && strlen(server.rules_doc) ==
	    rec->doclen && memcmp(server.rules_doc, rec->doc, rec->doclen) ==
	    0) {
		/* The document in use under another number (the rules file
		 * this daemon started with, stored by another): nothing to
		 * evaluate again, which at a million postings takes longer
		 * than regex_install_ms. */
		rules_set_version(server.rules, rec->version);
		server.rules_local_only = false;
		log_info("rules: version %lld in use (the same document)",
		    (long long)rec->version);
		return;
	}
	if ((r = compile_text(rec->doc, rec->doclen, msg, sizeof(msg),
	    &data)) == NULL) {
		log_warnx("rules: stored version %lld refused, keeping version "
		    "%lld: %s", (long long)rec->version,
		    (long long)rules_version(server.rules), msg);
		server.rules_refused = rec->version;
		json_decref(data);
		return;
	}
	(void)install(r, rec->doc, rec->version);
}

static void
polled(const struct store_res *res, void *arg)
{
	(void)arg;
	server.rules_polling = false;
	polled_apply(res);
	poll_done();
}

/* A look finished: a version announced meanwhile needs another one. */
static void
poll_done(void)
{
	if (server.rules_polling || !server.rules_poll_again)
		return;
	server.rules_poll_again = false;
	ruleset_poll_now();
}

void
ruleset_poll_now(void)
{
	if (!store_connected(server.store))
		return;
	if (server.rules_polling) {
		server.rules_poll_again = true;
		return;
	}
	server.rules_polling = true;
	store_rules_get(server.store, polled, NULL);
}

void
ruleset_start(struct rules *r, char *doc)
{
	server.rules = r;
	server.rules_doc = doc;
	server.rules_file_doc = strdup(doc);
}

void
ruleset_stop(void)
{
	rules_free(server.rules);
	free(server.rules_doc);
	free(server.rules_file_doc);
	server.rules = NULL;
	server.rules_doc = server.rules_file_doc = NULL;
}

struct hup_ctx {
	struct rules	*r;
	char		*doc;
};

static void
hup_stored(const struct store_res *res, void *arg)
{
	struct hup_ctx *hc = arg;

	if (res->status != STORE_OK) {
		/* Not stored: the next SIGHUP tries the same file again. */
		log_warnx("SIGHUP: the rules file was not stored (%s); the "
		    "rules in use stay", res->status == STORE_CONFLICT ?
		    "another change came first" : "Redis unavailable");
		rules_free(hc->r);
		free(hc->doc);
		free(hc);
		return;
	}
	free(server.rules_file_doc);
	server.rules_file_doc = hc->doc;
	(void)install(hc->r, hc->doc, res->version);
	free(hc);
}

void
ruleset_reload_file(void)
{
	char err[512], *doc;
	struct hup_ctx *hc;
	struct rules *r;

	if (server.cfg.rules_file[0] == '\0')
		return;
	if (ruleset_load_file(&r, &doc, err, sizeof(err)) == -1) {
		log_warnx("SIGHUP: rules not reloaded: %s", err);
		return;
	}
	if (server.rules_file_doc != NULL &&
	    strcmp(doc, server.rules_file_doc) == 0) {
		log_info("SIGHUP: %s unchanged", server.cfg.rules_file);
		rules_free(r);
		free(doc);
		return;
	}
	/*
	 * server.rules_file_doc is the file as last stored: until this one is,
	 * a SIGHUP reads it as changed and tries again.
	 */
	if (!store_connected(server.store)) {
		/* This daemon alone; Redis's version wins when it is back. */
		int64_t refused = server.rules_refused;

		if (install(r, doc, rules_version(server.rules)) == 0) {
			server.rules_local_only = true;
			log_warnx("SIGHUP: Redis unavailable: %s in use here "
			    "only", server.cfg.rules_file);
		} else		/* the number is Redis's, which stays */
			server.rules_refused = refused;
		free(doc);
		return;
	}
	if ((hc = calloc(1, sizeof(*hc))) == NULL) {
		log_warnx("SIGHUP: rules not reloaded: out of memory");
		rules_free(r);
		free(doc);
		return;
	}
	hc->r = r;
	hc->doc = doc;
	store_rules_set(server.store, doc, rules_version(server.rules),
	    hup_stored, hc);
}

/* ---- methods ----------------------------------------------------------- */

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
	if ((compiled = compile_doc(doc, msg, sizeof(msg), &data)) != NULL) {
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
	rc = install(sc->compiled, sc->doc, res->version);
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
	if ((sc->compiled = compile_doc(doc, msg, sizeof(msg), &data)) ==
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
