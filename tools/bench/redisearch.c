/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * jobmatch-rsbench - the workload of tools/bench/gen.h against Redis with
 * the RediSearch 1.2 module (Debian's redis-redisearch), for
 * bench/compare.sh.
 *
 *   jobmatch-rsbench load -p PORT -n N [--seed S]
 *   jobmatch-rsbench run -p PORT -n N [--seed S] [--qseed Q]
 *       --mode native|exact [-c CONNS] [--duration SECONDS] [--check]
 *
 * load: FT.CREATE an index of the generated postings and FT.ADD every one
 * of them, pipelined; prints the load time and the server's memory.
 *
 * run, native: per query one FT.SEARCH with RediSearch's own ranking: the
 * hard filters as tags (disability type, grade, each needed accommodation)
 * and GEOFILTER, the seeker's canonical skills as @skills:(a|b|c) with
 * SCORER DISMAX, LIMIT 0 10. Remote postings ignore the distance in our
 * model, which one FT.SEARCH cannot say: when the data set has any, a
 * second FT.SEARCH without GEOFILTER asks for @remote:{1}; the two go out
 * pipelined and their hits are merged by RediSearch's score. The order is
 * RediSearch's, not ours.
 *
 * run, exact: the same hard filters, no text clause, every matching id
 * (NOCONTENT, LIMIT 0 N); the client scores them with the project's scorer
 * (matcher_explain on a mirror of the same data and rule set), best bound
 * first (see score_exact), and sorts as matcher_hit_cmp does (score,
 * distance, id). This must give the reference's top 10 exactly.
 *
 * --check compares every query's top 10 with matcher_match_scan on the
 * same data, after the timed run: exact must agree on every query (exit 1
 * otherwise); native reports how often it agreed.
 *
 * One thread per connection, each with a synchronous hiredis context (and,
 * in exact mode, a mirror and a rule set of its own: neither is
 * thread-safe). Latency is the client's wall time from sending a query's
 * commands to having its top 10.
 *
 * This file has the commands (load, run, the check and the report);
 * rsquery.c the data set, the queries and the client's half of each mode.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "matcher/matcher.h"
#include "matcher/model.h"
#include "matcher/rules.h"
#include "matcher/strmap.h"
#include "matcher/vocab.h"
#include "tools/bench/args.h"
#include "tools/bench/gen.h"
#include "tools/bench/rsquery.h"
static void
usage(void)
{
	fprintf(stderr,
"usage: jobmatch-rsbench load -p PORT -n N [--seed S] [options]\n"
"       jobmatch-rsbench run -p PORT -n N [--seed S] [--qseed Q]\n"
"           --mode native|exact [-c CONNS] [--duration SECONDS (10)]\n"
"           [--warmup SECONDS (1)] [--check]\n"
"options: -h HOST (127.0.0.1)  --towns FILE  --rules FILE (the default\n"
"         rule set)  --json (one JSON line)\n"
"         --explain-all (exact mode: explain every candidate, no bound)\n");
	exit(2);
}

static redisContext *
rs_connect(const struct opts *o)
{
	struct timeval tv = { 5, 0 };
	redisContext *c = redisConnectWithTimeout(o->host, o->port, tv);

	if (c == NULL || c->err)
		rs_die("redis %s:%d: %s", o->host, o->port,
		    c != NULL ? c->errstr : "out of memory");
	return c;
}

static void
free_val(const char *key, void *val, void *arg)
{
	(void)key;
	(void)arg;
	free(val);
}

/* A tag list of the set bits of mask, in kind's identifiers. */
static void
tag_list(char *buf, size_t cap, enum vocab_kind kind, uint32_t mask,
    int count)
{
	buf[0] = '\0';
	for (int i = 0; i < count; i++)
		if (mask & 1u << i)
			rs_buf_add(buf, cap, "%s%s", buf[0] ? "," : "",
			    vocab_id(kind, i));
}

static void
expect_ok(redisReply *r, const char *what)
{
	if (r == NULL)
		rs_die("%s: no reply", what);
	if (r->type == REDIS_REPLY_ERROR)
		rs_die("%s: %s", what, r->str);
}

/* Sums a field of INFO memory, or -1. */
static long long
info_field(const char *info, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = info; p != NULL && *p; ) {
		if (strncmp(p, name, len) == 0 && p[len] == ':')
			return strtoll(p + len + 1, NULL, 10);
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return -1;
}

static void
server_memory(redisContext *c, long long *used, long long *rss)
{
	redisReply *r = redisCommand(c, "INFO memory");

	expect_ok(r, "INFO memory");
	*used = info_field(r->str, "used_memory");
	*rss = info_field(r->str, "used_memory_rss");
	freeReplyObject(r);
}

/* Sends one FT.ADD of posting i (not waiting for the reply). */
static void
add_job(redisContext *c, const struct run *run, const struct strmap *emps,
    const char *skills, size_t i)
{
	const struct job *j = &run->g.jobs[i];
	const struct employer *e = strmap_get(emps, j->employer_id);
	char key[2 * ID_MAX + 2], loc[64], dis[128], grades[32],
	    accom[512], num[32], expires[32];
	const char *argv[32];
	int argc = 0;

	snprintf(key, sizeof(key), "%s:%s", j->employer_id, j->id);
	argv[argc++] = "FT.ADD";
	argv[argc++] = INDEX;
	argv[argc++] = key;
	argv[argc++] = "1.0";
	argv[argc++] = "FIELDS";
	if (j->has_location) {
		snprintf(loc, sizeof(loc), "%.7f,%.7f", j->lon, j->lat);
		argv[argc++] = "location";
		argv[argc++] = loc;
	}
	/* "any" and an empty grade list mean all: spelt out, since a tag
	 * query cannot say "this tag, or none". */
	tag_list(dis, sizeof(dis), VOCAB_DISABILITY,
	    j->dis_any ? DIS_ALL_MASK : j->dis_mask, DIS_COUNT);
	argv[argc++] = "dis";
	argv[argc++] = dis;
	grades[0] = '\0';
	for (int g = GRADE_MIN; g <= GRADE_MAX; g++)	/* 1 << grade */
		if (j->grades_mask == 0 || (j->grades_mask & 1u << g))
			rs_buf_add(grades, sizeof(grades), "%s%d",
			    grades[0] ? "," : "", g);
	argv[argc++] = "grades";
	argv[argc++] = grades;
	tag_list(accom, sizeof(accom), VOCAB_ACCOMMODATION, j->accom_mask,
	    ACCOM_COUNT);
	if (accom[0] != '\0') {
		argv[argc++] = "accom";
		argv[argc++] = accom;
	}
	if (e != NULL && e->type >= 0) {
		argv[argc++] = "emp";
		argv[argc++] = vocab_id(VOCAB_EMPLOYER, e->type);
	}
	if (skills[0] != '\0') {
		argv[argc++] = "skills";
		argv[argc++] = skills;
	}
	snprintf(num, sizeof(num), "%" PRId64, j->openings);
	argv[argc++] = "openings";
	argv[argc++] = num;
	snprintf(expires, sizeof(expires), "%" PRId64,
	    j->expires_at != 0 ? j->expires_at : EXPIRES_NEVER);
	argv[argc++] = "expires";
	argv[argc++] = expires;
	argv[argc++] = "remote";
	argv[argc++] = j->remote ? "1" : "0";
	if (redisAppendCommandArgv(c, argc, argv, NULL) != REDIS_OK)
		rs_die("FT.ADD: %s", c->errstr);
}

/*
 * The skills field of every posting: its canonical skills as tokens,
 * distinct, space-separated. Computed before the load is timed (the
 * synonyms are the client's work, not RediSearch's), each raw skill once.
 * The caller frees each string and the array.
 */
static char **
skills_fields(const struct run *run, struct rules *rules)
{
	char **out = calloc(run->g.njobs + 1, sizeof(*out));
	struct strmap memo;	/* raw skill -> its token (owned) */

	if (out == NULL)
		rs_die("out of memory");
	strmap_init(&memo);
	for (size_t i = 0; i < run->g.njobs; i++) {
		const struct job *j = &run->g.jobs[i];
		char buf[SKILLS_MAX * (2 * CANON_BUF + 2)];
		const char *seen[SKILLS_MAX];
		size_t nseen = 0;

		buf[0] = '\0';
		for (size_t k = 0; k < j->nskills && k < SKILLS_MAX; k++) {
			char *tok = strmap_get(&memo, j->skills[k]);
			bool dup = false;

			if (tok == NULL) {
				char t[2 * CANON_BUF + 2];

				rs_skill_token(rules, j->skills[k], t, sizeof(t));
				if ((tok = strdup(t)) == NULL ||
				    strmap_put(&memo, j->skills[k], tok) == -1)
					rs_die("out of memory");
			}
			for (size_t h = 0; h < nseen; h++)
				dup |= strcmp(seen[h], tok) == 0;
			/* "k" alone: a skill with no canonical form. */
			if (tok[1] == '\0' || dup)
				continue;
			seen[nseen++] = tok;
			rs_buf_add(buf, sizeof(buf), "%s%s", buf[0] ? " " : "",
			    tok);
		}
		if ((out[i] = strdup(buf)) == NULL)
			rs_die("out of memory");
	}
	strmap_each(&memo, free_val, NULL);
	strmap_free(&memo);
	return out;
}

static int
cmd_load(const struct opts *o)
{
	struct run run;
	struct rules *rules;
	struct strmap emps;
	redisContext *c;
	redisReply *r;
	uint64_t t0, t1;
	long long used, rss, used0, rss0;
	char **skills;

	rs_run_init(&run, o);
	rules = rs_run_rules(&run);
	skills = skills_fields(&run, rules);
	strmap_init(&emps);
	for (size_t i = 0; i < run.g.nemployers; i++)
		if (strmap_put(&emps, run.g.employers[i].id,
		    &run.g.employers[i]) == -1)
			rs_die("out of memory");
	c = rs_connect(o);
	freeReplyObject(redisCommand(c, "FT.DROP " INDEX));
	server_memory(c, &used0, &rss0);
	r = redisCommand(c, "FT.CREATE " INDEX " SCHEMA location GEO "
	    "dis TAG grades TAG accom TAG emp TAG skills TEXT NOSTEM "
	    "openings NUMERIC expires NUMERIC remote TAG");
	expect_ok(r, "FT.CREATE");
	freeReplyObject(r);

	t0 = rs_now_ns();
	for (size_t i = 0; i < run.g.njobs; i += BATCH) {
		size_t end = i + BATCH < run.g.njobs ? i + BATCH :
		    run.g.njobs;

		for (size_t k = i; k < end; k++)
			add_job(c, &run, &emps, skills[k], k);
		for (size_t k = i; k < end; k++) {
			void *rep;

			if (redisGetReply(c, &rep) != REDIS_OK)
				rs_die("FT.ADD: %s", c->errstr);
			expect_ok(rep, "FT.ADD");
			freeReplyObject(rep);
		}
	}
	t1 = rs_now_ns();
	server_memory(c, &used, &rss);
	if (o->json)
		printf("{\"system\":\"redisearch\",\"n\":%zu,"
		    "\"load_s\":%.3f,\"used_memory\":%lld,\"rss\":%lld,"
		    "\"used_memory_before\":%lld,\"rss_before\":%lld}\n",
		    run.g.njobs, (double)(t1 - t0) / 1e9, used, rss, used0,
		    rss0);
	else
		printf("loaded %zu postings in %.2f s (%.0f/s); "
		    "used_memory %.1f MB, RSS %.1f MB (before: %.1f, %.1f)\n",
		    run.g.njobs, (double)(t1 - t0) / 1e9,
		    (double)run.g.njobs / ((double)(t1 - t0) / 1e9),
		    (double)used / 1048576, (double)rss / 1048576,
		    (double)used0 / 1048576, (double)rss0 / 1048576);
	redisFree(c);
	strmap_free(&emps);
	for (size_t i = 0; i < run.g.njobs; i++)
		free(skills[i]);
	free(skills);
	rules_free(rules);
	rs_run_free(&run);
	return 0;
}

static void
push_lat(struct worker *w, uint64_t ns)
{
	if (w->nlat == w->caplat) {
		w->caplat = w->caplat * 2 + 4096;
		if ((w->lat = realloc(w->lat, w->caplat * sizeof(*w->lat))) ==
		    NULL)
			rs_die("out of memory");
	}
	w->lat[w->nlat++] = ns;
}

static struct record *
push_rec(struct worker *w)
{
	if (w->nrec == w->caprec) {
		w->caprec = w->caprec * 2 + 1024;
		if ((w->rec = realloc(w->rec, w->caprec * sizeof(*w->rec))) ==
		    NULL)
			rs_die("out of memory");
	}
	return &w->rec[w->nrec++];
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct run *run = w->run;
	const struct opts *o = run->o;
	const struct filters nofilters = { 0 };

	w->rules = rs_run_rules(run);
	if (o->mode == MODE_EXACT)
		w->m = rs_run_matcher(run, w->rules);
	if ((w->seen = calloc(run->g.njobs, sizeof(*w->seen))) == NULL ||
	    (w->cands = calloc(run->g.njobs, sizeof(*w->cands))) == NULL)
		rs_die("out of memory");
	w->c = rs_connect(o);
	pthread_barrier_wait(&run->ready);

	while (rs_now_ns() < run->deadline_ns) {
		uint64_t qi = atomic_fetch_add(&run->next, 1), t0;
		struct profile p;
		struct search s;
		struct match_query q;
		struct record rec;
		redisReply *rep[2] = { NULL, NULL };
		uint32_t want[SKILLS_MAX];
		size_t limit = 10, nwant = 0;
		int rc = 0;

		profile_init(&p);
		gen_query(&run->g, o->qseed, qi, &p, &limit);
		rs_build_search(&s, run, w->rules, &p, limit);
		for (size_t i = 0; o->mode == MODE_EXACT && i < p.nskills &&
		    i < SKILLS_MAX; i++) {
			char buf[CANON_BUF];
			const char *c = rules_canon_skill(w->rules, p.skills[i],
			    buf, sizeof(buf));
			uintptr_t id = (uintptr_t)strmap_get(&run->canon, c);

			if (id != 0)
				want[nwant++] = (uint32_t)id;
		}
		memset(&q, 0, sizeof(q));
		q.profile = &p;
		q.filters = &nofilters;
		q.limit = limit;
		q.now = run->g.now;
		q.regex_budget = rules_limits(w->rules)->budget;
		rec.qi = qi;

		t0 = rs_now_ns();
		for (int k = 0; k < s.nq; k++)
			if (redisAppendCommandArgv(w->c, s.argc[k],
			    s.argv[k], NULL) != REDIS_OK)
				rs_die("FT.SEARCH: %s", w->c->errstr);
		for (int k = 0; k < s.nq; k++)
			if (redisGetReply(w->c, (void **)&rep[k]) != REDIS_OK)
				rs_die("FT.SEARCH: %s", w->c->errstr);
		for (int k = 0; k < s.nq && rc == 0; k++)
			rc = rs_reply_ok(w, rep[k]);
		if (rc == 0)
			rc = o->mode == MODE_EXACT ?
			    rs_score_exact(w, rep, s.nq, &q, want, nwant, &rec) :
			    rs_merge_native(w, rep, s.nq, limit, &rec);
		w->nqueries++;
		if (t0 >= run->measure_ns)
			push_lat(w, rs_now_ns() - t0);
		for (int k = 0; k < s.nq; k++)
			freeReplyObject(rep[k]);
		if (rc == -1) {
			if (w->errors++ == 0)
				fprintf(stderr, "jobmatch-rsbench: query %"
				    PRIu64 ": %s\n", qi, w->err);
		} else {
			if (t0 >= run->measure_ns)
				w->ok++;
			if (o->check)
				*push_rec(w) = rec;
		}
		profile_clear(&p);
	}
	redisFree(w->c);
	w->c = NULL;
	return NULL;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The nearest-rank percentile of sorted v, in ms. */
static double
pct_ms(const uint64_t *v, size_t n, double p)
{
	size_t i;

	if (n == 0)
		return 0;
	i = (size_t)ceil(p * (double)n);
	i = i == 0 ? 0 : i - 1;
	return (double)v[i < n ? i : n - 1] / 1e6;
}

/*
 * Compares every recorded top 10 with matcher_match_scan's. Returns the
 * queries checked; *same those whose top 10 is the reference's, in order;
 * *overlap the sum of the shares of the reference's hits found.
 */
static size_t
check_all(struct run *run, struct worker *ws, int nw, struct matcher *m,
    size_t *same, double *overlap)
{
	const struct filters nofilters = { 0 };
	struct rules *rules = matcher_rules(m);
	size_t checked = 0, shown = 0;

	*same = 0;
	*overlap = 0;
	for (int t = 0; t < nw; t++)
		for (size_t i = 0; i < ws[t].nrec; i++) {
			const struct record *rec = &ws[t].rec[i];
			struct match_result res;
			struct match_query q;
			struct profile p;
			size_t limit = 10, found = 0, n;
			bool eq;

			profile_init(&p);
			gen_query(&run->g, run->o->qseed, rec->qi, &p, &limit);
			memset(&q, 0, sizeof(q));
			q.profile = &p;
			q.filters = &nofilters;
			q.limit = limit < TOP_MAX ? limit : TOP_MAX;
			q.now = run->g.now;
			q.regex_budget = rules_limits(rules)->budget;
			if (matcher_match_scan(m, &q, &res) == -1)
				rs_die("out of memory");
			n = res.n;
			eq = n == rec->n;
			for (size_t k = 0; k < n; k++) {
				uint32_t ji = rs_job_index(run, res.hits[k].job->key);

				if (k >= rec->n || rec->job[k] != ji)
					eq = false;
				for (size_t h = 0; h < rec->n; h++)
					if (rec->job[h] == ji) {
						found++;
						break;
					}
			}
			*overlap += n == 0 ? (rec->n == 0 ? 1.0 : 0.0) :
			    (double)found / (double)n;
			if (eq)
				(*same)++;
			else if (run->o->mode == MODE_EXACT && shown++ < 5) {
				fprintf(stderr, "query %" PRIu64 ": reference",
				    rec->qi);
				for (size_t k = 0; k < n; k++)
					fprintf(stderr, " %s",
					    res.hits[k].job->key);
				fprintf(stderr, "\n  got");
				for (size_t k = 0; k < rec->n; k++)
					fprintf(stderr, " %s:%s",
					    run->g.jobs[rec->job[k]].employer_id,
					    run->g.jobs[rec->job[k]].id);
				fputc('\n', stderr);
			}
			checked++;
			profile_clear(&p);
		}
	return checked;
}

static int
cmd_run(const struct opts *o)
{
	struct run run;
	struct worker *ws;
	uint64_t *all, t0, t1, errors = 0, cand = 0, scoring = 0, expl = 0;
	uint64_t ok = 0, nq = 0;
	size_t nall = 0, checked = 0, same = 0;
	double overlap = 0, secs, qps;
	long long used, rss;
	redisContext *c;
	char agree[64];
	int rc = 0;

	rs_run_init(&run, o);
	if (o->mode == MODE_EXACT)
		rs_run_intern(&run);
	if ((ws = calloc((size_t)o->conns, sizeof(*ws))) == NULL)
		rs_die("out of memory");
	if (pthread_barrier_init(&run.ready, NULL, (unsigned)o->conns + 1))
		rs_die("pthread_barrier_init failed");
	run.measure_ns = run.deadline_ns = UINT64_MAX;
	for (int t = 0; t < o->conns; t++) {
		ws[t].run = &run;
		if (pthread_create(&ws[t].th, NULL, worker_main, &ws[t]))
			rs_die("pthread_create failed");
	}
	/* Every worker has its connection (and mirror) before the clock. */
	pthread_barrier_wait(&run.ready);
	t0 = rs_now_ns() + (uint64_t)(o->warmup * 1e9);
	run.measure_ns = t0;
	run.deadline_ns = t0 + (uint64_t)(o->duration * 1e9);
	for (int t = 0; t < o->conns; t++)
		pthread_join(ws[t].th, NULL);
	t1 = rs_now_ns();
	secs = (double)(t1 - t0) / 1e9;

	for (int t = 0; t < o->conns; t++)
		nall += ws[t].nlat;
	if ((all = malloc((nall + 1) * sizeof(*all))) == NULL)
		rs_die("out of memory");
	nall = 0;
	for (int t = 0; t < o->conns; t++) {
		memcpy(all + nall, ws[t].lat, ws[t].nlat * sizeof(*all));
		nall += ws[t].nlat;
		errors += ws[t].errors;
		ok += ws[t].ok;
		nq += ws[t].nqueries;
		cand += ws[t].candidates;
		expl += ws[t].explained;
		scoring += ws[t].scoring_ns;
	}
	qsort(all, nall, sizeof(*all), cmp_u64);
	qps = (double)ok / secs;

	c = rs_connect(o);
	server_memory(c, &used, &rss);
	redisFree(c);

	snprintf(agree, sizeof(agree), "-");
	if (o->check) {
		struct matcher *m = ws[0].m;
		struct rules *rules = NULL;

		if (m == NULL) {
			rules = rs_run_rules(&run);
			m = rs_run_matcher(&run, rules);
		}
		checked = check_all(&run, ws, o->conns, m, &same, &overlap);
		if (checked > 0 && same == checked)
			snprintf(agree, sizeof(agree), "yes");
		else if (o->mode == MODE_EXACT || checked == 0) {
			snprintf(agree, sizeof(agree), "no");
			rc = 1;
		} else
			snprintf(agree, sizeof(agree), "%.1f%% (overlap %.0f%%)",
			    100.0 * (double)same / (double)checked,
			    100.0 * overlap / (double)checked);
		if (ws[0].m == NULL) {
			matcher_free(m);
			rules_free(rules);
		}
	}
	if (errors > 0)
		rc = 1;

	if (o->json)
		printf("{\"system\":\"redisearch-%s\",\"n\":%zu,\"conns\":%d,"
		    "\"seconds\":%.3f,\"queries\":%zu,\"errors\":%" PRIu64 ","
		    "\"qps\":%.1f,\"p50_ms\":%.3f,\"p90_ms\":%.3f,"
		    "\"p99_ms\":%.3f,\"max_ms\":%.3f,"
		    "\"candidates_per_query\":%.1f,"
		    "\"explained_per_query\":%.1f,"
		    "\"client_scoring_ms_per_query\":%.3f,"
		    "\"used_memory\":%lld,\"rss\":%lld,\"checked\":%zu,"
		    "\"agreed\":%zu,\"overlap\":%.4f,\"top10\":\"%s\"}\n",
		    o->mode == MODE_EXACT ? "exact" : "native", run.g.njobs,
		    o->conns, secs, nall, errors, qps, pct_ms(all, nall, 0.5),
		    pct_ms(all, nall, 0.9), pct_ms(all, nall, 0.99),
		    pct_ms(all, nall, 1.0),
		    nq ? (double)cand / (double)nq : 0,
		    nq ? (double)expl / (double)nq : 0,
		    nq ? (double)scoring / 1e6 / (double)nq : 0, used, rss,
		    checked, same, checked ? overlap / (double)checked : 0,
		    agree);
	else {
		printf("redisearch %s: N=%zu, %d connections, %.1f s: %zu "
		    "queries, %" PRIu64 " errors, %.1f queries/s\n",
		    o->mode == MODE_EXACT ? "exact" : "native", run.g.njobs,
		    o->conns, secs, nall, errors, qps);
		printf("latency ms: p50 %.3f  p90 %.3f  p99 %.3f  max %.3f\n",
		    pct_ms(all, nall, 0.5), pct_ms(all, nall, 0.9),
		    pct_ms(all, nall, 0.99), pct_ms(all, nall, 1.0));
		if (o->mode == MODE_NATIVE)
			printf("per query: %.1f matches (before LIMIT)\n",
			    nq ? (double)cand / (double)nq : 0);
		else
			printf("per query: %.1f candidates from RediSearch, "
			    "%.1f explained, client scoring %.3f ms\n",
			    nq ? (double)cand / (double)nq : 0,
			    nq ? (double)expl / (double)nq : 0,
			    nq ? (double)scoring / 1e6 / (double)nq : 0);
		printf("server: used_memory %.1f MB, RSS %.1f MB\n",
		    (double)used / 1048576, (double)rss / 1048576);
		if (o->check)
			printf("check: %zu queries, %zu top-10 equal to the "
			    "reference, mean overlap %.1f%%: %s\n", checked,
			    same, checked ? 100 * overlap / (double)checked : 0,
			    agree);
	}

	for (int t = 0; t < o->conns; t++) {
		if (ws[t].m != NULL)
			matcher_free(ws[t].m);
		rules_free(ws[t].rules);
		free(ws[t].cands);
		free(ws[t].seen);
		free(ws[t].lat);
		free(ws[t].rec);
	}
	free(ws);
	free(all);
	pthread_barrier_destroy(&run.ready);
	rs_run_free(&run);
	return rc;
}

#define RS_CONNS_MAX	256	/* client threads */

static uint64_t
parse_u64(const char *s, const char *what, uint64_t lo, uint64_t hi)
{
	uint64_t v;

	if (bench_arg_u64(s, lo, hi, &v) == -1)
		rs_die("%s: expected a whole number from %" PRIu64 " to %"
		    PRIu64, what, lo, hi);
	return v;
}

static double
parse_secs(const char *s, const char *what)
{
	double v;

	if (bench_arg_secs(s, &v) == -1)
		rs_die("%s: expected seconds", what);
	return v;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 'S' },
		{ "qseed", required_argument, NULL, 'Q' },
		{ "mode", required_argument, NULL, 'm' },
		{ "duration", required_argument, NULL, 'D' },
		{ "warmup", required_argument, NULL, 'W' },
		{ "check", no_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ "explain-all", no_argument, NULL, 'X' },
		{ "towns", required_argument, NULL, 'T' },
		{ "rules", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 }
	};
	struct opts o = { "127.0.0.1", 0, 0, 1, 1, MODE_NATIVE, 2, 10, 1,
	    false, false, false, JM_TOWNS_DEFAULT, JM_RULES_DEFAULT };
	const char *cmd;
	bool mode_given = false;
	int ch;

	if (argc < 2)
		usage();
	cmd = argv[1];
	optind = 2;
	while ((ch = getopt_long(argc, argv, "h:p:n:c:", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'h':
			o.host = optarg;
			break;
		case 'p':
			o.port = (int)parse_u64(optarg, "-p", 1, 65535);
			break;
		case 'n':
			o.n = (size_t)parse_u64(optarg, "-n", 1, GEN_JOBS_MAX);
			break;
		case 'c':
			o.conns = (int)parse_u64(optarg, "-c", 1, RS_CONNS_MAX);
			break;
		case 'S':
			o.seed = parse_u64(optarg, "--seed", 0, UINT64_MAX);
			break;
		case 'Q':
			o.qseed = parse_u64(optarg, "--qseed", 0, UINT64_MAX);
			break;
		case 'm':
			if (strcmp(optarg, "native") == 0)
				o.mode = MODE_NATIVE;
			else if (strcmp(optarg, "exact") == 0)
				o.mode = MODE_EXACT;
			else
				rs_die("--mode: native or exact");
			mode_given = true;
			break;
		case 'D':
			o.duration = parse_secs(optarg, "--duration");
			break;
		case 'W':
			o.warmup = parse_secs(optarg, "--warmup");
			break;
		case 'k':
			o.check = true;
			break;
		case 'j':
			o.json = true;
			break;
		case 'X':
			o.explain_all = true;
			break;
		case 'T':
			o.towns_path = optarg;
			break;
		case 'R':
			o.rules_path = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || o.port <= 0 || o.port > 65535 || o.n == 0)
		usage();
	if (strcmp(cmd, "load") == 0)
		return cmd_load(&o);
	if (strcmp(cmd, "run") == 0) {
		if (!mode_given || o.conns < 1 || o.conns > 256 ||
		    !(o.duration > 0) || !(o.warmup >= 0))
			usage();
		return cmd_run(&o);
	}
	usage();
}
