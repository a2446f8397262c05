/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * rsquery.c - see rsquery.h: the data set, the mirror and the interned
 * skills of a run; the FT.SEARCH of a query; the exact mode's scoring and
 * the native mode's merge.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "matcher/model.h"
#include "matcher/vocab.h"
#include "proto/codec.h"
#include "tools/bench/rsquery.h"

void __attribute__((format(printf, 1, 2), noreturn))
rs_die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "jobmatch-rsbench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

uint64_t
rs_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Reads a whole file into a new NUL-terminated buffer, or dies. */
static char *
read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (fp == NULL)
		rs_die("%s: %s", path, strerror(errno));
	do {
		if (cap - n < 65536) {
			cap = cap * 2 + 65536;
			if ((buf = realloc(buf, cap + 1)) == NULL)
				rs_die("out of memory");
		}
		r = fread(buf + n, 1, cap - n, fp);
		n += r;
	} while (r > 0);
	if (ferror(fp))
		rs_die("%s: read error", path);
	fclose(fp);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Compiles the rule set document as daemon/ruleset.c does, without a clock
 * (pattern time is not bounded: the results must not depend on load). */
static struct rules *
compile_rules(const char *text, size_t len, char *err, size_t errlen)
{
	struct regex_limits lim;
	struct rules *r;
	json_error_t je;
	json_t *doc;

	if ((doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je)) ==
	    NULL) {
		snprintf(err, errlen, "line %d: %s", je.line, je.text);
		return NULL;
	}
	regex_limits_defaults(&lim);
	lim.clock_us = NULL;
	r = codec_rules_build(doc, &lim, err, errlen);
	json_decref(doc);
	return r;
}

/* Generates the data set and everything both subcommands need. */
void
rs_run_init(struct run *run, const struct opts *o)
{
	char *buf, err[256];
	size_t len;

	memset(run, 0, sizeof(*run));
	run->o = o;
	buf = read_file(o->towns_path, &len);
	if (towns_parse(&run->towns, buf, len, err, sizeof(err)) == -1)
		rs_die("%s: %s", o->towns_path, err);
	free(buf);
	run->rules_text = read_file(o->rules_path, &run->rules_len);
	if (gen_dataset(&run->g, &run->towns, o->seed, o->n) == -1)
		rs_die("out of memory generating the data set");
	strmap_init(&run->bykey);
	for (size_t i = 0; i < run->g.njobs; i++) {
		const struct job *j = &run->g.jobs[i];
		char key[2 * ID_MAX + 2];

		snprintf(key, sizeof(key), "%s:%s", j->employer_id, j->id);
		if (strmap_put(&run->bykey, key, (void *)(uintptr_t)(i + 1))
		    == -1)
			rs_die("out of memory");
		if (j->expires_at != 0)
			run->filter_expires = true;
		if (j->openings < 1)
			run->filter_openings = true;
		if (j->grades_mask != 0)
			run->filter_grades = true;
		if (j->remote)
			run->any_remote = true;
	}
}

void
rs_run_free(struct run *run)
{
	strmap_free(&run->bykey);
	strmap_free(&run->canon);
	free(run->jsk);
	free(run->jsk_off);
	gen_free(&run->g);
	towns_free(&run->towns);
	free(run->rules_text);
}

struct rules *
rs_run_rules(const struct run *run)
{
	char err[512];
	struct rules *r = compile_rules(run->rules_text, run->rules_len, err,
	    sizeof(err));

	if (r == NULL)
		rs_die("%s: %s", run->o->rules_path, err);
	return r;
}

/* A mirror of the generated data, as the daemon would hold it. */
struct matcher *
rs_run_matcher(const struct run *run, struct rules *rules)
{
	struct matcher *m = matcher_new(&run->towns, rules);

	if (m == NULL)
		rs_die("out of memory");
	for (size_t i = 0; i < run->g.nemployers; i++)
		if (matcher_put_employer(m, &run->g.employers[i]) == -1)
			rs_die("out of memory");
	for (size_t i = 0; i < run->g.njobs; i++)
		if (matcher_put_job(m, &run->g.jobs[i]) == -1)
			rs_die("out of memory");
	return m;
}

