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
#include "daemon/rules_default.h"
#include "daemon/ruleset.h"
#include "daemon/server.h"
#include "daemon/store.h"
#include "proto/codec.h"

#define FILE_MAX	(4 * 1024 * 1024)


struct rules *
ruleset_compile(json_t *doc, char *msg, size_t msglen, json_t **data)
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
	r = ruleset_compile(doc, msg, msglen, data);
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
 * Drops the mirror being loaded (server.loading), which then takes nothing
 * more, and has the store load a new one once this load ends; why is
 * logged. Matches go on from the mirror in use meanwhile.
 */
static void
load_again(const char *why)
{
	matcher_free(server.loading);
	server.loading = NULL;
	store_reload(server.store, why);
}

/*
 * The mirror in use decides. A mirror being loaded that cannot take r in
 * time is dropped and loaded again (with r): it cannot keep the rules
 * about to be freed, and putting them back into the mirror in use would
 * be timed too, and could fail the same way.
 */
int
ruleset_install(struct rules *r, const char *doc, int64_t version)
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
		load_again("the rules could not be installed in the "
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
		(void)ruleset_install(r, doc, res->version);
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
	(void)ruleset_install(r, rec->doc, rec->version);
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
	(void)ruleset_install(hc->r, hc->doc, res->version);
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

		if (ruleset_install(r, doc, rules_version(server.rules)) == 0) {
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
