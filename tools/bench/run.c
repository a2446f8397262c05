/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * run.c - jobmatch-bench run: match requests of the generated query stream
 * over the connections, DEPTH in flight on each, for a duration (after a
 * warm-up) or a number of queries. Each answer's latency counts from the
 * moment its request was queued to the moment its line was read; only
 * requests sent after the warm-up and answered before the end count. With
 * --check every answer is compared with the brute-force reference
 * (check.c) as it arrives, on the same loop.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <jansson.h>

#include "daemon/hist.h"
#include "proto/rpc.h"
#include "tools/bench/bench.h"
#include "tools/bench/check.h"
#include "tools/bench/reqs.h"

struct run {
	const struct opts	*o;
	struct gen		*g;
	struct check		*ck;
	struct bconn		*conns;
	struct event_base	*base;
	uint64_t		 t_measure, t_end, t_done;
	bool			 stopping;
	uint64_t		 next_query;
	uint64_t		*pause_until;	/* by connection, after a
						   -32005 */
	/* Answers sent and received within the measured window. */
	struct hist		 lat, took;
	uint64_t		 lat_max, ok, errors, busy, took_max;
	uint64_t		 cand_sum, cand_n;
	/* Over the whole run. */
	uint64_t		 answers, all_errors, checked, differ;
	int64_t			 regex0[2];	/* stats before: limit_hits,
						   budget_spent; -1: none */
	char			 line[MATCH_LINE_MAX];
};

static size_t
run_line(struct run *R, uint64_t id, uint64_t qi)
{
	char *skills[SKILLS_MAX];
	struct profile p;
	size_t limit;

	gen_query_borrowed(R->g, R->o->qseed, qi, &p, skills, &limit);
	return reqs_match_line(R->line, id, &p, limit, R->g->towns);
}

static void
run_fill(struct run *R, struct bconn *c)
{
	while (!R->stopping && c->count < (size_t)R->o->depth) {
		uint64_t qi;
		size_t len;

		if (R->o->queries > 0 &&
		    R->next_query - R->o->from >= R->o->queries) {
			R->stopping = true;
			break;
		}
		qi = R->next_query++;
		len = run_line(R, c->next_id, qi);
		bconn_send(c, c->next_id++, R->line, len, qi);
	}
	bconn_flush(c);
}

static bool
run_idle(const struct run *R)
{
	for (int i = 0; i < R->o->conns; i++)
		if (R->conns[i].count > 0)
			return false;
	return true;
}

static void
run_done(struct run *R)
{
	R->t_done = bench_now_us();
	event_base_loopexit(R->base, NULL);
}

static void
run_check(struct run *R, const struct bconn_pending *p, const char *line,
    size_t len)
{
	char diff[1024];
	uint64_t t0 = bench_now_us(), spent;
	size_t qlen = run_line(R, p->id, p->tag);
	int rc = check_answer(R->ck, R->line, qlen - 1, line, len, diff,
	    sizeof(diff));

	/* Time the loop spent here is no connection's stall. */
	spent = bench_now_us() - t0;
	for (int i = 0; i < R->o->conns; i++)
		R->conns[i].last_us += spent;
	R->checked++;
	if (rc == 0)
		return;
	if (R->differ++ < ERRORS_SHOWN)
		fprintf(stderr, "check: query %" PRIu64 " (--qseed %" PRIu64
		    "): %s\n  request: %.*s\n", p->tag, R->o->qseed, diff,
		    (int)(qlen - 1), R->line);
}

