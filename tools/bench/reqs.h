/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * reqs.h - jobmatch-bench's request lines: the generated employers and
 * postings through proto/'s codec (as employer.put and job.post), a
 * match of a generated query encoded by hand into a caller's buffer (the
 * hot path: no allocation), and a quick reading of the daemon's answers.
 */
#ifndef JM_BENCH_REQS_H
#define JM_BENCH_REQS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "matcher/model.h"
#include "matcher/towns.h"
#include "tools/bench/gen.h"

#define MATCH_LINE_MAX	8192	/* longest match line reqs_match_line writes */

/* {"employer": {...}} and {"job": {...}} of generated record i (new
 * references; NULL when out of memory). */
json_t	*reqs_employer_params(const struct gen *g, size_t i);
json_t	*reqs_job_params(const struct gen *g, size_t i);

/*
 * One request line ending in "\n", as rpc_dump writes it (12 significant
 * digits, as the daemon's own answers): {"jsonrpc", "id", "method",
 * "params"}, or only {"method", "params"} when id is 0 (the lines
 * `jobmatch load` reads). params is stolen. Returns a malloc'd line and
 * its length, or NULL when out of memory.
 */
char	*reqs_line(uint64_t id, const char *method, json_t *params,
	    size_t *len);

/* Writes the match request of profile p (as gen_query makes them) into
 * buf (at least MATCH_LINE_MAX bytes). Returns the line's length. */
size_t	 reqs_match_line(char *buf, uint64_t id, const struct profile *p,
	    size_t limit, const struct towns *towns);

/* What reqs_scan reads of an answer. */
struct answer {
	uint64_t	 id;
	bool		 ok;		/* a result, not an error */
	int		 code;		/* the error's */
	int64_t		 took_us;	/* -1: none */
	int64_t		 candidates;	/* a match's; -1: none */
	char		 message[160];	/* the error's, shortened */
};
/* Reads an answer's id, whether it is an error (code and message) and a
 * match's took_us and candidates, without building its JSON when it has
 * the daemon's usual shape. Returns 0, or -1 when the line is not a
 * JSON-RPC response. */
int	 reqs_scan(const char *line, size_t len, struct answer *a);

#endif
