/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * bench.c - what the commands of jobmatch-bench share (bench.h): the
 * towns and the data set, the connections' set-up, the daemon's RSS, the
 * JSON line of --json, and the stall check of both loops.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/bench/bench.h"

void
bench_load_towns(const char *path, struct towns *t)
{
	FILE *fp = fopen(path, "rb");
	char *buf, err[256];
	size_t len;
	long n;

	if (fp == NULL)
		bench_die("%s: %s (give --towns FILE)", path, strerror(errno));
	if (fseek(fp, 0, SEEK_END) == -1 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) == -1 ||
	    (buf = malloc((size_t)n + 1)) == NULL)
		bench_die("%s: cannot read", path);
	len = fread(buf, 1, (size_t)n, fp);
	fclose(fp);
	buf[len] = '\0';
	if (towns_parse(t, buf, len, err, sizeof(err)) == -1)
		bench_die("%s: %s", path, err);
	free(buf);
}

/* Says so on msg (stderr when the data itself goes to stdout). */
void
bench_make_dataset(const struct opts *o, const struct towns *t,
    struct gen *g, FILE *msg)
{
	uint64_t t0 = bench_now_us();

	if (gen_dataset(g, t, o->seed, o->n) == -1)
		bench_die("out of memory generating %zu postings", o->n);
	fprintf(msg, "generated %zu postings of %zu employers (seed %" PRIu64
	    ") in %.2f s\n", g->njobs, g->nemployers, o->seed,
	    (double)(bench_now_us() - t0) / 1e6);
}

void
bench_open_conn(const struct opts *o, struct bconn *c, int index,
    const char *token)
{
	char err[512];
	int ms = (int)(o->timeout * 1000);

	if (bconn_open(c, o->addr, index, ms, err, sizeof(err)) == -1)
		bench_die("%s", err);
	if (token != NULL && token[0] != '\0' &&
	    bconn_hello(c, token, ms, err, sizeof(err)) == -1)
		bench_die("%s", err);
}

int64_t
bench_server_rss(const struct opts *o, struct bconn *staff, const char **how,
    int64_t *mirror)
{
	json_t *resp, *res, *v;
	char err[512], line[256];
	int64_t rss = -1;
	FILE *fp;

	*how = "unknown: give a staff token or --pid";
	*mirror = -1;
	if (staff != NULL) {
		resp = bconn_call(staff, "stats", NULL,
		    (int)(o->timeout * 1000), err, sizeof(err));
		if (resp == NULL)
			fprintf(stderr, "stats: %s\n", err);
		else if ((res = json_object_get(resp, "result")) == NULL)
			fprintf(stderr, "stats: refused (is the token a staff "
			    "token?)\n");
		else {
			v = json_object_get(json_object_get(res, "mirror"),
			    "postings");
			if (json_is_integer(v))
				*mirror = json_integer_value(v);
			v = json_object_get(json_object_get(res, "memory"),
			    "rss_bytes");
			if (json_is_integer(v)) {
				rss = json_integer_value(v);
				*how = "stats memory.rss_bytes";
			}
		}
		json_decref(resp);
	}
	if (rss < 0 && o->pid > 0) {
		snprintf(line, sizeof(line), "/proc/%ld/status", o->pid);
		if ((fp = fopen(line, "r")) == NULL)
			fprintf(stderr, "%s: %s\n", line, strerror(errno));
		else {
			long long kb;
			while (fgets(line, sizeof(line), fp) != NULL)
				if (sscanf(line, "VmRSS: %lld kB", &kb) == 1) {
					rss = (int64_t)kb * 1024;
					*how = "/proc/PID/status VmRSS";
				}
			fclose(fp);
		}
	}
	return rss;
}

void
bench_print_rss(const struct opts *o, struct bconn *staff, size_t njobs,
    json_t *out)
{
	const char *how;
	int64_t mirror, rss = bench_server_rss(o, staff, &how, &mirror);

	if (mirror >= 0)
		printf("  daemon mirror   %" PRId64 " open postings\n", mirror);
	if (rss >= 0) {
		printf("  server RSS      %.1f MB (%s)", (double)rss / 1048576,
		    how);
		if (njobs > 0)
			printf(", %.0f bytes a posting overall",
			    (double)rss / (double)njobs);
		printf("\n");
	} else
		printf("  server RSS      %s\n", how);
	json_object_set_new(out, "rss_bytes", rss >= 0 ? json_integer(rss) :
	    json_null());
	json_object_set_new(out, "mirror_postings", mirror >= 0 ?
	    json_integer(mirror) : json_null());
}

void
bench_print_json(const struct opts *o, json_t *out)
{
	char *s;

	if (o->json && (s = json_dumps(out, JSON_COMPACT |
	    JSON_REAL_PRECISION(6))) != NULL) {
		printf("%s\n", s);
		free(s);
	}
	json_decref(out);
}

/* ---- stall detection (both loops) ----------------------------------- */

void
bench_check_stalls(struct bconn *conns, int n, double timeout,
    uint64_t now)
{
	for (int i = 0; i < n; i++) {
		struct bconn *c = &conns[i];
		if (c->count > 0 && now - c->last_us >
		    (uint64_t)(timeout * 1e6))
			bench_die("%s: connection %d: no answer within %.1f s "
			    "(%zu request%s in flight): is the daemon stuck, "
			    "or Redis down? (--timeout)", c->addr, c->index,
			    timeout, c->count, c->count == 1 ? "" : "s");
	}
}