static void
run_answer(struct bconn *c, const struct bconn_pending *p, const char *line,
    size_t len, uint64_t now)
{
	struct run *R = c->arg;
	struct answer a;

	if (reqs_scan(line, len, &a) == -1 || a.id != p->id)
		bench_die("%s: connection %d: unexpected answer to request %"
		    PRIu64 ": %.200s", c->addr, c->index, p->id, line);
	R->answers++;
	if (!a.ok && R->all_errors++ < ERRORS_SHOWN)
		fprintf(stderr, "match (query %" PRIu64 "): %d %s%s\n", p->tag,
		    a.code, a.message, a.code == RPC_BUSY ?
		    " (the daemon's max_request_rate per connection?)" : "");
	if (R->ck != NULL)
		run_check(R, p, line, len);
	if (p->sent_us >= R->t_measure && now <= R->t_end) {
		if (a.ok) {
			uint64_t dt = now - p->sent_us;
			R->ok++;
			hist_add(&R->lat, dt);
			if (dt > R->lat_max)
				R->lat_max = dt;
			if (a.took_us >= 0) {
				hist_add(&R->took, (uint64_t)a.took_us);
				if ((uint64_t)a.took_us > R->took_max)
					R->took_max = (uint64_t)a.took_us;
			}
			if (a.candidates >= 0) {
				R->cand_sum += (uint64_t)a.candidates;
				R->cand_n++;
			}
		} else if (a.code == RPC_BUSY)
			R->busy++;
		else
			R->errors++;
	}
	if (!R->stopping && now >= R->t_end)
		R->stopping = true;
	if (!a.ok && a.code == RPC_BUSY) {
		/* Refused by a limit: wait a tick rather than spin on it. */
		R->pause_until[c->index] = now + TICK_US;
	} else if (!R->stopping)
		run_fill(R, c);
	if (R->stopping && run_idle(R))
		run_done(R);
}

static void
run_tick(evutil_socket_t fd, short what, void *arg)
{
	struct run *R = arg;
	uint64_t now = bench_now_us();

	(void)fd;
	(void)what;
	bench_check_stalls(R->conns, R->o->conns, R->o->timeout, now);
	if (!R->stopping && now >= R->t_end)
		R->stopping = true;
	for (int i = 0; i < R->o->conns && !R->stopping; i++)
		if (R->pause_until[i] != 0 && now >= R->pause_until[i]) {
			R->pause_until[i] = 0;
			run_fill(R, &R->conns[i]);
		}
	if (R->stopping && run_idle(R))
		run_done(R);
}

/* The daemon's rules.regex.limit_hits and budget_spent (-1: unknown). A
 * pattern cut short by a limit (regex_time_us among them, which a loaded
 * machine can reach) counts as not matching, which changes scores. */
static void
regex_counters(const struct opts *o, struct bconn *staff, int64_t out[2])
{
	char err[512];
	json_t *resp, *rx;

	out[0] = out[1] = -1;
	if (staff == NULL || (resp = bconn_call(staff, "stats", NULL,
	    (int)(o->timeout * 1000), err, sizeof(err))) == NULL)
		return;
	rx = json_object_get(json_object_get(json_object_get(resp, "result"),
	    "rules"), "regex");
	if (json_is_integer(json_object_get(rx, "limit_hits")))
		out[0] = json_integer_value(json_object_get(rx, "limit_hits"));
	if (json_is_integer(json_object_get(rx, "budget_spent")))
		out[1] = json_integer_value(json_object_get(rx,
		    "budget_spent"));
	json_decref(resp);
}

static struct check *
run_reference(const struct opts *o, struct gen *g, struct bconn *staff)
{
	char err[512];
	json_t *resp, *res;
	struct check *ck;
	uint64_t t0 = bench_now_us();
	const char *how;
	int64_t mirror;

	resp = bconn_call(staff, "rules.get", NULL,
	    (int)(o->timeout * 1000), err, sizeof(err));
	if (resp == NULL)
		bench_die("rules.get: %s", err);
	if ((res = json_object_get(resp, "result")) == NULL)
		bench_die("rules.get refused: --staff-token must be a staff "
		    "token");
	if ((ck = check_new(g, res, err, sizeof(err))) == NULL)
		bench_die("--check: %s", err);
	printf("reference: %zu postings, rule set version %" PRId64
	    ", built in %.2f s\n", g->njobs, (int64_t)json_integer_value(
	    json_object_get(res, "version")),
	    (double)(bench_now_us() - t0) / 1e6);
	json_decref(resp);
	(void)bench_server_rss(o, staff, &how, &mirror);
	if (mirror >= 0 && (size_t)mirror != g->njobs)
		fprintf(stderr, "warning: the daemon holds %" PRId64 " open "
		    "postings, the data set %zu: was it loaded with -n %zu "
		    "--seed %" PRIu64 " into an empty Redis?\n", mirror,
		    g->njobs, g->njobs, o->seed);
	return ck;
}

