/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * jobmatch-bench - the load generator of jobmatchd (issue 6).
 *
 *   jobmatch-bench load -a HOST:PORT -t STAFF_TOKEN -n N [--seed S]
 *       [-c CONNS] [-d DEPTH] [--single K] [--pid PID]
 *   jobmatch-bench run -a HOST:PORT -t KIOSK_TOKEN [-n N] [--seed S]
 *       [--qseed Q] [-c CONNS] [-d DEPTH] [--duration S] [--warmup S]
 *       [--queries Q] [--from I] [--check] [--staff-token T] [--pid PID]
 *   jobmatch-bench gen -n N [--seed S] [--jobs FILE] [--employers FILE]
 *
 * The data set and the queries come from gen.c: the same seed and size
 * give the same postings everywhere, so `run --check` rebuilds what `load`
 * posted and computes every answer again by brute force (check.c). This
 * file holds the options and gen; what load.c and run.c share (bench.h)
 * is bench.c.
 * Connections are driven by one libevent loop (client.c), each with DEPTH
 * requests in flight; a match line is written by hand into a fixed buffer
 * and an answer read in place (reqs.c), so nothing is allocated per
 * request beyond the JSON of load's documents and --check's answers.
 * bench/README.md describes the output.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "proto/rpc.h"
#include "tools/bench/args.h"
#include "tools/bench/bench.h"
#include "tools/bench/reqs.h"

#ifndef JM_TOWNS_DEFAULT
#define JM_TOWNS_DEFAULT "data/towns.tsv"
#endif
#define CONNS_MAX	1000
#define DEPTH_MAX	100000

static void
usage(void)
{
	fprintf(stderr,
"usage: jobmatch-bench load -a HOST:PORT -t STAFF_TOKEN -n N [--seed S]\n"
"           [-c CONNS] [-d DEPTH] [--single K] [--pid PID]\n"
"       jobmatch-bench run -a HOST:PORT -t KIOSK_TOKEN [-n N] [--seed S]\n"
"           [--qseed Q] [-c CONNS] [-d DEPTH] [--duration S] [--warmup S]\n"
"           [--queries Q] [--from I] [--check] [--staff-token T]\n"
"           [--pid PID]\n"
"       jobmatch-bench gen -n N [--seed S] [--jobs FILE] [--employers FILE]\n"
"common: [--towns FILE] [--timeout S] [--json]\n"
"  load: posts N generated postings (and their employers) pipelined over\n"
"        CONNS connections (2) with DEPTH requests in flight each (32);\n"
"        --single K then times K sequential job.post updates.\n"
"  run:  drives match over CONNS connections (2) with DEPTH in flight (1)\n"
"        for --duration seconds (10) after --warmup (1 s; 0 with\n"
"        --queries), or until Q queries (from query I, 0) were answered\n"
"        if sooner; --check compares every answer with a brute-force\n"
"        reference (needs -n and --seed of the load, and --staff-token\n"
"        for rules.get).\n"
"  gen:  writes the data set as JSONL for `jobmatch load` (stdout when\n"
"        neither --jobs nor --employers is given).\n"
"  RSS:  from stats (memory.rss_bytes, with a staff token) or --pid.\n"
"environment: JOBMATCH_ADDR (127.0.0.1:7474), JOBMATCH_TOKEN\n");
	exit(2);
}

static uint64_t
num_arg(const char *name, const char *s, uint64_t lo, uint64_t hi)
{
	uint64_t v;

	if (bench_arg_u64(s, lo, hi, &v) == -1)
		bench_die("%s: expected a whole number from %" PRIu64 " to %"
		    PRIu64, name, lo, hi);
	return v;
}

static double
secs_arg(const char *name, const char *s)
{
	double v;

	if (bench_arg_secs(s, &v) == -1)
		bench_die("%s: expected seconds", name);
	return v;
}