/*
 * Interns the canonical skills of every posting (as matcher/postings.c derives them:
 * empty ones dropped, duplicates once), for exact mode's bound on the skill
 * component. Raw skills repeat, so each is canonicalised once.
 */
void
rs_run_intern(struct run *run)
{
	struct rules *r = rs_run_rules(run);
	struct strmap raw;
	size_t total = 0, nterms = 0;

	strmap_init(&raw);
	strmap_init(&run->canon);
	for (size_t i = 0; i < run->g.njobs; i++)
		total += run->g.jobs[i].nskills;
	run->jsk = calloc(total + 1, sizeof(*run->jsk));
	run->jsk_off = calloc(run->g.njobs + 1, sizeof(*run->jsk_off));
	if (run->jsk == NULL || run->jsk_off == NULL)
		rs_die("out of memory");
	total = 0;
	for (size_t i = 0; i < run->g.njobs; i++) {
		const struct job *j = &run->g.jobs[i];

		run->jsk_off[i] = total;
		for (size_t k = 0; k < j->nskills; k++) {
			uintptr_t id = (uintptr_t)strmap_get(&raw,
			    j->skills[k]);
			bool dup = false;

			if (id == 0) {
				char buf[CANON_BUF];
				const char *c = rules_canon_skill(r,
				    j->skills[k], buf, sizeof(buf));

				if (c[0] == '\0')
					id = UINTPTR_MAX;
				else if ((id = (uintptr_t)strmap_get(
				    &run->canon, c)) == 0) {
					id = ++nterms;
					if (strmap_put(&run->canon, c,
					    (void *)id) == -1)
						rs_die("out of memory");
				}
				if (strmap_put(&raw, j->skills[k],
				    (void *)id) == -1)
					rs_die("out of memory");
			}
			if (id == UINTPTR_MAX)
				continue;
			for (size_t h = run->jsk_off[i]; h < total; h++)
				dup |= run->jsk[h] == (uint32_t)id;
			if (!dup)
				run->jsk[total++] = (uint32_t)id;
		}
	}
	run->jsk_off[run->g.njobs] = total;
	strmap_free(&raw);
	rules_free(r);
}

/* Appends "k" and the hex of the canonical skill: one token RediSearch
 * neither splits, stems nor folds, whatever the script of the term. */
size_t
rs_skill_token(struct rules *r, const char *skill, char *out, size_t outlen)
{
	static const char hex[] = "0123456789abcdef";
	char canon[CANON_BUF];
	size_t n = 0;

	rules_canon_skill(r, skill, canon, sizeof(canon));
	if (outlen < 2)
		return 0;
	out[n++] = 'k';
	for (const unsigned char *s = (const unsigned char *)canon;
	    *s != '\0' && n + 2 < outlen; s++) {
		out[n++] = hex[*s >> 4];
		out[n++] = hex[*s & 15];
	}
	out[n] = '\0';
	return n;
}

/* Appends to a fixed buffer; dies when it would not fit. */
void __attribute__((format(printf, 3, 4)))
rs_buf_add(char *buf, size_t cap, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + len, cap - len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap - len)
		rs_die("query or document too long");
}

