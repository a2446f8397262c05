/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * load.c - jobmatch-bench load: every generated employer (employer.put),
 * then every posting (job.post), pipelined over the connections; then,
 * with --single K, K sequential job.post updates timed one by one.
 * Requests refused as busy (-32005, the daemon's request rate limit) are
 * sent again a little later, so that the data set is complete.
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
#include "tools/bench/reqs.h"

struct load {
	const struct opts	*o;
	struct gen		*g;
	struct bconn		*conns;
	struct event_base	*base;
	bool			 jobs;		/* the postings' phase */
	size_t			 total, next, done, errors, busy;
	size_t			*retry;		/* items refused as busy */
	size_t			 nretry;
	uint64_t		 retry_at;	/* not before */
	uint64_t		 t0;
};

static void
load_fill(struct load *L, struct bconn *c)
{
	uint64_t now = bench_now_us();

	while (c->count < (size_t)L->o->depth) {
		size_t item, len;
		char *line;

		if (L->nretry > 0 && now >= L->retry_at)
			item = L->retry[--L->nretry];
		else if (L->next < L->total)
			item = L->next++;
		else
			break;
		line = reqs_line(c->next_id, L->jobs ? "job.post" :
		    "employer.put", L->jobs ? reqs_job_params(L->g, item) :
		    reqs_employer_params(L->g, item), &len);
		if (line == NULL)
			bench_die("out of memory");
		bconn_send(c, c->next_id++, line, len, item);
		free(line);
	}
	bconn_flush(c);
}

static void
load_phase(struct load *L, bool jobs)
{
	L->jobs = jobs;
	L->total = jobs ? L->g->njobs : L->g->nemployers;
	L->next = L->done = 0;
	L->t0 = bench_now_us();
	for (int i = 0; i < L->o->conns; i++)
		load_fill(L, &L->conns[i]);
}

static void
load_answer(struct bconn *c, const struct bconn_pending *p, const char *line,
    size_t len, uint64_t now)
{
	struct load *L = c->arg;
	struct answer a;

	(void)now;
	if (reqs_scan(line, len, &a) == -1 || a.id != p->id)
		bench_die("%s: connection %d: unexpected answer to request %"
		    PRIu64 ": %.200s", c->addr, c->index, p->id, line);
	if (!a.ok && a.code == RPC_BUSY) {
		/* The request rate limit: try the item again a bit later. */
		L->busy++;
		L->retry[L->nretry++] = p->tag;
		L->retry_at = bench_now_us() + 50000;
		if (L->busy == 1)
			fprintf(stderr, "%s: -32005 %s: retrying such requests "
			    "(raise max_request_rate for a bulk load)\n",
			    L->jobs ? "job.post" : "employer.put", a.message);
	} else {
		L->done++;
		if (!a.ok && L->errors++ < ERRORS_SHOWN)
			fprintf(stderr, "%s %s: %d %s\n", L->jobs ? "job.post" :
			    "employer.put", L->jobs ? L->g->jobs[p->tag].id :
			    L->g->employers[p->tag].id, a.code, a.message);
	}
	if (L->done == L->total) {
		if (!L->jobs) {
			double s = (double)(bench_now_us() - L->t0) / 1e6;
			printf("  employer.put    %zu in %.2f s, %zu error%s\n",
			    L->total, s, L->errors, L->errors == 1 ? "" : "s");
			if (L->errors > 0)
				bench_die("employers were refused: postings "
				    "would be refused too");
			load_phase(L, true);
		} else
			event_base_loopexit(L->base, NULL);
		return;
	}
	load_fill(L, c);
}

static void
load_tick(evutil_socket_t fd, short what, void *arg)
{
	struct load *L = arg;
	uint64_t now = bench_now_us();

	(void)fd;
	(void)what;
	bench_check_stalls(L->conns, L->o->conns, L->o->timeout, now);
	if (L->nretry > 0 && now >= L->retry_at)
		for (int i = 0; i < L->o->conns; i++)
			load_fill(L, &L->conns[i]);
}

/* K sequential job.post updates of postings already there (the same
 * documents again, so the data set does not change). */
static void
load_single(const struct opts *o, struct gen *g, struct bconn *c, json_t *out)
{
	struct hist h;
	uint64_t max = 0, t0, p50, p99;
	size_t errors = 0;
	char err[512];

	memset(&h, 0, sizeof(h));
	for (size_t k = 0; k < o->single; k++) {
		size_t i = (size_t)(((uint64_t)k * 7919u) % g->njobs);
		json_t *params = reqs_job_params(g, i), *resp;
		uint64_t dt;

		if (params == NULL)
			bench_die("out of memory");
		t0 = bench_now_us();
		resp = bconn_call(c, "job.post", params,
		    (int)(o->timeout * 1000), err, sizeof(err));
		dt = bench_now_us() - t0;
		json_decref(params);
		if (resp == NULL)
			bench_die("%s", err);
		if (json_object_get(resp, "error") != NULL && errors++ <
		    ERRORS_SHOWN)
			fprintf(stderr, "job.post %s: %s\n", g->jobs[i].id,
			    json_string_value(json_object_get(json_object_get(
			    resp, "error"), "message")));
		json_decref(resp);
		hist_add(&h, dt);
		if (dt > max)
			max = dt;
	}
	p50 = hist_quantile(&h, 500);
	p99 = hist_quantile(&h, 990);
	p50 = p50 < max ? p50 : max;	/* a bucket's bound, not above max */
	p99 = p99 < max ? p99 : max;
	printf("  single job.post %zu sequential, %zu error%s: p50 %" PRIu64
	    " us  p99 %" PRIu64 " us  max %" PRIu64 " us\n", o->single, errors,
	    errors == 1 ? "" : "s", p50, p99, max);
	json_object_set_new(out, "single", json_pack("{s:I, s:I, s:I, s:I, "
	    "s:I}", "n", (json_int_t)o->single, "errors", (json_int_t)errors,
	    "p50_us", (json_int_t)p50, "p99_us", (json_int_t)p99, "max_us",
	    (json_int_t)max));
}

int
bench_load(const struct opts *o)
{
	struct towns towns;
	struct gen g;
	struct load L;
	struct event *tick;
	struct timeval tv = { 0, TICK_US };
	json_t *out = json_object();
	double secs;

	if (!o->has_n)
		bench_die("load: -n N is required");
	if (o->token == NULL)
		bench_die("load: a staff token is required (-t or "
		    "JOBMATCH_TOKEN)");
	bench_load_towns(o->towns_file, &towns);
	bench_make_dataset(o, &towns, &g, stdout);
	memset(&L, 0, sizeof(L));
	L.o = o;
	L.g = &g;
	if ((L.conns = calloc((size_t)o->conns, sizeof(*L.conns))) == NULL ||
	    (L.retry = calloc(g.njobs + g.nemployers, sizeof(*L.retry))) ==
	    NULL || (L.base = event_base_new()) == NULL || out == NULL)
		bench_die("out of memory");
	for (int i = 0; i < o->conns; i++)
		bench_open_conn(o, &L.conns[i], i, o->token);
	printf("jobmatch-bench load: %s, %zu postings, %zu employers, seed %"
	    PRIu64 ", %d connection%s x depth %d\n", o->addr, g.njobs,
	    g.nemployers, o->seed, o->conns, o->conns == 1 ? "" : "s",
	    o->depth);
	for (int i = 0; i < o->conns; i++)
		bconn_attach(&L.conns[i], L.base, load_answer, &L);
	tick = event_new(L.base, -1, EV_PERSIST, load_tick, &L);
	if (tick == NULL || event_add(tick, &tv) == -1)
		bench_die("libevent: no timer");
	load_phase(&L, false);
	event_base_dispatch(L.base);
	secs = (double)(bench_now_us() - L.t0) / 1e6;
	printf("  job.post        %zu in %.2f s = %.0f postings/s, %zu "
	    "error%s", L.total, secs, (double)L.total / secs, L.errors,
	    L.errors == 1 ? "" : "s");
	if (L.busy > 0)
		printf(" (%zu busy refusals retried)", L.busy);
	printf("\n");
	json_object_set_new(out, "postings", json_integer((json_int_t)L.total));
	json_object_set_new(out, "errors", json_integer((json_int_t)L.errors));
	json_object_set_new(out, "busy", json_integer((json_int_t)L.busy));
	json_object_set_new(out, "seconds", json_real(secs));
	json_object_set_new(out, "postings_per_s",
	    json_real((double)L.total / secs));
	event_free(tick);
	for (int i = 0; i < o->conns; i++) {
		event_free(L.conns[i].rev);
		event_free(L.conns[i].wev);
		L.conns[i].rev = L.conns[i].wev = NULL;
	}
	if (o->single > 0)
		load_single(o, &g, &L.conns[0], out);
	bench_print_rss(o, &L.conns[0], g.njobs, out);
	bench_print_json(o, out);
	for (int i = 0; i < o->conns; i++)
		bconn_close(&L.conns[i]);
	event_base_free(L.base);
	free(L.conns);
	free(L.retry);
	gen_free(&g);
	towns_free(&towns);
	return L.errors > 0 ? 1 : 0;
}