static void
parse_opts(int argc, char **argv, struct opts *o, bool run)
{
	enum { O_SEED = 256, O_QSEED, O_DURATION, O_WARMUP, O_CHECK, O_STAFF,
	    O_PID, O_SINGLE, O_TOWNS, O_JOBS, O_EMPS, O_TIMEOUT, O_JSON,
	    O_QUERIES, O_FROM };
	static const struct option lopts[] = {
		{ "addr", required_argument, NULL, 'a' },
		{ "token", required_argument, NULL, 't' },
		{ "postings", required_argument, NULL, 'n' },
		{ "conns", required_argument, NULL, 'c' },
		{ "depth", required_argument, NULL, 'd' },
		{ "seed", required_argument, NULL, O_SEED },
		{ "qseed", required_argument, NULL, O_QSEED },
		{ "duration", required_argument, NULL, O_DURATION },
		{ "warmup", required_argument, NULL, O_WARMUP },
		{ "check", no_argument, NULL, O_CHECK },
		{ "staff-token", required_argument, NULL, O_STAFF },
		{ "pid", required_argument, NULL, O_PID },
		{ "single", required_argument, NULL, O_SINGLE },
		{ "towns", required_argument, NULL, O_TOWNS },
		{ "jobs", required_argument, NULL, O_JOBS },
		{ "employers", required_argument, NULL, O_EMPS },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "json", no_argument, NULL, O_JSON },
		{ "queries", required_argument, NULL, O_QUERIES },
		{ "from", required_argument, NULL, O_FROM },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->addr = getenv("JOBMATCH_ADDR");
	if (o->addr == NULL || o->addr[0] == '\0')
		o->addr = "127.0.0.1:7474";
	o->token = getenv("JOBMATCH_TOKEN");
	o->towns_file = JM_TOWNS_DEFAULT;
	o->seed = o->qseed = 1;
	o->conns = 2;
	o->depth = run ? 1 : 32;
	o->duration = 10;
	o->warmup = -1;		/* 1 s, or none with --queries */
	o->timeout = 10;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "a:t:n:c:d:h", lopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'a': o->addr = optarg; break;
		case 't': o->token = optarg; break;
		case 'n':
			o->n = num_arg("-n", optarg, 1, GEN_JOBS_MAX);
			o->has_n = true;
			break;
		case 'c':
			o->conns = (int)num_arg("-c", optarg, 1, CONNS_MAX);
			break;
		case 'd':
			o->depth = (int)num_arg("-d", optarg, 1, DEPTH_MAX);
			break;
		case O_SEED: o->seed = num_arg("--seed", optarg, 0,
		    UINT64_MAX); break;
		case O_QSEED: o->qseed = num_arg("--qseed", optarg, 0,
		    UINT64_MAX); break;
		case O_DURATION: o->duration = secs_arg("--duration", optarg);
			break;
		case O_WARMUP: o->warmup = secs_arg("--warmup", optarg); break;
		case O_TIMEOUT: o->timeout = secs_arg("--timeout", optarg);
			break;
		case O_CHECK: o->check = true; break;
		case O_STAFF: o->staff_token = optarg; break;
		case O_PID: o->pid = (long)num_arg("--pid", optarg, 1,
		    INT32_MAX); break;
		case O_SINGLE: o->single = num_arg("--single", optarg, 0,
		    100000000); break;
		case O_TOWNS: o->towns_file = optarg; break;
		case O_JOBS: o->jobs_file = optarg; break;
		case O_EMPS: o->emp_file = optarg; break;
		case O_JSON: o->json = true; break;
		case O_QUERIES: o->queries = num_arg("--queries", optarg, 1,
		    UINT64_MAX); break;
		case O_FROM: o->from = num_arg("--from", optarg, 0,
		    UINT64_MAX / 2); break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	if (o->timeout < 0.1)
		o->timeout = 0.1;
	if (o->warmup < 0)
		o->warmup = o->queries > 0 ? 0 : 1;
}

/* ---- gen ----------------------------------------------------------------- */

static FILE *
open_out(const char *path)
{
	FILE *fp;

	if (path == NULL || strcmp(path, "-") == 0)
		return stdout;
	if ((fp = fopen(path, "w")) == NULL)
		bench_die("%s: %s", path, strerror(errno));
	return fp;
}

static void
write_lines(FILE *fp, const char *path, const struct gen *g, bool jobs)
{
	size_t n = jobs ? g->njobs : g->nemployers, len;

	for (size_t i = 0; i < n; i++) {
		char *line = reqs_line(0, jobs ? "job.post" : "employer.put",
		    jobs ? reqs_job_params(g, i) :
		    reqs_employer_params(g, i), &len);
		if (line == NULL)
			bench_die("out of memory");
		if (fwrite(line, 1, len, fp) != len)
			bench_die("%s: %s", path ? path : "stdout",
			    strerror(errno));
		free(line);
	}
}

static void
close_out(FILE *fp, const char *path)
{
	if ((fp == stdout ? fflush(fp) : fclose(fp)) == EOF)
		bench_die("%s: %s", path ? path : "stdout", strerror(errno));
}

static int
cmd_gen(const struct opts *o)
{
	struct towns towns;
	struct gen g;
	FILE *fp;

	if (!o->has_n)
		bench_die("gen: -n N is required");
	bench_load_towns(o->towns_file, &towns);
	bench_make_dataset(o, &towns, &g, stderr);
	if (o->emp_file == NULL && o->jobs_file == NULL) {
		/* Both to standard output, the employers first. */
		write_lines(stdout, NULL, &g, false);
		write_lines(stdout, NULL, &g, true);
		close_out(stdout, NULL);
	}
	if (o->emp_file != NULL) {
		fp = open_out(o->emp_file);
		write_lines(fp, o->emp_file, &g, false);
		close_out(fp, o->emp_file);
	}
	if (o->jobs_file != NULL) {
		fp = open_out(o->jobs_file);
		write_lines(fp, o->jobs_file, &g, true);
		close_out(fp, o->jobs_file);
	}
	gen_free(&g);
	towns_free(&towns);
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o;

	if (argc < 2)
		usage();
	if (strcmp(argv[1], "load") == 0) {
		parse_opts(argc - 1, argv + 1, &o, false);
		return bench_load(&o);
	}
	if (strcmp(argv[1], "run") == 0) {
		parse_opts(argc - 1, argv + 1, &o, true);
		return bench_run(&o);
	}
	if (strcmp(argv[1], "gen") == 0) {
		parse_opts(argc - 1, argv + 1, &o, false);
		return cmd_gen(&o);
	}
	usage();
}