void
rs_build_search(struct search *s, const struct run *run, struct rules *rules,
    const struct profile *p, size_t limit)
{
	const struct opts *o = run->o;
	double km = p->max_distance_km > 0 ? p->max_distance_km :
	    rules_spec_of(rules)->max_km;
	char base[QUERY_BUF];

	base[0] = '\0';
	rs_buf_add(base, sizeof(base), "@dis:{%s}",
	    vocab_id(VOCAB_DISABILITY, p->disability));
	if (run->filter_grades)
		rs_buf_add(base, sizeof(base), " @grades:{%d}", p->grade);
	for (int i = 0; i < ACCOM_COUNT; i++)
		if (p->needs_mask & 1u << i)
			rs_buf_add(base, sizeof(base), " @accom:{%s}",
			    vocab_id(VOCAB_ACCOMMODATION, i));
	/* Filters that hold for every posting of the data set only slow
	 * RediSearch down; they are asked for only when they matter. */
	if (run->filter_openings)
		rs_buf_add(base, sizeof(base), " @openings:[1 +inf]");
	if (run->filter_expires)
		rs_buf_add(base, sizeof(base), " @expires:[(%" PRId64 " +inf]",
		    run->g.now);
	if (o->mode == MODE_NATIVE && p->nskills > 0) {
		rs_buf_add(base, sizeof(base), " @skills:(");
		for (size_t i = 0; i < p->nskills; i++) {
			char tok[2 * CANON_BUF + 2];

			rs_skill_token(rules, p->skills[i], tok, sizeof(tok));
			rs_buf_add(base, sizeof(base), "%s%s", i ? "|" : "", tok);
		}
		rs_buf_add(base, sizeof(base), ")");
	}
	/* Remote postings within reach come in both answers: the client
	 * drops the second copy. Asking for @remote:{0} here instead would
	 * cost RediSearch one more intersection on every query. */
	s->nq = run->any_remote ? 2 : 1;
	s->text[0][0] = s->text[1][0] = '\0';
	rs_buf_add(s->text[0], sizeof(s->text[0]), "%s", base);
	rs_buf_add(s->text[1], sizeof(s->text[1]), "%s @remote:{1}", base);
	snprintf(s->lon, sizeof(s->lon), "%.7f", p->lon);
	snprintf(s->lat, sizeof(s->lat), "%.7f", p->lat);
	snprintf(s->km, sizeof(s->km), "%.4f", o->mode == MODE_EXACT ?
	    km * GEO_PAD_RATIO + GEO_PAD_KM : km);
	snprintf(s->lim, sizeof(s->lim), "%zu", o->mode == MODE_EXACT ?
	    run->g.njobs : limit);
	for (int q = 0; q < 2; q++) {
		const char **a = s->argv[q];
		int n = 0;

		a[n++] = "FT.SEARCH";
		a[n++] = INDEX;
		a[n++] = s->text[q];
		if (q == 0) {
			a[n++] = "GEOFILTER";
			a[n++] = "location";
			a[n++] = s->lon;
			a[n++] = s->lat;
			a[n++] = s->km;
			a[n++] = "km";
		}
		a[n++] = "NOCONTENT";
		a[n++] = "VERBATIM";
		if (o->mode == MODE_NATIVE) {
			a[n++] = "SCORER";
			a[n++] = "DISMAX";
			a[n++] = "WITHSCORES";
		}
		a[n++] = "LIMIT";
		a[n++] = "0";
		a[n++] = s->lim;
		s->argc[q] = n;
	}
}

/* The index in g.jobs of the posting "emp:id", or UINT32_MAX. gen.c
 * numbers its postings in their ids; that is tried first (and verified),
 * since hashing thousands of ids per query showed in the profile. */
uint32_t
rs_job_index(const struct run *run, const char *key)
{
	const char *colon = strchr(key, ':');
	uintptr_t v;

	if (colon != NULL && colon[1] != '\0') {
		const char *s = colon + 1;
		unsigned long long n = 0;

		while (*s != '\0' && (*s < '0' || *s > '9'))
			s++;
		while (*s >= '0' && *s <= '9')
			n = n * 10 + (unsigned long long)(*s++ - '0');
		if (*s == '\0' && n < run->g.njobs &&
		    strcmp(run->g.jobs[n].id, colon + 1) == 0 &&
		    strncmp(run->g.jobs[n].employer_id, key,
		    (size_t)(colon - key)) == 0 &&
		    run->g.jobs[n].employer_id[colon - key] == '\0')
			return (uint32_t)n;
	}
	v = (uintptr_t)strmap_get(&run->bykey, key);
	return v == 0 ? UINT32_MAX : (uint32_t)(v - 1);
}

