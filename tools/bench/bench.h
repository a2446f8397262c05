/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * bench.h - what the parts of jobmatch-bench share: the options, the
 * connections' set-up, the daemon's RSS (bench.c), and the load and run
 * commands (load.c, run.c). See jobmatch-bench.c.
 */
#ifndef JM_BENCH_BENCH_H
#define JM_BENCH_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "matcher/towns.h"
#include "tools/bench/client.h"
#include "tools/bench/gen.h"

#define ERRORS_SHOWN	5		/* errors printed, of each kind */
#define TICK_US		20000		/* the loops' timer */

struct opts {
	const char	*addr, *token, *staff_token, *towns_file;
	const char	*jobs_file, *emp_file;
	size_t		 n, single;
	uint64_t	 queries;	/* run: stop after this many; 0: none */
	uint64_t	 from;		/* run: the first query's index */
	bool		 has_n, check, json;
	uint64_t	 seed, qseed;
	int		 conns, depth;
	double		 duration, warmup, timeout;
	long		 pid;
};


/* Reads and parses a towns file, or exits. */
void	bench_load_towns(const char *path, struct towns *t);
/* gen_dataset of o's size and seed, or exits; says so on msg. */
void	bench_make_dataset(const struct opts *o, const struct towns *t,
	    struct gen *g, FILE *msg);
/* Connects (and says hello with token, unless NULL), or exits. */
void	bench_open_conn(const struct opts *o, struct bconn *c, int index,
	    const char *token);
/* The daemon's RSS in bytes: stats' memory.rss_bytes over staff (may be
 * NULL), else /proc/PID/status with --pid; -1 when unknown. *how says
 * where it came from; *mirror gets stats' mirror.postings, or -1. */
int64_t	bench_server_rss(const struct opts *o, struct bconn *staff,
	    const char **how, int64_t *mirror);
/* Prints the RSS (per posting when njobs > 0) and adds it to out. */
void	bench_print_rss(const struct opts *o, struct bconn *staff,
	    size_t njobs, json_t *out);
/* Prints out as one JSON line with --json; frees it. */
void	bench_print_json(const struct opts *o, json_t *out);
/* Exits when a connection waited longer than timeout for an answer. */
void	bench_check_stalls(struct bconn *conns, int n, double timeout,
	    uint64_t now);

int	bench_load(const struct opts *o);
int	bench_run(const struct opts *o);

#endif