/* A quantile's bucket bound, but never above the largest value seen. */
static uint64_t
quant(const struct hist *h, unsigned permille, uint64_t max)
{
	uint64_t q = hist_quantile(h, permille);

	return q < max ? q : max;
}

static void
run_report(const struct opts *o, struct run *R, struct bconn *staff)
{
	uint64_t end = R->t_done < R->t_end ? R->t_done : R->t_end;
	double secs = end > R->t_measure ?
	    (double)(end - R->t_measure) / 1e6 : 0.0;
	json_t *out = json_object();

	printf("  matches         %" PRIu64 " in %.2f s = %.1f/s, errors %"
	    PRIu64 ", busy %" PRIu64 "\n", R->ok, secs,
	    secs > 0 ? (double)R->ok / secs : 0.0, R->errors, R->busy);
	printf("  client latency  p50 %" PRIu64 "  p90 %" PRIu64 "  p99 %"
	    PRIu64 "  p99.9 %" PRIu64 "  max %" PRIu64 " us\n",
	    quant(&R->lat, 500, R->lat_max), quant(&R->lat, 900, R->lat_max),
	    quant(&R->lat, 990, R->lat_max), quant(&R->lat, 999, R->lat_max),
	    R->lat_max);
	printf("  server took_us  p50 %" PRIu64 "  p99 %" PRIu64 "  max %"
	    PRIu64 " us\n", quant(&R->took, 500, R->took_max),
	    quant(&R->took, 990, R->took_max), R->took_max);
	if (R->cand_n > 0)
		printf("  candidates      %.0f a match on average (postings "
		    "that passed the hard filters)\n",
		    (double)R->cand_sum / (double)R->cand_n);
	printf("  (percentiles are histogram bucket bounds: at most 6.25 %% "
	    "above the value)\n");
	if (R->busy > 0)
		printf("  WARNING: %" PRIu64 " answers were -32005 (busy): the "
		    "daemon's request rate limit (max_request_rate) "
		    "shaped this run, not its matcher\n", R->busy);
	if (out == NULL)
		bench_die("out of memory");
	json_object_set_new(out, "matches", json_integer((json_int_t)R->ok));
	json_object_set_new(out, "seconds", json_real(secs));
	json_object_set_new(out, "qps", json_real(secs > 0 ?
	    (double)R->ok / secs : 0.0));
	json_object_set_new(out, "errors", json_integer((json_int_t)R->errors));
	json_object_set_new(out, "busy", json_integer((json_int_t)R->busy));
	json_object_set_new(out, "candidates_mean", json_real(R->cand_n > 0 ?
	    (double)R->cand_sum / (double)R->cand_n : 0.0));
	json_object_set_new(out, "latency_us", json_pack("{s:I, s:I, s:I, "
	    "s:I, s:I}", "p50", (json_int_t)quant(&R->lat, 500, R->lat_max),
	    "p90", (json_int_t)quant(&R->lat, 900, R->lat_max), "p99",
	    (json_int_t)quant(&R->lat, 990, R->lat_max), "p999",
	    (json_int_t)quant(&R->lat, 999, R->lat_max), "max",
	    (json_int_t)R->lat_max));
	json_object_set_new(out, "took_us", json_pack("{s:I, s:I, s:I}",
	    "p50", (json_int_t)quant(&R->took, 500, R->took_max), "p99",
	    (json_int_t)quant(&R->took, 990, R->took_max), "max",
	    (json_int_t)R->took_max));
	if (staff != NULL && R->regex0[0] >= 0) {
		int64_t now[2];
		regex_counters(o, staff, now);
		if (now[0] >= 0) {
			printf("  daemon regex    %" PRId64 " limit hits, %" PRId64
			    " budgets spent during the run%s\n",
			    now[0] - R->regex0[0], now[1] - R->regex0[1],
			    now[0] > R->regex0[0] ? " (patterns cut short: "
			    "scores may differ from the reference)" : "");
			json_object_set_new(out, "regex_limit_hits",
			    json_integer(now[0] - R->regex0[0]));
		}
	}
	if (R->ck != NULL) {
		printf("  check           %" PRIu64 " answers compared with "
		    "the brute-force reference: %s", R->checked,
		    R->differ == 0 ? "all equal" : "");
		if (R->differ > 0)
			printf("%" PRIu64 " DIFFER", R->differ);
		if (check_candidates_differ(R->ck) > 0)
			printf(" (candidates counts differed in %" PRIu64 ")",
			    check_candidates_differ(R->ck));
		printf("\n  (with --check the loop also computes every "
		    "reference: the figures above are not throughput)\n");
		json_object_set_new(out, "checked",
		    json_integer((json_int_t)R->checked));
		json_object_set_new(out, "differ",
		    json_integer((json_int_t)R->differ));
	}
	bench_print_rss(o, staff, 0, out);
	bench_print_json(o, out);
}