int
rs_reply_ok(struct worker *w, redisReply *r)
{
	if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements < 1 ||
	    r->element[0]->type != REDIS_REPLY_INTEGER) {
		snprintf(w->err, sizeof(w->err), "FT.SEARCH: %s",
		    r != NULL && r->type == REDIS_REPLY_ERROR ? r->str :
		    "unexpected reply");
		return -1;
	}
	return 0;
}

static int
cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->ub != y->ub)
		return x->ub > y->ub ? -1 : 1;
	return x->job < y->job ? -1 : x->job > y->job;
}

/* Restores the max-heap (by cand_cmp) below i. */
static void
heap_down(struct cand *v, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		struct cand t;

		if (l < n && cand_cmp(&v[l], &v[m]) < 0)
			m = l;
		if (r < n && cand_cmp(&v[r], &v[m]) < 0)
			m = r;
		if (m == i)
			return;
		t = v[i];
		v[i] = v[m];
		v[m] = t;
		i = m;
	}
}

/* Puts h into the top list w->hits[0 .. *n), kept sorted, at most limit. */
static void
top_insert(struct worker *w, size_t *n, size_t limit,
    const struct match_hit *h)
{
	size_t i = *n;

	if (i == limit) {
		if (matcher_hit_cmp(h, &w->hits[limit - 1]) >= 0)
			return;
		i--;
	} else
		(*n)++;
	while (i > 0 && matcher_hit_cmp(h, &w->hits[i - 1]) < 0) {
		w->hits[i] = w->hits[i - 1];
		i--;
	}
	w->hits[i] = *h;
}

/*
 * Exact mode: the client's half. Every id of both replies is a candidate;
 * the project's scorer (matcher_explain) decides which match and their
 * scores, and the top limit are kept in matcher_hit_cmp's order.
 *
 * matcher_explain prepares the seeker afresh on every call (synonyms,
 * rules: several microseconds), so calling it on every one of thousands of
 * candidates would make the client, not RediSearch, the bottleneck. The
 * candidates are therefore explained best bound first, and the walk stops
 * once the limit-th score beats the next bound: skills coverage (from the
 * interned canonical skills) times its weight, plus the distance part,
 * plus every boost whose seeker-side conditions hold (learnt from the
 * first explained candidate that passes the filters; until then every
 * boost). A bound that was too low would show as a disagreement in
 * --check. --explain-all skips the bound.
 */
int
rs_score_exact(struct worker *w, redisReply *rep[2], int nq,
    const struct match_query *q, const uint32_t *want, size_t nwant,
    struct record *rec)
{
	const struct run *run = w->run;
	const struct rules_spec *rs = rules_spec_of(w->rules);
	const struct profile *p = q->profile;
	double maxkm = p->max_distance_km > 0 ? p->max_distance_km :
	    rs->max_km, boost_ub = 0;
	size_t nc = 0, ntop = 0, limit = q->limit < TOP_MAX ? q->limit :
	    TOP_MAX;
	bool learnt = false;
	uint64_t t0 = rs_now_ns();

	rec->n = 0;
	if (limit == 0)
		return 0;

	for (int k = 0; k < nq; k++)
		if ((size_t)rep[k]->element[0]->integer !=
		    rep[k]->elements - 1) {
			snprintf(w->err, sizeof(w->err), "FT.SEARCH: %lld "
			    "matches, %zu returned", rep[k]->element[0]->integer,
			    rep[k]->elements - 1);
			return -1;
		}
	for (size_t i = 0; i < rs->nrules; i++)
		if (rs->rules[i].action == RULE_BOOST && rs->rules[i].boost > 0)
			boost_ub += rs->rules[i].boost;
	for (int k = 0; k < nq; k++)
		for (size_t i = 1; i < rep[k]->elements; i++) {
			uint32_t ji = rs_job_index(run, rep[k]->element[i]->str);
			const struct job *j;
			size_t have = 0, njs;
			double d, cov;

			if (ji == UINT32_MAX || w->seen[ji] == rec->qi + 1)
				continue;
			w->seen[ji] = rec->qi + 1;
			w->candidates++;
			j = &run->g.jobs[ji];
			/* The matcher's own distance and limit: what GEOFILTER's
			 * padding let through is left out here. */
			d = geo_distance_km(p->lat, p->lon, j->lat, j->lon);
			if (!j->remote && !(d <= maxkm))
				continue;
			njs = run->jsk_off[ji + 1] - run->jsk_off[ji];
			for (size_t a = run->jsk_off[ji];
			    a < run->jsk_off[ji + 1]; a++)
				for (size_t b = 0; b < nwant; b++)
					if (run->jsk[a] == want[b]) {
						have++;
						break;
					}
			cov = njs == 0 ? 1.0 : (double)have / (double)njs;
			w->cands[nc].ub = rs->w_skills * cov + rs->w_distance *
			    (j->remote ? 1.0 : rules_distance_score(w->rules, d));
			w->cands[nc++].job = ji;
		}
	/* Best bound first: a heap, since the walk usually stops after a
	 * few hundred of thousands. */
	if (!run->o->explain_all)
		for (size_t i = nc / 2; i-- > 0; )
			heap_down(w->cands, nc, i);
	for (size_t left = nc; left > 0; left--) {
		struct cand c = w->cands[run->o->explain_all ? left - 1 : 0];
		const struct job *j = &run->g.jobs[c.job];
		struct match_explain x;
		bool filtered = false;

		if (!run->o->explain_all) {
			w->cands[0] = w->cands[left - 1];
			heap_down(w->cands, left - 1, 0);
		}
		/* 1e-5: the parts are rounded to 1e-6 each. */
		if (!run->o->explain_all && ntop == limit &&
		    w->hits[limit - 1].score > c.ub + boost_ub + 1e-5)
			break;
		matcher_explain(w->m, q, j->employer_id, j->id, &x);
		w->explained++;
		for (int f = 0; f < FC_COUNT; f++)
			filtered |= !x.pass[f];
		if (!learnt && x.job != NULL && !filtered) {
			/* Which boosts can fire depends on the seeker only. */
			boost_ub = 0;
			for (size_t r = 0; r < rs->nrules; r++)
				if (rs->rules[r].action == RULE_BOOST &&
				    rs->rules[r].boost > 0 &&
				    x.verdict[r] != RV_SEEKER)
					boost_ub += rs->rules[r].boost;
			learnt = true;
		}
		if (x.matched)
			top_insert(w, &ntop, limit, &x.hit);
	}
	rec->n = 0;
	for (size_t i = 0; i < ntop; i++)
		rec->job[rec->n++] = rs_job_index(run, w->hits[i].job->key);
	w->scoring_ns += rs_now_ns() - t0;
	return 0;
}

/* Native mode: merges the ranked lists by RediSearch's score (the geo one
 * first on a tie), each posting once. */
int
rs_merge_native(struct worker *w, redisReply *rep[2], int nq, size_t limit,
    struct record *rec)
{
	size_t at[2] = { 1, 1 };

	rec->n = 0;
	for (int k = 0; k < nq; k++) {
		if ((rep[k]->elements - 1) % 2 != 0) {
			snprintf(w->err, sizeof(w->err),
			    "FT.SEARCH: odd WITHSCORES reply");
			return -1;
		}
		w->candidates += (uint64_t)rep[k]->element[0]->integer;
	}
	while (rec->n < limit && rec->n < TOP_MAX) {
		double s[2];
		uint32_t ji;
		int k;

		for (k = 0; k < 2; k++)
			s[k] = k < nq && at[k] < rep[k]->elements ?
			    strtod(rep[k]->element[at[k] + 1]->str, NULL) :
			    -INFINITY;
		if (s[0] == -INFINITY && s[1] == -INFINITY)
			break;
		k = s[0] >= s[1] ? 0 : 1;
		ji = rs_job_index(w->run, rep[k]->element[at[k]]->str);
		at[k] += 2;
		if (ji == UINT32_MAX || w->seen[ji] == rec->qi + 1)
			continue;
		w->seen[ji] = rec->qi + 1;
		rec->job[rec->n++] = ji;
	}
	return 0;
}