int
bench_run(const struct opts *o)
{
	static struct run R;	/* large histograms: not on the stack */
	struct bconn staff;
	struct towns towns;
	struct gen g;
	struct event *tick;
	struct timeval tv = { 0, TICK_US };
	uint64_t t0;
	bool have_staff = o->staff_token != NULL && o->staff_token[0] != '\0';

	if (o->token == NULL)
		bench_die("run: a kiosk (or staff) token is required (-t or "
		    "JOBMATCH_TOKEN)");
	if (o->check && (!o->has_n || !have_staff))
		bench_die("run --check needs -n N (and --seed S) of the load "
		    "and --staff-token T for rules.get");
	bench_load_towns(o->towns_file, &towns);
	memset(&g, 0, sizeof(g));
	g.towns = &towns;
	memset(&R, 0, sizeof(R));
	R.o = o;
	R.next_query = o->from;
	R.g = &g;
	if (have_staff)
		bench_open_conn(o, &staff, -1, o->staff_token);
	if (o->check) {
		bench_make_dataset(o, &towns, &g, stdout);
		R.ck = run_reference(o, &g, &staff);
	}
	if ((R.conns = calloc((size_t)o->conns, sizeof(*R.conns))) == NULL ||
	    (R.pause_until = calloc((size_t)o->conns,
	    sizeof(*R.pause_until))) == NULL ||
	    (R.base = event_base_new()) == NULL)
		bench_die("out of memory");
	for (int i = 0; i < o->conns; i++)
		bench_open_conn(o, &R.conns[i], i, o->token);
	printf("jobmatch-bench run: %s, %d connection%s x depth %d, %.0f s "
	    "(after %.0f s warm-up), queries --qseed %" PRIu64 "%s%s\n",
	    o->addr, o->conns, o->conns == 1 ? "" : "s", o->depth, o->duration,
	    o->warmup, o->qseed, o->queries > 0 ? " (a set number)" : "",
	    o->check ? ", --check" : "");
	for (int i = 0; i < o->conns; i++)
		bconn_attach(&R.conns[i], R.base, run_answer, &R);
	tick = event_new(R.base, -1, EV_PERSIST, run_tick, &R);
	if (tick == NULL || event_add(tick, &tv) == -1)
		bench_die("libevent: no timer");
	regex_counters(o, have_staff ? &staff : NULL, R.regex0);
	t0 = bench_now_us();
	R.t_measure = t0 + (uint64_t)(o->warmup * 1e6);
	R.t_end = R.t_measure + (uint64_t)(o->duration * 1e6);
	for (int i = 0; i < o->conns; i++)
		run_fill(&R, &R.conns[i]);
	event_base_dispatch(R.base);
	event_free(tick);
	if (have_staff) {
		/* A long --check may have left it idle past idle_timeout_s. */
		bconn_close(&staff);
		bench_open_conn(o, &staff, -1, o->staff_token);
	}
	run_report(o, &R, have_staff ? &staff : NULL);
	for (int i = 0; i < o->conns; i++)
		bconn_close(&R.conns[i]);
	if (have_staff)
		bconn_close(&staff);
	event_base_free(R.base);
	free(R.conns);
	free(R.pause_until);
	check_free(R.ck);
	gen_free(&g);
	towns_free(&towns);
	return R.differ > 0 || (o->check && R.checked == 0) ? 1 : 0;
}
